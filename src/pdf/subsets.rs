//! The document's font subsets, made ahead on the idle core.
//!
//! krilla makes each font's subset only as the document ends, one font
//! after another, on the thread that drew the pages: cutting the font down
//! to its glyphs and measuring each glyph's outline, then compressing it.
//! It remembers every subset it makes (its `comemo` memo, which is how a
//! batch's next copy finds them), under the font and its glyphs in the
//! order the document first drew them. So while a lone build's pages are
//! drawn, its free core draws each font's glyphs, in the order the pages
//! will first draw them, into a document of its own that is thrown away:
//! ending it makes the very subsets the document's own end then finds,
//! and their font programs compressed (krilla as handbill builds it keeps
//! those in the memo too: vendor/README.md). The bytes are the same either
//! way; a subset not made in time is made as before. docs/decisions.md has
//! the measurements.

use krilla::geom::Point;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::layout::{GlyphRun, Item, Page, Pages};

/// The subsets of the fonts a document's pages draw, to be made before
/// the document's PDF is written (on another thread) and found by it.
pub struct Ahead(Vec<(Font, Vec<u16>)>);

impl Ahead {
    /// What `pages` would have made ahead: nothing for a document long
    /// enough that krilla's memo would have let the subsets go again by
    /// its end (it is aged as the pages are drawn).
    pub fn of(pages: &Pages) -> Option<Ahead> {
        if pages.pages.len() > super::SUBSETS_KEPT_FOR * super::PAGES_AGING_THE_MEMO {
            return None;
        }
        Some(Ahead(fonts_and_glyphs(pages))).filter(|a| !a.0.is_empty())
    }

    /// Makes the subsets, on this thread.
    pub fn make(self) {
        drawn_ahead(&self.0);
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

/// The document thrown away: one page with each font's glyphs, drawn in
/// their order. Its bytes, for the tests; none if krilla refuses it.
fn drawn_ahead(fonts: &[(Font, Vec<u16>)]) -> Option<Vec<u8>> {
    let mut document = krilla::Document::new();
    let mut page = document.start_page();
    let mut surface = page.surface();
    for (font, glyphs) in fonts {
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
    }
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
    fn the_subsets_made_ahead_are_the_documents_own() {
        for sample in [
            "legal-delegation-pack",
            "legal-delegation-pack-ru",
            "london-protest-leaflet",
            "london-protest-dl",
        ] {
            let build = crate::Build::new(format!("briefings/{sample}.yaml"));
            let laid = build.lay_out().expect("the sample lays out");
            let ahead = drawn_ahead(&fonts_and_glyphs(&laid.pages)).expect("krilla writes it");
            let own = build.pdf_of(laid).expect("the sample builds").pdf;
            let (ahead, own) = (subsets(&ahead), subsets(&own));
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
