//! `lifecycle { ignore_changes }` on every builtin resource type, through the real binary:
//! a changed argument that is ignored plans no change, as in Terraform (the provider plans
//! from the prior value), and the same change without the rule does plan one.

mod common;

use common::Work;

/// One resource per builtin type: `(type, name, argument before, argument after, ignored path)`.
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "terraform_data",
        "input",
        "input = \"a\"",
        "input = \"b\"",
        "input",
    ),
    (
        "terraform_data",
        "replace",
        "triggers_replace = [1]",
        "triggers_replace = [2]",
        "triggers_replace",
    ),
    (
        "null_resource",
        "n",
        "triggers = { a = \"1\" }",
        "triggers = { a = \"2\" }",
        "triggers",
    ),
    (
        "random_id",
        "i",
        "byte_length = 4",
        "byte_length = 8",
        "byte_length",
    ),
    (
        "random_integer",
        "i",
        "min = 1\n  max = 9",
        "min = 1\n  max = 99",
        "max",
    ),
    (
        "random_password",
        "p",
        "length = 8",
        "length = 12",
        "length",
    ),
    ("random_string", "s", "length = 8", "length = 12", "length"),
    (
        "random_pet",
        "p",
        "prefix = \"a\"",
        "prefix = \"b\"",
        "prefix",
    ),
    (
        "random_shuffle",
        "s",
        "input = [\"a\", \"b\"]",
        "input = [\"a\", \"c\"]",
        "input",
    ),
    (
        "random_uuid",
        "u",
        "keepers = { k = \"1\" }",
        "keepers = { k = \"2\" }",
        "keepers",
    ),
    (
        "local_file",
        "f",
        "filename = \"f.txt\"\n  content = \"a\"",
        "filename = \"f.txt\"\n  content = \"b\"",
        "content",
    ),
    (
        "local_sensitive_file",
        "f",
        "filename = \"s.txt\"\n  content = \"a\"",
        "filename = \"s.txt\"\n  content = \"b\"",
        "content",
    ),
    (
        "time_sleep",
        "t",
        "create_duration = \"1ms\"",
        "create_duration = \"2ms\"",
        "create_duration",
    ),
    (
        "time_static",
        "t",
        "triggers = { k = \"1\" }",
        "triggers = { k = \"2\" }",
        "triggers",
    ),
];

/// The configuration with each case's `before` or `after` argument and, when `rule` gives
/// one, a lifecycle block built from the case's ignored path.
fn config(after: bool, rule: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for (ty, name, before, changed, path) in CASES {
        let arg = if after { changed } else { before };
        let lifecycle = rule(path)
            .map(|r| format!("  lifecycle {{\n    ignore_changes = {r}\n  }}\n"))
            .unwrap_or_default();
        out.push_str(&format!(
            "resource \"{ty}\" \"{name}\" {{\n  {arg}\n{lifecycle}}}\n\n"
        ));
    }
    out
}

fn applied() -> Work {
    let w = Work::new(&[("main.tf", &config(false, |_| None))]);
    w.run(&["apply", "-auto-approve", "-no-color", "-no-cost"])
        .expect(0);
    w
}

#[test]
fn ignored_arguments_plan_no_change_on_every_builtin_type() {
    let w = applied();
    // The control: the same changes, not ignored, change every resource.
    w.write("main.tf", &config(true, |_| None));
    let r = w
        .run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"])
        .expect(2);
    let out = r.stdout();
    for (ty, name, ..) in CASES {
        assert!(
            out.contains(&format!("# {ty}.{name} ")),
            "{ty}.{name} unchanged:\n{out}"
        );
    }

    w.write("main.tf", &config(true, |p| Some(format!("[{p}]"))));
    let r = w
        .run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"])
        .expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());

    w.write("main.tf", &config(true, |_| Some("all".into())));
    let r = w
        .run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"])
        .expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());
    // And apply agrees: nothing is touched, the state keeps the prior arguments.
    let r = w
        .run(&["apply", "-auto-approve", "-no-color", "-no-cost"])
        .expect(0);
    assert!(
        r.stdout().contains("0 added, 0 changed, 0 destroyed"),
        "{}",
        r.stdout()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("f.txt")).unwrap(),
        "a"
    );
}

/// A path into a map ignores that key only: another key's change still plans an update.
#[test]
fn ignoring_one_map_key_keeps_the_others() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"t\" {\n  input = { a = \"1\", b = \"1\" }\n}\n",
    )]);
    w.run(&["apply", "-auto-approve", "-no-color", "-no-cost"])
        .expect(0);
    let rule = "  lifecycle {\n    ignore_changes = [input[\"a\"]]\n  }\n";
    w.write(
        "main.tf",
        &format!("resource \"terraform_data\" \"t\" {{\n  input = {{ a = \"2\", b = \"1\" }}\n{rule}}}\n"),
    );
    w.run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"])
        .expect(0);
    w.write(
        "main.tf",
        &format!("resource \"terraform_data\" \"t\" {{\n  input = {{ a = \"2\", b = \"2\" }}\n{rule}}}\n"),
    );
    let r = w
        .run(&["plan", "-no-color", "-no-cost", "-detailed-exitcode"])
        .expect(2);
    let out = r.stdout();
    assert!(out.contains("~ b = \"1\" -> \"2\""), "{out}");
    assert!(!out.contains("~ a = "), "{out}");
}
