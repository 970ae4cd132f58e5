//! `ssm-origins`: the function, with the allowlist in the parameter named by `ORIGINS_PARAMETER`.

use cors_example_ssm::handler;
use cors_runtime::check_policy;
use lambda_http::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    // Loads the parameter now: a missing parameter or a denied `ssm:GetParameter` fails the cold
    // start, in the deploy's logs, instead of leaving every response without CORS headers.
    check_policy!(async handler).await?;
    run(service_fn(handler)).await
}
