//! An allowlist with a subdomain pattern, custom request headers and exposed response headers.
//!
//! The list comes from `PATTERN_ORIGINS`, e.g. `https://*.example.org http://localhost:8000`: any
//! subdomain of `example.org` over https (and the local demo page) may call it with an `x-api-key`
//! header, and its script may read the `x-request-id` response header.

use cors_runtime::{check_policy, cors};
use lambda_http::http::StatusCode;
use lambda_http::{Error, IntoResponse, Request, run, service_fn};
use serde_json::json;

#[cors(
    origins_env = "PATTERN_ORIGINS",
    methods = ["GET", "PUT"],
    headers = ["content-type", "x-api-key"],
    expose_headers = ["x-request-id"],
    max_age = 300
)]
async fn handler(event: Request) -> Result<impl IntoResponse, Error> {
    let has_key = event.headers().contains_key("x-api-key");
    let status = if has_key {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut response = (status, json!({ "api_key_sent": has_key }))
        .into_response()
        .await;
    response
        .headers_mut()
        .insert("x-request-id", "req-42".parse()?);
    Ok(response)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    check_policy!(handler)?;
    run(service_fn(handler)).await
}
