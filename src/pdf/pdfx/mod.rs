//! PDF/X-4 identification, added to a PDF that krilla wrote.
//!
//! krilla 0.8 has no PDF/X mode, so handbill writes the document with krilla
//! and then rewrites it here, object by object ([`super::objects`]: objects
//! this step does not change are copied as they are). PDF/X-4 (ISO 15930-7)
//! asks of a file, among content rules that are the caller's business
//! (embedded fonts, no encryption, no JavaScript, boxes nested properly, …):
//!
//! - a PDF version no newer than PDF 1.6, which PDF/X-4 is based on;
//! - exactly one `/GTS_PDFX` OutputIntent in the catalog, naming the print
//!   condition (`/OutputConditionIdentifier`, `/Info`, `/RegistryName`) and
//!   embedding its ICC output profile as `/DestOutputProfile`;
//! - the identification `GTS_PDFXVersion = PDF/X-4` in the XMP metadata
//!   (namespace `http://www.npes.org/pdfx/ns/id/`), with `pdf:Trapped`
//!   `True` or `False` and `xmpMM:VersionID` / `xmpMM:RenditionClass`;
//! - `/Trapped /True` or `/False` in the document information dictionary;
//! - a `/TrimBox` (or `/ArtBox`) on every page;
//! - a document `/ID`.
//!
//! What [`make_pdfx4`] writes:
//!
//! - the header: 1.6 is kept as is (as are older versions), 1.7 becomes 1.6
//!   unless the file embeds an ICC profile newer than PDF 1.6 allows (v4.1), in
//!   which case it fails and the caller should have krilla write PDF 1.6
//!   (`ConfigurationBuilder::new().with_version(PdfVersion::Pdf16)`); a catalog
//!   `/Version` above 1.6 is lowered the same way;
//! - `/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFX … >>]` in the
//!   catalog, replacing whatever krilla wrote there, with the profile as an
//!   uncompressed stream with `/N 4` (or krilla's copy of it, if the file
//!   has one);
//! - `/GTS_PDFXVersion (PDF/X-4)` and `/Trapped` in the Info dictionary (made
//!   if krilla wrote none), and `/ModDate` copied from `/CreationDate` when
//!   only the latter is there;
//! - in the XMP packet: `pdfxid:GTS_PDFXVersion`, `pdf:Trapped`,
//!   `pdf:PDFVersion` (the header's), `xmpMM:RenditionClass="default"` (krilla
//!   writes `proof`), `xmpMM:InstanceID` (the new second `/ID` part), and
//!   `xmpMM:VersionID="1"` / `xmpMM:DocumentID` when missing; the packet is
//!   stored uncompressed so that preflight tools and people can read it;
//! - a `/TrimBox` on each page that has neither a TrimBox nor an ArtBox,
//!   copied from its BleedBox, CropBox or MediaBox, the first it has (the
//!   caller normally sets TrimBox and BleedBox through krilla);
//! - the second part of `/ID`;
//! - Flate compression, at a fast level, of every stream the file holds
//!   uncompressed but its XMP (handbill has krilla leave page contents
//!   uncompressed for this step, which writes the file anew anyway).
//!
//! It does not add dates or a title: PDF/X wants `CreationDate`, `ModDate`
//! and a title, and the caller gives them to krilla (`Metadata::title`,
//! `Metadata::creation_date`). Reading the clock here would make the output
//! differ between runs, and handbill's output is byte-identical for identical
//! input.
//!
//! Nor does it look at the page content. With a CMYK output intent, PDF/X-4
//! accepts DeviceCMYK (what krilla writes for `cmyk::Color`) but not
//! DeviceRGB, which krilla writes for RGB colours and images unless
//! `SerializeSettings::no_device_cs` is set; with that set, krilla 0.8 writes
//! RGB as ICC-based sRGB (a v4.2 profile under PDF 1.7, which this step then
//! refuses, so use PDF 1.6), and CMYK as ICC-based with
//! `SerializeSettings::cmyk_profile`.
//!
//! One module per part of the file it writes: [`version`] (the header),
//! [`output_intent`] (the ICC output profile and the OutputIntent),
//! [`info`] (the document information dictionary), [`xmp`] (the XMP
//! packet), [`file_id`] (the `/ID`), [`boxes`] (the pages' TrimBoxes) and
//! [`compress`] (the streams krilla left uncompressed).

mod boxes;
mod compress;
mod error;
mod file_id;
mod info;
mod output_intent;
mod version;
mod xmp;

pub use error::{PdfxError, ProfileFault, XmpFault};

use super::objects::{Dict, Object, PdfFile, array, literal_string};

/// What identifies the output condition.
pub struct OutputCondition<'a> {
    /// The ICC output profile of the print condition (device class `prtr`,
    /// colour space CMYK).
    pub icc: &'a [u8],
    /// The registered name of the condition, e.g. `FOGRA39`.
    pub identifier: &'a str,
    /// A human-readable description of the condition.
    pub info: &'a str,
    /// The registry the identifier is registered in, e.g. `http://www.color.org`.
    pub registry: &'a str,
}

/// No stream we decode here (XMP, ICC profiles) is anywhere near this; the
/// cap only keeps a broken or hostile file from exhausting memory.
const DECODE_LIMIT: usize = 64 * 1024 * 1024;

/// Adds the PDF/X-4 OutputIntent, identification and trapping key to a PDF written by krilla.
///
/// The result depends only on the arguments: the same input gives the same
/// bytes.
pub fn make_pdfx4(
    pdf: &[u8],
    condition: &OutputCondition,
    trapped: bool,
) -> Result<Vec<u8>, PdfxError> {
    output_intent::check_output_profile(condition.icc)?;
    let mut doc = PdfFile::read(pdf)?;
    if doc.trailer.has(b"Encrypt") {
        return Err(PdfxError::Encrypted);
    }

    let version = version::settle_version(&mut doc)?;
    compress::compress_plain_streams(&mut doc);
    output_intent::set_output_intent(&mut doc, condition)?;
    let (id0, id1) = file_id::file_id(&doc, pdf, condition, trapped);
    info::set_info(&mut doc, trapped)?;
    xmp::set_xmp(&mut doc, trapped, &version, &id0, &id1)?;
    boxes::add_trim_boxes(&mut doc)?;
    doc.trailer
        .set(b"ID", array(&[literal_string(&id0), literal_string(&id1)]));

    let mut out = Vec::with_capacity(pdf.len() + pdf.len() / 2 + condition.icc.len());
    doc.write(&mut out);
    Ok(out)
}

/// The catalog's number.
fn catalog_number(doc: &PdfFile) -> Result<u32, PdfxError> {
    doc.trailer
        .get(b"Root")
        .and_then(|root| root.as_reference())
        .filter(|&n| doc.get(n).and_then(Object::as_dict).is_some())
        .ok_or(PdfxError::NoCatalog)
}

fn catalog<'d, 'a>(doc: &'d PdfFile<'a>) -> Result<&'d Dict<'a>, PdfxError> {
    let number = catalog_number(doc)?;
    doc.get(number)
        .and_then(Object::as_dict)
        .ok_or(PdfxError::NoCatalog)
}

fn catalog_mut<'d, 'a>(doc: &'d mut PdfFile<'a>) -> Result<&'d mut Dict<'a>, PdfxError> {
    let number = catalog_number(doc)?;
    doc.get_mut(number)
        .and_then(Object::as_dict_mut)
        .ok_or(PdfxError::NoCatalog)
}

fn trapped_word(trapped: bool) -> &'static str {
    if trapped { "True" } else { "False" }
}

#[cfg(test)]
mod tests;
