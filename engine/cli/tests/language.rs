//! `validate`, `console`, `fmt` and `version` through the real binary.

mod common;

use common::Work;

#[test]
fn validate_success_and_json() {
    let w = Work::new(&[("main.tf", "variable \"n\" {\n  type    = number\n  default = 2\n}\n\nlocals {\n  doubled = var.n * 2\n}\n\noutput \"d\" {\n  value = local.doubled\n}\n")]);
    let r = w.run(&["validate"]).expect(0);
    assert!(
        r.stdout().contains("Success! The configuration is valid."),
        "{}",
        r.stdout()
    );
    let r = w.run(&["validate", "-json"]).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(j["valid"], true);
    assert_eq!(j["format_version"], "1.0");
    assert_eq!(j["error_count"], 0);
}

#[test]
fn validate_reports_every_error_with_location() {
    let w = Work::new(&[("main.tf", "locals {\n  foo = upper(1, 2)\n  b   = var.nope\n}\n\noutput \"o\" {\n  value = local.bar\n}\n")]);
    let r = w.run(&["validate", "-json"]).expect(1);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(j["valid"], false);
    assert_eq!(j["error_count"], 3);
    let summaries: Vec<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["summary"].as_str().unwrap())
        .collect();
    assert!(summaries.contains(&"Too many function arguments"));
    assert!(summaries.contains(&"Reference to undeclared input variable"));
    assert!(summaries.contains(&"Reference to undeclared local value"));
    let local = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["summary"] == "Reference to undeclared local value")
        .unwrap();
    assert_eq!(
        local["detail"],
        "A local value with the name \"bar\" has not been declared. Did you mean \"b\"?"
    );
    assert_eq!(local["range"]["start"]["line"], 7);
    assert_eq!(local["range"]["start"]["column"], 11);
    assert_eq!(local["snippet"]["context"], "output \"o\"");
    let human = w.run(&["validate", "-no-color"]).expect(1);
    assert!(
        human
            .stderr()
            .contains("Error: Too many function arguments"),
        "{}",
        human.stderr()
    );
    assert!(
        human.stderr().contains("  on main.tf line 2, in locals:"),
        "{}",
        human.stderr()
    );
}

#[test]
fn malformed_configs_exit_1_with_located_diagnostics() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "unclosed brace",
            b"resource \"x\" \"y\" {\n  a = 1\n",
            "Unclosed configuration block",
        ),
        (
            "unclosed string",
            b"locals {\n  a = \"abc\n}\n",
            "Unterminated template string",
        ),
        (
            "invalid utf-8",
            b"locals {\n  a = \"\xfe\"\n}\n",
            "Invalid character encoding",
        ),
        (
            "unknown block",
            b"resourse \"a\" \"b\" {}\n",
            "Unsupported block type",
        ),
        (
            "unknown function",
            b"locals {\n  a = nosuch(1)\n}\n",
            "Call to unknown function",
        ),
        (
            "wrong argument type",
            b"locals {\n  a = abs(\"x\")\n}\n",
            "Invalid function argument",
        ),
        (
            "undefined reference",
            b"output \"o\" {\n  value = local.missing\n}\n",
            "Reference to undeclared local value",
        ),
        (
            "local cycle",
            b"locals {\n  a = local.b\n  b = local.a\n}\n",
            "Cycle: local.a, local.b",
        ),
    ];
    for (what, src, summary) in cases {
        let w = Work::new(&[]);
        std::fs::write(w.path().join("main.tf"), src).unwrap();
        let r = w.run(&["validate", "-json"]);
        assert_eq!(r.code(), 1, "{what}: {}{}", r.stdout(), r.stderr());
        let j: serde_json::Value = serde_json::from_str(&r.stdout())
            .unwrap_or_else(|e| panic!("{what}: {e}: {}", r.stdout()));
        let d = j["diagnostics"].as_array().unwrap().iter().find(|d| {
            d["summary"]
                .as_str()
                .unwrap_or_default()
                .starts_with(summary)
        });
        let d = d.unwrap_or_else(|| panic!("{what}: no {summary:?} in {}", j["diagnostics"]));
        assert!(
            d["range"]["start"]["line"].as_u64().unwrap() >= 1,
            "{what}: not located"
        );
    }
}

#[test]
fn console_reads_lines_from_stdin() {
    let w = Work::new(&[("main.tf", "variable \"name\" {\n  default = \"world\"\n}\nlocals {\n  greeting = \"hello ${var.name}\"\n}\n")]);
    let r = w
        .run_stdin(
            &["console"],
            "local.greeting\nupper(var.name)\ntolist([1, 2])\nsensitive(\"x\")\n1/0\n",
        )
        .expect(0);
    assert_eq!(
        r.stdout(),
        "\"hello world\"\n\"WORLD\"\ntolist([\n  1,\n  2,\n])\n(sensitive value)\n+Inf\n"
    );
    let r = w
        .run_stdin(
            &["console", "-var", "name=you"],
            "local.greeting\nnope(1)\n",
        )
        .expect(1);
    assert_eq!(r.stdout(), "\"hello you\"\n");
    assert!(
        r.stderr().contains("Call to unknown function"),
        "{}",
        r.stderr()
    );
}

#[test]
fn fmt_rewrites_check_and_diff() {
    let w = Work::new(&[("main.tf", "a=1\nbb = 2\n")]);
    let r = w.run(&["fmt", "-check"]).expect(3);
    assert_eq!(r.stdout(), "main.tf\n");
    let r = w.run(&["fmt", "-check", "-diff"]).expect(3);
    assert!(r.stdout().contains("-a=1\n+a  = 1\n"), "{}", r.stdout());
    w.run(&["fmt"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        "a  = 1\nbb = 2\n"
    );
    w.run(&["fmt", "-check"]).expect(0);
    let r = w.run_stdin(&["fmt", "-"], "x=1\n").expect(0);
    assert_eq!(r.stdout(), "x = 1\n");
    w.write("bad.tf", "x = {\n");
    let r = w.run(&["fmt"]).expect(2);
    assert!(
        r.stderr().contains("Unclosed configuration block"),
        "{}",
        r.stderr()
    );
}

#[test]
fn version_and_single_dash_flags() {
    let w = Work::new(&[]);
    let r = w.run(&["version", "-json"]).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert!(j["terraform_version"].is_string());
    let sub = Work::new(&[("sub/main.tf", "output \"x\" {\n  value = 1\n}\n")]);
    sub.run(&["-chdir=sub", "validate"]).expect(0);
}

#[test]
fn validate_checks_resource_arguments_against_provider_schemas() {
    let w = Work::new(&[("main.tf", "resource \"random_pet\" \"p\" {\n  lenght = 2\n}\nresource \"random_integer\" \"i\" {\n  min = 1\n}\nresource \"random_nope\" \"n\" {}\n")]);
    let r = w.run(&["validate", "-json"]).expect(1);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    let details: Vec<String> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["summary"].as_str().unwrap(),
                d["detail"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("Unsupported argument") && d.contains("Did you mean \"length\"?")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("Missing required argument") && d.contains("\"max\"")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("Invalid resource type")),
        "{details:?}"
    );
}

#[test]
fn console_matches_terraform_character_for_character() {
    // The expected text is what `terraform console` (v1.11) printed for the same input.
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/console");
    let input = std::fs::read_to_string(fixtures.join("input.txt")).unwrap();
    let want = std::fs::read_to_string(fixtures.join("terraform-1.11.txt")).unwrap();
    let w = Work::new(&[]);
    let r = w.run_stdin(&["console"], &input);
    assert_eq!(r.stdout(), want);
}

/// The empty-literal conditionals of public modules (terraform-aws-modules' ec2-instance,
/// eks, iam): `{}` unifies with `map(object(...))`, `[]` with `list(string)` and
/// `set(string)`, as Terraform's `validate` and `plan` accept them.
#[test]
fn conditionals_with_empty_literals_unify_with_collection_types() {
    let module = "variable \"devices\" {\n  type    = map(object({ size = number }))\n  default = null\n}\nvariable \"sg_ids\" {\n  type    = list(string)\n  default = []\n}\nvariable \"specs\" {\n  type    = set(string)\n  default = null\n}\nlocals {\n  sgs     = length(var.sg_ids) > 0 ? [] : var.sg_ids\n  devices = var.devices != null ? var.devices : {}\n  specs   = var.specs != null ? var.specs : []\n}\nresource \"terraform_data\" \"device\" {\n  for_each = local.devices\n  input    = each.value.size\n}\nresource \"terraform_data\" \"spec\" {\n  for_each = local.specs\n  input    = each.key\n}\noutput \"n\" {\n  value = length(local.sgs) + length(local.devices) + length(local.specs)\n}\n";
    let full = "module \"full\" {\n  source  = \"./mod\"\n  devices = { a = { size = 1 }, b = { size = 2 } }\n  specs   = [\"x\"]\n  sg_ids  = [\"sg-1\"]\n}\noutput \"n\" {\n  value = module.full.n\n}\n";
    let both = format!("module \"empty\" {{\n  source = \"./mod\"\n}}\n{full}");
    let w = Work::new(&[("main.tf", both.as_str()), ("mod/main.tf", module)]);
    let r = w.run(&["validate", "-no-color"]).expect(0);
    assert!(r.stdout().contains("Success!"), "{}", r.stdout());
    let w = Work::new(&[("main.tf", full), ("mod/main.tf", module)]);
    let r = w.run(&["plan", "-no-color", "-no-cost"]).expect(0);
    assert!(
        r.stdout()
            .contains("Plan: 3 to add, 0 to change, 0 to destroy."),
        "{}",
        r.stdout()
    );
    assert!(r.stdout().contains("+ n = 3"), "{}", r.stdout());
}

/// Undeclared references are errors even where evaluation would not reach or would swallow
/// them (`try`, `can`, an untaken conditional branch), as `terraform validate` reports.
#[test]
fn validate_rejects_undeclared_references_inside_try_can_and_conditionals() {
    let w = Work::new(&[("main.tf", "output \"o\" {\n  value = try(local.nope, \"x\")\n}\noutput \"p\" {\n  value = false ? var.nope : 1\n}\noutput \"q\" {\n  value = can(aws_instance.nope.id)\n}\n")]);
    let r = w.run(&["validate", "-json"]).expect(1);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    let found: Vec<(String, u64)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["summary"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("Reference to undeclared local value".to_string(), 2),
            ("Reference to undeclared input variable".to_string(), 5),
            ("Reference to undeclared resource".to_string(), 8),
        ]
    );
}

/// A conditional over an unknown condition is unknown of the unified type (null when both
/// results are null), and the untaken results' errors do not matter; outputs are Terraform
/// 1.11's console on the same configuration.
#[test]
fn console_conditionals_over_unknown_conditions() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"u\" {\n  input = true\n}\n",
    )]);
    let r = w.run_stdin(&["console"], "type(terraform_data.u.output ? [] : tolist([\"a\"]))\nterraform_data.u.output ? [] : tolist([\"a\"])\ntype(terraform_data.u.output ? null : null)\nterraform_data.u.output ? null : null\nterraform_data.u.output ? [1][5] : 2\ntype(terraform_data.u.output ? {} : tomap({a = 1}))\nterraform_data.u.output ? sensitive(1) : 2\ntype(true ? terraform_data.u.output : 1)\ntype(false ? terraform_data.u.output : [1])\ntype(true ? terraform_data.u.output : [1])\n").expect(0);
    assert_eq!(r.stdout(), "list(string)\n(known after apply)\ndynamic\nnull\n(known after apply)\nmap(number)\n(known after apply)\ndynamic\ntuple([\n    number,\n])\ndynamic\n");
}

/// `merge`, `element` and `lookup` see unknowns inside their arguments as cty passes them
/// (only a wholly unknown argument makes the result unknown); outputs are Terraform 1.11's.
#[test]
fn console_functions_keep_unknowns_inside_arguments() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"u\" {\n  input = true\n}\n",
    )]);
    let r = w.run_stdin(&["console"], "merge({a = terraform_data.u.output}, {b = 1})\ntype(merge({a = terraform_data.u.output}, {b = 1}))\nmerge(terraform_data.u.output, {b = 1})\ntype(merge(terraform_data.u.output, {b = 1}))\nelement([terraform_data.u.output, 1], 1)\nelement([terraform_data.u.output, 1], 0)\ntype(element([terraform_data.u.output, 1], 1))\nelement(terraform_data.u.output, 1)\nelement([1, 2], terraform_data.u.output)\ntype(element([1, \"a\"], terraform_data.u.output))\ntype(element(tolist([1, 2]), terraform_data.u.output))\nlookup({a = terraform_data.u.output, b = 1}, \"b\", 2)\nlookup(terraform_data.u.output, \"b\", 2)\n").expect(0);
    assert_eq!(r.stdout(), "{\n  \"a\" = (known after apply)\n  \"b\" = 1\n}\nobject({\n    a: dynamic,\n    b: number,\n})\n(known after apply)\ndynamic\n1\n(known after apply)\nnumber\n(known after apply)\n(known after apply)\ndynamic\nnumber\n1\n(known after apply)\n");
}

/// The engine's scope (plan) words built-in object errors as the language's (console) does.
#[test]
fn plan_words_builtin_object_errors_as_terraform() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = [path.modul, terraform.nope]\n}\n",
    )]);
    let r = w.run(&["plan", "-no-color", "-no-cost"]).expect(1);
    let err = r.stderr().replace('\n', " ");
    assert!(
        err.contains("The \"path\" object does not have an attribute named \"modul\". Did you mean \"module\"?"),
        "{err}"
    );
}

/// The functions of Terraform's builtin provider (`provider::terraform::*`, Terraform 1.8),
/// available where `required_providers` names it, with Terraform 1.15's results; a duplicate
/// argument is Terraform's "Attribute redefined", naming the first definition.
#[test]
fn builtin_terraform_provider_functions_and_redefined_attributes() {
    let cfg = r#"terraform {
  required_providers {
    terraform = { source = "terraform.io/builtin/terraform" }
  }
}

locals {
  vars = provider::terraform::decode_tfvars("zz = 1\nb  = [\"x\", 1 + 2]\n")
}

output "tfvars" { value = provider::terraform::encode_tfvars(local.vars) }
output "expr" { value = provider::terraform::encode_expr({ a = 1, "b c" = [true, null] }) }
output "b" { value = local.vars.b[1] }
"#;
    let w = Work::new(&[("main.tf", cfg)]);
    w.run(&["apply", "-auto-approve", "-no-cost"]).expect(0);
    let out: serde_json::Value =
        serde_json::from_str(&w.run(&["output", "-json"]).expect(0).stdout()).unwrap();
    assert_eq!(out["tfvars"]["value"], "b  = [\"x\", 3]\nzz = 1\n");
    assert_eq!(
        out["expr"]["value"],
        "{\n  a     = 1\n  \"b c\" = [true, null]\n}"
    );
    assert_eq!(out["b"]["value"], 3);

    // Without the declaration, the name is unknown, as in Terraform.
    let undeclared = "output \"x\" {\n  value = provider::terraform::encode_expr(1)\n}\n";
    w.write("main.tf", undeclared);
    let err = w.run(&["validate", "-no-color"]).expect(1).stderr();
    assert!(
        err.contains("There is no function named \"provider::terraform::encode_expr\""),
        "{err}"
    );

    w.write("main.tf", "locals {\n  a = 1\n  b = 2\n  a = 3\n}\n");
    let err = w.run(&["validate", "-no-color"]).expect(1).stderr();
    let want = "Error: Attribute redefined\n\n  on main.tf line 4, in locals:\n   4:   a = 3\n\nThe argument \"a\" was already set at main.tf:2,3-4. Each argument may be set\nonly once.\n";
    assert!(err.contains(want), "{err}");

    // An argument without a value, as Terraform words it.
    w.write("main.tf", "locals {\n  a =\n}\n");
    let err = w.run(&["validate", "-no-color"]).expect(1).stderr();
    let want = "Error: Invalid expression\n\n  on main.tf line 2, in locals:\n   2:   a =\n";
    assert!(err.contains(want), "{err}");
    let detail = "Expected the start of an expression, but found an invalid expression token.";
    assert!(err.contains(detail), "{err}");
}
