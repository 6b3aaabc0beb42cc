//! What can go wrong in the PDF/X step. The PDF it reads is handbill's own
//! (krilla's), so each of these is a fault in handbill; the step's caller
//! turns them into an error of kind `internal`.

use std::fmt;

use crate::pdf::objects::{DecodeError, ReadError};

/// Why the PDF/X step could not finish.
#[derive(Debug, Clone, PartialEq)]
pub enum PdfxError {
    /// The file could not be read as PDF objects (cut short, damaged).
    Unreadable(ReadError),
    /// The file is encrypted.
    Encrypted,
    /// The trailer's `/Root` points to no dictionary.
    NoCatalog,
    /// A dictionary lacks a key the step needs: what it is, and the key.
    MissingKey { what: String, key: &'static str },
    /// An object is not of the type it must be: what it is, and what it
    /// should be (“a dictionary”).
    UnexpectedType {
        what: String,
        expected: &'static str,
    },
    /// The page tree holds no page.
    NoPages,
    /// A page of the page tree is its own ancestor.
    PageTreeLoops,
    /// A stream's data could not be decoded: what it is, and why.
    Undecodable { what: String, error: DecodeError },
    /// A PDF version that is no `major.minor`: where, and the text.
    UnknownVersion {
        place: &'static str,
        version: String,
    },
    /// The file is newer than PDF 1.7.
    VersionTooNew { major: u32, minor: u32 },
    /// A PDF 1.7 file embeds an ICC profile PDF 1.6 does not allow.
    EmbeddedProfileTooNew { major: u8, minor: u8 },
    /// The output profile is wrong.
    OutputProfile(ProfileFault),
    /// The XMP metadata is wrong.
    Xmp(XmpFault),
}

/// What is wrong with the ICC output profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProfileFault {
    /// No ICC header (no `acsp` signature).
    NotIcc,
    /// A device class other than output (`prtr`).
    DeviceClass([u8; 4]),
    /// A colour space other than CMYK.
    ColourSpace([u8; 4]),
    /// A version newer than PDF 1.6 allows (4.1).
    TooNew { major: u8, minor: u8 },
}

/// What is wrong with the XMP packet, or with editing it.
#[derive(Debug, Clone, PartialEq)]
pub enum XmpFault {
    NotUtf8,
    /// Not well-formed XML, as the parser says.
    NotXml(String),
    NoRdf,
    RdfEmptyTagged,
    PropertiesAfterRdf,
    /// The edit made no sense of the parser's ranges, or broke the XML: a
    /// bug in the edit.
    EditFailed(String),
}

impl fmt::Display for PdfxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use PdfxError::*;
        match self {
            Unreadable(e) => write!(f, "the PDF could not be read: {e}"),
            Encrypted => f.write_str("the PDF is encrypted, which PDF/X forbids"),
            NoCatalog => f.write_str("the PDF has no catalog (its trailer's /Root points to none)"),
            MissingKey { what, key } => write!(f, "{what} has no /{key}"),
            UnexpectedType { what, expected } => write!(f, "{what} is not {expected}"),
            NoPages => f.write_str("the PDF has no pages"),
            PageTreeLoops => f.write_str("the page tree loops"),
            Undecodable { what, error } => write!(f, "{what} could not be decoded: {error}"),
            UnknownVersion { place, version } => {
                write!(f, "{place} '{version}' is not understood")
            }
            VersionTooNew { major, minor } => write!(
                f,
                "the PDF is version {major}.{minor}; PDF/X-4 is based on PDF 1.6 \
                 (have krilla write PDF 1.6)"
            ),
            EmbeddedProfileTooNew { major, minor } => write!(
                f,
                "the PDF is version 1.7 and embeds an ICC profile of version {major}.{minor}, \
                 which PDF 1.6 (PDF/X-4) does not allow; have krilla write PDF 1.6"
            ),
            OutputProfile(fault) => fault.fmt(f),
            Xmp(fault) => fault.fmt(f),
        }
    }
}

impl fmt::Display for ProfileFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |b: &[u8; 4]| String::from_utf8_lossy(b).trim_end().to_string();
        match self {
            ProfileFault::NotIcc => {
                f.write_str("the output profile is not an ICC profile (no 'acsp' signature)")
            }
            ProfileFault::DeviceClass(class) => write!(
                f,
                "the output profile's device class is '{}', but PDF/X needs an output ('prtr') profile",
                text(class)
            ),
            ProfileFault::ColourSpace(space) => write!(
                f,
                "the output profile's colour space is '{}', not 'CMYK'",
                text(space)
            ),
            ProfileFault::TooNew { major, minor } => write!(
                f,
                "the output profile is ICC version {major}.{minor}, newer than PDF 1.6 (PDF/X-4) allows (4.1)"
            ),
        }
    }
}

impl fmt::Display for XmpFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmpFault::NotUtf8 => f.write_str("the XMP metadata is not UTF-8"),
            XmpFault::NotXml(why) => write!(f, "the XMP metadata is not well-formed XML: {why}"),
            XmpFault::NoRdf => f.write_str("the XMP metadata has no rdf:RDF element"),
            XmpFault::RdfEmptyTagged => {
                f.write_str("the XMP metadata's rdf:RDF element is empty-tagged")
            }
            XmpFault::PropertiesAfterRdf => {
                f.write_str("the XMP metadata has properties after rdf:RDF")
            }
            XmpFault::EditFailed(why) => {
                write!(f, "editing the XMP metadata failed (a bug): {why}")
            }
        }
    }
}

impl std::error::Error for PdfxError {}

impl From<ReadError> for PdfxError {
    fn from(e: ReadError) -> PdfxError {
        PdfxError::Unreadable(e)
    }
}

impl From<ProfileFault> for PdfxError {
    fn from(fault: ProfileFault) -> PdfxError {
        PdfxError::OutputProfile(fault)
    }
}

impl From<XmpFault> for PdfxError {
    fn from(fault: XmpFault) -> PdfxError {
        PdfxError::Xmp(fault)
    }
}

/// A page, by its number from 1, as an error names it.
pub(super) fn page(number: usize) -> String {
    format!("page {number}")
}
