//! The layout markup's document model: what the markup parser gives and
//! the layout reads. Masters (page designs), page runs, frames, and the
//! flows of blocks and spans with their styles resolved. Plain data, with
//! no parsing of its own.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::colour::Cmyk;
use crate::error::Location;
use crate::theme::Style;

/// The most blocks of a template's own text whose place in the template a
/// document keeps: each is looked for in every template line.
pub const MAX_TEMPLATE_PLACES: usize = 10_000;

/// A whole document, ready for layout.
#[derive(Debug, Clone)]
pub struct Document {
    /// The template that wrote the markup: messages about its own text
    /// name it.
    pub template: PathBuf,
    pub title: String,
    /// Where the template wrote the blocks of its own text, by the markup
    /// byte each starts at: the template's line and column (see
    /// `template::origin`). A message about one (an overset) shows it
    /// ([`Document::template_place`]), even where one line wrote several
    /// blocks. At most [`MAX_TEMPLATE_PLACES`] blocks.
    pub template_places: BTreeMap<usize, (usize, usize)>,
    /// The text of each template line in `template_places`, held once for
    /// all the blocks it wrote.
    pub template_lines: BTreeMap<usize, String>,
    /// The document's language tag, as handbill reads it (`ru`).
    pub lang: String,
    /// The language as the markup writes it, where handbill reads it
    /// otherwise (`rus`, read as `ru`): the build warns of it, at the
    /// place in the template that wrote the attribute where that can be
    /// told (see `template::origin`).
    pub lang_written: Option<(String, Option<Location>)>,
    pub author: Option<String>,
    pub subject: Option<String>,
    /// The PDF's keywords: `keywords="a, b"`, split at the commas.
    pub keywords: Vec<String>,
    /// Words set large and pale behind the text of every page (DRAFT).
    pub watermark: Option<String>,
    pub masters: Vec<Master>,
    pub runs: Vec<PageRun>,
    pub flows: BTreeMap<String, Vec<Block>>,
}

/// What the document numbers: `<document numbering="sections paragraphs">`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Numbering {
    /// Headings as 1, 1.1, 1.2, 2 …
    pub sections: bool,
    /// Plain paragraphs, continuously through the document, in the margin.
    pub paragraphs: bool,
}

/// A page design: size, margins, columns, running header and footer.
#[derive(Debug, Clone)]
pub struct Master {
    pub name: String,
    pub width: f32,
    pub height: f32,
    /// Top, right, bottom, left, in points.
    pub margin: [f32; 4],
    pub columns: usize,
    pub gutter: f32,
    pub header: Vec<Block>,
    pub footer: Vec<Block>,
    pub background: Option<Cmyk>,
    /// Bleed for print: backgrounds touching the trim edge run on this far.
    pub bleed: f32,
    /// Fold lines, as distances from the left trim edge.
    pub folds: Vec<f32>,
}

impl Master {
    /// The width of each of its columns, between the margins, less the
    /// gutters.
    pub fn column_width(&self) -> f32 {
        let inner = self.width - self.margin[1] - self.margin[3];
        (inner - self.gutter * (self.columns as f32 - 1.0)) / self.columns as f32
    }
}

/// How pages are made, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum PageRun {
    /// Pages of `master` until `flow` is empty.
    Repeat { master: usize, flow: String },
    /// One page of `master` with fixed frames.
    Fixed { master: usize, frames: Vec<Frame> },
}

/// A rectangle on a fixed page that a flow is poured into.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    pub flow: String,
    /// Position and size in points, from the top-left corner of the page.
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// `bottom` sets the content at the foot of the frame.
    pub align_bottom: bool,
    pub background: Option<Cmyk>,
    pub padding: f32,
    /// The frames of a flow are filled in the order of these numbers, then
    /// in document order: a folded leaflet is read in another order than
    /// its panels are printed.
    pub order: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// Shared by the blocks and spans of one style (see `markup::Parser::resolve`).
    pub style: Arc<Style>,
    /// Line in the generated markup, for messages.
    pub line: usize,
    /// The byte of the generated markup the block starts at: the key of
    /// its place in the template ([`Document::template_places`]).
    pub markup_at: usize,
    /// The paragraph's number in the margin (legal style), if numbered.
    pub number: Option<String>,
    /// Whether the element had a `class`: numbering skips those (titles,
    /// source lists), counting only the plain paragraphs of the text.
    pub classed: bool,
    /// A heading with `number="no"` (the Sources) takes no section number.
    pub unnumbered: bool,
    /// The section file and line the block was written at, when it came
    /// from a section's Markdown (`src="FILE:LINE"`): messages about it and
    /// the preview name this place.
    pub source: Option<SourceRef>,
}

/// A place in a section file: its path inside the project and a line
/// (from 1). Shown as `briefings/profiles/kazakhstan/07-vadim-kuramshin.md:5`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRef {
    /// Shared by the blocks and elements of one section file.
    pub file: Arc<Path>,
    pub line: usize,
}

impl SourceRef {
    /// The place as a message gives it: the line, from its first column.
    pub fn location(&self) -> Location {
        Location {
            file: self.file.to_path_buf(),
            line: self.line,
            column: 1,
            source_line: None,
        }
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Paragraph(Vec<Span>),
    Heading {
        level: u8,
        spans: Vec<Span>,
        anchor: Option<String>,
        /// Whether the heading appears in the contents and the PDF outline.
        listed: bool,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
        marker_style: Arc<Style>,
    },
    Quote(Vec<Block>),
    Boxed(Vec<Block>),
    Figure {
        image: String,
        width: Width,
        /// The style of a caption taken from the profile.
        caption_style: Arc<Style>,
        /// A fixed height in points, cropping nothing: the image is fitted.
        max_height: Option<f32>,
        caption: Vec<Span>,
    },
    Rule,
    /// A QR code: the dark modules, row by row, `modules` wide.
    Qr {
        modules: usize,
        dark: Vec<bool>,
        size: Width,
        color: Cmyk,
        /// What it encodes: a reader who cannot scan it is told this.
        data: String,
    },
    Contents {
        entry_style: Arc<Style>,
    },
    /// A table: its block's style is the `table` style (rules, spacing).
    Table(Table),
    Space(f32),
    PageBreak,
    FrameBreak,
}

/// A table's columns and rows, as the markup gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// The header rows: repeated at the top of each page the table goes on to.
    pub head: Vec<Row>,
    pub body: Vec<Row>,
    /// Where the minimum widths do not fit the frame: set each row as
    /// `header: value` lines (`tables="stack"`) instead of stopping the build.
    pub stack: bool,
}

/// A column: how its cells are aligned and, if fixed, its width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub align: Option<crate::theme::Align>,
    pub width: Option<Width>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// The row's own style (`tr`, and `tr.even` on every second body row):
    /// its background tints the row.
    pub style: Arc<Style>,
}

/// A cell: its text, set as a paragraph in the `th` or `td` style.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub spans: Vec<Span>,
    pub style: Arc<Style>,
    pub header: bool,
}

/// A width: a share of the frame's, or a fixed one (never more than the frame's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Width {
    Fraction(f32),
    Points(f32),
}

impl Width {
    /// The width in points in a frame `available` points wide.
    pub fn of(self, available: f32) -> f32 {
        match self {
            Width::Fraction(f) => available * f.clamp(0.01, 1.0),
            Width::Points(p) => p.min(available),
        }
    }
}

/// A piece of inline content with one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub content: SpanContent,
    pub style: Arc<Style>,
    /// Where the text links to: one target for all the spans of a link,
    /// shared, however long the address and however many words it covers.
    pub link: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SpanContent {
    Text(String),
    LineBreak,
    /// A footnote: its mark goes here, its text to the foot of the page.
    Footnote {
        note: Vec<Span>,
        mark_style: Arc<Style>,
    },
    PageNumber,
    PageCount,
}

impl Document {
    /// Where the template wrote the block at the markup's byte
    /// `markup_at`, with the template's line shown, if that was found.
    pub fn template_place(&self, markup_at: usize) -> Option<Location> {
        let &(line, column) = self.template_places.get(&markup_at)?;
        Some(Location {
            file: self.template.clone(),
            line,
            column,
            source_line: self.template_lines.get(&line).map(|l| l.as_str().into()),
        })
    }

    /// The document with the text of the flows that fill fixed frames set
    /// `factor` times as large (`fit: shrink`). Pictures, QR codes and the
    /// page geometry stay as they are.
    pub fn with_fixed_text_scaled(&self, factor: f32) -> Document {
        let fixed: std::collections::HashSet<&String> = self
            .runs
            .iter()
            .filter_map(|r| match r {
                PageRun::Fixed { frames, .. } => Some(frames.iter().map(|f| &f.flow)),
                PageRun::Repeat { .. } => None,
            })
            .flatten()
            .collect();
        let mut doc = self.clone();
        for (name, blocks) in doc.flows.iter_mut() {
            if fixed.contains(&name) {
                for b in blocks.iter_mut() {
                    scale_block(b, factor);
                }
            }
        }
        doc
    }
}

fn scale_spans(spans: &mut [Span], f: f32) {
    for s in spans {
        s.style = Arc::new(s.style.scaled(f));
        if let SpanContent::Footnote { note, mark_style } = &mut s.content {
            *mark_style = Arc::new(mark_style.scaled(f));
            scale_spans(note, f);
        }
    }
}

fn scale_block(block: &mut Block, f: f32) {
    block.style = Arc::new(block.style.scaled(f));
    match &mut block.kind {
        BlockKind::Paragraph(spans) | BlockKind::Heading { spans, .. } => scale_spans(spans, f),
        BlockKind::List {
            items,
            marker_style,
            ..
        } => {
            *marker_style = Arc::new(marker_style.scaled(f));
            items.iter_mut().flatten().for_each(|b| scale_block(b, f));
        }
        BlockKind::Quote(c) | BlockKind::Boxed(c) => c.iter_mut().for_each(|b| scale_block(b, f)),
        BlockKind::Figure {
            caption,
            caption_style,
            ..
        } => {
            *caption_style = Arc::new(caption_style.scaled(f));
            scale_spans(caption, f);
        }
        BlockKind::Contents { entry_style } => *entry_style = Arc::new(entry_style.scaled(f)),
        BlockKind::Table(t) => {
            for row in t.head.iter_mut().chain(t.body.iter_mut()) {
                row.style = Arc::new(row.style.scaled(f));
                for cell in &mut row.cells {
                    cell.style = Arc::new(cell.style.scaled(f));
                    scale_spans(&mut cell.spans, f);
                }
            }
            for c in &mut t.columns {
                if let Some(Width::Points(p)) = &mut c.width {
                    *p *= f;
                }
            }
        }
        BlockKind::Space(h) => *h *= f,
        BlockKind::Rule | BlockKind::Qr { .. } | BlockKind::PageBreak | BlockKind::FrameBreak => {}
    }
}

/// The text of some spans, as a title or outline entry shows it: line
/// breaks as spaces, footnote marks and page numbers left out.
pub fn plain_text(spans: &[Span]) -> String {
    let mut out = String::new();
    for s in spans {
        match &s.content {
            SpanContent::Text(t) => out.push_str(t),
            SpanContent::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}
