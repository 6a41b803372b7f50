//! The AWS provider through the real binary against moto: aliased provider blocks in two
//! regions, `import` blocks, partial creation recorded as tainted, and an apply that
//! converges while a fifth of all API calls fail.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::{aws_config, aws_credential_types, aws_sdk_ec2, aws_types};
use common::{Run, Work};
use support::proxy::Proxy;

/// A unique suffix per run (moto may be shared with earlier runs).
fn unique() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

/// Runs autostack against `endpoint` with test credentials.
fn run(w: &Work, endpoint: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.push("-no-color");
    w.run_env(
        &all,
        &[
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
    )
}

async fn ec2_in(region: &str) -> aws_sdk_ec2::Client {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new(region.to_string()))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&conf)
            .endpoint_url(support::moto_url())
            .build(),
    )
}

async fn vpc_exists(region: &str, id: &str) -> bool {
    let out = ec2_in(region)
        .await
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(id)
                .build(),
        )
        .send()
        .await
        .expect("describe vpcs");
    !out.vpcs().is_empty()
}

#[tokio::test(flavor = "multi_thread")]
async fn aliased_providers_in_two_regions() {
    let cfg = r#"
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"

  default_tags {
    tags = { Region = "west" }
  }
}

resource "aws_vpc" "east" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_vpc" "west" {
  provider   = aws.west
  cidr_block = "10.71.0.0/16"
}

output "east" {
  value = aws_vpc.east.id
}

output "west" {
  value = aws_vpc.west.arn
}
"#;
    let w = Work::new(&[("main.tf", cfg)]);
    let moto = support::moto_url();
    run(&w, &moto, &["apply", "-auto-approve"]).expect(0);
    let st = w.state();
    let provider_of = |name: &str| {
        st["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["provider"].as_str().unwrap_or_default().to_string())
            .expect("resource")
    };
    assert_eq!(
        provider_of("west"),
        "provider[\"registry.terraform.io/hashicorp/aws\"].west"
    );
    let id = |name: &str| {
        st["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["instances"][0]["attributes"]["id"].as_str())
            .expect("id")
            .to_string()
    };
    let (east, west) = (id("east"), id("west"));
    assert!(vpc_exists("us-east-1", &east).await);
    assert!(!vpc_exists("us-west-2", &east).await);
    assert!(vpc_exists("us-west-2", &west).await);
    assert!(!vpc_exists("us-east-1", &west).await);
    let west_arn = st["outputs"]["west"]["value"].as_str().expect("arn");
    assert!(west_arn.starts_with("arn:aws:ec2:us-west-2:"), "{west_arn}");
    let west_tags = &st["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["name"] == "west")
        .expect("west")["instances"][0]["attributes"]["tags_all"];
    assert_eq!(west_tags["Region"], "west");
    run(&w, &moto, &["plan", "-detailed-exitcode"]).expect(0);
    run(&w, &moto, &["destroy", "-auto-approve"]).expect(0);
    assert!(!vpc_exists("us-west-2", &west).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn import_blocks_adopt_existing_objects() {
    let ec2 = support::ec2().await;
    let n = unique();
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.80.0.0/16")
        .send()
        .await
        .expect("vpc")
        .vpc()
        .and_then(|v| v.vpc_id().map(str::to_string))
        .expect("vpc id");
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.80.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .expect("subnet")
        .subnet()
        .and_then(|s| s.subnet_id().map(str::to_string))
        .expect("subnet id");
    let sg = ec2
        .create_security_group()
        .group_name(format!("imported-{n}"))
        .description("imported")
        .vpc_id(&vpc)
        .send()
        .await
        .expect("sg")
        .group_id()
        .expect("sg id")
        .to_string();
    let cfg = format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

import {{
  to = aws_vpc.main
  id = "{vpc}"
}}

import {{
  to = aws_subnet.a
  id = "{subnet}"
}}

import {{
  to = aws_security_group.sg
  id = "{sg}"
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.80.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.1.0/24"
  availability_zone = "us-east-1a"
}}

resource "aws_security_group" "sg" {{
  name        = "imported-{n}"
  description = "imported"
  vpc_id      = aws_vpc.main.id
}}
"#
    );
    let w = Work::new(&[("main.tf", &cfg)]);
    let moto = support::moto_url();
    let r = run(&w, &moto, &["plan"]).expect(0);
    let out = r.stdout();
    assert!(out.contains("# aws_vpc.main will be imported"), "{out}");
    assert!(
        out.contains("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy."),
        "{out}"
    );
    let r = run(&w, &moto, &["apply", "-auto-approve"]).expect(0);
    assert!(
        r.stdout()
            .contains("Apply complete! Resources: 3 imported, 0 added, 0 changed, 0 destroyed."),
        "{}",
        r.stdout()
    );
    run(&w, &moto, &["plan", "-detailed-exitcode"]).expect(0);
    run(&w, &moto, &["destroy", "-auto-approve"]).expect(0);
    assert!(!vpc_exists("us-east-1", &vpc).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_creation_is_recorded_as_tainted() {
    let cfg = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.90.0.0/16"
  enable_dns_hostnames = true
}
"#;
    let w = Work::new(&[("main.tf", cfg)]);
    let proxy = Proxy::start(&support::moto_url(), 0).await;
    proxy.reject("ModifyVpcAttribute", "UnauthorizedOperation");
    let r = run(&w, &proxy.url, &["apply", "-auto-approve"]).expect(1);
    let err = r.stderr();
    assert!(
        err.contains("creating EC2 VPC: UnauthorizedOperation"),
        "{err}"
    );
    assert!(err.contains("Rejected by the test proxy."), "{err}");
    assert!(err.contains("with aws_vpc.main"), "{err}");
    let st = w.state();
    let inst = &st["resources"][0]["instances"][0];
    assert_eq!(inst["status"], "tainted");
    let id = inst["attributes"]["id"].as_str().expect("id").to_string();
    assert!(vpc_exists("us-east-1", &id).await);
    // Without the fault, the tainted VPC is replaced.
    let moto = support::moto_url();
    let r = run(&w, &moto, &["apply", "-auto-approve"]).expect(0);
    let out = r.stdout();
    assert!(
        out.contains("# aws_vpc.main is tainted, so must be replaced"),
        "{out}"
    );
    assert!(!vpc_exists("us-east-1", &id).await);
    run(&w, &moto, &["destroy", "-auto-approve"]).expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_converges_while_a_fifth_of_calls_fail() {
    let n = unique();
    let cfg = format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.100.0.0/16"
  tags       = {{ Name = "faulty-{n}" }}
}}

resource "aws_subnet" "s" {{
  count      = 4
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}}

resource "aws_security_group" "sg" {{
  name   = "faulty-{n}"
  vpc_id = aws_vpc.main.id

  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.main.id
}}
"#
    );
    let w = Work::new(&[("main.tf", &cfg)]);
    let proxy = Proxy::start(&support::moto_url(), 20).await;
    run(&w, &proxy.url, &["apply", "-auto-approve"]).expect(0);
    run(&w, &proxy.url, &["plan", "-detailed-exitcode"]).expect(0);
    run(&w, &proxy.url, &["destroy", "-auto-approve"]).expect(0);
    assert!(proxy.faults() >= 5, "faults injected: {}", proxy.faults());
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_credentials_and_their_absence() {
    let cfg = |profile: &str| {
        format!(
            "provider \"aws\" {{\n  profile                 = \"{profile}\"\n  skip_metadata_api_check = true\n}}\n\nresource \"aws_vpc\" \"p\" {{\n  cidr_block = \"10.110.0.0/16\"\n}}\n"
        )
    };
    let w = Work::new(&[
        ("main.tf", &cfg("moto")),
        (
            "aws/config",
            "[profile moto]\nregion = us-east-1\n\n[profile empty]\nregion = us-east-1\n",
        ),
        (
            "aws/credentials",
            "[moto]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        ),
    ]);
    let files = |w: &Work| {
        (
            w.path().join("aws/config").display().to_string(),
            w.path().join("aws/credentials").display().to_string(),
        )
    };
    let (config, creds) = files(&w);
    let moto = support::moto_url();
    let env = [
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    // The region and keys come from the named profile of the shared files.
    let r = w.run_env(&["apply", "-auto-approve", "-no-color"], &env);
    let r = r.expect(0);
    assert!(r.stdout().contains("1 added"), "{}", r.stdout());
    w.run_env(&["destroy", "-auto-approve", "-no-color"], &env)
        .expect(0);
    // A profile without keys: a clear error naming what to set, exit 1.
    w.write("main.tf", &cfg("empty"));
    let r = w.run_env(&["plan", "-no-color"], &env).expect(1);
    assert!(
        r.stderr()
            .contains("Retrieving AWS account details: validating provider credentials"),
        "{}",
        r.stderr()
    );
}

#[test]
fn bad_provider_blocks_are_located_errors() {
    let cases = [
        (
            "provider \"aws\" {\n  region     = \"us-east-1\"\n  access_key = \"x\"\n}\n",
            "access_key and secret_key must be set together.",
        ),
        (
            "provider \"aws\" {\n  access_key = \"x\"\n  secret_key = \"y\"\n}\n",
            "The \"region\" attribute or the \"AWS_REGION\"",
        ),
        (
            "provider \"aws\" {\n  region      = \"us-east-1\"\n  max_retries = \"many\"\n}\n",
            "Inappropriate value for attribute \"max_retries\"",
        ),
    ];
    for (provider, message) in cases {
        let cfg = format!(
            "{provider}\nresource \"aws_vpc\" \"v\" {{\n  cidr_block = \"10.0.0.0/16\"\n}}\n{CALL}"
        );
        let w = Work::new(&[("main.tf", &cfg), ("mod/main.tf", MODULE)]);
        let r = w.run_env(
            &["plan", "-no-color"],
            &[
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("AWS_REGION", ""),
                ("AWS_DEFAULT_REGION", ""),
            ],
        );
        let r = r.expect(1);
        let err = r.stderr();
        assert!(err.contains(message), "{err}");
        assert!(err.contains("on main.tf line"), "not located:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        // The provider's error alone: nothing that uses the provider adds errors of its own.
        assert_eq!(err.matches("Error: ").count(), 1, "{err}");
    }
}

/// A public module's shape: `count = local.create ? 1 : 0` over a defaulted variable.
const MODULE: &str = "variable \"create\" {\n  default = true\n}\nlocals {\n  create = var.create\n}\nresource \"aws_vpc\" \"m\" {\n  count      = local.create ? 1 : 0\n  cidr_block = \"10.1.0.0/16\"\n}\noutput \"id\" {\n  value = try(aws_vpc.m[0].id, null)\n}\n";

/// The module's call and an output reading it.
const CALL: &str =
    "module \"m\" {\n  source = \"./mod\"\n}\noutput \"m\" {\n  value = module.m.id\n}\n";

/// hashicorp/aws's whole provider block plans and applies: endpoints for services this
/// provider never calls (`iam`, common in configurations written for emulators), an assumed
/// role (whose account the caller identity reports), and the rest of the schema.
#[tokio::test(flavor = "multi_thread")]
async fn terraforms_whole_provider_block_is_accepted() {
    let moto = support::moto_url();
    let cfg = format!(
        r#"provider "aws" {{
  region                   = "us-east-1"
  retry_mode               = "adaptive"
  max_retries              = 5
  sts_region               = "us-east-1"
  use_fips_endpoint        = false
  insecure                 = false
  http_proxy               = ""
  skip_region_validation   = true
  skip_metadata_api_check  = true
  allowed_account_ids      = ["111111111111"]
  token_bucket_rate_limiter_capacity = 10000

  endpoints {{
    iam    = "{moto}"
    ec2    = "{moto}"
    s3     = "{moto}"
    sts    = "{moto}"
    lambda = "{moto}"
  }}

  assume_role {{
    role_arn     = "arn:aws:iam::111111111111:role/deployer"
    session_name = "ci"
    duration     = "1h"
  }}

  ignore_tags {{
    key_prefixes = ["kubernetes.io/"]
  }}

  default_tags {{
    tags = {{ Project = "p" }}
  }}
}}

data "aws_caller_identity" "me" {{}}

output "account" {{
  value = data.aws_caller_identity.me.account_id
}}
"#
    );
    let w = Work::new(&[("main.tf", &cfg)]);
    let r = run(&w, &moto, &["apply", "-auto-approve"]).expect(0);
    assert!(
        r.stdout().contains("account = \"111111111111\""),
        "{}",
        r.stdout()
    );
    // The account check names the account, at the provider block.
    let denied = cfg.replace("[\"111111111111\"]", "[\"999999999999\"]");
    let w = Work::new(&[("main.tf", &denied)]);
    let r = run(&w, &moto, &["plan"]).expect(1);
    let err = r.stderr();
    assert!(
        err.contains("AWS account ID not allowed: 111111111111"),
        "{err}"
    );
    assert!(err.contains("on main.tf line 1"), "not located:\n{err}");
}
