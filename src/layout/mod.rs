//! Stage 6, layout: the document tree becomes pages of positioned glyph
//! runs, images, rules and links.
//!
//! Flows are poured into frames in order: the columns of pages made from a
//! master until the flow is empty (briefing packs), or the fixed frames of
//! single pages (leaflets). Content left over after a flow's last fixed frame
//! is **overset**: [`overset_error`] is where that check lives and what it
//! tells the user.
//!
//! Paragraphs are set in `paragraph`, shaping is in `font`.

pub mod font;
pub mod linebreak;
pub mod paragraph;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::error::{Error, Result};
use crate::markup::{
    Block, BlockKind, Document, Frame, Master, PageRun, Span, SpanContent, Width, plain_text,
};
use crate::select::Picture;
use crate::theme::{Cmyk, Style};
use font::{FaceId, Shaper};
use paragraph::{Line, Numbers, Paragraph, Pos};

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

/// Lays out a document. `name` names the briefing in messages.
pub fn layout(
    doc: &Document,
    images: &BTreeMap<String, Picture>,
    name: &str,
    hyphenation: &font::Hyphenation,
) -> Result<Pages> {
    paragraph::start_document();
    let mut shaper = Shaper::new();
    shaper.hyphenation = hyphenation.clone();
    let remember = remember_pours(doc, images, name, hyphenation);
    let run = |known: &BTreeMap<String, usize>| {
        let mut engine = Engine::new(doc, images, &shaper, known, name);
        engine.remember = remember;
        engine.run()
    };
    let mut known = BTreeMap::new();
    let has_contents = doc.flows.values().flatten().any(contains_contents);
    // Contents need the page of every heading: lay out once to learn them,
    // then again with the numbers in place (their widths do not move text).
    let mut passes = 2;
    let first = if remember && has_contents {
        first_pass_remembered(doc)
    } else {
        None
    };
    let mut pages = match first {
        // Made, the first pass's pages would give way to the next pass's.
        Some(found) => {
            known = found;
            passes -= 1;
            run(&known)?
        }
        None => run(&known)?,
    };
    if has_contents {
        for _ in 0..passes {
            let found: BTreeMap<String, usize> = pages
                .anchors
                .iter()
                .map(|(a, (p, _))| (a.clone(), p + 1))
                .collect();
            if found == known {
                break;
            }
            known = found;
            pages = run(&known)?;
        }
    }
    // On the pages kept, whichever pass (or remembered pour) met them.
    for c in shaper.missing.borrow().iter() {
        pages.warnings.push(format!(
            "{name}: the character “{c}” (U+{:04X}) is in none of the bundled fonts; it prints as an empty box",
            *c as u32
        ));
    }
    Ok(pages)
}

/// How many pages a pour may have and still be remembered.
const MAX_POURED_PAGES: usize = 100;
/// A document is laid out at most three times (the contents' passes).
const MAX_POURED_PASSES: usize = 3;

thread_local! {
    /// What the repeated runs of the last document poured, for the next
    /// document whose repeated runs are the same: the copies of a pack
    /// differ only in their cover and running heads.
    static POURED: std::cell::RefCell<Option<Poured>> = const { std::cell::RefCell::new(None) };
}

struct Poured {
    from: PouredFrom,
    /// The pour of each pass, by the page numbers its contents showed.
    passes: Vec<(BTreeMap<String, usize>, Filled)>,
}

/// Everything the repeated runs of a document are poured from.
struct PouredFrom {
    name: String,
    hyphenation: font::Hyphenation,
    runs: Vec<PageRun>,
    masters: Vec<Master>,
    /// The flows of the repeated runs, in order.
    flows: Vec<Vec<Block>>,
    pictures: Vec<(String, u32, u32, crate::model::ImageAsset)>,
}

impl PouredFrom {
    fn of(
        doc: &Document,
        images: &BTreeMap<String, Picture>,
        name: &str,
        hyphenation: &font::Hyphenation,
    ) -> PouredFrom {
        PouredFrom {
            name: name.to_string(),
            hyphenation: hyphenation.clone(),
            runs: doc.runs.clone(),
            masters: doc.masters.clone(),
            flows: repeated_flows(doc).map(<[Block]>::to_vec).collect(),
            pictures: images
                .iter()
                .map(|(k, p)| (k.clone(), p.width_px, p.height_px, p.asset.clone()))
                .collect(),
        }
    }

    fn matches(
        &self,
        doc: &Document,
        images: &BTreeMap<String, Picture>,
        name: &str,
        hyphenation: &font::Hyphenation,
    ) -> bool {
        self.name == name
            && self.hyphenation == *hyphenation
            && self.runs == doc.runs
            && self.masters.len() == doc.masters.len()
            && self
                .masters
                .iter()
                .zip(&doc.masters)
                .all(|(a, b)| same_design(a, b))
            && self.flows.iter().map(Vec::as_slice).eq(repeated_flows(doc))
            && self
                .pictures
                .iter()
                .map(|(k, w, h, a)| (k, *w, *h, a))
                .eq(images
                    .iter()
                    .map(|(k, p)| (k, p.width_px, p.height_px, &p.asset)))
    }
}

/// The blocks of each repeated run's flow, in order.
fn repeated_flows(doc: &Document) -> impl Iterator<Item = &[Block]> {
    doc.runs.iter().filter_map(|r| match r {
        PageRun::Repeat { flow, .. } => Some(doc.flows.get(flow).map_or(&[][..], Vec::as_slice)),
        PageRun::Fixed { .. } => None,
    })
}

/// Whether two masters make the same pages, running heads aside (those
/// are set after the flows).
fn same_design(a: &Master, b: &Master) -> bool {
    let Master {
        name,
        width,
        height,
        margin,
        columns,
        gutter,
        header: _,
        footer: _,
        background,
        bleed,
        folds,
    } = a;
    *name == b.name
        && *width == b.width
        && *height == b.height
        && *margin == b.margin
        && *columns == b.columns
        && *gutter == b.gutter
        && *background == b.background
        && *bleed == b.bleed
        && *folds == b.folds
}

/// Whether the passes of `doc` may take the pour of its repeated runs from
/// [`POURED`] and keep it there. Those runs are poured before any fixed
/// frame is filled, and of the fixed flows they read only the headings a
/// contents lists: there must be none (nor any other, so that every heading
/// is in the repeated runs).
fn remember_pours(
    doc: &Document,
    images: &BTreeMap<String, Picture>,
    name: &str,
    hyphenation: &font::Hyphenation,
) -> bool {
    let fixed_heading = doc.runs.iter().any(|r| match r {
        PageRun::Fixed { frames, .. } => frames
            .iter()
            .any(|f| doc.flows.get(&f.flow).is_some_and(|b| has_heading(b))),
        PageRun::Repeat { .. } => false,
    });
    if fixed_heading || !doc.runs.iter().any(|r| matches!(r, PageRun::Repeat { .. })) {
        return false;
    }
    POURED.with(|p| {
        let mut p = p.borrow_mut();
        if !p
            .as_ref()
            .is_some_and(|p| p.from.matches(doc, images, name, hyphenation))
        {
            // Its first pour small enough to keep will say what it is from.
            *p = None;
        }
    });
    true
}

/// What the first pass of `doc`, whose repeated runs [`POURED`] holds,
/// would find: the page of each heading, all in those runs. It is not made
/// when it would be made again, and could fail only where the next pass
/// fails too: both fill the fixed frames alike (the same frames on the same
/// pages, the same footnote numbers, no contents there).
fn first_pass_remembered(doc: &Document) -> Option<BTreeMap<String, usize>> {
    let fixed_contents = doc.runs.iter().any(|r| match r {
        PageRun::Fixed { frames, .. } => frames.iter().any(|f| {
            doc.flows
                .get(&f.flow)
                .is_some_and(|b| b.iter().any(contains_contents))
        }),
        PageRun::Repeat { .. } => false,
    });
    if fixed_contents {
        return None;
    }
    POURED.with(|p| {
        let p = p.borrow();
        let pass = |known: &BTreeMap<String, usize>| {
            p.as_ref()?
                .passes
                .iter()
                .find(|(k, _)| k == known)
                .map(|(_, f)| f)
        };
        let first = pass(&BTreeMap::new())?;
        let found: BTreeMap<String, usize> = first
            .out
            .anchors
            .iter()
            .map(|(a, (p, _))| (a.clone(), p + 1))
            .collect();
        let second = pass(&found)?;
        (!found.is_empty() && first.fixed == second.fixed && first.note_count == second.note_count)
            .then_some(found)
    })
}

/// The fixed frames of each flow, with their pages, in document order.
type FixedFrames = Vec<(String, Vec<(usize, Frame)>)>;

/// The engine's state once the repeated runs are poured.
#[derive(Clone)]
struct Filled {
    out: Pages,
    notes: BTreeMap<usize, Vec<Span>>,
    note_count: usize,
    auto_anchor: usize,
    last_heading: String,
    page_masters: Vec<usize>,
    note_marks: BTreeMap<usize, Mark>,
    carry: std::collections::VecDeque<(usize, Pos)>,
    /// The fixed frames to fill next.
    fixed: FixedFrames,
    /// The characters the pour found in no face.
    missing: Vec<char>,
}

/// Whether a heading is among `blocks`, at any depth.
fn has_heading(blocks: &[Block]) -> bool {
    blocks.iter().any(|b| match &b.kind {
        BlockKind::Heading { .. } => true,
        BlockKind::Quote(c) | BlockKind::Boxed(c) => has_heading(c),
        BlockKind::List { items, .. } => items.iter().any(|i| has_heading(i)),
        _ => false,
    })
}

fn contains_contents(block: &Block) -> bool {
    match &block.kind {
        BlockKind::Contents { .. } => true,
        BlockKind::Quote(b) | BlockKind::Boxed(b) => b.iter().any(contains_contents),
        _ => false,
    }
}

/// A block prepared for pouring: lists, quotes and headings are flattened
/// into indented paragraphs, so a flow is a plain sequence.
enum Flat {
    Text {
        para: Paragraph,
        space_before: f32,
        space_after: f32,
        indent: f32,
        keep_with_next: bool,
        /// A list marker set in the indent beside the first line.
        marker: Option<(Paragraph, Mark)>,
        heading: Option<Heading>,
        mark: Mark,
    },
    Figure {
        key: String,
        width: Width,
        max_height: Option<f32>,
        caption: Option<Paragraph>,
        space_before: f32,
        space_after: f32,
        mark: Mark,
        caption_mark: Mark,
    },
    Boxed {
        blocks: Vec<Block>,
        style: Style,
        indent: f32,
        /// The box's group element: its blocks' elements are made when it
        /// is placed (it is measured, without them, before).
        element: usize,
    },
    Rule {
        style: Style,
        indent: f32,
    },
    Qr {
        modules: usize,
        dark: Vec<bool>,
        size: Width,
        color: Cmyk,
        style: Style,
        indent: f32,
        mark: Mark,
    },
    ContentsEntry {
        title: Paragraph,
        number: Paragraph,
        anchor: String,
        indent: f32,
        space_after: f32,
        mark: Mark,
    },
    Space(f32),
    PageBreak,
    FrameBreak,
}

struct Heading {
    level: u8,
    anchor: String,
    title: String,
    listed: bool,
}

/// A frame being filled.
#[derive(Debug, Clone)]
struct Region {
    page: usize,
    name: String,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
    /// The top of the free space.
    top: f32,
    /// The footnotes at the foot, in order: a note continued from the
    /// frame before comes first.
    notes: Vec<NotePart>,
    notes_height: f32,
    /// Whether new footnotes may start here: not while a note continued
    /// from the frame before is still unfinished, so notes keep their order.
    notes_open: bool,
    first_item: usize,
    first_link: usize,
    align_bottom: bool,
    empty: bool,
}

impl Region {
    fn bottom(&self) -> f32 {
        self.y + self.height - self.notes_height
    }
}

/// The lines of one footnote that a frame shows: all of a short note, or a
/// run of a long one that began or goes on in another frame.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NotePart {
    note: usize,
    /// Where in the note's text this part begins: [`Pos::START`] unless
    /// the note began in the frame before.
    from: Pos,
    /// How many lines (at the frame's width) from `from`: `usize::MAX` for
    /// all that are left.
    lines: usize,
}

/// How a line's footnotes would sit at the foot of a frame.
#[derive(Debug, Default)]
struct NotePlan {
    parts: Vec<NotePart>,
    /// The height the parts add to the foot.
    height: f32,
    /// What goes on to the next frame: the rest of a split note, and any
    /// later notes of the same line, whole.
    carry: Vec<(usize, Pos)>,
}

/// The fewest lines of a footnote worth setting under its mark when the
/// rest goes overleaf; fewer, and the mark's line moves on instead.
const MIN_NOTE_LINES: usize = 2;

/// How much of a frame the continued part of a long footnote may take while
/// text of the flow is still to come: the text keeps moving too.
const CARRIED_NOTE_SHARE: f32 = 0.5;

/// Where the next frame of a flow comes from.
enum Supply {
    /// Pages of a master, column by column.
    Repeat {
        master: usize,
        column: usize,
        page: Option<usize>,
    },
    /// Fixed frames, in order.
    Fixed {
        frames: Vec<(usize, Frame)>,
        next: usize,
    },
    /// One frame without a bottom, for measuring.
    Unbounded { page: usize, width: f32, used: bool },
}

const NOTE_GAP: f32 = 8.0;

struct Engine<'a> {
    doc: &'a Document,
    images: &'a BTreeMap<String, Picture>,
    shaper: &'a Shaper,
    known: &'a BTreeMap<String, usize>,
    name: &'a str,
    out: Pages,
    notes: BTreeMap<usize, Vec<Span>>,
    note_count: usize,
    auto_anchor: usize,
    last_heading: String,
    /// The master of each page made so far.
    page_masters: Vec<usize>,
    /// The most pages this document may have.
    max_pages: usize,
    /// The Note element of each footnote, by number.
    note_marks: BTreeMap<usize, Mark>,
    /// Footnote text that did not fit under its mark and goes on at the foot
    /// of the next frame: note numbers and where their text resumes.
    carry: std::collections::VecDeque<(usize, Pos)>,
    /// Whether the repeated runs' pour may come from, and go to, [`POURED`].
    remember: bool,
}

impl<'a> Engine<'a> {
    fn new(
        doc: &'a Document,
        images: &'a BTreeMap<String, Picture>,
        shaper: &'a Shaper,
        known: &'a BTreeMap<String, usize>,
        name: &'a str,
    ) -> Engine<'a> {
        Engine {
            doc,
            images,
            shaper,
            known,
            name,
            out: Pages {
                title: doc.title.clone(),
                lang: doc.lang.clone(),
                author: doc.author.clone(),
                subject: doc.subject.clone(),
                keywords: doc.keywords.clone(),
                ..Pages::default()
            },
            notes: BTreeMap::new(),
            note_count: 0,
            auto_anchor: 0,
            last_heading: String::new(),
            page_masters: Vec::new(),
            max_pages: MAX_PAGES,
            note_marks: BTreeMap::new(),
            carry: std::collections::VecDeque::new(),
            remember: false,
        }
    }

    fn run(mut self) -> Result<Pages> {
        let fixed = match self.remembered_pour() {
            Some(fixed) => fixed,
            None => {
                // What this pour meets, apart from what earlier passes met:
                // a remembered pour must name it again.
                let earlier = self.shaper.missing.take();
                let poured = self.pour_repeated();
                if let Ok(fixed) = &poured {
                    self.remember_pour(fixed);
                }
                self.shaper.missing.borrow_mut().extend(earlier);
                poured?
            }
        };
        for (flow, mut frames) in fixed {
            frames.sort_by_key(|(_, f)| f.order);
            let items = self.prepare_flow(&flow);
            let mut supply = Supply::Fixed { frames, next: 0 };
            self.pour(&items, &mut supply, &flow)?;
        }
        self.running_heads()?;
        Ok(self.out)
    }

    /// Makes the pages in document order. A repeated run is poured as soon
    /// as it is reached; fixed frames are filled later, once every page
    /// exists, because a flow may link frames on several pages: they are
    /// returned by flow.
    fn pour_repeated(&mut self) -> Result<FixedFrames> {
        let mut fixed: FixedFrames = Vec::new();
        for run in &self.doc.runs {
            match run {
                PageRun::Fixed { master, frames } => {
                    let page = self.new_page(*master);
                    for f in frames {
                        match fixed.iter_mut().find(|(flow, _)| *flow == f.flow) {
                            Some((_, list)) => list.push((page, f.clone())),
                            None => fixed.push((f.flow.clone(), vec![(page, f.clone())])),
                        }
                    }
                }
                PageRun::Repeat { master, flow } => {
                    let items = self.prepare_flow(flow);
                    let mut supply = Supply::Repeat {
                        master: *master,
                        column: 0,
                        page: None,
                    };
                    self.pour(&items, &mut supply, flow)?;
                }
            }
        }
        Ok(fixed)
    }

    /// The pour of the repeated runs a document with the same ones made in
    /// a pass with the same page numbers, if remembered: the state is set
    /// as that pour left it, and the fixed frames to fill are returned.
    fn remembered_pour(&mut self) -> Option<FixedFrames> {
        if !self.remember {
            return None;
        }
        let filled = POURED.with(|p| {
            let p = p.borrow();
            let (_, filled) = p.as_ref()?.passes.iter().find(|(k, _)| k == self.known)?;
            Some(filled.clone())
        })?;
        let Filled {
            out,
            notes,
            note_count,
            auto_anchor,
            last_heading,
            page_masters,
            note_marks,
            carry,
            fixed,
            missing,
        } = filled;
        // The document's own title and the like, not the other's.
        let fresh = std::mem::take(&mut self.out);
        self.out = Pages {
            title: fresh.title,
            lang: fresh.lang,
            author: fresh.author,
            subject: fresh.subject,
            keywords: fresh.keywords,
            ..out
        };
        self.notes = notes;
        self.note_count = note_count;
        self.auto_anchor = auto_anchor;
        self.last_heading = last_heading;
        self.page_masters = page_masters;
        self.note_marks = note_marks;
        self.carry = carry;
        self.shaper.missing.borrow_mut().extend(missing);
        Some(fixed)
    }

    /// Keeps the pour of the repeated runs, just made, for the documents
    /// that follow, with the characters it found in no face.
    fn remember_pour(&self, fixed: &FixedFrames) {
        if !self.remember || self.out.pages.len() > MAX_POURED_PAGES {
            return;
        }
        let Engine {
            doc: _,
            images: _,
            shaper,
            known,
            name: _,
            out,
            notes,
            note_count,
            auto_anchor,
            last_heading,
            page_masters,
            max_pages: _,
            note_marks,
            carry,
            remember: _,
        } = self;
        POURED.with(|p| {
            let mut p = p.borrow_mut();
            let p = p.get_or_insert_with(|| Poured {
                from: PouredFrom::of(self.doc, self.images, self.name, &shaper.hyphenation),
                passes: Vec::new(),
            });
            if p.passes.len() >= MAX_POURED_PASSES || p.passes.iter().any(|(k, _)| k == *known) {
                return;
            }
            let filled = Filled {
                out: out.clone(),
                notes: notes.clone(),
                note_count: *note_count,
                auto_anchor: *auto_anchor,
                last_heading: last_heading.clone(),
                page_masters: page_masters.clone(),
                note_marks: note_marks.clone(),
                carry: carry.clone(),
                fixed: fixed.clone(),
                missing: shaper.missing.borrow().iter().copied().collect(),
            };
            p.passes.push(((*known).clone(), filled));
        });
    }

    fn new_page(&mut self, master: usize) -> usize {
        let m = &self.doc.masters[master];
        let mut page = Page {
            width: m.width,
            height: m.height,
            bleed: m.bleed,
            folds: m.folds.clone(),
            ..Page::default()
        };
        if let Some(bg) = m.background {
            page.items.push(Placed {
                mark: Mark::Artifact(Artifact::Background),
                item: Item::Rect {
                    x: 0.0,
                    y: 0.0,
                    width: m.width,
                    height: m.height,
                    fill: Some(bg),
                    stroke: None,
                },
            });
        }
        self.out.pages.push(page);
        self.page_masters.push(master);
        self.out.pages.len() - 1
    }

    fn push(&mut self, page: usize, mark: Mark, item: Item) {
        self.out.pages[page].items.push(Placed { mark, item });
    }

    fn prepare_flow(&mut self, flow: &str) -> Vec<Flat> {
        let blocks = self.doc.flows.get(flow).cloned().unwrap_or_default();
        let mut out = Vec::new();
        // Read as early as the first of its frames in reading order.
        let rank = self
            .doc
            .runs
            .iter()
            .filter_map(|r| match r {
                PageRun::Fixed { frames, .. } => Some(frames),
                PageRun::Repeat { .. } => None,
            })
            .flatten()
            .filter(|f| f.flow == flow)
            .map(|f| f.order)
            .min()
            .unwrap_or(0);
        let element = self.element(Role::Flow { rank }, None);
        self.flatten(&blocks, 0.0, &mut out, Some(element));
        out
    }

    /// A new structure element; its mark.
    fn element(&mut self, role: Role, parent: Option<usize>) -> usize {
        self.out.structure.push(Element { role, parent });
        self.out.structure.len() - 1
    }

    fn mark(&mut self, role: Role, parent: Option<usize>) -> Mark {
        Mark::Element(self.element(role, parent))
    }

    /// Sets `spans`; their footnotes become Note elements under `parent`,
    /// after the paragraph's own (made first by the caller).
    fn paragraph(&mut self, spans: &[Span], style: &Style, parent: Option<usize>) -> Paragraph {
        let mut notes = Vec::new();
        let p = Paragraph::new(
            spans,
            style,
            self.shaper,
            &Numbers::default(),
            &mut self.note_count,
            &mut |n, s| notes.push((n, s.to_vec())),
        );
        for (n, _) in &notes {
            let mark = self.mark(Role::Note, parent);
            self.note_marks.insert(*n, mark);
        }
        self.notes.extend(notes);
        p
    }

    fn flatten(
        &mut self,
        blocks: &[Block],
        indent: f32,
        out: &mut Vec<Flat>,
        parent: Option<usize>,
    ) {
        for block in blocks {
            let s = &block.style;
            match &block.kind {
                BlockKind::Paragraph(spans) => {
                    let mark = self.mark(Role::Paragraph, parent);
                    let para = self.paragraph(spans, s, parent);
                    // A numbered paragraph carries its number in the margin.
                    let marker = block.number.as_ref().map(|n| {
                        let ms = Style {
                            size: s.size * 0.8,
                            align: crate::theme::Align::Left,
                            bold: false,
                            italic: false,
                            ..s.clone()
                        };
                        let span = Span {
                            content: SpanContent::Text(n.clone()),
                            style: ms.clone(),
                            link: None,
                        };
                        // The number is read as the paragraph's first word.
                        (self.paragraph(&[span], &ms, parent), mark)
                    });
                    if !para.is_empty() {
                        out.push(Flat::Text {
                            para,
                            space_before: s.space_before,
                            space_after: s.space_after,
                            indent: indent + s.indent,
                            keep_with_next: s.keep_with_next,
                            marker,
                            heading: None,
                            mark,
                        });
                    }
                }
                BlockKind::Heading {
                    level,
                    spans,
                    anchor,
                    listed,
                } => {
                    let title = plain_text(spans);
                    let mark = self.mark(
                        Role::Heading {
                            level: *level,
                            title: title.clone(),
                        },
                        parent,
                    );
                    let para = self.paragraph(spans, s, parent);
                    let anchor = anchor.clone().unwrap_or_else(|| {
                        self.auto_anchor += 1;
                        format!("heading-{}", self.auto_anchor)
                    });
                    out.push(Flat::Text {
                        para,
                        space_before: s.space_before,
                        space_after: s.space_after,
                        indent: indent + s.indent,
                        keep_with_next: true,
                        marker: None,
                        heading: Some(Heading {
                            level: *level,
                            anchor,
                            title,
                            listed: *listed,
                        }),
                        mark,
                    });
                }
                BlockKind::List {
                    ordered,
                    start,
                    items,
                    marker_style,
                } => {
                    let inner = indent + s.indent;
                    let list_start = out.len();
                    let list = self.element(Role::List { ordered: *ordered }, parent);
                    for (i, item) in items.iter().enumerate() {
                        let first = out.len();
                        let li = self.element(Role::ListItem, Some(list));
                        let label_mark = self.mark(Role::Label, Some(li));
                        let body = self.element(Role::ListBody, Some(li));
                        self.flatten(item, inner, out, Some(body));
                        let label = if *ordered {
                            format!("{}.", *start + i as u64)
                        } else {
                            "•".to_string()
                        };
                        let mstyle = Style {
                            align: crate::theme::Align::Left,
                            ..marker_style.clone()
                        };
                        let span = Span {
                            content: SpanContent::Text(label),
                            style: mstyle.clone(),
                            link: None,
                        };
                        let marker = self.paragraph(&[span], &mstyle, None);
                        if let Some(Flat::Text { marker: m, .. }) = out.get_mut(first) {
                            *m = Some((marker, label_mark));
                        }
                        if let Some(Flat::Text { space_after, .. }) = out.last_mut() {
                            *space_after = space_after.max(marker_style.space_after);
                        }
                    }
                    if let Some(Flat::Text { space_after, .. }) = out.last_mut() {
                        *space_after = space_after.max(s.space_after);
                    }
                    // A short list is read as one: no page break inside it.
                    if items.len() <= SHORT_LIST {
                        keep_together(&mut out[list_start..]);
                    }
                }
                BlockKind::Quote(children) => {
                    let first = out.len();
                    let quote = self.element(Role::Quote, parent);
                    self.flatten(children, indent + s.indent, out, Some(quote));
                    if out.len() - first <= SHORT_QUOTE {
                        keep_together(&mut out[first..]);
                    }
                    if let Some(Flat::Text { space_before, .. }) = out.get_mut(first) {
                        *space_before = space_before.max(s.space_before);
                    }
                    if let Some(Flat::Text { space_after, .. }) = out.last_mut() {
                        *space_after = space_after.max(s.space_after);
                    }
                }
                BlockKind::Boxed(children) => {
                    let element = self.element(Role::Group, parent);
                    out.push(Flat::Boxed {
                        blocks: children.clone(),
                        style: s.clone(),
                        indent,
                        element,
                    });
                }
                BlockKind::Figure {
                    image,
                    width,
                    caption_style,
                    max_height,
                    caption,
                } => {
                    let picture = self.images.get(image).map(|p| &p.asset);
                    // The profile's description, or else what the caption says.
                    let alt = match picture.and_then(|a| a.alt.as_deref()) {
                        Some(alt) if !alt.trim().is_empty() => alt.trim().to_string(),
                        _ if !caption.is_empty() => plain_text(caption),
                        _ => picture.map(|a| a.caption.clone()).unwrap_or_default(),
                    };
                    let mark = self.mark(Role::Figure { alt }, parent);
                    let caption_mark = self.mark(Role::Caption, parent);
                    // A picture without caption or credit (a logo) has no line under it.
                    let caption = if caption.is_empty() {
                        let described = |pic: &&Picture| {
                            !pic.asset.caption.trim().is_empty() || pic.asset.credit.is_some()
                        };
                        self.images.get(image).filter(described).map(|pic| {
                            let cs = caption_style.clone();
                            let mut text = pic.asset.caption.clone();
                            if let Some(credit) = &pic.asset.credit {
                                text.push_str(&format!(" — {credit}"));
                            }
                            vec![Span {
                                content: SpanContent::Text(text),
                                style: cs,
                                link: None,
                            }]
                        })
                    } else {
                        Some(caption.clone())
                    };
                    let caption = caption.map(|c| {
                        let cs = c
                            .first()
                            .map_or_else(|| caption_style.clone(), |s| s.style.clone());
                        self.paragraph(&c, &cs, parent)
                    });
                    out.push(Flat::Figure {
                        key: image.clone(),
                        width: *width,
                        max_height: *max_height,
                        caption,
                        space_before: s.space_before,
                        space_after: s.space_after,
                        mark,
                        caption_mark,
                    });
                }
                BlockKind::Rule => out.push(Flat::Rule {
                    style: s.clone(),
                    indent,
                }),
                BlockKind::Qr {
                    modules,
                    dark,
                    size,
                    color,
                    data,
                } => {
                    let alt = format!("QR code: {data}");
                    let mark = self.mark(Role::Figure { alt }, parent);
                    out.push(Flat::Qr {
                        modules: *modules,
                        dark: dark.clone(),
                        size: *size,
                        color: *color,
                        style: s.clone(),
                        indent,
                        mark,
                    })
                }
                BlockKind::Contents { entry_style } => {
                    let toc = self.element(Role::Contents, parent);
                    self.contents(entry_style, indent, out, toc)
                }
                BlockKind::Space(h) => out.push(Flat::Space(*h)),
                BlockKind::PageBreak => out.push(Flat::PageBreak),
                BlockKind::FrameBreak => out.push(Flat::FrameBreak),
            }
        }
    }

    /// The contents: one entry per listed heading of level 1 and 2, with the
    /// page number from the previous pass.
    fn contents(&mut self, style: &Style, indent: f32, out: &mut Vec<Flat>, toc: usize) {
        let mut headings = Vec::new();
        let mut auto = self.auto_anchor;
        for run in &self.doc.runs {
            let flows: Vec<&String> = match run {
                PageRun::Repeat { flow, .. } => vec![flow],
                PageRun::Fixed { frames, .. } => frames.iter().map(|f| &f.flow).collect(),
            };
            for flow in flows {
                collect_headings(&self.doc.flows[flow], &mut headings, &mut auto);
            }
        }
        for (level, anchor, spans) in headings {
            let entry = Style {
                bold: level == 1,
                ..style.clone()
            };
            let title_spans: Vec<Span> = spans
                .iter()
                .filter(|s| !matches!(s.content, SpanContent::Footnote { .. }))
                .map(|s| Span {
                    style: entry.clone(),
                    link: None,
                    ..s.clone()
                })
                .collect();
            let number = self
                .known
                .get(&anchor)
                .map(|n| n.to_string())
                .unwrap_or_else(|| "0".into());
            let title = Paragraph::plain(&title_spans, &entry, self.shaper);
            let num_span = Span {
                content: SpanContent::Text(number),
                style: entry.clone(),
                link: None,
            };
            let number = Paragraph::plain(&[num_span], &entry, self.shaper);
            let mark = self.mark(Role::ContentsEntry, Some(toc));
            out.push(Flat::ContentsEntry {
                title,
                number,
                anchor,
                indent: indent + if level > 1 { 16.0 } else { 0.0 },
                space_after: if level == 1 { 2.0 } else { 0.0 },
                mark,
            });
        }
    }

    fn next_region(&mut self, supply: &mut Supply) -> Option<Region> {
        match supply {
            Supply::Repeat {
                master,
                column,
                page,
            } => {
                let m = &self.doc.masters[*master];
                let (columns, gutter) = (m.columns, m.gutter);
                let inner_w = m.width - m.margin[1] - m.margin[3];
                let (x0, y0, h) = (
                    m.margin[3],
                    m.margin[0],
                    m.height - m.margin[0] - m.margin[2],
                );
                // A runaway flow (a section pasted in a hundred times) stops
                // here rather than filling the disk.
                if self.page_masters.len() >= self.max_pages
                    && !(page.is_some() && *column + 1 < columns)
                {
                    return None;
                }
                let p = match *page {
                    Some(p) if *column + 1 < columns => {
                        *column += 1;
                        p
                    }
                    _ => {
                        *column = 0;
                        let mm = *master;
                        let p = self.new_page(mm);
                        *page = Some(p);
                        p
                    }
                };
                let col_w = (inner_w - gutter * (columns as f32 - 1.0)) / columns as f32;
                let x = x0 + *column as f32 * (col_w + gutter);
                Some(self.region(p, format!("page {}", p + 1), x, y0, col_w, h, false))
            }
            Supply::Fixed { frames, next } => {
                let (page, f) = frames.get(*next)?.clone();
                *next += 1;
                if let Some(bg) = f.background {
                    let rect = Item::Rect {
                        x: f.x,
                        y: f.y,
                        width: f.width,
                        height: f.height,
                        fill: Some(bg),
                        stroke: None,
                    };
                    self.push(page, Mark::Artifact(Artifact::Background), rect);
                }
                let pad = f.padding;
                Some(self.region(
                    page,
                    f.name.clone(),
                    f.x + pad,
                    f.y + pad,
                    f.width - 2.0 * pad,
                    f.height - 2.0 * pad,
                    f.align_bottom,
                ))
            }
            Supply::Unbounded { page, width, used } => {
                if *used {
                    return None;
                }
                *used = true;
                let p = *page;
                Some(self.region(p, "measure".into(), 0.0, 0.0, *width, f32::MAX / 4.0, false))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn region(
        &self,
        page: usize,
        name: String,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        align_bottom: bool,
    ) -> Region {
        let p = &self.out.pages[page];
        Region {
            page,
            name,
            x,
            y,
            width,
            height,
            top: y,
            notes: Vec::new(),
            notes_height: 0.0,
            notes_open: true,
            first_item: p.items.len(),
            first_link: p.links.len(),
            align_bottom,
            empty: true,
        }
    }

    /// Pours `items` into the frames `supply` gives. Content left when the
    /// frames run out is overset.
    fn pour(&mut self, items: &[Flat], supply: &mut Supply, flow: &str) -> Result<()> {
        // Messages name the section of this flow, not of the one before.
        self.last_heading.clear();
        self.carry.clear();
        let Some(mut region) = self.next_region(supply) else {
            return if items.is_empty() {
                Ok(())
            } else {
                Err(self.overset_error(items, 0, Pos::START, flow, None))
            };
        };
        let mut i = 0;
        let mut word = Pos::START;
        // `$share`: how much of the new frame a continued footnote may take.
        macro_rules! next_frame {
            ($share:expr) => {{
                self.finish_region(&region);
                match self.next_region(supply) {
                    Some(r) => {
                        region = r;
                        self.take_carry(&mut region, $share)?;
                    }
                    None if matches!(supply, Supply::Repeat { .. }) => {
                        return Err(Error::new(format!(
                            "{}: flow `{flow}` would make more than {} pages",
                            self.name, self.max_pages
                        ))
                        .help("check the sections for text pasted in many times; a briefing pack is rarely more than a few dozen pages"))
                    }
                    None => return Err(self.overset_error(items, i, word, flow, Some(&region))),
                }
            }};
        }
        while i < items.len() {
            match &items[i] {
                Flat::PageBreak | Flat::FrameBreak => {
                    let page = region.page;
                    i += 1;
                    if i < items.len() {
                        next_frame!(CARRIED_NOTE_SHARE);
                        if matches!(items[i - 1], Flat::PageBreak) {
                            while region.page == page {
                                next_frame!(CARRIED_NOTE_SHARE);
                            }
                        }
                    }
                }
                Flat::Space(h) => {
                    if !region.empty {
                        region.top += h;
                    }
                    i += 1;
                }
                Flat::Text {
                    para,
                    space_before,
                    space_after,
                    indent,
                    keep_with_next,
                    marker,
                    heading,
                    mark,
                } => {
                    let sb = if region.empty || word != Pos::START {
                        0.0
                    } else {
                        *space_before
                    };
                    let measure = region.width - indent;
                    // A long paragraph comes a window of lines at a time.
                    let (lines, rest) = para.lines_ahead(word, measure);
                    let total: f32 = lines.iter().map(|(_, l)| l.height).sum();
                    // A heading keeps its first line company with the next block's first lines.
                    let mut need_after = 0.0;
                    if *keep_with_next && word == Pos::START {
                        need_after = self.kept_height(&items[i + 1..], region.width);
                    }
                    let fit = self.lines_that_fit(&region, &lines, sb);
                    let all_fit = fit == lines.len()
                        && region.top + sb + total + need_after <= region.bottom() + 0.01;
                    if all_fit || (fit == lines.len() && need_after == 0.0) {
                        self.place_lines(
                            &mut region,
                            &lines,
                            sb,
                            *indent,
                            marker.as_ref().filter(|_| word == Pos::START),
                            heading.as_ref(),
                            *mark,
                        );
                        if let Some(next) = rest {
                            word = next;
                            continue;
                        }
                        region.top += space_after;
                        i += 1;
                        word = Pos::START;
                        continue;
                    }
                    // Not all of it fits here.
                    let mut k = if fit == lines.len() { 0 } else { fit };
                    if heading.is_some() || *keep_with_next {
                        k = 0;
                    }
                    if k > 0 && k < 2 && lines.len() > 1 && !(region.empty && word == Pos::START) {
                        k = 0; // no orphan: a lone first line at the foot
                    }
                    if k > 0 && lines.len() - k < 2 && k >= 3 && rest.is_none() {
                        k -= 1; // no widow: a lone last line at the head
                    }
                    // A frame with only a footnote continued in it: the next
                    // frame has less of the note, or none.
                    let carried_only = region.empty && !region.notes.is_empty();
                    if k == 0 && region.empty && !carried_only {
                        // An empty frame takes what fits, whatever the rules say;
                        // if not even one line fits, no frame ever will.
                        if fit == 0 {
                            return Err(self.too_big(
                                &region,
                                "a line of text (with its footnotes)",
                                lines[0].1.height,
                            ));
                        }
                        k = fit;
                    }
                    if k > 0 && k < lines.len() && (k == 1 || lines.len() - k == 1) {
                        let what = if k == 1 {
                            "an orphan (one line at the foot of"
                        } else {
                            "a widow (one line at the head of"
                        };
                        let section = if self.last_heading.is_empty() {
                            String::new()
                        } else {
                            format!(" in “{}”", self.last_heading)
                        };
                        self.out.report.widows_and_orphans.push(format!(
                            "{what} frame `{}`), page {}{section}",
                            region.name,
                            region.page + 1
                        ));
                    }
                    if k > 0 {
                        self.place_lines(
                            &mut region,
                            &lines[..k],
                            sb,
                            *indent,
                            marker.as_ref().filter(|_| word == Pos::START),
                            heading.as_ref(),
                            *mark,
                        );
                        if k == lines.len() && rest.is_none() {
                            region.top += space_after;
                            i += 1;
                            word = Pos::START;
                            continue;
                        }
                        if let Some(next) = lines.get(k).map(|(p, _)| *p).or(rest) {
                            word = next;
                        }
                    }
                    next_frame!(CARRIED_NOTE_SHARE);
                }
                Flat::ContentsEntry {
                    title,
                    number,
                    anchor,
                    indent,
                    space_after,
                    mark,
                } => {
                    let num_w = number
                        .lines(Pos::START, 1000.0)
                        .first()
                        .map(|(_, l)| run_width(l))
                        .unwrap_or(0.0);
                    let measure = region.width - indent - num_w - 24.0;
                    let lines = title.lines(Pos::START, measure);
                    let h: f32 = lines.iter().map(|(_, l)| l.height).sum();
                    if region.top + h > region.bottom() + 0.01
                        && (!region.empty || !region.notes.is_empty())
                    {
                        next_frame!(CARRIED_NOTE_SHARE);
                    }
                    let top = region.top;
                    self.place_lines(&mut region, &lines, 0.0, *indent, None, None, *mark);
                    // Leader dots and the page number on the last line.
                    if let Some((_, last)) = lines.last() {
                        let base = region.top - last.height + last.baseline;
                        let text_end = region.x + indent + run_width(last) + 4.0;
                        let num_x = region.x + region.width - num_w;
                        if let Some((_, nl)) = number.lines(Pos::START, 1000.0).first() {
                            for run in &nl.runs {
                                let mut r = run.clone();
                                r.x += num_x;
                                r.y = base;
                                if let Some(dots) = self.leaders(&r, text_end, num_x - 4.0) {
                                    let decoration = Mark::Artifact(Artifact::Decoration);
                                    self.push(region.page, decoration, dots);
                                }
                                self.push(region.page, *mark, Item::Text(r));
                            }
                        }
                    }
                    self.out.pages[region.page].links.push(Link {
                        x: region.x + indent,
                        y: top,
                        width: region.width - indent,
                        height: region.top - top,
                        target: LinkTarget::Anchor(anchor.clone()),
                        mark: *mark,
                    });
                    region.top += space_after;
                    i += 1;
                }
                Flat::Figure { .. } | Flat::Boxed { .. } | Flat::Rule { .. } | Flat::Qr { .. } => {
                    let sb = if region.empty {
                        0.0
                    } else {
                        space_before_of(&items[i])
                    };
                    let h = self.atomic_height(&items[i], region.width);
                    if region.top + sb + h > region.bottom() + 0.01 {
                        if region.empty && region.notes.is_empty() {
                            let what = match &items[i] {
                                Flat::Figure { key, .. } => {
                                    format!("the picture `{key}` with its caption")
                                }
                                Flat::Boxed { .. } => "a box".to_string(),
                                _ => "a rule".to_string(),
                            };
                            return Err(self.too_big(&region, &what, h));
                        }
                        next_frame!(CARRIED_NOTE_SHARE);
                        continue;
                    }
                    region.top += sb;
                    self.place_atomic(&mut region, &items[i]);
                    region.top += space_after_of(&items[i]);
                    region.empty = false;
                    i += 1;
                }
            }
        }
        // The text has ended, but a long footnote has not: it goes on at the
        // foot of further frames, which it may fill.
        while !self.carry.is_empty() {
            next_frame!(1.0);
        }
        self.finish_region(&region);
        Ok(())
    }

    /// How many of `lines` fit in the region, counting the footnotes they
    /// bring. A line whose long note is split under it is the last that fits.
    fn lines_that_fit(&mut self, region: &Region, lines: &[(Pos, Line)], sb: f32) -> usize {
        let mut r = Region {
            top: region.top + sb,
            ..region.clone()
        };
        for (k, (_, line)) in lines.iter().enumerate() {
            let Some(plan) = self.plan_notes(&r, line) else {
                return k;
            };
            if !plan.carry.is_empty() {
                return k + 1;
            }
            r.notes.extend(plan.parts);
            r.notes_height += plan.height;
            r.top += line.height;
        }
        lines.len()
    }

    /// Where the footnotes of `line` would go if it were set at `region.top`:
    /// whole at the foot while they fit; a note too long for the room left
    /// is split, as many of its lines as fit here and the rest overleaf (the
    /// frame is then full). None: the line cannot go in this frame.
    fn plan_notes(&mut self, region: &Region, line: &Line) -> Option<NotePlan> {
        let foot = region.y + region.height;
        let line_bottom = region.top + line.height;
        if line_bottom > foot - region.notes_height + 0.01 {
            return None;
        }
        let new: Vec<usize> = line
            .footnotes
            .iter()
            .copied()
            .filter(|n| !region.notes.iter().any(|p| p.note == *n))
            .collect();
        let mut plan = NotePlan::default();
        if new.is_empty() {
            return Some(plan);
        }
        if !region.notes_open {
            return None;
        }
        for (i, &n) in new.iter().enumerate() {
            let Some(p) = self.note_paragraph(n) else {
                continue;
            };
            let gap = if region.notes.is_empty() && plan.parts.is_empty() {
                NOTE_GAP
            } else {
                0.0
            };
            let lines = p.lines(Pos::START, region.width);
            let whole = gap + lines.iter().map(|(_, l)| l.height).sum::<f32>() + 2.0;
            let room = foot - line_bottom - region.notes_height - plan.height;
            let part = NotePart {
                note: n,
                from: Pos::START,
                lines: usize::MAX,
            };
            if whole <= room + 0.01 {
                plan.parts.push(part);
                plan.height += whole;
                continue;
            }
            let mut here = lines_within(&lines, room - gap - 2.0);
            // At the head of an empty frame, one line will do: no later
            // frame has more room.
            let least = if region.empty { 1 } else { MIN_NOTE_LINES };
            if here < least.min(lines.len()) || here == 0 {
                return None;
            }
            if lines.len() - here == 1 && here > least {
                here -= 1; // not a lone last line of the note overleaf
            }
            plan.parts.push(NotePart {
                lines: here,
                ..part
            });
            // The note takes the rest of the frame.
            plan.height += room;
            plan.carry.push((n, lines[here].0));
            plan.carry
                .extend(new[i + 1..].iter().map(|&m| (m, Pos::START)));
            break;
        }
        Some(plan)
    }

    /// Sets at the foot of a new frame what is left of footnotes begun in
    /// the frame before, taking at most `share` of its height; what still
    /// does not fit goes on again.
    fn take_carry(&mut self, region: &mut Region, share: f32) -> Result<()> {
        if self.carry.is_empty() {
            return Ok(());
        }
        let limit = region.height * share;
        let mut used = NOTE_GAP;
        while let Some(&(n, from)) = self.carry.front() {
            let lines = self
                .note_paragraph(n)
                .map(|p| p.lines(from, region.width))
                .unwrap_or_default();
            if lines.is_empty() {
                self.carry.pop_front();
                continue;
            }
            let whole = lines.iter().map(|(_, l)| l.height).sum::<f32>() + 2.0;
            let part = NotePart {
                note: n,
                from,
                lines: usize::MAX,
            };
            if used + whole <= limit + 0.01 {
                region.notes.push(part);
                used += whole;
                self.carry.pop_front();
                continue;
            }
            let mut here = lines_within(&lines, limit - used - 2.0);
            if here == 0 && region.notes.is_empty() {
                // Every frame takes at least a line of the note, so it ends.
                here = lines_within(&lines, region.height - used - 2.0);
                if here == 0 {
                    return Err(self.too_big(region, "a line of a footnote", lines[0].1.height));
                }
            }
            if here > 0 {
                if lines.len() - here == 1 && here > 1 {
                    here -= 1;
                }
                used += lines[..here].iter().map(|(_, l)| l.height).sum::<f32>() + 2.0;
                region.notes.push(NotePart {
                    lines: here,
                    ..part
                });
                self.carry[0] = (n, lines[here].0);
            }
            break;
        }
        region.notes_height = used;
        region.notes_open = self.carry.is_empty();
        Ok(())
    }

    fn note_paragraph(&mut self, n: usize) -> Option<Paragraph> {
        let spans = self.notes.get(&n)?.clone();
        let style = spans.first().map(|s| s.style.clone()).unwrap_or_default();
        let mut all = vec![Span {
            content: SpanContent::Text(format!("{n}\u{2002}")),
            style: style.clone(),
            link: None,
        }];
        all.extend(spans);
        let left = Style {
            align: crate::theme::Align::Left,
            ..style
        };
        Some(Paragraph::plain(&all, &left, self.shaper))
    }

    #[allow(clippy::too_many_arguments)]
    fn place_lines(
        &mut self,
        region: &mut Region,
        lines: &[(Pos, Line)],
        sb: f32,
        indent: f32,
        marker: Option<&(Paragraph, Mark)>,
        heading: Option<&Heading>,
        mark: Mark,
    ) {
        region.top += sb;
        if let Some(h) = heading {
            self.out
                .anchors
                .entry(h.anchor.clone())
                .or_insert((region.page, region.top));
            if h.listed && h.level <= 2 {
                self.out.outline.push(OutlineEntry {
                    title: h.title.clone(),
                    level: h.level,
                    anchor: h.anchor.clone(),
                });
            }
            if h.level == 1 {
                self.last_heading = h.title.clone();
            }
        }
        for (k, (_, line)) in lines.iter().enumerate() {
            let x0 = region.x + indent;
            let base = region.top + line.baseline;
            let where_ = || {
                let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
                let section = if self.last_heading.is_empty() {
                    String::new()
                } else {
                    format!(" in “{}”", self.last_heading)
                };
                format!("page {}{section}: “{}”", region.page + 1, text.trim())
            };
            self.out.report.lines += 1;
            self.out.report.hyphenated += usize::from(line.hyphenated);
            if line.overflow > 0.5 {
                self.out.warnings.push(format!(
                    "{}: an overfull line ({:.1} pt too wide) in frame `{}`, {}",
                    self.name,
                    line.overflow,
                    region.name,
                    where_()
                ));
                self.out.report.overfull.push(format!(
                    "{:.1} pt too wide, {}",
                    line.overflow,
                    where_()
                ));
            }
            if line.ratio > LOOSE {
                self.out.report.loose.push(format!(
                    "spaces stretched {:.0}%, {}",
                    line.ratio * 100.0,
                    where_()
                ));
            }
            if let (0, Some((m, marker_mark))) = (k, marker)
                && let Some((_, ml)) = m.lines(Pos::START, 1000.0).first()
            {
                let w = run_width(ml);
                for r in &ml.runs {
                    let mut r = r.clone();
                    r.x += x0 - w - 5.0;
                    r.y += base;
                    self.push(region.page, *marker_mark, Item::Text(r));
                }
            }
            for run in &line.runs {
                let mut r = run.clone();
                r.x += x0;
                r.y += base;
                self.push(region.page, mark, Item::Text(r));
            }
            for (lx, lw, href) in &line.links {
                let target = match href.strip_prefix('#') {
                    Some(anchor) => LinkTarget::Anchor(anchor.to_string()),
                    None => LinkTarget::Uri(href.clone()),
                };
                self.out.pages[region.page].links.push(Link {
                    x: x0 + lx,
                    y: region.top,
                    width: *lw,
                    height: line.height,
                    target,
                    mark,
                });
            }
            // The same plan `lines_that_fit` made. Should a line be set
            // where its notes cannot go, they go on to the next frame whole:
            // never lost.
            match self.plan_notes(region, line) {
                Some(plan) => {
                    region.notes.extend(plan.parts);
                    region.notes_height += plan.height;
                    self.carry.extend(plan.carry);
                }
                None => {
                    for &n in &line.footnotes {
                        let placed = region.notes.iter().any(|p| p.note == n);
                        if !placed && !self.carry.iter().any(|c| c.0 == n) {
                            self.carry.push_back((n, Pos::START));
                        }
                    }
                    region.notes_open = false;
                }
            }
            region.top += line.height;
        }
        region.empty = false;
    }

    /// Draws a frame's footnotes at its foot, and sets bottom-aligned content down.
    fn finish_region(&mut self, region: &Region) {
        if region.align_bottom && !region.empty {
            let shift = region.bottom() - region.top;
            if shift > 0.0 {
                let page = &mut self.out.pages[region.page];
                for placed in &mut page.items[region.first_item..] {
                    match &mut placed.item {
                        Item::Text(r) => r.y += shift,
                        Item::Image { y, .. } | Item::Rect { y, .. } => *y += shift,
                    }
                }
                for link in &mut page.links[region.first_link..] {
                    link.y += shift;
                }
                for (p, y) in self.out.anchors.values_mut() {
                    if *p == region.page && *y >= region.y && *y <= region.top {
                        *y += shift;
                    }
                }
            }
        }
        if region.notes.is_empty() {
            return;
        }
        let mut top = region.y + region.height - region.notes_height + NOTE_GAP;
        let rule_color = Cmyk {
            c: 0.0,
            m: 0.0,
            y: 0.0,
            k: 0.5,
        };
        // Above a note continued from the frame before, the rule runs the
        // full measure (as LaTeX's split-footnote rule does): the reader
        // sees the note is not a new one.
        let continued = region.notes[0].from != Pos::START;
        let rule = Item::Rect {
            x: region.x,
            y: top - NOTE_GAP / 2.0,
            width: if continued {
                region.width
            } else {
                (region.width * 0.3).min(90.0)
            },
            height: 0.0,
            fill: None,
            stroke: Some((rule_color, 0.4)),
        };
        self.push(region.page, Mark::Artifact(Artifact::Decoration), rule);
        for part in region.notes.clone() {
            let n = part.note;
            if let Some(p) = self.note_paragraph(n) {
                let lines = p.lines(part.from, region.width);
                let lines = &lines[..part.lines.min(lines.len())];
                let mut r = Region {
                    top,
                    ..region.clone()
                };
                r.notes = Vec::new();
                let mark = self
                    .note_marks
                    .get(&n)
                    .copied()
                    .unwrap_or(Mark::Artifact(Artifact::Decoration));
                self.place_lines(&mut r, lines, 0.0, 0.0, None, None, mark);
                top = r.top + 2.0;
            }
        }
    }

    /// The least height `item` needs at the top of a frame (keep-with-next).
    /// The height that must follow a keep-with-next block on its page: the
    /// whole of each further block that keeps with its next, then the least
    /// of the first that does not (a heading's next paragraph, a short
    /// list's last item).
    fn kept_height(&mut self, rest: &[Flat], width: f32) -> f32 {
        let mut total = 0.0;
        for item in rest {
            match item {
                Flat::Text {
                    para,
                    space_before,
                    space_after,
                    indent,
                    keep_with_next: true,
                    ..
                } => {
                    let lines = para.lines(Pos::START, width - indent);
                    total += space_before
                        + lines.iter().map(|(_, l)| l.height).sum::<f32>()
                        + space_after;
                }
                other => return total + self.min_height(Some(other), width),
            }
        }
        total
    }

    fn min_height(&mut self, item: Option<&Flat>, width: f32) -> f32 {
        match item {
            Some(Flat::Text {
                para,
                space_before,
                indent,
                ..
            }) => {
                let lines = para.lines(Pos::START, width - indent);
                space_before + lines.iter().take(2).map(|(_, l)| l.height).sum::<f32>()
            }
            Some(f @ (Flat::Figure { .. } | Flat::Boxed { .. })) => {
                space_before_of(f) + self.atomic_height(f, width)
            }
            _ => 0.0,
        }
    }

    fn figure_size(
        &self,
        key: &str,
        frac: Width,
        max_height: Option<f32>,
        width: f32,
    ) -> (f32, f32) {
        let (pw, ph) = self
            .images
            .get(key)
            .map_or((4.0, 3.0), |p| (p.width_px as f32, p.height_px as f32));
        let mut w = frac.of(width);
        let mut h = w * ph / pw;
        if let Some(mh) = max_height
            && h > mh
        {
            h = mh;
            w = h * pw / ph;
        }
        (w, h)
    }

    fn atomic_height(&mut self, item: &Flat, width: f32) -> f32 {
        match item {
            Flat::Figure {
                key,
                width: frac,
                max_height,
                caption,
                ..
            } => {
                let (w, h) = self.figure_size(key, *frac, *max_height, width);
                let ch: f32 = caption.as_ref().map_or(0.0, |c| {
                    4.0 + c
                        .lines(Pos::START, w)
                        .iter()
                        .map(|(_, l)| l.height)
                        .sum::<f32>()
                });
                h + ch
            }
            Flat::Boxed {
                blocks,
                style,
                indent,
                ..
            } => {
                let inner = width - indent - 2.0 * style.padding;
                let (_, _, h) = self.detached(blocks, inner, None);
                h + 2.0 * style.padding
            }
            Flat::Rule { style, .. } => style.border,
            Flat::Qr { size, indent, .. } => size.of(width - indent),
            _ => 0.0,
        }
    }

    fn place_atomic(&mut self, region: &mut Region, item: &Flat) {
        let page = region.page;
        match item {
            Flat::Figure {
                key,
                width: frac,
                max_height,
                caption,
                mark,
                caption_mark,
                ..
            } => {
                let (w, h) = self.figure_size(key, *frac, *max_height, region.width);
                let x = region.x + (region.width - w) / 2.0;
                if let Some(pic) = self.images.get(key) {
                    let ppi = pic.width_px as f32 / (w / 72.0);
                    self.out.resolutions.push((key.clone(), page, ppi));
                }
                let image = Item::Image {
                    key: key.clone(),
                    x,
                    y: region.top,
                    width: w,
                    height: h,
                };
                self.push(page, *mark, image);
                region.top += h;
                if let Some(c) = caption {
                    // The caption hangs under the picture, on its edges.
                    let lines = c.lines(Pos::START, w);
                    region.top += 4.0;
                    let mut under = Region {
                        x,
                        width: w,
                        ..region.clone()
                    };
                    self.place_lines(&mut under, &lines, 0.0, 0.0, None, None, *caption_mark);
                    region.top = under.top;
                }
            }
            Flat::Boxed {
                blocks,
                style,
                indent,
                element,
            } => {
                let x = region.x + indent;
                let inner = region.width - indent - 2.0 * style.padding;
                let (items, links, h) = self.detached(blocks, inner, Some(*element));
                let total = h + 2.0 * style.padding;
                let stroke = (style.border > 0.0).then_some((style.border_color, style.border));
                if style.background.is_some() || stroke.is_some() {
                    let frame = Item::Rect {
                        x,
                        y: region.top,
                        width: region.width - indent,
                        height: total,
                        fill: style.background,
                        stroke,
                    };
                    self.push(page, Mark::Artifact(Artifact::Background), frame);
                }
                let (dx, dy) = (x + style.padding, region.top + style.padding);
                for mut it in items {
                    match &mut it.item {
                        Item::Text(r) => {
                            r.x += dx;
                            r.y += dy;
                        }
                        Item::Image { x, y, .. } | Item::Rect { x, y, .. } => {
                            *x += dx;
                            *y += dy;
                        }
                    }
                    self.out.pages[page].items.push(it);
                }
                for mut l in links {
                    l.x += dx;
                    l.y += dy;
                    self.out.pages[page].links.push(l);
                }
                region.top += total;
            }
            Flat::Qr {
                modules,
                dark,
                size,
                color,
                indent,
                mark,
                ..
            } => {
                // Drawn as vector squares, with the four-module quiet zone
                // the code needs around it to scan, left white.
                let side = size.of(region.width - indent);
                let cell = side / (*modules as f32 + 8.0);
                let (x0, y0) = (region.x + indent + 4.0 * cell, region.top + 4.0 * cell);
                for row in 0..*modules {
                    let mut col = 0;
                    while col < *modules {
                        if !dark[row * modules + col] {
                            col += 1;
                            continue;
                        }
                        let run = (col..*modules)
                            .take_while(|c| dark[row * modules + c])
                            .count();
                        let square = Item::Rect {
                            x: x0 + col as f32 * cell,
                            y: y0 + row as f32 * cell,
                            width: run as f32 * cell,
                            height: cell,
                            fill: Some(*color),
                            stroke: None,
                        };
                        self.push(page, *mark, square);
                        col += run;
                    }
                }
                region.top += side;
            }
            Flat::Rule { style, indent } => {
                let rule = Item::Rect {
                    x: region.x + indent,
                    y: region.top + style.border / 2.0,
                    width: region.width - indent,
                    height: 0.0,
                    fill: None,
                    stroke: Some((style.border_color, style.border.max(0.25))),
                };
                self.push(page, Mark::Artifact(Artifact::Decoration), rule);
                region.top += style.border;
            }
            _ => {}
        }
    }

    /// Lays `blocks` out on a scratch page of unlimited height, returning the
    /// items (relative to the top-left corner), links and height. Their
    /// structure elements go under `parent`; without one (measuring, running
    /// heads) none are kept.
    fn detached(
        &mut self,
        blocks: &[Block],
        width: f32,
        parent: Option<usize>,
    ) -> (Vec<Placed>, Vec<Link>, f32) {
        // Measuring and placing both come here: numbering must not count twice.
        let (notes, anchors) = (self.note_count, self.auto_anchor);
        let elements = self.out.structure.len();
        let mut flat = Vec::new();
        self.flatten(blocks, 0.0, &mut flat, parent);
        (self.note_count, self.auto_anchor) = (notes, anchors);
        self.out.pages.push(Page::default());
        let page = self.out.pages.len() - 1;
        let mut supply = Supply::Unbounded {
            page,
            width,
            used: false,
        };
        let mut region = self.next_region(&mut supply).expect("an unbounded frame");
        // What detached text records (anchors, outline entries, report
        // lines) is not the document's: set the document's aside, without
        // copying it, and put it back after.
        let anchors = std::mem::take(&mut self.out.anchors);
        let outline_len = self.out.outline.len();
        // Boxes are measured and then placed; running heads repeat: the
        // report counts the text of the flows once.
        let report = std::mem::take(&mut self.out.report);
        self.pour_into(&flat, &mut region);
        self.out.anchors = anchors;
        self.out.outline.truncate(outline_len);
        self.out.report = report;
        if parent.is_none() {
            self.out.structure.truncate(elements);
            self.note_marks
                .retain(|_, m| !matches!(m, Mark::Element(e) if *e >= elements));
        }
        let scratch = self.out.pages.pop().unwrap_or_default();
        (scratch.items, scratch.links, region.top - region.y)
    }

    /// Pours into one region that cannot overflow (for measuring).
    fn pour_into(&mut self, items: &[Flat], region: &mut Region) {
        for item in items {
            match item {
                Flat::Text {
                    para,
                    space_before,
                    space_after,
                    indent,
                    marker,
                    heading,
                    mark,
                    ..
                } => {
                    let sb = if region.empty { 0.0 } else { *space_before };
                    let lines = para.lines(Pos::START, region.width - indent);
                    self.place_lines(
                        region,
                        &lines,
                        sb,
                        *indent,
                        marker.as_ref(),
                        heading.as_ref(),
                        *mark,
                    );
                    region.top += space_after;
                }
                Flat::Space(h) => region.top += h,
                Flat::Figure { .. } | Flat::Boxed { .. } | Flat::Rule { .. } | Flat::Qr { .. } => {
                    if !region.empty {
                        region.top += space_before_of(item);
                    }
                    self.place_atomic(region, item);
                    region.top += space_after_of(item);
                    region.empty = false;
                }
                _ => {}
            }
        }
        // Space after the last block does not count towards the height.
        if let Some(last) = items.last() {
            region.top -= space_after_of(last);
        }
    }

    /// The watermark's glyphs, centred on the origin, sized to run most of
    /// the way across an A4 page's diagonal.
    fn watermark(&self, text: &str) -> GlyphRun {
        let style = Style {
            font: crate::theme::Family::Sans,
            bold: true,
            size: 10.0,
            color: Cmyk {
                c: 0.0,
                m: 0.0,
                y: 0.0,
                k: 0.1,
            },
            ..Style::default()
        };
        let face = self.shaper.book.face_for(&style);
        let upem = self.shaper.face(face).units_per_em;
        let shaped = self.shaper.shape(face, text);
        let width_em: f32 = shaped.iter().map(|g| g.advance as f32 / upem).sum();
        let size = (560.0 / width_em.max(0.5)).clamp(24.0, 110.0);
        let glyphs: Vec<PlacedGlyph> = shaped
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let end = shaped.get(i + 1).map_or(text.len(), |n| n.cluster as usize);
                PlacedGlyph {
                    id: g.id,
                    advance: g.advance as f32 * size / upem,
                    x_offset: g.x_offset as f32 * size / upem,
                    y_offset: g.y_offset as f32 * size / upem,
                    range: g.cluster as usize..end.max(g.cluster as usize),
                }
            })
            .collect();
        let width: f32 = glyphs.iter().map(|g| g.advance).sum();
        GlyphRun {
            x: -width / 2.0,
            y: size * 0.35,
            face,
            size,
            color: style.color,
            glyphs,
            text: text.to_string(),
            underline: false,
        }
    }

    /// Leader dots from `from` to `to` on the baseline of `model`.
    fn leaders(&self, model: &GlyphRun, from: f32, to: f32) -> Option<Item> {
        let dot = self.shaper.shape(model.face, ".");
        let g = dot.first()?;
        let scale = model.size / self.shaper.face(model.face).units_per_em;
        let step = 4.5f32.max(g.advance as f32 * scale);
        let mut x = (from / step).ceil() * step;
        let mut glyphs = Vec::new();
        let mut text = String::new();
        let start = x;
        while x + step <= to {
            glyphs.push(PlacedGlyph {
                id: g.id,
                advance: step,
                x_offset: 0.0,
                y_offset: 0.0,
                range: text.len()..text.len() + 1,
            });
            text.push('.');
            x += step;
        }
        (!glyphs.is_empty()).then(|| {
            Item::Text(GlyphRun {
                x: start,
                y: model.y,
                glyphs,
                text,
                color: model.color,
                underline: false,
                ..model.clone()
            })
        })
    }

    /// Running headers and footers, now that the page count is known.
    fn running_heads(&mut self) -> Result<()> {
        let total = self.out.pages.len();
        if let Some(text) = &self.doc.watermark {
            let run = self.watermark(text);
            for page in &mut self.out.pages {
                page.watermark = Some(run.clone());
            }
        }
        for index in 0..total {
            let master = self.page_masters[index];
            let m = self.doc.masters[master].clone();
            let numbers = Numbers {
                page: (index + 1).to_string(),
                pages: total.to_string(),
            };
            let width = m.width - m.margin[1] - m.margin[3];
            for (blocks, is_header) in [(&m.header, true), (&m.footer, false)] {
                if blocks.is_empty() {
                    continue;
                }
                let furniture = Mark::Artifact(if is_header {
                    Artifact::Header
                } else {
                    Artifact::Footer
                });
                let (items, links, h) = self.detached_numbered(blocks, width, &numbers);
                let dy = if is_header {
                    m.margin[0] - h - 14.0
                } else {
                    m.height - m.margin[2] + 14.0
                };
                let page = &mut self.out.pages[index];
                for mut it in items {
                    it.mark = furniture;
                    match &mut it.item {
                        Item::Text(r) => {
                            r.x += m.margin[3];
                            r.y += dy;
                        }
                        Item::Image { x, y, .. } | Item::Rect { x, y, .. } => {
                            *x += m.margin[3];
                            *y += dy;
                        }
                    }
                    page.items.push(it);
                }
                for mut l in links {
                    l.x += m.margin[3];
                    l.y += dy;
                    l.mark = furniture;
                    page.links.push(l);
                }
            }
        }
        Ok(())
    }

    fn detached_numbered(
        &mut self,
        blocks: &[Block],
        width: f32,
        numbers: &Numbers,
    ) -> (Vec<Placed>, Vec<Link>, f32) {
        let blocks: Vec<Block> = blocks.iter().map(|b| with_numbers(b, numbers)).collect();
        self.detached(&blocks, width, None)
    }

    /// Reports content that did not fit the fixed frames of its flow.
    fn overset_error(
        &mut self,
        items: &[Flat],
        i: usize,
        word: Pos,
        flow: &str,
        last: Option<&Region>,
    ) -> Error {
        let width = last.map_or(300.0, |r| r.width);
        let mut lines = 0usize;
        let mut height = 0.0f32;
        let mut first_words = String::new();
        for (k, item) in items[i..].iter().enumerate() {
            match item {
                Flat::Text {
                    para,
                    indent,
                    space_before,
                    heading,
                    ..
                } => {
                    let ls = para.lines(if k == 0 { word } else { Pos::START }, width - indent);
                    if first_words.is_empty() {
                        let t: String = ls
                            .first()
                            .map(|(_, l)| l.runs.iter().map(|r| r.text.as_str()).collect())
                            .unwrap_or_default();
                        first_words = t.trim().to_string();
                    }
                    // Left over from the start of a section: name that section.
                    if let (Some(h), 0, Pos::START) = (heading, k, word) {
                        self.last_heading = h.title.clone();
                    }
                    lines += ls.len();
                    height += ls.iter().map(|(_, l)| l.height).sum::<f32>()
                        + if k == 0 { 0.0 } else { *space_before };
                }
                other => height += self.atomic_height(other, width),
            }
        }
        // The rest of long footnotes that found no frame.
        for (n, from) in self.carry.clone() {
            let ls = self
                .note_paragraph(n)
                .map(|p| p.lines(from, width))
                .unwrap_or_default();
            if first_words.is_empty() {
                let t: String = ls
                    .first()
                    .map(|(_, l)| l.runs.iter().map(|r| r.text.as_str()).collect())
                    .unwrap_or_default();
                first_words = format!("{} (footnote {n})", t.trim());
            }
            lines += ls.len();
            height += ls.iter().map(|(_, l)| l.height).sum::<f32>();
        }
        let mm = height / crate::markup::MM;
        let frame = last.map_or_else(
            || "(none)".to_string(),
            |r| format!("`{}` on page {}", r.name, r.page + 1),
        );
        let section = if self.last_heading.is_empty() {
            String::new()
        } else {
            format!(" in the section “{}”", self.last_heading)
        };
        let (lines, verb) = if lines == 1 {
            ("1 line".to_string(), "does")
        } else {
            (format!("{lines} lines"), "do")
        };
        Error::new(format!(
            "{}: overset: {lines} ({mm:.1} mm) of flow `{flow}` {verb} not fit; the last frame is {frame}; the text left over starts “{}”{section}",
            self.name,
            truncate(&first_words, 60),
        ))
        .help("drop a section from the briefing or shorten one; or add `fit: shrink` to the briefing to let handbill set the text smaller")
        .code("overset")
    }
}

impl Engine<'_> {
    /// Something taller than a whole, empty frame: no page break can help.
    fn too_big(&self, region: &Region, what: &str, height: f32) -> Error {
        let mm = crate::markup::MM;
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
}

/// The most pages one document may have.
pub const MAX_PAGES: usize = 2000;

/// Lists of at most this many items, and quotes of at most this many
/// paragraphs, are kept on one page.
const SHORT_LIST: usize = 5;
const SHORT_QUOTE: usize = 3;

/// Each block but the last keeps with the next.
fn keep_together(items: &mut [Flat]) {
    let n = items.len();
    for item in items.iter_mut().take(n.saturating_sub(1)) {
        if let Flat::Text { keep_with_next, .. } = item {
            *keep_with_next = true;
        }
    }
}

fn truncate(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n).collect::<String>())
    }
}

/// How many of `lines`, from the first, fit in `height`.
fn lines_within(lines: &[(Pos, Line)], height: f32) -> usize {
    let mut used = 0.0;
    lines
        .iter()
        .take_while(|(_, l)| {
            used += l.height;
            used <= height + 0.01
        })
        .count()
}

fn run_width(line: &Line) -> f32 {
    line.runs.last().map_or(0.0, |r| {
        let trailing: f32 = r
            .glyphs
            .iter()
            .rev()
            .take_while(|g| r.text[g.range.clone()].trim().is_empty())
            .map(|g| g.advance)
            .sum();
        r.x + r.width() - trailing
    })
}

fn space_before_of(item: &Flat) -> f32 {
    match item {
        Flat::Figure { space_before, .. } => *space_before,
        Flat::Boxed { style, .. } | Flat::Rule { style, .. } | Flat::Qr { style, .. } => {
            style.space_before
        }
        Flat::Text { space_before, .. } => *space_before,
        _ => 0.0,
    }
}

fn space_after_of(item: &Flat) -> f32 {
    match item {
        Flat::Figure { space_after, .. } => *space_after,
        Flat::Boxed { style, .. } | Flat::Rule { style, .. } | Flat::Qr { style, .. } => {
            style.space_after
        }
        Flat::Text { space_after, .. } => *space_after,
        _ => 0.0,
    }
}

fn collect_headings(blocks: &[Block], out: &mut Vec<(u8, String, Vec<Span>)>, auto: &mut usize) {
    for b in blocks {
        match &b.kind {
            BlockKind::Heading {
                level,
                spans,
                anchor,
                listed,
            } => {
                let anchor = anchor.clone().unwrap_or_else(|| {
                    *auto += 1;
                    format!("heading-{auto}")
                });
                if *listed && *level <= 2 {
                    out.push((*level, anchor, spans.clone()));
                }
            }
            BlockKind::Quote(c) | BlockKind::Boxed(c) => collect_headings(c, out, auto),
            _ => {}
        }
    }
}

/// Replaces page-number and page-count spans with their values.
fn with_numbers(block: &Block, numbers: &Numbers) -> Block {
    let fix = |spans: &[Span]| -> Vec<Span> {
        spans
            .iter()
            .map(|s| match s.content {
                SpanContent::PageNumber => Span {
                    content: SpanContent::Text(numbers.page.clone()),
                    ..s.clone()
                },
                SpanContent::PageCount => Span {
                    content: SpanContent::Text(numbers.pages.clone()),
                    ..s.clone()
                },
                _ => s.clone(),
            })
            .collect()
    };
    let kind = match &block.kind {
        BlockKind::Paragraph(s) => BlockKind::Paragraph(fix(s)),
        BlockKind::Boxed(c) => {
            BlockKind::Boxed(c.iter().map(|b| with_numbers(b, numbers)).collect())
        }
        other => other.clone(),
    };
    Block {
        kind,
        ..block.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::{MarkupSource, parse};
    use crate::theme::Theme;
    use std::path::Path;

    fn doc_of(markup: &str) -> Document {
        parse(
            &MarkupSource {
                template: Path::new("t.hbs"),
                text: markup,
            },
            &Theme::builtin(),
        )
        .unwrap()
    }

    fn lay(markup: &str) -> Pages {
        let doc = doc_of(markup);
        layout(&doc, &BTreeMap::new(), "t", &font::Hyphenation::default()).unwrap()
    }

    /// The page each piece of text is on.
    fn page_of(pages: &Pages, needle: &str) -> usize {
        pages
            .pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|i| matches!(&i.item, Item::Text(r) if r.text.contains(needle)))
            })
            .unwrap_or_else(|| panic!("`{needle}` is on no page"))
    }

    /// The mark of the first run showing `needle`.
    fn mark_of(pages: &Pages, needle: &str) -> Mark {
        pages
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .find(|i| matches!(&i.item, Item::Text(r) if r.text.contains(needle)))
            .unwrap_or_else(|| panic!("`{needle}` is on no page"))
            .mark
    }

    fn role_of(pages: &Pages, mark: Mark) -> (&Role, Option<usize>) {
        let Mark::Element(e) = mark else {
            panic!("an artifact: {mark:?}")
        };
        let element = &pages.structure[e];
        (&element.role, element.parent)
    }

    #[test]
    fn a_character_no_font_has_is_reported_in_a_document_with_contents() {
        // The contents make the document be laid out again; the warning
        // must survive onto the pages kept.
        let doc = doc_of(
            r#"<document title="t"><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/><flow name="main"><contents/><h1 id="a">One</h1><p>Free them 中</p></flow></document>"#,
        );
        for i in 0..2 {
            // The second time, from a remembered pour.
            let pages = layout(&doc, &BTreeMap::new(), "t", &font::Hyphenation::default()).unwrap();
            let warnings: Vec<_> = pages
                .warnings
                .iter()
                .filter(|w| w.contains("U+4E2D"))
                .collect();
            assert_eq!(warnings.len(), 1, "pass {i}: {:?}", pages.warnings);
        }
    }

    #[test]
    fn a_remembered_pour_gives_the_pages_a_fresh_one_does() {
        // Two copies of a pack: the cover, footer and title differ.
        let copy = |name: &str| {
            let body = "<p>Kazakhstan has an appalling human rights record.<footnote>Amnesty.</footnote></p>".repeat(12);
            let markup = format!(
                r#"<document title="For {name}"><master name="m" size="A6" margin="10mm"><footer><p>{name} · <page-number/></p></footer></master><page master="m"><frame name="c" flow="cover" x="10mm" y="10mm" width="80mm" height="40mm"/></page><pages master="m" flow="main"/><flow name="cover"><p>{name}</p></flow><flow name="main"><contents/><page-break/><h1 id="a">One</h1>{body}<h1 id="b">Two</h1>{body}</flow></document>"#
            );
            doc_of(&markup)
        };
        let lay_out = |doc: &Document| {
            format!(
                "{:?}",
                layout(doc, &BTreeMap::new(), "t", &font::Hyphenation::default())
            )
        };
        // A cover too long for its frame fails in either pass.
        let long = "Bob Smith, and all the delegation ".repeat(40);
        let (ana, bob, overset) = (copy("Ana Ruiz"), copy("Bob Smith"), copy(&long));
        // A new thread remembers nothing.
        let fresh = [&bob, &overset]
            .map(|doc| std::thread::scope(|s| s.spawn(|| lay_out(doc)).join().unwrap()));
        assert!(fresh[1].contains("overset"), "{}", fresh[1]);
        lay_out(&ana);
        let passes = POURED.with(|p| p.borrow().as_ref().map_or(0, |p| p.passes.len()));
        assert_eq!(passes, 2, "the pack's two passes are remembered");
        assert_eq!(lay_out(&bob), fresh[0]);
        assert_eq!(lay_out(&overset), fresh[1]);
    }

    #[test]
    fn list_items_are_labels_and_bodies_in_a_list() {
        let pages = lay(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
            <flow name="f"><h2>Demands</h2><ol><li>free Roza Tuletaeva</li><li>free Vadim Kuramshin</li></ol></flow></document>"#,
        );
        let heading = mark_of(&pages, "Demands");
        assert!(matches!(
            role_of(&pages, heading).0,
            Role::Heading { level: 2, title } if title == "Demands"
        ));
        let (role, body) = role_of(&pages, mark_of(&pages, "free Roza"));
        assert_eq!(*role, Role::Paragraph);
        let body = body.unwrap();
        assert_eq!(pages.structure[body].role, Role::ListBody);
        let item = pages.structure[body].parent.unwrap();
        assert_eq!(pages.structure[item].role, Role::ListItem);
        let list = pages.structure[item].parent.unwrap();
        assert_eq!(pages.structure[list].role, Role::List { ordered: true });
        // The number is the item's label.
        let (role, parent) = role_of(&pages, mark_of(&pages, "1."));
        assert_eq!((role, parent), (&Role::Label, Some(item)));
    }

    #[test]
    fn a_paragraph_across_pages_is_one_element_and_running_heads_are_artifacts() {
        let long =
            "Kazakhstan has an appalling human rights record and the state controls the media. "
                .repeat(60);
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"><header><p>Running head</p></header></master><pages master="m" flow="f"/>
            <flow name="f"><p>{long}</p></flow></document>"#
        ));
        assert!(pages.pages.len() > 1);
        let marks: Vec<Mark> = pages
            .pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .find(|i| matches!(&i.item, Item::Text(r) if r.text.contains("Kazakhstan")))
                    .unwrap()
                    .mark
            })
            .collect();
        assert!(marks.iter().all(|m| *m == marks[0]), "{marks:?}");
        assert_eq!(role_of(&pages, marks[0]).0, &Role::Paragraph);
        assert_eq!(
            mark_of(&pages, "Running head"),
            Mark::Artifact(Artifact::Header)
        );
        // Measuring and running heads leave no elements behind: a flow and
        // its paragraph.
        assert_eq!(pages.structure.len(), 2, "{:?}", pages.structure);
    }

    #[test]
    fn a_short_list_is_not_split_across_pages() {
        // Wherever the page break falls, the list moves whole.
        for n in 8..18 {
            let filler = "<p>Kazakhstan has an appalling human rights record and the state controls the media.</p>".repeat(n);
            let pages = lay(&format!(
                r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
                <flow name="f">{filler}<ul><li>first demand</li><li>second demand</li><li>third demand</li></ul></flow></document>"#
            ));
            let first = page_of(&pages, "first demand");
            assert_eq!(
                page_of(&pages, "second demand"),
                first,
                "with {n} paragraphs before it"
            );
            assert_eq!(
                page_of(&pages, "third demand"),
                first,
                "with {n} paragraphs before it"
            );
        }
    }

    #[test]
    fn a_runaway_flow_stops_at_the_page_limit() {
        let filler = "<p>Kazakhstan has an appalling human rights record and the state controls the media.</p>".repeat(200);
        let markup = format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f">{filler}</flow></document>"#
        );
        let doc = parse(
            &MarkupSource {
                template: Path::new("t.hbs"),
                text: &markup,
            },
            &Theme::builtin(),
        )
        .unwrap();
        let shaper = Shaper::new();
        let known = BTreeMap::new();
        let images = BTreeMap::new();
        let mut engine = Engine::new(&doc, &images, &shaper, &known, "t");
        engine.max_pages = 12;
        let err = engine.run().unwrap_err();
        assert!(
            err.message.contains("would make more than 12 pages"),
            "{}",
            err.message
        );
        assert_eq!(MAX_PAGES, 2000);
    }

    #[test]
    fn a_heading_is_never_left_at_the_foot_of_a_page() {
        for n in 10..16 {
            let filler = "<p>Kazakhstan has an appalling human rights record and the state controls the media.</p>".repeat(n);
            let pages = lay(&format!(
                r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
                <flow name="f">{filler}<h1>The heading</h1><p>Its first paragraph, which is long enough to take two lines at least on this page.</p></flow></document>"#
            ));
            assert_eq!(
                page_of(&pages, "The heading"),
                page_of(&pages, "Its first"),
                "with {n} paragraphs before it"
            );
        }
    }
    /// The words of each page, in the order they are placed, with their
    /// baselines and sizes.
    fn words_by_page(pages: &Pages) -> Vec<Vec<(String, f32, f32)>> {
        pages
            .pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|i| match &i.item {
                        Item::Text(r) => Some(r),
                        _ => None,
                    })
                    .flat_map(|r| {
                        r.text
                            .split_whitespace()
                            .map(|w| (w.to_string(), r.y, r.size))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_long_footnote_goes_on_at_the_foot_of_the_next_page() {
        // A note of about 60 lines on A6 pages, whose foot holds far fewer;
        // a second, short note a little later; then more text.
        let note: Vec<String> = (1..=600).map(|i| format!("nw{i:03}")).collect();
        let body = |from: usize, n: usize| -> String {
            (from..from + n).map(|i| format!("bw{i:04} ")).collect()
        };
        let mut flow = format!(
            "<p>{}</p><p>{}bwmark<footnote>{}</footnote> {}</p>",
            body(0, 40),
            body(100, 20),
            note.join(" "),
            body(200, 20)
        );
        for k in 0..20 {
            flow += &format!("<p>{}</p>", body(1000 + k * 40, 40));
            if k == 3 {
                flow += "<p>bwsecond<footnote>xa1 xa2 xa3</footnote> and more.</p>";
            }
        }
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f">{flow}</flow></document>"#
        ));
        let words = words_by_page(&pages);
        let page_with = |w: &str| {
            words
                .iter()
                .position(|p| p.iter().any(|(x, _, _)| x.starts_with(w)))
                .unwrap_or_else(|| panic!("`{w}` is on no page"))
        };
        let mark_page = page_with("bwmark");
        assert_eq!(
            page_with("nw001"),
            mark_page,
            "the note starts under its mark"
        );
        assert!(
            words[mark_page + 1]
                .iter()
                .any(|(w, _, _)| w.starts_with("nw")),
            "the note goes on on the next page"
        );
        // Every word of the notes once, in order: the long note's rest before
        // the later note.
        let in_notes: Vec<&str> = words
            .iter()
            .flatten()
            .map(|(w, _, _)| w.as_str())
            .filter(|w| w.starts_with("nw") || w.starts_with("xa"))
            .collect();
        let mut wanted: Vec<&str> = note.iter().map(String::as_str).collect();
        wanted.extend(["xa1", "xa2", "xa3"]);
        assert_eq!(in_notes, wanted);
        // Every word of the text once, too.
        let text = words
            .iter()
            .flatten()
            .filter(|(w, _, _)| w.starts_with("bw"))
            .count();
        assert_eq!(text, 40 + 20 + 1 + 20 + 20 * 40 + 1);
        // On every page the notes sit below the text.
        for (p, page) in words.iter().enumerate() {
            let text_foot = page
                .iter()
                .filter(|(w, _, _)| w.starts_with("bw"))
                .map(|(_, y, _)| *y)
                .fold(f32::MIN, f32::max);
            let notes_head = page
                .iter()
                .filter(|(w, _, _)| w.starts_with("nw") || w.starts_with("xa"))
                .map(|(_, y, size)| y - size)
                .fold(f32::MAX, f32::min);
            assert!(
                text_foot < notes_head,
                "page {}: text down to {text_foot}, notes from {notes_head}",
                p + 1
            );
        }
    }

    #[test]
    fn a_long_note_at_the_end_of_a_flow_makes_the_pages_it_needs() {
        let note: Vec<String> = (1..=900).map(|i| format!("nw{i:03}")).collect();
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f"><p>Only text<footnote>{}</footnote></p></flow></document>"#,
            note.join(" ")
        ));
        let words = words_by_page(&pages);
        let in_notes: Vec<&str> = words
            .iter()
            .flatten()
            .map(|(w, _, _)| w.as_str())
            .filter(|w| w.starts_with("nw"))
            .collect();
        assert_eq!(
            in_notes,
            note.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert!(pages.pages.len() >= 3, "{} pages", pages.pages.len());
    }
}
