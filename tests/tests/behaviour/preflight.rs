//! Preflights: exactly `OPTIONS` with `Origin` and `Access-Control-Request-Method` is answered without
//! running the handler, `204` with the policy's headers when the origin, the method and every requested
//! header are allowed, `403` with no `Access-Control-*` header otherwise; both with an empty body and
//! `Vary` on `Origin`, the request method and the request headers. Any other `OPTIONS` is an ordinary
//! request for the handler. Handler calls are counted with one `AtomicUsize` per handler (tests run in
//! parallel, so no two tests share a counter).

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{
    ACAC, ACAH, ACAM, ACAO, ACMA, VARY_ORIGIN, VARY_PREFLIGHT, assert_not_allowed,
    assert_refused_preflight, assert_vary_is, one, preflight, send_all,
};
use cors_runtime::cors;
use cors_tests::{Call, Reply, Source};
use lambda_http::{Body, Error, Request, Response};

const APP: &str = "https://app.example.com";

/// An allowed preflight: 204, empty body, ACAO = `origin` once, `ACAC: true`, `Vary` on all three.
fn assert_allowed_preflight(reply: &Reply, origin: &str) {
    let source = reply.source;
    assert_eq!(reply.status, 204, "{source}: an allowed preflight is 204");
    assert_eq!(reply.body, "", "{source}: an allowed preflight has no body");
    assert_eq!(reply.header_values(ACAO), [origin], "{source}");
    assert_eq!(reply.header_values(ACAC), ["true"], "{source}");
    assert_vary_is(reply, VARY_PREFLIGHT);
}

// ---------------------------------------------------------------------------
// Which requests are preflights
// ---------------------------------------------------------------------------

static DETECT_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], credentials)]
async fn detect(_event: Request) -> Result<Response<Body>, Error> {
    DETECT_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::builder()
        .status(200)
        .header("allow", "GET, OPTIONS")
        .body(Body::from("handler"))?)
}

#[tokio::test]
async fn preflight_detection_is_spec_exact() {
    // OPTIONS + Origin + ACRM: a preflight, the handler is not called.
    let before = DETECT_CALLS.load(Ordering::SeqCst);
    for reply in send_all(detect, &preflight(APP, "PUT", None)).await {
        assert_allowed_preflight(&reply, APP);
    }
    for reply in send_all(detect, &preflight("https://evil.example", "PUT", None)).await {
        assert_refused_preflight(&reply, VARY_PREFLIGHT);
    }
    assert_eq!(
        DETECT_CALLS.load(Ordering::SeqCst),
        before,
        "preflights (allowed or refused) never reach the handler"
    );

    // OPTIONS without ACRM: an ordinary request from an allowed origin.
    let no_acrm = Call::new("OPTIONS", "/items").header("Origin", APP);
    for reply in send_all(detect, &no_acrm).await {
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, "handler"),
            "{}",
            reply.source
        );
        assert_eq!(
            reply.header("allow").as_deref(),
            Some("GET, OPTIONS"),
            "{}",
            reply.source
        );
        assert_eq!(reply.header_values(ACAO), [APP], "{}", reply.source);
        assert_eq!(reply.header_values(ACAC), ["true"], "{}", reply.source);
        assert!(reply.header_values(ACAM).is_empty(), "{}", reply.source);
        assert_vary_is(&reply, VARY_ORIGIN);
    }
    // OPTIONS with ACRM but without Origin: an ordinary request with no origin.
    let no_origin = Call::new("OPTIONS", "/items")
        .header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "content-type");
    for reply in send_all(detect, &no_origin).await {
        assert_not_allowed(&reply, 200, "handler");
    }
    // Origin + ACRM on another method: an ordinary request.
    for method in ["GET", "POST", "PUT"] {
        let call = Call::new(method, "/items")
            .header("Origin", APP)
            .header("Access-Control-Request-Method", "PUT");
        for reply in send_all(detect, &call).await {
            assert_eq!(reply.body, "handler", "{}", reply.source);
            assert_eq!(reply.header_values(ACAO), [APP], "{}", reply.source);
        }
    }
    // Each of the 3 ordinary kinds (1 + 1 + 3 requests) ran the handler once per source.
    assert_eq!(
        DETECT_CALLS.load(Ordering::SeqCst),
        before + 5 * Source::ALL.len()
    );
}

// ---------------------------------------------------------------------------
// Allowed preflights
// ---------------------------------------------------------------------------

static DEFAULTS_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com", "https://*.example.org"], credentials)]
async fn defaults(_event: Request) -> Result<Response<Body>, Error> {
    DEFAULTS_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn allowed_preflight_answers_204_with_the_default_lists() {
    for origin in [APP, "https://a.b.example.org"] {
        for method in ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"] {
            for headers in [None, Some("content-type"), Some("Content-Type")] {
                for reply in send_all(defaults, &preflight(origin, method, headers)).await {
                    let source = reply.source;
                    assert_allowed_preflight(&reply, origin);
                    assert_eq!(
                        one(&reply, ACAM),
                        "GET, HEAD, PUT, PATCH, POST, DELETE",
                        "{source}"
                    );
                    assert_eq!(one(&reply, ACAH), "content-type", "{source}");
                    assert!(reply.header_values(ACMA).is_empty(), "{source}: no max_age");
                }
            }
        }
    }
    assert_eq!(DEFAULTS_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn default_policy_refuses_other_methods_and_headers() {
    for (method, headers) in [
        ("OPTIONS", None),
        ("PURGE", None),
        ("patch", None),
        ("Put", None),
        ("PUT", Some("x-api-key")),
        ("PUT", Some("authorization")),
        ("PUT", Some("content-type,authorization")),
    ] {
        for reply in send_all(defaults, &preflight(APP, method, headers)).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(DEFAULTS_CALLS.load(Ordering::SeqCst), 0);
}

static CONFIGURED_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(
    origins = ["https://app.example.com"],
    credentials,
    methods = ["PUT", "PURGE", "patch"],
    headers = ["X-Api-Key", "content-type", "x-requested-with"],
    max_age = 600
)]
async fn configured(_event: Request) -> Result<Response<Body>, Error> {
    CONFIGURED_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn allowed_preflight_sends_the_configured_lists_in_exact_case_and_max_age() {
    for (method, headers) in [
        ("PUT", Some("x-api-key")),
        ("PURGE", Some("content-type,x-api-key")),
        ("patch", Some("X-API-KEY, Content-Type , x-requested-with")),
        ("PUT", None),
    ] {
        for reply in send_all(configured, &preflight(APP, method, headers)).await {
            let source = reply.source;
            assert_allowed_preflight(&reply, APP);
            assert_eq!(one(&reply, ACAM), "PUT, PURGE, patch", "{source}");
            assert_eq!(
                one(&reply, ACAH),
                "x-api-key, content-type, x-requested-with",
                "{source}"
            );
            assert_eq!(one(&reply, ACMA), "600", "{source}");
        }
    }
    assert_eq!(CONFIGURED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn safelisted_methods_are_allowed_even_if_not_configured() {
    for method in ["GET", "HEAD", "POST"] {
        for reply in send_all(configured, &preflight(APP, method, None)).await {
            assert_allowed_preflight(&reply, APP);
            assert_eq!(one(&reply, ACAM), "PUT, PURGE, patch", "{}", reply.source);
        }
    }
    // Safelisting is case-sensitive too: browsers only normalise these six names to uppercase.
    for method in ["DELETE", "get", "Post"] {
        for reply in send_all(configured, &preflight(APP, method, None)).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(CONFIGURED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn method_names_are_case_sensitive() {
    for method in ["put", "Put", "purge", "PATCH", "Patch"] {
        for reply in send_all(configured, &preflight(APP, method, None)).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    for reply in send_all(configured, &preflight(APP, "patch", None)).await {
        assert_allowed_preflight(&reply, APP);
    }
    assert_eq!(CONFIGURED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn header_names_are_case_insensitive() {
    for headers in [
        "X-Api-Key",
        "X-API-KEY",
        "x-api-key",
        "CONTENT-TYPE,X-Requested-With",
    ] {
        for reply in send_all(configured, &preflight(APP, "PUT", Some(headers))).await {
            assert_allowed_preflight(&reply, APP);
        }
    }
    assert_eq!(CONFIGURED_CALLS.load(Ordering::SeqCst), 0);
}

static NO_MAX_AGE_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], max_age = 0)]
async fn zero_max_age(_event: Request) -> Result<Response<Body>, Error> {
    NO_MAX_AGE_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn allowed_preflight_without_credentials_sends_no_acac_and_max_age_zero_is_sent() {
    for reply in send_all(zero_max_age, &preflight(APP, "DELETE", None)).await {
        let source = reply.source;
        assert_eq!(reply.status, 204, "{source}");
        assert_eq!(reply.header_values(ACAO), [APP], "{source}");
        assert!(reply.header_values(ACAC).is_empty(), "{source}");
        assert_eq!(one(&reply, ACMA), "0", "{source}");
        assert_vary_is(&reply, VARY_PREFLIGHT);
    }
    assert_eq!(NO_MAX_AGE_CALLS.load(Ordering::SeqCst), 0);
}

static ANY_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], headers = "*", methods = "*")]
async fn any_header_or_method(_event: Request) -> Result<Response<Body>, Error> {
    ANY_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn any_headers_echoes_the_requested_names_including_authorization() {
    for (requested, echoed) in [
        ("authorization", "authorization"),
        ("authorization,x-custom", "authorization, x-custom"),
        (
            "Authorization, X-Custom,content-type",
            "authorization, x-custom, content-type",
        ),
    ] {
        for reply in send_all(
            any_header_or_method,
            &preflight(APP, "PUT", Some(requested)),
        )
        .await
        {
            let source = reply.source;
            assert_eq!(reply.status, 204, "{source}");
            assert_eq!(
                one(&reply, ACAH),
                echoed,
                "{source}: not `*`, which never covers Authorization"
            );
            assert_eq!(reply.header_values(ACAO), [APP], "{source}");
            assert_vary_is(&reply, VARY_PREFLIGHT);
        }
    }
    // Nothing requested: nothing to echo.
    for reply in send_all(any_header_or_method, &preflight(APP, "PUT", None)).await {
        assert_eq!(reply.status, 204, "{}", reply.source);
        assert!(reply.header_values(ACAH).is_empty(), "{}", reply.source);
    }
    // A requested "name" that is not a header name is refused, not echoed.
    for requested in ["x-a;x-b", "x a", "x-\u{e9}"] {
        for reply in send_all(
            any_header_or_method,
            &preflight(APP, "PUT", Some(requested)),
        )
        .await
        {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(ANY_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn any_methods_echoes_the_requested_method() {
    for method in ["PURGE", "PATCH", "patch", "DELETE", "GET"] {
        for reply in send_all(any_header_or_method, &preflight(APP, method, None)).await {
            assert_eq!(reply.status, 204, "{}", reply.source);
            assert_eq!(one(&reply, ACAM), method, "{}", reply.source);
        }
    }
    // Not a method token: refused.
    for method in ["PUT,POST", "PUT POST", "", "P\u{c9}T"] {
        for reply in send_all(any_header_or_method, &preflight(APP, method, None)).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(ANY_CALLS.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------
// Refused preflights
// ---------------------------------------------------------------------------

static REFUSED_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(
    origins = ["https://app.example.com", "https://*.example.org"],
    credentials,
    methods = ["PUT"],
    headers = ["x-api-key", "content-type"],
    max_age = 600
)]
async fn refusing(_event: Request) -> Result<Response<Body>, Error> {
    REFUSED_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn preflight_from_a_disallowed_origin_is_refused_without_any_cors_header() {
    let long = format!("https://{}.example.org", "a".repeat(5_000));
    for origin in [
        "https://evil.example",
        "null",
        "",
        "https://app.example.com/",
        "https://APP.example.com",
        "https://example.org",
        "https://evilexample.org",
        "https://example.org.evil.net",
        "http://a.example.org",
        "https://a.example.org:8443",
        "https://app.example.com,https://app.example.com",
        "https://app.ex\u{e4}mple.com",
        &long,
    ] {
        for reply in send_all(refusing, &preflight(origin, "PUT", Some("x-api-key"))).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(REFUSED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn preflight_for_a_method_not_allowed_is_refused() {
    for method in [
        "DELETE", "PATCH", "put", "OPTIONS", "PUT,POST", "PUT, PUT", "",
    ] {
        for reply in send_all(refusing, &preflight(APP, method, None)).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(REFUSED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn preflight_with_one_header_not_allowed_is_refused() {
    for headers in [
        "x-other",
        "x-api-key,x-other",
        "content-type, authorization",
        "x-api-key,content-type,cookie",
        "x-api-key-2",
        "x-api",
        "*",
    ] {
        for reply in send_all(refusing, &preflight(APP, "PUT", Some(headers))).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    assert_eq!(REFUSED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn request_headers_over_the_bound_are_refused() {
    // Allowed names, but far more of them (or far longer) than any browser sends.
    let many = vec!["x-api-key"; 1_000].join(",");
    let long = format!("x-api-key,{}", " ".repeat(10_000));
    let long_name = format!("x-{}", "a".repeat(10_000));
    for headers in [&many, &long, &long_name] {
        for reply in send_all(refusing, &preflight(APP, "PUT", Some(headers))).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
        for reply in send_all(any_header_or_method, &preflight(APP, "PUT", Some(headers))).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
    // A realistic list is well within the bound.
    let realistic = ["x-api-key", "content-type"].repeat(10).join(",");
    for reply in send_all(refusing, &preflight(APP, "PUT", Some(&realistic))).await {
        assert_allowed_preflight(&reply, APP);
    }
    assert_eq!(REFUSED_CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn repeated_preflight_request_headers_are_read_as_the_source_delivers_them() {
    // Two `Access-Control-Request-Method` lines (no browser sends this).
    let call = preflight(APP, "DELETE", None).header("Access-Control-Request-Method", "PUT");
    for reply in send_all(refusing, &call).await {
        match reply.source {
            // REST keeps only the last line (`PUT`), which is allowed.
            Source::RestApi => assert_allowed_preflight(&reply, APP),
            // `DELETE,PUT` (HTTP API, Function URL) or two values (ALB): not one method token.
            Source::HttpApi | Source::FunctionUrl | Source::Alb => {
                assert_refused_preflight(&reply, VARY_PREFLIGHT);
            }
        }
    }
    // Two `Access-Control-Request-Headers` lines: every name of every line must be allowed.
    let call = preflight(APP, "PUT", Some("x-api-key"))
        .header("Access-Control-Request-Headers", "content-type");
    for reply in send_all(refusing, &call).await {
        assert_allowed_preflight(&reply, APP);
    }
    let call = preflight(APP, "PUT", Some("x-evil"))
        .header("Access-Control-Request-Headers", "content-type");
    for reply in send_all(refusing, &call).await {
        match reply.source {
            // REST delivers only the last line, which is allowed.
            Source::RestApi => assert_allowed_preflight(&reply, APP),
            Source::HttpApi | Source::FunctionUrl | Source::Alb => {
                assert_refused_preflight(&reply, VARY_PREFLIGHT);
            }
        }
    }
    assert_eq!(REFUSED_CALLS.load(Ordering::SeqCst), 0);
}

#[cors(
    origins = ["https://app.example.com"],
    credentials,
    methods = ["PUT"],
    headers = ["x-api-key"],
    expose_headers = ["x-request-id"],
    max_age = 600
)]
async fn everything(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn preflight_sends_no_expose_headers_and_ordinary_responses_no_preflight_headers() {
    for reply in send_all(everything, &preflight(APP, "PUT", Some("x-api-key"))).await {
        assert_allowed_preflight(&reply, APP);
        assert!(
            reply.header_values(crate::common::ACEH).is_empty(),
            "{}",
            reply.source
        );
    }
    let call = Call::new("PUT", "/items").header("Origin", APP);
    for reply in send_all(everything, &call).await {
        let source = reply.source;
        assert_eq!(reply.header_values(ACAO), [APP], "{source}");
        assert_eq!(one(&reply, crate::common::ACEH), "x-request-id", "{source}");
        for name in [ACAM, ACAH, ACMA] {
            assert!(reply.header_values(name).is_empty(), "{source}: no {name}");
        }
        assert_vary_is(&reply, VARY_ORIGIN);
    }
}
