//! Building the Lambda event JSON for a [`Call`] from the fixtures in `tests/events/`.

use serde_json::{Map, Value};

use crate::{Call, Source};

const REST_API: &str = include_str!("../events/apigw_rest.json");
const HTTP_API: &str = include_str!("../events/apigw_http.json");
const ALB: &str = include_str!("../events/alb.json");
const FUNCTION_URL: &str = include_str!("../events/function_url.json");

/// Builds the event JSON AWS would send to the function when a browser makes
/// `call` through `source`, starting from the fixture in `tests/events/`.
///
/// The fixture's gateway headers (`Host`, `X-Forwarded-*`, `X-Amzn-Trace-Id`, …)
/// are kept; a call header with the same name (case-insensitive) replaces them.
/// Each source puts the call where AWS puts it:
///
/// * [`Source::RestApi`] (payload 1.0): `httpMethod`, `path` (without the stage),
///   `requestContext.path` (with the stage), `resource`/`pathParameters` for a
///   `/{proxy+}` resource; every header in `multiValueHeaders` with **all** its
///   values, and in `headers` with its **last** value; header names keep the
///   client's spelling. Query: `queryStringParameters` (last value) and
///   `multiValueQueryStringParameters` (all values), `null` when there is none.
///   `body` is `null` without a body.
/// * [`Source::HttpApi`] and [`Source::FunctionUrl`] (payload 2.0): `rawPath`,
///   `rawQueryString`, `requestContext.http.method`/`path`; header names
///   lower-cased, a repeated header **comma-joined without a space**
///   (`"a,b"`, as in AWS's documented example `"header2": "value1,value2"`);
///   `Cookie` headers are not put in `headers` but split on `;` into the
///   `cookies` array; `queryStringParameters` comma-joins repeated keys; `body`
///   is omitted without a body.
/// * [`Source::Alb`] with multi-value headers enabled: only
///   `multiValueHeaders` (lower-cased names, all values) and
///   `multiValueQueryStringParameters`; `body` is `""` without a body.
///
/// # Panics
///
/// If a fixture is not valid JSON of the expected shape, if the path does not
/// start with `/`, or if the query contains `%` or `+` (not modelled).
pub fn event_json(source: Source, call: &Call) -> String {
    let mut event = fixture(source);
    let (path, query) = split_path(&call.path);
    let query = parse_query(query);
    let headers = group_headers(&call.headers);
    match source {
        Source::RestApi => rest_api(&mut event, call, path, &query, &headers),
        Source::HttpApi | Source::FunctionUrl => {
            payload_v2(&mut event, call, path, &query, &headers)
        }
        Source::Alb => alb(&mut event, call, path, &query, &headers),
    }
    event.to_string()
}

/// Header lines grouped by case-insensitive name: the first spelling of the name,
/// then every value in the order sent.
type Grouped = Vec<(String, Vec<String>)>;

#[allow(
    clippy::expect_used,
    reason = "test support: the fixtures are compiled in, so invalid JSON is a harness bug"
)]
fn fixture(source: Source) -> Value {
    let (file, text) = match source {
        Source::RestApi => ("apigw_rest.json", REST_API),
        Source::HttpApi => ("apigw_http.json", HTTP_API),
        Source::Alb => ("alb.json", ALB),
        Source::FunctionUrl => ("function_url.json", FUNCTION_URL),
    };
    let value: Value =
        serde_json::from_str(text).expect("a fixture in tests/events/ is not valid JSON");
    assert!(
        value.is_object(),
        "tests/events/{file} must hold a JSON object"
    );
    value
}

fn split_path(path: &str) -> (&str, &str) {
    assert!(
        path.starts_with('/'),
        "Call path must start with '/': {path:?}"
    );
    path.split_once('?').unwrap_or((path, ""))
}

/// `a=1&b&a=2` → `[("a", ["1", "2"]), ("b", [""])]`, keys in first-seen order.
fn parse_query(query: &str) -> Grouped {
    assert!(
        !query.contains(['%', '+']),
        "the harness does not model percent-decoding of query strings; avoid '%' and '+': {query:?}"
    );
    let mut grouped: Grouped = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match grouped.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_owned()),
            None => grouped.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
    grouped
}

fn group_headers(headers: &[(String, String)]) -> Grouped {
    let mut grouped: Grouped = Vec::new();
    for (name, value) in headers {
        match grouped
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, values)) => values.push(value.clone()),
            None => grouped.push((name.clone(), vec![value.clone()])),
        }
    }
    grouped
}

/// The JSON object at `event[key]`, created (replacing `null`) if needed.
fn object<'v>(event: &'v mut Value, key: &str) -> &'v mut Map<String, Value> {
    let slot = &mut event[key];
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(map) => map,
        _ => unreachable!("just made it an object"),
    }
}

/// Sets `map[name] = value`, first removing any entry whose name differs only in case.
fn set_header(map: &mut Map<String, Value>, name: &str, value: Value) {
    map.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
    map.insert(name.to_owned(), value);
}

fn strings(values: &[String]) -> Value {
    Value::Array(values.iter().cloned().map(Value::String).collect())
}

fn last(values: &[String]) -> Value {
    Value::String(values.last().cloned().unwrap_or_default())
}

fn rest_api(event: &mut Value, call: &Call, path: &str, query: &Grouped, headers: &Grouped) {
    event["httpMethod"] = call.method.clone().into();
    event["path"] = path.into();
    // A `/{proxy+}` resource catches everything below `/`; `/` itself needs its own resource.
    if path == "/" {
        event["resource"] = "/".into();
        event["pathParameters"] = Value::Null;
    } else {
        event["resource"] = "/{proxy+}".into();
        event["pathParameters"] = serde_json::json!({ "proxy": &path[1..] });
    }
    let stage = event["requestContext"]["stage"]
        .as_str()
        .unwrap_or("prod")
        .to_owned();
    let context = object(event, "requestContext");
    context.insert("httpMethod".into(), call.method.clone().into());
    context.insert("path".into(), format!("/{stage}{path}").into());
    context.insert(
        "resourcePath".into(),
        (if path == "/" { "/" } else { "/{proxy+}" }).into(),
    );

    for (name, values) in headers {
        set_header(object(event, "headers"), name, last(values));
        set_header(object(event, "multiValueHeaders"), name, strings(values));
        if name.eq_ignore_ascii_case("user-agent") {
            event["requestContext"]["identity"]["userAgent"] = last(values);
        }
    }

    if query.is_empty() {
        event["queryStringParameters"] = Value::Null;
        event["multiValueQueryStringParameters"] = Value::Null;
    } else {
        let single = query.iter().map(|(k, v)| (k.clone(), last(v))).collect();
        let multi = query.iter().map(|(k, v)| (k.clone(), strings(v))).collect();
        event["queryStringParameters"] = Value::Object(single);
        event["multiValueQueryStringParameters"] = Value::Object(multi);
    }

    event["body"] = call.body.clone().map_or(Value::Null, Value::String);
    event["isBase64Encoded"] = false.into();
}

fn payload_v2(event: &mut Value, call: &Call, path: &str, query: &Grouped, headers: &Grouped) {
    event["rawPath"] = path.into();
    let raw_query = call.path.split_once('?').map_or("", |(_, q)| q);
    event["rawQueryString"] = raw_query.into();
    event["requestContext"]["http"]["method"] = call.method.clone().into();
    event["requestContext"]["http"]["path"] = path.into();

    let mut cookies = Vec::new();
    for (name, values) in headers {
        if name.eq_ignore_ascii_case("cookie") {
            // "All cookie headers in the request are combined with commas and added
            // to the cookies field": one array entry per `name=value` pair.
            cookies.extend(
                values
                    .iter()
                    .flat_map(|v| v.split(';'))
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| Value::String(c.to_owned())),
            );
            continue;
        }
        let lower = name.to_ascii_lowercase();
        set_header(object(event, "headers"), &lower, values.join(",").into());
        if lower == "user-agent" {
            event["requestContext"]["http"]["userAgent"] = values.join(",").into();
        }
    }
    let event_map = object_root(event);
    if cookies.is_empty() {
        event_map.remove("cookies");
    } else {
        event_map.insert("cookies".into(), Value::Array(cookies));
    }

    if query.is_empty() {
        event_map.remove("queryStringParameters");
    } else {
        let joined = query
            .iter()
            .map(|(k, v)| (k.clone(), v.join(",").into()))
            .collect();
        event_map.insert("queryStringParameters".into(), Value::Object(joined));
    }

    match &call.body {
        Some(body) => event_map.insert("body".into(), body.clone().into()),
        None => event_map.remove("body"),
    };
    event_map.insert("isBase64Encoded".into(), false.into());
}

fn alb(event: &mut Value, call: &Call, path: &str, query: &Grouped, headers: &Grouped) {
    event["httpMethod"] = call.method.clone().into();
    event["path"] = path.into();
    for (name, values) in headers {
        set_header(
            object(event, "multiValueHeaders"),
            &name.to_ascii_lowercase(),
            strings(values),
        );
    }
    let multi = query.iter().map(|(k, v)| (k.clone(), strings(v))).collect();
    event["multiValueQueryStringParameters"] = Value::Object(multi);
    event["body"] = call.body.clone().unwrap_or_default().into();
    event["isBase64Encoded"] = false.into();
}

/// The event itself as a map (the fixtures are checked to be objects).
fn object_root(event: &mut Value) -> &mut Map<String, Value> {
    match event {
        Value::Object(map) => map,
        _ => unreachable!("fixture() only returns JSON objects"),
    }
}
