// `catch_errors = function` takes the handler's error and returns a response of the handler's type.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

fn to_response(_error: std::io::Error) -> Response<Body> {
    Response::new(Body::Empty)
}

#[cors(catch_errors = to_response)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default());
}
