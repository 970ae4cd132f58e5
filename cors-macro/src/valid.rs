//! Checking the parsed arguments against the CORS rules: `cors-grammar` applies them (the same code
//! the runtime's builder runs) and each problem it finds is reported here, on the token it is about.

use cors_grammar::{
    Entry, EntryError, EnvNameError, List, Origins, Problem, ProblemKind, Setting, SharedBase,
    Spelling, TokenError, check_env_name, check_header_name, check_method,
};
use proc_macro2::Span;
use syn::LitStr;

use crate::attr::{Args, Key, Keyed, Value};
use crate::errors::Errors;

/// A policy that passed every check, as the expansion writes it: the builder calls to make. The
/// default is the attribute's without arguments.
#[derive(Default)]
pub(crate) struct Policy {
    pub(crate) origins: OriginsSetting,
    pub(crate) credentials: bool,
    pub(crate) methods: ListSetting,
    pub(crate) headers: ListSetting,
    pub(crate) expose_headers: ListSetting,
    pub(crate) max_age: Option<u64>,
    pub(crate) refresh: Option<u64>,
    pub(crate) catch_errors: Option<Option<syn::Path>>,
}

#[derive(Default)]
pub(crate) enum OriginsSetting {
    #[default]
    Default,
    Any,
    List(Vec<String>),
    Env(String),
    From(syn::Path),
    Fn(syn::Path),
}

#[derive(Default)]
pub(crate) enum ListSetting {
    #[default]
    Default,
    Any,
    Items(Vec<String>),
}

/// Checks `args`; every problem goes into `errors` and the returned policy is meaningful only if
/// there were none.
pub(crate) fn validate(args: Args, errors: &mut Errors) -> Policy {
    let credentials = args.credentials.is_some();
    // One origin source: each key after the first is refused, naming the one already given.
    let sources = [
        (Key::Origins, args.origins.as_ref().map(|keyed| keyed.key)),
        (
            Key::OriginsEnv,
            args.origins_env.as_ref().map(|keyed| keyed.key),
        ),
        (
            Key::OriginsFrom,
            args.origins_from.as_ref().map(|keyed| keyed.key),
        ),
        (
            Key::OriginsFn,
            args.origins_fn.as_ref().map(|keyed| keyed.key),
        ),
    ];
    let mut first: Option<Key> = None;
    for (key, span) in sources {
        let Some(span) = span else { continue };
        match first {
            None => first = Some(key),
            Some(first) => errors.push(syn::Error::new(
                span,
                format!(
                    "`{}` and `{}` cannot both be given: a policy takes its origins from one of \
                     `origins` (a fixed list), `origins_env` (an environment variable), `origins_from` \
                     (an async function) or `origins_fn` (a predicate)",
                    first.name(),
                    key.name()
                ),
            )),
        }
    }
    let refresh = args.refresh.as_ref().and_then(|Keyed { value: lit, .. }| {
        if !lit.suffix().is_empty() {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "`refresh` is a plain number of seconds: write `refresh = {}`",
                    lit.base10_digits()
                ),
            ));
            return None;
        }
        Some(lit.base10_parse::<u64>().unwrap_or(u64::MAX))
    });
    let texts = |value: &Option<Keyed<Value>>| -> Vec<String> {
        match value {
            Some(Keyed {
                value: Value::List { items, .. },
                ..
            }) => items.iter().map(LitStr::value).collect(),
            _ => Vec::new(),
        }
    };
    let (origin_texts, method_texts, header_texts, expose_texts) = (
        texts(&args.origins),
        texts(&args.methods),
        texts(&args.headers),
        texts(&args.expose_headers),
    );
    let (origin_strs, method_strs, header_strs, expose_strs) = (
        strs(&origin_texts),
        strs(&method_texts),
        strs(&header_texts),
        strs(&expose_texts),
    );
    let env_name = args.origins_env.as_ref().map(|env| env.value.value());
    let origins = match (&args.origins, &env_name) {
        (Some(Keyed { value, .. }), _) => match value {
            Value::Wildcard(_) => Origins::Any,
            Value::List { .. } => Origins::List(&origin_strs),
        },
        (None, Some(name)) => Origins::Env(name),
        (None, None) if args.origins_from.is_some() => Origins::From,
        (None, None) if args.origins_fn.is_some() => Origins::Fn,
        (None, None) => Origins::Default,
    };
    let max_age = args.max_age.as_ref().and_then(|Keyed { value: lit, .. }| {
        if !lit.suffix().is_empty() {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "`max_age` is a plain number of seconds: write `max_age = {}`",
                    lit.base10_digits()
                ),
            ));
            return None;
        }
        // A number too large for `u64` is over the limit all the same.
        Some(lit.base10_parse::<u64>().unwrap_or(u64::MAX))
    });
    let policy = cors_grammar::Policy {
        origins,
        credentials,
        methods: list(&args.methods, &method_strs),
        headers: list(&args.headers, &header_strs),
        expose_headers: list(&args.expose_headers, &expose_strs),
        max_age,
        refresh,
    };
    if let Err(problems) = cors_grammar::check_policy(&policy, Spelling::Canonical) {
        for problem in problems {
            // A list is only empty here because its items were not literals, which is reported.
            let unreadable = |value: &Option<Keyed<Value>>| {
                matches!(
                    value,
                    Some(Keyed {
                        value: Value::List { refused: true, .. },
                        ..
                    })
                )
            };
            let empty_because_unreadable = problem.kind == ProblemKind::Empty
                && match problem.setting {
                    Setting::Origins => unreadable(&args.origins),
                    Setting::Methods => unreadable(&args.methods),
                    Setting::Headers => unreadable(&args.headers),
                    Setting::ExposeHeaders => unreadable(&args.expose_headers),
                    _ => false,
                };
            // Origins written with an unreadable value are not missing ones.
            let missing_because_unreadable =
                problem.kind == ProblemKind::CredentialsWithoutOrigins && args.origins_unreadable;
            if !empty_because_unreadable && !missing_because_unreadable {
                errors.push(report(&args, &problem));
            }
        }
    }

    let setting = |value: &Option<Keyed<Value>>, texts: Vec<String>| match value {
        None => ListSetting::Default,
        Some(Keyed {
            value: Value::Wildcard(_),
            ..
        }) => ListSetting::Any,
        Some(_) => ListSetting::Items(texts),
    };
    Policy {
        origins: match (&args.origins, env_name) {
            (
                Some(Keyed {
                    value: Value::Wildcard(_),
                    ..
                }),
                _,
            ) => OriginsSetting::Any,
            (Some(_), _) => OriginsSetting::List(origin_texts),
            (None, Some(name)) => OriginsSetting::Env(name),
            (None, None) => match (&args.origins_from, &args.origins_fn) {
                (Some(from), _) => OriginsSetting::From(from.value.clone()),
                (None, Some(predicate)) => OriginsSetting::Fn(predicate.value.clone()),
                (None, None) => OriginsSetting::Default,
            },
        },
        credentials,
        methods: setting(&args.methods, method_texts),
        headers: setting(&args.headers, header_texts),
        expose_headers: setting(&args.expose_headers, expose_texts),
        max_age,
        refresh,
        catch_errors: args.catch_errors.map(|keyed| keyed.value),
    }
}

fn strs(texts: &[String]) -> Vec<&str> {
    texts.iter().map(String::as_str).collect()
}

fn list<'a>(value: &Option<Keyed<Value>>, strs: &'a [&'a str]) -> List<'a> {
    match value {
        None => List::Default,
        Some(Keyed {
            value: Value::Wildcard(_),
            ..
        }) => List::Any,
        Some(_) => List::Items(strs),
    }
}

/// The error for one broken rule, on the token it is about.
fn report(args: &Args, problem: &Problem) -> syn::Error {
    let key = match problem.setting {
        Setting::Origins => Key::Origins,
        Setting::OriginsEnv => Key::OriginsEnv,
        Setting::Credentials => Key::Credentials,
        Setting::Methods => Key::Methods,
        Setting::Headers => Key::Headers,
        Setting::ExposeHeaders => Key::ExposeHeaders,
        Setting::MaxAge => Key::MaxAge,
        Setting::OriginsFrom => Key::OriginsFrom,
        Setting::OriginsFn => Key::OriginsFn,
        Setting::Refresh => Key::Refresh,
    };
    let value = match key {
        Key::Origins => args.origins.as_ref(),
        Key::Methods => args.methods.as_ref(),
        Key::Headers => args.headers.as_ref(),
        Key::ExposeHeaders => args.expose_headers.as_ref(),
        _ => None,
    };
    let item = problem.item.and_then(|index| match value {
        Some(Keyed {
            value: Value::List { items, .. },
            ..
        }) => items.get(index),
        _ => None,
    });
    // The smallest token the problem is about: the item, else the value, else the key.
    let span = match (item, value, key) {
        (Some(item), _, _) => item.span(),
        (
            None,
            Some(Keyed {
                value: Value::Wildcard(star),
                ..
            }),
            _,
        ) => star.span(),
        (
            None,
            Some(Keyed {
                value: Value::List { brackets, .. },
                ..
            }),
            _,
        ) => *brackets,
        (None, None, Key::OriginsEnv) => args
            .origins_env
            .as_ref()
            .map_or_else(Span::call_site, |env| env.value.span()),
        (None, None, Key::MaxAge) => args
            .max_age
            .as_ref()
            .map_or_else(Span::call_site, |max_age| max_age.value.span()),
        (None, None, Key::Refresh) => args
            .refresh
            .as_ref()
            .map_or_else(Span::call_site, |refresh| refresh.value.span()),
        (None, None, Key::Credentials) => args
            .credentials
            .as_ref()
            .map_or_else(Span::call_site, |credentials| credentials.key),
        (None, None, _) => Span::call_site(),
    };
    let text = item.map(LitStr::value).unwrap_or_default();
    syn::Error::new(span, message(key, &text, args, &problem.kind))
}

fn message(key: Key, text: &str, args: &Args, kind: &ProblemKind) -> String {
    let name = key.name();
    let shown = text.escape_debug();
    match (key, kind) {
        (Key::Origins, ProblemKind::Entry(error)) => origin_message(text, error),
        (Key::Origins, ProblemKind::WildcardItem) => {
            "`*` cannot be one entry of a list: write `origins = \"*\"` to allow any origin"
                .to_owned()
        }
        (Key::Origins, ProblemKind::Empty) => {
            "`origins` is empty, so no origin would ever be allowed: \
             list at least one, e.g. `origins = [\"https://app.example.com\"]`"
                .to_owned()
        }
        (Key::Origins, ProblemKind::Duplicate { .. }) => {
            format!("`{shown}` is listed twice: remove one")
        }
        (Key::Origins, ProblemKind::WildcardWithCredentials) => {
            "`origins = \"*\"` cannot be combined with `credentials`: browsers reject \
             `Access-Control-Allow-Origin: *` on credentialed requests; list the allowed origins, \
             e.g. `origins = [\"https://app.example.com\"]`, or read them with `origins_env`"
                .to_owned()
        }
        (Key::Origins, ProblemKind::CredentialedPattern(shared)) => {
            credentialed_message(text, shared)
        }
        (Key::Credentials, ProblemKind::CredentialsWithoutOrigins) => {
            "`credentials` needs an explicit origin list: without `origins`, `origins_env`, \
             `origins_from` or `origins_fn` the policy allows any origin (`*`), which browsers reject \
             on credentialed requests; add `origins_env = \"ALLOWED_ORIGINS\"` or \
             `origins = [\"https://app.example.com\"]`"
                .to_owned()
        }
        (Key::OriginsEnv, ProblemKind::EnvName(error)) => {
            let env = args
                .origins_env
                .as_ref()
                .map(|env| env.value.value())
                .unwrap_or_default();
            env_name_message(&env, error)
        }
        (_, ProblemKind::WildcardWithCredentials) => {
            let what = match key {
                Key::Methods => "list the methods, e.g. `methods = [\"GET\", \"POST\"]`",
                Key::Headers => {
                    "list the request headers, e.g. `headers = [\"content-type\", \"authorization\"]`"
                }
                _ => {
                    "list the headers scripts may read, e.g. `expose_headers = [\"x-request-id\"]`"
                }
            };
            format!(
                "`{name} = \"*\"` cannot be combined with `credentials`: on credentialed requests \
                 browsers read `*` as a literal name, not a wildcard; {what}"
            )
        }
        (_, ProblemKind::WildcardItem) => {
            format!("`*` cannot be one item of a list: write `{name} = \"*\"`")
        }
        (_, ProblemKind::Duplicate { .. }) => {
            format!("`{shown}` is listed twice in `{name}`: remove one")
        }
        (_, ProblemKind::Method(error) | ProblemKind::Header(error)) => {
            let (what, check): (&str, fn(&str) -> bool) = if key == Key::Methods {
                ("method", |part| check_method(part).is_ok())
            } else {
                ("header name", |part| check_header_name(part).is_ok())
            };
            let fix = match error {
                TokenError::LowercaseMethod(upper) => format!("; write `\"{upper}\"`"),
                // `"GET, POST"`, copied from a header value: one name per item.
                TokenError::NotAToken => split_fix(text, check)
                    .map(|items| format!("; write one name per item: `{items}`"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            format!("invalid {what} `{shown}` in `{name}`: {error}{fix}")
        }
        (_, ProblemKind::MaxAge { .. }) => {
            let digits = args
                .max_age
                .as_ref()
                .map(|max_age| max_age.value.base10_digits().to_owned())
                .unwrap_or_default();
            format!(
                "`max_age = {digits}` is over 86400 seconds (one day), the most any browser honours \
                 (Chromium caps it at 7200, WebKit at 600): use a value from 0 to 86400"
            )
        }
        (Key::Refresh, ProblemKind::Refresh { .. }) => {
            let digits = args
                .refresh
                .as_ref()
                .map(|refresh| refresh.value.base10_digits().to_owned())
                .unwrap_or_default();
            format!(
                "`refresh = {digits}` is out of range: the list is loaded again after 1 to 86400 \
                 seconds (one day); use a value in that range, or leave `refresh` out to load it \
                 once per process"
            )
        }
        (Key::Refresh, ProblemKind::RefreshWithoutSource) => {
            "`refresh` only applies to `origins_from`, whose list is loaded by an async function: \
             other origin lists never change while the process runs; remove `refresh`, or load the \
             list with `origins_from = load_origins`"
                .to_owned()
        }
        (_, kind) => format!("`{name}`: {kind}"),
    }
}

fn credentialed_message(text: &str, shared: &SharedBase) -> String {
    match shared {
        SharedBase::PublicSuffix { base } => {
            let scheme = text.split_once("://").map_or("https", |(scheme, _)| scheme);
            format!(
                "`{text}` cannot be combined with `credentials`: `{base}` is a public suffix, where \
                 anyone can register a site, so this would let sites you do not control read your \
                 users' data; list the exact origins, or use a pattern under your own domain \
                 (e.g. `{scheme}://*.yourapp.{base}` if you own `yourapp.{base}`)"
            )
        }
        other => format!(
            "`{text}` cannot be combined with `credentials`: {other}; {}",
            other.help()
        ),
    }
}

fn origin_message(text: &str, error: &EntryError) -> String {
    let shown = text.escape_debug();
    if let EntryError::NotCanonical { canonical, .. } = error {
        return format!("origin `{shown}` is {error}; write `{canonical}`");
    }
    let help = match (error, Entry::fix(text, error)) {
        (EntryError::Joined, _) => Some(format!(
            "write one origin per item: `origins = [{}]`",
            split_origins(text)
        )),
        (_, Some(fix)) => Some(format!("write `{fix}`")),
        (_, None) => error.help(),
    };
    match help {
        Some(help) => format!("invalid origin `{shown}`: {error}; {help}"),
        None => format!("invalid origin `{shown}`: {error}"),
    }
}

/// `"https://a.example", "https://b.example"` for the origins joined in `text`: each starts at a
/// scheme, and the separators between them are dropped.
fn split_origins(text: &str) -> String {
    let is_scheme = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    let starts: Vec<usize> = text
        .match_indices("://")
        .map(|(at, _)| {
            text[..at]
                .char_indices()
                .rev()
                .find(|(_, c)| !is_scheme(*c))
                .map_or(0, |(i, c)| i + c.len_utf8())
        })
        .collect();
    let parts: Vec<String> = starts
        .iter()
        .enumerate()
        .map(|(i, start)| {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let part = text[*start..end]
                .trim_end_matches(|c: char| matches!(c, ';' | ',' | '|') || c.is_whitespace());
            format!("\"{}\"", part.escape_debug())
        })
        .collect();
    parts.join(", ")
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

/// `"GET", "POST"` for `"GET, POST"`, when every comma-separated part is a valid name.
fn split_fix(text: &str, check: fn(&str) -> bool) -> Option<String> {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() < 2 || !parts.iter().all(|part| check(part)) {
        return None;
    }
    let quoted: Vec<String> = parts.iter().map(|part| format!("\"{part}\"")).collect();
    Some(quoted.join(", "))
}
