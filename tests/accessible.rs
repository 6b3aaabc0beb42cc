//! The screen and archive copies are accessible PDFs (PDF/UA-1): the sample
//! pack and leaflet, read back, say so in their XMP and carry what a screen
//! reader needs (a marked, tagged file with its language and a title shown
//! in the window); an encrypted screen copy keeps the claim as PDF 1.7; a
//! picture with no description or a character no font has stops a screen
//! build with a located message, while the print copy still builds.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use lopdf::{Document, Object};

const PDFUAID: &str = "http://www.aiim.org/pdfua/ns/id/";

/// The XMP packet of `doc`'s catalog, as text.
fn xmp_packet(doc: &Document) -> String {
    let id = doc
        .catalog()
        .unwrap()
        .get(b"Metadata")
        .expect("the catalog has /Metadata")
        .as_reference()
        .unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    let data = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(data).expect("the XMP is UTF-8")
}

/// The values of the XMP property `pdfuaid:part`, as element or attribute.
fn ua_parts(doc: &Document) -> Vec<String> {
    let packet = xmp_packet(doc);
    let xml = roxmltree::Document::parse(&packet).expect("the XMP is well-formed");
    let mut parts = Vec::new();
    for node in xml.descendants().filter(|n| n.is_element()) {
        if let Some(v) = node.attribute((PDFUAID, "part")) {
            parts.push(v.to_string());
        }
        if node.tag_name().namespace() == Some(PDFUAID) && node.tag_name().name() == "part" {
            parts.push(node.text().unwrap_or("").to_string());
        }
    }
    parts
}

/// `key` of `dict`, followed if it is a reference.
fn entry<'a>(doc: &'a Document, dict: &'a lopdf::Dictionary, key: &[u8]) -> Option<&'a Object> {
    let value = dict.get(key).ok()?;
    match value {
        Object::Reference(id) => doc.get_object(*id).ok(),
        v => Some(v),
    }
}

/// Everything PDF/UA-1 asks of the catalog and the XMP that a reader can
/// check from outside.
fn assert_claims_ua(doc: &Document, what: &str) {
    assert_eq!(ua_parts(doc), ["1"], "{what}: pdfuaid:part");
    let catalog = doc.catalog().unwrap();
    let mark_info = entry(doc, catalog, b"MarkInfo")
        .and_then(|m| m.as_dict().ok())
        .unwrap_or_else(|| panic!("{what}: no /MarkInfo"));
    assert_eq!(
        mark_info.get(b"Marked").and_then(Object::as_bool).ok(),
        Some(true),
        "{what}: /MarkInfo /Marked"
    );
    // PDF/UA-1 forbids Suspects true (poppler warns of any Suspects that is
    // not true, wrongly: ISO 32000 makes it a boolean, false by default).
    assert_ne!(
        mark_info.get(b"Suspects").and_then(Object::as_bool).ok(),
        Some(true),
        "{what}: /Suspects"
    );
    let prefs = entry(doc, catalog, b"ViewerPreferences")
        .and_then(|m| m.as_dict().ok())
        .unwrap_or_else(|| panic!("{what}: no /ViewerPreferences"));
    assert_eq!(
        prefs.get(b"DisplayDocTitle").and_then(Object::as_bool).ok(),
        Some(true),
        "{what}: DisplayDocTitle"
    );
    assert!(
        catalog.get(b"StructTreeRoot").is_ok(),
        "{what}: no structure tree"
    );
    let lang = entry(doc, catalog, b"Lang").unwrap_or_else(|| panic!("{what}: no /Lang"));
    let lang = lopdf::decode_text_string(lang).unwrap();
    assert!(!lang.is_empty(), "{what}: an empty /Lang");
    assert!(
        doc.trailer
            .get(b"Info")
            .ok()
            .and_then(|i| i.as_reference().ok())
            .and_then(|id| doc.get_dictionary(id).ok())
            .is_some_and(|info| info.get(b"Title").is_ok()),
        "{what}: no title"
    );
}

#[test]
fn the_screen_and_archive_samples_claim_pdf_ua_1() {
    let briefings = [
        "briefings/london-protest-leaflet.yaml",
        "briefings/legal-delegation-pack.yaml",
    ];
    for profile in ["screen", "archive"] {
        let out = build_samples(&format!("ua-{profile}"), profile, &briefings);
        for briefing in briefings {
            let name = Path::new(briefing).file_stem().unwrap().to_string_lossy();
            let pdf = Pdf::open(&out.join(format!("{name}.pdf")));
            assert!(pdf.bytes.starts_with(b"%PDF-1.7"), "{profile} {name}");
            assert_claims_ua(&pdf.doc, &format!("{profile} {name}"));
        }
    }
    // The print copy is PDF/X-4 and claims nothing more.
    let out = build_samples("ua-print", "print", &briefings[..1]);
    let pdf = Pdf::open(&out.join("london-protest-leaflet.pdf"));
    assert!(ua_parts(&pdf.doc).is_empty(), "print claims PDF/UA");
}

#[test]
fn an_encrypted_screen_pack_keeps_the_claim() {
    let dir = project("ua-locked");
    std::fs::write(
        dir.join("briefings/locked.yaml"),
        "title: Briefing for the delegation\nprofile: kazakhstan\ntemplate: briefing-pack\n\
         audience: delegation\nsections: all\nencrypt: true\n\
         recipients: briefings/delegates.csv\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/delegates.csv"),
        "name,role,password\nAna Ruiz,Counsel,correct horse battery\n",
    )
    .unwrap();
    let o = handbill(
        &dir,
        &[
            "build",
            "briefings/locked.yaml",
            "--profile",
            "screen",
            "--out",
            "out",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let locked = dir.join("out/locked-ana-ruiz.pdf");
    assert!(std::fs::read(&locked).unwrap().starts_with(b"%PDF-1.7"));
    let open = dir.join("out/open.pdf");
    let qpdf = Command::new("qpdf")
        .args(["--decrypt", "--password=correct horse battery"])
        .arg(&locked)
        .arg(&open)
        .output()
        .expect("qpdf runs");
    assert!(qpdf.status.success(), "{qpdf:?}");
    assert_claims_ua(&Pdf::open(&open).doc, "encrypted screen pack");
}

/// A scratch project whose picture `london-2013` has neither `alt:` nor a
/// caption, shown on an A5 leaflet `briefings/b.yaml`.
fn undescribed_picture() -> std::path::PathBuf {
    let dir = project("ua-no-alt");
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let start = text.find("  london-2013:").unwrap();
    let alt = start + text[start..].find("    alt:").unwrap();
    let end = alt + text[alt..].find('\n').unwrap();
    let text = format!(
        "{}  london-2013:\n    file: assets/london-2013-placeholder.jpg\n    caption: \"\"{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&profile, text).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "title: Free them\nprofile: kazakhstan\ntemplate: leaflet-a5\naudience: public\n\
         sections: [overview]\nvalues:\n  headline: Free them\n  image: london-2013\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_picture_without_description_stops_the_screen_copy_only() {
    let dir = undescribed_picture();
    for profile in ["screen", "archive"] {
        let o = handbill(
            &dir,
            &[
                "build",
                "briefings/b.yaml",
                "--profile",
                profile,
                "--out",
                "out",
            ],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{profile}: {err}");
        assert!(err.contains("picture `london-2013`"), "{err}");
        assert!(err.contains("add `alt:`"), "{err}");
        assert!(err.contains("profile.yaml:30:3"), "{err}");
        assert!(
            !dir.join("out/b.pdf").exists(),
            "{profile}: a PDF was written"
        );
    }
    let pdf = build_pdf(&dir, "briefings/b.yaml");
    assert!(pdf.page_count() > 0);
}

#[test]
fn a_character_no_font_has_stops_the_screen_copy_and_warns_in_print() {
    let briefing = one_section_pack(
        "ua-missing-glyph",
        "Hieroglyphs \u{13000} in a paragraph.",
        None,
        "",
    );
    let dir = briefing.parent().unwrap().parent().unwrap();
    let o = handbill(
        dir,
        &[
            "build",
            "briefings/b.yaml",
            "--profile",
            "screen",
            "--out",
            "out",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("U+13000") && err.contains("01-overview.md:"),
        "{err}"
    );
    assert!(err.contains("add a font"), "{err}");
    assert!(!dir.join("out/b.pdf").exists());
    let o = handbill(dir, &["build", "briefings/b.yaml", "--out", "out"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning") && err.contains("U+13000"), "{err}");
}
