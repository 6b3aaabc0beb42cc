//! The theme: named colours (CMYK, for print) and the styles of the layout
//! markup's elements, by element name and `class`.
//!
//! A style for `<p class="lead">` is built from the parent's inherited text
//! properties, then `p`, then `.lead`, then `p.lead`. Spacing, background and
//! borders are not inherited. The built-in theme is `themes/default.yaml`;
//! a project's own themes, and `extends:`, are read by [`file`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::colour::Cmyk;
use crate::error::{Location, Result};
use crate::language_tag::Lang;

pub mod file;
pub mod print;
pub(crate) use file::ThemeFile;
pub use file::{find, for_briefing, project_themes};

/// A style's typeface: the bundled `serif` (Noto Serif) or `sans` (Noto
/// Sans), or a family of the project's `fonts/` folder by the name the font
/// gives itself (`DejaVu Serif`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize, Default)]
#[serde(from = "String", into = "String")]
pub enum Family {
    #[default]
    Serif,
    Sans,
    Named(std::sync::Arc<str>),
}

impl From<String> for Family {
    fn from(name: String) -> Family {
        match name.trim() {
            n if n.eq_ignore_ascii_case("serif") => Family::Serif,
            n if n.eq_ignore_ascii_case("sans") => Family::Sans,
            n => Family::Named(n.into()),
        }
    }
}

impl From<Family> for String {
    fn from(family: Family) -> String {
        family.to_string()
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Family::Serif => f.write_str("serif"),
            Family::Sans => f.write_str("sans"),
            Family::Named(name) => f.write_str(name),
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Right,
    Center,
    #[default]
    Justify,
}

/// A style as written in the theme: every property optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StyleRule {
    /// `serif`, `sans`, or the family name of a font in the project's
    /// `fonts/` folder.
    #[schemars(with = "Option<String>")]
    pub font: Option<Family>,
    /// Families to set a character from when `font` has no glyph for it, in
    /// order (`[DejaVu Sans]`).
    #[schemars(with = "Option<Vec<String>>")]
    pub fallback: Option<Vec<Family>>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    #[schemars(range(min = 1, max = 400))]
    pub size: Option<f32>,
    #[schemars(range(min = 1, max = 500))]
    pub leading: Option<f32>,
    pub color: Option<String>,
    pub align: Option<Align>,
    pub uppercase: Option<bool>,
    #[schemars(range(min = -2, max = 50))]
    pub letter_spacing: Option<f32>,
    pub underline: Option<bool>,
    #[schemars(range(min = 0, max = 500))]
    pub space_before: Option<f32>,
    #[schemars(range(min = 0, max = 500))]
    pub space_after: Option<f32>,
    #[schemars(range(min = 0, max = 500))]
    pub first_indent: Option<f32>,
    #[schemars(range(min = 0, max = 500))]
    pub indent: Option<f32>,
    #[schemars(range(min = 0, max = 200))]
    pub padding: Option<f32>,
    pub background: Option<String>,
    #[schemars(range(min = 0, max = 50))]
    pub border: Option<f32>,
    pub border_color: Option<String>,
    pub keep_with_next: Option<bool>,
    pub hyphenate: Option<bool>,
}

/// Everything that decides how a block or a piece of text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub font: Family,
    /// The families to try, in order, for a character `font` lacks.
    pub fallback: std::sync::Arc<[Family]>,
    pub bold: bool,
    pub italic: bool,
    /// Font size in points.
    pub size: f32,
    /// Baseline-to-baseline distance in points.
    pub leading: f32,
    pub color: Cmyk,
    pub align: Align,
    pub uppercase: bool,
    pub letter_spacing: f32,
    pub underline: bool,
    pub space_before: f32,
    pub space_after: f32,
    pub first_indent: f32,
    /// Left indent of the whole block (lists, quotes).
    pub indent: f32,
    pub padding: f32,
    pub background: Option<Cmyk>,
    pub border: f32,
    pub border_color: Cmyk,
    pub keep_with_next: bool,
    /// Whether long words may be broken at a hyphen at the end of a line.
    pub hyphenate: bool,
    /// The language of the text, for hyphenation (from `lang` attributes).
    pub lang: Lang,
}

impl Style {
    /// The style with its type and spacing set `factor` times as large.
    pub fn scaled(&self, factor: f32) -> Style {
        Style {
            size: self.size * factor,
            leading: self.leading * factor,
            letter_spacing: self.letter_spacing * factor,
            space_before: self.space_before * factor,
            space_after: self.space_after * factor,
            first_indent: self.first_indent * factor,
            indent: self.indent * factor,
            padding: self.padding * factor,
            ..self.clone()
        }
    }
}

impl Default for Style {
    fn default() -> Style {
        Style {
            font: Family::Serif,
            fallback: std::sync::Arc::new([]),
            bold: false,
            italic: false,
            size: 10.0,
            leading: 13.0,
            color: Cmyk::BLACK,
            align: Align::Left,
            uppercase: false,
            letter_spacing: 0.0,
            underline: false,
            space_before: 0.0,
            space_after: 0.0,
            first_indent: 0.0,
            indent: 0.0,
            padding: 0.0,
            background: None,
            border: 0.0,
            border_color: Cmyk::BLACK,
            keep_with_next: false,
            hyphenate: false,
            lang: Lang::English,
        }
    }
}

/// A loaded theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The file it was read from (the last of an `extends:` chain), or
    /// [`BUILT_IN`].
    pub name: String,
    /// The families of the project's fonts the styles name (`font:` and
    /// `fallback:`), each with where the theme names it first.
    pub fonts: Vec<(Family, Location)>,
    colors: BTreeMap<String, Cmyk>,
    styles: BTreeMap<String, StyleRule>,
}

/// What a style may be named after, before its class: the layout markup's
/// elements that have a style, and the parts handbill sets in a style of
/// their own (`body`, `header`, `li`, `footnote-mark`, …). A style named
/// after anything else would never apply.
pub const ELEMENTS: &[&str] = &[
    "body",
    "header",
    "footer",
    "p",
    "h1",
    "h2",
    "h3",
    "ul",
    "ol",
    "li",
    "quote",
    "box",
    "figure",
    "caption",
    "rule",
    "qr",
    "contents",
    "contents-entry",
    "table",
    "tr",
    "th",
    "td",
    "space",
    "em",
    "strong",
    "a",
    "code",
    "del",
    "span",
    "br",
    "footnote",
    "footnote-mark",
    "page-number",
    "page-count",
];

/// What the built-in theme is called in messages ([`Theme::name`]).
pub const BUILT_IN: &str = "the built-in theme";

/// The built-in theme, compiled into the binary.
pub const DEFAULT_THEME: &str = include_str!("../themes/default.yaml");

/// The built-in theme as JSON, written by build.rs from [`DEFAULT_THEME`]:
/// the same values, read in a tenth of the time.
const DEFAULT_THEME_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_theme.json"));

impl Theme {
    pub fn builtin() -> Theme {
        Theme::shared().clone()
    }

    /// The built-in theme, read once per process: every copy of a batch
    /// uses it.
    pub fn shared() -> &'static Theme {
        static THEME: std::sync::OnceLock<Theme> = std::sync::OnceLock::new();
        THEME.get_or_init(|| {
            let mut theme = file::read_json_over(
                Theme::empty(String::new()),
                Path::new("themes/default.yaml"),
                DEFAULT_THEME,
                DEFAULT_THEME_JSON,
            )
            .expect("the built-in theme is valid (checked by a test)");
            theme.name = BUILT_IN.to_string();
            theme
        })
    }

    /// Parses a theme file that extends nothing, checking its numbers and
    /// that every colour a style names exists.
    pub fn parse(file: &Path, text: &str) -> Result<Theme> {
        let mut theme = file::read_over(Theme::empty(String::new()), file, text)?;
        theme.name = file.display().to_string();
        Ok(theme)
    }

    /// The names of the theme's colours.
    pub fn color_names(&self) -> Vec<String> {
        self.colors.keys().cloned().collect()
    }

    /// A named colour of the theme.
    pub fn color(&self, name: &str) -> Option<Cmyk> {
        self.colors.get(name).copied()
    }

    /// The style of `element` with optional `class`, inside `parent`.
    pub fn resolve(&self, parent: &Style, element: &str, class: Option<&str>) -> Style {
        let mut style = Style {
            font: parent.font.clone(),
            fallback: parent.fallback.clone(),
            bold: parent.bold,
            italic: parent.italic,
            size: parent.size,
            leading: parent.leading,
            color: parent.color,
            align: parent.align,
            uppercase: parent.uppercase,
            letter_spacing: parent.letter_spacing,
            underline: parent.underline,
            hyphenate: parent.hyphenate,
            lang: parent.lang,
            ..Style::default()
        };
        let mut keys = vec![element.to_string()];
        if let Some(class) = class {
            for c in class.split_whitespace() {
                keys.push(format!(".{c}"));
                keys.push(format!("{element}.{c}"));
            }
        }
        for key in keys {
            if let Some(rule) = self.styles.get(&key) {
                self.apply(&mut style, rule);
            }
        }
        style
    }

    fn apply(&self, s: &mut Style, r: &StyleRule) {
        let size_before = s.size;
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = r.$f.clone() { s.$f = v; } )* };
        }
        set!(
            font,
            bold,
            italic,
            size,
            align,
            uppercase,
            letter_spacing,
            underline
        );
        set!(
            space_before,
            space_after,
            first_indent,
            indent,
            padding,
            border,
            keep_with_next,
            hyphenate
        );
        if let Some(fallback) = &r.fallback {
            s.fallback = fallback.iter().cloned().collect();
        }
        // A new size without a new leading keeps the proportion.
        s.leading = match r.leading {
            Some(l) => l,
            None if r.size.is_some() => s.leading * s.size / size_before,
            None => s.leading,
        };
        if let Some(c) = r.color.as_deref().and_then(|c| self.color(c)) {
            s.color = c;
        }
        if let Some(c) = r.background.as_deref().and_then(|c| self.color(c)) {
            s.background = Some(c);
        }
        if let Some(c) = r.border_color.as_deref().and_then(|c| self.color(c)) {
            s.border_color = c;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_theme_read_from_json_is_the_yaml_one() {
        let mut from_yaml = Theme::parse(Path::new("themes/default.yaml"), DEFAULT_THEME).unwrap();
        from_yaml.name = BUILT_IN.to_string();
        assert_eq!(*Theme::shared(), from_yaml);
        assert!(!from_yaml.styles.is_empty() && !from_yaml.colors.is_empty());
    }

    #[test]
    fn the_builtin_theme_parses() {
        let t = Theme::parse(Path::new("default.yaml"), DEFAULT_THEME).unwrap();
        assert!(t.color("ink").is_some());
        let body = t.resolve(&Style::default(), "body", None);
        let p = t.resolve(&body, "p", None);
        assert_eq!(p.font, Family::Serif);
        let h1 = t.resolve(&body, "h1", None);
        assert_eq!(h1.font, Family::Sans);
        assert!(h1.bold && h1.keep_with_next);
    }

    #[test]
    fn classes_override_elements_and_spacing_is_not_inherited() {
        let yaml = "colors: {ink: [0,0,0,100], red: [0,100,100,0]}\nstyles:\n  p: {size: 10, space-after: 6}\n  p.lead: {size: 12, color: red}\n  em: {italic: true}\n";
        let t = Theme::parse(Path::new("t.yaml"), yaml).unwrap();
        let lead = t.resolve(&Style::default(), "p", Some("lead"));
        assert_eq!(lead.size, 12.0);
        assert_eq!(
            lead.color,
            Cmyk {
                c: 0.0,
                m: 1.0,
                y: 1.0,
                k: 0.0
            }
        );
        assert_eq!(lead.space_after, 6.0);
        let em = t.resolve(&lead, "em", None);
        assert!(em.italic);
        assert_eq!(em.size, 12.0);
        assert_eq!(em.space_after, 0.0);
    }

    #[test]
    fn project_fonts_are_found_where_the_styles_name_them() {
        let yaml = "# DejaVu Serif is the body font\ncolors: {ink: [0,0,0,100]}\nstyles:\n  body: { font: DejaVu Serif, fallback: [DejaVu Sans, serif] }\n  h1: { font: Sans }\n";
        let t = Theme::parse(Path::new("t.yaml"), yaml).unwrap();
        let found: Vec<(String, usize, usize)> = t
            .fonts
            .iter()
            .map(|(f, at)| (f.to_string(), at.line, at.column))
            .collect();
        assert_eq!(
            found,
            [
                ("DejaVu Serif".to_string(), 4, 17),
                ("DejaVu Sans".to_string(), 4, 42)
            ]
        );
        let body = t.resolve(&Style::default(), "body", None);
        assert_eq!(body.fallback.len(), 2);
        let h1 = t.resolve(&body, "h1", None);
        assert_eq!(h1.font, Family::Sans);
        assert_eq!(h1.fallback, body.fallback, "inherited");
    }

    #[test]
    fn an_unknown_colour_is_an_error() {
        let yaml = "colors: {ink: [0,0,0,100]}\nstyles:\n  p: {color: blue}\n";
        let err = Theme::parse(Path::new("t.yaml"), yaml).unwrap_err();
        assert!(err.message.contains("`blue`"), "{}", err.message);
    }
}
