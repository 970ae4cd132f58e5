//! `catch_errors` (issue #5, item 4): a handler's `Err` becomes an empty `500` that still carries the
//! CORS headers, so the browser shows the real failure instead of a CORS error; the error text is
//! logged, never put in the body. Without the key the `Err` propagates (see `responses.rs`).

use crate::common::{ACAC, ACAO, VARY_ORIGIN, access_control, assert_varies_on, get, send_all};
use cors_runtime::cors;
use lambda_http::{Body, Error, IntoResponse, Request, Response};

const APP: &str = "https://app.example.com";
const SECRET: &str = "database password rejected";

#[cors(origins = ["https://app.example.com"], credentials, catch_errors)]
async fn failing(_event: Request) -> Result<Response<Body>, Error> {
    Err(SECRET.into())
}

#[cors(origins = ["https://app.example.com"], credentials, catch_errors)]
async fn failing_into_response(event: Request) -> Result<impl IntoResponse, Error> {
    if event.uri().path().contains("never") {
        return Ok("unreachable");
    }
    Err(SECRET.into())
}

#[cors(origins = ["https://app.example.com"], credentials, catch_errors)]
async fn succeeding(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("fine")))
}

#[tokio::test]
async fn an_err_becomes_a_500_with_cors_headers_and_no_error_text() {
    for replies in [
        send_all(failing, &get(Some(APP))).await,
        send_all(failing_into_response, &get(Some(APP))).await,
    ] {
        for reply in replies {
            assert_eq!(reply.status, 500, "{}", reply.source);
            assert_eq!(reply.header(ACAO).as_deref(), Some(APP), "{}", reply.source);
            assert_eq!(
                reply.header(ACAC).as_deref(),
                Some("true"),
                "{}",
                reply.source
            );
            assert_varies_on(&reply, VARY_ORIGIN);
            assert!(
                !reply.body.contains(SECRET),
                "{}: {}",
                reply.source,
                reply.body
            );
            assert!(
                !reply.raw_json().to_string().contains(SECRET),
                "{}",
                reply.source
            );
        }
    }
}

#[tokio::test]
async fn an_err_for_a_refused_origin_is_a_500_without_cors_headers() {
    for reply in send_all(failing, &get(Some("https://evil.example"))).await {
        assert_eq!(reply.status, 500, "{}", reply.source);
        assert!(access_control(&reply).is_empty(), "{}", reply.source);
        assert_varies_on(&reply, VARY_ORIGIN);
    }
}

#[tokio::test]
async fn an_ok_response_is_untouched_by_catch_errors() {
    for reply in send_all(succeeding, &get(Some(APP))).await {
        assert_eq!(reply.status, 200, "{}", reply.source);
        assert_eq!(reply.body, "fine", "{}", reply.source);
        assert_eq!(reply.header(ACAO).as_deref(), Some(APP), "{}", reply.source);
    }
}
