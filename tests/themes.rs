//! Project themes (docs/theme.md): a project's `themes/default.yaml` takes
//! the built-in theme's place, a briefing's `theme: NAME` picks
//! `themes/NAME.yaml`, `extends:` changes another theme, and `handbill
//! theme --print` gives the built-in theme to start from. The PDFs are
//! read back for the colours their text is printed in.

mod common;

use std::path::Path;

use common::*;

const LEAFLET: &str = "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n";

/// The built-in `accent` and a brand blue, as the PDF gives CMYK (0–1).
const ACCENT: [f32; 4] = [0.0, 0.95, 0.85, 0.1];
const BLUE: [f32; 4] = [1.0, 0.4, 0.0, 0.0];

/// Whether `wanted` is among `colours` (CMYK, 0–1).
fn has(colours: &[[f32; 4]], wanted: [f32; 4]) -> bool {
    colours
        .iter()
        .any(|c| c.iter().zip(wanted).all(|(a, b)| (a - b).abs() < 0.002))
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_briefing_set_in_a_brand_theme_prints_its_text_in_the_brand_colour() {
    let dir = project("theme-brand");
    write(
        &dir,
        "themes/brand.yaml",
        "extends: default\ncolors:\n  accent: [100, 40, 0, 0]\nstyles:\n  h1: { size: 16 }\n",
    );
    let plain = build_briefing(&dir, "plain", LEAFLET);
    let colours = plain.text_colours();
    assert!(has(&colours, ACCENT) && !has(&colours, BLUE), "{colours:?}");
    let brand = build_briefing(&dir, "brand", &format!("{LEAFLET}theme: brand\n"));
    let colours = brand.text_colours();
    assert!(
        has(&colours, BLUE) && !has(&colours, ACCENT),
        "the headline and kicker are in the brand's accent: {colours:?}"
    );
    // Everything the brand theme does not name is the built-in theme's:
    // body text is still 100 % black.
    assert!(has(&colours, [0.0, 0.0, 0.0, 1.0]), "{colours:?}");
}

#[test]
fn a_projects_default_theme_takes_the_built_in_themes_place() {
    let dir = project("theme-default");
    write(
        &dir,
        "themes/default.yaml",
        "extends: builtin\ncolors:\n  accent: [100, 40, 0, 0]\n",
    );
    let colours = build_briefing(&dir, "b", LEAFLET).text_colours();
    assert!(has(&colours, BLUE) && !has(&colours, ACCENT), "{colours:?}");
    // `theme: builtin` still has the built-in one.
    let builtin = build_briefing(&dir, "c", &format!("{LEAFLET}theme: builtin\n"));
    let colours = builtin.text_colours();
    assert!(has(&colours, ACCENT) && !has(&colours, BLUE), "{colours:?}");
}

#[test]
fn the_printed_built_in_theme_is_the_built_in_theme() {
    let dir = project("theme-print");
    let printed = handbill(&dir, &["theme", "--print"]);
    assert!(printed.status.success(), "{}", stderr(&printed));
    let text = String::from_utf8(printed.stdout).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(repo().join("themes/default.yaml")).unwrap()
    );
    assert!(text.starts_with("# "), "it explains itself in comments");
    // Saved as the project's default, it sets the leaflet byte for byte
    // as the built-in theme does.
    let before = build_briefing(&dir, "b", LEAFLET).bytes;
    write(&dir, "themes/default.yaml", &text);
    let out = handbill(&dir, &["build", "briefings/b.yaml", "--out", "out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("built out/b.pdf"),
        "a new theme file is a new input: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(Pdf::open(&dir.join("out/b.pdf")).bytes, before);
    let listed = handbill(&dir, &["theme"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("; the default, the same as the built-in theme"),
        "{listed}"
    );
}

#[test]
fn a_theme_printed_whole_sets_the_briefing_as_the_theme_and_what_it_extends() {
    let dir = project("theme-print-whole");
    write(
        &dir,
        "themes/base.yaml",
        "extends: builtin\ncolors:\n  accent: [100, 40, 0, 0]\n",
    );
    write(
        &dir,
        "themes/brand.yaml",
        "extends: base\nstyles:\n  .headline: { size: 20, letter-spacing: 0.5 }\n",
    );
    let printed = handbill(&dir, &["theme", "--print", "brand"]);
    assert!(printed.status.success(), "{}", stderr(&printed));
    let whole = String::from_utf8(printed.stdout).unwrap();
    assert!(!whole.contains("extends:"), "{whole}");
    assert!(whole.contains("  accent: [100, 40, 0, 0]\n"), "{whole}");
    write(&dir, "themes/flat.yaml", &whole);
    let brand = build_briefing(&dir, "b", &format!("{LEAFLET}theme: brand\n")).bytes;
    let flat = build_briefing(&dir, "b", &format!("{LEAFLET}theme: flat\n")).bytes;
    assert!(flat == brand, "the same theme sets the same PDF");
    // And `handbill theme` lists them.
    let listed = handbill(&dir, &["theme"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    for name in ["builtin", "base", "brand", "flat"] {
        assert!(listed.contains(&format!("  {name} ")), "{listed}");
    }
}

#[test]
fn themes_that_extend_each_other_in_a_circle_are_refused_and_nothing_is_written() {
    let dir = project("theme-circle");
    write(&dir, "themes/a.yaml", "extends: b\n");
    write(&dir, "themes/b.yaml", "# b\nextends: a\n");
    write(&dir, "briefings/b.yaml", &format!("{LEAFLET}theme: a\n"));
    let out = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: the themes extend each other in a circle: themes/a.yaml → themes/b.yaml → themes/a.yaml")
            && err.contains("--> themes/b.yaml:2:10"),
        "{err}"
    );
    assert!(err.contains("help: "), "{err}");
    assert!(!dir.join("out/b.pdf").exists());
}

#[test]
fn a_changed_theme_makes_the_pdfs_set_in_it_out_of_date_and_no_others() {
    let dir = project("theme-up-to-date");
    write(&dir, "themes/brand.yaml", "extends: default\n");
    write(&dir, "themes/other.yaml", "extends: builtin\n");
    write(
        &dir,
        "briefings/b.yaml",
        &format!("{LEAFLET}theme: brand\n"),
    );
    write(
        &dir,
        "briefings/c.yaml",
        &format!("{LEAFLET}theme: other\n"),
    );
    let build = || {
        let out = handbill(&dir, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out))
    };
    assert!(build().contains("2 built, 0 unchanged"));
    assert!(build().contains("0 built, 2 unchanged"));
    write(
        &dir,
        "themes/brand.yaml",
        "extends: default\ncolors:\n  accent: [100, 40, 0, 0]\n",
    );
    let out = build();
    assert!(
        out.contains("built out/b.pdf") && out.contains("1 built, 1 unchanged"),
        "{out}"
    );
    let colours = Pdf::open(&dir.join("out/b.pdf")).text_colours();
    assert!(has(&colours, BLUE), "{colours:?}");
    // A new `themes/default.yaml`, which brand extends, counts for b; c's
    // theme extends the built-in one, not the project's default.
    write(
        &dir,
        "themes/default.yaml",
        "extends: builtin\ncolors:\n  accent: [0, 0, 100, 0]\n",
    );
    let out = build();
    assert!(
        out.contains("built out/b.pdf") && out.contains("1 built, 1 unchanged"),
        "{out}"
    );
}

#[test]
fn a_footnote_set_larger_than_its_share_of_a_page_is_carried_on_not_a_crash() {
    let dir = project("theme-huge-footnote");
    let pack =
        std::fs::read_to_string(repo().join("briefings/legal-delegation-pack.yaml")).unwrap();
    write(&dir, "briefings/b.yaml", &format!("{pack}\ntheme: big\n"));
    write(
        &dir,
        "themes/big.yaml",
        "extends: default\nstyles:\n  footnote: { size: 400 }\n",
    );
    let out = handbill_with_overfull_lines(&dir, &["build", "briefings/b.yaml", "--out", "out"]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
    assert!(Pdf::open(&dir.join("out/b.pdf")).page_count() > 20);
}
