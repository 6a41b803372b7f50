//! The whole journey of a portable stack through the real binary: `examples/portable-web`
//! (every portable type) applied on AWS (moto), moved to Google Cloud (Compute Engine double +
//! fake-gcs-server) by `migrate -to=gcp -write` and `apply`, moved on to Azure (ARM double +
//! Azurite), then destroyed. The bucket's objects travel with it and are compared byte for
//! byte at every stop; the first move's apply is killed with SIGKILL during the object copy
//! and the next apply finishes it; outputs follow the stack; each cloud is left empty.
#![cfg(all(feature = "aws", feature = "gcp", feature = "azure"))]

#[path = "../../../providers/azure/tests/support/mod.rs"]
mod azure_support;
mod common;
#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod gcp_support;
#[path = "portable_support/aws.rs"]
mod portable_support;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::aws_sdk_s3;
use common::{Run, Work};
use futures::StreamExt;
use portable_support::{canonical_account_with_jammy, leftovers, Creds};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The bucket's objects: key → content (many small ones, so a copy takes long enough to be
/// cut off, and one past the 8 MiB multipart / compose / block-list threshold).
fn objects() -> BTreeMap<String, Vec<u8>> {
    let mut out: BTreeMap<String, Vec<u8>> = (0..400)
        .map(|i| (format!("assets/{i:04}.bin"), bytes(48 * 1024 + i, i as u64)))
        .collect();
    out.insert("big/archive.tar".into(), bytes(9 * 1024 * 1024 + 17, 999));
    out.insert("empty".into(), Vec::new());
    out
}

/// `len` bytes that differ with `seed`.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

struct Stack {
    work: Work,
    name: String,
    project: String,
    creds: Creds,
    gce: gcp_support::Double,
    gcs: String,
    arm: String,
}

impl Stack {
    async fn new() -> Stack {
        let work = Work::portable_web("provider \"aws\" {\n  region            = \"us-east-1\"\n  s3_use_path_style = true\n}\n");
        let name = gcp_support::unique("trip");
        Stack {
            work,
            project: format!("{name}-proj"),
            name,
            creds: canonical_account_with_jammy().await,
            gce: gcp_support::Double::start(&[]),
            gcs: gcp_support::fake_gcs_url(),
            arm: azure_support::arm_url(),
        }
    }

    /// The three clouds' endpoints and credentials, as a user points the providers at them.
    fn env(&self) -> Vec<(String, String)> {
        let key = self.gce.key.to_str().expect("key path").to_string();
        [
            ("AWS_ENDPOINT_URL", support::moto_url()),
            ("AWS_ACCESS_KEY_ID", self.creds.key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.creds.secret.clone()),
            ("AWS_SESSION_TOKEN", self.creds.token.clone()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("GOOGLE_APPLICATION_CREDENTIALS", key),
            ("GOOGLE_PROJECT", self.project.clone()),
            (
                "GOOGLE_COMPUTE_CUSTOM_ENDPOINT",
                format!("{}/compute/v1/", self.gce.url),
            ),
            (
                "GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT",
                format!("{}/v1/", self.gce.url),
            ),
            (
                "GOOGLE_STORAGE_CUSTOM_ENDPOINT",
                format!("{}/storage/v1/", self.gcs),
            ),
            ("ARM_METADATA_HOSTNAME", self.arm.clone()),
            ("ARM_SUBSCRIPTION_ID", azure_support::SUBSCRIPTION.into()),
            ("ARM_TENANT_ID", azure_support::TENANT.into()),
            ("ARM_CLIENT_ID", azure_support::CLIENT_ID.into()),
            ("ARM_CLIENT_SECRET", azure_support::CLIENT_SECRET.into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn args(&self, args: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"output") | Some(&"state")
        ) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
        }
        all
    }

    fn run(&self, args: &[&str]) -> Run {
        let all = self.args(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.work.run_env(&all, &env)
    }

    /// `apply -auto-approve` in a child process, killed with SIGKILL as soon as the bucket on
    /// the new cloud holds some objects; true when that was part-way through the copy.
    async fn apply_killed_during_copy(&self, total: usize) -> bool {
        let mut child = Command::new(common::bin())
            .args(self.args(&["apply", "-auto-approve"]))
            .envs(self.env())
            .env(
                "AUTOSTACK_CATALOG_DIR",
                self.work.path().join(".no-local-catalog"),
            )
            .current_dir(self.work.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn autostack");
        let deadline = Instant::now() + Duration::from_secs(300);
        while Instant::now() < deadline {
            if let Some(names) = gcs_names(self).await.filter(|n| !n.is_empty()) {
                unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
                let status = child.wait().expect("wait");
                return names.len() < total && status.code().is_none();
            }
            if child.try_wait().expect("try_wait").is_some() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the apply never reached the object copy");
    }

    fn output(&self, name: &str) -> String {
        let out = self.run(&["output", "-raw", name]).expect(0).stdout();
        out.trim().to_string()
    }

    fn bucket(&self) -> String {
        format!("{}-assets", self.name)
    }
}

/// Puts every object into the stack's S3 bucket.
async fn fill_s3(st: &Stack, objects: &BTreeMap<String, Vec<u8>>) {
    let conf = portable_support::sdk(Some(&st.creds)).await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&conf)
            .force_path_style(true)
            .build(),
    );
    let bucket = st.bucket();
    futures::stream::iter(objects)
        .for_each_concurrent(8, |(k, v)| {
            let (s3, bucket) = (s3.clone(), bucket.clone());
            async move {
                s3.put_object()
                    .bucket(bucket)
                    .key(k)
                    .body(v.clone().into())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("put {k}: {e:?}"));
            }
        })
        .await;
}

/// The body of GET `url` when it answers 2xx.
async fn get(url: &str) -> Option<Vec<u8>> {
    let resp = reqwest::get(url).await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    Some(resp.bytes().await.ok()?.to_vec())
}

/// The names of the objects in the stack's Cloud Storage bucket (`None` before it exists).
async fn gcs_names(st: &Stack) -> Option<Vec<String>> {
    let url = format!("{}/storage/v1/b/{}/o?maxResults=5000", st.gcs, st.bucket());
    let doc: serde_json::Value = serde_json::from_slice(&get(&url).await?).ok()?;
    let items = doc["items"].as_array().cloned().unwrap_or_default();
    Some(
        items
            .iter()
            .filter_map(|o| o["name"].as_str().map(String::from))
            .collect(),
    )
}

/// Checks that the Cloud Storage bucket holds exactly `objects`, byte for byte.
async fn check_gcs(st: &Stack, objects: &BTreeMap<String, Vec<u8>>) {
    let mut names = gcs_names(st).await.expect("the Cloud Storage bucket");
    names.sort();
    assert_eq!(names, objects.keys().cloned().collect::<Vec<_>>());
    for (k, v) in objects {
        let url = format!(
            "{}/storage/v1/b/{}/o/{}?alt=media",
            st.gcs,
            st.bucket(),
            urlencode(k)
        );
        let got = get(&url).await.expect(k);
        assert!(got == *v, "{k} differs in Cloud Storage");
    }
}

/// Checks that the Azure container (in Azurite) holds exactly `objects`, byte for byte.
async fn check_azure(st: &Stack, objects: &BTreeMap<String, Vec<u8>>) {
    use azure_storage::{CloudLocation, StorageCredentials};
    use azure_storage_blobs::prelude::ClientBuilder;
    let url = std::env::var("AUTOSTACK_AZURITE_URL").expect("AUTOSTACK_AZURITE_URL");
    let account = "devstoreaccount1".to_string();
    let container = ClientBuilder::new(account.clone(), StorageCredentials::emulator())
        .cloud_location(CloudLocation::Custom { account, uri: url })
        .container_client(st.bucket());
    let mut names = Vec::new();
    let mut pages = container.list_blobs().into_stream();
    while let Some(page) = pages.next().await {
        names.extend(
            page.expect("list blobs")
                .blobs
                .blobs()
                .map(|b| b.name.clone()),
        );
    }
    names.sort();
    assert_eq!(names, objects.keys().cloned().collect::<Vec<_>>());
    for (k, v) in objects {
        let blob = container.blob_client(k);
        // The SDK reads in ranges, which an empty blob refuses: its length says enough.
        let got = match v.is_empty() {
            true => (blob.get_properties().await.expect(k).blob.properties)
                .content_length
                .to_string()
                .into_bytes(),
            false => blob.get_content().await.expect(k),
        };
        let want = if v.is_empty() {
            b"0".to_vec()
        } else {
            v.clone()
        };
        assert!(got == want, "{k} differs in Azure Blob Storage");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The stack's resource groups left in the ARM double.
fn azure_groups(st: &Stack) -> usize {
    let path = format!(
        "/subscriptions/{}/resourcegroups?api-version=2021-04-01",
        azure_support::SUBSCRIPTION
    );
    let (status, body) = azure_support::arm(&st.arm, "GET", &path, "");
    assert_eq!(status, 200, "{body}");
    (body["value"].as_array().into_iter().flatten())
        .filter(|g| g["name"].as_str().is_some_and(|n| n.starts_with(&st.name)))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_of_every_portable_type_moves_aws_to_gcp_to_azure_with_its_objects() {
    let st = Stack::new().await;
    let objects = objects();
    st.run(&["init"]).expect(0);
    let out = st.run(&["apply", "-auto-approve"]).expect(0).stdout();
    assert!(out.contains("Apply complete! Resources: 6 added"), "{out}");
    assert_eq!(st.output("cloud"), "aws");
    fill_s3(&st, &objects).await;

    // AWS → Google Cloud, the first apply killed while it copies.
    st.run(&["migrate", "-to=gcp", "-write"]).expect(0);
    let total = objects.len();
    let killed = st.apply_killed_during_copy(total).await;
    assert!(killed, "the apply was not killed during the copy");
    // The resumed apply finishes what the killed one left (both sides are in the state).
    let out = st.run(&["apply", "-auto-approve"]).expect(0).stdout();
    assert!(out.contains("Apply complete!"), "{out}");
    assert_eq!(leftovers(&st.creds, &st.name).await, (0, 0, 0, false));
    check_gcs(&st, &objects).await;
    assert_eq!(st.output("cloud"), "gcp");
    assert!(st.output("bucket_url").starts_with("gs://"));
    let again = st.run(&["plan", "-detailed-exitcode"]).expect(0).stdout();
    assert!(again.contains("No changes."), "{again}");

    // Google Cloud → Azure.
    st.run(&["migrate", "-to=azure", "-write"]).expect(0);
    let out = st.run(&["apply", "-auto-approve"]).expect(0).stdout();
    assert!(
        out.contains("6 migrated") || out.contains("Apply complete!"),
        "{out}"
    );
    check_azure(&st, &objects).await;
    assert_eq!(
        gcs_names(&st).await,
        None,
        "the Cloud Storage bucket is left"
    );
    for kind in ["compute#network", "compute#instance", "compute#disk"] {
        assert!(st.gce.objects(&st.project, kind).is_empty(), "{kind} left");
    }
    assert_eq!(st.output("cloud"), "azure");
    let again = st.run(&["plan", "-detailed-exitcode"]).expect(0).stdout();
    assert!(again.contains("No changes."), "{again}");

    let gone = st.run(&["destroy", "-auto-approve"]).expect(0).stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 6 destroyed."),
        "{gone}"
    );
    assert_eq!(azure_groups(&st), 0, "resource groups left");
}
