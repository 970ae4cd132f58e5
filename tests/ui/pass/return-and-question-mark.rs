// `return` and `?` in the body mean what they mean without the attribute: `return` leaves the handler
// with that value (which still gets the CORS headers), `?` converts errors with `From`.
#![deny(warnings)]

use std::num::ParseIntError;

use cors_runtime::cors;
use lambda_http::http::StatusCode;
use lambda_http::{Body, IntoResponse, Request, Response};

#[derive(Debug, PartialEq)]
enum ApiError {
    BadNumber,
    TooLarge(u32),
}

impl From<ParseIntError> for ApiError {
    fn from(_: ParseIntError) -> ApiError {
        ApiError::BadNumber
    }
}

fn limit(n: u32) -> Result<u32, ApiError> {
    if n > 100 { Err(ApiError::TooLarge(n)) } else { Ok(n) }
}

#[cors(origins = ["https://app.example.com"])]
async fn concrete(event: Request) -> Result<Response<Body>, ApiError> {
    let Some(query) = event.uri().query() else {
        return Ok(Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .body(Body::from("missing query"))
            .unwrap_or_default());
    };
    let n: u32 = query.parse()?; // ParseIntError -> ApiError through `From`
    let n = limit(n)?;
    Ok(Response::new(Body::from(n.to_string())))
}

#[cors(origins = ["https://app.example.com"])]
async fn opaque(event: Request) -> Result<impl IntoResponse, ApiError> {
    let Some(query) = event.uri().query() else {
        return Ok((StatusCode::BAD_REQUEST, "missing query".to_owned()));
    };
    let n: u32 = query.parse()?;
    Ok((StatusCode::OK, limit(n)?.to_string()))
}

#[cors]
async fn infallible_early_return(event: Request) -> Response<Body> {
    if event.uri().path() == "/early" {
        return Response::new(Body::from("early"));
    }
    Response::new(Body::from("late"))
}

fn request(uri: &str) -> Request {
    http::Request::get(uri)
        .header("origin", "https://app.example.com")
        .body(Body::Empty)
        .expect("request")
}

fn text(body: &Body) -> &[u8] {
    body.as_ref()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let early = concrete(request("/")).await.expect("early return is Ok");
        assert_eq!(early.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            early.headers()["access-control-allow-origin"],
            "https://app.example.com",
            "an early `return` still gets the CORS headers"
        );
        assert_eq!(concrete(request("/?x")).await.err(), Some(ApiError::BadNumber));
        assert_eq!(
            concrete(request("/?500")).await.err(),
            Some(ApiError::TooLarge(500))
        );
        let ok = concrete(request("/?42")).await.expect("ok");
        assert_eq!(text(ok.body()), b"42");

        let early = opaque(request("/")).await.expect("early return is Ok");
        assert_eq!(early.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            early.headers()["access-control-allow-origin"],
            "https://app.example.com"
        );
        assert_eq!(opaque(request("/?x")).await.err(), Some(ApiError::BadNumber));
        let ok = opaque(request("/?7")).await.expect("ok");
        assert_eq!(text(ok.body()), b"7");

        let early = infallible_early_return(request("/early")).await;
        assert_eq!(text(early.body()), b"early");
        assert_eq!(early.headers()["access-control-allow-origin"], "*");
    });
}
