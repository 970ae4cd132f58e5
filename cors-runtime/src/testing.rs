//! Unit-testing `origins_env` policies without touching the process environment.
//!
//! A policy with `origins_env` reads its variable when it is first used, and a `#[cors]` handler keeps
//! the result for the life of the process, as Lambda needs. In tests that is a trap: the first test
//! to call the handler decides the list for every later one, and setting a variable is `unsafe` in
//! edition 2024 because other test threads may read the environment at the same time.
//! [`Env`] replaces both: inside [`Env::scope`] (for a future) or [`Env::scope_sync`] (for a closure)
//! every policy reads the variables you gave it, is built afresh for the scope, and leaves the
//! handler's own policy untouched, whatever ran before.
//!
//! ```
//! use cors_runtime::{cors, testing::Env};
//! use lambda_http::{Body, Error, Request, Response, http};
//!
//! #[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
//! async fn handler(_event: Request) -> Result<Response<Body>, Error> {
//!     Ok(Response::new(Body::from("hello")))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Error> {
//! // In a `#[tokio::test]`:
//! let request = http::Request::get("/")
//!     .header("origin", "https://app.example.com")
//!     .body(Body::Empty)?;
//! let env = Env::new().set("ALLOWED_ORIGINS", "https://app.example.com");
//! let response = env.scope(handler(request)).await?;
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
//! # Ok(()) }
//! ```
//!
//! The variables apply while the scope runs, on the thread that runs it; a future is covered on
//! whichever thread polls it, so it may be spawned or moved between threads. Nothing else of the
//! process sees them: [`std::env::var`] does not.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::env::{self, Overrides};

/// Environment variables that CORS policies read instead of the process's, within a scope.
#[derive(Clone, Debug, Default)]
#[must_use = "an `Env` does nothing until `scope` or `scope_sync` runs something in it"]
pub struct Env {
    vars: Vec<(String, Option<String>)>,
}

impl Env {
    /// No overrides yet: every variable reads as in the process.
    pub fn new() -> Env {
        Env::default()
    }

    /// Policies in the scope read `value` for `name`.
    ///
    /// ```
    /// use cors_runtime::{Cors, testing::Env};
    ///
    /// let env = Env::new().set("ALLOWED_ORIGINS", "https://a.example https://b.example");
    /// let cors = env.scope_sync(|| Cors::builder().origins_env("ALLOWED_ORIGINS").build())?;
    /// assert!(cors.allows_origin(&http::HeaderValue::from_static("https://b.example")));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Env {
        self.vars.push((name.into(), Some(value.into())));
        self
    }

    /// Policies in the scope see `name` as unset, whatever the process has.
    ///
    /// ```
    /// use cors_runtime::{ConfigErrorKind, Cors, testing::Env};
    ///
    /// let env = Env::new().unset("ALLOWED_ORIGINS");
    /// let err = env.scope_sync(|| Cors::builder().origins_env("ALLOWED_ORIGINS").build()).unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::EnvMissing);
    /// ```
    pub fn unset(mut self, name: impl Into<String>) -> Env {
        self.vars.push((name.into(), None));
        self
    }

    /// Runs `future` with these variables: each time it is polled, the policies it builds read them.
    ///
    /// ```
    /// use cors_runtime::{cors, testing::Env};
    /// use http::{Request, Response};
    ///
    /// #[cors(origins_env = "ALLOWED_ORIGINS")]
    /// async fn handler(_request: Request<()>) -> Response<()> {
    ///     Response::new(())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let request = Request::get("/").header("origin", "https://a.example").body(()).unwrap();
    /// let response = Env::new().set("ALLOWED_ORIGINS", "https://a.example").scope(handler(request)).await;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://a.example");
    /// # }
    /// ```
    pub fn scope<F: Future>(&self, future: F) -> Scoped<F> {
        Scoped {
            overrides: self.overrides(),
            future: Box::pin(future),
        }
    }

    /// Runs `f` with these variables.
    ///
    /// ```
    /// use cors_runtime::{Cors, testing::Env};
    ///
    /// let env = Env::new().set("ALLOWED_ORIGINS", "*");
    /// let cors = env.scope_sync(|| Cors::builder().origins_env("ALLOWED_ORIGINS").build())?;
    /// assert!(cors.allows_origin(&http::HeaderValue::from_static("https://any.example")));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    pub fn scope_sync<R>(&self, f: impl FnOnce() -> R) -> R {
        env::scoped(&self.overrides(), f)
    }

    fn overrides(&self) -> Arc<Overrides> {
        Arc::new(Overrides {
            vars: self.vars.clone(),
            built: Default::default(),
        })
    }
}

/// The future returned by [`Env::scope`]: the given future, run with the scope's variables (see
/// [`Env::scope`] for an example).
#[must_use = "futures do nothing unless polled"]
pub struct Scoped<F> {
    overrides: Arc<Overrides>,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        env::scoped(&this.overrides, || this.future.as_mut().poll(cx))
    }
}

impl<F> std::fmt::Debug for Scoped<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoped").finish_non_exhaustive()
    }
}
