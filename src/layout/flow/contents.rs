//! The contents: an entry per listed heading, with its page number from
//! the pass before, and the leader dots that lead to it.

use super::Engine;
use super::collect::Flat;
use crate::layout::pages::{GlyphRun, Item, PlacedGlyph, Role};
use crate::layout::paragraph::Paragraph;
use crate::markup::{Block, BlockKind, PageRun, Span, SpanContent};
use crate::theme::Style;

pub(super) fn contains_contents(block: &Block) -> bool {
    match &block.kind {
        BlockKind::Contents { .. } => true,
        BlockKind::Quote(b) | BlockKind::Boxed(b) => b.iter().any(contains_contents),
        _ => false,
    }
}

pub(super) fn collect_headings(
    blocks: &[Block],
    out: &mut Vec<(u8, String, Vec<Span>)>,
    auto: &mut usize,
) {
    for b in blocks {
        match &b.kind {
            BlockKind::Heading {
                level,
                spans,
                anchor,
                listed,
            } => {
                let anchor = anchor.clone().unwrap_or_else(|| {
                    *auto += 1;
                    format!("heading-{auto}")
                });
                if *listed && *level <= 2 {
                    out.push((*level, anchor, spans.clone()));
                }
            }
            BlockKind::Quote(c) | BlockKind::Boxed(c) => collect_headings(c, out, auto),
            _ => {}
        }
    }
}

impl Engine<'_> {
    /// The contents: one entry per listed heading of level 1 and 2, with the
    /// page number from the previous pass.
    pub(super) fn contents(&mut self, style: &Style, indent: f32, out: &mut Vec<Flat>, toc: usize) {
        let mut headings = Vec::new();
        let mut auto = self.auto_anchor;
        for run in &self.doc.runs {
            let flows: Vec<&String> = match run {
                PageRun::Repeat { flow, .. } => vec![flow],
                PageRun::Fixed { frames, .. } => frames.iter().map(|f| &f.flow).collect(),
            };
            for flow in flows {
                collect_headings(&self.doc.flows[flow], &mut headings, &mut auto);
            }
        }
        for (level, anchor, spans) in headings {
            let entry = Style {
                bold: level == 1,
                ..style.clone()
            };
            let title_spans: Vec<Span> = spans
                .iter()
                .filter(|s| !matches!(s.content, SpanContent::Footnote { .. }))
                .map(|s| Span {
                    style: entry.clone(),
                    link: None,
                    ..s.clone()
                })
                .collect();
            let number = self
                .known
                .get(&anchor)
                .map(|n| n.to_string())
                .unwrap_or_else(|| "0".into());
            let title = Paragraph::plain(&title_spans, &entry, self.shaper);
            let num_span = Span {
                content: SpanContent::Text(number),
                style: entry.clone(),
                link: None,
            };
            let number = Paragraph::plain(&[num_span], &entry, self.shaper);
            let mark = self.mark(Role::ContentsEntry, Some(toc));
            out.push(Flat::ContentsEntry {
                title,
                number,
                anchor,
                indent: indent + if level > 1 { 16.0 } else { 0.0 },
                space_after: if level == 1 { 2.0 } else { 0.0 },
                mark,
            });
        }
    }

    /// Leader dots from `from` to `to` on the baseline of `model`.
    pub(super) fn leaders(&self, model: &GlyphRun, from: f32, to: f32) -> Option<Item> {
        let dot = self.shaper.shape(model.face, ".");
        let g = dot.first()?;
        let scale = model.size / self.shaper.face(model.face).units_per_em;
        let step = 4.5f32.max(g.advance as f32 * scale);
        let mut x = (from / step).ceil() * step;
        let mut glyphs = Vec::new();
        let mut text = String::new();
        let start = x;
        while x + step <= to {
            glyphs.push(PlacedGlyph {
                id: g.id,
                advance: step,
                x_offset: 0.0,
                y_offset: 0.0,
                range: text.len()..text.len() + 1,
            });
            text.push('.');
            x += step;
        }
        (!glyphs.is_empty()).then(|| {
            Item::Text(GlyphRun {
                x: start,
                y: model.y,
                glyphs,
                text,
                color: model.color,
                underline: false,
                ..model.clone()
            })
        })
    }
}
