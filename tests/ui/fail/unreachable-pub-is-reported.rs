// `unreachable_pub` still fires on a `pub` handler in a private module.
#![deny(unreachable_pub)]

mod private {
    use cors_runtime::cors;
    use lambda_http::{Body, Error, Request, Response};

    #[cors(origins = ["https://app.example.com"])]
    pub async fn handler(_event: Request) -> Result<Response<Body>, Error> {
        Ok(Response::new(Body::Empty))
    }
}

fn main() {
    let _ = private::handler(lambda_http::Request::default());
}
