//! Generating the wrapped handler.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, Pat, Path, Type};

use crate::errors::Errors;
use crate::item::{self, Handler, ItemFn};
use crate::valid::{self, List, Origins, Policy};

/// `#[cors(args)] item`.
pub(crate) fn cors(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = crate::attr::parse(args, &mut errors);
    let policy = valid::validate(parsed, &mut errors);
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            errors.push(error);
            return with_errors(input, errors);
        }
    };
    let handler = item::handler(&item, &mut errors);
    match (handler, errors.into_compile_errors()) {
        (Some(handler), None) => {
            let name = item.sig.ident.to_string();
            let expanded = wrap(item, &handler, &policy);
            print_if_asked(&name, &expanded);
            expanded
        }
        // Emit the function unchanged beside the errors, so the rest of the crate still type-checks and
        // IDEs keep working (as tokio-macros does); and its `check_policy!` function (never run: the
        // crate does not compile), so `check_policy!(handler)` adds no "cannot find function" error.
        (_, compile_errors) => {
            let mut tokens = input;
            let ok = quote!(::cors_runtime::__private::core::result::Result::Ok(()));
            tokens.extend(check_fn(&item.vis, &item.sig.ident, &ok));
            tokens.extend(compile_errors);
            tokens
        }
    }
}

/// The function `check_policy!(handler)` calls, named after the handler.
fn check_fn(vis: &syn::Visibility, handler: &Ident, body: &TokenStream) -> TokenStream {
    let private = quote!(::cors_runtime::__private);
    let name = check_fn_name(handler);
    quote! {
        /// Builds the policy of the `#[cors]` handler of the same name, for `check_policy!`.
        #[doc(hidden)]
        // Named after the handler so `check_policy!(handler)` finds it; unused unless that is called.
        #[allow(non_snake_case, dead_code)]
        #vis fn #name() -> #private::core::result::Result<(), ::cors_runtime::ConfigError> {
            #body
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

/// `check_policy!(path::to::handler)`.
pub(crate) fn check_policy(input: TokenStream) -> TokenStream {
    let mut path: Path = match syn::parse2(input) {
        Ok(path) => path,
        Err(error) => {
            return syn::Error::new(
                error.span(),
                "`check_policy!` takes the path of a `#[cors]` handler, e.g. `check_policy!(handler)`",
            )
            .into_compile_error();
        }
    };
    if let Some(last) = path.segments.last_mut() {
        last.ident = check_fn_name(&last.ident);
        last.arguments = syn::PathArguments::None;
    }
    quote!(#path())
}

fn with_errors(mut tokens: TokenStream, errors: Errors) -> TokenStream {
    tokens.extend(errors.into_compile_errors());
    tokens
}

fn check_fn_name(handler: &Ident) -> Ident {
    format_ident!("__cors_check_{}", handler, span = handler.span())
}

fn wrap(item: ItemFn, handler: &Handler, policy: &Policy) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        mut sig,
        inner_attrs,
        body,
    } = item;
    let private = quote!(::cors_runtime::__private);
    let spec = spec(policy);
    let check_fn = check_fn(&vis, &sig.ident, &quote!(#private::check(&#spec)));

    // Locals the user's body cannot see or clash with.
    let request = Ident::new("__cors_request", Span::mixed_site());
    let policy_static = Ident::new("__CORS_POLICY", Span::mixed_site());
    let actual = Ident::new("__cors_actual", Span::mixed_site());
    let preflight = Ident::new("__cors_preflight", Span::mixed_site());
    let output = Ident::new("__cors_output", Span::mixed_site());
    let fake = Ident::new("__cors_fake_return_edge", Span::mixed_site());

    let Handler {
        request_pat,
        request_ty,
        output: declared,
        into_response,
        ok_bounds,
    } = handler;
    // A plain `name` (or `mut name`) parameter is used where it is: binding it again would copy the
    // request once more per call. Any other pattern is bound from a parameter of our own.
    let plain = match request_pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
            Some(ident.ident.clone())
        }
        _ => None,
    };
    let (request, rebind) = match plain {
        Some(ident) => (ident, None),
        None => {
            if let Some(FnArg::Typed(first)) = sig.inputs.first_mut() {
                *first.pat = syn::parse_quote!(#request);
            }
            (request.clone(), Some(quote!(let #request_pat = #request;)))
        }
    };
    // The body is pinned to the declared type so `return` and `?` mean exactly what they meant
    // without the macro; with `impl IntoResponse` the `Ok` type is left to inference.
    let body_type = if *into_response {
        item::with_ok_type(declared, Type::Infer(syn::parse_quote!(_)))
    } else {
        quote!(#declared)
    };
    if *into_response {
        let response: Type =
            syn::parse_quote!(#private::lambda_http::Response<#private::lambda_http::Body>);
        let new_output = item::with_ok_type(declared, response);
        sig.output = syn::parse_quote!(-> #new_output);
    }

    // The trait is named through the parameter's type, so a handler whose first parameter is not the
    // request gets the `HandlerRequest` error on that type (`&Db`), not on the attribute. A type with
    // `impl Trait` in it cannot be written in an expression: there the call is spanned on the type's
    // first token instead.
    let decide = if item::find_impl_trait(request_ty).is_none() {
        quote! {
            <#request_ty as #private::HandlerRequest>::decide(&#request, &#policy_static)
        }
    } else {
        let mut located = request.clone();
        located.set_span(request.span().located_at(request_ty.span()));
        quote_spanned! {request_ty.span()=>
            #private::HandlerRequest::decide(&#located, &#policy_static)
        }
    };
    let finish = if let Some((bounds, into_response_span)) = ok_bounds {
        // The `Ok` value still has to satisfy the bounds the signature declared (and the user's
        // `IntoResponse` import stays used). The check is located on the signature's `IntoResponse`,
        // so a value that does not implement it is reported there, once, as without the macro. It
        // returns `impl Bounds`, so `into_response` does not report the same value again.
        let declared_bounds = Ident::new("__cors_declared_bounds", Span::mixed_site());
        let located =
            |name: &str| Ident::new(name, Span::mixed_site().located_at(*into_response_span));
        let (check, located_output) = (located("__cors_declared_bounds"), located("__cors_output"));
        let convert_fn = Ident::new(
            if policy.catch_errors {
                "into_response_catching_errors"
            } else {
                "into_response"
            },
            *into_response_span,
        );
        let convert = quote_spanned! {*into_response_span=>
            ::cors_runtime::__private::#convert_fn(#located_output.map(#check), #actual).await
        };
        quote! {
            #[inline(always)]
            fn #declared_bounds<__CorsOk: #bounds>(value: __CorsOk) -> impl #bounds {
                value
            }
            #convert
        }
    } else {
        // Named through the declared type, so an unsupported return type is reported on it.
        let caught = if policy.catch_errors {
            quote_spanned!(declared.span()=> <#declared as #private::CatchErrors>::catch_errors(#output))
        } else {
            quote!(#output)
        };
        quote! {
            let mut #output = #caught;
            <#declared as #private::HandlerOutput>::add_cors(&mut #output, &#actual);
            #output
        }
    };
    let answer_preflight = if *into_response {
        // The rewritten return type, `Result<Response<Body>, E>`.
        quote!(#private::HandlerOutput::preflight(#preflight))
    } else {
        quote!(<#declared as #private::HandlerOutput>::preflight(#preflight))
    };

    // The body runs in place when its `return`s and `?`s can be rewritten as breaks out of a labeled
    // block (see `exits`): a nested async block would make the future hold the request twice. Any
    // other body runs in an async block of its own, so that leaving it early still passes through
    // `finish`.
    let label = syn::Lifetime::new("'__cors_body", Span::mixed_site());
    let returns_result = item::result_ok_type(declared).is_some();
    let run_body = match crate::exits::in_place(&body, &label, returns_result) {
        Some(in_place) => {
            let stmts = in_place.stmts;
            // A body that is only `return x;` becomes a block that only breaks, which clippy calls a
            // diverging sub-expression of the `let`; the user wrote a plain `return`.
            let (labeled, diverging) = if in_place.breaks {
                (quote!(#label:), quote!(clippy::diverging_sub_expression,))
            } else {
                (quote!(), quote!())
            };
            quote! {
                #[allow(unknown_lints, #diverging clippy::let_with_type_underscore)]
                let #output: #body_type = #labeled { #stmts };
            }
        }
        None => quote! {
            let #output = async move {
                // Never runs: it only gives the block the handler's declared return type.
                #[allow(
                    unknown_lints,
                    unreachable_code,
                    clippy::diverging_sub_expression,
                    clippy::empty_loop,
                    clippy::let_unit_value,
                    clippy::let_with_type_underscore,
                    clippy::needless_return,
                    clippy::unreachable
                )]
                if false {
                    let #fake: #body_type = loop {};
                    return #fake;
                }
                #body
            }
            .await;
        },
    };
    // A body that diverges (`loop {}`, `std::process::exit(1)`) makes what follows it unreachable; the
    // warning is given once, on the first statement after the body, which is ours: allow it there, so
    // the expansion adds no warning the handler did not have.
    let after_body = quote! {
        #[allow(unreachable_code)]
        let #output = #output;
    };

    quote! {
        #(#attrs)*
        #vis #sig {
            #(#inner_attrs)*
            static #policy_static: #private::StaticPolicy = #private::StaticPolicy::new(#spec);
            let #actual = match #decide {
                #private::Decision::Preflight(#preflight) => return #answer_preflight,
                #private::Decision::Actual(#actual) => #actual,
            };
            #rebind
            #run_body
            #after_body
            #finish
        }

        #check_fn
    }
}

fn spec(policy: &Policy) -> TokenStream {
    let private = quote!(::cors_runtime::__private);
    let origins = match &policy.origins {
        Origins::Any => quote!(#private::SpecOrigins::Any),
        Origins::List(list) => quote!(#private::SpecOrigins::List(&[#(#list),*])),
        Origins::Env(var) => quote!(#private::SpecOrigins::Env(#var)),
    };
    let list = |list: &List| match list {
        List::Default => quote!(#private::SpecList::Default),
        List::Any => quote!(#private::SpecList::Any),
        List::Items(items) => quote!(#private::SpecList::List(&[#(#items),*])),
    };
    let credentials = policy.credentials;
    let methods = list(&policy.methods);
    let headers = list(&policy.headers);
    let expose_headers = list(&policy.expose_headers);
    let max_age = match policy.max_age {
        Some(seconds) => quote!(#private::core::option::Option::Some(#seconds)),
        None => quote!(#private::core::option::Option::None),
    };
    quote! {
        #private::Spec {
            origins: #origins,
            credentials: #credentials,
            methods: #methods,
            headers: #headers,
            expose_headers: #expose_headers,
            max_age: #max_age,
        }
    }
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
