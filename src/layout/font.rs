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
        let face_key = FaceKey {
            book: self.book.id,
            face,
        };
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
        let key = PlanKey {
            face: face_key,
            script: buffer.script(),
        };
        let plan = self.memo.plans.borrow().get(&key).cloned();
        let plan = plan.unwrap_or_else(|| {
            let plan = Rc::new(ShapePlan::new(
                &shaper,
                buffer.direction(),
                Some(buffer.script()),
                None,
                &[],
            ));
            self.memo.plans.borrow_mut().insert(key, plan.clone());
            plan
        });
        let out = shaper.shape(buffer, ShapeOptions::new().plan(Some(&plan)));
        let glyphs: Rc<[ShapedGlyph]> = out
            .glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| ShapedGlyph {
                id: info.glyph_id as u16,
                advance: pos.x_advance,
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
                cluster: info.cluster,
            })
            .collect();
        let weight = text.len() + glyphs.len() * std::mem::size_of::<ShapedGlyph>() + 64;
        self.memo.weight.set(self.memo.weight.get() + weight);
        (self.memo.words.borrow_mut())
            .entry(face_key)
            .or_default()
            .insert(text.into(), glyphs.clone());
        glyphs
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
