//! Content that does not fit: overset flows and blocks taller than any
//! frame, and what handbill tells the user about them.

use super::Engine;
use super::collect::{Flat, Pending};
use super::distribute::Region;
use super::footnotes::NOTE_GAP;
use crate::document::{Block, BlockKind, SourceRef, plain_text};
use crate::error::{Error, ErrorKind, Location};
use crate::layout::pages::{Mark, source_of};
use crate::layout::paragraph::{Line, Pos};

impl Engine<'_> {
    /// A repeated run that would make more pages than a document may have.
    pub(super) fn too_many_pages(&self, flow: &str) -> Error {
        Error::new(format!(
            "{}: flow `{flow}` would make more than {} pages",
            self.name, self.max_pages
        ))
        .help("check the sections for text pasted in many times; a briefing pack is rarely more than a few dozen pages")
    }

    /// A document whose template writes more pages (`<page>`) than a
    /// document may have.
    pub(super) fn too_many_fixed_pages(&self) -> Error {
        Error::new(format!(
            "{}: the template makes more than {} pages",
            self.name, self.max_pages
        ))
        .help("check the template's loops around `<page>`: a leaflet or a briefing pack is rarely more than a few dozen pages")
    }

    /// Something taller than a whole, empty frame: no page break can help.
    pub(super) fn too_big(&self, region: &Region, what: &str, height: f32) -> Error {
        let mm = crate::length::MM;
        Error::new(format!(
            "{}: {what} is {:.1} mm tall and frame `{}` on page {} holds only {:.1} mm",
            self.name,
            height / mm,
            region.name,
            region.page + 1,
            (region.bottom() - region.top) / mm
        ))
        .help("make it smaller (a picture's `max-height`, a shorter box) or give the frame more room in the template")
    }

    /// A line that an empty frame cannot hold: a line too tall, or one
    /// whose footnotes are. A line's notes begin at the foot of the frame
    /// its marks are in (only a note of several lines can go on overleaf),
    /// so together they must fit there.
    pub(super) fn line_too_big(&mut self, region: &Region, line: &Line, mark: Mark) -> Error {
        let mm = crate::length::MM;
        let room = region.bottom() - region.top;
        let notes = line.footnotes.len();
        let error = if notes == 0 || line.height > room {
            self.too_big(region, "a line of text", line.height)
        } else {
            // As `plan_notes` measures them: a gap above the first, and
            // each note's lines with a little space after.
            let height: f32 = NOTE_GAP
                + (line.footnotes.iter())
                    .filter_map(|&n| self.note_paragraph(n))
                    .map(|p| {
                        p.lines(Pos::START, region.width)
                            .iter()
                            .map(|(_, l)| l.height)
                            .sum::<f32>()
                            + 2.0
                    })
                    .sum::<f32>();
            let what = match notes {
                1 => "a line with a footnote".to_string(),
                n => format!("a line with {n} footnotes"),
            };
            Error::new(format!(
                "{}: {what} does not fit in frame `{}` on page {}: the line and its notes need {:.1} mm, and the frame holds {:.1} mm",
                self.name,
                region.name,
                region.page + 1,
                (line.height + height) / mm,
                room / mm,
            ))
            .help("a line's footnotes begin at the foot of the page its marks are on, so they must fit there together: spread the marks over several sentences, or cite the sources of one statement in one note (`[^a]: First source; second source.`)")
        };
        // The paragraph's line: the build finds the words in its file.
        let words: String = line.runs.iter().map(|r| &*r.text).collect();
        match source_of(&self.out.structure, mark) {
            Some(at) => error.at(Location {
                source_line: Some(words.trim().into()),
                ..at.location()
            }),
            None => error,
        }
    }

    /// `error` at where the block of `mark` was written: its line in a
    /// section, or the template's own place for it, where that was found.
    pub(super) fn at_written(&self, error: Error, mark: Mark) -> Error {
        let element = match mark {
            Mark::Element(e) => self.out.structure.get(e),
            Mark::Artifact(_) => None,
        };
        let source = source_of(&self.out.structure, mark);
        self.at_place(error, source, element.map(|el| el.markup_at))
    }

    /// `error` at a block's line in its section, or else at the template's
    /// own place for the markup written at byte `markup_at`, where that
    /// was found.
    pub(super) fn at_place(
        &self,
        error: Error,
        source: Option<&SourceRef>,
        markup_at: Option<usize>,
    ) -> Error {
        if let Some(at) = source {
            return error.at(at.location());
        }
        match markup_at.and_then(|at| self.doc.template_place(at)) {
            Some(written) => error.at(written),
            None => error,
        }
    }

    /// [`Engine::too_big`] for a box: one from a section is a code block
    /// (text indented by four spaces, or between ``` lines), which is
    /// never broken across pages; the message goes to its lines.
    pub(super) fn too_big_box(
        &self,
        region: &Region,
        element: usize,
        blocks: &[Block],
        height: f32,
    ) -> Error {
        match (self.out.structure.get(element)).and_then(|e| e.source.as_ref()) {
            // Its first words: the build, which knows the project, finds
            // them in the file (as for the text left over, below).
            Some(at) => (self.too_big(region, "a code block", height))
                .at(Location {
                    source_line: blocks.iter().find_map(first_words).map(Into::into),
                    ..at.location()
                })
                .help("this is a code block (text indented by four spaces, or set between ``` lines), which is never broken across pages: split it into shorter blocks with a line of text between them, or take away the indentation if it is ordinary text"),
            None => self.at_written(self.too_big(region, "a box", height), Mark::Element(element)),
        }
    }
}

/// How many lines left over an overset message counts before it stops and
/// says "more than": some twenty pages of a pack, more than any frame
/// falls short by but for text pasted in many times.
pub(super) const COUNTED_LINES: usize = 2_000;

/// What an overset message has counted of the text left over.
struct LeftOver {
    lines: usize,
    height: f32,
    first_words: String,
    /// The first item's structure element: where it was written.
    first_mark: Option<Mark>,
    /// The first text's: where the words the message quotes were written.
    first_text: Option<Mark>,
    /// Whether counting stopped at [`COUNTED_LINES`] with text still left.
    more: bool,
}

impl Engine<'_> {
    /// Adds one item left over (its words from `from`) to `count`; a long
    /// paragraph is set a window at a time, up to the lines counted.
    fn count_left_over(
        &mut self,
        item: &Flat,
        from: Pos,
        first: bool,
        width: f32,
        count: &mut LeftOver,
    ) {
        if count.more {
            return;
        }
        if count.first_mark.is_none() {
            count.first_mark = match item {
                Flat::Text { mark, .. }
                | Flat::Figure { mark, .. }
                | Flat::Qr { mark, .. }
                | Flat::ContentsEntry { mark, .. } => Some(*mark),
                Flat::Boxed { element, .. } => Some(Mark::Element(*element)),
                _ => None,
            };
        }
        let Flat::Text {
            para,
            indent,
            space_before,
            heading,
            mark,
            ..
        } = item
        else {
            count.height += self.atomic_height(item, width);
            return;
        };
        count.first_text = count.first_text.or(Some(*mark));
        // Left over from the start of a section: name that section.
        if let (Some(h), true, Pos::START) = (heading, first, from) {
            self.last_heading = truncate(&h.title, QUOTED_HEADING);
        }
        if !first {
            count.height += space_before;
        }
        let mut from = Some(from);
        while let Some(start) = from {
            if count.lines >= COUNTED_LINES {
                count.more = true;
                return;
            }
            let (ls, rest) = para.lines_ahead(start, width - indent);
            if count.first_words.is_empty() {
                let t: String = ls
                    .first()
                    .map(|(_, l)| l.runs.iter().map(|r| &*r.text).collect())
                    .unwrap_or_default();
                count.first_words = t.trim().to_string();
            }
            count.lines += ls.len();
            count.height += ls.iter().map(|(_, l)| l.height).sum::<f32>();
            from = rest;
        }
    }
}

/// The text of a paragraph block, to find it again in its file.
fn first_words(block: &Block) -> Option<String> {
    match &block.kind {
        BlockKind::Paragraph(spans) => Some(plain_text(spans)),
        _ => None,
    }
}

/// How many characters of a line a message quotes: more than a line of a
/// page holds (some 100 on A4), less than a pasted text of no spaces.
pub(super) const QUOTED_LINE: usize = 200;

/// How many characters of a section's heading a message quotes.
pub(super) const QUOTED_HEADING: usize = 120;

pub(super) fn truncate(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n).collect::<String>())
    }
}

impl<'a> Engine<'a> {
    /// Reports content that did not fit the fixed frames of its flow:
    /// `items` from the `i`th (its words from `word`), then the blocks of
    /// the flow not yet flattened (`pending`). Past [`COUNTED_LINES`] the
    /// rest is not set to be counted: a section pasted in a thousand times
    /// is told as "more than", in the time a page takes.
    pub(super) fn overset_error(
        &mut self,
        items: &[Flat],
        pending: &mut Pending<'a>,
        i: usize,
        word: Pos,
        flow: &str,
        last: Option<&Region>,
    ) -> Error {
        let width = last.map_or(300.0, |r| r.width);
        let mut count = LeftOver {
            lines: 0,
            height: 0.0,
            first_words: String::new(),
            first_mark: None,
            first_text: None,
            more: false,
        };
        for (k, item) in items[i..].iter().enumerate() {
            let from = if k == 0 { word } else { Pos::START };
            self.count_left_over(item, from, k == 0, width, &mut count);
        }
        // The flow's blocks not reached, flattened one at a time.
        let mut flattened = Vec::new();
        while let Some((block, rest)) = pending.blocks.split_first() {
            if count.lines >= COUNTED_LINES {
                count.more = true;
                break;
            }
            pending.blocks = rest;
            flattened.clear();
            self.flatten(
                std::slice::from_ref(block),
                0.0,
                &mut flattened,
                pending.parent,
            );
            for item in &flattened {
                self.count_left_over(item, Pos::START, false, width, &mut count);
            }
        }
        let LeftOver {
            mut lines,
            mut height,
            mut first_words,
            first_mark,
            first_text,
            more,
        } = count;
        // The rest of long footnotes that found no frame.
        for (n, from) in self.carry.clone() {
            let ls = self
                .note_paragraph(n)
                .map(|p| p.lines(from, width))
                .unwrap_or_default();
            if first_words.is_empty() {
                let t: String = ls
                    .first()
                    .map(|(_, l)| l.runs.iter().map(|r| &*r.text).collect())
                    .unwrap_or_default();
                first_words = format!("{} (footnote {n})", t.trim());
            }
            lines += ls.len();
            height += ls.iter().map(|(_, l)| l.height).sum::<f32>();
        }
        let mm = height / crate::length::MM;
        let frame = last.map_or_else(
            || "(none)".to_string(),
            |r| format!("`{}` on page {}", r.name, r.page + 1),
        );
        let section = if self.last_heading.is_empty() {
            String::new()
        } else {
            format!(" in the section “{}”", self.last_heading)
        };
        // Where the first text left over was written, if in a section.
        // The block the words quoted come from: its first text left over,
        // else the first thing with a place, else a note carried on. Only
        // that block: a section's block after the template's own text is
        // not where the text left over was written.
        let note = self
            .carry
            .iter()
            .find_map(|(n, _)| self.note_marks.get(n).copied());
        let left = first_text.or(first_mark).or(note);
        let source = left
            .and_then(|m| source_of(&self.out.structure, m))
            .cloned();
        let template_line = match left {
            Some(Mark::Element(e)) if source.is_none() => {
                (self.out.structure.get(e)).map(|el| (el.markup_line, el.markup_at))
            }
            _ => None,
        };
        let (lines, verb) = match (lines, more) {
            (_, true) => (format!("more than {lines} lines (over {mm:.1} mm)"), "do"),
            (1, false) => (format!("1 line ({mm:.1} mm)"), "does"),
            (_, false) => (format!("{lines} lines ({mm:.1} mm)"), "do"),
        };
        let error = Error::new(format!(
            "{}: overset: {lines} of flow `{flow}` {verb} not fit; the last frame is {frame}; the text left over starts “{}”{section}",
            self.name,
            truncate(&first_words, 60),
        ))
        .help("drop a section from the briefing or shorten one; or add `fit: shrink` to the briefing to let handbill set the text smaller")
        .kind(ErrorKind::Overset);
        // The last frame filled, for the preview to outline.
        let error = match last {
            Some(r) => error.on_page(r.place()),
            None => error,
        };
        // The line of the paragraph left over; the build, which knows the
        // project, reads it from the file and finds the words as set in it.
        let written = template_line.and_then(|(_, at)| self.doc.template_place(at));
        match (source, template_line, written) {
            (Some(at), _, _) => error.at(Location {
                source_line: Some(first_words.into()),
                ..at.location()
            }),
            // The template's own text: where the template wrote it, else its
            // file and the line of the markup it wrote, as the markup's own
            // errors give them.
            (None, _, Some(written)) => error.at(written),
            (None, Some((line, _)), None) if line > 0 => Error {
                message: format!(
                    "{} (line {line} of the markup that template {} produced)",
                    error.message,
                    self.doc.template.display()
                ),
                ..error
            }
            .at(Location::file(&self.doc.template)),
            _ => error,
        }
    }
}
