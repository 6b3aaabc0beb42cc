//! Justified text is even: no justified line with three or more word
//! spaces, in the sample briefings and in the 70 mm column of
//! docs/typesetting.md, stretches its spaces past twice their natural
//! width, as read back from the PDFs' word boxes.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// docs/typesetting.md's column: "The Nazarbayev Regime" and "Elections
/// and Democracy" justified in a 70 mm frame on an 80 × 190 mm page.
fn docs_column(name: &str, mm: u32) -> PathBuf {
    build_docs_column(&project(name), mm, 190)
}

/// The lines of `pdf` with three or more spaces stretched past `limit`.
fn loose(pdf: &Path, limit: f32) -> Vec<SpacedLine> {
    spaced_lines(pdf)
        .into_iter()
        .filter(|l| l.spaces >= 3 && l.stretch > limit)
        .collect()
}

#[test]
fn no_justified_line_stretches_its_spaces_past_double_in_the_samples_or_the_docs_column() {
    let samples = build_samples(
        "evenness",
        "print",
        &[
            "briefings/legal-delegation-pack.yaml",
            "briefings/legal-delegation-pack-ru.yaml",
            "briefings/london-protest-leaflet.yaml",
            "briefings/london-protest-dl.yaml",
        ],
    );
    let column = docs_column("evenness-column", 70);
    // Each with how many lines with three or more spaces at least reach
    // the right edge: the leaflets set their columns ragged, so few do.
    let pdfs = [
        (samples.join("legal-delegation-pack.pdf"), 50),
        (samples.join("legal-delegation-pack-ru.pdf"), 50),
        (samples.join("london-protest-leaflet.pdf"), 5),
        (samples.join("london-protest-dl.pdf"), 5),
        (column, 25),
    ];
    for (pdf, fewest) in &pdfs {
        let lines = spaced_lines(pdf);
        // The measure finds the lines it is to judge.
        let justified = lines.iter().filter(|l| l.spaces >= 3).count();
        assert!(
            justified >= *fewest,
            "{}: only {justified} lines run to the right edge",
            pdf.display()
        );
        let loose = loose(pdf, 2.0);
        assert!(
            loose.is_empty(),
            "{}: spaces stretched past 200 %:\n{}",
            pdf.display(),
            loose
                .iter()
                .map(|l| format!("  page {}: {:.0} %: {}", l.page, l.stretch * 100.0, l.text))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The sample pack, built for print in a scratch folder named `scratch`.
fn sample_pack(scratch: &str) -> Pdf {
    let out = build_samples(scratch, "print", &["briefings/legal-delegation-pack.yaml"]);
    Pdf::open(&out.join("legal-delegation-pack.pdf"))
}

/// The horizontal scale of each text object of `pdf` drawn in a space
/// scaled across (`a 0 0 ±1 x y cm` with `a` not 1), with its font's name.
fn expanded_text(pdf: &Pdf) -> Vec<(f32, String)> {
    let number = |o: &lopdf::Object| o.as_float().unwrap_or(f32::NAN);
    let mut found = Vec::new();
    for (_, id) in pdf.doc.get_pages() {
        let fonts = pdf.doc.get_page_fonts(id).unwrap();
        let ops = lopdf::content::Content::decode(&pdf.doc.get_page_content(id))
            .unwrap()
            .operations;
        // The scale across of each saved graphics state, innermost last.
        let mut scales: Vec<f32> = vec![1.0];
        for op in ops {
            match op.operator.as_str() {
                "q" => scales.push(*scales.last().unwrap()),
                "Q" => {
                    scales.pop();
                }
                "cm" if op.operands.len() == 6 => {
                    let m: Vec<f32> = op.operands.iter().map(number).collect();
                    if m[1] == 0.0 && m[2] == 0.0 && m[3].abs() == 1.0 {
                        *scales.last_mut().unwrap() *= m[0].abs();
                    }
                }
                "Tf" => {
                    let scale = *scales.last().unwrap();
                    if (scale - 1.0).abs() > 1e-6 {
                        let name = op.operands[0].as_name().unwrap();
                        let font = fonts[name].get(b"BaseFont").unwrap();
                        let font = String::from_utf8_lossy(font.as_name().unwrap());
                        found.push((scale, font.into_owned()));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

#[test]
fn justified_body_text_is_expanded_by_at_most_two_percent_and_headings_never() {
    let pdf = sample_pack("expansion");
    let expanded = expanded_text(&pdf);
    assert!(
        expanded.len() > 50,
        "{} text objects expanded",
        expanded.len()
    );
    for (scale, font) in &expanded {
        assert!(
            (0.98 - 1e-4..=1.02 + 1e-4).contains(scale),
            "{scale} {font}"
        );
        // The pack's body is Noto Serif; its headings, running heads and
        // tables are Noto Sans, which is never expanded.
        assert!(font.contains("NotoSerif"), "{font} expanded by {scale}");
    }
    assert!(expanded.iter().any(|(s, _)| *s > 1.0) && expanded.iter().any(|(s, _)| *s < 1.0));
}

/// The numbers of every `TJ` array of `pdf`: how far each glyph is moved
/// from its font's advance, in thousandths of an em.
fn text_array_numbers(pdf: &Pdf) -> Vec<f32> {
    let mut numbers = Vec::new();
    for (_, id) in pdf.doc.get_pages() {
        let ops = lopdf::content::Content::decode(&pdf.doc.get_page_content(id))
            .unwrap()
            .operations;
        for op in ops.iter().filter(|op| op.operator == "TJ") {
            let items = op.operands[0].as_array().unwrap();
            numbers.extend(items.iter().filter_map(|o| o.as_float().ok()));
        }
    }
    numbers
}

#[test]
fn the_letter_spacing_of_justified_lines_is_written_in_whole_thousandths() {
    let pdf = sample_pack("whole-thousandths");
    let numbers = text_array_numbers(&pdf);
    // Kerning, leader dots and each justified line's letter-spacing.
    assert!(numbers.len() > 2000, "{} numbers", numbers.len());
    let fractions: Vec<f32> = numbers
        .iter()
        .copied()
        .filter(|n| n.fract() != 0.0)
        .collect();
    // Only glyphs with an offset of their own keep a fraction.
    assert!(
        fractions.len() * 100 < numbers.len(),
        "{} of {} numbers have fractions: {:?}",
        fractions.len(),
        numbers.len(),
        &fractions[..fractions.len().min(10)]
    );
}
