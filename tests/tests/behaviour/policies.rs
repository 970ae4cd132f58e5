//! Several policies in one function: `policy!` call sites (one `static` each, built once, with the
//! attribute's rules and answers), and two `#[cors]` handlers dispatched by path from one `service_fn`,
//! each answering its own preflights.

use cors_runtime::testing::Env;
use cors_runtime::{Cors, Decision, cors, policy};
use http::HeaderValue;
use lambda_http::{Body, Error, Request, Response};

use crate::common::{
    ACAC, ACAM, ACAO, VARY_ORIGIN, VARY_PREFLIGHT, VARY_PREFLIGHT_ANY, assert_not_allowed,
    assert_not_varying_on_origin, assert_refused_preflight, assert_vary_is, get, one, preflight,
    send_all,
};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example";

fn account() -> &'static Cors {
    policy!(origins_env = "ALLOWED_ORIGINS", credentials)
}

#[test]
fn a_call_site_is_one_policy_built_once() {
    let first = policy!(origins = ["https://app.example.com"]);
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(std::ptr::from_ref(policy!(
            origins = ["https://app.example.com"]
        )));
    }
    assert!(
        seen.windows(2).all(|pair| pair[0] == pair[1]),
        "one static per call site"
    );
    assert_ne!(
        std::ptr::from_ref(first),
        seen[0],
        "another call site is another policy"
    );
}

#[test]
fn policy_answers_as_the_builder_does() {
    let from_macro = policy!(
        origins = ["https://app.example.com", "https://*.example.org"],
        credentials,
        methods = ["GET", "PUT"],
        headers = ["content-type", "x-api-key"],
        expose_headers = ["x-request-id"],
        max_age = 600
    );
    let from_builder = Cors::builder()
        .origins(["https://app.example.com", "https://*.example.org"])
        .credentials()
        .methods(["GET", "PUT"])
        .headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .expect("a valid policy");
    let requests = [
        http::Request::get("/").header("origin", APP),
        http::Request::get("/").header("origin", "https://a.example.org"),
        http::Request::get("/").header("origin", EVIL),
        http::Request::get("/"),
        http::Request::options("/")
            .header("origin", APP)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "content-type"),
        http::Request::options("/")
            .header("origin", APP)
            .header("access-control-request-method", "DELETE"),
    ];
    for request in requests {
        let request = request.body(()).expect("a valid request");
        let answer = |cors: &Cors| match cors.check(&request) {
            Decision::Preflight(preflight) => (preflight.status(), preflight.headers().clone()),
            Decision::Actual(actual) => {
                let mut response = http::Response::new(());
                actual.apply(&mut response);
                (response.status(), response.headers().clone())
            }
        };
        assert_eq!(answer(from_macro), answer(&from_builder), "{request:?}");
    }
}

#[tokio::test]
async fn an_env_policy_reads_its_variable_when_first_used() {
    Env::new()
        .set("ALLOWED_ORIGINS", APP)
        .scope(async {
            assert_eq!(account().load(), Ok(()));
            assert!(account().allows_origin(&HeaderValue::from_static(APP)));
            assert!(!account().allows_origin(&HeaderValue::from_static(EVIL)));
        })
        .await;
    Env::new()
        .unset("ALLOWED_ORIGINS")
        .scope(async {
            let error = account().load().expect_err("unset fails closed");
            assert_eq!(error.var(), Some("ALLOWED_ORIGINS"));
            assert!(!account().allows_origin(&HeaderValue::from_static(APP)));
        })
        .await;
}

/// Public routes for any origin.
#[cors]
async fn public(event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from(format!(
        "public {}",
        event.uri().path()
    ))))
}

/// Account routes, with cookies, from the origins in `ALLOWED_ORIGINS`.
#[cors(origins_env = "ALLOWED_ORIGINS", credentials, methods = ["GET", "PUT"])]
async fn me(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("you")))
}

/// One function, two policies: each path's handler answers its own requests and preflights.
async fn dispatch(event: Request) -> Result<Response<Body>, Error> {
    // The REST API fixture's stage is in the path.
    let path = event.uri().path();
    if path.trim_start_matches("/prod").starts_with("/me") {
        me(event).await
    } else {
        public(event).await
    }
}

fn at(mut call: cors_tests::Call, path: &str) -> cors_tests::Call {
    call.path = path.to_owned();
    call
}

#[tokio::test]
async fn two_annotated_handlers_behind_one_service_fn() {
    Env::new()
        .set("ALLOWED_ORIGINS", APP)
        .scope(async {
            for origin in [APP, EVIL] {
                for reply in send_all(dispatch, &at(get(Some(origin)), "/items")).await {
                    assert_eq!(one(&reply, ACAO), "*", "{}", reply.source);
                    assert_not_varying_on_origin(&reply);
                }
                for reply in
                    send_all(dispatch, &at(preflight(origin, "DELETE", None), "/items")).await
                {
                    assert_eq!(reply.status, 204, "{}", reply.source);
                    assert_eq!(one(&reply, ACAO), "*", "{}", reply.source);
                    assert_vary_is(&reply, VARY_PREFLIGHT_ANY);
                }
            }
            for reply in send_all(dispatch, &at(get(Some(APP)), "/me")).await {
                assert_eq!(reply.body, "you", "{}", reply.source);
                assert_eq!(one(&reply, ACAO), APP, "{}", reply.source);
                assert_eq!(one(&reply, ACAC), "true", "{}", reply.source);
                assert_vary_is(&reply, VARY_ORIGIN);
            }
            for reply in send_all(dispatch, &at(get(Some(EVIL)), "/me")).await {
                assert_not_allowed(&reply, 200, "you");
            }
            for reply in send_all(dispatch, &at(preflight(APP, "PUT", None), "/me")).await {
                assert_eq!(reply.status, 204, "{}", reply.source);
                assert_eq!(one(&reply, ACAM), "GET, PUT", "{}", reply.source);
            }
            for call in [preflight(EVIL, "GET", None), preflight(APP, "DELETE", None)] {
                for reply in send_all(dispatch, &at(call, "/me")).await {
                    assert_refused_preflight(&reply, VARY_PREFLIGHT);
                }
            }
        })
        .await;
}
