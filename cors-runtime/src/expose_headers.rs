//! `Access-Control-Expose-Headers`: the response headers a page's script may read.

use http::{HeaderName, HeaderValue};

use crate::joined;

/// The header value for these names, `*` for `None` (any header), nothing for an empty list.
pub(crate) fn value(names: Option<&[HeaderName]>) -> Option<HeaderValue> {
    match names {
        None => Some(HeaderValue::from_static("*")),
        Some(names) => joined(&mut names.iter().map(HeaderName::as_str)),
    }
}
