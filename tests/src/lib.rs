//! Test support: drive `lambda_http` handlers through **real Lambda event JSON**.
//!
//! `lambda_http::run` does three things with every invocation, and this crate does
//! the same three things without the Lambda Runtime API:
//!
//! 1. it deserializes the event JSON into `lambda_http::request::LambdaRequest`
//!    (which tries API Gateway REST v1, then HTTP API v2, then ALB, …);
//! 2. it hands the resulting [`lambda_http::Request`] to the service through
//!    `lambda_http::Adapter`, the very adapter `run` uses;
//! 3. it converts the handler's response into the origin-specific
//!    `LambdaResponse` and serializes it to JSON for the gateway.
//!
//! [`event_json`] builds step 1's input from a fixture in `tests/events/` (one
//! per [`Source`]), [`invoke`] runs steps 1–3, and [`Reply`] reads step 3's JSON
//! the way the gateway would turn it into an HTTP response for the browser.
//! [`request`] stops after step 1, for tests that call a handler directly.
//!
//! ```no_run
//! # async fn demo() -> Result<(), std::convert::Infallible> {
//! use cors_tests::{Call, Source, invoke};
//! use lambda_http::{Request, service_fn};
//!
//! async fn handler(_req: Request) -> Result<&'static str, std::convert::Infallible> {
//!     Ok("hi")
//! }
//!
//! let call = Call::new("GET", "/items").header("Origin", "https://app.example");
//! for source in Source::ALL {
//!     let reply = invoke(service_fn(handler), source, &call).await?;
//!     assert_eq!(reply.status, 200);
//! }
//! # Ok(())
//! # }
//! ```

mod block_on;
mod event;
pub mod fidelity;
pub mod logs;
pub mod oracle;
mod reply;
mod streaming;

use std::fmt;
use std::future::poll_fn;

use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, IntoResponse, LambdaEvent, Request, RequestExt, Service};

pub use crate::block_on::block_on;
pub use crate::event::event_json;
pub use crate::reply::Reply;
pub use crate::streaming::{Streamed, invoke_streaming};

/// The AWS service that invokes the function, i.e. the event (and response) format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// API Gateway REST API, Lambda proxy integration (payload format 1.0):
    /// `headers` + `multiValueHeaders`. Fixture: `tests/events/apigw_rest.json`
    /// (stage `prod`, so `lambda_http` prefixes the request URI path with `/prod`).
    RestApi,
    /// API Gateway HTTP API, payload format 2.0: repeated headers comma-joined,
    /// cookies in a `cookies` array. Fixture: `tests/events/apigw_http.json`
    /// (stage `$default`).
    HttpApi,
    /// Application Load Balancer, Lambda target group with multi-value headers
    /// enabled (`lambda.multi_value_headers.enabled = true`): only
    /// `multiValueHeaders` / `multiValueQueryStringParameters`.
    /// Fixture: `tests/events/alb.json`.
    Alb,
    /// Lambda function URL (payload format 2.0, `requestContext.domainName`
    /// `<url-id>.lambda-url.<region>.on.aws`). `lambda_http` parses and answers it
    /// exactly like [`Source::HttpApi`]. Fixture: `tests/events/function_url.json`.
    FunctionUrl,
}

impl Source {
    /// Every source, for tests that must hold for all of them.
    pub const ALL: [Source; 4] = [
        Source::RestApi,
        Source::HttpApi,
        Source::Alb,
        Source::FunctionUrl,
    ];

    /// A short stable name (`"rest-api"`, `"http-api"`, `"alb"`, `"function-url"`),
    /// handy in assertion messages.
    pub fn name(self) -> &'static str {
        match self {
            Source::RestApi => "rest-api",
            Source::HttpApi => "http-api",
            Source::Alb => "alb",
            Source::FunctionUrl => "function-url",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An HTTP request as the browser sends it, before a gateway turns it into an event.
///
/// Built with [`Call::new`] and the chaining methods; the fields are public so tests
/// can inspect or tweak them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Request method, e.g. `"OPTIONS"`; sent to the gateway verbatim.
    pub method: String,
    /// Path as the client requested it, optionally with a `?query`. The path
    /// must start with `/`. The query must be free of `%` escapes and `+`
    /// (the harness does not model the gateways' different percent-decoding).
    pub path: String,
    /// Request headers in the order sent; a name may repeat (each entry is one
    /// header line). Names are matched case-insensitively.
    pub headers: Vec<(String, String)>,
    /// Request body as text; `None` for no body.
    pub body: Option<String>,
}

impl Call {
    /// A request with the given method and path (optionally with `?query`),
    /// no headers and no body.
    pub fn new(method: &str, path: &str) -> Self {
        Call {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Appends one header line. Calling it twice with the same name sends the
    /// header twice, which each [`Source`] delivers differently (see [`event_json`]).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the (text) request body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = Some(body.to_owned());
        self
    }
}

/// Builds the event for `source` and parses it with
/// `lambda_http::request::from_str`, giving the [`Request`] a handler receives
/// (including the default `lambda_http::Context` extension that
/// `lambda_http::Adapter` attaches). For tests that call a handler directly.
///
/// # Panics
///
/// If the event does not parse, or parses as a different source than `source`
/// (a broken fixture or a `lambda_http` change the harness must be updated for).
#[allow(
    clippy::expect_used,
    reason = "test support: a fixture that lambda_http cannot parse is a bug in the harness, reported with a message"
)]
pub fn request(source: Source, call: &Call) -> Request {
    let json = event_json(source, call);
    let request = lambda_http::request::from_str(&json).expect(
        "lambda_http::request::from_str rejected the event built from the fixture in tests/events/",
    );
    let context = request.request_context_ref();
    let parsed_as = match context {
        Some(lambda_http::request::RequestContext::ApiGatewayV1(_)) => "API Gateway REST (v1)",
        Some(lambda_http::request::RequestContext::ApiGatewayV2(_)) => "API Gateway v2",
        Some(lambda_http::request::RequestContext::Alb(_)) => "ALB",
        _ => "something else",
    };
    assert_eq!(
        parsed_as,
        expected_origin(source),
        "the {source} event was parsed by lambda_http as {parsed_as}"
    );
    request.with_lambda_context(Context::default())
}

/// Runs `service` on the `source` event for `call` exactly as `lambda_http::run`
/// would: the event JSON is deserialized into `LambdaRequest`, passed through
/// `lambda_http::Adapter` (`poll_ready`, then `call` with a default
/// `lambda_http::Context`), and the resulting `LambdaResponse` is serialized to JSON
/// with `serde_json::to_vec`, which is what the runtime posts back to Lambda.
///
/// `service` is anything `lambda_http::run` accepts, e.g.
/// `lambda_http::service_fn(handler)`.
///
/// # Errors
///
/// Returns the service's own error, unchanged, if it fails (`poll_ready` or `call`).
///
/// # Panics
///
/// If the event does not parse as `source`, or the response cannot be serialized
/// (both mean the harness or a fixture is broken).
#[allow(
    clippy::expect_used,
    reason = "test support: a broken fixture or an unserializable LambdaResponse is a harness bug, reported with a message"
)]
pub async fn invoke<'a, S, R, E>(service: S, source: Source, call: &Call) -> Result<Reply, E>
where
    S: Service<Request, Response = R, Error = E>,
    S::Future: Send + 'a,
    R: IntoResponse,
{
    let json = event_json(source, call);
    // lambda_runtime deserializes the invocation body with serde_json (through
    // serde_path_to_error, which only improves the error message).
    let payload: LambdaRequest = serde_json::from_slice(json.as_bytes()).expect(
        "lambda_http could not deserialize the event built from the fixture in tests/events/",
    );
    let parsed_as = match &payload {
        LambdaRequest::ApiGatewayV1(_) => "API Gateway REST (v1)",
        LambdaRequest::ApiGatewayV2(_) => "API Gateway v2",
        LambdaRequest::Alb(_) => "ALB",
        _ => "something else",
    };
    assert_eq!(
        parsed_as,
        expected_origin(source),
        "the {source} event was deserialized by lambda_http as {parsed_as}"
    );

    let mut adapter = Adapter::from(service);
    poll_fn(|cx| adapter.poll_ready(cx)).await?;
    let response = adapter
        .call(LambdaEvent::new(payload, Context::default()))
        .await?;

    let bytes = serde_json::to_vec(&response)
        .expect("lambda_http's LambdaResponse failed to serialize to JSON");
    let raw = serde_json::from_slice(&bytes).expect("serde_json produced invalid JSON");
    Ok(Reply::from_json(source, raw))
}

/// The `LambdaRequest` variant `lambda_http` must pick for `source`'s events.
fn expected_origin(source: Source) -> &'static str {
    match source {
        Source::RestApi => "API Gateway REST (v1)",
        // lambda_http has no separate function URL variant: format 2.0 is format 2.0.
        Source::HttpApi | Source::FunctionUrl => "API Gateway v2",
        Source::Alb => "ALB",
    }
}
