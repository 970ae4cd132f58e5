//! What a policy decides for one request, and the headers it writes.

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
    VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};

use crate::vary;

/// What a policy decided for one request, from its method and headers alone.
///
/// ```
/// use cors_runtime::{Cors, Decision};
/// use http::{Request, Response};
///
/// let cors = Cors::builder().origins(["https://app.example.com"]).build()?;
/// let request = Request::options("/")
///     .header("origin", "https://app.example.com")
///     .header("access-control-request-method", "PUT")
///     .body(())?;
/// let response: Response<String> = match cors.check(&request) {
///     Decision::Preflight(preflight) => preflight.into_response(),
///     Decision::Actual(actual) => {
///         let mut response = Response::new("handled".to_owned());
///         actual.apply(&mut response);
///         response
///     }
/// };
/// assert_eq!(response.status(), 204);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "a decision adds no header until it is answered (`Preflight::into_response`) or applied \
              (`Actual::apply`)"]
pub enum Decision<'a> {
    /// A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`): answer it with
    /// [`Preflight::into_response`] and do not run the handler.
    Preflight(Preflight),
    /// Any other request: run the handler, then [`Actual::apply`] the CORS headers to its response.
    Actual(Actual<'a>),
}

/// The answer to a preflight: `204 No Content` with the CORS headers when allowed, `403 Forbidden`
/// without any `Access-Control-*` header when refused; both with `Vary` and an empty body.
///
/// ```
/// use cors_runtime::{Cors, Decision};
///
/// let cors = Cors::builder().origins(["https://app.example.com"]).build()?;
/// let request = http::Request::options("/")
///     .header("origin", "https://evil.example")
///     .header("access-control-request-method", "PUT")
///     .body(())?;
/// let Decision::Preflight(preflight) = cors.check(&request) else { unreachable!() };
/// assert!(!preflight.is_allowed());
/// assert_eq!(preflight.status(), 403);
/// assert!(preflight.headers().get("access-control-allow-origin").is_none());
/// assert_eq!(preflight.headers()["vary"], "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a preflight is answered by sending `into_response()`"]
pub struct Preflight {
    pub(crate) allowed: bool,
    pub(crate) headers: HeaderMap,
}

/// The CORS headers to put on the handler's response to an ordinary (non-preflight) request.
///
/// ```
/// use cors_runtime::{Cors, Decision};
/// use http::HeaderMap;
///
/// let cors = Cors::builder().origins(["https://app.example.com"]).credentials().build()?;
/// let request = http::Request::get("/").header("origin", "https://app.example.com").body(())?;
/// let Decision::Actual(actual) = cors.check(&request) else { unreachable!() };
/// assert!(actual.is_allowed());
/// let mut headers = HeaderMap::new();
/// headers.insert("access-control-allow-origin", "*".parse()?); // the handler's own, replaced
/// headers.insert("vary", "Accept-Encoding".parse()?);
/// actual.apply_to_headers(&mut headers);
/// assert_eq!(headers["access-control-allow-origin"], "https://app.example.com");
/// assert_eq!(headers["vary"], "Accept-Encoding, Origin");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "the CORS headers are only added by `apply`"]
pub struct Actual<'a> {
    pub(crate) headers: &'a ActualHeaders,
    pub(crate) allow_origin: Option<HeaderValue>,
}

/// The part of an ordinary response's CORS headers that is the same for every allowed request.
#[derive(Clone, Debug)]
pub(crate) struct ActualHeaders {
    pub(crate) credentials: bool,
    pub(crate) expose: Option<HeaderValue>,
    /// Whether responses vary on `Origin` (every policy but `"*"`).
    pub(crate) varies: bool,
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
        self.headers.write(self.allow_origin.as_ref(), headers);
    }
}

impl ActualHeaders {
    /// The headers of an ordinary response whose origin was allowed with `allow_origin` (or not).
    pub(crate) fn write(&self, allow_origin: Option<&HeaderValue>, headers: &mut HeaderMap) {
        let has_vary = remove_access_control(headers);
        if let Some(origin) = allow_origin {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            if self.credentials {
                headers.insert(
                    ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            if let Some(expose) = &self.expose {
                headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
            }
        }
        if self.varies {
            if has_vary {
                vary::merge(headers, &["Origin"], &HeaderValue::from_static("Origin"));
            } else {
                headers.insert(VARY, HeaderValue::from_static("Origin"));
            }
        }
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
