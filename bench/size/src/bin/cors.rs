//! The minimal function under `#[cors]`, with the allowlist from `ALLOWED_ORIGINS` checked at cold start.

use cors_runtime::{check_policy, cors};
use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    check_policy!(handler)?;
    run(service_fn(handler)).await
}
