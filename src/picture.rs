//! Pictures: a PNG or JPEG read from the project, checked, and rebuilt so
//! that it keeps nothing but its pixels and the colour profile that says
//! what they mean.
//!
//! A phone photo carries far more than its pixels: EXIF with the GPS
//! position and the camera's serial number, XMP, comments, a thumbnail in
//! its JFIF segment, and after the end of the image a second picture (a
//! gain map, a depth map, a preview) with its own EXIF. A JPEG reaches the
//! PDF as it is (krilla embeds its bytes, not its pixels), so handbill
//! rebuilds each one from an allow-list of segments, up to the first
//! image's end. A PNG is decoded by krilla and written anew, so its notes
//! never reach the PDF; it is rebuilt from an allow-list of chunks all the
//! same, so that no stage after this one holds more than the picture.
//!
//! Every fault is found here, in handbill's own words, before the PDF is
//! written: krilla reads a picture's pixels only when it writes the PDF.
//!
//! Which way up a JPEG is shown is read from its EXIF before the EXIF is
//! dropped ([`orientation`]).

mod orientation;

use std::path::PathBuf;

pub use orientation::Orientation;

use crate::error::{Error, Location, Result};
use crate::model::ImageAsset;
use crate::project::{Capped, Links};

/// An image read from disk, ready for layout.
#[derive(Debug, Clone)]
pub struct Picture {
    pub asset: ImageAsset,
    pub path: PathBuf,
    /// Where the picture is declared (its key in `profile.yaml`, or the
    /// briefing's `logo:`), for messages about what it lacks.
    pub declared: crate::error::Location,
    /// The rebuilt file: pixels and colour profile only.
    pub data: std::sync::Arc<Vec<u8>>,
    pub format: PictureFormat,
    /// How `data`'s pixels are turned to be shown (a JPEG's EXIF
    /// Orientation): whoever draws them turns them.
    pub orientation: Orientation,
    /// The size in pixels as the picture is shown, `orientation` applied:
    /// what its place, proportions and resolution are worked out from.
    pub width_px: u32,
    pub height_px: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Png,
    Jpeg,
}

/// The largest picture file handbill reads.
pub const MAX_PICTURE_BYTES: u64 = 64 * 1024 * 1024;
/// The most pixels a picture may have (width × height).
pub const MAX_PICTURE_PIXELS: u64 = 100_000_000;
/// The most a PNG may take once decoded, counted as krilla holds it while
/// it compresses the pixels again: every sample at its bit depth (8 or 16
/// bits), and the colour once more beside the decoded rows when the picture
/// has an alpha channel (krilla separates the two). 100 MB is a 33-megapixel
/// RGB picture at 8 bits (an A3 page with bleed at 300 ppi is 18): a build
/// with one that compresses badly peaked at 402 MB (SECURITY.md).
pub const MAX_PNG_DECODED_BYTES: u64 = 100_000_000;
/// The most scans (passes over the picture) a JPEG may have. A
/// progressive JPEG has some ten; each scan is another pass over every
/// block for whoever draws it (a viewer, the print shop's RIP, a screen
/// build's resampling), so a small file of thousands of scans would take
/// minutes to show.
pub const MAX_JPEG_SCANS: usize = 100;
/// The widest and tallest JPEG krilla's reader accepts, in pixels.
pub const MAX_JPEG_SIDE: u32 = 1 << 14;
/// The most a PNG's colour profile may take once decompressed (the PNG
/// reader's allowance for the chunks it keeps in memory).
pub const MAX_PNG_PROFILE_BYTES: usize = 16 * 1024 * 1024;

/// The resolution pictures get in screen output unless the briefing or
/// format says otherwise (`screen_ppi:`): sharp on a laptop's screen at
/// 100 % zoom, and still clear zoomed in to 150 %.
pub const DEFAULT_SCREEN_PPI: f32 = 150.0;
/// The resolutions `screen_ppi:` may ask for.
pub const SCREEN_PPI_RANGE: std::ops::RangeInclusive<f64> = 36.0..=600.0;

/// `screen_ppi:` as a briefing or format gives it, checked; errors point
/// at `at`.
pub fn screen_ppi(value: f64, at: Location) -> Result<f32> {
    if SCREEN_PPI_RANGE.contains(&value) {
        return Ok(value as f32);
    }
    Err(Error::new(format!(
        "`screen_ppi: {value}` is not a resolution handbill scales pictures to"
    ))
    .at(at)
    .help(format!(
        "give pixels per inch between {} and {}, e.g. `screen_ppi: {DEFAULT_SCREEN_PPI}` (the default); print and archive builds keep pictures as they are",
        SCREEN_PPI_RANGE.start(),
        SCREEN_PPI_RANGE.end()
    )))
}

/// What is wrong with a picture file, in plain words (a clause that follows
/// "is a damaged JPEG file: ").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage(pub String);

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn damage(what: impl Into<String>) -> Damage {
    Damage(what.into())
}

/// Reads the picture `key` from `path`, checks it and rebuilds it.
/// Errors point at `at()`; `read_help` says where the file is looked for.
pub fn read(
    key: &str,
    asset: &ImageAsset,
    path: PathBuf,
    at: &dyn Fn() -> Location,
    read_help: &dyn Fn() -> String,
) -> Result<Picture> {
    let name = format!("image `{key}` ({})", path.display());
    let read = crate::project::read_capped(&path, MAX_PICTURE_BYTES, Links::Follow);
    let data = match read {
        Ok(Capped::Within(data)) => data,
        Ok(Capped::Over(size)) => {
            return Err(Error::new(format!(
                "{name} is {} MB; handbill reads pictures up to {} MB",
                size / 1_048_576,
                MAX_PICTURE_BYTES / 1_048_576
            ))
            .at(at())
            .help("save a smaller copy: 300 ppi at the printed size is all print needs"));
        }
        Err(e) => {
            return Err(Error::io(&path, "read image", &e)
                .at(at())
                .help(read_help()));
        }
    };
    let (format, width_px, height_px) = picture_header(&data).ok_or_else(|| {
        Error::new(format!("{name} is damaged, or not a PNG or JPEG file"))
            .at(at())
            .help("save the picture as PNG or JPEG")
    })?;
    let pixels = u64::from(width_px) * u64::from(height_px);
    if pixels > MAX_PICTURE_PIXELS {
        return Err(Error::new(format!(
            "{name} says it is {width_px} × {height_px} pixels, which would take {} MB to decode",
            pixels * 4 / 1_000_000
        ))
        .at(at())
        .help("save a smaller copy of the picture (100 megapixels at most)"));
    }
    // Read before the EXIF that holds it is dropped.
    let orientation = match format {
        PictureFormat::Jpeg => orientation::of_jpeg(&data),
        PictureFormat::Png => orientation::of_png(&data),
    };
    let data = match format {
        PictureFormat::Jpeg => {
            if width_px.max(height_px) > MAX_JPEG_SIDE {
                return Err(Error::new(format!(
                    "{name} is {width_px} × {height_px} pixels; handbill embeds JPEG pictures up to {MAX_JPEG_SIDE} pixels on each side"
                ))
                .at(at())
                .help("save a smaller copy: 300 ppi at the printed size is all print needs"));
            }
            let clean = clean_jpeg(&data).map_err(|d| damaged(&name, "JPEG", &d, at))?;
            check_jpeg(&clean).map_err(|d| damaged(&name, "JPEG", &d, at))?;
            clean
        }
        PictureFormat::Png => {
            let clean = clean_png(&data).map_err(|d| damaged(&name, "PNG", &d, at))?;
            check_png(&clean).map_err(|fault| match fault {
                PngFault::Damaged(d) => damaged(&name, "PNG", &d, at),
                PngFault::TooLarge { decoded, kind } => Error::new(format!(
                    "{name} would take {} MB of memory to embed ({width_px} × {height_px} pixels, {kind}); handbill embeds a PNG only when that is {} MB or less",
                    decoded.div_ceil(1_000_000),
                    MAX_PNG_DECODED_BYTES / 1_000_000
                ))
                .at(at())
                .help("save a smaller copy, or save it with 8 bits per channel instead of 16, or as a JPEG: 300 ppi at the printed size is all print needs"),
                PngFault::ProfileTooLarge => Error::new(format!(
                    "{name} holds a colour profile larger than the {} MB handbill reads",
                    MAX_PNG_PROFILE_BYTES / 1_048_576
                ))
                .at(at())
                .help("save the picture again with a standard colour profile such as sRGB"),
            })?;
            clean
        }
    };
    let (width_px, height_px) = orientation.shown_size((width_px, height_px));
    Ok(Picture {
        asset: asset.clone(),
        path,
        declared: at(),
        data: std::sync::Arc::new(data),
        format,
        orientation,
        width_px,
        height_px,
    })
}

fn damaged(name: &str, kind: &str, what: &Damage, at: &dyn Fn() -> Location) -> Error {
    Error::new(format!("{name} is a damaged {kind} file: {what}"))
        .at(at())
        .help("open it in an image editor and save it again as an ordinary PNG or JPEG")
}

/// The format and pixel size of a PNG or JPEG, from its header.
pub fn picture_header(data: &[u8]) -> Option<(PictureFormat, u32, u32)> {
    let format = match imagesize::image_type(data).ok()? {
        imagesize::ImageType::Png => PictureFormat::Png,
        imagesize::ImageType::Jpeg => PictureFormat::Jpeg,
        _ => return None,
    };
    let size = imagesize::blob_size(data).ok()?;
    let (w, h) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    (w > 0 && h > 0).then_some((format, w, h))
}

// ---------------------------------------------------------------------------
// JPEG

/// The header that starts every chunk of an ICC profile in a JPEG (APP2).
const ICC_TAG: &[u8] = b"ICC_PROFILE\0";
/// The most profile bytes one APP2 segment holds: 65,535 less the length
/// field (2), the tag (12), and the chunk's number and count (2).
const ICC_CHUNK: usize = 65_535 - 2 - ICC_TAG.len() - 2;

/// A JPEG rebuilt from the segments that make its pixels, in their order:
/// the start marker; the ICC profile, its chunks put together and split
/// again; Adobe's colour transform (in a new APP14 segment of its own,
/// since it says whether four channels are CMYK or YCCK); the quantisation
/// and Huffman tables, the frame header, restart interval and each scan
/// with its entropy-coded data (restart markers and stuffed bytes
/// included); and the end marker of the first image. Nothing else is
/// copied: no JFIF (it may hold a thumbnail), EXIF, XMP or other APPn
/// segment, no comment, and nothing after the end marker, where phones put
/// a second picture with its own EXIF. Which way up the picture is shown
/// goes with the EXIF: [`read`] takes it first.
pub fn clean_jpeg(data: &[u8]) -> std::result::Result<Vec<u8>, Damage> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err(damage("it does not begin as a JPEG file does"));
    }
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut icc: Vec<(u8, u8, &[u8])> = Vec::new();
    let mut adobe: Option<u8> = None;
    let mut frame: Option<(u32, u32)> = None;
    let mut scan_bytes = 0usize;
    let mut scans = 0usize;
    let mut i = 2;
    loop {
        let at = next_marker(data, i)?;
        let marker = data[at + 1];
        i = at + 2;
        match marker {
            0xD9 => {
                if scan_bytes == 0 {
                    return Err(damage("it ends before any picture data"));
                }
                break;
            }
            0xD8 => {
                return Err(damage(format!(
                    "a second start-of-image marker at byte {at}, inside the first image"
                )));
            }
            // Markers without a length (restart, TEM) outside a scan carry
            // nothing: dropped.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let len = match data.get(i..i + 2) {
            Some(b) => usize::from(u16::from_be_bytes([b[0], b[1]])),
            None => return Err(cut_short(data)),
        };
        if len < 2 {
            return Err(damage(format!(
                "the segment at byte {at} has an impossible length ({len})"
            )));
        }
        let end = i + len;
        let Some(segment) = data.get(at..end) else {
            return Err(cut_short(data));
        };
        let payload = &segment[4..];
        match marker {
            // Quantisation tables, Huffman tables, restart interval.
            0xDB | 0xC4 | 0xDD => kept.push(segment),
            // Baseline, extended and progressive frames: what PDF readers show.
            0xC0..=0xC2 => {
                if frame.is_some() {
                    return Err(damage(format!("a second frame header at byte {at}")));
                }
                if payload.len() < 6 {
                    return Err(damage(format!(
                        "the frame header at byte {at} is too short"
                    )));
                }
                let height = u32::from(u16::from_be_bytes([payload[1], payload[2]]));
                let width = u32::from(u16::from_be_bytes([payload[3], payload[4]]));
                let components = payload[5];
                if !matches!(components, 1 | 3 | 4) {
                    return Err(damage(format!(
                        "its frame header gives {components} colour channels; a picture has 1, 3 or 4"
                    )));
                }
                if payload.len() < 6 + 3 * usize::from(components) {
                    return Err(damage(format!(
                        "the frame header at byte {at} is too short"
                    )));
                }
                frame = Some((width, height));
                kept.push(segment);
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let kind = match marker {
                    0xC3 => "lossless",
                    0xC5..=0xC7 => "hierarchical",
                    0xCB => "lossless, arithmetic-coded",
                    0xCD..=0xCF => "hierarchical, arithmetic-coded",
                    _ => "arithmetic-coded",
                };
                return Err(damage(format!(
                    "it is a {kind} JPEG, which PDF readers cannot show; only baseline and progressive JPEGs can be printed"
                )));
            }
            0xDA => {
                if frame.is_none() {
                    return Err(damage(format!(
                        "its picture data at byte {at} comes before its frame header"
                    )));
                }
                scans += 1;
                if scans > MAX_JPEG_SCANS {
                    return Err(damage(format!(
                        "it is saved in more than {MAX_JPEG_SCANS} scans (a progressive JPEG has some ten), which would take a viewer or a printer very long to draw"
                    )));
                }
                kept.push(segment);
                let stop = entropy_coded_end(data, end)?;
                kept.push(&data[end..stop]);
                scan_bytes += stop - end;
                i = stop;
                continue;
            }
            0xE2 if payload.starts_with(ICC_TAG) => {
                let rest = &payload[ICC_TAG.len()..];
                if rest.len() < 2 {
                    return Err(damage(format!(
                        "the colour profile's chunk at byte {at} is too short"
                    )));
                }
                icc.push((rest[0], rest[1], &rest[2..]));
            }
            0xEE if payload.starts_with(b"Adobe") && payload.len() >= 12 => {
                adobe = Some(payload[11]);
            }
            // Everything else: APPn (JFIF, EXIF, XMP, FPXR, MPF, maker
            // notes, IPTC), comments, extensions.
            _ => {}
        }
        i = end;
    }
    let Some((width, height)) = frame else {
        return Err(damage("it has no frame header"));
    };
    // Even a blank picture takes a bit or two per 8 × 8 block: a file whose
    // header promises far more pixels than its data could hold is lying.
    if (scan_bytes as u64) < u64::from(width) * u64::from(height) / 2048 {
        return Err(damage(format!(
            "its header says {width} × {height} pixels but it holds only {scan_bytes} bytes of picture data"
        )));
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    if !icc.is_empty() {
        let profile = join_icc(&mut icc)?;
        let chunks = profile.chunks(ICC_CHUNK);
        let count = chunks.len();
        for (n, chunk) in chunks.enumerate() {
            let len = 2 + ICC_TAG.len() + 2 + chunk.len();
            out.extend_from_slice(&[0xFF, 0xE2]);
            out.extend_from_slice(&(len as u16).to_be_bytes());
            out.extend_from_slice(ICC_TAG);
            // At most 255 chunks came in, so at most 255 go out.
            out.extend_from_slice(&[(n + 1) as u8, count as u8]);
            out.extend_from_slice(chunk);
        }
    }
    if let Some(transform) = adobe {
        if transform > 2 {
            return Err(damage(format!(
                "its Adobe segment names colour transform {transform}, which does not exist"
            )));
        }
        // "Adobe", version 100, no flags, the transform.
        out.extend_from_slice(&[0xFF, 0xEE, 0, 14]);
        out.extend_from_slice(b"Adobe\0\x64\0\0\0\0");
        out.push(transform);
    }
    for part in kept {
        out.extend_from_slice(part);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

/// How many colour channels a rebuilt JPEG has (4: CMYK or YCCK), from
/// its frame header.
pub fn jpeg_components(data: &[u8]) -> Option<u8> {
    let mut i = 2;
    while let (Some(0xFF), Some(&marker)) = (data.get(i), data.get(i + 1)) {
        let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
        if matches!(marker, 0xC0..=0xC2) {
            return data.get(i + 9).copied();
        }
        i += 2 + len;
    }
    None
}

fn cut_short(data: &[u8]) -> Damage {
    damage(format!(
        "it is cut short: its {} bytes end before the picture does",
        data.len()
    ))
}

/// Where the next marker starts at or after `i`, fill bytes (0xFF) skipped.
fn next_marker(data: &[u8], mut i: usize) -> std::result::Result<usize, Damage> {
    match data.get(i) {
        Some(0xFF) => {}
        Some(_) => {
            return Err(damage(format!(
                "byte {i} should start a segment and does not"
            )));
        }
        None => return Err(cut_short(data)),
    }
    while data.get(i + 1) == Some(&0xFF) {
        i += 1;
    }
    if i + 1 >= data.len() {
        return Err(cut_short(data));
    }
    Ok(i)
}

/// The end of a scan's entropy-coded data that starts at `i`: the first
/// marker that is neither a stuffed zero (0xFF00) nor a restart marker.
fn entropy_coded_end(data: &[u8], mut i: usize) -> std::result::Result<usize, Damage> {
    loop {
        let Some(offset) = data.get(i..).and_then(|d| memchr::memchr(0xFF, d)) else {
            return Err(cut_short(data));
        };
        i += offset;
        match data.get(i + 1) {
            None => return Err(cut_short(data)),
            Some(0x00 | 0xD0..=0xD7) => i += 2,
            // Fill bytes before a marker: look at the last of them.
            Some(0xFF) => i += 1,
            Some(_) => return Ok(i),
        }
    }
}

/// The ICC profile from its chunks, which must be numbered 1 to n, once
/// each, every one saying n.
fn join_icc(chunks: &mut [(u8, u8, &[u8])]) -> std::result::Result<Vec<u8>, Damage> {
    let count = chunks.len();
    chunks.sort_by_key(|c| c.0);
    for (n, &(seq, total, _)) in chunks.iter().enumerate() {
        if usize::from(total) != count || usize::from(seq) != n + 1 {
            return Err(damage(format!(
                "its colour profile is in {count} chunks that do not fit together (chunk {seq} says there are {total})"
            )));
        }
    }
    Ok(chunks.iter().flat_map(|c| c.2.iter().copied()).collect())
}

/// What krilla will ask of a rebuilt JPEG: its header read by the same
/// reader (zune-jpeg), in a colour space PDF can show.
fn check_jpeg(data: &[u8]) -> std::result::Result<(), Damage> {
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(data));
    if decoder.decode_headers().is_err() {
        return Err(damage(
            "its tables or frame header cannot be read (they are damaged, or of a kind handbill does not know)",
        ));
    }
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    match decoder.input_colorspace() {
        Some(
            ColorSpace::Luma
            | ColorSpace::YCbCr
            | ColorSpace::RGB
            | ColorSpace::CMYK
            | ColorSpace::YCCK,
        ) => Ok(()),
        _ => Err(damage("its colour channels are of a kind PDF cannot show")),
    }
}

// ---------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A PNG rebuilt from the chunks that make its pixels or say what their
/// colours mean, in their order:
///
/// - `IHDR`, `PLTE`, `tRNS`, `IDAT`, `IEND`: the pixels themselves (a
///   palette and its transparency included);
/// - `iCCP` (with its name replaced, since it is free text), `sRGB`,
///   `gAMA`, `cHRM`, `cICP`: what colour each value stands for, as colour
///   managed viewers show it. All but `iCCP` are a few fixed numbers; the
///   profile is what krilla embeds with the picture.
///
/// Dropped: text notes (`tEXt`, `zTXt`, `iTXt`), `eXIf`, `tIME`, the pixel
/// density `pHYs` (handbill works out the resolution from the printed size),
/// `sBIT`, `bKGD`, `hIST`, `sPLT` and HDR hints (`mDCv`, `cLLi`), which do
/// not change the pixels as printed, animation frames (`acTL`, `fcTL`,
/// `fdAT`: the still picture is what is printed), and private chunks.
pub fn clean_png(data: &[u8]) -> std::result::Result<Vec<u8>, Damage> {
    if !data.starts_with(PNG_SIGNATURE) {
        return Err(damage("it does not begin as a PNG file does"));
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    let mut seen_idat = false;
    loop {
        let Some(head) = data.get(i..i + 8) else {
            return Err(damage(format!(
                "it is cut short: its {} bytes end before the picture does",
                data.len()
            )));
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let name = String::from_utf8_lossy(&kind).into_owned();
        if len > 0x7FFF_FFFF || !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(damage(format!("the part at byte {i} is not a PNG chunk")));
        }
        let end = i + 12 + len as usize;
        let Some(chunk) = data.get(i..end) else {
            return Err(damage(format!(
                "it is cut short: its `{name}` chunk at byte {i} runs past the end of the file"
            )));
        };
        if (i == PNG_SIGNATURE.len()) != (&kind == b"IHDR") {
            return Err(damage("its `IHDR` header is not where a PNG's starts"));
        }
        match &kind {
            b"IHDR" | b"PLTE" | b"tRNS" | b"sRGB" | b"gAMA" | b"cHRM" | b"cICP" => {
                out.extend_from_slice(chunk);
            }
            b"IDAT" => {
                seen_idat = true;
                out.extend_from_slice(chunk);
            }
            b"iCCP" => out.extend(renamed_profile(&chunk[8..chunk.len() - 4])?),
            b"IEND" => {
                if !seen_idat {
                    return Err(damage("it has no picture data (`IDAT`)"));
                }
                out.extend_from_slice(chunk);
                return Ok(out);
            }
            // A chunk whose name starts with a capital letter is one a
            // reader must understand; one that is not known cannot be
            // dropped safely.
            _ if kind[0].is_ascii_uppercase() => {
                return Err(damage(format!(
                    "it holds a `{name}` chunk, which PNG readers do not know"
                )));
            }
            _ => {}
        }
        i = end;
    }
}

/// An `iCCP` chunk with the profile's name (free text, up to 79 bytes)
/// replaced by a fixed one; the compressed profile is kept as it is.
fn renamed_profile(data: &[u8]) -> std::result::Result<Vec<u8>, Damage> {
    let Some(nul) = data.iter().take(80).position(|&b| b == 0) else {
        return Err(damage("its colour profile (`iCCP`) has no name"));
    };
    let mut body = b"ICC profile\0".to_vec();
    body.extend_from_slice(&data[nul + 1..]);
    Ok(png_chunk(b"iCCP", &body))
}

/// One PNG chunk: length, kind, data, CRC-32.
fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(body);
    let mut out = Vec::with_capacity(12 + body.len());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

#[derive(Debug, PartialEq, Eq)]
enum PngFault {
    Damaged(Damage),
    /// What it would take, and the kind of pixels, in words.
    TooLarge {
        decoded: u64,
        kind: String,
    },
    ProfileTooLarge,
}

/// Decodes a rebuilt PNG as krilla will, one row at a time (so in little
/// memory), to find any damage now; and checks that krilla's whole decoded
/// copy fits [`MAX_PNG_DECODED_BYTES`].
fn check_png(data: &[u8]) -> std::result::Result<(), PngFault> {
    let limits = png::Limits {
        bytes: MAX_PNG_PROFILE_BYTES,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(data), limits);
    // As krilla decodes: palettes and small depths expanded to 8 bits,
    // transparency to an alpha channel.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(png_fault)?;
    let (color, depth) = reader.output_color_type();
    let info = reader.info();
    let bytes_per_sample = if depth == png::BitDepth::Sixteen {
        2
    } else {
        1
    };
    let samples = color.samples() as u64;
    let decoded = u64::from(info.width) * u64::from(info.height) * samples * bytes_per_sample;
    let has_alpha = matches!(color, png::ColorType::Rgba | png::ColorType::GrayscaleAlpha);
    let held = if has_alpha { decoded * 2 } else { decoded };
    if held > MAX_PNG_DECODED_BYTES {
        let colour = match color {
            png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha => "grey",
            _ => "colour",
        };
        let alpha = if has_alpha { " with transparency" } else { "" };
        let bits = bytes_per_sample * 8;
        return Err(PngFault::TooLarge {
            decoded: held,
            kind: format!("{colour}{alpha}, {bits} bits per channel"),
        });
    }
    // The PNG reader drops a colour profile it cannot read or that is too
    // large, and krilla's would read one of up to 64 MiB: say which.
    let dropped = reader.info().icc_profile.is_none();
    while reader.next_row().map_err(png_fault)?.is_some() {}
    if dropped && let Some(compressed) = png_profile(data) {
        use std::io::Read;
        let mut profile = Vec::new();
        let read = flate2::read::ZlibDecoder::new(compressed)
            .take(MAX_PNG_PROFILE_BYTES as u64 + 1)
            .read_to_end(&mut profile);
        return Err(match read {
            Ok(n) if n > MAX_PNG_PROFILE_BYTES => PngFault::ProfileTooLarge,
            _ => PngFault::Damaged(damage("its colour profile (`iCCP`) cannot be read")),
        });
    }
    Ok(())
}

/// The compressed profile of a rebuilt PNG's `iCCP` chunk, if it has one.
fn png_profile(data: &[u8]) -> Option<&[u8]> {
    let mut i = PNG_SIGNATURE.len();
    while let Some(head) = data.get(i..i + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let body = data.get(i + 8..i + 8 + len)?;
        if &head[4..] == b"iCCP" {
            // The name (ours), its NUL, the compression method.
            let nul = body.iter().position(|&b| b == 0)?;
            return body.get(nul + 2..);
        }
        i += 12 + len;
    }
    None
}

fn png_fault(e: png::DecodingError) -> PngFault {
    match e {
        png::DecodingError::LimitsExceeded => PngFault::ProfileTooLarge,
        png::DecodingError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            PngFault::Damaged(damage("it is cut short inside its picture data"))
        }
        _ => PngFault::Damaged(damage(
            "its picture data cannot be decoded (a chunk's checksum, the compressed data or a row filter is wrong)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASELINE: &[u8] = include_bytes!("../tests/data/plain-baseline.jpg");
    const PROGRESSIVE: &[u8] = include_bytes!("../tests/data/plain-progressive.jpg");
    const CMYK: &[u8] = include_bytes!("../tests/data/plain-cmyk.jpg");
    const PNG: &[u8] = include_bytes!("../tests/data/small.png");

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// The markers of a JPEG's segments, in order, scans' data skipped.
    fn markers(jpeg: &[u8]) -> Vec<u8> {
        let mut out = vec![];
        let mut i = 2;
        loop {
            let at = next_marker(jpeg, i).unwrap();
            let m = jpeg[at + 1];
            out.push(m);
            if m == 0xD9 {
                assert_eq!(at + 2, jpeg.len(), "nothing after the end marker");
                return out;
            }
            let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            i = at + 2 + len;
            if m == 0xDA {
                i = entropy_coded_end(jpeg, i).unwrap();
            }
        }
    }

    /// `jpeg` with `extra` inserted after its start marker and `tail` after
    /// its end.
    fn dressed(jpeg: &[u8], extra: &[Vec<u8>], tail: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        for e in extra {
            out.extend_from_slice(e);
        }
        out.extend_from_slice(&jpeg[2..]);
        out.extend_from_slice(tail);
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

    #[test]
    fn only_segments_on_the_allow_list_are_kept() {
        let extra = [
            segment(0xE1, b"Exif\0\0MM\0*GPS-SECRET"),
            segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMP-SECRET"),
            segment(0xE2, b"FPXR\0FPXR-SECRET"),
            segment(0xE2, b"MPF\0MPF-SECRET"),
            segment(0xED, b"Photoshop 3.0\0IPTC-SECRET"),
            segment(0xEB, b"JP\0HDR-SECRET"),
            segment(0xFE, b"COMMENT-SECRET"),
        ];
        for plain in [BASELINE, PROGRESSIVE, CMYK] {
            let phone = dressed(plain, &extra, b"\xFF\xD8\xFF\xE1TRAIL-SECRET\xFF\xD9");
            let clean = clean_jpeg(&phone).unwrap();
            for secret in [
                "GPS", "XMP", "FPXR", "MPF", "IPTC", "HDR", "COMMENT", "TRAIL",
            ] {
                assert!(
                    !find(&clean, format!("{secret}-SECRET").as_bytes()),
                    "{secret}"
                );
            }
            assert!(!find(&clean, b"JFIF"), "no JFIF segment");
            for m in markers(&clean) {
                assert!(
                    matches!(m, 0xDB | 0xC4 | 0xDD | 0xC0..=0xC2 | 0xDA | 0xEE | 0xD9),
                    "marker {m:02X} kept"
                );
            }
            assert_eq!(pixels(&clean), pixels(plain), "the same pixels");
            // Cleaning a clean file changes nothing.
            assert_eq!(clean_jpeg(&clean).unwrap(), clean);
        }
    }

    #[test]
    fn scans_keep_restart_markers_and_stuffed_bytes() {
        let clean = clean_jpeg(BASELINE).unwrap();
        let scan = |d: &[u8]| {
            let sos = d.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
            d[sos..d.len() - 2].to_vec()
        };
        let kept = scan(&clean);
        assert_eq!(kept, scan(BASELINE), "the scan is copied byte for byte");
        assert!(
            find(&kept, &[0xFF, 0xD0]),
            "the fixture has restart markers"
        );
        assert!(find(&kept, &[0xFF, 0x00]), "the fixture has stuffed bytes");
        // Every scan, and the tables between them, kept in order.
        let progressive = markers(&clean_jpeg(PROGRESSIVE).unwrap());
        assert!(progressive.iter().filter(|&&m| m == 0xDA).count() >= 8);
        let mut expected = markers(PROGRESSIVE);
        expected.retain(|&m| m != 0xE0);
        assert_eq!(progressive, expected);
    }

    #[test]
    fn adobe_keeps_only_its_colour_transform() {
        let adobe = |transform: u8| {
            segment(
                0xEE,
                &[b"Adobe\0\x64\x80\x00ADOBE-SECRET".as_slice(), &[transform]].concat(),
            )
        };
        // A CMYK file's own Adobe segment, and one more with extra bytes.
        let clean = clean_jpeg(CMYK).unwrap();
        let at = clean.windows(2).position(|w| w == [0xFF, 0xEE]).unwrap();
        assert_eq!(&clean[at..at + 16], b"\xFF\xEE\0\x0EAdobe\0\x64\0\0\0\0\0");
        assert_eq!(pixels(&clean), pixels(CMYK));
        let odd = [b"Adobe\0\x64\0\0\0\0".as_slice(), &[2], b"ADOBE-SECRET"].concat();
        let clean = clean_jpeg(&dressed(BASELINE, &[segment(0xEE, &odd)], b"")).unwrap();
        assert!(!find(&clean, b"ADOBE-SECRET"));
        assert!(find(&clean, b"Adobe\0\x64\0\0\0\0\x02"));
        assert!(clean_jpeg(&dressed(BASELINE, &[adobe(7)], b"")).is_err());
    }

    #[test]
    fn the_colour_profile_is_joined_and_split_again() {
        let profile: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let chunk = |n: u8, of: u8, part: &[u8]| segment(0xE2, &[ICC_TAG, &[n, of], part].concat());
        // Three chunks of odd sizes, out of order.
        let extra = [
            chunk(3, 3, &profile[70_000..]),
            chunk(1, 3, &profile[..20_000]),
            chunk(2, 3, &profile[20_000..70_000]),
        ];
        let clean = clean_jpeg(&dressed(BASELINE, &extra, b"")).unwrap();
        let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(&clean));
        decoder.decode_headers().unwrap();
        assert_eq!(decoder.icc_profile().unwrap(), profile);
        // Split again in as few segments as hold it, numbered in order.
        let app2 = markers(&clean).iter().filter(|&&m| m == 0xE2).count();
        assert_eq!(app2, profile.len().div_ceil(ICC_CHUNK));
        assert_eq!(app2, 2);
        let first = clean
            .windows(ICC_TAG.len())
            .position(|w| w == ICC_TAG)
            .unwrap();
        assert_eq!(&clean[first + 12..first + 14], &[1, 2]);
        assert_eq!(pixels(&clean), pixels(BASELINE));
        // Missing, doubled or wrongly counted chunks are refused.
        for bad in [
            vec![chunk(1, 2, b"abc")],
            vec![chunk(1, 2, b"abc"), chunk(1, 2, b"def")],
            vec![chunk(0, 1, b"abc")],
            vec![chunk(1, 1, b"abc"), chunk(2, 2, b"def")],
        ] {
            assert!(clean_jpeg(&dressed(BASELINE, &bad, b"")).is_err());
        }
    }

    #[test]
    fn damaged_jpegs_are_refused_in_plain_words() {
        // Every prefix of a sound file: refused, never a panic.
        for plain in [BASELINE, PROGRESSIVE, CMYK] {
            for cut in 0..plain.len() - 1 {
                let err = clean_jpeg(&plain[..cut]).unwrap_err();
                assert!(!err.0.is_empty());
            }
        }
        let err = clean_jpeg(&BASELINE[..BASELINE.len() - 200]).unwrap_err();
        assert!(err.0.starts_with("it is cut short"), "{err}");
        let lossless = {
            let mut d = BASELINE.to_vec();
            let sof = d.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
            d[sof + 1] = 0xC3;
            d
        };
        assert!(clean_jpeg(&lossless).unwrap_err().0.contains("lossless"));
        let second_soi = dressed(BASELINE, &[vec![0xFF, 0xD8]], b"");
        assert!(
            clean_jpeg(&second_soi)
                .unwrap_err()
                .0
                .contains("second start")
        );
        let zero_length = dressed(BASELINE, &[vec![0xFF, 0xE1, 0, 0]], b"");
        assert!(
            clean_jpeg(&zero_length)
                .unwrap_err()
                .0
                .contains("impossible length")
        );
        let stray = dressed(BASELINE, &[b"junk".to_vec()], b"");
        assert!(
            clean_jpeg(&stray)
                .unwrap_err()
                .0
                .contains("should start a segment")
        );
        assert!(clean_jpeg(b"\xFF\xD8\xFF\xD9").is_err());
        assert!(clean_jpeg(b"GIF89a").is_err());
        // The progressive file's scans repeated: up to the limit it reads,
        // past it the file is refused, before anything draws it.
        let scans = |n: usize| {
            let sos = PROGRESSIVE
                .windows(2)
                .position(|w| w == [0xFF, 0xDA])
                .unwrap();
            let eoi = PROGRESSIVE.len() - 2;
            let once = PROGRESSIVE[sos..eoi].to_vec();
            let count = once.windows(2).filter(|w| *w == [0xFF, 0xDA]).count();
            let mut d = PROGRESSIVE[..sos].to_vec();
            for _ in 0..n.div_ceil(count) {
                d.extend_from_slice(&once);
            }
            d.extend_from_slice(&[0xFF, 0xD9]);
            (d, n.div_ceil(count) * count)
        };
        let (few, n) = scans(MAX_JPEG_SCANS - 20);
        assert!(n <= MAX_JPEG_SCANS && clean_jpeg(&few).is_ok(), "{n} scans");
        let (many, n) = scans(MAX_JPEG_SCANS + 1);
        assert!(n > MAX_JPEG_SCANS);
        assert!(
            clean_jpeg(&many)
                .unwrap_err()
                .0
                .contains("more than 100 scans")
        );
    }

    /// A PNG chunk, as the tests need it.
    fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        png_chunk(kind, body)
    }

    fn png_pixels(png: &[u8]) -> Vec<u8> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        buf
    }

    #[test]
    fn png_keeps_the_chunks_that_make_its_pixels() {
        let end = PNG.len() - 12;
        let compressed_profile = {
            use std::io::Write;
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(include_bytes!("../tests/data/srgb.icc"))
                .unwrap();
            z.finish().unwrap()
        };
        let ihdr_end = 8 + 25;
        let phone = [
            &PNG[..ihdr_end],
            &chunk(
                b"iCCP",
                &[b"Jane's phone\0\0".as_slice(), &compressed_profile].concat(),
            ),
            &chunk(b"tEXt", b"Comment\0TEXT-SECRET"),
            &chunk(b"eXIf", b"MM\0*EXIF-SECRET"),
            &chunk(b"tIME", b"\x07\xea\x0c\x04\x0c\0\0"),
            &chunk(b"pHYs", b"\0\0\x0b\x13\0\0\x0b\x13\x01"),
            &chunk(b"prVt", b"PRIVATE-SECRET"),
            &PNG[ihdr_end..end],
            &chunk(b"iTXt", b"Location\0\0\0\0\0ITXT-SECRET"),
            &PNG[end..],
            b"AFTER-END-SECRET",
        ]
        .concat();
        let clean = clean_png(&phone).unwrap();
        for secret in ["TEXT", "EXIF", "PRIVATE", "ITXT", "AFTER-END"] {
            assert!(
                !find(&clean, format!("{secret}-SECRET").as_bytes()),
                "{secret}"
            );
        }
        for gone in [b"tIME", b"pHYs", b"Jane"] {
            assert!(!find(&clean, gone.as_slice()));
        }
        assert_eq!(png_pixels(&clean), png_pixels(PNG));
        assert_eq!(check_png(&clean), Ok(()));
        let decoder = png::Decoder::new(std::io::Cursor::new(&clean));
        let reader = decoder.read_info().unwrap();
        assert_eq!(
            reader.info().icc_profile.as_deref(),
            Some(include_bytes!("../tests/data/srgb.icc").as_slice()),
            "the colour profile is kept"
        );
    }

    #[test]
    fn damaged_pngs_are_refused_in_plain_words() {
        for cut in 0..PNG.len() - 1 {
            let refused = clean_png(&PNG[..cut])
                .map_err(PngFault::Damaged)
                .and_then(|c| check_png(&c));
            assert!(refused.is_err(), "cut at {cut}");
        }
        let ihdr_end = 8 + 25;
        let unknown = [&PNG[..ihdr_end], &chunk(b"ZZZZ", b"x"), &PNG[ihdr_end..]].concat();
        assert!(clean_png(&unknown).unwrap_err().0.contains("`ZZZZ`"));
        let mut bad_crc = PNG.to_vec();
        bad_crc[ihdr_end + 20] ^= 0x55;
        assert!(matches!(
            check_png(&clean_png(&bad_crc).unwrap()),
            Err(PngFault::Damaged(_))
        ));
        // A header that promises 10000 × 9000 pixels of 16-bit RGBA is
        // refused before any row is decoded.
        let mut ihdr = Vec::new();
        ihdr.extend(10_000u32.to_be_bytes());
        ihdr.extend(9_000u32.to_be_bytes());
        ihdr.extend([16, 6, 0, 0, 0]);
        let huge = [
            PNG_SIGNATURE,
            &chunk(b"IHDR", &ihdr),
            &chunk(b"IDAT", b"x"),
            &chunk(b"IEND", b""),
        ]
        .concat();
        assert_eq!(
            check_png(&clean_png(&huge).unwrap()),
            Err(PngFault::TooLarge {
                decoded: 10_000 * 9_000 * 8 * 2,
                kind: "colour with transparency, 16 bits per channel".into()
            })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Arbitrary bytes, alone or after a JPEG or PNG signature, are
        /// refused or cleaned, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            start in 0usize..3,
        ) {
            let data = [[&b""[..], b"\xFF\xD8", PNG_SIGNATURE][start], &bytes].concat();
            if let Ok(clean) = clean_jpeg(&data) {
                let _ = check_jpeg(&clean);
            }
            if let Ok(clean) = clean_png(&data) {
                let _ = check_png(&clean);
            }
        }

        /// Sound files with a few bytes changed: never a panic, and what is
        /// cleaned cleans to itself.
        #[test]
        fn damaged_pictures_never_panic(
            which in 0usize..4,
            changes in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut data = [BASELINE, PROGRESSIVE, CMYK, PNG][which].to_vec();
            for (at, byte) in changes {
                let i = at.index(data.len());
                data[i] = byte;
            }
            if let Ok(clean) = clean_jpeg(&data) {
                let _ = check_jpeg(&clean);
                let again = clean_jpeg(&clean);
                prop_assert_eq!(again, Ok(clean.clone()));
            }
            if let Ok(clean) = clean_png(&data) {
                let _ = check_png(&clean);
            }
        }
    }
}
