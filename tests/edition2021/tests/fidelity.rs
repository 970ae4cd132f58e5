//! `#[cors]` changes nothing but the CORS headers, in edition 2021: the same cases as `cors-tests`'
//! (edition 2024), where a body's tail temporaries drop after its locals.

#![allow(missing_docs)]

#[path = "../../fidelity/cases.rs"]
mod cases;
