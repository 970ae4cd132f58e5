//! What `#[cors]` expansions name. Not public API: it changes without notice.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::task::Poll;

use cors_grammar::OriginList;
use http::{Request, Response};
use lambda_http::{Body, IntoResponse};

use crate::{Actual, ConfigError, Cors, CorsBuilder, Preflight};

pub use crate::Decision;

pub use ::core;
pub use ::lambda_http;

/// A policy as written in the attribute, already checked by the macro, in a form a `static` can hold.
#[derive(Debug)]
pub struct Spec {
    /// `origins` / `origins_env`.
    pub origins: SpecOrigins,
    /// `credentials`.
    pub credentials: bool,
    /// `methods`.
    pub methods: SpecList,
    /// `headers`.
    pub headers: SpecList,
    /// `expose_headers`.
    pub expose_headers: SpecList,
    /// `max_age`.
    pub max_age: Option<u64>,
}

/// Where the allowed origins come from.
#[derive(Debug)]
pub enum SpecOrigins {
    /// `"*"`.
    Any,
    /// A literal list.
    List(&'static [&'static str]),
    /// The named environment variable.
    Env(&'static str),
}

/// A list setting.
#[derive(Debug)]
pub enum SpecList {
    /// Not given: the default.
    Default,
    /// `"*"`.
    Any,
    /// A literal list.
    List(&'static [&'static str]),
}

impl Spec {
    fn builder(&self) -> CorsBuilder {
        let mut builder = Cors::builder();
        builder = match self.origins {
            SpecOrigins::Any => builder.any_origin(),
            SpecOrigins::List(list) => builder.origins(list.iter().copied()),
            SpecOrigins::Env(var) => builder.origins_env(var),
        };
        if self.credentials {
            builder = builder.credentials();
        }
        builder = match self.methods {
            SpecList::Default => builder,
            SpecList::Any => builder.any_method(),
            SpecList::List(list) => builder.methods(list.iter().copied()),
        };
        builder = match self.headers {
            SpecList::Default => builder,
            SpecList::Any => builder.any_header(),
            SpecList::List(list) => builder.headers(list.iter().copied()),
        };
        builder = match self.expose_headers {
            SpecList::Default => builder,
            SpecList::Any => builder.expose_any_header(),
            SpecList::List(list) => builder.expose_headers(list.iter().copied()),
        };
        match self.max_age {
            Some(seconds) => builder.max_age(seconds),
            None => builder,
        }
    }

    fn build(&self) -> Result<Cors, ConfigError> {
        self.builder().build_with(env_list)
    }
}

/// The policy of one annotated handler, built on first use.
#[derive(Debug)]
pub struct StaticPolicy {
    spec: Spec,
    cors: OnceLock<Cors>,
}

impl StaticPolicy {
    /// Holds `spec` until the first request.
    pub const fn new(spec: Spec) -> StaticPolicy {
        StaticPolicy {
            spec,
            cors: OnceLock::new(),
        }
    }

    /// The built policy. An invalid configuration (only possible with `origins_env`) is logged once
    /// and the policy fails closed.
    pub fn cors(&self) -> &Cors {
        self.cors.get_or_init(|| match self.spec.build() {
            // This policy lives in a `static`: its constant values may as well be static too.
            Ok(cors) => cors.leak_values(),
            Err(error) => {
                tracing::error!(
                    error = %error,
                    "CORS policy failed closed: no origin will be allowed until the configuration is fixed"
                );
                Cors::closed(self.spec.credentials, error)
            }
        })
    }
}

/// What `check_policy!` runs: builds the policy as the handler will and reports the error, if any.
pub fn check(spec: &Spec) -> Result<(), ConfigError> {
    spec.build().map(drop)
}

/// Reads an origin list from the environment once per process and variable: Lambda environments do
/// not change while an execution environment is warm, and every handler naming the variable then sees
/// the same list.
fn env_list(var: &str) -> Result<OriginList, ConfigError> {
    static LISTS: Mutex<Option<HashMap<String, Result<OriginList, ConfigError>>>> =
        Mutex::new(None);
    // A panic while holding this lock cannot leave the map half-written (insert is the only write),
    // so a poisoned lock is still safe to use.
    let mut lists = LISTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    lists
        .get_or_insert_with(HashMap::new)
        .entry(var.to_owned())
        .or_insert_with(|| crate::builder::read_env(var))
        .clone()
}

/// The request a `#[cors]` handler takes first.
#[diagnostic::on_unimplemented(
    message = "the first parameter of a `#[cors]` handler must be the request, found `{Self}`",
    label = "expected `lambda_http::Request` or `http::Request<B>`",
    note = "`#[cors]` reads the request's method and headers before the handler runs; put the request first"
)]
pub trait HandlerRequest {
    /// Runs the policy's decision on this request.
    fn decide<'p>(&self, policy: &'p StaticPolicy) -> Decision<'p>;
}

impl<B> HandlerRequest for Request<B> {
    fn decide<'p>(&self, policy: &'p StaticPolicy) -> Decision<'p> {
        policy.cors().check(self)
    }
}

/// What a `#[cors]` handler returns.
#[diagnostic::on_unimplemented(
    message = "`#[cors]` cannot add CORS headers to `{Self}`",
    label = "unsupported return type for a `#[cors]` handler",
    note = "return `Result<impl IntoResponse, E>`, `Result<Response<B>, E>` or `Response<B>` (with `B: Default`)"
)]
pub trait HandlerOutput: Sized {
    /// The answer to a preflight, in this type.
    fn preflight(preflight: Preflight) -> Self;
    /// Adds the CORS headers to the handler's output (to the response of an `Ok`).
    fn add_cors(&mut self, actual: &Actual<'_>);
}

impl<B: Default> HandlerOutput for Response<B> {
    fn preflight(preflight: Preflight) -> Self {
        preflight.into_response()
    }

    fn add_cors(&mut self, actual: &Actual<'_>) {
        actual.apply(self);
    }
}

impl<B: Default, E> HandlerOutput for Result<Response<B>, E> {
    fn preflight(preflight: Preflight) -> Self {
        Ok(preflight.into_response())
    }

    fn add_cors(&mut self, actual: &Actual<'_>) {
        if let Ok(response) = self {
            actual.apply(response);
        }
    }
}

/// The operand of a `?` in a `#[cors]` body that runs in place, where the macro writes each `?` as a
/// `break` out of the body (see the macro's `exits` module): it takes what `?` takes in a handler
/// returning `Result` (a `Result`, or a `Poll` of one).
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be used on `Result`s in a `#[cors]` handler that returns `Result`, found `{Self}`",
    label = "cannot use the `?` operator on `{Self}` here",
    note = "`?` takes a `Result` here (or a `Poll` of one): `.await` a future first, and turn an `Option` into a `Result` with `.ok_or(error)?`"
)]
pub trait QuestionMark<T, E> {
    /// The operand as a `Result`: `Ok(T)` is what `?` gives, `Err(E)` what it returns, converted.
    fn into_result(self) -> Result<T, E>;
}

impl<T, E> QuestionMark<T, E> for Result<T, E> {
    #[inline(always)]
    fn into_result(self) -> Self {
        self
    }
}

/// `?` on a polled `Result` gives the poll of its `Ok` value, as `std` defines it.
impl<T, E> QuestionMark<Poll<T>, E> for Poll<Result<T, E>> {
    #[inline(always)]
    fn into_result(self) -> Result<Poll<T>, E> {
        match self {
            Poll::Ready(Ok(value)) => Ok(Poll::Ready(value)),
            Poll::Ready(Err(error)) => Err(error),
            Poll::Pending => Ok(Poll::Pending),
        }
    }
}

/// `?` on a polled stream item, as `std` defines it.
impl<T, E> QuestionMark<Poll<Option<T>>, E> for Poll<Option<Result<T, E>>> {
    #[inline(always)]
    fn into_result(self) -> Result<Poll<Option<T>>, E> {
        match self {
            Poll::Ready(Some(Ok(value))) => Ok(Poll::Ready(Some(value))),
            Poll::Ready(Some(Err(error))) => Err(error),
            Poll::Ready(None) => Ok(Poll::Ready(None)),
            Poll::Pending => Ok(Poll::Pending),
        }
    }
}

/// The error conversion `?` does, with rustc's message when it is missing.
#[diagnostic::on_unimplemented(
    message = "`?` couldn't convert the error to `{Self}`",
    label = "the trait `From<{E}>` is not implemented for `{Self}`",
    note = "the question mark operation (`?`) implicitly performs a conversion on the error value using the `From` trait"
)]
pub trait ConvertError<E> {
    /// `From::from`: `?`'s conversion of `error` into the handler's error type.
    fn convert(error: E) -> Self;
}

impl<E, F: From<E>> ConvertError<E> for F {
    #[inline(always)]
    fn convert(error: E) -> Self {
        F::from(error)
    }
}

/// What `catch_errors` does to a handler's output: an `Err` becomes an empty `500` response (which then
/// gets the CORS headers like any other), and the error is logged instead of shown.
#[diagnostic::on_unimplemented(
    message = "`catch_errors` needs a handler returning `Result<_, E>` with `E: Display`, found `{Self}`",
    label = "no error to catch here",
    note = "remove `catch_errors`, or return `Result<Response<B>, E>` / `Result<impl IntoResponse, E>`"
)]
pub trait CatchErrors: Sized {
    /// `Ok` unchanged; `Err` logged and replaced by a `500` response.
    fn catch_errors(self) -> Self;
}

impl<B: Default, E: std::fmt::Display> CatchErrors for Result<Response<B>, E> {
    fn catch_errors(self) -> Self {
        match self {
            Ok(response) => Ok(response),
            Err(error) => {
                tracing::error!(
                    error = %error,
                    "handler failed: answering 500 with the CORS headers (`catch_errors`)"
                );
                let mut response = Response::new(B::default());
                *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                Ok(response)
            }
        }
    }
}

/// [`into_response`] for a handler with `catch_errors`.
pub async fn into_response_catching_errors<T: IntoResponse, E: std::fmt::Display>(
    output: Result<T, E>,
    actual: Actual<'_>,
) -> Result<Response<Body>, E> {
    let converted = match output {
        Ok(value) => Ok(value.into_response().await),
        Err(error) => Err(error),
    };
    let mut output = converted.catch_errors();
    output.add_cors(&actual);
    output
}

/// Converts a handler's `Ok(impl IntoResponse)` into a `Response<Body>` and adds the CORS headers.
pub async fn into_response<T: IntoResponse, E>(
    output: Result<T, E>,
    actual: Actual<'_>,
) -> Result<Response<Body>, E> {
    match output {
        Ok(value) => {
            let mut response = value.into_response().await;
            actual.apply(&mut response);
            Ok(response)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    // `unwrap`/`expect` here fail the test on a broken fixture, which is what they are for; none is
    // on request data (clippy.toml allows them in tests only).
    use std::fmt::{self, Write as _};
    use std::process::Command;
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::{Event, Level, Metadata, Subscriber, span};

    use super::*;

    /// Records every event as `(level, "field=value ...")`.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<(Level, String)>>>);

    struct Fields(String);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            let _ = write!(self.0, "{}={:?} ", field.name(), value);
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
            span::Id::from_u64(1)
        }
        fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
        fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            self.0
                .lock()
                .unwrap()
                .push((*event.metadata().level(), fields.0));
        }
        fn enter(&self, _: &span::Id) {}
        fn exit(&self, _: &span::Id) {}
    }

    const CHILD: &str = "CORS_RUNTIME_TEST_CHILD";

    /// Runs `test` again in a child process with `var=value` set (the workspace forbids the `unsafe`
    /// `std::env::set_var`); `true` in the parent once the child passed, `false` in the child.
    fn in_child(test: &str, var: &str, value: &str) -> bool {
        if std::env::var_os(CHILD).is_some_and(|t| t == test) {
            return false;
        }
        let output = Command::new(std::env::current_exe().unwrap())
            .args([test, "--exact", "--test-threads=1"])
            .env(CHILD, test)
            .env(var, value)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(stdout.contains(&format!("test {test} ... ok")), "{stdout}");
        true
    }

    fn env_spec(var: &'static str) -> Spec {
        Spec {
            origins: SpecOrigins::Env(var),
            credentials: true,
            methods: SpecList::Default,
            headers: SpecList::Default,
            expose_headers: SpecList::Default,
            max_age: None,
        }
    }

    #[test]
    fn invalid_env_list_is_logged_once_naming_variable_entry_and_reason() {
        const VAR: &str = "CORS_RUNTIME_TEST_INVALID_LIST";
        if in_child(
            "__private::tests::invalid_env_list_is_logged_once_naming_variable_entry_and_reason",
            VAR,
            "https://ok.example https://bad.example/app",
        ) {
            return;
        }
        let policy = StaticPolicy::new(env_spec(VAR));
        let capture = Capture::default();
        tracing::subscriber::with_default(capture.clone(), || {
            assert!(check(&policy.spec).is_err());
            assert!(policy.cors().is_closed());
            assert!(policy.cors().is_closed());
        });
        let events = capture.0.lock().unwrap();
        assert_eq!(events.len(), 1, "logged once: {events:?}");
        let (level, fields) = &events[0];
        assert_eq!(*level, Level::ERROR);
        for part in [VAR, "https://bad.example/app", "path", "failed closed"] {
            assert!(fields.contains(part), "{part:?} in {fields}");
        }
    }

    #[test]
    fn unset_env_var_is_logged_naming_it() {
        const VAR: &str = "CORS_RUNTIME_TEST_NEVER_SET";
        let policy = StaticPolicy::new(env_spec(VAR));
        let capture = Capture::default();
        tracing::subscriber::with_default(capture.clone(), || {
            assert!(policy.cors().is_closed());
        });
        let events = capture.0.lock().unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(events[0].1.contains(VAR), "{events:?}");
        assert!(events[0].1.contains("not set"), "{events:?}");
    }

    #[test]
    fn catch_errors_logs_the_error_and_answers_an_empty_500() {
        let capture = Capture::default();
        let output: Result<Response<String>, &str> = Err("database password rejected");
        let caught = tracing::subscriber::with_default(capture.clone(), || output.catch_errors());
        let response = caught.unwrap();
        assert_eq!(response.status(), 500);
        assert!(response.body().is_empty());
        let events = capture.0.lock().unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].0, Level::ERROR);
        assert!(
            events[0].1.contains("database password rejected"),
            "{events:?}"
        );
    }

    /// The debug events say why a request got no CORS headers, for each reason.
    #[test]
    fn refusals_are_explained_at_debug_level() {
        use http::{HeaderMap, HeaderValue, Method};

        let cors = Cors::builder()
            .origins(["https://app.example.com"])
            .credentials()
            .build()
            .unwrap();
        let closed = Cors::closed(
            true,
            ConfigError::EnvMissing {
                var: "ALLOWED_ORIGINS".into(),
            },
        );
        let request = |pairs: &[(&'static str, &str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, HeaderValue::from_str(value).unwrap());
            }
            headers
        };
        let cases: Vec<(&Cors, Method, HeaderMap, &str)> = vec![
            (
                &cors,
                Method::GET,
                request(&[("origin", "https://evil.example")]),
                "origin not allowed",
            ),
            (
                &cors,
                Method::GET,
                request(&[("origin", "https://app.example.com/")]),
                "malformed Origin",
            ),
            (
                &cors,
                Method::GET,
                request(&[
                    ("origin", "https://app.example.com"),
                    ("origin", "https://app.example.com"),
                ]),
                "more than one Origin",
            ),
            (
                &cors,
                Method::OPTIONS,
                request(&[
                    ("origin", "https://app.example.com"),
                    ("access-control-request-method", "PURGE"),
                ]),
                "method is not allowed",
            ),
            (
                &cors,
                Method::OPTIONS,
                request(&[
                    ("origin", "https://app.example.com"),
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-headers", "x-secret"),
                ]),
                "header is not allowed",
            ),
            (
                &closed,
                Method::GET,
                request(&[("origin", "https://app.example.com")]),
                "failed closed",
            ),
        ];
        for (policy, method, headers, why) in cases {
            let capture = Capture::default();
            tracing::subscriber::with_default(capture.clone(), || {
                drop(policy.check_parts(&method, &headers));
            });
            let events = capture.0.lock().unwrap();
            assert_eq!(events.len(), 1, "{why}: {events:?}");
            assert_eq!(events[0].0, Level::DEBUG, "{why}");
            assert!(events[0].1.contains(why), "{why}: {events:?}");
        }
    }
}
