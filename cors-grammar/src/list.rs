//! Origin lists as written in an environment variable.

use std::collections::HashMap;
use std::fmt;

use crate::rules::{SharedBase, credentialed_entry_problem};
use crate::{Entry, EntryError};

/// An origin list read from text: either `*` or canonical entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginList {
    /// The whole list is `*`: any origin, without credentials.
    Any,
    /// One or more canonical entries, without duplicates, in the order written.
    Entries(Vec<Entry>),
}

/// Why an origin list is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListError {
    /// No entries: the text is empty or only separators.
    Empty,
    /// `*` next to other entries; `*` must be the whole list.
    WildcardWithOthers,
    /// One entry is invalid.
    Entry {
        /// The entry as written.
        entry: String,
        /// What is wrong with it.
        error: EntryError,
    },
    /// The list is `*` but the policy allows credentials.
    WildcardWithCredentials,
    /// With credentials, a subdomain pattern whose base strangers get names under.
    CredentialedPattern {
        /// The entry, canonical.
        entry: String,
        /// Why its base is shared.
        shared: SharedBase,
    },
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListError::Empty => f.write_str("the list is empty"),
            ListError::WildcardWithOthers => {
                f.write_str("`*` must be the whole list, not one entry among others")
            }
            ListError::Entry { entry, error } => {
                write!(f, "entry `{}`: {error}", entry.escape_debug())?;
                match error.help() {
                    Some(help) => write!(f, "; {help}"),
                    None => Ok(()),
                }
            }
            ListError::WildcardWithCredentials => f.write_str(
                "the list is `*`, but the policy allows credentials: browsers refuse \
                 `Access-Control-Allow-Origin: *` on credentialed requests; list the allowed origins",
            ),
            ListError::CredentialedPattern { entry, shared } => write!(
                f,
                "entry `{entry}` cannot be combined with credentials: {shared}; {}",
                shared.help()
            ),
        }
    }
}

impl std::error::Error for ListError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ListError::Entry { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Splits a list on commas and ASCII whitespace, skipping empty items.
///
/// ```
/// let items: Vec<_> = cors_grammar::split_list(" https://a.example, https://b.example\n,,").collect();
/// assert_eq!(items, ["https://a.example", "https://b.example"]);
/// ```
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|item| !item.is_empty())
}

/// Parses an origin list, canonicalising each entry like a browser would ([`Entry::canonicalize`]).
///
/// ```
/// use cors_grammar::{parse_list, OriginList};
///
/// let Ok(OriginList::Entries(entries)) = parse_list("https://App.example.com/ https://*.example.org") else {
///     unreachable!()
/// };
/// assert_eq!(entries[0].to_string(), "https://app.example.com");
/// assert_eq!(parse_list("*"), Ok(OriginList::Any));
/// assert!(parse_list("https://a.example.com/path").is_err());
/// ```
pub fn parse_list(text: &str) -> Result<OriginList, ListError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut wildcard = false;
    for item in split_list(text) {
        if item == "*" {
            wildcard = true;
            continue;
        }
        let entry = Entry::canonicalize(item).map_err(|error| ListError::Entry {
            entry: item.to_owned(),
            error,
        })?;
        entries.push(entry);
    }
    dedup(&mut entries);
    match (wildcard, entries.is_empty()) {
        (true, true) => Ok(OriginList::Any),
        (true, false) => Err(ListError::WildcardWithOthers),
        (false, true) => Err(ListError::Empty),
        (false, false) => Ok(OriginList::Entries(entries)),
    }
}

/// Parses an environment list for a policy, applying the rules credentials add: the list cannot be
/// `*`, and no subdomain pattern may sit under a base strangers get names under (see
/// [`credentialed_entry_problem`]).
///
/// ```
/// use cors_grammar::{check_env_list, ListError, OriginList};
///
/// assert_eq!(check_env_list("*", false), Ok(OriginList::Any));
/// assert_eq!(check_env_list("*", true), Err(ListError::WildcardWithCredentials));
/// assert!(matches!(check_env_list("https://*.github.io", true), Err(ListError::CredentialedPattern { .. })));
/// assert!(check_env_list("https://*.me.github.io", true).is_ok());
/// ```
pub fn check_env_list(text: &str, credentials: bool) -> Result<OriginList, ListError> {
    let list = parse_list(text)?;
    if !credentials {
        return Ok(list);
    }
    match &list {
        OriginList::Any => Err(ListError::WildcardWithCredentials),
        OriginList::Entries(entries) => {
            for entry in entries {
                if let Some(shared) = credentialed_entry_problem(entry) {
                    return Err(ListError::CredentialedPattern {
                        entry: entry.to_string(),
                        shared,
                    });
                }
            }
            Ok(list)
        }
    }
}

/// What an `origins_from` source answered, after the rules: the list it allows and the entries it
/// skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceList {
    /// The answer was exactly `*` (without credentials): any origin.
    pub any: bool,
    /// The canonical entries kept, without duplicates, in the order answered. Empty when the source
    /// answered nothing: a policy then allows no origin until the next load.
    pub entries: Vec<Entry>,
    /// Why each skipped entry was skipped, in the order answered.
    pub skipped: Vec<ListError>,
}

/// Checks what an `origins_from` source answered, one item per entry (surrounding ASCII whitespace is
/// ignored, empty items are dropped).
///
/// A source is a table of many owners' rows (a tenant's custom domain, say), so one bad row must not
/// close the policy for everyone: an invalid entry, a `*` among other entries, and (with credentials)
/// a pattern under a shared base are skipped, each reported in [`SourceList::skipped`]. The answer as
/// a whole is refused only when nothing of it can be used: every item was skipped, or the answer is
/// exactly `*` and the policy allows credentials. Exactly `*` without credentials means any origin,
/// as in an environment list.
///
/// ```
/// use cors_grammar::{check_source_list, ListError};
///
/// let list = check_source_list(["https://App.example.com", "not an origin", "https://b.example"], true)?;
/// assert_eq!(list.entries.len(), 2);
/// assert_eq!(list.skipped.len(), 1);
/// assert!(check_source_list(["*"], false)?.any);
/// assert_eq!(check_source_list(["*"], true), Err(ListError::WildcardWithCredentials));
/// assert!(check_source_list(["ftp://x.example"], false).is_err());
/// assert!(check_source_list(Vec::<&str>::new(), true)?.entries.is_empty());
/// # Ok::<(), ListError>(())
/// ```
pub fn check_source_list<'a, I>(items: I, credentials: bool) -> Result<SourceList, ListError>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut entries: Vec<Entry> = Vec::new();
    let mut skipped = Vec::new();
    let mut wildcards = 0;
    let mut written = 0;
    for item in items {
        let item = item.trim_matches(|c: char| c.is_ascii_whitespace());
        if item.is_empty() {
            continue;
        }
        written += 1;
        if item == "*" {
            wildcards += 1;
            continue;
        }
        let entry = match Entry::canonicalize(item) {
            Ok(entry) => entry,
            Err(error) => {
                skipped.push(ListError::Entry {
                    entry: item.to_owned(),
                    error,
                });
                continue;
            }
        };
        if credentials {
            if let Some(shared) = credentialed_entry_problem(&entry) {
                skipped.push(ListError::CredentialedPattern {
                    entry: entry.to_string(),
                    shared,
                });
                continue;
            }
        }
        entries.push(entry);
    }
    if wildcards > 0 && wildcards == written {
        if credentials {
            return Err(ListError::WildcardWithCredentials);
        }
        return Ok(SourceList {
            any: true,
            entries: Vec::new(),
            skipped,
        });
    }
    if wildcards > 0 {
        skipped.push(ListError::WildcardWithOthers);
    }
    if entries.is_empty() && written > 0 {
        return Err(skipped.into_iter().next().unwrap_or(ListError::Empty));
    }
    dedup(&mut entries);
    Ok(SourceList {
        any: false,
        entries,
        skipped,
    })
}

/// Drops repeated entries, keeping the first of each.
fn dedup(entries: &mut Vec<Entry>) {
    let mut first = first_of_each(entries).into_iter();
    entries.retain(|_| first.next().flatten().is_none());
}

/// For each entry, the index of an earlier entry equal to it (`None` for the first of each), in linear
/// time: lists of thousands of origins are checked at cold start, where a pairwise comparison would cost
/// milliseconds.
pub(crate) fn first_of_each(entries: &[Entry]) -> Vec<Option<usize>> {
    let mut seen: HashMap<&Entry, usize> = HashMap::with_capacity(entries.len());
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| match seen.entry(entry) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_commas_and_ascii_whitespace_only() {
        let items: Vec<_> = split_list("a,b c\td\ne\r,f").collect();
        assert_eq!(items, ["a", "b", "c", "d", "e", "f"]);
        // A non-ASCII space is not a separator: it stays in the item, which is then refused.
        assert_eq!(split_list("a\u{a0}b").count(), 1);
    }

    #[test]
    fn empty_lists_and_mixed_wildcards_are_refused() {
        assert_eq!(parse_list(""), Err(ListError::Empty));
        assert_eq!(parse_list(" , \n"), Err(ListError::Empty));
        assert_eq!(
            parse_list("* https://a.example"),
            Err(ListError::WildcardWithOthers)
        );
        assert_eq!(parse_list(" * "), Ok(OriginList::Any));
        assert_eq!(parse_list("*,*"), Ok(OriginList::Any));
    }

    #[test]
    fn the_first_invalid_entry_is_named() {
        let err = parse_list("https://ok.example http://bad.example/x https://null").map(|_| ());
        assert_eq!(
            err,
            Err(ListError::Entry {
                entry: "http://bad.example/x".into(),
                error: EntryError::Path
            })
        );
        let text = match parse_list("null") {
            Err(e) => e.to_string(),
            Ok(_) => String::new(),
        };
        assert!(text.contains("`null`"), "{text}");
    }

    #[test]
    fn duplicates_after_canonicalisation_are_kept_once() {
        let list = parse_list("https://a.example https://A.example:443/");
        assert_eq!(
            list,
            Ok(OriginList::Entries(vec![Entry::Origin(
                "https://a.example".into()
            )]))
        );
    }

    #[test]
    fn repeated_entries_keep_the_first_position() {
        let list = parse_list(
            "https://b.example https://a.example https://b.example:443 https://c.example",
        );
        let Ok(OriginList::Entries(entries)) = list else {
            panic!("{list:?}");
        };
        let origins: Vec<String> = entries.iter().map(ToString::to_string).collect();
        assert_eq!(
            origins,
            [
                "https://b.example",
                "https://a.example",
                "https://c.example"
            ]
        );
    }
}
