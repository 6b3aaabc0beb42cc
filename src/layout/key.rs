//! What the keys of the layout memo are made of: the data a paragraph is
//! set from, as plain values with derived `Hash` and `Eq`, so that a key
//! holds all of that data and compares all of it, with nothing written by
//! hand to forget a field.
//!
//! Lengths and colours are `f32`, which has neither: a key holds their bits
//! ([`Bits`]), equal only when the numbers are the very same.

use std::borrow::Cow;
use std::sync::Arc;

use crate::colour::Cmyk;
use crate::document::{Span, SpanContent};
use crate::language_tag::Lang;
use crate::layout::font::Hyphenation;
use crate::theme::{Align, Family, Style};

/// An `f32` in a key, by its bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Bits(u32);

impl From<f32> for Bits {
    fn from(x: f32) -> Bits {
        Bits(x.to_bits())
    }
}

/// A colour in a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct CmykKey([Bits; 4]);

impl From<Cmyk> for CmykKey {
    fn from(Cmyk { c, m, y, k }: Cmyk) -> CmykKey {
        CmykKey([c.into(), m.into(), y.into(), k.into()])
    }
}

/// A [`Style`] in a key: all of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct StyleKey {
    font: Family,
    fallback: Arc<[Family]>,
    bold: bool,
    italic: bool,
    size: Bits,
    leading: Bits,
    color: CmykKey,
    align: Align,
    uppercase: bool,
    letter_spacing: Bits,
    underline: bool,
    space_before: Bits,
    space_after: Bits,
    first_indent: Bits,
    indent: Bits,
    padding: Bits,
    background: Option<CmykKey>,
    border: Bits,
    border_color: CmykKey,
    keep_with_next: bool,
    hyphenate: bool,
    lang: Lang,
}

impl From<&Style> for StyleKey {
    fn from(style: &Style) -> StyleKey {
        // Taken apart whole, so that a field added to `Style` must be
        // added here too.
        let Style {
            font,
            fallback,
            bold,
            italic,
            size,
            leading,
            color,
            align,
            uppercase,
            letter_spacing,
            underline,
            space_before,
            space_after,
            first_indent,
            indent,
            padding,
            background,
            border,
            border_color,
            keep_with_next,
            hyphenate,
            lang,
        } = style;
        StyleKey {
            font: font.clone(),
            fallback: fallback.clone(),
            bold: *bold,
            italic: *italic,
            size: (*size).into(),
            leading: (*leading).into(),
            color: (*color).into(),
            align: *align,
            uppercase: *uppercase,
            letter_spacing: (*letter_spacing).into(),
            underline: *underline,
            space_before: (*space_before).into(),
            space_after: (*space_after).into(),
            first_indent: (*first_indent).into(),
            indent: (*indent).into(),
            padding: (*padding).into(),
            background: background.map(CmykKey::from),
            border: (*border).into(),
            border_color: (*border_color).into(),
            keep_with_next: *keep_with_next,
            hyphenate: *hyphenate,
            lang: *lang,
        }
    }
}

/// A [`Span`] in a key: all of it, its text borrowed while the key is only
/// looked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct SpanKey<'a> {
    content: ContentKey<'a>,
    style: StyleKey,
    /// The span's own target, shared: a long link's words each copying
    /// its address into the key would hold it once a word again.
    link: Option<std::sync::Arc<str>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ContentKey<'a> {
    Text(Cow<'a, str>),
    LineBreak,
    Footnote {
        note: Vec<SpanKey<'a>>,
        mark_style: StyleKey,
    },
    PageNumber,
    PageCount,
}

impl<'a> SpanKey<'a> {
    pub(super) fn of(span: &'a Span) -> SpanKey<'a> {
        let Span {
            content,
            style,
            link,
        } = span;
        SpanKey {
            content: match content {
                SpanContent::Text(t) => ContentKey::Text(Cow::Borrowed(t)),
                SpanContent::LineBreak => ContentKey::LineBreak,
                SpanContent::Footnote { note, mark_style } => ContentKey::Footnote {
                    note: note.iter().map(SpanKey::of).collect(),
                    mark_style: (&**mark_style).into(),
                },
                SpanContent::PageNumber => ContentKey::PageNumber,
                SpanContent::PageCount => ContentKey::PageCount,
            },
            style: (&**style).into(),
            link: link.clone(),
        }
    }

    /// The key with its text its own, to be kept.
    pub(super) fn into_owned(self) -> SpanKey<'static> {
        let own = |t: Cow<'_, str>| Cow::Owned(t.into_owned());
        SpanKey {
            content: match self.content {
                ContentKey::Text(t) => ContentKey::Text(own(t)),
                ContentKey::LineBreak => ContentKey::LineBreak,
                ContentKey::Footnote { note, mark_style } => ContentKey::Footnote {
                    note: note.into_iter().map(SpanKey::into_owned).collect(),
                    mark_style,
                },
                ContentKey::PageNumber => ContentKey::PageNumber,
                ContentKey::PageCount => ContentKey::PageCount,
            },
            style: self.style,
            link: self.link,
        }
    }
}

/// What a paragraph is set from: its spans and style, the briefing's
/// hyphenation, the fonts, the number of its first footnote mark (if it
/// has notes) and the page numbers (if it shows them). Equal keys set equal
/// paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct ParagraphKey<'a> {
    pub spans: Vec<SpanKey<'a>>,
    pub style: StyleKey,
    pub hyphenation: Cow<'a, Hyphenation>,
    /// The font book's id: the fonts of two projects never meet.
    pub fonts: u64,
    pub first_note: usize,
    /// What its page-number and page-count spans show.
    pub numbers: Option<(String, String)>,
}

impl ParagraphKey<'_> {
    pub(super) fn into_owned(self) -> ParagraphKey<'static> {
        ParagraphKey {
            spans: self.spans.into_iter().map(SpanKey::into_owned).collect(),
            style: self.style,
            hyphenation: Cow::Owned(self.hyphenation.into_owned()),
            fonts: self.fonts,
            first_note: self.first_note,
            numbers: self.numbers,
        }
    }
}

/// The derived hash of a key, the same for a borrowed key and its owned
/// copy: the paragraphs are kept by it, so that a key looked for need not
/// be copied. FxHash rather than SipHash: a key is some 40 small fields a
/// span, each a call to the hasher, and keys that share a hash are told
/// apart by `Eq` anyway.
pub(super) fn hash_of(key: &ParagraphKey<'_>) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_tells_apart_what_sets_a_span_differently() {
        let span = Span {
            content: SpanContent::Text("Kazakhstan".into()),
            style: Style::default().into(),
            link: None,
        };
        let key = |s: &Span| SpanKey::of(s).into_owned();
        assert_eq!(key(&span), SpanKey::of(&span));
        let mut other = span.clone();
        std::sync::Arc::make_mut(&mut other.style).letter_spacing = 0.5;
        assert_ne!(key(&other), key(&span));
        let mut other = span.clone();
        std::sync::Arc::make_mut(&mut other.style).color.k = 0.5;
        assert_ne!(key(&other), key(&span));
        let mut other = span.clone();
        other.link = Some("#a".into());
        assert_ne!(key(&other), key(&span));
        assert_eq!(Bits::from(1.5), Bits::from(1.5));
        assert_ne!(Bits::from(1.5), Bits::from(1.25));
    }
}
