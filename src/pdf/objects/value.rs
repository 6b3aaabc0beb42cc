//! Values and dictionaries: parsed from the bytes a dictionary keeps for
//! them, stepped over without being built, and written.

use std::borrow::Cow;
use std::io::Write;

use super::Fault;
use super::lexer::{
    decode_name, hex_string, is_regular, keyword, name_token, number_token, parse_literal_string,
    reference_rest, skip_hex_string, skip_space, value_start,
};

/// A value, parsed from the bytes a dictionary keeps for it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Integer(i64),
    Real(f64),
    /// A name without its slash, `#xx` escapes decoded.
    Name(Cow<'a, [u8]>),
    /// A string's bytes, escapes decoded.
    String(Vec<u8>),
    Array(Vec<Value<'a>>),
    Dict(Dict<'a>),
    /// An indirect reference: the object's number (generations are always 0
    /// in the files read here, and are not compared).
    Reference(u32),
}

impl Value<'_> {
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Value::Name(name) => Some(name),
            _ => None,
        }
    }

    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_reference(&self) -> Option<u32> {
        match self {
            Value::Reference(n) => Some(*n),
            _ => None,
        }
    }

    /// Calls `found` with every reference in the value, however deep.
    pub fn references(&self, found: &mut dyn FnMut(u32)) {
        match self {
            Value::Reference(n) => found(*n),
            Value::Array(items) => items.iter().for_each(|item| item.references(found)),
            Value::Dict(dict) => dict.references(found),
            _ => {}
        }
    }
}

/// A dictionary: its keys in the file's order, each with the bytes of its
/// value as written (parsed by [`Dict::get`]) or as set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dict<'a> {
    entries: Vec<Entry<'a>>,
}

/// A key and the bytes of its value.
type Entry<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

impl<'a> Dict<'a> {
    pub fn new() -> Self {
        Dict::default()
    }

    pub fn has(&self, key: &[u8]) -> bool {
        self.raw(key).is_some()
    }

    /// The bytes of `key`'s value.
    pub fn raw(&self, key: &[u8]) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_ref() == key)
            .map(|(_, v)| v.as_ref())
    }

    /// `key`'s value. The bytes were checked when the dictionary was read,
    /// and values set are made by the writers below, so they parse.
    pub fn get(&self, key: &[u8]) -> Option<Value<'_>> {
        let raw = self.raw(key)?;
        let mut at = 0;
        parse_value(raw, &mut at, 0).ok()
    }

    /// Sets `key` to `raw`, the bytes of a value (see [`name`], [`integer`],
    /// [`reference`], [`text_string`], [`literal_string`]).
    pub fn set(&mut self, key: &[u8], raw: Vec<u8>) {
        match self.entries.iter_mut().find(|(k, _)| k.as_ref() == key) {
            Some((_, value)) => *value = Cow::Owned(raw),
            None => self
                .entries
                .push((Cow::Owned(key.to_vec()), Cow::Owned(raw))),
        }
    }

    /// Removes `key`, saying whether it was there.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(k, _)| k.as_ref() != key);
        self.entries.len() != before
    }

    pub fn references(&self, found: &mut dyn FnMut(u32)) {
        for (key, _) in &self.entries {
            if let Some(value) = self.get(key) {
                value.references(found);
            }
        }
    }

    /// The keys and the bytes of their values, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// Every value, parsed, for walking the whole dictionary.
    pub fn values(&self) -> impl Iterator<Item = Value<'_>> {
        self.entries.iter().filter_map(|(_, raw)| {
            let mut at = 0;
            parse_value(raw, &mut at, 0).ok()
        })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"<<");
        for (key, value) in &self.entries {
            write_name(out, key);
            out.push(b' ');
            out.extend_from_slice(value);
        }
        out.extend_from_slice(b">>");
    }
}

/// The bytes of a name value.
pub fn name(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 1);
    write_name(&mut out, text);
    out
}

pub fn integer(n: i64) -> Vec<u8> {
    n.to_string().into_bytes()
}

pub fn reference(number: u32) -> Vec<u8> {
    format!("{number} 0 R").into_bytes()
}

/// The bytes of a literal string holding `bytes`.
pub fn literal_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            // A bare carriage return would be read back as a line feed.
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b')');
    out
}

/// A PDF text string: PDFDocEncoding for printable ASCII, UTF-16BE with a
/// byte order mark (in hex) otherwise.
pub fn text_string(text: &str) -> Vec<u8> {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        literal_string(text.as_bytes())
    } else {
        let mut out = b"<FEFF".to_vec();
        for unit in text.encode_utf16() {
            out.extend_from_slice(format!("{unit:04X}").as_bytes());
        }
        out.push(b'>');
        out
    }
}

/// The bytes of an array of values given as bytes.
pub fn array(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![b'['];
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    out
}

/// The bytes of a dictionary value.
pub fn dictionary(dict: &Dict) -> Vec<u8> {
    let mut out = Vec::new();
    dict.write(&mut out);
    out
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if is_regular(b) && b != b'#' && (b'!'..=b'~').contains(&b) {
            out.push(b);
        } else {
            let _ = write!(out, "#{b:02X}");
        }
    }
}

/// Parses one value at `pos` (after any white space), leaving `pos` after it.
pub(super) fn parse_value<'a>(
    data: &'a [u8],
    pos: &mut usize,
    depth: usize,
) -> Result<Value<'a>, Fault> {
    let first = value_start(data, pos, depth)?;
    match first {
        b'/' => Ok(Value::Name(decode_name(name_token(data, pos)))),
        b'(' => parse_literal_string(data, pos).map(Value::String),
        b'<' if data.get(*pos + 1) == Some(&b'<') => {
            *pos += 2;
            let mut entries = Vec::new();
            loop {
                skip_space(data, pos);
                if data[*pos..].starts_with(b">>") {
                    *pos += 2;
                    return Ok(Value::Dict(Dict { entries }));
                }
                let key = match parse_value(data, pos, depth + 1)? {
                    Value::Name(key) => key,
                    _ => return Err(Fault::KeyNotAName),
                };
                skip_space(data, pos);
                let start = *pos;
                skip_value(data, pos, depth + 1)?;
                entries.push((key, Cow::Borrowed(&data[start..*pos])));
            }
        }
        b'<' => hex_string(data, pos).map(Value::String),
        b'[' => {
            *pos += 1;
            let mut items = Vec::new();
            loop {
                skip_space(data, pos);
                if data.get(*pos) == Some(&b']') {
                    *pos += 1;
                    return Ok(Value::Array(items));
                }
                items.push(parse_value(data, pos, depth + 1)?);
            }
        }
        b'0'..=b'9' | b'+' | b'-' | b'.' => {
            let token = number_token(data, pos);
            let token = std::str::from_utf8(token).unwrap_or("");
            if let Ok(n) = token.parse::<i64>() {
                if n >= 0 && reference_rest(data, pos) {
                    let number = u32::try_from(n).map_err(|_| Fault::ReferenceTooLarge)?;
                    return Ok(Value::Reference(number));
                }
                Ok(Value::Integer(n))
            } else {
                token
                    .parse::<f64>()
                    .map(Value::Real)
                    .map_err(|_| Fault::NotANumber)
            }
        }
        _ if keyword(data, pos, b"true") => Ok(Value::Bool(true)),
        _ if keyword(data, pos, b"false") => Ok(Value::Bool(false)),
        _ if keyword(data, pos, b"null") => Ok(Value::Null),
        other => Err(Fault::NoValue(other)),
    }
}

/// Steps over one value at `pos` without building it: what reading a file
/// does for every value in a dictionary, most of which nobody asks for. It
/// accepts what [`parse_value`] accepts, but for numbers, which it does
/// not check (a malformed one reads as missing).
pub(super) fn skip_value(data: &[u8], pos: &mut usize, depth: usize) -> Result<(), Fault> {
    let first = value_start(data, pos, depth)?;
    match first {
        b'/' => {
            name_token(data, pos);
        }
        b'(' => {
            parse_literal_string(data, pos)?;
        }
        b'<' if data.get(*pos + 1) == Some(&b'<') => {
            *pos += 2;
            loop {
                skip_space(data, pos);
                if data[*pos..].starts_with(b">>") {
                    *pos += 2;
                    break;
                }
                if data.get(*pos) != Some(&b'/') {
                    return Err(Fault::KeyNotAName);
                }
                skip_value(data, pos, depth + 1)?;
                skip_value(data, pos, depth + 1)?;
            }
        }
        b'<' => skip_hex_string(data, pos)?,
        b'[' => {
            *pos += 1;
            loop {
                skip_space(data, pos);
                if data.get(*pos) == Some(&b']') {
                    *pos += 1;
                    break;
                }
                skip_value(data, pos, depth + 1)?;
            }
        }
        b'0'..=b'9' | b'+' | b'-' | b'.' => {
            if number_token(data, pos).iter().all(u8::is_ascii_digit) {
                reference_rest(data, pos);
            }
        }
        _ if keyword(data, pos, b"true")
            || keyword(data, pos, b"false")
            || keyword(data, pos, b"null") => {}
        other => return Err(Fault::NoValue(other)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::objects::MAX_DEPTH;

    fn value(text: &str) -> Value<'_> {
        let mut at = 0;
        parse_value(text.as_bytes(), &mut at, 0).expect("parses")
    }

    #[test]
    fn reads_every_kind_of_value() {
        assert_eq!(value("null"), Value::Null);
        assert_eq!(value(" true"), Value::Bool(true));
        assert_eq!(value("-12"), Value::Integer(-12));
        assert_eq!(value("3.5"), Value::Real(3.5));
        assert_eq!(value("-.5"), Value::Real(-0.5));
        assert_eq!(value("/A#20B"), Value::Name(Cow::Borrowed(b"A B")));
        assert_eq!(value("12 0 R"), Value::Reference(12));
        assert_eq!(
            value("[1 2 0 R 3]"),
            Value::Array(vec![
                Value::Integer(1),
                Value::Reference(2),
                Value::Integer(3)
            ])
        );
        assert_eq!(value("<48 65 6c6>"), Value::String(b"Hel`".to_vec()));
        let Value::Dict(dict) = value("<</Type/Page % a comment\n/Kids[1 0 R]/N 4>>") else {
            panic!("a dictionary");
        };
        assert_eq!(dict.get(b"Type"), Some(Value::Name(Cow::Borrowed(b"Page"))));
        assert_eq!(dict.raw(b"Kids"), Some(&b"[1 0 R]"[..]));
        assert_eq!(dict.get(b"N").and_then(|v| v.as_integer()), Some(4));
        assert!(dict.get(b"Missing").is_none());
    }

    #[test]
    fn reads_literal_strings_with_brackets_and_escapes() {
        assert_eq!(
            value(
                r"(a (nested) \(b\) \\ \101\n\
c)"
            ),
            Value::String(b"a (nested) (b) \\ A\nc".to_vec())
        );
        assert_eq!(value("(a\r\nb)"), Value::String(b"a\nb".to_vec()));
        // What literal_string writes reads back as it was.
        let tricky = b"(x) \\ \r y";
        assert_eq!(
            value(std::str::from_utf8(&literal_string(tricky)).unwrap()),
            Value::String(tricky.to_vec())
        );
    }

    #[test]
    fn writes_values_that_read_back() {
        assert_eq!(
            value(std::str::from_utf8(&name(b"A B#")).unwrap()),
            Value::Name(Cow::Owned(b"A B#".to_vec()))
        );
        assert_eq!(
            value(std::str::from_utf8(&text_string("Kazakhstan")).unwrap()),
            Value::String(b"Kazakhstan".to_vec())
        );
        let Value::String(utf16) = value(std::str::from_utf8(&text_string("Қазақстан")).unwrap())
        else {
            panic!("a string");
        };
        assert_eq!(&utf16[..2], &[0xfe, 0xff]);
        assert_eq!(utf16.len(), 2 + 2 * "Қазақстан".chars().count());
    }

    #[test]
    fn skipping_a_value_ends_where_parsing_it_does() {
        for text in [
            "null ",
            "-12 /Next",
            "12 0 R]",
            "12 0 obj",
            "[1 2 0 R (a\\) b) <4F6B> [<</A 1>>]] 7",
            "<</Kids[1 0 R 2 0 R]/Title<FEFF0041>/T(x(y)z)/N 4.5>>>>",
            "true]",
        ] {
            let data = text.as_bytes();
            let (mut parsed, mut skipped) = (0, 0);
            parse_value(data, &mut parsed, 0).expect("parses");
            skip_value(data, &mut skipped, 0).expect("skips");
            assert_eq!(parsed, skipped, "{text}");
        }
        for bad in ["(open", "<4G>", "<<1 2>>", "[1 2", "@"] {
            let mut at = 0;
            assert!(skip_value(bad.as_bytes(), &mut at, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_values_are_errors() {
        for bad in [
            "", "(open", "<4G>", "<</Key", "<<1 2>>", "[1 2", "@", "1.2.3", "truth",
        ] {
            let mut at = 0;
            assert!(parse_value(bad.as_bytes(), &mut at, 0).is_err(), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2);
        let mut at = 0;
        assert!(parse_value(deep.as_bytes(), &mut at, 0).is_err());
    }
}
