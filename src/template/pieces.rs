//! Cutting a template into pieces Handlebars compiles one by one, and
//! blanking its comments. Plain text work with no other part of handbill:
//! build.rs reads this file too, to compile the built-in templates' pieces
//! when handbill itself is compiled (see `super::builtin`).

/// A run of whole lines of a template that closes every block it opens.
#[derive(Debug, PartialEq)]
pub struct Piece {
    pub bytes: std::ops::Range<usize>,
    pub lines_before: usize,
}

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
    }];
    if ["{{~", "~}}", "{{{{", "\\{{", "{{#*", "{{*", "{{>", "{{#>"]
        .iter()
        .any(|t| text.contains(t))
    {
        return whole;
    }
    let mut out = Vec::new();
    let (mut start, mut lines_before) = (0, 0);
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|o| at + o) {
        let Some(close) = text[open..].find("}}").map(|c| open + c + 2) else {
            return whole;
        };
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
                    out.push(Piece {
                        bytes: start..end,
                        lines_before,
                    });
                    lines_before += text[start..end].matches('\n').count();
                    start = end;
                }
            }
        }
        at = close;
    }
    if depth != 0 {
        return whole;
    }
    out.push(Piece {
        bytes: start..text.len(),
        lines_before,
    });
    out
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
