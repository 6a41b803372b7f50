//! `autostack drift` through the real binary: local files edited and deleted out of band,
//! resources that cannot drift, every format against its golden file (times normalized;
//! `AUTOSTACK_BLESS=1` rewrites them), exit codes, the `examples/drift-check` workflow and its
//! script, and (with the aws feature) drift injected into moto with the SDK.

mod common;

use common::{Run, Work};
use std::path::{Path, PathBuf};

const FILES: &str = r#"variable "api_key" {
  type      = string
  sensitive = true
}

resource "local_file" "motd" {
  filename = "${path.module}/out/motd.txt"
  content  = "hello\n"
}

resource "local_sensitive_file" "key" {
  filename = "${path.module}/out/key.txt"
  content  = var.api_key
}

resource "terraform_data" "build" {
  input = "v1"
}
"#;

const SECRET: &str = "drift-secret-value-42";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift")
}

/// Times vary run to run: `2024-05-01 12:00:00 UTC` and RFC 3339 stamps become `<TIME>`.
fn normalize(text: &str) -> String {
    let re = regex::Regex::new(
        r"\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d UTC|T\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))",
    )
    .expect("regex");
    re.replace_all(text, "<TIME>").into_owned()
}

/// Compares `actual` (normalized) with the golden file `name`, or rewrites it under
/// `AUTOSTACK_BLESS=1`.
fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    let actual = normalize(actual);
    if std::env::var_os("AUTOSTACK_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("mkdir");
        std::fs::write(&path, &actual).expect("bless");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (AUTOSTACK_BLESS=1 writes it)", path.display()));
    assert_eq!(actual, want, "{name} differs from its golden file");
}

fn drift(w: &Work, args: &[&str]) -> Run {
    let mut all = vec!["drift", "-no-color"];
    all.extend_from_slice(args);
    w.run_env(&all, &[("TF_VAR_api_key", SECRET)])
}

fn assert_no_secret(r: &Run) {
    for text in [r.stdout(), r.stderr()] {
        assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
    }
}

#[test]
fn local_files_changed_or_deleted_on_disk_are_reported_in_every_format() {
    let w = Work::new(&[("main.tf", FILES)]);
    w.run_env(
        &["apply", "-auto-approve", "-no-color"],
        &[("TF_VAR_api_key", SECRET)],
    )
    .expect(0);

    // Nothing drifted yet: exit 0 with and without -detailed-exitcode.
    let r = drift(&w, &["-detailed-exitcode"]).expect(0);
    assert_eq!(
        r.stdout(),
        "No drift: the 3 resources in the state match their remote objects.\n"
    );
    let r = drift(&w, &["-format=json", "-detailed-exitcode"]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout()).expect("json");
    assert_eq!(doc["drift"], false);
    golden(
        "none.md",
        &drift(&w, &["-format=markdown"]).expect(0).stdout(),
    );

    // Out of band: the file edited (hashicorp/local then reads it as gone, as Terraform
    // does), the sensitive file deleted. terraform_data cannot drift.
    std::fs::write(w.path().join("out/motd.txt"), "edited by hand\n").expect("edit");
    std::fs::remove_file(w.path().join("out/key.txt")).expect("delete");

    let table = drift(&w, &[]).expect(0);
    assert_no_secret(&table);
    let out = table.stdout();
    assert!(
        out.starts_with(
            "Drift: 2 of 3 resources changed outside AutoStack (0 changed, 2 deleted)."
        ),
        "{out}"
    );
    assert!(out.contains("# local_file.motd has been deleted"), "{out}");
    assert!(out.contains("content               \"hello\\n\""), "{out}");
    assert!(out.contains("(sensitive value)"), "{out}");
    assert!(!out.contains("terraform_data"), "{out}");
    // The apply's history record names both files: their time is the apply's.
    assert!(
        out.contains("(the apply that wrote state serial 1)"),
        "{out}"
    );
    golden("local.txt", &out);

    let md = drift(&w, &["-format=markdown", "-detailed-exitcode"]).expect(2);
    assert_no_secret(&md);
    assert!(md.stdout().starts_with("<!-- autostack:drift-report -->\n"));
    golden("local.md", &md.stdout());

    let js = drift(&w, &["-format=json", "-detailed-exitcode"]).expect(2);
    assert_no_secret(&js);
    let doc: serde_json::Value = serde_json::from_str(&js.stdout()).expect("json");
    assert_eq!(doc["summary"]["deleted"], 2);
    assert_eq!(doc["resources"][0]["last_applied"]["source"], "history");
    golden("local.json", &js.stdout());

    // The state is untouched by a drift check: an apply puts both files back.
    w.run_env(
        &["apply", "-auto-approve", "-no-color"],
        &[("TF_VAR_api_key", SECRET)],
    )
    .expect(0);
    drift(&w, &["-detailed-exitcode"]).expect(0);
}

#[test]
fn without_a_history_the_state_file_write_dates_the_resources() {
    let w = Work::new(&[("main.tf", FILES)]);
    w.run_env(
        &["apply", "-auto-approve", "-no-color", "-no-cost"],
        &[("TF_VAR_api_key", SECRET)],
    )
    .expect(0);
    // `-no-cost` applies record no history.
    assert!(!w.path().join("terraform.tfstate.history").exists());
    std::fs::remove_file(w.path().join("out/motd.txt")).expect("delete");
    let r = drift(&w, &["-format=json"]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout()).expect("json");
    let when = &doc["resources"][0]["last_applied"];
    assert_eq!(when["source"], "state_write", "{doc}");
    assert!(
        when["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{doc}"
    );
}

#[test]
fn terraform_data_and_random_values_never_drift() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n\nresource \"random_pet\" \"p\" {\n}\n",
    )]);
    w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    let r = drift(&w, &["-detailed-exitcode"]).expect(0);
    assert!(
        r.stdout().starts_with("No drift: the 2 resources"),
        "{}",
        r.stdout()
    );
}

#[test]
fn errors_exit_1_and_an_empty_state_has_no_drift() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = \n}\n",
    )]);
    let r = drift(&w, &["-detailed-exitcode"]).expect(1);
    assert!(r.stderr().contains("on main.tf line 2"), "{}", r.stderr());
    let w = Work::new(&[("main.tf", "resource \"terraform_data\" \"a\" {\n}\n")]);
    let r = drift(&w, &["-detailed-exitcode"]).expect(0);
    assert_eq!(r.stdout(), "No drift: the state holds no resources.\n");
    let r = drift(&w, &["-format=yaml"]).expect(1);
    assert!(r.stderr().contains("yaml"), "{}", r.stderr());
}

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/drift-check")
}

/// The workflow is valid YAML with a schedule, runs the example's script, and the script
/// step runs `init` and `drift -format=markdown -detailed-exitcode`.
#[test]
fn the_drift_check_workflow_parses_and_runs_the_script() {
    let text = std::fs::read_to_string(example_dir().join("drift-check.yml")).expect("workflow");
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("workflow is YAML");
    let on = &doc["on"];
    assert!(on["schedule"][0]["cron"].as_str().is_some(), "{on:?}");
    assert!(on.get("workflow_dispatch").is_some(), "{on:?}");
    assert_eq!(doc["permissions"]["issues"].as_str(), Some("write"));
    let steps = doc["jobs"]["drift"]["steps"].as_sequence().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter().any(|r| r.contains("drift-check.sh")),
        "{runs:?}"
    );
    let script = std::fs::read_to_string(example_dir().join("drift-check.sh")).expect("script");
    assert!(script.contains("init"), "{script}");
    assert!(
        script.contains("drift -format=markdown -detailed-exitcode"),
        "{script}"
    );
}

/// A `gh` stand-in on PATH that records its arguments and what it was fed on stdin, and
/// answers `issue list` with `ISSUES` (the JSON the real one prints).
const FAKE_GH: &str = r#"#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "issue list") printf '%s\n' "$ISSUES" ;;
  *) for a in "$@"; do
       if [ "$prev" = "--body-file" ]; then cat "$a" >> "$GH_LOG"; fi
       prev="$a"
     done ;;
esac
"#;

/// The script against a local state, with no network: no drift closes nothing and opens
/// nothing; drift opens an issue; drift again updates the same one (found by its marker).
#[test]
fn the_drift_check_script_opens_then_updates_one_issue() {
    use std::os::unix::fs::PermissionsExt;
    let w = Work::new(&[]);
    for f in ["main.tf", "drift-check.sh"] {
        std::fs::copy(example_dir().join(f), w.path().join(f)).expect("copy");
    }
    let bin = w.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::fs::write(bin.join("gh"), FAKE_GH).expect("gh");
    std::fs::set_permissions(bin.join("gh"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let exe = common::bin();
    std::os::unix::fs::symlink(&exe, bin.join("autostack")).expect("link");
    let log = w.path().join("gh.log");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = |issues: &str| {
        let out = std::process::Command::new("bash")
            .arg("drift-check.sh")
            .current_dir(w.path())
            .env("PATH", &path)
            .env("GH_LOG", &log)
            .env("ISSUES", issues)
            .env("NO_COLOR", "1")
            .env("AUTOSTACK_CATALOG_DIR", w.path().join(".no-catalog"))
            .output()
            .expect("run script");
        let code = out.status.code().unwrap_or(-1);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (code, text)
    };
    w.run(&["apply", "-auto-approve", "-no-color"]).expect(0);
    let (code, text) = script("[]");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("No drift"), "{text}");
    assert!(!std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("create"));

    std::fs::remove_file(w.path().join("out/hello.txt")).expect("delete");
    let (code, text) = script("[]");
    assert_eq!(code, 0, "{text}");
    let calls = std::fs::read_to_string(&log).expect("gh log");
    assert!(calls.contains("issue create --title"), "{calls}");
    assert!(calls.contains("<!-- autostack:drift-report -->"), "{calls}");
    assert!(calls.contains("`local_file.hello` deleted"), "{calls}");

    std::fs::write(&log, "").expect("clear");
    let (code, text) = script(r#"[{"number":7,"body":"<!-- autostack:drift-report -->\nold"}]"#);
    assert_eq!(code, 0, "{text}");
    let calls = std::fs::read_to_string(&log).expect("gh log");
    assert!(calls.contains("issue edit 7 --body-file"), "{calls}");
    assert!(!calls.contains("issue create"), "{calls}");
}

#[cfg(feature = "aws")]
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

#[cfg(feature = "aws")]
#[path = "drift/aws.rs"]
mod aws;
