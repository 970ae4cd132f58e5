use cors_runtime::cors;
use lambda_http::{Error, Request};

#[cors]
async fn handler(_event: Request) -> Result<String, Error> {
    Ok(String::from("hello"))
}

fn main() {
    let _ = handler(Request::default());
}
