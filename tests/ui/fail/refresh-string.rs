// `refresh` is a number of seconds, not a string.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

async fn load_origins() -> Result<Vec<String>, Error> {
    Ok(Vec::new())
}

#[cors(origins_from = load_origins, refresh = "300")]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
