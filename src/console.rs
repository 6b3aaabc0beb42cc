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

use std::collections::HashSet;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use crate::error::{Error, Warning, io_reason};

/// The first failed write to the standard output, if one failed.
static FAILED: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Writes `text` to the standard output, unless a write has failed.
pub fn write_out(text: std::fmt::Arguments) {
    write_unless_failed(&FAILED, || std::io::stdout().lock(), text);
}

/// Writes `text` to what `open` gives, unless a write recorded in `failed`
/// has failed; records the failure of this one. `failed` is locked first,
/// so that one thread's text is written whole before another's.
fn write_unless_failed<W: Write>(
    failed: &Mutex<Option<std::io::Error>>,
    open: impl FnOnce() -> W,
    text: std::fmt::Arguments,
) {
    let mut failed = failed.lock().unwrap_or_else(|e| e.into_inner());
    if failed.is_some() {
        return;
    }
    if let Err(e) = open().write_fmt(text) {
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

/// The warnings one run of a command has printed. A warning about a file
/// several briefings read (a profile's `lang: eng`, a theme, a section with
/// a character no font has) comes with each briefing's build, and is
/// printed for the first only: the same words at the same place of the
/// same file say nothing new. A warning that names no file is printed
/// every time, since only its place in the output says which briefing it
/// is about.
#[derive(Default)]
pub struct Told(Mutex<HashSet<String>>);

impl Told {
    /// `warning` as it is printed (`colour` or not), or `None` when this
    /// run has printed it already.
    pub fn first_time(&self, warning: &Warning, colour: bool) -> Option<String> {
        if warning.location.is_none() {
            return Some(warning.render(colour));
        }
        let plain = warning.render(false);
        let mut told = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !told.insert(plain.clone()) {
            return None;
        }
        Some(if colour { warning.render(true) } else { plain })
    }
}

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
    use std::cell::{Cell, RefCell};

    use super::*;
    use crate::error::{Location, Warning, WarningKind};

    #[test]
    fn a_warning_at_a_place_is_told_once_a_run() {
        let text = "title: T\nlang: eng\n";
        let at =
            |line| {
                Warning::new(WarningKind::LanguageCode, "`eng` is written `en`").at(
                    Location::at_line(std::path::Path::new("profile.yaml"), text, line, 7),
                )
            };
        let told = Told::default();
        assert!(told.first_time(&at(2), false).is_some());
        assert!(
            told.first_time(&at(2), true).is_none(),
            "the same warning again"
        );
        assert!(told.first_time(&at(1), false).is_some(), "another line");
        // Nowhere named: only the order of the output says whose it is.
        let nowhere = Warning::new(WarningKind::LanguageCode, "no place");
        assert!(told.first_time(&nowhere, false).is_some());
        assert!(told.first_time(&nowhere, false).is_some());
        // A new run tells it again.
        assert!(Told::default().first_time(&at(2), false).is_some());
    }

    #[test]
    fn the_macros_take_what_the_standard_ones_take() {
        // Compiled, not run: the test harness does not capture what they
        // print (see the next test for what they write).
        let _ = || {
            let name = "b";
            out!("built {name}");
            outln!(" ({} pages)", 2);
            outln!();
            err!("");
            errln!("{name}");
        };
    }

    /// A pipe that takes what is written until it is closed, and then
    /// fails as a closed pipe does.
    struct Pipe<'a> {
        taken: &'a RefCell<Vec<u8>>,
        closed: &'a Cell<bool>,
    }

    impl Write for Pipe<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.closed.get() {
                return Err(std::io::Error::new(ErrorKind::BrokenPipe, "closed"));
            }
            self.taken.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_remembered_and_printing_stops() {
        let failed = Mutex::new(None);
        let (taken, closed) = (RefCell::new(Vec::new()), Cell::new(false));
        let pipe = || Pipe {
            taken: &taken,
            closed: &closed,
        };
        let name = "b";
        write_unless_failed(&failed, pipe, format_args!("built {name} ({} pages)\n", 2));
        assert_eq!(taken.borrow().as_slice(), b"built b (2 pages)\n");
        assert!(failed.lock().unwrap().is_none());
        closed.set(true);
        write_unless_failed(&failed, pipe, format_args!("built {name} again\n"));
        let error = failed.lock().unwrap().as_ref().map(|e| e.kind());
        assert_eq!(error, Some(ErrorKind::BrokenPipe));
        // Nothing more is written once a write has failed, even where it
        // would now be taken.
        closed.set(false);
        write_unless_failed(&failed, pipe, format_args!("x"));
        assert_eq!(taken.borrow().as_slice(), b"built b (2 pages)\n");
    }
}
