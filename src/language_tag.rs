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
//! [`Lang`] is what a tag means to the typesetting: the languages handbill
//! hyphenates, and the words it writes itself ("section", "Contents").

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

/// The language of a tag, without script or region, in lower case: `ru`
/// for `ru-RU`, `kk` for `kk-Cyrl-KZ`.
pub fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
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
    /// From an ISO 639 code such as `en`, `ru`, `kk` or `en-GB`.
    pub fn from_code(code: &str) -> Lang {
        match code
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
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
            ("rus", Some("rus")),
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
    fn tags_are_shown_safely() {
        assert_eq!(shown("en\u{1}<\""), "en\\u{1}<\"");
        assert_eq!(shown(&"a".repeat(100)).chars().count(), 41);
    }
}
