//! Theme files: the built-in theme, a project's `themes/NAME.yaml`, and
//! `extends:`, which starts a theme from another and changes only what it
//! names.
//!
//! Each file is read and checked on its own, so every error points into
//! the file at fault: numbers that are not finite or out of range, colours
//! outside 0–100, styles naming a colour that neither the file nor a theme
//! it extends defines. Theme files are project files: a link out of the
//! project is refused (see [`crate::project::open`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

use super::{DEFAULT_THEME, DEFAULT_THEME_JSON, StyleRule, Theme};
use crate::colour::Cmyk;
use crate::error::{Error, Location, Result, did_you_mean};
use crate::load::{parse_yaml, read_text};
use crate::project::Refused;

/// The name that always means the built-in theme.
pub const BUILTIN: &str = "builtin";

/// The theme a project uses when a briefing names none.
pub const DEFAULT: &str = "default";

/// How many theme files one `extends:` chain may read.
pub const MAX_CHAIN: usize = 8;

/// A theme file as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThemeFile {
    /// The theme this one starts from: `builtin`, `default` or the name of
    /// another file in `themes/`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    extends: Option<Spanned<String>>,
    /// None: `colors:` with nothing under it, as if it were not there.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, CmykPercentages>>")]
    colors: Option<BTreeMap<String, Spanned<Percentages>>>,
    /// A style written with nothing under it (`h1:`) changes nothing.
    #[serde(default)]
    styles: Option<BTreeMap<String, Option<StyleRule>>>,
}

// The schema of a colour (only its schema is used: `Percentages` reads it).
/// A colour as CMYK percentages [cyan, magenta, yellow, black], each 0 to 100.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct CmykPercentages(#[schemars(inner(range(min = 0, max = 100)))] [f32; 4]);

/// A colour as CMYK percentages, `[0, 95, 85, 10]`; or as text, which is
/// kept to say what to write instead (`#0055a4`).
#[derive(Debug, Clone)]
enum Percentages {
    Cmyk([f32; 4]),
    Text(String),
}

impl<'de> Deserialize<'de> for Percentages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Percentages;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("CMYK percentages, e.g. `[0, 95, 85, 10]`")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(Percentages::Text(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                // Every value read, so that a fifth is refused, not passed
                // over (serde's own array of four stops after the fourth).
                let mut values: Vec<f32> = Vec::new();
                while let Some(value) = seq.next_element()? {
                    values.push(value);
                }
                <[f32; 4]>::try_from(values.as_slice())
                    .map(Percentages::Cmyk)
                    .map_err(|_| {
                        serde::de::Error::invalid_length(values.len(), &"an array of length 4")
                    })
            }
        }
        d.deserialize_any(V)
    }
}

/// Where each style and each of its keys is written, read apart from the
/// values (whose types [`StyleRule`] checks), for messages.
#[derive(Deserialize)]
struct Places {
    #[serde(default)]
    styles: Option<BTreeMap<String, Option<KeyPlaces>>>,
}

/// Where each key of one style is written.
type KeyPlaces = BTreeMap<String, Spanned<IgnoredAny>>;

/// The numbers of a style: their key and the range handbill sets, in
/// points. Beyond these a page cannot be laid out sensibly.
pub const NUMBERS: &[(&str, f32, f32)] = &[
    ("size", 1.0, 400.0),
    ("leading", 1.0, 500.0),
    ("letter-spacing", -2.0, 50.0),
    ("space-before", 0.0, 500.0),
    ("space-after", 0.0, 500.0),
    ("first-indent", 0.0, 500.0),
    ("indent", 0.0, 500.0),
    ("padding", 0.0, 200.0),
    ("border", 0.0, 50.0),
];

impl StyleRule {
    /// The rule's numbers by key, in the order of [`NUMBERS`].
    pub(crate) fn numbers(&self) -> [(&'static str, Option<f32>); 9] {
        [
            ("size", self.size),
            ("leading", self.leading),
            ("letter-spacing", self.letter_spacing),
            ("space-before", self.space_before),
            ("space-after", self.space_after),
            ("first-indent", self.first_indent),
            ("indent", self.indent),
            ("padding", self.padding),
            ("border", self.border),
        ]
    }

    /// The colours the rule names, by key.
    fn colours(&self) -> [(&'static str, Option<&String>); 3] {
        [
            ("color", self.color.as_ref()),
            ("background", self.background.as_ref()),
            ("border-color", self.border_color.as_ref()),
        ]
    }

    /// This rule with every property `over` sets taken from `over`.
    pub(crate) fn merge(&mut self, over: &StyleRule) {
        // Written out field by field, so a new property cannot be forgotten:
        // the pattern must name every field.
        macro_rules! take {
            ($($f:ident),*) => {
                let StyleRule { $($f),* } = over.clone();
                $( if $f.is_some() { self.$f = $f; } )*
            };
        }
        take!(
            font,
            fallback,
            bold,
            italic,
            size,
            leading,
            color,
            align,
            uppercase,
            letter_spacing,
            underline,
            space_before,
            space_after,
            first_indent,
            indent,
            padding,
            background,
            border,
            border_color,
            keep_with_next,
            hyphenate
        );
    }
}

impl Theme {
    /// A theme with no colours and no styles: where a file without
    /// `extends:` starts.
    pub(crate) fn empty(name: String) -> Theme {
        Theme {
            name,
            fonts: Vec::new(),
            colors: BTreeMap::new(),
            styles: BTreeMap::new(),
        }
    }
}

/// Reads the theme file `file` (its text `text`) over `base`: the file's
/// colours replace the base's of the same name, its styles change the
/// base's property by property. What the file says under `extends:` is
/// the caller's to follow, and make `base`.
pub(crate) fn read_over(base: Theme, file: &Path, text: &str) -> Result<Theme> {
    let raw: ThemeFile = parse_yaml(file, text, 1)?;
    over(base, raw, file, text)
}

/// [`read_over`] for the built-in theme, from the JSON build.rs wrote of
/// its YAML `text` (which messages would name).
pub(crate) fn read_json_over(base: Theme, file: &Path, text: &str, json: &str) -> Result<Theme> {
    let raw: ThemeFile = serde_json::from_str(json)
        .map_err(|e| Error::new(format!("{} does not read: {e}", file.display())))?;
    over(base, raw, file, text)
}

fn over(mut theme: Theme, raw: ThemeFile, file: &Path, text: &str) -> Result<Theme> {
    let at = |s: &serde_saphyr::Location| {
        Location::at_line(file, text, s.line() as usize, s.column() as usize)
    };
    for (name, value) in raw.colors.iter().flatten() {
        check_colour_name(name).map_err(|e| e.at(key_place(file, text, &value.referenced)))?;
        let [c, m, y, k] = match &value.value {
            Percentages::Cmyk(cmyk) => *cmyk,
            Percentages::Text(text) => {
                return Err(Error::new(format!(
                    "colour `{name}` is `{text}`: handbill's colours are CMYK percentages, as a press prints them"
                ))
                .at(at(&value.referenced))
                .help("write cyan, magenta, yellow and black, each 0 to 100, e.g. `[100, 40, 0, 0]`; a print shop or the brand's guide gives them"));
            }
        };
        if let Some(bad) = [c, m, y, k]
            .into_iter()
            .find(|v| !(0.0..=100.0).contains(v))
        {
            let why = if bad.is_nan() {
                "a value is not a number; each must be from 0 to 100".to_string()
            } else if bad.is_infinite() {
                "a value is infinite; each must be from 0 to 100".to_string()
            } else {
                format!("{bad} is outside 0–100")
            };
            return Err(Error::new(format!("colour `{name}`: {why}"))
                .at(at(&value.referenced))
                .help("give colours as CMYK percentages from 0 to 100, e.g. `[0, 90, 85, 0]`"));
        }
        theme.colors.insert(
            name.clone(),
            Cmyk {
                c: c / 100.0,
                m: m / 100.0,
                y: y / 100.0,
                k: k / 100.0,
            },
        );
    }
    // Where each style's keys are, read again only for a message: reading
    // a theme twice on every build would double its cost.
    let place = |style: &str, key: &str| -> Result<Location> {
        let places: Places = parse_yaml(file, text, 1)?;
        Ok(places
            .styles
            .as_ref()
            .and_then(|styles| styles.get(style))
            .and_then(|keys| keys.as_ref()?.get(key))
            .map_or_else(|| Location::file(file), |s| at(&s.referenced)))
    };
    for (name, rule) in raw.styles.iter().flatten() {
        check_style_name(name).map_err(|e| e.at(style_place(file, text, name)))?;
        let Some(rule) = rule else { continue };
        for ((key, value), (_, least, most)) in rule.numbers().into_iter().zip(NUMBERS) {
            let Some(value) = value else { continue };
            if !(*least..=*most).contains(&value) {
                let written = if value.is_nan() {
                    "not a number".to_string()
                } else if value.is_infinite() {
                    "infinite".to_string()
                } else {
                    format!("{value}")
                };
                return Err(Error::new(format!(
                    "style `{name}`: `{key}:` is {written}; it must be a number of points from {least} to {most}"
                ))
                .at(place(name, key)?)
                .help(format!("write a number of points, e.g. `{key}: {}`", example(key))));
            }
        }
        for (key, colour) in rule.colours() {
            let Some(colour) = colour else { continue };
            if theme.colors.contains_key(colour) {
                continue;
            }
            if colour.trim().is_empty() {
                return Err(Error::new(format!("style `{name}`: `{key}:` names no colour"))
                    .at(place(name, key)?)
                    .help(format!("write the name of a colour of the theme after `{key}:` (`{key}: accent`), or remove the line")));
            }
            let names: Vec<&str> = theme.colors.keys().map(String::as_str).collect();
            let help = match did_you_mean(colour, names.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if names.is_empty() => {
                    "add it under `colors:` as CMYK percentages, e.g. `brand: [0, 90, 85, 0]`"
                        .to_string()
                }
                None => format!(
                    "add it under `colors:` as CMYK percentages; the theme's colours are: {}",
                    names.join(", ")
                ),
            };
            return Err(Error::new(format!(
                "style `{name}` uses colour `{colour}`, which the theme does not define"
            ))
            .at(place(name, key)?)
            .help(help));
        }
        theme.styles.entry(name.clone()).or_default().merge(rule);
    }
    fonts_named(file, text, &raw, &mut theme.fonts)?;
    Ok(theme)
}

/// Adds to `out` the project fonts the styles of `raw` (the theme file
/// `file`, its text `text`) name that it does not hold yet, each with the
/// first place in `text` that names it, in the order they are written.
/// The places of the styles' keys are read once, and only when a font is
/// new: a theme naming 60,000 fonts searched its whole text for each.
fn fonts_named(
    file: &Path,
    text: &str,
    raw: &ThemeFile,
    out: &mut Vec<(super::Family, Location)>,
) -> Result<()> {
    let mut held: std::collections::HashSet<&super::Family> = out.iter().map(|(f, _)| f).collect();
    let mut new = Vec::new();
    for (style, rule) in raw.styles.iter().flatten() {
        let Some(rule) = rule else { continue };
        let fonts = (rule.font.iter().map(|f| ("font", f)))
            .chain(rule.fallback.iter().flatten().map(|f| ("fallback", f)));
        for (key, family) in fonts {
            if let super::Family::Named(name) = family
                && held.insert(family)
            {
                new.push((family.clone(), name, style, key));
            }
        }
    }
    if new.is_empty() {
        return Ok(());
    }
    let places: Places = parse_yaml(file, text, 1)?;
    let mut lines = crate::error::Lines::of(file, text);
    for (family, name, style, key) in new {
        let value = (places.styles.as_ref())
            .and_then(|styles| styles.get(style)?.as_ref()?.get(key))
            .map(|s| (s.referenced.line() as usize, s.referenced.column() as usize));
        // The name itself, where the value (a list of fallbacks) goes on
        // along its line.
        let at = match value {
            Some((line, column)) => {
                let at = lines.at(line, column);
                let shown = at.source_line.as_deref().unwrap_or_default();
                let from = (shown.char_indices().nth(column - 1)).map_or(shown.len(), |(i, _)| i);
                match shown[from..].find(&**name) {
                    Some(bytes) => {
                        lines.at(line, column + shown[from..from + bytes].chars().count())
                    }
                    None => at,
                }
            }
            None => Location::file(file),
        };
        out.push((family, at));
    }
    out.sort_by_key(|(_, at)| (at.line, at.column));
    Ok(())
}

/// A theme file that says nothing, or `extends:` with nothing after it,
/// is a mistake: a theme of nothing would print every text plain and
/// black, and a template naming a colour would fail.
fn check_not_empty(raw: &ThemeFile, file: &Path, text: &str) -> Result<()> {
    if raw.extends.is_some() {
        return Ok(());
    }
    if let Some(offset) = text
        .lines()
        .position(|l| l.starts_with("extends:"))
        .map(|line| text.lines().take(line).map(|l| l.len() + 1).sum::<usize>())
    {
        return Err(Error::new("`extends:` has no theme after it")
            .at(Location::at_offset(file, text, offset))
            .help("write the theme this one starts from: `builtin`, `default` or the name of another file in themes/; or remove the line to write a whole theme"));
    }
    let empty = raw.colors.as_ref().is_none_or(BTreeMap::is_empty)
        && raw.styles.as_ref().is_none_or(BTreeMap::is_empty);
    if empty {
        return Err(Error::new("the theme is empty")
            .at(Location::at_line(file, text, 1, 1))
            .help("start it with `extends: builtin` and name what changes, or write the whole built-in theme here with `handbill theme --print`"));
    }
    // A whole theme sets `body`, which every text inherits from; without
    // it, `extends:` was most likely forgotten.
    if !raw.styles.as_ref().is_some_and(|s| s.contains_key("body")) {
        return Err(Error::new(
            "the theme extends no other and has no `body` style: every text it does not style would be plain 10 pt serif",
        )
        .at(Location::at_line(file, text, 1, 1))
        .help("add `extends: builtin` (or `extends: default`) at the top to change only what the file names; a whole theme of your own needs a `body` style"));
    }
    Ok(())
}

/// A colour is named as styles and the markup's `background=` name it: a
/// word of letters, digits, `-` and `_`. An empty name, or one with spaces
/// or marks in it, is a slip no style could name as meant.
fn check_colour_name(name: &str) -> Result<()> {
    let word = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if word {
        return Ok(());
    }
    let shown: String = name.chars().take(40).flat_map(char::escape_debug).collect();
    let message = match name.trim().is_empty() {
        true => "a colour under `colors:` has no name".to_string(),
        false => format!("`{shown}` is not a colour name"),
    };
    let suggested: String = name
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let help = match suggested.is_empty() {
        true => "name it with letters, digits, `-` and `_`, e.g. `brand-red: [0, 90, 85, 0]`"
            .to_string(),
        false => format!(
            "name it with letters, digits, `-` and `_`, e.g. `{suggested}`; styles and the markup name it so"
        ),
    };
    Err(Error::new(message).help(help))
}

/// Where the key of the mapping value at `value` is written: just before
/// it on its line (`{"": [0, 0, 0, 0]}` too), else at the start of the
/// line above.
fn key_place(file: &Path, text: &str, value: &serde_saphyr::Location) -> Location {
    let line = (value.line() as usize).max(1);
    let here: Vec<char> = text.lines().nth(line - 1).unwrap_or("").chars().collect();
    let before = &here[..(value.column() as usize).saturating_sub(1).min(here.len())];
    let Some(colon) = before.iter().rposition(|&c| c == ':') else {
        let above = text.lines().nth(line.saturating_sub(2)).unwrap_or("");
        let indent = above.chars().take_while(|c| c.is_whitespace()).count();
        return Location::at_line(file, text, line.saturating_sub(1).max(1), indent + 1);
    };
    let mut end = colon;
    while end > 0 && before[end - 1] == ' ' {
        end -= 1;
    }
    let start = match end.checked_sub(1).map(|i| before[i]) {
        Some(quote @ ('"' | '\'')) => before[..end - 1]
            .iter()
            .rposition(|&c| c == quote)
            .unwrap_or(end - 1),
        // A plain key may hold spaces (`brand red`): it starts after the
        // `{` or `,` before it, or where the line's text does.
        _ => {
            let mut start = before[..end]
                .iter()
                .rposition(|&c| c == '{' || c == ',')
                .map_or(0, |i| i + 1);
            while start < end && before[start].is_whitespace() {
                start += 1;
            }
            start
        }
    };
    Location::at_line(file, text, line, start + 1)
}

/// A plausible value of a number key, for help lines.
fn example(key: &str) -> &'static str {
    match key {
        "size" => "10",
        "leading" => "13.6",
        "letter-spacing" => "0.4",
        "border" => "0.5",
        _ => "6",
    }
}

/// A style is named after an element (`h1`), a class (`.lead`) or both
/// (`p.lead`): anything else would never apply.
fn check_style_name(name: &str) -> Result<()> {
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    let (element, class) = match name.split_once('.') {
        None => (name, None),
        Some((element, class)) => (element, Some(class)),
    };
    let ok = match class {
        None => word(name),
        Some(class) => (element.is_empty() || word(element)) && word(class),
    };
    if !ok {
        return Err(Error::new(format!(
            "`{name}` is not a style name: it would never apply"
        ))
        .help("name a style after an element (`h1`), a class (`.lead`) or both (`p.lead`); give one class per style"));
    }
    if element.is_empty() || super::ELEMENTS.contains(&element) {
        return Ok(());
    }
    let rest = class.map_or(String::new(), |c| format!(".{c}"));
    let help = match element_meant(element) {
        Some(close) => format!("did you mean `{close}{rest}`?"),
        None if class.is_none() => format!(
            "for the class `{name}` write `.{name}`, with a dot: a name without one is an element's, such as `p` or `h1` (see docs/theme.md)"
        ),
        None => format!(
            "name one of the elements: {}; or write `.{}` for the class alone",
            super::ELEMENTS.join(", "),
            class.unwrap_or_default()
        ),
    };
    let message = match class {
        None => {
            format!("`{name}` is not an element of the layout markup: the style would never apply")
        }
        Some(_) => format!(
            "style `{name}`: `{element}` is not an element of the layout markup, so the style would never apply"
        ),
    };
    Err(Error::new(message).help(help))
}

/// The element a style name probably meant: a misspelling, or the word
/// for it in HTML or in English (`paragraph`, `blockquote`).
fn element_meant(element: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &str)] = &[
        ("paragraph", "p"),
        ("para", "p"),
        ("heading", "h1"),
        ("h4", "h3"),
        ("h5", "h3"),
        ("h6", "h3"),
        ("blockquote", "quote"),
        ("list", "ul"),
        ("item", "li"),
        ("link", "a"),
        ("hr", "rule"),
        ("line", "rule"),
        ("i", "em"),
        ("italic", "em"),
        ("b", "strong"),
        ("bold", "strong"),
        ("div", "box"),
        ("img", "figure"),
        ("image", "figure"),
        ("picture", "figure"),
        ("figcaption", "caption"),
        ("document", "body"),
        ("html", "body"),
        ("note", "footnote"),
        ("footnotes", "footnote"),
        ("row", "tr"),
        ("cell", "td"),
        ("s", "del"),
        ("strike", "del"),
        ("toc", "contents"),
    ];
    let lower = element.to_lowercase();
    WORDS
        .iter()
        .find(|(word, _)| *word == lower)
        .map(|(_, e)| *e)
        .or_else(|| super::ELEMENTS.iter().copied().find(|e| *e == lower))
        .or_else(|| did_you_mean(element, super::ELEMENTS.iter().copied()))
}

/// Where the style `name` is written: its key at the start of a line.
fn style_place(file: &Path, text: &str, name: &str) -> Location {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let key = line.trim_start();
        let rest = [format!("\"{name}\""), format!("'{name}'"), name.to_string()]
            .iter()
            .find_map(|written| key.strip_prefix(written.as_str()));
        if let Some(rest) = rest
            && rest.trim_start().starts_with(':')
        {
            return Location::at_offset(file, text, offset + line.len() - key.len());
        }
        offset += line.len();
    }
    Location::file(file)
}

/// The theme a briefing is set in: the one its `theme:` names, else the
/// project's `themes/default.yaml`, else the built-in one.
pub fn for_briefing(briefing: &crate::model::Briefing) -> Result<Theme> {
    match &briefing.theme {
        Some(name) => find(&briefing.project, &name.value, Some(&name.location)),
        None => find(&briefing.project, DEFAULT, None),
    }
}

/// The theme `name` of `project`: `builtin`, or `themes/NAME.yaml` with
/// the themes it extends; `default` without a file is the built-in one.
/// `at` is where it is named, for messages.
pub fn find(project: &Path, name: &str, at: Option<&Location>) -> Result<Theme> {
    let mut chain = Vec::new();
    follow(project, name, at, &mut chain)
}

/// One link of an `extends:` chain: `chain` holds the files read so far.
fn follow(
    project: &Path,
    name: &str,
    at: Option<&Location>,
    chain: &mut Vec<PathBuf>,
) -> Result<Theme> {
    let blame = |e: Error| match (at, e.location.is_some()) {
        (Some(at), false) => e.at(at.clone()),
        _ => e,
    };
    if name == BUILTIN {
        return Ok(Theme::builtin());
    }
    check_name(name).map_err(blame)?;
    let written = format!("themes/{name}.yaml");
    let path = crate::project::open(project, &written).map_err(|refused| match refused {
        Refused::LinksOut(path) => {
            let e = crate::project::linked_out(&path, "the theme");
            match at {
                Some(at) => e.at(at.clone()),
                None => e,
            }
        }
        Refused::Outside => blame(Error::new(format!("`{name}` is not a theme name"))),
    })?;
    // Only nothing at all at the name is no theme: whatever stands there is
    // read, and reading refuses what is not a plain file (a named pipe).
    if std::fs::symlink_metadata(&path).is_err() {
        if name == DEFAULT {
            return Ok(Theme::builtin());
        }
        return Err(blame(missing(project, name)));
    }
    if path.is_dir() {
        return Err(blame(
            Error::new(format!("{} is a folder, not a theme file", path.display()))
                .help("a theme is one YAML file: move the folder away, or name another theme"),
        ));
    }
    if chain.contains(&path) {
        let mut names: Vec<String> = chain.iter().map(|p| p.display().to_string()).collect();
        names.push(path.display().to_string());
        let help = if name == DEFAULT {
            "a project's `themes/default.yaml` takes the built-in theme's place: start it from the built-in one with `extends: builtin`"
        } else {
            "remove one of these `extends:`, or start the first theme from `extends: builtin`"
        };
        return Err(blame(
            Error::new(format!(
                "the themes extend each other in a circle: {}",
                names.join(" → ")
            ))
            .help(help),
        ));
    }
    if chain.len() >= MAX_CHAIN {
        let mut names: Vec<String> = chain.iter().map(|p| p.display().to_string()).collect();
        names.push(path.display().to_string());
        return Err(blame(
            Error::new(format!(
                "the themes extend each other more than {MAX_CHAIN} deep: {}",
                names.join(" → ")
            ))
            .help(
                "let a theme extend `default` or `builtin` directly instead of through many others",
            ),
        ));
    }
    let text = read_text(&path).map_err(|e| e.at_if_unplaced(at))?;
    if text == DEFAULT_THEME {
        // The built-in theme saved as the project's own (`handbill theme
        // --print`, the sample project): read from the JSON build.rs made
        // of it, a tenth of the YAML's time, with the same places.
        let mut theme = read_json_over(
            Theme::empty(String::new()),
            &path,
            &text,
            DEFAULT_THEME_JSON,
        )?;
        theme.name = path.display().to_string();
        return Ok(theme);
    }
    let raw: ThemeFile = parse_yaml(&path, &text, 1)?;
    check_not_empty(&raw, &path, &text)?;
    chain.push(path.clone());
    let base = match &raw.extends {
        None => Theme::empty(String::new()),
        Some(parent) => {
            let at = Location::at_line(
                &path,
                &text,
                parent.referenced.line() as usize,
                parent.referenced.column() as usize,
            );
            follow(project, &parent.value, Some(&at), chain)?
        }
    };
    chain.pop();
    let mut theme = over(base, raw, &path, &text)?;
    theme.name = path.display().to_string();
    Ok(theme)
}

/// The theme files a briefing's theme is read from, along its `extends:`
/// chain, with those that do not exist yet but would be read if they did
/// (a `themes/default.yaml` in the built-in theme's place): what its
/// up-to-date check and a watch look at. Where the chain cannot be
/// followed, it stops; building says why.
pub fn files_for(briefing: &crate::model::Briefing) -> Vec<PathBuf> {
    let mut name = briefing
        .theme
        .as_ref()
        .map_or(DEFAULT, |t| t.value.as_str())
        .to_string();
    let mut files: Vec<PathBuf> = Vec::new();
    while name != BUILTIN && check_name(&name).is_ok() && files.len() <= MAX_CHAIN {
        let Ok(path) = crate::project::open(&briefing.project, &format!("themes/{name}.yaml"))
        else {
            break;
        };
        if files.contains(&path) {
            break;
        }
        files.push(path.clone());
        let extends = match path.is_file() {
            true => read_text(&path).ok().and_then(|text| extends(&path, &text)),
            false => None,
        };
        match extends {
            Some(parent) => name = parent,
            None => break,
        }
    }
    files
}

/// The theme a theme file's `extends:` names, if it reads. Only a file
/// that could name one is parsed: one that spells out `extends` or could
/// hide it behind an escape in a quoted key (`"\x65xtends"`). The built-in
/// theme, saved as a project's own, names it only in a comment.
fn extends(path: &Path, text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Extends {
        #[serde(default)]
        extends: Option<String>,
    }
    if text == DEFAULT_THEME || !(text.contains("extends") || text.contains('\\')) {
        return None;
    }
    parse_yaml::<Extends>(path, text, 1)
        .ok()
        .and_then(|e| e.extends)
}

/// A theme name is a file name in `themes/` without `.yaml`.
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if plain {
        return Ok(());
    }
    let help = match name.strip_suffix(".yaml") {
        Some(stem) if check_name(stem).is_ok() => {
            format!("write `{stem}`, without `.yaml`")
        }
        _ => "name a file in the project's themes/ folder without `.yaml` (`brand` for themes/brand.yaml), or `builtin`".to_string(),
    };
    Err(Error::new(format!("`{name}` is not a theme name")).help(help))
}

/// The error for a theme name that has no file.
fn missing(project: &Path, name: &str) -> Error {
    let mut names = project_themes(project);
    names.extend([BUILTIN.to_string(), DEFAULT.to_string()]);
    names.sort();
    names.dedup();
    let help = match did_you_mean(name, names.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "make the file themes/{name}.yaml (`handbill theme --print` shows the built-in theme to start from), or use one of: {}",
            names.join(", ")
        ),
    };
    Error::new(format!(
        "there is no theme `{name}` (no themes/{name}.yaml)"
    ))
    .help(help)
}

/// The names of the themes in a project's `themes/` folder, sorted.
pub fn project_themes(project: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(crate::project::join(project, Path::new("themes")))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".yaml").map(str::to_string)
            })
            .filter(|n| check_name(n).is_ok())
            .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> crate::scratch::Scratch {
        let d = crate::scratch::Scratch::new("theme", name);
        std::fs::create_dir_all(d.join("themes")).unwrap();
        d
    }

    #[test]
    fn every_number_of_a_style_is_checked_in_the_range_the_schema_gives() {
        let schema =
            serde_json::to_value(crate::schema::schema(crate::schema::Kind::Theme)).unwrap();
        let properties = schema["$defs"]["StyleRule"]["properties"]
            .as_object()
            .unwrap();
        let numbers: Vec<(&str, f64, f64)> = properties
            .iter()
            .filter(|(_, p)| {
                p["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&"number".into()))
            })
            .map(|(k, p)| {
                (
                    k.as_str(),
                    p["minimum"].as_f64().unwrap_or(f64::NAN),
                    p["maximum"].as_f64().unwrap_or(f64::NAN),
                )
            })
            .collect();
        let mut checked: Vec<(&str, f64, f64)> = NUMBERS
            .iter()
            .map(|(k, a, b)| (*k, *a as f64, *b as f64))
            .collect();
        checked.sort_by(|a, b| a.0.cmp(b.0));
        assert_eq!(numbers, checked);
        let keys: Vec<&str> = StyleRule::default()
            .numbers()
            .iter()
            .map(|(k, _)| *k)
            .collect();
        let named: Vec<&str> = NUMBERS.iter().map(|(k, ..)| *k).collect();
        assert_eq!(keys, named);
    }

    #[test]
    fn a_theme_that_extends_another_changes_only_what_it_names() {
        let d = folder("extends");
        std::fs::write(
            d.join("themes/base.yaml"),
            "colors: {ink: [0,0,0,100], red: [0,100,100,0]}\nstyles:\n  body: {color: ink}\n  h1: {size: 15, bold: true, color: red}\n  p: {size: 10}\n",
        )
        .unwrap();
        std::fs::write(
            d.join("themes/brand.yaml"),
            "extends: base\ncolors: {blue: [100,50,0,0]}\nstyles:\n  h1: {color: blue}\n  .lead: {size: 12}\n",
        )
        .unwrap();
        let t = find(&d, "brand", None).unwrap();
        let h1 = t.resolve(&super::super::Style::default(), "h1", None);
        assert_eq!((h1.size, h1.bold), (15.0, true), "kept from base");
        assert_eq!(h1.color, t.color("blue").unwrap(), "changed by brand");
        assert!(t.color("red").is_some() && t.color("ink").is_some());
        assert_eq!(t.resolve(&h1, "p", Some("lead")).size, 12.0);
        assert_eq!(t.name, d.join("themes/brand.yaml").display().to_string());
        // `default` without a file, and `builtin`, are the built-in theme.
        let builtin = Theme::builtin();
        assert_eq!(find(&d, DEFAULT, None).unwrap(), builtin);
        assert_eq!(find(&d, BUILTIN, None).unwrap(), builtin);
    }

    /// The theme `themes/t.yaml` in `d` once it holds `text`.
    fn written(d: &Path, text: &str) -> Result<Theme> {
        std::fs::write(d.join("themes/t.yaml"), text).unwrap();
        find(d, "t", None)
    }

    #[test]
    fn an_empty_theme_or_extends_is_refused_but_empty_keys_are_not() {
        let d = folder("empty");
        let read = |text: &str| written(&d, text);
        for (text, said, line) in [
            ("", "the theme is empty", 1),
            ("# only a comment\n", "the theme is empty", 1),
            ("colors:\nstyles:\n", "the theme is empty", 1),
            (
                "# brand\nextends:\ncolors: {a: [0, 0, 0, 0]}\n",
                "`extends:` has no theme",
                2,
            ),
            ("extends: ~\n", "`extends:` has no theme", 1),
            ("colors: {a: [0, 0, 0, 0]}\n", "has no `body` style", 1),
        ] {
            let e = read(text).unwrap_err();
            assert!(e.message.contains(said), "{text:?}: {e}");
            assert_eq!(e.location.unwrap().line, line, "{text:?}");
        }
        let t = read("extends: builtin\ncolors:\nstyles:\n  h1:\n").unwrap();
        assert_eq!(t.colors, Theme::builtin().colors);
        assert_eq!(t.styles, Theme::builtin().styles);
    }

    #[test]
    fn a_colour_is_four_numbers_no_fewer_and_no_more() {
        let d = folder("colour-values");
        let read = |text: &str| written(&d, text);
        assert!(read("extends: builtin\ncolors:\n  accent: [0, 95, 85, 10]\n").is_ok());
        for (values, said) in [
            ("[0, 95, 85]", "has 3 values"),
            ("[0, 95, 85, 10, 5]", "has 5 values"),
            ("[0, 95, 85, 10, 0, 0, 0]", "has 7 values"),
        ] {
            let e = read(&format!("extends: builtin\ncolors:\n  accent: {values}\n")).unwrap_err();
            assert!(e.message.contains(said), "{values}: {e}");
            assert_eq!(e.location.unwrap().line, 3, "{values}");
        }
    }

    #[test]
    fn a_style_named_after_no_element_is_refused_where_it_is_written() {
        let d = folder("style-names");
        let read = |text: &str| written(&d, text);
        for (style, said, help) in [
            (
                "paragraph",
                "`paragraph` is not an element",
                "did you mean `p`?",
            ),
            (
                "paragraph.lead",
                "`paragraph` is not an element",
                "`p.lead`",
            ),
            ("blockquote", "`blockquote` is not an element", "`quote`"),
            ("P", "`P` is not an element", "`p`"),
            ("stong", "`stong` is not an element", "`strong`"),
            (
                "headline",
                "`headline` is not an element",
                "write `.headline`",
            ),
        ] {
            let text = format!(
                "extends: builtin\nstyles:\n  h1: {{ size: 16 }}\n  {style}: {{ size: 11 }}\n"
            );
            let e = read(&text).unwrap_err();
            assert!(e.message.contains(said), "{style}: {e}");
            assert!(
                e.help.as_deref().unwrap_or("").contains(help),
                "{style}: {e}"
            );
            let at = e.location.unwrap();
            assert_eq!((at.line, at.column), (4, 3), "{style}");
        }
        for style in [
            "p",
            "p.lead",
            ".lead",
            "footnote-mark",
            "tr.even",
            "li",
            "body",
        ] {
            let text = format!("extends: builtin\nstyles:\n  {style}: {{ size: 11 }}\n");
            assert!(read(&text).is_ok(), "{style}");
        }
    }

    #[test]
    fn a_colour_needs_a_name_styles_can_use() {
        let d = folder("colour-names");
        let read = |text: &str| written(&d, text);
        for (colours, said, line, column) in [
            ("  \"\": [0, 0, 0, 100]\n", "has no name", 3, 3),
            ("  '  ': [0, 0, 0, 100]\n", "has no name", 3, 3),
            (
                "  brand red: [0, 90, 85, 0]\n",
                "`brand red` is not a colour name",
                3,
                3,
            ),
            (
                "  ok: [0, 0, 0, 1]\n  \"\":\n    [0, 0, 0, 100]\n",
                "has no name",
                4,
                3,
            ),
            (
                "  {ok: [0, 0, 0, 1], \"\": [0, 0, 0, 100]}\n",
                "has no name",
                3,
                22,
            ),
        ] {
            let e = read(&format!("extends: builtin\ncolors:\n{colours}")).unwrap_err();
            assert!(e.message.contains(said), "{colours:?}: {e}");
            let at = e.location.unwrap();
            assert_eq!((at.line, at.column), (line, column), "{colours:?}");
        }
        let e = read("extends: builtin\nstyles:\n  p: { color: \"\" }\n").unwrap_err();
        assert!(e.message.contains("`color:` names no colour"), "{e}");
        assert_eq!(e.location.unwrap().line, 3);
        assert!(read("extends: builtin\ncolors:\n  brand_red-2: [0, 90, 85, 0]\n").is_ok());
    }

    #[test]
    fn a_theme_file_that_is_no_plain_file_is_refused_not_passed_over() {
        let d = folder("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(d.join("themes/default.yaml"))
            .status()
            .unwrap();
        assert!(made.success());
        for name in [DEFAULT, "brand"] {
            std::fs::write(d.join("themes/brand.yaml"), "extends: default\n").unwrap();
            let e = find(&d, name, None).unwrap_err();
            assert!(e.message.contains("not a plain file"), "{name}: {e}");
        }
    }

    #[test]
    fn circles_and_long_chains_are_refused_naming_the_chain() {
        let d = folder("chains");
        std::fs::write(d.join("themes/a.yaml"), "extends: b\n").unwrap();
        std::fs::write(d.join("themes/b.yaml"), "extends: a\n").unwrap();
        let e = find(&d, "a", None).unwrap_err();
        assert!(e.message.contains("in a circle"), "{e}");
        assert!(e.message.ends_with("a.yaml"), "{e}");
        let at = e.location.clone().unwrap();
        assert!(at.file.ends_with("themes/b.yaml") && at.line == 1, "{e}");
        for i in 0..MAX_CHAIN + 1 {
            std::fs::write(
                d.join(format!("themes/t{i}.yaml")),
                format!("extends: t{}\n", i + 1),
            )
            .unwrap();
        }
        std::fs::write(
            d.join(format!("themes/t{}.yaml", MAX_CHAIN + 1)),
            "extends: builtin\n",
        )
        .unwrap();
        let e = find(&d, "t0", None).unwrap_err();
        assert!(
            e.message.contains(&format!("more than {MAX_CHAIN} deep")),
            "{e}"
        );
        // t2 … t9: as many files as a chain may have.
        assert!(find(&d, "t2", None).is_ok());
        assert!(find(&d, "t1", None).is_err());
    }

    #[test]
    fn the_built_in_theme_saved_as_a_projects_own_reads_as_its_yaml_does() {
        let d = folder("saved");
        let file = d.join("themes/default.yaml");
        std::fs::write(&file, DEFAULT_THEME).unwrap();
        let read = find(&d, DEFAULT, None).unwrap();
        assert_eq!(read, Theme::parse(&file, DEFAULT_THEME).unwrap());
        assert_eq!(read.name, file.display().to_string());
        // One byte more and it is a theme of the project's own, read as YAML.
        let edited = DEFAULT_THEME.replace("ink: [0, 0, 0, 100]", "ink: [0, 0, 0, 90]");
        std::fs::write(&file, &edited).unwrap();
        let theirs = find(&d, DEFAULT, None).unwrap();
        assert_ne!(theirs.color("ink"), read.color("ink"));
        assert_eq!(theirs, Theme::parse(&file, &edited).unwrap());
    }

    #[test]
    fn the_theme_a_file_extends_is_found_however_its_key_is_written() {
        let path = Path::new("themes/t.yaml");
        for (text, named) in [
            ("extends: base\n", Some("base")),
            ("\"extends\": base\n", Some("base")),
            ("\"\\x65xtends\": base\n", Some("base")),
            ("\"\\u0065xtends\": base\n", Some("base")),
            ("{? extends : base}\n", Some("base")),
            ("a: &a {extends: base}\n<<: *a\n", Some("base")),
            ("# extends: base\ncolors: {}\n", None),
            ("colors: {a: [0, 0, 0, 0]}\n", None),
            (DEFAULT_THEME, None),
        ] {
            assert_eq!(extends(path, text).as_deref(), named, "{text:?}");
        }
    }
}
