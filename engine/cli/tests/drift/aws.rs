//! `autostack drift` on AWS (moto): a tag changed, the instance type changed (the monthly
//! cost effect is the price difference) and a security group rule deleted, all out of band
//! with the SDK.

use super::common::{Run, Work};
use super::support;
use autostack_provider_aws::sdk::aws_sdk_ec2;

const STACK: &str = r#"provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

data "aws_ami" "web" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
  tags = {
    Name = "${var.name}-vpc"
  }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.40.1.0/24"
}

resource "aws_security_group" "admin" {
  name        = "${var.name}-admin"
  description = "SSH from the admin network"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.admin.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "10.0.0.0/8"
}

resource "aws_instance" "web" {
  ami                    = data.aws_ami.web.id
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.admin.id]
  tags = {
    Name = "${var.name}-web"
  }
}
"#;

fn run(w: &Work, name: &str, args: &[&str]) -> Run {
    let var = format!("-var=name={name}");
    let mut all: Vec<&str> = args.to_vec();
    if args[0] != "init" {
        all.push(&var);
    }
    let moto = support::moto_url();
    w.run_env(
        &all,
        &[
            ("AWS_ENDPOINT_URL", moto.as_str()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_REGION", "us-east-1"),
        ],
    )
}

fn attr(state: &serde_json::Value, ty: &str, name: &str, key: &str) -> String {
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == ty && r["name"] == name)
        .and_then(|r| r["instances"][0]["attributes"][key].as_str())
        .unwrap_or_else(|| panic!("{ty}.{name}.{key} in state"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_tag_instance_type_and_rule_drift_with_the_cost_effect() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("drift{nanos}");
    let w = Work::new(&[("main.tf", STACK)]);
    run(&w, &name, &["init", "-no-color"]).expect(0);
    run(&w, &name, &["apply", "-auto-approve", "-no-color"]).expect(0);
    // The rule resource, created after its group, shows in the group's `ingress` (as in
    // Terraform's refresh-only plan); `refresh` records it, and then nothing has drifted.
    let r = run(&w, &name, &["drift", "-no-color", "-detailed-exitcode"]).expect(2);
    assert!(
        r.stdout()
            .contains("# aws_security_group.admin has changed"),
        "{}",
        r.stdout()
    );
    run(&w, &name, &["refresh", "-no-color"]).expect(0);
    run(&w, &name, &["drift", "-no-color", "-detailed-exitcode"]).expect(0);

    let state = w.state();
    let ec2 = support::ec2().await;
    let tag = aws_sdk_ec2::types::Tag::builder()
        .key("Name")
        .value("hand-edited")
        .build();
    let vpc = attr(&state, "aws_vpc", "main", "id");
    ec2.create_tags()
        .resources(&vpc)
        .tags(tag)
        .send()
        .await
        .expect("tag vpc");
    let instance = attr(&state, "aws_instance", "web", "id");
    ec2.modify_instance_attribute()
        .instance_id(&instance)
        .instance_type(
            aws_sdk_ec2::types::AttributeValue::builder()
                .value("t3.large")
                .build(),
        )
        .send()
        .await
        .expect("resize instance");
    let rule = attr(&state, "aws_vpc_security_group_ingress_rule", "ssh", "id");
    let group = attr(&state, "aws_security_group", "admin", "id");
    ec2.revoke_security_group_ingress()
        .group_id(&group)
        .security_group_rule_ids(&rule)
        .send()
        .await
        .expect("revoke rule");

    let r = run(&w, &name, &["drift", "-no-color", "-detailed-exitcode"]).expect(2);
    let out = r.stdout();
    assert!(out.contains("# aws_vpc.main has changed"), "{out}");
    let tag_line = out
        .lines()
        .find(|l| l.trim_start().starts_with("tags[\"Name\"]"))
        .unwrap_or_else(|| panic!("no tags[\"Name\"] row:\n{out}"));
    let cells: Vec<&str> = tag_line.split_whitespace().collect();
    let want_before = format!("\"{name}-vpc\"");
    assert_eq!(
        cells,
        ["tags[\"Name\"]", want_before.as_str(), "\"hand-edited\""]
    );
    assert!(out.contains("# aws_instance.web has changed"), "{out}");
    assert!(out.contains("\"t3.micro\""), "{out}");
    assert!(out.contains("\"t3.large\""), "{out}");
    assert!(
        out.contains("# aws_vpc_security_group_ingress_rule.ssh has been deleted"),
        "{out}"
    );
    assert!(out.contains("Monthly cost effect: $"), "{out}");

    let r = run(
        &w,
        &name,
        &["drift", "-no-color", "-format=json", "-detailed-exitcode"],
    )
    .expect(2);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout()).expect("json");
    let find = |addr: &str| {
        doc["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|x| x["address"] == addr)
            .unwrap_or_else(|| panic!("{addr} in {doc}"))
            .clone()
    };
    let web = find("aws_instance.web");
    let attrs = web["attributes"].as_array().expect("attributes");
    let ty = attrs
        .iter()
        .find(|a| a["path"] == "instance_type")
        .expect("instance_type drift");
    assert_eq!(
        (ty["before"].as_str(), ty["after"].as_str()),
        (Some("t3.micro"), Some("t3.large"))
    );
    let cost = &web["monthly_cost"];
    let (before, after) = (
        cost["before"].as_f64().unwrap(),
        cost["after"].as_f64().unwrap(),
    );
    // t3.large is 8 times a t3.micro's hourly price.
    assert!(before > 5.0 && after > 6.0 * before, "{cost}");
    assert!(
        doc["summary"]["monthly_cost"]["delta"].as_f64().unwrap() > 40.0,
        "{doc}"
    );
    assert_eq!(
        find("aws_vpc_security_group_ingress_rule.ssh")["status"],
        "deleted"
    );
    assert_eq!(find("aws_vpc.main")["last_applied"]["source"], "history");
    assert_eq!(doc["summary"]["drifted"], 4, "{doc}");
    assert_eq!(
        find("aws_security_group.admin")["attributes"][0]["path"],
        "ingress"
    );

    let md = run(&w, &name, &["drift", "-format=markdown"])
        .expect(0)
        .stdout();
    assert!(md.contains("### `aws_instance.web` changed"), "{md}");
    assert!(
        md.contains("| `instance_type` | `\"t3.micro\"` | `\"t3.large\"` |"),
        "{md}"
    );

    // The check wrote nothing: a plan still sees the drift and an apply repairs it.
    run(&w, &name, &["apply", "-auto-approve", "-no-color"]).expect(0);
    run(&w, &name, &["refresh", "-no-color"]).expect(0);
    run(&w, &name, &["drift", "-no-color", "-detailed-exitcode"]).expect(0);
    run(&w, &name, &["destroy", "-auto-approve", "-no-color"]).expect(0);
}
