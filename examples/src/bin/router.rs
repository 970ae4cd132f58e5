//! An axum app on lambda_http with two policies: public routes any page may read, and account routes
//! with cookies for the origins in `ALLOWED_ORIGINS`.
//!
//! - `GET /public/hello` answers `{"message": ...}` to any origin (`Access-Control-Allow-Origin: *`);
//! - `POST /account/session` sets a session cookie; `GET /account/me` and `POST /account/me` answer
//!   `{"session": id}` with the cookie and `401` without it, to the listed origins only.
//!
//! Each group of routes has its layer (`Router::layer` wraps every route of the group, their `405`
//! answers included, so preflights to them reach the policy). `main` loads the account policy first, so
//! a bad `ALLOWED_ORIGINS` fails the cold start.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use cors_runtime::{Cors, CorsLayer, policy};
use lambda_http::{Error, run};
use serde_json::{Value, json};

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

fn account_policy() -> &'static Cors {
    policy!(
        origins_env = "ALLOWED_ORIGINS",
        credentials,
        methods = ["GET", "POST"],
        headers = ["content-type"],
        max_age = 600
    )
}

fn app() -> Router {
    let public = Router::new()
        .route("/hello", get(hello))
        .layer(CorsLayer::new(policy!()));
    let account = Router::new()
        .route("/session", axum::routing::post(login))
        .route("/me", get(me).post(me))
        .layer(CorsLayer::new(account_policy()));
    Router::new()
        .nest("/public", public)
        .nest("/account", account)
}

fn json_response(status: StatusCode, body: Value) -> impl IntoResponse {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
}

async fn hello() -> impl IntoResponse {
    json_response(
        StatusCode::OK,
        json!({ "message": "hello from a public route" }),
    )
}

async fn login(headers: HeaderMap) -> impl IntoResponse {
    let id = format!("s{}", NEXT_SESSION.fetch_add(1, Ordering::Relaxed));
    // Cross-site cookies need `SameSite=None; Secure` (https only); a local run over plain http serves
    // the page from the same host on another port, which is same-site, so `Lax` works there.
    let secure = headers
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto == "https");
    let attributes = if secure {
        "SameSite=None; Secure"
    } else {
        "SameSite=Lax"
    };
    (
        [(
            header::SET_COOKIE,
            format!("session={id}; Path=/; HttpOnly; {attributes}"),
        )],
        json_response(StatusCode::OK, json!({ "session": id })),
    )
}

async fn me(headers: HeaderMap) -> impl IntoResponse {
    let session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("session="));
    match session {
        Some(id) => json_response(StatusCode::OK, json!({ "session": id })),
        None => json_response(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "no session cookie" }),
        ),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    account_policy().load()?;
    run(app()).await
}
