use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

// Anyone can register a site under these bases: with cookies, that would be anyone's site.
#[cors(
    origins = [
        "https://*.github.io",
        "https://*.com",
        "https://*.s3-website.us-east-1.amazonaws.com",
        "https://*.myapp.github.io",
    ],
    credentials
)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
