//! `--editor`: the command that opens a source file at a line, such as
//! `code -g {file}:{line}` or `emacsclient +{line} {file}`.
//!
//! The command is split into words as a shell would split it (quotes
//! keep spaces), but no shell ever runs it: `{file}` and `{line}` are put
//! into the words, and the first word is the program. Only the command
//! line gives the command; the page only names a file and a line.

use std::path::Path;

use crate::error::{Error, Result};

/// A checked `--editor` command, split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    words: Vec<String>,
}

impl std::str::FromStr for Editor {
    type Err = String;

    fn from_str(command: &str) -> std::result::Result<Editor, String> {
        let words = shlex::split(command).ok_or_else(|| {
            format!("`{command}` is not a command: a quote is not closed; write e.g. \"code -g {{file}}:{{line}}\"")
        })?;
        if words.is_empty() {
            return Err("the editor command is empty: write e.g. \"code -g {file}:{line}\"".into());
        }
        if !words.iter().any(|w| w.contains("{file}")) {
            return Err(format!(
                "`{command}` does not say where the file goes: put {{file}} (and {{line}}) in it, e.g. \"code -g {{file}}:{{line}}\""
            ));
        }
        Ok(Editor { words })
    }
}

impl Editor {
    /// The program and its arguments for `file` at `line`.
    pub fn command(&self, file: &Path, line: usize) -> (String, Vec<String>) {
        let file = file.to_string_lossy();
        let line = line.to_string();
        let mut words = self
            .words
            .iter()
            .map(|w| w.replace("{file}", &file).replace("{line}", &line));
        let program = words.next().unwrap_or_default();
        (program, words.collect())
    }

    /// Starts the editor on `file` at `line`, without waiting for it.
    pub fn open(&self, file: &Path, line: usize) -> Result<()> {
        let (program, args) = self.command(file, line);
        let mut child = std::process::Command::new(&program)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .spawn()
            .map_err(|e| {
                Error::new(format!("cannot start the editor `{program}`: {e}"))
                    .help("check the command given with --editor")
            })?;
        // Waited for on a thread of its own, so it leaves no zombie.
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_and_line_go_into_the_words_not_into_a_shell() {
        let e: Editor = "code -g {file}:{line}".parse().unwrap();
        let (program, args) = e.command(Path::new("a b; rm -rf x.md"), 7);
        assert_eq!(program, "code");
        assert_eq!(args, ["-g", "a b; rm -rf x.md:7"]);
        let e: Editor = "'my editor' +{line} {file}".parse().unwrap();
        assert_eq!(
            e.command(Path::new("s.md"), 3),
            (
                "my editor".to_string(),
                vec!["+3".to_string(), "s.md".to_string()]
            )
        );
    }

    #[test]
    fn a_command_without_the_file_or_with_an_open_quote_is_refused() {
        for bad in ["", "code -g", "code '{file}"] {
            let e = bad.parse::<Editor>().unwrap_err();
            assert!(e.contains("{file}") || e.contains("quote"), "{bad}: {e}");
        }
    }
}
