//! Writing systems handbill cannot set yet.
//!
//! Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko …) need
//! their lines reordered (the Unicode bidirectional algorithm) and the
//! layout has no such step: set as they are, their letters would run
//! backwards. Until it has one, a section with such text is refused with a
//! message that names the script and the line, never printed wrong.

use crate::error::{Error, Location, Result};
use crate::select::Selection;

/// The right-to-left scripts of Unicode, by block: (first, last, name).
const RIGHT_TO_LEFT: &[(u32, u32, &str)] = &[
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"),
    (0x07C0, 0x07FF, "N'Ko"),
    (0x0800, 0x083F, "Samaritan"),
    (0x0840, 0x085F, "Mandaic"),
    (0x0860, 0x086F, "Syriac"),
    (0x0870, 0x08FF, "Arabic"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x10800, 0x1083F, "Cypriot"),
    (0x10840, 0x1085F, "Imperial Aramaic"),
    (0x10860, 0x1087F, "Palmyrene"),
    (0x10880, 0x108AF, "Nabataean"),
    (0x108E0, 0x108FF, "Hatran"),
    (0x10900, 0x1091F, "Phoenician"),
    (0x10920, 0x1093F, "Lydian"),
    (0x10940, 0x1095F, "Sidetic"),
    (0x10980, 0x1099F, "Meroitic Hieroglyphs"),
    (0x109A0, 0x109FF, "Meroitic Cursive"),
    (0x10A00, 0x10A5F, "Kharoshthi"),
    (0x10A60, 0x10A7F, "Old South Arabian"),
    (0x10A80, 0x10A9F, "Old North Arabian"),
    (0x10AC0, 0x10AFF, "Manichaean"),
    (0x10B00, 0x10B3F, "Avestan"),
    (0x10B40, 0x10B5F, "Inscriptional Parthian"),
    (0x10B60, 0x10B7F, "Inscriptional Pahlavi"),
    (0x10B80, 0x10BAF, "Psalter Pahlavi"),
    (0x10C00, 0x10C4F, "Old Turkic"),
    (0x10C80, 0x10CFF, "Old Hungarian"),
    (0x10D00, 0x10D3F, "Hanifi Rohingya"),
    (0x10D40, 0x10D8F, "Garay"),
    (0x10E60, 0x10E7F, "Rumi Numeral Symbols"),
    (0x10E80, 0x10EBF, "Yezidi"),
    (0x10EC0, 0x10EFF, "Arabic"),
    (0x10F00, 0x10F2F, "Old Sogdian"),
    (0x10F30, 0x10F6F, "Sogdian"),
    (0x10F70, 0x10FAF, "Old Uyghur"),
    (0x10FB0, 0x10FDF, "Chorasmian"),
    (0x10FE0, 0x10FFF, "Elymaic"),
    (0x1E800, 0x1E8DF, "Mende Kikakui"),
    (0x1E900, 0x1E95F, "Adlam"),
    (0x1EC70, 0x1ECBF, "Indic Siyaq Numbers"),
    (0x1ED00, 0x1ED4F, "Ottoman Siyaq Numbers"),
    (0x1EE00, 0x1EEFF, "Arabic"),
];

/// The right-to-left script `c` belongs to, if it does.
pub fn right_to_left(c: char) -> Option<&'static str> {
    let c = c as u32;
    if c < 0x0590 {
        return None;
    }
    RIGHT_TO_LEFT
        .iter()
        .find(|(first, last, _)| (*first..=*last).contains(&c))
        .map(|(_, _, name)| *name)
}

/// The first right-to-left letter of `text`, written as itself or as a
/// character reference (`&#x5E9;`, `&#1513;`, which Markdown and the layout
/// markup both read as the letter): the byte range it is written in, and
/// its script.
pub fn first_right_to_left(text: &str) -> Option<(std::ops::Range<usize>, &'static str)> {
    // Every right-to-left letter is past U+0590, whose UTF-8 starts with
    // 0xD6; Latin and Cyrillic text is passed over a byte at a time.
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = bytes[from..].iter().position(|&b| b == b'&' || b >= 0xD6) {
        let i = from + found;
        let (letter, written) = match bytes[i] {
            b'&' => match crate::char_ref::at_start(&text[i..]) {
                Some((crate::char_ref::Named::Char(c), written)) => (c, written),
                _ => ('&', 1),
            },
            _ => {
                let c = text[i..].chars().next()?;
                (c, c.len_utf8())
            }
        };
        if let Some(script) = right_to_left(letter) {
            return Some((i..i + written, script));
        }
        // A reference's digits hold no letter: go on after it.
        from = i + written;
    }
    None
}

/// Refuses a selection with a section in a right-to-left script, pointing
/// at the first such letter.
pub fn refuse_right_to_left(selection: &Selection) -> Result<()> {
    for section in &selection.sections {
        let in_title = first_right_to_left(&section.title);
        let in_body = first_right_to_left(&section.body);
        let location = match (in_title, in_body) {
            (Some((at, script)), _) => {
                // At the title's line: the letter as written in the file.
                let text = crate::project::read_again(&section.file, crate::load::MAX_TEXT_BYTES);
                let here = match text.find(&section.title[at]) {
                    Some(offset) => Location::at_offset(&section.file, &text, offset),
                    None => Location::file(&section.file),
                };
                Some((here, script))
            }
            (None, Some((at, script))) => {
                // At the body's line, counted on from where the body starts.
                let mut here = Location::at_offset(&section.file, &section.body, at.start);
                here.line += section.body_line - 1;
                Some((here, script))
            }
            (None, None) => None,
        };
        if let Some((at, script)) = location {
            return Err(refusal(&format!("section `{}`", section.id), script)
                .at(at)
                .help(
                    "leave the section out of the briefing, or give the words in a Latin transliteration",
                ));
        }
    }
    Ok(())
}

/// The error for right-to-left text in `what`; the caller says what to do.
pub fn refusal(what: &str, script: &str) -> Error {
    Error::new(format!(
        "{what} has {script} text, which handbill cannot set yet: {script} is written right to left, and the layout has no right-to-left line ordering, so it would print backwards"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan a byte at a time finds what reading letter by letter finds.
    #[test]
    fn the_scan_finds_the_first_letter_read() {
        let read = |text: &str| {
            text.char_indices().find_map(|(i, c)| {
                let (letter, written) = match c {
                    '&' => match crate::char_ref::at_start(&text[i..])? {
                        (crate::char_ref::Named::Char(c), written) => (c, written),
                        _ => return None,
                    },
                    c => (c, c.len_utf8()),
                };
                right_to_left(letter).map(|script| (i..i + written, script))
            })
        };
        for text in crate::scratch::texts(crate::scratch::PIECES, 20_000) {
            assert_eq!(first_right_to_left(&text), read(&text), "{text:?}");
        }
    }

    #[test]
    fn right_to_left_scripts_are_named_and_others_are_not() {
        assert_eq!(right_to_left('ש'), Some("Hebrew"));
        assert_eq!(right_to_left('ب'), Some("Arabic"));
        assert_eq!(right_to_left('ܐ'), Some("Syriac"));
        assert_eq!(right_to_left('ހ'), Some("Thaana"));
        assert_eq!(right_to_left('ߊ'), Some("N'Ko"));
        for c in "Kazakhstan Қазақстан Ἀθῆναι Հայաստան 中文 ₸ №".chars()
        {
            assert_eq!(right_to_left(c), None, "{c}");
        }
        assert_eq!(
            first_right_to_left("in Hebrew: שלום"),
            Some((11..13, "Hebrew"))
        );
        // Written as references, which Markdown and the markup read as the
        // letters.
        for (text, written) in [
            ("a &#x5E9;&#x5DC; b", 2..9),
            ("a &#X05e9; b", 2..10),
            ("a &#1513; b", 2..9),
            ("a &#0000001513; b", 2..15),
        ] {
            assert_eq!(
                first_right_to_left(text),
                Some((written, "Hebrew")),
                "{text}"
            );
        }
        for text in [
            "&#x41; &#65; &amp; &#; &#x; &#xD800; &#x110000; &#99999999999999999999; &#x5E9",
            "&",
        ] {
            assert_eq!(first_right_to_left(text), None, "{text}");
        }
    }

    #[test]
    fn the_table_agrees_with_the_shaper() {
        // What harfrust would set right to left is what the table names, so
        // nothing it would print backwards gets through.
        let rtl = |c: char| {
            let mut buffer = harfrust::UnicodeBuffer::new();
            buffer.push_str(c.encode_utf8(&mut [0; 4]));
            buffer.guess_segment_properties();
            buffer.direction() == harfrust::Direction::RightToLeft
        };
        let unlisted: Vec<String> = (0x0590..0x1F000)
            .filter_map(char::from_u32)
            .filter(|&c| rtl(c) && right_to_left(c).is_none())
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(unlisted.is_empty(), "{unlisted:?}");
        // Blocks the shaper sets right to left, one letter at least; the
        // rest Unicode still calls right to left.
        let left: Vec<&str> = RIGHT_TO_LEFT
            .iter()
            .filter(|(first, last, _)| !(*first..=*last).filter_map(char::from_u32).any(rtl))
            .map(|(_, _, name)| *name)
            .collect();
        assert_eq!(
            left,
            [
                "Old Hungarian",
                "Indic Siyaq Numbers",
                "Ottoman Siyaq Numbers"
            ]
        );
    }
}
