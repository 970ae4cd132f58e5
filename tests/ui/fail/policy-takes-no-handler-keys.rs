// `catch_errors` and `crate` belong to `#[cors]` on a handler: `policy!` says so, and why.
use cors_runtime::{Cors, policy};

fn catch_errors() -> &'static Cors {
    policy!(origins = ["https://app.example.com"], catch_errors)
}

fn crate_path() -> &'static Cors {
    policy!(crate = "my_framework::cors")
}

fn typo() -> &'static Cors {
    policy!(origin = ["https://app.example.com"])
}

fn main() {}
