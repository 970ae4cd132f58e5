//! The parsed `Origin` of a request, as an `origins_fn` predicate sees it.

use std::fmt;

use cors_grammar::Entry;
use http::HeaderValue;

/// The `Origin` of a request, parsed: what an [`origins_fn`](crate::CorsBuilder::origins_fn)
/// predicate decides on.
///
/// A predicate only ever sees a browser's exact serialisation of an `http` or `https` origin: one
/// `Origin` line, lowercase, no default port, no trailing `/`, no path, IDN hosts in punycode. Anything
/// else (`null`, two origins joined by a comma, two `Origin` lines, `HTTPS://A.example`,
/// `https://a.example:443`, `https://a.example/`) is refused before the predicate is called, so it
/// cannot be fooled by bytes no browser sends.
///
/// Decide on the parts, not on the text. A string test like `origin.ends_with("example.com")` also
/// allows `https://evilexample.com`, and `origin.starts_with("https://example.com")` also allows
/// `https://example.com.evil.net`; the host compared whole, or by its labels, allows neither:
///
/// ```
/// use cors_runtime::Origin;
///
/// fn is_allowed(origin: &Origin) -> bool {
///     origin.scheme() == "https"
///         && origin.port().is_none()
///         && (origin.host() == "example.com" || origin.host().ends_with(".example.com"))
/// }
///
/// let origin = |text| Origin::parse(&http::HeaderValue::from_static(text));
/// assert!(origin("https://app.example.com").is_some_and(|o| is_allowed(&o)));
/// assert!(!origin("https://evilexample.com").is_some_and(|o| is_allowed(&o)));
/// assert!(!origin("https://example.com.evil.net").is_some_and(|o| is_allowed(&o)));
/// // Never a browser's serialisation: refused before any predicate runs.
/// assert!(origin("https://APP.example.com").is_none());
/// assert!(origin("https://app.example.com:443").is_none());
/// assert!(origin("null").is_none());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The canonical form the grammar made, which is equal to the request's value (or it is refused).
    text: String,
    /// Where the host ends in `text` (a port, if any, follows after `:`).
    host_end: usize,
    scheme_len: usize,
    port: Option<u16>,
}

impl Origin {
    /// Parses one `Origin` value; `None` unless it is exactly how a browser serialises an `http` or
    /// `https` origin.
    pub fn parse(value: &HeaderValue) -> Option<Origin> {
        let text = std::str::from_utf8(value.as_bytes()).ok()?;
        // Longer than any browser's serialisation (`https://`, 253 bytes of host, `:65535`).
        if text.len() > 512 {
            return None;
        }
        let text = match Entry::canonicalize(text) {
            Ok(Entry::Origin(canonical)) if canonical == text => canonical,
            _ => return None,
        };
        let scheme_len = text.find("://")?;
        let authority = &text[scheme_len + 3..];
        // An IPv6 host is in brackets, so its port (if any) follows the `]`.
        let host_len = match authority.strip_prefix('[') {
            Some(rest) => rest.find(']')? + 2,
            None => authority.find(':').unwrap_or(authority.len()),
        };
        let port = match &authority[host_len..] {
            "" => None,
            port => Some(port.strip_prefix(':')?.parse().ok()?),
        };
        Some(Origin {
            text,
            host_end: scheme_len + 3 + host_len,
            scheme_len,
            port,
        })
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_len]
    }

    /// The host as serialised: lowercase, IDN in punycode (`xn--...`), IPv6 in brackets (`[::1]`).
    pub fn host(&self) -> &str {
        &self.text[self.scheme_len + 3..self.host_end]
    }

    /// The port, or `None` for the scheme's default (browsers never send `:443` with `https`).
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The whole origin, exactly as the browser sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The origin as the browser serialised it: `https://app.example.com`, `http://localhost:3000`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Origin").field(&self.text).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &'static str) -> Option<(String, String, Option<u16>)> {
        Origin::parse(&HeaderValue::from_static(text))
            .map(|origin| (origin.scheme().into(), origin.host().into(), origin.port()))
    }

    fn of(scheme: &str, host: &str, port: Option<u16>) -> Option<(String, String, Option<u16>)> {
        Some((scheme.into(), host.into(), port))
    }

    #[test]
    fn parts_of_browser_serialisations() {
        assert_eq!(parts("https://a.example"), of("https", "a.example", None));
        assert_eq!(
            parts("http://localhost:3000"),
            of("http", "localhost", Some(3000))
        );
        assert_eq!(parts("http://[::1]:8080"), of("http", "[::1]", Some(8080)));
        assert_eq!(parts("https://[::1]"), of("https", "[::1]", None));
        assert_eq!(
            parts("https://127.0.0.1:8443"),
            of("https", "127.0.0.1", Some(8443))
        );
        assert_eq!(
            parts("https://xn--bcher-kva.example"),
            of("https", "xn--bcher-kva.example", None)
        );
    }

    #[test]
    fn what_no_browser_sends_is_refused() {
        for text in [
            "null",
            "",
            "https://A.example",
            "HTTPS://a.example",
            "https://a.example:443",
            "http://a.example:80",
            "https://a.example/",
            "https://a.example/path",
            "https://a.example, https://b.example",
            "https://a.example https://b.example",
            "https://user@a.example",
            "https://*.example",
            "ftp://a.example",
            "a.example",
            "https://a.example?",
            "https://a.example#",
            "https://[0:0::1]",
        ] {
            assert_eq!(parts(text), None, "{text:?}");
        }
        let bytes = HeaderValue::from_bytes(b"https://\xc3\xa9.example").unwrap();
        assert!(Origin::parse(&bytes).is_none());
    }
}
