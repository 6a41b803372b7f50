//! The s3 backend through the binary, against moto: init with `-backend-config`, the safety
//! scenarios with each lock style (the `KEY.tflock` object, the DynamoDB item, both), a
//! server failing 20% of requests (through a faulting proxy), batched uploads, workspaces
//! under `env:/`, and migration from the local backend.
#![cfg(feature = "s3")]

mod backends;
mod common;
#[allow(dead_code)]
#[path = "../../../providers/aws/tests/support/proxy.rs"]
mod proxy;
#[path = "../../../state/tests/support/mod.rs"]
mod support;

use backends::Setup;
use support::moto::{create_bucket, create_lock_table, http, moto_url, unique};

/// A fresh bucket (and lock table when `lock` asks for DynamoDB) reached at `endpoint`.
fn s3_via(endpoint: &str, bucket: &str, lock: &str) -> Setup {
    let locks = match lock {
        "file" => "    use_lockfile = true\n".to_string(),
        "both" => format!("    use_lockfile = true\n    dynamodb_table = \"{bucket}-locks\"\n"),
        _ => format!("    dynamodb_table = \"{bucket}-locks\"\n"),
    };
    Setup {
        block: format!("  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"stack/terraform.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n{locks}  }}"),
        init_args: vec![format!("-backend-config=endpoints={{ s3 = \"{endpoint}\", dynamodb = \"{endpoint}\", sts = \"{endpoint}\" }}")],
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ],
        lock_outlives_holder: true,
    }
}

fn s3(lock: &str) -> Setup {
    let bucket = unique("st");
    create_bucket(&moto_url(), &bucket);
    if lock != "file" {
        create_lock_table(&moto_url(), &format!("{bucket}-locks"));
    }
    s3_via(&moto_url(), &bucket, lock)
}

fn bucket_of(s: &Setup) -> String {
    s.block
        .split("bucket = \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn two_applies_at_once_on_s3_with_a_lock_file() {
    backends::two_applies_at_once(&s3("file"));
}

#[test]
fn two_applies_at_once_on_s3_with_dynamodb() {
    backends::two_applies_at_once(&s3("dynamodb"));
}

#[test]
fn kill_nine_on_s3_with_both_lock_styles() {
    backends::kill_nine_at_random_points(&s3("both"), 4);
}

#[test]
fn kill_nine_on_s3_with_dynamodb() {
    backends::kill_nine_at_random_points(&s3("dynamodb"), 3);
}

#[test]
fn a_flaky_s3() {
    let bucket = unique("fl");
    create_bucket(&moto_url(), &bucket);
    create_lock_table(&moto_url(), &format!("{bucket}-locks"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let faulty = rt.block_on(proxy::Proxy::start(&moto_url(), 20));
    let flaky = s3_via(&faulty.url, &bucket, "both");
    let healthy = s3_via(&moto_url(), &bucket, "both");
    backends::flaky_server(&flaky, &healthy);
    assert!(faulty.faults() > 0, "the proxy failed requests");
}

#[test]
fn uploads_are_batched_and_workspaces_live_under_env() {
    let bucket = unique("up");
    create_bucket(&moto_url(), &bucket);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let counting = rt.block_on(proxy::Proxy::start(&moto_url(), 0));
    let s = s3_via(&counting.url, &bucket, "file");
    let body: String = (0..300)
        .map(|i| format!("resource \"terraform_data\" \"r{i}\" {{\n  input = {i}\n}}\n"))
        .collect();
    let w = s.work(&body);
    counting.reset();
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    // The lock object, its removal, and the state: not one upload per resource.
    let puts = counting.count("S3 PUT");
    assert!(
        (2..=4).contains(&puts),
        "{puts} PUTs for 300 resources: {:?}",
        counting.calls()
    );
    s.run(&w, &["workspace", "new", "dev"]).expect(0);
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let (status, body) = http(
        &moto_url(),
        "GET",
        &format!("/{bucket}/env:/dev/stack/terraform.tfstate"),
        &[],
        b"",
    );
    assert_eq!(status, 200);
    let dev: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(backends::resource_names(&dev).len(), 300);
    assert_eq!(
        s.run(&w, &["workspace", "list"]).expect(0).stdout(),
        "  default\n* dev\n\n"
    );
    s.run(&w, &["workspace", "select", "default"]).expect(0);
    s.run(&w, &["workspace", "delete", "-force", "dev"])
        .expect(0);
    let (gone, _) = http(
        &moto_url(),
        "GET",
        &format!("/{bucket}/env:/dev/stack/terraform.tfstate"),
        &[],
        b"",
    );
    assert_eq!(gone, 404);
    assert_eq!(bucket_of(&s), bucket);
}

#[test]
fn state_versions_are_objects_beside_the_state() {
    let s = s3("file");
    backends::versions_kept_by_the_backend(&s);
    let bucket = bucket_of(&s);
    let path = format!("/{bucket}?list-type=2&prefix=stack/terraform.tfstate.versions/");
    let (status, body) = http(&moto_url(), "GET", &path, &[], b"");
    assert_eq!(status, 200);
    let listing = String::from_utf8_lossy(&body);
    let keys: Vec<&str> = (listing.split("<Key>").skip(1))
        .filter_map(|k| k.split("</Key>").next())
        .collect();
    // Versions 4 and 5 (the rollback's): the last two, a meta and a body each.
    let want: Vec<String> = (4..=5)
        .flat_map(|n| {
            ["body", "meta"].map(|p| format!("stack/terraform.tfstate.versions/{n:012}.{p}"))
        })
        .collect();
    assert_eq!(keys, want, "{listing}");
}

#[test]
fn init_migrates_local_state_into_s3_and_back() {
    let w = common::Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"x\" {\n  input = 7\n}\n",
    )]);
    w.run(&["apply", "-auto-approve", "-no-cost"]).expect(0);
    let lineage = w.state()["lineage"].clone();
    let s = s3("file");
    let body = "resource \"terraform_data\" \"x\" {\n  input = 7\n}\n";
    w.write("main.tf", &format!("terraform {{\n{}\n}}\n{body}", s.block));
    let env: Vec<(&str, &str)> = s
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    w.run_env(
        &["init", "-input=false", "-force-copy", &s.init_args[0]],
        &env,
    )
    .expect(0);
    let (status, stored) = http(
        &moto_url(),
        "GET",
        &format!("/{}/stack/terraform.tfstate", bucket_of(&s)),
        &[],
        b"",
    );
    assert_eq!(status, 200);
    let stored: serde_json::Value = serde_json::from_slice(&stored).unwrap();
    assert_eq!(stored["lineage"], lineage);
    s.run(&w, &["plan", "-no-cost", "-detailed-exitcode"])
        .expect(0);
    // Back to the local backend: the block goes, init -migrate-state copies the state home.
    std::fs::remove_file(w.path().join("terraform.tfstate")).unwrap();
    w.write("main.tf", body);
    let plan = s.run(&w, &["plan", "-no-cost"]).expect(1);
    assert!(
        plan.stderr()
            .contains("Unsetting the previously set backend \"s3\""),
        "{}",
        plan.stderr()
    );
    w.run_env(
        &["init", "-input=false", "-migrate-state", "-force-copy"],
        &env,
    )
    .expect(0);
    assert_eq!(w.state()["lineage"], lineage);
    w.run(&["plan", "-no-cost", "-detailed-exitcode"]).expect(0);
}
