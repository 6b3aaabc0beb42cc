//! The laid-out document: pages of positioned glyph runs, images, rules
//! and links, with the outline, structure and report the PDF is written
//! from. Plain data: the layout's output and the PDF stage's input.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use crate::colour::Cmyk;
use crate::document::SourceRef;
use crate::error::Warning;
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
    pub warnings: Vec<Warning>,
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
    /// The faces the glyph runs' `face` numbers count in (none: the
    /// bundled ones).
    pub fonts: Option<std::sync::Arc<crate::layout::font::FontBook>>,
}

impl Pages {
    /// The faces the glyph runs are set in.
    pub fn font_book(&self) -> std::sync::Arc<crate::layout::font::FontBook> {
        self.fonts
            .clone()
            .unwrap_or_else(crate::layout::font::FontBook::bundled)
    }
}

/// The typesetting report: what a careful typesetter would check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub lines: usize,
    pub hyphenated: usize,
    /// Lines wider than their measure: where and what.
    pub overfull: Vec<Warning>,
    /// Justified lines whose spaces had to stretch more than they should.
    pub loose: Vec<Warning>,
    /// Widows and orphans no page break could avoid.
    pub widows_and_orphans: Vec<Warning>,
    /// Table rows taller than a frame, split across two.
    pub split_rows: Vec<Warning>,
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

impl Page {
    /// Puts the page's coloured backgrounds (of the page, frames, boxes and
    /// cells) under everything else, each in the order it was made: a
    /// frame filled after another's text, such as a coloured panel with no
    /// text of its own lying under it, would otherwise be painted over that
    /// text. Borders stay where they were drawn.
    pub fn backgrounds_first(&mut self) {
        let is_background = |p: &Placed| {
            p.mark == Mark::Artifact(Artifact::Background)
                && matches!(p.item, Item::Rect { fill: Some(_), .. })
        };
        let first_other = self.items.iter().position(|p| !is_background(p));
        let late = first_other.is_some_and(|i| self.items[i..].iter().any(is_background));
        if late {
            let (mut under, over): (Vec<Placed>, Vec<Placed>) = std::mem::take(&mut self.items)
                .into_iter()
                .partition(is_background);
            under.extend(over);
            self.items = under;
        }
    }
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
    /// The section file and line of the block it was made from, if it was
    /// written in a section (not drawn in the PDF).
    pub source: Option<SourceRef>,
    /// The line of the layout markup its block was written on, and the
    /// byte it starts at: where a message about a template's own text
    /// points ([`crate::document::Document::template_places`]).
    pub markup_line: usize,
    pub markup_at: usize,
}

/// The section file and line an element (or the nearest of its parents)
/// was written at.
pub fn source_of(structure: &[Element], mark: Mark) -> Option<&SourceRef> {
    let Mark::Element(mut e) = mark else {
        return None;
    };
    // Parents come before their children: the walk ends.
    loop {
        let element = structure.get(e)?;
        if let Some(source) = &element.source {
            return Some(source);
        }
        e = element.parent.filter(|p| *p < e)?;
    }
}

/// Where a block of a section's text lies on a page: what the preview
/// shows when a paragraph is clicked. Points from the page's top-left.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceBox {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub source: SourceRef,
}

impl SourceBox {
    /// Whether a rectangle lies on or beside the box: a list's marker 5 pt
    /// to the left of its text, the next line below; not the next column
    /// (gutters are wider).
    fn touches(&self, x: f32, y: f32, w: f32, h: f32) -> bool {
        const ACROSS: f32 = 8.0;
        const DOWN: f32 = 2.0;
        x < self.x + self.width + ACROSS
            && self.x < x + w + ACROSS
            && y < self.y + self.height + DOWN
            && self.y < y + h + DOWN
    }

    fn take_in(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let (right, bottom) = (
            (self.x + self.width).max(x + w),
            (self.y + self.height).max(y + h),
        );
        self.x = self.x.min(x);
        self.y = self.y.min(y);
        self.width = right - self.x;
        self.height = bottom - self.y;
    }
}

impl Pages {
    /// The boxes of section text on the pages: for each element written in
    /// a section, the rectangle around its lines (or picture) on each page
    /// and column it is set in. A line's box runs from a little above its
    /// baseline (the font size) to a little below it. Made on asking, from
    /// the pages, so it costs a build nothing.
    pub fn source_boxes(&self) -> Vec<SourceBox> {
        let mut out: Vec<SourceBox> = Vec::new();
        for (n, page) in self.pages.iter().enumerate() {
            let first = out.len();
            for placed in &page.items {
                let Some(source) = source_of(&self.structure, placed.mark) else {
                    continue;
                };
                let (x, y, w, h) = match &placed.item {
                    Item::Text(run) => {
                        (run.x, run.y - 0.8 * run.size, run.width(), 1.05 * run.size)
                    }
                    Item::Image {
                        x,
                        y,
                        width,
                        height,
                        ..
                    } => (*x, *y, *width, *height),
                    Item::Rect { .. } => continue,
                };
                match out[first..]
                    .iter_mut()
                    .find(|b| b.source == *source && b.touches(x, y, w, h))
                {
                    Some(b) => b.take_in(x, y, w, h),
                    None => out.push(SourceBox {
                        page: n,
                        x,
                        y,
                        width: w,
                        height: h,
                        source: source.clone(),
                    }),
                }
            }
        }
        out
    }
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
    /// A table: its header rows, its body rows, a row, a header cell (read
    /// as the heading of its column) and a data cell.
    Table,
    TableHead,
    TableBody,
    TableRow,
    TableHeader,
    TableData,
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
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// Start of the run; `y` is the baseline.
    pub x: f32,
    pub y: f32,
    pub face: FaceId,
    pub size: f32,
    pub color: Cmyk,
    /// Shared, not copied, between a paragraph's line and the pages it is
    /// placed on (and between the copies of a document): a long pack holds
    /// each line's glyphs once.
    pub glyphs: Arc<[PlacedGlyph]>,
    /// The source text: copying and searching the PDF give this. Shared,
    /// like the glyphs, by a line and the pages that place it.
    pub text: std::sync::Arc<str>,
    pub underline: bool,
    /// How much wider (above 1) or narrower than the font draws them its
    /// glyphs are drawn: the glyph expansion of a justified line, at most
    /// 2 %. The advances already count it.
    pub expansion: f32,
}

impl GlyphRun {
    pub fn width(&self) -> f32 {
        PlacedGlyph::width_of(&self.glyphs)
    }
}

/// A glyph as placed: its advance in points, how far from its place it
/// is drawn, and the bytes of its run's text it shows. 16 bytes, not the 24
/// of points and a range of offsets: a long pack holds millions.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    /// How far right and up of its place it is drawn, in its face's units
    /// (`units_per_em` to the em; [`PlacedGlyph::offset`] in points), 16
    /// bits as fonts store them. Nought but for marks set on a letter.
    pub x_offset: i16,
    pub y_offset: i16,
    /// How many bytes of text from `start` it shows: at most
    /// [`PlacedGlyph::MAX_TEXT`] (a letter with some 30,000 accents stacked
    /// on it shows the first).
    len: u16,
    pub advance: f32,
    start: u32,
}

impl PlacedGlyph {
    /// The most bytes of text a glyph shows. Where a cut is made, its maker
    /// puts it on a character's boundary: this type does not see the text.
    pub const MAX_TEXT: usize = u16::MAX as usize;

    /// A glyph `advance` points wide, drawn at its place, showing the bytes
    /// `text` of its run's text (from a run's text, far below 4 GB).
    pub fn new(id: u16, advance: f32, text: Range<usize>) -> PlacedGlyph {
        PlacedGlyph {
            id,
            x_offset: 0,
            y_offset: 0,
            len: u16::try_from(text.len()).unwrap_or(u16::MAX),
            advance,
            start: u32::try_from(text.start).unwrap_or(u32::MAX),
        }
    }

    /// The glyph drawn `x` and `y` font units right and up of its place.
    pub fn offset_by(self, x: i32, y: i32) -> PlacedGlyph {
        let clamp = |v: i32| v.clamp(i16::MIN.into(), i16::MAX.into()) as i16;
        PlacedGlyph {
            x_offset: clamp(x),
            y_offset: clamp(y),
            ..self
        }
    }

    /// Its offsets in points, in a run whose face has `scale` points to
    /// the font unit.
    pub fn offset(&self, scale: f32) -> (f32, f32) {
        (self.x_offset as f32 * scale, self.y_offset as f32 * scale)
    }

    /// How wide `glyphs` are, set one after the other.
    pub fn width_of(glyphs: &[PlacedGlyph]) -> f32 {
        glyphs.iter().map(|g| g.advance).sum()
    }

    /// The bytes of `text` (its run's) this glyph shows.
    pub fn text(&self) -> Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }

    /// The glyph showing its bytes from `start` of its run's text on.
    pub fn text_from(self, start: usize) -> PlacedGlyph {
        PlacedGlyph {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            ..self
        }
    }
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
    /// Shared with the spans and lines of the link's text.
    Uri(std::sync::Arc<str>),
    /// A heading anchor in this document.
    Anchor(std::sync::Arc<str>),
}

#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    pub level: u8,
    pub anchor: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::tests::doc_of;

    #[test]
    fn section_text_knows_its_place_and_template_text_has_none() {
        let doc = doc_of(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f"><p>The template's own words.</p><p src="a.md:3">Words from a section.<footnote>A note on them.</footnote></p><ul src="a.md:5"><li src="a.md:5">First item</li><li src="a.md:6">Second item</li></ul></flow></document>"#,
        );
        let pages = crate::layout::layout(
            &doc,
            &BTreeMap::new(),
            "t",
            &Default::default(),
            &crate::layout::FontBook::bundled(),
            &crate::layout::LayoutMemo::new(),
        )
        .unwrap();
        let at = |needle: &str| {
            let placed = pages.pages[0]
                .items
                .iter()
                .find(|p| matches!(&p.item, Item::Text(r) if r.text.contains(needle)))
                .unwrap_or_else(|| panic!("no `{needle}`"));
            source_of(&pages.structure, placed.mark).map(ToString::to_string)
        };
        assert_eq!(at("own"), None);
        assert_eq!(at("section").as_deref(), Some("a.md:3"));
        // The note at the foot names the paragraph it was written in; a
        // list's bullet, its item.
        assert_eq!(at("note").as_deref(), Some("a.md:3"));
        assert_eq!(at("Second").as_deref(), Some("a.md:6"));
        assert_eq!(at("•"), Some("a.md:5".to_string()));
        // One box for each paragraph and item, one for the note at the foot.
        let boxes = pages.source_boxes();
        let named: Vec<String> = boxes.iter().map(|b| b.source.to_string()).collect();
        assert_eq!(named, ["a.md:3", "a.md:5", "a.md:6", "a.md:3"], "{boxes:?}");
        let (paragraph, note) = (&boxes[0], &boxes[3]);
        assert!(note.y > paragraph.y + paragraph.height, "{boxes:?}");
        // Each box holds its lines: the second item's lies below the first.
        assert!(
            boxes[2].y >= boxes[1].y + boxes[1].height - 0.5,
            "{boxes:?}"
        );
    }

    #[test]
    fn a_glyph_takes_16_bytes_and_keeps_what_it_cannot_hold_within_bounds() {
        assert_eq!(std::mem::size_of::<PlacedGlyph>(), 16);
        let g = PlacedGlyph::new(7, 5.5, 3..5).offset_by(-120, 300);
        assert_eq!((g.text(), g.offset(0.5)), (3..5, (-60.0, 150.0)));
        assert_eq!(g.clone().text_from(10).text(), 10..12);
        // A letter with 40,000 accents stacked on it (hostile text): the
        // first 65,535 bytes of its cluster, its marks no further than
        // 16 bits of font units.
        let stacked = PlacedGlyph::new(1, 5.0, 0..80_002).offset_by(0, 40_000 * 500);
        assert_eq!((stacked.text(), stacked.y_offset), (0..65_535, i16::MAX));
    }
}
