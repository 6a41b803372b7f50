//! Reports: Markdown golden files, JSON schema round trip, PR comparison, chargeback.

mod common;

use autostack_cost::report::{json, markdown, table, Status};
use autostack_cost::{
    parse_plan_json, Catalog, Cloud, Estimator, GroupBy, PolicySet, Report, Usage,
};
use std::path::Path;

const PLAN: &str = include_str!("fixtures/plan.json");
const USAGE: &str = include_str!("fixtures/usage.yml");
const POLICY: &str = include_str!("fixtures/autostack.hcl");

fn fixture_report() -> Report {
    let input = parse_plan_json("plan.json", PLAN).unwrap();
    let usage = Usage::parse("usage.yml", USAGE).unwrap();
    let mut r = Estimator::new(Catalog::embedded())
        .with_usage(usage)
        .estimate(&input);
    r.check(&PolicySet::parse("autostack.hcl", POLICY).unwrap());
    r
}

/// Compares `got` with tests/golden/NAME; `UPDATE_GOLDEN=1` rewrites the file.
fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == got,
        "{name} differs from the golden file (UPDATE_GOLDEN=1 to accept):\n{got}"
    );
}

#[test]
fn markdown_pr_comment_matches_golden() {
    let md = markdown::render(&fixture_report());
    for part in [
        "**Monthly cost: $136.62 → $291.03 (+$154.41)**",
        "| Plan as written |",
        "<details>",
        "</details>",
        "Catalog dated 2026-09-06",
        "oldest price used: 2024-01-23",
    ] {
        assert!(md.contains(part), "missing {part:?}");
    }
    golden("plan.md", &md);
}

fn base_report() -> Report {
    let mut input = parse_plan_json("plan.json", PLAN).unwrap();
    // The base branch: one web instance, batch still m5.large, legacy still running, no bucket.
    input
        .resource_changes
        .retain(|r| r.address != "aws_instance.web[1]" && r.address != "aws_s3_bucket.assets");
    for rc in &mut input.resource_changes {
        if rc.address == "aws_instance.batch" || rc.address == "aws_instance.legacy" {
            rc.action = autostack_cost::Action::NoOp;
            rc.after = rc.before.clone();
            rc.after_unknown = serde_json::Value::Null;
        }
    }
    Estimator::new(Catalog::embedded()).estimate(&input)
}

#[test]
fn compare_to_base_gives_the_pr_delta() {
    let base = base_report();
    let head = fixture_report();
    let pr = head.compare_to(&base);
    let by = |a: &str| pr.resources.iter().find(|x| x.address == a).unwrap();
    assert_eq!(by("aws_instance.web[1]").action, "create");
    assert_eq!(by("aws_instance.web[0]").action, "no-op");
    let batch = by("aws_instance.batch");
    assert_eq!(batch.action, "update");
    common::assert_usd(batch.monthly_cost.before, 0.096 * 730.0 + 5.0, "base batch");
    common::assert_usd(batch.monthly_cost.after, 0.192 * 730.0 + 5.0, "head batch");
    assert_eq!(by("aws_instance.legacy").action, "delete");
    common::assert_usd(
        Some(pr.total.before),
        base.total.after,
        "PR before = base after",
    );
    common::assert_usd(
        Some(pr.total.after),
        head.total.after,
        "PR after = head after",
    );
    assert!(pr.violations.is_empty());
    golden("pr_compare.md", &markdown::render(&pr));
}

#[test]
fn json_report_round_trips_with_the_documented_fields() {
    let r = fixture_report();
    let text = json::render(&r);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in [
        "schema",
        "catalog_date",
        "catalog",
        "currency",
        "hours_per_month",
        "resources",
        "total",
        "totals",
        "cheapest",
        "hints",
        "violations",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["schema"], "autostack.cost/v1");
    assert_eq!(v["currency"], "USD");
    let res = &v["resources"][0];
    for key in [
        "address",
        "type",
        "cloud",
        "region",
        "action",
        "status",
        "monthly_cost",
        "components",
        "equivalents",
    ] {
        assert!(res.get(key).is_some(), "resource lacks {key}");
    }
    for key in [
        "name",
        "unit",
        "quantity",
        "unit_price",
        "monthly_cost",
        "source_date",
        "source",
    ] {
        assert!(
            res["components"][0].get(key).is_some(),
            "component lacks {key}"
        );
    }
    for key in ["sku", "region", "monthly_cost", "rule", "status"] {
        assert!(
            res["equivalents"]["gcp"].get(key).is_some(),
            "equivalent lacks {key}"
        );
    }
    for cloud in ["aws", "azure", "gcp"] {
        assert!(v["totals"][cloud]["delta"].is_number());
    }
    let back = Report::from_json(&text).unwrap();
    assert_eq!(back, r);
    assert!(Report::from_json("{").unwrap_err().starts_with("1:1:"));
}

#[test]
fn totals_and_cheapest_cloud() {
    let r = fixture_report();
    let sum: f64 = r
        .resources
        .iter()
        .filter_map(|x| x.monthly_cost.after)
        .sum();
    common::assert_usd(Some(r.total.after), (sum * 1e6).round() / 1e6, "plan total");
    let ch = r.cheapest.as_ref().unwrap();
    let min = r
        .totals
        .values()
        .map(|t| t.after)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(ch.monthly_cost, min);
    assert_eq!(ch.cloud, Cloud::Gcp);
    common::assert_usd(Some(ch.saving), r.total.after - min, "saving");
    assert!(ch.note.as_deref().unwrap().contains("approximate"));
    assert_eq!(
        r.total.unpriced,
        r.resources
            .iter()
            .filter(|x| matches!(
                x.status,
                Status::Unpriced | Status::Partial | Status::DependsOn
            ))
            .count()
    );
}

#[test]
fn hints_are_deterministic_and_explained() {
    let r = fixture_report();
    let kinds: Vec<(&str, Option<&str>)> = r
        .hints
        .iter()
        .map(|h| (h.kind.as_str(), h.address.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("cheaper_cloud", None),
            ("cheaper_family", Some("aws_instance.batch")),
            ("gp2_to_gp3", Some("module.storage.aws_ebs_volume.logs")),
            ("cheaper_family", Some("aws_instance.web[0]")),
            ("cheaper_family", Some("aws_instance.web[1]")),
            ("gp2_to_gp3", Some("aws_instance.batch")),
        ]
    );
    let batch = &r.hints[1];
    // m5.xlarge 0.192 → m7g.xlarge 0.1632 (aws.csv, us-east-1): (0.192 - 0.1632) × 730.
    common::assert_usd(
        Some(batch.monthly_saving),
        (0.192 - 0.1632) * 730.0,
        "graviton saving",
    );
    assert!(
        batch.message.contains("m5.xlarge → m7g.xlarge")
            && batch.message.contains("arm64 Graviton: needs arm64 images"),
        "{}",
        batch.message
    );
    let gp3 = &r.hints[2];
    common::assert_usd(Some(gp3.monthly_saving), 200.0 * (0.1 - 0.08), "gp3 saving");
    assert_eq!(fixture_report().hints, r.hints);
}

#[test]
fn region_hint_finds_cheaper_same_geography() {
    // aws,ec2,m5.large: eu-central-1 0.115 vs eu-west-1 0.107 (same geography: europe).
    let rc = common::create(
        "aws_instance.a",
        "aws_instance",
        serde_json::json!({"instance_type": "m5.large", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]}),
    );
    let mut input = common::input(vec![rc]);
    input.provider_configs.insert(
        "aws".into(),
        autostack_cost::ProviderConfig::new("aws").region("eu-central-1"),
    );
    let r = common::estimate(&input);
    let h = r
        .hints
        .iter()
        .find(|h| h.kind == "cheaper_region")
        .expect("region hint");
    assert!(
        h.message.contains("in eu-") && h.message.contains("same geography: europe"),
        "{}",
        h.message
    );
    assert!(h.monthly_saving > 1.0);
}

#[test]
fn chargeback_groups_with_untagged_row() {
    let r = fixture_report();
    let rows = r.group_by(&"tag:team".parse::<GroupBy>().unwrap());
    let keys: Vec<&str> = rows.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, vec!["data", "web", "untagged", "net"]);
    let total: f64 = rows.iter().map(|g| g.after).sum();
    common::assert_usd(Some(total), r.total.after, "groups add up");
    let untagged = rows.iter().find(|g| g.key == "untagged").unwrap();
    assert_eq!(
        untagged.resources, 3,
        "eip, west volume and random_id have no team tag"
    );
    let by_cloud = r.group_by(&GroupBy::Cloud);
    assert_eq!(
        by_cloud.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(),
        vec!["aws", "gcp", "azure", "(none)"]
    );
    let by_module = r.group_by(&GroupBy::Module);
    assert!(
        by_module.iter().any(|g| g.key == "module.storage")
            && by_module.iter().any(|g| g.key == "(root)")
    );
    assert!(r
        .group_by(&GroupBy::Provider)
        .iter()
        .any(|g| g.key == "registry.terraform.io/hashicorp/google"));
    assert!("tag:".parse::<GroupBy>().is_err() && "owner".parse::<GroupBy>().is_err());
    let text = table::render_groups(&rows);
    assert!(text.starts_with("GROUP") && text.contains("untagged"));
    assert!(markdown::render_groups(&rows).contains("| untagged |"));
}

#[test]
fn table_is_aligned_and_complete() {
    let text = table::render(&fixture_report());
    let header = text.lines().nth(2).unwrap();
    assert!(
        header.starts_with("RESOURCE") && header.contains("BEFORE") && header.ends_with("STATUS")
    );
    let widths: Vec<usize> = text
        .lines()
        .skip(2)
        .take(17)
        .map(|l| {
            l.find("create")
                .or(l.find("update"))
                .or(l.find("delete"))
                .or(l.find("no-op"))
                .or(l.find("ACTION"))
                .unwrap()
        })
        .collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{text}");
    for part in [
        "Cheapest: gcp",
        "Hints:",
        "Budget and policy violations:",
        "≈ gcp: e2-micro in us-east1",
    ] {
        assert!(text.contains(part), "missing {part}\n{text}");
    }
}

#[test]
fn summary_for_plan_output() {
    let text = table::render_summary(&fixture_report());
    assert!(
        text.starts_with("Cost (USD per month; catalog 2026-09-06"),
        "{text}"
    );
    let web = text
        .lines()
        .find(|l| l.starts_with("aws_instance.web[0]"))
        .unwrap();
    assert!(
        web.contains("$9.19") && web.contains("≈$31.87") && web.contains("≈$8.12"),
        "{web}"
    );
    assert!(
        !text.contains("random_id.suffix"),
        "free resources are left out"
    );
    assert!(text.contains("plan as written"));
}

#[test]
fn summary_says_in_one_line_when_nothing_is_priced() {
    use autostack_cost::{Action, PlanInput, ResourceChange};
    let mut input = PlanInput::new();
    for addr in ["terraform_data.a", "aws_vpc.main"] {
        let ty = addr.split('.').next().unwrap();
        input.push(ResourceChange::new(addr, ty, Action::Create));
    }
    let report = Estimator::new(Catalog::embedded()).estimate(&input);
    let text = table::render_summary(&report);
    assert_eq!(
        text,
        "Cost (USD per month): nothing in this plan is priced (2 resources, all free of charge).\n"
    );
    assert_eq!(
        table::render_section(&report, 3),
        "Cost (USD per month): nothing in this plan is priced (5 resources, all free of charge).\n"
    );
    assert_eq!(
        table::render_nothing_priced(1),
        "Cost (USD per month): nothing in this plan is priced (1 resource, free of charge).\n"
    );
}
