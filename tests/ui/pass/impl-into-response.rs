// `Result<impl IntoResponse, E>` for the shapes lambda_http converts (strings, JSON, status tuples),
// with lambda_http's `Error` or the user's own error type.
#![deny(warnings)]

use std::fmt;

use cors_runtime::cors;
use lambda_http::http::StatusCode;
use lambda_http::lambda_runtime::Diagnostic;
use lambda_http::{Body, Error, IntoResponse, Request, Response, Service, service_fn};
use serde_json::json;

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

#[cors]
async fn static_str(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("hello")
}

#[cors(origins = ["https://app.example.com"])]
async fn string(event: Request) -> Result<impl IntoResponse, ApiError> {
    Ok(format!("{} {}", event.method(), event.uri().path()))
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn json(_event: Request) -> Result<impl IntoResponse, ApiError> {
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
async fn status_and_string(_event: Request) -> Result<impl IntoResponse, ApiError> {
    Ok((StatusCode::ACCEPTED, String::from("queued")))
}

#[cors]
async fn failing(_event: Request) -> Result<impl IntoResponse, ApiError> {
    Err::<&str, _>(ApiError("down".to_owned()))
}

fn runnable<S, R, E>(_service: S)
where
    S: Service<Request, Response = R, Error = E>,
    S::Future: Send + 'static,
    R: IntoResponse,
    E: fmt::Debug + Into<Diagnostic>,
{
}

/// The `impl IntoResponse` becomes a concrete `Response<Body>`, since the headers are added to it.
async fn concrete(event: Request) -> Result<Response<Body>, ApiError> {
    json(event).await
}

fn main() {
    runnable(service_fn(static_str));
    runnable(service_fn(string));
    runnable(service_fn(json));
    runnable(service_fn(status_and_body));
    runnable(service_fn(status_and_string));
    runnable(service_fn(failing));
    runnable(service_fn(concrete));
}
