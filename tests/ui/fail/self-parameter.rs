use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

struct Api;

impl Api {
    #[cors]
    async fn handler(&self, _event: Request) -> Result<Response<Body>, Error> {
        Ok(Response::new(Body::Empty))
    }
}

fn main() {
    let _ = Api.handler(Request::default());
}
