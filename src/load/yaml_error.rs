//! serde-saphyr's errors, in handbill's words.
//!
//! The YAML reader's messages are written for programmers ("mapping values
//! are not allowed in this context", "use Option<String>"). Each kind of
//! error a briefing, profile, section front matter, format or theme file can
//! cause gets its own sentence here, the key it is about, the place where
//! the fault really is (a tab, an unclosed bracket, the first of two equal
//! keys) and a line saying what to do.

use std::path::Path;

use serde_saphyr::Error as YamlError;
use serde_saphyr::budget::BudgetBreach;

use crate::error::{Error, Location, did_you_mean};

mod syntax;

/// handbill's message for a YAML error in `text`, which starts on line
/// `first_line` of `file`.
pub(super) fn yaml_error(file: &Path, text: &str, first_line: usize, err: &YamlError) -> Error {
    let place = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize, l.column().max(1) as usize));
    let words = Words::new(file, text, place);
    let (message, help, moved) = words.explain(err.without_snippet());
    let mut error = Error::new(message);
    if let Some(help) = help {
        error = error.help(help);
    }
    match moved.or(place) {
        Some((line, column)) => {
            let whole = Location::at_line(file, text, line, column);
            error.at(Location {
                line: line + first_line - 1,
                ..whole
            })
        }
        None => error.at(Location::file(file)),
    }
}

/// A message, its help, and a better place than the reader's, if any.
type Explained = (String, Option<String>, Option<(usize, usize)>);

/// What a message needs to know about the file.
struct Words<'a> {
    text: &'a str,
    /// Where the reader stopped: line and column, from 1.
    place: Option<(usize, usize)>,
    /// The manual page for this kind of file.
    manual: &'static str,
    /// What the file is called in a message: "the briefing", "the front matter".
    what: &'static str,
}

impl<'a> Words<'a> {
    fn new(file: &Path, text: &'a str, place: Option<(usize, usize)>) -> Words<'a> {
        let name = file.to_string_lossy();
        let (manual, what) = if name.ends_with(".md") {
            ("docs/profile.md", "the front matter")
        } else if name.ends_with("profile.yaml") {
            ("docs/profile.md", "the profile")
        } else if name.contains("formats/") {
            ("docs/print.md", "the format")
        } else if name.contains("themes/") {
            ("docs/theme.md", "the theme")
        } else if name.contains("words/") {
            ("docs/words.md", "the word file")
        } else {
            ("docs/briefing.md", "the briefing")
        };
        Words {
            text,
            place,
            manual,
            what,
        }
    }

    /// Whether the text names an anchor (`&name`) that aliases may repeat.
    fn has_anchor(&self) -> bool {
        let b = self.text.as_bytes();
        b.iter().enumerate().any(|(i, &c)| {
            c == b'&'
                && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'[' | b'{' | b','))
                && (b.get(i + 1))
                    .is_some_and(|n| n.is_ascii_alphanumeric() || matches!(n, b'_' | b'-'))
        })
    }

    fn explain(&self, err: &YamlError) -> Explained {
        use YamlError as E;
        // An unclosed `[` or `{` makes the reader stumble somewhere after
        // it, or take what follows for part of a list: point at it.
        if let Some((line, column, open)) = self.unclosed_bracket() {
            let help = if open == '[' {
                "end the list with `]` on the same line, or write it as `- ` lines"
            } else {
                "end the mapping with `}` on the same line, or write it as indented `key: value` lines"
            };
            return (
                format!("the `{open}` here is never closed"),
                Some(help.to_string()),
                Some((line, column)),
            );
        }
        let key = match err {
            // These point at the value, which may be a mapping or list
            // under its key; serde's own point at the key.
            E::Unexpected { .. } | E::ExternallyTaggedEnumExpectedScalarOrMapping { .. } => {
                self.value_key()
            }
            _ => self.key(),
        };
        // "`audience:`", or "this value" when no key is in sight.
        let named = key
            .as_deref()
            .map_or("this value".to_string(), |k| format!("`{k}:`"));
        let plain = |m: String, h: String| (m, Some(h), None);
        match err {
            E::WithSnippet { error, .. } => self.explain(error),
            E::AliasError { error, .. } => self.explain(error),
            E::ExternalMessage { source, .. } => match &**source {
                serde_saphyr::ExternalMessageSource::Parser(scan) => self.syntax(scan.kind()),
                _ => self.unreadable(),
            },
            // Our own visitors' messages (and serde's `custom`): already ours.
            E::Message { msg, .. } | E::HookError { msg, .. } => (msg.clone(), None, None),
            E::Eof { .. } => {
                let blank = self
                    .text
                    .lines()
                    .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
                if blank {
                    let needs = match self.what {
                        "the briefing" => "`profile:`, `template:`, `audience:` and `sections:`",
                        "the profile" => "`title:`, `publisher:`, `date:` and `lang:`",
                        "the front matter" => "`id:` and `title:`",
                        _ => "its keys",
                    };
                    (
                        format!("{} is empty", self.what),
                        Some(format!("it needs at least {needs}; see {}", self.manual)),
                        Some((1, 1)),
                    )
                } else {
                    plain(
                        "the file ends in the middle of a value".into(),
                        "look for an unclosed quote or bracket near the end".into(),
                    )
                }
            }
            E::MultipleDocuments { .. } => {
                let at = self.place.map(|(line, _)| {
                    let marker = (1..line).rev().find(|&l| {
                        let t = self.line(l).trim_end();
                        t == "---" || t == "..." || t.starts_with("--- ")
                    });
                    (marker.unwrap_or(line), 1)
                });
                (
                    "a line `---` starts a second YAML document here; the file must be one".into(),
                    Some(format!(
                        "remove the `---` line (put a second briefing in a file of its own); see {}",
                        self.manual
                    )),
                    at,
                )
            }
            E::Unexpected { expected, .. } => {
                let found = self.found();
                let wanted = match *expected {
                    "string scalar" | "scalar" => "text",
                    "sequence start" => "a list",
                    "mapping start" => "a mapping of `key: value` lines",
                    _ => "another kind of value",
                };
                if self.place.is_some_and(|(_, c)| c == 1) && key.is_none() {
                    let said = if self.place.is_some_and(|(l, _)| l == 1) {
                        format!(
                            "{} must be `key: value` lines, but it is {found}",
                            self.what
                        )
                    } else {
                        format!(
                            "{} must be `key: value` lines, and this line is {found}",
                            self.what
                        )
                    };
                    return plain(
                        said,
                        format!(
                            "write the key, a colon and a space, then the value; if the line goes on with the text above, indent it or put that text in quotes; see {}",
                            self.manual
                        ),
                    );
                }
                if found == wanted || found == "an alias" {
                    // An alias or a tag: what it stands for is of the wrong kind.
                    return plain(
                        format!("{named} must be {wanted}; what is given here is of another kind"),
                        wrong_type_help(wanted, key.as_deref()),
                    );
                }
                plain(
                    format!("{named} must be {wanted}, not {found}"),
                    wrong_type_help(wanted, key.as_deref()),
                )
            }
            E::NullIntoString { .. } | E::InvalidCharNull { .. } => plain(
                format!("{named} has no value"),
                format!("write the text after the colon, e.g. `{}: …`", key_or(&key)),
            ),
            E::ExternallyTaggedEnumExpectedScalarOrMapping { .. }
            | E::UnexpectedValueForUnitEnumVariant { .. }
            | E::ExpectedStringKeyForExternallyTaggedEnum { .. } => plain(
                format!("{named} must be one word, not {}", self.found()),
                choices_help(key.as_deref(), &[], self.manual),
            ),
            E::InvalidScalar { ty, .. } => {
                let wanted = scalar_kind(ty);
                plain(
                    format!("{named} must be {wanted}"),
                    format!("write {wanted} after `{}:`", key_or(&key)),
                )
            }
            E::InvalidBooleanStrict { .. } => plain(
                format!("{named} must be `true` or `false`"),
                format!(
                    "write `{}: true` or `{}: false`",
                    key_or(&key),
                    key_or(&key)
                ),
            ),
            E::NonFiniteFloat { value, .. } => plain(
                format!("`{value}` is not a number handbill can use"),
                "write an ordinary number, e.g. `12` or `0.5`".into(),
            ),
            E::SerdeInvalidType {
                unexpected,
                expected,
                ..
            }
            | E::SerdeInvalidValue {
                unexpected,
                expected,
                ..
            } => {
                let wanted = serde_expected(expected);
                plain(
                    format!(
                        "{named} must be {wanted}, not {}",
                        serde_unexpected(unexpected)
                    ),
                    wrong_type_help(&wanted, key.as_deref()),
                )
            }
            E::SerdeInvalidLength { len, expected, .. } => {
                let wanted = serde_expected(expected);
                plain(
                    format!(
                        "{named} has {len} value{}; it must be {wanted}",
                        plural(*len)
                    ),
                    format!("see {}", self.manual),
                )
            }
            E::SerdeUnknownVariant {
                variant, expected, ..
            } => {
                if variant.is_empty() || variant == "~" || variant == "null" {
                    return plain(
                        format!("{named} has no value"),
                        choices_help(key.as_deref(), expected, self.manual),
                    );
                }
                let help = match did_you_mean(variant, expected.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`? {}", one_of(expected)),
                    None => choices_help(key.as_deref(), expected, self.manual),
                };
                plain(
                    format!("{named} is `{variant}`, which handbill does not know"),
                    help,
                )
            }
            E::SerdeUnknownField {
                field, expected, ..
            } => {
                let help = match did_you_mean(field, expected.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if expected.is_empty() => format!("remove it; see {}", self.manual),
                    None => format!(
                        "remove it, or use one of the keys allowed here: {}",
                        expected.join(", ")
                    ),
                };
                plain(format!("`{field}:` is not a key of {}", self.part()), help)
            }
            E::SerdeMissingField { field, .. } => {
                let help = if *field == "audience" {
                    "say who may read it: add `audience: public` (or `delegation`, `confidential`)"
                        .to_string()
                } else {
                    format!("add a line `{field}: …`; see {}", self.manual)
                };
                // The whole file: shown at its first key, not its last.
                let at = self.place.filter(|&(_, c)| c == 1).and_then(|_| {
                    self.text
                        .lines()
                        .position(|l| !l.trim().is_empty() && !l.starts_with('#'))
                        .map(|i| (i + 1, 1))
                });
                (
                    format!("{} has no `{field}:`, which it needs", self.part()),
                    Some(help),
                    at,
                )
            }
            E::DuplicateMappingKey { key: dup, .. } => {
                let name = dup.clone().or(key).unwrap_or_else(|| "this key".into());
                let first = self.first_use_of(&name);
                let said = match first {
                    Some(l) => format!("`{name}:` is given twice (first on line {})", l),
                    None => format!("`{name}:` is given twice"),
                };
                plain(
                    said,
                    "keep one of them: a key has one value (a list, if you need several)".into(),
                )
            }
            E::UnknownAnchor { .. } => {
                let alias = self.word_after_at('*');
                plain(
                    format!("`*{alias}` refers to no `&{alias}` above it"),
                    format!(
                        "write `&{alias}` before the value it names, or write the value itself"
                    ),
                )
            }
            E::RecursiveReferencesRequireWeakTypes { .. } => {
                let alias = self.word_after_at('*');
                plain(
                    format!(
                        "`*{alias}` is used inside the value `&{alias}` names: it would contain itself"
                    ),
                    format!("remove `*{alias}` from inside its own value"),
                )
            }
            E::MergeKeyNotAllowed { .. } | E::MergeValueNotMapOrSeqOfMaps { .. } => plain(
                "`<<:` merges only mappings into this one".into(),
                "write `<<: *name` where `&name` marks a mapping, or write the keys out".into(),
            ),
            E::UnsupportedTag { tag, .. } | E::TaggedStructFieldName { tag, .. } => plain(
                format!("handbill does not read YAML tags such as `{tag}`"),
                format!("remove `{tag}`; to use another file's text, copy it in"),
            ),
            E::InvalidBinaryBase64 { .. }
            | E::BinaryNotUtf8 { .. }
            | E::TaggedScalarCannotDeserializeIntoString { .. }
            | E::BytesNotSupportedMissingBinaryTag { .. } => plain(
                "handbill does not read YAML tags such as `!!binary` here".into(),
                "remove the tag and write the value as plain text".into(),
            ),
            // Without an anchor no alias repeated anything: the file is
            // simply too large.
            E::Budget {
                breach: BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. },
                ..
            } if !self.has_anchor() => plain(
                "the YAML holds too many values: more than 250,000".into(),
                "split what it lists over several files, or remove repeated entries".into(),
            ),
            E::Budget { breach, .. } => budget(breach),
            E::AliasReplayCounterOverflow { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. } => {
                budget(&BudgetBreach::Aliases { aliases: 0 })
            }
            E::InvalidUtf8Input => plain(
                "the file is not UTF-8 text".into(),
                "save the file with UTF-8 encoding".into(),
            ),
            E::IndentationError { .. } | E::FoldedBlockScalarMustIndentContent { .. } => plain(
                "this line is not indented as the lines around it".into(),
                indent_help(),
            ),
            _ => self.unreadable(),
        }
    }

    /// For a kind of fault no sentence above covers.
    fn unreadable(&self) -> Explained {
        (
            "this is not YAML handbill can read".into(),
            Some(format!(
                "compare the line with the examples in {}; a value holding `:`, `#`, `[`, `{{`, `&`, `*`, `!`, `|`, `>`, `%`, `@` or quotes needs to be in quotes",
                self.manual
            )),
            None,
        )
    }

    /// The key whose value starts at the reader's place: for a mapping or
    /// list that begins a line, the key above it.
    fn value_key(&self) -> Option<String> {
        let (line, column) = self.place?;
        let before: String = self.line(line).chars().take(column - 1).collect();
        let starts_line = before.trim_start_matches([' ', '-']).is_empty();
        if starts_line && matches!(self.found(), "a mapping" | "a list") {
            return self.parent_key();
        }
        self.key()
    }

    /// The key of the nearest line above the reader's place that is
    /// indented less than it.
    fn parent_key(&self) -> Option<String> {
        let (line, column) = self.place?;
        let indent = indent_of(self.line(line)).min(column - 1);
        (1..line).rev().map(|l| self.line(l)).find_map(|l| {
            (!l.trim().is_empty() && !l.trim_start().starts_with('#') && indent_of(l) < indent)
                .then(|| last_key(l))
                .flatten()
        })
    }

    /// What the mapping at the reader's place is part of: the whole file
    /// (at the left margin) or the key it is under.
    fn part(&self) -> String {
        let Some((line, column)) = self.place else {
            return self.what.to_string();
        };
        if indent_of(self.line(line)).min(column - 1) == 0 {
            return self.what.to_string();
        }
        match self.parent_key() {
            Some(p) => format!("`{p}:`"),
            None => "this part".into(),
        }
    }

    /// Line `n` (from 1) of the text, or "".
    fn line(&self, n: usize) -> &'a str {
        self.text.lines().nth(n.saturating_sub(1)).unwrap_or("")
    }

    /// The character at the reader's place.
    fn char_at_place(&self) -> Option<char> {
        let (line, column) = self.place?;
        self.line(line).chars().nth(column - 1)
    }

    /// The key the value at the reader's place belongs to: the last `key:`
    /// before it on its line, or else the key of the nearest line above
    /// that is indented less.
    fn key(&self) -> Option<String> {
        let (line, column) = self.place?;
        let this = self.line(line);
        let before: String = this.chars().take(column - 1).collect();
        let upto: String = this.chars().take(column).collect();
        if let Some(k) = last_key(&before).or_else(|| last_key(&upto)) {
            return Some(k);
        }
        // At a key itself (`titel: x` at column 1): that key.
        let at: String = this.chars().skip(column - 1).collect();
        if let Some((k, _)) = at.split_once(':')
            && is_key(k)
        {
            return Some(k.trim().to_string());
        }
        let indent = indent_of(this);
        (1..line).rev().map(|l| self.line(l)).find_map(|l| {
            (!l.trim().is_empty() && indent_of(l) < indent)
                .then(|| last_key(l))
                .flatten()
        })
    }

    /// What the value at the reader's place is, in words.
    fn found(&self) -> &'static str {
        let Some((line, column)) = self.place else {
            return "this kind of value";
        };
        let rest: String = self.line(line).chars().skip(column - 1).collect();
        // Past an anchor (`&name`) or a tag (`!tag`) to the value itself.
        let mut rest = rest.trim_start();
        while rest.starts_with(['&', '!']) {
            rest = rest.split_once(' ').map_or("", |(_, r)| r).trim_start();
        }
        if rest.starts_with('*') {
            "an alias"
        } else if rest.starts_with('[') || rest.starts_with("- ") || rest == "-" {
            "a list"
        } else if rest.starts_with('{')
            || rest.split_once(": ").is_some_and(|(k, _)| is_key(k))
            || rest.trim_end().ends_with(':')
        {
            "a mapping"
        } else if rest.is_empty() {
            "empty"
        } else {
            "text"
        }
    }

    /// The first line, before the reader's place, that gives `key:` at the
    /// same indentation as the place.
    fn first_use_of(&self, key: &str) -> Option<usize> {
        let (line, column) = self.place?;
        let indent = column - 1;
        (1..line).find(|&l| {
            let t = self.line(l);
            indent_of(t) == indent
                && t.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
        })
    }

    /// The name after `sigil` at or after the reader's place (`*name`).
    fn word_after_at(&self, sigil: char) -> String {
        let Some((line, column)) = self.place else {
            return "name".into();
        };
        let rest: String = self.line(line).chars().skip(column - 1).collect();
        let after = rest.split_once(sigil).map_or("", |(_, a)| a);
        let name: String = after
            .chars()
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
            .collect();
        if name.is_empty() { "name".into() } else { name }
    }

    /// The opening `quote` of a quoted value that ends just before the
    /// reader's place, when it opens on an earlier line.
    fn open_quote_before(&self, quote: char) -> Option<(usize, usize)> {
        let (line, column) = self.place?;
        // The text up to the closing quote the reader took, before the place.
        let before: Vec<(usize, usize, char)> = self
            .text
            .lines()
            .take(line)
            .enumerate()
            .flat_map(|(i, l)| {
                let n = if i + 1 == line {
                    column - 1
                } else {
                    usize::MAX
                };
                l.chars()
                    .take(n)
                    .enumerate()
                    .map(move |(c, ch)| (i + 1, c + 1, ch))
                    .chain(std::iter::once((i + 1, 0, '\n')))
            })
            .collect();
        let closing = before.iter().rposition(|&(_, _, c)| c == quote)?;
        let opening = before[..closing]
            .iter()
            .rposition(|&(_, _, c)| c == quote)?;
        let (l, c, _) = before[opening];
        (l < line).then_some((l, c))
    }

    /// The first tab at or after the start of the reader's line: the
    /// reader may stop after it, or on the line before it.
    fn tab_at_or_after(&self) -> Option<(usize, usize)> {
        let (line, _) = self.place?;
        self.text
            .lines()
            .enumerate()
            .skip(line - 1)
            .find_map(|(i, l)| l.chars().position(|c| c == '\t').map(|c| (i + 1, c + 1)))
    }

    /// A `[` or `{` that starts a value at or before the reader's place
    /// and is never closed (outside quotes and comments). A bracket inside
    /// plain text (`Free them [all`) starts nothing and is not counted.
    fn unclosed_bracket(&self) -> Option<(usize, usize, char)> {
        let (stop_line, _) = self.place?;
        let mut open: Vec<(usize, usize, char)> = Vec::new();
        for (i, l) in self.text.lines().enumerate() {
            let mut quote: Option<char> = None;
            // The last character that is not a space, on this line.
            let mut last = None;
            let mut prev = ' ';
            for (c_i, c) in l.chars().enumerate() {
                let starts_value = last.is_none_or(|p: char| ":-[{,".contains(p));
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') if starts_value => quote = Some(c),
                    (None, '#') if prev == ' ' || prev == '\t' => {
                        break;
                    }
                    (None, '[' | '{') if starts_value || !open.is_empty() => {
                        open.push((i + 1, c_i + 1, c))
                    }
                    (None, ']' | '}') if !open.is_empty() => {
                        open.pop();
                    }
                    _ => {}
                }
                if !c.is_whitespace() {
                    last = Some(c);
                }
                prev = c;
            }
        }
        open.first()
            .copied()
            .filter(|&(line, _, _)| line <= stop_line)
    }
}

/// The last `key:` in `text` (a line or the start of one): the word before
/// its last `: `, or before a colon at its end.
fn last_key(text: &str) -> Option<String> {
    let t = text.trim_end();
    let upto = if let Some(stripped) = t.strip_suffix(':') {
        stripped
    } else {
        t.rsplit_once(": ").map(|(k, _)| k)?
    };
    let word = upto
        .rsplit(|c: char| c.is_whitespace() || "[{,".contains(c))
        .next()?
        .trim_start_matches('-');
    is_key(word).then(|| word.to_string())
}

/// Whether `text` can be a plain key: a word of letters, digits, `-`, `_`.
fn is_key(text: &str) -> bool {
    let t = text.trim().trim_start_matches("- ").trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

fn key_or(key: &Option<String>) -> &str {
    key.as_deref().unwrap_or("key")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn indent_help() -> String {
    "YAML reads structure from indentation: line it up with the entries it belongs with, using spaces".into()
}

fn one_of(expected: &[&str]) -> String {
    if expected.is_empty() {
        String::new()
    } else {
        format!("(one of: {})", expected.join(", "))
    }
}

fn choices_help(key: Option<&str>, expected: &[&str], manual: &str) -> String {
    match (key, expected) {
        (Some("audience"), _) => {
            "say who may read it: `public`, `delegation` or `confidential`".into()
        }
        (Some(k), []) => format!("write one word after `{k}:`, without brackets; see {manual}"),
        (None, []) => format!("write one word, without brackets; see {manual}"),
        (Some(k), list) => format!("`{k}:` takes one of: {}", list.join(", ")),
        (None, list) => format!("write one of: {}", list.join(", ")),
    }
}

fn wrong_type_help(wanted: &str, key: Option<&str>) -> String {
    let key = key.unwrap_or("key");
    if wanted.starts_with("text") {
        format!(
            "write it as text after the colon (`{key}: …`), in quotes if it holds `[`, `{{` or `: `"
        )
    } else if wanted.starts_with("a list") {
        format!(
            "write one entry per line under `{key}:`, each starting with `- `, or `{key}: [a, b]`"
        )
    } else if wanted.starts_with("a mapping") {
        format!("write `name: value` lines under `{key}:`, indented")
    } else if wanted.contains("number") {
        format!("write a number after `{key}:`, e.g. `{key}: 12`")
    } else {
        format!("write {wanted}")
    }
}

/// serde's "expected …" (a visitor's own words or a Rust type) in ours.
fn serde_expected(expected: &str) -> String {
    let e = expected.trim();
    let words = match e {
        "a string" | "a borrowed string" | "string" => "text",
        "a sequence" | "sequence" | "a list" => "a list",
        "a map" | "map" => "a mapping of `name: value` lines",
        "a boolean" | "bool" => "`true` or `false`",
        "a character" | "char" => "a single character",
        "unit" | "null" => "empty",
        "any valid JSON value" => "a value",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "an integer" => {
            "a whole number of 0 or more"
        }
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" | "a float" => "a number",
        _ => "",
    };
    if !words.is_empty() {
        return words.to_string();
    }
    if let Some(n) = e.strip_prefix("an array of length ") {
        return format!("a list of {n} numbers, e.g. `[0, 0, 0, 100]`");
    }
    if let Some(n) = e
        .strip_prefix("a tuple of size ")
        .or_else(|| e.strip_prefix("tuple of size "))
    {
        return format!("a list of {n} values");
    }
    if e.starts_with("struct ") {
        return "a mapping of `name: value` lines".into();
    }
    if e.starts_with("enum ") || e.starts_with("variant ") {
        return "one of the words listed for it in the manual".into();
    }
    // handbill's own visitors say it in words already.
    e.to_string()
}

/// serde's "invalid type: integer `5`" part, in ours.
fn serde_unexpected(unexpected: &str) -> String {
    let u = unexpected.trim();
    let shown = u
        .split_once('`')
        .and_then(|(_, r)| r.rsplit_once('`'))
        .map(|(v, _)| v.to_string())
        .or_else(|| {
            u.split_once('"')
                .map(|(_, r)| r.trim_end_matches('"').to_string())
        });
    let kind = if u.starts_with("integer") || u.starts_with("floating point") {
        "a number"
    } else if u.starts_with("boolean") {
        "`true` or `false`"
    } else if u.starts_with("string") || u.starts_with("character") {
        "text"
    } else if u.starts_with("sequence") {
        "a list"
    } else if u.starts_with("map") {
        "a mapping"
    } else if u.starts_with("unit") || u.starts_with("null") || u.starts_with("Option") {
        "empty"
    } else {
        "another kind of value"
    };
    match shown {
        Some(v) if !v.is_empty() => format!("{kind} (`{v}`)"),
        _ => kind.to_string(),
    }
}

/// serde-saphyr's names for scalar types, in words.
fn scalar_kind(ty: &str) -> &'static str {
    match ty {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number of 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "boolean" | "bool" => "`true` or `false`",
        "char" => "a single character",
        _ => "a number",
    }
}

/// The reader's own limits, in words a person can act on.
fn budget(breach: &BudgetBreach) -> Explained {
    let (m, h) = match breach {
        BudgetBreach::Depth { .. } => (
            "the YAML is nested too deeply",
            "values may be nested about 60 levels deep at most: flatten the structure",
        ),
        BudgetBreach::Nodes { .. }
        | BudgetBreach::Aliases { .. }
        | BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::Events { .. } => (
            "the YAML expands to too many values (aliases repeated inside aliases?)",
            "a briefing or profile holds at most a few hundred thousand values: remove the repeated `*alias` references",
        ),
        _ => (
            "the YAML is too large to read",
            "split the file, or remove repeated parts",
        ),
    };
    (m.to_string(), Some(h.to_string()), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message for `text` read as `T` from `file`, as the user sees it.
    fn said<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Error {
        crate::load::parse_yaml::<T>(Path::new(file), text, 1)
            .err()
            .expect("the YAML is refused")
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct B {
        title: String,
        audience: crate::model::Audience,
        #[serde(default)]
        keywords: Option<Vec<String>>,
        #[serde(default)]
        values: Option<serde_json::Value>,
        #[serde(default)]
        columns: Option<usize>,
        #[serde(default)]
        colors: Option<std::collections::BTreeMap<String, [f32; 4]>>,
    }

    fn check(text: &str, message: &str, help: &str, line_col: (usize, usize)) {
        let err = said::<B>("briefings/b.yaml", text);
        let loc = err.location.as_deref().unwrap();
        assert!(err.message.contains(message), "{text:?}\n{err}");
        assert!(
            err.help.as_deref().unwrap_or("").contains(help),
            "{text:?}\n{err}"
        );
        assert_eq!((loc.line, loc.column), line_col, "{text:?}\n{err}");
    }

    const HEAD: &str = "title: T\naudience: public\n";

    #[test]
    fn a_colon_in_a_value_says_to_quote_it() {
        check(
            "title: Protest: today\naudience: public\n",
            "a colon followed by a space inside a value",
            "`title: \"Protest: today\"`",
            (1, 15),
        );
    }

    #[test]
    fn a_tab_is_shown_where_it_is() {
        check(
            &format!("{HEAD}keywords:\n\t- a\n"),
            "a tab indents this line",
            "spaces",
            (4, 1),
        );
        // The reader stops at the end of the line before.
        check(
            "title: a\n\taudience: public\n",
            "a tab indents",
            "spaces",
            (2, 1),
        );
    }

    #[test]
    fn wrong_indentation() {
        check(
            "title: a\n  audience: public\n",
            "indented more than the one above",
            "end that line with a colon",
            (2, 11),
        );
        check(
            "keywords:\n  - a\n - b\naudience: public\ntitle: T\n",
            "not indented as the lines around it",
            "line it up",
            (3, 2),
        );
    }

    #[test]
    fn an_alias_inside_its_own_anchor() {
        check(
            &format!("{HEAD}values: &a {{x: *a}}\n"),
            "`*a` is used inside the value `&a` names",
            "remove `*a`",
            (3, 16),
        );
        check(
            &format!("{HEAD}values: {{x: *nope}}\n"),
            "`*nope` refers to no `&nope`",
            "write `&nope`",
            (3, 13),
        );
    }

    #[test]
    fn an_empty_value() {
        check(
            "title:\naudience: public\n",
            "`title:` has no value",
            "`title: …`",
            (1, 6),
        );
        check(
            "title: T\naudience:\n",
            "`audience:` has no value",
            "`public`, `delegation` or `confidential`",
            (2, 9),
        );
    }

    #[test]
    fn non_finite_numbers() {
        check(
            &format!("{HEAD}values: {{a: .nan, b: 1}}\n"),
            "`.nan` is not a number",
            "ordinary number",
            (3, 13),
        );
        check(
            &format!("{HEAD}values:\n  size: 1e999\n"),
            "`1e999` is not a number",
            "ordinary number",
            (4, 9),
        );
    }

    #[test]
    fn duplicate_keys_name_the_first() {
        check(
            "title: T\naudience: public\naudience: confidential\n",
            "`audience:` is given twice (first on line 2)",
            "keep one of them",
            (3, 1),
        );
    }

    #[test]
    fn an_empty_file_and_one_that_stops_short() {
        check(
            "",
            "the briefing is empty",
            "`profile:`, `template:`",
            (1, 1),
        );
        check(
            "# nothing yet\n",
            "the briefing is empty",
            "docs/briefing.md",
            (1, 1),
        );
        let err = said::<B>("profiles/x/01-a.md", "\n");
        assert!(err.message.contains("the front matter is empty"), "{err}");
    }

    #[test]
    fn wrong_kinds_of_value() {
        check(
            "title: [a, b]\naudience: public\n",
            "`title:` must be text, not a list",
            "in quotes if it holds",
            (1, 8),
        );
        check(
            "title: {a: b}\naudience: public\n",
            "`title:` must be text, not a mapping",
            "in quotes if it holds",
            (1, 8),
        );
        check(
            &format!("{HEAD}keywords: x\n"),
            "`keywords:` must be a list, not text",
            "`- `",
            (3, 11),
        );
        check(
            &format!("{HEAD}keywords: [a, {{b: c}}]\n"),
            "`keywords:` must be text, not a mapping",
            "quotes",
            (3, 15),
        );
        check(
            &format!("{HEAD}columns: -3\n"),
            "`columns:` must be a whole number of 0 or more",
            "after `columns:`",
            (3, 10),
        );
        check(
            &format!("{HEAD}colors:\n  ink: [1, 2]\n"),
            "`ink:` has 2 values; it must be a list of 4 numbers",
            "docs/briefing.md",
            (4, 3),
        );
        check(
            "title: a\naudience: [public]\n",
            "`audience:` must be one word, not a list",
            "`public`, `delegation` or `confidential`",
            (2, 11),
        );
        check(
            "- a\n- b\n",
            "the briefing must be `key: value` lines, but it is a list",
            "docs/briefing.md",
            (1, 1),
        );
    }

    #[test]
    fn unknown_keys_and_words_suggest_the_nearest() {
        check(
            "title: a\naudiance: public\n",
            "`audiance:` is not a key of the briefing",
            "did you mean `audience`?",
            (2, 1),
        );
        check(
            "title: a\naudience: publik\n",
            "`audience:` is `publik`, which handbill does not know",
            "did you mean `public`?",
            (2, 11),
        );
        check(
            "title: a\naudience: everyone\n",
            "`audience:` is `everyone`",
            "`public`, `delegation` or `confidential`",
            (2, 11),
        );
        check(
            "title: a\n",
            "the briefing has no `audience:`, which it needs",
            "add `audience: public`",
            (1, 1),
        );
    }

    #[test]
    fn quotes_brackets_and_documents() {
        check(
            "title: \"Stop the repression\naudience: public\n",
            "the quote `\"` here is never closed",
            "end the text with `\"`",
            (1, 8),
        );
        check(
            "title: 'it's\naudience: public\n",
            "text goes on after the closing quote",
            "'it''s'",
            (1, 12),
        );
        check(
            &format!("{HEAD}keywords: [a, b\nvalues:\n  x: 1\n"),
            "the `[` here is never closed",
            "`]`",
            (3, 11),
        );
        check(
            &format!("{HEAD}keywords: [a, b]]\n"),
            "this `]` closes nothing",
            "remove it",
            (3, 17),
        );
        check(
            "title: a\naudience: public\n---\ntitle: b\n",
            "starts a second YAML document",
            "remove the `---` line",
            (3, 1),
        );
        check(
            "title: !include x\naudience: public\n",
            "does not read YAML tags such as `!include`",
            "remove `!include`",
            (1, 17),
        );
        check(
            &format!("{HEAD}values:\n  a: \"\\q\"\n"),
            "a backslash in double-quoted text",
            "single quotes",
            (4, 6),
        );
        check(
            "title: @a\naudience: public\n",
            "a value cannot start with `@`",
            "quotes",
            (1, 8),
        );
    }

    #[test]
    fn keys_deeper_in_name_what_they_are_under() {
        check(
            &format!("{HEAD}colors:\n  ink: [0, 0, 0, 100]\n  paper:\n    tint: [1, 2, 3, 4]\n"),
            "`paper:` must be a list, not a mapping",
            "",
            (6, 5),
        );
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct P {
            sources: std::collections::BTreeMap<String, crate::model::Source>,
        }
        let text = "sources:\n  rsf:\n    autor: RSF\n    title: Report\n";
        let err = said::<P>("p/profile.yaml", text);
        assert_eq!(err.message, "`autor:` is not a key of `rsf:`", "{err}");
        assert!(err.help.as_deref().unwrap().contains("`author`"), "{err}");
        let err = said::<P>("p/profile.yaml", "sources:\n  rsf:\n    author: RSF\n");
        assert_eq!(
            err.message, "`rsf:` has no `title:`, which it needs",
            "{err}"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("add a line `title: …`; see docs/profile.md")
        );
    }

    #[test]
    fn a_quote_left_open_is_shown_where_it_opens() {
        check(
            "title: \"Stop it\naudience: public\nvalues:\n  when: \"Saturday\"\n",
            "the quote `\"` here is not closed on its line",
            "end the text with `\"` on this line",
            (1, 8),
        );
    }

    #[test]
    fn brackets_never_closed_and_brackets_in_text() {
        check(
            "title: T\naudience: [public\n",
            "the `[` here is never closed",
            "`]`",
            (2, 11),
        );
        // A legal list over two lines, then another fault.
        check(
            "title: T\nkeywords: [a,\n  b]\naudience: publik\n",
            "`audience:` is `publik`",
            "`public`",
            (4, 11),
        );
        // A bracket inside plain text opens nothing.
        check(
            "title: Free them [all\naudience: publik\n",
            "`audience:` is `publik`",
            "`public`",
            (2, 11),
        );
    }

    #[test]
    fn merge_keys_and_choices() {
        check(
            "title: T\naudience: public\nvalues:\n  <<: 5\n",
            "`<<:` merges only mappings",
            "`<<: *name`",
            (4, 7),
        );
        check(
            "title: T\naudience: confidental\n",
            "`audience:` is `confidental`",
            "did you mean `confidential`?",
            (2, 11),
        );
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct F {
            fit: crate::model::Fit,
        }
        let err = said::<F>("b.yaml", "fit: never\n");
        assert_eq!(
            err.help.as_deref(),
            Some("`fit:` takes one of: exact, shrink"),
            "{err}"
        );
    }

    #[test]
    fn lines_that_are_not_key_value_lines() {
        check(
            "title: T\nformat:a5\naudience: public\n",
            "a colon must be followed by a space",
            "write `format: a5`",
            (2, 1),
        );
        check(
            "title: T\nprofile kazakhstan\naudience: public\n",
            "this line is not a `key: value` line",
            "indent it",
            (2, 1),
        );
        check(
            "keywords: &k [a]\ntitle: *k\naudience: public\n",
            "`title:` must be text; what is given here is of another kind",
            "`title: …`",
            (2, 8),
        );
    }

    #[test]
    fn a_missing_key_of_the_whole_file_is_shown_at_its_first_key() {
        check(
            "# a comment\ntitle: T\nkeywords: [a]\nvalues:\n  x: 1\n",
            "the briefing has no `audience:`",
            "add `audience: public`",
            (2, 1),
        );
    }

    #[test]
    fn section_front_matter_counts_lines_from_the_file() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct F {
            id: String,
        }
        let err = crate::load::parse_yaml::<F>(Path::new("p/01-a.md"), "id:\n", 2).unwrap_err();
        assert_eq!(err.location.as_deref().unwrap().line, 2, "{err}");
        assert!(err.message.contains("`id:` has no value"), "{err}");
    }
}
