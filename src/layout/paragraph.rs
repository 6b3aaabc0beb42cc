//! Setting a paragraph: its spans are shaped word by word, then broken into
//! lines of a given measure and justified or aligned.
//!
//! Break opportunities come from the Unicode line breaking algorithm
//! (`unicode-linebreak`); a word is the text between two of them, with its
//! trailing space, which hangs past the measure at the end of a line.

use std::ops::Range;

use crate::layout::font::{FaceId, Shaper};
use crate::layout::{GlyphRun, PlacedGlyph};
use crate::markup::{Span, SpanContent};
use crate::theme::{Align, Style};

/// A paragraph shaped and ready to be broken into lines at any measure.
#[derive(Debug, Clone)]
pub struct Paragraph {
    text: String,
    atoms: Vec<Atom>,
    words: Vec<Word>,
    pub align: Align,
    /// Baseline-to-baseline distance.
    pub leading: f32,
    pub first_indent: f32,
}

/// A stretch of the paragraph's text with one style.
#[derive(Debug, Clone)]
struct Atom {
    range: Range<usize>,
    face: FaceId,
    style: Style,
    link: Option<String>,
    /// Raised text (footnote marks), in points.
    rise: f32,
    /// The footnotes whose marks this atom is.
    footnote: Option<usize>,
}

/// The part of one word in one atom.
#[derive(Debug, Clone)]
struct Piece {
    atom: usize,
    range: Range<usize>,
    glyphs: Vec<PlacedGlyph>,
    width: f32,
    /// Width of the whitespace at the end of the piece.
    trailing_space: f32,
}

#[derive(Debug, Clone)]
struct Word {
    pieces: Vec<Piece>,
    width: f32,
    trailing_space: f32,
    /// A line must end after this word (a `<br/>`).
    forced_break: bool,
}

/// One set line, positioned relative to its own top-left corner.
#[derive(Debug, Clone)]
pub struct Line {
    pub height: f32,
    /// Distance from the top of the line to its baseline.
    pub baseline: f32,
    pub runs: Vec<GlyphRun>,
    /// Linked areas: x, width, target.
    pub links: Vec<(f32, f32, String)>,
    /// Footnotes whose marks are on this line.
    pub footnotes: Vec<usize>,
    /// How far the line's content runs past the measure (an overfull line).
    pub overflow: f32,
}

/// What page-number and page-count spans show, and footnote numbering.
#[derive(Debug, Clone, Default)]
pub struct Numbers {
    pub page: String,
    pub pages: String,
}

impl Paragraph {
    /// Shapes `spans`. Footnote marks take their numbers from `next_note`,
    /// which counts on; each note's spans are handed to `on_note`.
    pub fn new(
        spans: &[Span],
        style: &Style,
        shaper: &Shaper,
        numbers: &Numbers,
        next_note: &mut usize,
        on_note: &mut dyn FnMut(usize, &[Span]),
    ) -> Paragraph {
        let mut text = String::new();
        let mut atoms = Vec::new();
        for span in spans {
            let start = text.len();
            let mut rise = 0.0;
            let mut footnote = None;
            let mut atom_style = span.style.clone();
            match &span.content {
                SpanContent::Text(t) => {
                    if span.style.uppercase {
                        text.push_str(&t.to_uppercase());
                    } else {
                        text.push_str(t);
                    }
                }
                SpanContent::LineBreak => text.push('\n'),
                SpanContent::PageNumber => text.push_str(&numbers.page),
                SpanContent::PageCount => text.push_str(&numbers.pages),
                SpanContent::Footnote { note, mark_style } => {
                    *next_note += 1;
                    on_note(*next_note, note);
                    text.push_str(&next_note.to_string());
                    rise = span.style.size * 0.33;
                    atom_style = mark_style.clone();
                    footnote = Some(*next_note);
                }
            }
            if text.len() > start {
                atoms.push(Atom {
                    range: start..text.len(),
                    face: shaper.book.face_for(&atom_style),
                    style: atom_style,
                    link: span.link.clone(),
                    rise,
                    footnote,
                });
            }
        }
        let words = shape_words(&text, &atoms, shaper);
        Paragraph {
            text,
            atoms,
            words,
            align: style.align,
            leading: style.leading,
            first_indent: style.first_indent,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The number of words, so a paragraph can be continued from one.
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// The paragraph's text, for messages and outlines.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Breaks the words from `start` into lines of `measure` points. Returns
    /// the lines with the index of the first word of each.
    pub fn lines(&self, start: usize, measure: f32) -> Vec<(usize, Line)> {
        let mut out = Vec::new();
        let mut i = start;
        while i < self.words.len() {
            let indent = if i == 0 { self.first_indent } else { 0.0 };
            let avail = (measure - indent).max(1.0);
            let mut width = 0.0;
            let mut end = i;
            while end < self.words.len() {
                let w = &self.words[end];
                let fits = width + w.width - w.trailing_space <= avail + 0.01;
                if !fits && end > i {
                    break;
                }
                width += w.width;
                end += 1;
                if w.forced_break {
                    break;
                }
            }
            let last = end == self.words.len() || self.words[end - 1].forced_break;
            out.push((i, self.set_line(i..end, indent, avail, last)));
            i = end;
        }
        out
    }

    fn set_line(&self, words: Range<usize>, indent: f32, avail: f32, last: bool) -> Line {
        let ws = &self.words[words.clone()];
        let trailing = ws.last().map_or(0.0, |w| w.trailing_space);
        let natural: f32 = ws.iter().map(|w| w.width).sum::<f32>() - trailing;
        // Spaces that stretch: every inter-word space, not the one at the end
        // (a word that ends in a hyphen has none).
        let stretchable = ws[..ws.len().saturating_sub(1)]
            .iter()
            .filter(|w| w.trailing_space > 0.0)
            .count();
        let slack = avail - natural;
        let (mut x, extra) = match self.align {
            Align::Justify if !last && stretchable > 0 && slack > 0.0 => {
                (indent, slack / stretchable as f32)
            }
            Align::Right => (indent + slack.max(0.0), 0.0),
            Align::Center => (indent + slack.max(0.0) / 2.0, 0.0),
            _ => (indent, 0.0),
        };
        let mut height: f32 = self.leading;
        let mut ascent: f32 = 0.0;
        let mut runs: Vec<GlyphRun> = Vec::new();
        let mut links: Vec<(f32, f32, String)> = Vec::new();
        let mut footnotes = Vec::new();
        for (wi, word) in ws.iter().enumerate() {
            let stretch = if wi + 1 < ws.len() && word.trailing_space > 0.0 {
                extra
            } else {
                0.0
            };
            for (pi, piece) in word.pieces.iter().enumerate() {
                let atom = &self.atoms[piece.atom];
                let last_piece = pi + 1 == word.pieces.len();
                let mut glyphs = piece.glyphs.clone();
                let mut width = piece.width;
                if last_piece && stretch > 0.0 {
                    // Put the stretch on the word's last space glyph.
                    if let Some(g) = glyphs.iter_mut().rev().find(|g| {
                        self.text
                            [piece.range.start + g.range.start..piece.range.start + g.range.end]
                            .chars()
                            .all(char::is_whitespace)
                    }) {
                        g.advance += stretch;
                        width += stretch;
                    }
                }
                height = height.max(atom.style.size * 1.15);
                if atom.footnote.is_none() {
                    ascent = ascent.max(atom.style.size);
                }
                if let Some(href) = &atom.link {
                    let w = if last_piece {
                        width - piece.trailing_space
                    } else {
                        width
                    };
                    match links.last_mut() {
                        Some((lx, lw, h)) if h == href && (*lx + *lw - x).abs() < 0.5 + stretch => {
                            *lw = x + w - *lx
                        }
                        _ => links.push((x, w, href.clone())),
                    }
                }
                if let Some(n) = atom.footnote {
                    footnotes.push(n);
                }
                let text = &self.text[piece.range.clone()];
                match runs.last_mut() {
                    // Words of one style on a line make one run: a smaller
                    // file, and text that extracts as a line.
                    Some(prev)
                        if prev.face == atom.face
                            && prev.size == atom.style.size
                            && prev.color == atom.style.color
                            && prev.y == -atom.rise
                            && prev.underline == atom.style.underline
                            && (prev.x + prev.width() - x).abs() < 0.001 =>
                    {
                        let offset = prev.text.len();
                        prev.text.push_str(text);
                        prev.glyphs.extend(glyphs.into_iter().map(|mut g| {
                            g.range = g.range.start + offset..g.range.end + offset;
                            g
                        }));
                    }
                    _ => runs.push(GlyphRun {
                        x,
                        y: -atom.rise,
                        face: atom.face,
                        size: atom.style.size,
                        color: atom.style.color,
                        glyphs,
                        text: text.to_string(),
                        underline: atom.style.underline,
                    }),
                }
                x += width;
            }
        }
        // Half-leading: the space the leading adds beyond the font's own
        // height (Noto: 1.07 above, 0.29 below the baseline) is shared
        // equally above and below.
        let ascent = if ascent > 0.0 {
            ascent
        } else {
            self.leading / 1.36
        };
        let baseline = (height - 1.36 * ascent) / 2.0 + 1.07 * ascent;
        Line {
            height,
            baseline,
            runs,
            links,
            footnotes,
            overflow: (natural - avail).max(0.0),
        }
    }
}

fn shape_words(text: &str, atoms: &[Atom], shaper: &Shaper) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start = 0;
    for (end, opportunity) in unicode_linebreak::linebreaks(text) {
        if end <= start {
            continue;
        }
        let forced = matches!(opportunity, unicode_linebreak::BreakOpportunity::Mandatory)
            && text[start..end].ends_with('\n');
        let word_text = &text[start..end];
        let mut pieces = Vec::new();
        for (ai, atom) in atoms.iter().enumerate() {
            let lo = atom.range.start.max(start);
            let hi = atom.range.end.min(end);
            if lo >= hi {
                continue;
            }
            let piece_text = text[lo..hi].trim_end_matches('\n');
            if piece_text.is_empty() {
                continue;
            }
            let hi = lo + piece_text.len();
            let scale = atom.style.size / shaper.face(atom.face).units_per_em;
            let shaped = shaper.shape(atom.face, piece_text);
            let mut glyphs: Vec<PlacedGlyph> = Vec::with_capacity(shaped.len());
            for (gi, g) in shaped.iter().enumerate() {
                let cluster_end = shaped[gi + 1..]
                    .iter()
                    .map(|n| n.cluster)
                    .find(|&c| c != g.cluster)
                    .unwrap_or(piece_text.len() as u32);
                let (cs, ce) = (
                    g.cluster as usize,
                    (cluster_end as usize).max(g.cluster as usize),
                );
                glyphs.push(PlacedGlyph {
                    id: g.id,
                    advance: g.advance as f32 * scale + atom.style.letter_spacing,
                    x_offset: g.x_offset as f32 * scale,
                    y_offset: g.y_offset as f32 * scale,
                    range: cs..ce,
                });
            }
            let width: f32 = glyphs.iter().map(|g| g.advance).sum();
            let trailing_space: f32 = glyphs
                .iter()
                .rev()
                .take_while(|g| piece_text[g.range.clone()].chars().all(char::is_whitespace))
                .map(|g| g.advance)
                .sum();
            pieces.push(Piece {
                atom: ai,
                range: lo..hi,
                glyphs,
                width,
                trailing_space,
            });
        }
        let _ = word_text;
        let width = pieces.iter().map(|p| p.width).sum();
        let trailing_space = pieces.last().map_or(0.0, |p| p.trailing_space);
        if !pieces.is_empty() {
            words.push(Word {
                pieces,
                width,
                trailing_space,
                forced_break: forced,
            });
        } else if let (true, Some(w)) = (forced, words.last_mut()) {
            w.forced_break = true;
        }
        start = end;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, align: Align) -> Paragraph {
        let style = Style {
            align,
            size: 10.0,
            leading: 13.0,
            ..Style::default()
        };
        let spans = vec![Span {
            content: SpanContent::Text(text.into()),
            style: style.clone(),
            link: None,
        }];
        Paragraph::new(
            &spans,
            &style,
            &Shaper::new(),
            &Numbers::default(),
            &mut 0,
            &mut |_, _| {},
        )
    }

    const TEXT: &str = "Kazakhstan has an appalling human rights record. As Reporters Without Borders reports the state has control over independent media, NGOs, civil society, and, most critically, independent trade unions effectively crushing dissent.";

    #[test]
    fn lines_fit_the_measure_and_keep_every_word() {
        let p = para(TEXT, Align::Left);
        let lines = p.lines(0, 150.0);
        assert!(lines.len() > 3);
        let mut joined = String::new();
        for (_, line) in &lines {
            assert_eq!(line.overflow, 0.0);
            let width: f32 = line.runs.iter().map(|r| r.width()).sum();
            let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
            assert!(
                width - text.ends_with(' ') as u8 as f32 * 3.0 <= 150.0 + 3.0,
                "{text}: {width}"
            );
            joined.push_str(&text);
        }
        assert_eq!(joined, TEXT);
    }

    #[test]
    fn justified_lines_end_at_the_measure() {
        let p = para(TEXT, Align::Justify);
        let lines = p.lines(0, 160.0);
        for (_, line) in &lines[..lines.len() - 1] {
            let last = line.runs.last().unwrap();
            let trailing: f32 = last
                .glyphs
                .iter()
                .rev()
                .take_while(|g| last.text[g.range.clone()].trim().is_empty())
                .map(|g| g.advance)
                .sum();
            let end = last.x + last.width() - trailing;
            assert!((end - 160.0).abs() < 0.05, "line ends at {end}");
        }
    }

    #[test]
    fn a_line_break_forces_a_new_line() {
        let style = Style::default();
        let spans = vec![
            Span {
                content: SpanContent::Text("one".into()),
                style: style.clone(),
                link: None,
            },
            Span {
                content: SpanContent::LineBreak,
                style: style.clone(),
                link: None,
            },
            Span {
                content: SpanContent::Text("two".into()),
                style: style.clone(),
                link: None,
            },
        ];
        let p = Paragraph::new(
            &spans,
            &style,
            &Shaper::new(),
            &Numbers::default(),
            &mut 0,
            &mut |_, _| {},
        );
        assert_eq!(p.lines(0, 500.0).len(), 2);
    }
}
