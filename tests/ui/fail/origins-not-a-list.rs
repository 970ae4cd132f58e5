// One origin is still a list: `origins = ["..."]`; only `"*"` is written bare.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

const ADMIN: &str = "https://admin.example.com";

#[cors(origins = "https://app.example.com")]
async fn single(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(origins = ["https://app.example.com", ADMIN])]
async fn constant(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

// Only constants: the one error on the constant, nothing about an empty list or credentials.
#[cors(origins = [ADMIN], credentials)]
async fn only_constants(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(single);
    let _ = service_fn(constant);
    let _ = service_fn(only_constants);
}
