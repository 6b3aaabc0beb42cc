//! The laid-out document: pages of positioned glyph runs, images, rules
//! and links, with the outline, structure and report the PDF is written
//! from. Plain data: the layout's output and the PDF stage's input.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::colour::Cmyk;
use crate::layout::font::FaceId;

/// The laid-out document.
#[derive(Debug, Clone, Default)]
pub struct Pages {
    pub pages: Vec<Page>,
    /// Headings for the PDF outline, in order.
    pub outline: Vec<OutlineEntry>,
    /// Where each heading anchor is: page index and y.
    pub anchors: BTreeMap<String, (usize, f32)>,
    /// Things the user should know that did not stop the build.
    pub warnings: Vec<String>,
    /// How the text was set, line by line: the typesetting report.
    pub report: Report,
    /// Each picture placed, with its page and effective resolution (pixels
    /// per inch at the size it is printed).
    pub resolutions: Vec<(String, usize, f32)>,
    pub title: String,
    pub lang: String,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    /// The document's logical structure, for a tagged (accessible) PDF:
    /// parents before their children, siblings in reading order.
    pub structure: Vec<Element>,
}

/// The typesetting report: what a careful typesetter would check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub lines: usize,
    pub hyphenated: usize,
    /// Lines wider than their measure: where and what.
    pub overfull: Vec<String>,
    /// Justified lines whose spaces had to stretch more than they should.
    pub loose: Vec<String>,
    /// Widows and orphans no page break could avoid.
    pub widows_and_orphans: Vec<String>,
}

/// Spaces stretched past this share of their stretch make a loose line.
pub const LOOSE: f32 = 1.0;

impl Report {
    /// One line for people: counts, then the problems.
    pub fn summary(&self) -> String {
        format!(
            "{} lines, {} hyphenated, {} overfull, {} loose, {} widows or orphans",
            self.lines,
            self.hyphenated,
            self.overfull.len(),
            self.loose.len(),
            self.widows_and_orphans.len()
        )
    }
}

/// One page; coordinates in points from the top-left corner.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The trimmed (finished) size.
    pub width: f32,
    pub height: f32,
    /// How far backgrounds that touch the trim edge run on past it.
    pub bleed: f32,
    /// Where the sheet is folded: distances from the left trim edge.
    pub folds: Vec<f32>,
    pub items: Vec<Placed>,
    pub links: Vec<Link>,
    /// A watermark behind everything else: its run (set around the origin)
    /// is drawn turned 45° about the page's centre.
    pub watermark: Option<GlyphRun>,
}

/// An item on a page and what it is in the document's structure.
#[derive(Debug, Clone)]
pub struct Placed {
    pub mark: Mark,
    pub item: Item,
}

/// Which structure element a piece of a page belongs to; or that it is
/// page furniture a screen reader skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Part of element `n` of [`Pages::structure`].
    Element(usize),
    Artifact(Artifact),
}

/// Kinds of page furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    Header,
    Footer,
    Watermark,
    /// Page and frame backgrounds, a box's fill and border.
    Background,
    /// Rules, leader dots, the line above the footnotes.
    Decoration,
    /// Paragraph numbers in the margin: they number, they are not the text.
    Number,
}

/// One element of the document's structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub role: Role,
    /// An index into [`Pages::structure`]; `None` for a flow.
    pub parent: Option<usize>,
}

/// What an element is. An element holds either content (text, a picture)
/// or other elements, never both: the order of its parts is then simply
/// the order they are drawn in, or were made in.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// The blocks of one flow. Flows are read by `rank` (the lowest
    /// `order` of their frames: a folded leaflet's reading order), then in
    /// the order of the page each starts on (a cover's frames before the
    /// body that follows).
    Flow {
        rank: i64,
    },
    Heading {
        level: u8,
        title: String,
    },
    Paragraph,
    List {
        ordered: bool,
    },
    ListItem,
    /// A list item's bullet or number.
    Label,
    ListBody,
    Quote,
    /// A box's blocks.
    Group,
    Figure {
        /// What the picture shows, for readers who cannot see it.
        alt: String,
    },
    Caption,
    /// A footnote's number and text.
    Note,
    Contents,
    ContentsEntry,
}

#[derive(Debug, Clone)]
pub enum Item {
    Text(GlyphRun),
    Image {
        key: String,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Option<Cmyk>,
        stroke: Option<(Cmyk, f32)>,
    },
}

/// Glyphs of one face, size and colour, with the text they show.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    /// Start of the run; `y` is the baseline.
    pub x: f32,
    pub y: f32,
    pub face: FaceId,
    pub size: f32,
    pub color: Cmyk,
    pub glyphs: Vec<PlacedGlyph>,
    /// The source text: copying and searching the PDF give this.
    pub text: String,
    pub underline: bool,
}

impl GlyphRun {
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// A glyph with its advance and offsets in points.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// The bytes of the run's text this glyph shows.
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub target: LinkTarget,
    /// The element of the linked text.
    pub mark: Mark,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    Uri(String),
    /// A heading anchor in this document.
    Anchor(String),
}

#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    pub level: u8,
    pub anchor: String,
}
