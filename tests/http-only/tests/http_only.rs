//! The attribute, the builder and `Cors::handle` on plain `http` types, without the `lambda` feature.

#![allow(missing_docs)]

use cors_runtime::testing::Env;
use cors_runtime::{Cors, check_policy};
use cors_tests_http_only::{fallible, handler};
use http::{Request, Response, StatusCode};

const APP: &str = "https://app.example.com";

#[tokio::test]
async fn the_attribute_works_on_http_handlers() {
    let request = Request::get("/me")
        .header("origin", APP)
        .body(String::new())
        .unwrap_or_default();
    let response = handler(request).await;
    assert_eq!(response.body(), "GET /me");
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );

    let preflight = Request::options("/me")
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(String::from("ignored"))
        .unwrap_or_default();
    let response = handler(preflight).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.body().is_empty());
    assert_eq!(check_policy!(handler), Ok(()));

    let env = Env::new().set("ALLOWED_ORIGINS", APP);
    let request = Request::put("/f")
        .header("origin", APP)
        .body(b"x".to_vec())
        .unwrap_or_default();
    let response = env.scope(fallible(request)).await;
    assert!(response.is_ok_and(|r| r.headers()["access-control-allow-origin"] == APP));
}

#[tokio::test]
async fn the_builder_and_handle_work_on_any_body() {
    let cors = Cors::builder()
        .origins([APP])
        .methods([http::Method::GET, http::Method::POST])
        .headers([http::header::CONTENT_TYPE])
        .build()
        .unwrap_or_else(|error| panic!("{error}"));
    let request = Request::get("/")
        .header("origin", APP)
        .body(())
        .unwrap_or_default();
    let response = cors
        .handle(request, |_| async {
            Ok::<_, std::convert::Infallible>(Response::new(Vec::<u8>::new()))
        })
        .await;
    assert!(response.is_ok_and(|r| r.headers()["access-control-allow-origin"] == APP));
}
