//! What the crate says through `tracing`: a policy that fails closed logs one error naming the variable,
//! the entry and the reason, once; `catch_errors` logs the error it answers for; every request that
//! gets no CORS headers says why at debug level, never in the response.

use crate::common::run_in_child_with_env;
use cors_runtime::testing::Env;
use cors_runtime::{Cors, check_policy, cors};
use cors_tests::block_on;
use cors_tests::logs::Logs;
use http::{HeaderMap, HeaderValue, Method};
use lambda_http::{Body, Error, Request, Response};
use tracing::Level;

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn get(origin: &str) -> Request {
    http::Request::get("/")
        .header("origin", origin)
        .body(Body::Empty)
        .unwrap_or_default()
}

#[test]
fn an_invalid_list_is_logged_once_naming_variable_entry_and_reason() {
    let logs = Logs::default();
    let env = Env::new().set(
        "ALLOWED_ORIGINS",
        "https://ok.example https://bad.example/app",
    );
    logs.capture(|| {
        env.scope_sync(|| {
            assert!(check_policy!(handler).is_err());
            // The handler then uses the same closed policy, without saying it again.
            for _ in 0..3 {
                let response = block_on(handler(get("https://ok.example")));
                assert!(
                    response
                        .is_ok_and(|r| r.headers().get("access-control-allow-origin").is_none())
                );
            }
            assert!(check_policy!(handler).is_err());
        });
    });
    let errors = logs.at(Level::ERROR);
    assert_eq!(errors.len(), 1, "logged once: {logs:?}");
    for part in [
        "ALLOWED_ORIGINS",
        "https://bad.example/app",
        "path",
        "failed closed",
    ] {
        assert!(errors[0].contains(part), "{part:?} in {}", errors[0]);
    }
}

#[test]
fn an_unset_variable_is_logged_naming_it() {
    let logs = Logs::default();
    logs.capture(|| {
        Env::new()
            .unset("ALLOWED_ORIGINS")
            .scope_sync(|| drop(block_on(handler(get("https://ok.example")))));
    });
    let errors = logs.at(Level::ERROR);
    assert_eq!(errors.len(), 1, "{logs:?}");
    assert!(errors[0].contains("ALLOWED_ORIGINS"), "{logs:?}");
    assert!(errors[0].contains("not set"), "{logs:?}");
}

#[derive(Debug)]
struct Secret;

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database password rejected")
    }
}

#[cors(origins = ["https://app.example.com"], catch_errors)]
async fn failing(_event: Request) -> Result<Response<Body>, Secret> {
    Err(Secret)
}

#[test]
fn catch_errors_logs_the_error_and_answers_without_it() {
    let logs = Logs::default();
    let response = logs.capture(|| block_on(failing(get("https://app.example.com"))));
    let Ok(response) = response else {
        panic!("caught")
    };
    assert_eq!(response.status(), 500);
    assert!(response.body().is_empty());
    let errors = logs.at(Level::ERROR);
    assert_eq!(errors.len(), 1, "{logs:?}");
    assert!(errors[0].contains("database password rejected"), "{logs:?}");
}

/// The debug events say why a request got no CORS headers, for each reason.
#[test]
fn refusals_are_explained_at_debug_level() {
    let cors = Cors::builder()
        .origins(["https://app.example.com"])
        .credentials()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let request = |pairs: &[(&'static str, &str)]| {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append(*name, value);
            }
        }
        headers
    };
    let cases: Vec<(Method, HeaderMap, &str)> = vec![
        (
            Method::GET,
            request(&[("origin", "https://evil.example")]),
            "origin not allowed",
        ),
        (
            Method::GET,
            request(&[("origin", "https://app.example.com/")]),
            "malformed Origin",
        ),
        (
            Method::GET,
            request(&[
                ("origin", "https://app.example.com"),
                ("origin", "https://app.example.com"),
            ]),
            "more than one Origin",
        ),
        (
            Method::OPTIONS,
            request(&[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PURGE"),
            ]),
            "method is not allowed",
        ),
        (
            Method::OPTIONS,
            request(&[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x-secret"),
            ]),
            "header is not allowed",
        ),
    ];
    for (method, headers, why) in cases {
        let logs = Logs::default();
        logs.capture(|| drop(crate::common::check(&cors, &method, &headers)));
        let debug = logs.at(Level::DEBUG);
        assert_eq!(debug.len(), 1, "{why}: {logs:?}");
        assert!(debug[0].contains(why), "{why}: {logs:?}");
    }
    // A policy that failed closed says so, at debug level, for each request with an origin.
    let logs = Logs::default();
    logs.capture(|| {
        Env::new().unset("ALLOWED_ORIGINS").scope_sync(|| {
            drop(block_on(handler(get("https://app.example.com"))));
        });
    });
    let debug = logs.at(Level::DEBUG);
    assert!(
        debug.iter().any(|event| event.contains("failed closed")),
        "{logs:?}"
    );
}

/// A credentialed request from `origin` to the API at `host` over https, as API Gateway passes it.
fn to_api(origin: &str, host: &str) -> Request {
    http::Request::get("/me")
        .header("origin", origin)
        .header("host", host)
        .header("x-forwarded-proto", "https")
        .body(Body::Empty)
        .unwrap_or_default()
}

#[cors(
    origins = ["https://app.example.com", "https://shop.example.org", "https://*.tenants.example.net"],
    credentials
)]
async fn account(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

#[test]
fn credentials_for_a_page_on_another_site_warn_once_per_origin() {
    // In a process of its own: `tracing` caches each callsite's interest, and a callsite that other
    // tests' threads (without a subscriber) register while this thread's subscriber is being set up
    // can be cached as uninteresting to it, which loses the one event this test is about.
    if run_in_child_with_env(
        "logging::credentials_for_a_page_on_another_site_warn_once_per_origin",
        &[],
    ) {
        return;
    }
    let logs = Logs::default();
    logs.capture(|| {
        for _ in 0..3 {
            // The page and the API on one site: cookies work, nothing to say.
            let response = block_on(account(to_api(
                "https://app.example.com",
                "api.example.com",
            )));
            assert!(
                response.is_ok_and(|r| r.headers().contains_key("access-control-allow-origin"))
            );
            // Another site: allowed all the same, and said once.
            let response = block_on(account(to_api(
                "https://shop.example.org",
                "api.example.com",
            )));
            assert!(
                response.is_ok_and(|r| r.headers().contains_key("access-control-allow-origin"))
            );
            let _ = block_on(account(to_api(
                "https://a.tenants.example.net",
                "api.example.com",
            )));
        }
    });
    let warnings = logs.at(Level::WARN);
    assert_eq!(warnings.len(), 2, "once per entry: {logs:?}");
    for part in [
        "https://shop.example.org",
        "page_site=https://example.org",
        "api_site=https://example.com",
        "partition",
        "#cookies-across-sites",
    ] {
        assert!(warnings[0].contains(part), "{part:?} in {}", warnings[0]);
    }
    assert!(
        warnings[1].contains("https://a.tenants.example.net"),
        "{}",
        warnings[1]
    );
}
