//! Stage 5, parse: the layout markup a template produced becomes a
//! [`Document`] tree, with every element's style resolved from the theme.
//!
//! The vocabulary (see docs/markup.md):
//!
//! ```xml
//! <document title="…" lang="en">
//!   <master name="a5" size="A5" margin="12mm" columns="1" gutter="5mm">
//!     <header>…blocks…</header> <footer>…blocks…</footer>
//!   </master>
//!   <pages master="body" flow="main"/>          <!-- as many pages as the flow needs -->
//!   <page master="a5">                          <!-- one page of fixed frames -->
//!     <frame name="front" flow="front" x="0" y="0" width="100%" height="60%"/>
//!   </page>
//!   <flow name="main">…blocks…</flow>
//! </document>
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use roxmltree::Node;

use crate::error::{Error, Location, Result, did_you_mean};
use crate::theme::{Cmyk, Style, Theme};

mod xml_error;

/// A whole document, ready for layout.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub lang: String,
    pub author: Option<String>,
    pub subject: Option<String>,
    /// The PDF's keywords: `keywords="a, b"`, split at the commas.
    pub keywords: Vec<String>,
    /// Words set large and pale behind the text of every page (DRAFT).
    pub watermark: Option<String>,
    pub masters: Vec<Master>,
    pub runs: Vec<PageRun>,
    pub flows: BTreeMap<String, Vec<Block>>,
}

/// What the document numbers: `<document numbering="sections paragraphs">`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Numbering {
    /// Headings as 1, 1.1, 1.2, 2 …
    pub sections: bool,
    /// Plain paragraphs, continuously through the document, in the margin.
    pub paragraphs: bool,
}

/// A page design: size, margins, columns, running header and footer.
#[derive(Debug, Clone)]
pub struct Master {
    pub name: String,
    pub width: f32,
    pub height: f32,
    /// Top, right, bottom, left, in points.
    pub margin: [f32; 4],
    pub columns: usize,
    pub gutter: f32,
    pub header: Vec<Block>,
    pub footer: Vec<Block>,
    pub background: Option<Cmyk>,
    /// Bleed for print: backgrounds touching the trim edge run on this far.
    pub bleed: f32,
    /// Fold lines, as distances from the left trim edge.
    pub folds: Vec<f32>,
}

/// How pages are made, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum PageRun {
    /// Pages of `master` until `flow` is empty.
    Repeat { master: usize, flow: String },
    /// One page of `master` with fixed frames.
    Fixed { master: usize, frames: Vec<Frame> },
}

/// A rectangle on a fixed page that a flow is poured into.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    pub flow: String,
    /// Position and size in points, from the top-left corner of the page.
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// `bottom` sets the content at the foot of the frame.
    pub align_bottom: bool,
    pub background: Option<Cmyk>,
    pub padding: f32,
    /// The frames of a flow are filled in the order of these numbers, then
    /// in document order: a folded leaflet is read in another order than
    /// its panels are printed.
    pub order: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    pub style: Style,
    /// Line in the generated markup, for messages.
    pub line: usize,
    /// The paragraph's number in the margin (legal style), if numbered.
    pub number: Option<String>,
    /// Whether the element had a `class`: numbering skips those (titles,
    /// source lists), counting only the plain paragraphs of the text.
    pub classed: bool,
    /// A heading with `number="no"` (the Sources) takes no section number.
    pub unnumbered: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Paragraph(Vec<Span>),
    Heading {
        level: u8,
        spans: Vec<Span>,
        anchor: Option<String>,
        /// Whether the heading appears in the contents and the PDF outline.
        listed: bool,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
        marker_style: Style,
    },
    Quote(Vec<Block>),
    Boxed(Vec<Block>),
    Figure {
        image: String,
        width: Width,
        /// The style of a caption taken from the profile.
        caption_style: Style,
        /// A fixed height in points, cropping nothing: the image is fitted.
        max_height: Option<f32>,
        caption: Vec<Span>,
    },
    Rule,
    /// A QR code: the dark modules, row by row, `modules` wide.
    Qr {
        modules: usize,
        dark: Vec<bool>,
        size: Width,
        color: Cmyk,
        /// What it encodes: a reader who cannot scan it is told this.
        data: String,
    },
    Contents {
        entry_style: Style,
    },
    Space(f32),
    PageBreak,
    FrameBreak,
}

/// A width: a share of the frame's, or a fixed one (never more than the frame's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Width {
    Fraction(f32),
    Points(f32),
}

impl Width {
    /// The width in points in a frame `available` points wide.
    pub fn of(self, available: f32) -> f32 {
        match self {
            Width::Fraction(f) => available * f.clamp(0.01, 1.0),
            Width::Points(p) => p.min(available),
        }
    }
}

/// A piece of inline content with one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub content: SpanContent,
    pub style: Style,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SpanContent {
    Text(String),
    LineBreak,
    /// A footnote: its mark goes here, its text to the foot of the page.
    Footnote {
        note: Vec<Span>,
        mark_style: Style,
    },
    PageNumber,
    PageCount,
}

impl Document {
    /// The document with the text of the flows that fill fixed frames set
    /// `factor` times as large (`fit: shrink`). Pictures, QR codes and the
    /// page geometry stay as they are.
    pub fn with_fixed_text_scaled(&self, factor: f32) -> Document {
        let fixed: Vec<&String> = self
            .runs
            .iter()
            .filter_map(|r| match r {
                PageRun::Fixed { frames, .. } => Some(frames.iter().map(|f| &f.flow)),
                PageRun::Repeat { .. } => None,
            })
            .flatten()
            .collect();
        let mut doc = self.clone();
        for (name, blocks) in doc.flows.iter_mut() {
            if fixed.contains(&name) {
                for b in blocks.iter_mut() {
                    scale_block(b, factor);
                }
            }
        }
        doc
    }
}

fn scale_spans(spans: &mut [Span], f: f32) {
    for s in spans {
        s.style = s.style.scaled(f);
        if let SpanContent::Footnote { note, mark_style } = &mut s.content {
            *mark_style = mark_style.scaled(f);
            scale_spans(note, f);
        }
    }
}

fn scale_block(block: &mut Block, f: f32) {
    block.style = block.style.scaled(f);
    match &mut block.kind {
        BlockKind::Paragraph(spans) | BlockKind::Heading { spans, .. } => scale_spans(spans, f),
        BlockKind::List {
            items,
            marker_style,
            ..
        } => {
            *marker_style = marker_style.scaled(f);
            items.iter_mut().flatten().for_each(|b| scale_block(b, f));
        }
        BlockKind::Quote(c) | BlockKind::Boxed(c) => c.iter_mut().for_each(|b| scale_block(b, f)),
        BlockKind::Figure {
            caption,
            caption_style,
            ..
        } => {
            *caption_style = caption_style.scaled(f);
            scale_spans(caption, f);
        }
        BlockKind::Contents { entry_style } => *entry_style = entry_style.scaled(f),
        BlockKind::Space(h) => *h *= f,
        BlockKind::Rule | BlockKind::Qr { .. } | BlockKind::PageBreak | BlockKind::FrameBreak => {}
    }
}

/// Named paper sizes, width × height in millimetres.
pub const PAPER_SIZES: &[(&str, f32, f32)] = &[
    ("A3", 297.0, 420.0),
    ("A4", 210.0, 297.0),
    ("A5", 148.0, 210.0),
    ("A6", 105.0, 148.0),
    ("DL", 99.0, 210.0),
    ("Letter", 215.9, 279.4),
];

pub const MM: f32 = 72.0 / 25.4;

/// Where the markup came from, for error messages.
pub struct MarkupSource<'a> {
    /// The template that produced the markup.
    pub template: &'a Path,
    pub text: &'a str,
}

/// How many elements deep the layout markup may nest, `<document>`
/// included. The parser, the layout and the PDF's structure tree walk the
/// tree recursively: this bound keeps their stack use within a measured
/// margin (see `batch::STACK_SIZE`). It leaves room for a template's own
/// levels around a section nested [`crate::markdown::MAX_NESTING`] deep
/// with a footnote nested as deep again.
pub const MAX_DEPTH: usize = 128;

/// Parses layout markup into a document.
pub fn parse(source: &MarkupSource, theme: &Theme) -> Result<Document> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 2_000_000,
        ..Default::default()
    };
    let xml = roxmltree::Document::parse_with_options(source.text, opts).map_err(|e| {
        let pos = e.pos();
        let (what, todo) = xml_error::words(&e);
        let err = markup_error(
            source,
            pos.row as usize,
            pos.col as usize,
            format!("the layout markup is not well-formed: {what}"),
        );
        let line = err.help.clone();
        err.help(match line {
            Some(line) => format!("{todo}; {line}"),
            None => todo,
        })
    })?;
    let root = xml.root_element();
    let line_starts = std::iter::once(0)
        .chain(source.text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let p = Parser {
        source,
        theme,
        line_starts,
    };
    if root.tag_name().name() != "document" {
        return Err(p.error(root, "the layout markup must start with <document>"));
    }
    p.check_depth(&xml)?;
    let mut body = theme.resolve(&Style::default(), "body", root.attribute("class"));
    body.lang = crate::theme::Lang::from_code(root.attribute("lang").unwrap_or("en"));
    let mut doc = Document {
        title: root.attribute("title").unwrap_or("").to_string(),
        lang: root.attribute("lang").unwrap_or("en").to_string(),
        author: root.attribute("author").map(str::to_string),
        subject: root.attribute("subject").map(str::to_string),
        keywords: root
            .attribute("keywords")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        watermark: root
            .attribute("watermark")
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_string),
        masters: Vec::new(),
        runs: Vec::new(),
        flows: BTreeMap::new(),
    };
    for node in root.children().filter(Node::is_element) {
        match node.tag_name().name() {
            "master" => {
                let master = p.master(node, &body)?;
                if doc.masters.iter().any(|m| m.name == master.name) {
                    return Err(p.error(
                        node,
                        format!("there are two masters named `{}`", master.name),
                    ));
                }
                doc.masters.push(master);
            }
            "flow" => {
                let name = p.required(node, "name")?.to_string();
                let blocks = p.blocks(node, &body)?;
                doc.flows.entry(name).or_default().extend(blocks);
            }
            "pages" | "page" => {}
            other => return Err(p.unknown(node, other, &["master", "pages", "page", "flow"])),
        }
    }
    // Runs after masters, so a run may name a master defined below it.
    for node in root.children().filter(Node::is_element) {
        let name = node.tag_name().name();
        if name != "pages" && name != "page" {
            continue;
        }
        let master_name = p.required(node, "master")?;
        let master = doc
            .masters
            .iter()
            .position(|m| m.name == master_name)
            .ok_or_else(|| {
                let names: Vec<&str> = doc.masters.iter().map(|m| m.name.as_str()).collect();
                let mut e = p.error(node, format!("there is no master named `{master_name}`"));
                if let Some(close) = did_you_mean(master_name, names.iter().copied()) {
                    e = e.help(format!("did you mean `{close}`?"));
                }
                e
            })?;
        if name == "pages" {
            let flow = p.required(node, "flow")?.to_string();
            doc.runs.push(PageRun::Repeat { master, flow });
        } else {
            let m = &doc.masters[master];
            let mut frames = Vec::new();
            for f in node.children().filter(Node::is_element) {
                if f.tag_name().name() != "frame" {
                    return Err(p.unknown(f, f.tag_name().name(), &["frame"]));
                }
                frames.push(p.frame(f, m)?);
            }
            if frames.is_empty()
                && let Some(flow) = node.attribute("flow")
            {
                let w = m.width - m.margin[1] - m.margin[3];
                let h = m.height - m.margin[0] - m.margin[2];
                frames.push(Frame {
                    name: format!("{}-page", flow),
                    flow: flow.to_string(),
                    x: m.margin[3],
                    y: m.margin[0],
                    width: w,
                    height: h,
                    align_bottom: false,
                    background: None,
                    padding: 0.0,
                    order: 0,
                });
            }
            doc.runs.push(PageRun::Fixed { master, frames });
        }
    }
    for run in &doc.runs {
        let flows: Vec<&str> = match run {
            PageRun::Repeat { flow, .. } => vec![flow.as_str()],
            PageRun::Fixed { frames, .. } => frames.iter().map(|f| f.flow.as_str()).collect(),
        };
        for flow in flows {
            if !doc.flows.contains_key(flow) {
                return Err(Error::new(format!(
                    "pages use the flow `{flow}`, which the markup does not define"
                ))
                .at(Location::file(source.template))
                .help(format!("add <flow name=\"{flow}\"> to the template")));
            }
        }
    }
    let numbering = Numbering {
        sections: root
            .attribute("numbering")
            .is_some_and(|n| n.split_whitespace().any(|w| w == "sections")),
        paragraphs: root
            .attribute("numbering")
            .is_some_and(|n| n.split_whitespace().any(|w| w == "paragraphs")),
    };
    let lang = crate::theme::Lang::from_code(&doc.lang);
    number_and_resolve(&mut doc, numbering, &lang, source)?;
    if doc.runs.is_empty() {
        return Err(Error::new("the layout markup makes no pages")
            .at(Location::file(source.template))
            .help("add <pages master=\"…\" flow=\"…\"/> or <page master=\"…\"> to the template"));
    }
    Ok(doc)
}

/// Numbers the headings and paragraphs of the flows that make pages, and
/// fills in cross-references: a link to `#sec-ID` with no text of its own
/// becomes "section 3.2" (or "раздел 3.2"), linked to its heading.
fn number_and_resolve(
    doc: &mut Document,
    numbering: Numbering,
    lang: &crate::theme::Lang,
    source: &MarkupSource,
) -> Result<()> {
    let paged: Vec<String> = doc
        .runs
        .iter()
        .filter_map(|r| match r {
            PageRun::Repeat { flow, .. } => Some(flow.clone()),
            PageRun::Fixed { .. } => None,
        })
        .collect();
    let word = if *lang == crate::theme::Lang::Russian {
        "раздел"
    } else {
        "section"
    };
    let mut numbers: BTreeMap<String, String> = BTreeMap::new();
    // Headings on fixed pages (leaflets) are not numbered, but may be
    // referred to by title.
    for (name, blocks) in &doc.flows {
        if paged.contains(name) {
            continue;
        }
        for block in blocks {
            if let BlockKind::Heading {
                spans,
                anchor: Some(a),
                ..
            } = &block.kind
            {
                numbers.insert(a.clone(), format!("“{}”", plain_text(spans)));
            }
        }
    }
    let (mut h1, mut h2, mut para) = (0u32, 0u32, 0u32);
    for name in &paged {
        let Some(blocks) = doc.flows.get_mut(name) else {
            continue;
        };
        let mut in_text = false;
        for block in blocks.iter_mut() {
            match &mut block.kind {
                BlockKind::Heading {
                    level,
                    spans,
                    anchor,
                    listed: true,
                } if *level <= 2 && !block.unnumbered => {
                    in_text = true;
                    let number = if *level == 1 {
                        h1 += 1;
                        h2 = 0;
                        h1.to_string()
                    } else {
                        h2 += 1;
                        format!("{h1}.{h2}")
                    };
                    if let Some(a) = anchor {
                        // A reference reads "section 3.2" where sections are
                        // numbered, and the heading's title where not.
                        let title = plain_text(spans);
                        let reference = if numbering.sections {
                            format!("{word}\u{a0}{number}")
                        } else {
                            format!("“{}”", title.trim())
                        };
                        numbers.insert(a.clone(), reference);
                    }
                    if numbering.sections && h1 > 0 {
                        let style = spans
                            .first()
                            .map(|s| s.style.clone())
                            .unwrap_or_else(|| block.style.clone());
                        spans.insert(
                            0,
                            Span {
                                content: SpanContent::Text(format!("{number}\u{2002}")),
                                style,
                                link: None,
                            },
                        );
                    }
                }
                BlockKind::Paragraph(_) if numbering.paragraphs && in_text && !block.classed => {
                    para += 1;
                    block.number = Some(para.to_string());
                }
                _ => {}
            }
        }
    }
    let mut missing = None;
    for blocks in doc.flows.values_mut() {
        for block in blocks.iter_mut() {
            resolve_references(block, &numbers, &mut missing);
        }
    }
    if let Some(target) = missing {
        let known: Vec<&str> = numbers
            .keys()
            .filter_map(|k| k.strip_prefix("sec-"))
            .collect();
        let wanted = target.strip_prefix("#sec-").unwrap_or(&target).to_string();
        let help = match did_you_mean(&wanted, known.iter().copied()) {
            Some(close) => format!("did you mean `#{close}`?"),
            None => format!("the sections are: {}", known.join(", ")),
        };
        return Err(Error::new(format!(
            "a cross-reference points to `{wanted}`, which is not a section of this briefing"
        ))
        .at(Location {
            file: source.template.to_path_buf(),
            line: 0,
            column: 0,
            source_line: None,
        })
        .help(help));
    }
    Ok(())
}

fn resolve_references(
    block: &mut Block,
    numbers: &BTreeMap<String, String>,
    missing: &mut Option<String>,
) {
    let fix = |spans: &mut Vec<Span>, missing: &mut Option<String>| {
        let mut i = 0;
        while i < spans.len() {
            if let Some(target) = spans[i].link.clone().filter(|l| l.starts_with("#sec-")) {
                let has_text = spans.iter().any(|s| {
                    s.link.as_deref() == Some(&target)
                        && matches!(&s.content, SpanContent::Text(t) if t != "\u{200b}")
                });
                if !has_text {
                    match numbers.get(&target[1..]) {
                        Some(reference) => spans[i].content = SpanContent::Text(reference.clone()),
                        None => *missing = Some(target.clone()),
                    }
                }
            }
            i += 1;
        }
    };
    match &mut block.kind {
        BlockKind::Paragraph(spans) | BlockKind::Heading { spans, .. } => fix(spans, missing),
        BlockKind::List { items, .. } => items
            .iter_mut()
            .flatten()
            .for_each(|b| resolve_references(b, numbers, missing)),
        BlockKind::Quote(c) | BlockKind::Boxed(c) => c
            .iter_mut()
            .for_each(|b| resolve_references(b, numbers, missing)),
        _ => {}
    }
}

/// The text of some spans, as a title or outline entry shows it: line
/// breaks as spaces, footnote marks and page numbers left out.
pub fn plain_text(spans: &[Span]) -> String {
    let mut out = String::new();
    for s in spans {
        match &s.content {
            SpanContent::Text(t) => out.push_str(t),
            SpanContent::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn markup_error(source: &MarkupSource, line: usize, col: usize, message: String) -> Error {
    let generated = Location::at_line(Path::new("(markup)"), source.text, line, col);
    let mut e = Error::new(format!(
        "{message} (line {line}, column {col} of the markup that template {} produced)",
        source.template.display()
    ))
    .at(Location {
        file: source.template.to_path_buf(),
        line: 0,
        column: 0,
        source_line: None,
    });
    if let Some(text) = generated.source_line {
        e = e.help(format!("the markup line is: {}", text.trim()));
    }
    e
}

struct Parser<'a> {
    source: &'a MarkupSource<'a>,
    theme: &'a Theme,
    /// Where each line of the markup starts, to find a node's line and
    /// column by binary search: asking roxmltree scans from the start each
    /// time, which made long documents quadratic.
    line_starts: Vec<usize>,
}

impl Parser<'_> {
    /// Refuses markup nested deeper than [`MAX_DEPTH`], without recursion:
    /// nodes come in document order, each after its parent.
    fn check_depth(&self, xml: &roxmltree::Document) -> Result<()> {
        let mut depth = vec![0usize; xml.descendants().count() + 1];
        for node in xml.root().descendants() {
            let parent = node.parent().map_or(0, |p| depth[p.id().get_usize()]);
            let here = parent + usize::from(node.is_element());
            depth[node.id().get_usize()] = here;
            if here > MAX_DEPTH {
                return Err(self
                    .error(
                        node,
                        format!(
                            "the layout markup is nested too deeply: <{}> lies more than {MAX_DEPTH} elements deep",
                            node.tag_name().name()
                        ),
                    )
                    .help(format!(
                        "nest quotes, lists, boxes and emphasis at most {MAX_DEPTH} levels deep in the template (a section's Markdown at most {} levels)",
                        crate::markdown::MAX_NESTING
                    )));
            }
        }
        Ok(())
    }

    fn pos(&self, node: Node) -> (usize, usize) {
        let at = node.range().start;
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .source
            .text
            .get(start..at)
            .map_or(1, |t| t.chars().count() + 1);
        (line, column)
    }

    fn error(&self, node: Node, message: impl Into<String>) -> Error {
        let (line, col) = self.pos(node);
        markup_error(self.source, line, col, message.into())
    }

    fn unknown(&self, node: Node, name: &str, allowed: &[&str]) -> Error {
        let mut e = self.error(node, format!("<{name}> is not allowed here"));
        e = match did_you_mean(name, allowed.iter().copied()) {
            Some(close) => e.help(format!("did you mean <{close}>?")),
            None => e.help(format!(
                "allowed here: {}",
                allowed
                    .iter()
                    .map(|a| format!("<{a}>"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        };
        e
    }

    /// A link's or QR code's target must be one a document may point at.
    fn link_target(&self, node: Node, attr: &str, target: &str) -> Result<()> {
        crate::link::check(target).map_err(|why| {
            self.error(node, format!("<{}> `{attr}`: {why}", node.tag_name().name()))
                .help(format!(
                    "a link or QR code may go to {}; if the address comes from a value, correct it there",
                    crate::link::ALLOWED
                ))
                .code("link-target")
        })
    }

    fn required<'n>(&self, node: Node<'n, '_>, attr: &str) -> Result<&'n str> {
        node.attribute(attr).ok_or_else(|| {
            self.error(
                node,
                format!("<{}> needs a `{attr}` attribute", node.tag_name().name()),
            )
        })
    }

    fn length(&self, node: Node, attr: &str, of: f32) -> Result<Option<f32>> {
        match node.attribute(attr) {
            None => Ok(None),
            Some(v) => parse_length(v, of).map(Some).ok_or_else(|| {
                self.error(node, format!("`{attr}=\"{v}\"` is not a length"))
                    .help("write a number with a unit: `12mm`, `10pt`, `2cm`, `1in` or `50%`")
            }),
        }
    }

    /// A colour attribute: a name from the theme's `colors:`.
    fn color(&self, node: Node, attr: &str) -> Result<Option<Cmyk>> {
        match node.attribute(attr) {
            None => Ok(None),
            Some(name) => self.theme.color(name).map(Some).ok_or_else(|| {
                let names = self.theme.color_names();
                let mut e = self.error(
                    node,
                    format!("`{attr}=\"{name}\"` is not a colour of the theme"),
                );
                e = match did_you_mean(name, names.iter().map(String::as_str)) {
                    Some(close) => e.help(format!("did you mean `{close}`?")),
                    None => e.help(format!("the theme's colours are: {}", names.join(", "))),
                };
                e
            }),
        }
    }

    fn master(&self, node: Node, body: &Style) -> Result<Master> {
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
                    .map(|p| parse_length(p, width))
                    .collect();
                match parts.as_deref() {
                    Some([a]) => [*a; 4],
                    Some([a, b]) => [*a, *b, *a, *b],
                    Some([a, b, c, d]) => [*a, *b, *c, *d],
                    _ => {
                        return Err(self
                            .error(
                                node,
                                format!("`margin=\"{v}\"` is not one, two or four lengths"),
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
        if margin[0] + margin[2] >= height || margin[1] + margin[3] >= width {
            return Err(self.error(node, "the margins leave no room on the page"));
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

    fn frame(&self, node: Node, m: &Master) -> Result<Frame> {
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
        Ok(Frame {
            name: self.required(node, "name")?.to_string(),
            flow: self.required(node, "flow")?.to_string(),
            x,
            y,
            width,
            height,
            align_bottom: node.attribute("align") == Some("bottom"),
            background: self.color(node, "background")?,
            padding: self.length(node, "padding", width)?.unwrap_or(0.0),
            order: match node.attribute("order") {
                None => 0,
                Some(v) => v.trim().parse().map_err(|_| {
                    self.error(node, format!("`order=\"{v}\"` is not a whole number"))
                        .help("frames of a flow are filled from the lowest `order` up, e.g. `order=\"1\"`")
                })?,
            },
        })
    }

    fn blocks(&self, node: Node, parent: &Style) -> Result<Vec<Block>> {
        let mut out = Vec::new();
        for child in node.children() {
            if child.is_text() {
                if child.text().is_some_and(|t| !t.trim().is_empty()) {
                    return Err(self
                        .error(
                            child,
                            format!(
                                "text `{}` must be inside a paragraph",
                                child
                                    .text()
                                    .unwrap_or("")
                                    .trim()
                                    .chars()
                                    .take(40)
                                    .collect::<String>()
                            ),
                        )
                        .help("wrap it in <p>…</p>"));
                }
                continue;
            }
            if child.is_element() {
                out.push(self.block(child, parent)?);
            }
        }
        Ok(out)
    }

    fn block(&self, node: Node, parent: &Style) -> Result<Block> {
        let name = node.tag_name().name();
        let class = node.attribute("class");
        let mut style = self.theme.resolve(parent, name, class);
        if let Some(lang) = node.attribute("lang") {
            style.lang = crate::theme::Lang::from_code(lang);
        }
        let line = self.pos(node).0;
        let kind = match name {
            "p" => BlockKind::Paragraph(self.spans(node, &style, None)?),
            "h1" | "h2" | "h3" => BlockKind::Heading {
                level: name[1..].parse().unwrap_or(1),
                spans: self.spans(node, &style, None)?,
                anchor: node.attribute("id").map(str::to_string),
                listed: node.attribute("listed") != Some("no"),
            },
            "ul" | "ol" => {
                let mut items = Vec::new();
                for li in node.children().filter(Node::is_element) {
                    if li.tag_name().name() != "li" {
                        return Err(self.unknown(li, li.tag_name().name(), &["li"]));
                    }
                    let li_style = self.theme.resolve(&style, "li", li.attribute("class"));
                    items.push(self.item(li, &li_style)?);
                }
                BlockKind::List {
                    ordered: name == "ol",
                    start: node
                        .attribute("start")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(1),
                    items,
                    marker_style: self.theme.resolve(&style, "li", None),
                }
            }
            "quote" => BlockKind::Quote(self.blocks(node, &style)?),
            "box" => BlockKind::Boxed(self.blocks(node, &style)?),
            "figure" => {
                let image = self.required(node, "image")?.to_string();
                let width = match node.attribute("width") {
                    None => Width::Fraction(1.0),
                    Some(w) if w.trim_end().ends_with('%') => {
                        Width::Fraction(self.length(node, "width", 1.0)?.unwrap_or(1.0))
                    }
                    Some(_) => Width::Points(self.length(node, "width", 0.0)?.unwrap_or(0.0)),
                };
                let max_height = self.length(node, "max-height", 1.0)?;
                let mut caption = Vec::new();
                for c in node.children().filter(Node::is_element) {
                    if c.tag_name().name() != "caption" {
                        return Err(self.unknown(c, c.tag_name().name(), &["caption"]));
                    }
                    let cs = self.theme.resolve(&style, "caption", c.attribute("class"));
                    caption = self.spans(c, &cs, None)?;
                }
                BlockKind::Figure {
                    image,
                    width,
                    caption_style: self.theme.resolve(&style, "caption", None),
                    max_height,
                    caption,
                }
            }
            "rule" => BlockKind::Rule,
            "qr" => {
                let data = self.required(node, "data")?;
                self.link_target(node, "data", data)?;
                let code = crate::qr::encode(data.as_bytes(), qrcode::EcLevel::M)
                    .map_err(|e| {
                        let why = match e {
                            qrcode::types::QrError::DataTooLong => "it is too long",
                            _ => "it holds characters a QR code cannot",
                        };
                        self.error(node, format!("the QR code cannot hold `{}`: {why}", data.chars().take(60).collect::<String>()))
                            .help("a QR code holds up to about 2,300 characters at this error correction; use a shorter address")
                    })?;
                let size = match node.attribute("size") {
                    None => Width::Points(25.0 * MM),
                    Some(w) if w.trim_end().ends_with('%') => {
                        Width::Fraction(self.length(node, "size", 1.0)?.unwrap_or(1.0))
                    }
                    Some(_) => Width::Points(self.length(node, "size", 0.0)?.unwrap_or(0.0)),
                };
                BlockKind::Qr {
                    modules: code.width,
                    dark: code.dark,
                    size,
                    color: style.color,
                    data: data.to_string(),
                }
            }
            "contents" => BlockKind::Contents {
                entry_style: self.theme.resolve(&style, "contents-entry", None),
            },
            "space" => BlockKind::Space(self.length(node, "height", 0.0)?.unwrap_or(style.leading)),
            "page-break" => BlockKind::PageBreak,
            "frame-break" => BlockKind::FrameBreak,
            other => {
                return Err(self.unknown(
                    node,
                    other,
                    &[
                        "p",
                        "h1",
                        "h2",
                        "h3",
                        "ul",
                        "ol",
                        "quote",
                        "box",
                        "figure",
                        "rule",
                        "qr",
                        "contents",
                        "space",
                        "page-break",
                        "frame-break",
                    ],
                ));
            }
        };
        Ok(Block {
            kind,
            style,
            line,
            number: None,
            classed: class.is_some(),
            unnumbered: node.attribute("number") == Some("no"),
        })
    }

    /// A list item holds blocks; its bare text (before, between or after
    /// them, as Markdown writes a nested list) becomes paragraphs.
    fn item(&self, li: Node, style: &Style) -> Result<Vec<Block>> {
        let is_block = |c: &Node| {
            c.is_element()
                && matches!(
                    c.tag_name().name(),
                    "p" | "ul" | "ol" | "quote" | "box" | "figure" | "h1" | "h2" | "h3" | "rule"
                )
        };
        let p_style = Style {
            space_after: 0.0,
            ..self.theme.resolve(style, "p", None)
        };
        let mut out = Vec::new();
        let mut inline: Vec<Node> = Vec::new();
        let flush = |inline: &mut Vec<Node>, out: &mut Vec<Block>| -> Result<()> {
            if let Some(first) = inline.first() {
                let spans = self.spans_of(inline.iter().copied(), style, None)?;
                if !spans.is_empty() {
                    out.push(Block {
                        kind: BlockKind::Paragraph(spans),
                        style: p_style.clone(),
                        line: self.pos(*first).0,
                        number: None,
                        classed: true,
                        unnumbered: false,
                    });
                }
            }
            inline.clear();
            Ok(())
        };
        for child in li.children() {
            if is_block(&child) {
                flush(&mut inline, &mut out)?;
                out.push(self.block(child, style)?);
            } else {
                inline.push(child);
            }
        }
        flush(&mut inline, &mut out)?;
        Ok(out)
    }

    fn spans(&self, node: Node, style: &Style, link: Option<&str>) -> Result<Vec<Span>> {
        self.spans_of(node.children(), style, link)
    }

    fn spans_of<'n, 'i: 'n>(
        &self,
        nodes: impl Iterator<Item = Node<'n, 'i>>,
        style: &Style,
        link: Option<&str>,
    ) -> Result<Vec<Span>> {
        let mut out = Vec::new();
        for child in nodes {
            if child.is_text() {
                let text = collapse_space(child.text().unwrap_or(""));
                if !text.is_empty() {
                    out.push(Span {
                        content: SpanContent::Text(text),
                        style: style.clone(),
                        link: link.map(str::to_string),
                    });
                }
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.tag_name().name();
            let s = self.theme.resolve(style, name, child.attribute("class"));
            match name {
                "em" | "strong" | "code" | "del" | "span" => {
                    out.extend(self.spans(child, &s, link)?)
                }
                "a" => {
                    let href = self.required(child, "href")?;
                    self.link_target(child, "href", href)?;
                    let inner = self.spans(child, &s, Some(href))?;
                    if inner.is_empty() {
                        // A link with no text is a cross-reference, filled in
                        // with the section's number once it is known.
                        out.push(Span {
                            content: SpanContent::Text("\u{200b}".into()),
                            style: s,
                            link: Some(href.to_string()),
                        });
                    } else {
                        out.extend(inner);
                    }
                }
                "br" => out.push(Span {
                    content: SpanContent::LineBreak,
                    style: s,
                    link: None,
                }),
                "page-number" => out.push(Span {
                    content: SpanContent::PageNumber,
                    style: s,
                    link: None,
                }),
                "page-count" => out.push(Span {
                    content: SpanContent::PageCount,
                    style: s,
                    link: None,
                }),
                "footnote" => {
                    let note_style = self.theme.resolve(
                        &Style {
                            align: style.align,
                            ..Style::default()
                        },
                        "footnote",
                        None,
                    );
                    let note = self.spans(child, &note_style, None)?;
                    let max = crate::markdown::MAX_NOTE_CHARS;
                    if plain_text(&note).chars().count() > max {
                        return Err(self
                            .error(
                                child,
                                format!(
                                    "a footnote is longer than {},{:03} characters",
                                    max / 1000,
                                    max % 1000
                                ),
                            )
                            .help("a footnote goes at the foot of a page: put a longer text in the text itself"));
                    }
                    let mark_style = self.theme.resolve(style, "footnote-mark", None);
                    out.push(Span {
                        content: SpanContent::Footnote { note, mark_style },
                        style: s,
                        link: None,
                    });
                }
                other => {
                    return Err(self.unknown(
                        child,
                        other,
                        &[
                            "em",
                            "strong",
                            "a",
                            "code",
                            "del",
                            "span",
                            "br",
                            "footnote",
                            "page-number",
                            "page-count",
                        ],
                    ));
                }
            }
        }
        // Trim space at the ends of a paragraph.
        if let Some(Span {
            content: SpanContent::Text(t),
            ..
        }) = out.first_mut()
        {
            *t = t.trim_start().to_string();
        }
        if let Some(Span {
            content: SpanContent::Text(t),
            ..
        }) = out.last_mut()
        {
            *t = t.trim_end().to_string();
        }
        out.retain(|s| !matches!(&s.content, SpanContent::Text(t) if t.is_empty()));
        Ok(out)
    }
}

/// XML whitespace (newlines, indentation) becomes single spaces.
fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\n' | '\t' | '\r') {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// Parses `12mm`, `10pt`, `2cm`, `1in` or `50%` (of `of`) into points.
pub fn parse_length(text: &str, of: f32) -> Option<f32> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| c.is_ascii_alphabetic() || c == '%')
        .map_or((t, ""), |i| t.split_at(i));
    let n: f32 = num.trim().parse().ok()?;
    let v = match unit {
        "mm" => n * MM,
        "cm" => n * 10.0 * MM,
        "in" => n * 72.0,
        "pt" | "" => n,
        "%" => n / 100.0 * of,
        _ => return None,
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Document> {
        parse(
            &MarkupSource {
                template: Path::new("t.hbs"),
                text,
            },
            &Theme::builtin(),
        )
    }

    #[test]
    fn lengths() {
        assert_eq!(parse_length("72pt", 0.0), Some(72.0));
        assert_eq!(parse_length("1in", 0.0), Some(72.0));
        assert!((parse_length("25.4mm", 0.0).unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(parse_length("50%", 200.0), Some(100.0));
        assert_eq!(parse_length("wide", 0.0), None);
    }

    #[test]
    fn keywords_are_split_at_commas() {
        let d = parse_str(r#"<document keywords=" Kazakhstan, human rights,, Zhanaozen "><master name="m"/><pages master="m" flow="f"/><flow name="f"/></document>"#).unwrap();
        assert_eq!(d.keywords, ["Kazakhstan", "human rights", "Zhanaozen"]);
    }

    #[test]
    fn a_small_document() {
        let d = parse_str(
            r#"<document title="T" lang="ru"><master name="m" size="A5" margin="10mm"/>
            <pages master="m" flow="main"/>
            <flow name="main"><h1 id="x">Title</h1><p>One <em>two</em><footnote>Note</footnote></p><ul><li>a</li></ul></flow></document>"#,
        )
        .unwrap();
        assert_eq!(d.lang, "ru");
        assert!(d.keywords.is_empty());
        assert!((d.masters[0].width - 148.0 * MM).abs() < 1e-3);
        let main = &d.flows["main"];
        assert_eq!(main.len(), 3);
        let BlockKind::Paragraph(spans) = &main[1].kind else {
            panic!()
        };
        assert_eq!(spans.len(), 3);
        assert!(spans[1].style.italic);
        assert!(matches!(spans[2].content, SpanContent::Footnote { .. }));
    }

    #[test]
    fn sections_and_paragraphs_are_numbered_and_references_resolved() {
        let d = parse_str(
            r##"<document numbering="sections paragraphs"><master name="m"/><pages master="m" flow="f"/><flow name="f">
            <p class="contents-title">Contents</p>
            <h1 id="sec-a">A</h1><p>One, see <a href="#sec-b"></a>.</p><h2 id="sec-a-x">Sub</h2><p>Two</p>
            <h1 id="sec-b">B</h1><p>Three</p></flow></document>"##,
        )
        .unwrap();
        let f = &d.flows["f"];
        let text = |b: &Block| match &b.kind {
            BlockKind::Paragraph(s) | BlockKind::Heading { spans: s, .. } => s
                .iter()
                .map(|s| match &s.content {
                    SpanContent::Text(t) => t.clone(),
                    _ => String::new(),
                })
                .collect::<String>(),
            _ => String::new(),
        };
        assert_eq!(f[0].number, None, "a classed paragraph is not counted");
        assert_eq!(text(&f[1]), "1\u{2002}A");
        assert_eq!(f[2].number.as_deref(), Some("1"));
        assert_eq!(text(&f[2]), "One, see section\u{a0}2.");
        assert_eq!(text(&f[3]), "1.1\u{2002}Sub");
        assert_eq!(f[4].number.as_deref(), Some("2"));
        assert_eq!(text(&f[5]), "2\u{2002}B");
        assert_eq!(f[6].number.as_deref(), Some("3"));
        let err = parse_str(r##"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><h1 id="sec-a">A</h1><p>See <a href="#sec-c"></a></p></flow></document>"##).unwrap_err();
        assert!(
            err.message.contains("`c`, which is not a section"),
            "{}",
            err.message
        );
    }

    #[test]
    fn qr_codes_encode_their_data_and_refuse_too_much() {
        let d = parse_str(r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><qr data="http://www.hrw.org/reports/2012/09/10/striking-oil-striking-workers-0" size="20mm"/></flow></document>"#).unwrap();
        let BlockKind::Qr {
            modules,
            dark,
            size,
            ..
        } = &d.flows["f"][0].kind
        else {
            panic!("not a QR code")
        };
        assert_eq!(dark.len(), modules * modules);
        assert!(
            *modules >= 21 && (modules - 17) % 4 == 0,
            "a QR code is 17 + 4n modules wide, not {modules}"
        );
        // The three finder patterns: dark corners.
        for (r, c) in [(0, 0), (0, modules - 1), (modules - 1, 0)] {
            assert!(dark[r * modules + c], "finder corner ({r}, {c}) is light");
        }
        assert_eq!(*size, Width::Points(20.0 * MM));
        let long = format!("https://example.org/{}", "x".repeat(5000));
        let err = parse_str(&format!(r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><qr data="{long}"/></flow></document>"#)).unwrap_err();
        assert!(
            err.message.contains("the QR code cannot hold"),
            "{}",
            err.message
        );
        // Only a target a link may have: not a file, not a script.
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            " https://x.org",
            "notes.txt",
        ] {
            let err = parse_str(&format!(r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><qr data="{bad}"/><p><a href="{bad}">x</a></p></flow></document>"#)).unwrap_err();
            assert!(
                err.message.contains("<qr> `data`"),
                "{bad}: {}",
                err.message
            );
            let err = parse_str(&format!(r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><p><a href="{bad}">x</a></p></flow></document>"#)).unwrap_err();
            assert!(err.message.contains("<a> `href`"), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn errors_name_the_element_and_suggest() {
        let err = parse_str(r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><para>x</para></flow></document>"#)
            .unwrap_err();
        assert!(err.message.contains("<para>"), "{}", err.message);
        assert!(err.message.contains("line 1"), "{}", err.message);
        let err = parse_str(r#"<document><master name="m"/><pages master="n" flow="f"/><flow name="f"/></document>"#).unwrap_err();
        assert!(
            err.message.contains("no master named `n`"),
            "{}",
            err.message
        );
        let err = parse_str(r#"<document><master name="m"/><pages master="m" flow="g"/><flow name="f"/></document>"#).unwrap_err();
        assert!(err.message.contains("flow `g`"), "{}", err.message);
        let err = parse_str("<document><p>unclosed</document>").unwrap_err();
        assert!(err.message.contains("not well-formed"), "{}", err.message);
    }

    #[test]
    fn markup_nested_up_to_the_limit_is_read_and_deeper_is_refused() {
        // <document> and <flow> are two levels, <p> one more.
        let doc = |quotes: usize| {
            format!(
                "<document><master name=\"m\"/><pages master=\"m\" flow=\"f\"/><flow name=\"f\">\n{}<p>x</p>{}</flow></document>",
                "<quote>".repeat(quotes),
                "</quote>".repeat(quotes)
            )
        };
        assert!(parse_str(&doc(MAX_DEPTH - 3)).is_ok());
        let err = parse_str(&doc(MAX_DEPTH - 2)).unwrap_err();
        assert!(
            err.message.contains("<p> lies more than 128"),
            "{}",
            err.message
        );
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn a_footnote_longer_than_the_limit_is_refused() {
        let max = crate::markdown::MAX_NOTE_CHARS;
        let doc = |chars: usize| {
            format!(
                "<document><master name=\"m\"/><pages master=\"m\" flow=\"f\"/><flow name=\"f\"><p>x<footnote>{}</footnote></p></flow></document>",
                "a".repeat(chars)
            )
        };
        assert!(parse_str(&doc(max)).is_ok());
        let err = parse_str(&doc(max + 1)).unwrap_err();
        assert!(
            err.message.contains("footnote is longer than 20,000"),
            "{}",
            err.message
        );
    }
}
