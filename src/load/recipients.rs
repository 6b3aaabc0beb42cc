//! Recipients: the people personalised copies are made for, listed in the
//! briefing (`- name: …`) or in a CSV file saved from a spreadsheet.
//!
//! The CSV file is read with the `csv` crate, as spreadsheets write it:
//! Excel's "CSV UTF-8" (which begins with a byte-order mark), semicolons
//! where a decimal comma takes the comma (the separator is the one the first
//! line uses), quoted cells holding commas, quotes and line breaks. What the
//! crate passes over in silence — a quote never closed, a file in another
//! encoding — is checked here.

use std::path::Path;

use serde_saphyr::Spanned;

use super::{MAX_TEXT_BYTES, RecipientsField};
use crate::error::{Error, Location, Result, did_you_mean};
use crate::model::{Located, Recipient};
use crate::project::{Capped, Links};

/// The columns a recipients file may have. A new column is one more
/// variant, its heading, and what it sets in [`Column::set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Role,
    /// The password of an encrypted copy (`encrypt:`); never fingerprinted.
    Password,
}

impl Column {
    const ALL: [Column; 3] = [Column::Name, Column::Role, Column::Password];

    /// The column's heading in the file's first line (in any case).
    fn heading(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Role => "role",
            Column::Password => "password",
        }
    }

    /// Puts a cell's text (trimmed) into the recipient.
    fn set(self, recipient: &mut Recipient, value: &str) {
        match self {
            Column::Name => recipient.name = value.to_string(),
            Column::Role => recipient.role = Some(value.to_string()).filter(|v| !v.is_empty()),
            Column::Password => {
                recipient.password =
                    Some(crate::model::Password::new(value)).filter(|_| !value.is_empty())
            }
        }
    }
}

/// The recipients of a briefing, from its list or its CSV file, checked:
/// each has a name, and no two copies would get the same file name.
/// `briefing` is the briefing file, `text` its contents, `stem` the name its
/// PDFs start with.
pub(super) fn read(
    field: Spanned<RecipientsField>,
    briefing: &Path,
    text: &str,
    project: &Path,
    stem: &str,
) -> Result<Vec<Located<Recipient>>> {
    let lines = Lines::new(text);
    let place = |loc: &serde_saphyr::Location| {
        lines.at(briefing, loc.line() as usize, loc.column() as usize)
    };
    let at = place(&field.referenced);
    let list = match field.value {
        RecipientsField::List(list) => list
            .into_iter()
            .map(|r| Located {
                location: place(&r.referenced),
                value: r.value,
            })
            .collect(),
        RecipientsField::File(file) => read_csv(project, &file, &at)?,
    };
    check(&list, &at, stem)?;
    Ok(list)
}

/// Names must be there and tell the copies apart.
fn check(list: &[Located<Recipient>], at: &Location, stem: &str) -> Result<()> {
    if list.is_empty() {
        return Err(Error::new("`recipients:` is empty")
            .at(at.clone())
            .help("list the recipients, or remove `recipients:` for a single copy"));
    }
    // Each copy's file name once, and a map from it to the first with it:
    // a list of thousands stays quick.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, r) in list.iter().enumerate() {
        if r.value.name.trim().is_empty() {
            return Err(Error::new("a recipient has no name")
                .at(r.location.clone())
                .help("give every recipient a `name:` with letters in it"));
        }
        if r.value.slug().is_empty() {
            return Err(Error::new(format!(
                "the recipient “{}” has no letter or digit in their name",
                r.value.name
            ))
            .at(r.location.clone())
            .help("the name makes the file name of their copy: write it with letters"));
        }
        let first_index = *seen.entry(r.value.copy_name(stem)).or_insert(i);
        if let Some(first) = (first_index != i).then(|| &list[first_index]) {
            let what = if first.value.name == r.value.name {
                "twice".to_string()
            } else {
                format!(
                    "twice (as “{}” on line {})",
                    first.value.name, first.location.line
                )
            };
            return Err(Error::new(format!("the recipient “{}” is listed {what}", r.value.name))
                .at(r.location.clone())
                .help("each recipient gets their own PDF, named after them: list each person once"));
        }
    }
    Ok(())
}

const SAVE_AS_UTF8: &str = "save it as “CSV UTF-8”: in Excel, File › Save As › “CSV UTF-8 (Comma delimited)”; in LibreOffice, Save As “Text CSV” with the character set “Unicode (UTF-8)”";

/// Reads recipients from a CSV file: a first line of column headings
/// (`name`, and `role` if wanted), then one person per line.
fn read_csv(project: &Path, file: &str, at: &Location) -> Result<Vec<Located<Recipient>>> {
    let path = crate::project::open(project, file).map_err(|r| {
        r.error(
            "the recipients file",
            file,
            "keep the list inside the project, e.g. `recipients: briefings/delegates.csv`",
        )
        .at(at.clone())
    })?;
    if path.is_dir() {
        return Err(
            Error::new(format!("the recipients file `{file}` is a folder"))
                .at(at.clone())
                .help("name the CSV file itself, e.g. `recipients: briefings/delegates.csv`"),
        );
    }
    let read = crate::project::read_capped(&path, MAX_TEXT_BYTES, Links::Follow).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::new(format!(
            "the recipients file `{file}` does not exist"
        ))
        .at(at.clone())
        .help("the path is read from the project folder (the one holding briefings/), e.g. `recipients: briefings/delegates.csv`"),
        _ => Error::io(&path, "read", &e).at(at.clone()),
    })?;
    let bytes = match read {
        Capped::Within(bytes) => bytes,
        Capped::Over(size) => {
            return Err(Error::too_large(
                &path,
                "the recipients file",
                size,
                "files",
                MAX_TEXT_BYTES,
            )
            .help("split the list over several briefings"));
        }
    };
    let text = decode(&path, bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse_csv(&path, text)
}

/// The file's text, if it is UTF-8; otherwise an error naming the first
/// line that is not.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::new(
            "the recipients file is UTF-16 text (Excel's “Unicode Text”), not UTF-8",
        )
        .at(Location {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            source_line: None,
        })
        .help(SAVE_AS_UTF8));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        Error::new(
            "the recipients file is not UTF-8 text: this line has a character in another encoding",
        )
        .at(Lines::new(&text).at_offset(path, offset))
        .help(SAVE_AS_UTF8)
    })
}

/// Reads the recipients from the text of a CSV file (UTF-8, without its
/// byte-order mark).
fn parse_csv(path: &Path, text: &str) -> Result<Vec<Located<Recipient>>> {
    let lines = Lines::new(text);
    let first = (1..=lines.count()).find(|&n| !lines.source(n).trim().is_empty());
    let Some(first) = first else {
        return Err(Error::new("the recipients file is empty")
            .at(Location::file(path))
            .help("the first line names the columns, e.g. `name,role`; then one person a line"));
    };
    // Excel understands a first line `sep=;` as the separator's name.
    let sep_line = lines
        .source(first)
        .trim()
        .strip_prefix("sep=")
        .filter(|s| s.len() == 1)
        .map(|s| s.as_bytes()[0]);
    let heading_line = match sep_line {
        Some(_) => (first + 1..=lines.count()).find(|&n| !lines.source(n).trim().is_empty()),
        None => Some(first),
    };
    let delimiter =
        sep_line.unwrap_or_else(|| heading_line.map_or(b',', |n| delimiter_of(lines.source(n))));
    let sep = char::from(delimiter);
    if let Some(open) = unclosed_quote(text, delimiter) {
        return Err(
            Error::new("this double quote is never closed, so the rest of the file would be one cell")
                .at(lines.at_offset(path, open))
                .help("end the quoted cell with another `\"`; a quote inside a quoted cell is written twice: `\"\"`"),
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut out = Vec::new();
    let mut skip_sep_line = sep_line.is_some();
    for record in reader.records() {
        let record = record.map_err(|_| {
            Error::new("the recipients file cannot be read as CSV")
                .at(Location::file(path))
                .help(SAVE_AS_UTF8)
        })?;
        // The crate's position may be that of line ends it skipped first.
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let start = start
            + text.as_bytes()[start.min(text.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        let cell_at =
            |index: usize| lines.at_offset(path, cell_start(text, start, delimiter, index));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if skip_sep_line {
            skip_sep_line = false;
            continue;
        }
        let Some(columns) = &columns else {
            columns = Some(headings(&record, sep, &cell_at)?);
            continue;
        };
        if let Some(extra) = (columns.len()..record.len()).find(|&c| !record[c].trim().is_empty()) {
            let quoted = match sep {
                ',' => "\"Smith, Jo\",Observer".to_string(),
                _ => format!("\"Smith{sep} Jo\"{sep}Observer"),
            };
            let cells = (0..record.len())
                .rfind(|&c| !record[c].trim().is_empty())
                .map_or(0, |c| c + 1);
            return Err(Error::new(format!(
                "this line has {cells} cells, but the first line has {} column headings",
                columns.len()
            ))
            .at(cell_at(extra))
            .help(format!(
                "put a cell that holds a `{}` in double quotes: {quoted}",
                if sep == '\t' {
                    "tab".to_string()
                } else {
                    sep.to_string()
                }
            )));
        }
        let mut recipient = Recipient {
            name: String::new(),
            role: None,
            password: None,
        };
        for (c, cell) in record.iter().enumerate().take(columns.len()) {
            match columns[c] {
                Some(column) => column.set(&mut recipient, cell.trim()),
                None if !cell.trim().is_empty() => {
                    return Err(Error::new("this cell is in a column with no heading")
                        .at(cell_at(c))
                        .help(format!(
                            "give the column a heading in the first line ({}), or empty the cell",
                            known_headings()
                        )));
                }
                None => {}
            }
        }
        if recipient.name.is_empty() {
            let name = columns
                .iter()
                .position(|c| *c == Some(Column::Name))
                .unwrap_or(0);
            return Err(Error::new("the name on this line is empty")
                .at(cell_at(name))
                .help("write the person's name, or delete the line"));
        }
        if recipient.password.is_none()
            && let Some(c) = columns.iter().position(|c| *c == Some(Column::Password))
        {
            return Err(Error::new("this recipient's password is empty")
                .at(cell_at(c))
                .help("write a password in the `password` column for everyone, or remove the column to have handbill generate them"));
        }
        out.push(Located {
            location: lines.at_offset(path, start),
            value: recipient,
        });
    }
    if columns.is_some() && out.is_empty() {
        return Err(
            Error::new("the recipients file lists no one: it has only its first line")
                .at(Location::file(path))
                .help("add one line per person under the column headings"),
        );
    }
    if columns.is_none() {
        return Err(Error::new("the recipients file is empty")
            .at(Location::file(path))
            .help("the first line names the columns, e.g. `name,role`; then one person a line"));
    }
    Ok(out)
}

/// The columns the first line names: each known, none twice, `name` there.
fn headings(
    record: &csv::StringRecord,
    sep: char,
    cell_at: &dyn Fn(usize) -> Location,
) -> Result<Vec<Option<Column>>> {
    let heading = |cell: &str| cell.trim().trim_start_matches('\u{feff}').to_lowercase();
    let known = |cell: &str| Column::ALL.iter().any(|k| k.heading() == heading(cell));
    if !record.iter().any(known) {
        return Err(Error::new(
            "the first line of the recipients file names no column handbill knows",
        )
        .at(cell_at(0))
        .help(format!(
            "begin the file with the column headings, `name{sep}role`, then one person a line"
        )));
    }
    let mut columns = Vec::new();
    for (c, cell) in record.iter().enumerate() {
        let heading = heading(cell);
        if heading.is_empty() {
            columns.push(None);
            continue;
        }
        let Some(column) = Column::ALL.iter().copied().find(|k| k.heading() == heading) else {
            let help = match did_you_mean(&heading, Column::ALL.iter().map(|k| k.heading())) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "the columns handbill reads are {}: rename this column, or leave it out of the file",
                    known_headings()
                ),
            };
            return Err(Error::new(format!(
                "the recipients file has a column “{}”, which handbill does not know",
                cell.trim()
            ))
            .at(cell_at(c))
            .help(help));
        };
        if columns.contains(&Some(column)) {
            return Err(Error::new(format!(
                "the column `{}` comes twice in the first line",
                column.heading()
            ))
            .at(cell_at(c))
            .help("keep one of the two columns"));
        }
        columns.push(Some(column));
    }
    if !columns.contains(&Some(Column::Name)) {
        return Err(Error::new("the recipients file has no `name` column")
            .at(cell_at(0))
            .help(format!(
                "make the first line the column headings, `name{sep}role`, then one person a line"
            )));
    }
    Ok(columns)
}

fn known_headings() -> String {
    let all: Vec<String> = Column::ALL
        .iter()
        .map(|c| format!("`{}`", c.heading()))
        .collect();
    all.join(", ")
}

/// The separator the first line uses: comma, semicolon (spreadsheets where
/// the comma is the decimal point write these) or tab, whichever it has most
/// of outside quotes; a comma when it has none.
fn delimiter_of(line: &str) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    // The first of the most used: a comma wins a tie.
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// How the csv crate reads a cell, byte by byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    CellStart,
    Plain,
    Quoted,
    /// A quote inside a quoted cell: its end, or the first of `""`.
    QuoteInQuoted,
}

impl State {
    /// The state after byte `b`, and whether `b` ended a cell or a record.
    fn next(self, b: u8, delimiter: u8) -> (State, bool) {
        match (self, b) {
            (State::CellStart, b'"') => (State::Quoted, false),
            (State::Quoted, b'"') => (State::QuoteInQuoted, false),
            (State::Quoted, _) => (State::Quoted, false),
            (State::QuoteInQuoted, b'"') => (State::Quoted, false),
            (_, b'\n' | b'\r') => (State::CellStart, true),
            (_, d) if d == delimiter => (State::CellStart, true),
            _ => (State::Plain, false),
        }
    }
}

/// Where a quoted cell opens that no quote closes. The csv crate ends such a
/// cell at the end of the file without a word, taking every line after it.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let mut state = State::CellStart;
    let mut opened = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let (next, _) = state.next(b, delimiter);
        if state == State::CellStart && next == State::Quoted {
            opened = i;
        }
        state = next;
    }
    (state == State::Quoted).then_some(opened)
}

/// The byte offset of cell `index` of the record that starts at `start`
/// (or of the end of the record, if it has fewer cells).
fn cell_start(text: &str, start: usize, delimiter: u8, index: usize) -> usize {
    let mut state = State::CellStart;
    let mut cell = 0;
    for (i, &b) in text.as_bytes()[start..].iter().enumerate() {
        if state == State::CellStart && cell == index {
            return start + i;
        }
        let (next, ended) = state.next(b, delimiter);
        if ended {
            if b != delimiter {
                return start + i;
            }
            cell += 1;
        }
        state = next;
    }
    text.len()
}

/// Where each line of a text starts (after `\n`, `\r\n` or a lone `\r`, as
/// old Mac spreadsheets end lines), so that thousands of recipients are
/// located in time proportional to the file; each line's text is shared
/// by the places on it (a list of recipients written on one line held a
/// copy of it for each: 5,000 took 390 MB).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    shown: std::cell::RefCell<std::collections::HashMap<usize, std::sync::Arc<str>>>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Lines {
            text,
            starts,
            shown: Default::default(),
        }
    }

    /// How many lines there are (a final line ending starts no new line).
    fn count(&self) -> usize {
        match self.starts.last() {
            Some(&s) if s == self.text.len() && self.starts.len() > 1 => self.starts.len() - 1,
            _ => self.starts.len(),
        }
    }

    /// Line `n` (from 1), without its line ending.
    fn source(&self, n: usize) -> &'a str {
        let Some(&start) = self.starts.get(n.saturating_sub(1)) else {
            return "";
        };
        let end = self.starts.get(n).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    fn at(&self, file: &Path, line: usize, column: usize) -> Location {
        Location {
            file: file.to_path_buf(),
            line: line.max(1),
            column: column.max(1),
            source_line: Some(
                (self.shown.borrow_mut().entry(line.max(1)))
                    .or_insert_with(|| self.source(line.max(1)).trim_end().into())
                    .clone(),
            ),
        }
    }

    fn at_offset(&self, file: &Path, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        self.at(file, line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Vec<Located<Recipient>>> {
        parse_csv(Path::new("people.csv"), text)
    }

    fn names(list: &[Located<Recipient>]) -> Vec<(&str, Option<&str>, usize)> {
        list.iter()
            .map(|r| {
                (
                    r.value.name.as_str(),
                    r.value.role.as_deref(),
                    r.location.line,
                )
            })
            .collect()
    }

    fn err(text: &str) -> (String, usize, usize, String) {
        let e = csv(text).unwrap_err();
        let loc = e.location.clone().unwrap();
        (e.message, loc.line, loc.column, e.help.unwrap_or_default())
    }

    #[test]
    fn commas_semicolons_and_tabs() {
        for text in [
            "name,role\nAna Ruiz,Counsel\nBob Okafor,\n",
            "name;role\nAna Ruiz;Counsel\nBob Okafor;\n",
            "name\trole\nAna Ruiz\tCounsel\nBob Okafor\t\n",
            "sep=;\nname;role\nAna Ruiz;Counsel\nBob Okafor;\n",
        ] {
            let list = csv(text).unwrap();
            let offset = usize::from(text.starts_with("sep="));
            assert_eq!(
                names(&list),
                vec![
                    ("Ana Ruiz", Some("Counsel"), 2 + offset),
                    ("Bob Okafor", None, 3 + offset)
                ],
                "{text:?}"
            );
        }
        // A name with a comma in a semicolon file needs no quotes.
        let list = csv("Name;Role\nSmith, Jo;Observer\n").unwrap();
        assert_eq!(list[0].value.name, "Smith, Jo");
    }

    #[test]
    fn quoted_cells_with_commas_quotes_and_line_breaks() {
        let text = "name,role\n\"Smith, Jo\",\"Observer, \"\"ad hoc\"\"\"\n\"Ana\nRuiz\",\"Counsel\r\nfor the society\"\nBob,x\n";
        let list = csv(text).unwrap();
        assert_eq!(
            names(&list),
            vec![
                ("Smith, Jo", Some("Observer, \"ad hoc\""), 2),
                ("Ana\nRuiz", Some("Counsel\r\nfor the society"), 3),
                ("Bob", Some("x"), 6),
            ]
        );
    }

    #[test]
    fn excel_csv_utf8_with_a_byte_order_mark_and_crlf() {
        let bytes = "\u{feff}Name;Role\r\nЖанна Әлиева;Наблюдатель\r\n;\r\n"
            .as_bytes()
            .to_vec();
        let text = decode(Path::new("x.csv"), bytes).unwrap();
        let list = csv(text.strip_prefix('\u{feff}').unwrap()).unwrap();
        assert_eq!(names(&list), vec![("Жанна Әлиева", Some("Наблюдатель"), 2)]);
        // Old Mac line endings.
        let list = csv("name\rAna\rBob\r").unwrap();
        assert_eq!(names(&list), vec![("Ana", None, 2), ("Bob", None, 3)]);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let (message, line, column, help) =
            err("name,role\nAna,Counsel\n\"Bob,Observer\nCarla,x\n");
        assert!(message.contains("never closed"), "{message}");
        assert_eq!((line, column), (3, 1));
        assert!(help.contains("\"\""), "{help}");
        let (_, line, column, _) = err("name;role\nAna;\"Counsel\nBob;x\n");
        assert_eq!((line, column), (2, 5));
        // Quotes inside a plain cell, or doubled inside a quoted one, are fine.
        assert!(csv("name\nJo \"the fist\" Smith\n\"a \"\"b\"\"\"\n").is_ok());
    }

    #[test]
    fn latin_1_and_utf_16_files_are_refused_with_the_first_bad_line() {
        let mut bytes = b"name,role\nAna,Counsel\nJos".to_vec();
        bytes.push(0xE9); // é in Latin-1
        bytes.extend_from_slice(b" Ruiz,Observer\n");
        let e = decode(Path::new("people.csv"), bytes).unwrap_err();
        let loc = e.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 4), "{e}");
        assert!(e.help.as_deref().unwrap().contains("CSV UTF-8"), "{e}");
        let e = decode(Path::new("people.csv"), vec![0xFF, 0xFE, b'n', 0]).unwrap_err();
        assert!(e.message.contains("UTF-16"), "{e}");
        assert!(e.help.as_deref().unwrap().contains("CSV UTF-8"), "{e}");
    }

    #[test]
    fn mistakes_in_the_columns_are_located() {
        let (message, line, column, help) = err("name,emial\nAna,a@b\n");
        assert!(message.contains("“emial”"), "{message}");
        assert_eq!((line, column), (1, 6));
        assert!(help.contains("`name`") && help.contains("`role`"), "{help}");
        let (message, _, _, help) = err("name,rol\nAna,x\n");
        assert!(message.contains("“rol”"), "{message}");
        assert_eq!(help, "did you mean `role`?");
        let (message, line, column, _) = err("name,role,NAME\n");
        assert!(message.contains("twice"), "{message}");
        assert_eq!((line, column), (1, 11));
        let (message, line, _, _) = err("\n\nrole\nCounsel\n");
        assert!(message.contains("no `name` column"), "{message}");
        assert_eq!(line, 3);
        let (message, line, column, help) = err("name,role\nSmith, Jo,Observer\n");
        assert!(
            message.contains("3 cells") && message.contains("2 column"),
            "{message}"
        );
        assert_eq!((line, column), (2, 11));
        assert!(help.contains("\"Smith, Jo\""), "{help}");
        // Empty trailing cells, and empty columns without a heading, are
        // what spreadsheets write: fine.
        assert_eq!(csv("name,role,,\nAna,,,\n").unwrap().len(), 1);
        let (message, line, column, _) = err("name,,role\nAna,x,y\n");
        assert!(message.contains("no heading"), "{message}");
        assert_eq!((line, column), (2, 5));
    }

    #[test]
    fn empty_names_and_empty_files() {
        let (message, line, column, _) = err("role;name\nCounsel;Ana\nObserver; \n");
        assert_eq!(message, "the name on this line is empty");
        assert_eq!((line, column), (3, 10));
        let (message, ..) = err("name,role\n\n");
        assert!(message.contains("lists no one"), "{message}");
        let e = csv("\n \n").unwrap_err();
        assert_eq!(e.message, "the recipients file is empty");
    }

    #[test]
    fn duplicate_names_and_long_names() {
        let at = Location::file(Path::new("b.yaml"));
        let list = csv("name\nAna Ruiz\nBob\nana ruiz\n").unwrap();
        let e = check(&list, &at, "pack").unwrap_err();
        assert_eq!(e.location.as_ref().unwrap().line, 4);
        assert!(e.message.contains("(as “Ana Ruiz” on line 2)"), "{e}");
        // Two long names that begin alike get different, short file names.
        let long = "Жанна ".repeat(40);
        let text = format!("name\n{long}Әлиева\n{long}Абенова\n");
        let list = csv(&text).unwrap();
        check(&list, &at, "pack").unwrap();
        let a = list[0].value.copy_name("pack");
        let b = list[1].value.copy_name("pack");
        assert_ne!(a, b);
        for name in [&a, &b] {
            assert!(
                name.len() <= crate::model::MAX_COPY_NAME,
                "{} bytes",
                name.len()
            );
            assert!(name.starts_with("pack-жанна-жанна"), "{name}");
        }
        assert_eq!(a, list[0].value.copy_name("pack"), "the same every time");
        let short = Recipient {
            name: "Ana Ruiz".into(),
            role: None,
            password: None,
        };
        assert_eq!(short.copy_name("pack"), "pack-ana-ruiz");
    }

    #[test]
    fn a_list_of_thousands_is_read_in_linear_time() {
        let mut text = String::from("name;role\n");
        for i in 0..50_000 {
            text.push_str(&format!("Person {i};Observer\n"));
        }
        let started = std::time::Instant::now();
        let list = csv(&text).unwrap();
        check(&list, &Location::file(Path::new("b.yaml")), "pack").unwrap();
        assert_eq!(list.len(), 50_000);
        assert_eq!(list[49_999].location.line, 50_001);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}
