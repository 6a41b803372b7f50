//! The real hashicorp/aws plugin beside the native AWS provider, against moto: types the
//! native provider lacks (KMS keys, IAM roles, routes) go to the plugin, the others stay
//! native, both configured from one provider block; apply, the no-op plan and destroy.
//! Skipped when no hashicorp/aws plugin sits in the filesystem mirror (`/opt/tf-plugins`, or
//! `AUTOSTACK_TF_PLUGINS`): the test suite must not need it.
#![cfg(all(feature = "aws", feature = "plugins"))]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use common::Work;
use std::path::PathBuf;

/// The filesystem mirror holding hashicorp/aws, when there is one.
fn mirror() -> Option<PathBuf> {
    let root = std::env::var_os("AUTOSTACK_TF_PLUGINS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    root.join("registry.terraform.io/hashicorp/aws")
        .is_dir()
        .then_some(root)
}

fn main_tf(moto: &str, version: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "{version}"
    }}
  }}
}}

provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
    ec2 = "{moto}"
    s3  = "{moto}"
    sts = "{moto}"
    kms = "{moto}"
    iam = "{moto}"
  }}
}}

resource "aws_kms_key" "k" {{
  description = "served by the plugin"
}}

resource "aws_iam_role" "r" {{
  name = "autostack-plugin-role"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Action = "sts:AssumeRole", Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
}}

resource "aws_vpc" "v" {{
  cidr_block = "10.9.0.0/16"
}}

resource "aws_internet_gateway" "g" {{
  vpc_id = aws_vpc.v.id
}}

resource "aws_route" "default" {{
  route_table_id         = aws_vpc.v.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.g.id
}}
"#
    )
}

#[test]
fn the_real_aws_plugin_serves_what_the_native_provider_lacks() {
    let Some(mirror) = mirror() else {
        eprintln!("skipped: no hashicorp/aws plugin in a filesystem mirror");
        return;
    };
    let version = std::fs::read_dir(mirror.join("registry.terraform.io/hashicorp/aws"))
        .expect("mirror")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .max()
        .expect("a version");
    let w = Work::new(&[("main.tf", &main_tf(&support::moto_url(), &version))]);
    let rc = w.path().join("terraformrc");
    let text = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
        mirror.display()
    );
    std::fs::write(&rc, text).expect("rc");
    let rc = rc.to_string_lossy().into_owned();
    let env = [("TF_CLI_CONFIG_FILE", rc.as_str())];
    let run = |args: &[&str], code: i32| w.run_env(args, &env).expect(code).stdout();
    run(&["init", "-no-color"], 0);
    let out = run(&["apply", "-auto-approve", "-no-color", "-no-cost"], 0);
    assert!(out.contains("Apply complete! Resources: 5 added"), "{out}");
    let mut addrs = common::addresses(&w.state());
    addrs.sort();
    assert_eq!(
        addrs,
        [
            "aws_iam_role.r",
            "aws_internet_gateway.g",
            "aws_kms_key.k",
            "aws_route.default",
            "aws_vpc.v"
        ]
    );
    let again = run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"], 0);
    assert!(again.contains("No changes."), "{again}");
    let gone = run(&["destroy", "-auto-approve", "-no-color", "-no-cost"], 0);
    assert!(
        gone.contains("Destroy complete! Resources: 5 destroyed."),
        "{gone}"
    );
}

/// terraform-aws-modules/vpc's `examples/simple` (its `main.tf`, with the provider pointed at
/// moto), the module fetched from `git::$AUTOSTACK_TEST_VPC_MODULE_GIT?ref=v5.21.0` (e.g.
/// `file:///work/.mirror/terraform-aws-modules+terraform-aws-vpc/repo`).
fn vpc_example(moto: &str, module_git: &str, reference: &str) -> String {
    format!(
        r#"provider "aws" {{
  region                      = local.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {{
    ec2  = "{moto}"
    sts  = "{moto}"
    iam  = "{moto}"
    logs = "{moto}"
  }}
}}

data "aws_availability_zones" "available" {{}}

locals {{
  name   = "ex-${{basename(path.cwd)}}"
  region = "eu-west-1"

  vpc_cidr = "10.0.0.0/16"
  azs      = slice(data.aws_availability_zones.available.names, 0, 3)

  tags = {{
    Example    = local.name
    GithubRepo = "terraform-aws-vpc"
    GithubOrg  = "terraform-aws-modules"
  }}
}}

module "vpc" {{
  source = "git::{module_git}?ref={reference}"

  name = local.name
  cidr = local.vpc_cidr

  azs             = local.azs
  private_subnets = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]

  tags = local.tags
}}
"#
    )
}

/// The addresses Terraform 1.15 records applying the example with hashicorp/aws 5.100.0.
const VPC_ADDRESSES: [&str; 14] = [
    "data.aws_availability_zones.available",
    "module.vpc.aws_default_network_acl.this[0]",
    "module.vpc.aws_default_route_table.default[0]",
    "module.vpc.aws_default_security_group.this[0]",
    "module.vpc.aws_route_table.private[0]",
    "module.vpc.aws_route_table.private[1]",
    "module.vpc.aws_route_table.private[2]",
    "module.vpc.aws_route_table_association.private[0]",
    "module.vpc.aws_route_table_association.private[1]",
    "module.vpc.aws_route_table_association.private[2]",
    "module.vpc.aws_subnet.private[0]",
    "module.vpc.aws_subnet.private[1]",
    "module.vpc.aws_subnet.private[2]",
    "module.vpc.aws_vpc.this[0]",
];

#[test]
fn the_vpc_modules_simple_example_applies_through_the_aws_plugin() {
    let (Some(mirror), Ok(module_git)) = (mirror(), std::env::var("AUTOSTACK_TEST_VPC_MODULE_GIT"))
    else {
        eprintln!("skipped: needs the hashicorp/aws plugin and AUTOSTACK_TEST_VPC_MODULE_GIT");
        return;
    };
    let reference =
        std::env::var("AUTOSTACK_TEST_VPC_MODULE_REF").unwrap_or_else(|_| "v5.21.0".into());
    let main = vpc_example(&support::moto_url(), &module_git, &reference);
    // Every type through the plugin: the native provider lacks arguments the module sets.
    let hcl = "provider \"aws\" {\n  implementation = \"plugin\"\n}\n";
    let w = Work::new(&[("main.tf", main.as_str()), ("autostack.hcl", hcl)]);
    let rc = w.path().join("terraformrc");
    let text = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
        mirror.display()
    );
    std::fs::write(&rc, text).expect("rc");
    let rc = rc.to_string_lossy().into_owned();
    let env = [("TF_CLI_CONFIG_FILE", rc.as_str())];
    let run = |args: &[&str], code: i32| w.run_env(args, &env).expect(code).stdout();
    let init = run(&["init", "-no-color"], 0);
    assert!(init.contains("Downloading git::"), "{init}");
    let out = run(&["apply", "-auto-approve", "-no-color", "-no-cost"], 0);
    assert!(out.contains("Apply complete! Resources: 13 added"), "{out}");
    assert_eq!(with_data_sources(&w.state()), VPC_ADDRESSES);
    let again = run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"], 0);
    assert!(again.contains("No changes."), "{again}");
    // What the provider normalizes on read is not news to a plan with nothing to do.
    assert!(!again.contains("changed outside"), "{again}");
    let gone = run(&["destroy", "-auto-approve", "-no-color", "-no-cost"], 0);
    assert!(
        gone.contains("Destroy complete! Resources: 13 destroyed."),
        "{gone}"
    );
    assert!(with_data_sources(&w.state()).is_empty());
}

/// Every instance address in a state, data sources with their `data.`, sorted.
fn with_data_sources(state: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for r in state["resources"].as_array().expect("resources") {
        let mut one = serde_json::json!({ "resources": [r] });
        if r["mode"] == "data" {
            one["resources"][0]["type"] =
                format!("data.{}", r["type"].as_str().unwrap_or("")).into();
        }
        out.extend(common::addresses(&one));
    }
    out.sort();
    out
}
