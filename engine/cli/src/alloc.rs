//! The allocator: mimalloc, told to keep the memory it frees.
//!
//! Parsing and planning allocate many small objects, and mimalloc makes that markedly faster
//! than the system allocator. By default it hands pages freed for a second back to the OS and
//! faults them in again (zeroed by the kernel) when the next phase allocates: a plan of
//! 100,000 resources spent a third of its time clearing pages (3.3 s → 1.8 s without
//! purging). A command is a short-lived process, so AutoStack keeps freed pages for reuse
//! and returns everything at exit. Arenas are committed as they are used, not eagerly: eager
//! commit put a migration's object copy at 155 MiB peak instead of 131 MiB, and a 100,000
//! resource plan at 669 MB instead of 636 MB, for no gain in time. `MIMALLOC_PURGE_DELAY` and
//! `MIMALLOC_ARENA_EAGER_COMMIT` in the environment still win.

/// The global allocator (the system's with the `system-alloc` feature, for heap profilers
/// such as heaptrack, which see only `malloc`).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`'s index in mimalloc v3's `mi_option_t` (libmimalloc-sys 0.1.49
/// lists v2's numbering, so the index is stated here and checked by a test).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_arena_eager_commit`'s index in v3's `mi_option_t` (checked by a test too).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Leaves `value` to the process's exit instead of freeing it object by object. A command's
/// plan is its largest data and it exits once it has reported: freeing a
/// million-resource plan took 0.47 s after the last line was printed, where the kernel takes
/// the whole heap back at exit at once. Only for plain data, never for anything whose drop
/// releases a lock, ends a session, flushes a file or stops a provider.
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Turns page purging and eager arena commit off unless the environment sets them.
pub fn keep_freed_pages() {
    if cfg!(feature = "system-alloc") {
        return;
    }
    for (option, name, value) in [
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", -1),
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
    ] {
        if std::env::var_os(name).is_none() {
            // SAFETY: setting an option is a plain store mimalloc allows at any time.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(feature = "system-alloc"))]
    fn the_indexes_are_the_options_of_the_linked_mimalloc() {
        // v3's purge delay defaults to 1000 ms, and no other option of v3 does; its arena
        // eager commit defaults to 2 ("when overcommit is on"), the only option that does.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
            || std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_some()
        {
            return;
        }
        // SAFETY: reading an option is a plain load.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(
            get(PURGE_DELAY),
            1000,
            "mi_option_t index {PURGE_DELAY} is not purge_delay"
        );
        assert_eq!(
            get(ARENA_EAGER_COMMIT),
            2,
            "mi_option_t index {ARENA_EAGER_COMMIT} is not arena_eager_commit"
        );
        keep_freed_pages();
        assert_eq!(get(PURGE_DELAY), -1);
        assert_eq!(get(ARENA_EAGER_COMMIT), 0);
    }
}
