// With credentials, a pattern over a zone where AWS gives names to any customer is refused, whether or
// not the Public Suffix List lists the zone yet (Function URLs in eu-central-2 and ap-southeast-5 are
// missing from it).
use cors_runtime::cors;
use lambda_http::{Body, Error, Request, Response};

macro_rules! handler {
    ($name:ident, $origin:literal) => {
        #[cors(origins = [$origin], credentials)]
        async fn $name(_event: Request) -> Result<Response<Body>, Error> {
            Ok(Response::new(Body::Empty))
        }
    };
}

handler!(function_urls, "https://*.lambda-url.eu-central-2.on.aws");
handler!(function_urls_new_region, "https://*.lambda-url.ap-southeast-5.on.aws");
handler!(function_urls_listed_region, "https://*.lambda-url.us-east-1.on.aws");
handler!(on_aws, "https://*.on.aws");
handler!(api_gateway, "https://*.execute-api.us-east-1.amazonaws.com");
handler!(s3_website_dash, "http://*.s3-website-us-east-1.amazonaws.com");
handler!(s3_website_dot, "http://*.s3-website.eu-west-1.amazonaws.com");
handler!(amazonaws, "https://*.amazonaws.com");
handler!(cloudfront, "https://*.cloudfront.net");
handler!(amplify, "https://*.amplifyapp.com");
handler!(app_runner, "https://*.us-east-1.awsapprunner.com");
handler!(load_balancers, "https://*.us-west-2.elb.amazonaws.com");
handler!(beanstalk, "https://*.elasticbeanstalk.com");
handler!(cognito, "https://*.auth.us-east-1.amazoncognito.com");

fn main() {}
