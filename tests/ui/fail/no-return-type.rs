use cors_runtime::cors;
use lambda_http::Request;

#[cors]
async fn handler(_event: Request) {}

fn main() {
    let _ = handler(Request::default());
}
