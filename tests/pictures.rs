//! Pictures keep nothing but pixels: phone photos, made here as phones make
//! them, go through a real build, and the PDF's image streams (as
//! `pdfimages` extracts them) and the whole file are searched for what the
//! photo carried besides its pixels.
//!
//! The plain pictures in tests/data/ (made by tests/data/make_pictures.py
//! with Pillow) hold only pixels; each test dresses one up with what a
//! phone writes: a JFIF thumbnail, EXIF with a GPS position and a serial
//! number, XMP, FlashPix (FPXR) and MPF segments, a comment, an ICC
//! profile in two chunks, and after the end marker a second image with its
//! own EXIF and GPS, then stray trailing bytes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const BASELINE: &[u8] = include_bytes!("data/plain-baseline.jpg");
const PROGRESSIVE: &[u8] = include_bytes!("data/plain-progressive.jpg");
const CMYK: &[u8] = include_bytes!("data/plain-cmyk.jpg");
const SRGB: &[u8] = include_bytes!("data/srgb.icc");
const ADOBE_RGB: &[u8] = include_bytes!("data/adobe-rgb-compatible.icc");

/// A GPS latitude as EXIF stores it: 43° 14′ 51.23″ (three rationals).
const LATITUDE: [u32; 6] = [43, 1, 14, 1, 5123, 100];
/// The second image's: 51° 30′ 12.34″.
const SECOND_LATITUDE: [u32; 6] = [51, 1, 30, 1, 1234, 100];

fn rationals(r: &[u32]) -> Vec<u8> {
    r.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// What must not survive, as (what it is, bytes).
fn secrets() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("the GPS latitude", rationals(&LATITUDE)),
        (
            "the second image's GPS latitude",
            rationals(&SECOND_LATITUDE),
        ),
        ("the camera serial", b"SN-4471-PHONE".to_vec()),
        ("the second image's serial", b"SN-SECOND-IMAGE".to_vec()),
        ("an EXIF header", b"Exif\0\0".to_vec()),
        ("XMP", b"http://ns.adobe.com/xap".to_vec()),
        ("the XMP city", b"Almaty-Safe-Flat".to_vec()),
        ("FlashPix", b"FPXR".to_vec()),
        ("MPF", b"MPF\0".to_vec()),
        ("the comment", b"safe house on Abay Street".to_vec()),
        ("the JFIF thumbnail", b"THUMBNAIL-PIXELS".to_vec()),
        ("JFIF", b"JFIF".to_vec()),
        ("the trailing data", b"TRAILING-SECRET".to_vec()),
    ]
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A TIFF IFD (big-endian) at `offset`: entries (tag, type, count, value),
/// values longer than four bytes after it. Returns the bytes.
fn ifd(offset: u32, entries: &[(u16, u16, u32, Vec<u8>)], next: u32) -> Vec<u8> {
    let mut head = (entries.len() as u16).to_be_bytes().to_vec();
    let mut data = Vec::new();
    let data_at = offset + 2 + 12 * entries.len() as u32 + 4;
    for (tag, kind, count, value) in entries {
        head.extend(tag.to_be_bytes());
        head.extend(kind.to_be_bytes());
        head.extend(count.to_be_bytes());
        if value.len() <= 4 {
            let mut v = value.clone();
            v.resize(4, 0);
            head.extend(v);
        } else {
            head.extend((data_at + data.len() as u32).to_be_bytes());
            data.extend_from_slice(value);
        }
    }
    head.extend(next.to_be_bytes());
    head.extend(data);
    head
}

/// An EXIF APP1 segment as phones write it: make, model, serial, and a GPS
/// IFD with latitude and longitude.
fn exif(latitude: [u32; 6], serial: &str) -> Vec<u8> {
    let ascii = |s: &str| (2u16, (s.len() + 1) as u32, format!("{s}\0").into_bytes());
    let (t, n, make) = ascii("PhoneMaker");
    let (t2, n2, model) = ascii("Phone 15 Pro");
    let (t3, n3, serial) = ascii(serial);
    // IFD0 at 8 with four entries: 2 + 48 + 4 = 54 bytes, then its data.
    let ifd0_data = make.len() + model.len() + serial.len();
    let gps_at = 8 + 54 + ifd0_data as u32;
    let ifd0 = ifd(
        8,
        &[
            (0x010F, t, n, make),
            (0x0110, t2, n2, model),
            (0x8825, 4, 1, gps_at.to_be_bytes().to_vec()),
            (0xA431, t3, n3, serial),
        ],
        0,
    );
    let gps = ifd(
        gps_at,
        &[
            (0x0001, 2, 2, b"N\0".to_vec()),
            (0x0002, 5, 3, rationals(&latitude)),
            (0x0003, 2, 2, b"E\0".to_vec()),
            (0x0004, 5, 3, rationals(&[76, 1, 54, 1, 2871, 100])),
        ],
        0,
    );
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
    payload.extend(ifd0);
    payload.extend(gps);
    segment(0xE1, &payload)
}

/// `plain` as a phone writes it; `icc` is split across two APP2 chunks.
fn phone_photo(plain: &[u8], icc: Option<&[u8]>) -> Vec<u8> {
    // JFIF 1.02 with a 16 × 2 RGB thumbnail.
    let mut jfif = b"JFIF\0\x01\x02\x01\0\x48\0\x48\x10\x02".to_vec();
    jfif.extend(b"THUMBNAIL-PIXELS".repeat(6));
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description photoshop:City='Almaty-Safe-Flat'/></rdf:RDF></x:xmpmeta>";
    let mut out = vec![0xFF, 0xD8];
    out.extend(segment(0xE0, &jfif));
    out.extend(exif(LATITUDE, "SN-4471-PHONE"));
    out.extend(segment(0xE1, xmp));
    out.extend(segment(
        0xE2,
        b"FPXR\0\0\x01\0\0\0\x01Contents of the FlashPix stream",
    ));
    out.extend(segment(0xE2, b"MPF\0MM\0*\0\0\0\x08\0\x03\xB0\0"));
    if let Some(icc) = icc {
        let half = icc.len() / 3;
        for (n, part) in [(1u8, &icc[..half]), (2, &icc[half..])] {
            let mut p = b"ICC_PROFILE\0".to_vec();
            p.extend([n, 2]);
            p.extend_from_slice(part);
            out.extend(segment(0xE2, &p));
        }
    }
    out.extend(segment(0xFE, b"Taken at the safe house on Abay Street"));
    // The plain picture without its own start marker and APPn segments.
    let mut i = 2;
    while (0xE0..=0xEF).contains(&plain[i + 1]) {
        i += 2 + usize::from(u16::from_be_bytes([plain[i + 2], plain[i + 3]]));
    }
    out.extend_from_slice(&plain[i..]);
    // The second image (a gain map, say) with its own EXIF and GPS.
    out.extend([0xFF, 0xD8]);
    out.extend(exif(SECOND_LATITUDE, "SN-SECOND-IMAGE"));
    out.extend_from_slice(&BASELINE[2..]);
    out.extend_from_slice(b"TRAILING-SECRET data a phone app left");
    out
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn pixels(jpeg: &[u8]) -> Vec<u8> {
    zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg))
        .decode()
        .expect("the JPEG decodes")
}

fn icc_of(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut d = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg));
    d.decode_headers().unwrap();
    d.icc_profile()
}

/// A scratch project whose photo `london-2013` is `bytes` (as `file`),
/// placed on a leaflet; built; returns the folder.
fn leaflet_with(name: &str, bytes: &[u8], file: &str, output: &str) -> PathBuf {
    let dir = leaflet_with_photo(name, bytes, file, "allow: [low-resolution]\n");
    let o = handbill(&dir, &["build", "briefings/b.yaml", "--profile", output]);
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

/// Runs pdfimages on `pdf`; extracted images go to `root-NNN.ext`.
fn pdfimages(args: &[&str], pdf: &Path, root: Option<&Path>) -> String {
    let o = Command::new("pdfimages")
        .args(args)
        .arg(pdf)
        .args(root)
        .output()
        .expect("pdfimages runs (poppler-utils; .ci/run installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `pdfimages -list`: one row per image as (width, height, colour, enc).
fn image_list(pdf: &Path) -> Vec<(u32, u32, String, String)> {
    pdfimages(&["-list"], pdf, None)
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                f[5].to_string(),
                f[8].to_string(),
            )
        })
        .collect()
}

/// The PDF's bytes with every stream decompressed beside them.
fn everything_in(pdf: &Path) -> Vec<u8> {
    let pdf = Pdf::open(pdf);
    let mut all = pdf.bytes.clone();
    for obj in pdf.doc.objects.values() {
        if let Ok(s) = obj.as_stream() {
            all.extend(
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone()),
            );
        }
    }
    all
}

/// The ICC profile of the PDF's one image, if its colour space is ICCBased.
fn image_profile(pdf: &Path) -> Option<Vec<u8>> {
    let pdf = Pdf::open(pdf);
    let image = pdf
        .doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .find(|s| {
            s.dict
                .get(b"Subtype")
                .and_then(|t| t.as_name())
                .is_ok_and(|n| n == b"Image")
        })
        .expect("the PDF has an image");
    let mut space = image.dict.get(b"ColorSpace").ok()?;
    if let Ok(id) = space.as_reference() {
        space = pdf.doc.get_object(id).ok()?;
    }
    let space = space.as_array().ok()?;
    if space.first()?.as_name().ok()? != b"ICCBased" {
        return None;
    }
    let id = space.get(1)?.as_reference().ok()?;
    let stream = pdf.doc.get_object(id).ok()?.as_stream().ok()?;
    Some(
        stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone()),
    )
}

fn check_phone_photo(name: &str, plain: &[u8], icc: Option<&[u8]>) {
    let phone = phone_photo(plain, icc);
    for (what, bytes) in secrets() {
        assert!(find(&phone, &bytes), "{name}: the fixture carries {what}");
    }
    // The rebuilt file: the same pixels, the same profile, nothing else.
    let clean = handbill::picture::clean_jpeg(&phone).unwrap();
    assert_eq!(pixels(&clean), pixels(plain), "{name}: the same pixels");
    assert_eq!(icc_of(&clean).as_deref(), icc, "{name}: the profile");
    // Through a build.
    let dir = leaflet_with(name, &phone, "phone.jpg", "print");
    let pdf = dir.join("out/b.pdf");
    let list = image_list(&pdf);
    assert_eq!(list.len(), 1, "{name}: one image: {list:?}");
    assert_eq!((list[0].0, list[0].1), (96, 64), "{name}: {list:?}");
    assert_eq!(list[0].3, "jpeg", "{name}: embedded as a JPEG: {list:?}");
    pdfimages(&["-j"], &pdf, Some(&dir.join("out/img")));
    let extracted = std::fs::read(dir.join("out/img-000.jpg")).expect("pdfimages -j wrote a JPEG");
    assert_eq!(
        pixels(&extracted),
        pixels(plain),
        "{name}: the PDF's picture shows the same pixels"
    );
    // The stream is the rebuilt file, which ends at the first image's end.
    assert!(extracted == clean, "{name}: the PDF holds the rebuilt file");
    assert!(
        extracted.ends_with(&[0xFF, 0xD9]),
        "{name}: ends at its EOI"
    );
    let all = everything_in(&pdf);
    for (what, bytes) in secrets() {
        assert!(
            !find(&extracted, &bytes),
            "{name}: {what} is in the image stream"
        );
        // The PDF's own XMP names the namespace; the photo's city must not be there.
        if what != "XMP" {
            assert!(!find(&all, &bytes), "{name}: {what} is in the PDF");
        }
    }
    // The profile travels in the JPEG stream. (krilla also names it as the
    // picture's colour space when the PDF version allows its ICC version.)
    assert_eq!(icc_of(&extracted).as_deref(), icc, "{name}: ICC kept");
}

#[test]
fn a_phone_photo_keeps_nothing_but_its_pixels() {
    check_phone_photo("phone-baseline", BASELINE, Some(SRGB));
}

#[test]
fn a_progressive_phone_photo_keeps_nothing_but_its_pixels() {
    check_phone_photo("phone-progressive", PROGRESSIVE, None);
}

#[test]
fn a_cmyk_photo_keeps_its_adobe_transform_and_profile_only() {
    let fogra = std::fs::read(repo().join("assets/handbill-fogra39.icc")).unwrap();
    assert!(fogra.len() > 65_519, "the profile needs two chunks");
    check_phone_photo("phone-cmyk", CMYK, Some(&fogra));
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend(crc.finalize().to_be_bytes());
    out
}

#[test]
fn a_png_keeps_nothing_but_its_pixels_and_profile() {
    use std::io::Write;
    let png = std::fs::read(repo().join("assets/london-2013-placeholder.png")).unwrap();
    let ihdr_end = 8 + 25;
    let end = png.len() - 12;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(ADOBE_RGB).unwrap();
    let profile = [b"Jane Doe's phone\0\0".as_slice(), &z.finish().unwrap()].concat();
    let noted = [
        &png[..ihdr_end],
        &png_chunk(b"iCCP", &profile),
        &png_chunk(b"tEXt", b"Comment\0Taken at the safe house on Abay Street"),
        &png_chunk(b"zTXt", b"Author\0\0x\x9c\x0b\x0e\xf0\x05\0\x01\x13\0\xa0"),
        &png_chunk(b"eXIf", &exif(LATITUDE, "SN-4471-PHONE")[4..]),
        &png_chunk(b"tIME", b"\x07\xea\x0c\x04\x0c\0\0"),
        &png[ihdr_end..end],
        &png_chunk(
            b"iTXt",
            b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>http://ns.adobe.com/xap/1.0/ Almaty-Safe-Flat</x:xmpmeta>",
        ),
        &png[end..],
        b"TRAILING-SECRET",
    ]
    .concat();
    // Archive keeps the original pixels (screen builds scale them down).
    let dir = leaflet_with("phone-png", &noted, "noted.png", "archive");
    let pdf = dir.join("out/b.pdf");
    let list = image_list(&pdf);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!((list[0].0, list[0].1), (1800, 1200), "{list:?}");
    let all = everything_in(&pdf);
    for (what, bytes) in secrets() {
        if what.contains("second")
            || ["FlashPix", "MPF", "JFIF", "the JFIF thumbnail", "XMP"].contains(&what)
        {
            continue;
        }
        assert!(!find(&all, &bytes), "{what} is in the PDF");
    }
    assert!(!find(&all, b"Jane Doe"), "the profile's name is in the PDF");
    assert_eq!(image_profile(&pdf).as_deref(), Some(ADOBE_RGB), "ICC kept");
    // The picture's pixels, as the image stream holds them, are the PNG's.
    let samples = {
        let pdf = Pdf::open(&pdf);
        let image = pdf
            .doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .find(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|n| n == b"Image")
            })
            .expect("the PDF has an image");
        image
            .decompressed_content()
            .expect("the image stream decompresses")
    };
    let decode = |bytes: &[u8]| {
        let mut d = png::Decoder::new(std::io::Cursor::new(bytes));
        d.set_transformations(png::Transformations::EXPAND);
        let mut r = d.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        r.next_frame(&mut buf).unwrap();
        buf
    };
    assert!(samples == decode(&png), "the same pixels");

    // Scaled down and saved again for the screen: still nothing but the
    // pixels and the profile.
    let dir = leaflet_with("phone-png-screen", &noted, "noted.png", "screen");
    let pdf = dir.join("out/b.pdf");
    let list = image_list(&pdf);
    assert!(list.len() == 1 && list[0].0 < 1800, "scaled down: {list:?}");
    let all = everything_in(&pdf);
    for (what, bytes) in secrets() {
        if what.contains("second")
            || ["FlashPix", "MPF", "the JFIF thumbnail", "XMP"].contains(&what)
        {
            continue;
        }
        assert!(!find(&all, &bytes), "screen: {what} is in the PDF");
    }
    assert!(!find(&all, b"Jane Doe"), "screen: the profile's name");
    assert_eq!(
        image_profile(&pdf).as_deref(),
        Some(ADOBE_RGB),
        "screen: ICC kept"
    );
}
