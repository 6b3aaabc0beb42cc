//! Collecting a flow's blocks: lists, quotes and headings are flattened
//! into a plain sequence of items ready to pour.

use std::sync::Arc;

use super::Engine;
use super::table::FlatTable;
use crate::colour::Cmyk;
use crate::document::{Block, BlockKind, PageRun, SourceRef, Span, SpanContent, Width, plain_text};
use crate::layout::pages::{Artifact, Element, Mark, Role};
use crate::layout::paragraph::{Numbers, Paragraph};
use crate::picture::Picture;
use crate::theme::Style;

/// A block prepared for pouring: lists, quotes and headings are flattened
/// into indented paragraphs, so a flow is a plain sequence.
pub(super) enum Flat {
    Text {
        para: Paragraph,
        space_before: f32,
        space_after: f32,
        indent: f32,
        keep_with_next: bool,
        /// A list marker set in the indent beside the first line.
        marker: Option<(Paragraph, Mark)>,
        heading: Option<Heading>,
        mark: Mark,
    },
    Figure {
        key: String,
        width: Width,
        max_height: Option<f32>,
        caption: Option<Paragraph>,
        space_before: f32,
        space_after: f32,
        mark: Mark,
        caption_mark: Mark,
    },
    Boxed {
        blocks: Vec<Block>,
        style: Style,
        indent: f32,
        /// The box's group element: its blocks' elements are made when it
        /// is placed (it is measured, without them, before).
        element: usize,
    },
    Rule {
        style: Style,
        indent: f32,
        /// Where it was written, for a message: a rule has no element.
        source: Option<SourceRef>,
        markup_at: usize,
    },
    Qr {
        modules: usize,
        dark: Vec<bool>,
        size: Width,
        color: Cmyk,
        style: Style,
        indent: f32,
        mark: Mark,
    },
    ContentsEntry {
        title: Paragraph,
        number: Paragraph,
        anchor: String,
        /// What the title and its page number are set in.
        style: Style,
        indent: f32,
        space_after: f32,
        mark: Mark,
    },
    Table(Box<FlatTable>),
    Space(f32),
    PageBreak,
    FrameBreak,
}

pub(super) struct Heading {
    pub(super) level: u8,
    pub(super) anchor: String,
    pub(super) title: String,
    pub(super) listed: bool,
}

/// Lists of at most this many items, and quotes of at most this many
/// paragraphs, are kept on one page.
pub(super) const SHORT_LIST: usize = 5;
pub(super) const SHORT_QUOTE: usize = 3;

/// Each block but the last keeps with the next.
pub(super) fn keep_together(items: &mut [Flat]) {
    let n = items.len();
    for item in items.iter_mut().take(n.saturating_sub(1)) {
        if let Flat::Text { keep_with_next, .. } = item {
            *keep_with_next = true;
        }
    }
}

pub(super) fn space_before_of(item: &Flat) -> f32 {
    match item {
        Flat::Figure { space_before, .. } => *space_before,
        Flat::Boxed { style, .. } | Flat::Rule { style, .. } | Flat::Qr { style, .. } => {
            style.space_before
        }
        Flat::Text { space_before, .. } => *space_before,
        Flat::Table(t) => t.style.space_before,
        _ => 0.0,
    }
}

pub(super) fn space_after_of(item: &Flat) -> f32 {
    match item {
        Flat::Figure { space_after, .. } => *space_after,
        Flat::Boxed { style, .. } | Flat::Rule { style, .. } | Flat::Qr { style, .. } => {
            style.space_after
        }
        Flat::Text { space_after, .. } => *space_after,
        Flat::Table(t) => t.style.space_after,
        _ => 0.0,
    }
}

/// The blocks of a flow not yet flattened: a repeated run's flow is
/// flattened as the pour reaches it, so a long flow never has all of its
/// text shaped at once.
pub(super) struct Pending<'a> {
    pub(super) blocks: &'a [Block],
    /// The flow's element.
    pub(super) parent: Option<usize>,
}

impl<'a> Engine<'a> {
    /// The flow's element, and its blocks to flatten as the pour reaches
    /// them ([`Engine::flatten_ahead`]).
    pub(super) fn prepare_flow_lazily(&mut self, flow: &str) -> Pending<'a> {
        // Borrowed from the document, not copied.
        let doc = self.doc;
        let blocks = doc.flows.get(flow).map_or(&[][..], Vec::as_slice);
        // Read as early as the first of its frames in reading order.
        let rank = self
            .doc
            .runs
            .iter()
            .filter_map(|r| match r {
                PageRun::Fixed { frames, .. } => Some(frames),
                PageRun::Repeat { .. } => None,
            })
            .flatten()
            .filter(|f| f.flow == flow)
            .map(|f| f.order)
            .min()
            .unwrap_or(0);
        let element = self.element(Role::Flow { rank }, None);
        Pending {
            blocks,
            parent: Some(element),
        }
    }

    /// Flattens the next blocks of `pending` into `items` until the pour,
    /// at item `i`, has what it looks at: the item after it, and every
    /// item of a keep-with-next chain that starts there (the whole chain
    /// and the first item after it).
    pub(super) fn flatten_ahead(
        &mut self,
        items: &mut Vec<Flat>,
        pending: &mut Pending<'a>,
        i: usize,
    ) {
        let keeps = |items: &[Flat]| {
            matches!(
                items.last(),
                Some(Flat::Text {
                    keep_with_next: true,
                    ..
                })
            )
        };
        while let Some((block, rest)) = pending.blocks.split_first() {
            if items.len() >= i + 2 && !keeps(items) {
                break;
            }
            pending.blocks = rest;
            self.flatten(std::slice::from_ref(block), 0.0, items, pending.parent);
        }
    }

    /// A new structure element; its mark.
    pub(super) fn element(&mut self, role: Role, parent: Option<usize>) -> usize {
        let source = self.block_source.clone();
        self.out.structure.push(Element {
            role,
            parent,
            source,
            markup_line: self.block_markup.0,
            markup_at: self.block_markup.1,
        });
        self.out.structure.len() - 1
    }

    pub(super) fn mark(&mut self, role: Role, parent: Option<usize>) -> Mark {
        Mark::Element(self.element(role, parent))
    }

    /// Sets `spans`; their footnotes become Note elements under `parent`,
    /// after the paragraph's own (made first by the caller).
    pub(super) fn paragraph(
        &mut self,
        spans: &[Span],
        style: &Style,
        parent: Option<usize>,
    ) -> Paragraph {
        let mut notes = Vec::new();
        let p = Paragraph::new(
            spans,
            style,
            self.shaper,
            self.paragraphs,
            &Numbers::default(),
            &mut self.note_count,
            &mut |n, s| notes.push((n, s.to_vec())),
        );
        for (n, _) in &notes {
            let mark = self.mark(Role::Note, parent);
            self.note_marks.insert(*n, mark);
        }
        self.notes.extend(notes);
        p
    }

    pub(super) fn flatten(
        &mut self,
        blocks: &[Block],
        indent: f32,
        out: &mut Vec<Flat>,
        parent: Option<usize>,
    ) {
        for block in blocks {
            let s = &block.style;
            // The elements made for the block name its place in a section.
            let outer = self.block_source.clone();
            if block.source.is_some() {
                self.block_source = block.source.clone();
            }
            let outer_line =
                std::mem::replace(&mut self.block_markup, (block.line, block.markup_at));
            if let (BlockKind::Paragraph(spans) | BlockKind::Heading { spans, .. }, Some(ahead)) =
                (&block.kind, &*self.paragraphs.ahead.borrow())
            {
                ahead.reach(spans);
            }
            match &block.kind {
                BlockKind::Paragraph(spans) => {
                    let mark = self.mark(Role::Paragraph, parent);
                    let para = self.paragraph(spans, s, parent);
                    // A numbered paragraph carries its number in the margin,
                    // an artifact (not the paragraph's text), at the text's
                    // size: poppler reads a first line with a smaller number
                    // as a block of its own, apart from the rest.
                    let marker = block.number.as_ref().map(|n| {
                        let ms = Style {
                            align: crate::theme::Align::Left,
                            bold: false,
                            italic: false,
                            ..Style::clone(s)
                        };
                        let span = Span {
                            content: SpanContent::Text(n.clone()),
                            style: Arc::new(ms.clone()),
                            link: None,
                        };
                        (
                            self.paragraph(&[span], &ms, parent),
                            Mark::Artifact(Artifact::Number),
                        )
                    });
                    if !para.is_empty() {
                        out.push(Flat::Text {
                            para,
                            space_before: s.space_before,
                            space_after: s.space_after,
                            indent: indent + s.indent,
                            keep_with_next: s.keep_with_next,
                            marker,
                            heading: None,
                            mark,
                        });
                    }
                }
                BlockKind::Heading {
                    level,
                    spans,
                    anchor,
                    listed,
                } => {
                    let title = plain_text(spans);
                    let mark = self.mark(
                        Role::Heading {
                            level: *level,
                            title: title.clone(),
                        },
                        parent,
                    );
                    let para = self.paragraph(spans, s, parent);
                    let anchor = anchor.clone().unwrap_or_else(|| {
                        self.auto_anchor += 1;
                        format!("heading-{}", self.auto_anchor)
                    });
                    out.push(Flat::Text {
                        para,
                        space_before: s.space_before,
                        space_after: s.space_after,
                        indent: indent + s.indent,
                        keep_with_next: true,
                        marker: None,
                        heading: Some(Heading {
                            level: *level,
                            anchor,
                            title,
                            listed: *listed,
                        }),
                        mark,
                    });
                }
                BlockKind::List {
                    ordered,
                    start,
                    items,
                    marker_style,
                } => {
                    let inner = indent + s.indent;
                    let list_start = out.len();
                    let list = self.element(Role::List { ordered: *ordered }, parent);
                    for (i, item) in items.iter().enumerate() {
                        let first = out.len();
                        // An item and its label are where its text is.
                        if let Some(at) = item.first().and_then(|b| b.source.as_ref()) {
                            self.block_source = Some(at.clone());
                        }
                        let li = self.element(Role::ListItem, Some(list));
                        let label_mark = self.mark(Role::Label, Some(li));
                        let body = self.element(Role::ListBody, Some(li));
                        self.flatten(item, inner, out, Some(body));
                        let label = if *ordered {
                            format!("{}.", *start + i as u64)
                        } else {
                            "•".to_string()
                        };
                        let mstyle = Style {
                            align: crate::theme::Align::Left,
                            ..Style::clone(marker_style)
                        };
                        let span = Span {
                            content: SpanContent::Text(label),
                            style: Arc::new(mstyle.clone()),
                            link: None,
                        };
                        let marker = self.paragraph(&[span], &mstyle, None);
                        if let Some(Flat::Text { marker: m, .. }) = out.get_mut(first) {
                            *m = Some((marker, label_mark));
                        }
                        if let Some(Flat::Text { space_after, .. }) = out.last_mut() {
                            *space_after = space_after.max(marker_style.space_after);
                        }
                    }
                    if let Some(Flat::Text { space_after, .. }) = out.last_mut() {
                        *space_after = space_after.max(s.space_after);
                    }
                    // A short list is read as one: no page break inside it.
                    if items.len() <= SHORT_LIST {
                        keep_together(&mut out[list_start..]);
                    }
                }
                BlockKind::Quote(children) => {
                    let first = out.len();
                    let quote = self.element(Role::Quote, parent);
                    self.flatten(children, indent + s.indent, out, Some(quote));
                    if out.len() - first <= SHORT_QUOTE {
                        keep_together(&mut out[first..]);
                    }
                    if let Some(Flat::Text { space_before, .. }) = out.get_mut(first) {
                        *space_before = space_before.max(s.space_before);
                    }
                    if let Some(Flat::Text { space_after, .. }) = out.last_mut() {
                        *space_after = space_after.max(s.space_after);
                    }
                }
                BlockKind::Boxed(children) => {
                    let element = self.element(Role::Group, parent);
                    out.push(Flat::Boxed {
                        blocks: children.clone(),
                        style: Style::clone(s),
                        indent,
                        element,
                    });
                }
                BlockKind::Figure {
                    image,
                    width,
                    caption_style,
                    max_height,
                    caption,
                } => {
                    let picture = self.images.get(image).map(|p| &p.asset);
                    // The profile's description, or else what the caption says.
                    let alt = match picture.and_then(|a| a.alt.as_deref()) {
                        Some(alt) if !alt.trim().is_empty() => alt.trim().to_string(),
                        _ if !caption.is_empty() => plain_text(caption),
                        _ => picture.map(|a| a.caption.clone()).unwrap_or_default(),
                    };
                    let mark = self.mark(Role::Figure { alt }, parent);
                    let caption_mark = self.mark(Role::Caption, parent);
                    // A picture without caption or credit (a logo) has no line under it.
                    let caption = if caption.is_empty() {
                        let described = |pic: &&Picture| {
                            !pic.asset.caption.trim().is_empty() || pic.asset.credit.is_some()
                        };
                        self.images.get(image).filter(described).map(|pic| {
                            let cs = caption_style.clone();
                            let mut text = pic.asset.caption.clone();
                            if let Some(credit) = &pic.asset.credit {
                                text.push_str(&format!(" — {credit}"));
                            }
                            vec![Span {
                                content: SpanContent::Text(text),
                                style: cs,
                                link: None,
                            }]
                        })
                    } else {
                        Some(caption.clone())
                    };
                    let caption = caption.map(|c| {
                        let cs = c
                            .first()
                            .map_or_else(|| caption_style.clone(), |s| s.style.clone());
                        self.paragraph(&c, &cs, parent)
                    });
                    out.push(Flat::Figure {
                        key: image.clone(),
                        width: *width,
                        max_height: *max_height,
                        caption,
                        space_before: s.space_before,
                        space_after: s.space_after,
                        mark,
                        caption_mark,
                    });
                }
                BlockKind::Rule => out.push(Flat::Rule {
                    style: Style::clone(s),
                    indent,
                    source: self.block_source.clone(),
                    markup_at: self.block_markup.1,
                }),
                BlockKind::Qr {
                    modules,
                    dark,
                    size,
                    color,
                    data,
                } => {
                    let alt = format!("QR code: {data}");
                    let mark = self.mark(Role::Figure { alt }, parent);
                    out.push(Flat::Qr {
                        modules: *modules,
                        dark: dark.clone(),
                        size: *size,
                        color: *color,
                        style: Style::clone(s),
                        indent,
                        mark,
                    })
                }
                BlockKind::Contents { entry_style } => {
                    let toc = self.element(Role::Contents, parent);
                    self.contents(entry_style, indent, out, toc)
                }
                BlockKind::Table(table) => {
                    let t = self.flatten_table(table, block, indent, parent);
                    out.push(Flat::Table(Box::new(t)));
                }
                BlockKind::Space(h) => out.push(Flat::Space(*h)),
                BlockKind::PageBreak => out.push(Flat::PageBreak),
                BlockKind::FrameBreak => out.push(Flat::FrameBreak),
            }
            self.block_source = outer;
            self.block_markup = outer_line;
        }
    }
}
