//! What `#[cors]` expansions and this crate's macros name, and nothing else. Not public API: it changes
//! without notice.

mod handler;
pub(crate) mod probe;
mod static_cors;
#[cfg(feature = "lambda")]
mod with_cors;
#[cfg(not(feature = "lambda"))]
mod without_lambda;

pub use self::handler::{CatchErrors, HandlerOutput, HandlerRequest, Prepare};
pub use self::probe::{Probe, ProbeArg, ProbeHandler, check_policy, check_policy_async};
pub use self::static_cors::StaticCors;
#[cfg(feature = "lambda")]
pub use self::with_cors::{Never, WithCors, wrap, wrap_catching, wrap_catching_with, wrap_ok};
#[cfg(not(feature = "lambda"))]
pub use self::without_lambda::{
    NeedsLambdaFeature, WithCors, wrap, wrap_catching, wrap_catching_with, wrap_ok,
};
pub use crate::Decision;
pub use cors_macro::policy;
