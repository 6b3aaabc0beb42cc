//! Which way up a photo is shown.
//!
//! A phone saves a portrait photo as landscape pixels, the way its sensor
//! reads them, and writes in the JPEG's EXIF which way to turn them
//! (the Orientation tag, 0x0112). Every photo viewer honours it, so the
//! user has only ever seen the photo upright. handbill drops the EXIF with
//! everything else it holds ([`super::clean_jpeg`]), so the tag is read
//! first and kept here, as plain data beside the pixels; whoever draws the
//! pixels turns them.
//!
//! All eight orientations are honoured, the mirrored ones (2, 4, 5, 7) too:
//! viewers and browsers mirror them, and a mirror costs a PDF nothing more
//! than a turn (one transform). A PNG is taken as it is stored.

/// How a picture's stored pixels are turned to be shown upright: the EXIF
/// Orientation values 1 to 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Orientation {
    /// 1: as stored.
    #[default]
    Upright,
    /// 2: flipped left to right.
    FlipLeftRight,
    /// 3: turned half way round.
    Turn180,
    /// 4: flipped top to bottom.
    FlipTopBottom,
    /// 5: turned a quarter clockwise, then flipped left to right (the
    /// stored rows become the shown columns).
    TurnClockwiseFlipLeftRight,
    /// 6: turned a quarter clockwise: the usual portrait phone photo.
    TurnClockwise,
    /// 7: turned a quarter anticlockwise, then flipped left to right.
    TurnAnticlockwiseFlipLeftRight,
    /// 8: turned a quarter anticlockwise.
    TurnAnticlockwise,
}

impl Orientation {
    /// The orientation EXIF gives as `value`; one outside 1 to 8 means
    /// nothing, as viewers take it: upright.
    pub fn from_exif(value: u16) -> Orientation {
        match value {
            2 => Orientation::FlipLeftRight,
            3 => Orientation::Turn180,
            4 => Orientation::FlipTopBottom,
            5 => Orientation::TurnClockwiseFlipLeftRight,
            6 => Orientation::TurnClockwise,
            7 => Orientation::TurnAnticlockwiseFlipLeftRight,
            8 => Orientation::TurnAnticlockwise,
            _ => Orientation::Upright,
        }
    }

    /// Its EXIF value, 1 to 8.
    pub fn exif(self) -> u8 {
        match self {
            Orientation::Upright => 1,
            Orientation::FlipLeftRight => 2,
            Orientation::Turn180 => 3,
            Orientation::FlipTopBottom => 4,
            Orientation::TurnClockwiseFlipLeftRight => 5,
            Orientation::TurnClockwise => 6,
            Orientation::TurnAnticlockwiseFlipLeftRight => 7,
            Orientation::TurnAnticlockwise => 8,
        }
    }

    /// Whether the picture is shown on its side: its width and height swap.
    pub fn turns_sideways(self) -> bool {
        self.exif() >= 5
    }

    /// The size, in pixels, of a picture stored at `stored` as it is shown.
    pub fn shown_size(self, stored: (u32, u32)) -> (u32, u32) {
        if self.turns_sideways() {
            (stored.1, stored.0)
        } else {
            stored
        }
    }

    /// How the stored picture is drawn to show upright in a box `width` ×
    /// `height` (y down, the box's top-left corner at the origin): the size
    /// to draw the stored pixels at, and the transform that then carries
    /// them into the box, as `(sx, ky, kx, sy, tx, ty)`: a point (u, v) of
    /// the stored picture lands at (sx·u + kx·v + tx, ky·u + sy·v + ty).
    pub fn placement(self, width: f32, height: f32) -> ((f32, f32), [f32; 6]) {
        let (w, h) = (width, height);
        let stored = if self.turns_sideways() {
            (h, w)
        } else {
            (w, h)
        };
        // Where the stored rows and columns go, as EXIF defines each value
        // (row 0 at the shown top, left, right or bottom, and so on).
        let transform = match self {
            Orientation::Upright => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            Orientation::FlipLeftRight => [-1.0, 0.0, 0.0, 1.0, w, 0.0],
            Orientation::Turn180 => [-1.0, 0.0, 0.0, -1.0, w, h],
            Orientation::FlipTopBottom => [1.0, 0.0, 0.0, -1.0, 0.0, h],
            Orientation::TurnClockwiseFlipLeftRight => [0.0, 1.0, 1.0, 0.0, 0.0, 0.0],
            Orientation::TurnClockwise => [0.0, 1.0, -1.0, 0.0, w, 0.0],
            Orientation::TurnAnticlockwiseFlipLeftRight => [0.0, -1.0, -1.0, 0.0, w, h],
            Orientation::TurnAnticlockwise => [0.0, -1.0, 1.0, 0.0, 0.0, h],
        };
        (stored, transform)
    }

    /// Decoded pixels turned to show upright (for a screen copy's smaller
    /// picture and the preview, which hand on pixels, not a transform).
    pub fn turn(self, pixels: &mut image::DynamicImage) {
        use image::metadata::Orientation as Turn;
        pixels.apply_orientation(match self {
            Orientation::Upright => Turn::NoTransforms,
            Orientation::FlipLeftRight => Turn::FlipHorizontal,
            Orientation::Turn180 => Turn::Rotate180,
            Orientation::FlipTopBottom => Turn::FlipVertical,
            Orientation::TurnClockwiseFlipLeftRight => Turn::Rotate90FlipH,
            Orientation::TurnClockwise => Turn::Rotate90,
            Orientation::TurnAnticlockwiseFlipLeftRight => Turn::Rotate270FlipH,
            Orientation::TurnAnticlockwise => Turn::Rotate270,
        });
    }
}

/// The orientation a JPEG's EXIF gives, read from its first EXIF segment
/// before its first scan (the picture's own; a second image after the end
/// has its own EXIF, not this picture's). No EXIF, no Orientation tag, or
/// an EXIF segment that cannot be read: upright, as viewers show such a
/// file. Never fails: the file's damage is [`super::clean_jpeg`]'s to
/// report.
pub fn of_jpeg(data: &[u8]) -> Orientation {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Orientation::Upright;
    }
    let mut i = 2;
    while let (Some(0xFF), Some(&marker)) = (data.get(i), data.get(i + 1)) {
        match marker {
            // A fill byte.
            0xFF => i += 1,
            // The pixels start, or the picture ends: no EXIF came before.
            0xDA | 0xD9 => break,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let Some(&[a, b]) = data.get(i + 2..i + 4) else {
                    break;
                };
                let len = usize::from(u16::from_be_bytes([a, b]));
                let Some(payload) = data.get(i + 4..i + 2 + len.max(2)) else {
                    break;
                };
                if marker == 0xE1
                    && let Some(tiff) = payload.strip_prefix(b"Exif\0\0")
                {
                    return of_exif(tiff);
                }
                i += 2 + len.max(2);
            }
        }
    }
    Orientation::Upright
}

/// The orientation a PNG's `eXIf` chunk gives, read from the chunks before
/// its pixels (an `eXIf` after them is not read, as PNG's rules say).
/// No such chunk, or one that cannot be read: upright, as for a JPEG.
pub fn of_png(data: &[u8]) -> Orientation {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let Some(mut rest) = data.strip_prefix(SIGNATURE) else {
        return Orientation::Upright;
    };
    // Each chunk: its length, its kind, its data, a checksum.
    while let Some((&[a, b, c, d], after)) = rest.split_first_chunk::<4>() {
        let len = u32::from_be_bytes([a, b, c, d]) as usize;
        let Some((kind, after)) = after.split_first_chunk::<4>() else {
            break;
        };
        let Some(chunk) = after.get(..len) else {
            break;
        };
        match kind {
            b"IDAT" | b"IEND" => break,
            // The TIFF header on, though some writers put JPEG's
            // "Exif\0\0" before it.
            b"eXIf" => return of_exif(chunk.strip_prefix(b"Exif\0\0").unwrap_or(chunk)),
            _ => {}
        }
        let Some(next) = after.get(len + 4..) else {
            break;
        };
        rest = next;
    }
    Orientation::Upright
}

/// The Orientation tag of an EXIF block's first directory (the picture's
/// own, IFD0), from the TIFF header on.
fn of_exif(tiff: &[u8]) -> Orientation {
    // The image crate's reader: bounds-checked, and it takes the tag only
    // as EXIF writes it (one SHORT).
    image::metadata::Orientation::from_exif_chunk(tiff).map_or(Orientation::Upright, |o| {
        Orientation::from_exif(o.to_exif().into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASELINE: &[u8] = include_bytes!("../../tests/data/plain-baseline.jpg");

    const ALL: [Orientation; 8] = [
        Orientation::Upright,
        Orientation::FlipLeftRight,
        Orientation::Turn180,
        Orientation::FlipTopBottom,
        Orientation::TurnClockwiseFlipLeftRight,
        Orientation::TurnClockwise,
        Orientation::TurnAnticlockwiseFlipLeftRight,
        Orientation::TurnAnticlockwise,
    ];

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// An EXIF block as cameras write it: a TIFF header, then IFD0 with a
    /// few entries, the Orientation among them as one SHORT.
    fn exif(big_endian: bool, orientation: u16) -> Vec<u8> {
        let u16b = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = b"Exif\0\0".to_vec();
        out.extend_from_slice(if big_endian { b"MM" } else { b"II" });
        out.extend(u16b(42));
        out.extend(u32b(8));
        let entries: [(u16, u16, u32, [u8; 4]); 3] = [
            // Make: "Abc" (ASCII, in place), XResolution (elsewhere),
            // Orientation.
            (0x010F, 2, 4, *b"Abc\0"),
            (0x011A, 5, 1, u32b(100)),
            (0x0112, 3, 1, {
                let v = u16b(orientation);
                [v[0], v[1], 0, 0]
            }),
        ];
        out.extend(u16b(entries.len() as u16));
        for (tag, kind, count, value) in entries {
            out.extend(u16b(tag));
            out.extend(u16b(kind));
            out.extend(u32b(count));
            out.extend(value);
        }
        out.extend(u32b(0));
        out
    }

    /// `BASELINE` with `extra` segments after its start marker.
    fn with(extra: &[Vec<u8>]) -> Vec<u8> {
        let mut out = BASELINE[..2].to_vec();
        for e in extra {
            out.extend_from_slice(e);
        }
        out.extend_from_slice(&BASELINE[2..]);
        out
    }

    #[test]
    fn every_exif_value_is_read_in_either_byte_order() {
        for big_endian in [true, false] {
            for value in 1..=8 {
                let jpeg = with(&[
                    segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>"),
                    segment(0xE1, &exif(big_endian, value)),
                ]);
                let o = of_jpeg(&jpeg);
                assert_eq!(u16::from(o.exif()), value, "big endian: {big_endian}");
                assert_eq!(Orientation::from_exif(value), o);
            }
        }
    }

    #[test]
    fn no_exif_or_a_broken_one_is_upright() {
        let upright = Orientation::Upright;
        assert_eq!(of_jpeg(BASELINE), upright, "no EXIF");
        assert_eq!(of_jpeg(b""), upright);
        assert_eq!(of_jpeg(b"\x89PNG\r\n\x1a\n"), upright);
        let good = exif(true, 6);
        for bad in [
            // Values EXIF does not define.
            exif(true, 0),
            exif(true, 9),
            exif(false, 0xFFFF),
            // Cut short: inside the Orientation entry, the directory, the
            // header.
            good[..good.len() - 6].to_vec(),
            good[..20].to_vec(),
            good[..9].to_vec(),
            b"Exif\0\0".to_vec(),
            // A directory that points past the end, or nowhere.
            [b"Exif\0\0MM\0\x2a\xff\xff\xff\xf0".as_slice(), &good[14..]].concat(),
            [b"Exif\0\0XX\0\x2a".as_slice(), &good[10..]].concat(),
        ] {
            assert_eq!(of_jpeg(&with(&[segment(0xE1, &bad)])), upright);
        }
        // A segment whose length runs past the end, or is impossible.
        assert_eq!(of_jpeg(b"\xFF\xD8\xFF\xE1\xFF\xFFExif\0\0MM"), upright);
        assert_eq!(of_jpeg(b"\xFF\xD8\xFF\xE1\x00\x00\xFF\xD9"), upright);
        // Every prefix of a JPEG with a sound EXIF: never a panic.
        let jpeg = with(&[segment(0xE1, &good)]);
        for cut in 0..jpeg.len() {
            let _ = of_jpeg(&jpeg[..cut]);
        }
        assert_eq!(of_jpeg(&jpeg), Orientation::TurnClockwise);
    }

    /// A small PNG with `chunks` (kind, data) after its header.
    fn png_with(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        use image::ImageEncoder;
        let mut png = Vec::new();
        let pixels = image::RgbImage::new(2, 1);
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&pixels, 2, 1, image::ExtendedColorType::Rgb8)
            .unwrap();
        // The signature and the header chunk (13 bytes of data) come first.
        let header_end = 8 + 4 + 4 + 13 + 4;
        let mut out = png[..header_end].to_vec();
        for (kind, data) in chunks {
            out.extend((data.len() as u32).to_be_bytes());
            out.extend_from_slice(*kind);
            out.extend_from_slice(data);
            out.extend([0, 0, 0, 0]);
        }
        out.extend_from_slice(&png[header_end..]);
        out
    }

    #[test]
    fn a_png_s_exif_chunk_is_read_before_its_pixels_only() {
        for big_endian in [true, false] {
            for value in 1..=8 {
                let exif = exif(big_endian, value);
                // As PNG writes it (the TIFF header first), and with JPEG's
                // prefix kept, after a chunk of text.
                for data in [&exif[6..], &exif[..]] {
                    let png = png_with(&[(b"tEXt", b"Title\0Strike"), (b"eXIf", data)]);
                    assert_eq!(u16::from(of_png(&png).exif()), value);
                }
            }
        }
        let upright = Orientation::Upright;
        assert_eq!(of_png(&png_with(&[])), upright, "no eXIf");
        assert_eq!(of_png(BASELINE), upright, "a JPEG");
        // After the pixels: not read.
        let mut late = png_with(&[]);
        let end = late.len() - 12;
        let exif = exif(true, 6);
        let mut chunk = (exif.len() as u32 - 6).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"eXIf");
        chunk.extend_from_slice(&exif[6..]);
        chunk.extend([0, 0, 0, 0]);
        late.splice(end..end, chunk);
        assert_eq!(of_png(&late), upright, "eXIf after IDAT");
        // Every prefix, and a length past the end: never a panic.
        let png = png_with(&[(b"eXIf", &exif[6..])]);
        for cut in 0..png.len() {
            let _ = of_png(&png[..cut]);
        }
        let mut huge = png.clone();
        huge[33..37].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(of_png(&huge), upright);
    }

    #[test]
    fn only_the_first_images_exif_counts() {
        // EXIF after the first scan (a second image's) is not this one's.
        let mut jpeg = BASELINE.to_vec();
        jpeg.extend(segment(0xE1, &exif(true, 6)));
        assert_eq!(of_jpeg(&jpeg), Orientation::Upright);
    }

    #[test]
    fn the_transform_shows_what_turning_the_pixels_shows() {
        // A 3 × 2 picture of distinct pixels, turned by the image crate
        // (as the screen copy and the preview turn it), and drawn by the
        // transform (as the PDF draws it) at one point per pixel: each
        // stored pixel's centre lands on the turned pixel of its value.
        let stored = image::GrayImage::from_fn(3, 2, |x, y| image::Luma([(10 * y + x) as u8]));
        for o in ALL {
            let mut turned = image::DynamicImage::ImageLuma8(stored.clone());
            o.turn(&mut turned);
            let turned = turned.to_luma8();
            let (w, h) = o.shown_size((3, 2));
            assert_eq!((turned.width(), turned.height()), (w, h), "{o:?}");
            let (size, [sx, ky, kx, sy, tx, ty]) = o.placement(w as f32, h as f32);
            assert_eq!(size, (3.0, 2.0), "{o:?}");
            for (u, v, value) in stored.enumerate_pixels() {
                let (cu, cv) = (u as f32 + 0.5, v as f32 + 0.5);
                let x = sx * cu + kx * cv + tx;
                let y = ky * cu + sy * cv + ty;
                let at = turned.get_pixel(x.floor() as u32, y.floor() as u32);
                assert_eq!(at, value, "{o:?}: stored ({u}, {v})");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Arbitrary bytes in an EXIF segment: upright or a value EXIF
        /// defines, never a panic.
        #[test]
        fn arbitrary_exif_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let payload = [b"Exif\0\0".as_slice(), &bytes].concat();
            let o = of_jpeg(&with(&[segment(0xE1, &payload)]));
            prop_assert!((1..=8).contains(&o.exif()));
        }
    }
}
