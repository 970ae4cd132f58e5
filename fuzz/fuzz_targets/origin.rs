//! Arbitrary `Origin` bytes (one header line per `\n`-separated piece) through `Cors::check_parts` and
//! `Actual::apply_to_headers` of a fixed allowlist of exact origins and patterns, with credentials.
//!
//! Invariants: at most one ACAO; ACAO exactly when the URL-parser oracle allows the origin, and then it
//! is the request's `Origin`; the runtime's index agrees with cors-grammar's reference rule (up to the
//! runtime's length cap); ACAC with
//! ACAO only; `Vary: Origin` always; a preflight from the same origin is allowed exactly when the
//! ordinary request is. An `origins_fn` predicate is called exactly for one line that is a browser's
//! exact serialisation, and its `Origin`'s parts put back together are that line.

#![no_main]

use cors_fuzz::{MAX_ORIGIN_LEN, ORIGINS, access_control, all, assert_varies, url_allows};
use cors_grammar::Entry;
use cors_runtime::{Cors, Decision};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_METHOD,
    ORIGIN,
};
use http::{HeaderMap, HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::LazyLock;

thread_local! {
    /// What the predicate was asked about, as its parts put back together.
    static ASKED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

static PREDICATE: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins_fn(|origin: &cors_runtime::Origin| {
            let port = origin.port().map(|port| format!(":{port}")).unwrap_or_default();
            let rebuilt = format!("{}://{}{port}", origin.scheme(), origin.host());
            assert_eq!(rebuilt, origin.to_string(), "the parts are the origin");
            ASKED.with(|asked| asked.borrow_mut().push(rebuilt));
            true
        })
        .credentials()
        .build()
        .expect("a valid policy")
});

static CORS: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins(ORIGINS.iter().copied())
        .credentials()
        .build()
        .expect("a valid policy")
});

static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    ORIGINS
        .iter()
        .map(|o| Entry::parse_canonical(o).expect("canonical"))
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let lines: Vec<&[u8]> = if data.is_empty() {
        Vec::new()
    } else {
        data.split(|&b| b == b'\n').take(4).collect()
    };
    let mut request = HeaderMap::new();
    for line in &lines {
        let Ok(value) = HeaderValue::from_bytes(line) else {
            return;
        };
        request.append(ORIGIN, value);
    }

    let Decision::Actual(actual) = cors_fuzz::check(&CORS, Method::GET, request.clone()) else {
        panic!("a GET is never a preflight");
    };
    let mut response = HeaderMap::new();
    // A handler that set its own CORS headers: the policy's replace them.
    response.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    actual.apply_to_headers(&mut response);

    let expected = url_allows(&lines);
    let acao = all(&response, &ACCESS_CONTROL_ALLOW_ORIGIN);
    assert!(acao.len() <= 1, "two ACAO lines: {acao:?}");
    let shown = |values: &[&[u8]]| {
        values
            .iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        !acao.is_empty(),
        expected,
        "Origin {:?}: ACAO {:?}, the URL oracle says {expected}",
        shown(&lines),
        shown(&acao),
    );
    // The grammar's rule has no length cap; the runtime refuses values over `MAX_ORIGIN_LEN` first.
    let reference = match lines.as_slice() {
        [one] if one.len() <= MAX_ORIGIN_LEN => {
            std::str::from_utf8(one).is_ok_and(|o| ENTRIES.iter().any(|e| e.matches(o)))
        }
        _ => false,
    };
    assert_eq!(
        actual.is_allowed(),
        reference,
        "the index and the grammar's reference rule disagree on {:?}",
        shown(&lines),
    );
    if expected {
        assert_eq!(acao, [lines[0]]);
        assert_eq!(all(&response, &ACCESS_CONTROL_ALLOW_CREDENTIALS), [b"true"]);
    } else {
        assert_eq!(access_control(&response), Vec::<&str>::new());
    }
    assert_varies(&response, &["origin"]);

    ASKED.with(|asked| asked.borrow_mut().clear());
    let Decision::Actual(by_predicate) = cors_fuzz::check(&PREDICATE, Method::GET, request.clone())
    else {
        panic!("a GET is never a preflight");
    };
    let serialised = match lines.as_slice() {
        [one] => std::str::from_utf8(one)
            .ok()
            .filter(|text| matches!(Entry::canonicalize(text), Ok(Entry::Origin(c)) if c == *text)),
        _ => None,
    };
    let asked = ASKED.with(|asked| asked.borrow().clone());
    match serialised {
        Some(text) => assert_eq!(asked, [text], "the predicate sees the line it decides"),
        None => assert!(asked.is_empty(), "asked about {asked:?} for {:?}", shown(&lines)),
    }
    assert_eq!(by_predicate.is_allowed(), serialised.is_some());

    if lines.is_empty() {
        return;
    }
    request.insert(
        ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("GET"),
    );
    let Decision::Preflight(preflight) = cors_fuzz::check(&CORS, Method::OPTIONS, request.clone()) else {
        panic!("OPTIONS with Origin and ACRM is a preflight");
    };
    assert_eq!(
        preflight.is_allowed(),
        expected,
        "preflight and request disagree"
    );
});
