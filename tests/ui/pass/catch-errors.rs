#![deny(warnings)]

//! `catch_errors` on every shape that can fail: the signature is unchanged, so the handler is still a
//! `lambda_http` service.

use std::fmt;

use cors_runtime::cors;
use lambda_http::{Body, Error, IntoResponse, Request, Response, service_fn};

#[derive(Debug)]
struct AppError;

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("app error")
    }
}

impl std::error::Error for AppError {}

#[cors(origins = ["https://app.example.com"], credentials, catch_errors)]
async fn response_body(_event: Request) -> Result<Response<Body>, Error> {
    Err(AppError.into())
}

#[cors(catch_errors)]
async fn into_response(_event: Request) -> Result<impl IntoResponse, AppError> {
    Ok("fine")
}

#[cors(catch_errors)]
async fn plain_http(_request: http::Request<String>) -> Result<http::Response<String>, AppError> {
    Err(AppError)
}

fn main() {
    let _ = service_fn(response_body);
    let _ = service_fn(into_response);
    let _ = plain_http;
}
