//! The same policies without the macro: a [`Cors`] from [`Cors::builder`], used through
//! [`Cors::handle`] or [`Cors::check`] + [`Decision`] + [`Actual::apply`], gives byte-for-byte the
//! responses the `#[cors(...)]` handler with the same settings gives, through every source. An invalid
//! builder configuration is a [`ConfigError`], never a panic.

// Test code: the `LazyLock` policies below are valid by construction; a failed expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::ffi::OsStr;
use std::sync::LazyLock;
use std::time::Duration;

use crate::common::{ACAC, ACAO, get, preflight, run_in_child_with_env, send};
use cors_runtime::{Actual, ConfigError, ConfigErrorKind, Cors, Decision, Setting, cors};
use cors_tests::{Call, Reply, Source};
use lambda_http::http::{self, Method};
use lambda_http::{Body, Error, Request, Response};

/// What every handler here answers: the status from the path, plus a `Vary` of its own and a CORS
/// header the policy must replace.
fn answer(request: &Request) -> Response<Body> {
    let mut response = crate::common::status_response("handler", request);
    let headers = response.headers_mut();
    headers.insert(http::header::VARY, http::HeaderValue::from_static("Accept"));
    headers.insert(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        http::HeaderValue::from_static("*"),
    );
    response
}

/// A policy used without the macro, both ways the runtime offers.
async fn through_handle(cors: &Cors, request: Request) -> Result<Response<Body>, Error> {
    cors.handle(request, |request| async move { Ok(answer(&request)) })
        .await
}

async fn through_check(cors: &Cors, request: Request) -> Result<Response<Body>, Error> {
    match cors.check(&request) {
        Decision::Preflight(preflight) => Ok(preflight.into_response()),
        Decision::Actual(actual) => {
            let mut response = answer(&request);
            actual.apply(&mut response);
            Ok(response)
        }
    }
}

// ---------------------------------------------------------------------------
// The same policy, written three ways
// ---------------------------------------------------------------------------

#[cors(
    origins = ["https://app.example.com", "https://*.example.org", "http://localhost:3000"],
    credentials,
    methods = ["PUT", "patch"],
    headers = ["x-api-key", "content-type"],
    expose_headers = ["x-request-id"],
    max_age = 600
)]
async fn allowlist_macro(event: Request) -> Result<Response<Body>, Error> {
    Ok(answer(&event))
}

static ALLOWLIST: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins([
            "https://app.example.com",
            "https://*.example.org",
            "http://localhost:3000",
        ])
        .credentials()
        .methods(["PUT", "patch"])
        .headers(["x-api-key", "content-type"])
        .expose_headers(["x-request-id"])
        .max_age(Duration::from_secs(600))
        .build()
        .expect("a valid policy")
});

#[cors]
async fn any_macro(event: Request) -> Result<Response<Body>, Error> {
    Ok(answer(&event))
}

static ANY: LazyLock<Cors> = LazyLock::new(|| Cors::builder().build().expect("the default policy"));

#[cors(origins = ["https://app.example.com"], methods = "*", headers = "*", expose_headers = "*")]
async fn wildcards_macro(event: Request) -> Result<Response<Body>, Error> {
    Ok(answer(&event))
}

static WILDCARDS: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins(["https://app.example.com"])
        .any_method()
        .any_header()
        .expose_any_header()
        .build()
        .expect("a valid policy")
});

/// Ordinary requests and preflights covering every branch: allowed, disallowed, malformed and missing
/// origins; allowed and refused methods and headers; error statuses.
fn calls() -> Vec<Call> {
    let origins = [
        "https://app.example.com",
        "https://a.b.example.org",
        "http://localhost:3000",
        "https://example.org",
        "https://evil.example",
        "null",
        "https://app.example.com/",
        "https://app.example.com,https://evil.example",
        "",
    ];
    let mut calls = Vec::new();
    for origin in origins {
        calls.push(get(Some(origin)));
        calls.push(Call::new("POST", "/items/500").header("Origin", origin));
        calls.push(Call::new("OPTIONS", "/items").header("Origin", origin));
        for (method, headers) in [
            ("PUT", None),
            ("patch", Some("x-api-key")),
            ("PATCH", None),
            ("GET", Some("X-Api-Key,Content-Type")),
            ("DELETE", Some("content-type")),
            ("PUT", Some("authorization")),
            ("PUT", Some("x-api-key,x-other")),
        ] {
            calls.push(preflight(origin, method, headers));
        }
    }
    calls.push(get(None));
    calls.push(Call::new("OPTIONS", "/items").header("Access-Control-Request-Method", "PUT"));
    calls.push(get(Some("https://app.example.com")).header("Origin", "https://evil.example"));
    calls
}

/// Status, body and every header line, sorted, as the browser gets them.
fn seen(reply: &Reply) -> (u16, String, Vec<(String, String)>) {
    let mut headers = reply.headers().to_vec();
    headers.sort();
    (reply.status, reply.body.clone(), headers)
}

async fn assert_same_as_macro<M, Fut>(macro_handler: M, cors: &'static LazyLock<Cors>)
where
    M: FnMut(Request) -> Fut + Copy,
    Fut: Future<Output = Result<Response<Body>, Error>> + Send,
{
    for call in calls() {
        for source in Source::ALL {
            let expected = seen(&send(macro_handler, source, &call).await);
            let handled = send(|request| through_handle(cors, request), source, &call).await;
            assert_eq!(seen(&handled), expected, "{source}: Cors::handle, {call:?}");
            let checked = send(|request| through_check(cors, request), source, &call).await;
            assert_eq!(seen(&checked), expected, "{source}: Cors::check, {call:?}");
        }
    }
}

#[tokio::test]
async fn builder_allowlist_policy_answers_like_the_macro() {
    assert_same_as_macro(allowlist_macro, &ALLOWLIST).await;
}

#[tokio::test]
async fn builder_default_policy_answers_like_bare_cors() {
    assert_same_as_macro(any_macro, &ANY).await;
}

#[tokio::test]
async fn builder_wildcard_lists_answer_like_the_macro() {
    assert_same_as_macro(wildcards_macro, &WILDCARDS).await;
}

// ---------------------------------------------------------------------------
// The runtime API itself
// ---------------------------------------------------------------------------

fn http_request(method: &str, headers: &[(&str, &str)]) -> http::Request<()> {
    let mut request = http::Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri("/items");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap()
}

#[test]
fn check_tells_preflights_from_ordinary_requests() {
    let app = ("origin", "https://app.example.com");
    let acrm = ("access-control-request-method", "PUT");
    let Decision::Preflight(allowed) = ALLOWLIST.check(&http_request("OPTIONS", &[app, acrm]))
    else {
        panic!("OPTIONS + Origin + ACRM is a preflight");
    };
    assert!(allowed.is_allowed());
    assert_eq!(allowed.status(), 204);
    assert_eq!(allowed.headers()[ACAO], "https://app.example.com");
    assert_eq!(allowed.headers()[ACAC], "true");

    let evil = ("origin", "https://evil.example");
    let Decision::Preflight(refused) = ALLOWLIST.check(&http_request("OPTIONS", &[evil, acrm]))
    else {
        panic!("a refused preflight is still a preflight");
    };
    assert!(!refused.is_allowed());
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .headers()
            .keys()
            .all(|name| !name.as_str().starts_with("access-control-"))
    );
    let response: http::Response<String> = refused.into_response();
    assert_eq!(
        (response.status().as_u16(), response.body().as_str()),
        (403, "")
    );
    assert_eq!(
        response.headers()["vary"],
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    );

    for (method, headers) in [
        ("OPTIONS", vec![app]),
        ("OPTIONS", vec![acrm]),
        ("GET", vec![app, acrm]),
        ("GET", vec![]),
    ] {
        assert!(
            matches!(
                ALLOWLIST.check(&http_request(method, &headers)),
                Decision::Actual(_)
            ),
            "{method} {headers:?} is an ordinary request"
        );
    }
}

fn actual<'a>(cors: &'a Cors, origin: Option<&str>) -> Actual<'a> {
    let headers: Vec<_> = origin.map(|o| ("origin", o)).into_iter().collect();
    match cors.check(&http_request("GET", &headers)) {
        Decision::Actual(actual) => actual,
        Decision::Preflight(_) => panic!("a GET is never a preflight"),
    }
}

#[test]
fn actual_apply_replaces_handler_cors_headers_and_merges_vary() {
    let mut response = http::Response::builder()
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-origin", "https://evil.example")
        .header("access-control-allow-credentials", "false")
        .header("vary", "accept-encoding")
        .header("vary", "ORIGIN")
        .body(())
        .unwrap();
    let allowed = actual(&ALLOWLIST, Some("https://app.example.com"));
    assert!(allowed.is_allowed());
    allowed.apply(&mut response);
    let values = |name: &str| -> Vec<&str> {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    };
    assert_eq!(values(ACAO), ["https://app.example.com"]);
    assert_eq!(values(ACAC), ["true"]);
    assert_eq!(values("access-control-expose-headers"), ["x-request-id"]);
    assert_eq!(values("vary"), ["accept-encoding, ORIGIN"]);

    let mut response = http::Response::builder()
        .header("access-control-allow-origin", "https://evil.example")
        .body(())
        .unwrap();
    let refused = actual(&ALLOWLIST, Some("https://evil.example"));
    assert!(!refused.is_allowed());
    refused.apply(&mut response);
    assert!(
        response
            .headers()
            .keys()
            .all(|name| !name.as_str().starts_with("access-control-"))
    );
    assert_eq!(response.headers()["vary"], "Origin");

    assert!(
        actual(&ANY, None).is_allowed(),
        "`*` allows requests without Origin too"
    );
    let mut response = http::Response::new(());
    actual(&ANY, None).apply(&mut response);
    assert_eq!(response.headers()[ACAO], "*");
    assert!(!response.headers().contains_key("vary"));
}

#[tokio::test]
async fn handle_skips_the_handler_on_preflights_and_propagates_its_error() {
    let preflight = http_request(
        "OPTIONS",
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "PUT"),
        ],
    );
    let response = ALLOWLIST
        .handle(preflight, |_request| async {
            panic!("the handler must not run on a preflight");
            #[allow(unreachable_code)]
            Ok::<http::Response<String>, Infallible>(http::Response::default())
        })
        .await;
    assert_eq!(
        response.map(|r| r.status()),
        Ok(http::StatusCode::NO_CONTENT)
    );

    let ordinary = http_request("GET", &[("origin", "https://app.example.com")]);
    let result = ALLOWLIST
        .handle(ordinary, |_request| async {
            Err::<http::Response<String>, _>("boom")
        })
        .await;
    assert_eq!(result.err(), Some("boom"));
}

#[test]
fn builder_origins_are_canonicalised_like_env_entries() {
    let cors = Cors::builder()
        .origins([
            "HTTPS://App.Example.com:443/",
            "https://bücher.example",
            "https://*.Example.ORG",
        ])
        .build()
        .unwrap();
    for origin in [
        "https://app.example.com",
        "https://xn--bcher-kva.example",
        "https://a.example.org",
    ] {
        let allowed = actual(&cors, Some(origin));
        assert!(allowed.is_allowed(), "{origin}");
    }
    for origin in [
        "HTTPS://App.Example.com:443/",
        "https://app.example.com:443",
        "https://bücher.example",
    ] {
        assert!(!actual(&cors, Some(origin)).is_allowed(), "{origin}");
    }
}

// ---------------------------------------------------------------------------
// Invalid configurations
// ---------------------------------------------------------------------------

#[test]
fn invalid_builder_configs_are_errors_not_panics() {
    let app = ["https://app.example.com"];
    let cases: Vec<(Result<Cors, ConfigError>, &str)> = vec![
        (
            Cors::builder()
                .origins(["https://app.example.com/login"])
                .build(),
            "path",
        ),
        (
            Cors::builder()
                .origins(["https://app.example.com?x"])
                .build(),
            "query",
        ),
        (
            Cors::builder()
                .origins(["https://app.example.com#x"])
                .build(),
            "fragment",
        ),
        (
            Cors::builder()
                .origins(["https://me@app.example.com"])
                .build(),
            "user:password@",
        ),
        (
            Cors::builder().origins(["ftp://app.example.com"]).build(),
            "scheme",
        ),
        (
            Cors::builder().origins(["app.example.com"]).build(),
            "scheme",
        ),
        (Cors::builder().origins(["null"]).build(), "null"),
        (Cors::builder().origins(["*"]).build(), "*"),
        (
            Cors::builder().origins(["https://*example.com"]).build(),
            "*",
        ),
        (
            Cors::builder().origins(["https://a.*.example.com"]).build(),
            "*",
        ),
        (
            Cors::builder().origins(["https://*.10.0.0.1"]).build(),
            "IP",
        ),
        (
            Cors::builder()
                .origins(["https://app.example.com:99999"])
                .build(),
            "port",
        ),
        (Cors::builder().origins([""]).build(), "empty"),
        (
            Cors::builder().origins(Vec::<String>::new()).build(),
            "empty",
        ),
        (Cors::builder().credentials().build(), "origins"),
        (
            Cors::builder().any_origin().credentials().build(),
            "origins",
        ),
        (
            Cors::builder()
                .origins(app)
                .credentials()
                .any_method()
                .build(),
            "methods",
        ),
        (
            Cors::builder()
                .origins(app)
                .credentials()
                .any_header()
                .build(),
            "headers",
        ),
        (
            Cors::builder()
                .origins(app)
                .credentials()
                .expose_any_header()
                .build(),
            "expose_headers",
        ),
        (Cors::builder().methods(["GE T"]).build(), "GE T"),
        (Cors::builder().methods(["get"]).build(), "GET"),
        (Cors::builder().methods([""]).build(), "empty"),
        (Cors::builder().methods(["*"]).build(), "*"),
        (Cors::builder().headers(["x api"]).build(), "x api"),
        (Cors::builder().headers(["x-a,x-b"]).build(), "x-a,x-b"),
        (Cors::builder().expose_headers(["*"]).build(), "*"),
        (Cors::builder().expose_headers(["x:y"]).build(), "x:y"),
        (
            Cors::builder().max_age(Duration::from_secs(86_401)).build(),
            "86401",
        ),
        (
            Cors::builder()
                .max_age(Duration::from_secs(u64::MAX))
                .build(),
            "max_age",
        ),
        (Cors::builder().origins_env("").build(), "empty"),
        (
            Cors::builder().origins_env("ALLOWED-ORIGINS").build(),
            "ALLOWED-ORIGINS",
        ),
        (Cors::builder().origins_env("1ORIGINS").build(), "1ORIGINS"),
        (
            Cors::builder()
                .origins_env("CORS_TESTS_BUILDER_NEVER_SET")
                .credentials()
                .build(),
            "CORS_TESTS_BUILDER_NEVER_SET",
        ),
    ];
    for (result, mentions) in cases {
        let message = match result {
            Ok(cors) => panic!("expected an error mentioning {mentions:?}, got {cors:?}"),
            Err(error) => error.to_string(),
        };
        assert!(
            message.contains(mentions),
            "{message:?} should mention {mentions:?}"
        );
    }
    let kind = |result: Result<Cors, ConfigError>| result.err().map(|e| (e.kind(), e.setting()));
    assert_eq!(
        kind(Cors::builder().credentials().build()),
        Some((
            ConfigErrorKind::CredentialsWithoutOrigins,
            Some(Setting::Credentials)
        ))
    );
    assert_eq!(
        kind(Cors::builder().any_origin().credentials().build()),
        Some((
            ConfigErrorKind::WildcardWithCredentials,
            Some(Setting::Origins)
        ))
    );
    assert_eq!(
        kind(Cors::builder().origins(Vec::<String>::new()).build()),
        Some((ConfigErrorKind::EmptyOrigins, Some(Setting::Origins)))
    );
    assert_eq!(
        kind(Cors::builder().max_age(Duration::from_secs(86_401)).build()),
        Some((ConfigErrorKind::MaxAge, Some(Setting::MaxAge)))
    );
    let unset = Cors::builder()
        .origins_env("CORS_TESTS_BUILDER_NEVER_SET")
        .build();
    assert_eq!(
        unset.as_ref().err().map(ConfigError::kind),
        Some(ConfigErrorKind::EnvMissing)
    );
    assert_eq!(
        unset.as_ref().err().and_then(ConfigError::var),
        Some("CORS_TESTS_BUILDER_NEVER_SET")
    );
}

#[test]
fn valid_edge_configs_build() {
    assert!(
        Cors::builder()
            .max_age(Duration::from_secs(86_400))
            .build()
            .is_ok()
    );
    assert!(
        Cors::builder()
            .max_age(Duration::from_secs(0))
            .build()
            .is_ok()
    );
    assert!(Cors::builder().methods(["patch", "PURGE"]).build().is_ok());
    assert!(Cors::builder().headers(["X-Api-Key"]).build().is_ok());
    assert!(
        Cors::builder()
            .origins(["http://[::1]:8080", "http://localhost:3000"])
            .credentials()
            .build()
            .is_ok()
    );
}

// ---------------------------------------------------------------------------
// `origins_env` with the builder (read at `build`, not cached)
// ---------------------------------------------------------------------------

#[cors(origins_env = "CORS_TESTS_BUILDER_ENV", credentials)]
async fn env_macro(event: Request) -> Result<Response<Body>, Error> {
    Ok(answer(&event))
}

static ENV: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins_env("CORS_TESTS_BUILDER_ENV")
        .credentials()
        .build()
        .expect("the child sets CORS_TESTS_BUILDER_ENV")
});

#[tokio::test]
async fn builder_origins_env_answers_like_the_macro() {
    // See env.rs for why the variable is set in a child process.
    if run_in_child_with_env(
        "builder::builder_origins_env_answers_like_the_macro",
        &[(
            "CORS_TESTS_BUILDER_ENV",
            Some(OsStr::new(
                "HTTPS://App.Example.com:443/ https://*.example.org http://localhost:3000",
            )),
        )],
    ) {
        return;
    }
    // Same list as ALLOWLIST, same defaults otherwise: compare with the macro reading the same variable.
    for call in calls() {
        for source in Source::ALL {
            let expected = seen(&send(env_macro, source, &call).await);
            let handled = send(|request| through_handle(&ENV, request), source, &call).await;
            assert_eq!(seen(&handled), expected, "{source}: {call:?}");
        }
    }
}
