//! Generating the wrapped handler.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, Pat, PatIdent};

use crate::attr::{self, Front};
use crate::errors::Errors;
use crate::item::{self, Handler, ItemFn, Output};
use crate::valid::{self, ListSetting, OriginsSetting, Policy};

/// `#[cors(args)] item`.
pub(crate) fn cors(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut parsed = attr::parse(args, Front::Attribute, &mut errors);
    let krate = parsed.krate.take().map_or_else(
        || quote!(::cors_runtime),
        |krate| krate.value.to_token_stream(),
    );
    let policy = valid::validate(parsed, &mut errors);
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            errors.push(error);
            return with_errors(input, errors);
        }
    };
    let handler = item::handler(&item, &mut errors);
    if let (
        Some(Handler {
            output: Output::Impl { span },
            ..
        }),
        Some(_),
    ) = (&handler, &policy.catch_errors)
    {
        errors.push(syn::Error::new(
            *span,
            "`catch_errors` needs a handler returning `Result<_, E>`: this one returns \
             `impl IntoResponse`, which has no error to catch",
        ));
    }
    match (handler, errors.into_compile_errors()) {
        (Some(handler), None) => {
            let name = item.sig.ident.to_string();
            let expanded = wrap(item, &handler, &policy, &krate);
            print_if_asked(&name, &expanded);
            expanded
        }
        // The function unchanged beside the errors, so the rest of the crate still type-checks and
        // IDEs keep working (as tokio-macros does).
        (_, compile_errors) => {
            let mut tokens = input;
            tokens.extend(compile_errors);
            tokens
        }
    }
}

/// Prints the expansion to the compiler's standard error when `CORS_MACRO_DEBUG` is `1` (every handler)
/// or names this handler, like axum-macros' `AXUM_MACROS_DEBUG`. Cargo does not rebuild when only the
/// variable changes: touch the file (or `cargo clean -p` the crate) to see it.
fn print_if_asked(handler: &str, expanded: &TokenStream) {
    if debug_asked(std::env::var_os("CORS_MACRO_DEBUG").as_deref(), handler) {
        eprintln!("// `#[cors]` expansion of `{handler}`:\n{expanded}\n");
    }
}

/// Whether `CORS_MACRO_DEBUG` (`wanted`) asks for the expansion of `handler`.
fn debug_asked(wanted: Option<&std::ffi::OsStr>, handler: &str) -> bool {
    wanted.is_some_and(|wanted| wanted == "1" || wanted == handler)
}

fn with_errors(mut tokens: TokenStream, errors: Errors) -> TokenStream {
    tokens.extend(errors.into_compile_errors());
    tokens
}

/// The builder calls that make `policy`: the expansion builds its policy through the public builder,
/// as `#[tokio::main]` builds its runtime through `tokio::runtime::Builder`.
pub(crate) fn builder(policy: &Policy, krate: &TokenStream) -> TokenStream {
    let mut calls = TokenStream::new();
    match &policy.origins {
        OriginsSetting::Default => {}
        OriginsSetting::Any => calls.extend(quote!(.any_origin())),
        OriginsSetting::List(items) => calls.extend(quote!(.origins([#(#items),*]))),
        OriginsSetting::Env(var) => calls.extend(quote!(.origins_env(#var))),
        // Spanned on the user's path, so a function of the wrong type is reported there.
        OriginsSetting::From(load) => {
            calls.extend(quote_spanned!(load.span()=> .origins_from(#load)));
        }
        OriginsSetting::Fn(predicate) => {
            calls.extend(quote_spanned!(predicate.span()=> .origins_fn(#predicate)));
        }
    }
    if let Some(seconds) = policy.refresh {
        calls.extend(quote!(.refresh(::core::time::Duration::from_secs(#seconds))));
    }
    if policy.credentials {
        calls.extend(quote!(.credentials()));
    }
    let list = |setting: &ListSetting, any: &str, items: &str| match setting {
        ListSetting::Default => TokenStream::new(),
        ListSetting::Any => {
            let any = Ident::new(any, Span::call_site());
            quote!(.#any())
        }
        ListSetting::Items(values) => {
            let method = Ident::new(items, Span::call_site());
            quote!(.#method([#(#values),*]))
        }
    };
    calls.extend(list(&policy.methods, "any_method", "methods"));
    calls.extend(list(&policy.headers, "any_header", "headers"));
    calls.extend(list(
        &policy.expose_headers,
        "expose_any_header",
        "expose_headers",
    ));
    if let Some(seconds) = policy.max_age {
        calls.extend(quote!(.max_age(::core::time::Duration::from_secs(#seconds))));
    }
    quote!(#krate::Cors::builder() #calls .build())
}

/// The handler, wrapped. The body is not parsed or rewritten: it runs in an `async move` block of its
/// own, as `#[tracing::instrument]` and `async-trait` run theirs, so its `return`s and `?`s leave that
/// block and the headers are added to whatever it produced.
///
/// Input:
///
/// ```text
/// #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
/// pub async fn handler(event: Request, (a, b): (A, B)) -> Result<Response<Body>, Error> {
///     #![allow(unused)]
///     body
/// }
/// ```
///
/// Output:
///
/// ```text
/// pub async fn handler(event: Request, __cors_arg1: (A, B)) -> Result<Response<Body>, Error> {
///     #![allow(unused)]
///     static __CORS_POLICY: ::cors_runtime::__private::StaticCors =
///         ::cors_runtime::__private::StaticCors::new(|| {
///             ::cors_runtime::Cors::builder().origins_env("ALLOWED_ORIGINS").credentials().build()
///         });
///     let __cors_actual = match <Request as ::cors_runtime::__private::HandlerRequest>::decide(
///         &event,
///         &__CORS_POLICY,
///     ) {
///         ::cors_runtime::__private::Decision::Preflight(__cors_preflight) => {
///             return ::cors_runtime::__private::preflight(__cors_preflight);
///         }
///         ::cors_runtime::__private::Decision::Actual(__cors_actual) => __cors_actual,
///     };
///     let __cors_output = async move {
///         // The parameters, moved in and bound in order, as rustc lowers an `async fn`: they drop
///         // after the body's locals and temporaries, the last one first.
///         let event = event;
///         let mut __cors_arg1 = __cors_arg1;
///         let (a, b) = __cors_arg1;
///         // Never runs: gives the block the declared return type, outside the body's scope, so
///         // `?` and `return` mean what they meant and the body's own `use`s cannot rename the type.
///         if false {
///             let __cors_fake_return_edge: Result<Response<Body>, Error> = loop {};
///             return __cors_fake_return_edge;
///         }
///         // The body as written, in braces carrying its own span (and so its edition).
///         { body }
///     }
///     .await;
///     ::cors_runtime::__private::finish(__cors_output, __cors_actual)
/// }
/// ```
///
/// For `-> Result<impl IntoResponse, E>` the types above read `Result<_, E>`, the preflight answer is
/// `Ok(WithCors::preflight(..))` and the last step is `wrap_ok(..)`: the `Ok` value is wrapped in a type
/// whose `IntoResponse` converts it (once, as lambda_http would) and then adds the headers.
fn wrap(item: ItemFn, handler: &Handler, policy: &Policy, krate: &TokenStream) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        mut sig,
        inner_attrs,
        body,
    } = item;
    let private = quote!(#krate::__private);
    let build = builder(policy, krate);

    // Names the user's body cannot see or clash with.
    let mixed = |name: &str| Ident::new(name, Span::mixed_site());
    let policy_static = mixed("__CORS_POLICY");
    let actual = mixed("__cors_actual");
    let preflight = mixed("__cors_preflight");
    let output = mixed("__cors_output");
    let fake = mixed("__cors_fake_return_edge");

    // The parameters: moved into the body's block and bound there in order, as rustc lowers an
    // `async fn` (a plain name keeps its name, so docs and `#[instrument]` below see it unchanged). A
    // parameter's attributes (`#[allow(unused_variables)]`) go on the binding the body sees.
    let mut binds = TokenStream::new();
    let mut request = None;
    for (index, arg) in sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(arg) = arg else { continue };
        let attrs = &arg.attrs;
        let pat = &arg.pat;
        let outer = match &**pat {
            Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
                let outer = ident.ident.clone();
                binds.extend(quote!(#(#attrs)* let #pat = #outer;));
                outer
            }
            _ => {
                let outer = format_ident!("__cors_arg{}", index, span = Span::mixed_site());
                binds.extend(quote! {
                    #[allow(unused_mut)]
                    let mut #outer = #outer;
                    #(#attrs)*
                    let #pat = #outer;
                });
                outer
            }
        };
        request.get_or_insert_with(|| outer.clone());
        *arg.pat = Pat::Ident(PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: outer,
            subpat: None,
        });
    }
    let request = request.unwrap_or_else(|| mixed("__cors_request"));

    // The request's type names the trait, so a handler whose first parameter is not the request gets
    // the error on that type (`&Db`). A type with `impl Trait` in it cannot be written in an
    // expression: there the call is spanned on the type instead.
    let request_ty = &handler.request_ty;
    let decide = if item::find_impl_trait(request_ty).is_none() {
        quote!(<#request_ty as #private::HandlerRequest>::decide(&#request, &#policy_static))
    } else {
        quote_spanned!(request_ty.span()=> #private::HandlerRequest::decide(&#request, &#policy_static))
    };

    // An `origins_from` list is loaded (when due) before the request is checked against it.
    let prepare = matches!(policy.origins, OriginsSetting::From(_)).then(|| {
        if item::find_impl_trait(request_ty).is_none() {
            quote!(<#request_ty as #private::HandlerRequest>::prepare(&#request, &#policy_static).await;)
        } else {
            quote_spanned!(request_ty.span()=> #private::HandlerRequest::prepare(&#request, &#policy_static).await;)
        }
    });

    // The type the body is pinned to, the preflight answer, and the step that adds the headers.
    let (pinned, answer_preflight, finish) = match &handler.output {
        // Named through the declared type, so an unsupported one is reported on it, once.
        Output::Concrete(declared) => {
            let finish = match &policy.catch_errors {
                None => quote!(<#declared as #private::HandlerOutput>::add_cors(#output, &#actual)),
                // Located on the declared type, where a handler without an error is reported.
                Some(catch) => {
                    let span = declared.span();
                    let trait_path = respan(quote!(#private::CatchErrors), span);
                    match catch {
                        None => {
                            quote_spanned!(span=> <#declared as #trait_path>::catch(#output, #actual))
                        }
                        Some(path) => quote_spanned! {span=>
                            <#declared as #trait_path>::catch_with(#output, #actual, #path)
                        },
                    }
                }
            };
            (
                Some(declared.to_token_stream()),
                quote!(<#declared as #private::HandlerOutput>::preflight(#preflight)),
                finish,
            )
        }
        Output::Impl { .. } => (
            None,
            quote!(#private::WithCors::preflight(#preflight)),
            quote!(#private::wrap(#output, #actual)),
        ),
        Output::ResultImpl { declared, .. } => {
            let finish = match &policy.catch_errors {
                None => quote!(#private::wrap_ok(#output, #actual)),
                Some(None) => quote!(#private::wrap_catching(#output, #actual)),
                Some(Some(path)) => quote!(#private::wrap_catching_with(#output, #actual, #path)),
            };
            (
                Some(item::inferred(declared).to_token_stream()),
                quote!(::core::result::Result::Ok(#private::WithCors::preflight(#preflight))),
                finish,
            )
        }
    };
    let fake_return_edge = pinned.as_ref().map(|pinned| {
        quote! {
            #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::empty_loop, clippy::needless_return)]
            if false {
                let #fake: #pinned = loop {};
                return #fake;
            }
        }
    });

    let wrapper = quote! {
        #(#inner_attrs)*
        static #policy_static: #private::StaticCors = #private::StaticCors::new(|| #build);
        #prepare
        let #actual = match #decide {
            #private::Decision::Preflight(#preflight) => return #answer_preflight,
            #private::Decision::Actual(#actual) => #actual,
        };
        // The body is this block's tail: its temporaries drop before the parameters (this block is
        // edition 2024, the macro's), its own tail by the user's edition (its braces are the user's),
        // and nothing of ours follows it, so a body that diverges adds no lint.
        let #output = async move {
            #binds
            #fake_return_edge
            #body
        }
        .await;
        #finish
    };
    // The function's braces keep the user's span: the item then spans the user's tokens only, and
    // lints on the item itself (`unreachable_pub`, `dead_code`) are reported as without the attribute.
    let mut braces = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, wrapper);
    braces.set_span(body.span());
    quote! {
        #(#attrs)*
        #vis #sig #braces
    }
}

/// `tokens` with every span set to `span`, so an error about them is reported there.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_debug_variable_names_every_handler_or_one() {
        assert!(!debug_asked(None, "items"));
        assert!(debug_asked(Some(OsStr::new("1")), "items"));
        assert!(debug_asked(Some(OsStr::new("items")), "items"));
        assert!(!debug_asked(Some(OsStr::new("item")), "items"));
        assert!(!debug_asked(Some(OsStr::new("")), "items"));
        assert!(!debug_asked(Some(OsStr::new("0")), "items"));
    }
}
