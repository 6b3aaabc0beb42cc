//! The printer's sheet around a page: trim and bleed boxes, the slug, crop
//! marks and fold marks.
//!
//! For print, a page with bleed is set on a larger sheet: the finished
//! (trim) size in the middle, the bleed around it, and beyond that the slug,
//! where the marks go: hairlines in registration colour (every ink), never
//! inside the bleed, so no mark can show on the finished leaflet.

use crate::layout::Page;

/// Gap between the bleed edge and the start of a mark.
const GAP: f32 = 3.0;
/// Length of a crop or fold mark.
const MARK: f32 = 12.0;
/// Stroke width of the marks: a hairline.
pub const HAIRLINE: f32 = 0.25;

/// The PDF page for one laid-out page. Coordinates from the top-left corner
/// of the PDF page (the media box), in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub media_width: f32,
    pub media_height: f32,
    /// Where the trimmed page's top-left corner is.
    pub origin: (f32, f32),
    pub trim_width: f32,
    pub trim_height: f32,
    pub bleed: f32,
    pub marks: Vec<Mark>,
}

/// A straight mark from one point to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub from: (f32, f32),
    pub to: (f32, f32),
    /// Fold marks are dashed, crop marks solid.
    pub dashed: bool,
}

impl Sheet {
    /// The sheet for `page`: with `marks`, bleed and slug around the trim
    /// size; without, the trim size alone.
    pub fn for_page(page: &Page, marks: bool) -> Sheet {
        let (w, h) = (page.width, page.height);
        if !marks || page.bleed <= 0.0 {
            return Sheet {
                media_width: w,
                media_height: h,
                origin: (0.0, 0.0),
                trim_width: w,
                trim_height: h,
                bleed: 0.0,
                marks: Vec::new(),
            };
        }
        let b = page.bleed;
        let slug = b + GAP + MARK + GAP;
        let (ox, oy) = (slug, slug);
        let near = b + GAP;
        let far = near + MARK;
        let mut marks = Vec::new();
        // At each corner, one horizontal and one vertical mark in line with
        // the trim edges, pointing away from the page.
        for (cx, sx) in [(ox, -1.0), (ox + w, 1.0)] {
            for (cy, sy) in [(oy, -1.0), (oy + h, 1.0)] {
                marks.push(Mark {
                    from: (cx + sx * near, cy),
                    to: (cx + sx * far, cy),
                    dashed: false,
                });
                marks.push(Mark {
                    from: (cx, cy + sy * near),
                    to: (cx, cy + sy * far),
                    dashed: false,
                });
            }
        }
        for fold in &page.folds {
            let x = ox + fold;
            marks.push(Mark {
                from: (x, oy - near),
                to: (x, oy - far),
                dashed: true,
            });
            marks.push(Mark {
                from: (x, oy + h + near),
                to: (x, oy + h + far),
                dashed: true,
            });
        }
        Sheet {
            media_width: w + 2.0 * slug,
            media_height: h + 2.0 * slug,
            origin: (ox, oy),
            trim_width: w,
            trim_height: h,
            bleed: b,
            marks,
        }
    }

    /// The trim box: x, y, width, height from the media box's top-left.
    pub fn trim_box(&self) -> (f32, f32, f32, f32) {
        (
            self.origin.0,
            self.origin.1,
            self.trim_width,
            self.trim_height,
        )
    }

    /// The bleed box: the trim box grown by the bleed.
    pub fn bleed_box(&self) -> (f32, f32, f32, f32) {
        let b = self.bleed;
        (
            self.origin.0 - b,
            self.origin.1 - b,
            self.trim_width + 2.0 * b,
            self.trim_height + 2.0 * b,
        )
    }

    /// A rectangle on the trimmed page (x, y, width, height), run on into
    /// the bleed on every side where it touches the trim edge.
    pub fn bled(&self, x: f32, y: f32, width: f32, height: f32) -> (f32, f32, f32, f32) {
        const TOUCH: f32 = 0.5;
        let b = self.bleed;
        let (mut x0, mut y0, mut x1, mut y1) = (x, y, x + width, y + height);
        if x0 <= TOUCH {
            x0 -= b;
        }
        if y0 <= TOUCH {
            y0 -= b;
        }
        if x1 >= self.trim_width - TOUCH {
            x1 += b;
        }
        if y1 >= self.trim_height - TOUCH {
            y1 += b;
        }
        (x0, y0, x1 - x0, y1 - y0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::length::MM;

    fn a5(bleed: f32, folds: Vec<f32>) -> Page {
        Page {
            width: 148.0 * MM,
            height: 210.0 * MM,
            bleed,
            folds,
            ..Page::default()
        }
    }

    #[test]
    fn without_marks_the_sheet_is_the_page() {
        let s = Sheet::for_page(&a5(3.0 * MM, vec![]), false);
        assert_eq!((s.media_width, s.media_height), (148.0 * MM, 210.0 * MM));
        assert!(s.marks.is_empty());
        assert_eq!(s.trim_box(), (0.0, 0.0, 148.0 * MM, 210.0 * MM));
    }

    #[test]
    fn crop_marks_lie_outside_the_bleed_and_inside_the_sheet() {
        let s = Sheet::for_page(&a5(3.0 * MM, vec![]), true);
        assert_eq!(s.marks.len(), 8);
        let (bx, by, bw, bh) = s.bleed_box();
        let (tx, ty, tw, th) = s.trim_box();
        assert!((bx - (tx - 3.0 * MM)).abs() < 1e-3 && (bw - (tw + 6.0 * MM)).abs() < 1e-3);
        for m in &s.marks {
            for (x, y) in [m.from, m.to] {
                let inside_bleed = x > bx && x < bx + bw && y > by && y < by + bh;
                assert!(!inside_bleed, "{m:?} reaches into the bleed");
                assert!(
                    x >= 0.0 && y >= 0.0 && x <= s.media_width && y <= s.media_height,
                    "{m:?} is off the sheet"
                );
            }
            // Each mark lines up with a trim edge.
            let on_edge = |v: f32, a: f32, b: f32| (v - a).abs() < 1e-3 || (v - b).abs() < 1e-3;
            assert!(
                on_edge(m.from.0, tx, tx + tw) || on_edge(m.from.1, ty, ty + th),
                "{m:?}"
            );
        }
    }

    #[test]
    fn fold_marks_sit_on_the_folds() {
        let s = Sheet::for_page(&a5(3.0 * MM, vec![99.0 * MM]), true);
        let folds: Vec<&Mark> = s.marks.iter().filter(|m| m.dashed).collect();
        assert_eq!(folds.len(), 2);
        for m in folds {
            assert!((m.from.0 - (s.origin.0 + 99.0 * MM)).abs() < 1e-3);
        }
    }

    #[test]
    fn backgrounds_touching_the_edge_run_into_the_bleed() {
        let s = Sheet::for_page(&a5(3.0 * MM, vec![]), true);
        let b = 3.0 * MM;
        // A band across the top: grows up, left and right, not down.
        let (x, y, w, h) = s.bled(0.0, 0.0, 148.0 * MM, 20.0);
        assert!((x + b).abs() < 1e-3 && (y + b).abs() < 1e-3);
        assert!((w - (148.0 * MM + 2.0 * b)).abs() < 1e-3 && (h - (20.0 + b)).abs() < 1e-3);
        // A box in the middle stays as it is.
        assert_eq!(s.bled(50.0, 50.0, 10.0, 10.0), (50.0, 50.0, 10.0, 10.0));
    }
}
