// `?` on an `Option` in a handler returning `Result` is refused, as without the attribute, with the
// way to fix it.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors]
async fn handler(event: Request) -> Result<Response<Body>, Error> {
    let query = event.uri().query()?;
    Ok(Response::new(Body::from(query.to_owned())))
}

fn main() {
    let _ = handler(Request::default());
}
