// `crate` takes the path of the runtime crate as a string, as tokio's attributes do.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors(crate = cors_runtime)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default());
}
