//! What lets the total-fit search leave breaks unkept: a breaking known
//! before the search (the break nearest each line's natural width), whose
//! demerits bound the best breaking's, and the least the lines left after a
//! break cost.

use super::{FIT_EPSILON, LineFit, Node, Paragraph, Params, Pass, Sums, finite};

impl Paragraph<'_> {
    /// At least how many lines the words from item `start` on take in a
    /// pass that makes no line overfull: a line holds at most its measure
    /// of boxes (less the letters' room) and glue (less its shrink), and
    /// each break drops at most [`Paragraph::widest_gap`] of glue.
    pub(super) fn lines_left(&self, start: usize) -> f64 {
        let (Some(from), Some(to)) = (self.sums.get(start), self.sums.last()) else {
            return 0.0;
        };
        let glue = |s: &Sums| s.width - s.boxes - s.shrink;
        let boxes = (to.boxes - from.boxes) * (1.0 - self.letter_room);
        let content = boxes + (glue(to) - glue(from)).max(0.0);
        let per_line = self.widest_measure + self.widest_gap + FIT_EPSILON;
        match content > 0.0 {
            false => 0.0,
            // A hair under, so that rounding never counts a line too many.
            true => (content / per_line - 1e-9).ceil().max(1.0),
        }
    }

    /// What the paragraph costs as `pass` scores it when each line takes
    /// the break the pass scores nearest to its natural width (a forced
    /// break where one comes first): the best breaking costs no more.
    /// `None` where a line has no break the pass takes.
    fn nearest_fit_total(&self, params: &Params, pass: &Pass, ragged: Option<f64>) -> Option<f64> {
        let mut node = Node::START;
        let mut from = 0;
        while from < self.breakpoints.len() {
            let mut nearest: Option<(f64, usize, LineFit)> = None;
            for (b, bp) in self.breakpoints.iter().enumerate().skip(from) {
                let Some(fit) = self.fit(node.start, bp, node.line, ragged) else {
                    continue;
                };
                if fit.overfull {
                    break;
                }
                if pass.accepts(&fit) && nearest.is_none_or(|(s, _, _)| fit.score.abs() < s) {
                    nearest = Some((fit.score.abs(), b, fit));
                }
                if bp.forced {
                    break;
                }
            }
            let (_, b, fit) = nearest?;
            let bp = &self.breakpoints[b];
            let line = self.line_to(&node, 0, bp, &fit, params, pass)?;
            node = line.node(b, self.line_start(bp.index));
            from = b + 1;
        }
        Some(node.total)
    }

    /// The most a node's demerits, with the least its lines left will add
    /// (`line_penalty²` a line), may come to and still lead to the best
    /// breaking of this pass: what the nearest-fit breaking costs;
    /// infinite where that bounds nothing.
    pub(super) fn bound(&self, params: &Params, pass: &Pass, ragged: Option<f64>) -> f64 {
        let least = [
            params.flagged_demerits,
            params.fitness_demerits,
            params.final_hyphen_demerits,
            params.short_last_line_demerits,
        ];
        let costs = finite(params.line_penalty) >= 0.0 && least.iter().all(|&d| finite(d) >= 0.0);
        if pass.last_resort || !self.lines_countable || !costs {
            return f64::INFINITY;
        }
        match self.nearest_fit_total(params, pass, ragged) {
            // Room for rounding: a node on the best path is never cut.
            Some(total) => total + total.abs() * 1e-9 + 1e-6,
            None => f64::INFINITY,
        }
    }
}
