//! Parsing the attribute's arguments into [`Args`], keeping the span of every key and value.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprLit, ExprUnary, Lit, LitInt, LitStr, UnOp};

use crate::errors::Errors;

/// The keys `#[cors(...)]` accepts, in the order the documentation lists them.
pub(crate) const KEYS: &[&str] = &[
    "origins",
    "origins_env",
    "credentials",
    "methods",
    "headers",
    "expose_headers",
    "max_age",
    "catch_errors",
];

/// The arguments as written, each with its spans; nothing is checked against the CORS rules yet.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) origins: Option<Keyed<Value>>,
    pub(crate) origins_env: Option<Keyed<LitStr>>,
    pub(crate) credentials: Option<Keyed<()>>,
    pub(crate) methods: Option<Keyed<Value>>,
    pub(crate) headers: Option<Keyed<Value>>,
    pub(crate) expose_headers: Option<Keyed<Value>>,
    pub(crate) max_age: Option<Keyed<LitInt>>,
    pub(crate) catch_errors: Option<Keyed<()>>,
}

/// A value and the span of the key it was given to.
pub(crate) struct Keyed<T> {
    pub(crate) key: Span,
    pub(crate) value: T,
}

/// A list setting: `"*"` or `[...]`.
pub(crate) enum Value {
    Wildcard(LitStr),
    List { items: Vec<LitStr>, brackets: Span },
}

/// Parses the arguments, reporting every problem into `errors` rather than stopping at the first.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        let Some(key) = meta.path.get_ident().map(ToString::to_string) else {
            errors.push(syn::Error::new_spanned(
                &meta.path,
                unknown_key_message(&path_text(&meta)),
            ));
            return skip_value(&meta);
        };
        let span = meta.path.span();
        match key.as_str() {
            "credentials" => {
                if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
                    let value_span = skip_value_span(&meta)?;
                    errors.push(syn::Error::new(
                        value_span,
                        "`credentials` takes no value: write `credentials` to allow cookies, or leave it out",
                    ));
                }
                set(&mut args.credentials, span, (), "credentials", errors);
            }
            "catch_errors" => {
                if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
                    let value_span = skip_value_span(&meta)?;
                    errors.push(syn::Error::new(
                        value_span,
                        "`catch_errors` takes no value: write `catch_errors` to answer a handler's `Err` \
                         with a 500 that keeps the CORS headers, or leave it out",
                    ));
                }
                set(&mut args.catch_errors, span, (), "catch_errors", errors);
            }
            "origins_env" => {
                if let Some(expr) = value_expr(&meta, &key, errors)? {
                    match expr {
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(lit), ..
                        }) => {
                            set(&mut args.origins_env, span, lit, "origins_env", errors);
                        }
                        other => errors.push(syn::Error::new_spanned(
                            other,
                            "`origins_env` takes the name of an environment variable as a string: \
                             write `origins_env = \"ALLOWED_ORIGINS\"`",
                        )),
                    }
                }
            }
            "origins" | "methods" | "headers" | "expose_headers" => {
                if let Some(expr) = value_expr(&meta, &key, errors)? {
                    if let Some(value) = list_value(expr, &key, errors) {
                        let slot = match key.as_str() {
                            "origins" => &mut args.origins,
                            "methods" => &mut args.methods,
                            "headers" => &mut args.headers,
                            _ => &mut args.expose_headers,
                        };
                        set(slot, span, value, &key, errors);
                    }
                }
            }
            "max_age" => {
                if let Some(expr) = value_expr(&meta, &key, errors)? {
                    if let Some(lit) = max_age_value(expr, errors) {
                        set(&mut args.max_age, span, lit, "max_age", errors);
                    }
                }
            }
            _ => {
                errors.push(syn::Error::new(span, unknown_key_message(&key)));
                return skip_value(&meta);
            }
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    args
}

fn set<T>(slot: &mut Option<Keyed<T>>, key: Span, value: T, name: &str, errors: &mut Errors) {
    if slot.is_some() {
        errors.push(syn::Error::new(
            key,
            format!("`{name}` given twice: keep one"),
        ));
    } else {
        *slot = Some(Keyed { key, value });
    }
}

/// The `= value` after a key, or an error when it is missing.
fn value_expr(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    errors: &mut Errors,
) -> syn::Result<Option<Expr>> {
    if meta.input.peek(syn::Token![=]) {
        return meta.value()?.parse().map(Some);
    }
    let example = match key {
        "origins" => "origins = [\"https://app.example.com\"]",
        "origins_env" => "origins_env = \"ALLOWED_ORIGINS\"",
        "methods" => "methods = [\"GET\", \"POST\"]",
        "headers" => "headers = [\"content-type\"]",
        "expose_headers" => "expose_headers = [\"x-request-id\"]",
        _ => "max_age = 600",
    };
    let span = if meta.input.peek(syn::token::Paren) {
        skip_value_span(meta)?
    } else {
        meta.path.span()
    };
    errors.push(syn::Error::new(
        span,
        format!("`{key}` needs a value: write `{example}`"),
    ));
    Ok(None)
}

fn list_value(expr: Expr, key: &str, errors: &mut Errors) -> Option<Value> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) if lit.value() == "*" => Some(Value::Wildcard(lit)),
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "`{key}` takes `\"*\"` or a list: write `{key} = [{}]`",
                    quote::ToTokens::to_token_stream(&lit)
                ),
            ));
            None
        }
        Expr::Array(ExprArray {
            elems,
            bracket_token,
            ..
        }) => {
            let mut items = Vec::with_capacity(elems.len());
            for elem in elems {
                match elem {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(lit), ..
                    }) => items.push(lit),
                    other => errors.push(syn::Error::new_spanned(
                        other,
                        format!(
                            "`{key}` list items are string literals, e.g. `{}`",
                            list_example(key)
                        ),
                    )),
                }
            }
            Some(Value::List {
                items,
                brackets: bracket_token.span.join(),
            })
        }
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format!(
                    "`{key}` takes `\"*\"` or a list of strings, e.g. `{key} = [{}]`",
                    list_example(key)
                ),
            ));
            None
        }
    }
}

fn list_example(key: &str) -> &'static str {
    match key {
        "origins" => "\"https://app.example.com\"",
        "methods" => "\"GET\", \"POST\"",
        "headers" => "\"content-type\", \"x-api-key\"",
        _ => "\"x-request-id\"",
    }
}

fn max_age_value(expr: Expr, errors: &mut Errors) -> Option<LitInt> {
    let message = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => return Some(lit.clone()),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_), ..
        }) => "`max_age` cannot be negative: use a number of seconds from 0 to 86400",
        Expr::Lit(ExprLit {
            lit: Lit::Float(_), ..
        }) => "`max_age` is a whole number of seconds from 0 to 86400, e.g. `max_age = 600`",
        Expr::Lit(ExprLit {
            lit: Lit::Str(_), ..
        }) => "`max_age` takes an integer, not a string: write `max_age = 600`",
        _ => "`max_age` takes an integer literal of seconds from 0 to 86400, e.g. `max_age = 600`",
    };
    // `new_spanned` covers every token (`-1`, not just `-`).
    errors.push(syn::Error::new_spanned(expr, message));
    None
}

/// Consumes whatever follows an unknown key, so the keys after it are still checked.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    skip_value_span(meta).map(drop)
}

fn skip_value_span(meta: &ParseNestedMeta<'_>) -> syn::Result<Span> {
    if meta.input.peek(syn::Token![=]) {
        let expr: Expr = meta.value()?.parse()?;
        Ok(expr.span())
    } else if meta.input.peek(syn::token::Paren) {
        let group: proc_macro2::Group = meta.input.parse()?;
        Ok(group.span())
    } else {
        Ok(meta.path.span())
    }
}

fn path_text(meta: &ParseNestedMeta<'_>) -> String {
    quote::ToTokens::to_token_stream(&meta.path)
        .to_string()
        .replace(' ', "")
}

fn unknown_key_message(key: &str) -> String {
    let expected = KEYS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(key) {
        Some(suggestion) => {
            format!(
                "unknown `cors` option `{key}`: did you mean `{suggestion}`? Expected one of {expected}"
            )
        }
        None => format!("unknown `cors` option `{key}`: expected one of {expected}"),
    }
}

/// The accepted key nearest to a misspelt or shortened one (`origin`, `expose`), if it is near enough.
fn closest(key: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|candidate| (edit_distance(key, candidate), *candidate))
        .filter(|(distance, candidate)| {
            *distance <= candidate.len().max(3) / 3
                || (key.len() >= 4 && candidate.starts_with(key))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_suggest_the_intended_key() {
        assert_eq!(closest("origin"), Some("origins"));
        assert_eq!(closest("credential"), Some("credentials"));
        assert_eq!(closest("maxage"), Some("max_age"));
        assert_eq!(closest("expose"), Some("expose_headers"));
        assert_eq!(closest("max"), None);
        assert_eq!(closest("allow"), None);
    }
}
