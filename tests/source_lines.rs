//! Messages about the text point at the section file and line it was
//! written at: the typesetting report's rows and the warning for a
//! character no font has (the overset error is in the bad-input corpus,
//! cases 090 and 320). And the laid-out pages know where each block of
//! section text lies, for the preview.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

/// A frame two lines tall, then one that holds the rest: a three-line
/// paragraph leaves a widow in the second.
const TEMPLATE: &str = r#"<document title="{{briefing.title}}">
  <master name="m" size="A6" margin="10mm"/>
  <page master="m">
    <frame name="top" flow="main" x="10mm" y="10mm" width="60mm" height="10mm"/>
    <frame name="rest" flow="main" x="10mm" y="24mm" width="60mm" height="110mm"/>
  </page>
  <flow name="main">{{#each sections}}{{{body}}}{{/each}}<p>The template's own text.</p></flow>
</document>
"#;

/// The section: seven lines of front matter, then the paragraphs the
/// messages are about, a footnote between them.
const SECTION: &str = "---
id: overview
title: Overview
tags:
  - leaflet
audience: public
---
Oil workers in Zhanaozen struck for months for equal pay, and the police shot at them in the square.[^n]

[^n]: As the families told it
    to the campaign.

The case number 12345678901234567890123456789012345678901234567890 is too long for any line.

A snowman stands in the text,
and ☃ is how it is written.
";

const SECTION_FILE: &str = "briefings/profiles/kazakhstan/01-overview.md";

fn project_with_section() -> PathBuf {
    let dir = project("source-lines");
    std::fs::write(dir.join(SECTION_FILE), SECTION).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/t.hbs"), TEMPLATE).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\n",
    )
    .unwrap();
    dir
}

/// What `handbill build --report` says about the section's text: its
/// report rows and warnings (the lines that name the section file).
fn report_of(dir: &Path) -> String {
    let o = handbill_with_overfull_lines(
        dir,
        &["build", "briefings/b.yaml", "--report", "--out", "out"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    text.lines()
        .filter(|l| l.contains(SECTION_FILE))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn report_rows_and_warnings_name_the_section_file_and_line() {
    let dir = project_with_section();
    let text = report_of(&dir);
    // The paragraph on line 8 leaves a widow; the long number on line 13
    // sticks out; the snowman in the paragraph from line 15 has no glyph:
    // the warning points at it, on line 16, column 5.
    for expected in [
        &format!(
            "widow or orphan: a widow (one line at the head of frame `top`), page 1 ({SECTION_FILE}:8)"
        )[..],
        &format!("“The case number” ({SECTION_FILE}:13)"),
        &format!("--> {SECTION_FILE}:16:5"),
    ] {
        assert!(text.contains(expected), "no `{expected}` in:\n{text}");
    }
    // Five lines: the report's three rows, and the places of the overfull
    // line's warning and the snowman's.
    assert_eq!(text.lines().count(), 5, "{text}");
    insta::assert_snapshot!(text);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The files of the sections the sample leaflet shows.
const LEAFLET_FILES: [&str; 5] = [
    "briefings/profiles/kazakhstan/01-overview.md",
    "briefings/profiles/kazakhstan/05-oil-workers-strike.md",
    "briefings/profiles/kazakhstan/06-roza-tuletaeva.md",
    "briefings/profiles/kazakhstan/07-vadim-kuramshin.md",
    "briefings/profiles/kazakhstan/09-demands.md",
];

#[test]
fn the_source_boxes_of_the_sample_leaflet_name_the_lines_their_text_is_on() {
    let laid = handbill::Build::new(repo().join("briefings/london-protest-leaflet.yaml"))
        .lay_out()
        .expect("the sample leaflet lays out");
    let pages = &laid.pages;
    let boxes = pages.source_boxes();
    let files: BTreeSet<String> = boxes
        .iter()
        .map(|b| b.source.file.display().to_string())
        .collect();
    assert_eq!(files, LEAFLET_FILES.map(String::from).into());
    for b in &boxes {
        let page = &pages.pages[b.page];
        assert!(
            b.x >= 0.0
                && b.y >= 0.0
                && b.x + b.width <= page.width
                && b.y + b.height <= page.height,
            "{b:?} lies off its page"
        );
        // The first word of text in the box is in the paragraph that
        // starts on the line it names.
        let first = page
            .items
            .iter()
            .filter_map(|p| match &p.item {
                handbill::layout::Item::Text(run) => Some(run),
                _ => None,
            })
            .find(|run| {
                run.x >= b.x - 0.01
                    && run.x < b.x + b.width
                    && run.y > b.y
                    && run.y < b.y + b.height
                    && run
                        .text
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| w.len() > 3)
            })
            .unwrap_or_else(|| panic!("no text in {b:?}"));
        let word = first
            .text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| w.len() > 3)
            .unwrap_or_else(|| panic!("no word in “{}”", first.text));
        let text = std::fs::read_to_string(repo().join(&b.source.file)).unwrap();
        let paragraph: String = text
            .lines()
            .skip(b.source.line - 1)
            .take_while(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            paragraph.contains(word),
            "{}: “{word}” is not in “{paragraph}”",
            b.source
        );
    }
    // The leaflet's sections are set on both pages, in many paragraphs.
    assert!(boxes.iter().any(|b| b.page == 0) && boxes.iter().any(|b| b.page == 1));
    assert!(boxes.len() > 15, "{}", boxes.len());
}

#[test]
fn an_overfull_line_is_quoted_by_its_start_not_whole() {
    // A pasted text with no space in it is one line, however long.
    let dir = project_with_section();
    let word = "1234567890".repeat(1000);
    std::fs::write(
        dir.join(SECTION_FILE),
        format!("---\nid: overview\ntitle: Overview\n---\n{word}\n"),
    )
    .unwrap();
    let text = report_of(&dir);
    assert!(
        text.contains(&format!("“{}…”", "1234567890".repeat(20))),
        "{text}"
    );
    assert!(text.len() < 2_000, "{} bytes of messages", text.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_link_to_a_section_whose_heading_has_no_id_is_told_at_its_line() {
    // A project's template that writes the sections' headings without
    // `id="sec-…"`: the link to the section can go nowhere.
    let dir = project("dead-link");
    std::fs::write(
        dir.join(SECTION_FILE),
        "---\nid: overview\ntitle: Overview\naudience: public\n---\nThe strike.\n\nSee [the strike](#overview) above.\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/t.hbs"),
        r#"<document title="{{briefing.title}}"><master name="m" size="A5" margin="15mm"/><pages master="m" flow="main"/><flow name="main">{{#each sections}}<h1>{{title}}</h1>{{{body}}}{{/each}}</flow></document>"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\n",
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/b.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: b: the link to `#sec-overview` goes nowhere"),
        "{err}"
    );
    // At the link itself, its line shown.
    assert!(err.contains(&format!("{SECTION_FILE}:8:18")), "{err}");
    assert!(
        err.contains("8 | See [the strike](#overview) above."),
        "{err}"
    );
    assert!(err.contains(r#"<h1 id="sec-{{id}}">"#), "{err}");
}
