//! Messages of the markup and layout pointed at the section files their
//! text came from: the layout knows a paragraph's file and first line, and
//! the text at fault; here the file is read (once a build) and the text
//! found in it, so the message shows the line and marks the place. And the
//! document's metadata too long for a PDF, pointed at the file that wrote
//! it.

use std::path::{Path, PathBuf};

use crate::error::{self, Error, Location, Warning, WarningKind};
use crate::model::{Briefing, Profile, Section};
use crate::pdf::metadata::{self, Field};
use crate::{load, markdown, project};

/// Where a metadata entry too long for a PDF was written: the briefing's
/// or the profile's key, or the `tags:` of the section with the most; the
/// template when what those files say fits (it wrote its own).
pub(crate) fn metadata_place(
    field: Field,
    briefing: &Briefing,
    profile: &Profile,
    sections: &[Section],
    template: &Path,
) -> Location {
    let long = |value: &str| !metadata::fits(value);
    let in_file = |file: &Path, key: &str| key_in_file(file, None, key);
    match field {
        Field::Title => match &briefing.title {
            Some(title) if long(title) => briefing.key_location("title"),
            None if long(&profile.title) => in_file(&profile.file, "title"),
            _ => Location::file(template),
        },
        Field::Author if long(&profile.publisher) => in_file(&profile.file, "publisher"),
        Field::Subject if briefing.subtitle.as_deref().is_some_and(long) => {
            briefing.key_location("subtitle")
        }
        // What the template was given, if that is what is too long.
        Field::Keywords if long(&crate::template::keywords(briefing, sections).join(", ")) => {
            let most =
                (sections.iter()).max_by_key(|s| s.tags.iter().map(String::len).sum::<usize>());
            match (&briefing.keywords, most) {
                (Some(_), _) => briefing.key_location("keywords"),
                (None, Some(section)) => in_file(&section.file, "tags"),
                (None, None) => Location::file(template),
            }
        }
        _ => Location::file(template),
    }
}

/// Where the profile's `images:` names the picture `key`: the file a
/// message about its pixels is about.
pub(crate) fn picture_entry(profile: &Profile, key: &str) -> Location {
    key_in_file(&profile.file, Some("images"), key)
}

/// Where `key:` starts a line of `file`, read for the message (see
/// [`Location::at_key`]).
fn key_in_file(file: &Path, under: Option<&str>, key: &str) -> Location {
    let text = load::read_text(file).unwrap_or_default();
    Location::at_key(file, &text, under, key)
}

/// A markup or layout error names a section file by its path in the
/// project, a line, and (where it has it) the text as it was set there: it
/// points at that text in the file, or else at the line's first letter,
/// and shows its line, as other errors do. A file too big to be a
/// section's is not read.
pub(crate) fn with_section_line(mut error: Error, project: &Path, template: &Path) -> Error {
    // A fault in the template's own text is at its place there already.
    if let Some(at) = error.location.as_deref_mut()
        && at.line > 0
        && at.file != template
        && let Ok(path) = project::open(project, &at.file.to_string_lossy())
        && let Ok(text) = load::read_text(&path)
    {
        let (line, column) = match at.source_line.take() {
            Some(set) => markdown::find_set_text(&text, at.line, &set),
            None => {
                let first_letter = (text.lines().nth(at.line - 1)).map_or(1, |l| {
                    l.chars().take_while(|c| c.is_whitespace()).count() + 1
                });
                (at.line, first_letter)
            }
        };
        *at = error::Location::at_line(&path, &text, line, column);
    }
    error
}

/// A warning of a character no font has, or of a link that goes nowhere,
/// names the section file, the line its paragraph starts on and the text
/// at fault (the character; the link's `#id`): it points at that text's
/// first place in the file from that line on and shows its line (the
/// paragraph's first line when it is written otherwise, as an entity).
pub(crate) fn locate_in_section(warning: &mut Warning, project: &Path, files: &mut SectionFiles) {
    if !matches!(
        warning.kind,
        WarningKind::MissingGlyph | WarningKind::DeadLink
    ) {
        return;
    }
    let Some(at) = warning.location.as_mut() else {
        return;
    };
    let Some(needle) = at.source_line.clone().filter(|n| !n.is_empty()) else {
        return;
    };
    let Ok(path) = project::open(project, &at.file.to_string_lossy()) else {
        return;
    };
    let lines = (files.read.entry(path.clone())).or_insert_with(|| {
        error::Lines::of(&path, project::read_again(&path, load::MAX_TEXT_BYTES))
    });
    let first = at.line.max(1);
    let found = (first..first + SEARCHED_LINES)
        .map_while(|n| Some((n, lines.line(n)?)))
        .find_map(|(n, line)| {
            line.find(&*needle)
                .map(|i| (n, line[..i].chars().count() + 1))
        });
    let (line, column) = found.unwrap_or((first, 1));
    *at = lines.at(line, column);
}

/// How far below its paragraph's first line a warning's text is looked
/// for: a paragraph is rarely longer; past it the warning points at the
/// paragraph's first line.
const SEARCHED_LINES: usize = 1_000;

/// The section files warnings point into, each read once with where its
/// lines start: reading and walking the file for each warning made 8,000
/// warnings in one file take 4.5 s.
#[derive(Default)]
pub(crate) struct SectionFiles {
    read: std::collections::HashMap<PathBuf, error::Lines<'static>>,
}
