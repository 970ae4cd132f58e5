//! `Access-Control-Allow-Methods`: which methods a preflight may ask for.

use http::{HeaderValue, Method};

use crate::joined;

/// The methods a policy allows.
#[derive(Clone, Debug)]
pub(crate) enum AllowMethods {
    /// Any method: the requested one is echoed.
    Any,
    /// These methods, answered with their prebuilt list (`None` for an empty list).
    List {
        methods: Vec<Method>,
        value: Option<HeaderValue>,
    },
}

/// What a policy answers to a preflight's `Access-Control-Request-Method`.
pub(crate) enum MethodAnswer {
    Refused,
    /// Allowed; the prebuilt list is the answer.
    Listed,
    /// Allowed by `"*"`; this value (the requested method) is the answer.
    Echo(HeaderValue),
}

impl AllowMethods {
    pub(crate) fn list(methods: Vec<Method>) -> AllowMethods {
        let value = joined(&mut methods.iter().map(Method::as_str));
        AllowMethods::List { methods, value }
    }

    /// The prebuilt `Access-Control-Allow-Methods` of a list.
    pub(crate) fn value(&self) -> Option<&HeaderValue> {
        match self {
            AllowMethods::List { value, .. } => value.as_ref(),
            AllowMethods::Any => None,
        }
    }

    pub(crate) fn allow(&self, requested: &HeaderValue) -> MethodAnswer {
        match self {
            AllowMethods::Any => match Method::from_bytes(requested.as_bytes()) {
                Ok(_) => MethodAnswer::Echo(requested.clone()),
                Err(_) => MethodAnswer::Refused,
            },
            AllowMethods::List { methods, .. } => {
                let bytes = requested.as_bytes();
                // CORS-safelisted methods need no `Access-Control-Allow-Methods` from the server.
                let safelisted = matches!(bytes, b"GET" | b"HEAD" | b"POST");
                if safelisted || methods.iter().any(|m| m.as_str().as_bytes() == bytes) {
                    MethodAnswer::Listed
                } else {
                    MethodAnswer::Refused
                }
            }
        }
    }
}
