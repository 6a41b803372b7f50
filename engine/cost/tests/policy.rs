//! Budgets and policies from autostack.hcl: violations with numbers, and file:line:col errors.

mod common;

use autostack_cost::{CostError, PolicySet, EXIT_POLICY_VIOLATION};
use common::*;
use serde_json::json;

fn vm(addr: &str, t: &str, tags: serde_json::Value) -> autostack_cost::ResourceChange {
    create(
        addr,
        "aws_instance",
        json!({"instance_type": t, "tags": tags, "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]}),
    )
}

#[test]
fn budgets_and_policies_report_resource_rule_and_numbers() {
    let plan = input(vec![
        vm("aws_instance.gpu", "p3.2xlarge", json!({"team": "ml"})),
        vm("aws_instance.small", "t3.micro", json!({"team": "web"})),
        vm("aws_instance.untagged", "t3.micro", json!({})),
        create(
            "google_compute_instance.eu",
            "google_compute_instance",
            json!({"machine_type": "e2-medium", "zone": "europe-west1-b", "labels": {"team": "web"}}),
        ),
        create("aws_vpc.main", "aws_vpc", json!({"tags": {"team": "net"}})),
        create("random_id.x", "random_id", json!({})),
    ]);
    let policies = PolicySet::parse(
        "autostack.hcl",
        r#"
budget "all" { monthly_usd = 100 }
budget "web" {
  monthly_usd = 1000
  tags        = { team = "web" }
}
budget "ml" {
  monthly_usd = 500
  tags        = { "team" = "ml" }
}
policy "guardrails" {
  deny_gpu                  = true
  max_vcpu                  = 4
  allowed_regions           = ["us-east-1", "us-central1"]
  required_tags             = ["team"]
  allowed_instance_families = ["t*", "e2"]
}
"#,
    )
    .unwrap();
    let mut report = estimate(&plan);
    let n = report.check(&policies);
    let got: Vec<(String, String, Option<String>)> = report
        .violations
        .iter()
        .map(|v| (v.name.clone(), v.rule.clone(), v.address.clone()))
        .collect();
    let want = [
        ("all", "monthly_usd", None),
        ("ml", "monthly_usd", None),
        ("guardrails", "deny_gpu", Some("aws_instance.gpu")),
        ("guardrails", "max_vcpu", Some("aws_instance.gpu")),
        (
            "guardrails",
            "allowed_instance_families",
            Some("aws_instance.gpu"),
        ),
        ("guardrails", "required_tags", Some("aws_instance.untagged")),
        (
            "guardrails",
            "allowed_regions",
            Some("google_compute_instance.eu"),
        ),
    ];
    let want: Vec<(String, String, Option<String>)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.map(str::to_string)))
        .collect();
    assert_eq!(got, want);
    assert_eq!(n, 7);
    let ml = &report.violations[1];
    // p3.2xlarge us-east-1 3.06/h × 730 + 8 GB gp3.
    let ml_cost = 3.06 * 730.0 + 8.0 * 0.08;
    assert_eq!(ml.limit, json!(500.0));
    assert!((ml.actual.as_f64().unwrap() - ml_cost).abs() < 1e-6);
    assert!(
        ml.message
            .contains("exceeds the limit of $500.00 by $1,734.44"),
        "{}",
        ml.message
    );
    assert!(
        ml.message
            .contains("1 resources tagged team=ml; largest: aws_instance.gpu $2,234.44"),
        "{}",
        ml.message
    );
    let vcpu = &report.violations[3];
    assert_eq!(vcpu.to_string(), "policy \"guardrails\" (max_vcpu): aws_instance.gpu has 8 vCPU (p3.2xlarge), more than max_vcpu = 4");
    assert_eq!(
        (vcpu.actual.clone(), vcpu.limit.clone()),
        (json!(8.0), json!(4.0))
    );
    assert_eq!(EXIT_POLICY_VIOLATION, 3);
}

#[test]
fn deletes_and_unknown_types_are_not_judged() {
    let del = autostack_cost::ResourceChange::new(
        "aws_instance.old",
        "aws_instance",
        autostack_cost::Action::Delete,
    )
    .before(json!({"instance_type": "p3.2xlarge", "tags": {}}));
    let unknown = autostack_cost::ResourceChange::new(
        "aws_instance.x",
        "aws_instance",
        autostack_cost::Action::Create,
    )
    .after(json!({"tags": {"team": "a"}}))
    .after_unknown(json!({"instance_type": true}));
    let mut report = estimate(&input(vec![del, unknown]));
    let policies = PolicySet::parse(
        "a.hcl",
        "policy \"p\" {\n deny_gpu = true\n required_tags = [\"team\"]\n}\n",
    )
    .unwrap();
    assert_eq!(report.check(&policies), 0, "{:?}", report.violations);
}

#[test]
fn malformed_policy_files_name_file_line_and_column() {
    #[rustfmt::skip]
    let cases = [
        ("budget \"a\" {\n  monthly_usd = \n}\n", 2, 17, "invalid HCL"),
        ("budget \"a\" {\n  montly_usd = 5\n}\n", 2, 16, "unknown argument \"montly_usd\""),
        ("budget \"a\" {\n  tags = { team = \"x\" }\n}\n", 1, 1, "needs monthly_usd"),
        ("budget \"a\" {\n  monthly_usd = \"lots\"\n}\n", 2, 17, "must be a number literal"),
        ("budget \"a\" {\n  monthly_usd = -5\n}\n", 2, 17, "must be a non-negative number"),
        ("budget {\n  monthly_usd = 5\n}\n", 1, 1, "exactly one name label"),
        ("policy \"p\" {\n  deny_gpu = \"yes\"\n}\n", 2, 14, "must be true or false"),
        ("policy \"p\" {\n  allowed_regions = \"us-east-1\"\n}\n", 2, 21, "must be a list of strings"),
        ("policy \"p\" {\n  required_tags = [\"a\", 1]\n}\n", 2, 25, "only string literals"),
        ("policy \"p\" {\n  max_cpu = 4\n}\n", 2, 13, "unknown argument \"max_cpu\""),
        ("polcy \"p\" {}\n", 1, 1, "unknown block type \"polcy\""),
        ("x = 1\n", 1, 1, "unexpected argument"),
        ("policy \"p\" {}\npolicy \"p\" {}\n", 2, 1, "duplicate policy \"p\""),
        ("budget \"a\" {\n  monthly_usd = 5\n  tags = { team = var.team }\n}\n", 3, 19, "must be a string literal"),
        ("budget \"a\" {\n  amount = 5\n  forecast = \"yes\"\n}\n", 3, 14, "must be true or false"),
        ("budget \"a\" {\n  amount = 5\n  forecast = true\n  tags = { team = \"x\" }\n}\n", 1, 1, "a forecast budget covers the whole configuration"),
        ("history {\n  keep = 0\n}\n", 2, 10, "whole number of at least 1"),
        ("history {\n  kept = 3\n}\n", 2, 10, "unknown argument \"kept\" in history"),
        ("history {\n  keep = 3\n}\nhistory {\n  keep = 4\n}\n", 4, 1, "duplicate history block"),
    ];
    let deep = format!(
        "budget \"a\" {{\n  monthly_usd = {}1{}\n}}\n",
        "(".repeat(300),
        ")".repeat(300)
    );
    let cases: Vec<(&str, usize, usize, &str)> = cases
        .into_iter()
        .chain([(deep.as_str(), 2, 272, "nesting deeper than 256 levels")])
        .collect();
    for (text, line, col, msg) in cases {
        let e = PolicySet::parse("autostack.hcl", text).unwrap_err();
        let CostError::Policy {
            line: l,
            column,
            message,
            ..
        } = &e
        else {
            panic!("{e}")
        };
        assert!(message.contains(msg), "{text:?}: {e}");
        assert_eq!((*l, *column), (line, col), "{text:?}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("autostack.hcl:{line}:{col}: ")),
            "{e}"
        );
    }
}

#[test]
fn load_dir_finds_autostack_hcl() {
    let dir = std::env::temp_dir().join(format!("autostack-cost-pol-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(PolicySet::load_dir(&dir).unwrap(), None);
    std::fs::write(
        dir.join("autostack.hcl"),
        "budget \"b\" { monthly_usd = 5 }\n",
    )
    .unwrap();
    let set = PolicySet::load_dir(&dir).unwrap().unwrap();
    assert_eq!(set.budgets[0].monthly_usd, 5.0);
    assert_eq!(set.history_keep, None);
    let kept = PolicySet::parse("autostack.hcl", "history {\n  keep = 7\n}\n").unwrap();
    assert_eq!(kept.history_keep, Some(7));
    std::fs::remove_dir_all(&dir).ok();
}
