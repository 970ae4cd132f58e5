//! Spec-exact CORS for AWS Lambda HTTP handlers.
//!
//! Put [`#[cors(...)]`](macro@cors) on a [`lambda_http`](https://docs.rs/lambda_http) handler and every
//! response it returns carries the CORS headers of the policy you wrote, preflights are answered before
//! your code runs, and a policy browsers would reject (credentials with `*`, a malformed origin, a bad
//! header name) does not compile.
//!
//! ```no_run
//! use cors_runtime::{check_policy, cors};
//! use lambda_http::{run, service_fn, Body, Error, Request, Response};
//!
//! /// Cookies from the frontend origins listed in `ALLOWED_ORIGINS`.
//! #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
//! async fn handler(event: Request) -> Result<Response<Body>, Error> {
//!     Ok(Response::new(Body::from("hello")))
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Error> {
//!     // Fail the cold start, not every request, when ALLOWED_ORIGINS is wrong.
//!     check_policy!(handler)?;
//!     run(service_fn(handler)).await
//! }
//! ```
//!
//! # The two setups this is for
//!
//! A frontend on one origin (an S3 website, say) calls an API on another (API Gateway with Lambda proxy
//! integration, an ALB, or a Function URL). With proxy integration, the function sets the CORS headers.
//!
//! - **A public API, no cookies**: `#[cors]` (the same as `#[cors(origins = "*")]`). Every response gets
//!   `Access-Control-Allow-Origin: *`.
//! - **Cookies or `Authorization`**: `#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]`. The request's
//!   `Origin` is checked against the list in `ALLOWED_ORIGINS` (set at deploy time); an allowed origin is
//!   echoed with `Access-Control-Allow-Credentials: true`, and every response carries `Vary: Origin` so
//!   no cache hands one origin's answer to another.
//!
//! The attribute's keys, what each checks and what it sends, are documented on the attribute:
//! [`macro@cors`].
//!
//! # Without the attribute
//!
//! [`Cors::builder`] builds the same policies at run time, through the same rules (it is what the
//! attribute's expansion calls), and [`Cors::check`] / [`Cors::handle`] answer requests on plain
//! [`http`] types, for any request and response body.
//!
//! # axum, tower and several policies
//!
//! [`policy!`] writes a policy with the attribute's keys, checked at compile time, as a `&'static Cors`;
//! [`CorsLayer`] puts it around an axum `Router`, a route or any tower service, with the attribute's
//! answers. Several policies in one function are several `policy!` layers on their routes, or several
//! annotated handlers called by path from one `service_fn`:
//!
//! ```no_run
//! use cors_runtime::cors;
//! use lambda_http::{run, service_fn, Body, Error, Request, Response};
//!
//! #[cors]
//! async fn public(event: Request) -> Result<Response<Body>, Error> {
//!     Ok(Response::new(Body::from("hello")))
//! }
//!
//! #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
//! async fn account(event: Request) -> Result<Response<Body>, Error> {
//!     Ok(Response::new(Body::from("you")))
//! }
//!
//! /// Each path's handler answers its own preflights with its own policy.
//! async fn route(event: Request) -> Result<Response<Body>, Error> {
//!     if event.uri().path().starts_with("/account") {
//!         account(event).await
//!     } else {
//!         public(event).await
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Error> {
//!     cors_runtime::check_policy!(account)?;
//!     run(service_fn(route)).await
//! }
//! ```
//!
//! # Streaming
//!
//! With `lambda_http::run_with_streaming_response`, the attribute and the layer set the headers on the
//! response head, which lambda_runtime sends as the stream's metadata prelude before the body (each
//! header one string: `Vary` is always one line); the body is never read. A streamed preflight answer
//! has an empty body: see README's AWS caveats for what is reported about Function URLs and empty
//! streamed responses.
//!
//! # Testing
//!
//! [`testing::Env`] runs a test with environment variables only the CORS policies see, so an
//! `origins_env` handler can be unit-tested in edition 2024 without `unsafe` and whatever ran before.
//!
//! # Features
//!
//! - `lambda` (default): `#[cors]` on handlers returning lambda_http's `impl IntoResponse`. Without it,
//!   the crate does not depend on lambda_http, and the attribute works on `http::Request<B>` handlers
//!   returning `Response<B>` or `Result<Response<B>, E>` (`B: Default`).
//! - `tower` (default): [`CorsLayer`], for axum, hyper and any tower stack; it needs no lambda_http
//!   (`default-features = false, features = ["tower"]` for a server without it).

#![doc(html_root_url = "https://docs.rs/cors-runtime/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod allow_headers;
mod allow_methods;
mod allow_origin;
mod allowlist;
mod builder;
mod cors;
mod decision;
mod diagnostics;
mod env;
mod error;
mod expose_headers;
#[cfg(feature = "tower")]
mod layer;
mod max_age;
mod origin;
mod source;
mod statics;
pub mod testing;
mod vary;
#[cfg(feature = "lambda")]
mod websocket;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use builder::CorsBuilder;
pub use cors::Cors;
pub use decision::{Actual, Decision, Preflight};
pub use error::{ConfigError, ConfigErrorKind, Setting};
#[cfg(feature = "tower")]
pub use layer::{CorsLayer, CorsService, ResponseFuture};
pub use origin::Origin;

pub use cors_macro::cors;

/// Builds the policy of a `#[cors]` handler now, and returns the configuration error it failed closed
/// on, if any.
///
/// Only `origins_env` policies can fail at run time (everything else was checked when compiling). Call
/// this at the start of `main` so a bad `ALLOWED_ORIGINS` fails the cold start with a clear error (in
/// the function's logs and error metrics) instead of serving responses without CORS headers. It builds
/// the very policy the handler uses, once per process: the first request then finds it built.
///
/// ```no_run
/// use cors_runtime::{check_policy, cors};
/// use lambda_http::{run, service_fn, Body, Error, Request, Response};
///
/// #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
/// async fn handler(event: Request) -> Result<Response<Body>, Error> {
///     Ok(Response::new(Body::Empty))
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), Error> {
///     check_policy!(handler)?; // Err(ConfigError) when ALLOWED_ORIGINS is unset or invalid
///     run(service_fn(handler)).await
/// }
/// ```
///
/// It calls the handler once with a probe request, which the attribute answers before the handler's
/// body runs. A handler that takes more than the request is checked through a closure that supplies the
/// rest, as `service_fn` calls it:
///
/// ```no_run
/// # use cors_runtime::{check_policy, cors};
/// # use lambda_http::{Body, Error, Request, Response};
/// struct Db;
///
/// #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
/// async fn handler(event: Request, db: &Db) -> Result<Response<Body>, Error> {
///     Ok(Response::new(Body::Empty))
/// }
///
/// # fn main() -> Result<(), Error> {
/// let db = Db;
/// check_policy!(|event| handler(event, &db))?;
/// # Ok(()) }
/// ```
///
/// An [`origins_from`](CorsBuilder::origins_from) policy is loaded by an async function, which a
/// sync check cannot wait for (it returns [`ConfigErrorKind::SourceNotLoaded`]): write
/// `check_policy!(async handler).await?`, which loads the list now (the handler's requests then find it
/// loaded) and returns the load's error. It works for every policy.
///
/// ```no_run
/// use cors_runtime::{check_policy, cors};
/// use lambda_http::{run, service_fn, Body, Error, Request, Response};
///
/// async fn tenant_origins() -> Result<Vec<String>, Error> {
///     Ok(vec!["https://shop.example.com".into()]) // from SSM, AppConfig, a table...
/// }
///
/// #[cors(origins_from = tenant_origins, refresh = 300, credentials)]
/// async fn handler(event: Request) -> Result<Response<Body>, Error> {
///     Ok(Response::new(Body::Empty))
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), Error> {
///     check_policy!(async handler).await?; // Err(ConfigError) when the first load fails
///     run(service_fn(handler)).await
/// }
/// ```
///
/// For a policy written with [`policy!`] (a tower layer's, say), [`Cors::load`] does the same
/// (and [`Cors::load_origins`] the async check):
/// `my_policy().load()?` at the start of `main`.
///
/// # Panics
///
/// If what it is given is not a `#[cors]` handler (or a closure calling one): a programming error, found
/// at the first start.
#[macro_export]
macro_rules! check_policy {
    (async $handler:expr $(,)?) => {
        $crate::__private::check_policy_async($handler)
    };
    ($handler:expr $(,)?) => {
        $crate::__private::check_policy($handler)
    };
}

/// A policy written like `#[cors(...)]`, without a handler: `&'static Cors`, for a tower layer, for
/// [`Cors::check`] in your own service, or for several policies in one function.
///
/// It takes the attribute's keys (documented, with what each checks, on [`macro@cors`]) except
/// `catch_errors`, which needs a handler, and `crate`, which it does not need. The policy is checked when
/// compiling, with the same errors as the attribute, spanned on what is wrong:
///
/// ```compile_fail
/// // error: `"*"` cannot be combined with `credentials`: ...
/// let cors = cors_runtime::policy!(origins = "*", credentials);
/// ```
///
/// Each call site is one `static`, built the first time it is evaluated and kept for the life of the
/// process, as the attribute's policy is. An `origins_env` list is read then: when the variable is unset
/// or invalid, the policy fails closed (no origin allowed, preflights refused) and one `tracing` error
/// says why. Call [`Cors::load`] at the start of `main` to fail the cold start instead, as
/// [`check_policy!`] does for a handler:
///
/// ```no_run
/// use cors_runtime::{policy, Cors};
///
/// fn account_policy() -> &'static Cors {
///     policy!(origins_env = "ALLOWED_ORIGINS", credentials, methods = ["GET", "PUT"])
/// }
///
/// fn main() -> Result<(), cors_runtime::ConfigError> {
///     account_policy().load()?; // Err when ALLOWED_ORIGINS is unset or invalid
///     // ... serve, with `account_policy()` wherever the policy is needed
///     # Ok(())
/// }
/// ```
///
/// The policy answers requests on plain `http` types:
///
/// ```
/// use cors_runtime::{policy, Decision};
///
/// let cors = policy!(origins = ["https://app.example.com"], credentials);
/// let request = http::Request::get("/me").header("origin", "https://app.example.com").body(())?;
/// let Decision::Actual(actual) = cors.check(&request) else { unreachable!() };
/// let mut response = http::Response::new(());
/// actual.apply(&mut response);
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! policy {
    ($($args:tt)*) => {
        $crate::__private::policy!({ $crate } $($args)*)
    };
}

/// `a, b, c` as one header value, or `None` for an empty list.
pub(crate) fn joined(items: &mut dyn Iterator<Item = &str>) -> Option<http::HeaderValue> {
    let mut text = String::new();
    for item in items {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(item);
    }
    // Tokens joined by ", " are always a valid header value; an empty list sends no header.
    if text.is_empty() {
        None
    } else {
        http::HeaderValue::from_str(&text).ok()
    }
}
