//! A phone photo is placed the way every photo viewer shows it. A phone
//! saves a portrait photo as landscape pixels and an EXIF Orientation that
//! says which way to turn them; handbill drops the EXIF, so it must turn
//! the picture itself. Each test photo here is made upright, then stored
//! turned (or mirrored) as one of the eight orientations says, with that
//! orientation in its EXIF; the built page, as poppler draws it, must show
//! it upright, in print, screen and archive builds.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const GREEN: [u8; 3] = [0, 255, 0];
const BLUE: [u8; 3] = [0, 0, 255];
const YELLOW: [u8; 3] = [255, 255, 0];

/// The photo as it is shown: 600 × 1200 pixels, its top left quarter green,
/// its top right quarter blue, its bottom half yellow. No two of the eight
/// ways to turn or mirror it look alike.
fn upright() -> image::RgbImage {
    image::RgbImage::from_fn(600, 1200, |x, y| {
        image::Rgb(match (x < 300, y < 600) {
            (true, true) => GREEN,
            (false, true) => BLUE,
            _ => YELLOW,
        })
    })
}

/// The upright photo stored as a camera with `orientation` (EXIF 1 to 8)
/// stores it, that orientation written in its EXIF.
fn stored_jpeg(orientation: u8) -> Vec<u8> {
    // What is stored is the photo turned back: 6 and 8 undo each other,
    // each of the others undoes itself.
    let back = match orientation {
        6 => 8,
        8 => 6,
        o => o,
    };
    let mut pixels = image::DynamicImage::ImageRgb8(upright());
    pixels.apply_orientation(image::metadata::Orientation::from_exif(back).unwrap());
    let pixels = pixels.to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
        .encode_image(&pixels)
        .unwrap();
    // EXIF, big-endian: IFD0 with the Orientation (a SHORT) alone.
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend([0, orientation, 0, 0, 0, 0, 0, 0]);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((exif.len() + 2) as u16).to_be_bytes());
    out.extend(exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The upright photo stored as a phone stores a PNG with `orientation`
/// (EXIF 1 to 8) in its `eXIf` chunk, after the header.
fn stored_png(orientation: u8) -> Vec<u8> {
    use image::ImageEncoder;
    let jpeg = stored_jpeg(orientation);
    let pixels = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            &pixels,
            pixels.width(),
            pixels.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    // The TIFF header on, as PNG writes EXIF (no "Exif\0\0").
    let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend([0, orientation, 0, 0, 0, 0, 0, 0]);
    let mut chunk = (exif.len() as u32).to_be_bytes().to_vec();
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"eXIf");
    crc.update(&exif);
    chunk.extend_from_slice(b"eXIf");
    chunk.extend(exif);
    chunk.extend(crc.finalize().to_be_bytes());
    // After the signature and the header chunk (13 bytes of data).
    let header_end = 8 + 4 + 4 + 13 + 4;
    png.splice(header_end..header_end, chunk);
    png
}

/// The size of the largest JPEG in `pdf`, as `pdfimages -list` gives it.
fn embedded_size(pdf: &Path) -> (u32, u32) {
    image_rows(pdf)
        .into_iter()
        .filter(|f| f[8] == "jpeg")
        .map(|f| (f[3].parse().unwrap(), f[4].parse().unwrap()))
        .max_by_key(|&(w, h): &(u32, u32)| w * h)
        .expect("a JPEG in the PDF")
}

/// Where each colour of the photo lies on the first page as poppler draws
/// it: the centre of its pixels, in page pixels, and the box of all three.
struct Seen {
    green: (f32, f32),
    blue: (f32, f32),
    yellow: (f32, f32),
    size: (u32, u32),
}

fn seen(pdf: &Path) -> Seen {
    let prefix = pdf.with_extension("");
    let o = Command::new("pdftoppm")
        .args(["-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(o.status.success());
    let page = image::open(prefix.with_extension("png")).unwrap().to_rgb8();
    // Print and archive copies are drawn through their output profile, so
    // the colours come out duller: each is told by its strongest channels.
    let near = |p: &image::Rgb<u8>, c: [u8; 3]| {
        let [r, g, b] = p.0.map(i32::from);
        match c {
            GREEN => g > r + 50 && g > b + 50,
            BLUE => b > r + 60 && b > g + 40,
            _ => r > 180 && g > 180 && b < 100,
        }
    };
    let mut sums = [(0f32, 0f32, 0f32); 3];
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in page.enumerate_pixels() {
        for (i, c) in [GREEN, BLUE, YELLOW].into_iter().enumerate() {
            if near(p, c) {
                sums[i].0 += x as f32;
                sums[i].1 += y as f32;
                sums[i].2 += 1.0;
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    let centre = |i: usize| {
        assert!(sums[i].2 > 50.0, "colour {i} is on the page");
        (sums[i].0 / sums[i].2, sums[i].1 / sums[i].2)
    };
    Seen {
        green: centre(0),
        blue: centre(1),
        yellow: centre(2),
        size: (x1 - x0 + 1, y1 - y0 + 1),
    }
}

/// The page shows the photo upright: a portrait, green then blue across
/// its top, yellow below.
fn assert_upright(pdf: &Path, what: &str) {
    let s = seen(pdf);
    assert!(
        s.size.1 > s.size.0 * 3 / 2,
        "{what}: a portrait, {:?}",
        s.size
    );
    assert!(s.green.0 < s.blue.0, "{what}: green left of blue");
    assert!((s.green.1 - s.blue.1).abs() < 3.0, "{what}: side by side");
    assert!(
        s.green.1 < s.yellow.1 && s.blue.1 < s.yellow.1,
        "{what}: yellow below"
    );
    let middle = (s.green.0 + s.blue.0) / 2.0;
    assert!((s.yellow.0 - middle).abs() < 3.0, "{what}: yellow across");
}

#[test]
fn every_exif_orientation_is_shown_upright_in_every_build() {
    for orientation in 1..=8u8 {
        let dir = leaflet_with_photo(
            &format!("orientation-{orientation}"),
            &stored_jpeg(orientation),
            "phone.jpg",
            // A small resolution for the screen, so that the screen copy
            // scales the photo (and turns its pixels) rather than keep it.
            "allow: [low-resolution]\nscreen_ppi: 40\n",
        );
        let sideways = orientation >= 5;
        let stored = if sideways { (1200, 600) } else { (600, 1200) };
        for profile in ["print", "archive"] {
            let pdf = build_with_profile(&dir, profile);
            let what = format!("orientation {orientation}, {profile}");
            // The JPEG goes in as it was stored, drawn turned.
            assert_eq!(embedded_size(&pdf), stored, "{what}");
            assert_upright(&pdf, &what);
        }
        let pdf = build_with_profile(&dir, "screen");
        let (w, h) = embedded_size(&pdf);
        assert!(
            h > w && h < 1200,
            "orientation {orientation}: scaled, upright: {w} × {h}"
        );
        assert_upright(&pdf, &format!("orientation {orientation}, screen"));
    }
}

#[test]
fn a_png_s_exif_orientation_is_shown_upright() {
    // A phone's screenshot or edited photo saved as PNG, turned by its
    // eXIf chunk as browsers show it.
    for orientation in [3u8, 6, 8] {
        let dir = leaflet_with_photo(
            &format!("orientation-png-{orientation}"),
            &stored_png(orientation),
            "phone.png",
            "allow: [low-resolution]\n",
        );
        let pdf = build_with_profile(&dir, "print");
        assert_upright(&pdf, &format!("PNG, orientation {orientation}"));
    }
}

#[test]
fn a_photo_without_exif_is_placed_as_stored() {
    // The same photo without the EXIF: as it is stored, on its side.
    let jpeg = stored_jpeg(6);
    let exif_len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    let plain = [&jpeg[..2], &jpeg[4 + exif_len..]].concat();
    let dir = leaflet_with_photo(
        "orientation-none",
        &plain,
        "phone.jpg",
        "allow: [low-resolution]\n",
    );
    let s = seen(&build_with_profile(&dir, "print"));
    assert!(s.size.0 > s.size.1, "a landscape: {:?}", s.size);
}
