//! Origins loaded by an async function (`origins_from`), loaded again when they are `refresh` old.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use tokio::time::Instant;

use http::HeaderValue;
use tokio::sync::OwnedMutexGuard;

use crate::ConfigError;
use crate::allowlist::{Allowed, Allowlist};

/// How long one load may take before it counts as failed; requests waiting for the first load wait
/// no longer than this.
pub(crate) const LOAD_TIMEOUT: Duration = Duration::from_secs(5);

/// After a failed first load, no request starts another for this long, doubled after each further
/// failure up to [`FIRST_LOAD_BACKOFF_MAX`]: a source that is down is not called by every request.
pub(crate) const FIRST_LOAD_BACKOFF: Duration = Duration::from_secs(1);
pub(crate) const FIRST_LOAD_BACKOFF_MAX: Duration = Duration::from_secs(60);

/// After a failed reload, the last good list is kept and the next request after this long (or after
/// `refresh`, if shorter) tries again.
pub(crate) const RELOAD_RETRY: Duration = Duration::from_secs(30);

/// What the builder keeps of the user's function: its answer, the items as strings and the error as
/// text.
pub(crate) type LoadFuture = Pin<Box<dyn Future<Output = Result<Vec<String>, String>> + Send>>;
pub(crate) type LoadFn = Arc<dyn Fn() -> LoadFuture + Send + Sync>;

/// One policy's source and what it last answered.
pub(crate) struct Source {
    load: LoadFn,
    credentials: bool,
    refresh: Option<Duration>,
    state: RwLock<State>,
    /// Held by the one load in flight: requests wait for it (first load) or go on with the last good
    /// list (reload), so a source is never called by several requests at once.
    loading: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct State {
    /// The last good list.
    list: Option<Loaded>,
    /// When the last successful load ended.
    loaded_at: Option<Instant>,
    /// After a failure: no new load starts before this.
    retry_at: Option<Instant>,
    /// Failed first loads in a row, for the back-off.
    failures: u32,
    /// Why the last load failed, if it did.
    error: Option<ConfigError>,
    /// Loads finished (either way), so a request that waited knows one ended meanwhile.
    attempts: u64,
}

enum Loaded {
    Any,
    List(Allowlist),
}

/// What a request must do before the list can answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// The list answers as it is (or the policy stays closed until the back-off ends).
    Nothing,
    /// No list yet: load, or wait for the load in flight.
    First,
    /// The list is older than `refresh`: one request reloads it.
    Reload,
}

impl Source {
    pub(crate) fn new(load: LoadFn, credentials: bool, refresh: Option<Duration>) -> Source {
        Source {
            load,
            credentials,
            refresh,
            state: RwLock::new(State::default()),
            loading: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn due(&self) -> Due {
        let state = self.read();
        // Without `refresh`, a loaded list is final: no clock read per request.
        if state.list.is_some() && self.refresh.is_none() {
            return Due::Nothing;
        }
        let now = Instant::now();
        if state.retry_at.is_some_and(|at| now < at) {
            return Due::Nothing;
        }
        match (&state.list, state.loaded_at, self.refresh) {
            (None, _, _) => Due::First,
            (Some(_), Some(at), Some(refresh)) if now.duration_since(at) >= refresh => Due::Reload,
            _ => Due::Nothing,
        }
    }

    /// Whether a request must load (or wait) before it is answered.
    pub(crate) fn needs_load(&self) -> bool {
        self.due() != Due::Nothing
    }

    /// Loads the list when it is due: the first load (waiting, at most [`LOAD_TIMEOUT`] from this
    /// request's arrival, for one already in flight), or a reload of a list older than `refresh`
    /// (skipped when another request is already reloading: this one is answered from the last good
    /// list).
    pub(crate) async fn ensure(self: &Arc<Self>) {
        match self.due() {
            Due::Nothing => {}
            Due::Reload => {
                let Ok(loading) = Arc::clone(&self.loading).try_lock_owned() else {
                    return;
                };
                // Another request may have reloaded between the check and the lock.
                if self.due() == Due::Reload {
                    self.load(loading, Instant::now() + LOAD_TIMEOUT).await;
                }
            }
            Due::First => {
                let deadline = Instant::now() + LOAD_TIMEOUT;
                let seen = self.read().attempts;
                let Ok(loading) = within(deadline, Arc::clone(&self.loading).lock_owned()).await
                else {
                    return;
                };
                // A load that ended while this request waited is the one it waited for: its answer
                // stands, even a failure (then the back-off decides when the next one starts).
                if self.read().attempts == seen && self.due() == Due::First {
                    self.load(loading, deadline).await;
                }
            }
        }
    }

    /// Runs one load, holding `loading`, given until `deadline`, and waits for it. With a tokio runtime
    /// the load is a task of its own: a request that is dropped (its client gone) does not cancel it,
    /// so its answer still lands and the back-off still counts it.
    async fn load(self: &Arc<Self>, loading: OwnedMutexGuard<()>, deadline: Instant) {
        let source = Arc::clone(self);
        let run = async move {
            source.run(deadline).await;
            drop(loading);
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // The task ends by `deadline`; an `Err` is a load that panicked, which recorded nothing.
            let _ = tokio::spawn(run).await;
        } else {
            run.await;
        }
    }

    async fn run(&self, deadline: Instant) {
        let answer = match within(deadline, (self.load)()).await {
            Ok(Ok(items)) => {
                cors_grammar::check_source_list(items.iter().map(String::as_str), self.credentials)
                    .map_err(ConfigError::source_list)
            }
            Ok(Err(error)) => Err(ConfigError::source_failed(error)),
            Err(()) => Err(ConfigError::source_failed(format!(
                "no answer within {} seconds",
                LOAD_TIMEOUT.as_secs()
            ))),
        };
        // The new list is built, and its warnings written, before any request is kept waiting on the
        // lock.
        let loaded = answer.map(|list| {
            for skipped in &list.skipped {
                tracing::warn!(
                    entry = %skipped,
                    "CORS: `origins_from` answered an entry that is not honoured; the others are"
                );
            }
            if list.any {
                return Loaded::Any;
            }
            if list.entries.is_empty() {
                tracing::warn!(
                    "CORS: `origins_from` answered no origin: no origin is allowed until it answers some"
                );
            }
            let index = Allowlist::new(&list.entries);
            // The once-per-origin marks outlive a reload.
            if let Some(Loaded::List(old)) = &self.read().list {
                index.keep_marks(old);
            }
            Loaded::List(index)
        });
        let now = Instant::now();
        let mut state = self.write();
        state.attempts += 1;
        match loaded {
            Ok(loaded) => {
                state.list = Some(loaded);
                state.loaded_at = Some(now);
                state.retry_at = None;
                state.failures = 0;
                state.error = None;
            }
            Err(error) => {
                let delay = if state.list.is_some() {
                    tracing::error!(
                        %error,
                        "CORS: reloading the origins failed: the last good list stays in use"
                    );
                    self.refresh
                        .map_or(RELOAD_RETRY, |refresh| refresh.min(RELOAD_RETRY))
                } else {
                    tracing::error!(
                        %error,
                        "CORS policy failed closed: no origin will be allowed until `origins_from` \
                         answers"
                    );
                    state.failures = state.failures.saturating_add(1);
                    let doublings = (state.failures - 1).min(6);
                    (FIRST_LOAD_BACKOFF * 2u32.pow(doublings)).min(FIRST_LOAD_BACKOFF_MAX)
                };
                state.retry_at = Some(now + delay);
                state.error = Some(error);
            }
        }
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, from the last good list; `None` before the
    /// first successful load.
    pub(crate) fn allow(&self, origin: &HeaderValue, mark: bool) -> Option<Allowed> {
        match &self.read().list {
            Some(Loaded::Any) => Some(Allowed {
                value: HeaderValue::from_static("*"),
                first: false,
            }),
            Some(Loaded::List(list)) => list.allow(origin, mark),
            None => None,
        }
    }

    /// Whether `origin` is allowed by the last good list.
    pub(crate) fn contains(&self, origin: &HeaderValue) -> bool {
        match &self.read().list {
            Some(Loaded::Any) => true,
            Some(Loaded::List(list)) => list.contains(origin),
            None => false,
        }
    }

    /// `Ok` once a list is loaded; before that, why not.
    pub(crate) fn status(&self) -> Result<(), ConfigError> {
        let state = self.read();
        match (&state.list, &state.error) {
            (Some(_), _) => Ok(()),
            (None, Some(error)) => Err(error.clone()),
            (None, None) => Err(ConfigError::source_not_loaded()),
        }
    }
}

/// `future`, if it ends before `deadline`. The limit needs tokio's timer (the runtime Lambda and
/// `#[tokio::main]` start has it); a policy driven by another executor (a test's `block_on`) waits
/// without a limit rather than panicking for want of one.
async fn within<F: Future>(deadline: Instant, future: F) -> Result<F::Output, ()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::time::timeout_at(deadline, future)
            .await
            .map_err(drop)
    } else {
        Ok(future.await)
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.read();
        let mut debug = f.debug_struct("Source");
        match &state.list {
            None => debug.field("loaded", &false),
            Some(Loaded::Any) => debug.field("origins", &"*"),
            Some(Loaded::List(list)) => {
                let (exact, patterns) = list.counts();
                debug.field("exact", &exact).field("patterns", &patterns)
            }
        };
        debug
            .field("refresh", &self.refresh)
            .field("error", &state.error)
            .finish()
    }
}
