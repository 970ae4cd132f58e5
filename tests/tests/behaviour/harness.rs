//! Tests of the harness itself, with plain handlers and no CORS: what a request made
//! through each AWS source looks like once `lambda_http` has parsed it, and what a
//! response looks like once it has been serialized for that source.

// Test code: a failed unwrap/expect is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;

use cors_tests::{Call, Reply, Source, event_json, invoke, request};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response, service_fn};
use serde_json::{Value, json};

/// Echoes what the handler received as JSON: method, URI, path, raw path, every
/// header line (`[name, value]`, repeated names kept), query, body.
async fn echo(req: Request) -> Result<Response<Body>, Infallible> {
    let headers: Vec<Value> = req
        .headers()
        .iter()
        .map(|(name, value)| json!([name.as_str(), value.to_str().unwrap()]))
        .collect();
    let body = match req.body() {
        Body::Empty => Value::Null,
        Body::Text(text) => json!(text),
        Body::Binary(bytes) => json!(String::from_utf8_lossy(bytes)),
        _ => json!("<unknown body>"),
    };
    let query: Value = req
        .query_string_parameters_ref()
        .map(|q| {
            q.iter()
                .map(|(k, _)| (k.to_owned(), json!(q.all(k).unwrap_or_default())))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .unwrap_or(Value::Null);
    let out = json!({
        "method": req.method().as_str(),
        "uri": req.uri().to_string(),
        "path": req.uri().path(),
        "raw_path": req.raw_http_path(),
        "headers": headers,
        "query": query,
        "body": body,
    });
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Body::from(out.to_string()))
        .unwrap())
}

/// Answers 201 with a repeated custom header, two cookies and a single header.
async fn repeated_response_headers(_req: Request) -> Result<Response<Body>, Infallible> {
    Ok(Response::builder()
        .status(201)
        .header("content-type", "text/plain")
        .header("x-single", "only")
        .header("x-multi", "one")
        .header("x-multi", "two")
        .header("set-cookie", "a=1; Path=/")
        .header("set-cookie", "b=2; Secure")
        .body(Body::from("created"))
        .unwrap())
}

async fn failing(_req: Request) -> Result<Response<Body>, String> {
    Err("handler failed".to_owned())
}

async fn run_echo(source: Source, call: &Call) -> (Reply, Value) {
    let reply = invoke(service_fn(echo), source, call)
        .await
        .unwrap_or_else(|never: Infallible| match never {});
    assert_eq!(reply.status, 200, "{source}");
    let echoed: Value = serde_json::from_str(&reply.body).expect("echo returns JSON");
    (reply, echoed)
}

/// The values of header `name` the handler saw, one per header line.
fn echoed_header(echoed: &Value, name: &str) -> Vec<String> {
    echoed["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|pair| pair[0] == name)
        .map(|pair| pair[1].as_str().unwrap().to_owned())
        .collect()
}

fn event(source: Source, call: &Call) -> Value {
    serde_json::from_str(&event_json(source, call)).unwrap()
}

// ---------------------------------------------------------------------------
// Event shapes
// ---------------------------------------------------------------------------

#[test]
fn rest_api_event_has_last_value_in_headers_and_all_values_in_multi_value_headers() {
    let call = Call::new("PUT", "/items/42?tag=a&tag=b")
        .header("X-Multi", "one")
        .header("x-multi", "two")
        .body("payload");
    let ev = event(Source::RestApi, &call);
    assert_eq!(ev["httpMethod"], "PUT");
    assert_eq!(ev["requestContext"]["httpMethod"], "PUT");
    assert_eq!(ev["path"], "/items/42");
    assert_eq!(ev["requestContext"]["path"], "/prod/items/42");
    assert_eq!(ev["resource"], "/{proxy+}");
    assert_eq!(ev["pathParameters"], json!({ "proxy": "items/42" }));
    // First spelling of the name is kept; names are not lower-cased for REST.
    assert_eq!(ev["headers"]["X-Multi"], "two");
    assert_eq!(ev["multiValueHeaders"]["X-Multi"], json!(["one", "two"]));
    assert!(ev["headers"].get("x-multi").is_none());
    // Fixture headers are kept.
    assert_eq!(ev["headers"]["X-Forwarded-Proto"], "https");
    assert_eq!(ev["queryStringParameters"], json!({ "tag": "b" }));
    assert_eq!(
        ev["multiValueQueryStringParameters"],
        json!({ "tag": ["a", "b"] })
    );
    assert_eq!(ev["body"], "payload");
}

#[test]
fn payload_v2_events_comma_join_repeated_headers_and_move_cookies() {
    for source in [Source::HttpApi, Source::FunctionUrl] {
        let call = Call::new("POST", "/items?tag=a&tag=b")
            .header("X-Multi", "one")
            .header("X-Multi", "two")
            .header("Cookie", "a=1; b=2")
            .header("Cookie", "c=3");
        let ev = event(source, &call);
        assert_eq!(ev["version"], "2.0", "{source}");
        assert_eq!(ev["rawPath"], "/items", "{source}");
        assert_eq!(ev["rawQueryString"], "tag=a&tag=b", "{source}");
        assert_eq!(ev["requestContext"]["http"]["method"], "POST", "{source}");
        assert_eq!(ev["headers"]["x-multi"], "one,two", "{source}");
        assert!(ev["headers"].get("cookie").is_none(), "{source}");
        assert_eq!(ev["cookies"], json!(["a=1", "b=2", "c=3"]), "{source}");
        assert_eq!(
            ev["queryStringParameters"],
            json!({ "tag": "a,b" }),
            "{source}"
        );
        assert!(
            ev.get("body").is_none(),
            "{source}: no body means no `body` key"
        );
        assert!(ev.get("multiValueHeaders").is_none(), "{source}");
    }
    let url = event(Source::FunctionUrl, &Call::new("GET", "/"));
    let domain = url["requestContext"]["domainName"].as_str().unwrap();
    assert!(domain.ends_with(".lambda-url.us-east-1.on.aws"), "{domain}");
    assert!(
        event(Source::HttpApi, &Call::new("GET", "/"))
            .get("cookies")
            .is_none()
    );
}

#[test]
fn alb_event_uses_only_multi_value_fields() {
    let call = Call::new("DELETE", "/items?tag=a&tag=b")
        .header("X-Multi", "one")
        .header("X-Multi", "two");
    let ev = event(Source::Alb, &call);
    assert_eq!(ev["httpMethod"], "DELETE");
    assert_eq!(ev["path"], "/items");
    assert_eq!(ev["multiValueHeaders"]["x-multi"], json!(["one", "two"]));
    assert!(ev.get("headers").is_none());
    assert!(ev.get("queryStringParameters").is_none());
    assert_eq!(
        ev["multiValueQueryStringParameters"],
        json!({ "tag": ["a", "b"] })
    );
    assert_eq!(ev["body"], "");
}

#[test]
fn call_header_replaces_fixture_header_of_the_same_name() {
    for source in Source::ALL {
        let req = request(
            source,
            &Call::new("GET", "/").header("X-Forwarded-For", "198.51.100.7"),
        );
        let values: Vec<_> = req.headers().get_all("x-forwarded-for").iter().collect();
        assert_eq!(values, ["198.51.100.7"], "{source}");
    }
}

// ---------------------------------------------------------------------------
// What the handler receives
// ---------------------------------------------------------------------------

#[test]
fn request_parses_as_the_right_source_with_method_path_headers_body() {
    let call = Call::new("PATCH", "/items/42?color=red")
        .header("Origin", "https://app.example")
        .header("Content-Type", "text/plain")
        .body("hello");
    for source in Source::ALL {
        let req = request(source, &call);
        let context = req
            .request_context_ref()
            .expect("lambda_http sets a request context");
        let right_kind = match source {
            Source::RestApi => matches!(context, RequestContext::ApiGatewayV1(_)),
            Source::HttpApi | Source::FunctionUrl => {
                matches!(context, RequestContext::ApiGatewayV2(_))
            }
            Source::Alb => matches!(context, RequestContext::Alb(_)),
        };
        assert!(right_kind, "{source}: parsed as {context:?}");
        assert!(
            req.lambda_context_ref().is_some(),
            "{source}: lambda context attached"
        );

        assert_eq!(req.method(), "PATCH", "{source}");
        assert_eq!(req.raw_http_path(), "/items/42", "{source}");
        // lambda_http prefixes REST paths with the stage (`prod` in the fixture);
        // HTTP API / function URL use the `$default` stage, ALB has none.
        let expected_path = if source == Source::RestApi {
            "/prod/items/42"
        } else {
            "/items/42"
        };
        assert_eq!(req.uri().path(), expected_path, "{source}");
        assert_eq!(req.uri().query(), Some("color=red"), "{source}");
        if source == Source::Alb {
            // lambda_http's into_alb_request takes the host (and x-forwarded-proto)
            // for the URI from the single-value `headers` map only, which an ALB with
            // multi-value headers does not send: the URI stays relative, although
            // the `host` header itself is there.
            assert_eq!(req.uri().host(), None, "{source}");
            assert_eq!(req.uri().scheme_str(), None, "{source}");
            assert!(req.headers().contains_key("host"), "{source}");
        } else {
            assert_eq!(
                req.uri().scheme_str(),
                Some("https"),
                "{source}: from x-forwarded-proto"
            );
            let host = req.uri().host().expect("absolute URI");
            assert_eq!(Some(host), req.headers()["host"].to_str().ok(), "{source}");
        }
        let color = req
            .query_string_parameters_ref()
            .and_then(|q| q.first("color"));
        assert_eq!(color, Some("red"), "{source}");
        assert_eq!(req.headers()["origin"], "https://app.example", "{source}");
        assert_eq!(req.headers()["content-type"], "text/plain", "{source}");
        assert_eq!(req.body(), &Body::Text("hello".to_owned()), "{source}");
    }
}

#[test]
fn request_without_body_is_empty_except_alb_which_sends_an_empty_string() {
    for source in Source::ALL {
        let req = request(source, &Call::new("GET", "/"));
        assert_eq!(
            req.uri().path(),
            if source == Source::RestApi {
                "/prod/"
            } else {
                "/"
            }
        );
        // ALB always sends `"body": ""`, which lambda_http turns into an empty text body.
        let expected = if source == Source::Alb {
            Body::Text(String::new())
        } else {
            Body::Empty
        };
        assert_eq!(req.body(), &expected, "{source}");
    }
}

#[tokio::test]
async fn method_path_headers_and_body_reach_the_handler_through_invoke() {
    let call = Call::new("POST", "/items/7?x=1")
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "PUT")
        .body("{\"n\":1}");
    for source in Source::ALL {
        let (reply, echoed) = run_echo(source, &call).await;
        assert_eq!(echoed["method"], "POST", "{source}");
        assert_eq!(echoed["raw_path"], "/items/7", "{source}");
        assert_eq!(echoed["query"], json!({ "x": ["1"] }), "{source}");
        assert_eq!(
            echoed_header(&echoed, "origin"),
            ["https://app.example"],
            "{source}"
        );
        assert_eq!(
            echoed_header(&echoed, "access-control-request-method"),
            ["PUT"],
            "{source}"
        );
        assert_eq!(echoed["body"], "{\"n\":1}", "{source}");
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("application/json"),
            "{source}"
        );
    }
}

#[tokio::test]
async fn repeated_request_header_arrives_as_lambda_http_delivers_it() {
    let call = Call::new("GET", "/")
        .header("X-Multi", "one")
        .header("X-Multi", "two");
    for source in Source::ALL {
        let (_, echoed) = run_echo(source, &call).await;
        let expected: &[&str] = match source {
            // The event carries both values in multiValueHeaders and the last in
            // headers, but lambda_http's into_proxy_request does
            // `headers = multi_value_headers; headers.extend(headers)`, and
            // HeaderMap::extend replaces every value of a name it sees again:
            // the handler only gets the LAST value.
            Source::RestApi => &["two"],
            // Format 2.0: AWS comma-joins into one string; lambda_http's header
            // deserializer keeps it as ONE value.
            Source::HttpApi | Source::FunctionUrl => &["one,two"],
            // ALB with multi-value headers: no `headers` field to overwrite, so
            // every value arrives as its own header line.
            Source::Alb => &["one", "two"],
        };
        assert_eq!(echoed_header(&echoed, "x-multi"), expected, "{source}");
    }
}

#[tokio::test]
async fn cookies_become_a_cookie_header() {
    let call = Call::new("GET", "/")
        .header("Cookie", "a=1; b=2")
        .header("Cookie", "c=3");
    for source in Source::ALL {
        let (_, echoed) = run_echo(source, &call).await;
        let expected: &[&str] = match source {
            // Same REST merge as for any repeated header: the last line wins.
            Source::RestApi => &["c=3"],
            // `cookies` array joined by lambda_http with "; " into one header.
            Source::HttpApi | Source::FunctionUrl => &["a=1; b=2; c=3"],
            Source::Alb => &["a=1; b=2", "c=3"],
        };
        assert_eq!(echoed_header(&echoed, "cookie"), expected, "{source}");
    }
}

// ---------------------------------------------------------------------------
// What the browser receives
// ---------------------------------------------------------------------------

#[tokio::test]
async fn status_body_and_headers_come_back() {
    for source in Source::ALL {
        let reply = invoke(
            service_fn(repeated_response_headers),
            source,
            &Call::new("GET", "/"),
        )
        .await
        .unwrap();
        assert_eq!(reply.source, source);
        assert_eq!(reply.status, 201, "{source}");
        assert_eq!(reply.body, "created", "{source}");
        assert!(!reply.is_base64_encoded, "{source}");
        assert_eq!(
            reply.header("X-Single").as_deref(),
            Some("only"),
            "{source}: case-insensitive"
        );
        assert_eq!(reply.header_values("x-single"), ["only"], "{source}");
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("text/plain"),
            "{source}"
        );
        assert_eq!(reply.header("x-absent"), None, "{source}");
        assert!(reply.header_values("x-absent").is_empty(), "{source}");
        assert_eq!(reply.raw_json()["statusCode"], 201, "{source}");
    }
}

#[tokio::test]
async fn repeated_response_header_is_seen_as_aws_delivers_it() {
    for source in Source::ALL {
        let reply = invoke(
            service_fn(repeated_response_headers),
            source,
            &Call::new("GET", "/"),
        )
        .await
        .unwrap();
        let raw = reply.raw_json();
        match source {
            Source::RestApi => {
                // lambda_http leaves `headers` empty and puts everything in
                // multiValueHeaders, which API Gateway sends line by line.
                assert_eq!(raw["headers"], json!({}));
                assert_eq!(raw["multiValueHeaders"]["x-multi"], json!(["one", "two"]));
                assert_eq!(reply.header_values("x-multi"), ["one", "two"]);
                assert_eq!(reply.header("x-multi").as_deref(), Some("one, two"));
                assert_eq!(
                    reply.header_values("set-cookie"),
                    ["a=1; Path=/", "b=2; Secure"]
                );
            }
            Source::HttpApi | Source::FunctionUrl => {
                // aws_lambda_events' serialize_headers writes only the FIRST value;
                // nothing else of x-multi leaves the function.
                assert_eq!(raw["headers"]["x-multi"], "one", "{source}");
                assert_eq!(raw["multiValueHeaders"], json!({}), "{source}");
                assert_eq!(reply.header_values("x-multi"), ["one"], "{source}");
                // Set-Cookie is moved to `cookies`, one set-cookie line each.
                assert!(raw["headers"].get("set-cookie").is_none(), "{source}");
                assert_eq!(
                    raw["cookies"],
                    json!(["a=1; Path=/", "b=2; Secure"]),
                    "{source}"
                );
                assert_eq!(
                    reply.header_values("set-cookie"),
                    ["a=1; Path=/", "b=2; Secure"],
                    "{source}"
                );
            }
            Source::Alb => {
                // Both fields are filled; with multi-value headers enabled the ALB
                // uses multiValueHeaders (`headers` holds only the first value).
                assert_eq!(raw["headers"]["x-multi"], "one");
                assert_eq!(raw["multiValueHeaders"]["x-multi"], json!(["one", "two"]));
                assert_eq!(raw["statusDescription"], "201 Created");
                assert_eq!(reply.header_values("x-multi"), ["one", "two"]);
                assert_eq!(
                    reply.header_values("set-cookie"),
                    ["a=1; Path=/", "b=2; Secure"]
                );
            }
        }
    }
}

#[tokio::test]
async fn handler_error_is_returned() {
    for source in Source::ALL {
        let result = invoke(service_fn(failing), source, &Call::new("GET", "/")).await;
        assert_eq!(result.unwrap_err(), "handler failed", "{source}");
    }
}

#[tokio::test]
async fn string_responses_work_too() {
    for source in Source::ALL {
        let handler = service_fn(|_req: Request| async { Ok::<_, Infallible>("plain") });
        let reply = invoke(handler, source, &Call::new("GET", "/"))
            .await
            .unwrap();
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, "plain"),
            "{source}"
        );
    }
}

#[test]
#[should_panic(expected = "must start with '/'")]
fn relative_path_is_rejected() {
    let _ = event_json(Source::HttpApi, &Call::new("GET", "items"));
}
