//! Lengths and units as the files write them (`12mm`, `10pt`, `2cm`,
//! `1in`, `50%`), in points; and the named paper sizes.
//!
//! Formats and the layout markup both give lengths, so they are
//! read here, before any of them.

/// Named paper sizes, width × height in millimetres.
pub const PAPER_SIZES: &[(&str, f32, f32)] = &[
    ("A3", 297.0, 420.0),
    ("A4", 210.0, 297.0),
    ("A5", 148.0, 210.0),
    ("A6", 105.0, 148.0),
    ("DL", 99.0, 210.0),
    ("Letter", 215.9, 279.4),
];

/// Points in a millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// The sizes of sheet or page handbill prints, each way: a smaller page
/// holds no text, a larger one is past what PDF viewers and presses take.
pub const SHEET_SIDES: std::ops::RangeInclusive<f32> = 20.0 * MM..=2000.0 * MM;

/// The narrowest column of text: narrower, no word fits and every line
/// would be overfull.
pub const MIN_COLUMN: f32 = 10.0 * MM;

/// Parses `12mm`, `10pt`, `2cm`, `1in` or `50%` (of `of`) into points.
pub fn parse_length(text: &str, of: f32) -> Option<f32> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| c.is_ascii_alphabetic() || c == '%')
        .map_or((t, ""), |i| t.split_at(i));
    let n: f32 = num.trim().parse().ok()?;
    let v = match unit {
        "mm" => n * MM,
        "cm" => n * 10.0 * MM,
        "in" => n * 72.0,
        "pt" | "" => n,
        "%" => n / 100.0 * of,
        _ => return None,
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(parse_length("72pt", 0.0), Some(72.0));
        assert_eq!(parse_length("1in", 0.0), Some(72.0));
        assert!((parse_length("25.4mm", 0.0).unwrap() - 72.0).abs() < 1e-3);
        assert_eq!(parse_length("50%", 200.0), Some(100.0));
        assert_eq!(parse_length("wide", 0.0), None);
    }
}
