//! Distributing a flow's items into frames: the frames a flow is given,
//! the lines that fit, and where the pour stops.

use std::sync::Arc;

use super::Engine;
use super::collect::{Flat, Heading, Pending, space_after_of, space_before_of};
use super::footnotes::{CARRIED_NOTE_SHARE, NotePart};
use super::overset::{QUOTED_HEADING, QUOTED_LINE, truncate};
use crate::document::Frame;
use crate::error::{Error, Location, PagePlace, Result, Warning, WarningKind};
use crate::layout::pages::{
    Artifact, Element, Item, LOOSE, Link, LinkTarget, Mark, OutlineEntry, source_of,
};
use crate::layout::paragraph::{Line, Paragraph, Pos};

/// Why a pour stopped before its last item.
pub(super) enum Stop {
    /// The frames ran out, with the items from `item` (from `word` inside
    /// it) still to place.
    NoFrame { item: usize, word: Pos },
    /// Something no frame can hold.
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Failed(e)
    }
}

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
    /// The frame's rectangle on its page.
    pub(super) fn place(&self) -> PagePlace {
        PagePlace {
            page: self.page,
            x: self.x,
            y: self.y,
            width: self.width,
            height: self.height,
        }
    }

    /// A band across the frame from `top`, `height` tall.
    pub(super) fn band(&self, top: f32, height: f32) -> PagePlace {
        PagePlace {
            y: top,
            height,
            ..self.place()
        }
    }

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

/// ` (FILE:LINE)`: where in a section the text of `mark` was written, for
/// messages; nothing for a template's own text.
/// Where in a section file the block of `mark` was written: a report
/// row's place.
pub(super) fn place_of(structure: &[Element], mark: Mark) -> Option<Location> {
    source_of(structure, mark).map(crate::document::SourceRef::location)
}

pub(super) fn run_width(line: &Line) -> f32 {
    line.runs.last().map_or(0.0, |r| {
        let trailing: f32 = r
            .glyphs
            .iter()
            .rev()
            .take_while(|g| r.text[g.text()].trim().is_empty())
            .map(|g| g.advance)
            .sum();
        r.x + r.width() - trailing
    })
}

impl<'a> Engine<'a> {
    pub(super) fn next_region(&mut self, supply: &mut Supply) -> Option<Region> {
        match supply {
            Supply::Repeat {
                master,
                column,
                page,
            } => {
                let m = &self.doc.masters[*master];
                let (columns, gutter, col_w) = (m.columns, m.gutter, m.column_width());
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
                let x = x0 + *column as f32 * (col_w + gutter);
                Some(self.region(p, format!("page {}", p + 1), x, y0, col_w, h, false))
            }
            Supply::Fixed { frames, next } => {
                let (page, f) = frames.get(*next)?.clone();
                *next += 1;
                self.frame_background(page, &f);
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

    /// A fixed frame's background, if it has one.
    fn frame_background(&mut self, page: usize, f: &Frame) {
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
    }

    /// The backgrounds of the fixed frames a flow ended before reaching
    /// (or, empty, never entered past its first): a coloured panel is
    /// printed whether or not the text comes down to it.
    pub(super) fn unreached_backgrounds(&mut self, supply: &Supply) {
        if let Supply::Fixed { frames, next } = supply {
            for (page, f) in &frames[(*next).min(frames.len())..] {
                self.frame_background(*page, f);
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
    /// frames run out is overset. Each item is let go once poured.
    /// `pending`: the flow's blocks not yet flattened into `items`.
    pub(super) fn pour(
        &mut self,
        items: &mut Vec<Flat>,
        pending: &mut Pending<'a>,
        supply: &mut Supply,
        flow: &str,
    ) -> Result<()> {
        // Messages name the section of this flow, not of the one before.
        self.last_heading.clear();
        self.carry.clear();
        self.flatten_ahead(items, pending, 0);
        let Some(mut region) = self.next_region(supply) else {
            return if items.is_empty() {
                Ok(())
            } else {
                Err(self.overset_error(items, pending, 0, Pos::START, flow, None))
            };
        };
        match self.fill(items, pending, supply, &mut region) {
            Ok(()) => {
                self.finish_region(&region);
                Ok(())
            }
            Err(Stop::Failed(e)) => Err(e),
            // A repeated run has no last frame: it stopped at the page limit.
            Err(Stop::NoFrame { .. }) if matches!(supply, Supply::Repeat { .. }) => {
                Err(self.too_many_pages(flow))
            }
            Err(Stop::NoFrame { item, word }) => {
                Err(self.overset_error(items, pending, item, word, flow, Some(&region)))
            }
        }
    }

    /// Pours `items` from the first into `region` and the frames after it.
    /// Stops where the frames run out, with `region` the last of them.
    fn fill(
        &mut self,
        items: &mut Vec<Flat>,
        pending: &mut Pending<'a>,
        supply: &mut Supply,
        region: &mut Region,
    ) -> Result<(), Stop> {
        let mut i = 0;
        let mut word = Pos::START;
        // The pour never goes back: the items before `i` are let go, their
        // shaped words and lines with them (unless the memo keeps them), and
        // the blocks after are flattened as it comes to them, so a long flow
        // never holds all of its text set at once.
        let mut poured = 0;
        loop {
            self.flatten_ahead(items, pending, i);
            if i >= items.len() {
                break;
            }
            for done in &mut items[poured..i] {
                *done = Flat::Space(0.0);
            }
            poured = i;
            let items: &[Flat] = items;
            match &items[i] {
                Flat::PageBreak | Flat::FrameBreak => {
                    let page = region.page;
                    i += 1;
                    if i < items.len() {
                        self.next_frame(region, supply, CARRIED_NOTE_SHARE, (i, word))?;
                        if matches!(items[i - 1], Flat::PageBreak) {
                            while region.page == page {
                                self.next_frame(region, supply, CARRIED_NOTE_SHARE, (i, word))?;
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
                    if let Some(ahead) = &*self.paragraphs.ahead.borrow() {
                        ahead.pouring_at(region.width);
                    }
                    // A long paragraph comes a window of lines at a time.
                    let (lines, rest) = para.lines_ahead(word, measure);
                    let total: f32 = lines.iter().map(|(_, l)| l.height).sum();
                    // A heading keeps its first line company with the next block's first lines.
                    let mut need_after = 0.0;
                    if *keep_with_next && word == Pos::START {
                        need_after = self.kept_height(&items[i + 1..], region.width);
                    }
                    let fit = self.lines_that_fit(region, &lines, sb);
                    let all_fit = fit == lines.len()
                        && region.top + sb + total + need_after <= region.bottom() + 0.01;
                    if all_fit || (fit == lines.len() && need_after == 0.0) {
                        self.place_lines(
                            region,
                            &lines,
                            sb,
                            *indent,
                            marker.as_ref().filter(|_| word == Pos::START),
                            heading.as_ref().filter(|_| word == Pos::START),
                            *mark,
                        );
                        if let Some(next) = rest {
                            word = next;
                            continue;
                        }
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
                    if k > 0 && lines.len() - k < 2 && k >= 3 && rest.is_none() {
                        k -= 1; // no widow: a lone last line at the head
                    }
                    // A frame with only a footnote continued in it: the next
                    // frame has less of the note, or none.
                    let carried_only = region.empty && !region.notes.is_empty();
                    if k == 0 && region.empty && !carried_only {
                        // An empty frame takes what fits, whatever the rules say;
                        // if not even one line fits, no frame ever will.
                        if fit == 0 {
                            let line = &lines[0].1;
                            return Err(Stop::Failed(self.line_too_big(region, line, *mark)));
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
                        let place = place_of(&self.out.structure, *mark);
                        self.out.report.widows_and_orphans.push(
                            Warning::new(
                                WarningKind::WidowOrOrphan,
                                format!(
                                    "{what} frame `{}`), page {}{section}",
                                    region.name,
                                    region.page + 1
                                ),
                            )
                            .at_some(place)
                            // The lines of the paragraph set in this frame.
                            .on_page(PagePlace {
                                x: region.x + indent,
                                width: region.width - indent,
                                ..region.band(
                                    region.top + sb,
                                    lines[..k].iter().map(|(_, l)| l.height).sum(),
                                )
                            }),
                        );
                    }
                    if k > 0 {
                        self.place_lines(
                            region,
                            &lines[..k],
                            sb,
                            *indent,
                            marker.as_ref().filter(|_| word == Pos::START),
                            heading.as_ref().filter(|_| word == Pos::START),
                            *mark,
                        );
                        if k == lines.len() && rest.is_none() {
                            region.top += space_after;
                            i += 1;
                            word = Pos::START;
                            continue;
                        }
                        if let Some(next) = lines.get(k).map(|(p, _)| *p).or(rest) {
                            word = next;
                        }
                    }
                    self.next_frame(region, supply, CARRIED_NOTE_SHARE, (i, word))?;
                }
                Flat::Table(t) => {
                    self.pour_table(t, region, supply, i, false)?;
                    i += 1;
                }
                entry @ Flat::ContentsEntry { .. } => {
                    let set = self.set_entry(entry, region.width);
                    if region.top + set.height() > region.bottom() + 0.01
                        && (!region.empty || !region.notes.is_empty())
                    {
                        self.next_frame(region, supply, CARRIED_NOTE_SHARE, (i, word))?;
                    }
                    self.place_entry(region, entry, &set);
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
                            return Err(Stop::Failed(match &items[i] {
                                Flat::Figure { key, mark, .. } => {
                                    let what = format!("the picture `{key}` with its caption");
                                    self.at_written(self.too_big(region, &what, h), *mark)
                                }
                                Flat::Boxed {
                                    element, blocks, ..
                                } => self.too_big_box(region, *element, blocks, h),
                                Flat::Qr { mark, .. } => {
                                    self.at_written(self.too_big(region, "a QR code", h), *mark)
                                }
                                Flat::Rule {
                                    source, markup_at, ..
                                } => {
                                    let help = "make the theme's `rule` style thinner (`border:`), or give the frame more room in the template";
                                    let error = self.too_big(region, "a rule", h).help(help);
                                    self.at_place(error, source.as_ref(), Some(*markup_at))
                                }
                                _ => self.too_big(region, "a block", h),
                            }));
                        }
                        self.next_frame(region, supply, CARRIED_NOTE_SHARE, (i, word))?;
                        continue;
                    }
                    region.top += sb;
                    self.place_atomic(region, &items[i]);
                    region.top += space_after_of(&items[i]);
                    region.empty = false;
                    i += 1;
                }
            }
        }
        // The text has ended, but a long footnote has not: it goes on at the
        // foot of further frames, which it may fill.
        while !self.carry.is_empty() {
            self.next_frame(region, supply, 1.0, (i, word))?;
        }
        Ok(())
    }

    /// Finishes `region` and moves it on to the next frame, where what is
    /// left of long footnotes goes first, taking at most `share` of it.
    /// `at`: the item and word the pour has reached, should there be none.
    pub(super) fn next_frame(
        &mut self,
        region: &mut Region,
        supply: &mut Supply,
        share: f32,
        (item, word): (usize, Pos),
    ) -> Result<(), Stop> {
        self.finish_region(region);
        *region = self
            .next_region(supply)
            .ok_or(Stop::NoFrame { item, word })?;
        self.take_carry(region, share)?;
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

    /// Places `lines` at the top of `region`. `heading` comes with a
    /// heading's first lines only: it makes the heading's anchor and its
    /// outline entry.
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
                // Only messages name it: its start is enough.
                self.last_heading = truncate(&h.title, QUOTED_HEADING);
            }
        }
        let mut last_anchor: Option<(Arc<str>, Arc<str>)> = None;
        for (k, (_, line)) in lines.iter().enumerate() {
            let x0 = region.x + indent;
            let base = region.top + line.baseline;
            let where_ = || {
                let text: String = line.runs.iter().map(|r| &*r.text).collect();
                let section = if self.last_heading.is_empty() {
                    String::new()
                } else {
                    format!(" in “{}”", self.last_heading)
                };
                // A line of one unbreakable word may be a whole pasted
                // text: its start says which line it is. Lines as a page
                // holds them are quoted whole.
                format!(
                    "page {}{section}: “{}”",
                    region.page + 1,
                    truncate(text.trim(), QUOTED_LINE)
                )
            };
            let place = || place_of(&self.out.structure, mark);
            // The line's rectangle, for the preview to mark.
            let on_page = PagePlace {
                x: x0,
                width: region.width - indent + line.overflow.max(0.0),
                ..region.band(region.top, line.height)
            };
            self.out.report.lines += 1;
            self.out.report.hyphenated += usize::from(line.hyphenated);
            if line.overflow > 0.5 {
                self.out.warnings.push(
                    Warning::new(
                        WarningKind::OverfullLine,
                        format!(
                            "{}: an overfull line ({:.1} pt too wide) in frame `{}`, {}",
                            self.name,
                            line.overflow,
                            region.name,
                            where_()
                        ),
                    )
                    .at_some(place()),
                );
                self.out.report.overfull.push(
                    Warning::new(
                        WarningKind::OverfullLine,
                        format!("{:.1} pt too wide, {}", line.overflow, where_()),
                    )
                    .at_some(place())
                    .on_page(on_page),
                );
            }
            if line.ratio > LOOSE {
                self.out.report.loose.push(
                    Warning::new(
                        WarningKind::LooseLine,
                        format!("spaces stretched {:.0}%, {}", line.ratio * 100.0, where_()),
                    )
                    .at_some(place())
                    .on_page(on_page),
                );
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
                    Some(anchor) => {
                        // One anchor for the lines of one link, as its
                        // address is one for them.
                        let anchor = match &last_anchor {
                            Some((h, a)) if Arc::ptr_eq(h, href) => a.clone(),
                            _ => Arc::<str>::from(anchor),
                        };
                        last_anchor = Some((href.clone(), anchor.clone()));
                        LinkTarget::Anchor(anchor)
                    }
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
        self.place_notes(region);
    }
}
