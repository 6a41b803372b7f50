use super::*;
use crate::model::Document;
use crate::snapshots::Snapshots;

/// A test-only encryption stage: XOR with a key byte, behind a marker. Good enough to prove
/// that nothing reaches the disk without going through the stage.
struct Xor;

const MARK: &[u8] = b"XOR1";

impl Encryptor for Xor {
    fn encrypt(&self, plain: Vec<u8>) -> Result<Vec<u8>> {
        Ok(MARK
            .iter()
            .copied()
            .chain(plain.into_iter().map(|b| b ^ 0x5a))
            .collect())
    }
    fn decrypt(&self, stored: Vec<u8>) -> Result<Vec<u8>> {
        match stored.strip_prefix(MARK) {
            Some(rest) => Ok(rest.iter().map(|b| b ^ 0x5a).collect()),
            None => Err(StateError::Encryption("not encrypted with this key".into())),
        }
    }
}

fn snapshots(store: LocalStore, enc: Arc<dyn Encryptor>) -> Snapshots {
    Snapshots::new(Arc::new(store.with_encryptor(enc.clone())), enc)
}

fn doc() -> Document {
    Document::empty("1.11.4")
}

#[tokio::test]
async fn workspaces_are_read_written_listed_and_deleted_in_terraforms_layout() {
    let d = tempfile::tempdir().unwrap();
    let store = LocalStore::new(d.path().join("terraform.tfstate"))
        .with_workspace_dir(d.path().join(WORKSPACE_DIR));
    assert_eq!(store.list().await.unwrap(), vec!["default"]);
    assert!(store.read("default").await.unwrap().is_none());
    store
        .write("staging", b"{}", &Expected::default())
        .await
        .unwrap();
    store
        .write("dev", b"{}", &Expected::default())
        .await
        .unwrap();
    store
        .write("default", b"{}", &Expected::default())
        .await
        .unwrap();
    assert!(d
        .path()
        .join("terraform.tfstate.d/staging/terraform.tfstate")
        .is_file());
    assert_eq!(
        store.list().await.unwrap(),
        vec!["default", "dev", "staging"]
    );
    assert_eq!(store.read("dev").await.unwrap().unwrap(), b"{}");
    store.delete("dev").await.unwrap();
    assert!(store.read("dev").await.unwrap().is_none());
    assert_eq!(store.list().await.unwrap(), vec!["default", "staging"]);
    assert!(store.delete("default").await.is_err());
    for bad in ["", "..", "a/b"] {
        assert!(
            matches!(store.read(bad).await, Err(StateError::InvalidWorkspace(_))),
            "{bad}"
        );
    }
    // A file of whitespace is no state.
    std::fs::write(d.path().join("terraform.tfstate"), " \n").unwrap();
    assert!(store.read("default").await.unwrap().is_none());
}

#[tokio::test]
async fn writes_keep_a_backup_and_refuse_newer_or_foreign_state() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("terraform.tfstate");
    let snaps = snapshots(LocalStore::new(&path), Arc::new(Plaintext));
    let first = snaps
        .save("default", &mut doc(), &Expected::default())
        .await
        .unwrap();
    assert_eq!(first.serial, 1);
    let first_bytes = std::fs::read(&path).unwrap();
    let second = snaps
        .save("default", &mut doc(), &Expected::read(&first))
        .await
        .unwrap();
    assert_eq!((second.serial, &second.lineage), (2, &first.lineage));
    assert_eq!(
        std::fs::read(d.path().join("terraform.tfstate.backup")).unwrap(),
        first_bytes
    );
    // A writer that read serial 1 is now behind.
    let stale = snaps
        .save("default", &mut doc(), &Expected::read(&first))
        .await
        .unwrap_err();
    assert!(
        stale
            .to_string()
            .contains("updated by another process (serial 2 > 1)"),
        "{stale}"
    );
    let foreign = Expected {
        serial: 2,
        lineage: "OTHER".into(),
    };
    let err = snaps
        .save("default", &mut doc(), &foreign)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unrelated state"), "{err}");
    let loaded = snaps.load("default").await.unwrap().unwrap();
    assert_eq!((loaded.serial, loaded.lineage), (2, first.lineage));
}

#[tokio::test]
async fn with_encryption_no_snapshot_backup_or_journal_record_is_plaintext() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("terraform.tfstate");
    let enc: Arc<dyn Encryptor> = Arc::new(Xor);
    let store = Arc::new(LocalStore::new(&path).with_encryptor(enc.clone()));
    let snaps = Snapshots::new(store.clone(), enc);
    let one = snaps
        .save("default", &mut doc(), &Expected::default())
        .await
        .unwrap();
    snaps
        .save("default", &mut doc(), &Expected::read(&one))
        .await
        .unwrap();
    let journal = store.open_journal("default").unwrap();
    journal
        .append(br#"{"lineage":"L","resolved":"t"}"#)
        .unwrap();
    store
        .rewrite_journal("default", &[b"{\"kept\":1}".to_vec()])
        .unwrap();
    drop(journal);
    let journal = store.open_journal("default").unwrap();
    journal.append(b"{\"after\":2}").unwrap();
    for file in [
        "terraform.tfstate",
        "terraform.tfstate.backup",
        "terraform.tfstate.journal",
    ] {
        let bytes = std::fs::read(d.path().join(file)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("lineage") && !text.contains("kept") && !text.contains("after"),
            "{file}: {text}"
        );
    }
    // Read back through the stage, everything is there.
    assert_eq!(snaps.load("default").await.unwrap().unwrap().serial, 2);
    assert_eq!(
        store.read_journal("default").unwrap(),
        vec![b"{\"kept\":1}".to_vec(), b"{\"after\":2}".to_vec()]
    );
    // Without the key, reading fails with a clear error instead of misreading.
    let plain = Snapshots::new(Arc::new(LocalStore::new(&path)), Arc::new(Plaintext));
    let err = plain.load("default").await.unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    let wrong = LocalStore::new(&path).with_encryptor(Arc::new(Xor));
    std::fs::write(
        d.path().join("terraform.tfstate.journal"),
        crate::journal::frame(b"plain"),
    )
    .unwrap();
    assert!(matches!(
        wrong.read_journal("default"),
        Err(StateError::Encryption(_))
    ));
}

#[tokio::test]
async fn history_keeps_records_in_order_per_workspace_and_through_the_encryptor() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::new(dir.path().join("terraform.tfstate"))
        .with_workspace_dir(dir.path().join("terraform.tfstate.d"))
        .with_encryptor(Arc::new(Xor));
    assert!(store.history("default").await.unwrap().is_empty());
    store
        .append_history("default", b"{\"serial\":1}")
        .await
        .unwrap();
    store
        .append_history("default", b"{\"serial\":2}")
        .await
        .unwrap();
    store
        .append_history("dev", b"{\"serial\":7}")
        .await
        .unwrap();
    let got = store.history("default").await.unwrap();
    assert_eq!(
        got,
        vec![b"{\"serial\":1}".to_vec(), b"{\"serial\":2}".to_vec()]
    );
    assert_eq!(
        store.history("dev").await.unwrap(),
        vec![b"{\"serial\":7}".to_vec()]
    );
    let raw = std::fs::read(dir.path().join("terraform.tfstate.history")).unwrap();
    assert!(
        !raw.windows(6).any(|w| w == b"serial"),
        "stored in plaintext"
    );
    // A record torn by a crash is dropped; the ones before it stay.
    let path = dir.path().join("terraform.tfstate.history");
    std::fs::write(&path, &raw[..raw.len() - 3]).unwrap();
    assert_eq!(store.history("default").await.unwrap().len(), 1);
}

#[test]
fn sweeping_removes_only_the_temporary_files_of_dead_writers() {
    let d = tempfile::tempdir().unwrap();
    let store = LocalStore::new(d.path().join("terraform.tfstate"));
    let dead = d.path().join(".terraform.tfstate.tmp-4000000000");
    let alive = d
        .path()
        .join(format!(".terraform.tfstate.tmp-{}", std::process::id()));
    let other = d.path().join(".other.tmp-4000000000");
    for f in [&dead, &alive, &other] {
        std::fs::write(f, "x").unwrap();
    }
    store.sweep("default").unwrap();
    assert!(!dead.exists() && alive.exists() && other.exists());
}

/// A large plain state's stamp comes from its first bytes (a state whose `serial` sits past
/// them is still checked, from the whole file); the backup keeps the old bytes though the
/// new snapshot was streamed over it; a write whose producer fails leaves everything as it
/// was, temporary file included.
#[tokio::test]
async fn large_states_are_checked_by_their_head_and_streamed() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("terraform.tfstate");
    let store = LocalStore::new(&path);
    let pad = "x".repeat(3 * STAMP_PREFIX);
    let head_first = format!("{{\"version\": 4, \"serial\": 7, \"lineage\": \"L\", \"outputs\": {{\"o\": {{\"value\": \"{pad}\"}}}}}}\n");
    assert!(codec::stamp_of_prefix(&head_first.as_bytes()[..STAMP_PREFIX]).is_some());
    std::fs::write(&path, &head_first).unwrap();
    let behind = Expected {
        serial: 6,
        lineage: "L".into(),
    };
    let e = store.write("default", b"{}", &behind).await.unwrap_err();
    assert!(e.to_string().contains("serial 7 > 6"), "{e}");
    // `serial` after the padding: not in the head, found in the whole.
    let tail_last = format!("{{\"version\": 4, \"outputs\": {{\"o\": {{\"value\": \"{pad}\"}}}}, \"serial\": 7, \"lineage\": \"L\"}}\n");
    assert_eq!(
        codec::stamp_of_prefix(&tail_last.as_bytes()[..STAMP_PREFIX]),
        None
    );
    std::fs::write(&path, &tail_last).unwrap();
    let e = store.write("default", b"{}", &behind).await.unwrap_err();
    assert!(e.to_string().contains("serial 7 > 6"), "{e}");

    let current = Expected {
        serial: 7,
        lineage: "L".into(),
    };
    let fails = |w: &mut dyn Write| -> Result<()> {
        w.write_all(b"{\"partial\"")
            .map_err(|e| StateError::io("w", e))?;
        Err(StateError::Encryption("the producer failed".into()))
    };
    assert!(store
        .write_streamed("default", &fails, &current)
        .await
        .is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), tail_last);
    let debris = std::fs::read_dir(d.path()).unwrap().flatten();
    assert!(debris
        .into_iter()
        .all(|e| !e.file_name().to_string_lossy().contains(".tmp-")));

    let writes = |w: &mut dyn Write| {
        w.write_all(b"{\"new\": 1}\n")
            .map_err(|e| StateError::io("w", e))
    };
    store
        .write_streamed("default", &writes, &current)
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"new\": 1}\n");
    let backup = d.path().join("terraform.tfstate.backup");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), tail_last);
}
