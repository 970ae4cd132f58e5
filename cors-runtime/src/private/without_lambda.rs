//! Without the `lambda` feature, `impl IntoResponse` handlers cannot be wrapped: these stand-ins for the
//! functions of `with_cors` turn that into one readable error.

use crate::{Actual, Preflight};

/// Implemented by nothing: the bound that says why.
#[diagnostic::on_unimplemented(
    message = "`#[cors]` on an `impl IntoResponse` handler needs cors-runtime's `lambda` feature",
    label = "`impl IntoResponse` is lambda_http's trait",
    note = "enable the feature (`cors-runtime = {{ version = \"0.1\", features = [\"lambda\"] }}`), or return \
            `Response<B>` / `Result<Response<B>, E>`"
)]
pub trait NeedsLambdaFeature {}

/// See [`NeedsLambdaFeature`].
pub struct WithCors<T, U = ()>(T, U);

impl<T: NeedsLambdaFeature, U> WithCors<T, U> {
    /// See [`NeedsLambdaFeature`].
    pub fn preflight(_: Preflight) -> Self {
        unreachable!()
    }
}

/// See [`NeedsLambdaFeature`].
pub fn wrap<T: NeedsLambdaFeature>(value: T, _: Actual<'static>) -> T {
    value
}

/// See [`NeedsLambdaFeature`].
pub fn wrap_ok<T: NeedsLambdaFeature, E>(output: Result<T, E>, _: Actual<'static>) -> Result<T, E> {
    output
}

/// See [`NeedsLambdaFeature`].
pub fn wrap_catching<T: NeedsLambdaFeature, E>(
    output: Result<T, E>,
    _: Actual<'static>,
) -> Result<T, E> {
    output
}

/// See [`NeedsLambdaFeature`].
pub fn wrap_catching_with<T: NeedsLambdaFeature, E, F>(
    output: Result<T, E>,
    _: Actual<'static>,
    _: F,
) -> Result<T, E> {
    output
}
