//! `teardown`: what `drop_later` is handed is freed on another thread; once the process says
//! it ends after the work in hand (`leave_garbage_to_exit`), never. A test binary of its own,
//! since the switch is process-wide.

use autostack_core::teardown::{drop_later, leave_garbage_to_exit};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn after_leave_garbage_to_exit_garbage_is_never_freed() {
    let dropped = Arc::new(AtomicUsize::new(0));
    drop_later(Counted(dropped.clone()));
    let deadline = Instant::now() + Duration::from_secs(10);
    while dropped.load(Ordering::SeqCst) < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(dropped.load(Ordering::SeqCst), 1, "freed before the switch");
    leave_garbage_to_exit();
    drop_later(Counted(dropped.clone()));
    drop_later(Counted(dropped.clone()));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(dropped.load(Ordering::SeqCst), 1, "nothing freed after it");
}
