//! The JSON Schema of the briefing's keys whose shape serde's derive
//! cannot tell schemars (`handbill schema`, src/schema.rs): they are read
//! here, so their schemas live beside them.

use schemars::{Schema, SchemaGenerator, json_schema};

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

/// `encrypt:` — `true`/`false`, or its options.
pub fn encrypt(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Lock each copy with its own password (AES-256; screen profile only): `true`, or `password_file: FILE` for one password given in a file.",
        "anyOf": [
            { "type": "boolean" },
            {
                "type": "object",
                "properties": { "password_file": { "type": "string" } },
                "additionalProperties": false
            }
        ]
    })
}
