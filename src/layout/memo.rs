//! The layout memo: what one worker remembers of the documents it has laid
//! out, for the documents it lays out next.
//!
//! Each worker (a thread of a batch, a single build) owns one and hands it
//! to [`layout`](super::layout); nothing is shared between workers and
//! nothing is global. It holds the shaped words and shape plans, the
//! hyphenation points, the paragraphs set, and the pour of the last
//! document's repeated runs. Every entry is found by a key made of all the
//! data its result was made from (the text, the styles, the briefing's
//! hyphenation, the font book, the page designs, the pictures), so a
//! document that differs from the one before in one section sets only that
//! section again, and fonts that differ by project never meet.
//!
//! One bound covers it all: when what it holds (roughly, in bytes) has grown
//! past the bound, the next document starts from an empty memo. Within one
//! document, the paragraphs and the pour are each kept only while they are
//! under it: a document too long for the memo sets what it could not keep
//! again if it needs another pass, and never holds all of its text set at
//! once.

use std::rc::Rc;

use super::flow::PourMemo;
use super::font::ShapeMemo;
use super::paragraph::ParagraphMemo;

/// What one worker remembers of laying out; see the module.
pub struct LayoutMemo {
    /// The most it may hold, roughly, in bytes, before it is emptied.
    bound: usize,
    shapes: Rc<ShapeMemo>,
    paragraphs: ParagraphMemo,
    pours: PourMemo,
}

impl LayoutMemo {
    /// The bound of [`LayoutMemo::new`]: ten times what the sample pack
    /// keeps (1.5 MB as counted), and small beside the memory a long build
    /// takes. It counts the paragraphs' lines and their keys' text too,
    /// so what it holds is within about twice what it counts (the maps'
    /// own room and small allocations are not counted).
    pub const BOUND: usize = 16 << 20;

    /// An empty memo under [`LayoutMemo::BOUND`].
    pub fn new() -> LayoutMemo {
        LayoutMemo::with_bound(LayoutMemo::BOUND)
    }

    /// An empty memo under `bound` bytes (roughly).
    pub fn with_bound(bound: usize) -> LayoutMemo {
        LayoutMemo {
            bound,
            shapes: Rc::default(),
            paragraphs: ParagraphMemo::with_bound(bound),
            pours: PourMemo::with_bound(bound),
        }
    }

    /// Roughly how many bytes it holds.
    pub fn weight(&self) -> usize {
        self.shapes.weight() + self.paragraphs.weight() + self.pours.weight()
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.shapes.clear();
        self.paragraphs.clear();
        self.pours.clear();
    }

    /// Called as a document's layout starts: past the bound, it starts
    /// again.
    pub(super) fn start_document(&self) {
        if self.weight() > self.bound {
            self.clear();
        }
    }

    pub(super) fn shapes(&self) -> Rc<ShapeMemo> {
        self.shapes.clone()
    }

    pub(super) fn paragraphs(&self) -> &ParagraphMemo {
        &self.paragraphs
    }

    /// The same memo, setting a document's paragraphs ahead on the idle
    /// core from `paragraphs` of them (see `layout::ahead`).
    pub fn setting_ahead_from(mut self, paragraphs: usize) -> LayoutMemo {
        self.paragraphs.set_ahead_from = paragraphs;
        self
    }

    /// How many paragraphs of the last document laid out were set ahead
    /// on the idle core.
    pub fn paragraphs_set_ahead(&self) -> usize {
        self.paragraphs.set_ahead.get()
    }

    pub(super) fn pours(&self) -> &PourMemo {
        &self.pours
    }
}

impl Default for LayoutMemo {
    fn default() -> LayoutMemo {
        LayoutMemo::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::layout::font::Hyphenation;
    use crate::layout::layout;
    use crate::layout::tests::doc_of;
    use std::collections::BTreeMap;

    #[test]
    fn a_memo_past_its_bound_starts_again_and_the_pages_are_the_same() {
        let doc = |text: &str| {
            let body = format!("<p>{text}<footnote>Amnesty.</footnote></p>").repeat(8);
            doc_of(&format!(
                r#"<document title="t"><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/><flow name="main"><contents/><h1 id="a">One</h1>{body}</flow></document>"#
            ))
        };
        let (a, b) = (
            doc("Kazakhstan has an appalling human rights record."),
            doc("Журналисты и правозащитники остаются под давлением."),
        );
        let lay = |doc: &Document, memo: &LayoutMemo| {
            let pages = layout(
                doc,
                &BTreeMap::new(),
                "t",
                &Hyphenation::default(),
                &crate::layout::FontBook::bundled(),
                memo,
            );
            format!("{:?}", pages.unwrap())
        };
        let alone = |doc: &Document| {
            let memo = LayoutMemo::new();
            (lay(doc, &memo), memo.weight())
        };
        let ((pages_a, kept_a), (pages_b, kept_b)) = (alone(&a), alone(&b));
        assert!(kept_a > 0 && kept_b > 0, "a document leaves what it set");

        // Within its bound, the memo keeps both documents, and a document
        // set again adds nothing.
        let roomy = LayoutMemo::new();
        assert_eq!(lay(&a, &roomy), pages_a);
        assert_eq!(lay(&a, &roomy), pages_a);
        assert_eq!(roomy.weight(), kept_a);
        assert_eq!(lay(&b, &roomy), pages_b);
        assert!(roomy.weight() > kept_b);

        // Past it, the next document starts from an empty memo.
        let tight = LayoutMemo::with_bound(kept_a - 1);
        assert_eq!(lay(&a, &tight), pages_a);
        assert_eq!(lay(&b, &tight), pages_b);
        assert_eq!(tight.weight(), kept_b);
        assert!(tight.pours().passes() > 0, "b's pour is kept");
        tight.clear();
        assert_eq!((tight.weight(), tight.pours().passes()), (0, 0));

        // A memo that a single document would take past its bound stops
        // keeping paragraphs and pours there: the pages are the same.
        let small = LayoutMemo::with_bound(kept_a / 4);
        assert_eq!(lay(&a, &small), pages_a);
        // (The hyphenation points of the words met after the bound was
        // reached are still kept: a few bytes a word of the language.)
        let paragraphs = small.paragraphs();
        let kept = paragraphs.weight() - paragraphs.hyphenation.weight();
        assert!(kept <= kept_a / 4, "{kept} of {kept_a}");
        assert!(small.pours().weight() <= kept_a / 4);
        assert!(small.weight() < kept_a, "{} of {kept_a}", small.weight());
        assert_eq!(lay(&a, &small), pages_a);
    }
}
