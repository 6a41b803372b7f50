//! The allocator: mimalloc, told to keep the memory it frees.
//!
//! Parsing and planning allocate many small objects, and mimalloc makes that markedly faster
//! than the system allocator. By default it hands pages freed for a second back to the OS and
//! faults them in again (zeroed by the kernel) when the next phase allocates: a plan of
//! 100,000 resources spent a third of its time clearing pages (3.3 s → 1.8 s without
//! purging). A command is a short-lived process, so AutoStack keeps freed pages for reuse
//! and returns everything at exit; `MIMALLOC_PURGE_DELAY` in the environment still wins.

/// The global allocator (the system's with the `system-alloc` feature, for heap profilers
/// such as heaptrack, which see only `malloc`).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`'s index in mimalloc v3's `mi_option_t` (libmimalloc-sys 0.1.49
/// lists v2's numbering, so the index is stated here and checked by a test).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Turns page purging off unless the environment sets it.
pub fn keep_freed_pages() {
    if cfg!(feature = "system-alloc") {
        return;
    }
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store mimalloc allows at any time.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(feature = "system-alloc"))]
    fn the_index_is_the_purge_delay_of_the_linked_mimalloc() {
        // v3's purge delay defaults to 1000 ms, and no other option of v3 does.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option is a plain load.
        let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(
            before, 1000,
            "mi_option_t index {PURGE_DELAY} is not purge_delay"
        );
        keep_freed_pages();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, -1);
    }
}
