//! Running the same handler body with and without `#[cors]` and comparing what each did.
//!
//! A [`Transcript`] is everything a call did that the attribute must not change: the status, the
//! header lines other than `Access-Control-*` (and `Vary`'s own tokens, without the `Origin` the policy
//! adds), the body as lambda_http converted it (`body` and `isBase64Encoded`), the error or the panic,
//! and an ordered log of side effects ([`Log`]): what the body recorded and the order in which values
//! were dropped ([`Noisy`]).

use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use lambda_http::{IntoResponse, Request, service_fn};

use crate::{Call, Source, invoke};

/// An ordered record of side effects, shared by the handler and the test.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    /// An empty log.
    pub fn new() -> Log {
        Log::default()
    }

    /// Records `event`.
    pub fn push(&self, event: impl Into<String>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.into());
    }

    /// The events recorded so far, emptying the log.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A value that records `drop {name}` when dropped.
    pub fn noisy(&self, name: &'static str) -> Noisy {
        Noisy {
            name,
            log: self.clone(),
        }
    }
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Log")
    }
}

/// A value whose drop is recorded in a [`Log`].
pub struct Noisy {
    name: &'static str,
    log: Log,
}

impl Noisy {
    /// Its name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl fmt::Debug for Noisy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Noisy({})", self.name)
    }
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.name));
    }
}

/// What one call did, as far as the attribute must leave it alone.
#[derive(Debug, PartialEq, Eq)]
pub struct Transcript {
    /// `statusCode`, or `None` when the call failed or panicked.
    pub status: Option<u16>,
    /// Header lines other than `Access-Control-*` and `Vary`, in order.
    pub headers: Vec<(String, String)>,
    /// `Vary` tokens other than `Origin`, in order.
    pub vary: Vec<String>,
    /// The `body` string as lambda_http serialized it.
    pub body: String,
    /// `isBase64Encoded`.
    pub base64: bool,
    /// The handler's error (`Debug`), if it returned one.
    pub error: Option<String>,
    /// The panic message, if it panicked.
    pub panic: Option<String>,
    /// Side effects, in order.
    pub log: Vec<String>,
}

/// Runs `service_fn(handler)` on `call` from `source`, as `lambda_http::run` would, and records it.
pub async fn transcript<H, Fut, R, E>(
    handler: H,
    source: Source,
    call: &Call,
    log: &Log,
) -> Transcript
where
    H: FnMut(Request) -> Fut,
    Fut: Future<Output = Result<R, E>> + Send,
    R: IntoResponse,
    E: fmt::Debug,
{
    log.take();
    let outcome = CatchUnwind(Box::pin(invoke(service_fn(handler), source, call))).await;
    let mut transcript = Transcript {
        status: None,
        headers: Vec::new(),
        vary: Vec::new(),
        body: String::new(),
        base64: false,
        error: None,
        panic: None,
        log: Vec::new(),
    };
    match outcome {
        Ok(Ok(reply)) => {
            transcript.status = Some(reply.status);
            transcript.body = reply.body.clone();
            transcript.base64 = reply.is_base64_encoded;
            for (name, value) in reply.headers() {
                if name == "vary" {
                    transcript.vary.extend(
                        value
                            .split(',')
                            .map(str::trim)
                            .filter(|token| {
                                !token.is_empty() && !token.eq_ignore_ascii_case("origin")
                            })
                            .map(str::to_owned),
                    );
                } else if !name.starts_with("access-control-") {
                    transcript.headers.push((name.clone(), value.clone()));
                }
            }
        }
        Ok(Err(error)) => transcript.error = Some(format!("{error:?}")),
        Err(panic) => {
            transcript.panic = Some(
                panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic".to_owned()),
            );
        }
    }
    transcript.log = log.take();
    transcript
}

/// The calls every pair of handlers is compared on: they all reach the handler (no preflight).
pub fn calls(origin: &str) -> Vec<Call> {
    vec![
        Call::new("GET", "/items").header("Origin", origin),
        Call::new("GET", "/items?flag=1"),
        Call::new("POST", "/items")
            .header("Origin", origin)
            .header("Content-Type", "application/json")
            .body("{\"n\":1}"),
        Call::new("OPTIONS", "/items").header("Origin", origin),
        Call::new("GET", "/other").header("Origin", "https://evil.example"),
    ]
}

/// Runs `with` and `without` on every call of [`calls`] from every source and asserts the transcripts
/// are the same.
pub async fn assert_same<W, WF, WR, WE, N, NF, NR, NE>(
    name: &str,
    log: &Log,
    mut with: W,
    mut without: N,
) where
    W: FnMut(Request) -> WF,
    WF: Future<Output = Result<WR, WE>> + Send,
    WR: IntoResponse,
    WE: fmt::Debug,
    N: FnMut(Request) -> NF,
    NF: Future<Output = Result<NR, NE>> + Send,
    NR: IntoResponse,
    NE: fmt::Debug,
{
    for call in calls("https://app.example.com") {
        for source in Source::ALL {
            let annotated = transcript(&mut with, source, &call, log).await;
            let plain = transcript(&mut without, source, &call, log).await;
            assert_eq!(
                annotated, plain,
                "{name}: {source} {} {}: with #[cors] (left) and without (right)",
                call.method, call.path
            );
        }
    }
}

/// A future whose panic is caught and returned, as `lambda_runtime` catches a handler's.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
