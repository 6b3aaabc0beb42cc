//! `<master>` and `<frame>`: page designs, and the frames text is poured
//! into on a fixed page. Each is checked to lie on a page handbill can
//! print and to leave room for text, since a page that does not would be
//! written anyway, its text off the page or every line overfull.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use roxmltree::Node;

use super::Parser;
use crate::document::{Frame, Master};
use crate::error::Result;
use crate::length::{MIN_COLUMN, MM, PAPER_SIZES, SHEET_SIDES, parse_length};
use crate::theme::Style;

impl Parser<'_> {
    /// A `<master>`: a page design, checked to leave room for text.
    pub(super) fn master(&self, node: Node, body: &std::sync::Arc<Style>) -> Result<Master> {
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
                    let s = self.resolve(body, "header", child.attribute("class"));
                    master.header = self.blocks(child, &s)?;
                }
                "footer" => {
                    let s = self.resolve(body, "footer", child.attribute("class"));
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

/// Where each flow was first poured, so that a second pour is refused: a
/// `<pages>` run takes all of its flow, so another `<pages>` of the same
/// flow would print it again, and `<page>` frames would find it spent
/// (or, filled first, leave `<pages>` nothing to start from).
#[derive(Default)]
pub(super) struct Pours {
    first: BTreeMap<String, Pour>,
}

struct Pour {
    /// Whether it was a `<pages>` run (else a `<page>` frame).
    repeat: bool,
    what: String,
    line: usize,
}

impl Pours {
    /// Notes that `node` (a `<pages>`, a `<frame>` or a `<page flow>`)
    /// pours `flow`, and refuses a second pour that `<pages>` is part of.
    /// `<page>` frames of one flow on several pages are linked, as meant.
    pub(super) fn add(&mut self, p: &Parser, node: Node, flow: &str, what: String) -> Result<()> {
        let repeat = node.tag_name().name() == "pages";
        let Some(first) = self.first.get(flow) else {
            let line = p.line(node);
            self.first
                .insert(flow.to_string(), Pour { repeat, what, line });
            return Ok(());
        };
        if !repeat && !first.repeat {
            return Ok(());
        }
        let (why, help) = if repeat && first.repeat {
            (
                "each `<pages>` prints all of a flow, so its text would be printed twice"
                    .to_string(),
                format!(
                    "one `<pages>` makes as many pages as its flow needs: take this one out, or give it a flow of its own, e.g. `flow=\"{flow}-2\"` with `<flow name=\"{flow}-2\">`"
                ),
            )
        } else {
            (
                "`<pages>` takes all of a flow, so it cannot share it with `<page>` frames"
                    .to_string(),
                format!(
                    "give the `<page>` frames a flow of their own, e.g. `<flow name=\"cover\">`, and keep `{flow}` for `<pages>`"
                ),
            )
        };
        Err(p
            .error(
                node,
                format!(
                    "flow `{flow}` is poured twice: into {} at line {} of the markup, and into {what} here; {why}",
                    first.what, first.line
                ),
            )
            .help(help))
    }
}

impl Parser<'_> {
    /// Refuses two frames of one `<page>` that overlap, since their text
    /// would print over each other without a word. A frame whose flow is
    /// empty holds only its colour (the leaflet's band) and may lie under
    /// others. Swept along x, so a page of many frames is checked in
    /// n log n: the frames that span the sweep's x lie apart in y.
    pub(super) fn frames_apart(
        &self,
        master: &Master,
        frames: &[(Frame, Node)],
        flows: &BTreeMap<String, Vec<crate::document::Block>>,
    ) -> Result<()> {
        // In hundredths of a point, each side drawn in by a quarter point:
        // frames that touch, or meet within rounding, are apart.
        let edge = |v: f32, inward: i64| (v * 100.0).round() as i64 + inward;
        let rects: Vec<(usize, [i64; 4])> = frames
            .iter()
            .enumerate()
            .filter(|(_, (f, _))| flows.get(&f.flow).is_some_and(|b| !b.is_empty()))
            .map(|(i, (f, _))| {
                let r = [
                    edge(f.x, 25),
                    edge(f.y, 25),
                    edge(f.x + f.width, -25),
                    edge(f.y + f.height, -25),
                ];
                (i, r)
            })
            .collect();
        let mut order: Vec<&(usize, [i64; 4])> = rects.iter().collect();
        order.sort_by_key(|(i, r)| (r[0], *i));
        // The frames spanning the sweep's x, by their top: apart in y.
        let mut active: BTreeMap<(i64, usize), (i64, [i64; 4])> = BTreeMap::new();
        let mut ends: BinaryHeap<Reverse<(i64, i64, usize)>> = BinaryHeap::new();
        for &&(i, r) in &order {
            while let Some(&Reverse((right, top, j))) = ends.peek() {
                if right > r[0] {
                    break;
                }
                ends.pop();
                active.remove(&(top, j));
            }
            // The frame above with the lowest top below this one's foot is
            // the only one that can reach into it.
            if let Some((&(_, j), &(bottom, other))) = active.range(..(r[3], 0)).next_back()
                && bottom > r[1]
            {
                let (a, b) = if j < i { (j, i) } else { (i, j) };
                return Err(self.overlap(master, &frames[a], &frames[b], other, r));
            }
            active.insert((r[1], i), (r[3], r));
            ends.push(Reverse((r[2], r[1], i)));
        }
        Ok(())
    }

    fn overlap(
        &self,
        master: &Master,
        (a, _): &(Frame, Node),
        (b, node): &(Frame, Node),
        r: [i64; 4],
        s: [i64; 4],
    ) -> crate::error::Error {
        // The shared rectangle, edges as written (the quarter point back).
        let mm = |v: i64| v as f32 / 100.0 / MM;
        let (x0, y0) = (r[0].max(s[0]) - 25, r[1].max(s[1]) - 25);
        let (x1, y1) = (r[2].min(s[2]) + 25, r[3].min(s[3]) + 25);
        self.error(
            *node,
            format!(
                "frames `{}` and `{}` on a page of master `{}` overlap, from x {:.1} to {:.1} mm and y {:.1} to {:.1} mm: their text would print over each other",
                a.name,
                b.name,
                master.name,
                mm(x0),
                mm(x1),
                mm(y0),
                mm(y1),
            ),
        )
        .help("move or resize one of them (`x`, `y`, `width`, `height`) so that they lie side by side; a frame that only colours the page behind the text takes an empty flow")
    }
}
