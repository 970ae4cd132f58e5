//! Nothing here: the package exists for its edition. `tests/fidelity.rs` compiles the fidelity cases of
//! `cors-tests` as edition 2021.
