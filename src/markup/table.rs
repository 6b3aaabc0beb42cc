//! `<table>`: columns, header and body rows, cells with inline text.

use roxmltree::Node;

use super::Parser;
use crate::document::{BlockKind, Cell, Column, Row, Table, Width};
use crate::error::Result;
use crate::length::parse_length;
use std::sync::Arc;

use crate::theme::{Align, Style};

/// The most columns a table may have: more would leave each a sliver of
/// any page handbill makes.
pub const MAX_COLUMNS: usize = 40;

impl Parser<'_> {
    /// A `<table>`: `<col>`, `<thead>`, `<tbody>` and `<tr>` of `<th>` and `<td>`.
    pub(super) fn table(&self, node: Node, style: &Arc<Style>, stack: bool) -> Result<BlockKind> {
        // The columns first, wherever their <col> are: cells take their alignment.
        let mut columns: Vec<Column> = Vec::new();
        for col in node.children().filter(|c| c.has_tag_name("col")) {
            columns.push(Column {
                align: self.align(col)?,
                width: self.width(col, col.attribute("width"))?,
            });
        }
        if let Some(widths) = node.attribute("widths") {
            for (i, w) in widths.split_whitespace().enumerate() {
                if columns.len() <= i {
                    columns.push(Column {
                        align: None,
                        width: None,
                    });
                }
                columns[i].width = self.width(node, Some(w))?;
            }
        }
        let (mut head, mut body) = (Vec::new(), Vec::new());
        for child in node.children() {
            if child.is_text() && child.text().is_some_and(|t| !t.trim().is_empty()) {
                return Err(self
                    .error(child, "text must be inside a cell of the table")
                    .help("write it in <td>…</td> inside a <tr>"));
            }
            if !child.is_element() {
                continue;
            }
            match child.tag_name().name() {
                "col" => {}
                "thead" => self.rows(child, style, &columns, &mut head)?,
                "tbody" => self.rows(child, style, &columns, &mut body)?,
                "tr" => body.push(self.row(child, style, &columns, body.len())?),
                other => {
                    return Err(self.unknown(child, other, &["col", "thead", "tbody", "tr"]));
                }
            }
        }
        let n = head
            .iter()
            .chain(&body)
            .map(|r: &Row| r.cells.len())
            .max()
            .unwrap_or(0);
        if n > MAX_COLUMNS {
            return Err(self
                .error(
                    node,
                    format!("this table has {n} columns, more than {MAX_COLUMNS}"),
                )
                .help("split it into tables of fewer columns"));
        }
        columns.resize(
            n.max(columns.len()).min(MAX_COLUMNS),
            Column {
                align: None,
                width: None,
            },
        );
        // Short rows get empty cells.
        for (rows, tag) in [(&mut head, "th"), (&mut body, "td")] {
            for row in rows.iter_mut() {
                while row.cells.len() < columns.len() {
                    row.cells.push(Cell {
                        spans: Vec::new(),
                        style: self.resolve(&row.style, tag, None),
                        header: tag == "th",
                    });
                }
            }
        }
        Ok(BlockKind::Table(Table {
            columns,
            head,
            body,
            stack: match node.attribute("narrow") {
                Some("stack") => true,
                Some(_) => false,
                None => stack,
            },
        }))
    }

    fn rows(
        &self,
        node: Node,
        style: &Arc<Style>,
        columns: &[Column],
        out: &mut Vec<Row>,
    ) -> Result<()> {
        for tr in node.children().filter(Node::is_element) {
            if tr.tag_name().name() != "tr" {
                return Err(self.unknown(tr, tr.tag_name().name(), &["tr"]));
            }
            out.push(self.row(tr, style, columns, out.len())?);
        }
        Ok(())
    }

    /// A row; every second body row (`index` odd) also takes the class `even`.
    fn row(&self, tr: Node, table: &Arc<Style>, columns: &[Column], index: usize) -> Result<Row> {
        let in_head = tr.parent().is_some_and(|p| p.has_tag_name("thead"));
        let mut class = tr.attribute("class").unwrap_or("").to_string();
        if !in_head && index % 2 == 1 {
            class.push_str(" even");
        }
        let style = self.resolve(table, "tr", Some(class.trim()));
        let mut cells = Vec::new();
        for c in tr.children() {
            if c.is_text() && c.text().is_some_and(|t| !t.trim().is_empty()) {
                return Err(self
                    .error(c, "text must be inside a cell of the row")
                    .help("write it in <td>…</td>"));
            }
            if !c.is_element() {
                continue;
            }
            let name = c.tag_name().name();
            if name != "th" && name != "td" {
                return Err(self.unknown(c, name, &["th", "td"]));
            }
            let mut cs = self.resolve(&style, name, c.attribute("class"));
            let column = columns.get(cells.len()).and_then(|c| c.align);
            if let Some(align) = self.align(c)?.or(column).filter(|a| *a != cs.align) {
                Arc::make_mut(&mut cs).align = align;
            }
            cells.push(Cell {
                spans: self.spans(c, &cs, None)?,
                style: cs,
                header: name == "th",
            });
        }
        Ok(Row { cells, style })
    }

    fn align(&self, node: Node) -> Result<Option<Align>> {
        Ok(match node.attribute("align") {
            None => None,
            Some("left") => Some(Align::Left),
            Some("right") => Some(Align::Right),
            Some("center") | Some("centre") => Some(Align::Center),
            Some("justify") => Some(Align::Justify),
            Some(other) => {
                return Err(self
                    .error(node, format!("`align=\"{other}\"` is not an alignment"))
                    .help("write `left`, `right`, `center` or `justify`"));
            }
        })
    }

    /// A column's width: a length, a share of the table's (`30%`), or
    /// `auto` (from its content).
    fn width(&self, node: Node, value: Option<&str>) -> Result<Option<Width>> {
        let Some(v) = value.map(str::trim) else {
            return Ok(None);
        };
        if v == "auto" || v == "*" {
            return Ok(None);
        }
        let width = if v.ends_with('%') {
            parse_length(v, 1.0).map(Width::Fraction)
        } else {
            parse_length(v, 0.0).map(Width::Points)
        };
        match width {
            Some(Width::Fraction(f)) if f > 0.0 && f <= 1.0 => Ok(Some(Width::Fraction(f))),
            Some(Width::Points(p)) if p > 0.0 => Ok(Some(Width::Points(p))),
            _ => Err(self
                .error(node, format!("`{v}` is not a column width"))
                .help("write a length (`30mm`), a share of the table (`25%`) or `auto`")),
        }
    }
}
