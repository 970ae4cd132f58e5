// Every key at once, with a subdomain pattern in the origin list; and the wildcard forms without
// `credentials`.
#![deny(warnings)]

use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(
    origins = ["https://app.example.com", "https://*.example.org", "http://localhost:3000"],
    methods = ["GET", "POST", "PATCH"],
    headers = ["content-type", "authorization", "x-api-key"],
    expose_headers = ["x-request-id"],
    max_age = 600,
    credentials,
)]
async fn everything(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(origins = "*", methods = "*", headers = "*", expose_headers = "*", max_age = 0)]
async fn wildcards(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[cors(origins = ["http://[::1]:8080", "https://*.example.com:8443"], max_age = 86400)]
async fn limits(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let preflight = http::Request::options("/")
            .header("origin", "https://api.example.org")
            .header("access-control-request-method", "PATCH")
            .header("access-control-request-headers", "x-api-key")
            .body(Body::Empty)
            .expect("request");
        let response = everything(preflight).await.expect("preflight");
        assert_eq!(response.status(), 204);
        let headers = response.headers();
        assert_eq!(headers["access-control-allow-origin"], "https://api.example.org");
        assert_eq!(headers["access-control-allow-credentials"], "true");
        assert_eq!(headers["access-control-max-age"], "600");
    });
    let _ = service_fn(everything);
    let _ = service_fn(wildcards);
    let _ = service_fn(limits);
    assert!(cors_runtime::check_policy!(everything).is_ok());
}
