//! JSON Schemas of the files handbill reads, generated from the same types
//! that read them (so they cannot drift from what handbill accepts), for
//! editors that check YAML as it is typed (docs/editors.md).

use clap::ValueEnum;
use schemars::Schema;

/// The kinds of file there is a schema of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A briefing: briefings/NAME.yaml.
    Briefing,
    /// A country profile: briefings/profiles/NAME/profile.yaml.
    Profile,
    /// A sheet format: formats/NAME.yaml.
    Format,
    /// A theme: themes/NAME.yaml.
    Theme,
    /// Fixed words of a language: words/LANG.yaml.
    Words,
    /// What `handbill check --format json` prints (docs/check-json.md).
    Check,
}

impl Kind {
    /// The file name `init` and `new` give the schema in a project's
    /// `schemas/` folder.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Briefing => "briefing",
            Kind::Profile => "profile",
            Kind::Format => "format",
            Kind::Theme => "theme",
            Kind::Words => "words",
            Kind::Check => "check",
        }
    }
}

/// The schema of one kind of file.
pub fn schema(kind: Kind) -> Schema {
    let mut schema = match kind {
        Kind::Briefing => schemars::schema_for!(crate::load::BriefingFile),
        Kind::Profile => schemars::schema_for!(crate::load::ProfileFile),
        Kind::Format => schemars::schema_for!(crate::format::FormatFile),
        Kind::Theme => schemars::schema_for!(crate::theme::ThemeFile),
        Kind::Words => schemars::schema_for!(crate::words::WordsFile),
        Kind::Check => crate::check_json::schema(),
    };
    schema.insert("title".into(), format!("handbill {}", kind.name()).into());
    if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for (key, text) in described(kind) {
            if let Some(serde_json::Value::Object(property)) = properties.get_mut(*key) {
                property.insert("description".into(), (*text).into());
            }
        }
    }
    schema
}

/// What the editor shows for each key of a file (the user's manual in
/// short: docs/briefing.md and docs/profile.md say more).
fn described(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Briefing => &[
            (
                "title",
                "The document's title: the PDF's Title, the pack's cover and running header. Default: the profile's title.",
            ),
            (
                "subtitle",
                "The PDF's Subject; printed under the title on the pack's cover.",
            ),
            (
                "profile",
                "The profile's folder name under briefings/profiles/, e.g. `kazakhstan`.",
            ),
            (
                "template",
                "`leaflet`, `briefing-pack`, or the path of the project's own .hbs file.",
            ),
            (
                "format",
                "The sheet: a5, a6, a5-folded, dl-trifold, a4, a3, or one of the project's formats/. Default: a5 for a leaflet, a4 for a pack.",
            ),
            (
                "theme",
                "The project theme to set it in: `brand` for themes/brand.yaml, or `builtin`. Default: the project's themes/default.yaml, else the built-in theme.",
            ),
            (
                "audience",
                "Who the document is for: public, delegation or confidential. A section whose audience is narrower is refused.",
            ),
            (
                "lang",
                "Language code, e.g. en, ru, kk: the sections' translations, fixed words, hyphenation. Default: the profile's.",
            ),
            (
                "date",
                "The document's date, as text; written YYYY-MM-DD it is also the PDF's date. Default: the profile's.",
            ),
            (
                "sections",
                "Which sections, in which order: `all`, or a list of section ids and `tag: NAME` entries.",
            ),
            (
                "values",
                "Free values for the template: headline, standfirst, image, event, organisers, qr … for the leaflet; delegation, date, classification, short_title for the pack.",
            ),
            (
                "recipients",
                "One personalised copy per person: a list of `name:` (and `role:`), or the path of a CSV file.",
            ),
            (
                "hyphenation",
                "Words with the only places they may be hyphenated: [Kazakh-stan, Nazarbayev].",
            ),
            (
                "fit",
                "`exact`: text that does not fit a leaflet is an error; `shrink`: set it smaller, down to 75 %.",
            ),
            (
                "allow",
                "Checks waived on purpose: `low-resolution`, or `section: ID` for one section of a narrower audience.",
            ),
            (
                "numbering",
                "[sections], [paragraphs] or both: numbered headings and paragraph numbers in the margin (packs).",
            ),
            (
                "watermark",
                "A word set large and pale across every page: DRAFT, or the classification.",
            ),
            (
                "logo",
                "A PNG or JPEG in the project for the pack's cover, e.g. assets/logo.png.",
            ),
            (
                "logo_alt",
                "What the logo shows, for readers who cannot see it. Default: the profile's publisher.",
            ),
            (
                "keywords",
                "The PDF's Keywords. Default: the chosen sections' tags.",
            ),
        ],
        Kind::Profile => &[
            ("title", "The profile's title."),
            ("publisher", "Who publishes the profile: the PDF's Author."),
            (
                "date",
                "The profile's date, as text (YYYY-MM-DD is also the PDF's date).",
            ),
            (
                "lang",
                "The language of the sections, e.g. en; translations are NN-id.LANG.md files.",
            ),
            (
                "sources",
                "The bibliography: key → author, title, publisher, date, url, audience. Sections cite a key with [^key].",
            ),
            (
                "images",
                "The pictures briefings may show: key → file (in the project), caption, credit, alt, audience.",
            ),
        ],
        Kind::Theme => &[
            (
                "extends",
                "The theme this one starts from, changing only what it names: `builtin`, `default` (the project's themes/default.yaml, else the built-in one) or another file's name in themes/.",
            ),
            (
                "colors",
                "Named colours as CMYK percentages [cyan, magenta, yellow, black], each 0 to 100, e.g. `accent: [0, 95, 85, 10]`.",
            ),
            (
                "styles",
                "Styles by element (`h1`), class (`.headline`) or both (`p.lead`): font, bold, italic, size, leading, color … (docs/theme.md).",
            ),
        ],
        Kind::Format | Kind::Words | Kind::Check => &[],
    }
}

/// The schema as pretty JSON, ending with a new line.
pub fn text(kind: Kind) -> String {
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_described_key_is_a_key_of_its_file() {
        for kind in [Kind::Briefing, Kind::Profile, Kind::Theme] {
            let s = serde_json::to_value(schema(kind)).unwrap();
            for (key, _) in described(kind) {
                assert!(
                    s["properties"].get(*key).is_some(),
                    "{} has no key `{key}`",
                    kind.name()
                );
            }
        }
    }

    #[test]
    fn a_briefing_schema_knows_its_keys_and_refuses_others() {
        let s = serde_json::to_value(schema(Kind::Briefing)).unwrap();
        assert_eq!(s["additionalProperties"], serde_json::json!(false));
        for key in ["profile", "template", "sections", "audience", "values"] {
            assert!(s["properties"].get(key).is_some(), "no `{key}` in {s}");
        }
        for key in ["profile", "sections"] {
            assert!(s["properties"][key]["description"].is_string(), "{key}");
        }
        let required = s["required"].as_array().unwrap();
        assert!(required.contains(&"profile".into()));
        assert!(!required.contains(&"values".into()));
    }
}
