use cors_runtime::cors;
use lambda_http::{Body, Error, Response};

#[cors]
async fn handler() -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler();
}
