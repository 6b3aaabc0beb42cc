//! Formats as a print shop and a reader would check them: the sheet is the
//! size the format says, it folds where its panels meet, and a folded
//! leaflet reads in the order its panels come to hand.

mod common;

use std::path::Path;

use common::*;
use handbill::layout::Item;

const MM: f32 = 72.0 / 25.4;

/// The x positions (mm from the trim's left edge) of the dashed fold marks
/// on `page` (0-based) of a print PDF.
fn fold_marks(pdf: &Pdf, page: usize) -> Vec<f32> {
    let id = pdf.doc.get_pages()[&(page as u32 + 1)];
    let trim = pdf.page_box(page, b"TrimBox").expect("a TrimBox");
    let ops = lopdf::content::Content::decode(&pdf.doc.get_page_content(id))
        .unwrap()
        .operations;
    let mut dashed = false;
    let mut xs: Vec<f32> = Vec::new();
    for op in &ops {
        match op.operator.as_str() {
            "q" | "Q" => dashed = false,
            "d" => {
                dashed = op.operands[0]
                    .as_array()
                    .is_ok_and(|pattern| !pattern.is_empty())
            }
            "m" if dashed => {
                let x = op.operands[0].as_float().unwrap();
                let mm = ((x - trim[0]) / MM * 10.0).round() / 10.0;
                if !xs.contains(&mm) {
                    xs.push(mm);
                }
            }
            _ => {}
        }
    }
    xs.sort_by(f32::total_cmp);
    xs
}

#[test]
fn the_tri_fold_folds_where_its_panels_meet_and_its_fold_in_panel_is_narrower() {
    let pdf = build_pdf(&repo(), "briefings/london-protest-dl.yaml");
    assert_eq!(pdf.page_count(), 2, "an outside and an inside");
    for page in 0..2 {
        let trim = pdf.page_box(page, b"TrimBox").unwrap();
        let bleed = pdf.page_box(page, b"BleedBox").unwrap();
        assert!(((trim[2] - trim[0]) / MM - 297.0).abs() < 0.05, "{trim:?}");
        assert!(((trim[3] - trim[1]) / MM - 210.0).abs() < 0.05, "{trim:?}");
        assert!(((trim[0] - bleed[0]) / MM - 3.0).abs() < 0.05, "{bleed:?}");
    }
    // Outside: flap | back | cover. Inside: left | middle | right.
    let outside = fold_marks(&pdf, 0);
    let inside = fold_marks(&pdf, 1);
    assert_eq!(outside, vec![97.0, 197.0]);
    assert_eq!(inside, vec![100.0, 200.0]);
    // The sides are back to back: a fold at x outside is at 297 − x inside.
    let mirrored: Vec<f32> = inside.iter().rev().map(|x| 297.0 - x).collect();
    assert_eq!(outside, mirrored);
    // The panel that folds in (outside left, inside right) is narrower by
    // 2 to 3 mm than the panels it folds against.
    let flap = outside[0];
    let inside_right = 297.0 - inside[1];
    assert_eq!(flap, inside_right);
    for other in [outside[1] - outside[0], 297.0 - outside[1], inside[0]] {
        assert!((2.0..=3.0).contains(&(other - flap)), "{other} vs {flap}");
    }
}

/// Which panel of the tri-fold a point is on, as its place in reading order.
fn dl_reading_place(page: usize, x: f32) -> usize {
    let x = x / MM;
    match (page, x) {
        (0, x) if x >= 197.0 => 1, // cover
        (1, x) if x < 100.0 => 2,  // inside left
        (1, x) if x < 200.0 => 3,  // inside middle
        (1, _) => 4,               // inside right
        (0, x) if x < 97.0 => 5,   // flap
        _ => 6,                    // back
    }
}

#[test]
fn the_tri_fold_reads_cover_inside_then_back() {
    let laid = handbill::Build::new(repo().join("briefings/london-protest-dl.yaml"))
        .lay_out()
        .expect("it builds");
    let pages = &laid.pages.pages;
    let runs: Vec<(usize, f32, &str)> = pages
        .iter()
        .enumerate()
        .flat_map(|(n, p)| {
            p.items.iter().filter_map(move |i| match &i.item {
                Item::Text(r) => Some((n, r.x, &*r.text)),
                _ => None,
            })
        })
        .collect();
    let place_of = |text: &str| {
        let (page, x, _) = runs
            .iter()
            .find(|(_, _, t)| t.contains(text))
            .unwrap_or_else(|| panic!("“{text}” is not on the leaflet"));
        dl_reading_place(*page, *x)
    };
    assert_eq!(place_of("Stop the"), 1, "the headline is on the cover");
    assert_eq!(
        place_of("Saturday 12 December"),
        5,
        "the time and place are on the flap, seen on opening the cover"
    );
    assert_eq!(place_of("Scan for the"), 6, "the QR code is on the back");
    assert_eq!(place_of("Called by"), 6, "the organisers are on the back");
    // The sections follow each other panel by panel in reading order, and
    // the story crosses both folds of the inside.
    let briefing =
        std::fs::read_to_string(repo().join("briefings/london-protest-dl.yaml")).unwrap();
    let profile = repo().join("briefings/profiles/kazakhstan");
    let mut places = Vec::new();
    for id in briefing
        .lines()
        .skip_while(|l| !l.starts_with("sections:"))
        .skip(1)
        .map_while(|l| l.strip_prefix("  - "))
    {
        let file = std::fs::read_dir(&profile)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.ends_with(&format!("-{id}.md"))
            })
            .unwrap();
        let (title, _) = section_text(&file);
        // The heading's first line: a run that begins the title.
        let (page, x, _) = runs
            .iter()
            .find(|(_, _, t)| {
                let t = t.trim();
                t.len() >= title.len().min(12) && title.starts_with(t)
            })
            .unwrap_or_else(|| panic!("no heading “{title}”"));
        places.push((title, dl_reading_place(*page, *x)));
    }
    assert!(places.len() >= 5, "{places:?}");
    assert!(
        places.windows(2).all(|w| w[0].1 <= w[1].1),
        "sections out of reading order: {places:?}"
    );
    // A folded leaflet's cover carries the headline and picture alone.
    assert_eq!(places[0].1, 2, "the first section opens the inside");
    assert!(places.last().unwrap().1 >= 3, "{places:?}");
}

/// A briefing of the sample leaflet's values on `format`, with `sections`.
fn leaflet_on(dir: &Path, format: &str, sections: &str) {
    let text = std::fs::read_to_string(repo().join("briefings/london-protest-leaflet.yaml"))
        .unwrap()
        .replace("format: a5", &format!("format: {format}"));
    let start = text.find("sections:").unwrap();
    let end = text.find("values:").unwrap();
    let text = format!("{}sections: {sections}\n{}", &text[..start], &text[end..]);
    std::fs::write(dir.join(format!("briefings/{format}.yaml")), text).unwrap();
}

#[test]
fn every_built_in_format_prints_at_its_size_with_folds_where_it_says() {
    let dir = project("formats");
    for (format, sections) in [
        ("a3", "[overview, oil-workers-strike, demands]"),
        ("a4", "[overview, demands]"),
        (
            "a5-folded",
            "[overview, the-regime, oil-workers-strike, roza-tuletaeva, vadim-kuramshin, demands]",
        ),
        ("a6", "[overview]"),
    ] {
        leaflet_on(&dir, format, sections);
    }
    let cases: [(&str, f32, f32, Vec<Vec<f32>>); 4] = [
        ("a3", 297.0, 420.0, vec![vec![]]),
        ("a4", 210.0, 297.0, vec![vec![]]),
        ("a5-folded", 297.0, 210.0, vec![vec![148.5], vec![148.5]]),
        ("a6", 105.0, 148.0, vec![vec![], vec![]]),
    ];
    for (format, w, h, folds) in cases {
        let pdf = build_pdf(&dir, &format!("briefings/{format}.yaml"));
        assert_eq!(pdf.page_count(), folds.len(), "{format}");
        for (page, expected) in folds.iter().enumerate() {
            let trim = pdf.page_box(page, b"TrimBox").unwrap();
            let size = ((trim[2] - trim[0]) / MM, (trim[3] - trim[1]) / MM);
            assert!(
                (size.0 - w).abs() < 0.05 && (size.1 - h).abs() < 0.05,
                "{format}: {size:?}"
            );
            assert_eq!(&fold_marks(&pdf, page), expected, "{format} page {page}");
        }
        // The headline and the event are on it: nothing was dropped.
        let text = words(&pdf.text());
        find_in_order(&text, &words("Stop the repression in Kazakhstan"), 0, 0).unwrap();
        find_in_order(&text, &words("Embassy of the Republic of Kazakhstan"), 0, 0).unwrap();
    }
}

#[test]
fn a_project_format_is_a_few_lines_of_yaml() {
    let dir = project("own-format");
    std::fs::create_dir_all(dir.join("formats")).unwrap();
    std::fs::write(
        dir.join("formats/square.yaml"),
        "description: A square card\nwidth: 150mm\nheight: 150mm\nbleed: 5mm\nmargin: 10mm\nsides:\n  - name: front\n  - name: back\n",
    )
    .unwrap();
    leaflet_on(&dir, "square", "[demands]");
    let pdf = build_pdf(&dir, "briefings/square.yaml");
    let trim = pdf.page_box(0, b"TrimBox").unwrap();
    let bleed = pdf.page_box(0, b"BleedBox").unwrap();
    assert!(((trim[2] - trim[0]) / MM - 150.0).abs() < 0.05);
    assert!(((trim[3] - trim[1]) / MM - 150.0).abs() < 0.05);
    assert!(
        ((trim[0] - bleed[0]) / MM - 5.0).abs() < 0.05,
        "its own bleed"
    );
    // `list formats` shows it beside the built-in ones.
    let out = handbill(&dir, &["list", "formats"]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    for name in ["square", "dl-trifold", "a5-folded"] {
        assert!(listed.contains(name), "{listed}");
    }
}
