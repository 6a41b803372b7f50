//! The azurerm backend against Azurite: Terraform's blob names and lease lock with the lock
//! info in `terraformlockid` metadata, serial/lineage refusals, workspaces, force-unlock,
//! racing lockers, and a proxy that fails one request in five.
#![cfg(feature = "azurerm")]

mod support;

use autostack_state::azurerm::{AzurermSettings, AzurermStore};
use autostack_state::rules::Expected;
use autostack_state::{LockInfo, Locker, StateError, StateStore};
use azure_storage::StorageCredentials;
use azure_storage_blobs::prelude::{ClientBuilder, ContainerClient};
use base64::Engine;
use std::sync::Arc;

const KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn client(url: &str, container: &str) -> ContainerClient {
    ClientBuilder::new(
        "devstoreaccount1",
        StorageCredentials::access_key("devstoreaccount1", KEY),
    )
    .cloud_location(azure_storage::CloudLocation::Custom {
        account: "devstoreaccount1".into(),
        uri: url.into(),
    })
    .container_client(container)
}

async fn container(url: &str) -> String {
    let name = support::unique("tf");
    client(url, &name).create().await.expect("create container");
    name
}

fn store(url: &str, container: &str, key: &str) -> Arc<AzurermStore> {
    let settings = AzurermSettings {
        storage_account_name: "devstoreaccount1".into(),
        container_name: container.into(),
        key: key.into(),
        access_key: Some(KEY.into()),
        blob_endpoint: Some(url.into()),
        ..AzurermSettings::default()
    };
    Arc::new(AzurermStore::new(&settings).expect("store"))
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

#[tokio::test(flavor = "multi_thread")]
async fn states_are_the_blobs_terraform_names_and_newer_or_foreign_state_is_kept() {
    let url = support::azurite_url();
    let c = container(&url).await;
    let s = store(&url, &c, "prod.terraform.tfstate");
    assert_eq!(s.read("default").await.unwrap(), None);
    s.write("default", &state(1, "L"), &Expected::default())
        .await
        .unwrap();
    s.write("default", &state(2, "L"), &expected(1, "L"))
        .await
        .unwrap();
    s.write("dev", &state(1, "D"), &Expected::default())
        .await
        .unwrap();
    let raw = client(&url, &c);
    let default = raw
        .blob_client("prod.terraform.tfstate")
        .get_content()
        .await
        .unwrap();
    assert_eq!(default, state(2, "L"));
    let dev = raw
        .blob_client("prod.terraform.tfstateenv:dev")
        .get_content()
        .await
        .unwrap();
    assert_eq!(dev, state(1, "D"));
    let newer = s
        .write("default", &state(3, "L"), &expected(1, "L"))
        .await
        .unwrap_err();
    assert!(
        matches!(newer, StateError::NewerSerial { stored: 2, .. }),
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
    assert_eq!(s.list().await.unwrap(), ["default", "dev"]);
    s.delete("dev").await.unwrap();
    assert_eq!(s.list().await.unwrap(), ["default"]);
    assert!(s.delete("default").await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lock_is_a_lease_with_terraforms_metadata_and_names_its_holder() {
    let url = support::azurite_url();
    let c = container(&url).await;
    let s = store(&url, &c, "app.tfstate");
    let info = LockInfo::new("OperationTypeApply", "1.11.4");
    let guard = s.try_lock("default", &info).await.unwrap();
    assert_eq!(guard.id(), info.id, "the lease ID is the lock ID");
    let props = client(&url, &c)
        .blob_client("app.tfstate")
        .get_properties()
        .await
        .unwrap();
    assert_eq!(
        props.blob.properties.lease_status,
        Some(azure_core::LeaseStatus::Locked)
    );
    let meta = props.blob.metadata.unwrap_or_default();
    let json = base64::engine::general_purpose::STANDARD
        .decode(&meta["terraformlockid"])
        .unwrap();
    let written: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(written["ID"], info.id.as_str());
    assert_eq!(written["Path"], format!("{c}/app.tfstate"));
    // The holder writes under its lease; a reader reads; an empty leased blob is no state.
    assert_eq!(s.read("default").await.unwrap(), None);
    s.write("default", &state(1, "L"), &Expected::default())
        .await
        .unwrap();
    let other = store(&url, &c, "app.tfstate");
    let held = other
        .try_lock("default", &LockInfo::new("OperationTypePlan", "1"))
        .await
        .err()
        .expect("held");
    let StateError::Locked(holder) = &held else {
        panic!("{held}")
    };
    assert_eq!(holder.id, info.id);
    assert!(held.to_string().contains("OperationTypeApply"), "{held}");
    let unleased = other
        .write("default", &state(2, "L"), &expected(1, "L"))
        .await;
    assert!(unleased.is_err(), "a writer without the lease is refused");
    drop(guard);
    let props = client(&url, &c)
        .blob_client("app.tfstate")
        .get_properties()
        .await
        .unwrap();
    assert_ne!(
        props.blob.properties.lease_status,
        Some(azure_core::LeaseStatus::Locked)
    );
    assert!(!props
        .blob
        .metadata
        .unwrap_or_default()
        .contains_key("terraformlockid"));
    drop(
        other
            .try_lock("default", &LockInfo::new("OperationTypePlan", "1"))
            .await
            .unwrap(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn force_unlock_checks_the_id_and_lockers_racing_have_one_winner() {
    let url = support::azurite_url();
    let c = container(&url).await;
    let s = store(&url, &c, "race.tfstate");
    assert!(matches!(
        s.unlock("default", &uuid::Uuid::new_v4().to_string()).await,
        Err(StateError::NotLocked)
    ));
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let s = store(&url, &c, "race.tfstate");
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
    let holder = s.lock_holder("default").await.unwrap().expect("a holder");
    let wrong = s
        .unlock("default", &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, StateError::LockIdMismatch { .. }),
        "{wrong}"
    );
    s.unlock("default", &holder.id).await.unwrap();
    drop(
        s.try_lock("default", &LockInfo::new("next", "1"))
            .await
            .unwrap(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn through_a_proxy_failing_one_request_in_five_every_operation_finishes() {
    let url = support::azurite_url();
    let c = container(&url).await;
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let (proxy, counts) = support::proxy::start(authority).await;
    let s = store(
        &format!("http://{proxy}/devstoreaccount1"),
        &c,
        "flaky.tfstate",
    );
    let mut expect = Expected::default();
    for serial in 1..=8 {
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
    let failed = counts.failed.load(std::sync::atomic::Ordering::SeqCst);
    assert!(failed >= 5, "the proxy failed {failed} requests");
}
