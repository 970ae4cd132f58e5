//! Building a [`Cors`] policy at run time, through the same rules the attribute checks at compile time.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use cors_grammar::{CheckedOrigins, List, OriginList, Origins, Policy, Spelling};

use crate::allow_headers::AllowHeaders;
use crate::allow_methods::AllowMethods;
use crate::allow_origin::{AllowOrigin, PredicateFn};
use crate::allowlist::Allowlist;
use crate::cors::{Cors, Parts};
use crate::source::{LoadFn, Source};
use crate::{ConfigError, Origin, env, expose_headers, max_age};

/// Builds a [`Cors`] policy without the attribute; every setting has the same meaning, default and
/// rules as the `#[cors(...)]` key of the same name (the attribute's expansion calls this builder).
///
/// Nothing is checked until [`build`](CorsBuilder::build), which returns a [`ConfigError`] for an invalid
/// policy and never panics. Origins given here are canonicalised like entries of an environment list
/// (`https://App.example.com:443/` is `https://app.example.com`). Each setting keeps the value of its last
/// call: `.origins([..]).origins_env("X")` reads `X`, `.methods(["GET"]).any_method()` allows any method.
///
/// Lists take strings or `http`'s own types, anything that is `AsRef<str>`:
///
/// ```
/// use cors_runtime::Cors;
/// use http::{header, Method};
/// use std::time::Duration;
///
/// let cors = Cors::builder()
///     .origins(["https://app.example.com", "https://*.example.org"])
///     .credentials()
///     .methods([Method::GET, Method::POST])
///     .headers([header::CONTENT_TYPE, header::AUTHORIZATION])
///     .expose_headers(["x-request-id"])
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), cors_runtime::ConfigError>(())
/// ```
///
/// An invalid policy is an error, never a panic:
///
/// ```
/// use cors_runtime::{ConfigErrorKind, Cors, Setting};
///
/// let err = Cors::builder().any_origin().credentials().build().unwrap_err();
/// assert_eq!(err.kind(), ConfigErrorKind::WildcardWithCredentials);
/// assert_eq!(err.setting(), Some(Setting::Origins));
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
    refresh: Option<u64>,
}

#[derive(Clone, Debug, Default)]
enum OriginSource {
    #[default]
    Default,
    Any,
    List(Vec<String>),
    Env(String),
    From(Loader),
    Fn(PredicateFn),
}

/// The user's `origins_from` function, shown in `Debug` by what it is.
#[derive(Clone)]
struct Loader(LoadFn);

impl fmt::Debug for Loader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("origins_from")
    }
}

#[derive(Clone, Debug, Default)]
enum Setting {
    #[default]
    Default,
    Any,
    List(Vec<String>),
}

fn strings<I>(items: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    items
        .into_iter()
        .map(|item| item.as_ref().to_owned())
        .collect()
}

impl CorsBuilder {
    /// Allows any origin with `Access-Control-Allow-Origin: *` (like `origins = "*"`; also what a
    /// policy without any origin setting allows, except that with [`credentials`](Self::credentials)
    /// that default is refused as "no origin list" rather than as a wildcard).
    pub fn any_origin(mut self) -> Self {
        self.origins = OriginSource::Any;
        self
    }

    /// Allows these origins and subdomain patterns (like `origins = [...]`). An origin listed twice is
    /// an error.
    pub fn origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.origins = OriginSource::List(strings(origins));
        self
    }

    /// Reads the allowed origins from an environment variable when [`build`](Self::build) runs (like
    /// `origins_env = "NAME"`): split on commas and ASCII whitespace, each entry canonicalised, repeats
    /// dropped; exactly `*` means any origin.
    ///
    /// ```
    /// use cors_runtime::{ConfigErrorKind, Cors, testing::Env};
    ///
    /// let env = Env::new().set("ALLOWED_ORIGINS", "https://App.example.com:443, https://b.example");
    /// let cors = env.scope_sync(|| Cors::builder().origins_env("ALLOWED_ORIGINS").credentials().build())?;
    /// assert!(cors.allows_origin(&http::HeaderValue::from_static("https://app.example.com")));
    ///
    /// let env = Env::new().set("ALLOWED_ORIGINS", "*");
    /// let err = env.scope_sync(|| Cors::builder().origins_env("ALLOWED_ORIGINS").credentials().build());
    /// assert_eq!(err.unwrap_err().kind(), ConfigErrorKind::WildcardWithCredentials);
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    pub fn origins_env(mut self, var: impl Into<String>) -> Self {
        self.origins = OriginSource::Env(var.into());
        self
    }

    /// Loads the allowed origins with an async function (like `origins_from = load`): for lists that do
    /// not fit in, or do not live in, the environment (SSM Parameter Store, AppConfig, a table).
    ///
    /// `load` answers one entry per item, spelled as in an environment list (each canonicalised).
    /// The list is loaded by the first request ([`Cors::handle`], or the layer's first call), or earlier
    /// by [`Cors::load_origins`]; [`Cors::check`], which cannot wait, answers from the last loaded list,
    /// and allows no origin before the first load. Requests that arrive during the first load wait for
    /// it (at most 5 seconds, also the limit on one load); if it fails, the policy stays closed and the
    /// next load is tried by a request at least 1 second later, then 2, 4, ... up to 60 seconds
    /// between tries.
    ///
    /// With [`refresh`](Self::refresh), the first request after the list is that old loads it again and
    /// is answered from the new list; requests during the reload use the last good list. A failed reload
    /// keeps the last good list, logs the error, and is tried again after `refresh` or 30 seconds,
    /// whichever is shorter.
    ///
    /// What the answer may hold: a source is many owners' rows (tenants' domains), so one bad entry
    /// must not close the policy for everyone. An invalid entry, a `*` among other entries, and (with
    /// [`credentials`](Self::credentials)) a pattern under a public suffix or an AWS shared zone are
    /// skipped, each logged as a `tracing` warning, and the rest is used. The answer fails as a whole
    /// (keeping the last good list) only when no entry can be used, or when it is exactly `*` with
    /// credentials. Exactly `*` without credentials allows any origin; an empty answer allows none.
    /// (A list in the environment is one deploy's typo instead, so there one bad entry fails the
    /// policy.)
    ///
    /// The time limits need tokio's timer, which the runtime Lambda and `#[tokio::main]` start has; a
    /// runtime built without it (`Builder::new_current_thread()` without `enable_time`) panics on the
    /// first load. Polled outside any tokio runtime (a test's own `block_on`), a load has no time limit.
    ///
    /// ```
    /// use cors_runtime::{Cors, Decision};
    ///
    /// async fn tenants() -> Result<Vec<String>, std::io::Error> {
    ///     Ok(vec!["https://shop.example.com".into(), "https://admin.example.org".into()])
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cors = Cors::builder()
    ///     .origins_from(tenants)
    ///     .refresh(std::time::Duration::from_secs(300))
    ///     .credentials()
    ///     .build()?;
    /// cors.load_origins().await?; // at cold start: Err if the first load fails
    /// assert!(cors.allows_origin(&http::HeaderValue::from_static("https://shop.example.com")));
    /// # Ok(()) }
    /// ```
    pub fn origins_from<F, Fut, I, E>(mut self, load: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<I, E>> + Send + 'static,
        I: IntoIterator,
        I::Item: AsRef<str>,
        E: fmt::Display,
    {
        let load: LoadFn = Arc::new(move || {
            let answer = load();
            Box::pin(async move {
                match answer.await {
                    Ok(items) => Ok(strings(items)),
                    Err(error) => Err(error.to_string()),
                }
            })
        });
        self.origins = OriginSource::From(Loader(load));
        self
    }

    /// How old an [`origins_from`](Self::origins_from) list may get before the next request loads it
    /// again (like `refresh = 300`): 1 second to 1 day, counted in whole seconds (a fraction of a
    /// second is dropped, so less than a second is out of range). Without it, the list is loaded once
    /// per process.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cors_runtime::{ConfigErrorKind, Cors};
    ///
    /// let err = Cors::builder().any_origin().refresh(Duration::from_secs(60)).build().unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::RefreshWithoutSource);
    /// ```
    pub fn refresh(mut self, every: Duration) -> Self {
        self.refresh = Some(every.as_secs());
        self
    }

    /// Allows the origins `is_allowed` says yes to (like `origins_fn = is_allowed`).
    ///
    /// The predicate sees the request's origin parsed ([`Origin`]), and only when it is exactly what a
    /// browser sends: a malformed, `null`, comma-joined or repeated `Origin`, or one no browser would
    /// write (`HTTPS://A.example`, `:443`, a trailing `/`), is refused without calling it. Compare the
    /// parts, not the text: see [`Origin`] for the `evilexample.com` and `example.com.evil.net` holes a
    /// string test opens. With [`credentials`](Self::credentials), every origin it says yes to can read
    /// your users' data with their cookies: a predicate that says yes too often is your own CORS hole.
    ///
    /// ```
    /// use cors_runtime::{Cors, Origin};
    /// use http::HeaderValue;
    ///
    /// fn is_allowed(origin: &Origin) -> bool {
    ///     origin.scheme() == "https" && origin.host().ends_with(".tenants.example.com")
    /// }
    ///
    /// let cors = Cors::builder().origins_fn(is_allowed).credentials().build()?;
    /// assert!(cors.allows_origin(&HeaderValue::from_static("https://a.tenants.example.com")));
    /// assert!(!cors.allows_origin(&HeaderValue::from_static("https://A.tenants.example.com")));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    pub fn origins_fn<F>(mut self, is_allowed: F) -> Self
    where
        F: Fn(&Origin) -> bool + Send + Sync + 'static,
    {
        self.origins = OriginSource::Fn(PredicateFn::new(Arc::new(is_allowed)));
        self
    }

    /// Allows credentialed requests (cookies, `Authorization`): sends `Access-Control-Allow-Credentials:
    /// true`, and refuses every wildcard (like `credentials`).
    pub fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// The methods a preflight may ask for (like `methods = [...]`; default
    /// `GET, HEAD, PUT, PATCH, POST, DELETE`). Names are case-sensitive.
    pub fn methods<I>(mut self, methods: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.methods = Setting::List(strings(methods));
        self
    }

    /// Allows any method, echoing the one requested (like `methods = "*"`). Refused with credentials.
    ///
    /// ```
    /// use cors_runtime::Cors;
    ///
    /// assert!(Cors::builder().any_method().any_header().expose_any_header().build().is_ok());
    /// assert!(Cors::builder().origins(["https://a.example"]).credentials().any_method().build().is_err());
    /// ```
    pub fn any_method(mut self) -> Self {
        self.methods = Setting::Any;
        self
    }

    /// The request headers a preflight may ask for (like `headers = [...]`; default `content-type`).
    pub fn headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.headers = Setting::List(strings(headers));
        self
    }

    /// Allows any request header, echoing the requested names (like `headers = "*"`).
    pub fn any_header(mut self) -> Self {
        self.headers = Setting::Any;
        self
    }

    /// Response headers the page's script may read (like `expose_headers = [...]`; default none).
    pub fn expose_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.expose_headers = Setting::List(strings(headers));
        self
    }

    /// Exposes every response header with `Access-Control-Expose-Headers: *` (like
    /// `expose_headers = "*"`).
    pub fn expose_any_header(mut self) -> Self {
        self.expose_headers = Setting::Any;
        self
    }

    /// How long a browser may cache a preflight answer, up to one day (like `max_age = 600`). It is sent
    /// in whole seconds: a fraction of a second is dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cors_runtime::{ConfigErrorKind, Cors};
    ///
    /// assert!(Cors::builder().max_age(Duration::from_secs(7200)).build().is_ok());
    /// let err = Cors::builder().max_age(Duration::from_secs(86_401)).build().unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::MaxAge);
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age.as_secs());
        self
    }

    /// Checks every setting and builds the policy, reading the environment if
    /// [`origins_env`](Self::origins_env) was given. The first problem found is returned.
    pub fn build(self) -> Result<Cors, ConfigError> {
        let origin_items: Vec<&str> = match &self.origins {
            OriginSource::List(items) => items.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let origins = match &self.origins {
            OriginSource::Default => Origins::Default,
            OriginSource::Any => Origins::Any,
            OriginSource::List(_) => Origins::List(&origin_items),
            OriginSource::Env(var) => Origins::Env(var),
            OriginSource::From(_) => Origins::From,
            OriginSource::Fn(_) => Origins::Fn,
        };
        let (methods, headers, expose) = (
            self.methods.strs(),
            self.headers.strs(),
            self.expose_headers.strs(),
        );
        let policy = Policy {
            origins,
            credentials: self.credentials,
            methods: self.methods.as_list(&methods),
            headers: self.headers.as_list(&headers),
            expose_headers: self.expose_headers.as_list(&expose),
            max_age: self.max_age,
            refresh: self.refresh,
        };
        let checked =
            cors_grammar::check_policy(&policy, Spelling::Lenient).map_err(|problems| {
                // Reported in the order of the settings; the first is enough to fix, one at a time.
                let problem = problems.into_iter().next();
                match problem {
                    Some(problem) => {
                        let item = match (&self.origins, problem.setting) {
                            (OriginSource::Env(var), cors_grammar::Setting::OriginsEnv) => {
                                Some(var.as_str())
                            }
                            _ => problem
                                .item
                                .and_then(|index| self.item(problem.setting, index)),
                        };
                        ConfigError::from_problem(problem.setting, item, problem.kind)
                    }
                    None => ConfigError::from_problem(
                        cors_grammar::Setting::Origins,
                        None,
                        cors_grammar::ProblemKind::Empty,
                    ),
                }
            })?;
        let origins = match checked.origins {
            CheckedOrigins::Any => AllowOrigin::Any,
            CheckedOrigins::List(entries) => AllowOrigin::List(Allowlist::new(&entries)),
            CheckedOrigins::Env(var) => match env::read_list(&var, checked.credentials)? {
                OriginList::Any => AllowOrigin::Any,
                OriginList::Entries(entries) => AllowOrigin::List(Allowlist::new(&entries)),
            },
            CheckedOrigins::From { refresh } => match &self.origins {
                OriginSource::From(Loader(load)) => AllowOrigin::From(Arc::new(Source::new(
                    Arc::clone(load),
                    checked.credentials,
                    refresh.map(Duration::from_secs),
                ))),
                _ => unreachable!("the grammar checked the origins this builder holds"),
            },
            CheckedOrigins::Fn => match &self.origins {
                OriginSource::Fn(predicate) => AllowOrigin::Fn(predicate.clone()),
                _ => unreachable!("the grammar checked the origins this builder holds"),
            },
        };
        Ok(Cors::new(Parts {
            origins,
            credentials: checked.credentials,
            methods: match checked.methods {
                Some(methods) => AllowMethods::list(methods),
                None => AllowMethods::Any,
            },
            headers: match checked.headers {
                Some(names) => AllowHeaders::list(names),
                None => AllowHeaders::Any,
            },
            expose: expose_headers::value(checked.expose_headers.as_deref()),
            max_age: max_age::value(checked.max_age),
        }))
    }

    /// The item at `index` of `setting`, as given.
    fn item(&self, setting: cors_grammar::Setting, index: usize) -> Option<&str> {
        let items = match setting {
            cors_grammar::Setting::Origins => match &self.origins {
                OriginSource::List(items) => items,
                _ => return None,
            },
            cors_grammar::Setting::Methods => self.methods.items()?,
            cors_grammar::Setting::Headers => self.headers.items()?,
            cors_grammar::Setting::ExposeHeaders => self.expose_headers.items()?,
            _ => return None,
        };
        items.get(index).map(String::as_str)
    }
}

impl Setting {
    /// The items, borrowed as the grammar takes them.
    fn strs(&self) -> Vec<&str> {
        match self {
            Setting::List(items) => items.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// This setting as the grammar reads it, with `strs` its items.
    fn as_list<'a>(&self, strs: &'a [&'a str]) -> List<'a> {
        match self {
            Setting::Default => List::Default,
            Setting::Any => List::Any,
            Setting::List(_) => List::Items(strs),
        }
    }

    fn items(&self) -> Option<&Vec<String>> {
        match self {
            Setting::List(items) => Some(items),
            _ => None,
        }
    }
}
