//! The compile errors users see, pinned as snapshots: every mistake the attribute refuses, with the
//! exact message and span (`tests/ui/fail/*.rs`, `.stderr` beside each). Everything that compiles is
//! tested in the ordinary suites (`behaviour/shapes.rs`, `fidelity`), which run on any toolchain.
//!
//! Regenerate the snapshots after a deliberate message change with
//! `TRYBUILD=overwrite cargo test -p cors-tests --test ui`, then read every changed `.stderr`.

#![allow(missing_docs)]

/// The toolchain `rust-toolchain.toml` pins, and the snapshots were made with.
const PINNED: &str = "1.95.0";

#[test]
// Constant on purpose: it is which toolchain built this test that matters.
#[allow(clippy::assertions_on_constants)]
fn compile_errors() {
    // The snapshots hold rustc's own rendering and wording, which change between releases: on any other
    // toolchain they would fail for reasons of rustc's, so say that instead of skipping.
    assert!(
        rustversion::cfg!(stable(1.95)),
        "the compile-fail snapshots are made with rustc {PINNED} (rust-toolchain.toml), and this test \
         was built by another: run the tests without a toolchain override"
    );
    trybuild::TestCases::new().compile_fail("ui/fail/*.rs");
}
