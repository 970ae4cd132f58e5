//! The policy of one `#[cors]` handler or `policy!` call site, built when first used.

use std::sync::OnceLock;

use crate::{ConfigError, Cors, env};

/// A policy in a `static`: built from its builder chain the first time it is used (a request, or
/// `check_policy!`), then kept for the life of the process, as Lambda environments do not change while
/// warm. An invalid configuration (only possible with `origins_env`) is logged once and the policy fails
/// closed.
#[derive(Debug)]
pub struct StaticCors {
    build: fn() -> Result<Cors, ConfigError>,
    cors: OnceLock<Cors>,
}

impl StaticCors {
    /// Holds `build` until first use.
    pub const fn new(build: fn() -> Result<Cors, ConfigError>) -> StaticCors {
        StaticCors {
            build,
            cors: OnceLock::new(),
        }
    }

    /// The policy, built now if this is its first use.
    ///
    /// Inside a [`crate::testing::Env`] scope the policy is built from the scope's variables instead,
    /// once per scope, and the process's own policy is neither used nor built.
    #[inline]
    pub fn get(&'static self) -> &'static Cors {
        if env::overridden() {
            if let Some(cors) = self.in_scope() {
                return cors;
            }
        }
        self.cors
            .get_or_init(|| build_or_close(self.build).into_static())
    }

    #[cold]
    fn in_scope(&'static self) -> Option<&'static Cors> {
        let overrides = env::current()?;
        let key = std::ptr::from_ref(self) as usize;
        let mut built = overrides
            .built
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, cors)) = built.iter().find(|(at, _)| *at == key) {
            return Some(cors);
        }
        // Test scopes only: each scope builds its own copy of the policies it uses, which lives on.
        let cors: &'static Cors = Box::leak(Box::new(build_or_close(self.build)));
        built.push((key, cors));
        Some(cors)
    }
}

fn build_or_close(build: fn() -> Result<Cors, ConfigError>) -> Cors {
    match build() {
        Ok(cors) => cors,
        Err(error) => {
            tracing::error!(
                error = %error,
                "CORS policy failed closed: no origin will be allowed until the configuration is fixed"
            );
            Cors::closed(error)
        }
    }
}
