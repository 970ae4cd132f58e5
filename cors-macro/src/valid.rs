//! Checking the parsed arguments against the CORS rules, with `cors-grammar` (the same code the runtime
//! runs on the environment list).

use cors_grammar::{
    Entry, EntryError, EnvNameError, TokenError, check_env_name, check_header_name, check_method,
};
use syn::LitStr;

use crate::attr::{Args, Keyed, Value};
use crate::errors::Errors;

/// A policy that passed every check.
pub(crate) struct Policy {
    pub(crate) origins: Origins,
    pub(crate) credentials: bool,
    pub(crate) methods: List,
    pub(crate) headers: List,
    pub(crate) expose_headers: List,
    pub(crate) max_age: Option<u64>,
    pub(crate) catch_errors: bool,
}

pub(crate) enum Origins {
    Any,
    List(Vec<String>),
    Env(String),
}

pub(crate) enum List {
    Default,
    Any,
    Items(Vec<String>),
}

/// Checks `args`; every problem goes into `errors` and the returned policy is meaningful only if
/// there were none.
pub(crate) fn validate(args: Args, errors: &mut Errors) -> Policy {
    let credentials = args.credentials.is_some();

    let origins = match (args.origins, args.origins_env) {
        (Some(_), Some(env)) => {
            errors.push(syn::Error::new(
                env.key,
                "`origins` and `origins_env` cannot both be given: use `origins` for a fixed list, \
                 or `origins_env` to read the list from the environment at cold start",
            ));
            Origins::Any
        }
        (None, Some(Keyed { value: name, .. })) => {
            if let Err(error) = check_env_name(&name.value()) {
                errors.push(syn::Error::new(
                    name.span(),
                    env_name_message(&name.value(), &error),
                ));
            }
            Origins::Env(name.value())
        }
        (
            Some(Keyed {
                value: Value::Wildcard(star),
                ..
            }),
            None,
        ) => {
            if credentials {
                errors.push(syn::Error::new(
                    star.span(),
                    "`origins = \"*\"` cannot be combined with `credentials`: browsers reject \
                     `Access-Control-Allow-Origin: *` on credentialed requests; list the allowed origins, \
                     e.g. `origins = [\"https://app.example.com\"]`, or read them with `origins_env`",
                ));
            }
            Origins::Any
        }
        (
            Some(Keyed {
                value: Value::List { items, brackets },
                ..
            }),
            None,
        ) => {
            if items.is_empty() {
                errors.push(syn::Error::new(
                    brackets,
                    "`origins` is empty, so no origin would ever be allowed: list at least one, \
                     e.g. `origins = [\"https://app.example.com\"]`",
                ));
            }
            Origins::List(origin_entries(&items, credentials, errors))
        }
        (None, None) => {
            if let Some(flag) = &args.credentials {
                errors.push(syn::Error::new(
                    flag.key,
                    "`credentials` needs an explicit origin list: without `origins` or `origins_env` the \
                     policy allows any origin (`*`), which browsers reject on credentialed requests; add \
                     `origins_env = \"ALLOWED_ORIGINS\"` or `origins = [\"https://app.example.com\"]`",
                ));
            }
            Origins::Any
        }
    };

    let methods = list_setting(args.methods, "methods", credentials, errors, |item| {
        check_method(item).map(|method| method.to_string())
    });
    let headers = list_setting(args.headers, "headers", credentials, errors, |item| {
        check_header_name(item).map(|name| name.to_string())
    });
    let expose_headers = list_setting(
        args.expose_headers,
        "expose_headers",
        credentials,
        errors,
        |item| check_header_name(item).map(|name| name.to_string()),
    );

    let max_age = args.max_age.and_then(|Keyed { value: lit, .. }| {
        let message = if !lit.suffix().is_empty() {
            format!(
                "`max_age` is a plain number of seconds: write `max_age = {}`",
                lit.base10_digits()
            )
        } else {
            match lit.base10_parse::<u64>() {
                Ok(seconds) if seconds <= cors_grammar::MAX_AGE_LIMIT => return Some(seconds),
                _ => format!(
                    "`max_age = {}` is over 86400 seconds (one day), the most any browser honours \
                     (Chromium caps it at 7200, WebKit at 600): use a value from 0 to 86400",
                    lit.base10_digits()
                ),
            }
        };
        errors.push(syn::Error::new(lit.span(), message));
        None
    });

    Policy {
        origins,
        credentials,
        methods,
        headers,
        expose_headers,
        max_age,
        catch_errors: args.catch_errors.is_some(),
    }
}

fn origin_entries(items: &[LitStr], credentials: bool, errors: &mut Errors) -> Vec<String> {
    let mut entries: Vec<String> = Vec::with_capacity(items.len());
    for lit in items {
        let text = lit.value();
        if text == "*" {
            errors.push(syn::Error::new(
                lit.span(),
                "`*` cannot be one entry of a list: write `origins = \"*\"` to allow any origin",
            ));
            continue;
        }
        match Entry::parse_canonical(&text) {
            Ok(Entry::Pattern(pattern)) if credentials && pattern.base_is_public_suffix() => {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "`{text}` cannot be combined with `credentials`: `{base}` is a public suffix, where \
                         anyone can register a site, so this would let sites you do not control read your \
                         users' data; list the exact origins, or use a pattern under your own domain \
                         (e.g. `{scheme}://*.yourapp.{base}` if you own `yourapp.{base}`)",
                        base = pattern.base(),
                        scheme = pattern.scheme(),
                    ),
                ));
            }
            Ok(entry) => {
                let canonical = entry.to_string();
                if entries.contains(&canonical) {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!("`{text}` is listed twice: remove one"),
                    ));
                } else {
                    entries.push(canonical);
                }
            }
            Err(error) => errors.push(syn::Error::new(lit.span(), origin_message(&text, &error))),
        }
    }
    entries
}

fn origin_message(text: &str, error: &EntryError) -> String {
    let shown = text.escape_debug();
    if let (EntryError::NotCanonical { .. }, Some(help)) = (error, error.help()) {
        return format!("origin `{shown}` is {error}; {help}");
    }
    let help = origin_fix(text, error)
        .map(|fix| format!("write `{fix}`"))
        .or_else(|| error.help());
    match help {
        Some(help) => format!("invalid origin `{shown}`: {error}; {help}"),
        None => format!("invalid origin `{shown}`: {error}"),
    }
}

/// The origin a URL-shaped entry most likely meant: `https://user@app.example.com/path?q#f` without
/// its userinfo, path, query and fragment, when what remains is a valid origin.
fn origin_fix(text: &str, error: &EntryError) -> Option<String> {
    if !matches!(
        error,
        EntryError::UserInfo | EntryError::Path | EntryError::Query | EntryError::Fragment
    ) {
        return None;
    }
    let (scheme, rest) = text.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())];
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    Entry::canonicalize(&format!("{scheme}://{host}"))
        .ok()
        .map(|entry| entry.to_string())
}

fn env_name_message(name: &str, error: &EnvNameError) -> String {
    if *error == EnvNameError::Empty {
        return "`origins_env` needs the name of an environment variable: \
                write `origins_env = \"ALLOWED_ORIGINS\"`"
            .to_owned();
    }
    // `ALLOWED-ORIGINS` or `ALLOWED.ORIGINS` most likely meant `ALLOWED_ORIGINS`.
    let fix: String = name
        .chars()
        .map(|c| if matches!(c, '-' | '.' | ' ') { '_' } else { c })
        .collect();
    let help = if check_env_name(&fix).is_ok() {
        format!("write `origins_env = \"{fix}\"`")
    } else {
        "e.g. `origins_env = \"ALLOWED_ORIGINS\"`".to_owned()
    };
    format!(
        "`origins_env = \"{}\"`: {error}; {help}",
        name.escape_debug()
    )
}

fn list_setting(
    setting: Option<Keyed<Value>>,
    key: &str,
    credentials: bool,
    errors: &mut Errors,
    check: impl Fn(&str) -> Result<String, TokenError>,
) -> List {
    match setting {
        None => List::Default,
        Some(Keyed {
            value: Value::Wildcard(star),
            ..
        }) => {
            if credentials {
                let what = match key {
                    "methods" => "list the methods, e.g. `methods = [\"GET\", \"POST\"]`",
                    "headers" => {
                        "list the request headers, e.g. `headers = [\"content-type\", \"authorization\"]`"
                    }
                    _ => {
                        "list the headers scripts may read, e.g. `expose_headers = [\"x-request-id\"]`"
                    }
                };
                errors.push(syn::Error::new(
                    star.span(),
                    format!(
                        "`{key} = \"*\"` cannot be combined with `credentials`: on credentialed requests \
                         browsers read `*` as a literal name, not a wildcard; {what}"
                    ),
                ));
            }
            List::Any
        }
        Some(Keyed {
            value: Value::List { items, .. },
            ..
        }) => {
            let mut names: Vec<String> = Vec::with_capacity(items.len());
            for lit in &items {
                let text = lit.value();
                match check(&text) {
                    Ok(name) if names.contains(&name) => errors.push(syn::Error::new(
                        lit.span(),
                        format!("`{text}` is listed twice in `{key}`: remove one"),
                    )),
                    Ok(name) => names.push(name),
                    Err(TokenError::WildcardItem) => errors.push(syn::Error::new(
                        lit.span(),
                        format!("`*` cannot be one item of a list: write `{key} = \"*\"`"),
                    )),
                    Err(error) => {
                        let what = if key == "methods" {
                            "method"
                        } else {
                            "header name"
                        };
                        let fix = match &error {
                            TokenError::LowercaseMethod(upper) => format!("; write `\"{upper}\"`"),
                            // `"GET, POST"`, copied from a header value: one name per item.
                            TokenError::NotAToken => split_fix(&text, &check)
                                .map(|items| format!("; write one name per item: `{items}`"))
                                .unwrap_or_default(),
                            _ => String::new(),
                        };
                        errors.push(syn::Error::new(
                            lit.span(),
                            format!(
                                "invalid {what} `{}` in `{key}`: {error}{fix}",
                                text.escape_debug()
                            ),
                        ));
                    }
                }
            }
            List::Items(names)
        }
    }
}

/// `"GET", "POST"` for `"GET, POST"`, when every comma-separated part is a valid name.
fn split_fix(text: &str, check: impl Fn(&str) -> Result<String, TokenError>) -> Option<String> {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() < 2 || parts.iter().any(|part| check(part).is_err()) {
        return None;
    }
    let quoted: Vec<String> = parts.iter().map(|part| format!("\"{part}\"")).collect();
    Some(quoted.join(", "))
}
