//! Distributing a flow's items into frames: the frames a flow is given,
//! the lines that fit, and where the pour stops.

use super::Engine;
use super::collect::{Flat, Heading, space_after_of, space_before_of};
use super::footnotes::{CARRIED_NOTE_SHARE, NOTE_GAP, NotePart};
use crate::error::{Error, Result};
use crate::layout::pages::{Artifact, Item, LOOSE, Link, LinkTarget, Mark, OutlineEntry};
use crate::layout::paragraph::{Line, Paragraph, Pos};
use crate::markup::Frame;
use crate::theme::Cmyk;

/// A frame being filled.
#[derive(Debug, Clone)]
pub(super) struct Region {
    pub(super) page: usize,
    pub(super) name: String,
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) width: f32,
    pub(super) height: f32,
    /// The top of the free space.
    pub(super) top: f32,
    /// The footnotes at the foot, in order: a note continued from the
    /// frame before comes first.
    pub(super) notes: Vec<NotePart>,
    pub(super) notes_height: f32,
    /// Whether new footnotes may start here: not while a note continued
    /// from the frame before is still unfinished, so notes keep their order.
    pub(super) notes_open: bool,
    pub(super) first_item: usize,
    pub(super) first_link: usize,
    pub(super) align_bottom: bool,
    pub(super) empty: bool,
}

impl Region {
    pub(super) fn bottom(&self) -> f32 {
        self.y + self.height - self.notes_height
    }
}

/// Where the next frame of a flow comes from.
pub(super) enum Supply {
    /// Pages of a master, column by column.
    Repeat {
        master: usize,
        column: usize,
        page: Option<usize>,
    },
    /// Fixed frames, in order.
    Fixed {
        frames: Vec<(usize, Frame)>,
        next: usize,
    },
    /// One frame without a bottom, for measuring.
    Unbounded { page: usize, width: f32, used: bool },
}

pub(super) fn run_width(line: &Line) -> f32 {
    line.runs.last().map_or(0.0, |r| {
        let trailing: f32 = r
            .glyphs
            .iter()
            .rev()
            .take_while(|g| r.text[g.range.clone()].trim().is_empty())
            .map(|g| g.advance)
            .sum();
        r.x + r.width() - trailing
    })
}

impl Engine<'_> {
    pub(super) fn next_region(&mut self, supply: &mut Supply) -> Option<Region> {
        match supply {
            Supply::Repeat {
                master,
                column,
                page,
            } => {
                let m = &self.doc.masters[*master];
                let (columns, gutter) = (m.columns, m.gutter);
                let inner_w = m.width - m.margin[1] - m.margin[3];
                let (x0, y0, h) = (
                    m.margin[3],
                    m.margin[0],
                    m.height - m.margin[0] - m.margin[2],
                );
                // A runaway flow (a section pasted in a hundred times) stops
                // here rather than filling the disk.
                if self.page_masters.len() >= self.max_pages
                    && !(page.is_some() && *column + 1 < columns)
                {
                    return None;
                }
                let p = match *page {
                    Some(p) if *column + 1 < columns => {
                        *column += 1;
                        p
                    }
                    _ => {
                        *column = 0;
                        let mm = *master;
                        let p = self.new_page(mm);
                        *page = Some(p);
                        p
                    }
                };
                let col_w = (inner_w - gutter * (columns as f32 - 1.0)) / columns as f32;
                let x = x0 + *column as f32 * (col_w + gutter);
                Some(self.region(p, format!("page {}", p + 1), x, y0, col_w, h, false))
            }
            Supply::Fixed { frames, next } => {
                let (page, f) = frames.get(*next)?.clone();
                *next += 1;
                if let Some(bg) = f.background {
                    let rect = Item::Rect {
                        x: f.x,
                        y: f.y,
                        width: f.width,
                        height: f.height,
                        fill: Some(bg),
                        stroke: None,
                    };
                    self.push(page, Mark::Artifact(Artifact::Background), rect);
                }
                let pad = f.padding;
                Some(self.region(
                    page,
                    f.name.clone(),
                    f.x + pad,
                    f.y + pad,
                    f.width - 2.0 * pad,
                    f.height - 2.0 * pad,
                    f.align_bottom,
                ))
            }
            Supply::Unbounded { page, width, used } => {
                if *used {
                    return None;
                }
                *used = true;
                let p = *page;
                Some(self.region(p, "measure".into(), 0.0, 0.0, *width, f32::MAX / 4.0, false))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn region(
        &self,
        page: usize,
        name: String,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        align_bottom: bool,
    ) -> Region {
        let p = &self.out.pages[page];
        Region {
            page,
            name,
            x,
            y,
            width,
            height,
            top: y,
            notes: Vec::new(),
            notes_height: 0.0,
            notes_open: true,
            first_item: p.items.len(),
            first_link: p.links.len(),
            align_bottom,
            empty: true,
        }
    }

    /// Pours `items` into the frames `supply` gives. Content left when the
    /// frames run out is overset.
    pub(super) fn pour(&mut self, items: &[Flat], supply: &mut Supply, flow: &str) -> Result<()> {
        // Messages name the section of this flow, not of the one before.
        self.last_heading.clear();
        self.carry.clear();
        let Some(mut region) = self.next_region(supply) else {
            return if items.is_empty() {
                Ok(())
            } else {
                Err(self.overset_error(items, 0, Pos::START, flow, None))
            };
        };
        let mut i = 0;
        let mut word = Pos::START;
        // `$share`: how much of the new frame a continued footnote may take.
        macro_rules! next_frame {
            ($share:expr) => {{
                self.finish_region(&region);
                match self.next_region(supply) {
                    Some(r) => {
                        region = r;
                        self.take_carry(&mut region, $share)?;
                    }
                    None if matches!(supply, Supply::Repeat { .. }) => {
                        return Err(Error::new(format!(
                            "{}: flow `{flow}` would make more than {} pages",
                            self.name, self.max_pages
                        ))
                        .help("check the sections for text pasted in many times; a briefing pack is rarely more than a few dozen pages"))
                    }
                    None => return Err(self.overset_error(items, i, word, flow, Some(&region))),
                }
            }};
        }
        while i < items.len() {
            match &items[i] {
                Flat::PageBreak | Flat::FrameBreak => {
                    let page = region.page;
                    i += 1;
                    if i < items.len() {
                        next_frame!(CARRIED_NOTE_SHARE);
                        if matches!(items[i - 1], Flat::PageBreak) {
                            while region.page == page {
                                next_frame!(CARRIED_NOTE_SHARE);
                            }
                        }
                    }
                }
                Flat::Space(h) => {
                    if !region.empty {
                        region.top += h;
                    }
                    i += 1;
                }
                Flat::Text {
                    para,
                    space_before,
                    space_after,
                    indent,
                    keep_with_next,
                    marker,
                    heading,
                    mark,
                } => {
                    let sb = if region.empty || word != Pos::START {
                        0.0
                    } else {
                        *space_before
                    };
                    let measure = region.width - indent;
                    let lines = para.lines(word, measure);
                    let total: f32 = lines.iter().map(|(_, l)| l.height).sum();
                    // A heading keeps its first line company with the next block's first lines.
                    let mut need_after = 0.0;
                    if *keep_with_next && word == Pos::START {
                        need_after = self.kept_height(&items[i + 1..], region.width);
                    }
                    let fit = self.lines_that_fit(&region, &lines, sb);
                    let all_fit = fit == lines.len()
                        && region.top + sb + total + need_after <= region.bottom() + 0.01;
                    if all_fit || (fit == lines.len() && need_after == 0.0) {
                        self.place_lines(
                            &mut region,
                            &lines,
                            sb,
                            *indent,
                            marker.as_ref().filter(|_| word == Pos::START),
                            heading.as_ref(),
                            *mark,
                        );
                        region.top += space_after;
                        i += 1;
                        word = Pos::START;
                        continue;
                    }
                    // Not all of it fits here.
                    let mut k = if fit == lines.len() { 0 } else { fit };
                    if heading.is_some() || *keep_with_next {
                        k = 0;
                    }
                    if k > 0 && k < 2 && lines.len() > 1 && !(region.empty && word == Pos::START) {
                        k = 0; // no orphan: a lone first line at the foot
                    }
                    if k > 0 && lines.len() - k < 2 && k >= 3 {
                        k -= 1; // no widow: a lone last line at the head
                    }
                    // A frame with only a footnote continued in it: the next
                    // frame has less of the note, or none.
                    let carried_only = region.empty && !region.notes.is_empty();
                    if k == 0 && region.empty && !carried_only {
                        // An empty frame takes what fits, whatever the rules say;
                        // if not even one line fits, no frame ever will.
                        if fit == 0 {
                            return Err(self.too_big(
                                &region,
                                "a line of text (with its footnotes)",
                                lines[0].1.height,
                            ));
                        }
                        k = fit;
                    }
                    if k > 0 && k < lines.len() && (k == 1 || lines.len() - k == 1) {
                        let what = if k == 1 {
                            "an orphan (one line at the foot of"
                        } else {
                            "a widow (one line at the head of"
                        };
                        let section = if self.last_heading.is_empty() {
                            String::new()
                        } else {
                            format!(" in “{}”", self.last_heading)
                        };
                        self.out.report.widows_and_orphans.push(format!(
                            "{what} frame `{}`), page {}{section}",
                            region.name,
                            region.page + 1
                        ));
                    }
                    if k > 0 {
                        self.place_lines(
                            &mut region,
                            &lines[..k],
                            sb,
                            *indent,
                            marker.as_ref().filter(|_| word == Pos::START),
                            heading.as_ref(),
                            *mark,
                        );
                        if k == lines.len() {
                            region.top += space_after;
                            i += 1;
                            word = Pos::START;
                            continue;
                        }
                        word = lines[k].0;
                    }
                    next_frame!(CARRIED_NOTE_SHARE);
                }
                Flat::ContentsEntry {
                    title,
                    number,
                    anchor,
                    indent,
                    space_after,
                    mark,
                } => {
                    let num_w = number
                        .lines(Pos::START, 1000.0)
                        .first()
                        .map(|(_, l)| run_width(l))
                        .unwrap_or(0.0);
                    let measure = region.width - indent - num_w - 24.0;
                    let lines = title.lines(Pos::START, measure);
                    let h: f32 = lines.iter().map(|(_, l)| l.height).sum();
                    if region.top + h > region.bottom() + 0.01
                        && (!region.empty || !region.notes.is_empty())
                    {
                        next_frame!(CARRIED_NOTE_SHARE);
                    }
                    let top = region.top;
                    self.place_lines(&mut region, &lines, 0.0, *indent, None, None, *mark);
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
                                if let Some(dots) = self.leaders(&r, text_end, num_x - 4.0) {
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
                    i += 1;
                }
                Flat::Figure { .. } | Flat::Boxed { .. } | Flat::Rule { .. } | Flat::Qr { .. } => {
                    let sb = if region.empty {
                        0.0
                    } else {
                        space_before_of(&items[i])
                    };
                    let h = self.atomic_height(&items[i], region.width);
                    if region.top + sb + h > region.bottom() + 0.01 {
                        if region.empty && region.notes.is_empty() {
                            let what = match &items[i] {
                                Flat::Figure { key, .. } => {
                                    format!("the picture `{key}` with its caption")
                                }
                                Flat::Boxed { .. } => "a box".to_string(),
                                _ => "a rule".to_string(),
                            };
                            return Err(self.too_big(&region, &what, h));
                        }
                        next_frame!(CARRIED_NOTE_SHARE);
                        continue;
                    }
                    region.top += sb;
                    self.place_atomic(&mut region, &items[i]);
                    region.top += space_after_of(&items[i]);
                    region.empty = false;
                    i += 1;
                }
            }
        }
        // The text has ended, but a long footnote has not: it goes on at the
        // foot of further frames, which it may fill.
        while !self.carry.is_empty() {
            next_frame!(1.0);
        }
        self.finish_region(&region);
        Ok(())
    }

    /// How many of `lines` fit in the region, counting the footnotes they
    /// bring. A line whose long note is split under it is the last that fits.
    pub(super) fn lines_that_fit(
        &mut self,
        region: &Region,
        lines: &[(Pos, Line)],
        sb: f32,
    ) -> usize {
        let mut r = Region {
            top: region.top + sb,
            ..region.clone()
        };
        for (k, (_, line)) in lines.iter().enumerate() {
            let Some(plan) = self.plan_notes(&r, line) else {
                return k;
            };
            if !plan.carry.is_empty() {
                return k + 1;
            }
            r.notes.extend(plan.parts);
            r.notes_height += plan.height;
            r.top += line.height;
        }
        lines.len()
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn place_lines(
        &mut self,
        region: &mut Region,
        lines: &[(Pos, Line)],
        sb: f32,
        indent: f32,
        marker: Option<&(Paragraph, Mark)>,
        heading: Option<&Heading>,
        mark: Mark,
    ) {
        region.top += sb;
        if let Some(h) = heading {
            self.out
                .anchors
                .entry(h.anchor.clone())
                .or_insert((region.page, region.top));
            if h.listed && h.level <= 2 {
                self.out.outline.push(OutlineEntry {
                    title: h.title.clone(),
                    level: h.level,
                    anchor: h.anchor.clone(),
                });
            }
            if h.level == 1 {
                self.last_heading = h.title.clone();
            }
        }
        for (k, (_, line)) in lines.iter().enumerate() {
            let x0 = region.x + indent;
            let base = region.top + line.baseline;
            let where_ = || {
                let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
                let section = if self.last_heading.is_empty() {
                    String::new()
                } else {
                    format!(" in “{}”", self.last_heading)
                };
                format!("page {}{section}: “{}”", region.page + 1, text.trim())
            };
            self.out.report.lines += 1;
            self.out.report.hyphenated += usize::from(line.hyphenated);
            if line.overflow > 0.5 {
                self.out.warnings.push(format!(
                    "{}: an overfull line ({:.1} pt too wide) in frame `{}`, {}",
                    self.name,
                    line.overflow,
                    region.name,
                    where_()
                ));
                self.out.report.overfull.push(format!(
                    "{:.1} pt too wide, {}",
                    line.overflow,
                    where_()
                ));
            }
            if line.ratio > LOOSE {
                self.out.report.loose.push(format!(
                    "spaces stretched {:.0}%, {}",
                    line.ratio * 100.0,
                    where_()
                ));
            }
            if let (0, Some((m, marker_mark))) = (k, marker)
                && let Some((_, ml)) = m.lines(Pos::START, 1000.0).first()
            {
                let w = run_width(ml);
                for r in &ml.runs {
                    let mut r = r.clone();
                    r.x += x0 - w - 5.0;
                    r.y += base;
                    self.push(region.page, *marker_mark, Item::Text(r));
                }
            }
            for run in &line.runs {
                let mut r = run.clone();
                r.x += x0;
                r.y += base;
                self.push(region.page, mark, Item::Text(r));
            }
            for (lx, lw, href) in &line.links {
                let target = match href.strip_prefix('#') {
                    Some(anchor) => LinkTarget::Anchor(anchor.to_string()),
                    None => LinkTarget::Uri(href.clone()),
                };
                self.out.pages[region.page].links.push(Link {
                    x: x0 + lx,
                    y: region.top,
                    width: *lw,
                    height: line.height,
                    target,
                    mark,
                });
            }
            // The same plan `lines_that_fit` made. Should a line be set
            // where its notes cannot go, they go on to the next frame whole:
            // never lost.
            match self.plan_notes(region, line) {
                Some(plan) => {
                    region.notes.extend(plan.parts);
                    region.notes_height += plan.height;
                    self.carry.extend(plan.carry);
                }
                None => {
                    for &n in &line.footnotes {
                        let placed = region.notes.iter().any(|p| p.note == n);
                        if !placed && !self.carry.iter().any(|c| c.0 == n) {
                            self.carry.push_back((n, Pos::START));
                        }
                    }
                    region.notes_open = false;
                }
            }
            region.top += line.height;
        }
        region.empty = false;
    }

    /// Draws a frame's footnotes at its foot, and sets bottom-aligned content down.
    pub(super) fn finish_region(&mut self, region: &Region) {
        if region.align_bottom && !region.empty {
            let shift = region.bottom() - region.top;
            if shift > 0.0 {
                let page = &mut self.out.pages[region.page];
                for placed in &mut page.items[region.first_item..] {
                    match &mut placed.item {
                        Item::Text(r) => r.y += shift,
                        Item::Image { y, .. } | Item::Rect { y, .. } => *y += shift,
                    }
                }
                for link in &mut page.links[region.first_link..] {
                    link.y += shift;
                }
                for (p, y) in self.out.anchors.values_mut() {
                    if *p == region.page && *y >= region.y && *y <= region.top {
                        *y += shift;
                    }
                }
            }
        }
        if region.notes.is_empty() {
            return;
        }
        let mut top = region.y + region.height - region.notes_height + NOTE_GAP;
        let rule_color = Cmyk {
            c: 0.0,
            m: 0.0,
            y: 0.0,
            k: 0.5,
        };
        // Above a note continued from the frame before, the rule runs the
        // full measure (as LaTeX's split-footnote rule does): the reader
        // sees the note is not a new one.
        let continued = region.notes[0].from != Pos::START;
        let rule = Item::Rect {
            x: region.x,
            y: top - NOTE_GAP / 2.0,
            width: if continued {
                region.width
            } else {
                (region.width * 0.3).min(90.0)
            },
            height: 0.0,
            fill: None,
            stroke: Some((rule_color, 0.4)),
        };
        self.push(region.page, Mark::Artifact(Artifact::Decoration), rule);
        for part in region.notes.clone() {
            let n = part.note;
            if let Some(p) = self.note_paragraph(n) {
                let lines = p.lines(part.from, region.width);
                let lines = &lines[..part.lines.min(lines.len())];
                let mut r = Region {
                    top,
                    ..region.clone()
                };
                r.notes = Vec::new();
                let mark = self
                    .note_marks
                    .get(&n)
                    .copied()
                    .unwrap_or(Mark::Artifact(Artifact::Decoration));
                self.place_lines(&mut r, lines, 0.0, 0.0, None, None, mark);
                top = r.top + 2.0;
            }
        }
    }
}
