//! Generating `policy!(...)`: the attribute's policy without a handler.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::quote;
use syn::Ident;

use crate::attr::{self, Front};
use crate::errors::Errors;
use crate::expand::builder;
use crate::valid::{self, Policy};

/// `cors_runtime::policy!(args)`, which calls this as `policy!({ $crate } args)`: the braces hold the
/// path of cors_runtime as the caller's crate names it, so a renamed or re-exported dependency works.
pub(crate) fn policy(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter();
    let krate = match tokens.next() {
        Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => group.stream(),
        _ => {
            return syn::Error::new(
                Span::call_site(),
                "call `cors_runtime::policy!(...)`, not this hidden macro",
            )
            .into_compile_error();
        }
    };
    let mut errors = Errors::default();
    let parsed = attr::parse(tokens.collect(), Front::Policy, &mut errors);
    let policy = valid::validate(parsed, &mut errors);
    match errors.into_compile_errors() {
        None => expansion(&policy, &krate),
        // With the errors, a policy of the right type (the default one, never built since nothing
        // compiles), so the code around the call type-checks and reports nothing more.
        Some(compile_errors) => {
            let fallback = expansion(&Policy::default(), &krate);
            quote!({ #compile_errors #fallback })
        }
    }
}

fn expansion(policy: &Policy, krate: &TokenStream) -> TokenStream {
    let build = builder(policy, krate);
    let policy_static = Ident::new("__CORS_POLICY", Span::mixed_site());
    quote! {
        {
            static #policy_static: #krate::__private::StaticCors =
                #krate::__private::StaticCors::new(|| #build);
            #policy_static.get()
        }
    }
}
