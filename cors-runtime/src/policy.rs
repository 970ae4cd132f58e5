//! The compiled policy and what it decides for one request.

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, GetAll, ORIGIN, VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use std::future::Future;

use crate::allowlist::Allowlist;
use crate::builder::CorsBuilder;
use crate::diagnostics;
use crate::vary;

/// The longest `Access-Control-Request-Headers` looked at, in bytes, and the most names in it. Browsers
/// list only the non-safelisted headers a script set; more than this is refused without being parsed.
const MAX_REQUEST_HEADERS_LEN: usize = 4096;
const MAX_REQUEST_HEADERS_ITEMS: usize = 64;

const VARY_ACTUAL: &[&str] = &["Origin"];
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
#[derive(Clone, Debug)]
pub struct Cors {
    origins: Origins,
    credentials: bool,
    methods: Methods,
    headers: AllowHeaders,
    expose_headers: Option<HeaderValue>,
    /// The headers of an allowed preflight, built once: per request they are cloned and only
    /// `Access-Control-Allow-Origin` (a placeholder here, so the clone never grows) and the echoed
    /// method and headers of `"*"` settings are written.
    preflight_allowed: HeaderMap,
    /// The headers of a refused preflight: only `Vary`.
    preflight_refused: HeaderMap,
}

#[derive(Clone, Debug)]
pub(crate) enum Origins {
    Any,
    List(Box<Allowlist>),
    /// The configuration was invalid: no origin is allowed.
    Closed(Box<crate::ConfigError>),
}

#[derive(Clone, Debug)]
pub(crate) enum Methods {
    Any,
    List {
        methods: Vec<Method>,
        value: Option<HeaderValue>,
    },
}

#[derive(Clone, Debug)]
pub(crate) enum AllowHeaders {
    Any,
    List {
        names: Vec<HeaderName>,
        value: Option<HeaderValue>,
    },
}

impl Origins {
    pub(crate) fn list(entries: &[cors_grammar::Entry]) -> Origins {
        Origins::List(Box::new(Allowlist::new(entries)))
    }
}

impl AllowHeaders {
    pub(crate) fn list(names: Vec<HeaderName>) -> AllowHeaders {
        let value = crate::builder::joined(&names);
        AllowHeaders::List { names, value }
    }
}

/// What a policy decided for one request, from its method and headers alone.
#[derive(Debug)]
pub enum Decision<'a> {
    /// A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`): answer it with
    /// [`Preflight::into_response`] and do not run the handler.
    Preflight(Preflight),
    /// Any other request: run the handler, then [`Actual::apply`] the CORS headers to its response.
    Actual(Actual<'a>),
}

/// The answer to a preflight: `204 No Content` with the CORS headers when allowed, `403 Forbidden`
/// without any `Access-Control-*` header when refused; both with `Vary` and an empty body.
#[derive(Clone, Debug)]
pub struct Preflight {
    allowed: bool,
    headers: HeaderMap,
}

/// The CORS headers to put on the handler's response to an ordinary (non-preflight) request.
#[derive(Clone, Debug)]
pub struct Actual<'a> {
    cors: &'a Cors,
    allow_origin: Option<HeaderValue>,
}

impl Cors {
    /// Starts a policy with the attribute's defaults: any origin, no credentials, methods
    /// `GET, HEAD, PUT, PATCH, POST, DELETE`, request header `content-type`, nothing exposed, no max age.
    pub fn builder() -> CorsBuilder {
        CorsBuilder::default()
    }

    pub(crate) fn new(
        origins: Origins,
        credentials: bool,
        methods: Methods,
        headers: AllowHeaders,
        expose_headers: Option<HeaderValue>,
        max_age: Option<HeaderValue>,
    ) -> Cors {
        let vary = HeaderValue::from_static(match origins {
            Origins::Any => VARY_PREFLIGHT_ANY_ORIGIN,
            Origins::List(_) | Origins::Closed(_) => VARY_PREFLIGHT,
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
        if let Methods::List {
            value: Some(value), ..
        } = &methods
        {
            preflight_allowed.insert(ACCESS_CONTROL_ALLOW_METHODS, value.clone());
        }
        if let AllowHeaders::List {
            value: Some(value), ..
        } = &headers
        {
            preflight_allowed.insert(ACCESS_CONTROL_ALLOW_HEADERS, value.clone());
        }
        if let Some(value) = max_age {
            preflight_allowed.insert(ACCESS_CONTROL_MAX_AGE, value);
        }

        Cors {
            origins,
            credentials,
            methods,
            headers,
            expose_headers,
            preflight_allowed,
            preflight_refused,
        }
    }

    /// A policy that allows nothing: what a policy whose configuration is invalid falls back to.
    pub(crate) fn closed(credentials: bool, error: crate::ConfigError) -> Cors {
        Cors::new(
            Origins::Closed(Box::new(error)),
            credentials,
            Methods::List {
                methods: Vec::new(),
                value: None,
            },
            AllowHeaders::List {
                names: Vec::new(),
                value: None,
            },
            None,
            None,
        )
    }

    /// This policy with every constant header value moved to static memory, for a policy that lives as
    /// long as the process (the one in each `#[cors]` handler's `static`).
    pub(crate) fn leak_values(mut self) -> Cors {
        if let Origins::List(list) = &mut self.origins {
            list.leak_values();
        }
        if let Some(value) = &self.expose_headers {
            self.expose_headers = Some(crate::statics::leak(value));
        }
        for map in [&mut self.preflight_allowed, &mut self.preflight_refused] {
            for (_, value) in map.iter_mut() {
                *value = crate::statics::leak(value);
            }
        }
        self
    }

    /// Whether this policy failed closed because its configuration was invalid.
    pub fn is_closed(&self) -> bool {
        matches!(self.origins, Origins::Closed(_))
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
        match &self.origins {
            Origins::Any => true,
            Origins::List(list) => list.contains(origin),
            Origins::Closed(_) => false,
        }
    }

    /// Decides what to do with `request`. See [`Cors::check_parts`].
    pub fn check<B>(&self, request: &Request<B>) -> Decision<'_> {
        self.check_parts(request.method(), request.headers())
    }

    /// Decides what to do with a request that has this method and these headers.
    ///
    /// It is a preflight exactly when the method is `OPTIONS` and both `Origin` and
    /// `Access-Control-Request-Method` are present; any other `OPTIONS` is an ordinary request.
    pub fn check_parts(&self, method: &Method, headers: &HeaderMap) -> Decision<'_> {
        let is_options = method == Method::OPTIONS;
        // An ordinary request to a `"*"` policy gets the same headers whatever its origin.
        if !is_options && matches!(self.origins, Origins::Any) {
            return Decision::Actual(Actual {
                cors: self,
                allow_origin: Some(HeaderValue::from_static("*")),
            });
        }
        // Each request header is looked up once: a preflight needs three of them, and every lookup
        // hashes the name.
        let origin = headers.get_all(ORIGIN);
        if is_options && origin.iter().next().is_some() {
            let method = headers.get_all(ACCESS_CONTROL_REQUEST_METHOD);
            if method.iter().next().is_some() {
                return Decision::Preflight(self.preflight(origin, method, headers));
            }
        }
        Decision::Actual(Actual {
            cors: self,
            allow_origin: self.allow_origin(origin),
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
        match self.check(&request) {
            Decision::Preflight(preflight) => Ok(preflight.into_response()),
            Decision::Actual(actual) => {
                let mut response = handler(request).await?;
                actual.apply(&mut response);
                Ok(response)
            }
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request with these `Origin` lines, if its origin
    /// is allowed.
    fn allow_origin(&self, origin: GetAll<'_, HeaderValue>) -> Option<HeaderValue> {
        match &self.origins {
            Origins::Any => Some(HeaderValue::from_static("*")),
            Origins::List(list) => match single(origin) {
                Ok(origin) => {
                    let allowed = list.allow(origin);
                    if allowed.is_none() {
                        diagnostics::origin_refused(origin);
                    }
                    allowed
                }
                Err(Lines::None) => None,
                Err(Lines::Several) => {
                    tracing::debug!(
                        "CORS: no CORS headers: the request has more than one Origin header"
                    );
                    None
                }
            },
            Origins::Closed(error) => {
                if origin.iter().next().is_some() {
                    tracing::debug!(%error, "CORS: no CORS headers: the policy failed closed");
                }
                None
            }
        }
    }

    fn preflight(
        &self,
        origin: GetAll<'_, HeaderValue>,
        method: GetAll<'_, HeaderValue>,
        request: &HeaderMap,
    ) -> Preflight {
        let allowed = self.allow_origin(origin).and_then(|origin| {
            let Some(method) = single(method)
                .ok()
                .and_then(|method| self.methods.allow(method))
            else {
                diagnostics::preflight_refused(request, "the requested method is not allowed");
                return None;
            };
            let Some(headers) = self.headers.allow(request) else {
                diagnostics::preflight_refused(
                    request,
                    "a requested header is not allowed, or the list is over the size limit",
                );
                return None;
            };
            Some((origin, method, headers))
        });
        let Some((allow_origin, echo_method, echo_headers)) = allowed else {
            return Preflight {
                allowed: false,
                headers: self.preflight_refused.clone(),
            };
        };
        let mut headers = self.preflight_allowed.clone();
        // The placeholder was inserted first, so it is normally the first entry: writing it there
        // saves hashing the name again. Iteration order is not a promise of `http`, hence the check.
        match headers.iter_mut().next() {
            Some((name, value)) if name == ACCESS_CONTROL_ALLOW_ORIGIN => *value = allow_origin,
            _ => {
                headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            }
        }
        if let Some(value) = echo_method {
            headers.insert(ACCESS_CONTROL_ALLOW_METHODS, value);
        }
        if let Some(value) = echo_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        Preflight {
            allowed: true,
            headers,
        }
    }
}

impl Methods {
    /// `None` when the requested method is refused; otherwise the echoed method for `"*"`
    /// (`Some(None)` for a list, whose value is in the prebuilt headers).
    fn allow(&self, requested: &HeaderValue) -> Option<Option<HeaderValue>> {
        match self {
            Methods::Any => Method::from_bytes(requested.as_bytes())
                .ok()
                .map(|_| Some(requested.clone())),
            Methods::List { methods, .. } => {
                let bytes = requested.as_bytes();
                // CORS-safelisted methods need no `Access-Control-Allow-Methods` from the server.
                let safelisted = matches!(bytes, b"GET" | b"HEAD" | b"POST");
                let allowed = safelisted || methods.iter().any(|m| m.as_str().as_bytes() == bytes);
                allowed.then_some(None)
            }
        }
    }
}

impl AllowHeaders {
    /// `None` when a requested header is refused; otherwise the echoed names for `"*"` (`Some(None)` for
    /// a list, whose value is in the prebuilt headers, or when nothing was requested).
    fn allow(&self, request: &HeaderMap) -> Option<Option<HeaderValue>> {
        let mut total_len = 0;
        let mut count = 0;
        let mut echo: Vec<u8> = Vec::new();
        for (line, value) in request
            .get_all(ACCESS_CONTROL_REQUEST_HEADERS)
            .iter()
            .enumerate()
        {
            total_len += value.len();
            // Empty lines add no length, so their number is bounded on its own.
            if total_len > MAX_REQUEST_HEADERS_LEN || line >= MAX_REQUEST_HEADERS_ITEMS {
                return None;
            }
            for name in value.as_bytes().split(|&b| b == b',') {
                let name = vary::trim(name);
                if name.is_empty() {
                    continue;
                }
                count += 1;
                if count > MAX_REQUEST_HEADERS_ITEMS {
                    return None;
                }
                match self {
                    AllowHeaders::List { names, .. } => {
                        // Browsers send the names lowercased, as `HeaderName` holds them (Fetch's
                        // "CORS-unsafe request-header names"): the exact comparison settles almost
                        // every name without the per-byte case folding.
                        let listed = names.iter().any(|n| {
                            let n = n.as_str().as_bytes();
                            n == name || n.eq_ignore_ascii_case(name)
                        });
                        if !listed {
                            return None;
                        }
                    }
                    AllowHeaders::Any => {
                        let header = HeaderName::from_bytes(name).ok()?;
                        if !echo.is_empty() {
                            echo.extend_from_slice(b", ");
                        }
                        echo.extend_from_slice(header.as_str().as_bytes());
                    }
                }
            }
        }
        match self {
            AllowHeaders::List { .. } => Some(None),
            AllowHeaders::Any if echo.is_empty() => Some(None),
            AllowHeaders::Any => HeaderValue::from_bytes(&echo).ok().map(Some),
        }
    }
}

impl Preflight {
    /// Whether the preflight is allowed (`204`) or refused (`403`).
    pub fn is_allowed(&self) -> bool {
        self.allowed
    }

    /// `204 No Content` when allowed, `403 Forbidden` when refused.
    pub fn status(&self) -> StatusCode {
        if self.allowed {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::FORBIDDEN
        }
    }

    /// The response headers: the CORS headers when allowed, and `Vary` in both cases.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The whole response, with an empty (`Default`) body.
    pub fn into_response<B: Default>(self) -> Response<B> {
        let status = self.status();
        let mut response = Response::new(B::default());
        *response.status_mut() = status;
        *response.headers_mut() = self.headers;
        response
    }
}

impl Actual<'_> {
    /// Whether the request's origin is allowed (always true for an `origins = "*"` policy).
    pub fn is_allowed(&self) -> bool {
        self.allow_origin.is_some()
    }

    /// Puts the policy's CORS headers on `response`. See [`Actual::apply_to_headers`].
    pub fn apply<B>(&self, response: &mut Response<B>) {
        self.apply_to_headers(response.headers_mut());
    }

    /// Puts the policy's CORS headers into a response's headers: any `Access-Control-*` header already
    /// there is removed, `Access-Control-Allow-Origin` (and `-Allow-Credentials`, `-Expose-Headers`) is
    /// set when the origin is allowed, and `Origin` is merged into `Vary` unless the policy is `"*"`.
    pub fn apply_to_headers(&self, headers: &mut HeaderMap) {
        let has_vary = remove_access_control(headers);
        let cors = self.cors;
        if let Some(origin) = &self.allow_origin {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            if cors.credentials {
                headers.insert(
                    ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            if let Some(expose) = &cors.expose_headers {
                headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
            }
        }
        if !matches!(cors.origins, Origins::Any) {
            if has_vary {
                vary::merge(headers, VARY_ACTUAL, &HeaderValue::from_static("Origin"));
            } else {
                headers.insert(VARY, HeaderValue::from_static("Origin"));
            }
        }
    }
}

/// Why a header that must appear exactly once could not be read.
enum Lines {
    None,
    Several,
}

/// The value of a header that must appear exactly once.
fn single(values: GetAll<'_, HeaderValue>) -> Result<&HeaderValue, Lines> {
    let mut values = values.into_iter();
    match (values.next(), values.next()) {
        (Some(value), None) => Ok(value),
        (None, _) => Err(Lines::None),
        (Some(_), Some(_)) => Err(Lines::Several),
    }
}

/// Removes every `Access-Control-*` header the handler set, so the policy's are the only ones, and
/// says whether it set `Vary` (found by the same pass over the names, which saves a lookup when not).
fn remove_access_control(headers: &mut HeaderMap) -> bool {
    let is_cors = |name: &HeaderName| name.as_str().starts_with("access-control-");
    let (mut has_vary, mut has_cors) = (false, false);
    for name in headers.keys() {
        if name == VARY {
            has_vary = true;
        } else if is_cors(name) {
            has_cors = true;
        }
    }
    if has_cors {
        let names: Vec<HeaderName> = headers.keys().filter(|n| is_cors(n)).cloned().collect();
        for name in names {
            headers.remove(name);
        }
    }
    has_vary
}
