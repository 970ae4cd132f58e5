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
