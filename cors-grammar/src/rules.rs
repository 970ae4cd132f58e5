//! The rules that join a policy's settings: what `credentials` forbids, lists that must not be empty
//! or repeat an item, the range of `max_age`. The attribute runs them at compile time on its literals and
//! maps each [`Problem`] to the span of the key or item it names; the runtime's builder runs them when a
//! policy is built and turns the first one into its error. One implementation, so the two cannot disagree.

use std::fmt;

use http::{HeaderName, Method};

use crate::{
    AwsZone, Entry, EntryError, EnvNameError, MAX_AGE_LIMIT, TokenError, check_env_name,
    check_header_name, check_method,
};

/// Methods a preflight may ask for when `methods` is not given.
pub const DEFAULT_METHODS: &[&str] = &["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

/// The longest `refresh` interval, in seconds (one day).
pub const MAX_REFRESH: u64 = 86_400;

/// Request headers a preflight may ask for when `headers` is not given.
pub const DEFAULT_HEADERS: &[&str] = &["content-type"];

/// A setting of a policy, named as the attribute's key and the builder's method are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Setting {
    /// `origins`.
    Origins,
    /// `origins_env`.
    OriginsEnv,
    /// `credentials`.
    Credentials,
    /// `methods`.
    Methods,
    /// `headers`.
    Headers,
    /// `expose_headers`.
    ExposeHeaders,
    /// `max_age`.
    MaxAge,
    /// `origins_from`.
    OriginsFrom,
    /// `origins_fn`.
    OriginsFn,
    /// `refresh`.
    Refresh,
}

impl Setting {
    /// The key's name: `origins`, `expose_headers`, ...
    pub fn name(self) -> &'static str {
        match self {
            Setting::Origins => "origins",
            Setting::OriginsEnv => "origins_env",
            Setting::Credentials => "credentials",
            Setting::Methods => "methods",
            Setting::Headers => "headers",
            Setting::ExposeHeaders => "expose_headers",
            Setting::MaxAge => "max_age",
            Setting::OriginsFrom => "origins_from",
            Setting::OriginsFn => "origins_fn",
            Setting::Refresh => "refresh",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a policy's origins come from, as written.
#[derive(Clone, Copy, Debug)]
pub enum Origins<'a> {
    /// Not given: any origin.
    Default,
    /// `"*"`.
    Any,
    /// A list of origins and subdomain patterns.
    List(&'a [&'a str]),
    /// The name of the environment variable holding the list.
    Env(&'a str),
    /// An async function returning the list (`origins_from`); its answers are checked when they
    /// arrive ([`check_source_list`](crate::check_source_list)).
    From,
    /// A predicate on the parsed request origin (`origins_fn`).
    Fn,
}

/// A list setting (`methods`, `headers`, `expose_headers`), as written.
#[derive(Clone, Copy, Debug)]
pub enum List<'a> {
    /// Not given: the setting's default.
    Default,
    /// `"*"`.
    Any,
    /// The items.
    Items(&'a [&'a str]),
}

/// A policy as written, before any rule is applied.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    /// `origins` or `origins_env`.
    pub origins: Origins<'a>,
    /// `credentials`.
    pub credentials: bool,
    /// `methods`.
    pub methods: List<'a>,
    /// `headers`.
    pub headers: List<'a>,
    /// `expose_headers`.
    pub expose_headers: List<'a>,
    /// `max_age`, in seconds.
    pub max_age: Option<u64>,
    /// `refresh`, in seconds: how old an `origins_from` list may get before it is loaded again.
    pub refresh: Option<u64>,
}

/// How origin entries must be spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// Exactly as browsers send them (literals in the attribute): anything else is a problem whose
    /// [`EntryError::NotCanonical`] carries the fix.
    Canonical,
    /// Brought to that form ([`Entry::canonicalize`]): the builder's and the environment's rule.
    Lenient,
}

/// A policy that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The origins.
    pub origins: CheckedOrigins,
    /// `credentials`.
    pub credentials: bool,
    /// The methods a preflight may ask for; `None` for `"*"`.
    pub methods: Option<Vec<Method>>,
    /// The request headers a preflight may ask for, lowercase; `None` for `"*"`.
    pub headers: Option<Vec<HeaderName>>,
    /// The exposed response headers, lowercase; `None` for `"*"`.
    pub expose_headers: Option<Vec<HeaderName>>,
    /// `max_age`, in seconds.
    pub max_age: Option<u64>,
}

/// The origins of a checked policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckedOrigins {
    /// Any origin.
    Any,
    /// These canonical entries, in the order written, none twice.
    List(Vec<Entry>),
    /// The list in this environment variable, whose name is valid; its entries are checked when it is
    /// read ([`check_env_list`](crate::check_env_list)).
    Env(String),
    /// The lists an async source answers, loaded again when they are `refresh` seconds old.
    From {
        /// `refresh`, in seconds (1 to [`MAX_REFRESH`]), if given.
        refresh: Option<u64>,
    },
    /// A predicate on the parsed request origin.
    Fn,
}

/// One broken rule: which setting, which item of it (when the rule is about one), and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The setting the problem is in.
    pub setting: Setting,
    /// The index of the offending item in that setting's list, when the problem is one item's.
    pub item: Option<usize>,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a setting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// An origin entry is not a valid origin or pattern.
    Entry(EntryError),
    /// A method name is invalid.
    Method(TokenError),
    /// A header name is invalid.
    Header(TokenError),
    /// `*` written as one item of a list: the wildcard is the whole setting.
    WildcardItem,
    /// The origin list has no entry, so no origin would ever be allowed.
    Empty,
    /// The item repeats the earlier item at this index (after canonicalisation).
    Duplicate {
        /// The index of the first occurrence.
        first: usize,
    },
    /// The setting is `*` and the policy allows credentials: browsers refuse `*` there.
    WildcardWithCredentials,
    /// `credentials` without an origin list, so with the default (any origin).
    CredentialsWithoutOrigins,
    /// With credentials, a subdomain pattern whose base anyone can register names under.
    CredentialedPattern(SharedBase),
    /// `max_age` over [`MAX_AGE_LIMIT`].
    MaxAge {
        /// The value given.
        seconds: u64,
    },
    /// The name given to `origins_env` is not a valid variable name.
    EnvName(EnvNameError),
    /// `refresh` is 0 or over [`MAX_REFRESH`].
    Refresh {
        /// The value given.
        seconds: u64,
    },
    /// `refresh` without `origins_from`: only a source's list can be loaded again.
    RefreshWithoutSource,
}

/// Why a subdomain pattern's base is shared by strangers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SharedBase {
    /// The base is a public suffix (`com`, `github.io`): anyone can register a name under it.
    PublicSuffix {
        /// The base.
        base: String,
    },
    /// The base is, or is over, a zone where AWS gives names to any customer (`lambda-url.<region>.on.aws`).
    Aws(AwsZone),
}

impl SharedBase {
    /// How to write the policy instead.
    pub fn help(&self) -> String {
        match self {
            SharedBase::PublicSuffix { .. } => {
                "list the exact origins, or use a pattern under a domain of your own".to_owned()
            }
            SharedBase::Aws(zone) => match zone.example() {
                Some(example) => format!("list the exact origins, such as `{example}`"),
                None => "list the exact origins".to_owned(),
            },
        }
    }
}

impl fmt::Display for SharedBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SharedBase::PublicSuffix { base } => write!(
                f,
                "`{base}` is a public suffix, where anyone can register a site, so this would let sites \
                 you do not control read your users' data"
            ),
            SharedBase::Aws(zone) => zone.fmt(f),
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::Entry(error) => error.fmt(f),
            ProblemKind::Method(error) | ProblemKind::Header(error) => error.fmt(f),
            ProblemKind::WildcardItem => f.write_str("`*` cannot be one item of a list"),
            ProblemKind::Empty => f.write_str("the origin list is empty, so no origin would ever be allowed"),
            ProblemKind::Duplicate { .. } => f.write_str("listed twice"),
            ProblemKind::WildcardWithCredentials => f.write_str(
                "`*` cannot be combined with credentials: on credentialed requests browsers refuse \
                 `Access-Control-Allow-Origin: *` and read `*` in the other CORS headers as a literal name",
            ),
            ProblemKind::CredentialsWithoutOrigins => f.write_str(
                "credentials need an explicit origin list: without one the policy allows any origin \
                 (`*`), which browsers refuse on credentialed requests",
            ),
            ProblemKind::CredentialedPattern(shared) => {
                write!(f, "cannot be combined with credentials: {shared}")
            }
            ProblemKind::MaxAge { seconds } => write!(
                f,
                "{seconds} seconds is over {MAX_AGE_LIMIT} (one day), the most any browser honours \
                 (Chromium caps it at 7200, WebKit at 600)"
            ),
            ProblemKind::EnvName(error) => error.fmt(f),
            ProblemKind::Refresh { seconds } => write!(
                f,
                "{seconds} seconds is out of range: a list is loaded again after 1 to {MAX_REFRESH} \
                 seconds (one day)"
            ),
            ProblemKind::RefreshWithoutSource => f.write_str(
                "`refresh` only applies to origins loaded by `origins_from`: other lists never change \
                 while the process runs",
            ),
        }
    }
}

impl std::error::Error for ProblemKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProblemKind::Entry(error) => Some(error),
            ProblemKind::Method(error) | ProblemKind::Header(error) => Some(error),
            ProblemKind::EnvName(error) => Some(error),
            _ => None,
        }
    }
}

/// Checks `policy` against every rule and reports every problem, in the order of the settings.
///
/// ```
/// use cors_grammar::{Origins, Policy, List, ProblemKind, Setting, Spelling, check_policy};
///
/// let policy = Policy {
///     origins: Origins::List(&["https://app.example.com", "https://*.github.io"]),
///     credentials: true,
///     methods: List::Any,
///     headers: List::Default,
///     expose_headers: List::Default,
///     max_age: None,
///     refresh: None,
/// };
/// let problems = check_policy(&policy, Spelling::Canonical).unwrap_err();
/// assert_eq!((problems[0].setting, problems[0].item), (Setting::Origins, Some(1)));
/// assert_eq!((problems[1].setting, &problems[1].kind), (Setting::Methods, &ProblemKind::WildcardWithCredentials));
/// ```
#[inline]
pub fn check_policy(policy: &Policy<'_>, spelling: Spelling) -> Result<Checked, Vec<Problem>> {
    // Dispatched here, in an inlined function, so a caller that only ever passes one spelling (the
    // runtime: `Lenient`) links only that parser.
    match spelling {
        Spelling::Canonical => check_policy_with(policy, Entry::parse_canonical),
        Spelling::Lenient => check_policy_with(policy, Entry::canonicalize),
    }
}

fn check_policy_with(
    policy: &Policy<'_>,
    parse: fn(&str) -> Result<Entry, EntryError>,
) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let credentials = policy.credentials;
    let origins = match policy.origins {
        Origins::Default => {
            if credentials {
                problems.push(Problem {
                    setting: Setting::Credentials,
                    item: None,
                    kind: ProblemKind::CredentialsWithoutOrigins,
                });
            }
            CheckedOrigins::Any
        }
        Origins::Any => {
            if credentials {
                problems.push(Problem {
                    setting: Setting::Origins,
                    item: None,
                    kind: ProblemKind::WildcardWithCredentials,
                });
            }
            CheckedOrigins::Any
        }
        Origins::List(items) => {
            CheckedOrigins::List(origin_list(items, credentials, parse, &mut problems))
        }
        Origins::Env(name) => {
            if let Err(error) = check_env_name(name) {
                problems.push(Problem {
                    setting: Setting::OriginsEnv,
                    item: None,
                    kind: ProblemKind::EnvName(error),
                });
            }
            CheckedOrigins::Env(name.to_owned())
        }
        Origins::From => CheckedOrigins::From {
            refresh: policy.refresh,
        },
        Origins::Fn => CheckedOrigins::Fn,
    };
    if let Some(seconds) = policy.refresh {
        if !matches!(policy.origins, Origins::From) {
            problems.push(Problem {
                setting: Setting::Refresh,
                item: None,
                kind: ProblemKind::RefreshWithoutSource,
            });
        } else if seconds == 0 || seconds > MAX_REFRESH {
            problems.push(Problem {
                setting: Setting::Refresh,
                item: None,
                kind: ProblemKind::Refresh { seconds },
            });
        }
    }
    let methods = list(
        policy.methods,
        Setting::Methods,
        DEFAULT_METHODS,
        credentials,
        &mut problems,
        |item| check_method(item).map_err(ProblemKind::Method),
    );
    let headers = list(
        policy.headers,
        Setting::Headers,
        DEFAULT_HEADERS,
        credentials,
        &mut problems,
        |item| check_header_name(item).map_err(ProblemKind::Header),
    );
    let expose_headers = list(
        policy.expose_headers,
        Setting::ExposeHeaders,
        &[],
        credentials,
        &mut problems,
        |item| check_header_name(item).map_err(ProblemKind::Header),
    );
    if let Some(seconds) = policy.max_age.filter(|seconds| *seconds > MAX_AGE_LIMIT) {
        problems.push(Problem {
            setting: Setting::MaxAge,
            item: None,
            kind: ProblemKind::MaxAge { seconds },
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Checked {
        origins,
        credentials,
        methods,
        headers,
        expose_headers,
        max_age: policy.max_age,
    })
}

/// The problem a credentialed policy has with `entry`, if any: a subdomain pattern under a base where
/// strangers get names, an AWS zone ([`aws_zone`](crate::aws_zone)) or a public suffix. Literal lists
/// and environment lists are both checked by it.
pub fn credentialed_entry_problem(entry: &Entry) -> Option<SharedBase> {
    let Entry::Pattern(pattern) = entry else {
        return None;
    };
    if let Some(zone) = crate::aws_zone(pattern.base()) {
        return Some(SharedBase::Aws(zone));
    }
    pattern
        .base_is_public_suffix()
        .then(|| SharedBase::PublicSuffix {
            base: pattern.base().to_owned(),
        })
}

fn origin_list(
    items: &[&str],
    credentials: bool,
    parse: fn(&str) -> Result<Entry, EntryError>,
    problems: &mut Vec<Problem>,
) -> Vec<Entry> {
    let problem = |item, kind| Problem {
        setting: Setting::Origins,
        item: Some(item),
        kind,
    };
    if items.is_empty() {
        problems.push(Problem {
            setting: Setting::Origins,
            item: None,
            kind: ProblemKind::Empty,
        });
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(items.len());
    // Where each entry was written, for the indices problems name.
    let mut written_at: Vec<usize> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if *item == "*" {
            problems.push(problem(index, ProblemKind::WildcardItem));
            continue;
        }
        let entry = match parse(item) {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(problem(index, ProblemKind::Entry(error)));
                continue;
            }
        };
        if credentials {
            if let Some(shared) = credentialed_entry_problem(&entry) {
                problems.push(problem(index, ProblemKind::CredentialedPattern(shared)));
                continue;
            }
        }
        entries.push(entry);
        written_at.push(index);
    }
    let firsts = crate::list::first_of_each(&entries);
    let mut kept = Vec::with_capacity(entries.len());
    for ((entry, index), first) in entries.into_iter().zip(&written_at).zip(firsts) {
        match first {
            Some(first) => problems.push(problem(
                *index,
                ProblemKind::Duplicate {
                    first: written_at[first],
                },
            )),
            None => kept.push(entry),
        }
    }
    kept
}

fn list<T: PartialEq>(
    list: List<'_>,
    setting: Setting,
    default: &[&str],
    credentials: bool,
    problems: &mut Vec<Problem>,
    check: impl Fn(&str) -> Result<T, ProblemKind>,
) -> Option<Vec<T>> {
    let items = match list {
        List::Any => {
            if credentials {
                problems.push(Problem {
                    setting,
                    item: None,
                    kind: ProblemKind::WildcardWithCredentials,
                });
            }
            return None;
        }
        List::Default => default,
        List::Items(items) => items,
    };
    let mut checked: Vec<T> = Vec::with_capacity(items.len());
    let mut indices: Vec<usize> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let kind = if *item == "*" {
            ProblemKind::WildcardItem
        } else {
            match check(item) {
                Ok(value) => match checked.iter().position(|kept| *kept == value) {
                    Some(position) => ProblemKind::Duplicate {
                        first: indices[position],
                    },
                    None => {
                        checked.push(value);
                        indices.push(index);
                        continue;
                    }
                },
                Err(kind) => kind,
            }
        };
        problems.push(Problem {
            setting,
            item: Some(index),
            kind,
        });
    }
    Some(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(origins: Origins<'static>, credentials: bool) -> Policy<'static> {
        Policy {
            origins,
            credentials,
            methods: List::Default,
            headers: List::Default,
            expose_headers: List::Default,
            max_age: None,
            refresh: None,
        }
    }

    fn kinds(
        policy: &Policy<'_>,
        spelling: Spelling,
    ) -> Vec<(Setting, Option<usize>, ProblemKind)> {
        match check_policy(policy, spelling) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .map(|p| (p.setting, p.item, p.kind))
                .collect(),
        }
    }

    #[test]
    fn credentials_refuse_every_wildcard_and_the_default_origins() {
        assert_eq!(
            kinds(&policy(Origins::Default, true), Spelling::Canonical),
            [(
                Setting::Credentials,
                None,
                ProblemKind::CredentialsWithoutOrigins
            )]
        );
        let wildcards = Policy {
            origins: Origins::Any,
            credentials: true,
            methods: List::Any,
            headers: List::Any,
            expose_headers: List::Any,
            max_age: None,
            refresh: None,
        };
        let settings: Vec<Setting> = kinds(&wildcards, Spelling::Lenient)
            .into_iter()
            .map(|(setting, _, kind)| {
                assert_eq!(kind, ProblemKind::WildcardWithCredentials);
                setting
            })
            .collect();
        assert_eq!(
            settings,
            [
                Setting::Origins,
                Setting::Methods,
                Setting::Headers,
                Setting::ExposeHeaders
            ]
        );
        let without = Policy {
            credentials: false,
            ..wildcards
        };
        assert!(check_policy(&without, Spelling::Lenient).is_ok());
    }

    #[test]
    fn duplicates_are_found_after_canonicalisation_and_name_the_first() {
        let lenient = policy(
            Origins::List(&[
                "https://a.example",
                "https://b.example",
                "HTTPS://A.example:443/",
            ]),
            false,
        );
        assert_eq!(
            kinds(&lenient, Spelling::Lenient),
            [(
                Setting::Origins,
                Some(2),
                ProblemKind::Duplicate { first: 0 }
            )]
        );
        let methods = Policy {
            methods: List::Items(&["GET", "PUT", "PUT"]),
            ..policy(Origins::Any, false)
        };
        assert_eq!(
            kinds(&methods, Spelling::Lenient),
            [(
                Setting::Methods,
                Some(2),
                ProblemKind::Duplicate { first: 1 }
            )]
        );
        let headers = Policy {
            headers: List::Items(&["X-Api-Key", "x-api-key"]),
            ..policy(Origins::Any, false)
        };
        assert_eq!(
            kinds(&headers, Spelling::Lenient),
            [(
                Setting::Headers,
                Some(1),
                ProblemKind::Duplicate { first: 0 }
            )]
        );
    }

    #[test]
    fn empty_lists_wildcard_items_and_max_age() {
        assert_eq!(
            kinds(&policy(Origins::List(&[]), false), Spelling::Canonical),
            [(Setting::Origins, None, ProblemKind::Empty)]
        );
        assert_eq!(
            kinds(&policy(Origins::List(&["*"]), false), Spelling::Canonical),
            [(Setting::Origins, Some(0), ProblemKind::WildcardItem),]
        );
        let over = Policy {
            max_age: Some(MAX_AGE_LIMIT + 1),
            ..policy(Origins::Any, false)
        };
        assert_eq!(
            kinds(&over, Spelling::Canonical),
            [(
                Setting::MaxAge,
                None,
                ProblemKind::MaxAge {
                    seconds: MAX_AGE_LIMIT + 1
                }
            )]
        );
        let limit = Policy {
            max_age: Some(MAX_AGE_LIMIT),
            ..policy(Origins::Any, false)
        };
        assert!(check_policy(&limit, Spelling::Canonical).is_ok());
    }

    #[test]
    fn spelling_decides_whether_entries_are_canonicalised() {
        let written = policy(Origins::List(&["https://App.example.com"]), false);
        assert!(matches!(
            &kinds(&written, Spelling::Canonical)[..],
            [(
                Setting::Origins,
                Some(0),
                ProblemKind::Entry(EntryError::NotCanonical { .. })
            )]
        ));
        let checked = check_policy(&written, Spelling::Lenient);
        assert_eq!(
            checked.map(|c| c.origins),
            Ok(CheckedOrigins::List(vec![Entry::Origin(
                "https://app.example.com".into()
            )]))
        );
    }

    #[test]
    fn credentialed_patterns_under_a_public_suffix_are_refused() {
        let broad = policy(
            Origins::List(&["https://*.github.io", "https://*.me.github.io"]),
            true,
        );
        assert_eq!(
            kinds(&broad, Spelling::Canonical),
            [(
                Setting::Origins,
                Some(0),
                ProblemKind::CredentialedPattern(SharedBase::PublicSuffix {
                    base: "github.io".into()
                })
            )]
        );
        let without = policy(Origins::List(&["https://*.github.io"]), false);
        assert!(check_policy(&without, Spelling::Canonical).is_ok());
    }

    #[test]
    fn defaults_resolve_to_the_documented_lists() {
        let Ok(checked) = check_policy(
            &policy(Origins::Env("ALLOWED_ORIGINS"), true),
            Spelling::Canonical,
        ) else {
            panic!("valid");
        };
        let methods: Vec<String> = checked
            .methods
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect();
        assert_eq!(methods, DEFAULT_METHODS);
        let headers: Vec<&str> = checked
            .headers
            .iter()
            .flatten()
            .map(HeaderName::as_str)
            .collect();
        assert_eq!(headers, DEFAULT_HEADERS);
        assert_eq!(checked.expose_headers, Some(Vec::new()));
        assert_eq!(
            checked.origins,
            CheckedOrigins::Env("ALLOWED_ORIGINS".into())
        );
        assert!(matches!(
            &kinds(
                &policy(Origins::Env("ALLOWED-ORIGINS"), false),
                Spelling::Canonical
            )[..],
            [(
                Setting::OriginsEnv,
                None,
                ProblemKind::EnvName(EnvNameError::Invalid)
            )]
        ));
    }
}
