//! What the screen and archive copies need to claim PDF/UA-1 that only the
//! briefing can give: a description of every picture, and a font for every
//! character.
//!
//! krilla checks the rules when it writes the file, but it can only say that
//! "a figure" lacks its text or "a glyph" is missing. These checks run first
//! and name the picture (and the profile entry to add `alt:` to) or the
//! paragraph and its section line.

use std::collections::BTreeMap;

use crate::error::{Error, Result, WarningKind};
use crate::layout::{Item, Mark, Pages, Role, source_of};
use crate::picture::Picture;

/// Fails on the first picture drawn on `pages` that has neither `alt:` nor
/// a caption, so a screen reader would have nothing to say for it.
pub fn check_pictures(pages: &Pages, images: &BTreeMap<String, Picture>) -> Result<()> {
    for placed in pages.pages.iter().flat_map(|p| &p.items) {
        let Item::Image { key, .. } = &placed.item else {
            continue;
        };
        let Mark::Element(e) = placed.mark else {
            continue;
        };
        let Some(Role::Figure { alt }) = pages.structure.get(e).map(|el| &el.role) else {
            continue;
        };
        if !alt.trim().is_empty() {
            continue;
        }
        let shown = source_of(&pages.structure, placed.mark)
            .map(|s| format!(", shown in {s}"))
            .unwrap_or_default();
        let mut error = Error::new(format!(
            "picture `{key}` has no description{shown}: the screen and archive copies are \
             accessible PDFs (PDF/UA-1), and a screen reader would have nothing to say for it"
        ))
        .help(format!(
            "add `alt:` to `{key}` under `images:` in the profile, a sentence saying what the \
             picture shows (or give it a caption); `--profile print` builds without it"
        ));
        if let Some(picture) = images.get(key) {
            error = error.at(picture.declared.clone());
        }
        return Err(error);
    }
    Ok(())
}

/// Fails on the first paragraph with a character no font has: the layout
/// warned of it, which for print is enough (it prints as an empty box), but
/// an accessible copy may not show a box where a letter was written.
pub fn check_characters(pages: &Pages, copy: &str) -> Result<()> {
    let Some(missing) = pages
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::MissingGlyph)
    else {
        return Ok(());
    };
    let mut error = Error::new(format!(
        "{}; {copy} may not show a box where a letter was written",
        missing.message
    ))
    .help(format!(
        "{}, or remove the character; `--profile print` builds with a warning instead",
        missing.help.as_deref().unwrap_or("add a font that has it")
    ));
    if let Some(at) = &missing.location {
        error = error.at(at.clone());
    }
    Err(error)
}
