//! Constant header values that live as long as the process.

use bytes::Bytes;
use http::HeaderValue;

/// A copy of `value` backed by leaked, `'static` bytes.
///
/// Cloning and dropping a `HeaderValue` built at run time touches an atomic reference count; one built
/// from static bytes is copied like a pointer. A policy held in a `static` (one per `#[cors]` handler)
/// is never dropped, so moving its constant values to static memory costs nothing that was not already
/// kept for the whole process, and saves two atomic operations per value per response.
pub(crate) fn leak(value: &HeaderValue) -> HeaderValue {
    let bytes: &'static [u8] = Box::leak(Box::from(value.as_bytes()));
    // The bytes come from a valid header value, so they are valid again; keep the original otherwise.
    HeaderValue::from_maybe_shared(Bytes::from_static(bytes)).unwrap_or_else(|_| value.clone())
}

#[cfg(test)]
mod tests {
    // `unwrap`/`expect` here fail the test on a broken fixture, which is what they are for; none is
    // on request data (clippy.toml allows them in tests only).
    use super::*;

    #[test]
    fn leaked_values_are_equal_to_the_original() {
        let value = HeaderValue::from_str("GET, POST").unwrap();
        assert_eq!(leak(&value), value);
    }
}
