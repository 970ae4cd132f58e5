//! The origin oracle shared by the property tests (`tests/tests/properties.rs`) and the fuzz targets
//! (`fuzz/`, which includes this file by path: it is outside the workspace and needs none of this
//! crate's other dependencies). It is written apart from the matcher, on the `url` crate alone: what a
//! browser-serialised origin is, and which ones an allowlist allows.

use url::{Host, Url};

/// The longest `Origin` value cors-runtime looks at.
pub const MAX_ORIGIN_LEN: usize = 512;

/// An allowlist entry in canonical form, as the oracle computes it with the URL parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Canonical {
    /// The browser's serialisation of the origin.
    Exact(String),
    /// `scheme://*.base[:port]`: `port` is `None` for the scheme's default port.
    Pattern {
        /// `http` or `https`.
        scheme: String,
        /// The host the subdomains are under, without the `*.`.
        base: String,
        /// `None` for the scheme's default port.
        port: Option<u16>,
    },
}

impl Canonical {
    /// How the entry is written in canonical form (compared with `cors-grammar`'s output).
    pub fn written(&self) -> String {
        match self {
            Canonical::Exact(origin) => origin.clone(),
            Canonical::Pattern { scheme, base, port } => match port {
                Some(port) => format!("{scheme}://*.{base}:{port}"),
                None => format!("{scheme}://*.{base}"),
            },
        }
    }
}

/// The canonical form of an exact origin written as `scheme://host[:port][/]`.
///
/// # Panics
///
/// If `written` is not a URL: callers pass fixed or generated valid entries.
#[allow(
    clippy::expect_used,
    reason = "test support: an invalid entry is a bug in the test that wrote it"
)]
pub fn exact(written: &str) -> Canonical {
    let url = Url::parse(written).expect("generated entries are valid URLs");
    Canonical::Exact(url.origin().ascii_serialization())
}

/// The canonical form of `scheme://*.base[:port]`.
///
/// # Panics
///
/// If `base_and_port` is not a domain with an optional port: callers pass fixed or generated ones.
#[allow(
    clippy::expect_used,
    reason = "test support: an invalid base is a bug in the test that wrote it"
)]
pub fn pattern(scheme: &str, base_and_port: &str) -> Canonical {
    let url = Url::parse(&format!("{scheme}://{base_and_port}"))
        .expect("generated pattern bases are valid hosts");
    Canonical::Pattern {
        scheme: url.scheme().to_owned(),
        base: url.host_str().expect("a domain").to_owned(),
        port: url.port(),
    }
}

/// Whether a request whose `Origin` header lines are `lines` is allowed by `entries`.
pub fn allows(entries: &[Canonical], lines: &[&[u8]]) -> bool {
    // Exactly one `Origin` value: two lines (or a comma-joined pair, which fails the URL check
    // below) are never one origin.
    let [raw] = lines else { return false };
    // cors-runtime refuses values over 512 bytes before matching (`MAX_ORIGIN_LEN` in
    // allowlist.rs), far above any browser's serialisation (`https://`, a 253-byte host,
    // `:65535`: 267 bytes).
    if raw.len() > MAX_ORIGIN_LEN {
        return false;
    }
    let Ok(raw) = std::str::from_utf8(raw) else {
        return false;
    };
    let Ok(url) = Url::parse(raw) else {
        return false;
    };
    // Only what a browser sends: the URL parser's serialisation of the origin, byte for byte.
    if url.origin().ascii_serialization() != raw {
        return false;
    }
    entries.iter().any(|entry| match entry {
        Canonical::Exact(origin) => origin == raw,
        Canonical::Pattern { scheme, base, port } => {
            url.scheme() == scheme
                && url.port() == *port
                && match url.host() {
                    Some(Host::Domain(host)) => host
                        .strip_suffix(base.as_str())
                        .and_then(|front| front.strip_suffix('.'))
                        .is_some_and(|front| {
                            front
                                .split('.')
                                .all(|label| !label.is_empty() && label.bytes().all(dns_label_byte))
                        }),
                    _ => false,
                }
        }
    })
}

/// The documented restriction on the labels a pattern matches (cors-grammar's
/// `is_subdomain_labels` docs): letters, digits, `-` and `_`. The WHATWG URL parser also lets
/// `!$&'()*+,;=~"{}` and backquote through in a host; no DNS name or TLS certificate has them,
/// and the crate refuses them on purpose (never allowing more than asked is the safe side).
fn dns_label_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
}
