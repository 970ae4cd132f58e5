//! Streamed responses (`lambda_http::run_with_streaming_response`): `#[cors]` and `CorsLayer` put the
//! CORS headers in the metadata prelude the runtime sends before the body, each as one string (a
//! repeated header would become a JSON array there, and `Vary` must stay one line), and never wait for
//! the body: the head is out while the body still streams.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use cors_runtime::{CorsLayer, cors, policy};
use cors_tests::{Call, Source, Streamed, invoke_streaming};
use http_body::Frame;
use lambda_http::tower::{ServiceBuilder, service_fn};
use lambda_http::{Error, Request, Response, Service};

use crate::common::{get, preflight};

const APP: &str = "https://app.example.com";

/// A body that yields its chunks one by one and then ends, or, when `endless`, never ends: a response
/// whose head only arrives if nothing waits for its body.
#[derive(Default)]
struct Trickle {
    chunks: VecDeque<&'static str>,
    endless: bool,
}

impl Trickle {
    fn of(chunks: &[&'static str]) -> Trickle {
        Trickle {
            chunks: chunks.iter().copied().collect(),
            endless: false,
        }
    }

    fn endless(first: &'static str) -> Trickle {
        Trickle {
            chunks: VecDeque::from([first]),
            endless: true,
        }
    }
}

impl http_body::Body for Trickle {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(chunk.as_bytes()))))),
            None if self.endless => Poll::Pending,
            None => Poll::Ready(None),
        }
    }
}

/// `future`, or a failure after 10 s: a head that waited for an endless body would never come.
async fn within<F: std::future::Future>(future: F) -> F::Output {
    tokio::time::timeout(std::time::Duration::from_secs(10), future)
        .await
        .unwrap_or_else(|_| panic!("the response head waited for the body"))
}

async fn stream_all<S>(service: S, call: &Call) -> Vec<Streamed>
where
    S: Service<Request, Response = Response<Trickle>> + Clone,
    S::Error: std::fmt::Debug,
    S::Future: Send + 'static,
{
    let mut replies = Vec::new();
    for source in Source::ALL {
        let streamed = invoke_streaming(service.clone(), source, call)
            .await
            .unwrap_or_else(|error| panic!("{source}: the service failed: {error:?}"));
        replies.push(streamed);
    }
    replies
}

/// The prelude of an allowed credentialed response: one ACAO, ACAC, and `Vary` as one string with the
/// handler's token kept.
fn assert_allowed_prelude(streamed: &Streamed) {
    let source = streamed.source;
    assert_eq!(streamed.status(), 200, "{source}");
    assert_eq!(
        streamed.header("access-control-allow-origin"),
        Some(APP),
        "{source}"
    );
    assert_eq!(
        streamed.header("access-control-allow-credentials"),
        Some("true"),
        "{source}"
    );
    assert_eq!(
        streamed.header("vary"),
        Some("Accept-Encoding, Origin"),
        "{source}"
    );
    assert_eq!(
        streamed.header("content-type"),
        Some("text/event-stream"),
        "{source}"
    );
}

/// An allowed preflight's prelude: `204`, the headers as single strings, and no body.
async fn assert_preflight_prelude(mut streamed: Streamed) {
    let source = streamed.source;
    assert_eq!(streamed.status(), 204, "{source}");
    assert_eq!(
        streamed.header("access-control-allow-origin"),
        Some(APP),
        "{source}"
    );
    assert_eq!(
        streamed.header("access-control-allow-credentials"),
        Some("true"),
        "{source}"
    );
    assert_eq!(
        streamed.header("access-control-allow-methods"),
        Some("GET, POST"),
        "{source}"
    );
    assert_eq!(
        streamed.header("vary"),
        Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
        "{source}"
    );
    assert_eq!(streamed.next_chunk().await, None, "{source}: no body");
}

fn events(body: Trickle) -> Result<Response<Trickle>, Error> {
    Ok(Response::builder()
        .header("content-type", "text/event-stream")
        .header("vary", "Accept-Encoding")
        .body(body)?)
}

#[tokio::test]
async fn the_layer_sends_the_headers_before_the_body_streams() {
    let service = ServiceBuilder::new()
        .layer(CorsLayer::new(policy!(
            origins = ["https://app.example.com"],
            credentials,
            methods = ["GET", "POST"]
        )))
        .service(service_fn(|_: Request| async {
            events(Trickle::endless("data: 1\n\n"))
        }));
    for mut streamed in within(stream_all(service.clone(), &get(Some(APP)))).await {
        assert_allowed_prelude(&streamed);
        // The body had not ended (it never does) when the head was returned.
        assert_eq!(
            within(streamed.next_chunk()).await.as_deref(),
            Some(&b"data: 1\n\n"[..])
        );
    }
    for streamed in stream_all(service, &preflight(APP, "POST", None)).await {
        assert_preflight_prelude(streamed).await;
    }
}

#[tokio::test]
async fn the_layer_passes_every_chunk_through() {
    let service = ServiceBuilder::new()
        .layer(CorsLayer::new(policy!(
            origins = ["https://app.example.com"],
            credentials
        )))
        .service(service_fn(|_: Request| async {
            events(Trickle::of(&["a", "b", "c"]))
        }));
    for streamed in stream_all(service, &get(Some(APP))).await {
        assert_allowed_prelude(&streamed);
        assert_eq!(streamed.body_bytes().await, "abc");
    }
}

#[cors(origins = ["https://app.example.com"], credentials, methods = ["GET", "POST"])]
async fn endless(_event: Request) -> Result<Response<Trickle>, Error> {
    events(Trickle::endless("data: 1\n\n"))
}

#[cors(origins = ["https://app.example.com"], credentials)]
async fn finite(_event: Request) -> Result<Response<Trickle>, Error> {
    events(Trickle::of(&["a", "b", "c"]))
}

#[tokio::test]
async fn the_attribute_sends_the_headers_before_the_body_streams() {
    for mut streamed in within(stream_all(service_fn(endless), &get(Some(APP)))).await {
        assert_allowed_prelude(&streamed);
        assert_eq!(
            within(streamed.next_chunk()).await.as_deref(),
            Some(&b"data: 1\n\n"[..])
        );
    }
    for streamed in stream_all(service_fn(endless), &preflight(APP, "POST", None)).await {
        assert_preflight_prelude(streamed).await;
    }
    for streamed in stream_all(service_fn(finite), &get(Some(APP))).await {
        assert_allowed_prelude(&streamed);
        assert_eq!(streamed.body_bytes().await, "abc");
    }
}

#[tokio::test]
async fn a_refused_origin_streams_without_cors_headers() {
    for streamed in stream_all(service_fn(finite), &get(Some("https://evil.example"))).await {
        let source = streamed.source;
        assert_eq!(streamed.status(), 200, "{source}");
        let names = streamed.header_names();
        assert!(
            !names.iter().any(|name| name.starts_with("access-control-")),
            "{source}: {names:?}"
        );
        assert_eq!(
            streamed.header("vary"),
            Some("Accept-Encoding, Origin"),
            "{source}"
        );
        assert_eq!(streamed.body_bytes().await, "abc", "{source}");
    }
}
