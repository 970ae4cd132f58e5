use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(allow_private_network, origins = ["https://app.example.com"])]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
