// A bare `impl IntoResponse` has no error for `catch_errors` to catch.
use cors_runtime::cors;
use lambda_http::{IntoResponse, Request};

#[cors(catch_errors)]
async fn handler(_event: Request) -> impl IntoResponse {
    "fine"
}

fn main() {
    let _ = handler(Request::default());
}
