use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

struct Db;

#[cors(origins = ["https://app.example.com"])]
async fn handler(db: &Db, event: Request) -> Result<Response<Body>, Error> {
    let _ = (db, event);
    Ok(Response::new(Body::Empty))
}

fn main() {
    let db = Db;
    let _ = service_fn(|event| handler(&db, event));
}
