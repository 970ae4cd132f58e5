use cors_runtime::cors;

// A handler that cannot fail has no error to catch.
#[cors(catch_errors)]
async fn handler(_request: http::Request<String>) -> http::Response<String> {
    http::Response::new(String::new())
}

fn main() {
    let _ = handler;
}
