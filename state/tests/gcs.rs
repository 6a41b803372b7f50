//! The gcs backend against fake-gcs-server: Terraform's object layout and lock file, serial
//! and lineage refusals, workspaces, locks (held-by errors, force-unlock, two lockers
//! racing), and a proxy that fails one request in five.
#![cfg(feature = "gcs")]

mod support;

use autostack_state::gcs::{GcsSettings, GcsStore};
use autostack_state::rules::Expected;
use autostack_state::{LockInfo, Locker, StateError, StateStore};
use std::sync::Arc;

async fn bucket(base: &str) -> String {
    let name = support::unique("tf");
    let resp = reqwest::Client::new()
        .post(format!("{base}/storage/v1/b?project=test"))
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .expect("create bucket");
    assert!(resp.status().is_success(), "{}", resp.status());
    name
}

async fn store(endpoint: &str, bucket: &str, prefix: &str) -> Arc<GcsStore> {
    let settings = GcsSettings {
        bucket: bucket.into(),
        prefix: prefix.into(),
        storage_custom_endpoint: Some(format!("{endpoint}/storage/v1/")),
        ..GcsSettings::default()
    };
    Arc::new(GcsStore::new(&settings).await.expect("store"))
}

fn state(serial: u64, lineage: &str) -> Vec<u8> {
    format!("{{\"version\":4,\"terraform_version\":\"1.11.4\",\"serial\":{serial},\"lineage\":\"{lineage}\",\"outputs\":{{}},\"resources\":[]}}").into_bytes()
}

fn expected(serial: u64, lineage: &str) -> Expected {
    Expected {
        serial,
        lineage: lineage.into(),
    }
}

async fn object(base: &str, bucket: &str, name: &str) -> Option<(Vec<u8>, String)> {
    let url = format!(
        "{base}/storage/v1/b/{bucket}/o/{}?alt=media",
        name.replace('/', "%2F")
    );
    let resp = reqwest::get(url).await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let generation = resp
        .headers()
        .get("x-goog-generation")
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    Some((resp.bytes().await.ok()?.to_vec(), generation))
}

#[tokio::test(flavor = "multi_thread")]
async fn states_are_kept_where_terraform_keeps_them_and_never_overwritten_when_newer_or_foreign() {
    let base = support::fake_gcs_url();
    let b = bucket(&base).await;
    let s = store(&base, &b, "/team/app").await;
    assert_eq!(s.read("default").await.unwrap(), None);
    s.write("default", &state(1, "L"), &Expected::default())
        .await
        .unwrap();
    s.write("default", &state(2, "L"), &expected(1, "L"))
        .await
        .unwrap();
    let (stored, _) = object(&base, &b, "team/app/default.tfstate")
        .await
        .expect("Terraform's object name");
    assert_eq!(stored, state(2, "L"));
    assert_eq!(s.read("default").await.unwrap(), Some(state(2, "L")));
    assert_eq!(
        s.location("default"),
        format!("gs://{b}/team/app/default.tfstate")
    );
    let newer = s
        .write("default", &state(3, "L"), &expected(1, "L"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            newer,
            StateError::NewerSerial {
                stored: 2,
                expected: 1,
                ..
            }
        ),
        "{newer}"
    );
    let foreign = s
        .write("default", &state(3, "M"), &expected(2, "M"))
        .await
        .unwrap_err();
    assert!(
        matches!(foreign, StateError::ForeignLineage { .. }),
        "{foreign}"
    );
    assert_eq!(s.read("default").await.unwrap(), Some(state(2, "L")));
}

#[tokio::test(flavor = "multi_thread")]
async fn workspaces_are_listed_and_deleted_as_terraform_does() {
    let base = support::fake_gcs_url();
    let b = bucket(&base).await;
    let s = store(&base, &b, "env").await;
    assert_eq!(s.list().await.unwrap(), ["default"]);
    for ws in ["prod", "dev"] {
        s.write(ws, &state(1, ws), &Expected::default())
            .await
            .unwrap();
    }
    // An object deeper under the prefix is no workspace.
    let other = store(&base, &b, "env/nested").await;
    other
        .write("deep", &state(1, "x"), &Expected::default())
        .await
        .unwrap();
    assert_eq!(s.list().await.unwrap(), ["default", "dev", "prod"]);
    assert!(object(&base, &b, "env/dev.tfstate").await.is_some());
    s.delete("dev").await.unwrap();
    assert_eq!(s.list().await.unwrap(), ["default", "prod"]);
    assert!(s
        .delete("default")
        .await
        .unwrap_err()
        .to_string()
        .contains("cowardly refusing"));
    assert!(matches!(
        s.read("a/b").await,
        Err(StateError::InvalidWorkspace(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lock_is_terraforms_lock_object_and_names_its_holder() {
    let base = support::fake_gcs_url();
    let b = bucket(&base).await;
    let s = store(&base, &b, "app").await;
    let info = LockInfo::new("OperationTypeApply", "1.11.4");
    let guard = s.try_lock("default", &info).await.unwrap();
    let (json, generation) = object(&base, &b, "app/default.tflock")
        .await
        .expect("lock object");
    assert_eq!(guard.id(), generation, "the lock's ID is its generation");
    let written: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let keys: Vec<&String> = written.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "ID",
            "Operation",
            "Info",
            "Who",
            "Version",
            "Created",
            "Path"
        ]
    );
    assert_eq!(written["Path"], format!("gs://{b}/app/default.tflock"));
    assert_eq!(written["Operation"], "OperationTypeApply");
    let other = LockInfo::new("OperationTypePlan", "1.11.4");
    let held = s.try_lock("default", &other).await.err().expect("held");
    let StateError::Locked(holder) = &held else {
        panic!("{held}")
    };
    assert_eq!(holder.id, generation);
    assert_eq!(holder.who, info.who);
    assert!(held.to_string().contains("OperationTypeApply"), "{held}");
    // Other workspaces are not locked by it.
    drop(s.try_lock("prod", &other).await.unwrap());
    drop(guard);
    assert!(
        object(&base, &b, "app/default.tflock").await.is_none(),
        "released on drop"
    );
    drop(s.try_lock("default", &other).await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn force_unlock_takes_the_generation_and_checks_it() {
    let base = support::fake_gcs_url();
    let b = bucket(&base).await;
    let s = store(&base, &b, "").await;
    assert!(matches!(
        s.unlock("default", "1").await,
        Err(StateError::NotLocked)
    ));
    let guard = s
        .try_lock("default", &LockInfo::new("OperationTypeApply", "1"))
        .await
        .unwrap();
    let id = guard.id().to_string();
    std::mem::forget(guard); // a killed holder releases nothing
    let wrong = s.unlock("default", "12345").await.unwrap_err();
    assert!(
        matches!(wrong, StateError::LockIdMismatch { .. }),
        "{wrong}"
    );
    assert!(s
        .unlock("default", "abc")
        .await
        .unwrap_err()
        .to_string()
        .contains("numerical"));
    s.unlock("default", &id).await.unwrap();
    assert!(object(&base, &b, "default.tflock").await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn of_lockers_racing_exactly_one_wins() {
    let base = support::fake_gcs_url();
    let b = bucket(&base).await;
    let s = store(&base, &b, "race").await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                let info = LockInfo::new(&format!("op{i}"), "1");
                s.try_lock("default", &info)
                    .await
                    .map(std::mem::forget)
                    .is_ok()
            })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        winners += usize::from(t.await.unwrap());
    }
    assert_eq!(winners, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn through_a_proxy_failing_one_request_in_five_every_operation_finishes() {
    let base = support::fake_gcs_url();
    let b = bucket(&base).await;
    let (proxy, counts) =
        support::proxy::start(base.trim_start_matches("http://").to_string()).await;
    let s = store(&format!("http://{proxy}"), &b, "flaky").await;
    let mut expect = Expected::default();
    for serial in 1..=10 {
        let guard = s
            .try_lock("default", &LockInfo::new("OperationTypeApply", "1"))
            .await
            .unwrap();
        s.write("default", &state(serial, "L"), &expect)
            .await
            .unwrap();
        assert_eq!(s.read("default").await.unwrap(), Some(state(serial, "L")));
        drop(guard);
        expect = expected(serial, "L");
    }
    s.write("ws", &state(1, "W"), &Expected::default())
        .await
        .unwrap();
    assert_eq!(s.list().await.unwrap(), ["default", "ws"]);
    s.delete("ws").await.unwrap();
    assert_eq!(s.list().await.unwrap(), ["default"]);
    let failed = counts.failed.load(std::sync::atomic::Ordering::SeqCst);
    assert!(failed >= 5, "the proxy failed {failed} requests");
}
