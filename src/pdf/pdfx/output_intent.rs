//! The ICC output profile and the `/GTS_PDFX` OutputIntent that names the
//! print condition.

use super::error::{PdfxError, ProfileFault};
use super::{DECODE_LIMIT, OutputCondition, catalog_mut};
use crate::pdf::objects::{
    self, Dict, Object, PdfFile, Value, array, integer, name, reference, text_string,
};

/// Checks that `icc` is an ICC output profile for CMYK that PDF 1.6 can carry.
pub(super) fn check_output_profile(icc: &[u8]) -> Result<(), ProfileFault> {
    let header = IccHeader::parse(icc).ok_or(ProfileFault::NotIcc)?;
    if header.class != *b"prtr" {
        return Err(ProfileFault::DeviceClass(header.class));
    }
    if header.space != *b"CMYK" {
        return Err(ProfileFault::ColourSpace(header.space));
    }
    if !header.fits_pdf16() {
        return Err(ProfileFault::TooNew {
            major: header.major,
            minor: header.minor,
        });
    }
    Ok(())
}

/// The fields of an ICC profile header that matter here.
pub(super) struct IccHeader {
    pub(super) major: u8,
    pub(super) minor: u8,
    pub(super) class: [u8; 4],
    pub(super) space: [u8; 4],
}

impl IccHeader {
    pub(super) fn parse(data: &[u8]) -> Option<IccHeader> {
        let field = |at: usize| -> Option<[u8; 4]> { data.get(at..at + 4)?.try_into().ok() };
        if data.len() < 128 || field(36)? != *b"acsp" {
            return None;
        }
        Some(IccHeader {
            major: *data.get(8)?,
            // The minor version and bug-fix level share a byte, one nibble each.
            minor: *data.get(9)? >> 4,
            class: field(12)?,
            space: field(16)?,
        })
    }

    /// PDF 1.6 supports profiles up to ICC.1:2003-09, version 4.1.
    pub(super) fn fits_pdf16(&self) -> bool {
        self.major < 4 || (self.major == 4 && self.minor <= 1)
    }
}

/// The version of the newest `/ICCBased` profile in the document that is newer
/// than PDF 1.6 allows, if there is one.
pub(super) fn newest_embedded_icc(doc: &PdfFile) -> Result<Option<(u8, u8)>, PdfxError> {
    let mut streams = Vec::new();
    for (_, object) in doc.objects() {
        // Only an object whose text names /ICCBased (or may, behind a `#`
        // escape) is read: the rest, most of a long pack, are left unread.
        let raw = object.raw();
        let may_name = raw.windows(8).any(|w| w == b"ICCBased") || raw.contains(&b'#');
        if !may_name && object.stream_data().is_none() {
            continue;
        }
        if let Some(value) = object.value() {
            collect_icc_refs(&value, &mut streams);
        }
    }
    streams.sort_unstable();
    streams.dedup();
    let mut newest: Option<(u8, u8)> = None;
    for number in streams {
        let object = doc
            .get(number)
            .filter(|o| o.stream_data().is_some())
            .ok_or_else(|| PdfxError::UnexpectedType {
                what: format!("the profile of an /ICCBased colour space (object {number})"),
                expected: "a stream",
            })?;
        let data = object
            .decoded_stream(DECODE_LIMIT)
            .map_err(|error| PdfxError::Undecodable {
                what: format!("an ICC profile (object {number})"),
                error,
            })?;
        // A stream that is no ICC profile is a different problem, not ours.
        if let Some(header) = IccHeader::parse(&data)
            && !header.fits_pdf16()
        {
            newest = newest.max(Some((header.major, header.minor)));
        }
    }
    Ok(newest)
}

/// Finds `[/ICCBased n 0 R]` colour spaces anywhere inside `value`.
pub(super) fn collect_icc_refs(value: &Value, out: &mut Vec<u32>) {
    match value {
        Value::Array(items) => {
            if let [Value::Name(space), Value::Reference(n), ..] = items.as_slice()
                && space.as_ref() == b"ICCBased"
            {
                out.push(*n);
            }
            for item in items {
                collect_icc_refs(item, out);
            }
        }
        Value::Dict(dict) => {
            for item in dict.values() {
                collect_icc_refs(&item, out);
            }
        }
        _ => {}
    }
}

/// Writes the `/GTS_PDFX` OutputIntent, replacing any OutputIntents array.
///
/// Replacing rather than appending: PDF/X allows one `/GTS_PDFX` intent, and
/// handbill's documents carry no other kind. What the old array referenced
/// and nothing else does is dropped from the file.
pub(super) fn set_output_intent<'a>(
    doc: &mut PdfFile<'a>,
    condition: &OutputCondition<'a>,
) -> Result<(), PdfxError> {
    // Where the PDF already holds the same profile (krilla tags CMYK colour
    // with it), the OutputIntent points at that copy: one profile, not two.
    let existing = doc.objects().find_map(|(number, object)| {
        let data = object.stream_data()?;
        let dict = object.as_dict()?;
        let same = dict.get(b"N").and_then(|n| n.as_integer()) == Some(4)
            && data.len() <= DECODE_LIMIT
            && object
                .decoded_stream(DECODE_LIMIT)
                .is_ok_and(|c| c == condition.icc);
        same.then_some(number)
    });
    let profile = match existing {
        Some(number) => number,
        None => {
            // Stored as it is: a profile's tables hardly compress (71 KB
            // to 65), and compressing them costs more than the rest of
            // this step.
            let mut dict = Dict::new();
            dict.set(b"N", integer(4));
            doc.add(Object::stream(dict, condition.icc))
        }
    };

    let mut intent = Dict::new();
    intent.set(b"Type", name(b"OutputIntent"));
    intent.set(b"S", name(b"GTS_PDFX"));
    intent.set(
        b"OutputConditionIdentifier",
        text_string(condition.identifier),
    );
    intent.set(b"Info", text_string(condition.info));
    intent.set(b"RegistryName", text_string(condition.registry));
    intent.set(b"DestOutputProfile", reference(profile));
    let catalog = catalog_mut(doc)?;
    let replaced = catalog.remove(b"OutputIntents");
    catalog.set(b"OutputIntents", array(&[objects::dictionary(&intent)]));
    if replaced {
        doc.drop_unreachable();
    }
    Ok(())
}
