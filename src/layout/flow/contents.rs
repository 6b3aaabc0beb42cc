//! The contents: an entry per listed heading, with its page number from
//! the pass before, and the leader dots that lead to it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use super::Engine;
use super::collect::Flat;
use super::distribute::{Region, run_width};
use crate::document::{Block, BlockKind, PageRun, Span, SpanContent};
use crate::layout::pages::{Artifact, Link, LinkTarget, Mark, Pages, Placed};
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

/// A contents entry as a pass placed it: what setting its page number
/// again, in place, needs (see [`Engine::renumber`]).
#[derive(Debug, Clone)]
pub(super) struct PlacedEntry {
    anchor: String,
    style: Style,
    title: Paragraph,
    /// The title's lines, as set beside the number the pass showed.
    lines: Rc<Vec<(Pos, Line)>>,
    indent: f32,
    at: NumberAt,
    page: usize,
    /// The items its page number and leader dots are on the page.
    items: Range<usize>,
    mark: Mark,
}

/// Where an entry's page number goes: the frame's left edge and width,
/// the baseline of the title's last line and where its text ends.
#[derive(Debug, Clone, Copy)]
struct NumberAt {
    x: f32,
    width: f32,
    base: f32,
    text_end: f32,
}

/// How wide a page number is set.
fn number_width(number: &Paragraph) -> f32 {
    number
        .lines(Pos::START, 1000.0)
        .first()
        .map(|(_, l)| run_width(l))
        .unwrap_or(0.0)
}

/// An entry's title, in a frame `width` wide, beside a number `number_width` wide.
fn title_lines(
    title: &Paragraph,
    width: f32,
    indent: f32,
    number_width: f32,
) -> Rc<Vec<(Pos, Line)>> {
    title.lines(Pos::START, width - indent - number_width - 24.0)
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
        let number_width = number_width(number);
        SetEntry {
            lines: title_lines(title, width, *indent, number_width),
            number_width,
        }
    }

    /// Places a contents entry at the top of `region`: its title, leader
    /// dots and page number, all one link to the heading.
    pub(super) fn place_entry(&mut self, region: &mut Region, entry: &Flat, set: &SetEntry) {
        let Flat::ContentsEntry {
            title,
            number,
            anchor,
            style,
            indent,
            space_after,
            mark,
        } = entry
        else {
            return;
        };
        let lines = &set.lines;
        let top = region.top;
        self.place_lines(region, lines, 0.0, *indent, None, None, *mark);
        // Leader dots and the page number on the last line.
        if let Some((_, last)) = lines.last() {
            let at = NumberAt {
                x: region.x,
                width: region.width,
                base: region.top - last.height + last.baseline,
                text_end: region.x + indent + run_width(last) + 4.0,
            };
            let page = &self.out.pages[region.page].items;
            let start = page.len();
            let items = self.entry_number(number, set.number_width, at, *mark);
            self.out.pages[region.page].items.extend(items);
            self.entries.push(PlacedEntry {
                anchor: anchor.clone(),
                style: style.clone(),
                title: title.clone(),
                lines: lines.clone(),
                indent: *indent,
                at,
                page: region.page,
                items: start..self.out.pages[region.page].items.len(),
                mark: *mark,
            });
        }
        self.out.pages[region.page].links.push(Link {
            x: region.x + indent,
            y: top,
            width: region.width - indent,
            height: region.top - top,
            target: LinkTarget::Anchor(anchor.as_str().into()),
            mark: *mark,
        });
        region.top += space_after;
    }

    /// An entry's page number, `width` wide, at the end of its last line,
    /// with the leader dots that lead to it.
    fn entry_number(
        &self,
        number: &Paragraph,
        width: f32,
        at: NumberAt,
        mark: Mark,
    ) -> Vec<Placed> {
        let num_x = at.x + at.width - width;
        let mut items = Vec::new();
        if let Some((_, nl)) = number.lines(Pos::START, 1000.0).first() {
            for run in &nl.runs {
                let mut r = run.clone();
                r.x += num_x;
                r.y = at.base;
                if let Some(dots) = self.leaders(&r, at.x, at.text_end, num_x - 4.0) {
                    items.push(Placed {
                        mark: Mark::Artifact(Artifact::Decoration),
                        item: dots,
                    });
                }
                items.push(Placed {
                    mark,
                    item: Item::Text(r),
                });
            }
        }
        items
    }

    /// The page number an entry shows: the page its heading was found on
    /// by the pass before (0 in the first).
    fn page_number(&self, anchor: &str, style: &Style) -> Paragraph {
        let number = self
            .known
            .get(anchor)
            .map(|n| n.to_string())
            .unwrap_or_else(|| "0".into());
        let span = Span {
            content: SpanContent::Text(number),
            style: Arc::new(style.clone()),
            link: None,
        };
        Paragraph::plain(&[span], style, self.shaper, self.paragraphs)
    }

    /// Sets the page numbers of the contents `entries` a pass placed on
    /// `pages` again, in place, from the numbers that pass found (the
    /// engine's `known`). Only the numbers and their leader dots change, so
    /// where every title breaks as it did beside its old number, the pages
    /// are those another pass would make, at a fraction of its cost (a long
    /// pack's second pass set all its text again). Returns false, the pages
    /// untouched, where a title would break otherwise: then a pass must run.
    pub(super) fn renumber(&self, pages: &mut Pages, entries: &mut [PlacedEntry]) -> bool {
        let mut numbers = Vec::with_capacity(entries.len());
        for e in entries.iter() {
            let number = self.page_number(&e.anchor, &e.style);
            let width = number_width(&number);
            if *title_lines(&e.title, e.at.width, e.indent, width) != *e.lines {
                return false;
            }
            // Bottom-aligned frames move their items down once filled.
            let shift = pages.pages[e.page]
                .items
                .get(e.items.start)
                .map_or(0.0, |p| match &p.item {
                    Item::Text(run) => run.y - e.at.base,
                    _ => 0.0,
                });
            let at = NumberAt {
                base: e.at.base + shift,
                ..e.at
            };
            numbers.push(self.entry_number(&number, width, at, e.mark));
        }
        // Last first, so that the ranges still to replace stay where they are.
        for (e, items) in entries.iter().zip(&numbers).rev() {
            pages.pages[e.page]
                .items
                .splice(e.items.clone(), items.iter().cloned());
        }
        let mut moved: BTreeMap<usize, isize> = BTreeMap::new();
        for (e, items) in entries.iter_mut().zip(&numbers) {
            let by = moved.entry(e.page).or_default();
            let start = e.items.start.saturating_add_signed(*by);
            *by += items.len() as isize - e.items.len() as isize;
            e.items = start..start + items.len();
        }
        true
    }

    /// The contents: one entry per listed heading of level 1 and 2, with the
    /// page number from the previous pass.
    pub(super) fn contents(&mut self, style: &Style, indent: f32, out: &mut Vec<Flat>, toc: usize) {
        // A heading without an `id` is named by its place among the
        // document's headings as they are poured (`heading-3`; `collect.rs`):
        // the flows of repeated pages in order, then those of fixed frames
        // (`Engine::run`), counted from the first wherever the contents
        // stand. The entries themselves go in the document's order.
        let mut fixed: Vec<&String> = Vec::new();
        for run in &self.doc.runs {
            if let PageRun::Fixed { frames, .. } = run {
                for f in frames {
                    if !fixed.contains(&&f.flow) {
                        fixed.push(&f.flow);
                    }
                }
            }
        }
        let repeated = self.doc.runs.iter().filter_map(|run| match run {
            PageRun::Repeat { flow, .. } => Some(flow),
            PageRun::Fixed { .. } => None,
        });
        let mut first_auto: BTreeMap<&String, usize> = BTreeMap::new();
        let mut poured = 0;
        for flow in repeated.chain(fixed.iter().copied()) {
            first_auto.entry(flow).or_insert(poured);
            collect_headings(&self.doc.flows[flow], &mut Vec::new(), &mut poured);
        }
        let mut headings = Vec::new();
        let mut listed: Vec<&String> = Vec::new();
        for run in &self.doc.runs {
            let flows: Vec<&String> = match run {
                PageRun::Repeat { flow, .. } => vec![flow],
                // A flow linked through frames on several pages, once.
                PageRun::Fixed { frames, .. } => (frames.iter().map(|f| &f.flow))
                    .filter(|flow| !listed.contains(flow))
                    .collect(),
            };
            for flow in flows {
                listed.push(flow);
                let mut auto = first_auto.get(flow).copied().unwrap_or_default();
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
                    style: Arc::new(entry.clone()),
                    link: None,
                    ..s.clone()
                })
                .collect();
            let title = Paragraph::plain(&title_spans, &entry, self.shaper, self.paragraphs);
            let number = self.page_number(&anchor, &entry);
            let mark = self.mark(Role::ContentsEntry, Some(toc));
            out.push(Flat::ContentsEntry {
                title,
                number,
                anchor,
                style: entry,
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
            glyphs.push(PlacedGlyph::new(g.id, step, text.len()..text.len() + 1));
            text.push('.');
            x += step;
        }
        (!glyphs.is_empty()).then(|| {
            Item::Text(GlyphRun {
                x: start,
                y: model.y,
                glyphs: glyphs.into(),
                text: text.into(),
                color: model.color,
                underline: false,
                expansion: 1.0,
                ..model.clone()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{Engine, FlowMemo};
    use crate::layout::font::Shaper;
    use crate::layout::tests::doc_of;

    /// A pack whose contents, on a bottom-aligned cover frame and in the
    /// body, list headings over a dozen pages, so that their numbers grow
    /// from the first pass's one digit to two.
    fn pack(title: &str) -> crate::document::Document {
        let body = "<p>Kazakhstan has an appalling human rights record; the state controls the media and jails its critics.</p>".repeat(6);
        let chapters: String = (1..=14)
            .map(|n| format!(r#"<h1 id="c{n}">{title} {n}</h1>{body}"#))
            .collect();
        doc_of(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><page master="m"><frame name="c" flow="cover" x="10mm" y="10mm" width="85mm" height="120mm" align="bottom"/></page><pages master="m" flow="main"/><flow name="cover"><contents/></flow><flow name="main"><contents/><page-break/>{chapters}</flow></document>"#
        ))
    }

    /// The pages of one pass over `doc` with the page numbers `known`.
    fn pass(
        doc: &crate::document::Document,
        known: &BTreeMap<String, usize>,
    ) -> (crate::layout::pages::Pages, Vec<super::PlacedEntry>) {
        let (shaper, images) = (Shaper::new(), BTreeMap::new());
        let (paragraphs, pours) = Default::default();
        let memo = FlowMemo {
            paragraphs: &paragraphs,
            pours: &pours,
        };
        let Ok(made) = Engine::new(doc, &images, &shaper, memo, known, "t").run() else {
            panic!("the pack was not laid out")
        };
        made
    }

    /// Sets the numbers of `pages` again for `known`.
    fn renumber(
        doc: &crate::document::Document,
        known: &BTreeMap<String, usize>,
        pages: &mut crate::layout::pages::Pages,
        entries: &mut [super::PlacedEntry],
    ) -> bool {
        let (shaper, images) = (Shaper::new(), BTreeMap::new());
        let (paragraphs, pours) = Default::default();
        let memo = FlowMemo {
            paragraphs: &paragraphs,
            pours: &pours,
        };
        Engine::new(doc, &images, &shaper, memo, known, "t").renumber(pages, entries)
    }

    fn found(pages: &crate::layout::pages::Pages) -> BTreeMap<String, usize> {
        (pages.anchors.iter())
            .map(|(a, (p, _))| (a.clone(), p + 1))
            .collect()
    }

    /// The texts on page `page` (1-based) of `markup` laid out whole.
    fn texts_on(markup: &str, page: usize) -> Vec<String> {
        let doc = doc_of(markup);
        let memo = crate::layout::LayoutMemo::new();
        let fonts = crate::layout::font::FontBook::bundled();
        let hyphenation = crate::layout::font::Hyphenation::default();
        let pages = crate::layout::layout(&doc, &BTreeMap::new(), "t", &hyphenation, &fonts, &memo)
            .unwrap();
        (pages.pages[page - 1].items.iter())
            .filter_map(|i| match &i.item {
                crate::layout::pages::Item::Text(run) => Some(run.text.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn headings_without_an_id_get_their_pages_wherever_the_contents_stand() {
        // Contents after the headings, in a flow of fixed frames after a
        // repeated one, and before them: every entry has its page.
        let body = r#"<h1>ONE</h1><p>t</p><page-break/><h1>TWO</h1><p>t</p><page-break/>"#;
        for (flows, contents_page) in [
            (
                format!(
                    r#"<pages master="m" flow="main"/><flow name="main">{body}<contents/></flow>"#
                ),
                3,
            ),
            (
                format!(
                    r#"<pages master="m" flow="main"/><flow name="main"><contents/><page-break/>{body}</flow>"#
                ),
                1,
            ),
            (
                format!(
                    r#"<pages master="m" flow="main"/><page master="m"><frame name="c" flow="end"/></page><flow name="main">{body}</flow><flow name="end"><h2>THREE</h2><contents/></flow>"#
                ),
                3,
            ),
        ] {
            let markup = format!(
                r#"<document><master name="m" size="A6" margin="10mm"/>{flows}</document>"#
            );
            let texts = texts_on(&markup, contents_page);
            let first = if contents_page == 1 { 2 } else { 1 };
            for (title, page) in [("ONE", first), ("TWO", first + 1)] {
                let at = texts
                    .iter()
                    .position(|t| t.contains(title))
                    .unwrap_or_else(|| panic!("{title}: {texts:?}"));
                let number = texts[at + 1..]
                    .iter()
                    .find(|t| t.trim().parse::<usize>().is_ok());
                assert_eq!(
                    number.map(|t| t.trim()),
                    Some(page.to_string().as_str()),
                    "{title} in {texts:?}"
                );
            }
        }
    }

    #[test]
    fn numbers_set_again_in_place_give_the_pages_of_another_pass() {
        let doc = pack("Chapter");
        let (mut pages, mut entries) = pass(&doc, &BTreeMap::new());
        let known = found(&pages);
        assert!(known.values().any(|&p| p >= 10), "{known:?}");
        let (second, _) = pass(&doc, &known);
        let before = format!("{pages:?}");
        assert_ne!(before, format!("{second:?}"), "the numbers change");
        assert!(renumber(&doc, &known, &mut pages, &mut entries));
        assert_eq!(format!("{pages:?}"), format!("{second:?}"));
        assert_eq!(entries.len(), 28, "both contents' entries");
        // Set again a second time, from the ranges the first one left.
        let (third, _) = pass(&doc, &BTreeMap::new());
        assert!(renumber(&doc, &BTreeMap::new(), &mut pages, &mut entries));
        assert_eq!(format!("{pages:?}"), format!("{third:?}"));
    }

    #[test]
    fn a_title_that_would_break_otherwise_asks_for_another_pass() {
        // Titles that all but fill their line: a number many digits wide
        // leaves them too little room.
        let doc = pack("Courts, press and prisons of the");
        let (mut pages, mut entries) = pass(&doc, &BTreeMap::new());
        assert!(entries.iter().all(|e| e.lines.len() == 1));
        let before = format!("{pages:?}");
        let wide: BTreeMap<String, usize> = found(&pages)
            .into_keys()
            .map(|a| (a, 123_456_789_012))
            .collect();
        assert!(!renumber(&doc, &wide, &mut pages, &mut entries));
        assert_eq!(format!("{pages:?}"), before, "the pages are untouched");
    }
}
