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

use super::objects::{
    self, Dict, Object, PdfFile, Value, array, integer, literal_string, name, reference,
    text_string,
};

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

/// The namespace of the PDF/X identification schema in XMP.
const PDFXID_NS: &str = "http://www.npes.org/pdfx/ns/id/";
/// The namespace of Adobe's PDF schema (`pdf:Trapped`, `pdf:PDFVersion`).
const PDF_NS: &str = "http://ns.adobe.com/pdf/1.3/";
/// The namespace of XMP media management (`xmpMM:*`).
const XMPMM_NS: &str = "http://ns.adobe.com/xap/1.0/mm/";
const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

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
) -> Result<Vec<u8>, String> {
    check_output_profile(condition.icc)?;
    let mut doc = PdfFile::read(pdf).map_err(|e| format!("the PDF could not be read: {e}"))?;
    if doc.trailer.has(b"Encrypt") {
        return Err("the PDF is encrypted, which PDF/X forbids".into());
    }

    let version = settle_version(&mut doc)?;
    compress_plain_streams(&mut doc);
    set_output_intent(&mut doc, condition)?;
    let (id0, id1) = file_id(&doc, pdf, condition, trapped);
    set_info(&mut doc, trapped)?;
    set_xmp(&mut doc, trapped, &version, &id0, &id1)?;
    add_trim_boxes(&mut doc)?;
    doc.trailer
        .set(b"ID", array(&[literal_string(&id0), literal_string(&id1)]));

    let mut out = Vec::with_capacity(pdf.len() + pdf.len() / 2 + condition.icc.len());
    doc.write(&mut out);
    Ok(out)
}

/// How hard [`compress_plain_streams`] compresses: zlib's level 2, where
/// krilla uses 6. On a copy of the sample pack, level 6 cost 10 % more of
/// the whole build (instructions, callgrind) for a file 2.7 % smaller
/// (140 KB instead of 144); level 4 was halfway on both.
const PLAIN_STREAM_LEVEL: u32 = 2;

/// Compresses the streams the file holds uncompressed (page contents and
/// text maps, when krilla was told not to compress them), except XMP
/// metadata, which stays readable. Doing it here rather than in krilla
/// lets handbill choose the level; the file is written out again here
/// anyway.
fn compress_plain_streams(doc: &mut PdfFile) {
    // One compressor for all the streams, reset between them: starting one
    // allocates and clears some 200 KB.
    let mut deflate = flate2::Compress::new(flate2::Compression::new(PLAIN_STREAM_LEVEL), true);
    for (_, object) in doc.objects_mut() {
        let (Some(dict), Some(data)) = (object.as_dict(), object.stream_data()) else {
            continue;
        };
        let is_metadata = dict
            .get(b"Type")
            .is_some_and(|t| t.as_name() == Some(b"Metadata"));
        if dict.has(b"Filter") || is_metadata || data.len() < 64 {
            continue;
        }
        deflate.reset();
        // Room for the whole stream, stored, so one call finishes it.
        let mut compressed = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        let done = deflate.compress_vec(data, &mut compressed, flate2::FlushCompress::Finish);
        if !matches!(done, Ok(flate2::Status::StreamEnd)) {
            continue;
        }
        if compressed.len() < data.len() {
            object.set_stream_data(compressed);
            if let Some(dict) = object.as_dict_mut() {
                dict.set(b"Filter", name(b"FlateDecode"));
            }
        }
    }
}

/// Checks that `icc` is an ICC output profile for CMYK that PDF 1.6 can carry.
fn check_output_profile(icc: &[u8]) -> Result<(), String> {
    let header = IccHeader::parse(icc)
        .ok_or("the output profile is not an ICC profile (no 'acsp' signature)")?;
    if header.class != *b"prtr" {
        return Err(format!(
            "the output profile's device class is '{}', but PDF/X needs an output ('prtr') profile",
            String::from_utf8_lossy(&header.class)
        ));
    }
    if header.space != *b"CMYK" {
        return Err(format!(
            "the output profile's colour space is '{}', not 'CMYK'",
            String::from_utf8_lossy(&header.space).trim_end()
        ));
    }
    if !header.fits_pdf16() {
        return Err(format!(
            "the output profile is ICC version {}.{}, newer than PDF 1.6 (PDF/X-4) allows (4.1)",
            header.major, header.minor
        ));
    }
    Ok(())
}

/// The fields of an ICC profile header that matter here.
struct IccHeader {
    major: u8,
    minor: u8,
    class: [u8; 4],
    space: [u8; 4],
}

impl IccHeader {
    fn parse(data: &[u8]) -> Option<IccHeader> {
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
    fn fits_pdf16(&self) -> bool {
        self.major < 4 || (self.major == 4 && self.minor <= 1)
    }
}

/// The catalog's number.
fn catalog_number(doc: &PdfFile) -> Result<u32, String> {
    doc.trailer
        .get(b"Root")
        .and_then(|root| root.as_reference())
        .filter(|&n| doc.get(n).and_then(Object::as_dict).is_some())
        .ok_or_else(|| "the PDF has no catalog".to_string())
}

fn catalog<'d, 'a>(doc: &'d PdfFile<'a>) -> Result<&'d Dict<'a>, String> {
    let number = catalog_number(doc)?;
    doc.get(number)
        .and_then(Object::as_dict)
        .ok_or_else(|| "the PDF has no catalog".to_string())
}

fn catalog_mut<'d, 'a>(doc: &'d mut PdfFile<'a>) -> Result<&'d mut Dict<'a>, String> {
    let number = catalog_number(doc)?;
    doc.get_mut(number)
        .and_then(Object::as_dict_mut)
        .ok_or_else(|| "the PDF has no catalog".to_string())
}

/// Makes the header version one PDF/X-4 allows and returns it.
///
/// PDF/X-4 is based on PDF 1.6 and validators refuse a newer header. krilla
/// 0.8 writes 1.7 by default; the only things it writes differently for 1.7
/// than for 1.6 are ICC v4.2 profiles (its sRGB and grey profiles, used when
/// device colour spaces are off, and embedded image profiles it accepts),
/// tagging details and file attachments. So 1.7 is relabelled 1.6 when no
/// embedded profile is newer than 4.1, and refused otherwise.
fn settle_version(doc: &mut PdfFile) -> Result<String, String> {
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

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The version of the newest `/ICCBased` profile in the document that is newer
/// than PDF 1.6 allows, if there is one.
fn newest_embedded_icc(doc: &PdfFile) -> Result<Option<(u8, u8)>, String> {
    let mut streams = Vec::new();
    for (_, object) in doc.objects() {
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
            .ok_or_else(|| format!("an /ICCBased colour space points to no stream ({number})"))?;
        let data = object
            .decoded_stream(DECODE_LIMIT)
            .map_err(|e| format!("an ICC profile ({number}) could not be decoded: {e}"))?;
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
fn collect_icc_refs(value: &Value, out: &mut Vec<u32>) {
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
fn set_output_intent<'a>(
    doc: &mut PdfFile<'a>,
    condition: &OutputCondition<'a>,
) -> Result<(), String> {
    // Where the PDF already holds the same profile (krilla tags CMYK colour
    // with it), the OutputIntent points at that copy: one profile, not two.
    let existing = doc.objects().find_map(|(number, object)| {
        let dict = object.as_dict()?;
        let data = object.stream_data()?;
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

/// Sets the PDF/X keys in the document information dictionary.
fn set_info(doc: &mut PdfFile, trapped: bool) -> Result<(), String> {
    // The Info dictionary should be indirect; an inline one is moved out.
    let inline = match doc.trailer.get(b"Info") {
        Some(Value::Reference(n)) if doc.get(n).and_then(Object::as_dict).is_some() => Ok(n),
        Some(Value::Dict(dict)) => Err(Some(owned_dict(&dict))),
        None => Err(None),
        Some(_) => return Err("the trailer's /Info is not a dictionary".into()),
    };
    let number = match inline {
        Ok(n) => n,
        Err(dict) => doc.add(Object::dict(dict.unwrap_or_default())),
    };
    doc.trailer.set(b"Info", reference(number));
    let info = doc
        .get_mut(number)
        .and_then(Object::as_dict_mut)
        .ok_or("the trailer's /Info is not a dictionary")?;
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

/// A copy of `dict` that borrows nothing.
fn owned_dict(dict: &Dict) -> Dict<'static> {
    let mut out = Dict::new();
    for (key, raw) in dict.entries() {
        out.set(key, raw.to_vec());
    }
    out
}

fn trapped_word(trapped: bool) -> &'static str {
    if trapped { "True" } else { "False" }
}

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
fn file_id(
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
struct IdHash(xxhash_rust::xxh3::Xxh3);

impl IdHash {
    fn new() -> Self {
        IdHash(xxhash_rust::xxh3::Xxh3::new())
    }

    /// Hashes `data` with its length first, so that fields cannot run into
    /// each other ("ab"+"c" differs from "a"+"bc").
    fn field(&mut self, data: &[u8]) {
        self.0.update(&(data.len() as u64).to_be_bytes());
        self.0.update(data);
    }

    fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// An XMP property this step sets.
struct XmpProperty {
    ns: &'static str,
    prefix: &'static str,
    name: &'static str,
    value: String,
    /// Whether an existing value is replaced (true) or kept (false).
    replace: bool,
}

/// Writes the PDF/X identification into the XMP packet, uncompressed.
fn set_xmp(
    doc: &mut PdfFile,
    trapped: bool,
    version: &str,
    id0: &[u8],
    id1: &[u8],
) -> Result<(), String> {
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
        Some(_) => return Err("the catalog's /Metadata is not a reference to a stream".into()),
        None => None,
    };
    let packet = match existing {
        Some(number) => {
            let stream = doc
                .get(number)
                .filter(|o| o.stream_data().is_some())
                .ok_or("the catalog's /Metadata is not a stream")?;
            let data = stream
                .decoded_stream(DECODE_LIMIT)
                .map_err(|e| format!("the XMP metadata could not be decoded: {e}"))?;
            String::from_utf8(data).map_err(|_| "the XMP metadata is not UTF-8".to_string())?
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
const EMPTY_XMP: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
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
fn edit_xmp(packet: &str, properties: &[XmpProperty]) -> Result<String, String> {
    let xml = roxmltree::Document::parse(packet)
        .map_err(|e| format!("the XMP metadata is not well-formed XML: {e}"))?;
    let rdf = xml
        .descendants()
        .find(|n| {
            n.is_element()
                && n.tag_name().namespace() == Some(RDF_NS)
                && n.tag_name().name() == "RDF"
        })
        .ok_or("the XMP metadata has no rdf:RDF element")?;

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
        .ok_or("the XMP metadata's rdf:RDF element is empty-tagged")?;

    let mut description = String::from("<rdf:Description");
    description.push_str(&format!(
        " xmlns:rdf=\"{RDF_NS}\" rdf:about=\"{}\"",
        escape(about.as_deref().unwrap_or(""))
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
                escape(&p.value)
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
            return Err("the XMP metadata has properties after rdf:RDF".into());
        }
        out.push_str(slice(packet, at..cut.start)?);
        at = cut.end;
    }
    out.push_str(slice(packet, at..close)?);
    out.push_str(&description);
    out.push_str(slice(packet, close..packet.len())?);

    roxmltree::Document::parse(&out)
        .map_err(|e| format!("editing the XMP metadata broke it (a bug): {e}"))?;
    Ok(out)
}

/// `text[range]`, as an error rather than a panic should the parser's ranges
/// ever not fit.
fn slice(text: &str, range: std::ops::Range<usize>) -> Result<&str, String> {
    text.get(range.clone())
        .ok_or_else(|| format!("the XMP metadata could not be edited at bytes {range:?} (a bug)"))
}

/// An `/ID` part as XMP text: as it is when it is printable ASCII (krilla's
/// are base64), in hex otherwise.
fn id_text(id: &[u8]) -> String {
    if id.iter().all(|b| (0x21..0x7f).contains(b)) {
        String::from_utf8_lossy(id).into_owned()
    } else {
        id.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Text for an XML attribute value: the same escaping as the layout markup.
use crate::markdown::escape;

/// Gives every page without a TrimBox or ArtBox a TrimBox.
///
/// PDF/X needs one of the two on each page, and not both, so a page with an
/// ArtBox is left alone. The TrimBox must lie within the BleedBox, which lies
/// within the CropBox, within the MediaBox; copying the innermost box the page
/// has keeps that nesting.
fn add_trim_boxes(doc: &mut PdfFile) -> Result<(), String> {
    let pages = page_numbers(doc)?;
    if pages.is_empty() {
        return Err("the PDF has no pages".into());
    }
    for (index, page) in pages.into_iter().enumerate() {
        let number = index + 1;
        let dict = doc
            .get(page)
            .and_then(Object::as_dict)
            .ok_or_else(|| format!("page {number} is not a dictionary"))?;
        if dict.has(b"TrimBox") || dict.has(b"ArtBox") {
            continue;
        }
        let trim = [&b"BleedBox"[..], b"CropBox", b"MediaBox"]
            .into_iter()
            .find_map(|key| page_box(doc, page, key))
            .ok_or_else(|| format!("page {number} has no MediaBox to make a TrimBox from"))?;
        doc.get_mut(page)
            .and_then(Object::as_dict_mut)
            .ok_or_else(|| format!("page {number} is not a dictionary"))?
            .set(b"TrimBox", trim);
    }
    Ok(())
}

/// The pages' object numbers, in order, from the catalog's page tree.
fn page_numbers(doc: &PdfFile) -> Result<Vec<u32>, String> {
    let root = catalog(doc)?
        .get(b"Pages")
        .and_then(|p| p.as_reference())
        .ok_or("the catalog has no page tree")?;
    let mut pages = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Depth first, kids in order; `seen` stops a loop in a broken file.
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        if !seen.insert(node) {
            return Err("the page tree loops".into());
        }
        let dict = doc
            .get(node)
            .and_then(Object::as_dict)
            .ok_or("the page tree points to something that is not a dictionary")?;
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
fn page_box(doc: &PdfFile, page: u32, key: &[u8]) -> Option<Vec<u8>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    use lopdf::{Dictionary, Document, Object, Stream};

    use krilla::color::cmyk;
    use krilla::geom::{PathBuilder, Rect};
    use krilla::metadata::{DateTime, Metadata};
    use krilla::page::PageSettings;
    use krilla::paint::Fill;
    use krilla::{Document as KrillaDocument, SerializeSettings};

    const ICC: &[u8] = include_bytes!("../../assets/handbill-fogra39.icc");

    fn condition() -> OutputCondition<'static> {
        OutputCondition {
            icc: ICC,
            identifier: "FOGRA39",
            info: "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)",
            registry: "http://www.color.org",
        }
    }

    /// What the krilla test documents get.
    #[derive(Default)]
    struct Krilla {
        metadata: Option<Metadata>,
        trim_box: bool,
        settings: Option<SerializeSettings>,
    }

    /// A krilla PDF with `pages` A6 pages, each with a filled CMYK rectangle.
    fn krilla_pdf(pages: usize, options: Krilla) -> Vec<u8> {
        let mut document = match options.settings {
            Some(settings) => KrillaDocument::new_with(settings),
            None => KrillaDocument::new(),
        };
        for _ in 0..pages {
            let mut settings = PageSettings::from_wh(298.0, 420.0).expect("page size");
            if options.trim_box {
                settings = settings
                    .with_bleed_box(Rect::from_xywh(0.0, 0.0, 298.0, 420.0))
                    .with_trim_box(Rect::from_xywh(8.5, 8.5, 281.0, 403.0));
            }
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            let mut pb = PathBuilder::new();
            pb.push_rect(Rect::from_xywh(20.0, 20.0, 200.0, 100.0).expect("rect"));
            let path = pb.finish().expect("path");
            surface.set_fill(Some(Fill {
                paint: cmyk::Color::new(0, 255, 255, 0).into(),
                ..Fill::default()
            }));
            surface.draw_path(&path);
            surface.finish();
            page.finish();
        }
        if let Some(metadata) = options.metadata {
            document.set_metadata(metadata);
        }
        document.finish().expect("krilla writes the PDF")
    }

    fn dated_metadata() -> Metadata {
        Metadata::new()
            .title("Know your rights".to_string())
            .keywords(vec!["Kazakhstan".into(), "human rights".into()])
            .creation_date(
                DateTime::new(2024)
                    .month(5)
                    .day(1)
                    .hour(12)
                    .minute(0)
                    .second(0),
            )
    }

    fn load(pdf: &[u8]) -> Document {
        Document::load_mem(pdf).expect("lopdf reads the result")
    }

    fn info_dict(doc: &Document) -> &Dictionary {
        let id = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .expect("/Info is a reference");
        doc.get_dictionary(id).expect("/Info is a dictionary")
    }

    fn xmp(doc: &Document) -> (Dictionary, String) {
        let id = doc
            .catalog()
            .unwrap()
            .get(b"Metadata")
            .and_then(Object::as_reference)
            .expect("/Metadata");
        let stream = doc
            .get_object(id)
            .and_then(Object::as_stream)
            .expect("metadata stream");
        (
            stream.dict.clone(),
            String::from_utf8(stream.content.clone()).expect("UTF-8 XMP"),
        )
    }

    fn ids(doc: &Document) -> (Vec<u8>, Vec<u8>) {
        let parts = doc
            .trailer
            .get(b"ID")
            .and_then(Object::as_array)
            .expect("/ID");
        assert_eq!(parts.len(), 2);
        (
            parts[0].as_str().unwrap().to_vec(),
            parts[1].as_str().unwrap().to_vec(),
        )
    }

    /// The value of an XMP property, in attribute or element form.
    fn xmp_value(packet: &str, ns: &str, name: &str) -> Vec<String> {
        let xml = roxmltree::Document::parse(packet).expect("XMP parses as XML");
        let mut values = Vec::new();
        for node in xml.descendants().filter(|n| n.is_element()) {
            if let Some(v) = node.attribute((ns, name)) {
                values.push(v.to_string());
            }
            if node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name {
                values.push(node.text().unwrap_or("").to_string());
            }
        }
        values
    }

    #[test]
    fn output_profile_is_a_small_cmyk_printer_profile() {
        let header = IccHeader::parse(ICC).expect("an ICC profile");
        assert_eq!(&header.class, b"prtr");
        assert_eq!(&header.space, b"CMYK");
        assert!(
            matches!(&ICC[20..24], b"Lab " | b"XYZ "),
            "PCS is Lab or XYZ"
        );
        assert!(header.fits_pdf16());
        assert!(ICC.len() < 300 * 1024, "profile is {} bytes", ICC.len());
        // The size in the header is the file's size.
        assert_eq!(
            u32::from_be_bytes(ICC[0..4].try_into().unwrap()) as usize,
            ICC.len()
        );
        // A 'desc' tag is in the tag table.
        let count = u32::from_be_bytes(ICC[128..132].try_into().unwrap()) as usize;
        let has_desc = (0..count).any(|i| &ICC[132 + 12 * i..136 + 12 * i] == b"desc");
        assert!(has_desc, "the profile has a description tag");
    }

    #[test]
    fn writes_the_output_intent() {
        let out = make_pdfx4(&krilla_pdf(1, Krilla::default()), &condition(), false).unwrap();
        let doc = load(&out);
        let intents = doc
            .catalog()
            .unwrap()
            .get(b"OutputIntents")
            .and_then(Object::as_array)
            .unwrap();
        assert_eq!(intents.len(), 1);
        let (_, intent) = doc.dereference(&intents[0]).unwrap();
        let intent = intent.as_dict().unwrap();
        assert_eq!(
            intent.get(b"Type").unwrap().as_name().unwrap(),
            b"OutputIntent"
        );
        assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFX");
        assert_eq!(
            intent
                .get(b"OutputConditionIdentifier")
                .unwrap()
                .as_str()
                .unwrap(),
            b"FOGRA39"
        );
        assert_eq!(
            intent.get(b"RegistryName").unwrap().as_str().unwrap(),
            b"http://www.color.org"
        );
        assert!(
            intent
                .get(b"Info")
                .unwrap()
                .as_str()
                .unwrap()
                .starts_with(b"Offset printing, according to ISO 12647-2:2004/Amd 1")
        );

        let profile_id = intent
            .get(b"DestOutputProfile")
            .and_then(Object::as_reference)
            .unwrap();
        let profile = doc
            .get_object(profile_id)
            .and_then(Object::as_stream)
            .unwrap();
        assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 4);
        assert!(
            !profile.dict.has(b"Filter"),
            "the profile is stored as it is"
        );
        assert_eq!(profile.content, ICC);
        assert_eq!(&profile.content[16..20], b"CMYK");
    }

    #[test]
    fn sets_the_info_dictionary() {
        let out = make_pdfx4(
            &krilla_pdf(
                1,
                Krilla {
                    metadata: Some(dated_metadata()),
                    ..Krilla::default()
                },
            ),
            &condition(),
            false,
        )
        .unwrap();
        let doc = load(&out);
        let info = info_dict(&doc);
        assert_eq!(
            info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
            b"PDF/X-4"
        );
        assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
        assert_eq!(
            info.get(b"Title").unwrap().as_str().unwrap(),
            b"Know your rights"
        );
        assert_eq!(
            info.get(b"Keywords").unwrap().as_str().unwrap(),
            b"Kazakhstan, human rights"
        );
        assert_eq!(
            info.get(b"ModDate").unwrap(),
            info.get(b"CreationDate").unwrap()
        );

        let trapped = make_pdfx4(&krilla_pdf(1, Krilla::default()), &condition(), true).unwrap();
        let doc = load(&trapped);
        assert_eq!(
            info_dict(&doc).get(b"Trapped").unwrap().as_name().unwrap(),
            b"True"
        );
    }

    #[test]
    fn creates_the_info_dictionary_without_dates() {
        // Without metadata krilla writes no Info dictionary.
        let input = krilla_pdf(1, Krilla::default());
        assert!(
            load(&input).trailer.get(b"Info").is_err(),
            "krilla wrote no Info"
        );
        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        let info = info_dict(&doc);
        assert_eq!(
            info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
            b"PDF/X-4"
        );
        assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
        // No date is invented.
        assert!(!info.has(b"ModDate"));
        assert!(!info.has(b"CreationDate"));
    }

    #[test]
    fn copies_the_creation_date_into_a_missing_mod_date() {
        let input = krilla_pdf(
            1,
            Krilla {
                metadata: Some(dated_metadata()),
                ..Krilla::default()
            },
        );
        let mut doc = load(&input);
        let info_id = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .unwrap();
        let created = {
            let info = doc.get_dictionary_mut(info_id).unwrap();
            info.remove(b"ModDate");
            info.get(b"CreationDate").unwrap().clone()
        };
        let mut stripped = Vec::new();
        doc.save_to(&mut stripped).unwrap();
        let doc = load(&make_pdfx4(&stripped, &condition(), false).unwrap());
        assert_eq!(info_dict(&doc).get(b"ModDate").unwrap(), &created);
    }

    #[test]
    fn updates_the_xmp_metadata() {
        let input = krilla_pdf(
            1,
            Krilla {
                metadata: Some(dated_metadata()),
                ..Krilla::default()
            },
        );
        let (_, before) = xmp(&load(&input));
        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        let (dict, packet) = xmp(&doc);
        assert_eq!(dict.get(b"Type").unwrap().as_name().unwrap(), b"Metadata");
        assert_eq!(dict.get(b"Subtype").unwrap().as_name().unwrap(), b"XML");
        assert!(!dict.has(b"Filter"), "the XMP is stored uncompressed");
        assert!(packet.contains("pdfxid:GTS_PDFXVersion=\"PDF/X-4\""));
        assert!(packet.contains(PDFXID_NS));
        assert_eq!(
            xmp_value(&packet, PDFXID_NS, "GTS_PDFXVersion"),
            ["PDF/X-4"]
        );
        assert_eq!(xmp_value(&packet, PDF_NS, "Trapped"), ["False"]);
        assert_eq!(xmp_value(&packet, PDF_NS, "PDFVersion"), ["1.6"]);
        assert_eq!(xmp_value(&packet, XMPMM_NS, "RenditionClass"), ["default"]);
        assert_eq!(xmp_value(&packet, XMPMM_NS, "VersionID"), ["1"]);
        let (id0, id1) = ids(&doc);
        assert_eq!(
            xmp_value(&packet, XMPMM_NS, "InstanceID"),
            [String::from_utf8(id1).unwrap()]
        );
        assert_eq!(
            xmp_value(&packet, XMPMM_NS, "DocumentID"),
            [String::from_utf8(id0).unwrap()]
        );
        // What krilla wrote otherwise is still there.
        let title = xmp_value(&before, "http://purl.org/dc/elements/1.1/", "title");
        assert!(!title.is_empty());
        assert_eq!(
            xmp_value(&packet, "http://purl.org/dc/elements/1.1/", "title"),
            title
        );
        assert!(packet.contains("xmp:CreateDate") || packet.contains("CreateDate"));
        assert_eq!(
            xmp_value(&packet, PDF_NS, "Keywords"),
            ["Kazakhstan, human rights"]
        );
        // Every rdf:Description describes the same resource.
        let xml = roxmltree::Document::parse(&packet).unwrap();
        let abouts: Vec<_> = xml
            .descendants()
            .filter(|n| n.tag_name().name() == "Description")
            .map(|n| n.attribute((RDF_NS, "about")).unwrap_or("").to_string())
            .collect();
        assert!(abouts.len() >= 2);
        assert!(abouts.iter().all(|a| a == &abouts[0]));
    }

    #[test]
    fn replaces_existing_xmp_values_and_reads_compressed_xmp() {
        // A packet with the properties already set, in both forms, compressed.
        let input = krilla_pdf(1, Krilla::default());
        let mut doc = load(&input);
        let id = doc
            .catalog()
            .unwrap()
            .get(b"Metadata")
            .and_then(Object::as_reference)
            .unwrap();
        let packet = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:id="http://www.npes.org/pdfx/ns/id/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" pdf:Trapped="Unknown" xmpMM:VersionID="7"><id:GTS_PDFXVersion>PDF/X-1a:2003</id:GTS_PDFXVersion><pdf:Producer>test &amp; co</pdf:Producer></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;
        let mut stream = Stream::new(
            Dictionary::from_iter([
                ("Type", Object::Name(b"Metadata".to_vec())),
                ("Subtype", Object::Name(b"XML".to_vec())),
            ]),
            packet.as_bytes().to_vec(),
        );
        stream.compress().unwrap();
        assert!(stream.dict.has(b"Filter"));
        doc.objects.insert(id, Object::Stream(stream));
        let mut changed = Vec::new();
        doc.save_to(&mut changed).unwrap();

        let doc = load(&make_pdfx4(&changed, &condition(), true).unwrap());
        let (dict, packet) = xmp(&doc);
        assert!(!dict.has(b"Filter"));
        assert_eq!(
            xmp_value(&packet, PDFXID_NS, "GTS_PDFXVersion"),
            ["PDF/X-4"]
        );
        assert_eq!(xmp_value(&packet, PDF_NS, "Trapped"), ["True"]);
        // An existing VersionID is kept.
        assert_eq!(xmp_value(&packet, XMPMM_NS, "VersionID"), ["7"]);
        assert_eq!(xmp_value(&packet, PDF_NS, "Producer"), ["test & co"]);
    }

    #[test]
    fn compresses_what_krilla_left_uncompressed_but_the_xmp() {
        let settings = SerializeSettings {
            compress_content_streams: false,
            ..SerializeSettings::default()
        };
        let input = krilla_pdf(
            2,
            Krilla {
                settings: Some(settings),
                metadata: Some(Metadata::new().title("plain".into())),
                ..Krilla::default()
            },
        );
        let before = load(&input);
        let pages = before.get_pages();
        let page = before.get_dictionary(pages[&1]).unwrap();
        let contents = page.get(b"Contents").unwrap().as_reference().unwrap();
        let plain = before.get_object(contents).unwrap().as_stream().unwrap();
        assert!(!plain.dict.has(b"Filter"));
        let plain_content = plain.content.clone();

        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        for (_, id) in doc.get_pages() {
            let page = doc.get_dictionary(id).unwrap();
            let contents = page.get(b"Contents").unwrap().as_reference().unwrap();
            let stream = doc.get_object(contents).unwrap().as_stream().unwrap();
            assert_eq!(
                stream.dict.get(b"Filter").unwrap().as_name().unwrap(),
                b"FlateDecode"
            );
            assert_eq!(
                stream.dict.get(b"Length").unwrap().as_i64().unwrap() as usize,
                stream.content.len()
            );
            assert_eq!(stream.decompressed_content().unwrap(), plain_content);
        }
        let (dict, packet) = xmp(&doc);
        assert!(!dict.has(b"Filter"), "the XMP stays readable");
        assert!(packet.contains("plain"));
    }

    #[test]
    fn writes_xmp_when_krilla_wrote_none() {
        let settings = SerializeSettings {
            xmp_metadata: false,
            ..SerializeSettings::default()
        };
        let input = krilla_pdf(
            1,
            Krilla {
                settings: Some(settings),
                ..Krilla::default()
            },
        );
        assert!(load(&input).catalog().unwrap().get(b"Metadata").is_err());
        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        let (_, packet) = xmp(&doc);
        assert_eq!(
            xmp_value(&packet, PDFXID_NS, "GTS_PDFXVersion"),
            ["PDF/X-4"]
        );
        assert_eq!(xmp_value(&packet, PDF_NS, "Trapped"), ["False"]);
    }

    #[test]
    fn sets_a_pdfx4_header_version() {
        let input = krilla_pdf(1, Krilla::default());
        assert!(
            input.starts_with(b"%PDF-1.7"),
            "krilla 0.8 writes PDF 1.7 by default"
        );
        let out = make_pdfx4(&input, &condition(), false).unwrap();
        assert!(out.starts_with(b"%PDF-1.6\n") || out.starts_with(b"%PDF-1.6\r"));
        assert_eq!(load(&out).version, "1.6");

        // PDF 1.6 from krilla stays 1.6.
        let config = krilla::configure::ConfigurationBuilder::new()
            .with_version(krilla::configure::PdfVersion::Pdf16)
            .finish()
            .unwrap();
        let settings = SerializeSettings {
            configuration: config,
            ..SerializeSettings::default()
        };
        let input = krilla_pdf(
            1,
            Krilla {
                settings: Some(settings),
                ..Krilla::default()
            },
        );
        assert!(input.starts_with(b"%PDF-1.6"));
        assert!(
            make_pdfx4(&input, &condition(), false)
                .unwrap()
                .starts_with(b"%PDF-1.6")
        );
    }

    #[test]
    fn refuses_to_relabel_a_17_file_with_a_v42_profile() {
        let mut doc = load(&krilla_pdf(1, Krilla::default()));
        let mut v42 = ICC.to_vec();
        v42[8] = 4;
        v42[9] = 0x20;
        let profile = doc.add_object(Stream::new(
            Dictionary::from_iter([("N", Object::Integer(4))]),
            v42,
        ));
        let page = *doc.get_pages().values().next().unwrap();
        let space = Dictionary::from_iter([(
            "CS0",
            Object::Array(vec![
                Object::Name(b"ICCBased".to_vec()),
                Object::Reference(profile),
            ]),
        )]);
        let resources = Dictionary::from_iter([("ColorSpace", Object::Dictionary(space))]);
        doc.get_dictionary_mut(page)
            .unwrap()
            .set("Resources", resources);
        let mut input = Vec::new();
        doc.save_to(&mut input).unwrap();
        let err = make_pdfx4(&input, &condition(), false).unwrap_err();
        assert!(err.contains("4.2"), "{err}");
    }

    /// krilla's own sRGB profile is v4.2 under PDF 1.7 and v2.1 under 1.6.
    #[test]
    fn krilla_srgb_needs_pdf_16() {
        let rgb_pdf = |version: krilla::configure::PdfVersion| {
            let configuration = krilla::configure::ConfigurationBuilder::new()
                .with_version(version)
                .finish()
                .unwrap();
            let mut document = KrillaDocument::new_with(SerializeSettings {
                no_device_cs: true,
                configuration,
                ..SerializeSettings::default()
            });
            let mut page = document.start_page_with(PageSettings::from_wh(100.0, 100.0).unwrap());
            let mut surface = page.surface();
            let mut pb = PathBuilder::new();
            pb.push_rect(Rect::from_xywh(10.0, 10.0, 50.0, 50.0).unwrap());
            surface.set_fill(Some(Fill {
                paint: krilla::color::rgb::Color::new(200, 30, 30).into(),
                ..Fill::default()
            }));
            surface.draw_path(&pb.finish().unwrap());
            surface.finish();
            page.finish();
            document.finish().unwrap()
        };
        let err = make_pdfx4(
            &rgb_pdf(krilla::configure::PdfVersion::Pdf17),
            &condition(),
            false,
        )
        .unwrap_err();
        assert!(err.contains("4.2"), "{err}");
        let out = make_pdfx4(
            &rgb_pdf(krilla::configure::PdfVersion::Pdf16),
            &condition(),
            false,
        )
        .unwrap();
        assert!(out.starts_with(b"%PDF-1.6"));
    }

    #[test]
    fn adds_trim_boxes_where_missing() {
        let doc =
            load(&make_pdfx4(&krilla_pdf(3, Krilla::default()), &condition(), false).unwrap());
        let pages = doc.get_pages();
        assert_eq!(pages.len(), 3);
        for id in pages.values() {
            let page = doc.get_dictionary(*id).unwrap();
            let trim = page.get(b"TrimBox").expect("TrimBox");
            let (_, media) = doc.dereference(page.get(b"MediaBox").unwrap()).unwrap();
            assert_eq!(
                trim, media,
                "the TrimBox is the MediaBox when there is nothing else"
            );
        }
    }

    #[test]
    fn keeps_trim_boxes_krilla_wrote() {
        let input = krilla_pdf(
            2,
            Krilla {
                trim_box: true,
                ..Krilla::default()
            },
        );
        let before = load(&input);
        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        for (number, id) in doc.get_pages() {
            let page = doc.get_dictionary(id).unwrap();
            let old = before.get_dictionary(before.get_pages()[&number]).unwrap();
            assert_eq!(page.get(b"TrimBox").unwrap(), old.get(b"TrimBox").unwrap());
            assert_eq!(
                page.get(b"BleedBox").unwrap(),
                old.get(b"BleedBox").unwrap()
            );
        }
    }

    #[test]
    fn a_missing_trim_box_comes_from_the_bleed_box() {
        let mut doc = load(&krilla_pdf(
            1,
            Krilla {
                trim_box: true,
                ..Krilla::default()
            },
        ));
        let page = *doc.get_pages().values().next().unwrap();
        let bleed = {
            let dict = doc.get_dictionary_mut(page).unwrap();
            dict.remove(b"TrimBox");
            dict.get(b"BleedBox").unwrap().clone()
        };
        let mut input = Vec::new();
        doc.save_to(&mut input).unwrap();
        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        let page = *doc.get_pages().values().next().unwrap();
        assert_eq!(
            doc.get_dictionary(page).unwrap().get(b"TrimBox").unwrap(),
            &bleed
        );
    }

    #[test]
    fn keeps_the_first_id_and_changes_the_second() {
        let input = krilla_pdf(
            1,
            Krilla {
                metadata: Some(dated_metadata()),
                ..Krilla::default()
            },
        );
        let (old0, old1) = ids(&load(&input));
        let out = make_pdfx4(&input, &condition(), false).unwrap();
        let (new0, new1) = ids(&load(&out));
        assert_eq!(new0, old0);
        assert_ne!(new1, old1);
        assert_eq!(new1.len(), 32);
        // Different trapping gives a different file, so a different instance ID.
        let (_, trapped1) = ids(&load(&make_pdfx4(&input, &condition(), true).unwrap()));
        assert_ne!(trapped1, new1);
    }

    #[test]
    fn is_deterministic() {
        let input = krilla_pdf(
            2,
            Krilla {
                metadata: Some(dated_metadata()),
                trim_box: true,
                ..Krilla::default()
            },
        );
        let first = make_pdfx4(&input, &condition(), false).unwrap();
        let second = make_pdfx4(&input, &condition(), false).unwrap();
        assert_eq!(first, second);
        // The same holds for a separately written, identical krilla document.
        let again = krilla_pdf(
            2,
            Krilla {
                metadata: Some(dated_metadata()),
                trim_box: true,
                ..Krilla::default()
            },
        );
        assert_eq!(make_pdfx4(&again, &condition(), false).unwrap(), first);
    }

    #[test]
    fn running_it_twice_keeps_one_output_intent() {
        let once = make_pdfx4(&krilla_pdf(1, Krilla::default()), &condition(), false).unwrap();
        let twice = make_pdfx4(&once, &condition(), false).unwrap();
        let doc = load(&twice);
        let intents = doc
            .catalog()
            .unwrap()
            .get(b"OutputIntents")
            .and_then(Object::as_array)
            .unwrap();
        assert_eq!(intents.len(), 1);
        // The first run's profile stream was dropped with its intent.
        let profiles = doc
            .objects
            .values()
            .filter(|o| {
                o.as_stream()
                    .is_ok_and(|s| s.dict.get(b"N").is_ok_and(|n| n.as_i64().ok() == Some(4)))
            })
            .count();
        assert_eq!(profiles, 1);
        let (_, packet) = xmp(&doc);
        assert_eq!(
            xmp_value(&packet, PDFXID_NS, "GTS_PDFXVersion"),
            ["PDF/X-4"]
        );
        assert_eq!(xmp_value(&packet, PDF_NS, "Trapped"), ["False"]);
    }

    #[test]
    fn garbage_is_an_error() {
        for input in [
            &b""[..],
            b"not a pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog",
            &[0xff; 4096],
        ] {
            assert!(make_pdfx4(input, &condition(), false).is_err());
        }
        // A truncated krilla file.
        let pdf = krilla_pdf(1, Krilla::default());
        let _ = make_pdfx4(&pdf[..pdf.len() / 2], &condition(), false);
    }

    #[test]
    fn no_damage_to_the_input_makes_it_panic() {
        let pdf = krilla_pdf(
            1,
            Krilla {
                metadata: Some(dated_metadata()),
                ..Krilla::default()
            },
        );
        for at in (0..pdf.len()).step_by(5) {
            for b in [b'0', b' ', b'/', b'<', 0xff] {
                let mut bad = pdf.clone();
                bad[at] = b;
                let _ = make_pdfx4(&bad, &condition(), false);
            }
        }
    }

    #[test]
    fn a_bad_profile_is_an_error() {
        let pdf = krilla_pdf(1, Krilla::default());
        let mut bad = condition();
        bad.icc = b"not a profile";
        assert!(make_pdfx4(&pdf, &bad, false).unwrap_err().contains("ICC"));
        let mut rgb = ICC.to_vec();
        rgb[16..20].copy_from_slice(b"RGB ");
        bad.icc = &rgb;
        assert!(make_pdfx4(&pdf, &bad, false).unwrap_err().contains("CMYK"));
        let mut monitor = ICC.to_vec();
        monitor[12..16].copy_from_slice(b"mntr");
        bad.icc = &monitor;
        assert!(make_pdfx4(&pdf, &bad, false).unwrap_err().contains("prtr"));
    }

    #[test]
    fn a_pdf_20_file_is_an_error() {
        let mut pdf = krilla_pdf(1, Krilla::default());
        pdf[5..8].copy_from_slice(b"2.0");
        assert!(
            make_pdfx4(&pdf, &condition(), false)
                .unwrap_err()
                .contains("2.0")
        );
    }

    #[test]
    fn xmp_edit_handles_prefixes_and_escaping() {
        let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><r:Description r:about="a&quot;b"/></r:RDF></x:xmpmeta>"#;
        let props = [XmpProperty {
            ns: PDF_NS,
            prefix: "pdf",
            name: "Trapped",
            value: "<&\">".into(),
            replace: true,
        }];
        let out = edit_xmp(packet, &props).unwrap();
        assert_eq!(xmp_value(&out, PDF_NS, "Trapped"), ["<&\">"]);
        let xml = roxmltree::Document::parse(&out).unwrap();
        assert!(
            xml.descendants()
                .filter(|n| n.tag_name().name() == "Description")
                .all(|n| n.attribute((RDF_NS, "about")) == Some("a\"b"))
        );
        assert!(edit_xmp("<not-xml", &props).is_err());
        assert!(edit_xmp("<a/>", &props).is_err());
    }

    #[test]
    fn id_text_is_the_id_or_its_hex() {
        assert_eq!(
            id_text(b"cuB3STVk4C/RT2OXHYozPw=="),
            "cuB3STVk4C/RT2OXHYozPw=="
        );
        assert_eq!(id_text(&[0x00, 0xab, 0x20]), "00ab20");
    }

    #[test]
    fn id_fields_cannot_run_into_each_other() {
        let hash = |parts: &[&[u8]]| {
            let mut h = IdHash::new();
            for p in parts {
                h.field(p);
            }
            h.finish()
        };
        assert_ne!(hash(&[b"ab", b"c"]), hash(&[b"a", b"bc"]));
        assert_eq!(hash(&[b"ab", b"c"]), hash(&[b"ab", b"c"]));
    }
}
