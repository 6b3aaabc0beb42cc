//! Atomic blocks (pictures, boxes, rules, QR codes) that are never split,
//! and the keeps that hold blocks together.

use super::Engine;
use super::collect::{Flat, space_after_of, space_before_of};
use super::distribute::{Region, Supply};
use crate::document::{Block, Width};
use crate::layout::pages::{Artifact, Item, Link, Mark, Page, Placed};
use crate::layout::paragraph::Pos;

impl Engine<'_> {
    /// The least height `item` needs at the top of a frame (keep-with-next).
    /// The height that must follow a keep-with-next block on its page: the
    /// whole of each further block that keeps with its next, then the least
    /// of the first that does not (a heading's next paragraph, a short
    /// list's last item).
    pub(super) fn kept_height(&mut self, rest: &[Flat], width: f32) -> f32 {
        let mut total = 0.0;
        for item in rest {
            match item {
                Flat::Text {
                    para,
                    space_before,
                    space_after,
                    indent,
                    keep_with_next: true,
                    ..
                } => {
                    let lines = para.lines(Pos::START, width - indent);
                    total += space_before
                        + lines.iter().map(|(_, l)| l.height).sum::<f32>()
                        + space_after;
                }
                other => return total + self.min_height(Some(other), width),
            }
        }
        total
    }

    pub(super) fn min_height(&mut self, item: Option<&Flat>, width: f32) -> f32 {
        match item {
            Some(Flat::Text {
                para,
                space_before,
                indent,
                ..
            }) => {
                let lines = para.lines(Pos::START, width - indent);
                space_before + lines.iter().take(2).map(|(_, l)| l.height).sum::<f32>()
            }
            Some(f @ (Flat::Figure { .. } | Flat::Boxed { .. })) => {
                space_before_of(f) + self.atomic_height(f, width)
            }
            // A table's header and first row.
            Some(Flat::Table(t)) => t.style.space_before + self.table_height(t, width, 1),
            _ => 0.0,
        }
    }

    pub(super) fn figure_size(
        &self,
        key: &str,
        frac: Width,
        max_height: Option<f32>,
        width: f32,
    ) -> (f32, f32) {
        let (pw, ph) = self
            .images
            .get(key)
            .map_or((4.0, 3.0), |p| (p.width_px as f32, p.height_px as f32));
        let mut w = frac.of(width);
        let mut h = w * ph / pw;
        if let Some(mh) = max_height
            && h > mh
        {
            h = mh;
            w = h * pw / ph;
        }
        (w, h)
    }

    pub(super) fn atomic_height(&mut self, item: &Flat, width: f32) -> f32 {
        match item {
            Flat::Figure {
                key,
                width: frac,
                max_height,
                caption,
                ..
            } => {
                let (w, h) = self.figure_size(key, *frac, *max_height, width);
                let ch: f32 = caption.as_ref().map_or(0.0, |c| {
                    4.0 + c
                        .lines(Pos::START, w)
                        .iter()
                        .map(|(_, l)| l.height)
                        .sum::<f32>()
                });
                h + ch
            }
            Flat::Boxed {
                blocks,
                style,
                indent,
                ..
            } => {
                let inner = width - indent - 2.0 * style.padding;
                let (_, _, h) = self.detached(blocks, inner, None);
                h + 2.0 * style.padding
            }
            Flat::Rule { style, .. } => style.border,
            Flat::Qr { size, indent, .. } => size.of(width - indent),
            Flat::Table(t) => self.table_height(t, width, t.body.len()),
            _ => 0.0,
        }
    }

    pub(super) fn place_atomic(&mut self, region: &mut Region, item: &Flat) {
        let page = region.page;
        match item {
            Flat::Figure {
                key,
                width: frac,
                max_height,
                caption,
                mark,
                caption_mark,
                ..
            } => {
                let (w, h) = self.figure_size(key, *frac, *max_height, region.width);
                let x = region.x + (region.width - w) / 2.0;
                if let Some(pic) = self.images.get(key) {
                    let ppi = pic.width_px as f32 / (w / 72.0);
                    self.out.resolutions.push((key.clone(), page, ppi));
                }
                let image = Item::Image {
                    key: key.clone(),
                    x,
                    y: region.top,
                    width: w,
                    height: h,
                };
                self.push(page, *mark, image);
                region.top += h;
                if let Some(c) = caption {
                    // The caption hangs under the picture, on its edges.
                    let lines = c.lines(Pos::START, w);
                    region.top += 4.0;
                    let mut under = Region {
                        x,
                        width: w,
                        ..region.clone()
                    };
                    self.place_lines(&mut under, &lines, 0.0, 0.0, None, None, *caption_mark);
                    region.top = under.top;
                }
            }
            Flat::Boxed {
                blocks,
                style,
                indent,
                element,
            } => {
                let x = region.x + indent;
                let inner = region.width - indent - 2.0 * style.padding;
                let (items, links, h) = self.detached(blocks, inner, Some(*element));
                let total = h + 2.0 * style.padding;
                let stroke = (style.border > 0.0).then_some((style.border_color, style.border));
                if style.background.is_some() || stroke.is_some() {
                    let frame = Item::Rect {
                        x,
                        y: region.top,
                        width: region.width - indent,
                        height: total,
                        fill: style.background,
                        stroke,
                    };
                    self.push(page, Mark::Artifact(Artifact::Background), frame);
                }
                let (dx, dy) = (x + style.padding, region.top + style.padding);
                for mut it in items {
                    match &mut it.item {
                        Item::Text(r) => {
                            r.x += dx;
                            r.y += dy;
                        }
                        Item::Image { x, y, .. } | Item::Rect { x, y, .. } => {
                            *x += dx;
                            *y += dy;
                        }
                    }
                    self.out.pages[page].items.push(it);
                }
                for mut l in links {
                    l.x += dx;
                    l.y += dy;
                    self.out.pages[page].links.push(l);
                }
                region.top += total;
            }
            Flat::Qr {
                modules,
                dark,
                size,
                color,
                indent,
                mark,
                ..
            } => {
                // Drawn as vector squares, with the four-module quiet zone
                // the code needs around it to scan, left white.
                let side = size.of(region.width - indent);
                let cell = side / (*modules as f32 + 8.0);
                let (x0, y0) = (region.x + indent + 4.0 * cell, region.top + 4.0 * cell);
                for row in 0..*modules {
                    let mut col = 0;
                    while col < *modules {
                        if !dark[row * modules + col] {
                            col += 1;
                            continue;
                        }
                        let run = (col..*modules)
                            .take_while(|c| dark[row * modules + c])
                            .count();
                        let square = Item::Rect {
                            x: x0 + col as f32 * cell,
                            y: y0 + row as f32 * cell,
                            width: run as f32 * cell,
                            height: cell,
                            fill: Some(*color),
                            stroke: None,
                        };
                        self.push(page, *mark, square);
                        col += run;
                    }
                }
                region.top += side;
            }
            Flat::Rule { style, indent, .. } => {
                let rule = Item::Rect {
                    x: region.x + indent,
                    y: region.top + style.border / 2.0,
                    width: region.width - indent,
                    height: 0.0,
                    fill: None,
                    stroke: Some((style.border_color, style.border.max(0.25))),
                };
                self.push(page, Mark::Artifact(Artifact::Decoration), rule);
                region.top += style.border;
            }
            _ => {}
        }
    }

    /// Lays `blocks` out on a scratch page of unlimited height, returning the
    /// items (relative to the top-left corner), links and height. Their
    /// structure elements go under `parent`; without one (measuring, running
    /// heads) none are kept.
    pub(super) fn detached(
        &mut self,
        blocks: &[Block],
        width: f32,
        parent: Option<usize>,
    ) -> (Vec<Placed>, Vec<Link>, f32) {
        // Measuring and placing both come here: numbering must not count twice.
        let (notes, anchors) = (self.note_count, self.auto_anchor);
        let elements = self.out.structure.len();
        let mut flat = Vec::new();
        self.flatten(blocks, 0.0, &mut flat, parent);
        (self.note_count, self.auto_anchor) = (notes, anchors);
        self.out.pages.push(Page::default());
        let page = self.out.pages.len() - 1;
        let mut supply = Supply::Unbounded {
            page,
            width,
            used: false,
        };
        let mut region = self.next_region(&mut supply).expect("an unbounded frame");
        // What detached text records (anchors, outline entries, report
        // lines) is not the document's: set the document's aside, without
        // copying it, and put it back after.
        let anchors = std::mem::take(&mut self.out.anchors);
        let outline_len = self.out.outline.len();
        // Boxes are measured and then placed; running heads repeat: the
        // report counts the text of the flows once.
        let report = std::mem::take(&mut self.out.report);
        self.pour_into(&flat, &mut region);
        self.out.anchors = anchors;
        self.out.outline.truncate(outline_len);
        self.out.report = report;
        if parent.is_none() {
            self.out.structure.truncate(elements);
            // This call's notes are numbered past `notes`: only those are
            // looked at, so that a long document's running heads do not go
            // through every note of the document on each page.
            let added = self.note_marks.split_off(&(notes + 1));
            self.note_marks.extend(
                added
                    .into_iter()
                    .filter(|(_, m)| !matches!(m, Mark::Element(e) if *e >= elements)),
            );
        }
        let scratch = self.out.pages.pop().unwrap_or_default();
        (scratch.items, scratch.links, region.top - region.y)
    }

    /// Pours into one region that cannot overflow (for measuring).
    pub(super) fn pour_into(&mut self, items: &[Flat], region: &mut Region) {
        for item in items {
            match item {
                Flat::Text {
                    para,
                    space_before,
                    space_after,
                    indent,
                    marker,
                    heading,
                    mark,
                    ..
                } => {
                    let sb = if region.empty { 0.0 } else { *space_before };
                    let lines = para.lines(Pos::START, region.width - indent);
                    self.place_lines(
                        region,
                        &lines,
                        sb,
                        *indent,
                        marker.as_ref(),
                        heading.as_ref(),
                        *mark,
                    );
                    region.top += space_after;
                }
                Flat::Space(h) => region.top += h,
                Flat::Table(t) => {
                    // One frame without a bottom: the table is never cut.
                    let mut supply = Supply::Unbounded {
                        page: region.page,
                        width: region.width,
                        used: true,
                    };
                    let _ = self.pour_table(t, region, &mut supply, 0, true);
                }
                Flat::Figure { .. } | Flat::Boxed { .. } | Flat::Rule { .. } | Flat::Qr { .. } => {
                    if !region.empty {
                        region.top += space_before_of(item);
                    }
                    self.place_atomic(region, item);
                    region.top += space_after_of(item);
                    region.empty = false;
                }
                _ => {}
            }
        }
        // Space after the last block does not count towards the height.
        if let Some(last) = items.last() {
            region.top -= space_after_of(last);
        }
    }
}
