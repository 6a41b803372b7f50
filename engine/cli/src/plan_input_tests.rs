//! The in-memory input matches what the Terraform JSON plan path reads, field for field.

use super::*;
use autostack_core::addrs::parse_instance;
use autostack_core::plan::{PlanMode, ResourceChange};
use autostack_lang::{Type, Value};

const ROOT: &str = r#"
variable "region" {
  default = "eu-west-1"
}
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "terraform_data" "a" {
  count = 2
}
resource "aws_instance" "web" {
  provider      = aws.west
  ami           = "ami-1"
  instance_type = "t3.micro"
}
resource "aws_ebs_volume" "v" {
  for_each          = toset(["x"])
  availability_zone = "eu-west-1a"
  size              = 10
}
data "aws_ami" "x" {
}
module "m" {
  source = "./m"
}
"#;

fn change(
    addr: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceChange {
    let addr = parse_instance(addr).unwrap();
    let ty = addr.resource.ty.clone();
    let (provider, source) = if ty.starts_with("aws_") {
        ("aws", "hashicorp/aws")
    } else {
        ("terraform", "terraform.io/builtin/terraform")
    };
    let mut c = ResourceChange::new(addr, action, before, after);
    c.provider = provider.parse().unwrap();
    c.provider_source = std::sync::Arc::new(source.parse().unwrap());
    c
}

fn fixture() -> (tempfile::TempDir, ModuleTree, Plan) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), ROOT).unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("m/main.tf"),
        "resource \"aws_eip\" \"ip\" {\n}\n",
    )
    .unwrap();
    let tree = crate::session::load_config(dir.path())
        .unwrap_or_else(|(_, d)| panic!("{d:?}"))
        .tree;
    let web = Value::object_from([
        ("ami", Value::string("ami-1")),
        ("instance_type", Value::string("t3.micro")),
        ("id", Value::Unknown(Type::String)),
        (
            "tags",
            Value::object_from([("team", Value::string("web").sensitive())]),
        ),
    ]);
    let vol = |size| {
        Value::object_from([
            ("availability_zone", Value::string("eu-west-1a")),
            ("size", Value::int(size)),
        ])
    };
    let data = Value::object_from([("id", Value::string("x"))]);
    let changes = vec![
        change(
            "terraform_data.a[0]",
            Action::Create,
            None,
            Some(data.clone()),
        ),
        change(
            "terraform_data.a[1]",
            Action::NoOp,
            Some(data.clone()),
            Some(data.clone()),
        ),
        change("aws_instance.web", Action::Create, None, Some(web)),
        change(
            "aws_ebs_volume.v[\"x\"]",
            Action::Update,
            Some(vol(8)),
            Some(vol(10)),
        ),
        change(
            "module.m.aws_eip.ip",
            Action::Delete,
            Some(data.clone()),
            None,
        ),
        change(
            "aws_instance.gone",
            Action::DeleteThenCreate,
            Some(data.clone()),
            Some(data.clone()),
        ),
        change("data.aws_ami.x", Action::Read, None, Some(data)),
    ];
    let mut changes = changes;
    changes[2].provider = "aws.west".parse().unwrap();
    let plan = Plan {
        mode: PlanMode::Normal,
        changes: changes.into_iter().map(Box::new).collect(),
        drift: Vec::new(),
        outputs: Default::default(),
        prior: Default::default(),
        base_serial: 0,
        base_lineage: String::new(),
        variables: [("region".to_string(), Value::string("eu-west-1"))].into(),
        warnings: Default::default(),
        function_results: Vec::new(),
    };
    (dir, tree, plan)
}

#[test]
fn full_input_is_what_the_json_plan_path_reads() {
    let (_dir, tree, plan) = fixture();
    let doc = autostack_core::jsonplan::plan_json(&plan, &tree);
    let mut want = autostack_cost::parse_plan_json("plan", &doc.to_string()).unwrap();
    // Data sources and reads are never priced; the direct path leaves them out.
    want.resource_changes
        .retain(|c| c.mode == autostack_cost::Mode::Managed);
    let (got, skipped) = plan_input(&plan, &tree, Detail::Full);
    assert_eq!(skipped, 0);
    assert_eq!(got, want);
    assert_eq!(got.resource_changes.len(), 6);
    let west = &got.provider_configs["aws.west"];
    assert_eq!(
        west.region,
        Some(autostack_cost::Setting::Known("us-west-2".into()))
    );
    let aws = &got.provider_configs["aws"];
    assert_eq!(
        aws.region,
        Some(autostack_cost::Setting::Known("eu-west-1".into()))
    );
}

#[test]
fn the_cost_section_skips_inert_types_before_building_them() {
    let (_dir, tree, plan) = fixture();
    let (got, skipped) = plan_input(&plan, &tree, Detail::Section);
    assert_eq!(skipped, 2, "terraform_data.a[0] and [1]");
    let addrs: Vec<&str> = got
        .resource_changes
        .iter()
        .map(|c| c.address.as_str())
        .collect();
    assert_eq!(
        addrs,
        [
            "aws_ebs_volume.v[\"x\"]",
            "aws_instance.gone",
            "aws_instance.web",
            "module.m.aws_eip.ip",
        ]
    );
    let web = &got.resource_changes[2];
    assert_eq!(web.after["instance_type"], "t3.micro");
    assert_eq!(web.after_unknown["id"], true);
    assert_eq!(web.provider_config_key.as_deref(), Some("aws.west"));
    assert_eq!(got.resource_changes[1].provider_config_key, None);
}
