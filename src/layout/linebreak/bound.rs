//! What lets the total-fit search leave breaks unkept: a breaking known
//! before the search (the break nearest each line's natural width), whose
//! demerits bound the best breaking's, and the least the lines left after a
//! break cost.

use super::{FIT_EPSILON, Node, Paragraph, Params, Pass, Sums, finite};

impl Paragraph<'_> {
    /// At least how many lines the words from item `start` on take in a
    /// pass that makes no line overfull. A line holds at most its measure
    /// of boxes (less the letters' room) and glue (less its shrink), and
    /// each break drops at most [`Paragraph::widest_gap`] of glue; `None`
    /// where the items allow no such count.
    pub(super) fn lines_left(&self, start: usize) -> Option<f64> {
        let (from, to) = (self.sums.get(start)?, self.sums.last()?);
        let glue = |s: &Sums| s.width - s.boxes - s.shrink;
        let boxes = (to.boxes - from.boxes) * (1.0 - self.letter_room);
        let content = boxes + (glue(to) - glue(from)).max(0.0);
        let per_line = self.widest_measure + self.widest_gap + FIT_EPSILON;
        match content > 0.0 {
            false => Some(0.0),
            // A hair under, so that rounding never counts a line too many.
            true => Some((content / per_line - 1e-9).ceil().max(1.0)),
        }
    }

    /// Line by line, the break whose line `pass` scores nearest to its
    /// natural width (a forced break where one comes first); `None` where
    /// a line has no break the pass takes.
    fn nearest_fit(&self, pass: &Pass, ragged: Option<f64>) -> Option<Vec<usize>> {
        let mut chosen = Vec::new();
        let (mut start, mut b) = (0, 0);
        while b < self.breakpoints.len() {
            let line = chosen.len();
            let mut best: Option<(f64, usize)> = None;
            let mut next = b;
            while let Some(bp) = self.breakpoints.get(next) {
                let Some(fit) = self.fit(start, bp, line, ragged) else {
                    next += 1;
                    continue;
                };
                if fit.overfull {
                    break;
                }
                if pass.accepts(&fit) && best.is_none_or(|(s, _)| fit.score.abs() < s) {
                    best = Some((fit.score.abs(), next));
                }
                if bp.forced {
                    break;
                }
                next += 1;
            }
            let (_, c) = best?;
            chosen.push(c);
            start = self.line_start(self.breakpoints[c].index);
            b = c + 1;
        }
        Some(chosen)
    }

    /// What the [`nearest_fit`](Self::nearest_fit) breaking costs as
    /// `pass` scores it: the best breaking costs no more.
    fn nearest_fit_total(&self, params: &Params, pass: &Pass, ragged: Option<f64>) -> Option<f64> {
        let mut node = Node::START;
        for b in self.nearest_fit(pass, ragged)? {
            let bp = &self.breakpoints[b];
            let fit = self.fit(node.start, bp, node.line, ragged)?;
            if fit.overfull || !pass.accepts(&fit) {
                return None;
            }
            let line = self.line_to(&node, 0, bp, &fit, params, pass)?;
            node = line.node(b, self.line_start(bp.index));
        }
        Some(node.total)
    }

    /// The most a node's demerits, with the least its lines left will add,
    /// may come to and still lead to the best breaking of this pass: what
    /// the [`nearest_fit`](Self::nearest_fit) breaking costs, where a line
    /// costs at least `line_penalty²`; infinite where not.
    pub(super) fn bound(&self, params: &Params, pass: &Pass, ragged: Option<f64>) -> (f64, f64) {
        let least = [
            params.flagged_demerits,
            params.fitness_demerits,
            params.final_hyphen_demerits,
            params.short_last_line_demerits,
        ];
        let costs = finite(params.line_penalty) >= 0.0 && least.iter().all(|&d| finite(d) >= 0.0);
        if pass.last_resort || !self.lines_countable || !costs {
            return (f64::INFINITY, 0.0);
        }
        match self.nearest_fit_total(params, pass, ragged) {
            // Room for rounding: a node on the best path is never cut.
            Some(total) => (
                total + total.abs() * 1e-9 + 1e-6,
                finite(params.line_penalty).powi(2),
            ),
            None => (f64::INFINITY, 0.0),
        }
    }
}
