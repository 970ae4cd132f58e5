//! `Access-Control-Allow-Origin`: which request origins a policy allows, and the value it answers.

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;
use http::header::GetAll;

use crate::allowlist::Allowlist;
use crate::source::Source;
use crate::{ConfigError, Origin, diagnostics};

/// An `origins_fn` predicate.
pub(crate) type Predicate = Arc<dyn Fn(&Origin) -> bool + Send + Sync>;

/// The origins a policy allows.
#[derive(Clone, Debug)]
pub(crate) enum AllowOrigin {
    /// Any origin, answered with `*`.
    Any,
    /// The canonical entries of a list.
    List(Allowlist),
    /// The configuration was invalid: no origin is allowed.
    Closed(ConfigError),
    /// The last list an `origins_from` source answered.
    From(Arc<Source>),
    /// Whatever an `origins_fn` predicate says yes to.
    Fn(PredicateFn),
}

/// A predicate, shown in `Debug` by what it is rather than its address.
#[derive(Clone)]
pub(crate) struct PredicateFn(pub(crate) Predicate);

impl fmt::Debug for PredicateFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("origins_fn")
    }
}

impl AllowOrigin {
    /// Whether the answer depends on the request's origin, so responses must vary on it.
    pub(crate) fn varies(&self) -> bool {
        !matches!(self, AllowOrigin::Any)
    }

    /// Whether `origin` (the exact bytes of one `Origin` value) is allowed.
    pub(crate) fn contains(&self, origin: &HeaderValue) -> bool {
        match self {
            AllowOrigin::Any => true,
            AllowOrigin::List(list) => list.contains(origin),
            AllowOrigin::Closed(_) => false,
            AllowOrigin::From(source) => source.contains(origin),
            AllowOrigin::Fn(predicate) => Origin::parse(origin).is_some_and(|o| (predicate.0)(&o)),
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request with these `Origin` lines, if allowed.
    pub(crate) fn allow(&self, lines: GetAll<'_, HeaderValue>) -> Option<HeaderValue> {
        match self {
            AllowOrigin::Any => Some(HeaderValue::from_static("*")),
            AllowOrigin::List(list) => match single(lines) {
                Lines::One(origin) => {
                    let allowed = list.allow(origin);
                    if allowed.is_none() {
                        diagnostics::origin_refused(origin);
                    }
                    allowed
                }
                Lines::None => None,
                Lines::Several => {
                    diagnostics::several_origins();
                    None
                }
            },
            AllowOrigin::Closed(error) => {
                if lines.iter().next().is_some() {
                    diagnostics::closed(error);
                }
                None
            }
            AllowOrigin::From(source) => match single(lines) {
                Lines::One(origin) => {
                    let allowed = source.allow(origin);
                    if allowed.is_none() {
                        diagnostics::origin_refused(origin);
                    }
                    allowed
                }
                Lines::None => None,
                Lines::Several => {
                    diagnostics::several_origins();
                    None
                }
            },
            AllowOrigin::Fn(predicate) => match single(lines) {
                Lines::One(value) => {
                    // Only a browser's exact serialisation reaches the predicate.
                    let allowed = Origin::parse(value).is_some_and(|origin| (predicate.0)(&origin));
                    if allowed {
                        Some(value.clone())
                    } else {
                        diagnostics::origin_refused(value);
                        None
                    }
                }
                Lines::None => None,
                Lines::Several => {
                    diagnostics::several_origins();
                    None
                }
            },
        }
    }
}

/// The lines of a header that must appear exactly once.
pub(crate) enum Lines<'a> {
    One(&'a HeaderValue),
    None,
    Several,
}

pub(crate) fn single(values: GetAll<'_, HeaderValue>) -> Lines<'_> {
    let mut values = values.into_iter();
    match (values.next(), values.next()) {
        (Some(value), None) => Lines::One(value),
        (None, _) => Lines::None,
        (Some(_), Some(_)) => Lines::Several,
    }
}
