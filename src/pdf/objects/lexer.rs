//! The bytes of PDF syntax: which bytes are white space and delimiters,
//! comments, keywords, numbers, names and strings. [`super::value`] builds
//! values from these tokens.

use std::borrow::Cow;

use super::{Fault, MAX_DEPTH};

pub(super) fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

pub(super) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

pub(super) fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// Skips white space and comments.
pub(super) fn skip_space(data: &[u8], pos: &mut usize) {
    while let Some(&b) = data.get(*pos) {
        if is_white(b) {
            *pos += 1;
        } else if b == b'%' {
            while data.get(*pos).is_some_and(|&b| b != b'\n' && b != b'\r') {
                *pos += 1;
            }
        } else {
            break;
        }
    }
}

/// Consumes `word` when it is there as a whole token.
pub(super) fn keyword(data: &[u8], pos: &mut usize, word: &[u8]) -> bool {
    let end = *pos + word.len();
    if data[*pos..].starts_with(word) && !data.get(end).is_some_and(|&b| is_regular(b)) {
        *pos = end;
        true
    } else {
        false
    }
}

pub(super) fn read_unsigned(data: &[u8], pos: &mut usize) -> Option<u64> {
    let start = *pos;
    let mut n: u64 = 0;
    while let Some(&b) = data.get(*pos).filter(|b| b.is_ascii_digit()) {
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        *pos += 1;
    }
    (*pos > start).then_some(n)
}

/// The first byte of the value at `pos`, after white space.
pub(super) fn value_start(data: &[u8], pos: &mut usize, depth: usize) -> Result<u8, Fault> {
    if depth > MAX_DEPTH {
        return Err(Fault::TooDeep);
    }
    skip_space(data, pos);
    data.get(*pos).copied().ok_or(Fault::EndOfData)
}

/// The characters of a number at `pos`, which it steps over.
pub(super) fn number_token<'a>(data: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let start = *pos;
    while data
        .get(*pos)
        .is_some_and(|&b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        *pos += 1;
    }
    &data[start..*pos]
}

/// After an unsigned integer, steps over ` g R` and says so when it is
/// there: the integer was an object's number.
pub(super) fn reference_rest(data: &[u8], pos: &mut usize) -> bool {
    let mut ahead = *pos;
    skip_space(data, &mut ahead);
    if read_unsigned(data, &mut ahead).is_none() {
        return false;
    }
    skip_space(data, &mut ahead);
    let found = keyword(data, &mut ahead, b"R");
    if found {
        *pos = ahead;
    }
    found
}

/// The bytes of a name after its slash, which `pos` is at; steps over them.
pub(super) fn name_token<'a>(data: &'a [u8], pos: &mut usize) -> &'a [u8] {
    *pos += 1;
    let start = *pos;
    while data.get(*pos).is_some_and(|&b| is_regular(b)) {
        *pos += 1;
    }
    &data[start..*pos]
}

/// A name's bytes with `#xx` escapes decoded.
pub(super) fn decode_name(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'#') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'#', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// A hex string `< … >`, which `pos` is at; an odd last digit is followed
/// by a 0.
pub(super) fn hex_string(data: &[u8], pos: &mut usize) -> Result<Vec<u8>, Fault> {
    *pos += 1;
    let mut bytes = Vec::new();
    let mut high: Option<u8> = None;
    loop {
        let b = *data.get(*pos).ok_or(Fault::UnclosedHexString)?;
        *pos += 1;
        if b == b'>' {
            break;
        }
        if is_white(b) {
            continue;
        }
        let digit = (b as char).to_digit(16).ok_or(Fault::NotHex)? as u8;
        match high.take() {
            Some(h) => bytes.push(h << 4 | digit),
            None => high = Some(digit),
        }
    }
    if let Some(h) = high {
        bytes.push(h << 4);
    }
    Ok(bytes)
}

/// Steps over a hex string, checking it as [`hex_string`] does.
pub(super) fn skip_hex_string(data: &[u8], pos: &mut usize) -> Result<(), Fault> {
    *pos += 1;
    loop {
        let b = *data.get(*pos).ok_or(Fault::UnclosedHexString)?;
        *pos += 1;
        if b == b'>' {
            return Ok(());
        }
        if !is_white(b) && !b.is_ascii_hexdigit() {
            return Err(Fault::NotHex);
        }
    }
}

/// A literal string `( … )`, with nested brackets and escapes.
pub(super) fn parse_literal_string(data: &[u8], pos: &mut usize) -> Result<Vec<u8>, Fault> {
    *pos += 1;
    let mut out = Vec::new();
    let mut open = 1;
    loop {
        let b = *data.get(*pos).ok_or(Fault::UnclosedString)?;
        *pos += 1;
        match b {
            b'(' => {
                open += 1;
                out.push(b);
            }
            b')' => {
                open -= 1;
                if open == 0 {
                    return Ok(out);
                }
                out.push(b);
            }
            b'\\' => {
                let e = *data.get(*pos).ok_or(Fault::UnclosedString)?;
                *pos += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut value = u32::from(e - b'0');
                        for _ in 0..2 {
                            match data.get(*pos) {
                                Some(&d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    *pos += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(value as u8);
                    }
                    // A backslash at a line's end joins the lines.
                    b'\r' => {
                        if data.get(*pos) == Some(&b'\n') {
                            *pos += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            // An end of line in a string reads as a line feed.
            b'\r' => {
                if data.get(*pos) == Some(&b'\n') {
                    *pos += 1;
                }
                out.push(b'\n');
            }
            _ => out.push(b),
        }
    }
}
