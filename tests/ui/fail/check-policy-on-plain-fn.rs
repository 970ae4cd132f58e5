// `check_policy!` names a `#[cors]` handler.
use cors_runtime::check_policy;
use lambda_http::{Body, Error, Request, Response};

async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default());
    let _ = check_policy!(handler);
}
