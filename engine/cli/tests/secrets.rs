//! Secrets never leak: a configuration full of sensitive values (variables set with `-var`,
//! `TF_VAR_` and a `.tfvars` file, a generated `random_password`, a `local_sensitive_file`,
//! sensitive outputs; with the aws feature also provider credentials against moto) goes
//! through every command, the `-json` UI, `TF_LOG=trace`, the HTML report, the cost outputs,
//! `graph`, `drift` and error paths, and every byte printed, and every file written outside
//! the state, is searched for each secret and its encodings (plain, JSON-escaped, base64).
//!
//! `show -json` (of the state and of a saved plan) is searched too: unlike Terraform's, it
//! withholds sensitive values unless `-show-sensitive` asks for them.
//!
//! What Terraform reveals by design is allowed, and checked to be exactly that: the state
//! (`terraform.tfstate*`: its journal, backups and versions, unless encrypted), a saved plan file
//! (Terraform's holds values in plain text), and the commands that exist to read a value:
//! `output NAME`, `output -raw` and `output -json`, and `show -json -show-sensitive`.

mod common;

use base64::Engine as _;
use common::{Run, Work};
use std::path::{Path, PathBuf};

const CLI_SECRET: &str = "s3cr3t-cli-VAR-4711";
const ENV_SECRET: &str = "s3cr3t-env-TOKEN-0815";
/// With a quote and a backslash, so the JSON-escaped form differs from the plain one.
const FILE_SECRET: &str = "s3cr3t-\"file\"\\tfvars-1234";
const PIN_SECRET: &str = "s3cr3t-pin-not-a-number";
const PERM_SECRET: &str = "s3cr3t-perm-0999";

const CONFIG: &str = r#"variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_token" {
  type      = string
  sensitive = true
}

variable "file_secret" {
  type      = string
  sensitive = true
}

resource "random_password" "db" {
  length  = 24
  special = false
}

resource "local_sensitive_file" "cred" {
  filename = "${path.module}/out/cred.txt"
  content  = "${var.db_password}:${random_password.db.result}"
}

resource "local_file" "public" {
  filename = "${path.module}/out/public.txt"
  content  = "nothing secret here"
}

resource "terraform_data" "token" {
  input = var.api_token
}

resource "terraform_data" "mixed" {
  input = {
    secret = var.file_secret
    plain  = "visible"
  }
}

check "token_length" {
  assert {
    condition     = length(var.api_token) > 100
    error_message = "token ${var.api_token} is too short"
  }
}

output "db_password" {
  value     = var.db_password
  sensitive = true
}

output "generated" {
  value     = random_password.db.result
  sensitive = true
}

output "token" {
  value     = terraform_data.token.output
  sensitive = true
}

output "public" {
  value = local_file.public.filename
}
"#;

/// The secrets' texts as they may appear: plain, JSON-escaped, base64 (standard and URL).
fn encodings(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).expect("json");
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    vec![
        secret.to_string(),
        json[1..json.len() - 1].to_string(),
        b64.trim_end_matches('=').to_string(),
        url,
    ]
}

/// Every secret in play and the encodings searched for.
struct Secrets(Vec<(String, Vec<String>)>);

impl Secrets {
    fn new(values: &[&str]) -> Secrets {
        Secrets(
            values
                .iter()
                .map(|s| (s.to_string(), encodings(s)))
                .collect(),
        )
    }

    /// The first secret (and encoding) found in `bytes`.
    fn find(&self, bytes: &[u8]) -> Option<String> {
        let text = String::from_utf8_lossy(bytes);
        for (secret, forms) in &self.0 {
            for f in forms {
                if text.contains(f.as_str()) {
                    return Some(format!("{secret:?} (as {f:?})"));
                }
            }
        }
        None
    }

    fn assert_clean(&self, what: &str, bytes: &[u8]) {
        if let Some(s) = self.find(bytes) {
            panic!(
                "secret {s} leaked in {what}:\n{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

/// A working directory with the configuration and a `.tfvars` file.
struct Case {
    work: Work,
    env: Vec<(String, String)>,
}

impl Case {
    fn new(extra: &str) -> Case {
        let tfvars = format!(
            "file_secret = {}\n",
            serde_json::to_string(FILE_SECRET).expect("hcl string")
        );
        let work = Work::new(&[
            ("main.tf", &format!("{CONFIG}{extra}")),
            ("secret.tfvars", &tfvars),
        ]);
        Case {
            work,
            env: vec![("TF_VAR_api_token".into(), ENV_SECRET.into())],
        }
    }

    /// Runs a command with the variables set every way (`-var` and `-var-file` where the
    /// command takes them), returning the run.
    fn run(&self, args: &[&str], vars: bool, extra_env: &[(&str, &str)]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if vars {
            all.push(format!("-var=db_password={CLI_SECRET}"));
            all.push("-var-file=secret.tfvars".into());
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut env: Vec<(&str, &str)> = (self.env.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        env.extend_from_slice(extra_env);
        self.work.run_env(&all, &env)
    }
}

/// The generated password, read from the state (the one place it belongs).
fn generated(w: &Work) -> String {
    let st = w.state();
    st["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == "random_password")
        .and_then(|r| r["instances"][0]["attributes"]["result"].as_str())
        .expect("random_password.result")
        .to_string()
}

/// Files under `dir` (recursively, `.terraform` included) that are neither the state nor
/// what the configuration itself writes its secrets to, nor the inputs the test wrote.
fn written_files(dir: &Path, allowed: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .to_string();
            if !allowed.iter().any(|a| {
                rel == *a || (a.ends_with('*') && rel.starts_with(a.trim_end_matches('*')))
            }) {
                out.push(p);
            }
        }
    }
    out
}

/// The files the test allows to hold secrets: the state (and what goes with it when it is
/// not encrypted), the saved plan, the test's own inputs, and the resource's file.
const STATE_AND_INPUTS: &[&str] = &[
    "terraform.tfstate",
    "terraform.tfstate.backup",
    "terraform.tfstate.journal",
    // The state's versions (what `rollback` returns to: state, configuration, variables).
    "terraform.tfstate.versions/*",
    "plan.bin",
    "main.tf",
    "secret.tfvars",
    "out/cred.txt",
];

#[test]
fn secrets_never_leak_through_any_command_or_file() {
    let case = Case::new("");
    let mut runs: Vec<(String, Run)> = Vec::new();
    let mut record = |name: &str, r: Run| runs.push((name.to_string(), r));
    let trace = [("TF_LOG", "trace")];

    record("validate", case.run(&["validate", "-no-color"], false, &[]));
    record("plan", case.run(&["plan", "-no-color"], true, &[]));
    record("plan -json", case.run(&["plan", "-json"], true, &[]));
    record(
        "plan TF_LOG=trace",
        case.run(&["plan", "-no-color"], true, &trace),
    );
    record(
        "plan -out -html",
        case.run(
            &["plan", "-no-color", "-out=plan.bin", "-html=report.html"],
            true,
            &[],
        ),
    );
    record(
        "show plan",
        case.run(&["show", "-no-color", "plan.bin"], false, &[]),
    );
    record(
        "show -json plan",
        case.run(&["show", "-json", "plan.bin"], false, &[]),
    );
    record(
        "show -html plan",
        case.run(&["show", "-html", "plan.bin"], false, &[]),
    );
    record(
        "cost plan",
        case.run(&["cost", "-plan=plan.bin", "-format=json"], false, &[]),
    );
    record(
        "apply plan TF_LOG=trace",
        // AutoStack asks for the variables again when applying a saved plan (Terraform takes
        // them from the plan): given the same ones.
        case.run(&["apply", "-no-color", "plan.bin"], true, &trace),
    );
    let generated = generated(&case.work);
    let secrets = Secrets::new(&[CLI_SECRET, ENV_SECRET, FILE_SECRET, &generated]);

    record(
        "apply -json",
        case.run(&["apply", "-json", "-auto-approve"], true, &[]),
    );
    record("show", case.run(&["show", "-no-color"], false, &[]));
    record("show -json", case.run(&["show", "-json"], false, &[]));
    record("output", case.run(&["output", "-no-color"], false, &[]));
    record("state list", case.run(&["state", "list"], false, &[]));
    for addr in [
        "random_password.db",
        "local_sensitive_file.cred",
        "terraform_data.token",
        "terraform_data.mixed",
    ] {
        record(
            &format!("state show {addr}"),
            case.run(&["state", "show", "-no-color", addr], false, &[]),
        );
    }
    record("graph", case.run(&["graph"], false, &[]));
    // `cost` of the configuration alone takes no variables: the saved plan is priced.
    record(
        "cost markdown",
        case.run(&["cost", "-plan=plan.bin", "-format=markdown"], false, &[]),
    );
    record(
        "cost history",
        case.run(&["cost", "history", "-format=json"], false, &[]),
    );
    record("refresh", case.run(&["refresh", "-no-color"], true, &[]));
    for format in ["table", "json", "markdown"] {
        record(
            &format!("drift {format}"),
            case.run(&["drift", &format!("-format={format}")], true, &[]),
        );
    }
    // Drift on a sensitive file: it is deleted out of band and reported.
    std::fs::remove_file(case.work.path().join("out/cred.txt")).expect("delete");
    let r = case
        .run(&["drift", "-format=json", "-detailed-exitcode"], true, &[])
        .expect(2);
    record("drift after a delete", r);
    record(
        "plan -refresh-only",
        case.run(&["plan", "-refresh-only", "-no-color"], true, &[]),
    );
    record(
        "destroy TF_LOG=trace",
        case.run(&["destroy", "-auto-approve", "-no-color"], true, &trace),
    );

    for (name, r) in &runs {
        assert!(
            matches!(r.code(), 0 | 2),
            "{name} exited {}:\n{}\n{}",
            r.code(),
            r.stdout(),
            r.stderr()
        );
        secrets.assert_clean(&format!("the stdout of {name}"), &r.0.stdout);
        secrets.assert_clean(&format!("the stderr of {name}"), &r.0.stderr);
    }
    // The check's message refers to the token: it is withheld, and the warning says why.
    let plan = &runs[1].1;
    assert!(
        plan.stderr()
            .contains("Error message refers to sensitive values"),
        "{}",
        plan.stderr()
    );
    for path in written_files(case.work.path(), STATE_AND_INPUTS) {
        let bytes = std::fs::read(&path).expect("read");
        secrets.assert_clean(&path.display().to_string(), &bytes);
    }
    assert!(case.work.path().join("report.html").exists());
}

/// The commands that exist to read values print them as Terraform prints them, and nothing
/// more: sensitive outputs by name, `-raw`, `-json`; `show -json` keeps Terraform's shape and
/// marks with the values withheld, and prints them with `-show-sensitive`.
#[test]
fn explicit_reads_show_values_as_terraform_does() {
    let case = Case::new("");
    case.run(&["apply", "-auto-approve", "-no-color"], true, &[])
        .expect(0);
    let r = case.run(&["output", "-no-color"], false, &[]).expect(0);
    assert!(
        r.stdout().contains("db_password = <sensitive>"),
        "{}",
        r.stdout()
    );
    let r = case
        .run(&["output", "-raw", "db_password"], false, &[])
        .expect(0);
    assert_eq!(r.stdout(), CLI_SECRET);
    let r = case.run(&["output", "-json"], false, &[]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout()).expect("json");
    assert_eq!(doc["token"]["value"], ENV_SECRET);
    assert_eq!(doc["token"]["sensitive"], true);
    let r = case.run(&["show", "-json"], false, &[]).expect(0);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout()).expect("json");
    assert_eq!(doc["values"]["outputs"]["db_password"]["sensitive"], true);
    assert_eq!(
        doc["values"]["outputs"]["db_password"]["value"],
        serde_json::Value::Null
    );
    let r = case
        .run(&["show", "-json", "-show-sensitive"], false, &[])
        .expect(0);
    let revealed: serde_json::Value = serde_json::from_str(&r.stdout()).expect("json");
    assert_eq!(
        revealed["values"]["outputs"]["db_password"]["value"],
        CLI_SECRET
    );
    // Every resource's sensitive leaves are flagged in `sensitive_values`.
    let resources = doc["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources");
    let mixed = resources
        .iter()
        .find(|r| r["address"] == "terraform_data.mixed")
        .expect("mixed");
    assert_eq!(
        mixed["sensitive_values"]["input"]["secret"], true,
        "{mixed}"
    );
    assert_eq!(
        mixed["sensitive_values"]["output"]["secret"], true,
        "{mixed}"
    );
    assert_eq!(mixed["values"]["input"]["secret"], serde_json::Value::Null);
}

/// Failures on sensitive values: a validation and a precondition whose messages would
/// reveal them, a type conversion, a function error, and a provider error on a sensitive
/// argument. None prints the value; each still exits 1 with a located diagnostic.
#[test]
fn errors_about_sensitive_values_do_not_print_them() {
    let secrets = Secrets::new(&[CLI_SECRET, ENV_SECRET, FILE_SECRET, PIN_SECRET, PERM_SECRET]);
    let cases: [(&str, &str, &str); 5] = [
        (
            "validation",
            "variable \"pin\" {\n  type      = string\n  sensitive = true\n  validation {\n    condition     = length(var.pin) > 100\n    error_message = \"bad pin ${var.pin}\"\n  }\n}\n",
            "The error message included a sensitive value",
        ),
        (
            "precondition",
            "variable \"pin\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"terraform_data\" \"guard\" {\n  input = var.pin\n  lifecycle {\n    precondition {\n      condition     = length(var.pin) > 100\n      error_message = \"short pin ${var.pin}\"\n    }\n  }\n}\n",
            "Resource precondition failed",
        ),
        (
            "conversion",
            "variable \"pin\" {\n  type      = number\n  sensitive = true\n}\n",
            "Invalid value for input variable",
        ),
        (
            "function",
            "variable \"pin\" {\n  type      = string\n  sensitive = true\n}\n\nlocals {\n  n = tonumber(var.pin)\n}\n\noutput \"n\" {\n  value     = local.n\n  sensitive = true\n}\n",
            "Invalid function argument",
        ),
        (
            "provider",
            "variable \"pin\" {\n  type      = string\n  sensitive = true\n}\n\nvariable \"perm\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"local_sensitive_file\" \"f\" {\n  filename        = \"${path.module}/f.txt\"\n  content         = var.pin\n  file_permission = var.perm\n}\n",
            "Error",
        ),
    ];
    for (name, config, expect) in cases {
        let w = Work::new(&[("main.tf", config)]);
        for cmd in [
            &["plan", "-no-color"][..],
            &["apply", "-auto-approve", "-no-color"],
            &["plan", "-json"],
        ] {
            let mut args: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
            args.push(format!("-var=pin={PIN_SECRET}"));
            let r = w.run_env(
                &args.iter().map(String::as_str).collect::<Vec<_>>(),
                &[("TF_VAR_perm", PERM_SECRET), ("TF_LOG", "trace")],
            );
            assert_eq!(
                r.code(),
                1,
                "{name} {cmd:?}:\n{}\n{}",
                r.stdout(),
                r.stderr()
            );
            let all = format!("{}{}", r.stdout(), r.stderr());
            assert!(all.contains(expect), "{name} {cmd:?}:\n{all}");
            assert!(
                all.contains("main.tf"),
                "{name} {cmd:?}: not located:\n{all}"
            );
            secrets.assert_clean(&format!("{name} {cmd:?} stdout"), &r.0.stdout);
            secrets.assert_clean(&format!("{name} {cmd:?} stderr"), &r.0.stderr);
        }
    }
}

/// With state encryption on, the journal, history and backups hold no secret either.
#[test]
fn with_encryption_no_file_beside_the_state_holds_a_secret() {
    let encryption = r#"
terraform {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = "correct horse battery staple, twice"
      iterations = 200000
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    state {
      method = method.aes_gcm.main
    }
    plan {
      method = method.aes_gcm.main
    }
  }
}
"#;
    let case = Case::new(encryption);
    case.run(&["apply", "-auto-approve", "-no-color"], true, &[])
        .expect(0);
    let secrets = Secrets::new(&[
        CLI_SECRET,
        ENV_SECRET,
        FILE_SECRET,
        &generated_encrypted(&case),
    ]);
    case.run(&["plan", "-no-color", "-out=plan.bin"], true, &[])
        .expect(0);
    case.run(
        &["apply", "-auto-approve", "-no-color"],
        true,
        &[("TF_VAR_api_token", "s3cr3t-env-rotated-1")],
    )
    .expect(0);
    let inputs: Vec<&str> = vec!["main.tf", "secret.tfvars", "out/cred.txt"];
    let files = written_files(case.work.path(), &inputs);
    assert!(
        files
            .iter()
            .any(|p| p.ends_with("terraform.tfstate.history")),
        "{files:?}"
    );
    for path in files {
        let bytes = std::fs::read(&path).expect("read");
        secrets.assert_clean(&path.display().to_string(), &bytes);
    }
}

/// The generated password of an encrypted state, through `output -raw` (the explicit read).
fn generated_encrypted(case: &Case) -> String {
    let r = case
        .run(&["output", "-raw", "generated"], false, &[])
        .expect(0);
    assert_eq!(r.stdout().len(), 24, "{}", r.stdout());
    r.stdout()
}

#[cfg(feature = "aws")]
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

#[cfg(feature = "aws")]
#[path = "secrets/aws.rs"]
mod aws;
