//! Module calls as public modules use them: defaults and locals in child modules, calls
//! nested under every kind of expansion, through the real binary.

mod common;

use common::Work;

/// Every instance address in a state file, sorted.
fn addresses(state: &serde_json::Value) -> Vec<String> {
    let mut out = common::addresses(state);
    out.sort();
    out
}

/// The `count = local.create ? 1 : 0` pattern of public modules, with the variable left at
/// its default, next to constant locals and a second input the caller does set.
const CREATE_MODULE: &str = r#"
variable "name" {
  type = string
}
variable "create" {
  type    = bool
  default = true
}
variable "extra" {
  type    = map(string)
  default = { a = "1", b = "2" }
}
locals {
  create = var.create
  three  = 3
  keys   = local.create ? toset(keys(var.extra)) : toset([])
}
resource "terraform_data" "one" {
  count = local.create ? 1 : 0
  input = var.name
}
resource "terraform_data" "many" {
  count = local.three
  input = "${var.name}-${count.index}"
}
resource "terraform_data" "each" {
  for_each = local.keys
  input    = var.extra[each.key]
}
output "created" {
  value = length(terraform_data.one)
}
"#;

#[test]
fn child_module_locals_see_defaulted_variables() {
    let w = Work::new(&[
        (
            "main.tf",
            "module \"m\" {\n  source = \"./mod\"\n  name   = \"n\"\n}\n\noutput \"created\" {\n  value = module.m.created\n}\n",
        ),
        ("mod/main.tf", CREATE_MODULE),
    ]);
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(r.stdout().contains("Resources: 6 added"), "{}", r.stdout());
    assert_eq!(
        addresses(&w.state()),
        [
            "module.m.terraform_data.each[\"a\"]",
            "module.m.terraform_data.each[\"b\"]",
            "module.m.terraform_data.many[0]",
            "module.m.terraform_data.many[1]",
            "module.m.terraform_data.many[2]",
            "module.m.terraform_data.one[0]",
        ]
    );
    assert_eq!(w.state()["outputs"]["created"]["value"], 1);
    w.run(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
}

/// A module instance of `mod` (called with for_each) calls `mid` with count, which calls
/// `leaf` with for_each: three levels, every kind of expansion.
fn nested(work: &Work, outer: &str) {
    work.write(
        "main.tf",
        &format!(
            r#"
module "a" {{
  for_each = toset({outer})
  source   = "./mod"
  name     = each.key
}}
output "leaves" {{
  value = {{ for k, m in module.a : k => m.leaves }}
}}
"#
        ),
    );
}

const MID: &str = r#"
variable "name" {}
module "mid" {
  count  = 2
  source = "./mid"
  name   = "${var.name}${count.index}"
}
output "leaves" {
  value = [for m in module.mid : m.leaf]
}
"#;

const LEAF_CALLER: &str = r#"
variable "name" {}
module "leaf" {
  for_each = toset(["p", "q"])
  source   = "../leaf"
  name     = "${var.name}${each.key}"
}
output "leaf" {
  value = sort([for l in module.leaf : l.value])
}
"#;

const LEAF: &str = r#"
variable "name" {}
resource "terraform_data" "v" {
  input = var.name
}
output "value" {
  value = terraform_data.v.output
}
"#;

#[test]
fn nested_modules_under_for_each_and_count_plan_apply_shrink_destroy() {
    let w = Work::new(&[
        ("mod/main.tf", MID),
        ("mod/mid/main.tf", LEAF_CALLER),
        ("mod/leaf/main.tf", LEAF),
    ]);
    nested(&w, "[\"x\", \"y\"]");
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(r.stdout().contains("Resources: 8 added"), "{}", r.stdout());
    let st = w.state();
    let addrs = addresses(&st);
    assert_eq!(addrs.len(), 8, "{addrs:?}");
    assert!(
        addrs.contains(
            &"module.a[\"y\"].module.mid[1].module.leaf[\"q\"].terraform_data.v".to_string()
        ),
        "{addrs:?}"
    );
    assert_eq!(
        st["outputs"]["leaves"]["value"],
        serde_json::json!({
            "x": [["x0p", "x0q"], ["x1p", "x1q"]],
            "y": [["y0p", "y0q"], ["y1p", "y1q"]],
        })
    );
    w.run(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    // Shrinking the outer for_each destroys everything nested under the removed key.
    nested(&w, "[\"x\"]");
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(
        r.stdout()
            .contains("Resources: 0 added, 0 changed, 4 destroyed."),
        "{}",
        r.stdout()
    );
    let addrs = addresses(&w.state());
    assert_eq!(addrs.len(), 4, "{addrs:?}");
    assert!(
        addrs.iter().all(|a| a.starts_with("module.a[\"x\"]")),
        "{addrs:?}"
    );

    let r = w.run(&["destroy", "-auto-approve", "-no-color"]).expect(0);
    assert!(
        r.stdout().contains("Resources: 4 destroyed."),
        "{}",
        r.stdout()
    );
    assert!(addresses(&w.state()).is_empty());
}

/// Configuration errors stop the run before planning, as in Terraform: each real error once,
/// and none of the false ones a half-evaluated module would produce.
#[test]
fn configuration_errors_stop_before_planning() {
    let w = Work::new(&[
        (
            "main.tf",
            r#"
module "m" {
  source = "./mod"
  name   = "n"
}
resource "terraform_data" "bad" {
  nope = 1
}
resource "random_nothing" "x" {}
"#,
        ),
        ("mod/main.tf", CREATE_MODULE),
    ]);
    let r = w.run(&["plan", "-no-color"]).expect(1);
    let err = r.stderr();
    assert_eq!(err.matches("Error: ").count(), 2, "{err}");
    assert!(err.contains("Error: Unsupported argument"), "{err}");
    assert!(
        err.contains("on main.tf line 7, in resource \"terraform_data\" \"bad\":"),
        "{err}"
    );
    assert!(err.contains("Error: Invalid resource type"), "{err}");
    assert!(!err.contains("undeclared"), "{err}");
    assert!(!err.contains("count"), "{err}");
    assert!(!w.path().join("terraform.tfstate").exists());
}

/// An error in one place is reported once; what depends on it (a local, a module output, a
/// resource's `for_each`, a root output) is not evaluated and adds no error of its own.
#[test]
fn a_failed_node_stops_its_dependents() {
    let w = Work::new(&[
        (
            "main.tf",
            r#"
module "m" {
  source = "./mod"
}
resource "terraform_data" "each" {
  for_each = toset(module.m.names)
  input    = each.key
}
resource "terraform_data" "independent" {
  input = "fine"
}
output "o" {
  value = keys(terraform_data.each)
}
"#,
        ),
        (
            "mod/main.tf",
            r#"
locals {
  names = jsondecode(file("${path.module}/missing.json"))
  upper = [for n in local.names : upper(n)]
}
output "names" {
  value = local.upper
}
"#,
        ),
    ]);
    let r = w.run(&["plan", "-no-color"]).expect(1);
    let err = r.stderr();
    assert_eq!(err.matches("Error: ").count(), 1, "{err}");
    assert!(err.contains("Error: Invalid function argument"), "{err}");
    assert!(err.contains("on mod/main.tf line 3"), "{err}");
}

/// A child module whose input has a `validation` rule, as public modules write them.
const VALIDATED_MODULE: &str = r#"
variable "cidr" {
  type = string
  validation {
    condition     = can(cidrnetmask(var.cidr))
    error_message = "The cidr must be an IPv4 CIDR block."
  }
}
variable "size" {
  type    = number
  default = 0
  validation {
    condition     = var.size >= 1
    error_message = "The size must be at least 1."
  }
}
resource "terraform_data" "net" {
  input = var.cidr
}
"#;

/// A child module's `validation` rules run against what the caller passes: a bad value stops
/// the plan at the caller's argument (a default that breaks a rule at the variable), naming
/// the rule's location (`validate` too, for values known without state); a value known only
/// after apply is not checked until it is known.
#[test]
fn child_module_inputs_are_validated_at_the_callers_argument() {
    let call = |cidr: &str, size: &str| {
        format!("resource \"terraform_data\" \"src\" {{\n  input = \"10.0.0.0/16\"\n}}\n\nmodule \"m\" {{\n  source = \"./mod\"\n  cidr   = {cidr}\n{size}}}\n")
    };
    let w = Work::new(&[
        ("main.tf", &call("\"10.0.0.0/33\"", "  size   = 2\n")),
        ("mod/main.tf", VALIDATED_MODULE),
    ]);
    let err = w.run(&["plan", "-no-color"]).expect(1).stderr();
    assert_eq!(
        err.matches("Error: Invalid value for variable").count(),
        1,
        "{err}"
    );
    assert!(err.contains("on main.tf line 7, in module \"m\":"), "{err}");
    assert!(
        err.contains("The cidr must be an IPv4 CIDR block."),
        "{err}"
    );
    assert!(
        err.contains("validation rule at mod/main.tf:4,3-13"),
        "{err}"
    );
    // validate, with no state, checks the values known without it the same way.
    let err = w.run(&["validate", "-no-color"]).expect(1).stderr();
    assert!(err.contains("on main.tf line 7, in module \"m\":"), "{err}");
    assert!(
        err.contains("The cidr must be an IPv4 CIDR block."),
        "{err}"
    );

    w.write("main.tf", &call("\"10.0.0.0/16\"", ""));
    let err = w.run(&["plan", "-no-color"]).expect(1).stderr();
    assert!(err.contains("The size must be at least 1."), "{err}");
    assert!(err.contains("on mod/main.tf line 9"), "{err}");

    // Unknown until terraform_data.src is created: planned, then checked (and passing) on apply.
    w.write(
        "main.tf",
        &call("terraform_data.src.output", "  size   = 2\n"),
    );
    w.run(&["validate", "-no-color"]).expect(0);
    let out = w.run(&["plan", "-no-color"]).expect(0).stdout();
    assert!(out.contains("Plan: 2 to add"), "{out}");
    w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
}

/// A root resource feeding a module, the module's resources (one counted) feeding a nested
/// module, and root resources reading the module's output or depending on the whole call.
const ACROSS_MODULES: [(&str, &str); 3] = [
    (
        "main.tf",
        r#"resource "terraform_data" "root_a" {
  input = "a"
}
module "m2" {
  source = "./m"
  x      = terraform_data.root_a.output
}
resource "terraform_data" "root_b" {
  input = module.m2.out
}
resource "terraform_data" "root_c" {
  count      = 2
  depends_on = [module.m2]
}
"#,
    ),
    (
        "m/main.tf",
        r#"variable "x" {}
resource "terraform_data" "r0" {
  input = var.x
}
resource "terraform_data" "r1" {
  count = 2
  input = terraform_data.r0.output
}
module "inner" {
  source = "./inner"
  y      = terraform_data.r1[0].output
}
output "out" {
  value = module.inner.z
}
"#,
    ),
    (
        "m/inner/main.tf",
        r#"variable "y" {}
resource "terraform_data" "deep" {
  input = var.y
}
output "z" {
  value = terraform_data.deep.output
}
"#,
    ),
];

/// Each instance's state `dependencies`, by instance address.
fn dependencies(state: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    let addrs = addresses(state);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in state["resources"].as_array().unwrap() {
        for i in r["instances"].as_array().unwrap() {
            let deps = i["dependencies"]
                .as_array()
                .map(|d| d.iter().map(|x| x.as_str().unwrap().to_string()).collect());
            let module = r["module"]
                .as_str()
                .map(|m| format!("{m}."))
                .unwrap_or_default();
            let key = match &i["index_key"] {
                serde_json::Value::Null => String::new(),
                k => format!("[{k}]"),
            };
            let addr = format!(
                "{module}terraform_data.{}{key}",
                r["name"].as_str().unwrap()
            );
            assert!(addrs.contains(&addr), "{addr} not in {addrs:?}");
            out.push((addr, deps.unwrap_or_default()));
        }
    }
    out.sort();
    out
}

#[test]
fn state_records_dependencies_by_configuration_address_across_modules_as_terraform_does() {
    // What Terraform 1.15 writes for this configuration (its state is the fixture
    // `modules/dependencies.tfstate`): every resource reached through references, variables,
    // outputs and `depends_on`, in any module, by its absolute address without keys.
    let w = Work::new(&ACROSS_MODULES);
    w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    let terraform: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/modules/dependencies.tfstate")).unwrap();
    let expected = dependencies(&terraform);
    let into_m2 = vec!["terraform_data.root_a".to_string()];
    assert!(expected.contains(&("module.m2.terraform_data.r0".into(), into_m2)));
    assert_eq!(dependencies(&w.state()), expected);
}

#[test]
fn orphaned_module_resources_of_a_terraform_state_are_destroyed_after_their_dependents() {
    // Terraform's state, its configuration gone: only the recorded dependencies order the
    // destroys, one at a time, each after everything that depended on it.
    let text = include_str!("fixtures/modules/dependencies.tfstate");
    let w = Work::new(&[("main.tf", "")]);
    w.write("terraform.tfstate", text);
    let r = w.run(&["apply", "-auto-approve", "-no-color", "-parallelism=1"]);
    let out = r.expect(0).stdout();
    let done: Vec<&str> = (out.lines())
        .filter_map(|l| l.strip_suffix(": Destruction complete after 0s"))
        .collect();
    assert_eq!(done.len(), 8, "{out}");
    let terraform: serde_json::Value = serde_json::from_str(text).unwrap();
    for (addr, deps) in dependencies(&terraform) {
        let at = done.iter().position(|d| *d == addr);
        let at = at.unwrap_or_else(|| panic!("{addr} not destroyed: {out}"));
        for dep in deps {
            let instances = done
                .iter()
                .enumerate()
                .filter(|(_, d)| is_instance_of(d, &dep));
            for (other, _) in instances {
                assert!(at < other, "{addr} went after {dep}: {done:?}");
            }
        }
    }
}

/// True when instance address `instance` is of the resource at configuration address
/// `resource` (modules here have no keys; resources may).
fn is_instance_of(instance: &str, resource: &str) -> bool {
    instance == resource
        || instance
            .strip_prefix(resource)
            .is_some_and(|k| k.starts_with('['))
}
