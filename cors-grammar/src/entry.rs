//! Allowlist entries: exact origins and subdomain patterns.

use std::fmt;

use url::{Host, Position, Url};

/// One entry of an origin allowlist, in the canonical form browsers send.
///
/// ```
/// use cors_grammar::Entry;
///
/// let exact = Entry::canonicalize("HTTPS://App.Example.com:443/").unwrap();
/// assert_eq!(exact.to_string(), "https://app.example.com");
///
/// let pattern = Entry::canonicalize("https://*.example.com").unwrap();
/// assert!(pattern.matches("https://api.example.com"));
/// assert!(!pattern.matches("https://example.com"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// An exact origin such as `https://app.example.com` or `http://[::1]:8080`.
    Origin(String),
    /// A subdomain pattern such as `https://*.example.com`.
    Pattern(Pattern),
}

/// A subdomain pattern: `scheme://*.base[:port]`.
///
/// It matches origins with the same scheme and port whose host is `base` with one or more labels in
/// front of it: never `base` itself, never a host that merely ends with the same characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    secure: bool,
    base: String,
    port: Option<u16>,
}

/// Why a string is not a valid allowlist entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryError {
    /// The entry is empty.
    Empty,
    /// The entry is `null`, which sandboxed documents and redirects send and any attacker can produce.
    Null,
    /// The entry holds several origins joined together (`https://a.example;https://b.example`).
    Joined,
    /// The entry has no `scheme://`.
    MissingScheme {
        /// The entry with `https://` in front, when that looks like what was meant.
        suggestion: Option<String>,
    },
    /// The scheme is not `http` or `https`.
    UnsupportedScheme(String),
    /// The entry contains whitespace or control characters.
    InvalidCharacter,
    /// The entry has a `user:password@` part.
    UserInfo,
    /// The entry has a path (an origin ends after the host and port).
    Path,
    /// The entry has a `?query`.
    Query,
    /// The entry has a `#fragment`.
    Fragment,
    /// A `*` that is not the whole leftmost label right after `scheme://`.
    MisplacedWildcard,
    /// A subdomain pattern whose base is an IP address.
    PatternOnIp,
    /// The host (or the port) cannot be parsed.
    InvalidHost(&'static str),
    /// The entry is valid but not written the way browsers send it (only for [`Entry::parse_canonical`]).
    NotCanonical {
        /// The canonical form to write instead.
        canonical: String,
        /// What differs, in words (`"uppercase letters"`, `"a trailing `/`"`, ...).
        reasons: Vec<&'static str>,
    },
}

impl Entry {
    /// Parses an entry that must already be canonical (the rule for literals in `#[cors(origins = [...])]`).
    ///
    /// ```
    /// use cors_grammar::{Entry, EntryError};
    ///
    /// assert!(Entry::parse_canonical("https://app.example.com").is_ok());
    /// match Entry::parse_canonical("https://app.example.com/") {
    ///     Err(EntryError::NotCanonical { canonical, .. }) => assert_eq!(canonical, "https://app.example.com"),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn parse_canonical(input: &str) -> Result<Entry, EntryError> {
        let entry = Entry::canonicalize(input)?;
        let canonical = entry.to_string();
        if canonical == input {
            Ok(entry)
        } else {
            let reasons = differences(input, &entry);
            Err(EntryError::NotCanonical { canonical, reasons })
        }
    }

    /// Parses an entry and brings it to canonical form the way a browser serialises an origin: lowercase
    /// scheme and host, default port dropped, IDN hosts in punycode, a lone trailing `/` dropped (the rule
    /// for entries read from the environment).
    pub fn canonicalize(input: &str) -> Result<Entry, EntryError> {
        if input.is_empty() {
            return Err(EntryError::Empty);
        }
        if input.eq_ignore_ascii_case("null") {
            return Err(EntryError::Null);
        }
        if input.matches("://").nth(1).is_some() {
            return Err(EntryError::Joined);
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EntryError::InvalidCharacter);
        }
        let Some((scheme, rest)) = input.split_once("://") else {
            return Err(EntryError::MissingScheme {
                suggestion: suggest_scheme(input),
            });
        };
        let secure = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else if scheme.is_empty() {
            return Err(EntryError::MissingScheme {
                suggestion: suggest_scheme(rest),
            });
        } else {
            return Err(EntryError::UnsupportedScheme(scheme.to_owned()));
        };

        let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        check_tail(tail)?;
        if authority.contains('@') {
            return Err(EntryError::UserInfo);
        }

        let (is_pattern, host_and_port) = match authority.strip_prefix("*.") {
            Some(base) => (true, base),
            None => (false, authority),
        };
        if host_and_port.contains('*') || (!is_pattern && authority.starts_with('*')) {
            return Err(EntryError::MisplacedWildcard);
        }

        let scheme = if secure { "https://" } else { "http://" };
        // Built by hand rather than with `format!`: lists of thousands of entries are canonicalised at
        // cold start, and the formatting machinery was a fifth of the cost of each.
        let mut text = String::with_capacity(scheme.len() + host_and_port.len());
        text.push_str(scheme);
        text.push_str(host_and_port);
        let url = Url::parse(&text).map_err(url_error)?;
        // The authority was checked above to hold no path, query, fragment or userinfo; a URL
        // parser that still finds one means the host itself smuggled it in (percent-encoding).
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(EntryError::InvalidHost("invalid host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EntryError::UserInfo);
        }
        // WHATWG URLs allow a few more ASCII characters in a host (`*`, `,`, `!`, `~`...), some of them
        // only after percent-decoding; in an allowlist they would be a wildcard or a separator in
        // disguise, and no real frontend is served from such a host.
        if let Some(Host::Domain(domain)) = url.host() {
            if !domain.bytes().all(|b| is_host_byte(b) || b == b'.') {
                return Err(EntryError::InvalidHost("invalid character in host"));
            }
        }
        if is_pattern {
            match url.host() {
                Some(Host::Domain(base)) if !base.is_empty() => Ok(Entry::Pattern(Pattern {
                    secure,
                    base: base.to_owned(),
                    port: url.port(),
                })),
                Some(Host::Domain(_)) | None => Err(EntryError::InvalidHost("empty host")),
                Some(Host::Ipv4(_) | Host::Ipv6(_)) => Err(EntryError::PatternOnIp),
            }
        } else {
            // For `http` and `https` the serialisation up to the path is the origin's ASCII
            // serialisation (the host already in punycode, a default port left out); reusing it saves
            // serialising the origin a second time.
            let origin_len = url[..Position::BeforePath].len();
            let mut origin = String::from(url);
            origin.truncate(origin_len);
            Ok(Entry::Origin(origin))
        }
    }

    /// The entry `input` most likely meant, given what is wrong with it: the canonical form of a
    /// non-canonical entry, the entry with `https://` in front when the scheme is missing, and a
    /// URL-shaped entry (`https://user@app.example.com/path?q#f`) cut to its origin.
    ///
    /// ```
    /// use cors_grammar::Entry;
    ///
    /// let fix = |input| Entry::fix(input, &Entry::parse_canonical(input).unwrap_err());
    /// assert_eq!(fix("https://app.example.com/login").as_deref(), Some("https://app.example.com"));
    /// assert_eq!(fix("https://App.example.com").as_deref(), Some("https://app.example.com"));
    /// assert_eq!(fix("app.example.com").as_deref(), Some("https://app.example.com"));
    /// assert_eq!(fix("null"), None);
    /// ```
    pub fn fix(input: &str, error: &EntryError) -> Option<String> {
        match error {
            EntryError::NotCanonical { canonical, .. } => Some(canonical.clone()),
            EntryError::MissingScheme { suggestion } => suggestion.clone(),
            EntryError::UserInfo | EntryError::Path | EntryError::Query | EntryError::Fragment => {
                let (scheme, rest) = input.split_once("://")?;
                let authority = &rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())];
                let host = authority
                    .rsplit_once('@')
                    .map_or(authority, |(_, host)| host);
                let mut origin = String::with_capacity(scheme.len() + 3 + host.len());
                origin.push_str(scheme);
                origin.push_str("://");
                origin.push_str(host);
                Entry::canonicalize(&origin)
                    .ok()
                    .map(|entry| entry.to_string())
            }
            _ => None,
        }
    }

    /// Whether `origin` (the exact bytes of a request's `Origin` header) is allowed by this entry.
    ///
    /// This is the reference rule; `cors-runtime` answers the same question from an index.
    pub fn matches(&self, origin: &str) -> bool {
        match self {
            Entry::Origin(exact) => exact == origin,
            Entry::Pattern(pattern) => pattern.matches(origin),
        }
    }
}

impl Pattern {
    /// `"https"` or `"http"`.
    pub fn scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// The domain the pattern's subdomains live under, e.g. `example.com` for `https://*.example.com`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether the base is a public suffix (`com`, `github.io`, `s3-website.us-east-1.amazonaws.com`...)
    /// on the Public Suffix List: anyone can register a site under it, so with credentials the pattern
    /// would hand users' data to strangers. Unlisted single labels (`localhost`, `internal`) are not.
    ///
    /// ```
    /// use cors_grammar::{Entry, Pattern};
    ///
    /// let pattern = |text| match Entry::canonicalize(text) {
    ///     Ok(Entry::Pattern(p)) => p,
    ///     _ => unreachable!(),
    /// };
    /// assert!(pattern("https://*.github.io").base_is_public_suffix());
    /// assert!(!pattern("https://*.example.com").base_is_public_suffix());
    /// ```
    pub fn base_is_public_suffix(&self) -> bool {
        crate::suffix::is_public_suffix(&self.base)
    }

    /// The explicit port, `None` for the scheme's default port.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Whether `origin` is a subdomain of this pattern's base with the same scheme and port.
    ///
    /// ```
    /// use cors_grammar::{Entry, Pattern};
    ///
    /// let Ok(Entry::Pattern(p)) = Entry::canonicalize("https://*.example.com") else { unreachable!() };
    /// assert!(p.matches("https://a.b.example.com"));
    /// assert!(!p.matches("https://evilexample.com"));
    /// assert!(!p.matches("https://example.com.evil.net"));
    /// assert!(!p.matches("http://a.example.com"));
    /// assert!(!p.matches("https://a.example.com:8443"));
    /// ```
    pub fn matches(&self, origin: &str) -> bool {
        let Some(rest) = origin
            .strip_prefix(self.scheme())
            .and_then(|rest| rest.strip_prefix("://"))
        else {
            return false;
        };
        let host = match self.port {
            None => rest,
            Some(port) => match rest.rsplit_once(':') {
                Some((host, p)) if is_port(p, port) => host,
                _ => return false,
            },
        };
        match host.strip_suffix(self.base.as_str()) {
            Some(labels) => labels.strip_suffix('.').is_some_and(is_subdomain_labels),
            None => false,
        }
    }
}

/// Whether `text` is `port` written the way browsers write it: decimal digits, no sign, no leading zero.
fn is_port(text: &str, port: u16) -> bool {
    !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()) && text.parse() == Ok(port)
}

/// Whether `labels` (the part of a host in front of a pattern's base, without the joining dot) is one
/// or more labels as a browser serialises them: lowercase letters, digits, `-` and `_`, no empty label.
///
/// Anything else (uppercase, `:`, `/`, `@`, a trailing dot, non-ASCII) cannot come from a browser's
/// serialisation of a host, so it is refused rather than guessed at. So is an `xn--` label that is not
/// valid punycode: a browser's URL parser rejects it, so only a forged `Origin` can carry it.
pub fn is_subdomain_labels(labels: &str) -> bool {
    !labels.is_empty()
        && labels.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(is_host_byte)
                && (!label.starts_with("xn--") || is_valid_punycode(label))
        })
}

/// A byte of a canonical domain label: lowercase letters, digits, `-` and `_`.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
}

/// Whether an `xn--` label decodes and re-encodes to itself, as it must to come from a browser.
fn is_valid_punycode(label: &str) -> bool {
    idna::domain_to_ascii(label).is_ok_and(|ascii| ascii == label)
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Origin(origin) => f.write_str(origin),
            Entry::Pattern(pattern) => pattern.fmt(f),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://*.{}", self.scheme(), self.base)?;
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

impl EntryError {
    /// How to fix the entry, when there is a likely fix.
    pub fn help(&self) -> Option<String> {
        match self {
            EntryError::MissingScheme { suggestion: Some(s) } => Some(format!("write `{s}`")),
            EntryError::MissingScheme { suggestion: None } => {
                Some("write the origin as `https://host` or `http://host:port`".to_owned())
            }
            EntryError::NotCanonical { canonical, .. } => Some(format!("write `{canonical}`")),
            EntryError::MisplacedWildcard => Some(
                "a wildcard must be the whole leftmost label, as in `https://*.example.com`".to_owned(),
            ),
            EntryError::Joined => Some(
                "separate entries with spaces or commas, one origin per entry".to_owned(),
            ),
            EntryError::Path | EntryError::Query | EntryError::Fragment => {
                Some("an origin is only `scheme://host[:port]`".to_owned())
            }
            EntryError::Null => Some(
                "remove it: any page can send `Origin: null` (sandboxed iframes, `data:` URLs, redirects)"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryError::Empty => f.write_str("empty origin"),
            EntryError::Null => f.write_str("`null` is never an allowed origin"),
            EntryError::Joined => f.write_str("this is several origins joined into one entry"),
            EntryError::MissingScheme { .. } => {
                f.write_str("missing `https://` or `http://` scheme")
            }
            EntryError::UnsupportedScheme(scheme) => {
                write!(
                    f,
                    "unsupported scheme `{scheme}`: only `http` and `https` origins can use CORS"
                )
            }
            EntryError::InvalidCharacter => {
                f.write_str("whitespace or control character in origin")
            }
            EntryError::UserInfo => f.write_str("an origin cannot contain `user:password@`"),
            EntryError::Path => f.write_str("an origin cannot have a path"),
            EntryError::Query => f.write_str("an origin cannot have a `?query`"),
            EntryError::Fragment => f.write_str("an origin cannot have a `#fragment`"),
            EntryError::MisplacedWildcard => {
                f.write_str("`*` is only allowed as `scheme://*.domain`")
            }
            EntryError::PatternOnIp => {
                f.write_str("a subdomain pattern needs a domain, not an IP address")
            }
            EntryError::InvalidHost(why) => write!(f, "{why}"),
            EntryError::NotCanonical { reasons, .. } => {
                f.write_str("not written the way browsers send it: it has ")?;
                f.write_str(&reasons.join(" and "))
            }
        }
    }
}

impl std::error::Error for EntryError {}

fn check_tail(tail: &str) -> Result<(), EntryError> {
    let after_slash = tail.strip_prefix('/').unwrap_or(tail);
    match after_slash.bytes().next() {
        None if tail.is_empty() || tail == "/" => Ok(()),
        Some(b'?') => Err(EntryError::Query),
        Some(b'#') => Err(EntryError::Fragment),
        _ => Err(EntryError::Path),
    }
}

fn url_error(error: url::ParseError) -> EntryError {
    EntryError::InvalidHost(match error {
        url::ParseError::EmptyHost => "empty host",
        url::ParseError::InvalidPort => "invalid port number",
        url::ParseError::InvalidIpv4Address => "invalid IPv4 address",
        url::ParseError::InvalidIpv6Address => "invalid IPv6 address",
        url::ParseError::IdnaError => "invalid international domain name",
        url::ParseError::InvalidDomainCharacter => "invalid character in host",
        _ => "invalid host",
    })
}

/// `https://` + the input, when the input looks like a bare host (`app.example.com`, `*.example.com`,
/// `localhost:3000`).
fn suggest_scheme(input: &str) -> Option<String> {
    let host = input.trim_end_matches('/');
    let hostlike = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'*' | b':'));
    hostlike.then(|| format!("https://{}", host.to_ascii_lowercase()))
}

/// Why `input` differs from its canonical form, in words for an error message.
fn differences(input: &str, entry: &Entry) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    let authority = input.split_once("://").map_or(input, |(_, rest)| rest);
    let before_path =
        input.len() - authority.len() + authority.find('/').unwrap_or(authority.len());
    let head = &input[..before_path];
    if head.bytes().any(|b| b.is_ascii_uppercase()) {
        reasons.push("uppercase letters (browsers send scheme and host in lowercase)");
    }
    if !head.is_ascii() {
        reasons.push("a Unicode host (browsers send international domain names in punycode)");
    }
    if input.ends_with('/') {
        reasons.push("a trailing `/` (an origin has no path)");
    }
    let default_port = if input.to_ascii_lowercase().starts_with("https") {
        ":443"
    } else {
        ":80"
    };
    if head.ends_with(default_port) && !entry.to_string().ends_with(default_port) {
        reasons.push(if default_port == ":443" {
            "the default port `:443` (browsers omit it)"
        } else {
            "the default port `:80` (browsers omit it)"
        });
    }
    if reasons.is_empty() {
        reasons.push("a host or port in a non-canonical spelling");
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(input: &str) -> String {
        match Entry::canonicalize(input) {
            Ok(entry) => entry.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn canonicalizes_like_a_browser() {
        assert_eq!(
            canonical("HTTPS://App.Example.COM"),
            "https://app.example.com"
        );
        assert_eq!(
            canonical("https://app.example.com:443"),
            "https://app.example.com"
        );
        assert_eq!(canonical("http://localhost:80/"), "http://localhost");
        assert_eq!(canonical("http://localhost:3000"), "http://localhost:3000");
        assert_eq!(
            canonical("https://bücher.example"),
            "https://xn--bcher-kva.example"
        );
        assert_eq!(canonical("http://[0:0::1]:8080"), "http://[::1]:8080");
        assert_eq!(
            canonical("https://*.Example.com:8443"),
            "https://*.example.com:8443"
        );
        assert_eq!(
            canonical("https://*.example.com:443/"),
            "https://*.example.com"
        );
    }

    #[test]
    fn refuses_what_is_not_an_origin() {
        let cases: &[(&str, EntryError)] = &[
            ("", EntryError::Empty),
            ("null", EntryError::Null),
            ("NULL", EntryError::Null),
            (
                "ftp://example.com",
                EntryError::UnsupportedScheme("ftp".into()),
            ),
            ("https://user@example.com", EntryError::UserInfo),
            ("https://u:p@example.com", EntryError::UserInfo),
            ("https://example.com/app", EntryError::Path),
            ("https://example.com//", EntryError::Path),
            ("https://example.com\\", EntryError::Path),
            ("https://example.com?x", EntryError::Query),
            ("https://example.com/?x", EntryError::Query),
            ("https://example.com#x", EntryError::Fragment),
            ("https://*example.com", EntryError::MisplacedWildcard),
            ("https://a.*.com", EntryError::MisplacedWildcard),
            ("https://*.*.com", EntryError::MisplacedWildcard),
            ("https://*", EntryError::MisplacedWildcard),
            (
                "*",
                EntryError::MissingScheme {
                    suggestion: Some("https://*".into()),
                },
            ),
            ("https://*.10.0.0.1", EntryError::PatternOnIp),
            (
                "https://example.com:99999",
                EntryError::InvalidHost("invalid port number"),
            ),
            ("https://", EntryError::InvalidHost("empty host")),
            ("https://exa mple.com", EntryError::InvalidCharacter),
            (
                "http://localhost:8000;http://localhost:8001",
                EntryError::Joined,
            ),
            ("https://a.example,https://b.example", EntryError::Joined),
            (
                "https://a%2Ab.example",
                EntryError::InvalidHost("invalid character in host"),
            ),
            (
                "https://a%2Cb.example",
                EntryError::InvalidHost("invalid character in host"),
            ),
            (
                "https://*.x%2a.example",
                EntryError::InvalidHost("invalid character in host"),
            ),
            (
                "https://a!b.example",
                EntryError::InvalidHost("invalid character in host"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Entry::canonicalize(input).as_ref(),
                Err(expected),
                "{input:?}"
            );
        }
        assert!(matches!(
            Entry::canonicalize("*.example.com"),
            Err(EntryError::MissingScheme { suggestion: Some(s) }) if s == "https://*.example.com"
        ));
        assert!(matches!(
            Entry::canonicalize("app.example.com"),
            Err(EntryError::MissingScheme { suggestion: Some(s) }) if s == "https://app.example.com"
        ));
    }

    #[test]
    fn strict_parsing_names_what_is_not_canonical() {
        let reasons = |input: &str| match Entry::parse_canonical(input) {
            Err(EntryError::NotCanonical { canonical, reasons }) => (canonical, reasons),
            other => panic!("{input}: {other:?}"),
        };
        let (fix, why) = reasons("https://App.example.com");
        assert_eq!(fix, "https://app.example.com");
        assert!(why[0].starts_with("uppercase"));
        let (fix, why) = reasons("https://example.com:443");
        assert_eq!(fix, "https://example.com");
        assert!(why[0].contains(":443"));
        let (fix, why) = reasons("http://example.com:80");
        assert_eq!(fix, "http://example.com");
        assert!(why[0].contains(":80"));
        let (_, why) = reasons("https://example.com/");
        assert!(why[0].contains("trailing"));
        let (fix, why) = reasons("https://bücher.example");
        assert_eq!(fix, "https://xn--bcher-kva.example");
        assert!(why[0].contains("Unicode"));
        assert!(Entry::parse_canonical("http://[::1]:8080").is_ok());
        assert!(Entry::parse_canonical("https://*.example.com").is_ok());
    }

    #[test]
    fn public_suffix_bases_are_recognised() {
        let base_is_suffix = |text: &str| match Entry::canonicalize(text) {
            Ok(Entry::Pattern(p)) => p.base_is_public_suffix(),
            other => panic!("{text}: {other:?}"),
        };
        for suffix in [
            "https://*.com",
            "https://*.co.uk",
            "https://*.github.io",
            "https://*.s3-website.us-east-1.amazonaws.com",
            "http://*.com:8080",
        ] {
            assert!(base_is_suffix(suffix), "{suffix}");
        }
        for domain in [
            "https://*.example.com",
            "https://*.app.github.io",
            "https://*.example.co.uk",
            "http://*.localhost",
            "https://*.internal",
        ] {
            assert!(!base_is_suffix(domain), "{domain}");
        }
    }

    #[test]
    fn patterns_match_only_real_subdomains() {
        let Ok(Entry::Pattern(p)) = Entry::canonicalize("https://*.example.com") else {
            panic!("pattern")
        };
        for allowed in [
            "https://a.example.com",
            "https://a-b.c.example.com",
            "https://x_y.example.com",
        ] {
            assert!(p.matches(allowed), "{allowed}");
        }
        for refused in [
            "https://example.com",
            "https://.example.com",
            "https://a..example.com",
            "https://evilexample.com",
            "https://example.com.evil.net",
            "https://a.example.com.",
            "https://A.example.com",
            "https://a.example.com:443",
            "https://a.example.com/",
            "http://a.example.com",
            "https://a@b.example.com",
            "https://a:b.example.com",
            "https://xn--a.example.com",
            "https://xn--.example.com",
        ] {
            assert!(!p.matches(refused), "{refused}");
        }
        let Ok(Entry::Pattern(p)) = Entry::canonicalize("http://*.example.com:8080") else {
            panic!("pattern")
        };
        assert!(p.matches("http://a.example.com:8080"));
        assert!(!p.matches("http://a.example.com"));
        assert!(!p.matches("http://a.example.com:08080"));
        assert!(!p.matches("http://a.example.com:+8080"));
        assert!(!p.matches("http://a.example.com:8081"));
    }
}
