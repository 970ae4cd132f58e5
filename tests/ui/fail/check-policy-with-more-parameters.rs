// `check_policy!` calls the handler with the request alone; a handler that takes more is checked
// through a closure, and the error says so.
use cors_runtime::{check_policy, cors};
use lambda_http::{Body, Error, Request, Response};

struct Db;

#[cors(origins_env = "ALLOWED_ORIGINS")]
async fn handler(_event: Request, _db: &Db) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = check_policy!(handler);
}
