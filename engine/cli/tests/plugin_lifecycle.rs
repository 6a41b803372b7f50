//! Provider plugins end to end: the real binary installs the repository's test provider from
//! a filesystem mirror (`init`, `.terraform/providers`, `.terraform.lock.hcl`), then plans,
//! applies, refreshes and destroys through it over protocol 6 and 5; a crash of the plugin is
//! a clear error that leaves the state intact; a native provider and a plugin of the same
//! address share one provider block.
#![cfg(feature = "plugins")]

mod common;

use autostack_provider_plugin::install::hash::h1_dir;
use autostack_provider_plugin::testkit::{install_testcloud, platform};
use common::Work;
use std::path::Path;

fn main_tf(constraint: &str, servers: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    testcloud = {{
      source  = "autostack/testcloud"
      version = "{constraint}"
    }}
  }}
}}

provider "testcloud" {{
  root = "${{path.module}}/cloud"
}}
{servers}"#
    )
}

const WEB: &str = r#"
resource "testcloud_server" "web" {
  name     = "web"
  password = "hunter2"
  disk {
    size = 10
  }
  network {
    name = "a"
  }
}

output "ip" {
  value = testcloud_server.web.ip
}
"#;

/// A working directory with a filesystem mirror holding `versions` and a CLI configuration
/// that installs from it.
fn work(main: &str, versions: &[&str], protocol5: bool) -> Work {
    let w = Work::new(&[("main.tf", main)]);
    for v in versions {
        install_testcloud(&w.path().join("mirror"), v, protocol5);
    }
    let rc = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
        w.path().join("mirror").display()
    );
    w.write("cli.tfrc", &rc);
    w
}

fn env(w: &Work) -> [(String, String); 2] {
    [
        (
            "TF_CLI_CONFIG_FILE".into(),
            w.path().join("cli.tfrc").display().to_string(),
        ),
        (
            "AUTOSTACK_PLUGIN_CACHE_DIR".into(),
            w.path().join("plugin-cache").display().to_string(),
        ),
    ]
}

fn run(w: &Work, args: &[&str]) -> common::Run {
    let e = env(w);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    w.run_env(args, &pairs)
}

fn cloud_objects(w: &Work) -> usize {
    std::fs::read_dir(w.path().join("cloud/testcloud_server"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn init_installs_from_a_filesystem_mirror_and_locks_it_as_terraform_does() {
    let w = work(
        &main_tf("~> 0.1.0", ""),
        &["0.1.0", "0.1.5", "0.2.0"],
        false,
    );
    let out = run(&w, &["init"]).expect(0).stdout();
    assert!(out.contains("- Finding autostack/testcloud versions matching \"~> 0.1.0\"...\n- Installing autostack/testcloud v0.1.5...\n- Installed autostack/testcloud v0.1.5 (unauthenticated)"), "{out}");
    let package = w
        .path()
        .join(".terraform/providers/registry.terraform.io/autostack/testcloud/0.1.5")
        .join(platform());
    assert!(std::fs::symlink_metadata(&package)
        .unwrap()
        .file_type()
        .is_symlink());
    let h1 = h1_dir(&package).unwrap();
    let lock = std::fs::read_to_string(w.path().join(".terraform.lock.hcl")).unwrap();
    assert_eq!(lock, format!("# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n\nprovider \"registry.terraform.io/autostack/testcloud\" {{\n  version     = \"0.1.5\"\n  constraints = \"~> 0.1.0\"\n  hashes = [\n    \"{h1}\",\n  ]\n}}\n"));

    // The lock file's selection holds until -upgrade, even when the constraint allows more.
    w.write("main.tf", &main_tf(">= 0.1.0", ""));
    let out = run(&w, &["init"]).expect(0).stdout();
    assert!(
        out.contains(
            "- Reusing previous version of autostack/testcloud from the dependency lock file"
        ),
        "{out}"
    );
    let out = run(&w, &["init", "-upgrade"]).expect(0).stdout();
    assert!(
        out.contains("- Installed autostack/testcloud v0.2.0 (unauthenticated)"),
        "{out}"
    );
    assert!(
        std::fs::read_to_string(w.path().join(".terraform.lock.hcl"))
            .unwrap()
            .contains("version     = \"0.2.0\"")
    );

    // A package that does not match the recorded hash is refused.
    let exe = w
        .path()
        .join("mirror/registry.terraform.io/autostack/testcloud/0.2.0")
        .join(platform())
        .join("terraform-provider-testcloud_v0.2.0");
    std::fs::write(exe, b"tampered").unwrap();
    let err = run(&w, &["init"]).expect(1).stderr();
    assert!(
        err.contains("Failed to install provider") && err.contains("doesn't match any of the"),
        "{err}"
    );
}

#[test]
fn a_provider_in_no_mirror_is_reported() {
    let w = work(&main_tf("~> 9.0", ""), &["0.1.0"], false);
    let err = run(&w, &["init"]).expect(1).stderr();
    assert!(err.contains("autostack/testcloud"), "{err}");
}

fn lifecycle(protocol5: bool) {
    let w = work(&main_tf("~> 0.1", WEB), &["0.1.0"], protocol5);
    run(&w, &["init"]).expect(0);
    let plan = run(&w, &["plan", "-no-cost"]).expect(0).stdout();
    assert!(
        plan.contains("+ password = (sensitive value)")
            && plan.contains("+ ip       = (known after apply)"),
        "{plan}"
    );
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    assert_eq!(cloud_objects(&w), 1);
    let state = w.state();
    let inst = &state["resources"][0]["instances"][0];
    assert_eq!(
        state["resources"][0]["provider"],
        "provider[\"registry.terraform.io/autostack/testcloud\"]"
    );
    assert_eq!(inst["schema_version"], 1);
    assert_eq!(
        inst["sensitive_attributes"],
        serde_json::json!([[{"type": "get_attr", "value": "password"}]])
    );
    assert_eq!(inst["private"], "eyJjcmVhdGVkX2J5IjoidGVzdGNsb3VkIn0=");
    assert_eq!(
        inst["attributes"]["disk"],
        serde_json::json!([{"kind": null, "size": 10}])
    );
    assert!(state["outputs"]["ip"]["value"]
        .as_str()
        .unwrap()
        .starts_with("10.0."));

    // Refreshed and unchanged: a no-op plan (the provider checks its private data came back).
    run(&w, &["plan", "-detailed-exitcode", "-no-cost"]).expect(0);
    // A new name forces replacement.
    w.write(
        "main.tf",
        &main_tf(
            "~> 0.1",
            &WEB.replace("name     = \"web\"", "name     = \"web2\""),
        ),
    );
    let plan = run(&w, &["plan", "-no-cost"]).expect(0).stdout();
    assert!(
        plan.contains("must be replaced") && plan.contains("# forces replacement"),
        "{plan}"
    );
    run(&w, &["destroy", "-auto-approve", "-no-cost"]).expect(0);
    assert_eq!(cloud_objects(&w), 0);
}

#[test]
fn a_plugin_resource_lives_through_protocol_6() {
    lifecycle(false);
}

#[test]
fn a_plugin_resource_lives_through_protocol_5() {
    lifecycle(true);
}

/// As Terraform does, an applied value that breaks its plan is tolerated when the plugin
/// answers under the legacy type system (SDKv2), and an error otherwise.
#[test]
fn the_legacy_type_system_is_tolerated_as_terraform_tolerates_it() {
    let servers = "resource \"testcloud_server\" \"old\" {\n  name = \"legacy-a\"\n}\n";
    let w = work(&main_tf("~> 0.1", servers), &["0.1.0"], false);
    run(&w, &["init"]).expect(0);
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let state = w.state();
    let attrs = &state["resources"][0]["instances"][0]["attributes"];
    assert_eq!(attrs["size"], 2, "the applied value is recorded: {attrs}");

    let sloppy = "resource \"testcloud_server\" \"new\" {\n  name = \"sloppy-a\"\n}\n";
    w.write("main.tf", &main_tf("~> 0.1", sloppy));
    let err = run(&w, &["apply", "-auto-approve", "-no-cost"])
        .expect(1)
        .stderr();
    assert!(
        err.contains("Provider produced inconsistent result after apply")
            && err.contains(".size: was 1, but now 2"),
        "{err}"
    );
}

#[test]
fn a_crashing_plugin_is_a_clear_error_and_the_state_keeps_what_was_made() {
    let w = work(&main_tf("~> 0.1", WEB), &["0.1.0"], false);
    run(&w, &["init"]).expect(0);
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let crash =
        format!("{WEB}\nresource \"testcloud_server\" \"bad\" {{\n  name = \"crash\"\n}}\n");
    w.write("main.tf", &main_tf("~> 0.1", &crash));
    let out = run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(1);
    let err = out.stderr();
    assert!(
        err.contains("Plugin did not respond") && err.contains("nil pointer dereference"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let state = w.state();
    assert_eq!(common::addresses(&state), vec!["testcloud_server.web"]);
}

#[test]
fn a_native_provider_and_its_plugin_share_one_provider_block() {
    // The test provider installed as hashicorp/random: random_* types stay native, its
    // testcloud_server comes from the plugin.
    let main = r#"
terraform {
  required_providers {
    random = { source = "hashicorp/random" }
  }
}
provider "random" {
  root = "${path.module}/cloud"
}
resource "random_pet" "name" {}
resource "testcloud_server" "web" {
  provider = random
  name     = random_pet.name.id
}
"#;
    let w = Work::new(&[("main.tf", main)]);
    let exe = install_testcloud(&w.path().join("m"), "3.0.0", false);
    let dir = w
        .path()
        .join("mirror/registry.terraform.io/hashicorp/random/3.0.0")
        .join(platform());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(exe, dir.join("terraform-provider-random_v3.0.0")).unwrap();
    let rc = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
        w.path().join("mirror").display()
    );
    w.write("cli.tfrc", &rc);
    run(&w, &["init"]).expect(0);
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    assert_eq!(cloud_objects(&w), 1);
    let state = w.state();
    assert_eq!(
        common::addresses(&state),
        vec!["random_pet.name", "testcloud_server.web"]
    );

    // `autostack.hcl` can force the native implementation: the plugin's type is then unknown.
    w.write(
        "autostack.hcl",
        "provider \"random\" {\n  implementation = \"native\"\n}\n",
    );
    let err = run(&w, &["plan", "-no-cost"]).expect(1).stderr();
    assert!(err.contains("testcloud_server"), "{err}");
    let _ = Path::new("");
}

#[test]
fn providers_commands_show_lock_and_describe_plugins() {
    let w = work(&main_tf("~> 0.1", WEB), &["0.1.0"], false);
    run(&w, &["init"]).expect(0);
    let out = run(&w, &["providers"]).expect(0).stdout();
    assert!(out.contains("Providers required by configuration:\n.\n└── provider[registry.terraform.io/autostack/testcloud] ~> 0.1\n"), "{out}");

    // The schema as `terraform providers schema -json` prints it (Terraform 1.11 printed
    // exactly these entries for this provider).
    let out = run(&w, &["providers", "schema", "-json"])
        .expect(0)
        .stdout();
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["format_version"], "1.0");
    let p = &j["provider_schemas"]["registry.terraform.io/autostack/testcloud"];
    assert_eq!(
        p["provider"]["block"]["attributes"]["token"],
        serde_json::json!({"type": "string", "description": "The token.", "description_kind": "plain", "optional": true, "sensitive": true})
    );
    let server = &p["resource_schemas"]["testcloud_server"];
    assert_eq!(server["version"], 1);
    assert_eq!(
        server["block"]["block_types"]["network"],
        serde_json::json!({"nesting_mode": "list", "block": {"attributes": {"name": {"type": "string", "description": "The name.", "description_kind": "plain", "required": true}}, "description_kind": "plain"}, "max_items": 2})
    );
    assert_eq!(
        p["functions"]["double"],
        serde_json::json!({"summary": "Doubles a number.", "return_type": "number", "parameters": [{"name": "n", "type": "number"}]})
    );
    run(&w, &["providers", "schema"]).expect(1);

    // `providers lock` rewrites the lock file from the mirror without installing anything.
    std::fs::remove_file(w.path().join(".terraform.lock.hcl")).unwrap();
    let out = run(&w, &["providers", "lock", "-fs-mirror=mirror"])
        .expect(0)
        .stdout();
    assert!(
        out.contains("Success! AutoStack has updated the lock file."),
        "{out}"
    );
    let lock = std::fs::read_to_string(w.path().join(".terraform.lock.hcl")).unwrap();
    assert!(
        lock.contains(
            "version     = \"0.1.0\"\n  constraints = \"~> 0.1\"\n  hashes = [\n    \"h1:"
        ),
        "{lock}"
    );
}

#[test]
fn state_from_an_older_schema_version_is_upgraded_by_the_plugin() {
    let w = work(&main_tf("~> 0.1", WEB), &["0.1.0"], false);
    run(&w, &["init"]).expect(0);
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    // As an older provider version recorded it: schema version 0 called `name` `label`.
    let mut state = w.state();
    let inst = &mut state["resources"][0]["instances"][0];
    inst["schema_version"] = 0.into();
    let attrs = inst["attributes"].as_object_mut().unwrap();
    let name = attrs.remove("name").unwrap();
    attrs.insert("label".into(), name);
    w.write(
        "terraform.tfstate",
        &serde_json::to_string_pretty(&state).unwrap(),
    );
    run(&w, &["plan", "-detailed-exitcode", "-no-cost"]).expect(0);
    // The next change records the object under the current version.
    let tagged = WEB.replace(
        "password = \"hunter2\"",
        "password = \"hunter2\"\n  tags     = { a = \"b\" }",
    );
    w.write("main.tf", &main_tf("~> 0.1", &tagged));
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let state = w.state();
    let inst = &state["resources"][0]["instances"][0];
    assert_eq!(inst["schema_version"], 1);
    assert_eq!(inst["attributes"]["name"], "web");
    assert!(inst["attributes"].get("label").is_none());
}
