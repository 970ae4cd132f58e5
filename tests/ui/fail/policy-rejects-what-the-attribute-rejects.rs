// `policy!` takes the attribute's keys and refuses what the attribute refuses, with the same messages
// and spans: one call per attribute case of this directory (named after it), through the same parser
// and rules.
use cors_runtime::{Cors, policy};

fn credentials_with_default_origins() -> &'static Cors {
    policy!(credentials)
}

fn credentials_with_public_suffix_pattern() -> &'static Cors {
    policy!(
        origins = [
            "https://*.github.io",
            "https://*.com",
            "https://*.s3-website.us-east-1.amazonaws.com",
            "https://*.myapp.github.io",
        ],
        credentials
    )
}

fn credentials_with_value() -> &'static Cors {
    policy!(origins = ["https://app.example.com"], credentials = true)
}

fn credentials_with_wildcard_expose_headers() -> &'static Cors {
    policy!(origins = ["https://app.example.com"], credentials, expose_headers = "*")
}

fn credentials_with_wildcard_headers() -> &'static Cors {
    policy!(origins = ["https://app.example.com"], credentials, headers = "*")
}

fn credentials_with_wildcard_methods() -> &'static Cors {
    policy!(origins = ["https://app.example.com"], credentials, methods = "*")
}

fn credentials_with_wildcard_origin() -> &'static Cors {
    policy!(origins = "*", credentials)
}

fn duplicate_key() -> &'static Cors {
    policy!(
        origins = ["https://app.example.com"],
        max_age = 600,
        origins = ["https://admin.example.com"],
        max_age = 60,
    )
}

fn header_name_not_a_token() -> &'static Cors {
    policy!(headers = ["content-type", "x api key"], expose_headers = ["x-request-id:"])
}

fn max_age_fractional() -> &'static Cors {
    policy!(max_age = 1.5)
}

fn max_age_negative() -> &'static Cors {
    policy!(max_age = -1)
}

fn max_age_over_one_day() -> &'static Cors {
    policy!(max_age = 86401)
}

fn max_age_string() -> &'static Cors {
    policy!(max_age = "600")
}

fn method_lowercase() -> &'static Cors {
    policy!(methods = ["get", "Post", "PATCH"])
}

fn method_not_a_token() -> &'static Cors {
    policy!(methods = ["GE T", "POST,PUT"])
}

fn origin_bad_subdomain_pattern() -> &'static Cors {
    policy!(origins = ["https://*example.com", "*.example.com", "https://a.*.com"])
}

fn origin_listed_twice() -> &'static Cors {
    policy!(origins = ["https://app.example.com", "https://admin.example.com", "https://app.example.com"])
}

fn origin_not_canonical() -> &'static Cors {
    policy!(
        origins = [
            "https://App.Example.com",
            "https://app.example.com:443",
            "http://localhost:80",
            "https://app.example.com/",
            "https://bücher.example",
            "HTTPS://API.EXAMPLE.COM:443/",
        ]
    )
}

fn origin_null() -> &'static Cors {
    policy!(origins = ["https://app.example.com", "null"])
}

fn origin_wildcard_in_list() -> &'static Cors {
    policy!(origins = ["https://app.example.com", "*"])
}

fn origin_with_non_http_scheme() -> &'static Cors {
    policy!(origins = ["ftp://files.example.com", "chrome-extension://abcdefghijklmnop"])
}

fn origin_with_path_query_or_fragment() -> &'static Cors {
    policy!(
        origins = [
            "https://app.example.com/app",
            "https://app.example.com?x=1",
            "https://app.example.com/#top",
        ]
    )
}

fn origin_with_userinfo() -> &'static Cors {
    policy!(origins = ["https://user:secret@app.example.com"])
}

fn origin_without_scheme() -> &'static Cors {
    policy!(origins = ["app.example.com", "localhost:3000"])
}

fn origins_and_origins_env() -> &'static Cors {
    policy!(origins = ["https://app.example.com"], origins_env = "ALLOWED_ORIGINS")
}

fn origins_empty_list() -> &'static Cors {
    policy!(origins = [])
}

fn origins_env_empty_name() -> &'static Cors {
    policy!(origins_env = "")
}

fn origins_env_invalid_name() -> &'static Cors {
    policy!(origins_env = "1BAD")
}

fn origins_env_invalid_name_2() -> &'static Cors {
    policy!(origins_env = "ALLOWED-ORIGINS")
}

fn origins_joined_in_one_literal() -> &'static Cors {
    policy!(origins = ["https://a.example.com;https://b.example.com"])
}

fn origins_not_a_list() -> &'static Cors {
    policy!(origins = "https://app.example.com")
}

fn several_errors_at_once() -> &'static Cors {
    policy!(
        origins = ["https://App.example.com", "null"],
        credentials,
        headers = "*",
        methods = ["get"],
        max_age = 100000,
        expose = ["x-request-id"],
    )
}

fn unknown_key_typo() -> &'static Cors {
    policy!(origin = ["https://app.example.com"])
}

fn unknown_key() -> &'static Cors {
    policy!(allow_private_network, origins = ["https://app.example.com"])
}

fn wildcard_in_header_or_method_list() -> &'static Cors {
    policy!(headers = ["content-type", "*"], methods = ["*"], expose_headers = ["*"])
}

const ADMIN: &str = "https://admin.example.com";

fn origins_not_a_list_2() -> &'static Cors {
    policy!(origins = ["https://app.example.com", ADMIN])
}

macro_rules! aws {
    ($name:ident, $origin:literal) => {
        fn $name() -> &'static Cors {
            policy!(origins = [$origin], credentials)
        }
    };
}

aws!(function_urls, "https://*.lambda-url.eu-central-2.on.aws");
aws!(function_urls_new_region, "https://*.lambda-url.ap-southeast-5.on.aws");
aws!(function_urls_listed_region, "https://*.lambda-url.us-east-1.on.aws");
aws!(on_aws, "https://*.on.aws");
aws!(api_gateway, "https://*.execute-api.us-east-1.amazonaws.com");
aws!(s3_website_dash, "http://*.s3-website-us-east-1.amazonaws.com");
aws!(s3_website_dot, "http://*.s3-website.eu-west-1.amazonaws.com");
aws!(amazonaws, "https://*.amazonaws.com");
aws!(cloudfront, "https://*.cloudfront.net");
aws!(amplify, "https://*.amplifyapp.com");
aws!(app_runner, "https://*.us-east-1.awsapprunner.com");
aws!(load_balancers, "https://*.us-west-2.elb.amazonaws.com");
aws!(beanstalk, "https://*.elasticbeanstalk.com");
aws!(cognito, "https://*.auth.us-east-1.amazoncognito.com");

fn main() {}
