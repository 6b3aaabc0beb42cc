//! Errors a person can act on.
//!
//! Every stage reports problems as an [`Error`]: the file, the line and
//! column where the problem is, the offending line itself, what was wrong and
//! what to do about it. The command line prints it as is.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem is. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The text of the line, to show under the message.
    pub source_line: Option<String>,
}

impl Location {
    /// A location in `text` (the contents of `file`) at a byte offset.
    pub fn at_offset(file: &Path, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location::at_line(file, text, line, column)
    }

    /// A location in `text` at a 1-based line and column.
    pub fn at_line(file: &Path, text: &str, line: usize, column: usize) -> Location {
        let source_line = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end().to_string());
        Location {
            file: file.to_path_buf(),
            line: line.max(1),
            column: column.max(1),
            source_line,
        }
    }

    /// The whole file, when no finer position is known.
    pub fn file(file: &Path) -> Location {
        Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            source_line: None,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A problem that stops a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong, in one sentence.
    pub message: String,
    /// Where, when the problem is in a file (boxed: errors travel far).
    pub location: Option<Box<Location>>,
    /// What to do about it.
    pub help: Option<String>,
    /// What handbill was doing, e.g. which briefing it was building.
    pub while_doing: Option<String>,
    /// A short name for the kind of problem, for programs (`check --format
    /// json`) and for handbill itself (an `overset` may be cured by shrinking).
    pub code: Option<&'static str>,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            location: None,
            help: None,
            while_doing: None,
            code: None,
        }
    }

    pub fn at(mut self, location: Location) -> Error {
        self.location = Some(Box::new(location));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn code(mut self, code: &'static str) -> Error {
        self.code = Some(code);
        self
    }

    /// An error reading or writing a file.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Error {
        Error::new(format!(
            "cannot {action} {}: {}",
            path.display(),
            io_reason(err)
        ))
        .at(Location::file(path))
    }

    /// Says what handbill was doing, e.g. which briefing it was building.
    pub fn context(mut self, context: impl fmt::Display) -> Error {
        self.while_doing = Some(context.to_string());
        self
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location.as_deref() {
            Some(loc) if loc.line > 0 => {
                writeln!(
                    f,
                    "error: {}:{}:{}: {}",
                    loc.file.display(),
                    loc.line,
                    loc.column,
                    self.message
                )?;
                if let Some(text) = &loc.source_line {
                    // A long line (a Markdown paragraph) is shown as a window
                    // around the column, so the marker stays on screen.
                    const BEFORE: usize = 60;
                    const AFTER: usize = 60;
                    let chars: Vec<char> = text.chars().collect();
                    let col = (loc.column - 1).min(chars.len());
                    let from = col.saturating_sub(BEFORE);
                    let to = (col + AFTER).min(chars.len());
                    let lead = if from > 0 { "…" } else { "" };
                    let tail = if to < chars.len() { "…" } else { "" };
                    let shown: String = chars[from..to].iter().collect();
                    let number = loc.line.to_string();
                    let pad = " ".repeat(number.len());
                    writeln!(f, "{pad} |")?;
                    writeln!(f, "{number} | {lead}{shown}{tail}")?;
                    let marker_pad: String = lead
                        .chars()
                        .map(|_| ' ')
                        .chain(
                            chars[from..col]
                                .iter()
                                .map(|c| if *c == '\t' { '\t' } else { ' ' }),
                        )
                        .collect();
                    writeln!(f, "{pad} | {marker_pad}^")?;
                }
            }
            Some(loc) => writeln!(f, "error: {}: {}", loc.file.display(), self.message)?,
            None => writeln!(f, "error: {}", self.message)?,
        }
        if let Some(help) = &self.help {
            writeln!(f, "help: {help}")?;
        }
        if let Some(doing) = &self.while_doing {
            writeln!(f, "note: while {doing}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Suggests the closest of `candidates` to a misspelt `word`, if one is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(3) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_line_and_column() {
        let text = "a: 1\nbé: x\n";
        let loc = Location::at_offset(Path::new("f.yaml"), text, 9);
        assert_eq!((loc.line, loc.column), (2, 4));
        assert_eq!(loc.source_line.as_deref(), Some("bé: x"));
    }

    #[test]
    fn display_shows_the_line_and_a_marker() {
        let err = Error::new("unknown key `titel`")
            .at(Location::at_line(
                Path::new("b.yaml"),
                "x: 1\ntitel: y\n",
                2,
                1,
            ))
            .help("did you mean `title`?");
        let shown = err.to_string();
        assert!(
            shown.starts_with("error: b.yaml:2:1: unknown key `titel`\n"),
            "{shown}"
        );
        assert!(shown.contains("2 | titel: y\n  | ^\n"), "{shown}");
        assert!(shown.ends_with("help: did you mean `title`?\n"), "{shown}");
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line = format!("{}[^rfs]{}", "word ".repeat(50), " more".repeat(50));
        let err = Error::new("footnote").at(Location::at_line(Path::new("s.md"), &line, 1, 251));
        let shown = err.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[2].starts_with("1 | …") && lines[2].ends_with('…'),
            "{shown}"
        );
        assert!(lines[2].contains("[^rfs]"));
        // The marker stands under the `[` of the footnote.
        let caret = lines[3].chars().count() - 1;
        assert_eq!(lines[2].chars().nth(caret), Some('['), "{shown}");
    }

    #[test]
    fn suggestions_only_for_close_words() {
        let ids = ["overview", "elections", "demands"];
        assert_eq!(did_you_mean("overveiw", ids), Some("overview"));
        assert_eq!(did_you_mean("zebra", ids), None);
    }
}
