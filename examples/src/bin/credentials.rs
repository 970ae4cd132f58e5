//! The seed setup: a frontend on another origin calls this API with cookies.
//!
//! The allowed origins come from `ALLOWED_ORIGINS` (set at deploy time). `main` checks the policy first,
//! so a bad list fails the cold start instead of silently serving responses without CORS headers.
//!
//! - `POST /session` sets a session cookie and answers `{"session": id}`;
//! - `GET /me`, `POST /me` answer `{"session": id}` with the cookie, `401` without it;
//! - `GET /stats` answers how many times the handler body ran, per method (preflights never reach it).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use cors_runtime::{check_policy, cors};
use lambda_http::http::{Method, StatusCode, header};
use lambda_http::{Body, Error, Request, RequestExt, Response, run, service_fn};
use serde_json::{Value, json};

static RUNS: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());
static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

#[cors(
    origins_env = "ALLOWED_ORIGINS",
    credentials,
    methods = ["GET", "POST"],
    headers = ["content-type"],
    max_age = 600
)]
async fn handler(event: Request) -> Result<Response<Body>, Error> {
    {
        let mut runs = RUNS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *runs.entry(event.method().to_string()).or_default() += 1;
    }
    let path = event.raw_http_path();
    let session = session_cookie(&event);
    match (event.method(), path.trim_end_matches('/')) {
        (&Method::POST, "/session") => {
            let id = format!("s{}", NEXT_SESSION.fetch_add(1, Ordering::Relaxed));
            // Cross-site cookies need `SameSite=None; Secure` (https only); a local run over plain http
            // serves the page from the same host on another port, which is same-site, so `Lax` works.
            let secure = event
                .headers()
                .get("x-forwarded-proto")
                .is_some_and(|proto| proto == "https");
            let attributes = if secure {
                "SameSite=None; Secure"
            } else {
                "SameSite=Lax"
            };
            let mut response = json_response(StatusCode::OK, json!({ "session": id }))?;
            response.headers_mut().insert(
                header::SET_COOKIE,
                format!("session={id}; Path=/; HttpOnly; {attributes}").parse()?,
            );
            Ok(response)
        }
        (&Method::GET | &Method::POST, "/me") => match session {
            Some(id) => json_response(StatusCode::OK, json!({ "session": id })),
            None => json_response(
                StatusCode::UNAUTHORIZED,
                json!({ "error": "no session cookie" }),
            ),
        },
        (&Method::GET, "/stats") => {
            let runs = RUNS
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone();
            json_response(StatusCode::OK, json!({ "runs": runs }))
        }
        _ => json_response(StatusCode::NOT_FOUND, json!({ "error": "not found" })),
    }
}

fn session_cookie(event: &Request) -> Option<String> {
    event
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("session=").map(str::to_owned))
}

fn json_response(status: StatusCode, body: Value) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    check_policy!(handler)?;
    run(service_fn(handler)).await
}
