//! `handbill list`: the project's profiles and their sections, the
//! templates, formats and fonts a briefing may name.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::ListWhat;
use crate::console::outln;
use crate::error::{Result, printable};

/// Prints what `what` asks for, or everything.
pub(super) fn run(what: Option<ListWhat>) -> Result<ExitCode> {
    let all = what.is_none();
    let profiles_dir = Path::new("briefings/profiles");
    let names = crate::load::list_profiles(profiles_dir);
    if all || what == Some(ListWhat::Profiles) {
        outln!("Profiles (briefings/profiles/):");
        if names.is_empty() {
            outln!("  (none)");
        }
        for name in &names {
            match crate::load::load_profile(&profiles_dir.join(name)) {
                Ok(p) => outln!(
                    "  {name:<16} {} — {}, {} ({})",
                    p.title,
                    p.publisher,
                    p.date,
                    p.lang
                ),
                Err(e) => outln!("  {name:<16} cannot be read: {}", e.message),
            }
        }
    }
    if all || what == Some(ListWhat::Sections) {
        for name in &names {
            let Ok(p) = crate::load::load_profile(&profiles_dir.join(name)) else {
                continue;
            };
            outln!("Sections of {name}:");
            for s in &p.sections {
                outln!(
                    "  {:<22} {:<12} {:<40} tags: {}",
                    s.id,
                    s.audience.to_string(),
                    printable(&s.title),
                    printable(&s.tags.join(", "))
                );
            }
        }
    }
    if all || what == Some(ListWhat::Templates) {
        outln!("Templates:");
        for (name, _) in crate::template::BUILTIN {
            if *name == "leaflet-a5" {
                outln!("  {name:<22} built in, the leaflet's first name");
            } else {
                outln!("  {name:<22} built in");
            }
        }
        let mut own: Vec<PathBuf> = std::fs::read_dir("templates")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "hbs"))
            // handbill's own sources of the built-in templates are not the project's.
            .filter(|p| {
                let text = crate::project::read_again(p, crate::load::MAX_TEXT_BYTES);
                !crate::template::BUILTIN.iter().any(|(_, t)| *t == text)
            })
            .collect();
        own.sort();
        for p in own {
            outln!("  {:<22} this project's", printable(&p.to_string_lossy()));
        }
    }
    if all || what == Some(ListWhat::Formats) {
        outln!("Formats (`format:` in a briefing):");
        let project = Path::new(".");
        // handbill's own sources of the built-in formats are not the project's.
        let own: Vec<String> = crate::format::project_formats(project)
            .into_iter()
            .filter(|n| {
                let text = crate::project::read_again(
                    Path::new(&format!("formats/{n}.yaml")),
                    crate::load::MAX_TEXT_BYTES,
                );
                !crate::format::BUILTIN
                    .iter()
                    .any(|(b, t)| b == n && *t == text)
            })
            .collect();
        let mut names: Vec<String> = crate::format::BUILTIN
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(own.iter().cloned())
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let whose = if own.contains(&name) {
                "this project's"
            } else {
                "built in"
            };
            match crate::format::find(project, &name, None) {
                Ok(f) => outln!(
                    "  {:<22} {whose:<15} {}",
                    printable(&name),
                    printable(&f.description)
                ),
                Err(e) => outln!(
                    "  {:<22} {whose:<15} cannot be read: {}",
                    printable(&name),
                    printable(&e.message)
                ),
            }
        }
    }
    if all || what == Some(ListWhat::Fonts) {
        outln!("Fonts (bundled, Latin and Cyrillic):");
        for face in &crate::layout::font::FontBook::bundled().faces {
            outln!("  {}", face.name);
        }
        // Named in a theme by family (docs/fonts.md).
        match crate::layout::font_book::faces_in(Path::new(".")) {
            Ok(own) if own.is_empty() => {}
            Ok(own) => {
                outln!("Fonts (this project's fonts/, by family):");
                for (family, style, name, file) in own {
                    outln!(
                        "  {:<22} {:<12} {} ({})",
                        printable(&family),
                        printable(&style),
                        printable(&name),
                        printable(&file.to_string_lossy())
                    );
                }
            }
            Err(e) => outln!("Fonts (this project's fonts/): cannot be read: {e}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
