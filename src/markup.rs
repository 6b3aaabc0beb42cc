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

mod numbering;
mod page;
mod table;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use roxmltree::Node;

use crate::colour::Cmyk;
use crate::document::{
    Block, BlockKind, Document, Frame, Numbering, PageRun, Span, SpanContent, Width, plain_text,
};
use crate::error::{Error, ErrorKind, Location, Result, did_you_mean};
use crate::length::{MM, parse_length};
use crate::template::origin::{Found, Place};
use crate::theme::{Style, Theme};
use source::{line_and_place, markup_error, markup_error_at, template_places, with_markup_line};

mod source;
mod xml_error;

/// Where the markup came from, for error messages.
pub struct MarkupSource<'a> {
    /// The template that produced the markup, and its text: a fault in
    /// the template's own markup is shown at its line there.
    pub template: &'a Path,
    pub template_text: &'a str,
    pub text: &'a str,
}

/// The elements a flow, a box or a quote may hold.
const BLOCK_ELEMENTS: &[&str] = &[
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
    "table",
    "space",
    "page-break",
    "frame-break",
];

/// The elements a line of text may hold.
const INLINE_ELEMENTS: &[&str] = &[
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
];

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
    // The parser would call a reference to a control character a `&`
    // standing alone, and print others as `�`.
    if let Some((at, what)) = crate::char_ref::first_unprintable_in_markup(source.text) {
        let here = Location::at_offset(Path::new("(markup)"), source.text, at.start);
        let err = markup_error(source, here.line, here.column, what.message());
        return Err(with_markup_line(err, what.help()));
    }
    let xml = roxmltree::Document::parse_with_options(source.text, opts).map_err(|e| {
        let pos = e.pos();
        let (row, col) = (pos.row as usize, pos.col as usize);
        let (written, there) = line_and_place(source, row, col);
        // Typed in the template itself, not put in by a value: advice for
        // the template's text.
        let typed = || {
            (there.is_some_and(|t| t.in_text))
                .then(|| xml_error::own_text_help(&e))
                .flatten()
        };
        let (what, todo) = match e {
            roxmltree::Error::MalformedEntityReference(_) => {
                xml_error::reference_words(source.text, row, col)
            }
            _ => None,
        }
        .unwrap_or_else(|| {
            let (what, todo) = xml_error::words(&e);
            (what, typed().unwrap_or(todo))
        });
        let message = format!("the layout markup is not well-formed: {what}");
        let err = markup_error_at(source, (row, col), message, written, there);
        with_markup_line(err, todo)
    })?;
    let root = xml.root_element();
    let line_starts = std::iter::once(0)
        .chain(source.text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let p = Parser {
        source,
        theme,
        line_starts,
        stack_tables: root.attribute("tables") == Some("stack"),
        origin: std::cell::OnceCell::new(),
        template_places: std::cell::RefCell::new(BTreeMap::new()),
        template_line_found: std::cell::RefCell::new(None),
        template_searched: std::cell::Cell::new(0),
        styles: std::cell::RefCell::new(HashMap::new()),
        files: std::cell::RefCell::new(std::collections::HashSet::new()),
    };
    if root.tag_name().name() != "document" {
        return Err(p.error(root, "the layout markup must start with <document>"));
    }
    p.check_depth(&xml)?;
    let mut body = theme.resolve(&Style::default(), "body", root.attribute("class"));
    // `lang="rus"` is `ru`, as a briefing's `lang: rus` is (the warning is
    // the build's, which knows the template's text).
    let lang_written = root.attribute("lang").unwrap_or("en");
    let lang = crate::language_tag::canonical(lang_written);
    body.lang = crate::language_tag::Lang::from_code(lang_written);
    let body = Arc::new(body);
    let mut doc = Document {
        template: source.template.to_path_buf(),
        title: root.attribute("title").unwrap_or("").to_string(),
        template_places: BTreeMap::new(),
        template_lines: BTreeMap::new(),
        lang_written: lang.is_some().then(|| {
            let name = root.attribute_node("lang").map(|a| a.range_qname().start);
            (
                lang_written.to_string(),
                name.and_then(|at| p.template_place_at(at)),
            )
        }),
        lang: lang.unwrap_or_else(|| lang_written.to_string()),
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
    // Masters by name: a template's loop may write tens of thousands, and
    // looking each up in the list took the square of their number.
    let mut master_at: HashMap<String, usize> = HashMap::new();
    for node in root.children().filter(Node::is_element) {
        match node.tag_name().name() {
            "master" => {
                let master = p.master(node, &body)?;
                if master_at.contains_key(&master.name) {
                    return Err(p.error(
                        node,
                        format!("there are two masters named `{}`", master.name),
                    ));
                }
                master_at.insert(master.name.clone(), doc.masters.len());
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
    let mut pours = page::Pours::default();
    for node in root.children().filter(Node::is_element) {
        let name = node.tag_name().name();
        if name != "pages" && name != "page" {
            continue;
        }
        let master_name = p.required(node, "master")?;
        let master = (master_at.get(master_name).copied()).ok_or_else(|| {
            let names: Vec<&str> = doc.masters.iter().map(|m| m.name.as_str()).collect();
            let mut e = p.error(node, format!("there is no master named `{master_name}`"));
            if let Some(close) = did_you_mean(master_name, names.iter().copied()) {
                e = e.help(format!("did you mean `{close}`?"));
            }
            e
        })?;
        if name == "pages" {
            let flow = p.required(node, "flow")?.to_string();
            pours.add(&p, node, &flow, "a `<pages>`".into())?;
            doc.runs.push(PageRun::Repeat { master, flow });
        } else {
            let m = &doc.masters[master];
            let mut frames = Vec::new();
            for f in node.children().filter(Node::is_element) {
                if f.tag_name().name() != "frame" {
                    return Err(p.unknown(f, f.tag_name().name(), &["frame"]));
                }
                frames.push((p.frame(f, m)?, f));
            }
            p.frames_apart(m, &frames, &doc.flows)?;
            for (frame, f) in &frames {
                pours.add(&p, *f, &frame.flow, format!("frame `{}`", frame.name))?;
            }
            let mut frames: Vec<Frame> = frames.into_iter().map(|(f, _)| f).collect();
            if frames.is_empty()
                && let Some(flow) = node.attribute("flow")
            {
                pours.add(&p, node, flow, format!("`<page flow=\"{flow}\">`"))?;
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
    let lang = crate::language_tag::Lang::from_code(&doc.lang);
    numbering::number_and_resolve(&mut doc, numbering, &lang, source)?;
    if doc.runs.is_empty() {
        return Err(Error::new("the layout markup makes no pages")
            .at(Location::file(source.template))
            .help("add <pages master=\"…\" flow=\"…\"/> or <page master=\"…\"> to the template"));
    }
    (doc.template_places, doc.template_lines) = template_places(p.template_places.take(), source);
    Ok(doc)
}

struct Parser<'a> {
    source: &'a MarkupSource<'a>,
    theme: &'a Theme,
    /// Where each line of the markup starts, to find a node's line and
    /// column by binary search: asking roxmltree scans from the start each
    /// time, which made long documents quadratic.
    line_starts: Vec<usize>,
    /// `<document tables="stack">`: tables too wide for their frame stack.
    stack_tables: bool,
    /// The template, read to find where it wrote its own blocks (once one
    /// asks), and the places found, by the markup byte a block starts at.
    origin: std::cell::OnceCell<crate::template::origin::Origin>,
    template_places: std::cell::RefCell<BTreeMap<usize, Option<Place>>>,
    /// The markup line last looked for in the template, and what was found.
    template_line_found: std::cell::RefCell<Option<(usize, Option<Found>)>>,
    /// The bytes the search has read, under `origin::MAX_SEARCHED` in all.
    template_searched: std::cell::Cell<usize>,
    /// The styles resolved so far, by the parent's and the element's name
    /// and class (see [`Parser::resolve`]), each with its parent, held so
    /// that no other style takes its address.
    styles: std::cell::RefCell<HashMap<StyleAt, Resolved>>,
    /// The section files the blocks' `src` name, each path held once.
    files: std::cell::RefCell<std::collections::HashSet<Arc<Path>>>,
}

/// A style's place: its parent style (by address), element name and class.
type StyleAt = (usize, String, Option<String>);

/// A parent style, kept while its address is a key, and the style resolved in it.
type Resolved = (Arc<Style>, Arc<Style>);

impl Parser<'_> {
    /// The theme's style of element `name` (of `class`) inside `parent`,
    /// shared: the paragraphs of a flow and the text in them hold one
    /// style between them, not a copy each (a style is some 140 bytes, and
    /// a long pack has a span for every run of text).
    fn resolve(&self, parent: &Arc<Style>, name: &str, class: Option<&str>) -> Arc<Style> {
        let at = (
            Arc::as_ptr(parent) as usize,
            name.to_string(),
            class.map(str::to_string),
        );
        let mut styles = self.styles.borrow_mut();
        if let Some((_, style)) = styles.get(&at) {
            return style.clone();
        }
        let style = Arc::new(self.theme.resolve(parent, name, class));
        styles.insert(at, (parent.clone(), style.clone()));
        style
    }

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

    /// An error in the markup at `node`: placed in the section file a
    /// block around it was written in, where there is one (the section's
    /// author can mend it there), else in the template's markup.
    fn error(&self, node: Node, message: impl Into<String>) -> Error {
        match self.written_at(node) {
            Some(at) => Error::new(message).at(at),
            None => {
                let (line, col) = self.pos(node);
                markup_error(self.source, line, col, message.into())
            }
        }
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
                .kind(ErrorKind::LinkTarget)
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

    /// A length attribute, 0 or more: a negative one would put text off the
    /// page or over other text, and nothing would say so.
    fn length(&self, node: Node, attr: &str, of: f32) -> Result<Option<f32>> {
        match node.attribute(attr) {
            None => Ok(None),
            Some(v) => match parse_length(v, of) {
                Some(x) if x >= 0.0 => Ok(Some(x)),
                Some(_) => Err(self
                    .error(node, format!("`{attr}=\"{v}\"` is a negative length"))
                    .help("lengths in the layout are 0 or more, e.g. `12mm`")),
                None => Err(self
                    .error(node, format!("`{attr}=\"{v}\"` is not a length"))
                    .help("write a number with a unit: `12mm`, `10pt`, `2cm`, `1in` or `50%`")),
            },
        }
    }

    /// A size attribute (a figure's width, a QR code's size): more than 0,
    /// as a share of the column (`50%`) or a length; `default` if absent.
    fn size(&self, node: Node, attr: &str, default: Width, what: &str) -> Result<Width> {
        let size = match node.attribute(attr) {
            None => return Ok(default),
            Some(w) if w.trim_end().ends_with('%') => {
                Width::Fraction(self.length(node, attr, 1.0)?.unwrap_or(1.0))
            }
            Some(_) => Width::Points(self.length(node, attr, 0.0)?.unwrap_or(0.0)),
        };
        match size {
            // Nothing would be drawn, and nothing said: a leaflet without its QR code.
            Width::Fraction(x) | Width::Points(x) if x <= 0.0 => Err(self
                .error(
                    node,
                    format!(
                        "`{attr}=\"{}\"` would make {what} vanish",
                        node.attribute(attr).unwrap_or_default()
                    ),
                )
                .help("give a size more than 0, e.g. `25mm` or `50%`")),
            size => Ok(size),
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

    fn blocks(&self, node: Node, parent: &Arc<Style>) -> Result<Vec<Block>> {
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
        // A long pack's document is held while it is laid out: no room to
        // spare in it (the vectors grew by doubling).
        out.shrink_to_fit();
        Ok(out)
    }

    fn block(&self, node: Node, parent: &Arc<Style>) -> Result<Block> {
        let name = node.tag_name().name();
        let class = node.attribute("class");
        let mut style = self.resolve(parent, name, class);
        if let Some(lang) = node.attribute("lang") {
            Arc::make_mut(&mut style).lang = crate::language_tag::Lang::from_code(lang);
        }
        let line = self.line(node);
        let source = self.source(node)?;
        if source.is_none() {
            self.note_template_place(node);
        }
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
                    let li_style = self.resolve(&style, "li", li.attribute("class"));
                    items.push(self.item(li, &li_style)?);
                }
                BlockKind::List {
                    ordered: name == "ol",
                    start: node
                        .attribute("start")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(1),
                    items,
                    marker_style: self.resolve(&style, "li", None),
                }
            }
            "quote" => BlockKind::Quote(self.blocks(node, &style)?),
            "box" => BlockKind::Boxed(self.blocks(node, &style)?),
            "figure" => {
                let image = self.required(node, "image")?.to_string();
                let width = self.size(node, "width", Width::Fraction(1.0), "the picture")?;
                let max_height = self.length(node, "max-height", 1.0)?;
                let mut caption = Vec::new();
                for c in node.children().filter(Node::is_element) {
                    if c.tag_name().name() != "caption" {
                        return Err(self.unknown(c, c.tag_name().name(), &["caption"]));
                    }
                    let cs = self.resolve(&style, "caption", c.attribute("class"));
                    caption = self.spans(c, &cs, None)?;
                }
                BlockKind::Figure {
                    image,
                    width,
                    caption_style: self.resolve(&style, "caption", None),
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
                let size = self.size(node, "size", Width::Points(25.0 * MM), "the QR code")?;
                BlockKind::Qr {
                    modules: code.width,
                    dark: code.dark,
                    size,
                    color: style.color,
                    data: data.to_string(),
                }
            }
            "table" => self.table(node, &style, self.stack_tables)?,
            "contents" => BlockKind::Contents {
                entry_style: self.resolve(&style, "contents-entry", None),
            },
            "space" => BlockKind::Space(self.length(node, "height", 0.0)?.unwrap_or(style.leading)),
            "page-break" => BlockKind::PageBreak,
            "frame-break" => BlockKind::FrameBreak,
            other => {
                return Err(self.unknown(node, other, BLOCK_ELEMENTS));
            }
        };
        Ok(Block {
            kind,
            style,
            line,
            markup_at: node.range().start,
            number: None,
            classed: class.is_some(),
            unnumbered: node.attribute("number") == Some("no"),
            source,
        })
    }

    /// A list item holds blocks; its bare text (before, between or after
    /// them, as Markdown writes a nested list) becomes paragraphs.
    fn item(&self, li: Node, style: &Arc<Style>) -> Result<Vec<Block>> {
        const BLOCKS: &[&str] = &[
            "p", "ul", "ol", "quote", "box", "figure", "h1", "h2", "h3", "rule", "table",
        ];
        let is_block = |c: &Node| c.is_element() && BLOCKS.contains(&c.tag_name().name());
        let p_style = Arc::new(Style {
            space_after: 0.0,
            ..(*self.resolve(style, "p", None)).clone()
        });
        let mut out = Vec::new();
        let mut inline: Vec<Node> = Vec::new();
        // The item's own text is where the item was written.
        let source = self.source(li)?;
        if source.is_none() {
            self.note_template_place(li);
        }
        let flush = |inline: &mut Vec<Node>, out: &mut Vec<Block>| -> Result<()> {
            if let Some(first) = inline.first() {
                let spans = self.spans_of(inline.iter().copied(), style, None)?;
                if !spans.is_empty() {
                    out.push(Block {
                        kind: BlockKind::Paragraph(spans),
                        style: p_style.clone(),
                        line: self.line(*first),
                        markup_at: li.range().start,
                        number: None,
                        classed: true,
                        unnumbered: false,
                        source: source.clone(),
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

    fn spans(&self, node: Node, style: &Arc<Style>, link: Option<&Arc<str>>) -> Result<Vec<Span>> {
        let mut spans = self.spans_of(node.children(), style, link)?;
        // Held while the document is laid out: no room to spare (the text
        // had the room of the whitespace it collapsed).
        spans.shrink_to_fit();
        for span in &mut spans {
            if let SpanContent::Text(text) = &mut span.content {
                text.shrink_to_fit();
            }
        }
        Ok(spans)
    }

    fn spans_of<'n, 'i: 'n>(
        &self,
        nodes: impl Iterator<Item = Node<'n, 'i>>,
        style: &Arc<Style>,
        link: Option<&Arc<str>>,
    ) -> Result<Vec<Span>> {
        let mut out = Vec::new();
        for child in nodes {
            if child.is_text() {
                let text = collapse_space(child.text().unwrap_or(""));
                if !text.is_empty() {
                    out.push(Span {
                        content: SpanContent::Text(text),
                        style: style.clone(),
                        link: link.cloned(),
                    });
                }
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.tag_name().name();
            let s = self.resolve(style, name, child.attribute("class"));
            match name {
                "em" | "strong" | "code" | "del" | "span" => {
                    out.extend(self.spans(child, &s, link)?)
                }
                "a" => {
                    let href = self.required(child, "href")?;
                    self.link_target(child, "href", href)?;
                    // Made once for the link and shared by its words: each
                    // word of a long link holding its own copy of a long
                    // address took hundreds of megabytes.
                    let href: Arc<str> = href.into();
                    let inner = self.spans(child, &s, Some(&href))?;
                    if inner.is_empty() {
                        // A link with no text is a cross-reference, filled in
                        // with the section's number once it is known.
                        out.push(Span {
                            content: SpanContent::Text("\u{200b}".into()),
                            style: s,
                            link: Some(href),
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
                    // Where a note has no page foot of its own to go to, its
                    // mark would point at nothing (a caption's, a running
                    // head's) or its text be lost (a note's own note).
                    let nowhere =
                        child
                            .ancestors()
                            .skip(1)
                            .find_map(|a| match a.tag_name().name() {
                                "footnote" => Some("another footnote"),
                                "caption" => Some("a picture's caption"),
                                "header" | "footer" => Some("a page's header or footer"),
                                _ => None,
                            });
                    if let Some(place) = nowhere {
                        return Err(self
                            .error(child, format!("a footnote cannot stand inside {place}: its note would be lost"))
                            .help("put the note on the text beside it, or write what it says in the text itself"));
                    }
                    let note_style = Arc::new(self.theme.resolve(
                        &Style {
                            align: style.align,
                            ..Style::default()
                        },
                        "footnote",
                        None,
                    ));
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
                    let mark_style = self.resolve(style, "footnote-mark", None);
                    out.push(Span {
                        content: SpanContent::Footnote { note, mark_style },
                        style: s,
                        link: None,
                    });
                }
                // A picture is a block: inside a line of text it can only be
                // a mistake of where it was written, said in the words of both
                // a section's Markdown and a template's markup.
                "figure" => {
                    return Err(self
                        .error(child, "a picture cannot stand inside a line of text, a heading, a table, a link or a footnote")
                        .help("in a section, write `![caption](key)` on a line of its own, with a blank line before and after; in a template, put <figure> outside <p>"));
                }
                other => {
                    return Err(self.unknown(child, other, INLINE_ELEMENTS));
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
    let space = |b: &u8| matches!(b, b' ' | b'\n' | b'\t' | b'\r');
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // The spaces are ASCII: the words between them are copied whole.
    let mut from = 0;
    while from < bytes.len() {
        let end = bytes[from..]
            .iter()
            .position(space)
            .map_or(bytes.len(), |n| from + n);
        out.push_str(&text[from..end]);
        if end < bytes.len() {
            out.push(' ');
        }
        from = end + bytes[end..].iter().take_while(|b| space(b)).count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words copied whole give what a character at a time gives.
    #[test]
    fn collapsing_word_by_word_is_collapsing_character_by_character() {
        let by_character = |text: &str| {
            let (mut out, mut last_space) = (String::new(), false);
            for c in text.chars() {
                let space = matches!(c, ' ' | '\n' | '\t' | '\r');
                if !(space && last_space) {
                    out.push(if space { ' ' } else { c });
                }
                last_space = space;
            }
            out
        };
        for text in crate::scratch::texts(crate::scratch::PIECES, 20_000) {
            assert_eq!(collapse_space(&text), by_character(&text), "{text:?}");
        }
    }

    pub(super) fn parse_str(text: &str) -> Result<Document> {
        parse_by("", text)
    }

    /// `text`, the markup that `template` (t.hbs) printed.
    fn parse_by(template: &str, text: &str) -> Result<Document> {
        parse(
            &MarkupSource {
                template: Path::new("t.hbs"),
                template_text: template,
                text,
            },
            &Theme::builtin(),
        )
    }

    #[test]
    fn a_reference_to_nothing_printable_is_named_not_called_a_lone_ampersand() {
        let doc = |p: &str| {
            format!(
                "<document><master name=\"m\" size=\"A4\"/><pages master=\"m\" flow=\"f\"/><flow name=\"f\">{p}</flow></document>"
            )
        };
        for (p, said) in [
            (
                "<p>a &#x7; b</p>",
                "`&#x7;` names a control character (U+0007)",
            ),
            ("<p>&#0;</p>", "null character"),
            // Read by the parser as `�`, unseen, before.
            ("<p>&#xD800;</p>", "half of a surrogate pair"),
            ("<p>&#x110000;</p>", "names no character"),
            ("<p class=\"&#1;\">a</p>", "U+0001"),
            // Not a reference the parser reads at all.
            ("<p>&#X41;</p>", "`&#X41;` is not a character reference"),
            ("<p>&#12a;</p>", "`&#12a;` is not a character reference"),
        ] {
            let err = parse_str(&doc(p)).unwrap_err();
            assert!(err.message.contains(said), "{p}: {}", err.message);
            assert!(
                !err.message.contains("stands alone"),
                "{p}: {}",
                err.message
            );
            assert!(err.help.is_some(), "{p}");
        }
        let err = parse_str(&doc("<p>a & b</p>")).unwrap_err();
        assert!(err.message.contains("stands alone"), "{}", err.message);
        // Kept as written in a comment; printable ones are read.
        assert!(parse_str(&doc("<!-- &#0; --><p>&#x41;&#9;</p>")).is_ok());
    }

    #[test]
    fn keywords_are_split_at_commas() {
        let d = parse_str(r#"<document keywords=" Kazakhstan, human rights,, Zhanaozen "><master name="m"/><pages master="m" flow="f"/><flow name="f"/></document>"#).unwrap();
        assert_eq!(d.keywords, ["Kazakhstan", "human rights", "Zhanaozen"]);
    }

    #[test]
    fn blocks_keep_the_section_line_they_came_from() {
        let d = parse_str(
            r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><p>Own text</p><p src="briefings/profiles/k/07-x.md:5">From a section</p><ul src="s.md:8"><li src="s.md:9">one</li></ul></flow></document>"#,
        )
        .unwrap();
        let f = &d.flows["f"];
        assert_eq!(f[0].source, None);
        assert_eq!(
            f[1].source.as_ref().map(ToString::to_string).as_deref(),
            Some("briefings/profiles/k/07-x.md:5")
        );
        assert_eq!(f[2].source.as_ref().map(|s| s.line), Some(8));
        let BlockKind::List { items, .. } = &f[2].kind else {
            panic!()
        };
        assert_eq!(items[0][0].source.as_ref().map(|s| s.line), Some(9));
        // A place outside the project is refused where it is written.
        let err = parse_str(r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><p src="../../etc/passwd:1">x</p></flow></document>"#).unwrap_err();
        assert!(
            err.message.contains("is not a section file and line"),
            "{err}"
        );
        assert!(err.help.unwrap().contains("inside the project"));
    }

    #[test]
    fn a_theme_may_style_every_element_of_text() {
        // The breaks are no text, so no style of theirs would show.
        let styled = BLOCK_ELEMENTS
            .iter()
            .chain(INLINE_ELEMENTS)
            .filter(|e| !e.ends_with("-break"));
        for element in styled {
            assert!(
                crate::theme::ELEMENTS.contains(element),
                "a theme refuses a style for <{element}>"
            );
        }
    }

    #[test]
    fn a_documents_three_letter_language_is_read_as_its_two_letter_code() {
        for (written, lang, renamed) in [
            ("rus", "ru", Some("rus")),
            ("rus-RU", "ru-RU", Some("rus-RU")),
            ("ru", "ru", None),
            ("crh", "crh", None),
        ] {
            let d = parse_str(&format!(
                r#"<document lang="{written}"><master name="m" size="A5" margin="10mm"/>
                <pages master="m" flow="main"/><flow name="main"><p>a</p></flow></document>"#
            ))
            .unwrap();
            assert_eq!(d.lang, lang, "{written}");
            assert_eq!(
                d.lang_written.map(|(w, _)| w).as_deref(),
                renamed,
                "{written}"
            );
        }
    }

    #[test]
    fn the_templates_own_blocks_keep_where_it_wrote_them() {
        let template = "<document>\n{{#each s}}\n  <h1 id=\"sec-{{id}}\">{{title}}</h1>\n  {{{body}}}\n{{/each}}\n  <p class=\"sources\">Sources</p>\n  <p>Set by</p><p class=\"credit\">{{who}}</p>\n</document>";
        // What it printed for two sections: a loop's heading twice, a
        // section's paragraph (it has a place of its own), the sources,
        // and a line of two blocks.
        let markup = "<document><master name=\"m\" size=\"A6\" margin=\"10mm\"/><pages master=\"m\" flow=\"f\"/><flow name=\"f\">\n  <h1 id=\"sec-a\">A</h1>\n  <p src=\"briefings/a.md:3\">Text.</p>\n  <h1 id=\"sec-b\">B</h1>\n  <p class=\"sources\">Sources</p>\n  <p>Set by</p><p class=\"credit\">Jo</p>\n</flow></document>";
        let doc = parse_by(template, markup).unwrap();
        // By the markup's line and column each block starts at.
        let markup_pos = |at: usize| {
            let before = &markup[..at];
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            (before.matches('\n').count() + 1, at - line_start + 1)
        };
        let places: Vec<((usize, usize), usize, usize)> = (doc.template_places.iter())
            .map(|(markup, &(line, column))| (markup_pos(*markup), line, column))
            .collect();
        assert_eq!(
            places,
            [
                ((2, 3), 3, 3),
                ((4, 3), 3, 3),
                ((5, 3), 6, 3),
                ((6, 3), 7, 3),
                ((6, 16), 7, 16)
            ]
        );
        let credit = doc.flows["f"].last().unwrap().markup_at;
        let at = doc.template_place(credit).unwrap();
        assert_eq!(
            at.source_line.as_deref(),
            Some("  <p>Set by</p><p class=\"credit\">{{who}}</p>")
        );
    }

    #[test]
    fn a_stray_ampersand_is_told_as_the_templates_own_or_a_values() {
        let help = |template: &str, markup: &str| {
            let err = parse_by(template, markup).unwrap_err();
            assert!(
                err.message.contains("a `&` stands alone"),
                "{}",
                err.message
            );
            err.help.unwrap_or_default()
        };
        let markup = "<document>\n<p>Fish & chips</p>\n</document>";
        let typed = help("<document>\n<p>Fish & chips</p>\n</document>", markup);
        assert!(
            typed.starts_with("write `&amp;` for a `&` in the template's text"),
            "{typed}"
        );
        let printed = help("<document>\n<p>{{{food}}}</p>\n</document>", markup);
        assert!(
            printed.starts_with("a value put in with {{{…}}}"),
            "{printed}"
        );
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
    fn the_words_of_one_link_share_its_address() {
        let d = parse_str(
            r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f"><p>See <a href="https://example.org/report">the <em>whole</em> report <strong>here</strong></a> and <a href="https://example.org/report">again</a>.</p></flow></document>"#,
        )
        .unwrap();
        let BlockKind::Paragraph(spans) = &d.flows["f"][0].kind else {
            panic!()
        };
        let links: Vec<&Arc<str>> = spans.iter().filter_map(|s| s.link.as_ref()).collect();
        assert_eq!(links.len(), 5, "{spans:?}");
        assert_eq!(&**links[0], "https://example.org/report");
        // A long address under many words is held once, not once a word.
        assert!(links[..4].iter().all(|l| Arc::ptr_eq(l, links[0])));
        // Another link to the same place is a link of its own.
        assert!(!Arc::ptr_eq(links[4], links[0]));
        assert_eq!(links[4], links[0]);
    }

    #[test]
    fn lengths_that_would_put_text_off_the_page_or_hide_it_are_refused() {
        let doc = |master: &str, frame: &str, flow: &str| {
            format!(
                r#"<document><master name="m" size="A5" {master}/><page master="m"><frame name="a" flow="f" {frame}/></page><flow name="f">{flow}</flow></document>"#
            )
        };
        let said = |text: String| {
            parse_str(&text)
                .map(|_| String::new())
                .unwrap_or_else(|e| e.message)
        };
        assert_eq!(
            said(doc(
                "margin=\"10mm\" columns=\"2\"",
                "padding=\"3mm\"",
                "<space height=\"0\"/>"
            )),
            ""
        );
        for (master, frame, flow, says) in [
            ("margin=\"-5mm\"", "", "", "lengths of 0 or more"),
            (
                "gutter=\"-5mm\" columns=\"2\"",
                "",
                "",
                "is a negative length",
            ),
            (
                "columns=\"6\" gutter=\"30mm\"",
                "",
                "",
                "too narrow for text",
            ),
            ("width=\"5mm\"", "", "", "not a size handbill can print"),
            ("width=\"3000mm\"", "", "", "not a size handbill can print"),
            ("", "padding=\"-3mm\"", "", "is a negative length"),
            ("", "padding=\"80mm\"", "", "padding leaves no room"),
            ("", "", "<space height=\"-10mm\"/>", "is a negative length"),
            (
                "",
                "",
                "<qr data=\"https://example.org\" size=\"0mm\"/>",
                "would make the QR code vanish",
            ),
            (
                "",
                "",
                "<figure image=\"x\" width=\"0%\"/>",
                "would make the picture vanish",
            ),
        ] {
            let message = said(doc(master, frame, flow));
            assert!(message.contains(says), "{master} {frame} {flow}: {message}");
        }
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
        // Refused as a link is, before the code is made: any address a link
        // may have fits a QR code (2,331 bytes at level M).
        assert!(err.message.contains("at most 2048"), "{}", err.message);
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

    #[test]
    fn a_footnote_where_its_note_would_be_lost_is_refused() {
        let doc = |master: &str, flow: &str| {
            format!(
                r#"<document><master name="m">{master}</master><pages master="m" flow="f"/><flow name="f">{flow}</flow></document>"#
            )
        };
        for (master, flow, place) in [
            (
                "",
                "<p>A<footnote>OUTER<footnote>INNER</footnote> tail</footnote> B</p>",
                "another footnote",
            ),
            (
                "<header><p>H<footnote>HN</footnote></p></header>",
                "<p>x</p>",
                "header or footer",
            ),
            (
                "<footer><p>F<footnote>FN</footnote></p></footer>",
                "<p>x</p>",
                "header or footer",
            ),
        ] {
            let err = parse_str(&doc(master, flow)).unwrap_err();
            assert!(
                err.message.contains("cannot stand inside") && err.message.contains(place),
                "{}",
                err.message
            );
            assert!(err.location.is_some(), "{}", err.message);
        }
        assert!(
            parse_str(&doc(
                "<header><p>H</p></header>",
                "<p>A<footnote>note</footnote></p>"
            ))
            .is_ok()
        );
    }

    #[test]
    fn tables_take_columns_rows_and_their_alignment() {
        let d = parse_str(r#"<document tables="stack"><master name="m"/><pages master="m" flow="f"/><flow name="f"><table widths="30mm auto"><col/><col align="right"/><thead><tr><th>Year</th><th>Killed</th></tr></thead><tr><td>2011</td><td>11</td></tr><tr><td align="center">2012</td></tr></table></flow></document>"#).unwrap();
        let BlockKind::Table(t) = &d.flows["f"][0].kind else {
            panic!("{:?}", d.flows["f"][0].kind)
        };
        assert!(t.stack);
        assert_eq!(t.columns[0].width, Some(Width::Points(30.0 * MM)));
        assert_eq!(t.columns[1].width, None);
        assert_eq!((t.head.len(), t.body.len()), (1, 2));
        let right = crate::theme::Align::Right;
        assert_eq!(t.head[0].cells[1].style.align, right);
        assert!(t.head[0].cells[0].header && t.head[0].cells[0].style.bold);
        assert_eq!(t.body[0].cells[1].style.align, right);
        assert_eq!(t.body[1].cells[0].style.align, crate::theme::Align::Center);
        // The short row gets its empty cell; the second body row is tinted.
        assert_eq!(t.body[1].cells.len(), 2);
        assert!(t.body[0].style.background.is_none() && t.body[1].style.background.is_some());
        for bad in [
            r#"<table widths="wide"/>"#,
            r#"<table><tr>text</tr></table>"#,
            r#"<table><tr><p>x</p></tr></table>"#,
            r#"<table><col align="middle"/></table>"#,
        ] {
            let doc = format!(
                r#"<document><master name="m"/><pages master="m" flow="f"/><flow name="f">{bad}</flow></document>"#
            );
            assert!(parse_str(&doc).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_flow_poured_by_pages_is_poured_nowhere_else() {
        let doc = |runs: &str| {
            format!(
                r#"<document><master name="m"/>{runs}<flow name="f"><p>Text</p></flow><flow name="g"><p>More</p></flow></document>"#
            )
        };
        let pages = r#"<pages master="m" flow="f"/>"#;
        let frame = r#"<page master="m"><frame name="first" flow="f" height="50mm"/></page>"#;
        let page = r#"<page master="m" flow="f"/>"#;
        for (runs, says) in [
            (format!("{pages}{pages}"), "printed twice"),
            (
                format!("{frame}{pages}"),
                "cannot share it with `<page>` frames",
            ),
            (
                format!("{pages}{frame}"),
                "cannot share it with `<page>` frames",
            ),
            (
                format!("{page}{pages}"),
                "cannot share it with `<page>` frames",
            ),
            (
                format!("{pages}{page}"),
                "cannot share it with `<page>` frames",
            ),
        ] {
            let err = parse_str(&doc(&runs)).unwrap_err();
            assert!(
                err.message.starts_with("flow `f` is poured twice") && err.message.contains(says),
                "{runs}: {}",
                err.message
            );
            // At the second run, in the markup's second line of runs.
            assert!(
                err.message.contains("at line 1 of the markup"),
                "{}",
                err.message
            );
        }
        // Frames of one flow on several pages are linked, as meant; other
        // flows are poured beside it.
        let linked = format!(r#"{frame}{frame}{page}<pages master="m" flow="g"/>"#);
        assert!(parse_str(&doc(&linked)).is_ok());
    }

    #[test]
    fn frames_that_overlap_are_refused_naming_both() {
        let doc = |frames: &str| {
            format!(
                r#"<document><master name="m" size="A5"/><page master="m">{frames}</page><flow name="f"><p>Text</p></flow><flow name="g"><p>More</p></flow><flow name="band"/></document>"#
            )
        };
        let frame = |name: &str, flow: &str, x: u32, y: u32, w: u32, h: u32| {
            format!(
                r#"<frame name="{name}" flow="{flow}" x="{x}mm" y="{y}mm" width="{w}mm" height="{h}mm"/>"#
            )
        };
        // Side by side, touching, and a coloured band of an empty flow
        // behind them: apart.
        let apart = [
            frame("band", "band", 0, 0, 148, 40),
            frame("left", "f", 10, 10, 60, 100),
            frame("right", "f", 70, 10, 60, 100),
            frame("foot", "g", 10, 110, 120, 50),
        ]
        .concat();
        assert!(parse_str(&doc(&apart)).is_ok());
        for (frames, says) in [
            (
                [
                    frame("left", "f", 10, 10, 60, 100),
                    frame("right", "f", 60, 10, 60, 100),
                ]
                .concat(),
                "frames `left` and `right` on a page of master `m` overlap, from x 60.0 to 70.0 mm and y 10.0 to 110.0 mm",
            ),
            // Another flow, and one frame inside the other.
            (
                [
                    frame("outer", "f", 10, 10, 120, 150),
                    frame("inner", "g", 20, 20, 10, 10),
                ]
                .concat(),
                "frames `outer` and `inner` on a page of master `m` overlap, from x 20.0 to 30.0 mm and y 20.0 to 30.0 mm",
            ),
            // The sweep finds an overlap past frames that lie apart.
            (
                [
                    frame("a", "f", 10, 10, 50, 20),
                    frame("b", "f", 10, 40, 50, 20),
                    frame("c", "f", 10, 70, 50, 20),
                    frame("d", "g", 40, 45, 50, 10),
                ]
                .concat(),
                "frames `b` and `d`",
            ),
        ] {
            let err = parse_str(&doc(&frames)).unwrap_err();
            assert!(err.message.contains(says), "{}", err.message);
            assert!(
                err.message.contains("print over each other"),
                "{}",
                err.message
            );
        }
    }
}
