//! Cutting a template into pieces Handlebars compiles one by one, and
//! blanking its comments. Plain text work with no other part of handbill:
//! build.rs reads this file too, to compile the built-in templates' pieces
//! when handbill itself is compiled (see `super::builtin`).

/// A run of a template that closes every block it opens: whole lines, or
/// part of a long line of plain tags.
#[derive(Debug, PartialEq)]
pub struct Piece {
    pub bytes: std::ops::Range<usize>,
    pub lines_before: usize,
    /// The characters before it on its first line: a piece of a long line
    /// starts inside it, and a message's column counts from the line's start.
    pub columns_before: usize,
}

/// A piece is cut, where no block is open, once it is this long (as well as
/// after each block closed at the top level): compiling a piece costs the
/// square of its length, and a template of 64 KB of tags took over a second
/// whole.
pub const LONG_PIECE: usize = 2048;

/// Cuts a template into pieces that Handlebars can compile one by one and
/// render one after the other with the same output as the whole.
///
/// Why: Handlebars works out every tag's line and column by counting from
/// the top of its text, so compiling takes time that grows with the square
/// of the template's length; the built-in leaflet took 3 ms, on the path of
/// every build. Cut where no block is open, compiling costs what its pieces
/// cost.
///
/// A cut falls only at the end of a line whose last tag closes a block at
/// the top level, so a tag alone on its line stays alone on its line.
/// Where the text uses what could reach across a cut (whitespace control
/// `~`, raw blocks `{{{{`, escaped `\{{`, inline partials defined in one
/// place and used in another, decorators) or its blocks do not pair up,
/// it stays one piece; `template::compile` also falls back to one piece when a
/// piece does not compile, so errors read as they would without the cuts.
pub fn pieces(text: &str) -> Vec<Piece> {
    let whole = vec![Piece {
        bytes: 0..text.len(),
        lines_before: 0,
        columns_before: 0,
    }];
    if ["{{~", "~}}", "{{{{", "\\{{", "{{#*", "{{*", "{{>", "{{#>"]
        .iter()
        .any(|t| text.contains(t))
    {
        return whole;
    }
    let mut cuts = Cuts {
        text,
        out: Vec::new(),
        start: 0,
        lines_before: 0,
        columns_before: 0,
    };
    let mut depth = 0usize;
    let mut at = 0;
    // Where the line of the tag in hand starts.
    let mut line_start = 0;
    while let Some(open) = text[at..].find("{{").map(|o| at + o) {
        if let Some(end) = text[at..open].rfind('\n').map(|n| at + n + 1) {
            line_start = end;
            // A long piece ends at the last line end before this tag, if no
            // block is open there.
            if depth == 0 && open - cuts.start >= LONG_PIECE {
                cuts.cut(end, 0);
            }
        }
        // A triple-stash (`{{{body}}}`) ends at its three braces.
        let closer = if text[open..].starts_with("{{{") {
            "}}}"
        } else {
            "}}"
        };
        let Some(close) = text[open..].find(closer).map(|c| open + c + closer.len()) else {
            return whole;
        };
        if let Some(n) = text[open..close].rfind('\n') {
            line_start = open + n + 1;
        }
        let inside = text[open + 2..close - 2].trim_start_matches('{');
        let inside = inside.trim_start();
        if inside.starts_with('#') {
            depth += 1;
        } else if inside.starts_with('/') {
            let Some(d) = depth.checked_sub(1) else {
                return whole;
            };
            depth = d;
            if depth == 0 {
                let line_end = text[close..].find('\n').map(|n| close + n + 1);
                if let Some(end) = line_end
                    && text[close..end].trim().is_empty()
                    && text[end..].contains("{{")
                {
                    cuts.cut(end, 0);
                }
            }
        } else if depth == 0
            && close - cuts.start >= LONG_PIECE
            && close - line_start >= LONG_PIECE
            && !may_stand_alone(&text[open..close])
        {
            // Inside a long line, after a tag that prints a value, unless
            // the next thing on the line is a tag that could stand alone (a
            // block's, an `else`, a comment): Handlebars takes such a tag's
            // line away when nothing else is on it, and the cut would leave
            // nothing before it. Anything else on the line keeps it.
            let next = text[close..].trim_start_matches([' ', '\t']);
            let alone_after = next.starts_with("{{")
                && may_stand_alone(&next[..next.find("}}").map_or(next.len(), |e| e + 2)]);
            if !alone_after && !next.starts_with(['\n', '\r']) && text[close..].contains("{{") {
                let columns = text[line_start..close].chars().count();
                cuts.cut(close, columns);
            }
        }
        at = close;
    }
    if depth != 0 {
        return whole;
    }
    let Cuts {
        mut out,
        start,
        lines_before,
        columns_before,
        ..
    } = cuts;
    out.push(Piece {
        bytes: start..text.len(),
        lines_before,
        columns_before,
    });
    out
}

/// The pieces cut so far, and where the next begins.
struct Cuts<'t> {
    text: &'t str,
    out: Vec<Piece>,
    start: usize,
    lines_before: usize,
    columns_before: usize,
}

impl Cuts<'_> {
    /// Ends the piece at byte `end`, `columns` characters into its line.
    fn cut(&mut self, end: usize, columns: usize) {
        if end <= self.start {
            return;
        }
        self.out.push(Piece {
            bytes: self.start..end,
            lines_before: self.lines_before,
            columns_before: self.columns_before,
        });
        self.lines_before += self.text[self.start..end].matches('\n').count();
        self.start = end;
        self.columns_before = columns;
    }
}

/// Whether `tag` (`{{…}}`) is one Handlebars takes away with its line when
/// nothing else is on it: a block's opening or end, an `else` or `^`, a
/// comment.
fn may_stand_alone(tag: &str) -> bool {
    tag.split("{{").skip(1).any(|tag| {
        let inside = tag.trim_start_matches('{').trim_start();
        inside.starts_with(['#', '/', '^', '!', '>']) || inside.starts_with("else")
    })
}

/// The template with the text of its comments blanked out: each comment
/// keeps its lines and the width of its last line, so every tag after it
/// keeps its line and column (for messages) and the output is the same.
/// Handlebars works out each tag's line and column by reading from the top
/// of the text, so a long comment there slows the whole compile.
pub fn blank_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("{{!") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{!") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = if after.starts_with("{{!--") {
            after.find("--}}").map(|e| e + 4)
        } else {
            after.find("}}").map(|e| e + 2)
        };
        let Some(end) = end else {
            // An unclosed comment: left for Handlebars to report.
            out.push_str(after);
            return std::borrow::Cow::Owned(out);
        };
        let comment = &after[..end];
        let newlines = comment.matches('\n').count();
        let last_width = comment.rsplit('\n').next().unwrap_or("").chars().count();
        out.push_str("{{!");
        if newlines == 0 {
            out.extend(std::iter::repeat_n(' ', last_width.saturating_sub(5)));
        } else {
            out.extend(std::iter::repeat_n('\n', newlines));
            out.extend(std::iter::repeat_n(' ', last_width.saturating_sub(2)));
        }
        out.push_str("}}");
        rest = &after[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}
