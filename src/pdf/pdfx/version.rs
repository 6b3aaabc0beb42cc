//! The PDF version in the header and the catalog.

use super::output_intent::newest_embedded_icc;
use super::{catalog, catalog_mut};
use crate::pdf::objects::{PdfFile, Value, name};

/// Makes the header version one PDF/X-4 allows and returns it.
///
/// PDF/X-4 is based on PDF 1.6 and validators refuse a newer header. krilla
/// 0.8 writes 1.7 by default; the only things it writes differently for 1.7
/// than for 1.6 are ICC v4.2 profiles (its sRGB and grey profiles, used when
/// device colour spaces are off, and embedded image profiles it accepts),
/// tagging details and file attachments. So 1.7 is relabelled 1.6 when no
/// embedded profile is newer than 4.1, and refused otherwise.
pub(super) fn settle_version(doc: &mut PdfFile) -> Result<String, String> {
    let header = parse_version(&doc.version)
        .ok_or_else(|| format!("the PDF header version '{}' is not understood", doc.version))?;
    // A catalog /Version overrides the header when it is newer.
    let catalog_version = match catalog(doc)?.get(b"Version") {
        Some(Value::Name(v)) => {
            Some(parse_version(&String::from_utf8_lossy(&v)).ok_or_else(|| {
                format!(
                    "the catalog /Version '{}' is not understood",
                    String::from_utf8_lossy(&v)
                )
            })?)
        }
        _ => None,
    };
    let effective = catalog_version.map_or(header, |c| c.max(header));
    if effective > (1, 7) {
        return Err(format!(
            "the PDF is version {}.{}; PDF/X-4 is based on PDF 1.6 (have krilla write PDF 1.6)",
            effective.0, effective.1
        ));
    }
    if effective == (1, 7)
        && let Some((major, minor)) = newest_embedded_icc(doc)?
    {
        return Err(format!(
            "the PDF is version 1.7 and embeds an ICC profile of version {major}.{minor}, \
             which PDF 1.6 (PDF/X-4) does not allow; have krilla write PDF 1.6"
        ));
    }
    if header > (1, 6) {
        doc.version = "1.6".into();
    }
    if catalog_version.is_some_and(|c| c > (1, 6)) {
        catalog_mut(doc)?.set(b"Version", name(b"1.6"));
    }
    let (major, minor) = parse_version(&doc.version).unwrap_or((1, 6));
    Ok(format!("{major}.{minor}"))
}

pub(super) fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}
