use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(origins_env = "1BAD")]
async fn starts_with_digit(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(origins_env = "ALLOWED-ORIGINS")]
async fn has_a_dash(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(starts_with_digit);
    let _ = service_fn(has_a_dash);
}
