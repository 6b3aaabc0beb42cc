//! A laid-out document drawn as SVG, from the same pages the PDF is
//! written from: each distinct glyph's outline once, in a `<defs>` block
//! the pages share, and `<use>`d where it is set; pictures, rules and
//! backgrounds as the PDF draws them (run on into the bleed when the
//! sheet shows it); crop and fold marks on a print sheet. Over the
//! drawing lies a text layer of transparent `<text>`, one group per
//! paragraph, so the browser's find and selection work and a click can
//! tell which paragraph it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};

use crate::colour::Cmyk;
use crate::layout::font::{FaceId, FontBook};
use crate::layout::{GlyphRun, Item, Mark, Page, Pages, Role};
use crate::pdf::marks::Sheet;

/// How a document is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Look {
    /// The print sheet: bleed, slug and marks around pages that have
    /// bleed. Otherwise the finished page alone, as on screen.
    pub sheet: bool,
}

/// A document drawn: the glyphs' outlines, and each page.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// `<path>`s with ids, for a `<defs>` block.
    pub defs: String,
    /// One `<svg>` per page.
    pub pages: Vec<String>,
}

/// Where a picture (by its key) is served at a size in pixels.
pub type PictureUrl<'a> = dyn Fn(&str, (u32, u32)) -> Option<String> + 'a;

/// Where a paragraph came from, as `file:line`, by its structure element;
/// none where the layout does not say.
pub type Sources = BTreeMap<usize, String>;

/// Draws `pages`; each picture is shown from `picture_url(key, size)`,
/// `size` the pixels it covers at 96 dpi.
pub fn draw(pages: &Pages, look: Look, sources: &Sources, picture_url: &PictureUrl) -> Drawn {
    let book = pages.font_book();
    let mut used: BTreeSet<(FaceId, u16)> = BTreeSet::new();
    let mut out = Vec::with_capacity(pages.pages.len());
    for (index, page) in pages.pages.iter().enumerate() {
        out.push(draw_page(
            index,
            page,
            pages,
            look,
            sources,
            picture_url,
            &mut used,
        ));
    }
    Drawn {
        defs: outlines(&book, &used),
        pages: out,
    }
}

/// The id of a glyph's outline in the defs.
struct GlyphName(FaceId, u16);

impl std::fmt::Display for GlyphName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "g{}-{}", self.0, self.1)
    }
}

/// A number with at most `.1` decimals, without trailing zeros, written
/// straight into the page (a page has thousands).
pub(super) struct Num(f32, u32);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let unit = 10i64.pow(self.1);
        let n = (f64::from(v) * unit as f64).round() as i64;
        if n < 0 {
            f.write_str("-")?;
        }
        let n = n.unsigned_abs();
        let (whole, mut frac) = (n / unit as u64, n % unit as u64);
        write!(f, "{whole}")?;
        if frac == 0 {
            return Ok(());
        }
        let mut digits = self.1 as usize;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        write!(f, ".{frac:0digits$}")
    }
}

fn draw_page(
    index: usize,
    page: &Page,
    pages: &Pages,
    look: Look,
    sources: &Sources,
    picture_url: &PictureUrl,
    used: &mut BTreeSet<(FaceId, u16)>,
) -> String {
    let sheet = Sheet::for_page(page, look.sheet);
    let (ox, oy) = sheet.origin;
    let (w, h) = (sheet.media_width, sheet.media_height);
    let mut s = String::new();
    // Points as CSS points: at 96 dpi one point is 4/3 of a pixel, the
    // scale pdftoppm -r 96 draws the PDF at.
    let _ = write!(
        s,
        r#"<svg class="page" data-page="{}" xmlns="http://www.w3.org/2000/svg" width="{}pt" height="{}pt" viewBox="{} {} {} {}">"#,
        index + 1,
        num(w),
        num(h),
        num(-ox),
        num(-oy),
        num(w),
        num(h)
    );
    let _ = write!(
        s,
        r##"<rect class="paper" x="{}" y="{}" width="{}" height="{}" fill="#fff"/><g class="art">"##,
        num(-ox),
        num(-oy),
        num(w),
        num(h)
    );
    let book = pages.font_book();
    if let Some(run) = &page.watermark {
        let _ = write!(
            s,
            r#"<g transform="translate({} {}) rotate(-45)">"#,
            num(page.width / 2.0),
            num(page.height / 2.0)
        );
        glyphs(&mut s, run, None, used, &book);
        s.push_str("</g>");
    }
    for placed in &page.items {
        match &placed.item {
            Item::Text(run) => glyphs(&mut s, run, Some(sheet.origin), used, &book),
            Item::Rect {
                x,
                y,
                width,
                height,
                fill,
                stroke,
            } => rect(&mut s, &sheet, (*x, *y, *width, *height), *fill, *stroke),
            Item::Image {
                key,
                x,
                y,
                width,
                height,
            } => {
                image(
                    &mut s,
                    &sheet,
                    &|size| picture_url(key, size),
                    (*x, *y, *width, *height),
                );
            }
        }
    }
    s.push_str("</g>");
    marks(&mut s, &sheet);
    text_layer(&mut s, page, pages, sources);
    s.push_str("</svg>");
    s
}

/// One pixel at 96 dpi, in points.
const PIXEL: f32 = 0.75;

/// A run's glyphs, each a `<use>` of its outline, scaled from font units
/// (y up) to the run's size (y down). Where the page is upright (`origin`:
/// where the trimmed page starts on the sheet), each glyph is set on the
/// 96-dpi pixel grid, as PDF viewers set text at that size: its baseline
/// on a whole pixel, across to a quarter of one (a whole one for large
/// type); no glyph moves by more than 0.75 pt, and the page matches the
/// PDF's pixels on screen.
fn glyphs(
    s: &mut String,
    run: &GlyphRun,
    origin: Option<(f32, f32)>,
    used: &mut BTreeSet<(FaceId, u16)>,
    book: &FontBook,
) {
    if run.glyphs.is_empty() {
        return;
    }
    let Some(face) = book.faces.get(run.face) else {
        return;
    };
    let scale = run.size / face.units_per_em;
    // Expanded glyphs (a justified line's) are drawn wider across.
    let across = scale
        * if run.expansion > 0.0 {
            run.expansion
        } else {
            1.0
        };
    let snap = |v: f32, from: f32, step: f32| match origin {
        Some(_) => ((v + from) / step + 1e-3).floor() * step - from,
        None => v,
    };
    let (ox, oy) = origin.unwrap_or_default();
    // Large glyphs (over 20 px) go on whole pixels across too.
    let xstep = if run.size / PIXEL > 20.0 {
        PIXEL
    } else {
        PIXEL / 4.0
    };
    // The run's baseline on the grid; each glyph placed along it in font
    // units, from the run's start.
    let (x0, y0) = (snap(run.x, ox, xstep), snap(run.y, oy, PIXEL));
    let _ = write!(
        s,
        r#"<g fill="{}" transform="matrix({} 0 0 {} {} {})">"#,
        colour(run.color),
        Num(across, 6),
        Num(-scale, 6),
        Num(x0, 3),
        Num(y0, 3)
    );
    let mut x = run.x;
    for g in run.glyphs.iter() {
        used.insert((run.face, g.id));
        let (x_offset, y_offset) = g.offset(scale);
        let gx = (snap(x + x_offset * across / scale, ox, xstep) - x0) / across;
        let _ = write!(
            s,
            r##"<use href="#{}" x="{}""##,
            GlyphName(run.face, g.id),
            Num(gx, 1)
        );
        if g.y_offset != 0 {
            let gy = (snap(run.y - y_offset, oy, PIXEL) - y0) / -scale;
            let _ = write!(s, r#" y="{}""#, Num(gy, 1));
        }
        s.push_str("/>");
        x += g.advance;
    }
    s.push_str("</g>");
    if run.underline {
        let y = run.y + run.size * 0.12;
        let _ = write!(
            s,
            r#"<path d="M{} {}H{}" stroke="{}" stroke-width="{}" fill="none"/>"#,
            num(run.x),
            num(y),
            num(run.x + run.width()),
            colour(run.color),
            num(run.size * 0.05)
        );
    }
}

/// A background, box or rule, as the PDF draws it.
fn rect(
    s: &mut String,
    sheet: &Sheet,
    (x, y, width, height): (f32, f32, f32, f32),
    fill: Option<Cmyk>,
    stroke: Option<(Cmyk, f32)>,
) {
    let stroke_attrs = stroke.map_or_else(String::new, |(c, w)| {
        format!(r#" stroke="{}" stroke-width="{}""#, colour(c), num(w))
    });
    if height == 0.0 {
        let _ = write!(
            s,
            r#"<path d="M{} {}H{}" fill="none"{stroke_attrs}/>"#,
            num(x),
            num(y),
            num(x + width)
        );
        return;
    }
    let (x, y, w, h) = if fill.is_some() {
        sheet.bled(x, y, width, height)
    } else {
        (x, y, width, height)
    };
    let fill = fill.map_or_else(|| "none".to_string(), colour);
    let _ = write!(
        s,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"{stroke_attrs}/>"#,
        num(x),
        num(y),
        num(w),
        num(h)
    );
}

/// A picture fitted to its place; one that touches the trim edge is
/// enlarged to cover the bleed there and clipped to it, as in the PDF. It
/// is set on whole pixels at 96 dpi and asked for at that size, so that at
/// 100 % the browser draws its pixels as they come, as a PDF viewer does.
fn image(
    s: &mut String,
    sheet: &Sheet,
    url: &dyn Fn((u32, u32)) -> Option<String>,
    (x, y, w, h): (f32, f32, f32, f32),
) {
    let (bx, by, bw, bh) = sheet.bled(x, y, w, h);
    let (dx, dy, dw, dh) = if (bx, by, bw, bh) != (x, y, w, h) {
        let scale = (bw / w).max(bh / h);
        let (cw, ch) = (w * scale, h * scale);
        (bx + (bw - cw) / 2.0, by + (bh - ch) / 2.0, cw, ch)
    } else {
        (x, y, w, h)
    };
    let (ox, oy) = sheet.origin;
    // Every pixel the picture touches, as PDF viewers draw it.
    let px = |v: f32, from: f32| (v + from) / PIXEL;
    let (x0, x1) = (px(dx, ox).floor(), px(dx + dw, ox).ceil());
    let (y0, y1) = (px(dy, oy).floor(), px(dy + dh, oy).ceil());
    let size = ((x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32);
    let Some(url) = url(size) else {
        return;
    };
    let bled = (bx, by, bw, bh) != (x, y, w, h);
    if bled {
        // Clipped to the bleed box, as in the PDF.
        let _ = write!(
            s,
            r#"<svg x="{}" y="{}" width="{}" height="{}" viewBox="{} {} {} {}" overflow="hidden">"#,
            num(bx),
            num(by),
            num(bw),
            num(bh),
            num(bx),
            num(by),
            num(bw),
            num(bh),
        );
    }
    let _ = write!(
        s,
        r#"<image href="{}" x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none"/>"#,
        escape(&url),
        num(x0 * PIXEL - ox),
        num(y0 * PIXEL - oy),
        num(size.0 as f32 * PIXEL),
        num(size.1 as f32 * PIXEL)
    );
    if bled {
        s.push_str("</svg>");
    }
}

/// Crop and fold marks, hairlines in black (registration on the press).
fn marks(s: &mut String, sheet: &Sheet) {
    if sheet.marks.is_empty() {
        return;
    }
    let (ox, oy) = sheet.origin;
    let _ = write!(
        s,
        r##"<g class="marks" stroke="#000" stroke-width="{}" fill="none">"##,
        num(crate::pdf::marks::HAIRLINE)
    );
    for m in &sheet.marks {
        let dash = if m.dashed {
            r#" stroke-dasharray="3 2""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<path d="M{} {}L{} {}"{dash}/>"#,
            num(m.from.0 - ox),
            num(m.from.1 - oy),
            num(m.to.0 - ox),
            num(m.to.1 - oy)
        );
    }
    s.push_str("</g>");
}

/// The transparent text, grouped by the structure element it belongs to:
/// each group has a rectangle around its lines (what a click hits between
/// them) and says which element, what kind, and its source if known.
fn text_layer(s: &mut String, page: &Page, pages: &Pages, sources: &Sources) {
    let book = pages.font_book();
    let mut groups: BTreeMap<Option<usize>, Vec<&GlyphRun>> = BTreeMap::new();
    for placed in &page.items {
        if let Item::Text(run) = &placed.item {
            let element = match placed.mark {
                Mark::Element(n) => Some(n),
                Mark::Artifact(_) => None,
            };
            groups.entry(element).or_default().push(run);
        }
    }
    s.push_str(r#"<g class="text">"#);
    for (element, runs) in groups {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for run in &runs {
            let (ascent, descent) = book
                .faces
                .get(run.face)
                .map_or((0.8, 0.2), |f| (f.ascent, f.descent));
            x0 = x0.min(run.x);
            x1 = x1.max(run.x + run.width());
            y0 = y0.min(run.y - ascent * run.size);
            y1 = y1.max(run.y + descent * run.size);
        }
        match element {
            Some(n) => {
                let role = pages
                    .structure
                    .get(n)
                    .map_or("text", |e| role_name(&e.role));
                let _ = write!(
                    s,
                    r#"<g class="block" data-element="{n}" data-role="{role}""#
                );
                if let Some(source) = sources.get(&n) {
                    let _ = write!(s, r#" data-source="{}""#, escape(source));
                }
                s.push('>');
            }
            None => s.push_str(r#"<g class="furniture">"#),
        }
        let _ = write!(
            s,
            r#"<rect class="hit" x="{}" y="{}" width="{}" height="{}"/>"#,
            num(x0),
            num(y0),
            num(x1 - x0),
            num(y1 - y0)
        );
        for run in runs {
            let family = book.faces.get(run.face).map_or("serif", |f| {
                if f.name.contains("Sans") {
                    "sans-serif"
                } else {
                    "serif"
                }
            });
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" font-size="{}" font-family="{family}" textLength="{}" lengthAdjust="spacingAndGlyphs">{}</text>"#,
                num(run.x),
                num(run.y),
                num(run.size),
                num(run.width().max(0.01)),
                escape(&run.text)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</g>");
}

/// A structure element's kind, for the page's messages.
fn role_name(role: &Role) -> &'static str {
    match role {
        Role::Flow { .. } => "flow",
        Role::Heading { .. } => "heading",
        Role::Paragraph => "paragraph",
        Role::List { .. } => "list",
        Role::ListItem | Role::ListBody => "list item",
        Role::Label => "label",
        Role::Quote => "quote",
        Role::Group => "box",
        Role::Figure { .. } => "figure",
        Role::Caption => "caption",
        Role::Note => "footnote",
        Role::Contents | Role::ContentsEntry => "contents",
        Role::Table | Role::TableHead | Role::TableBody | Role::TableRow => "table",
        Role::TableHeader | Role::TableData => "table cell",
    }
}

/// The outlines of the glyphs used, each a `<path>` in font units.
fn outlines(book: &FontBook, used: &BTreeSet<(FaceId, u16)>) -> String {
    let mut s = String::new();
    let mut face_outlines = BTreeMap::new();
    for &(face, glyph) in used {
        let Some(f) = book.faces.get(face) else {
            continue;
        };
        let collection = face_outlines.entry(face).or_insert_with(|| {
            skrifa::FontRef::new(f.data())
                .ok()
                .map(|font| font.outline_glyphs())
        });
        let mut pen = Path(String::new());
        if let Some(outline) = collection
            .as_ref()
            .and_then(|c| c.get(skrifa::GlyphId::new(u32::from(glyph))))
        {
            let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
            let _ = outline.draw(settings, &mut pen);
        }
        let _ = write!(
            s,
            r#"<path id="{}" d="{}"/>"#,
            GlyphName(face, glyph),
            pen.0
        );
    }
    s
}

/// SVG path data from an outline.
struct Path(String);

impl OutlinePen for Path {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "M{} {}", Num(x, 1), Num(y, 1));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "L{} {}", Num(x, 1), Num(y, 1));
    }
    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "Q{} {} {} {}",
            Num(cx, 1),
            Num(cy, 1),
            Num(x, 1),
            Num(y, 1)
        );
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "C{} {} {} {} {} {}",
            Num(cx0, 1),
            Num(cy0, 1),
            Num(cx1, 1),
            Num(cy1, 1),
            Num(x, 1),
            Num(y, 1)
        );
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

/// A colour as the screen PDF gives it.
fn colour(c: Cmyk) -> String {
    let (r, g, b) = c.to_rgb();
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// A number, short: at most three decimals, no trailing zeros.
pub(super) fn num(v: f32) -> Num {
    Num(v, 3)
}

/// Text made safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML; a soft hyphen
            // stays as it is.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Artifact, Placed, PlacedGlyph};

    fn run(text: &str, ids: &[u16]) -> GlyphRun {
        GlyphRun {
            x: 10.0,
            y: 20.0,
            face: 0,
            size: 10.0,
            color: Cmyk {
                c: 0.0,
                m: 0.0,
                y: 0.0,
                k: 1.0,
            },
            glyphs: ids
                .iter()
                .map(|&id| PlacedGlyph::new(id, 5.0, 0..1))
                .collect(),
            text: text.into(),
            underline: false,
            expansion: 1.0,
        }
    }

    /// A 100 pt square page of `items`, in a document of one paragraph.
    fn one_paragraph(items: Vec<Placed>) -> Pages {
        let page = Page {
            width: 100.0,
            height: 100.0,
            items,
            ..Page::default()
        };
        Pages {
            pages: vec![page],
            structure: vec![crate::layout::Element {
                source: None,
                role: Role::Paragraph,
                parent: None,
                markup_line: 0,
                markup_at: 0,
            }],
            ..Pages::default()
        }
    }

    #[test]
    fn each_glyph_is_outlined_once_and_used_where_it_is_set() {
        let pages = one_paragraph(vec![
            Placed {
                mark: Mark::Element(0),
                item: Item::Text(run("a<b", &[36, 37, 36])),
            },
            Placed {
                mark: Mark::Artifact(Artifact::Footer),
                item: Item::Text(run("1", &[36])),
            },
        ]);
        let sources = Sources::from([(0, "sections/a.md:3".to_string())]);
        let drawn = draw(&pages, Look::default(), &sources, &|_, _| None);
        assert_eq!(drawn.defs.matches("<path id=").count(), 2, "{}", drawn.defs);
        assert!(drawn.defs.contains(r#"id="g0-36" d="M"#), "{}", drawn.defs);
        let svg = &drawn.pages[0];
        assert_eq!(svg.matches(r##"href="#g0-36""##).count(), 3);
        // On the pixel grid: 20 pt is 26.67 px, set at 26; 10 pt across
        // is 13.33 px, set at 13.25; the second glyph one advance (5 pt)
        // after the first, at 20 px.
        assert!(
            svg.contains(r##"matrix(0.01 0 0 -0.01 9.938 19.5)"><use href="#g0-36" x="0"/><use href="#g0-37" x="506.3"/>"##),
            "{svg}"
        );
        // The text layer: escaped, grouped by paragraph, with its source.
        assert!(svg.contains(">a&lt;b</text>"), "{svg}");
        assert!(
            svg.contains(r#"data-element="0" data-role="paragraph" data-source="sections/a.md:3""#)
        );
        assert!(svg.contains(r#"<g class="furniture">"#));
        assert!(svg.contains(r#"width="100pt" height="100pt" viewBox="0 0 100 100""#));
    }

    #[test]
    fn expanded_glyphs_are_drawn_wider_where_the_advances_put_them() {
        let mut wide = run("ab", &[36, 37]);
        wide.expansion = 1.02;
        let pages = one_paragraph(vec![Placed {
            mark: Mark::Element(0),
            item: Item::Text(wide),
        }]);
        let drawn = draw(&pages, Look::default(), &Sources::new(), &|_, _| None);
        let svg = &drawn.pages[0];
        // Scaled across by 2 %; the second glyph still 5 pt after the
        // first (at 15 pt on the page): 5.062 pt from the snapped start,
        // in the wider glyph units.
        assert!(
            svg.contains(r##"matrix(0.0102 0 0 -0.01 9.938 19.5)"><use href="#g0-36" x="0"/><use href="#g0-37" x="496.3"/>"##),
            "{svg}"
        );
    }

    #[test]
    fn a_print_sheet_shows_the_bleed_and_the_marks() {
        let page = Page {
            width: 100.0,
            height: 100.0,
            bleed: 8.5,
            items: vec![Placed {
                mark: Mark::Artifact(Artifact::Background),
                item: Item::Rect {
                    x: 0.0,
                    y: 0.0,
                    width: 100.0,
                    height: 10.0,
                    fill: Some(Cmyk {
                        c: 1.0,
                        m: 0.0,
                        y: 0.0,
                        k: 0.0,
                    }),
                    stroke: None,
                },
            }],
            ..Page::default()
        };
        let pages = Pages {
            pages: vec![page],
            ..Pages::default()
        };
        let trim = draw(&pages, Look { sheet: false }, &Sources::new(), &|_, _| None);
        assert!(
            trim.pages[0]
                .contains(r##"<rect x="0" y="0" width="100" height="10" fill="#00ffff"/>"##)
        );
        assert!(!trim.pages[0].contains("marks"));
        let sheet = draw(&pages, Look { sheet: true }, &Sources::new(), &|_, _| None);
        assert!(
            sheet.pages[0].contains(
                r##"<rect x="-8.5" y="-8.5" width="117" height="18.5" fill="#00ffff"/>"##
            ),
            "{}",
            sheet.pages[0]
        );
        assert_eq!(sheet.pages[0].matches("<path d=").count(), 8);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0).to_string(), "1");
        assert_eq!(num(-0.00001).to_string(), "0");
        assert_eq!(num(-2.5).to_string(), "-2.5");
        assert_eq!(num(0.05).to_string(), "0.05");
        assert_eq!(Num(0.0098, 6).to_string(), "0.0098");
        assert_eq!(num(f32::NAN).to_string(), "0");
    }
}
