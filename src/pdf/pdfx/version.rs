//! The PDF version in the header and the catalog.

use super::error::PdfxError;
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
pub(super) fn settle_version(doc: &mut PdfFile) -> Result<String, PdfxError> {
    let header = parse_version(&doc.version).ok_or_else(|| PdfxError::UnknownVersion {
        place: "the PDF header version",
        version: doc.version.to_string(),
    })?;
    // A catalog /Version overrides the header when it is newer.
    let catalog_version = match catalog(doc)?.get(b"Version") {
        Some(Value::Name(v)) => {
            let version = String::from_utf8_lossy(&v);
            Some(
                parse_version(&version).ok_or_else(|| PdfxError::UnknownVersion {
                    place: "the catalog /Version",
                    version: version.to_string(),
                })?,
            )
        }
        _ => None,
    };
    let effective = catalog_version.map_or(header, |c| c.max(header));
    if effective > (1, 7) {
        return Err(PdfxError::VersionTooNew {
            major: effective.0,
            minor: effective.1,
        });
    }
    if effective == (1, 7)
        && let Some((major, minor)) = newest_embedded_icc(doc)?
    {
        return Err(PdfxError::EmbeddedProfileTooNew { major, minor });
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
