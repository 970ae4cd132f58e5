//! One run puts the same handler and the same requests through no CORS, `#[cors]`, tower-http's
//! `CorsLayer`, the seed's read-the-env-per-request check and a hand-tuned floor, for allowlists of
//! 1, 100 and 10,000 origins. `scripts/bench` runs it and turns the results into BENCHMARKS.md's table.

use std::cell::RefCell;
use std::hint::black_box;

use axum::Router;
use cors_benches::interleaved::Case;
use cors_benches::{
    DISALLOWED, Floor, PATTERN_MATCH, SIZES, allowed, bare, block_on, env_1, env_1_early_exit,
    env_1_macro, env_100, env_10000, env_var, from_100, get, origins, pattern, predicate,
    preflight, seed, star,
};
use cors_runtime::policy;
use criterion::{BatchSize, Criterion};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method};
use lambda_http::tower::{Layer, Service, service_fn};
use lambda_http::{Body, Request, Response};
use std::convert::Infallible;
use std::future::Future;
use std::path::Path;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Requests built per batch. Small batches keep every case's working set (and the allocator's free
/// lists) the same size, so the cases are compared on the same footing; with criterion's default the
/// batches hold tens of thousands of requests, and timings drift by 10-30% with the heap's history.
const BATCH: u64 = 64;

/// Measures `handler` on fresh copies of `request` (built outside the timed part).
fn measure<F, Fut, B>(c: &mut Criterion, name: String, request: impl Fn() -> Request, handler: F)
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = Result<Response<B>, Infallible>>,
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
            1 => {
                cors_cases(c, size, &ok, env_1);
                measure(
                    c,
                    "cors_env_early_exit/allowed/1".to_owned(),
                    || get(Some(&allowed(1))),
                    env_1_early_exit,
                );
                measure(
                    c,
                    "cors_env_macro/allowed/1".to_owned(),
                    || get(Some(&allowed(1))),
                    env_1_macro,
                );
            }
            100 => {
                cors_cases(c, size, &ok, env_100);
                // The other origin sources next to the env list they replace: the same 100 origins
                // loaded by `origins_from` (a fresh list: one clock read more), and a predicate.
                for (case, origin) in [("allowed", ok.as_str()), ("disallowed", DISALLOWED)] {
                    measure(
                        c,
                        format!("cors_from/{case}/100"),
                        || get(Some(origin)),
                        from_100,
                    );
                    measure(
                        c,
                        format!("cors_fn/{case}/100"),
                        || get(Some(origin)),
                        predicate,
                    );
                }
            }
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
        // Called in place, as lambda_http's runtime calls the service it is given: cloning it per
        // request would clone the origin list too and charge that to tower-http. Its response
        // future owns everything it needs, so the borrow ends with `call`.
        let service = tower_service(size);
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

    // The layers on the same axum router: its own routing and response conversion are the baseline.
    for size in SIZES {
        let ok = allowed(size);
        let bare_router = RefCell::new(router());
        measure(
            c,
            format!("axum/bare/{size}"),
            || get(Some(&ok)),
            |r| bare_router.borrow_mut().call(r),
        );
        let ours = RefCell::new(router().layer(cors_layer(size)));
        let theirs = RefCell::new(router().layer(tower_http_layer(size)));
        measure(
            c,
            format!("axum/cors_layer/allowed/{size}"),
            || get(Some(&ok)),
            |r| ours.borrow_mut().call(r),
        );
        measure(
            c,
            format!("axum/cors_layer/preflight_allowed/{size}"),
            || preflight(&ok),
            |r| ours.borrow_mut().call(r),
        );
        measure(
            c,
            format!("axum/tower_http/allowed/{size}"),
            || get(Some(&ok)),
            |r| theirs.borrow_mut().call(r),
        );
        measure(
            c,
            format!("axum/tower_http/preflight_allowed/{size}"),
            || preflight(&ok),
            |r| theirs.borrow_mut().call(r),
        );
    }

    // The floor under any allowed preflight: copying its prebuilt headers into a map the response can
    // own (two allocations and five entries). Taken from `env_1`'s own answer, so the values are the
    // static ones its policy holds. Dropping the copy is not timed, as for the handlers.
    let Ok(answer) = block_on(env_1(preflight(&allowed(1))));
    let headers = answer.headers().clone();
    c.bench_function("reference/clone_preflight_headers", |b| {
        b.iter_with_large_drop(|| headers.clone())
    });

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

/// The axum router the layers are compared on: one route answering the bare handler's JSON.
fn router() -> Router {
    Router::new().route(
        "/items",
        axum::routing::get(|| async { ([(CONTENT_TYPE, "application/json")], r#"{"ok":true}"#) }),
    )
}

/// `cors_runtime::CorsLayer` with the `#[cors]` env policy of `size` origins (one `policy!` call site
/// per list, as each reads its own variable).
fn cors_layer(size: usize) -> cors_runtime::CorsLayer {
    let policy = match size {
        1 => policy!(origins_env = "CORS_BENCH_ORIGINS_1", credentials),
        100 => policy!(origins_env = "CORS_BENCH_ORIGINS_100", credentials),
        10_000 => policy!(origins_env = "CORS_BENCH_ORIGINS_10000", credentials),
        other => panic!("no benchmark policy for {other} origins"),
    };
    cors_runtime::CorsLayer::new(policy)
}

/// tower-http's `CorsLayer` configured to the `#[cors]` env policy (the attribute's default methods
/// and headers, credentials) with a list of `size` origins.
fn tower_http_layer(size: usize) -> CorsLayer {
    CorsLayer::new()
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
        .allow_headers([CONTENT_TYPE])
}

/// tower-http's layer of [`tower_http_layer`] around the bare handler.
fn tower_service(
    size: usize,
) -> RefCell<
    impl Service<
        Request,
        Response = Response<Body>,
        Error = Infallible,
        Future = impl Future<Output = Result<Response<Body>, Infallible>>,
    >,
> {
    RefCell::new(tower_http_layer(size).layer(service_fn(bare)))
}

/// The cases the target ratios compare, measured interleaved (see `cors_benches::interleaved`), and
/// written to `target/criterion/interleaved.json` for `scripts/bench-report`.
fn interleaved(results: &Path) {
    let towers = SIZES.map(tower_service);
    let floors = SIZES.map(|size| Floor::new(&origins(size)));
    let bare_router = RefCell::new(router());
    let ours = SIZES.map(|size| RefCell::new(router().layer(cors_layer(size))));
    let theirs = SIZES.map(|size| RefCell::new(router().layer(tower_http_layer(size))));
    let mut cases = vec![Case::new("bare", || get(Some(&allowed(1))), bare)];
    size_cases(&mut cases, SIZES[0], env_1, &towers[0], &floors[0]);
    cases.push(Case::new(
        "cors_env_early_exit/allowed/1",
        || get(Some(&allowed(1))),
        env_1_early_exit,
    ));
    cases.push(Case::new(
        "cors_env_macro/allowed/1",
        || get(Some(&allowed(1))),
        env_1_macro,
    ));
    size_cases(&mut cases, SIZES[1], env_100, &towers[1], &floors[1]);
    size_cases(&mut cases, SIZES[2], env_10000, &towers[2], &floors[2]);
    cases.push(Case::new(
        "axum/bare",
        || get(Some(&allowed(1))),
        |r| bare_router.borrow_mut().call(r),
    ));
    for (index, size) in SIZES.into_iter().enumerate() {
        let (ours, theirs) = (&ours[index], &theirs[index]);
        cases.push(Case::new(
            format!("axum/cors_layer/allowed/{size}"),
            move || get(Some(&allowed(size))),
            |r| ours.borrow_mut().call(r),
        ));
        cases.push(Case::new(
            format!("axum/tower_http/allowed/{size}"),
            move || get(Some(&allowed(size))),
            |r| theirs.borrow_mut().call(r),
        ));
    }
    println!("Interleaved measurement of the target cases ({ROUNDS} rounds)...");
    let measured = cors_benches::interleaved::measure(&mut cases, ROUNDS);
    for (name, ns) in &measured {
        println!("  {name:40} {ns:10.1} ns");
    }
    let path = results.join("interleaved.json");
    if let Err(error) = std::fs::write(&path, cors_benches::interleaved::to_json(&measured)) {
        eprintln!("cannot write {}: {error}", path.display());
        std::process::exit(1);
    }
}

/// The interleaved cases of one list size: `#[cors]` (allowed origin and allowed preflight), the floor
/// and tower-http.
fn size_cases<'a, F, Fut, S>(
    cases: &mut Vec<Case<'a>>,
    size: usize,
    handler: F,
    tower: &'a RefCell<S>,
    floor: &'a Floor,
) where
    F: Fn(Request) -> Fut + Copy + 'a,
    Fut: Future<Output = Result<Response<Body>, Infallible>>,
    S: Service<Request, Response = Response<Body>, Error = Infallible>,
    S::Future: Future<Output = Result<Response<Body>, Infallible>>,
{
    let ok = allowed(size);
    cases.push(Case::new(
        format!("cors_env/allowed/{size}"),
        move || get(Some(&allowed(size))),
        handler,
    ));
    cases.push(Case::new(
        format!("cors_env/preflight_allowed/{size}"),
        move || preflight(&ok),
        handler,
    ));
    cases.push(Case::new(
        format!("floor/allowed/{size}"),
        move || get(Some(&allowed(size))),
        |r| floor.handle(r),
    ));
    cases.push(Case::new(
        format!("tower_http/allowed/{size}"),
        move || get(Some(&allowed(size))),
        |r: Request| tower.borrow_mut().call(r),
    ));
}

/// Rounds of the interleaved measurement: about 6 seconds, most of it tower-http at 10,000 origins.
const ROUNDS: usize = 300;

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
    let _ = block_on(env_1_early_exit(get(Some(&allowed(1)))));
    let _ = block_on(env_1_macro(get(Some(&allowed(1)))));
    let _ = block_on(env_100(get(Some(&allowed(100)))));
    // The first request loads the source's list (no timer outside a tokio runtime: no limit).
    let Ok(loaded) = block_on(from_100(get(Some(&allowed(100)))));
    assert!(
        loaded.headers().contains_key("access-control-allow-origin"),
        "the origins_from policy allows the measured origin"
    );
    let Ok(decided) = block_on(predicate(get(Some(&allowed(100)))));
    assert!(
        decided
            .headers()
            .contains_key("access-control-allow-origin")
    );
    let _ = block_on(env_10000(get(Some(&allowed(10_000)))));
    let _ = block_on(star(get(None)));
    let _ = block_on(pattern(get(None)));
    // Both layers allow the measured origin, so neither is timed failing closed (an unset variable
    // would make a policy fast and wrong).
    for size in SIZES {
        let ok = allowed(size);
        let allows = |response: http::Response<axum::body::Body>| {
            response.headers().get("access-control-allow-origin")
                == Some(&HeaderValue::from_str(&ok).unwrap_or(HeaderValue::from_static("-")))
        };
        let Ok(ours) = block_on(router().layer(cors_layer(size)).call(get(Some(&ok))));
        let Ok(theirs) = block_on(router().layer(tower_http_layer(size)).call(get(Some(&ok))));
        assert!(allows(ours) && allows(theirs), "a layer refuses {ok}");
    }
    // One place for the results whichever directory cargo runs the bench from; scripts/bench reads them.
    let results = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let mut criterion = Criterion::default()
        .output_directory(&results)
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    if interleaved_wanted(std::env::args().skip(1)) {
        interleaved(&results);
    }
}

/// Whether to run the interleaved measurement after criterion: not when criterion only lists or
/// test-runs the cases, nor when a name filter is given that `interleaved` does not contain.
fn interleaved_wanted(args: impl Iterator<Item = String>) -> bool {
    // Criterion's options that take a value, which is not a filter.
    const WITH_VALUE: &[&str] = &[
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--plotting-backend",
        "--output-format",
        "--color",
        "--format",
        "--logfile",
        "--skip",
    ];
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--test" | "--list" | "--profile-time" => return false,
            flag if WITH_VALUE.contains(&flag) => {
                args.next();
            }
            flag if flag.starts_with('-') => {}
            filter => return "interleaved".contains(filter),
        }
    }
    true
}
