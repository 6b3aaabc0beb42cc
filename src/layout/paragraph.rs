//! Setting a paragraph: its spans are shaped word by word, then broken into
//! lines of a given measure and justified or aligned.
//!
//! Break opportunities come from the Unicode line breaking algorithm
//! (`unicode-linebreak`); a word is the text between two of them, with its
//! trailing space, which hangs past the measure at the end of a line.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use crate::document::{Span, SpanContent};
use crate::layout::breaks::HyphenationMemo;
use crate::layout::font::{Gap, Shaper};
use crate::layout::key::{Bits, ParagraphKey, SpanKey, hash_of};
#[cfg(test)]
use crate::layout::linebreak::first_fit;
use crate::layout::linebreak::{INFINITY, Item, Params, WINDOW_ITEMS, total_fit, total_fit_head};
use crate::layout::pages::{GlyphRun, PlacedGlyph};
use crate::layout::words::{Atom, Piece, Word, hang_share, right_hang, shape_words};
use crate::theme::{Align, Style};

mod note;
mod preset;
mod set;

use preset::PresetLines;
pub(super) use preset::{LONG, Preset, Presets};

/// A paragraph shaped and ready to be broken into lines at any measure.
///
/// A clone shares the shaped text and the line breaks found so far.
#[derive(Debug, Clone)]
pub struct Paragraph {
    shaped: std::rc::Rc<Shaped>,
    pub align: Align,
    /// Baseline-to-baseline distance.
    pub leading: f32,
    pub first_indent: f32,
    /// The line breaks found and the lines set so far: a paragraph is
    /// often measured again (keep-together, a second pass, the next copy
    /// of a briefing), and its copies share what was found.
    kept: std::rc::Rc<std::cell::RefCell<Kept>>,
    /// The budget of the memo that keeps it, if one does: the lines it
    /// sets later are kept while they fit the memo's bound, and counted.
    charged: Option<std::rc::Rc<Budget>>,
}

/// Keyed by where the lines start, the measure, and whether only the next
/// window of a long paragraph was set (see [`Paragraph::lines_ahead`]).
type LinesSet = HashMap<Measured, std::rc::Rc<Vec<(Pos, Line)>>, FxBuildHasher>;

/// What lines are broken and set for: where they start, the measure, and
/// whether only the next window of a long paragraph is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Measured {
    start: Pos,
    measure: Bits,
    window: bool,
}

/// The text of a paragraph, shaped.
#[derive(Debug)]
pub struct Shaped {
    text: String,
    atoms: Vec<Atom>,
    words: Vec<Word>,
    /// The characters no bundled face has, met in this paragraph.
    missing: Vec<Gap>,
    /// Every atom may be hyphenated (body text): found once, not for each
    /// line set, which made a long paragraph of many atoms cost the square
    /// of its length.
    hyphenated_throughout: bool,
}

impl std::ops::Deref for Paragraph {
    type Target = Shaped;
    fn deref(&self) -> &Shaped {
        &self.shaped
    }
}

type BreaksFound = HashMap<Measured, Vec<(Pos, bool)>, FxBuildHasher>;

/// What a paragraph may keep of breaks and lines beside its own weight:
/// room for a short paragraph's sets at several measures.
const KEPT_SPARE: usize = 64 << 10;

/// What a paragraph (and its copies) found and set: the line breaks and
/// the lines (setting them costs more than copying them, a tenth of a copy
/// of the pack), by where they start and the measure. A paragraph poured
/// frame by frame across many pages (a pasted book, a note on every
/// sentence) is asked for lines from a new place in every frame, so what
/// it keeps is bounded by its own weight (and [`KEPT_SPARE`]): past that,
/// it lets go of everything it kept. What is let go is only found again,
/// never different.
#[derive(Debug, Default)]
struct Kept {
    breaks: BreaksFound,
    lines: LinesSet,
    /// Roughly how many bytes the two hold, and may hold.
    weight: usize,
    bound: usize,
    /// Of `weight`, the lines counted in the memo's budget: given back
    /// when they are let go.
    charged: usize,
    /// The last window of a long paragraph set, with where the paragraph
    /// goes on after it: a frame that takes a few of its lines leaves the
    /// rest for the next frame of the same measure, which takes them from
    /// here rather than setting a window of its own (one window at most,
    /// so not counted in `weight`).
    window: Option<(Bits, Ahead, Option<Pos>)>,
    /// Its first lines, set ahead on the idle core for the measure the
    /// pour was at (see `layout::ahead`): taken the first time they are
    /// asked for at that measure.
    preset: Option<PresetLines>,
}

impl Kept {
    /// Lets go of everything kept if `bytes` more would not fit beside it.
    fn make_room(&mut self, bytes: usize, budget: Option<&Budget>) {
        if self.weight + bytes > self.bound {
            self.breaks.clear();
            self.lines.clear();
            if let Some(budget) = budget {
                budget.give_back(self.charged);
            }
            (self.weight, self.charged) = (0, 0);
        }
    }
}

/// Lines from a place in a paragraph on: lines set together, and the
/// first of them wanted. Reads as the slice of the lines wanted.
#[derive(Debug, Clone)]
pub struct Ahead {
    set: std::rc::Rc<Vec<(Pos, Line)>>,
    from: usize,
}

impl std::ops::Deref for Ahead {
    type Target = [(Pos, Line)];

    fn deref(&self) -> &[(Pos, Line)] {
        &self.set[self.from..]
    }
}

/// A place in a paragraph: a word, and a glyph of it (after a hyphenation
/// break, a line starts inside a word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Pos {
    pub word: usize,
    pub glyph: usize,
}

impl Pos {
    pub const START: Pos = Pos { word: 0, glyph: 0 };
}

/// One set line, positioned relative to its own top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub height: f32,
    /// Distance from the top of the line to its baseline.
    pub baseline: f32,
    pub runs: Vec<GlyphRun>,
    /// Linked areas: x, width, target.
    pub links: Vec<(f32, f32, std::sync::Arc<str>)>,
    /// Footnotes whose marks are on this line.
    pub footnotes: Vec<usize>,
    /// How far the line's content runs past the measure (an overfull line).
    pub overflow: f32,
    /// How much the spaces were stretched (positive) or shrunk (negative),
    /// as a share of what they may: past 1 the line is loose.
    pub ratio: f32,
    /// The line ends with a hyphen handbill added.
    pub hyphenated: bool,
    /// How far its letters' advances were scaled (spaced out and expanded):
    /// 1 as the font sets them, at most [`LETTER_SPACING`] +
    /// [`GLYPH_EXPANSION`] more or less.
    pub letter_scale: f32,
}

/// What page-number and page-count spans show, and footnote numbering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Numbers {
    pub page: String,
    pub pages: String,
}

/// How a space may stretch and shrink, as shares of its width (TeX's
/// Computer Modern: plus 1/2, minus 1/3).
const STRETCH: f32 = 0.5;
const SHRINK: f32 = 0.33;
/// How far the letters of a justified line may be spaced out or drawn in,
/// as a share of their width, before its spaces take the rest: at most 2 %,
/// which the eye does not see as letter-spacing.
const LETTER_SPACING: f32 = 0.02;
/// How far, besides, its glyphs may be drawn wider or narrower (glyph
/// expansion, as pdfTeX's and microtype's): at most 2 %, which the eye does
/// not see either. Together the letters may take 4 % of their width.
const GLYPH_EXPANSION: f32 = 0.02;
/// The penalties for breaking at a hyphen (TeX's \hyphenpenalty and
/// \exhyphenpenalty) and after a slash or other non-space break.
const HYPHEN_PENALTY: f32 = 50.0;
const OTHER_BREAK_PENALTY: f32 = 100.0;

/// Paragraphs set, by the hash of their keys.
/// How many paragraphs are kept under one hash at most.
const SAME_HASH_KEPT: usize = 4;

type ParagraphsSet = HashMap<u64, Vec<(ParagraphKey<'static>, Paragraph)>, FxBuildHasher>;

/// What a worker keeps of setting paragraphs from one document to the
/// next: the paragraphs set (the copies of a briefing, and a watched
/// briefing's rebuilds, set the same paragraphs again and again) and
/// the hyphenation patterns' answer for each word (most words of a text,
/// and of every copy, come again). Part of the worker's `LayoutMemo`,
/// under its bound.
pub struct ParagraphMemo {
    /// What it may weigh and weighs (roughly, in bytes; the paragraphs,
    /// the lines they set and the hyphenation points); shared with the
    /// paragraphs it keeps. Past its bound, a paragraph set, or lines set
    /// by one kept, are not kept: a long document's paragraphs then go once
    /// poured, instead of all being held.
    budget: std::rc::Rc<Budget>,
    /// By the hash of their keys (itself a hash, so hashed again cheaply);
    /// the keys that share one are told apart by their derived `Eq`.
    paragraphs: RefCell<ParagraphsSet>,
    /// Hyphenation points by word.
    pub hyphenation: HyphenationMemo,
    /// While a document is laid out: its paragraphs set ahead on the idle
    /// core, taken where this memo has not kept them.
    pub(super) ahead: RefCell<Option<std::sync::Arc<Presets>>>,
    /// How many paragraphs a document needs to be set ahead.
    pub(super) set_ahead_from: usize,
    /// How many paragraphs of the last document were set ahead and taken.
    pub(super) set_ahead: Cell<usize>,
}

/// What a [`ParagraphMemo`] may weigh, and weighs, in bytes (roughly).
#[derive(Debug, Default)]
struct Budget {
    /// None: no bound.
    bound: Option<usize>,
    used: Cell<usize>,
}

impl Budget {
    /// Uncounts `bytes` taken before and let go since.
    fn give_back(&self, bytes: usize) {
        self.used.set(self.used.get().saturating_sub(bytes));
    }

    /// Counts `bytes` if they fit under the bound (with `more` beside).
    fn take(&self, bytes: usize, more: usize) -> bool {
        let fits = (self.bound).is_none_or(|b| self.used.get() + more + bytes <= b);
        if fits {
            self.used.set(self.used.get() + bytes);
        }
        fits
    }
}

impl Default for ParagraphMemo {
    /// An empty memo without bound.
    fn default() -> ParagraphMemo {
        ParagraphMemo {
            budget: Default::default(),
            paragraphs: Default::default(),
            hyphenation: Default::default(),
            ahead: Default::default(),
            set_ahead_from: preset::SHORT,
            set_ahead: Default::default(),
        }
    }
}

impl ParagraphMemo {
    /// An empty memo whose paragraphs weigh at most `bound` bytes.
    pub fn with_bound(bound: usize) -> ParagraphMemo {
        ParagraphMemo {
            budget: std::rc::Rc::new(Budget {
                bound: Some(bound),
                used: Cell::new(0),
            }),
            ..ParagraphMemo::default()
        }
    }

    pub fn weight(&self) -> usize {
        self.budget.used.get() + self.hyphenation.weight()
    }

    pub fn clear(&self) {
        self.paragraphs.borrow_mut().clear();
        self.hyphenation.clear();
        self.budget.used.set(0);
    }
}

/// What decides a paragraph besides its spans and style: the number of
/// its first footnote mark (if it has notes) and the page numbers (if it
/// shows them).
fn numbering(spans: &[Span], numbers: &Numbers, next_note: usize) -> (usize, Option<Numbers>) {
    let has = |f: &dyn Fn(&SpanContent) -> bool| spans.iter().any(|s| f(&s.content));
    let notes = has(&|c| matches!(c, SpanContent::Footnote { .. }));
    let pages = has(&|c| matches!(c, SpanContent::PageNumber | SpanContent::PageCount));
    (
        if notes { next_note + 1 } else { 0 },
        pages.then(|| numbers.clone()),
    )
}

/// What `spans` in `style` are set from, with notes numbered on from
/// `next_note`: equal keys set equal paragraphs.
fn key_of<'a>(
    spans: &'a [Span],
    style: &Style,
    shaper: &'a Shaper,
    numbers: &Numbers,
    next_note: usize,
) -> ParagraphKey<'a> {
    let (first_note, numbers) = numbering(spans, numbers, next_note);
    ParagraphKey {
        spans: spans.iter().map(SpanKey::of).collect(),
        style: style.into(),
        hyphenation: Cow::Borrowed(&shaper.hyphenation),
        fonts: shaper.book.id,
        first_note,
        numbers: numbers.map(|Numbers { page, pages }| (page, pages)),
    }
}

/// Roughly how many bytes a key made of `spans` holds: the spans and
/// their text.
fn spans_weight(spans: &[Span]) -> usize {
    spans
        .iter()
        .map(|span| {
            std::mem::size_of::<Span>()
                + match &span.content {
                    SpanContent::Text(text) => text.len(),
                    SpanContent::Footnote { note, .. } => spans_weight(note),
                    _ => 0,
                }
        })
        .sum()
}

/// Roughly how many bytes lines set hold: their runs' glyphs and text.
fn lines_weight(lines: &[(Pos, Line)]) -> usize {
    lines
        .iter()
        .map(|(_, line)| {
            std::mem::size_of::<(Pos, Line)>()
                + (line.runs.iter())
                    .map(|run| {
                        std::mem::size_of::<GlyphRun>()
                            + run.text.len()
                            + run.glyphs.len() * std::mem::size_of::<PlacedGlyph>()
                    })
                    .sum::<usize>()
        })
        .sum()
}

/// The first words of a paragraph's text, to name it by.
fn opening_words(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            if out.chars().count() + word.chars().count() > 40 {
                out.push_str(" …");
                break;
            }
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Shapes `spans` into words. Footnote marks take their numbers from
/// `next_note`, which counts on; each note's spans are handed to `on_note`.
fn shape(
    spans: &[Span],
    shaper: &Shaper,
    memo: &ParagraphMemo,
    numbers: &Numbers,
    next_note: &mut usize,
    on_note: &mut dyn FnMut(usize, &[Span]),
) -> Shaped {
    // The characters this paragraph lacks are gathered apart, to be
    // told again whenever it is set again.
    let missing_before = shaper.missing.take();
    let mut text = String::new();
    let mut atoms = Vec::new();
    for span in spans {
        let start = text.len();
        let mut rise = 0.0;
        let mut footnote = None;
        let mut atom_style = Style::clone(&span.style);
        match &span.content {
            SpanContent::Text(t) => {
                if span.style.uppercase {
                    text.push_str(&t.to_uppercase());
                } else {
                    text.push_str(t);
                }
            }
            SpanContent::LineBreak => text.push('\n'),
            SpanContent::PageNumber => text.push_str(&numbers.page),
            SpanContent::PageCount => text.push_str(&numbers.pages),
            SpanContent::Footnote { note, mark_style } => {
                *next_note += 1;
                on_note(*next_note, note);
                text.push_str(&next_note.to_string());
                rise = span.style.size * 0.33;
                atom_style = Style::clone(mark_style);
                footnote = Some(*next_note);
            }
        }
        if text.len() > start {
            atoms.push(Atom {
                range: start..text.len(),
                face: shaper.book.face_for(&atom_style),
                fallbacks: shaper.book.fallbacks_for(&atom_style),
                style: atom_style,
                link: span.link.clone(),
                rise,
                footnote,
            });
        }
    }
    let words = shape_words(&text, &atoms, shaper, &memo.hyphenation);
    // Each character this paragraph lacks is told once, with the
    // paragraph's first words.
    let found = shaper.missing.replace(missing_before);
    let opening = (!found.is_empty()).then(|| opening_words(&text));
    let missing: std::collections::BTreeSet<Gap> = found
        .into_iter()
        .map(|g| Gap {
            paragraph: opening.clone().unwrap_or_default(),
            ..g
        })
        .collect();
    shaper.missing.borrow_mut().extend(missing.iter().cloned());
    Shaped {
        hyphenated_throughout: atoms.iter().all(|a| a.style.hyphenate),
        text,
        atoms,
        words,
        missing: missing.into_iter().collect(),
    }
}

impl Paragraph {
    /// Shapes `spans`. Footnote marks take their numbers from `next_note`,
    /// which counts on; each note's spans are handed to `on_note`.
    pub fn new(
        spans: &[Span],
        style: &Style,
        shaper: &Shaper,
        memo: &ParagraphMemo,
        numbers: &Numbers,
        next_note: &mut usize,
        on_note: &mut dyn FnMut(usize, &[Span]),
    ) -> Paragraph {
        let key = key_of(spans, style, shaper, numbers, *next_note);
        let hash = hash_of(&key);
        let found = (memo.paragraphs.borrow().get(&hash))
            .and_then(|found| found.iter().find(|(k, _)| *k == key))
            .map(|(_, p)| p.clone());
        // What setting a paragraph found does besides: its notes are
        // numbered and handed on, the characters it lacks told.
        let mut as_set = |missing: &[Gap]| {
            for span in spans {
                if let SpanContent::Footnote { note, .. } = &span.content {
                    *next_note += 1;
                    on_note(*next_note, note);
                }
            }
            (shaper.missing.borrow_mut()).extend(missing.iter().cloned());
        };
        let ahead = memo.ahead.borrow();
        if let Some(found) = found {
            // Set ahead too, where the helper had not heard it was kept.
            if let Some(ahead) = &*ahead {
                ahead.discard(hash, &key);
            }
            as_set(&found.missing);
            return found;
        }
        let preset = ahead.as_ref().and_then(|ahead| ahead.take(hash, &key));
        let mut paragraph = match preset {
            Some(Preset { shaped, lines }) => {
                as_set(&shaped.missing);
                let paragraph = Paragraph::of(shaped, style);
                paragraph.kept.borrow_mut().preset = lines;
                paragraph
            }
            None => {
                let shaped = shape(spans, shaper, memo, numbers, next_note, on_note);
                Paragraph::of(shaped, style)
            }
        };
        let weight = paragraph.weight() + spans_weight(spans);
        paragraph.kept.borrow_mut().bound = weight + KEPT_SPARE;
        // FxHash is not keyed, so a text written to collide could put many
        // paragraphs under one hash; a short list keeps each look-up cheap
        // (one more paragraph is then set again, not searched for).
        let mut paragraphs = memo.paragraphs.borrow_mut();
        if paragraphs
            .get(&hash)
            .is_none_or(|l| l.len() < SAME_HASH_KEPT)
            && memo.budget.take(weight, memo.hyphenation.weight())
        {
            paragraph.charged = Some(memo.budget.clone());
            if let Some(ahead) = &*ahead {
                ahead.kept(hash);
            }
            (paragraphs.entry(hash).or_default()).push((key.into_owned(), paragraph.clone()));
        }
        drop(paragraphs);
        paragraph
    }

    /// A paragraph without footnotes or page numbers (contents entries,
    /// notes, markers).
    pub fn plain(
        spans: &[Span],
        style: &Style,
        shaper: &Shaper,
        memo: &ParagraphMemo,
    ) -> Paragraph {
        Paragraph::new(
            spans,
            style,
            shaper,
            memo,
            &Numbers::default(),
            &mut 0,
            &mut |_, _| {},
        )
    }

    /// A paragraph of `shaped` text in `style`, with nothing set yet.
    fn of(shaped: Shaped, style: &Style) -> Paragraph {
        Paragraph {
            shaped: std::rc::Rc::new(shaped),
            align: style.align,
            leading: style.leading,
            first_indent: style.first_indent,
            kept: Default::default(),
            charged: None,
        }
    }

    /// Roughly how many bytes the paragraph holds, as set: its words with
    /// their pieces, glyphs and hyphenation points.
    fn weight(&self) -> usize {
        let (pieces, glyphs, hyphens) = (self.words.iter()).fold((0, 0, 0), |(p, g, h), w| {
            let glyphs: usize = w.pieces.iter().map(|p| p.glyphs.len()).sum();
            // A word's one piece is in the word; more take room of their own.
            let spilled = if w.pieces.spilled() {
                w.pieces.len()
            } else {
                0
            };
            (p + spilled, g + glyphs, h + w.hyphens.len())
        });
        self.text.len()
            + self.atoms.len() * std::mem::size_of::<Atom>()
            + self.words.len() * std::mem::size_of::<Word>()
            + pieces * std::mem::size_of::<crate::layout::words::Piece>()
            + glyphs * std::mem::size_of::<PlacedGlyph>()
            + hyphens * std::mem::size_of::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The narrowest measure its lines can have without running over (its
    /// widest word, unhyphenated) and its width set on one line (each line
    /// a forced break ends): a table's column widths come from these.
    pub fn content_widths(&self) -> (f32, f32) {
        let (mut min, mut pref) = (0.0f32, 0.0f32);
        let mut line = self.first_indent;
        for (i, word) in self.words.iter().enumerate() {
            let body = word.width - word.trailing_space;
            let indent = if i == 0 { self.first_indent } else { 0.0 };
            min = min.max(indent + body);
            pref = pref.max(line + body);
            line += word.width;
            if word.forced_break {
                line = 0.0;
            }
        }
        (min, pref)
    }

    /// The share by which this paragraph's letters may be spaced out and
    /// expanded, or drawn in: only justified text that may be hyphenated
    /// (body text), never headings or other text set apart.
    fn letter_room(&self) -> f32 {
        let body = self.align == Align::Justify && self.hyphenated_throughout;
        if body {
            LETTER_SPACING + GLYPH_EXPANSION
        } else {
            0.0
        }
    }

    /// The paragraph's text, for messages and outlines.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The Knuth–Plass items for the paragraph from `start`, and for each
    /// possible break the place the next line starts and whether the line
    /// ends hyphenated.
    /// At most about `limit` items are made (whole words), then the ending.
    fn items(&self, start: Pos, limit: usize) -> (Vec<Item>, Vec<Option<(Pos, bool)>>) {
        // Justified lines hang a final hyphen or stop into the margin.
        let hangs = self.align == Align::Justify;
        let hyphen_hang = if hangs { hang_share('-') } else { 0.0 };
        let mut items = Vec::new();
        let mut after: Vec<Option<(Pos, bool)>> = Vec::new();
        let mut push = |item: Item, at: Option<(Pos, bool)>, items: &mut Vec<Item>| {
            items.push(item);
            after.push(at);
        };
        let mut stop = self.words.len();
        for (wi, word) in self.words.iter().enumerate().skip(start.word) {
            if items.len() >= limit {
                stop = wi;
                break;
            }
            let from = if wi == start.word { start.glyph } else { 0 };
            let mut cut = from;
            if let (Some((_, hyphen_width)), [piece]) = (word.hyphen, word.pieces.as_slice()) {
                for &h in word.hyphens.iter().filter(|&&h| h > from) {
                    let width: f32 = piece.glyphs[cut..h].iter().map(|g| g.advance).sum();
                    push(Item::Box { width }, None, &mut items);
                    push(
                        Item::Penalty {
                            // Part of the added hyphen hangs into the margin.
                            width: hyphen_width * (1.0 - hyphen_hang),
                            penalty: HYPHEN_PENALTY,
                            flagged: true,
                        },
                        Some((Pos { word: wi, glyph: h }, true)),
                        &mut items,
                    );
                    cut = h;
                }
            }
            let before_cut: f32 = match word.pieces.as_slice() {
                [piece] => piece.glyphs[..cut].iter().map(|g| g.advance).sum(),
                _ => 0.0,
            };
            push(
                Item::Box {
                    width: word.width - word.trailing_space - before_cut,
                },
                None,
                &mut items,
            );
            let next = Some((
                Pos {
                    word: wi + 1,
                    glyph: 0,
                },
                false,
            ));
            if word.forced_break {
                push(
                    Item::Penalty {
                        width: 0.0,
                        penalty: -INFINITY,
                        flagged: false,
                    },
                    next,
                    &mut items,
                );
            } else if word.trailing_space > 0.0 {
                // A line ending here may hang its last mark into the margin:
                // a break that shortens the line by that much.
                let hang_width = match hangs {
                    true => right_hang(word, &self.text),
                    false => 0.0,
                };
                if hang_width > 0.0 {
                    push(
                        Item::Penalty {
                            width: -hang_width,
                            penalty: 0.0,
                            flagged: false,
                        },
                        next,
                        &mut items,
                    );
                }
                let w = word.trailing_space;
                // Ragged lines keep their spaces as they are.
                let (stretch, shrink) = if self.align == Align::Justify {
                    (w * STRETCH, w * SHRINK)
                } else {
                    (0.0, 0.0)
                };
                push(
                    Item::Glue {
                        width: w,
                        stretch,
                        shrink,
                    },
                    if hang_width > 0.0 { None } else { next },
                    &mut items,
                );
            } else if wi + 1 < self.words.len() {
                let penalty = if word.ends_in_hyphen {
                    HYPHEN_PENALTY
                } else {
                    OTHER_BREAK_PENALTY
                };
                push(
                    Item::Penalty {
                        width: 0.0,
                        penalty,
                        flagged: word.ends_in_hyphen,
                    },
                    next,
                    &mut items,
                );
            }
        }
        // The end: fill the last line, then break (TeX's \parfillskip).
        push(
            Item::Glue {
                width: 0.0,
                stretch: INFINITY * 10.0,
                shrink: 0.0,
            },
            None,
            &mut items,
        );
        push(
            Item::Penalty {
                width: 0.0,
                penalty: -INFINITY,
                flagged: false,
            },
            Some((
                Pos {
                    word: stop,
                    glyph: 0,
                },
                false,
            )),
            &mut items,
        );
        (items, after)
    }

    /// Where the lines from `start` end, by total-fit (Knuth–Plass) line
    /// breaking: each break as (next line's start, hyphenated).
    /// With `window`, only the breaks of the next window of a long
    /// paragraph ([`total_fit_head`]).
    fn breaks(&self, start: Pos, measure: f32, window: bool) -> Vec<(Pos, bool)> {
        let key = Measured {
            start,
            measure: measure.into(),
            window,
        };
        if let Some(found) = self.kept.borrow().breaks.get(&key) {
            return found.clone();
        }
        let out = self.find_breaks(start, measure, window);
        self.keep_breaks(key, &out);
        out
    }

    fn keep_breaks(&self, key: Measured, breaks: &[(Pos, bool)]) {
        let mut kept = self.kept.borrow_mut();
        let weight =
            std::mem::size_of::<(Measured, Vec<(Pos, bool)>)>() + std::mem::size_of_val(breaks);
        kept.make_room(weight, self.charged.as_deref());
        kept.weight += weight;
        kept.breaks.insert(key, breaks.to_vec());
    }

    fn find_breaks(&self, start: Pos, measure: f32, window: bool) -> Vec<(Pos, bool)> {
        let limit = if window { WINDOW_ITEMS } else { usize::MAX };
        let (items, after) = self.items(start, limit);
        let indent = if start == Pos::START {
            self.first_indent
        } else {
            0.0
        };
        let measure_of = |line: usize| {
            if line == 0 {
                (measure - indent).max(1.0)
            } else {
                measure.max(1.0)
            }
        };
        let params = Params {
            ragged: (self.align != Align::Justify).then_some(self.leading * 2.5),
            letter_room: self.letter_room(),
            ..Params::default()
        };
        let cut = after.last().copied().flatten().map(|(end, _)| end);
        let breaking = match cut {
            Some(end) if end.word < self.words.len() => {
                total_fit_head(&items, &measure_of, &params, items.len() / 2)
            }
            _ => total_fit(&items, &measure_of, &params),
        };
        let mut out: Vec<(Pos, bool)> = breaking
            .breaks
            .iter()
            .filter_map(|b| {
                after.get(b.index).copied().flatten().or_else(|| {
                    (b.index >= items.len()).then_some((
                        cut.unwrap_or(Pos {
                            word: self.words.len(),
                            glyph: 0,
                        }),
                        false,
                    ))
                })
            })
            .collect();
        out.dedup();
        out
    }

    /// Breaks the words from `start` into lines of `measure` points. Returns
    /// the lines with the place each starts, shared with every other caller
    /// that asks for the same (placing them copies what it places).
    pub fn lines(&self, start: Pos, measure: f32) -> std::rc::Rc<Vec<(Pos, Line)>> {
        self.lines_set_or_found(start, measure, false)
    }

    /// The next lines from `start`, and where the paragraph goes on after
    /// them (`None`: they end it). A paragraph of up to
    /// [`WINDOW_ITEMS`] items from `start` gets all its [`lines`](Self::lines);
    /// a longer one (a pasted book) only those of its next window, so that
    /// setting it page by page takes time in proportion to its length.
    pub fn lines_ahead(&self, start: Pos, measure: f32) -> (Ahead, Option<Pos>) {
        // The rest of the last window, where a frame stopped inside it.
        if let Some((width, set, rest)) = &self.kept.borrow().window
            && *width == Bits::from(measure)
            && let Ok(at) = set.binary_search_by(|(from, _)| from.cmp(&start))
        {
            let ahead = Ahead {
                set: set.set.clone(),
                from: set.from + at,
            };
            return (ahead, *rest);
        }
        if self.fits_one_window(start) {
            let set = self.lines(start, measure);
            return (Ahead { set, from: 0 }, None);
        }
        let set = self.lines_set_or_found(start, measure, true);
        let rest = self
            .breaks(start, measure, true)
            .last()
            .map(|(end, _)| *end)
            .filter(|end| end.word < self.words.len());
        let ahead = Ahead { set, from: 0 };
        self.kept.borrow_mut().window = Some((measure.into(), ahead.clone(), rest));
        (ahead, rest)
    }

    /// Whether the paragraph from `start` is short enough to be set whole:
    /// counted in items, at most the word, its space and two per hyphen.
    fn fits_one_window(&self, start: Pos) -> bool {
        let mut items = 0;
        !self.words.get(start.word..).unwrap_or(&[]).iter().any(|w| {
            items += 2 + 2 * w.hyphens.len();
            items > WINDOW_ITEMS
        })
    }

    fn lines_set_or_found(
        &self,
        start: Pos,
        measure: f32,
        window: bool,
    ) -> std::rc::Rc<Vec<(Pos, Line)>> {
        let key = Measured {
            start,
            measure: measure.into(),
            window,
        };
        if let Some(set) = self.kept.borrow().lines.get(&key) {
            return set.clone();
        }
        let preset = (start == Pos::START && !window)
            .then(|| (self.kept.borrow_mut().preset).take_if(|p| p.measure == key.measure))
            .flatten();
        let set = match preset {
            // Kept as though found here: its breaks first, then its lines.
            Some(PresetLines { breaks, lines, .. }) => {
                self.keep_breaks(key, &breaks);
                lines
            }
            None => self.set_lines(start, measure, window),
        };
        let weight = lines_weight(&set);
        let mut kept = self.kept.borrow_mut();
        kept.make_room(weight, self.charged.as_deref());
        // A paragraph the memo keeps keeps its lines only while they also
        // fit the memo's bound.
        let budget = self.charged.as_deref();
        if !budget.is_none_or(|budget| budget.take(weight, 0)) {
            return std::rc::Rc::new(set);
        }
        kept.weight += weight;
        if budget.is_some() {
            kept.charged += weight;
        }
        // Kept as a copy, which has no room to spare: the lines are built
        // up a glyph at a time and kept as long as the paragraph.
        let out = std::rc::Rc::new(set.clone());
        kept.lines.insert(key, out.clone());
        out
    }

    fn set_lines(&self, start: Pos, measure: f32, window: bool) -> Vec<(Pos, Line)> {
        let mut out = Vec::new();
        let mut from = start;
        for (to, hyphenated) in self.breaks(start, measure, window) {
            if to <= from {
                continue;
            }
            let indent = if from == Pos::START {
                self.first_indent
            } else {
                0.0
            };
            let avail = (measure - indent).max(1.0);
            let last = to.word >= self.words.len()
                || (to.glyph == 0 && to.word > 0 && self.words[to.word - 1].forced_break);
            out.push((
                from,
                self.set_line(from, to, hyphenated, indent, avail, last),
            ));
            from = to;
        }
        out
    }

    /// The natural width of the words from `start` to the end, for greedy
    /// comparison and measuring.
    #[cfg(test)]
    fn greedy_lines(&self, measure: f32) -> Vec<(Pos, Line)> {
        let (items, after) = self.items(Pos::START, usize::MAX);
        let breaking = first_fit(
            &items,
            &|_| measure,
            &Params {
                ragged: None,
                ..Params::default()
            },
        );
        let mut out = Vec::new();
        let mut from = Pos::START;
        for b in breaking.breaks {
            let Some((to, hyph)) = after.get(b.index).copied().flatten().or(Some((
                Pos {
                    word: self.words.len(),
                    glyph: 0,
                },
                false,
            ))) else {
                continue;
            };
            if to <= from {
                continue;
            }
            let last = to.word >= self.words.len();
            out.push((from, self.set_line(from, to, hyph, 0.0, measure, last)));
            from = to;
        }
        out
    }
}

#[cfg(test)]
mod tests;
