//! The file identifier, `/ID`.

use super::OutputCondition;
use crate::pdf::objects::{PdfFile, Value};

/// The file identifier: krilla's first part, and a new second part.
///
/// krilla makes `/ID [document-id instance-id]`, both hashes of the content
/// it wrote, so they change only when the document does. This step changes
/// the file, so the instance part (which names this exact file) must change
/// too, while the document part (which names the document across revisions)
/// stays. The new instance part is a hash of everything the output is made
/// of: krilla's bytes, the output condition and the trapping flag. The output
/// is a pure function of those, so the hash is as good as one of the output
/// bytes, and it needs no second serialisation to compute.
pub(super) fn file_id(
    doc: &PdfFile,
    pdf: &[u8],
    condition: &OutputCondition,
    trapped: bool,
) -> (Vec<u8>, Vec<u8>) {
    let mut hash = IdHash::new();
    // The tag names this step and its version, so a changed step gives new IDs.
    hash.field(b"handbill pdfx4 v4");
    hash.field(pdf);
    hash.field(condition.icc);
    hash.field(condition.identifier.as_bytes());
    hash.field(condition.info.as_bytes());
    hash.field(condition.registry.as_bytes());
    hash.field(&[u8::from(trapped)]);
    let instance = format!("{:032x}", hash.finish()).into_bytes();

    let first = match doc.trailer.get(b"ID") {
        Some(Value::Array(parts)) => match parts.into_iter().next() {
            Some(Value::String(part)) if !part.is_empty() => Some(part),
            _ => None,
        },
        _ => None,
    };
    // Without a first part (not from krilla) the instance hash names the
    // document too, as krilla itself does when it has nothing better.
    (first.unwrap_or_else(|| instance.clone()), instance)
}
/// The hash the file ID is made from: XXH3, 128 bits (some ten times
/// quicker than SipHash on a whole PDF, and as steady).
pub(super) struct IdHash(xxhash_rust::xxh3::Xxh3);

impl IdHash {
    pub(super) fn new() -> Self {
        IdHash(xxhash_rust::xxh3::Xxh3::new())
    }

    /// Hashes `data` with its length first, so that fields cannot run into
    /// each other ("ab"+"c" differs from "a"+"bc").
    pub(super) fn field(&mut self, data: &[u8]) {
        self.0.update(&(data.len() as u64).to_be_bytes());
        self.0.update(data);
    }

    pub(super) fn finish(&self) -> u128 {
        self.0.digest128()
    }
}
