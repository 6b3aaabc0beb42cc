//! The document information dictionary: the PDF/X keys in it.

use super::error::PdfxError;
use super::trapped_word;
use crate::pdf::objects::{Dict, Object, PdfFile, Value, name, reference, text_string};

/// Sets the PDF/X keys in the document information dictionary.
pub(super) fn set_info(doc: &mut PdfFile, trapped: bool) -> Result<(), PdfxError> {
    // The Info dictionary should be indirect; an inline one is moved out.
    let inline = match doc.trailer.get(b"Info") {
        Some(Value::Reference(n)) if doc.get(n).and_then(Object::as_dict).is_some() => Ok(n),
        Some(Value::Dict(dict)) => Err(Some(owned_dict(&dict))),
        None => Err(None),
        Some(_) => return Err(info_not_a_dictionary()),
    };
    let number = match inline {
        Ok(n) => n,
        Err(dict) => doc.add(Object::dict(dict.unwrap_or_default())),
    };
    doc.trailer.set(b"Info", reference(number));
    let info = doc
        .get_mut(number)
        .and_then(Object::as_dict_mut)
        .ok_or_else(info_not_a_dictionary)?;
    info.set(b"GTS_PDFXVersion", text_string("PDF/X-4"));
    info.set(b"Trapped", name(trapped_word(trapped).as_bytes()));
    if !info.has(b"ModDate")
        && let Some(created) = info.raw(b"CreationDate")
    {
        let created = created.to_vec();
        info.set(b"ModDate", created);
    }
    Ok(())
}

fn info_not_a_dictionary() -> PdfxError {
    PdfxError::UnexpectedType {
        what: "the trailer's /Info".into(),
        expected: "a dictionary",
    }
}

/// A copy of `dict` that borrows nothing.
pub(super) fn owned_dict(dict: &Dict) -> Dict<'static> {
    let mut out = Dict::new();
    for (key, raw) in dict.entries() {
        out.set(key, raw.to_vec());
    }
    out
}
