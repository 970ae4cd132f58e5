//! The origin index a policy matches request origins against.

use std::collections::{HashMap, HashSet};

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
    exact: HashMap<Box<[u8]>, HeaderValue, RandomState>,
    patterns: Vec<PatternGroup>,
}

/// Patterns sharing a scheme and port, keyed by `.base`.
#[derive(Clone, Debug)]
struct PatternGroup {
    prefix: &'static str,
    port_suffix: Box<str>,
    bases: HashSet<Box<str>, RandomState>,
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
                        exact.insert(origin.as_bytes().into(), value);
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
                            group.bases.insert(base);
                        }
                        None => {
                            let mut bases = HashSet::default();
                            bases.insert(base);
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
        for value in self.exact.values_mut() {
            *value = crate::statics::leak(value);
        }
    }

    /// The value to send in `Access-Control-Allow-Origin` when `origin` is allowed: the stored value
    /// for an exact entry, the request's own value for a pattern.
    pub(crate) fn allow(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        match self.find(origin) {
            Found::Exact(stored) => Some(stored.clone()),
            Found::Pattern => Some(origin.clone()),
            Found::Nothing => None,
        }
    }

    /// Whether `origin` is allowed, without building any value.
    pub(crate) fn contains(&self, origin: &HeaderValue) -> bool {
        !matches!(self.find(origin), Found::Nothing)
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
        if let Some(value) = self.exact.get(bytes) {
            return Found::Exact(value);
        }
        if self.patterns.is_empty() {
            return Found::Nothing;
        }
        // Non-ASCII bytes never occur in a browser's origin serialisation.
        match std::str::from_utf8(bytes) {
            Ok(origin) if self.patterns.iter().any(|group| group.matches(origin)) => Found::Pattern,
            _ => Found::Nothing,
        }
    }
}

/// What matched a request's origin.
enum Found<'a> {
    /// An exact entry, with its prebuilt `Access-Control-Allow-Origin` value.
    Exact(&'a HeaderValue),
    /// A subdomain pattern: the request's own value is echoed.
    Pattern,
    Nothing,
}

impl PatternGroup {
    fn matches(&self, origin: &str) -> bool {
        let Some(rest) = origin.strip_prefix(self.prefix) else {
            return false;
        };
        let Some(host) = rest.strip_suffix(&*self.port_suffix) else {
            return false;
        };
        if host.contains(':') {
            return false;
        }
        host.match_indices('.')
            .any(|(dot, _)| self.bases.contains(&host[dot..]) && is_subdomain_labels(&host[..dot]))
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
        HeaderValue::from_str(origin).is_ok_and(|v| list.allow(&v).is_some())
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
        assert_eq!(index.allow(&origin), Some(origin));
    }
}
