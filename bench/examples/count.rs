//! Runs the `#[cors]` handler with an env allowlist of SIZE origins on an allowed origin ITERATIONS
//! times, for counting instructions with callgrind, which unlike timings does not drift with the
//! machine's state:
//!
//! ```sh
//! cargo build --release -p cors-benches --example count
//! for n in 10000 20000; do valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/count 10000 $n; done
//! ```
//!
//! The difference between the two totals, divided by 10,000, is the cost of one request.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cors_benches::{allowed, block_on, env_1, env_100, env_10000, env_var, get, origins};

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("SIZE ITERATIONS"));
    let (size, iterations) = (args.next().unwrap_or(1), args.next().unwrap_or(10_000));
    #[allow(unsafe_code)]
    // SAFETY: single-threaded, before anything reads the environment.
    unsafe {
        std::env::set_var(env_var(size), origins(size).join(","));
    }
    let origin = allowed(size);
    let call = |request| async move {
        match size {
            1 => env_1(request).await,
            100 => env_100(request).await,
            _ => env_10000(request).await,
        }
    };
    let mut headers = 0;
    for _ in 0..iterations {
        headers += block_on(call(get(Some(&origin)))).map_or(0, |r| r.headers().len());
    }
    println!("{headers}");
}
