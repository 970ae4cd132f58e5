// The predicate takes the parsed `Origin`, never the header's text.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

fn is_allowed(origin: &str) -> bool {
    origin.ends_with(".example.com")
}

#[cors(origins_fn = is_allowed, credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
