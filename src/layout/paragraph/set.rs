//! Setting one line of a paragraph: its words' glyphs placed from the
//! left, the spaces justified (and the letters spaced and expanded, each
//! within 2 %) to the measure, the hyphen added at a break, punctuation hung into the margin.

use super::*;
use std::sync::Arc;

impl Paragraph {
    pub(super) fn set_line(
        &self,
        from: Pos,
        to: Pos,
        hyphenated: bool,
        indent: f32,
        avail: f32,
        last: bool,
    ) -> Line {
        // The words on the line, each with the glyphs of its first piece
        // that belong here (all of them but at a hyphenation break).
        let end_word = if to.glyph > 0 { to.word + 1 } else { to.word };
        let span: Vec<(usize, usize, Option<usize>)> = (from.word..end_word.min(self.words.len()))
            .map(|wi| {
                let first = if wi == from.word { from.glyph } else { 0 };
                let stop = (wi == to.word && to.glyph > 0).then_some(to.glyph);
                (wi, first, stop)
            })
            .collect();
        let piece_width = |piece: &Piece, first: usize, stop: Option<usize>| -> f32 {
            piece.glyphs[first..stop.unwrap_or(piece.glyphs.len())]
                .iter()
                .map(|g| g.advance)
                .sum()
        };
        let word_width = |&(wi, first, stop): &(usize, usize, Option<usize>)| -> f32 {
            let w = &self.words[wi];
            match (w.pieces.as_slice(), first, stop) {
                (_, 0, None) => w.width,
                ([piece], _, _) => piece_width(piece, first, stop),
                _ => w.width,
            }
        };
        let hyphen_width = if hyphenated {
            span.last()
                .and_then(|&(wi, ..)| self.words[wi].hyphen)
                .map_or(0.0, |h| h.1)
        } else {
            0.0
        };
        let ends_with_space = span
            .last()
            .is_some_and(|&(wi, _, stop)| stop.is_none() && self.words[wi].trailing_space > 0.0);
        let trailing = if ends_with_space {
            span.last()
                .map_or(0.0, |&(wi, ..)| self.words[wi].trailing_space)
        } else {
            0.0
        };
        let natural: f32 = span.iter().map(word_width).sum::<f32>() - trailing + hyphen_width;
        // Spaces that stretch or shrink: every inter-word space on the line.
        let stretchable: f32 = span[..span.len().saturating_sub(1)]
            .iter()
            .map(|&(wi, ..)| self.words[wi].trailing_space)
            .sum();
        // A justified line's last hyphen or stop hangs into the margin, as
        // the line breaker counted (optical margin alignment).
        let hang = match span.last() {
            Some(&(wi, _, stop)) if self.align == Align::Justify && !last => {
                let word = &self.words[wi];
                match (hyphenated, stop) {
                    (true, _) => word.hyphen.map_or(0.0, |(_, w)| hang_share('-') * w),
                    (false, None) => right_hang(word, &self.text),
                    (false, Some(_)) => 0.0,
                }
            }
            _ => 0.0,
        };
        let avail = avail + hang;
        let slack = avail - natural;
        // The last line keeps its natural spaces unless it is too long: then
        // it shrinks them, as the line breaker counted on (TeX does the
        // same; its \parfillskip only stretches).
        let justify = self.align == Align::Justify && (!last || slack < 0.0) && stretchable > 0.0;
        // The letters (all but the spaces) take their share of the slack, up
        // to LETTER_SPACING + GLYPH_EXPANSION of their width; the spaces take
        // the rest (as the line breaker counted).
        let letter_room = self.letter_room() * (natural - stretchable).max(0.0);
        // Shrink no further than spaces and letters allow; an overfull line
        // stays overfull.
        let slack_used = if justify {
            slack.max(-(stretchable * SHRINK + letter_room))
        } else {
            0.0
        };
        let letter_share = if !justify {
            0.0
        } else if slack_used >= 0.0 {
            (slack_used / (stretchable * STRETCH + letter_room)).min(1.0)
        } else {
            slack_used / (stretchable * SHRINK + letter_room)
        };
        let letter_scale = 1.0 + letter_share * self.letter_room();
        let expansion = match self.letter_room() > 0.0 {
            true => 1.0 + letter_share * GLYPH_EXPANSION,
            false => 1.0,
        };
        let slack_used = slack_used - letter_share * letter_room;
        let (mut x, per_point) = match self.align {
            _ if justify => (indent, slack_used / stretchable),
            Align::Right => (indent + slack.max(0.0), 0.0),
            Align::Center => (indent + slack.max(0.0) / 2.0, 0.0),
            _ => (indent, 0.0),
        };
        let ratio = if !justify {
            0.0
        } else if slack_used >= 0.0 {
            slack_used / (stretchable * STRETCH)
        } else {
            slack_used / (stretchable * SHRINK)
        };
        let mut height: f32 = self.leading;
        let mut ascent: f32 = 0.0;
        // Each run with its glyphs, which grow as words of its style follow.
        // Each run's glyphs and text grow as words join it.
        let mut runs: Vec<(GlyphRun, Vec<PlacedGlyph>, String)> = Vec::new();
        let mut links: Vec<(f32, f32, std::sync::Arc<str>)> = Vec::new();
        let mut footnotes = Vec::new();
        // Whether the last piece on the line that was not a space was part
        // of a link.
        let mut linked_before = false;
        for (si, &(wi, first, stop)) in span.iter().enumerate() {
            let word = &self.words[wi];
            let last_word = si + 1 == span.len();
            let stretch = if !last_word {
                word.trailing_space * per_point
            } else {
                0.0
            };
            for (pi, piece) in word.pieces.iter().enumerate() {
                let atom = &self.atoms[piece.atom];
                let last_piece = pi + 1 == word.pieces.len();
                let (g0, g1) = if word.pieces.len() == 1 {
                    (first, stop.unwrap_or(piece.glyphs.len()))
                } else {
                    (0, piece.glyphs.len())
                };
                let mut glyphs: Vec<PlacedGlyph> = piece.glyphs[g0..g1].to_vec();
                // Right-to-left text puts its glyphs in the reverse order of
                // its letters: take the span they cover, not the ends.
                let text_start = glyphs.iter().map(|g| g.text().start).min().unwrap_or(0);
                let text_end = glyphs.iter().map(|g| g.text().end).max().unwrap_or(0);
                // Where this piece's glyphs' text starts in the paragraph's.
                let at = piece.range.start + text_start;
                let is_space = |g: &PlacedGlyph| {
                    let r = g.text();
                    self.text[at + r.start..at + r.end]
                        .chars()
                        .all(char::is_whitespace)
                };
                for g in &mut glyphs {
                    *g = g.clone().text_from(g.text().start - text_start);
                    if !is_space(g) {
                        g.advance *= letter_scale;
                    }
                }
                let mut width = PlacedGlyph::width_of(&glyphs);
                if last_piece && stretch != 0.0 {
                    // The stretch goes on the word's last space glyph.
                    if let Some(g) = glyphs.iter_mut().rev().find(|g| is_space(g)) {
                        g.advance += stretch;
                        width += stretch;
                    }
                }
                let text_len = text_end - text_start;
                let mut text = Cow::Borrowed(&self.text[at..piece.range.start + text_end]);
                // The added hyphen is a hyphen-minus in the text: what poppler
                // and pdf.js both read as a word broken at the line's end, and
                // join (docs/decisions.md).
                if let (true, Some((id, advance))) =
                    (last_word && last_piece && hyphenated, word.hyphen)
                {
                    let advance = advance * letter_scale;
                    glyphs.push(PlacedGlyph::new(id, advance, text_len..text_len + 1));
                    text.to_mut().push('-');
                    width += advance;
                }
                height = height.max(atom.style.size * 1.15);
                if atom.footnote.is_none() {
                    ascent = ascent.max(atom.style.size);
                }
                if let Some(href) = &atom.link {
                    let w = if last_piece {
                        width - piece.trailing_space.min(width)
                    } else {
                        width
                    };
                    // The words of one link on a line make one box, across
                    // their spaces: one annotation (and one copy of the
                    // address in the PDF) a line, not a word.
                    match links.last_mut() {
                        Some((lx, lw, h)) if linked_before && h == href => *lw = x + w - *lx,
                        _ => links.push((x, w, href.clone())),
                    }
                }
                // Links to one place with only spaces between them are one
                // box too (a list of links to one page, a hostile
                // paragraph of 100,000 of them).
                if atom.link.is_some() || !text.chars().all(char::is_whitespace) {
                    linked_before = atom.link.is_some();
                }
                if let Some(n) = atom.footnote {
                    footnotes.push(n);
                }
                match runs.last_mut() {
                    // Words of one style on a line make one run: a smaller
                    // file, and text that extracts as a line.
                    Some((prev, prev_glyphs, prev_text))
                        if prev.face == piece.face
                            && prev.size == atom.style.size
                            && prev.color == atom.style.color
                            && prev.y == -atom.rise
                            && prev.underline == atom.style.underline
                            && (prev.x + PlacedGlyph::width_of(prev_glyphs) - x).abs() < 0.001 =>
                    {
                        let offset = prev_text.len();
                        prev_text.push_str(&text);
                        prev_glyphs.extend(
                            glyphs
                                .into_iter()
                                .map(|g| g.clone().text_from(g.text().start + offset)),
                        );
                    }
                    _ => runs.push((
                        GlyphRun {
                            x,
                            y: -atom.rise,
                            face: piece.face,
                            size: atom.style.size,
                            color: atom.style.color,
                            glyphs: Arc::default(),
                            text: Arc::default(),
                            underline: atom.style.underline,
                            expansion,
                        },
                        glyphs,
                        text.into_owned(),
                    )),
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
        // Each run's glyphs and text go into one allocation of their own
        // size, shared by the pages that place the line.
        let runs = (runs.into_iter())
            .map(|(run, glyphs, text)| GlyphRun {
                glyphs: glyphs.into(),
                text: text.into(),
                ..run
            })
            .collect();
        Line {
            height,
            baseline,
            runs,
            links,
            footnotes,
            overflow: (natural - avail - (stretchable * SHRINK + letter_room) * f32::from(justify))
                .max(0.0),
            ratio,
            hyphenated,
            letter_scale,
        }
    }
}
