//! Method names, header names, environment variable names and `max_age`.

use std::fmt;

use http::{HeaderName, Method};

/// The largest `max_age` accepted, in seconds (Firefox's cap; Chromium caps at 7200, WebKit at 600).
pub const MAX_AGE_LIMIT: u64 = 86_400;

/// Why a method or header name is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The name is empty.
    Empty,
    /// The name contains a character that is not allowed in an HTTP token.
    NotAToken,
    /// `*` written as a list item; the wildcard is written as the whole value (`methods = "*"`).
    WildcardItem,
    /// A lowercase spelling of a method browsers always send in uppercase.
    LowercaseMethod(&'static str),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Empty => f.write_str("empty name"),
            TokenError::NotAToken => f.write_str(
                "not an HTTP token: only letters, digits and !#$%&'*+-.^_`|~ are allowed, no spaces or separators",
            ),
            TokenError::WildcardItem => f.write_str("`*` cannot be an item of a list"),
            TokenError::LowercaseMethod(upper) => write!(
                f,
                "method names are case-sensitive and browsers send `{upper}` in uppercase, so this would never match"
            ),
        }
    }
}

impl std::error::Error for TokenError {}

/// Checks a method name for the `methods` list.
///
/// Method names are case-sensitive tokens. Browsers uppercase `delete`, `get`, `head`, `options`, `post`
/// and `put` before sending them, so their lowercase spellings are refused as a certain mistake.
///
/// ```
/// use cors_grammar::{check_method, TokenError};
///
/// assert!(check_method("PATCH").is_ok());
/// assert_eq!(check_method("get"), Err(TokenError::LowercaseMethod("GET")));
/// assert_eq!(check_method("GE T"), Err(TokenError::NotAToken));
/// ```
pub fn check_method(name: &str) -> Result<Method, TokenError> {
    if name.is_empty() {
        return Err(TokenError::Empty);
    }
    if name == "*" {
        return Err(TokenError::WildcardItem);
    }
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    if let Some(upper) = NORMALIZED
        .iter()
        .find(|upper| upper.eq_ignore_ascii_case(name) && **upper != name)
    {
        return Err(TokenError::LowercaseMethod(upper));
    }
    Method::from_bytes(name.as_bytes()).map_err(|_| TokenError::NotAToken)
}

/// Checks a header name for the `headers` and `expose_headers` lists and returns it in lowercase.
///
/// ```
/// use cors_grammar::check_header_name;
///
/// assert_eq!(check_header_name("X-Api-Key").unwrap().as_str(), "x-api-key");
/// assert!(check_header_name("x api key").is_err());
/// ```
pub fn check_header_name(name: &str) -> Result<HeaderName, TokenError> {
    if name.is_empty() {
        return Err(TokenError::Empty);
    }
    if name == "*" {
        return Err(TokenError::WildcardItem);
    }
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| TokenError::NotAToken)
}

/// Why an environment variable name is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvNameError {
    /// The name is empty.
    Empty,
    /// The name has a character other than ASCII letters, digits and `_`, or starts with a digit.
    Invalid,
}

impl fmt::Display for EnvNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvNameError::Empty => f.write_str("empty environment variable name"),
            EnvNameError::Invalid => f.write_str(
                "invalid environment variable name: use ASCII letters, digits and `_`, not starting with a digit",
            ),
        }
    }
}

impl std::error::Error for EnvNameError {}

/// Checks the name given to `origins_env`: the portable shell form `[A-Za-z_][A-Za-z0-9_]*`, which Lambda,
/// `cargo lambda` and every shell accept.
///
/// ```
/// use cors_grammar::check_env_name;
///
/// assert!(check_env_name("ALLOWED_ORIGINS").is_ok());
/// assert!(check_env_name("ALLOWED-ORIGINS").is_err());
/// ```
pub fn check_env_name(name: &str) -> Result<(), EnvNameError> {
    let mut bytes = name.bytes();
    match bytes.next() {
        None => Err(EnvNameError::Empty),
        Some(first) if first.is_ascii_alphabetic() || first == b'_' => {
            if bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                Ok(())
            } else {
                Err(EnvNameError::Invalid)
            }
        }
        Some(_) => Err(EnvNameError::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_case_sensitive_tokens() {
        assert_eq!(
            check_method("GET").map(|m| m.to_string()),
            Ok("GET".to_owned())
        );
        assert!(check_method("PURGE").is_ok());
        assert!(
            check_method("patch").is_ok(),
            "browsers send `patch` as written"
        );
        assert_eq!(
            check_method("Post"),
            Err(TokenError::LowercaseMethod("POST"))
        );
        assert_eq!(check_method(""), Err(TokenError::Empty));
        assert_eq!(check_method("*"), Err(TokenError::WildcardItem));
        assert_eq!(check_method("GET,POST"), Err(TokenError::NotAToken));
        assert_eq!(check_method("GÉT"), Err(TokenError::NotAToken));
    }

    #[test]
    fn header_names_are_tokens_in_any_case() {
        assert_eq!(
            check_header_name("Content-Type").map(|h| h.to_string()),
            Ok("content-type".to_owned())
        );
        assert_eq!(
            check_header_name("x-api-key,x-b"),
            Err(TokenError::NotAToken)
        );
        assert_eq!(check_header_name("x:y"), Err(TokenError::NotAToken));
        assert_eq!(check_header_name("*"), Err(TokenError::WildcardItem));
        assert_eq!(check_header_name(""), Err(TokenError::Empty));
    }

    #[test]
    fn env_names_are_portable_identifiers() {
        assert_eq!(check_env_name("_X1"), Ok(()));
        assert_eq!(check_env_name(""), Err(EnvNameError::Empty));
        assert_eq!(check_env_name("1X"), Err(EnvNameError::Invalid));
        assert_eq!(check_env_name("A=B"), Err(EnvNameError::Invalid));
        assert_eq!(check_env_name("A B"), Err(EnvNameError::Invalid));
    }
}
