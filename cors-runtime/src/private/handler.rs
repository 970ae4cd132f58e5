//! The steps a `#[cors]` expansion takes around the handler's body, dispatched on the handler's types so
//! that a wrong parameter or return type is reported on the user's own tokens, in words.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response, StatusCode};

use super::{StaticCors, probe};
use crate::{Actual, Decision, Preflight};

/// The request a `#[cors]` handler takes first.
#[diagnostic::on_unimplemented(
    message = "the first parameter of a `#[cors]` handler must be the request, found `{Self}`",
    label = "expected `lambda_http::Request`, `http::Request<B>`, or a WebSocket API's `LambdaEvent<ApiGatewayWebsocketProxyRequest>`",
    note = "`#[cors]` reads the request's method and headers before the handler runs; put the request first"
)]
pub trait HandlerRequest {
    /// What the handler's policy decides for this request.
    fn decide(&self, policy: &'static StaticCors) -> Decision<'static>;

    /// Loads the policy's `origins_from` list when a load is due, before [`decide`](Self::decide); for
    /// every other policy, and for `check_policy!`'s probe, it is ready at once.
    fn prepare(&self, policy: &'static StaticCors) -> Prepare;
}

/// What [`HandlerRequest::prepare`] returns: a load to wait for, or nothing.
#[must_use]
pub struct Prepare(Option<Pin<Box<dyn Future<Output = ()> + Send>>>);

impl Prepare {
    /// Nothing to wait for.
    pub(crate) fn none() -> Prepare {
        Prepare(None)
    }

    /// The load of `policy`'s `origins_from` list, when one is due.
    pub(crate) fn load(policy: &'static StaticCors) -> Prepare {
        Prepare(
            policy.get().pending_source().map(|source| {
                Box::pin(source.ensure()) as Pin<Box<dyn Future<Output = ()> + Send>>
            }),
        )
    }
}

impl Future for Prepare {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.0 {
            Some(loading) => loading.as_mut().poll(cx),
            None => Poll::Ready(()),
        }
    }
}

#[diagnostic::do_not_recommend]
impl<B> HandlerRequest for Request<B> {
    #[inline]
    fn decide(&self, policy: &'static StaticCors) -> Decision<'static> {
        if probe::active() {
            if let Some(decision) = probe::offer(self, policy) {
                return decision;
            }
        }
        policy.get().check(self)
    }

    fn prepare(&self, policy: &'static StaticCors) -> Prepare {
        if probe::active() && probe::is_probe(self) {
            return Prepare::none();
        }
        Prepare::load(policy)
    }
}

/// What a `#[cors]` handler returns, when it is a concrete response type.
#[diagnostic::on_unimplemented(
    message = "`#[cors]` cannot add CORS headers to `{Self}`",
    label = "unsupported return type for a `#[cors]` handler",
    note = "a `#[cors]` handler returns `Result<impl IntoResponse, E>`, `impl IntoResponse`, \
            `Result<Response<B>, E>` or `Response<B>` (with `B: Default`)"
)]
pub trait HandlerOutput: Sized {
    /// The answer to a preflight, in this type.
    fn preflight(preflight: Preflight) -> Self;
    /// The handler's output with the CORS headers added to its response (to the `Ok` one).
    fn add_cors(self, actual: &Actual<'_>) -> Self;
}

#[diagnostic::do_not_recommend]
impl<B: Default> HandlerOutput for Response<B> {
    fn preflight(preflight: Preflight) -> Self {
        preflight.into_response()
    }

    #[inline]
    fn add_cors(mut self, actual: &Actual<'_>) -> Self {
        actual.apply(&mut self);
        self
    }
}

#[diagnostic::do_not_recommend]
impl<B: Default, E> HandlerOutput for Result<Response<B>, E> {
    fn preflight(preflight: Preflight) -> Self {
        Ok(preflight.into_response())
    }

    #[inline]
    fn add_cors(mut self, actual: &Actual<'_>) -> Self {
        if let Ok(response) = &mut self {
            actual.apply(response);
        }
        self
    }
}

/// What `catch_errors` can act on: a handler's `Result` whose error can be logged.
#[diagnostic::on_unimplemented(
    message = "`catch_errors` needs a handler returning `Result<_, E>` with `E: Display`, found `{Self}`",
    label = "no error to catch here",
    note = "remove `catch_errors`, or return `Result<Response<B>, E>` / `Result<impl IntoResponse, E>`"
)]
pub trait CatchErrors: Sized {
    /// The response's body.
    type Body;
    /// The handler's error.
    type Error: Display;

    /// The `Result` itself.
    fn into_result(self) -> Result<Response<Self::Body>, Self::Error>;

    /// `Ok(response)`.
    fn from_response(response: Response<Self::Body>) -> Self;

    /// `catch_errors`: an `Err` is logged and answered with an empty `500`; then the CORS headers are
    /// added.
    fn catch(self, actual: Actual<'static>) -> Self
    where
        Self::Body: Default,
    {
        self.catch_with(actual, |_| {
            let mut response = Response::new(Self::Body::default());
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
    }

    /// `catch_errors = to_response`: an `Err` is logged and answered with `to_response(error)`; then the
    /// CORS headers are added.
    fn catch_with<F>(self, actual: Actual<'static>, to_response: F) -> Self
    where
        F: FnOnce(Self::Error) -> Response<Self::Body>,
    {
        let mut response = match self.into_result() {
            Ok(response) => response,
            Err(error) => to_response(logged(error)),
        };
        actual.apply(&mut response);
        Self::from_response(response)
    }
}

#[diagnostic::do_not_recommend]
impl<B, E: Display> CatchErrors for Result<Response<B>, E> {
    type Body = B;
    type Error = E;

    #[inline]
    fn into_result(self) -> Self {
        self
    }

    fn from_response(response: Response<B>) -> Self {
        Ok(response)
    }
}

/// Logs a handler error that `catch_errors` turns into a response.
pub(crate) fn logged<E: Display>(error: E) -> E {
    tracing::error!(
        error = %error,
        "handler failed: answering with an error response that keeps the CORS headers (`catch_errors`)"
    );
    error
}
