//! Stage 4, template: a Handlebars template turns the briefing, the profile
//! and the chosen sections into layout markup.
//!
//! The built-in templates (`templates/*.hbs`) are compiled into the binary; a
//! briefing may instead name its own `.hbs` file inside the project. Values
//! are escaped for the markup by default (`{{x}}`), so user text can never
//! add markup; only the section bodies, which handbill itself produced from
//! Markdown and escaped, are inserted raw (`{{{body}}}`).

use std::path::PathBuf;

use handlebars::{Handlebars, RenderErrorReason};
use serde_json::{Map, Value, json};

use crate::error::{Error, Location, Result, did_you_mean};
use crate::markdown;
use crate::model::{Briefing, Profile, Recipient};
use crate::select::{Selection, resolve_in_project};
use crate::words::Words;

/// The templates compiled into handbill: name, text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("leaflet", include_str!("../templates/leaflet.hbs")),
    // The leaflet's first name, from when it was A5 only: the same template.
    ("leaflet-a5", include_str!("../templates/leaflet.hbs")),
    (
        "briefing-pack",
        include_str!("../templates/briefing-pack.hbs"),
    ),
];

/// A template ready to render.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    /// The file, or `templates/NAME.hbs (built in)` for built-in ones.
    pub path: PathBuf,
    pub text: String,
}

/// Finds the template a briefing names.
pub fn find(briefing: &Briefing) -> Result<Template> {
    let name = &briefing.template.value;
    if let Some((n, text)) = BUILTIN.iter().find(|(n, _)| n == name) {
        return Ok(Template {
            name: n.to_string(),
            path: PathBuf::from(format!("templates/{n}.hbs (built in)")),
            text: text.to_string(),
        });
    }
    if !name.ends_with(".hbs") {
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        let help = match did_you_mean(name, names.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "use a built-in template ({}) or the path of a .hbs file in the project",
                names.join(", ")
            ),
        };
        return Err(Error::new(format!("there is no template `{name}`"))
            .at(briefing.template.location.clone())
            .help(help));
    }
    let path = resolve_in_project(&briefing.project, name).ok_or_else(|| {
        Error::new(format!(
            "the template `{name}` is outside the project folder"
        ))
        .at(briefing.template.location.clone())
        .help("keep templates inside the project, e.g. `templates/my-leaflet.hbs`")
    })?;
    if !crate::select::within_project(&briefing.project, &path) {
        return Err(
            crate::select::linked_out(&path, "the template").at(briefing.template.location.clone())
        );
    }
    let text = crate::load::read_text(&path).map_err(|e| match e.location.as_deref() {
        Some(l) if l.line > 0 => e,
        _ => Error {
            location: Some(Box::new(briefing.template.location.clone())),
            ..e
        },
    })?;
    Ok(Template {
        name: name.clone(),
        path,
        text,
    })
}

/// What a template sees, before a personalised copy fills in its recipient
/// ([`for_recipient`]). See docs/templates.md for every field.
pub fn data(
    briefing: &Briefing,
    profile: &Profile,
    selection: &Selection,
    format: &crate::format::Format,
    words: &Words,
) -> Result<Value> {
    let mut sections = Vec::new();
    for s in &selection.sections {
        let body = markdown::section_markup(s, &profile.sources, true)?;
        let body_plain = markdown::section_markup(s, &profile.sources, false)?;
        sections.push(json!({
            "id": s.id,
            "title": s.title,
            "tags": s.tags,
            "audience": s.audience.to_string(),
            "body": body,
            "body_plain": body_plain,
        }));
    }
    let mut images = Map::new();
    for (key, asset) in &selection.images {
        images.insert(
            key.clone(),
            json!({
                "key": key,
                "caption": asset.caption,
                "credit": asset.credit,
                "alt": asset.alt,
            }),
        );
    }
    // The sources the chosen sections cite, in the order of first citation.
    let mut cited: Vec<&str> = Vec::new();
    for section in &selection.sections {
        for (key, _) in markdown::cited_sources(section) {
            if let Some((k, _)) = profile.sources.get_key_value(&key)
                && !cited.contains(&k.as_str())
            {
                cited.push(k);
            }
        }
    }
    let sources: Vec<Value> = cited
        .iter()
        .filter_map(|k| profile.sources.get(*k).map(|s| (k, s)))
        .filter(|(_, s)| s.audience <= briefing.audience)
        .map(|(k, s)| json!({"key": k, "text": markdown::format_source(s)}))
        .collect();
    let all_sources: Vec<Value> = profile
        .sources
        .iter()
        .filter(|(_, s)| s.audience <= briefing.audience)
        .map(|(k, s)| json!({"key": k, "text": markdown::format_source(s)}))
        .collect();
    // The briefing's keywords, or else the chosen sections' tags, each once.
    let keywords = match &briefing.keywords {
        Some(list) => list.clone(),
        None => {
            let mut tags: Vec<String> = Vec::new();
            for tag in selection.sections.iter().flat_map(|s| &s.tags) {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
            tags
        }
    };
    let lang = briefing
        .lang
        .clone()
        .unwrap_or_else(|| profile.lang.clone());
    Ok(json!({
        "briefing": {
            "name": briefing.name,
            "title": briefing.title.clone().unwrap_or_else(|| profile.title.clone()),
            "subtitle": briefing.subtitle,
            "audience": briefing.audience.to_string(),
            "lang": lang,
            "date": briefing.date.clone().unwrap_or_else(|| profile.date.clone()),
            "watermark": briefing.watermark,
            "keywords": keywords.join(", "),
            "numbering": briefing.numbering.iter().map(|n| match n {
                crate::model::Numbered::Sections => "sections",
                crate::model::Numbered::Paragraphs => "paragraphs",
            }).collect::<Vec<_>>().join(" "),
        },
        "profile": {
            "name": profile.name,
            "title": profile.title,
            "publisher": profile.publisher,
            "date": profile.date,
            "lang": profile.lang,
        },
        "sections": sections,
        "images": images,
        "sources": sources,
        "all_sources": all_sources,
        "values": briefing.values,
        // Each personalised copy fills it in: see `for_recipient`.
        "recipient": null,
        "format": format.data(),
        // The fixed words in the briefing's language, for `{{t "…"}}`.
        "words": words.table,
    }))
}

/// The data of `data` for one personalised copy: the same, with the
/// recipient filled in.
pub fn for_recipient(data: &Value, recipient: &Recipient) -> Value {
    let mut data = data.clone();
    data["recipient"] = json!({"name": recipient.name, "role": recipient.role});
    data
}

/// `{{t "Contents"}}`: a fixed word in the briefing's language.
fn translate_helper(
    h: &handlebars::Helper,
    _: &Handlebars,
    ctx: &handlebars::Context,
    _: &mut handlebars::RenderContext,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let word = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
    // The briefing's words are in the data (see `data`); a word they do
    // not have is printed as written.
    let text = ctx.data()["words"][word].as_str().unwrap_or(word);
    out.write(&markdown::escape(text))?;
    Ok(())
}

/// `{{calc a "+" b "*" 0.5}}`: arithmetic on the format's lengths (in
/// millimetres), `*` and `/` before `+` and `-`, printed with at most two
/// decimals.
/// It lets a template place frames in any format's panels.
fn calc_helper(
    h: &handlebars::Helper,
    _: &Handlebars,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let bad = |what: String| -> handlebars::RenderError {
        RenderErrorReason::Other(format!(
            "`calc` {what}; write e.g. {{{{calc content.x \"+\" 20}}}}"
        ))
        .into()
    };
    let number = |i: usize| -> std::result::Result<f64, handlebars::RenderError> {
        let p = h
            .param(i)
            .ok_or_else(|| bad(format!("needs a number after its {i}th value")))?;
        p.value()
            .as_f64()
            .ok_or_else(|| bad(format!("was given `{}` where a number belongs", p.value())))
    };
    // A sum of terms; each term a product worked out as it is read.
    let mut sum = 0.0;
    let mut sign = 1.0;
    let mut term = number(0)?;
    let mut i = 1;
    while let Some(op) = h.param(i) {
        let rhs = number(i + 1)?;
        match op.value().as_str() {
            Some("*") => term *= rhs,
            Some("/") if rhs != 0.0 => term /= rhs,
            Some(s @ ("+" | "-")) => {
                sum += sign * term;
                sign = if s == "+" { 1.0 } else { -1.0 };
                term = rhs;
            }
            _ => {
                return Err(bad(format!(
                    "was given `{}` where + - * or / belongs",
                    op.value()
                )));
            }
        }
        i += 2;
    }
    let value = sum + sign * term;
    let rounded = (value * 100.0).round() / 100.0;
    out.write(&format!("{rounded}"))?;
    Ok(())
}

/// Renders `template` with `data` into layout markup.
pub fn render(template: &Template, data: &Value) -> Result<String> {
    compile(template)?.render(data.clone())
}

/// A template compiled once, to fill in for every copy of a briefing.
pub struct Compiled {
    hb: Handlebars<'static>,
    /// The names the template's pieces are registered under, in order, each
    /// with the number of lines before it (see [`pieces`]).
    pieces: Vec<(String, usize)>,
    template: Template,
}

/// Compiles `template`: a syntax error is reported here, with its place.
pub fn compile(template: &Template) -> Result<Compiled> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(markdown::escape);
    hb.register_helper("t", Box::new(translate_helper));
    hb.register_helper("calc", Box::new(calc_helper));
    let text = blank_comments(&template.text);
    let mut names = Vec::new();
    for (i, piece) in pieces(&text).into_iter().enumerate() {
        let name = format!("{}#{i}", template.name);
        if hb
            .register_template_string(&name, &text[piece.bytes])
            .is_err()
        {
            // Whatever is wrong is reported, and the rest compiled, as a
            // whole: the same message and place as without the cuts.
            names.clear();
            break;
        }
        names.push((name, piece.lines_before));
    }
    if names.is_empty() {
        hb.register_template_string(&template.name, &*text)
            .map_err(|e| {
                let (line, col) = e.pos().unwrap_or((1, 1));
                Error::new(format!(
                    "the template is not valid Handlebars: {}",
                    e.reason()
                ))
                .at(Location::at_line(&template.path, &template.text, line, col))
                .help("check that every {{#if}}, {{#each}} and {{#with}} has its closing {{/…}}")
            })?;
        names.push((template.name.clone(), 0));
    }
    Ok(Compiled {
        hb,
        pieces: names,
        template: template.clone(),
    })
}

/// A run of whole lines of a template that closes every block it opens.
#[derive(Debug, PartialEq)]
struct Piece {
    bytes: std::ops::Range<usize>,
    lines_before: usize,
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
/// it stays one piece; [`compile`] also falls back to one piece when a
/// piece does not compile, so errors read as they would without the cuts.
fn pieces(text: &str) -> Vec<Piece> {
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
fn blank_comments(text: &str) -> std::borrow::Cow<'_, str> {
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

impl Compiled {
    /// Fills the template in with `data` into layout markup. The data is
    /// taken, not borrowed: Handlebars renders from its own copy, and a
    /// copy for a recipient is made anyway.
    pub fn render(&self, data: Value) -> Result<String> {
        let template = &self.template;
        // The data is wrapped once for all the pieces.
        let context = handlebars::Context::from(data);
        let mut out = Vec::new();
        self.pieces
            .iter()
            .try_for_each(|(name, lines_before)| {
                self.hb
                    .render_with_context_to_write(name, &context, &mut out)
                    .map_err(|mut e| {
                        e.line_no = e.line_no.map(|l| l + lines_before);
                        e
                    })
            })
            .map_err(|e| {
            let missing = match e.reason() {
                RenderErrorReason::MissingVariable(name) => name.clone(),
                _ => None,
            };
            let mut err = match &missing {
                Some(name) => Error::new(format!("the template uses `{name}`, which has no value")),
                None => Error::new(format!("the template could not be filled in: {}", e.reason())),
            };
            if let (Some(line), Some(col)) = (e.line_no, e.column_no) {
                err = err.at(Location::at_line(&template.path, &template.text, line, col));
            } else {
                err = err.at(Location::file(&template.path));
            }
            if let Some(name) = missing {
                let help = match name.strip_prefix("values.") {
                    Some(key) => format!("add `{key}:` under `values:` in the briefing, or wrap its use in the template in {{{{#if {name}}}}}…{{{{/if}}}}"),
                    None => format!("`{name}` is not something templates are given; see docs/templates.md"),
                };
                err = err.help(help);
            }
            err
        })?;
        // Handlebars writes only strings, so its output is UTF-8.
        String::from_utf8(out).map_err(|_| Error::new("the template's output is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpl(text: &str) -> Template {
        Template {
            name: "t".into(),
            path: PathBuf::from("t.hbs"),
            text: text.into(),
        }
    }

    #[test]
    fn values_are_escaped_for_the_markup() {
        let out = render(
            &tpl("<p>{{values.x}}</p>"),
            &json!({"values": {"x": "<page-break/> & \"q\""}}),
        )
        .unwrap();
        assert_eq!(out, "<p>&lt;page-break/&gt; &amp; &quot;q&quot;</p>");
    }

    #[test]
    fn a_missing_value_is_an_error_at_its_line() {
        let err = render(&tpl("<p>\n{{values.headline}}</p>"), &json!({"values": {}})).unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 1), "{err}");
        assert!(err.help.unwrap().contains("values:"));
    }

    #[test]
    fn a_broken_template_is_an_error_with_a_position() {
        let err = render(&tpl("<p>\n{{#if x}}\n</p>"), &json!({})).unwrap_err();
        assert!(err.message.contains("not valid Handlebars"), "{err}");
        assert!(err.location.unwrap().line >= 2);
    }

    #[test]
    fn fixed_words_follow_the_briefing_language() {
        let t = tpl(
            "<p>{{t \"Contents\"}} / {{t \"Page\"}} 1 {{t \"of\"}} 5</p>{{#each xs}}<p>{{t \"Sources\"}}</p>{{/each}}",
        );
        let words = |lang| {
            serde_json::to_value(
                Words::for_language(std::path::Path::new("/nowhere"), lang)
                    .unwrap()
                    .table,
            )
            .unwrap()
        };
        let ru = render(&t, &json!({"words": words("ru"), "xs": [1]})).unwrap();
        assert_eq!(ru, "<p>Содержание / Страница 1 из 5</p><p>Источники</p>");
        let kk = render(&t, &json!({"words": words("kk"), "xs": [1]})).unwrap();
        assert_eq!(kk, "<p>Мазмұны / Бет 1 / 5</p><p>Дереккөздер</p>");
        let en = render(&t, &json!({"words": words("en-GB"), "xs": []})).unwrap();
        assert_eq!(en, "<p>Contents / Page 1 of 5</p>");
        // A word the language lacks is printed as written, escaped.
        let t = tpl("<p>{{t \"Witnesses & co\"}}</p>");
        let out = render(&t, &json!({"words": words("ru")})).unwrap();
        assert_eq!(out, "<p>Witnesses &amp; co</p>");
    }

    #[test]
    fn calc_multiplies_before_it_adds_and_refuses_what_is_not_a_number() {
        let t = tpl("<p>{{calc format.width \"-\" 3 \"/\" 2 \"+\" 1 \"*\" 4}}mm</p>");
        let out = render(&t, &json!({"format": {"width": 99.0}})).unwrap();
        assert_eq!(out, "<p>101.5mm</p>");
        let t = tpl("<p>\n{{calc format.name \"+\" 1}}</p>");
        let err = render(&t, &json!({"format": {"name": "a5"}})).unwrap_err();
        assert!(err.message.contains("where a number belongs"), "{err}");
        assert_eq!(err.location.unwrap().line, 2);
    }

    /// What Handlebars makes of `text` compiled whole, as handbill did
    /// before it cut templates into pieces.
    fn render_whole(text: &str, data: &Value) -> String {
        let mut hb = Handlebars::new();
        hb.register_escape_fn(markdown::escape);
        hb.register_template_string("t", text).unwrap();
        hb.render("t", data).unwrap()
    }

    #[test]
    fn a_template_is_cut_where_no_block_is_open_and_renders_as_a_whole() {
        let text = "<document>\n  {{#each xs}}\n  <p>{{this}}</p>\n  {{/each}}\n\
                    {{#if a}}<p>a</p>{{else}}<p>not a</p>{{/if}}\n\
                    {{#unless b}}\n  {{#if a}}\n  <p>{{b}}</p>\n  {{/if}}\n{{/unless}} <p>tail</p>\n\
                    {{#if c}}\n{{^}}\n<p>no c</p>\n{{/if}}\n{{#with w}}\n<p>{{n}}</p>\n{{/with}}\n\
                    </document>\n";
        let cuts: Vec<usize> = pieces(text).iter().map(|p| p.lines_before).collect();
        // After `{{/each}}` (line 4), the `{{/if}}` on line 5 and the one on
        // line 14; not after `{{/unless}}`, which has text after it, nor
        // inside any block, nor before a tail with no tags.
        assert_eq!(cuts, vec![0, 4, 5, 14], "{:?}", pieces(text));
        let data = json!({"xs": [1, "<2>", 3], "a": true, "b": false, "w": {"n": "&"}});
        let whole = render_whole(text, &data);
        assert!(whole.contains("<p>&lt;2&gt;</p>") && whole.contains("<p>no c</p>"));
        assert_eq!(render(&tpl(text), &data).unwrap(), whole);
        let data = json!({"xs": [], "a": false, "b": true, "c": 1, "w": {"n": 2}});
        assert_eq!(
            render(&tpl(text), &data).unwrap(),
            render_whole(text, &data)
        );
    }

    #[test]
    fn the_built_in_templates_render_cut_as_they_do_whole() {
        for (name, text) in BUILTIN {
            let blank = blank_comments(text);
            assert!(pieces(&blank).len() > 1, "{name} is cut into pieces");
            // What every `{{#if}}` and `{{#each}}` of the templates asks
            // about, both ways: missing (false) and present.
            for data in [
                json!({"briefing": {"lang": "en"}, "format": {"sides": []}}),
                json!({
                    "briefing": {"lang": "en", "title": "T"},
                    "profile": {"title": "P"},
                    "format": {"folded": true, "width": 210, "sides": [{"name": "outside",
                        "panels": [{"name": "p", "first": true, "last": true, "penultimate": true,
                            "multi_column": true, "order": 1, "x": 0, "width": 99,
                            "content": {"x": 3, "y": 3, "width": 90, "height": 200},
                            "columns": [{"x": 3, "width": 40, "order": 1}]}]}]},
                    "values": {"qr": "https://example.org", "event": {"when": "noon", "where": "here"},
                        "headline": "H", "more": "m", "organisers": "o"},
                    "sections": [{"id": "s", "title": "S", "body": "<p>b</p>", "body_plain": "<p>b</p>"}],
                    "recipient": {"name": "Ana"},
                }),
            ] {
                let mut hb = Handlebars::new();
                hb.register_escape_fn(markdown::escape);
                hb.register_helper("t", Box::new(translate_helper));
                hb.register_helper("calc", Box::new(calc_helper));
                hb.register_template_string("t", &*blank).unwrap();
                let whole = hb.render("t", &data).unwrap();
                let cut = compile(&Template {
                    name: name.to_string(),
                    path: PathBuf::from(name),
                    text: text.to_string(),
                })
                .unwrap();
                // Not strict, as the whole above: the data is partial.
                let mut cut = cut;
                cut.hb.set_strict_mode(false);
                assert_eq!(cut.render(data.clone()).unwrap(), whole, "{name}");
            }
        }
    }

    #[test]
    fn errors_in_a_later_piece_keep_their_lines() {
        let head = "{{#if a}}\n<p>a</p>\n{{/if}}\n{{#if b}}\n<p>b</p>\n{{/if}}\n";
        let err = render(
            &tpl(&format!("{head}<p>\n  {{{{values.x}}}}</p>")),
            &json!({"values": {}}),
        )
        .unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (8, 3), "{err}");
        let err = render(
            &tpl(&format!("{head}<p>\n{{{{#each xs}}}}</p>")),
            &json!({}),
        )
        .unwrap_err();
        assert!(err.message.contains("not valid Handlebars"), "{err}");
        assert!(err.location.unwrap().line >= 8);
    }

    #[test]
    fn what_could_reach_across_a_cut_keeps_a_template_whole() {
        for text in [
            "{{#if a}}x{{/if}}\n  {{~b}}\n{{#if a}}y{{/if}}\n<p/>",
            "{{#if a~}}x{{/if~}}\n  {{b}}\n{{#if a}}y{{/if}}\n<p/>",
            "{{#if a}}x{{/if}}\n{{{{raw}}}}{{b}}{{{{/raw}}}}\n<p/>",
            "{{/if}}\n{{#if a}}x{{/if}}\n<p/>",
            "{{#if a}}\n{{#if b}}x{{/if}}\n<p/>",
            "{{#*inline \"x\"}}y{{/inline}}\n{{#if a}}x{{/if}}\n{{> x}}\n<p/>",
            "{{*decorator}}\n{{#if a}}x{{/if}}\n{{#if b}}y{{/if}}\n<p/>",
        ] {
            assert_eq!(pieces(text).len(), 1, "{text}");
        }
        let text = "{{#if a}}x{{/if}}\n  {{~b}}\n{{#if a}}y{{/if}}\n<p/>";
        let data = json!({"a": true, "b": "z"});
        assert_eq!(
            render(&tpl(text), &data).unwrap(),
            render_whole(text, &data)
        );
    }

    #[test]
    fn blanked_comments_keep_every_position_and_the_output() {
        let text = "{{!-- a long\n comment --}}<p>{{x}}</p>{{! short }}\n{{y}}";
        let blank = blank_comments(text);
        assert!(
            !blank.contains("long") && !blank.contains("short"),
            "{blank}"
        );
        // Every tag keeps its line and column.
        let place = |t: &str, tag: &str| {
            let at = t.find(tag).unwrap();
            let line = t[..at].matches('\n').count();
            let column = t[..at].rsplit('\n').next().unwrap().chars().count();
            (line, column)
        };
        for tag in ["<p>", "{{x}}", "{{y}}"] {
            assert_eq!(place(text, tag), place(&blank, tag), "{tag}");
        }
        let data = json!({"x": 1, "y": 2});
        let render = |t: &str| {
            let mut hb = Handlebars::new();
            hb.register_template_string("t", t).unwrap();
            hb.render("t", &data).unwrap()
        };
        assert_eq!(render(text), render(&blank));
        // Unclosed: left as it is, for Handlebars to report.
        assert_eq!(blank_comments("{{!-- open"), "{{!-- open");
    }

    #[test]
    fn builtin_templates_parse() {
        for (name, text) in BUILTIN {
            let mut hb = Handlebars::new();
            hb.register_template_string(name, text).unwrap();
        }
    }
}
