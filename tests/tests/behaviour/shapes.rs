//! Every handler shape the attribute accepts, compiled here (so the workspace's lints and clippy check
//! the expansion) and called as without the attribute: `service_fn` with lambda_http's own bounds, direct
//! calls, closures handing in state, plain `http` types, associated functions, `check_policy!` through
//! module paths, generics, `where` clauses, `impl Trait` arguments, other attributes and `cfg`.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use cors_runtime::{check_policy, cors};
use cors_tests::block_on;
use lambda_http::http::StatusCode;
use lambda_http::lambda_runtime::Diagnostic;
use lambda_http::{Body, Error, IntoResponse, Request, RequestExt, Response, Service, service_fn};
use serde_json::json;

const APP: &str = "https://app.example.com";

/// Exactly the bounds `lambda_http::run` puts on its service.
fn runnable<S, R, E>(_service: S)
where
    S: Service<Request, Response = R, Error = E>,
    S::Future: Send + 'static,
    R: IntoResponse,
    E: fmt::Debug + Into<Diagnostic>,
{
}

fn request(method: &str, uri: &str) -> Request {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("origin", APP)
        .body(Body::Empty)
        .unwrap_or_default()
}

fn preflight_to(uri: &str, method: &str) -> Request {
    http::Request::options(uri)
        .header("origin", APP)
        .header("access-control-request-method", method)
        .body(Body::Empty)
        .unwrap_or_default()
}

async fn converted(value: impl IntoResponse) -> Response<Body> {
    value.into_response().await
}

#[derive(Debug)]
struct ApiError(String);

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ApiError> for Diagnostic {
    fn from(error: ApiError) -> Diagnostic {
        Diagnostic {
            error_type: "ApiError".to_owned(),
            error_message: error.0,
        }
    }
}

// ---------------------------------------------------------------------------
// `Result<Response<Body>, E>` and `Result<impl IntoResponse, E>`, as services
// ---------------------------------------------------------------------------

#[cors(origins = ["https://app.example.com"], credentials)]
async fn readme(event: Request) -> Result<Response<Body>, Error> {
    let path = event.uri().path().to_owned();
    Ok(Response::new(Body::from(path)))
}

#[cors]
async fn static_str(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("hello")
}

#[cors(origins = ["https://app.example.com"])]
async fn string(event: Request) -> Result<impl IntoResponse, ApiError> {
    Ok(format!("{} {}", event.method(), event.uri().path()))
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn json_value(_event: Request) -> Result<impl IntoResponse, ApiError> {
    Ok(json!({ "items": [] }))
}

#[cors(origins = "*")]
async fn status_and_body(event: Request) -> Result<impl IntoResponse, ApiError> {
    if event.uri().path() == "/missing" {
        return Ok((StatusCode::NOT_FOUND, json!({ "error": "not found" })));
    }
    Ok((StatusCode::CREATED, json!({ "id": 1 })))
}

#[cors]
async fn failing(_event: Request) -> Result<impl IntoResponse, ApiError> {
    Err::<&str, _>(ApiError("down".to_owned()))
}

/// A bare `impl IntoResponse` (lambda_http's own `service_fn` wants a `Result`, so it is called here).
#[cors(origins = ["https://app.example.com"])]
async fn bare(_event: Request) -> impl IntoResponse {
    (StatusCode::ACCEPTED, "bare")
}

#[tokio::test]
async fn the_signature_is_kept_so_the_handler_is_still_a_service() {
    runnable(service_fn(readme));
    runnable(service_fn(static_str));
    runnable(service_fn(string));
    runnable(service_fn(json_value));
    runnable(service_fn(status_and_body));
    runnable(service_fn(failing));

    let response = converted(
        string(request("GET", "/x"))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(response.body().as_ref(), b"GET /x");
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    let response = converted(
        status_and_body(request("GET", "/missing"))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(failing(request("GET", "/")).await.is_err());
    let response = converted(bare(request("GET", "/")).await).await;
    assert_eq!(
        (response.status(), response.body().as_ref()),
        (StatusCode::ACCEPTED, &b"bare"[..])
    );
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    let response = converted(bare(preflight_to("/", "PUT")).await).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

// ---------------------------------------------------------------------------
// Parameters after the request, request patterns
// ---------------------------------------------------------------------------

struct Db {
    greeting: String,
}

struct Config {
    verbose: bool,
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn with_state(event: Request, db: &Db) -> Result<Response<Body>, Error> {
    let _ = event.uri();
    Ok(Response::new(Body::from(db.greeting.clone())))
}

#[cors]
async fn owned_state(
    _event: Request,
    db: Arc<Db>,
    config: &Config,
) -> Result<impl IntoResponse, Error> {
    Ok(if config.verbose {
        db.greeting.clone()
    } else {
        String::new()
    })
}

#[cors(origins = ["https://app.example.com"])]
async fn mutable(mut event: Request) -> Result<Response<Body>, Error> {
    event.headers_mut().remove("cookie");
    let body = std::mem::take(event.body_mut());
    Ok(Response::new(body))
}

#[cors]
async fn ignored(_: Request) -> Result<impl IntoResponse, Error> {
    Ok("ignored")
}

#[cors]
async fn underscore_name(_event: Request, _: u8) -> Result<impl IntoResponse, Error> {
    Ok("ignored")
}

#[cors]
async fn reference_pattern(ref event: Request) -> Result<impl IntoResponse, Error> {
    Ok(event
        .query_string_parameters()
        .first("q")
        .unwrap_or("none")
        .to_owned())
}

#[tokio::test]
async fn parameters_after_the_request_and_any_request_pattern() {
    // `lambda_http::run` takes a service whose future is `'static` for the life of the process: state
    // handed in by reference lives as long, as `main`'s would.
    let db: &'static Db = Box::leak(Box::new(Db {
        greeting: "hello".to_owned(),
    }));
    runnable(service_fn(move |event| with_state(event, db)));
    let shared = Arc::new(Db {
        greeting: "hi".to_owned(),
    });
    let config: &'static Config = Box::leak(Box::new(Config { verbose: true }));
    runnable(service_fn(move |event| {
        owned_state(event, Arc::clone(&shared), config)
    }));

    let response = with_state(request("GET", "/"), db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.body().as_ref(), b"hello");
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );

    let payload = http::Request::post("/")
        .header("origin", APP)
        .body(Body::from("payload"))
        .unwrap_or_default();
    let response = mutable(payload).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.body().as_ref(), b"payload");
    assert!(ignored(Request::default()).await.is_ok());
    assert!(underscore_name(Request::default(), 1).await.is_ok());
    // The request of `_`, `ref` patterns is still decided on: a preflight is still answered.
    let answer = converted(
        ignored(preflight_to("/", "GET"))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let answer = converted(
        reference_pattern(preflight_to("/", "GET"))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
}

// ---------------------------------------------------------------------------
// Plain `http` types, any body type with a `Default`
// ---------------------------------------------------------------------------

/// A body type of the user's own.
#[derive(Debug, Default, PartialEq)]
struct Bytes(Vec<u8>);

#[derive(Debug)]
struct NotFound;

#[cors(origins = ["https://app.example.com"])]
async fn plain(request: http::Request<String>) -> http::Response<String> {
    http::Response::new(request.into_body())
}

#[cors(origins = ["https://app.example.com"], methods = ["GET", "PUT"])]
async fn fallible(request: http::Request<Bytes>) -> Result<http::Response<Bytes>, NotFound> {
    if request.uri().path() != "/file" {
        return Err(NotFound);
    }
    Ok(http::Response::new(request.into_body()))
}

#[cors(headers = "*")]
async fn infallible(_request: http::Request<()>) -> Result<http::Response<String>, Infallible> {
    Ok(http::Response::builder()
        .status(StatusCode::ACCEPTED)
        .body("accepted".to_owned())
        .unwrap_or_default())
}

#[tokio::test]
async fn plain_http_requests_and_responses_with_any_default_body() {
    let request = http::Request::post("/")
        .header("origin", APP)
        .body("hello".to_owned())
        .unwrap_or_default();
    let response = plain(request).await;
    assert_eq!(response.body(), "hello");
    assert_eq!(response.headers()["access-control-allow-origin"], APP);

    // A preflight is answered with the body type's `Default`, without running the handler.
    let preflight = http::Request::options("/file")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(Bytes(b"ignored".to_vec()))
        .unwrap_or_default();
    let response = fallible(preflight)
        .await
        .unwrap_or_else(|NotFound| panic!("answered"));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.body(), &Bytes::default());

    let missing = http::Request::get("/other")
        .body(Bytes::default())
        .unwrap_or_default();
    assert!(matches!(fallible(missing).await, Err(NotFound)));

    let response = infallible(http::Request::new(()))
        .await
        .unwrap_or_else(|e| match e {});
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
}

// ---------------------------------------------------------------------------
// Visibility, docs, attributes, generics, `where`, `impl Trait`, `cfg`
// ---------------------------------------------------------------------------

/// Documented, public, inlined.
#[inline]
#[cors(origins = ["https://app.example.com"])]
pub(crate) async fn documented(event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from(event.uri().path().to_owned())))
}

#[cors]
/// Attributes after `#[cors]` are kept too.
#[must_use = "a response does nothing unless returned"]
pub(crate) async fn after(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("after")
}

/// Generic over the body and a greeting, with a `where` clause.
#[cors(origins = ["https://app.example.com"], credentials)]
async fn generic<B, G: fmt::Display + Send>(
    request: http::Request<B>,
    greeting: G,
) -> Result<http::Response<String>, Error>
where
    B: AsRef<[u8]> + Send,
{
    let length = request.body().as_ref().len();
    Ok(http::Response::new(format!("{greeting}: {length} bytes")))
}

/// `impl Trait` in the request's type.
#[cors]
async fn impl_body(request: http::Request<impl AsRef<[u8]> + Send>) -> http::Response<String> {
    http::Response::new(request.body().as_ref().len().to_string())
}

/// Bounds besides `IntoResponse` on the `impl Trait`, with a lifetime of the handler.
#[cors]
async fn borrowed<'a>(
    _event: Request,
    name: &'a str,
) -> Result<impl IntoResponse + Send + 'a, Error> {
    Ok(name)
}

#[cfg(unix)]
#[cors]
async fn unix_only(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("unix")
}

#[cfg(not(unix))]
#[cors]
async fn unix_only(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("other")
}

#[cfg_attr(unix, doc = "A doc comment added by `cfg_attr`.")]
#[cors]
async fn conditional_doc(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("doc")
}

#[tokio::test]
async fn generics_where_clauses_impl_trait_and_other_attributes() -> Result<(), Error> {
    documented(Request::default()).await?;
    let _must_use = after(Request::default()).await?;
    let response = generic(http::Request::new(b"body".to_vec()), "hello").await?;
    assert_eq!(response.body(), "hello: 4 bytes");
    generic::<&str, u32>(http::Request::new("body"), 7).await?;
    let response = converted(borrowed(request("GET", "/"), "name").await?).await;
    assert_eq!(response.body().as_ref(), b"name");
    assert_eq!(impl_body(http::Request::new("body")).await.body(), "4");
    unix_only(Request::default()).await?;
    conditional_doc(Request::default()).await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// `Send` futures, diverging bodies
// ---------------------------------------------------------------------------

#[cors(origins = ["https://app.example.com"], credentials)]
async fn yields(_event: Request) -> Result<Response<Body>, Error> {
    tokio::task::yield_now().await;
    Ok(Response::new(Body::Empty))
}

#[cors(origins_env = "CORS_TESTS_SHAPES_SEND_ORIGINS")]
async fn yields_opaque(_event: Request) -> Result<impl IntoResponse, Error> {
    tokio::task::yield_now().await;
    Ok(json!({ "ok": true }))
}

#[cors]
async fn yields_generic<B: Send + 'static>(request: http::Request<B>) -> http::Response<String> {
    tokio::task::yield_now().await;
    drop(request);
    http::Response::new(String::new())
}

#[tokio::test]
async fn the_futures_are_send_and_can_be_spawned() {
    let a = tokio::spawn(yields(Request::default()));
    let b = tokio::spawn(yields_opaque(Request::default()));
    let c = tokio::spawn(yields_generic(http::Request::new(())));
    assert!(a.await.is_ok_and(|r| r.is_ok()));
    assert!(b.await.is_ok_and(|r| r.is_ok()));
    assert!(c.await.is_ok_and(|r| r.status() == 200));
}

#[cors(origins = ["https://app.example.com"])]
async fn exits(_event: Request) -> Result<Response<Body>, Error> {
    std::process::exit(3)
}

#[cors(origins = ["https://app.example.com"])]
async fn spins(_event: Request) -> Response<Body> {
    loop {
        std::hint::spin_loop();
    }
}

#[test]
fn diverging_bodies_compile_without_warnings() {
    // Only compiled (clippy and the workspace lints deny warnings here): running either never returns.
    let _ = exits;
    let _ = spins;
}

// ---------------------------------------------------------------------------
// `check_policy!` through paths, closures and associated functions
// ---------------------------------------------------------------------------

mod api {
    pub(crate) mod v1 {
        use cors_runtime::cors;
        use lambda_http::{Body, Error, Request, Response};

        #[cors(origins = ["https://app.example.com"], credentials)]
        pub(crate) async fn handler(_event: Request) -> Result<Response<Body>, Error> {
            Ok(Response::new(Body::Empty))
        }
    }

    #[cors_runtime::cors(origins_env = "CORS_TESTS_SHAPES_MODULE_ORIGINS")]
    pub(crate) async fn from_env(
        _event: lambda_http::Request,
    ) -> Result<impl lambda_http::IntoResponse, lambda_http::Error> {
        Ok("env")
    }

    pub(crate) struct Api;

    impl Api {
        #[cors_runtime::cors(origins_env = "CORS_TESTS_SHAPES_API_ORIGINS", credentials)]
        pub(crate) async fn handle(
            _event: lambda_http::Request,
            _api: &Api,
        ) -> Result<lambda_http::Response<lambda_http::Body>, lambda_http::Error> {
            Ok(lambda_http::Response::new(lambda_http::Body::Empty))
        }
    }
}

#[test]
fn check_policy_reaches_handlers_through_paths_closures_and_impls() {
    assert_eq!(check_policy!(api::v1::handler), Ok(()));
    assert_eq!(check_policy!(crate::shapes::api::v1::handler), Ok(()));
    assert!(check_policy!(self::api::from_env).is_err());
    let api = api::Api;
    let error = check_policy!(|event| api::Api::handle(event, &api));
    assert_eq!(
        error
            .err()
            .and_then(|e| e.var().map(str::to_owned))
            .as_deref(),
        Some("CORS_TESTS_SHAPES_API_ORIGINS")
    );
    let env = cors_runtime::testing::Env::new().set("CORS_TESTS_SHAPES_API_ORIGINS", APP);
    assert_eq!(
        env.scope_sync(|| check_policy!(|event| api::Api::handle(event, &api))),
        Ok(())
    );
}

/// Not a `#[cors]` handler.
async fn plain_handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[test]
#[should_panic(expected = "not a `#[cors]` handler")]
fn check_policy_on_a_plain_function_is_a_clear_panic() {
    let _ = check_policy!(plain_handler);
}

// ---------------------------------------------------------------------------
// Every key at once
// ---------------------------------------------------------------------------

#[cors(
    origins = ["https://app.example.com", "https://*.example.org", "http://localhost:3000"],
    methods = ["GET", "POST", "PATCH"],
    headers = ["content-type", "authorization", "x-api-key"],
    expose_headers = ["x-request-id"],
    max_age = 600,
    credentials,
)]
async fn everything(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(
    origins = "*",
    methods = "*",
    headers = "*",
    expose_headers = "*",
    max_age = 0
)]
async fn wildcards(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(origins = ["http://[::1]:8080", "https://*.example.com:8443"], max_age = 86400)]
async fn limits(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(origins = ["https://*.github.io"])]
async fn public_suffix_without_credentials(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(crate = "::cors_runtime", origins = ["https://app.example.com"])]
async fn crate_path(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

mod renamed {
    //! A framework that re-exports the runtime under another name.
    pub(crate) use cors_runtime as cors_reexported;
}

#[cors(crate = "crate::shapes::renamed::cors_reexported")]
async fn reexported(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[tokio::test]
async fn every_key_at_once() -> Result<(), Error> {
    let preflight = http::Request::options("/")
        .header("origin", "https://api.example.org")
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "x-api-key")
        .body(Body::Empty)?;
    let response = everything(preflight).await?;
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://api.example.org"
    );
    assert_eq!(headers["access-control-allow-credentials"], "true");
    assert_eq!(headers["access-control-allow-methods"], "GET, POST, PATCH");
    assert_eq!(headers["access-control-max-age"], "600");
    let response = wildcards(preflight_to("/", "PURGE")).await?;
    assert_eq!(response.headers()["access-control-allow-methods"], "PURGE");
    assert_eq!(response.headers()["access-control-max-age"], "0");
    let response = limits(request("GET", "/")).await?;
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let response = public_suffix_without_credentials(
        http::Request::get("/")
            .header("origin", "https://me.github.io")
            .body(Body::Empty)?,
    )
    .await?;
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://me.github.io"
    );
    let response = crate_path(request("GET", "/")).await?;
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    let response = reexported(request("GET", "/")).await?;
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    for result in [
        check_policy!(everything),
        check_policy!(wildcards),
        check_policy!(limits),
        check_policy!(reexported),
    ] {
        assert_eq!(result, Ok(()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Lints on the user's code fire as without the attribute (an unfulfilled `#[expect]` is itself a
// warning, which CI's `clippy -D warnings` turns into a failure)
// ---------------------------------------------------------------------------

#[cors(origins = ["https://app.example.com"])]
#[expect(
    unused_variables,
    reason = "the request is never read, as the lint says"
)]
async fn unread_request(event: Request, count: u8) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

mod private {
    use cors_runtime::cors;
    use lambda_http::{Body, Error, Request, Response};

    #[expect(
        unreachable_pub,
        reason = "a `pub` handler in a private module, as the lint says"
    )]
    #[cors(origins = ["https://app.example.com"])]
    pub async fn unreachable(_event: Request) -> Result<Response<Body>, Error> {
        Ok(Response::new(Body::Empty))
    }
}

#[test]
fn lint_expectations_on_the_users_code_are_fulfilled() {
    assert!(block_on(unread_request(Request::default(), 1)).is_ok());
    assert!(block_on(private::unreachable(Request::default())).is_ok());
}
