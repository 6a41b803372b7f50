//! Rollback on AWS (moto) through the real binary: an apply that fails part-way (a subnet
//! outside its VPC, after a VPC and a security group were created and another VPC's tags
//! were changed in place) under `-on-error=rollback` leaves the account as it was; then
//! `rollback -to` returns a successful apply to the version before it.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::{aws_config, aws_credential_types, aws_sdk_ec2, aws_types};
use common::{Run, Work};

fn run(w: &Work, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.push("-no-color");
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

async fn ec2() -> aws_sdk_ec2::Client {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("us-east-1"))
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

/// The VPCs, security groups and subnets tagged `Run = run`, as `kind:Name` sorted.
async fn tagged(run: &str) -> Vec<String> {
    use aws_sdk_ec2::types::{Filter, Tag};
    let c = ec2().await;
    let by_run = Filter::builder().name("tag:Run").values(run).build();
    let name = |tags: &[Tag]| {
        let n = tags.iter().find(|t| t.key() == Some("Name"));
        n.and_then(|t| t.value()).unwrap_or_default().to_string()
    };
    let mut out = Vec::new();
    let vpcs = c
        .describe_vpcs()
        .filters(by_run.clone())
        .send()
        .await
        .unwrap();
    out.extend(
        vpcs.vpcs()
            .iter()
            .map(|v| format!("vpc:{}", name(v.tags()))),
    );
    let sgs = c.describe_security_groups().filters(by_run.clone());
    let sgs = sgs.send().await.unwrap();
    out.extend(
        sgs.security_groups()
            .iter()
            .map(|g| format!("sg:{}", name(g.tags()))),
    );
    let subnets = c.describe_subnets().filters(by_run).send().await.unwrap();
    out.extend(
        subnets
            .subnets()
            .iter()
            .map(|s| format!("subnet:{}", name(s.tags()))),
    );
    out.sort();
    out
}

/// Version 1: one VPC. Later versions rename it (an in-place tag update) and add a second
/// VPC with a security group, and, when `bad`, a subnet whose CIDR is outside that VPC.
fn config(run: &str, base_name: &str, more: bool, bad: bool) -> String {
    let mut s = format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}
resource "aws_vpc" "base" {{
  cidr_block = "10.60.0.0/16"
  tags       = {{ Name = "{base_name}", Run = "{run}" }}
}}
"#
    );
    if more {
        s.push_str(&format!(
            r#"
resource "aws_vpc" "main" {{
  cidr_block = "10.61.0.0/16"
  tags       = {{ Name = "main", Run = "{run}" }}
}}
resource "aws_security_group" "web" {{
  name   = "web-{run}"
  vpc_id = aws_vpc.main.id
  tags   = {{ Name = "web", Run = "{run}" }}
}}
"#
        ));
    }
    if bad {
        s.push_str(&format!(
            r#"
resource "aws_subnet" "outside" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.99.1.0/24"
  tags       = {{ Name = "outside", Run = "{run}" }}
  depends_on = [aws_security_group.web]
}}
"#
        ));
    }
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_apply_rolls_back_and_rollback_to_returns_to_an_earlier_version() {
    let id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tag = format!("rollback-{id}");
    let w = Work::new(&[("main.tf", &config(&tag, "base-v1", false, false))]);
    run(&w, &["apply", "-auto-approve"]).expect(0);
    let before = tagged(&tag).await;
    assert_eq!(before, ["vpc:base-v1"]);

    // Fails on the subnet after creating the VPC and the group and renaming the base VPC.
    w.write("main.tf", &config(&tag, "base-v2", true, true));
    let r = run(&w, &["apply", "-auto-approve", "-on-error=rollback"]).expect(1);
    let out = r.stdout();
    assert!(r.stderr().contains("outside"), "{}", r.stderr());
    assert!(out.contains("aws_vpc.main: Creation complete"), "{out}");
    assert!(
        out.contains("aws_security_group.web: Creation complete"),
        "{out}"
    );
    assert!(
        out.contains("Rollback complete: 2 destroyed, 1 restored, 0 not undone."),
        "{out}"
    );
    assert_eq!(tagged(&tag).await, before, "moto is left as it was");
    let state = w.state().to_string();
    assert!(
        !state.contains("10.61.0.0/16") && state.contains("base-v1"),
        "{state}"
    );

    // A successful apply (version 3), then `rollback -to=1` removes what it made.
    w.write("main.tf", &config(&tag, "base-v2", true, false));
    run(&w, &["apply", "-auto-approve"]).expect(0);
    assert_eq!(tagged(&tag).await, ["sg:web", "vpc:base-v2", "vpc:main"]);
    let history = run(&w, &["state", "history"]).expect(0).stdout();
    assert!(history.contains("3 (current)"), "{history}");
    let r = run(&w, &["rollback", "-to=1", "-auto-approve"]).expect(0);
    assert!(
        r.stdout()
            .contains("Plan: 0 to add, 1 to change, 2 to destroy."),
        "{}",
        r.stdout()
    );
    assert_eq!(tagged(&tag).await, before);
    // The configuration on disk is untouched: applying it again makes version 3's objects.
    let plan = run(&w, &["plan"]).expect(0);
    assert!(
        plan.stdout()
            .contains("Plan: 2 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout()
    );
}
