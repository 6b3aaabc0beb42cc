//! The page boxes: a TrimBox on every page.

use super::catalog;
use super::error::{PdfxError, page as page_named};
use crate::pdf::objects::{Object, PdfFile, Value, array, integer};

/// Gives every page without a TrimBox or ArtBox a TrimBox.
///
/// PDF/X needs one of the two on each page, and not both, so a page with an
/// ArtBox is left alone. The TrimBox must lie within the BleedBox, which lies
/// within the CropBox, within the MediaBox; copying the innermost box the page
/// has keeps that nesting.
pub(super) fn add_trim_boxes(doc: &mut PdfFile) -> Result<(), PdfxError> {
    let pages = page_numbers(doc)?;
    if pages.is_empty() {
        return Err(PdfxError::NoPages);
    }
    for (index, page) in pages.into_iter().enumerate() {
        let number = index + 1;
        let not_a_dictionary = || PdfxError::UnexpectedType {
            what: page_named(number),
            expected: "a dictionary",
        };
        let dict = doc
            .get(page)
            .and_then(Object::as_dict)
            .ok_or_else(not_a_dictionary)?;
        if dict.has(b"TrimBox") || dict.has(b"ArtBox") {
            continue;
        }
        let trim = [&b"BleedBox"[..], b"CropBox", b"MediaBox"]
            .into_iter()
            .find_map(|key| page_box(doc, page, key))
            .ok_or_else(|| PdfxError::MissingKey {
                what: page_named(number),
                key: "MediaBox",
            })?;
        doc.get_mut(page)
            .and_then(Object::as_dict_mut)
            .ok_or_else(not_a_dictionary)?
            .set(b"TrimBox", trim);
    }
    Ok(())
}

/// The pages' object numbers, in order, from the catalog's page tree.
pub(super) fn page_numbers(doc: &PdfFile) -> Result<Vec<u32>, PdfxError> {
    let root = catalog(doc)?
        .get(b"Pages")
        .and_then(|p| p.as_reference())
        .ok_or_else(|| PdfxError::MissingKey {
            what: "the catalog".into(),
            key: "Pages",
        })?;
    let mut pages = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Depth first, kids in order; `seen` stops a loop in a broken file.
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        if !seen.insert(node) {
            return Err(PdfxError::PageTreeLoops);
        }
        let dict =
            doc.get(node)
                .and_then(Object::as_dict)
                .ok_or_else(|| PdfxError::UnexpectedType {
                    what: "a node of the page tree".into(),
                    expected: "a dictionary",
                })?;
        match dict.get(b"Kids") {
            Some(Value::Array(kids)) => {
                let kids: Vec<u32> = kids.iter().filter_map(Value::as_reference).collect();
                todo.extend(kids.into_iter().rev());
            }
            _ => pages.push(node),
        }
    }
    Ok(pages)
}

/// The bytes of the page's box `key`, resolved to a direct array. The
/// BleedBox is the page's own; the CropBox and MediaBox may be inherited
/// from the page tree.
pub(super) fn page_box(doc: &PdfFile, page: u32, key: &[u8]) -> Option<Vec<u8>> {
    let inheritable = key != b"BleedBox";
    let mut node = page;
    // The page tree is shallow; the bound only stops a loop in a broken file.
    for _ in 0..64 {
        let dict = doc.get(node)?.as_dict()?;
        if let Some(value) = dict.get(key) {
            // A direct array is copied as written; one behind a reference
            // is written out again.
            if let Value::Array(items) = &value
                && items.len() == 4
            {
                return dict.raw(key).map(<[u8]>::to_vec);
            }
            return match doc.resolve(value)? {
                Value::Array(items) if items.len() == 4 => {
                    let numbers = items
                        .iter()
                        .map(|item| match item {
                            Value::Integer(n) => Some(integer(*n)),
                            Value::Real(x) => Some(format!("{x}").into_bytes()),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>()?;
                    Some(array(&numbers))
                }
                _ => None,
            };
        }
        if !inheritable {
            return None;
        }
        node = dict.get(b"Parent")?.as_reference()?;
    }
    None
}
