//! Against moto: a parameter the loader cannot use fails the cold-start check, with SSM's reason, and
//! leaves the policy closed.

mod support;

use aws_sdk_ssm::types::ParameterType;
use cors_example_ssm::load_origins;
use cors_runtime::{ConfigErrorKind, check_policy, cors};
use lambda_http::{Body, Error, Request, Response};
use support::{assert_refused, delete, get, put};

const SHOP: &str = "https://shop.example.com";

/// Never created (the test deletes it first, in case a long-lived moto has it).
const MISSING: &str = "/cors-example-ssm/never-created";
const SECRET: &str = "/cors-example-ssm/secure-string";

async fn missing_origins() -> Result<Vec<String>, String> {
    load_origins(MISSING).await
}

#[cors(origins_from = missing_origins, credentials)]
async fn missing(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

#[tokio::test]
async fn a_parameter_the_loader_cannot_use_fails_the_check_and_the_policy_stays_closed() {
    support::moto();
    delete(MISSING).await;

    let error = match check_policy!(async missing).await {
        Ok(()) => panic!("`{MISSING}` does not exist, yet the check passed"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ConfigErrorKind::SourceFailed, "{error}");
    let message = error.to_string();
    assert!(
        message.contains(MISSING) && message.contains("ParameterNotFound"),
        "the error names the parameter and SSM's reason: {message}"
    );
    match missing(get(SHOP)).await {
        Ok(response) => assert_refused(&response, SHOP),
        Err(error) => panic!("the handler failed: {error}"),
    }

    // Origins are not secret: a SecureString is refused rather than read without decryption.
    put(SECRET, ParameterType::SecureString, &[SHOP]).await;
    let refused = load_origins(SECRET).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|error| error.contains("SecureString")),
        "{refused:?}"
    );
}
