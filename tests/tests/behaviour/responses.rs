//! What happens to the handler's own response on ordinary requests: `Access-Control-*` headers it set
//! are replaced by the policy's (exactly one `Access-Control-Allow-Origin`), its `Vary` tokens are kept
//! and ours added once, case-insensitively, as ONE line (HTTP API v2 and Function URLs drop a second
//! line), `Vary: *` is left alone; its status, body and other headers are kept; an `Err` propagates
//! unchanged (the gateway then answers 5xx without CORS headers: documented behaviour). Also the handler
//! shapes of issue 2 item 4 run through every source.

use std::convert::Infallible;

use crate::common::{
    ACAC, ACAO, ACEH, VARY_ORIGIN, VARY_PREFLIGHT, access_control, assert_not_allowed,
    assert_not_varying_on_origin, assert_varies_on, assert_vary_is, get, one, preflight, send,
    send_all, status_response, vary_tokens,
};
use cors_runtime::cors;
use cors_tests::{Reply, Source, invoke};
use lambda_http::http::{self, StatusCode};
use lambda_http::{Body, Error, IntoResponse, Request, Response, service_fn};

const APP: &str = "https://app.example.com";

// ---------------------------------------------------------------------------
// Access-Control-* headers the handler set itself
// ---------------------------------------------------------------------------

/// A response carrying every CORS header a hand-written handler might set, some of them twice.
fn with_own_cors_headers() -> Response<Body> {
    Response::builder()
        .status(202)
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-origin", "https://evil.example")
        .header("access-control-allow-credentials", "false")
        .header("Access-Control-Expose-Headers", "x-secret")
        .header("access-control-allow-methods", "*")
        .header("access-control-allow-headers", "*")
        .header("access-control-max-age", "86400")
        .header("x-request-id", "abc")
        .body(Body::from("accepted"))
        .unwrap_or_default()
}

#[cors(origins = ["https://app.example.com"], credentials, expose_headers = ["x-request-id"])]
async fn own_cors_exposing(_event: Request) -> Result<Response<Body>, Error> {
    Ok(with_own_cors_headers())
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn own_cors(_event: Request) -> Result<Response<Body>, Error> {
    Ok(with_own_cors_headers())
}

#[tokio::test]
async fn handler_set_cors_headers_are_replaced_by_the_policys() {
    for reply in send_all(own_cors_exposing, &get(Some(APP))).await {
        let source = reply.source;
        let mut got = access_control(&reply);
        got.sort();
        let expected = [
            (ACAC.to_owned(), "true".to_owned()),
            (ACAO.to_owned(), APP.to_owned()),
            (ACEH.to_owned(), "x-request-id".to_owned()),
        ];
        assert_eq!(
            got, expected,
            "{source}: exactly the policy's headers, once each"
        );
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (202, "accepted"),
            "{source}"
        );
        assert_eq!(
            reply.header("x-request-id").as_deref(),
            Some("abc"),
            "{source}"
        );
        assert_vary_is(&reply, VARY_ORIGIN);
    }
    for reply in send_all(own_cors, &get(Some(APP))).await {
        let mut got = access_control(&reply);
        got.sort();
        let expected = [
            (ACAC.to_owned(), "true".to_owned()),
            (ACAO.to_owned(), APP.to_owned()),
        ];
        assert_eq!(
            got, expected,
            "{}: the handler's ACEH is removed too",
            reply.source
        );
    }
}

#[tokio::test]
async fn handler_set_cors_headers_are_removed_for_a_disallowed_origin() {
    for origin in [Some("https://evil.example"), Some("null"), None] {
        for reply in send_all(own_cors_exposing, &get(origin)).await {
            assert_not_allowed(&reply, 202, "accepted");
        }
    }
}

#[tokio::test]
async fn preflight_answer_does_not_come_from_the_handler() {
    for reply in send_all(own_cors, &preflight(APP, "PUT", None)).await {
        let source = reply.source;
        assert_eq!(reply.status, 204, "{source}");
        assert_eq!(one(&reply, ACAO), APP, "{source}");
        assert!(reply.header("x-request-id").is_none(), "{source}");
        assert!(
            reply.header_values("access-control-max-age").is_empty(),
            "{source}"
        );
    }
}

// ---------------------------------------------------------------------------
// Vary
// ---------------------------------------------------------------------------

/// Answers with the `Vary` lines named in the `x-vary` request header, `|`-separated (one line each).
async fn vary_lines(event: &Request) -> Response<Body> {
    let mut response = Response::builder().status(200);
    let lines = event
        .headers()
        .get("x-vary")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for line in lines.split('|').filter(|l| !l.is_empty()) {
        response = response.header("vary", line);
    }
    response.body(Body::from("varied")).unwrap_or_default()
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn varying(event: Request) -> Result<Response<Body>, Error> {
    Ok(vary_lines(&event).await)
}

#[cors(origins = "*")]
async fn varying_public(event: Request) -> Result<Response<Body>, Error> {
    Ok(vary_lines(&event).await)
}

async fn vary_reply(origin: Option<&str>, lines: &str) -> Vec<Reply> {
    let call = get(origin).header("x-vary", lines);
    send_all(varying, &call).await
}

#[tokio::test]
async fn handler_vary_tokens_are_kept_and_origin_added_once() {
    for origin in [Some(APP), Some("https://evil.example"), None] {
        for reply in vary_reply(origin, "Accept-Encoding").await {
            assert_eq!(
                reply.header_values("vary"),
                ["Accept-Encoding, Origin"],
                "{}",
                reply.source
            );
        }
        for reply in vary_reply(origin, "Accept-Encoding, Accept-Language").await {
            assert_vary_is(&reply, &["Accept-Encoding", "Accept-Language", "Origin"]);
        }
    }
}

#[tokio::test]
async fn handler_vary_on_origin_in_any_case_is_not_repeated() {
    for lines in [
        "origin",
        "ORIGIN",
        "Accept, origin",
        "Origin , Accept",
        "Origin|origin",
    ] {
        for reply in vary_reply(Some(APP), lines).await {
            assert_varies_on(&reply, VARY_ORIGIN);
        }
    }
    for reply in vary_reply(Some(APP), "Accept, origin").await {
        assert_eq!(
            reply.header_values("vary"),
            ["Accept, origin"],
            "{}",
            reply.source
        );
    }
}

#[tokio::test]
async fn merged_vary_survives_http_api_as_one_line() {
    // Two Vary lines from the handler: HTTP API v2 and Function URLs would send only the first, so the
    // merge must produce ONE line holding every token.
    for origin in [Some(APP), None] {
        for reply in vary_reply(origin, "Accept|Accept-Encoding").await {
            assert_eq!(
                reply.header_values("vary"),
                ["Accept, Accept-Encoding, Origin"],
                "{}",
                reply.source
            );
        }
    }
}

#[tokio::test]
async fn vary_star_is_left_alone() {
    for origin in [Some(APP), Some("https://evil.example"), None] {
        for reply in vary_reply(origin, "*").await {
            assert_eq!(reply.header_values("vary"), ["*"], "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn vary_star_on_a_second_line_still_reaches_the_browser() {
    // `Vary: *` already covers `Origin`, but only if it survives the gateway: HTTP API v2 and
    // Function URLs send only the first of several lines.
    for origin in [Some(APP), None] {
        for reply in vary_reply(origin, "Accept|*").await {
            let tokens = vary_tokens(&reply);
            assert!(
                tokens.iter().any(|t| t == "*"),
                "{}: Vary {tokens:?}",
                reply.source
            );
            assert_eq!(reply.header_values("vary").len(), 1, "{}", reply.source);
        }
    }
}

#[tokio::test]
async fn star_policy_leaves_the_handlers_vary_as_it_is() {
    for lines in ["Accept-Encoding", "*", "origin"] {
        let call = get(Some(APP)).header("x-vary", lines);
        for reply in send_all(varying_public, &call).await {
            assert_eq!(reply.header_values("vary"), [lines], "{}", reply.source);
        }
    }
    let call = get(Some(APP)).header("x-vary", "Accept");
    for reply in send_all(varying_public, &call).await {
        assert_not_varying_on_origin(&reply);
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[cors(origins = ["https://app.example.com"], credentials)]
async fn failing(_event: Request) -> Result<Response<Body>, Error> {
    Err("database unreachable".into())
}

#[cors]
async fn failing_public(_event: Request) -> Result<impl IntoResponse, String> {
    if true {
        return Err("no such item".to_owned());
    }
    Ok("unreachable")
}

#[tokio::test]
async fn handler_error_propagates_unchanged() {
    // Current, documented behaviour: `#[cors]` does not turn an `Err` into a response, so the Lambda
    // runtime reports it and the gateway answers 5xx WITHOUT CORS headers (the browser then shows a
    // misleading CORS error). Handlers that want CORS on failures return an error response instead.
    for source in Source::ALL {
        for origin in [Some(APP), Some("https://evil.example"), None] {
            let result = invoke(service_fn(failing), source, &get(origin)).await;
            let error = result.err().map(|e| e.to_string());
            assert_eq!(error.as_deref(), Some("database unreachable"), "{source}");

            let result = invoke(service_fn(failing_public), source, &get(origin)).await;
            assert_eq!(result.err().as_deref(), Some("no such item"), "{source}");
        }
    }
}

#[tokio::test]
async fn preflight_is_answered_even_when_the_handler_would_fail() {
    for reply in send_all(failing, &preflight(APP, "DELETE", None)).await {
        assert_eq!(reply.status, 204, "{}", reply.source);
        assert_eq!(one(&reply, ACAO), APP, "{}", reply.source);
        assert_vary_is(&reply, VARY_PREFLIGHT);
    }
}

// ---------------------------------------------------------------------------
// Handler shapes (issue 2, item 4) through every source
// ---------------------------------------------------------------------------

struct Db {
    greeting: &'static str,
}

static DB: Db = Db { greeting: "hello" };

#[cors(origins = ["https://app.example.com"], credentials)]
async fn with_state(event: Request, db: &Db, suffix: &str) -> Result<impl IntoResponse, Error> {
    let _ = event.uri();
    Ok((StatusCode::ACCEPTED, format!("{}{suffix}", db.greeting)))
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn plain_http(request: http::Request<Body>) -> http::Response<Body> {
    let mut response = http::Response::new(Body::from(request.method().as_str().to_owned()));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn json_value(_event: Request) -> Result<impl IntoResponse, Infallible> {
    Ok(serde_json::json!({ "ok": true }))
}

/// `?` on a bad `x-n` header returns the error exactly as without the macro.
#[cors(origins = ["https://app.example.com"], credentials)]
async fn question_mark(event: Request) -> Result<Response<Body>, Error> {
    let n: u32 = event
        .headers()
        .get("x-n")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("nan")
        .parse()?;
    if n == 0 {
        return Ok(status_response("zero", &event));
    }
    Ok(Response::new(Body::from(format!("n={n}"))))
}

fn assert_allowed(reply: &Reply) {
    assert_eq!(reply.header_values(ACAO), [APP], "{}", reply.source);
    assert_eq!(reply.header_values(ACAC), ["true"], "{}", reply.source);
    assert_vary_is(reply, VARY_ORIGIN);
}

#[tokio::test]
async fn every_handler_shape_gets_the_policys_headers() {
    for source in Source::ALL {
        let call = get(Some(APP));
        let reply = send(|event| with_state(event, &DB, "!"), source, &call).await;
        assert_allowed(&reply);
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (202, "hello!"),
            "{source}"
        );

        let reply = send(
            |request| async { Ok::<_, Infallible>(plain_http(request).await) },
            source,
            &call,
        )
        .await;
        assert_allowed(&reply);
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (404, "GET"),
            "{source}"
        );

        let reply = send(json_value, source, &call).await;
        assert_allowed(&reply);
        assert_eq!(reply.body, r#"{"ok":true}"#, "{source}");

        let reply = send(question_mark, source, &call.clone().header("x-n", "7")).await;
        assert_allowed(&reply);
        assert_eq!(reply.body, "n=7", "{source}");
        let reply = send(question_mark, source, &call.clone().header("x-n", "0")).await;
        assert_allowed(&reply);
        assert_eq!(reply.body, "zero:200", "{source}");
        let error = invoke(
            service_fn(question_mark),
            source,
            &call.clone().header("x-n", "x"),
        )
        .await
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("invalid digit found in string"),
            "{source}"
        );
    }
}

#[tokio::test]
async fn every_handler_shape_answers_preflights_without_running() {
    for source in Source::ALL {
        let call = preflight(APP, "PUT", Some("content-type"));
        let reply = send(|event| with_state(event, &DB, "!"), source, &call).await;
        assert_eq!((reply.status, reply.body.as_str()), (204, ""), "{source}");
        let reply = send(
            |request| async { Ok::<_, Infallible>(plain_http(request).await) },
            source,
            &call,
        )
        .await;
        assert_eq!((reply.status, reply.body.as_str()), (204, ""), "{source}");
        assert_eq!(one(&reply, ACAO), APP, "{source}");
        // No `x-n` header: the handler would fail, but it does not run.
        let reply = send(question_mark, source, &call).await;
        assert_eq!(reply.status, 204, "{source}");
    }
}

// ---------------------------------------------------------------------------
// Bodies run in place or in an async block of their own
// ---------------------------------------------------------------------------

/// Leaves the handler from inside a macro: `#[cors]` cannot see into the expansion, so a body holding a
/// macro must still pass through the code that adds the headers.
macro_rules! answer_early {
    ($text:expr) => {
        return Ok(Response::builder()
            .status(202)
            .body(Body::from($text))
            .unwrap_or_default())
    };
}

// REST APIs put the stage in front of the path, hence `ends_with`.
#[cors(origins = ["https://app.example.com"], credentials)]
async fn leaves_from_a_macro(event: Request) -> Result<Response<Body>, Error> {
    if event.uri().path().ends_with("/early") {
        answer_early!("early");
    }
    Ok(Response::new(Body::from("late")))
}

/// The same, with the macro's path passed through a `macro_rules!` fragment: it reaches `#[cors]` as an
/// invisible group before the `!`.
macro_rules! handler_leaving_through {
    ($name:ident, $leave:path) => {
        #[cors(origins = ["https://app.example.com"], credentials)]
        async fn $name(event: Request) -> Result<Response<Body>, Error> {
            if event.uri().path().ends_with("/early") {
                $leave!("early");
            }
            Ok(Response::new(Body::from("late")))
        }
    };
}

handler_leaving_through!(leaves_from_a_macro_fragment, answer_early);

/// `return` and `?` and no macro: they are rewritten as breaks, and the body runs in place.
#[cors(origins = ["https://app.example.com"], credentials)]
async fn leaves_in_place(event: Request) -> Result<Response<Body>, Error> {
    for segment in event.uri().path().split('/') {
        if segment == "early" {
            let response = Response::builder().status(202).body(Body::from("early"))?;
            return Ok(response);
        }
    }
    Ok(Response::new(Body::from("late")))
}

/// A body that is a single `return` (this file is linted with clippy in CI, so the rewrite must not add
/// a warning).
#[cors(origins = ["https://app.example.com"], credentials)]
#[allow(clippy::needless_return)]
async fn returns_at_once(_event: Request) -> Result<Response<Body>, Error> {
    return Ok(Response::builder().status(202).body(Body::from("early"))?);
}

/// No `return`, `?` or macro: the body runs in place, without an async block of its own.
#[cors(origins = ["https://app.example.com"], credentials)]
async fn ends_at_its_end(event: Request) -> Result<Response<Body>, Error> {
    let text = if event.uri().path().ends_with("/early") {
        "early"
    } else {
        "late"
    };
    Ok(Response::new(Body::from(text)))
}

#[tokio::test]
async fn every_way_out_of_the_body_gets_the_headers() {
    let mut early = get(Some(APP));
    early.path = "/early".to_owned();
    let late = get(Some(APP));
    let cases = [
        (send_all(leaves_from_a_macro, &early).await, 202, "early"),
        (send_all(leaves_from_a_macro, &late).await, 200, "late"),
        (
            send_all(leaves_from_a_macro_fragment, &early).await,
            202,
            "early",
        ),
        (send_all(leaves_in_place, &early).await, 202, "early"),
        (send_all(leaves_in_place, &late).await, 200, "late"),
        (send_all(returns_at_once, &late).await, 202, "early"),
        (send_all(ends_at_its_end, &early).await, 200, "early"),
        (send_all(ends_at_its_end, &late).await, 200, "late"),
    ];
    for (replies, status, body) in cases {
        for reply in replies {
            let source = reply.source;
            assert_eq!(reply.status, status, "{source}");
            assert_eq!(reply.body, body, "{source}");
            assert_eq!(one(&reply, ACAO), APP, "{source}");
            assert_eq!(one(&reply, ACAC), "true", "{source}");
            assert_varies_on(&reply, VARY_ORIGIN);
        }
    }
}
