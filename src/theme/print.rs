//! `handbill theme`: the project's themes listed, the built-in theme's
//! file to start from, or a project theme written out whole, as handbill
//! reads it with every theme it extends.

use std::fmt::Write;
use std::path::Path;

use super::file::{BUILTIN, DEFAULT, find, project_themes};
use super::{DEFAULT_THEME, Theme};
use crate::error::Result;

/// What `handbill theme --print [NAME]` writes: without a name the
/// built-in theme's file, with its comments; with one, that theme whole.
pub fn text(project: &Path, name: Option<&str>) -> Result<String> {
    match name {
        None | Some(BUILTIN) => Ok(DEFAULT_THEME.to_string()),
        Some(name) => {
            let theme = find(project, name, None)?;
            Ok(yaml(&theme, name))
        }
    }
}

/// `theme` as a theme file that extends nothing: the same colours and
/// styles, each style on one line.
pub fn yaml(theme: &Theme, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# The theme `{name}` ({}) as handbill reads it, with every theme it\n# extends merged in. See docs/theme.md.\ncolors:",
        theme.name
    );
    for (colour, cmyk) in &theme.colors {
        let percent = |v: f32| (v * 100_000.0).round() / 1000.0;
        let _ = writeln!(
            out,
            "  {}: [{}, {}, {}, {}]",
            key(colour),
            percent(cmyk.c),
            percent(cmyk.m),
            percent(cmyk.y),
            percent(cmyk.k)
        );
    }
    out.push_str("styles:\n");
    for (style, rule) in &theme.styles {
        let value = serde_json::to_value(rule).unwrap_or_default();
        let properties: Vec<String> = value
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {}", key(s)),
                other => format!("{k}: {other}"),
            })
            .collect();
        let _ = writeln!(out, "  {}: {{ {} }}", key(style), properties.join(", "));
    }
    out
}

/// A name as YAML writes it: bare when it can be, else quoted.
fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        && !matches!(
            name,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off"
        );
    if bare {
        name.to_string()
    } else {
        serde_json::Value::String(name.to_string()).to_string()
    }
}

/// What `handbill theme` lists: each theme a briefing may name, what it
/// extends, and whether it reads without error.
pub fn listing(project: &Path) -> String {
    let mut out = String::from("Themes (`theme:` in a briefing):\n");
    let own = project_themes(project);
    let default_is_own = own.iter().any(|n| n == DEFAULT);
    let _ = writeln!(
        out,
        "  {BUILTIN:<16} built in{}",
        if default_is_own {
            ""
        } else {
            "; the default, as there is no themes/default.yaml"
        }
    );
    for name in &own {
        let state = match find(project, name, None) {
            Ok(theme) => format!(
                "themes/{name}.yaml: {} colours, {} styles",
                theme.colors.len(),
                theme.styles.len()
            ),
            Err(e) => format!("themes/{name}.yaml cannot be read: {}", e.message),
        };
        let file = crate::project::join(project, &Path::new("themes").join(format!("{name}.yaml")));
        let same = crate::project::read_again(&file, crate::load::MAX_TEXT_BYTES) == DEFAULT_THEME;
        let note = match (name == DEFAULT, same) {
            (true, true) => "; the default, the same as the built-in theme",
            (true, false) => "; the default",
            (false, true) => "; the same as the built-in theme",
            (false, false) => "",
        };
        let _ = writeln!(out, "  {name:<16} {state}{note}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_out_theme_reads_back_the_same() {
        let builtin = Theme::builtin();
        let text = yaml(&builtin, "builtin");
        let mut again = Theme::parse(Path::new("themes/x.yaml"), &text).unwrap();
        again.name = builtin.name.clone();
        assert_eq!(again, builtin, "{text}");
        assert!(text.contains("  accent: [0, 95, 85, 10]\n"), "{text}");
        assert!(text.contains("  .headline: { "), "{text}");
    }

    #[test]
    fn names_yaml_would_misread_are_quoted() {
        assert_eq!(key("h1"), "h1");
        assert_eq!(key(".lead"), ".lead");
        assert_eq!(key("yes"), "\"yes\"");
        assert_eq!(key("a b"), "\"a b\"");
        assert_eq!(key("1st"), "\"1st\"");
    }
}
