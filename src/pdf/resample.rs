//! Pictures made small for the screen.
//!
//! A screen PDF goes by e-mail and onto the web, where a picture needs no
//! more pixels than the screen shows: a phone photo at its full 12
//! megapixels would put 4 MB into a one-page leaflet. In screen output each
//! picture larger than it needs to be is scaled down to
//! [`picture::DEFAULT_SCREEN_PPI`] (or
//! the briefing's or format's `screen_ppi:`) at the largest size it is
//! placed at, never up, and saved again: as a JPEG at [`JPEG_QUALITY`], or
//! as a PNG when it has transparency. Its colour profile goes with it, and
//! the new file is rebuilt from the same allow-list as every picture
//! ([`crate::picture`]), so it carries nothing else. Print and archive
//! output keep the original bytes.

use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngDecoder, PngEncoder};
use image::{DynamicImage, ImageDecoder, ImageEncoder, Limits};

use crate::error::{Error, Result};
use crate::picture::{self, Picture, PictureFormat};

/// The JPEG quality of a resampled picture (of 100): no visible blocks or
/// smearing on a photo at screen resolution, a third of the size of 95.
pub const JPEG_QUALITY: u8 = 85;
/// The most memory decoding one picture for resampling may take: a
/// 100-megapixel RGB photo, the largest picture handbill reads.
const MAX_DECODE_BYTES: u64 = 320_000_000;

/// The picture as the screen needs it, when that is smaller than the
/// original: `placed` is the largest size it is drawn at, in points.
/// `None`: the original is kept (it is small enough already, or a CMYK
/// JPEG, whose colours only its own profile can convert).
pub fn for_screen(
    key: &str,
    pic: &Picture,
    placed: (f32, f32),
    ppi: f32,
) -> Result<Option<Picture>> {
    let wanted_w = (placed.0 / 72.0 * ppi).ceil().max(1.0);
    let wanted_h = (placed.1 / 72.0 * ppi).ceil().max(1.0);
    // The picture keeps its proportions: the larger scale of the two.
    let scale = (wanted_w / pic.width_px as f32).max(wanted_h / pic.height_px as f32);
    if !scale.is_finite() || scale >= 1.0 {
        return Ok(None);
    }
    if pic.format == PictureFormat::Jpeg && picture::jpeg_components(&pic.data) == Some(4) {
        return Ok(None);
    }
    let width = ((pic.width_px as f32 * scale).round() as u32).max(1);
    let height = ((pic.height_px as f32 * scale).round() as u32).max(1);
    let name = format!("picture `{key}` ({})", pic.path.display());
    let damaged = |what: &dyn std::fmt::Display| {
        Error::new(format!(
            "{name} could not be read to make it smaller for the screen: {what}"
        ))
        .help("open it in an image editor and save it again as PNG or JPEG, or build with `--profile print`, which keeps pictures as they are")
    };
    let (mut image, icc) = decode(pic).map_err(|e| damaged(&in_plain_words(&e)))?;
    // The new file has no EXIF to say which way up it is: its pixels are
    // turned instead, and `width` × `height` is the size as shown.
    pic.orientation.turn(&mut image);
    let small = image.thumbnail_exact(width, height);
    let transparent = small.color().has_alpha();
    let mut out = Vec::new();
    let encoded = if transparent {
        let small = match small {
            DynamicImage::ImageLumaA8(_) => small,
            other => DynamicImage::ImageRgba8(other.to_rgba8()),
        };
        let mut encoder =
            PngEncoder::new_with_quality(&mut out, CompressionType::Best, PngFilter::Adaptive);
        if let Some(icc) = icc {
            // The encoder takes any profile the decoder gave.
            let _ = encoder.set_icc_profile(icc);
        }
        encoder.write_image(small.as_bytes(), width, height, small.color().into())
    } else {
        let small = match small {
            DynamicImage::ImageLuma8(_) => small,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        };
        let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        if let Some(icc) = icc {
            let _ = encoder.set_icc_profile(icc);
        }
        encoder.write_image(small.as_bytes(), width, height, small.color().into())
    };
    encoded.map_err(|e| damaged(&in_plain_words(&e)))?;
    // The encoders add a header of their own (JFIF): the allow-list takes
    // it out again, as it does from every picture.
    let (format, data) = if transparent {
        (PictureFormat::Png, picture::clean_png(&out))
    } else {
        (PictureFormat::Jpeg, picture::clean_jpeg(&out))
    };
    let data = data.map_err(|e| damaged(&e))?;
    Ok(Some(Picture {
        asset: pic.asset.clone(),
        path: pic.path.clone(),
        declared: pic.declared.clone(),
        data: std::sync::Arc::new(data),
        format,
        orientation: picture::Orientation::Upright,
        width_px: width,
        height_px: height,
    }))
}

/// What went wrong in the image crate, in handbill's words.
fn in_plain_words(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => format!(
            "it would take more than {} MB of memory to decode",
            MAX_DECODE_BYTES / 1_000_000
        ),
        image::ImageError::Unsupported(_) => {
            "it uses a kind of JPEG or PNG handbill cannot scale".into()
        }
        _ => "its picture data is damaged".into(),
    }
}

/// The picture's pixels and colour profile, decoded within
/// [`MAX_DECODE_BYTES`].
fn decode(pic: &Picture) -> image::ImageResult<(DynamicImage, Option<Vec<u8>>)> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let bytes = std::io::Cursor::new(pic.data.as_slice());
    match pic.format {
        PictureFormat::Jpeg => {
            let mut decoder = JpegDecoder::new(bytes)?;
            decoder.set_limits(limits)?;
            let icc = decoder.icc_profile()?;
            Ok((DynamicImage::from_decoder(decoder)?, icc))
        }
        PictureFormat::Png => {
            let mut decoder = PngDecoder::with_limits(bytes, limits)?;
            let icc = decoder.icc_profile()?;
            Ok((DynamicImage::from_decoder(decoder)?, icc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(data: Vec<u8>, format: PictureFormat) -> Picture {
        let (_, width_px, height_px) = picture::picture_header(&data).unwrap();
        Picture {
            asset: serde_json::from_str(r#"{"file": "p", "caption": ""}"#).unwrap(),
            path: "p".into(),
            declared: crate::error::Location::file(std::path::Path::new("p")),
            data: std::sync::Arc::new(data),
            format,
            orientation: picture::Orientation::Upright,
            width_px,
            height_px,
        }
    }

    #[test]
    fn a_turned_photo_is_scaled_upright() {
        // Stored 400 × 200, its left half dark; shown turned a quarter
        // clockwise, 200 × 400 with the dark half on top.
        let stored = image::RgbImage::from_fn(400, 200, |x, _| {
            image::Rgb(if x < 200 { [20; 3] } else { [235; 3] })
        });
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(&stored, 400, 200, image::ExtendedColorType::Rgb8)
            .unwrap();
        let mut pic = picture(picture::clean_jpeg(&jpeg).unwrap(), PictureFormat::Jpeg);
        pic.orientation = picture::Orientation::TurnClockwise;
        (pic.width_px, pic.height_px) = (200, 400);
        // 1 × 2 inches at 50 ppi: 50 × 100 pixels, upright.
        let small = for_screen("k", &pic, (72.0, 144.0), 50.0)
            .unwrap()
            .expect("scaled down");
        assert_eq!(small.orientation, picture::Orientation::Upright);
        assert_eq!((small.width_px, small.height_px), (50, 100));
        let decoded = image::load_from_memory(&small.data).unwrap().to_luma8();
        assert_eq!((decoded.width(), decoded.height()), (50, 100));
        assert!(decoded.get_pixel(25, 20).0[0] < 60, "dark on top");
        assert!(decoded.get_pixel(25, 80).0[0] > 200, "light below");
    }

    #[test]
    fn a_cmyk_jpeg_is_kept_as_it_is() {
        let cmyk = include_bytes!("../../tests/data/plain-cmyk.jpg").to_vec();
        let clean = picture::clean_jpeg(&cmyk).unwrap();
        assert_eq!(picture::jpeg_components(&clean), Some(4));
        let pic = picture(clean, PictureFormat::Jpeg);
        // A place a tenth of its size at 150 ppi: it would be scaled.
        let place = (pic.width_px as f32 * 72.0 / 1500.0, 1.0);
        assert!(for_screen("k", &pic, place, 150.0).unwrap().is_none());
    }

    #[test]
    fn grey_with_alpha_stays_a_png_of_the_size_asked_for() {
        let grey = image::GrayAlphaImage::from_fn(400, 200, |x, y| {
            image::LumaA([(x ^ y) as u8, (x / 2) as u8])
        });
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&grey, 400, 200, image::ExtendedColorType::La8)
            .unwrap();
        let pic = picture(picture::clean_png(&png).unwrap(), PictureFormat::Png);
        // 1 inch wide at 100 ppi: 100 × 50 pixels.
        let small = for_screen("k", &pic, (72.0, 36.0), 100.0)
            .unwrap()
            .expect("scaled down");
        assert_eq!(small.format, PictureFormat::Png);
        assert_eq!((small.width_px, small.height_px), (100, 50));
        let header = picture::picture_header(&small.data).unwrap();
        assert_eq!(header, (PictureFormat::Png, 100, 50));
        let decoded = image::load_from_memory(&small.data).unwrap();
        assert_eq!(
            decoded.color(),
            image::ColorType::La8,
            "grey and alpha kept"
        );
    }

    #[test]
    fn image_errors_are_told_in_handbills_words() {
        let e = image::ImageError::Limits(image::error::LimitError::from_kind(
            image::error::LimitErrorKind::InsufficientMemory,
        ));
        assert_eq!(
            in_plain_words(&e),
            "it would take more than 320 MB of memory to decode"
        );
    }
}
