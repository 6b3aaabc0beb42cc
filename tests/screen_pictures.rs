//! Screen builds carry pictures at the resolution the screen needs: a
//! 12-megapixel phone photo goes in at 150 ppi at its placed size (or the
//! briefing's or format's `screen_ppi:`), with its colour profile and
//! transparency; print builds keep the original. Each PDF is read back with
//! `pdfimages -list`, as a reader checking a file would.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use image::ImageEncoder;

const SRGB: &[u8] = include_bytes!("data/srgb.icc");

/// A photo-like picture: smooth light with fine detail over it.
fn photo(width: u32, height: u32, alpha: bool) -> image::RgbaImage {
    image::RgbaImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let detail = (((x / 7) ^ (y / 5)) & 15) as f32 * 4.0;
        let r = 60.0 + 150.0 * fx + detail;
        let g = 80.0 + 120.0 * fy + detail;
        let b = 200.0 - 120.0 * fx * fy + detail;
        let a = if alpha {
            (255.0 * (1.0 - fx)) as u8
        } else {
            255
        };
        image::Rgba([r as u8, g as u8, b.max(0.0) as u8, a])
    })
}

/// A 12-megapixel JPEG as a phone saves it, with an sRGB profile.
fn phone_jpeg() -> Vec<u8> {
    let rgb = image::DynamicImage::ImageRgba8(photo(4000, 3000, false)).to_rgb8();
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92);
    encoder.set_icc_profile(SRGB.to_vec()).unwrap();
    encoder
        .write_image(&rgb, 4000, 3000, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn png_with_alpha() -> Vec<u8> {
    let rgba = photo(2000, 1500, true);
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgba, 2000, 1500, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// One row of `pdfimages -list`.
#[derive(Debug)]
struct Row {
    kind: String,
    width: u32,
    height: u32,
    enc: String,
    x_ppi: f32,
}

fn images(pdf: &Path) -> Vec<Row> {
    image_rows(pdf)
        .into_iter()
        .map(|f| Row {
            kind: f[2].clone(),
            width: f[3].parse().unwrap(),
            height: f[4].parse().unwrap(),
            enc: f[8].clone(),
            x_ppi: f[12].parse().unwrap(),
        })
        .collect()
}

fn extracted_jpeg(pdf: &Path, root: &Path) -> Vec<u8> {
    let o = Command::new("pdfimages")
        .arg("-j")
        .arg(pdf)
        .arg(root)
        .output()
        .unwrap();
    assert!(o.status.success());
    std::fs::read(root.with_file_name(format!(
        "{}-000.jpg",
        root.file_name().unwrap().to_string_lossy()
    )))
    .expect("pdfimages -j wrote a JPEG")
}

#[test]
fn a_phone_photo_goes_to_screen_at_150_ppi_and_to_print_whole() {
    let dir = leaflet_with_photo("screen-phone", &phone_jpeg(), "phone.jpg", "");
    let screen = build_with_profile(&dir, "screen");
    let rows = images(&screen);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row.enc, "jpeg", "{row:?}");
    assert!(
        (row.x_ppi - 150.0).abs() <= 2.0,
        "150 ppi on the page: {row:?}"
    );
    assert!(row.width < 4000 / 3, "scaled down: {row:?}");
    // The proportions stay those of the photo.
    let ratio = row.width as f32 / row.height as f32;
    assert!((ratio - 4.0 / 3.0).abs() < 0.01, "{row:?}");
    let size = std::fs::metadata(&screen).unwrap().len();
    assert!(size < 400_000, "the screen PDF is {size} bytes");
    // The colour profile goes with it, and nothing the encoder adds.
    let jpeg = extracted_jpeg(&screen, &dir.join("screen-img"));
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(&jpeg));
    decoder.decode_headers().unwrap();
    assert_eq!(decoder.icc_profile().as_deref(), Some(SRGB), "ICC kept");
    assert!(!jpeg.windows(4).any(|w| w == b"JFIF"), "no JFIF header");

    // Print keeps the original.
    let print = build_with_profile(&dir, "print");
    let rows = images(&print);
    assert_eq!((rows[0].width, rows[0].height), (4000, 3000), "{rows:?}");
    assert!(std::fs::metadata(&print).unwrap().len() > 4 * size);
    // Archive too.
    let archive = build_with_profile(&dir, "archive");
    let rows = images(&archive);
    assert_eq!((rows[0].width, rows[0].height), (4000, 3000), "{rows:?}");

    // The same input gives the same bytes.
    let again = std::fs::read(build_with_profile(&dir, "screen")).unwrap();
    assert!(again == std::fs::read(&screen).unwrap(), "deterministic");
}

#[test]
fn a_picture_with_transparency_stays_a_png_with_its_mask() {
    let dir = leaflet_with_photo("screen-alpha", &png_with_alpha(), "alpha.png", "");
    let rows = images(&build_with_profile(&dir, "screen"));
    assert_eq!(rows.len(), 2, "the picture and its mask: {rows:?}");
    assert_eq!(rows[0].kind, "image");
    assert_eq!(rows[1].kind, "smask");
    assert!((rows[0].x_ppi - 150.0).abs() <= 2.0, "{rows:?}");
    assert_ne!(rows[0].enc, "jpeg", "not a JPEG: {rows:?}");
    assert_eq!(
        (rows[0].width, rows[0].height),
        (rows[1].width, rows[1].height)
    );
    let print = images(&build_with_profile(&dir, "print"));
    assert_eq!((print[0].width, print[0].height), (2000, 1500), "{print:?}");
}

#[test]
fn screen_ppi_in_the_briefing_or_the_format_sets_the_resolution() {
    let dir = leaflet_with_photo("screen-ppi", &phone_jpeg(), "phone.jpg", "screen_ppi: 96\n");
    let rows = images(&build_with_profile(&dir, "screen"));
    assert!((rows[0].x_ppi - 96.0).abs() <= 2.0, "{rows:?}");

    // A project's format says 72; the briefing's own value comes first.
    let dir = leaflet_with_photo(
        "screen-ppi-format",
        &phone_jpeg(),
        "phone.jpg",
        "format: a5\n",
    );
    std::fs::create_dir_all(dir.join("formats")).unwrap();
    let a5 = std::fs::read_to_string(repo().join("formats/a5.yaml")).unwrap();
    std::fs::write(dir.join("formats/a5.yaml"), format!("{a5}screen_ppi: 72\n")).unwrap();
    let rows = images(&build_with_profile(&dir, "screen"));
    assert!((rows[0].x_ppi - 72.0).abs() <= 2.0, "{rows:?}");
    let briefing = dir.join("briefings/b.yaml");
    let text = std::fs::read_to_string(&briefing).unwrap();
    std::fs::write(&briefing, format!("{text}screen_ppi: 200\n")).unwrap();
    let rows = images(&build_with_profile(&dir, "screen"));
    assert!((rows[0].x_ppi - 200.0).abs() <= 2.0, "{rows:?}");
}

#[test]
fn a_picture_already_small_enough_is_never_scaled_up() {
    const SMALL: &[u8] = include_bytes!("data/plain-baseline.jpg");
    let dir = leaflet_with_photo(
        "screen-small",
        SMALL,
        "small.jpg",
        "allow: [low-resolution]\n",
    );
    let screen = build_with_profile(&dir, "screen");
    let rows = images(&screen);
    // 96 pixels across the picture's place is far under 150 ppi: kept.
    assert_eq!((rows[0].width, rows[0].height), (96, 64), "{rows:?}");
    let print = build_with_profile(&dir, "print");
    let jpeg = |pdf: &Path, root: &str| extracted_jpeg(pdf, &dir.join(root));
    assert!(
        jpeg(&screen, "s") == jpeg(&print, "p"),
        "the same bytes as print"
    );
}

#[test]
fn the_sample_leaflet_on_screen_is_under_150_kb() {
    let out = build_samples(
        "screen-sample",
        "screen",
        &["briefings/london-protest-leaflet.yaml"],
    );
    let pdf = out.join("london-protest-leaflet.pdf");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 150_000, "{size} bytes");
    let rows = images(&pdf);
    assert!(rows.iter().all(|r| r.x_ppi <= 152.0), "{rows:?}");
}
