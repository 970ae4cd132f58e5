// The shape from the README: `async fn(Request) -> Result<Response<Body>, Error>`, passed to
// `service_fn` exactly as without the attribute.
#![deny(warnings)]

use cors_runtime::cors;
use lambda_http::lambda_runtime::Diagnostic;
use lambda_http::{Body, Error, IntoResponse, Request, Response, Service, service_fn};

#[cors(origins = ["https://app.example.com"], credentials)]
async fn handler(event: Request) -> Result<Response<Body>, Error> {
    let path = event.uri().path().to_owned();
    Ok(Response::new(Body::from(path)))
}

#[cors]
async fn public(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

/// The bounds `lambda_http::run` puts on its service.
fn runnable<S, R, E>(_service: S)
where
    S: Service<Request, Response = R, Error = E>,
    S::Future: Send + 'static,
    R: IntoResponse,
    E: std::fmt::Debug + Into<Diagnostic>,
{
}

fn main() {
    runnable(service_fn(handler));
    runnable(service_fn(public));
}
