//! The samples' pages as a designer would check them: nothing runs off the
//! page or out of the margins' reach, no two lines of text overlap.

use std::path::Path;

use handbill::layout::{Item, Page};

fn boxes(page: &Page) -> Vec<(f32, f32, f32, f32, String)> {
    page.items
        .iter()
        .filter_map(|item| match &item.item {
            Item::Text(run) => {
                let trailing: f32 = run
                    .glyphs
                    .iter()
                    .rev()
                    .take_while(|g| run.text[g.text()].trim().is_empty())
                    .map(|g| g.advance)
                    .sum();
                let w = run.width() - trailing;
                // The body of the letters: cap height above the baseline, a descender below.
                Some((
                    run.x,
                    run.y - run.size * 0.72,
                    run.x + w,
                    run.y + run.size * 0.2,
                    run.text.to_string(),
                ))
            }
            _ => None,
        })
        .collect()
}

fn check(briefing: &str) {
    let laid = handbill::Build::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(briefing))
        .lay_out()
        .unwrap();
    assert!(laid.pages.warnings.is_empty(), "{:?}", laid.pages.warnings);
    for (n, page) in laid.pages.pages.iter().enumerate() {
        // 8 mm: nothing is set closer to the edge of the sheet.
        let edge = 8.0 * 72.0 / 25.4;
        for item in &page.items {
            let (x0, y0, x1, y1, background) = match &item.item {
                Item::Text(_) => continue,
                Item::Image {
                    x,
                    y,
                    width,
                    height,
                    ..
                } => (*x, *y, x + width, y + height, false),
                Item::Rect {
                    x,
                    y,
                    width,
                    height,
                    fill,
                    ..
                } => (*x, *y, x + width, y + height, fill.is_some()),
            };
            // A background may run to the trim edge (it bleeds); nothing may pass it.
            let on_page =
                x0 >= -0.01 && y0 >= -0.01 && x1 <= page.width + 0.01 && y1 <= page.height + 0.01;
            let inside =
                x0 >= edge && y0 >= edge && x1 <= page.width - edge && y1 <= page.height - edge;
            assert!(
                on_page && (background || inside),
                "{briefing} page {}: {item:?} is off the page",
                n + 1
            );
        }
        let texts = boxes(page);
        for (i, a) in texts.iter().enumerate() {
            assert!(
                a.0 >= edge
                    && a.2 <= page.width - edge + 0.5
                    && a.1 >= edge
                    && a.3 <= page.height - edge,
                "{briefing} page {}: “{}” runs off the page at {:?}",
                n + 1,
                a.4,
                (a.0, a.1, a.2, a.3)
            );
            for b in &texts[i + 1..] {
                let overlap_x = a.0.max(b.0) < a.2.min(b.2) - 0.5;
                let overlap_y = a.1.max(b.1) < a.3.min(b.3) - 0.5;
                assert!(
                    !(overlap_x && overlap_y),
                    "{briefing} page {}: “{}” overlaps “{}”",
                    n + 1,
                    a.4,
                    b.4
                );
            }
        }
    }
}

#[test]
fn the_leaflet_sets_nothing_off_the_page_or_on_top_of_other_text() {
    check("briefings/london-protest-leaflet.yaml");
}

#[test]
fn the_pack_sets_nothing_off_the_page_or_on_top_of_other_text() {
    check("briefings/legal-delegation-pack.yaml");
}

#[test]
fn the_tri_fold_sets_nothing_off_the_page_or_on_top_of_other_text() {
    check("briefings/london-protest-dl.yaml");
}
