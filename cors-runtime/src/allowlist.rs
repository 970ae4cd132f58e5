//! The origin index a policy matches request origins against.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use cors_grammar::{Entry, is_subdomain_labels};
use foldhash::fast::RandomState;
use http::HeaderValue;

/// The longest `Origin` value looked at. A browser's serialisation is at most `https://`, a 253-byte
/// host and `:65535`; anything longer is refused before any hashing, so hostile values cost nothing.
const MAX_ORIGIN_LEN: usize = 512;

/// Canonical entries indexed so that matching costs the same for one entry or ten thousand: one hash
/// lookup for exact origins, and one lookup per dot of the request's host for patterns.
///
/// The tables are built once and only read afterwards, so attacker-chosen lookups cannot degrade them;
/// foldhash (seeded per process) hashes an origin several times faster than SipHash.
#[derive(Clone, Debug)]
pub(crate) struct Allowlist {
    exact: HashMap<Box<[u8]>, Exact, RandomState>,
    patterns: Vec<PatternGroup>,
}

/// An exact entry: its `Access-Control-Allow-Origin` value, and whether a request allowed by it was seen.
#[derive(Clone, Debug)]
struct Exact {
    value: HeaderValue,
    seen: Seen,
}

/// Whether an entry has allowed an ordinary request yet: what once-per-origin diagnostics key on, at the
/// cost of one relaxed load per allowed request.
#[derive(Default)]
pub(crate) struct Seen(AtomicBool);

impl Seen {
    fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// True the first time only.
    #[inline]
    pub(crate) fn first(&self) -> bool {
        !self.0.load(Ordering::Relaxed) && !self.0.swap(true, Ordering::Relaxed)
    }
}

/// A copy starts unseen: it is another policy's entry.
impl Clone for Seen {
    fn clone(&self) -> Self {
        Seen::default()
    }
}

impl fmt::Debug for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.load(Ordering::Relaxed).fmt(f)
    }
}

/// An allowed origin: the value to answer, and whether this is the first ordinary request its entry
/// allowed (when the caller asked to mark it).
pub(crate) struct Allowed {
    pub(crate) value: HeaderValue,
    pub(crate) first: bool,
}

/// Patterns sharing a scheme and port, keyed by `.base`.
#[derive(Clone, Debug)]
struct PatternGroup {
    prefix: &'static str,
    port_suffix: Box<str>,
    bases: HashMap<Box<str>, Seen, RandomState>,
}

impl Allowlist {
    pub(crate) fn new(entries: &[Entry]) -> Allowlist {
        let mut exact = HashMap::default();
        let mut patterns: Vec<PatternGroup> = Vec::new();
        for entry in entries {
            match entry {
                Entry::Origin(origin) => {
                    // Canonical origins are visible ASCII, which is always a valid header value.
                    if let Ok(value) = HeaderValue::from_str(origin) {
                        // A value built from a string is promoted to shared storage by its first
                        // clone, which allocates; do that here so request-time clones never do.
                        drop(value.clone());
                        exact.insert(
                            origin.as_bytes().into(),
                            Exact {
                                value,
                                seen: Seen::default(),
                            },
                        );
                    }
                }
                Entry::Pattern(pattern) => {
                    let prefix = if pattern.scheme() == "https" {
                        "https://"
                    } else {
                        "http://"
                    };
                    let port_suffix: Box<str> = match pattern.port() {
                        Some(port) => format!(":{port}").into(),
                        None => "".into(),
                    };
                    let base: Box<str> = format!(".{}", pattern.base()).into();
                    match patterns
                        .iter_mut()
                        .find(|g| g.prefix == prefix && g.port_suffix == port_suffix)
                    {
                        Some(group) => {
                            group.bases.insert(base, Seen::default());
                        }
                        None => {
                            let mut bases = HashMap::default();
                            bases.insert(base, Seen::default());
                            patterns.push(PatternGroup {
                                prefix,
                                port_suffix,
                                bases,
                            });
                        }
                    }
                }
            }
        }
        Allowlist { exact, patterns }
    }

    /// Moves the stored `Access-Control-Allow-Origin` values to static memory (see
    /// [`crate::statics::leak`]); for policies that live as long as the process.
    pub(crate) fn leak_values(&mut self) {
        for exact in self.exact.values_mut() {
            exact.value = crate::statics::leak(&exact.value);
        }
    }

    /// The value to send in `Access-Control-Allow-Origin` when `origin` is allowed: the stored value
    /// for an exact entry, the request's own value for a pattern. With `mark`, the entry is marked
    /// seen, and [`Allowed::first`] says whether this was its first.
    pub(crate) fn allow(&self, origin: &HeaderValue, mark: bool) -> Option<Allowed> {
        let (value, seen) = match self.find(origin) {
            Found::Exact(exact) => (exact.value.clone(), &exact.seen),
            Found::Pattern(seen) => (origin.clone(), seen),
            Found::Nothing => return None,
        };
        Some(Allowed {
            value,
            first: mark && seen.first(),
        })
    }

    /// Whether `origin` is allowed, without building any value.
    pub(crate) fn contains(&self, origin: &HeaderValue) -> bool {
        !matches!(self.find(origin), Found::Nothing)
    }

    /// Marks the entries of this list that `old` (the list it replaces) had marked.
    pub(crate) fn keep_marks(&self, old: &Allowlist) {
        for (origin, exact) in &self.exact {
            if old.exact.get(origin).is_some_and(|old| old.seen.is_set()) {
                exact.seen.set();
            }
        }
        for group in &self.patterns {
            let Some(old) = old
                .patterns
                .iter()
                .find(|old| old.prefix == group.prefix && old.port_suffix == group.port_suffix)
            else {
                continue;
            };
            for (base, seen) in &group.bases {
                if old.bases.get(base).is_some_and(Seen::is_set) {
                    seen.set();
                }
            }
        }
    }

    /// The number of exact entries and of patterns, for `Debug`.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let patterns = self.patterns.iter().map(|group| group.bases.len()).sum();
        (self.exact.len(), patterns)
    }

    fn find(&self, origin: &HeaderValue) -> Found<'_> {
        let bytes = origin.as_bytes();
        if bytes.len() > MAX_ORIGIN_LEN {
            return Found::Nothing;
        }
        if let Some(exact) = self.exact.get(bytes) {
            return Found::Exact(exact);
        }
        if self.patterns.is_empty() {
            return Found::Nothing;
        }
        // Non-ASCII bytes never occur in a browser's origin serialisation.
        let Ok(origin) = std::str::from_utf8(bytes) else {
            return Found::Nothing;
        };
        self.patterns
            .iter()
            .find_map(|group| group.matches(origin))
            .map_or(Found::Nothing, Found::Pattern)
    }
}

/// What matched a request's origin.
enum Found<'a> {
    /// An exact entry, with its prebuilt `Access-Control-Allow-Origin` value.
    Exact(&'a Exact),
    /// A subdomain pattern (its mark): the request's own value is echoed.
    Pattern(&'a Seen),
    Nothing,
}

impl PatternGroup {
    /// The mark of the pattern `origin` matches, if any.
    fn matches(&self, origin: &str) -> Option<&Seen> {
        let host = origin
            .strip_prefix(self.prefix)?
            .strip_suffix(&*self.port_suffix)?;
        if host.contains(':') {
            return None;
        }
        host.match_indices('.').find_map(|(dot, _)| {
            self.bases
                .get(&host[dot..])
                .filter(|_| is_subdomain_labels(&host[..dot]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> Allowlist {
        let entries: Vec<Entry> = entries
            .iter()
            .filter_map(|e| Entry::canonicalize(e).ok())
            .collect();
        Allowlist::new(&entries)
    }

    fn allowed(list: &Allowlist, origin: &str) -> bool {
        HeaderValue::from_str(origin).is_ok_and(|v| list.allow(&v, false).is_some())
    }

    #[test]
    fn exact_and_pattern_entries_agree_with_the_grammar() {
        let entries = [
            "https://app.example.com",
            "http://localhost:3000",
            "https://*.example.org",
            "http://*.dev.example.net:8080",
        ];
        let index = list(&entries);
        let parsed: Vec<Entry> = entries
            .iter()
            .filter_map(|e| Entry::canonicalize(e).ok())
            .collect();
        for origin in [
            "https://app.example.com",
            "https://app.example.com:443",
            "http://app.example.com",
            "http://localhost:3000",
            "http://localhost:3001",
            "https://a.example.org",
            "https://a.b.example.org",
            "https://example.org",
            "https://evilexample.org",
            "https://a.example.org.evil.net",
            "https://a.example.org:8443",
            "http://x.dev.example.net:8080",
            "http://x.dev.example.net",
            "https://x.dev.example.net:8080",
            "https://A.example.org",
            "https://a:1.example.org",
        ] {
            let expected = parsed.iter().any(|e| e.matches(origin));
            assert_eq!(allowed(&index, origin), expected, "{origin}");
        }
    }

    #[test]
    fn over_long_origins_are_refused_before_lookup() {
        let index = list(&["https://*.example.org"]);
        let long = format!("https://{}.example.org", "a".repeat(MAX_ORIGIN_LEN));
        assert!(!allowed(&index, &long));
    }

    #[test]
    fn allowed_exact_origin_reuses_the_prebuilt_value() {
        let index = list(&["https://app.example.com"]);
        let origin = HeaderValue::from_static("https://app.example.com");
        let allowed = index
            .allow(&origin, true)
            .map(|allowed| (allowed.value, allowed.first));
        assert_eq!(allowed, Some((origin.clone(), true)));
        let again = index.allow(&origin, true).map(|allowed| allowed.first);
        assert_eq!(again, Some(false), "first only once");
    }
}
