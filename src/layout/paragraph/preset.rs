//! What a paragraph set ahead on the idle core is, and the store the pour
//! takes such paragraphs from (see `layout::ahead`, which sets them).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use rustc_hash::FxBuildHasher;

use super::{KEPT_SPARE, Line, Measured, Paragraph, Pos, Shaped, key_of, shape, spans_weight};
use crate::document::Span;
use crate::layout::font::Shaper;
use crate::layout::key::{Bits, ParagraphKey, hash_of};
use crate::layout::paragraph::{Numbers, ParagraphMemo};
use crate::theme::Style;

/// A document with fewer paragraphs and headings is laid out on its
/// thread alone: the helper's start costs about what it would set (the
/// sample leaflet's 19 paragraphs; docs/decisions.md, "The second half of
/// a short document set on the idle core"). The default of a worker's
/// memo (`LayoutMemo::setting_ahead_from`).
pub(in crate::layout) const SHORT: usize = 24;

/// From this many paragraphs and headings (some 30 pages) the helper
/// follows the pour, a few pages ahead of it, so that what it holds stays
/// bounded; a shorter document's second half is set from its start and
/// held until the pour comes to it.
pub(in crate::layout) const LONG: usize = 200;

/// The words of the bits that tell what the pour's memo keeps (64 K bits).
const KEPT_WORDS: usize = 1024;

/// A paragraph set ahead: its words shaped and its lines at the measure
/// the pour was at (none for a paragraph set a window at a time).
#[derive(Debug)]
pub(in crate::layout) struct Preset {
    pub(super) shaped: Shaped,
    pub(super) lines: Option<PresetLines>,
}

/// The lines of a whole paragraph at one measure, and the breaks they
/// were set at.
#[derive(Debug)]
pub(in crate::layout) struct PresetLines {
    pub(super) measure: Bits,
    pub(super) breaks: Vec<(Pos, bool)>,
    pub(super) lines: Vec<(Pos, Line)>,
}

/// By hash: the key, the paragraph set and the number of the job it was
/// set for.
type Found = HashMap<u64, Vec<(ParagraphKey<'static>, Preset, usize)>, FxBuildHasher>;

/// The paragraphs set ahead, shared by the pour and the helper.
pub(in crate::layout) struct Presets {
    /// By the hash of their keys; a paragraph met several times (a
    /// repeated text) is set once for each time.
    found: Mutex<Found>,
    /// The width of the frame the pour is filling, as bits; 0 until known.
    width: AtomicU32,
    /// The jobs (the document's paragraphs and headings, in order) by
    /// the address of their spans, as the pour meets them.
    jobs: HashMap<usize, usize, FxBuildHasher>,
    /// The job the pour has reached, plus one (0: none yet).
    reached: AtomicUsize,
    /// The paragraphs the pour's memo keeps, a bit for each hash (a bit
    /// set by another hash only spares the helper a paragraph).
    kept: Vec<AtomicU64>,
    /// The pour is done: the helper stops.
    stop: AtomicBool,
    /// How many paragraphs the pour took from the helper.
    taken: AtomicUsize,
}

impl Presets {
    /// A store for the jobs whose spans are `jobs`, in order.
    pub(in crate::layout) fn new<'a>(jobs: impl Iterator<Item = &'a [Span]>) -> Presets {
        // An empty paragraph's spans have no address of their own.
        let jobs = (jobs.enumerate())
            .filter(|(_, spans)| !spans.is_empty())
            .map(|(i, spans)| (spans.as_ptr() as usize, i))
            .collect();
        Presets {
            found: Default::default(),
            width: AtomicU32::new(0),
            jobs,
            reached: AtomicUsize::new(0),
            kept: (0..KEPT_WORDS).map(|_| AtomicU64::new(0)).collect(),
            stop: AtomicBool::new(false),
            taken: AtomicUsize::new(0),
        }
    }

    /// The width of the frame the pour is filling, once it has one.
    pub(in crate::layout) fn width(&self) -> Option<f32> {
        let width = f32::from_bits(self.width.load(Ordering::Relaxed));
        (width > 0.0).then_some(width)
    }

    /// The job the pour has reached, if any.
    pub(in crate::layout) fn reached(&self) -> Option<usize> {
        self.reached.load(Ordering::Relaxed).checked_sub(1)
    }

    /// The pour is done.
    pub(in crate::layout) fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    pub(in crate::layout) fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// How many paragraphs the pour took.
    pub(in crate::layout) fn taken(&self) -> usize {
        self.taken.load(Ordering::Relaxed)
    }

    /// The paragraph set ahead under `key`, if there is one.
    pub(in crate::layout) fn take(&self, hash: u64, key: &ParagraphKey<'_>) -> Option<Preset> {
        let preset = self.remove(hash, |(k, _, _)| k == key)?;
        self.taken.fetch_add(1, Ordering::Relaxed);
        Some(preset)
    }

    /// Lets go of the paragraph set ahead under `key`, if there is one:
    /// the pour's memo had it already.
    pub(in crate::layout) fn discard(&self, hash: u64, key: &ParagraphKey<'_>) {
        // Dropped here, out of the lock.
        drop(self.remove(hash, |(k, _, _)| k == key));
    }

    /// Takes out the first paragraph under `hash` that `which` picks.
    fn remove(
        &self,
        hash: u64,
        which: impl Fn(&(ParagraphKey<'static>, Preset, usize)) -> bool,
    ) -> Option<Preset> {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        let same = found.get_mut(&hash)?;
        let at = same.iter().position(which)?;
        let (_, preset, _) = same.swap_remove(at);
        if same.is_empty() {
            found.remove(&hash);
        }
        Some(preset)
    }

    /// The pour fills a frame `width` points wide.
    pub(in crate::layout) fn pouring_at(&self, width: f32) {
        self.width.store(width.to_bits(), Ordering::Relaxed);
    }

    /// The pour has reached the paragraph or heading of `spans`.
    pub(in crate::layout) fn reach(&self, spans: &[Span]) {
        if let Some(&job) = self.jobs.get(&(spans.as_ptr() as usize)) {
            self.reached.store(job + 1, Ordering::Relaxed);
        }
    }

    /// The pour's memo keeps the paragraph of `hash`: the helper need not
    /// set it again.
    pub(in crate::layout) fn kept(&self, hash: u64) {
        let (word, bit) = Presets::bit(hash);
        self.kept[word].fetch_or(bit, Ordering::Relaxed);
    }

    pub(in crate::layout) fn is_kept(&self, hash: u64) -> bool {
        let (word, bit) = Presets::bit(hash);
        self.kept[word].load(Ordering::Relaxed) & bit != 0
    }

    fn bit(hash: u64) -> (usize, u64) {
        let at = (hash >> 32) as usize % (KEPT_WORDS * 64);
        (at / 64, 1 << (at % 64))
    }

    pub(in crate::layout) fn put(
        &self,
        job: usize,
        hash: u64,
        key: ParagraphKey<'static>,
        preset: Preset,
    ) {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        found.entry(hash).or_default().push((key, preset, job));
    }

    /// Lets go of what was set for `job` under `hash` and not taken: the
    /// pour has gone past it, setting it itself.
    pub(in crate::layout) fn drop_untaken(&self, job: usize, hash: u64) {
        // Dropped here, out of the lock.
        drop(self.remove(hash, |&(.., j)| j == job));
    }
}

impl Paragraph {
    /// Sets a paragraph the way [`Paragraph::new`] would, its notes
    /// numbered on from `next_note`, with its lines at `measure` (unless
    /// it is set a window at a time, or no measure is known, as for a
    /// table's cells), for another thread to take (see
    /// `layout::ahead`); `memo` gives the hyphenation points. Returns its
    /// key and hash with it; nothing where `wanted` refuses the hash.
    pub(in crate::layout) fn preset(
        spans: &[Span],
        style: &Style,
        shaper: &Shaper,
        memo: &ParagraphMemo,
        next_note: usize,
        measure: Option<f32>,
        wanted: impl FnOnce(u64) -> bool,
    ) -> Option<(u64, ParagraphKey<'static>, Preset)> {
        let numbers = Numbers::default();
        let key = key_of(spans, style, shaper, &numbers, next_note);
        let hash = hash_of(&key);
        if !wanted(hash) {
            return None;
        }
        let shaped = shape(
            spans,
            shaper,
            memo,
            &numbers,
            &mut { next_note },
            &mut |_, _| {},
        );
        let paragraph = Paragraph::of(shaped, style);
        let lines = measure.and_then(|measure| paragraph.lines_to_hand_over(measure, spans));
        let shaped = std::rc::Rc::try_unwrap(paragraph.shaped).ok()?;
        let preset = Preset { shaped, lines };
        Some((hash, key.into_owned(), preset))
    }

    /// Its lines at `measure` from its start, taken out of what it keeps
    /// to be handed over; none where it is set a window at a time
    /// (`lines_ahead`).
    fn lines_to_hand_over(&self, measure: f32, spans: &[Span]) -> Option<PresetLines> {
        self.kept.borrow_mut().bound = self.weight() + spans_weight(spans) + KEPT_SPARE;
        if !self.fits_one_window(Pos::START) {
            return None;
        }
        self.lines(Pos::START, measure);
        let at = Measured {
            start: Pos::START,
            measure: measure.into(),
            window: false,
        };
        let mut kept = self.kept.borrow_mut();
        let lines = std::rc::Rc::try_unwrap(kept.lines.remove(&at)?).ok()?;
        let breaks = kept.breaks.remove(&at)?;
        Some(PresetLines {
            measure: at.measure,
            breaks,
            lines,
        })
    }
}
