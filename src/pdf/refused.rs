//! krilla's refusals to write a PDF, in handbill's words.

use krilla::configure::ValidationError as V;
use krilla::error::KrillaError as K;

use crate::error::Error;

/// The message for a PDF krilla would not write (pictures aside: their
/// messages name the picture, see `picture_named`). `copy` names the copy
/// and the standards it claims, e.g. "the screen copy (PDF/UA-1)".
pub fn refused(e: &K, copy: &str) -> Error {
    let (message, help) = match e {
        K::Validation(problems) => match problems.first().map(|(v, _)| v) {
            Some(v) => validation(v, copy),
            None => (
                format!("{copy} breaks a rule of the standard"),
                "build the print copy instead".to_string(),
            ),
        },
        K::Font(..) => (
            "a font could not be embedded in the PDF".into(),
            "use another font in the project's fonts/ folder".into(),
        ),
        K::Limit(_) => too_large(),
        K::DuplicateNamedDestination(name) => (
            format!("two link targets are both named `{name}`"),
            "give each section and anchor its own id".into(),
        ),
        K::SixteenBitImage(..) => (
            "a picture has 16 bits per colour, which this PDF version cannot hold".into(),
            "save the picture with 8 bits per colour".into(),
        ),
        _ => (
            "the PDF could not be written".into(),
            "this is a fault in handbill: please report it with the briefing that shows it".into(),
        ),
    };
    Error::new(message).help(help)
}

fn too_large() -> (String, String) {
    (
        "the document is larger than a PDF may be (a text, list or number past the format's limits)".into(),
        "split the briefing into smaller ones".into(),
    )
}

fn validation(v: &V, copy: &str) -> (String, String) {
    match v {
        V::ContainsNotDefGlyph(_, _, text) => (
            format!("{copy} cannot show “{text}”: no font has a letter of it"),
            "remove the character, or add a font that has it to the project's fonts/ folder \
             (`--profile print` builds with a warning instead)"
                .into(),
        ),
        V::NoCodepointMapping(..) | V::InvalidCodepointMapping(..) | V::UnicodePrivateArea(..) => (
            format!("{copy} holds a character that cannot be read back as text"),
            "remove characters from Unicode's private use area, or use another font".into(),
        ),
        V::NoDocumentLanguage => (
            format!("{copy} needs the document's language"),
            "give the briefing or profile `lang:`, e.g. `lang: en`".into(),
        ),
        V::NoDocumentTitle => (
            format!("{copy} needs a title"),
            "give the briefing `title:`".into(),
        ),
        V::MissingAltText(_) => (
            format!("a picture in {copy} has no text for readers who cannot see it"),
            "give the picture `alt:` in the profile".into(),
        ),
        V::MissingAnnotationAltText(_) => (
            format!("a link in {copy} has no text for readers who cannot see it"),
            "give the link some text".into(),
        ),
        V::MissingHeadingTitle => (
            format!("a heading in {copy} has no text"),
            "write the heading's words, or remove the empty heading".into(),
        ),
        V::MissingTagging => (
            format!("{copy} must be tagged for screen readers, and this one is not"),
            "an imposed sheet cannot be an accessible copy: impose the print copy".into(),
        ),
        V::RestrictedLicense(_) => (
            "a font's licence does not allow it to be embedded".into(),
            "use another font".into(),
        ),
        V::TooLongString
        | V::TooLongName
        | V::TooLongArray
        | V::TooLongDictionary
        | V::TooLargeFloat
        | V::TooManyIndirectObjects
        | V::TooHighQNestingLevel => too_large(),
        _ => (
            format!("{copy} breaks a rule of the standard"),
            "build the print copy instead, and report the briefing to handbill's developers".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_in_our_words() {
        let e = refused(
            &K::DuplicateNamedDestination(std::sync::Arc::new("x".into())),
            "the screen copy (PDF/UA-1)",
        );
        assert_eq!(e.message, "two link targets are both named `x`");
        let e = refused(
            &K::Validation(vec![(
                V::NoDocumentLanguage,
                krilla::configure::Validators::default(),
            )]),
            "the archive copy (PDF/A-2u, PDF/UA-1)",
        );
        assert!(e.message.contains("language") && e.help.unwrap().contains("lang:"));
        let e = refused(
            &K::Validation(vec![(
                V::TooLongString,
                krilla::configure::Validators::default(),
            )]),
            "the screen copy (PDF/UA-1)",
        );
        assert!(!e.message.contains("TooLong"), "{}", e.message);
    }
}
