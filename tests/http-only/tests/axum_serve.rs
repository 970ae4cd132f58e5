//! `CorsLayer` around an axum `Router` served by `axum::serve` over TCP, without lambda_http: the
//! requests are raw HTTP/1.1, as a browser's arrive.

#![allow(missing_docs)]
#![allow(
    clippy::expect_used,
    reason = "a failed socket operation fails the test, with its reason"
)]

use axum::Router;
use axum::routing::get;
use cors_runtime::{CorsLayer, policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The status code and the header lines (lower-case names) of the answer to `request`.
async fn exchange(address: std::net::SocketAddr, request: &str) -> (u16, Vec<(String, String)>) {
    let mut stream = TcpStream::connect(address).await.expect("connects");
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("reads");
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_default();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers)
}

fn values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[tokio::test]
#[allow(
    clippy::expect_used,
    reason = "a failed socket operation fails the test"
)]
async fn a_router_served_by_axum_carries_the_policy() {
    let app = Router::new()
        .route(
            "/items",
            get(|| async { ([("vary", "Accept-Encoding")], "[]") }),
        )
        .layer(CorsLayer::new(policy!(
            origins = ["https://app.example.com"],
            credentials
        )));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    tokio::spawn(async move { axum::serve(listener, app).await });

    let (status, headers) = exchange(
        address,
        "GET /items HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        values(&headers, "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(
        values(&headers, "access-control-allow-credentials"),
        ["true"]
    );
    assert_eq!(values(&headers, "vary"), ["Accept-Encoding, Origin"]);

    let (status, headers) = exchange(
        address,
        "OPTIONS /items HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example.com\r\n\
         Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        values(&headers, "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(
        values(&headers, "vary"),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );

    let (status, headers) = exchange(
        address,
        "GET /items HTTP/1.1\r\nHost: api\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        !headers
            .iter()
            .any(|(name, _)| name.starts_with("access-control-")),
        "{headers:?}"
    );
    assert_eq!(values(&headers, "vary"), ["Accept-Encoding, Origin"]);
}
