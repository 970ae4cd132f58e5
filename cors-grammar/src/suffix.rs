//! The Public Suffix List, in the form every Lambda binary can afford: one 5-byte hash per rule, sorted
//! (`suffix/rules.bin`, about 52 KB), searched by bisection. The list is only consulted when a
//! credentialed policy with a subdomain pattern is built, so a lookup's cost does not matter; its size
//! does (the `psl` crate compiles the list into about 650 KB of code).
//!
//! The table is generated from the list the `psl` crate ships (`data/rules.txt` of the version
//! `Cargo.lock` pins as this crate's dev-dependency), never edited by hand:
//!
//! ```text
//! CORS_REGENERATE_SUFFIXES=1 cargo test -p cors-grammar suffix
//! ```
//!
//! The tests check that the checked-in table is exactly what that produces, and that it agrees with the
//! `psl` crate on every rule of the list. A hash that is not a rule's matches one by chance with
//! probability about 10⁻⁸ per lookup; the error is then a refused pattern, never an allowed one.

/// Bytes per rule: the low 40 bits of the rule's FNV-1a hash, big-endian so byte order is number order.
const WIDTH: usize = 5;

static TABLE: &[u8] = include_bytes!("suffix/rules.bin");

/// Whether `domain` (lowercase ASCII, punycode for international names) is a public suffix: the list's
/// rule for it makes it one (`com`, `github.io`), or a wildcard rule does (`*.ck` for `a.ck`), and no
/// exception rule undoes it (`!www.ck`).
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    if contains(b"!", domain) {
        return false;
    }
    if contains(b"", domain) {
        return true;
    }
    match domain.split_once('.') {
        Some((_, parent)) => contains(b"*.", parent),
        None => false,
    }
}

/// Whether the rule `prefix` + `domain` is in the table.
fn contains(prefix: &[u8], domain: &str) -> bool {
    let key = hash(prefix.iter().chain(domain.as_bytes()).copied());
    let (mut low, mut high) = (0, TABLE.len() / WIDTH);
    while low < high {
        let middle = low + (high - low) / 2;
        let entry = &TABLE[middle * WIDTH..(middle + 1) * WIDTH];
        match entry.cmp(&key[..]) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// FNV-1a, 64 bits, of `bytes`, cut to [`WIDTH`] big-endian bytes.
fn hash(bytes: impl Iterator<Item = u8>) -> [u8; WIDTH] {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let bytes = hash.to_be_bytes();
    let mut key = [0; WIDTH];
    key.copy_from_slice(&bytes[bytes.len() - WIDTH..]);
    key
}

#[cfg(test)]
mod tests {
    // `unwrap`/`expect` here fail the test on a missing list or a broken fixture.
    use super::*;

    /// The rules of the list the `psl` dev-dependency ships, as written (Unicode for international ones).
    fn rules() -> Vec<String> {
        let metadata = std::process::Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo metadata runs");
        let json = String::from_utf8(metadata.stdout).expect("cargo metadata prints UTF-8");
        let manifest = json
            .split("\"manifest_path\":\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|path| path.contains("/psl-2.") && path.ends_with("/Cargo.toml"))
            .expect("the psl crate is in the lock file");
        let list = std::path::Path::new(manifest)
            .with_file_name("data")
            .join("rules.txt");
        std::fs::read_to_string(&list)
            .unwrap_or_else(|error| panic!("{}: {error}", list.display()))
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .map(str::to_owned)
            .collect()
    }

    /// A rule as the table holds it: its marker (`!`, `*.`) and the domain in lowercase ASCII.
    fn ascii(rule: &str) -> String {
        let (marker, domain) = match rule.strip_prefix('!') {
            Some(domain) => ("!", domain),
            None => match rule.strip_prefix("*.") {
                Some(domain) => ("*.", domain),
                None => ("", rule),
            },
        };
        let domain = idna::domain_to_ascii(domain).unwrap_or_else(|_| domain.to_ascii_lowercase());
        format!("{marker}{domain}")
    }

    fn generate(rules: &[String]) -> Vec<u8> {
        let mut keys: Vec<[u8; WIDTH]> =
            rules.iter().map(|rule| hash(ascii(rule).bytes())).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.concat()
    }

    #[test]
    fn the_table_is_generated_from_the_list() {
        let generated = generate(&rules());
        if std::env::var_os("CORS_REGENERATE_SUFFIXES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/suffix/rules.bin");
            std::fs::write(path, &generated).expect("write the table");
        }
        assert!(
            generated == TABLE,
            "src/suffix/rules.bin is not what the list generates: run \
             `CORS_REGENERATE_SUFFIXES=1 cargo test -p cors-grammar suffix`"
        );
    }

    /// What the `psl` crate says: `domain` is a known suffix, and the whole of it.
    fn psl_says(domain: &str) -> bool {
        psl::suffix(domain.as_bytes())
            .is_some_and(|suffix| suffix.is_known() && suffix.as_bytes() == domain.as_bytes())
    }

    #[test]
    fn agrees_with_the_psl_crate_on_every_rule() {
        let rules = rules();
        let listed: std::collections::HashSet<String> =
            rules.iter().map(|rule| ascii(rule)).collect();
        assert!(rules.len() > 9000, "{} rules", rules.len());
        let (mut checked, mut departures) = (0, 0);
        for rule in &rules {
            let written = rule.trim_start_matches('!').trim_start_matches("*.");
            let domain = ascii(written);
            // The rule's own domain, and for a wildcard one a name it covers.
            let mut domains = vec![domain.clone()];
            if rule.starts_with("*.") {
                domains.push(format!("cors-grammar-test.{domain}"));
            }
            for domain in domains {
                let (ours, theirs) = (is_public_suffix(&domain), psl_says(&domain));
                if ours != theirs {
                    // One case where the psl crate departs from the list's algorithm
                    // (https://publicsuffix.org/list/, "Algorithm"): a name a wildcard rule matches is a
                    // public suffix, also when a longer wildcard rule sits below it (`*.futurecms.at`
                    // makes `ex.futurecms.at` one; `*.ex.futurecms.at` is then about its subdomains).
                    // The crate's trie stops at `ex` and answers no. We follow the algorithm, which
                    // refuses more credentialed patterns, never fewer.
                    let parent = domain
                        .split_once('.')
                        .map(|(_, parent)| parent)
                        .unwrap_or_default();
                    let wildcard = format!("*.{parent}");
                    assert!(
                        ours && !theirs && listed.contains(&wildcard),
                        "rule {rule:?}: {domain}: ours {ours}, psl {theirs}"
                    );
                    departures += 1;
                }
                checked += 1;
            }
        }
        // And names that are no rule's.
        for domain in [
            "example.com",
            "app.example.co.uk",
            "localhost",
            "internal",
            "a.b.c.d.example",
        ] {
            assert_eq!(is_public_suffix(domain), psl_says(domain), "{domain}");
        }
        assert!(checked >= rules.len());
        // 22 in the list of psl 2.1.247: a new list may change the number, never the kind.
        assert!(
            departures < 50,
            "{departures} departures from the psl crate"
        );
    }
}
