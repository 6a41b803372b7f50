//! The plan/apply lifecycle with builtin providers, through the real binary.

mod common;

use common::{addresses, Work};

const DATA: &str = "resource \"terraform_data\" \"a\" {\n  input = var.v\n}\n\nvariable \"v\" {\n  default = \"one\"\n}\n\noutput \"a\" {\n  value = terraform_data.a.output\n}\n";

#[test]
fn create_noop_update_replace_delete() {
    let w = Work::new(&[("main.tf", DATA)]);
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    let out = r.stdout();
    assert!(
        out.contains("+ resource \"terraform_data\" \"a\" {"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{out}"
    );
    assert!(out.contains("terraform_data.a: Creating..."), "{out}");
    assert!(
        out.contains("terraform_data.a: Creation complete after 0s [id="),
        "{out}"
    );
    assert!(
        out.contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert!(out.contains("Outputs:\n\na = \"one\""), "{out}");
    let st = w.state();
    assert_eq!(st["version"], 4);
    assert_eq!(st["serial"], 1);
    assert_eq!(
        st["resources"][0]["provider"],
        "provider[\"terraform.io/builtin/terraform\"]"
    );
    assert_eq!(
        st["resources"][0]["instances"][0]["attributes"]["input"]["type"],
        "string"
    );

    let r = w
        .run(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
    assert!(
        r.stdout()
            .contains("No changes. Your infrastructure matches the configuration."),
        "{}",
        r.stdout()
    );

    let r = w
        .run(&["plan", "-detailed-exitcode", "-no-color", "-var", "v=two"])
        .expect(2);
    assert!(
        r.stdout().contains("~ input  = \"one\" -> \"two\""),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout()
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        r.stdout()
    );

    w.write(
        "main.tf",
        &DATA.replace(
            "input = var.v",
            "input = var.v\n  triggers_replace = [var.v]",
        ),
    );
    let r = w
        .run(&["apply", "-auto-approve", "-no-color", "-var", "v=three"])
        .expect(0);
    assert!(r.stdout().contains("must be replaced"), "{}", r.stdout());
    assert!(
        r.stdout().contains("# forces replacement"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout()
            .contains("Apply complete! Resources: 1 added, 0 changed, 1 destroyed."),
        "{}",
        r.stdout()
    );
    assert!(w.path().join("terraform.tfstate.backup").exists());

    w.write("main.tf", "");
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(
        r.stdout()
            .contains("# (because terraform_data.a is not in configuration)"),
        "{}",
        r.stdout()
    );
    assert!(addresses(&w.state()).is_empty());
}

#[test]
fn drift_recreates_deleted_local_file() {
    let w = Work::new(&[("main.tf", "resource \"local_file\" \"f\" {\n  filename = \"${path.module}/out.txt\"\n  content  = \"hi\"\n}\n")]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    std::fs::remove_file(w.path().join("out.txt")).unwrap();
    let r = w
        .run(&["plan", "-no-color", "-detailed-exitcode"])
        .expect(2);
    assert!(
        r.stdout().contains("local_file.f will be created"),
        "{}",
        r.stdout()
    );
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(w.path().join("out.txt")).unwrap(),
        "hi"
    );
}

#[test]
fn count_and_for_each_grow_and_shrink() {
    let cfg = |n: u32, keys: &str| {
        format!("resource \"terraform_data\" \"c\" {{\n  count = {n}\n  input = count.index\n}}\nresource \"terraform_data\" \"e\" {{\n  for_each = toset([{keys}])\n  input = each.key\n}}\n")
    };
    let w = Work::new(&[("main.tf", &cfg(3, "\"a\", \"b\""))]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert_eq!(
        addresses(&w.state()),
        vec![
            "terraform_data.c[0]",
            "terraform_data.c[1]",
            "terraform_data.c[2]",
            "terraform_data.e[\"a\"]",
            "terraform_data.e[\"b\"]"
        ]
    );
    w.write("main.tf", &cfg(1, "\"b\", \"c\""));
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(
        r.stdout()
            .contains("# (because index [2] is out of range for count)"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout()
            .contains("# (because key [\"a\"] is not in for_each map)"),
        "{}",
        r.stdout()
    );
    assert_eq!(
        addresses(&w.state()),
        vec![
            "terraform_data.c[0]",
            "terraform_data.e[\"b\"]",
            "terraform_data.e[\"c\"]"
        ]
    );
}

#[test]
fn modules_and_depends_on_order() {
    let w = Work::new(&[
        ("main.tf", "module \"m\" {\n  source = \"./mod\"\n  in     = \"x\"\n}\nresource \"terraform_data\" \"last\" {\n  input      = module.m.out\n  depends_on = [terraform_data.first]\n}\nresource \"terraform_data\" \"first\" {\n  input = 1\n}\noutput \"o\" {\n  value = module.m.out\n}\n"),
        ("mod/main.tf", "variable \"in\" {}\nresource \"terraform_data\" \"inner\" {\n  input = var.in\n}\noutput \"out\" {\n  value = terraform_data.inner.output\n}\n"),
    ]);
    let r = w
        .run(&["apply", "-auto-approve", "-no-color", "-parallelism=1"])
        .expect(0);
    let out = r.stdout();
    assert!(
        out.contains("module.m.terraform_data.inner will be created"),
        "{out}"
    );
    let pos = |s: &str| {
        out.find(s)
            .unwrap_or_else(|| panic!("{s} missing in {out}"))
    };
    assert!(
        pos("terraform_data.first: Creation complete") < pos("terraform_data.last: Creating...")
    );
    assert!(
        pos("module.m.terraform_data.inner: Creation complete")
            < pos("terraform_data.last: Creating...")
    );
    let st = w.state();
    assert!(st["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["module"] == "module.m"));
    assert_eq!(st["outputs"]["o"]["value"], "x");
}

#[test]
fn prevent_destroy_and_moved() {
    let w = Work::new(&[("main.tf", "resource \"terraform_data\" \"p\" {\n  input = 1\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n")]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    let r = w.run(&["destroy", "-auto-approve", "-no-color"]).expect(1);
    assert!(
        r.stderr().contains("Instance cannot be destroyed"),
        "{}",
        r.stderr()
    );
    w.write("main.tf", "resource \"terraform_data\" \"q\" {\n  input = 1\n}\nmoved {\n  from = terraform_data.p\n  to   = terraform_data.q\n}\n");
    let r = w.run(&["plan", "-no-color"]).expect(0);
    assert!(
        r.stdout()
            .contains("# terraform_data.p has moved to terraform_data.q"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout()
            .contains("Plan: 0 to add, 0 to change, 0 to destroy."),
        "{}",
        r.stdout()
    );
}

#[test]
fn saved_plans_apply_exactly_and_go_stale() {
    let w = Work::new(&[("main.tf", DATA)]);
    w.run(&["plan", "-out=p.plan"]).expect(0);
    w.run(&["apply", "p.plan"]).expect(0);
    w.run(&["plan", "-out=stale.plan", "-var", "v=two"])
        .expect(0);
    w.run(&["apply", "-auto-approve", "-var", "v=three"])
        .expect(0);
    let r = w.run(&["apply", "stale.plan"]).expect(1);
    assert!(r.stderr().contains("Saved plan is stale"), "{}", r.stderr());
    w.run(&["plan", "-out=other.plan"]).expect(0);
    w.write("main.tf", &DATA.replace("one", "changed"));
    let r = w.run(&["apply", "other.plan"]).expect(1);
    assert!(
        r.stderr()
            .contains("does not match the current configuration"),
        "{}",
        r.stderr()
    );
}

#[test]
fn show_json_is_terraform_plan_format() {
    let w = Work::new(&[("main.tf", DATA)]);
    w.run(&["plan", "-out=p.plan"]).expect(0);
    let r = w.run(&["show", "-json", "p.plan"]).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(j["format_version"], "1.2");
    let rc = &j["resource_changes"][0];
    assert_eq!(rc["address"], "terraform_data.a");
    assert_eq!(rc["change"]["actions"], serde_json::json!(["create"]));
    assert_eq!(rc["change"]["after"]["input"], "one");
    assert_eq!(rc["change"]["after_unknown"]["id"], true);
    assert_eq!(rc["change"]["after_unknown"]["output"], true);
    assert_eq!(
        j["configuration"]["root_module"]["resources"][0]["expressions"]["input"]["references"][0],
        "var.v"
    );
    assert!(j["prior_state"].is_object());
}

#[test]
fn bad_input_is_a_located_error_and_state_is_untouched() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  inptu = 1\n}\n",
    )]);
    let r = w.run(&["plan", "-no-color"]).expect(1);
    assert!(
        r.stderr().contains("Unsupported argument"),
        "{}",
        r.stderr()
    );
    assert!(
        r.stderr().contains("Did you mean \"input\"?"),
        "{}",
        r.stderr()
    );
    w.write("main.tf", "resource \"nosuch_thing\" \"a\" {}\n");
    w.run(&["plan"]).expect(1);
    w.write(
        "main.tf",
        "resource \"random_integer\" \"a\" {\n  min = 1\n}\n",
    );
    let r = w.run(&["plan", "-no-color"]).expect(1);
    assert!(
        r.stderr().contains("Missing required argument"),
        "{}",
        r.stderr()
    );
    w.write("main.tf", "");
    w.write("terraform.tfstate", "{ not json");
    let r = w.run(&["plan", "-no-color"]).expect(1);
    assert!(r.stderr().contains("terraform.tfstate"), "{}", r.stderr());
    assert_eq!(
        std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap(),
        "{ not json"
    );
    w.write(
        "terraform.tfstate",
        "{\"version\": 5, \"serial\": 1, \"lineage\": \"x\", \"resources\": []}",
    );
    let r = w.run(&["plan", "-no-color"]).expect(1);
    assert!(r.stderr().contains("version"), "{}", r.stderr());
}

#[test]
fn conditions_and_checks() {
    let w = Work::new(&[("main.tf", "variable \"n\" {\n  default = 3\n}\nresource \"terraform_data\" \"a\" {\n  input = var.n\n  lifecycle {\n    precondition {\n      condition     = var.n < 5\n      error_message = \"n must be below 5.\"\n    }\n    postcondition {\n      condition     = self.output == var.n\n      error_message = \"output must echo input.\"\n    }\n  }\n}\ncheck \"big\" {\n  assert {\n    condition     = var.n < 2\n    error_message = \"n is not small.\"\n  }\n}\n")]);
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(
        r.stderr().contains("Warning: Check block assertion failed"),
        "{}",
        r.stderr()
    );
    assert!(r.stderr().contains("n is not small."), "{}", r.stderr());
    let r = w.run(&["plan", "-no-color", "-var", "n=7"]).expect(1);
    assert!(
        r.stderr().contains("Error: Resource precondition failed"),
        "{}",
        r.stderr()
    );
    assert!(r.stderr().contains("n must be below 5."), "{}", r.stderr());
}

#[test]
fn destroy_and_refresh_only() {
    let w = Work::new(&[("main.tf", "resource \"local_file\" \"f\" {\n  filename = \"${path.module}/x.txt\"\n  content  = \"v\"\n}\n")]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    std::fs::remove_file(w.path().join("x.txt")).unwrap();
    let r = w
        .run(&["plan", "-refresh-only", "-no-color", "-detailed-exitcode"])
        .expect(2);
    assert!(
        r.stdout()
            .contains("Objects have changed outside of AutoStack"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout().contains("# local_file.f has been deleted"),
        "{}",
        r.stdout()
    );
    w.run(&["apply", "-refresh-only", "-auto-approve"])
        .expect(0);
    assert!(w.state()["resources"].as_array().unwrap().is_empty());
    w.run(&["apply", "-auto-approve"]).expect(0);
    let r = w.run(&["destroy", "-auto-approve", "-no-color"]).expect(0);
    assert!(
        r.stdout().contains("- resource \"local_file\" \"f\" {"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout()
            .contains("Destroy complete! Resources: 1 destroyed."),
        "{}",
        r.stdout()
    );
    assert!(!w.path().join("x.txt").exists());
    let r = w.run(&["apply", "-no-color"]).expect(1);
    assert!(
        r.stderr().contains("approval") || r.stdout().contains("Plan:"),
        "{}{}",
        r.stdout(),
        r.stderr()
    );
}

/// A resource removed from the configuration is refreshed like the others, as Terraform does:
/// one still there is planned for deletion, one already gone needs nothing.
#[test]
fn resources_removed_from_the_configuration_are_refreshed_first() {
    let both = "resource \"local_file\" \"kept\" {\n  filename = \"kept.txt\"\n  content  = \"k\"\n}\nresource \"local_file\" \"gone\" {\n  filename = \"gone.txt\"\n  content  = \"g\"\n}\nresource \"local_file\" \"dropped\" {\n  filename = \"dropped.txt\"\n  content  = \"d\"\n}\n";
    let w = Work::new(&[("main.tf", both)]);
    w.run(&["apply", "-auto-approve", "-no-color", "-no-cost"])
        .expect(0);
    std::fs::remove_file(w.path().join("gone.txt")).unwrap();
    w.write(
        "main.tf",
        "resource \"local_file\" \"kept\" {\n  filename = \"kept.txt\"\n  content  = \"k\"\n}\n",
    );
    let r = w.run(&["plan", "-no-color", "-no-cost"]).expect(0);
    let out = r.stdout();
    for addr in ["local_file.kept", "local_file.gone", "local_file.dropped"] {
        assert!(
            out.contains(&format!("{addr}: Refreshing state... [id=")),
            "{addr}:\n{out}"
        );
    }
    assert!(
        out.contains("# local_file.dropped will be destroyed"),
        "{out}"
    );
    assert!(
        !out.contains("# local_file.gone will be destroyed"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 0 to add, 0 to change, 1 to destroy."),
        "{out}"
    );
}

/// The provider's own configuration checks run before planning (Terraform's
/// `ValidateResourceConfig`) and their errors point at the resource block.
#[test]
fn provider_validation_errors_are_located_at_the_resource() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"ok\" {}\n\nresource \"random_string\" \"s\" {\n  length    = 2\n  min_upper = 3\n}\n",
    )]);
    let r = w.run(&["plan", "-no-color", "-no-cost"]).expect(1);
    let err = r.stderr();
    assert!(err.contains("Error: Invalid length"), "{err}");
    assert!(
        err.contains("\n\n  with random_string.s,\n  on main.tf line 3, in resource \"random_string\" \"s\":"),
        "{err}"
    );
    assert_eq!(err.matches("Error: ").count(), 1, "{err}");
}
