//! Where a paragraph's lines may break: the Unicode line breaking rules
//! (`unicode-linebreak`), and hyphenation points from `hypher`'s patterns
//! for English and Russian.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;

use crate::language_tag::Lang;

/// Fewest letters before and after a hyphenation point.
pub(super) const LEFT_MIN: usize = 2;
pub(super) const RIGHT_MIN: usize = 3;
/// Most letters of a word that is hyphenated. The longest English and
/// Russian words in use have some 45; a longer run of letters is pasted
/// text, whose every hyphenation point the line breaker would weigh against
/// every other (a single 100,000-letter "word" took a second, four times
/// that for twice the letters).
pub(super) const MAX_HYPHENATED_LETTERS: usize = 80;

/// The hyphenation patterns' answer for each word a worker has met: most
/// words of a text, and of every copy, come again. The key is the word
/// alone: its letters choose the patterns. Part of the worker's
/// `LayoutMemo`, under its bound.
#[derive(Default)]
pub struct HyphenationMemo {
    points: RefCell<HashMap<Box<str>, Vec<usize>>>,
    /// Roughly how many bytes it holds.
    weight: Cell<usize>,
}

impl HyphenationMemo {
    pub fn weight(&self) -> usize {
        self.weight.get()
    }

    pub fn clear(&self) {
        self.points.borrow_mut().clear();
        self.weight.set(0);
    }
}

/// The hyphenation points of `word` in `lang` (byte offsets into the word
/// where a new syllable starts), or none where it must not be hyphenated.
pub fn hyphenation_points(word: &str, lang: Lang, memo: &HyphenationMemo) -> Vec<usize> {
    // Only plain words: no digits, no URLs or addresses, no capitalised
    // acronyms, and long enough to be worth it. hypher has no Kazakh
    // patterns, and Russian ones would break Kazakh words where Kazakh does
    // not: a word with a letter of Kazakh's own is never hyphenated by them,
    // whatever the text's language. One pass over the letters, as this is
    // asked of every word of every paragraph.
    let (mut letters, mut cyrillic) = (0, false);
    for c in word.chars() {
        let capital_inside = letters > 0 && c.is_uppercase();
        if !c.is_alphabetic() || capital_inside || is_kazakh_letter(c) {
            return Vec::new();
        }
        cyrillic |= ('\u{400}'..='\u{52f}').contains(&c);
        letters += 1;
        if letters > MAX_HYPHENATED_LETTERS {
            return Vec::new();
        }
    }
    if letters < LEFT_MIN + RIGHT_MIN {
        return Vec::new();
    }
    let patterns = match (cyrillic, lang) {
        (true, Lang::Russian | Lang::English | Lang::Other) => hypher::Lang::Russian,
        // Latin words in a Russian text are the profile's untranslated
        // English (its sections without a `.ru.md`), and names.
        (false, Lang::English | Lang::Russian) => hypher::Lang::English,
        _ => return Vec::new(),
    };
    if let Some(hit) = memo.points.borrow().get(word) {
        return hit.clone();
    }
    let mut points = Vec::new();
    let mut at = 0;
    for syllable in hypher::hyphenate_bounded(word, patterns, LEFT_MIN, RIGHT_MIN) {
        if at > 0 {
            points.push(at);
        }
        at += syllable.len();
    }
    memo.weight
        .set(memo.weight.get() + word.len() + points.len() * 8 + 48);
    (memo.points.borrow_mut()).insert(word.into(), points.clone());
    points
}

/// The letters Kazakh's Cyrillic alphabet has and Russian's has not.
fn is_kazakh_letter(c: char) -> bool {
    // All of them lie in the Cyrillic block; most letters asked about do not.
    ('\u{400}'..='\u{4ff}').contains(&c) && "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c)
}

/// Where lines may break: the Unicode rules, and in web addresses also
/// after each dot, so a long address need not leave a gappy line. No line
/// starts with a dash (“12 noon – 2 pm”): the dash stays at the end of the
/// line before, as typesetters do. No line ends in a
/// hyphen or dash of the text that runs on into the next word
/// (“poll-monitoring”, “mid-2011”, “12–14”): text extractors (poppler,
/// pdf.js) take a hyphen at a line's end for one handbill added and drop it,
/// and put a space after a dash; copied text would lose the hyphen or gain
/// a space. Such a word still breaks at its hyphenation points.
pub(super) fn break_opportunities(text: &str) -> Vec<(usize, unicode_linebreak::BreakOpportunity)> {
    let mut out: Vec<(usize, unicode_linebreak::BreakOpportunity)> =
        unicode_linebreak::linebreaks(text)
            .filter(|(at, _)| {
                let next = text[*at..].chars().next();
                let joined = text[..*at].ends_with(['-', '\u{2010}', '–', '—'])
                    && next.is_some_and(|c| !c.is_whitespace());
                let dash_opens_line = matches!(next, Some('–' | '—'));
                !dash_opens_line && !joined
            })
            .collect();
    let mut extra = Vec::new();
    for run in runs_between_white_space(text) {
        let token = &text[run.clone()];
        // `contains(':')` first: a one-byte search, where a
        // three-byte one sets up a searcher for every token.
        if (token.contains(':') && token.contains("://")) || token.starts_with("www.") {
            let scheme_end = token.find("://").map_or(0, |p| p + 3);
            for (j, d) in token.char_indices().skip_while(|(j, _)| *j < scheme_end) {
                let at = run.start + j + d.len_utf8();
                if matches!(d, '.' | '?' | '&' | '=' | '_') && at < run.end {
                    extra.push((at, unicode_linebreak::BreakOpportunity::Allowed));
                }
            }
        }
    }
    out.extend(extra);
    out.sort_by_key(|(at, _)| *at);
    out.dedup_by_key(|(at, _)| *at);
    out
}

/// The runs of `text` between white space (none empty), in order.
fn runs_between_white_space(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    text.char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .filter_map(move |(i, c)| {
            if !c.is_whitespace() {
                return None;
            }
            let run = start..i;
            start = i + c.len_utf8();
            (!run.is_empty()).then_some(run)
        })
}

/// The web and e-mail addresses of a paragraph's text, which must never get
/// a hyphen that is not their own: the runs of it between white space that
/// hold "://", "www." or "@". Found in one pass, and asked about word by
/// word in order, so a run of many words (text broken by zero-width spaces
/// and no spaces, as Thai and Chinese are) costs no more than its length.
pub(super) struct Addresses {
    runs: Vec<Range<usize>>,
    /// The first run that may still touch the next word asked about.
    next: usize,
}

impl Addresses {
    pub(super) fn of(text: &str) -> Addresses {
        let runs = runs_between_white_space(text)
            .filter(|run| {
                let run = &text[run.clone()];
                // One-byte searches first: a longer one sets up a searcher.
                (run.contains(':') && run.contains("://"))
                    || (run.contains('.') && run.contains("www."))
                    || run.contains('@')
            })
            .collect();
        Addresses { runs, next: 0 }
    }

    /// Whether the word at `start..end` is part of an address, or the run
    /// after it is where the word ends in white space (a word ends after
    /// its space). Words are asked about in the order of the text.
    pub(super) fn touch(&mut self, start: usize, end: usize) -> bool {
        while self.runs.get(self.next).is_some_and(|r| r.end < start) {
            self.next += 1;
        }
        self.runs.get(self.next).is_some_and(|r| r.start <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The address check as it was, word by word: the text between the
    /// white space before the word and the white space after it.
    fn in_address_by_scanning(text: &str, start: usize, end: usize) -> bool {
        let from = text[..start]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let to = text[end..]
            .find(char::is_whitespace)
            .map_or(text.len(), |i| end + i);
        let token = &text[from..to];
        token.contains("://") || token.contains("www.") || token.contains('@')
    }

    #[test]
    fn words_longer_than_any_in_use_are_not_hyphenated() {
        let memo = HyphenationMemo::default();
        let word = "Supercalifragilisticexpialidociousantidisestablishmentarianism";
        assert!(!hyphenation_points(word, Lang::English, &memo).is_empty());
        let pasted = word.repeat(2).to_lowercase();
        assert!(pasted.chars().count() > MAX_HYPHENATED_LETTERS);
        assert!(hyphenation_points(&pasted, Lang::English, &memo).is_empty());
    }

    #[test]
    fn addresses_are_found_in_one_pass_as_by_scanning_each_word() {
        let texts = [
            "Write to campaigns@example.org or see https://example.org/a?b=c now.",
            "See www.hrw.org\u{2009}today, mid-2011, and the report.",
            " leading space, http://x.y/z\u{3000}then words",
            "a\u{200b}b\u{200b}www.example.org\u{200b}c\u{200b}d e",
            "中文字中文字 mail@example.org 中文字",
            "no address at all here",
            "",
        ];
        for text in texts {
            let mut addresses = Addresses::of(text);
            let mut start = 0;
            let mut found = 0;
            for (end, _) in break_opportunities(text) {
                if end <= start {
                    continue;
                }
                let expected = in_address_by_scanning(text, start, end);
                assert_eq!(
                    addresses.touch(start, end),
                    expected,
                    "{text:?}: the word {:?}",
                    &text[start..end]
                );
                found += usize::from(expected);
                start = end;
            }
            // Asked about only some of the words (the others are not to be
            // hyphenated anyway), it answers as for all of them.
            let mut addresses = Addresses::of(text);
            let mut start = 0;
            for (i, (end, _)) in break_opportunities(text).into_iter().enumerate() {
                if end > start && i % 3 == 1 {
                    let expected = in_address_by_scanning(text, start, end);
                    assert_eq!(addresses.touch(start, end), expected, "{text:?}");
                }
                start = start.max(end);
            }
            // The texts with an address have words in it.
            assert_eq!(
                found > 0,
                text.contains(['@', '/']) || text.contains("www."),
                "{text:?}"
            );
        }
    }

    #[test]
    fn no_line_starts_with_a_spaced_dash() {
        for text in ["12 noon – 2 pm", "the regime — and its allies"] {
            let starts: Vec<&str> = break_opportunities(text)
                .iter()
                .map(|(at, _)| &text[*at..])
                .collect();
            assert!(
                starts.iter().all(|s| !s.starts_with(['–', '—'])),
                "{text}: {starts:?}"
            );
            // The break moves after the dash.
            assert!(
                starts
                    .iter()
                    .any(|s| s.starts_with("2 pm") || s.starts_with("and")),
                "{starts:?}"
            );
        }
    }

    #[test]
    fn no_line_ends_in_a_hyphen_or_dash_of_the_text_that_runs_on() {
        // Extractors would drop the hyphen ("pollmonitoring") or add a space.
        for text in [
            "poll-monitoring body",
            "mid-2011",
            "2012–2013 and",
            "the state—its",
        ] {
            let ends: Vec<&str> = break_opportunities(text)
                .iter()
                .map(|(at, _)| &text[..*at])
                .collect();
            assert!(
                ends.iter()
                    .all(|e| e.len() == text.len() || e.ends_with(' ')),
                "{text}: {ends:?}"
            );
        }
        // A hyphen before a space still ends a line: "pre- and post-war".
        let ends: Vec<usize> = break_opportunities("pre- and")
            .iter()
            .map(|b| b.0)
            .collect();
        assert!(ends.contains(&5), "{ends:?}");
    }

    #[test]
    fn hyphenation_follows_the_language_and_spares_what_it_must() {
        let cut = |w: &str, lang| {
            let points = hyphenation_points(w, lang, &HyphenationMemo::default());
            let mut out = w.to_string();
            for p in points.iter().rev() {
                out.insert(*p, '-');
            }
            out
        };
        assert_eq!(cut("independent", Lang::English), "in-de-pen-dent");
        assert_eq!(cut("государство", Lang::Russian), "го-су-дар-ство");
        // Cyrillic words in an English text take Russian patterns, and
        // Latin words in a Russian text (untranslated sections) English ones.
        assert_eq!(cut("государство", Lang::English), "го-су-дар-ство");
        assert_eq!(cut("independent", Lang::Russian), "in-de-pen-dent");
        assert_eq!(cut("NGOs", Lang::English), "NGOs", "no acronyms");
        assert_eq!(
            cut("www.hrw.org", Lang::English),
            "www.hrw.org",
            "no addresses"
        );
        assert_eq!(cut("2011", Lang::English), "2011");
        assert_eq!(cut("independent", Lang::Kazakh), "independent");
        // Kazakh is set without hyphens: hypher has no Kazakh patterns, and
        // a Kazakh word in any text is spared the Russian ones.
        for lang in [Lang::Kazakh, Lang::Russian, Lang::English] {
            assert_eq!(cut("мемлекеттік", lang), "мемлекеттік", "{lang:?}");
            assert_eq!(cut("Жаңаөзендегі", lang), "Жаңаөзендегі", "{lang:?}");
        }
        assert_eq!(cut("государство", Lang::Kazakh), "государство");
        // Russian patterns would cut it so: the letters Russian has not.
        assert_ne!(
            hypher::hyphenate("мемлекеттік", hypher::Lang::Russian).count(),
            1
        );
    }

    #[test]
    fn a_word_met_again_is_looked_up_not_hyphenated_again() {
        let memo = HyphenationMemo::default();
        let first = hyphenation_points("independent", Lang::English, &memo);
        let weight = memo.weight();
        assert!(weight > 0);
        assert_eq!(
            hyphenation_points("independent", Lang::English, &memo),
            first
        );
        assert_eq!(memo.weight(), weight, "nothing added");
        memo.clear();
        assert_eq!(memo.weight(), 0);
    }
}
