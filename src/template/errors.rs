//! Handlebars' errors, in handbill's words: the template, the line and
//! column of the tag, what is wrong with it and what to do.

use handlebars::{RenderError, RenderErrorReason, TemplateError, TemplateErrorReason};
use serde_json::Value;

use super::Template;
use crate::error::{Error, Location, did_you_mean};

/// The helpers a template may call: Handlebars' own and handbill's.
pub const HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len", "t", "calc",
];

/// A template that does not compile.
pub fn compile_error(template: &Template, e: &TemplateError) -> Error {
    let at = |line: usize, column: usize| {
        Location::at_line(&template.path, &template.text, line, column)
    };
    let (line, column) = e.pos().unwrap_or((1, 1));
    // The blocks, counted in the text itself: an unclosed one is reported
    // where it opens, not at the end of the file where Handlebars notices.
    if let Some(fault) = block_fault(&template.text) {
        return match fault {
            BlockFault::Unclosed { name, line, column } => Error::new(format!(
                "the template's `{{{{#{name}}}}}` here is never closed"
            ))
            .at(at(line, column))
            .help(format!("add `{{{{/{name}}}}}` where the block ends")),
            BlockFault::Stray { name, line, column } => Error::new(format!(
                "the template's `{{{{/{name}}}}}` here closes no block"
            ))
            .at(at(line, column))
            .help(format!(
                "remove it, or open the block before it with `{{{{#{name} …}}}}`"
            )),
            BlockFault::Crossed {
                open,
                close,
                line,
                column,
            } => Error::new(format!(
                "the template's `{{{{/{close}}}}}` here closes a `{{{{#{open}}}}}` block"
            ))
            .at(at(line, column))
            .help(format!(
                "close the inner block first: `{{{{#{open} …}}}}…{{{{/{open}}}}}`"
            )),
            BlockFault::OpenTag { line, column } => {
                let comment = template
                    .text
                    .lines()
                    .nth(line - 1)
                    .and_then(|l| l.chars().nth(column - 1 + 2))
                    == Some('!');
                let (what, end) = if comment {
                    (
                        "comment `{{!`",
                        "end the comment with `--}}` (or `}}` after `{{!`)",
                    )
                } else {
                    ("`{{`", "end the tag with `}}`")
                };
                Error::new(format!("the template's {what} here is never closed"))
                    .at(at(line, column))
                    .help(end)
            }
        };
    }
    let (message, help) = match e.reason() {
        TemplateErrorReason::MismatchingClosedHelper(open, close)
        | TemplateErrorReason::MismatchingClosedDecorator(open, close) => (
            format!("the template's `{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`"),
            format!("close it with `{{{{/{open}}}}}`"),
        ),
        TemplateErrorReason::InvalidParam(p) => (
            format!("the template's tag holds `{p}`, which is not a value or a name"),
            "write names with dots (`values.headline`) and text in double quotes".into(),
        ),
        TemplateErrorReason::NestedSubexpression => (
            "the template nests `( … )` inside `( … )` in one tag".into(),
            "use one level of parentheses, or `{{#with}}` around the tag".into(),
        ),
        _ => (
            "the template's tag here is not valid Handlebars".into(),
            "a tag is `{{name}}`, `{{helper value \"text\"}}` or a block `{{#if name}}…{{/if}}`; see docs/templates.md".into(),
        ),
    };
    Error::new(message).at(at(line, column)).help(help)
}

/// A fault in how a template's blocks open and close.
#[derive(Debug, PartialEq)]
enum BlockFault {
    Unclosed {
        name: String,
        line: usize,
        column: usize,
    },
    Stray {
        name: String,
        line: usize,
        column: usize,
    },
    Crossed {
        open: String,
        close: String,
        line: usize,
        column: usize,
    },
    OpenTag {
        line: usize,
        column: usize,
    },
}

/// Pairs `{{#name}}` with `{{/name}}` (comments and raw blocks aside).
fn block_fault(text: &str) -> Option<BlockFault> {
    let place = |offset: usize| {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    };
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find("{{").map(|o| at + o) {
        let rest = &text[start..];
        let end_mark = if rest.starts_with("{{!--") {
            "--}}"
        } else {
            "}}"
        };
        // A tag ends before the next one starts.
        let next = rest[2..].find("{{").map(|n| n + 2);
        let end = rest.find(end_mark).filter(|&e| {
            rest.starts_with("{{!") || next.is_none_or(|n| e < n || rest[n..].starts_with("{{{"))
        });
        let Some(end) = end.map(|e| start + e + end_mark.len()) else {
            let (line, column) = place(start);
            return Some(BlockFault::OpenTag { line, column });
        };
        if rest.starts_with("{{{{") {
            // A raw block: its inside is not Handlebars; let it be.
            return None;
        }
        let inside = text[start + 2..end - 2]
            .trim_start_matches('{')
            .trim_start_matches('~')
            .trim_start();
        let name = |s: &str| {
            s.split(|c: char| c.is_whitespace() || c == '}' || c == '~')
                .next()
                .unwrap_or("")
                .to_string()
        };
        if let Some(opened) = inside.strip_prefix('#') {
            let opened = opened.trim_start_matches(['>', '*']);
            open.push((name(opened), start));
        } else if let Some(closed) = inside.strip_prefix('/') {
            let closed = name(closed);
            let (line, column) = place(start);
            match open.pop() {
                None => {
                    return Some(BlockFault::Stray {
                        name: closed,
                        line,
                        column,
                    });
                }
                Some((o, _)) if o != closed => {
                    return Some(BlockFault::Crossed {
                        open: o,
                        close: closed,
                        line,
                        column,
                    });
                }
                Some(_) => {}
            }
        }
        at = end;
    }
    open.pop().map(|(name, offset)| {
        let (line, column) = place(offset);
        BlockFault::Unclosed { name, line, column }
    })
}

/// A template that compiled but could not be filled in with `data`.
pub fn render_error(template: &Template, e: &RenderError, data: &Value) -> Error {
    let location = match (e.line_no, e.column_no) {
        (Some(line), Some(col)) => Location::at_line(&template.path, &template.text, line, col),
        _ => Location::file(&template.path),
    };
    let (message, help) = match e.reason() {
        RenderErrorReason::MissingVariable(Some(name)) => match lookup(data, name) {
            // There, but not what the tag needs: `{{#each}}` over text.
            Some(value) => (
                format!("the template's tag cannot use `{name}`, which is {}", kind_of(value)),
                Some("`{{#each}}` goes through a list or a mapping, `{{#with}}` needs a mapping; see docs/templates.md".into()),
            ),
            None => missing_value(name, data),
        },
        RenderErrorReason::MissingVariable(None) => (
            "the template uses a value that is not there".into(),
            Some("wrap its use in {{#if …}}…{{/if}}; see docs/templates.md for what templates are given".into()),
        ),
        RenderErrorReason::HelperNotFound(name) | RenderErrorReason::DecoratorNotFound(name) => (
            format!("the template calls `{name}`, which is not a helper handbill knows"),
            Some(match did_you_mean(name, HELPERS.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the helpers are: {}", HELPERS.join(", ")),
            }),
        ),
        RenderErrorReason::ParamNotFoundForIndex(helper, i) => (
            format!("`{}` needs a value in place {} and has none", tag(helper), i + 1),
            Some(helper_usage(helper)),
        ),
        RenderErrorReason::ParamNotFoundForName(helper, _) => (
            format!("`{}` needs a value and has none", tag(helper)),
            Some(helper_usage(helper)),
        ),
        RenderErrorReason::ParamTypeMismatchForName(helper, name, expected)
        | RenderErrorReason::HashTypeMismatchForName(helper, name, expected) => (
            format!("`{}` was given `{name}`, which is not {}", tag(helper), kind(expected)),
            Some(helper_usage(helper)),
        ),
        RenderErrorReason::InvalidParamType(expected) => (
            format!("a helper here was given a value that is not {}", kind(expected)),
            Some("`{{#each}}` takes a list or a mapping; `{{calc}}` takes numbers".into()),
        ),
        RenderErrorReason::BlockContentRequired => (
            "this helper works only as a block, `{{#name …}}…{{/name}}`".into(),
            Some("write it as a block with its closing tag".into()),
        ),
        RenderErrorReason::PartialNotFound(name) => (
            format!("the template includes `{{{{> {name}}}}}`, and there is no such partial"),
            Some("a handbill template is one file: copy the partial's text in where it is used".into()),
        ),
        RenderErrorReason::PartialBlockNotFound | RenderErrorReason::CannotIncludeSelf => (
            "the template includes a partial that is not there".into(),
            Some("a handbill template is one file: copy the partial's text in where it is used".into()),
        ),
        RenderErrorReason::InvalidJsonPath(path) | RenderErrorReason::InvalidJsonIndex(path) => (
            format!("`{path}` is not a name the template can look up"),
            Some("write names with dots, e.g. `values.event.when`; go through a list with {{#each}}".into()),
        ),
        // handbill's helpers (`calc`, `t`) say it in their own words.
        // The first line is the message, the rest what to do.
        RenderErrorReason::Other(message) => match message.split_once('\n') {
            Some((message, help)) => (message.to_string(), Some(help.to_string())),
            None => (message.clone(), None),
        },
        RenderErrorReason::IOError(io) if io.kind() == std::io::ErrorKind::Other => {
            // handbill's own output writer stopped the template.
            (
                io.get_ref()
                    .map_or_else(|| "the template's output could not be written".into(), |m| m.to_string()),
                None,
            )
        }
        _ => (
            "the template could not be filled in here".into(),
            Some("check the tag against docs/templates.md".into()),
        ),
    };
    let mut err = Error::new(message).at(location);
    if let Some(help) = help {
        err = err.help(help);
    }
    err
}

/// The value at a dotted path of the data, if there is one.
fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(data, |v, part| v.get(part))
        .filter(|v| !v.is_null())
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "text",
        Value::Number(_) => "a number",
        Value::Bool(_) => "`true` or `false`",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
        Value::Null => "empty",
    }
}

/// `{{titel}}`: what is missing and the nearest name the data has.
fn missing_value(name: &str, data: &Value) -> (String, Option<String>) {
    let message = format!("the template uses `{name}`, which has no value");
    let near = nearest_name(name, data);
    let suggest = near
        .as_deref()
        .map_or(String::new(), |n| format!("did you mean `{n}`? "));
    let help = match name.strip_prefix("values.") {
        Some(key) => format!(
            "{suggest}add `{key}:` under `values:` in the briefing, or wrap its use in the template in {{{{#if {name}}}}}…{{{{/if}}}}"
        ),
        None if !suggest.is_empty() => {
            format!("{suggest}see docs/templates.md for what templates are given")
        }
        None => format!("`{name}` is not something templates are given; see docs/templates.md"),
    };
    (message, Some(help))
}

/// The name in `data` closest to `name`: by whole dotted path, or by its
/// last part among the keys of any mapping (a name inside `{{#each}}` is
/// looked up in the entry, not from the top).
fn nearest_name(name: &str, data: &Value) -> Option<String> {
    let mut paths = Vec::new();
    let mut keys = Vec::new();
    collect(data, String::new(), 0, &mut paths, &mut keys);
    keys.sort();
    keys.dedup();
    paths.retain(|p| p != name);
    if let Some(p) = did_you_mean(name, paths.iter().map(String::as_str)) {
        return Some(p.to_string());
    }
    let (head, last) = name.rsplit_once('.').unwrap_or(("", name));
    keys.retain(|k| k != last);
    let key = did_you_mean(last, keys.iter().map(String::as_str))?;
    Some(if head.is_empty() {
        key.to_string()
    } else {
        format!("{head}.{key}")
    })
}

/// Every dotted path of `value` (a few levels deep; lists by their first
/// entry) and every key of every mapping.
fn collect(
    value: &Value,
    prefix: String,
    depth: usize,
    paths: &mut Vec<String>,
    keys: &mut Vec<String>,
) {
    if depth > 4 || paths.len() > 2000 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                keys.push(k.clone());
                paths.push(path.clone());
                collect(v, path, depth + 1, paths, keys);
            }
        }
        Value::Array(list) => {
            if let Some(first) = list.first() {
                collect(first, String::new(), depth + 1, &mut Vec::new(), keys);
            }
        }
        _ => {}
    }
}

/// A helper as a template writes it: `{{#each}}` for the block helpers.
fn tag(helper: &str) -> String {
    match helper {
        "if" | "unless" | "each" | "with" => format!("{{{{#{helper}}}}}"),
        _ => format!("{{{{{helper}}}}}"),
    }
}

fn helper_usage(helper: &str) -> String {
    match helper {
        "each" => "write `{{#each sections}}…{{/each}}`".into(),
        "if" | "unless" | "with" => format!("write `{{{{#{helper} name}}}}…{{{{/{helper}}}}}`"),
        "lookup" => "write `{{lookup images \"name\"}}`".into(),
        "calc" => "write e.g. `{{calc format.width \"-\" 20}}`".into(),
        "t" => "write e.g. `{{t \"Contents\"}}`".into(),
        _ => "see docs/templates.md".into(),
    }
}

/// Handlebars' names for kinds of value, in words.
fn kind(expected: &str) -> &'static str {
    match expected {
        "object" | "map" => "a mapping",
        "array" | "list" | "array or object" => "a list",
        "string" => "text",
        "number" | "u64" | "i64" | "f64" => "a number",
        "bool" | "boolean" => "`true` or `false`",
        _ => "the right kind of value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_pair_up_or_say_where_they_do_not() {
        assert_eq!(
            block_fault("{{#if a}}{{#each b}}x{{/each}}{{/if}}{{! {{#x}} }}"),
            None
        );
        assert_eq!(
            block_fault("<p>\n  {{#each sections}}\n<h1>{{title}}</h1>\n"),
            Some(BlockFault::Unclosed {
                name: "each".into(),
                line: 2,
                column: 3
            })
        );
        assert_eq!(
            block_fault("{{#if a}}x{{/if}}\n{{/each}}"),
            Some(BlockFault::Stray {
                name: "each".into(),
                line: 2,
                column: 1
            })
        );
        assert_eq!(
            block_fault("{{#if a}}{{#each b}}{{/if}}{{/each}}"),
            Some(BlockFault::Crossed {
                open: "each".into(),
                close: "if".into(),
                line: 1,
                column: 21
            })
        );
        assert_eq!(
            block_fault("<p>{{values.x</p>"),
            Some(BlockFault::OpenTag { line: 1, column: 4 })
        );
        // Not closed before the next tag opens.
        assert_eq!(
            block_fault("<p>{{values.x</p>\n{{#each s}}{{/each}}"),
            Some(BlockFault::OpenTag { line: 1, column: 4 })
        );
        assert_eq!(
            block_fault("{{{body}}} {{! a {{b}} }} {{!-- {{#x}} --}}"),
            None
        );
    }

    #[test]
    fn the_nearest_name_in_the_data() {
        let data = serde_json::json!({
            "briefing": {"title": "T", "lang": "en"},
            "values": {"headline": "H", "event": {"when": "noon"}},
            "sections": [{"id": "a", "title": "A", "body": "b"}],
        });
        assert_eq!(nearest_name("titel", &data).as_deref(), Some("title"));
        assert_eq!(
            nearest_name("values.headlin", &data).as_deref(),
            Some("values.headline")
        );
        assert_eq!(
            nearest_name("briefing.titel", &data).as_deref(),
            Some("briefing.title")
        );
        assert_eq!(
            nearest_name("values.event.whn", &data).as_deref(),
            Some("values.event.when")
        );
        assert_eq!(nearest_name("zebra", &data), None);
    }
}
