//! The remembered pour: the pour of a document's repeated runs, kept for
//! the next document whose repeated runs are the same.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::Engine;
use super::contents::contains_contents;
use crate::colour::Cmyk;
use crate::document::{Block, BlockKind, Document, Frame, Master, PageRun, Span};
use crate::layout::font::{self, Shaper};
use crate::layout::pages::{Item, Mark, Pages, Placed, PlacedGlyph};
use crate::layout::paragraph::Pos;
use crate::model::ImageAsset;
use crate::picture::Picture;

/// How many pages a pour may have and still be remembered.
pub(super) const MAX_POURED_PAGES: usize = 100;
/// A document is laid out at most three times (the contents' passes).
pub(super) const MAX_POURED_PASSES: usize = 3;

/// The pours a worker keeps: the last document's repeated runs, one per
/// contents pass, for the next document whose repeated runs are the same
/// (the copies of a pack differ only in their cover and running heads).
/// Part of the worker's `LayoutMemo`, under its bound.
#[derive(Default)]
pub(in crate::layout) struct PourMemo {
    /// The most its pours may weigh (roughly, in bytes); none: no bound.
    /// A pour that would take it past is not kept.
    bound: Option<usize>,
    poured: RefCell<Option<Poured>>,
    /// Roughly how many bytes it holds.
    weight: Cell<usize>,
}

impl PourMemo {
    /// An empty memo whose pours weigh at most `bound` bytes.
    pub(in crate::layout) fn with_bound(bound: usize) -> PourMemo {
        PourMemo {
            bound: Some(bound),
            ..PourMemo::default()
        }
    }

    pub(in crate::layout) fn weight(&self) -> usize {
        self.weight.get()
    }

    pub(in crate::layout) fn clear(&self) {
        *self.poured.borrow_mut() = None;
        self.weight.set(0);
    }

    /// How many passes of a pour it holds.
    #[cfg(test)]
    pub(in crate::layout) fn passes(&self) -> usize {
        self.poured.borrow().as_ref().map_or(0, |p| p.passes.len())
    }
}

pub(super) struct Poured {
    from: PourKey<'static>,
    /// The pour of each pass, by the page numbers its contents showed.
    pub(super) passes: Vec<(BTreeMap<String, usize>, Filled)>,
}

/// Everything the repeated runs of a document are poured from: equal keys
/// pour alike.
#[derive(Debug, Clone, PartialEq)]
struct PourKey<'a> {
    name: Cow<'a, str>,
    hyphenation: Cow<'a, font::Hyphenation>,
    fonts: u64,
    runs: Cow<'a, [PageRun]>,
    masters: Vec<Design<'a>>,
    /// The flows of the repeated runs, in order.
    flows: Vec<Cow<'a, [Block]>>,
    pictures: Vec<PictureKey<'a>>,
}

/// What a master gives the pages a pour makes: all of it but the running
/// heads (those are set after the flows).
#[derive(Debug, Clone, PartialEq)]
struct Design<'a> {
    name: Cow<'a, str>,
    width: f32,
    height: f32,
    margin: [f32; 4],
    columns: usize,
    gutter: f32,
    background: Option<Cmyk>,
    bleed: f32,
    folds: Cow<'a, [f32]>,
}

/// What a pour reads of a picture: its size and the profile's entry.
#[derive(Debug, Clone, PartialEq)]
struct PictureKey<'a> {
    key: Cow<'a, str>,
    width_px: u32,
    height_px: u32,
    asset: Cow<'a, ImageAsset>,
}

impl<'a> PourKey<'a> {
    fn of(
        doc: &'a Document,
        images: &'a BTreeMap<String, Picture>,
        name: &'a str,
        shaper: &'a Shaper,
    ) -> PourKey<'a> {
        let design = |m: &'a Master| {
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
            } = m;
            Design {
                name: Cow::Borrowed(name),
                width: *width,
                height: *height,
                margin: *margin,
                columns: *columns,
                gutter: *gutter,
                background: *background,
                bleed: *bleed,
                folds: Cow::Borrowed(folds),
            }
        };
        PourKey {
            name: Cow::Borrowed(name),
            hyphenation: Cow::Borrowed(&shaper.hyphenation),
            fonts: shaper.book.id,
            runs: Cow::Borrowed(&doc.runs),
            masters: doc.masters.iter().map(design).collect(),
            flows: repeated_flows(doc).map(Cow::Borrowed).collect(),
            pictures: (images.iter())
                .map(|(k, p)| PictureKey {
                    key: Cow::Borrowed(k),
                    width_px: p.width_px,
                    height_px: p.height_px,
                    asset: Cow::Borrowed(&p.asset),
                })
                .collect(),
        }
    }

    fn into_owned(self) -> PourKey<'static> {
        fn own<T: ToOwned + ?Sized>(c: Cow<'_, T>) -> Cow<'static, T> {
            Cow::Owned(c.into_owned())
        }
        PourKey {
            name: own(self.name),
            hyphenation: own(self.hyphenation),
            fonts: self.fonts,
            runs: own(self.runs),
            masters: (self.masters.into_iter())
                .map(|d| Design {
                    name: own(d.name),
                    folds: own(d.folds),
                    ..d
                })
                .collect(),
            flows: self.flows.into_iter().map(own).collect(),
            pictures: (self.pictures.into_iter())
                .map(|p| PictureKey {
                    key: own(p.key),
                    asset: own(p.asset),
                    ..p
                })
                .collect(),
        }
    }
}

/// The blocks of each repeated run's flow, in order.
pub(super) fn repeated_flows(doc: &Document) -> impl Iterator<Item = &[Block]> {
    doc.runs.iter().filter_map(|r| match r {
        PageRun::Repeat { flow, .. } => Some(doc.flows.get(flow).map_or(&[][..], Vec::as_slice)),
        PageRun::Fixed { .. } => None,
    })
}

/// Whether the passes of `doc` may take the pour of its repeated runs from
/// `pours` and keep it there. Those runs are poured before any fixed
/// frame is filled, and of the fixed flows they read only the headings a
/// contents lists: there must be none (nor any other, so that every heading
/// is in the repeated runs).
pub(super) fn remember_pours(
    doc: &Document,
    images: &BTreeMap<String, Picture>,
    name: &str,
    shaper: &Shaper,
    pours: &PourMemo,
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
    let key = PourKey::of(doc, images, name, shaper);
    if !(pours.poured.borrow().as_ref()).is_some_and(|p| p.from == key) {
        // Its first pour small enough to keep will say what it is from.
        pours.clear();
    }
    true
}

/// What the first pass of `doc`, whose repeated runs `pours` holds,
/// would find: the page of each heading, all in those runs. It is not made
/// when it would be made again, and could fail only where the next pass
/// fails too: both fill the fixed frames alike (the same frames on the same
/// pages, the same footnote numbers, no contents there).
pub(super) fn first_pass_remembered(
    doc: &Document,
    pours: &PourMemo,
) -> Option<BTreeMap<String, usize>> {
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
    {
        let p = pours.poured.borrow();
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
    }
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
    pub(super) missing: Vec<crate::layout::font::Gap>,
    /// The contents entries it placed.
    pub(super) entries: Vec<super::PlacedEntry>,
}

/// Roughly how many bytes the pages of a pour hold.
fn weight_of(out: &Pages) -> usize {
    (out.pages.iter())
        .map(|page| {
            let glyphs: usize = (page.items.iter())
                .map(|p| match &p.item {
                    Item::Text(run) => {
                        run.text.len() + run.glyphs.len() * std::mem::size_of::<PlacedGlyph>()
                    }
                    _ => 0,
                })
                .sum();
            glyphs + page.items.len() * std::mem::size_of::<Placed>()
        })
        .sum()
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
        let filled = {
            let p = self.pours.poured.borrow();
            let (_, filled) = p.as_ref()?.passes.iter().find(|(k, _)| k == self.known)?;
            filled.clone()
        };
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
            entries,
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
        self.entries = entries;
        self.shaper.missing.borrow_mut().extend(missing);
        Some(fixed)
    }

    /// Keeps the pour of the repeated runs, just made, for the documents
    /// that follow, with the characters it found in no face.
    pub(super) fn remember_pour(&self, fixed: &FixedFrames) {
        if !self.remember || self.out.pages.len() > MAX_POURED_PAGES {
            return;
        }
        let mut poured = self.pours.poured.borrow_mut();
        let p = poured.get_or_insert_with(|| Poured {
            from: PourKey::of(self.doc, self.images, self.name, self.shaper).into_owned(),
            passes: Vec::new(),
        });
        if p.passes.len() >= MAX_POURED_PASSES || p.passes.iter().any(|(k, _)| k == self.known) {
            return;
        }
        let weight = weight_of(&self.out);
        let memo = self.pours;
        if memo.bound.is_some_and(|b| memo.weight.get() + weight > b) {
            return;
        }
        let filled = Filled {
            out: self.out.clone(),
            notes: self.notes.clone(),
            note_count: self.note_count,
            auto_anchor: self.auto_anchor,
            last_heading: self.last_heading.clone(),
            page_masters: self.page_masters.clone(),
            note_marks: self.note_marks.clone(),
            carry: self.carry.clone(),
            fixed: fixed.clone(),
            missing: self.shaper.missing.borrow().iter().cloned().collect(),
            entries: self.entries.clone(),
        };
        p.passes.push((self.known.clone(), filled));
        self.pours.weight.set(self.pours.weight.get() + weight);
    }
}
