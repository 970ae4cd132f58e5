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

// ---------------------------------------------------------------------------
// `catch_errors = function`: the user's own error responses keep the CORS headers
// ---------------------------------------------------------------------------

#[derive(Debug)]
enum ApiError {
    NotFound,
    Unauthorized,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

fn to_response(error: ApiError) -> Response<Body> {
    let status = match error {
        ApiError::NotFound => 404,
        ApiError::Unauthorized => 401,
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(format!("{{\"error\":\"{error}\"}}")))
        .unwrap_or_default()
}

fn to_tuple(error: ApiError) -> impl IntoResponse {
    (
        lambda_http::http::StatusCode::CONFLICT,
        format!("conflict: {error}"),
    )
}

#[cors(origins = ["https://app.example.com"], credentials, catch_errors = to_response)]
async fn mapped(event: Request) -> Result<Response<Body>, ApiError> {
    // REST API events carry the stage in the path (`/prod/items`).
    if event.uri().path().ends_with("/items") {
        Err(ApiError::Unauthorized)
    } else {
        Err(ApiError::NotFound)
    }
}

#[cors(origins = ["https://app.example.com"], credentials, catch_errors = to_tuple)]
async fn mapped_into_response(_event: Request) -> Result<impl IntoResponse, ApiError> {
    if false {
        return Ok("never");
    }
    Err(ApiError::NotFound)
}

#[tokio::test]
async fn an_err_becomes_the_users_own_response_with_cors_headers() {
    for reply in send_all(mapped, &get(Some(APP))).await {
        let source = reply.source;
        assert_eq!(reply.status, 401, "{source}: the status the function chose");
        assert_eq!(reply.body, "{\"error\":\"Unauthorized\"}", "{source}");
        assert_eq!(reply.header(ACAO).as_deref(), Some(APP), "{source}");
        assert_eq!(reply.header(ACAC).as_deref(), Some("true"), "{source}");
        assert_varies_on(&reply, VARY_ORIGIN);
    }
    for reply in send_all(mapped_into_response, &get(Some(APP))).await {
        let source = reply.source;
        assert_eq!(reply.status, 409, "{source}");
        assert_eq!(reply.body, "conflict: NotFound", "{source}");
        assert_eq!(reply.header(ACAO).as_deref(), Some(APP), "{source}");
    }
    // A refused origin gets the same response, without CORS headers.
    for reply in send_all(mapped, &get(Some("https://evil.example"))).await {
        assert_eq!(reply.status, 401, "{}", reply.source);
        assert_eq!(access_control(&reply), [], "{}", reply.source);
    }
}
