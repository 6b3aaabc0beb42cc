//! A table's column widths, from what its cells hold, as browsers' automatic
//! table layout finds them: each column has a minimum width (its widest
//! unbreakable word) and a preferred one (its widest cell on one line).

/// What a column's cells ask for, padding included.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Wanted {
    /// The widest word of any cell: narrower, a line runs over.
    pub min: f32,
    /// The widest cell set on one line.
    pub pref: f32,
    /// A width the markup fixed, in points.
    pub fixed: Option<f32>,
}

/// The width of each column in a table `available` points wide, or `None`
/// when even the minimum widths do not fit.
///
/// Fixed columns get their width (never less than their widest word). A
/// column whose whole text fits in an equal share of what is left gets its
/// preferred width, so that a column of dates or figures is not broken to
/// give a column of prose a little more room. The other columns share the
/// rest: each its preferred width when all fit, with the room to spare
/// shared in proportion to them, so the table runs across the frame;
/// otherwise each its minimum, and what is left between the minimum and the
/// preferred widths in proportion to that difference (CSS 2.1's automatic
/// table layout).
pub fn column_widths(columns: &[Wanted], available: f32) -> Option<Vec<f32>> {
    let mut settled: Vec<Option<f32>> = columns
        .iter()
        .map(|c| c.fixed.map(|f| f.max(c.min)))
        .collect();
    let fixed: f32 = settled.iter().flatten().sum();
    let min: f32 = (columns.iter().zip(&settled))
        .filter(|(_, s)| s.is_none())
        .map(|(c, _)| c.min)
        .sum();
    if min + fixed > available + 0.01 {
        return None;
    }
    // Narrow columns first, as long as the others keep their minimums.
    loop {
        let open: Vec<usize> = (0..columns.len())
            .filter(|&i| settled[i].is_none())
            .collect();
        let room = available - settled.iter().flatten().sum::<f32>();
        let share = room / open.len().max(1) as f32;
        let narrow: Vec<usize> = (open.iter().copied())
            .filter(|&i| columns[i].pref.max(columns[i].min) <= share)
            .collect();
        let rest_min: f32 = (open.iter())
            .filter(|i| !narrow.contains(i))
            .map(|&i| columns[i].min)
            .sum();
        let narrow_pref: f32 = narrow
            .iter()
            .map(|&i| columns[i].pref.max(columns[i].min))
            .sum();
        if narrow.is_empty() || narrow.len() == open.len() || narrow_pref + rest_min > room {
            break;
        }
        for i in narrow {
            settled[i] = Some(columns[i].pref.max(columns[i].min));
        }
    }
    let open = || {
        (columns.iter().zip(&settled))
            .filter(|(_, s)| s.is_none())
            .map(|(c, _)| c)
    };
    let room = available - settled.iter().flatten().sum::<f32>();
    let min: f32 = open().map(|c| c.min).sum();
    let pref: f32 = open().map(|c| c.pref.max(c.min)).sum();
    let count = open().count() as f32;
    let widths = columns.iter().zip(&settled).map(|(c, s)| {
        if let Some(w) = s {
            return *w;
        }
        let p = c.pref.max(c.min);
        if pref <= room {
            if pref > 0.0 {
                p + (room - pref) * p / pref
            } else {
                p + (room - pref) / count
            }
        } else {
            c.min + (p - c.min) * (room - min) / (pref - min)
        }
    });
    Some(widths.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(min: f32, pref: f32) -> Wanted {
        Wanted {
            min,
            pref,
            fixed: None,
        }
    }

    #[test]
    fn preferred_widths_that_fit_are_widened_in_proportion() {
        let w = column_widths(&[auto(10.0, 40.0), auto(20.0, 120.0)], 320.0).unwrap();
        assert_eq!(w, vec![80.0, 240.0]);
    }

    #[test]
    fn between_minimum_and_preferred_the_difference_is_shared() {
        // Minimums 30, preferred 160: 130 to share, 70 of room beyond the minimums.
        let w = column_widths(&[auto(10.0, 60.0), auto(20.0, 100.0)], 100.0).unwrap();
        let expected = [10.0 + 50.0 * 70.0 / 130.0, 20.0 + 80.0 * 70.0 / 130.0];
        for (a, b) in w.iter().zip(expected) {
            assert!((a - b).abs() < 1e-3, "{w:?}");
        }
        assert!((w.iter().sum::<f32>() - 100.0).abs() < 1e-3);
    }

    #[test]
    fn a_narrow_column_gets_its_whole_text_before_a_wide_one_shares_the_rest() {
        // Dates (at most 70 wide) beside prose (900 on one line), in 300.
        let w = column_widths(&[auto(40.0, 70.0), auto(60.0, 900.0)], 300.0).unwrap();
        assert_eq!(w, vec![70.0, 230.0]);
        // Unless the prose would lose its minimum.
        let w = column_widths(&[auto(40.0, 70.0), auto(250.0, 900.0)], 300.0).unwrap();
        assert!(
            w[0] < 70.0 && (w[1] - 250.0).abs() > 0.0 && w[1] >= 250.0,
            "{w:?}"
        );
    }

    #[test]
    fn fixed_columns_keep_their_width_and_minimums_that_do_not_fit_fail() {
        let fixed = Wanted {
            min: 5.0,
            pref: 90.0,
            fixed: Some(50.0),
        };
        let w = column_widths(&[fixed, auto(10.0, 20.0)], 150.0).unwrap();
        assert_eq!(w, vec![50.0, 100.0]);
        assert_eq!(column_widths(&[fixed, auto(110.0, 200.0)], 150.0), None);
        assert_eq!(
            column_widths(&[auto(60.0, 60.0), auto(60.0, 90.0)], 100.0),
            None
        );
    }
}
