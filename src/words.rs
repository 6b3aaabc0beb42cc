//! The fixed words: what templates print themselves (`{{t "Contents"}}`),
//! in the briefing's language.
//!
//! Each language's words are a YAML file, `words/LANG.yaml`. English,
//! Russian and Kazakh are built in (the files in handbill's own `words/`
//! folder, compiled into the binary); a project's `words/` folder adds a
//! language or changes some words of one, word by word. A word no file
//! gives is printed in English, and the build says which.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Location, Result, Warning, WarningKind};
use crate::language_tag::primary;

/// The word files compiled into handbill: language, its script, text.
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("en", "Latn", include_str!("../words/en.yaml")),
    ("ru", "Cyrl", include_str!("../words/ru.yaml")),
    ("kk", "Cyrl", include_str!("../words/kk.yaml")),
];

/// The words of the built-in templates, in English, as a template writes
/// them (`{{t "Prepared for"}}`) and as a word file's keys name them.
pub const WORDS: [&str; 9] = [
    "Contents",
    "Page",
    "of",
    "Sources",
    "Prepared for",
    "Delegation",
    "Date",
    "Country profile",
    "Protest",
];

/// A word file, `words/LANG.yaml`: the built-in templates' words in one
/// language, each under its English. A word left out (or left empty, `~`)
/// is printed in English, with a warning; an empty text (`""`) prints
/// nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WordsFile {
    /// The title of a pack's contents.
    #[serde(rename = "Contents", default)]
    pub contents: Option<String>,
    /// Before the page number in "Page 3 of 5".
    #[serde(rename = "Page", default)]
    pub page: Option<String>,
    /// Between the page number and the page count in "Page 3 of 5".
    #[serde(rename = "of", default)]
    pub of: Option<String>,
    /// The heading of a pack's list of sources.
    #[serde(rename = "Sources", default)]
    pub sources: Option<String>,
    /// Before the name of the person a personalised copy is for.
    #[serde(rename = "Prepared for", default)]
    pub prepared_for: Option<String>,
    /// A pack's cover: the label of the delegation.
    #[serde(rename = "Delegation", default)]
    pub delegation: Option<String>,
    /// A pack's cover: the label of the date.
    #[serde(rename = "Date", default)]
    pub date: Option<String>,
    /// A pack's cover: the label of the profile it draws on.
    #[serde(rename = "Country profile", default)]
    pub country_profile: Option<String>,
    /// A leaflet: the kicker above the time and place of the protest.
    #[serde(rename = "Protest", default)]
    pub protest: Option<String>,
    /// Words a project's own templates print with `{{t "…"}}`, each under
    /// its English: `Witnesses: Свидетели`.
    #[serde(default)]
    pub more: BTreeMap<String, String>,
}

impl WordsFile {
    /// The built-in templates' words, each with its text in this file.
    fn entries(&self) -> [(&'static str, Option<&String>); 9] {
        [
            (WORDS[0], self.contents.as_ref()),
            (WORDS[1], self.page.as_ref()),
            (WORDS[2], self.of.as_ref()),
            (WORDS[3], self.sources.as_ref()),
            (WORDS[4], self.prepared_for.as_ref()),
            (WORDS[5], self.delegation.as_ref()),
            (WORDS[6], self.date.as_ref()),
            (WORDS[7], self.country_profile.as_ref()),
            (WORDS[8], self.protest.as_ref()),
        ]
    }
}

/// The fixed words of one briefing's language, ready for its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// The language, as the briefing (or its profile) writes it.
    pub lang: String,
    /// Each word the language has, by its English.
    pub table: BTreeMap<String, String>,
    /// Where the words came from, for messages: `words/ru.yaml (built
    /// in)`, or a project's file.
    pub files: Vec<PathBuf>,
    /// The project's files among them named with the language's
    /// three-letter code (`words/rus.yaml`), read as its two-letter one's
    /// (see [`Words::renamed_warnings`]).
    pub renamed: Vec<PathBuf>,
}

impl Words {
    /// The words of `lang` (`kk`, `ru-RU`, `pt-BR`): the built-in file of
    /// its language (`kk`), then the project's `words/kk.yaml`, then its
    /// `words/pt-BR.yaml` for a tag with a region or script, each changing
    /// what it names.
    pub fn for_language(project: &Path, lang: &str) -> Result<Words> {
        let primary = primary(lang);
        let mut words = Words {
            lang: lang.to_string(),
            table: BTreeMap::new(),
            files: Vec::new(),
            renamed: Vec::new(),
        };
        // Kazakh in Latin letters (`kk-Latn`) does not take the built-in
        // Cyrillic words: only the project's.
        let script = crate::language_tag::script(lang);
        let builtin = BUILTIN.iter().find(|(code, builtin_script, _)| {
            *code == primary && script.is_none_or(|s| s.eq_ignore_ascii_case(builtin_script))
        });
        if let Some((code, _, text)) = builtin {
            let file = PathBuf::from(format!("words/{code}.yaml (built in)"));
            words.add(&file, &parse(&file, text)?);
        }
        // A file named with the language's three-letter code
        // (`words/rus.yaml`) is the language's too, read before the one
        // named with its two-letter code, which has the last word.
        let mut names: Vec<(String, bool)> = Vec::new();
        let three = || crate::language_tag::three_letter(&primary);
        names.extend(three().map(|code| (code.to_string(), true)));
        names.push((primary.clone(), false));
        if lang != primary && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            if let Some((_, rest)) = lang.split_once('-') {
                names.extend(three().map(|code| (format!("{code}-{rest}"), true)));
            }
            names.push((lang.to_string(), false));
        }
        for (name, renamed) in names {
            let file =
                crate::project::join(project, &Path::new("words").join(format!("{name}.yaml")));
            if !file.exists() {
                continue;
            }
            if crate::project::inside(project, &file).is_err() {
                return Err(crate::project::linked_out(&file, "the word file"));
            }
            if file.is_dir() {
                return Err(Error::new(format!(
                    "{} is a folder, where the word file of `{name}` belongs",
                    file.display()
                ))
                .at(Location::file(&file))
                .help(format!(
                    "write the words of `{name}` in a file {} (see docs/words.md), and move the folder's contents elsewhere",
                    file.display()
                )));
            }
            let text = crate::load::read_text(&file)?;
            words.add(&file, &parse(&file, &text)?);
            if renamed {
                words.renamed.push(file);
            }
        }
        Ok(words)
    }

    /// A warning for each word file named with the language's three-letter
    /// code: what it is read as, and its name to be.
    pub fn renamed_warnings(&self) -> impl Iterator<Item = Warning> + '_ {
        self.renamed.iter().map(|file| {
            let name = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tag = crate::language_tag::canonical(&name).unwrap_or_else(|| name.clone());
            crate::language_tag::renamed_file(
                "word file",
                file,
                &name,
                &tag,
                &format!("the words in `{tag}`"),
                &file
                    .with_file_name(format!("{tag}.yaml"))
                    .display()
                    .to_string(),
            )
        })
    }

    fn add(&mut self, file: &Path, words: &WordsFile) {
        self.files.push(file.to_path_buf());
        for (english, text) in words.entries() {
            if let Some(text) = text {
                self.table.insert(english.to_string(), text.clone());
            }
        }
        for (english, text) in &words.more {
            self.table.insert(english.clone(), text.clone());
        }
    }

    /// The word `english` in this language; itself where the language has
    /// no word for it.
    pub fn get<'a>(&'a self, english: &'a str) -> &'a str {
        self.table.get(english).map_or(english, String::as_str)
    }

    /// Of the words `used`, those printed in English though the language is
    /// another: none for English itself.
    pub fn untranslated<'a>(&self, used: &'a [String]) -> Vec<&'a str> {
        if primary(&self.lang) == "en" {
            return Vec::new();
        }
        used.iter()
            .map(String::as_str)
            .filter(|w| !self.table.contains_key(*w))
            .collect()
    }

    /// The warning for a briefing whose template prints the words `used`
    /// when some have no translation, naming them.
    pub fn warning(&self, briefing: &str, used: &[String]) -> Option<Warning> {
        let missing = self.untranslated(used);
        if missing.is_empty() {
            return None;
        }
        let list = missing
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ");
        // A tag that names its script gets a file of its own.
        let file = match crate::language_tag::script(&self.lang) {
            Some(_) => format!("words/{}.yaml", self.lang),
            None => format!("words/{}.yaml", primary(&self.lang)),
        };
        let (message, help) = if self.files.is_empty() {
            (
                format!(
                    "{briefing}: handbill has no fixed words in `{}`, so {list} {} printed in English",
                    self.lang,
                    if missing.len() == 1 { "is" } else { "are" },
                ),
                format!(
                    "add a file {file} to the project with the words in `{}` (see docs/words.md)",
                    self.lang
                ),
            )
        } else {
            let files = self
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ");
            (
                format!(
                    "{briefing}: the fixed words in `{}` ({files}) have no {list}, so {} printed in English",
                    self.lang,
                    if missing.len() == 1 {
                        "it is"
                    } else {
                        "they are"
                    },
                ),
                format!(
                    "add {} to {file} in the project",
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            )
        };
        Some(Warning::new(WarningKind::FixedWords, message).help(help))
    }
}

/// Reads a word file's text: every fault is located in `file`.
fn parse(file: &Path, text: &str) -> Result<WordsFile> {
    // An empty file (or one of comments only) gives no words.
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(WordsFile::default());
    }
    let words: WordsFile = crate::load::parse_yaml(file, text, 1).map_err(|e| {
        let help = e.help.clone().unwrap_or_else(|| {
            format!(
                "a word file maps each English word to its text in the language, one a line (`Contents: Inhalt`); its words are {}, and `more:` for your own templates' words",
                WORDS.join(", ")
            )
        });
        e.help(help)
    })?;
    // A word of the built-in templates goes at the top, where it is
    // checked: under `more:` it would be a second text for the same word.
    if let Some(word) = words.more.keys().find(|k| WORDS.contains(&k.as_str())) {
        let offset = text
            .find("more:")
            .and_then(|m| text[m..].find(word.as_str()).map(|o| m + o))
            .unwrap_or(0);
        return Err(Error::new(format!(
            "`{word}` is a word of the built-in templates, not one to list under `more:`"
        ))
        .at(Location::at_offset(file, text, offset))
        .help(format!(
            "write `{word}: …` at the top of the file, without indent"
        )));
    }
    Ok(words)
}

/// The words a template prints with `{{t "…"}}`, each once, in order.
/// Words given by a value (`{{t values.word}}`) are not known before the
/// template is filled in, and are not listed.
pub fn used_in(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // What is listed, looked up in a set: a template may print thousands.
    let mut listed: std::collections::HashSet<&str> = Default::default();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        rest = &rest[open + 2..];
        let tag = rest.trim_start_matches(['~', '{']).trim_start();
        let Some(after) = tag.strip_prefix('t') else {
            continue;
        };
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let after = after.trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = after[1..].find(quote) {
            let word = &after[1..1 + end];
            if listed.insert(word) {
                out.push(word.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> crate::scratch::Scratch {
        let d = crate::scratch::Scratch::new("words", name);
        std::fs::create_dir_all(d.join("words")).unwrap();
        d
    }

    #[test]
    fn every_built_in_language_has_every_word() {
        for (code, _, text) in BUILTIN {
            let file = parse(Path::new(code), text).unwrap();
            for (word, text) in file.entries() {
                let text = text.unwrap_or_else(|| panic!("{code} has no `{word}`"));
                assert!(!text.trim().is_empty(), "{code}: `{word}` is blank");
            }
            assert!(file.more.is_empty(), "{code}");
        }
        // The English file says each word as it is.
        let en = parse(Path::new("en"), BUILTIN[0].2).unwrap();
        for (word, text) in en.entries() {
            assert_eq!(text.unwrap(), word);
        }
    }

    #[test]
    fn the_keys_are_the_words() {
        // Each of WORDS is a key the file type reads, and no other.
        for word in WORDS {
            let file: WordsFile =
                crate::load::parse_yaml(Path::new("w.yaml"), &format!("{word}: x\n"), 1).unwrap();
            let set: Vec<&str> = file
                .entries()
                .iter()
                .filter(|(_, t)| t.is_some())
                .map(|(w, _)| *w)
                .collect();
            assert_eq!(set, vec![word]);
        }
    }

    #[test]
    fn kazakh_and_russian_are_built_in() {
        let kk = Words::for_language(Path::new("/nowhere"), "kk").unwrap();
        assert_eq!(kk.get("Contents"), "Мазмұны");
        assert_eq!(kk.get("Page"), "Бет");
        assert_eq!(kk.get("Sources"), "Дереккөздер");
        let ru = Words::for_language(Path::new("/nowhere"), "ru-RU").unwrap();
        assert_eq!(ru.get("Contents"), "Содержание");
        assert_eq!(ru.get("Witnesses"), "Witnesses");
        let fr = Words::for_language(Path::new("/nowhere"), "fr").unwrap();
        assert_eq!(fr.get("Contents"), "Contents");
        assert!(fr.files.is_empty());
        // The script, where the tag names one, must be the file's.
        let cyrillic = Words::for_language(Path::new("/nowhere"), "kk-Cyrl-KZ").unwrap();
        assert_eq!(cyrillic.get("Contents"), "Мазмұны");
        let latin = Words::for_language(Path::new("/nowhere"), "kk-Latn").unwrap();
        assert_eq!(latin.get("Contents"), "Contents");
        assert!(latin.files.is_empty());
    }

    #[test]
    fn a_project_adds_a_language_and_changes_words_one_by_one() {
        let d = folder("project");
        std::fs::write(
            d.join("words/de.yaml"),
            "Contents: Inhalt\nPage: Seite\nof: von\nmore:\n  Witnesses: Zeugen\n",
        )
        .unwrap();
        std::fs::write(d.join("words/ru.yaml"), "Sources: Литература\n").unwrap();
        std::fs::write(d.join("words/de-AT.yaml"), "Contents: Inhaltsverzeichnis\n").unwrap();
        let de = Words::for_language(&d, "de").unwrap();
        assert_eq!(de.get("Page"), "Seite");
        assert_eq!(de.get("Witnesses"), "Zeugen");
        let used = used_in(r#"{{t "Contents"}} {{ t "Sources" }} {{t "Witnesses"}}"#);
        assert_eq!(de.untranslated(&used), vec!["Sources"]);
        let warning = de.warning("b", &used).unwrap().message;
        assert!(
            warning.contains("`Sources`") && warning.contains("de.yaml"),
            "{warning}"
        );
        assert!(!warning.contains("Contents"), "{warning}");
        let at = Words::for_language(&d, "de-AT").unwrap();
        assert_eq!(at.get("Contents"), "Inhaltsverzeichnis");
        assert_eq!(at.get("Page"), "Seite");
        let ru = Words::for_language(&d, "ru").unwrap();
        assert_eq!(ru.get("Sources"), "Литература");
        assert_eq!(ru.get("Contents"), "Содержание");
        assert_eq!(ru.untranslated(&used), vec!["Witnesses"]);
        // English never warns: its words are the keys.
        let en = Words::for_language(&d, "en-GB").unwrap();
        assert_eq!(en.warning("b", &used), None);
    }

    #[test]
    fn a_language_without_words_says_which_fall_back() {
        let fr = Words::for_language(Path::new("/nowhere"), "fr").unwrap();
        let used = used_in(r#"<p>{{t "Page"}} <page-number/> {{t "of"}}</p>{{t "Page"}}"#);
        assert_eq!(used, vec!["Page", "of"]);
        let warning = fr.warning("pack", &used).unwrap();
        assert!(
            warning
                .message
                .starts_with("pack: handbill has no fixed words in `fr`")
                && warning
                    .message
                    .ends_with("`Page`, `of` are printed in English"),
            "{warning}"
        );
        assert!(
            warning
                .help
                .as_deref()
                .is_some_and(|h| h.contains("words/fr.yaml")),
            "{warning}"
        );
    }

    #[test]
    fn faults_in_a_word_file_are_located() {
        let d = folder("faults");
        for (text, line, column, says) in [
            (
                "Contents: Inhalt\nContnets: x\n",
                2,
                1,
                "did you mean `Contents`?",
            ),
            ("Contents: [Inhalt]\n", 1, 11, ""),
            ("- Contents\n", 1, 1, ""),
            ("more:\n  Sources: Quellen\n", 2, 3, "top of the file"),
        ] {
            std::fs::write(d.join("words/de.yaml"), text).unwrap();
            let err = Words::for_language(&d, "de").unwrap_err();
            let loc = err.location.clone().unwrap();
            assert!(loc.file.ends_with("words/de.yaml"), "{err}");
            assert_eq!((loc.line, loc.column), (line, column), "{text}: {err}");
            assert!(
                err.help.as_deref().unwrap_or("").contains(says),
                "{text}: {err}"
            );
        }
        // A key with nothing after it is a word left out; `""` prints nothing.
        std::fs::write(d.join("words/de.yaml"), "Sources:\nPage: \"\"\n").unwrap();
        let de = Words::for_language(&d, "de").unwrap();
        assert_eq!(de.get("Sources"), "Sources");
        assert_eq!(de.get("Page"), "");
        assert_eq!(
            de.untranslated(&["Sources".into(), "Page".into()]),
            vec!["Sources"]
        );
        // Comments only: no words, no error.
        std::fs::write(d.join("words/de.yaml"), "# to do\n").unwrap();
        assert!(Words::for_language(&d, "de").unwrap().table.is_empty());
    }

    #[test]
    fn a_word_file_named_with_a_three_letter_code_is_the_languages() {
        let d = folder("three-letter");
        std::fs::write(
            d.join("words/fre.yaml"),
            "Contents: Sommaire
Page: Page
",
        )
        .unwrap();
        std::fs::write(
            d.join("words/fr.yaml"),
            "Page: p.
",
        )
        .unwrap();
        std::fs::write(
            d.join("words/deu-AT.yaml"),
            "Contents: Inhalt
",
        )
        .unwrap();
        let fr = Words::for_language(&d, "fr").unwrap();
        assert_eq!(fr.get("Contents"), "Sommaire");
        // The two-letter file has the last word.
        assert_eq!(fr.get("Page"), "p.");
        let warnings: Vec<Warning> = fr.renamed_warnings().collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("`fre`, which is written `fr`"));
        assert!(warnings[0].help.as_ref().unwrap().contains("words/fr.yaml"));
        let de = Words::for_language(&d, "de-AT").unwrap();
        assert_eq!(de.get("Contents"), "Inhalt");
        assert_eq!(de.renamed.len(), 1);
        // Nothing else is renamed.
        assert_eq!(Words::for_language(&d, "crh").unwrap().renamed.len(), 0);
    }

    #[test]
    fn a_word_file_linked_from_outside_the_project_is_refused() {
        let d = folder("link");
        let outside = folder("link-outside");
        std::fs::write(outside.join("words/de.yaml"), "Contents: Inhalt\n").unwrap();
        std::os::unix::fs::symlink(outside.join("words/de.yaml"), d.join("words/de.yaml")).unwrap();
        let err = Words::for_language(&d, "de").unwrap_err();
        assert!(err.message.contains("outside the project"), "{err}");
    }

    #[test]
    fn used_words_are_found_in_every_way_a_tag_is_written() {
        let used = used_in(
            "{{t \"A\"}}{{~t 'B'~}}{{{t \"C\"}}}{{title}}{{t values.x}}{{#if t}}{{t \"A\"}}",
        );
        assert_eq!(used, vec!["A", "B", "C"]);
    }
}
