//! An API Gateway WebSocket API: the same policy as the HTTP functions decides who may connect.
//!
//! Browsers apply no CORS to WebSockets: any page may call `new WebSocket(url)`, and the handshake
//! carries the page's `Origin` and the API's cookies. Without a check of `Origin` on `$connect`, any
//! site can open a socket as your signed-in users (cross-site WebSocket hijacking). With `#[cors]`, a
//! `$connect` whose origin is missing or not in `ALLOWED_ORIGINS` is answered `403` before this code
//! runs, which refuses the connection; messages and `$disconnect` pass through.
//!
//! Deploy it as the integration of the `$connect`, `$disconnect` and `$default` routes. Locally:
//!
//! ```text
//! ALLOWED_ORIGINS=https://app.example.com cargo lambda watch -p cors-examples
//! cargo lambda invoke websocket --data-file tests/fixtures/websocket-connect.json
//! ```

use cors_runtime::{check_policy, cors};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest,
};
use lambda_http::lambda_runtime::{self, LambdaEvent};
use lambda_http::{Error, service_fn};

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn handler(
    event: LambdaEvent<ApiGatewayWebsocketProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    let context = &event.payload.request_context;
    let connection = context.connection_id.as_deref().unwrap_or("?");
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 200;
    match context.route_key.as_deref() {
        // Only reached from an allowed page: the attribute refused every other handshake.
        Some("$connect") => println!("connected: {connection}"),
        Some("$disconnect") => println!("disconnected: {connection}"),
        // A message; sending replies goes through the API Gateway Management API (not shown).
        _ => println!("message on {connection}: {:?}", event.payload.body),
    }
    Ok(response)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    check_policy!(handler)?;
    lambda_runtime::run(service_fn(handler)).await
}
