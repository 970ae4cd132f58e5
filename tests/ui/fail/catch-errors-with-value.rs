use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(catch_errors = true)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
