//! Building a [`Cors`] policy at run time.

use cors_grammar::{Entry, OriginList, check_env_name, check_header_name, check_method};
use http::{HeaderName, HeaderValue, Method};

use crate::ConfigError;
use crate::policy::{AllowHeaders, Cors, Methods, Origins};
use crate::{DEFAULT_HEADERS, DEFAULT_METHODS};

/// Builds a [`Cors`] policy without the attribute; every setting has the same meaning and default as the
/// `#[cors(...)]` key of the same name.
///
/// Nothing is checked until [`build`](CorsBuilder::build), which returns a [`ConfigError`] for an invalid
/// policy and never panics. Origins given here are canonicalised like entries of an environment list.
///
/// ```
/// use cors_runtime::Cors;
///
/// let cors = Cors::builder()
///     .origins(["https://app.example.com", "https://*.example.org"])
///     .credentials()
///     .methods(["GET", "POST"])
///     .headers(["content-type", "x-api-key"])
///     .expose_headers(["x-request-id"])
///     .max_age(600)
///     .build()?;
/// # Ok::<(), cors_runtime::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct CorsBuilder {
    origins: OriginSource,
    credentials: bool,
    methods: Setting,
    headers: Setting,
    expose_headers: Setting,
    max_age: Option<u64>,
}

#[derive(Clone, Debug, Default)]
enum OriginSource {
    #[default]
    Any,
    List(Vec<String>),
    Env(String),
}

#[derive(Clone, Debug, Default)]
enum Setting {
    #[default]
    Default,
    Any,
    List(Vec<String>),
}

impl CorsBuilder {
    /// Allows any origin with `Access-Control-Allow-Origin: *` (the default; like `origins = "*"`).
    pub fn any_origin(mut self) -> Self {
        self.origins = OriginSource::Any;
        self
    }

    /// Allows these origins and subdomain patterns (like `origins = [...]`).
    pub fn origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.origins = OriginSource::List(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Reads the allowed origins from an environment variable when [`build`](Self::build) runs (like
    /// `origins_env = "NAME"`): split on commas and ASCII whitespace, each entry canonicalised; exactly `*`
    /// means any origin.
    pub fn origins_env(mut self, var: impl Into<String>) -> Self {
        self.origins = OriginSource::Env(var.into());
        self
    }

    /// Allows credentialed requests (cookies, `Authorization`): sends `Access-Control-Allow-Credentials:
    /// true` and never `*` (like `credentials`).
    pub fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// The methods a preflight may ask for (like `methods = [...]`; default
    /// `GET, HEAD, PUT, PATCH, POST, DELETE`). Names are case-sensitive.
    pub fn methods<I, S>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.methods = Setting::List(methods.into_iter().map(Into::into).collect());
        self
    }

    /// Allows any method, echoing the one requested (like `methods = "*"`).
    pub fn any_method(mut self) -> Self {
        self.methods = Setting::Any;
        self
    }

    /// The request headers a preflight may ask for (like `headers = [...]`; default `content-type`).
    pub fn headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.headers = Setting::List(headers.into_iter().map(Into::into).collect());
        self
    }

    /// Allows any request header, echoing the requested names (like `headers = "*"`).
    pub fn any_header(mut self) -> Self {
        self.headers = Setting::Any;
        self
    }

    /// Response headers the page's script may read (like `expose_headers = [...]`; default none).
    pub fn expose_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expose_headers = Setting::List(headers.into_iter().map(Into::into).collect());
        self
    }

    /// Exposes every response header with `Access-Control-Expose-Headers: *` (like
    /// `expose_headers = "*"`).
    pub fn expose_any_header(mut self) -> Self {
        self.expose_headers = Setting::Any;
        self
    }

    /// How long, in seconds (0 to 86400), a browser may cache a preflight answer (like `max_age = 600`).
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Checks every setting and builds the policy, reading the environment if
    /// [`origins_env`](Self::origins_env) was given.
    pub fn build(self) -> Result<Cors, ConfigError> {
        self.build_with(read_env)
    }

    /// [`build`](Self::build) with the environment list provided by `env` (the attribute caches it per
    /// process).
    pub(crate) fn build_with(
        self,
        env: impl FnOnce(&str) -> Result<OriginList, ConfigError>,
    ) -> Result<Cors, ConfigError> {
        let credentials = self.credentials;
        let wildcard = |setting| {
            if credentials {
                Err(ConfigError::WildcardWithCredentials { setting })
            } else {
                Ok(())
            }
        };

        let origins = match self.origins {
            OriginSource::Any => {
                wildcard("origins")?;
                Origins::Any
            }
            OriginSource::List(items) => {
                let entries = origins_from_list(&items)?;
                if credentials {
                    refuse_public_suffix_patterns(&entries, None)?;
                }
                Origins::list(&entries)
            }
            OriginSource::Env(var) => {
                check_env_name(&var).map_err(|error| ConfigError::EnvName {
                    var: var.clone(),
                    error,
                })?;
                match env(&var)? {
                    OriginList::Any if credentials => {
                        return Err(ConfigError::EnvWildcardWithCredentials { var });
                    }
                    OriginList::Any => Origins::Any,
                    OriginList::Entries(entries) => {
                        if credentials {
                            refuse_public_suffix_patterns(&entries, Some(&var))?;
                        }
                        Origins::list(&entries)
                    }
                }
            }
        };

        let methods = match self.methods {
            Setting::Any => {
                wildcard("methods")?;
                Methods::Any
            }
            Setting::Default => methods_from(DEFAULT_METHODS)?,
            Setting::List(items) => methods_from(&items)?,
        };
        let headers = match self.headers {
            Setting::Any => {
                wildcard("headers")?;
                AllowHeaders::Any
            }
            Setting::Default => AllowHeaders::list(header_names(DEFAULT_HEADERS)?),
            Setting::List(items) => AllowHeaders::list(header_names(&items)?),
        };
        let expose_headers = match self.expose_headers {
            Setting::Any => {
                wildcard("expose_headers")?;
                Some(HeaderValue::from_static("*"))
            }
            Setting::Default => None,
            Setting::List(items) => joined(&header_names(&items)?),
        };
        let max_age = match self.max_age {
            Some(seconds) if seconds > cors_grammar::MAX_AGE_LIMIT => {
                return Err(ConfigError::MaxAge { seconds });
            }
            Some(seconds) => Some(HeaderValue::from(seconds)),
            None => None,
        };
        Ok(Cors::new(
            origins,
            credentials,
            methods,
            headers,
            expose_headers,
            max_age,
        ))
    }
}

/// With credentials, a pattern under a public suffix is refused: see
/// [`cors_grammar::Pattern::base_is_public_suffix`].
fn refuse_public_suffix_patterns(entries: &[Entry], var: Option<&str>) -> Result<(), ConfigError> {
    match entries
        .iter()
        .find(|entry| matches!(entry, Entry::Pattern(p) if p.base_is_public_suffix()))
    {
        Some(entry) => Err(ConfigError::PublicSuffixPattern {
            var: var.map(str::to_owned),
            entry: entry.to_string(),
        }),
        None => Ok(()),
    }
}

fn origins_from_list(items: &[String]) -> Result<Vec<Entry>, ConfigError> {
    // `*` is a policy of its own (`any_origin`), never one entry among others.
    if items.iter().any(|item| item == "*") {
        return Err(ConfigError::Origin {
            entry: "*".to_owned(),
            error: cors_grammar::EntryError::MisplacedWildcard,
        });
    }
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let entry = Entry::canonicalize(item).map_err(|error| ConfigError::Origin {
            entry: item.clone(),
            error,
        })?;
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(ConfigError::NoOrigins);
    }
    Ok(entries)
}

fn methods_from<S: AsRef<str>>(items: &[S]) -> Result<Methods, ConfigError> {
    let mut methods: Vec<Method> = Vec::with_capacity(items.len());
    for item in items {
        let name = item.as_ref();
        let method = check_method(name).map_err(|error| ConfigError::Method {
            name: name.to_owned(),
            error,
        })?;
        if !methods.contains(&method) {
            methods.push(method);
        }
    }
    let value = joined(&methods);
    Ok(Methods::List { methods, value })
}

fn header_names<S: AsRef<str>>(items: &[S]) -> Result<Vec<HeaderName>, ConfigError> {
    let mut names: Vec<HeaderName> = Vec::with_capacity(items.len());
    for item in items {
        let name = item.as_ref();
        let header = check_header_name(name).map_err(|error| ConfigError::Header {
            name: name.to_owned(),
            error,
        })?;
        if !names.contains(&header) {
            names.push(header);
        }
    }
    Ok(names)
}

/// `a, b, c` as one header value, or `None` for an empty list.
pub(crate) fn joined<T: AsRef<str>>(items: &[T]) -> Option<HeaderValue> {
    let text = items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ");
    // Tokens joined by ", " are always a valid header value; an empty list sends no header.
    (!text.is_empty())
        .then(|| HeaderValue::from_str(&text).ok())
        .flatten()
}

/// Reads and parses an origin list from the environment.
pub(crate) fn read_env(var: &str) -> Result<OriginList, ConfigError> {
    let text = match std::env::var(var) {
        Ok(text) => text,
        Err(std::env::VarError::NotPresent) => {
            return Err(ConfigError::EnvMissing {
                var: var.to_owned(),
            });
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(ConfigError::EnvNotUnicode {
                var: var.to_owned(),
            });
        }
    };
    cors_grammar::parse_list(&text).map_err(|error| ConfigError::EnvList {
        var: var.to_owned(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_under_a_public_suffix_are_refused_only_with_credentials() {
        for entry in ["https://*.com", "https://*.github.io"] {
            let with = Cors::builder().origins([entry]).credentials().build();
            assert_eq!(
                with.err(),
                Some(ConfigError::PublicSuffixPattern {
                    var: None,
                    entry: entry.to_owned()
                })
            );
            assert!(Cors::builder().origins([entry]).build().is_ok(), "{entry}");
        }
        let own = Cors::builder()
            .origins(["https://*.myapp.github.io"])
            .credentials()
            .build();
        assert!(own.is_ok());
    }
}
