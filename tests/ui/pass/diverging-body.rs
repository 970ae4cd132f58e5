// A body that never ends (an endless serve loop, `process::exit`) compiles without a warning: the
// code `#[cors]` adds after the body is unreachable then, and must not say so.
#![deny(warnings)]

use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

#[cors(origins = ["https://app.example.com"])]
async fn exits(_event: Request) -> Result<Response<Body>, Error> {
    std::process::exit(3)
}

#[cors(origins = ["https://app.example.com"])]
async fn spins(_event: Request) -> Response<Body> {
    loop {
        std::hint::spin_loop();
    }
}

fn main() {
    // Only compiled: running either would never return.
    let _ = exits;
    let _ = spins;
}
