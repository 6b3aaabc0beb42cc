//! Where a block is: the line and column of the markup it was read from
//! (for messages), and its `src` attribute, the section file and line it
//! was written at. A fault in the template's own markup is told at the
//! template's line that wrote it, where `template::origin` can tell it
//! ([`markup_error`]), and the template's own blocks keep that place for
//! the layout's messages ([`Parser::note_template_place`]).
//!
//! The markdown stage writes `src="briefings/profiles/kazakhstan/07-x.md:5"`
//! on every block it makes from a section (paragraphs, headings, lists and
//! their items, quotes, pictures), and templates pass it on as it is. A
//! template's own markup needs none: a block without it has no place in a
//! section. A section cannot forge one, since the markdown stage escapes all
//! of a section's text; a template author may write one, as all of a
//! template's markup is trusted, but only to a file inside the project.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use roxmltree::Node;

use super::{MarkupSource, Parser};
use crate::document::SourceRef;
use crate::error::{Error, Location, Result};
use crate::template::origin::Place;

impl Parser<'_> {
    /// The line `node` starts on: a search of the lines' starts, as every
    /// block asks (counting the columns too, from the start of a line that
    /// holds a whole list, cost the square of the list).
    pub(super) fn line(&self, node: Node) -> usize {
        self.line_at(node.range().start)
    }

    /// The line the markup's byte `at` is on.
    fn line_at(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= at).max(1)
    }

    /// The line and column `node` starts at, for messages.
    pub(super) fn pos(&self, node: Node) -> (usize, usize) {
        self.pos_at(node.range().start)
    }

    /// The line and column of the markup's byte `at`.
    fn pos_at(&self, at: usize) -> (usize, usize) {
        let line = self.line_at(at);
        let start = self.line_starts[line - 1];
        let column = self
            .source
            .text
            .get(start..at)
            .map_or(1, |t| t.chars().count() + 1);
        (line, column)
    }

    /// The markup's line `line` (from 1), without its line break.
    fn markup_line(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = (self.line_starts.get(line)).map_or(self.source.text.len(), |e| e - 1);
        self.source.text.get(start..end.max(start)).unwrap_or("")
    }

    /// The template, read (once) to find where it wrote a markup line.
    fn origin(&self) -> &crate::template::origin::Origin {
        (self.origin)
            .get_or_init(|| crate::template::origin::Origin::new(self.source.template_text))
    }

    /// Where in the template the markup's byte `at` was written, if that
    /// can be told (see `template::origin`): an attribute the build warns
    /// of is shown where the template author wrote it.
    pub(super) fn template_place_at(&self, at: usize) -> Option<Location> {
        let line = self.line_at(at);
        let written = self.markup_line(line);
        let found = self.origin().find(written)?;
        let there = self
            .origin()
            .place_found(&found, written, self.in_line(at, line));
        Some(there.location(self.source.template, self.source.template_text))
    }

    /// The markup's byte `at`, on `line`, counted from the line's start.
    fn in_line(&self, at: usize, line: usize) -> usize {
        at - self.line_starts[line - 1]
    }

    /// `at` with its file's path shared by every block of that file.
    fn shared(&self, mut at: SourceRef) -> SourceRef {
        let mut files = self.files.borrow_mut();
        match files.get(&at.file) {
            Some(file) => at.file = file.clone(),
            None => {
                files.insert(at.file.clone());
            }
        }
        at
    }

    /// Keeps where in the template the block at `node`, of the template's
    /// own text, was written, if that can be told: each block, while the
    /// search has read under its bound in all. A markup line is looked for
    /// once however many blocks it wrote; blocks come in the markup's order.
    pub(super) fn note_template_place(&self, node: Node) {
        let at = node.range().start;
        let mut places = self.template_places.borrow_mut();
        if places.contains_key(&at) || places.len() >= crate::document::MAX_TEMPLATE_PLACES {
            return;
        }
        let line = self.line_at(at);
        let written = self.markup_line(line);
        let origin = self.origin();
        let mut last = self.template_line_found.borrow_mut();
        if last.as_ref().is_none_or(|(l, _)| *l != line) {
            let searched = self.template_searched.get() + origin.cost(written);
            if searched > crate::template::origin::MAX_SEARCHED {
                return;
            }
            self.template_searched.set(searched);
            *last = Some((line, origin.find(written)));
        }
        let place = (last.as_ref().and_then(|(_, found)| found.as_ref()))
            .map(|found| origin.place_found(found, written, self.in_line(at, line)));
        places.insert(at, place);
    }

    /// Where in a section file the text at `node` was written: the `src`
    /// of the block around it (the build, which knows the project, reads
    /// the line from the file).
    pub(super) fn written_at(&self, node: Node) -> Option<Location> {
        let at = node
            .ancestors()
            .find_map(|n| n.attribute("src").and_then(read))?;
        Some(at.location())
    }

    /// The section file and line of a block (`src`, see `markup/source.rs`).
    pub(super) fn source(&self, node: Node) -> Result<Option<SourceRef>> {
        let Some(value) = node.attribute("src") else {
            return Ok(None);
        };
        read(value).map(|at| Some(self.shared(at))).ok_or_else(|| {
            self.error(node, format!("`src=\"{value}\"` is not a section file and line"))
                .help("handbill writes `src` on the text of sections, e.g. `src=\"briefings/profiles/kazakhstan/01-overview.md:5\"`; leave it out of a template's own markup, or give a file inside the project and a line")
        })
    }
}

/// The template places found, by markup byte (line and column in the
/// template), and the text of each template line among them, read once
/// for all the blocks it wrote.
pub(super) type TemplatePlaces = (BTreeMap<usize, (usize, usize)>, BTreeMap<usize, String>);

/// [`TemplatePlaces`] of `places`, those found.
pub(super) fn template_places(
    places: BTreeMap<usize, Option<Place>>,
    source: &MarkupSource,
) -> TemplatePlaces {
    let places: BTreeMap<usize, (usize, usize)> = (places.into_iter())
        .filter_map(|(at, place)| {
            let place = place?;
            Some((at, (place.line.max(1), place.column.max(1))))
        })
        .collect();
    let wanted: BTreeSet<usize> = places.values().map(|&(line, _)| line).collect();
    let lines = (source.template_text.lines().enumerate())
        .filter(|(i, _)| wanted.contains(&(i + 1)))
        .map(|(i, text)| (i + 1, text.trim_end().to_string()))
        .collect();
    (places, lines)
}

/// Reads `FILE:LINE`: a relative path that stays inside the project and a
/// line from 1. `None` when the value is not one.
pub(super) fn read(value: &str) -> Option<SourceRef> {
    let (file, line) = value.rsplit_once(':')?;
    let line: usize = line.parse().ok().filter(|l| *l > 0)?;
    let path = Path::new(file);
    let inside = !file.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    inside.then(|| SourceRef {
        file: path.into(),
        line,
    })
}

/// `todo` as the error's help, before the markup line it shows.
pub(super) fn with_markup_line(err: Error, todo: String) -> Error {
    let line = err.help.clone();
    err.help(match line {
        Some(line) => format!("{todo}; {line}"),
        None => todo,
    })
}

/// A fault at `line` and `col` of the markup: shown at the template's line
/// that wrote it, where that can be told (see `template::origin`), with
/// the markup's line as printed in the help.
pub(super) fn markup_error(
    source: &MarkupSource,
    line: usize,
    col: usize,
    message: String,
) -> Error {
    let (written, there) = line_and_place(source, line, col);
    markup_error_at(source, (line, col), message, written, there)
}

/// The markup's line `line`, and where the template wrote its column
/// `col`, if that can be told.
pub(super) fn line_and_place<'s>(
    source: &MarkupSource<'s>,
    line: usize,
    col: usize,
) -> (Option<&'s str>, Option<Place>) {
    let written = source.text.lines().nth(line.saturating_sub(1));
    let there = written.and_then(|w| crate::template::origin::place(source.template_text, w, col));
    (written, there)
}

/// [`markup_error`] of a markup line `written` already looked up, and
/// its place `there` in the template.
pub(super) fn markup_error_at(
    source: &MarkupSource,
    (line, col): (usize, usize),
    message: String,
    written: Option<&str>,
    there: Option<Place>,
) -> Error {
    if let (Some(there), Some(written)) = (there, written) {
        return Error::new(message)
            .at(there.location(source.template, source.template_text))
            .help(format!("the markup line it printed is: {}", written.trim()));
    }
    let e = Error::new(format!(
        "{message} (line {line}, column {col} of the markup that template {} produced)",
        source.template.display()
    ))
    .at(Location::file(source.template));
    match written {
        Some(text) => e.help(format!("the markup line is: {}", text.trim())),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_inside_the_project_is_read_and_others_are_not() {
        let at = read("briefings/profiles/kazakhstan/07-vadim-kuramshin.md:5").unwrap();
        assert_eq!(
            at.to_string(),
            "briefings/profiles/kazakhstan/07-vadim-kuramshin.md:5"
        );
        assert_eq!(&*read("a:b.md:12").unwrap().file, Path::new("a:b.md"));
        for bad in [
            "",
            "x.md",
            "x.md:",
            "x.md:0",
            "x.md:-3",
            ":4",
            "/etc/passwd:1",
            "../secret.md:1",
            "briefings/../../x.md:2",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }
}
