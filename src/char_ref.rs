//! Numeric character references (`&#x41;`, `&#65;`), which a section's
//! Markdown and the layout markup both read as the character they name.
//!
//! One that names nothing printable (a control character, half of a
//! surrogate pair, a noncharacter, a number past the last character of
//! Unicode) is refused wherever it is written, in the same words: Markdown
//! would print it as a stray `�` and the markup's parser would call it a
//! `&` standing alone.

use std::ops::Range;

/// What a numeric reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// A character that can be printed (tab and the line breaks, line
    /// feed, carriage return and next line, count: they part words).
    Char(char),
    /// A control character other than those.
    Control(char),
    /// Half of a surrogate pair: no character on its own.
    Surrogate(u32),
    /// One of the 66 code points Unicode keeps from ever being characters.
    Noncharacter(char),
    /// A number past U+10FFFF, the last code point.
    TooLarge,
}

impl Named {
    fn of(code: u64) -> Named {
        let Ok(code) = u32::try_from(code) else {
            return Named::TooLarge;
        };
        match char::from_u32(code) {
            None if (0xD800..=0xDFFF).contains(&code) => Named::Surrogate(code),
            None => Named::TooLarge,
            Some(c @ ('\t' | '\n' | '\r' | '\u{85}')) => Named::Char(c),
            Some(c) if c.is_control() => Named::Control(c),
            Some(c) if (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE => {
                Named::Noncharacter(c)
            }
            Some(c) => Named::Char(c),
        }
    }
}

/// The numeric reference at the start of `text`, `&#`, an `x` for
/// hexadecimal, digits and `;`: what it names and its length in bytes.
pub fn at_start(text: &str) -> Option<(Named, usize)> {
    let rest = text.strip_prefix("&#")?;
    let (digits, radix) = match rest.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (rest, 10),
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if end == 0 || !digits[end..].starts_with(';') {
        return None;
    }
    // Past 32 bits it is too large whatever follows: no overflow.
    let code = digits[..end].chars().fold(0u64, |code, d| {
        (code * u64::from(radix) + u64::from(d.to_digit(radix).unwrap_or(0))).min(1 << 32)
    });
    Some((Named::of(code), text.len() - digits.len() + end + 1))
}

/// A reference that names nothing printable, as it was written: what it
/// is, in words, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprintable {
    /// The reference as written, `&#x7;`.
    pub written: String,
    pub named: Named,
}

impl Unprintable {
    /// "`&#x7;` names a control character (U+0007), which cannot be printed"
    pub fn message(&self) -> String {
        let written = &self.written;
        match self.named {
            Named::Control('\0') => {
                format!("`{written}` names the null character (U+0000), which cannot be printed")
            }
            Named::Control(c) => format!(
                "`{written}` names a control character (U+{:04X}), which cannot be printed",
                u32::from(c)
            ),
            Named::Surrogate(code) => format!(
                "`{written}` names U+{code:04X}, half of a surrogate pair, which is no character on its own"
            ),
            Named::Noncharacter(c) => format!(
                "`{written}` names U+{:04X}, which Unicode keeps as a noncharacter: it cannot be printed",
                u32::from(c)
            ),
            Named::TooLarge => format!(
                "`{written}` names no character: the last character Unicode has is U+10FFFF (`&#x10FFFF;`)"
            ),
            Named::Char(_) => format!("`{written}` names a character"),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        let written = &self.written;
        match self.named {
            Named::Surrogate(_) => format!(
                "write the character itself instead of `{written}` (a character past U+FFFF is one reference, such as `&#x1F600;`, never two halves), or remove it"
            ),
            _ => format!(
                "remove `{written}`, or write the character you meant itself (or its number: `&#x41;` is A)"
            ),
        }
    }
}

/// The first reference in `text` that names nothing printable, with the
/// byte range it is written in.
pub fn first_unprintable(text: &str) -> Option<(Range<usize>, Unprintable)> {
    text.match_indices('&')
        .find_map(|(at, _)| unprintable_at(text, at))
}

/// The reference at `at` in `text`, if it names nothing printable.
pub fn unprintable_at(text: &str, at: usize) -> Option<(Range<usize>, Unprintable)> {
    match at_start(&text[at..])? {
        (Named::Char(_), _) => None,
        (named, len) => Some((
            at..at + len,
            Unprintable {
                written: text[at..at + len].to_string(),
                named,
            },
        )),
    }
}

/// [`first_unprintable`] in layout markup, where comments, `<![CDATA[…]]>`
/// and `<?…?>` keep a reference as it is written, not read.
pub fn first_unprintable_in_markup(text: &str) -> Option<(Range<usize>, Unprintable)> {
    let mut from = 0;
    while let Some(found) = memchr::memchr2(b'&', b'<', &text.as_bytes()[from..]) {
        let at = from + found;
        let rest = &text[at..];
        if rest.starts_with('<') {
            let kept_as_written = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")]
                .into_iter()
                .find(|(open, _)| rest.starts_with(open));
            from = match kept_as_written {
                Some((open, close)) => {
                    match memchr::memmem::find(&rest.as_bytes()[open.len()..], close.as_bytes()) {
                        Some(end) => at + open.len() + end + close.len(),
                        // Unclosed: the parser refuses it in words of its own.
                        None => return None,
                    }
                }
                None => at + 1,
            };
            continue;
        }
        if let Some(found) = unprintable_at(text, at) {
            return Some(found);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan for `&` and `<` finds what looking at every character finds.
    #[test]
    fn the_markup_scan_finds_what_reading_every_character_finds() {
        let read = |text: &str| {
            let mut from = 0;
            while let Some(found) = text[from..].find(['&', '<']) {
                let at = from + found;
                let rest = &text[at..];
                let kept = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")]
                    .into_iter()
                    .find(|(open, _)| rest.starts_with(open));
                if let Some((open, close)) = kept {
                    from = at + open.len() + rest[open.len()..].find(close)? + close.len();
                    continue;
                }
                if let Some(found) = unprintable_at(text, at) {
                    return Some(found);
                }
                from = at + 1;
            }
            None
        };
        for text in crate::scratch::texts(crate::scratch::PIECES, 20_000) {
            assert_eq!(first_unprintable_in_markup(&text), read(&text), "{text:?}");
        }
    }

    fn named(text: &str) -> Option<Named> {
        at_start(text).map(|(n, _)| n)
    }

    #[test]
    fn references_name_what_unicode_says() {
        assert_eq!(at_start("&#x41;b"), Some((Named::Char('A'), 6)));
        assert_eq!(at_start("&#65;"), Some((Named::Char('A'), 5)));
        assert_eq!(at_start("&#X05e9;"), Some((Named::Char('ש'), 8)));
        assert_eq!(at_start("&#0000001513;"), Some((Named::Char('ש'), 13)));
        assert_eq!(named("&#x9;"), Some(Named::Char('\t')));
        assert_eq!(named("&#10;"), Some(Named::Char('\n')));
        assert_eq!(named("&#x1F600;"), Some(Named::Char('😀')));
        assert_eq!(named("&#x10FFFD;"), Some(Named::Char('\u{10FFFD}')));
        assert_eq!(named("&#0;"), Some(Named::Control('\0')));
        assert_eq!(named("&#x7;"), Some(Named::Control('\u{7}')));
        assert_eq!(named("&#127;"), Some(Named::Control('\u{7f}')));
        assert_eq!(named("&#x85;"), Some(Named::Char('\u{85}')));
        assert_eq!(named("&#x80;"), Some(Named::Control('\u{80}')));
        assert_eq!(named("&#x9F;"), Some(Named::Control('\u{9f}')));
        assert_eq!(named("&#xD800;"), Some(Named::Surrogate(0xD800)));
        assert_eq!(named("&#57343;"), Some(Named::Surrogate(0xDFFF)));
        assert_eq!(named("&#xFDD0;"), Some(Named::Noncharacter('\u{FDD0}')));
        assert_eq!(named("&#xFFFE;"), Some(Named::Noncharacter('\u{FFFE}')));
        assert_eq!(named("&#x10FFFF;"), Some(Named::Noncharacter('\u{10FFFF}')));
        assert_eq!(named("&#x110000;"), Some(Named::TooLarge));
        assert_eq!(
            named("&#99999999999999999999999999;"),
            Some(Named::TooLarge)
        );
        assert_eq!(named("&#xFFFFFFFF00000041;"), Some(Named::TooLarge));
        for not_one in ["&#;", "&#x;", "&#x41", "&#12a;", "&amp;", "&", "&#", "#65;"] {
            assert_eq!(at_start(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn the_first_unprintable_is_found_and_said() {
        let (at, what) = first_unprintable("a &#x41; b &#x7; c &#0;").unwrap();
        assert_eq!(at, 11..16);
        assert_eq!(
            what.message(),
            "`&#x7;` names a control character (U+0007), which cannot be printed"
        );
        assert!(what.help().contains("remove `&#x7;`"));
        let (_, what) = first_unprintable("&#0;").unwrap();
        assert!(
            what.message().contains("null character"),
            "{}",
            what.message()
        );
        let (_, what) = first_unprintable("&#xD800;").unwrap();
        assert!(what.message().contains("surrogate"), "{}", what.message());
        let (_, what) = first_unprintable("&#x110000;").unwrap();
        assert!(what.message().contains("names no character"));
        assert_eq!(first_unprintable("&#x41; &amp;#0; & &#9;"), None);
    }

    #[test]
    fn markup_keeps_references_in_comments_and_cdata_as_written() {
        assert_eq!(
            first_unprintable_in_markup("<!-- &#0; --><p><![CDATA[&#x7;]]><?x &#1;?>&#x41;</p>"),
            None
        );
        let (at, _) = first_unprintable_in_markup("<!-- &#0; --><p a=\"&#1;\">").unwrap();
        assert_eq!(at, 19..23);
        assert_eq!(first_unprintable_in_markup("<!-- &#0;"), None);
        // A text of many `&` and `<` is read once.
        let text = "&<".repeat(500_000);
        assert_eq!(first_unprintable_in_markup(&text), None);
        assert_eq!(first_unprintable(&text), None);
    }
}
