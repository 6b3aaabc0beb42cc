//! A paragraph's words, shaped: its text in stretches of one style
//! (atoms), cut at the break opportunities into words, each shaped in its
//! face (or the fallback's, for glyphs the face lacks), with the places it
//! may be hyphenated.

use std::ops::Range;

use crate::layout::breaks::{Addresses, HyphenationMemo, break_opportunities, hyphenation_points};
use crate::layout::font::{FaceId, Shaper};
use crate::layout::pages::PlacedGlyph;
use crate::theme::Style;

/// A stretch of the paragraph's text with one style.
#[derive(Debug, Clone)]
pub(super) struct Atom {
    pub(super) range: Range<usize>,
    pub(super) face: FaceId,
    /// The faces to try for glyphs `face` lacks, in order.
    pub(super) fallbacks: Vec<FaceId>,
    pub(super) style: Style,
    pub(super) link: Option<std::sync::Arc<str>>,
    /// Raised text (footnote marks), in points.
    pub(super) rise: f32,
    /// The footnotes whose marks this atom is.
    pub(super) footnote: Option<usize>,
}

/// The part of one word in one atom.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub(super) atom: usize,
    /// The face the piece is set in: its atom's, or the fallback's where
    /// that has glyphs the atom's face lacks.
    pub(super) face: FaceId,
    pub(super) range: Range<usize>,
    pub(super) glyphs: Vec<PlacedGlyph>,
    pub(super) width: f32,
    /// Width of the whitespace at the end of the piece.
    pub(super) trailing_space: f32,
}

#[derive(Debug, Clone)]
pub(super) struct Word {
    /// Nearly always one (a word in one style and face): kept in the word.
    pub(super) pieces: smallvec::SmallVec<[Piece; 1]>,
    pub(super) width: f32,
    pub(super) trailing_space: f32,
    /// A line must end after this word (a `<br/>`).
    pub(super) forced_break: bool,
    /// Where the word may be hyphenated: glyph indices of its one piece
    /// at which a new syllable starts.
    pub(super) hyphens: Vec<usize>,
    /// The hyphen glyph of the word's face and its advance.
    pub(super) hyphen: Option<(u16, f32)>,
    /// The word ends in a hyphen or dash of its own ("mid-2011"): a break
    /// after it is a hyphenated break.
    pub(super) ends_in_hyphen: bool,
}

/// Shapes the words of `text`, whose styles `atoms` give.
pub(super) fn shape_words(
    text: &str,
    atoms: &[Atom],
    shaper: &Shaper,
    memo: &HyphenationMemo,
) -> Vec<Word> {
    let cuts = cut(text, atoms);
    // The paragraph's words shaped together, face by face (see
    // `Shaper::shape_ahead`), for the loop below to find.
    let mut faces: smallvec::SmallVec<[FaceId; 4]> = smallvec::SmallVec::new();
    for &(ai, _) in cuts.iter().flat_map(|c| &c.parts) {
        if !faces.contains(&atoms[ai].face) {
            faces.push(atoms[ai].face);
        }
    }
    for face in faces {
        let parts = cuts.iter().flat_map(|c| &c.parts);
        let texts = parts.filter(|(ai, _)| atoms[*ai].face == face);
        shaper.shape_ahead(face, texts.map(|(_, range)| &text[range.clone()]));
    }
    let mut words: Vec<Word> = Vec::new();
    let mut addresses = Addresses::of(text);
    for Cut {
        start,
        end,
        forced,
        parts,
    } in cuts
    {
        let mut pieces: smallvec::SmallVec<[Piece; 1]> = smallvec::SmallVec::new();
        for (ai, range) in parts {
            let atom = &atoms[ai];
            let (lo, hi) = (range.start, range.end);
            let piece_text = &text[range];
            let (face, shaped) = shaper.shape_with_fallback(atom.face, &atom.fallbacks, piece_text);
            let scale = atom.style.size / shaper.face(face).units_per_em;
            let texts = glyph_texts(shaped.iter().map(|g| g.cluster), piece_text);
            let glyphs: Vec<PlacedGlyph> = (shaped.iter().zip(texts))
                .map(|(g, text)| {
                    let advance = g.advance as f32 * scale + atom.style.letter_spacing;
                    PlacedGlyph::new(g.id, advance, text).offset_by(g.x_offset, g.y_offset)
                })
                .collect();
            let width: f32 = glyphs.iter().map(|g| g.advance).sum();
            let trailing_space: f32 = glyphs
                .iter()
                .rev()
                .take_while(|g| piece_text[g.text()].chars().all(char::is_whitespace))
                .map(|g| g.advance)
                .sum();
            pieces.push(Piece {
                atom: ai,
                face,
                range: lo..hi,
                glyphs,
                width,
                trailing_space,
            });
        }
        if pieces.is_empty() {
            if let (true, Some(w)) = (forced, words.last_mut()) {
                w.forced_break = true;
            }
            continue;
        }
        let width = pieces.iter().map(|p| p.width).sum();
        let trailing_space = pieces.last().map_or(0.0, |p| p.trailing_space);
        let word_text = text[start..end].trim_end();
        let ends_in_hyphen = word_text.ends_with(['-', '\u{2010}', '\u{2013}', '\u{2014}']);
        let (mut hyphens, mut hyphen) = (Vec::new(), None);
        if let [piece] = pieces.as_slice() {
            let atom = &atoms[piece.atom];
            if atom.style.hyphenate
                && atom.link.is_none()
                && atom.footnote.is_none()
                && !addresses.touch(start, end)
            {
                // Breaks go left to right; a word whose glyphs do not run in
                // the order of its letters (right-to-left script) is not
                // hyphenated at all.
                let in_order = piece
                    .glyphs
                    .windows(2)
                    .all(|w| w[0].text().start <= w[1].text().start);
                // Hyphenate the letters of the word, not its punctuation.
                let piece_text = &text[piece.range.clone()];
                let core_start = piece_text.find(char::is_alphabetic).unwrap_or(0);
                let core_end = piece_text.rfind(char::is_alphabetic).map_or(0, |i| {
                    i + piece_text[i..].chars().next().map_or(1, char::len_utf8)
                });
                if in_order && core_end > core_start {
                    let core = &piece_text[core_start..core_end];
                    let points = match shaper.hyphenation.get(core) {
                        Some(points) => points.clone(),
                        // A compound ("poll-monitoring") is hyphenated part
                        // by part: the patterns know words, not compounds.
                        None => compound_parts(core)
                            .flat_map(|(at, part)| {
                                hyphenation_points(part, atom.style.lang, memo)
                                    .into_iter()
                                    .map(move |p| at + p)
                            })
                            .collect(),
                    };
                    for point in points {
                        // Only between two letters: never beside a hyphen
                        // of the word's own ("poll-monitoring").
                        let between_letters = core[..point]
                            .chars()
                            .next_back()
                            .is_some_and(char::is_alphabetic)
                            && core[point..]
                                .chars()
                                .next()
                                .is_some_and(char::is_alphabetic);
                        if !between_letters {
                            continue;
                        }
                        let byte = core_start + point;
                        // Only where a glyph starts: never inside a ligature.
                        // A search, the glyphs being in order: a scan from
                        // the first cost the square of a very long word.
                        let gi = piece.glyphs.partition_point(|g| g.text().start < byte);
                        if piece.glyphs.get(gi).is_some_and(|g| g.text().start == byte) {
                            hyphens.push(gi);
                        }
                    }
                }
                hyphens.sort_unstable();
                hyphens.dedup();
                hyphens.retain(|&h| h > 0 && h < piece.glyphs.len());
                if !hyphens.is_empty() {
                    let scale = atom.style.size / shaper.face(piece.face).units_per_em;
                    hyphen = shaper
                        .shape(piece.face, "\u{2010}")
                        .first()
                        .map(|g| (g.id, g.advance as f32 * scale));
                }
            }
        }
        words.push(Word {
            pieces,
            width,
            trailing_space,
            forced_break: forced,
            hyphens,
            hyphen,
            ends_in_hyphen,
        });
    }
    words
}

/// A word of a paragraph: its bytes, whether a line must end after it,
/// and the part of it in each atom (without a line break's `\n`).
struct Cut {
    start: usize,
    end: usize,
    forced: bool,
    parts: smallvec::SmallVec<[(usize, Range<usize>); 1]>,
}

/// Cuts `text` at its break opportunities into words, and each word at
/// its atoms' ends.
fn cut(text: &str, atoms: &[Atom]) -> Vec<Cut> {
    let mut cuts = Vec::new();
    let mut start = 0;
    // The first atom the next word may be in: words and atoms both go in
    // the order of the text, so a word looks only at its own atoms.
    let mut first_atom = 0;
    for (end, opportunity) in break_opportunities(text) {
        if end <= start {
            continue;
        }
        let forced = matches!(opportunity, unicode_linebreak::BreakOpportunity::Mandatory)
            && text[start..end].ends_with('\n');
        let mut parts = smallvec::SmallVec::new();
        while atoms.get(first_atom).is_some_and(|a| a.range.end <= start) {
            first_atom += 1;
        }
        for (ai, atom) in atoms.iter().enumerate().skip(first_atom) {
            if atom.range.start >= end {
                break;
            }
            let lo = atom.range.start.max(start);
            let hi = atom.range.end.min(end);
            if lo >= hi {
                continue;
            }
            let piece_text = text[lo..hi].trim_end_matches('\n');
            if !piece_text.is_empty() {
                parts.push((ai, lo..lo + piece_text.len()));
            }
        }
        cuts.push(Cut {
            start,
            end,
            forced,
            parts,
        });
        start = end;
    }
    cuts
}

/// How far a character at the end of a justified line hangs into the
/// right margin, as a share of its width (optical margin alignment, as
/// microtype and Typst do): light marks would otherwise leave the edge
/// looking ragged.
pub(super) fn hang_share(c: char) -> f32 {
    match c {
        '-' | '\u{2010}' | '.' | ',' => 0.5,
        '\'' | '’' | '"' | '”' | '»' => 0.5,
        '–' | '—' => 0.25,
        ':' | ';' => 0.2,
        _ => 0.0,
    }
}

/// How far `word` hangs into the right margin when a line ends after it:
/// its last visible character's share of that glyph's width.
pub(super) fn right_hang(word: &Word, text: &str) -> f32 {
    let Some(piece) = word.pieces.last() else {
        return 0.0;
    };
    let piece_text = &text[piece.range.clone()];
    piece
        .glyphs
        .iter()
        .rev()
        .find(|g| !piece_text[g.text()].trim().is_empty())
        .and_then(|g| {
            let c = piece_text[g.text()].trim_end().chars().next_back()?;
            Some(hang_share(c) * g.advance)
        })
        .unwrap_or(0.0)
}

/// The bytes of `text` each glyph shows, from the glyphs' `clusters` (the
/// byte where each one's cluster starts, in the glyphs' order): its
/// cluster's start to the start of the next glyph's other cluster, empty
/// where that lies before it (right-to-left text), and no more than a glyph
/// holds, cut on a character's boundary.
///
/// One pass from the last glyph back: a cluster of many glyphs (a letter
/// with thousands of accents, a run of joiners) is read once, where a
/// search forward from each glyph for the next cluster read it once per
/// glyph, at the cost of the square of its length.
pub(in crate::layout) fn glyph_texts(
    clusters: impl DoubleEndedIterator<Item = u32>,
    text: &str,
) -> Vec<Range<usize>> {
    let mut texts = Vec::new();
    // The start of the next cluster after the glyph at hand, and the
    // cluster of the glyph after it.
    let (mut next_start, mut after) = (text.len(), None);
    for cluster in clusters.rev() {
        if let Some(a) = after
            && a != cluster
        {
            next_start = a as usize;
        }
        after = Some(cluster);
        let start = cluster as usize;
        let end = next_start.max(start).min(start + PlacedGlyph::MAX_TEXT);
        texts.push(start..text.floor_char_boundary(end));
    }
    texts.reverse();
    texts
}

/// The parts of a word between its hyphens and dashes, each with its byte
/// offset: one part for a plain word.
fn compound_parts(word: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_dash = |c: char| matches!(c, '-' | '\u{2010}' | '–' | '—');
    let mut starts = vec![0];
    starts.extend(
        word.char_indices()
            .filter(|&(_, c)| is_dash(c))
            .map(|(i, c)| i + c.len_utf8()),
    );
    starts.into_iter().map(move |start| {
        let end = word[start..]
            .find(is_dash)
            .map_or(word.len(), |e| start + e);
        (start, &word[start..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each glyph's text as it was found: a search forward from the glyph.
    fn glyph_texts_by_scanning(clusters: &[u32], text: &str) -> Vec<Range<usize>> {
        (clusters.iter().enumerate())
            .map(|(i, &c)| {
                let next = clusters[i + 1..].iter().find(|&&n| n != c);
                c as usize..next.map_or(text.len(), |&n| n as usize).max(c as usize)
            })
            .collect()
    }

    #[test]
    fn each_glyph_shows_its_cluster_as_a_search_forward_finds_it() {
        let cases: [(&str, &[u32]); 5] = [
            ("abc ", &[0, 1, 2, 3]),
            // A ligature ("fi"), then a letter with two marks, one glyph each.
            ("fia\u{301}\u{301} ", &[0, 2, 2, 2, 7]),
            // Right to left: the glyphs run against the text.
            ("\u{5d0}\u{5d1}\u{5d2}", &[4, 2, 0]),
            ("x", &[0]),
            ("", &[]),
        ];
        for (text, clusters) in cases {
            assert_eq!(
                glyph_texts(clusters.iter().copied(), text),
                glyph_texts_by_scanning(clusters, text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_long_cluster_is_read_once_and_cut_where_a_character_starts() {
        // A letter with 40,000 zero-width joiners (three bytes each) set on
        // it, one glyph each: every glyph reads its cluster's text once,
        // where the search forward read 800 million clusters.
        let marks = 40_000;
        let text = format!("a{} b", "\u{200d}".repeat(marks));
        let clusters: Vec<u32> = std::iter::repeat_n(0, marks + 1)
            .chain([text.len() as u32 - 2, text.len() as u32 - 1])
            .collect();
        let reads = std::cell::Cell::new(0);
        let counted = clusters.iter().map(|&c| {
            reads.set(reads.get() + 1);
            c
        });
        let texts = glyph_texts(counted, &text);
        assert_eq!(reads.get(), clusters.len());
        assert_eq!(texts.len(), clusters.len());
        // No more than a glyph holds, and on a boundary: 65,535 would fall
        // inside a joiner.
        assert_eq!(texts[0], 0..65_533);
        assert!(texts.iter().all(|t| text.get(t.clone()).is_some()));
        assert_eq!(
            texts[marks + 1..],
            [text.len() - 2..text.len() - 1, text.len() - 1..text.len()]
        );
    }

    #[test]
    fn a_compound_is_hyphenated_part_by_part() {
        let parts: Vec<(usize, &str)> = compound_parts("poll-monitoring").collect();
        assert_eq!(parts, [(0, "poll"), (5, "monitoring")]);
        let parts: Vec<(usize, &str)> = compound_parts("state—owned").collect();
        assert_eq!(parts, [(0, "state"), (8, "owned")]);
        assert_eq!(compound_parts("because").count(), 1);
    }
}
