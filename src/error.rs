//! Errors and warnings a person can act on.
//!
//! Every stage reports a problem that stops the build as an [`Error`], and
//! one that does not as a [`Warning`]: its kind, the file, line and column
//! where it is, the offending line itself, what was wrong and what to do
//! about it. Both are drawn as cargo draws its messages (annotate-snippets),
//! in colour when the command line asks; programs read them through
//! `check --format json` (src/check_json.rs).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// Where in a file a problem is. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The text of the line, to show under the message: shared by the
    /// places on one line (a list of thousands of section ids).
    pub source_line: Option<Arc<str>>,
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
            .map(|l| l.trim_end().into());
        Location {
            file: file.to_path_buf(),
            line: line.max(1),
            column: column.max(1),
            source_line,
        }
    }

    /// Where a line of `text` (the contents of `file`) starts with `key:`:
    /// a key of the top level, or with `under`, a key of any indentation
    /// inside the top-level `under:`; the whole file when there is none.
    pub fn at_key(file: &Path, text: &str, under: Option<&str>, key: &str) -> Location {
        let starts = |line: &str, key: &str| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        };
        let mut inside = false;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let indent = line.len() - line.trim_start().len();
            let found = match under {
                None => starts(line, key),
                Some(under) => {
                    if indent == 0 && !line.trim().is_empty() && !line.starts_with('#') {
                        inside = starts(line, under);
                        false
                    } else {
                        inside && starts(line.trim_start(), key)
                    }
                }
            };
            if found {
                return Location::at_offset(file, text, offset + indent);
            }
            offset += line.len();
        }
        Location::file(file)
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

/// The lines of one file, for locating many places in it: each line is
/// found once and its text shared by the places on it, where
/// [`Location::at_line`] reads the file from its start and copies the line
/// for each (a list of 16,000 section ids on one line held 3.6 GB).
pub struct Lines<'a> {
    file: PathBuf,
    text: std::borrow::Cow<'a, str>,
    /// Where each line starts, in bytes.
    starts: Vec<usize>,
    shown: std::collections::HashMap<usize, Arc<str>>,
}

impl<'a> Lines<'a> {
    /// The lines of `text`, the contents of `file`, borrowed or owned.
    pub fn of(file: &Path, text: impl Into<std::borrow::Cow<'a, str>>) -> Lines<'a> {
        let text = text.into();
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&start| start < text.len())
            .collect();
        Lines {
            file: file.to_path_buf(),
            text,
            starts,
            shown: Default::default(),
        }
    }

    /// The text of the 1-based `line`, without its line ending; none past
    /// the last line.
    pub fn line(&self, line: usize) -> Option<&str> {
        let n = line.checked_sub(1)?;
        let start = *self.starts.get(n)?;
        let end = self
            .starts
            .get(n + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some(&self.text[start..end])
    }

    /// The place at a 1-based `line` and `column`, as
    /// [`Location::at_line`] has it.
    pub fn at(&mut self, line: usize, column: usize) -> Location {
        let n = line.max(1);
        let source_line = match self.shown.get(&n) {
            Some(shown) => Some(shown.clone()),
            None => {
                let shown: Option<Arc<str>> = self.line(n).map(|l| l.trim_end().into());
                if let Some(shown) = &shown {
                    self.shown.insert(n, shown.clone());
                }
                shown
            }
        };
        Location {
            file: self.file.clone(),
            line: n,
            column: column.max(1),
            source_line,
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
    /// The kind of problem, for handbill itself (an overset may be cured by
    /// shrinking) and for programs (`check --format json` prints its code).
    pub kind: ErrorKind,
    /// Where on the pages, for the preview to mark: an overset's last frame.
    pub place: Option<Box<PagePlace>>,
}

/// A rectangle on a laid-out page, in points from the top left corner of
/// the trimmed page: where the preview marks a problem. It never reaches
/// the PDF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PagePlace {
    /// The page's index, from 0.
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

// The layout makes no NaN lengths, so a place equals itself.
impl Eq for PagePlace {}

/// The kinds of problem a program may tell apart. Each has a stable code
/// (`check --format json`, docs/check-json.md): a new kind adds a code, an
/// old code never changes its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ErrorKind {
    /// A mistake in the project's files: a briefing, profile, section,
    /// template, format, theme, picture or word file.
    #[default]
    Input,
    /// A file or folder could not be read or written.
    Io,
    /// The command line itself was wrong: an unknown option or value, a
    /// path that does not exist.
    Usage,
    /// A leaflet's text did not fit its frames.
    Overset,
    /// `translations: required` and a section has no translation.
    Untranslated,
    /// A link or QR code goes somewhere a document may not point.
    LinkTarget,
    /// `--impose` was asked of a document that cannot be imposed.
    NoImposition,
    /// A bug in handbill.
    Internal,
}

impl ErrorKind {
    /// Every kind, in the order docs/check-json.md lists them.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Input,
        ErrorKind::Io,
        ErrorKind::Usage,
        ErrorKind::Overset,
        ErrorKind::Untranslated,
        ErrorKind::LinkTarget,
        ErrorKind::NoImposition,
        ErrorKind::Internal,
    ];

    /// The kind's stable name, for programs.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Input => "input",
            ErrorKind::Io => "io",
            ErrorKind::Usage => "usage",
            ErrorKind::Overset => "overset",
            ErrorKind::Untranslated => "untranslated",
            ErrorKind::LinkTarget => "link-target",
            ErrorKind::NoImposition => "no-imposition",
            ErrorKind::Internal => "internal",
        }
    }
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            location: None,
            help: None,
            while_doing: None,
            kind: ErrorKind::Input,
            place: None,
        }
    }

    /// Marks where on the pages the problem is.
    pub fn on_page(mut self, place: PagePlace) -> Error {
        self.place = Some(Box::new(place));
        self
    }

    pub fn at(mut self, location: Location) -> Error {
        self.location = Some(Box::new(location));
        self
    }

    /// At `at` unless it already points at a line of its own (a file's
    /// fault found inside it keeps its place; one about the whole file goes
    /// to the line that named it).
    pub fn at_if_unplaced(self, at: Option<&Location>) -> Error {
        match (self.location.as_deref(), at) {
            (Some(l), _) if l.line > 0 => self,
            (_, Some(at)) => self.at(at.clone()),
            _ => self,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn kind(mut self, kind: ErrorKind) -> Error {
        self.kind = kind;
        self
    }

    /// An error reading or writing a file.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Error {
        let error = Error::new(format!(
            "cannot {action} {}: {}",
            path.display(),
            io_reason(err)
        ))
        .at(Location::file(path))
        .kind(ErrorKind::Io);
        // What to do, where the reason says it; a caller that knows better
        // gives its own.
        match io_help(err) {
            Some(help) => error.help(help),
            None => error,
        }
    }

    /// A file larger than handbill reads: `subject` is `bytes` long, and
    /// handbill reads `kind` of up to `limit` bytes ("the template is 70 KB;
    /// handbill reads templates of up to 64 KB").
    pub fn too_large(path: &Path, subject: &str, bytes: u64, kind: &str, limit: u64) -> Error {
        Error::new(format!(
            "{subject} is {} KB; handbill reads {kind} of up to {} KB",
            bytes / 1024,
            limit / 1024
        ))
        .at(Location::file(path))
    }

    /// Says what handbill was doing, e.g. which briefing it was building.
    pub fn context(mut self, context: impl fmt::Display) -> Error {
        self.while_doing = Some(context.to_string());
        self
    }
}

/// Why a file that is not a plain one (a named pipe, a device, a socket)
/// is not read: as the reason of an `std::io::Error`, so that every reader's
/// message says it in the same words (`project::open_plain`).
#[derive(Debug)]
pub struct NotPlainFile;

impl fmt::Display for NotPlainFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("it is not a plain file (a named pipe, a device or a socket)")
    }
}

impl std::error::Error for NotPlainFile {}

/// What to do about a file or folder the system refused, by why.
fn io_help(err: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    if err.get_ref().is_some_and(|e| e.is::<NotPlainFile>()) {
        return Some("put a plain file there, holding what handbill is to read");
    }
    Some(match err.kind() {
        K::NotFound => "check the path: the file, or the folder it is to go in, must exist",
        K::PermissionDenied => {
            "check that you may read and write there (`ls -l` shows who may), or choose another folder"
        }
        K::NotADirectory => "a file stands where the path needs a folder: check the path",
        K::IsADirectory => "give the path of a file, not of a folder",
        K::AlreadyExists => "move or rename what is in the way, or choose another name",
        K::StorageFull | K::QuotaExceeded => "make room on the disk, then run the command again",
        K::ReadOnlyFilesystem => "choose a folder on a disk you can write to",
        K::InvalidFilename => "choose a shorter name, of letters, digits and hyphens",
        _ => return None,
    })
}

pub(crate) fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match err.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "a file or folder of that name is in the way",
        K::IsADirectory => "it is a folder, not a file",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::StorageFull => "the disk is full",
        K::QuotaExceeded => "the disk quota is used up",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::FileTooLarge => "the file is too large for the disk",
        K::InvalidFilename => "the name is too long or not allowed here",
        K::CrossesDevices => "it lies on another disk",
        K::ResourceBusy | K::ExecutableFileBusy => "the file is in use",
        K::Interrupted => "interrupted",
        K::OutOfMemory => "out of memory",
        K::UnexpectedEof => "the file ends too early",
        K::InvalidData => "the file is damaged",
        _ => "",
    };
    if !words.is_empty() {
        return words.to_string();
    }
    // The system's own sentence, without its "(os error 28)".
    let text = err.to_string();
    match text.split_once(" (os error") {
        Some((words, _)) => words.to_lowercase(),
        None => text,
    }
}

impl Error {
    /// The error as people read it, drawn as cargo draws its errors: the
    /// message, where (`--> file:line:column`), the line with a mark under
    /// the place, what to do (`help:`) and what handbill was doing. In
    /// colour when `colour` (a terminal that wants it: see `cli`).
    pub fn render(&self, colour: bool) -> String {
        draw(
            Level::ERROR,
            &self.message,
            self.location.as_deref(),
            self.help.as_deref(),
            self.while_doing.as_deref(),
            colour,
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Draws one message with annotate-snippets; ends with a newline.
fn draw(
    level: Level<'_>,
    message: &str,
    location: Option<&Location>,
    help: Option<&str>,
    doing: Option<&str>,
    colour: bool,
) -> String {
    // Names and text from the files (a font's family name, a file name, a
    // source line) may hold terminal escapes, line ends or direction
    // overrides: shown as what they are, they can neither colour, clear
    // nor forge lines of the message.
    let message = printable(message);
    let help = help.map(printable);
    let doing = doing.map(printable);
    let title = level.primary_title(message.as_ref());
    let file = location.map(|l| printable(&l.file.to_string_lossy()).into_owned());
    let mut group = match (location, file) {
        (Some(loc), Some(file)) if loc.line > 0 => match &loc.source_line {
            Some(text) => {
                // The column counts characters; the span is in bytes, of
                // the line as shown.
                let start = text
                    .char_indices()
                    .nth(loc.column - 1)
                    .map_or(text.len(), |(i, _)| i);
                let end = text[start..]
                    .chars()
                    .next()
                    .map_or(start, |c| start + c.len_utf8());
                let (before, marked) = (
                    printable_line(&text[..start]),
                    printable_line(&text[start..end]),
                );
                let (start, end) = (before.len(), before.len() + marked.len());
                title.element(
                    Snippet::source(printable_line(text))
                        .line_start(loc.line)
                        .path(file)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            None => title.element(Origin::path(file).line(loc.line).char_column(loc.column)),
        },
        (_, Some(file)) => title.element(Origin::path(file)),
        _ => Group::with_title(title),
    };
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
    }
    if let Some(doing) = doing {
        group = group.element(Level::NOTE.message(format!("while {doing}")));
    }
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut text = renderer.render(&[group]);
    text.push('\n');
    text
}

impl std::error::Error for Error {}

/// `text` as a terminal may show it: a control character (an escape that
/// would colour or clear the screen, a line end that would start a forged
/// line) shown as its picture (`␛`, `␊`), a mark that reorders text right to
/// left as `�`; one character for one, so columns still count.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    shown_plainly(text, |_| false)
}

/// A source line as [`printable`] shows it, tabs kept (the line's mark
/// counts them).
fn printable_line(text: &str) -> std::borrow::Cow<'_, str> {
    shown_plainly(text, |c| c == '\t')
}

fn shown_plainly(text: &str, keep: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    let picture = |c: char| match c {
        _ if keep(c) => None,
        // The Control Pictures block draws each of C0's controls.
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32),
        '\u{7F}' => Some('␡'),
        '\u{80}'..='\u{9F}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some('\u{FFFD}'),
        _ => None,
    };
    if !text.chars().any(|c| picture(c).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| picture(c).unwrap_or(c)).collect())
}

/// Something the user should know that did not stop the build: an overfull
/// line, a picture coarse for print, a section printed untranslated.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub kind: WarningKind,
    /// What is the matter, in one sentence.
    pub message: String,
    /// Where, when it is known.
    pub location: Option<Location>,
    /// What to do about it.
    pub help: Option<String>,
    /// Where on the pages, for the preview to mark: a report row's line.
    pub place: Option<PagePlace>,
}

/// The kinds of warning, each with a stable code for programs (`check
/// --format json`, docs/check-json.md). The typesetting report's rows are
/// warnings too: overfull and loose lines, widows and orphans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// A line wider than its measure.
    OverfullLine,
    /// A justified line whose spaces stretched more than they should.
    LooseLine,
    /// A widow or orphan no page break could avoid.
    WidowOrOrphan,
    /// A character in none of the fonts.
    MissingGlyph,
    /// `fit: shrink` set the text smaller.
    Shrunk,
    /// A picture under 300 ppi at its printed size.
    LowResolution,
    /// `--impose` could not impose this copy.
    NotImposed,
    /// A section printed in the profile's language, not the briefing's.
    Untranslated,
    /// Fixed words printed in English for want of a translation.
    FixedWords,
    /// A section the briefing's `allow:` let through to a wider audience.
    Allowed,
    /// New passwords were written for encrypted copies.
    NewPasswords,
    /// An old PDF in the output folder that handbill leaves alone.
    StaleOutput,
    /// A folder `watch` cannot watch.
    NotWatched,
    /// A table row taller than a frame, split across two.
    SplitRow,
    /// A table too wide for its frame, set row by row as `header: value`.
    TableStacked,
    /// Markdown the layout does not set (HTML, task boxes), left out.
    Unsupported,
    /// A style of a project font the fonts/ folder has no face for.
    MissingFontStyle,
    /// A link to a place in the document (`#id`) that nothing has: its
    /// text is printed without a link.
    DeadLink,
    /// A language written with its three-letter code (`rus`) where it has
    /// a two-letter one (`ru`), read as that.
    LanguageCode,
}

impl WarningKind {
    /// Every kind, in the order docs/check-json.md lists them.
    pub const ALL: [WarningKind; 19] = [
        WarningKind::OverfullLine,
        WarningKind::LooseLine,
        WarningKind::WidowOrOrphan,
        WarningKind::MissingGlyph,
        WarningKind::Shrunk,
        WarningKind::LowResolution,
        WarningKind::NotImposed,
        WarningKind::Untranslated,
        WarningKind::FixedWords,
        WarningKind::Allowed,
        WarningKind::NewPasswords,
        WarningKind::StaleOutput,
        WarningKind::NotWatched,
        WarningKind::SplitRow,
        WarningKind::TableStacked,
        WarningKind::Unsupported,
        WarningKind::MissingFontStyle,
        WarningKind::DeadLink,
        WarningKind::LanguageCode,
    ];

    /// The kind's stable name, for programs.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::OverfullLine => "overfull-line",
            WarningKind::LooseLine => "loose-line",
            WarningKind::WidowOrOrphan => "widow-or-orphan",
            WarningKind::MissingGlyph => "missing-glyph",
            WarningKind::Shrunk => "shrunk",
            WarningKind::LowResolution => "low-resolution",
            WarningKind::NotImposed => "not-imposed",
            WarningKind::Untranslated => "untranslated",
            WarningKind::FixedWords => "fixed-words",
            WarningKind::Allowed => "allowed",
            WarningKind::NewPasswords => "new-passwords",
            WarningKind::StaleOutput => "stale-output",
            WarningKind::NotWatched => "not-watched",
            WarningKind::SplitRow => "split-row",
            WarningKind::TableStacked => "table-stacked",
            WarningKind::Unsupported => "unsupported-markdown",
            WarningKind::MissingFontStyle => "missing-font-style",
            WarningKind::DeadLink => "dead-link",
            WarningKind::LanguageCode => "language-code",
        }
    }
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Warning {
        Warning {
            kind,
            message: message.into(),
            location: None,
            help: None,
            place: None,
        }
    }

    /// Marks where on the pages the warning is.
    pub fn on_page(mut self, place: PagePlace) -> Warning {
        self.place = Some(place);
        self
    }

    pub fn at(mut self, location: Location) -> Warning {
        self.location = Some(location);
        self
    }

    /// At `location` when it is known.
    pub fn at_some(mut self, location: Option<Location>) -> Warning {
        self.location = location.or(self.location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Warning {
        self.help = Some(help.into());
        self
    }
}

impl Warning {
    /// The message on one line, with the file and line when known: a row
    /// of the typesetting report.
    pub fn short(&self) -> String {
        match &self.location {
            Some(at) if at.line > 0 => {
                format!("{} ({}:{})", self.message, at.file.display(), at.line)
            }
            _ => self.message.clone(),
        }
    }
}

impl Warning {
    /// The warning as people read it (see [`Error::render`]).
    pub fn render(&self, colour: bool) -> String {
        draw(
            Level::WARNING,
            &self.message,
            self.location.as_ref(),
            self.help.as_deref(),
            None,
            colour,
        )
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Suggests the closest of `candidates` to a misspelt `word`, if one is close:
/// at most a third of the candidate's letters inserted, deleted, changed or
/// swapped with a neighbour (the optimal string alignment distance).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(3) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_found_at_the_top_level_or_inside_the_one_named() {
        let text = "sources:\n  report:\n    title: Report\ntitle: Profile\nimages:\n  # a comment\n  picture:\n    file: p.png\n";
        let at = |under, key| {
            let l = Location::at_key(Path::new("p.yaml"), text, under, key);
            (l.line, l.column)
        };
        assert_eq!(at(None, "title"), (4, 1), "not the source's title");
        assert_eq!(at(Some("images"), "picture"), (7, 3));
        assert_eq!(at(Some("images"), "report"), (0, 0), "only inside images:");
        assert_eq!(at(None, "missing"), (0, 0));
    }

    #[test]
    fn offsets_become_line_and_column() {
        let text = "a: 1\nbé: x\n";
        let loc = Location::at_offset(Path::new("f.yaml"), text, 9);
        assert_eq!((loc.line, loc.column), (2, 4));
        assert_eq!(loc.source_line.as_deref(), Some("bé: x"));
    }

    #[test]
    fn many_places_are_located_as_one_is() {
        let text = "a: 1\r\n\nbé: [x, y]\nlast";
        let file = Path::new("f.yaml");
        let mut lines = Lines::of(file, text);
        for line in 1..=6 {
            for column in 1..=4 {
                assert_eq!(
                    lines.at(line, column),
                    Location::at_line(file, text, line, column)
                );
            }
        }
        // The places on one line share its text.
        let (a, b) = (lines.at(3, 1), lines.at(3, 6));
        assert!(Arc::ptr_eq(
            a.source_line.as_ref().unwrap(),
            b.source_line.as_ref().unwrap()
        ));
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
            .help("did you mean `title`?")
            .context("building b.yaml");
        let shown = err.to_string();
        assert!(
            shown.starts_with("error: unknown key `titel`\n --> b.yaml:2:1\n"),
            "{shown}"
        );
        assert!(shown.contains("2 | titel: y\n  | ^\n"), "{shown}");
        assert!(
            shown.ends_with("= help: did you mean `title`?\n  = note: while building b.yaml\n"),
            "{shown}"
        );
        assert!(!shown.contains('\x1b'), "no colour unless asked: {shown}");
        let coloured = err.render(true);
        assert!(coloured.contains("\x1b["), "{coloured:?}");
        assert!(coloured.contains("unknown key `titel`"), "{coloured:?}");
    }

    #[test]
    fn names_from_files_cannot_colour_or_forge_the_message() {
        // A font family named to colour the terminal and forge a line.
        let family = "Evil\x1b[31mRed\x1b[0m\nerror: fake";
        let err = Error::new(format!("there is no family `{family}`"))
            .at(Location::at_line(
                Path::new("themes/t\u{202E}.yaml"),
                "a:\tb\x1b[2J: \u{202E}Кириллица x\n",
                1,
                22,
            ))
            .help(format!("the families are: {family}"));
        for shown in [err.render(false), err.render(true)] {
            // Only the drawing's own colours: none of the names' escapes.
            assert!(
                !shown.contains("\x1b[31m") && !shown.contains("\x1b[2J"),
                "{shown:?}"
            );
            assert!(!shown.contains('\u{202E}'), "{shown:?}");
            assert!(!shown.contains("\nerror: fake"), "{shown:?}");
        }
        let shown = err.render(false);
        assert!(
            shown.starts_with("error: there is no family `Evil␛[31mRed␛[0m␊error: fake`\n"),
            "{shown}"
        );
        assert!(shown.contains("--> themes/t\u{FFFD}.yaml:1:22"), "{shown}");
        // The mark stays under the character the column counts (`x`):
        // each hidden character is shown as one.
        let line = shown.lines().find(|l| l.contains("Кириллица")).unwrap();
        let mark = shown
            .lines()
            .skip_while(|l| !l.contains("Кириллица"))
            .nth(1)
            .unwrap();
        let at = |l: &str, i: usize| l[..i].chars().count();
        assert!(line.contains("b␛[2J: \u{FFFD}Кириллица x"), "{line}");
        assert_eq!(
            at(mark, mark.find('^').unwrap()),
            at(line, line.rfind('x').unwrap()),
            "{shown}"
        );
        assert_eq!(printable("Kazakhstan: Жанаозен"), "Kazakhstan: Жанаозен");
    }

    #[test]
    fn the_mark_counts_characters_and_may_stand_past_the_end() {
        let text = "title: «Свобода» x\n";
        let err = Error::new("m").at(Location::at_line(Path::new("b.yaml"), text, 1, 16));
        let shown = err.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let caret = lines[4].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[3].chars().nth(caret), Some('»'), "{shown}");
        // A file that ends too early: the mark after the last character.
        let err = Error::new("m").at(Location::at_line(Path::new("b.yaml"), "ab", 1, 3));
        let shown = err.to_string();
        assert!(shown.contains("1 | ab\n  |   ^"), "{shown}");
        // Without the text of the line, the place alone.
        let err = Error::new("m").at(Location::file(Path::new("out/x.pdf")));
        assert_eq!(err.to_string(), "error: m\n--> out/x.pdf\n");
    }

    #[test]
    fn warnings_are_drawn_like_errors() {
        let w = Warning::new(WarningKind::Shrunk, "the text was set at 92%")
            .at(Location::at_line(
                Path::new("b.yaml"),
                "a: 1\nfit: shrink\n",
                2,
                1,
            ))
            .help("shorten a section");
        let shown = w.to_string();
        assert!(
            shown.starts_with("warning: the text was set at 92%\n --> b.yaml:2:1\n"),
            "{shown}"
        );
        assert!(shown.contains("2 | fit: shrink\n"), "{shown}");
        assert!(shown.ends_with("= help: shorten a section\n"), "{shown}");
        assert_eq!(w.short(), "the text was set at 92% (b.yaml:2)");
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line = format!("{}[^rfs]{}", "word ".repeat(50), " more".repeat(50));
        let err = Error::new("footnote").at(Location::at_line(Path::new("s.md"), &line, 1, 251));
        let shown = err.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[3].starts_with("1 | ...") && lines[3].ends_with("..."),
            "{shown}"
        );
        assert!(lines[3].contains("[^rfs]"));
        // The marker stands under the `[` of the footnote.
        let caret = lines[4].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[3].chars().nth(caret), Some('['), "{shown}");
    }

    #[test]
    fn each_kind_has_its_own_code() {
        let codes: std::collections::BTreeSet<&str> =
            ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert!(
            codes
                .iter()
                .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'))
        );
        assert_eq!(Error::new("x").kind, ErrorKind::Input);
        let io = Error::io(Path::new("f"), "read", &std::io::Error::other("x"));
        assert_eq!(io.kind.code(), "io");
    }

    #[test]
    fn io_errors_in_words() {
        use std::io::{Error as IoError, ErrorKind};
        let p = Path::new("out");
        for (kind, words) in [
            (ErrorKind::AlreadyExists, "in the way"),
            (ErrorKind::IsADirectory, "a folder, not a file"),
            (ErrorKind::StorageFull, "the disk is full"),
        ] {
            let error = Error::io(p, "create the folder", &IoError::from(kind));
            let shown = error.to_string();
            assert!(shown.contains(words), "{shown}");
            assert!(error.help.is_some(), "what to do: {shown}");
        }
        // A caller that knows better says so instead.
        let own = Error::io(p, "read", &IoError::from(ErrorKind::NotFound)).help("own");
        assert_eq!(own.help.as_deref(), Some("own"));
        let raw = IoError::from_raw_os_error(71); // EPROTO: no kind of its own
        let shown = Error::io(p, "write", &raw).to_string();
        assert!(!shown.contains("os error"), "{shown}");
    }

    #[test]
    fn suggestions_only_for_close_words() {
        let ids = ["overview", "elections", "demands"];
        assert_eq!(did_you_mean("overveiw", ids), Some("overview"));
        assert_eq!(did_you_mean("zebra", ids), None);
        // Two neighbours swapped count as one edit.
        assert_eq!(
            did_you_mean("the-reigme", ["the-regime", "the-rights"]),
            Some("the-regime")
        );
        assert_eq!(
            did_you_mean("templte", ["title", "template", "tags"]),
            Some("template")
        );
        assert_eq!(
            did_you_mean("prisoner", ["prisoners", "press"]),
            Some("prisoners")
        );
        assert_eq!(
            did_you_mean("Жанаозен", ["Жанаөзен", "Алматы"]),
            Some("Жанаөзен")
        );
        // The closest wins, not the first close one.
        assert_eq!(
            did_you_mean("leaflet-a4", ["leaflet", "leaflet-a5"]),
            Some("leaflet-a5")
        );
        // Short words need an exact letter or one edit.
        assert_eq!(did_you_mean("ab", ["xy", "abc"]), Some("abc"));
        assert_eq!(did_you_mean("ab", ["xy"]), None);
    }
}
