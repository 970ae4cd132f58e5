//! An API whose CORS allowlist lives in an SSM Parameter Store parameter, for `#[cors(origins_from)]`.
//!
//! Why a parameter and not `ALLOWED_ORIGINS`: a Lambda function's environment holds at most 4 KB for
//! all of its variables together, which a multi-tenant API with its customers' own domains outgrows,
//! and changing a variable is a deploy. A standard parameter holds 4 KB on its own (an advanced one
//! 8 KB), and a change reaches every warm instance within `refresh` seconds, without a deploy.
//!
//! Deploying it:
//!
//! - the parameter: a `StringList`, e.g. `https://app.example.com,https://*.tenants.example.org`;
//!   entries are spelled as in `ALLOWED_ORIGINS` and canonicalised the same way;
//! - `ORIGINS_PARAMETER`: the parameter's name (`/my-api/cors-origins`);
//! - the execution role: `ssm:GetParameter` on that one parameter's ARN is all it needs. Origins are
//!   not secret, so the loader refuses a `SecureString` rather than asking for `kms:Decrypt` too.
//!
//! What a broken source does (the rules are on `cors_runtime::CorsBuilder::origins_from`): if the
//! first load fails, `main` fails the cold start, so the deploy shows the error instead of an API
//! that answers every browser without CORS headers; if a reload fails, the last good list stays in use
//! and the error is logged. One bad tenant entry is skipped with a warning, the others still work.
//!
//! Locally, aws-config points the client at an emulator through `AWS_ENDPOINT_URL_SSM` (or
//! `AWS_ENDPOINT_URL`); `scripts/test-ssm` runs the tests against moto that way.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_ssm::Client;
use aws_sdk_ssm::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_ssm::operation::get_parameter::GetParameterError;
use aws_sdk_ssm::types::ParameterType;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};
use tokio::sync::OnceCell;

/// The environment variable naming the parameter.
pub const ORIGINS_PARAMETER: &str = "ORIGINS_PARAMETER";

/// The handler's `refresh`, for the tests that wait it out (the attribute needs the literal).
pub const REFRESH: Duration = Duration::from_secs(3);

/// The API. Its policy reloads the parameter when its copy is [`REFRESH`] old.
// 3 s keeps the test short. In production use 60 to 300: every warm instance reloads once per
// interval, and Parameter Store's throughput quota is shared by the whole account and Region.
#[cors(origins_from = parameter_origins, refresh = 3, credentials)]
pub async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::from("hello")))
}

/// The origins in the parameter named by [`ORIGINS_PARAMETER`].
pub async fn parameter_origins() -> Result<Vec<String>, String> {
    let name = std::env::var(ORIGINS_PARAMETER)
        .map_err(|error| format!("environment variable `{ORIGINS_PARAMETER}`: {error}"))?;
    load_origins(&name).await
}

/// The origins in the `StringList` (or `String`) parameter `name`, one per comma-separated item.
pub async fn load_origins(name: &str) -> Result<Vec<String>, String> {
    let output = client()
        .await
        .get_parameter()
        .name(name)
        .send()
        .await
        .map_err(|error| format!("SSM parameter `{name}`: {}", reason(error)))?;
    let Some(parameter) = output.parameter() else {
        return Err(format!(
            "SSM parameter `{name}`: the answer has no parameter"
        ));
    };
    if parameter.r#type() == Some(&ParameterType::SecureString) {
        return Err(format!(
            "SSM parameter `{name}` is a SecureString: origins are not secret, store them as a \
             StringList"
        ));
    }
    let value = parameter.value().unwrap_or_default();
    Ok(value.split(',').map(str::to_owned).collect())
}

/// Why a call failed, in one log line. SSM's answer is its code and message (`ParameterNotFound: ...`,
/// `AccessDeniedException: ...`): the SDK's full report of it adds the raw HTTP response. A call that
/// got no answer keeps the SDK's whole chain of causes, which is where "connection refused" is.
fn reason(error: SdkError<GetParameterError>) -> String {
    match error.as_service_error() {
        Some(answer) => match (answer.code(), answer.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            _ => answer.to_string(),
        },
        None => DisplayErrorContext(error).to_string(),
    }
}

/// The process's one SSM client: building one resolves the region and credentials, and its
/// connection pool is what makes a reload a single round trip.
pub async fn client() -> &'static Client {
    static CLIENT: OnceCell<Client> = OnceCell::const_new();
    CLIENT
        .get_or_init(|| async {
            let config = aws_config::defaults(BehaviorVersion::latest())
                // ring rather than the SDK's default aws-lc: the same TLS, without building a C
                // crypto library.
                .http_client(
                    aws_smithy_http_client::Builder::new()
                        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                        .build_https(),
                )
                // Under cors-runtime's 5 s limit on a load, so the logged error is the SDK's own
                // (which connection, which retry) rather than the policy's "no answer".
                .timeout_config(
                    TimeoutConfig::builder()
                        .operation_timeout(Duration::from_secs(4))
                        .build(),
                )
                .load()
                .await;
            Client::new(&config)
        })
        .await
}
