//! The local backend through the binary: the safety scenarios, workspaces in Terraform's
//! layout, `init -migrate-state` from local to another local path, and `state push` rules.

mod backends;
mod common;

use backends::Setup;

fn local() -> Setup {
    Setup {
        block: String::new(),
        init_args: Vec::new(),
        env: Vec::new(),
        lock_outlives_holder: false,
    }
}

#[test]
fn two_applies_at_once_on_the_local_backend() {
    backends::two_applies_at_once(&local());
}

#[test]
fn kill_nine_on_the_local_backend() {
    backends::kill_nine_at_random_points(&local(), 6);
}

#[test]
fn workspaces_live_in_terraforms_layout() {
    let s = local();
    let w = s.work("resource \"terraform_data\" \"x\" {\n  input = terraform.workspace\n}\noutput \"ws\" {\n  value = terraform.workspace\n}\n");
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let out = s.run(&w, &["workspace", "new", "dev"]).expect(0).stdout();
    assert!(
        out.contains("Created and switched to workspace \"dev\"!"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join(".terraform/environment")).unwrap(),
        "dev"
    );
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    assert!(w
        .path()
        .join("terraform.tfstate.d/dev/terraform.tfstate")
        .exists());
    assert_eq!(
        s.run(&w, &["output", "-raw", "ws"]).expect(0).stdout(),
        "dev"
    );
    assert_eq!(
        s.run(&w, &["workspace", "show"]).expect(0).stdout(),
        "dev\n"
    );
    assert_eq!(
        s.run(&w, &["workspace", "list"]).expect(0).stdout(),
        "  default\n* dev\n\n"
    );
    let again = s.run(&w, &["workspace", "new", "dev"]).expect(1);
    assert!(
        again.stderr().contains("Workspace \"dev\" already exists"),
        "{}",
        again.stderr()
    );
    let current = s.run(&w, &["workspace", "delete", "dev"]).expect(1);
    assert!(
        current.stderr().contains("is your active workspace"),
        "{}",
        current.stderr()
    );
    s.run(&w, &["workspace", "select", "default"]).expect(0);
    assert_eq!(
        s.run(&w, &["output", "-raw", "ws"]).expect(0).stdout(),
        "default"
    );
    let missing = s.run(&w, &["workspace", "select", "nope"]).expect(1);
    assert!(
        missing
            .stderr()
            .contains("Workspace \"nope\" doesn't exist."),
        "{}",
        missing.stderr()
    );
    let tracked = s.run(&w, &["workspace", "delete", "dev"]).expect(1);
    assert!(
        tracked.stderr().contains("terraform_data.x"),
        "{}",
        tracked.stderr()
    );
    s.run(&w, &["workspace", "delete", "-force", "dev"])
        .expect(0);
    assert!(!w.path().join("terraform.tfstate.d/dev").exists());
    // TF_WORKSPACE overrides the selection.
    let env = [("TF_WORKSPACE", "ci")];
    assert_eq!(
        w.run_env(&["workspace", "show"], &env).expect(0).stdout(),
        "ci\n"
    );
}

#[test]
fn a_changed_backend_block_asks_for_init_and_migrate_state_copies_every_workspace() {
    let s = local();
    let w = s.work("resource \"terraform_data\" \"x\" {\n  input = terraform.workspace\n}\n");
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    s.run(&w, &["workspace", "new", "dev"]).expect(0);
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let lineage = w.state()["lineage"].clone();
    w.write("main.tf", "terraform {\n  backend \"local\" {\n    path = \"moved/terraform.tfstate\"\n    workspace_dir = \"moved/ws\"\n  }\n}\nresource \"terraform_data\" \"x\" {\n  input = terraform.workspace\n}\n");
    // The state of the previous (default) backend is offered for copying; without a
    // terminal, only -force-copy can say yes.
    let refused = s.run(&w, &["init", "-input=false"]).expect(1);
    assert!(
        refused
            .stderr()
            .contains("Can't ask approval for state migration"),
        "{}",
        refused.stderr()
    );
    let migrated = s
        .run(&w, &["init", "-input=false", "-force-copy"])
        .expect(0);
    assert!(
        migrated
            .stdout()
            .contains("Successfully configured the backend \"local\""),
        "{}",
        migrated.stdout()
    );
    let moved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.path().join("moved/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        moved["lineage"], lineage,
        "the copy keeps the state's lineage"
    );
    assert!(w.path().join("moved/ws/dev/terraform.tfstate").exists());
    let saved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.path().join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(saved["backend"]["type"], "local");
    assert_eq!(
        saved["backend"]["config"]["path"],
        "moved/terraform.tfstate"
    );
    // Changing the block again: commands ask for init, init asks for a choice.
    w.write(
        "main.tf",
        "terraform {\n  backend \"local\" {\n    path = \"other.tfstate\"\n  }\n}\n",
    );
    let plan = s.run(&w, &["plan", "-no-cost"]).expect(1);
    assert!(
        plan.stderr().contains("Backend initialization required"),
        "{}",
        plan.stderr()
    );
    assert!(
        plan.stderr()
            .contains("Reason: Backend configuration block has changed"),
        "{}",
        plan.stderr()
    );
    let init = s.run(&w, &["init", "-input=false"]).expect(1);
    assert!(
        init.stderr().contains("Backend configuration changed"),
        "{}",
        init.stderr()
    );
    s.run(&w, &["init", "-input=false", "-reconfigure"])
        .expect(0);
    assert!(
        !w.path().join("other.tfstate").exists(),
        "-reconfigure copies nothing"
    );
    s.run(&w, &["plan", "-no-cost"]).expect(0);
}

#[test]
fn state_push_refuses_older_serials_and_other_lineages_unless_forced() {
    let s = local();
    let w = s.work("resource \"terraform_data\" \"x\" {\n  input = 1\n}\n");
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let pulled = s.run(&w, &["state", "pull"]).expect(0).stdout();
    let mut doc: serde_json::Value = serde_json::from_str(&pulled).unwrap();
    // The same snapshot again is fine (Terraform refuses only a lower serial)...
    std::fs::write(w.path().join("same.json"), &pulled).unwrap();
    s.run(&w, &["state", "push", "same.json"]).expect(0);
    // ...an older one is not.
    s.run(
        &w,
        &[
            "apply",
            "-auto-approve",
            "-no-cost",
            "-replace=terraform_data.x",
        ],
    )
    .expect(0);
    let older = s.run(&w, &["state", "push", "same.json"]).expect(1);
    assert!(
        older.stderr().contains("same or a lower serial"),
        "{}",
        older.stderr()
    );
    doc["lineage"] = "another".into();
    doc["serial"] = 99.into();
    std::fs::write(w.path().join("other.json"), doc.to_string()).unwrap();
    let other = s.run(&w, &["state", "push", "other.json"]).expect(1);
    assert!(other.stderr().contains("lineage"), "{}", other.stderr());
    s.run(&w, &["state", "push", "-force", "other.json"])
        .expect(0);
    assert_eq!(w.state()["lineage"], "another");
}
