//! `state`, `import`, `output`, `show`, `graph`, `init`, `force-unlock` and the `-json` UI.

mod common;

use common::Work;

const TWO: &str = "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\nresource \"terraform_data\" \"b\" {\n  input = terraform_data.a.output\n}\noutput \"o\" {\n  value = terraform_data.b.output\n}\noutput \"secret\" {\n  value     = \"s3cr3t\"\n  sensitive = true\n}\n";

#[test]
fn state_subcommands() {
    let w = Work::new(&[("main.tf", TWO)]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    let r = w.run(&["state", "list"]).expect(0);
    assert_eq!(r.stdout(), "terraform_data.a\nterraform_data.b\n");
    let r = w.run(&["state", "show", "terraform_data.a"]).expect(0);
    assert!(
        r.stdout()
            .starts_with("# terraform_data.a:\nresource \"terraform_data\" \"a\" {\n"),
        "{}",
        r.stdout()
    );
    assert!(r.stdout().contains("input  = \"x\""), "{}", r.stdout());
    let pulled = w.run(&["state", "pull"]).expect(0).stdout();
    let doc: serde_json::Value = serde_json::from_str(&pulled).unwrap();
    assert_eq!(doc["version"], 4);
    w.run(&["state", "mv", "terraform_data.b", "terraform_data.c"])
        .expect(0);
    assert_eq!(
        w.run(&["state", "list"]).expect(0).stdout(),
        "terraform_data.a\nterraform_data.c\n"
    );
    w.run(&["state", "rm", "terraform_data.c"]).expect(0);
    assert_eq!(
        w.run(&["state", "list"]).expect(0).stdout(),
        "terraform_data.a\n"
    );
    w.run(&["state", "rm", "terraform_data.nope"]).expect(1);
    // Pushing an older serial of the same lineage is refused without -force.
    std::fs::write(w.path().join("old.tfstate"), &pulled).unwrap();
    let r = w.run(&["state", "push", "old.tfstate"]).expect(1);
    assert!(r.stderr().contains("serial"), "{}", r.stderr());
    w.run(&["state", "push", "-force", "old.tfstate"]).expect(0);
    assert_eq!(
        w.run(&["state", "list"]).expect(0).stdout(),
        "terraform_data.a\nterraform_data.b\n"
    );
}

#[test]
fn outputs_raw_and_json() {
    let w = Work::new(&[("main.tf", TWO)]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert_eq!(
        w.run(&["output"]).expect(0).stdout(),
        "o = \"x\"\nsecret = <sensitive>\n"
    );
    assert_eq!(w.run(&["output", "-raw", "o"]).expect(0).stdout(), "x");
    assert_eq!(
        w.run(&["output", "-raw", "secret"]).expect(0).stdout(),
        "s3cr3t"
    );
    let j: serde_json::Value =
        serde_json::from_str(&w.run(&["output", "-json"]).expect(0).stdout()).unwrap();
    assert_eq!(j["o"]["value"], "x");
    assert_eq!(j["secret"]["sensitive"], true);
    w.run(&["output", "nope"]).expect(1);
    let show: serde_json::Value =
        serde_json::from_str(&w.run(&["show", "-json"]).expect(0).stdout()).unwrap();
    assert_eq!(
        show["values"]["root_module"]["resources"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(w
        .run(&["show", "-no-color"])
        .expect(0)
        .stdout()
        .contains("secret = (sensitive value)"));
}

#[test]
fn import_adopts_an_existing_object() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"random_integer\" \"n\" {\n  min = 1\n  max = 100\n}\n",
    )]);
    let r = w.run(&["import", "random_integer.n", "15,1,100"]).expect(0);
    assert!(r.stdout().contains("Import successful!"), "{}", r.stdout());
    let r = w
        .run(&["plan", "-no-color", "-detailed-exitcode"])
        .expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());
    assert_eq!(w.run(&["output"]).expect(0).code(), 0);
    w.run(&["import", "random_integer.n", "15,1,100"]).expect(1);
    w.run(&["import", "random_integer.missing", "1,1,2"])
        .expect(1);
}

#[test]
fn graph_and_init() {
    let w = Work::new(&[("main.tf", TWO)]);
    let r = w.run(&["graph"]).expect(0);
    assert!(r.stdout().starts_with("digraph G {"), "{}", r.stdout());
    assert!(
        r.stdout()
            .contains("\"terraform_data.b\" -> \"terraform_data.a\";"),
        "{}",
        r.stdout()
    );
    let r = w.run(&["init", "-no-color"]).expect(0);
    assert!(
        r.stdout()
            .contains("AutoStack has been successfully initialized!"),
        "{}",
        r.stdout()
    );
    w.write("main.tf", "resource \"nothere_thing\" \"x\" {}\n");
    let r = w.run(&["init", "-no-color"]).expect(1);
    assert!(r.stderr().contains("hashicorp/nothere"), "{}", r.stderr());
}

#[test]
fn json_ui_streams_one_object_per_line() {
    let w = Work::new(&[("main.tf", TWO)]);
    let r = w.run(&["apply", "-auto-approve", "-json"]).expect(0);
    let msgs: Vec<serde_json::Value> = r
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let types: Vec<&str> = msgs.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(types.first(), Some(&"version"));
    for t in [
        "planned_change",
        "change_summary",
        "apply_start",
        "apply_complete",
        "outputs",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let done = msgs.iter().find(|m| m["type"] == "apply_complete").unwrap();
    assert_eq!(done["hook"]["resource"]["resource_type"], "terraform_data");
    assert_eq!(done["hook"]["id_key"], "id");
    let summary = msgs
        .iter()
        .rev()
        .find(|m| m["type"] == "change_summary")
        .unwrap();
    assert_eq!(summary["changes"]["add"], 2);
    assert_eq!(summary["changes"]["operation"], "apply");
    let outputs = msgs.iter().find(|m| m["type"] == "outputs").unwrap();
    assert!(
        outputs["outputs"]["secret"]["value"].is_null(),
        "sensitive outputs are not printed"
    );
    let r = w.run(&["plan", "-json", "-var", "x=1"]).expect(1);
    let last: serde_json::Value = serde_json::from_str(r.stdout().lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "diagnostic");
    assert_eq!(last["@level"], "error");
}

/// Refreshes are reported as the engine makes them: Terraform's human line, and its
/// `refresh_start` / `refresh_complete` messages under `-json`.
#[test]
fn refreshes_are_reported_in_both_uis() {
    let w = Work::new(&[("main.tf", TWO)]);
    w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    let r = w.run(&["plan", "-no-color"]).expect(0);
    let refreshed = r
        .stdout()
        .lines()
        .filter(|l| l.contains(": Refreshing state... [id="))
        .count();
    assert_eq!(refreshed, 2, "{}", r.stdout());
    let r = w.run(&["plan", "-json"]).expect(0);
    let msgs: Vec<serde_json::Value> = r
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let of = |t: &str| msgs.iter().filter(|m| m["type"] == t).count();
    assert_eq!((of("refresh_start"), of("refresh_complete")), (2, 2));
    let start = msgs.iter().find(|m| m["type"] == "refresh_start").unwrap();
    assert_eq!(start["hook"]["id_key"], "id");
    assert_eq!(start["hook"]["resource"]["resource_type"], "terraform_data");
    let r = w.run(&["plan", "-no-color", "-refresh=false"]).expect(0);
    assert!(!r.stdout().contains("Refreshing state"), "{}", r.stdout());
}

#[test]
fn force_unlock_requires_the_lock_id() {
    let w = Work::new(&[("main.tf", TWO)]);
    let r = w.run(&["force-unlock", "-force", "nope"]).expect(1);
    assert!(r.stderr().contains("not locked"), "{}", r.stderr());
}

/// The addresses of a plan JSON's `resource_changes` (with actions), `planned_values` and
/// `prior_state` resources.
fn plan_addresses(doc: &serde_json::Value) -> (Vec<String>, Vec<String>, Vec<String>) {
    let addrs = |rs: &serde_json::Value| -> Vec<String> {
        rs.as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r["address"].as_str().unwrap_or("?").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let changes = doc["resource_changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    format!(
                        "{} {}",
                        r["address"].as_str().unwrap_or("?"),
                        r["change"]["actions"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (
        changes,
        addrs(&doc["planned_values"]["root_module"]["resources"]),
        addrs(&doc["prior_state"]["values"]["root_module"]["resources"]),
    )
}

/// As Terraform: a data source read during plan is in `prior_state` only, not in
/// `resource_changes` or `planned_values` (checkov counted checks on it that it does not run
/// on Terraform's plan); one deferred to apply is listed with the `read` action.
#[test]
fn show_json_lists_only_data_sources_read_during_apply() {
    let w = Work::new(&[
        ("in.txt", "input"),
        (
            "main.tf",
            r#"resource "local_file" "f" {
  filename = "${path.module}/out.txt"
  content  = "x"
}

data "local_file" "now" {
  filename = "${path.module}/in.txt"
}

data "local_file" "later" {
  filename = "${path.module}/${local_file.f.id}.txt"
}
"#,
        ),
    ]);
    w.run(&["plan", "-out=p.plan"]).expect(0);
    let doc: serde_json::Value =
        serde_json::from_str(&w.run(&["show", "-json", "p.plan"]).expect(0).stdout()).unwrap();
    let (changes, planned, prior) = plan_addresses(&doc);
    assert_eq!(
        changes,
        [
            "data.local_file.later [\"read\"]",
            "local_file.f [\"create\"]"
        ]
    );
    assert_eq!(planned, ["data.local_file.later", "local_file.f"]);
    assert_eq!(prior, ["data.local_file.now"]);
}

/// A state whose attributes no provider schema would accept (`ami` is an object where the
/// aws schema has a string), in a directory whose configuration names a provider that cannot
/// be configured (no build has it) and a broken `aws` block.
const UNREADABLE_BY_PROVIDERS: &str = r#"{
  "version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "L",
  "outputs": {
    "ip": { "value": "10.0.0.1", "type": "string" },
    "ports": { "value": [80, 443], "type": ["list", "number"], "sensitive": true }
  },
  "resources": [
    { "mode": "managed", "type": "aws_instance", "name": "web",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{ "schema_version": 1, "attributes": { "ami": { "not": "a string" }, "id": "i-1" }, "sensitive_attributes": [] }] },
    { "mode": "managed", "type": "broken_thing", "name": "x",
      "provider": "provider[\"example.com/nobody/broken\"]",
      "instances": [{ "index_key": 0, "schema_version": 0, "attributes": { "id": "b" } }] }
  ],
  "check_results": null
}"#;

const UNCONFIGURABLE: &str = "terraform {\n  required_providers {\n    broken = {\n      source = \"example.com/nobody/broken\"\n    }\n  }\n}\nprovider \"broken\" {\n  endpoint = \"nowhere\"\n}\nprovider \"aws\" {\n  region     = \"nowhere-1\"\n  access_key = 12\n}\n";

#[test]
fn state_list_pull_and_output_start_no_provider() {
    let w = Work::new(&[
        ("main.tf", UNCONFIGURABLE),
        ("terraform.tfstate", UNREADABLE_BY_PROVIDERS),
    ]);
    assert_eq!(
        w.run(&["state", "list"]).expect(0).stdout(),
        "aws_instance.web\nbroken_thing.x[0]\n"
    );
    let pulled = w.run(&["state", "pull"]).expect(0).stdout();
    let as_json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    assert_eq!(as_json(&pulled), as_json(UNREADABLE_BY_PROVIDERS));
    assert_eq!(
        w.run(&["output"]).expect(0).stdout(),
        "ip = \"10.0.0.1\"\nports = <sensitive>\n"
    );
    assert_eq!(
        w.run(&["output", "-raw", "ip"]).expect(0).stdout(),
        "10.0.0.1"
    );
    assert_eq!(
        w.run(&["output", "-json", "ports"]).expect(0).stdout(),
        "[80,443]\n"
    );
    let all = as_json(&w.run(&["output", "-json"]).expect(0).stdout());
    assert_eq!(all["ports"]["type"], serde_json::json!(["list", "number"]));
    assert_eq!(all["ports"]["sensitive"], true);
    // `state show` decodes only the object shown (here with no schema: its provider is in
    // no build).
    let r = w.run(&["state", "show", "broken_thing.x[0]"]).expect(0);
    assert!(r.stdout().contains("    id = \"b\"\n"), "{}", r.stdout());
    if cfg!(feature = "aws") {
        // Decoding attributes does need the aws schema, which rejects this state.
        let r = w.run(&["state", "show", "aws_instance.web"]).expect(1);
        assert!(r.stderr().contains("aws_instance.web"), "{}", r.stderr());
    }
    // Nothing was written.
    assert_eq!(
        std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap(),
        UNREADABLE_BY_PROVIDERS
    );
}

#[test]
fn state_pull_prints_a_terraform_written_state_byte_for_byte() {
    let terraform = include_str!("../../../state/tests/fixtures/terraform-1.11.4.tfstate");
    let w = Work::new(&[("main.tf", ""), ("terraform.tfstate", terraform)]);
    assert_eq!(w.run(&["state", "pull"]).expect(0).stdout(), terraform);
}
