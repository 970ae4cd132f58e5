//! The rules of a CORS policy that are checked before any request is served: what an allowed origin
//! or subdomain pattern looks like, what a method or header name is, how an origin list is written in an
//! environment variable, and the rules that join settings (what `credentials` forbids, empty and
//! repeated items, the range of `max_age`: [`check_policy`]).
//!
//! This crate is the one implementation of those rules. `cors-macro` runs it at compile time on the
//! literals of `#[cors(...)]`, and `cors-runtime` runs it at cold start on the list read from the
//! environment, so the two can never disagree. Users depend on `cors-runtime`, not on this crate.
//!
//! ```
//! use cors_grammar::{Entry, EntryError};
//!
//! // Literals in the attribute must already be canonical; the error carries the fix.
//! let err = Entry::parse_canonical("https://App.example.com").unwrap_err();
//! assert_eq!(err.help().as_deref(), Some("write `https://app.example.com`"));
//!
//! // Entries from the environment are canonicalised like a browser would.
//! let entry = Entry::canonicalize("https://App.example.com:443/").unwrap();
//! assert_eq!(entry.to_string(), "https://app.example.com");
//! assert!(matches!(Entry::canonicalize("null"), Err(EntryError::Null)));
//! ```

mod aws;
mod entry;
mod list;
mod rules;
mod suffix;
mod token;

pub use suffix::registrable_domain;

pub use aws::{AwsZone, aws_zone};
pub use entry::{Entry, EntryError, Pattern, is_subdomain_labels};
pub use list::{
    ListError, OriginList, SourceList, check_env_list, check_source_list, parse_list, split_list,
};
pub use rules::{
    Checked, CheckedOrigins, DEFAULT_HEADERS, DEFAULT_METHODS, List, MAX_REFRESH, Origins, Policy,
    Problem, ProblemKind, Setting, SharedBase, Spelling, check_policy, credentialed_entry_problem,
};
pub use token::{
    EnvNameError, MAX_AGE_LIMIT, TokenError, check_env_name, check_header_name, check_method,
};
