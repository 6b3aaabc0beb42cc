//! A PDF file read object by object, changed in a few places and written
//! out again: what the PDF/X step ([`super::pdfx`]) needs of a file that
//! krilla wrote.
//!
//! krilla writes a classic cross-reference table and no object streams, and
//! that is what is read here; a cross-reference stream or an incremental
//! update is refused with a message that says so. Each object's dictionary is
//! split into keys and the bytes of their values, which are parsed only when
//! asked for, and an object nobody changes is written out again byte for
//! byte. So rewriting a file costs little more than copying it: a copy of the
//! briefing pack spent an eighth of its instructions in lopdf's full parse and
//! serialisation before (docs/decisions.md).

use std::borrow::Cow;
use std::io::Write;

/// Nesting deeper than this is refused: handbill's files nest a few levels,
/// and the bound keeps a broken file from overflowing the stack.
const MAX_DEPTH: usize = 64;

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

    fn write(&self, out: &mut Vec<u8>) {
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

/// One indirect object.
#[derive(Clone, Debug)]
pub struct Object<'a> {
    generation: u16,
    /// The dictionary, for a dictionary or a stream.
    dict: Option<Dict<'a>>,
    /// The value's bytes, when it is not a dictionary.
    other: &'a [u8],
    stream: Option<Cow<'a, [u8]>>,
    /// The object as the file has it, while nothing in it has changed.
    original: Option<&'a [u8]>,
}

impl<'a> Object<'a> {
    /// A new stream object; its `/Length` is set when written.
    pub fn stream(dict: Dict<'a>, data: impl Into<Cow<'a, [u8]>>) -> Self {
        Object {
            generation: 0,
            dict: Some(dict),
            other: b"",
            stream: Some(data.into()),
            original: None,
        }
    }

    /// A new dictionary object.
    pub fn dict(dict: Dict<'a>) -> Self {
        Object {
            generation: 0,
            dict: Some(dict),
            other: b"",
            stream: None,
            original: None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict<'a>> {
        self.dict.as_ref()
    }

    /// The dictionary, to be changed: the object is written anew.
    pub fn as_dict_mut(&mut self) -> Option<&mut Dict<'a>> {
        self.original = None;
        self.dict.as_mut()
    }

    /// The stream's data as stored (encoded), for a stream.
    pub fn stream_data(&self) -> Option<&[u8]> {
        self.stream.as_deref()
    }

    /// Replaces the stream's data; the caller sets `/Filter` to match.
    pub fn set_stream_data(&mut self, data: Vec<u8>) {
        self.original = None;
        self.stream = Some(Cow::Owned(data));
    }

    /// The object's value, parsed: a dictionary for a stream.
    pub fn value(&self) -> Option<Value<'_>> {
        match &self.dict {
            Some(dict) => Some(Value::Dict(dict.clone())),
            None => {
                let mut at = 0;
                parse_value(self.other, &mut at, 0).ok()
            }
        }
    }

    /// The stream's data decoded, at most `limit` bytes: only FlateDecode
    /// is read, the one filter krilla writes.
    pub fn decoded_stream(&self, limit: usize) -> Result<Vec<u8>, String> {
        let data = self.stream_data().ok_or("not a stream")?;
        let filters = match self.dict.as_ref().and_then(|d| d.get(b"Filter")) {
            None => Vec::new(),
            Some(Value::Name(name)) => vec![name.into_owned()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_name().map(<[u8]>::to_vec))
                .collect::<Option<Vec<_>>>()
                .ok_or("its /Filter array holds something other than names")?,
            Some(_) => return Err("its /Filter is not a name".into()),
        };
        let mut data = Cow::Borrowed(data);
        for filter in filters {
            if filter != b"FlateDecode" {
                return Err(format!(
                    "its filter /{} cannot be decoded here (only /FlateDecode)",
                    String::from_utf8_lossy(&filter)
                ));
            }
            if self.dict.as_ref().is_some_and(|d| d.has(b"DecodeParms")) {
                return Err("its /DecodeParms cannot be applied here".into());
            }
            data = Cow::Owned(inflate(&data, limit)?);
        }
        if data.len() > limit {
            return Err(format!("it is larger than {limit} bytes"));
        }
        Ok(data.into_owned())
    }
}

fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("its Flate data is damaged: {e}"))?;
    if out.len() > limit {
        return Err(format!("it decodes to more than {limit} bytes"));
    }
    Ok(out)
}

/// A whole file: header version, objects by number, trailer.
#[derive(Debug)]
pub struct PdfFile<'a> {
    /// The header's version, e.g. `1.6`.
    pub version: String,
    /// Objects by number; `None` for numbers not in use.
    objects: Vec<Option<Object<'a>>>,
    pub trailer: Dict<'a>,
}

impl<'a> PdfFile<'a> {
    /// Reads `pdf`, which must have a classic cross-reference table and no
    /// incremental updates (as krilla and handbill write them).
    pub fn read(pdf: &'a [u8]) -> Result<Self, String> {
        let version = pdf
            .strip_prefix(b"%PDF-")
            .and_then(|rest| {
                let end = rest.iter().position(|b| is_white(*b))?;
                std::str::from_utf8(&rest[..end]).ok()
            })
            .ok_or("it does not start with a %PDF- header")?
            .to_string();
        let xref_at = start_xref(pdf)?;
        let (offsets, trailer) = read_xref(pdf, xref_at)?;
        if trailer.has(b"Prev") || trailer.has(b"XRefStm") {
            return Err("it has incremental updates, which this step does not read".into());
        }
        let mut file = PdfFile {
            version,
            objects: Vec::with_capacity(offsets.len()),
            trailer,
        };
        for (number, offset) in offsets.iter().enumerate() {
            let object = match offset {
                Some(offset) => Some(
                    read_object(pdf, *offset, number as u32, &offsets)
                        .map_err(|e| format!("object {number}: {e}"))?,
                ),
                None => None,
            };
            file.objects.push(object);
        }
        Ok(file)
    }

    pub fn get(&self, number: u32) -> Option<&Object<'a>> {
        self.objects.get(number as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, number: u32) -> Option<&mut Object<'a>> {
        self.objects.get_mut(number as usize)?.as_mut()
    }

    /// The objects in use, by number.
    pub fn objects(&self) -> impl Iterator<Item = (u32, &Object<'a>)> {
        self.objects
            .iter()
            .enumerate()
            .filter_map(|(n, o)| Some((n as u32, o.as_ref()?)))
    }

    pub fn objects_mut(&mut self) -> impl Iterator<Item = (u32, &mut Object<'a>)> {
        self.objects
            .iter_mut()
            .enumerate()
            .filter_map(|(n, o)| Some((n as u32, o.as_mut()?)))
    }

    /// Adds `object` under the next free number, which it returns.
    pub fn add(&mut self, object: Object<'a>) -> u32 {
        let number = self.objects.len().max(1);
        self.objects.resize(number, None);
        self.objects.push(Some(object));
        number as u32
    }

    /// `value`, or the value of the object it refers to.
    pub fn resolve<'v>(&'v self, value: Value<'v>) -> Option<Value<'v>> {
        match value {
            Value::Reference(n) => self.get(n)?.value(),
            other => Some(other),
        }
    }

    /// Drops the objects that nothing reachable from the trailer refers to.
    pub fn drop_unreachable(&mut self) {
        let mut reachable = vec![false; self.objects.len()];
        let mut todo: Vec<u32> = Vec::new();
        self.trailer.references(&mut |n| todo.push(n));
        while let Some(n) = todo.pop() {
            let Some(seen) = reachable.get_mut(n as usize) else {
                continue;
            };
            if std::mem::replace(seen, true) {
                continue;
            }
            if let Some(value) = self.get(n).and_then(Object::value) {
                value.references(&mut |m| todo.push(m));
            }
        }
        for (object, keep) in self.objects.iter_mut().zip(reachable) {
            if !keep {
                *object = None;
            }
        }
    }

    /// The file, written out: unchanged objects as they were read.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("%PDF-{}\n", self.version).as_bytes());
        // Bytes above 127 on the second line tell tools the file is binary.
        out.extend_from_slice(b"%\x80\x80\x80\x80\n");
        let mut offsets = vec![None; self.objects.len().max(1)];
        for (number, object) in self.objects() {
            offsets[number as usize] = Some((out.len(), object.generation));
            match object.original {
                Some(bytes) => {
                    out.extend_from_slice(bytes);
                    out.push(b'\n');
                }
                None => write_object(out, number, object),
            }
        }
        let xref_at = out.len();
        // Free entries form a list, each naming the next free number.
        let free: Vec<usize> = (1..offsets.len())
            .filter(|&n| offsets[n].is_none())
            .collect();
        let _ = write!(out, "xref\n0 {}\n", offsets.len());
        let mut next_free = free.iter().copied();
        let _ = write!(out, "{:010} 65535 f\r\n", next_free.next().unwrap_or(0));
        for entry in offsets.iter().skip(1) {
            let _ = match entry {
                Some((offset, generation)) => write!(out, "{offset:010} {generation:05} n\r\n"),
                None => write!(out, "{:010} 00001 f\r\n", next_free.next().unwrap_or(0)),
            };
        }
        let mut trailer = self.trailer.clone();
        trailer.set(b"Size", integer(offsets.len() as i64));
        out.extend_from_slice(b"trailer\n");
        trailer.write(out);
        let _ = write!(out, "\nstartxref\n{xref_at}\n%%EOF\n");
    }
}

fn write_object(out: &mut Vec<u8>, number: u32, object: &Object) {
    let _ = writeln!(out, "{number} {} obj", object.generation);
    match (&object.dict, &object.stream) {
        (Some(dict), Some(data)) => {
            let mut dict = dict.clone();
            dict.set(b"Length", integer(data.len() as i64));
            dict.write(out);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(data);
            out.extend_from_slice(b"\nendstream");
        }
        (Some(dict), None) => dict.write(out),
        (None, _) => out.extend_from_slice(object.other),
    }
    out.extend_from_slice(b"\nendobj\n");
}

/// Where the cross-reference table starts, from `startxref` near the end.
fn start_xref(pdf: &[u8]) -> Result<usize, String> {
    let tail = &pdf[pdf.len().saturating_sub(1024)..];
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or("it has no startxref at its end (is it cut short?)")?;
    let mut pos = pdf.len() - tail.len() + at + 9;
    skip_space(pdf, &mut pos);
    let offset = read_unsigned(pdf, &mut pos).ok_or("its startxref is not a number")?;
    usize::try_from(offset)
        .ok()
        .filter(|&o| o < pdf.len())
        .ok_or_else(|| "its startxref points past the end".to_string())
}

/// The table's offsets by object number, and the trailer.
#[allow(clippy::type_complexity)]
fn read_xref(pdf: &[u8], at: usize) -> Result<(Vec<Option<usize>>, Dict<'_>), String> {
    let mut pos = at;
    if !pdf[pos..].starts_with(b"xref") {
        return Err(
            "its cross-reference is not a classic table (a cross-reference stream?), \
             which this step does not read"
                .into(),
        );
    }
    pos += 4;
    let mut offsets: Vec<Option<usize>> = Vec::new();
    loop {
        skip_space(pdf, &mut pos);
        if pdf[pos..].starts_with(b"trailer") {
            pos += 7;
            break;
        }
        let first = read_unsigned(pdf, &mut pos).ok_or("its cross-reference table is damaged")?;
        skip_space(pdf, &mut pos);
        let count = read_unsigned(pdf, &mut pos).ok_or("its cross-reference table is damaged")?;
        let end = first
            .checked_add(count)
            .filter(|&end| end <= 8_388_607)
            .ok_or("its cross-reference table names too many objects")? as usize;
        if offsets.len() < end {
            offsets.resize(end, None);
        }
        for (number, slot) in offsets
            .iter_mut()
            .enumerate()
            .take(end)
            .skip(first as usize)
        {
            skip_space(pdf, &mut pos);
            let offset = read_unsigned(pdf, &mut pos);
            skip_space(pdf, &mut pos);
            let generation = read_unsigned(pdf, &mut pos);
            skip_space(pdf, &mut pos);
            let kind = pdf.get(pos).copied();
            pos += 1;
            match (offset, generation, kind) {
                (Some(offset), Some(_), Some(b'n')) => {
                    let offset = usize::try_from(offset)
                        .ok()
                        .filter(|&o| o < pdf.len())
                        .ok_or_else(|| format!("object {number} is said to be past the end"))?;
                    *slot = Some(offset);
                }
                (Some(_), Some(_), Some(b'f')) => *slot = None,
                _ => return Err("its cross-reference table is damaged".into()),
            }
        }
    }
    skip_space(pdf, &mut pos);
    match parse_value(pdf, &mut pos, 0) {
        Ok(Value::Dict(trailer)) => Ok((offsets, trailer)),
        _ => Err("its trailer is not a dictionary".into()),
    }
}

/// Reads the object `number` that starts at `offset`.
fn read_object<'a>(
    pdf: &'a [u8],
    offset: usize,
    number: u32,
    offsets: &[Option<usize>],
) -> Result<Object<'a>, String> {
    let mut pos = offset;
    let found = read_unsigned(pdf, &mut pos);
    skip_space(pdf, &mut pos);
    let generation = read_unsigned(pdf, &mut pos);
    skip_space(pdf, &mut pos);
    if found != Some(u64::from(number)) || !keyword(pdf, &mut pos, b"obj") {
        return Err("the cross-reference table points elsewhere".into());
    }
    let generation = generation
        .and_then(|g| u16::try_from(g).ok())
        .ok_or("its generation number is not a number")?;
    skip_space(pdf, &mut pos);
    let start = pos;
    let dict = if pdf[pos..].starts_with(b"<<") {
        match parse_value(pdf, &mut pos, 0)? {
            Value::Dict(dict) => Some(dict),
            _ => return Err("its dictionary is damaged".into()),
        }
    } else {
        skip_value(pdf, &mut pos, 0)?;
        None
    };
    let other = &pdf[start..pos];
    skip_space(pdf, &mut pos);
    let mut stream = None;
    if let Some(dict) = &dict
        && keyword(pdf, &mut pos, b"stream")
    {
        // The data starts after CR LF or LF.
        if pdf[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if pdf.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        let length = match dict.get(b"Length") {
            Some(Value::Integer(n)) => n,
            Some(Value::Reference(n)) => offsets
                .get(n as usize)
                .copied()
                .flatten()
                .and_then(|at| read_object(pdf, at, n, &[]).ok())
                .and_then(|o| o.value()?.as_integer())
                .ok_or("its /Length refers to no number")?,
            _ => return Err("its stream has no /Length".into()),
        };
        let end = usize::try_from(length)
            .ok()
            .and_then(|l| pos.checked_add(l))
            .filter(|&end| end <= pdf.len())
            .ok_or("its stream runs past the end of the file")?;
        stream = Some(Cow::Borrowed(&pdf[pos..end]));
        pos = end;
        skip_space(pdf, &mut pos);
        if !keyword(pdf, &mut pos, b"endstream") {
            return Err("its stream does not end where its /Length says".into());
        }
        skip_space(pdf, &mut pos);
    }
    if !keyword(pdf, &mut pos, b"endobj") {
        return Err("it has no endobj".into());
    }
    Ok(Object {
        generation,
        dict,
        other,
        stream,
        original: Some(&pdf[offset..pos]),
    })
}

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// Skips white space and comments.
fn skip_space(data: &[u8], pos: &mut usize) {
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
fn keyword(data: &[u8], pos: &mut usize, word: &[u8]) -> bool {
    let end = *pos + word.len();
    if data[*pos..].starts_with(word) && !data.get(end).is_some_and(|&b| is_regular(b)) {
        *pos = end;
        true
    } else {
        false
    }
}

fn read_unsigned(data: &[u8], pos: &mut usize) -> Option<u64> {
    let start = *pos;
    let mut n: u64 = 0;
    while let Some(&b) = data.get(*pos).filter(|b| b.is_ascii_digit()) {
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        *pos += 1;
    }
    (*pos > start).then_some(n)
}

/// The first byte of the value at `pos`, after white space.
fn value_start(data: &[u8], pos: &mut usize, depth: usize) -> Result<u8, String> {
    if depth > MAX_DEPTH {
        return Err("it nests too deep".into());
    }
    skip_space(data, pos);
    data.get(*pos)
        .copied()
        .ok_or_else(|| "it ends where a value was expected".into())
}

/// The characters of a number at `pos`, which it steps over.
fn number_token<'a>(data: &'a [u8], pos: &mut usize) -> &'a [u8] {
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
fn reference_rest(data: &[u8], pos: &mut usize) -> bool {
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

/// Parses one value at `pos` (after any white space), leaving `pos` after it.
fn parse_value<'a>(data: &'a [u8], pos: &mut usize, depth: usize) -> Result<Value<'a>, String> {
    let first = value_start(data, pos, depth)?;
    match first {
        b'/' => {
            *pos += 1;
            let start = *pos;
            while data.get(*pos).is_some_and(|&b| is_regular(b)) {
                *pos += 1;
            }
            Ok(Value::Name(decode_name(&data[start..*pos])))
        }
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
                    _ => return Err("a dictionary key is not a name".into()),
                };
                skip_space(data, pos);
                let start = *pos;
                skip_value(data, pos, depth + 1)?;
                entries.push((key, Cow::Borrowed(&data[start..*pos])));
            }
        }
        b'<' => {
            *pos += 1;
            let mut bytes = Vec::new();
            let mut high: Option<u8> = None;
            loop {
                let b = *data.get(*pos).ok_or("a hex string has no end")?;
                *pos += 1;
                if b == b'>' {
                    break;
                }
                if is_white(b) {
                    continue;
                }
                let digit = (b as char)
                    .to_digit(16)
                    .ok_or("a hex string holds a non-hex character")?
                    as u8;
                match high.take() {
                    Some(h) => bytes.push(h << 4 | digit),
                    None => high = Some(digit),
                }
            }
            if let Some(h) = high {
                bytes.push(h << 4);
            }
            Ok(Value::String(bytes))
        }
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
                    let number = u32::try_from(n).map_err(|_| "a reference is too large")?;
                    return Ok(Value::Reference(number));
                }
                Ok(Value::Integer(n))
            } else {
                token
                    .parse::<f64>()
                    .map(Value::Real)
                    .map_err(|_| format!("'{token}' is not a number"))
            }
        }
        _ if keyword(data, pos, b"true") => Ok(Value::Bool(true)),
        _ if keyword(data, pos, b"false") => Ok(Value::Bool(false)),
        _ if keyword(data, pos, b"null") => Ok(Value::Null),
        other => Err(format!(
            "'{}' starts no value",
            String::from_utf8_lossy(&[other])
        )),
    }
}

/// Steps over one value at `pos` without building it: what reading a file
/// does for every value in a dictionary, most of which nobody asks for. It
/// accepts what [`parse_value`] accepts, but for numbers, which it does
/// not check (a malformed one reads as missing).
fn skip_value(data: &[u8], pos: &mut usize, depth: usize) -> Result<(), String> {
    let first = value_start(data, pos, depth)?;
    match first {
        b'/' => {
            *pos += 1;
            while data.get(*pos).is_some_and(|&b| is_regular(b)) {
                *pos += 1;
            }
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
                    return Err("a dictionary key is not a name".into());
                }
                skip_value(data, pos, depth + 1)?;
                skip_value(data, pos, depth + 1)?;
            }
        }
        b'<' => {
            *pos += 1;
            loop {
                let b = *data.get(*pos).ok_or("a hex string has no end")?;
                *pos += 1;
                if b == b'>' {
                    break;
                }
                if !is_white(b) && !b.is_ascii_hexdigit() {
                    return Err("a hex string holds a non-hex character".into());
                }
            }
        }
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
        other => {
            return Err(format!(
                "'{}' starts no value",
                String::from_utf8_lossy(&[other])
            ));
        }
    }
    Ok(())
}

/// A name's bytes with `#xx` escapes decoded.
fn decode_name(raw: &[u8]) -> Cow<'_, [u8]> {
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

/// A literal string `( … )`, with nested brackets and escapes.
fn parse_literal_string(data: &[u8], pos: &mut usize) -> Result<Vec<u8>, String> {
    *pos += 1;
    let mut out = Vec::new();
    let mut open = 1;
    loop {
        let b = *data.get(*pos).ok_or("a string has no end")?;
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
                let e = *data.get(*pos).ok_or("a string has no end")?;
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A small file as another writer might lay it out: CR LF line ends,
    /// a comment, an indirect /Length, a gap in the numbers.
    fn small_file() -> Vec<u8> {
        let mut pdf = b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n".to_vec();
        let mut offsets = Vec::new();
        let mut add = |pdf: &mut Vec<u8>, text: &[u8]| {
            offsets.push(pdf.len());
            pdf.extend_from_slice(text);
        };
        add(
            &mut pdf,
            b"1 0 obj\r\n<< /Type /Catalog /Pages 2 0 R >>\r\nendobj\r\n",
        );
        add(
            &mut pdf,
            b"2 0 obj\r\n<< /Type /Pages /Kids [4 0 R] /Count 1 >>\r\nendobj\r\n",
        );
        add(
            &mut pdf,
            b"4 0 obj % the page\r\n<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>\r\nendobj\r\n",
        );
        add(&mut pdf, b"5 0 obj\r\n<< /Length 6 0 R >>\r\nstream\r\nendobj endstream\r\nendstream\r\nendobj\r\n");
        add(&mut pdf, b"6 0 obj\r\n18\r\nendobj\r\n");
        let xref = pdf.len();
        pdf.extend_from_slice(b"xref\r\n0 3\r\n0000000000 65535 f\r\n");
        for offset in &offsets[..2] {
            pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(b"4 3\r\n");
        for offset in &offsets[2..] {
            pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer\r\n<< /Size 7 /Root 1 0 R >>\r\nstartxref\r\n{xref}\r\n%%EOF\r\n")
                .as_bytes(),
        );
        pdf
    }

    #[test]
    fn reads_a_file_and_writes_it_back() {
        let pdf = small_file();
        let mut file = PdfFile::read(&pdf).unwrap();
        assert_eq!(file.version, "1.4");
        assert!(file.get(3).is_none());
        assert_eq!(
            file.get(5).unwrap().stream_data().unwrap(),
            b"endobj endstream\r\n"
        );
        let page = file.get_mut(4).unwrap().as_dict_mut().unwrap();
        page.set(
            b"TrimBox",
            array(&[integer(0), integer(0), integer(10), integer(10)]),
        );

        let mut out = Vec::new();
        file.write(&mut out);
        // lopdf, an independent reader, agrees with what was written.
        let doc = lopdf::Document::load_mem(&out).expect("lopdf reads it");
        assert_eq!(doc.version, "1.4");
        let page = doc.get_dictionary((4, 0)).unwrap();
        assert_eq!(page.get(b"TrimBox").unwrap().as_array().unwrap().len(), 4);
        let contents = doc.get_object((5, 0)).unwrap().as_stream().unwrap();
        assert_eq!(contents.content, b"endobj endstream\r\n");
        assert!(doc.get_object((3, 0)).is_err(), "a free number stays free");
        // And so does this reader, unchanged objects byte for byte.
        let again = PdfFile::read(&out).unwrap();
        assert_eq!(
            again.get(1).unwrap().original,
            file.get(1).unwrap().original
        );
        assert_eq!(
            again.get(4).unwrap().as_dict().unwrap().raw(b"TrimBox"),
            Some(&b"[0 0 10 10]"[..])
        );
    }

    #[test]
    fn drops_what_nothing_refers_to() {
        let pdf = small_file();
        let mut file = PdfFile::read(&pdf).unwrap();
        file.get_mut(4)
            .unwrap()
            .as_dict_mut()
            .unwrap()
            .remove(b"Contents");
        file.drop_unreachable();
        assert!(file.get(5).is_none() && file.get(6).is_none());
        assert!(file.get(4).is_some());
    }

    fn replace(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = data
            .windows(from.len())
            .position(|w| w == from)
            .expect("the text to replace is there");
        [&data[..at], to, &data[at + from.len()..]].concat()
    }

    #[test]
    fn no_damage_makes_it_panic() {
        // Every cut and every byte changed to a few telling values: an
        // error or a file, never a panic.
        let pdf = small_file();
        let mut out = Vec::new();
        for cut in 0..pdf.len() {
            let _ = PdfFile::read(&pdf[..cut]);
        }
        for at in 0..pdf.len() {
            for b in [b'0', b'9', b' ', b'(', b'<', b'[', b'/', b'%', 0xff] {
                let mut bad = pdf.clone();
                bad[at] = b;
                if let Ok(file) = PdfFile::read(&bad) {
                    out.clear();
                    file.write(&mut out);
                    if let Some((_, object)) = file.objects().next() {
                        let _ = object.value();
                        let _ = object.decoded_stream(1 << 20);
                    }
                }
            }
        }
    }

    #[test]
    fn damaged_files_are_errors() {
        let pdf = small_file();
        let xref = pdf.windows(4).rposition(|w| w == b"xref").unwrap();
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"not a pdf".to_vec(),
            pdf[..pdf.len() / 2].to_vec(),
            pdf[..xref].to_vec(),
        ];
        // A stream longer than its /Length says.
        cases.push(replace(&pdf, b"\r\n18\r\n", b"\r\n12\r\n"));
        // An offset that points at another object.
        let at = |text: &[u8]| pdf.windows(text.len()).position(|w| w == text).unwrap();
        cases.push(replace(
            &pdf,
            format!("{:010} 00000 n", at(b"1 0 obj")).as_bytes(),
            format!("{:010} 00000 n", at(b"2 0 obj")).as_bytes(),
        ));
        // Incremental updates.
        cases.push(replace(&pdf, b"/Size 7", b"/Size 7 /Prev 9"));
        for (i, case) in cases.iter().enumerate() {
            assert!(PdfFile::read(case).is_err(), "case {i} was read");
        }
    }
}
