//! Terraform JSON plan parsing (hand-written fixture in `terraform show -json` format).

mod common;

use autostack_cost::report::Status;
use autostack_cost::{parse_plan_json, Action, Catalog, CostError, Estimator, Mode, Setting};

const PLAN: &str = include_str!("fixtures/plan.json");

#[test]
fn parses_resource_changes_and_provider_configs() {
    let input = parse_plan_json("plan.json", PLAN).expect("fixture parses");
    assert_eq!(input.resource_changes.len(), 17);
    let web = &input.resource_changes[1];
    assert_eq!(web.address, "aws_instance.web[1]");
    assert_eq!(web.index, Some(serde_json::json!(1)));
    assert_eq!(web.action, Action::Create);
    assert_eq!(web.provider_config_key.as_deref(), Some("aws"));
    let canary = input
        .resource_changes
        .iter()
        .find(|r| r.name == "canary")
        .unwrap();
    assert_eq!(canary.index, Some(serde_json::json!("blue")));
    let logs = input
        .resource_changes
        .iter()
        .find(|r| r.address.ends_with("logs"))
        .unwrap();
    assert_eq!(logs.module_address.as_deref(), Some("module.storage"));
    assert_eq!(logs.provider_config_key.as_deref(), Some("aws"));
    let west = input
        .resource_changes
        .iter()
        .find(|r| r.name == "west")
        .unwrap();
    assert_eq!(west.provider_config_key.as_deref(), Some("aws.west"));
    assert!(input.resource_changes.iter().any(|r| r.mode == Mode::Data));
    // region = var.region is resolved from the plan's variables.
    assert_eq!(
        input.provider_configs["aws"].region,
        Some(Setting::Known("us-east-1".into()))
    );
    assert_eq!(
        input.provider_configs["aws.west"].region,
        Some(Setting::Known("us-west-2".into()))
    );
    assert_eq!(input.provider_configs["azurerm"].region, None);
}

#[test]
fn prices_the_terraform_plan() {
    let input = parse_plan_json("plan.json", PLAN).unwrap();
    let r = Estimator::new(Catalog::embedded()).estimate(&input);
    assert_eq!(r.resources.len(), 16, "the data source is skipped");
    let by = |a: &str| r.resources.iter().find(|x| x.address == a).unwrap();
    common::assert_usd(
        by("aws_instance.web[0]").monthly_cost.after,
        0.0104 * 730.0 + 20.0 * 0.08,
        "web",
    );
    let batch = by("aws_instance.batch");
    common::assert_usd(
        batch.monthly_cost.before,
        0.096 * 730.0 + 50.0 * 0.1,
        "batch before",
    );
    common::assert_usd(
        batch.monthly_cost.after,
        0.192 * 730.0 + 50.0 * 0.1,
        "batch after",
    );
    assert_eq!(
        by("aws_instance.canary[\"blue\"]").status,
        Status::DependsOn
    );
    assert_eq!(
        by("aws_ebs_volume.west").region.as_deref(),
        Some("us-west-2")
    );
    assert_eq!(by("aws_ebs_volume.west").status, Status::Unpriced);
    assert_eq!(
        by("google_compute_instance.worker").region.as_deref(),
        Some("us-central1")
    );
    assert_eq!(
        by("azurerm_linux_virtual_machine.app").region.as_deref(),
        Some("eastus")
    );
    assert_eq!(by("aws_instance.legacy").monthly_cost.after, Some(0.0));
    assert_eq!(r.catalog_date, "2026-09-06");
}

#[test]
fn bad_plans_name_the_place() {
    #[rustfmt::skip]
    let cases = [
        ("{", "1:1", "EOF"),
        ("[]", "$", "must be a JSON object"),
        ("{}", "$", "missing \"format_version\""),
        (r#"{"format_version":"2.0"}"#, "format_version", "unsupported format_version"),
        (r#"{"format_version":"1.2","resource_changes":{}}"#, "resource_changes", "must be an array"),
        (r#"{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"managed","type":"a"}]}"#, "resource_changes[0]", "missing \"change\""),
        (r#"{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"managed","type":"a","change":{"actions":["explode"]}}]}"#, "resource_changes[0].change.actions", "unknown actions"),
        (r#"{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"weird","type":"a","change":{"actions":["create"]}}]}"#, "resource_changes[0].mode", "must be"),
        (r#"{"format_version":"1.2","resource_changes":[{"mode":"managed","type":"a","change":{"actions":["create"]}}]}"#, "resource_changes[0]", "missing \"address\""),
    ];
    for (text, path, msg) in cases {
        let e = parse_plan_json("p.json", text).unwrap_err();
        let CostError::PlanJson {
            path: p, message, ..
        } = &e
        else {
            panic!("{e}")
        };
        assert!(p.starts_with(path), "{text}: {e}");
        assert!(message.contains(msg), "{text}: {e}");
    }
    let ok = parse_plan_json("p.json", r#"{"format_version":"1.0"}"#).unwrap();
    assert!(ok.resource_changes.is_empty());
}

#[test]
fn module_provider_references_stay_unknown() {
    let text = r#"{"format_version":"1.2","variables":{"region":{"value":"us-east-1"}},
      "configuration":{"provider_config":{
        "module.m:aws":{"name":"aws","expressions":{"region":{"references":["var.region"]}}},
        "aws":{"name":"aws","expressions":{"region":{"references":["local.region"]}}}}}}"#;
    let input = parse_plan_json("p.json", text).unwrap();
    assert_eq!(
        input.provider_configs["module.m:aws"].region,
        Some(Setting::Unknown("var.region".into()))
    );
    assert_eq!(
        input.provider_configs["aws"].region,
        Some(Setting::Unknown("local.region".into()))
    );
}
