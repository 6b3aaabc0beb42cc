//! The tagged PDF's structure tree, made from the layout's structure.
//!
//! Screen readers, reflowing viewers and text-to-speech read a PDF through
//! its structure tree, not in the order things happen to be drawn. The
//! layout says, for each item it places, which structure element it belongs
//! to or that it is page furniture (a [`Mark`]). While the pages are drawn,
//! [`Tagger`] wraps each stretch of items with one mark in krilla marked
//! content and keeps the identifiers krilla hands back; at the end it builds
//! krilla's `TagTree` from them. Artifacts (running heads, the watermark,
//! backgrounds, rules, crop and fold marks) are marked as such and left out
//! of the tree.

use std::num::NonZeroU16;

use krilla::annotation::Annotation;
use krilla::geom::Rect;
use krilla::page::Page;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact as KrillaArtifact, ArtifactType, ContentTag, ListNumbering, Node, SpanTag,
    TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};

use crate::layout::{Artifact, Element, Mark, Role};

/// What is drawn: text is tagged as a span, pictures and paths as "other".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Text,
    Graphic,
}

/// Collects the tagged content of a document as its pages are drawn.
pub struct Tagger<'a> {
    structure: &'a [Element],
    /// Each element's content and links, in the order drawn.
    parts: Vec<Vec<Node>>,
    /// The first page each element has content on.
    first_page: Vec<usize>,
    page: usize,
    /// The marked-content section now open, if any.
    open: Option<(Mark, Content)>,
}

impl<'a> Tagger<'a> {
    pub fn new(structure: &'a [Element]) -> Tagger<'a> {
        Tagger {
            structure,
            parts: vec![Vec::new(); structure.len()],
            first_page: vec![usize::MAX; structure.len()],
            page: 0,
            open: None,
        }
    }

    /// The element a mark names, if the layout made it.
    fn element(&self, mark: Mark) -> Option<usize> {
        match mark {
            Mark::Element(e) if e < self.structure.len() => Some(e),
            _ => None,
        }
    }

    pub fn start_page(&mut self, page: usize) {
        self.page = page;
    }

    /// Call before drawing `content` that is part of `mark`: continues the
    /// open section if it has the same mark, or starts a new one. `bbox` is
    /// where a background is drawn (PDF 1.7 wants it for those).
    pub fn content(
        &mut self,
        surface: &mut Surface,
        mark: Mark,
        content: Content,
        bbox: Option<Rect>,
    ) {
        let background = mark == Mark::Artifact(Artifact::Background);
        if self.open == Some((mark, content)) && !background {
            return;
        }
        self.end(surface);
        let tag = match self.element(mark) {
            Some(_) if content == Content::Text => ContentTag::Span(SpanTag::empty()),
            Some(_) => ContentTag::Other,
            None => ContentTag::Artifact(artifact(mark, bbox)),
        };
        let id = surface.start_tagged(tag);
        if let Some(e) = self.element(mark) {
            self.parts[e].push(Node::Leaf(id));
            self.first_page[e] = self.first_page[e].min(self.page);
        }
        self.open = Some((mark, content));
    }

    /// Closes the open section: call before the surface is finished.
    pub fn end(&mut self, surface: &mut Surface) {
        if self.open.take().is_some() {
            surface.end_tagged();
        }
    }

    /// Adds a link annotation: one on the text of an element is a Link in
    /// that element; one in a running head is left out of the tree.
    pub fn link(&mut self, page: &mut Page, annotation: Annotation, mark: Mark) {
        match self.element(mark) {
            Some(e) => {
                let id = page.add_tagged_annotation(annotation);
                let link = TagGroup::with_children(Tag::Link, vec![Node::Leaf(id)]);
                self.parts[e].push(Node::Group(link));
                self.first_page[e] = self.first_page[e].min(self.page);
            }
            None => page.add_annotation(annotation),
        }
    }

    /// The tree: the flows in the order of the page each starts on, each
    /// element with its content first, then the elements inside it.
    pub fn tree(mut self, lang: &str) -> TagTree {
        let n = self.structure.len();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (e, element) in self.structure.iter().enumerate() {
            match element.parent.filter(|p| *p < e) {
                Some(p) => children[p].push(e),
                None => roots.push(e),
            }
        }
        // Parents come before their children: the last first.
        for e in (0..n).rev() {
            if let Some(p) = self.structure[e].parent.filter(|p| *p < e) {
                self.first_page[p] = self.first_page[p].min(self.first_page[e]);
            }
        }
        let rank = |e: usize| match self.structure[e].role {
            Role::Flow { rank } => rank,
            _ => 0,
        };
        roots.sort_by_key(|e| (rank(*e), self.first_page[*e], *e));
        let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
        for e in roots {
            for node in self.nodes(e, &children) {
                tree.push(node);
            }
        }
        tree
    }

    /// Element `e` as tree nodes: a group, none if it has nothing in it, or
    /// (a flow) its children's.
    fn nodes(&mut self, e: usize, children: &[Vec<usize>]) -> Vec<Node> {
        let mut inner = std::mem::take(&mut self.parts[e]);
        for c in &children[e] {
            inner.extend(self.nodes(*c, children));
        }
        if inner.is_empty() {
            return Vec::new();
        }
        let tag: TagKind = match &self.structure[e].role {
            Role::Flow { .. } => return inner,
            Role::Heading { level, title } => {
                let level =
                    NonZeroU16::new(u16::from(*level).clamp(1, 6)).unwrap_or(NonZeroU16::MIN);
                Tag::Hn(level, Some(title.clone())).into()
            }
            Role::Paragraph => Tag::P.into(),
            Role::List { ordered } => Tag::L(if *ordered {
                ListNumbering::Decimal
            } else {
                ListNumbering::Disc
            })
            .into(),
            Role::ListItem => Tag::LI.into(),
            Role::Label => Tag::Lbl.into(),
            Role::ListBody => Tag::LBody.into(),
            Role::Quote => Tag::BlockQuote.into(),
            Role::Group => Tag::Div.into(),
            Role::Figure { alt } => Tag::Figure(Some(alt.clone()).filter(|a| !a.is_empty())).into(),
            Role::Caption => Tag::Caption.into(),
            Role::Note => Tag::Note.into(),
            Role::Contents => Tag::TOC.into(),
            Role::ContentsEntry => Tag::TOCI.into(),
            Role::Table => Tag::Table.into(),
            Role::TableHead => Tag::THead.into(),
            Role::TableBody => Tag::TBody.into(),
            Role::TableRow => Tag::TR.into(),
            Role::TableHeader => Tag::TH(TableHeaderScope::Column).into(),
            Role::TableData => Tag::TD.into(),
        };
        vec![Node::Group(TagGroup::with_children(tag, inner))]
    }
}

fn artifact(mark: Mark, bbox: Option<Rect>) -> KrillaArtifact {
    let kind = match mark {
        Mark::Artifact(Artifact::Header) => ArtifactType::Header,
        Mark::Artifact(Artifact::Footer) => ArtifactType::Footer,
        Mark::Artifact(Artifact::Watermark) => ArtifactType::Watermark,
        Mark::Artifact(Artifact::Background) => ArtifactType::Background,
        Mark::Artifact(Artifact::Decoration) => ArtifactType::Layout,
        Mark::Artifact(Artifact::Number) => ArtifactType::LineNumber,
        // An element the layout did not make: not worth failing the build.
        Mark::Element(_) => ArtifactType::Other,
    };
    match (kind, bbox) {
        (ArtifactType::Background, Some(bbox)) => KrillaArtifact::new(kind, Some(bbox)),
        // krilla wants a background's extent; without one it is just layout.
        (ArtifactType::Background, None) => KrillaArtifact::with_kind(ArtifactType::Layout),
        _ => KrillaArtifact::with_kind(kind),
    }
}

/// Crop, bleed and fold marks: for the print shop, not the reader.
pub fn start_printer_marks(surface: &mut Surface) {
    surface.start_tagged(ContentTag::Artifact(KrillaArtifact::with_kind(
        ArtifactType::Page,
    )));
}
