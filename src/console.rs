//! What the commands print: never a crash when nobody reads it.
//!
//! Rust's `println!` panics when the standard output is gone or full:
//! `handbill list | head -1` closes the pipe after one line, and
//! `handbill theme --print > themes/default.yaml` on a full disk cannot
//! write. In a build, that panic came from a worker thread and stopped the
//! whole batch. So every command prints through [`out!`] and [`outln!`]
//! (and messages through [`err!`] and [`errln!`]): a write that fails is
//! remembered, printing stops, the command goes on, and [`finish`] says
//! at the end what the exit code becomes.
//!
//! The failure is kept in a static because the standard output is the
//! process's own, shared by every thread that prints.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use crate::error::{Error, io_reason};

/// The first failed write to the standard output, if one failed.
static FAILED: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Writes `text` to the standard output, unless a write has failed.
pub fn write_out(text: std::fmt::Arguments) {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_some() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(text) {
        *failed = Some(e);
    }
}

/// Writes `text` to the standard error. A failure is passed over: there
/// is nowhere left to say it.
pub fn write_err(text: std::fmt::Arguments) {
    let _ = std::io::stderr().lock().write_fmt(text);
}

/// Prints to the standard output, as `print!` does, without its panic.
macro_rules! out {
    ($($arg:tt)*) => { $crate::console::write_out(format_args!($($arg)*)) };
}

/// Prints a line to the standard output, as `println!` does, without its panic.
macro_rules! outln {
    () => { $crate::console::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Prints to the standard error, as `eprint!` does, without its panic.
macro_rules! err {
    ($($arg:tt)*) => { $crate::console::write_err(format_args!($($arg)*)) };
}

/// Prints a line to the standard error, as `eprintln!` does, without its panic.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::console::write_err(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {err, errln, out, outln};

/// The exit code of a command that would end with `code`, now that its
/// printing is done: the same when everything printed, or when the reader
/// went away (`| head`), which is theirs to choose; 1 when the output could
/// not be written (a full disk), which is said on the standard error.
pub fn finish(code: ExitCode) -> ExitCode {
    let mut failed = FAILED.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_none()
        && let Err(e) = std::io::stdout().lock().flush()
    {
        *failed = Some(e);
    }
    match failed.take() {
        None => code,
        Some(e) if e.kind() == ErrorKind::BrokenPipe => code,
        Some(e) => {
            let error = Error::new(format!(
                "cannot write to the standard output: {}",
                io_reason(&e)
            ))
            .help("what handbill printed is incomplete; make room on the disk the output goes to, and run the command again");
            err!("{}", error.render(false));
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_macros_write_what_the_standard_ones_would() {
        // Under the test harness the output is captured; what matters is
        // that the macros take what `println!` takes.
        let name = "b";
        out!("built {name}");
        outln!(" ({} pages)", 2);
        outln!();
        err!("");
        errln!("{name}");
    }
}
