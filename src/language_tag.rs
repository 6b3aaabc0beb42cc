//! Language tags (BCP 47, RFC 5646): `en`, `en-GB`, `ru`, `kk-Cyrl-KZ`.
//!
//! A briefing's or profile's `lang:` goes into the PDF as the document's
//! language (`/Lang`, `dc:language` in the XMP metadata), where PDF/A and
//! screen readers expect a language tag, and where anything else could break
//! the metadata. So it is checked against RFC 5646's grammar (language,
//! then optional extended language, script, region, variants, extensions and
//! private use, each a short run of ASCII letters or digits, separated by
//! hyphens) when it is read, and again before the PDF is written, for a
//! template that sets its own.
//!
//! The grammar is oxilangtag's; the words are ours.
//!
//! A language that has a two-letter code is written with it (RFC 5646,
//! 2.2.1): `ru`, not `rus`. A tag written with the language's three-letter
//! code (`rus`, `fra` or `fre`) is read as the two-letter one by
//! [`canonical`], where each tag is read (a briefing's or profile's `lang:`,
//! a template's `<document lang>`, a translation's or word file's name),
//! with a warning; everything after sees only `ru`: translations, word
//! files, hyphenation, the PDF's language. The codes are in `iso639.rs`.
//!
//! [`Lang`] is what a tag means to the typesetting: the languages handbill
//! hyphenates, and the words it writes itself ("section", "Contents").

mod iso639;

use crate::error::{Warning, WarningKind};

/// What to do about a tag that is not one.
pub const HELP: &str = "write a language tag: a language code such as `en`, `ru` or `kk`, \
     optionally followed by a script and a region, separated by hyphens \
     (`en-GB`, `kk-Cyrl-KZ`)";

/// Why `tag` is not a well-formed language tag, or `None` when it is one.
pub fn fault(tag: &str) -> Option<&'static str> {
    if oxilangtag::LanguageTag::parse(tag).is_ok() {
        return None;
    }
    Some(if tag.trim().is_empty() {
        "it is empty"
    } else if tag.contains('_') {
        "its parts are separated by hyphens, not underscores"
    } else if !tag
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c.is_whitespace())
    {
        "it may hold only the letters A to Z, digits and hyphens"
    } else if tag.chars().any(char::is_whitespace) {
        "it has spaces in it"
    } else if tag.split('-').any(|part| part.len() > 8) {
        "each of its parts is at most eight letters or digits long"
    } else {
        "its parts are not in the order language, script, region (e.g. `kk-Cyrl-KZ`)"
    })
}

/// What is said of a `lang:` value that is not a tag, or `None` for a tag.
pub fn refusal(tag: &str) -> Option<String> {
    let why = fault(tag)?;
    Some(if tag.trim().is_empty() {
        "`lang:` is empty".to_string()
    } else {
        format!("`lang: {}` is not a language tag: {why}", shown(tag))
    })
}

/// The language of a tag, without script or region, in lower case and by
/// its two-letter code where it has one: `ru` for `ru-RU`, `kk` for
/// `kk-Cyrl-KZ`, `ru` for `rus`.
pub fn primary(tag: &str) -> String {
    let code = tag
        .split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase();
    match two_letter(&code) {
        Some(two) => two.to_string(),
        None => code,
    }
}

/// The two-letter code of a language written with its three-letter one
/// (`ru` for `rus`, `fr` for `fra` and `fre`), in any case; `None` for a
/// code that is no such language (`crh`, `ru`).
pub fn two_letter(code: &str) -> Option<&'static str> {
    if code.len() != 3 {
        return None;
    }
    let code = code.to_ascii_lowercase();
    let table = iso639::TWO_LETTER;
    let i = table.binary_search_by(|(three, _)| (*three).cmp(code.as_str()));
    i.ok().map(|i| table[i].1)
}

/// The three-letter codes of a language written with its two-letter one
/// (`rus` for `ru`; `fra` and `fre` for `fr`): the names a file of it may
/// have been given.
pub fn three_letter(two: &str) -> impl Iterator<Item = &'static str> + '_ {
    (iso639::TWO_LETTER.iter())
        .filter(move |(_, code)| *code == two)
        .map(|(three, _)| *three)
}

/// The tag as handbill reads it, when that is not as it is written: the
/// language's three-letter code replaced by its two-letter one (`ru` for
/// `rus`, `ru-RU` for `rus-RU`, `ru` for `RUS`); `None` for a tag already
/// written so (`ru`, `crh`, `x-whatever`).
///
/// This is the one place a tag is made canonical: whatever reads a tag
/// calls it, warns with [`renamed`] and keeps only what it gives.
pub fn canonical(tag: &str) -> Option<String> {
    let (language, rest) = match tag.split_once('-') {
        Some((language, rest)) => (language, Some(rest)),
        None => (tag, None),
    };
    let two = two_letter(language)?;
    Some(match rest {
        Some(rest) => format!("{two}-{rest}"),
        None => two.to_string(),
    })
}

/// What to do about a tag [`canonical`] reads otherwise.
pub const RENAMED_HELP: &str = "a language that has a two-letter code is written with it in a \
     language tag (`ru`, `kk`, `fr`, `de`), and its translations and word files are named with \
     it (`01-overview.ru.md`, `words/ru.yaml`)";

/// The warning for `written`, which holds a tag (`lang: rus`), read as
/// `tag` (`ru`), a tag [`canonical`] gave; `write` is what to write
/// instead (`lang: ru`).
pub fn renamed(written: &str, tag: &str, write: &str) -> Warning {
    Warning::new(
        WarningKind::LanguageCode,
        format!("`{written}` is written `{tag}` in a language tag; handbill reads it as `{tag}`"),
    )
    .help(format!("write `{write}`: {RENAMED_HELP}"))
}

/// The warning for a file named with a language's three-letter code,
/// `written` (`01-overview.rus.md`, `words/rus.yaml`), read as `tag`'s:
/// `what` it is (`translation`), what handbill reads it `as` (the `ru`
/// translation) and the name to give it.
pub fn renamed_file(
    what: &str,
    file: &std::path::Path,
    written: &str,
    tag: &str,
    read_as: &str,
    rename_to: &str,
) -> Warning {
    Warning::new(
        WarningKind::LanguageCode,
        format!(
            "the {what} {} is named with `{written}`, which is written `{tag}` in a language tag; handbill reads it as {read_as}",
            file.display()
        ),
    )
    .at(crate::error::Location::file(file))
    .help(format!("rename it {rename_to}: {RENAMED_HELP}"))
}

/// Whether `code` names a language as a translation's file name does
/// (`ru` in `01-overview.ru.md`): the language of a tag as [`primary`]
/// gives it, two or three letters (`ru`, `kk`; `crh` for a language that
/// has no two-letter code). A tag's other languages (`x-…` for private use,
/// `i-klingon`) have no such code, and no translations.
pub fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase())
}

/// The script a tag names, if it names one: `Cyrl` for `kk-Cyrl-KZ`
/// (the four-letter part after the language).
pub fn script(tag: &str) -> Option<&str> {
    tag.split('-')
        .nth(1)
        .filter(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()))
}

/// `tag`, shown in a message: control characters escaped and a long one cut.
pub fn shown(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.chars().take(40) {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if tag.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Languages handbill hyphenates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    English,
    Russian,
    Kazakh,
    Other,
}

impl Lang {
    /// From an ISO 639 code such as `en`, `ru`, `kk` or `en-GB` (or
    /// `rus`, as [`primary`] reads it).
    pub fn from_code(code: &str) -> Lang {
        match primary(code).as_str() {
            "en" => Lang::English,
            "ru" => Lang::Russian,
            "kk" => Lang::Kazakh,
            _ => Lang::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_tags_pass() {
        for tag in [
            "en",
            "EN",
            "en-GB",
            "ru",
            "kk",
            "kk-Cyrl-KZ",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "de-CH-1996",
            "es-419",
            "sl-rozaj-biske",
            "en-a-bbb-x-a-ccc",
            "qaa-Qaaa-QM-x-southern",
            "x-whatever",
            "i-klingon",
            "en-GB-oed",
            "zh-yue-HK",
        ] {
            assert_eq!(fault(tag), None, "{tag}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        for (tag, why) in [
            ("", "empty"),
            ("  ", "empty"),
            ("en_GB", "underscores"),
            ("en GB", "spaces"),
            ("en\n", "spaces"),
            ("en<x:a/>", "letters A to Z"),
            ("en\"/><x a=\"", "letters A to Z"),
            ("<en>", "letters A to Z"),
            ("en&amp;", "letters A to Z"),
            ("en\"", "letters A to Z"),
            ("ру", "letters A to Z"),
            ("kk-\u{1}", "letters A to Z"),
            ("en-regionalvariant", "eight"),
            ("e", "order"),
            ("en-", "order"),
            ("-en", "order"),
            ("en--GB", "order"),
            ("123", "order"),
            ("en-a", "order"),
            ("en-x", "order"),
            ("en-GB-x", "order"),
        ] {
            let fault = fault(tag).unwrap_or_else(|| panic!("{tag:?} passed"));
            assert!(fault.contains(why), "{tag:?}: {fault}");
        }
    }

    #[test]
    fn a_tags_language_is_the_code_its_translations_are_named_with() {
        for (tag, code) in [
            ("ru", Some("ru")),
            ("ru-RU", Some("ru")),
            ("kk-Cyrl-KZ", Some("kk")),
            ("rus", Some("ru")),
            ("rus-RU", Some("ru")),
            ("crh-UA", Some("crh")),
            ("EN-GB", Some("en")),
            ("x-whatever", None),
            ("i-klingon", None),
            ("abcde", None),
        ] {
            assert_eq!(fault(tag), None, "{tag}");
            let primary = primary(tag);
            assert_eq!(
                is_language_code(&primary).then_some(primary.as_str()),
                code,
                "{tag}"
            );
        }
    }

    #[test]
    fn a_three_letter_code_with_a_two_letter_one_is_read_as_that() {
        for (tag, read) in [
            ("rus", Some("ru")),
            ("RUS", Some("ru")),
            ("Rus", Some("ru")),
            ("rus-RU", Some("ru-RU")),
            ("rus-Cyrl-RU", Some("ru-Cyrl-RU")),
            ("kaz", Some("kk")),
            ("kaz-Cyrl-KZ", Some("kk-Cyrl-KZ")),
            ("eng", Some("en")),
            ("eng-GB", Some("en-GB")),
            ("ukr", Some("uk")),
            // Terminological and bibliographic forms alike.
            ("fra", Some("fr")),
            ("fre", Some("fr")),
            ("deu", Some("de")),
            ("ger", Some("de")),
            ("zho", Some("zh")),
            ("chi", Some("zh")),
            // Already so, or no two-letter code: as written.
            ("ru", None),
            ("ru-RU", None),
            ("EN", None),
            ("crh", None),
            ("crh-UA", None),
            ("x-whatever", None),
            ("i-klingon", None),
            ("zh-yue-HK", None),
            ("qaa-Qaaa-QM-x-southern", None),
        ] {
            assert_eq!(fault(tag), None, "{tag}");
            assert_eq!(canonical(tag).as_deref(), read, "{tag}");
            // What it gives is well-formed and stays as it is.
            if let Some(read) = read {
                assert_eq!(fault(read), None, "{read}");
                assert_eq!(canonical(read), None, "{read}");
            }
        }
    }

    #[test]
    fn every_reader_of_a_tag_sees_the_two_letter_code() {
        assert_eq!(Lang::from_code("rus"), Lang::Russian);
        assert_eq!(Lang::from_code("RUS-RU"), Lang::Russian);
        assert_eq!(Lang::from_code("kaz"), Lang::Kazakh);
        assert_eq!(Lang::from_code("eng-GB"), Lang::English);
        assert_eq!(Lang::from_code("crh"), Lang::Other);
        assert_eq!(three_letter("fr").collect::<Vec<_>>(), ["fra", "fre"]);
        assert_eq!(three_letter("ru").collect::<Vec<_>>(), ["rus"]);
        assert_eq!(three_letter("crh").count(), 0);
        assert_eq!(primary("ger-CH"), "de");
        assert_eq!(primary("crh-UA"), "crh");
    }

    #[test]
    fn the_table_is_the_iso_639_1_languages_by_both_their_three_letter_codes() {
        let table = iso639::TWO_LETTER;
        // Sorted and without repeats, for the binary search.
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(table.iter().all(|(three, two)| {
            three.len() == 3
                && two.len() == 2
                && three
                    .chars()
                    .chain(two.chars())
                    .all(|c| c.is_ascii_lowercase())
        }));
        let languages: std::collections::BTreeSet<&str> = table.iter().map(|r| r.1).collect();
        assert_eq!(languages.len(), 184);
        // 184 terminological codes and the 20 bibliographic ones that differ.
        assert_eq!(table.len(), 204);
    }

    #[test]
    fn the_warning_says_what_is_read_and_what_to_write() {
        let w = renamed("lang: rus", "ru", "lang: ru");
        assert_eq!(w.kind, WarningKind::LanguageCode);
        assert_eq!(
            w.message,
            "`lang: rus` is written `ru` in a language tag; handbill reads it as `ru`"
        );
        assert!(w.help.unwrap().starts_with("write `lang: ru`"));
    }

    #[test]
    fn tags_are_shown_safely() {
        assert_eq!(shown("en\u{1}<\""), "en\\u{1}<\"");
        assert_eq!(shown(&"a".repeat(100)).chars().count(), 41);
    }
}
