//! The safety scenarios every state backend must pass, driven through the real binary with
//! builtin resources (no cloud provider): two applies at once, `kill -9` at random points,
//! and a server that fails a share of requests. Each `backend_*.rs` test file runs them on
//! its backend ([`Setup`]).
#![allow(dead_code)]

use crate::common::{bin, Run, Work};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A backend to run scenarios on: its block, `init` arguments and environment.
#[derive(Clone)]
pub struct Setup {
    /// `backend "TYPE" { ... }` (empty for the default local backend).
    pub block: String,
    /// Extra `init` arguments (`-backend-config=...`).
    pub init_args: Vec<String>,
    /// Environment of every command.
    pub env: Vec<(String, String)>,
    /// Whether a lock outlives a killed holder (S3: the lock object stays until
    /// `force-unlock`; the OS lock and PostgreSQL's session lock die with the process).
    pub lock_outlives_holder: bool,
}

impl Setup {
    /// A working directory with `body` beside the backend block, initialized.
    pub fn work(&self, body: &str) -> Work {
        let text = format!("terraform {{\n{}\n}}\n{body}", self.block);
        let w = Work::new(&[("main.tf", &text)]);
        let mut args = vec!["init", "-input=false"];
        args.extend(self.init_args.iter().map(String::as_str));
        self.run(&w, &args).expect(0);
        w
    }

    /// Runs the binary in `w` with this setup's environment.
    pub fn run(&self, w: &Work, args: &[&str]) -> Run {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        w.run_env(args, &env)
    }

    /// Starts the binary in `w` without waiting.
    pub fn spawn(&self, w: &Work, args: &[&str]) -> std::process::Child {
        Command::new(bin())
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("AUTOSTACK_CATALOG_DIR", w.path().join(".no-local-catalog"))
            .env_remove("TF_WORKSPACE")
            .current_dir(w.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn autostack")
    }

    /// The state as `state pull` prints it (from wherever the backend keeps it).
    pub fn pulled(&self, w: &Work) -> Value {
        let out = self.run(w, &["state", "pull"]).expect(0).stdout();
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("state pull is JSON: {e}\n{out}"))
    }
}

/// `resources[].instances[]` addresses of a state document, without index keys.
pub fn resource_names(state: &Value) -> BTreeSet<String> {
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            format!(
                "{}.{}",
                r["type"].as_str().unwrap_or_default(),
                r["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

fn input_of(state: &Value, name: &str) -> Value {
    let r = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["name"] == name);
    r.map_or(Value::Null, |r| {
        r["instances"][0]["attributes"]["input"]["value"].clone()
    })
}

const TWO_WRITERS: &str = r#"
variable "a" { default = "0" }
variable "b" { default = "0" }
resource "time_sleep" "slow" {
  create_duration = "3s"
}
resource "terraform_data" "a" {
  input      = var.a
  depends_on = [time_sleep.slow]
}
resource "terraform_data" "b" {
  input = var.b
}
"#;

/// Two applies at once: the second fails at once with the holder's lock info, or waits
/// for it with `-lock-timeout`; the state ends up with both applies' changes.
pub fn two_applies_at_once(s: &Setup) {
    let w = s.work(TWO_WRITERS);
    let mut first = s.spawn(&w, &["apply", "-auto-approve", "-no-cost", "-var=a=1"]);
    std::thread::sleep(Duration::from_millis(1200));
    let refused = s
        .run(
            &w,
            &[
                "apply",
                "-auto-approve",
                "-no-cost",
                "-no-color",
                "-var=a=1",
                "-var=b=2",
                "-lock-timeout=0s",
            ],
        )
        .expect(1);
    let err = refused.stderr();
    assert!(err.contains("Error acquiring the state lock"), "{err}");
    for field in ["ID:", "Operation: OperationTypeApply", "Who:", "Created:"] {
        assert!(err.contains(field), "{field} in {err}");
    }
    let started = Instant::now();
    let waited = s.run(
        &w,
        &[
            "apply",
            "-auto-approve",
            "-no-cost",
            "-var=a=1",
            "-var=b=2",
            "-lock-timeout=60s",
        ],
    );
    assert!(
        first.wait().expect("first apply").success(),
        "the first apply succeeds"
    );
    waited.expect(0);
    assert!(
        started.elapsed() > Duration::from_millis(500),
        "the second apply waited for the lock"
    );
    let state = s.pulled(&w);
    assert_eq!(input_of(&state, "a"), "1", "{state}");
    assert_eq!(
        input_of(&state, "b"),
        "2",
        "the waiting apply's change is kept: {state}"
    );
}

/// A chain of N sleeps, each followed by a local file (about 60 ms a link, so a kill in
/// the first second lands mid-apply): the files on disk are the evidence of what was
/// created.
fn slow_files(n: usize) -> String {
    (0..n)
        .map(|i| {
            let after = if i > 0 { format!("\n  depends_on = [local_file.f{}]", i - 1) } else { String::new() };
            format!("resource \"time_sleep\" \"s{i}\" {{\n  create_duration = \"60ms\"{after}\n}}\nresource \"local_file\" \"f{i}\" {{\n  filename = \"${{path.module}}/files/f{i}.txt\"\n  content  = \"{i}:${{time_sleep.s{i}.id}}\"\n}}\n")
        })
        .collect()
}

/// The lock ID named in a "state is locked" error.
fn lock_id(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("ID:").map(|id| id.trim().to_string()))
        .filter(|id| !id.is_empty())
}

/// Runs `plan`, releasing with `force-unlock` a lock the killed apply left behind (as a
/// user would); returns whether one had to be released.
fn plan_after_crash(s: &Setup, w: &Work) -> bool {
    let plan = s.run(w, &["plan", "-no-cost", "-no-color", "-lock-timeout=0s"]);
    if plan.code() == 0 {
        return false;
    }
    let err = plan.stderr();
    assert!(err.contains("Error acquiring the state lock"), "{err}");
    let id = lock_id(&err).unwrap_or_else(|| panic!("no lock ID in {err}"));
    let unlock = s.run(w, &["force-unlock", "-force", &id]);
    // A session lock may have gone with its process meanwhile: then there is nothing to
    // release, and the lock is free.
    if unlock.code() != 0 {
        assert!(
            unlock.stderr().contains("not locked"),
            "{}",
            unlock.stderr()
        );
    }
    s.run(w, &["plan", "-no-cost", "-lock-timeout=10s"])
        .expect(0);
    unlock.code() == 0
}

/// `kill -9` of apply at `rounds` random instants: the state stays readable, the next
/// command records every file created, a lock left behind goes with `force-unlock`, and
/// a last apply converges.
pub fn kill_nine_at_random_points(s: &Setup, rounds: usize) {
    let n = 20;
    let w = s.work(&slow_files(n));
    let mut seed = 0x1234_5678_u64 ^ u64::from(std::process::id());
    let mut unlocked = 0;
    for round in 0..rounds {
        // Each round starts from a clean slate of files, so each kill lands mid-apply.
        if round % 3 == 0 {
            s.run(
                &w,
                &["destroy", "-auto-approve", "-no-cost", "-lock-timeout=30s"],
            )
            .expect(0);
        }
        let mut apply = s.spawn(&w, &["apply", "-auto-approve", "-no-cost"]);
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        std::thread::sleep(Duration::from_millis(150 + (seed >> 33) % 1000));
        let _ = apply.kill();
        let _ = apply.wait();
        s.pulled(&w);
        if plan_after_crash(s, &w) {
            unlocked += 1;
        }
        let recorded = resource_names(&s.pulled(&w));
        for entry in std::fs::read_dir(w.path().join("files"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().replace(".txt", "");
            assert!(
                recorded.contains(&format!("local_file.{name}")),
                "round {round}: files/{name}.txt exists but the state lacks it: {recorded:?}"
            );
        }
    }
    if s.lock_outlives_holder {
        assert!(
            unlocked > 0,
            "some kill left the lock behind and force-unlock released it"
        );
    }
    s.run(
        &w,
        &["apply", "-auto-approve", "-no-cost", "-lock-timeout=30s"],
    )
    .expect(0);
    assert_eq!(resource_names(&s.pulled(&w)).len(), 2 * n);
}

/// With the server failing a share of requests, commands retry and finish, or stop with
/// the journal intact (a later command then finishes the work).
pub fn flaky_server(s: &Setup, healthy: &Setup) {
    let w = s.work(&slow_files(10));
    let apply = s.run(
        &w,
        &["apply", "-auto-approve", "-no-cost", "-lock-timeout=30s"],
    );
    if apply.code() != 0 {
        // It stopped: what it did is in the journal; the next command (on a healthy
        // connection) replays it and uploads.
        healthy
            .run(
                &w,
                &["apply", "-auto-approve", "-no-cost", "-lock-timeout=30s"],
            )
            .expect(0);
    }
    let state = healthy.pulled(&w);
    assert_eq!(resource_names(&state).len(), 20, "{state}");
    let again = s.run(
        &w,
        &[
            "plan",
            "-no-cost",
            "-detailed-exitcode",
            "-lock-timeout=30s",
        ],
    );
    assert!(
        again.code() == 0 || again.code() == 1,
        "no changes, or a failure: {}",
        again.stderr()
    );
}

/// Four applies with `history { keep = 2 }`: `state history` lists the last two versions,
/// kept by the backend (nothing under `.terraform/state-versions`), and `rollback -to` the
/// older one returns its value. Returns the working directory for backend-specific checks.
pub fn versions_kept_by_the_backend(s: &Setup) -> Work {
    let body = "variable \"x\" {\n  default = \"v0\"\n}\nresource \"terraform_data\" \"a\" {\n  input = var.x\n}\n";
    let w = s.work(body);
    w.write("autostack.hcl", "history {\n  keep = 2\n}\n");
    for x in ["v1", "v2", "v3", "v4"] {
        let var = format!("x={x}");
        s.run(&w, &["apply", "-auto-approve", "-no-cost", "-var", &var])
            .expect(0);
    }
    let listed = s.run(&w, &["state", "history", "-json"]).expect(0).stdout();
    let listed: Value = serde_json::from_str(&listed).expect("state history -json");
    let serials: Vec<u64> = (listed["versions"].as_array().expect("versions").iter())
        .map(|v| v["serial"].as_u64().unwrap())
        .collect();
    assert_eq!(serials, vec![3, 4], "{listed}");
    assert!(!w.path().join(".terraform/state-versions").exists());
    s.run(&w, &["rollback", "-to=3", "-auto-approve", "-no-cost"])
        .expect(0);
    let pulled = s.pulled(&w).to_string();
    assert!(
        pulled.contains("\"v3\"") && !pulled.contains("\"v4\""),
        "{pulled}"
    );
    w
}
