// The wrapped handler's future is `Send` (as `lambda_http::run` and `tokio::spawn` require) whenever
// the body's is.
#![deny(warnings)]

use cors_runtime::cors;
use lambda_http::{Body, Error, IntoResponse, Request, Response};

#[cors(origins = ["https://app.example.com"], credentials)]
async fn concrete(_event: Request) -> Result<Response<Body>, Error> {
    tokio::task::yield_now().await;
    Ok(Response::new(Body::Empty))
}

#[cors(origins_env = "CORS_UI_TEST_SEND_ORIGINS")]
async fn opaque(_event: Request) -> Result<impl IntoResponse, Error> {
    tokio::task::yield_now().await;
    Ok(serde_json::json!({ "ok": true }))
}

#[cors]
async fn generic<B: Send + 'static>(request: http::Request<B>) -> http::Response<String> {
    tokio::task::yield_now().await;
    drop(request);
    http::Response::new(String::new())
}

fn assert_send<F: Future + Send + 'static>(future: F) -> F {
    future
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let a = tokio::spawn(assert_send(concrete(Request::default())));
        let b = tokio::spawn(assert_send(opaque(Request::default())));
        let c = tokio::spawn(assert_send(generic(http::Request::new(()))));
        assert!(a.await.expect("join").is_ok());
        assert!(b.await.expect("join").is_ok());
        assert_eq!(c.await.expect("join").status(), 200);
    });
}
