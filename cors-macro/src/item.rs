//! The annotated function, parsed only as far as the expansion needs: its body stays tokens (`exits`
//! parses a copy of it).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{
    Attribute, FnArg, GenericArgument, Pat, PathArguments, ReturnType, Signature, Type,
    TypeParamBound, Visibility, braced,
};

use crate::errors::Errors;

/// An `fn` item: attributes, visibility, signature and the body's tokens.
pub(crate) struct ItemFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) inner_attrs: Vec<Attribute>,
    pub(crate) body: TokenStream,
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
        let content;
        braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let body: TokenStream = content.parse()?;
        Ok(ItemFn {
            attrs,
            vis,
            sig,
            inner_attrs,
            body,
        })
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

/// The parts of the signature the expansion rewrites.
pub(crate) struct Handler {
    /// The first parameter's pattern and type.
    pub(crate) request_pat: Pat,
    pub(crate) request_ty: Type,
    /// The declared return type.
    pub(crate) output: Type,
    /// Whether the return type is `Result<impl IntoResponse, E>`; the `impl IntoResponse` then becomes
    /// `Response<Body>`, since the headers can only be added to a concrete response.
    pub(crate) into_response: bool,
    /// The bounds of that `impl Trait`, checked on the body's `Ok` value as declared, and the span of
    /// its `IntoResponse` (where an `Ok` value that does not implement it is reported).
    pub(crate) ok_bounds: Option<(TokenStream, Span)>,
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
    let request = match sig.inputs.first() {
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
                "a `#[cors]` handler takes the request as its first parameter, not `self`: \
                 make it a free function, e.g. `async fn handler(event: Request)`",
            ));
            None
        }
        Some(FnArg::Typed(arg)) => Some(((*arg.pat).clone(), (*arg.ty).clone())),
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
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    };
    let ok_bounds = output.as_ref().and_then(|ty| return_kind(ty, errors));
    let (request_pat, request_ty) = request?;
    Some(Handler {
        request_pat,
        request_ty,
        output: output?,
        into_response: ok_bounds.is_some(),
        ok_bounds,
    })
}

/// The bounds of `impl IntoResponse` when `ty` is `Result<impl IntoResponse, E>`; an `impl Trait`
/// anywhere else is an error.
fn return_kind(ty: &Type, errors: &mut Errors) -> Option<(TokenStream, Span)> {
    if let Some(Type::ImplTrait(impl_trait)) = result_ok_type(ty) {
        let into_response = impl_trait.bounds.iter().find_map(|bound| match bound {
            TypeParamBound::Trait(t) => t
                .path
                .segments
                .last()
                .filter(|s| s.ident == "IntoResponse")
                .map(|s| s.ident.span()),
            _ => None,
        });
        if let Some(span) = into_response {
            // Trait bounds only: they are repeated on a type parameter of a nested function, which
            // cannot name the handler's lifetimes (`+ 'a`) and where `use<..>` is not allowed.
            let bounds = impl_trait
                .bounds
                .iter()
                .filter(|bound| matches!(bound, TypeParamBound::Trait(_)));
            return Some((quote::quote!(#(#bounds)+*), span));
        }
    }
    if let Some(impl_span) = find_impl_trait(ty) {
        errors.push(syn::Error::new(
            impl_span,
            "`#[cors]` must add headers to the response, so it cannot return an opaque type here: \
             return `Result<impl IntoResponse, E>`, `Result<Response<B>, E>` or `Response<B>`",
        ));
    }
    None
}

/// The `T` of `Result<T, E>` (any path ending in `Result` with two type arguments).
pub(crate) fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    match (types.next(), types.next(), types.next()) {
        (Some(ok), Some(_), None) => Some(ok),
        _ => None,
    }
}

/// The span of the first `impl Trait` in `ty`, if any.
pub(crate) fn find_impl_trait(ty: &Type) -> Option<Span> {
    let mut found = None;
    visit_types(ty, &mut |t| {
        if found.is_none() && matches!(t, Type::ImplTrait(_)) {
            found = Some(t.span());
        }
    });
    found
}

fn visit_types(ty: &Type, f: &mut impl FnMut(&Type)) {
    f(ty);
    match ty {
        Type::Path(path) => {
            for segment in &path.path.segments {
                if let PathArguments::AngleBracketed(args) = &segment.arguments {
                    for arg in &args.args {
                        if let GenericArgument::Type(inner) = arg {
                            visit_types(inner, f);
                        }
                    }
                }
            }
        }
        Type::Paren(inner) => visit_types(&inner.elem, f),
        Type::Group(inner) => visit_types(&inner.elem, f),
        Type::Tuple(tuple) => tuple.elems.iter().for_each(|t| visit_types(t, f)),
        _ => {}
    }
}

/// `Result<impl IntoResponse, E>` with its `Ok` type replaced by `ok`.
pub(crate) fn with_ok_type(ty: &Type, ok_type: Type) -> TokenStream {
    let mut ty = ty.clone();
    if let Type::Path(path) = &mut ty {
        if let Some(PathArguments::AngleBracketed(args)) = path
            .path
            .segments
            .last_mut()
            .map(|segment| &mut segment.arguments)
        {
            if let Some(GenericArgument::Type(ok)) = args.args.first_mut() {
                *ok = ok_type;
            }
        }
    }
    ty.to_token_stream()
}
