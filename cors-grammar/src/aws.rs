//! The zones where AWS gives hostnames to any customer. With credentials, a subdomain pattern over one
//! of them would let every AWS customer's site read the API's users' data, so it is refused, whether or
//! not the Public Suffix List lists the zone yet (it lacks Function URLs in many regions, for one).
//!
//! A zone is written as the hostnames are: `<...>` stands for one label AWS or the customer chooses
//! (`lambda-url.<region>.on.aws`), or for the rest of a label (`s3-website-<region>.amazonaws.com`).
//! A pattern's base is refused when it is a zone or an ancestor of one (`lambda-url.<region>.on.aws`,
//! `<region>.on.aws`, `on.aws`); one under a single customer's name (`d1234abcd.amplifyapp.com`, one
//! Amplify app) is not.

use std::fmt;

/// One service's zone.
struct Zone {
    /// The zone, with placeholders.
    zone: &'static str,
    /// The service that gives out names there.
    service: &'static str,
    /// What one customer's name looks like, for the error's "list the exact origins".
    example: &'static str,
}

/// Each from the service's documentation of its default hostnames (cited beside each group).
const ZONES: &[Zone] = &[
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html: "Function URL endpoints have the
    // following format: https://<url-id>.lambda-url.<region>.on.aws"
    zone(
        "lambda-url.<region>.on.aws",
        "AWS Lambda function URLs",
        "https://<url-id>.lambda-url.<region>.on.aws",
    ),
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html:
    // "https://api-id.execute-api.region.amazonaws.com/stage/"; China:
    // https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html; private APIs:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html
    zone(
        "execute-api.<region>.amazonaws.com",
        "Amazon API Gateway",
        "https://<api-id>.execute-api.<region>.amazonaws.com",
    ),
    zone(
        "execute-api.<region>.amazonaws.com.cn",
        "Amazon API Gateway",
        "https://<api-id>.execute-api.<region>.amazonaws.com.cn",
    ),
    zone(
        "execute-api.<region>.vpce.amazonaws.com",
        "Amazon API Gateway private APIs",
        "https://<vpce-id>.execute-api.<region>.vpce.amazonaws.com",
    ),
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html:
    // "http://bucket-name.s3-website-Region.amazonaws.com ... http://bucket-name.s3-website.Region.amazonaws.com"
    zone(
        "s3-website-<region>.amazonaws.com",
        "Amazon S3 website endpoints",
        "http://<bucket>.s3-website-<region>.amazonaws.com",
    ),
    zone(
        "s3-website.<region>.amazonaws.com",
        "Amazon S3 website endpoints",
        "http://<bucket>.s3-website.<region>.amazonaws.com",
    ),
    zone(
        "s3-website.dualstack.<region>.amazonaws.com",
        "Amazon S3 website endpoints",
        "http://<bucket>.s3-website.dualstack.<region>.amazonaws.com",
    ),
    zone(
        "s3-website.<region>.amazonaws.com.cn",
        "Amazon S3 website endpoints",
        "http://<bucket>.s3-website.<region>.amazonaws.com.cn",
    ),
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html: "accessible ... at
    // https://bucket-name.s3.region-code.amazonaws.com"
    zone(
        "s3.<region>.amazonaws.com",
        "Amazon S3 buckets",
        "https://<bucket>.s3.<region>.amazonaws.com",
    ),
    zone(
        "s3.dualstack.<region>.amazonaws.com",
        "Amazon S3 buckets",
        "https://<bucket>.s3.dualstack.<region>.amazonaws.com",
    ),
    zone(
        "s3-<region>.amazonaws.com",
        "Amazon S3 buckets",
        "https://<bucket>.s3-<region>.amazonaws.com",
    ),
    zone(
        "s3-accesspoint.<region>.amazonaws.com",
        "Amazon S3 access points",
        "https://<name>-<account>.s3-accesspoint.<region>.amazonaws.com",
    ),
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LinkFormat.html: "The domain name,
    // such as d111111abcdef8.cloudfront.net, that CloudFront automatically assigns"
    zone(
        "cloudfront.net",
        "Amazon CloudFront",
        "https://<id>.cloudfront.net",
    ),
    // https://docs.aws.amazon.com/amplify/latest/userguide/wildcard-subdomain-support.html ("the default
    // amplifyapp.com domain"); app IDs, https://docs.aws.amazon.com/amplify/latest/APIReference/API_App.html
    zone(
        "amplifyapp.com",
        "AWS Amplify Hosting",
        "https://<branch>.<app-id>.amplifyapp.com",
    ),
    // https://docs.aws.amazon.com/apprunner/latest/dg/manage-custom-domains.html: "a subdomain in the
    // awsapprunner.com domain"
    zone(
        "<region>.awsapprunner.com",
        "AWS App Runner",
        "https://<id>.<region>.awsapprunner.com",
    ),
    // https://docs.amazonaws.cn/en_us/elasticloadbalancing/latest/classic/elb-internet-facing-load-balancers.html:
    // "name-1234567890.region.elb.amazonaws.com"; Network Load Balancers put the region after `elb`.
    zone(
        "<region>.elb.amazonaws.com",
        "Elastic Load Balancing",
        "https://<name>-<id>.<region>.elb.amazonaws.com",
    ),
    zone(
        "elb.<region>.amazonaws.com",
        "Elastic Load Balancing",
        "https://<name>-<id>.elb.<region>.amazonaws.com",
    ),
    zone(
        "<region>.elb.amazonaws.com.cn",
        "Elastic Load Balancing",
        "https://<name>-<id>.<region>.elb.amazonaws.com.cn",
    ),
    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/customdomains.html: "available ... at a
    // subdomain of elasticbeanstalk.com ... region.elasticbeanstalk.com"
    zone(
        "<region>.elasticbeanstalk.com",
        "AWS Elastic Beanstalk",
        "https://<environment>.<region>.elasticbeanstalk.com",
    ),
    zone(
        "<region>.eb.amazonaws.com.cn",
        "AWS Elastic Beanstalk",
        "https://<environment>.<region>.eb.amazonaws.com.cn",
    ),
    // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html:
    // "prefix.auth.AWS Region code.amazoncognito.com"
    zone(
        "auth.<region>.amazoncognito.com",
        "Amazon Cognito hosted UI",
        "https://<prefix>.auth.<region>.amazoncognito.com",
    ),
    zone(
        "auth-fips.<region>.amazoncognito.com",
        "Amazon Cognito hosted UI",
        "https://<prefix>.auth-fips.<region>.amazoncognito.com",
    ),
    // https://docs.aws.amazon.com/global-accelerator/latest/dg/dns-addressing-custom-domains.dns-addressing.html:
    // "similar to a1234567890abcdef.awsglobalaccelerator.com"
    zone(
        "dualstack.awsglobalaccelerator.com",
        "AWS Global Accelerator",
        "https://<id>.awsglobalaccelerator.com",
    ),
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hostname-types.html (public DNS names)
    zone(
        "<region>.compute.amazonaws.com",
        "Amazon EC2 public DNS",
        "http://ec2-<ip>.<region>.compute.amazonaws.com",
    ),
    zone(
        "compute-1.amazonaws.com",
        "Amazon EC2 public DNS",
        "http://ec2-<ip>.compute-1.amazonaws.com",
    ),
    zone(
        "<region>.compute.amazonaws.com.cn",
        "Amazon EC2 public DNS",
        "http://ec2-<ip>.<region>.compute.amazonaws.com.cn",
    ),
    // https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/API_CreateContainerService.html:
    // "https://<ServiceName>.<RandomGUID>.<AWSRegion>.cs.amazonlightsail.com"
    zone(
        "<region>.cs.amazonlightsail.com",
        "Amazon Lightsail container services",
        "https://<service>.<guid>.<region>.cs.amazonlightsail.com",
    ),
    // https://docs.aws.amazon.com/signin/latest/userguide/iam-id-center-sign-in-tutorial.html:
    // "https://d-xxxxxxxxxx.awsapps.com/start or https://your_subdomain.awsapps.com/start"
    zone(
        "awsapps.com",
        "AWS IAM Identity Center access portals",
        "https://<alias>.awsapps.com",
    ),
    // https://docs.aws.amazon.com/transfer/latest/APIReference/API_ListedWebApp.html (access endpoints)
    zone(
        "transfer-webapp.<region>.on.aws",
        "AWS Transfer Family web apps",
        "https://<id>.transfer-webapp.<region>.on.aws",
    ),
    // https://docs.amazonaws.cn/en_us/appsync/latest/devguide/custom-domain-name.html:
    // "https://example1234567890000.appsync-api.us-east-1.amazonaws.com/graphql"
    zone(
        "appsync-api.<region>.amazonaws.com",
        "AWS AppSync",
        "https://<id>.appsync-api.<region>.amazonaws.com",
    ),
    // VPC Lattice service names: `<service>-<id>.<hash>.vpc-lattice-svcs.<region>.on.aws`.
    zone(
        "vpc-lattice-svcs.<region>.on.aws",
        "Amazon VPC Lattice",
        "https://<service>-<id>.<hash>.vpc-lattice-svcs.<region>.on.aws",
    ),
];

/// AWS's own zones, under which its services give customers names at many depths, and will under
/// services yet to come: a pattern at or under one is refused even where no service above names it.
const GENERAL: &[&str] = &[
    "amazonaws.com",
    "amazonaws.com.cn",
    "amazonaws.eu",
    "on.aws",
    "on.amazonwebservices.com.cn",
    "on.amazonwebservices.eu",
    "sagemaker.aws",
    "sagemaker.com.cn",
    "amazonlightsail.com",
    "repost.aws",
];

/// The domains of AWS's dedicated zones above: under them, past the zone, a name is one customer's.
const DEDICATED: &[&str] = &[
    "cloudfront.net",
    "amplifyapp.com",
    "awsapprunner.com",
    "elasticbeanstalk.com",
    "amazoncognito.com",
    "awsglobalaccelerator.com",
    "awsapps.com",
];

const fn zone(zone: &'static str, service: &'static str, example: &'static str) -> Zone {
    Zone {
        zone,
        service,
        example,
    }
}

/// Why a base is an AWS zone strangers get names under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsZone {
    base: String,
    /// The services' zones the base is, or is over, in the order of [`ZONES`].
    covered: Vec<&'static Zone>,
    /// The AWS domain the base is at or under.
    domain: &'static str,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.zone == other.zone
    }
}

impl Eq for Zone {}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zone)
    }
}

impl AwsZone {
    /// The first service zone the base is or is over, with its placeholders as AWS documents its
    /// hostnames (`lambda-url.<region>.on.aws`); for a base under no known service, the AWS domain it is
    /// under (`amazonaws.com`).
    pub fn zone(&self) -> &'static str {
        self.covered.first().map_or(self.domain, |zone| zone.zone)
    }

    /// The AWS service that gives out names there, when one is known for the base.
    pub fn service(&self) -> Option<&'static str> {
        self.covered.first().map(|zone| zone.service)
    }

    /// What one customer's origin there looks like, when the base is over one service's zone only, with
    /// the base's own labels where it has them: `https://<url-id>.lambda-url.eu-central-2.on.aws`.
    pub fn example(&self) -> Option<String> {
        let [zone] = self.covered.as_slice() else {
            return None;
        };
        // When the base is the zone itself, its labels fill the placeholders: examples end with their
        // zone, so the base takes the zone's place.
        let same_depth = zone.zone.split('.').count() == self.base.split('.').count();
        let example = match zone.example.strip_suffix(zone.zone) {
            Some(customer) if same_depth => format!("{customer}{}", self.base),
            _ => zone.example.to_owned(),
        };
        Some(example)
    }
}

impl fmt::Display for AwsZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Zones a message names before it counts the rest.
        const SHOWN: usize = 3;
        let base = &self.base;
        match self.covered.as_slice() {
            [] => write!(
                f,
                "`{base}` is under `{}`, where AWS services give names to every customer",
                self.domain
            )?,
            [zone] => write!(
                f,
                "`{base}` is in the zone of {} (`{}`), where AWS gives names to every customer",
                zone.service, zone.zone
            )?,
            zones => {
                write!(
                    f,
                    "`{base}` is over zones where AWS gives names to every customer: "
                )?;
                for (index, zone) in zones.iter().take(SHOWN).enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{}` ({})", zone.zone, zone.service)?;
                }
                if zones.len() > SHOWN {
                    write!(f, " and {} more", zones.len() - SHOWN)?;
                }
            }
        }
        f.write_str(", so this would let any AWS customer's site read your users' data")
    }
}

/// The AWS zone `base` (a pattern's base, lowercase ASCII) is, or is over, if any. Bases over AWS's own
/// domains (`com`, `aws`) are left to the Public Suffix List.
///
/// ```
/// use cors_grammar::aws_zone;
///
/// // Function URLs in a region the Public Suffix List does not list (yet), and the parents.
/// for base in ["lambda-url.eu-central-2.on.aws", "eu-central-2.on.aws", "on.aws", "amazonaws.com"] {
///     assert!(aws_zone(base).is_some(), "{base}");
/// }
/// assert_eq!(aws_zone("lambda-url.eu-central-2.on.aws").unwrap().zone(), "lambda-url.<region>.on.aws");
/// // One customer's own name: one Amplify app's branches.
/// assert!(aws_zone("d1234abcd.amplifyapp.com").is_none());
/// assert!(aws_zone("amplifyapp.com").is_some());
/// assert!(aws_zone("example.com").is_none());
/// assert!(aws_zone("com").is_none());
/// ```
pub fn aws_zone(base: &str) -> Option<AwsZone> {
    let domain: &'static str = GENERAL.iter().chain(DEDICATED).copied().find(|domain| {
        base == *domain
            || base
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.'))
    })?;
    let covered: Vec<&'static Zone> = ZONES
        .iter()
        .filter(|zone| covers(base, zone.zone))
        .collect();
    if covered.is_empty() && !GENERAL.contains(&domain) {
        // Under a dedicated zone, past it: one customer's own name.
        return None;
    }
    Some(AwsZone {
        base: base.to_owned(),
        covered,
        domain,
    })
}

/// Whether `base` is `zone` or an ancestor of a name it describes: its labels are the zone's last ones.
fn covers(base: &str, zone: &str) -> bool {
    let mut base = base.rsplit('.');
    let mut zone = zone.rsplit('.');
    loop {
        match (base.next(), zone.next()) {
            (None, _) => return true,
            (Some(_), None) => return false,
            (Some(label), Some(pattern)) if !label_matches(label, pattern) => return false,
            _ => {}
        }
    }
}

/// `label` against one label of a zone: `<region>` matches a region's name (`us-east-1`,
/// `us-gov-west-1`, `eusc-de-east-1`), `s3-website-<region>` that after its start, anything else only
/// itself.
fn label_matches(label: &str, pattern: &str) -> bool {
    match pattern.split_once("<region>") {
        Some((prefix, _)) => label.strip_prefix(prefix).is_some_and(is_region),
        None => label == pattern,
    }
}

/// Whether `label` is shaped like an AWS region: letters, then words, then a number (`ap-southeast-5`).
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    !middle.is_empty()
        && (2..=4).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && middle
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_zone_and_its_ancestors_are_refused_but_not_one_customers_name() {
        for zone in ZONES {
            let instance = zone.zone.replace("<region>", "ap-southeast-5");
            let aws_domain = |base: &str| {
                GENERAL
                    .iter()
                    .chain(DEDICATED)
                    .any(|domain| base == *domain || base.ends_with(&format!(".{domain}")))
            };
            let mut base = instance.as_str();
            while aws_domain(base) {
                assert!(aws_zone(base).is_some(), "{base} (from {})", zone.zone);
                match base.split_once('.') {
                    Some((_, parent)) => base = parent,
                    None => break,
                }
            }
            // Above AWS's domains (`com`, `aws`), the Public Suffix List decides.
            assert!(aws_zone(base).is_none(), "{base}");
            assert!(aws_domain(&instance), "{}: under no AWS domain", zone.zone);
            let customer = format!("customer-1234.{instance}");
            let covered_by_general = GENERAL
                .iter()
                .any(|general| customer.ends_with(&format!(".{general}")));
            assert_eq!(
                aws_zone(&customer).is_some(),
                covered_by_general,
                "{customer}: only AWS's general zones refuse names under one customer's"
            );
        }
    }

    #[test]
    fn placeholders_match_whole_labels_or_their_rest() {
        assert!(covers(
            "s3-website-us-east-1.amazonaws.com",
            "s3-website-<region>.amazonaws.com"
        ));
        assert!(!covers(
            "s3-website-.amazonaws.com",
            "s3-website-<region>.amazonaws.com"
        ));
        assert!(!covers(
            "s3-websites.amazonaws.com",
            "s3-website-<region>.amazonaws.com"
        ));
        assert!(covers(
            "us-east-1.awsapprunner.com",
            "<region>.awsapprunner.com"
        ));
        assert!(covers(
            "us-gov-west-1.awsapprunner.com",
            "<region>.awsapprunner.com"
        ));
        assert!(!covers(
            "abc.us-east-1.awsapprunner.com",
            "<region>.awsapprunner.com"
        ));
        // A region is a region's name, not any label.
        assert!(!covers(
            "s3-website-us-east-1.amazonaws.com",
            "execute-api.<region>.amazonaws.com"
        ));
        assert!(!covers(
            "my-app.awsapprunner.com",
            "<region>.awsapprunner.com"
        ));
        assert!(!covers("example.com", "cloudfront.net"));
        assert!(aws_zone("notamazonaws.com").is_none());
        assert!(aws_zone("amazonaws.com.evil.net").is_none());
    }
}
