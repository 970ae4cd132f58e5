// The request parameter may be `mut`, `_`, or any irrefutable pattern, as without the attribute.
#![deny(warnings)]

use cors_runtime::cors;
use lambda_http::{Body, Error, IntoResponse, Request, RequestExt, Response};

#[cors(origins = ["https://app.example.com"])]
async fn mutable(mut event: Request) -> Result<Response<Body>, Error> {
    event.headers_mut().remove("cookie");
    let body = std::mem::take(event.body_mut());
    Ok(Response::new(body))
}

#[cors]
async fn ignored(_: Request) -> Result<impl IntoResponse, Error> {
    Ok("ignored")
}

#[cors]
async fn underscore_name(_event: Request, _: u8) -> Result<impl IntoResponse, Error> {
    Ok("ignored")
}

#[cors]
async fn reference_pattern(ref event: Request) -> Result<impl IntoResponse, Error> {
    Ok(event.query_string_parameters().first("q").unwrap_or("none").to_owned())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let request = http::Request::post("/")
            .header("origin", "https://app.example.com")
            .body(Body::from("payload"))
            .expect("request");
        let response = mutable(request).await.expect("ok");
        assert_eq!(response.body().as_ref(), b"payload");
        assert!(ignored(Request::default()).await.is_ok());
        assert!(underscore_name(Request::default(), 1).await.is_ok());
        assert!(reference_pattern(Request::default()).await.is_ok());
    });
}
