//! Provider-defined functions (`provider::NAME::FUNC`, Terraform 1.8) and `moved` blocks
//! across resource types (`MoveResourceState`), through the real binary and the repository's
//! test provider over protocol 6 and 5. Messages are Terraform 1.15's for the same
//! configurations with the same provider.
#![cfg(feature = "plugins")]

mod common;

use autostack_provider_plugin::testkit::install_testcloud;
use common::{Run, Work};

const HEAD: &str = r#"terraform {
  required_providers {
    testcloud = {
      source  = "autostack/testcloud"
      version = "~> 0.1"
    }
  }
}

provider "testcloud" {
  root = "${path.module}/cloud"
}
"#;

const FUNCTIONS: &str = r#"
variable "secret" {
  type      = number
  default   = 21
  sensitive = true
}

locals {
  d = provider::testcloud::double(4)
}

resource "testcloud_server" "web" {
  name = "web-${provider::testcloud::double(local.d)}"
}

output "d" { value = local.d }
output "desc" { value = provider::testcloud::describe(null, "a", "b") }
output "spread" { value = provider::testcloud::describe("l", ["x", "y"]...) }
output "echo" { value = provider::testcloud::echo({ a = [1, 2] }) }
output "core" { value = core::abs(-3) }
output "unknown" { value = provider::testcloud::double(length(testcloud_server.web.ip)) }
output "secret" {
  value     = provider::testcloud::double(var.secret)
  sensitive = true
}
"#;

/// A working directory with the test provider in a filesystem mirror (`_x5`: protocol 5),
/// initialized.
fn work(body: &str, protocol5: bool) -> Work {
    let w = Work::new(&[("main.tf", &format!("{HEAD}{body}"))]);
    install_testcloud(&w.path().join("mirror"), "0.1.0", protocol5);
    let rc = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
        w.path().join("mirror").display()
    );
    w.write("cli.tfrc", &rc);
    run(&w, &["init"]).expect(0);
    w
}

/// Runs with the CLI configuration, a schema cache of this directory, and `env`.
fn run_in(w: &Work, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let rc = w.path().join("cli.tfrc").display().to_string();
    let cache = w.path().join("plugin-cache").display().to_string();
    let mut all = vec![
        ("TF_CLI_CONFIG_FILE", rc.as_str()),
        ("AUTOSTACK_PLUGIN_CACHE_DIR", cache.as_str()),
    ];
    all.extend_from_slice(env);
    w.run_with(args, stdin, &all)
}

fn run(w: &Work, args: &[&str]) -> Run {
    run_in(w, args, "", &[])
}

fn functions(protocol5: bool) {
    let w = work(FUNCTIONS, protocol5);
    let plan = run(&w, &["plan", "-no-cost"]).expect(0).stdout();
    for line in [
        "+ name = \"web-16\"",
        "+ d       = 8",
        "+ desc    = \"(none): a, b\"",
        "+ spread  = \"l: x, y\"",
        "+ core    = 3",
        "+ secret  = (sensitive value)",
        // An unknown argument: an unknown result of the declared return type.
        "+ unknown = (known after apply)",
    ] {
        assert!(plan.contains(line), "{line:?} in:\n{plan}");
    }
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let out = run(&w, &["output", "-json"]).expect(0).stdout();
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["echo"]["value"], serde_json::json!({"a": [1, 2]}));
    // double(length("10.0.X.Y")): the IP's length is 8 to 12.
    let unknown = j["unknown"]["value"].as_i64().unwrap();
    assert!(
        (16..=24).contains(&unknown) && unknown % 2 == 0,
        "{unknown}"
    );
    assert_eq!(j["secret"]["value"], 42);
    assert_eq!(j["secret"]["sensitive"], true);
    run(&w, &["plan", "-detailed-exitcode", "-no-cost"]).expect(0);

    // The console calls them too.
    let console = run_in(&w, &["console"], "provider::testcloud::double(21)\n", &[]);
    assert_eq!(console.expect(0).stdout(), "42\n");
}

#[test]
fn provider_functions_are_called_over_protocol_6() {
    functions(false);
}

#[test]
fn provider_functions_are_called_over_protocol_5() {
    functions(true);
}

/// Errors as Terraform 1.15 reports them for the same expression (its value at line 15).
#[test]
fn provider_function_errors_read_as_terraforms() {
    let w = work(
        "\noutput \"x\" {\n  value = provider::testcloud::double(1)\n}\n",
        false,
    );
    let cases = [
        ("provider::testcloud::divide(1, 0)", "Error: Invalid function argument\n\n  on main.tf line 15, in output \"x\":\n  15:   value = provider::testcloud::divide(1, 0)\n    ├────────────────\n    │ while calling provider::testcloud::divide(a, b)\n\nInvalid value for \"b\" parameter: cannot divide by zero.\n"),
        ("provider::testcloud::fail(\"boom\")", "Error: Error in function call\n\n  on main.tf line 15, in output \"x\":\n  15:   value = provider::testcloud::fail(\"boom\")\n    ├────────────────\n    │ while calling provider::testcloud::fail(text)\n\nCall to function \"provider::testcloud::fail\" failed: boom.\n"),
        ("provider::testcloud::triple(1)", "Error: Unknown provider function\n\n  on main.tf line 15, in output \"x\":\n  15:   value = provider::testcloud::triple(1)\n\nThe function \"triple\" is not available from the provider \"testcloud\".\n"),
        ("provider::other::double(1)", "Error: Unknown provider function\n\n  on main.tf line 15, in output \"x\":\n  15:   value = provider::other::double(1)\n\nThere is no function named \"provider::other::double\". Ensure that provider\nname \"other\" is declared in this module's required_providers block, and that\nthis provider offers a function named \"double\".\n"),
        ("foo::double(1)", "Error: Unknown provider function\n\n  on main.tf line 15, in output \"x\":\n  15:   value = foo::double(1)\n\nThe function namespace \"foo\" is not valid. Provider function calls must use\nthe \"provider::\" namespace prefix.\n"),
        ("double(2)", "Error: Call to unknown function\n\n  on main.tf line 15, in output \"x\":\n  15:   value = double(2)\n\nThere is no function named \"double\". Did you mean\n\"provider::testcloud::double\"?\n"),
        ("provider::testcloud::double()", "Function \"provider::testcloud::double\" expects 1 argument(s). Missing value\nfor \"n\".\n"),
        ("provider::testcloud::double(1, 2)", "Function \"provider::testcloud::double\" expects only 1 argument(s).\n"),
        ("provider::testcloud::double(\"x\")", "Invalid value for \"n\" parameter: a number is required.\n"),
        ("provider::testcloud::double(null)", "Invalid value for \"n\" parameter: argument must not be null.\n"),
    ];
    for (expr, want) in cases {
        w.write(
            "main.tf",
            &format!("{HEAD}\noutput \"x\" {{\n  value = {expr}\n}}\n"),
        );
        for cmd in ["plan", "validate"] {
            let err = run(&w, &[cmd]).expect(1).stderr();
            assert!(err.contains(want), "{cmd} {expr}:\n{err}\nwanted:\n{want}");
        }
    }
    // A sensitive argument makes a sensitive result.
    let body = format!(
        "{HEAD}variable \"s\" {{\n  default   = 1\n  sensitive = true\n}}\noutput \"x\" {{\n  value = provider::testcloud::double(var.s)\n}}\n"
    );
    w.write("main.tf", &body);
    let err = run(&w, &["plan", "-no-cost"]).expect(1).stderr();
    assert!(
        err.contains("Error: Output refers to sensitive values"),
        "{err}"
    );
}

const SERVER: &str =
    "\nresource \"testcloud_server\" \"a\" {\n  name     = \"a\"\n  password = \"pw\"\n}\n";
const MACHINE: &str = "\nresource \"testcloud_machine\" \"a\" {\n  name     = \"a\"\n  password = \"pw\"\n}\n\nmoved {\n  from = testcloud_server.a\n  to   = testcloud_machine.a\n}\n";

fn moves(protocol5: bool) {
    let w = work(SERVER, protocol5);
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let id = w.state()["resources"][0]["instances"][0]["attributes"]["id"].clone();
    w.write("main.tf", &format!("{HEAD}{MACHINE}"));
    let plan = run(&w, &["plan", "-no-cost"]).expect(0).stdout();
    let want = format!("  # testcloud_server.a has moved to testcloud_machine.a\n    resource \"testcloud_machine\" \"a\" {{\n        id       = {id}\n        name     = \"a\"\n        # (3 unchanged attributes hidden)\n    }}\n\nPlan: 0 to add, 0 to change, 0 to destroy.\n");
    assert!(plan.contains(&want), "{plan}");
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let state = w.state();
    assert_eq!(common::addresses(&state), vec!["testcloud_machine.a"]);
    let inst = &state["resources"][0]["instances"][0];
    assert_eq!(inst["attributes"]["id"], id);
    assert_eq!(inst["schema_version"], 1);
    // The private data the provider handed back (it checks it on every later read).
    assert_eq!(inst["private"], "eyJjcmVhdGVkX2J5IjoidGVzdGNsb3VkIn0=");
    assert_eq!(
        inst["sensitive_attributes"],
        serde_json::json!([[{"type": "get_attr", "value": "password"}]])
    );
    run(&w, &["plan", "-detailed-exitcode", "-no-cost"]).expect(0);
    run(&w, &["destroy", "-auto-approve", "-no-cost"]).expect(0);
}

#[test]
fn a_moved_block_changes_a_resource_type_over_protocol_6() {
    moves(false);
}

#[test]
fn a_moved_block_changes_a_resource_type_over_protocol_5() {
    moves(true);
}

#[test]
fn a_move_the_provider_cannot_make_is_terraforms_error_and_state_is_kept() {
    let w = work(SERVER, false);
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let before = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    w.write("main.tf", &format!("{HEAD}{MACHINE}"));
    let other_cache = w.path().join("no-move-cache").display().to_string();
    let env = [
        ("TESTCLOUD_MOVE", "off"),
        ("AUTOSTACK_PLUGIN_CACHE_DIR", other_cache.as_str()),
    ];
    let err = run_in(&w, &["apply", "-auto-approve", "-no-cost"], "", &env)
        .expect(1)
        .stderr();
    // Terraform's text: no `, in moved`, as the subject is the block's header (the context
    // is the block around the byte before the subject).
    let want = "Error: Unsupported `moved` across resource types\n\n  on main.tf line 19:\n  19: moved {\n\nThe provider \"registry.terraform.io/autostack/testcloud\" does not support\nmoved operations across resource types and providers.\n";
    assert!(err.contains(want), "{err}");
    let after = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    assert_eq!(before, after);

    // A move the provider refuses: its own diagnostic, as Terraform shows it (no location).
    run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let back = MACHINE
        .replace("\"testcloud_machine\"", "\"testcloud_server\"")
        .replace("from = testcloud_server.a", "from = testcloud_machine.a")
        .replace("to   = testcloud_machine.a", "to   = testcloud_server.a");
    w.write("main.tf", &format!("{HEAD}{back}"));
    let before = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    let err = run(&w, &["apply", "-auto-approve", "-no-cost"])
        .expect(1)
        .stderr();
    let want = "Error: Unsupported move\n\nA testcloud_machine of registry.terraform.io/autostack/testcloud cannot\nbecome a testcloud_server.\n";
    assert!(err.contains(want), "{err}");
    let after = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    assert_eq!(before, after);
}

const IMPURE: &str = r#"
resource "testcloud_server" "web" {
  name = "web-${provider::testcloud::setting("zone")}"
}
"#;

/// A provider function must give at apply the result it gave at plan (Terraform 1.9+): the
/// saved plan carries hashes of the calls, and an apply whose call answers otherwise stops
/// there without creating anything (the values are not shown: either may be secret).
#[test]
fn a_function_that_answers_otherwise_at_apply_is_an_error_and_nothing_is_made() {
    let w = work(IMPURE, false);
    let zone = |z| [("TESTCLOUD_SETTING_ZONE", z)];
    run_in(&w, &["plan", "-out=a.plan", "-no-cost"], "", &zone("a")).expect(0);
    let err = run_in(&w, &["apply", "-no-cost", "a.plan"], "", &zone("b"))
        .expect(1)
        .stderr();
    let want = "Call to function \"provider::testcloud::setting\" failed: function returned an inconsistent result.";
    assert!(err.contains("Error: Error in function call"), "{err}");
    assert!(err.replace('\n', " ").contains(want), "{err}");
    assert!(!err.contains("web-a") && !err.contains("web-b"), "{err}");
    let state = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap_or_default();
    assert!(!state.contains("testcloud_server"), "{state}");

    // The same answer at apply, from a saved plan or in one run, applies.
    run_in(&w, &["plan", "-out=b.plan", "-no-cost"], "", &zone("b")).expect(0);
    run_in(&w, &["apply", "-no-cost", "b.plan"], "", &zone("b")).expect(0);
    let state = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    assert!(state.contains("\"name\": \"web-b\""), "{state}");
    run_in(&w, &["apply", "-auto-approve", "-no-cost"], "", &zone("c")).expect(0);
    let state = std::fs::read_to_string(w.path().join("terraform.tfstate")).unwrap();
    assert!(state.contains("\"name\": \"web-c\""), "{state}");
}
