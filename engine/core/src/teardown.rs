//! Freeing the walk's large intermediate data off the critical path.
//!
//! When a plan is finished, its graph, the values the walk bound and the dependency lists
//! are garbage: at a million resources, freeing them object by object took about 0.5 s, all
//! of it before the first line of the plan could be printed. [`drop_later`] hands such data
//! to one background thread that frees it while the caller goes on (printing, writing the
//! saved plan); whatever is still queued when the process exits is taken back by the kernel
//! at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

type Garbage = Box<dyn Send>;

/// The queue of the dropping thread, started on first use.
fn queue() -> Option<&'static Mutex<Sender<Garbage>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = channel::<Garbage>();
            let spawned = std::thread::Builder::new()
                .name("autostack-drop".into())
                .spawn(move || rx.into_iter().for_each(drop));
            spawned.ok().map(|_| Mutex::new(tx))
        })
        .as_ref()
}

/// Set once the process is known to end after the work in hand
/// (see [`leave_garbage_to_exit`]).
static GARBAGE_TO_EXIT: AtomicBool = AtomicBool::new(false);

/// Tells [`drop_later`] that the process exits once the current command is done (a `plan`
/// command): what it is handed is left to the exit, which takes the whole heap back at once,
/// instead of being freed object by object, a twentieth of a million-resource plan's CPU time.
/// Not for a process that goes on to other work, which would reuse what is freed.
pub fn leave_garbage_to_exit() {
    GARBAGE_TO_EXIT.store(true, Ordering::Relaxed);
}

/// Drops `value` on the background thread, or here when that thread cannot be started; after
/// [`leave_garbage_to_exit`], never.
pub fn drop_later<T: Send + 'static>(value: T) {
    if GARBAGE_TO_EXIT.load(Ordering::Relaxed) {
        std::mem::forget(value);
        return;
    }
    let sent = queue()
        .and_then(|q| q.lock().ok())
        .map(|tx| tx.send(Box::new(value)));
    if let Some(Err(returned)) = sent {
        drop(returned.0);
    }
}

// Tested in tests/teardown.rs, a process of its own: `leave_garbage_to_exit` is process-wide.
