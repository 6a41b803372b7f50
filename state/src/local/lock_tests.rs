use super::*;
use crate::seams::lock_within;
use std::time::Duration;

fn store(dir: &Path) -> LocalStore {
    // Workspaces live under the test's directory, not the working directory's.
    LocalStore::new(dir.join("terraform.tfstate"))
        .with_workspace_dir(dir.join("terraform.tfstate.d"))
}

fn info(operation: &str) -> LockInfo {
    LockInfo::new(operation, "1.11.4")
}

/// A store in `dir` with its default workspace locked for an apply.
async fn locked(dir: &Path) -> (LocalStore, LockGuard) {
    let s = store(dir);
    let held = s
        .try_lock("default", &info("OperationTypeApply"))
        .await
        .unwrap();
    (s, held)
}

#[tokio::test]
async fn a_second_locker_sees_the_holder_until_it_lets_go() {
    let d = tempfile::tempdir().unwrap();
    let (s, held) = locked(d.path()).await;
    let t0 = std::time::Instant::now();
    let err = lock_within(
        &s,
        "default",
        &info("OperationTypePlan"),
        Duration::from_millis(200),
    )
    .await
    .err()
    .expect("locked");
    assert!(t0.elapsed() >= Duration::from_millis(200));
    let StateError::Locked(holder) = &err else {
        panic!("{err}")
    };
    assert_eq!(holder.id, held.id());
    assert_eq!(holder.operation, "OperationTypeApply");
    assert_eq!(
        holder.path,
        d.path().join("terraform.tfstate").to_string_lossy()
    );
    let text = err.to_string();
    assert!(
        text.contains("state is locked") && text.contains("Operation: OperationTypeApply"),
        "{text}"
    );
    // A waiter gets the lock once the holder lets go within the timeout.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        drop(held);
    });
    let got = lock_within(
        &s,
        "default",
        &info("OperationTypePlan"),
        Duration::from_secs(10),
    )
    .await;
    assert!(got.is_ok());
    release.await.unwrap();
}

#[tokio::test]
async fn force_unlock_needs_the_holders_id() {
    let d = tempfile::tempdir().unwrap();
    let s = store(d.path());
    assert!(matches!(
        s.unlock("default", "x").await,
        Err(StateError::NotLocked)
    ));
    let held = s
        .try_lock("default", &info("OperationTypeApply"))
        .await
        .unwrap();
    let id = held.id().to_string();
    // A holder that died keeps no OS lock, but its info file stays until force-unlock.
    std::mem::forget(held);
    let wrong = s.unlock("default", "wrong").await.unwrap_err();
    assert!(
        wrong
            .to_string()
            .contains("does not match existing lock ID"),
        "{wrong}"
    );
    s.unlock("default", &id).await.unwrap();
    assert!(!info_path(&d.path().join("terraform.tfstate")).exists());
}

#[tokio::test]
async fn nothing_is_left_beside_the_state_after_release() {
    let d = tempfile::tempdir().unwrap();
    let (s, held) = locked(d.path()).await;
    assert!(info_path(&d.path().join("terraform.tfstate")).exists());
    drop(held);
    let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // Workspaces lock separately.
    let a = s
        .try_lock("default", &info("OperationTypeApply"))
        .await
        .unwrap();
    let b = s
        .try_lock("staging", &info("OperationTypeApply"))
        .await
        .unwrap();
    assert_ne!(a.id(), b.id());
}

#[tokio::test]
async fn a_waiter_that_opened_the_removed_file_starts_over() {
    let d = tempfile::tempdir().unwrap();
    let (s, held) = locked(d.path()).await;
    let state = d.path().join("terraform.tfstate");
    let waiter = File::open(info_path(&state)).unwrap();
    assert!(lock_if_current(waiter.try_clone().unwrap(), &info_path(&state)).is_none());
    drop(held);
    // The OS lock on the removed file is free, but it no longer guards the state.
    assert!(matches!(
        lock_if_current(waiter, &info_path(&state)),
        Some(Err(()))
    ));
    assert!(s
        .try_lock("default", &info("OperationTypePlan"))
        .await
        .is_ok());
}

#[test]
fn removing_the_lock_file_on_release_never_lets_two_hold_it() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let d = tempfile::tempdir().unwrap();
    let s = store(d.path());
    let inside = AtomicUsize::new(0);
    let entries = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .unwrap();
                for _ in 0..40 {
                    let g = rt
                        .block_on(lock_within(
                            &s,
                            "default",
                            &info("OperationTypeApply"),
                            Duration::from_secs(30),
                        ))
                        .unwrap();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                    entries.fetch_add(1, Ordering::SeqCst);
                    std::thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                    drop(g);
                }
            });
        }
    });
    assert_eq!(entries.load(Ordering::SeqCst), 240);
    assert!(!info_path(&d.path().join("terraform.tfstate")).exists());
}
