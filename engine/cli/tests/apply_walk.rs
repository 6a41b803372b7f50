//! Apply evaluates each instance as plan did — the same scope, conditions and planning —
//! with the values learned during apply, through the real binary.

mod common;

use common::{addresses, Work};

#[test]
fn postconditions_see_each_value_during_apply() {
    let cfg = r#"
resource "terraform_data" "a" {
  for_each = { x = "one", y = "two" }
  input    = each.value
  lifecycle {
    postcondition {
      condition     = self.output == each.value && each.key != ""
      error_message = "The output is not this instance's value."
    }
  }
}
"#;
    let w = Work::new(&[("main.tf", cfg)]);
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    assert!(r.stdout().contains("Resources: 2 added"), "{}", r.stdout());
    assert_eq!(
        addresses(&w.state()),
        ["terraform_data.a[\"x\"]", "terraform_data.a[\"y\"]"]
    );
}

#[test]
fn preconditions_are_checked_again_with_values_known_at_apply() {
    // `terraform_data.a.id` is unknown when planning, so the precondition can only be
    // decided during apply, where it fails: b is not created, a is kept, exit 1.
    let cfg = r#"
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "b" {
  input = "y"
  lifecycle {
    precondition {
      condition     = length(terraform_data.a.id) > 100
      error_message = "The id of a is too short."
    }
  }
}
"#;
    let w = Work::new(&[("main.tf", cfg)]);
    let r = w.run(&["apply", "-auto-approve", "-no-color"]).expect(1);
    let err = r.stderr();
    assert!(err.contains("Resource precondition failed"), "{err}");
    assert!(err.contains("The id of a is too short."), "{err}");
    assert_eq!(addresses(&w.state()), ["terraform_data.a"]);
}
