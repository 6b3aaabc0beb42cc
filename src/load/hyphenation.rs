//! A briefing's `hyphenation:`: words the hyphenation patterns do not
//! know, each written with a hyphen where it may break (`Kazakh-stan`), or
//! with none where it must not (`Nazarbayev`).
//!
//! An entry is matched against one word of the text at a time, so one
//! that could match none (`Kazakh stan`, an empty one, `Kazakh--stan`)
//! would change nothing, and nothing would say so; and of two entries for
//! the same word, only one could count. Both are refused at their line.

use serde_saphyr::Spanned;

use super::located;
use crate::error::{Error, Result};

const HELP: &str = "write one word with a hyphen where it may break, e.g. `Kazakh-stan`, or without one where it must not break, e.g. `Nazarbayev`";

/// The entries of `hyphenation:` in the briefing `file` (its text `text`),
/// each checked to be one word, and no word given twice.
pub(super) fn read(
    file: &std::path::Path,
    text: &str,
    entries: Vec<Spanned<String>>,
) -> Result<Vec<String>> {
    // Each word (lower case, without its hyphens) with where it was given:
    // a map, so that a list of many thousands is checked in linear time.
    let mut seen: std::collections::HashMap<String, &Spanned<String>> = Default::default();
    for entry in &entries {
        let written = entry.value.trim();
        let parts: Vec<&str> = written.split('-').collect();
        let refuse = |why: &str| {
            Err(
                Error::new(format!("`hyphenation:` entry `{written}` {why}"))
                    .at(located(file, text, &entry.referenced))
                    .help(HELP),
            )
        };
        if written.is_empty() {
            return refuse("is empty");
        }
        if written.chars().any(char::is_whitespace) {
            return refuse("is more than one word: it would match no word of the text");
        }
        if parts.iter().any(|p| p.is_empty()) {
            return refuse(
                "has a hyphen at its start or end, or two together: it would match no word of the text",
            );
        }
        let word: String = parts.concat().to_lowercase();
        if let Some(first) = seen.get(&word) {
            let line = located(file, text, &first.referenced).line;
            return refuse(&format!(
                "gives the word again: line {line} gives it as `{}`, and only one can count",
                first.value.trim()
            ))
            .map_err(|e| e.help("keep the one with the breaks you want, and delete the other"));
        }
        seen.insert(word, entry);
    }
    Ok(entries.into_iter().map(|e| e.value).collect())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Raw {
        hyphenation: Vec<serde_saphyr::Spanned<String>>,
    }

    fn read(text: &str) -> Result<Vec<String>, String> {
        let raw: Raw = serde_saphyr::from_str(text).unwrap();
        super::read(Path::new("b.yaml"), text, raw.hyphenation).map_err(|e| {
            let at = e.location.as_deref().unwrap();
            format!("{}:{} {}", at.line, at.column, e.message)
        })
    }

    #[test]
    fn each_entry_is_one_word_given_once() {
        assert_eq!(
            read("hyphenation: [Kazakh-stan, Kazakh-stan’s, Nazarbayev, Қазақ-стан]\n").unwrap(),
            ["Kazakh-stan", "Kazakh-stan’s", "Nazarbayev", "Қазақ-стан"]
        );
        for (text, says) in [
            (
                "hyphenation:\n  - Zhana-ozen\n  - Kazakh stan\n",
                "3:5 `hyphenation:` entry `Kazakh stan` is more than one word",
            ),
            (
                "hyphenation: ['']\n",
                "1:15 `hyphenation:` entry `` is empty",
            ),
            (
                "hyphenation: [Kazakh--stan]\n",
                "has a hyphen at its start or end, or two together",
            ),
            ("hyphenation: [-Kazakhstan]\n", "has a hyphen at its start"),
            (
                "hyphenation:\n  - Kazakh-stan\n  - Ka-zakhstan\n",
                "3:5 `hyphenation:` entry `Ka-zakhstan` gives the word again: line 2 gives it as `Kazakh-stan`",
            ),
            (
                "hyphenation: [Nazarbayev, nazar-bayev]\n",
                "gives the word again",
            ),
        ] {
            let said = read(text).err().unwrap_or_default();
            assert!(said.contains(says), "{text:?}: {said}");
        }
    }
}
