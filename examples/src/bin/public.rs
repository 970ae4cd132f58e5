//! A public, read-only API: any page may read it, without cookies.
//!
//! `#[cors]` alone means `origins = "*"`: every response carries `Access-Control-Allow-Origin: *`.

use cors_runtime::cors;
use lambda_http::{Error, IntoResponse, Request, RequestExt, run, service_fn};
use serde_json::json;

/// `GET /` answers a small JSON document.
#[cors]
async fn handler(event: Request) -> Result<impl IntoResponse, Error> {
    Ok(json!({ "message": "hello from a public API", "path": event.raw_http_path() }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    run(service_fn(handler)).await
}
