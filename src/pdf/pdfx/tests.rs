//! Tests of the PDF/X step, on files krilla writes.

use super::file_id::IdHash;
use super::output_intent::IccHeader;
use super::xmp::{PDF_NS, PDFXID_NS, RDF_NS, XMPMM_NS, XmpProperty, edit_xmp, id_text};
use super::*;

use lopdf::{Dictionary, Document, Object, Stream};

use krilla::color::cmyk;
use krilla::geom::{PathBuilder, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::{Document as KrillaDocument, SerializeSettings};

const ICC: &[u8] = include_bytes!("../../../assets/handbill-fogra39.icc");

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
    assert_eq!(err, PdfxError::EmbeddedProfileTooNew { major: 4, minor: 2 });
    assert!(err.to_string().contains("4.2"), "{err}");
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
    assert_eq!(err, PdfxError::EmbeddedProfileTooNew { major: 4, minor: 2 });
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
    let doc = load(&make_pdfx4(&krilla_pdf(3, Krilla::default()), &condition(), false).unwrap());
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
    let err = make_pdfx4(&pdf, &bad, false).unwrap_err();
    assert_eq!(err, PdfxError::OutputProfile(ProfileFault::NotIcc));
    assert!(err.to_string().contains("not an ICC profile"), "{err}");
    let mut rgb = ICC.to_vec();
    rgb[16..20].copy_from_slice(b"RGB ");
    bad.icc = &rgb;
    let err = make_pdfx4(&pdf, &bad, false).unwrap_err();
    assert_eq!(
        err,
        PdfxError::OutputProfile(ProfileFault::ColourSpace(*b"RGB "))
    );
    assert!(err.to_string().contains("is 'RGB', not 'CMYK'"), "{err}");
    let mut monitor = ICC.to_vec();
    monitor[12..16].copy_from_slice(b"mntr");
    bad.icc = &monitor;
    let err = make_pdfx4(&pdf, &bad, false).unwrap_err();
    assert_eq!(
        err,
        PdfxError::OutputProfile(ProfileFault::DeviceClass(*b"mntr"))
    );
    assert!(err.to_string().contains("'mntr'"), "{err}");
}

#[test]
fn a_pdf_20_file_is_an_error() {
    let mut pdf = krilla_pdf(1, Krilla::default());
    pdf[5..8].copy_from_slice(b"2.0");
    let err = make_pdfx4(&pdf, &condition(), false).unwrap_err();
    assert_eq!(err, PdfxError::VersionTooNew { major: 2, minor: 0 });
    assert!(err.to_string().contains("version 2.0"), "{err}");
}

#[test]
fn a_pdf_cut_short_is_unreadable() {
    let pdf = krilla_pdf(1, Krilla::default());
    let err = make_pdfx4(&pdf[..pdf.len() / 2], &condition(), false).unwrap_err();
    assert!(
        matches!(
            err,
            PdfxError::Unreadable(crate::pdf::objects::ReadError {
                fault: crate::pdf::objects::Fault::NoStartXref,
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("cut short"), "{err}");
}

/// The krilla PDF of one page with `change` made to it by lopdf.
fn changed_pdf(change: impl FnOnce(&mut Document)) -> Vec<u8> {
    let mut doc = Document::load_mem(&krilla_pdf(1, Krilla::default())).unwrap();
    change(&mut doc);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_pdf_without_a_root_has_no_catalog() {
    let pdf = changed_pdf(|doc| {
        doc.trailer.remove(b"Root");
    });
    let err = make_pdfx4(&pdf, &condition(), false).unwrap_err();
    assert_eq!(err, PdfxError::NoCatalog);
    assert!(err.to_string().contains("/Root"), "{err}");
}

#[test]
fn a_catalog_without_pages_misses_its_key() {
    let pdf = changed_pdf(|doc| {
        doc.catalog_mut().unwrap().remove(b"Pages");
    });
    let err = make_pdfx4(&pdf, &condition(), false).unwrap_err();
    assert_eq!(
        err,
        PdfxError::MissingKey {
            what: "the catalog".into(),
            key: "Pages"
        }
    );
    assert_eq!(err.to_string(), "the catalog has no /Pages");
}

#[test]
fn an_info_of_the_wrong_type_is_named() {
    let pdf = changed_pdf(|doc| {
        doc.trailer.set("Info", Object::Integer(7));
    });
    let err = make_pdfx4(&pdf, &condition(), false).unwrap_err();
    assert_eq!(err.to_string(), "the trailer's /Info is not a dictionary");
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

/// Values that would break XML written carelessly, each as it must read back.
const HOSTILE: &[&str] = &[
    "<",
    "&",
    "&amp;",
    "]]>",
    "\"double\"",
    "'single'",
    "</rdf:li></rdf:Alt></dc:title><dc:title>",
    "<?xpacket end=\"w\"?>",
    "a\tb\nc\rd",
    "𝕏 😀 Қазақстан",
    "(unbalanced \\ brackets",
];

#[test]
fn xmp_edit_round_trips_hostile_text() {
    let long = "Қ<&>]]>😀".repeat(5_000);
    let packet = format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{RDF_NS}"><rdf:Description rdf:about="x&#x9;&lt;y&apos;" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>application/pdf</dc:format></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    );
    for value in HOSTILE.iter().copied().chain([long.as_str()]) {
        let props = [XmpProperty {
            ns: PDF_NS,
            prefix: "pdf",
            name: "Trapped",
            value: value.into(),
            replace: true,
        }];
        let out = edit_xmp(&packet, &props).unwrap();
        assert_eq!(xmp_value(&out, PDF_NS, "Trapped"), [value]);
        let xml = roxmltree::Document::parse(&out).unwrap();
        let abouts: Vec<_> = xml
            .descendants()
            .filter_map(|n| n.attribute((RDF_NS, "about")))
            .collect();
        assert_eq!(abouts, ["x\t<y'", "x\t<y'"]);
    }
}

/// Metadata with markup, entities, quotes and characters outside the BMP
/// in every field: krilla escapes it, and this step keeps it so.
#[test]
fn hostile_metadata_survives_the_step() {
    for value in HOSTILE.iter().filter(|v| !v.contains(['\t', '\n', '\r'])) {
        let metadata = Metadata::new()
            .title(value.to_string())
            .description(value.to_string())
            .authors(vec![value.to_string()])
            .keywords(vec![value.to_string()])
            .language("en-GB".into());
        let input = krilla_pdf(
            1,
            Krilla {
                metadata: Some(metadata),
                ..Krilla::default()
            },
        );
        let doc = load(&make_pdfx4(&input, &condition(), false).unwrap());
        let (_, packet) = xmp(&doc);
        let dc = "http://purl.org/dc/elements/1.1/";
        let xml = roxmltree::Document::parse(&packet).expect("well-formed XMP");
        let text_of = |name: &str| -> Vec<String> {
            xml.descendants()
                .filter(|n| n.tag_name().namespace() == Some(dc) && n.tag_name().name() == name)
                .flat_map(|n| n.descendants().filter(|d| d.tag_name().name() == "li"))
                .map(|li| li.text().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(text_of("title"), [*value], "{value}");
        assert_eq!(text_of("description"), [*value], "{value}");
        assert_eq!(text_of("creator"), [*value], "{value}");
        assert_eq!(xmp_value(&packet, PDF_NS, "Keywords"), [*value], "{value}");
        assert_eq!(
            xmp_value(&packet, PDFXID_NS, "GTS_PDFXVersion"),
            ["PDF/X-4"]
        );
        let info = info_dict(&doc);
        for key in [&b"Title"[..], b"Subject", b"Author", b"Keywords"] {
            let raw = info.get(key).unwrap().as_str().unwrap();
            assert_eq!(
                lopdf::decode_text_string(info.get(key).unwrap()).unwrap(),
                *value,
                "{value}: {raw:?}"
            );
        }
    }
}
