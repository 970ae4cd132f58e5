//! The handlers and requests the benchmarks (`benches/cors.rs`) and the allocation test
//! (`tests/allocations.rs`) share: one bare handler, the same handler under `#[cors]`, and the
//! alternatives it is measured against (the seed's read-the-env-per-request check and a hand-tuned
//! floor). tower-http's `CorsLayer` is built in the bench itself.

pub mod interleaved;

use std::collections::HashSet;
use std::convert::Infallible;

use cors_runtime::cors;
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, CONTENT_TYPE, ORIGIN, VARY,
};
use http::{HeaderValue, Method};
use lambda_http::{Body, Request, Response};

/// The allowlist sizes measured.
pub const SIZES: [usize; 3] = [1, 100, 10_000];

/// An origin on no list.
pub const DISALLOWED: &str = "https://evil.example.net";

/// A subdomain of the pattern `https://*.example.com`.
pub const PATTERN_MATCH: &str = "https://tenant-42.example.com";

/// The environment variable holding the allowlist of `size` origins (comma-separated, as the seed did).
pub fn env_var(size: usize) -> String {
    format!("CORS_BENCH_ORIGINS_{size}")
}

/// `size` distinct origins of the same length: `https://app00000.example.org`, `https://app00001.example.org`, ...
pub fn origins(size: usize) -> Vec<String> {
    (0..size)
        .map(|i| format!("https://app{i:05}.example.org"))
        .collect()
}

/// The allowed origin the benchmarks send: the last of the list, the worst case for a linear scan.
pub fn allowed(size: usize) -> String {
    format!("https://app{:05}.example.org", size - 1)
}

/// A `GET /items` request, with `Origin: origin` when given.
pub fn get(origin: Option<&str>) -> Request {
    let mut request = Request::new(Body::Empty);
    *request.uri_mut() = http::Uri::from_static("/items");
    if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        request.headers_mut().insert(ORIGIN, origin);
    }
    request
}

/// The preflight a browser sends before a JSON `POST` from `origin`.
pub fn preflight(origin: &str) -> Request {
    let mut request = get(Some(origin));
    *request.method_mut() = Method::OPTIONS;
    let headers = request.headers_mut();
    headers.insert(
        ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("POST"),
    );
    headers.insert(
        ACCESS_CONTROL_REQUEST_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    request
}

#[path = "../../tests/src/block_on.rs"]
mod block_on;
pub use block_on::block_on;

/// The handler without CORS: a small JSON answer, as a minimal real handler would give.
pub async fn bare(_request: Request) -> Result<Response<Body>, Infallible> {
    Ok(json_ok())
}

fn json_ok() -> Response<Body> {
    let mut response = Response::new(Body::Text(String::from(r#"{"ok":true}"#)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// `bare` under `#[cors]` with the list of 1 origin from the environment, with credentials.
#[cors(origins_env = "CORS_BENCH_ORIGINS_1", credentials)]
pub async fn env_1(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// `env_1` with a `?` in its body, as most real handlers have: it leaves the body's own async block,
/// like any other exit.
#[cors(origins_env = "CORS_BENCH_ORIGINS_1", credentials)]
pub async fn env_1_early_exit(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    let built: Result<Response<Body>, Infallible> = Ok(json_ok());
    let response = built?;
    Ok(response)
}

/// `Ok(json_ok())`, as a macro: a stand-in for the macros real handlers call (`serde_json::json!`,
/// `tracing::info!`).
macro_rules! answer {
    () => {
        Ok(json_ok())
    };
}

/// `env_1` whose body is a macro call: a body the attribute treats like any other (it does not look
/// inside bodies), measured to show it costs the same.
#[cors(origins_env = "CORS_BENCH_ORIGINS_1", credentials)]
pub async fn env_1_macro(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    answer!()
}

/// `bare` under `#[cors]` with the list of 100 origins from the environment, with credentials.
#[cors(origins_env = "CORS_BENCH_ORIGINS_100", credentials)]
pub async fn env_100(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// `bare` under `#[cors]` with the list of 10,000 origins from the environment, with credentials.
#[cors(origins_env = "CORS_BENCH_ORIGINS_10000", credentials)]
pub async fn env_10000(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// The same 100 origins as `env_100`, as an `origins_from` source answers them.
pub async fn source_100() -> Result<Vec<String>, Infallible> {
    Ok(origins(100))
}

/// `bare` under `#[cors]` with the 100 origins loaded by `origins_from`, refreshed daily (so no reload
/// falls inside a run), with credentials.
#[cors(origins_from = source_100, refresh = 86_400, credentials)]
pub async fn from_100(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// What a tenant predicate typically does: the host is under one domain of the owner's.
pub fn is_allowed(origin: &cors_runtime::Origin) -> bool {
    origin.scheme() == "https" && origin.host().ends_with(".example.org")
}

/// `bare` under `#[cors]` with the `origins_fn` predicate `is_allowed`, with credentials.
#[cors(origins_fn = is_allowed, credentials)]
pub async fn predicate(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// `bare` under `#[cors]` allowing any origin.
#[cors]
pub async fn star(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// `bare` under `#[cors]` with a subdomain pattern and credentials.
#[cors(origins = ["https://*.example.com"], credentials)]
pub async fn pattern(request: Request) -> Result<Response<Body>, Infallible> {
    let _ = request;
    Ok(json_ok())
}

/// The seed's approach in Rust: read and split the environment variable on every request.
pub async fn seed(request: Request, var: &str) -> Result<Response<Body>, Infallible> {
    let origin = request.headers().get(ORIGIN).cloned();
    let mut response = bare(request).await?;
    let allowed = std::env::var(var).unwrap_or_default();
    if let Some(origin) = origin {
        let listed = origin
            .to_str()
            .is_ok_and(|o| allowed.split(',').any(|entry| entry.trim() == o));
        if listed {
            let headers = response.headers_mut();
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("Origin"));
    Ok(response)
}

/// The hand-tuned floor: a precomputed set, one lookup, the three header writes.
pub struct Floor {
    allowed: HashSet<HeaderValue>,
}

impl Floor {
    /// Indexes `origins`.
    pub fn new(origins: &[String]) -> Floor {
        let allowed = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        Floor { allowed }
    }

    /// `bare` with the allowed origin echoed.
    pub async fn handle(&self, request: Request) -> Result<Response<Body>, Infallible> {
        let origin = request
            .headers()
            .get(ORIGIN)
            .and_then(|o| self.allowed.get(o))
            .cloned();
        let mut response = bare(request).await?;
        let headers = response.headers_mut();
        if let Some(origin) = origin {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        headers.insert(VARY, HeaderValue::from_static("Origin"));
        Ok(response)
    }
}
