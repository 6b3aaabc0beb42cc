//! QR codes for the layout markup's `<qr>` element: the qrcode crate
//! encodes the text, handbill chooses the mask.
//!
//! A QR code's modules are flipped by one of eight masks, the one whose
//! result scores best on the standard's four penalty rules (long runs of
//! one colour, 2×2 blocks, shapes like the finder squares, a dark share far
//! from half). qrcode scores the masks with a boxed closure for every
//! window of seven modules: 6.7 million instructions for the leaflet's
//! code, 8 % of its whole build, on the path every other step waits for.
//! Here the same scores are counted straight over a grid of booleans, so
//! the same mask wins (the tests compare with qrcode's own choice) and the
//! code is qrcode's own, module for module.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::{EcLevel, QrResult, Version};

/// A QR code: its width in modules and, row by row, which are dark.
pub struct Code {
    pub width: usize,
    pub dark: Vec<bool>,
}

/// The masks in the order qrcode tries them; of equal scores the first wins.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Encodes `data` at error correction level `ec`.
pub fn encode(data: &[u8], ec: EcLevel) -> QrResult<Code> {
    let bits = qrcode::bits::encode_auto(data, ec)?;
    let version = bits.version();
    let (data, ec_data) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec)?;
    let mut canvas = Canvas::new(version, ec);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec_data);
    let width = version.width() as usize;
    let grid = |c: &Canvas| -> Vec<bool> {
        let mut dark = Vec::with_capacity(width * width);
        for y in 0..width as i16 {
            for x in 0..width as i16 {
                dark.push(c.get(x, y).is_dark());
            }
        }
        dark
    };
    let best = if let Version::Micro(_) = version {
        // Micro codes score differently; handbill's text never makes one.
        grid(&canvas.apply_best_mask())
    } else {
        let mut best: Option<(u32, Vec<bool>)> = None;
        for mask in MASKS {
            let mut masked = canvas.clone();
            masked.apply_mask(mask);
            let dark = grid(&masked);
            let score = penalty(&dark, width);
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, dark));
            }
        }
        best.map(|(_, dark)| dark).unwrap_or_default()
    };
    Ok(Code { width, dark: best })
}

/// The penalty of a masked code, `dark` row by row: the sum of the four
/// rules, as qrcode counts them.
fn penalty(dark: &[bool], width: usize) -> u32 {
    let at = |x: usize, y: usize| dark[y * width + x];
    let mut score = 0u32;
    for horizontal in [true, false] {
        let cell = |i: usize, j: usize| if horizontal { at(j, i) } else { at(i, j) };
        for i in 0..width {
            // Rule 1: a run of 5 + n modules of one colour costs 3 + n.
            let mut run = 1;
            for j in 1..=width {
                if j < width && cell(i, j) == cell(i, j - 1) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                }
            }
            // Rule 3: dark-light-dark-dark-dark-light-dark with four light
            // modules (or the edge) on either side costs 40.
            for j in 0..width.saturating_sub(6) {
                let pattern = [true, false, true, true, true, false, true];
                if (0..7).any(|k| cell(i, j + k) != pattern[k]) {
                    continue;
                }
                let dark_in = |from: isize, to: isize| {
                    (from..to).any(|k| k >= 0 && (k as usize) < width && cell(i, k as usize))
                };
                let j = j as isize;
                if !dark_in(j - 4, j) || !dark_in(j + 7, j + 11) {
                    score += 40;
                }
            }
        }
    }
    // The three finder squares themselves match rule 3 nine times each
    // way; qrcode takes those off.
    score = score.wrapping_sub(2 * 360);
    // Rule 2: every 2×2 block of one colour costs 3.
    for y in 0..width - 1 {
        for x in 0..width - 1 {
            let c = at(x, y);
            if at(x + 1, y) == c && at(x, y + 1) == c && at(x + 1, y + 1) == c {
                score += 3;
            }
        }
    }
    // Rule 4: how far the dark share is from half, in steps of half a per cent.
    let share = dark.iter().filter(|d| **d).count() * 200 / dark.len();
    score.wrapping_add(share.abs_diff(100) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// qrcode's own code for `data`, mask and all.
    fn reference(data: &[u8]) -> (usize, Vec<bool>) {
        let code = qrcode::QrCode::with_error_correction_level(data, EcLevel::M).unwrap();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        (code.width(), dark)
    }

    #[test]
    fn the_same_codes_as_qrcode_makes_for_many_texts() {
        let mut texts: Vec<String> = vec![
            "https://www.hrw.org/report/2012/09/10/striking-oil-striking-workers".into(),
            "".into(),
            "a".into(),
            "HELLO WORLD 123".into(),
            "0123456789".repeat(20),
            "Қазақстан — свобода собраний".into(),
        ];
        // Texts of every length from 1 to 300 characters, so that most
        // versions and every mask win somewhere.
        let mut seed = 7u32;
        for len in 1..300 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789:/.-?=&ABCXYZ ";
            texts.push(
                (0..len)
                    .map(|i| {
                        alphabet[((seed >> 8) as usize + i * 7 + len) % alphabet.len()] as char
                    })
                    .collect(),
            );
        }
        let mut masks_seen = std::collections::BTreeSet::new();
        for text in &texts {
            let ours = encode(text.as_bytes(), EcLevel::M).unwrap();
            let (width, dark) = reference(text.as_bytes());
            assert_eq!(ours.width, width, "{text}");
            assert!(ours.dark == dark, "the modules of the code for {text:?}");
            // The mask is in the format bits beside the top-left finder.
            let bits: Vec<bool> = (0..5).map(|x| dark[8 * width + x]).collect();
            masks_seen.insert(bits);
        }
        assert!(masks_seen.len() >= 6, "{} masks won", masks_seen.len());
    }

    #[test]
    fn text_too_long_for_any_code_is_an_error() {
        assert!(encode(&[b'x'; 5000], EcLevel::M).is_err());
    }
}
