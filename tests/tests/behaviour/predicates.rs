//! `origins_fn`: a predicate on the parsed origin decides, and it is only ever called with a browser's
//! exact serialisation: malformed, `null`, joined, repeated or non-canonical `Origin` values are refused
//! before it runs.

// Test support: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Mutex;

use crate::common::{
    ACAC, ACAO, VARY_PREFLIGHT, assert_not_allowed, assert_refused_preflight, get, one, preflight,
    send, send_all, status_response,
};
use cors_runtime::{Cors, Origin, cors};
use cors_tests::{Call, Source};
use lambda_http::{Body, Error, Request, Response};

/// What the predicate saw of one origin: `(scheme, host, port, display)`.
type Seen = (String, String, Option<u16>, String);

/// Every origin the predicate was asked about.
static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

fn recording(origin: &Origin) -> bool {
    SEEN.lock().unwrap().push((
        origin.scheme().to_owned(),
        origin.host().to_owned(),
        origin.port(),
        origin.to_string(),
    ));
    origin.scheme() == "https"
        && (origin.host() == "example.com" || origin.host().ends_with(".example.com"))
}

#[cors(origins_fn = recording, credentials)]
async fn tenants(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("tenants", &event))
}

fn seen() -> Vec<String> {
    SEEN.lock()
        .unwrap()
        .iter()
        .map(|seen| seen.3.clone())
        .collect()
}

#[tokio::test]
async fn the_predicate_decides_on_the_parsed_origin_and_never_sees_what_browsers_never_send() {
    for reply in send_all(tenants, &get(Some("https://app.example.com"))).await {
        assert_eq!(one(&reply, ACAO), "https://app.example.com");
        assert_eq!(one(&reply, ACAC), "true");
        assert_eq!(one(&reply, "vary"), "Origin");
    }
    let reply = send(
        tenants,
        Source::HttpApi,
        &preflight("https://example.com", "PUT", None),
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(one(&reply, ACAO), "https://example.com");
    // The string-predicate holes: refused by the predicate, which saw them parsed.
    for origin in [
        "https://evilexample.com",
        "https://example.com.evil.net",
        "http://app.example.com",
    ] {
        let reply = send(tenants, Source::HttpApi, &get(Some(origin))).await;
        assert_not_allowed(&reply, 200, "tenants:200");
    }
    let with_parts = SEEN.lock().unwrap().clone();
    assert!(with_parts.contains(&(
        "https".into(),
        "example.com.evil.net".into(),
        None,
        "https://example.com.evil.net".into()
    )));

    let before = seen().len();
    let never = [
        "null",
        "https://APP.example.com",
        "HTTPS://app.example.com",
        "https://app.example.com:443",
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://app.example.com, https://b.example.com",
        "https://app.example.com https://b.example.com",
        "https://user@app.example.com",
        "https://*.example.com",
        "app.example.com",
        "",
    ];
    for origin in never {
        let reply = send(tenants, Source::HttpApi, &get(Some(origin))).await;
        assert_not_allowed(&reply, 200, "tenants:200");
        let reply = send(tenants, Source::HttpApi, &preflight(origin, "GET", None)).await;
        if !origin.is_empty() {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    // Two `Origin` lines, each fine on its own.
    let twice = Call::new("GET", "/items")
        .header("Origin", "https://app.example.com")
        .header("Origin", "https://app.example.com");
    let reply = send(tenants, Source::Alb, &twice).await;
    assert_eq!(reply.header(ACAO), None);
    assert_eq!(
        seen().len(),
        before,
        "the predicate saw {:?}",
        &seen()[before..]
    );
}

#[test]
fn ports_and_ipv6_hosts_reach_the_predicate_parsed() {
    static PARTS: Mutex<Vec<(String, Option<u16>)>> = Mutex::new(Vec::new());
    let cors = Cors::builder()
        .origins_fn(|origin: &Origin| {
            PARTS
                .lock()
                .unwrap()
                .push((origin.host().to_owned(), origin.port()));
            true
        })
        .build()
        .unwrap();
    for origin in [
        "http://[::1]:8080",
        "http://localhost:3000",
        "https://a.example",
    ] {
        assert!(cors.allows_origin(&http::HeaderValue::from_static(origin)));
    }
    assert_eq!(
        *PARTS.lock().unwrap(),
        [
            ("[::1]".to_owned(), Some(8080)),
            ("localhost".to_owned(), Some(3000)),
            ("a.example".to_owned(), None)
        ]
    );
}
