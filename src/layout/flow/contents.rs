//! The contents: an entry per listed heading, with its page number from
//! the pass before, and the leader dots that lead to it.

use std::rc::Rc;

use super::Engine;
use super::collect::Flat;
use super::distribute::{Region, run_width};
use crate::document::{Block, BlockKind, PageRun, Span, SpanContent};
use crate::layout::pages::{Artifact, Link, LinkTarget, Mark};
use crate::layout::pages::{GlyphRun, Item, PlacedGlyph, Role};
use crate::layout::paragraph::Paragraph;
use crate::layout::paragraph::{Line, Pos};
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

/// A contents entry's title, set in the room its page number leaves.
pub(super) struct SetEntry {
    lines: Rc<Vec<(Pos, Line)>>,
    number_width: f32,
}

impl SetEntry {
    pub(super) fn height(&self) -> f32 {
        self.lines.iter().map(|(_, l)| l.height).sum()
    }
}

impl Engine<'_> {
    /// Sets a contents entry's title for a frame `width` wide.
    pub(super) fn set_entry(&self, entry: &Flat, width: f32) -> SetEntry {
        let Flat::ContentsEntry {
            title,
            number,
            indent,
            ..
        } = entry
        else {
            unreachable!("only contents entries are set as entries")
        };
        let number_width = number
            .lines(Pos::START, 1000.0)
            .first()
            .map(|(_, l)| run_width(l))
            .unwrap_or(0.0);
        let measure = width - indent - number_width - 24.0;
        SetEntry {
            lines: title.lines(Pos::START, measure),
            number_width,
        }
    }

    /// Places a contents entry at the top of `region`: its title, leader
    /// dots and page number, all one link to the heading.
    pub(super) fn place_entry(&mut self, region: &mut Region, entry: &Flat, set: &SetEntry) {
        let Flat::ContentsEntry {
            number,
            anchor,
            indent,
            space_after,
            mark,
            ..
        } = entry
        else {
            return;
        };
        let (lines, num_w) = (&set.lines, set.number_width);
        let top = region.top;
        self.place_lines(region, lines, 0.0, *indent, None, None, *mark);
        // Leader dots and the page number on the last line.
        if let Some((_, last)) = lines.last() {
            let base = region.top - last.height + last.baseline;
            let text_end = region.x + indent + run_width(last) + 4.0;
            let num_x = region.x + region.width - num_w;
            if let Some((_, nl)) = number.lines(Pos::START, 1000.0).first() {
                for run in &nl.runs {
                    let mut r = run.clone();
                    r.x += num_x;
                    r.y = base;
                    if let Some(dots) = self.leaders(&r, region.x, text_end, num_x - 4.0) {
                        let decoration = Mark::Artifact(Artifact::Decoration);
                        self.push(region.page, decoration, dots);
                    }
                    self.push(region.page, *mark, Item::Text(r));
                }
            }
        }
        self.out.pages[region.page].links.push(Link {
            x: region.x + indent,
            y: top,
            width: region.width - indent,
            height: region.top - top,
            target: LinkTarget::Anchor(anchor.clone()),
            mark: *mark,
        });
        region.top += space_after;
    }

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
            let title = Paragraph::plain(&title_spans, &entry, self.shaper, self.paragraphs);
            let num_span = Span {
                content: SpanContent::Text(number),
                style: entry.clone(),
                link: None,
            };
            let number = Paragraph::plain(&[num_span], &entry, self.shaper, self.paragraphs);
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

    /// Leader dots from `from` to `to` on the baseline of `model`. As TeX's
    /// `\leaders`, the dots stand on a grid of their pitch counted from the
    /// frame's left edge `origin`, so they line up from line to line.
    pub(super) fn leaders(
        &self,
        model: &GlyphRun,
        origin: f32,
        from: f32,
        to: f32,
    ) -> Option<Item> {
        let dot = self.shaper.shape(model.face, ".");
        let g = dot.first()?;
        let scale = model.size / self.shaper.face(model.face).units_per_em;
        let step = 4.5f32.max(g.advance as f32 * scale);
        let mut x = origin + ((from - origin) / step).ceil() * step;
        let mut glyphs = Vec::new();
        let mut text = String::new();
        let start = x;
        while x + step <= to {
            glyphs.push(PlacedGlyph {
                id: g.id,
                advance: step,
                x_offset: 0.0,
                y_offset: 0.0,
                range: text.len() as u32..text.len() as u32 + 1,
            });
            text.push('.');
            x += step;
        }
        (!glyphs.is_empty()).then(|| {
            Item::Text(GlyphRun {
                x: start,
                y: model.y,
                glyphs: glyphs.into(),
                text,
                color: model.color,
                underline: false,
                expansion: 1.0,
                ..model.clone()
            })
        })
    }
}
