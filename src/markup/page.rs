//! `<master>` and `<frame>`: page designs, and the frames text is poured
//! into on a fixed page. Each is checked to lie on a page handbill can
//! print and to leave room for text, since a page that does not would be
//! written anyway, its text off the page or every line overfull.

use roxmltree::Node;

use super::Parser;
use crate::document::{Frame, Master};
use crate::error::Result;
use crate::length::{MIN_COLUMN, MM, PAPER_SIZES, SHEET_SIDES, parse_length};
use crate::theme::Style;

impl Parser<'_> {
    /// A `<master>`: a page design, checked to leave room for text.
    pub(super) fn master(&self, node: Node, body: &Style) -> Result<Master> {
        let name = self.required(node, "name")?.to_string();
        let (mut width, mut height) = (210.0 * MM, 297.0 * MM);
        if let Some(size) = node.attribute("size") {
            let (_, w, h) = PAPER_SIZES
                .iter()
                .find(|(n, ..)| n.eq_ignore_ascii_case(size))
                .ok_or_else(|| {
                    let names: Vec<&str> = PAPER_SIZES.iter().map(|(n, ..)| *n).collect();
                    self.error(node, format!("`size=\"{size}\"` is not a paper size"))
                        .help(format!(
                            "use one of {} or give width and height",
                            names.join(", ")
                        ))
                })?;
            (width, height) = (w * MM, h * MM);
        }
        width = self.length(node, "width", width)?.unwrap_or(width);
        height = self.length(node, "height", height)?.unwrap_or(height);
        let margin = match node.attribute("margin") {
            None => [15.0 * MM; 4],
            Some(v) => {
                let parts: Option<Vec<f32>> = v
                    .split_whitespace()
                    .map(|p| parse_length(p, width).filter(|x| *x >= 0.0))
                    .collect();
                match parts.as_deref() {
                    Some([a]) => [*a; 4],
                    Some([a, b]) => [*a, *b, *a, *b],
                    Some([a, b, c, d]) => [*a, *b, *c, *d],
                    _ => {
                        return Err(self
                            .error(
                                node,
                                format!(
                                    "`margin=\"{v}\"` is not one, two or four lengths of 0 or more"
                                ),
                            )
                            .help(
                                "e.g. `margin=\"20mm 18mm 22mm 18mm\"` (top right bottom left)",
                            ));
                    }
                }
            }
        };
        let columns = match node.attribute("columns") {
            None => 1,
            Some(c) => c
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=6).contains(n))
                .ok_or_else(|| {
                    self.error(
                        node,
                        format!("`columns=\"{c}\"` is not a number from 1 to 6"),
                    )
                })?,
        };
        let gutter = self.length(node, "gutter", width)?.unwrap_or(5.0 * MM);
        let mut master = Master {
            name,
            width,
            height,
            margin,
            columns,
            gutter,
            header: Vec::new(),
            footer: Vec::new(),
            background: self.color(node, "background")?,
            bleed: self.length(node, "bleed", width)?.unwrap_or(0.0),
            folds: match node.attribute("folds") {
                None => Vec::new(),
                Some(v) => v
                    .split_whitespace()
                    .map(|f| parse_length(f, width).filter(|x| *x > 0.0 && *x < width))
                    .collect::<Option<Vec<f32>>>()
                    .ok_or_else(|| {
                        self.error(node, format!("`folds=\"{v}\"` is not a list of positions on the page"))
                            .help("give the distance of each fold from the left edge, e.g. `folds=\"99mm 198mm\"`")
                    })?,
            },
        };
        if !(0.0..=30.0 * MM).contains(&master.bleed) {
            return Err(self
                .error(node, "`bleed` must be between 0 and 30 mm")
                .help("print shops ask for 3 mm"));
        }
        if !SHEET_SIDES.contains(&width) || !SHEET_SIDES.contains(&height) {
            return Err(self
                .error(
                    node,
                    format!(
                        "the page is {:.1} × {:.1} mm, not a size handbill can print",
                        width / MM,
                        height / MM
                    ),
                )
                .help("a page is between 20 mm and 2 m each way"));
        }
        if margin[0] + margin[2] >= height || margin[1] + margin[3] >= width {
            return Err(self.error(node, "the margins leave no room on the page"));
        }
        let column = master.column_width();
        if column < MIN_COLUMN {
            return Err(self
                .error(
                    node,
                    format!(
                        "the page's {columns} columns would each be {:.1} mm wide, too narrow for text",
                        column / MM
                    ),
                )
                .help("give fewer columns, or a smaller gutter or margins: a column needs 10 mm at least"));
        }
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "header" => {
                    let s = self.theme.resolve(body, "header", child.attribute("class"));
                    master.header = self.blocks(child, &s)?;
                }
                "footer" => {
                    let s = self.theme.resolve(body, "footer", child.attribute("class"));
                    master.footer = self.blocks(child, &s)?;
                }
                other => return Err(self.unknown(child, other, &["header", "footer"])),
            }
        }
        Ok(master)
    }

    /// A `<frame>` of a fixed page of `m`: on the page, with room inside.
    pub(super) fn frame(&self, node: Node, m: &Master) -> Result<Frame> {
        let x = self.length(node, "x", m.width)?.unwrap_or(m.margin[3]);
        let y = self.length(node, "y", m.height)?.unwrap_or(m.margin[0]);
        let width = self
            .length(node, "width", m.width)?
            .unwrap_or(m.width - m.margin[1] - m.margin[3]);
        let height = self
            .length(node, "height", m.height)?
            .unwrap_or(m.height - m.margin[0] - m.margin[2]);
        if width <= 0.0
            || height <= 0.0
            || x < -0.5
            || y < -0.5
            || x + width > m.width + 0.5
            || y + height > m.height + 0.5
        {
            return Err(self.error(node, "the frame does not lie on the page"));
        }
        let padding = self.length(node, "padding", width)?.unwrap_or(0.0);
        if width - 2.0 * padding <= 0.0 || height - 2.0 * padding <= 0.0 {
            return Err(self
                .error(node, "the frame's padding leaves no room inside it")
                .help("make the padding less than half the frame's width and height"));
        }
        Ok(Frame {
            name: self.required(node, "name")?.to_string(),
            flow: self.required(node, "flow")?.to_string(),
            x,
            y,
            width,
            height,
            align_bottom: node.attribute("align") == Some("bottom"),
            background: self.color(node, "background")?,
            padding,
            order: match node.attribute("order") {
                None => 0,
                Some(v) => v.trim().parse().map_err(|_| {
                    self.error(node, format!("`order=\"{v}\"` is not a whole number"))
                        .help("frames of a flow are filled from the lowest `order` up, e.g. `order=\"1\"`")
                })?,
            },
        })
    }
}
