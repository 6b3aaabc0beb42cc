//! Imposition: copies of a leaflet's pages set side by side on a larger
//! press sheet, with cut marks, ready for the print shop's guillotine.
//!
//! handbill imposes "step and repeat": every slot of a sheet's front holds
//! page 1, every slot of its back page 2, so after printing both sides and
//! cutting, each piece is a whole leaflet. Because the slots are a symmetric
//! grid, a sheet turned over on its long edge lines each back up with its
//! front. Sheets are SRA sizes (what print shops use for work with bleed):
//! the smaller SRA4 where the copies fit it (2 × A5, 4 × A6), else SRA3
//! (2 × a DL tri-fold's A4 sheet, 4 × A5).

use std::collections::BTreeMap;

use krilla::geom::{PathBuilder, Rect, Transform};
use krilla::page::PageSettings;

use super::marks::{Mark, Sheet};
use super::{PdfOptions, draw_marks, draw_page, finish, for_screen, largest_placements, start};
use crate::error::{Error, ErrorKind, Result};
use crate::layout::Pages;
use crate::length::MM;
use crate::picture::Picture;

/// How many copies go on a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imposition {
    /// Two copies side by side (A5 leaflets on SRA4 landscape).
    TwoUp,
    /// Four copies, two by two (A6 leaflets on SRA4 portrait).
    FourUp,
}

impl std::str::FromStr for Imposition {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Imposition, String> {
        match s {
            "2up" => Ok(Imposition::TwoUp),
            "4up" => Ok(Imposition::FourUp),
            _ => Err(format!("`{s}` is not an imposition: use 2up or 4up")),
        }
    }
}

/// SRA4, the press sheet for A4 work with bleed: 225 × 320 mm.
const SRA4: (f32, f32) = (225.0 * MM, 320.0 * MM);
/// SRA3, the press sheet for A3 work with bleed: 320 × 450 mm.
const SRA3: (f32, f32) = (320.0 * MM, 450.0 * MM);

/// Where each copy's trimmed page goes on the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The press sheet's name: `SRA4` or `SRA3`.
    pub sheet: &'static str,
    pub sheet_width: f32,
    pub sheet_height: f32,
    /// Top-left trim corner of each slot.
    pub slots: Vec<(f32, f32)>,
    pub page_width: f32,
    pub page_height: f32,
    pub bleed: f32,
    /// Space between copies: both bleeds, or none where they share a cut.
    pub gutter: f32,
}

impl Imposition {
    /// The grid for pages of this size, or an error if they do not fit.
    pub fn layout(self, page_width: f32, page_height: f32, bleed: f32) -> Result<Layout> {
        // The smaller sheet first; each sheet either way round, with the
        // copies in a row or in a column for two.
        let landscape = |(w, h): (f32, f32)| (h, w);
        let tries: &[(usize, usize, (f32, f32), &str)] = match self {
            Imposition::TwoUp => &[
                (2, 1, landscape(SRA4), "SRA4"),
                (1, 2, SRA4, "SRA4"),
                (2, 1, landscape(SRA3), "SRA3"),
                (1, 2, SRA3, "SRA3"),
            ],
            Imposition::FourUp => &[
                (2, 2, SRA4, "SRA4"),
                (2, 2, landscape(SRA4), "SRA4"),
                (2, 2, SRA3, "SRA3"),
                (2, 2, landscape(SRA3), "SRA3"),
            ],
        };
        let mut last = None;
        for &(cols, rows, sheet, name) in tries {
            match grid(cols, rows, (name, sheet), page_width, page_height, bleed) {
                Some(layout) => return Ok(layout),
                None => last = Some(cols * rows),
            }
        }
        Err(Error::new(format!(
            "{} pages of {:.0} × {:.0} mm do not fit an SRA4 or SRA3 sheet with their bleed and marks",
            last.unwrap_or(2),
            page_width / MM,
            page_height / MM
        ))
        .help("impose A5 leaflets and DL tri-folds 2up, A6 and A5 leaflets 4up")
        .kind(ErrorKind::NoImposition))
    }
}

/// `cols` × `rows` copies centred on a sheet (its name and size), if they
/// fit with their bleed and room for the cut marks.
fn grid(
    cols: usize,
    rows: usize,
    (sheet, (sw, sh)): (&'static str, (f32, f32)),
    page_width: f32,
    page_height: f32,
    bleed: f32,
) -> Option<Layout> {
    // Between copies, both bleeds, so neither runs into the other; where
    // the sheet has no room for that, the copies share their cut lines
    // (each is cut off at its trim there).
    let need = bleed + 3.0 * MM;
    let margins = |gutter: f32| {
        let used_w = cols as f32 * page_width + (cols - 1) as f32 * gutter;
        let used_h = rows as f32 * page_height + (rows - 1) as f32 * gutter;
        ((sw - used_w) / 2.0, (sh - used_h) / 2.0)
    };
    let gutter = match margins(2.0 * bleed) {
        (mx, my) if mx >= need && my >= need => 2.0 * bleed,
        _ => 0.0,
    };
    let (mx, my) = margins(gutter);
    // Room outside the bleed for the cut marks.
    if mx < need || my < need {
        return None;
    }
    let mut slots = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            slots.push((
                mx + c as f32 * (page_width + gutter),
                my + r as f32 * (page_height + gutter),
            ));
        }
    }
    Some(Layout {
        sheet,
        sheet_width: sw,
        sheet_height: sh,
        slots,
        page_width,
        page_height,
        bleed,
        gutter,
    })
}

impl Layout {
    /// Cut marks at the corners of every copy, in the margins outside the
    /// bleed: along each trim line, where the guillotine cuts.
    pub fn marks(&self) -> Vec<Mark> {
        let b = self.bleed;
        let mut lines_x: Vec<f32> = self
            .slots
            .iter()
            .flat_map(|(x, _)| [*x, x + self.page_width])
            .collect();
        let mut lines_y: Vec<f32> = self
            .slots
            .iter()
            .flat_map(|(_, y)| [*y, y + self.page_height])
            .collect();
        lines_x.sort_by(f32::total_cmp);
        lines_x.dedup_by(|a, b| (*a - *b).abs() < 0.01);
        lines_y.sort_by(f32::total_cmp);
        lines_y.dedup_by(|a, b| (*a - *b).abs() < 0.01);
        let top = lines_y.first().copied().unwrap_or(0.0) - b;
        let bottom = lines_y.last().copied().unwrap_or(0.0) + b;
        let left = lines_x.first().copied().unwrap_or(0.0) - b;
        let right = lines_x.last().copied().unwrap_or(0.0) + b;
        let gap = 1.0 * MM;
        let mut marks = Vec::new();
        for x in &lines_x {
            marks.push(Mark {
                from: (*x, top - gap),
                to: (*x, (top - gap - 5.0 * MM).max(0.0)),
                dashed: false,
            });
            marks.push(Mark {
                from: (*x, bottom + gap),
                to: (*x, (bottom + gap + 5.0 * MM).min(self.sheet_height)),
                dashed: false,
            });
        }
        for y in &lines_y {
            marks.push(Mark {
                from: (left - gap, *y),
                to: ((left - gap - 5.0 * MM).max(0.0), *y),
                dashed: false,
            });
            marks.push(Mark {
                from: (right + gap, *y),
                to: ((right + gap + 5.0 * MM).min(self.sheet_width), *y),
                dashed: false,
            });
        }
        marks
    }
}

/// Writes an imposed PDF: one sheet side per page of the leaflet.
pub fn write_imposed(
    pages: &Pages,
    images: &BTreeMap<String, Picture>,
    options: &PdfOptions,
    imposition: Imposition,
) -> Result<Vec<u8>> {
    let first = pages
        .pages
        .first()
        .ok_or_else(|| Error::new("there is nothing to impose"))?;
    if pages
        .pages
        .iter()
        .any(|p| (p.width - first.width).abs() > 0.01 || (p.height - first.height).abs() > 0.01)
    {
        return Err(
            Error::new("only a leaflet whose pages are all one size can be imposed")
                .kind(ErrorKind::NoImposition),
        );
    }
    if first.bleed <= 0.0 {
        return Err(Error::new(
            "its pages have no bleed: they are made for an office printer, and imposition is for a print shop's press",
        )
        .kind(ErrorKind::NoImposition));
    }
    let layout = imposition.layout(first.width, first.height, first.bleed)?;
    let marks = layout.marks();
    // Each copy is drawn as on its own page with bleed, clipped to its
    // bleed box so it cannot spill onto its neighbour.
    let sheet = Sheet {
        media_width: first.width,
        media_height: first.height,
        origin: (0.0, 0.0),
        trim_width: first.width,
        trim_height: first.height,
        bleed: first.bleed,
        marks: Vec::new(),
    };
    let sheets = vec![sheet.clone(); pages.pages.len()];
    let screen = for_screen(images, &largest_placements(&pages.pages, &sheets), options)?;
    let images = screen.as_ref().unwrap_or(images);
    // Copies side by side for the press: nothing for a reader, so untagged.
    let book = pages.font_book();
    let (mut document, faces, embedded) = start(&book, images, options, false, pages.pages.len())?;
    let mut tagger = super::tags::Tagger::new(&[]);
    for page in &pages.pages {
        let settings = PageSettings::from_wh(layout.sheet_width, layout.sheet_height)
            .ok_or_else(|| Error::new("the sheet has no size"))?
            .with_trim_box(Rect::from_xywh(
                0.0,
                0.0,
                layout.sheet_width,
                layout.sheet_height,
            ));
        let mut pdf_page = document.start_page_with(settings);
        {
            let mut surface = pdf_page.surface();
            for (x, y) in &layout.slots {
                // Bleed on the sheet's outer sides; at a shared cut, the trim.
                let b = layout.bleed;
                let outer = |edge: f32, far: f32| {
                    if (edge - far).abs() < 0.01 {
                        b
                    } else {
                        layout.gutter / 2.0
                    }
                };
                let (min_x, max_x) = layout
                    .slots
                    .iter()
                    .fold((f32::MAX, f32::MIN), |(a, z), (sx, _)| {
                        (a.min(*sx), z.max(*sx))
                    });
                let (min_y, max_y) = layout
                    .slots
                    .iter()
                    .fold((f32::MAX, f32::MIN), |(a, z), (_, sy)| {
                        (a.min(*sy), z.max(*sy))
                    });
                let (l, r) = (outer(*x, min_x), outer(*x, max_x));
                let (t, bo) = (outer(*y, min_y), outer(*y, max_y));
                let clip =
                    Rect::from_xywh(x - l, y - t, first.width + l + r, first.height + t + bo)
                        .and_then(|r| {
                            let mut pb = PathBuilder::new();
                            pb.push_rect(r);
                            pb.finish()
                        });
                let Some(clip) = clip else { continue };
                surface.push_clip_path(&clip, &krilla::paint::FillRule::NonZero);
                surface.push_transform(&Transform::from_translate(*x, *y));
                draw_page(
                    &mut surface,
                    page,
                    &sheet,
                    &faces,
                    &embedded,
                    options,
                    &mut tagger,
                );
                surface.pop();
                surface.pop();
            }
            let marked = Sheet {
                marks: marks.clone(),
                ..sheet
            };
            draw_marks(&mut surface, &marked);
            surface.finish();
        }
        pdf_page.finish();
    }
    // The single copy was written first, with the same pictures: a damaged
    // one has been named there already.
    finish(document, pages, options, (&book, &faces.fonts), &|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_a5_copies_sit_side_by_side_on_sra4_with_room_for_marks() {
        let l = Imposition::TwoUp
            .layout(148.0 * MM, 210.0 * MM, 3.0 * MM)
            .unwrap();
        assert_eq!(l.slots.len(), 2);
        assert!(l.sheet_width > l.sheet_height, "landscape");
        let (a, b) = (l.slots[0], l.slots[1]);
        assert!((a.1 - b.1).abs() < 0.01, "one row");
        // The copies' bleeds meet but do not overlap.
        assert!((b.0 - (a.0 + 148.0 * MM) - 6.0 * MM).abs() < 0.01);
        // Centred, so the back lines up with the front when the sheet turns.
        assert!((a.0 - (l.sheet_width - (b.0 + 148.0 * MM))).abs() < 0.01);
        for m in l.marks() {
            for (x, y) in [m.from, m.to] {
                assert!(
                    x >= 0.0 && y >= 0.0 && x <= l.sheet_width && y <= l.sheet_height,
                    "{m:?} off the sheet"
                );
                for (sx, sy) in &l.slots {
                    let inside = x > sx - 3.0 * MM
                        && x < sx + 151.0 * MM
                        && y > sy - 3.0 * MM
                        && y < sy + 213.0 * MM;
                    assert!(!inside, "{m:?} reaches into a copy or its bleed");
                }
            }
        }
    }

    #[test]
    fn two_dl_tri_folds_go_one_above_the_other_on_sra3() {
        let l = Imposition::TwoUp
            .layout(297.0 * MM, 210.0 * MM, 3.0 * MM)
            .unwrap();
        assert_eq!(l.sheet, "SRA3");
        assert!(l.sheet_height > l.sheet_width, "portrait");
        let (a, b) = (l.slots[0], l.slots[1]);
        assert!((a.0 - b.0).abs() < 0.01, "one column");
        // Centred across, so the back lines up when the sheet turns over.
        assert!((a.0 - (l.sheet_width - (a.0 + 297.0 * MM))).abs() < 0.01);
        assert!(b.1 >= a.1 + 210.0 * MM, "no overlap");
    }

    #[test]
    fn four_a6_copies_make_a_grid_and_four_a5_need_sra3() {
        let l = Imposition::FourUp
            .layout(105.0 * MM, 148.0 * MM, 3.0 * MM)
            .unwrap();
        assert_eq!(l.slots.len(), 4);
        assert_eq!(l.gutter, 0.0, "A6 on SRA4 share their cut lines");
        assert!((l.slots[1].0 - (l.slots[0].0 + 105.0 * MM)).abs() < 0.01);
        assert!(l.sheet_height > l.sheet_width, "portrait");
        // Four A5 need the larger SRA3; four A4 fit no sheet handbill knows.
        let a5 = Imposition::FourUp
            .layout(148.0 * MM, 210.0 * MM, 3.0 * MM)
            .unwrap();
        assert_eq!((a5.sheet, a5.slots.len()), ("SRA3", 4));
        let e = Imposition::FourUp
            .layout(210.0 * MM, 297.0 * MM, 3.0 * MM)
            .unwrap_err();
        assert!(
            e.message.contains("do not fit an SRA4 or SRA3 sheet"),
            "{e}"
        );
        assert_eq!("2up".parse::<Imposition>(), Ok(Imposition::TwoUp));
        assert!("3up".parse::<Imposition>().is_err());
    }
}
