//! `Access-Control-Allow-Origin`: which request origins a policy allows, and the value it answers.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use http::HeaderValue;
use http::header::GetAll;

use crate::allowlist::{Allowed, Allowlist};
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

/// A predicate, shown in `Debug` by what it is rather than its address, and the origins it allowed
/// (for once-per-origin diagnostics; at most [`SEEN_LIMIT`]).
#[derive(Clone)]
pub(crate) struct PredicateFn(pub(crate) Predicate, Arc<Mutex<HashSet<Box<str>>>>);

/// The most origins a predicate policy remembers having allowed: past it, none is new.
const SEEN_LIMIT: usize = 1024;

impl PredicateFn {
    pub(crate) fn new(predicate: Predicate) -> PredicateFn {
        PredicateFn(predicate, Arc::default())
    }

    /// Whether `origin` is allowed for the first time.
    fn first(&self, origin: &Origin) -> bool {
        let mut seen = self
            .1
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Looked up before anything is allocated: after its first request, an origin costs no more.
        !seen.contains(origin.as_str())
            && seen.len() < SEEN_LIMIT
            && seen.insert(origin.as_str().into())
    }
}

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

    /// The `Access-Control-Allow-Origin` value for a request with these `Origin` lines, if allowed;
    /// with `mark` (an ordinary request), whether it is the first its entry allowed.
    pub(crate) fn allow(&self, lines: GetAll<'_, HeaderValue>, mark: bool) -> Option<Allowed> {
        match self {
            AllowOrigin::Any => Some(Allowed {
                value: HeaderValue::from_static("*"),
                first: false,
            }),
            AllowOrigin::List(list) => one_origin(lines, |origin| list.allow(origin, mark)),
            AllowOrigin::Closed(error) => {
                if lines.iter().next().is_some() {
                    diagnostics::closed(error);
                }
                None
            }
            AllowOrigin::From(source) => one_origin(lines, |origin| source.allow(origin, mark)),
            AllowOrigin::Fn(predicate) => one_origin(lines, |value| {
                // Only a browser's exact serialisation reaches the predicate.
                let origin = Origin::parse(value).filter(|origin| (predicate.0)(origin))?;
                Some(Allowed {
                    value: value.clone(),
                    first: mark && predicate.first(&origin),
                })
            }),
        }
    }
}

/// What `allow` answers for the single `Origin` line, or no origin for none or several (saying why
/// when there is one to say).
fn one_origin(
    lines: GetAll<'_, HeaderValue>,
    allow: impl FnOnce(&HeaderValue) -> Option<Allowed>,
) -> Option<Allowed> {
    match single(lines) {
        Lines::One(origin) => {
            let allowed = allow(origin);
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
