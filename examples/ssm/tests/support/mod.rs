//! What the tests against moto share: the environment they refuse to run without, the SSM writes
//! that set up each case, and requests as a browser sends them.
//!
//! Each test binary holds one test: the SSM client is one per process (as in a Lambda function) and
//! its pooled connections belong to the tokio runtime that opened them, which each `#[tokio::test]`
//! drops when it ends.

// Each test binary compiles this module and uses its own part of it.
#![allow(dead_code)]

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use aws_sdk_ssm::error::DisplayErrorContext;
use aws_sdk_ssm::types::ParameterType;
use cors_example_ssm::{ORIGINS_PARAMETER, client};
use lambda_http::http::{HeaderMap, Method};
use lambda_http::{Body, Request, Response};

/// The variable the SDK reads the endpoint override from: the test checks the very value the handler's
/// client uses, so the two cannot point at different servers.
const ENDPOINT: &str = "AWS_ENDPOINT_URL_SSM";

/// Fails the test, with what to do, unless the SDK will talk to a moto server on this machine that
/// answers, with static credentials (so no credential provider goes looking on the network).
pub(crate) fn moto() {
    let endpoint = required(ENDPOINT);
    let Some(authority) = endpoint.strip_prefix("http://") else {
        panic!(
            "{ENDPOINT}=`{endpoint}`: expected moto's plain http endpoint, http://127.0.0.1:PORT"
        );
    };
    let authority = authority.trim_end_matches('/');
    let addresses: Vec<_> = match authority.to_socket_addrs() {
        Ok(addresses) => addresses.collect(),
        Err(error) => panic!("{ENDPOINT}=`{endpoint}`: not a host and port: {error}"),
    };
    assert!(
        !addresses.is_empty() && addresses.iter().all(|address| address.ip().is_loopback()),
        "{ENDPOINT}=`{endpoint}`: these tests only talk to an emulator on this machine (loopback)"
    );
    let reachable = addresses
        .iter()
        .any(|address| TcpStream::connect_timeout(address, Duration::from_secs(2)).is_ok());
    assert!(
        reachable,
        "{ENDPOINT}=`{endpoint}`: nothing answers there; start moto (`scripts/test-ssm` does)"
    );
    if let Ok(ignore) = std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        assert!(
            !ignore.eq_ignore_ascii_case("true"),
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: the SDK would ignore {ENDPOINT} and call AWS"
        );
    }
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] {
        required(name);
    }
}

fn required(name: &str) -> String {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => value,
        _ => panic!(
            "{name} is not set: these tests run against a moto server; `scripts/test-ssm` starts one \
             and sets {ENDPOINT}, {ORIGINS_PARAMETER}, AWS_REGION and dummy credentials"
        ),
    }
}

/// The parameter the handler reads.
pub(crate) fn origins_parameter() -> String {
    required(ORIGINS_PARAMETER)
}

/// Creates or overwrites the parameter `name`, as an operator would to change the allowlist.
pub(crate) async fn put(name: &str, kind: ParameterType, origins: &[&str]) {
    let written = client()
        .await
        .put_parameter()
        .name(name)
        .r#type(kind)
        .value(origins.join(","))
        .overwrite(true)
        .send()
        .await;
    if let Err(error) = written {
        panic!("putting `{name}` in moto: {}", DisplayErrorContext(error));
    }
}

/// Deletes the parameter `name`; one that is not there is what the caller wants.
pub(crate) async fn delete(name: &str) {
    if let Err(error) = client().await.delete_parameter().name(name).send().await {
        let not_found = error
            .as_service_error()
            .is_some_and(|error| error.is_parameter_not_found());
        assert!(
            not_found,
            "deleting `{name}` in moto: {}",
            DisplayErrorContext(error)
        );
    }
}

/// A cross-origin `GET /` from a page on `origin`.
pub(crate) fn get(origin: &str) -> Request {
    request(Method::GET, origin, &[])
}

/// The browser's preflight for a credentialed `PUT` from `origin`.
pub(crate) fn preflight(origin: &str) -> Request {
    request(
        Method::OPTIONS,
        origin,
        &[("access-control-request-method", "PUT")],
    )
}

fn request(method: Method, origin: &str, headers: &[(&str, &str)]) -> Request {
    let mut builder = lambda_http::http::Request::builder()
        .method(method)
        .uri("https://api.example.net/")
        .header("origin", origin);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    match builder.body(Body::Empty) {
        Ok(request) => request,
        Err(error) => panic!("building a request from `{origin}`: {error}"),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    assert!(values.next().is_none(), "`{name}` is sent more than once");
    Some(value.to_str().unwrap_or("<not visible ASCII>"))
}

/// `origin` may read the response, with its cookies.
#[track_caller]
pub(crate) fn assert_allowed(response: &Response<Body>, origin: &str) {
    let headers = response.headers();
    assert_eq!(
        header(headers, "access-control-allow-origin"),
        Some(origin),
        "{origin} is allowed: {headers:?}"
    );
    assert_eq!(
        header(headers, "access-control-allow-credentials"),
        Some("true"),
        "{headers:?}"
    );
    assert_eq!(header(headers, "vary"), Some("Origin"), "{headers:?}");
}

/// The response carries no permission for the requesting origin, and still tells caches it depends
/// on `Origin`.
#[track_caller]
pub(crate) fn assert_refused(response: &Response<Body>, origin: &str) {
    let headers = response.headers();
    assert_eq!(
        header(headers, "access-control-allow-origin"),
        None,
        "{origin} is refused: {headers:?}"
    );
    assert_eq!(
        header(headers, "access-control-allow-credentials"),
        None,
        "{headers:?}"
    );
    assert_eq!(header(headers, "vary"), Some("Origin"), "{headers:?}");
}
