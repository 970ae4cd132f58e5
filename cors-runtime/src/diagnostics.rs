//! `tracing` debug events that say why a request got no CORS headers. They are never put in a
//! response, and cost one disabled-callsite check per refusal when debug logging is off.

use std::fmt;

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
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

#[cfg(test)]
mod tests {
    use super::*;

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
