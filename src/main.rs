//! The `handbill` command. All the work is in the library; see `cli`.

// Laying out and writing PDFs makes and drops many small buffers; mimalloc
// does that in a third of glibc's instructions (docs/decisions.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    give_back_freed_memory_soon();
    handbill::cli::main()
}

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`; the crate names
/// no constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc keeps memory a build has let go for a second before giving it
/// back; a long pack's PDF stage then adds its file to the layout's
/// leftovers (peak 261 MB, 216 MB at 10 ms, the same time). The user's
/// own `MIMALLOC_PURGE_DELAY` still wins.
fn give_back_freed_memory_soon() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of the allocator's options, which it reads
        // atomically; no memory is touched.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Its default, a second, is mimalloc's alone among its options: a
        // new mimalloc that numbered them otherwise fails here.
        // SAFETY: reads an option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(delay, 1000);
        super::give_back_freed_memory_soon();
        // SAFETY: reads an option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(delay, 10);
    }
}
