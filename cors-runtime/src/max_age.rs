//! `Access-Control-Max-Age`: how long a browser may cache a preflight's answer.

use http::HeaderValue;

/// The header value for `seconds` (already checked against the limit), nothing when not configured.
pub(crate) fn value(seconds: Option<u64>) -> Option<HeaderValue> {
    seconds.map(HeaderValue::from)
}
