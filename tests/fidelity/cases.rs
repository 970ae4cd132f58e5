//! The same handler bodies with and without `#[cors]`, run through lambda_http on every event source and
//! compared: status, headers other than `Access-Control-*`, body bytes as lambda_http converts them,
//! errors, panics, and the order of side effects and drops (`Transcript`). Apart from the CORS headers,
//! the annotated handler must do exactly what the plain one does.
//!
//! This file is compiled twice: by `cors-tests` (edition 2024) and by `cors-tests-2021` (edition 2021),
//! so the rules that differ between editions (the drop order of a body's tail temporaries) are the
//! user's in both.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// The bodies are written the ways users write them, needless or not: what matters is that they behave
// the same under the attribute.
#![allow(
    clippy::never_loop,
    clippy::needless_return,
    clippy::multiple_bound_locations,
    clippy::diverging_sub_expression
)]

use cors_tests::fidelity::{Log, Noisy, assert_same};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Error, IntoResponse, Request, RequestExt, Response};

/// Defines `mod $name { with, without }`: the same function, once under `#[cors]` and once without,
/// with the same attributes above and below the attribute.
macro_rules! twin {
    (
        above: [$(#[$above:meta])*],
        cors: ($($policy:tt)*),
        below: [$(#[$below:meta])*],
        async fn $name:ident($($params:tt)*) -> $ret:ty $body:block
    ) => {
        mod $name {
            #![allow(unused_imports)]
            use super::*;

            $(#[$above])*
            #[::cors_runtime::cors($($policy)*)]
            $(#[$below])*
            pub(super) async fn with($($params)*) -> $ret $body

            $(#[$above])*
            $(#[$below])*
            pub(super) async fn without($($params)*) -> $ret $body
        }
    };
    (cors: ($($policy:tt)*), async fn $name:ident($($params:tt)*) -> $ret:ty $body:block) => {
        twin! {
            above: [],
            cors: ($($policy)*),
            below: [],
            async fn $name($($params)*) -> $ret $body
        }
    };
}

/// A test comparing `$name::with` and `$name::without`, each called as `$call` (with `f` the function
/// and `log` the shared log in scope).
macro_rules! same {
    ($test:ident, $name:ident, |$f:ident, $event:ident, $log:ident| $call:expr) => {
        #[tokio::test]
        async fn $test() {
            let $log = Log::new();
            assert_same(
                stringify!($name),
                &$log,
                |$event| {
                    let $f = $name::with;
                    $call
                },
                |$event| {
                    let $f = $name::without;
                    $call
                },
            )
            .await;
        }
    };
    ($test:ident, $name:ident) => {
        same!($test, $name, |f, event, log| f(event, log.clone()));
    };
}

fn text(status: u16, text: impl Into<String>) -> Response<Body> {
    let mut response = Response::new(Body::from(text.into()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
}

// ---------------------------------------------------------------------------------------------------
// Bodies lambda_http converts: converted once, as without the attribute
// ---------------------------------------------------------------------------------------------------

twin! {
    cors: (origins = ["https://app.example.com"], credentials),
    async fn binary_vec(_event: Request, log: Log) -> Result<impl IntoResponse, Error> {
        log.push("body");
        Ok(vec![0xFF_u8, 0xD8, 0xFF, 0xE0])
    }
}
same!(binary_vec_bodies_stay_binary, binary_vec);

twin! {
    cors: (origins = "*"),
    async fn binary_slice(_event: Request, _log: Log) -> Result<impl IntoResponse, Error> {
        const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        Ok(JPEG)
    }
}
same!(binary_slice_bodies_stay_binary, binary_slice);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn status_and_bytes(_event: Request, _log: Log) -> Result<impl IntoResponse, Error> {
        Ok((StatusCode::CREATED, vec![0_u8, 159, 146, 150]))
    }
}
same!(status_and_bytes_keep_both, status_and_bytes);

twin! {
    cors: (origins = ["https://app.example.com"], credentials),
    async fn json_macro(event: Request, log: Log) -> Result<impl IntoResponse, Error> {
        log.push(format!("path {}", event.raw_http_path()));
        Ok(serde_json::json!({ "path": event.raw_http_path(), "ok": true }))
    }
}
same!(json_values_convert_as_json, json_macro);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn typed_image(_event: Request, _log: Log) -> Result<Response<Body>, Error> {
        Ok(Response::builder()
            .header(header::CONTENT_TYPE, "image/png")
            .body(Body::from(vec![0x89_u8, b'P', b'N', b'G', 0xFF]))?)
    }
}
same!(
    binary_responses_with_a_content_type_stay_binary,
    typed_image
);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn string_body(_event: Request, _log: Log) -> Result<Response<String>, Error> {
        Ok(Response::builder()
            .status(418)
            .header("x-kept", "yes")
            .body("tea".to_owned())?)
    }
}
same!(other_body_types_are_converted_as_before, string_body);

// ---------------------------------------------------------------------------------------------------
// Drop order: locals, temporaries, parameters
// ---------------------------------------------------------------------------------------------------

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn tail_temporaries(_event: Request, _param: Noisy, log: Log) -> Result<Response<Body>, Error> {
        let _local = log.noisy("local");
        // The tail's temporary drops before `_local` in edition 2024 and after it in 2021; in both,
        // before the parameters.
        Ok(text(200, log.noisy("temporary").name()))
    }
}
same!(
    tail_temporaries_drop_by_the_users_edition,
    tail_temporaries,
    |f, event, log| f(event, log.noisy("param"), log.clone())
);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn macro_body(_event: Request, a: Noisy, b: Noisy) -> Result<Response<Body>, Error> {
        let joined = format!("{} {}", a.name(), b.name());
        tracing::info!(joined, "a body with macro calls");
        Ok(text(200, joined))
    }
}
same!(
    parameters_drop_last_first_in_bodies_with_macros,
    macro_body,
    |f, event, log| f(event, log.noisy("param-a"), log.noisy("param-b"))
);

/// The origins of the two source cases: any page of the fidelity calls' origin.
async fn source_origins() -> Result<Vec<&'static str>, Error> {
    Ok(vec!["https://app.example.com"])
}

fn source_predicate(origin: &cors_runtime::Origin) -> bool {
    origin.host() == "app.example.com"
}

// An `origins_from` handler waits for its list before the body: the body, its drops and its
// parameters' drops are still the plain function's.
twin! {
    cors: (origins_from = source_origins, refresh = 60, credentials),
    async fn loaded_source(_event: Request, _param: Noisy, log: Log) -> Result<Response<Body>, Error> {
        let _local = log.noisy("local");
        Ok(text(200, log.noisy("temporary").name()))
    }
}
same!(
    an_origins_from_handler_runs_its_body_as_written,
    loaded_source,
    |f, event, log| f(event, log.noisy("param"), log.clone())
);

twin! {
    cors: (origins_fn = source_predicate, credentials),
    async fn predicate_source(_event: Request, _param: Noisy, log: Log) -> Result<Response<Body>, Error> {
        let _local = log.noisy("local");
        Ok(text(200, log.noisy("temporary").name()))
    }
}
same!(
    an_origins_fn_handler_runs_its_body_as_written,
    predicate_source,
    |f, event, log| f(event, log.noisy("param"), log.clone())
);

/// Parameters that are patterns: a tuple destructured, a value ignored with `_`.
mod patterns_wrapped {
    use super::*;

    #[::cors_runtime::cors(origins = ["https://app.example.com"])]
    pub(super) async fn with(
        event: Request,
        (a, b): (Noisy, Noisy),
        _: Noisy,
        log: Log,
    ) -> Result<Response<Body>, Error> {
        let _ = &event;
        log.push(format!("body {} {}", a.name(), b.name()));
        Ok(text(200, "patterns"))
    }

    pub(super) async fn without(
        event: Request,
        (a, b): (Noisy, Noisy),
        _: Noisy,
        log: Log,
    ) -> Result<Response<Body>, Error> {
        let _ = &event;
        log.push(format!("body {} {}", a.name(), b.name()));
        Ok(text(200, "patterns"))
    }
}
same!(
    destructured_and_ignored_parameters_drop_in_order,
    patterns_wrapped,
    |f, event, log| f(
        event,
        (log.noisy("tuple-a"), log.noisy("tuple-b")),
        log.noisy("ignored"),
        log.clone()
    )
);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn early_exits(event: Request, log: Log) -> Result<Response<Body>, Error> {
        let _guard = log.noisy("guard");
        let Some(query) = event.uri().query() else {
            return Ok(text(204, "no query"));
        };
        // `?` through `From`: `ParseIntError` into `lambda_http::Error`.
        let flag: u32 = query.trim_start_matches("flag=").parse()?;
        'outer: for i in 0..3 {
            loop {
                if i == flag {
                    log.push("break outer");
                    break 'outer;
                }
                break;
            }
        }
        if flag > 0 {
            return Ok(text(200, "flagged"));
        }
        Err("unreachable".into())
    }
}
same!(returns_question_marks_labels_and_let_else, early_exits);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn closures_and_blocks(event: Request, log: Log) -> Result<Response<Body>, Error> {
        let check = |n: usize| -> Result<usize, Error> {
            if n > 100 {
                return Err("long".into());
            }
            Ok(n)
        };
        let length = check(event.uri().path().len())?;
        let doubled = async move {
            if length == 0 {
                return 0;
            }
            length * 2
        }
        .await;
        fn helper() -> &'static str {
            return "nested fn";
        }
        struct Local(usize);
        let local = Local(doubled);
        log.push(helper());
        Ok(text(200, local.0.to_string()))
    }
}
same!(
    closures_async_blocks_and_nested_items_keep_their_exits,
    closures_and_blocks
);

twin! {
    cors: (origins = ["https://app.example.com"], credentials),
    async fn inference(event: Request, log: Log) -> Result<Response<Body>, Error> {
        // Types found through `?` and later uses.
        let parsed = "42".parse()?;
        let total: u64 = parsed;
        let body = serde_json::to_string(&serde_json::json!({ "total": total }))?;
        if event.uri().path() == "/other" {
            Err(format!("refused {total}"))?;
        }
        log.push(body.clone());
        Ok(Response::builder().header("content-type", "application/json").body(body.into())?)
    }
}
same!(inference_through_question_marks, inference);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn panics(event: Request, log: Log) -> Result<Response<Body>, Error> {
        let _local = log.noisy("local");
        if event.uri().path() == "/other" {
            panic!("handler panicked on {}", event.uri().path());
        }
        Ok(text(200, "fine"))
    }
}
same!(panics_unwind_the_same, panics);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn errors(event: Request, log: Log) -> Result<Response<Body>, Error> {
        let _local = log.noisy("local");
        if event.method() == "POST" {
            return Err(Box::new(std::io::Error::other("disk full")));
        }
        Ok(text(200, "fine"))
    }
}
same!(errors_are_returned_unchanged, errors);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn mutable_request(mut event: Request, log: Log) -> Result<Response<Body>, Error> {
        event
            .headers_mut()
            .insert("x-seen", HeaderValue::from_static("1"));
        log.push(format!("{} headers", event.headers().len()));
        let mut response = text(200, "mutable");
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        Ok(response)
    }
}
same!(mutable_requests_and_the_handlers_vary, mutable_request);

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn unused_request(_: Request, log: Log) -> Result<Response<Body>, Error> {
        log.push("ran");
        Ok(text(200, "ignored the request"))
    }
}
same!(an_ignored_request_is_still_decided_on, unused_request);

// ---------------------------------------------------------------------------------------------------
// Scope: the body's own `use`s and items, shadowed prelude names, aliases
// ---------------------------------------------------------------------------------------------------

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn local_use(_event: Request, log: Log) -> Result<Response<Body>, Error> {
        // `Error` is the trait from here on, in the body only; the signature's `Error` is still the
        // type imported above.
        use std::error::Error;
        let error: Box<dyn Error + Send + Sync> = format!("local {}", "use").into();
        log.push(error.to_string());
        Ok(text(200, error.to_string()))
    }
}
same!(the_bodys_own_use_does_not_rename_the_return_type, local_use);

/// `anyhow::Result<impl IntoResponse>`'s shape: a one-parameter alias.
type Res<T> = std::result::Result<T, Error>;

twin! {
    cors: (origins = ["https://app.example.com"]),
    async fn alias(_event: Request, _log: Log) -> Res<impl IntoResponse> {
        Ok((StatusCode::ACCEPTED, "aliased"))
    }
}
same!(one_parameter_result_aliases_are_that_shape, alias);

mod shadowed {
    //! Prelude names shadowed by the user's own items: the expansion names nothing unqualified.
    #![allow(dead_code, non_snake_case)]
    use super::{Log, assert_same};
    use lambda_http::{Body, Request};

    struct Response;
    struct Result;
    struct Option;
    fn Ok() {}
    fn Err() {}
    fn Some() {}

    type Reply = ::core::result::Result<::lambda_http::Response<Body>, ::lambda_http::Error>;

    #[::cors_runtime::cors(origins = ["https://app.example.com"], credentials)]
    pub(super) async fn with(_event: Request, log: Log) -> Reply {
        log.push("shadowed");
        ::core::result::Result::Ok(::lambda_http::Response::new(Body::from("shadowed")))
    }

    pub(super) async fn without(_event: Request, log: Log) -> Reply {
        log.push("shadowed");
        ::core::result::Result::Ok(::lambda_http::Response::new(Body::from("shadowed")))
    }

    #[tokio::test]
    async fn shadowed_prelude_names_change_nothing() {
        let log = Log::new();
        assert_same(
            "shadowed",
            &log,
            |event| with(event, log.clone()),
            |event| without(event, log.clone()),
        )
        .await;
    }
}

mod no_prelude {
    //! A module without the implicit prelude.
    #![no_implicit_prelude]
    use ::lambda_http::{Body, Error, Request, Response};

    #[::cors_runtime::cors(origins = ["https://app.example.com"])]
    pub(super) async fn with(_event: Request) -> ::core::result::Result<Response<Body>, Error> {
        ::core::result::Result::Ok(Response::new(<Body as ::core::convert::From<&str>>::from(
            "no prelude",
        )))
    }

    pub(super) async fn without(_event: Request) -> ::core::result::Result<Response<Body>, Error> {
        ::core::result::Result::Ok(Response::new(<Body as ::core::convert::From<&str>>::from(
            "no prelude",
        )))
    }
}

#[tokio::test]
async fn modules_without_the_implicit_prelude_compile_and_match() {
    let log = Log::new();
    assert_same("no_prelude", &log, no_prelude::with, no_prelude::without).await;
}

// ---------------------------------------------------------------------------------------------------
// Other attributes, generics, `impl Trait` arguments
// ---------------------------------------------------------------------------------------------------

twin! {
    above: [#[tracing::instrument(skip_all, fields(route = "above"))]],
    cors: (origins = ["https://app.example.com"]),
    below: [],
    async fn instrument_above(event: Request, log: Log) -> Result<Response<Body>, Error> {
        tracing::info!(path = event.uri().path(), "inside");
        log.push("instrumented");
        Ok(text(200, "above"))
    }
}
same!(instrument_above_the_attribute, instrument_above);

twin! {
    above: [],
    cors: (origins = ["https://app.example.com"]),
    below: [#[tracing::instrument(skip(log), ret)]],
    async fn instrument_below(event: Request, log: Log) -> Result<Response<Body>, Error> {
        log.push(format!("instrumented {}", event.uri().path()));
        Ok(text(200, "below"))
    }
}
same!(instrument_below_the_attribute, instrument_below);

mod generic {
    use super::*;

    #[::cors_runtime::cors(origins = ["https://app.example.com"])]
    pub(super) async fn with<T: Send>(
        _event: Request,
        log: Log,
        value: T,
        make: impl Fn(&T) -> String + Send,
    ) -> Result<Response<Body>, Error>
    where
        T: Sync,
    {
        let made = make(&value);
        log.push(made.clone());
        Ok(text(200, made))
    }

    pub(super) async fn without<T: Send>(
        _event: Request,
        log: Log,
        value: T,
        make: impl Fn(&T) -> String + Send,
    ) -> Result<Response<Body>, Error>
    where
        T: Sync,
    {
        let made = make(&value);
        log.push(made.clone());
        Ok(text(200, made))
    }
}
same!(
    generics_where_clauses_and_impl_trait_arguments,
    generic,
    |f, event, log| f(event, log.clone(), 7_u8, |n: &u8| format!("value {n}"))
);

// ---------------------------------------------------------------------------------------------------
// Associated functions
// ---------------------------------------------------------------------------------------------------

/// The handlers of a route, as a trait.
trait Route {
    async fn handle(event: Request, log: Log) -> Result<Response<Body>, Error>;
}

struct WithCors;
struct WithoutCors;

impl Route for WithCors {
    #[::cors_runtime::cors(origins = ["https://app.example.com"], credentials)]
    async fn handle(event: Request, log: Log) -> Result<Response<Body>, Error> {
        log.push(format!("trait {}", event.method()));
        Ok(text(200, "trait impl"))
    }
}

impl Route for WithoutCors {
    async fn handle(event: Request, log: Log) -> Result<Response<Body>, Error> {
        log.push(format!("trait {}", event.method()));
        Ok(text(200, "trait impl"))
    }
}

#[tokio::test]
async fn associated_functions_in_trait_impls() {
    let log = Log::new();
    assert_same(
        "trait impl",
        &log,
        |event| <WithCors as Route>::handle(event, log.clone()),
        |event| <WithoutCors as Route>::handle(event, log.clone()),
    )
    .await;
}

/// State a handler borrows, as `service_fn(|event| Api::handle(event, &api))` passes it.
struct Api {
    name: &'static str,
}

impl Api {
    #[::cors_runtime::cors(origins = ["https://app.example.com"])]
    async fn handle_with(event: Request, api: &Api, log: Log) -> Result<Response<Body>, Error> {
        log.push(format!("{} {}", api.name, event.method()));
        Ok(text(200, api.name))
    }

    async fn handle_without(event: Request, api: &Api, log: Log) -> Result<Response<Body>, Error> {
        log.push(format!("{} {}", api.name, event.method()));
        Ok(text(200, api.name))
    }
}

#[tokio::test]
async fn associated_functions_in_inherent_impls_borrowing_state() {
    let log = Log::new();
    let api = Api { name: "inherent" };
    assert_same(
        "inherent impl",
        &log,
        |event| Api::handle_with(event, &api, log.clone()),
        |event| Api::handle_without(event, &api, log.clone()),
    )
    .await;
}

#[test]
fn annotated_futures_are_send_when_the_plain_ones_are() {
    fn send<F: std::future::Future + Send>(_: F) {}
    let log = Log::new();
    send(early_exits::with(Request::default(), log.clone()));
    send(<WithCors as Route>::handle(Request::default(), log));
}
