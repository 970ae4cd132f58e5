//! Against moto: the handler's allowlist is the SSM parameter, and follows it `refresh` seconds after
//! it changes; a reload that fails keeps the last good list.

mod support;

use aws_sdk_ssm::types::ParameterType;
use cors_example_ssm::{REFRESH, handler};
use cors_runtime::check_policy;
use support::{assert_allowed, assert_refused, delete, get, preflight, put};
use tokio::time::{Instant, sleep_until};

const SHOP: &str = "https://shop.example.com";
const ADMIN: &str = "https://admin.example.org";
const TENANT: &str = "https://tenant-7.example.net";

async fn call(request: lambda_http::Request) -> lambda_http::Response<lambda_http::Body> {
    match handler(request).await {
        Ok(response) => response,
        Err(error) => panic!("the handler failed: {error}"),
    }
}

#[tokio::test]
async fn the_policy_follows_the_parameter_after_refresh() {
    support::moto();
    let parameter = support::origins_parameter();
    put(&parameter, ParameterType::StringList, &[SHOP]).await;

    // The list's age counts from the end of this load: after `before`, by `loaded`.
    let before = Instant::now();
    if let Err(error) = check_policy!(async handler).await {
        panic!("the cold-start check could not load `{parameter}`: {error}");
    }
    let loaded = Instant::now();
    assert_allowed(&call(get(SHOP)).await, SHOP);
    assert_refused(&call(get(ADMIN)).await, ADMIN);

    // An operator swaps the list. Until it is `refresh` old, the loaded copy still answers (asked
    // halfway, which also catches a `REFRESH` longer than the handler's `refresh`).
    put(&parameter, ParameterType::StringList, &[ADMIN, TENANT]).await;
    sleep_until(before + REFRESH / 2).await;
    assert_allowed(&call(get(SHOP)).await, SHOP);
    assert_refused(&call(get(ADMIN)).await, ADMIN);
    assert!(
        before.elapsed() < REFRESH,
        "the requests above took longer than `refresh` ({REFRESH:?}), so they do not show the \
         loaded copy answering: the machine is too slow for this test"
    );

    // The first request after that reloads, and is answered from the new list.
    sleep_until(loaded + REFRESH).await;
    assert_allowed(&call(get(ADMIN)).await, ADMIN);
    assert_allowed(&call(get(TENANT)).await, TENANT);
    assert_refused(&call(get(SHOP)).await, SHOP);
    let answer = call(preflight(TENANT)).await;
    assert_eq!(answer.status(), 204, "{:?}", answer.headers());
    assert_eq!(answer.headers()["access-control-allow-origin"], TENANT);
    let answer = call(preflight(SHOP)).await;
    assert_eq!(answer.status(), 403, "{:?}", answer.headers());

    // The parameter disappears: the reload after `refresh` fails, and the last good list stays.
    let reloaded = Instant::now();
    delete(&parameter).await;
    sleep_until(reloaded + REFRESH).await;
    assert_allowed(&call(get(ADMIN)).await, ADMIN);
    assert_refused(&call(get(SHOP)).await, SHOP);
}
