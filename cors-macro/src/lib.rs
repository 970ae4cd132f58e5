//! The `#[cors]` attribute. Depend on [`cors-runtime`](https://docs.rs/cors-runtime), which re-exports it
//! together with the runtime its expansion calls.
//!
//! The phases are separate modules: `attr` parses the arguments with their spans, `valid` checks them
//! with `cors-grammar` (the rules the runtime also applies to the environment list), `item` reads the
//! function without parsing its body, and `expand` generates the wrapper.

mod attr;
mod errors;
mod exits;
mod expand;
mod item;
mod valid;

use proc_macro::TokenStream;

/// Adds a CORS policy to an `async fn` lambda_http handler.
///
/// ```
/// use cors_runtime::cors;
/// use lambda_http::{Body, Error, Request, Response};
///
/// #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
/// async fn handler(event: Request) -> Result<Response<Body>, Error> {
///     Ok(Response::new(Body::from("hello")))
/// }
/// ```
///
/// The handler keeps its name, signature and behaviour: pass it to `lambda_http::service_fn` as before.
/// What changes:
///
/// - a **preflight** (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered without
///   running the handler: `204 No Content` with the policy's headers when the origin, the method and every
///   requested header are allowed; `403 Forbidden` with no `Access-Control-*` header otherwise;
/// - **every other request** runs the handler, and its response (whatever its status) gets
///   `Access-Control-Allow-Origin` when the origin is allowed, `Access-Control-Allow-Credentials: true`
///   with `credentials`, `Access-Control-Expose-Headers` when configured, and `Origin` merged into `Vary`
///   unless the policy is `"*"`. `Access-Control-*` headers the handler set itself are replaced.
///
/// # Keys
///
/// - `origins = "*"` (the default when neither `origins` nor `origins_env` is given): any origin, answered
///   with `Access-Control-Allow-Origin: *`.
/// - `origins = ["https://app.example.com", "https://*.example.org"]`: exact origins and subdomain patterns.
///   Entries must be written as browsers send them (lowercase, no default port, no trailing `/`, punycode);
///   the compile error shows the canonical form. `https://*.example.org` matches `https://a.example.org`
///   and `https://a.b.example.org`, never `https://example.org` or `https://evilexample.org`.
/// - `origins_env = "ALLOWED_ORIGINS"`: the list is read from that environment variable at the first
///   request (once per process), split on commas and whitespace, and canonicalised. If the variable is
///   unset, empty or has an invalid entry (or is `*` with `credentials`), the policy **fails closed**: no
///   origin is allowed and one error is logged through `tracing`. Call
///   [`check_policy!`](macro@check_policy) in `main` to fail the cold start instead.
/// - `credentials`: allow cookies and `Authorization`. Cannot be combined with any wildcard.
/// - `methods = ["GET", "POST"]` or `methods = "*"`: the methods a preflight may ask for (default
///   `GET, HEAD, PUT, PATCH, POST, DELETE`; case-sensitive). `"*"` echoes the requested method.
/// - `headers = ["content-type", "x-api-key"]` or `headers = "*"`: the request headers a preflight may ask
///   for (default `content-type`). `"*"` echoes the requested names, which also covers `Authorization`.
/// - `expose_headers = ["x-request-id"]` or `expose_headers = "*"`: response headers scripts may read
///   (default none).
/// - `max_age = 600`: seconds a browser may cache the preflight answer, `0..=86400` (default: not sent).
/// - `catch_errors`: a handler's `Err` becomes an empty `500` response that keeps the CORS headers, and
///   the error is logged through `tracing` (never put in the body). Without it an `Err` reaches Lambda,
///   the gateway answers `5xx` without CORS headers and the browser reports a misleading CORS error.
///   It is opt-in because it changes what Lambda sees: the invocation then succeeds, so the function's
///   `Errors` metric and alarms on it no longer count these failures (watch the gateway's 5xx metric or
///   the logged errors instead). Needs `E: Display`.
///
/// # Debugging
///
/// - Set `CORS_MACRO_DEBUG=1` (or `=handler_name`) while compiling to print the expansion to the
///   compiler's standard error; touch the file first, since Cargo does not rebuild for a variable alone.
/// - With a `tracing` subscriber at `debug` level, every request that gets no CORS headers logs why:
///   origin not allowed, malformed `Origin`, method or header refused, or the policy failed closed.
///
/// # Handler shapes
///
/// The first parameter is the request (`lambda_http::Request` or any `http::Request<B>`); more parameters
/// may follow. The return type is `Result<impl IntoResponse, E>` (the `impl IntoResponse` becomes
/// `Response<Body>`), `Result<Response<B>, E>` or `Response<B>` with `B: Default`.
///
/// `return` and `?` in the body behave as without the attribute, and the response still gets the CORS
/// headers. The body runs in place, with each `return` and `?` of its own rewritten as a `break` to the
/// step that adds the headers (those of closures, async blocks and nested functions are theirs and are
/// left alone). A body holding a macro call or an attribute macro, whose expansion is not visible to
/// the attribute and may `return`, runs in an `async` block of its own instead, whose output the headers
/// are added to; that costs a second copy of the request in the handler's future.
///
/// ```
/// use cors_runtime::cors;
/// use lambda_http::{http::StatusCode, Error, IntoResponse, Request};
///
/// struct Db;
///
/// #[cors(origins = ["https://app.example.com"], credentials, methods = ["GET", "POST"], max_age = 600)]
/// pub async fn items(event: Request, db: &Db) -> Result<impl IntoResponse, Error> {
///     Ok((StatusCode::OK, "[]"))
/// }
/// ```
///
/// # Compile-time checks
///
/// Every key and literal is checked when the crate compiles, and all problems are reported at once:
/// `credentials` with a wildcard or with a pattern under a public suffix (`https://*.github.io`, checked
/// against the Public Suffix List), origins that are not canonical or not origins (path, query, userinfo,
/// `null`, misplaced `*`...), invalid method and header names, `max_age` out of range, unknown or repeated
/// keys, `origins` with `origins_env`, invalid variable names, and functions that are not `async` or do
/// not take the request first.
#[proc_macro_attribute]
pub fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::cors(args.into(), item.into()).into()
}

/// Builds the policy of a `#[cors]` handler now, and returns its configuration error, if any.
///
/// Only `origins_env` policies can fail at run time (everything else was checked when compiling). Call
/// this at the start of `main` so a bad `ALLOWED_ORIGINS` fails the cold start with a clear error instead
/// of serving responses without CORS headers. It reads the variable once per process, like the handler.
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
#[proc_macro]
pub fn check_policy(input: TokenStream) -> TokenStream {
    expand::check_policy(input.into()).into()
}
