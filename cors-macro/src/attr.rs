//! Parsing the attribute's arguments into [`Args`], keeping the span of every key and value.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprLit, ExprUnary, Lit, LitInt, LitStr, UnOp};

use crate::errors::Errors;

/// The keys `#[cors(...)]` accepts: each with its name and the example its errors show, in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    Origins,
    OriginsEnv,
    OriginsFrom,
    Refresh,
    OriginsFn,
    Credentials,
    Methods,
    Headers,
    ExposeHeaders,
    MaxAge,
    CatchErrors,
    Crate,
}

impl Key {
    /// Every key, in the order the documentation lists them.
    pub(crate) const ALL: [Key; 12] = [
        Key::Origins,
        Key::OriginsEnv,
        Key::OriginsFrom,
        Key::Refresh,
        Key::OriginsFn,
        Key::Credentials,
        Key::Methods,
        Key::Headers,
        Key::ExposeHeaders,
        Key::MaxAge,
        Key::CatchErrors,
        Key::Crate,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Key::Origins => "origins",
            Key::OriginsEnv => "origins_env",
            Key::OriginsFrom => "origins_from",
            Key::Refresh => "refresh",
            Key::OriginsFn => "origins_fn",
            Key::Credentials => "credentials",
            Key::Methods => "methods",
            Key::Headers => "headers",
            Key::ExposeHeaders => "expose_headers",
            Key::MaxAge => "max_age",
            Key::CatchErrors => "catch_errors",
            Key::Crate => "crate",
        }
    }

    /// The key written with a typical value.
    pub(crate) fn example(self) -> &'static str {
        match self {
            Key::Origins => "origins = [\"https://app.example.com\"]",
            Key::OriginsEnv => "origins_env = \"ALLOWED_ORIGINS\"",
            Key::OriginsFrom => "origins_from = load_origins",
            Key::Refresh => "refresh = 300",
            Key::OriginsFn => "origins_fn = is_allowed",
            Key::Credentials => "credentials",
            Key::Methods => "methods = [\"GET\", \"POST\"]",
            Key::Headers => "headers = [\"content-type\", \"x-api-key\"]",
            Key::ExposeHeaders => "expose_headers = [\"x-request-id\"]",
            Key::MaxAge => "max_age = 600",
            Key::CatchErrors => "catch_errors = to_response",
            Key::Crate => "crate = \"cors_runtime\"",
        }
    }

    /// The items of a typical list, for list keys.
    pub(crate) fn list_example(self) -> &'static str {
        match self {
            Key::Origins => "\"https://app.example.com\"",
            Key::Methods => "\"GET\", \"POST\"",
            Key::Headers => "\"content-type\", \"x-api-key\"",
            _ => "\"x-request-id\"",
        }
    }

    fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }
}

/// Where the keys are written: they are the same everywhere, except for the keys that only make sense
/// on a handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Front {
    /// `#[cors(...)]` on a handler.
    Attribute,
    /// `policy!(...)`.
    Policy,
}

impl Front {
    /// How errors name it.
    fn name(self) -> &'static str {
        match self {
            Front::Attribute => "`cors`",
            Front::Policy => "`policy!`",
        }
    }

    fn accepts(self, key: Key) -> bool {
        match self {
            Front::Attribute => true,
            Front::Policy => !matches!(key, Key::CatchErrors | Key::Crate),
        }
    }

    fn keys(self) -> Vec<Key> {
        Key::ALL
            .into_iter()
            .filter(|key| self.accepts(*key))
            .collect()
    }

    /// Why a key of another front is refused here.
    fn refused(self, key: Key) -> String {
        match key {
            Key::CatchErrors => "`catch_errors` is for `#[cors]` on a handler: a `policy!` has no \
                                 handler whose errors it could catch; map the error to a response in \
                                 the service, or annotate the handler with `#[cors(catch_errors)]`"
                .to_owned(),
            Key::Crate => "`policy!` needs no `crate`: it finds cors_runtime through the path it \
                           was called by; remove `crate = ...`"
                .to_owned(),
            _ => format!("{} takes no `{}`", self.name(), key.name()),
        }
    }
}

/// The arguments as written, each with its spans; nothing is checked against the CORS rules yet.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) origins: Option<Keyed<Value>>,
    pub(crate) origins_env: Option<Keyed<LitStr>>,
    /// `origins_from = path`: the async function that loads the list.
    pub(crate) origins_from: Option<Keyed<syn::Path>>,
    /// `refresh = seconds`.
    pub(crate) refresh: Option<Keyed<LitInt>>,
    /// `origins_fn = path`: the predicate.
    pub(crate) origins_fn: Option<Keyed<syn::Path>>,
    pub(crate) credentials: Option<Keyed<()>>,
    pub(crate) methods: Option<Keyed<Value>>,
    pub(crate) headers: Option<Keyed<Value>>,
    pub(crate) expose_headers: Option<Keyed<Value>>,
    pub(crate) max_age: Option<Keyed<LitInt>>,
    /// `catch_errors`, with the path of the function that makes the error response, if given.
    pub(crate) catch_errors: Option<Keyed<Option<syn::Path>>>,
    /// `crate = "path"`: where `cors_runtime` is, when it is renamed or re-exported.
    pub(crate) krate: Option<Keyed<syn::Path>>,
    /// Whether an origin key was written with a value that could not be read (already reported), so
    /// the policy's origins are unknown rather than absent.
    pub(crate) origins_unreadable: bool,
}

/// A value and the span of the key it was given to.
pub(crate) struct Keyed<T> {
    pub(crate) key: Span,
    pub(crate) value: T,
}

/// A list setting: `"*"` or `[...]`.
pub(crate) enum Value {
    Wildcard(LitStr),
    List {
        items: Vec<LitStr>,
        brackets: Span,
        /// Whether items were written that are not string literals (each already reported).
        refused: bool,
    },
}

/// Parses the arguments, reporting every problem into `errors` rather than stopping at the first.
/// Keys `front` does not take are refused, saying why.
pub(crate) fn parse(tokens: TokenStream, front: Front, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        let name = if meta.path.is_ident("crate") {
            Some("crate".to_owned())
        } else {
            meta.path.get_ident().map(ToString::to_string)
        };
        let Some(key) = name.as_deref().and_then(Key::from_name) else {
            let text = name.unwrap_or_else(|| path_text(&meta));
            errors.push(syn::Error::new_spanned(
                &meta.path,
                unknown_key_message(&text, front),
            ));
            return skip_value(&meta);
        };
        if !front.accepts(key) {
            errors.push(syn::Error::new_spanned(&meta.path, front.refused(key)));
            return skip_value(&meta);
        }
        let span = meta.path.span();
        match key {
            Key::Credentials => {
                if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
                    let value_span = skip_value_span(&meta)?;
                    errors.push(syn::Error::new(
                        value_span,
                        "`credentials` takes no value: write `credentials` to allow cookies, or leave it out",
                    ));
                }
                set(&mut args.credentials, span, (), key, errors);
            }
            Key::CatchErrors => {
                let value = if meta.input.peek(syn::Token![=]) {
                    match ungrouped(meta.value()?.parse::<Expr>()?) {
                        Expr::Path(path) if path.qself.is_none() => Some(path.path),
                        other => {
                            errors.push(syn::Error::new_spanned(
                                other,
                                "`catch_errors` takes the path of a function from the handler's error to \
                                 a response, e.g. `catch_errors = to_response`, or no value for an empty `500`",
                            ));
                            None
                        }
                    }
                } else {
                    if meta.input.peek(syn::token::Paren) {
                        let value_span = skip_value_span(&meta)?;
                        errors.push(syn::Error::new(
                            value_span,
                            "`catch_errors` takes `= path::to::function` or no value: write \
                             `catch_errors = to_response`, or `catch_errors` for an empty `500`",
                        ));
                    }
                    None
                };
                set(&mut args.catch_errors, span, value, key, errors);
            }
            Key::Crate => {
                if let Some(expr) = value_expr(&meta, key, errors)? {
                    match expr {
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(lit), ..
                        }) => match lit.parse::<syn::Path>() {
                            Ok(path) => set(&mut args.krate, span, path, key, errors),
                            Err(_) => errors.push(syn::Error::new(
                                lit.span(),
                                "`crate` takes the path of cors_runtime as a string, e.g. \
                                 `crate = \"my_framework::cors\"`",
                            )),
                        },
                        other => errors.push(syn::Error::new_spanned(
                            other,
                            "`crate` takes the path as a string: write `crate = \"my_framework::cors\"`",
                        )),
                    }
                }
            }
            Key::OriginsEnv => {
                if let Some(expr) = value_expr(&meta, key, errors)? {
                    match expr {
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(lit), ..
                        }) => {
                            set(&mut args.origins_env, span, lit, key, errors);
                        }
                        other => {
                            args.origins_unreadable = true;
                            errors.push(syn::Error::new_spanned(
                                other,
                                "`origins_env` takes the name of an environment variable as a \
                                 string: write `origins_env = \"ALLOWED_ORIGINS\"`",
                            ));
                        }
                    }
                }
            }
            Key::Origins | Key::Methods | Key::Headers | Key::ExposeHeaders => {
                if let Some(expr) = value_expr(&meta, key, errors)? {
                    let value = list_value(expr, key, errors);
                    args.origins_unreadable |= key == Key::Origins && value.is_none();
                    if let Some(value) = value {
                        let slot = match key {
                            Key::Origins => &mut args.origins,
                            Key::Methods => &mut args.methods,
                            Key::Headers => &mut args.headers,
                            _ => &mut args.expose_headers,
                        };
                        set(slot, span, value, key, errors);
                    }
                }
            }
            Key::MaxAge => {
                if let Some(expr) = value_expr(&meta, key, errors)? {
                    if let Some(lit) = max_age_value(expr, errors) {
                        set(&mut args.max_age, span, lit, key, errors);
                    }
                }
            }
            Key::Refresh => {
                if let Some(expr) = value_expr(&meta, key, errors)? {
                    if let Some(lit) = refresh_value(expr, errors) {
                        set(&mut args.refresh, span, lit, key, errors);
                    }
                }
            }
            Key::OriginsFrom | Key::OriginsFn => {
                if let Some(expr) = value_expr(&meta, key, errors)? {
                    match expr {
                        Expr::Path(path) if path.qself.is_none() => {
                            let slot = if key == Key::OriginsFrom {
                                &mut args.origins_from
                            } else {
                                &mut args.origins_fn
                            };
                            set(slot, span, path.path, key, errors);
                        }
                        other => {
                            let what = if key == Key::OriginsFrom {
                                "`origins_from` takes the path of an async function returning the \
                                 origins, e.g. `origins_from = load_origins`"
                            } else {
                                "`origins_fn` takes the path of a function \
                                 `fn(&cors_runtime::Origin) -> bool`, e.g. `origins_fn = is_allowed`"
                            };
                            args.origins_unreadable = true;
                            errors.push(syn::Error::new_spanned(other, what));
                        }
                    }
                }
            }
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    args
}

fn set<T>(slot: &mut Option<Keyed<T>>, key: Span, value: T, name: Key, errors: &mut Errors) {
    if slot.is_some() {
        errors.push(syn::Error::new(
            key,
            format!("`{}` given twice: keep one", name.name()),
        ));
    } else {
        *slot = Some(Keyed { key, value });
    }
}

/// `expr` without the invisible groups a `macro_rules!` fragment (`$origin:literal`) puts around it.
fn ungrouped(mut expr: Expr) -> Expr {
    while let Expr::Group(group) = expr {
        expr = *group.expr;
    }
    expr
}

/// The `= value` after a key, or an error when it is missing.
fn value_expr(
    meta: &ParseNestedMeta<'_>,
    key: Key,
    errors: &mut Errors,
) -> syn::Result<Option<Expr>> {
    if meta.input.peek(syn::Token![=]) {
        return meta.value()?.parse().map(ungrouped).map(Some);
    }
    let span = if meta.input.peek(syn::token::Paren) {
        skip_value_span(meta)?
    } else {
        meta.path.span()
    };
    errors.push(syn::Error::new(
        span,
        format!("`{}` needs a value: write `{}`", key.name(), key.example()),
    ));
    Ok(None)
}

fn list_value(expr: Expr, key: Key, errors: &mut Errors) -> Option<Value> {
    let name = key.name();
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
                    "`{name}` takes `\"*\"` or a list: write `{name} = [{}]`",
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
            let written = elems.len();
            let mut items = Vec::with_capacity(written);
            for elem in elems {
                match ungrouped(elem) {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(lit), ..
                    }) => items.push(lit),
                    other => errors.push(syn::Error::new_spanned(
                        other,
                        format!(
                            "`{name}` list items are string literals, e.g. `{}`",
                            key.list_example()
                        ),
                    )),
                }
            }
            Some(Value::List {
                refused: items.len() < written,
                items,
                brackets: bracket_token.span.join(),
            })
        }
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format!(
                    "`{name}` takes `\"*\"` or a list of strings, e.g. `{name} = [{}]`",
                    key.list_example()
                ),
            ));
            None
        }
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

fn refresh_value(expr: Expr, errors: &mut Errors) -> Option<LitInt> {
    let message = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => return Some(lit.clone()),
        Expr::Lit(ExprLit {
            lit: Lit::Str(_), ..
        }) => "`refresh` takes an integer, not a string: write `refresh = 300`",
        _ => "`refresh` takes an integer literal of seconds from 1 to 86400, e.g. `refresh = 300`",
    };
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

fn unknown_key_message(key: &str, front: Front) -> String {
    let accepted = front.keys();
    let accepted = accepted.as_slice();
    let name = front.name();
    let expected = accepted
        .iter()
        .map(|k| format!("`{}`", k.name()))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(key, accepted) {
        Some(suggestion) => format!(
            "unknown {name} option `{key}`: did you mean `{}`? Expected one of {expected}",
            suggestion.name()
        ),
        None => format!("unknown {name} option `{key}`: expected one of {expected}"),
    }
}

/// The accepted key nearest to a misspelt or shortened one (`origin`, `expose`), if it is near enough.
fn closest(key: &str, accepted: &[Key]) -> Option<Key> {
    accepted
        .iter()
        .map(|candidate| (edit_distance(key, candidate.name()), *candidate))
        .filter(|(distance, candidate)| {
            *distance <= candidate.name().len().max(3) / 3
                || (key.len() >= 4 && candidate.name().starts_with(key))
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
        let closest = |key| closest(key, &Key::ALL).map(Key::name);
        assert_eq!(closest("origin"), Some("origins"));
        assert_eq!(closest("credential"), Some("credentials"));
        assert_eq!(closest("maxage"), Some("max_age"));
        assert_eq!(closest("expose"), Some("expose_headers"));
        assert_eq!(closest("max"), None);
        assert_eq!(closest("allow"), None);
    }

    #[test]
    fn every_key_is_found_by_its_name() {
        for key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(key));
            assert!(key.example().starts_with(key.name()), "{key:?}");
        }
    }
}
