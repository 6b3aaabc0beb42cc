//! A laid-out document drawn as SVG, from the same pages the PDF is
//! written from: each run of glyphs one `<path>`, which the page's script
//! writes from the glyphs it sets and their outlines (each read from its
//! font once, and sent once); pictures, rules and backgrounds as the PDF
//! draws them (run on into the bleed when the sheet shows it); crop and
//! fold marks on a print sheet. Over the drawing lies a text layer of
//! transparent `<text>`, one group per paragraph, so the browser's find
//! and selection work and a click can tell which paragraph it was.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use rustc_hash::FxBuildHasher;
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

/// A document drawn: one `<svg>` per page, and the outlines of the glyphs
/// set on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub pages: Vec<String>,
    /// By face (a hash of its font file, and its index in a collection)
    /// and glyph, `"5be1….0-36"`: the pages say which glyphs a run sets and
    /// where (a `<path>`'s `data-face` and `data-glyphs`, `id x [y]` in
    /// steps, parted by `;`), and the preview's script writes its path from
    /// these (src/preview/preview.js, `writePaths`).
    pub outlines: BTreeMap<String, Outline>,
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
    let mut outlines = Outlines::new(&book);
    let mut out = Vec::with_capacity(pages.pages.len());
    for (index, page) in pages.pages.iter().enumerate() {
        out.push(draw_page(
            index,
            page,
            pages,
            look,
            sources,
            picture_url,
            &mut outlines,
        ));
    }
    let keys = outlines.keys;
    let outlines = outlines
        .glyphs
        .into_iter()
        .filter_map(|((face, id), outline)| Some((format!("{}-{id}", keys.get(&face)?), outline?)))
        .collect();
    Drawn {
        pages: out,
        outlines,
    }
}

/// A number with at most `.1` decimals, without trailing zeros, written
/// straight into the page (a page has thousands).
pub(super) struct Num(f32, u32);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let n = (f64::from(v) * 10f64.powi(self.1 as i32)).round() as i64;
        decimal(f, n, self.1)
    }
}

/// Writes `n` units of `10^-digits` as a decimal number, without trailing
/// zeros: what [`Num`] writes once rounded, and the path data's steps.
fn decimal(out: &mut impl Write, n: i64, digits: u32) -> std::fmt::Result {
    let unit = 10u64.pow(digits);
    if n < 0 {
        out.write_str("-")?;
    }
    let n = n.unsigned_abs();
    let (whole, mut frac) = (n / unit, n % unit);
    write!(out, "{whole}")?;
    if frac == 0 {
        return Ok(());
    }
    let mut digits = digits as usize;
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    write!(out, ".{frac:0digits$}")
}

fn draw_page(
    index: usize,
    page: &Page,
    pages: &Pages,
    look: Look,
    sources: &Sources,
    picture_url: &PictureUrl,
    outlines: &mut Outlines,
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
    if let Some(run) = &page.watermark {
        let _ = write!(
            s,
            r#"<g transform="translate({} {}) rotate(-45)">"#,
            num(page.width / 2.0),
            num(page.height / 2.0)
        );
        glyphs(&mut s, run, None, outlines);
        s.push_str("</g>");
    }
    for placed in &page.items {
        match &placed.item {
            Item::Text(run) => glyphs(&mut s, run, Some(sheet.origin), outlines),
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

/// A run's glyphs as one path, scaled from font units (y up) to the run's
/// size (y down): the glyphs it sets and where, from which the page's
/// script writes each glyph's outline where the glyph is set. One element
/// for the run, not one for each glyph: a browser draws a page of a few
/// thousand glyphs three times sooner (a `<use>` of a shared outline is
/// an element, and a copy of the outline, each; docs/decisions.md).
/// Where the page is upright (`origin`: where the trimmed page starts on
/// the sheet), each glyph is set on the 96-dpi pixel grid, as PDF viewers
/// set text at that size: its baseline on a whole pixel, across to a
/// quarter of one (a whole one for large type); no glyph moves by more
/// than 0.75 pt, and the page matches the PDF's pixels on screen.
fn glyphs(s: &mut String, run: &GlyphRun, origin: Option<(f32, f32)>, outlines: &mut Outlines) {
    if run.glyphs.is_empty() {
        return;
    }
    let Some(units_per_em) = outlines.units_per_em(run.face) else {
        return;
    };
    let scale = run.size / units_per_em;
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
    // Each glyph with an outline, where it is set in steps ([`steps`]):
    // the page's script writes the run's path from its glyphs' outlines
    // ([`Drawn::outlines`]). A run of spaces draws nothing.
    let mut begun = false;
    let mut x = run.x;
    for g in run.glyphs.iter() {
        let (x_offset, y_offset) = g.offset(scale);
        let gx = (snap(x + x_offset * across / scale, ox, xstep) - x0) / across;
        let gy = if g.y_offset != 0 {
            (snap(run.y - y_offset, oy, PIXEL) - y0) / -scale
        } else {
            0.0
        };
        x += g.advance;
        if outlines.get(run.face, g.id).is_none() {
            continue;
        }
        if begun {
            s.push(';');
        } else {
            begun = true;
            let _ = write!(
                s,
                r#"<path fill="{}" transform="matrix({} 0 0 {} {} {})" data-face="{}" data-glyphs=""#,
                colour(run.color),
                // The path is written in half font units.
                Num(across / 2.0, 6),
                Num(-scale / 2.0, 6),
                Num(x0, 3),
                Num(y0, 3),
                outlines.face_key(run.face)
            );
        }
        let _ = write!(s, "{} {}", g.id, steps(gx));
        if g.y_offset != 0 {
            let _ = write!(s, " {}", steps(gy));
        }
    }
    if begun {
        s.push_str(r#""/>"#);
    }
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

/// Glyph outlines, each read from its font the first time it is set.
struct Outlines<'a> {
    book: &'a FontBook,
    fonts: HashMap<FaceId, Option<skrifa::outline::OutlineGlyphCollection<'a>>>,
    /// `None` for a glyph with nothing to draw (a space). Looked up for
    /// every glyph set: FxHash, as the layout's tables of glyphs.
    glyphs: HashMap<(FaceId, u16), Option<Outline>, FxBuildHasher>,
    keys: HashMap<FaceId, String>,
}

/// A glyph's outline as path data that can be set anywhere, in [`steps`]:
/// its first point, the rest as relative moves from there (SVG path data,
/// in half font units), and where the pen is left (the start of its last
/// contour, where the `z` that closes it returns the pen).
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub first: (i64, i64),
    pub rest: String,
    pub end: (i64, i64),
}

impl<'a> Outlines<'a> {
    fn new(book: &'a FontBook) -> Outlines<'a> {
        Outlines {
            book,
            fonts: HashMap::new(),
            glyphs: HashMap::default(),
            keys: HashMap::new(),
        }
    }

    fn units_per_em(&self, face: FaceId) -> Option<f32> {
        self.book.faces.get(face).map(|f| f.units_per_em)
    }

    /// What the page and its script call face `face`: a hash of its font
    /// file and its index in a collection, not its place in the font book,
    /// which a rebuild with another font may give to another face (the
    /// script keeps the outlines it was sent for as long as the page is
    /// open).
    fn face_key(&mut self, face: FaceId) -> &str {
        let book = self.book;
        self.keys.entry(face).or_insert_with(|| {
            let (data, index) = book
                .faces
                .get(face)
                .map_or((&[][..], 0), |f| (f.data(), f.index));
            format!("{:016x}.{index}", xxhash_rust::xxh3::xxh3_64(data))
        })
    }

    fn get(&mut self, face: FaceId, glyph: u16) -> Option<&Outline> {
        let book = self.book;
        let fonts = &mut self.fonts;
        self.glyphs
            .entry((face, glyph))
            .or_insert_with(|| {
                let collection = fonts.entry(face).or_insert_with(|| {
                    let f = book.faces.get(face)?;
                    let font = skrifa::FontRef::from_index(f.data(), f.index).ok()?;
                    Some(font.outline_glyphs())
                });
                let outline = collection
                    .as_ref()?
                    .get(skrifa::GlyphId::new(u32::from(glyph)))?;
                let mut pen = RelativePen::default();
                let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
                outline.draw(settings, &mut pen).ok()?;
                pen.finish()
            })
            .as_ref()
    }
}

/// Font units `v` in the steps the preview's paths count in: twentieths of
/// a unit, the nearest. The path data says them in half units, to a tenth:
/// a TrueType outline's points, on whole units or (where the pen puts the
/// point between two control points) halfway, are then whole numbers,
/// which makes a page's paths a tenth shorter than in whole units.
fn steps(v: f32) -> i64 {
    if v.is_finite() {
        (f64::from(v) * 20.0).round() as i64
    } else {
        0
    }
}

/// Writes a count of steps in half units, as a decimal number.
fn push_steps(s: &mut String, n: i64) {
    let _ = decimal(s, n, 1);
}

/// Two numbers of path data: a minus sign parts them, else a space.
fn pair(s: &mut String, a: i64, b: i64) {
    push_steps(s, a);
    if b >= 0 {
        s.push(' ');
    }
    push_steps(s, b);
}

/// Path data in relative moves, from an outline.
#[derive(Default)]
struct RelativePen {
    d: String,
    first: Option<(i64, i64)>,
    pen: (i64, i64),
    contour: (i64, i64),
}

impl RelativePen {
    fn to(&mut self, command: char, points: &[(f32, f32)]) {
        self.d.push(command);
        let mut last = self.pen;
        for (i, &(x, y)) in points.iter().enumerate() {
            let p = (steps(x), steps(y));
            if i > 0 && p.0 - self.pen.0 >= 0 {
                self.d.push(' ');
            }
            pair(&mut self.d, p.0 - self.pen.0, p.1 - self.pen.1);
            last = p;
        }
        self.pen = last;
    }

    fn finish(self) -> Option<Outline> {
        Some(Outline {
            first: self.first?,
            rest: self.d,
            end: self.pen,
        })
    }
}

impl OutlinePen for RelativePen {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = (steps(x), steps(y));
        match self.first {
            // The move to the first point is made where the glyph is set.
            None => self.first = Some(p),
            Some(_) => {
                self.d.push('m');
                pair(&mut self.d, p.0 - self.pen.0, p.1 - self.pen.1);
            }
        }
        self.pen = p;
        self.contour = p;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.to('l', &[(x, y)]);
    }
    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        self.to('q', &[(cx, cy), (x, y)]);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.to('c', &[(cx0, cy0), (cx1, cy1), (x, y)]);
    }
    fn close(&mut self) {
        self.d.push('z');
        self.pen = self.contour;
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

    /// The points of path data, in [`steps`], where each command
    /// puts them (`None` for a `z`): relative moves followed as a browser
    /// does.
    fn points_of(d: &str) -> Vec<Option<(i64, i64)>> {
        let mut out = Vec::new();
        let (mut pen, mut contour) = ((0, 0), (0, 0));
        let mut rest = d;
        while let Some(command) = rest.chars().next() {
            rest = &rest[1..];
            let end = rest
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let numbers: Vec<i64> = rest[..end]
                .replace('-', " -")
                .split_whitespace()
                .map(|n| (n.parse::<f64>().unwrap() * 10.0).round() as i64)
                .collect();
            rest = &rest[end..];
            if command == 'z' {
                out.push(None);
                pen = contour;
                continue;
            }
            let start = pen;
            for xy in numbers.chunks(2) {
                let p = (start.0 + xy[0], start.1 + xy[1]);
                out.push(Some(p));
                pen = p;
            }
            if command == 'm' {
                contour = pen;
            }
        }
        out
    }

    /// Glyph `id`'s outline in the bundled face 0, its points as
    /// [`points_of`] gives them, moved `dx` steps across.
    fn outline_points(id: u16, dx: i64) -> Vec<Option<(i64, i64)>> {
        struct Points(Vec<Option<(i64, i64)>>, i64);
        impl Points {
            fn push(&mut self, points: &[(f32, f32)]) {
                for &(x, y) in points {
                    self.0.push(Some((steps(x) + self.1, steps(y))));
                }
            }
        }
        impl OutlinePen for Points {
            fn move_to(&mut self, x: f32, y: f32) {
                self.push(&[(x, y)]);
            }
            fn line_to(&mut self, x: f32, y: f32) {
                self.push(&[(x, y)]);
            }
            fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
                self.push(&[(cx, cy), (x, y)]);
            }
            fn curve_to(&mut self, a: f32, b: f32, c: f32, d: f32, x: f32, y: f32) {
                self.push(&[(a, b), (c, d), (x, y)]);
            }
            fn close(&mut self) {
                self.0.push(None);
            }
        }
        let book = FontBook::bundled();
        let font = skrifa::FontRef::new(book.faces[0].data()).unwrap();
        let outline = font
            .outline_glyphs()
            .get(skrifa::GlyphId::new(id.into()))
            .unwrap();
        let mut pen = Points(Vec::new(), dx);
        let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
        outline.draw(settings, &mut pen).unwrap();
        pen.0
    }

    /// The paths that draw the glyphs of page `page`: each run's
    /// transform, and its path data as the page's script writes it
    /// (preview.js, `writePaths`) from the run's glyphs and their outlines.
    fn glyph_paths(drawn: &Drawn, page: usize) -> Vec<(String, String)> {
        let attribute = |p: &str, name: &str| {
            let from = p.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            p[from..from + p[from..].find('"').unwrap()].to_string()
        };
        drawn.pages[page]
            .split("<path fill=\"")
            .skip(1)
            .map(|p| {
                let face = attribute(p, "data-face");
                let (mut d, mut pen) = (String::new(), (0, 0));
                for glyph in attribute(p, "data-glyphs").split(';') {
                    let n: Vec<i64> = glyph.split(' ').map(|n| n.parse().unwrap()).collect();
                    let o = &drawn.outlines[&format!("{face}-{}", n[0])];
                    let at = (n[1], n.get(2).copied().unwrap_or(0));
                    let m = (at.0 + o.first.0 - pen.0, at.1 + o.first.1 - pen.1);
                    d.push_str(&format!(
                        "m{} {}{}",
                        m.0 as f64 / 10.0,
                        m.1 as f64 / 10.0,
                        o.rest
                    ));
                    pen = (at.0 + o.end.0, at.1 + o.end.1);
                }
                (attribute(p, "transform"), d)
            })
            .collect()
    }

    #[test]
    fn a_run_is_one_path_of_its_glyphs_outlines_each_where_it_is_set() {
        let pages = one_paragraph(vec![
            Placed {
                mark: Mark::Element(0),
                // A space (glyph 1) draws nothing but moves the rest on.
                item: Item::Text(run("a<b c", &[36, 37, 1, 36])),
            },
            Placed {
                mark: Mark::Artifact(Artifact::Footer),
                item: Item::Text(run("1", &[36])),
            },
        ]);
        let sources = Sources::from([(0, "sections/a.md:3".to_string())]);
        let drawn = draw(&pages, Look::default(), &sources, &|_, _| None);
        let svg = &drawn.pages[0];
        assert!(!svg.contains("<use"), "{svg}");
        // The face by its font file; the space has no outline: neither set
        // nor sent.
        let face = format!(
            "{:016x}.0",
            xxhash_rust::xxh3::xxh3_64(FontBook::bundled().faces[0].data())
        );
        assert!(
            svg.contains(&format!(
                r#"data-face="{face}" data-glyphs="36 0;37 10125;36 30000""#
            )),
            "{svg}"
        );
        let sent: Vec<&String> = drawn.outlines.keys().collect();
        assert_eq!(sent, [&format!("{face}-36"), &format!("{face}-37")]);
        let paths = glyph_paths(&drawn, 0);
        assert_eq!(paths.len(), 2, "one path a run: {svg}");
        // On the pixel grid: 20 pt is 26.67 px, set at 26; 10 pt across
        // is 13.33 px, set at 13.25; the second glyph one advance (5 pt)
        // after the first, at 20 px: 506.25 font units after it; the
        // last, after the space, at 33.25 px, 1,500 units after the first
        // (counted here in steps, twenty to the unit).
        assert_eq!(paths[0].0, "matrix(0.005 0 0 -0.005 9.938 19.5)");
        let mut expected = outline_points(36, 0);
        expected.extend(outline_points(37, 10125));
        expected.extend(outline_points(36, 30000));
        assert_eq!(points_of(&paths[0].1), expected, "{}", paths[0].1);
        assert_eq!(points_of(&paths[1].1), outline_points(36, 0));
        // The text layer: escaped, grouped by paragraph, with its source.
        assert!(svg.contains(">a&lt;b c</text>"), "{svg}");
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
        let paths = glyph_paths(&drawn, 0);
        // Scaled across by 2 %; the second glyph still 5 pt after the
        // first (at 15 pt on the page): 5.062 pt from the snapped start,
        // 496.32 of the wider glyph units, 9,926 steps.
        assert_eq!(paths[0].0, "matrix(0.0051 0 0 -0.005 9.938 19.5)");
        let mut expected = outline_points(36, 0);
        expected.extend(outline_points(37, 9926));
        assert_eq!(points_of(&paths[0].1), expected);
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
