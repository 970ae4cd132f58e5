//! A whole request through `#[cors(...)]` handlers: an allowlist policy with credentials, and the
//! `"*"` policy with wildcard methods, headers and exposed headers.
//!
//! Input: byte 0 picks the handler (`S` the `"*"` one, anything else the list one); then
//! `\n`-separated lines: the method, then `name:value` request headers. The handler copies every
//! `x-reply-<name>` request header into its response as `<name>` (so the fuzzer also controls the
//! `Vary` and `Access-Control-*` headers the handler sets itself) and `x-reply-status` into its status.
//!
//! Invariants: no panic; at most one ACAO; preflights never reach the handler, get 204 or 403 with an
//! empty body and no `Access-Control-*` header when refused; every other request runs the handler and
//! keeps its status; ACAO only for an origin the URL oracle allows (and then it is that origin, with
//! ACAC), or `*` on every ordinary response of the `"*"` policy; `Vary` is one line holding `Origin`
//! for the list policy (unless the handler sent `Vary: *`).

#![no_main]

use std::convert::Infallible;

use cors_fuzz::{access_control, all, assert_varies, block_on, url_allows};
use cors_runtime::cors;
use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use libfuzzer_sys::fuzz_target;

const REPLY: &str = "x-reply-";

/// The status an `x-reply-status` value asks for, if it is one.
fn status_of(value: &HeaderValue) -> Option<StatusCode> {
    let text = std::str::from_utf8(value.as_bytes()).ok()?;
    StatusCode::from_u16(text.parse().ok()?).ok()
}

/// What both handlers do: echo `x-reply-*` headers into the response, mark it as handled.
fn reply(event: &Request) -> Response<Body> {
    let mut response = Response::new(Body::from("handled"));
    for (name, value) in event.headers() {
        let Some(target) = name.as_str().strip_prefix(REPLY) else {
            continue;
        };
        if target == "status" {
            if let Some(status) = status_of(value) {
                *response.status_mut() = status;
            }
        } else if let Ok(target) = HeaderName::from_bytes(target.as_bytes()) {
            response.headers_mut().append(target, value.clone());
        }
    }
    response
        .headers_mut()
        .insert("x-handled", HeaderValue::from_static("yes"));
    response
}

#[cors(
    origins = [
        "https://app.example.com",
        "http://localhost:3000",
        "http://[::1]:8080",
        "https://*.example.org",
        "http://*.dev.example.net:8080",
    ],
    credentials,
    methods = ["GET", "POST", "PUT", "DELETE"],
    headers = ["content-type", "x-api-key"],
    expose_headers = ["x-request-id"],
    max_age = 600
)]
async fn list(event: Request) -> Result<Response<Body>, Infallible> {
    Ok(reply(&event))
}

#[cors(methods = "*", headers = "*", expose_headers = "*")]
async fn star(event: Request) -> Result<Response<Body>, Infallible> {
    Ok(reply(&event))
}

fuzz_target!(|data: &[u8]| {
    let [pick, rest @ ..] = data else {
        return;
    };
    let is_star = *pick == b'S';
    let mut lines = rest.split(|&b| b == b'\n');
    let Ok(method) = Method::from_bytes(lines.next().unwrap_or_default()) else {
        return;
    };
    let mut builder = http::Request::builder()
        .method(method.clone())
        .uri("/items");
    let mut expected_status = StatusCode::OK;
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(&line[colon + 1..]),
        ) else {
            return;
        };
        if name.as_str() == "x-reply-status"
            && let Some(status) = status_of(&value)
        {
            expected_status = status;
        }
        builder = builder.header(name, value);
    }
    let Ok(request) = builder.body(Body::Empty) else {
        return;
    };
    let origins: Vec<Vec<u8>> = request
        .headers()
        .get_all(ORIGIN)
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
    let is_preflight = method == Method::OPTIONS
        && !origins.is_empty()
        && request
            .headers()
            .contains_key("access-control-request-method");

    let output = if is_star {
        block_on(star(request))
    } else {
        block_on(list(request))
    };
    let response = match output {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let headers = response.headers();
    let acao = all(headers, &ACCESS_CONTROL_ALLOW_ORIGIN);
    assert!(acao.len() <= 1, "two ACAO lines: {acao:?}");

    if is_preflight {
        assert!(
            headers.get("x-handled").is_none(),
            "the handler ran for a preflight"
        );
        assert!(
            matches!(response.body(), Body::Empty),
            "a preflight has no body"
        );
        let status = response.status();
        assert!(
            status == StatusCode::NO_CONTENT || status == StatusCode::FORBIDDEN,
            "preflight status {status}"
        );
        if status == StatusCode::FORBIDDEN {
            assert_eq!(access_control(headers), Vec::<&str>::new());
        }
        let vary: &[&str] = if is_star {
            &[
                "access-control-request-method",
                "access-control-request-headers",
            ]
        } else {
            &[
                "origin",
                "access-control-request-method",
                "access-control-request-headers",
            ]
        };
        assert_varies(headers, vary);
    } else {
        assert_eq!(
            headers.get("x-handled").map(HeaderValue::as_bytes),
            Some(&b"yes"[..]),
            "the handler runs for every ordinary request"
        );
        assert_eq!(
            response.status(),
            expected_status,
            "the handler's status is kept"
        );
        if is_star {
            assert_eq!(acao, [b"*"], "the \"*\" policy sends one `ACAO: *`");
        } else {
            assert_varies(headers, &["origin"]);
        }
    }

    if !is_star {
        let lines: Vec<&[u8]> = origins.iter().map(Vec::as_slice).collect();
        if let Some(value) = acao.first() {
            assert!(url_allows(&lines), "ACAO {value:?} for Origin {lines:?}");
            assert_eq!(*value, lines[0], "ACAO is the request's origin");
            assert_eq!(all(headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS), [b"true"]);
        } else if !is_preflight {
            assert!(!url_allows(&lines), "no ACAO for allowed Origin {lines:?}");
            assert_eq!(access_control(headers), Vec::<&str>::new());
        }
    }
});
