//! Reading an origin list from the environment, through the overrides of [`crate::testing::Env`].

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use cors_grammar::OriginList;

use crate::ConfigError;

/// How many [`crate::testing::Env`] scopes are being polled or run right now, on any thread. Policies
/// check it on every request, so outside tests it costs one relaxed load that is always zero.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The innermost override scope on this thread.
    static CURRENT: RefCell<Option<Arc<Overrides>>> = const { RefCell::new(None) };
}

/// The variables of one [`crate::testing::Env`] scope, and the policies built from them so far.
#[derive(Default)]
pub(crate) struct Overrides {
    /// `(name, Some(value))` for a set variable, `(name, None)` for an unset one.
    pub(crate) vars: Vec<(String, Option<String>)>,
    /// The policies handlers built under this scope, so each is built once per scope. Keyed by the
    /// address of the handler's `static`.
    pub(crate) built: Mutex<Vec<(usize, &'static crate::Cors)>>,
}

/// Whether any override scope is active; when false, nothing else here needs to be looked at.
#[inline]
pub(crate) fn overridden() -> bool {
    ACTIVE.load(Ordering::Relaxed) != 0
}

/// Runs `f` with `overrides` as this thread's innermost scope.
pub(crate) fn scoped<R>(overrides: &Arc<Overrides>, f: impl FnOnce() -> R) -> R {
    /// Restores the previous scope even when `f` panics.
    struct Restore(Option<Arc<Overrides>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
            ACTIVE.fetch_sub(1, Ordering::Relaxed);
        }
    }
    ACTIVE.fetch_add(1, Ordering::Relaxed);
    let previous = CURRENT.with(|current| current.borrow_mut().replace(Arc::clone(overrides)));
    let _restore = Restore(previous);
    f()
}

/// This thread's innermost override scope, if any.
pub(crate) fn current() -> Option<Arc<Overrides>> {
    if !overridden() {
        return None;
    }
    CURRENT.with(|current| current.borrow().clone())
}

/// The value of `var`: the override's when a scope on this thread names it, else the process's.
fn var(name: &str) -> Result<String, std::env::VarError> {
    if let Some(overrides) = current() {
        if let Some((_, value)) = overrides.vars.iter().rev().find(|(var, _)| var == name) {
            return value.clone().ok_or(std::env::VarError::NotPresent);
        }
    }
    std::env::var(name)
}

/// Reads and checks the origin list in `var`, with the rules `credentials` adds.
pub(crate) fn read_list(var: &str, credentials: bool) -> Result<OriginList, ConfigError> {
    let text = match self::var(var) {
        Ok(text) => text,
        Err(std::env::VarError::NotPresent) => return Err(ConfigError::env_missing(var)),
        Err(std::env::VarError::NotUnicode(_)) => return Err(ConfigError::env_not_unicode(var)),
    };
    cors_grammar::check_env_list(&text, credentials)
        .map_err(|error| ConfigError::env_list(var, error))
}
