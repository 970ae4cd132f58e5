// Literal origins must be written as browsers send them; each error shows the canonical form.
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[cors(origins = [
    "https://App.Example.com",
    "https://app.example.com:443",
    "http://localhost:80",
    "https://app.example.com/",
    "https://bücher.example",
    "HTTPS://API.EXAMPLE.COM:443/",
])]
async fn handler(_event: Request) -> Result<Response<Body>, Error> {
    Ok(Response::new(Body::Empty))
}

fn main() {
    let _ = service_fn(handler);
}
