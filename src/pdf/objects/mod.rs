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
//!
//! - [`lexer`]: the bytes of the syntax: white space, keywords, numbers,
//!   names and strings;
//! - [`value`]: values and dictionaries, read and written;
//! - [`file`]: indirect objects, streams, the cross-reference table and the
//!   trailer.
//!
//! What goes wrong is a [`ReadError`] (a [`Fault`], and the object it is
//! in) or a [`DecodeError`], worded for the message the PDF/X step gives.

use std::fmt;

mod file;
mod lexer;
mod value;

pub use file::{Object, PdfFile};
pub use value::{
    Dict, Value, array, dictionary, integer, literal_string, name, reference, text_string,
};

/// Nesting deeper than this is refused: handbill's files nest a few levels,
/// and the bound keeps a broken file from overflowing the stack.
const MAX_DEPTH: usize = 64;

/// Why a file could not be read: what is wrong, and in which object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadError {
    /// The number of the object at fault, if the fault is in one.
    pub object: Option<usize>,
    pub fault: Fault,
}

/// What is wrong with a file, an object or a value. It holds no text, so
/// that making one, as a reader does at every step it might fail, costs
/// nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// The file does not start with `%PDF-` and a version.
    NoHeader,
    /// No `startxref` in the last kilobyte: the file is cut short.
    NoStartXref,
    /// `startxref` is followed by no number.
    StartXrefNotANumber,
    /// `startxref` points past the end of the file.
    StartXrefPastEnd,
    /// A cross-reference stream, which this reader does not read.
    XrefStream,
    /// The cross-reference table cannot be read.
    XrefDamaged,
    /// The table names more objects than a PDF may have.
    XrefTooLarge,
    /// The table puts object `n` past the end of the file.
    ObjectPastEnd(usize),
    /// `/Prev` or `/XRefStm`: the file was updated incrementally.
    IncrementalUpdates,
    /// The trailer is not a dictionary.
    TrailerNotADictionary,
    /// The table points at another object, or at no object.
    PointsElsewhere,
    /// The object's generation is not a number.
    BadGeneration,
    /// The object starts like a dictionary but is none.
    DictionaryDamaged,
    /// A stream without `/Length`.
    NoLength,
    /// `/Length` refers to something that is not a number.
    LengthNotANumber,
    /// The stream's `/Length` runs past the end of the file.
    StreamPastEnd,
    /// No `endstream` where `/Length` says the data ends.
    StreamEndMisplaced,
    /// No `endobj`.
    NoEndobj,
    /// Values nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The data ends where a value was expected.
    EndOfData,
    /// A literal string has no closing bracket.
    UnclosedString,
    /// A hex string has no `>`.
    UnclosedHexString,
    /// A hex string holds something other than hex digits and white space.
    NotHex,
    /// A dictionary key is not a name.
    KeyNotAName,
    /// A malformed number.
    NotANumber,
    /// A byte that starts no value.
    NoValue(u8),
    /// An object number above what a reference holds.
    ReferenceTooLarge,
}

impl From<Fault> for ReadError {
    fn from(fault: Fault) -> ReadError {
        ReadError {
            object: None,
            fault,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.object {
            Some(n) => write!(f, "object {n}: {}", self.fault),
            None => self.fault.fmt(f),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Fault::*;
        match self {
            NoHeader => f.write_str("it does not start with a %PDF- header"),
            NoStartXref => f.write_str("it has no startxref at its end (is it cut short?)"),
            StartXrefNotANumber => f.write_str("its startxref is not a number"),
            StartXrefPastEnd => f.write_str("its startxref points past the end"),
            XrefStream => f.write_str(
                "its cross-reference is not a classic table (a cross-reference stream?), \
                 which this step does not read",
            ),
            XrefDamaged => f.write_str("its cross-reference table is damaged"),
            XrefTooLarge => f.write_str("its cross-reference table names too many objects"),
            ObjectPastEnd(n) => write!(f, "object {n} is said to be past the end"),
            IncrementalUpdates => {
                f.write_str("it has incremental updates, which this step does not read")
            }
            TrailerNotADictionary => f.write_str("its trailer is not a dictionary"),
            PointsElsewhere => f.write_str("the cross-reference table points elsewhere"),
            BadGeneration => f.write_str("its generation number is not a number"),
            DictionaryDamaged => f.write_str("its dictionary is damaged"),
            NoLength => f.write_str("its stream has no /Length"),
            LengthNotANumber => f.write_str("its /Length refers to no number"),
            StreamPastEnd => f.write_str("its stream runs past the end of the file"),
            StreamEndMisplaced => f.write_str("its stream does not end where its /Length says"),
            NoEndobj => f.write_str("it has no endobj"),
            TooDeep => f.write_str("it nests too deep"),
            EndOfData => f.write_str("it ends where a value was expected"),
            UnclosedString => f.write_str("a string has no end"),
            UnclosedHexString => f.write_str("a hex string has no end"),
            NotHex => f.write_str("a hex string holds a non-hex character"),
            KeyNotAName => f.write_str("a dictionary key is not a name"),
            NotANumber => f.write_str("a number is malformed"),
            NoValue(b) => write!(f, "'{}' starts no value", String::from_utf8_lossy(&[*b])),
            ReferenceTooLarge => f.write_str("a reference is too large"),
        }
    }
}

impl std::error::Error for ReadError {}

impl std::error::Error for Fault {}

/// Why a stream's data could not be decoded.
#[derive(Clone, Debug, PartialEq)]
pub enum DecodeError {
    /// The object is no stream.
    NotAStream,
    /// `/Filter` is neither a name nor an array of names.
    FilterNotAName,
    /// A filter other than `/FlateDecode`, the one krilla writes.
    UnknownFilter(String),
    /// `/DecodeParms`, which this reader does not apply.
    DecodeParms,
    /// The Flate data is damaged.
    Damaged(String),
    /// The data decodes to more than the limit, in bytes.
    TooLarge(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeError::*;
        match self {
            NotAStream => f.write_str("not a stream"),
            FilterNotAName => f.write_str("its /Filter is not a name or an array of names"),
            UnknownFilter(filter) => write!(
                f,
                "its filter /{filter} cannot be decoded here (only /FlateDecode)"
            ),
            DecodeParms => f.write_str("its /DecodeParms cannot be applied here"),
            Damaged(reason) => write!(f, "its Flate data is damaged: {reason}"),
            TooLarge(limit) => write!(f, "it decodes to more than {limit} bytes"),
        }
    }
}

impl std::error::Error for DecodeError {}
