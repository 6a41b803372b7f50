//! `examples/portable-web` on Google Cloud through the real binary against the Compute
//! Engine double and fake-gcs-server: every portable type applied (the same configuration
//! as on AWS, only the provider block swapped), shown with its concrete objects, refreshed
//! to a no-op plan, and destroyed with both servers left empty.
#![cfg(feature = "gcp")]

mod common;
#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod support;

use common::{Run, Work};
use support::{fake_gcs_url, Double};

struct Stack {
    work: Work,
    name: String,
    project: String,
    double: Double,
    gcs: String,
}

impl Stack {
    fn new() -> Stack {
        let name = support::unique("pw");
        let project = format!("{name}-proj");
        let work = Work::portable_web(&format!("provider \"google\" {{\n  project = \"{project}\"\n  region  = \"us-central1\"\n\n  add_terraform_attribution_label = false\n}}\n"));
        Stack {
            work,
            name,
            project,
            double: Double::start(&[]),
            gcs: fake_gcs_url(),
        }
    }

    fn run(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
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

    fn count(&self, kind: &str) -> usize {
        self.double.objects(&self.project, kind).len()
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
        let want = format!("{}-assets", self.name);
        doc["items"]
            .as_array()
            .is_some_and(|b| b.iter().any(|b| b["name"] == want.as_str()))
    }
}

#[test]
fn every_portable_type_applies_refreshes_to_no_changes_and_destroys_on_gcp() {
    let st = Stack::new();
    st.run(&["init"], &[]).expect(0);
    // 2 vCPU and 8 GiB: a type the double serves (e2-medium, 4 GiB, is shared-core).
    let vars = ["memory=8"];
    let out = st
        .run(&["apply", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("Apply complete! Resources: 6 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    for kind in [
        "compute#network",
        "compute#subnetwork",
        "compute#firewall",
        "compute#instance",
    ] {
        assert_eq!(st.count(kind), 1, "{kind}");
    }
    assert_eq!(st.count("compute#disk"), 2, "boot and data disks");
    assert!(st.bucket_exists());
    let vm = &st.double.objects(&st.project, "compute#instance")[0];
    assert_eq!(vm["disks"].as_array().map(Vec::len), Some(2), "{vm}");
    assert!(
        vm["zone"]
            .as_str()
            .unwrap_or_default()
            .ends_with("us-central1-a"),
        "{vm}"
    );
    assert!(
        vm["networkInterfaces"][0]["accessConfigs"][0]["natIP"].is_string(),
        "{vm}"
    );
    assert_eq!(vm["tags"]["items"][0], format!("{}-web", st.name));

    let outputs = st.run(&["output", "-json"], &[]).expect(0).stdout();
    let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs");
    assert_eq!(outputs["cloud"]["value"], "gcp");
    assert_eq!(
        outputs["bucket_url"]["value"],
        format!("gs://{}-assets", st.name)
    );
    let state = st.work.state();
    let vm_state = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "portable_instance")
        .unwrap();
    assert_eq!(
        vm_state["provider"],
        "provider[\"registry.terraform.io/hashicorp/google\"]"
    );
    let shown = st
        .run(&["state", "show", "portable_instance.web"], &[])
        .expect(0)
        .stdout();
    assert!(
        shown.contains("google_compute_instance") && shown.contains("= \"gcp\""),
        "{shown}"
    );

    let again = st
        .run(&["plan", "-detailed-exitcode"], &vars)
        .expect(0)
        .stdout();
    assert!(again.contains("No changes."), "{again}");

    let gone = st
        .run(&["destroy", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 6 destroyed."),
        "{gone}"
    );
    for kind in [
        "compute#network",
        "compute#subnetwork",
        "compute#firewall",
        "compute#instance",
        "compute#disk",
    ] {
        assert_eq!(st.count(kind), 0, "{kind} left");
    }
    assert!(!st.bucket_exists(), "the bucket is left");
}
