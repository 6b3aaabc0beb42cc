//! Indirect objects and the whole file: the cross-reference table, the
//! trailer, streams and their data.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::io::Write;

use rayon::prelude::*;

use super::lexer::{is_white, keyword, read_unsigned, skip_space};
use super::value::{Dict, Value, integer, parse_value, skip_value};
use super::{DecodeError, Fault, ReadError};

/// One indirect object.
#[derive(Clone, Debug)]
pub struct Object<'a> {
    generation: u16,
    /// The dictionary, for a dictionary or a stream. A stream's is read with
    /// the file (its `/Length` is needed); another dictionary's only when it
    /// is first asked for: a tagged pack has a hundred thousand structure
    /// elements, which the PDF steps copy as they are (read all at once,
    /// they took 25 MB and 85 ms of a 1,000-page pack).
    dict: OnceCell<Option<Dict<'a>>>,
    /// The value's bytes as the file has them (a dictionary's too).
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
            dict: OnceCell::from(Some(dict)),
            other: b"",
            stream: Some(data.into()),
            original: None,
        }
    }

    /// A new dictionary object.
    pub fn dict(dict: Dict<'a>) -> Self {
        Object {
            generation: 0,
            dict: OnceCell::from(Some(dict)),
            other: b"",
            stream: None,
            original: None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict<'a>> {
        self.dict.get_or_init(|| dict_of(self.other)).as_ref()
    }

    /// The dictionary, to be changed: the object is written anew.
    pub fn as_dict_mut(&mut self) -> Option<&mut Dict<'a>> {
        self.as_dict();
        self.original = None;
        self.dict.get_mut()?.as_mut()
    }

    /// The value as the file has it: a dictionary's too, unread.
    pub fn raw(&self) -> &'a [u8] {
        self.other
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
        match self.as_dict() {
            Some(dict) => Some(Value::Dict(dict.clone())),
            None => {
                let mut at = 0;
                parse_value(self.other, &mut at, 0).ok()
            }
        }
    }

    /// The stream's data decoded, at most `limit` bytes: only FlateDecode
    /// is read, the one filter krilla writes.
    pub fn decoded_stream(&self, limit: usize) -> Result<Vec<u8>, DecodeError> {
        let data = self.stream_data().ok_or(DecodeError::NotAStream)?;
        let filters = match self.as_dict().and_then(|d| d.get(b"Filter")) {
            None => Vec::new(),
            Some(Value::Name(name)) => vec![name.into_owned()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_name().map(<[u8]>::to_vec))
                .collect::<Option<Vec<_>>>()
                .ok_or(DecodeError::FilterNotAName)?,
            Some(_) => return Err(DecodeError::FilterNotAName),
        };
        let mut data = Cow::Borrowed(data);
        for filter in filters {
            if filter != b"FlateDecode" {
                return Err(DecodeError::UnknownFilter(
                    String::from_utf8_lossy(&filter).into_owned(),
                ));
            }
            if self.as_dict().is_some_and(|d| d.has(b"DecodeParms")) {
                return Err(DecodeError::DecodeParms);
            }
            data = Cow::Owned(inflate(&data, limit)?);
        }
        if data.len() > limit {
            return Err(DecodeError::TooLarge(limit));
        }
        Ok(data.into_owned())
    }
}

/// The dictionary `text` holds, if it is one (checked as the file was
/// read: see `read_object`).
fn dict_of(text: &[u8]) -> Option<Dict<'_>> {
    if !text.starts_with(b"<<") {
        return None;
    }
    match parse_value(text, &mut 0, 0) {
        Ok(Value::Dict(dict)) => Some(dict),
        _ => None,
    }
}

fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Damaged(e.to_string()))?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge(limit));
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
    pub fn read(pdf: &'a [u8]) -> Result<Self, ReadError> {
        let version = pdf
            .strip_prefix(b"%PDF-")
            .and_then(|rest| {
                let end = rest.iter().position(|b| is_white(*b))?;
                std::str::from_utf8(&rest[..end]).ok()
            })
            .ok_or(Fault::NoHeader)?
            .to_string();
        let xref_at = start_xref(pdf)?;
        let (offsets, trailer) = read_xref(pdf, xref_at)?;
        if trailer.has(b"Prev") || trailer.has(b"XRefStm") {
            return Err(Fault::IncrementalUpdates.into());
        }
        // Each object is read on its own: a long pack's tens of thousands
        // go on both cores, a leaflet's hundred in one piece. The first
        // fault by number is told, as when read in turn.
        let read: Vec<_> = (offsets.par_iter().enumerate().with_min_len(OBJECTS_A_PIECE))
            .map(|(number, offset)| {
                offset
                    .map(|offset| read_object(pdf, offset, number as u32, &offsets))
                    .transpose()
                    .map_err(|fault| ReadError {
                        object: Some(number),
                        fault,
                    })
            })
            .collect();
        Ok(PdfFile {
            version,
            objects: read.into_iter().collect::<Result<_, _>>()?,
            trailer,
        })
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
        // One entry for each object, tens of thousands in a long pack:
        // written digit by digit, not each through the formatter.
        let mut entry = |at: usize, generation: u16, kind: u8| {
            push_padded(out, at as u64, 10);
            out.push(b' ');
            push_padded(out, u64::from(generation), 5);
            out.extend_from_slice(&[b' ', kind, b'\r', b'\n']);
        };
        entry(next_free.next().unwrap_or(0), 65535, b'f');
        for offset in offsets.iter().skip(1) {
            match offset {
                Some((at, generation)) => entry(*at, *generation, b'n'),
                None => entry(next_free.next().unwrap_or(0), 1, b'f'),
            }
        }
        let mut trailer = self.trailer.clone();
        trailer.set(b"Size", integer(offsets.len() as i64));
        out.extend_from_slice(b"trailer\n");
        trailer.write(out);
        let _ = write!(out, "\nstartxref\n{xref_at}\n%%EOF\n");
    }
}

/// `n` in `width` digits, zeros in front, as a cross-reference table's
/// entries are written (`n` is never wider: a file's offsets are under ten
/// digits, generations under five).
fn push_padded(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    for digit in out[start..].iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

fn write_object(out: &mut Vec<u8>, number: u32, object: &Object) {
    let _ = writeln!(out, "{number} {} obj", object.generation);
    match (object.as_dict(), &object.stream) {
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
fn start_xref(pdf: &[u8]) -> Result<usize, Fault> {
    let tail = &pdf[pdf.len().saturating_sub(1024)..];
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or(Fault::NoStartXref)?;
    let mut pos = pdf.len() - tail.len() + at + 9;
    skip_space(pdf, &mut pos);
    let offset = read_unsigned(pdf, &mut pos).ok_or(Fault::StartXrefNotANumber)?;
    usize::try_from(offset)
        .ok()
        .filter(|&o| o < pdf.len())
        .ok_or(Fault::StartXrefPastEnd)
}

/// The table's offsets by object number, and the trailer.
#[allow(clippy::type_complexity)]
fn read_xref(pdf: &[u8], at: usize) -> Result<(Vec<Option<usize>>, Dict<'_>), Fault> {
    let mut pos = at;
    if !pdf[pos..].starts_with(b"xref") {
        return Err(Fault::XrefStream);
    }
    pos += 4;
    let mut offsets: Vec<Option<usize>> = Vec::new();
    loop {
        skip_space(pdf, &mut pos);
        if pdf[pos..].starts_with(b"trailer") {
            pos += 7;
            break;
        }
        let first = read_unsigned(pdf, &mut pos).ok_or(Fault::XrefDamaged)?;
        skip_space(pdf, &mut pos);
        let count = read_unsigned(pdf, &mut pos).ok_or(Fault::XrefDamaged)?;
        let end = first
            .checked_add(count)
            .filter(|&end| end <= 8_388_607)
            .ok_or(Fault::XrefTooLarge)? as usize;
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
                        .ok_or(Fault::ObjectPastEnd(number))?;
                    *slot = Some(offset);
                }
                (Some(_), Some(_), Some(b'f')) => *slot = None,
                _ => return Err(Fault::XrefDamaged),
            }
        }
    }
    skip_space(pdf, &mut pos);
    match parse_value(pdf, &mut pos, 0) {
        Ok(Value::Dict(trailer)) => Ok((offsets, trailer)),
        _ => Err(Fault::TrailerNotADictionary),
    }
}

/// How many objects one core reads at a time when a file is read.
const OBJECTS_A_PIECE: usize = 1024;

/// Reads the object `number` that starts at `offset`.
fn read_object<'a>(
    pdf: &'a [u8],
    offset: usize,
    number: u32,
    offsets: &[Option<usize>],
) -> Result<Object<'a>, Fault> {
    let mut pos = offset;
    let found = read_unsigned(pdf, &mut pos);
    skip_space(pdf, &mut pos);
    let generation = read_unsigned(pdf, &mut pos);
    skip_space(pdf, &mut pos);
    if found != Some(u64::from(number)) || !keyword(pdf, &mut pos, b"obj") {
        return Err(Fault::PointsElsewhere);
    }
    let generation = generation
        .and_then(|g| u16::try_from(g).ok())
        .ok_or(Fault::BadGeneration)?;
    skip_space(pdf, &mut pos);
    let start = pos;
    // Checked whole, but read into a dictionary only for a stream: see
    // `Object::dict`.
    skip_value(pdf, &mut pos, 0)?;
    let other = &pdf[start..pos];
    skip_space(pdf, &mut pos);
    let is_dict = other.starts_with(b"<<");
    let mut stream = None;
    let dict = OnceCell::new();
    if is_dict && keyword(pdf, &mut pos, b"stream") {
        let parsed = match parse_value(other, &mut 0, 0)? {
            Value::Dict(dict) => dict,
            _ => return Err(Fault::DictionaryDamaged),
        };
        let dict = dict.get_or_init(|| Some(parsed)).as_ref();
        let Some(dict) = dict else {
            return Err(Fault::DictionaryDamaged);
        };
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
                .ok_or(Fault::LengthNotANumber)?,
            _ => return Err(Fault::NoLength),
        };
        let end = usize::try_from(length)
            .ok()
            .and_then(|l| pos.checked_add(l))
            .filter(|&end| end <= pdf.len())
            .ok_or(Fault::StreamPastEnd)?;
        stream = Some(Cow::Borrowed(&pdf[pos..end]));
        pos = end;
        skip_space(pdf, &mut pos);
        if !keyword(pdf, &mut pos, b"endstream") {
            return Err(Fault::StreamEndMisplaced);
        }
        skip_space(pdf, &mut pos);
    }
    if !keyword(pdf, &mut pos, b"endobj") {
        return Err(Fault::NoEndobj);
    }
    Ok(Object {
        generation,
        dict,
        other,
        stream,
        original: Some(&pdf[offset..pos]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::objects::array;

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

    /// A file of `count` numbers, each an object of its own; those in
    /// `damaged` a dictionary never closed.
    fn many_objects(count: usize, damaged: &[usize]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for n in 1..=count {
            offsets.push(pdf.len());
            let value = match damaged.contains(&n) {
                true => "<< /A".to_string(),
                false => n.to_string(),
            };
            pdf.extend_from_slice(format!("{n} 0 obj\n{value}\nendobj\n").as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", count + 1).as_bytes());
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                count + 1
            )
            .as_bytes(),
        );
        pdf
    }

    /// Read in pieces on several cores, a long file's objects come in
    /// order, and of several damaged the first is named, every time.
    #[test]
    fn a_long_file_is_read_in_order_and_its_first_fault_named() {
        let count = 5 * OBJECTS_A_PIECE;
        let file = PdfFile::read(&many_objects(count, &[])).map(|f| f.objects.len());
        assert_eq!(file.ok(), Some(count + 1));
        let one = many_objects(count, &[count / 3]);
        assert_eq!(
            PdfFile::read(&one).err().and_then(|e| e.object),
            Some(count / 3)
        );
        let pdf = many_objects(count, &[count / 3, 2 * count / 3, count]);
        for _ in 0..20 {
            let read = PdfFile::read(&pdf);
            assert_eq!(read.err().and_then(|e| e.object), Some(count / 3));
        }
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
    fn a_dictionary_is_read_when_first_asked_for_a_streams_with_the_file() {
        let pdf = small_file();
        let mut file = PdfFile::read(&pdf).unwrap();
        let (catalog, contents) = (file.get(1).unwrap(), file.get(5).unwrap());
        assert!(catalog.dict.get().is_none(), "read only when asked for");
        assert!(contents.dict.get().is_some(), "a stream's, for its /Length");
        assert_eq!(
            catalog.as_dict().unwrap().get(b"Type").unwrap().as_name(),
            Some(&b"Catalog"[..])
        );
        // Unread or only read, an object is written as the file has it.
        let mut out = Vec::new();
        file.write(&mut out);
        let again = PdfFile::read(&out).unwrap();
        for n in [1, 2, 4, 5] {
            assert_eq!(
                again.get(n).unwrap().original,
                file.get(n).unwrap().original
            );
        }
        // A damaged dictionary no stream follows is still refused with the file.
        let mut damaged = pdf.clone();
        let at = damaged.windows(7).position(|w| w == b"/Type /").unwrap();
        damaged[at] = b'(';
        assert!(PdfFile::read(&damaged).is_err());
        assert!(file.get_mut(2).unwrap().as_dict_mut().is_some());
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
        // The messages say what is wrong, and where.
        let said = |case: usize| PdfFile::read(&cases[case]).unwrap_err().to_string();
        assert_eq!(said(0), "it does not start with a %PDF- header");
        assert_eq!(
            said(4),
            "object 5: its stream does not end where its /Length says"
        );
        assert_eq!(
            said(5),
            "object 1: the cross-reference table points elsewhere"
        );
        assert_eq!(
            said(6),
            "it has incremental updates, which this step does not read"
        );
    }
}
