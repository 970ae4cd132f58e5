//! A minimal lambda_http function, without CORS.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(handler)).await
}
