//! `impl IntoResponse` handlers: the handler's value is wrapped, not converted, so lambda_http converts
//! it exactly once, as it would without the attribute, and the CORS headers are added to the result.

use std::future::{Future, ready};
use std::pin::Pin;

use lambda_http::{Body, IntoResponse, Response};

use super::handler::logged;
use crate::{Actual, Preflight};

/// The value of an `impl IntoResponse` handler under `#[cors]`: the handler's own value `T`, the value
/// `U` its `catch_errors` function made of an error, or the answer to a preflight.
#[must_use]
pub struct WithCors<T, U = Never>(Repr<T, U>);

enum Repr<T, U> {
    Handler(T, Actual<'static>),
    Caught(U, Actual<'static>),
    Preflight(Preflight),
}

/// What `IntoResponse::into_response` returns (lambda_http does not export its name).
type ResponseFuture = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;

/// No value: the `U` of a handler without `catch_errors`.
pub enum Never {}

impl IntoResponse for Never {
    fn into_response(self) -> ResponseFuture {
        match self {}
    }
}

impl<T, U> WithCors<T, U> {
    /// The answer to a preflight.
    pub fn preflight(preflight: Preflight) -> Self {
        WithCors(Repr::Preflight(preflight))
    }
}

impl<T, U> IntoResponse for WithCors<T, U>
where
    T: IntoResponse,
    U: IntoResponse,
{
    fn into_response(self) -> ResponseFuture {
        let (converting, actual) = match self.0 {
            Repr::Preflight(preflight) => return Box::pin(ready(preflight.into_response())),
            Repr::Handler(value, actual) => (value.into_response(), actual),
            Repr::Caught(value, actual) => (value.into_response(), actual),
        };
        Box::pin(async move {
            let mut response = converting.await;
            actual.apply(&mut response);
            response
        })
    }
}

// No `T: IntoResponse` bound on these: a value that is not is reported by rustc on the signature's
// `impl IntoResponse`, exactly as without the attribute, and a bound here would report it once more.

/// An `impl IntoResponse` handler's value.
#[inline]
pub fn wrap<T>(value: T, actual: Actual<'static>) -> WithCors<T> {
    WithCors(Repr::Handler(value, actual))
}

/// A `Result<impl IntoResponse, E>` handler's value.
#[inline]
pub fn wrap_ok<T, E>(output: Result<T, E>, actual: Actual<'static>) -> Result<WithCors<T>, E> {
    output.map(|value| WithCors(Repr::Handler(value, actual)))
}

/// `catch_errors` on a `Result<impl IntoResponse, E>` handler: an `Err` is logged and answered with an
/// empty `500`.
pub fn wrap_catching<T, E>(
    output: Result<T, E>,
    actual: Actual<'static>,
) -> Result<WithCors<T, Response<Body>>, E>
where
    E: std::fmt::Display,
{
    wrap_catching_with(output, actual, |_| {
        let mut response = Response::new(Body::Empty);
        *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        response
    })
}

/// `catch_errors = to_response` on a `Result<impl IntoResponse, E>` handler.
pub fn wrap_catching_with<T, E, U, F>(
    output: Result<T, E>,
    actual: Actual<'static>,
    to_response: F,
) -> Result<WithCors<T, U>, E>
where
    E: std::fmt::Display,
    U: IntoResponse,
    F: FnOnce(E) -> U,
{
    Ok(WithCors(match output {
        Ok(value) => Repr::Handler(value, actual),
        Err(error) => Repr::Caught(to_response(logged(error)), actual),
    }))
}
