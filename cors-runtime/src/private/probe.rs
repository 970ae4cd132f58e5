//! `check_policy!`: reaching a handler's policy from outside the handler.
//!
//! An attribute cannot add items beside a function in a trait `impl`, so a handler's policy lives in a
//! `static` inside its body, where no path reaches it. `check_policy!(handler)` calls the handler once
//! with a probe request and polls it once: the expansion's first step, before the body, hands the probe
//! its policy and answers the request without running the body.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Waker};

use http::{HeaderMap, Method, Request};

use super::StaticCors;
use crate::{ConfigError, Decision, Preflight};

/// How many probes are running. Handlers check it on every request, so outside `check_policy!` it costs
/// one relaxed load that is always zero.
static PROBES: AtomicUsize = AtomicUsize::new(0);

/// The request extension that marks a probe, and where the handler leaves its policy.
#[derive(Clone)]
pub struct Probe(Arc<OnceLock<&'static StaticCors>>);

thread_local! {
    /// The probe being polled on this thread, for arguments that carry no extensions (a WebSocket
    /// event): `find` polls the handler on this thread, once, synchronously.
    static POLLED: RefCell<Option<Probe>> = const { RefCell::new(None) };
}

/// What `check_policy!` can call a handler with: a probe of the handler's own argument type.
pub trait ProbeArg: Sized {
    /// An argument that marks `probe`.
    fn probe(probe: &Probe) -> Self;
}

impl<B: Default> ProbeArg for Request<B> {
    fn probe(probe: &Probe) -> Self {
        let mut request = Request::new(B::default());
        *request.method_mut() = Method::OPTIONS;
        request.extensions_mut().insert(probe.clone());
        request
    }
}

/// Hands the probe being polled on this thread `policy` (for an argument marked by `is_marked`), and
/// returns the answer that ends the call.
#[cfg(feature = "lambda")]
#[cold]
pub(crate) fn offer_polled(
    is_marked: bool,
    policy: &'static StaticCors,
) -> Option<Decision<'static>> {
    if !is_marked {
        return None;
    }
    let probe = POLLED.with(|polled| polled.borrow().clone())?;
    let _ = probe.0.set(policy);
    Some(Decision::Preflight(Preflight {
        allowed: false,
        headers: HeaderMap::new(),
    }))
}

/// Whether a probe is being polled on this thread.
#[cfg(feature = "lambda")]
pub(crate) fn polled_here() -> bool {
    POLLED.with(|polled| polled.borrow().is_some())
}

#[inline]
pub(crate) fn active() -> bool {
    PROBES.load(Ordering::Relaxed) != 0
}

/// If `request` is a probe, hands it `policy` and returns the answer that ends the call: a refused
/// preflight, so the body does not run.
#[cold]
pub(crate) fn offer<B>(
    request: &Request<B>,
    policy: &'static StaticCors,
) -> Option<Decision<'static>> {
    let probe = request.extensions().get::<Probe>()?;
    let _ = probe.0.set(policy);
    Some(Decision::Preflight(Preflight {
        allowed: false,
        headers: HeaderMap::new(),
    }))
}

/// Whether `request` is a probe.
#[cold]
pub(crate) fn is_probe<B>(request: &Request<B>) -> bool {
    request.extensions().get::<Probe>().is_some()
}

/// A handler `check_policy!` can call: a function of the request alone.
#[diagnostic::on_unimplemented(
    message = "`check_policy!` calls `{Self}` with one argument, the request",
    label = "not a `#[cors]` handler taking only the request",
    note = "for a handler with more parameters, pass a closure that supplies them: \
            `check_policy!(|event| handler(event, &state))`"
)]
pub trait ProbeHandler<A> {
    /// The handler's future.
    type Future: Future;
    /// Calls the handler.
    fn call(self, request: A) -> Self::Future;
}

impl<F, A, Fut> ProbeHandler<A> for F
where
    F: FnOnce(A) -> Fut,
    Fut: Future,
{
    type Future = Fut;

    fn call(self, request: A) -> Fut {
        self(request)
    }
}

/// What `check_policy!(handler)` runs: builds the handler's policy now, as its first request would, and
/// returns the configuration error it failed closed on, if any.
///
/// # Panics
///
/// If `handler` is not a `#[cors]` handler: a programming error, found at the first cold start.
pub fn check_policy<H, A>(handler: H) -> Result<(), ConfigError>
where
    H: ProbeHandler<A>,
    A: ProbeArg,
{
    find(handler).get().load()
}

/// What `check_policy!(async handler)` runs: [`check_policy`], and for an `origins_from` policy the
/// first load of its list, which the handler's requests then find done.
///
/// # Panics
///
/// If `handler` is not a `#[cors]` handler, as [`check_policy`].
pub async fn check_policy_async<H, A>(handler: H) -> Result<(), ConfigError>
where
    H: ProbeHandler<A>,
    A: ProbeArg,
{
    let policy = find(handler);
    policy.get().load_origins().await
}

/// The policy of `handler`, found by calling it with a probe.
fn find<H, A>(handler: H) -> &'static StaticCors
where
    H: ProbeHandler<A>,
    A: ProbeArg,
{
    /// Ends the probe even if the handler panics.
    struct Running;
    impl Drop for Running {
        fn drop(&mut self) {
            POLLED.with(|polled| polled.borrow_mut().take());
            PROBES.fetch_sub(1, Ordering::Relaxed);
        }
    }

    let found = Arc::new(OnceLock::new());
    let probe = Probe(Arc::clone(&found));
    let request = A::probe(&probe);
    {
        PROBES.fetch_add(1, Ordering::Relaxed);
        POLLED.with(|polled| *polled.borrow_mut() = Some(probe));
        let _running = Running;
        let future = pin!(handler.call(request));
        // A `#[cors]` handler answers the probe before its first `.await`, so one poll is enough.
        let _ = future.poll(&mut Context::from_waker(Waker::noop()));
    }
    match found.get() {
        Some(policy) => policy,
        None => panic!(
            "`check_policy!({})`: this is not a `#[cors]` handler (its first poll did not reach a \
             policy); pass the annotated function, or a closure calling it",
            std::any::type_name::<H>()
        ),
    }
}
