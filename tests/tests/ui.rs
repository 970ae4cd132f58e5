//! Compile-time behaviour of `#[cors]`: the handler shapes it accepts (`tests/ui/pass`) and the
//! mistakes it refuses, with the exact messages users see (`tests/ui/fail/*.stderr`).
//!
//! Regenerate the snapshots after a deliberate message change with
//! `TRYBUILD=overwrite cargo test -p cors-tests --test ui`, then read every changed `.stderr`.

#![allow(missing_docs)]

// The `.stderr` snapshots include rustc's own rendering (and, for the type-driven checks, rustc's
// wording), which changes between releases: they were made with rustc 1.95 stable.
#[rustversion::attr(
    not(stable(1.95)),
    ignore = "the .stderr snapshots were made with rustc 1.95 stable; compiler output differs on other toolchains"
)]
#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
