//! Helpers shared by the behaviour tests: building browser calls, running a handler through every
//! [`Source`], reading the CORS headers of a [`Reply`], and re-running a test in a child process with
//! environment variables set (for `origins_env`).
//!
//! Each test binary uses only some of these, hence the `dead_code` allowance below.

// Test support: a failed unwrap/expect here is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Every test file `mod common;`s this module but uses only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt::Debug;
use std::future::Future;
use std::process::Command;

use cors_tests::{Call, Reply, Source, invoke};
use lambda_http::{IntoResponse, Request, service_fn};

pub(crate) const ACAO: &str = "access-control-allow-origin";
pub(crate) const ACAC: &str = "access-control-allow-credentials";
pub(crate) const ACAM: &str = "access-control-allow-methods";
pub(crate) const ACAH: &str = "access-control-allow-headers";
pub(crate) const ACEH: &str = "access-control-expose-headers";
pub(crate) const ACMA: &str = "access-control-max-age";

/// `Vary` of an ordinary response of a policy that depends on the origin.
pub(crate) const VARY_ORIGIN: &[&str] = &["Origin"];
/// `Vary` of a preflight response of an allowlist policy.
pub(crate) const VARY_PREFLIGHT: &[&str] = &[
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
];
/// `Vary` of a preflight response of the `"*"` policy.
pub(crate) const VARY_PREFLIGHT_ANY: &[&str] = &[
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
];

/// A `GET /items` as a page's `fetch` sends it, with `Origin` when given.
pub(crate) fn get(origin: Option<&str>) -> Call {
    with_origin(Call::new("GET", "/items"), origin)
}

/// A request with this method to `/items`, with `Origin` when given.
pub(crate) fn request(method: &str, origin: Option<&str>) -> Call {
    with_origin(Call::new(method, "/items"), origin)
}

/// A CORS preflight as a browser sends it: `OPTIONS` with `Origin`, `Access-Control-Request-Method`
/// and, when given, `Access-Control-Request-Headers`.
pub(crate) fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Call {
    let call = Call::new("OPTIONS", "/items")
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method);
    match headers {
        Some(headers) => call.header("Access-Control-Request-Headers", headers),
        None => call,
    }
}

fn with_origin(call: Call, origin: Option<&str>) -> Call {
    match origin {
        Some(origin) => call.header("Origin", origin),
        None => call,
    }
}

/// Runs `handler` (anything `service_fn` takes) on the `source` event for `call`, through
/// `lambda_http`'s own parsing and `Adapter`, and returns what the browser receives.
///
/// # Panics
///
/// If the handler returns an error.
pub(crate) async fn send<H, Fut, R, E>(handler: H, source: Source, call: &Call) -> Reply
where
    H: FnMut(Request) -> Fut,
    Fut: Future<Output = Result<R, E>> + Send,
    R: IntoResponse,
    E: Debug,
{
    invoke(service_fn(handler), source, call)
        .await
        .unwrap_or_else(|error| panic!("{source}: the handler failed: {error:?}"))
}

/// [`send`] through every [`Source`], in [`Source::ALL`] order.
pub(crate) async fn send_all<H, Fut, R, E>(handler: H, call: &Call) -> Vec<Reply>
where
    H: FnMut(Request) -> Fut + Copy,
    Fut: Future<Output = Result<R, E>> + Send,
    R: IntoResponse,
    E: Debug,
{
    let mut replies = Vec::with_capacity(Source::ALL.len());
    for source in Source::ALL {
        replies.push(send(handler, source, call).await);
    }
    replies
}

/// Every header line the browser receives whose name starts with `access-control-`, as
/// `(lower-case name, value)`.
pub(crate) fn access_control(reply: &Reply) -> Vec<(String, String)> {
    reply
        .headers()
        .iter()
        .filter(|(name, _)| name.starts_with("access-control-"))
        .cloned()
        .collect()
}

/// The `Vary` tokens the browser (or a cache) receives, over every `Vary` line.
pub(crate) fn vary_tokens(reply: &Reply) -> Vec<String> {
    reply
        .header_values("vary")
        .iter()
        .flat_map(|line| line.split(','))
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .collect()
}

/// `Vary` arrives as exactly one line, which holds each of `tokens` exactly once (case-insensitive).
pub(crate) fn assert_varies_on(reply: &Reply, tokens: &[&str]) {
    let source = reply.source;
    let lines = reply.header_values("vary");
    assert_eq!(lines.len(), 1, "{source}: one `Vary` line, got {lines:?}");
    let got = vary_tokens(reply);
    for token in tokens {
        let count = got.iter().filter(|t| t.eq_ignore_ascii_case(token)).count();
        assert_eq!(count, 1, "{source}: `{token}` once in Vary {got:?}");
    }
}

/// `Vary` is exactly `tokens` (in any order, case-insensitive), on one line.
pub(crate) fn assert_vary_is(reply: &Reply, tokens: &[&str]) {
    assert_varies_on(reply, tokens);
    let got = vary_tokens(reply);
    assert_eq!(
        got.len(),
        tokens.len(),
        "{}: Vary {got:?}, expected exactly {tokens:?}",
        reply.source
    );
}

/// `Origin` is not among the `Vary` tokens (the `"*"` policy's answer does not depend on it).
pub(crate) fn assert_not_varying_on_origin(reply: &Reply) {
    let got = vary_tokens(reply);
    assert!(
        !got.iter().any(|t| t.eq_ignore_ascii_case("origin")),
        "{}: no `Vary: Origin` for the \"*\" policy, got {got:?}",
        reply.source
    );
}

/// The response of an ordinary request from an origin that is not allowed: the handler's status and
/// body, no `Access-Control-*` header at all, and `Vary: Origin`.
pub(crate) fn assert_not_allowed(reply: &Reply, status: u16, body: &str) {
    let source = reply.source;
    assert_eq!(
        reply.status, status,
        "{source}: the handler's status is kept"
    );
    assert_eq!(reply.body, body, "{source}: the handler's body is kept");
    assert_eq!(
        access_control(reply),
        [],
        "{source}: no ACAO/ACAC/ACEH for an origin that is not allowed"
    );
    assert_varies_on(reply, VARY_ORIGIN);
}

/// A refused preflight: `403`, empty body, no `Access-Control-*` header, and `Vary` (`tokens`).
pub(crate) fn assert_refused_preflight(reply: &Reply, vary: &[&str]) {
    let source = reply.source;
    assert_eq!(reply.status, 403, "{source}: a refused preflight is 403");
    assert_eq!(reply.body, "", "{source}: a refused preflight has no body");
    assert_eq!(
        access_control(reply),
        [],
        "{source}: a refused preflight has no Access-Control-* header"
    );
    assert_vary_is(reply, vary);
}

/// The single value of header `name`, failing if it is absent or sent more than once.
pub(crate) fn one(reply: &Reply, name: &str) -> String {
    let values = reply.header_values(name);
    assert_eq!(
        values.len(),
        1,
        "{}: exactly one `{name}` line, got {values:?}",
        reply.source
    );
    values.into_iter().next().expect("checked above")
}

/// What `cors` decides for a request with this method and these headers.
pub(crate) fn check<'a>(
    cors: &'a cors_runtime::Cors,
    method: &http::Method,
    headers: &http::HeaderMap,
) -> cors_runtime::Decision<'a> {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.method = method.clone();
    parts.headers = headers.clone();
    cors.check_parts(&parts)
}

/// The environment variable that tells a child process which test it runs.
const CHILD_MARKER: &str = "CORS_TESTS_CHILD_TEST";

/// Runs the test named `test` (its path inside this test binary) in a child process of this same
/// binary with `vars` set (`None`: removed), and checks that it passed there.
///
/// Returns `true` in the parent, which must then return: the test already ran in the child. Returns
/// `false` in the child, which then runs the test's body with the environment in place. This is how
/// `origins_env` tests get a variable that is set before the process first reads it, without
/// `std::env::set_var` (which is `unsafe` in edition 2024, and the workspace forbids `unsafe_code`).
pub(crate) fn run_in_child_with_env(test: &str, vars: &[(&str, Option<&OsStr>)]) -> bool {
    if std::env::var_os(CHILD_MARKER).is_some_and(|marker| marker == test) {
        return false;
    }
    let exe = std::env::current_exe().expect("the path of this test binary");
    let mut command = Command::new(exe);
    command
        .args([test, "--exact", "--test-threads=1"])
        .env(CHILD_MARKER, test);
    for (name, value) in vars {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output = command.output().expect("spawn this test binary again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`{test}` failed in its child process\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    // A misspelt name would run no test and still succeed.
    assert!(
        stdout.contains(&format!("test {test} ... ok")),
        "`{test}` did not run in its child process\n--- stdout\n{stdout}"
    );
    true
}

/// What the test handlers answer: the status is the last path segment when it is a number (`/items/404`
/// → 404), else 200; the body names the handler and the status.
pub(crate) fn status_response(
    name: &str,
    request: &Request,
) -> lambda_http::Response<lambda_http::Body> {
    let status = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|segment| segment.parse::<u16>().ok())
        .unwrap_or(200);
    lambda_http::Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(lambda_http::Body::from(format!("{name}:{status}")))
        .expect("a valid response")
}

/// `Origin` values a browser never sends for the allowed origins `https://app.example.com`,
/// `http://localhost:3000` and `http://[::1]:8080`, or that are not one origin at all: none may be
/// allowed by a policy listing those origins.
pub(crate) fn malformed_origins() -> Vec<String> {
    let fixed = [
        // Not the browser's serialisation of an allowed origin.
        "https://app.example.com/",
        "https://APP.example.com",
        "HTTPS://app.example.com",
        "https://app.example.com:443",
        "http://localhost:3000/",
        "http://LOCALHOST:3000",
        "https://app.example.com/path",
        "https://app.example.com?q",
        "https://app.example.com#f",
        "https://user@app.example.com",
        "https://user:pass@app.example.com",
        "https://app.example.com.",
        "app.example.com",
        "//app.example.com",
        "https://app.example.com ",
        " https://app.example.com",
        "http://[0:0::1]:8080",
        "http://[::1]:8080/",
        // Two origins comma-joined, as HTTP APIs and Function URLs deliver repeated headers.
        "https://app.example.com,https://app.example.com",
        "https://app.example.com, http://localhost:3000",
        "https://evil.example,https://app.example.com",
        // Empty, non-ASCII, control characters, look-alikes.
        "",
        "https://app.ex\u{e4}mple.com",
        "https://app.example.com\u{0}",
        "https://app.example.com\u{7f}",
        "https://xn--app.example.com",
        "*",
    ];
    let mut origins: Vec<String> = fixed.iter().map(|o| (*o).to_owned()).collect();
    // Over-long.
    origins.push(format!("https://{}.example.com", "a".repeat(10_000)));
    origins.push(format!("https://app.example.com/{}", "x".repeat(10_000)));
    origins.push(format!("https://app.example.com:{}", "4".repeat(1_000)));
    origins
}

/// Whether every header value of `call` can reach a function at all: `lambda_http` refuses to
/// deserialize an event with a control character (other than tab) in a header value, so the function
/// never runs for such a request.
pub(crate) fn deliverable(call: &Call) -> bool {
    call.headers.iter().all(|(_, value)| {
        value
            .bytes()
            .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
    })
}
