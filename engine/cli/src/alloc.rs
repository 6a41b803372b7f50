//! The allocator: mimalloc, told to keep the memory it frees and to use small pages.
//!
//! Parsing and planning allocate many small objects, and mimalloc makes that markedly faster
//! than the system allocator. By default it hands pages freed for a second back to the OS and
//! faults them in again (zeroed by the kernel) when the next phase allocates: a plan of
//! 100,000 resources spent a third of its time clearing pages (3.3 s → 1.8 s without
//! purging). A command is a short-lived process, so AutoStack keeps freed pages for reuse
//! and returns everything at exit. Arenas are committed as they are used, not eagerly: eager
//! commit put a migration's object copy at 155 MiB peak instead of 131 MiB, and a 100,000
//! resource plan at 669 MB instead of 636 MB, for no gain in time.
//!
//! Transparent huge pages are off for the process. On a virtual machine that hands free
//! memory back to its host (free page reporting, as on Firecracker and ballooned cloud VMs),
//! a huge page is carved from the large free blocks the host has taken back, so each 2 MiB
//! first touch waits on the host: a no-op plan of a million resources spent 6.6–8.2 s in the
//! kernel with them and 2.1–2.6 s without, and a `plan -out` 5.7–6.4 s against 1.6–1.7 s,
//! for the same user time (interleaved runs on the 2-core VM the benchmarks run on). 4 KiB
//! pages come from memory the guest still holds. The cost moves rather than vanishes when a
//! command also writes gigabytes: a million-resource apply (1.7 GB of journal and state)
//! then finds that memory used by its heap, and its page-cache writes spent 4–8 s more in
//! the kernel than with huge pages; plans, the commands run most, and runs of 100,000
//! resources gain, and runs of 10,000 take as long in a smaller heap (52 MB instead of 68 MB
//! for a plan). The flag is inherited by the processes a command starts (provider plugins,
//! short-lived too). `MIMALLOC_PURGE_DELAY`, `MIMALLOC_ARENA_EAGER_COMMIT` and
//! `MIMALLOC_ALLOW_THP` in the environment still win.

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
/// `mi_option_allow_thp`'s index in v3's `mi_option_t` (checked by a test too).
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Leaves `value` to the process's exit instead of freeing it object by object. A command's
/// plan is its largest data and it exits once it has reported: freeing a
/// million-resource plan took 0.47 s after the last line was printed, where the kernel takes
/// the whole heap back at exit at once. Only for plain data, never for anything whose drop
/// releases a lock, ends a session, flushes a file or stops a provider.
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Turns page purging, eager arena commit and huge pages off unless the environment sets
/// them.
pub fn keep_freed_pages() {
    if cfg!(feature = "system-alloc") {
        return;
    }
    for (option, name, value) in [
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", -1),
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
        (ALLOW_THP, "MIMALLOC_ALLOW_THP", 0),
    ] {
        if std::env::var_os(name).is_none() {
            // SAFETY: setting an option is a plain store mimalloc allows at any time.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // The option keeps arenas reserved from now on from asking for huge pages; the
        // first arena was reserved before `main` and asked already. The process flag
        // covers it: what mimalloc does itself when the option is set at its start.
        // SAFETY: PR_SET_THP_DISABLE takes one integer argument and touches no memory.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(feature = "system-alloc"))]
    fn the_indexes_are_the_options_of_the_linked_mimalloc() {
        // v3's purge delay defaults to 1000 ms, and no other option of v3 does; its arena
        // eager commit defaults to 2 ("when overcommit is on"), the only option that does;
        // huge pages (1) sit between the cross-thread reclaim limit (32) and the minimal
        // purge size (0), a run of defaults found nowhere else in the list.
        let set = ["PURGE_DELAY", "ARENA_EAGER_COMMIT", "ALLOW_THP"];
        if set
            .iter()
            .any(|o| std::env::var_os(format!("MIMALLOC_{o}")).is_some())
        {
            return;
        }
        // SAFETY: reading an option is a plain load.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        let defaults = [
            (PURGE_DELAY, 1000, "purge_delay"),
            (ARENA_EAGER_COMMIT, 2, "arena_eager_commit"),
            (ALLOW_THP - 1, 32, "page_cross_thread_max_reclaim"),
            (ALLOW_THP, 1, "allow_thp"),
            (ALLOW_THP + 1, 0, "minimal_purge_size"),
        ];
        for (index, default, name) in defaults {
            assert_eq!(
                get(index),
                default,
                "mi_option_t index {index} is not {name}"
            );
        }
        keep_freed_pages();
        assert_eq!(get(PURGE_DELAY), -1);
        assert_eq!(get(ARENA_EAGER_COMMIT), 0);
        assert_eq!(get(ALLOW_THP), 0);
        // SAFETY: PR_GET_THP_DISABLE takes no argument and returns the process's flag.
        #[cfg(target_os = "linux")]
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}
