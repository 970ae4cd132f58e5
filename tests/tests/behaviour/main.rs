//! Behaviour tests: annotated handlers (and builder-made policies) run through lambda_http's own event
//! parsing on real API Gateway REST, HTTP API, ALB and Function URL events, checked against every rule
//! of `../shared/CORS.md`. One binary with a module per concern: linking one test binary per file
//! dominated the build on a 2-core machine.

#![allow(missing_docs)]

mod common;

mod builder;
mod catch_errors;
mod env;
mod harness;
mod hostile;
mod layer;
mod logging;
mod origins;
mod policies;
mod predicates;
mod preflight;
mod properties;
mod responses;
mod shapes;
mod sources;
mod star;
mod streaming;
mod websocket;
