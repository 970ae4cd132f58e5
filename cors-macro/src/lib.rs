//! The `#[cors]` attribute. Depend on [`cors-runtime`](https://docs.rs/cors-runtime), which re-exports it
//! together with the runtime its expansion calls.
//!
//! The phases are separate modules: `attr` parses the arguments with their spans, `valid` checks them
//! with `cors-grammar` (the rules the runtime's builder also applies), `item` reads the function without
//! parsing its body, and `expand` generates the wrapper, which builds its policy with the runtime's
//! public builder.

mod attr;
mod errors;
mod expand;
mod item;
mod policy;
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
/// The handler keeps its name, signature and behaviour: pass it to `lambda_http::service_fn` as before,
/// call it from unit tests, put it in a trait `impl`. What changes:
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
/// | key | meaning | default |
/// |---|---|---|
/// | `origins = "*"` | any origin: `Access-Control-Allow-Origin: *` | when no origin key is given |
/// | `origins = ["https://app.example.com", "https://*.example.org"]` | exact origins and subdomain patterns, written as browsers send them | |
/// | `origins_env = "ALLOWED_ORIGINS"` | the list is read from that variable when the policy is first used | |
/// | `origins_from = load_origins` | the list is loaded by `async fn load_origins() -> Result<I, E>` (`I: IntoIterator<Item: AsRef<str>>`, `E: Display`, a `Send` future) at first use | |
/// | `refresh = 300` | with `origins_from`: the first request after the list is that many seconds old (`1..=86400`) loads it again | loaded once |
/// | `origins_fn = is_allowed` | `fn is_allowed(origin: &cors_runtime::Origin) -> bool` decides, on the parsed origin | |
/// | `credentials` | allow cookies / `Authorization`: `Access-Control-Allow-Credentials: true` | off |
/// | `methods = ["GET", "POST"]` or `"*"` | methods a preflight may ask for (case-sensitive); `"*"` echoes the request | `GET, HEAD, PUT, PATCH, POST, DELETE` |
/// | `headers = ["content-type", "x-api-key"]` or `"*"` | request headers a preflight may ask for (case-insensitive); `"*"` echoes the requested names, `authorization` included | `content-type` |
/// | `expose_headers = ["x-request-id"]` or `"*"` | response headers scripts may read | none |
/// | `max_age = 600` | seconds a browser may cache a preflight answer, `0..=86400` (Chromium caps at 7200, WebKit at 600) | not sent |
/// | `catch_errors` | a handler `Err` becomes an empty `500` that keeps the CORS headers (the error is logged through `tracing`) | off |
/// | `catch_errors = to_response` | a handler `Err` becomes `to_response(error)`, with the CORS headers (the error is logged) | off |
/// | `crate = "path"` | where `cors_runtime` is, when it is renamed or re-exported by another crate | `cors_runtime` |
///
/// - `origins = [...]`: entries must be written as browsers send them (lowercase, no default port, no
///   trailing `/`, punycode); the compile error shows the canonical form. `https://*.example.org` matches
///   `https://a.example.org` and `https://a.b.example.org` (same scheme and port), never
///   `https://example.org`, `https://evilexample.org` or `https://example.org.evil.net`.
/// - `origins_env`: the list is split on commas and ASCII whitespace and each entry canonicalised; exactly
///   `*` means any origin. If the variable is unset, empty or has an invalid entry (or is `*` with
///   `credentials`), the policy **fails closed**: no origin is allowed and one error is logged through
///   `tracing`. Call [`check_policy!`](https://docs.rs/cors-runtime/latest/cors_runtime/macro.check_policy.html) in `main` to fail the cold start instead.
/// - `origins`, `origins_env`, `origins_from` and `origins_fn` are four ways to give the origins: use one.
/// - `origins_from`: for lists that outgrow the environment (Lambda's 4 KB for all variables) or live
///   elsewhere (SSM Parameter Store, AppConfig, a table of tenants). Requests that arrive during the
///   first load wait for it (at most 5 seconds); a failed first load leaves the policy closed and is
///   tried again by a request 1 s later, then 2, 4, ... up to 60 s apart. With `refresh`, requests during
///   a reload use the last good list, and a failed reload keeps it (tried again after `refresh` or 30 s,
///   whichever is shorter). An invalid entry in an answer is skipped with a warning and the rest is used;
///   an answer with no usable entry fails. Call `check_policy!(async handler).await?` in `main` to load it
///   at cold start. The full rules are on `CorsBuilder::origins_from`.
/// - `origins_fn`: the predicate only sees origins exactly as a browser serialises them (a malformed,
///   `null`, joined, repeated or non-canonical `Origin` is refused first), parsed into scheme, host and
///   port, so `host == "example.com" || host.ends_with(".example.com")` cannot be fooled by
///   `evilexample.com` or `example.com.evil.net` as a test on the header's text can. With
///   `credentials`, every origin it says yes to reads your users' data with their cookies.
/// - `credentials` cannot be combined with any `"*"`, with the default origins, or with a pattern under a
///   public suffix (`https://*.github.io`: anyone can register a name there).
/// - `catch_errors`: without it, an `Err` reaches Lambda, the gateway answers `5xx` without CORS headers
///   and the browser reports a misleading CORS error. It is opt-in because it changes what Lambda sees:
///   the invocation then succeeds, so the function's `Errors` metric and alarms on it no longer count
///   these failures (watch the gateway's 5xx metric or the logged errors instead). Needs `E: Display`.
///   With a function, its signature is `fn(E) -> Response<B>` for a `Result<Response<B>, E>` handler and
///   `fn(E) -> impl IntoResponse` for a `Result<impl IntoResponse, E>` one:
///
/// ```
/// use cors_runtime::cors;
/// use lambda_http::{Body, Request, Response, http::StatusCode};
///
/// #[derive(Debug)]
/// enum ApiError { NotFound, Unauthorized }
///
/// impl std::fmt::Display for ApiError {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         write!(f, "{self:?}")
///     }
/// }
///
/// fn to_response(error: ApiError) -> Response<Body> {
///     let status = match error {
///         ApiError::NotFound => StatusCode::NOT_FOUND,
///         ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
///     };
///     let mut response = Response::new(Body::from(format!("{{\"error\":\"{error}\"}}")));
///     *response.status_mut() = status;
///     response
/// }
///
/// #[cors(origins = ["https://app.example.com"], credentials, catch_errors = to_response)]
/// async fn me(event: Request) -> Result<Response<Body>, ApiError> {
///     Err(ApiError::Unauthorized)
/// }
/// ```
///
/// # Handler shapes
///
/// The first parameter is the request (`lambda_http::Request` or any `http::Request<B>`); more parameters
/// may follow. The return type is `Result<impl IntoResponse, E>` (or an alias of that shape, such as
/// `anyhow::Result<impl IntoResponse>`), `impl IntoResponse`, `Result<Response<B>, E>` or `Response<B>`
/// with `B: Default`. The `impl IntoResponse` shapes need cors-runtime's `lambda` feature (on by
/// default). `pub`, docs, other attributes, generics, `where` clauses and `impl Trait` arguments are kept.
///
/// The body runs as written, in an `async` block of its own (as with `#[tracing::instrument]`): its
/// `return`s and `?`s behave as without the attribute, and whatever it produces gets the headers. An
/// `impl IntoResponse` value is not converted by the attribute: lambda_http converts it once, as it
/// would without the attribute, and the headers are added to the result.
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
/// `credentials` with a wildcard or with a pattern under a public suffix (checked against the Public
/// Suffix List), origins that are not canonical or not origins (path, query, userinfo, `null`, misplaced
/// `*`...), invalid or repeated method and header names, repeated origins, `max_age` out of range,
/// unknown or repeated keys, two origin keys, `refresh` without `origins_from` or out of range, invalid
/// variable names, `origins_from` and `origins_fn` functions of the wrong type, and functions that are
/// not `async` or do not take the request first. The rules are `cors-grammar`'s, the same the runtime's
/// builder applies.
///
/// # Debugging
///
/// - Set `CORS_MACRO_DEBUG=1` (or `=handler_name`) while compiling to print the expansion to the
///   compiler's standard error; touch the file first, since Cargo does not rebuild for a variable alone.
/// - With a `tracing` subscriber at `debug` level, every request that gets no CORS headers logs why:
///   origin not allowed, malformed `Origin`, method or header refused, or the policy failed closed.
#[proc_macro_attribute]
pub fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::cors(args.into(), item.into()).into()
}

/// The implementation of `cors_runtime::policy!`, which passes it the path of `cors_runtime`. Call that
/// macro instead: this one's input format is not public.
#[doc(hidden)]
#[proc_macro]
pub fn policy(input: TokenStream) -> TokenStream {
    policy::policy(input.into()).into()
}
