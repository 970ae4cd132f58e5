//! Why a policy could not be built.

use std::fmt;

use cors_grammar::{EntryError, EnvNameError, ListError, TokenError};

/// Why a CORS policy could not be built.
///
/// Policies written in `#[cors(...)]` are checked at compile time, except the origin list of
/// `origins_env`, which is read at cold start: then the policy *fails closed* (no origin is allowed), this
/// error is logged once through `tracing`, and [`check_policy!`](crate::check_policy) returns it.
///
/// ```
/// use cors_runtime::{ConfigError, Cors};
///
/// let err = Cors::builder().origins(["https://app.example.com/login"]).build().unwrap_err();
/// assert!(matches!(err, ConfigError::Origin { .. }));
/// assert_eq!(
///     err.to_string(),
///     "invalid origin `https://app.example.com/login`: an origin cannot have a path \
///      (an origin is only `scheme://host[:port]`)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The environment variable named by `origins_env` is not set.
    EnvMissing {
        /// The variable's name.
        var: String,
    },
    /// The environment variable holds bytes that are not UTF-8.
    EnvNotUnicode {
        /// The variable's name.
        var: String,
    },
    /// The environment variable's list is empty or has an invalid entry.
    EnvList {
        /// The variable's name.
        var: String,
        /// What is wrong with the list.
        error: ListError,
    },
    /// The environment variable is `*` but the policy has `credentials`.
    EnvWildcardWithCredentials {
        /// The variable's name.
        var: String,
    },
    /// The name given to `origins_env` is not a valid variable name.
    EnvName {
        /// The name as given.
        var: String,
        /// What is wrong with it.
        error: EnvNameError,
    },
    /// An origin given to the builder is invalid.
    Origin {
        /// The entry as given.
        entry: String,
        /// What is wrong with it.
        error: EntryError,
    },
    /// The origin list given to the builder is empty.
    NoOrigins,
    /// A subdomain pattern whose base is a public suffix (`https://*.github.io`) with `credentials`.
    PublicSuffixPattern {
        /// The environment variable the entry came from, if any.
        var: Option<String>,
        /// The pattern.
        entry: String,
    },
    /// `credentials` together with a wildcard (`"origins"`, `"methods"`, `"headers"` or `"expose_headers"`).
    WildcardWithCredentials {
        /// Which setting holds the wildcard.
        setting: &'static str,
    },
    /// An invalid method name.
    Method {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        error: TokenError,
    },
    /// An invalid header name in `headers` or `expose_headers`.
    Header {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        error: TokenError,
    },
    /// `max_age` above 86400 seconds.
    MaxAge {
        /// The value as given.
        seconds: u64,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::EnvMissing { var } => {
                write!(
                    f,
                    "environment variable `{var}` is not set: set it to the allowed origins, e.g. `https://app.example.com`"
                )
            }
            ConfigError::EnvNotUnicode { var } => {
                write!(f, "environment variable `{var}` is not valid UTF-8")
            }
            ConfigError::EnvList { var, error } => {
                write!(f, "environment variable `{var}`: {error}")
            }
            ConfigError::EnvWildcardWithCredentials { var } => write!(
                f,
                "environment variable `{var}` is `*`, but the policy allows credentials: browsers reject \
                 `Access-Control-Allow-Origin: *` on credentialed requests, so list the allowed origins"
            ),
            ConfigError::EnvName { var, error } => write!(f, "`{}`: {error}", var.escape_debug()),
            ConfigError::Origin { entry, error } => {
                write!(f, "invalid origin `{}`: {error}", entry.escape_debug())?;
                match error.help() {
                    Some(help) => write!(f, " ({help})"),
                    None => Ok(()),
                }
            }
            ConfigError::NoOrigins => f.write_str("the origin list is empty"),
            ConfigError::PublicSuffixPattern { var, entry } => {
                if let Some(var) = var {
                    write!(f, "environment variable `{var}`: ")?;
                }
                write!(
                    f,
                    "entry `{entry}`: its base is a public suffix, where anyone can register a site, so with \
                     credentials it would let sites you do not control read your users' data; list the \
                     exact origins or a pattern under your own domain"
                )
            }
            ConfigError::WildcardWithCredentials { setting } => write!(
                f,
                "`{setting}` is a wildcard but the policy allows credentials: browsers do not treat `*` as a \
                 wildcard on credentialed requests, so list the values"
            ),
            ConfigError::Method { name, error } => {
                write!(f, "invalid method `{}`: {error}", name.escape_debug())
            }
            ConfigError::Header { name, error } => {
                write!(f, "invalid header name `{}`: {error}", name.escape_debug())
            }
            ConfigError::MaxAge { seconds } => write!(
                f,
                "max_age of {seconds} seconds is over the limit of {} (browsers cap it anyway)",
                cors_grammar::MAX_AGE_LIMIT
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::EnvList { error, .. } => Some(error),
            ConfigError::EnvName { error, .. } => Some(error),
            ConfigError::Origin { error, .. } => Some(error),
            ConfigError::Method { error, .. } | ConfigError::Header { error, .. } => Some(error),
            _ => None,
        }
    }
}
