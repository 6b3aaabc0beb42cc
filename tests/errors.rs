//! Bad input: each case exits non-zero, says file:line:column and what to
//! do, and writes no PDF (nor replaces a good one).

mod common;

use common::*;
use std::path::Path;

/// Builds `yaml` as `briefings/b.yaml` in a scratch project; expects failure.
fn fails(name: &str, yaml: &str) -> (String, std::path::PathBuf) {
    let dir = project(name);
    std::fs::write(dir.join("briefings/b.yaml"), yaml).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{name}: expected exit 1, got {:?}\n{err}",
        o.status
    );
    assert!(!dir.join("out/b.pdf").exists(), "{name}: a PDF was written");
    assert!(!err.contains("panicked"), "{name}: {err}");
    (err, dir)
}

const GOOD: &str = "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n";

#[test]
fn bad_yaml_syntax() {
    let (err, _) = fails(
        "syntax",
        "profile: kazakhstan\ntemplate: [leaflet-a5\naudience: public\n",
    );
    assert!(
        err.contains("error: the `[` here is never closed\n --> briefings/b.yaml:2:11"),
        "{err}"
    );
    assert!(err.contains("2 | template: [leaflet-a5"), "{err}");
}

#[test]
fn unknown_key_with_a_suggestion() {
    let (err, _) = fails("unknown-key", &format!("{GOOD}audeince: public\n"));
    assert!(
        err.contains("error: `audeince:` is not a key of the briefing\n --> briefings/b.yaml:7:1"),
        "{err}"
    );
    assert!(err.contains("7 | audeince: public"), "{err}");
    assert!(err.contains("help: did you mean `audience`?"), "{err}");
}

#[test]
fn unknown_section_id() {
    let (err, _) = fails(
        "unknown-id",
        &GOOD.replace("[overview]", "\n  - overview\n  - the-reigme"),
    );
    assert!(
        err.contains(
            "error: profile `kazakhstan` has no section `the-reigme`\n --> briefings/b.yaml:6:5"
        ),
        "{err}"
    );
    assert!(err.contains("help: did you mean `the-regime`?"), "{err}");
}

#[test]
fn unknown_tag() {
    let (err, _) = fails(
        "unknown-tag",
        &GOOD.replace("[overview]", "\n  - tag: leaflets"),
    );
    assert!(
        err.contains(
            "error: no section of profile `kazakhstan` has the tag `leaflets`\n --> briefings/b.yaml:5:5"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `leaflet`?"), "{err}");
}

#[test]
fn missing_profile() {
    let (err, _) = fails(
        "no-profile",
        &GOOD.replace("profile: kazakhstan", "profile: kazakstan"),
    );
    assert!(
        err.contains("error: there is no profile `kazakstan` (no briefings/profiles/kazakstan/profile.yaml)\n --> briefings/b.yaml:1:10"),
        "{err}"
    );
    assert!(err.contains("did you mean `kazakhstan`?"), "{err}");
}

#[test]
fn profile_path_escape_is_refused() {
    let (err, _) = fails(
        "profile-escape",
        &GOOD.replace("profile: kazakhstan", "profile: ../../etc"),
    );
    assert!(
        err.contains(
            "error: `profile: ../../etc` is not a profile name\n --> briefings/b.yaml:1:10"
        ),
        "{err}"
    );
}

#[test]
fn unknown_template() {
    let (err, _) = fails("no-template", &GOOD.replace("leaflet-a5", "leaflet-a4"));
    assert!(
        err.contains("error: there is no template `leaflet-a4`\n --> briefings/b.yaml:2:11"),
        "{err}"
    );
    assert!(err.contains("did you mean `leaflet-a5`?"), "{err}");
}

#[test]
fn a_misspelt_audience() {
    let (err, _) = fails(
        "bad-audience",
        &GOOD.replace("audience: public", "audience: publc"),
    );
    assert!(
        err.contains(
            "error: `audience:` is `publc`, which handbill does not know\n --> briefings/b.yaml:3:11"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `public`?"), "{err}");
}

#[test]
fn missing_required_key() {
    let (err, _) = fails(
        "missing-key",
        "profile: kazakhstan\ntemplate: leaflet-a5\nsections: all\n",
    );
    assert!(
        err.contains(
            "error: the briefing has no `audience:`, which it needs\n --> briefings/b.yaml:1:1"
        ),
        "{err}"
    );
}

#[test]
fn a_value_the_template_needs_is_missing() {
    let (err, _) = fails(
        "missing-value",
        &GOOD.replace("values:\n  headline: Free them\n", ""),
    );
    assert!(
        err.contains("templates/leaflet-a5.hbs (built in):"),
        "{err}"
    );
    assert!(err.contains("`values.headline`"), "{err}");
    assert!(err.contains("add `headline:` under `values:`"), "{err}");
}

#[test]
fn a_confidential_section_never_reaches_a_public_briefing() {
    let dir = project("audience");
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-sources.md"),
        "---\nid: contacts\ntitle: Contacts in Almaty\naudience: confidential\n---\nNames.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        GOOD.replace("[overview]", "[overview, contacts]"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error: section `contacts` is for the confidential audience and this briefing is public\n --> briefings/b.yaml:4:22"), "{err}");
    assert!(!dir.join("out/b.pdf").exists());
    // `sections: all` leaves it out of a public briefing instead.
    std::fs::write(
        dir.join("briefings/b.yaml"),
        GOOD.replace("[overview]", "all"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(
        o.status.success() || stderr(&o).contains("overset"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unknown_footnote_points_into_the_markdown() {
    let dir = project("footnote");
    let path = dir.join("briefings/profiles/kazakhstan/01-overview.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("[^rsf]", "[^rfs]");
    std::fs::write(&path, text).unwrap();
    std::fs::write(dir.join("briefings/b.yaml"), GOOD).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("01-overview.md:7:"), "{err}");
    assert!(err.contains("did you mean `[^rsf]`?"), "{err}");
}

#[test]
fn overset_names_the_frame_and_what_did_not_fit() {
    let (err, _) = fails("overset", &GOOD.replace("[overview]", "all"));
    assert!(err.contains("overset:"), "{err}");
    assert!(
        err.contains("the last frame is `back-column-2` on page 2"),
        "{err}"
    );
    assert!(err.contains(" mm)"), "{err}");
    assert!(err.contains("help: drop a section"), "{err}");
}

#[test]
fn a_failed_rebuild_leaves_the_good_pdf_alone() {
    let dir = project("keep-good");
    let b = dir.join("briefings/b.yaml");
    std::fs::write(&b, GOOD).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let good = std::fs::read(dir.join("out/b.pdf")).unwrap();
    std::fs::write(&b, format!("{GOOD}bogus: 1\n")).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.join("out/b.pdf")).unwrap(), good);
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name() != "b.pdf" && e.file_name() != ".handbill-manifest")
        .collect();
    assert!(leftovers.is_empty(), "stray files: {leftovers:?}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    // Outside this repository, whose own briefings/ would be found above.
    let dir = std::env::temp_dir().join(format!("handbill-no-path-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = handbill(&dir, &["build"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("briefings does not exist"),
        "{}",
        stderr(&o)
    );
    let o = handbill(&dir, &["build", "--bogus"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(2));
    let _ = Path::new("");
}

#[test]
fn a_picture_taller_than_its_frame_is_an_error() {
    let dir = project("too-tall");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/tiny.hbs"),
        "<document><master name=\"m\" size=\"A6\" margin=\"10mm\"/>\n<page master=\"m\"><frame name=\"slot\" flow=\"f\" height=\"30mm\"/></page>\n<flow name=\"f\"><figure image=\"london-2013\"/></flow></document>\n",
    )
    .unwrap();
    std::fs::write(dir.join("briefings/b.yaml"), "profile: kazakhstan\ntemplate: templates/tiny.hbs\naudience: public\nsections: [overview]\n").unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the picture `london-2013` with its caption is"),
        "{err}"
    );
    assert!(
        err.contains("frame `slot` on page 1 holds only 30.0 mm"),
        "{err}"
    );
    assert!(!dir.join("out/b.pdf").exists());
}

#[test]
fn a_picture_the_profile_lacks_is_an_error() {
    let (err, _) = fails(
        "no-picture",
        &GOOD.replace(
            "  headline: Free them\n",
            "  headline: Free them\n  image: london-2031\n",
        ),
    );
    assert!(
        err.contains(
            "the layout places picture `london-2031`, which profile `kazakhstan` does not have"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `london-2013`?"), "{err}");
}

/// A scratch project whose `overview` section cites `informant`, a source
/// for the confidential audience.
fn overview_citing_a_confidential_source(name: &str) -> std::path::PathBuf {
    let dir = project(name);
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let text = text.replace("sources:\n", "sources:\n  informant:\n    author: A witness in Zhanaozen\n    title: Interview notes\n    audience: confidential\n");
    std::fs::write(&profile, text).unwrap();
    let overview = dir.join("briefings/profiles/kazakhstan/01-overview.md");
    let text = std::fs::read_to_string(&overview)
        .unwrap()
        .replace("[^rsf]", "[^informant]");
    std::fs::write(&overview, text).unwrap();
    dir
}

#[test]
fn a_public_section_may_not_cite_a_confidential_source() {
    let dir = overview_citing_a_confidential_source("secret-source");
    std::fs::write(dir.join("briefings/b.yaml"), GOOD).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("01-overview.md:7:"), "{err}");
    assert!(
        err.contains(
            "section `overview` cites source `informant`, which is for the confidential audience"
        ),
        "{err}"
    );
    assert!(!dir.join("out/b.pdf").exists());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("built"));
}

/// A scratch project whose profile picture is `file` (copied into assets/).
fn with_picture(name: &str, fixture: &[u8], file: &str) -> std::path::PathBuf {
    let dir = project(name);
    std::fs::write(dir.join("assets").join(file), fixture).unwrap();
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile).unwrap().replace(
        "assets/london-2013-placeholder.jpg",
        &format!("assets/{file}"),
    );
    assert!(
        text.contains(&format!("assets/{file}")),
        "the profile names its picture"
    );
    std::fs::write(&profile, text).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        GOOD.replace(
            "  headline: Free them\n",
            "  headline: Free them\n  image: london-2013\n",
        ),
    )
    .unwrap();
    dir
}

#[test]
fn photos_lose_their_gps_and_camera_serial() {
    let dir = with_picture(
        "exif",
        include_bytes!("data/gps-and-serial.jpg"),
        "photo.jpg",
    );
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = Pdf::open(&dir.join("out/b.pdf"));
    let mut streams = pdf.bytes.clone();
    for (_, obj) in pdf.doc.objects.iter() {
        if let Ok(stream) = obj.as_stream() {
            streams.extend(
                stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone()),
            );
        }
    }
    let find = |needle: &[u8]| streams.windows(needle.len()).any(|w| w == needle);
    assert!(find(&[0xFF, 0xD8, 0xFF]), "the JPEG is embedded as it is");
    for secret in [
        &b"SERIAL-8841-2207"[..],
        b"SecretCam",
        b"safe house",
        b"Exif\0\0",
    ] {
        assert!(
            !find(secret),
            "{} is in the PDF",
            String::from_utf8_lossy(secret)
        );
    }
}

#[test]
fn damaged_and_lying_pictures_are_refused() {
    let jpeg = include_bytes!("data/gps-and-serial.jpg");
    let dir = with_picture("truncated", &jpeg[..300], "photo.jpg");
    let (code, err) = {
        let o = handbill(&dir, &["build", "briefings/b.yaml"]);
        (o.status.code(), stderr(&o))
    };
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("is damaged, or not a PNG or JPEG file"),
        "{err}"
    );
    assert!(err.contains("profile.yaml:"), "{err}");
    // A PNG header that claims 50 000 × 50 000 pixels.
    let mut png = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    png.extend(50_000u32.to_be_bytes());
    png.extend(50_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let dir = with_picture("huge", &png, "huge.png");
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("says it is 50000 × 50000 pixels"), "{err}");
    assert!(!dir.join("out/b.pdf").exists());
}

#[cfg(unix)]
#[test]
fn a_picture_linked_from_outside_the_project_is_refused() {
    let dir = project("symlink");
    let outside = scratch("outside").join("secret.png");
    std::fs::copy(repo().join("assets/london-2013-placeholder.png"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("assets/linked.png")).unwrap();
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile)
        .unwrap()
        .replace("assets/london-2013-placeholder.jpg", "assets/linked.png");
    assert!(
        text.contains("assets/linked.png"),
        "the profile names its picture"
    );
    std::fs::write(&profile, text).unwrap();
    let (err, _) = fails_in(
        &dir,
        &GOOD.replace(
            "  headline: Free them\n",
            "  headline: Free them\n  image: london-2013\n",
        ),
    );
    assert!(
        err.contains("links to a file outside the project folder"),
        "{err}"
    );
}

fn fails_in(dir: &Path, yaml: &str) -> (String, ()) {
    std::fs::write(dir.join("briefings/b.yaml"), yaml).unwrap();
    let o = handbill(dir, &["build", "briefings/b.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!dir.join("out/b.pdf").exists());
    (stderr(&o), ())
}

#[test]
fn a_character_no_font_has_is_named_in_a_warning() {
    let dir = project("missing-glyph");
    std::fs::write(
        dir.join("briefings/b.yaml"),
        GOOD.replace("Free them", "Free them ☭ 中"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // One warning for the headline, naming both characters.
    assert!(
        err.contains("warning: b: the paragraph “Free them ☭ 中” has the characters “☭” (U+262D), “中” (U+4E2D) that no font has"),
        "{err}"
    );
    assert_eq!(err.matches("no font has").count(), 1, "{err}");
}

#[test]
fn fit_shrink_sets_an_overset_leaflet_smaller_and_says_by_how_much() {
    let dir = project("shrink");
    let leaflet =
        std::fs::read_to_string(repo().join("briefings/london-protest-leaflet.yaml")).unwrap();
    let more = leaflet.replace(
        "  - overview\n",
        "  - overview\n  - the-regime\n  - elections\n",
    );
    std::fs::write(dir.join("briefings/b.yaml"), &more).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "one more section should not fit:\n{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("add `fit: shrink`"), "{}", stderr(&o));
    std::fs::write(dir.join("briefings/b.yaml"), format!("{more}fit: shrink\n")).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let percent: u32 = err
        .split("the text was set at ")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no size in: {err}"));
    assert!((75..100).contains(&percent), "{percent}%");
    // Everything: too much even at 75 %.
    let shrunk = std::fs::read(dir.join("out/b.pdf")).unwrap();
    // A section far too long for any leaflet.
    let long = "Kazakhstan has an appalling human rights record. ".repeat(300);
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-long.md"),
        format!("---\nid: long\ntitle: Long\n---\n{long}\n"),
    )
    .unwrap();
    let everything = leaflet.replace("  - overview\n", "  - overview\n  - long\n");
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("{everything}fit: shrink\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("even with the text at 75% of its size"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(dir.join("out/b.pdf")).unwrap(),
        shrunk,
        "the good PDF stays"
    );
}

#[test]
fn pictures_too_coarse_for_print_are_refused_unless_allowed() {
    let dir = with_picture("low-res", include_bytes!("data/small.png"), "small.png");
    let leaflet = GOOD.replace(
        "  headline: Free them\n",
        "  headline: Free them\n  image: london-2013\n",
    );
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("picture `london-2013` (assets/small.png) prints at"),
        "{err}"
    );
    assert!(err.contains("add `allow: [low-resolution]`"), "{err}");
    // At the profile's entry for the picture, which names its file.
    let profile =
        std::fs::read_to_string(dir.join("briefings/profiles/kazakhstan/profile.yaml")).unwrap();
    let line = 1 + profile
        .lines()
        .position(|l| l.trim_start().starts_with("london-2013:"))
        .unwrap();
    assert!(
        err.contains(&format!(
            "briefings/profiles/kazakhstan/profile.yaml:{line}:"
        )),
        "{err}"
    );
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("{leaflet}allow: [low-resolution]\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(allowed by the briefing)"),
        "{}",
        stderr(&o)
    );
    // Between 150 and 300 ppi: built, with a warning.
    let dir = with_picture("mid-res", include_bytes!("data/medium.png"), "medium.png");
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("300 is best for print"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_cross_reference_to_a_missing_section_is_an_error() {
    let dir = project("xref");
    let path = dir.join("briefings/profiles/kazakhstan/02-the-regime.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nSee also [](#electons).\n")).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: all\n",
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // Refused at the link, in the section's file.
    assert!(
        err.contains("the link to `#electons` goes nowhere: no section of this briefing or its profile has the id `electons`"),
        "{err}"
    );
    assert!(
        err.contains("--> briefings/profiles/kazakhstan/02-the-regime.md:"),
        "{err}"
    );
    assert!(err.contains("did you mean `#elections`?"), "{err}");
    // Spelt right, it names the section (by number where sections are
    // numbered) and links to its heading.
    std::fs::write(&path, format!("{text}\nSee also [](#elections).\n")).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = Pdf::open(&dir.join("out/b.pdf"));
    let words = words(&pdf.text());
    find_in_order(
        &words,
        &common::words("See also “Elections and Democracy”"),
        0,
        0,
    )
    .unwrap();
    std::fs::write(dir.join("briefings/b.yaml"), "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: all\nnumbering: [sections]\n").unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let words = common::words(&Pdf::open(&dir.join("out/b.pdf")).text());
    find_in_order(&words, &common::words("See also section 3"), 0, 0).unwrap();
}

#[test]
fn a_translation_may_not_cite_a_source_above_the_briefing() {
    let dir = project("translation-source");
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replace("sources:\n", "sources:\n  informant:\n    author: A witness\n    title: Notes\n    audience: confidential\n")).unwrap();
    let ru = dir.join("briefings/profiles/kazakhstan/01-overview.ru.md");
    let text = std::fs::read_to_string(&ru)
        .unwrap()
        .replace("[^rsf]", "[^informant]");
    std::fs::write(&ru, text).unwrap();
    std::fs::write(dir.join("briefings/b.yaml"), format!("{GOOD}lang: ru\n")).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("01-overview.ru.md:"), "{err}");
    assert!(
        err.contains("cites source `informant`, which is for the confidential audience"),
        "{err}"
    );
}

#[test]
fn a_leaflet_may_refer_to_its_sections_by_title() {
    let dir = project("leaflet-xref");
    let path = dir.join("briefings/profiles/kazakhstan/01-overview.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nSee [](#demands).\n")).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        GOOD.replace("[overview]", "[overview, demands]"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let words = words(&Pdf::open(&dir.join("out/b.pdf")).text());
    find_in_order(&words, &common::words("See “Our Demands”"), 0, 0).unwrap();
}

#[test]
fn only_an_explicit_allow_lets_a_confidential_section_through_and_it_is_said() {
    let dir = project("allow-section");
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-contacts.md"),
        "---\nid: contacts\ntitle: Contacts in Almaty\naudience: confidential\n---\nAsk for the lawyer at the court.\n",
    )
    .unwrap();
    let with = GOOD.replace("[overview]", "[overview, contacts]");
    std::fs::write(dir.join("briefings/b.yaml"), &with).unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Only `allow: [section: contacts]`"),
        "{}",
        stderr(&o)
    );
    // Allowing another section, or a tag, does not let it through.
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("{with}allow:\n  - section: overview\n"),
    )
    .unwrap();
    assert_eq!(
        handbill(&dir, &["build", "briefings/b.yaml"]).status.code(),
        Some(1)
    );
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("{with}allow:\n  - section: contacts\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("section `contacts` (confidential audience) is in this public briefing because its `allow:` says so"), "{}", stderr(&o));
    let text = Pdf::open(&dir.join("out/b.pdf")).text();
    assert!(text.contains("Contacts in Almaty"));
}

#[test]
fn a_logo_too_coarse_for_print_is_refused_at_its_line() {
    let dir = project("coarse-logo");
    std::fs::write(dir.join("assets/logo.png"), include_bytes!("data/tiny.png")).unwrap();
    let (err, _) = fails_in(
        &dir,
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview]\nlogo: assets/logo.png\n",
    );
    assert!(
        err.contains("error: picture `logo` (assets/logo.png) prints at")
            && err.contains(" --> briefings/b.yaml:5:7\n"),
        "{err}"
    );
    assert!(err.contains("allow: [low-resolution]"), "{err}");
}

#[test]
fn with_two_mistakes_the_first_in_the_pipeline_is_reported() {
    // The template is compiled while the profile is read; the profile's
    // mistake still comes first, as the pipeline reads it first.
    let dir = project("two-mistakes");
    let (err, _) = fails_in(
        &dir,
        "profile: kazakstan\ntemplate: leaflet-a4\naudience: public\nsections: [overview]\n",
    );
    assert!(err.contains("kazakstan"), "{err}");
    assert!(!err.contains("leaflet-a4"), "{err}");
    // With the profile right, the template's mistake is the one.
    let (err, _) = fails_in(
        &dir,
        "profile: kazakhstan\ntemplate: leaflet-a4\naudience: public\nsections: [overview]\n",
    );
    assert!(err.contains("there is no template `leaflet-a4`"), "{err}");
}

#[test]
fn a_bad_source_date_epoch_is_an_error_not_ignored() {
    let dir = project("bad-epoch");
    std::fs::write(dir.join("briefings/b.yaml"), GOOD).unwrap();
    for bad in ["soon", "1.5e9", "-1", "99999999999999", "2013-03-01"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_handbill"))
            .args(["build", "briefings/b.yaml"])
            .current_dir(&dir)
            .env("SOURCE_DATE_EPOCH", bad)
            .output()
            .unwrap();
        let err = stderr(&o);
        // Refused before any briefing is read, as a wrong option is.
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("SOURCE_DATE_EPOCH is"), "{bad}: {err}");
        assert!(
            err.contains("help: set it to whole seconds"),
            "{bad}: {err}"
        );
        assert!(!dir.join("out/b.pdf").exists(), "{bad}");
    }
}

#[test]
fn of_a_citation_fault_and_a_section_too_confidential_the_first_picked_is_told() {
    let dir = overview_citing_a_confidential_source("first-fault");
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-sources.md"),
        "---\nid: contacts\ntitle: Contacts in Almaty\naudience: confidential\n---\nNames.\n",
    )
    .unwrap();
    for (sections, told) in [
        (
            "[overview, contacts]",
            "section `overview` cites source `informant`",
        ),
        (
            "[contacts, overview]",
            "section `contacts` is for the confidential audience",
        ),
    ] {
        std::fs::write(
            dir.join("briefings/b.yaml"),
            GOOD.replace("[overview]", sections),
        )
        .unwrap();
        let o = handbill(&dir, &["build", "briefings/b.yaml"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(told), "{sections}: {err}");
    }
}

#[test]
fn a_translation_is_read_under_the_name_the_message_gives_it() {
    // Crimean Tatar has no two-letter code: its tag is `crh`.
    let dir = project("translation-three-letters");
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("{GOOD}lang: crh\ntranslations: required\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["check", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let named = err
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .find(|w| w.starts_with("01-overview.") && w.ends_with(".md"))
        .unwrap_or_else(|| panic!("no file named: {err}"));
    assert_eq!(named, "01-overview.crh.md");
    let profile = dir.join("briefings/profiles/kazakhstan");
    let text = std::fs::read_to_string(profile.join("01-overview.ru.md")).unwrap();
    std::fs::write(profile.join(named), text).unwrap();
    let o = handbill(&dir, &["check", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A private-use tag names no language a file could be named with.
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("{GOOD}lang: x-campaign\ntranslations: required\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["check", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("no file can hold a translation"), "{err}");
    assert!(!err.contains(".x.md"), "{err}");
}

#[test]
fn a_profile_file_that_is_a_named_pipe_is_refused_as_one() {
    let dir = project("profile-pipe");
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    std::fs::remove_file(&profile).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&profile)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(dir.join("briefings/b.yaml"), GOOD).unwrap();
    let o = handbill(&dir, &["check", "briefings/b.yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("profile.yaml: it is not a plain file"),
        "{err}"
    );
    assert!(!err.contains("there is no profile"), "{err}");
}
