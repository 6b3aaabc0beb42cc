use super::*;

const SAMPLE: &str = "Kazakhstan has an appalling human rights record. As Reporters \
        Without Borders reports the state has control over independent media, NGOs, civil \
        society, and, most critically, independent trade unions effectively crushing dissent. \
        The vast majority of the population lives in poverty and those who speak out against \
        the state or organise mass resistance are harassed, jailed, or killed.";

/// Syllables for the sample's long words, hyphen points marked by `-`.
const HYPHENATED: &[&str] = &[
    "Ka-zakh-stan",
    "ap-palling",
    "Re-porters",
    "With-out",
    "Bor-ders",
    "re-ports",
    "con-trol",
    "in-de-pen-dent",
    "so-ci-ety,",
    "crit-i-cally,",
    "ef-fec-tive-ly",
    "crush-ing",
    "dis-sent.",
    "ma-jor-ity",
    "pop-u-la-tion",
    "pov-erty",
    "against",
    "or-gan-ise",
    "re-sis-tance",
    "har-assed,",
    "jailed,",
    "kil-led.",
];

const SPACE: Item = Item::Glue {
    width: 3.33,
    stretch: 1.67,
    shrink: 1.11,
};
const HYPHEN: Item = Item::Penalty {
    width: 3.0,
    penalty: 50.0,
    flagged: true,
};

fn word_box(chars: &str) -> Item {
    Item::Box {
        width: chars.chars().count() as f32 * 5.0,
    }
}

fn end_paragraph(items: &mut Vec<Item>) {
    items.push(Item::Glue {
        width: 0.0,
        stretch: INFINITY,
        shrink: 0.0,
    });
    items.push(Item::Penalty {
        width: 0.0,
        penalty: -INFINITY,
        flagged: false,
    });
}

/// Boxes of 5 pt per character, interword glue, the closing fill.
fn paragraph(text: &str, hyphenate: bool) -> Vec<Item> {
    let mut items = Vec::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            items.push(SPACE);
        }
        let syllables = HYPHENATED
            .iter()
            .find(|h| h.replace('-', "") == word)
            .filter(|_| hyphenate);
        match syllables {
            Some(h) => {
                for (j, s) in h.split('-').enumerate() {
                    if j > 0 {
                        items.push(HYPHEN);
                    }
                    items.push(word_box(s));
                }
            }
            None => items.push(word_box(word)),
        }
    }
    end_paragraph(&mut items);
    items
}

/// Natural width, stretch and shrink of each line, worked out directly
/// from the items (independently of the breaker's running sums).
fn lines(items: &[Item], breaks: &[Break]) -> Vec<(f32, f32, f32)> {
    let mut out = Vec::new();
    let mut start = 0;
    for br in breaks {
        let (mut w, mut y, mut z) = (0.0f32, 0.0f32, 0.0f32);
        let mut seen_box = start == 0;
        for item in &items[start.min(items.len())..br.index.min(items.len())] {
            match *item {
                Item::Box { width } => {
                    seen_box = true;
                    w += width;
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } if seen_box => {
                    w += width;
                    if stretch < INFINITY {
                        y += stretch;
                    }
                    z += shrink;
                }
                _ => {}
            }
        }
        if let Some(Item::Penalty { width, .. }) = items.get(br.index) {
            w += width;
        }
        out.push((w, y, z));
        start = br.index + 1;
    }
    out
}

/// Breaks increase and end the list; every line not reported overfull
/// fits its measure once its glue is set at the reported ratio, and
/// every reported overfull line really is.
fn assert_well_formed(items: &[Item], measure: &dyn Fn(usize) -> f32, result: &Breaking) {
    if items.is_empty() {
        assert!(result.breaks.is_empty());
        return;
    }
    let last = result
        .breaks
        .last()
        .expect("a non-empty paragraph has lines");
    assert_eq!(last.index, items.len() - 1, "last break ends the paragraph");
    assert!(result.breaks.windows(2).all(|w| w[0].index < w[1].index));
    assert!(!result.total_demerits.is_nan());
    for (n, ((w, y, z), br)) in lines(items, &result.breaks)
        .into_iter()
        .zip(&result.breaks)
        .enumerate()
    {
        assert!(br.ratio.is_finite() && br.ratio >= -1.0, "line {n}: {br:?}");
        let m = measure(n);
        if result.overfull.contains(&n) {
            assert!(w - z > m + 0.01, "line {n} reported overfull but fits");
            continue;
        }
        assert!(w - z <= m + 0.01, "line {n}: {w} - {z} > {m}");
        let set = if br.ratio >= 0.0 {
            w + br.ratio * y
        } else {
            w + br.ratio * z
        };
        assert!(set <= m + 0.01, "line {n} set at {set} > {m}");
    }
}

fn max_abs_ratio(b: &Breaking) -> f32 {
    b.breaks.iter().map(|b| b.ratio.abs()).fold(0.0, f32::max)
}

fn rms_ratio(b: &Breaking) -> f32 {
    let n = b.breaks.len().max(1) as f32;
    (b.breaks.iter().map(|b| b.ratio * b.ratio).sum::<f32>() / n).sqrt()
}

fn is_flagged(items: &[Item], br: &Break) -> bool {
    matches!(
        items.get(br.index),
        Some(Item::Penalty { flagged: true, .. })
    )
}

fn double_hyphens(items: &[Item], b: &Breaking) -> usize {
    b.breaks
        .windows(2)
        .filter(|w| is_flagged(items, &w[0]) && is_flagged(items, &w[1]))
        .count()
}

/// Words on each line (boxes not preceded by a hyphen penalty).
fn words_per_line(items: &[Item], b: &Breaking) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    for br in &b.breaks {
        let end = br.index.min(items.len());
        let words = (start..end)
            .filter(|&i| {
                matches!(items[i], Item::Box { .. })
                    && (i == start || !matches!(items[i - 1], Item::Penalty { .. }))
            })
            .count();
        out.push(words);
        start = br.index + 1;
    }
    out
}

/// The least possible largest |ratio| over every breaking without
/// overfull lines, by dynamic programming over pairs of breakpoints.
/// (A line with nothing to stretch counts as infinitely loose.)
fn minimax_ratio(items: &[Item], measure: &dyn Fn(usize) -> f32) -> f64 {
    let p = Paragraph::new(items, measure);
    let nb = p.breakpoints.len();
    // best[k]: least max |ratio| of lines ending at breakpoint k - 1
    // (best[0] is the paragraph start). Constant measure only.
    let mut best = vec![f64::INFINITY; nb + 1];
    best[0] = 0.0;
    for j in 0..nb {
        for i in 0..=j {
            if best[i].is_infinite() {
                continue;
            }
            let start = match i {
                0 => 0,
                _ => p.line_start(p.breakpoints[i - 1].index),
            };
            if let Some(f) = p.fit(start, &p.breakpoints[j], 0, None)
                && !f.overfull
            {
                best[j + 1] = best[j + 1].min(best[i].max(f.score.abs()));
            }
        }
    }
    best[nb]
}

#[test]
fn sample_total_fit_beats_first_fit() {
    let params = Params::default();
    let measure = |_| 200.0;
    let items = paragraph(SAMPLE, false);
    let tf = total_fit(&items, &measure, &params);
    let ff = first_fit(&items, &measure, &params);
    assert_well_formed(&items, &measure, &tf);
    assert_well_formed(&items, &measure, &ff);
    assert!(tf.overfull.is_empty() && ff.overfull.is_empty());
    println!(
        "sample @200: total-fit {} lines, demerits {:.0}, max|r| {:.2}, rms {:.2}; \
             first-fit {} lines, demerits {:.0}, max|r| {:.2}, rms {:.2}",
        tf.breaks.len(),
        tf.total_demerits,
        max_abs_ratio(&tf),
        rms_ratio(&tf),
        ff.breaks.len(),
        ff.total_demerits,
        max_abs_ratio(&ff),
        rms_ratio(&ff)
    );
    assert!(tf.total_demerits < ff.total_demerits);
    assert_eq!(
        tf.total_demerits,
        demerits(&items, &tf.breaks, &measure, &params)
    );
    assert_eq!(
        ff.total_demerits,
        demerits(&items, &ff.breaks, &measure, &params)
    );
    // Unhyphenated at 200 pt one line must stretch 4.59: no breaking at
    // all does better (proved by the minimax search), so the largest
    // ratio can only tie; the spread of ratios must still shrink.
    let floor = minimax_ratio(&items, &measure);
    assert!((f64::from(max_abs_ratio(&tf)) - floor).abs() < 1e-3);
    assert!(max_abs_ratio(&tf) <= max_abs_ratio(&ff));
    assert!(rms_ratio(&tf) < rms_ratio(&ff));
    // With hyphenation points the largest ratio drops strictly.
    let items = paragraph(SAMPLE, true);
    let tf = total_fit(&items, &measure, &params);
    let ff = first_fit(&items, &measure, &params);
    assert_well_formed(&items, &measure, &tf);
    assert_well_formed(&items, &measure, &ff);
    assert!(tf.total_demerits < ff.total_demerits);
    assert!(max_abs_ratio(&tf) < max_abs_ratio(&ff));
    println!(
        "hyphenated sample @200: total-fit demerits {:.0}, max|r| {:.2}; \
             first-fit demerits {:.0}, max|r| {:.2}",
        tf.total_demerits,
        max_abs_ratio(&tf),
        ff.total_demerits,
        max_abs_ratio(&ff)
    );
}

/// Exhaustive search over every breaking of a short paragraph: total-fit
/// must find the least demerits among breakings within tolerance,
/// including with a narrower first line and measures that change on
/// every line (which exercises keeping nodes per line number); and with
/// a prohibitive `flagged_demerits` it must avoid two hyphens in a row
/// whenever some breaking within tolerance does.
#[test]
fn total_fit_is_optimal_by_exhaustive_search() {
    let text = "Kazakhstan has an appalling human rights record. As Reporters Without";
    let items = paragraph(text, true);
    let measures: [&dyn Fn(usize) -> f32; 4] = [
        &|_| 130.0,
        &|n| if n == 0 { 100.0 } else { 160.0 },
        &|n| if n % 2 == 0 { 160.0 } else { 200.0 },
        &|n| 155.0 + 15.0 * n as f32,
    ];
    let (mut compared, mut hyphen_cases) = (0, 0);
    for measure in measures {
        for tolerance in [2.0, 3.0, 5.0] {
            for flagged_demerits in [3000.0, 1.0e9] {
                let params = Params {
                    tolerance,
                    flagged_demerits,
                    ..Params::default()
                };
                let para = Paragraph::new(&items, measure);
                let nb = para.breakpoints.len();
                assert!(nb <= 17, "keep the search small");
                let mut best = f32::INFINITY;
                let mut fewest_doubles = usize::MAX;
                for mask in 0u32..(1 << (nb - 1)) {
                    let mut chosen: Vec<usize> =
                        (0..nb - 1).filter(|&b| mask & (1 << b) != 0).collect();
                    chosen.push(nb - 1);
                    let b = para.describe(&chosen, &params);
                    if b.overfull.is_empty() && b.underfull.is_empty() {
                        best = best.min(b.total_demerits);
                        fewest_doubles = fewest_doubles.min(double_hyphens(&items, &b));
                    }
                }
                let tf = total_fit(&items, measure, &params);
                assert_well_formed(&items, measure, &tf);
                if best.is_finite() {
                    compared += 1;
                    assert!(tf.underfull.is_empty() && tf.overfull.is_empty());
                    let gap = (tf.total_demerits - best).abs() / best.max(1.0);
                    assert!(gap < 1e-5, "total-fit {} vs best {best}", tf.total_demerits);
                    if flagged_demerits > 1.0e8 {
                        assert_eq!(double_hyphens(&items, &tf), fewest_doubles);
                        hyphen_cases +=
                            usize::from(tf.breaks.iter().any(|b| is_flagged(&items, b)));
                    }
                }
            }
        }
    }
    println!("exhaustive: {compared} of 24 cases feasible, {hyphen_cases} hyphenated");
    assert!(
        compared >= 18,
        "only {compared} cases had a feasible breaking"
    );
    assert!(hyphen_cases > 0, "no case used a hyphen");
}

/// Least demerits over every breaking within tolerance, by trying them
/// all, with the fewest double hyphens among those breakings.
fn exhaustive_best(
    items: &[Item],
    measure: &dyn Fn(usize) -> f32,
    params: &Params,
) -> Option<(f32, usize)> {
    let para = Paragraph::new(items, measure);
    let nb = para.breakpoints.len();
    let mut best: Option<(f32, usize)> = None;
    for mask in 0u32..(1 << (nb - 1)) {
        let mut chosen: Vec<usize> = (0..nb - 1).filter(|&b| mask & (1 << b) != 0).collect();
        chosen.push(nb - 1);
        let b = para.describe(&chosen, params);
        if b.overfull.is_empty() && b.underfull.is_empty() {
            let doubles = double_hyphens(items, &b);
            best = Some(match best {
                Some((d, h)) => (d.min(b.total_demerits), h.min(doubles)),
                None => (b.total_demerits, doubles),
            });
        }
    }
    best
}

/// Least demerits within tolerance by a plain dynamic programme over
/// every state (breakpoint, line number, fitness of the line ending
/// there) and every next breakpoint: no active list, no pruning, no
/// merging of line numbers. Slow, and a second opinion.
fn plain_dp_best(items: &[Item], measure: &dyn Fn(usize) -> f32, params: &Params) -> Option<f32> {
    use std::collections::HashMap;
    let para = Paragraph::new(items, measure);
    let nb = para.breakpoints.len();
    let tolerance = f64::from(params.tolerance);
    // (breakpoint + 1 or 0 for the start, lines so far, fitness) -> demerits
    let mut states: HashMap<(usize, usize, u8), f64> = HashMap::new();
    states.insert((0, 0, Fitness::Decent as u8), 0.0);
    let fitness = |f: u8| {
        [
            Fitness::VeryLoose,
            Fitness::Loose,
            Fitness::Decent,
            Fitness::Tight,
        ][f as usize]
    };
    for i in 0..nb {
        let here: Vec<((usize, usize, u8), f64)> = states
            .iter()
            .filter(|((k, _, _), _)| *k == i)
            .map(|(k, v)| (*k, *v))
            .collect();
        for ((_, line, fit_prev), total) in here {
            let (start, flagged) = match i {
                0 => (0, false),
                _ => {
                    let bp = &para.breakpoints[i - 1];
                    (para.line_start(bp.index), bp.flagged)
                }
            };
            for j in i..nb {
                let bp = &para.breakpoints[j];
                if let Some(fit) = para.fit(start, bp, line, params.ragged.map(f64::from))
                    && !fit.overfull
                    && fit.score <= tolerance
                {
                    let d = para.line_demerits(&fit, bp, line, flagged, fitness(fit_prev), params);
                    let key = (j + 1, line + 1, Fitness::of(fit.score) as u8);
                    let v = states.entry(key).or_insert(f64::INFINITY);
                    *v = v.min(total + d);
                }
                if bp.forced {
                    break; // no line runs past a forced break
                }
            }
        }
    }
    states
        .iter()
        .filter(|((k, _, _), _)| *k == nb)
        .map(|(_, v)| *v as f32)
        .min_by(f32::total_cmp)
}

/// The longest run of lines in a row that end at a hyphen.
fn longest_hyphen_run(items: &[Item], b: &Breaking) -> usize {
    let (mut run, mut longest) = (0, 0);
    for br in &b.breaks {
        run = if is_flagged(items, br) { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Random paragraphs full of hyphenation points, in narrow measures:
/// never three hyphens in a row, and among the breakings that keep to
/// that, the least demerits (checked by trying them all).
#[test]
fn never_more_than_two_hyphens_in_a_row_and_the_best_breaking_that_keeps_to_it() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut compared, mut limited) = (0, 0);
    for case in 0..300 {
        let mut items = Vec::new();
        let mut breakpoints = 0;
        while breakpoints < 13 {
            if !items.is_empty() {
                items.push(match rng.below(2) {
                    0 => Item::Penalty {
                        width: 3.0,
                        penalty: 0.0,
                        flagged: true,
                    },
                    _ => Item::Glue {
                        width: 3.0,
                        stretch: 1.5,
                        shrink: 1.0,
                    },
                });
                breakpoints += 1;
            }
            items.push(Item::Box {
                width: 8.0 + rng.float(14.0),
            });
        }
        end_paragraph(&mut items);
        let width = 30.0 + rng.float(30.0);
        let measure = move |_: usize| width;
        // No double-hyphen demerits: the limit alone keeps runs short.
        let params = Params {
            tolerance: 100.0,
            flagged_demerits: 0.0,
            final_hyphen_demerits: 0.0,
            ..Params::default()
        };
        let unlimited = Params {
            max_flagged_in_a_row: 0,
            ..params
        };
        let tf = total_fit(&items, &measure, &params);
        if !(tf.underfull.is_empty() && tf.overfull.is_empty()) {
            continue;
        }
        assert!(longest_hyphen_run(&items, &tf) <= 2, "case {case}");
        limited +=
            usize::from(longest_hyphen_run(&items, &total_fit(&items, &measure, &unlimited)) > 2);
        // Every breaking within tolerance with at most two in a row.
        let para = Paragraph::new(&items, &measure);
        let nb = para.breakpoints.len();
        let mut best: Option<f32> = None;
        for mask in 0u32..(1 << (nb - 1)) {
            let mut chosen: Vec<usize> = (0..nb - 1).filter(|&b| mask & (1 << b) != 0).collect();
            chosen.push(nb - 1);
            let b = para.describe(&chosen, &params);
            if b.overfull.is_empty()
                && b.underfull.is_empty()
                && longest_hyphen_run(&items, &b) <= 2
            {
                best = Some(best.map_or(b.total_demerits, |d| d.min(b.total_demerits)));
            }
        }
        let best = best.expect("total fit found one");
        let gap = (tf.total_demerits - best).abs() / best.abs().max(1.0);
        assert!(gap < 1e-5, "case {case}: {} vs {best}", tf.total_demerits);
        compared += 1;
    }
    assert!(compared >= 20, "{compared} cases compared");
    assert!(limited > 0, "no case would have had three hyphens in a row");
}

/// Random paragraphs with measures that differ wildly for the first
/// lines, checked against exhaustive search (short ones) and the plain
/// programme (longer ones, some with forced breaks): catches a search
/// that merges nodes it must keep apart, by fitness class or by line
/// number.
#[test]
fn total_fit_matches_slow_searches_on_random_paragraphs() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut exhaustive, mut planned) = (0, 0);
    for case in 0..700 {
        let short = case < 100;
        let mut items = Vec::new();
        let mut breakpoints = 0;
        while breakpoints < if short { 12 } else { 45 } {
            if !items.is_empty() {
                let item = match rng.below(12) {
                    0..=2 => Item::Penalty {
                        width: 3.0,
                        penalty: 50.0,
                        flagged: true,
                    },
                    3 if !short => Item::Penalty {
                        width: 0.0,
                        penalty: -INFINITY,
                        flagged: false,
                    },
                    _ => Item::Glue {
                        width: 3.0 + rng.float(2.0),
                        stretch: 1.0 + rng.float(3.0),
                        shrink: 0.5 + rng.float(1.5),
                    },
                };
                items.push(item);
                breakpoints += 1;
            }
            items.push(Item::Box {
                width: 5.0 + rng.float(25.0),
            });
        }
        end_paragraph(&mut items);
        let widths: Vec<f32> = (0..5).map(|_| 35.0 + rng.float(90.0)).collect();
        let settle = rng.below(6) as usize;
        let measure = move |n: usize| widths[n.min(settle) % widths.len()];
        let params = Params {
            tolerance: 2.0 + rng.float(6.0),
            flagged_demerits: if rng.below(2) == 0 { 3000.0 } else { 1.0e9 },
            fitness_demerits: rng.float(1.0e6),
            line_penalty: rng.float(1000.0),
            // The slow searches know no limit on hyphens in a row
            // (tested on its own below).
            max_flagged_in_a_row: 0,
            ..Params::default()
        };
        let tf = total_fit(&items, &measure, &params);
        assert_well_formed(&items, &measure, &tf);
        let within = tf.underfull.is_empty() && tf.overfull.is_empty();
        let best = plain_dp_best(&items, &measure, &params);
        assert_eq!(within, best.is_some(), "case {case}");
        if let Some(best) = best {
            planned += 1;
            let gap = (tf.total_demerits - best).abs() / best.abs().max(1.0);
            assert!(gap < 1e-5, "case {case}: {} vs {best}", tf.total_demerits);
        }
        if short && let Some((best, fewest_doubles)) = exhaustive_best(&items, &measure, &params) {
            exhaustive += 1;
            assert!(within, "case {case}");
            let gap = (tf.total_demerits - best).abs() / best.abs().max(1.0);
            assert!(gap < 1e-5, "case {case}: {} vs {best}", tf.total_demerits);
            if params.flagged_demerits > 1.0e8 {
                assert_eq!(double_hyphens(&items, &tf), fewest_doubles, "case {case}");
            }
        }
    }
    println!(
        "random paragraphs within tolerance: {exhaustive} of 100 short, {planned} of 700 in all"
    );
    assert!(exhaustive >= 30 && planned >= 120, "{exhaustive} {planned}");
}

#[test]
fn hyphen_used_to_avoid_very_loose_lines() {
    let params = Params::default();
    let measure = |_| 200.0;
    let plain = total_fit(&paragraph(SAMPLE, false), &measure, &params);
    let items = paragraph(SAMPLE, true);
    let hyphenated = total_fit(&items, &measure, &params);
    assert_well_formed(&items, &measure, &hyphenated);
    let very_loose = |b: &Breaking| b.breaks.iter().filter(|b| b.ratio > 1.0).count();
    assert!(
        very_loose(&plain) > 0,
        "setup: without hyphens a line is very loose"
    );
    assert!(very_loose(&hyphenated) < very_loose(&plain));
    assert!(hyphenated.breaks.iter().any(|b| is_flagged(&items, b)));
    assert!(hyphenated.underfull.is_empty());
    // A hyphen costs only penalty² = 2500 demerits, so where none is
    // needed it is not used: a wide measure sets the text unhyphenated.
    let wide = |_| 300.0;
    let roomy = total_fit(&items, &wide, &params);
    assert!(roomy.breaks.iter().all(|b| !is_flagged(&items, b)));
}

#[test]
fn no_consecutive_hyphens_when_avoidable() {
    let items = paragraph(SAMPLE, true);
    let weights = [0.0, 3000.0, 1.0e9];
    let (mut fixed_by_default, mut fixed_by_prohibition) = (0, 0);
    for m in 150..=420 {
        let measure = move |_| m as f32;
        let results: Vec<Breaking> = weights
            .iter()
            .map(|&flagged_demerits| {
                let params = Params {
                    flagged_demerits,
                    ..Params::default()
                };
                total_fit(&items, &measure, &params)
            })
            .collect();
        if results.iter().any(|r| !r.underfull.is_empty()) {
            continue; // not all from the first pass: not comparable
        }
        // Raising the price of a double hyphen can never raise the
        // number of double hyphens in an optimal breaking.
        let doubles: Vec<usize> = results.iter().map(|r| double_hyphens(&items, r)).collect();
        assert!(
            doubles[0] >= doubles[1] && doubles[1] >= doubles[2],
            "measure {m}: {doubles:?}"
        );
        fixed_by_default += usize::from(doubles[0] > 0 && doubles[1] == 0);
        fixed_by_prohibition += usize::from(doubles[1] > 0 && doubles[2] == 0);
    }
    println!(
        "double hyphens removed: by the default 3000 at {fixed_by_default} measures, \
             by 1e9 at {fixed_by_prohibition} more"
    );
    assert!(
        fixed_by_default > 0,
        "the default 3000 demerits never mattered"
    );
    assert!(fixed_by_prohibition > 0);
}

#[test]
fn forced_breaks_are_honoured() {
    let params = Params::default();
    let measure = |_| 200.0;
    let forced = Item::Penalty {
        width: 0.0,
        penalty: -INFINITY,
        flagged: false,
    };
    // "Demands:" / a short line / the rest, with bare forced penalties.
    let mut items = vec![word_box("Demands:"), forced, word_box("Free")];
    for w in ["all", "political", "prisoners."] {
        items.push(SPACE);
        items.push(word_box(w));
    }
    let second = items.len();
    items.push(forced);
    items.push(forced); // a blank line
    items.extend(paragraph(SAMPLE, true));
    let tf = total_fit(&items, &measure, &params);
    let ff = first_fit(&items, &measure, &params);
    for result in [&tf, &ff] {
        assert_well_formed(&items, &measure, result);
        let at: Vec<usize> = result.breaks.iter().map(|b| b.index).collect();
        assert_eq!(&at[..3], &[1, second, second + 1]);
        // Lines before a hard break are not stretched.
        assert!(result.breaks[..3].iter().all(|b| b.ratio == 0.0));
        assert!(result.overfull.is_empty());
    }
    // The text after the hard breaks is set as well as on its own.
    assert!(tf.underfull.is_empty());
    let alone = total_fit(&paragraph(SAMPLE, true), &measure, &params);
    let offset = second + 2;
    let after: Vec<usize> = tf.breaks[3..].iter().map(|b| b.index - offset).collect();
    let alone: Vec<usize> = alone.breaks.iter().map(|b| b.index).collect();
    assert_eq!(after, alone);
    // Every space a forced break: one word per line, nothing else.
    let mut all_forced = Vec::new();
    for (i, w) in ["Free", "them", "all"].iter().enumerate() {
        if i > 0 {
            all_forced.push(forced);
        }
        all_forced.push(word_box(w));
    }
    all_forced.push(forced);
    let result = total_fit(&all_forced, &measure, &params);
    assert_well_formed(&all_forced, &measure, &result);
    let at: Vec<usize> = result.breaks.iter().map(|b| b.index).collect();
    assert_eq!(at, vec![1, 3, 5]);
}

#[test]
fn word_wider_than_measure_is_one_overfull_line() {
    let params = Params::default();
    let measure = |_| 100.0;
    let text = "Free them all Supercalifragilisticexpialidocious now or never";
    let items = paragraph(text, false);
    for result in [
        total_fit(&items, &measure, &params),
        first_fit(&items, &measure, &params),
    ] {
        assert_well_formed(&items, &measure, &result);
        assert_eq!(result.overfull.len(), 1, "{result:?}");
        let line = result.overfull[0];
        assert_eq!(words_per_line(&items, &result)[line], 1);
    }
    // Narrower than a single word everywhere: every line overfull, no panic.
    let tiny = |_| 1.0;
    let result = total_fit(&items, &tiny, &params);
    assert_well_formed(&items, &tiny, &result);
    assert_eq!(result.overfull.len(), result.breaks.len() - 1);
}

#[test]
fn ragged_right_is_evener_than_first_fit() {
    let params = Params {
        ragged: Some(30.0),
        ..Params::default()
    };
    let measure = |_| 200.0;
    let items = paragraph(SAMPLE, false);
    let tf = total_fit(&items, &measure, &params);
    let ff = first_fit(&items, &measure, &params);
    assert_well_formed(&items, &measure, &tf);
    assert_well_formed(&items, &measure, &ff);
    assert!(
        tf.breaks.iter().all(|b| b.ratio <= 0.0),
        "ragged lines stretched"
    );
    // Variance of the right margin, last line excluded (it is meant to
    // be short).
    let variance = |b: &Breaking| {
        let short: Vec<f32> = lines(&items, &b.breaks)
            .iter()
            .zip(&b.breaks)
            .map(|(&(w, _, z), br)| 200.0 - (w + br.ratio.min(0.0) * z))
            .collect();
        let body = &short[..short.len() - 1];
        let mean = body.iter().sum::<f32>() / body.len() as f32;
        body.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / body.len() as f32
    };
    println!(
        "ragged @200: shortfall variance total-fit {:.1}, first-fit {:.1}",
        variance(&tf),
        variance(&ff)
    );
    assert!(variance(&tf) < variance(&ff));
    assert!(tf.total_demerits < ff.total_demerits);
}

#[test]
fn narrower_first_line_is_respected() {
    let params = Params::default();
    let items = paragraph(SAMPLE, true);
    let indented = |n: usize| if n == 0 { 150.0 } else { 250.0 };
    let even = |_| 250.0;
    let tf = total_fit(&items, &indented, &params);
    assert_well_formed(&items, &indented, &tf);
    assert!(tf.overfull.is_empty());
    let (w, y, z) = lines(&items, &tf.breaks)[0];
    let r = tf.breaks[0].ratio;
    let set = if r >= 0.0 { w + r * y } else { w + r * z };
    assert!((set - 150.0).abs() < 0.01, "first line set to {set}");
    let flat = total_fit(&items, &even, &params);
    assert!(tf.breaks[0].index < flat.breaks[0].index);
    // first-fit too.
    let ff = first_fit(&items, &indented, &params);
    assert_well_formed(&items, &indented, &ff);
}

#[test]
fn one_word_last_line_avoided() {
    let items = paragraph(SAMPLE, true);
    let indifferent = Params {
        last_line_min: 0.0,
        final_hyphen_demerits: 0.0,
        ..Params::default()
    };
    let insistent = Params {
        short_last_line_demerits: 1.0e9,
        ..Params::default()
    };
    let last_words = |b: &Breaking| words_per_line(&items, b).last().copied();
    let (mut short_without, mut avoided) = (0, 0);
    for m in (150..=300).step_by(5) {
        let measure = move |_| m as f32;
        let off = total_fit(&items, &measure, &indifferent);
        let on = total_fit(&items, &measure, &Params::default());
        let alternative = total_fit(&items, &measure, &insistent);
        assert_well_formed(&items, &measure, &on);
        if [&off, &on, &alternative]
            .iter()
            .any(|r| !r.underfull.is_empty())
            || last_words(&off) != Some(1)
        {
            continue;
        }
        short_without += 1;
        // The best breaking whose last line is not short, if it exists,
        // against the cost of keeping the short one.
        let cost = alternative.total_demerits - off.total_demerits;
        let escapes = last_words(&alternative) != Some(1);
        if escapes && cost <= 0.2 * Params::default().short_last_line_demerits {
            assert_ne!(
                last_words(&on),
                Some(1),
                "measure {m}: cheap way out not taken"
            );
        }
        if last_words(&on) != Some(1) {
            avoided += 1;
        }
    }
    println!(
        "one-word last lines within tolerance: {short_without} without the rule, {avoided} avoided"
    );
    assert!(
        short_without > 0,
        "setup: some measure gives a one-word last line"
    );
    assert!(avoided > 0);
    // The hand-checked case: at 260 pt the paragraph otherwise ends
    // with the fragment "led.".
    let measure = |_| 260.0;
    assert_eq!(
        last_words(&total_fit(&items, &measure, &indifferent)),
        Some(1)
    );
    assert!(last_words(&total_fit(&items, &measure, &Params::default())) > Some(1));
}

/// A justified line "aaaa bbbb cccc" ended at a chosen break, then one
/// more word: the first line's reported ratio at `measure`, or `None`
/// if it cannot be set so (too long even shrunk).
fn first_line_ratio(measure: f32, letter_room: f32) -> Option<f32> {
    let mut items = vec![
        word_box("aaaa"),
        SPACE,
        word_box("bbbb"),
        SPACE,
        word_box("cccc"),
        Item::Penalty {
            width: 0.0,
            penalty: -9999.0,
            flagged: false,
        },
        word_box("dddddddd"),
    ];
    end_paragraph(&mut items);
    let params = Params {
        letter_room,
        ..Params::default()
    };
    let result = total_fit(&items, &|_| measure, &params);
    (result.breaks[0].index == 5 && result.overfull.is_empty()).then_some(result.breaks[0].ratio)
}

#[test]
fn the_letters_follow_the_glue_to_their_limit_and_the_glue_takes_the_rest() {
    // 60 pt of letters, two spaces of 3.33 pt (stretch 3.34, shrink
    // 2.22 in all); 4 % of the letters is 2.4 pt.
    let natural = 60.0 + 2.0 * 3.33;
    let close = |a: Option<f32>, b: f32| a.is_some_and(|a| (a - b).abs() < 1e-4);
    // Within the letters' limit, letters and glue share the shortfall.
    let r = first_line_ratio(natural + 3.0, 0.04);
    assert!(close(r, 3.0 / (3.34 + 2.4)), "{r:?}");
    // Beyond it the letters give their 2.4 pt and the glue the rest,
    // so the ratio says how far the spaces stretch.
    let r = first_line_ratio(natural + 7.0, 0.04);
    assert!(close(r, (7.0 - 2.4) / 3.34), "{r:?}");
    let r = first_line_ratio(natural + 5.0, 0.0);
    assert!(close(r, 5.0 / 3.34), "{r:?}");
    // Shrinking, likewise; past both, the line cannot be set.
    let r = first_line_ratio(natural - 3.0, 0.04);
    assert!(close(r, -3.0 / (2.22 + 2.4)), "{r:?}");
    assert_eq!(first_line_ratio(natural - 3.0, 0.0), None);
    assert_eq!(first_line_ratio(natural - 4.7, 0.04), None);
}

#[test]
fn the_letters_room_keeps_paragraphs_within_tolerance_and_the_ratio_true() {
    let items = paragraph(SAMPLE, true);
    let with = Params {
        letter_room: 0.04,
        ..Params::default()
    };
    let boxes = |from: usize, to: usize| -> f32 {
        let hyphen = match items.get(to) {
            Some(Item::Penalty { width, .. }) => width.max(0.0),
            _ => 0.0,
        };
        (items[from..to.min(items.len())].iter())
            .map(|i| match i {
                Item::Box { width } => *width,
                _ => 0.0,
            })
            .sum::<f32>()
            + hyphen
    };
    let (mut rescued, mut underfull, mut before) = (0, 0, 0);
    for measure in (100..=300).step_by(4) {
        let measure = measure as f32;
        let m = |_| measure;
        let without = total_fit(&items, &m, &Params::default());
        let result = total_fit(&items, &m, &with);
        assert!(result.overfull.is_empty(), "{measure}");
        rescued += usize::from(!without.underfull.is_empty() && result.underfull.is_empty());
        underfull += usize::from(!result.underfull.is_empty());
        before += usize::from(!without.underfull.is_empty());
        // Each line's ratio is its glue's, the letters at their share.
        let mut from = 0;
        let widths = lines(&items, &result.breaks);
        for (n, (br, (w, y, z))) in result.breaks.iter().zip(widths).enumerate() {
            let letters = 0.04 * boxes(from, br.index);
            from = br.index;
            if n + 1 == result.breaks.len() || y == 0.0 {
                continue;
            }
            let gap = measure - w;
            let expected = if gap >= 0.0 && gap <= y + letters {
                gap / (y + letters)
            } else if gap > 0.0 {
                (gap - letters) / y
            } else {
                gap / (z + letters)
            };
            assert!(
                (br.ratio - expected).abs() < 1e-3 && br.ratio >= -1.0,
                "{measure} line {n}: {br:?}, not {expected}"
            );
            if !result.underfull.contains(&n) {
                assert!(br.ratio <= with.tolerance + 1e-4);
            }
        }
    }
    assert!(
        rescued > 0,
        "the letters' room never spared an underfull line"
    );
    println!("underfull at {underfull} measures, {before} without the letters' room");
    assert!(underfull < before);
    // Ragged setting has no letters' room.
    let ragged = Params {
        ragged: Some(30.0),
        ..Params::default()
    };
    let letters = Params {
        letter_room: 0.04,
        ..ragged
    };
    assert_eq!(
        total_fit(&items, &|_| 200.0, &ragged),
        total_fit(&items, &|_| 200.0, &letters)
    );
}

#[test]
fn emergency_pass_before_underfull_lines() {
    // Unhyphenated at 200 pt no breaking stays within tolerance 2.
    let items = paragraph(SAMPLE, false);
    let measure = |_| 200.0;
    let params = Params::default();
    let result = total_fit(&items, &measure, &params);
    assert_well_formed(&items, &measure, &result);
    assert!(result.overfull.is_empty());
    assert!(
        !result.underfull.is_empty(),
        "setup: tolerance cannot be met"
    );
    // Every line passes the emergency test, so the second pass chose it.
    for (n, (w, y, _)) in lines(&items, &result.breaks).into_iter().enumerate() {
        let last = n + 1 == result.breaks.len();
        let room = params.tolerance * (y + params.emergency_stretch);
        assert!(last || 200.0 - w <= room + 0.01, "line {n}");
    }
    for n in &result.underfull {
        assert!(result.breaks[*n].ratio > params.tolerance);
    }
    // Without emergency stretch the last-resort pass still avoids overfull lines.
    let none = Params {
        emergency_stretch: 0.0,
        ..params
    };
    let result = total_fit(&items, &measure, &none);
    assert_well_formed(&items, &measure, &result);
    assert!(result.overfull.is_empty());
}

#[test]
fn degenerate_inputs() {
    let params = Params::default();
    let measure = |_| 100.0;
    assert_eq!(total_fit(&[], &measure, &params), Breaking::default());
    assert_eq!(first_fit(&[], &measure, &params), Breaking::default());
    assert_eq!(demerits(&[], &[], &measure, &params), 0.0);

    let mut only_end = Vec::new();
    end_paragraph(&mut only_end);
    let r = total_fit(&only_end, &measure, &params);
    assert_well_formed(&only_end, &measure, &r);
    assert_eq!(r.breaks.len(), 1);

    // Zero widths everywhere.
    let mut zeros = Vec::new();
    for _ in 0..10 {
        zeros.push(Item::Box { width: 0.0 });
        zeros.push(Item::Glue {
            width: 0.0,
            stretch: 0.0,
            shrink: 0.0,
        });
    }
    end_paragraph(&mut zeros);
    for r in [
        total_fit(&zeros, &measure, &params),
        first_fit(&zeros, &measure, &params),
    ] {
        assert_well_formed(&zeros, &measure, &r);
    }

    // No closing break: the end is implied, one past the last item.
    let open = vec![word_box("Strike"), SPACE, word_box("now")];
    let r = total_fit(&open, &measure, &params);
    assert_eq!(r.breaks.last().map(|b| b.index), Some(open.len()));
    assert_eq!(r.breaks.len(), 1);
    assert_eq!(
        demerits(&open, &r.breaks, &measure, &params),
        r.total_demerits
    );
    let r = first_fit(&open, &measure, &params);
    assert_eq!(r.breaks.last().map(|b| b.index), Some(open.len()));

    // Non-finite numbers.
    let nan = f32::NAN;
    let mut odd = vec![
        Item::Box { width: nan },
        Item::Glue {
            width: f32::INFINITY,
            stretch: nan,
            shrink: f32::NEG_INFINITY,
        },
        Item::Box { width: 20.0 },
        Item::Penalty {
            width: nan,
            penalty: nan,
            flagged: true,
        },
        Item::Box { width: 20.0 },
        Item::Penalty {
            width: 0.0,
            penalty: f32::INFINITY,
            flagged: false,
        },
    ];
    end_paragraph(&mut odd);
    for m in [f32::NAN, f32::INFINITY, -5.0, 0.0, 30.0] {
        let measure = move |_| m;
        for r in [
            total_fit(&odd, &measure, &params),
            first_fit(&odd, &measure, &params),
        ] {
            assert!(!r.total_demerits.is_nan());
            assert!(r.breaks.iter().all(|b| b.ratio.is_finite()));
            assert_eq!(r.breaks.last().map(|b| b.index), Some(odd.len() - 1));
        }
    }

    // Breaks that are not a breaking.
    let items = paragraph("Strike now", false);
    let bogus = [Break {
        index: 0,
        ratio: 0.0,
    }];
    assert_eq!(demerits(&items, &bogus, &measure, &params), f32::INFINITY);
    assert_eq!(demerits(&items, &[], &measure, &params), f32::INFINITY);
}

/// A small xorshift generator: reproducible, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn float(&mut self, max: f32) -> f32 {
        (self.below(10_000) as f32 / 10_000.0) * max
    }
}

#[test]
fn fuzz_random_paragraphs() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..600 {
        let mut items = Vec::new();
        for _ in 0..rng.below(120) {
            let item = match rng.below(10) {
                0..=3 => Item::Box {
                    width: rng.float(60.0),
                },
                4..=6 => Item::Glue {
                    width: rng.float(6.0),
                    stretch: rng.float(4.0),
                    shrink: rng.float(2.0),
                },
                7 => Item::Penalty {
                    width: rng.float(4.0),
                    penalty: rng.float(200.0) - 100.0,
                    flagged: rng.below(2) == 0,
                },
                8 => Item::Penalty {
                    width: 0.0,
                    penalty: if rng.below(2) == 0 {
                        INFINITY
                    } else {
                        -INFINITY
                    },
                    flagged: false,
                },
                _ => Item::Box { width: 0.0 },
            };
            items.push(item);
        }
        end_paragraph(&mut items);
        let base = 20.0 + rng.float(200.0);
        let step = rng.float(40.0) - 20.0;
        let measure = move |n: usize| (base + step * (n % 3) as f32).max(0.0);
        let params = Params {
            tolerance: 0.5 + rng.float(3.0),
            emergency_stretch: rng.float(20.0),
            ragged: (rng.below(4) == 0).then(|| rng.float(40.0)),
            ..Params::default()
        };
        let tf = total_fit(&items, &measure, &params);
        let ff = first_fit(&items, &measure, &params);
        assert_well_formed(&items, &measure, &tf);
        assert_well_formed(&items, &measure, &ff);
        assert_eq!(
            tf.total_demerits,
            demerits(&items, &tf.breaks, &measure, &params),
            "case {case}"
        );
        // When greedy happens to stay within tolerance it is one of the
        // breakings the first pass considered, so it cannot win.
        if ff.underfull.is_empty() && ff.overfull.is_empty() {
            assert!(
                tf.total_demerits <= ff.total_demerits * (1.0 + 1e-5) + 1e-3,
                "case {case}: {} > {}",
                tf.total_demerits,
                ff.total_demerits
            );
        }
    }
}

#[test]
fn skipping_nodes_too_loose_or_too_costly_changes_no_breaking() {
    // Paragraphs of short words (where most of the active list is too
    // loose, or costs more than a breaking already known), long words and
    // hyphens, some with boxes narrower than nothing or rewards for
    // breaking (where nothing may be skipped), at measures that change
    // over the first lines, with and without the letters' room and
    // emergency stretch, tolerances below 1 among them: the breakings are
    // those of keeping and scoring every node.
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut compared_lines = 0;
    for case in 0..40_000 {
        let negative = rng.below(4) == 0;
        let longest = [3.0, 12.0, 60.0][rng.below(3) as usize];
        let mut items = Vec::new();
        for _ in 0..rng.below(if case % 10 == 0 { 400 } else { 40 }) {
            let item = match rng.below(10) {
                0..=3 => Item::Box {
                    width: rng.float(longest) - if negative { longest / 2.0 } else { 0.0 },
                },
                // Now and then as wide as a word, or shrinking past nothing.
                4..=6 => {
                    let (wide, past) = (rng.below(5) == 0, rng.below(20) == 0);
                    Item::Glue {
                        width: rng.float(if wide { longest } else { 4.0 }),
                        stretch: rng.float(3.0),
                        shrink: rng.float(if past { 8.0 } else { 1.5 }),
                    }
                }
                // Hyphens, and now and then a reward for breaking.
                7 => Item::Penalty {
                    width: rng.float(4.0),
                    penalty: if rng.below(3) == 0 {
                        rng.float(200.0) - 100.0
                    } else {
                        50.0
                    },
                    flagged: rng.below(4) != 0,
                },
                8 if rng.below(8) == 0 => Item::Penalty {
                    width: 0.0,
                    penalty: -INFINITY,
                    flagged: false,
                },
                _ => Item::Box { width: 0.0 },
            };
            items.push(item);
        }
        end_paragraph(&mut items);
        let base = 10.0 + rng.float(3.0 * longest + 40.0);
        let first = rng.float(40.0) - 20.0;
        let lines_changed = rng.below(4) as usize;
        let measure = move |n: usize| {
            if n < lines_changed {
                base + first
            } else {
                base
            }
        };
        let params = Params {
            tolerance: rng.float(4.0),
            emergency_stretch: if rng.below(2) == 0 {
                0.0
            } else {
                rng.float(20.0)
            },
            ragged: (rng.below(4) == 0).then(|| rng.float(40.0)),
            letter_room: if rng.below(2) == 0 {
                0.0
            } else {
                rng.float(0.5)
            },
            ..Params::default()
        };
        let skipping = total_fit(&items, &measure, &params);
        let scoring_all = super::total_fit_scoring_every_node(&items, &measure, &params);
        assert_eq!(skipping, scoring_all, "case {case}: {params:?}");
        compared_lines += skipping.breaks.len();
    }
    assert!(compared_lines > 100_000, "{compared_lines} lines compared");
}

/// The three ways a later line may fit where an earlier start's line to
/// the same break is too loose, each made by hand: the later line is
/// wider (a box narrower than nothing before its start), its measure is
/// another (fewer lines before it, where the measures change), or the
/// tolerance is under 1 with emergency stretch and the letters' room. The
/// later line is on the best path each time, so skipping it would change
/// the breaking.
#[test]
fn a_later_line_that_fits_where_an_earlier_one_is_too_loose_is_scored() {
    let glue = |stretch| Item::Glue {
        width: 0.0,
        stretch,
        shrink: 0.0,
    };
    let boxed = |width| Item::Box { width };
    let indices = |b: &Breaking| b.breaks.iter().map(|b| b.index).collect::<Vec<_>>();
    let check = |items: &mut Vec<Item>, measure: &dyn Fn(usize) -> f32, params, want: &[usize]| {
        end_paragraph(items);
        let skipping = total_fit(items, measure, &params);
        assert_eq!(
            skipping,
            super::total_fit_scoring_every_node(items, measure, &params)
        );
        assert_eq!(indices(&skipping), want);
    };
    // A box of -50 pt after the break at 3: the line from 6 to 9 fits
    // (ratio 1), the one from 4 is too loose (3).
    let mut wider = vec![
        boxed(50.0),
        glue(10.0),
        boxed(50.0),
        glue(40.0),
        boxed(-50.0),
        glue(10.0),
        boxed(60.0),
        glue(10.0),
        boxed(30.0),
        glue(10.0),
        boxed(15.0),
        glue(10.0),
        boxed(80.0),
    ];
    let params = Params {
        emergency_stretch: 0.0,
        ..Params::default()
    };
    check(&mut wider, &|_| 100.0, params, &[5, 9, 14]);
    // Measures 150, 20, then 100: the line after the break at 7 reached
    // in two lines is too loose at 100 (ratio 2.6); the break at 19,
    // reached in one, takes its next line at 20 and fits.
    let mut measures = Vec::new();
    for width in [
        20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 1.0, 1.0, 1.0, 20.0, 20.0,
    ] {
        measures.extend([boxed(width), glue(10.0)]);
    }
    measures.pop();
    let measure = |line: usize| [150.0, 20.0].get(line).copied().unwrap_or(100.0);
    check(&mut measures, &measure, Params::default(), &[19, 21, 24]);
    // Tolerance 0.5, emergency stretch 10, letters' room 2 %: the line
    // from 4 to 9 lacks 11.5 of its 12 points of room; the line from 6,
    // past its letters' limit, lacks 3.5 of 1 (3.5 ≤ 0.5 × (1 + 10)).
    let mut emergency = vec![
        boxed(513.5),
        glue(1.0),
        boxed(0.0),
        Item::Glue {
            width: 2.0,
            stretch: 1.0,
            shrink: 0.0,
        },
        boxed(250.0),
        glue(1.0),
        boxed(250.0),
        glue(1.0),
        boxed(513.5),
    ];
    let params = Params {
        tolerance: 0.5,
        emergency_stretch: 10.0,
        letter_room: 0.02,
        ..Params::default()
    };
    check(&mut emergency, &|_| 513.5, params, &[3, 7, 10]);
}

/// Reports speed only; run with `cargo test --release -- --nocapture`.
#[test]
fn time_two_thousand_words() {
    let words: Vec<&str> = SAMPLE.split_whitespace().collect();
    let text: Vec<&str> = words.iter().copied().cycle().take(2000).collect();
    let text = text.join(" ");
    let params = Params::default();
    for (hyphenate, measure) in [(false, 200.0), (true, 200.0), (true, 400.0)] {
        let items = paragraph(&text, hyphenate);
        let measure = move |_| measure;
        // Best of five, so a cold cache or a busy machine does not
        // decide the number.
        let mut took = std::time::Duration::MAX;
        let mut result = Breaking::default();
        for _ in 0..5 {
            let start = std::time::Instant::now();
            result = total_fit(&items, &measure, &params);
            took = took.min(start.elapsed());
        }
        let start = std::time::Instant::now();
        let greedy = first_fit(&items, &measure, &params);
        let greedy_took = start.elapsed();
        assert_well_formed(&items, &measure, &result);
        println!(
            "2000 words ({} items, hyphenated {hyphenate}, measure {}): total-fit {:?} \
                 ({} lines, {} underfull), first-fit {:?}",
            items.len(),
            measure(0),
            took,
            result.breaks.len(),
            result.underfull.len(),
            greedy_took
        );
        assert!(greedy.breaks.len() >= result.breaks.len() - 5);
    }
}

/// A long paragraph broken a window at a time, as the layout does,
/// starting again from the last break each window keeps, gets the lines
/// it gets broken whole; and each window costs the same, however long
/// the paragraph.
#[test]
fn a_long_paragraph_broken_a_window_at_a_time_gets_the_same_lines() {
    let text = vec![SAMPLE; 150].join(" ");
    let items = paragraph(&text, true);
    assert!(items.len() > 3 * WINDOW_ITEMS, "{}", items.len());
    let measure = |_: usize| 220.0;
    let params = Params::default();
    let whole = total_fit(&items, &measure, &params);
    let mut windowed: Vec<usize> = Vec::new();
    let mut start = 0;
    let mut windows = 0;
    while start < items.len() {
        windows += 1;
        let end = (start + WINDOW_ITEMS).min(items.len());
        let mut window = items[start..end].to_vec();
        let last = end == items.len();
        if !last {
            end_paragraph(&mut window);
        }
        let b = if last {
            total_fit(&window, &measure, &params)
        } else {
            total_fit_head(&window, &measure, &params, window.len() / 2)
        };
        assert!(!b.breaks.is_empty());
        assert!(last || b.breaks.iter().all(|br| br.index < window.len() / 2));
        windowed.extend(b.breaks.iter().map(|br| start + br.index));
        let next = start + b.breaks.last().unwrap().index + 1;
        // Glue after a break goes with it, as the layout's next line
        // starts at the next word.
        start = next
            + items[next.min(items.len())..]
                .iter()
                .take_while(|i| !matches!(i, Item::Box { .. }))
                .count();
        if last {
            break;
        }
    }
    assert!(windows >= 6, "{windows}");
    let whole: Vec<usize> = whole
        .breaks
        .iter()
        .map(|b| b.index.min(items.len() - 1))
        .collect();
    let windowed: Vec<usize> = windowed.iter().map(|&i| i.min(items.len() - 1)).collect();
    // Each window starts with fresh demerits, so a line after a seam
    // could differ; on this text none does.
    assert_eq!(windowed, whole);
}
