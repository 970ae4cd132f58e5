//! One run puts the same handler and the same requests through no CORS, `#[cors]`, tower-http's
//! `CorsLayer`, the seed's read-the-env-per-request check and a hand-tuned floor, for allowlists of
//! 1, 100 and 10,000 origins. `scripts/bench` runs it and turns the results into BENCHMARKS.md's table.

use std::cell::RefCell;
use std::hint::black_box;

use cors_benches::{
    DISALLOWED, Floor, PATTERN_MATCH, SIZES, allowed, bare, block_on, env_1, env_100, env_10000,
    env_var, get, origins, pattern, preflight, seed, star,
};
use criterion::{BatchSize, Criterion};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method};
use lambda_http::tower::{Layer, Service, service_fn};
use lambda_http::{Body, Request, Response};
use std::convert::Infallible;
use std::future::Future;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Requests built per batch. Small batches keep every case's working set (and the allocator's free
/// lists) the same size, so the cases are compared on the same footing; with criterion's default the
/// batches hold tens of thousands of requests, and timings drift by 10-30% with the heap's history.
const BATCH: u64 = 64;

/// Measures `handler` on fresh copies of `request` (built outside the timed part).
fn measure<F, Fut>(c: &mut Criterion, name: String, request: impl Fn() -> Request, handler: F)
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = Result<Response<Body>, Infallible>>,
{
    c.bench_function(&name, |b| {
        b.iter_batched(
            &request,
            |r| black_box(block_on(handler(r))),
            BatchSize::NumIterations(BATCH),
        )
    });
}

fn benches(c: &mut Criterion) {
    measure(c, "bare".to_owned(), || get(Some(&allowed(1))), bare);

    // `#[cors]` and the floor first, for every list size, and only then the alternatives that allocate
    // per request (the seed copies a 260 KB variable on every call at 10,000 origins): they leave the
    // heap larger and slower, which would otherwise be charged to whatever runs after them.
    for size in SIZES {
        // The bare handler again right before each group: overheads are taken against the nearest
        // baseline, so drift over a long run (allocator state, frequency) does not skew the ratios.
        measure(
            c,
            format!("bare/{size}"),
            || get(Some(&allowed(size))),
            bare,
        );
        let ok = allowed(size);
        match size {
            1 => cors_cases(c, size, &ok, env_1),
            100 => cors_cases(c, size, &ok, env_100),
            _ => cors_cases(c, size, &ok, env_10000),
        }
        let floor = Floor::new(&origins(size));
        measure(
            c,
            format!("floor/allowed/{size}"),
            || get(Some(&ok)),
            |r| floor.handle(r),
        );
        measure(
            c,
            format!("floor/disallowed/{size}"),
            || get(Some(DISALLOWED)),
            |r| floor.handle(r),
        );
    }

    measure(
        c,
        "cors_star/allowed".to_owned(),
        || get(Some(DISALLOWED)),
        star,
    );
    measure(
        c,
        "cors_pattern/allowed".to_owned(),
        || get(Some(PATTERN_MATCH)),
        pattern,
    );

    for size in SIZES {
        let ok = allowed(size);
        let layer = CorsLayer::new()
            .allow_origin(AllowOrigin::list(
                origins(size)
                    .iter()
                    .filter_map(|o| HeaderValue::from_str(o).ok()),
            ))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::PATCH,
                Method::POST,
                Method::DELETE,
            ])
            .allow_headers([CONTENT_TYPE]);
        // Called in place, as lambda_http's runtime calls the service it is given: cloning it per
        // request would clone the origin list too and charge that to tower-http. Its response
        // future owns everything it needs, so the borrow ends with `call`.
        let service = RefCell::new(layer.layer(service_fn(bare)));
        let tower = |r: Request| service.borrow_mut().call(r);
        measure(
            c,
            format!("tower_http/allowed/{size}"),
            || get(Some(&ok)),
            tower,
        );
        measure(
            c,
            format!("tower_http/disallowed/{size}"),
            || get(Some(DISALLOWED)),
            tower,
        );
        measure(
            c,
            format!("tower_http/preflight_allowed/{size}"),
            || preflight(&ok),
            tower,
        );

        let var = env_var(size);
        measure(
            c,
            format!("seed/allowed/{size}"),
            || get(Some(&ok)),
            |r| seed(r, &var),
        );
    }

    // What the first request of a cold Lambda pays: read the variable, parse and canonicalise every
    // entry, and index them. Not dropping the policy: a handler's lives as long as the process.
    c.bench_function("cold_start/env_list/1000", |b| {
        b.iter_with_large_drop(|| {
            cors_runtime::Cors::builder()
                .origins_env(env_var(COLD_START_SIZE))
                .credentials()
                .build()
        })
    });
}

fn cors_cases<F, Fut>(c: &mut Criterion, size: usize, ok: &str, handler: F)
where
    F: Fn(Request) -> Fut + Copy,
    Fut: Future<Output = Result<Response<Body>, Infallible>>,
{
    measure(
        c,
        format!("cors_env/allowed/{size}"),
        || get(Some(ok)),
        handler,
    );
    measure(
        c,
        format!("cors_env/disallowed/{size}"),
        || get(Some(DISALLOWED)),
        handler,
    );
    measure(
        c,
        format!("cors_env/no_origin/{size}"),
        || get(None),
        handler,
    );
    measure(
        c,
        format!("cors_env/preflight_allowed/{size}"),
        || preflight(ok),
        handler,
    );
    measure(
        c,
        format!("cors_env/preflight_refused/{size}"),
        || preflight(DISALLOWED),
        handler,
    );
}

/// The list size the cold-start target is stated for.
const COLD_START_SIZE: usize = 1000;

fn main() {
    for size in SIZES.into_iter().chain([COLD_START_SIZE]) {
        let list = origins(size).join(",");
        #[allow(unsafe_code)]
        // SAFETY: no other thread exists yet (criterion has not started), so nothing reads the
        // environment concurrently; the handlers read these variables once, at their first request.
        unsafe {
            std::env::set_var(env_var(size), list);
        }
    }
    // Build every handler's policy before measuring anything, so that the first measurement of each
    // list size does not build it, and the heap is in the same state for every case.
    let _ = block_on(env_1(get(Some(&allowed(1)))));
    let _ = block_on(env_100(get(Some(&allowed(100)))));
    let _ = block_on(env_10000(get(Some(&allowed(10_000)))));
    let _ = block_on(star(get(None)));
    let _ = block_on(pattern(get(None)));
    // One place for the results whichever directory cargo runs the bench from; scripts/bench reads them.
    let results = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let mut criterion = Criterion::default()
        .output_directory(&results)
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
