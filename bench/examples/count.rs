//! Runs one benchmark case ITERATIONS times, for counting instructions with callgrind, which unlike
//! timings does not drift with the machine's state:
//!
//! ```sh
//! cargo build --release -p cors-benches --example count
//! for n in 10000 20000; do valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/count allowed 10000 $n; done
//! ```
//!
//! The difference between the two totals, divided by 10,000, is the cost of one request. CASE is
//! `bare`, `allowed`, `early_exit` or `macro` (list of 1 only), `disallowed`, `preflight` or `floor`; SIZE is 1,
//! 100 or 10000.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cors_benches::{
    DISALLOWED, Floor, allowed, bare, block_on, env_1, env_1_early_exit, env_1_macro, env_100,
    env_10000, env_var, get, origins, preflight,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "allowed".to_owned());
    let mut numbers = args.map(|a| a.parse::<usize>().expect("CASE SIZE ITERATIONS"));
    let (size, iterations) = (
        numbers.next().unwrap_or(1),
        numbers.next().unwrap_or(10_000),
    );
    #[allow(unsafe_code)]
    // SAFETY: single-threaded, before anything reads the environment.
    unsafe {
        std::env::set_var(env_var(size), origins(size).join(","));
    }
    let origin = allowed(size);
    let floor = Floor::new(&origins(size));
    // Each handler called directly: wrapping them in one more async block would add its own cost.
    let cors = |request| match size {
        1 => block_on(env_1(request)),
        100 => block_on(env_100(request)),
        _ => block_on(env_10000(request)),
    };
    let mut headers = 0;
    for _ in 0..iterations {
        let response = match case.as_str() {
            "bare" => block_on(bare(get(Some(&origin)))),
            "allowed" => cors(get(Some(&origin))),
            "early_exit" => block_on(env_1_early_exit(get(Some(&origin)))),
            "macro" => block_on(env_1_macro(get(Some(&origin)))),
            "disallowed" => cors(get(Some(DISALLOWED))),
            "preflight" => cors(preflight(&origin)),
            "floor" => block_on(floor.handle(get(Some(&origin)))),
            other => panic!("unknown case {other:?}"),
        };
        headers += response.map_or(0, |r| r.headers().len());
    }
    println!("{headers}");
}
