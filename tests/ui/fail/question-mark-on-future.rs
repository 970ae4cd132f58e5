// `?` on a future that was not awaited is refused, and the message says to `.await` it.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

async fn load() -> Result<String, Error> {
    Ok(String::new())
}

#[cors]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    let text = load()?;
    Ok(Response::new(Body::from(text)))
}

fn main() {
    let _ = handler(Request::default());
}
