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

// Every other zone AWS documents (cors-grammar/src/aws.rs cites each).
handler!(zone_execute_api_cn_north_1_amazonaws_com_cn, "https://*.execute-api.cn-north-1.amazonaws.com.cn");
handler!(zone_execute_api_us_east_1_vpce_amazonaws_com, "https://*.execute-api.us-east-1.vpce.amazonaws.com");
handler!(zone_s3_website_us_east_1_amazonaws_com, "http://*.s3-website.us-east-1.amazonaws.com");
handler!(zone_s3_website_dualstack_us_east_1_amazonaws_com, "http://*.s3-website.dualstack.us-east-1.amazonaws.com");
handler!(zone_s3_website_cn_north_1_amazonaws_com_cn, "http://*.s3-website.cn-north-1.amazonaws.com.cn");
handler!(zone_s3_us_east_1_amazonaws_com, "https://*.s3.us-east-1.amazonaws.com");
handler!(zone_s3_dualstack_us_east_1_amazonaws_com, "https://*.s3.dualstack.us-east-1.amazonaws.com");
handler!(zone_s3_dash_us_east_1_amazonaws_com, "https://*.s3-us-east-1.amazonaws.com");
handler!(zone_s3_accesspoint_us_east_1_amazonaws_com, "https://*.s3-accesspoint.us-east-1.amazonaws.com");
handler!(zone_us_east_1_elb_amazonaws_com, "https://*.us-east-1.elb.amazonaws.com");
handler!(zone_elb_us_east_1_amazonaws_com, "https://*.elb.us-east-1.amazonaws.com");
handler!(zone_cn_north_1_elb_amazonaws_com_cn, "https://*.cn-north-1.elb.amazonaws.com.cn");
handler!(zone_us_east_1_elasticbeanstalk_com, "https://*.us-east-1.elasticbeanstalk.com");
handler!(zone_cn_north_1_eb_amazonaws_com_cn, "https://*.cn-north-1.eb.amazonaws.com.cn");
handler!(zone_auth_fips_us_east_1_amazoncognito_com, "https://*.auth-fips.us-east-1.amazoncognito.com");
handler!(zone_dualstack_awsglobalaccelerator_com, "https://*.dualstack.awsglobalaccelerator.com");
handler!(zone_us_east_1_compute_amazonaws_com, "http://*.us-east-1.compute.amazonaws.com");
handler!(zone_compute_1_amazonaws_com, "http://*.compute-1.amazonaws.com");
handler!(zone_cn_north_1_compute_amazonaws_com_cn, "http://*.cn-north-1.compute.amazonaws.com.cn");
handler!(zone_us_east_1_cs_amazonlightsail_com, "https://*.us-east-1.cs.amazonlightsail.com");
handler!(zone_awsapps_com, "https://*.awsapps.com");
handler!(zone_transfer_webapp_us_east_1_on_aws, "https://*.transfer-webapp.us-east-1.on.aws");
handler!(zone_appsync_api_us_east_1_amazonaws_com, "https://*.appsync-api.us-east-1.amazonaws.com");
handler!(zone_vpc_lattice_svcs_us_east_1_on_aws, "https://*.vpc-lattice-svcs.us-east-1.on.aws");

fn main() {}
