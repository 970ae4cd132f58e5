//! `Access-Control-Allow-Headers`: which request headers a preflight may ask for.

use http::header::ACCESS_CONTROL_REQUEST_HEADERS;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::{joined, vary};

/// The longest `Access-Control-Request-Headers` looked at, in bytes, and the most names in it. Browsers
/// list only the non-safelisted headers a script set; more than this is refused without being parsed.
const MAX_REQUEST_HEADERS_LEN: usize = 4096;
const MAX_REQUEST_HEADERS_ITEMS: usize = 64;

/// The request headers a policy allows.
#[derive(Clone, Debug)]
pub(crate) enum AllowHeaders {
    /// Any header: the requested names are echoed.
    Any,
    /// These names (lowercase), answered with their prebuilt list (`None` for an empty list).
    List {
        names: Vec<HeaderName>,
        value: Option<HeaderValue>,
    },
}

/// What a policy answers to a preflight's `Access-Control-Request-Headers`.
pub(crate) enum HeadersAnswer {
    /// A name is not allowed, or the list is over the bounds.
    Refused,
    /// Allowed; the prebuilt list (if any) is the answer.
    Listed,
    /// Allowed by `"*"`; this value (the requested names) is the answer.
    Echo(HeaderValue),
}

impl AllowHeaders {
    pub(crate) fn list(names: Vec<HeaderName>) -> AllowHeaders {
        let value = joined(&mut names.iter().map(HeaderName::as_str));
        AllowHeaders::List { names, value }
    }

    /// The prebuilt `Access-Control-Allow-Headers` of a list.
    pub(crate) fn value(&self) -> Option<&HeaderValue> {
        match self {
            AllowHeaders::List { value, .. } => value.as_ref(),
            AllowHeaders::Any => None,
        }
    }

    /// Checks every name of the request's `Access-Control-Request-Headers` lines.
    pub(crate) fn allow(&self, request: &HeaderMap) -> HeadersAnswer {
        let mut total_len = 0;
        let mut count = 0;
        let mut echo: Vec<u8> = Vec::new();
        for (line, value) in request
            .get_all(ACCESS_CONTROL_REQUEST_HEADERS)
            .iter()
            .enumerate()
        {
            total_len += value.len();
            // Empty lines add no length, so their number is bounded on its own.
            if total_len > MAX_REQUEST_HEADERS_LEN || line >= MAX_REQUEST_HEADERS_ITEMS {
                return HeadersAnswer::Refused;
            }
            for name in value.as_bytes().split(|&b| b == b',') {
                let name = vary::trim(name);
                if name.is_empty() {
                    continue;
                }
                count += 1;
                if count > MAX_REQUEST_HEADERS_ITEMS {
                    return HeadersAnswer::Refused;
                }
                match self {
                    AllowHeaders::List { names, .. } => {
                        // Browsers send the names lowercased, as `HeaderName` holds them (Fetch's
                        // "CORS-unsafe request-header names"): the exact comparison settles almost
                        // every name without the per-byte case folding.
                        let listed = names.iter().any(|n| {
                            let n = n.as_str().as_bytes();
                            n == name || n.eq_ignore_ascii_case(name)
                        });
                        if !listed {
                            return HeadersAnswer::Refused;
                        }
                    }
                    AllowHeaders::Any => {
                        let Ok(header) = HeaderName::from_bytes(name) else {
                            return HeadersAnswer::Refused;
                        };
                        if !echo.is_empty() {
                            echo.extend_from_slice(b", ");
                        }
                        echo.extend_from_slice(header.as_str().as_bytes());
                    }
                }
            }
        }
        match self {
            AllowHeaders::List { .. } => HeadersAnswer::Listed,
            AllowHeaders::Any if echo.is_empty() => HeadersAnswer::Listed,
            AllowHeaders::Any => match HeaderValue::from_bytes(&echo) {
                Ok(value) => HeadersAnswer::Echo(value),
                Err(_) => HeadersAnswer::Refused,
            },
        }
    }
}
