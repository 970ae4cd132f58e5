// Parameters after the request are passed through, so shared state is handed in with a closure.
#![deny(warnings)]

use std::sync::Arc;

use cors_runtime::cors;
use lambda_http::lambda_runtime::Diagnostic;
use lambda_http::{Body, Error, IntoResponse, Request, Response, Service, service_fn};

struct Db {
    greeting: String,
}

struct Config {
    verbose: bool,
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn handler(event: Request, db: &Db) -> Result<Response<Body>, Error> {
    let _ = event.uri();
    Ok(Response::new(Body::from(db.greeting.clone())))
}

#[cors]
async fn owned(_event: Request, db: Arc<Db>, config: &Config) -> Result<impl IntoResponse, Error> {
    Ok(if config.verbose { db.greeting.clone() } else { String::new() })
}

/// Exactly the bounds `lambda_http::run` puts on its service.
fn runnable<'a, S, R, E>(_service: S)
where
    S: Service<Request, Response = R, Error = E>,
    S::Future: Send + 'a,
    R: IntoResponse,
    E: std::fmt::Debug + Into<Diagnostic>,
{
}

fn main() {
    let db = Db {
        greeting: "hello".to_owned(),
    };
    runnable(service_fn(|event| handler(event, &db)));

    let shared = Arc::new(Db {
        greeting: "hi".to_owned(),
    });
    let config = Config { verbose: true };
    runnable(service_fn(|event| owned(event, Arc::clone(&shared), &config)));
}
