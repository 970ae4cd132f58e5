#![deny(warnings)]

//! Without credentials a pattern under a public suffix is allowed: nothing private is shared.

use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(origins = ["https://*.github.io"])]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
