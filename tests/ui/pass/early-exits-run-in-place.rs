// A body whose only ways out are `return` and `?` (however nested: loops, `let ... else`, matches)
// runs in place: `#[cors]` rewrites them as breaks, so the handler's future stays the size of the bare
// handler's, with no second copy of the request. Exits of closures, async blocks and nested functions
// are theirs, and are left alone. A stray `;` changes nothing.
#![deny(warnings)]
// The stray `;` below is the point.
#![allow(redundant_semicolons)]

use std::num::ParseIntError;
use std::task::Poll;

use cors_runtime::cors;
use lambda_http::{Body, Request, Response};

#[derive(Debug, PartialEq)]
enum ApiError {
    BadNumber,
    NotFound,
}

impl From<ParseIntError> for ApiError {
    fn from(_: ParseIntError) -> ApiError {
        ApiError::BadNumber
    }
}

fn respond(text: String) -> Result<Response<Body>, ApiError> {
    Response::builder().body(Body::from(text)).map_err(|_| ApiError::NotFound)
}

// The same body with and without the attribute; the body reaches `#[cors]` as plain tokens.
macro_rules! handler {
    ($([$($attr:tt)*])? $name:ident) => {
        $(#[$($attr)*])?
        async fn $name(event: Request) -> Result<Response<Body>, ApiError> {
            let path = event.uri().path().to_owned();
            // Exits of their own: a closure's `?`, an async block's `return`, a nested function's.
            let parse = |s: &str| s.parse::<u32>().ok()?.checked_mul(2);
            let later = async {
                return 1_u32;
            };
            fn helper(s: &str) -> Option<u32> {
                return Some(s.parse().ok()?);
            }
            'segments: for segment in path.split('/') {
                match segment {
                    "" => continue 'segments,
                    "missing" => return Err(ApiError::NotFound),
                    "stop" => break 'segments,
                    number => {
                        let n: u32 = number.parse()?;
                        let more = parse(number).unwrap_or(0) + later.await + helper("1").unwrap_or(0);
                        return respond((n + more).to_string());
                    }
                }
            }
            let Some(query) = event.uri().query() else {
                return respond("no query".to_owned());
            };;
            // A `?` that starts a statement, and `?` on a `Poll`, as `std` allows.
            let mut lengths = [0_usize; 2];
            Ok::<_, ApiError>(&mut lengths)?[1] = respond(query.to_owned())?.body().len();
            let polled: Poll<Result<usize, ApiError>> = Poll::Ready(Ok(lengths[1]));
            let length = match polled? {
                Poll::Ready(length) => length,
                Poll::Pending => 0,
            };
            respond(length.to_string())
        }
    };
}

handler!([cors(origins = ["https://app.example.com"], credentials)] with_cors);
handler!(without_cors);

fn request(uri: &str) -> Request {
    http::Request::get(uri)
        .header("origin", "https://app.example.com")
        .body(Body::Empty)
        .expect("request")
}

fn main() {
    let bare = std::mem::size_of_val(&without_cors(request("/")));
    let wrapped = std::mem::size_of_val(&with_cors(request("/")));
    // The CORS step adds its decision (an origin value and a reference), not a second request.
    assert!(
        wrapped <= bare + 64,
        "#[cors] future is {wrapped} bytes, the bare handler's {bare}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for (uri, expected) in [
            ("/20", Ok("62")),
            ("/x", Err(ApiError::BadNumber)),
            ("/missing", Err(ApiError::NotFound)),
            ("/stop/20", Ok("no query")),
            ("/?abc", Ok("3")),
        ] {
            let with = with_cors(request(uri)).await;
            let without = without_cors(request(uri)).await;
            let text = |r: &Result<Response<Body>, ApiError>| match r {
                Ok(response) => Ok(String::from_utf8_lossy(response.body().as_ref()).into_owned()),
                Err(error) => Err(format!("{error:?}")),
            };
            assert_eq!(text(&with), text(&without), "{uri}");
            assert_eq!(text(&with), expected.map(str::to_owned).map_err(|e| format!("{e:?}")), "{uri}");
            if let Ok(response) = &with {
                assert_eq!(
                    response.headers()["access-control-allow-origin"],
                    "https://app.example.com",
                    "{uri}: every way out gets the headers"
                );
            }
        }
    });
}
