//! Formats: the sheets a briefing is printed on, as data.
//!
//! A format is a few lines of YAML (`formats/*.yaml`, built in; a project
//! may add its own or override one in its own `formats/` folder). It says
//! how big the sheet is, how much bleed the print shop wants, and how each
//! side of the sheet is divided into *panels* by its folds: a DL tri-fold is
//! an A4 sheet with three panels a side. Templates read the geometry from
//! the template data (`format.sides`, see docs/templates.md) and pour their
//! flows into the panels in reading order.
//!
//! The checks here are the ones a folded sheet must pass to fold at all:
//! the panels of a side fill the sheet exactly, and the two sides of a
//! folded sheet mirror each other (the panel behind the outside's left one
//! is the inside's right one, and it has the same width).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};
use serde_saphyr::Spanned;

use crate::error::{Error, Location, Result, did_you_mean};
use crate::length::{MM, SHEET_SIDES, parse_length};
use crate::load::{parse_yaml, read_text};
use crate::project::Refused;

/// The formats compiled into handbill: name, YAML.
pub const BUILTIN: &[(&str, &str)] = &[
    ("a3", include_str!("../formats/a3.yaml")),
    ("a4", include_str!("../formats/a4.yaml")),
    ("a5", include_str!("../formats/a5.yaml")),
    ("a5-folded", include_str!("../formats/a5-folded.yaml")),
    ("a6", include_str!("../formats/a6.yaml")),
    ("dl-trifold", include_str!("../formats/dl-trifold.yaml")),
];

/// A sheet and its panels; lengths in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Format {
    pub name: String,
    /// The file it was read from, or `formats/NAME.yaml (built in)`.
    pub file: PathBuf,
    pub description: String,
    /// The sheet as printed, before folding (the trim size).
    pub width: f32,
    pub height: f32,
    pub bleed: f32,
    /// The margin inside every panel.
    pub margin: f32,
    /// The space between columns of a panel.
    pub gutter: f32,
    /// The printed sides, front first.
    pub sides: Vec<Side>,
    /// Panel names in the order a reader meets them.
    pub reading: Vec<String>,
    /// `screen_ppi:`: the resolution pictures are scaled down to in screen
    /// output; none: the default (a briefing's own comes first).
    pub screen_ppi: Option<f32>,
}

/// One side of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub name: String,
    /// Left to right across the sheet.
    pub panels: Vec<Panel>,
}

/// A part of a side between folds (or the whole side, if it is not folded).
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub name: String,
    /// From the left trim edge of the side.
    pub x: f32,
    pub width: f32,
    pub columns: usize,
}

impl Side {
    /// Where the sheet folds on this side: the edges between panels.
    pub fn folds(&self) -> Vec<f32> {
        self.panels.iter().skip(1).map(|p| p.x).collect()
    }
}

impl Format {
    /// A panel by name, with its side's index.
    pub fn panel(&self, name: &str) -> Option<(usize, &Panel)> {
        self.sides
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.panels.iter().find(|p| p.name == name).map(|p| (i, p)))
    }

    /// Every panel's name, side by side, left to right.
    pub fn panel_names(&self) -> impl Iterator<Item = &str> {
        self.sides
            .iter()
            .flat_map(|s| s.panels.iter().map(|p| p.name.as_str()))
    }

    /// What a template sees as `format`: lengths in millimetres.
    pub fn data(&self) -> Value {
        let mm = |pt: f32| ((pt / MM) * 100.0).round() / 100.0;
        let reading_index =
            |name: &str| self.reading.iter().position(|r| r == name).unwrap_or(0) + 1;
        let last = self.reading.len();
        let sides: Vec<Value> = self
            .sides
            .iter()
            .map(|side| {
                let panels: Vec<Value> = side
                    .panels
                    .iter()
                    .map(|p| {
                        let reading = reading_index(&p.name);
                        let inner = p.width - 2.0 * self.margin;
                        let column_width =
                            (inner - self.gutter * (p.columns - 1) as f32) / p.columns as f32;
                        let columns: Vec<Value> = (0..p.columns)
                            .map(|c| {
                                json!({
                                    "x": mm(p.x + self.margin + c as f32 * (column_width + self.gutter)),
                                    "width": mm(column_width),
                                    // Frames fill in this order: panels in reading order,
                                    // columns left to right.
                                    "order": reading * 10 + c + 1,
                                })
                            })
                            .collect();
                        json!({
                            "name": p.name,
                            "side": side.name,
                            "x": mm(p.x),
                            "y": 0.0,
                            "width": mm(p.width),
                            "height": mm(self.height),
                            "reading": reading,
                            "order": reading * 10,
                            "first": reading == 1,
                            "last": reading == last,
                            // Read just before the back (a tri-fold's flap).
                            "penultimate": reading + 1 == last && reading > 1,
                            "content": {
                                "x": mm(p.x + self.margin),
                                "y": mm(self.margin),
                                "width": mm(inner),
                                "height": mm(self.height - 2.0 * self.margin),
                            },
                            "columns": columns,
                            "multi_column": p.columns > 1,
                        })
                    })
                    .collect();
                let folds: Vec<String> = side
                    .folds()
                    .iter()
                    .map(|f| format!("{}mm", mm(*f)))
                    .collect();
                json!({
                    "name": side.name,
                    "folds": folds.join(" "),
                    "panels": panels,
                })
            })
            .collect();
        json!({
            "name": self.name,
            "description": self.description,
            "width": mm(self.width),
            "height": mm(self.height),
            "bleed": mm(self.bleed),
            "margin": mm(self.margin),
            "gutter": mm(self.gutter),
            "folded": self.sides.iter().any(|s| s.panels.len() > 1),
            "sides": sides,
            "reading": self.reading,
        })
    }
}

/// The format a template uses when the briefing names none.
pub fn default_for_template(template: &str) -> &'static str {
    match template {
        "leaflet" | "leaflet-a5" => "a5",
        _ => "a4",
    }
}

/// The format a briefing prints on: the one it names, else its template's.
pub fn for_briefing(briefing: &crate::model::Briefing) -> Result<Format> {
    match &briefing.format {
        Some(f) => find(&briefing.project, &f.value, Some(&f.location)),
        None => find(
            &briefing.project,
            default_for_template(&briefing.template.value),
            None,
        ),
    }
}

/// Finds the format `name`: the project's `formats/NAME.yaml`, else the
/// built-in one. `at` is where the briefing names it, for messages.
pub fn find(project: &Path, name: &str, at: Option<&Location>) -> Result<Format> {
    let blame = |e: Error| match (at, e.location.is_some()) {
        (Some(at), false) => e.at(at.clone()),
        _ => e,
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid_name {
        let path =
            crate::project::join(project, &Path::new("formats").join(format!("{name}.yaml")));
        // Whatever stands at the name is read, and reading says what is
        // wrong with it (a folder, a named pipe): only nothing there at all
        // means the built-in format.
        if std::fs::symlink_metadata(&path).is_ok() {
            if let Err(Refused::LinksOut(path)) = crate::project::inside(project, &path) {
                return Err(blame(crate::project::linked_out(&path, "the format")));
            }
            let text = read_text(&path).map_err(|e| e.at_if_unplaced(at))?;
            return parse(name, &path, &text);
        }
        if let Some((n, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            return parse(
                n,
                &PathBuf::from(format!("formats/{n}.yaml (built in)")),
                text,
            );
        }
    }
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    names.extend(project_formats(project));
    names.sort();
    names.dedup();
    let help = match did_you_mean(name, names.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "use one of {}, or describe the sheet in `formats/{name}.yaml` (see docs/print.md)",
            names.join(", ")
        ),
    };
    Err(blame(
        Error::new(format!("there is no format `{name}`")).help(help),
    ))
}

/// The names of the formats in a project's own `formats/` folder.
pub fn project_formats(project: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project.join("formats"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormatFile {
    description: String,
    #[schemars(with = "String")]
    width: Spanned<String>,
    #[schemars(with = "String")]
    height: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    bleed: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    margin: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    gutter: Option<Spanned<String>>,
    #[schemars(with = "Vec<SideFile>")]
    sides: Spanned<Vec<Spanned<SideFile>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    reading: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    screen_ppi: Option<Spanned<f64>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SideFile {
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// None: the side is one panel named after it.
    #[serde(default)]
    #[schemars(with = "Option<Vec<PanelFile>>")]
    panels: Option<Spanned<Vec<PanelFile>>>,
    #[serde(default)]
    #[schemars(with = "Option<usize>")]
    columns: Option<Spanned<usize>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PanelFile {
    #[schemars(with = "String")]
    name: Spanned<String>,
    #[schemars(with = "String")]
    width: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<usize>")]
    columns: Option<Spanned<usize>>,
}

/// Where a panel's values are written, for messages about them: a side
/// without `panels:` is one panel of the sheet's width.
struct PanelPlaces {
    name: Location,
    width: Location,
    /// Its `columns:`, or where it would go.
    columns: Location,
}

/// A panel named `name`, at `x` and `width` wide, and where its values are
/// written (its width at `width_at`; its `columns:`, or its name where they
/// would go), for a side that is one panel and for each of a side's panels.
fn panel_of(
    name: &Spanned<String>,
    columns: &Option<Spanned<usize>>,
    (x, width): (f32, f32),
    width_at: &serde_saphyr::Location,
    at: &dyn Fn(&serde_saphyr::Location) -> Location,
) -> (Panel, PanelPlaces) {
    let panel = Panel {
        name: name.value.clone(),
        x,
        width,
        columns: columns.as_ref().map_or(1, |c| c.value),
    };
    let places = PanelPlaces {
        name: at(&name.referenced),
        width: at(width_at),
        columns: at(columns.as_ref().map_or(&name.referenced, |c| &c.referenced)),
    };
    (panel, places)
}

/// Reads and checks one format file.
pub fn parse(name: &str, file: &Path, text: &str) -> Result<Format> {
    let raw: FormatFile = parse_yaml(file, text, 1)?;
    let at = |s: &serde_saphyr::Location| {
        Location::at_line(file, text, s.line() as usize, s.column() as usize)
    };
    let length = |field: &str, v: &Spanned<String>, of: f32| -> Result<f32> {
        match parse_length(&v.value, of) {
            Some(x) if x >= 0.0 => Ok(x),
            Some(_) => Err(Error::new(format!("`{field}: {}` is below zero", v.value))
                .at(at(&v.referenced))
                .help(format!("give `{field}:` a length of 0 or more, e.g. `5mm`"))),
            None => Err(
                Error::new(format!("`{field}: {}` is not a length", v.value))
                    .at(at(&v.referenced))
                    .help("write it with its unit, e.g. `297mm`, `8.5in` or `12pt`"),
            ),
        }
    };
    let width = length("width", &raw.width, 0.0)?;
    let height = length("height", &raw.height, 0.0)?;
    for (field, v, value) in [
        ("width", &raw.width, width),
        ("height", &raw.height, height),
    ] {
        if !SHEET_SIDES.contains(&value) {
            return Err(Error::new(format!(
                "`{field}: {}` is not a sheet size handbill can print",
                v.value
            ))
            .at(at(&v.referenced))
            .help("a sheet is between 20 mm and 2 m each way"));
        }
    }
    let optional = |field: &str, v: &Option<Spanned<String>>, default: f32| -> Result<f32> {
        v.as_ref().map_or(Ok(default), |v| length(field, v, width))
    };
    let bleed = optional("bleed", &raw.bleed, 3.0 * MM)?;
    if bleed > 30.0 * MM {
        let v = raw.bleed.as_ref().expect("a bleed over 30 mm was given");
        return Err(Error::new("`bleed` must be between 0 and 30 mm")
            .at(at(&v.referenced))
            .help("print shops ask for 3 mm"));
    }
    let margin = optional("margin", &raw.margin, 10.0 * MM)?;
    let gutter = optional("gutter", &raw.gutter, 5.0 * MM)?;
    if height - 2.0 * margin < 20.0 * MM {
        return Err(Error::new(format!(
            "the margins leave no room for text: the sheet is {:.1} mm high, and {:.1} mm of it is margin",
            height / MM,
            2.0 * margin / MM
        ))
        .at(at(&raw.margin.as_ref().unwrap_or(&raw.height).referenced))
        .help("make the margin smaller: a panel needs 20 mm of height for text"));
    }

    if raw.sides.value.is_empty() || raw.sides.value.len() > 2 {
        return Err(Error::new(format!(
            "a format has one side or two, not {}",
            raw.sides.value.len()
        ))
        .at(at(&raw.sides.referenced))
        .help("list the sides under `sides:`, front (outside) first"));
    }
    let mut sides = Vec::new();
    // Each panel's places, side by side, left to right, as `sides` holds them.
    let mut places: Vec<PanelPlaces> = Vec::new();
    for side in &raw.sides.value {
        let s = &side.value;
        let mut panels = Vec::new();
        let mut x = 0.0;
        match &s.panels {
            None => {
                let (panel, place) = panel_of(
                    &s.name,
                    &s.columns,
                    (0.0, width),
                    &raw.width.referenced,
                    &at,
                );
                panels.push(panel);
                places.push(place);
            }
            Some(list) => {
                if let Some(columns) = &s.columns {
                    return Err(Error::new(format!(
                        "side `{}` has panels: give `columns:` to each panel instead",
                        s.name.value
                    ))
                    .at(at(&columns.referenced))
                    .help("move `columns:` into the panels that are to have columns"));
                }
                for p in &list.value {
                    let w = parse_length(&p.width.value, width)
                        .filter(|w| *w > 0.0)
                        .ok_or_else(|| {
                            Error::new(format!(
                                "`width: {}` of panel `{}` is not a length",
                                p.width.value, p.name.value
                            ))
                            .at(at(&p.width.referenced))
                            .help("write it with its unit, e.g. `99mm`")
                        })?;
                    let (panel, place) =
                        panel_of(&p.name, &p.columns, (x, w), &p.width.referenced, &at);
                    panels.push(panel);
                    places.push(place);
                    x += w;
                }
                if list.value.is_empty() {
                    return Err(Error::new(format!("side `{}` has no panels", s.name.value))
                        .at(at(&list.referenced))
                        .help("list its panels left to right, or leave out `panels:` for a side of one panel"));
                }
                if (x - width).abs() > 0.5 * MM {
                    return Err(Error::new(format!(
                        "the panels of side `{}` add up to {:.1} mm, but the sheet is {:.1} mm wide",
                        s.name.value,
                        x / MM,
                        width / MM
                    ))
                    .at(at(&list.referenced))
                    .help("make the panels' widths add up to the sheet's width"));
                }
            }
        }
        let first = places.len() - panels.len();
        for (p, place) in panels.iter().zip(&places[first..]) {
            if !(1..=6).contains(&p.columns) {
                return Err(Error::new(format!(
                    "panel `{}` has {} columns; give 1 to 6",
                    p.name, p.columns
                ))
                .at(place.columns.clone())
                .help("write `columns:` with a whole number from 1 to 6, or leave it out for one column"));
            }
            let inner = p.width - 2.0 * margin - gutter * (p.columns - 1) as f32;
            if inner < 15.0 * MM * p.columns as f32 {
                // Columns written, the first thing to change; else the width.
                let place = match p.columns {
                    1 => place.width.clone(),
                    _ => place.columns.clone(),
                };
                return Err(Error::new(format!(
                    "panel `{}` leaves no room for text inside its margins",
                    p.name
                ))
                .at(place)
                .help("give it fewer columns, make the margin or the gutter smaller, or the panel wider: a column needs 15 mm"));
            }
        }
        sides.push(Side {
            name: s.name.value.clone(),
            panels,
        });
    }
    // Two folded sides are one sheet: what is behind the outside's left
    // panel is the inside's right one, so their widths must agree.
    if let [outside, inside] = &sides[..]
        && (outside.panels.len() > 1 || inside.panels.len() > 1)
    {
        let back_to_back = outside.panels.len() == inside.panels.len()
            && outside
                .panels
                .iter()
                .zip(inside.panels.iter().rev())
                .all(|(a, b)| (a.width - b.width).abs() <= 0.5 * MM);
        if !back_to_back {
            let widths = |s: &Side| {
                s.panels
                    .iter()
                    .map(|p| format!("{} {:.1} mm", p.name, p.width / MM))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // The inside's first panel that does not match its back, or
            // the inside's side where they differ in number.
            let inside_places = &places[outside.panels.len()..];
            let place = match outside.panels.len() == inside.panels.len() {
                true => outside
                    .panels
                    .iter()
                    .zip(inside.panels.iter().zip(inside_places).rev())
                    .find(|(a, (b, _))| (a.width - b.width).abs() > 0.5 * MM)
                    .map(|(_, (_, place))| place.width.clone()),
                false => None,
            };
            let side_at = &raw.sides.value[1];
            return Err(Error::new(format!(
                "the two sides do not fold together: side `{}` is {} and side `{}` is {}",
                outside.name,
                widths(outside),
                inside.name,
                widths(inside)
            ))
            .at(place.unwrap_or_else(|| match &side_at.value.panels {
                Some(list) => at(&list.referenced),
                None => at(&side_at.value.name.referenced),
            }))
            .help("the sides are back to back: the second side's panels, right to left, must have the first side's widths, left to right"));
        }
    }
    let format = Format {
        name: name.to_string(),
        file: file.to_path_buf(),
        description: raw.description,
        width,
        height,
        bleed,
        margin,
        gutter,
        reading: Vec::new(),
        sides,
        screen_ppi: raw
            .screen_ppi
            .map(|v| crate::picture::screen_ppi(v.value, at(&v.referenced)))
            .transpose()?,
    };
    let mut seen = std::collections::BTreeSet::new();
    for (n, place) in format.panel_names().zip(&places) {
        if !seen.insert(n) {
            return Err(Error::new(format!("two panels are named `{n}`"))
                .at(place.name.clone())
                .help("give every panel its own name: templates find panels by name"));
        }
    }
    let reading = match &raw.reading {
        None => format.panel_names().map(str::to_string).collect(),
        Some(list) => {
            let mut reading: Vec<String> = Vec::new();
            for r in &list.value {
                if format.panel(&r.value).is_none() {
                    let help = match did_you_mean(&r.value, format.panel_names()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "the panels are: {}",
                            format.panel_names().collect::<Vec<_>>().join(", ")
                        ),
                    };
                    return Err(Error::new(format!(
                        "`reading:` lists `{}`, which is not a panel of this format",
                        r.value
                    ))
                    .at(at(&r.referenced))
                    .help(help));
                }
                if reading.contains(&r.value) {
                    return Err(
                        Error::new(format!("`reading:` lists panel `{}` twice", r.value))
                            .at(at(&r.referenced)),
                    );
                }
                reading.push(r.value.clone());
            }
            if let Some(missing) = format
                .panel_names()
                .find(|n| !reading.iter().any(|r| r == n))
            {
                return Err(
                    Error::new(format!("`reading:` leaves out panel `{missing}`"))
                        .at(at(&list.referenced))
                        .help("list every panel once, in the order a reader meets them"),
                );
            }
            reading
        }
    };
    Ok(Format { reading, ..format })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(name: &str) -> Format {
        find(Path::new("/nonexistent"), name, None).unwrap()
    }

    #[test]
    fn every_builtin_format_reads() {
        for (name, _) in BUILTIN {
            let f = builtin(name);
            assert!(!f.description.is_empty(), "{name}");
            assert_eq!(f.reading.len(), f.panel_names().count(), "{name}");
        }
    }

    #[test]
    fn the_dl_fold_in_panel_is_narrower_and_the_sides_are_back_to_back() {
        let f = builtin("dl-trifold");
        assert!((f.width / MM - 297.0).abs() < 0.01);
        let [outside, inside] = &f.sides[..] else {
            panic!("a tri-fold has two sides")
        };
        let (_, cover) = f.panel(&f.reading[0]).unwrap();
        let (_, back) = f.panel(f.reading.last().unwrap()).unwrap();
        // The cover is the outside's right panel, the back its middle one.
        assert_eq!(outside.panels[2].name, cover.name);
        assert_eq!(outside.panels[1].name, back.name);
        // The fold-in panel (outside left, inside right) is 2 to 3 mm narrower.
        let narrow = outside.panels[0].width;
        let wide = outside.panels[1].width;
        assert!((2.0 * MM..=3.0 * MM).contains(&(wide - narrow)));
        assert_eq!(inside.panels[2].width, narrow);
        // Folds mirror: a fold at x on the outside is at width − x inside.
        let mut mirrored: Vec<f32> = inside.folds().iter().map(|x| f.width - x).collect();
        mirrored.reverse();
        for (a, b) in outside.folds().iter().zip(&mirrored) {
            assert!((a - b).abs() < 0.01, "{a} {b}");
        }
    }

    fn parse_str(text: &str) -> Result<Format> {
        parse("test", Path::new("formats/test.yaml"), text)
    }

    #[test]
    fn panels_that_do_not_fill_the_sheet_are_refused_with_their_sum() {
        let e = parse_str(
            "description: x\nwidth: 297mm\nheight: 210mm\nsides:\n  - name: out\n    panels:\n      - {name: a, width: 99mm}\n      - {name: b, width: 99mm}\n",
        )
        .unwrap_err();
        assert!(e.message.contains("add up to 198.0 mm"), "{}", e.message);
        // At the panels, whose widths are at fault.
        assert_eq!(e.location.unwrap().line, 7);
    }

    #[test]
    fn sides_that_do_not_mirror_are_refused() {
        let e = parse_str(
            "description: x\nwidth: 200mm\nheight: 210mm\nsides:\n  - name: out\n    panels: [{name: a, width: 90mm}, {name: b, width: 110mm}]\n  - name: in\n    panels: [{name: c, width: 90mm}, {name: d, width: 110mm}]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("do not fold together"), "{}", e.message);
    }

    #[test]
    fn a_panels_fault_is_shown_at_the_value_at_fault() {
        let head = "description: x\nwidth: 297mm\nheight: 210mm\nsides:\n  - name: out\n";
        for (panels, said, line, column) in [
            (
                "    panels:\n      - { name: a, width: 99mm }\n      - { name: b, width: 99 millimetres }\n      - { name: c, width: 99mm }\n",
                "`width: 99 millimetres` of panel `b`",
                8,
                27,
            ),
            (
                "    panels:\n      - name: a\n        width: 297mm\n        columns: 7\n",
                "has 7 columns",
                9,
                18,
            ),
            ("    columns: 0\n", "has 0 columns", 6, 14),
            (
                "    columns: 2\n    panels:\n      - { name: a, width: 297mm }\n",
                "give `columns:` to each panel",
                6,
                14,
            ),
            (
                "    panels:\n      - { name: a, width: 148.5mm }\n      - { name: a, width: 148.5mm }\n",
                "two panels are named `a`",
                8,
                17,
            ),
            (
                "    panels:\n      - { name: a, width: 20mm }\n      - { name: b, width: 277mm }\n",
                "panel `a` leaves no room",
                7,
                27,
            ),
            (
                "    panels:\n      - { name: a, width: 100mm, columns: 6 }\n      - { name: b, width: 197mm }\n",
                "panel `a` leaves no room",
                7,
                43,
            ),
            ("    panels: []\n", "has no panels", 6, 13),
        ] {
            let e = parse_str(&format!("{head}{panels}")).unwrap_err();
            assert!(e.message.contains(said), "{panels}: {e}");
            let at = e.location.clone().unwrap();
            assert_eq!((at.line, at.column), (line, column), "{panels}: {e}");
        }
        // Back to back: at the second side's panel that does not match.
        let e = parse_str(
            "description: x\nwidth: 200mm\nheight: 210mm\nsides:\n  - name: out\n    panels: [{name: a, width: 90mm}, {name: b, width: 110mm}]\n  - name: in\n    panels: [{name: c, width: 90mm}, {name: d, width: 110mm}]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("do not fold together"), "{e}");
        let at = e.location.clone().unwrap();
        assert_eq!((at.line, at.column), (8, 55), "{e}");
        // Margins that leave no height: at `margin:`.
        let e = parse_str(
            "description: x\nwidth: 148mm\nheight: 40mm\nmargin: 12mm\nsides:\n  - name: front\n",
        )
        .unwrap_err();
        assert!(e.message.contains("the margins leave no room"), "{e}");
        assert_eq!(e.location.unwrap().line, 4);
    }

    #[test]
    fn a_format_file_that_is_no_plain_file_is_refused_not_passed_over() {
        let project = crate::scratch::Scratch::new("format", "pipe");
        std::fs::create_dir_all(project.join("formats/card.yaml")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(project.join("formats/a5.yaml"))
            .status()
            .unwrap();
        assert!(made.success());
        let e = find(&project, "a5", None).unwrap_err();
        assert!(e.message.contains("not a plain file"), "{e}");
        let e = find(&project, "card", None).unwrap_err();
        assert!(e.message.contains("it is a folder"), "{e}");
    }

    #[test]
    fn a_misspelt_panel_in_the_reading_order_gets_a_suggestion() {
        let e = parse_str(
            "description: x\nwidth: 148mm\nheight: 210mm\nsides:\n  - name: front\n  - name: back\nreading: [front, bakc]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("`bakc`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `back`?"));
        assert_eq!(e.location.unwrap().line, 7);
    }

    #[test]
    fn a_format_name_cannot_reach_outside_the_formats_folder() {
        let project = crate::scratch::Scratch::new("format", "names");
        std::fs::create_dir_all(project.join("formats")).unwrap();
        std::fs::write(project.join("secret.yaml"), "description: no\n").unwrap();
        for name in ["../secret", "/etc/passwd", "a5/../../secret", ".hidden", ""] {
            let e = find(&project, name, None).unwrap_err();
            assert!(e.message.starts_with("there is no format"), "{name}: {e}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                project.join("secret.yaml"),
                project.join("formats/linked.yaml"),
            )
            .unwrap();
            let outside = crate::scratch::Scratch::new("format", "outside");
            let target = outside.join("far.yaml");
            std::fs::write(&target, "description: far\n").unwrap();
            std::os::unix::fs::symlink(&target, project.join("formats/far.yaml")).unwrap();
            let e = find(&project, "far", None).unwrap_err();
            assert!(e.message.contains("outside"), "{e}");
        }
    }

    #[test]
    fn an_unknown_format_names_the_close_one() {
        let e = find(Path::new("/nonexistent"), "dl-trifld", None).unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `dl-trifold`?"));
    }
}
