//! Adopting Terraform's state: the objects of `examples/aws-web` are created out of band on
//! moto (as `terraform apply` with hashicorp/aws 5.100 creates them), a `terraform.tfstate` is
//! written exactly as Terraform 1.11 records them (`fixtures/aws_adopt/`, whose README cites
//! the published states each shape comes from), and the real binary plans, refreshes, applies
//! and destroys on that state.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

#[path = "aws_adopt/bucket.rs"]
mod bucket;
#[path = "aws_adopt/moto.rs"]
mod moto;

use autostack_provider_aws::sdk::aws_sdk_ec2;
use common::{Run, Work};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;

/// The example and Terraform's state in a fresh directory, with moto's endpoint.
struct Adopted {
    work: Work,
    name: String,
    moto: String,
}

impl Adopted {
    fn new(name: &str) -> Adopted {
        let work = Work::new(&[]);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aws-web");
        for entry in std::fs::read_dir(&src).expect("example dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, work.path().join(path.file_name().expect("name")))
                    .expect("copy");
            }
        }
        Adopted {
            work,
            name: name.to_string(),
            moto: support::moto_url(),
        }
    }

    /// Runs autostack with moto's endpoint, test credentials and the test's variables.
    fn run(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if args.first() != Some(&"init") {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
            all.push("-var=s3_use_path_style=true".into());
            all.extend(vars.iter().map(|v| format!("-var={v}")));
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        self.work.run_env(
            &all,
            &[
                ("AWS_ENDPOINT_URL", &self.moto),
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("AWS_REGION", "us-east-1"),
            ],
        )
    }
}

/// The fixture with every `@@key@@` filled: `"@@json:key@@"` (quotes included) by raw JSON,
/// other keys by their string value (JSON-escaped).
fn fill(template: &str, values: &BTreeMap<String, Json>) -> Json {
    let mut text = template.to_string();
    for (k, v) in values {
        text = text.replace(&format!("\"@@json:{k}@@\""), &v.to_string());
        let plain = match v {
            Json::String(s) => {
                let quoted = Json::String(s.clone()).to_string();
                quoted[1..quoted.len() - 1].to_string()
            }
            other => other.to_string(),
        };
        text = text.replace(&format!("@@{k}@@"), &plain);
    }
    if let Some(i) = text.find("@@") {
        panic!(
            "unfilled placeholder in the fixture: {}",
            &text[i..(i + 40).min(text.len())]
        );
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("filled fixture is not JSON: {e}"))
}

/// `(mode, type, name, index_key)` of every resource instance in a state document, with its
/// attributes.
fn instances(state: &Json) -> BTreeMap<String, Json> {
    let mut out = BTreeMap::new();
    for r in state["resources"].as_array().expect("resources") {
        let prefix = if r["mode"] == "data" { "data." } else { "" };
        for i in r["instances"].as_array().expect("instances") {
            let key = match &i["index_key"] {
                Json::Null => String::new(),
                k => format!("[{k}]"),
            };
            let addr = format!(
                "{prefix}{}.{}{key}",
                r["type"].as_str().unwrap_or_default(),
                r["name"].as_str().unwrap_or_default()
            );
            out.insert(addr, i.clone());
        }
    }
    out
}

/// Differences between the attributes Terraform wrote and those AutoStack wrote back
/// (`addr.attr: before -> after`), and the attributes (nested ones included) AutoStack did
/// not keep because its schemas do not have them.
fn attribute_diffs(tf: &Json, ours: &Json) -> (Vec<String>, Vec<String>) {
    let (tf, ours) = (instances(tf), instances(ours));
    let (mut diffs, mut dropped) = (Vec::new(), Vec::new());
    for (addr, t) in &tf {
        let Some(o) = ours.get(addr) else {
            diffs.push(format!("{addr}: missing from AutoStack's state"));
            continue;
        };
        for (k, tv) in t["attributes"].as_object().expect("attributes") {
            let path = format!("{addr}.{k}");
            match o["attributes"].get(k) {
                Some(ov) => {
                    let mut inner = Vec::new();
                    if !same_known(tv, ov, &path, &mut inner) {
                        diffs.push(format!("{path}: {tv} -> {ov}"));
                    }
                    dropped.extend(inner);
                }
                None => dropped.push(path),
            }
        }
        for k in [
            "schema_version",
            "dependencies",
            "index_key",
            "private",
            "sensitive_attributes",
        ] {
            if t.get(k) != o.get(k) {
                diffs.push(format!("{addr} {k}: {:?} -> {:?}", t.get(k), o.get(k)));
            }
        }
    }
    (diffs, dropped)
}

/// Whether two attribute values agree on everything both record: object keys missing from
/// `ours` (nested attributes AutoStack does not model) are collected in `dropped`.
fn same_known(tf: &Json, ours: &Json, path: &str, dropped: &mut Vec<String>) -> bool {
    match (tf, ours) {
        (Json::Object(a), Json::Object(b)) => a.iter().all(|(k, x)| match b.get(k) {
            Some(y) => same_known(x, y, &format!("{path}.{k}"), dropped),
            None => {
                dropped.push(format!("{path}.{k}"));
                true
            }
        }),
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| same_known(x, y, &format!("{path}[*]"), dropped))
        }
        _ => tf == ours,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn adopts_terraform_state_of_aws_web() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let st = Adopted::new(&format!("adopt{nanos}"));
    let public_key = std::fs::read_to_string(st.work.path().join("deployer.pub"))
        .expect("deployer.pub")
        .trim_end()
        .to_string();

    // The objects, created the way hashicorp/aws creates them, and the state Terraform wrote.
    let mut values = moto::create_aws_web(&st.name, &public_key).await;
    let lineage = uuid::Uuid::new_v4().to_string();
    values.insert("lineage".into(), Json::String(lineage.clone()));
    let template = include_str!("fixtures/aws_adopt/terraform.tfstate.tmpl").replace("\r\n", "\n");
    let tf_state = fill(&template, &values);
    std::fs::write(
        st.work.path().join("terraform.tfstate"),
        serde_json::to_string_pretty(&tf_state).expect("json"),
    )
    .expect("write state");
    st.run(&["init"], &[]).expect(0);

    // Without refresh, Terraform's state is exactly what the configuration describes.
    let r = st.run(&["plan", "-refresh=false", "-detailed-exitcode"], &[]);
    assert_eq!(r.code(), 0, "{}\n{}", r.stdout(), r.stderr());
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());

    // Refreshed (every object read back from moto), nothing changes either.
    let r = st.run(&["plan", "-detailed-exitcode"], &[]);
    assert_eq!(r.code(), 0, "{}\n{}", r.stdout(), r.stderr());
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());

    // A refresh keeps every attribute Terraform recorded, except what changed out of band
    // after Terraform wrote it: the first instance's address (the EIP), the bucket's
    // versioning (its own resource) and the admin group's rules (their own resources).
    st.run(&["apply", "-refresh-only", "-auto-approve"], &[])
        .expect(0);
    let refreshed = st.work.state();
    assert_eq!(refreshed["version"], 4);
    assert_eq!(refreshed["lineage"], lineage.as_str());
    assert_eq!(refreshed["serial"], 25);
    assert_eq!(refreshed["terraform_version"], "1.11.4");
    assert_eq!(refreshed["outputs"], tf_state["outputs"]);
    let keys = |s: &Json| s.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
    assert_eq!(keys(&refreshed), keys(&tf_state));
    let (diffs, dropped) = attribute_diffs(&tf_state, &refreshed);
    let expected = [
        "aws_instance.web[0].public_dns",
        "aws_instance.web[0].public_ip",
        "aws_s3_bucket.assets.versioning",
        "aws_security_group.admin.egress",
        "aws_security_group.admin.ingress",
    ];
    let unexpected: Vec<&String> = diffs
        .iter()
        .filter(|d| !expected.iter().any(|e| d.starts_with(&format!("{e}:"))))
        .collect();
    assert!(
        unexpected.is_empty(),
        "attributes AutoStack reads differently from Terraform:\n{}",
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut dropped = dropped;
    dropped.dedup();
    eprintln!(
        "attributes of hashicorp/aws 5.100 not in AutoStack's schemas (dropped on write):\n  {}",
        dropped.join("\n  ")
    );

    // A small change applies on the adopted state, which keeps Terraform's format.
    let r = st
        .run(
            &["apply", "-auto-approve", "-refresh=false"],
            &["role_tag=frontend"],
        )
        .expect(0);
    let out = r.stdout();
    assert!(
        out.contains("# aws_instance.web[0] will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("Apply complete! Resources: 0 added, 2 changed, 0 destroyed."),
        "{out}"
    );
    let state = st.work.state();
    assert_eq!(state["version"], 4);
    assert_eq!(state["lineage"], lineage.as_str());
    assert_eq!(state["serial"], 26);
    let inst = &instances(&state)["aws_instance.web[1]"];
    assert_eq!(inst["attributes"]["tags"]["Role"], "frontend");
    assert_eq!(inst["schema_version"], 1);
    assert_eq!(
        inst["private"],
        instances(&tf_state)["aws_instance.web[1]"]["private"]
    );
    assert_eq!(
        inst["dependencies"],
        instances(&tf_state)["aws_instance.web[1]"]["dependencies"]
    );
    let ec2 = support::ec2().await;
    let id = inst["attributes"]["id"].as_str().expect("id");
    let tags = ec2
        .describe_tags()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(id)
                .build(),
        )
        .send()
        .await
        .expect("tags");
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == Some("Role") && t.value() == Some("frontend")));

    // Everything adopted is destroyed.
    let r = st
        .run(&["destroy", "-auto-approve"], &["role_tag=frontend"])
        .expect(0);
    assert!(
        r.stdout()
            .contains("Destroy complete! Resources: 21 destroyed."),
        "{}",
        r.stdout()
    );
}
