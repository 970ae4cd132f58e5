// `refresh = 0` would reload the list on every request.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

async fn load_origins() -> Result<Vec<String>, Error> {
    Ok(Vec::new())
}

#[cors(origins_from = load_origins, refresh = 0, credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
