//! What `handbill check --format json` prints, version 1: plain data for
//! other programs, with its JSON Schema (`handbill schema check`) made from
//! these types. docs/check-json.md is the manual.
//!
//! Version 1 keeps its promise: keys are only ever added, never renamed,
//! removed or given another meaning; a change that would break a reader
//! gets a new `version`.

use serde::Serialize;

use crate::error::{Error, ErrorKind, Location, PagePlace, Warning, WarningKind};

/// The version of the form this module writes.
pub const VERSION: u32 = 1;

/// Everything one `check` found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckJson {
    /// The version of this form: 1.
    pub version: u32,
    /// Whether every briefing passed and the command itself was right.
    pub ok: bool,
    /// One entry per PDF a build would write: per briefing, or per
    /// recipient of a briefing with recipients.
    pub briefings: Vec<Checked>,
    /// Problems that belong to no one briefing: a wrong option, a path
    /// that does not exist (then `briefings` is empty).
    pub errors: Vec<Diagnostic>,
}

/// One PDF's check.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Checked {
    /// The briefing file, as found from the project folder.
    pub briefing: String,
    /// The PDF a build would write, in the output folder.
    pub output: String,
    /// Whether it would build.
    pub ok: bool,
    /// Its number of pages, when it would build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    /// What stopped it, when it would not build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Diagnostic>,
    /// What a build would warn of.
    pub warnings: Vec<Diagnostic>,
    /// How its text was set, when it would build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typesetting: Option<Typesetting>,
}

/// The typesetting report: counts, and each problem as a diagnostic.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Typesetting {
    pub lines: usize,
    pub hyphenated: usize,
    /// Lines wider than their measure (`overfull-line`).
    pub overfull: Vec<Diagnostic>,
    /// Justified lines whose spaces stretched too far (`loose-line`).
    pub loose: Vec<Diagnostic>,
    /// Widows and orphans no page break could avoid (`widow-or-orphan`).
    pub widows_and_orphans: Vec<Diagnostic>,
    /// Table rows taller than a frame, split across two (`split-row`).
    pub split_rows: Vec<Diagnostic>,
}

/// An error or a warning. `file`, `line`, `column`, `help`, `note` and
/// `place` are always there, `null` when not known.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    /// The kind, for programs: see docs/check-json.md for the list.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file it is in, relative to the project folder.
    pub file: Option<String>,
    /// The line, from 1.
    pub line: Option<usize>,
    /// The column, from 1, in characters.
    pub column: Option<usize>,
    /// What to do about it.
    pub help: Option<String>,
    /// What handbill was doing.
    pub note: Option<String>,
    /// Where on the pages it is: the line of a report row, an overset's
    /// last frame. Added in version 1's life: older output has no key.
    pub place: Option<Place>,
}

/// A box on one page: where the preview marks a problem.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Place {
    /// The page, from 1, in the order the document is laid out.
    pub page: usize,
    /// The unit of `x`, `y`, `width` and `height`: `pt`, 1/72 inch.
    pub unit: &'static str,
    /// From the trimmed page's left edge to the box's left edge.
    pub x: f64,
    /// From the trimmed page's top edge down to the box's top edge.
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Place {
    fn of(p: &PagePlace) -> Place {
        // Hundredths of a point: finer than any press, and no float noise.
        let pt = |v: f32| (f64::from(v) * 100.0).round() / 100.0;
        Place {
            page: p.page + 1,
            unit: "pt",
            x: pt(p.x),
            y: pt(p.y),
            width: pt(p.width),
            height: pt(p.height),
        }
    }
}

impl Diagnostic {
    fn new(
        code: &'static str,
        message: &str,
        at: Option<&Location>,
        help: Option<&str>,
        place: Option<&PagePlace>,
    ) -> Self {
        let known = at.filter(|l| l.line > 0);
        Diagnostic {
            code,
            message: message.to_string(),
            file: at.map(|l| l.file.display().to_string()),
            line: known.map(|l| l.line),
            column: known.map(|l| l.column),
            help: help.map(str::to_string),
            note: None,
            place: place.map(Place::of),
        }
    }

    pub fn of_error(e: &Error) -> Diagnostic {
        Diagnostic {
            note: e.while_doing.as_ref().map(|d| format!("while {d}")),
            ..Diagnostic::new(
                e.kind.code(),
                &e.message,
                e.location.as_deref(),
                e.help.as_deref(),
                e.place.as_deref(),
            )
        }
    }

    pub fn of_warning(w: &Warning) -> Diagnostic {
        Diagnostic::new(
            w.kind.code(),
            &w.message,
            w.location.as_ref(),
            w.help.as_deref(),
            w.place.as_ref(),
        )
    }

    pub fn of_warnings(warnings: &[Warning]) -> Vec<Diagnostic> {
        warnings.iter().map(Diagnostic::of_warning).collect()
    }
}

impl Typesetting {
    pub fn of(report: &crate::layout::Report) -> Typesetting {
        Typesetting {
            lines: report.lines,
            hyphenated: report.hyphenated,
            overfull: Diagnostic::of_warnings(&report.overfull),
            loose: Diagnostic::of_warnings(&report.loose),
            widows_and_orphans: Diagnostic::of_warnings(&report.widows_and_orphans),
            split_rows: Diagnostic::of_warnings(&report.split_rows),
        }
    }
}

impl CheckJson {
    /// The form of a command that could not run: its errors only.
    pub fn refused(errors: Vec<Diagnostic>) -> CheckJson {
        CheckJson {
            version: VERSION,
            ok: false,
            briefings: Vec::new(),
            errors,
        }
    }

    /// The JSON text, pretty-printed, ending with a newline.
    pub fn text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The JSON Schema of the form (`handbill schema check`), from the types
/// above, with what they cannot say: the version is 1, a diagnostic has
/// every key, and its `code` is one of the kinds handbill knows.
pub fn schema() -> schemars::Schema {
    let mut schema = schemars::schema_for!(CheckJson);
    if let Some(version) = schema.pointer_mut("/properties/version") {
        *version =
            serde_json::json!({ "description": "The version of this form.", "const": VERSION });
    }
    if let Some(serde_json::Value::Object(diagnostic)) = schema.pointer_mut("/$defs/Diagnostic") {
        let keys = ["code", "message", "file", "line", "column", "help", "note"];
        diagnostic.insert("required".into(), serde_json::json!(keys));
    }
    if let Some(serde_json::Value::Object(page)) =
        schema.pointer_mut("/$defs/Place/properties/page")
    {
        page.insert("minimum".into(), 1.into());
    }
    if let Some(unit) = schema.pointer_mut("/$defs/Place/properties/unit") {
        *unit = serde_json::json!({ "description": "The unit of the lengths: points, 1/72 inch.", "const": "pt" });
    }
    let mut codes: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
    for code in WarningKind::ALL.iter().map(|k| k.code()) {
        // `untranslated` is both: an error with `translations: required`.
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if let Some(serde_json::Value::Object(code)) =
        schema.pointer_mut("/$defs/Diagnostic/properties/code")
    {
        code.insert("enum".into(), serde_json::json!(codes));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, WarningKind};
    use std::path::Path;

    #[test]
    fn every_field_is_written_even_when_unknown() {
        let w = Warning::new(WarningKind::StaleOutput, "left");
        let json = serde_json::to_value(Diagnostic::of_warning(&w)).unwrap();
        for key in [
            "code", "message", "file", "line", "column", "help", "note", "place",
        ] {
            assert!(json.get(key).is_some(), "{key}: {json}");
        }
        assert_eq!(json["code"], "stale-output");
        assert!(json["line"].is_null());
    }

    #[test]
    fn an_error_keeps_its_place_kind_and_note() {
        let e = Error::new("overset")
            .at(Location::at_line(Path::new("b.yaml"), "a\nbc\n", 2, 2))
            .help("shorten it")
            .kind(ErrorKind::Overset)
            .context("building b.yaml");
        let d = Diagnostic::of_error(&e);
        assert_eq!(d.code, "overset");
        assert_eq!(d.file.as_deref(), Some("b.yaml"));
        assert_eq!((d.line, d.column), (Some(2), Some(2)));
        assert_eq!(d.help.as_deref(), Some("shorten it"));
        assert_eq!(d.note.as_deref(), Some("while building b.yaml"));
        assert_eq!(d.place, None);
        // An overset's last frame: its page from 1, in points.
        let place = PagePlace {
            page: 1,
            x: 28.346457,
            y: 56.5,
            width: 200.0,
            height: 300.25,
        };
        let d = Diagnostic::of_error(&e.clone().on_page(place));
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json["place"],
            serde_json::json!({ "page": 2, "unit": "pt", "x": 28.35, "y": 56.5, "width": 200.0, "height": 300.25 })
        );
        // A whole file: its name, no line.
        let d = Diagnostic::of_error(&Error::new("x").at(Location::file(Path::new("out"))));
        assert_eq!(
            (d.file.as_deref(), d.line, d.column),
            (Some("out"), None, None)
        );
    }
}
