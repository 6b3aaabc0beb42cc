//! JSON Schemas of the files handbill reads, generated from the same types
//! that read them (so they cannot drift from what handbill accepts), for
//! editors that check YAML as it is typed (docs/editors.md).

use clap::ValueEnum;
use schemars::{Schema, SchemaGenerator, json_schema};

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
    };
    schema.insert("title".into(), format!("handbill {}", kind.name()).into());
    schema
}

/// The schema as pretty JSON, ending with a new line.
pub fn text(kind: Kind) -> String {
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// `sections:` — the word `all`, or a list of section ids and `tag:` picks.
pub fn sections(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "The sections to include: `all`, or a list of section ids and `tag: NAME` entries, in order.",
        "anyOf": [
            { "const": "all" },
            {
                "type": "array",
                "minItems": 1,
                "items": {
                    "anyOf": [
                        { "type": "string" },
                        {
                            "type": "object",
                            "properties": { "tag": { "type": "string" } },
                            "required": ["tag"],
                            "additionalProperties": false
                        }
                    ]
                }
            }
        ]
    })
}

/// `recipients:` — a list of people, or the path of a CSV file.
pub fn recipients(generator: &mut SchemaGenerator) -> Schema {
    let person = generator.subschema_for::<crate::model::Recipient>();
    json_schema!({
        "description": "The people to make a personalised copy for: a list of `name:` (and `role:`), or the path of a CSV file with `name` and `role` columns.",
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": person }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_briefing_schema_knows_its_keys_and_refuses_others() {
        let s = serde_json::to_value(schema(Kind::Briefing)).unwrap();
        assert_eq!(s["additionalProperties"], serde_json::json!(false));
        for key in ["profile", "template", "sections", "audience", "values"] {
            assert!(s["properties"].get(key).is_some(), "no `{key}` in {s}");
        }
        let required = s["required"].as_array().unwrap();
        assert!(required.contains(&"profile".into()));
        assert!(!required.contains(&"values".into()));
    }
}
