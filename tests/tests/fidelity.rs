//! `#[cors]` changes nothing but the CORS headers, in edition 2024 (`tests/edition2021` runs the same
//! cases in edition 2021).

#![allow(missing_docs)]

#[path = "../fidelity/cases.rs"]
mod cases;
