//! The document's metadata: title, author, subject, keywords, language,
//! creator and date, which krilla writes twice, into the document
//! information dictionary (as PDF text strings) and into the XMP packet (as
//! XML).
//!
//! krilla escapes text for both, but writes the language into the XMP as
//! it is, and no escaping lets XML carry control characters, so every value
//! is checked here first:
//!
//! - the language must be a well-formed language tag ([`crate::language_tag`]);
//!   `lang:` is checked when the briefing is read, and again here for a
//!   template that sets its own;
//! - control characters (and U+FFFE, U+FFFF), which XML 1.0 cannot hold and
//!   which would make the two copies differ (PDF/A asks that they agree),
//!   are dropped, tabs and line breaks becoming spaces;
//! - a value longer than [`MAX_UNITS`] is refused: PDF/A and Acrobat read
//!   strings of up to 32,767 bytes.

use krilla::metadata::{DateTime, Metadata};

use super::PdfOptions;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::layout::Pages;

/// The longest value, in UTF-16 code units: as a PDF text string (two bytes
/// a unit and a byte order mark) it stays under the 32,767 bytes that
/// PDF/A allows a string.
pub const MAX_UNITS: usize = 16_000;

/// The metadata of `pages`, checked and cleaned.
pub fn document_metadata(pages: &Pages, options: &PdfOptions) -> Result<Metadata> {
    if let Some(error) = language_fault(&pages.lang) {
        return Err(error);
    }
    let mut metadata = Metadata::new()
        .title(text(Field::Title, &pages.title)?)
        .language(pages.lang.clone())
        .creator(format!("handbill {}", env!("CARGO_PKG_VERSION")));
    if let Some(author) = &pages.author {
        metadata = metadata.authors(vec![text(Field::Author, author)?]);
    }
    if let Some(subject) = &pages.subject {
        metadata = metadata.description(text(Field::Subject, subject)?);
    }
    let keywords = pages.keywords.iter().map(|k| clean(k)).collect::<Vec<_>>();
    text(Field::Keywords, &keywords.join(", "))?;
    metadata = metadata.keywords(keywords);
    if let Some(seconds) = options.date {
        metadata = metadata.creation_date(date_time(seconds));
    }
    Ok(metadata)
}

/// An entry of the metadata that comes from the briefing's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    Author,
    Subject,
    Keywords,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Author => "author",
            Field::Subject => "subject",
            Field::Keywords => "keywords",
        }
    }

    fn written_in(self) -> &'static str {
        match self {
            Field::Title => "`title:` in the briefing or the profile",
            Field::Author => "`publisher:` in the profile",
            Field::Subject => "`subtitle:` in the briefing",
            Field::Keywords => "`keywords:` in the briefing, or the sections' tags",
        }
    }
}

/// The first entry of `document`'s metadata too long for a PDF, with its
/// error, which names no file: the caller knows which file gave it. Asked
/// before the layout, so that a document refused here is not laid out.
pub fn too_long(document: &Document) -> Option<(Field, Error)> {
    let keywords = (document.keywords.iter().map(|k| clean(k)))
        .collect::<Vec<_>>()
        .join(", ");
    [
        (Field::Title, Some(document.title.as_str())),
        (Field::Author, document.author.as_deref()),
        (Field::Subject, document.subject.as_deref()),
        (Field::Keywords, Some(keywords.as_str())),
    ]
    .into_iter()
    .find_map(|(field, value)| text(field, value?).err().map(|e| (field, e)))
}

/// The error for a document language that is not a language tag (a
/// template's own `<document lang="…">`), naming no file.
pub fn language_fault(lang: &str) -> Option<Error> {
    let why = crate::language_tag::fault(lang)?;
    Some(
        Error::new(format!(
            "the document's language `{}` is not a language tag: {why}",
            crate::language_tag::shown(lang)
        ))
        .help(format!(
            "{}; a template sets it as <document lang=\"…\">, the built-in ones from `lang:`",
            crate::language_tag::HELP
        )),
    )
}

/// Whether `value`, cleaned, fits a metadata entry.
pub fn fits(value: &str) -> bool {
    clean(value).encode_utf16().count() <= MAX_UNITS
}

/// `value` cleaned, or an error when it is too long for the metadata.
/// krilla joins keywords with ", ": the joined text is what must fit.
fn text(field: Field, value: &str) -> Result<String> {
    let value = clean(value);
    let units = value.encode_utf16().count();
    if units > MAX_UNITS {
        return Err(Error::new(format!(
            "the document's {} {} {} characters long; a PDF's metadata holds at most {} \
             (emoji and other characters beyond U+FFFF count twice)",
            field.name(),
            if field == Field::Keywords {
                "are"
            } else {
                "is"
            },
            thousands(value.chars().count()),
            thousands(MAX_UNITS)
        ))
        .help(format!("shorten it ({})", field.written_in())));
    }
    Ok(value)
}

/// `n` with a comma between thousands: 16,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `value` with tabs and line breaks as spaces and other control
/// characters (and U+FFFE, U+FFFF) dropped: XML 1.0 holds none of them, and
/// this is what the templates' escaping does to them too.
fn clean(value: &str) -> String {
    value
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => None,
            c => Some(c),
        })
        .collect()
}

/// A UTC date from seconds since 1970 (civil-from-days, Howard Hinnant).
pub fn date_time(seconds: i64) -> DateTime {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    DateTime::new(year)
        .month(month)
        .day(day)
        .hour((secs / 3600) as u8)
        .minute((secs % 3600 / 60) as u8)
        .second((secs % 60) as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch_seconds() {
        // 2026-11-28 12:34:56 UTC
        let d = date_time(1_795_869_296);
        assert!(format!("{d:?}").contains("2026"), "{d:?}");
        let d = date_time(0);
        assert!(format!("{d:?}").contains("1970"), "{d:?}");
    }

    #[test]
    fn control_characters_go_and_the_rest_stays() {
        assert_eq!(clean("a\tb\nc\rd\u{1}e\u{7f}f\u{85}g"), "a b c defg");
        assert_eq!(clean("x\u{fffe}\u{ffff}\u{1b}y"), "xy");
        let hostile = "<a> & ]]> \"q\" 'q' </rdf:li> 𝕏 😀 Қазақстан";
        assert_eq!(clean(hostile), hostile);
    }

    #[test]
    fn long_values_are_refused_by_their_utf16_length() {
        let fits = "a".repeat(MAX_UNITS);
        assert_eq!(text(Field::Title, &fits).unwrap(), fits);
        assert!(text(Field::Title, &format!("{fits}a")).is_err());
        // A character outside the BMP is two units in a PDF string.
        let wide = "😀".repeat(MAX_UNITS / 2 + 1);
        let err = text(Field::Title, &wide).unwrap_err();
        assert!(
            err.message.contains("title is 8,001 characters"),
            "{}",
            err.message
        );
        assert!(err.help.unwrap().contains("`title:`"));
    }
}
