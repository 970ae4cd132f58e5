//! The compiled policy, and what it decides for one request.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, GetAll,
    ORIGIN, VARY,
};
use http::{HeaderMap, HeaderValue, Method, Request, Response};

use crate::allow_headers::{AllowHeaders, HeadersAnswer};
use crate::allow_methods::{AllowMethods, MethodAnswer};
use crate::allow_origin::{AllowOrigin, Lines, single};
use crate::builder::CorsBuilder;
use crate::decision::{Actual, ActualHeaders, Decision, Preflight};
use crate::{ConfigError, diagnostics};

/// A preflight's answer depends on its method and headers, and (unless any origin is allowed) on its
/// origin.
const VARY_PREFLIGHT: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_PREFLIGHT_ANY_ORIGIN: &str =
    "Access-Control-Request-Method, Access-Control-Request-Headers";

/// A checked CORS policy, ready to answer requests.
///
/// Build one with [`Cors::builder`], or let `#[cors(...)]` build one per handler. Per request, call
/// [`Cors::check`] before running the handler: a [`Decision::Preflight`] is answered without it, a
/// [`Decision::Actual`] adds the CORS headers to whatever the handler returns. [`Cors::handle`] does both.
///
/// Cloning is cheap (the policy is shared), as tower services, which are cloned per request, need.
///
/// ```
/// use cors_runtime::{Cors, Decision};
/// use http::{Request, Response};
///
/// let cors = Cors::builder().origins(["https://app.example.com"]).credentials().build()?;
///
/// let request = Request::get("/me").header("origin", "https://app.example.com").body(())?;
/// let Decision::Actual(actual) = cors.check(&request) else { unreachable!() };
/// let mut response = Response::new("hello");
/// actual.apply(&mut response);
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
/// assert_eq!(response.headers()["access-control-allow-credentials"], "true");
/// assert_eq!(response.headers()["vary"], "Origin");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Cors {
    inner: Arc<Inner>,
}

struct Inner {
    origins: AllowOrigin,
    methods: AllowMethods,
    headers: AllowHeaders,
    actual: ActualHeaders,
    /// The headers of an allowed preflight, built once: per request they are cloned and only
    /// `Access-Control-Allow-Origin` (a placeholder here, so the clone never grows) and the echoed
    /// method and headers of `"*"` settings are written.
    preflight_allowed: HeaderMap,
    /// The headers of a refused preflight: only `Vary`.
    preflight_refused: HeaderMap,
}

/// The parts of a policy, checked, for [`Cors::new`].
pub(crate) struct Parts {
    pub(crate) origins: AllowOrigin,
    pub(crate) credentials: bool,
    pub(crate) methods: AllowMethods,
    pub(crate) headers: AllowHeaders,
    pub(crate) expose: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
}

impl Cors {
    /// Starts a policy with the attribute's defaults: any origin, no credentials, methods
    /// `GET, HEAD, PUT, PATCH, POST, DELETE`, request header `content-type`, nothing exposed, no max age.
    pub fn builder() -> CorsBuilder {
        CorsBuilder::default()
    }

    pub(crate) fn new(parts: Parts) -> Cors {
        let Parts {
            origins,
            credentials,
            methods,
            headers,
            expose,
            max_age,
        } = parts;
        let vary = HeaderValue::from_static(if origins.varies() {
            VARY_PREFLIGHT
        } else {
            VARY_PREFLIGHT_ANY_ORIGIN
        });
        let mut preflight_refused = HeaderMap::with_capacity(1);
        preflight_refused.insert(VARY, vary.clone());

        let mut preflight_allowed = HeaderMap::with_capacity(8);
        // First, so `preflight` finds it without a lookup.
        preflight_allowed.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        preflight_allowed.insert(VARY, vary);
        if credentials {
            preflight_allowed.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if let Some(value) = methods.value() {
            preflight_allowed.insert(ACCESS_CONTROL_ALLOW_METHODS, value.clone());
        }
        if let Some(value) = headers.value() {
            preflight_allowed.insert(ACCESS_CONTROL_ALLOW_HEADERS, value.clone());
        }
        if let Some(value) = max_age {
            preflight_allowed.insert(ACCESS_CONTROL_MAX_AGE, value);
        }
        let actual = ActualHeaders {
            credentials,
            expose,
            varies: origins.varies(),
        };
        Cors {
            inner: Arc::new(Inner {
                origins,
                methods,
                headers,
                actual,
                preflight_allowed,
                preflight_refused,
            }),
        }
    }

    /// A policy that allows nothing, because its configuration is invalid: what a policy built where
    /// no error can be returned (a handler's, `policy!`'s) falls back to.
    pub(crate) fn closed(error: ConfigError) -> Cors {
        Cors::new(Parts {
            origins: AllowOrigin::Closed(error),
            credentials: false,
            methods: AllowMethods::list(Vec::new()),
            headers: AllowHeaders::list(Vec::new()),
            expose: None,
            max_age: None,
        })
    }

    /// This policy with every constant header value in static memory, for a policy that lives as long as
    /// the process (the one in each `#[cors]` handler's `static`).
    pub(crate) fn into_static(self) -> Cors {
        let mut inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            // Shared already (never, for a policy just built): leave it as it is.
            Err(inner) => return Cors { inner },
        };
        if let AllowOrigin::List(list) = &mut inner.origins {
            list.leak_values();
        }
        if let Some(value) = &inner.actual.expose {
            inner.actual.expose = Some(crate::statics::leak(value));
        }
        for map in [&mut inner.preflight_allowed, &mut inner.preflight_refused] {
            for (_, value) in map.iter_mut() {
                *value = crate::statics::leak(value);
            }
        }
        Cors {
            inner: Arc::new(inner),
        }
    }

    /// The configuration error this policy failed closed on, if any.
    ///
    /// A policy from [`CorsBuilder::build`] never has one (`build` returns the error instead). A policy
    /// a `#[cors]` handler or `policy!` builds when it is first used does, when its environment list is
    /// invalid: it then allows no origin. Call this (or [`check_policy!`](crate::check_policy)) at the
    /// start of `main`, so a bad deploy fails the cold start instead of serving responses without CORS
    /// headers.
    ///
    /// ```
    /// use cors_runtime::Cors;
    ///
    /// let cors = Cors::builder().origins(["https://app.example.com"]).build()?;
    /// assert_eq!(cors.load(), Ok(()));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    ///
    /// An [`origins_from`](CorsBuilder::origins_from) policy is loaded asynchronously: this says whether
    /// a list has been loaded (`Err` with [`ConfigErrorKind::SourceNotLoaded`](crate::ConfigErrorKind)
    /// before the first load, or the first load's error); [`Cors::load_origins`] loads it.
    pub fn load(&self) -> Result<(), ConfigError> {
        match &self.inner.origins {
            AllowOrigin::Closed(error) => Err(error.clone()),
            AllowOrigin::From(source) => source.status(),
            _ => Ok(()),
        }
    }

    /// Loads what the policy needs to answer: an [`origins_from`](CorsBuilder::origins_from) list that
    /// is not loaded yet (or is older than its `refresh`), waiting for a load already in flight; then
    /// returns what [`Cors::load`] returns. For every other policy it is [`Cors::load`].
    ///
    /// Call it at cold start, so a source that fails fails the start instead of the first requests:
    /// `check_policy!(async handler).await?` does it for a `#[cors]` handler. [`Cors::handle`] and
    /// [`CorsLayer`](crate::CorsLayer) call it before every request (a no-op while the list is fresh).
    ///
    /// ```
    /// use cors_runtime::Cors;
    ///
    /// async fn origins() -> Result<[&'static str; 1], String> {
    ///     Err("the parameter store is unreachable".into())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cors = Cors::builder().origins_from(origins).credentials().build().unwrap();
    /// let err = cors.load_origins().await.unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "`origins_from`: loading the origins failed: the parameter store is unreachable"
    /// );
    /// # }
    /// ```
    pub async fn load_origins(&self) -> Result<(), ConfigError> {
        if let AllowOrigin::From(source) = &self.inner.origins {
            source.ensure().await;
        }
        self.load()
    }

    /// The `origins_from` source, when a load is due: the one case where a request must wait before it
    /// is checked.
    pub(crate) fn pending_source(&self) -> Option<&std::sync::Arc<crate::source::Source>> {
        match &self.inner.origins {
            AllowOrigin::From(source) if source.needs_load() => Some(source),
            _ => None,
        }
    }

    /// Whether this policy allows `origin` (the exact bytes of a request's `Origin` header).
    ///
    /// Matching allocates nothing and costs the same whatever the size of the allowlist.
    ///
    /// ```
    /// use cors_runtime::Cors;
    /// use http::HeaderValue;
    ///
    /// let cors = Cors::builder().origins(["https://*.example.com"]).build()?;
    /// assert!(cors.allows_origin(&HeaderValue::from_static("https://a.example.com")));
    /// assert!(!cors.allows_origin(&HeaderValue::from_static("https://evilexample.com")));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    pub fn allows_origin(&self, origin: &HeaderValue) -> bool {
        self.inner.origins.contains(origin)
    }

    /// Whether a WebSocket handshake with these request headers may connect: it has exactly one
    /// `Origin`, and the policy allows it. A handshake without `Origin` is refused: every browser sends
    /// one, so only a non-browser client omits it, and such a client is not what this check is for.
    ///
    /// For any WebSocket server (axum's `WebSocketUpgrade`, say); on API Gateway, `Cors::refuse_connect`
    /// (feature `lambda`) takes the event itself.
    ///
    /// ```
    /// use cors_runtime::policy;
    /// use http::HeaderMap;
    ///
    /// let cors = policy!(origins = ["https://app.example.com"], credentials);
    /// let mut headers = HeaderMap::new();
    /// assert!(!cors.allows_connect(&headers));
    /// headers.insert("origin", "https://app.example.com".parse()?);
    /// assert!(cors.allows_connect(&headers));
    /// headers.insert("origin", "https://evil.example".parse()?);
    /// assert!(!cors.allows_connect(&headers));
    /// # Ok::<(), http::header::InvalidHeaderValue>(())
    /// ```
    pub fn allows_connect(&self, headers: &HeaderMap) -> bool {
        match single(headers.get_all(ORIGIN)) {
            Lines::One(origin) => self.allows_origin(origin),
            Lines::None => false,
            Lines::Several => {
                diagnostics::several_origins();
                false
            }
        }
    }

    /// Decides what to do with `request`: answer a preflight, or run the handler and add headers.
    ///
    /// It is a preflight exactly when the method is `OPTIONS` and both `Origin` and
    /// `Access-Control-Request-Method` are present; any other `OPTIONS` is an ordinary request.
    #[must_use = "a decision adds no header until it is answered or applied"]
    pub fn check<B>(&self, request: &Request<B>) -> Decision<'_> {
        self.decide(request.method(), request.headers())
    }

    /// [`Cors::check`] for a request taken apart with [`Request::into_parts`] (as tower and hyper
    /// middleware often hold it).
    ///
    /// ```
    /// use cors_runtime::{Cors, Decision};
    ///
    /// let cors = Cors::builder().build()?;
    /// let (parts, _body) = http::Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(())?
    ///     .into_parts();
    /// let Decision::Preflight(preflight) = cors.check_parts(&parts) else { unreachable!() };
    /// assert_eq!(preflight.status(), 204);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use = "a decision adds no header until it is answered or applied"]
    pub fn check_parts(&self, parts: &http::request::Parts) -> Decision<'_> {
        self.decide(&parts.method, &parts.headers)
    }

    /// The headers every ordinary response of this policy gets, for a response future that holds the
    /// policy rather than a borrow of it.
    #[cfg(any(feature = "tower", feature = "lambda"))]
    pub(crate) fn actual_headers(&self) -> &ActualHeaders {
        &self.inner.actual
    }

    fn decide(&self, method: &Method, headers: &HeaderMap) -> Decision<'_> {
        let inner = &*self.inner;
        let is_options = method == Method::OPTIONS;
        // An ordinary request to a `"*"` policy gets the same headers whatever its origin.
        if !is_options && matches!(inner.origins, AllowOrigin::Any) {
            return Decision::Actual(Actual {
                headers: &inner.actual,
                allow_origin: Some(HeaderValue::from_static("*")),
            });
        }
        // Each request header is looked up once: a preflight needs three of them, and every lookup
        // hashes the name.
        let origin = headers.get_all(ORIGIN);
        if is_options && origin.iter().next().is_some() {
            let method = headers.get_all(ACCESS_CONTROL_REQUEST_METHOD);
            if method.iter().next().is_some() {
                return Decision::Preflight(inner.preflight(origin, method, headers));
            }
        }
        // Only a credentialed response can be the one the cross-site warning is about. (Not gated on
        // `tracing::enabled!`: its interest, cached per callsite, races with subscribers set per thread,
        // and the warning's work is once per entry anyway.)
        let allowed = inner.origins.allow(origin, inner.actual.credentials);
        if let Some(allowed) = &allowed {
            if allowed.first {
                diagnostics::credentialed_cross_site(&allowed.value, headers);
            }
        }
        Decision::Actual(Actual {
            headers: &inner.actual,
            allow_origin: allowed.map(|allowed| allowed.value),
        })
    }

    /// Runs `handler` under this policy: answers preflights without calling it, and adds the CORS
    /// headers to its response otherwise.
    ///
    /// ```
    /// use cors_runtime::Cors;
    /// use http::{Request, Response};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let cors = Cors::builder().build()?;
    /// let request = Request::get("/").header("origin", "https://a.example").body(String::new())?;
    /// let response = cors
    ///     .handle(request, |_request| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("hi"))) })
    ///     .await?;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// # Ok(()) }
    /// ```
    pub async fn handle<ReqBody, ResBody, E, F, Fut>(
        &self,
        request: Request<ReqBody>,
        handler: F,
    ) -> Result<Response<ResBody>, E>
    where
        F: FnOnce(Request<ReqBody>) -> Fut,
        Fut: Future<Output = Result<Response<ResBody>, E>>,
        ResBody: Default,
    {
        if let Some(source) = self.pending_source() {
            source.ensure().await;
        }
        match self.check(&request) {
            Decision::Preflight(preflight) => Ok(preflight.into_response()),
            Decision::Actual(actual) => {
                let mut response = handler(request).await?;
                actual.apply(&mut response);
                Ok(response)
            }
        }
    }
}

/// A copy of the policy (cheap: it is shared), so what takes a `Cors` takes `policy!`'s
/// `&'static Cors` too.
///
/// ```
/// use cors_runtime::Cors;
///
/// let shared: &'static Cors = cors_runtime::policy!(origins = ["https://app.example.com"]);
/// let owned: Cors = shared.into();
/// assert!(owned.allows_origin(&http::HeaderValue::from_static("https://app.example.com")));
/// ```
impl From<&Cors> for Cors {
    fn from(cors: &Cors) -> Cors {
        cors.clone()
    }
}

impl Inner {
    fn preflight(
        &self,
        origin: GetAll<'_, HeaderValue>,
        method: GetAll<'_, HeaderValue>,
        request: &HeaderMap,
    ) -> Preflight {
        let refused = || Preflight {
            allowed: false,
            headers: self.preflight_refused.clone(),
        };
        let Some(allow_origin) = self
            .origins
            .allow(origin, false)
            .map(|allowed| allowed.value)
        else {
            return refused();
        };
        let method = match single(method) {
            Lines::One(method) => self.methods.allow(method),
            Lines::None | Lines::Several => MethodAnswer::Refused,
        };
        if let MethodAnswer::Refused = method {
            diagnostics::preflight_refused(request, "the requested method is not allowed");
            return refused();
        }
        let requested_headers = self.headers.allow(request);
        if let HeadersAnswer::Refused = requested_headers {
            diagnostics::preflight_refused(
                request,
                "a requested header is not allowed, or the list is over the size limit",
            );
            return refused();
        }
        let mut headers = self.preflight_allowed.clone();
        // The placeholder was inserted first, so it is normally the first entry: writing it there
        // saves hashing the name again. Iteration order is not a promise of `http`, hence the check.
        match headers.iter_mut().next() {
            Some((name, value)) if name == ACCESS_CONTROL_ALLOW_ORIGIN => *value = allow_origin,
            _ => {
                headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            }
        }
        if let MethodAnswer::Echo(value) = method {
            headers.insert(ACCESS_CONTROL_ALLOW_METHODS, value);
        }
        if let HeadersAnswer::Echo(value) = requested_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        Preflight {
            allowed: true,
            headers,
        }
    }
}

/// A summary, never the whole allowlist (which can hold thousands of origins).
impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut debug = f.debug_struct("Cors");
        match &inner.origins {
            AllowOrigin::Any => debug.field("origins", &"*"),
            AllowOrigin::List(list) => {
                let (exact, patterns) = list.counts();
                debug.field(
                    "origins",
                    &format_args!("{exact} exact, {patterns} patterns"),
                )
            }
            AllowOrigin::Closed(error) => debug.field("closed", error),
            AllowOrigin::From(source) => debug.field("origins_from", source),
            AllowOrigin::Fn(_) => debug.field("origins", &"origins_fn"),
        };
        debug.field("credentials", &inner.actual.credentials);
        let shown = |value: Option<&HeaderValue>, wildcard: bool| -> String {
            match (value, wildcard) {
                (_, true) => "*".to_owned(),
                (Some(value), false) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
                (None, false) => String::new(),
            }
        };
        debug.field(
            "methods",
            &shown(
                inner.methods.value(),
                matches!(inner.methods, AllowMethods::Any),
            ),
        );
        debug.field(
            "headers",
            &shown(
                inner.headers.value(),
                matches!(inner.headers, AllowHeaders::Any),
            ),
        );
        debug.field(
            "expose_headers",
            &shown(inner.actual.expose.as_ref(), false),
        );
        debug.field(
            "max_age",
            &inner
                .preflight_allowed
                .get(ACCESS_CONTROL_MAX_AGE)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
        );
        debug.finish()
    }
}
