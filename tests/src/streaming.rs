//! Driving a service the way `lambda_http::run_with_streaming_response` does: through lambda_http's
//! `StreamAdapter`, whose response is a metadata prelude (status, headers, cookies, sent as JSON before
//! the body) and the body as a stream.

use std::fmt::Debug;
use std::future::poll_fn;

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::Body;
use lambda_http::request::LambdaRequest;
use lambda_http::{Context, LambdaEvent, Request, Response, Service, StreamAdapter};
use serde_json::Value;

use crate::{Call, Source, event_json};

/// The body stream the runtime reads (lambda_http's `BodyStream`, which cannot be named), its chunks
/// as bytes and its error as text.
type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, String>> + Send>>;

/// The head of a streamed response, as the runtime sends it, and the body stream still unread.
pub struct Streamed {
    /// The source whose event was sent.
    pub source: Source,
    /// The metadata prelude as JSON, exactly what lambda_runtime writes before the body:
    /// `{"statusCode": 200, "headers": {...}, "cookies": [...]}`. A header that has one value is a
    /// string in `headers`; a repeated one is an array.
    pub prelude: Value,
    /// The body as the runtime streams it, not read yet: the head was returned before it.
    pub body: Chunks,
}

impl Streamed {
    /// The prelude's status code.
    pub fn status(&self) -> u64 {
        self.prelude["statusCode"].as_u64().unwrap_or_default()
    }

    /// The prelude's value for header `name` (lower case) when it is one string; `None` when absent.
    ///
    /// # Panics
    ///
    /// When the header is repeated (an array in the prelude) or not a string: Function URLs would then
    /// send a JSON array, or one line of several, which is what the tests rule out.
    pub fn header(&self, name: &str) -> Option<&str> {
        match &self.prelude["headers"][name] {
            Value::Null => None,
            Value::String(value) => Some(value),
            other => panic!(
                "{}: `{name}` in the prelude is {other}, not one string",
                self.source
            ),
        }
    }

    /// The names of the prelude's headers.
    pub fn header_names(&self) -> Vec<String> {
        self.prelude["headers"]
            .as_object()
            .map(|headers| headers.keys().cloned().collect())
            .unwrap_or_default()
    }
}

impl Streamed {
    /// The next chunk of the body, as the runtime reads it after the prelude; `None` at its end.
    ///
    /// # Panics
    ///
    /// If the body fails.
    pub async fn next_chunk(&mut self) -> Option<Bytes> {
        let chunk = poll_fn(|cx| Pin::new(&mut self.body).poll_next(cx)).await?;
        Some(chunk.unwrap_or_else(|error| panic!("{}: the body failed: {error}", self.source)))
    }

    /// Reads the whole body, as the runtime does after sending the prelude.
    ///
    /// # Panics
    ///
    /// If the body fails.
    pub async fn body_bytes(mut self) -> Bytes {
        let mut bytes = BytesMut::new();
        while let Some(chunk) = poll_fn(|cx| Pin::new(&mut self.body).poll_next(cx)).await {
            match chunk {
                Ok(data) => bytes.extend_from_slice(&data),
                Err(error) => panic!("{}: the body failed: {error:?}", self.source),
            }
        }
        bytes.freeze()
    }
}

/// Runs `service` on the `source` event for `call` through `lambda_http::StreamAdapter`, as
/// `run_with_streaming_response` does, and returns the prelude the runtime would send and the body.
///
/// # Errors
///
/// The service's own error.
///
/// # Panics
///
/// If the event does not parse, or the prelude does not serialize (a harness bug).
#[allow(
    clippy::expect_used,
    reason = "test support: a fixture lambda_http cannot parse, or a prelude serde cannot write, is a harness bug"
)]
pub async fn invoke_streaming<'a, S, B, E>(
    service: S,
    source: Source,
    call: &Call,
) -> Result<Streamed, E>
where
    S: Service<Request, Response = Response<B>, Error = E>,
    S::Future: Send + 'a,
    B: Body + Unpin + Send + 'static,
    B::Data: Into<Bytes> + Send,
    B::Error: Into<lambda_http::Error> + Send + Debug,
{
    let json = event_json(source, call);
    let payload: LambdaRequest = serde_json::from_slice(json.as_bytes())
        .expect("lambda_http could not deserialize the event built from the fixture");
    let mut adapter = StreamAdapter::from(service);
    poll_fn(|cx| adapter.poll_ready(cx)).await?;
    let response = adapter
        .call(LambdaEvent::new(payload, Context::default()))
        .await?;
    let prelude =
        serde_json::to_value(&response.metadata_prelude).expect("the metadata prelude serializes");
    Ok(Streamed {
        source,
        prelude,
        body: Box::pin(Mapped(response.stream)),
    })
}

struct Mapped<S>(S);

impl<S, D, E> Stream for Mapped<S>
where
    S: Stream<Item = Result<D, E>> + Unpin,
    D: Into<Bytes>,
    E: Debug,
{
    type Item = Result<Bytes, String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0).poll_next(cx).map(|chunk| {
            chunk.map(|chunk| chunk.map(Into::into).map_err(|error| format!("{error:?}")))
        })
    }
}
