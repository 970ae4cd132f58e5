// Plain `http::Request<B>` handlers (hyper/axum-style services, unit tests) returning `Response<B>` or
// `Result<Response<B>, E>` for any body type with a `Default` (the body of a preflight answer).
#![deny(warnings)]

use std::convert::Infallible;

use cors_runtime::cors;
use http::{Request, Response, StatusCode};

/// A body type of the user's own.
#[derive(Debug, Default, PartialEq)]
struct Bytes(Vec<u8>);

#[derive(Debug)]
struct NotFound;

#[cors(origins = ["https://app.example.com"])]
async fn plain(request: Request<String>) -> Response<String> {
    Response::new(request.into_body())
}

#[cors(origins = ["https://app.example.com"], methods = ["GET", "PUT"])]
async fn fallible(request: Request<Bytes>) -> Result<Response<Bytes>, NotFound> {
    if request.uri().path() != "/file" {
        return Err(NotFound);
    }
    Ok(Response::new(request.into_body()))
}

#[cors(headers = "*")]
async fn infallible(_request: Request<()>) -> Result<Response<String>, Infallible> {
    Ok(Response::builder()
        .status(StatusCode::ACCEPTED)
        .body("accepted".to_owned())
        .unwrap_or_default())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let request = Request::post("/")
            .header("origin", "https://app.example.com")
            .body("hello".to_owned())
            .expect("request");
        let response: Response<String> = plain(request).await;
        assert_eq!(response.body(), "hello");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "https://app.example.com"
        );

        // A preflight is answered with the body type's `Default`, without running the handler.
        let preflight = Request::options("/file")
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "PUT")
            .body(Bytes(b"ignored".to_vec()))
            .expect("request");
        let response = fallible(preflight).await.expect("preflight is answered");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(response.body(), &Bytes::default());

        let missing = Request::get("/other")
            .body(Bytes::default())
            .expect("request");
        assert!(matches!(fallible(missing).await, Err(NotFound)));

        let response = infallible(Request::new(())).await.unwrap_or_else(|e| match e {});
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
    });
}
