//! Dates as the files write them: checked to be real calendar days, so a
//! typo never reaches a cover or a bibliography as typed, and never becomes
//! some other day.
//!
//! A date is written `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, or in words:
//! `10 September 2012`, `September 2012`, `September 10, 2012` (English or
//! Russian month names). Only `YYYY-MM-DD` names a whole day that can also
//! be the PDF's date.

/// A checked date: a year, maybe a month, maybe a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i64,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// Written `YYYY-MM-DD`.
    pub iso: bool,
}

/// What the forms of a date are, for messages.
pub const DATE_FORMS: &str =
    "`YYYY-MM-DD` (2013-03-01), `YYYY-MM`, `YYYY`, or `1 March 2013` / `March 2013`";

/// The years a date may fall in.
const YEARS: std::ops::RangeInclusive<i64> = 1000..=9999;

const MONTHS: [[&str; 4]; 12] = [
    ["january", "январь", "января", "jan"],
    ["february", "февраль", "февраля", "feb"],
    ["march", "март", "марта", "mar"],
    ["april", "апрель", "апреля", "apr"],
    ["may", "май", "мая", "may"],
    ["june", "июнь", "июня", "jun"],
    ["july", "июль", "июля", "jul"],
    ["august", "август", "августа", "aug"],
    ["september", "сентябрь", "сентября", "sep"],
    ["october", "октябрь", "октября", "oct"],
    ["november", "ноябрь", "ноября", "nov"],
    ["december", "декабрь", "декабря", "dec"],
];

fn month_named(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.').to_lowercase();
    let word = word.strip_suffix(',').unwrap_or(&word);
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as u8 + 1)
}

/// Days in a month of a year (Gregorian).
pub fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Digits only, of the given length.
fn number(text: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<i64> {
    (lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Reads a date; the error says what is wrong with it, in words.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split_whitespace().collect();
    let (year, month, day, iso) = if parts.len() == 1 {
        let fields: Vec<&str> = text.split('-').collect();
        let year = number(fields[0], 4..=4);
        match (fields.len(), year) {
            (1, Some(y)) => (y, None, None, false),
            (2 | 3, Some(y)) => {
                let month = number(fields[1], 2..=2)
                    .ok_or_else(|| format!("`{text}` is not a date in a form handbill reads"))?;
                let day = match fields.get(2) {
                    Some(d) => Some(number(d, 2..=2).ok_or_else(|| {
                        format!("`{text}` is not a date in a form handbill reads")
                    })?),
                    None => None,
                };
                (y, Some(month), day, day.is_some())
            }
            _ => return Err(format!("`{text}` is not a date in a form handbill reads")),
        }
    } else {
        // `10 September 2012`, `September 2012`, `September 10, 2012`.
        let unknown = || format!("`{text}` is not a date in a form handbill reads");
        let (day, month, year) = match parts.as_slice() {
            [m, y] => (None, *m, *y),
            [d, m, y] if d.starts_with(|c: char| c.is_ascii_digit()) => (Some(*d), *m, *y),
            [m, d, y] => (Some(d.trim_end_matches(',')), *m, *y),
            _ => return Err(unknown()),
        };
        let month = month_named(month).ok_or_else(unknown)?;
        let year = number(year.trim_end_matches(['.', 'г']), 4..=4).ok_or_else(unknown)?;
        let day = match day {
            Some(d) => Some(number(d.trim_end_matches('.'), 1..=2).ok_or_else(unknown)?),
            None => None,
        };
        (year, Some(i64::from(month)), day, false)
    };
    if !YEARS.contains(&year) {
        return Err(format!("`{text}`: the year {year} is out of range"));
    }
    let month = match month {
        Some(m @ 1..=12) => Some(m as u8),
        Some(m) => return Err(format!("`{text}`: there is no month {m}")),
        None => None,
    };
    let day = match (day, month) {
        (Some(d), Some(m)) if d >= 1 && d <= i64::from(days_in_month(year, m)) => Some(d as u8),
        (Some(d), Some(m)) => {
            return Err(format!(
                "`{text}`: {} {year} has {} days, not {d}",
                month_name(m),
                days_in_month(year, m)
            ));
        }
        _ => None,
    };
    Ok(Date {
        year,
        month,
        day,
        iso,
    })
}

fn month_name(m: u8) -> String {
    let name = MONTHS[usize::from(m - 1)][0];
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Date {
    /// Seconds since 1970 at midnight UTC, for a whole day.
    pub fn epoch(&self) -> Option<i64> {
        let (y, m, d) = (self.year, i64::from(self.month?), i64::from(self.day?));
        // Days from civil (Howard Hinnant's algorithm).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some((era * 146_097 + doe - 719_468) * 86_400)
    }
}

/// The latest `SOURCE_DATE_EPOCH` handbill accepts: the end of 9999.
pub const MAX_EPOCH: i64 = 253_402_300_799;

/// Reads `SOURCE_DATE_EPOCH`: whole seconds since 1970, up to the year 9999.
pub fn parse_epoch(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    match trimmed.parse::<i64>() {
        Ok(n) if (0..=MAX_EPOCH).contains(&n) && !trimmed.starts_with('+') => Ok(n),
        Ok(n) => Err(format!(
            "SOURCE_DATE_EPOCH is {n}, outside 0 (1970) to {MAX_EPOCH} (the end of 9999)"
        )),
        Err(_) => Err(format!(
            "SOURCE_DATE_EPOCH is `{}`, not a whole number of seconds since 1970",
            text.escape_debug()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_in_every_form() {
        for (text, y, m, d) in [
            ("2013-03-01", 2013, Some(3), Some(1)),
            ("2024-02-29", 2024, Some(2), Some(29)),
            ("2000-02-29", 2000, Some(2), Some(29)),
            ("2013-03", 2013, Some(3), None),
            ("2013", 2013, None, None),
            ("10 September 2012", 2012, Some(9), Some(10)),
            ("September 2012", 2012, Some(9), None),
            ("September 10, 2012", 2012, Some(9), Some(10)),
            ("1 марта 2013", 2013, Some(3), Some(1)),
            ("Март 2013", 2013, Some(3), None),
        ] {
            let date = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((date.year, date.month, date.day), (y, m, d), "{text}");
        }
        assert_eq!(parse("2013-03-01").unwrap().epoch(), Some(1_362_096_000));
        assert_eq!(parse("1970-01-01").unwrap().epoch(), Some(0));
        assert!(parse("2013-03-01").unwrap().iso);
        assert_eq!(parse("March 2013").unwrap().epoch(), None);
    }

    #[test]
    fn impossible_and_unreadable_dates_are_refused() {
        for (text, says) in [
            ("2026-13-45", "no month 13"),
            ("2023-02-30", "February 2023 has 28 days, not 30"),
            ("1900-02-29", "has 28 days"),
            ("2023-04-31", "April 2023 has 30 days"),
            ("2023-00-10", "no month 0"),
            ("2023-01-00", "not 0"),
            ("31 February 2026", "February 2026 has 28 days, not 31"),
            ("31/02/2026", "not a date"),
            ("02/03/2026", "not a date"),
            ("2026-3-1", "not a date"),
            ("2013-03-01T10:00", "not a date"),
            ("20130301", "not a date"),
            ("Smarch 2013", "not a date"),
            ("32 March 2013", "not 32"),
            ("0999-01-01", "out of range"),
            ("", "not a date"),
            ("yesterday", "not a date"),
            ("2013-03-01 extra words", "not a date"),
            ("-2013", "not a date"),
            ("２０１３", "not a date"),
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn source_date_epoch_is_whole_seconds() {
        assert_eq!(parse_epoch("1362096000"), Ok(1_362_096_000));
        assert_eq!(parse_epoch(" 0\n"), Ok(0));
        for bad in [
            "",
            "soon",
            "1.5",
            "-1",
            "+5",
            "1e9",
            "99999999999999999999",
            "253402300800",
        ] {
            assert!(parse_epoch(bad).is_err(), "{bad}");
        }
    }
}
