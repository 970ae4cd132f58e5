//! The annotated function, parsed only as far as the expansion needs: the body stays tokens, in a
//! group that keeps the span (and with it the edition and hygiene) of the user's braces.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{
    Attribute, FnArg, GenericArgument, PathArguments, ReturnType, Signature, Type, TypeParamBound,
    Visibility,
};

use crate::errors::Errors;

/// An `fn` item: attributes, visibility, signature and the body.
pub(crate) struct ItemFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// The body's inner attributes (`#![allow(..)]`): they apply to the function, and a block
    /// expression cannot carry them.
    pub(crate) inner_attrs: Vec<Attribute>,
    /// The body without its inner attributes, in braces with the user's span.
    pub(crate) body: Group,
}

impl Parse for ItemFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !starts_fn(input) {
            let span = input
                .cursor()
                .token_tree()
                .map_or_else(Span::call_site, |(tt, _)| tt.span());
            return Err(syn::Error::new(
                span,
                "`#[cors]` can only be applied to an `async fn` handler taking the request, \
                 e.g. `async fn handler(event: Request) -> Result<Response<Body>, Error>`",
            ));
        }
        let sig: Signature = input.parse()?;
        if input.peek(syn::Token![;]) {
            return Err(syn::Error::new(
                sig.ident.span(),
                "`#[cors]` needs the handler's body: it wraps what the function returns",
            ));
        }
        let body = input.step(|cursor| {
            cursor
                .token_tree()
                .ok_or_else(|| cursor.error("expected the function's body"))
        })?;
        let braces = match body {
            proc_macro2::TokenTree::Group(group) => body_group(group)?,
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected the function's body",
                ));
            }
        };
        let (inner_attrs, stmts) = syn::parse::Parser::parse2(
            |content: ParseStream<'_>| {
                let inner = content.call(Attribute::parse_inner)?;
                let stmts: TokenStream = content.parse()?;
                Ok((inner, stmts))
            },
            braces.stream(),
        )?;
        let mut body = Group::new(Delimiter::Brace, stmts);
        body.set_span(braces.span());
        Ok(ItemFn {
            attrs,
            vis,
            sig,
            inner_attrs,
            body,
        })
    }
}

/// The body's braces; a function written through a `macro_rules!` fragment (`$body:block`) has them
/// inside an invisible group.
fn body_group(group: Group) -> syn::Result<Group> {
    match group.delimiter() {
        Delimiter::Brace => Ok(group),
        Delimiter::None => {
            let mut inner = group.stream().into_iter();
            match (inner.next(), inner.next()) {
                (Some(proc_macro2::TokenTree::Group(group)), None) => body_group(group),
                _ => Err(syn::Error::new(
                    group.span(),
                    "expected the function's body",
                )),
            }
        }
        _ => Err(syn::Error::new(
            group.span(),
            "expected the function's body",
        )),
    }
}

/// `ty` without the invisible groups and parentheses around it.
fn unwrapped(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(group) => ty = &group.elem,
            Type::Paren(paren) => ty = &paren.elem,
            _ => return ty,
        }
    }
}

/// Whether `input` is at a function signature: `fn`, after any of `const`, `async`, `unsafe` and
/// `extern "abi"` (so `const X: u8 = 0;` or `unsafe impl` is "not a function", not "expected `fn`").
fn starts_fn(input: ParseStream<'_>) -> bool {
    let fork = input.fork();
    let _ = fork.parse::<Option<syn::Token![const]>>();
    let _ = fork.parse::<Option<syn::Token![async]>>();
    let _ = fork.parse::<Option<syn::Token![unsafe]>>();
    let _ = fork.parse::<Option<syn::Abi>>();
    fork.peek(syn::Token![fn])
}

/// What the handler returns, as far as the expansion cares.
pub(crate) enum Output {
    /// A type without `impl Trait`: `Result<Response<B>, E>`, `Response<B>` (or an alias of them). The
    /// headers are added to the response in place.
    Concrete(Type),
    /// `impl IntoResponse`: the value is wrapped and converted once, by lambda_http.
    Impl { span: Span },
    /// `Result<impl IntoResponse, E>` (or any alias whose first argument it is, as
    /// `anyhow::Result<impl IntoResponse>`): the `Ok` value is wrapped.
    ResultImpl { declared: Type },
}

/// The parts of the signature the expansion needs.
pub(crate) struct Handler {
    /// The request parameter's type, where an error about a parameter that is not a request is shown.
    pub(crate) request_ty: Type,
    /// What the function returns.
    pub(crate) output: Output,
}

/// Checks that `item` is a handler `#[cors]` can wrap.
pub(crate) fn handler(item: &ItemFn, errors: &mut Errors) -> Option<Handler> {
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            "`#[cors]` handlers must be `async fn`: add `async` before `fn`",
        ));
    }
    let request_ty = match sig.inputs.first() {
        None => {
            errors.push(syn::Error::new(
                sig.paren_token.span.join(),
                "a `#[cors]` handler takes the request as its first parameter, \
                 e.g. `async fn handler(event: Request)`",
            ));
            None
        }
        Some(FnArg::Receiver(receiver)) => {
            errors.push(syn::Error::new_spanned(
                receiver,
                "a `#[cors]` handler takes the request as its first parameter, not `self`: make it an \
                 associated function taking what `self` gave as a later parameter, e.g. \
                 `async fn handle(event: Request, api: &Api)`, and serve it with \
                 `service_fn(|event| Api::handle(event, &api))`",
            ));
            None
        }
        Some(FnArg::Typed(arg)) => Some((*arg.ty).clone()),
    };
    let output = match &sig.output {
        ReturnType::Default => {
            errors.push(syn::Error::new(
                sig.paren_token.span.close(),
                "a `#[cors]` handler returns its response: add a return type, \
                 e.g. `-> Result<Response<Body>, Error>`",
            ));
            None
        }
        ReturnType::Type(_, ty) => output(ty, errors),
    };
    Some(Handler {
        request_ty: request_ty?,
        output: output?,
    })
}

fn output(ty: &Type, errors: &mut Errors) -> Option<Output> {
    if let Some(span) = into_response_impl(ty) {
        return Some(Output::Impl { span });
    }
    if first_argument(ty).and_then(into_response_impl).is_some() {
        return Some(Output::ResultImpl {
            declared: ty.clone(),
        });
    }
    if let Some(impl_span) = find_impl_trait(ty) {
        errors.push(syn::Error::new(
            impl_span,
            "`#[cors]` must add headers to the response, so it cannot return an opaque type here: \
             return `Result<impl IntoResponse, E>`, `impl IntoResponse`, `Result<Response<B>, E>` or \
             `Response<B>`",
        ));
        return None;
    }
    Some(Output::Concrete(ty.clone()))
}

/// The span of `IntoResponse` when `ty` is `impl ... IntoResponse ...`.
fn into_response_impl(ty: &Type) -> Option<Span> {
    let Type::ImplTrait(impl_trait) = unwrapped(ty) else {
        return None;
    };
    impl_trait.bounds.iter().find_map(|bound| match bound {
        TypeParamBound::Trait(t) => t
            .path
            .segments
            .last()
            .filter(|s| s.ident == "IntoResponse")
            .map(|s| s.ident.span()),
        _ => None,
    })
}

/// The first generic argument of the last segment of a path type: the `T` of `Result<T, E>`.
fn first_argument(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = unwrapped(ty) else {
        return None;
    };
    let PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// The span of the first `impl Trait` in `ty`, if any.
pub(crate) fn find_impl_trait(ty: &Type) -> Option<Span> {
    struct Find(Option<Span>);
    impl syn::visit::Visit<'_> for Find {
        fn visit_type_impl_trait(&mut self, node: &syn::TypeImplTrait) {
            self.0.get_or_insert(node.span());
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_type(&mut find, ty);
    find.0
}

/// `ty` with every `impl Trait` replaced by `_`, for the type the body is pinned to: inference then
/// finds the types the body returns, as it would for the opaque type.
pub(crate) fn inferred(ty: &Type) -> Type {
    struct Infer;
    impl VisitMut for Infer {
        fn visit_type_mut(&mut self, node: &mut Type) {
            if let Type::ImplTrait(impl_trait) = node {
                let span = impl_trait.span();
                *node = syn::parse_quote_spanned!(span=> _);
            } else {
                syn::visit_mut::visit_type_mut(self, node);
            }
        }
    }
    let mut ty = ty.clone();
    Infer.visit_type_mut(&mut ty);
    ty
}
