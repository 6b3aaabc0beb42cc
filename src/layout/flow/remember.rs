//! The remembered pour: the pour of a document's repeated runs, kept for
//! the next document whose repeated runs are the same.

use std::collections::BTreeMap;

use super::Engine;
use super::contents::contains_contents;
use crate::layout::font::{self};
use crate::layout::pages::{Mark, Pages};
use crate::layout::paragraph::Pos;
use crate::markup::{Block, BlockKind, Document, Frame, Master, PageRun, Span};
use crate::select::Picture;

/// How many pages a pour may have and still be remembered.
pub(super) const MAX_POURED_PAGES: usize = 100;
/// A document is laid out at most three times (the contents' passes).
pub(super) const MAX_POURED_PASSES: usize = 3;

thread_local! {
    /// What the repeated runs of the last document poured, for the next
    /// document whose repeated runs are the same: the copies of a pack
    /// differ only in their cover and running heads.
    pub(super) static POURED: std::cell::RefCell<Option<Poured>> = const { std::cell::RefCell::new(None) };
}

pub(super) struct Poured {
    pub(super) from: PouredFrom,
    /// The pour of each pass, by the page numbers its contents showed.
    pub(super) passes: Vec<(BTreeMap<String, usize>, Filled)>,
}

/// Everything the repeated runs of a document are poured from.
pub(super) struct PouredFrom {
    pub(super) name: String,
    pub(super) hyphenation: font::Hyphenation,
    pub(super) runs: Vec<PageRun>,
    pub(super) masters: Vec<Master>,
    /// The flows of the repeated runs, in order.
    pub(super) flows: Vec<Vec<Block>>,
    pub(super) pictures: Vec<(String, u32, u32, crate::model::ImageAsset)>,
}

impl PouredFrom {
    pub(super) fn of(
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

    pub(super) fn matches(
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
pub(super) fn repeated_flows(doc: &Document) -> impl Iterator<Item = &[Block]> {
    doc.runs.iter().filter_map(|r| match r {
        PageRun::Repeat { flow, .. } => Some(doc.flows.get(flow).map_or(&[][..], Vec::as_slice)),
        PageRun::Fixed { .. } => None,
    })
}

/// Whether two masters make the same pages, running heads aside (those
/// are set after the flows).
pub(super) fn same_design(a: &Master, b: &Master) -> bool {
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
pub(super) fn remember_pours(
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
pub(super) fn first_pass_remembered(doc: &Document) -> Option<BTreeMap<String, usize>> {
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
pub(super) type FixedFrames = Vec<(String, Vec<(usize, Frame)>)>;

/// The engine's state once the repeated runs are poured.
#[derive(Clone)]
pub(super) struct Filled {
    pub(super) out: Pages,
    pub(super) notes: BTreeMap<usize, Vec<Span>>,
    pub(super) note_count: usize,
    pub(super) auto_anchor: usize,
    pub(super) last_heading: String,
    pub(super) page_masters: Vec<usize>,
    pub(super) note_marks: BTreeMap<usize, Mark>,
    pub(super) carry: std::collections::VecDeque<(usize, Pos)>,
    /// The fixed frames to fill next.
    pub(super) fixed: FixedFrames,
    /// The characters the pour found in no face.
    pub(super) missing: Vec<char>,
}

/// Whether a heading is among `blocks`, at any depth.
pub(super) fn has_heading(blocks: &[Block]) -> bool {
    blocks.iter().any(|b| match &b.kind {
        BlockKind::Heading { .. } => true,
        BlockKind::Quote(c) | BlockKind::Boxed(c) => has_heading(c),
        BlockKind::List { items, .. } => items.iter().any(|i| has_heading(i)),
        _ => false,
    })
}

impl Engine<'_> {
    /// The pour of the repeated runs a document with the same ones made in
    /// a pass with the same page numbers, if remembered: the state is set
    /// as that pour left it, and the fixed frames to fill are returned.
    pub(super) fn remembered_pour(&mut self) -> Option<FixedFrames> {
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
    pub(super) fn remember_pour(&self, fixed: &FixedFrames) {
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
}
