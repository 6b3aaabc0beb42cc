//! Knuth–Plass total-fit line breaking.
//!
//! A paragraph is a list of [`Item`]s: boxes (unbreakable material), glue
//! (space that can stretch and shrink) and penalties (possible breaks with a
//! cost). [`total_fit`] chooses the breaks that minimise the sum of the
//! *demerits* of all lines, following D. E. Knuth and M. F. Plass, "Breaking
//! Paragraphs into Lines", *Software—Practice and Experience* 11 (1981),
//! 1119–1184. Each line's adjustment ratio `r` (how far its glue must stretch
//! or shrink to fill the measure, in units of the glue's stretchability)
//! gives a badness `100·|r|³`; the demerits are `(line_penalty + badness)²`
//! plus or minus the square of the penalty broken at, plus extra demerits for
//! two hyphenated lines in a row and for adjacent lines of very different
//! tightness. The search runs over the legal breakpoints once, keeping a list
//! of *active nodes*: earlier breaks from which a line could still reach the
//! current point. A node is dropped as soon as the line from it would be
//! overfull (no later break can make that line shorter) or a forced break
//! passes it, so the work is `O(items × active nodes)`, and the active list
//! stays about one line's worth of breakpoints long. Because the demerits of
//! a line depend on the previous line's fitness class and flag, and the
//! width of the next line depends on the line number, a node is kept for
//! each distinct (break, fitness class, line number, hyphens in a row) —
//! line numbers being merged from the point where the measure stops
//! changing, as in TeX. Beyond TeX, no more than
//! [`Params::max_flagged_in_a_row`] lines in a row end in a hyphen.
//!
//! Passes, as in TeX: first with [`Params::tolerance`]; if no breaking fits
//! within it, again with [`Params::emergency_stretch`] counted as extra
//! stretch on every line when judging acceptability; if that also fails, a
//! final pass accepts any line that is not overfull (underfull ones pay their
//! large badness, reported in [`Breaking::underfull`]) and, only where a word
//! cannot fit at all, makes an overfull line and reports it in
//! [`Breaking::overfull`].
//!
//! Beyond the paper, as in TeX: a last line shorter than
//! [`Params::last_line_min`] of its measure pays
//! [`Params::short_last_line_demerits`] (scaled by how short it is), and a
//! hyphen on the line before it pays [`Params::final_hyphen_demerits`], so a
//! lone word or word fragment ends the paragraph only when every other
//! breaking costs more.
//!
//! Beyond TeX, as pdfTeX's font expansion: [`Params::letter_room`] lets a
//! justified line's letters widen or narrow a little along with its glue,
//! counted as room when the line is scored. They follow the glue's ratio up
//! to their limit and then stay there, so a line's ratio, its badness and
//! the tolerance always tell how far its spaces stretch.
//!
//! # What the caller builds
//!
//! * Interword space: `Glue { width, stretch, shrink }`. A break may happen at
//!   glue immediately preceded by a box.
//! * Hyphenation point: `Penalty { width: hyphen width, penalty: 50.0,
//!   flagged: true }` (TeX's `\hyphenpenalty` is 50).
//! * End of paragraph, always: `Glue { width: 0.0, stretch: INFINITY, shrink:
//!   0.0 }` then `Penalty { width: 0.0, penalty: -INFINITY, flagged: false }`
//!   — TeX's `\parfillskip` and forced break (any stretch `>= INFINITY`,
//!   100000 say, will do). Glue whose stretch is
//!   `>= INFINITY` is *fill* glue: a line containing it absorbs any shortfall
//!   there, so its finite glue is not stretched (reported ratio 0, badness 0).
//!   If the list does not end with a forced break, the breaker acts as if
//!   that ending followed, and the last [`Break`] has `index == items.len()`.
//! * Hard line break inside a paragraph: `Penalty { penalty: -INFINITY, .. }`
//!   (with or without fill glue before it). A line ending at any forced
//!   break is set at natural width, like LaTeX's `\\` or HTML's `<br>`; unlike
//!   TeX's bare `\break`, it is never stretched to the measure. (For a
//!   justified line ending at a chosen point, use a penalty of `-9999`.)
//! * Ragged right: set [`Params::ragged`] to `Some(zone)`. Lines are then
//!   never stretched (reported ratio ≤ 0; shrinking a line that is a little
//!   too long is still allowed) and each is scored by its shortfall against
//!   `zone` points, exactly like TeX's `\rightskip = 0pt plus zone`; the
//!   interword glue's own stretch is ignored. About 2–3 em is usual.
//!
//! Non-finite numbers in items or from `measure` are treated as 0 (a NaN
//! penalty as 0, an infinite one as forbidding or forcing), so no NaN ever
//! reaches the result.

/// Knuth & Plass's items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Unbreakable material (a word or part of one), `width` in points.
    Box { width: f32 },
    /// Space that may stretch and shrink; a break may happen at glue that
    /// follows a box. Stretch `>= INFINITY` is fill glue (see module docs).
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
    },
    /// A possible break with a cost. `width` is added to the line when broken
    /// here (a hyphen). `flagged` marks hyphen breaks. `penalty >= INFINITY`
    /// forbids a break, `<= -INFINITY` forces one.
    Penalty {
        width: f32,
        penalty: f32,
        flagged: bool,
    },
}

/// Penalties at or beyond this magnitude forbid or force a break, and glue
/// stretch at or beyond it is infinitely stretchable fill.
pub const INFINITY: f32 = 10000.0;

/// Badness of a line that cannot be set at all (overfull, or underfull with
/// no stretch). Far above any tolerable badness, so such lines are chosen only
/// when nothing else exists, yet finite so demerits stay comparable.
const AWFUL_BADNESS: f64 = 1.0e6;

/// Slack for floating-point sums when deciding whether a line fits, in points.
const FIT_EPSILON: f64 = 1.0e-6;

/// Knobs of the breaker. Defaults follow plain TeX where TeX has the knob.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest adjustment ratio `r` a line may have in the normal passes
    /// (stretch only; shrinking is always limited to `r >= -1`). This is a
    /// ratio, not TeX's badness: badness = `100·r³`, so TeX's `\tolerance`
    /// 200 is `r ≈ 1.26`. Default 2.0 (badness 800): narrow leaflet columns
    /// without hyphenation rarely manage 1.26.
    pub tolerance: f32,
    /// TeX's `\linepenalty`: added to every line's badness before squaring,
    /// so fewer lines are preferred. Default 10.
    pub line_penalty: f32,
    /// TeX's `\doublehyphendemerits`: added when two consecutive lines end at
    /// flagged (hyphen) breaks. Default 10000, plain TeX's.
    pub flagged_demerits: f32,
    /// At most this many lines in a row may end at flagged (hyphen) breaks
    /// (a "ladder" of hyphens is hard to read); 0: no limit. Default 2. Only
    /// the last-resort pass, where nothing else fits, may break it.
    pub max_flagged_in_a_row: u8,
    /// TeX's `\adjdemerits`: added when adjacent lines' fitness classes
    /// (very loose, loose, decent, tight) differ by more than one. Default 3000.
    pub fitness_demerits: f32,
    /// A line ending at a forced break (the paragraph's last line, or one
    /// before a hard break) whose natural width is less than this fraction of
    /// its measure counts as absurdly short. Default 0.2. 0 disables.
    pub last_line_min: f32,
    /// Demerits for an absurdly short last line, scaled linearly by how much
    /// of `last_line_min` is missing (a line of zero width pays all of it).
    /// Default 20000, somewhat more than one loose line (`r = 1`) costs.
    pub short_last_line_demerits: f32,
    /// TeX's `\finalhyphendemerits`: added when the line before a forced
    /// break (the paragraph's last line) ends with a hyphen, so the last
    /// word is not split across the final two lines. Default 5000.
    pub final_hyphen_demerits: f32,
    /// Stretch in points imagined on every line in the second pass, tried
    /// only when the first finds no breaking within `tolerance` (TeX's
    /// `\emergencystretch`): a line is then acceptable if its shortfall is
    /// at most `tolerance × (its stretch + emergency_stretch)`. Unlike TeX,
    /// lines are still *scored* with the glue the caller really has, so
    /// demerits mean the same in every pass and the pass picks the
    /// formula's best among the newly acceptable breakings. Default 12
    /// (about an em).
    pub emergency_stretch: f32,
    /// `Some(zone)`: ragged-right setting, lines scored by their shortfall
    /// against `zone` points and never stretched. `None`: justified.
    pub ragged: Option<f32>,
    /// How far a justified line's boxes (its letters) may widen or narrow,
    /// as a share of their width, to help its glue fill the measure: the
    /// letters follow the glue's ratio up to `r = ±1` and then stay at
    /// their limit while the glue takes the rest, so a line's ratio (and
    /// its badness, and the tolerance) is always what its glue does. Only
    /// on lines with glue that stretches; not in ragged setting. Default 0.
    pub letter_room: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 2.0,
            line_penalty: 10.0,
            flagged_demerits: 10000.0,
            max_flagged_in_a_row: 2,
            fitness_demerits: 3000.0,
            last_line_min: 0.2,
            short_last_line_demerits: 20000.0,
            final_hyphen_demerits: 5000.0,
            emergency_stretch: 12.0,
            ragged: None,
            letter_room: 0.0,
        }
    }
}

/// One chosen break: the line ending here is `items[previous break + 1 ..
/// index]` less the glue and penalties discarded at its start, plus the
/// width of `items[index]` if that is a penalty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Item index of the break (`items.len()` only for a list that lacks the
    /// closing forced break).
    pub index: usize,
    /// Adjustment ratio for the line ending here: each glue is set at
    /// `width + ratio·stretch` when `ratio > 0`, `width + ratio·shrink` when
    /// `ratio < 0`. Never below -1; 0 for lines with fill glue, in ragged
    /// mode when the line is short, and for lines with nothing to stretch.
    pub ratio: f32,
}

/// The result of breaking a paragraph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Breaking {
    /// One break per line, in order; the last is at the paragraph's end.
    pub breaks: Vec<Break>,
    /// Sum of the lines' demerits by the formula of [`demerits`], measured
    /// with the caller's own glue (no emergency stretch), so results of
    /// [`total_fit`] and [`first_fit`] can be compared.
    pub total_demerits: f32,
    /// Lines (0-based) wider than their measure even with all shrink used:
    /// a word or unbreakable run that fits nowhere. Worth a warning.
    pub overfull: Vec<usize>,
    /// Lines (0-based) looser than `tolerance` (or, with no stretch at all,
    /// short of the measure): TeX's "underfull \hbox". Worth a warning.
    pub underfull: Vec<usize>,
}

/// Total-fit breaking. `measure(line_number)` gives the width of line n
/// (0-based), so a first-line indent or a narrower first line works.
///
/// `measure` is called once for each possible line number up front
/// (at most one more than the number of legal breaks).
pub fn total_fit(items: &[Item], measure: &dyn Fn(usize) -> f32, params: &Params) -> Breaking {
    total_fit_of(
        Paragraph::new(items, measure).with_letter_room(params),
        params,
    )
}

/// [`total_fit`] scoring every active node, as the paper does: what the
/// skipped nodes would have given, for the tests to compare.
#[cfg(test)]
fn total_fit_scoring_every_node(
    items: &[Item],
    measure: &dyn Fn(usize) -> f32,
    params: &Params,
) -> Breaking {
    let mut para = Paragraph::new(items, measure).with_letter_room(params);
    para.later_is_looser = false;
    para.lines_countable = false;
    total_fit_of(para, params)
}

fn total_fit_of(para: Paragraph, params: &Params) -> Breaking {
    if para.breakpoints.is_empty() {
        return Breaking::default();
    }
    let tolerance = finite(params.tolerance).max(0.0);
    let emergency = finite(params.emergency_stretch).max(0.0);
    let mut passes = vec![Pass {
        tolerance,
        extra_stretch: 0.0,
        last_resort: false,
    }];
    if emergency > 0.0 {
        passes.push(Pass {
            tolerance,
            extra_stretch: emergency,
            last_resort: false,
        });
    }
    passes.push(Pass {
        tolerance,
        extra_stretch: 0.0,
        last_resort: true,
    });
    let chosen = passes
        .iter()
        .find_map(|pass| para.search(params, pass))
        // The last-resort pass always reaches the end; greedy is only a guard
        // so that a bug there would cost quality, not a panic.
        .unwrap_or_else(|| para.greedy());
    para.describe(&chosen, params)
}

/// How many items of a long paragraph are broken at a time (see
/// [`total_fit_head`]): some 2,500 words, about 250 lines of a briefing
/// pack. Paragraphs up to this size are broken whole, as the paper says.
pub const WINDOW_ITEMS: usize = 8192;

/// Total-fit breaking of the first part of a longer paragraph. `items` are
/// its first items (about [`WINDOW_ITEMS`]), ended by the caller as a
/// paragraph is; only the breaks before item `head` are kept (at least one).
/// What comes later changes the choice of a break only a few lines back, so
/// the kept lines are those the whole paragraph would get, near enough; the
/// caller goes on from the last kept break. Breaking a paragraph this way,
/// a window at a time, takes time and memory in proportion to its length,
/// where breaking the rest of it again for every page would take the square.
/// `total_demerits` is the window's.
pub fn total_fit_head(
    items: &[Item],
    measure: &dyn Fn(usize) -> f32,
    params: &Params,
    head: usize,
) -> Breaking {
    let mut breaking = total_fit(items, measure, params);
    let keep = breaking
        .breaks
        .iter()
        .take_while(|b| b.index < head)
        .count()
        .clamp(1.min(breaking.breaks.len()), breaking.breaks.len());
    breaking.breaks.truncate(keep);
    breaking.overfull.retain(|&line| line < keep);
    breaking.underfull.retain(|&line| line < keep);
    breaking
}

/// First-fit (greedy) breaking of the same items, as browsers and word
/// processors do: each line takes as much as fits, using the glue's shrink if
/// need be (as Knuth & Plass's "first fit" does). A word too wide for any
/// line goes on a line of its own, reported overfull. Demerits are computed
/// by the same formula as [`total_fit`]'s, so the two can be compared.
pub fn first_fit(items: &[Item], measure: &dyn Fn(usize) -> f32, params: &Params) -> Breaking {
    let para = Paragraph::new(items, measure).with_letter_room(params);
    if para.breakpoints.is_empty() {
        return Breaking::default();
    }
    let chosen = para.greedy();
    para.describe(&chosen, params)
}

/// Demerits of a given breaking, by the same formula (for tests and
/// reports). Breaks that are not legal breakpoints in increasing order give
/// `f32::INFINITY`.
pub fn demerits(
    items: &[Item],
    breaks: &[Break],
    measure: &dyn Fn(usize) -> f32,
    params: &Params,
) -> f32 {
    let para = Paragraph::new(items, measure).with_letter_room(params);
    match para.breakpoint_indices(breaks) {
        Some(chosen) => para.describe(&chosen, params).total_demerits,
        None => f32::INFINITY,
    }
}

/// Fitness classes, loosest first, so that "differ by more than one" is
/// arithmetic on the discriminants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fitness {
    VeryLoose = 0,
    Loose = 1,
    Decent = 2,
    Tight = 3,
}

impl Fitness {
    fn of(ratio: f64) -> Fitness {
        if ratio > 1.0 {
            Fitness::VeryLoose
        } else if ratio > 0.5 {
            Fitness::Loose
        } else if ratio >= -0.5 {
            Fitness::Decent
        } else {
            Fitness::Tight
        }
    }

    fn far_from(self, other: Fitness) -> bool {
        (self as i8 - other as i8).abs() > 1
    }
}

/// A legal breakpoint with what breaking there means.
#[derive(Debug, Clone, Copy)]
struct Breakpoint {
    index: usize,
    /// Width added to a line ending here (a hyphen).
    width: f64,
    penalty: f64,
    flagged: bool,
    forced: bool,
}

/// How a line ending at some breakpoint would be set.
#[derive(Debug, Clone, Copy)]
struct LineFit {
    /// Ratio that scores the line: against its glue, or the ragged zone;
    /// infinite when a short line has nothing to stretch.
    score: f64,
    /// What the line lacks of its measure (0 when fill glue takes it up),
    /// less what its letters take when they are at their limit.
    shortfall: f64,
    /// The stretch `shortfall` is measured against: the glue's, with the
    /// letters' while they follow it, or the ragged zone.
    room: f64,
    /// Ratio the caller applies to its glue; finite, >= -1.
    ratio: f64,
    badness: f64,
    overfull: bool,
    /// Points by which an overfull line sticks out.
    overflow: f64,
    natural: f64,
}

struct Pass {
    tolerance: f64,
    /// Emergency stretch: widens which lines are acceptable, never how they
    /// are scored, so demerits mean the same in every pass.
    extra_stretch: f64,
    /// Accept underfull lines and make overfull ones where nothing fits.
    last_resort: bool,
}

impl Pass {
    /// Whether a line this pass finds too loose means that every line to
    /// the same break from a later start, at the same measure, is too
    /// loose as well. Such a line is shorter and has no more glue or
    /// letters to stretch, so its ratio is no smaller; with emergency
    /// stretch the test is `shortfall <= tolerance × (room + extra)`, and
    /// a line past its letters' limit counts them out of its shortfall
    /// instead of into its room, which keeps the order only while the
    /// tolerance is at least 1.
    fn rejects_later_starts(&self) -> bool {
        !self.last_resort && (self.extra_stretch == 0.0 || self.tolerance >= 1.0)
    }

    fn accepts(&self, fit: &LineFit) -> bool {
        self.last_resort
            || fit.score <= self.tolerance
            || (self.extra_stretch > 0.0
                && fit.shortfall <= self.tolerance * (fit.room + self.extra_stretch))
    }
}

/// A break reached by some path, in the search's arena.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Index into `Paragraph::breakpoints`; `None` for the paragraph start.
    breakpoint: Option<usize>,
    /// Item where the line after this break starts.
    start: usize,
    /// Number of the line after this break.
    line: usize,
    fitness: Fitness,
    /// How many lines in a row, this one the last, end at flagged breaks.
    flagged: u8,
    total: f64,
    previous: Option<usize>,
}

impl Node {
    /// The paragraph's start.
    const START: Node = Node {
        breakpoint: None,
        start: 0,
        line: 0,
        fitness: Fitness::Decent,
        flagged: 0,
        total: 0.0,
        previous: None,
    };
}

/// The best way found so far to break at the current breakpoint, for one
/// (line class, fitness) pair.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    line_class: usize,
    fitness: Fitness,
    flagged: u8,
    line: usize,
    total: f64,
    previous: usize,
}

impl Candidate {
    /// The node it makes at breakpoint `b`, its next line starting at item
    /// `start`.
    fn node(&self, b: usize, start: usize) -> Node {
        Node {
            breakpoint: Some(b),
            start,
            line: self.line,
            fitness: self.fitness,
            flagged: self.flagged,
            total: self.total,
            previous: Some(self.previous),
        }
    }
}

/// What `items[..i]` add up to, for some `i`.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    /// Natural width (boxes and glue).
    width: f64,
    /// Width of the boxes alone.
    boxes: f64,
    stretch: f64,
    shrink: f64,
    /// Number of fill glues.
    fill: u32,
}

/// The items digested: running sums so any line's widths cost O(1), the
/// legal breakpoints, and the measures.
struct Paragraph<'a> {
    items: &'a [Item],
    /// `sums[i]` is what `items[..i]` add up to (one vector, not one a
    /// sum: the breaker runs for every paragraph at every measure tried).
    sums: Vec<Sums>,
    breakpoints: Vec<Breakpoint>,
    /// Measure of each possible line; the last entry serves all later lines.
    measures: Vec<f64>,
    /// From this line on every measure is the same, so nodes that differ
    /// only in a line number at or beyond it are interchangeable.
    easy_line: usize,
    /// [`Params::letter_room`] (0 in ragged setting).
    letter_room: f64,
    /// No box or glue is narrower than nothing and no glue stretches less
    /// than nothing, so a line that starts later is no wider and has no
    /// more to stretch: too loose from one start, too loose from every
    /// later one (see [`Pass::rejects_later_starts`]).
    later_is_looser: bool,
    /// Every box and glue is no narrower than nothing even with all its
    /// shrink, and every penalty is a cost, not a reward: a line costs at
    /// least `line_penalty²` and holds at most a measure of the boxes and
    /// glue, so the lines left after a break cost at least so much
    /// (see [`Paragraph::lines_left`]).
    lines_countable: bool,
    /// The most glue (less its shrink) one break drops: the widest run of
    /// glue and penalties between two boxes.
    widest_gap: f64,
    widest_measure: f64,
}

fn finite(x: f32) -> f64 {
    if x.is_finite() { f64::from(x) } else { 0.0 }
}

/// Penalties keep their infinite meaning; only NaN becomes 0.
fn penalty_value(p: f32) -> f64 {
    if p.is_nan() {
        0.0
    } else {
        f64::from(p).clamp(-f64::from(INFINITY), f64::from(INFINITY))
    }
}

fn is_fill(stretch: f32) -> bool {
    // +inf is fill too; NaN compares false and so is nothing.
    stretch >= INFINITY
}

fn badness(score: f64) -> f64 {
    if score.is_finite() {
        (100.0 * score.abs().powi(3)).min(AWFUL_BADNESS)
    } else {
        AWFUL_BADNESS
    }
}

impl<'a> Paragraph<'a> {
    fn new(items: &'a [Item], measure: &dyn Fn(usize) -> f32) -> Paragraph<'a> {
        let n = items.len();
        let mut sums = Vec::with_capacity(n + 1);
        let mut sum = Sums::default();
        let mut later_is_looser = true;
        let mut lines_countable = true;
        let (mut gap, mut widest_gap) = (0.0, 0.0f64);
        // About one break in two items (a word and its space).
        let mut breakpoints = Vec::with_capacity(n / 2 + 1);
        for (i, item) in items.iter().enumerate() {
            sums.push(sum);
            match *item {
                Item::Box { width } => {
                    gap = 0.0;
                    later_is_looser &= finite(width) >= 0.0;
                    sum.width += finite(width);
                    sum.boxes += finite(width);
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    later_is_looser &= finite(width) >= 0.0 && finite(stretch) >= 0.0;
                    lines_countable &= finite(width) >= finite(shrink);
                    gap += finite(width) - finite(shrink);
                    widest_gap = widest_gap.max(gap);
                    if i > 0 && matches!(items[i - 1], Item::Box { .. }) {
                        breakpoints.push(Breakpoint {
                            index: i,
                            width: 0.0,
                            penalty: 0.0,
                            flagged: false,
                            forced: false,
                        });
                    }
                    sum.width += finite(width);
                    if is_fill(stretch) {
                        sum.fill += 1;
                    } else {
                        sum.stretch += finite(stretch);
                    }
                    sum.shrink += finite(shrink);
                }
                Item::Penalty {
                    width,
                    penalty,
                    flagged,
                } => {
                    let p = penalty_value(penalty);
                    lines_countable &=
                        finite(width) >= 0.0 && (p >= 0.0 || p <= -f64::from(INFINITY));
                    if p < f64::from(INFINITY) {
                        breakpoints.push(Breakpoint {
                            index: i,
                            width: finite(width),
                            penalty: p,
                            flagged,
                            forced: p <= -f64::from(INFINITY),
                        });
                    }
                }
            }
        }
        sums.push(sum);
        let closed = breakpoints
            .last()
            .is_some_and(|b| b.forced && b.index + 1 == n);
        if n > 0 && !closed {
            breakpoints.push(Breakpoint {
                index: n,
                width: 0.0,
                penalty: -f64::from(INFINITY),
                flagged: false,
                forced: true,
            });
        }
        // There are at most as many lines as breakpoints.
        let measures: Vec<f64> = (0..=breakpoints.len())
            .map(|line| finite(measure(line)))
            .collect();
        let mut easy_line = measures.len().saturating_sub(1);
        while easy_line > 0 && measures[easy_line - 1] == measures[easy_line] {
            easy_line -= 1;
        }
        Paragraph {
            items,
            sums,
            breakpoints,
            easy_line,
            letter_room: 0.0,
            later_is_looser,
            lines_countable: lines_countable && later_is_looser,
            widest_gap,
            widest_measure: measures.iter().copied().fold(0.0, f64::max),
            measures,
        }
    }

    /// The paragraph with its letters' room from `params`.
    fn with_letter_room(mut self, params: &Params) -> Paragraph<'a> {
        if params.ragged.is_none() {
            self.letter_room = finite(params.letter_room).max(0.0);
        }
        self
    }

    fn measure(&self, line: usize) -> f64 {
        let last = self.measures.len().saturating_sub(1);
        self.measures.get(line.min(last)).copied().unwrap_or(0.0)
    }

    /// Where the line after a break at `index` starts: glue and penalties
    /// after a break vanish, up to the next box or forced break (which must
    /// stay, so that two forced breaks in a row make an empty line).
    fn line_start(&self, index: usize) -> usize {
        let mut i = index + 1;
        while let Some(item) = self.items.get(i) {
            match *item {
                Item::Box { .. } => break,
                Item::Penalty { penalty, .. } if penalty_value(penalty) <= -f64::from(INFINITY) => {
                    break;
                }
                Item::Glue { .. } | Item::Penalty { .. } => i += 1,
            }
        }
        i
    }

    /// The line from item `start` to breakpoint `bp`, or `None` when the
    /// breakpoint lies in material discarded before `start`.
    fn fit(
        &self,
        start: usize,
        bp: &Breakpoint,
        line: usize,
        ragged: Option<f64>,
    ) -> Option<LineFit> {
        let end = bp.index;
        if end < start {
            return None;
        }
        let (from, to) = (&self.sums[start], &self.sums[end]);
        let natural = to.width - from.width + bp.width;
        let stretch = to.stretch - from.stretch;
        // The letters (and an added hyphen) help only where glue stretches.
        let letters = if stretch > 0.0 {
            self.letter_room * (to.boxes - from.boxes + bp.width.max(0.0))
        } else {
            0.0
        };
        let shrink = (to.shrink - from.shrink).max(0.0) + letters;
        // A forced break ends a line as `\hfil\break` or HTML's `<br>` do:
        // set at natural width, never stretched to the measure.
        let filled = to.fill > from.fill || bp.forced;
        let measure = self.measure(line);
        let shortfall = measure - natural;
        let mut fit = LineFit {
            score: 0.0,
            shortfall: 0.0,
            room: 0.0,
            ratio: 0.0,
            badness: 0.0,
            overfull: false,
            overflow: 0.0,
            natural,
        };
        if shortfall >= 0.0 {
            if !filled && shortfall > 0.0 {
                // Beyond the letters' limit the glue takes the rest alone.
                let (shortfall, room) = match ragged {
                    Some(zone) => (shortfall, zone.max(0.0)),
                    None if shortfall <= stretch + letters => (shortfall, stretch + letters),
                    None => (shortfall - letters, stretch),
                };
                fit.shortfall = shortfall;
                fit.room = room;
                fit.score = if room > 0.0 {
                    shortfall / room
                } else {
                    f64::INFINITY
                };
                if ragged.is_none() && stretch > 0.0 {
                    fit.ratio = fit.score;
                }
            }
        } else if -shortfall <= shrink + FIT_EPSILON {
            fit.score = if shrink > 0.0 {
                (shortfall / shrink).max(-1.0)
            } else {
                0.0
            };
            fit.ratio = fit.score;
        } else {
            fit.overfull = true;
            fit.overflow = -shortfall - shrink;
            fit.score = -1.0;
            fit.ratio = if shrink > 0.0 { -1.0 } else { 0.0 };
        }
        fit.badness = if fit.overfull {
            AWFUL_BADNESS
        } else {
            badness(fit.score)
        };
        Some(fit)
    }

    /// Demerits of one line ending at `bp`, after a line with the given
    /// flag and fitness.
    fn line_demerits(
        &self,
        fit: &LineFit,
        bp: &Breakpoint,
        line: usize,
        previous_flagged: bool,
        previous_fitness: Fitness,
        params: &Params,
    ) -> f64 {
        let base = (finite(params.line_penalty) + fit.badness).powi(2);
        let p = bp.penalty;
        let mut d = if p >= 0.0 {
            base + p * p
        } else if !bp.forced {
            // A negative penalty is a reward, as in TeX.
            base - p * p
        } else {
            base
        };
        if bp.flagged && previous_flagged {
            d += finite(params.flagged_demerits);
        }
        if Fitness::of(fit.score).far_from(previous_fitness) {
            d += finite(params.fitness_demerits);
        }
        if bp.forced && previous_flagged {
            d += finite(params.final_hyphen_demerits);
        }
        if bp.forced {
            let wanted = finite(params.last_line_min) * self.measure(line);
            if wanted > 0.0 && fit.natural < wanted {
                let missing = ((wanted - fit.natural) / wanted).min(1.0);
                d += finite(params.short_last_line_demerits) * missing;
            }
        }
        d
    }

    /// One pass of the total-fit search. `None` if no breaking passes.
    fn search(&self, params: &Params, pass: &Pass) -> Option<Vec<usize>> {
        let ragged = params.ragged.map(finite);
        // A node or two a breakpoint is usual.
        let mut nodes = Vec::with_capacity(2 * self.breakpoints.len() + 1);
        nodes.push(Node::START);
        let mut active: Vec<usize> = vec![0];
        let mut next_active: Vec<usize> = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        let skip_looser = self.later_is_looser && pass.rejects_later_starts();
        // A node that costs more than a breaking already known, counting
        // the least its lines left cost, is on no better path: not kept.
        let bound = self.bound(params, pass, ragged);
        let line_cost = finite(params.line_penalty).powi(2);
        for (b, bp) in self.breakpoints.iter().enumerate() {
            candidates.clear();
            next_active.clear();
            // The node that would make the least overfull line, should every
            // node die here with nothing to replace it.
            let mut least_overfull: Option<(f64, usize, LineFit)> = None;
            // The active nodes go by where their lines start, earliest
            // first. Once a line at the common measure is too loose, the
            // later ones at that measure are too (in a paragraph of short
            // words most of the list): they stay active, unscored.
            let mut too_loose = false;
            for &a in &active {
                let node = nodes[a];
                if too_loose && node.line >= self.easy_line {
                    next_active.push(a);
                    continue;
                }
                let Some(fit) = self.fit(node.start, bp, node.line, ragged) else {
                    next_active.push(a);
                    continue;
                };
                if fit.overfull {
                    // Later breaks only make this line longer.
                    if least_overfull.is_none_or(|(o, _, _)| fit.overflow < o) {
                        least_overfull = Some((fit.overflow, a, fit));
                    }
                    continue;
                }
                if !bp.forced {
                    next_active.push(a);
                }
                if !pass.accepts(&fit) {
                    // Not overfull, so too loose; a forced break fills its line.
                    too_loose |= skip_looser && node.line >= self.easy_line && !bp.forced;
                    continue;
                }
                if let Some(c) = self.line_to(&node, a, bp, &fit, params, pass) {
                    offer(&mut candidates, c);
                }
            }
            if pass.last_resort
                && candidates.is_empty()
                && next_active.is_empty()
                && let Some((_, a, fit)) = least_overfull
            {
                // The last resort takes any line: there is a candidate.
                candidates.extend(self.line_to(&nodes[a], a, bp, &fit, params, pass));
            }
            let start = match candidates.is_empty() {
                true => 0,
                false => self.line_start(bp.index),
            };
            let left = match bound.is_finite() && !candidates.is_empty() {
                true => self.lines_left(start) * line_cost,
                false => 0.0,
            };
            for c in &candidates {
                if c.total + left > bound {
                    continue;
                }
                next_active.push(nodes.len());
                nodes.push(c.node(b, start));
            }
            std::mem::swap(&mut active, &mut next_active);
            if active.is_empty() {
                return None;
            }
        }
        let last = self.breakpoints.len() - 1;
        let best = active
            .iter()
            .copied()
            .filter(|&a| nodes[a].breakpoint == Some(last))
            .min_by(|&x, &y| nodes[x].total.total_cmp(&nodes[y].total))?;
        let mut chosen = Vec::new();
        let mut cursor = Some(best);
        while let Some(a) = cursor {
            if let Some(b) = nodes[a].breakpoint {
                chosen.push(b);
            }
            cursor = nodes[a].previous;
        }
        chosen.reverse();
        Some(chosen)
    }

    /// The candidate the line from `node` (number `a`) to `bp` makes, as
    /// `pass` scores it; `None` where it would end one hyphen too many in
    /// a row.
    fn line_to(
        &self,
        node: &Node,
        a: usize,
        bp: &Breakpoint,
        fit: &LineFit,
        params: &Params,
        pass: &Pass,
    ) -> Option<Candidate> {
        let flagged = if bp.flagged {
            node.flagged.saturating_add(1)
        } else {
            0
        };
        let limit = params.max_flagged_in_a_row;
        if limit > 0 && flagged > limit && !pass.last_resort {
            return None;
        }
        // Counting past the limit tells nothing more (and without a limit,
        // only whether the line ends flagged matters).
        let flagged = flagged.min(limit.max(1));
        let d = self.line_demerits(fit, bp, node.line, node.flagged > 0, node.fitness, params);
        Some(self.candidate(node, a, fit, d, flagged))
    }

    fn candidate(&self, node: &Node, a: usize, fit: &LineFit, d: f64, flagged: u8) -> Candidate {
        let line = node.line + 1;
        Candidate {
            line_class: line.min(self.easy_line),
            fitness: Fitness::of(fit.score),
            flagged,
            line,
            total: node.total + d,
            previous: a,
        }
    }

    /// Greedy breaking: the last breakpoint at which the line still fits.
    fn greedy(&self) -> Vec<usize> {
        let mut chosen = Vec::new();
        let mut start = 0;
        let mut last_fit: Option<usize> = None;
        let mut b = 0;
        while let Some(bp) = self.breakpoints.get(b) {
            let line = chosen.len();
            let Some(fit) = self.fit(start, bp, line, None) else {
                b += 1;
                continue;
            };
            let mut commit = None;
            if !fit.overfull {
                if bp.forced {
                    commit = Some(b);
                } else {
                    last_fit = Some(b);
                }
                b += 1;
            } else if let Some(f) = last_fit {
                // Break at the last fit and look at `b` again on a new line.
                commit = Some(f);
            } else {
                // Nothing fits: the word goes alone, overfull.
                commit = Some(b);
                b += 1;
            }
            if let Some(c) = commit {
                chosen.push(c);
                start = self.line_start(self.breakpoints[c].index);
                last_fit = None;
            }
        }
        chosen
    }

    /// Breakpoint numbers of caller-supplied breaks, if they are legal,
    /// increasing and end the paragraph.
    fn breakpoint_indices(&self, breaks: &[Break]) -> Option<Vec<usize>> {
        let mut chosen = Vec::with_capacity(breaks.len());
        let mut from = 0;
        for br in breaks {
            let offset = self.breakpoints[from..]
                .iter()
                .position(|bp| bp.index == br.index)?;
            chosen.push(from + offset);
            from += offset + 1;
        }
        let ends = match chosen.last() {
            Some(&b) => b + 1 == self.breakpoints.len(),
            None => self.breakpoints.is_empty(),
        };
        ends.then_some(chosen)
    }

    /// The public result for a chosen sequence of breakpoints, scored with
    /// the caller's own glue.
    fn describe(&self, chosen: &[usize], params: &Params) -> Breaking {
        let ragged = params.ragged.map(finite);
        let tolerance = finite(params.tolerance).max(0.0);
        let mut result = Breaking::default();
        let mut total = 0.0;
        let mut start = 0;
        let mut flagged = false;
        let mut fitness = Fitness::Decent;
        for (line, &b) in chosen.iter().enumerate() {
            let Some(bp) = self.breakpoints.get(b) else {
                continue;
            };
            let fit = self
                .fit(start, bp, line, ragged)
                // A break inside the material discarded after the previous
                // break: an empty line, which the search never makes.
                .unwrap_or(LineFit {
                    score: f64::INFINITY,
                    shortfall: 0.0,
                    room: 0.0,
                    ratio: 0.0,
                    overfull: false,
                    overflow: 0.0,
                    natural: 0.0,
                    badness: AWFUL_BADNESS,
                });
            total += self.line_demerits(&fit, bp, line, flagged, fitness, params);
            if fit.overfull {
                result.overfull.push(line);
            } else if fit.score > tolerance {
                result.underfull.push(line);
            }
            result.breaks.push(Break {
                index: bp.index,
                ratio: fit.ratio as f32,
            });
            start = self.line_start(bp.index);
            flagged = bp.flagged;
            fitness = Fitness::of(fit.score);
        }
        result.total_demerits = total as f32;
        result
    }
}

/// Keep `c` if it is the best way yet to its (line class, fitness).
fn offer(candidates: &mut Vec<Candidate>, c: Candidate) {
    match candidates
        .iter_mut()
        .find(|o| o.line_class == c.line_class && o.fitness == c.fitness && o.flagged == c.flagged)
    {
        Some(o) => {
            if c.total < o.total {
                *o = c;
            }
        }
        None => candidates.push(c),
    }
}

mod bound;
#[cfg(test)]
mod tests;
