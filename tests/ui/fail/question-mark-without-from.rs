// `?` in the body is checked against the declared error type, exactly as without the attribute.
use std::num::ParseIntError;

use cors_runtime::cors;
use lambda_http::{Body, Request, Response};

#[derive(Debug)]
struct ApiError;

#[cors]
async fn handler(event: Request) -> Result<Response<Body>, ApiError> {
    let n: u32 = event.uri().path().trim_start_matches('/').parse()?;
    Ok(Response::new(Body::from(n.to_string())))
}

#[cors]
async fn wrong_ok_type(_event: Request) -> Result<Response<Body>, ApiError> {
    Ok::<_, ParseIntError>("text")?;
    Ok("text")
}

fn main() {
    let _ = handler(Request::default());
    let _ = wrong_ok_type(Request::default());
}
