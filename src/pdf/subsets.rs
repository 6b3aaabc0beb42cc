//! The document's font subsets, made ahead on the idle core.
//!
//! krilla makes each font's subset only as the document ends, one font
//! after another, on the thread that drew the pages: cutting the font down
//! to its glyphs and measuring each glyph's outline, then compressing it.
//! It remembers every subset it makes (its `comemo` memo, which is how a
//! batch's next copy finds them), under the font and its glyphs in the
//! order the document first drew them. So while a lone build's pages are
//! drawn, its free core draws each font's glyphs, in the order the pages
//! will first draw them, into a document of their own that is thrown away:
//! ending it makes the very subset the document's own end then finds,
//! and their font programs compressed (krilla as handbill builds it keeps
//! those in the memo too: vendor/README.md). The bytes are the same either
//! way. The thread that drew the pages makes the subsets the free core has
//! not reached, font by font, before it ends the document.
//! docs/decisions.md has the measurements.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use krilla::geom::Point;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::layout::{GlyphRun, Item, Page, Pages};

/// The subsets of the fonts a document's pages draw, to be made before
/// the document's PDF is written (on another thread) and found by it.
/// Each font is taken by one thread: the document's own, once its pages
/// are drawn, takes those the other has not reached ([`Ahead::finish`]),
/// so that no subset is made twice at once.
pub struct Ahead {
    fonts: Vec<(Font, Vec<u16>)>,
    /// The next font no thread has taken.
    next: AtomicUsize,
    /// How many are made (or failed), and a signal as each is.
    made: Mutex<usize>,
    one_made: Condvar,
}

impl std::fmt::Debug for Ahead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ahead({} fonts)", self.fonts.len())
    }
}

impl Ahead {
    /// What `pages` would have made ahead: nothing for a document long
    /// enough that krilla's memo would have let the subsets go again by
    /// its end (it is aged as the pages are drawn).
    pub fn of(pages: &Pages) -> Option<Ahead> {
        if pages.pages.len() > super::SUBSETS_KEPT_FOR * super::PAGES_AGING_THE_MEMO {
            return None;
        }
        let mut fonts = fonts_and_glyphs(pages);
        // The fonts with most glyphs first, the longest to make: what the
        // document's thread finds left at the end is then short.
        fonts.sort_by_key(|(_, glyphs)| std::cmp::Reverse(glyphs.len()));
        (!fonts.is_empty()).then(|| Ahead {
            fonts,
            next: AtomicUsize::new(0),
            made: Mutex::new(0),
            one_made: Condvar::new(),
        })
    }

    /// Makes, on this thread, the subsets no thread has taken yet.
    pub fn make(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            let Some((font, glyphs)) = self.fonts.get(i) else {
                break;
            };
            // Counted even if krilla panics, so that `finish` never waits
            // for a font no one is making.
            let _counted = Counted(self);
            drawn_ahead(font, glyphs);
        }
    }

    /// Makes the subsets left, then waits for those another thread is
    /// making: the document's end then finds every one.
    pub fn finish(&self) {
        self.make();
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        while *made < self.fonts.len() {
            made = (self.one_made.wait(made)).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Counts one font made when dropped.
struct Counted<'a>(&'a Ahead);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        *self.0.made.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.one_made.notify_all();
    }
}

/// Each font `pages` draws, as the PDF embeds it, with its glyphs in the
/// order the pages first draw them.
fn fonts_and_glyphs(pages: &Pages) -> Vec<(Font, Vec<u16>)> {
    let book = pages.font_book();
    let firsts = first_drawn(&pages.pages, book.faces.len());
    (book.faces.iter().zip(firsts))
        .filter(|(_, glyphs)| !glyphs.is_empty())
        .filter_map(|(face, glyphs)| Some((super::glyphs::krilla_font(face)?, glyphs)))
        .collect()
}

/// The text runs of `page` in the order `draw_page` draws them: the
/// watermark, then the items.
fn text_runs(page: &Page) -> impl Iterator<Item = &GlyphRun> {
    let items = page.items.iter().filter_map(|placed| match &placed.item {
        Item::Text(run) => Some(run),
        _ => None,
    });
    page.watermark.iter().chain(items)
}

/// By face, the glyphs `pages` draw, each once, in the order first drawn.
fn first_drawn(pages: &[Page], faces: usize) -> Vec<Vec<u16>> {
    let mut seen = vec![Vec::<bool>::new(); faces];
    let mut order = vec![Vec::new(); faces];
    for run in pages.iter().flat_map(text_runs) {
        let (Some(seen), Some(order)) = (seen.get_mut(run.face), order.get_mut(run.face)) else {
            continue;
        };
        for glyph in run.glyphs.iter() {
            let id = usize::from(glyph.id);
            if seen.len() <= id {
                seen.resize(id + 1, false);
            }
            if !seen[id] {
                seen[id] = true;
                order.push(glyph.id);
            }
        }
    }
    order
}

/// The document thrown away: one page with `font`'s glyphs, drawn in
/// their order. Its bytes, for the tests; none if krilla refuses it.
fn drawn_ahead(font: &Font, glyphs: &[u16]) -> Option<Vec<u8>> {
    let mut document = krilla::Document::new();
    let mut page = document.start_page();
    let mut surface = page.surface();
    let glyphs: Vec<KrillaGlyph> = (glyphs.iter())
        .map(|&id| KrillaGlyph::new(GlyphId::new(id.into()), 0.0, 0.0, 0.0, 0.0, 0..0, None))
        .collect();
    surface.draw_glyphs(
        Point::from_xy(0.0, 0.0),
        &glyphs,
        font.clone(),
        "",
        10.0,
        false,
    );
    surface.finish();
    page.finish();
    document.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Each embedded font subset of `pdf`: its name (a tag the glyphs make,
    /// then the font's) and the font program, uncompressed.
    fn subsets(pdf: &[u8]) -> BTreeMap<String, Vec<u8>> {
        let doc = lopdf::Document::load_mem(pdf).expect("the PDF reads");
        let mut out = BTreeMap::new();
        for object in doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            if !dict
                .get(b"Type")
                .and_then(|t| t.as_name())
                .is_ok_and(|t| t == b"FontDescriptor")
            {
                continue;
            }
            let name = dict
                .get(b"FontName")
                .and_then(|n| n.as_name())
                .expect("a font name");
            let file = dict
                .get(b"FontFile2")
                .and_then(|f| f.as_reference())
                .expect("an embedded font");
            let stream = doc
                .get_object(file)
                .and_then(|s| s.as_stream())
                .expect("a font stream");
            let program = stream
                .decompressed_content()
                .expect("the font decompresses");
            out.insert(String::from_utf8_lossy(name).into_owned(), program);
        }
        out
    }

    #[test]
    fn finish_makes_the_fonts_left_and_waits_for_one_another_thread_took() {
        use std::sync::atomic::AtomicBool;
        let build = crate::Build::new("briefings/legal-delegation-pack.yaml");
        let laid = build.lay_out().expect("the sample lays out");
        let ahead = Ahead::of(&laid.pages).expect("fonts to make ahead");
        let fonts = ahead.fonts.len();
        assert!(fonts >= 3, "{fonts} fonts");
        // The longest to make first.
        assert!((ahead.fonts.windows(2)).all(|w| w[0].1.len() >= w[1].1.len()));
        // Another thread has taken the first font and is still making it.
        assert_eq!(ahead.next.fetch_add(1, Ordering::SeqCst), 0);
        let finished = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                ahead.finish();
                finished.store(true, Ordering::SeqCst);
            });
            // The document's thread makes every other font...
            while *ahead.made.lock().unwrap() < fonts - 1 {
                std::thread::yield_now();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            // ...and waits for the one taken, however long it takes.
            assert!(
                !finished.load(Ordering::SeqCst),
                "finished before all were made"
            );
            drop(Counted(&ahead));
        });
        assert!(finished.load(Ordering::SeqCst));
        assert_eq!(*ahead.made.lock().unwrap(), fonts);
        assert!(ahead.next.load(Ordering::SeqCst) >= fonts);
    }

    #[test]
    fn the_subsets_made_ahead_are_the_documents_own() {
        for sample in [
            "legal-delegation-pack",
            "legal-delegation-pack-ru",
            "london-protest-leaflet",
            "london-protest-dl",
        ] {
            let build = crate::Build::new(format!("briefings/{sample}.yaml"));
            let laid = build.lay_out().expect("the sample lays out");
            // One document for each font, as `Ahead::make` draws them.
            let ahead: BTreeMap<_, _> = (fonts_and_glyphs(&laid.pages).iter())
                .map(|(font, glyphs)| drawn_ahead(font, glyphs).expect("krilla writes it"))
                .flat_map(|pdf| subsets(&pdf))
                .collect();
            let own = subsets(&build.pdf_of(laid).expect("the sample builds").pdf);
            assert!(own.len() >= 3, "{sample}: {:?}", own.keys());
            // The same names and programs: the same fonts and glyphs in the
            // same order, which is what krilla remembers a subset by.
            assert_eq!(
                ahead.keys().collect::<Vec<_>>(),
                own.keys().collect::<Vec<_>>(),
                "{sample}"
            );
            assert!(ahead == own, "{sample}: a subset made ahead differs");
        }
    }
}
