//! The check of what a template prints as text: a briefing value that is
//! a mapping or a list, or empty, where the template prints it as it is
//! (`{{values.event.when}}`, or `{{when}}` inside `{{#with values.event}}`,
//! or each item of a list in `{{#each}}`), would put `[object]`, brackets
//! or a blank on the page; so would handbill's own data printed whole
//! (`{{sections}}`).

use handlebars::template::{BlockParam, Parameter, TemplateElement};
use serde_json::Value;

use super::Compiled;
use crate::error::{Error, Location, Result};
use crate::model::Briefing;

impl Compiled {
    /// Refuses a briefing value that the template prints as it is
    /// (`{{values.event}}`) but that is a mapping or a list (text in
    /// brackets or braces, unquoted): Handlebars would put `[object]`, or
    /// the list's items in brackets, on the page; or that is empty where
    /// no `{{#if}}` around it tests it.
    ///
    /// Handbill's own data (`data`, what the template is given: `sections`,
    /// `format`, `briefing` …) printed as text where it is a mapping or a
    /// list is refused too, at the template's line: that is the template's
    /// fault, not the briefing's.
    pub fn check_printed_values(&self, briefing: &Briefing, data: &Value) -> Result<()> {
        let mut printed = Vec::new();
        for (name, _, _) in &self.pieces {
            if let Some(piece) = self.hb.get_template(name) {
                printed_paths(
                    &piece.elements,
                    &mut Vec::new(),
                    &mut Vec::new(),
                    &mut printed,
                );
            }
        }
        for (path, tested, written) in printed {
            let Some(key) = path.strip_prefix("values.") else {
                self.check_own_data(data, &path, &written)?;
                continue;
            };
            for (value, item) in values_at(&briefing.values, key) {
                let shows = match value {
                    Value::Object(_) => "a mapping, which would print as `[object]`",
                    Value::Array(_) => "a list, which would print as its items in brackets",
                    // `headline:` with nothing after it: a blank where the
                    // template prints it whatever it holds.
                    Value::Null if !tested => "empty, which would print as nothing",
                    _ => continue,
                };
                // The key as written in the briefing, and which item of a
                // list the template prints in a loop (at the list's key:
                // an item has none of its own).
                let written = key.replace(".*", "");
                let at = item.as_ref().map_or(written.as_str(), |(list, _)| list);
                let at = briefing.value_location(&format!("values.{at}"));
                let last = written.rsplit('.').next().unwrap_or(&written);
                let (what, help) = match (item, value) {
                    (Some((list, item)), Value::Null) => (
                        format!("`values.{list}` {item}{}", rest_of(key, &list)),
                        format!(
                            "give {item} of `{last}:` its text, or have the template print it only if it has one (`{{{{#if this}}}}…{{{{/if}}}}`)"
                        ),
                    ),
                    (Some((list, item)), _) => (
                        format!("`values.{list}` {item}{}", rest_of(key, &list)),
                        format!(
                            "give {item} of `{last}:` one value, in quotes if it starts with a brace or a bracket, or have the template print one of its entries"
                        ),
                    ),
                    (None, Value::Null) => (
                        format!("`values.{key}`"),
                        format!(
                            "give `{last}:` its text after the colon, or have the template print it only if it has one (`{{{{#if values.{key}}}}}…{{{{/if}}}}`)"
                        ),
                    ),
                    (None, _) => (
                        format!("`values.{key}`"),
                        format!(
                            "give `{last}:` one value, in quotes if it starts with a brace or a bracket (`{last}: \"[…]\"`), or have the template print one of its entries (`{{{{values.{key}.NAME}}}}`)"
                        ),
                    ),
                };
                return Err(Error::new(format!(
                    "{what} is {shows}: template {} prints it as text",
                    self.template.path.display()
                ))
                .at(at)
                .help(help));
            }
        }
        Ok(())
    }
}

impl Compiled {
    /// Refuses handbill's own data at `path` printed as text (`{{sections}}`,
    /// `{{this}}` inside `{{#each sections}}`) where it is a mapping or a
    /// list; `written` is the name as the template writes it.
    fn check_own_data(&self, data: &Value, path: &str, written: &str) -> Result<()> {
        for (value, item) in values_at(data, path) {
            let shows = match value {
                Value::Object(_) => "a mapping, which would print as `[object]`",
                Value::Array(_) => "a list, which would print as its items in brackets",
                _ => continue,
            };
            let what = match &item {
                Some((list, item)) => format!("`{list}` {item}{}", rest_of(path, list)),
                None => format!("`{path}`"),
            };
            let text = &self.template.text;
            let at = [
                format!("{{{{{written}}}}}"),
                format!("{{{{ {written} }}}}"),
                format!("{{{{{{{written}}}}}}}"),
            ]
            .iter()
            .find_map(|tag| text.find(tag.as_str()))
            .map_or_else(
                || Location::file(&self.template.path),
                |offset| Location::at_offset(&self.template.path, text, offset),
            );
            return Err(Error::new(format!(
                "template {} prints {what} as text, but it is {shows}",
                self.template.path.display()
            ))
            .at(at)
            .help("print one of its entries (`{{title}}` inside `{{#each sections}}`), or go through it with `{{#each}}`; docs/templates.md lists what each holds"));
        }
        Ok(())
    }
}

/// The values at `key` (dots between its keys) under `values`, each with,
/// where `key` goes through a loop's items (`list.*`), the list's key and
/// which item (`item 2`, `entry \`when\``), the first loop's only.
fn values_at<'a>(values: &'a Value, key: &str) -> Vec<(&'a Value, Option<(String, String)>)> {
    let mut found = vec![(values, None, String::new())];
    for k in key.split('.') {
        let mut next = Vec::new();
        for (value, item, walked) in found {
            if k != "*" {
                next.extend(value.get(k).map(|v| (v, item, join(&walked, k))));
                continue;
            }
            let named = |which: String| item.clone().or(Some((walked.clone(), which)));
            match value {
                Value::Array(items) => next.extend(
                    (items.iter().enumerate())
                        .map(|(i, v)| (v, named(format!("item {}", i + 1)), walked.clone())),
                ),
                Value::Object(entries) => next.extend(
                    (entries.iter())
                        .map(|(k, v)| (v, named(format!("entry `{k}`")), walked.clone())),
                ),
                _ => {}
            }
        }
        found = next;
    }
    found.into_iter().map(|(v, item, _)| (v, item)).collect()
}

/// What of `key` follows `list` and the item (`list.*.name`: `'s \`name\``).
fn rest_of(key: &str, list: &str) -> String {
    let rest = key[list.len()..].trim_start_matches(".*").replace(".*", "");
    match rest.trim_start_matches('.') {
        "" => String::new(),
        rest => format!("'s `{rest}`"),
    }
}

/// A block that changed what names refer to (`#with`, `#each`): the path
/// of its value from the top of the data (`#with values.event`:
/// `values.event`; `#each values.list`: `values.list.*`, any of its
/// items), none where that is not known (a helper's block); and the name
/// it gives that value, if any (`as |item|`).
struct Scope {
    path: Option<String>,
    named: Option<String>,
}

/// The data paths `elements` print as they are (`{{x}}`, `{{{x}}}`),
/// as written from the top of the data (`values.event.when`), each with
/// whether an `#if` around it tests it, so that it prints only when it has
/// a value, and the name as the template writes it (`when`). `scopes`: the
/// blocks around them, the innermost last;
/// `tested`: what the `#if`s around them test.
fn printed_paths(
    elements: &[handlebars::template::TemplateElement],
    scopes: &mut Vec<Scope>,
    tested: &mut Vec<String>,
    out: &mut Vec<(String, bool, String)>,
) {
    let from_top = |p: &Parameter, scopes: &[Scope]| match (p, p.as_name()) {
        (Parameter::Path(_), Some(name)) => path_from_top(name, scopes),
        _ => None,
    };
    for element in elements {
        match element {
            TemplateElement::Expression(tag) | TemplateElement::HtmlExpression(tag)
                if tag.params.is_empty() && tag.hash.is_empty() =>
            {
                if let Some(path) = from_top(&tag.name, scopes) {
                    let guarded = tested.contains(&path);
                    let written = tag.name.as_name().unwrap_or_default().to_string();
                    out.push((path, guarded, written));
                }
            }
            TemplateElement::HelperBlock(block) => {
                let name = block.name.as_name();
                let test = block.params.first().and_then(|p| from_top(p, scopes));
                // What names refer to in the block's body: the same for
                // `#if` and `#unless`; the value for `#with`; each item for
                // `#each`; not known for other helpers. `{{else}}` keeps
                // the outer names.
                let path = match name {
                    Some("if" | "unless") => None,
                    Some("with") => Some(test.clone()),
                    Some("each") => Some(test.as_ref().map(|p| join(p, "*"))),
                    _ => Some(None),
                };
                let named = match &block.block_param {
                    Some(BlockParam::Single(p) | BlockParam::Pair((p, _))) => {
                        p.as_name().map(str::to_string)
                    }
                    _ => None,
                };
                let body = path.map(|path| Scope { path, named });
                // The branch that runs only when the test has a value.
                for (inner, truthy, pushed) in [
                    (&block.template, name == Some("if"), body),
                    (&block.inverse, name == Some("unless"), None),
                ] {
                    let Some(inner) = inner else { continue };
                    let (outside, depth) = (tested.len(), scopes.len());
                    tested.extend(test.clone().filter(|_| truthy));
                    scopes.extend(pushed);
                    printed_paths(&inner.elements, scopes, tested, out);
                    tested.truncate(outside);
                    scopes.truncate(depth);
                }
            }
            _ => {}
        }
    }
}

/// The path a name written inside `scopes` (see [`printed_paths`]) has
/// from the top of the data, dots between its keys: `when` inside `#with
/// values.event` is `values.event.when`; `../x`, `this`, `./x`, `a/b`,
/// `@root.x` and a block's own name for its value (`as |event|`) as
/// Handlebars reads them. None where a block's value is not known, or for
/// `@index` and the like.
fn path_from_top(name: &str, scopes: &[Scope]) -> Option<String> {
    let (mut base, mut rest) = match name.strip_prefix("@root") {
        Some(rest) if rest.is_empty() || rest.starts_with(['.', '/']) => {
            (String::new(), rest.trim_start_matches(['.', '/']))
        }
        _ => {
            let mut out = 0;
            let mut rest = name;
            while let Some(r) = rest.strip_prefix("../").or((rest == "..").then_some("")) {
                out += 1;
                rest = r;
            }
            let first = rest.split(['.', '/']).next().unwrap_or(rest);
            let inside = &scopes[..scopes.len().saturating_sub(out)];
            match inside
                .iter()
                .rev()
                .find(|s| s.named.as_deref() == Some(first))
            {
                // A block's name for its value.
                Some(scope) if out == 0 => (
                    scope.path.clone()?,
                    rest[first.len()..].trim_start_matches(['.', '/']),
                ),
                _ => match inside.last() {
                    Some(scope) => (scope.path.clone()?, rest),
                    // Outside every block: the top.
                    None => (String::new(), rest),
                },
            }
        }
    };
    if rest.starts_with('@') {
        return None;
    }
    for this in ["this", "."] {
        if rest == this {
            rest = "";
        } else if let Some(r) = rest
            .strip_prefix(this)
            .and_then(|r| r.strip_prefix(['.', '/']))
        {
            rest = r;
        }
    }
    for key in rest.split(['.', '/']).filter(|k| !k.is_empty()) {
        base = join(&base, key);
    }
    Some(base)
}

/// `path` and one more `key`, dots between.
fn join(path: &str, key: &str) -> String {
    match path.is_empty() {
        true => key.to_string(),
        false => format!("{path}.{key}"),
    }
}

#[cfg(test)]
mod tests;
