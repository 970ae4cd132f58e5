//! Arbitrary `Access-Control-Request-Method` and `Access-Control-Request-Headers` bytes, of any size and
//! any number of lines, in preflights to a list policy (with credentials) and to a wildcard policy.
//!
//! Input: byte 0 repeats the ACRH lines (0 to 255 extra times, so small inputs can send thousands of
//! values), byte 1 picks the origin and the policy, then `\n`-separated lines: ACRM, then ACRH lines.
//!
//! Invariants: refused ⇒ 403 and no `Access-Control-*` header; allowed ⇒ 204, ACAO the request's
//! origin, the method configured or safelisted and every requested header allowed (list policy), the
//! requested method and names echoed (wildcard policy); Vary names Origin, ACRM and ACRH.

#![no_main]

use cors_fuzz::{access_control, all, assert_varies, is_tchar};
use cors_runtime::{Cors, Decision};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    ORIGIN,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const METHODS: &[&str] = &["GET", "PUT", "DELETE", "PURGE"];
const HEADERS: &[&str] = &["content-type", "x-api-key", "authorization"];

static LIST: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins(["https://app.example.com", "https://*.example.org"])
        .credentials()
        .methods(METHODS.iter().copied())
        .headers(HEADERS.iter().copied())
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .expect("a valid policy")
});

static ANY: LazyLock<Cors> = LazyLock::new(|| {
    Cors::builder()
        .origins(["https://app.example.com", "https://*.example.org"])
        .any_method()
        .any_header()
        .build()
        .expect("a valid policy")
});

const ORIGINS: &[(&str, bool)] = &[
    ("https://app.example.com", true),
    ("https://a.example.org", true),
    ("https://evil.example", false),
    ("null", false),
];

fuzz_target!(|data: &[u8]| {
    let [repeat, pick, rest @ ..] = data else {
        return;
    };
    let (origin, origin_ok) = ORIGINS[usize::from(pick % 4)];
    let any = pick & 4 != 0;
    let cors = if any { &*ANY } else { &*LIST };
    let mut lines = rest.split(|&b| b == b'\n');
    let acrm = lines.next().unwrap_or_default();
    let Ok(acrm_value) = HeaderValue::from_bytes(acrm) else {
        return;
    };
    let mut acrh = Vec::new();
    for line in lines {
        let Ok(value) = HeaderValue::from_bytes(line) else {
            return;
        };
        acrh.push(value);
    }

    let mut request = HeaderMap::new();
    request.insert(ORIGIN, HeaderValue::from_static(origin));
    request.insert(ACCESS_CONTROL_REQUEST_METHOD, acrm_value);
    for _ in 0..=*repeat {
        for value in &acrh {
            request.append(ACCESS_CONTROL_REQUEST_HEADERS, value.clone());
        }
    }
    let Decision::Preflight(preflight) = cors_fuzz::check(&cors, Method::OPTIONS, request.clone()) else {
        panic!("OPTIONS with Origin and ACRM is a preflight");
    };
    let headers = preflight.headers();
    assert_varies(
        headers,
        &[
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
        ],
    );
    if !preflight.is_allowed() {
        assert_eq!(preflight.status(), StatusCode::FORBIDDEN);
        assert_eq!(access_control(headers), Vec::<&str>::new());
        return;
    }

    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert!(origin_ok, "{origin} allowed");
    assert_eq!(
        all(headers, &ACCESS_CONTROL_ALLOW_ORIGIN),
        [origin.as_bytes()]
    );
    let requested: Vec<&[u8]> = request
        .get_all(ACCESS_CONTROL_REQUEST_HEADERS)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(|name| name.trim_ascii_start().trim_ascii_end())
        .filter(|name| !name.is_empty())
        .collect();
    if any {
        assert!(Method::from_bytes(acrm).is_ok(), "method {acrm:?} echoed");
        assert_eq!(all(headers, &ACCESS_CONTROL_ALLOW_METHODS), [acrm]);
        assert!(all(headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS).is_empty());
        let echoed = requested
            .iter()
            .map(|n| {
                assert!(n.iter().all(|&b| is_tchar(b)), "name {n:?} echoed");
                n.to_ascii_lowercase()
            })
            .collect::<Vec<_>>()
            .join(&b", "[..]);
        let acah = all(headers, &ACCESS_CONTROL_ALLOW_HEADERS);
        if echoed.is_empty() {
            assert!(acah.is_empty(), "ACAH {acah:?} with nothing requested");
        } else {
            assert_eq!(acah, [echoed.as_slice()]);
        }
    } else {
        assert!(
            METHODS.iter().any(|m| m.as_bytes() == acrm)
                || [&b"GET"[..], b"HEAD", b"POST"].contains(&acrm),
            "method {acrm:?} allowed"
        );
        for name in &requested {
            assert!(
                HEADERS
                    .iter()
                    .any(|h| h.as_bytes().eq_ignore_ascii_case(name)),
                "header {name:?} allowed"
            );
        }
        assert_eq!(all(headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS), [b"true"]);
        assert_eq!(
            all(headers, &ACCESS_CONTROL_ALLOW_METHODS),
            [METHODS.join(", ").as_bytes()]
        );
        assert_eq!(
            all(headers, &ACCESS_CONTROL_ALLOW_HEADERS),
            [HEADERS.join(", ").as_bytes()]
        );
    }
});
