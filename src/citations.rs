//! The footnotes a section's Markdown defines and cites, read without
//! rendering it: selecting checks that a section cites only sources its
//! readers may see, and the Markdown stage adds the cited sources' notes.
//! Also where a byte of a section's body is in its file, for messages.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::error::Location;
use crate::model::{Footnotes, Section};

/// Marks a footnote definition that handbill added for a cited source key.
pub const SOURCE_SENTINEL: &str = "\u{E000}source";

/// How handbill reads Markdown: footnotes, smart punctuation,
/// strikethrough.
pub fn parser_options() -> Options {
    // Task lists and definition lists are read only to be left out of the
    // print as syntax (`[ ]`, `: `), with a warning: see `markdown::unsupported`.
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_DEFINITION_LIST
}

/// Reads a body's footnotes. The parser emits a reference only to a label
/// that is defined, so every label that might be cited (any `[^x]` in the
/// text) gets a stand-in definition after the body; the references the
/// parser then reports are the real ones.
pub fn footnotes(body: &str) -> Footnotes {
    // Each list with a set beside it to look in: a section of thousands of
    // notes searched a list for every one, the square of their number.
    let mut defined: Vec<String> = Vec::new();
    let mut is_defined: HashSet<String> = HashSet::new();
    for event in Parser::new_ext(body, parser_options()) {
        if let Event::Start(Tag::FootnoteDefinition(label)) = event {
            let label = label.to_lowercase();
            if is_defined.insert(label.clone()) {
                defined.push(label);
            }
        }
    }
    let mut candidates: Vec<&str> = Vec::new();
    let mut is_candidate: HashSet<String> = HashSet::new();
    for (start, _) in body.match_indices("[^") {
        let Some(label) = label_at(body, start) else {
            continue;
        };
        if !is_defined.contains(&label.to_lowercase())
            && is_candidate.insert(label.to_ascii_lowercase())
        {
            candidates.push(label);
        }
    }
    let mut text = format!("{body}\n\n");
    for label in &candidates {
        text.push_str(&format!("[^{label}]: {SOURCE_SENTINEL}\n\n"));
    }
    let mut cited = Vec::new();
    let mut stand_ins = 0;
    for (event, range) in Parser::new_ext(&text, parser_options()).into_offset_iter() {
        match event {
            Event::FootnoteReference(label)
                if range.start < body.len() && !is_defined.contains(&label.to_lowercase()) =>
            {
                cited.push((label.to_string(), range.start));
            }
            Event::Start(Tag::FootnoteDefinition(_)) if range.start >= body.len() => {
                stand_ins += 1;
            }
            _ => {}
        }
    }
    let unclosed = stand_ins < candidates.len();
    if unclosed {
        // Read nothing less than what the text might cite.
        let candidates: HashSet<&str> = candidates.iter().copied().collect();
        cited = body
            .match_indices("[^")
            .filter_map(|(start, _)| {
                let label = label_at(body, start)?;
                candidates
                    .contains(label)
                    .then(|| (label.to_string(), start))
            })
            .collect();
    }
    Footnotes {
        defined,
        cited,
        unclosed,
    }
}

/// The label of a `[^label]` that starts at `start`: no spaces, no
/// brackets. Looking no further than the next `[` or blank keeps a text of
/// many `[^` linear.
fn label_at(body: &str, start: usize) -> Option<&str> {
    let rest = &body[start + 2..];
    let end = rest.find(|c: char| c == ']' || c == '[' || c == '^' || c.is_whitespace())?;
    (end > 0 && rest[end..].starts_with(']')).then(|| &rest[..end])
}

/// A section's footnotes, read from its body once and kept in it.
pub fn of(section: &Section) -> &Footnotes {
    section.footnotes.get_or_init(|| footnotes(&section.body))
}

/// The sources a section cites by key (footnotes it does not define), with
/// the byte offset of each in its body.
pub fn cited_sources(section: &Section) -> &[(String, usize)] {
    &of(section).cited
}

/// The location of a byte offset in a section's body, in its file.
pub fn body_location(section: &Section, offset: usize) -> Location {
    let whole = crate::project::read_again(&section.file, crate::load::MAX_TEXT_BYTES);
    Location::at_offset(
        &section.file,
        &whole,
        line_offset(&whole, section.body_line) + offset,
    )
}

fn line_offset(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sections_footnotes_are_read_once_and_travel_with_its_copies() {
        let section = Section {
            id: "s".into(),
            title: "S".into(),
            tags: vec![],
            audience: Default::default(),
            body: "Oil workers struck.[^hrw] Police fired.[^n]\n\n[^n]: A note.\n".into(),
            file: "s.md".into(),
            body_line: 1,
            translations: Default::default(),
            footnotes: Default::default(),
        };
        let read = of(&section);
        assert_eq!(*read, footnotes(&section.body));
        assert_eq!(cited_sources(&section), [("hrw".to_string(), 19)]);
        assert!(std::ptr::eq(read, of(&section)), "read again");
        // The selection's copy of a section keeps what was read.
        let copy = section.clone();
        assert_eq!(copy.footnotes.get(), Some(read));
    }

    #[test]
    fn footnotes_in_code_are_text() {
        // A definition or reference inside a code span or block is not one.
        let f = footnotes(
            "Text.[^hrw]\n\n`[^x]: not a note` and `[^y]`\n\n```\n[^z]\n[^rsf]: no\n```\n\n    [^w]\n",
        );
        assert_eq!(f.cited, vec![("hrw".to_string(), 5)]);
        assert!(f.defined.is_empty(), "{f:?}");
        // So a code span cannot define away a citation of a source.
        let f = footnotes("Text.[^secret]\n\n`[^secret]: harmless`\n");
        assert_eq!(f.cited, vec![("secret".to_string(), 5)]);
        // A real definition counts, whatever the case of its label.
        let f = footnotes("Text.[^Note]\n\n[^note]: A note.\n");
        assert_eq!(
            (f.defined.as_slice(), f.cited.as_slice()),
            (&["note".to_string()][..], &[][..])
        );
    }

    #[test]
    fn many_unclosed_marks_take_linear_time() {
        let body = format!("{}]", "[^".repeat(1_000_000));
        let started = std::time::Instant::now();
        let f = footnotes(&body);
        assert!(f.cited.is_empty() && f.defined.is_empty(), "{f:?}");
        // About 2 s in a debug build; scanning to the one `]` from each
        // `[^` (10^12 bytes) would take minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        // Each label ends at the next bracket or blank.
        assert_eq!(label_at("[^a[^b]", 0), None);
        assert_eq!(label_at("[^a[^b]", 3), Some("b"));
        assert_eq!(label_at("[^a b]", 0), None);
    }
}
