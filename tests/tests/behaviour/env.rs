//! `origins_env`: the allowlist read from an environment variable when the policy is first used,
//! canonicalised like a browser serialises origins, split on commas and ASCII whitespace; unset, empty,
//! invalid, or `*` with `credentials` fails closed (no origin is allowed, preflights are refused) and
//! `check_policy!(handler)` returns the error naming the variable, the entry and the reason; `*`
//! without `credentials` is the `"*"` policy.
//!
//! These tests run their handlers inside `cors_runtime::testing::Env` scopes, the documented way to test
//! an `origins_env` handler: no `unsafe` `set_var`, no child process, and every test here uses the same
//! variable with a different value, in parallel, in any order. Two tests at the end read the real
//! process environment, in a child process that has the variable from the start, as Lambda does.

use std::ffi::OsStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{
    ACAC, ACAO, VARY_ORIGIN, VARY_PREFLIGHT, VARY_PREFLIGHT_ANY, assert_not_allowed,
    assert_not_varying_on_origin, assert_refused_preflight, assert_vary_is, get, one, preflight,
    run_in_child_with_env, send_all, status_response,
};
use cors_runtime::testing::Env;
use cors_runtime::{ConfigError, ConfigErrorKind, Setting, check_policy, cors};
use lambda_http::{Body, Error, Request, Response};

const VAR: &str = "ALLOWED_ORIGINS";

fn with(value: &str) -> Env {
    Env::new().set(VAR, value)
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

/// The message of a configuration error, with what it must say.
fn assert_says(error: &ConfigError, parts: &[&str]) {
    let message = error.to_string();
    for part in parts {
        assert!(message.contains(part), "{part:?} in {message}");
    }
    assert_eq!(format!("{error:?}"), message, "Debug reads like Display");
}

// ---------------------------------------------------------------------------
// Valid lists
// ---------------------------------------------------------------------------

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn canonical(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("canonical", &event))
}

#[tokio::test]
async fn env_entries_are_canonicalised_to_the_browsers_serialisation() {
    let env = with(
        "HTTPS://APP.Example.COM:443/ http://LocalHost:80, https://bücher.example \
         http://[0:0::1]:8080 https://*.Example.ORG:443/ http://Dev.Example.net:8080/ \
         https://*.bücher.example",
    );
    env.scope(async {
        assert_eq!(check_policy!(canonical), Ok(()));
        // What browsers send for those pages: lowercase, no default port, no `/`, punycode, compressed
        // IPv6.
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
            for reply in send_all(canonical, &preflight(origin, "PUT", Some("content-type"))).await
            {
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
        for origin in crate::common::malformed_origins() {
            let call = get(Some(&origin));
            if !crate::common::deliverable(&call) {
                continue;
            }
            for reply in send_all(canonical, &call).await {
                assert_not_allowed(&reply, 200, "canonical:200");
            }
        }
    })
    .await;
}

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn separators(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("separators", &event))
}

#[tokio::test]
async fn env_list_is_split_on_commas_and_ascii_whitespace() {
    let env = with(",, https://a.example ,\r\n\thttps://b.example,,https://c.example  \n");
    env.scope(async {
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
    })
    .await;
}

#[cors(origins_env = "ALLOWED_ORIGINS")]
async fn star(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("star", &event))
}

#[cors(origins_env = "ALLOWED_ORIGINS", methods = ["PUT"])]
async fn star_spaced(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("star_spaced", &event))
}

#[tokio::test]
async fn env_star_without_credentials_is_the_star_policy() {
    for value in ["*", " *\n", "*,*"] {
        with(value)
            .scope(async {
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
                for reply in
                    send_all(star_spaced, &preflight("https://any.example", "PUT", None)).await
                {
                    assert_eq!(reply.status, 204, "{}", reply.source);
                    assert_eq!(one(&reply, ACAO), "*", "{}", reply.source);
                    assert_vary_is(&reply, VARY_PREFLIGHT_ANY);
                }
                assert_eq!(check_policy!(star), Ok(()));
            })
            .await;
    }
}

// ---------------------------------------------------------------------------
// Fail closed
// ---------------------------------------------------------------------------

static UNSET_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn unset(event: Request) -> Result<Response<Body>, Error> {
    UNSET_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(status_response("unset", &event))
}

#[tokio::test]
async fn unset_env_var_fails_closed() {
    Env::new()
        .unset(VAR)
        .scope(async {
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

            let Err(error) = check_policy!(unset) else {
                panic!("an unset variable is an error")
            };
            assert_eq!(error.kind(), ConfigErrorKind::EnvMissing);
            assert_eq!(error.var(), Some(VAR));
            assert_eq!(error.setting(), Some(Setting::OriginsEnv));
            assert_says(
                &error,
                &["`ALLOWED_ORIGINS`", "not set", "spaces or commas"],
            );
        })
        .await;
}

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn empty(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("empty", &event))
}

#[cors(origins_env = "ALLOWED_ORIGINS")]
async fn separators_only(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("separators_only", &event))
}

#[tokio::test]
async fn empty_env_var_fails_closed() {
    for value in ["", " ,, \n\t,"] {
        with(value)
            .scope(async {
                // check_policy! first: the handler then uses the same outcome.
                for result in [check_policy!(empty), check_policy!(separators_only)] {
                    let Err(error) = result else {
                        panic!("{value:?} is empty")
                    };
                    assert_eq!(error.kind(), ConfigErrorKind::EnvEmpty);
                    assert_eq!(error.var(), Some(VAR));
                    assert_says(&error, &["`ALLOWED_ORIGINS`", "empty"]);
                }
                assert_closed(empty, "empty").await;
                assert_closed_preflight(empty).await;
                // Without credentials too: an empty list never means `*`.
                assert_closed(separators_only, "separators_only").await;
                assert_closed_preflight(separators_only).await;
            })
            .await;
    }
}

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn invalid(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("invalid", &event))
}

#[cors(origins_env = "ALLOWED_ORIGINS")]
async fn invalid_without_credentials(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("invalid_without_credentials", &event))
}

#[tokio::test]
async fn invalid_env_entry_fails_closed_for_every_origin() {
    // (list, kind, the entry named, what the message says). Every entry before the bad one is valid:
    // one bad entry closes the whole policy.
    let cases = [
        (
            "https://ok.example https://bad.example/app",
            ConfigErrorKind::InvalidOrigin,
            Some("https://bad.example/app"),
            &["path", "write `https://bad.example`"][..],
        ),
        (
            "https://ok.example,null",
            ConfigErrorKind::InvalidOrigin,
            Some("null"),
            &["never an allowed origin"],
        ),
        (
            "https://ok.example https://me@bad.example",
            ConfigErrorKind::InvalidOrigin,
            Some("https://me@bad.example"),
            &["user:password@", "write `https://bad.example`"],
        ),
        (
            "https://ok.example ftp://bad.example",
            ConfigErrorKind::InvalidOrigin,
            Some("ftp://bad.example"),
            &["scheme"],
        ),
        (
            "https://ok.example bad.example",
            ConfigErrorKind::InvalidOrigin,
            Some("bad.example"),
            &["scheme", "write `https://bad.example`"],
        ),
        (
            "https://ok.example https://*bad.example",
            ConfigErrorKind::InvalidOrigin,
            Some("https://*bad.example"),
            &["`*`"],
        ),
        (
            "https://ok.example https://bad.example?x=1",
            ConfigErrorKind::InvalidOrigin,
            Some("https://bad.example?x=1"),
            &["query"],
        ),
        (
            "https://ok.example\u{a0}https://bad.example",
            ConfigErrorKind::InvalidOrigin,
            Some("https://ok.example\u{a0}https://bad.example"),
            &[
                "several origins joined",
                "separate entries with spaces or commas",
            ],
        ),
        (
            "http://localhost:8000;http://localhost:8001",
            ConfigErrorKind::InvalidOrigin,
            Some("http://localhost:8000;http://localhost:8001"),
            &[
                "several origins joined",
                "separate entries with spaces or commas",
            ],
        ),
        (
            "https://ok.example *",
            ConfigErrorKind::WildcardInList,
            None,
            &["whole list"],
        ),
    ];
    for (list, kind, entry, says) in cases {
        with(list)
            .scope(async {
                for result in [
                    check_policy!(invalid),
                    check_policy!(invalid_without_credentials),
                ] {
                    let Err(error) = result else {
                        panic!("{list:?} is invalid")
                    };
                    assert_eq!(error.kind(), kind, "{list:?}: {error}");
                    assert_eq!(error.var(), Some(VAR), "{list:?}");
                    assert_eq!(error.entry(), entry, "{list:?}");
                    assert_says(&error, &["`ALLOWED_ORIGINS`"]);
                    assert_says(&error, says);
                }
                assert_closed(invalid, "invalid").await;
                assert_closed_preflight(invalid).await;
                assert_closed(invalid_without_credentials, "invalid_without_credentials").await;
            })
            .await;
    }
}

#[cors(origins_env = "ALLOWED_ORIGINS", credentials)]
async fn credentialed(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("credentialed", &event))
}

#[tokio::test]
async fn env_star_with_credentials_fails_closed() {
    with("*")
        .scope(async {
            assert_closed(credentialed, "credentialed").await;
            assert_closed_preflight(credentialed).await;
            let Err(error) = check_policy!(credentialed) else {
                panic!("`*` with credentials")
            };
            assert_eq!(error.kind(), ConfigErrorKind::WildcardWithCredentials);
            assert_eq!(error.var(), Some(VAR));
            assert_says(
                &error,
                &[
                    "`ALLOWED_ORIGINS`",
                    "credentials",
                    "list the allowed origins",
                ],
            );
        })
        .await;
}

#[tokio::test]
async fn env_pattern_under_a_public_suffix_with_credentials_fails_closed() {
    with("https://app.example.com https://*.github.io")
        .scope(async {
            assert_closed(credentialed, "credentialed").await;
            assert_closed_preflight(credentialed).await;
            let Err(error) = check_policy!(credentialed) else {
                panic!("a public-suffix pattern with credentials")
            };
            assert_eq!(error.kind(), ConfigErrorKind::CredentialedPattern);
            assert_eq!(error.entry(), Some("https://*.github.io"));
            assert_says(&error, &["`ALLOWED_ORIGINS`", "public suffix", "github.io"]);
        })
        .await;
    // Without credentials the same pattern is allowed, and so is one under a name of one's own.
    with("https://*.github.io")
        .scope(async { assert_eq!(check_policy!(star), Ok(())) })
        .await;
    with("https://*.me.github.io")
        .scope(async { assert_eq!(check_policy!(credentialed), Ok(())) })
        .await;
}

// ---------------------------------------------------------------------------
// Scopes: independent of order, and of the process
// ---------------------------------------------------------------------------

#[cors(origins_env = "CORS_TESTS_ENV_SCOPED", credentials)]
async fn scoped(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("scoped", &event))
}

#[tokio::test]
async fn each_scope_builds_its_own_policy_whatever_ran_before() {
    // First without any scope: the process has no such variable, so the handler's own policy fails
    // closed, and stays so for the process.
    for reply in send_all(scoped, &get(Some("https://a.example"))).await {
        assert_not_allowed(&reply, 200, "scoped:200");
    }
    assert!(check_policy!(scoped).is_err());
    // A scope still sees its own list, and the next scope its own.
    for (list, allowed, refused) in [
        (
            "https://a.example",
            "https://a.example",
            "https://b.example",
        ),
        (
            "https://b.example",
            "https://b.example",
            "https://a.example",
        ),
    ] {
        Env::new()
            .set("CORS_TESTS_ENV_SCOPED", list)
            .scope(async {
                assert_eq!(check_policy!(scoped), Ok(()));
                for reply in send_all(scoped, &get(Some(allowed))).await {
                    assert_eq!(reply.header_values(ACAO), [allowed], "{}", reply.source);
                }
                for reply in send_all(scoped, &get(Some(refused))).await {
                    assert_not_allowed(&reply, 200, "scoped:200");
                }
            })
            .await;
    }
    // The synchronous form, for builders.
    let cors = with("https://c.example").scope_sync(|| {
        cors_runtime::Cors::builder()
            .origins_env(VAR)
            .credentials()
            .build()
    });
    assert!(cors.is_ok_and(|cors| {
        cors.allows_origin(&http::HeaderValue::from_static("https://c.example"))
    }));
}

#[cors(origins_env = "CORS_TESTS_ENV_PROCESS", credentials)]
async fn process(event: Request) -> Result<Response<Body>, Error> {
    Ok(status_response("process", &event))
}

#[tokio::test]
async fn the_process_environment_is_read_once_at_first_use() {
    if run_in_child_with_env(
        "env::the_process_environment_is_read_once_at_first_use",
        &[(
            "CORS_TESTS_ENV_PROCESS",
            Some(OsStr::new("https://app.example.com")),
        )],
    ) {
        return;
    }
    assert_eq!(check_policy!(process), Ok(()));
    for reply in send_all(process, &get(Some("https://app.example.com"))).await {
        assert_eq!(
            reply.header_values(ACAO),
            ["https://app.example.com"],
            "{}",
            reply.source
        );
    }
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
        "env::env_var_that_is_not_utf8_fails_closed",
        &[("CORS_TESTS_ENV_NOT_UNICODE", Some(value))],
    ) {
        return;
    }
    assert_closed(not_unicode, "not_unicode").await;
    assert_closed_preflight(not_unicode).await;
    let Err(error) = check_policy!(not_unicode) else {
        panic!("not UTF-8")
    };
    assert_eq!(error.kind(), ConfigErrorKind::EnvNotUnicode);
    assert_says(&error, &["`CORS_TESTS_ENV_NOT_UNICODE`", "UTF-8"]);
}

/// Patterns over zones where AWS gives names to any customer, from the environment: each fails closed
/// with credentials, whether or not the Public Suffix List lists the zone (it lacks Function URLs in
/// eu-central-2 and ap-southeast-5), and names the zone and the service.
#[tokio::test]
async fn env_patterns_over_aws_shared_zones_with_credentials_fail_closed() {
    let cases = [
        (
            "https://*.lambda-url.eu-central-2.on.aws",
            "lambda-url.<region>.on.aws",
        ),
        (
            "https://*.lambda-url.ap-southeast-5.on.aws",
            "lambda-url.<region>.on.aws",
        ),
        (
            "https://*.lambda-url.us-east-1.on.aws",
            "lambda-url.<region>.on.aws",
        ),
        (
            "https://*.eu-central-2.on.aws",
            "lambda-url.<region>.on.aws",
        ),
        ("https://*.on.aws", "lambda-url.<region>.on.aws"),
        (
            "https://*.execute-api.us-east-1.amazonaws.com",
            "execute-api.<region>.amazonaws.com",
        ),
        (
            "https://*.execute-api.cn-north-1.amazonaws.com.cn",
            "execute-api.<region>.amazonaws.com.cn",
        ),
        (
            "http://*.s3-website-us-east-1.amazonaws.com",
            "s3-website-<region>.amazonaws.com",
        ),
        (
            "http://*.s3-website.eu-west-1.amazonaws.com",
            "s3-website.<region>.amazonaws.com",
        ),
        (
            "https://*.amazonaws.com",
            "execute-api.<region>.amazonaws.com",
        ),
        ("https://*.cloudfront.net", "cloudfront.net"),
        ("https://*.amplifyapp.com", "amplifyapp.com"),
        (
            "https://*.us-east-1.awsapprunner.com",
            "<region>.awsapprunner.com",
        ),
        (
            "https://*.us-west-2.elb.amazonaws.com",
            "<region>.elb.amazonaws.com",
        ),
        (
            "https://*.elb.us-west-2.amazonaws.com",
            "elb.<region>.amazonaws.com",
        ),
        (
            "https://*.eu-west-1.elasticbeanstalk.com",
            "<region>.elasticbeanstalk.com",
        ),
        (
            "https://*.auth.us-east-1.amazoncognito.com",
            "auth.<region>.amazoncognito.com",
        ),
        (
            "https://*.awsglobalaccelerator.com",
            "awsglobalaccelerator.com",
        ),
        ("https://*.awsapps.com", "awsapps.com"),
        (
            "https://*.newservice.us-east-1.amazonaws.com",
            "amazonaws.com",
        ),
        // Every other zone AWS documents (cors-grammar/src/aws.rs cites each).
        (
            "https://*.execute-api.us-east-1.vpce.amazonaws.com",
            "execute-api.<region>.vpce.amazonaws.com",
        ),
        (
            "http://*.s3-website.us-east-1.amazonaws.com",
            "s3-website.<region>.amazonaws.com",
        ),
        (
            "http://*.s3-website.dualstack.us-east-1.amazonaws.com",
            "s3-website.dualstack.<region>.amazonaws.com",
        ),
        (
            "http://*.s3-website.cn-north-1.amazonaws.com.cn",
            "s3-website.<region>.amazonaws.com.cn",
        ),
        (
            "https://*.s3.us-east-1.amazonaws.com",
            "s3.<region>.amazonaws.com",
        ),
        (
            "https://*.s3.dualstack.us-east-1.amazonaws.com",
            "s3.dualstack.<region>.amazonaws.com",
        ),
        (
            "https://*.s3-us-east-1.amazonaws.com",
            "s3-<region>.amazonaws.com",
        ),
        (
            "https://*.s3-accesspoint.us-east-1.amazonaws.com",
            "s3-accesspoint.<region>.amazonaws.com",
        ),
        (
            "https://*.us-east-1.elb.amazonaws.com",
            "<region>.elb.amazonaws.com",
        ),
        (
            "https://*.elb.us-east-1.amazonaws.com",
            "elb.<region>.amazonaws.com",
        ),
        (
            "https://*.cn-north-1.elb.amazonaws.com.cn",
            "<region>.elb.amazonaws.com.cn",
        ),
        (
            "https://*.us-east-1.elasticbeanstalk.com",
            "<region>.elasticbeanstalk.com",
        ),
        (
            "https://*.cn-north-1.eb.amazonaws.com.cn",
            "<region>.eb.amazonaws.com.cn",
        ),
        (
            "https://*.auth-fips.us-east-1.amazoncognito.com",
            "auth-fips.<region>.amazoncognito.com",
        ),
        (
            "https://*.dualstack.awsglobalaccelerator.com",
            "dualstack.awsglobalaccelerator.com",
        ),
        (
            "http://*.us-east-1.compute.amazonaws.com",
            "<region>.compute.amazonaws.com",
        ),
        (
            "http://*.compute-1.amazonaws.com",
            "compute-1.amazonaws.com",
        ),
        (
            "http://*.cn-north-1.compute.amazonaws.com.cn",
            "<region>.compute.amazonaws.com.cn",
        ),
        (
            "https://*.us-east-1.cs.amazonlightsail.com",
            "<region>.cs.amazonlightsail.com",
        ),
        (
            "https://*.transfer-webapp.us-east-1.on.aws",
            "transfer-webapp.<region>.on.aws",
        ),
        (
            "https://*.appsync-api.us-east-1.amazonaws.com",
            "appsync-api.<region>.amazonaws.com",
        ),
        (
            "https://*.vpc-lattice-svcs.us-east-1.on.aws",
            "vpc-lattice-svcs.<region>.on.aws",
        ),
    ];
    for (entry, zone) in cases {
        with(&format!("https://app.example.com {entry}"))
            .scope(async {
                let Err(error) = check_policy!(credentialed) else {
                    panic!("{entry} with credentials")
                };
                assert_eq!(
                    error.kind(),
                    ConfigErrorKind::CredentialedPattern,
                    "{entry}"
                );
                assert_eq!(error.entry(), Some(entry));
                assert_says(
                    &error,
                    &[
                        "`ALLOWED_ORIGINS`",
                        zone,
                        "any AWS customer's site",
                        "list the exact origins",
                    ],
                );
                assert_closed(credentialed, "credentialed").await;
            })
            .await;
        // Without credentials nothing private is shared: the same list is fine.
        with(&format!("https://app.example.com {entry}"))
            .scope(async { assert_eq!(check_policy!(star), Ok(())) })
            .await;
    }
    // A pattern under one customer's own name stays allowed: one Amplify app's branches.
    with("https://*.d1234abcd.amplifyapp.com")
        .scope(async {
            assert_eq!(check_policy!(credentialed), Ok(()));
            for reply in send_all(
                credentialed,
                &get(Some("https://main.d1234abcd.amplifyapp.com")),
            )
            .await
            {
                assert_eq!(
                    reply.header_values(ACAO),
                    ["https://main.d1234abcd.amplifyapp.com"],
                    "{}",
                    reply.source
                );
            }
        })
        .await;
}
