// `origins_from` needs an async function: a plain one returning the list is refused by its type.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

fn load_origins() -> Vec<String> {
    Vec::new()
}

#[cors(origins_from = load_origins, credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
