// A policy has one origin source: the second one given is refused.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

async fn load_origins() -> Result<Vec<String>, Error> {
    Ok(Vec::new())
}

#[cors(origins_env = "ALLOWED_ORIGINS", origins_from = load_origins, credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
