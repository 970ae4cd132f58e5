//! What the fuzz targets share: the policy they run, the URL-parser oracle for origins of
//! `tests/tests/properties.rs` (written apart from the matcher), readers for response headers, the env-list
//! round-trip check, and a runtime-free executor for `#[cors]` handlers.
//!
//! Every check panics on a broken invariant: libFuzzer records the input as a crash.

use std::sync::LazyLock;

use cors_grammar::{Entry, OriginList, parse_list};
use http::{HeaderMap, HeaderName, HeaderValue};

/// The allowlist the `origin` and `handler` targets run: exact origins (one with a port, one IPv6) and
/// subdomain patterns (one with a port).
pub const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "http://[::1]:8080",
    "https://*.example.org",
    "http://*.dev.example.net:8080",
];

/// The origin oracle of the property tests: the same file, so the two can never disagree.
#[path = "../../tests/src/oracle.rs"]
pub mod oracle;

pub use oracle::MAX_ORIGIN_LEN;

/// Whether a request whose `Origin` lines are `lines` is allowed by [`ORIGINS`], according to the
/// [`oracle`].
pub fn url_allows(lines: &[&[u8]]) -> bool {
    static ENTRIES: LazyLock<Vec<oracle::Canonical>> = LazyLock::new(|| {
        ORIGINS
            .iter()
            .map(|entry| match entry.split_once("://*.") {
                Some((scheme, base_and_port)) => oracle::pattern(scheme, base_and_port),
                None => oracle::exact(entry),
            })
            .collect()
    });
    oracle::allows(&ENTRIES, lines)
}

/// Every value of header `name`, as bytes.
pub fn all<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Vec<&'h [u8]> {
    headers
        .get_all(name)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect()
}

/// The `Vary` tokens over every line, lowercased.
pub fn vary_tokens(headers: &HeaderMap) -> Vec<String> {
    all(headers, &http::header::VARY)
        .into_iter()
        .flat_map(|line| line.split(|&b| b == b','))
        .map(|token| String::from_utf8_lossy(token).trim().to_ascii_lowercase())
        .filter(|token| !token.is_empty())
        .collect()
}

/// `Vary` is one line and holds each of `tokens` (lowercase), unless it holds `*`.
pub fn assert_varies(headers: &HeaderMap, tokens: &[&str]) {
    let lines = all(headers, &http::header::VARY);
    assert_eq!(lines.len(), 1, "one Vary line, got {lines:?}");
    let got = vary_tokens(headers);
    if got.iter().any(|t| t == "*") {
        return;
    }
    for token in tokens {
        assert!(got.iter().any(|t| t == token), "`{token}` in Vary {got:?}");
    }
}

/// The names of the `Access-Control-*` headers present.
pub fn access_control(headers: &HeaderMap) -> Vec<&str> {
    headers
        .keys()
        .map(HeaderName::as_str)
        .filter(|name| name.starts_with("access-control-"))
        .collect()
}

/// `parse_list` returns; each canonical entry is visible ASCII and parses back as itself with
/// `Entry::parse_canonical`; the entries joined with spaces parse back to the same list; and every item
/// the list splits into canonicalises idempotently.
pub fn check_list(text: &str) {
    for item in cors_grammar::split_list(text) {
        if let Ok(entry) = Entry::canonicalize(item) {
            let written = entry.to_string();
            assert_eq!(
                Entry::canonicalize(&written).as_ref(),
                Ok(&entry),
                "{item:?} canonicalises to {written:?}, which canonicalises to something else"
            );
        }
    }
    let Ok(OriginList::Entries(entries)) = parse_list(text) else {
        return;
    };
    for entry in &entries {
        let written = entry.to_string();
        assert!(
            written.is_ascii() && HeaderValue::from_str(&written).is_ok(),
            "{written:?}"
        );
        assert_eq!(
            Entry::parse_canonical(&written).as_ref(),
            Ok(entry),
            "canonical entry {written:?} does not parse as itself"
        );
    }
    let joined = entries
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        parse_list(&joined),
        Ok(OriginList::Entries(entries)),
        "{joined:?} does not parse back to the same entries"
    );
}

#[path = "../../tests/src/block_on.rs"]
mod block_on;
pub use block_on::block_on;

/// What `cors` decides for a request with this method and these headers.
pub fn check<'a>(cors: &'a cors_runtime::Cors, method: http::Method, headers: HeaderMap) -> cors_runtime::Decision<'a> {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.method = method;
    parts.headers = headers;
    cors.check_parts(&parts)
}

/// RFC 9110 `tchar`.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
