//! Origin matching of a literal allowlist (`origins = [...]`) on ordinary requests: an allowed origin is
//! echoed exactly once (with `Access-Control-Allow-Credentials: true` under `credentials`, and
//! `Access-Control-Expose-Headers` when configured); any other `Origin` value, including `null`,
//! malformed and hostile ones, gets no `Access-Control-*` header at all, while the handler still runs and
//! its status and body are kept, and every response varies on `Origin`. Subdomain patterns match one or
//! more extra labels under the base, with the same scheme and port, and nothing else.

use crate::common::{
    ACAC, ACAO, ACEH, VARY_ORIGIN, assert_not_allowed, assert_varies_on, get, one, send_all,
    status_response,
};
use cors_runtime::{check_policy, cors};
use cors_tests::{Call, Reply, Source};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, IntoResponse, Request, Response};

#[cors(
    origins = ["https://app.example.com", "http://localhost:3000", "http://[::1]:8080"],
    credentials,
    expose_headers = ["x-request-id"]
)]
async fn cookies(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("cookies", &event))
}

#[cors(origins = ["https://app.example.com"])]
async fn no_credentials(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("no_credentials", &event))
}

#[cors(origins = ["https://*.example.com", "http://*.dev.example.net:8080"], credentials)]
async fn subdomains(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("subdomains", &event))
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn created(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok((StatusCode::CREATED, "made"))
}

/// The response to an ordinary request from an allowed origin: `origin` echoed exactly once, with
/// `ACAC: true` and the exposed headers, varying on `Origin`.
fn assert_allowed_with_credentials(reply: &Reply, origin: &str) {
    let source = reply.source;
    assert_eq!(
        reply.header_values(ACAO),
        [origin],
        "{source}: echoed exactly once"
    );
    assert_eq!(reply.header_values(ACAC), ["true"], "{source}");
    assert_varies_on(reply, VARY_ORIGIN);
}

#[tokio::test]
async fn allowed_origin_is_echoed_once_with_credentials() {
    for origin in [
        "https://app.example.com",
        "http://localhost:3000",
        "http://[::1]:8080",
    ] {
        for reply in send_all(cookies, &get(Some(origin))).await {
            assert_allowed_with_credentials(&reply, origin);
            assert_eq!(one(&reply, ACEH), "x-request-id", "{}", reply.source);
            assert_eq!(reply.status, 200, "{}", reply.source);
            assert_eq!(reply.body, "cookies:200", "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn allowed_origin_gets_cors_headers_on_error_statuses_too() {
    for status in [400, 401, 404, 500, 503] {
        let call = Call::new("POST", &format!("/items/{status}"))
            .header("Origin", "https://app.example.com");
        for reply in send_all(cookies, &call).await {
            assert_allowed_with_credentials(&reply, "https://app.example.com");
            assert_eq!(reply.status, status, "{}", reply.source);
            assert_eq!(reply.body, format!("cookies:{status}"), "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn impl_into_response_handler_gets_the_same_headers() {
    for reply in send_all(created, &get(Some("https://app.example.com"))).await {
        assert_allowed_with_credentials(&reply, "https://app.example.com");
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (201, "made"),
            "{}",
            reply.source
        );
    }
    for reply in send_all(created, &get(Some("https://evil.example"))).await {
        assert_not_allowed(&reply, 201, "made");
    }
}

#[tokio::test]
async fn allowlist_without_credentials_sends_no_acac() {
    for reply in send_all(no_credentials, &get(Some("https://app.example.com"))).await {
        assert_eq!(
            reply.header_values(ACAO),
            ["https://app.example.com"],
            "{}",
            reply.source
        );
        assert!(reply.header_values(ACAC).is_empty(), "{}", reply.source);
        assert_varies_on(&reply, VARY_ORIGIN);
    }
    for reply in send_all(no_credentials, &get(Some("https://other.example.com"))).await {
        assert_not_allowed(&reply, 200, "no_credentials:200");
    }
}

#[tokio::test]
async fn disallowed_origin_still_varies_on_origin() {
    for origin in [
        "https://evil.example",
        "https://app.example.com.evil.net",
        "https://evilapp.example.com",
        "http://app.example.com",
        "http://localhost:3001",
        "http://localhost",
        "https://localhost:3000",
        "http://[::1]:8081",
    ] {
        for reply in send_all(cookies, &get(Some(origin))).await {
            assert_not_allowed(&reply, 200, "cookies:200");
        }
    }
}

#[tokio::test]
async fn request_without_origin_gets_no_cors_headers_but_varies_on_origin() {
    for method in ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"] {
        for reply in send_all(cookies, &Call::new(method, "/items")).await {
            assert_not_allowed(&reply, 200, "cookies:200");
        }
    }
    for reply in send_all(cookies, &Call::new("GET", "/items/500")).await {
        assert_not_allowed(&reply, 500, "cookies:500");
    }
}

#[tokio::test]
async fn null_origin_is_never_allowed() {
    for origin in ["null", "Null", "NULL"] {
        for reply in send_all(cookies, &get(Some(origin))).await {
            assert_not_allowed(&reply, 200, "cookies:200");
        }
        for reply in send_all(subdomains, &get(Some(origin))).await {
            assert_not_allowed(&reply, 200, "subdomains:200");
        }
    }
}

#[tokio::test]
async fn malformed_origins_are_not_allowed_and_the_handler_still_answers() {
    for origin in crate::common::malformed_origins() {
        let call = Call::new("PUT", "/items/404").header("Origin", &origin);
        if !crate::common::deliverable(&call) {
            continue;
        }
        for reply in send_all(cookies, &call).await {
            assert_not_allowed(&reply, 404, "cookies:404");
        }
    }
}

#[tokio::test]
async fn two_origin_header_lines_are_not_allowed_where_the_source_delivers_both() {
    let pairs = [
        ("https://app.example.com", "https://app.example.com"),
        ("https://evil.example", "https://app.example.com"),
        ("https://app.example.com", "https://evil.example"),
    ];
    for (first, second) in pairs {
        let call = get(Some(first)).header("Origin", second);
        for reply in send_all(cookies, &call).await {
            match reply.source {
                // REST (v1): lambda_http keeps only the LAST value of a repeated header, so the
                // function cannot know there were two; the decision is about that one value.
                // Browsers never send two Origin lines.
                Source::RestApi if second == "https://app.example.com" => {
                    assert_allowed_with_credentials(&reply, second);
                }
                Source::RestApi => assert_not_allowed(&reply, 200, "cookies:200"),
                // HTTP API / Function URL: one value, comma-joined (`a,b`). ALB: two values.
                // Either way: not a single origin, so not allowed.
                Source::HttpApi | Source::FunctionUrl | Source::Alb => {
                    assert_not_allowed(&reply, 200, "cookies:200");
                }
            }
        }
    }
}

#[tokio::test]
async fn subdomain_pattern_matches_one_or_more_extra_labels() {
    for origin in [
        "https://a.example.com",
        "https://api.example.com",
        "https://a.b.example.com",
        "https://x-1.y_2.z.example.com",
        "http://web.dev.example.net:8080",
        "http://a.b.dev.example.net:8080",
    ] {
        for reply in send_all(subdomains, &get(Some(origin))).await {
            assert_allowed_with_credentials(&reply, origin);
            assert_eq!(reply.body, "subdomains:200", "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn subdomain_pattern_refuses_the_base_lookalikes_and_other_schemes_or_ports() {
    for origin in [
        // Not the base itself.
        "https://example.com",
        "http://dev.example.net:8080",
        // Not a host that merely ends with the same characters.
        "https://evilexample.com",
        "https://a.evilexample.com",
        "http://evildev.example.net:8080",
        // Not a host that merely contains the base.
        "https://example.com.evil.net",
        "https://a.example.com.evil.net",
        "https://a.example.comm",
        // Same host, other scheme or port.
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://a.example.com:443",
        "http://web.dev.example.net",
        "http://web.dev.example.net:8081",
        "https://web.dev.example.net:8080",
        "http://web.dev.example.net:08080",
        // Not a browser's serialisation of a subdomain.
        "https://.example.com",
        "https://a..example.com",
        "https://A.example.com",
        "https://a.example.com/",
        "https://a.example.com.",
        "https://user@a.example.com",
        "https://a:b@c.example.com",
        "https://a.example.com,https://b.example.com",
        "https://*.example.com",
    ] {
        for reply in send_all(subdomains, &get(Some(origin))).await {
            assert_not_allowed(&reply, 200, "subdomains:200");
        }
    }
}

#[test]
fn literal_policies_have_nothing_to_check_at_cold_start() {
    assert_eq!(check_policy!(cookies), Ok(()));
    assert_eq!(check_policy!(subdomains), Ok(()));
    assert_eq!(check_policy!(no_credentials), Ok(()));
}
