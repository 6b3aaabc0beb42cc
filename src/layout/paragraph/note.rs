//! A footnote's text as it is set at the foot of a frame: its number and
//! an en space before the note, aligned left in the style of the note's
//! first span. The pour sets it (`Paragraph::note`) and the helper that
//! sets paragraphs ahead sets it the same way, under the same key.

use std::sync::Arc;

use super::{Paragraph, ParagraphMemo, Preset};
use crate::document::{Span, SpanContent};
use crate::layout::font::Shaper;
use crate::layout::key::ParagraphKey;
use crate::theme::{Align, Style};

/// The spans of footnote `n` whose text is `note`, and the style of the
/// paragraph they make.
fn note_text(n: usize, note: &[Span]) -> (Vec<Span>, Style) {
    let style = (note.first())
        .map(|s| Style::clone(&s.style))
        .unwrap_or_default();
    let mut spans = Vec::with_capacity(note.len() + 1);
    spans.push(Span {
        content: SpanContent::Text(format!("{n}\u{2002}")),
        style: Arc::new(style.clone()),
        link: None,
    });
    spans.extend_from_slice(note);
    let left = Style {
        align: Align::Left,
        ..style
    };
    (spans, left)
}

impl Paragraph {
    /// Footnote `n`, whose text is `note`, as a paragraph.
    pub(in crate::layout) fn note(
        n: usize,
        note: &[Span],
        shaper: &Shaper,
        memo: &ParagraphMemo,
    ) -> Paragraph {
        let (spans, style) = note_text(n, note);
        Paragraph::plain(&spans, &style, shaper, memo)
    }

    /// Sets footnote `n` the way [`Paragraph::note`] would, for another
    /// thread to take (see [`Paragraph::preset`]).
    pub(in crate::layout) fn preset_note(
        n: usize,
        note: &[Span],
        shaper: &Shaper,
        memo: &ParagraphMemo,
        measure: f32,
        wanted: impl FnOnce(u64) -> bool,
    ) -> Option<(u64, ParagraphKey<'static>, Preset)> {
        let (spans, style) = note_text(n, note);
        Paragraph::preset(&spans, &style, shaper, memo, 0, Some(measure), wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::paragraph::{Pos, Presets};

    fn span(text: &str, size: f32) -> Span {
        let style = Style {
            size,
            leading: size * 1.3,
            ..Style::default()
        };
        Span {
            content: SpanContent::Text(text.into()),
            style: style.into(),
            link: None,
        }
    }

    #[test]
    fn a_note_set_ahead_is_the_note_the_pour_takes() {
        let note = [
            span("Amnesty International, ", 8.0),
            span("Kazakhstan: the right to protest, 2024.", 8.0),
        ];
        let shaper = Shaper::new();
        let alone = Paragraph::note(7, &note, &shaper, &ParagraphMemo::default());
        let lines = |p: &Paragraph| format!("{:?}", p.lines(Pos::START, 120.0));
        assert!(alone.text.starts_with("7\u{2002}Amnesty"));
        assert_eq!(alone.align, Align::Left);

        // Set ahead by another thread, at the frame's width, and taken.
        let memo = ParagraphMemo::default();
        let presets = std::sync::Arc::new(Presets::new(std::iter::empty()));
        let helper = ParagraphMemo::default();
        for n in [6, 7] {
            let (hash, key, preset) =
                Paragraph::preset_note(n, &note, &shaper, &helper, 120.0, |_| true).unwrap();
            presets.put(0, hash, key, preset);
        }
        *memo.ahead.borrow_mut() = Some(presets.clone());
        let taken = Paragraph::note(7, &note, &shaper, &memo);
        assert_eq!(presets.taken(), 1, "note 7 was set ahead under its key");
        assert_eq!(lines(&taken), lines(&alone));
        assert_eq!(taken.kept.borrow().lines.len(), 1, "its lines came with it");
    }
}
