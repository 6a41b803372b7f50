//! State history and rollback through the real binary: every successful apply keeps a
//! version (bounded by `history { keep }`), `state history` lists them, `rollback -to` plans
//! and applies the configuration recorded with one (files on disk come back; nothing in the
//! working directory is rewritten), and `apply -on-error=rollback` undoes a failed apply's
//! creates and in-place updates, surviving a `kill -9` in the middle of the undoing.

mod common;

use common::{addresses, bin, Work};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A local file and a terraform_data whose values come from `var.x` (and a sensitive one).
const FILES: &str = r#"
variable "x" {
  type    = string
  default = "one"
}
variable "token" {
  type      = string
  default   = "tok-default"
  sensitive = true
}
resource "terraform_data" "a" {
  input = var.x
}
resource "local_file" "f" {
  filename = "${path.module}/out.txt"
  content  = "${var.x}:${terraform_data.a.output}:${nonsensitive(sha1(var.token))}"
}
"#;

fn history_json(w: &Work) -> serde_json::Value {
    let r = w.run(&["state", "history", "-json"]).expect(0);
    serde_json::from_str(&r.stdout()).expect("state history -json parses")
}

fn serials(h: &serde_json::Value) -> Vec<u64> {
    let versions = h["versions"].as_array().expect("versions");
    versions
        .iter()
        .map(|v| v["serial"].as_u64().unwrap())
        .collect()
}

fn read(w: &Work, name: &str) -> String {
    std::fs::read_to_string(w.path().join(name)).unwrap_or_default()
}

#[test]
fn every_apply_keeps_a_version_and_only_the_last_n_are_kept() {
    let w = Work::new(&[
        ("main.tf", FILES),
        ("autostack.hcl", "history {\n  keep = 3\n}\n"),
    ]);
    let r = w.run(&["state", "history"]).expect(0);
    assert!(r.stdout().contains("No state versions"), "{}", r.stdout());
    for x in ["one", "two", "three", "four", "five"] {
        w.run(&["apply", "-auto-approve", "-var", &format!("x={x}")])
            .expect(0);
    }
    // A plan without changes writes no state, so no version.
    w.run(&["apply", "-auto-approve", "-var", "x=five"])
        .expect(0);
    let h = history_json(&w);
    assert_eq!(serials(&h), vec![3, 4, 5]);
    assert_eq!(h["current_serial"], 5);
    let last = &h["versions"][2];
    assert_eq!(last["previous_serial"], 4);
    assert_eq!(last["operation"], "apply");
    // x changes: terraform_data.a in place, local_file.f replaced.
    assert_eq!(
        (
            last["added"].as_u64(),
            last["changed"].as_u64(),
            last["destroyed"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert!(last["who"].as_str().unwrap().contains('@'), "{last}");
    assert!(last["time"].as_str().unwrap().ends_with('Z'), "{last}");
    assert_eq!(last["monthly_cost"], 0.0);
    let files = std::fs::read_dir(w.path().join("terraform.tfstate.versions")).unwrap();
    assert_eq!(files.count(), 6, "a meta and a body per kept version");
    let table = w.run(&["state", "history"]).expect(0).stdout();
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("SERIAL"), "{table}");
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[3].starts_with("5 (current)"), "{table}");
    assert!(
        lines[3].contains("1 added, 1 changed, 1 destroyed"),
        "{table}"
    );
    assert!(lines[3].contains("$0.00/mo"), "{table}");
    // A workspace keeps its own versions beside its own state.
    w.run(&["workspace", "new", "dev"]).expect(0);
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert_eq!(serials(&history_json(&w)), vec![1]);
    assert!(w
        .path()
        .join("terraform.tfstate.d/dev/terraform.tfstate.versions")
        .is_dir());
}

#[test]
fn rollback_returns_to_the_recorded_configuration_and_brings_files_back() {
    let w = Work::new(&[("main.tf", FILES)]);
    w.run(&["apply", "-auto-approve", "-var", "token=tok-one"])
        .expect(0);
    let v1 = read(&w, "out.txt");
    assert!(v1.starts_with("one:one:"), "{v1}");
    // Version 2: an edited file, a new file with a resource of its own, another variable.
    let edited = FILES.replace("${var.x}:", "edited-${var.x}:");
    w.write("main.tf", &edited);
    let extra = "resource \"local_file\" \"extra\" {\n  filename = \"${path.module}/extra.txt\"\n  content  = \"extra\"\n}\n";
    w.write("extra.tf", extra);
    w.run(&["apply", "-auto-approve", "-var", "x=two"])
        .expect(0);
    assert!(read(&w, "out.txt").starts_with("edited-two:two:"));
    assert_eq!(read(&w, "extra.txt"), "extra");
    // Without approval on a non-terminal, nothing happens.
    let r = w.run(&["rollback", "-to=1"]).expect(1);
    assert!(
        r.stderr().contains("No configuration approval"),
        "{}",
        r.stderr()
    );
    let r = w.run(&["rollback", "-to=1", "-auto-approve"]).expect(0);
    let out = r.stdout();
    assert!(out.contains("Rolling back to state version 1"), "{out}");
    assert!(
        out.contains("# local_file.extra will be destroyed"),
        "{out}"
    );
    assert!(out.contains("Cost (USD per month)"), "{out}");
    assert!(
        !out.contains("tok-one"),
        "a sensitive variable printed: {out}"
    );
    // The files come back as version 1 made them, the sensitive variable included.
    assert_eq!(read(&w, "out.txt"), v1);
    assert!(!w.path().join("extra.txt").exists());
    // Nothing in the working directory was rewritten.
    assert_eq!(read(&w, "main.tf"), edited);
    assert_eq!(read(&w, "extra.tf"), extra);
    let addrs = addresses(&w.state());
    assert_eq!(addrs, ["local_file.f", "terraform_data.a"]);
    let h = history_json(&w);
    assert_eq!(serials(&h), vec![1, 2, 3]);
    assert_eq!(h["versions"][2]["operation"], "rollback");
    assert_eq!(h["versions"][2]["rolled_back_to"], 1);
    // The default target is the version before the current one: 2, recorded as applied.
    w.run(&["rollback", "-auto-approve"]).expect(0);
    assert!(read(&w, "out.txt").starts_with("edited-two:two:"));
    assert_eq!(read(&w, "extra.txt"), "extra");
    // Rolling back to where the state is already is a plan without changes.
    let r = w.run(&["rollback", "-to=4", "-auto-approve"]).expect(0);
    assert!(r.stdout().contains("No changes"), "{}", r.stdout());
}

#[test]
fn a_bad_rollback_target_is_a_clear_error() {
    let w = Work::new(&[("main.tf", FILES)]);
    let r = w.run(&["rollback", "-auto-approve"]).expect(1);
    assert!(r.stderr().contains("No state history"), "{}", r.stderr());
    w.run(&["apply", "-auto-approve"]).expect(0);
    let r = w.run(&["rollback", "-auto-approve"]).expect(1);
    assert!(
        r.stderr().contains("No earlier state version"),
        "{}",
        r.stderr()
    );
    w.run(&["apply", "-auto-approve", "-var", "x=two"])
        .expect(0);
    let r = w.run(&["rollback", "-to=99", "-auto-approve"]).expect(1);
    let err = r.stderr();
    assert!(err.contains("Unknown state version"), "{err}");
    assert!(err.contains("Kept versions: 1, 2"), "{err}");
    let r = w.run(&["rollback", "-to=abc"]).expect(1);
    assert!(r.stderr().contains("invalid value 'abc'"), "{}", r.stderr());
    assert_eq!(read(&w, "out.txt").split(':').next(), Some("two"));
}

/// Version 1: `terraform_data.a` and `.r`; with `x = "two"` the apply updates `a` in place,
/// replaces `r`, creates `b` and `ok`, and fails on `bad` (a file under /proc).
const FAILING: &str = r#"
variable "x" {
  type    = string
  default = "one"
}
resource "terraform_data" "a" {
  input = var.x
}
resource "terraform_data" "r" {
  triggers_replace = var.x
}
resource "terraform_data" "b" {
  count = var.x == "one" ? 0 : 1
  input = terraform_data.a.output
}
resource "local_file" "ok" {
  count    = var.x == "one" ? 0 : 1
  filename = "${path.module}/new.txt"
  content  = terraform_data.b[0].output
}
resource "local_file" "bad" {
  count    = var.x == "one" ? 0 : 1
  filename = "/proc/autostack-no-such-dir/f.txt"
  content  = local_file.ok[0].content
}
"#;

#[test]
fn on_error_rollback_destroys_the_creates_and_puts_the_updates_back() {
    let w = Work::new(&[("main.tf", FAILING)]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    let before = w.state();
    let r_id = |st: &serde_json::Value| {
        let r = st["resources"].as_array().unwrap();
        let r = r.iter().find(|r| r["name"] == "r").unwrap();
        r["instances"][0]["attributes"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let r = w
        .run(&[
            "apply",
            "-auto-approve",
            "-var",
            "x=two",
            "-on-error=rollback",
            "-parallelism=1",
        ])
        .expect(1);
    let out = r.stdout();
    assert!(
        r.stderr().contains("Create local file error"),
        "{}",
        r.stderr()
    );
    assert!(out.contains("Rolling back: this apply failed"), "{out}");
    assert!(
        out.contains("Rollback complete: 2 destroyed, 1 restored, 1 not undone."),
        "{out}"
    );
    assert!(
        out.contains("terraform_data.r: replaced: the previous object (id "),
        "{out}"
    );
    // Dependents first: the file before the terraform_data it reads.
    let ok = out
        .find("local_file.ok[0]: Destroying...")
        .expect("ok destroyed");
    let b = out
        .find("terraform_data.b[0]: Destroying...")
        .expect("b destroyed");
    assert!(ok < b, "{out}");
    assert!(!w.path().join("new.txt").exists());
    let after = w.state();
    assert_eq!(addresses(&after), ["terraform_data.a", "terraform_data.r"]);
    let a = &after["resources"][0]["instances"][0]["attributes"];
    assert_eq!(a["input"]["value"], "one");
    assert_eq!(a["output"]["value"], "one");
    assert_ne!(
        r_id(&before),
        r_id(&after),
        "a replacement cannot be undone"
    );
    // The rollback was persisted as an apply is; a failed apply records no version.
    assert!(after["serial"].as_u64() > before["serial"].as_u64());
    assert!(!w.path().join("terraform.tfstate.journal").exists());
    assert_eq!(serials(&history_json(&w)), vec![1]);
    // The plan after it shows the failed apply's changes to make again, but the replacement,
    // which stays made.
    let plan = w.run(&["plan", "-var", "x=two", "-no-color"]).expect(0);
    assert!(
        plan.stdout()
            .contains("Plan: 3 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout()
    );
    // The default keeps what the failed apply did, as Terraform does.
    w.run(&["apply", "-auto-approve", "-var", "x=two"])
        .expect(1);
    assert_eq!(
        addresses(&w.state()),
        [
            "local_file.ok[0]",
            "terraform_data.a",
            "terraform_data.b[0]",
            "terraform_data.r"
        ]
    );
    assert!(w.path().join("new.txt").exists());
}

/// A chain of `n` files, each followed by a time_sleep that takes 300 ms to destroy (file
/// 0, sleep 0, file 1, sleep 1, ...), and a failing file at its end: the rollback of their
/// apply walks the chain back, undoing a sleep then a file, one file every 300 ms.
fn slow_rollback(n: usize) -> String {
    let mut s = String::from("variable \"go\" {\n  default = false\n}\n");
    for i in 0..n {
        let after = match i {
            0 => "\"start\"".to_string(),
            _ => format!("time_sleep.s{}[0].id", i - 1),
        };
        s.push_str(&format!(
            "resource \"local_file\" \"f{i}\" {{\n  count = var.go ? 1 : 0\n  filename = \"${{path.module}}/files/f{i}.txt\"\n  content  = {after}\n}}\nresource \"time_sleep\" \"s{i}\" {{\n  count = var.go ? 1 : 0\n  destroy_duration = \"300ms\"\n  triggers = {{ f = local_file.f{i}[0].id }}\n}}\n"
        ));
    }
    s.push_str(&format!(
        "resource \"local_file\" \"bad\" {{\n  count = var.go ? 1 : 0\n  filename = \"/proc/autostack-no-such-dir/x\"\n  content = time_sleep.s{}[0].id\n}}\n",
        n - 1
    ));
    s
}

fn files_on_disk(w: &Work) -> usize {
    std::fs::read_dir(w.path().join("files")).map_or(0, |rd| rd.count())
}

#[test]
fn kill_dash_nine_during_a_rollback_loses_nothing() {
    let n = 8;
    let mut undone_before_kill = 0;
    for delay_ms in [100u64, 500, 900, 1400] {
        let w = Work::new(&[("main.tf", &slow_rollback(n))]);
        let mut child = Command::new(bin())
            .args(["apply", "-auto-approve", "-no-color", "-var", "go=true"])
            .args(["-on-error=rollback", "-parallelism=2"])
            .current_dir(w.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let started = lines.any(|l| l.is_ok_and(|l| l.starts_with("Rolling back")));
        assert!(started, "the apply never started its rollback");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // The next command replays the journal: every file still on disk is in the state.
        let r = w.run(&["plan", "-no-color", "-refresh=false", "-var", "go=true"]);
        assert_eq!(r.code(), 0, "{}{}", r.stdout(), r.stderr());
        assert!(
            r.stdout().contains("from an interrupted apply"),
            "{}",
            r.stdout()
        );
        let st = w.state();
        let held = addresses(&st)
            .iter()
            .filter(|a| a.starts_with("local_file.f"))
            .count();
        eprintln!("killed {delay_ms} ms into the rollback: {held} of {n} files still held");
        undone_before_kill += n - held;
        assert!(
            held >= files_on_disk(&w),
            "after {delay_ms} ms: {} files on disk, {held} in the state",
            files_on_disk(&w)
        );
        // And the rollback can be finished by applying the configuration without them.
        w.run(&["apply", "-auto-approve"]).expect(0);
        assert_eq!(addresses(&w.state()), Vec::<String>::new());
        assert_eq!(files_on_disk(&w), 0);
    }
    assert!(
        undone_before_kill > 0,
        "no kill landed after a file was rolled back"
    );
}
