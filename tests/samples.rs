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

/// The sample leaflet built for screen, once for all tests here.
fn screen_leaflet() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        build_samples(
            "screen",
            "screen",
            &["briefings/london-protest-leaflet.yaml"],
        )
    })
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
    for file in profile_sections() {
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
        let file = profile_sections()
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
    // The picture (a JPEG, embedded as it is) is most of it; the rest —
    // subset fonts, text, the QR code, the colour profile — stays small.
    let picture = std::fs::metadata(repo().join("assets/london-2013-placeholder.jpg"))
        .unwrap()
        .len();
    assert!(
        size < picture + 130_000,
        "{size} bytes with a {picture}-byte picture"
    );
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
    assert!(
        count as usize >= profile_sections().len(),
        "{count} bookmarks"
    );
    // The contents page links each entry to its page.
    let contents = pdf.doc.get_pages()[&2];
    let annots = pdf.doc.get_page_annotations(contents).unwrap();
    assert!(
        annots.len() >= profile_sections().len(),
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

#[test]
fn title_and_language_are_in_the_metadata() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    let catalog = pdf.doc.catalog().unwrap();
    let lang = catalog.get(b"Lang").unwrap().as_str().unwrap();
    assert_eq!(lang, b"en");
    let info = pdf.info();
    let title = lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap();
    assert_eq!(title, "Kazakhstan: Briefing for the Legal Delegation");
    // Nothing about the machine that built it.
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(
        !raw.contains(env!("CARGO_MANIFEST_DIR")),
        "the build folder is in the PDF"
    );
}

/// The colour operators of every page's content: (CMYK ones, RGB ones).
fn colour_operators(pdf: &Pdf) -> (usize, usize) {
    let (mut cmyk, mut rgb) = (0, 0);
    for (_, id) in pdf.doc.get_pages() {
        let content = pdf.doc.get_page_content(id);
        let ops = lopdf::content::Content::decode(&content)
            .unwrap()
            .operations;
        for op in ops {
            match op.operator.as_str() {
                "k" | "K" => cmyk += 1,
                "rg" | "RG" => rgb += 1,
                "sc" | "scn" | "SC" | "SCN" if op.operands.len() == 4 => cmyk += 1,
                "sc" | "scn" | "SC" | "SCN" if op.operands.len() == 3 => rgb += 1,
                _ => {}
            }
        }
    }
    (cmyk, rgb)
}

#[test]
fn print_output_is_cmyk_and_screen_output_is_rgb() {
    let print = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    let (cmyk, rgb) = colour_operators(&print);
    assert!(cmyk > 0 && rgb == 0, "print: {cmyk} CMYK, {rgb} RGB");
    let screen = Pdf::open(&screen_leaflet().join("london-protest-leaflet.pdf"));
    let (cmyk, rgb) = colour_operators(&screen);
    assert!(cmyk == 0 && rgb > 0, "screen: {cmyk} CMYK, {rgb} RGB");
}

#[test]
fn a_briefing_may_bring_its_own_template_and_pick_by_tag() {
    let dir = project("own-template");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/notice.hbs"),
        r#"<document title="{{briefing.title}}" lang="{{briefing.lang}}">
  <master name="a6" size="A6" margin="10mm"/>
  <pages master="a6" flow="main"/>
  <flow name="main">
    <p class="headline">{{values.headline}}</p>
    {{#each sections}}<h1>{{title}}</h1>{{{body_plain}}}{{/each}}
  </flow>
</document>
"#,
    )
    .unwrap();
    let pdf = build_briefing(
        &dir,
        "notice",
        "title: Notice\nprofile: kazakhstan\ntemplate: templates/notice.hbs\naudience: public\nsections:\n  - tag: prisoners\nvalues:\n  headline: Free the prisoners\n",
    );
    let (w, h) = pdf.page_size_mm(0);
    assert!(
        (w - 105.0).abs() < 0.1 && (h - 148.0).abs() < 0.1,
        "{w}×{h}"
    );
    let text = words(&pdf.text());
    find_in_order(&text, &words("Free the prisoners"), 0, 0).unwrap();
    // The sections tagged `prisoners`, in the profile's order.
    let tagged: Vec<(String, String)> = profile_sections()
        .iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| l.starts_with("tags:") && l.contains("prisoners"))
        })
        .map(|p| section_text(p))
        .collect();
    assert!(
        tagged.len() >= 2,
        "the sample profile tags two sections `prisoners`"
    );
    let mut at = 0;
    for (title, _) in &tagged {
        at = find_in_order(&text, &words(title), at, 0).unwrap_or_else(|e| panic!("{title}: {e}"));
    }
}

#[test]
fn no_user_host_or_folder_in_the_pdfs() {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let host = std::fs::read_to_string("/etc/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    let cwd = std::env::current_dir()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    for name in ["london-protest-leaflet.pdf", "legal-delegation-pack.pdf"] {
        let pdf = Pdf::open(&built().join(name));
        let mut all = pdf.bytes.clone();
        for (_, obj) in pdf.doc.objects.iter() {
            if let Ok(s) = obj.as_stream() {
                all.extend(s.decompressed_content().unwrap_or_default());
            }
        }
        let find = |needle: &str| all.windows(needle.len()).any(|w| w == needle.as_bytes());
        for secret in [
            &user,
            &host,
            &cwd,
            &"/work/".to_string(),
            &"/home/".to_string(),
        ] {
            if secret.len() >= 4 {
                assert!(!find(secret), "{name} contains `{secret}`");
            }
        }
    }
}

#[test]
fn the_print_leaflet_has_trim_bleed_and_a_slug_for_marks() {
    let mm = 72.0 / 25.4;
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    for page in 0..pdf.page_count() {
        let trim = pdf.page_box(page, b"TrimBox").expect("a TrimBox");
        let bleed = pdf.page_box(page, b"BleedBox").expect("a BleedBox");
        let media = pdf.page_box(page, b"MediaBox").unwrap();
        let close = |a: f32, b: f32| (a - b).abs() < 0.01;
        assert!(
            close(trim[2] - trim[0], 148.0 * mm) && close(trim[3] - trim[1], 210.0 * mm),
            "trim {trim:?}"
        );
        for i in 0..2 {
            assert!(
                close(trim[i] - bleed[i], 3.0 * mm),
                "bleed {bleed:?} trim {trim:?}"
            );
            assert!(
                close(bleed[i + 2] - trim[i + 2], 3.0 * mm),
                "bleed {bleed:?} trim {trim:?}"
            );
            // Room beyond the bleed for crop marks.
            assert!(
                bleed[i] - media[i] >= 12.0 && media[i + 2] - bleed[i + 2] >= 12.0,
                "media {media:?}"
            );
        }
    }
    // On screen: the finished size, no bleed, no marks.
    let screen = Pdf::open(&screen_leaflet().join("london-protest-leaflet.pdf"));
    let (w, h) = screen.page_size_mm(0);
    assert!(
        (w - 148.0).abs() < 0.01 && (h - 210.0).abs() < 0.01,
        "{w}×{h}"
    );
    assert!(screen.page_box(0, b"BleedBox").is_none());
    // The pack has no bleed: trim and media are the sheet of A4.
    let pack = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    assert_eq!(pack.page_box(0, b"TrimBox"), pack.page_box(0, b"MediaBox"));
}

#[test]
fn the_leaflet_carries_a_vector_qr_code() {
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    let back = pdf.doc.get_pages()[&2];
    let ops = lopdf::content::Content::decode(&pdf.doc.get_page_content(back))
        .unwrap()
        .operations;
    // Drawn as squares, not as a picture: hundreds of small filled paths.
    let squares = ops
        .iter()
        .filter(|op| op.operator == "re" || op.operator == "h")
        .count();
    let fills = ops
        .iter()
        .filter(|op| op.operator == "f" || op.operator == "f*")
        .count();
    assert!(
        squares > 150 && fills > 150,
        "{squares} closed paths, {fills} fills on the back page"
    );
    let text = words(&pdf.text_of(&[2]));
    find_in_order(
        &text,
        &words("Scan for the Human Rights Watch report"),
        0,
        0,
    )
    .unwrap();
}

#[test]
fn print_output_is_identified_as_pdf_x4_with_a_cmyk_output_intent() {
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    assert!(pdf.bytes.starts_with(b"%PDF-1.6"), "PDF/X-4 is PDF 1.6");
    let catalog = pdf.doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let intent = match &intents[0] {
        lopdf::Object::Reference(id) => pdf.doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    };
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFX");
    assert_eq!(
        intent
            .get(b"OutputConditionIdentifier")
            .unwrap()
            .as_str()
            .unwrap(),
        b"FOGRA39"
    );
    let profile = pdf
        .doc
        .get_object(
            intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 4);
    let icc = profile
        .decompressed_content()
        .unwrap_or_else(|_| profile.content.clone());
    assert_eq!(
        &icc[16..20],
        b"CMYK",
        "the output profile is a CMYK profile"
    );
    assert_eq!(&icc[12..16], b"prtr", "for a printer");
    assert_eq!(icc.len(), 71208, "the whole of assets/handbill-fogra39.icc");
    // No colour that PDF/X-4 refuses under a CMYK OutputIntent: nothing
    // names DeviceRGB (the theme's CMYK is DeviceCMYK, read in the
    // OutputIntent's profile; the RGB photo is tagged with sRGB).
    fn names_device_rgb(o: &lopdf::Object) -> bool {
        match o {
            lopdf::Object::Name(n) => n == b"DeviceRGB",
            lopdf::Object::Array(a) => a.iter().any(names_device_rgb),
            lopdf::Object::Dictionary(d) => d.iter().any(|(_, v)| names_device_rgb(v)),
            lopdf::Object::Stream(s) => s.dict.iter().any(|(_, v)| names_device_rgb(v)),
            _ => false,
        }
    }
    let mut pictures = 0;
    for (id, object) in &pdf.doc.objects {
        assert!(!names_device_rgb(object), "object {id:?} names DeviceRGB");
        if let Ok(s) = object.as_stream()
            && s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image")
            && s.dict.get(b"BitsPerComponent").is_ok()
            && s.dict.get(b"ImageMask").is_err()
        {
            let space = s.dict.get(b"ColorSpace").unwrap();
            let space = match space {
                lopdf::Object::Reference(r) => pdf.doc.get_object(*r).unwrap(),
                o => o,
            };
            if let Ok(a) = space.as_array() {
                assert_eq!(a[0].as_name().unwrap(), b"ICCBased", "picture {id:?}");
                pictures += 1;
            }
        }
    }
    assert!(pictures >= 1, "the photo is ICC-tagged");
    // The identification, in the Info dictionary and in the XMP.
    let info = pdf.info();
    assert_eq!(
        info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
        b"PDF/X-4"
    );
    assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
    assert!(info.has(b"CreationDate"), "PDF/X wants dates");
    let xmp = pdf.xmp();
    assert!(
        xmp.contains("pdfxid:GTS_PDFXVersion=\"PDF/X-4\"")
            || xmp.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4<"),
        "{xmp}"
    );
    assert!(xmp.contains("Trapped"), "{xmp}");
    // Every page has its trim box; the profile is stored once.
    for page in 0..pdf.page_count() {
        assert!(pdf.page_box(page, b"TrimBox").is_some());
    }
    let copies = pdf
        .doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.decompressed_content().is_ok_and(|c| c == icc))
        .count();
    assert_eq!(copies, 1, "the print profile is embedded once");
    // Screen output has none of it.
    let screen = Pdf::open(&screen_leaflet().join("london-protest-leaflet.pdf"));
    assert!(screen.doc.catalog().unwrap().get(b"OutputIntents").is_err());
}

#[test]
fn the_samples_set_without_a_single_overfull_line() {
    let o = handbill(&repo(), &["check", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for entry in report["briefings"].as_array().unwrap() {
        let t = &entry["typesetting"];
        assert!(t["lines"].as_u64().unwrap() > 50, "{entry}");
        assert_eq!(t["overfull"].as_array().unwrap().len(), 0, "{entry}");
        assert_eq!(
            t["widows_and_orphans"].as_array().unwrap().len(),
            0,
            "{entry}"
        );
        assert!(
            t["hyphenated"].as_u64().unwrap() > 0,
            "hyphenation is at work: {entry}"
        );
    }
    // And people see it in a sentence.
    let o = handbill(
        &repo(),
        &["check", "--report", "briefings/london-protest-leaflet.yaml"],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("typesetting of london-protest-leaflet.pdf:")
            && text.contains(", 0 overfull,"),
        "{text}"
    );
}

#[test]
fn no_sample_has_an_overfull_line_in_any_profile() {
    // `handbill` (tests/common) fails on any overfull-line warning; here
    // every sample is built in every output profile.
    for profile in ["print", "screen", "archive"] {
        let out = scratch(&format!("overfull-{profile}"));
        let o = handbill(
            &repo(),
            &[
                "build",
                "--profile",
                profile,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{profile}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("overfull"),
            "{profile}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_last_line_ending_in_a_note_mark_stays_inside_the_measure() {
    // Reported 8.4 pt too wide: the line breaker let the last line shrink
    // its spaces, and setting it did not.
    let briefing = one_section_pack(
        "note-mark-last-line",
        "Officially 238 people died, among them 19 members of the security forces; \
         more than ten thousand were detained. Many of those detained describe beatings, \
         burns and threats against their families.[^rsf]",
        None,
        "numbering: [sections, paragraphs]\n",
    );
    let dir = briefing.parent().unwrap().parent().unwrap();
    let o = handbill(dir, &["check", "--format", "json", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &report["briefings"][0]["typesetting"];
    assert!(t["lines"].as_u64().unwrap() > 3, "{t}");
    assert_eq!(t["overfull"].as_array().unwrap().len(), 0, "{t}");
}

#[test]
fn the_pack_lists_the_cited_sources_in_order_of_first_citation() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    let text = pdf.text();
    let list = &text[text.rfind("Sources").expect("a Sources heading")..];
    let order = [
        "Reporters Without Borders",
        "OSCE Office",
        "World Democracy Audit",
        "Human Rights Watch",
        "BBC News",
    ];
    let places: Vec<usize> = order
        .iter()
        .map(|a| {
            list.find(a)
                .unwrap_or_else(|| panic!("{a} is not in the list"))
        })
        .collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}\n{list}");
}

#[test]
fn the_russian_pack_has_russian_fixed_words_sections_and_hyphenation() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack-ru.pdf"));
    let text = pdf.text();
    for word in [
        "Содержание",
        "Источники",
        "Обзор",
        "Режим Назарбаева",
        "Наши требования",
    ] {
        assert!(text.contains(word), "`{word}` is not in the Russian pack");
    }
    // Cover labels are set in capitals.
    assert!(text.contains("ДЕЛЕГАЦИЯ"), "the cover's labels are Russian");
    let all = words(&text);
    find_in_order(&all, &words("Страница 3 из 5"), 0, 0).unwrap();
    // A section with no translation stays in English.
    assert!(text.contains("Justice for Vadim Kuramshin"));
    let lang = pdf.lang();
    assert_eq!(lang, b"ru");
    // Russian words are hyphenated by Russian rules.
    let o = handbill(
        &repo(),
        &[
            "check",
            "--format",
            "json",
            "briefings/legal-delegation-pack-ru.yaml",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        report["briefings"][0]["typesetting"]["hyphenated"]
            .as_u64()
            .unwrap()
            > 0,
        "{report}"
    );
}

#[test]
fn the_archive_profile_writes_pdf_a_2u() {
    let out = scratch("archive");
    let o = handbill(
        &repo(),
        &[
            "build",
            "briefings/legal-delegation-pack.yaml",
            "--profile",
            "archive",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        o.status.success(),
        "krilla's PDF/A validation refused it:\n{}",
        stderr(&o)
    );
    let pdf = Pdf::open(&out.join("legal-delegation-pack.pdf"));
    let catalog = pdf.doc.catalog().unwrap();
    let xmp = pdf.xmp();
    let part = xmp.contains("pdfaid:part=\"2\"") || xmp.contains("<pdfaid:part>2</pdfaid:part>");
    let conformance = xmp.contains("pdfaid:conformance=\"U\"")
        || xmp.contains("<pdfaid:conformance>U</pdfaid:conformance>");
    assert!(part && conformance, "no PDF/A-2u identification in:\n{xmp}");
    assert!(
        catalog.get(b"OutputIntents").is_ok(),
        "PDF/A needs an output intent"
    );
}

/// The page (1-based) each outline entry of the pack points to, by title.
fn outline_targets(pdf: &Pdf) -> Vec<(String, u32)> {
    let pages: std::collections::BTreeMap<lopdf::ObjectId, u32> = pdf
        .doc
        .get_pages()
        .into_iter()
        .map(|(n, id)| (id, n))
        .collect();
    let catalog = pdf.doc.catalog().unwrap();
    let root = pdf
        .doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut out = Vec::new();
    let mut stack = vec![root.get(b"First").unwrap().as_reference().unwrap()];
    while let Some(id) = stack.pop() {
        let item = pdf.doc.get_dictionary(id).unwrap();
        let title = lopdf::decode_text_string(item.get(b"Title").unwrap()).unwrap();
        let dest = item.get(b"Dest").or_else(|_| item.get(b"A")).unwrap();
        let dest = match dest {
            lopdf::Object::Array(a) => a.clone(),
            lopdf::Object::Reference(r) => {
                pdf.doc.get_object(*r).unwrap().as_array().unwrap().clone()
            }
            lopdf::Object::Dictionary(d) => d.get(b"D").unwrap().as_array().unwrap().clone(),
            other => panic!("{other:?}"),
        };
        out.push((title, pages[&dest[0].as_reference().unwrap()]));
        if let Ok(next) = item.get(b"Next") {
            stack.push(next.as_reference().unwrap());
        }
        if let Ok(first) = item.get(b"First") {
            stack.push(first.as_reference().unwrap());
        }
    }
    out
}

#[test]
fn every_bookmark_and_contents_entry_points_at_the_page_its_section_starts_on() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    let targets = outline_targets(&pdf);
    assert!(targets.len() >= profile_sections().len());
    let contents = pdf.text_of(&[2]);
    for (title, page) in &targets {
        let bare = title
            .split_once('\u{2002}')
            .map_or(title.as_str(), |(_, t)| t);
        // The heading is on that page …
        let text = words(&pdf.text_of(&[*page]));
        find_in_order(&text, &words(bare), 0, 0)
            .unwrap_or_else(|e| panic!("“{bare}” is not on page {page}: {e}"));
        // … and the contents print that page number after the title.
        let entries = words(&contents);
        let end = find_in_order(&entries, &words(bare), 0, 0)
            .unwrap_or_else(|e| panic!("“{bare}” is not in the contents: {e}"));
        // The leader dots are not words: the next word is the page number.
        let printed: u32 = entries.get(end).and_then(|w| w.parse().ok()).unwrap_or(0);
        assert_eq!(
            printed, *page,
            "the contents say “{bare}” is on page {printed}, it is on {page}"
        );
    }
}

#[test]
fn every_page_but_the_cover_says_page_x_of_y_rightly() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    let n = pdf.page_count() as u32;
    assert!(
        !pdf.text_of(&[1]).contains("Page 1 of"),
        "the cover has no folio"
    );
    for page in 2..=n {
        let text = words(&pdf.text_of(&[page]));
        find_in_order(&text, &words(&format!("Page {page} of {n}")), 0, 0)
            .unwrap_or_else(|e| panic!("page {page}: {e}"));
    }
}

#[test]
fn each_footnote_is_on_the_page_of_its_mark() {
    let pdf = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    // The notes and the words their marks follow in the sample.
    for (mark_after, note) in [
        ("crushing dissent", "Reporters Without Borders, Kazakhstan"),
        ("95% of the vote", "OSCE Office for Democratic Institutions"),
        ("11 were killed", "BBC News, Report on the killings"),
    ] {
        let page = (1..=pdf.page_count() as u32)
            .find(|p| {
                let t = words(&pdf.text_of(&[*p]));
                find_in_order(&t, &words(mark_after), 0, 0).is_ok()
            })
            .unwrap_or_else(|| panic!("“{mark_after}” is on no page"));
        let t = words(&pdf.text_of(&[page]));
        assert!(
            find_in_order(&t, &words(note), 0, 0).is_ok(),
            "the note “{note}” is not on page {page}, where its mark is"
        );
    }
}

#[test]
fn hyphens_of_the_text_keep_their_mapping_beside_added_ones() {
    // The leaflet both hyphenates words and prints an address full of its
    // own hyphens: those must copy as hyphens, with no ActualText needed.
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    let text = pdf.text();
    assert!(
        text.contains("striking-oil-striking"),
        "the address lost its hyphens:\n{text}"
    );
}

/// The Info dictionary's /Keywords of a PDF, and the XMP's pdf:Keywords.
fn keywords(pdf: &Pdf) -> (String, String) {
    let info = lopdf::decode_text_string(pdf.info().get(b"Keywords").expect("Info has /Keywords"))
        .unwrap();
    let xmp = pdf.xmp();
    let xml = roxmltree::Document::parse(&xmp).unwrap();
    let pdf_ns = "http://ns.adobe.com/pdf/1.3/";
    let in_xmp = xml
        .descendants()
        .find_map(|n| {
            n.attribute((pdf_ns, "Keywords"))
                .map(str::to_string)
                .or_else(|| {
                    (n.tag_name().namespace() == Some(pdf_ns) && n.tag_name().name() == "Keywords")
                        .then(|| n.text().unwrap_or("").to_string())
                })
        })
        .expect("the XMP has pdf:Keywords");
    (info, in_xmp)
}

#[test]
fn the_pack_keeps_its_keywords_for_print_screen_and_archive() {
    let wanted = "Kazakhstan, human rights, Zhanaozen";
    let print = Pdf::open(&built().join("legal-delegation-pack.pdf"));
    assert_eq!(keywords(&print), (wanted.into(), wanted.into()), "print");
    for profile in ["screen", "archive"] {
        let out = build_samples(
            &format!("keywords-{profile}"),
            profile,
            &["briefings/legal-delegation-pack.yaml"],
        );
        let pdf = Pdf::open(&out.join("legal-delegation-pack.pdf"));
        assert_eq!(keywords(&pdf), (wanted.into(), wanted.into()), "{profile}");
    }
}

#[test]
fn without_keywords_the_pdf_gets_the_sections_tags() {
    // The leaflet lists none: its sections' tags, each once, in order.
    let pdf = Pdf::open(&built().join("london-protest-leaflet.pdf"));
    let (info, _) = keywords(&pdf);
    assert_eq!(
        info,
        "leaflet, background, labour, human-rights, prisoners, legal, human-rights-defenders, campaign, demands"
    );
}

#[test]
fn a_long_footnote_runs_on_to_the_next_page_of_the_pack() {
    let dir = project("long-note");
    // A witness statement as a note, far longer than the foot of a page.
    let note: Vec<String> = (1..=1200).map(|i| format!("{i:04}x")).collect();
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-statement.md"),
        format!(
            "---\nid: statement\ntitle: \"A witness statement\"\ntags: [legal]\naudience: public\n---\nThe witness gave a statement to the delegation.[^w] It is given in full.\n\n[^w]: {}\n",
            note.join(" ")
        ),
    )
    .unwrap();
    let pdf = build_briefing(
        &dir,
        "b",
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview, statement, the-regime]\n",
    );
    let pages: Vec<Vec<String>> = (1..=pdf.page_count() as u32)
        .map(|p| words(&pdf.text_of(&[p])))
        .collect();
    let mark_page = pages
        .iter()
        .position(|w| find_in_order(w, &words("the witness gave a statement"), 0, 0).is_ok())
        .expect("the statement is in the pack");
    assert!(
        pages[mark_page].contains(&note[0]),
        "the note starts under its mark"
    );
    assert!(
        pages[mark_page + 1].iter().any(|w| note.contains(w)),
        "the note goes on on the next page"
    );
    let in_pdf: Vec<&String> = pages
        .iter()
        .flatten()
        .filter(|w| note.contains(w))
        .collect();
    assert_eq!(
        in_pdf,
        note.iter().collect::<Vec<_>>(),
        "every word of the note, once, in order"
    );
}

#[test]
fn contents_leader_dots_stand_on_one_grid_from_the_frames_left_edge() {
    // As TeX's leaders: every dot at a whole number of dot pitches from the
    // frame's left edge, so the dots line up from entry to entry.
    let pdf = built().join("legal-delegation-pack.pdf");
    let o = std::process::Command::new("pdftotext")
        .args(["-bbox", "-f", "2", "-l", "2"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let html = String::from_utf8(o.stdout).unwrap();
    // (xMin, yMin, text) of each word poppler finds.
    let words: Vec<(f64, f64, String)> = html
        .lines()
        .filter_map(|l| {
            let attr = |name: &str| -> Option<f64> {
                let at = l.find(&format!("{name}=\""))? + name.len() + 2;
                l[at..].split('"').next()?.parse().ok()
            };
            let text = l.split('>').nth(1)?.split('<').next()?.to_string();
            Some((attr("xMin")?, attr("yMin")?, text))
        })
        .collect();
    let left = words
        .iter()
        .find(|w| w.2 == "Contents")
        .expect("the Contents heading")
        .0;
    let mut lines: std::collections::BTreeMap<i64, Vec<f64>> = Default::default();
    for (x, y, text) in &words {
        if text == "." {
            lines.entry((y * 10.0).round() as i64).or_default().push(*x);
        }
    }
    assert!(lines.len() >= 9, "a line of dots per entry: {lines:?}");
    let pitch = lines
        .values()
        .flat_map(|xs| xs.windows(2).map(|w| w[1] - w[0]))
        .fold(f64::INFINITY, f64::min);
    assert!(pitch > 2.0 && pitch < 10.0, "{pitch}");
    let firsts: Vec<f64> = lines.values().map(|xs| xs[0]).collect();
    for xs in lines.values() {
        for x in xs {
            let steps = (x - left) / pitch;
            assert!(
                (steps - steps.round()).abs() < 0.01,
                "a dot at {x}, {steps} pitches from the frame's edge at {left}"
            );
        }
    }
    // The entries' dots do not all start at one place: the grid is what
    // lines them up.
    assert!(firsts.iter().any(|f| (f - firsts[0]).abs() > pitch));
}
