//! A streamed response (`run_with_streaming_response`, for Function URLs): `GET /` sends five lines,
//! one every 200 ms, to the origins in `ALLOWED_ORIGINS`, with cookies.
//!
//! The CORS headers go in the response's head (lambda_runtime's metadata prelude), which is sent
//! before the first line; the body is never buffered. A preflight is answered with an empty streamed
//! `204`.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use cors_runtime::{check_policy, cors};
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody, combinators::UnsyncBoxBody};
use lambda_http::{Error, Request, Response, run_with_streaming_response, service_fn};
use tokio_stream::StreamExt;

/// `StreamBody` is not `Default` (a preflight answer needs an empty body), so it is boxed:
/// `UnsyncBoxBody` is.
type Streamed = UnsyncBoxBody<Bytes, Infallible>;

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn handler(_event: Request) -> Result<Response<Streamed>, Error> {
    let lines = tokio_stream::iter(1..=5)
        .throttle(Duration::from_millis(200))
        .map(|n| Ok(Frame::data(Bytes::from(format!("line {n} of 5\n")))));
    Ok(Response::builder()
        .header("content-type", "text/plain; charset=utf-8")
        .body(StreamBody::new(lines).boxed_unsync())?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    check_policy!(handler)?;
    run_with_streaming_response(service_fn(handler)).await
}
