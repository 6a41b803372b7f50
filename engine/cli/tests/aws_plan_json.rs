//! `show -json` parity on `examples/aws-web` (against moto): our plan JSON and Terraform's go
//! through one comparison, the resources each section lists (`resource_changes` with their
//! actions, `planned_values`, `prior_state`), which is what plan-JSON consumers such as
//! checkov count checks over. The golden file is Terraform's rendering through that
//! comparison; the Terraform test (skipped without `terraform` and the hashicorp/aws plugin
//! mirror) checks the golden file still is, and `AUTOSTACK_BLESS=1` rewrites it from it.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use common::Work;
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The plugin mirror holding hashicorp/aws for Terraform.
const MIRROR: &str = "/opt/tf-plugins";

fn golden_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws_web_plan_shape.json")
}

/// Attributes whose planned state the comparison classifies for every resource change that
/// has them (references between resources: where known and unknown differ most).
const CLASSIFIED: [&str; 6] = [
    "vpc_security_group_ids",
    "subnet_id",
    "vpc_id",
    "security_group_id",
    "instance_id",
    "tags_all",
];

/// `known`, `unknown`, `null` or `partly unknown`, as a plan JSON consumer reads them.
fn classify(change: &Json, attr: &str) -> Option<&'static str> {
    let unknown = &change["after_unknown"][attr];
    let after = change["after"].get(attr);
    match (unknown, after) {
        (Json::Bool(true), _) => Some("unknown"),
        (_, None) => None,
        (_, Some(Json::Null)) => Some("null"),
        (Json::Array(_) | Json::Object(_), _) if unknown.to_string().contains("true") => {
            Some("partly unknown")
        }
        _ => Some("known"),
    }
}

/// The comparison: what each section of a plan JSON lists, in order, and how the
/// [`CLASSIFIED`] attributes of each change are planned.
fn shape(doc: &Json) -> Json {
    let addresses = |rs: &Json| -> Vec<Json> {
        rs.as_array()
            .map(|a| a.iter().map(|r| r["address"].clone()).collect())
            .unwrap_or_default()
    };
    let changes: Vec<Json> = doc["resource_changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let attrs: serde_json::Map<String, Json> = CLASSIFIED
                        .iter()
                        .filter_map(|a| {
                            classify(&r["change"], a).map(|c| (a.to_string(), json!(c)))
                        })
                        .collect();
                    json!([r["address"], r["mode"], r["change"]["actions"], attrs])
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "resource_changes": changes,
        "planned_values": addresses(&doc["planned_values"]["root_module"]["resources"]),
        "prior_state": addresses(&doc["prior_state"]["values"]["root_module"]["resources"]),
    })
}

/// The example copied into a fresh directory.
fn example() -> Work {
    let work = Work::new(&[]);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aws-web");
    for entry in std::fs::read_dir(&src).expect("example dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, work.path().join(path.file_name().expect("name"))).expect("copy");
        }
    }
    work
}

fn env(moto: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", moto.to_string()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
    ]
}

const VARS: [&str; 2] = ["-var=s3_use_path_style=true", "-var=name=planjson"];

/// Our plan JSON for the example.
fn ours(moto: &str) -> Json {
    let w = example();
    let env = env(moto);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    w.run_env(&["init"], &env).expect(0);
    let mut plan = vec!["plan", "-no-color", "-out=p.plan"];
    plan.extend(VARS);
    w.run_env(&plan, &env).expect(0);
    let out = w
        .run_env(&["show", "-json", "p.plan"], &env)
        .expect(0)
        .stdout();
    serde_json::from_str(&out).expect("plan JSON")
}

/// Terraform's plan JSON for the example, or None when Terraform or the plugin is missing.
fn terraforms(moto: &str) -> Option<Json> {
    let has_tf = Command::new("terraform")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_tf
        || !Path::new(MIRROR)
            .join("registry.terraform.io/hashicorp/aws")
            .is_dir()
    {
        return None;
    }
    let w = example();
    let rc = w.path().join("tfrc");
    let mirror = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{MIRROR}\"\n  }}\n}}\n"
    );
    std::fs::write(&rc, mirror).expect("tfrc");
    let tf = |args: &[&str]| {
        let out = Command::new("terraform")
            .args(args)
            .current_dir(w.path())
            .envs(env(moto))
            .env("TF_CLI_CONFIG_FILE", &rc)
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .expect("run terraform");
        assert!(
            out.status.success(),
            "terraform {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    tf(&["init", "-input=false", "-no-color"]);
    let mut plan = vec!["plan", "-input=false", "-no-color", "-out=tf.plan"];
    plan.extend(VARS);
    tf(&plan);
    Some(serde_json::from_slice(&tf(&["show", "-json", "tf.plan"])).expect("terraform plan JSON"))
}

fn golden() -> Json {
    let text = std::fs::read_to_string(golden_path()).expect("golden file");
    serde_json::from_str(&text).expect("golden JSON")
}

#[test]
fn aws_web_plan_json_lists_what_terraforms_golden_lists() {
    let ours = shape(&ours(&support::moto_url()));
    assert_eq!(
        ours,
        golden(),
        "ours:\n{}",
        serde_json::to_string_pretty(&ours).unwrap_or_default()
    );
}

#[test]
fn aws_web_plan_json_lists_what_terraform_lists() {
    let moto = support::moto_url();
    let Some(theirs) = terraforms(&moto) else {
        eprintln!("skipped: terraform or the hashicorp/aws plugin mirror is not available");
        return;
    };
    let theirs = shape(&theirs);
    if std::env::var_os("AUTOSTACK_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&theirs).expect("json") + "\n";
        std::fs::write(golden_path(), text).expect("write golden");
    }
    assert_eq!(
        theirs,
        golden(),
        "the golden file is no longer Terraform's rendering"
    );
    assert_eq!(shape(&ours(&moto)), theirs);
}
