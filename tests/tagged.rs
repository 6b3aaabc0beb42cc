//! The PDFs are tagged: builds the sample briefings with the handbill binary
//! and reads the structure tree back, as a screen reader would, comparing it
//! with the pack's outline, the profile's sections and the page content.

mod common;

use common::*;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The sample briefings, built once for each profile.
fn built(profile: &str) -> PathBuf {
    static OUT: OnceLock<BTreeMap<&'static str, PathBuf>> = OnceLock::new();
    OUT.get_or_init(|| {
        let mut dirs = BTreeMap::new();
        for profile in ["print", "screen", "archive"] {
            let out = build_samples(
                &format!("tagged-{profile}"),
                profile,
                &[
                    "briefings/legal-delegation-pack.yaml",
                    "briefings/london-protest-leaflet.yaml",
                ],
            );
            dirs.insert(profile, out);
        }
        dirs
    })[profile]
        .clone()
}

fn pack(profile: &str) -> Pdf {
    Pdf::open(&built(profile).join("legal-delegation-pack.pdf"))
}

fn leaflet(profile: &str) -> Pdf {
    Pdf::open(&built(profile).join("london-protest-leaflet.pdf"))
}

/// A structure element, read back: its type, its attributes, the text of
/// its own marked content and of everything inside it.
#[derive(Debug)]
struct Elem {
    role: String,
    depth: usize,
    title: Option<String>,
    alt: Option<String>,
    text: String,
    /// Links inside: object references to annotations.
    annotations: usize,
}

/// The text shown on one page, by marked-content id; and the text drawn as
/// artifacts.
struct PageText {
    marked: BTreeMap<i64, String>,
    artifacts: String,
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    }
}

/// A PDF text string: UTF-16BE after a byte-order mark, else (near
/// enough for these tests) Latin-1.
fn text_string(o: &Object) -> String {
    match o {
        Object::String(bytes, _) => match bytes.strip_prefix(&[0xfe, 0xff]) {
            Some(utf16) => {
                let units: Vec<u16> = utf16
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
            None => bytes.iter().map(|&b| char::from(b)).collect(),
        },
        _ => String::new(),
    }
}

fn catalog(doc: &Document) -> &Dictionary {
    let root = doc.trailer.get(b"Root").unwrap();
    resolve(doc, root).as_dict().unwrap()
}

/// Splits a page's text into its marked-content sections.
fn page_text(doc: &Document, page: ObjectId) -> PageText {
    let encodings: BTreeMap<Vec<u8>, lopdf::Encoding> = doc
        .get_page_fonts(page)
        .unwrap()
        .into_iter()
        .map(|(name, font)| (name, font.get_font_encoding(doc).unwrap()))
        .collect();
    let content = Content::decode(&doc.get_page_content(page)).unwrap();
    let mut out = PageText {
        marked: BTreeMap::new(),
        artifacts: String::new(),
    };
    // What each open section is: Some(mcid), or None for an artifact.
    let mut open: Vec<Option<Option<i64>>> = Vec::new();
    let mut encoding = None;
    for op in &content.operations {
        match op.operator.as_str() {
            "BMC" | "BDC" => {
                let tag = op.operands[0].as_name().unwrap();
                let mcid = op
                    .operands
                    .get(1)
                    .and_then(|p| p.as_dict().ok())
                    .and_then(|d| d.get(b"MCID").ok())
                    .and_then(|m| m.as_i64().ok());
                open.push(if tag == b"Artifact" {
                    Some(None)
                } else {
                    mcid.map(Some)
                });
            }
            "EMC" => {
                open.pop();
            }
            "Tf" => encoding = encodings.get(op.operands[0].as_name().unwrap()),
            "Tj" | "TJ" => {
                let mut shown = String::new();
                let strings: Vec<&Object> = match &op.operands[0] {
                    Object::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for s in strings {
                    if let (Object::String(bytes, _), Some(enc)) = (s, encoding) {
                        shown.push_str(&Document::decode_text(enc, bytes).unwrap());
                    }
                }
                match open.last() {
                    Some(Some(Some(mcid))) => {
                        out.marked.entry(*mcid).or_default().push_str(&shown);
                        out.marked.entry(*mcid).or_default().push(' ');
                    }
                    Some(Some(None)) => {
                        out.artifacts.push_str(&shown);
                        out.artifacts.push(' ');
                    }
                    _ => panic!("text outside any marked content: {shown:?}"),
                }
            }
            _ => {}
        }
    }
    out
}

/// The structure tree in reading order (depth first).
fn structure(pdf: &Pdf) -> Vec<Elem> {
    let doc = &pdf.doc;
    let pages: BTreeMap<ObjectId, PageText> = doc
        .get_pages()
        .values()
        .map(|id| (*id, page_text(doc, *id)))
        .collect();
    let root = resolve(
        doc,
        catalog(doc)
            .get(b"StructTreeRoot")
            .expect("a StructTreeRoot"),
    )
    .as_dict()
    .unwrap();
    let mut out = Vec::new();
    walk(doc, &pages, root.get(b"K").unwrap(), None, 0, &mut out);
    out
}

/// Reads a kid of a structure element; returns the text it holds.
fn walk(
    doc: &Document,
    pages: &BTreeMap<ObjectId, PageText>,
    kid: &Object,
    page: Option<ObjectId>,
    depth: usize,
    out: &mut Vec<Elem>,
) -> String {
    match resolve(doc, kid) {
        Object::Array(kids) => kids
            .iter()
            .map(|k| walk(doc, pages, k, page, depth, out))
            .collect(),
        Object::Integer(mcid) => pages[&page.expect("a /Pg for a bare MCID")]
            .marked
            .get(mcid)
            .cloned()
            .unwrap_or_default(),
        Object::Dictionary(d) => {
            let pg = d.get(b"Pg").ok().and_then(|p| p.as_reference().ok());
            match d.get(b"Type").ok().and_then(|t| t.as_name().ok()) {
                Some(b"MCR") => {
                    let mcid = d.get(b"MCID").unwrap().as_i64().unwrap();
                    return walk(doc, pages, &Object::Integer(mcid), pg.or(page), depth, out);
                }
                Some(b"OBJR") => {
                    if let Some(last) = out.last_mut() {
                        last.annotations += 1;
                    }
                    return String::new();
                }
                _ => {}
            }
            let role =
                String::from_utf8_lossy(d.get(b"S").unwrap().as_name().unwrap()).into_owned();
            let at = out.len();
            out.push(Elem {
                role,
                depth,
                title: d.get(b"T").ok().map(text_string),
                alt: d.get(b"Alt").ok().map(text_string),
                text: String::new(),
                annotations: 0,
            });
            let text = match d.get(b"K") {
                Ok(k) => walk(doc, pages, k, pg.or(page), depth + 1, out),
                Err(_) => String::new(),
            };
            out[at].text = squash(&text);
            text
        }
        _ => String::new(),
    }
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The PDF outline: (depth, title), in order.
fn outline(pdf: &Pdf) -> Vec<(usize, String)> {
    fn items(doc: &Document, first: Option<&Object>, depth: usize, out: &mut Vec<(usize, String)>) {
        let mut next = first.map(|o| resolve(doc, o));
        while let Some(Object::Dictionary(d)) = next {
            out.push((depth, text_string(d.get(b"Title").unwrap())));
            items(doc, d.get(b"First").ok(), depth + 1, out);
            next = d.get(b"Next").ok().map(|o| resolve(doc, o));
        }
    }
    let doc = &pdf.doc;
    let outlines = resolve(doc, catalog(doc).get(b"Outlines").unwrap())
        .as_dict()
        .unwrap();
    let mut out = Vec::new();
    items(doc, outlines.get(b"First").ok(), 1, &mut out);
    out
}

fn heading_level(role: &str) -> Option<usize> {
    role.strip_prefix('H')?.parse().ok()
}

#[test]
fn every_profile_is_tagged_in_the_documents_language() {
    for profile in ["print", "screen", "archive"] {
        for pdf in [pack(profile), leaflet(profile)] {
            let cat = catalog(&pdf.doc);
            let mark_info = resolve(&pdf.doc, cat.get(b"MarkInfo").expect("MarkInfo"))
                .as_dict()
                .unwrap();
            assert!(
                mark_info.get(b"Marked").unwrap().as_bool().unwrap(),
                "{profile}: /Marked is not true"
            );
            assert_eq!(
                text_string(cat.get(b"Lang").expect("Lang")),
                "en",
                "{profile}"
            );
            let tree = structure(&pdf);
            assert!(
                tree.iter().any(|e| e.role == "P"),
                "{profile}: no paragraphs"
            );
        }
    }
}

#[test]
fn the_packs_headings_are_its_outline_in_order_at_their_levels() {
    let pdf = pack("print");
    let tree = structure(&pdf);
    let headings: Vec<(usize, String, String)> = tree
        .iter()
        .filter_map(|e| {
            let level = heading_level(&e.role)?;
            Some((level, e.title.clone().unwrap_or_default(), e.text.clone()))
        })
        .collect();
    assert!(!headings.is_empty());
    // Each heading's title is the text it shows.
    for (level, title, text) in &headings {
        assert!((1..=6).contains(level));
        assert_eq!(squash(title), *text, "a heading's /T and its text differ");
    }
    // Every heading the outline lists, in its order and at its depth.
    let listed: Vec<(usize, String)> = outline(&pdf);
    let in_tree: Vec<(usize, String)> = headings
        .iter()
        .filter(|(level, _, _)| *level <= 2)
        .map(|(level, title, _)| (*level, squash(title)))
        .collect();
    assert_eq!(
        in_tree,
        listed
            .iter()
            .map(|(d, t)| (*d, squash(t)))
            .collect::<Vec<_>>()
    );
    // And every section of the profile is a level-1 heading, in order.
    let h1: Vec<&String> = headings
        .iter()
        .filter(|(level, _, _)| *level == 1)
        .map(|(_, _, text)| text)
        .collect();
    let mut at = 0;
    for file in profile_sections() {
        let (title, _) = section_text(&file);
        let found = h1[at..]
            .iter()
            .position(|t| t.ends_with(&squash(&title)))
            .unwrap_or_else(|| panic!("no H1 for “{title}” in {h1:?}"));
        at += found + 1;
    }
}

#[test]
fn footnotes_are_notes_beside_their_paragraphs() {
    let tree = structure(&pack("print"));
    let notes: Vec<&Elem> = tree.iter().filter(|e| e.role == "Note").collect();
    assert!(!notes.is_empty(), "no Note elements");
    for (n, note) in notes.iter().enumerate() {
        // The note's number, then its text.
        let number = (n + 1).to_string();
        assert!(
            note.text.starts_with(&number) && note.text.len() > number.len() + 3,
            "note {number}: {:?}",
            note.text
        );
    }
    // Each note comes after the paragraph whose mark calls it.
    for (i, e) in tree.iter().enumerate() {
        if e.role == "Note" {
            let before = tree[..i].iter().rev().find(|b| b.depth == e.depth).unwrap();
            assert!(
                ["P", "Note"].contains(&before.role.as_str()),
                "a Note after {}",
                before.role
            );
        }
    }
}

#[test]
fn running_heads_are_artifacts_outside_the_tree() {
    let pdf = pack("print");
    let tree = structure(&pdf);
    let total = pdf.page_count();
    let footer = |n: usize| format!("Page {n} of {total}");
    let header = "Kazakhstan briefing";
    let body: Vec<(u32, ObjectId)> = pdf.doc.get_pages().into_iter().skip(1).collect();
    for (n, id) in &body {
        let artifacts = squash(&page_text(&pdf.doc, *id).artifacts);
        assert!(
            artifacts.contains(&footer(*n as usize)),
            "page {n}: {artifacts}"
        );
        assert!(artifacts.contains(header), "page {n}: {artifacts}");
    }
    for e in &tree {
        assert!(
            !e.text.contains(&format!(" of {total}")) && !e.text.contains(header),
            "{} holds the running head: {}",
            e.role,
            e.text
        );
    }
    // What the tree holds is the text of the document.
    let all = tree
        .iter()
        .filter(|e| e.depth == 1)
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // (Paragraph numbers come between, read as each paragraph's first word.)
    let (title, body) = section_text(&profile_sections()[0]);
    find_in_order(&words(&all), &words(&format!("{title} {body}")), 0, 2)
        .unwrap_or_else(|e| panic!("the first section in the tree: {e}"));
}

#[test]
fn the_contents_and_links_are_tagged() {
    let tree = structure(&pack("screen"));
    let toc = tree.iter().position(|e| e.role == "TOC").expect("a TOC");
    let entries: Vec<&Elem> = tree[toc + 1..]
        .iter()
        .take_while(|e| e.depth > tree[toc].depth)
        .filter(|e| e.role == "TOCI")
        .collect();
    let h1 = tree.iter().filter(|e| e.role == "H1").count();
    assert_eq!(entries.len(), h1, "one contents entry per section");
    let links: Vec<&Elem> = tree.iter().filter(|e| e.role == "Link").collect();
    assert!(links.len() >= entries.len());
    assert!(links.iter().all(|l| l.annotations == 1));
}

#[test]
fn the_leaflet_picture_is_a_figure_described_by_the_profile() {
    let tree = structure(&leaflet("screen"));
    let profile =
        std::fs::read_to_string(repo().join("briefings/profiles/kazakhstan/profile.yaml")).unwrap();
    let figures: Vec<&Elem> = tree.iter().filter(|e| e.role == "Figure").collect();
    let picture = figures
        .iter()
        .find(|f| {
            f.alt
                .as_deref()
                .is_some_and(|a| a.starts_with("Placeholder drawing"))
        })
        .unwrap_or_else(|| panic!("no Figure with the profile's alt text: {figures:?}"));
    assert!(profile.contains(picture.alt.as_deref().unwrap()));
    // Its caption follows it.
    let at = tree.iter().position(|e| std::ptr::eq(e, *picture)).unwrap();
    assert_eq!(tree[at + 1].role, "Caption");
    assert!(
        tree[at + 1].text.contains("London 2013"),
        "{}",
        tree[at + 1].text
    );
    // The QR code says where it leads.
    assert!(
        figures.iter().any(|f| f
            .alt
            .as_deref()
            .is_some_and(|a| a.starts_with("QR code: http"))),
        "{figures:?}"
    );
    // The box with the protest's time and place is a group of paragraphs.
    assert!(tree.iter().any(|e| e.role == "Div"));
}

#[test]
fn a_briefings_logo_is_a_figure_at_the_top_of_the_cover() {
    let dir = project("logo");
    // Any PNG of the project will do as a logo.
    std::fs::copy(
        dir.join("assets/london-2013-placeholder.png"),
        dir.join("assets/society-logo.png"),
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview]\nlogo: assets/society-logo.png\nlogo_alt: The society's initials\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/plain.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview]\n",
    )
    .unwrap();
    let o = handbill(&dir, &["build", "--profile", "screen"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let images_on_cover = |pdf: &Pdf| {
        let cover = pdf.doc.get_pages()[&1];
        let (own, inherited) = pdf.doc.get_page_resources(cover).unwrap();
        let mut dicts: Vec<&Dictionary> = own.into_iter().collect();
        dicts.extend(
            inherited
                .iter()
                .filter_map(|r| pdf.doc.get_dictionary(*r).ok()),
        );
        dicts
            .iter()
            .filter_map(|d| d.get(b"XObject").ok())
            .filter_map(|x| resolve(&pdf.doc, x).as_dict().ok())
            .flat_map(|x| x.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>())
            .filter(|o| {
                resolve(&pdf.doc, o).as_stream().is_ok_and(|s| {
                    s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(&b"Image"[..])
                })
            })
            .count()
    };
    let with = Pdf::open(&dir.join("out/b.pdf"));
    assert_eq!(images_on_cover(&with), 1, "the logo is on the cover");
    assert_eq!(images_on_cover(&Pdf::open(&dir.join("out/plain.pdf"))), 0);
    // It is the first thing on the cover, described by `logo_alt`.
    let tree = structure(&with);
    let first = tree
        .iter()
        .find(|e| e.role != "Document" && e.role != "Part" && e.role != "Sect")
        .unwrap();
    assert_eq!(first.role, "Figure", "{tree:?}");
    assert_eq!(first.alt.as_deref(), Some("The society's initials"));
}

#[test]
fn the_tri_fold_is_read_in_its_reading_order_not_its_printing_order() {
    // The outside side is printed first (flap, back, cover), but a screen
    // reader must meet the cover, then the inside, then the flap and back.
    let dir = build_samples("tagged-dl", "screen", &["briefings/london-protest-dl.yaml"]);
    let tree = structure(&Pdf::open(&dir.join("london-protest-dl.pdf")));
    let at = |needle: &str| {
        tree.iter()
            .position(|e| e.role != "Document" && squash(&e.text).contains(&squash(needle)))
            .unwrap_or_else(|| panic!("“{needle}” is not in the structure tree"))
    };
    let order = [
        at("Stop the repression in Kazakhstan"),
        at("Overview"),
        at("Our Demands"),
        at("Saturday 12 December"),
        at("Called by The Haldane Society"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn a_link_over_several_lines_is_one_annotation_a_line() {
    // Each annotation writes its address twice (where it goes, and what a
    // screen reader says): one for each word made a long link's PDF grow
    // with words times address.
    let dir = project("tagged-long-link");
    let address = format!("https://example.org/report?reference={}", "7".repeat(300));
    let words = 240;
    let section = dir.join("briefings/profiles/kazakhstan/01-overview.md");
    let mut text = std::fs::read_to_string(&section).unwrap();
    text.push_str(&format!(
        "\nRead [{}]({address}) before you go.\n",
        "the mission's report ".repeat(words / 3).trim_end()
    ));
    std::fs::write(&section, text).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview]\n",
    )
    .unwrap();
    let o = handbill(&dir, &["build", "--profile", "screen"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = Pdf::open(&dir.join("out/b.pdf"));
    let mut boxes = Vec::new();
    for (_, page) in pdf.doc.get_pages() {
        let page = pdf.doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for a in resolve(&pdf.doc, annots).as_array().unwrap() {
            let a = resolve(&pdf.doc, a).as_dict().unwrap();
            let uri = a
                .get(b"A")
                .ok()
                .and_then(|x| resolve(&pdf.doc, x).as_dict().ok())
                .and_then(|x| x.get(b"URI").ok())
                .and_then(|u| u.as_str().ok());
            if uri == Some(address.as_bytes()) {
                let rect: Vec<f32> = a
                    .get(b"Rect")
                    .and_then(Object::as_array)
                    .unwrap()
                    .iter()
                    .map(|n| n.as_float().unwrap())
                    .collect();
                boxes.push(rect);
            }
        }
    }
    // Some ten words a line of the pack's column: the link runs over many
    // lines, each one box from its first linked word to its last.
    assert!(boxes.len() >= 10, "{} boxes", boxes.len());
    assert!(
        boxes.len() <= words / 6,
        "{} boxes for {words} words",
        boxes.len()
    );
    let widest = boxes.iter().map(|r| r[2] - r[0]).fold(0.0, f32::max);
    let full = boxes.iter().filter(|r| r[2] - r[0] > widest * 0.95).count();
    assert!(
        full >= boxes.len() - 2,
        "the lines the link fills: {boxes:?}"
    );
}
