//! The policy as a tower layer, for axum routers and any tower stack.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use http::{HeaderValue, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::decision::Preflight;
use crate::{Cors, Decision};

/// A [`tower::Layer`](tower_layer::Layer) that puts a policy around a service: preflights are answered
/// without calling it, and every other response gets the policy's CORS headers, exactly as
/// [`#[cors]`](macro@crate::cors) does for a handler.
///
/// Around a whole axum `Router`, so axum's own `404` and `405` answers carry the headers too. A policy
/// read from the environment is loaded in `main` first ([`Cors::load`]), so a bad `ALLOWED_ORIGINS`
/// fails the cold start instead of serving responses without CORS headers:
///
/// ```no_run
/// use axum::{routing::get, Router};
/// use cors_runtime::{policy, Cors, CorsLayer};
///
/// fn account_policy() -> &'static Cors {
///     policy!(origins_env = "ALLOWED_ORIGINS", credentials)
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), lambda_http::Error> {
///     account_policy().load()?;
///     let app = Router::new()
///         .route("/items", get(|| async { "[]" }))
///         .layer(CorsLayer::new(account_policy()));
///     lambda_http::run(app).await
/// }
/// ```
///
/// Or per route, with a policy each (use `MethodRouter::layer`, which also wraps the route's `405`
/// fallback, so a preflight to the route reaches the policy; `route_layer` does not):
///
/// ```
/// use axum::{routing::get, Router};
/// use cors_runtime::{policy, CorsLayer};
///
/// let app: Router = Router::new()
///     .route("/public", get(|| async { "hello" }).layer(CorsLayer::new(policy!())))
///     .route(
///         "/me",
///         get(|| async { "you" }).layer(CorsLayer::new(policy!(origins = ["https://app.example.com"], credentials))),
///     );
/// ```
///
/// [`CorsLayer::new`] takes a `&'static Cors` from [`policy!`](crate::policy) or a [`Cors`] from the
/// builder. Compared with tower-http's `CorsLayer`: the policy is checked when compiling (or returned as
/// an error by the builder) instead of panicking at start-up; an origin is one hash lookup whatever the
/// size of the list (and one per dot of the host for subdomain patterns); only `OPTIONS` with `Origin` and `Access-Control-Request-Method` is a preflight
/// (any other `OPTIONS` reaches your service); and the response has one `Vary` line (HTTP APIs and
/// Function URLs keep only the first of several).
///
/// # Bodies
///
/// Any request body. The response body must be `Default`, for the empty body of a preflight answer:
/// axum's `Body`, lambda_http's `Body`, `http_body_util`'s `Full`, `Empty`, `BoxBody` and `UnsyncBoxBody`
/// are. A body that is not (`StreamBody`) can be boxed (`BodyExt::boxed_unsync`) or put in axum's `Body`.
/// The response's body is never read: the headers are set on the response head, and the body streams
/// through as the inner service produced it.
///
/// The layer holds the policy it was given: under [`testing::Env`](crate::testing::Env), build it
/// inside the scope, where `policy!` evaluates to the scope's policy.
#[derive(Clone, Debug)]
pub struct CorsLayer {
    cors: Cors,
}

impl CorsLayer {
    /// A layer applying `policy`: a `&'static Cors` from [`policy!`](crate::policy), or a [`Cors`] by value.
    ///
    /// ```
    /// use cors_runtime::{Cors, CorsLayer};
    ///
    /// let layer = CorsLayer::new(Cors::builder().origins(["https://app.example.com"]).build()?);
    /// let also = CorsLayer::new(cors_runtime::policy!(origins = ["https://app.example.com"]));
    /// # drop((layer, also));
    /// # Ok::<(), cors_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn new(policy: impl Into<Cors>) -> CorsLayer {
        CorsLayer {
            cors: policy.into(),
        }
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        CorsService {
            inner,
            cors: self.cors.clone(),
            loading: Mutex::new(None),
        }
    }
}

/// The service [`CorsLayer`] makes: `inner` with the policy around it.
///
/// An error of the inner service passes through as it is, without headers (axum's services never fail;
/// lambda_http reports an error as a failed invocation, which has no headers to add to).
///
/// ```
/// use std::convert::Infallible;
///
/// use cors_runtime::{CorsLayer, CorsService};
/// use http::{Request, Response};
/// use lambda_http::tower::{Layer, ServiceExt, service_fn};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let hello = service_fn(|_request: Request<()>| async {
///     Ok::<_, Infallible>(Response::new(String::from("hello")))
/// });
/// let service: CorsService<_> = CorsLayer::new(cors_runtime::policy!()).layer(hello);
/// let request = Request::get("/").header("origin", "https://a.example").body(())?;
/// let response = service.oneshot(request).await?;
/// assert_eq!(response.headers()["access-control-allow-origin"], "*");
/// # Ok(()) }
/// ```
pub struct CorsService<S> {
    inner: S,
    cors: Cors,
    /// The `origins_from` load this service waits for in `poll_ready`, when one is due. In a `Mutex`
    /// only so the service is `Sync` (as axum wants); it is only reached through `&mut self`, which
    /// needs no locking.
    loading: Mutex<Option<Loading>>,
}

type Loading = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A clone shares the policy; a load in flight stays with the original.
impl<S: Clone> Clone for CorsService<S> {
    fn clone(&self) -> Self {
        CorsService {
            inner: self.inner.clone(),
            cors: self.cors.clone(),
            loading: Mutex::new(None),
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for CorsService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsService")
            .field("inner", &self.inner)
            .field("cors", &self.cors)
            .finish_non_exhaustive()
    }
}

impl<S> CorsService<S> {
    /// The service inside.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CorsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    /// Ready when the inner service is and, for an `origins_from` policy, when its list is loaded (or
    /// its load failed): the request is then checked against a list that is there.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        let loading = self
            .loading
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if loading.is_none() {
            if let Some(source) = self.cors.pending_source() {
                let source = Arc::clone(source);
                *loading = Some(Box::pin(async move { source.ensure().await }));
            }
        }
        if let Some(future) = loading {
            ready!(future.as_mut().poll(cx));
            *loading = None;
        }
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> ResponseFuture<S::Future> {
        let allow_origin = match self.cors.check(&request) {
            Decision::Preflight(preflight) => {
                return ResponseFuture {
                    state: State::Preflight { preflight },
                };
            }
            Decision::Actual(actual) => actual.allow_origin,
        };
        ResponseFuture {
            state: State::Inner {
                future: self.inner.call(request),
                cors: self.cors.clone(),
                allow_origin,
            },
        }
    }
}

pin_project! {
    /// The response future of [`CorsService`]: the preflight answer, or the inner service's response
    /// with the CORS headers added.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F> {
        Preflight { preflight: Preflight },
        Inner {
            #[pin]
            future: F,
            cors: Cors,
            allow_origin: Option<HeaderValue>,
        },
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            // Taken, not cloned: a future is not polled again once it returned `Ready`.
            StateProjection::Preflight { preflight } => Poll::Ready(Ok(Preflight {
                allowed: preflight.allowed,
                headers: mem::take(&mut preflight.headers),
            }
            .into_response())),
            StateProjection::Inner {
                future,
                cors,
                allow_origin,
            } => {
                let mut response = match future.poll(cx) {
                    Poll::Ready(Ok(response)) => response,
                    other => return other,
                };
                cors.actual_headers()
                    .write(allow_origin.as_ref(), response.headers_mut());
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
