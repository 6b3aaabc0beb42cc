//! A run's glyphs as krilla is handed them: where each is drawn, rounded to
//! the thousandth of an em that a PDF's text arrays count in.
//!
//! A PDF viewer sets each glyph at its font's own advance; where the layout
//! wants it elsewhere (kerning, and the letter-spacing of every justified
//! line), krilla writes the difference into the line's `TJ` array, in
//! thousandths of an em. Handed the layout's advances as they are, most
//! glyphs of a justified line differ from the font by a fraction such as
//! 1.7156982, written out in full: long text arrays, a decimal formatted for
//! every glyph, and digits that compress badly. Here each difference is
//! rounded to whole thousandths, the remainder carried on to the next glyph
//! so that no glyph is more than half a thousandth of an em from where the
//! layout put it (0.005 pt at 10 pt; a thousandth and a half where krilla's
//! arithmetic cannot give the nearest whole number) and a line ends where it
//! was set. docs/decisions.md has the measurements.

use std::cell::RefCell;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;

use crate::layout::GlyphRun;
use crate::layout::font::FontBook;
use crate::layout::font_book::Face;

/// The document's faces: krilla's, and their advances as krilla reads them.
pub(super) struct Faces<'a> {
    pub(super) fonts: Vec<Font>,
    /// None for a face krilla's reader would not know either: its
    /// glyphs are handed on as the layout set them.
    advances: Vec<Option<Advances<'a>>>,
}

/// A face's advances, each read once: a long document draws the same
/// glyphs millions of times.
struct Advances<'a> {
    metrics: GlyphMetrics<'a>,
    /// By glyph id, in font units; NaN: not read yet.
    read: RefCell<Vec<f32>>,
}

impl Advances<'_> {
    fn of(&self, glyph: u16) -> Option<f32> {
        let mut read = self.read.borrow_mut();
        let known = read.get_mut(usize::from(glyph))?;
        if known.is_nan() {
            *known = (self.metrics)
                .advance_width(skrifa::GlyphId::new(glyph.into()))
                .unwrap_or(f32::INFINITY);
        }
        Some(*known).filter(|a| a.is_finite())
    }
}

/// krilla's font of a face of the book. The PDF and the subsets made
/// ahead of it (`subsets`) both make theirs here: krilla finds a subset
/// made ahead only for the very same font.
pub(super) fn krilla_font(face: &Face) -> Option<Font> {
    Font::new(face.shared_data().into(), face.index)
}

impl<'a> Faces<'a> {
    /// `fonts` are krilla's fonts of `book`'s faces, in the same order.
    pub(super) fn new(book: &'a FontBook, fonts: Vec<Font>) -> Faces<'a> {
        let advances = (book.faces.iter())
            .map(|face| {
                let font = skrifa::FontRef::from_index(face.data(), face.index).ok()?;
                let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
                let glyphs = metrics.glyph_count() as usize;
                Some(Advances {
                    metrics,
                    read: RefCell::new(vec![f32::NAN; glyphs]),
                })
            })
            .collect();
        Faces { fonts, advances }
    }

    /// The glyphs of `run`, drawn in a space `expansion` times as wide as
    /// the page's (1: not expanded), for [`krilla::surface::Surface::draw_glyphs`].
    pub(super) fn glyphs(&self, run: &GlyphRun, expansion: f32) -> Vec<KrillaGlyph> {
        let font = &self.fonts[run.face];
        let upem = font.units_per_em();
        let advances = self.advances.get(run.face).and_then(Option::as_ref);
        // Whole thousandths of an em come out of krilla's arithmetic with a
        // font of 1,000 (or 2,000) units to the em, seldom with others.
        let thousandths = upem % 1000.0 == 0.0;
        let size = run.size;
        // Points to the font unit, as the glyphs were set.
        let scale = size / upem;
        // Where the layout puts the end of each glyph, and where the
        // glyphs handed on so far end, in thousandths of an em of the
        // drawing space.
        let (mut wanted, mut drawn) = (0.0f64, 0.0f64);
        run.glyphs
            .iter()
            .map(|g| {
                let (x_offset, y_offset) = g.offset(scale);
                let advance = g.advance / size / expansion;
                wanted += f64::from(advance) * 1000.0;
                let font_advance = advances.and_then(|a| a.of(g.id));
                let whole = font_advance.filter(|_| thousandths).and_then(|font_units| {
                    let natural = f64::from(font_units) * 1000.0 / f64::from(upem);
                    let (em, difference) =
                        in_whole_thousandths(font_units, wanted - drawn - natural, upem)?;
                    drawn += natural + difference;
                    Some(em)
                });
                let advance = whole.unwrap_or_else(|| {
                    drawn = wanted;
                    advance
                });
                KrillaGlyph::new(
                    GlyphId::new(u32::from(g.id)),
                    advance,
                    x_offset / size,
                    y_offset / size,
                    0.0,
                    g.text(),
                    None,
                )
            })
            .collect()
    }
}

/// The advance, in ems, of a glyph about `difference` thousandths of an
/// em wider than its font's `font_units`, and the whole difference it
/// makes: of the `f32`s nearest, one from which krilla's own arithmetic
/// (to font units, less the font's advance, to thousandths) comes out
/// whole, so that it is written as a whole number. A few whole numbers
/// never come out of that arithmetic (127 with 1,000 units to the em):
/// the next nearest is taken. None: no whole number near.
fn in_whole_thousandths(font_units: f32, difference: f64, upem: f32) -> Option<(f32, f64)> {
    let font_advance = font_units / upem * upem;
    let written = |em: f32| (em * upem - font_advance) / upem * 1000.0;
    let nearest = whole_nearest(difference);
    let other = if difference >= nearest {
        nearest + 1.0
    } else {
        nearest - 1.0
    };
    for whole in [nearest, other, 2.0 * nearest - other] {
        let near = (font_advance + whole as f32 * upem / 1000.0) / upem;
        let (mut below, mut above) = (near, near);
        for _ in 0..NEIGHBOURS_TRIED {
            for em in [above, below] {
                if f64::from(written(em)) == whole {
                    return Some((em, whole));
                }
            }
            (below, above) = (below.next_down(), above.next_up());
        }
    }
    None
}

/// `x` rounded to the nearest whole number, halves away from zero: as
/// `f64::round`, without the call the default x86-64 target makes for it
/// (a glyph's difference is far inside `i64`).
fn whole_nearest(x: f64) -> f64 {
    let whole = x as i64 as f64;
    match x - whole {
        d if d >= 0.5 => whole + 1.0,
        d if d <= -0.5 => whole - 1.0,
        _ => whole,
    }
}

/// How many `f32`s either side of the nearest are tried: a few suffice for
/// every advance and difference a font has (see the tests).
const NEIGHBOURS_TRIED: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::PlacedGlyph;

    /// What krilla writes into the text array for a glyph handed `em`
    /// whose font advance is `font_units`, in its own arithmetic
    /// (`encode_glyphs_with_individual_positioning`).
    fn written(em: f32, font_units: f32, upem: f32) -> f32 {
        let scale = |v: f32| v * upem;
        let adjustment = scale(em * 1.0) - scale(font_units / upem);
        -(adjustment / upem * 1000.0)
    }

    /// Each glyph's advance and difference the search is asked for, in
    /// the ranges a font's advances and a line's kerning and
    /// letter-spacing take: how many found no whole number.
    fn misses(upem: f32) -> usize {
        let mut missed = 0;
        for font_units in (0..=1500).map(|u| u as f32) {
            for tenths in -600..=600 {
                let difference = f64::from(tenths) / 10.0;
                match in_whole_thousandths(font_units, difference, upem) {
                    Some((em, whole)) => {
                        let w = written(em, font_units, upem);
                        assert_eq!(f64::from(-w), whole, "{upem} {font_units} {difference}");
                        assert!((whole - difference).abs() <= 1.5, "{difference} as {whole}");
                    }
                    None => missed += 1,
                }
            }
        }
        missed
    }

    #[test]
    fn whole_nearest_rounds_as_round_does() {
        for x in [
            0.0,
            0.49,
            0.5,
            0.51,
            -0.49,
            -0.5,
            -0.51,
            12.5,
            -12.5,
            126.9,
            -3.2,
            1e9 + 0.5,
        ] {
            assert_eq!(whole_nearest(x), f64::round(x), "{x}");
        }
    }

    #[test]
    fn what_is_found_is_written_whole_and_near() {
        // The bundled faces (1,000 units to the em): nearly every glyph.
        assert!(misses(1000.0) < 1501 * 1201 / 100);
        assert!(misses(2000.0) < 1501 * 1201 / 100);
        // Other fonts' advances seldom come out whole; what does is exact.
        misses(2048.0);
    }

    /// A justified line's run, letter-spaced and expanded as the layout
    /// sets one, handed to krilla: every number krilla writes is whole,
    /// and every glyph is drawn within a thousandth and a half of an em of
    /// where the layout put it, the last within half.
    #[test]
    fn a_justified_lines_glyphs_are_written_whole_where_they_were_set() {
        let book = FontBook::bundled();
        let face = &book.faces[0];
        let fonts = (book.faces.iter())
            .map(|f| krilla_font(f).unwrap())
            .collect();
        let faces = Faces::new(&book, fonts);
        let upem = faces.fonts[0].units_per_em();
        assert_eq!(upem, 1000.0);
        let font = skrifa::FontRef::from_index(face.data(), face.index).unwrap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let natural = |id: u16| {
            metrics
                .advance_width(skrifa::GlyphId::new(id.into()))
                .unwrap()
        };
        let (size, expansion, tracking) = (10.0f32, 0.9971f32, 0.0173f32);
        let ids: Vec<u16> = (36..96).collect();
        let placed: Vec<PlacedGlyph> = (ids.iter().enumerate())
            .map(|(i, &id)| {
                let advance = natural(id) * size / upem * expansion + tracking;
                PlacedGlyph::new(id, advance, i..i + 1)
            })
            .collect();
        let run = GlyphRun {
            x: 0.0,
            y: 0.0,
            face: 0,
            size,
            color: crate::colour::Cmyk::BLACK,
            glyphs: placed.clone().into(),
            text: "x".repeat(ids.len()).into(),
            underline: false,
            expansion,
        };
        let handed = faces.glyphs(&run, expansion);
        let (mut wanted, mut drawn, mut adjustment) = (0.0f64, 0.0f64, 0.0f32);
        for ((glyph, placed), &id) in handed.iter().zip(&placed).zip(&ids) {
            // krilla's arithmetic (`encode_glyphs_with_individual_positioning`).
            adjustment += glyph.x_advance * upem - natural(id) / upem * upem;
            let written = -(adjustment / upem * 1000.0);
            assert_eq!(written, written.round(), "glyph {id} writes {written}");
            adjustment = 0.0;
            drawn += f64::from(natural(id)) - f64::from(written);
            wanted += f64::from(placed.advance / size / expansion) * 1000.0;
            assert!(
                (drawn - wanted).abs() <= 1.5,
                "glyph {id}: {drawn} for {wanted}"
            );
        }
        assert!(
            (drawn - wanted).abs() <= 0.5,
            "the line ends at {drawn}, set at {wanted}"
        );
    }
}
