//! API Gateway WebSocket APIs: the policy decides the `$connect` of a browser's `new WebSocket(url)`.
//!
//! Browsers apply no CORS to WebSockets: any page may open a socket to any API, and the browser sends
//! the page's `Origin` and the API's cookies with the handshake. An API that authenticates sockets by
//! cookie and does not check `Origin` lets any site act as its users (cross-site WebSocket hijacking).
//! API Gateway hands the handshake to the `$connect` route; refusing it there (any status other than
//! 2xx) refuses the connection.

use http::HeaderMap;
use lambda_http::LambdaEvent;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest,
};

use crate::__private::probe;
use crate::__private::{HandlerOutput, HandlerRequest, Prepare, Probe, ProbeArg, StaticCors};
use crate::{Actual, Cors, Decision, Preflight};

impl Cors {
    /// Decides an API Gateway WebSocket event: the `403` to return for a `$connect` whose origin is
    /// missing or not allowed; `None` for an allowed `$connect` and for every other route (messages and
    /// `$disconnect` carry no `Origin`: the connection was checked when it opened).
    ///
    /// `#[cors]` on a handler taking `LambdaEvent<ApiGatewayWebsocketProxyRequest>` does this before
    /// the handler runs. Without the attribute:
    ///
    /// ```
    /// use cors_runtime::policy;
    /// use lambda_http::aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
    /// use lambda_http::{Error, LambdaEvent};
    ///
    /// async fn handler(event: LambdaEvent<ApiGatewayWebsocketProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    ///     let cors = policy!(origins_env = "ALLOWED_ORIGINS", credentials);
    ///     if let Some(refused) = cors.refuse_connect(&event.payload) {
    ///         return Ok(refused);
    ///     }
    ///     // ... the connection is from an allowed page
    ///     let mut ok = ApiGatewayProxyResponse::default();
    ///     ok.status_code = 200;
    ///     Ok(ok)
    /// }
    /// ```
    ///
    /// An [`origins_from`](crate::CorsBuilder::origins_from) policy answers from its last loaded list:
    /// call [`Cors::load_origins`] before this (it returns at once while the list is fresh).
    #[must_use = "a refused `$connect` is only refused if this response is returned"]
    pub fn refuse_connect(
        &self,
        event: &ApiGatewayWebsocketProxyRequest,
    ) -> Option<ApiGatewayProxyResponse> {
        if !is_connect(event) || self.allows_connect(headers(event)) {
            None
        } else {
            Some(forbidden())
        }
    }
}

/// Whether the event is the handshake (`$connect`); API Gateway names it in two places.
fn is_connect(event: &ApiGatewayWebsocketProxyRequest) -> bool {
    let context = &event.request_context;
    context.event_type.as_deref() == Some("CONNECT")
        || context.route_key.as_deref() == Some("$connect")
}

/// The headers to read `Origin` from: every line (`multiValueHeaders`) when API Gateway sent them, so
/// two `Origin` lines are seen as two.
fn headers(event: &ApiGatewayWebsocketProxyRequest) -> &HeaderMap {
    if event.multi_value_headers.is_empty() {
        &event.headers
    } else {
        &event.multi_value_headers
    }
}

fn forbidden() -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 403;
    response
}

/// `#[cors]` on a `$connect` handler: a refused handshake is answered before the handler runs.
#[diagnostic::do_not_recommend]
impl HandlerRequest for LambdaEvent<ApiGatewayWebsocketProxyRequest> {
    fn decide(&self, policy: &'static StaticCors) -> Decision<'static> {
        if probe::active() {
            if let Some(decision) = probe::offer_polled(is_probe(self), policy) {
                return decision;
            }
        }
        let cors = policy.get();
        match cors.refuse_connect(&self.payload) {
            None => Decision::Actual(Actual {
                headers: cors.actual_headers(),
                allow_origin: None,
            }),
            Some(_) => Decision::Preflight(Preflight {
                allowed: false,
                headers: HeaderMap::new(),
            }),
        }
    }

    fn prepare(&self, policy: &'static StaticCors) -> Prepare {
        // Only a handshake is checked, so only a handshake waits for the list.
        if !is_connect(&self.payload) || (probe::active() && is_probe(self)) {
            return Prepare::none();
        }
        Prepare::load(policy)
    }
}

/// Marks the event `check_policy!` calls a WebSocket handler with.
const PROBE_REQUEST_ID: &str = "cors-runtime check_policy! probe";

fn is_probe(event: &LambdaEvent<ApiGatewayWebsocketProxyRequest>) -> bool {
    probe::polled_here()
        && event.payload.request_context.request_id.as_deref() == Some(PROBE_REQUEST_ID)
}

/// `check_policy!(connect)` for a WebSocket handler: an event no gateway sends, which the handler's
/// first step recognises (on the thread polling it) and answers without running the body.
impl ProbeArg for LambdaEvent<ApiGatewayWebsocketProxyRequest> {
    fn probe(_: &Probe) -> Self {
        let mut payload = ApiGatewayWebsocketProxyRequest::default();
        payload.request_context.request_id = Some(PROBE_REQUEST_ID.to_owned());
        LambdaEvent::new(payload, lambda_http::Context::default())
    }
}

/// A WebSocket route's answer: a refused `$connect` is a `403`; an allowed one is the handler's answer,
/// unchanged (a handshake's response carries no CORS headers).
#[diagnostic::do_not_recommend]
impl HandlerOutput for ApiGatewayProxyResponse {
    fn preflight(_: Preflight) -> Self {
        forbidden()
    }

    fn add_cors(self, _: &Actual<'_>) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<E> HandlerOutput for Result<ApiGatewayProxyResponse, E> {
    fn preflight(_: Preflight) -> Self {
        Ok(forbidden())
    }

    fn add_cors(self, _: &Actual<'_>) -> Self {
        self
    }
}
