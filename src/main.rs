//! The `handbill` command. All the work is in the library; see `cli`.

fn main() -> std::process::ExitCode {
    handbill::cli::main()
}
