// `return;` in a handler that returns a `Result` is refused at the `return`, as without the attribute.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors]
async fn handler(event: Request) -> Result<Response<Body>, Error> {
    if event.uri().path() == "/" {
        return;
    }
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = handler(Request::default());
}
