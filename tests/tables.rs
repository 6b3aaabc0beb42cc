//! Tables, read back from the PDF: the sample pack's chronology, and a set
//! of tables that test the column widths, alignment, a table longer than a
//! page, a row taller than one, notes and links in cells; code blocks and
//! the Markdown handbill leaves out, with their warnings.

mod common;

use common::*;
use std::path::Path;

/// Builds the one-section pack `briefing`; the PDF's path and the build's
/// messages.
fn build(briefing: &Path, extra_args: &[&str]) -> (std::path::PathBuf, String) {
    let dir = briefing.parent().unwrap().parent().unwrap();
    let mut args = vec!["build", "briefings/b.yaml", "--out", "out"];
    args.extend_from_slice(extra_args);
    let out = handbill(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let messages = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    (dir.join("out/b.pdf"), messages)
}

/// The text of the first page of the PDF at `path` that holds `needle`.
fn page_with(path: &Path, needle: &str) -> String {
    let pages = Pdf::open(path).page_count();
    (1..=pages)
        .map(|p| layout_text(path, p))
        .find(|t| t.contains(needle))
        .unwrap_or_else(|| panic!("no page holds {needle}"))
}

/// The elements under the first `Table` of the structure: (depth below
/// the table, type, scope).
fn table_structure(pdf: &Pdf) -> Vec<(usize, String, Option<String>)> {
    let roles = structure_roles(pdf);
    let at = roles
        .iter()
        .position(|(_, r, _)| r == "Table")
        .expect("a Table element");
    let depth = roles[at].0;
    roles[at + 1..]
        .iter()
        .take_while(|(d, _, _)| *d > depth)
        .map(|(d, r, s)| (d - depth, r.clone(), s.clone()))
        .collect()
}

#[test]
fn the_sample_chronology_is_a_table_across_the_page() {
    let out = build_samples(
        "chronology",
        "print",
        &["briefings/legal-delegation-pack.yaml"],
    );
    let path = out.join("legal-delegation-pack.pdf");
    let pdf = Pdf::open(&path);
    let page = (1..=pdf.page_count())
        .find(|&p| layout_text(&path, p).contains("What happened"))
        .expect("a page with the chronology");
    let text = layout_text(&path, page);
    let lines: Vec<&str> = text.lines().collect();
    // Each row's date and the start of its event on one line, in order.
    let rows = [
        ("2011", "Protests from different"),
        ("April 2011", "Presidential elections"),
        ("Mid-2011", "Oil workers take"),
        ("16 December 2011", "The state attacks"),
        ("2012", "Roza Tuletaeva"),
        ("December 2012", "Vadim Kuramshin is sent"),
        ("14 February 2013", "The Court of Taraz"),
    ];
    let mut at = lines
        .iter()
        .position(|l| l.contains("Date") && l.contains("What happened") && l.contains("Source"))
        .expect("the header row on one line");
    for (date, event) in rows {
        let found = lines[at + 1..]
            .iter()
            .position(|l| l.trim_start().starts_with(date) && l.contains(event))
            .unwrap_or_else(|| panic!("no line “{date} … {event}” after line {at}:\n{text}"));
        at += 1 + found;
    }
    // Across the page: the first column at the left margin, the last
    // beyond the middle of the A4 page (595 pt wide).
    let boxes = word_boxes(&path);
    let x_of = |word: &str| {
        boxes
            .iter()
            .find(|(p, _, _, _, w)| *p == page && w == word)
            .map(|b| b.1)
            .unwrap_or_else(|| panic!("no word {word} on page {page}"))
    };
    assert!(x_of("Date") < 100.0, "Date at {}", x_of("Date"));
    assert!(x_of("Source") > 350.0, "Source at {}", x_of("Source"));
    // The structure: Table, THead with a row of three TH (scope Column),
    // TBody with seven rows of three TD.
    let s = table_structure(&pdf);
    let rows_of = |group: &str| {
        let start = s
            .iter()
            .position(|(d, r, _)| *d == 1 && r == group)
            .unwrap();
        s[start + 1..]
            .iter()
            .take_while(|(d, _, _)| *d > 1)
            .filter(|(d, _, _)| *d == 2)
            .count()
    };
    assert_eq!(rows_of("THead"), 1, "{s:?}");
    assert_eq!(rows_of("TBody"), 7, "{s:?}");
    let th: Vec<_> = s.iter().filter(|(_, r, _)| r == "TH").collect();
    assert_eq!(th.len(), 3, "{s:?}");
    assert!(
        th.iter()
            .all(|(_, _, scope)| scope.as_deref() == Some("Column")),
        "{th:?}"
    );
    assert_eq!(s.iter().filter(|(_, r, _)| r == "TD").count(), 21, "{s:?}");
    assert!(
        s.iter()
            .filter(|(d, _, _)| *d == 3)
            .all(|(_, r, _)| r == "TH" || r == "TD")
    );
}

#[test]
fn a_table_longer_than_a_page_repeats_its_header_on_every_page() {
    let rows: String = (1..=90)
        .map(|i| format!("| Defendant {i} | {} years | Aktau |\n", i % 12 + 1))
        .collect();
    let body = format!("Those convicted.\n\n| Name | Sentence | Court |\n|---|---|---|\n{rows}");
    let briefing = one_section_pack("long-table", &body, None, "");
    let (path, messages) = build(&briefing, &["--report"]);
    assert!(!messages.contains("split table row"), "{messages}");
    let pdf = Pdf::open(&path);
    let pages: Vec<usize> = (1..=pdf.page_count())
        .filter(|&p| layout_text(&path, p).contains("Defendant"))
        .collect();
    assert!(pages.len() >= 3, "the table runs over {pages:?}");
    for p in &pages {
        let text = layout_text(&path, *p);
        let heads = text
            .lines()
            .filter(|l| l.contains("Name") && l.contains("Sentence") && l.contains("Court"))
            .count();
        assert_eq!(heads, 1, "page {p} has the header {heads} times:\n{text}");
    }
    // Every row once, in order, never split over two pages.
    let all: String = pages.iter().map(|&p| layout_text(&path, p)).collect();
    let mut at = 0;
    for i in 1..=90 {
        let row = format!("Defendant {i} ");
        let found = all[at..].find(&row).unwrap_or_else(|| panic!("no {row}"));
        at += found;
        let line = all[at..].lines().next().unwrap();
        assert!(line.contains("years") && line.contains("Aktau"), "{line}");
    }
    // Read once: the repeated headers are artifacts.
    let s = table_structure(&pdf);
    assert_eq!(s.iter().filter(|(_, r, _)| r == "TH").count(), 3, "{s:?}");
    assert_eq!(s.iter().filter(|(_, r, _)| r == "TR").count(), 91);
}

#[test]
fn a_row_taller_than_a_page_is_split_and_named_in_the_report() {
    let long = "The trial was condemned for breaching the court's own procedures. ".repeat(180);
    let body = format!(
        "| Case | Account |\n|---|---|\n| Kuramshin | {long} |\n| Tuletaeva | Seven years. |\n"
    );
    let briefing = one_section_pack("tall-row", &body, None, "");
    let (path, messages) = build(&briefing, &["--report"]);
    assert!(
        messages.contains("split table row: a row of the table “Case · Account”"),
        "{messages}"
    );
    let pdf = Pdf::open(&path);
    let pages: Vec<usize> = (1..=pdf.page_count())
        .filter(|&p| layout_text(&path, p).contains("breaching"))
        .collect();
    assert!(pages.len() >= 2, "{pages:?}");
    // The header above the rest of the row on the next page too.
    for p in pages {
        assert!(layout_text(&path, p).contains("Account"), "page {p}");
    }
}

#[test]
fn figures_in_a_right_aligned_column_line_up_on_the_right() {
    let body = "| Year | Detained | Killed |\n|:---|---:|:---:|\n| 2011 | 10000 | 11 |\n| 2012 | 238 | 70 |\n| 2013 | 5 | 4 |\n";
    let briefing = one_section_pack("aligned", body, None, "");
    let (path, _) = build(&briefing, &[]);
    let boxes = word_boxes(&path);
    let find = |w: &str| {
        boxes
            .iter()
            .find(|b| b.4 == w)
            .unwrap_or_else(|| panic!("no {w}"))
    };
    let right: Vec<f32> = ["Detained", "10000", "238", "5"]
        .iter()
        .map(|w| find(w).3)
        .collect();
    for r in &right {
        assert!((r - right[0]).abs() < 0.6, "right edges {right:?}");
    }
    let left: Vec<f32> = ["10000", "238", "5"].iter().map(|w| find(w).1).collect();
    assert!(
        left[0] < left[1] && left[1] < left[2],
        "left edges {left:?}"
    );
    // Centred: the middles of 11 and 4 agree; the first column on the left.
    let mid = |w: &str| (find(w).1 + find(w).3) / 2.0;
    assert!((mid("11") - mid("4")).abs() < 0.6);
    assert!((find("2011").1 - find("2013").1).abs() < 0.1);
}

#[test]
fn wide_and_narrow_columns_share_the_width_and_long_words_stay_whole() {
    let body = "| No. | Prize | Account |\n|---|---|---|\n| 18 | Ludovic-Trarieux | Vadim Kuramshin is a well-known lawyer and human rights defender who has worked for many years to expose the ill-treatment of prisoners in Kazakhstan. |\n| 1 | Internationalisation | Short. |\n";
    let briefing = one_section_pack("widths", body, None, "");
    let (path, messages) = build(&briefing, &["--report"]);
    assert!(messages.contains(" 0 overfull"), "{messages}");
    let boxes = word_boxes(&path);
    let find = |w: &str| {
        boxes.iter().find(|b| b.4 == w).unwrap_or_else(|| {
            panic!(
                "no {w} in {:?}",
                boxes.iter().map(|b| &b.4).collect::<Vec<_>>()
            )
        })
    };
    // The longest word of the middle column, whole on one line.
    find("Internationalisation");
    // Narrow columns take what their text needs; the prose the rest.
    let (no, prize, account) = (find("No.").1, find("Prize").1, find("Account").1);
    assert!(prize - no < 40.0, "{no} {prize}");
    assert!(account - prize < 110.0, "{prize} {account}");
    let prose = boxes
        .iter()
        .filter(|b| b.1 >= account - 0.5)
        .map(|b| b.3)
        .fold(0.0, f32::max);
    assert!(prose > 450.0, "the prose runs to {prose}");
}

#[test]
fn cells_hold_emphasis_links_and_footnotes() {
    let body = "| Source | Note |\n|---|---|\n| *Reporters* | See [the report](https://rsf.org/en/kazakhstan) on media.[^rsf] |\n";
    let briefing = one_section_pack("cell-notes", body, None, "");
    let (path, _) = build(&briefing, &[]);
    let pdf = Pdf::open(&path);
    let text = page_with(&path, "See the report");
    assert!(text.contains("See the report on media.1"), "{text}");
    // The note at the foot of the page of its mark.
    let note = text
        .lines()
        .position(|l| l.trim_start().starts_with("1") && l.contains("Reporters Without Borders"))
        .expect("the footnote");
    let row = text
        .lines()
        .position(|l| l.contains("See the report"))
        .unwrap();
    assert!(note > row, "{text}");
    // The link is a link; the emphasis italic.
    assert!(String::from_utf8_lossy(&pdf.bytes).contains("rsf.org/en/kazakhstan"));
    assert!(
        pdf.fonts()
            .iter()
            .any(|(name, _, _)| name.contains("Sans-Italic")),
        "{:?}",
        pdf.fonts()
    );
    // The note is in the cell, after its text.
    let s = table_structure(&pdf);
    let td = s.iter().rposition(|(_, r, _)| r == "TD").unwrap();
    let depth = s[td].0;
    let kids: Vec<&str> = s[td + 1..]
        .iter()
        .filter(|(d, _, _)| *d == depth + 1)
        .map(|(_, r, _)| r.as_str())
        .collect();
    assert_eq!(kids, ["P", "Note"], "{s:?}");
    assert!(s[td + 1..].iter().any(|(_, r, _)| r == "Link"), "{s:?}");
}

#[test]
fn a_table_too_wide_for_a_leaflet_stacks_when_the_briefing_says_so() {
    let dir = project("stacked");
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/01-overview.md"),
        "---\nid: overview\ntitle: Overview\n---\n| Court | Proceedings | Verdict | Sentence | Representation | Observation | Reporting |\n|---|---|---|---|---|---|---|\n| Taraz | Reinvestigation | Conviction | Imprisonment | Unrepresented | Prohibited | Censored |\n",
    )
    .unwrap();
    let yaml = "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n";
    std::fs::write(dir.join("briefings/b.yaml"), yaml).unwrap();
    let out = handbill(&dir, &["build", "briefings/b.yaml", "--out", "out"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("the table “Court · Proceedings"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("in the section “Overview”"),
        "{}",
        stderr(&out)
    );
    let pdf = build_briefing(&dir, "b", &format!("{yaml}tables: stack\n"));
    drop(pdf);
    let text = page_with(&dir.join("out/b.pdf"), "Court:");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for (k, v) in [
        ("Court:", "Taraz"),
        ("Proceedings:", "Reinvestigation"),
        ("Reporting:", "Censored"),
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(k) && l.contains(v)),
            "{k} {v}:\n{text}"
        );
    }
}

#[test]
fn code_blocks_are_set_as_blocks_and_html_is_left_out_with_a_warning() {
    let body = "Before.\n\n```\nfn main() {\n    print(\"hi\");\n}\n```\n\n<div class=\"x\">\n<b>raw</b>\n</div>\n\n- [ ] a task\n\nAfter.\n";
    let briefing = one_section_pack("code", body, None, "");
    let (path, messages) = build(&briefing, &[]);
    // Front matter: 4 lines, then the body; the HTML block is on its 9th.
    assert!(
        messages.contains("warning: an HTML block is left out: handbill prints no HTML\n--> briefings/profiles/kazakhstan/01-overview.md:13"),
        "{messages}"
    );
    assert!(
        messages.contains("warning: a task list's check box is left out (the item is kept)\n--> briefings/profiles/kazakhstan/01-overview.md:17"),
        "{messages}"
    );
    let text = page_with(&path, "Before.");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = lines
        .iter()
        .position(|l| *l == "fn main() {")
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(lines[at + 1], "print(\"hi\");");
    assert_eq!(lines[at + 2], "}");
    for raw in ["<div", "<b>", "raw", "[ ]", "```"] {
        assert!(!text.contains(raw), "{raw} printed:\n{text}");
    }
    assert!(text.contains("a task") && text.contains("After."));
}

/// A row with more cells than the header loses the rest (as GitHub's
/// tables do), said at the row; one with fewer gets empty cells.
#[test]
fn cells_beyond_the_header_are_left_out_with_a_warning_at_the_row() {
    let body =
        "Before.\n\n| Date | Event |\n|---|---|\n| 2011 | Strike | Witness: Ivanov |\n| 2012 |\n";
    let briefing = one_section_pack("extra-cells", body, None, "");
    let (path, messages) = build(&briefing, &[]);
    // Front matter: 4 lines; the row is the body's 5th line.
    assert!(
        messages.contains("warning: this table row has more cells than the table's header, and the cells beyond the header's columns are left out: `Witness: Ivanov`\n --> briefings/profiles/kazakhstan/01-overview.md:9:19"),
        "{messages}"
    );
    assert!(
        messages.contains("add a column to the header and to the line of dashes under it, or join the cells into one"),
        "{messages}"
    );
    let text = page_with(&path, "Strike");
    assert!(text.contains("2012"), "{text}");
    assert!(
        !text.contains("Ivanov"),
        "left out, as the warning says:\n{text}"
    );
}

#[test]
fn a_table_too_wide_for_its_box_stacks_with_a_warning_never_lost() {
    let template = r#"<document title="t"><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/>
<flow name="main"><box><table><thead><tr><th>Court</th><th>Proceedings</th><th>Representation</th><th>Observation</th></tr></thead>
<tr><td>Taraz</td><td>Reinvestigation</td><td>Unrepresented</td><td>Prohibited</td></tr></table></box></flow></document>"#;
    let briefing = one_section_pack("boxed-table", "Text.", Some(template), "");
    let (path, messages) = build(&briefing, &[]);
    assert!(
        messages.contains("the table “Court · Proceedings · Representation · Observation” is in a box narrower than its columns' widest words"),
        "{messages}"
    );
    let text = page_with(&path, "Court:");
    for (k, v) in [("Court:", "Taraz"), ("Observation:", "Prohibited")] {
        assert!(
            text.lines()
                .any(|l| l.trim().starts_with(k) && l.contains(v)),
            "{k} {v}:\n{text}"
        );
    }
}

#[test]
fn fixed_column_widths_from_the_markup_are_kept() {
    // A5, 15 mm margins: the table is 118 mm wide; its first column 40 mm.
    let template = r#"<document title="t"><master name="m" size="A5" margin="15mm"/><pages master="m" flow="main"/>
<flow name="main"><table widths="40mm"><col/><col width="30%" align="right"/><col/>
<thead><tr><th>Who</th><th>Years</th><th>Where</th></tr></thead>
<tr><td>Kuramshin</td><td>12</td><td>Taraz</td></tr></table></flow></document>"#;
    let briefing = one_section_pack("fixed-widths", "Text.", Some(template), "");
    let (path, _) = build(&briefing, &[]);
    let boxes = word_boxes(&path);
    let find = |w: &str| {
        boxes
            .iter()
            .find(|b| b.4 == w)
            .unwrap_or_else(|| panic!("no {w}"))
    };
    let mm = 72.0 / 25.4;
    let (left, padding) = (15.0 * mm, 3.5);
    // Who at the left edge; Years ends 30 % of the table after the first
    // column; Where starts after both.
    assert!(
        (find("Who").1 - (left + padding)).abs() < 0.6,
        "{:?}",
        find("Who")
    );
    let years_right = left + 40.0 * mm + 0.3 * 118.0 * mm - padding;
    assert!(
        (find("Years").3 - years_right).abs() < 0.6,
        "{:?} vs {years_right}",
        find("Years")
    );
    assert!((find("12").3 - years_right).abs() < 0.6);
    let where_left = left + 40.0 * mm + 0.3 * 118.0 * mm + padding;
    assert!(
        (find("Where").1 - where_left).abs() < 0.6,
        "{:?} vs {where_left}",
        find("Where")
    );
}
