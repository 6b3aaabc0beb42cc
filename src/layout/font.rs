//! OpenType shaping in the faces of the document's [`FontBook`].
//!
//! Shaping is harfrust's (kerning, ligatures, marks); each shaped word is kept in the
//! worker's [`ShapeMemo`], because leaflets and packs repeat their words a
//! great deal.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use harfrust::{ShapeOptions, ShapePlan, UnicodeBuffer};
use rustc_hash::FxBuildHasher;

#[cfg(test)]
use crate::theme::{Family, Style};

pub use super::font_book::{Face, FaceId, FontBook};

/// A glyph as shaped, in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapedGlyph {
    pub id: u16,
    pub advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
    /// Byte offset in the shaped text where this glyph's cluster starts.
    pub cluster: u32,
}

/// Hyphenation exceptions: `Kazakh-stan` allows a break only there,
/// `Nazarbayev` none at all. They apply to the word in any case.
///
/// Every paragraph the layout memo keeps has them in its key: they are
/// shared, not copied, and hashed once, so a key costs a pointer and a
/// number rather than a copy of the list (some 750 bytes a paragraph for
/// the sample briefings' six words).
#[derive(Debug, Clone)]
pub struct Hyphenation {
    words: std::sync::Arc<std::collections::BTreeMap<String, Vec<usize>>>,
    /// The words' hash, for the keys.
    digest: u64,
}

impl PartialEq for Hyphenation {
    fn eq(&self, other: &Hyphenation) -> bool {
        self.digest == other.digest
            && (std::sync::Arc::ptr_eq(&self.words, &other.words) || self.words == other.words)
    }
}

impl Eq for Hyphenation {}

impl std::hash::Hash for Hyphenation {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.digest.hash(state);
    }
}

impl Default for Hyphenation {
    fn default() -> Hyphenation {
        Hyphenation::new([])
    }
}

impl Hyphenation {
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a str>) -> Hyphenation {
        use std::hash::BuildHasher;
        let mut words = std::collections::BTreeMap::new();
        for entry in entries {
            let mut word = String::new();
            let mut points = Vec::new();
            for c in entry.trim().chars() {
                if c == '-' {
                    points.push(word.len());
                } else {
                    word.extend(c.to_lowercase());
                }
            }
            words.insert(word, points);
        }
        Hyphenation {
            digest: rustc_hash::FxBuildHasher.hash_one(&words),
            words: std::sync::Arc::new(words),
        }
    }

    /// The breaks for `word` if the briefing says.
    pub fn get(&self, word: &str) -> Option<&Vec<usize>> {
        if self.words.is_empty() {
            return None;
        }
        // Most words are plain ASCII in lower case already: looked up as
        // they are, without a lower-cased copy.
        if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.words.get(word);
        }
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        // Lower-casing keeps byte offsets only where lengths match.
        (lower.len() == word.len())
            .then(|| self.words.get(&lower))
            .flatten()
    }
}

/// The most bytes of words [`Shaper::shape_ahead`] shapes in one call:
/// a few hundred words, past which a longer call saves nothing more.
const TOGETHER_BYTES: usize = 4096;

/// Shaped words of one face, by their text.
type WordCache = HashMap<Box<str>, Rc<[ShapedGlyph]>>;

/// A face of a font book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FaceKey {
    book: u64,
    face: FaceId,
}

/// What a shape plan is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PlanKey {
    face: FaceKey,
    script: harfrust::Script,
}

/// What a worker keeps of its shaping from one document to the next:
/// shaped words (the copies of a briefing, and most briefings of a batch,
/// set the same words; shaping depends only on the face and the text) and
/// shape plans (costly to make: one per face and script). Part of the
/// worker's `LayoutMemo`, under its bound.
#[derive(Default)]
pub struct ShapeMemo {
    /// By face, then by word; the faces' keys are handbill's own numbers,
    /// so FxHash, where the words keep SipHash (docs/decisions.md).
    words: RefCell<HashMap<FaceKey, WordCache, FxBuildHasher>>,
    plans: RefCell<HashMap<PlanKey, Rc<ShapePlan>, FxBuildHasher>>,
    /// Roughly how many bytes the words hold.
    weight: Cell<usize>,
}

impl ShapeMemo {
    pub fn weight(&self) -> usize {
        self.weight.get()
    }

    pub fn clear(&self) {
        self.words.borrow_mut().clear();
        self.plans.borrow_mut().clear();
        self.weight.set(0);
    }
}

/// A character no face of the book has, and the paragraph it is in (its
/// first words; empty while the paragraph is being shaped).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gap {
    pub paragraph: String,
    pub c: char,
}

/// Shapes text for one document, keeping what it shapes in a [`ShapeMemo`].
pub struct Shaper {
    pub book: Arc<FontBook>,
    /// The briefing's own hyphenation: a word's allowed breaks (byte
    /// offsets), or none for a word never to be broken.
    pub hyphenation: Hyphenation,
    /// Characters no face of the book has a glyph for, met while shaping.
    pub missing: RefCell<std::collections::BTreeSet<Gap>>,
    memo: Rc<ShapeMemo>,
}

impl Shaper {
    /// A shaper in the bundled fonts that remembers nothing from before.
    pub fn new() -> Shaper {
        Shaper::with_memo(Rc::default(), FontBook::bundled())
    }

    /// A shaper in `book` that starts from, and adds to, what `memo` holds.
    pub fn with_memo(memo: Rc<ShapeMemo>, book: Arc<FontBook>) -> Shaper {
        Shaper {
            book,
            missing: RefCell::new(Default::default()),
            hyphenation: Hyphenation::default(),
            memo,
        }
    }

    pub fn face(&self, id: FaceId) -> &Face {
        &self.book.faces[id]
    }

    /// Shapes `text` in `face`, or in the first of `fallbacks` with fewer
    /// glyphs missing; notes the characters none of them has. Returns the
    /// face used.
    pub fn shape_with_fallback(
        &self,
        face: FaceId,
        fallbacks: &[FaceId],
        text: &str,
    ) -> (FaceId, Rc<[ShapedGlyph]>) {
        let missing = |g: &[ShapedGlyph]| g.iter().filter(|g| g.id == 0).count();
        let mut best = (face, self.shape(face, text));
        for &other in fallbacks {
            if missing(&best.1) == 0 {
                break;
            }
            let alt = self.shape(other, text);
            if missing(&alt) < missing(&best.1) {
                best = (other, alt);
            }
        }
        for g in best.1.iter().filter(|g| g.id == 0) {
            if let Some(c) = text
                .get(g.cluster as usize..)
                .and_then(|t| t.chars().next())
            {
                self.missing.borrow_mut().insert(Gap {
                    paragraph: String::new(),
                    c,
                });
            }
        }
        best
    }

    /// Shapes `text` (a word with its trailing spaces, usually) in `face`.
    pub fn shape(&self, face: FaceId, text: &str) -> Rc<[ShapedGlyph]> {
        let face_key = self.face_key(face);
        let hit = (self.memo.words.borrow())
            .get(&face_key)
            .and_then(|m| m.get(text))
            .cloned();
        if let Some(hit) = hit {
            return hit;
        }
        let f = &self.book.faces[face];
        let font = f.font();
        let shaper = f.shaper_data().shaper(&font).build();
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let plan = self.plan(face_key, &shaper, &buffer);
        let out = shaper.shape(buffer, ShapeOptions::new().plan(Some(&plan)));
        let glyphs: Rc<[ShapedGlyph]> = (out.glyph_infos().iter())
            .zip(out.glyph_positions())
            .map(|(info, pos)| ShapedGlyph::of(info, pos, 0))
            .collect();
        self.keep(face_key, text, glyphs.clone());
        glyphs
    }

    /// Shapes those of `texts` not yet shaped in `face` in one call, for
    /// [`Shaper::shape`] to find. Every lookup of the font walks harfrust's
    /// buffer however short it is, so a word shaped alone pays that walk
    /// for its few glyphs; shaped together, a paragraph's words pay it once
    /// (the rest of harfrust's cost is per glyph either way).
    /// A word is kept only where harfrust says that breaking the text at
    /// its start and at its end gives what shaping it alone gives (no
    /// kerning, ligature or context across the space): the others are left
    /// for [`Shaper::shape`] to shape alone, so the memo holds exactly what
    /// it would have held.
    pub fn shape_ahead<'t>(&self, face: FaceId, texts: impl Iterator<Item = &'t str>) {
        let face_key = self.face_key(face);
        // The words not yet shaped, once each, by the script a word alone
        // would be shaped in (its first letter's; none for digits and
        // punctuation): one shaping per script.
        let mut by_script: smallvec::SmallVec<[(harfrust::Script, Vec<&str>); 2]> =
            smallvec::SmallVec::new();
        let mut seen = std::collections::HashSet::<&str, FxBuildHasher>::default();
        let mut probe = UnicodeBuffer::new();
        {
            let words = self.memo.words.borrow();
            let known = words.get(&face_key);
            for text in texts {
                if text.is_empty()
                    || known.is_some_and(|m| m.contains_key(text))
                    || !seen.insert(text)
                {
                    continue;
                }
                let Some(script) = left_to_right_script(&mut probe, text) else {
                    continue;
                };
                match by_script.iter_mut().find(|(s, _)| *s == script) {
                    Some((_, group)) => group.push(text),
                    None => by_script.push((script, vec![text])),
                }
            }
        }
        // A word alone is shaped as well by `shape`.
        by_script.retain(|(_, group)| group.len() > 1);
        if by_script.is_empty() {
            return;
        }
        let f = &self.book.faces[face];
        let font = f.font();
        let shaper = f.shaper_data().shaper(&font).build();
        for (script, group) in by_script {
            // A few KB at a time: what one call holds stays small however
            // long the paragraph (a section may be one paragraph of
            // megabytes), and a word longer than that is shaped alone.
            let (mut together, mut bytes) = (Vec::new(), 0);
            for text in group.into_iter().filter(|t| t.len() <= TOGETHER_BYTES) {
                if bytes + text.len() > TOGETHER_BYTES {
                    self.shape_together(face_key, &shaper, script, &together);
                    (together, bytes) = (Vec::new(), 0);
                }
                together.push(text);
                bytes += text.len();
            }
            self.shape_together(face_key, &shaper, script, &together);
        }
    }

    /// Shapes `words` of one `script` in one call and keeps each word
    /// whose ends harfrust says are safe to break at (see
    /// [`Shaper::shape_ahead`]).
    fn shape_together(
        &self,
        face: FaceKey,
        shaper: &harfrust::Shaper,
        script: harfrust::Script,
        words: &[&str],
    ) {
        if words.len() < 2 {
            return;
        }
        let mut all = String::with_capacity(words.iter().map(|t| t.len()).sum());
        let mut starts = Vec::with_capacity(words.len() + 1);
        for text in words {
            starts.push(all.len());
            all.push_str(text);
        }
        starts.push(all.len());
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(&all);
        buffer.guess_segment_properties();
        // Guessed from the first word, whose script the others share.
        debug_assert_eq!(buffer.script(), script);
        let plan = self.plan(face, shaper, &buffer);
        let out = shaper.shape(buffer, ShapeOptions::new().plan(Some(&plan)));
        let (infos, positions) = (out.glyph_infos(), out.glyph_positions());
        // Where each word's glyphs start; a word whose first glyph is not
        // its own first character's (a cluster across the space) has none.
        let mut first = Vec::with_capacity(words.len() + 1);
        let mut g = 0;
        for &start in &starts {
            while infos.get(g).is_some_and(|i| (i.cluster as usize) < start) {
                g += 1;
            }
            let clean =
                (infos.get(g)).is_none_or(|i| i.cluster as usize == start && !i.unsafe_to_break());
            first.push(clean.then_some(g));
        }
        for (i, text) in words.iter().enumerate() {
            let (Some(from), Some(to)) = (first[i], first[i + 1]) else {
                continue;
            };
            let glyphs: Rc<[ShapedGlyph]> = (infos[from..to].iter())
                .zip(&positions[from..to])
                .map(|(info, pos)| ShapedGlyph::of(info, pos, starts[i] as u32))
                .collect();
            self.keep(face, text, glyphs);
        }
    }

    /// Whether `text` is shaped in `face` already.
    #[cfg(test)]
    fn knows(&self, face: FaceId, text: &str) -> bool {
        let words = self.memo.words.borrow();
        (words.get(&self.face_key(face))).is_some_and(|m| m.contains_key(text))
    }

    fn face_key(&self, face: FaceId) -> FaceKey {
        FaceKey {
            book: self.book.id,
            face,
        }
    }

    /// The plan for `buffer`'s script in the face, made once.
    fn plan(
        &self,
        face: FaceKey,
        shaper: &harfrust::Shaper,
        buffer: &UnicodeBuffer,
    ) -> Rc<ShapePlan> {
        let key = PlanKey {
            face,
            script: buffer.script(),
        };
        let plan = self.memo.plans.borrow().get(&key).cloned();
        plan.unwrap_or_else(|| {
            let plan = Rc::new(ShapePlan::new(
                shaper,
                buffer.direction(),
                Some(buffer.script()),
                None,
                &[],
            ));
            self.memo.plans.borrow_mut().insert(key, plan.clone());
            plan
        })
    }

    /// Keeps a word's glyphs in the memo.
    fn keep(&self, face: FaceKey, text: &str, glyphs: Rc<[ShapedGlyph]>) {
        let weight = text.len() + glyphs.len() * std::mem::size_of::<ShapedGlyph>() + 64;
        self.memo.weight.set(self.memo.weight.get() + weight);
        (self.memo.words.borrow_mut())
            .entry(face)
            .or_default()
            .insert(text.into(), glyphs);
    }
}

/// The script harfrust shapes `text` in when shaped alone (see
/// `UnicodeBuffer::guess_segment_properties`), if it runs left to right.
/// Most words are ASCII, whose letters are Latin and whose other
/// characters belong to no script: told without `probe`.
fn left_to_right_script(probe: &mut UnicodeBuffer, text: &str) -> Option<harfrust::Script> {
    if text.is_ascii() {
        return Some(if text.bytes().any(|b| b.is_ascii_alphabetic()) {
            harfrust::script::LATIN
        } else {
            harfrust::script::UNKNOWN
        });
    }
    probe.push_str(text);
    probe.guess_segment_properties();
    let script = probe.script();
    let ltr = probe.direction() == harfrust::Direction::LeftToRight;
    probe.clear();
    ltr.then_some(script)
}

impl ShapedGlyph {
    /// A glyph as harfrust shaped it, its cluster counted from `start`.
    fn of(info: &harfrust::GlyphInfo, pos: &harfrust::GlyphPosition, start: u32) -> ShapedGlyph {
        ShapedGlyph {
            id: info.glyph_id as u16,
            advance: pos.x_advance,
            x_offset: pos.x_offset,
            y_offset: pos.y_offset,
            cluster: info.cluster - start,
        }
    }
}

impl Default for Shaper {
    fn default() -> Self {
        Shaper::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenation_is_shared_and_told_apart_by_its_words() {
        use std::hash::BuildHasher;
        let hash = |h: &Hyphenation| rustc_hash::FxBuildHasher.hash_one(h);
        let a = Hyphenation::new(["Kazakh-stan", "Nazarbayev"]);
        let copy = a.clone();
        assert!(
            std::sync::Arc::ptr_eq(&a.words, &copy.words),
            "shared, not copied"
        );
        let same = Hyphenation::new(["Nazarbayev", "Kazakh-stan"]);
        assert_eq!(a, same);
        assert_eq!(hash(&a), hash(&same));
        let other = Hyphenation::new(["Kazakhs-tan", "Nazarbayev"]);
        assert_ne!(a, other);
        assert_eq!(Hyphenation::default(), Hyphenation::new([]));
        assert_ne!(a, Hyphenation::default());
        assert_eq!(a.get("KAZAKHSTAN"), Some(&vec![6]));
    }

    #[test]
    fn the_briefings_hyphenation_is_found_whatever_the_case() {
        let h = Hyphenation::new(["Kazakh-stan", "Ал-ма-ты"]);
        for word in ["kazakhstan", "Kazakhstan", "KAZAKHSTAN"] {
            assert_eq!(h.get(word), Some(&vec![6]), "{word}");
        }
        assert_eq!(h.get("Алматы"), Some(&vec![4, 8]));
        assert_eq!(h.get("almaty"), None);
        assert_eq!(Hyphenation::default().get("kazakhstan"), None);
    }

    #[test]
    fn every_bundled_face_covers_kazakh() {
        let book = FontBook::bundled();
        assert_eq!(book.faces.len(), 8);
        for face in &book.faces {
            let charmap = skrifa::MetadataProvider::charmap(&face.font());
            for c in "ӘҒҚҢӨҰҮҺІәғқңөұүһіЖжЁё№".chars() {
                assert!(charmap.map(c).is_some(), "{} lacks {c}", face.name);
            }
            assert!(face.ascent > 0.5 && face.descent > 0.1, "{}", face.name);
        }
    }

    /// The sample profile's text in words, each with its trailing spaces,
    /// as a paragraph is cut.
    fn sample_words() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/briefings/profiles/kazakhstan");
        let mut words = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let mut word = String::new();
            for c in text.chars() {
                if !c.is_whitespace() && word.ends_with(char::is_whitespace) {
                    words.push(std::mem::take(&mut word));
                }
                word.push(if c == '\n' { ' ' } else { c });
            }
            words.push(word);
        }
        words
    }

    #[test]
    fn words_shaped_together_are_the_words_shaped_alone() {
        let words = sample_words();
        let distinct: std::collections::BTreeSet<&str> = words.iter().map(|w| w.as_str()).collect();
        assert!(distinct.len() > 500, "{}", distinct.len());
        assert!(distinct.iter().any(|w| !w.is_ascii()), "Cyrillic too");
        for face in 0..FontBook::bundled().faces.len() {
            let (alone, together) = (Shaper::new(), Shaper::new());
            together.shape_ahead(face, words.iter().map(|w| w.as_str()));
            let kept = distinct.iter().filter(|w| together.knows(face, w)).count();
            // Shaped together, apart from the few beside a kerning pair
            // or ligature across the space.
            assert!(
                kept * 10 > distinct.len() * 9,
                "face {face}: {kept} of {}",
                distinct.len()
            );
            for word in &distinct {
                assert_eq!(
                    alone.shape(face, word),
                    together.shape(face, word),
                    "face {face}: {word:?}"
                );
            }
        }
    }

    #[test]
    fn a_ligature_or_kerning_across_two_words_leaves_both_to_be_shaped_alone() {
        let s = Shaper::new();
        // "f" then "i" make the one glyph "fi" when shaped together.
        s.shape_ahead(0, ["f", "i", "and ", "so "].into_iter());
        assert!(!s.knows(0, "f") && !s.knows(0, "i"));
        assert!(s.knows(0, "and ") && s.knows(0, "so "));
        assert_eq!(s.shape(0, "f"), Shaper::new().shape(0, "f"));
        assert_eq!(s.shape(0, "i").len(), 1);
        // "A" then "V" are kerned together, not alone.
        s.shape_ahead(0, ["A", "V", "and "].into_iter());
        assert!(!s.knows(0, "A") && !s.knows(0, "V"));
        assert_eq!(s.shape(0, "A"), Shaper::new().shape(0, "A"));
    }

    #[test]
    fn a_long_paragraph_is_shaped_a_few_kilobytes_at_a_time() {
        let words: Vec<String> = (0..3000).map(|i| format!("w{i} ")).collect();
        let long = format!("{} ", "x".repeat(TOGETHER_BYTES + 1));
        let s = Shaper::new();
        s.shape_ahead(0, words.iter().map(|w| w.as_str()).chain([long.as_str()]));
        // Every word of the calls on both sides of each cut is kept, and
        // shaped as alone.
        for word in &words {
            assert!(s.knows(0, word), "{word:?}");
            assert_eq!(s.shape(0, word), Shaper::new().shape(0, word), "{word:?}");
        }
        // Longer than a call holds: left to be shaped alone.
        assert!(!s.knows(0, &long));
        assert_eq!(s.shape(0, &long).len(), TOGETHER_BYTES + 2);
    }

    #[test]
    fn ascii_words_are_in_the_script_harfrust_guesses() {
        let (mut probe, mut guess) = (UnicodeBuffer::new(), UnicodeBuffer::new());
        for b in 0x20u8..0x7f {
            let text = format!("{}1 ", b as char);
            guess.push_str(&text);
            guess.guess_segment_properties();
            assert_eq!(
                left_to_right_script(&mut probe, &text),
                Some(guess.script()),
                "{text:?}"
            );
            guess.clear();
        }
        assert_eq!(
            left_to_right_script(&mut probe, "Алматы "),
            Some(harfrust::script::CYRILLIC)
        );
    }

    #[test]
    fn shaping_kerns_and_ligates() {
        let s = Shaper::new();
        // "fi" becomes one glyph in Noto Serif.
        let fi = s.shape(0, "fi");
        assert_eq!(fi.len(), 1, "{fi:?}");
        // "AV" is kerned: narrower than A and V set apart.
        let av: i32 = s.shape(0, "AV").iter().map(|g| g.advance).sum();
        let a: i32 = s.shape(0, "A").iter().map(|g| g.advance).sum();
        let v: i32 = s.shape(0, "V").iter().map(|g| g.advance).sum();
        assert!(av < a + v, "AV {av} vs {a}+{v}");
    }

    #[test]
    fn faces_follow_the_style() {
        let book = FontBook::bundled();
        let s = Style {
            font: Family::Sans,
            bold: true,
            italic: true,
            ..Style::default()
        };
        assert_eq!(book.faces[book.face_for(&s)].name, "NotoSans-BoldItalic");
    }
}
