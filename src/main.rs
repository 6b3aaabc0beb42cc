//! The `handbill` command. All the work is in the library; see `cli`.

// Laying out and writing PDFs makes and drops many small buffers; mimalloc
// does that in a third of glibc's instructions (docs/decisions.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    handbill::cli::main()
}
