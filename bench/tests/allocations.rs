//! Matching an origin allocates nothing, whatever the size of the allowlist (issue #4).
//!
//! A counting global allocator (this test binary's only) counts allocations made by the calling
//! thread while a closure runs; other test threads do not disturb the count.

// Test helpers panic on fixtures that cannot be wrong (literal origins, a valid policy).
#![allow(clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cors_benches::{DISALLOWED, PATTERN_MATCH, SIZES, allowed, origins};
use cors_runtime::{Cors, Decision};
use http::header::ORIGIN;
use http::{HeaderMap, HeaderValue, Method};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches only a
// thread-local counter, which does not allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn policy(size: usize) -> Cors {
    let mut list = origins(size);
    list.push("https://*.example.com".to_owned());
    Cors::builder().origins(list).credentials().build().unwrap()
}

const MALFORMED: &[&str] = &[
    "null",
    "https://app0.example.org/",
    "HTTPS://APP0.EXAMPLE.ORG",
    "https://app0.example.org, https://app1.example.org",
    "https://evil.com.example.com:443",
    "",
];

fn headers(origin: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(origin).unwrap());
    headers
}

#[test]
fn matching_any_origin_allocates_nothing_for_every_list_size() {
    for size in SIZES {
        let cors = policy(size);
        let mut cases: Vec<(String, bool)> = vec![
            (allowed(size), true),
            (DISALLOWED.to_owned(), false),
            (PATTERN_MATCH.to_owned(), true),
        ];
        cases.extend(MALFORMED.iter().map(|m| ((*m).to_owned(), false)));
        for (origin, expected) in cases {
            let value = HeaderValue::from_str(&origin).unwrap();
            let mut answer = None;
            let count = allocations(|| answer = Some(cors.allows_origin(&value)));
            assert_eq!(answer, Some(expected), "{origin} with {size} entries");
            assert_eq!(
                count, 0,
                "matching {origin:?} against {size} entries allocated"
            );
        }
    }
}

#[test]
fn deciding_an_ordinary_request_allocates_nothing_for_exact_and_refused_origins() {
    for size in SIZES {
        let cors = policy(size);
        let mut cases = vec![allowed(size), DISALLOWED.to_owned()];
        cases.extend(MALFORMED.iter().map(|m| (*m).to_owned()));
        for origin in cases {
            let request = parts(Method::GET, headers(&origin));
            let count = allocations(|| {
                let decision = cors.check_parts(&request);
                assert!(matches!(decision, Decision::Actual(_)));
            });
            assert_eq!(
                count, 0,
                "deciding for {origin:?} against {size} entries allocated"
            );
        }
        let none = parts(Method::GET, HeaderMap::new());
        assert_eq!(allocations(|| drop(cors.check_parts(&none))), 0);
    }
}

/// A pattern-matched origin is echoed by cloning the request's own header value. `http` values built
/// from a string (as lambda_http builds them) move to shared storage on their first clone: at most
/// one small allocation, whatever the list size. It is pinned here so a change is noticed.
#[test]
fn echoing_a_pattern_matched_origin_allocates_at_most_once() {
    for size in SIZES {
        let cors = policy(size);
        let request = parts(Method::GET, headers(PATTERN_MATCH));
        let count = allocations(|| drop(cors.check_parts(&request)));
        assert!(count <= 1, "{count} allocations with {size} entries");
    }
}

/// Refusing a megabyte `Origin`, a megabyte `Access-Control-Request-Headers` or thousands of header
/// lines allocates no more than refusing a small one: the size cap is checked before the value is
/// read through (issue #5, item 3).
#[test]
fn refusing_hostile_input_costs_the_same_as_refusing_small_input() {
    use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD};

    let cors = Cors::builder()
        .origins(["https://app.example.com", "https://*.example.org"])
        .headers(["content-type", "x-api-key"])
        .build()
        .unwrap();
    let cost = |request: &HeaderMap, method: &Method| {
        let request = parts(method.clone(), request.clone());
        allocations(|| drop(cors.check_parts(&request)))
    };

    let small_origin = headers("https://nope.example.net");
    let huge_origin = headers(&format!("https://{}.example.org", "a".repeat(1 << 20)));
    assert_eq!(
        cost(&huge_origin, &Method::GET),
        cost(&small_origin, &Method::GET)
    );

    let preflight = |values: &[String]| {
        let mut request = headers("https://app.example.com");
        request.insert(
            ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("PUT"),
        );
        for value in values {
            request.append(
                ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_str(value).unwrap(),
            );
        }
        request
    };
    let refused_small = preflight(&["x-other".to_owned()]);
    let baseline = cost(&refused_small, &Method::OPTIONS);
    for hostile in [
        preflight(&["x-api-key,".repeat(1 << 17)]),
        preflight(&vec!["x-api-key".to_owned(); 10_000]),
        preflight(&vec![String::new(); 10_000]),
    ] {
        assert_eq!(cost(&hostile, &Method::OPTIONS), baseline);
    }
}

/// A request's head, as `Cors::check_parts` takes it.
fn parts(method: Method, headers: HeaderMap) -> http::request::Parts {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.method = method;
    parts.headers = headers;
    parts
}
