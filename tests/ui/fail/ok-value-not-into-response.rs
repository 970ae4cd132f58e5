// The `Ok` value of `Result<impl IntoResponse, E>` must implement lambda_http's `IntoResponse`.
use cors_runtime::cors;
use lambda_http::{Error, IntoResponse, Request};

#[cors]
async fn handler(_event: Request) -> Result<impl IntoResponse, Error> {
    Ok(42)
}

fn main() {
    let _ = handler(Request::default());
}
