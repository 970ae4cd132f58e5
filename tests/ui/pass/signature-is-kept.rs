// Visibility, doc comments, other attributes (before or after `#[cors]`), generics and `where`
// clauses are re-emitted as written.
#![deny(warnings, missing_docs)]
//! A binary whose public handlers are documented.

use std::fmt::Display;

use cors_runtime::cors;
use lambda_http::{Body, Error, IntoResponse, Request, Response};

/// Documented, public, inlined.
#[inline]
#[cors(origins = ["https://app.example.com"])]
pub async fn documented(event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from(event.uri().path().to_owned())))
}

#[cors]
/// Attributes after `#[cors]` are kept too.
#[must_use = "a response does nothing unless returned"]
#[allow(clippy::unused_async)]
pub(crate) async fn after(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("after")
}

/// Generic over the body and a greeting, with a `where` clause.
#[cors(origins = ["https://app.example.com"], credentials)]
pub async fn generic<B, G: Display + Send>(
    request: http::Request<B>,
    greeting: G,
) -> Result<http::Response<String>, Error>
where
    B: AsRef<[u8]> + Send,
{
    let length = request.body().as_ref().len();
    Ok(http::Response::new(format!("{greeting}: {length} bytes")))
}

/// `impl Trait` in the request's type.
#[cors]
pub async fn impl_body(request: http::Request<impl AsRef<[u8]> + Send>) -> http::Response<String> {
    http::Response::new(request.body().as_ref().len().to_string())
}

/// Bounds besides `IntoResponse` on the `impl Trait`, with a lifetime of the handler.
#[cors]
pub async fn borrowed<'a>(
    _event: Request,
    name: &'a str,
) -> Result<impl IntoResponse + Send + 'a, Error> {
    Ok(name)
}

/// Only compiled in for one target family: the attribute composes with `cfg`.
#[cfg(unix)]
#[cors]
pub async fn unix_only(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("unix")
}

#[cfg(not(unix))]
#[cors]
pub async fn unix_only(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("other")
}

#[cfg_attr(unix, doc = "A doc comment added by `cfg_attr`.")]
#[cors]
pub async fn conditional_doc(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok("doc")
}

/// Each handler is still called as written: the attribute does not change how it is called.
pub async fn calls() -> Result<(), Error> {
    documented(Request::default()).await?;
    let _must_use = after(Request::default()).await?;
    generic(http::Request::new(b"body".to_vec()), "hello").await?;
    generic::<&str, u32>(http::Request::new("body"), 7).await?;
    borrowed(Request::default(), "name").await?;
    impl_body(http::Request::new("body")).await;
    unix_only(Request::default()).await?;
    conditional_doc(Request::default()).await?;
    Ok(())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(calls()).expect("every handler answers");
}
