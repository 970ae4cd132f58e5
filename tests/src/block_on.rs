//! Running a future that never waits on anything real to completion, without a runtime. Shared by the
//! behaviour tests, the benchmarks and the fuzz targets (which include this file by path).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` (a `#[cors]` handler whose body awaits nothing, say) until it is ready.
///
/// # Panics
///
/// If it is still pending after 64 polls: then it waits on something, and needs a runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the future is still pending after 64 polls: it needs a runtime");
}
