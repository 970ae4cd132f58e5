// Every problem in the attribute is reported in one build, each on its own token.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(
    origins = ["https://App.example.com", "null"],
    credentials,
    headers = "*",
    methods = ["get"],
    max_age = 100000,
    expose = ["x-request-id"],
)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() -> Result<(), Error> {
    cors_runtime::check_policy!(handler)?;
    let _ = service_fn(handler);
    Ok(())
}
