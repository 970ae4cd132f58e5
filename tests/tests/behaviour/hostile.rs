//! Hostile input is refused (issue #5, item 3): an `Origin` or `Access-Control-Request-Headers` of
//! megabytes, thousands of requested names and thousands of header lines get no CORS headers and no
//! panic. That the work stays bounded is pinned by `bench/tests/allocations.rs`, whose counting
//! allocator needs the `unsafe` this crate forbids.

// Fixtures here are literals that cannot fail to parse.
#![allow(clippy::unwrap_used)]

use cors_runtime::{Cors, Decision, cors};
use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::{HeaderMap, HeaderValue, Method, Request, Response};

const ALLOWED: &str = "https://app.example.com";

fn policy() -> Cors {
    Cors::builder()
        .origins([ALLOWED, "https://*.example.org"])
        .credentials()
        .headers(["content-type", "x-api-key"])
        .build()
        .unwrap()
}

fn preflight(acrh: &[&str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_static(ALLOWED));
    headers.insert(
        ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("PUT"),
    );
    for value in acrh {
        headers.append(
            ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

fn preflight_allowed(cors: &Cors, headers: &HeaderMap) -> bool {
    match crate::common::check(cors, &Method::OPTIONS, headers) {
        Decision::Preflight(preflight) => preflight.is_allowed(),
        Decision::Actual(_) => panic!("not detected as a preflight"),
    }
}

#[test]
fn megabyte_origins_are_refused() {
    let cors = policy();
    for origin in [
        format!("https://{}.example.org", "a".repeat(1 << 20)),
        format!("{ALLOWED}{}", " ".repeat(1 << 20)),
        "https://app.example.com,".repeat(50_000),
    ] {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&origin).unwrap());
        assert!(!cors.allows_origin(&headers[ORIGIN]));
        let Decision::Actual(actual) = crate::common::check(&cors, &Method::GET, &headers) else {
            panic!("GET is never a preflight")
        };
        assert!(!actual.is_allowed());
    }
}

#[test]
fn megabyte_request_headers_are_refused() {
    let cors = policy();
    let huge = format!("content-type,{}", "x-api-key,".repeat(100_000));
    assert!(!preflight_allowed(&cors, &preflight(&[&huge])));
}

#[test]
fn thousands_of_requested_names_are_refused_even_when_each_is_allowed() {
    let cors = policy();
    let many = vec!["x-api-key"; 5_000].join(",");
    assert!(!preflight_allowed(&cors, &preflight(&[&many])));
    // Under the bound, the same names are fine: the refusal above is the bound, not the names.
    let few = ["x-api-key"; 10].join(",");
    assert!(preflight_allowed(&cors, &preflight(&[&few])));
}

#[test]
fn thousands_of_request_header_lines_are_refused_even_when_empty() {
    let cors = policy();
    let lines = vec![""; 10_000];
    assert!(!preflight_allowed(&cors, &preflight(&lines)));
    let lines = vec!["content-type"; 10_000];
    assert!(!preflight_allowed(&cors, &preflight(&lines)));
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn handler(_request: Request<String>) -> Response<String> {
    Response::new("handled".to_owned())
}

#[tokio::test]
async fn an_annotated_handler_answers_hostile_requests_without_panicking() {
    let origin = format!("https://{}.example.com", "a".repeat(1 << 20));
    let request = Request::get("/")
        .header(ORIGIN, origin)
        .body(String::new())
        .unwrap();
    let response = handler(request).await;
    assert_eq!(response.body(), "handled");
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );
    assert_eq!(response.headers()["vary"], "Origin");

    let acrh = "x-a,".repeat(1 << 18);
    let request = Request::options("/")
        .header(ORIGIN, "https://app.example.com")
        .header(ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(ACCESS_CONTROL_REQUEST_HEADERS, acrh)
        .body(String::new())
        .unwrap();
    let response = handler(request).await;
    assert_eq!(response.status(), 403);
    assert!(
        response
            .headers()
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-"))
    );
}
