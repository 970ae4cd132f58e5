//! What the fuzz targets share: the policy they run, a URL-parser oracle for origins (written apart from
//! the matcher, like the one in `tests/tests/properties.rs`), readers for response headers, the env-list
//! round-trip check, and a runtime-free executor for `#[cors]` handlers.
//!
//! Every check panics on a broken invariant: libFuzzer records the input as a crash.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use cors_grammar::{Entry, OriginList, parse_list};
use http::{HeaderMap, HeaderName, HeaderValue};
use url::{Host, Url};

/// The allowlist the `origin` and `handler` targets run: exact origins (one with a port, one IPv6) and
/// subdomain patterns (one with a port).
pub const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "http://[::1]:8080",
    "https://*.example.org",
    "http://*.dev.example.net:8080",
];

/// The longest `Origin` value cors-runtime looks at.
pub const MAX_ORIGIN_LEN: usize = 512;

/// Whether a request whose `Origin` lines are `lines` is allowed by [`ORIGINS`], by the URL parser:
/// exactly one value of at most [`MAX_ORIGIN_LEN`] bytes, which the parser serialises back to the same bytes, equal to an exact entry or
/// with a pattern's scheme and port and the pattern's base behind one or more non-empty DNS labels.
pub fn url_allows(lines: &[&[u8]]) -> bool {
    let [raw] = lines else { return false };
    // cors-runtime refuses values over 512 bytes before matching (`MAX_ORIGIN_LEN` in allowlist.rs),
    // far above any browser's serialisation (`https://`, a 253-byte host, `:65535`: 267 bytes).
    if raw.len() > MAX_ORIGIN_LEN {
        return false;
    }
    let Ok(raw) = std::str::from_utf8(raw) else {
        return false;
    };
    let Ok(url) = Url::parse(raw) else {
        return false;
    };
    if url.origin().ascii_serialization() != raw {
        return false;
    }
    let exact = [
        "https://app.example.com",
        "http://localhost:3000",
        "http://[::1]:8080",
    ];
    let patterns = [
        ("https", "example.org", None),
        ("http", "dev.example.net", Some(8080)),
    ];
    exact.contains(&raw)
        || patterns.iter().any(|&(scheme, base, port)| {
            url.scheme() == scheme
                && url.port() == port
                && match url.host() {
                    Some(Host::Domain(host)) => host
                        .strip_suffix(base)
                        .and_then(|front| front.strip_suffix('.'))
                        .is_some_and(|front| {
                            front.split('.').all(|label| {
                                !label.is_empty()
                                    && label.bytes().all(|b| {
                                        b.is_ascii_lowercase()
                                            || b.is_ascii_digit()
                                            || b == b'-'
                                            || b == b'_'
                                    })
                            })
                        }),
                    _ => false,
                }
        })
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

/// Polls a future that never waits on anything (a `#[cors]` handler whose body awaits nothing) to
/// completion, without a runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the handler is still pending after 64 polls");
}

/// RFC 9110 `tchar`.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
