// The attribute keeps rustc's lints on the user's code: an unread request is still `unused`, at the
// parameter, as without the attribute.
#![deny(unused_variables, unused_mut)]

use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors(origins = ["https://app.example.com"])]
async fn handler(event: Request, mut count: u8) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default(), 1);
}
