//! Every value that reaches the PDF's metadata is escaped: hostile text in
//! the title, subtitle, publisher and keywords, in the print, screen and
//! archive profiles, reads back as typed from the Info dictionary and from
//! the XMP packet (which must parse as XML), `qpdf --check` passes, and the
//! PDF/X and PDF/A claims stay.

mod common;

use common::*;
use lopdf::Document;

const DC: &str = "http://purl.org/dc/elements/1.1/";
const PDF: &str = "http://ns.adobe.com/pdf/1.3/";
const PDFXID: &str = "http://www.npes.org/pdfx/ns/id/";
const PDFAID: &str = "http://www.aiim.org/pdfa/ns/id/";

/// Markup, entities, CDATA ends, quotes, a closing `rdf:li`, an XMP packet
/// trailer, PDF string delimiters, control characters and characters
/// outside the Basic Multilingual Plane, all at once.
const HOSTILE: &str = "<b>x</b> & &amp; ]]> \"double\" 'single' </rdf:li></rdf:Alt></dc:title> \
<?xpacket end=\"w\"?> (unbalanced \\ brackets)) \u{1}bell\u{7}\ttab\nline\r\u{1b}esc 𝕏 😀 Қазақстан";

/// A template that carries the values into the metadata and prints only a
/// headline, so that long values cannot overflow the page.
const TEMPLATE: &str = r#"<document title="{{briefing.title}}" lang="{{briefing.lang}}" author="{{profile.publisher}}" subject="{{briefing.subtitle}}" keywords="{{briefing.keywords}}">
  <master name="a5" size="A5" margin="12mm" bleed="3mm"/>
  <page master="a5">
    <frame name="text" flow="story" x="12mm" y="12mm" width="124mm" height="150mm"/>
  </page>
  <flow name="story"><p>{{values.headline}}</p></flow>
</document>
"#;

/// What the metadata holds for `typed`: tabs and line breaks become
/// spaces, other control characters go (docs/briefing.md).
fn expected(typed: &str) -> String {
    typed
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// A YAML double-quoted scalar holding `text` exactly.
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

struct Values {
    title: String,
    subtitle: String,
    publisher: String,
    keywords: Vec<String>,
}

/// Builds a briefing with `values` in `profile` and returns the PDF.
fn build(name: &str, profile: &str, values: &Values) -> (std::path::PathBuf, Document) {
    let dir = project(name);
    let profile_yaml = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile_yaml).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("publisher:") {
                format!("publisher: {}", yaml(&values.publisher))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&profile_yaml, text).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/t.hbs"), TEMPLATE).unwrap();
    let keywords: Vec<String> = values.keywords.iter().map(|k| yaml(k)).collect();
    let briefing = format!(
        "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nlang: kk-Cyrl-KZ\n\
         title: {}\nsubtitle: {}\nkeywords: [{}]\nsections: [demands]\nvalues:\n  headline: Free them\n",
        yaml(&values.title),
        yaml(&values.subtitle),
        keywords.join(", ")
    );
    std::fs::write(dir.join("briefings/b.yaml"), briefing).unwrap();
    let out = handbill(
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
    assert!(out.status.success(), "{profile}: {}", stderr(&out));
    let path = dir.join("out/b.pdf");
    let doc = Document::load(&path).expect("lopdf reads the PDF");
    (path, doc)
}

fn info_text(doc: &Document, key: &[u8]) -> String {
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(id).unwrap();
    lopdf::decode_text_string(info.get(key).unwrap()).unwrap()
}

fn xmp_packet(doc: &Document) -> String {
    let id = doc
        .catalog()
        .unwrap()
        .get(b"Metadata")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    let data = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(data).expect("the XMP is UTF-8")
}

/// The texts of the `rdf:li` items of the XMP property `ns:name`.
fn xmp_items(xml: &roxmltree::Document, ns: &str, name: &str) -> Vec<String> {
    xml.descendants()
        .filter(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name)
        .flat_map(|n| n.descendants().filter(|d| d.tag_name().name() == "li"))
        .map(|li| li.text().unwrap_or("").to_string())
        .collect()
}

/// The value of the simple XMP property `ns:name`, as attribute or element.
fn xmp_simple(xml: &roxmltree::Document, ns: &str, name: &str) -> Vec<String> {
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

fn check(name: &str, values: &Values) {
    for profile in ["print", "screen", "archive"] {
        let (path, doc) = build(&format!("{name}-{profile}"), profile, values);
        qpdf_check(&path);
        let title = expected(&values.title);
        let subtitle = expected(&values.subtitle);
        let publisher = expected(&values.publisher);
        let keywords = values
            .keywords
            .iter()
            .map(|k| expected(k).trim().to_string())
            .collect::<Vec<_>>()
            .join(", ");

        assert_eq!(info_text(&doc, b"Title"), title, "{profile}");
        assert_eq!(info_text(&doc, b"Subject"), subtitle, "{profile}");
        assert_eq!(info_text(&doc, b"Author"), publisher, "{profile}");
        assert_eq!(info_text(&doc, b"Keywords"), keywords, "{profile}");
        let lang = doc.catalog().unwrap().get(b"Lang").unwrap();
        assert_eq!(lopdf::decode_text_string(lang).unwrap(), "kk-Cyrl-KZ");

        let packet = xmp_packet(&doc);
        let xml = roxmltree::Document::parse(&packet)
            .unwrap_or_else(|e| panic!("{profile}: the XMP is not well-formed: {e}"));
        assert_eq!(xmp_items(&xml, DC, "title"), [title], "{profile}");
        assert_eq!(xmp_items(&xml, DC, "description"), [subtitle], "{profile}");
        assert_eq!(xmp_items(&xml, DC, "creator"), [publisher], "{profile}");
        assert_eq!(xmp_items(&xml, DC, "language"), ["kk-Cyrl-KZ"], "{profile}");
        assert_eq!(xmp_simple(&xml, PDF, "Keywords"), [keywords], "{profile}");
        // Nothing in the values made an element of its own.
        assert!(!xml.descendants().any(|n| n.tag_name().name() == "b"));

        match profile {
            "print" => {
                assert_eq!(info_text(&doc, b"GTS_PDFXVersion"), "PDF/X-4");
                assert_eq!(xmp_simple(&xml, PDFXID, "GTS_PDFXVersion"), ["PDF/X-4"]);
                let intents = doc.catalog().unwrap().get(b"OutputIntents").unwrap();
                assert_eq!(intents.as_array().unwrap().len(), 1);
            }
            "archive" => {
                assert_eq!(xmp_simple(&xml, PDFAID, "part"), ["2"]);
                assert_eq!(xmp_simple(&xml, PDFAID, "conformance"), ["U"]);
            }
            _ => assert!(!packet.contains(PDFXID) && !packet.contains(PDFAID)),
        }
    }
}

#[test]
fn hostile_text_in_every_field_reads_back_as_typed() {
    check(
        "metadata-hostile",
        &Values {
            title: format!("T {HOSTILE}"),
            subtitle: format!("S {HOSTILE}"),
            publisher: format!("A {HOSTILE}"),
            keywords: vec![format!("K {HOSTILE}"), "second".into()],
        },
    );
}

#[test]
fn long_values_read_back_as_typed() {
    // 13,500 UTF-16 units each: under the 16,000 the metadata holds.
    let long = "Қ<&>]]>😀".repeat(1_500);
    check(
        "metadata-long",
        &Values {
            title: long.clone(),
            subtitle: long.clone(),
            publisher: long.clone(),
            keywords: vec!["Қ<&>]]>😀".repeat(1_400)],
        },
    );
}

/// A template may write characters the briefing's escaping would have
/// dropped, as character references: the Info dictionary and the XMP still
/// say the same (PDF/A asks it), with spaces for tabs and line breaks.
#[test]
fn control_characters_from_a_template_are_cleaned_too() {
    for profile in ["print", "archive"] {
        let dir = project(&format!("metadata-refs-{profile}"));
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        let template = TEMPLATE.replace(
            r#"title="{{briefing.title}}""#,
            r#"title="T&#9;a&#13;b&#10;c&#x85;d""#,
        );
        std::fs::write(dir.join("templates/t.hbs"), template).unwrap();
        std::fs::write(
            dir.join("briefings/b.yaml"),
            "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\n\
             sections: [demands]\nvalues:\n  headline: Free them\n",
        )
        .unwrap();
        let out = handbill(
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
        assert!(out.status.success(), "{profile}: {}", stderr(&out));
        let path = dir.join("out/b.pdf");
        qpdf_check(&path);
        let doc = Document::load(&path).unwrap();
        assert_eq!(info_text(&doc, b"Title"), "T a b cd");
        let packet = xmp_packet(&doc);
        let xml = roxmltree::Document::parse(&packet).unwrap();
        assert_eq!(xmp_items(&xml, DC, "title"), ["T a b cd"]);
    }
}
