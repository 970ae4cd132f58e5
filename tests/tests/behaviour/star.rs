//! The `"*"` policy (`#[cors]`, `#[cors(origins = "*")]`): `Access-Control-Allow-Origin: *` on every
//! response, whatever the origin and the handler's status, never credentials, never `Vary: Origin`;
//! `Access-Control-Expose-Headers` when configured; preflights answered with `*` and varying only on the
//! request method and headers. Every test runs through every AWS source.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{
    ACAC, ACAH, ACAM, ACAO, ACEH, ACMA, VARY_PREFLIGHT_ANY, access_control,
    assert_not_varying_on_origin, assert_refused_preflight, assert_vary_is, get, one, preflight,
    request, send_all, status_response,
};
use cors_runtime::cors;
use cors_tests::{Call, Source};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, IntoResponse, Request, Response};

#[cors]
async fn bare(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bare", &event))
}

#[cors(origins = "*")]
async fn public(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("public", &event))
}

#[cors(origins = "*", expose_headers = ["x-request-id", "X-Trace-Id"])]
async fn exposing(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("exposing", &event))
}

#[cors(origins = "*", expose_headers = "*")]
async fn exposing_all(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("exposing_all", &event))
}

#[cors(origins = "*")]
async fn teapot(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok((StatusCode::IM_A_TEAPOT, "short and stout"))
}

/// Sets CORS headers itself, as handlers written before `#[cors]` often do.
#[cors(origins = "*")]
async fn sets_its_own_cors(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .header("access-control-allow-origin", "https://app.example.com")
        .header("access-control-allow-origin", "https://other.example.com")
        .header("access-control-allow-credentials", "true")
        .header("access-control-allow-methods", "*")
        .header("access-control-max-age", "99999")
        .header("vary", "Accept-Encoding")
        .body(Body::from("own"))?)
}

const ORIGINS: [Option<&str>; 5] = [
    Some("https://app.example.com"),
    Some("http://localhost:3000"),
    Some("null"),
    Some("https://Evil.example/path"),
    None,
];

/// `ACAO: *` exactly once, no credentials, no `Origin` in `Vary`.
fn assert_star(reply: &cors_tests::Reply) {
    let source = reply.source;
    assert_eq!(reply.header_values(ACAO), ["*"], "{source}");
    assert!(reply.header_values(ACAC).is_empty(), "{source}: no ACAC");
    assert_not_varying_on_origin(reply);
}

#[tokio::test]
async fn star_policy_sends_acao_star_with_and_without_origin() {
    for origin in ORIGINS {
        for reply in send_all(public, &get(origin)).await {
            assert_star(&reply);
            assert_eq!(reply.status, 200, "{}: {origin:?}", reply.source);
            assert_eq!(reply.body, "public:200", "{}: {origin:?}", reply.source);
            assert!(reply.header_values(ACEH).is_empty(), "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn bare_cors_attribute_is_the_star_policy() {
    for origin in ORIGINS {
        for method in ["GET", "POST", "DELETE", "OPTIONS"] {
            for reply in send_all(bare, &request(method, origin)).await {
                assert_star(&reply);
                assert_eq!(reply.body, "bare:200", "{}", reply.source);
            }
        }
    }
}

#[tokio::test]
async fn star_policy_sends_acao_star_on_client_and_server_errors() {
    for status in [400, 401, 403, 404, 422, 500, 502, 503] {
        for origin in [Some("https://app.example.com"), None] {
            let call = Call::new("GET", &format!("/items/{status}"));
            let call = match origin {
                Some(origin) => call.header("Origin", origin),
                None => call,
            };
            for reply in send_all(public, &call).await {
                assert_star(&reply);
                assert_eq!(reply.status, status, "{}", reply.source);
                assert_eq!(reply.body, format!("public:{status}"), "{}", reply.source);
            }
        }
    }
    for reply in send_all(teapot, &get(Some("https://app.example.com"))).await {
        assert_star(&reply);
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (418, "short and stout"),
            "{}: an `impl IntoResponse` status and body are kept",
            reply.source
        );
    }
}

#[tokio::test]
async fn star_policy_exposes_configured_headers_on_every_response() {
    for origin in [Some("https://app.example.com"), Some("null"), None] {
        for reply in send_all(exposing, &get(origin)).await {
            assert_star(&reply);
            assert_eq!(
                one(&reply, ACEH),
                "x-request-id, x-trace-id",
                "{}",
                reply.source
            );
        }
        for reply in send_all(exposing_all, &get(origin)).await {
            assert_star(&reply);
            assert_eq!(one(&reply, ACEH), "*", "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn star_policy_replaces_cors_headers_the_handler_set() {
    for reply in send_all(sets_its_own_cors, &get(Some("https://app.example.com"))).await {
        let source = reply.source;
        assert_eq!(
            access_control(&reply),
            [(ACAO.to_owned(), "*".to_owned())],
            "{source}: only the policy's ACAO is left; the handler's ACAC/ACAM/ACMA are removed"
        );
        assert_vary_is(&reply, &["Accept-Encoding"]);
        assert_eq!(reply.body, "own", "{source}");
    }
}

#[tokio::test]
async fn star_policy_keeps_the_handlers_vary_without_adding_origin() {
    for reply in send_all(sets_its_own_cors, &get(None)).await {
        assert_vary_is(&reply, &["Accept-Encoding"]);
    }
}

static PREFLIGHT_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = "*", max_age = 600)]
async fn counted(_event: Request) -> Result<Response<Body>, Error> {
    PREFLIGHT_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(Response::new(Body::from("handler")))
}

#[tokio::test]
async fn star_policy_preflight_answers_star_and_varies_on_request_method_and_headers() {
    for origin in ["https://app.example.com", "null"] {
        let call = preflight(origin, "PUT", Some("content-type"));
        for reply in send_all(counted, &call).await {
            let source = reply.source;
            assert_eq!(reply.status, 204, "{source}");
            assert_eq!(reply.body, "", "{source}");
            assert_eq!(one(&reply, ACAO), "*", "{source}");
            assert!(reply.header_values(ACAC).is_empty(), "{source}");
            assert_eq!(
                one(&reply, ACAM),
                "GET, HEAD, PUT, PATCH, POST, DELETE",
                "{source}"
            );
            assert_eq!(one(&reply, ACAH), "content-type", "{source}");
            assert_eq!(one(&reply, ACMA), "600", "{source}");
            assert_vary_is(&reply, VARY_PREFLIGHT_ANY);
        }
    }
    assert_eq!(
        PREFLIGHT_CALLS.load(Ordering::SeqCst),
        0,
        "a preflight never reaches the handler"
    );
}

#[tokio::test]
async fn star_policy_refuses_a_preflight_for_a_method_or_header_not_allowed() {
    for call in [
        preflight("https://app.example.com", "PURGE", None),
        preflight("https://app.example.com", "PUT", Some("x-api-key")),
    ] {
        for reply in send_all(bare, &call).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT_ANY);
        }
    }
}

#[cors(origins = "*", methods = ["PUT"], headers = ["x-api-key"], max_age = 600)]
async fn cached(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("cached", &event))
}

#[tokio::test]
async fn star_policy_sends_no_preflight_headers_on_ordinary_responses() {
    for source in Source::ALL {
        let reply =
            crate::common::send(cached, source, &get(Some("https://app.example.com"))).await;
        assert!(reply.header_values(ACAM).is_empty(), "{source}");
        assert!(reply.header_values(ACAH).is_empty(), "{source}");
        assert!(reply.header_values(ACMA).is_empty(), "{source}");
    }
}
