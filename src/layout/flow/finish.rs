//! Finishing pages once the page count is known: running headers and
//! footers, the watermark.

use super::Engine;
use crate::colour::Cmyk;
use crate::document::{Block, BlockKind, Span, SpanContent};
use crate::error::{Error, Result, Warning, WarningKind};
use crate::layout::pages::{Artifact, GlyphRun, Item, Link, Mark, Placed, PlacedGlyph};
use crate::layout::paragraph::Numbers;
use crate::layout::words::glyph_texts;
use crate::theme::Style;

/// Replaces page-number and page-count spans with their values.
pub(super) fn with_numbers(block: &Block, numbers: &Numbers) -> Block {
    let fix = |spans: &[Span]| -> Vec<Span> {
        spans
            .iter()
            .map(|s| match s.content {
                SpanContent::PageNumber => Span {
                    content: SpanContent::Text(numbers.page.clone()),
                    ..s.clone()
                },
                SpanContent::PageCount => Span {
                    content: SpanContent::Text(numbers.pages.clone()),
                    ..s.clone()
                },
                _ => s.clone(),
            })
            .collect()
    };
    let kind = match &block.kind {
        BlockKind::Paragraph(s) => BlockKind::Paragraph(fix(s)),
        BlockKind::Boxed(c) => {
            BlockKind::Boxed(c.iter().map(|b| with_numbers(b, numbers)).collect())
        }
        other => other.clone(),
    };
    Block {
        kind,
        ..block.clone()
    }
}

impl Engine<'_> {
    /// The watermark's glyphs, centred on the origin, sized to run most of
    /// the way across an A4 page's diagonal.
    pub(super) fn watermark(&self, text: &str, warnings: &mut Vec<Warning>) -> GlyphRun {
        let style = Style {
            font: crate::theme::Family::Sans,
            bold: true,
            size: 10.0,
            color: Cmyk {
                c: 0.0,
                m: 0.0,
                y: 0.0,
                k: 0.1,
            },
            ..Style::default()
        };
        let face = self.shaper.book.face_for(&style);
        let upem = self.shaper.face(face).units_per_em;
        let shaped = self.shaper.shape(face, text);
        let width_em: f32 = shaped.iter().map(|g| g.advance as f32 / upem).sum();
        let size = (560.0 / width_em.max(0.5)).clamp(24.0, 110.0);
        // Each glyph's text as a paragraph's: its whole cluster, cut (if it
        // must be) where a character ends.
        let texts = glyph_texts(shaped.iter().map(|g| g.cluster), text);
        // The characters of the clusters drawn as an empty box that the face
        // has no glyph for: the watermark has no fallback faces.
        let charmap = skrifa::MetadataProvider::charmap(&self.shaper.face(face).font());
        // Each cluster read once: its glyphs show the same text, and a
        // letter may carry thousands of marks.
        let mut boxed: Vec<&std::ops::Range<usize>> = (shaped.iter().zip(&texts))
            .filter(|(g, _)| g.id == 0)
            .map(|(_, shows)| shows)
            .collect();
        boxed.dedup();
        let mut missing: Vec<char> = (boxed.into_iter())
            .flat_map(|shows| text[shows.clone()].chars())
            .filter(|&c| charmap.map(c).is_none())
            .collect();
        // Each once, in the order written.
        let mut seen = std::collections::BTreeSet::new();
        missing.retain(|&c| seen.insert(c));
        if !missing.is_empty() {
            let listed: Vec<String> = (missing.iter().take(10))
                .map(|c| format!("“{c}” (U+{:04X})", *c as u32))
                .collect();
            let more = match missing.len() {
                n if n > 10 => format!(" and {} more", n - 10),
                _ => String::new(),
            };
            warnings.push(
                Warning::new(
                    WarningKind::MissingGlyph,
                    format!(
                        "{}: the watermark has {}{more}, which its font (the sans) does not have; they print as empty boxes",
                        self.name,
                        listed.join(", ")
                    ),
                )
                .help("write the watermark in letters the built-in sans has (Latin, Greek or Cyrillic), such as DRAFT or the classification"),
            );
        }
        let glyphs: Vec<PlacedGlyph> = (shaped.iter().zip(texts))
            .map(|(g, shows)| {
                PlacedGlyph::new(g.id, g.advance as f32 * size / upem, shows)
                    .offset_by(g.x_offset, g.y_offset)
            })
            .collect();
        let width: f32 = glyphs.iter().map(|g| g.advance).sum();
        GlyphRun {
            x: -width / 2.0,
            y: size * 0.35,
            face,
            size,
            color: style.color,
            glyphs: glyphs.into(),
            text: text.into(),
            underline: false,
            expansion: 1.0,
        }
    }

    /// Running headers and footers, now that the page count is known.
    pub(super) fn running_heads(&mut self) -> Result<()> {
        let total = self.out.pages.len();
        if let Some(text) = &self.doc.watermark {
            let mut warnings = Vec::new();
            let run = self.watermark(text, &mut warnings);
            self.out.warnings.extend(warnings);
            for page in &mut self.out.pages {
                page.watermark = Some(run.clone());
            }
        }
        for index in 0..total {
            let master = self.page_masters[index];
            let m = self.doc.masters[master].clone();
            let numbers = Numbers {
                page: (index + 1).to_string(),
                pages: total.to_string(),
            };
            let width = m.width - m.margin[1] - m.margin[3];
            for (blocks, is_header) in [(&m.header, true), (&m.footer, false)] {
                if blocks.is_empty() {
                    continue;
                }
                let furniture = Mark::Artifact(if is_header {
                    Artifact::Header
                } else {
                    Artifact::Footer
                });
                let (items, links, h) = self.detached_numbered(blocks, width, &numbers);
                let dy = if is_header {
                    m.margin[0] - h - 14.0
                } else {
                    m.height - m.margin[2] + 14.0
                };
                // A header or footer taller than its margin would run off
                // the page, unseen by anyone but the reader of the print.
                if dy < 0.0 || dy + h > m.height {
                    let mm = crate::length::MM;
                    let (what, margin, side) = match is_header {
                        true => ("header", m.margin[0], "top"),
                        false => ("footer", m.margin[2], "bottom"),
                    };
                    return Err(Error::new(format!(
                        "{}: the {what} of page design `{}` is {:.1} mm tall, and its {side} margin of {:.1} mm leaves it {:.1} mm (5 mm go between it and the text), so it runs off page {}",
                        self.name,
                        m.name,
                        h / mm,
                        margin / mm,
                        ((margin - 14.0) / mm).max(0.0),
                        index + 1
                    ))
                    .help(format!("shorten the {what}'s text, or give the page design a larger {side} margin in the template")));
                }
                let page = &mut self.out.pages[index];
                for mut it in items {
                    it.mark = furniture;
                    match &mut it.item {
                        Item::Text(r) => {
                            r.x += m.margin[3];
                            r.y += dy;
                        }
                        Item::Image { x, y, .. } | Item::Rect { x, y, .. } => {
                            *x += m.margin[3];
                            *y += dy;
                        }
                    }
                    page.items.push(it);
                }
                for mut l in links {
                    l.x += m.margin[3];
                    l.y += dy;
                    l.mark = furniture;
                    page.links.push(l);
                }
            }
        }
        Ok(())
    }

    pub(super) fn detached_numbered(
        &mut self,
        blocks: &[Block],
        width: f32,
        numbers: &Numbers,
    ) -> (Vec<Placed>, Vec<Link>, f32) {
        let blocks: Vec<Block> = blocks.iter().map(|b| with_numbers(b, numbers)).collect();
        self.detached(&blocks, width, None)
    }
}
