//! Stage 7, pdf: the laid-out pages become PDF bytes through krilla.
//!
//! krilla gets our own shaped glyphs (its `simple-text` shaping is off), each
//! run with the text it shows, so copying and searching give the source text.
//! Fonts are embedded and subset to the glyphs the document uses. Nothing
//! about the machine goes into the file: no dates unless `SOURCE_DATE_EPOCH`
//! asks for one, no paths, no user names.

use std::borrow::Cow;
use std::collections::BTreeMap;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::{cmyk, rgb};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::Font;
use krilla::{Document, SerializeSettings};

use crate::colour::Cmyk;
use crate::error::{Error, Result};
use crate::layout::font::FontBook;
use crate::layout::{Artifact, GlyphRun, Item, LinkTarget, Mark, Page, Pages};
use crate::picture::{Orientation, Picture, PictureFormat};
use glyphs::Faces;
use marks::Sheet;
use tags::{Content, Tagger};

/// How colours are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    /// CMYK, as the theme gives it: for the print shop.
    #[default]
    Cmyk,
    /// RGB: for screens.
    Rgb,
}

mod accessible;
pub mod encrypt;
mod glyphs;
pub mod impose;
pub mod marks;
pub(crate) mod metadata;
mod objects;
pub mod pdfx;
mod refused;
pub mod resample;
pub mod subsets;
pub mod tags;

/// The CMYK profile print output is made for (FOGRA39, coated offset
/// paper: what most print shops in Britain and Europe print to); see
/// assets/ICC.md for how it was made and its licence.
pub const PRINT_PROFILE: &[u8] = include_bytes!("../../assets/handbill-fogra39.icc");

/// How print output identifies the printing condition it is made for.
pub const PRINT_CONDITION: pdfx::OutputCondition<'static> = pdfx::OutputCondition {
    icc: PRINT_PROFILE,
    identifier: "FOGRA39",
    info: "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)",
    registry: "http://www.color.org",
};

/// Options for writing a PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    pub color: ColorMode,
    /// Bleed, slug, crop and fold marks on pages whose master has bleed.
    pub marks: bool,
    /// A PDF/A-2u file for the archive: krilla checks every requirement and
    /// refuses to write a file that would not meet it.
    pub archival: bool,
    /// Seconds since 1970 for the document's dates (`SOURCE_DATE_EPOCH`);
    /// without it the PDF carries no date at all.
    pub date: Option<i64>,
    /// The resolution pictures are scaled down to in screen output (RGB,
    /// not archival), from the briefing or format; none:
    /// [`crate::picture::DEFAULT_SCREEN_PPI`]. Print and archive keep the originals.
    pub screen_ppi: Option<f32>,
    /// From how many pages a print PDF's page contents are compressed as
    /// each page is drawn; none: [`COMPRESSED_AS_DRAWN`].
    pub compressed_as_drawn_from: Option<usize>,
    /// Every how many pages drawn krilla's memo is aged; none:
    /// [`PAGES_AGING_THE_MEMO`].
    pub pages_aging_the_memo: Option<usize>,
    /// The font subsets another thread is making ahead for this document
    /// (a lone build's): the document's end makes those it has not reached
    /// and waits for the rest, so that none is made twice at once.
    pub subsets_ahead: Option<std::sync::Arc<subsets::Ahead>>,
}

/// Writes `pages` as a PDF.
pub fn write(
    pages: &Pages,
    images: &BTreeMap<String, Picture>,
    options: &PdfOptions,
) -> Result<Vec<u8>> {
    check_accessible(pages, images, options)?;
    let sheets = sheets(&pages.pages, options);
    let placed = largest_placements(&pages.pages, &sheets);
    let bodies = pages.pages.iter().map(Cow::Borrowed);
    write_pages(pages, &sheets, &placed, bodies, images, options)
}

/// Writes `pages` as a PDF, each page's glyphs and pictures dropped as soon
/// as krilla has drawn them: the build's last use of its pages, so a long
/// document never holds every page's glyphs and its PDF at once.
pub fn write_owned(
    mut pages: Pages,
    images: &BTreeMap<String, Picture>,
    options: &PdfOptions,
) -> Result<Vec<u8>> {
    check_accessible(&pages, images, options)?;
    let bodies = std::mem::take(&mut pages.pages);
    let sheets = sheets(&bodies, options);
    let placed = largest_placements(&bodies, &sheets);
    write_pages(
        &pages,
        &sheets,
        &placed,
        bodies.into_iter().map(Cow::Owned),
        images,
        options,
    )
}

/// A screen or archive copy claims PDF/UA-1: what it cannot meet is said
/// here, in handbill's words, before krilla is asked.
fn check_accessible(
    pages: &Pages,
    images: &BTreeMap<String, Picture>,
    options: &PdfOptions,
) -> Result<()> {
    if options.color != ColorMode::Cmyk {
        accessible::check_pictures(pages, images)?;
        accessible::check_characters(pages, copy_name(options))?;
    }
    Ok(())
}

/// Each page's sheet: its media, trim and bleed boxes and marks.
fn sheets(pages: &[Page], options: &PdfOptions) -> Vec<Sheet> {
    pages
        .iter()
        .map(|p| Sheet::for_page(p, options.marks))
        .collect()
}

/// Writes the pages `bodies`, one to each of `sheets`; `pages` gives the
/// rest (anchors, outline, structure, metadata), its own pages unread.
fn write_pages<'p>(
    pages: &Pages,
    sheets: &[Sheet],
    placed: &BTreeMap<String, (f32, f32)>,
    bodies: impl Iterator<Item = Cow<'p, Page>>,
    images: &BTreeMap<String, Picture>,
    options: &PdfOptions,
) -> Result<Vec<u8>> {
    let screen = for_screen(images, placed, options)?;
    let images = screen.as_ref().unwrap_or(images);
    let book = pages.font_book();
    let (mut document, faces, embedded) = start(&book, images, options, true, sheets.len())?;
    let mut tagger = Tagger::new(&pages.structure);
    let aging_every = (options.pages_aging_the_memo)
        .unwrap_or(PAGES_AGING_THE_MEMO)
        .max(1);
    for (index, (page, sheet)) in bodies.zip(sheets).enumerate() {
        let page = &*page;
        tagger.start_page(index);
        let (tx, ty, tw, th) = sheet.trim_box();
        let mut settings = PageSettings::from_wh(sheet.media_width, sheet.media_height)
            .ok_or_else(|| Error::new("a page has no size"))?
            .with_trim_box(Rect::from_xywh(tx, ty, tw, th));
        if sheet.bleed > 0.0 {
            let (bx, by, bw, bh) = sheet.bleed_box();
            settings = settings.with_bleed_box(Rect::from_xywh(bx, by, bw, bh));
        }
        let mut pdf_page = document.start_page_with(settings);
        {
            let mut surface = pdf_page.surface();
            surface.push_transform(&Transform::from_translate(sheet.origin.0, sheet.origin.1));
            draw_page(
                &mut surface,
                page,
                sheet,
                &faces,
                &embedded,
                options,
                &mut tagger,
            );
            surface.pop();
            draw_marks(&mut surface, sheet);
            surface.finish();
        }
        for link in &page.links {
            let Some(rect) = Rect::from_xywh(
                link.x + sheet.origin.0,
                link.y + sheet.origin.1,
                link.width.max(0.1),
                link.height.max(0.1),
            ) else {
                continue;
            };
            let target = match &link.target {
                LinkTarget::Uri(uri) => {
                    Target::Action(Action::Link(LinkAction::new(uri.to_string())))
                }
                LinkTarget::Anchor(anchor) => match pages.anchors.get(&**anchor) {
                    Some((p, y)) => Target::Destination(Destination::Xyz(XyzDestination::new(
                        *p,
                        Point::from_xy(0.0, y + sheets[*p].origin.1),
                    ))),
                    None => continue,
                },
            };
            // What a screen reader announces for the link.
            let alt = match &link.target {
                LinkTarget::Uri(uri) => uri.to_string(),
                LinkTarget::Anchor(anchor) => pages
                    .outline
                    .iter()
                    .find(|e| *e.anchor == **anchor)
                    .map_or_else(|| anchor.to_string(), |e| e.title.clone()),
            };
            let annotation = Annotation::new_link(LinkAnnotation::new(rect, target), Some(alt));
            tagger.link(&mut pdf_page, annotation, link.mark);
        }
        pdf_page.finish();
        if (index + 1) % aging_every == 0 {
            forget_unused_subsets();
        }
    }

    document.set_outline(outline(pages, sheets));
    document.set_tag_tree(tagger.tree(&pages.lang));
    if let Some(ahead) = &options.subsets_ahead {
        ahead.finish();
    }
    finish(document, pages, options, (&book, &faces.fonts), &|image| {
        // krilla reads a picture's pixels only now: a damaged one fails here.
        let (key, _) = embedded.iter().find(|(_, e)| &e.0 == image)?;
        let file = images.get(*key).map(|p| p.path.display().to_string());
        Some(format!("picture `{key}` ({})", file.unwrap_or_default()))
    })
}

/// Metadata, then the bytes, then for print the PDF/X-4 identification.
/// `fonts` are krilla's fonts of the book's faces, in the same order.
fn finish(
    mut document: Document,
    pages: &Pages,
    options: &PdfOptions,
    (book, fonts): (&FontBook, &[Font]),
    picture_named: &dyn Fn(&Image) -> Option<String>,
) -> Result<Vec<u8>> {
    document.set_metadata(metadata::document_metadata(pages, options)?);
    let bytes = document.finish().map_err(|e| {
        if let krilla::error::KrillaError::Image(image, _, reason) = &e
            && let Some(picture) = picture_named(image)
        {
            return Error::new(format!("{picture} is damaged and cannot be printed: {reason}"))
                .help("open it in an image editor and save it again as PNG or JPEG, or use another picture");
        }
        // krilla subsets a font only now: a glyph damaged past what reading
        // the font checked fails here. The face is named, as it is when read.
        if let krilla::error::KrillaError::Font(font, _) = &e
            && let Some(face) = fonts.iter().position(|f| f == font).map(|i| &book.faces[i])
            && let Some(file) = &face.file
        {
            return Error::new(format!(
                "the font {} ({}) cannot be embedded in the PDF: it is damaged",
                file.display(),
                face.name
            ))
            .at(crate::error::Location::file(file))
            .help("replace it with an intact OpenType (.otf) or TrueType (.ttf) file, or take it out of fonts/");
        }
        refused::refused(&e, copy_name(options))
    });
    forget_unused_subsets();
    let bytes = bytes?;
    if options.color != ColorMode::Cmyk {
        return Ok(bytes);
    }
    pdfx::make_pdfx4(&bytes, &PRINT_CONDITION, false).map_err(pdfx_failed)
}

/// How many documents (or stretches of [`PAGES_AGING_THE_MEMO`] pages)
/// krilla's memo keeps what it made after the last one that used it.
pub const SUBSETS_KEPT_FOR: usize = 8;

/// A long document ages krilla's memo every so many pages it draws, as
/// well as once it ends: krilla remembers every page's compressed contents
/// too, which a later page or document hardly ever shows again (a 988-page
/// pack held 10 MB more with them all).
pub const PAGES_AGING_THE_MEMO: usize = 16;

/// krilla remembers the font subsets and compressed streams it made (its
/// `comemo` memo, one for the process, keyed by everything they are made
/// from), so that the next copy of a batch, or the next rebuild under
/// `watch`, finds them instead of making them again. Each document that
/// ends, and each [`PAGES_AGING_THE_MEMO`] pages drawn, ages the memo by
/// one and lets go of what was not used since [`SUBSETS_KEPT_FOR`] agings
/// ago: a batch of a thousand briefings, each with its own letters, holds
/// a few documents' worth, and a long pack a few stretches of pages.
fn forget_unused_subsets() {
    comemo::evict(SUBSETS_KEPT_FOR);
}

/// A fault of the PDF/X step as handbill reports it: the PDF it reads is
/// handbill's own, so the fault is handbill's, not the user's.
fn pdfx_failed(e: pdfx::PdfxError) -> Error {
    Error::new(format!(
        "the PDF/X-4 identification could not be added: {e}"
    ))
    .kind(crate::error::ErrorKind::Internal)
    .help(
        "the PDF krilla wrote is not what handbill's PDF/X step expects: a fault in \
         handbill, not in your files; please report it with the briefing \
         (`--profile screen` builds without this step)",
    )
}

/// The largest size each picture is drawn at on `pages`, in points, its
/// bleed included.
fn largest_placements(pages: &[Page], sheets: &[Sheet]) -> BTreeMap<String, (f32, f32)> {
    let mut largest: BTreeMap<String, (f32, f32)> = BTreeMap::new();
    for (page, sheet) in pages.iter().zip(sheets) {
        for placed in &page.items {
            if let Item::Image {
                key,
                x,
                y,
                width,
                height,
            } = &placed.item
            {
                let (_, _, w, h) = image_place(sheet, (*x, *y, *width, *height)).0;
                let entry = largest.entry(key.clone()).or_default();
                *entry = (entry.0.max(w), entry.1.max(h));
            }
        }
    }
    largest
}

/// In screen output, the pictures scaled down to the resolution the screen
/// needs ([`resample`]); none: the originals are embedded.
fn for_screen(
    images: &BTreeMap<String, Picture>,
    placed: &BTreeMap<String, (f32, f32)>,
    options: &PdfOptions,
) -> Result<Option<BTreeMap<String, Picture>>> {
    if options.color != ColorMode::Rgb || options.archival {
        return Ok(None);
    }
    let ppi = options
        .screen_ppi
        .unwrap_or(crate::picture::DEFAULT_SCREEN_PPI);
    let mut out = images.clone();
    for (key, pic) in &mut out {
        let Some(size) = placed.get(key) else {
            continue;
        };
        if let Some(small) = resample::for_screen(key, pic, *size, ppi)? {
            *pic = small;
        }
    }
    Ok(Some(out))
}

/// From this many pages on, a print PDF's page contents are compressed by
/// krilla as each page is drawn (its level 6) instead of by the PDF/X step
/// (level 1, quicker) once the whole file is made. krilla holds every
/// page's contents until the file is finished, and then the file itself,
/// so a 1,202-page pack peaked at 417 MB with them held plain and 278 MB
/// compressed, for 16 % more time (docs/decisions.md); a pack of a few
/// pages holds little either way and takes the quicker path.
pub const COMPRESSED_AS_DRAWN: usize = 100;

/// The pictures as krilla holds them, by key, each with the way its pixels
/// are turned to be shown (krilla embeds a JPEG's bytes as they are).
type Embedded<'a> = BTreeMap<&'a str, (Image, Orientation)>;

/// A new krilla document for `options` and a document of `pages` pages,
/// with the bundled fonts and the pictures loaded; `tagged` for a tagged
/// (accessible) PDF.
fn start<'a>(
    book: &'a FontBook,
    images: &'a BTreeMap<String, Picture>,
    options: &PdfOptions,
    tagged: bool,
    pages: usize,
) -> Result<(Document, Faces<'a>, Embedded<'a>)> {
    let print = options.color == ColorMode::Cmyk;
    let settings = if print {
        // PDF/X-4: PDF 1.6; RGB pictures tagged with sRGB. The theme's CMYK
        // stays DeviceCMYK, which PDF/X-4 reads in the OutputIntent's
        // profile: the same colour as tagging each use with that profile,
        // without krilla compressing the 71 KB profile in every process
        // (a sixth of a leaflet's build).
        let configuration = krilla::configure::ConfigurationBuilder::new()
            .with_version(krilla::configure::PdfVersion::Pdf16)
            .finish()
            .map_err(|e| Error::new(format!("PDF settings: {e:?}")))?;
        SerializeSettings {
            enable_tagging: tagged,
            no_device_cs: true,
            // The PDF/X step compresses page contents, at a faster level;
            // a long document's are compressed by krilla as each page is
            // drawn, so that they are never all held uncompressed.
            compress_content_streams: pages
                >= (options.compressed_as_drawn_from).unwrap_or(COMPRESSED_AS_DRAWN),
            configuration,
            ..SerializeSettings::default()
        }
    } else if options.archival {
        let configuration = accessible(tagged)
            .with_archival_validator(krilla::configure::Archival::A2_U)
            .finish()
            .map_err(|e| Error::new(format!("PDF/A settings: {e:?}")))?;
        SerializeSettings {
            enable_tagging: tagged,
            no_device_cs: true,
            configuration,
            ..SerializeSettings::default()
        }
    } else {
        let configuration = accessible(tagged)
            .with_version(krilla::configure::PdfVersion::Pdf17)
            .finish()
            .map_err(|e| Error::new(format!("PDF/UA settings: {e:?}")))?;
        SerializeSettings {
            enable_tagging: tagged,
            configuration,
            ..SerializeSettings::default()
        }
    };
    let document = Document::new_with(settings);
    let fonts: Vec<Font> = book
        .faces
        .iter()
        .map(|f| {
            glyphs::krilla_font(f).ok_or_else(|| {
                Error::new(format!(
                    "the font {} cannot be embedded in the PDF",
                    f.file
                        .as_deref()
                        .unwrap_or(std::path::Path::new(&f.name))
                        .display()
                ))
                .help("replace it with an intact OpenType (.otf) or TrueType (.ttf) file")
            })
        })
        .collect::<Result<_>>()?;
    let mut embedded: Embedded = BTreeMap::new();
    for (key, pic) in images {
        let data = krilla::Data::from(pic.data.clone());
        let image = match pic.format {
            // PDF/A forbids asking viewers to smooth pictures.
            PictureFormat::Png => Image::from_png(data, !options.archival),
            PictureFormat::Jpeg => Image::from_jpeg(data, !options.archival),
        }
        .map_err(|e| {
            Error::new(format!(
                "image `{key}` ({}) cannot be embedded: {e}",
                pic.path.display()
            ))
        })?;
        embedded.insert(key.as_str(), (image, pic.orientation));
    }

    Ok((document, Faces::new(book, fonts), embedded))
}

/// The copy `options` make and the standards it claims, for messages.
fn copy_name(options: &PdfOptions) -> &'static str {
    match (options.color, options.archival) {
        (ColorMode::Cmyk, _) => "the print copy (PDF/X-4)",
        (_, true) => "the archive copy (PDF/A-2u, PDF/UA-1)",
        (_, false) => "the screen copy (PDF/UA-1)",
    }
}

/// The screen and archive copies claim PDF/UA-1 when tagged: krilla then
/// checks every rule it can (a title shown in the window, the language,
/// every picture's alternative text, no untagged content) and refuses a file
/// that breaks one ([`refused`] says what to add). An imposed sheet is
/// untagged and claims nothing.
fn accessible(tagged: bool) -> krilla::configure::ConfigurationBuilder {
    let builder = krilla::configure::ConfigurationBuilder::new();
    if tagged {
        builder.with_accessibility_validator(krilla::configure::Accessibility::UA1)
    } else {
        builder
    }
}

fn paint(c: Cmyk, mode: ColorMode) -> krilla::paint::Paint {
    match mode {
        ColorMode::Cmyk => {
            let b = |v: f32| (v * 255.0).round().clamp(0.0, 255.0) as u8;
            cmyk::Color::new(b(c.c), b(c.m), b(c.y), b(c.k)).into()
        }
        ColorMode::Rgb => {
            let (r, g, b) = c.to_rgb();
            rgb::Color::new(r, g, b).into()
        }
    }
}

/// Draws a laid-out page's watermark and items, with the surface's origin
/// at the page's top-left trim corner.
fn draw_page(
    surface: &mut krilla::surface::Surface,
    page: &crate::layout::Page,
    sheet: &Sheet,
    faces: &Faces,
    embedded: &Embedded,
    options: &PdfOptions,
    tagger: &mut Tagger,
) {
    // The text runs in the order `subsets::text_runs` follows.
    if let Some(run) = &page.watermark {
        // Behind everything, across the page from bottom left to top right.
        let mark = Mark::Artifact(Artifact::Watermark);
        tagger.content(surface, mark, Content::Text, None);
        let (cx, cy) = (page.width / 2.0, page.height / 2.0);
        surface.push_transform(&Transform::from_translate(cx, cy));
        surface.push_transform(&Transform::from_rotate(-45.0));
        draw_run(surface, run, faces, options);
        surface.pop();
        surface.pop();
    }
    for placed in &page.items {
        let mark = placed.mark;
        match &placed.item {
            Item::Text(run) => {
                tagger.content(surface, mark, Content::Text, None);
                draw_run(surface, run, faces, options)
            }
            Item::Rect {
                x,
                y,
                width,
                height,
                fill,
                stroke,
            } => {
                let mut pb = PathBuilder::new();
                let mut extent = None;
                if *height == 0.0 {
                    pb.move_to(*x, *y);
                    pb.line_to(x + width, *y);
                } else {
                    // Backgrounds that touch the trim edge run on into the bleed.
                    let (x, y, w, h) = if fill.is_some() {
                        sheet.bled(*x, *y, *width, *height)
                    } else {
                        (*x, *y, *width, *height)
                    };
                    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                        pb.push_rect(rect);
                    }
                    // Where a background is on the page (the surface starts
                    // at the trim corner): tagged PDF asks for it.
                    extent = Rect::from_xywh(x + sheet.origin.0, y + sheet.origin.1, w, h);
                }
                let Some(path) = pb.finish() else { continue };
                tagger.content(surface, mark, Content::Graphic, extent);
                surface.set_fill(fill.filter(|_| *height > 0.0).map(|c| Fill {
                    paint: paint(c, options.color),
                    ..Fill::default()
                }));
                surface.set_stroke(stroke.map(|(c, w)| Stroke {
                    paint: paint(c, options.color),
                    width: w,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
            Item::Image {
                key,
                x,
                y,
                width,
                height,
            } => {
                let Some((image, orientation)) = embedded.get(key.as_str()) else {
                    continue;
                };
                tagger.content(surface, mark, Content::Graphic, None);
                let place = (*x, *y, *width, *height);
                draw_image(surface, image, *orientation, sheet, place);
            }
        }
    }
    tagger.end(surface);
}

/// Where a picture placed at `place` is drawn, the box it is clipped to,
/// and whether it runs into the bleed (then it is enlarged to cover it).
#[allow(clippy::type_complexity)]
fn image_place(
    sheet: &Sheet,
    place: (f32, f32, f32, f32),
) -> ((f32, f32, f32, f32), (f32, f32, f32, f32), bool) {
    let (x, y, w, h) = place;
    let (bx, by, bw, bh) = sheet.bled(x, y, w, h);
    let bled = (bx, by, bw, bh) != (x, y, w, h);
    let drawn = if bled {
        // Cover the larger area, keeping the picture's proportions.
        let scale = (bw / w).max(bh / h);
        let (cw, ch) = (w * scale, h * scale);
        (bx + (bw - cw) / 2.0, by + (bh - ch) / 2.0, cw, ch)
    } else {
        (x, y, w, h)
    };
    (drawn, (bx, by, bw, bh), bled)
}

/// A picture, fitted to its place; one that touches the trim edge is
/// enlarged to cover the bleed there and clipped to it. A picture shown
/// turned (`orientation`) keeps its bytes: it is drawn through a transform.
fn draw_image(
    surface: &mut krilla::surface::Surface,
    image: &Image,
    orientation: Orientation,
    sheet: &Sheet,
    place: (f32, f32, f32, f32),
) {
    let ((dx, dy, dw, dh), (bx, by, bw, bh), bled) = image_place(sheet, place);
    let Some(size) = Size::from_wh(dw, dh) else {
        return;
    };
    let clip = Rect::from_xywh(bx, by, bw, bh).and_then(|r| {
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        pb.finish()
    });
    if let (true, Some(clip)) = (bled, &clip) {
        surface.push_clip_path(clip, &krilla::paint::FillRule::NonZero);
    }
    surface.push_transform(&Transform::from_translate(dx, dy));
    if orientation == Orientation::Upright {
        // No transform at all, so that such pictures are drawn as before.
        surface.draw_image(image.clone(), size);
    } else {
        let ((sw, sh), [sx, ky, kx, sy, tx, ty]) = orientation.placement(dw, dh);
        if let Some(stored) = Size::from_wh(sw, sh) {
            surface.push_transform(&Transform::from_row(sx, ky, kx, sy, tx, ty));
            surface.draw_image(image.clone(), stored);
            surface.pop();
        }
    }
    surface.pop();
    if bled && clip.is_some() {
        surface.pop();
    }
}

/// Crop and fold marks in registration colour: every ink at full strength,
/// so the marks show on each printing plate.
fn draw_marks(surface: &mut krilla::surface::Surface, sheet: &Sheet) {
    if sheet.marks.is_empty() {
        return;
    }
    let registration = krilla::color::separation::Color::new(
        255,
        krilla::color::separation::SeparationSpace::new(
            krilla::color::separation::SeparationColorant::AllColorants,
            cmyk::Color::new(255, 255, 255, 255).into(),
        ),
    );
    tags::start_printer_marks(surface);
    surface.set_fill(None);
    for mark in &sheet.marks {
        let mut pb = PathBuilder::new();
        pb.move_to(mark.from.0, mark.from.1);
        pb.line_to(mark.to.0, mark.to.1);
        let Some(path) = pb.finish() else { continue };
        surface.set_stroke(Some(Stroke {
            paint: krilla::color::Color::from(registration.clone()).into(),
            width: marks::HAIRLINE,
            dash: mark.dashed.then(|| krilla::paint::StrokeDash {
                array: vec![3.0, 2.0],
                offset: 0.0,
            }),
            ..Stroke::default()
        }));
        surface.draw_path(&path);
    }
    surface.set_stroke(None);
    surface.end_tagged();
}

fn draw_run(
    surface: &mut krilla::surface::Surface,
    run: &GlyphRun,
    faces: &Faces,
    options: &PdfOptions,
) {
    let mode = options.color;
    if run.glyphs.is_empty() {
        return;
    }
    let size = run.size;
    // Expanded glyphs are drawn in a space scaled across, where their
    // advances are narrower by as much; the text extracts as ever.
    let expanded = run.expansion > 0.0 && run.expansion != 1.0;
    let e = if expanded { run.expansion } else { 1.0 };
    let glyphs = faces.glyphs(run, e);
    surface.set_fill(Some(Fill {
        paint: paint(run.color, mode),
        ..Fill::default()
    }));
    let start = match expanded {
        true => {
            surface.push_transform(&Transform::from_row(e, 0.0, 0.0, 1.0, run.x, run.y));
            Point::from_xy(0.0, 0.0)
        }
        false => Point::from_xy(run.x, run.y),
    };
    surface.draw_glyphs(
        start,
        &glyphs,
        faces.fonts[run.face].clone(),
        &run.text,
        size,
        false,
    );
    if expanded {
        surface.pop();
    }
    if run.underline {
        let mut pb = PathBuilder::new();
        pb.move_to(run.x, run.y + size * 0.12);
        pb.line_to(run.x + run.width(), run.y + size * 0.12);
        if let Some(path) = pb.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: paint(run.color, mode),
                width: size * 0.05,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
}

fn outline(pages: &Pages, sheets: &[Sheet]) -> Outline {
    let mut outline = Outline::new();
    let mut current: Option<OutlineNode> = None;
    for entry in &pages.outline {
        let Some((page, y)) = pages.anchors.get(&entry.anchor) else {
            continue;
        };
        let node = OutlineNode::new(
            entry.title.clone(),
            XyzDestination::new(*page, Point::from_xy(0.0, y + sheets[*page].origin.1)),
        );
        if entry.level <= 1 {
            if let Some(done) = current.take() {
                outline.push_child(done);
            }
            current = Some(node);
        } else {
            match current.as_mut() {
                Some(parent) => parent.push_child(node),
                None => outline.push_child(node),
            }
        }
    }
    if let Some(done) = current {
        outline.push_child(done);
    }
    outline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_of_the_pdfx_step_is_internal() {
        let e = pdfx_failed(pdfx::PdfxError::NoCatalog);
        assert_eq!(e.kind, crate::error::ErrorKind::Internal);
        assert!(e.message.contains("has no catalog"), "{}", e.message);
        assert!(e.help.is_some_and(|h| h.contains("a fault in handbill")));
    }

    #[test]
    fn every_bundled_font_loads_in_krilla() {
        for face in &FontBook::bundled().faces {
            assert!(
                Font::new(face.data().to_vec().into(), 0).is_some(),
                "{}",
                face.name
            );
        }
    }
}
