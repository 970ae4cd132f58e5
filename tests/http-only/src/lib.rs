//! A crate that uses cors-runtime the way a hyper or axum service without lambda_http would:
//! `default-features = false, features = ["tower"]`. `.ci/run` checks that its dependency tree has no
//! lambda_http.

use cors_runtime::cors;
use http::{Request, Response, StatusCode};

/// An `http` handler under the attribute: `Request<B>` in, `Response<B>` out.
#[cors(origins = ["https://app.example.com"], credentials)]
pub async fn handler(request: Request<String>) -> Response<String> {
    Response::new(format!("{} {}", request.method(), request.uri().path()))
}

/// The fallible shape.
#[cors(origins_env = "ALLOWED_ORIGINS", methods = ["GET", "PUT"])]
pub async fn fallible(request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, StatusCode> {
    if request.body().is_empty() {
        return Err(StatusCode::BAD_REQUEST);
    }
    Ok(Response::new(request.into_body()))
}
