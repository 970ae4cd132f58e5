//! `origins_from`: the allowlist loaded by an async function at first use (or by
//! `check_policy!(async handler).await`), once for concurrent first requests, again after `refresh`
//! seconds by one request while the others keep the last good list; failures fail closed (first load)
//! or keep the last good list (reload); a bad entry among good ones is skipped, an answer with nothing
//! usable fails.
//!
//! Each test has its own handler and source (a policy lives as long as the process), and runs on a
//! paused tokio clock, so `refresh` and back-off deadlines pass without waiting.

// Test support: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{
    ACAC, ACAO, VARY_PREFLIGHT, assert_not_allowed, assert_refused_preflight, get, one, preflight,
    send, status_response,
};
use cors_runtime::{ConfigErrorKind, Cors, CorsLayer, Decision, Setting, check_policy, cors};
use cors_tests::Source;
use http::HeaderValue;
use lambda_http::tower::{Layer, ServiceExt, service_fn};
use lambda_http::{Body, Error, Request, Response};

const SHOP: &str = "https://shop.example.com";
const ADMIN: &str = "https://admin.example.org";

/// A source whose answer a test sets, counting its calls.
struct Answers {
    calls: AtomicUsize,
    answer: Mutex<Result<Vec<&'static str>, &'static str>>,
}

impl Answers {
    const fn new(answer: Result<Vec<&'static str>, &'static str>) -> Answers {
        Answers {
            calls: AtomicUsize::new(0),
            answer: Mutex::new(answer),
        }
    }

    fn set(&self, answer: Result<Vec<&'static str>, &'static str>) {
        *self.answer.lock().unwrap() = answer;
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The answer, after `delay` (a source's network round trip).
    async fn load(&self, delay: Duration) -> Result<Vec<&'static str>, &'static str> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let answer = self.answer.lock().unwrap().clone();
        tokio::time::sleep(delay).await;
        answer
    }
}

async fn allowed<F>(handler: impl FnMut(Request) -> F + Copy, origin: &str) -> bool
where
    F: Future<Output = Result<Response<Body>, Error>> + Send,
{
    let reply = send(handler, Source::HttpApi, &get(Some(origin))).await;
    match reply.header(ACAO) {
        Some(acao) => {
            assert_eq!(acao, origin, "an allowed origin is echoed");
            true
        }
        None => {
            assert_not_allowed(&reply, 200, "ok:200");
            false
        }
    }
}

// ---------------------------------------------------------------------------
// First load
// ---------------------------------------------------------------------------

static FIRST: Answers = Answers::new(Ok(Vec::new()));

async fn first_origins() -> Result<Vec<&'static str>, &'static str> {
    FIRST.load(Duration::from_millis(50)).await
}

#[cors(origins_from = first_origins, credentials)]
async fn first(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn the_first_request_loads_the_list_and_concurrent_ones_wait_for_that_load() {
    FIRST.set(Ok(vec![SHOP, "https://Admin.example.org:443/"]));
    let call = get(Some(SHOP));
    let replies = futures_join(
        (0..8)
            .map(|_| send(first, Source::HttpApi, &call))
            .collect(),
    )
    .await;
    assert_eq!(
        FIRST.calls(),
        1,
        "one load for eight concurrent first requests"
    );
    for reply in &replies {
        assert_eq!(one(reply, ACAO), SHOP);
        assert_eq!(one(reply, ACAC), "true");
        assert_eq!(one(reply, "vary"), "Origin");
    }
    // Entries are canonicalised as env entries are.
    assert!(allowed(first, ADMIN).await);
    assert!(!allowed(first, "https://evil.example").await);
    let reply = send(first, Source::FunctionUrl, &preflight(SHOP, "PUT", None)).await;
    assert_eq!(reply.status, 204);
    assert_eq!(one(&reply, ACAO), SHOP);
    assert_eq!(FIRST.calls(), 1, "no refresh: loaded once per process");
}

/// Polls all `futures` together on this task, as concurrent requests on one instance would be.
async fn futures_join<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = (0..futures.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

static CHECKED: Answers = Answers::new(Ok(Vec::new()));

async fn checked_origins() -> Result<Vec<&'static str>, &'static str> {
    CHECKED.load(Duration::ZERO).await
}

#[cors(origins_from = checked_origins, credentials)]
async fn checked(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test]
async fn the_async_cold_start_check_loads_the_list_the_handler_then_uses() {
    CHECKED.set(Ok(vec![SHOP]));
    // The sync check cannot wait for a load, and says how to write the one that does.
    let error = check_policy!(checked).unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::SourceNotLoaded);
    assert_eq!(error.setting(), Some(Setting::OriginsFrom));
    assert!(
        error
            .to_string()
            .contains("check_policy!(async handler).await"),
        "{error}"
    );
    assert_eq!(CHECKED.calls(), 0, "the sync check loads nothing");

    check_policy!(async checked).await.unwrap();
    assert_eq!(CHECKED.calls(), 1);
    assert!(allowed(checked, SHOP).await);
    assert_eq!(
        CHECKED.calls(),
        1,
        "the request used the list the check loaded"
    );
    check_policy!(checked).unwrap();
}

static FAILING: Answers = Answers::new(Err("the parameter store is unreachable"));

async fn failing_origins() -> Result<Vec<&'static str>, &'static str> {
    FAILING.load(Duration::ZERO).await
}

#[cors(origins_from = failing_origins, credentials)]
async fn failing(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn a_failed_first_load_fails_closed_and_is_retried_after_the_back_off() {
    let error = check_policy!(async failing).await.unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::SourceFailed);
    assert_eq!(
        error.to_string(),
        "`origins_from`: loading the origins failed: the parameter store is unreachable"
    );
    assert_eq!(format!("{error:?}"), error.to_string());
    assert_eq!(FAILING.calls(), 1);

    // Closed: the handler runs, no CORS header, preflights refused; no new load within the back-off.
    FAILING.set(Ok(vec![SHOP]));
    assert!(!allowed(failing, SHOP).await);
    let reply = send(failing, Source::HttpApi, &preflight(SHOP, "GET", None)).await;
    assert_refused_preflight(&reply, VARY_PREFLIGHT);
    assert_eq!(FAILING.calls(), 1, "no load during the 1 s back-off");

    tokio::time::advance(Duration::from_millis(1_001)).await;
    assert!(
        allowed(failing, SHOP).await,
        "the next request after the back-off loads"
    );
    assert_eq!(FAILING.calls(), 2);
}

static TWICE: Answers = Answers::new(Err("down"));

async fn twice_origins() -> Result<Vec<&'static str>, &'static str> {
    TWICE.load(Duration::ZERO).await
}

#[cors(origins_from = twice_origins)]
async fn twice(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn the_back_off_doubles_after_each_failed_first_load() {
    assert!(!allowed(twice, SHOP).await);
    tokio::time::advance(Duration::from_millis(1_001)).await;
    assert!(!allowed(twice, SHOP).await);
    assert_eq!(TWICE.calls(), 2);
    TWICE.set(Ok(vec![SHOP]));
    tokio::time::advance(Duration::from_millis(1_500)).await;
    assert!(
        !allowed(twice, SHOP).await,
        "2 s after the second failure, not 1.5"
    );
    assert_eq!(TWICE.calls(), 2);
    tokio::time::advance(Duration::from_millis(600)).await;
    assert!(allowed(twice, SHOP).await);
    assert_eq!(TWICE.calls(), 3);
}

static SLOW: Answers = Answers::new(Ok(Vec::new()));

async fn slow_origins() -> Result<Vec<&'static str>, &'static str> {
    SLOW.load(Duration::from_secs(60)).await
}

#[cors(origins_from = slow_origins, credentials)]
async fn slow(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn a_load_that_does_not_answer_in_five_seconds_fails() {
    SLOW.set(Ok(vec![SHOP]));
    let started = tokio::time::Instant::now();
    let error = check_policy!(async slow).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert_eq!(error.kind(), ConfigErrorKind::SourceFailed);
    assert!(
        error.to_string().contains("no answer within 5 seconds"),
        "{error}"
    );
    assert!(!allowed(slow, SHOP).await);
}

// ---------------------------------------------------------------------------
// Refresh
// ---------------------------------------------------------------------------

static TENANTS: Answers = Answers::new(Ok(Vec::new()));

async fn tenant_origins() -> Result<Vec<&'static str>, &'static str> {
    TENANTS.load(Duration::from_millis(100)).await
}

#[cors(origins_from = tenant_origins, refresh = 300, credentials)]
async fn tenants(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn after_refresh_seconds_one_request_reloads_and_the_others_keep_the_last_list() {
    TENANTS.set(Ok(vec![SHOP]));
    check_policy!(async tenants).await.unwrap();
    TENANTS.set(Ok(vec![ADMIN]));

    tokio::time::advance(Duration::from_secs(299)).await;
    assert!(allowed(tenants, SHOP).await, "fresh for 300 s");
    assert_eq!(TENANTS.calls(), 1);

    tokio::time::advance(Duration::from_secs(1)).await;
    // Eight requests at once: the first reloads (and is answered from the new list), the others are
    // answered from the last good list without waiting.
    let call = get(Some(ADMIN));
    let replies = futures_join(
        (0..8)
            .map(|_| send(tenants, Source::HttpApi, &call))
            .collect(),
    )
    .await;
    assert_eq!(TENANTS.calls(), 2, "one reload");
    let allowed_now: Vec<bool> = replies.iter().map(|r| r.header(ACAO).is_some()).collect();
    assert!(
        allowed_now[0],
        "the request that reloaded sees the new list"
    );
    assert!(
        allowed_now[1..].iter().all(|allowed| !allowed),
        "the others used the last good list: {allowed_now:?}"
    );
    assert!(allowed(tenants, ADMIN).await);
    assert!(!allowed(tenants, SHOP).await, "a removed tenant is refused");
}

static FLAKY: Answers = Answers::new(Ok(Vec::new()));

async fn flaky_origins() -> Result<Vec<&'static str>, &'static str> {
    FLAKY.load(Duration::ZERO).await
}

#[cors(origins_from = flaky_origins, refresh = 60, credentials)]
async fn flaky(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn a_failed_reload_keeps_the_last_good_list_and_is_tried_again() {
    FLAKY.set(Ok(vec![SHOP]));
    assert!(allowed(flaky, SHOP).await);
    FLAKY.set(Err("throttled"));
    tokio::time::advance(Duration::from_secs(60)).await;
    assert!(
        allowed(flaky, SHOP).await,
        "the last good list stays in use"
    );
    assert_eq!(FLAKY.calls(), 2);
    // Healthy again; the retry comes after 30 s (shorter than `refresh`), not on every request.
    FLAKY.set(Ok(vec![ADMIN]));
    assert!(allowed(flaky, SHOP).await);
    assert_eq!(FLAKY.calls(), 2);
    tokio::time::advance(Duration::from_secs(30)).await;
    assert!(allowed(flaky, ADMIN).await);
    assert_eq!(FLAKY.calls(), 3);
    check_policy!(flaky).unwrap();
}

// ---------------------------------------------------------------------------
// What an answer may hold
// ---------------------------------------------------------------------------

static MIXED: Answers = Answers::new(Ok(Vec::new()));

async fn mixed_origins() -> Result<Vec<&'static str>, &'static str> {
    MIXED.load(Duration::ZERO).await
}

#[cors(origins_from = mixed_origins, credentials)]
async fn mixed(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test]
async fn one_bad_entry_is_skipped_and_the_rest_is_used() {
    MIXED.set(Ok(vec![
        SHOP,
        "not an origin",
        "*",
        "https://*.github.io",
        "https://*.lambda-url.us-east-1.on.aws",
        "  https://*.tenants.example.com  ",
        "",
    ]));
    check_policy!(async mixed).await.unwrap();
    assert!(allowed(mixed, SHOP).await);
    assert!(allowed(mixed, "https://a.tenants.example.com").await);
    for refused in [
        "https://evil.example",
        "https://someone.github.io",
        "https://abc.lambda-url.us-east-1.on.aws",
        "not an origin",
    ] {
        assert!(!allowed(mixed, refused).await, "{refused}");
    }
}

static USELESS: Answers = Answers::new(Ok(Vec::new()));

async fn useless_origins() -> Result<Vec<&'static str>, &'static str> {
    USELESS.load(Duration::ZERO).await
}

#[cors(origins_from = useless_origins, credentials)]
async fn useless(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test]
async fn an_answer_with_nothing_usable_fails_and_star_is_never_honoured_with_credentials() {
    USELESS.set(Ok(vec!["*"]));
    let error = check_policy!(async useless).await.unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::SourceFailed);
    assert!(error.to_string().contains("credentials"), "{error}");
    assert!(!allowed(useless, SHOP).await);
}

static STAR: Answers = Answers::new(Ok(Vec::new()));

async fn star_origins() -> Result<Vec<&'static str>, &'static str> {
    STAR.load(Duration::ZERO).await
}

#[cors(origins_from = star_origins)]
async fn star(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test]
async fn exactly_star_without_credentials_allows_any_origin() {
    STAR.set(Ok(vec!["*"]));
    let reply = send(star, Source::Alb, &get(Some("https://anyone.example"))).await;
    assert_eq!(one(&reply, ACAO), "*");
    assert_eq!(reply.header(ACAC), None);
}

// ---------------------------------------------------------------------------
// Builder, policy! and the layer
// ---------------------------------------------------------------------------

static BUILT: Answers = Answers::new(Ok(Vec::new()));

async fn built_origins() -> Result<Vec<&'static str>, &'static str> {
    BUILT.load(Duration::ZERO).await
}

#[tokio::test]
async fn a_builder_source_is_loaded_by_the_first_handle_and_check_answers_from_it() {
    BUILT.set(Ok(vec![SHOP]));
    let cors = Cors::builder()
        .origins_from(built_origins)
        .credentials()
        .build()
        .unwrap();
    let request = || {
        http::Request::get("/")
            .header("origin", SHOP)
            .body(String::new())
            .unwrap()
    };
    // `check` cannot wait: closed before the first load.
    let Decision::Actual(actual) = cors.check(&request()) else {
        panic!("not a preflight")
    };
    assert!(!actual.is_allowed());
    assert_eq!(
        cors.load().unwrap_err().kind(),
        ConfigErrorKind::SourceNotLoaded
    );
    let response = cors
        .handle(request(), |_| async {
            Ok::<_, Error>(http::Response::new(String::new()))
        })
        .await
        .unwrap();
    assert_eq!(response.headers()[ACAO], SHOP);
    assert_eq!(BUILT.calls(), 1);
    assert!(cors.allows_origin(&HeaderValue::from_static(SHOP)));
    cors.load().unwrap();
}

static LAYERED: Answers = Answers::new(Ok(Vec::new()));

async fn layered_origins() -> Result<Vec<&'static str>, &'static str> {
    LAYERED.load(Duration::from_millis(10)).await
}

#[tokio::test]
async fn the_layer_loads_a_policy_source_before_its_first_call() {
    LAYERED.set(Ok(vec![SHOP]));
    let policy = cors_runtime::policy!(origins_from = layered_origins, refresh = 60, credentials);
    let hello = service_fn(|_request: http::Request<()>| async {
        Ok::<_, Error>(http::Response::new(String::from("hello")))
    });
    let service = CorsLayer::new(policy).layer(hello);
    let request = http::Request::get("/")
        .header("origin", SHOP)
        .body(())
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()[ACAO], SHOP);
    assert_eq!(LAYERED.calls(), 1);
    let request = http::Request::get("/")
        .header("origin", SHOP)
        .body(())
        .unwrap();
    service.oneshot(request).await.unwrap();
    assert_eq!(LAYERED.calls(), 1, "fresh: no second load");
    policy.load().unwrap();
}

static CANCELLED: Answers = Answers::new(Ok(Vec::new()));

async fn cancelled_origins() -> Result<Vec<&'static str>, &'static str> {
    CANCELLED.load(Duration::from_millis(200)).await
}

#[cors(origins_from = cancelled_origins, credentials)]
async fn cancelled(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("ok", &event))
}

#[tokio::test(start_paused = true)]
async fn a_first_load_outlives_the_request_that_started_it() {
    CANCELLED.set(Ok(vec![SHOP]));
    // The request is dropped (its client gone) while the source is still answering.
    let call = get(Some(SHOP));
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        send(cancelled, Source::HttpApi, &call),
    )
    .await;
    assert!(
        gave_up.is_err(),
        "the request was still waiting for the load"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The load went on and its answer landed: the next request uses it, without a second load.
    assert!(allowed(cancelled, SHOP).await);
    assert_eq!(CANCELLED.calls(), 1);
}
