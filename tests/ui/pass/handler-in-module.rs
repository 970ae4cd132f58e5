// A handler in another module is used through its path, by `service_fn` and by `check_policy!`.
#![deny(warnings)]

use cors_runtime::check_policy;
use lambda_http::{Error, service_fn};

mod api {
    pub mod v1 {
        use cors_runtime::cors;
        use lambda_http::{Body, Error, Request, Response};

        #[cors(origins = ["https://app.example.com"], credentials)]
        pub async fn handler(_event: Request) -> Result<Response<Body>, Error> {
            Ok(Response::new(Body::Empty))
        }
    }

    #[cors_runtime::cors(origins_env = "CORS_UI_TEST_MODULE_ORIGINS")]
    pub(crate) async fn from_env(
        _event: lambda_http::Request,
    ) -> Result<impl lambda_http::IntoResponse, lambda_http::Error> {
        Ok("env")
    }
}

fn main() -> Result<(), Error> {
    check_policy!(api::v1::handler)?;
    check_policy!(crate::api::v1::handler)?;
    assert!(check_policy!(self::api::from_env).is_err());
    let _ = service_fn(api::v1::handler);
    let _ = service_fn(api::from_env);
    Ok(())
}
