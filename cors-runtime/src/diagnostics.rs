//! `tracing` debug events that say why a request got no CORS headers. They are never put in a
//! response, and cost one disabled-callsite check per refusal when debug logging is off.

use std::fmt;

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, HOST, ORIGIN};
use http::{HeaderMap, HeaderValue};

/// How much of a request header a debug event shows: enough to recognise it, never megabytes.
const SHOWN: usize = 128;

/// A header value for a log line: escaped, and cut after [`SHOWN`] bytes.
struct Shown<'a>(&'a [u8]);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = self.0.len() > SHOWN;
        let bytes = &self.0[..self.0.len().min(SHOWN)];
        write!(f, "\"{}\"", bytes.escape_ascii())?;
        if cut {
            write!(f, "... ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// An `Origin` that is not allowed: says whether it is malformed or just not on the list.
pub(crate) fn origin_refused(origin: &HeaderValue) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let shown = Shown(origin.as_bytes());
    // A browser sends its origin's serialisation: anything that is not exactly that is malformed.
    let malformed = match std::str::from_utf8(origin.as_bytes()) {
        Err(_) => Err("it is not ASCII".to_owned()),
        Ok(text) => match cors_grammar::Entry::canonicalize(text) {
            Ok(cors_grammar::Entry::Origin(canonical)) if canonical == text => Ok(()),
            Ok(cors_grammar::Entry::Origin(canonical)) => {
                Err(format!("a browser would send `{canonical}`"))
            }
            Ok(cors_grammar::Entry::Pattern(_)) => Err("it is a pattern".to_owned()),
            Err(error) => Err(error.to_string()),
        },
    };
    match malformed {
        Ok(()) => tracing::debug!(origin = %shown, "CORS: no CORS headers: origin not allowed"),
        Err(why) => {
            tracing::debug!(origin = %shown, why, "CORS: no CORS headers: malformed Origin")
        }
    }
}

/// More than one `Origin` line.
pub(crate) fn several_origins() {
    tracing::debug!("CORS: no CORS headers: the request has more than one Origin header");
}

/// A request with an `Origin` to a policy whose configuration is invalid.
pub(crate) fn closed(error: &crate::ConfigError) {
    tracing::debug!(%error, "CORS: no CORS headers: the policy failed closed");
}

/// A preflight refused after its origin was allowed.
pub(crate) fn preflight_refused(request: &HeaderMap, why: &'static str) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let show = |name| {
        request
            .get(name)
            .map(|v: &HeaderValue| Shown(v.as_bytes()).to_string())
    };
    tracing::debug!(
        origin = show(ORIGIN),
        method = show(ACCESS_CONTROL_REQUEST_METHOD),
        headers = show(ACCESS_CONTROL_REQUEST_HEADERS),
        why,
        "CORS: preflight refused (403)"
    );
}

/// Where the README explains what browsers do with cookies across sites, and what to do instead.
const CROSS_SITE_DOCS: &str = "https://github.com/cors-lambda/cors-lambda#cookies-across-sites";

/// The first credentialed response allowing `origin` (an entry's first): warns when the page's site is
/// not the API's, where browsers block or partition the API's cookies whatever CORS says.
#[cold]
pub(crate) fn credentialed_cross_site(origin: &HeaderValue, request: &HeaderMap) {
    if let Some((page, api)) = cross_site(origin, request) {
        tracing::warn!(
            origin = %Shown(origin.as_bytes()),
            page_site = %page,
            api_site = %api,
            docs = CROSS_SITE_DOCS,
            "CORS: credentials allowed for a page on another site than this API: browsers block \
             (Safari, Chrome without third-party cookies) or partition (Firefox) the API's cookies on \
             such requests; serve the page and the API from one site (app.example.com and \
             api.example.com), or authenticate with a token instead of a cookie"
        );
    }
}

/// The page's and the API's sites (`scheme://registrable domain`), when they differ. The API's host is
/// the request's `Host`, its scheme `X-Forwarded-Proto` (what API Gateway, ALB and Function URLs set);
/// without one, only the domains are compared.
fn cross_site(origin: &HeaderValue, request: &HeaderMap) -> Option<(String, String)> {
    let host = request.get(HOST)?.to_str().ok()?.to_ascii_lowercase();
    let page = crate::Origin::parse(origin)?;
    // `Host` carries a port after the last `:` (after the `]` of an IPv6 address).
    let host = match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => &host[..colon],
        _ => host.as_str(),
    };
    let scheme = request
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .map(|scheme| scheme.trim().to_ascii_lowercase());
    let (page_site, api_site) = (
        cors_grammar::registrable_domain(page.host()),
        cors_grammar::registrable_domain(host),
    );
    let same_scheme = scheme
        .as_deref()
        .is_none_or(|scheme| scheme == page.scheme());
    if page_site == api_site && same_scheme {
        return None;
    }
    let api_scheme = scheme.as_deref().unwrap_or("?");
    Some((
        format!("{}://{page_site}", page.scheme()),
        format!("{api_scheme}://{api_site}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(
        origin: &'static str,
        host: &'static str,
        proto: Option<&'static str>,
    ) -> Option<(String, String)> {
        let mut request = HeaderMap::new();
        request.insert(HOST, HeaderValue::from_static(host));
        if let Some(proto) = proto {
            request.insert("x-forwarded-proto", HeaderValue::from_static(proto));
        }
        cross_site(&HeaderValue::from_static(origin), &request)
    }

    #[test]
    fn pages_on_the_apis_site_are_same_site_and_others_are_not() {
        // One registrable domain, https on both sides: same site, whatever the ports.
        assert_eq!(
            sites("https://app.example.com", "api.example.com", Some("https")),
            None
        );
        assert_eq!(
            sites("https://example.com", "api.example.com:8443", Some("https")),
            None
        );
        assert_eq!(sites("http://localhost:8000", "localhost:9000", None), None);
        // The seed setup: an S3 website calling API Gateway, both under public suffixes.
        assert_eq!(
            sites(
                "http://bucket.s3-website-eu-west-1.amazonaws.com",
                "abc.execute-api.eu-west-1.amazonaws.com",
                Some("https")
            ),
            Some((
                "http://bucket.s3-website-eu-west-1.amazonaws.com".to_owned(),
                "https://abc.execute-api.eu-west-1.amazonaws.com".to_owned()
            ))
        );
        // Schemeful: an http page and an https API of one domain are two sites.
        assert!(sites("http://app.example.com", "api.example.com", Some("https")).is_some());
        assert!(sites("https://app.example.org", "api.example.com", Some("https")).is_some());
        assert!(sites("http://localhost:8000", "127.0.0.1:9000", None).is_some());
        assert_eq!(sites("http://[::1]:8000", "[::1]:9000", None), None);
    }

    #[test]
    fn shown_values_are_escaped_and_cut() {
        assert_eq!(
            Shown(b"https://a.example").to_string(),
            "\"https://a.example\""
        );
        assert_eq!(Shown(b"a\nb").to_string(), "\"a\\nb\"");
        let long = vec![b'a'; 1000];
        let shown = Shown(&long).to_string();
        assert!(
            shown.ends_with("... (1000 bytes)") && shown.len() < 160,
            "{shown}"
        );
    }
}
