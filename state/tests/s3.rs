//! The s3 backend against moto: Terraform's object layout, the `KEY.tflock` object lock
//! (If-None-Match), the DynamoDB lock item and the `KEY-md5` digest item, both lock styles
//! at once, and the lock info JSON as Terraform writes it.
#![cfg(feature = "s3")]

mod support;

use autostack_state::backends::{open, OpenOptions, Storage};
use autostack_state::rules::Expected;
use autostack_state::{codec, LockInfo, Plaintext, StateError};
use serde_json::{json, Value};
use std::sync::Arc;
use support::moto::{create_bucket, create_lock_table, http, lock_item, moto_url, unique};

async fn backend(extra: Value) -> (Storage, String) {
    let url = moto_url();
    let bucket = unique("bk");
    create_bucket(&url, &bucket);
    let mut config = json!({
        "bucket": bucket, "key": "team/terraform.tfstate", "region": "us-east-1",
        "access_key": "testing", "secret_key": "testing", "use_path_style": true,
        "skip_credentials_validation": true,
        "endpoints": {"s3": url, "dynamodb": url, "sts": url},
    });
    for (k, v) in extra.as_object().expect("object") {
        config[k] = v.clone();
    }
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let opts = OpenOptions {
        encryptor: Arc::new(Plaintext),
        data_dir: dir.join(".terraform"),
    };
    let storage = open("s3", config.as_object().expect("object"), &opts)
        .await
        .expect("open s3");
    (storage, bucket)
}

fn doc(serial: u64, lineage: &str) -> Vec<u8> {
    let mut d = autostack_state::model::Document::empty("1.11.4");
    d.serial = serial;
    d.lineage = lineage.into();
    codec::encode(&d).expect("encode")
}

fn get(bucket: &str, key: &str) -> (u16, Vec<u8>) {
    http(&moto_url(), "GET", &format!("/{bucket}/{key}"), &[], b"")
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_are_where_terraform_puts_them() {
    let (b, bucket) = backend(json!({})).await;
    b.store
        .write("default", &doc(1, "L"), &Expected::default())
        .await
        .unwrap();
    b.store
        .write("dev", &doc(1, "D"), &Expected::default())
        .await
        .unwrap();
    assert_eq!(get(&bucket, "team/terraform.tfstate"), (200, doc(1, "L")));
    assert_eq!(
        get(&bucket, "env:/dev/team/terraform.tfstate"),
        (200, doc(1, "D"))
    );
    assert_eq!(b.store.list().await.unwrap(), vec!["default", "dev"]);
    let stale = Expected {
        serial: 0,
        lineage: "L".into(),
    };
    let e = b
        .store
        .write("default", &doc(1, "L"), &stale)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StateError::NewerSerial { stored: 1, .. }),
        "{e}"
    );
    let foreign = Expected {
        serial: 1,
        lineage: "other".into(),
    };
    let e = b
        .store
        .write("default", &doc(2, "other"), &foreign)
        .await
        .unwrap_err();
    assert!(matches!(e, StateError::ForeignLineage { .. }), "{e}");
    b.store.delete("dev").await.unwrap();
    assert_eq!(get(&bucket, "env:/dev/team/terraform.tfstate").0, 404);
    assert_eq!(b.store.list().await.unwrap(), vec!["default"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lock_file_is_written_only_if_absent() {
    let (b, bucket) = backend(json!({"use_lockfile": true})).await;
    let info = LockInfo::new("OperationTypeApply", "1.11.4");
    let held = b.locker.try_lock("default", &info).await.unwrap();
    let (status, body) = get(&bucket, "team/terraform.tfstate.tflock");
    assert_eq!(status, 200);
    let on_disk: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(on_disk["ID"], info.id.as_str());
    assert_eq!(on_disk["Operation"], "OperationTypeApply");
    assert_eq!(on_disk["Path"], format!("{bucket}/team/terraform.tfstate"));
    for field in ["Info", "Who", "Version", "Created"] {
        assert!(on_disk.get(field).is_some(), "{field} in {on_disk}");
    }
    let e = b
        .locker
        .try_lock("default", &LockInfo::new("OperationTypePlan", "1.11.4"))
        .await
        .err()
        .expect("held");
    let StateError::Locked(holder) = e else {
        panic!("{e}")
    };
    assert_eq!(holder.id, info.id);
    let e = b.locker.unlock("default", "other").await.unwrap_err();
    assert!(matches!(e, StateError::LockIdMismatch { .. }), "{e}");
    held.release().await.unwrap();
    assert_eq!(get(&bucket, "team/terraform.tfstate.tflock").0, 404);
    // A lock another process left behind goes with force-unlock by its ID.
    let left = b.locker.try_lock("default", &info).await.unwrap();
    std::mem::forget(left);
    b.locker.unlock("default", &info.id).await.unwrap();
    assert_eq!(get(&bucket, "team/terraform.tfstate.tflock").0, 404);
}

/// The lock object a process wrote is deleted by its ETag: after a `force-unlock` and a
/// lock by another, the first holder's release is refused and the other's lock stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_release_deletes_only_the_lock_object_it_wrote() {
    let (b, bucket) = backend(json!({"use_lockfile": true})).await;
    let mine = LockInfo::new("OperationTypeApply", "1.11.4");
    let held = b.locker.try_lock("default", &mine).await.unwrap();
    b.locker.unlock("default", &mine.id).await.unwrap();
    let theirs = LockInfo::new("OperationTypeApply", "1.11.4");
    let other = b.locker.try_lock("default", &theirs).await.unwrap();
    let e = held.release().await.unwrap_err();
    assert!(matches!(e, StateError::LockIdMismatch { .. }), "{e}");
    let (status, body) = get(&bucket, "team/terraform.tfstate.tflock");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains(&theirs.id));
    other.release().await.unwrap();
    assert_eq!(get(&bucket, "team/terraform.tfstate.tflock").0, 404);
}

/// Credentials are checked through STS beside the first requests: with STS answering, a
/// lock, a write and a release work; with STS unreachable, the lock is refused with the
/// check's error and no lock object is left behind.
#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_checked_beside_the_first_requests() {
    let url = moto_url();
    let (b, bucket) =
        backend(json!({"use_lockfile": true, "skip_credentials_validation": false})).await;
    let held = b
        .locker
        .try_lock("default", &LockInfo::new("OperationTypeApply", "1.11.4"))
        .await
        .unwrap();
    b.store
        .write("default", &doc(1, "L"), &Expected::default())
        .await
        .unwrap();
    held.release().await.unwrap();
    assert_eq!(get(&bucket, "team/terraform.tfstate").0, 200);

    let no_sts = json!({"use_lockfile": true, "skip_credentials_validation": false,
        "endpoints": {"s3": url, "dynamodb": url, "sts": "http://127.0.0.1:9"}, "max_retries": 0});
    let (b, bucket) = backend(no_sts).await;
    let e = b
        .locker
        .try_lock("default", &LockInfo::new("OperationTypeApply", "1.11.4"))
        .await
        .err()
        .expect("refused");
    assert!(
        e.to_string()
            .contains("retrieving caller identity from STS"),
        "{e}"
    );
    assert_eq!(get(&bucket, "team/terraform.tfstate.tflock").0, 404);
    let e = b.store.read("default").await.unwrap_err();
    assert!(
        e.to_string()
            .contains("retrieving caller identity from STS"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamodb_holds_the_lock_item_and_the_digest() {
    let table = unique("locks");
    create_lock_table(&moto_url(), &table);
    let (b, bucket) = backend(json!({"dynamodb_table": table, "use_lockfile": true})).await;
    let info = LockInfo::new("OperationTypeApply", "1.11.4");
    let held = b.locker.try_lock("default", &info).await.unwrap();
    let lock_id = format!("{bucket}/team/terraform.tfstate");
    let item = lock_item(&moto_url(), &table, &lock_id);
    let stored: Value = serde_json::from_str(item["Info"]["S"].as_str().unwrap()).unwrap();
    assert_eq!(stored["ID"], info.id.as_str());
    assert_eq!(
        get(&bucket, "team/terraform.tfstate.tflock").0,
        200,
        "both styles at once"
    );
    let state = doc(1, "L");
    b.store
        .write("default", &state, &Expected::default())
        .await
        .unwrap();
    let digest = lock_item(&moto_url(), &table, &format!("{lock_id}-md5"));
    use md5::Digest;
    assert_eq!(digest["Digest"]["S"], hex::encode(md5::Md5::digest(&state)));
    assert_eq!(b.store.read("default").await.unwrap(), Some(state));
    held.release().await.unwrap();
    assert!(lock_item(&moto_url(), &table, &lock_id).is_null());
    assert_eq!(get(&bucket, "team/terraform.tfstate.tflock").0, 404);
}
