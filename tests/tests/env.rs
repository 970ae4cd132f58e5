//! `origins_env`: the allowlist read from an environment variable once per process, canonicalised like
//! a browser serialises origins, split on commas and ASCII whitespace; unset, empty, invalid, or `*`
//! with `credentials` fails closed (no origin is allowed, preflights are refused) and
//! `check_policy!(handler)` returns the error naming the variable, the entry and the reason; `*`
//! without `credentials` is the `"*"` policy.
//!
//! # Why every test re-runs itself in a child process
//!
//! The list is read at first use and cached per process and variable, so the variable must be set
//! before the process first reads it, and must never change afterwards. Setting it from the test
//! (`std::env::set_var`) is `unsafe` in edition 2024, because other threads (the test harness runs
//! tests in parallel) may read the environment at the same time; the workspace forbids `unsafe_code`
//! (`forbid`, which no `#[allow]` can lift), and rightly so. Instead, each test starts this same test
//! binary again with `--exact <its own name>` and the variables set by `std::process::Command`
//! ([`common::run_in_child_with_env`]), and asserts the child passed. In the child the process
//! environment is fixed from the start, exactly as in a Lambda execution environment. Every test still
//! uses its own variable names, so a test run in-process by mistake cannot see another's list.

mod common;

use std::ffi::OsStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{
    ACAC, ACAO, VARY_ORIGIN, VARY_PREFLIGHT, VARY_PREFLIGHT_ANY, assert_not_allowed,
    assert_not_varying_on_origin, assert_refused_preflight, assert_vary_is, get, one, preflight,
    run_in_child_with_env, send_all, status_response,
};
use cors_runtime::{ConfigError, check_policy, cors};
use lambda_http::{Body, Error, Request, Response};

fn set(value: &str) -> Option<&OsStr> {
    Some(OsStr::new(value))
}

/// A closed policy on ordinary requests: the handler runs and answers, no `Access-Control-*` header
/// for any origin (never `*`), `Vary: Origin`.
async fn assert_closed<H, Fut>(handler: H, name: &str)
where
    H: FnMut(Request) -> Fut + Copy,
    Fut: Future<Output = Result<Response<Body>, Error>> + Send,
{
    for origin in [
        Some("https://app.example.com"),
        Some("https://ok.example"),
        Some("http://localhost:3000"),
        Some("null"),
        None,
    ] {
        for reply in send_all(handler, &get(origin)).await {
            assert_not_allowed(&reply, 200, &format!("{name}:200"));
        }
    }
}

/// A closed policy on preflights: all refused, with `Vary` on the origin too.
async fn assert_closed_preflight<H, Fut>(handler: H)
where
    H: FnMut(Request) -> Fut + Copy,
    Fut: Future<Output = Result<Response<Body>, Error>> + Send,
{
    for origin in ["https://app.example.com", "https://ok.example", "null"] {
        for reply in send_all(handler, &preflight(origin, "GET", None)).await {
            assert_refused_preflight(&reply, VARY_PREFLIGHT);
        }
    }
}

// ---------------------------------------------------------------------------
// Valid lists
// ---------------------------------------------------------------------------

#[cors(origins_env = "CORS_TESTS_ENV_CANONICAL", credentials)]
async fn canonical(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("canonical", &event))
}

#[tokio::test]
async fn env_entries_are_canonicalised_to_the_browsers_serialisation() {
    let list = "HTTPS://APP.Example.COM:443/ http://LocalHost:80, https://bücher.example \
                http://[0:0::1]:8080 https://*.Example.ORG:443/ http://Dev.Example.net:8080/ \
                https://*.bücher.example";
    if run_in_child_with_env(
        "env_entries_are_canonicalised_to_the_browsers_serialisation",
        &[("CORS_TESTS_ENV_CANONICAL", set(list))],
    ) {
        return;
    }
    assert_eq!(check_policy!(canonical), Ok(()));
    // What browsers send for those pages: lowercase, no default port, no `/`, punycode, compressed IPv6.
    for origin in [
        "https://app.example.com",
        "http://localhost",
        "https://xn--bcher-kva.example",
        "http://[::1]:8080",
        "https://a.example.org",
        "https://a.b.example.org",
        "http://dev.example.net:8080",
        "https://shop.xn--bcher-kva.example",
    ] {
        for reply in send_all(canonical, &get(Some(origin))).await {
            assert_eq!(reply.header_values(ACAO), [origin], "{}", reply.source);
            assert_eq!(reply.header_values(ACAC), ["true"], "{}", reply.source);
            assert_vary_is(&reply, VARY_ORIGIN);
        }
        for reply in send_all(canonical, &preflight(origin, "PUT", Some("content-type"))).await {
            assert_eq!(reply.status, 204, "{}", reply.source);
            assert_eq!(one(&reply, ACAO), origin, "{}", reply.source);
            assert_vary_is(&reply, VARY_PREFLIGHT);
        }
    }
    // The spellings of the list itself are not what a browser sends.
    for origin in [
        "HTTPS://APP.Example.COM:443/",
        "https://app.example.com:443",
        "https://app.example.com/",
        "http://LocalHost:80",
        "http://localhost:80",
        "https://bücher.example",
        "http://[0:0::1]:8080",
        "https://example.org",
        "https://a.example.org:443",
        "http://dev.example.net",
        "https://shop.bücher.example",
        "https://xn--bcher-kva.example.evil",
    ] {
        for reply in send_all(canonical, &get(Some(origin))).await {
            assert_not_allowed(&reply, 200, "canonical:200");
        }
    }
    for origin in common::malformed_origins() {
        let call = get(Some(&origin));
        if !common::deliverable(&call) {
            continue;
        }
        for reply in send_all(canonical, &call).await {
            assert_not_allowed(&reply, 200, "canonical:200");
        }
    }
}

#[cors(origins_env = "CORS_TESTS_ENV_SEPARATORS", credentials)]
async fn separators(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("separators", &event))
}

#[tokio::test]
async fn env_list_is_split_on_commas_and_ascii_whitespace() {
    let list = ",, https://a.example ,\r\n\thttps://b.example,,https://c.example  \n";
    if run_in_child_with_env(
        "env_list_is_split_on_commas_and_ascii_whitespace",
        &[("CORS_TESTS_ENV_SEPARATORS", set(list))],
    ) {
        return;
    }
    for origin in [
        "https://a.example",
        "https://b.example",
        "https://c.example",
    ] {
        for reply in send_all(separators, &get(Some(origin))).await {
            assert_eq!(reply.header_values(ACAO), [origin], "{}", reply.source);
        }
    }
    for reply in send_all(separators, &get(Some("https://d.example"))).await {
        assert_not_allowed(&reply, 200, "separators:200");
    }
    assert_eq!(check_policy!(separators), Ok(()));
}

#[cors(origins_env = "CORS_TESTS_ENV_STAR")]
async fn star(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("star", &event))
}

#[cors(origins_env = "CORS_TESTS_ENV_STAR_SPACED", methods = ["PUT"])]
async fn star_spaced(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("star_spaced", &event))
}

#[tokio::test]
async fn env_star_without_credentials_is_the_star_policy() {
    if run_in_child_with_env(
        "env_star_without_credentials_is_the_star_policy",
        &[
            ("CORS_TESTS_ENV_STAR", set("*")),
            ("CORS_TESTS_ENV_STAR_SPACED", set(" *\n")),
        ],
    ) {
        return;
    }
    for origin in [Some("https://any.example"), Some("null"), None] {
        for replies in [
            send_all(star, &get(origin)).await,
            send_all(star_spaced, &get(origin)).await,
        ] {
            for reply in replies {
                assert_eq!(reply.header_values(ACAO), ["*"], "{}", reply.source);
                assert!(reply.header_values(ACAC).is_empty(), "{}", reply.source);
                assert_not_varying_on_origin(&reply);
            }
        }
    }
    for reply in send_all(star_spaced, &preflight("https://any.example", "PUT", None)).await {
        assert_eq!(reply.status, 204, "{}", reply.source);
        assert_eq!(one(&reply, ACAO), "*", "{}", reply.source);
        assert_vary_is(&reply, VARY_PREFLIGHT_ANY);
    }
    assert_eq!(check_policy!(star), Ok(()));
    assert_eq!(check_policy!(star_spaced), Ok(()));
}

// ---------------------------------------------------------------------------
// Fail closed
// ---------------------------------------------------------------------------

static UNSET_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins_env = "CORS_TESTS_ENV_UNSET", credentials)]
async fn unset(event: Request) -> Result<Response<Body>, Error> {
    UNSET_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(status_response("unset", &event))
}

#[tokio::test]
async fn unset_env_var_fails_closed() {
    if run_in_child_with_env(
        "unset_env_var_fails_closed",
        &[("CORS_TESTS_ENV_UNSET", None)],
    ) {
        return;
    }
    // The first request, not check_policy!, loads the list here.
    assert_closed(unset, "unset").await;
    let calls = UNSET_CALLS.load(Ordering::SeqCst);
    assert!(calls > 0, "the handler still runs on ordinary requests");
    assert_closed_preflight(unset).await;
    assert_eq!(
        UNSET_CALLS.load(Ordering::SeqCst),
        calls,
        "not on preflights"
    );

    let error = check_policy!(unset);
    assert_eq!(
        error,
        Err(ConfigError::EnvMissing {
            var: "CORS_TESTS_ENV_UNSET".to_owned()
        })
    );
    let message = error.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("`CORS_TESTS_ENV_UNSET`"), "{message}");
    assert!(message.contains("not set"), "{message}");
}

#[cors(origins_env = "CORS_TESTS_ENV_EMPTY", credentials)]
async fn empty(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("empty", &event))
}

#[cors(origins_env = "CORS_TESTS_ENV_SEPARATORS_ONLY")]
async fn separators_only(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("separators_only", &event))
}

#[tokio::test]
async fn empty_env_var_fails_closed() {
    if run_in_child_with_env(
        "empty_env_var_fails_closed",
        &[
            ("CORS_TESTS_ENV_EMPTY", set("")),
            ("CORS_TESTS_ENV_SEPARATORS_ONLY", set(" ,, \n\t,")),
        ],
    ) {
        return;
    }
    // check_policy! first: the handler then uses the same (cached) outcome.
    for (result, var) in [
        (check_policy!(empty), "CORS_TESTS_ENV_EMPTY"),
        (
            check_policy!(separators_only),
            "CORS_TESTS_ENV_SEPARATORS_ONLY",
        ),
    ] {
        assert!(
            matches!(&result, Err(ConfigError::EnvList { var: v, .. }) if v == var),
            "{result:?}"
        );
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(&format!("`{var}`")), "{message}");
        assert!(message.contains("empty"), "{message}");
    }
    assert_closed(empty, "empty").await;
    assert_closed_preflight(empty).await;
    // Without credentials too: an empty list never means `*`.
    assert_closed(separators_only, "separators_only").await;
    assert_closed_preflight(separators_only).await;
}

#[cors(origins_env = "CORS_TESTS_ENV_BAD_PATH", credentials)]
async fn bad_path(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_path", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_NULL", credentials)]
async fn bad_null(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_null", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_USERINFO", credentials)]
async fn bad_userinfo(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_userinfo", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_SCHEME", credentials)]
async fn bad_scheme(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_scheme", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_NO_SCHEME", credentials)]
async fn bad_no_scheme(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_no_scheme", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_PATTERN", credentials)]
async fn bad_pattern(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_pattern", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_QUERY")]
async fn bad_query(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_query", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_NBSP")]
async fn bad_nbsp(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_nbsp", &event))
}
#[cors(origins_env = "CORS_TESTS_ENV_BAD_STAR_AMONG_OTHERS")]
async fn bad_star_among_others(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("bad_star_among_others", &event))
}

#[tokio::test]
async fn invalid_env_entry_fails_closed_for_every_origin() {
    if run_in_child_with_env(
        "invalid_env_entry_fails_closed_for_every_origin",
        &[
            (
                "CORS_TESTS_ENV_BAD_PATH",
                set("https://ok.example https://bad.example/app"),
            ),
            ("CORS_TESTS_ENV_BAD_NULL", set("https://ok.example,null")),
            (
                "CORS_TESTS_ENV_BAD_USERINFO",
                set("https://ok.example https://me@bad.example"),
            ),
            (
                "CORS_TESTS_ENV_BAD_SCHEME",
                set("https://ok.example ftp://bad.example"),
            ),
            (
                "CORS_TESTS_ENV_BAD_NO_SCHEME",
                set("https://ok.example bad.example"),
            ),
            (
                "CORS_TESTS_ENV_BAD_PATTERN",
                set("https://ok.example https://*bad.example"),
            ),
            (
                "CORS_TESTS_ENV_BAD_QUERY",
                set("https://ok.example https://bad.example?x=1"),
            ),
            (
                "CORS_TESTS_ENV_BAD_NBSP",
                set("https://ok.example\u{a0}https://bad.example"),
            ),
            (
                "CORS_TESTS_ENV_BAD_STAR_AMONG_OTHERS",
                set("https://ok.example *"),
            ),
        ],
    ) {
        return;
    }
    // Every entry before the bad one is valid: one bad entry closes the whole policy.
    assert_closed(bad_path, "bad_path").await;
    assert_closed_preflight(bad_path).await;
    assert_closed(bad_null, "bad_null").await;
    assert_closed(bad_userinfo, "bad_userinfo").await;
    assert_closed(bad_scheme, "bad_scheme").await;
    assert_closed(bad_no_scheme, "bad_no_scheme").await;
    assert_closed(bad_pattern, "bad_pattern").await;
    assert_closed_preflight(bad_pattern).await;
    assert_closed(bad_query, "bad_query").await;
    assert_closed(bad_nbsp, "bad_nbsp").await;
    assert_closed(bad_star_among_others, "bad_star_among_others").await;
    assert_closed_preflight(bad_star_among_others).await;

    // check_policy! names the variable, the entry and the reason.
    let cases = [
        (
            check_policy!(bad_path),
            "CORS_TESTS_ENV_BAD_PATH",
            "https://bad.example/app",
            "path",
        ),
        (
            check_policy!(bad_null),
            "CORS_TESTS_ENV_BAD_NULL",
            "null",
            "never an allowed origin",
        ),
        (
            check_policy!(bad_userinfo),
            "CORS_TESTS_ENV_BAD_USERINFO",
            "https://me@bad.example",
            "user:password@",
        ),
        (
            check_policy!(bad_scheme),
            "CORS_TESTS_ENV_BAD_SCHEME",
            "ftp://bad.example",
            "scheme",
        ),
        (
            check_policy!(bad_no_scheme),
            "CORS_TESTS_ENV_BAD_NO_SCHEME",
            "bad.example",
            "scheme",
        ),
        (
            check_policy!(bad_pattern),
            "CORS_TESTS_ENV_BAD_PATTERN",
            "https://*bad.example",
            "`*`",
        ),
        (
            check_policy!(bad_query),
            "CORS_TESTS_ENV_BAD_QUERY",
            "https://bad.example?x=1",
            "query",
        ),
        (
            check_policy!(bad_nbsp),
            "CORS_TESTS_ENV_BAD_NBSP",
            "https://ok.example\\u{a0}https://bad.example",
            "whitespace",
        ),
        (
            check_policy!(bad_star_among_others),
            "CORS_TESTS_ENV_BAD_STAR_AMONG_OTHERS",
            "*",
            "whole list",
        ),
    ];
    for (result, var, entry, reason) in cases {
        assert!(
            matches!(&result, Err(ConfigError::EnvList { var: v, .. }) if v == var),
            "{var}: {result:?}"
        );
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains(&format!("`{var}`")),
            "names the variable: {message}"
        );
        assert!(
            message.contains(entry),
            "names the entry {entry:?}: {message}"
        );
        assert!(message.contains(reason), "says why ({reason:?}): {message}");
    }
}

#[cors(origins_env = "CORS_TESTS_ENV_STAR_CREDENTIALS", credentials)]
async fn star_with_credentials(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("star_with_credentials", &event))
}

#[tokio::test]
async fn env_star_with_credentials_fails_closed() {
    if run_in_child_with_env(
        "env_star_with_credentials_fails_closed",
        &[("CORS_TESTS_ENV_STAR_CREDENTIALS", set("*"))],
    ) {
        return;
    }
    assert_closed(star_with_credentials, "star_with_credentials").await;
    assert_closed_preflight(star_with_credentials).await;
    let result = check_policy!(star_with_credentials);
    assert_eq!(
        result,
        Err(ConfigError::EnvWildcardWithCredentials {
            var: "CORS_TESTS_ENV_STAR_CREDENTIALS".to_owned()
        })
    );
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("`CORS_TESTS_ENV_STAR_CREDENTIALS`"),
        "{message}"
    );
    assert!(message.contains("credentials"), "{message}");
}

#[cfg(unix)]
#[cors(origins_env = "CORS_TESTS_ENV_NOT_UNICODE")]
async fn not_unicode(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("not_unicode", &event))
}

#[cfg(unix)]
#[tokio::test]
async fn env_var_that_is_not_utf8_fails_closed() {
    use std::os::unix::ffi::OsStrExt;
    let value = OsStr::from_bytes(b"https://ok.example https://\xff.example");
    if run_in_child_with_env(
        "env_var_that_is_not_utf8_fails_closed",
        &[("CORS_TESTS_ENV_NOT_UNICODE", Some(value))],
    ) {
        return;
    }
    assert_closed(not_unicode, "not_unicode").await;
    assert_closed_preflight(not_unicode).await;
    assert_eq!(
        check_policy!(not_unicode),
        Err(ConfigError::EnvNotUnicode {
            var: "CORS_TESTS_ENV_NOT_UNICODE".to_owned()
        })
    );
}

#[cors(origins_env = "CORS_TESTS_ENV_PUBLIC_SUFFIX", credentials)]
async fn public_suffix(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("public_suffix", &event))
}

#[tokio::test]
async fn env_pattern_under_a_public_suffix_with_credentials_fails_closed() {
    if run_in_child_with_env(
        "env_pattern_under_a_public_suffix_with_credentials_fails_closed",
        &[(
            "CORS_TESTS_ENV_PUBLIC_SUFFIX",
            set("https://app.example.com https://*.github.io"),
        )],
    ) {
        return;
    }
    assert_closed(public_suffix, "public_suffix").await;
    assert_closed_preflight(public_suffix).await;
    let result = check_policy!(public_suffix);
    assert_eq!(
        result,
        Err(ConfigError::PublicSuffixPattern {
            var: Some("CORS_TESTS_ENV_PUBLIC_SUFFIX".to_owned()),
            entry: "https://*.github.io".to_owned(),
        })
    );
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("CORS_TESTS_ENV_PUBLIC_SUFFIX"),
        "{message}"
    );
    assert!(message.contains("public suffix"), "{message}");
}
