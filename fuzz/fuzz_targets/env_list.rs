//! `cors_grammar::parse_list` (the env-list parser) on arbitrary bytes, read as UTF-8 with invalid
//! sequences replaced: it never panics, and what it accepts round-trips (see `cors_fuzz::check_list`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cors_fuzz::check_list(&String::from_utf8_lossy(data));
});
