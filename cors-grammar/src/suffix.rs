//! The Public Suffix List, in the form every Lambda binary can afford: the 40-bit hash of every rule,
//! sorted and stored as Rice-coded gaps (`suffix/rules.bin`, about 37 KB), with a sparse index to
//! start decoding near a key. The list is consulted when a credentialed policy with a subdomain pattern
//! is built, and once per allowed origin for the cross-site warning ([`registrable_domain`]), so a
//! lookup's cost hardly matters; its size does (the `psl` crate compiles the list into about 650 KB of
//! code).
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
//!
//! Layout of the table: the number of hashes (4 bytes), the number of index entries (4 bytes); the index,
//! one entry per [`STRIDE`] hashes: the hash that starts the stretch (5 bytes) and the bit of the stream
//! where the next gap starts (4 bytes); then the stream: each gap to the previous hash as `gap >> K` in
//! unary (ones ended by a zero) and its low [`K`] bits, most significant bit first.

/// Bits kept of each rule's FNV-1a hash.
const BITS: u32 = 40;

/// The Rice parameter: the low bits of a gap stored as they are (the gaps average 2^40 / 10,400).
const K: u32 = 26;

/// Hashes per index entry.
const STRIDE: usize = 64;

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

/// The registrable domain of `host` (lowercase ASCII): the longest public suffix it ends with, and one
/// label more (`app.example.co.uk` → `example.co.uk`); the host itself when it is an IP address, a
/// single label (`localhost`) or a public suffix. Two hosts with the same registrable domain are the
/// same site (schemes aside), as browsers decide it for cookies.
pub fn registrable_domain(host: &str) -> &str {
    let host = host.strip_suffix('.').unwrap_or(host);
    let is_ip = host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok();
    if is_ip {
        return host;
    }
    // Where each label starts, the whole host first.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(host.match_indices('.').map(|(dot, _)| dot + 1))
        .collect();
    for (i, start) in starts.iter().enumerate() {
        // The last label is a public suffix by the list's default rule (`*`).
        if i + 1 == starts.len() || is_public_suffix(&host[*start..]) {
            return match i.checked_sub(1) {
                Some(before) => &host[starts[before]..],
                None => host,
            };
        }
    }
    host
}

/// Whether the rule `prefix` + `domain` is in the table.
fn contains(prefix: &[u8], domain: &str) -> bool {
    let key = hash(prefix.iter().chain(domain.as_bytes()).copied());
    let table = Table::new(TABLE);
    // The last index entry at or before the key, then the stretch after it.
    let (mut low, mut high) = (0, table.index_len);
    while low < high {
        let middle = low + (high - low) / 2;
        if table.index(middle).0 <= key {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    let Some(entry) = low.checked_sub(1) else {
        return false;
    };
    let (mut value, bit) = table.index(entry);
    let mut bits = Bits {
        stream: table.stream,
        position: bit,
    };
    let end = table.len.min((entry + 1) * STRIDE);
    for _ in entry * STRIDE + 1..end {
        if value >= key {
            break;
        }
        match bits.gap() {
            Some(gap) => value += gap,
            None => return false,
        }
    }
    value == key
}

/// The parts of [`TABLE`].
struct Table<'a> {
    len: usize,
    index_len: usize,
    index: &'a [u8],
    stream: &'a [u8],
}

impl<'a> Table<'a> {
    fn new(bytes: &'a [u8]) -> Table<'a> {
        let word = |at: usize| {
            bytes
                .get(at..at + 4)
                .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let (len, index_len) = (word(0), word(4));
        let index_end = (8 + index_len * 9).min(bytes.len());
        Table {
            len,
            index_len: (index_end - 8) / 9,
            index: &bytes[8..index_end],
            stream: &bytes[index_end..],
        }
    }

    /// The hash and the stream's bit position of index entry `i`.
    fn index(&self, i: usize) -> (u64, usize) {
        let entry = &self.index[i * 9..i * 9 + 9];
        let value = entry[..5].iter().fold(0, |v, b| v << 8 | u64::from(*b));
        let bit = entry[5..].iter().fold(0, |v, b| v << 8 | usize::from(*b));
        (value, bit)
    }
}

/// Reading the stream one bit at a time.
struct Bits<'a> {
    stream: &'a [u8],
    position: usize,
}

impl Bits<'_> {
    fn bit(&mut self) -> Option<u64> {
        let byte = self.stream.get(self.position / 8)?;
        let bit = (byte >> (7 - self.position % 8)) & 1;
        self.position += 1;
        Some(u64::from(bit))
    }

    /// The next gap: the unary quotient, then the `K` low bits.
    fn gap(&mut self) -> Option<u64> {
        let mut quotient = 0;
        while self.bit()? == 1 {
            quotient += 1;
        }
        let mut low = 0;
        for _ in 0..K {
            low = low << 1 | self.bit()?;
        }
        Some(quotient << K | low)
    }
}

/// FNV-1a, 64 bits, of `bytes`, cut to its low [`BITS`].
fn hash(bytes: impl Iterator<Item = u8>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash & ((1 << BITS) - 1)
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

    /// The table for `rules`, in the layout the module's documentation gives.
    fn generate(rules: &[String]) -> Vec<u8> {
        let mut keys: Vec<u64> = rules.iter().map(|rule| hash(ascii(rule).bytes())).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut stream: Vec<bool> = Vec::new();
        let mut index: Vec<u8> = Vec::new();
        let mut previous = 0;
        for (i, key) in keys.iter().enumerate() {
            if i % STRIDE == 0 {
                index.extend_from_slice(&key.to_be_bytes()[3..]);
                index.extend_from_slice(&u32::try_from(stream.len()).expect("small").to_be_bytes());
            } else {
                let gap = key - previous;
                let quotient = usize::try_from(gap >> K).expect("small");
                stream.extend(std::iter::repeat_n(true, quotient));
                stream.push(false);
                stream.extend((0..K).rev().map(|bit| gap >> bit & 1 == 1));
            }
            previous = *key;
        }
        let count = |n: usize| u32::try_from(n).expect("small").to_be_bytes();
        let mut table = Vec::new();
        table.extend_from_slice(&count(keys.len()));
        table.extend_from_slice(&count(keys.len().div_ceil(STRIDE)));
        table.extend_from_slice(&index);
        for bits in stream.chunks(8) {
            let byte = bits
                .iter()
                .enumerate()
                .fold(0, |byte, (i, bit)| byte | u8::from(*bit) << (7 - i));
            table.push(byte);
        }
        table
    }

    #[test]
    fn registrable_domains_are_one_label_over_the_longest_public_suffix() {
        for (host, site) in [
            ("app.example.com", "example.com"),
            ("example.com", "example.com"),
            ("a.b.example.co.uk", "example.co.uk"),
            ("me.github.io", "me.github.io"),
            ("github.io", "github.io"),
            (
                "abc.execute-api.eu-west-1.amazonaws.com",
                "abc.execute-api.eu-west-1.amazonaws.com",
            ),
            (
                "bucket.s3-website-eu-west-1.amazonaws.com",
                "bucket.s3-website-eu-west-1.amazonaws.com",
            ),
            ("localhost", "localhost"),
            ("127.0.0.1", "127.0.0.1"),
            ("[::1]", "[::1]"),
            ("a.b.unknowntld", "b.unknowntld"),
            ("example.com.", "example.com"),
        ] {
            assert_eq!(registrable_domain(host), site, "{host}");
        }
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
