//! `examples/gcp-web` end to end through the real binary against the Compute Engine double
//! and fake-gcs-server: apply, no-op plan, in-place changes (labels, machine_type by
//! stopping the instance, an expanded subnetwork range), a replacement (a subnetwork range
//! that does not contain the old one), drift shown by `plan -refresh-only`, `state rm` and
//! `import`, and a destroy that leaves both servers empty; then the same stack with a fifth
//! of all Compute Engine calls failing (429/500/503).
#![cfg(feature = "gcp")]

mod common;
#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod support;

use common::{Run, Work};
use std::path::Path;
use support::{fake_gcs_url, Double};

/// The example copied into a fresh directory, with its own project and name prefix.
struct Stack {
    work: Work,
    name: String,
    project: String,
    double: Double,
    gcs: String,
}

impl Stack {
    fn new(prefix: &str, double_flags: &[&str]) -> Stack {
        let work = Work::new(&[]);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gcp-web");
        for entry in std::fs::read_dir(&src).expect("example dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, work.path().join(path.file_name().expect("name")))
                    .expect("copy");
            }
        }
        let name = support::unique(prefix);
        Stack {
            work,
            project: format!("{name}-proj"),
            name,
            double: Double::start(double_flags),
            gcs: fake_gcs_url(),
        }
    }

    /// Runs autostack with the doubles' endpoints and key in the environment (as the README
    /// shows), and the example's variables for fake-gcs-server.
    fn run(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
            all.push(format!("-var=project={}", self.project));
            all.push("-var=default_labels={}".into());
            all.push("-var=attribution_label=false".into());
            all.extend(vars.iter().map(|v| format!("-var={v}")));
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let compute = format!("{}/compute/v1/", self.double.url);
        let crm = format!("{}/v1/", self.double.url);
        let storage = format!("{}/storage/v1/", self.gcs);
        let key = self.double.key.to_str().expect("key path").to_string();
        self.work.run_env(
            &all,
            &[
                ("GOOGLE_APPLICATION_CREDENTIALS", key.as_str()),
                ("GOOGLE_COMPUTE_CUSTOM_ENDPOINT", compute.as_str()),
                ("GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT", crm.as_str()),
                ("GOOGLE_STORAGE_CUSTOM_ENDPOINT", storage.as_str()),
            ],
        )
    }

    /// The double's objects of `kind` in this stack's project.
    fn objects(&self, kind: &str) -> Vec<serde_json::Value> {
        self.double.objects(&self.project, kind)
    }

    fn bucket_exists(&self) -> bool {
        let url = format!("{}/storage/v1/b?project={}", self.gcs, self.project);
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())",
                &url,
            ])
            .output()
            .expect("python3");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("bucket list");
        doc["items"].as_array().is_some_and(|b| {
            b.iter()
                .any(|b| b["name"] == format!("{}-assets", self.name))
        })
    }

    fn assert_empty(&self) {
        for kind in [
            "compute#network",
            "compute#subnetwork",
            "compute#firewall",
            "compute#address",
            "compute#disk",
            "compute#instance",
        ] {
            assert!(
                self.objects(kind).is_empty(),
                "{kind} left: {:?}",
                self.objects(kind)
            );
        }
        assert!(!self.bucket_exists(), "the bucket is left");
    }
}

fn op_types(st: &Stack, target_suffix: &str) -> Vec<String> {
    st.double.dump()["operations"]
        .as_object()
        .expect("operations")
        .values()
        .filter(|o| {
            o["targetLink"]
                .as_str()
                .unwrap_or_default()
                .ends_with(target_suffix)
        })
        .map(|o| o["operationType"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The variables of the in-place change: labels everywhere, a larger machine type.
const CHANGED: [&str; 2] = ["env=prod", "machine_type=e2-medium"];

/// Subnetwork 0 grows to a range containing its own; subnetwork 1 moves to one that does
/// not contain its own.
const RANGES: &str = "subnet_cidrs=[\"10.10.0.0/23\",\"10.20.2.0/24\"]";

fn creates_then_plans_nothing(st: &Stack) {
    st.run(&["init"], &[]).expect(0);
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 11 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    let vm = &st.objects("compute#instance")[0];
    assert!(vm["machineType"].as_str().unwrap().ends_with("/e2-small"));
    assert_eq!(
        vm["disks"].as_array().unwrap().len(),
        2,
        "boot and data disks"
    );
    let nat = &vm["networkInterfaces"][0]["accessConfigs"][0]["natIP"];
    assert_eq!(nat, &st.objects("compute#address")[0]["address"]);
    assert!(st.bucket_exists());
    let r = st.run(&["plan", "-detailed-exitcode"], &[]).expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());
}

/// Labels everywhere, and the machine type by stop/setMachineType/start.
fn changes_in_place(st: &Stack) {
    let out = st
        .run(&["apply", "-auto-approve"], &CHANGED)
        .expect(0)
        .stdout();
    assert!(
        out.contains("# google_compute_instance.web will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("Apply complete! Resources: 0 added, 3 changed, 0 destroyed."),
        "{out}"
    );
    let vm = &st.objects("compute#instance")[0];
    assert!(
        vm["machineType"].as_str().unwrap().ends_with("/e2-medium"),
        "{vm}"
    );
    assert_eq!(vm["labels"]["env"], "prod");
    assert_eq!(vm["status"], "RUNNING");
    let ops = op_types(st, &format!("/instances/{}-web", st.name));
    for step in ["stop", "setMachineType", "start", "setLabels"] {
        assert!(ops.iter().any(|o| o == step), "{step} in {ops:?}");
    }
}

/// expandIpCidrRange in place for subnetwork 0, a new subnetwork 1.
fn expands_one_range_and_replaces_the_other(st: &Stack, vars: &[&str]) {
    let ids = |st: &Stack| -> Vec<String> {
        st.objects("compute#subnetwork")
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let old_ids = ids(st);
    let out = st.run(&["apply", "-auto-approve"], vars).expect(0).stdout();
    assert!(
        out.contains("# google_compute_subnetwork.web[1] must be replaced"),
        "{out}"
    );
    assert!(
        out.contains("# google_compute_subnetwork.web[0] will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("\"10.10.2.0/24\" -> \"10.20.2.0/24\" # forces replacement"),
        "{out}"
    );
    let subs = st.objects("compute#subnetwork");
    let named = |n: usize| {
        subs.iter()
            .find(|s| s["name"] == format!("{}-web-{n}", st.name))
            .unwrap()
            .clone()
    };
    assert_eq!(named(0)["ipCidrRange"], "10.10.0.0/23");
    assert!(
        old_ids.contains(&named(0)["id"].as_str().unwrap().to_string()),
        "expanded in place"
    );
    assert!(
        !old_ids.contains(&named(1)["id"].as_str().unwrap().to_string()),
        "replaced"
    );
    st.run(&["plan", "-detailed-exitcode"], vars).expect(0);
}

/// The firewall deleted and the disk relabelled by another client: `plan -refresh-only`
/// shows both, and an apply puts them back.
fn shows_and_repairs_drift(st: &Stack, vars: &[&str]) {
    let (p, n) = (&st.project, &st.name);
    st.double.call(
        "DELETE",
        &format!("/compute/v1/projects/{p}/global/firewalls/{n}-http"),
        None,
    );
    let disk_path = format!("/compute/v1/projects/{p}/zones/us-central1-a/disks/{n}-data");
    let disk = st.double.call("GET", &disk_path, None);
    let labels = serde_json::json!({"labels": {"env": "hand-edited"}, "labelFingerprint": disk["labelFingerprint"]});
    st.double
        .call("POST", &format!("{disk_path}/setLabels"), Some(labels));
    let out = st.run(&["plan", "-refresh-only"], vars).expect(0).stdout();
    assert!(
        out.contains("Objects have changed outside of AutoStack"),
        "{out}"
    );
    assert!(
        out.contains("# google_compute_firewall.http has been deleted"),
        "{out}"
    );
    assert!(
        out.contains("# google_compute_disk.data has changed"),
        "{out}"
    );
    let out = st
        .run(&["plan", "-detailed-exitcode"], vars)
        .expect(2)
        .stdout();
    assert!(
        out.contains("# google_compute_firewall.http will be created"),
        "{out}"
    );
    assert!(
        out.contains("# google_compute_disk.data will be updated in-place"),
        "{out}"
    );
    st.run(&["apply", "-auto-approve"], vars).expect(0);
    st.run(&["plan", "-detailed-exitcode"], vars).expect(0);
}

/// The instance and the bucket forgotten, then imported by hashicorp/google's IDs: nothing
/// is replaced, and an apply (of the arguments an import cannot know) converges.
fn imports_what_state_rm_forgot(st: &Stack, vars: &[&str]) {
    st.run(
        &[
            "state",
            "rm",
            "google_compute_instance.web",
            "google_storage_bucket.assets",
        ],
        &[],
    )
    .expect(0);
    let vm_id = format!(
        "projects/{}/zones/us-central1-a/instances/{}-web",
        st.project, st.name
    );
    st.run(&["import", "google_compute_instance.web", &vm_id], vars)
        .expect(0);
    let bucket_id = format!("{}/{}-assets", st.project, st.name);
    st.run(
        &["import", "google_storage_bucket.assets", &bucket_id],
        vars,
    )
    .expect(0);
    let r = st.run(&["plan"], vars).expect(0);
    assert!(!r.stdout().contains("must be replaced"), "{}", r.stdout());
    st.run(&["apply", "-auto-approve"], vars).expect(0);
    let r = st.run(&["plan", "-detailed-exitcode"], vars);
    assert_eq!(
        r.code(),
        0,
        "plan after import:\n{}\n{}",
        r.stdout(),
        r.stderr()
    );
}

#[test]
fn gcp_web_apply_change_replace_drift_import_destroy() {
    let st = Stack::new("gweb", &[]);
    creates_then_plans_nothing(&st);
    changes_in_place(&st);
    let mut vars = CHANGED.to_vec();
    vars.push(RANGES);
    expands_one_range_and_replaces_the_other(&st, &vars);
    shows_and_repairs_drift(&st, &vars);
    imports_what_state_rm_forgot(&st, &vars);
    let out = st
        .run(&["destroy", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("Destroy complete! Resources: 11 destroyed."),
        "{out}"
    );
    st.assert_empty();
}

#[test]
fn gcp_web_converges_with_a_fifth_of_compute_calls_failing() {
    let st = Stack::new(
        "gfault",
        &["--fault-rate", "0.2", "--latency-dist", "fixed"],
    );
    st.run(&["init"], &[]).expect(0);
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(out.contains("Apply complete! Resources: 11 added"), "{out}");
    st.run(&["plan", "-detailed-exitcode"], &[]).expect(0);
    let out = st
        .run(
            &["apply", "-auto-approve"],
            &["env=prod", "machine_type=e2-medium"],
        )
        .expect(0)
        .stdout();
    assert!(
        out.contains("Apply complete! Resources: 0 added, 3 changed, 0 destroyed."),
        "{out}"
    );
    st.run(
        &["destroy", "-auto-approve"],
        &["env=prod", "machine_type=e2-medium"],
    )
    .expect(0);
    st.assert_empty();
}
