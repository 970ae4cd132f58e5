// `origins_env` reads the list from the environment; `check_policy!` builds the policy in `main` so a
// bad deploy fails the cold start, and its error converts into `lambda_http::Error` with `?`.
#![deny(warnings)]

use cors_runtime::{ConfigError, check_policy, cors};
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(origins_env = "CORS_UI_TEST_UNSET_ORIGINS", credentials)]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

/// What `main` does before `lambda_http::run(service_fn(handler))`.
fn cold_start() -> Result<(), Error> {
    check_policy!(handler)?;
    let _service = service_fn(handler);
    Ok(())
}

fn main() {
    let checked: Result<(), ConfigError> = check_policy!(handler);
    let error = checked.expect_err("the variable is not set");
    assert!(
        error.to_string().contains("CORS_UI_TEST_UNSET_ORIGINS"),
        "the error names the variable: {error}"
    );
    let error = cold_start().expect_err("fails before serving");
    assert!(error.to_string().contains("CORS_UI_TEST_UNSET_ORIGINS"));
}
