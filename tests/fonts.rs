//! A project's own fonts: a theme names a family of the project's `fonts/`
//! folder (DejaVu, as Debian ships it), and the PDF embeds it as a subset;
//! fallbacks set what the face lacks; right-to-left text, fonts whose
//! licence forbids embedding and characters no font has are told.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu";

/// A scratch project with the DejaVu `fonts` (file names without `.ttf`)
/// in its fonts/ folder and the built-in theme with `changes` applied as
/// its own, and a leaflet `briefings/b.yaml` of its `overview` section,
/// whose text is `body`.
fn font_project(name: &str, fonts: &[&str], changes: &[(&str, &str)], body: &str) -> PathBuf {
    let dir = project(name);
    std::fs::create_dir_all(dir.join("fonts")).unwrap();
    for font in fonts {
        let from = Path::new(DEJAVU).join(format!("{font}.ttf"));
        assert!(
            from.exists(),
            "{} is missing: install fonts-dejavu-core (.ci/run does)",
            from.display()
        );
        std::fs::copy(&from, dir.join("fonts").join(format!("{font}.ttf"))).unwrap();
    }
    let mut theme = std::fs::read_to_string(repo().join("themes/default.yaml")).unwrap();
    for (from, to) in changes {
        assert!(theme.contains(from), "the built-in theme has `{from}`");
        theme = theme.replacen(from, to, 1);
    }
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(dir.join("themes/default.yaml"), theme).unwrap();
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/01-overview.md"),
        format!("---\nid: overview\ntitle: Overview\n---\n{body}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n",
    )
    .unwrap();
    dir
}

/// The body set in DejaVu Serif.
const BODY_IN_DEJAVU: (&str, &str) = ("body: { font: serif,", "body: { font: DejaVu Serif,");

/// `pdffonts` of a PDF: (name without the subset tag, embedded, subset).
fn pdffonts(pdf: &Path) -> Vec<(String, bool, bool)> {
    let out = Command::new("pdffonts").arg(pdf).output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            // name type [type…] encoding emb sub uni object ID
            let name = cols[0].split_once('+').map_or(cols[0], |(_, n)| n);
            (name.to_string(), cols[n - 5] == "yes", cols[n - 4] == "yes")
        })
        .collect()
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn build(dir: &Path) -> (PathBuf, String) {
    let o = handbill(dir, &["build", "briefings/b.yaml", "--out", "out"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    (dir.join("out/b.pdf"), err)
}

fn refused(dir: &Path) -> String {
    let o = handbill(dir, &["build", "briefings/b.yaml", "--out", "out"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!dir.join("out/b.pdf").exists(), "nothing is written");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn a_theme_sets_text_in_a_project_font_and_the_pdf_embeds_a_subset_of_it() {
    let greek = "Οι δημοσιογράφοι στην Αθήνα";
    let dir = font_project(
        "project-font",
        &[
            "DejaVuSerif",
            "DejaVuSerif-Bold",
            "DejaVuSerif-Italic",
            "DejaVuSerif-BoldItalic",
            // Same family (its typographic name is DejaVu Serif), but
            // narrower: the normal width is chosen.
            "DejaVuSerifCondensed",
        ],
        &[BODY_IN_DEJAVU],
        &format!("Kazakhstan has an *appalling* **human rights** record. {greek}."),
    );
    let (pdf, err) = build(&dir);
    assert!(!err.contains("warning"), "{err}");
    let fonts = pdffonts(&pdf);
    for face in ["DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"] {
        assert!(
            fonts.contains(&(face.to_string(), true, true)),
            "{face} embedded as a subset: {fonts:?}"
        );
    }
    assert!(
        !fonts.iter().any(|(n, _, _)| n.contains("Condensed")),
        "{fonts:?}"
    );
    // The body is no longer in Noto Serif; the headings are still sans.
    assert!(!fonts.iter().any(|(n, _, _)| n == "NotoSerif"), "{fonts:?}");
    assert!(
        fonts.iter().any(|(n, _, _)| n.starts_with("NotoSans")),
        "{fonts:?}"
    );
    let text = pdftotext(&pdf);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(greek), "{text}");
}

#[test]
fn a_fallback_family_sets_what_the_face_lacks() {
    // U+2B1F is in DejaVu Sans, not in DejaVu Serif nor in Noto.
    let dir = font_project(
        "fallback",
        &[
            "DejaVuSerif",
            "DejaVuSerif-Bold",
            "DejaVuSerif-Italic",
            "DejaVuSerif-BoldItalic",
            "DejaVuSans",
        ],
        &[(
            "body: { font: serif,",
            "body: { font: DejaVu Serif, fallback: [DejaVu Sans],",
        )],
        "The mark \u{2B1F} and the Armenian name Հայաստան.",
    );
    let (pdf, err) = build(&dir);
    assert!(!err.contains("no font has"), "{err}");
    let fonts = pdffonts(&pdf);
    assert!(
        fonts.contains(&("DejaVuSans".into(), true, true)),
        "{fonts:?}"
    );
    let text = pdftotext(&pdf);
    assert!(
        text.contains('\u{2B1F}') && text.contains("Հայաստան"),
        "{text}"
    );

    // Without the fallback, the mark is a missing character.
    let theme = dir.join("themes/default.yaml");
    let text = std::fs::read_to_string(&theme).unwrap();
    std::fs::write(&theme, text.replace(", fallback: [DejaVu Sans]", "")).unwrap();
    let (_, err) = build(&dir);
    assert!(err.contains("“\u{2B1F}” (U+2B1F)"), "{err}");
}

#[test]
fn a_missing_style_is_said_and_set_in_the_face_there_is_never_a_faux_bold() {
    let dir = font_project(
        "no-bold",
        &["DejaVuSerif", "DejaVuSerif-Italic"],
        &[BODY_IN_DEJAVU],
        "Kazakhstan has an *appalling* **human rights** record.",
    );
    let (pdf, err) = build(&dir);
    assert!(
        err.contains("warning: fonts/ has no bold or bold italic face of `DejaVu Serif`: bold text is set in its regular face, bold italic text is set in its italic face")
            && err.contains("--> themes/default.yaml:"),
        "{err}"
    );
    assert_eq!(err.matches("has no bold").count(), 1, "said once: {err}");
    let fonts: Vec<String> = pdffonts(&pdf).into_iter().map(|f| f.0).collect();
    assert!(fonts.contains(&"DejaVuSerif".to_string()), "{fonts:?}");
    assert!(
        !fonts.iter().any(|f| f.starts_with("NotoSerif")),
        "{fonts:?}"
    );
}

#[test]
fn a_family_not_in_the_fonts_folder_is_a_located_error() {
    let dir = font_project(
        "unknown-family",
        &["DejaVuSerif"],
        &[("body: { font: serif,", "body: { font: DejaVu Serf,")],
        "Text.",
    );
    let err = refused(&dir);
    // The line of the body style in the theme the project started from.
    let theme = std::fs::read_to_string(repo().join("themes/default.yaml")).unwrap();
    let line = 1 + theme
        .lines()
        .position(|l| l.contains("body: { font: serif,"))
        .unwrap();
    assert!(
        err.contains("error: the theme uses the font `DejaVu Serf`, which no font in the project's fonts/ folder is")
            && err.contains(&format!("--> themes/default.yaml:{line}:17")),
        "{err}"
    );
    assert!(
        err.contains(
            "help: did you mean `DejaVu Serif`? (the families in fonts/ are: DejaVu Serif)"
        ),
        "{err}"
    );
}

#[test]
fn right_to_left_text_is_refused_naming_the_script_and_the_line() {
    let dir = font_project(
        "hebrew",
        &["DejaVuSans"],
        &[],
        "The first line.\n\nIn Hebrew: שלום עליכם.",
    );
    let err = refused(&dir);
    assert!(
        err.contains("error: section `overview` has Hebrew text, which handbill cannot set yet")
            && err.contains("--> briefings/profiles/kazakhstan/01-overview.md:7:12"),
        "{err}"
    );
    assert!(err.contains("right to left"), "{err}");

    // In the briefing's own values too.
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/01-overview.md"),
        "---\nid: overview\ntitle: Overview\n---\nText.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: حرية\n",
    )
    .unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("error: the briefing has Arabic text")
            && err.contains("--> briefings/b.yaml:6:13"),
        "{err}"
    );
}

/// Sets the OS/2 fsType of the font file at `path` (the table's checksum
/// is left: no reader handbill uses checks it).
fn set_fs_type(path: &Path, fs_type: u16) {
    let mut data = std::fs::read(path).unwrap();
    let be16 = |d: &[u8], at: usize| u16::from_be_bytes([d[at], d[at + 1]]) as usize;
    let be32 = |d: &[u8], at: usize| u32::from_be_bytes(d[at..at + 4].try_into().unwrap()) as usize;
    let tables = be16(&data, 4);
    let os2 = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&rec| &data[rec..rec + 4] == b"OS/2")
        .map(|rec| be32(&data, rec + 8))
        .expect("the font has an OS/2 table");
    data[os2 + 8..os2 + 10].copy_from_slice(&fs_type.to_be_bytes());
    std::fs::write(path, data).unwrap();
}

#[test]
fn a_font_whose_licence_forbids_embedding_or_subsetting_is_refused() {
    let dir = font_project("fs-type", &["DejaVuSerif"], &[BODY_IN_DEJAVU], "Text.");
    let font = dir.join("fonts/DejaVuSerif.ttf");
    for (fs_type, says) in [
        (0x0002, "may not be embedded in a document"),
        (0x0100, "may not be subset"),
    ] {
        set_fs_type(&font, fs_type);
        let err = refused(&dir);
        assert!(
            err.contains(&format!(
                "error: the font fonts/DejaVuSerif.ttf (DejaVuSerif) {says}"
            )) && err.contains("--> fonts/DejaVuSerif.ttf"),
            "{err}"
        );
        assert!(err.contains(&format!("{fs_type:#06x}")), "{err}");
    }
    // Editable (8) with restricted (2) set too: the least restrictive counts.
    set_fs_type(&font, 0x000A);
    build(&dir);
}

#[test]
fn characters_no_font_has_are_one_warning_per_paragraph() {
    let dir = font_project(
        "missing-glyphs",
        &["DejaVuSerif"],
        &[BODY_IN_DEJAVU],
        "Hieroglyphs 𓀀 𓀁 𓀀 𓀁 𓀀 in one paragraph.\n\nAnd 𓀀 in another.",
    );
    let (_, err) = build(&dir);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("no font has")).collect();
    assert_eq!(warnings.len(), 2, "{err}");
    assert!(
        warnings[0].contains("the paragraph “And 𓀀 in another.” under “Overview” has the character “𓀀” (U+13000) that no font has; it prints as an empty box")
            && err.contains("--> briefings/profiles/kazakhstan/01-overview.md:7:5\n"),
        "{err}"
    );
    assert!(
        err.contains("--> briefings/profiles/kazakhstan/01-overview.md:5:13\n") && warnings[1].contains("“Hieroglyphs 𓀀 𓀁 𓀀 𓀁 𓀀 in one paragraph.” under “Overview” has the characters “𓀀” (U+13000), “𓀁” (U+13001)"),
        "{err}"
    );
    // The line the character is on is shown, marked under it.
    assert!(
        err.contains("5 | Hieroglyphs 𓀀 𓀁 𓀀 𓀁 𓀀 in one paragraph.\n")
            && err.contains("7 | And 𓀀 in another.\n"),
        "{err}"
    );
}

#[test]
fn a_damaged_font_file_is_refused_by_name() {
    let dir = font_project("damaged", &["DejaVuSerif"], &[BODY_IN_DEJAVU], "Text.");
    let font = dir.join("fonts/DejaVuSerif.ttf");
    let data = std::fs::read(&font).unwrap();
    std::fs::write(&font, &data[..4000]).unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("error: the font fonts/DejaVuSerif.ttf cannot be used")
            && err.contains("--> fonts/DejaVuSerif.ttf"),
        "{err}"
    );
    assert!(library_words(&err).is_none(), "{err}");
}

#[test]
fn a_changed_or_new_font_builds_the_briefing_again() {
    let dir = font_project("rebuild", &["DejaVuSerif"], &[BODY_IN_DEJAVU], "Text.");
    let batch = |expect: &str| {
        let o = handbill(&dir, &["build", "briefings"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{expect}: {}", stderr(&o));
    };
    batch("1 built, 0 unchanged");
    batch("0 built, 1 unchanged");
    // A new face of the family (its bold) may change the page.
    std::fs::copy(
        Path::new(DEJAVU).join("DejaVuSerif-Bold.ttf"),
        dir.join("fonts/DejaVuSerif-Bold.ttf"),
    )
    .unwrap();
    batch("1 built, 0 unchanged");
    batch("0 built, 1 unchanged");
    // So may a changed one.
    set_fs_type(&dir.join("fonts/DejaVuSerif-Bold.ttf"), 0x0008);
    batch("1 built, 0 unchanged");
    // And a changed theme.
    let theme = dir.join("themes/default.yaml");
    let text = std::fs::read_to_string(&theme).unwrap();
    std::fs::write(&theme, text.replace("size: 10,", "size: 10.5,")).unwrap();
    batch("1 built, 0 unchanged");
}

#[test]
fn a_font_linked_from_outside_the_project_or_too_large_is_refused() {
    let dir = font_project("font-limits", &[], &[BODY_IN_DEJAVU], "Text.");
    let outside = scratch("font-outside");
    std::fs::copy(
        Path::new(DEJAVU).join("DejaVuSerif.ttf"),
        outside.join("DejaVuSerif.ttf"),
    )
    .unwrap();
    let link = dir.join("fonts/DejaVuSerif.ttf");
    std::os::unix::fs::symlink(outside.join("DejaVuSerif.ttf"), &link).unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("fonts/DejaVuSerif.ttf links to a file outside the project folder"),
        "{err}"
    );
    std::fs::remove_file(&link).unwrap();
    // Sparse: 33 MiB long without taking the disk space.
    let big = std::fs::File::create(&link).unwrap();
    big.set_len(33 << 20).unwrap();
    let err = refused(&dir);
    assert!(
        err.contains(
            "the font fonts/DejaVuSerif.ttf is larger than 32 MB, the most handbill reads"
        ),
        "{err}"
    );
}

/// A font collection (`.ttc`) of the font files `fonts`: a collection
/// header, then each font with its tables' offsets moved to where it lies.
fn collection(fonts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"ttcf");
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&(fonts.len() as u32).to_be_bytes());
    let mut at = 12 + 4 * fonts.len();
    let mut starts = Vec::new();
    for font in fonts {
        starts.push(at);
        out.extend_from_slice(&(at as u32).to_be_bytes());
        at += font.len().next_multiple_of(4);
    }
    for (font, start) in fonts.iter().zip(starts) {
        let mut font = font.clone();
        let tables = u16::from_be_bytes([font[4], font[5]]) as usize;
        for rec in (0..tables).map(|i| 12 + 16 * i + 8) {
            let offset = u32::from_be_bytes(font[rec..rec + 4].try_into().unwrap());
            font[rec..rec + 4].copy_from_slice(&(offset + start as u32).to_be_bytes());
        }
        font.resize(font.len().next_multiple_of(4), 0);
        out.extend_from_slice(&font);
    }
    out
}

/// A project whose body is set in DejaVu Serif, its regular and bold in
/// one collection, `fonts/DejaVuSerif.ttc`.
fn collection_project(name: &str) -> PathBuf {
    let dir = font_project(
        name,
        &[],
        &[BODY_IN_DEJAVU],
        "Kazakhstan has an appalling **human rights** record.",
    );
    let read = |name: &str| std::fs::read(Path::new(DEJAVU).join(format!("{name}.ttf"))).unwrap();
    std::fs::write(
        dir.join("fonts/DejaVuSerif.ttc"),
        collection(&[read("DejaVuSerif"), read("DejaVuSerif-Bold")]),
    )
    .unwrap();
    dir
}

#[test]
fn the_faces_of_a_font_collection_are_used() {
    let dir = collection_project("collection");
    let (pdf, _) = build(&dir);
    let fonts = pdffonts(&pdf);
    for face in ["DejaVuSerif", "DejaVuSerif-Bold"] {
        assert!(
            fonts.contains(&(face.to_string(), true, true)),
            "{face}: {fonts:?}"
        );
    }
    let words = pdftotext(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("appalling human rights record"), "{words}");
}

/// The preview draws each face of a collection from its own outlines, and
/// names each by its font file and its index in it: the regular and the
/// bold of one `.ttc` are two faces to the page's script.
#[test]
fn the_preview_draws_each_face_of_a_collection_from_its_own_outlines() {
    let dir = collection_project("collection-preview");
    let laid = handbill::Build::new(dir.join("briefings/b.yaml"))
        .lay_out()
        .unwrap();
    let drawn = handbill::preview::svg::draw(
        &laid.pages,
        handbill::preview::svg::Look::default(),
        &handbill::preview::svg::Sources::new(),
        &|_, _| None,
    );
    let faces: std::collections::BTreeSet<&str> = drawn
        .outlines
        .keys()
        .filter_map(|k| k.rsplit_once('-').map(|(face, _)| face))
        .collect();
    // The collection's two faces: one file, indexes 0 and 1.
    let bold = *faces
        .iter()
        .find(|f| f.ends_with(".1"))
        .unwrap_or_else(|| panic!("no second face of a collection: {faces:?}"));
    let regular = bold.replace(".1", ".0");
    assert!(faces.contains(regular.as_str()), "{faces:?}");
    // A letter set in both: the bold's outline is its own.
    let both: Vec<&str> = drawn
        .outlines
        .keys()
        .filter_map(|k| k.strip_prefix(&format!("{regular}-")))
        .filter(|id| drawn.outlines.contains_key(&format!("{bold}-{id}")))
        .collect();
    assert!(!both.is_empty());
    for id in both {
        assert_ne!(
            drawn.outlines[&format!("{regular}-{id}")],
            drawn.outlines[&format!("{bold}-{id}")],
            "glyph {id}"
        );
    }
}

#[test]
fn list_fonts_shows_the_projects_families_and_their_styles() {
    let dir = font_project(
        "list",
        &["DejaVuSerif", "DejaVuSerif-BoldItalic"],
        &[],
        "Text.",
    );
    let o = handbill(&dir, &["list", "fonts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("NotoSerif-Regular"), "{text}");
    let own: Vec<String> = text
        .lines()
        .skip_while(|l| !l.starts_with("Fonts (this project's fonts/"))
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        own,
        [
            "DejaVu Serif bold italic DejaVuSerif-BoldItalic (fonts/DejaVuSerif-BoldItalic.ttf)",
            "DejaVu Serif regular DejaVuSerif (fonts/DejaVuSerif.ttf)",
        ],
        "{text}"
    );
}

#[test]
fn a_missing_character_is_told_under_its_sections_heading() {
    let dir = project("missing-in-pack");
    let regime = dir.join("briefings/profiles/kazakhstan/02-the-regime.md");
    let text = std::fs::read_to_string(&regime).unwrap();
    std::fs::write(&regime, format!("{text}\nA seal 𓀀 on the decree.\n")).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview, the-regime]\n",
    )
    .unwrap();
    let (_, err) = build(&dir);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("no font has")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("the paragraph “A seal 𓀀 on the decree.” under “")
            && err.contains("--> briefings/profiles/kazakhstan/02-the-regime.md:")
            && warnings[0].contains("Regime” has the character “𓀀”"),
        "{err}"
    );
}
