//! Where a line of the layout markup was written in its template, so that
//! a fault the markup's parser finds in the template's own markup (a frame
//! that overlaps another, an element not allowed there) is shown at the
//! template's line and column, not at a line of markup the user never saw.
//!
//! Handlebars keeps no map from what it writes to where it read it, so the
//! line is found by its text: each line of the template is its literal
//! text with gaps where its tags (`{{…}}`) print, and text that a block on
//! the same line prints or leaves out (`{{#if folds}} folds="…"{{/if}}`) is
//! a gap too. The markup's line is taken to come from the one template line
//! it fits. Where it fits none, or more than one (a `</flow>` written
//! twice), nothing is claimed and the message gives the markup's own line.

use crate::error::Location;

/// A template line's literal text, in order, with the column each piece
/// starts at; the tags between are gaps.
struct Pattern {
    line: usize,
    pieces: Vec<(String, usize)>,
    /// Whether the line starts or ends with literal text rather than a tag.
    starts_literal: bool,
    ends_literal: bool,
}

/// The most bytes of markup a search may read (some 50 ms), for one
/// message or for all the blocks of one document.
pub const MAX_SEARCHED: usize = 50_000_000;

impl Pattern {
    fn new(line: usize) -> Pattern {
        Pattern {
            line,
            pieces: Vec::new(),
            starts_literal: false,
            ends_literal: false,
        }
    }
}

/// Where in its template a place in the markup was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The template's line and column, from 1.
    pub line: usize,
    pub column: usize,
    /// Whether it is in the template's own text, not in what a tag printed.
    pub in_text: bool,
}

impl Place {
    /// The place in `template`, the text of the template `file`, with its
    /// line shown.
    pub fn location(&self, file: &std::path::Path, template: &str) -> Location {
        Location::at_line(file, template, self.line, self.column)
    }
}

/// Where `column` (from 1, in characters) of `markup_line`, a line of the
/// markup `template` produced, was written in the template: `None` unless
/// exactly one line of the template fits it.
pub fn place(template: &str, markup_line: &str, column: usize) -> Option<Place> {
    Origin::new(template).place(markup_line, column)
}

/// A template read for [`Origin::place`], to find many markup lines in.
pub struct Origin {
    patterns: Vec<Pattern>,
}

impl Origin {
    pub fn new(template: &str) -> Origin {
        Origin {
            patterns: patterns(&super::pieces::blank_comments(template)),
        }
    }

    /// How many bytes [`Origin::place`] may read to find `markup_line`:
    /// each template line is looked for along it.
    pub fn cost(&self, markup_line: &str) -> usize {
        self.patterns.len().saturating_mul(markup_line.len())
    }

    /// As [`place`], in this template.
    pub fn place(&self, markup_line: &str, column: usize) -> Option<Place> {
        let found = self.find(markup_line)?;
        // The byte of the markup line the column names.
        let byte = markup_line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(markup_line.len(), |(b, _)| b);
        Some(self.place_found(&found, markup_line, byte))
    }

    /// The one template line `markup_line` fits, if exactly one does: a
    /// line that wrote several blocks is looked for once for them all
    /// ([`Origin::place_found`]).
    pub fn find(&self, markup_line: &str) -> Option<Found> {
        let trimmed = markup_line.trim();
        // A long line of a long template would take the square of the input.
        if trimmed.is_empty() || self.cost(trimmed) > MAX_SEARCHED {
            return None;
        }
        let mut found = None;
        for (index, pattern) in self.patterns.iter().enumerate() {
            if let Some(at) = fit(pattern, trimmed) {
                if found.is_some() {
                    return None;
                }
                found = Some(Found {
                    pattern: index,
                    at,
                    indent: markup_line.len() - markup_line.trim_start().len(),
                });
            }
        }
        found
    }

    /// Where the byte `byte` of `markup_line`, found as `found`, was
    /// written: in a literal piece, the same letter of the template; in a
    /// gap, where the tag that printed it begins (the end of the piece
    /// before).
    pub fn place_found(&self, found: &Found, markup_line: &str, byte: usize) -> Place {
        let pattern = &self.patterns[found.pattern];
        let trimmed = markup_line.trim();
        let byte = byte.saturating_sub(found.indent);
        // The last piece starting at or before the byte, found by halving:
        // a line may write thousands of blocks and have thousands of pieces.
        let next = found.at.partition_point(|&start| start <= byte);
        let Some(((piece, piece_col), start)) = next
            .checked_sub(1)
            .and_then(|i| Some((pattern.pieces.get(i)?, found.at[i])))
        else {
            return Place {
                line: pattern.line,
                column: pattern.pieces.first().map_or(1, |(_, c)| *c),
                in_text: false,
            };
        };
        if byte < start + piece.len() {
            return Place {
                line: pattern.line,
                column: piece_col + trimmed[start..byte].chars().count(),
                in_text: true,
            };
        }
        Place {
            line: pattern.line,
            column: piece_col + piece.chars().count(),
            in_text: false,
        }
    }
}

/// A markup line found in its template: which template line it fits, and
/// where each literal piece of that line lies in it.
#[derive(Debug, Clone)]
pub struct Found {
    pattern: usize,
    /// The byte each piece starts at, in the markup line trimmed.
    at: Vec<usize>,
    /// The bytes of the markup line's indent.
    indent: usize,
}

/// Where each piece of `pattern` lies in `line` (trimmed), if it fits.
fn fit(pattern: &Pattern, line: &str) -> Option<Vec<usize>> {
    let mut at = Vec::with_capacity(pattern.pieces.len());
    let mut from = 0;
    let last = pattern.pieces.len().checked_sub(1)?;
    for (i, (piece, _)) in pattern.pieces.iter().enumerate() {
        let start = if i == 0 && pattern.starts_literal {
            line.starts_with(piece.as_str()).then_some(0)?
        } else if i == last && pattern.ends_literal {
            let start = line.len().checked_sub(piece.len())?;
            (start >= from && line.ends_with(piece.as_str())).then_some(start)?
        } else {
            from + line[from..].find(piece.as_str())?
        };
        from = start + piece.len();
        if i == last && pattern.ends_literal && from != line.len() {
            return None;
        }
        at.push(start);
    }
    Some(at)
}

/// The template's lines that print text of their own: enough of it (three
/// letters or more) to tell one line from another.
fn patterns(text: &str) -> Vec<Pattern> {
    let mut out = Vec::new();
    let mut line_no = 1;
    let mut rest = text;
    // Within a line: how deep in blocks opened on it, the pieces so far,
    // and whether the line began (after its indent) with text.
    let mut depth = 0usize;
    let mut column = 1;
    let mut current = Pattern::new(1);
    let mut line_has_tag = false;
    let finish = |p: Pattern, out: &mut Vec<Pattern>| {
        let letters: usize = (p.pieces.iter())
            .map(|(s, _)| s.chars().filter(|c| !c.is_whitespace()).count())
            .sum();
        if letters >= 3 {
            out.push(p);
        }
    };
    while !rest.is_empty() {
        let next_tag = rest.find("{{").unwrap_or(rest.len());
        let next_line = rest.find('\n').unwrap_or(rest.len());
        if next_line < next_tag {
            // Literal text to the end of the line.
            add_literal(
                &mut current,
                &rest[..next_line],
                column,
                depth,
                line_has_tag,
            );
            current.ends_literal = !rest[..next_line].trim().is_empty() && depth == 0;
            let done = std::mem::replace(&mut current, Pattern::new(line_no + 1));
            finish(done, &mut out);
            line_no += 1;
            column = 1;
            depth = 0;
            line_has_tag = false;
            rest = rest.get(next_line + 1..).unwrap_or("");
            continue;
        }
        add_literal(&mut current, &rest[..next_tag], column, depth, line_has_tag);
        column += rest[..next_tag].chars().count();
        rest = &rest[next_tag..];
        if rest.is_empty() {
            break;
        }
        let close = if rest.starts_with("{{!--") {
            "--}}"
        } else if rest.starts_with("{{{") {
            "}}}"
        } else {
            "}}"
        };
        let end = rest.find(close).map_or(rest.len(), |e| e + close.len());
        let tag = &rest[..end];
        let inner = tag.trim_start_matches('{').trim_start_matches('~');
        if inner.starts_with('#') {
            depth += 1;
        } else if inner.starts_with('/') {
            depth = depth.saturating_sub(1);
        }
        line_has_tag = true;
        current.ends_literal = false;
        // A tag over several lines: the lines it covers print nothing of
        // their own, and the line it ends on goes on after it.
        let newlines = tag.matches('\n').count();
        if newlines > 0 {
            let done = std::mem::replace(&mut current, Pattern::new(line_no + newlines));
            finish(done, &mut out);
            line_no += newlines;
            column = tag.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            depth = 0;
        } else {
            column += tag.chars().count();
        }
        rest = &rest[end..];
    }
    current.ends_literal = current.ends_literal && depth == 0;
    finish(current, &mut out);
    out
}

/// Adds `text`, starting at `column` of the template's line, to `pattern`
/// as a piece that must appear, unless it lies in a block opened on the
/// line (printed or not) or is only spaces.
fn add_literal(pattern: &mut Pattern, text: &str, column: usize, depth: usize, after_tag: bool) {
    if depth > 0 || text.trim().is_empty() {
        return;
    }
    let (lead, piece) = if pattern.pieces.is_empty() && !after_tag {
        // The line's indent is no part of what it prints.
        let piece = text.trim_start();
        pattern.starts_literal = true;
        (text.len() - piece.len(), piece)
    } else {
        (0, text)
    };
    let col = column + text[..lead].chars().count();
    pattern.pieces.push((piece.trim_end().to_string(), col));
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"<document title="{{briefing.title}}">
  {{#each format.sides}}
  <master name="{{name}}" width="{{@root.format.width}}mm"{{#if folds}} folds="{{folds}}"{{/if}}/>
  {{/each}}
  {{!-- a comment
        <frame name="x"/> inside it --}}
  <page master="{{name}}">
    <frame name="band" flow="band" x="{{x}}mm" y="0" background="accent"/>
    <frame name="{{name}}" flow="story" x="{{x}}mm"/>
  </page>
  <flow name="story">{{{body}}}
  </flow>
  <flow name="band">
  </flow>
</document>"#;

    /// The line and column only.
    fn at(template: &str, line: &str, column: usize) -> Option<(usize, usize)> {
        place(template, line, column).map(|p| (p.line, p.column))
    }

    #[test]
    fn a_markup_line_is_found_at_its_template_line_and_column() {
        // A value printed by a tag: where the tag begins; the template's
        // own text after it: the same letter.
        let band = r#"    <frame name="band" flow="band" x="12.5mm" y="0" background="accent"/>"#;
        assert_eq!(at(TEMPLATE, band, 40), Some((8, 39)));
        assert_eq!(at(TEMPLATE, band, 43), Some((8, 44)));
        assert!(!place(TEMPLATE, band, 40).unwrap().in_text);
        assert!(place(TEMPLATE, band, 43).unwrap().in_text);
        let line = r#"    <frame name="cover" flow="story" x="5mm"/>"#;
        assert_eq!(at(TEMPLATE, line, 5), Some((9, 5)));
        assert_eq!(at(TEMPLATE, line, 20), Some((9, 18)));
        assert_eq!(at(TEMPLATE, line, 25), Some((9, 28)));
        // Text a block on the line leaves out, or prints, is a gap.
        for line in [
            r#"  <master name="a5" width="148mm"/>"#,
            r#"  <master name="dl" width="297mm" folds="99 198"/>"#,
        ] {
            assert_eq!(at(TEMPLATE, line, 3).map(|p| p.0), Some(3), "{line}");
        }
        // After a comment of two lines.
        assert_eq!(at(TEMPLATE, "  <page master=\"a\">", 3), Some((7, 3)));
    }

    #[test]
    fn a_line_that_fits_no_template_line_or_two_claims_none() {
        // Written twice in the template.
        assert_eq!(at(TEMPLATE, "  </flow>", 3), None);
        // A section's text, printed by `{{{body}}}`.
        assert_eq!(at(TEMPLATE, "<p>Free them all.</p>", 1), None);
        // Inside a comment: printed by nothing.
        assert_eq!(at(TEMPLATE, r#"<frame name="x"/>"#, 1), None);
        assert_eq!(at(TEMPLATE, "   ", 1), None);
        // A line too long to look for in every template line.
        let long = format!("<p>{}</p>", "x".repeat(MAX_SEARCHED));
        assert_eq!(at(TEMPLATE, &long, 1), None);
    }
}
