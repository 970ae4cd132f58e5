// Several origins in one literal: one per item.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors(origins = ["https://a.example.com;https://b.example.com"])]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default());
}
