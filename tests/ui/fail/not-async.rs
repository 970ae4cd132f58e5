use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors]
fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default());
}
