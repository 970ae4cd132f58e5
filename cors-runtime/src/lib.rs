//! Spec-exact CORS for AWS Lambda HTTP handlers.
//!
//! Put [`#[cors(...)]`](macro@cors) on a [`lambda_http`] handler and every response it returns carries
//! the CORS headers of the policy you wrote, preflights are answered before your code runs, and a policy
//! browsers would reject (credentials with `*`, a malformed origin, a bad header name) does not compile.
//!
//! ```no_run
//! use cors_runtime::cors;
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
//!     cors_runtime::check_policy!(handler)?;
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
//! # Keys
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `origins = "*"` | any origin, `Access-Control-Allow-Origin: *` | this, when neither `origins` nor `origins_env` is given |
//! | `origins = ["https://app.example.com", "https://*.example.org"]` | these origins and subdomain patterns; literals must be canonical | |
//! | `origins_env = "NAME"` | the list in that environment variable, read once per process | |
//! | `credentials` | allow cookies and `Authorization`; never combined with a wildcard | off |
//! | `methods = ["GET", "POST"]` or `"*"` | methods a preflight may ask for (case-sensitive) | `GET, HEAD, PUT, PATCH, POST, DELETE` |
//! | `headers = ["content-type", "x-api-key"]` or `"*"` | request headers a preflight may ask for | `content-type` |
//! | `expose_headers = ["x-request-id"]` or `"*"` | response headers scripts may read | none |
//! | `max_age = 600` | seconds a browser may cache a preflight answer, `0..=86400` | not sent |
//! | `catch_errors` | a handler `Err` becomes an empty `500` that keeps the CORS headers; the error is logged | off |
//!
//! See the attribute's documentation for what each checks and what it sends, and [`Cors::builder`] for
//! the same policies without the attribute.

#![doc(html_root_url = "https://docs.rs/cors-runtime/0.1.0")]

mod allowlist;
mod builder;
mod diagnostics;
mod error;
mod policy;
mod statics;
mod vary;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use builder::CorsBuilder;
/// The details a [`ConfigError`] carries, from the rules shared with the macro.
pub use cors_grammar::{EntryError, EnvNameError, ListError, TokenError};
pub use error::ConfigError;
pub use policy::{Actual, Cors, Decision, Preflight};

/// Methods allowed when `methods` is not given.
pub const DEFAULT_METHODS: &[&str] = &["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

/// Request headers allowed when `headers` is not given.
pub const DEFAULT_HEADERS: &[&str] = &["content-type"];

pub use cors_macro::{check_policy, cors};
