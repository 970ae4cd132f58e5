//! `CorsLayer`: the policy around an axum `Router` (whole, or per route with two policies), around a
//! `service_fn` in a tower stack, and in streamed responses, run through lambda_http's own event parsing
//! and response conversion for every source. Its answers are the attribute's: preflights answered
//! without calling the service, one `Access-Control-Allow-Origin`, handler-set `Access-Control-*`
//! replaced, one merged `Vary` line, fail closed on a bad `ALLOWED_ORIGINS`.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use cors_runtime::testing::Env;
use cors_runtime::{ConfigErrorKind, Cors, CorsLayer, cors, policy};
use cors_tests::{Call, Reply, Source, invoke};
use lambda_http::tower::{ServiceBuilder, service_fn};
use lambda_http::{Body, Error, Request, Response, Service};

use crate::common::{
    ACAC, ACAM, ACAO, VARY_ORIGIN, VARY_PREFLIGHT, VARY_PREFLIGHT_ANY, access_control,
    assert_not_allowed, assert_not_varying_on_origin, assert_refused_preflight, assert_vary_is,
    get as get_call, one, preflight,
};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example";

fn allowed_env() -> Env {
    Env::new().set(
        "ALLOWED_ORIGINS",
        format!("{APP} https://admin.example.com"),
    )
}

/// `service` (cloned: tower services are called once per clone here) on `call` from every source.
async fn send_all<S, R>(service: &S, call: &Call) -> Vec<Reply>
where
    S: Service<Request, Response = R> + Clone,
    S::Error: std::fmt::Debug,
    S::Future: Send + 'static,
    R: lambda_http::IntoResponse,
{
    let mut replies = Vec::new();
    for source in Source::ALL {
        let reply = invoke(service.clone(), source, call)
            .await
            .unwrap_or_else(|error| panic!("{source}: the service failed: {error:?}"));
        replies.push(reply);
    }
    replies
}

/// `call` with `path` instead of `/items`.
fn at(mut call: Call, path: &str) -> Call {
    call.path = path.to_owned();
    call
}

/// `routes` at their paths, and again under `/prod`: the REST API fixture's stage, which lambda_http
/// puts in front of the path.
fn mounted(routes: Router) -> Router {
    Router::new().merge(routes.clone()).nest("/prod", routes)
}

/// An allowed ordinary response: the handler's status and body, the policy's single ACAO and ACAC (the
/// handler's own `*` replaced), and `Vary` with the handler's token and `Origin` on one line.
fn assert_allowed(reply: &Reply, status: u16, body: &str, vary: &[&str]) {
    let source = reply.source;
    assert_eq!(reply.status, status, "{source}: the service's status");
    assert_eq!(reply.body, body, "{source}: the service's body");
    assert_eq!(one(reply, ACAO), APP, "{source}");
    assert_eq!(one(reply, ACAC), "true", "{source}");
    assert_vary_is(reply, vary);
}

static ROUTER_CALLS: AtomicUsize = AtomicUsize::new(0);

/// A route that sets its own `Vary` and a stale `Access-Control-Allow-Origin: *`, which the policy
/// replaces.
async fn items() -> impl axum::response::IntoResponse {
    ROUTER_CALLS.fetch_add(1, Ordering::SeqCst);
    (
        [
            ("content-type", "application/json"),
            ("vary", "Accept-Encoding"),
            ("access-control-allow-origin", "*"),
        ],
        "[]",
    )
}

#[tokio::test]
async fn around_a_whole_router_every_answer_carries_the_policy() {
    allowed_env()
        .scope(async {
            let app = mounted(Router::new().route("/items", get(items))).layer(CorsLayer::new(
                policy!(origins_env = "ALLOWED_ORIGINS", credentials),
            ));
            let with_vary = &["Accept-Encoding", "Origin"];

            for reply in send_all(&app, &get_call(Some(APP))).await {
                assert_allowed(&reply, 200, "[]", with_vary);
            }
            for reply in send_all(&app, &get_call(Some(EVIL))).await {
                assert_eq!(access_control(&reply), [], "{}", reply.source);
                assert_vary_is(&reply, with_vary);
            }
            for reply in send_all(&app, &get_call(None)).await {
                assert_eq!(access_control(&reply), [], "{}", reply.source);
                assert_vary_is(&reply, with_vary);
            }

            // Preflights are answered by the layer: the router never sees them.
            let before = ROUTER_CALLS.load(Ordering::SeqCst);
            for reply in send_all(&app, &preflight(APP, "GET", Some("content-type"))).await {
                assert_eq!(reply.status, 204, "{}", reply.source);
                assert_eq!(one(&reply, ACAO), APP, "{}", reply.source);
                assert_eq!(one(&reply, ACAC), "true", "{}", reply.source);
                assert!(one(&reply, ACAM).contains("GET"), "{}", reply.source);
                assert_vary_is(&reply, VARY_PREFLIGHT);
            }
            for reply in send_all(&app, &preflight(EVIL, "GET", None)).await {
                assert_refused_preflight(&reply, VARY_PREFLIGHT);
            }
            assert_eq!(ROUTER_CALLS.load(Ordering::SeqCst), before);

            // axum's own answers (no route, wrong method) carry the policy too, so the browser can
            // read them.
            for reply in send_all(&app, &at(get_call(Some(APP)), "/nothing-here")).await {
                assert_allowed(&reply, 404, "", VARY_ORIGIN);
            }
            for reply in send_all(&app, &crate::common::request("DELETE", Some(APP))).await {
                assert_allowed(&reply, 405, "", VARY_ORIGIN);
            }
            // An `OPTIONS` without `Access-Control-Request-Method` is not a preflight: it reaches the
            // router (405 here, the route has no `OPTIONS`), with the policy's headers.
            for reply in send_all(&app, &crate::common::request("OPTIONS", Some(APP))).await {
                assert_allowed(&reply, 405, "", VARY_ORIGIN);
            }
        })
        .await;
}

#[tokio::test]
async fn per_route_layers_give_two_policies_in_one_function() {
    allowed_env()
        .scope(async {
            let routes = Router::new()
                .route(
                    "/public",
                    get(|| async { "hello" }).layer(CorsLayer::new(policy!())),
                )
                .route(
                    "/me",
                    get(|| async { "you" }).layer(CorsLayer::new(policy!(
                        origins_env = "ALLOWED_ORIGINS",
                        credentials,
                        methods = ["GET", "PUT"]
                    ))),
                );
            let app = mounted(routes);

            for origin in [APP, EVIL] {
                for reply in send_all(&app, &at(get_call(Some(origin)), "/public")).await {
                    assert_eq!(reply.body, "hello", "{}", reply.source);
                    assert_eq!(one(&reply, ACAO), "*", "{}", reply.source);
                    assert!(reply.header_values(ACAC).is_empty(), "{}", reply.source);
                    assert_not_varying_on_origin(&reply);
                }
                // `MethodRouter::layer` wraps the route's 405 fallback too, so the layer sees the
                // preflight to a `get` route.
                for reply in send_all(&app, &at(preflight(origin, "GET", None), "/public")).await {
                    assert_eq!(reply.status, 204, "{}", reply.source);
                    assert_eq!(one(&reply, ACAO), "*", "{}", reply.source);
                    assert_vary_is(&reply, VARY_PREFLIGHT_ANY);
                }
            }

            for reply in send_all(&app, &at(get_call(Some(APP)), "/me")).await {
                assert_allowed(&reply, 200, "you", VARY_ORIGIN);
            }
            for reply in send_all(&app, &at(get_call(Some(EVIL)), "/me")).await {
                assert_not_allowed(&reply, 200, "you");
            }
            for reply in send_all(&app, &at(preflight(APP, "PUT", None), "/me")).await {
                assert_eq!(reply.status, 204, "{}", reply.source);
                assert_eq!(one(&reply, ACAO), APP, "{}", reply.source);
                assert_eq!(one(&reply, ACAC), "true", "{}", reply.source);
                assert_eq!(one(&reply, ACAM), "GET, PUT", "{}", reply.source);
            }
            for call in [preflight(EVIL, "GET", None), preflight(APP, "DELETE", None)] {
                for reply in send_all(&app, &at(call, "/me")).await {
                    assert_refused_preflight(&reply, VARY_PREFLIGHT);
                }
            }
        })
        .await;
}

/// The README's advice, pinned: `route_layer` wraps only the route's handlers, not its 405 fallback,
/// so a preflight to the route never reaches the policy (use `layer`).
#[tokio::test]
async fn route_layer_does_not_see_preflights() {
    let app = mounted(Router::new().route(
        "/public",
        get(|| async { "hello" }).route_layer(CorsLayer::new(policy!())),
    ));
    for reply in send_all(&app, &at(preflight(APP, "GET", None), "/public")).await {
        assert_eq!(reply.status, 405, "{}", reply.source);
        assert_eq!(access_control(&reply), [], "{}", reply.source);
    }
}

async fn hello(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .header("content-type", "text/plain")
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-credentials", "false")
        .body(Body::from("hello"))?)
}

#[tokio::test]
async fn around_a_service_fn_in_a_tower_stack() {
    let cors = Cors::builder().origins([APP]).credentials().build();
    let service = ServiceBuilder::new()
        .layer(CorsLayer::new(cors.expect("a valid policy")))
        .service(service_fn(hello));
    for reply in send_all(&service, &get_call(Some(APP))).await {
        assert_allowed(&reply, 200, "hello", VARY_ORIGIN);
    }
    for reply in send_all(&service, &get_call(Some(EVIL))).await {
        assert_not_allowed(&reply, 200, "hello");
    }
    for reply in send_all(&service, &preflight(APP, "POST", Some("content-type"))).await {
        assert_eq!(reply.status, 204, "{}", reply.source);
        assert_eq!(one(&reply, ACAO), APP, "{}", reply.source);
    }
}

#[tokio::test]
async fn a_bad_allowed_origins_fails_closed_and_load_says_why() {
    Env::new()
        .set("ALLOWED_ORIGINS", "https://app.example.com/path")
        .scope(async {
            let cors = policy!(origins_env = "ALLOWED_ORIGINS", credentials);
            let error = cors.load().expect_err("an entry with a path is refused");
            assert_eq!(error.kind(), ConfigErrorKind::InvalidOrigin);
            assert_eq!(error.var(), Some("ALLOWED_ORIGINS"));
            let service = ServiceBuilder::new()
                .layer(CorsLayer::new(cors))
                .service(service_fn(hello));
            for reply in send_all(&service, &get_call(Some(APP))).await {
                assert_not_allowed(&reply, 200, "hello");
            }
            for reply in send_all(&service, &preflight(APP, "GET", None)).await {
                assert_refused_preflight(&reply, VARY_PREFLIGHT);
            }
        })
        .await;
}

/// What both fronts wrap: a response with two `Vary` lines and stale `Access-Control-*` headers of its
/// own, which the policy must replace or remove.
fn stale(_event: &Request) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .header("vary", "Accept-Encoding")
        .header("vary", "Accept")
        .header("access-control-allow-origin", "*")
        .header("access-control-expose-headers", "x-stale")
        .header("access-control-allow-credentials", "true")
        .body(Body::from("stale"))?)
}

#[cors(
    origins = ["https://app.example.com", "https://*.example.org"],
    credentials,
    headers = ["content-type", "x-api-key"],
    expose_headers = ["x-request-id"],
    max_age = 600
)]
async fn annotated(event: Request) -> Result<Response<Body>, Error> {
    stale(&event)
}

/// The layer and the attribute answer every request alike, hostile ones included: the same bytes for
/// every source.
#[tokio::test]
async fn the_layer_answers_exactly_as_the_attribute() {
    let layered = ServiceBuilder::new()
        .layer(CorsLayer::new(policy!(
            origins = ["https://app.example.com", "https://*.example.org"],
            credentials,
            headers = ["content-type", "x-api-key"],
            expose_headers = ["x-request-id"],
            max_age = 600
        )))
        .service(service_fn(|event: Request| async move { stale(&event) }));
    let mut calls = vec![
        get_call(Some(APP)),
        get_call(Some("https://tenant.example.org")),
        get_call(Some(EVIL)),
        get_call(Some("null")),
        get_call(None),
        get_call(Some(APP)).header("Origin", APP),
        get_call(Some(&format!("{APP}, {EVIL}"))),
        crate::common::request("OPTIONS", Some(APP)),
        preflight(APP, "PUT", Some("content-type, x-api-key")),
        preflight(APP, "PUT", Some("x-other")),
        preflight(APP, "PUT", Some(&"x-api-key, ".repeat(200))),
        preflight(EVIL, "GET", None),
        preflight(APP, "GET", None).header("Access-Control-Request-Method", "PUT"),
    ];
    calls.extend(
        crate::common::malformed_origins()
            .iter()
            .map(|origin| get_call(Some(origin))),
    );
    for call in calls.iter().filter(|call| crate::common::deliverable(call)) {
        let ours = send_all(&layered, call).await;
        let theirs = crate::common::send_all(annotated, call).await;
        assert_eq!(ours, theirs, "{call:?}");
    }
}

/// An error of the inner service reaches the caller as it is (lambda_http turns it into a failed
/// invocation); a preflight still never reaches the service.
#[tokio::test]
async fn an_inner_error_passes_through() {
    let failing = ServiceBuilder::new()
        .layer(CorsLayer::new(policy!(
            origins = ["https://app.example.com"],
            credentials
        )))
        .service(service_fn(|_: Request| async {
            Err::<Response<Body>, Error>("the database is down".into())
        }));
    for source in Source::ALL {
        let error = invoke(failing.clone(), source, &get_call(Some(APP)))
            .await
            .expect_err("the inner error");
        assert_eq!(error.to_string(), "the database is down", "{source}");
        let reply = invoke(failing.clone(), source, &preflight(APP, "GET", None))
            .await
            .expect("a preflight is answered without the service");
        assert_eq!(reply.status, 204, "{source}");
    }
}
