//! WebSocket APIs: the policy decides `$connect` before the handler runs (a refused handshake is a
//! `403`, which refuses the connection), on API Gateway's own event JSON; other routes pass through.

// Test support: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cors_runtime::testing::Env;
use cors_runtime::{ConfigErrorKind, Origin, check_policy, cors, policy};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest,
};
use lambda_http::{Context, Error, LambdaEvent};
use serde_json::Value;

const CONNECT: &str = include_str!("../../fixtures/websocket-connect.json");
const MESSAGE: &str = include_str!("../../fixtures/websocket-message.json");

/// The `$connect` event as API Gateway sends it, with these `Origin` lines (none for `&[]`), parsed
/// from JSON as lambda_runtime parses it.
fn connect(origins: &[&str]) -> LambdaEvent<ApiGatewayWebsocketProxyRequest> {
    let mut json: Value = serde_json::from_str(CONNECT).unwrap();
    let headers = json["headers"].as_object_mut().unwrap();
    headers.remove("Origin");
    if let Some(last) = origins.last() {
        headers.insert("Origin".into(), Value::from(*last));
    }
    let multi = json["multiValueHeaders"].as_object_mut().unwrap();
    multi.remove("Origin");
    if !origins.is_empty() {
        multi.insert("Origin".into(), Value::from(origins.to_vec()));
    }
    event(json)
}

fn event(json: Value) -> LambdaEvent<ApiGatewayWebsocketProxyRequest> {
    LambdaEvent::new(serde_json::from_value(json).unwrap(), Context::default())
}

fn message() -> LambdaEvent<ApiGatewayWebsocketProxyRequest> {
    event(serde_json::from_str(MESSAGE).unwrap())
}

fn ok() -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 200;
    response
}

static RAN: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], credentials)]
async fn chat(
    event: LambdaEvent<ApiGatewayWebsocketProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    RAN.fetch_add(1, Ordering::SeqCst);
    assert!(event.payload.request_context.connection_id.is_some());
    Ok(ok())
}

#[tokio::test]
async fn a_connect_from_a_page_not_on_the_list_is_refused_before_the_handler_runs() {
    let before = RAN.load(Ordering::SeqCst);
    let allowed = chat(connect(&["https://app.example.com"])).await.unwrap();
    assert_eq!(allowed.status_code, 200);
    assert_eq!(RAN.load(Ordering::SeqCst), before + 1, "the handler ran");

    for origins in [
        &["https://evil.example"][..],
        &[][..],
        &["null"][..],
        &["https://app.example.com", "https://app.example.com"][..],
        &["https://app.example.com, https://evil.example"][..],
        &["https://app.example.com.evil.net"][..],
    ] {
        let refused = chat(connect(origins)).await.unwrap();
        assert_eq!(refused.status_code, 403, "{origins:?}");
        assert!(refused.headers.is_empty(), "a refusal says nothing more");
    }
    assert_eq!(
        RAN.load(Ordering::SeqCst),
        before + 1,
        "no refused handshake reached the handler"
    );

    // Messages on an open connection carry no `Origin`: the handshake was checked.
    let reply = chat(message()).await.unwrap();
    assert_eq!(reply.status_code, 200);
    let mut disconnect: Value = serde_json::from_str(MESSAGE).unwrap();
    disconnect["requestContext"]["routeKey"] = "$disconnect".into();
    disconnect["requestContext"]["eventType"] = "DISCONNECT".into();
    assert_eq!(chat(event(disconnect)).await.unwrap().status_code, 200);
}

#[tokio::test]
async fn a_policy_checks_the_event_without_the_attribute() {
    let cors = policy!(origins = ["https://app.example.com"], credentials);
    assert!(
        cors.refuse_connect(&connect(&["https://app.example.com"]).payload)
            .is_none()
    );
    let refused = cors
        .refuse_connect(&connect(&["https://evil.example"]).payload)
        .unwrap();
    assert_eq!(refused.status_code, 403);
    assert!(cors.refuse_connect(&message().payload).is_none());
    // Any origin with "*", but never no origin at all.
    let any = policy!();
    assert!(
        any.refuse_connect(&connect(&["https://anyone.example"]).payload)
            .is_none()
    );
    assert!(any.refuse_connect(&connect(&[]).payload).is_some());
}

async fn tenant_origins() -> Result<Vec<String>, Error> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    Ok(vec!["https://tenant.example.com".into()])
}

#[cors(origins_from = tenant_origins, refresh = 60, credentials)]
async fn tenants(
    _event: LambdaEvent<ApiGatewayWebsocketProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    Ok(ok())
}

fn is_tenant(origin: &Origin) -> bool {
    origin.scheme() == "https" && origin.host().ends_with(".tenants.example.com")
}

#[cors(origins_fn = is_tenant, credentials)]
async fn by_predicate(
    _event: LambdaEvent<ApiGatewayWebsocketProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    Ok(ok())
}

static MESSAGE_LOADS: AtomicUsize = AtomicUsize::new(0);

async fn counted_origins() -> Result<Vec<String>, Error> {
    MESSAGE_LOADS.fetch_add(1, Ordering::SeqCst);
    Ok(vec!["https://app.example.com".into()])
}

#[cors(origins_from = counted_origins, credentials)]
async fn counted(
    _event: LambdaEvent<ApiGatewayWebsocketProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    Ok(ok())
}

#[tokio::test]
async fn only_a_connect_waits_for_the_list() {
    assert_eq!(counted(message()).await.unwrap().status_code, 200);
    assert_eq!(
        MESSAGE_LOADS.load(Ordering::SeqCst),
        0,
        "a message loads nothing"
    );
    let reply = counted(connect(&["https://app.example.com"]))
        .await
        .unwrap();
    assert_eq!(reply.status_code, 200);
    assert_eq!(MESSAGE_LOADS.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn every_origin_source_decides_a_connect() {
    // The first `$connect` loads the list, then is decided by it.
    let reply = tenants(connect(&["https://tenant.example.com"]))
        .await
        .unwrap();
    assert_eq!(reply.status_code, 200);
    let reply = tenants(connect(&["https://other.example.com"]))
        .await
        .unwrap();
    assert_eq!(reply.status_code, 403);

    let reply = by_predicate(connect(&["https://a.tenants.example.com"]))
        .await
        .unwrap();
    assert_eq!(reply.status_code, 200);
    for origin in [
        "https://A.tenants.example.com",
        "https://eviltenants.example.com",
    ] {
        let reply = by_predicate(connect(&[origin])).await.unwrap();
        assert_eq!(reply.status_code, 403, "{origin}");
    }
}

#[cors(origins_env = "WEBSOCKET_ORIGINS", credentials)]
async fn from_env(
    _event: LambdaEvent<ApiGatewayWebsocketProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    Ok(ok())
}

#[tokio::test]
async fn check_policy_reaches_a_websocket_handlers_policy() {
    check_policy!(chat).unwrap();
    let error = Env::new()
        .scope_sync(|| check_policy!(from_env))
        .unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::EnvMissing);
    let env = Env::new().set("WEBSOCKET_ORIGINS", "https://app.example.com");
    env.scope_sync(|| check_policy!(from_env)).unwrap();
    check_policy!(async tenants).await.unwrap();
    let before = RAN.load(Ordering::SeqCst);
    check_policy!(chat).unwrap();
    assert_eq!(
        RAN.load(Ordering::SeqCst),
        before,
        "the probe never runs the body"
    );
}
