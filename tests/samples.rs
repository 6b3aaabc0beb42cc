//! Builds the two sample briefings with the handbill binary and reads the
//! PDFs back: pages, sizes, fonts, and the text of every section.

mod common;

use common::*;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The samples, built once for all tests here.
fn built() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = scratch("samples");
        let o = handbill(&repo(), &["build", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "build failed:\n{}", stderr(&o));
        out
    })
}

fn sections() -> Vec<PathBuf> {
    let dir = repo().join("briefings/profiles/kazakhstan");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().unwrap().to_string_lossy().as_bytes()[0].is_ascii_digit()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_leaflet_is_two_a5_pages() {
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    assert_eq!(pdf.page_count(), 2);
    for page in 0..2 {
        let (w, h) = pdf.page_size_mm(page);
        assert!(
            (w - 148.0).abs() < 0.1 && (h - 210.0).abs() < 0.1,
            "page {page} is {w}×{h} mm"
        );
    }
}

#[test]
fn the_pack_is_a4_with_every_section_in_order() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    assert!(pdf.page_count() >= 4, "{} pages", pdf.page_count());
    for page in 0..pdf.page_count() {
        let (w, h) = pdf.page_size_mm(page);
        assert!(
            (w - 210.0).abs() < 0.1 && (h - 297.0).abs() < 0.1,
            "page {page} is {w}×{h} mm"
        );
    }
    // Skip the cover and contents, which repeat the titles.
    let pages: Vec<u32> = (3..=pdf.page_count() as u32).collect();
    let hay = words(&pdf.text_of(&pages));
    let mut at = 0;
    for file in sections() {
        let (title, body) = section_text(&file);
        at = find_in_order(&hay, &words(&title), at, 0)
            .unwrap_or_else(|e| panic!("title of {}: {e}", file.display()));
        // Footnotes, a running header and footer may come between the words
        // of a paragraph that crosses a page.
        at = find_in_order(&hay, &words(&body), at, 150)
            .unwrap_or_else(|e| panic!("text of {}: {e}", file.display()));
    }
}

#[test]
fn the_leaflet_has_its_sections_and_the_protest() {
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    let hay = words(&pdf.text());
    let mut at = 0;
    for id in [
        "overview",
        "oil-workers-strike",
        "roza-tuletaeva",
        "vadim-kuramshin",
        "demands",
    ] {
        let file = sections()
            .into_iter()
            .find(|p| p.to_string_lossy().contains(id))
            .unwrap();
        let (title, body) = section_text(&file);
        at = find_in_order(&hay, &words(&title), at, 0).unwrap_or_else(|e| panic!("{id}: {e}"));
        at = find_in_order(&hay, &words(&body), at, 0).unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    for needle in [
        "Stop the repression in Kazakhstan",
        "Embassy of the Republic of Kazakhstan",
        "125 Pall Mall, London SW1Y 5EA",
    ] {
        find_in_order(&hay, &words(needle), 0, 0).unwrap_or_else(|e| panic!("{needle}: {e}"));
    }
}

#[test]
fn every_font_is_embedded_and_subset() {
    for name in ["london-protest-leaflet.pdf", "legal-delegation-pack.pdf"] {
        let pdf = Pdf::open(&built().join(name));
        let fonts = pdf.fonts();
        assert!(!fonts.is_empty(), "{name} has no fonts");
        for (base, embedded, subtype) in fonts {
            assert!(embedded, "{name}: {base} is not embedded");
            assert_ne!(subtype, "Type3", "{name}: {base} is a Type 3 font");
            let (tag, rest) = base
                .split_once('+')
                .unwrap_or_else(|| panic!("{name}: {base} is not a subset"));
            assert!(
                tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
                "{name}: {base}"
            );
            assert!(rest.starts_with("Noto"), "{name}: {base}");
        }
    }
}

#[test]
fn the_leaflet_stays_small() {
    let size = std::fs::metadata(built().join("london-protest-leaflet.pdf"))
        .unwrap()
        .len();
    // The picture is most of it; fonts are subset to the glyphs used.
    assert!(size < 250_000, "{size} bytes");
}

#[test]
fn the_pack_has_bookmarks_and_contents_links() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    let catalog = pdf.doc.catalog().unwrap();
    let outlines = catalog.get(b"Outlines").expect("an outline");
    let outlines = pdf
        .doc
        .get_dictionary(outlines.as_reference().unwrap())
        .unwrap();
    let count = outlines
        .get(b"Count")
        .map(|c| c.as_i64().unwrap().abs())
        .unwrap_or(0);
    assert!(count as usize >= sections().len(), "{count} bookmarks");
    // The contents page links each entry to its page.
    let contents = pdf.doc.get_pages()[&2];
    let annots = pdf.doc.get_page_annotations(contents).unwrap();
    assert!(
        annots.len() >= sections().len(),
        "{} links on the contents page",
        annots.len()
    );
}

#[test]
fn building_twice_gives_identical_bytes() {
    let again = scratch("samples-again");
    let o = handbill(&repo(), &["build", "--out", again.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["london-protest-leaflet.pdf", "legal-delegation-pack.pdf"] {
        let a = std::fs::read(built().join(name)).unwrap();
        let b = std::fs::read(again.join(name)).unwrap();
        assert!(a == b, "{name} differs between two builds");
    }
}

#[test]
fn kazakh_letters_survive_extraction() {
    let dir = project("kazakh");
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-kazakh.md"),
        "---\nid: kazakh\ntitle: Қазақстан\n---\nӘділет, ғасыр, қала, аңыз, өмір, ұлт, үміт, һәм, ілім. Жаңаөзен.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/k.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [kazakh]\n",
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/k.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = Pdf::open(&dir.join("out/k.pdf")).text();
    for word in [
        "Қазақстан",
        "Әділет",
        "ғасыр",
        "қала",
        "аңыз",
        "өмір",
        "ұлт",
        "үміт",
        "һәм",
        "ілім",
        "Жаңаөзен",
    ] {
        assert!(text.contains(word), "`{word}` is not in the extracted text");
    }
}
