//! Reading the serialized `LambdaResponse` the way the gateway turns it into HTTP.

use serde_json::{Map, Value};

use crate::Source;

/// What the gateway sends back to the browser, read from the JSON the function
/// returned (the serialized `lambda_http` `LambdaResponse`).
///
/// Only headers produced by the function are modelled; headers the gateway adds on
/// its own (`Date`, `x-amzn-RequestId`, `apigw-requestid`, …) are not.
///
/// How each source turns the response JSON into header lines:
///
/// * [`Source::RestApi`] (payload 1.0): `multiValueHeaders` (every value becomes a header line)
///   merged with `headers`; for a name present in both, only the
///   `multiValueHeaders` values are sent (AWS: "If the same key-value pair is
///   specified in both, only the values from multiValueHeaders will appear in the
///   merged list"). `lambda_http` always leaves `headers` empty for this source.
/// * [`Source::HttpApi`] / [`Source::FunctionUrl`] (format 2.0): `headers` is a
///   map of name → **one string**, sent as one header line each; there is no
///   `multiValueHeaders` in format 2.0. `aws_lambda_events` serializes that map with
///   `serialize_headers`, which writes `headers[key]`, i.e. only the **first**
///   value of a repeated header: the other values never leave the function. Each
///   entry of `cookies` becomes its own `set-cookie` line (`lambda_http` moves every
///   `Set-Cookie` there).
/// * [`Source::Alb`] (multi-value headers enabled): only `multiValueHeaders` is
///   used ("You must use `multiValueHeaders` if you have enabled multi-value
///   headers"); `lambda_http` fills both `headers` and `multiValueHeaders`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The source whose response format was read.
    pub source: Source,
    /// HTTP status code (`statusCode`).
    pub status: u16,
    /// The `body` string as returned; empty if the response had no body. If
    /// [`Reply::is_base64_encoded`] is true this is still base64 (the gateway
    /// would decode it).
    pub body: String,
    /// The response's `isBase64Encoded` flag.
    pub is_base64_encoded: bool,
    /// Header lines as the client receives them: lower-cased name, value.
    headers: Vec<(String, String)>,
    raw: Value,
}

impl Reply {
    /// Interprets `raw`, the serialized `LambdaResponse`, for `source`.
    #[allow(
        clippy::expect_used,
        reason = "test support: a response JSON without a valid statusCode is a harness bug"
    )]
    pub(crate) fn from_json(source: Source, raw: Value) -> Self {
        let status = raw["statusCode"]
            .as_u64()
            .and_then(|code| u16::try_from(code).ok())
            .expect("the serialized LambdaResponse has no valid `statusCode`");
        let body = raw["body"].as_str().unwrap_or_default().to_owned();
        let is_base64_encoded = raw["isBase64Encoded"].as_bool().unwrap_or(false);

        let mut headers = Vec::new();
        match source {
            Source::RestApi => {
                let multi = as_map(&raw["multiValueHeaders"]);
                push_multi(&mut headers, &multi);
                for (name, value) in &as_map(&raw["headers"]) {
                    let in_multi = multi.keys().any(|m| m.eq_ignore_ascii_case(name));
                    if !in_multi {
                        headers.push((name.to_ascii_lowercase(), as_string(value, name)));
                    }
                }
            }
            Source::HttpApi | Source::FunctionUrl => {
                for (name, value) in &as_map(&raw["headers"]) {
                    headers.push((name.to_ascii_lowercase(), as_string(value, name)));
                }
                if let Some(cookies) = raw["cookies"].as_array() {
                    for cookie in cookies {
                        headers.push(("set-cookie".to_owned(), as_string(cookie, "cookies")));
                    }
                }
            }
            Source::Alb => push_multi(&mut headers, &as_map(&raw["multiValueHeaders"])),
        }

        Reply {
            source,
            status,
            body,
            is_base64_encoded,
            headers,
            raw,
        }
    }

    /// Every value the client receives for header `name` (case-insensitive), one
    /// entry per header line, in the order sent; empty if the header is absent.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The header as a browser's `Headers.get()` reports it: `None` if absent,
    /// otherwise all its lines joined with `", "` (so a header sent twice shows up
    /// as `"a, b"`, which e.g. fails a CORS `Access-Control-Allow-Origin` check).
    pub fn header(&self, name: &str) -> Option<String> {
        let values = self.header_values(name);
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// All header lines the client receives, as (lower-cased name, value). The lines
    /// of one header keep their order; different names come in JSON-map order
    /// (the order of different header names is not significant in HTTP).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The response JSON exactly as `lambda_http` serialized it for the gateway.
    pub fn raw_json(&self) -> &Value {
        &self.raw
    }
}

/// `value` as a JSON object; an absent or `null` field counts as empty.
fn as_map(value: &Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        other => panic!("expected a JSON object of headers in the response, got {other}"),
    }
}

fn as_string(value: &Value, what: &str) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => panic!("expected a string for {what:?} in the response, got {other}"),
    }
}

fn push_multi(headers: &mut Vec<(String, String)>, multi: &Map<String, Value>) {
    for (name, values) in multi {
        let Value::Array(values) = values else {
            panic!("expected an array for multiValueHeaders[{name:?}], got {values}");
        };
        for value in values {
            headers.push((name.to_ascii_lowercase(), as_string(value, name)));
        }
    }
}
