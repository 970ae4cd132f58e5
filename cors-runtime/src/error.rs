//! Why a policy could not be built.

use std::fmt;

use cors_grammar::{EntryError, ListError, ProblemKind, SharedBase};

/// Why a CORS policy could not be built.
///
/// [`Cors::builder`](crate::Cors::builder) returns it for an invalid policy. Policies written in
/// `#[cors(...)]` are checked at compile time, except the list of `origins_env`, which is read when the
/// policy is first used: if it is invalid, the policy *fails closed* (no origin is allowed), this error
/// is logged once through `tracing`, and [`check_policy!`](crate::check_policy) returns it.
///
/// Match on [`kind`](ConfigError::kind); [`var`](ConfigError::var), [`entry`](ConfigError::entry) and
/// [`setting`](ConfigError::setting) say where the problem is. `Display` and `Debug` both print the whole
/// message (what is wrong, where, and how to fix it), so `main` returning this error prints it readably.
///
/// ```
/// use cors_runtime::{ConfigErrorKind, Cors, Setting};
///
/// let err = Cors::builder().origins(["https://app.example.com/login"]).build().unwrap_err();
/// assert_eq!(err.kind(), ConfigErrorKind::InvalidOrigin);
/// assert_eq!(err.setting(), Some(Setting::Origins));
/// assert_eq!(err.entry(), Some("https://app.example.com/login"));
/// assert_eq!(
///     err.to_string(),
///     "`origins`: entry `https://app.example.com/login`: an origin cannot have a path; \
///      write `https://app.example.com`"
/// );
/// assert_eq!(format!("{err:?}"), err.to_string());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    inner: Box<Inner>,
}

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ConfigErrorKind,
    setting: Option<Setting>,
    var: Option<String>,
    entry: Option<String>,
    cause: Cause,
}

/// The underlying rule, kept for the message and for [`std::error::Error::source`].
#[derive(Clone, PartialEq, Eq)]
enum Cause {
    Problem(ProblemKind),
    List(ListError),
    /// What an `origins_from` function's error displayed.
    Message(String),
    None,
}

/// What kind of problem a [`ConfigError`] is.
///
/// ```
/// use cors_runtime::{ConfigErrorKind, Cors};
///
/// let err = Cors::builder().origins(["https://a.example", "https://A.example:443"]).build().unwrap_err();
/// match err.kind() {
///     ConfigErrorKind::Duplicate => assert_eq!(err.entry(), Some("https://A.example:443")),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The environment variable named by `origins_env` is not set.
    EnvMissing,
    /// The environment variable holds bytes that are not UTF-8.
    EnvNotUnicode,
    /// The environment variable holds no entry (it is empty, or only separators).
    EnvEmpty,
    /// The name given to `origins_env` is not a valid variable name.
    EnvName,
    /// An origin entry (given to the builder or read from the environment) is not a valid origin or
    /// subdomain pattern.
    InvalidOrigin,
    /// `*` is one entry of a list; it must be the whole setting.
    WildcardInList,
    /// The origin list given to the builder is empty.
    EmptyOrigins,
    /// An item is listed twice (after canonicalisation).
    Duplicate,
    /// A wildcard (`*`) in a policy that allows credentials; [`setting`](ConfigError::setting) says which.
    WildcardWithCredentials,
    /// Credentials without an origin list, so with the default of any origin.
    CredentialsWithoutOrigins,
    /// With credentials, a subdomain pattern under a base where anyone can get a name (a public suffix
    /// such as `github.io`).
    CredentialedPattern,
    /// An invalid method name.
    InvalidMethod,
    /// An invalid header name in `headers` or `expose_headers`.
    InvalidHeader,
    /// `max_age` over 86400 seconds.
    MaxAge,
    /// `refresh` is 0 or over 86400 seconds.
    Refresh,
    /// `refresh` without `origins_from`.
    RefreshWithoutSource,
    /// The `origins_from` function failed, timed out, or answered nothing usable; the policy keeps
    /// its last good list, or stays closed when it has none.
    SourceFailed,
    /// The `origins_from` list has not been loaded yet: it is loaded by the first request, or now by
    /// [`Cors::load_origins`](crate::Cors::load_origins) (`check_policy!(async handler).await`).
    SourceNotLoaded,
}

/// A setting of a policy, named like the attribute's key and the builder's method.
///
/// ```
/// use cors_runtime::{Cors, Setting};
///
/// let err = Cors::builder().origins(["https://a.example"]).methods(["GE T"]).build().unwrap_err();
/// assert_eq!(err.setting(), Some(Setting::Methods));
/// assert_eq!(Setting::Methods.name(), "methods");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    pub(crate) fn from_grammar(setting: cors_grammar::Setting) -> Setting {
        match setting {
            cors_grammar::Setting::Origins => Setting::Origins,
            cors_grammar::Setting::OriginsEnv => Setting::OriginsEnv,
            cors_grammar::Setting::Credentials => Setting::Credentials,
            cors_grammar::Setting::Methods => Setting::Methods,
            cors_grammar::Setting::Headers => Setting::Headers,
            cors_grammar::Setting::ExposeHeaders => Setting::ExposeHeaders,
            cors_grammar::Setting::MaxAge => Setting::MaxAge,
            cors_grammar::Setting::OriginsFrom => Setting::OriginsFrom,
            cors_grammar::Setting::OriginsFn => Setting::OriginsFn,
            cors_grammar::Setting::Refresh => Setting::Refresh,
        }
    }

    /// The attribute key and builder method this names (`"origins"`, `"expose_headers"`...).
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

impl ConfigError {
    /// What kind of problem this is.
    pub fn kind(&self) -> ConfigErrorKind {
        self.inner.kind
    }

    /// The setting the problem is in, when it is one setting's.
    pub fn setting(&self) -> Option<Setting> {
        self.inner.setting
    }

    /// The environment variable the problem comes from, when the list was read from one.
    pub fn var(&self) -> Option<&str> {
        self.inner.var.as_deref()
    }

    /// The entry or item at fault, as it was written.
    pub fn entry(&self) -> Option<&str> {
        self.inner.entry.as_deref()
    }

    fn new(kind: ConfigErrorKind, setting: Option<Setting>, cause: Cause) -> ConfigError {
        ConfigError {
            inner: Box::new(Inner {
                kind,
                setting,
                var: None,
                entry: None,
                cause,
            }),
        }
    }

    fn with_var(mut self, var: &str) -> ConfigError {
        self.inner.var = Some(var.to_owned());
        self
    }

    fn with_entry(mut self, entry: &str) -> ConfigError {
        self.inner.entry = Some(entry.to_owned());
        self
    }

    /// A broken rule found by [`cors_grammar::check_policy`] on the item `item` (as written), if the
    /// problem is one item's.
    pub(crate) fn from_problem(
        setting: cors_grammar::Setting,
        item: Option<&str>,
        kind: ProblemKind,
    ) -> ConfigError {
        let setting = Setting::from_grammar(setting);
        let error_kind = match &kind {
            ProblemKind::Entry(_) => ConfigErrorKind::InvalidOrigin,
            ProblemKind::Method(_) => ConfigErrorKind::InvalidMethod,
            ProblemKind::Header(_) => ConfigErrorKind::InvalidHeader,
            ProblemKind::WildcardItem => ConfigErrorKind::WildcardInList,
            ProblemKind::Empty => ConfigErrorKind::EmptyOrigins,
            ProblemKind::Duplicate { .. } => ConfigErrorKind::Duplicate,
            ProblemKind::WildcardWithCredentials => ConfigErrorKind::WildcardWithCredentials,
            ProblemKind::CredentialsWithoutOrigins => ConfigErrorKind::CredentialsWithoutOrigins,
            ProblemKind::CredentialedPattern(_) => ConfigErrorKind::CredentialedPattern,
            ProblemKind::MaxAge { .. } => ConfigErrorKind::MaxAge,
            ProblemKind::EnvName(_) => ConfigErrorKind::EnvName,
            ProblemKind::Refresh { .. } => ConfigErrorKind::Refresh,
            ProblemKind::RefreshWithoutSource => ConfigErrorKind::RefreshWithoutSource,
            _ => ConfigErrorKind::InvalidOrigin,
        };
        let error = ConfigError::new(error_kind, Some(setting), Cause::Problem(kind));
        match item {
            Some(item) => error.with_entry(item),
            None => error,
        }
    }

    /// The variable `var` is not set.
    pub(crate) fn env_missing(var: &str) -> ConfigError {
        ConfigError::new(
            ConfigErrorKind::EnvMissing,
            Some(Setting::OriginsEnv),
            Cause::None,
        )
        .with_var(var)
    }

    /// The variable `var` is not UTF-8.
    pub(crate) fn env_not_unicode(var: &str) -> ConfigError {
        ConfigError::new(
            ConfigErrorKind::EnvNotUnicode,
            Some(Setting::OriginsEnv),
            Cause::None,
        )
        .with_var(var)
    }

    /// The list in `var` breaks a rule.
    pub(crate) fn env_list(var: &str, error: ListError) -> ConfigError {
        let (kind, entry) = match &error {
            ListError::Empty => (ConfigErrorKind::EnvEmpty, None),
            ListError::WildcardWithOthers => (ConfigErrorKind::WildcardInList, None),
            ListError::Entry { entry, .. } => (ConfigErrorKind::InvalidOrigin, Some(entry.clone())),
            ListError::WildcardWithCredentials => (ConfigErrorKind::WildcardWithCredentials, None),
            ListError::CredentialedPattern { entry, .. } => {
                (ConfigErrorKind::CredentialedPattern, Some(entry.clone()))
            }
            _ => (ConfigErrorKind::InvalidOrigin, None),
        };
        let error =
            ConfigError::new(kind, Some(Setting::OriginsEnv), Cause::List(error)).with_var(var);
        match entry {
            Some(entry) => error.with_entry(&entry),
            None => error,
        }
    }
}

impl ConfigError {
    /// The `origins_from` function returned an error (or no answer in time).
    pub(crate) fn source_failed(error: String) -> ConfigError {
        ConfigError::new(
            ConfigErrorKind::SourceFailed,
            Some(Setting::OriginsFrom),
            Cause::Message(error),
        )
    }

    /// The `origins_from` function answered, but nothing in the answer can be used.
    pub(crate) fn source_list(error: ListError) -> ConfigError {
        ConfigError::new(
            ConfigErrorKind::SourceFailed,
            Some(Setting::OriginsFrom),
            Cause::List(error),
        )
    }

    /// No `origins_from` list has been loaded yet.
    pub(crate) fn source_not_loaded() -> ConfigError {
        ConfigError::new(
            ConfigErrorKind::SourceNotLoaded,
            Some(Setting::OriginsFrom),
            Cause::None,
        )
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        if let Some(var) = &inner.var {
            write!(f, "environment variable `{var}`: ")?;
        }
        match &inner.cause {
            Cause::None => match inner.kind {
                ConfigErrorKind::EnvMissing => f.write_str(
                    "not set: set it to the allowed origins, separated by spaces or commas \
                     (e.g. `https://app.example.com https://admin.example.com`)",
                ),
                ConfigErrorKind::EnvNotUnicode => {
                    f.write_str("not valid UTF-8: write the allowed origins in plain ASCII")
                }
                ConfigErrorKind::SourceNotLoaded => f.write_str(
                    "`origins_from`: the origins are not loaded yet: they are loaded by the first \
                     request, or at cold start by `check_policy!(async handler).await` \
                     (`Cors::load_origins().await`)",
                ),
                _ => f.write_str("invalid configuration"),
            },
            Cause::Message(error) => {
                write!(f, "`origins_from`: loading the origins failed: {error}")
            }
            Cause::List(error) if inner.setting == Some(Setting::OriginsFrom) => write!(
                f,
                "`origins_from`: the answer has no entry that can be used: {error}"
            ),
            Cause::List(error) => match error {
                ListError::Empty => f.write_str(
                    "empty: set it to the allowed origins, separated by spaces or commas \
                     (e.g. `https://app.example.com https://admin.example.com`)",
                ),
                ListError::Entry { entry, error } => entry_message(f, entry, error),
                other => other.fmt(f),
            },
            Cause::Problem(kind) => {
                if let Some(setting) = inner.setting {
                    write!(f, "`{setting}`: ")?;
                }
                match (kind, &inner.entry) {
                    (ProblemKind::Entry(error), Some(entry)) => entry_message(f, entry, error),
                    (ProblemKind::Method(error), Some(name)) => {
                        write!(f, "invalid method `{}`: {error}", name.escape_debug())
                    }
                    (ProblemKind::Header(error), Some(name)) => {
                        write!(f, "invalid header name `{}`: {error}", name.escape_debug())
                    }
                    (ProblemKind::Duplicate { .. }, Some(item)) => {
                        write!(f, "`{}` is listed twice: remove one", item.escape_debug())
                    }
                    (ProblemKind::WildcardItem, _) => f.write_str(
                        "`*` cannot be one item of a list: allow any value with the setting's \
                         wildcard form (`any_origin`, `any_method`, `any_header`, `expose_any_header`)",
                    ),
                    (ProblemKind::CredentialedPattern(shared), Some(entry)) => {
                        credentialed_pattern_message(f, entry, shared)
                    }
                    (ProblemKind::WildcardWithCredentials, _) => write!(f, "{kind}; list the values"),
                    (ProblemKind::CredentialsWithoutOrigins, _) => {
                        write!(
                            f,
                            "{kind}; give the allowed origins with `origins`, `origins_env`, \
                             `origins_from` or `origins_fn`"
                        )
                    }
                    (ProblemKind::MaxAge { .. }, _) => write!(f, "{kind}: use 0 to 86400 seconds"),
                    (ProblemKind::EnvName(error), Some(name)) => write!(
                        f,
                        "`{}` is not a variable name: {error}",
                        name.escape_debug()
                    ),
                    (kind, _) => kind.fmt(f),
                }
            }
        }
    }
}

/// `entry `X`: an origin cannot have a path; write `Y``: what is wrong with one origin entry, and its
/// fix when there is one.
fn entry_message(f: &mut fmt::Formatter<'_>, entry: &str, error: &EntryError) -> fmt::Result {
    write!(f, "entry `{}`: {error}", entry.escape_debug())?;
    match (cors_grammar::Entry::fix(entry, error), error.help()) {
        (Some(fix), _) => write!(f, "; write `{fix}`"),
        (None, Some(help)) => write!(f, "; {help}"),
        (None, None) => Ok(()),
    }
}

fn credentialed_pattern_message(
    f: &mut fmt::Formatter<'_>,
    entry: &str,
    shared: &SharedBase,
) -> fmt::Result {
    write!(
        f,
        "entry `{entry}` cannot be combined with credentials: {shared}; {}",
        shared.help()
    )
}

/// The message, as `Display` prints it: `fn main() -> Result<(), E>` prints the `Debug` form, which must
/// read as well.
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.cause {
            Cause::Problem(kind) => std::error::Error::source(kind),
            Cause::List(error) => Some(error),
            Cause::Message(_) | Cause::None => None,
        }
    }
}
