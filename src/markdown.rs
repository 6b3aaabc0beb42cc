//! Stage 3, markdown: a section's Markdown body becomes a fragment of layout
//! markup (see `markup`), with footnotes that cite the profile's sources
//! turned into formatted references.
//!
//! All text is escaped here: whatever a section contains, including raw HTML,
//! arrives in the layout as text, never as markup.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Alignment, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::citations::{SOURCE_SENTINEL, body_location, parser_options};
use crate::error::{Error, Location, Result, Warning, WarningKind, did_you_mean};
use crate::model::{Footnotes, Section, Source};

mod links;

pub use links::Places;
use links::{check_links, link_href};

/// How deeply quotes, lists, list items, emphasis and links may sit inside
/// each other in a section. Real text uses a handful of levels; the limit
/// keeps every later stage (markup, layout, PDF) within a measured stack
/// (see `MAX_DEPTH` in `markup`, which also counts the template's levels
/// and a footnote's own, inline levels).
pub const MAX_NESTING: usize = 50;

/// The longest footnote, in characters: some ten pages of notes. A note is
/// set at the foot of each page it runs on to, set again from where it
/// stopped, so its cost grows with the square of its length. The markup
/// stage holds a template's own footnotes to it too.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// Escapes text for use inside layout markup (text or attribute values).
/// The text between the characters it replaces is copied a run at a time.
pub fn escape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut from) = (0, 0);
    // What is replaced starts with one of these bytes: the markup's
    // characters and ASCII's controls, 0xC2 (the C1 controls) or 0xEF
    // (U+FFFE, U+FFFF); the rest of the text is passed over.
    let starts =
        |b: &u8| *b < 0x20 || matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0x7F | 0xC2 | 0xEF);
    while let Some(found) = bytes[from..].iter().position(starts) {
        let at = from + found;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        from = at + c.len_utf8();
        let instead = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            // Control characters cannot stand in markup (nor print): a
            // stray one pasted into a value is dropped; those that part
            // words are a space: a tab, a line break, and the vertical tab
            // and form feed a word processor's line and page breaks paste as.
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' => " ",
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => "",
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(instead);
        copied = from;
    }
    out.push_str(&text[copied..]);
    out
}

/// A source as a reference: author, *title*, publisher, date, link.
pub fn format_source(source: &Source) -> String {
    let mut out = format!(
        "{}, <em>{}</em>",
        escape(&source.author),
        escape(&source.title)
    );
    for part in [&source.publisher, &source.date].into_iter().flatten() {
        out.push_str(", ");
        out.push_str(&escape(part));
    }
    if let Some(url) = &source.url {
        out.push_str(&format!(", <a href=\"{0}\">{0}</a>", escape(url)));
    }
    out.push('.');
    out
}

/// Converts a section body to layout markup. Headings inside the body start
/// at `<h2>`: the section's own title is the `<h1>`. Without `notes`, the
/// footnotes are left out (a leaflet has no room for them). A link to
/// `#id` must go to one of the `places`.
pub fn section_markup(
    section: &Section,
    sources: &BTreeMap<String, Source>,
    notes: bool,
    places: &Places,
) -> Result<String> {
    section_markup_at(section, sources, notes, places, None)
}

/// [`section_markup`], with each block marked with the line of the section
/// file it was written at: `src="FILE:LINE"`, `file` being the section
/// file's path inside the project. Messages about the block and the preview
/// name that place (see `markup/source.rs`).
pub fn section_markup_at(
    section: &Section,
    sources: &BTreeMap<String, Source>,
    notes: bool,
    places: &Places,
    file: Option<&Path>,
) -> Result<String> {
    check_references(section)?;
    check_links(section, places)?;
    let body = with_source_definitions(section, sources)?;
    let options = parser_options();
    check_nesting(section, &body, options)?;
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_ext(&body, options).into_offset_iter().collect();
    let lines = file.map(|f| Lines::of(section, f));

    // Footnote definitions may come after their references: render them first.
    let with_notes = notes;
    let mut notes: BTreeMap<String, String> = BTreeMap::new();
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::FootnoteDefinition(label)), _) = &events[i] {
            let start = i + 1;
            let mut depth = 1;
            while depth > 0 && i + 1 < events.len() {
                i += 1;
                match &events[i].0 {
                    Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                    Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                    _ => {}
                }
            }
            let inner = &events[start..i];
            // A note is set at the foot of the page, where it can have no
            // note of its own: its mark would vanish without a word, and
            // a source cited there be listed but never shown.
            if let Some((Event::FootnoteReference(nested), at)) = inner
                .iter()
                .find(|(e, _)| matches!(e, Event::FootnoteReference(_)))
            {
                return Err(Error::new(format!(
                    "the footnote `[^{label}]` cites `[^{nested}]`, and a footnote cannot have a footnote of its own"
                ))
                .at(body_location(section, at.start))
                .help(format!(
                    "cite `[^{nested}]` in the section's text, beside `[^{label}]`, or write what it says into the note"
                )));
            }
            let text = render(inner, &BTreeMap::new(), true, None);
            let text = if text.trim() == SOURCE_SENTINEL {
                sources
                    .get(label.as_ref())
                    .map(format_source)
                    .unwrap_or_default()
            } else {
                text
            };
            notes.insert(label.to_lowercase(), text.trim().to_string());
        }
        i += 1;
    }
    if !with_notes {
        notes.clear();
    }
    check_note_copies(section, &events, &notes)?;
    // A picture alone in its paragraph (`![caption](key)`) is a figure block.
    Ok(render(&events, &notes, false, lines.as_ref())
        .replace("<p><figure ", "<figure ")
        .replace("</figure></p>", "</figure>"))
}

/// The most layout markup a copy may be made of, 64 MiB: a section whose
/// notes would make more is refused here, a template that prints more in
/// the template stage.
pub const MAX_MARKUP: usize = 64 << 20;

/// Refuses a section whose notes, printed in full at every mark that cites
/// them, would make more layout markup than a template may make
/// ([`MAX_MARKUP`]): a note of 20,000 characters marked 64,000 times (a
/// section file of 470 KB) asked for 1.2 GB before the template's own
/// count could stop it. Counted before anything is written, and the error
/// points at the mark that goes past.
fn check_note_copies(
    section: &Section,
    events: &[(Event, Range<usize>)],
    notes: &BTreeMap<String, String>,
) -> Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    // A note as printed: its text escaped (`<` is `&lt;`), once a note.
    let printed: BTreeMap<&str, usize> = (notes.iter())
        .map(|(label, note)| (label.as_str(), escape(note).len()))
        .collect();
    let mut made = section.body.len();
    for (event, range) in events {
        let Event::FootnoteReference(label) = event else {
            continue;
        };
        let label_key = label.to_lowercase();
        let Some(size) = printed.get(label_key.as_str()) else {
            continue;
        };
        made += size + "<footnote></footnote>".len();
        if made > MAX_MARKUP {
            return Err(Error::new(format!(
                "the footnotes of this section, each printed in full at every mark that cites it, make more than {} MiB of layout markup",
                MAX_MARKUP >> 20
            ))
            .at(body_location(section, range.start))
            .help(format!(
                "a note is printed again at each of its marks: mark the note `[^{label}]` ({} characters) fewer times, or shorten it",
                notes[&label_key].chars().count()
            )));
        }
    }
    Ok(())
}

fn with_source_definitions(
    section: &Section,
    sources: &BTreeMap<String, Source>,
) -> Result<String> {
    let body = &section.body;
    let Footnotes {
        defined,
        cited,
        unclosed,
    } = crate::citations::of(section);
    if *unclosed {
        return Err(Error::new(
            "the section ends inside a code block or HTML block that is never closed, so its footnotes cannot be read",
        )
        .at(body_location(section, body.trim_end().len()))
        .help("close the code block with its fence (```), or the HTML block, before the end of the section"));
    }
    let mut extra = String::new();
    // Each source defined once however often it is cited, looked up in a
    // set: a section may cite thousands.
    let mut added: std::collections::HashSet<&str> = Default::default();
    for (label, offset) in cited {
        if !added.insert(label.as_str()) {
            continue;
        }
        if !sources.contains_key(label) {
            let mut candidates: Vec<&str> = sources.keys().map(String::as_str).collect();
            candidates.extend(defined.iter().map(String::as_str));
            let help = match did_you_mean(label, candidates.iter().copied()) {
                Some(close) => format!("did you mean `[^{close}]`?"),
                None => format!(
                    "cite a key from the profile's `sources:` ({}) or add a line `[^{label}]: text of the note`",
                    candidates.join(", ")
                ),
            };
            return Err(Error::new(format!(
                "footnote `[^{label}]` is neither a source of the profile nor defined in the section"
            ))
            .at(body_location(section, *offset))
            .help(help));
        }
        extra.push_str(&format!("\n\n[^{label}]: {SOURCE_SENTINEL}\n"));
    }
    Ok(format!("{body}{extra}"))
}

/// Refuses Markdown nested deeper than [`MAX_NESTING`], pointing at the
/// element that goes one level too deep, and a footnote longer than
/// [`MAX_NOTE_CHARS`], pointing at its start.
fn check_nesting(section: &Section, body: &str, options: Options) -> Result<()> {
    let mut depth = 0usize;
    // Where the footnote being read starts, and its length so far.
    let mut note: Option<(usize, usize)> = None;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match &event {
            Event::Start(Tag::FootnoteDefinition(_)) => note = Some((range.start, 0)),
            Event::End(TagEnd::FootnoteDefinition) => note = None,
            Event::Text(t) | Event::Code(t) => {
                if let Some((start, chars)) = &mut note {
                    *chars += t.chars().count();
                    if *chars > MAX_NOTE_CHARS {
                        return Err(Error::new(format!(
                            "this footnote is longer than {},{:03} characters",
                            MAX_NOTE_CHARS / 1000,
                            MAX_NOTE_CHARS % 1000
                        ))
                        .at(body_location(section, *start))
                        .help("a footnote goes at the foot of a page: put a longer text in the section itself"));
                    }
                }
            }
            _ => {}
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_NESTING {
            return Err(Error::new(format!(
                "the text is nested too deeply here: more than {MAX_NESTING} levels of quotes, lists and emphasis inside each other"
            ))
            .at(body_location(section, range.start))
            .help(format!(
                "use at most {MAX_NESTING} levels (fewer `>`, list levels or `*`); for a literal star write `\\*`"
            )));
        }
    }
    Ok(())
}
/// Refuses a character reference (`&#x7;`) in the section that names
/// nothing printable, at the place it is written: the parser would print a
/// `�` for some and drop others unseen. In code and in HTML it is not read
/// (printed as written, or left out), nor after a `\`.
fn check_references(section: &Section) -> Result<()> {
    let body = &section.body[..];
    if !body.contains("&#") {
        return Ok(());
    }
    let escaped = |at: usize| body[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
    // Inside a code block; inside an autolink (`<https://…>`), kept as written.
    let (mut in_code, mut in_autolink) = (false, false);
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        // Where references are read: the text, and an inline link's or
        // picture's target (after its `](`).
        let read = match &event {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                continue;
            }
            Event::Start(Tag::Link { link_type, .. }) if is_autolink(*link_type) => {
                in_autolink = true;
                continue;
            }
            Event::End(TagEnd::Link) => {
                in_autolink = false;
                continue;
            }
            Event::Text(_) if !in_code && !in_autolink => range,
            Event::Start(Tag::Link { link_type, .. } | Tag::Image { link_type, .. })
                if *link_type == LinkType::Inline =>
            {
                match body[range.clone()].rfind("](") {
                    Some(target) => range.start + target..range.end,
                    None => continue,
                }
            }
            _ => continue,
        };
        let refused = body[read.clone()]
            .match_indices("&#")
            .map(|(at, _)| read.start + at)
            .filter(|&at| !escaped(at))
            .find_map(|at| crate::char_ref::unprintable_at(body, at));
        if let Some((at, what)) = refused {
            return Err(Error::new(what.message())
                .at(body_location(section, at.start))
                .help(what.help()));
        }
    }
    Ok(())
}

fn is_autolink(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Autolink | LinkType::Email)
}

/// Where the lines of a section's body are in its file, to mark blocks
/// with `src="FILE:LINE"`.
struct Lines {
    /// The file's path inside the project, escaped for an attribute.
    file: String,
    /// The file's line the body starts on.
    first: usize,
    /// The byte offset of each line of the body after the first.
    starts: Vec<usize>,
    /// The body's length: the footnotes for sources are added after it.
    len: usize,
}

impl Lines {
    fn of(section: &Section, file: &Path) -> Lines {
        let body = &section.body;
        Lines {
            file: escape(&file.to_string_lossy()),
            first: section.body_line,
            starts: body.match_indices('\n').map(|(i, _)| i + 1).collect(),
            len: body.len(),
        }
    }

    /// The line of the section file a byte offset of the body is on.
    fn line(&self, offset: usize) -> usize {
        self.first + self.starts.partition_point(|&s| s <= offset)
    }

    /// ` src="FILE:LINE"` for a block starting at `offset`; nothing for
    /// what handbill added after the body.
    fn attribute(&self, offset: usize) -> String {
        if offset >= self.len {
            return String::new();
        }
        format!(" src=\"{}:{}\"", self.file, self.line(offset))
    }
}

fn render(
    events: &[(Event, Range<usize>)],
    notes: &BTreeMap<String, String>,
    inline_only: bool,
    lines: Option<&Lines>,
) -> String {
    let mut out = String::new();
    let mut skip_depth = 0usize;
    // Inside a table's header row; inside a code block.
    let (mut in_head, mut in_code) = (false, false);
    for (i, (event, range)) in events.iter().enumerate() {
        let src = || lines.map(|l| l.attribute(range.start)).unwrap_or_default();
        if skip_depth > 0 {
            match event {
                Event::Start(Tag::FootnoteDefinition(_)) => skip_depth += 1,
                Event::End(TagEnd::FootnoteDefinition) => skip_depth -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => match tag {
                // A note's paragraphs run on in one: a space between them.
                Tag::Paragraph => match (inline_only, out.is_empty()) {
                    // A picture alone in its paragraph carries the place.
                    (false, _) => match events.get(i + 1) {
                        Some((Event::Start(Tag::Image { .. }), _)) => out.push_str("<p>"),
                        _ => out.push_str(&format!("<p{}>", src())),
                    },
                    (true, false) => out.push(' '),
                    (true, true) => {}
                },
                Tag::Heading { level, .. } => {
                    let n = heading_number(*level);
                    out.push_str(&format!("<h{n}{}>", src()));
                }
                Tag::BlockQuote(_) => out.push_str(&format!("<quote{}>", src())),
                Tag::List(Some(start)) => {
                    out.push_str(&format!("<ol start=\"{start}\"{}>", src()));
                }
                Tag::List(None) => out.push_str(&format!("<ul{}>", src())),
                Tag::Item => out.push_str(&format!("<li{}>", src())),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link {
                    dest_url,
                    link_type,
                    ..
                } => {
                    let href = link_href(*link_type, dest_url);
                    out.push_str(&format!("<a href=\"{}\">", escape(&href)));
                }
                Tag::Image {
                    dest_url, title, ..
                } => {
                    let _ = title;
                    out.push_str(&format!(
                        "<figure image=\"{}\"{}><caption>",
                        escape(dest_url),
                        src()
                    ));
                }
                Tag::FootnoteDefinition(_) => skip_depth = 1,
                Tag::CodeBlock(_) => {
                    in_code = true;
                    if !inline_only {
                        out.push_str(&format!(
                            "<box class=\"code-block\"{}><p class=\"code\">",
                            src()
                        ));
                    }
                }
                // In a footnote, a table's cells run on as text.
                Tag::TableCell if inline_only => out.push(' '),
                Tag::Table(_) | Tag::TableHead | Tag::TableRow if inline_only => {}
                Tag::Table(alignments) => {
                    out.push_str(&format!("<table{}>", src()));
                    for a in alignments {
                        out.push_str(match a {
                            Alignment::None => "<col/>",
                            Alignment::Left => "<col align=\"left\"/>",
                            Alignment::Center => "<col align=\"center\"/>",
                            Alignment::Right => "<col align=\"right\"/>",
                        });
                    }
                }
                Tag::TableHead => {
                    in_head = true;
                    out.push_str("<thead><tr>");
                }
                Tag::TableRow => out.push_str("<tr>"),
                Tag::TableCell if in_head => out.push_str("<th>"),
                Tag::TableCell => out.push_str("<td>"),
                // Set as plain paragraphs: the term, then its definitions.
                Tag::DefinitionListTitle | Tag::DefinitionListDefinition if !inline_only => {
                    out.push_str("<p>")
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph if inline_only => {}
                TagEnd::Paragraph => out.push_str("</p>"),
                TagEnd::Heading(level) => {
                    out.push_str(&format!("</h{}>", heading_number(*level)));
                }
                TagEnd::BlockQuote(_) => out.push_str("</quote>"),
                TagEnd::List(true) => out.push_str("</ol>"),
                TagEnd::List(false) => out.push_str("</ul>"),
                TagEnd::Item => out.push_str("</li>"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                TagEnd::Link => out.push_str("</a>"),
                TagEnd::Image => out.push_str("</caption></figure>"),
                TagEnd::CodeBlock => {
                    in_code = false;
                    if !inline_only {
                        while let Some(kept) = out.strip_suffix("<br/>") {
                            out.truncate(kept.len());
                        }
                        out.push_str("</p></box>");
                    }
                }
                TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell
                    if inline_only => {}
                TagEnd::Table => out.push_str("</tbody></table>"),
                TagEnd::TableHead => {
                    in_head = false;
                    out.push_str("</tr></thead><tbody>");
                }
                TagEnd::TableRow => out.push_str("</tr>"),
                TagEnd::TableCell if in_head => out.push_str("</th>"),
                TagEnd::TableCell => out.push_str("</td>"),
                TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition if !inline_only => {
                    out.push_str("</p>")
                }
                _ => {}
            },
            Event::Text(text) if in_code => out.push_str(&code_lines(text, inline_only)),
            Event::Text(text) => out.push_str(&escape(&tidy_spaces(text))),
            Event::Code(text) => out.push_str(&escape(text)),
            // Never printed as syntax: `unsupported` warns of them.
            Event::Html(_) | Event::InlineHtml(_) | Event::TaskListMarker(_) => {}
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("<br/>"),
            Event::Rule => out.push_str(&format!("<rule{}/>", src())),
            // Every label was checked before parsing; without notes, marks go too.
            Event::FootnoteReference(label) => {
                if let Some(note) = notes.get(&label.to_lowercase()) {
                    out.push_str(&format!("<footnote>{note}</footnote>"));
                }
            }
            _ => {}
        }
    }
    out
}

/// A code block's text as set: each line on a line of its own, its
/// indentation kept (no-break spaces); in a footnote, run on.
fn code_lines(text: &str, inline_only: bool) -> String {
    // The parser may give a block's lines in one piece or one at a time (an
    // indented block): each line's end is kept here, and the block's last
    // taken off where it ends.
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        if !inline_only {
            out.push_str(&"\u{a0}".repeat(indent));
        }
        out.push_str(&escape(body.trim_start_matches(' ')));
        if line.ends_with('\n') {
            out.push_str(if inline_only { " " } else { "<br/>" });
        }
    }
    out
}

/// What the section's Markdown writes that handbill does not print as it
/// is meant: one warning each, naming the section's file and line, and
/// what was done instead (left out, or set as plain text).
pub fn unsupported(section: &Section) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut last = None;
    // A note no mark in the text cites has nowhere to go and is left out.
    let mut notes: Vec<(String, usize)> = Vec::new();
    let mut cited: std::collections::HashSet<String> = Default::default();
    // The line in the section's file: the body starts on `body_line`.
    // Counted on from the last place asked for (they come in order), so
    // that a section of many thousands of warnings is read once.
    let mut counted = (0, section.body_line);
    let mut line_at = |offset: usize| {
        let (from, line) = if offset >= counted.0 {
            counted
        } else {
            (0, section.body_line)
        };
        let between = section.body.get(from..offset).unwrap_or("");
        counted = (offset, line + between.matches('\n').count());
        counted.1
    };
    // Where the row being read has its last cell end.
    let mut cells_end = 0;
    // Inside a comment in a paragraph that goes on to another line.
    let mut in_comment = false;
    let parser = Parser::new_ext(&section.body, parser_options()).into_offset_iter();
    for (event, range) in parser {
        let what = match &event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                notes.push((label.to_string(), range.start));
                continue;
            }
            Event::End(TagEnd::TableCell) => {
                cells_end = range.end;
                continue;
            }
            // The parser keeps as many cells as the header has and drops
            // the rest of the row unsaid: what is left of its line.
            Event::End(TagEnd::TableRow) => {
                if let Some((at, left_out)) = cells_left_out(&section.body, cells_end, range.end) {
                    let line = line_at(at);
                    out.push(extra_cells_warning(section, line, at, left_out));
                }
                continue;
            }
            Event::FootnoteReference(label) => {
                cited.insert(label.to_lowercase());
                continue;
            }
            // A comment is a note to the profile's writers: left out
            // unsaid. What else its lines hold is left out with it.
            Event::Start(Tag::HtmlBlock) => match html_block(&section.body[range.clone()]) {
                HtmlBlock::Comments => continue,
                HtmlBlock::UnclosedComment => {
                    "an HTML comment (`<!--`) is never closed with `-->`, so all that follows it in the section is left out"
                }
                HtmlBlock::TextBesideComment => {
                    "the text on the line of an HTML comment (`<!-- … -->`) is left out with the comment: start the text on a line of its own"
                }
                HtmlBlock::Html => "an HTML block is left out: handbill prints no HTML",
            },
            // A comment in a sentence (on one line or many) is left out.
            Event::InlineHtml(html) if html.starts_with("<!--") || in_comment => {
                in_comment = !html.trim_end().ends_with("-->");
                continue;
            }
            Event::InlineHtml(_) => {
                "an HTML tag is left out (its text is kept): handbill prints no HTML"
            }
            Event::Start(Tag::DefinitionList) => "a definition list is set as plain paragraphs",
            Event::TaskListMarker(_) => "a task list's check box is left out (the item is kept)",
            _ => continue,
        };
        let line = line_at(range.start);
        // One warning per line and kind: `<b>bold</b>` is two tags.
        if last == Some((line, what)) {
            continue;
        }
        last = Some((line, what));
        out.push(Warning::new(WarningKind::Unsupported, what).at(Location {
            file: section.file.clone(),
            line,
            column: 1,
            source_line: None,
        }));
    }
    for (label, offset) in notes {
        if !cited.contains(&label.to_lowercase()) {
            let what =
                format!("footnote `[^{label}]` is left out: no `[^{label}]` in the text cites it");
            out.push(Warning::new(WarningKind::Unsupported, what).at(Location {
                file: section.file.clone(),
                line: line_at(offset),
                column: 1,
                source_line: None,
            }));
        }
    }
    out
}

/// What an HTML block (lines that start with an HTML tag) holds.
#[derive(Debug, PartialEq)]
enum HtmlBlock {
    /// Only comments: notes to the writers, left out unsaid.
    Comments,
    /// A `<!--` with no `-->`: the block runs to the section's end.
    UnclosedComment,
    /// Comments and, on their lines, text: left out with them.
    TextBesideComment,
    Html,
}

/// What the HTML block `text` is: comments, or more.
fn html_block(text: &str) -> HtmlBlock {
    let mut rest = text.trim();
    let mut comments = false;
    while let Some(comment) = rest.strip_prefix("<!--") {
        let Some(end) = comment.find("-->") else {
            return HtmlBlock::UnclosedComment;
        };
        comments = true;
        rest = comment[end + 3..].trim_start();
    }
    match (comments, rest.is_empty()) {
        (true, true) => HtmlBlock::Comments,
        (true, false) if !rest.starts_with('<') => HtmlBlock::TextBesideComment,
        _ => HtmlBlock::Html,
    }
}

/// The cells of a table row beyond its header's columns, which the parser
/// leaves out: the text of the row's line after its last cell kept (at
/// `cells_end`), and where it starts; none when there is only the row's
/// closing `|`.
fn cells_left_out(body: &str, cells_end: usize, row_end: usize) -> Option<(usize, &str)> {
    let rest = body.get(cells_end..row_end)?;
    let rest = rest.split(['\n', '\r']).next().unwrap_or("");
    let text = rest.trim_start().strip_prefix('|')?.trim_start();
    let at = cells_end + (rest.len() - text.len());
    let text = text.trim_end();
    let text = text.strip_suffix('|').unwrap_or(text).trim_end();
    (!text.is_empty()).then_some((at, text))
}

/// The warning for a row with more cells than its table's header: what
/// was left out, at the file's `line` and the body's offset `at`.
fn extra_cells_warning(section: &Section, line: usize, at: usize, left_out: &str) -> Warning {
    let body = &section.body;
    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[at..].find('\n').map_or(body.len(), |i| at + i);
    let shown: String = match left_out.chars().count() > 80 {
        true => left_out.chars().take(79).chain(['…']).collect(),
        false => left_out.to_string(),
    };
    Warning::new(
        WarningKind::Unsupported,
        format!(
            "this table row has more cells than the table's header, and the cells beyond the header's columns are left out: `{shown}`"
        ),
    )
    .at(Location {
        file: section.file.clone(),
        line,
        column: body[line_start..at].chars().count() + 1,
        source_line: Some(body[line_start..line_end].trim_end_matches('\r').into()),
    })
    .help("add a column to the header and to the line of dashes under it, or join the cells into one (a `|` inside a cell is written `\\|`)")
}

/// Typing habits that print badly: a run of spaces (or a no-break space
/// beside a space) becomes one space; a hyphen between spaces, an en dash.
fn tidy_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<char> = None;
    for c in text.chars() {
        if c == ' ' || c == '\u{a0}' {
            // A no-break space survives only alone.
            pending = Some(match pending {
                None => c,
                Some(_) => ' ',
            });
            continue;
        }
        if let Some(p) = pending.take() {
            out.push(p);
        }
        out.push(c);
    }
    if let Some(p) = pending {
        out.push(p);
    }
    tie_words(&out.replace(" - ", " \u{2013} "))
}

/// Words that must not end a line away from what follows them.
const TIED_BEFORE: &[&str] = &[
    "No.", "no.", "p.", "pp.", "§", "¶", "Art.", "art.", "para.", "Mr", "Mrs", "Ms", "Dr",
];
/// Units and the like that must not start a line away from their number.
const TIED_AFTER: &[&str] = &[
    "%", "per", "km", "kg", "mm", "cm", "m", "am", "pm", "a.m.", "p.m.", "years", "million",
    "billion",
];

/// A no-break space where a line break would part what belongs together:
/// "No. 5", "§ 3", "12 years", "95 %", "2 pm".
fn tie_words(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in words.iter().enumerate() {
        out.push_str(word);
        let Some(next) = words.get(i + 1) else { break };
        let is_number = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
        let next_bare = next.trim_end_matches([',', '.', ';', ':', ')']);
        let tie = TIED_BEFORE.contains(word) || (is_number && TIED_AFTER.contains(&next_bare));
        out.push(if tie { '\u{a0}' } else { ' ' });
    }
    out
}

/// Where text as it was set (the start of what did not fit, say) begins
/// in the Markdown paragraph that starts on `line` of `file_text`: its line
/// and column, found by its first words; the paragraph's first line when
/// they are not there as written (a footnote mark among them).
pub fn find_set_text(file_text: &str, line: usize, set: &str) -> (usize, usize) {
    let key = |word: &str| -> String {
        word.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    // The paragraph's words: their key, line and column.
    let mut words: Vec<(String, usize, usize)> = Vec::new();
    let lines = file_text.lines().enumerate().skip(line.saturating_sub(1));
    for (n, text) in lines.take_while(|(_, l)| !l.trim().is_empty()) {
        let mut column = 1;
        for piece in text.split(' ') {
            let k = key(piece);
            if !k.is_empty() {
                words.push((k, n + 1, column));
            }
            column += piece.chars().count() + 1;
        }
    }
    let wanted: Vec<String> = set
        .split_whitespace()
        .map(key)
        .filter(|k| !k.is_empty())
        .collect();
    for n in [3, 2, 1] {
        // One word only when that is all there is (a table's cell), and
        // then only the word itself.
        if n == 1 && wanted.len() > 1 {
            continue;
        }
        let Some(wanted) = wanted.get(..n) else {
            continue;
        };
        // The first word may be the end of a word hyphenated on the line before.
        let found = words.windows(n).find(|w| {
            (w[0].0.ends_with(&wanted[0]) && (n > 1 || w[0].0 == wanted[0]))
                && w[1..].iter().zip(&wanted[1..]).all(|(a, b)| a.0 == *b)
        });
        if let Some(w) = found {
            return (w[0].1, w[0].2);
        }
    }
    (line, 1)
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Passing over bytes that start nothing replaced escapes as looking
    /// at every character does.
    #[test]
    fn escaping_by_bytes_is_escaping_every_character() {
        let every_character = |text: &str| {
            text.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&apos;".to_string(),
                    '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' => " ".to_string(),
                    c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => String::new(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        for text in crate::scratch::texts(crate::scratch::PIECES, 20_000) {
            assert_eq!(escape(&text), every_character(&text), "{text:?}");
        }
    }

    #[test]
    fn escape_replaces_markup_characters_and_drops_controls() {
        assert_eq!(
            escape("Ана & <b>\"Jo's\"</b>\tend\u{7}\u{ffff}."),
            "Ана &amp; &lt;b&gt;&quot;Jo&apos;s&quot;&lt;/b&gt; end."
        );
        assert_eq!(escape("Қазақстан — plain"), "Қазақстан — plain");
        assert_eq!(escape(""), "");
        assert_eq!(escape("\n"), " ");
        // Pasted line and page breaks still part the words.
        assert_eq!(escape("Free\u{b}them\u{c}now\u{85}."), "Free them now .");
    }

    fn section(body: &str) -> Section {
        Section {
            id: "s".into(),
            title: "S".into(),
            tags: vec![],
            audience: Default::default(),
            body: body.into(),
            file: PathBuf::from("/nonexistent/s.md"),
            body_line: 5,
            translations: Default::default(),
            footnotes: Default::default(),
        }
    }

    /// A briefing of the sections `s` and `elections`.
    fn places() -> Places<'static> {
        let printed: &'static [Section] = Box::leak(Box::new([
            section(""),
            Section {
                id: "elections".into(),
                ..section("")
            },
        ]));
        Places::new(printed, printed, Default::default())
    }

    fn sources() -> BTreeMap<String, Source> {
        let mut m = BTreeMap::new();
        m.insert(
            "hrw".to_string(),
            Source {
                author: "Human Rights Watch".into(),
                title: "Striking Oil".into(),
                publisher: None,
                date: Some("2012".into()),
                url: Some("http://hrw.org/x".into()),
                audience: Default::default(),
            },
        );
        m
    }

    #[test]
    fn paragraphs_emphasis_links_and_lists() {
        let m = section_markup(
            &section("One *two* **three** [four](http://x.org/?a=1&b=2).\n\n- a\n- b\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(
            m,
            "<p>One <em>two</em> <strong>three</strong> <a href=\"http://x.org/?a=1&amp;b=2\">four</a>.</p><ul><li>a</li><li>b</li></ul>"
        );
    }

    #[test]
    fn a_cited_source_becomes_a_formatted_footnote() {
        let m = section_markup(
            &section("Oil workers struck.[^hrw]\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(
            m,
            "<p>Oil workers struck.<footnote>Human Rights Watch, <em>Striking Oil</em>, 2012, <a href=\"http://hrw.org/x\">http://hrw.org/x</a>.</footnote></p>"
        );
    }

    #[test]
    fn a_defined_footnote_is_used_as_written() {
        let m = section_markup(
            &section("Text.[^n]\n\n[^n]: A *note*.\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(m, "<p>Text.<footnote>A <em>note</em>.</footnote></p>");
    }

    #[test]
    fn a_footnote_citing_a_footnote_is_refused_where_it_cites() {
        let sources = sources();
        for body in [
            "Text[^a].\n\n[^a]: As HRW reports[^hrw].\n",
            "Text[^a].\n\n[^a]: A cites b[^b].\n\n[^b]: B.\n",
            "Text[^a].\n\n[^a]: Itself[^a].\n",
        ] {
            let err = section_markup(&section(body), &sources, true, &places()).unwrap_err();
            assert!(
                err.message
                    .contains("a footnote cannot have a footnote of its own"),
                "{body:?}: {err}"
            );
        }
    }

    #[test]
    fn an_unknown_footnote_is_an_error_with_a_suggestion() {
        let err =
            section_markup(&section("Text.[^hwr]\n"), &sources(), true, &places()).unwrap_err();
        assert!(err.message.contains("[^hwr]"), "{}", err.message);
        assert_eq!(err.help.as_deref(), Some("did you mean `[^hrw]`?"));
    }

    #[test]
    fn raw_html_and_markup_characters_stay_text() {
        let m = section_markup(
            &section("<b>bold</b> & <page-break/>\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert!(!m.contains("<b>") && !m.contains("<page-break"), "{m}");
        // Nor printed as syntax: the tags are left out, their text kept.
        assert!(!m.contains("&lt;b&gt;") && m.contains("bold"), "{m}");
    }

    #[test]
    fn doubled_spaces_and_spaced_hyphens_are_tidied() {
        let m = section_markup(
            &section("violations.\u{a0} Despite - yes\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(m, "<p>violations. Despite \u{2013} yes</p>");
    }

    #[test]
    fn a_picture_on_its_own_line_is_a_figure() {
        let m = section_markup(
            &section("Text.\n\n![The march on *Pall Mall*](london-2013)\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(
            m,
            "<p>Text.</p><figure image=\"london-2013\"><caption>The march on <em>Pall Mall</em></caption></figure>"
        );
    }

    #[test]
    fn numbers_stay_with_their_units_and_no_with_its_number() {
        let m = section_markup(
            &section("sentenced to 12 years, No. 5, at 2 pm and 95 % of 70 strikers\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(
            m,
            "<p>sentenced to 12\u{a0}years, No.\u{a0}5, at 2\u{a0}pm and 95\u{a0}% of 70 strikers</p>"
        );
    }

    #[test]
    fn smart_punctuation() {
        let m = section_markup(
            &section("\"Quoted\" -- and 'single'\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(
            m,
            "<p>\u{201c}Quoted\u{201d} \u{2013} and \u{2018}single\u{2019}</p>"
        );
    }

    #[test]
    fn a_footnote_in_code_is_printed_and_needs_no_source() {
        let m = section_markup(
            &section("Use `[^x]` to cite.\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(m, "<p>Use [^x] to cite.</p>");
        let m = section_markup(
            &section("Text.[^N]\n\n[^n]: A note.\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(m, "<p>Text.<footnote>A note.</footnote></p>");
    }

    #[test]
    fn an_unclosed_code_block_cannot_hide_a_citation() {
        let body = "Text.[^secret]\n\n```\nstill code [^secret]\n";
        let f = crate::citations::footnotes(body);
        assert!(f.unclosed);
        assert_eq!(f.cited.len(), 2, "{f:?}");
        let err = section_markup(&section(body), &sources(), true, &places()).unwrap_err();
        assert!(err.message.contains("never closed"), "{err}");
    }

    #[test]
    fn links_go_only_where_a_document_may_link() {
        for body in [
            "[click](javascript:alert(1))\n",
            "[click]( JaVaScript:alert(1))\n",
            "[x](<java script:alert(1)>)\n",
            "[x](file:///etc/passwd)\n",
            "<file:///etc/passwd>\n",
            "<launch:calc.exe>\n",
            "[x](data:text/html,hi)\n",
            "[x](report.pdf)\n",
            "[x][r]\n\n[r]: javascript:alert(1)\n",
            "[x](&#106;avascript:alert(1))\n",
            "[x](java&#x09;script:alert(1))\n",
            "[x](%6Aavascript:alert(1))\n",
            "Text.[^n]\n\n[^n]: See [here](file:///c:/x).\n",
        ] {
            let err = section_markup(&section(body), &sources(), true, &places()).unwrap_err();
            assert!(
                err.help.as_deref().unwrap_or("").contains("mailto:"),
                "{body}: {err}"
            );
        }
        let m = section_markup(
            &section("<office@haldane.org>, <https://haldane.org>, [a](#elections)\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert!(m.contains("href=\"mailto:office@haldane.org\""), "{m}");
        assert!(m.contains("href=\"https://haldane.org\""), "{m}");
        assert!(m.contains("href=\"#sec-elections\""), "{m}");
    }
    #[test]
    fn nesting_up_to_the_limit_is_read_and_deeper_is_refused_where_it_starts() {
        // `>` × k and a paragraph: k + 1 levels.
        let ok = format!("{} x\n", ">".repeat(MAX_NESTING - 1));
        let m = section_markup(&section(&ok), &sources(), true, &places()).unwrap();
        assert_eq!(m.matches("<quote>").count(), MAX_NESTING - 1);
        let deep = format!("Text.\n\n{} x\n", ">".repeat(MAX_NESTING));
        let file = std::env::temp_dir().join(format!("handbill-deep-{}.md", std::process::id()));
        std::fs::write(&file, format!("---\nid: s\ntitle: S\n---\n{deep}")).unwrap();
        let err = section_markup(
            &Section {
                file: file.clone(),
                ..section(&deep)
            },
            &sources(),
            true,
            &places(),
        )
        .unwrap_err();
        std::fs::remove_file(&file).unwrap();
        assert!(err.message.contains("nested too deeply"), "{}", err.message);
        let at = err.location.unwrap();
        // The body starts at line 5 of its file; the quotes on its third
        // line, and the level too many is the paragraph after the last `>`.
        assert_eq!((at.line, at.column), (7, MAX_NESTING + 2));
    }

    #[test]
    fn a_reference_to_nothing_printable_is_refused_wherever_markdown_reads_it() {
        let md = |body: &str| section_markup(&section(body), &sources(), true, &places());
        for (body, said) in [
            (
                "The bell &#x7; rang.",
                "`&#x7;` names a control character (U+0007)",
            ),
            ("Nul &#0;.", "`&#0;` names the null character"),
            ("Half &#xD800;.", "half of a surrogate pair"),
            ("Past &#x110000;.", "`&#x110000;` names no character"),
            ("Non &#xFFFF;.", "noncharacter"),
            ("# Head &#x1b;\n", "U+001B"),
            ("| a |\n|---|\n| &#x86; |\n", "U+0086"),
            ("Note.[^n]\n\n[^n]: A &#1; note.\n", "U+0001"),
            ("*&#x7f;*", "U+007F"),
            ("[a](https://a.org/&#x7;)", "`&#x7;`"),
            ("![caption &#0;](map)", "`&#0;`"),
            ("\\\\&#0;", "`&#0;`"),
        ] {
            let err = md(body).unwrap_err();
            assert!(err.message.contains(said), "{body}: {}", err.message);
            assert!(err.help.is_some_and(|h| h.contains("remove")), "{body}");
        }
        // Not read as references: in code, in HTML (left out), after a `\`,
        // in an autolink; and what is printable.
        for body in [
            "`&#0;`",
            "```\n&#x7;\n```\n",
            "    &#x7;\n",
            "<span title=\"&#0;\">x</span>",
            "\\&#0;",
            "<https://a.org/&#0;>",
            "A &#x41; &#9; &#x1F600; &amp;#0; & #0;",
        ] {
            assert!(md(body).is_ok(), "{body}: {:?}", md(body).err());
        }
    }

    #[test]
    fn set_text_is_found_in_its_paragraph() {
        let file = "---\nid: s\n---\nFirst line of the paragraph, and then\nthe   outrageous verdict was upheld by Kazakh-\nstan’s court.\n\nthe outrageous verdict again\n";
        // Words as set: curly quotes, other spaces.
        assert_eq!(find_set_text(file, 4, "the outrageous verdict was"), (5, 1));
        assert_eq!(find_set_text(file, 4, "and then the"), (4, 30));
        // The end of a hyphenated word, found in the word.
        assert_eq!(find_set_text(file, 4, "stan's court."), (6, 1));
        assert_eq!(find_set_text(file, 4, "upheld by Kazakh-"), (5, 30));
        // Not in this paragraph (only in the next): its first line.
        assert_eq!(find_set_text(file, 4, "verdict again"), (4, 1));
        assert_eq!(find_set_text(file, 4, ""), (4, 1));
        // A word alone (a table's cell) is found by itself, and only whole.
        assert_eq!(find_set_text(file, 4, "outrageous"), (5, 7));
        assert_eq!(find_set_text(file, 4, "rageous"), (4, 1));
    }

    #[test]
    fn each_block_names_its_line_in_the_section_file() {
        // The body starts on line 5 of its file, after the front matter.
        let body = "Text.[^n] and oil.[^hrw]\n\n[^n]: A note\n    run on.\n\n## After the note\n\n- one\n- two\n\n> Quoted\n\n![The march](london-2013)\n\n```\ncode\n```\n";
        let file = Path::new("briefings/profiles/kazakhstan/07-vadim-kuramshin.md");
        let m = section_markup_at(&section(body), &sources(), true, &places(), Some(file)).unwrap();
        let at = |line: usize| format!("src=\"{}:{line}\"", file.display());
        for (element, line) in [
            ("<p ", 5),
            ("<h2 ", 10),
            ("<ul ", 12),
            ("<li ", 12),
            ("<li ", 13),
            ("<quote ", 15),
            ("<figure image=\"london-2013\" ", 17),
            ("<box class=\"code-block\" ", 19),
        ] {
            assert!(
                m.contains(&format!("{element}{}>", at(line))),
                "{element} {line}: {m}"
            );
        }
        // Five paragraphs' and blocks' worth, no more: the notes (the
        // section's own and the source added after the body) have none.
        assert_eq!(m.matches(" src=").count(), 9, "{m}");
        assert!(m.contains("<footnote>A note run on.</footnote>"), "{m}");
        // Without a file, the markup is as before.
        let plain = section_markup(&section(body), &sources(), true, &places()).unwrap();
        assert!(!plain.contains(" src="), "{plain}");
        let mut stripped = m.clone();
        while let Some(start) = stripped.find(" src=\"") {
            let end = start + 6 + stripped[start + 6..].find('"').unwrap() + 1;
            stripped.replace_range(start..end, "");
        }
        assert_eq!(plain, stripped);
    }

    #[test]
    fn a_footnote_longer_than_the_limit_is_refused() {
        let note = |chars: usize| format!("Text.[^n]\n\n[^n]: {}\n", "a".repeat(chars));
        assert!(
            section_markup(&section(&note(MAX_NOTE_CHARS)), &sources(), true, &places()).is_ok()
        );
        let err = section_markup(
            &section(&note(MAX_NOTE_CHARS + 1)),
            &sources(),
            true,
            &places(),
        )
        .unwrap_err();
        assert!(
            err.message.contains("footnote is longer than 20,000"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_long_note_marked_too_often_is_refused_before_it_is_copied() {
        // Each mark prints the whole note: 20,000 characters marked `marks`
        // times, from a section of some 20 KB plus 6 bytes a mark.
        let text = |marks: usize| {
            format!(
                "{}\n\n[^n]: {}\n",
                "A[^n]\n\n".repeat(marks),
                "a".repeat(MAX_NOTE_CHARS)
            )
        };
        let m = section_markup(&section(&text(100)), &sources(), true, &places()).unwrap();
        assert_eq!(m.matches("<footnote>").count(), 100);
        // 3,400 copies are some 68 MB, past what a template may print: the
        // 3,350th mark goes past (20,021 bytes each, after the 40 KB of the
        // section itself), refused before a copy is made.
        let err = section_markup(&section(&text(3_400)), &sources(), true, &places()).unwrap_err();
        assert!(err.message.contains("more than 64 MiB"), "{}", err.message);
        assert!(
            err.help
                .as_deref()
                .unwrap_or("")
                .contains("`[^n]` (20000 characters)")
        );
        // Without notes (a leaflet's `body_plain`) the marks print nothing.
        assert!(section_markup(&section(&text(3_400)), &sources(), false, &places()).is_ok());
        // Counted as printed: a note of `<`, each `&lt;` there, marked 900
        // times is 18 MB as written and 72 MB as printed.
        let angles = format!(
            "{}\n\n[^n]: {}\n",
            "A[^n]\n\n".repeat(900),
            "<".repeat(MAX_NOTE_CHARS)
        );
        let err = section_markup(&section(&angles), &sources(), true, &places()).unwrap_err();
        assert!(err.message.contains("more than 64 MiB"), "{}", err.message);
    }

    #[test]
    fn a_pipe_table_becomes_a_table_with_its_alignments() {
        let m = section_markup(
            &section("| Year | Killed |\n|:---|---:|\n| 2011 | 11[^hrw] |\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert!(
            m.starts_with("<table><col align=\"left\"/><col align=\"right\"/><thead><tr><th>Year</th><th>Killed</th></tr></thead><tbody><tr><td>2011</td><td>11<footnote>"),
            "{m}"
        );
        assert!(m.ends_with("</td></tr></tbody></table>"), "{m}");
    }

    #[test]
    fn a_code_block_keeps_its_lines_and_indentation_and_is_not_tidied() {
        let m = section_markup(
            &section("```\nif a - b:\n    x = \"1 % 2\"\n```\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert_eq!(
            m,
            "<box class=\"code-block\"><p class=\"code\">if a - b:<br/>\u{a0}\u{a0}\u{a0}\u{a0}x = &quot;1 % 2&quot;</p></box>"
        );
    }

    #[test]
    fn an_indented_code_block_keeps_its_lines_too() {
        // The parser gives an indented block's lines one at a time.
        let m = section_markup(
            &section("Text:\n\n    alpha one\n      beta two\n    gamma\n\nEnd.\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert!(
            m.contains("<p class=\"code\">alpha one<br/>\u{a0}\u{a0}beta two<br/>gamma</p></box>"),
            "{m}"
        );
    }

    #[test]
    fn unsupported_markdown_is_left_out_or_plain_with_a_warning_at_its_line() {
        let body = "Text.\n\n<div>\nraw\n</div>\n\n- [x] done\n\nTerm\n: definition\n";
        let m = section_markup(&section(body), &sources(), true, &places()).unwrap();
        for raw in ["div", "raw", "[x]", ": definition"] {
            assert!(!m.contains(raw), "{raw} in {m}");
        }
        assert!(
            m.contains("<li>done</li>") && m.contains("<p>definition</p>"),
            "{m}"
        );
        let w = unsupported(&section(body));
        assert_eq!(w.len(), 3, "{w:?}");
        let said: Vec<(usize, &str)> = w
            .iter()
            .map(|w| (w.location.as_ref().unwrap().line, w.message.as_str()))
            .collect();
        assert_eq!(
            said[0],
            (7, "an HTML block is left out: handbill prints no HTML")
        );
        assert!(
            said[1].0 == 11 && said[1].1.starts_with("a task list"),
            "{w:?}"
        );
        assert_eq!(
            said[2],
            (13, "a definition list is set as plain paragraphs")
        );
        // A note nothing cites (labels match whatever their case).
        let body = "Text.[^Used] More.[^hrw]\n\n[^used]: Cited.\n\n[^spare]: Never cited.\n";
        let w = unsupported(&section(body));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].location.as_ref().unwrap().line, 9, "{w:?}");
        assert!(
            w[0].message.starts_with("footnote `[^spare]` is left out"),
            "{w:?}"
        );
        let m = section_markup(&section(body), &sources(), true, &places()).unwrap();
        assert!(!m.contains("Never cited"), "{m}");
    }

    #[test]
    fn an_html_comment_is_left_out_unsaid_and_what_it_takes_with_it_is_said() {
        let said = |body: &str| -> Vec<String> {
            unsupported(&section(body))
                .into_iter()
                .map(|w| format!("{}: {}", w.location.unwrap().line, w.message))
                .collect()
        };
        let printed =
            |body: &str| section_markup(&section(body), &sources(), true, &places()).unwrap();
        // On lines of their own, in a sentence, over lines in a sentence.
        for body in [
            "<!-- a note to the writers -->\n\nThe bell rang.\n",
            "<!-- a note\nover two lines -->\n\nThe bell rang.\n",
            "The bell <!-- a note --> rang.\n",
            "The bell <!-- a note\nover two lines --> rang.\n",
            "The bell <!-- one --> rang <!-- two\nthree\nfour --> twice.\n",
        ] {
            assert_eq!(said(body), Vec::<String>::new(), "{body}");
            let m = printed(body);
            assert!(
                m.contains("The bell") && !m.contains("note") && !m.contains("two"),
                "{m}"
            );
        }
        // Text on a comment's line goes with it (the line is an HTML block).
        let body = "Intro.\n\n<!-- a note --> The bell rang.\n";
        assert!(!printed(body).contains("bell"));
        assert_eq!(said(body).len(), 1);
        assert!(
            said(body)[0].starts_with("7: the text on the line of an HTML comment"),
            "{:?}",
            said(body)
        );
        // A comment never closed takes the rest of the section.
        let body = "Intro.\n\n<!-- a note\n\nThe bell rang.\n";
        assert!(!printed(body).contains("bell"));
        assert!(
            said(body)[0].starts_with("7: an HTML comment (`<!--`) is never closed"),
            "{:?}",
            said(body)
        );
        // A tag beside a comment is HTML, as before.
        assert_eq!(said("The <b>bell</b> <!-- a note --> rang.\n").len(), 1);
        assert_eq!(html_block("<!-- a --> <div>x</div>"), HtmlBlock::Html);
    }

    #[test]
    fn a_table_in_a_list_is_a_block_and_in_a_footnote_runs_on_as_text() {
        let m = section_markup(
            &section("- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n\nText.[^n]\n\n[^n]: Counts:\n\n    | x | y |\n    |---|---|\n    | 1 | 2 |\n"),
            &sources(),
            true,
            &places(),
        )
        .unwrap();
        assert!(m.contains("<li><p>item</p><table>"), "{m}");
        let note = m.split("<footnote>").nth(1).unwrap();
        assert!(!note.contains("<t") && !note.contains('|'), "{m}");
        assert!(note.contains("x") && note.contains("2"), "{m}");
    }

    #[test]
    fn a_link_to_a_section_goes_only_to_one_of_the_briefing() {
        let places = places();
        let body = "[a](#elections) [b](#sec-s) [](#elections)\n";
        assert!(section_markup(&section(body), &sources(), true, &places).is_ok());
        let refused =
            |body: &str| section_markup(&section(body), &sources(), true, &places).unwrap_err();
        let err = refused("See [the elections](#electons).\n");
        assert!(err.message.contains("`#electons` goes nowhere"), "{err}");
        assert_eq!(err.help.as_deref(), Some("did you mean `#elections`?"));
        let err = refused("Text.[^n]\n\n[^n]: See [x](#nonexistent-zz).\n");
        assert!(err.help.unwrap().contains("`#s`, `#elections`"));
        // A section of the profile the briefing leaves out is named.
        let profile: &'static [Section] = Box::leak(Box::new([
            section(""),
            Section {
                id: "witnesses".into(),
                audience: crate::model::Audience::Confidential,
                ..section("")
            },
            Section {
                id: "campaign".into(),
                ..section("")
            },
        ]));
        let places = Places::new(&profile[..1], profile, Default::default());
        let err =
            section_markup(&section("[x](#campaign)\n"), &sources(), true, &places).unwrap_err();
        assert!(
            err.message.contains("which is not in this briefing"),
            "{err}"
        );
        assert!(
            err.help
                .unwrap()
                .starts_with("add `campaign` to the briefing")
        );
        let err =
            section_markup(&section("[x](#witnesses)\n"), &sources(), true, &places).unwrap_err();
        assert!(
            err.help
                .unwrap()
                .contains("for the confidential audience and this briefing is public")
        );
    }

    #[test]
    fn cells_beyond_the_header_are_warned_of_and_fewer_are_empty() {
        let body = "Text.\n\n| Date | Event |\n|---|---|\n| 2011 | Strike | Witness: Ivanov |\n| 2012 |\n| 2013 | Trial | |\n  2014 | a | b \\| c\n";
        let m = section_markup(&section(body), &sources(), true, &places()).unwrap();
        assert!(m.contains("<tr><td>2012</td><td></td></tr>"), "{m}");
        let w = unsupported(&section(body));
        let said: Vec<(usize, usize, &str)> = w
            .iter()
            .map(|w| {
                let at = w.location.as_ref().unwrap();
                (at.line, at.column, w.message.as_str())
            })
            .collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert_eq!((said[0].0, said[0].1), (9, 19));
        assert!(
            said[0].2.ends_with("left out: `Witness: Ivanov`"),
            "{said:?}"
        );
        assert_eq!((said[1].0, said[1].1), (12, 14));
        assert!(said[1].2.ends_with("left out: `b \\| c`"), "{said:?}");
    }
}
