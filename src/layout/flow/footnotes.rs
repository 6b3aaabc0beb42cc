//! Footnotes at the foot of a frame, and the long ones that go on
//! overleaf.

use super::Engine;
use super::distribute::Region;
use crate::colour::Cmyk;
use crate::error::Result;
use crate::layout::pages::{Artifact, Item, Mark};
use crate::layout::paragraph::{Line, Paragraph, Pos};

/// The lines of one footnote that a frame shows: all of a short note, or a
/// run of a long one that began or goes on in another frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct NotePart {
    pub(super) note: usize,
    /// Where in the note's text this part begins: [`Pos::START`] unless
    /// the note began in the frame before.
    pub(super) from: Pos,
    /// How many lines (at the frame's width) from `from`: `usize::MAX` for
    /// all that are left.
    pub(super) lines: usize,
}

/// How a line's footnotes would sit at the foot of a frame.
#[derive(Debug, Default)]
pub(super) struct NotePlan {
    pub(super) parts: Vec<NotePart>,
    /// The height the parts add to the foot.
    pub(super) height: f32,
    /// What goes on to the next frame: the rest of a split note, and any
    /// later notes of the same line, whole.
    pub(super) carry: Vec<(usize, Pos)>,
}

/// The fewest lines of a footnote worth setting under its mark when the
/// rest goes overleaf; fewer, and the mark's line moves on instead.
pub(super) const MIN_NOTE_LINES: usize = 2;

/// How much of a frame the continued part of a long footnote may take while
/// text of the flow is still to come: the text keeps moving too.
pub(super) const CARRIED_NOTE_SHARE: f32 = 0.5;

pub(super) const NOTE_GAP: f32 = 8.0;

/// How many footnotes an engine keeps set: more than a frame's foot shows
/// and carries on at once.
const NOTES_KEPT_SET: usize = 32;

/// How many of `lines`, from the first, fit in `height`.
pub(super) fn lines_within(lines: &[(Pos, Line)], height: f32) -> usize {
    let mut used = 0.0;
    lines
        .iter()
        .take_while(|(_, l)| {
            used += l.height;
            used <= height + 0.01
        })
        .count()
}

impl Engine<'_> {
    /// Where the footnotes of `line` would go if it were set at `region.top`:
    /// whole at the foot while they fit; a note too long for the room left
    /// is split, as many of its lines as fit here and the rest overleaf (the
    /// frame is then full). None: the line cannot go in this frame.
    pub(super) fn plan_notes(&mut self, region: &Region, line: &Line) -> Option<NotePlan> {
        let foot = region.y + region.height;
        let line_bottom = region.top + line.height;
        if line_bottom > foot - region.notes_height + 0.01 {
            return None;
        }
        let new: Vec<usize> = line
            .footnotes
            .iter()
            .copied()
            .filter(|n| !region.notes.iter().any(|p| p.note == *n))
            .collect();
        let mut plan = NotePlan::default();
        if new.is_empty() {
            return Some(plan);
        }
        if !region.notes_open {
            return None;
        }
        for (i, &n) in new.iter().enumerate() {
            let Some(p) = self.note_paragraph(n) else {
                continue;
            };
            let gap = if region.notes.is_empty() && plan.parts.is_empty() {
                NOTE_GAP
            } else {
                0.0
            };
            let lines = p.lines(Pos::START, region.width);
            let whole = gap + lines.iter().map(|(_, l)| l.height).sum::<f32>() + 2.0;
            let room = foot - line_bottom - region.notes_height - plan.height;
            let part = NotePart {
                note: n,
                from: Pos::START,
                lines: usize::MAX,
            };
            if whole <= room + 0.01 {
                plan.parts.push(part);
                plan.height += whole;
                continue;
            }
            let mut here = lines_within(&lines, room - gap - 2.0);
            // At the head of an empty frame, one line will do: no later
            // frame has more room.
            let least = if region.empty { 1 } else { MIN_NOTE_LINES };
            if here < least.min(lines.len()) || here == 0 {
                return None;
            }
            if lines.len() - here == 1 && here > least {
                here -= 1; // not a lone last line of the note overleaf
            }
            plan.parts.push(NotePart {
                lines: here,
                ..part
            });
            // The note takes the rest of the frame.
            plan.height += room;
            plan.carry.push((n, lines[here].0));
            plan.carry
                .extend(new[i + 1..].iter().map(|&m| (m, Pos::START)));
            break;
        }
        Some(plan)
    }

    /// Sets at the foot of a new frame what is left of footnotes begun in
    /// the frame before, taking at most `share` of its height; what still
    /// does not fit goes on again.
    pub(super) fn take_carry(&mut self, region: &mut Region, share: f32) -> Result<()> {
        if self.carry.is_empty() {
            return Ok(());
        }
        let limit = region.height * share;
        let mut used = NOTE_GAP;
        while let Some(&(n, from)) = self.carry.front() {
            let lines = self
                .note_paragraph(n)
                .map(|p| p.lines(from, region.width))
                .unwrap_or_default();
            if lines.is_empty() {
                self.carry.pop_front();
                continue;
            }
            let whole = lines.iter().map(|(_, l)| l.height).sum::<f32>() + 2.0;
            let part = NotePart {
                note: n,
                from,
                lines: usize::MAX,
            };
            if used + whole <= limit + 0.01 {
                region.notes.push(part);
                used += whole;
                self.carry.pop_front();
                continue;
            }
            let mut here = lines_within(&lines, limit - used - 2.0);
            if here == 0 && region.notes.is_empty() {
                // Every frame takes at least a line of the note, so it ends.
                here = lines_within(&lines, region.height - used - 2.0);
                if here == 0 {
                    return Err(self.too_big(region, "a line of a footnote", lines[0].1.height));
                }
            }
            if here == lines.len() {
                // Past its share, the frame holds what is left whole.
                region.notes.push(part);
                used += whole;
                self.carry.pop_front();
                continue;
            }
            if here > 0 {
                if lines.len() - here == 1 && here > 1 {
                    here -= 1;
                }
                used += lines[..here].iter().map(|(_, l)| l.height).sum::<f32>() + 2.0;
                region.notes.push(NotePart {
                    lines: here,
                    ..part
                });
                self.carry[0] = (n, lines[here].0);
            }
            break;
        }
        region.notes_height = used;
        region.notes_open = self.carry.is_empty();
        Ok(())
    }

    /// Draws a frame's footnotes at its foot, under a short rule.
    pub(super) fn place_notes(&mut self, region: &Region) {
        if region.notes.is_empty() {
            return;
        }
        let mut top = region.y + region.height - region.notes_height + NOTE_GAP;
        let rule_color = Cmyk {
            c: 0.0,
            m: 0.0,
            y: 0.0,
            k: 0.5,
        };
        // Above a note continued from the frame before, the rule runs the
        // full measure (as LaTeX's split-footnote rule does): the reader
        // sees the note is not a new one.
        let continued = region.notes[0].from != Pos::START;
        let rule = Item::Rect {
            x: region.x,
            y: top - NOTE_GAP / 2.0,
            width: if continued {
                region.width
            } else {
                (region.width * 0.3).min(90.0)
            },
            height: 0.0,
            fill: None,
            stroke: Some((rule_color, 0.4)),
        };
        self.push(region.page, Mark::Artifact(Artifact::Decoration), rule);
        for part in region.notes.clone() {
            let n = part.note;
            if let Some(p) = self.note_paragraph(n) {
                let lines = p.lines(part.from, region.width);
                let lines = &lines[..part.lines.min(lines.len())];
                let mut r = Region {
                    top,
                    ..region.clone()
                };
                r.notes = Vec::new();
                let mark = self
                    .note_marks
                    .get(&n)
                    .copied()
                    .unwrap_or(Mark::Artifact(Artifact::Decoration));
                self.place_lines(&mut r, lines, 0.0, 0.0, None, None, mark);
                top = r.top + 2.0;
            }
        }
    }

    /// Footnote `n` as a paragraph, set once while it is in use.
    pub(super) fn note_paragraph(&mut self, n: usize) -> Option<Paragraph> {
        if let Some((_, p)) = self.notes_set.iter().find(|(m, _)| *m == n) {
            return Some(p.clone());
        }
        let p = self.set_note(n)?;
        if self.notes_set.len() == NOTES_KEPT_SET {
            self.notes_set.pop_front();
        }
        self.notes_set.push_back((n, p.clone()));
        Some(p)
    }

    fn set_note(&mut self, n: usize) -> Option<Paragraph> {
        let note = self.notes.get(&n)?;
        Some(Paragraph::note(n, note, self.shaper, self.paragraphs))
    }
}
