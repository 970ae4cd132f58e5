// `origins_fn` and a fixed list cannot both decide.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

fn is_allowed(_origin: &cors_runtime::Origin) -> bool {
    true
}

#[cors(origins = ["https://app.example.com"], origins_fn = is_allowed)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
