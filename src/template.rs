//! Stage 4, template: a Handlebars template turns the briefing, the profile
//! and the chosen sections into layout markup.
//!
//! The built-in templates (`templates/*.hbs`) are compiled into the binary; a
//! briefing may instead name its own `.hbs` file inside the project. Values
//! are escaped for the markup by default (`{{x}}`), so user text can never
//! add markup; only the section bodies, which handbill itself produced from
//! Markdown and escaped, are inserted raw (`{{{body}}}`).

use std::path::{Path, PathBuf};

use handlebars::{Handlebars, RenderErrorReason, Renderable};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::error::{Error, Location, Result, Warning, did_you_mean};
use crate::markdown;
use crate::model::{Briefing, Profile, Recipient, Section};
use crate::select::Selection;
use crate::words::Words;

mod builtin;
mod calc;
mod errors;
pub mod origin;
mod pieces;
mod printed;

#[cfg(test)]
use pieces::LONG_PIECE;
use pieces::{blank_comments, pieces};

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

impl Template {
    /// The warning for a template whose `<document lang="…">` is written
    /// with a three-letter code (`rus`) and read as `tag` (`ru`): at `at`,
    /// where the markup found the template wrote the attribute, else at
    /// the template as a whole.
    pub fn lang_renamed(&self, written: &str, tag: &str, at: Option<Location>) -> Warning {
        let attribute = format!("lang=\"{written}\"");
        let at = at.unwrap_or_else(|| Location::file(&self.path));
        crate::language_tag::renamed(&attribute, tag, &format!("lang=\"{tag}\"")).at(at)
    }
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
    let path = crate::project::open(&briefing.project, name).map_err(|r| {
        r.error(
            "the template",
            name,
            "keep templates inside the project, e.g. `templates/my-leaflet.hbs`",
        )
        .at(briefing.template.location.clone())
    })?;
    let text = crate::load::read_text(&path).map_err(|e| match e.location.as_deref() {
        Some(l) if l.line > 0 => e,
        _ => Error {
            location: Some(Box::new(briefing.template.location.clone())),
            ..e
        },
    })?;
    let bytes = text.len() as u64;
    if bytes > MAX_TEMPLATE_BYTES {
        let help = "a template lays the document out: keep its text in the profile's sections and the briefing's values, and repeat with `{{#each}}`";
        return Err(Error::too_large(
            &path,
            "the template",
            bytes,
            "templates",
            MAX_TEMPLATE_BYTES,
        )
        .help(help));
    }
    Ok(Template {
        name: name.clone(),
        path,
        text,
    })
}

/// The largest template handbill reads. Handlebars works out each
/// element's line from the template's start as it compiles, a time that
/// grows with the square of the template's size: 64 KB compile in well
/// under a second, where an 830 KB template of 30,000 `{{t}}` took 25 s.
/// The built-in templates are 3 and 7 KB.
pub const MAX_TEMPLATE_BYTES: u64 = 64 * 1024;

/// A section file's path inside the project, as messages and the preview
/// name it; none for a file that is not below the project folder.
fn in_project<'a>(file: &'a Path, project: &Path) -> Option<&'a Path> {
    let rel = file.strip_prefix(project).unwrap_or(file);
    let below = rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    below.then_some(rel)
}

/// Which of a section's two bodies a template's tags name: (`body`,
/// `body_plain`). A template that names neither gets `body`, whose making
/// checks the section's Markdown.
fn bodies_named(template_text: &str) -> (bool, bool) {
    let (mut body, mut plain) = (false, false);
    for tag in template_text.split("{{").skip(1) {
        let tag = tag.split("}}").next().unwrap_or("");
        for word in tag.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')) {
            body |= word == "body";
            plain |= word == "body_plain";
        }
    }
    (body || !plain, plain)
}

/// What a template sees, before a personalised copy fills in its recipient
/// ([`for_recipient`]). See docs/templates.md for every field. Of a
/// section's two bodies, only those `template_text` names are made: each
/// reads the section's Markdown again (both check it alike).
pub fn data(
    briefing: &Briefing,
    profile: &Profile,
    selection: &Selection,
    format: &crate::format::Format,
    words: &Words,
    template_text: &str,
) -> Result<Value> {
    let (with_notes, plain) = bodies_named(template_text);
    let places = markdown::Places::new(&selection.sections, &profile.sections, briefing.audience);
    // The sections' markup made so far, all together: a template prints it,
    // and may print no more than `MAX_OUTPUT`, so more is refused as it is
    // made rather than held whole (sections whose notes are each printed at
    // many marks can each make up to that much).
    let made = std::sync::atomic::AtomicUsize::new(0);
    // Which section goes past depends on which is made first, so the
    // message names none: it points at the briefing's `sections:`.
    let count = |markup: String| -> Result<String> {
        let so_far = made.fetch_add(markup.len(), std::sync::atomic::Ordering::Relaxed);
        if so_far + markup.len() > MAX_OUTPUT {
            return Err(Error::new(format!(
                "the chosen sections make more than {} MiB of layout markup together, more than a template may print",
                MAX_OUTPUT >> 20
            ))
            .help("choose fewer sections, or mark long footnotes fewer times: a note is printed again at each of its marks")
            .at(briefing.key_location("sections")));
        }
        Ok(markup)
    };
    // Each section's markup on every core (a long pack has thousands); the
    // first fault in the briefing's order is the one told.
    let sections: Vec<Result<Value>> = (selection.sections.par_iter())
        .map(|s| {
            // Each block names its place in the section file (`src`).
            let file = in_project(&s.file, &briefing.project);
            let mut section = json!({
                "id": s.id,
                "title": s.title,
                "tags": s.tags,
                "audience": s.audience.to_string(),
            });
            if with_notes {
                let markup = markdown::section_markup_at(s, &profile.sources, true, &places, file)?;
                section["body"] = count(markup)?.into();
            }
            if plain {
                let markup =
                    markdown::section_markup_at(s, &profile.sources, false, &places, file)?;
                section["body_plain"] = count(markup)?.into();
            }
            Ok(section)
        })
        .collect();
    let sections = sections.into_iter().collect::<Result<Vec<Value>>>()?;
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
    let mut is_cited: std::collections::HashSet<&str> = Default::default();
    for section in &selection.sections {
        for (key, _) in crate::citations::cited_sources(section) {
            if let Some((k, _)) = profile.sources.get_key_value(key)
                && is_cited.insert(k.as_str())
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
    let keywords = keywords(briefing, &selection.sections);
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
            "tables": match briefing.tables {
                crate::model::Tables::Fit => "fit",
                crate::model::Tables::Stack => "stack",
            },
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
pub fn for_recipient(mut data: Value, recipient: &Recipient) -> Value {
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

/// Renders `template` with `data` into layout markup.
pub fn render(template: &Template, data: &Value) -> Result<String> {
    compile(template)?.render(data.clone())
}

/// A template compiled once, to fill in for every copy of a briefing.
pub struct Compiled {
    hb: Handlebars<'static>,
    /// The names the template's pieces are registered under, in order, each
    /// with the number of lines before it and of characters before it on
    /// its first line (see [`pieces`]).
    pieces: Vec<(String, usize, usize)>,
    template: Template,
    /// Whether the pieces were compiled with handbill (a built-in
    /// template's, see [`builtin`]), so they know no places.
    ahead: bool,
}

/// Compiles `template`: a syntax error is reported here, with its place.
/// A built-in template's pieces were compiled with handbill itself.
pub fn compile(template: &Template) -> Result<Compiled> {
    match builtin::pieces(&template.text, &template.name) {
        Some(built) => {
            let mut hb = registry();
            let mut names = Vec::new();
            for (name, lines_before, piece) in built {
                hb.register_template(&name, piece);
                names.push((name, lines_before, 0));
            }
            Ok(Compiled {
                hb,
                pieces: names,
                template: template.clone(),
                ahead: true,
            })
        }
        None => compile_text(template),
    }
}

/// A Handlebars registry with handbill's escaping and helpers.
fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(markdown::escape);
    hb.register_helper("t", Box::new(translate_helper));
    hb.register_helper("calc", Box::new(calc::Calc));
    hb
}

/// Compiles `template` from its text, in pieces.
fn compile_text(template: &Template) -> Result<Compiled> {
    let mut hb = registry();
    let text = blank_comments(&template.text);
    check_nesting(template, &text)?;
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
        names.push((name, piece.lines_before, piece.columns_before));
    }
    if names.is_empty() {
        hb.register_template_string(&template.name, &*text)
            .map_err(|e| errors::compile_error(template, &e))?;
        names.push((template.name.clone(), 0, 0));
    }
    Ok(Compiled {
        hb,
        pieces: names,
        template: template.clone(),
        ahead: false,
    })
}

/// How deeply a template's blocks (`{{#if}}`, `{{#each}}`…) and, within
/// one tag, its parenthesised helper calls may nest. Handlebars reads and
/// fills in both recursively; real templates use a few levels.
pub const MAX_NESTING: usize = 32;

/// Refuses blocks or helper calls nested deeper than [`MAX_NESTING`], at
/// the tag that goes too deep. `text` has its comments blanked.
fn check_nesting(template: &Template, text: &str) -> Result<()> {
    let too_deep = |at: usize, what: &str| {
        Error::new(format!(
            "the template nests {what} more than {MAX_NESTING} deep"
        ))
        // The blanked text keeps every line and column of the template's.
        .at({
            let found = Location::at_offset(&template.path, text, at);
            Location::at_line(&template.path, &template.text, found.line, found.column)
        })
        .help(format!(
            "use at most {MAX_NESTING} levels, one inside another: join conditions, or close a block before opening the next"
        ))
    };
    let mut blocks = 0usize;
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|o| at + o) {
        let Some(close) = text[open..].find("}}").map(|c| open + c) else {
            break;
        };
        let inside = text[open + 2..close].trim_start_matches(['{', '~', ' ']);
        match inside.chars().next() {
            Some('#' | '^') if !inside.starts_with("#>") => blocks += 1,
            Some('/') => blocks = blocks.saturating_sub(1),
            _ => {}
        }
        if blocks > MAX_NESTING {
            return Err(too_deep(open, "blocks ({{#if}}, {{#each}} …)"));
        }
        let mut parens = 0usize;
        for (i, c) in inside.char_indices() {
            match c {
                '(' => parens += 1,
                ')' => parens = parens.saturating_sub(1),
                _ => {}
            }
            if parens > MAX_NESTING {
                let offset = close - inside.len() + i;
                return Err(too_deep(offset.min(close), "helper calls in parentheses"));
            }
        }
        at = close + 2;
    }
    Ok(())
}

/// A number with its thousands marked: 1,000,000.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The document's keywords: the briefing's, or else the chosen sections'
/// tags, each once.
pub fn keywords(briefing: &Briefing, sections: &[Section]) -> Vec<String> {
    match &briefing.keywords {
        Some(list) => list.clone(),
        None => {
            // Found by a set: a section of 80,000 tags, each looked for in
            // the list so far, took 15 s.
            let mut seen = std::collections::HashSet::new();
            let all = sections.iter().flat_map(|s| &s.tags);
            all.filter(|tag| seen.insert(tag.as_str()))
                .cloned()
                .collect()
        }
    }
}

/// The most markup one copy of a template may make: 64 MiB, some sixteen
/// sections of the largest size a section file may have (the markdown
/// stage refuses a section's notes past the same).
pub const MAX_OUTPUT: usize = markdown::MAX_MARKUP;

/// The most repetitions of `{{#each}}` bodies one copy may make, all loops
/// together (a loop over no values counts one): loops inside loops multiply,
/// and even an empty body takes time.
pub const MAX_ITERATIONS: usize = 1_000_000;

/// What one copy of a template has made so far, counted as it is made.
#[derive(Default)]
struct Budget {
    iterations: std::sync::atomic::AtomicUsize,
}

/// The markup made so far; it refuses to grow past [`MAX_OUTPUT`].
struct Markup {
    text: String,
    over: bool,
}

impl handlebars::Output for Markup {
    fn write(&mut self, seg: &str) -> std::io::Result<()> {
        if self.text.len() + seg.len() > MAX_OUTPUT {
            self.over = true;
            return Err(std::io::Error::other("the template makes too much markup"));
        }
        self.text.push_str(seg);
        Ok(())
    }
}

/// `{{#each}}`, as Handlebars's own works (`this`, `@index`, `@key`,
/// `@first`, `@last`, block parameters `as |value key|`, `{{else}}`), but
/// counting its repetitions in the copy's budget before it starts them.
/// Handlebars does not let its own be wrapped, so this one stands in for it.
struct CountedEach(std::sync::Arc<Budget>);

impl handlebars::HelperDef for CountedEach {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        rc: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        let param = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("each", 0))?;
        let Some(body) = h.template() else {
            return Ok(());
        };
        // (key, value) of each repetition; arrays are keyed by index.
        let entries: Vec<(Value, &Value)> = match param.value() {
            Value::Array(list) if !list.is_empty() || h.inverse().is_none() => list
                .iter()
                .enumerate()
                .map(|(i, v)| (json!(i), v))
                .collect(),
            Value::Object(map) if !map.is_empty() || h.inverse().is_none() => {
                map.iter().map(|(k, v)| (json!(k), v)).collect()
            }
            _ => {
                return match h.inverse() {
                    Some(otherwise) => otherwise.render(r, ctx, rc, out),
                    None if r.strict_mode() => {
                        Err(handlebars::RenderError::strict_error(param.relative_path()))
                    }
                    None => Ok(()),
                };
            }
        };
        let count = entries.len().max(1);
        let before = self
            .0
            .iterations
            .fetch_add(count, std::sync::atomic::Ordering::Relaxed);
        if before + count > MAX_ITERATIONS {
            return Err(RenderErrorReason::Other("loops repeat too often".into()).into());
        }
        let is_object = param.value().is_object();
        let path = param.context_path();
        let mut block = handlebars::BlockContext::new();
        match path {
            Some(p) => block.base_path_mut().clone_from(p),
            None => block.set_base_value(param.value().clone()),
        }
        rc.push_block(block);
        let last = entries.len().saturating_sub(1);
        for (i, (key, value)) in entries.into_iter().enumerate() {
            if let Some(block) = rc.block_mut() {
                block.set_local_var("first", json!(i == 0));
                block.set_local_var("last", json!(i == last));
                block.set_local_var("index", json!(i));
                if is_object {
                    block.set_local_var("key", key.clone());
                }
                let step = match &key {
                    Value::String(k) => k.clone(),
                    _ => i.to_string(),
                };
                match path {
                    Some(p) => {
                        let mut here = p.clone();
                        here.push(step);
                        *block.base_path_mut() = here;
                    }
                    None => block.set_base_value(value.clone()),
                }
                let mut params = handlebars::BlockParams::new();
                let mut named = false;
                if let Some(name) = h.block_param() {
                    named = true;
                    match path {
                        Some(_) => params.add_path(name, Vec::new())?,
                        None => params.add_value(name, value.clone())?,
                    }
                } else if let Some((name, key_name)) = h.block_param_pair() {
                    named = true;
                    match path {
                        Some(_) => params.add_path(name, Vec::new())?,
                        None => params.add_value(name, value.clone())?,
                    }
                    params.add_value(key_name, key)?;
                }
                if named {
                    block.set_block_params(params);
                }
            }
            body.render(r, ctx, rc, out)?;
        }
        rc.pop_block();
        Ok(())
    }
}

impl Compiled {
    /// Fills the template in with `data` into layout markup. The data is
    /// taken, not borrowed: Handlebars renders from its own copy, and a
    /// copy for a recipient is made anyway. What it makes is counted as it
    /// is made ([`MAX_OUTPUT`], [`MAX_ITERATIONS`]), so a template cannot
    /// run away with the computer's time or memory.
    pub fn render(&self, data: Value) -> Result<String> {
        let template = &self.template;
        // The data is wrapped once for all the pieces.
        let context = handlebars::Context::from(data);
        let budget = std::sync::Arc::new(Budget::default());
        let mut out = Markup {
            text: String::new(),
            over: false,
        };
        let rendered = (self.pieces.iter()).try_for_each(|(name, lines_before, columns_before)| {
            let Some(piece) = self.hb.get_template(name) else {
                return Ok(());
            };
            // As Handlebars renders a registered template, with the
            // counting `each` in place of its own.
            let mut rc = handlebars::RenderContext::new(piece.name.as_ref());
            rc.register_local_helper("each", Box::new(CountedEach(budget.clone())));
            piece
                .render(&self.hb, &context, &mut rc, &mut out)
                .map_err(|mut e| {
                    if e.line_no == Some(1) {
                        e.column_no = e.column_no.map(|c| c + columns_before);
                    }
                    e.line_no = e.line_no.map(|l| l + lines_before);
                    e
                })
        });
        let iterations = budget.iterations.load(std::sync::atomic::Ordering::Relaxed);
        if self.ahead && (rendered.is_err() || out.over || iterations > MAX_ITERATIONS) {
            // Pieces compiled ahead know no places: the same copy again,
            // from the template compiled here, for a message that has them.
            return compile_text(template)?.render(context.data().clone());
        }
        if out.over || iterations > MAX_ITERATIONS {
            let (what, help) = if out.over {
                (
                    format!("more than {} MiB of layout markup", MAX_OUTPUT >> 20),
                    "a loop inside a loop repeats its body for every pair of values: loop over fewer values, or print a section's body once",
                )
            } else {
                (
                    format!(
                        "more than {} repetitions of {{{{#each}}}}",
                        grouped(MAX_ITERATIONS)
                    ),
                    "a loop inside a loop repeats for every pair of values (1,000 values in three loops, one inside the other, make a thousand million): loop over fewer values or take the inner loops out",
                )
            };
            let mut err = Error::new(format!(
                "the template {} makes too much: {what}",
                template.path.display()
            ))
            .help(help);
            err = match rendered
                .as_ref()
                .err()
                .and_then(|e| e.line_no.zip(e.column_no))
            {
                Some((line, col)) => {
                    err.at(Location::at_line(&template.path, &template.text, line, col))
                }
                None => err.at(Location::file(&template.path)),
            };
            return Err(err);
        }
        rendered.map_err(|e| errors::render_error(template, &e, context.data()))?;
        Ok(out.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template of `text`, named `t`.
    pub(super) fn tpl(text: &str) -> Template {
        Template {
            name: "t".into(),
            path: PathBuf::from("t.hbs"),
            text: text.into(),
        }
    }

    #[test]
    fn only_the_bodies_a_template_names_are_made() {
        assert_eq!(bodies_named("{{{body}}}"), (true, false));
        assert_eq!(bodies_named("{{{body_plain}}}"), (false, true));
        assert_eq!(bodies_named("{{{body_plain}}}{{{body}}}"), (true, true));
        // Neither: `body`, for the checks its making makes.
        assert_eq!(bodies_named("{{title}}"), (true, false));
        // Only tags count, and whole names.
        assert_eq!(
            bodies_named("<p class=\"body\">{{{this.body_plain}}}{{nobody}}</p>"),
            (false, true)
        );
        assert_eq!(bodies_named("{{lookup this \"body\"}}"), (true, false));
        for (name, text) in BUILTIN {
            let (body, plain) = bodies_named(text);
            assert!(body != plain, "{name} prints one of a section's bodies");
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
        assert!(
            err.message.contains("`{{#if}}` here is never closed"),
            "{err}"
        );
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 1));
        assert_eq!(
            err.help.as_deref(),
            Some("add `{{/if}}` where the block ends")
        );
        // Not a block fault: Handlebars' place, our words.
        let err = render(&tpl("<p>\n  {{values.x y=}}</p>"), &json!({})).unwrap_err();
        assert_eq!(
            err.message,
            "the template's tag here is not valid Handlebars"
        );
        assert_eq!(err.location.unwrap().line, 2);
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
        assert!(
            err.message
                .contains("needs numbers, and `format.name` is the text “a5”"),
            "{err}"
        );
        assert_eq!(err.location.unwrap().line, 2);
    }

    #[test]
    fn calc_reads_exponents_and_gives_numbers_to_calc() {
        let data = json!({"format": {"width": 99.0}});
        for (expr, gives) in [
            // Handlebars reads those with a small `e` as names: they are the
            // numbers written.
            ("1e3 \"/\" 100", "10"),
            ("1.5e2 \"-\" 1", "149"),
            ("-1e-1 \"*\" 10", "-1"),
            ("2.5E1 \"+\" 0", "25"),
            // A calc inside another gives it a number, not text.
            ("(calc format.width \"/\" 2) \"*\" 2", "99"),
            ("(calc 1 \"/\" 3) \"*\" 3", "0.99"),
            ("0 \"-\" 0.001", "0"),
            ("format.width \"*\" 1.5", "148.5"),
        ] {
            let t = tpl(&format!("<p>{{{{calc {expr}}}}}</p>"));
            assert_eq!(
                render(&t, &data).unwrap(),
                format!("<p>{gives}</p>"),
                "{expr}"
            );
        }
        // A name that has a value is read as the value, even one that looks
        // like a number.
        let t = tpl("<p>{{calc 1e3 \"+\" 1}}</p>");
        assert_eq!(render(&t, &json!({"1e3": 5})).unwrap(), "<p>6</p>");
    }

    #[test]
    fn calc_says_what_a_wrong_value_is_without_dumping_it() {
        let data = json!({"format": {"width": 99.0, "sides": [{"name": "front", "panels": []}], "folded": false},
            "values": {"headline": "Free them all, every one of the prisoners held in Kazakhstan"}});
        let said = |expr: &str| {
            let err = render(&tpl(&format!("<p>{{{{calc {expr}}}}}</p>")), &data).unwrap_err();
            assert!(!err.message.contains("\"name\""), "{}", err.message);
            err.message
        };
        for (expr, says) in [
            (
                "format \"+\" 1",
                "`format` is a group of values (folded, sides, width)",
            ),
            ("format.sides \"+\" 1", "`format.sides` is a list of 1 item"),
            (
                "values.headline \"+\" 1",
                "`values.headline` is the text “Free them all, every one of the prisoner…”",
            ),
            ("1 \"+\" nothing.here", "`nothing.here` has no value"),
            ("1 \"+\" format.folded", "`format.folded` is a yes or no"),
            ("1 \"+\" true", "`true` is a yes or no"),
            ("1 format \"+\" 1", "was given `format` where"),
        ] {
            let message = said(expr);
            assert!(message.contains(says), "{expr}: {message}");
        }
    }

    #[test]
    fn calc_refuses_division_by_zero_and_says_where() {
        let data = json!({"format": {"width": 99.0, "gutter": 0, "big": 1e308}});
        let fails = |text: &str| {
            let err = render(&tpl(text), &data).unwrap_err();
            assert_eq!(
                err.help.as_deref(),
                Some("write e.g. `{{calc format.width \"-\" 20}}`")
            );
            let loc = err.location.clone().unwrap();
            assert_eq!((loc.file.to_str(), loc.line), (Some("t.hbs"), 2), "{err}");
            err.message
        };
        let said = fails("<p>\n{{calc format.width \"/\" format.gutter}}</p>");
        assert!(
            said.contains("divides by `format.gutter`, which is zero"),
            "{said}"
        );
        let said = fails("<p>\n{{calc format.width \"/\" 0}}</p>");
        assert!(said.contains("divides by `0`"), "{said}");
        let said = fails("<p>\n{{calc format.big \"*\" 10}}</p>");
        assert!(said.contains("too large"), "{said}");
        let said = fails("<p>\n{{calc 1E16 \"+\" 0}}</p>");
        assert!(said.contains("too large"), "{said}");
        let said = fails("<p>\n{{calc format.width \"%\" 2}}</p>");
        assert!(said.contains("was given \"%\" where"), "{said}");
        let said = fails("<p>\n{{calc format.width \"+\"}}</p>");
        assert!(
            said.contains("ends with \"+\", and a number must follow it"),
            "{said}"
        );
        let said = fails("<p>\n{{calc \"12\" \"+\" 1}}</p>");
        assert!(said.contains("and \"12\" is text in quotes"), "{said}");
        // The message is one line; what to do is the help.
        for said in [
            fails("<p>\n{{calc format.width \"/\" 0}}</p>"),
            fails("<p>\n{{calc format.width \"-\" \"x\"}}</p>"),
        ] {
            assert!(
                said.starts_with("`{{calc}}`") && !said.contains('\n'),
                "{said}"
            );
        }
    }

    #[test]
    fn render_errors_are_in_our_words() {
        let data = json!({"briefing": {"title": "T"}, "values": {"headline": "H"},
            "sections": [{"title": "S", "body": "b"}]});
        let fails = |text: &str| render(&tpl(text), &data).unwrap_err();
        // A misspelt name inside a loop: the nearest name of the entry.
        let err = fails("<p>\n{{#each sections}}{{titel}}{{/each}}</p>");
        assert_eq!(err.message, "the template uses `titel`, which has no value");
        assert!(
            err.help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `title`?"),
            "{err}"
        );
        assert_eq!(err.location.as_deref().unwrap().line, 2);
        let err = fails("<p>{{values.headlin}}</p>");
        assert!(
            err.help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `values.headline`? add `headlin:` under `values:`"),
            "{err}"
        );
        let err = fails("<p>\n  {{shout values.headline}}</p>");
        assert_eq!(
            err.message,
            "the template calls `shout`, which is not a helper handbill knows"
        );
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
        let err = fails("<p>{{lookp values \"headline\"}}</p>");
        assert_eq!(err.help.as_deref(), Some("did you mean `lookup`?"));
        let err = fails("<p>{{> footer}}</p>");
        assert!(
            err.message
                .contains("`{{> footer}}`, and there is no such partial"),
            "{err}"
        );
        let err = fails("<p>{{#each}}x{{/each}}</p>");
        assert!(
            err.message.contains("`{{#each}}` needs a value in place 1"),
            "{err}"
        );
        let err = fails("<p>\n{{!-- a note</p>");
        assert_eq!(
            err.message,
            "the template's comment `{{!` here is never closed"
        );
        assert_eq!(err.location.as_deref().unwrap().line, 2);
        let err = fails("<p>{{len}}</p>");
        assert_eq!(err.message, "`{{len}}` needs a value and has none");
        let err = fails("<p>{{#each briefing.title}}x{{/each}}</p>");
        assert_eq!(
            err.message,
            "the template's tag cannot use `briefing.title`, which is text"
        );
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

    /// A long template is cut where no block is open, a long line of plain
    /// tags inside it: the output is the same, and a message's column
    /// counts from its line's start.
    #[test]
    fn a_long_template_is_cut_into_short_pieces_and_renders_as_a_whole() {
        let lines = "<p>{{a}}</p>\n".repeat(400);
        let long_line = "{{a}} {{{b}}} ".repeat(300);
        let text = format!(
            "<document>\n{lines}{{{{#if a}}}}\n<p>{{{{b}}}}</p>\n{{{{/if}}}}\n{long_line}\n{lines}</document>\n"
        );
        let cut = pieces(&text);
        assert!(
            cut.iter().all(|p| p.bytes.len() < 2 * LONG_PIECE),
            "{:?}",
            cut.iter().map(|p| p.bytes.len()).collect::<Vec<_>>()
        );
        assert!(
            cut.iter().any(|p| p.columns_before > 0),
            "the long line is cut"
        );
        // Each piece compiles on its own (else the whole is compiled).
        for p in &cut {
            let piece = &text[p.bytes.clone()];
            assert!(
                handlebars::Template::compile(piece).is_ok(),
                "{:?}",
                &piece[..piece.len().min(80)]
            );
        }
        for data in [json!({"a": "x&y", "b": 2}), json!({"a": "", "b": "<b>"})] {
            assert_eq!(
                render(&tpl(&text), &data).unwrap(),
                render_whole(&text, &data)
            );
        }
        // A tag that fails at the end of the long line, in its last piece.
        let failing = text.replace(
            &format!("{long_line}\n"),
            &format!("{long_line}{{{{calc 1 \"^\" 2}}}}\n"),
        );
        let err = render(&tpl(&failing), &json!({"a": 1, "b": 2})).unwrap_err();
        let at = err.location.unwrap();
        assert_eq!(
            (at.line, at.column),
            (405, long_line.chars().count() + 1),
            "{}",
            err.message
        );
    }

    /// A long line with blocks, comments and triple-stash tags among the
    /// values, and lines of tags that stand alone: cut inside the long line
    /// only where no tag is left alone, it renders as a whole does.
    #[test]
    fn a_long_line_of_blocks_and_values_renders_cut_as_it_does_whole() {
        let segment = "{{a}} {{#if a}}y{{/if}} {{{b}}} {{! a note }} {{b}}  \
                       {{#each xs}}[{{this}}]{{/each}}\t{{#unless a}}n{{else}}m{{/unless}}{{a}}";
        let standalone = "  {{#if a}}\n  <p>{{b}}</p>\n  {{/if}}\n  {{! note }}\n";
        let text = format!(
            "<document>\n{}\n{standalone}{}{{{{#if b}}}}\n{standalone}{{{{/if}}}}\n</document>\n",
            segment.repeat(60),
            segment.repeat(40)
        );
        let cut = pieces(&text);
        assert!(
            cut.iter().filter(|p| p.columns_before > 0).count() >= 4,
            "the long lines are cut inside: {:?}",
            cut.iter()
                .map(|p| (p.bytes.len(), p.columns_before))
                .collect::<Vec<_>>()
        );
        for p in &cut {
            assert!(handlebars::Template::compile(&text[p.bytes.clone()]).is_ok());
        }
        for data in [
            json!({"a": "x", "b": "<b>", "xs": [1, 2]}),
            json!({"a": "", "b": "", "xs": []}),
            json!({"a": 0, "b": "&", "xs": ["q"]}),
        ] {
            assert_eq!(
                render(&tpl(&text), &data).unwrap(),
                render_whole(&text, &data),
                "{data}"
            );
        }
        // A long line of values that ends with a block's opening: for some
        // length the piece would reach its bound right before it.
        let data = json!({"a": "x", "b": "y"});
        for n in 330..=350 {
            let text = format!(
                "<document>\n{}{{{{#if b}}}}\n<p>{{{{b}}}}</p>\n{{{{/if}}}}\n</document>\n",
                "{{a}} ".repeat(n)
            );
            assert_eq!(
                render(&tpl(&text), &data).unwrap(),
                render_whole(&text, &data),
                "{n} values"
            );
        }
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
                hb.register_helper("calc", Box::new(calc::Calc));
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
    fn a_built_in_template_compiled_ahead_fails_where_it_fails_compiled_here() {
        for (name, text) in BUILTIN {
            let template = Template {
                name: name.to_string(),
                path: PathBuf::from(format!("templates/{name}.hbs (built in)")),
                text: text.to_string(),
            };
            let ahead = compile(&template).unwrap();
            assert!(ahead.ahead, "{name} is compiled with handbill");
            // Strict: the first value the template reads is missing.
            let data = json!({"briefing": {"lang": "en"}, "format": {"sides": []}});
            let err = ahead.render(data.clone()).unwrap_err();
            let here = compile_text(&template).unwrap().render(data).unwrap_err();
            assert_eq!(err, here, "{name}");
            let at = err.location.expect("a place");
            assert!(at.line > 1 && at.column >= 1, "{name}: {at:?}");
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
        assert!(
            err.message.contains("`{{#each}}` here is never closed"),
            "{err}"
        );
        assert_eq!(err.location.unwrap().line, 8);
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

    /// The counting `each` fills templates in as Handlebars's own does.
    #[test]
    fn the_counting_each_renders_as_handlebars_does() {
        let data = json!({
            "list": ["a", "<b>", "c"],
            "map": {"x": 1, "y": {"z": 2}},
            "rows": [{"n": "r1", "cells": [1, 2]}, {"n": "r2", "cells": []}],
            "empty": [],
            "title": "T",
        });
        let templates = [
            "{{#each list}}[{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}:{{this}}]{{/each}}",
            "{{#each map}}{{@key}}={{@index}};{{/each}}",
            "{{#each map as |v k|}}{{k}}{{/each}}",
            "{{#each list as |item i|}}{{i}}:{{item}} {{../title}};{{/each}}",
            "{{#each rows}}{{n}}({{#each cells}}{{this}}{{../n}}{{else}}none{{/each}}){{/each}}",
            "{{#each empty}}x{{else}}nothing{{/each}}",
            "{{#each empty}}x{{/each}}end",
            "{{#each rows as |row|}}{{row.n}}{{#each row.cells as |c|}}{{c}}{{/each}}{{/each}}",
        ];
        for text in templates {
            let mut hb = Handlebars::new();
            hb.set_strict_mode(true);
            hb.register_escape_fn(markdown::escape);
            let expected = hb.render_template(text, &data).unwrap();
            assert_eq!(render(&tpl(text), &data).unwrap(), expected, "{text}");
        }
        // A missing list is an error in strict mode, as with Handlebars's.
        assert!(render(&tpl("{{#each nothing}}x{{/each}}"), &data).is_err());
    }

    #[test]
    fn loops_inside_loops_stop_at_the_limit_naming_the_template() {
        let values: Vec<u32> = (0..1000).collect();
        let data = json!({"values": {"list": values}});
        // Empty bodies: nothing is written, the repetitions are counted.
        let text = "<document>\n{{#each values.list}}{{#each ../values.list}}{{#each ../../values.list}}{{/each}}{{/each}}{{/each}}</document>";
        let err = render(&tpl(text), &data).unwrap_err();
        assert!(err.message.contains("t.hbs"), "{}", err.message);
        assert!(err.message.contains("repetitions"), "{}", err.message);
        assert_eq!(err.location.unwrap().line, 2);
        // Just under the limit, it is filled in.
        let few = json!({"values": {"list": (0..999).collect::<Vec<u32>>()}});
        let two = "{{#each values.list}}{{#each ../values.list}}{{/each}}{{/each}}";
        assert!(render(&tpl(two), &few).is_ok());
    }

    #[test]
    fn a_template_that_makes_too_much_markup_stops_at_the_limit() {
        let big = "x".repeat(1 << 20);
        let data = json!({"values": {"big": big, "list": (0..100).collect::<Vec<u32>>()}});
        let text = "<p>{{#each values.list}}{{../values.big}}{{/each}}</p>";
        let err = render(&tpl(text), &data).unwrap_err();
        assert!(
            err.message.contains("MiB of layout markup"),
            "{}",
            err.message
        );
        assert!(err.message.contains("t.hbs"), "{}", err.message);
        // 60 copies of 1 MiB fit.
        let data =
            json!({"values": {"big": "x".repeat(1 << 20), "list": (0..60).collect::<Vec<u32>>()}});
        assert_eq!(render(&tpl(text), &data).unwrap().len(), 60 << 20 | 7);
    }

    #[test]
    fn blocks_and_helper_calls_nested_too_deeply_are_refused_where_they_start() {
        let n = MAX_NESTING;
        let ok = format!("{}x{}", "{{#if a}}".repeat(n), "{{/if}}".repeat(n));
        assert_eq!(render(&tpl(&ok), &json!({"a": true})).unwrap(), "x");
        let deep = format!(
            "<p>\n{{{{!-- a comment --}}}}{}x{}",
            "{{#if a}}".repeat(n + 1),
            "{{/if}}".repeat(n + 1)
        );
        let err = render(&tpl(&deep), &json!({"a": true})).unwrap_err();
        assert!(err.message.contains("nests blocks"), "{}", err.message);
        let at = err.location.unwrap();
        assert_eq!((at.line, at.column), (2, 21 + 9 * n));
        let calls = format!(
            "{{{{calc {}1{}}}}}",
            "(calc ".repeat(n + 1),
            ")".repeat(n + 1)
        );
        let err = render(&tpl(&calls), &json!({})).unwrap_err();
        assert!(err.message.contains("helper calls"), "{}", err.message);
    }
}
