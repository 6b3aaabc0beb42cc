//! Where a paragraph on a page came from: its section file and line,
//! found by its first words in the sections' Markdown.
//!
//! The laid-out pages say which structure element each piece of text is
//! part of, not which line of which file it was written on. Until they do,
//! the preview finds each paragraph's first words in the Markdown of the
//! sections the briefing selected (and their translations), words compared
//! without case, punctuation or Markdown marks. A paragraph whose first
//! words are found nowhere, or in more than one place, gets no source:
//! better none than a wrong one.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::layout::{Item, Mark, Pages, Role};
use crate::model::Section;

use super::svg::Sources;

/// How many words of a paragraph must be found together.
const WORDS: usize = 4;

/// The sources of the paragraphs, headings, list items, captions and notes
/// on `pages`, with the files named from `project`.
pub fn find(pages: &Pages, sections: &[Section], project: &Path) -> Sources {
    // Each element's first words, from its runs in the order drawn.
    let mut text: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for page in &pages.pages {
        for placed in &page.items {
            if let (Mark::Element(n), Item::Text(run)) = (placed.mark, &placed.item) {
                let words = text.entry(n).or_default();
                if words.len() < WORDS + 2 {
                    words.extend(words_of(&run.text));
                }
            }
        }
    }
    let index = Index::new(sections, project);
    let mut out = Sources::new();
    for (n, words) in text {
        let Some(element) = pages.structure.get(n) else {
            continue;
        };
        if matches!(
            element.role,
            Role::Label | Role::Contents | Role::ContentsEntry | Role::Flow { .. }
        ) {
            continue;
        }
        // Where the layout knows the section line, that; else the words.
        if let Some(at) = crate::layout::source_of(&pages.structure, Mark::Element(n)) {
            out.insert(n, at.to_string());
            continue;
        }
        // A heading's number (`2.1`) or a list's label may come first.
        let found = (0..3)
            .filter_map(|skip| words.get(skip..skip + WORDS))
            .find_map(|w| index.unique(w));
        if let Some(place) = found {
            out.insert(n, place);
        }
    }
    out
}

/// Words as compared: letters and digits, lower case.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of the sections' Markdown, each with its file and line.
struct Index {
    words: Vec<(String, usize, usize)>,
    files: Vec<String>,
    /// Where each word starts a run of words.
    starts: HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(sections: &[Section], project: &Path) -> Index {
        let mut index = Index {
            words: Vec::new(),
            files: Vec::new(),
            starts: HashMap::new(),
        };
        let all = sections
            .iter()
            .flat_map(|s| std::iter::once(s).chain(s.translations.values()));
        for section in all {
            let file = section.file.strip_prefix(project).unwrap_or(&section.file);
            index.files.push(file.display().to_string());
            let f = index.files.len() - 1;
            for (i, line) in section.body.lines().enumerate() {
                for word in words_of(line) {
                    index.words.push((word, f, section.body_line + i));
                }
            }
        }
        for (at, (word, _, _)) in index.words.iter().enumerate() {
            index.starts.entry(word.clone()).or_default().push(at);
        }
        index
    }

    /// `file:line` where `words` are found together, if in one place only.
    fn unique(&self, words: &[String]) -> Option<String> {
        let mut found = self.starts.get(&words[0])?.iter().filter(|&&at| {
            words
                .iter()
                .enumerate()
                .all(|(k, w)| self.words.get(at + k).is_some_and(|(x, _, _)| x == w))
        });
        let first = *found.next()?;
        if found.next().is_some() {
            return None;
        }
        let (_, f, line) = &self.words[first];
        Some(format!("{}:{line}", self.files[*f]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::colour::Cmyk;
    use crate::layout::{Element, GlyphRun, Page, Placed};

    fn section(file: &str, body: &str, line: usize) -> Section {
        Section {
            id: file.into(),
            title: file.into(),
            tags: vec![],
            audience: crate::model::Audience::Public,
            body: body.into(),
            file: Path::new("/p").join(file),
            body_line: line,
            footnotes: Default::default(),
            translations: BTreeMap::new(),
        }
    }

    fn text(n: usize, t: &str) -> Placed {
        Placed {
            mark: Mark::Element(n),
            item: Item::Text(GlyphRun {
                x: 0.0,
                y: 0.0,
                face: 0,
                size: 10.0,
                color: Cmyk {
                    c: 0.0,
                    m: 0.0,
                    y: 0.0,
                    k: 1.0,
                },
                glyphs: Default::default(),
                text: t.into(),
                underline: false,
                expansion: 1.0,
            }),
        }
    }

    #[test]
    fn paragraphs_are_found_by_their_first_words() {
        let sections = [
            section(
                "a.md",
                "Intro line.\n\nThe **strike** began in\nMay 2011.\n",
                5,
            ),
            section(
                "b.md",
                "Common words are here.\n\nCommon words are here.\n",
                5,
            ),
        ];
        let pages = Pages {
            pages: vec![Page {
                items: vec![
                    text(0, "1.2 The strike"),
                    text(0, "began in May"),
                    text(1, "Common words are here."),
                    text(2, "Nowhere to be found at all"),
                ],
                ..Page::default()
            }],
            structure: vec![
                Element {
                    role: Role::Paragraph,
                    parent: None,
                    source: None,
                    markup_line: 0,
                    markup_at: 0,
                };
                3
            ],
            ..Pages::default()
        };
        let found = find(&pages, &sections, Path::new("/p"));
        assert_eq!(found.get(&0).map(String::as_str), Some("a.md:7"));
        assert_eq!(found.get(&1), None, "found twice: no source");
        assert_eq!(found.get(&2), None);
    }
}
