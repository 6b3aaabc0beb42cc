//! Tables poured into frames: rows set side by side in columns whose widths
//! come from the cells, the header rows repeated at the top of each frame
//! the table goes on in, a row kept whole unless it is taller than a frame.
//! In a frame too narrow for the columns' widest words, a table either
//! stops the build or (`tables="stack"`) sets each row as `header: value`
//! lines.

use std::sync::Arc;

use super::Engine;
use super::distribute::{Region, Stop, Supply};
use super::footnotes::CARRIED_NOTE_SHARE;
use crate::colour::Cmyk;
use crate::document::{Block, Column, Row, Span, SpanContent, Table, Width, plain_text};
use crate::error::{Error, ErrorKind, Warning, WarningKind};
use crate::layout::pages::{Artifact, Item, Mark, Role};
use crate::layout::paragraph::{Line, Numbers, Paragraph, Pos};
use crate::layout::table::{Wanted, column_widths};
use crate::theme::Style;

/// A table prepared for pouring.
pub(super) struct FlatTable {
    /// The `table` style: its border draws the rules above and below.
    pub(super) style: Style,
    pub(super) indent: f32,
    pub(super) columns: Vec<Column>,
    pub(super) head: Vec<FlatRow>,
    pub(super) body: Vec<FlatRow>,
    pub(super) stack: bool,
    /// How messages name it: its header's text.
    pub(super) name: String,
    /// The cell with the widest word, where a message that the table does
    /// not fit points.
    pub(super) widest: Option<(Mark, std::sync::Arc<str>)>,
    /// Its Table structure element: where a template wrote it.
    pub(super) element: usize,
    /// What each column's cells ask for (measured once: a long table is
    /// poured into many frames).
    pub(super) wanted: Vec<Wanted>,
}

pub(super) struct FlatRow {
    pub(super) cells: Vec<FlatCell>,
    pub(super) background: Option<Cmyk>,
    /// The rule under the row: weight and colour (none at 0).
    pub(super) rule: (f32, Cmyk),
}

pub(super) struct FlatCell {
    pub(super) para: Paragraph,
    /// The cell as a `header: value` line, for a stacked table: set only
    /// if the table stacks.
    pub(super) stacked: Option<Stacked>,
    pub(super) padding: f32,
    pub(super) mark: Mark,
}

/// A body cell as a `header: value` line, set the first time a frame
/// too narrow for the columns asks for it: most tables never stack.
pub(super) struct Stacked {
    spans: Vec<Span>,
    style: Style,
    /// The notes numbered before the cell: its marks keep their numbers.
    first_note: usize,
    set: std::cell::OnceCell<Paragraph>,
}

/// A row as set at some column widths: each cell's lines, by where they go
/// across (from the table's left edge), each line with its cell's mark. A
/// stacked row is one cell of the lines of all its cells.
struct SetRow {
    cells: Vec<(f32, Vec<(Mark, Line)>)>,
    padding: f32,
}

impl SetRow {
    /// Its height, from line `from[k]` of each cell `k` on.
    fn height(&self, from: &[usize]) -> f32 {
        let tallest = (self.cells.iter().enumerate())
            .map(|(k, (_, lines))| {
                let f = from.get(k).copied().unwrap_or(0).min(lines.len());
                lines[f..].iter().map(|l| l.1.height).sum()
            })
            .fold(0.0f32, f32::max);
        tallest + 2.0 * self.padding
    }
}

impl Engine<'_> {
    /// Prepares a table: its structure elements (Table, THead and TBody,
    /// TR, TH and TD), and each cell set as a paragraph.
    pub(super) fn flatten_table(
        &mut self,
        table: &Table,
        block: &Block,
        indent: f32,
        parent: Option<usize>,
    ) -> FlatTable {
        let element = self.element(Role::Table, parent);
        let headers: Vec<String> = (table.head.first())
            .map(|r| r.cells.iter().map(|c| plain_text(&c.spans)).collect())
            .unwrap_or_default();
        let mut rows = |rows: &[Row], group: Role, stack: bool| {
            let group = self.element(group, Some(element));
            rows.iter()
                .map(|row| self.flatten_row(row, group, stack.then_some(&headers[..])))
                .collect::<Vec<_>>()
        };
        let head = rows(&table.head, Role::TableHead, false);
        // Any table may have to stack (in a box, where no error can stop
        // the build): its body rows are also set as `header: value` lines.
        let body = rows(&table.body, Role::TableBody, true);
        let name = match headers.iter().filter(|h| !h.is_empty()).count() {
            0 => (table.body.first())
                .and_then(|r| r.cells.first())
                .map(|c| plain_text(&c.spans))
                .unwrap_or_default(),
            _ => headers.join(" · "),
        };
        let mut wanted = vec![Wanted::default(); table.columns.len()];
        let mut widest = (0.0, None);
        for row in head.iter().chain(&body) {
            for (w, cell) in wanted.iter_mut().zip(&row.cells) {
                let (min, pref) = cell.para.content_widths();
                w.min = w.min.max(min + 2.0 * cell.padding);
                w.pref = w.pref.max(pref + 2.0 * cell.padding);
                if min > widest.0 {
                    widest = (min, Some((cell.mark, cell.para.text())));
                }
            }
        }
        FlatTable {
            wanted,
            widest: widest.1.map(|(mark, text)| (mark, text.into())),
            element,
            style: Style::clone(&block.style),
            indent: indent + block.style.indent,
            columns: table.columns.clone(),
            head,
            body,
            stack: table.stack,
            name: super::overset::truncate(&name, 50),
        }
    }

    fn flatten_row(&mut self, row: &Row, group: usize, headers: Option<&[String]>) -> FlatRow {
        let tr = self.element(Role::TableRow, Some(group));
        let mut cells = Vec::new();
        let mut rule = (0.0f32, crate::colour::Cmyk::BLACK);
        for (i, cell) in row.cells.iter().enumerate() {
            let role = if cell.header {
                Role::TableHeader
            } else {
                Role::TableData
            };
            // The cell's text is a paragraph in it, its notes after it.
            let cell_element = self.element(role, Some(tr));
            let mark = self.mark(Role::Paragraph, Some(cell_element));
            let first_note = self.note_count;
            let para = self.paragraph(&cell.spans, &cell.style, Some(cell_element));
            // The same text after its column's header, its notes numbered
            // as they are in the cell (and handed on once, above).
            let stacked = headers.map(|headers| {
                let style = Style {
                    align: crate::theme::Align::Left,
                    ..Style::clone(&cell.style)
                };
                let mut spans = Vec::new();
                if let Some(h) = headers.get(i).filter(|h| !h.is_empty()) {
                    spans.push(Span {
                        content: SpanContent::Text(format!("{h}: ")),
                        style: Arc::new(Style {
                            bold: true,
                            ..style.clone()
                        }),
                        link: None,
                    });
                }
                spans.extend(cell.spans.iter().cloned());
                Stacked {
                    spans,
                    style,
                    first_note,
                    set: Default::default(),
                }
            });
            if cell.style.border > rule.0 {
                rule = (cell.style.border, cell.style.border_color);
            }
            cells.push(FlatCell {
                para,
                stacked,
                padding: cell.style.padding,
                mark,
            });
        }
        FlatRow {
            cells,
            background: row.style.background,
            rule,
        }
    }

    /// `cell` set as its `header: value` line, its notes numbered as they
    /// are in the cell (and handed on once, with the cell).
    fn stacked<'c>(&self, cell: &'c Stacked) -> &'c Paragraph {
        cell.set.get_or_init(|| {
            Paragraph::new(
                &cell.spans,
                &cell.style,
                self.shaper,
                self.paragraphs,
                &Numbers::default(),
                &mut cell.first_note.clone(),
                &mut |_, _| {},
            )
        })
    }

    /// The columns' widths in `width` points, or `None` if the widest
    /// words do not fit.
    fn table_widths(&self, t: &FlatTable, width: f32) -> Option<Vec<f32>> {
        let mut wanted = t.wanted.clone();
        for (w, c) in wanted.iter_mut().zip(&t.columns) {
            w.fixed = c.width.map(|f| match f {
                Width::Fraction(f) => width * f,
                Width::Points(p) => p,
            });
        }
        column_widths(&wanted, width)
    }

    /// A row's cells set at `widths`; stacked, one below the other across
    /// the whole width.
    fn set_row(&self, row: &FlatRow, widths: Option<&[f32]>, width: f32) -> SetRow {
        let padding = row.cells.iter().map(|c| c.padding).fold(0.0, f32::max);
        let Some(widths) = widths else {
            let mut lines = Vec::new();
            for c in &row.cells {
                let p = match &c.stacked {
                    Some(stacked) => self.stacked(stacked),
                    None => &c.para,
                };
                let set = p.lines(Pos::START, width - 2.0 * padding);
                lines.extend(set.iter().map(|l| (c.mark, l.1.clone())));
            }
            return SetRow {
                cells: vec![(padding, lines)],
                padding,
            };
        };
        let mut x = 0.0;
        let mut cells = Vec::new();
        for (c, w) in row.cells.iter().zip(widths) {
            let lines = c.para.lines(Pos::START, w - 2.0 * c.padding);
            cells.push((
                x + c.padding,
                lines.iter().map(|l| (c.mark, l.1.clone())).collect(),
            ));
            x += w;
        }
        SetRow { cells, padding }
    }

    /// The whole height of a table set `width` points wide (for
    /// keep-with-next and overset messages).
    pub(super) fn table_height(&self, t: &FlatTable, width: f32, rows: usize) -> f32 {
        let width = width - t.indent;
        let widths = self.table_widths(t, width);
        let stacked = widths.is_none();
        let head = if stacked { &[][..] } else { &t.head[..] };
        let rows = head.iter().chain(t.body.iter().take(rows));
        let h: f32 = rows
            .map(|r| self.set_row(r, widths.as_deref(), width).height(&[]) + r.rule.0)
            .sum();
        h + 2.0 * t.style.border
    }

    /// Pours a table into `region` and the frames after it. `at` is its
    /// place among the flow's items, for where a pour stops. `in_box`: it
    /// is measured or set in a box, which cannot stop the build: there a
    /// table too wide stacks, with a warning.
    pub(super) fn pour_table(
        &mut self,
        t: &FlatTable,
        region: &mut Region,
        supply: &mut Supply,
        at: usize,
        in_box: bool,
    ) -> Result<(), Stop> {
        if !region.empty {
            region.top += t.style.space_before;
        }
        let mut widths = self.widths_here(t, region, in_box)?;
        // Whether the table has begun, and whether this frame has its
        // header and a row of it yet.
        let (mut started, mut head_here, mut body_here) = (false, false, false);
        let mut row = 0;
        // Where each cell of a row split over frames goes on.
        let mut from: Vec<usize> = Vec::new();
        loop {
            let width = region.width - t.indent;
            let head: Vec<(SetRow, (f32, Cmyk))> = match &widths {
                Some(w) if !head_here => (t.head.iter())
                    .map(|r| (self.set_row(r, Some(w), width), r.rule))
                    .collect(),
                _ => Vec::new(),
            };
            let head_h: f32 = match head_here {
                true => 0.0,
                false => {
                    t.style.border
                        + head
                            .iter()
                            .map(|(r, rule)| r.height(&[]) + rule.0)
                            .sum::<f32>()
                }
            };
            let body = (t.body.get(row)).map(|r| (self.set_row(r, widths.as_deref(), width), r));
            let last = row + 1 >= t.body.len();
            let bottom_rule = if last { t.style.border } else { 0.0 };
            let body_h = body.as_ref().map_or(0.0, |(s, r)| {
                s.height(&from) + if last { 0.0 } else { r.rule.0 }
            });
            let fits = region.top + head_h + body_h + bottom_rule <= region.bottom() + 0.01
                && (body.as_ref())
                    .is_none_or(|(s, _)| self.notes_fit(region, s, &from, region.top + head_h));
            let fresh = !body_here && region.empty && region.notes.is_empty();
            if !fits && !fresh {
                if body_here {
                    self.rule_across(region, t, t.style.border, t.style.border_color);
                }
                self.next_frame(region, supply, CARRIED_NOTE_SHARE, (at, Pos::START))?;
                widths = self.widths_here(t, region, in_box)?;
                (head_here, body_here) = (false, false);
                continue;
            }
            // The top rule and the header, at the start and again in each
            // frame the table goes on in (there an artifact: read once).
            if !head_here {
                self.rule_across(region, t, t.style.border, t.style.border_color);
                let mark = started.then_some(Mark::Artifact(Artifact::Header));
                for (set, rule) in &head {
                    self.place_row(region, t, set, &[], None, mark);
                    self.rule_across(region, t, rule.0, rule.1);
                }
                head_here = true;
            }
            started = true;
            let Some((set, flat)) = body else { break };
            let room = region.bottom() - region.top - bottom_rule;
            if set.height(&from) > room + 0.01 {
                // Taller than a whole frame: as many lines of each cell as
                // fit here, the rest in the next frame, under the header.
                let before = from.clone();
                let before_top = region.top;
                self.place_split(region, t, &set, &mut from, room, flat.background);
                if from == before {
                    let h = set.height(&from);
                    return Err(Stop::Failed(self.too_big(
                        region,
                        "a line of a table's cell",
                        h,
                    )));
                }
                let part = region.band(before_top, region.top - before_top);
                self.out.report.split_rows.push(Warning::new(
                    WarningKind::SplitRow,
                    format!(
                        "a row of the table “{}” is taller than frame `{}` and goes on overleaf, page {}{}",
                        t.name,
                        region.name,
                        region.page + 1,
                        self.in_section()
                    ),
                ).on_page(part));
                self.rule_across(region, t, t.style.border, t.style.border_color);
                self.next_frame(region, supply, CARRIED_NOTE_SHARE, (at, Pos::START))?;
                widths = self.widths_here(t, region, in_box)?;
                (head_here, body_here) = (false, false);
                continue;
            }
            self.place_row(region, t, &set, &from, flat.background, None);
            from.clear();
            body_here = true;
            row += 1;
            if last {
                break;
            }
            self.rule_across(region, t, flat.rule.0, flat.rule.1);
        }
        self.rule_across(region, t, t.style.border, t.style.border_color);
        region.top += t.style.space_after;
        region.empty = false;
        Ok(())
    }

    /// The column widths in this region: `None` to stack the rows; an
    /// error if the table does not fit and may not stack.
    fn widths_here(
        &mut self,
        t: &FlatTable,
        region: &Region,
        in_box: bool,
    ) -> Result<Option<Vec<f32>>, Stop> {
        let width = region.width - t.indent;
        match self.table_widths(t, width) {
            Some(w) => Ok(Some(w)),
            None if t.stack => Ok(None),
            None if in_box => {
                let warning = Warning::new(
                    WarningKind::TableStacked,
                    format!(
                        "{}: the table “{}”{} is in a box narrower than its columns' widest words: its rows are set as `header: value` lines",
                        self.name,
                        t.name,
                        self.in_section()
                    ),
                );
                if !self.out.warnings.contains(&warning) {
                    self.out.warnings.push(warning);
                }
                Ok(None)
            }
            None => Err(Stop::Failed(self.table_too_wide(t, region, width))),
        }
    }

    fn table_too_wide(&self, t: &FlatTable, region: &Region, width: f32) -> Error {
        let mm = crate::length::MM;
        let need: f32 = t.wanted.iter().map(|w| w.min).sum();
        let error = Error::new(format!(
            "{}: the table “{}”{} does not fit: its {} columns need at least {:.1} mm (their widest words) and frame `{}` on page {} is {:.1} mm wide",
            self.name,
            t.name,
            self.in_section(),
            t.columns.len(),
            need / mm,
            region.name,
            region.page + 1,
            width / mm
        ))
        .help("add `tables: stack` to the briefing to set each row as `header: value` lines, give the table fewer columns or shorter words, or set it in a wider frame")
        .kind(ErrorKind::Overset);
        let in_section = (t.widest.as_ref()).and_then(|(mark, text)| {
            Some((
                super::distribute::place_of(&self.out.structure, *mark)?,
                text,
            ))
        });
        match in_section {
            // Found in the section file by its words.
            Some((place, text)) => error.at(crate::error::Location {
                source_line: Some(text.clone()),
                ..place
            }),
            // The template's own table: where it wrote it.
            None => self.at_written(error, Mark::Element(t.element)),
        }
    }

    fn in_section(&self) -> String {
        if self.last_heading.is_empty() {
            String::new()
        } else {
            format!(" in the section “{}”", self.last_heading)
        }
    }

    /// Whether the footnotes of a row's lines find room at the foot of the
    /// region, with the row set from `top`.
    fn notes_fit(&mut self, region: &Region, set: &SetRow, from: &[usize], top: f32) -> bool {
        let mut r = region.clone();
        for (k, (_, lines)) in set.cells.iter().enumerate() {
            r.top = top + set.padding;
            for (_, line) in &lines[from.get(k).copied().unwrap_or(0).min(lines.len())..] {
                match self.plan_notes(&r, line) {
                    Some(plan) if plan.carry.is_empty() => {
                        r.notes.extend(plan.parts);
                        r.notes_height += plan.height;
                    }
                    _ => return false,
                }
                r.top += line.height;
            }
        }
        top + set.height(from) <= r.bottom() + 0.01
    }

    /// Sets a row's cells (each from line `from[k]`) side by side, over its
    /// tint; `mark` replaces the cells' own (a repeated header).
    fn place_row(
        &mut self,
        region: &mut Region,
        t: &FlatTable,
        set: &SetRow,
        from: &[usize],
        background: Option<Cmyk>,
        mark: Option<Mark>,
    ) {
        let h = set.height(from);
        self.tint(region, t, h, background);
        let top = region.top;
        for (k, (x, lines)) in set.cells.iter().enumerate() {
            region.top = top + set.padding;
            let start = from.get(k).copied().unwrap_or(0).min(lines.len());
            for (cell_mark, line) in &lines[start..] {
                let one = [(Pos::START, line.clone())];
                let m = mark.unwrap_or(*cell_mark);
                self.place_lines(region, &one, 0.0, t.indent + x, None, None, m);
            }
        }
        region.top = top + h;
        region.empty = false;
    }

    /// Sets what fits of a row too tall for a whole frame, `room` high;
    /// `from` moves on to where each cell goes on.
    fn place_split(
        &mut self,
        region: &mut Region,
        t: &FlatTable,
        set: &SetRow,
        from: &mut Vec<usize>,
        room: f32,
        background: Option<Cmyk>,
    ) {
        from.resize(set.cells.len(), 0);
        let mut until = from.clone();
        for (k, (_, lines)) in set.cells.iter().enumerate() {
            let mut h = 2.0 * set.padding;
            while until[k] < lines.len() && h + lines[until[k]].1.height <= room + 0.01 {
                h += lines[until[k]].1.height;
                until[k] += 1;
            }
        }
        let part = SetRow {
            cells: (set.cells.iter().zip(until.iter()))
                .map(|((x, lines), &u)| (*x, lines[..u].to_vec()))
                .collect(),
            padding: set.padding,
        };
        self.place_row(region, t, &part, from, background, None);
        *from = until;
    }

    fn tint(&mut self, region: &Region, t: &FlatTable, h: f32, fill: Option<Cmyk>) {
        if fill.is_some() {
            let rect = Item::Rect {
                x: region.x + t.indent,
                y: region.top,
                width: region.width - t.indent,
                height: h,
                fill,
                stroke: None,
            };
            self.push(region.page, Mark::Artifact(Artifact::Background), rect);
        }
    }

    fn rule_across(&mut self, region: &mut Region, t: &FlatTable, weight: f32, color: Cmyk) {
        if weight <= 0.0 {
            return;
        }
        let rule = Item::Rect {
            x: region.x + t.indent,
            y: region.top + weight / 2.0,
            width: region.width - t.indent,
            height: 0.0,
            fill: None,
            stroke: Some((color, weight)),
        };
        self.push(region.page, Mark::Artifact(Artifact::Decoration), rule);
        region.top += weight;
    }
}
