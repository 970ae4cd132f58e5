//! Merging our `Vary` tokens into the handler's.

use http::header::{Entry, VARY};
use http::{HeaderMap, HeaderValue};

/// Adds each of `ours` to the response's `Vary` once (case-insensitively), keeping the handler's tokens.
///
/// The result is always a single `Vary` line: API Gateway HTTP APIs and Function URLs keep only the
/// first value of a repeated response header, so a second line would be lost. `Vary: *` is left alone,
/// since it already says the response varies on everything (several lines, one holding `*`, become a
/// single `*` line, for the same reason).
pub(crate) fn merge(headers: &mut HeaderMap, ours: &[&str], prebuilt: &HeaderValue) {
    // One lookup for the common cases: no `Vary` yet, or one line that already has our tokens.
    let done = match headers.entry(VARY) {
        Entry::Vacant(entry) => {
            entry.insert(prebuilt.clone());
            true
        }
        Entry::Occupied(entry) => {
            let mut values = entry.iter();
            match (values.next(), values.next()) {
                (Some(first), None) => {
                    let first = first.as_bytes();
                    ours.iter().all(|token| has_token(first, token)) || is_star(first)
                }
                _ => false,
            }
        }
    };
    if !done {
        merge_slow(headers, ours);
    }
}

fn merge_slow(headers: &mut HeaderMap, ours: &[&str]) {
    let mut tokens: Vec<&[u8]> = Vec::new();
    for value in headers.get_all(VARY) {
        for token in value.as_bytes().split(|&b| b == b',').map(trim) {
            if token == b"*" {
                // `*` anywhere means the response varies on everything, which covers ours. Only reached
                // with several lines (one line with `*` returns early in `merge`): make it one `*` line,
                // since HTTP APIs and Function URLs would send only the first line and lose the `*`.
                headers.insert(VARY, HeaderValue::from_static("*"));
                return;
            }
            if !token.is_empty() && !tokens.iter().any(|t| t.eq_ignore_ascii_case(token)) {
                tokens.push(token);
            }
        }
    }
    for token in ours {
        if !tokens
            .iter()
            .any(|t| t.eq_ignore_ascii_case(token.as_bytes()))
        {
            tokens.push(token.as_bytes());
        }
    }
    let joined = tokens.join(&b", "[..]);
    // Every byte comes from an existing header value or from our ASCII tokens, so this only fails if
    // the handler's value held bytes `http` itself refuses; then our tokens alone are still correct.
    let value = HeaderValue::from_bytes(&joined)
        .or_else(|_| HeaderValue::from_bytes(ours.join(", ").as_bytes()));
    if let Ok(value) = value {
        headers.insert(VARY, value);
    }
}

fn has_token(value: &[u8], token: &str) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| trim(t).eq_ignore_ascii_case(token.as_bytes()))
}

fn is_star(value: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|t| trim(t) == b"*")
}

/// `bytes` without leading and trailing spaces and tabs (HTTP's optional whitespace).
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    // `unwrap`/`expect` here fail the test on a broken fixture, which is what they are for; none is
    // on request data (clippy.toml allows them in tests only).
    use super::*;

    const OURS: &[&str] = &["Origin", "Access-Control-Request-Method"];

    fn merged(existing: &[&str]) -> Vec<String> {
        let mut headers = HeaderMap::new();
        for value in existing {
            headers.append(VARY, HeaderValue::from_str(value).unwrap());
        }
        merge(
            &mut headers,
            OURS,
            &HeaderValue::from_static("Origin, Access-Control-Request-Method"),
        );
        headers
            .get_all(VARY)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn adds_ours_when_absent() {
        assert_eq!(merged(&[]), ["Origin, Access-Control-Request-Method"]);
    }

    #[test]
    fn keeps_handler_tokens_and_adds_ours_once() {
        assert_eq!(
            merged(&["Accept-Encoding"]),
            ["Accept-Encoding, Origin, Access-Control-Request-Method"]
        );
        assert_eq!(
            merged(&["origin"]),
            ["origin, Access-Control-Request-Method"]
        );
        assert_eq!(
            merged(&["ORIGIN, access-control-request-method"]),
            ["ORIGIN, access-control-request-method"]
        );
    }

    #[test]
    fn joins_several_lines_into_one() {
        assert_eq!(
            merged(&["Accept", "Accept-Encoding ,, Accept"]),
            ["Accept, Accept-Encoding, Origin, Access-Control-Request-Method"]
        );
    }

    #[test]
    fn leaves_star_alone() {
        assert_eq!(merged(&["*"]), ["*"]);
        assert_eq!(merged(&["Accept, *"]), ["Accept, *"]);
    }

    #[test]
    fn star_on_one_of_several_lines_becomes_one_star_line() {
        // A second line would be dropped by HTTP APIs and Function URLs, leaving only `Accept`.
        assert_eq!(merged(&["Accept", "*"]), ["*"]);
        assert_eq!(merged(&["*", "Accept"]), ["*"]);
        assert_eq!(merged(&["Accept", "Origin, *"]), ["*"]);
    }
}
