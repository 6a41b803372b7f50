//! The pg backend against a real PostgreSQL server: Terraform's schema, table, rows and
//! advisory locks, the overwrite rules, workspaces, lock holders and force-unlock.
#![cfg(feature = "pg")]

mod support;

use autostack_state::backends::{open, OpenOptions, Storage};
use autostack_state::rules::Expected;
use autostack_state::{codec, LockInfo, Plaintext, StateError};
use serde_json::json;
use std::sync::Arc;
use support::pg::{pg_conn_str, unique_schema};

async fn backend(schema: &str) -> Storage {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let config = json!({"conn_str": pg_conn_str(), "schema_name": schema});
    let opts = OpenOptions {
        encryptor: Arc::new(Plaintext),
        data_dir: dir.join(".terraform"),
    };
    open("pg", config.as_object().expect("object"), &opts)
        .await
        .expect("open pg")
}

async fn raw() -> tokio_postgres::Client {
    let (c, conn) = tokio_postgres::connect(&pg_conn_str(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    c
}

fn doc(serial: u64, lineage: &str) -> Vec<u8> {
    let mut d = autostack_state::model::Document::empty("1.11.4");
    d.serial = serial;
    d.lineage = lineage.into();
    codec::encode(&d).expect("encode")
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_live_in_terraforms_table_and_writes_keep_history_linear() {
    let schema = unique_schema("layout");
    let b = backend(&schema).await;
    assert_eq!(b.store.read("default").await.unwrap(), None);
    let first = doc(1, "L");
    b.store
        .write("default", &first, &Expected::default())
        .await
        .unwrap();
    let c = raw().await;
    let row = c
        .query_one(
            &format!("SELECT id, name, data FROM \"{schema}\".states"),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(1), "default");
    assert_eq!(row.get::<_, String>(2).as_bytes(), &first[..]);
    let index = c
        .query_one("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'states_by_name'", &[&schema])
        .await
        .unwrap();
    assert_eq!(index.get::<_, i64>(0), 1);
    let read = Expected {
        serial: 1,
        lineage: "L".into(),
    };
    b.store.write("default", &doc(2, "L"), &read).await.unwrap();
    // A writer that read serial 1 no longer may write: serial 2 is newer.
    let mut other = autostack_state::model::Document::empty("1.12.0");
    other.serial = 2;
    other.lineage = "L".into();
    let other = codec::encode(&other).unwrap();
    let stale = b.store.write("default", &other, &read).await.unwrap_err();
    assert!(
        matches!(stale, StateError::NewerSerial { stored: 2, .. }),
        "{stale}"
    );
    let foreign = Expected {
        serial: 2,
        lineage: "other".into(),
    };
    let e = b
        .store
        .write("default", &doc(3, "other"), &foreign)
        .await
        .unwrap_err();
    assert!(matches!(e, StateError::ForeignLineage { .. }), "{e}");
    assert_eq!(b.store.read("default").await.unwrap(), Some(doc(2, "L")));
}

#[tokio::test(flavor = "multi_thread")]
async fn workspaces_are_rows() {
    let schema = unique_schema("ws");
    let b = backend(&schema).await;
    assert_eq!(b.store.list().await.unwrap(), vec!["default"]);
    b.store
        .write("zeta", &doc(1, "Z"), &Expected::default())
        .await
        .unwrap();
    b.store
        .write("alpha", &doc(1, "A"), &Expected::default())
        .await
        .unwrap();
    assert_eq!(
        b.store.list().await.unwrap(),
        vec!["default", "alpha", "zeta"]
    );
    b.store.delete("zeta").await.unwrap();
    assert_eq!(b.store.list().await.unwrap(), vec!["default", "alpha"]);
    let e = b.store.delete("default").await.unwrap_err();
    assert_eq!(e.to_string(), "can't delete default state");
}

#[tokio::test(flavor = "multi_thread")]
async fn locks_exclude_each_other_name_the_holder_and_force_unlock_ends_its_session() {
    let schema = unique_schema("lock");
    let a = backend(&schema).await;
    let b = backend(&schema).await;
    a.store
        .write("default", &doc(1, "L"), &Expected::default())
        .await
        .unwrap();
    let info = LockInfo::new("OperationTypeApply", "1.11.4");
    let held = a.locker.try_lock("default", &info).await.unwrap();
    let e = b
        .locker
        .try_lock("default", &LockInfo::new("OperationTypePlan", "1.11.4"))
        .await
        .err()
        .expect("locked");
    let StateError::Locked(holder) = e else {
        panic!("{e}")
    };
    assert_eq!(holder.id, info.id);
    assert_eq!(holder.operation, "OperationTypeApply");
    assert_eq!(holder.who, info.who);
    // Another workspace is not locked by it. (Locking a workspace that has no row yet also
    // takes the database-wide creation lock, -1, as Terraform's pg backend does; another test
    // creating a workspace in the same database holds it for a moment: wait that out.)
    let other = loop {
        match b.locker.try_lock("staging", &info).await {
            Err(StateError::Locked(h)) if h.path.ends_with("advisory lock -1") => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await
            }
            r => break r.unwrap(),
        }
    };
    other.release().await.unwrap();
    held.release().await.unwrap();
    let again = b.locker.try_lock("default", &info).await.unwrap();
    // force-unlock with the wrong ID is refused; with the right one the holder's session ends.
    let e = a.locker.unlock("default", "nope").await.unwrap_err();
    assert!(matches!(e, StateError::LockIdMismatch { .. }), "{e}");
    a.locker.unlock("default", again.id()).await.unwrap();
    // The terminated session's locks go when the server has ended it (not instantly).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let after = loop {
        match a.locker.try_lock("default", &info).await {
            Ok(g) => break g,
            Err(StateError::Locked(_)) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await
            }
            Err(e) => panic!("the lock never came free: {e}"),
        }
    };
    drop(again);
    after.release().await.unwrap();
    assert!(matches!(
        a.locker.unlock("default", "x").await,
        Err(StateError::NotLocked)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn terraforms_advisory_lock_keeps_us_out() {
    // Terraform's pg backend locks the row's id with pg_try_advisory_lock on its session.
    let schema = unique_schema("tf");
    let b = backend(&schema).await;
    b.store
        .write("default", &doc(1, "L"), &Expected::default())
        .await
        .unwrap();
    let terraform = raw().await;
    let q = format!("SELECT states.id, pg_try_advisory_lock(states.id), pg_try_advisory_lock(-1) FROM \"{schema}\".states WHERE states.name = $1");
    let row = terraform.query_one(&q, &[&"default"]).await.unwrap();
    assert!(row.get::<_, bool>(1));
    terraform
        .query_one("SELECT pg_advisory_unlock(-1)", &[])
        .await
        .unwrap();
    let e = b
        .locker
        .try_lock("default", &LockInfo::new("OperationTypeApply", "1.11.4"))
        .await
        .err()
        .expect("Terraform holds it");
    let StateError::Locked(holder) = e else {
        panic!("{e}")
    };
    assert!(holder.id.starts_with("pg-backend-"), "{holder:?}");
    assert!(holder.who.starts_with("postgres@"), "{holder:?}");
    drop(terraform);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let g = b
        .locker
        .try_lock("default", &LockInfo::new("OperationTypeApply", "1.11.4"))
        .await
        .unwrap();
    g.release().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_momentary_creation_lock_is_waited_out_not_reported() {
    // Every lock attempt (ours and Terraform's) takes the creation key -1 for a moment, and
    // creating a workspace holds it for one insert: a lock of an existing workspace that
    // meets it busy waits it out instead of failing or naming a holder that has gone.
    let schema = unique_schema("churn");
    let b = backend(&schema).await;
    b.store
        .write("default", &doc(1, "L"), &Expected::default())
        .await
        .unwrap();
    let creator = raw().await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut held = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                creator
                    .query_one("SELECT pg_advisory_lock(-1)", &[])
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
                creator
                    .query_one("SELECT pg_advisory_unlock(-1)", &[])
                    .await
                    .unwrap();
                held += 1;
                tokio::time::sleep(std::time::Duration::from_millis(15)).await;
            }
            held
        }
    });
    let info = LockInfo::new("OperationTypeApply", "1.11.4");
    for _ in 0..40 {
        let g = b.locker.try_lock("default", &info).await.unwrap();
        g.release().await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(churn.await.unwrap() > 0);
}
