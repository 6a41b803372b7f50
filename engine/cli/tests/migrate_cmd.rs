//! `autostack migrate`: `examples/portable-web` applied on AWS (moto), the speculative plan of
//! moving it to Google Cloud (Compute Engine double + fake-gcs-server) with nothing written,
//! `-write` (idempotent), then `plan` showing the same moves and `apply` making them, moto left
//! without the stack; the rewrite of a commented file, byte for byte; refusals.
#![cfg(all(feature = "aws", feature = "gcp"))]

mod common;
#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod gcp_support;
#[path = "portable_support/aws.rs"]
mod portable_support;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use common::{Run, Work};
use gcp_support::{fake_gcs_url, Double};
use portable_support::{canonical_account_with_jammy, leftovers, Creds};
use std::collections::BTreeMap;

/// A concrete resource beside the portable ones: it stays on AWS.
const LOGS: &str = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket        = \"${var.name}-logs\"\n  force_destroy = true\n}\n";

struct Stack {
    work: Work,
    name: String,
    project: String,
    creds: Creds,
    double: Double,
    gcs: String,
}

impl Stack {
    async fn new() -> Stack {
        let work = Work::portable_web("# Where the stack runs.\nprovider \"aws\" {\n  region            = \"us-east-1\" # N. Virginia\n  s3_use_path_style = true\n}\n");
        work.write("logs.tf", LOGS);
        let name = gcp_support::unique("mig");
        Stack {
            work,
            project: format!("{name}-proj"),
            name,
            creds: canonical_account_with_jammy().await,
            double: Double::start(&[]),
            gcs: fake_gcs_url(),
        }
    }

    /// Runs the binary with both clouds' emulators configured (the google block `migrate`
    /// writes names no project: it comes from GOOGLE_PROJECT, as for the real provider).
    fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(args.first(), Some(&"init") | Some(&"output")) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
            all.push("-var=memory=8".into());
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let moto = support::moto_url();
        let compute = format!("{}/compute/v1/", self.double.url);
        let crm = format!("{}/v1/", self.double.url);
        let storage = format!("{}/storage/v1/", self.gcs);
        let key = self.double.key.to_str().expect("key path").to_string();
        self.work.run_env(
            &all,
            &[
                ("AWS_ENDPOINT_URL", moto.as_str()),
                ("AWS_ACCESS_KEY_ID", self.creds.key.as_str()),
                ("AWS_SECRET_ACCESS_KEY", self.creds.secret.as_str()),
                ("AWS_SESSION_TOKEN", self.creds.token.as_str()),
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("AWS_REGION", "us-east-1"),
                ("GOOGLE_APPLICATION_CREDENTIALS", key.as_str()),
                ("GOOGLE_PROJECT", self.project.as_str()),
                ("GOOGLE_COMPUTE_CUSTOM_ENDPOINT", compute.as_str()),
                ("GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT", crm.as_str()),
                ("GOOGLE_STORAGE_CUSTOM_ENDPOINT", storage.as_str()),
            ],
        )
    }

    /// Every `.tf` file's bytes.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        (std::fs::read_dir(self.work.path())
            .expect("dir")
            .filter_map(Result::ok))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect()
    }
}

/// The `will migrate` header lines of a plan, sorted.
fn moves(out: &str) -> Vec<String> {
    let mut v: Vec<String> = (out.lines())
        .filter(|l| l.contains("will migrate: ~> migrate aws → gcp"))
        .map(|l| l.trim().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_plans_without_writing_then_writes_and_the_apply_moves_the_stack_to_gcp() {
    let st = Stack::new().await;
    st.run(&["init"]).expect(0);
    let out = st.run(&["apply", "-auto-approve"]).expect(0).stdout();
    assert!(out.contains("Apply complete! Resources: 7 added"), "{out}");
    assert_eq!(leftovers(&st.creds, &st.name).await, (1, 1, 1, true));

    // The speculative plan: every portable resource moves, nothing is written.
    let files = st.files();
    let spec = st.run(&["migrate", "-to=gcp"]).expect(0).stdout();
    assert_eq!(st.files(), files, "migrate without -write changed a file");
    let planned = moves(&spec);
    assert_eq!(planned.len(), 6, "{spec}");
    assert!(spec.contains("0 to destroy, 6 to migrate."), "{spec}");
    assert!(
        spec.contains("Migration aws → gcp (region us-east1; aws: paired with us-east-1)"),
        "{spec}"
    );
    assert!(
        spec.contains("copied: portable_bucket.assets (bucket objects"),
        "{spec}"
    );
    assert!(spec.contains("deleted after the copy: "), "{spec}");
    let cost = spec
        .lines()
        .find(|l| l.starts_with("  monthly cost: "))
        .unwrap_or_default();
    assert!(
        cost.contains(" before → $") && cost.contains(" after ("),
        "{spec}"
    );
    assert!(
        !cost.contains("$0.00 before"),
        "the moving VM is priced: {spec}"
    );
    assert!(
        spec.contains(
            "not portable: aws_s3_bucket.logs stays on aws (`autostack translate -to=gcp`"
        ),
        "{spec}"
    );
    assert!(
        spec.contains("→ google_compute_instance e2-standard-2"),
        "{spec}"
    );
    st.run(&["migrate", "-to=gcp", "-detailed-exitcode"])
        .expect(2);
    let json = st.run(&["migrate", "-to=gcp", "-json"]).expect(0).stdout();
    let doc: serde_json::Value = serde_json::from_str(&json).expect("plan JSON");
    let changes = doc["resource_changes"]
        .as_array()
        .expect("resource_changes");
    let migrating: Vec<&serde_json::Value> = (changes.iter())
        .filter(|c| c["migration"]["to_cloud"] == "gcp")
        .collect();
    assert_eq!(migrating.len(), 6, "{json}");
    for c in migrating {
        assert_eq!(
            c["change"]["actions"],
            serde_json::json!(["create", "delete"]),
            "{c}"
        );
        assert_eq!(c["migration"]["from_cloud"], "aws", "{c}");
    }
    assert_eq!(st.files(), files);

    // -write: the provider block and the bindings; a second run changes nothing.
    let wrote = st.run(&["migrate", "-to=gcp", "-write"]).expect(0).stdout();
    assert!(
        wrote.contains(
            "providers.tf:2:1: provider \"google\" added after provider \"aws\" (region us-east1)"
        ),
        "{wrote}"
    );
    assert!(
        wrote.contains("main.tf:10:1: portable_network.main: provider = google"),
        "{wrote}"
    );
    assert!(
        wrote.contains("the aws provider block can be deleted"),
        "{wrote}"
    );
    let providers = std::fs::read_to_string(st.work.path().join("providers.tf")).unwrap();
    assert!(providers.starts_with("# Where the stack runs.\nprovider \"aws\" {\n  region            = \"us-east-1\" # N. Virginia\n"), "{providers}");
    assert!(
        providers.ends_with("provider \"google\" {\n  region = \"us-east1\"\n}\n"),
        "{providers}"
    );
    let written = st.files();
    let again = st.run(&["migrate", "-to=gcp", "-write"]).expect(0).stdout();
    assert!(again.contains("No changes"), "{again}");
    assert_eq!(st.files(), written);

    // plan shows the same moves; apply makes them.
    let plan = st.run(&["plan", "-detailed-exitcode"]).expect(2).stdout();
    assert_eq!(moves(&plan), planned, "{plan}");
    let applied = st.run(&["apply", "-auto-approve"]).expect(0).stdout();
    assert!(applied.contains("Apply complete!"), "{applied}");
    let after = st.run(&["plan", "-detailed-exitcode"]).expect(0).stdout();
    assert!(after.contains("No changes."), "{after}");
    assert_eq!(leftovers(&st.creds, &st.name).await, (0, 0, 0, false));
    assert_eq!(st.double.objects(&st.project, "compute#instance").len(), 1);
    let outputs = st.run(&["output", "-json"]).expect(0).stdout();
    let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs");
    assert_eq!(outputs["cloud"]["value"], "gcp");

    let gone = st.run(&["destroy", "-auto-approve"]).expect(0).stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 7 destroyed."),
        "{gone}"
    );
}

/// A configuration with comments and aligned attributes everywhere the rewrite touches.
const COMMENTED: &str = r#"# Stack header comment.
terraform {
  required_providers {
    # pinned
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0" # any 5.x
    }
  }
}

/* The AWS side. */
provider "aws" {
  region = "eu-west-1" # Dublin
}

resource "portable_network" "main" {
  # The network's range.
  cidr_block = "10.0.0.0/16"    // wide
  tags       = { team = "web" } # owner
}

resource "portable_bucket" "assets" {
  provider = aws # explicit

  name = "assets-123"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-123"
}
"#;

const COMMENTED_GCP: &str = r#"# Stack header comment.
terraform {
  required_providers {
    # pinned
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0" # any 5.x
    }
    google = {
      source = "hashicorp/google"
    }
  }
}

/* The AWS side. */
provider "aws" {
  region = "eu-west-1" # Dublin
}

# Added by `autostack migrate -to=gcp`: the portable resources move here. Keep the aws block
# until the move is applied (the old objects are deleted through it); then it can go.
provider "google" {
  region = "europe-west1"
}

resource "portable_network" "main" {
  provider = google

  # The network's range.
  cidr_block = "10.0.0.0/16"    // wide
  tags       = { team = "web" } # owner
}

resource "portable_bucket" "assets" {
  provider = google # explicit

  name = "assets-123"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-123"
}
"#;

#[test]
fn write_keeps_comments_and_formatting_and_is_idempotent() {
    let work = Work::new(&[("main.tf", COMMENTED)]);
    let out = work
        .run(&["migrate", "-to=gcp", "-write"])
        .expect(0)
        .stdout();
    let text = std::fs::read_to_string(work.path().join("main.tf")).unwrap();
    assert_eq!(text, COMMENTED_GCP, "{out}");
    assert!(
        out.contains("main.tf:3:3: required_providers: google = { source = \"hashicorp/google\" }"),
        "{out}"
    );
    assert!(
        out.contains("main.tf:24:14: portable_bucket.assets: provider = google (was aws)"),
        "{out}"
    );
    assert!(
        out.contains("(europe-west1; aws: paired with eu-west-1)"),
        "{out}"
    );
    assert!(out.contains("except 1 non-portable resource(s)"), "{out}");
    let again = work
        .run(&["migrate", "-to=gcp", "-write"])
        .expect(0)
        .stdout();
    assert!(again.contains("No changes"), "{again}");
    assert_eq!(
        std::fs::read_to_string(work.path().join("main.tf")).unwrap(),
        COMMENTED_GCP
    );
    work.run(&["validate"]).expect(0);

    // Another region given: the target block's region is replaced, nothing else.
    let moved = work
        .run(&["migrate", "-to=gcp", "-write", "-region=europe-west4"])
        .expect(0)
        .stdout();
    assert!(
        moved.contains("region = \"europe-west4\" (was \"europe-west1\")"),
        "{moved}"
    );
    let text = std::fs::read_to_string(work.path().join("main.tf")).unwrap();
    assert_eq!(text, COMMENTED_GCP.replace("europe-west1", "europe-west4"));
}

#[test]
fn a_target_equal_to_the_current_cloud_or_no_cloud_is_refused_with_its_place() {
    let work = Work::new(&[("main.tf", COMMENTED)]);
    for args in [
        &["migrate", "-to=aws"][..],
        &["migrate", "-to=aws", "-json"],
    ] {
        let r = work.run(args).expect(1);
        let err = r.stderr();
        assert!(err.contains("Error: Already on the target cloud"), "{err}");
        // The subject is the block's header: as in Terraform, no enclosing block to name.
        assert!(err.contains("  on main.tf line 17:\n"), "{err}");
    }
    let r = work.run(&["migrate", "-to=aws", "-write"]).expect(1);
    assert!(r.stderr().contains("Already on the target cloud"));
    assert_eq!(
        std::fs::read_to_string(work.path().join("main.tf")).unwrap(),
        COMMENTED
    );
    let r = work.run(&["migrate", "-to=mars"]).expect(1);
    assert!(
        r.stderr().contains("\"mars\" is not a cloud"),
        "{}",
        r.stderr()
    );
    let r = work
        .run(&["migrate", "-to=gcp", "-region=moon-1"])
        .expect(1);
    assert!(
        r.stderr().contains("\"moon-1\" is not a gcp region"),
        "{}",
        r.stderr()
    );
}

#[test]
fn write_for_azure_adds_features_and_a_region_on_each_resource() {
    // azurerm's block has no region: the target region goes on each moving resource, aligned
    // under its `provider =`.
    let work = Work::new(&[("main.tf", COMMENTED)]);
    let out = work
        .run(&["migrate", "-to=azure", "-write"])
        .expect(0)
        .stdout();
    let want = COMMENTED_GCP
        .replace(
            "google = {\n      source = \"hashicorp/google\"",
            "azurerm = {\n      source = \"hashicorp/azurerm\"",
        )
        .replace("-to=gcp", "-to=azure")
        .replace(
            "provider \"google\" {\n  region = \"europe-west1\"\n}",
            "provider \"azurerm\" {\n  features {}\n}",
        )
        .replace(
            "  provider = google\n",
            "  provider = azurerm\n  region   = \"northeurope\"\n",
        )
        .replace(
            "  provider = google # explicit\n",
            "  provider = azurerm # explicit\n  region   = \"northeurope\"\n",
        );
    let text = std::fs::read_to_string(work.path().join("main.tf")).unwrap();
    assert_eq!(text, want, "{out}");
    assert!(
        out.contains("(northeurope; aws: paired with eu-west-1)"),
        "{out}"
    );
    let again = work
        .run(&["migrate", "-to=azure", "-write"])
        .expect(0)
        .stdout();
    assert!(again.contains("No changes"), "{again}");
    assert_eq!(
        std::fs::read_to_string(work.path().join("main.tf")).unwrap(),
        want
    );
}

#[test]
fn write_binds_portable_resources_of_child_modules_too() {
    let work = Work::new(&[
        (
            "main.tf",
            "provider \"aws\" {\n  region = \"us-west-2\"\n}\n\nmodule \"net\" {\n  source = \"./net\"\n}\n",
        ),
        (
            "net/main.tf",
            "resource \"portable_network\" \"main\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
        ),
    ]);
    let out = work
        .run(&["migrate", "-to=gcp", "-write"])
        .expect(0)
        .stdout();
    assert!(
        out.contains("net/main.tf:1:1: module.net.portable_network.main: provider = google"),
        "{out}"
    );
    assert!(
        out.contains("(us-west1; aws: paired with us-west-2)"),
        "{out}"
    );
    let child = std::fs::read_to_string(work.path().join("net/main.tf")).unwrap();
    assert_eq!(
        child,
        "resource \"portable_network\" \"main\" {\n  provider = google\n\n  cidr_block = \"10.1.0.0/16\"\n}\n"
    );
    work.run(&["validate"]).expect(0);
}

/// Portable resources bound to the default AWS configuration and to an aliased one.
const ALIASED: &str = r#"resource "portable_network" "east" {
  name       = "${var.name}-east"
  cidr_block = "10.10.0.0/16"
}

resource "portable_subnet" "east" {
  name       = "${var.name}-east-a"
  network_id = portable_network.east.id
  cidr_block = "10.10.1.0/24"
}

resource "portable_network" "west" {
  provider   = aws.west
  name       = "${var.name}-west"
  cidr_block = "10.20.0.0/16"
}

resource "portable_subnet" "west" {
  provider   = aws.west
  name       = "${var.name}-west-a"
  network_id = portable_network.west.id
  cidr_block = "10.20.1.0/24"
}
"#;

/// The `+ region = "R"` lines of a plan.
fn planned_regions(plan: &str, region: &str) -> usize {
    let want = format!("= \"{region}\"");
    (plan.lines().map(str::trim))
        .filter(|l| l.starts_with("+ region ") && l.ends_with(&want))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn write_moves_each_aliased_configuration_to_its_own_target_block_and_region() {
    let st = Stack::new().await;
    for f in ["outputs.tf", "logs.tf"] {
        std::fs::remove_file(st.work.path().join(f)).expect("rm");
    }
    st.work.write("main.tf", ALIASED);
    st.work.write(
        "providers.tf",
        "provider \"aws\" {}\n\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"us-west-2\"\n}\n",
    );
    st.run(&["init"]).expect(0);
    let spec = st.run(&["migrate", "-to=gcp"]).expect(0).stdout();
    assert!(
        spec.contains("(region us-east1; aws: paired with us-east-1; alias west: region us-west1 (aws: paired with us-west-2))"),
        "{spec}"
    );

    let wrote = st.run(&["migrate", "-to=gcp", "-write"]).expect(0).stdout();
    for note in [
        "providers.tf:1:1: provider \"google\" added after provider \"aws\" (region us-east1)",
        "providers.tf:3:1: provider \"google\" (alias west) added after provider \"aws.west\" (region us-west1)",
        "main.tf:13:16: portable_network.west: provider = google.west (was aws.west)",
        "main.tf:1:1: portable_network.east: provider = google",
    ] {
        assert!(wrote.contains(note), "{note}:\n{wrote}");
    }
    let providers = std::fs::read_to_string(st.work.path().join("providers.tf")).unwrap();
    let added = |old: &str, body: &str| {
        format!("# Added by `autostack migrate -to=gcp`: the portable resources move here. Keep the {old} block\n# until the move is applied (the old objects are deleted through it); then it can go.\nprovider \"google\" {{\n{body}}}")
    };
    let want = format!(
        "provider \"aws\" {{}}\n\n{}\n\nprovider \"aws\" {{\n  alias  = \"west\"\n  region = \"us-west-2\"\n}}\n\n{}\n",
        added("aws", "  region = \"us-east1\"\n"),
        added("aws.west", "  alias  = \"west\"\n  region = \"us-west1\"\n"),
    );
    assert_eq!(providers, want);
    let main = std::fs::read_to_string(st.work.path().join("main.tf")).unwrap();
    assert_eq!(
        main.matches("provider   = google.west").count(),
        2,
        "{main}"
    );
    assert_eq!(main.matches("provider = google\n").count(), 2, "{main}");
    let again = st.run(&["migrate", "-to=gcp", "-write"]).expect(0).stdout();
    assert!(again.contains("No changes"), "{again}");
    st.work.run(&["fmt", "-check"]).expect(0);

    // The written configuration plans each network and subnet on Compute Engine in its region.
    let plan = st.run(&["plan"]).expect(0).stdout();
    assert!(
        plan.contains("Plan: 4 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    assert_eq!(planned_regions(&plan, "us-east1"), 2, "{plan}");
    assert_eq!(planned_regions(&plan, "us-west1"), 2, "{plan}");
    assert!(plan.contains("= \"us-west1-a\""), "{plan}");
}

#[test]
fn write_for_azure_keeps_aliases_apart_with_their_regions() {
    let providers = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"us-west-2\"\n}\n\nvariable \"name\" {\n  default = \"al\"\n}\n";
    let work = Work::new(&[("providers.tf", providers), ("main.tf", ALIASED)]);
    let out = work
        .run(&["migrate", "-to=azure", "-write"])
        .expect(0)
        .stdout();
    assert!(
        out.contains("alias west: region westus2 (aws: paired with us-west-2)"),
        "{out}"
    );
    let written = std::fs::read_to_string(work.path().join("providers.tf")).unwrap();
    assert!(
        written.contains("provider \"azurerm\" {\n  features {}\n}"),
        "{written}"
    );
    assert!(
        written.contains("provider \"azurerm\" {\n  alias = \"west\"\n  features {}\n}"),
        "{written}"
    );
    let main = std::fs::read_to_string(work.path().join("main.tf")).unwrap();
    let west = "  provider   = azurerm.west\n  region     = \"westus2\"\n";
    assert_eq!(main.matches(west).count(), 2, "{main}");
    let east = "  provider = azurerm\n  region   = \"eastus\"\n";
    assert_eq!(main.matches(east).count(), 2, "{main}");
    work.run(&["validate"]).expect(0);
    let again = work
        .run(&["migrate", "-to=azure", "-write"])
        .expect(0)
        .stdout();
    assert!(again.contains("No changes"), "{again}");
}
