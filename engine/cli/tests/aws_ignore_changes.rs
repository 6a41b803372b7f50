//! `lifecycle { ignore_changes }` on AWS attributes through the real binary against moto:
//! in-place and force-new arguments, nested blocks, tags next to `default_tags`, and `all`.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use common::{Run, Work};

fn run(w: &Work, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["-no-color", "-no-cost"]);
    w.run_env(
        &all,
        &[
            ("AWS_ENDPOINT_URL", &support::moto_url()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
    )
}

/// The stack with its arguments at version `v` (1 or 2) and the given lifecycle rules.
fn stack(bucket: &str, v: u8, rules: &[&str; 4]) -> String {
    let lc = |r: &str| match r {
        "" => String::new(),
        r => format!("  lifecycle {{\n    ignore_changes = {r}\n  }}\n"),
    };
    format!(
        r#"
provider "aws" {{
  region            = "us-east-1"
  s3_use_path_style = true
  default_tags {{
    tags = {{ Team = "core" }}
  }}
}}
resource "aws_vpc" "v" {{
  cidr_block           = "10.91.0.0/16"
  enable_dns_hostnames = {dns}
  tags                 = {{ Name = "vpc-{v}" }}
{vpc_lc}}}
resource "aws_subnet" "s" {{
  vpc_id                  = aws_vpc.v.id
  cidr_block              = "10.91.{v}.0/24"
  map_public_ip_on_launch = {public}
{subnet_lc}}}
resource "aws_security_group" "g" {{
  vpc_id      = aws_vpc.v.id
  description = "group {v}"
  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
{sg_lc}}}
resource "aws_s3_bucket" "b" {{
  bucket = "{bucket}"
  tags   = {{ Version = "{v}" }}
{bucket_lc}}}
"#,
        dns = v == 2,
        public = v == 2,
        port = 8000 + u16::from(v),
        vpc_lc = lc(rules[0]),
        subnet_lc = lc(rules[1]),
        sg_lc = lc(rules[2]),
        bucket_lc = lc(rules[3]),
    )
}

#[test]
fn ignored_aws_attributes_plan_no_change() {
    let bucket = format!("ignore-{}", support::compute::unique("b").to_lowercase());
    let none = ["", "", "", ""];
    let w = Work::new(&[("main.tf", &stack(&bucket, 1, &none))]);
    run(&w, &["apply", "-auto-approve"]).expect(0);

    // The control: version 2 changes every resource (in place and force-new).
    w.write("main.tf", &stack(&bucket, 2, &none));
    let r = run(&w, &["plan", "-detailed-exitcode"]).expect(2);
    let out = r.stdout();
    for addr in [
        "aws_vpc.v",
        "aws_subnet.s",
        "aws_security_group.g",
        "aws_s3_bucket.b",
    ] {
        assert!(
            out.contains(&format!("# {addr} ")),
            "{addr} unchanged:\n{out}"
        );
    }

    let rules = [
        "[tags, enable_dns_hostnames]",
        "[cidr_block, map_public_ip_on_launch]",
        "[description, ingress]",
        "all",
    ];
    w.write("main.tf", &stack(&bucket, 2, &rules));
    let r = run(&w, &["plan", "-detailed-exitcode"]).expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());

    // tags_all still follows default_tags when only `tags` is ignored.
    let st = w.state();
    let vpc = st["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "aws_vpc"))
        .expect("vpc");
    assert_eq!(
        vpc["instances"][0]["attributes"]["tags_all"]["Team"],
        "core"
    );

    // Applying an in-place update keeps the ignored attributes as they are: apply plans the
    // instance again as the plan did, ignore_changes included.
    let rules = ["[tags]", "", "", "all"];
    w.write("main.tf", &stack(&bucket, 2, &rules));
    run(&w, &["apply", "-auto-approve"]).expect(0);
    let st = w.state();
    let vpc = st["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "aws_vpc"))
        .expect("vpc");
    let attrs = &vpc["instances"][0]["attributes"];
    assert_eq!(attrs["enable_dns_hostnames"], true, "{attrs}");
    assert_eq!(attrs["tags"]["Name"], "vpc-1", "{attrs}");
    run(&w, &["plan", "-detailed-exitcode"]).expect(0);
    run(&w, &["destroy", "-auto-approve"]).expect(0);
}
