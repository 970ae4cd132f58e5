//! The minimal function behind tower-http's `CorsLayer`, with the allowlist from `ALLOWED_ORIGINS`
//! parsed by hand (split on commas and whitespace, no canonicalisation or checks).

use http::{HeaderValue, Method, header};
use lambda_http::tower::ServiceBuilder;
use lambda_http::{Body, Error, Request, Response, run, service_fn};
use tower_http::cors::{AllowOrigin, CorsLayer};

async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let list = std::env::var("ALLOWED_ORIGINS")?;
    let origins = list
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|entry| !entry.is_empty())
        .map(HeaderValue::from_str)
        .collect::<Result<Vec<_>, _>>()?;
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::PATCH,
            Method::POST,
            Method::DELETE,
        ])
        .allow_headers([header::CONTENT_TYPE]);
    run(ServiceBuilder::new().layer(cors).service(service_fn(handler))).await
}
