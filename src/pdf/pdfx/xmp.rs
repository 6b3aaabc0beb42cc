//! The XMP metadata packet: the PDF/X identification written into it.

use super::error::{PdfxError, XmpFault};
use super::{DECODE_LIMIT, catalog, catalog_mut, trapped_word};
use crate::pdf::objects::{Object, PdfFile, Value, name, reference};

/// The namespace of the PDF/X identification schema in XMP.
pub(super) const PDFXID_NS: &str = "http://www.npes.org/pdfx/ns/id/";
/// The namespace of Adobe's PDF schema (`pdf:Trapped`, `pdf:PDFVersion`).
pub(super) const PDF_NS: &str = "http://ns.adobe.com/pdf/1.3/";
/// The namespace of XMP media management (`xmpMM:*`).
pub(super) const XMPMM_NS: &str = "http://ns.adobe.com/xap/1.0/mm/";
pub(super) const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// An XMP property this step sets.
pub(super) struct XmpProperty {
    pub(super) ns: &'static str,
    pub(super) prefix: &'static str,
    pub(super) name: &'static str,
    pub(super) value: String,
    /// Whether an existing value is replaced (true) or kept (false).
    pub(super) replace: bool,
}

/// Writes the PDF/X identification into the XMP packet, uncompressed.
pub(super) fn set_xmp(
    doc: &mut PdfFile,
    trapped: bool,
    version: &str,
    id0: &[u8],
    id1: &[u8],
) -> Result<(), PdfxError> {
    let properties = [
        XmpProperty {
            ns: PDFXID_NS,
            prefix: "pdfxid",
            name: "GTS_PDFXVersion",
            value: "PDF/X-4".into(),
            replace: true,
        },
        XmpProperty {
            ns: PDF_NS,
            prefix: "pdf",
            name: "Trapped",
            value: trapped_word(trapped).into(),
            replace: true,
        },
        XmpProperty {
            ns: PDF_NS,
            prefix: "pdf",
            name: "PDFVersion",
            value: version.into(),
            replace: true,
        },
        // krilla writes "proof"; a print master is the "default" rendition.
        XmpProperty {
            ns: XMPMM_NS,
            prefix: "xmpMM",
            name: "RenditionClass",
            value: "default".into(),
            replace: true,
        },
        // Kept in step with the /ID, as krilla does.
        XmpProperty {
            ns: XMPMM_NS,
            prefix: "xmpMM",
            name: "InstanceID",
            value: id_text(id1),
            replace: true,
        },
        XmpProperty {
            ns: XMPMM_NS,
            prefix: "xmpMM",
            name: "DocumentID",
            value: id_text(id0),
            replace: false,
        },
        XmpProperty {
            ns: XMPMM_NS,
            prefix: "xmpMM",
            name: "VersionID",
            value: "1".into(),
            replace: false,
        },
    ];

    let existing = match catalog(doc)?.get(b"Metadata") {
        Some(Value::Reference(n)) => Some(n),
        Some(_) => {
            return Err(PdfxError::UnexpectedType {
                what: "the catalog's /Metadata".into(),
                expected: "a reference to a stream",
            });
        }
        None => None,
    };
    let packet = match existing {
        Some(number) => {
            let stream = doc
                .get(number)
                .filter(|o| o.stream_data().is_some())
                .ok_or_else(|| PdfxError::UnexpectedType {
                    what: "the catalog's /Metadata".into(),
                    expected: "a stream",
                })?;
            let data =
                stream
                    .decoded_stream(DECODE_LIMIT)
                    .map_err(|error| PdfxError::Undecodable {
                        what: "the XMP metadata".into(),
                        error,
                    })?;
            String::from_utf8(data).map_err(|_| XmpFault::NotUtf8)?
        }
        // krilla writes XMP unless told not to; PDF/X needs it, so start one.
        None => EMPTY_XMP.to_string(),
    };
    let packet = edit_xmp(&packet, &properties)?;

    let mut dict = existing
        .and_then(|n| doc.get(n)?.as_dict())
        .cloned()
        .unwrap_or_default();
    for key in [&b"Filter"[..], b"DecodeParms", b"DL", b"Length"] {
        dict.remove(key);
    }
    dict.set(b"Type", name(b"Metadata"));
    dict.set(b"Subtype", name(b"XML"));
    // PDF/X wants the metadata readable without decoding filters.
    let stream = Object::stream(dict, packet.into_bytes());
    match existing.and_then(|n| doc.get_mut(n)) {
        Some(slot) => *slot = stream,
        None => {
            let number = doc.add(stream);
            catalog_mut(doc)?.set(b"Metadata", reference(number));
        }
    }
    Ok(())
}

/// An XMP packet with nothing in it, for a PDF that has none.
pub(super) const EMPTY_XMP: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

/// Sets `properties` in the XMP packet `packet`.
///
/// The packet is edited as text, at the byte ranges the XML parser reports,
/// rather than re-serialised, so that everything else in it stays exactly as
/// krilla wrote it. Properties to be replaced are removed wherever they sit
/// directly on an `rdf:Description` (as attributes or child elements); the new
/// values go into one added `rdf:Description` that declares its own namespace
/// prefixes, so it cannot clash with the prefixes the packet uses. The result
/// is parsed again to be sure it is still well-formed.
pub(super) fn edit_xmp(packet: &str, properties: &[XmpProperty]) -> Result<String, XmpFault> {
    let xml = roxmltree::Document::parse(packet).map_err(|e| XmpFault::NotXml(e.to_string()))?;
    let rdf = xml
        .descendants()
        .find(|n| {
            n.is_element()
                && n.tag_name().namespace() == Some(RDF_NS)
                && n.tag_name().name() == "RDF"
        })
        .ok_or(XmpFault::NoRdf)?;

    let is_property =
        |ns: Option<&str>, name: &str, p: &XmpProperty| ns == Some(p.ns) && name == p.name;
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    let mut present = vec![false; properties.len()];
    // Every rdf:Description in a packet must describe the same resource;
    // the added one copies the first one's rdf:about.
    let mut about: Option<String> = None;
    for description in rdf.children().filter(|n| {
        n.is_element()
            && n.tag_name().namespace() == Some(RDF_NS)
            && n.tag_name().name() == "Description"
    }) {
        if about.is_none() {
            about = description.attribute((RDF_NS, "about")).map(str::to_string);
        }
        for attribute in description.attributes() {
            for (i, p) in properties.iter().enumerate() {
                if is_property(attribute.namespace(), attribute.name(), p) {
                    present[i] = true;
                    if p.replace {
                        cuts.push(attribute.range());
                    }
                }
            }
        }
        for child in description.children().filter(|n| n.is_element()) {
            for (i, p) in properties.iter().enumerate() {
                if is_property(child.tag_name().namespace(), child.tag_name().name(), p) {
                    present[i] = true;
                    if p.replace {
                        cuts.push(child.range());
                    }
                }
            }
        }
    }

    // Where the new rdf:Description goes: just before </rdf:RDF>.
    let rdf_range = rdf.range();
    let close = packet
        .get(rdf_range.clone())
        .filter(|element| !element.ends_with("/>"))
        .and_then(|element| element.rfind("</"))
        .map(|at| rdf_range.start + at)
        .ok_or(XmpFault::RdfEmptyTagged)?;

    let mut description = String::from("<rdf:Description");
    description.push_str(&format!(
        " xmlns:rdf=\"{RDF_NS}\" rdf:about=\"{}\"",
        attribute(about.as_deref().unwrap_or(""))
    ));
    let mut declared: Vec<&str> = Vec::new();
    for (i, p) in properties.iter().enumerate() {
        if (p.replace || !present[i]) && !declared.contains(&p.prefix) {
            declared.push(p.prefix);
            description.push_str(&format!(" xmlns:{}=\"{}\"", p.prefix, p.ns));
        }
    }
    for (i, p) in properties.iter().enumerate() {
        if p.replace || !present[i] {
            description.push_str(&format!(
                " {}:{}=\"{}\"",
                p.prefix,
                p.name,
                attribute(&p.value)
            ));
        }
    }
    description.push_str("/>");

    cuts.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(packet.len() + description.len());
    let mut at = 0;
    for cut in cuts {
        // A cut inside one already made (not expected) needs nothing more.
        if cut.start < at {
            continue;
        }
        if cut.start > close {
            return Err(XmpFault::PropertiesAfterRdf);
        }
        out.push_str(slice(packet, at..cut.start)?);
        at = cut.end;
    }
    out.push_str(slice(packet, at..close)?);
    out.push_str(&description);
    out.push_str(slice(packet, close..packet.len())?);

    roxmltree::Document::parse(&out)
        .map_err(|e| XmpFault::EditFailed(format!("the result is no longer XML: {e}")))?;
    Ok(out)
}

/// `text[range]`, as an error rather than a panic should the parser's ranges
/// ever not fit.
pub(super) fn slice(text: &str, range: std::ops::Range<usize>) -> Result<&str, XmpFault> {
    text.get(range.clone())
        .ok_or_else(|| XmpFault::EditFailed(format!("no text at bytes {range:?}")))
}

/// An `/ID` part as XMP text: as it is when it is printable ASCII (krilla's
/// are base64), in hex otherwise.
pub(super) fn id_text(id: &[u8]) -> String {
    if id.iter().all(|b| (0x21..0x7f).contains(b)) {
        String::from_utf8_lossy(id).into_owned()
    } else {
        id.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// `text` as the value of an XML attribute in double quotes: the markup
/// characters as entities; tab, line feed and carriage return as character
/// references, which a reader keeps (written as they are it reads them as
/// spaces); other control characters, which XML cannot hold, as spaces.
pub(super) fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
