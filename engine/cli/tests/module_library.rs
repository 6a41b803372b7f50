//! The portable module library (`modules/`) through the real binary: every module is
//! formatted, validates and plans on the three clouds (AWS against moto, Google Cloud
//! against the Compute Engine double and fake-gcs-server, Azure against the ARM double),
//! a bad input stops at the caller's argument with the module's rule, and the web-service
//! module (on the network module) is applied and destroyed on moto.
//!
//! Each module's `example/` and `examples/portable-modules` run from a copy of the
//! repository's `modules/` and `examples/` with the provider block of the cloud under test,
//! so the relative `source` paths resolve as in the repository.
//!
#![cfg(all(feature = "aws", feature = "gcp", feature = "azure"))]

#[path = "../../../providers/azure/tests/support/mod.rs"]
mod azure_support;
mod common;
#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod gcp_support;
#[allow(dead_code)]
#[path = "portable_support/aws.rs"]
mod portable_support;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::{aws_sdk_ec2, aws_sdk_s3};
use common::{Run, Work};
use portable_support::{canonical_account_with_jammy, sdk, Creds};
use std::path::{Path, PathBuf};

/// The modules of the library.
const MODULES: [&str; 4] = ["network", "web-service", "static-site", "data-disk-vm"];

/// Every runnable configuration of the library (relative to the repository) and how many
/// resources its plan creates.
const EXAMPLES: [(&str, usize); 5] = [
    // network (1) + 2 public + 2 private subnets + firewall
    ("modules/network/example", 6),
    // a 2-zone network (6) + the service's firewall + 3 instances + the assets bucket
    ("modules/web-service/example", 11),
    ("modules/static-site/example", 1),
    // a 1-zone network (4) + the VM + its data disk
    ("modules/data-disk-vm/example", 6),
    // network (6) + web (firewall, 2 instances, bucket) + db (VM, disk) + site bucket
    ("examples/portable-modules", 13),
];

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name");
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).expect("copy");
        }
    }
}

/// The cloud a test plans on, with the servers that stand in for it.
enum Cloud {
    /// moto, as Canonical's account (where `ubuntu-22.04` resolves).
    Aws(Creds),
    /// The Compute Engine double and fake-gcs-server.
    Gcp {
        double: gcp_support::Double,
        gcs: String,
        project: String,
    },
    /// The ARM double.
    Azure(azure_support::Double),
}

impl Cloud {
    async fn aws() -> Cloud {
        Cloud::Aws(canonical_account_with_jammy().await)
    }

    fn gcp() -> Cloud {
        Cloud::Gcp {
            double: gcp_support::Double::start(&[]),
            gcs: gcp_support::fake_gcs_url(),
            project: gcp_support::unique("lib"),
        }
    }

    fn azure() -> Cloud {
        Cloud::Azure(azure_support::Double::start(&[]))
    }

    /// The provider block that binds the portable resources to this cloud.
    fn providers_tf(&self) -> String {
        match self {
            Cloud::Aws(_) => "provider \"aws\" {\n  region            = \"us-east-1\"\n  s3_use_path_style = true\n}\n".into(),
            Cloud::Gcp { project, .. } => format!("provider \"google\" {{\n  project = \"{project}\"\n  region  = \"us-central1\"\n\n  add_terraform_attribution_label = false\n}}\n"),
            Cloud::Azure(_) => "provider \"azurerm\" {\n  features {}\n}\n".into(),
        }
    }

    /// The environment that points the provider at the servers.
    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Cloud::Aws(c) => vec![
                ("AWS_ENDPOINT_URL", support::moto_url()),
                ("AWS_ACCESS_KEY_ID", c.key.clone()),
                ("AWS_SECRET_ACCESS_KEY", c.secret.clone()),
                ("AWS_SESSION_TOKEN", c.token.clone()),
                ("AWS_EC2_METADATA_DISABLED", "true".into()),
                ("AWS_REGION", "us-east-1".into()),
            ],
            Cloud::Gcp { double, gcs, .. } => vec![
                (
                    "GOOGLE_APPLICATION_CREDENTIALS",
                    double.key.to_string_lossy().into_owned(),
                ),
                (
                    "GOOGLE_COMPUTE_CUSTOM_ENDPOINT",
                    format!("{}/compute/v1/", double.url),
                ),
                (
                    "GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT",
                    format!("{}/v1/", double.url),
                ),
                (
                    "GOOGLE_STORAGE_CUSTOM_ENDPOINT",
                    format!("{gcs}/storage/v1/"),
                ),
            ],
            Cloud::Azure(double) => vec![
                ("ARM_METADATA_HOSTNAME", double.url.clone()),
                ("ARM_SUBSCRIPTION_ID", azure_support::SUBSCRIPTION.into()),
                ("ARM_TENANT_ID", azure_support::TENANT.into()),
                ("ARM_CLIENT_ID", azure_support::CLIENT_ID.into()),
                ("ARM_CLIENT_SECRET", azure_support::CLIENT_SECRET.into()),
            ],
        }
    }
}

/// A copy of the repository's `modules/` and `examples/`, and the cloud it runs against.
struct Lib {
    work: Work,
    cloud: Cloud,
}

impl Lib {
    fn new(cloud: Cloud) -> Lib {
        let work = Work::new(&[]);
        copy_dir(&repo().join("modules"), &work.path().join("modules"));
        let example = repo().join("examples/portable-modules");
        copy_dir(&example, &work.path().join("examples/portable-modules"));
        Lib { work, cloud }
    }

    /// Puts this cloud's provider block into the configuration in `dir`.
    fn bind(&self, dir: &str) {
        let path = self.work.path().join(dir).join("providers.tf");
        std::fs::write(path, self.cloud.providers_tf()).expect("providers.tf");
    }

    /// Runs `autostack -chdir=DIR ARGS` against this cloud's servers.
    fn run(&self, dir: &str, args: &[&str]) -> Run {
        let chdir = format!("-chdir={dir}");
        let mut all = vec![chdir.as_str()];
        all.extend_from_slice(args);
        let env = self.cloud.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.work.run_env(&all, &env)
    }

    /// Binds every example to this cloud and plans it: each plans the resources it should,
    /// every instance gets a size on this cloud, and `cost` prices the saved plan.
    fn plans_every_example(&self, cloud: &str) {
        for (dir, count) in EXAMPLES {
            self.bind(dir);
            self.run(dir, &["init", "-no-color"]).expect(0);
            self.run(dir, &["validate", "-no-color"]).expect(0);
            let plan = self
                .run(dir, &["plan", "-no-color", "-out=tfplan"])
                .expect(0)
                .stdout();
            let want = format!("Plan: {count} to add, 0 to change, 0 to destroy.");
            assert!(plan.contains(&want), "{dir} on {cloud}: {plan}");
            let shown = self
                .run(dir, &["show", "-json", "tfplan"])
                .expect(0)
                .stdout();
            let shown: serde_json::Value = serde_json::from_str(&shown).expect("plan JSON");
            let changes = shown["resource_changes"].as_array().expect("changes");
            assert_eq!(changes.len(), count, "{dir}");
            for rc in changes {
                let after = &rc["change"]["after"];
                assert_eq!(after["cloud"], cloud, "{dir}: {rc}");
                if rc["type"] == "portable_instance" {
                    let size = after["instance_type"].as_str().unwrap_or_default();
                    assert!(!size.is_empty(), "{dir}: no size chosen: {rc}");
                }
            }
            let cost = self
                .run(dir, &["cost", "--plan", "tfplan", "--format", "json"])
                .expect(0)
                .stdout();
            let cost: serde_json::Value = serde_json::from_str(&cost).expect("cost JSON");
            let priced = cost["resources"].as_array().expect("resources");
            assert_eq!(priced.len(), count, "{dir}: {cost}");
            for r in priced {
                let unpriced = r["status"] == "unpriced";
                assert!(!unpriced, "{dir}: {r}");
            }
        }
    }
}

#[test]
fn the_modules_are_formatted_and_every_example_validates_on_each_cloud() {
    let fmt = Work::new(&[]);
    for dir in ["modules", "examples/portable-modules"] {
        let path = repo().join(dir);
        let path = path.to_str().expect("path");
        let out = fmt.run(&["fmt", "-check", "-recursive", path]);
        assert_eq!(out.code(), 0, "{dir} is not formatted: {}", out.stdout());
    }
    for m in MODULES {
        for file in [
            "README.md",
            "main.tf",
            "variables.tf",
            "outputs.tf",
            "versions.tf",
        ] {
            let path = repo().join("modules").join(m).join(file);
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
    // validate needs no credentials: the provider blocks with no servers behind them.
    for cloud in [Cloud::Aws(no_creds()), Cloud::azure(), Cloud::gcp()] {
        let lib = Lib::new(cloud);
        for (dir, _) in EXAMPLES {
            lib.bind(dir);
            lib.run(dir, &["init", "-no-color"]).expect(0);
            let out = lib.run(dir, &["validate", "-no-color"]).expect(0).stdout();
            assert!(out.contains("The configuration is valid"), "{dir}: {out}");
        }
    }
}

fn no_creds() -> Creds {
    Creds {
        key: "testing".into(),
        secret: "testing".into(),
        token: String::new(),
    }
}

/// Bad inputs to a module stop the plan at the caller's argument (file and line), with the
/// module's error message and the location of the rule that refused it.
#[tokio::test(flavor = "multi_thread")]
async fn a_bad_input_stops_at_the_callers_argument_with_the_modules_rule() {
    let lib = Lib::new(Cloud::aws().await);
    let dir = "examples/portable-modules";
    lib.bind(dir);
    lib.run(dir, &["init", "-no-color"]).expect(0);
    let main = lib.work.path().join(dir).join("main.tf");
    let good = std::fs::read_to_string(&main).expect("main.tf");
    let cases = [
        (
            "cidr_block = \"10.60.0.0/16\"",
            "cidr_block = \"10.60.0.0/33\"",
            "must be an IPv4 CIDR block",
            "modules/network/variables.tf:16,3-13",
        ),
        (
            "cidr_block = \"10.60.0.0/16\"",
            "cidr_block = \"10.60.0.1/16\"",
            "must be a network address",
            "modules/network/variables.tf:20,3-13",
        ),
        (
            "instance_count = 2",
            "instance_count = 0",
            "must be a whole number from 1 to 20",
            "modules/web-service/variables.tf",
        ),
        (
            "data_disk_class = \"ssd\"",
            "data_disk_class = \"nvme\"",
            "must be standard, ssd or premium",
            "modules/data-disk-vm/variables.tf",
        ),
    ];
    for (from, to, message, rule) in cases {
        std::fs::write(&main, good.replacen(from, to, 1)).expect("write");
        let line = good[..good.find(from).expect("argument")].lines().count();
        let out = lib.run(dir, &["plan", "-no-color"]).expect(1);
        let err = out.stderr();
        assert!(err.contains("Error: Invalid value for variable"), "{err}");
        assert!(
            err.contains(&format!("on main.tf line {line}")),
            "{to}: {err}"
        );
        assert!(err.contains(to), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(err.contains(rule), "{rule} not in {err}");
        assert!(!err.contains("panicked"), "{err}");
        // The machine-readable diagnostic has the column too.
        let json = lib.run(dir, &["plan", "-json"]).expect(1).stdout();
        let diag = (json.lines())
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|d| d["type"] == "diagnostic")
            .unwrap_or_else(|| panic!("no diagnostic in {json}"));
        let range = &diag["diagnostic"]["range"];
        assert_eq!(range["filename"], "main.tf", "{diag}");
        assert_eq!(range["start"]["line"], line as u64, "{diag}");
        assert!(range["start"]["column"].as_u64().unwrap_or(0) > 1, "{diag}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_module_plans_on_aws() {
    Lib::new(Cloud::aws().await).plans_every_example("aws");
}

#[test]
fn every_module_plans_on_gcp() {
    Lib::new(Cloud::gcp()).plans_every_example("gcp");
}

#[test]
fn every_module_plans_on_azure() {
    Lib::new(Cloud::azure()).plans_every_example("azure");
}

/// The web-service example (the network module feeding the web-service module) applied on
/// moto: 11 objects, three instances spread over the two zones, the bucket made; then
/// destroyed with nothing left.
#[tokio::test(flavor = "multi_thread")]
async fn the_web_service_module_applies_and_destroys_on_aws() {
    let lib = Lib::new(Cloud::aws().await);
    let dir = "modules/web-service/example";
    lib.bind(dir);
    // A name of its own, so that runs against one moto do not share a bucket.
    let name = format!("web{}", std::process::id());
    let main = lib.work.path().join(dir).join("main.tf");
    let text = std::fs::read_to_string(&main).expect("main.tf");
    assert!(
        text.contains("\"shop-web\""),
        "the example names the service shop-web"
    );
    std::fs::write(&main, text.replace("\"shop-web\"", &format!("\"{name}\""))).expect("write");
    let bucket = format!("{name}-assets");
    lib.run(dir, &["init", "-no-color"]).expect(0);
    let out = lib
        .run(dir, &["apply", "-auto-approve", "-no-color"])
        .expect(0)
        .stdout();
    assert!(
        out.contains("Apply complete! Resources: 11 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    let outputs = lib.run(dir, &["output", "-json"]).expect(0).stdout();
    let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs");
    let types = outputs["instance_types"]["value"]
        .as_array()
        .expect("types");
    assert_eq!(types.len(), 3, "{outputs}");
    let url = outputs["bucket_url"]["value"].as_str().unwrap_or_default();
    assert!(url.contains(&bucket), "{outputs}");
    let Cloud::Aws(creds) = &lib.cloud else {
        unreachable!("an AWS test")
    };
    let zones = running_zones(creds, &name).await;
    assert_eq!(zones.len(), 3, "{zones:?}");
    assert_eq!(zones.iter().filter(|z| *z == "us-east-1a").count(), 2);
    assert_eq!(zones.iter().filter(|z| *z == "us-east-1b").count(), 1);
    assert!(bucket_exists(creds, &bucket).await);

    let again = lib.run(dir, &["plan", "-detailed-exitcode", "-no-color"]);
    assert!(again.expect(0).stdout().contains("No changes."));
    let gone = lib
        .run(dir, &["destroy", "-auto-approve", "-no-color"])
        .expect(0)
        .stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 11 destroyed."),
        "{gone}"
    );
    assert!(running_zones(creds, &name).await.is_empty());
    assert!(!bucket_exists(creds, &bucket).await);
}

/// The zones of the service's instances (named `NAME-N`) that are not terminated.
async fn running_zones(creds: &Creds, name: &str) -> Vec<String> {
    let ec2 = aws_sdk_ec2::Client::new(&sdk(Some(creds)).await);
    let named = aws_sdk_ec2::types::Filter::builder()
        .name("tag:Name")
        .set_values(Some((0..3).map(|i| format!("{name}-{i}")).collect()))
        .build();
    let out = ec2.describe_instances().filters(named).send().await;
    let out = out.expect("describe instances");
    (out.reservations().iter().flat_map(|r| r.instances()))
        .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) != Some("terminated"))
        .filter_map(|i| i.placement()?.availability_zone().map(str::to_string))
        .collect()
}

async fn bucket_exists(creds: &Creds, name: &str) -> bool {
    let conf = sdk(Some(creds)).await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&conf)
            .force_path_style(true)
            .build(),
    );
    let buckets = s3.list_buckets().send().await.expect("list buckets");
    buckets.buckets().iter().any(|b| b.name() == Some(name))
}
