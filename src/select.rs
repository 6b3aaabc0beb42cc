//! Stage 2, select: the sections a briefing asks for, in its order, checked
//! against its audience, and the pictures it may use. Pictures are read
//! (and checked) only once the layout names the ones it places.
//!
//! The audience check lives here so that nothing after this stage ever sees
//! a section the briefing's readers must not see.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, ErrorKind, Location, Result, Warning, WarningKind, did_you_mean};
use crate::model::{Briefing, ImageAsset, Located, Profile, Section, SectionChoice, SectionPick};
use crate::picture::Picture;
use crate::project::Refused;

/// What a briefing will contain.
#[derive(Debug, Clone)]
pub struct Selection {
    pub sections: Vec<Section>,
    /// What the briefing's `allow:` let through, to be said on every build.
    pub allowed: Vec<Warning>,
    /// The profile's pictures the briefing's audience may see, by key.
    pub images: BTreeMap<String, ImageAsset>,
    /// The ids of the sections printed in the profile's language because
    /// they have no translation into the briefing's (see
    /// [`untranslated_warning`]).
    pub untranslated: Vec<String>,
}

/// Picks and checks the sections and images for `briefing`.
pub fn select(briefing: &Briefing, profile: &Profile) -> Result<Selection> {
    let mut chosen: Vec<&Section> = Vec::new();
    let mut waived: Vec<Warning> = Vec::new();
    // The sections `allow:` names, looked up once: a briefing may name
    // many, and a profile have thousands of sections.
    let allowed_ids: HashSet<&str> = (briefing.allow.iter())
        .filter_map(|a| match a {
            crate::model::Allowance::Section(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    // Where `allow:` is, found once for all the sections it lets through
    // (once each held a copy of its line: 8,000 held 1.1 GB).
    let allow_at = std::cell::OnceCell::new();
    // A section or tag not found, or a section too confidential: the
    // first in the briefing's order; a citation fault of a section chosen
    // before it comes first.
    let refused: Option<Error> = 'picking: {
        match &briefing.sections {
            SectionChoice::All => {
                for section in &profile.sections {
                    let allowed = allowed_ids.contains(section.id.as_str());
                    if section.audience > briefing.audience {
                        if !allowed {
                            continue;
                        }
                        waived.push(allowed_warning(briefing, section, &allow_at));
                    }
                    chosen.push(section);
                }
            }
            SectionChoice::List(picks) => {
                // Found by id and by tag in one pass over the profile, and each
                // section checked once however many picks bring it in: the time
                // grows with the picks and the sections, not their product.
                let by_id: HashMap<&str, &Section> = (profile.sections.iter())
                    .map(|s| (s.id.as_str(), s))
                    .collect();
                let mut by_tag: HashMap<&str, Vec<&Section>> = HashMap::new();
                for section in &profile.sections {
                    for tag in &section.tags {
                        let tagged = by_tag.entry(tag.as_str()).or_default();
                        // `tags: [a, a]` lists the section once.
                        if !tagged.last().is_some_and(|s| std::ptr::eq(*s, section)) {
                            tagged.push(section);
                        }
                    }
                }
                let mut taken: HashSet<&str> = HashSet::new();
                for pick in picks {
                    let found: &[&Section] = match &pick.value {
                        SectionPick::Id(id) => match by_id.get(id.as_str()) {
                            Some(s) => std::slice::from_ref(s),
                            None => {
                                break 'picking Some(unknown_section(id, profile, &pick.location));
                            }
                        },
                        SectionPick::Tag(tag) => match by_tag.get(tag.as_str()) {
                            Some(tagged) => tagged,
                            None => break 'picking Some(unknown_tag(tag, profile, &pick.location)),
                        },
                    };
                    for &section in found {
                        if taken.contains(section.id.as_str()) {
                            continue;
                        }
                        let allowed = allowed_ids.contains(section.id.as_str());
                        if section.audience > briefing.audience && allowed {
                            waived.push(allowed_warning(briefing, section, &allow_at));
                        } else if section.audience > briefing.audience {
                            break 'picking Some(too_narrow(section, briefing, pick));
                        }
                        taken.insert(section.id.as_str());
                        chosen.push(section);
                    }
                }
            }
        }
        None
    };
    // Each chosen section's citations, on every core: a long pack's
    // profile has thousands of sections.
    let cited: Vec<Result<()>> = (chosen.par_iter())
        .map(|s| check_citations(s, briefing, profile, allowed_ids.contains(s.id.as_str())))
        .collect();
    if let Some(fault) = cited.into_iter().find_map(Result::err).or(refused) {
        return Err(fault);
    }
    if chosen.is_empty() {
        return Err(nothing_chosen(briefing, profile));
    }
    let mut images: BTreeMap<String, ImageAsset> = profile
        .images
        .iter()
        .filter(|(_, asset)| asset.audience <= briefing.audience)
        .map(|(k, a)| (k.clone(), a.clone()))
        .collect();
    // The briefing's logo is one more picture, under a key of its own.
    if let Some(logo) = &briefing.logo {
        let alt = briefing
            .logo_alt
            .clone()
            .unwrap_or(profile.publisher.clone());
        images.insert(
            LOGO.to_string(),
            ImageAsset {
                file: logo.value.clone(),
                caption: String::new(),
                credit: None,
                alt: Some(alt),
                audience: crate::model::Audience::Public,
            },
        );
    }
    // In the briefing's language where the section has a translation.
    let lang = briefing.lang.as_deref().unwrap_or(&profile.lang);
    let code = crate::language_tag::primary(lang);
    let in_profile_language = crate::language_tag::primary(&profile.lang) == code;
    let untranslated: Vec<&Section> = chosen
        .iter()
        .copied()
        .filter(|s| !in_profile_language && !s.translations.contains_key(&code))
        .collect();
    if let Some(required) = &briefing.translations
        && required.value == crate::model::Translations::Required
        && !untranslated.is_empty()
    {
        return Err(
            missing_translations(briefing, profile, &code, &untranslated)
                .at(required.location.clone()),
        );
    }
    let untranslated = untranslated.iter().map(|s| s.id.clone()).collect();
    // A translation may cite other sources than its original: what will
    // really be printed is checked (an original was, as it was chosen).
    let mut sections: Vec<Section> = Vec::with_capacity(chosen.len());
    for s in chosen {
        sections.push(match s.translations.get(&code) {
            None => s.clone(),
            Some(t) => {
                let translated = Section {
                    audience: s.audience,
                    tags: s.tags.clone(),
                    ..t.clone()
                };
                let allowed = allowed_ids.contains(s.id.as_str());
                check_citations(&translated, briefing, profile, allowed)?;
                translated
            }
        });
    }
    Ok(Selection {
        sections,
        allowed: waived,
        images,
        untranslated,
    })
}

/// The error for a section picked by the briefing whose audience is
/// narrower than the briefing's.
fn too_narrow(section: &Section, briefing: &Briefing, pick: &Located<SectionPick>) -> Error {
    Error::new(format!(
        "section `{}` is for the {} audience and this briefing is {}",
        section.id, section.audience, briefing.audience
    ))
    .at(pick.location.clone())
    .help(format!(
        "remove `{}` from `sections:` (or the tag that brings it in); it must not reach a {} document. Only `allow: [section: {}]` in the briefing overrides this, on purpose",
        section.id, briefing.audience, section.id
    ))
}

/// The file a translation of `section` into `code` would be:
/// `01-overview.ru.md` beside `01-overview.md`; none for a language
/// without a code that names translations (`x-…`), which has none.
fn translation_file(section: &Section, code: &str) -> Option<String> {
    if !crate::language_tag::is_language_code(code) {
        return None;
    }
    let stem = section
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| section.id.clone());
    Some(format!("{stem}.{code}.md"))
}

/// What to say of translations into `lang`, a language without a code
/// that names them.
fn no_translations(lang: &str) -> String {
    format!(
        "`{}` names no language by a two- or three-letter code, so no file can hold a translation into it: give the briefing such a `lang:` (`ru`, `kk-Cyrl`)",
        crate::language_tag::shown(lang)
    )
}

/// The sections, named: `a`, `b`.
fn section_list(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `translations: required` refuses sections without a translation.
fn missing_translations(
    briefing: &Briefing,
    profile: &Profile,
    code: &str,
    untranslated: &[&Section],
) -> Error {
    let ids: Vec<&str> = untranslated.iter().map(|s| s.id.as_str()).collect();
    let files: Vec<String> = untranslated
        .iter()
        .take(3)
        .filter_map(|s| translation_file(s, code))
        .collect();
    let error = Error::new(format!(
        "briefing {} is in `{code}` and says `translations: required`, but {} of its sections {} no `{code}` translation: {}",
        briefing.name,
        ids.len(),
        if ids.len() == 1 { "has" } else { "have" },
        section_list(&ids)
    ))
    .kind(ErrorKind::Untranslated);
    if files.is_empty() {
        let lang = briefing.lang.as_deref().unwrap_or(&profile.lang);
        return error.help(no_translations(lang));
    }
    error.help(format!(
        "translate them into files beside their sections in {} ({}{}), leave them out of `sections:`, or remove `translations: required` to print them in `{}`, the profile's language",
        profile.file.parent().unwrap_or(Path::new(".")).display(),
        files.join(", "),
        if ids.len() > files.len() { ", …" } else { "" },
        profile.lang
    ))
}

/// The warning for a briefing some of whose sections are printed in the
/// profile's language, not the briefing's: it names them.
pub fn untranslated_warning(
    briefing: &Briefing,
    profile: &Profile,
    selection: &Selection,
) -> Option<Warning> {
    if selection.untranslated.is_empty() {
        return None;
    }
    let lang = briefing.lang.as_deref().unwrap_or(&profile.lang);
    let code = crate::language_tag::primary(lang);
    let ids: Vec<&str> = selection.untranslated.iter().map(String::as_str).collect();
    let example = profile
        .sections
        .iter()
        .find(|s| s.id == ids[0])
        .and_then(|s| translation_file(s, &code));
    let at = match &briefing.lang {
        Some(_) => briefing.key_location("lang"),
        None => Location::file(&briefing.file),
    };
    let message = format!(
        "{}: {} of {} sections {} no `{code}` translation and {} printed in `{}`, the profile's language: {}",
        briefing.name,
        ids.len(),
        selection.sections.len(),
        if ids.len() == 1 { "has" } else { "have" },
        if ids.len() == 1 { "is" } else { "are" },
        profile.lang,
        section_list(&ids)
    );
    let help = match example {
        Some(example) => format!(
            "a translation is a file such as {example} beside its section (write `translations: required` in the briefing to refuse to build without them)"
        ),
        None => no_translations(lang),
    };
    Some(
        Warning::new(WarningKind::Untranslated, message)
            .at(at)
            .help(help),
    )
}

/// The warning for a section the briefing's `allow:` lets through to a
/// wider audience than its own: said on every build, so nobody forgets.
fn allowed_warning(
    briefing: &Briefing,
    section: &Section,
    allow_at: &std::cell::OnceCell<Location>,
) -> Warning {
    Warning::new(
        WarningKind::Allowed,
        format!(
            "{}: section `{}` ({} audience) is in this {} briefing because its `allow:` says so",
            briefing.name, section.id, section.audience, briefing.audience
        ),
    )
    .at((allow_at.get_or_init(|| briefing.key_location("allow"))).clone())
}

/// A section the briefing may show must not cite a source it may not.
fn check_citations(
    section: &Section,
    briefing: &Briefing,
    profile: &Profile,
    allowed: bool,
) -> Result<()> {
    // A section the briefing allows on purpose may cite what its own
    // audience may read; any other, what the briefing's may.
    let limit = if allowed {
        section.audience.max(briefing.audience)
    } else {
        briefing.audience
    };
    for (key, offset) in crate::citations::cited_sources(section) {
        if let Some(source) = profile.sources.get(key)
            && source.audience > limit
        {
            return Err(Error::new(format!(
                "section `{}` cites source `{key}`, which is for the {} audience, and briefing {} is {}",
                section.id, source.audience, briefing.name, briefing.audience
            ))
            .at(crate::citations::body_location(section, *offset))
            .help("leave the section out of this briefing, or cite a source that may be shown to its readers"));
        }
    }
    Ok(())
}

/// The error for a briefing that would come out empty: it says why.
fn nothing_chosen(briefing: &Briefing, profile: &Profile) -> Error {
    let dir = profile.file.parent().unwrap_or(Path::new("."));
    let (message, help) = if profile.sections.is_empty() {
        // Sections in a subfolder are not read: say so if that is where they are.
        let mut nested: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .filter(|e| {
                std::fs::read_dir(e.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .any(|f| f.path().extension().is_some_and(|x| x == "md"))
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        nested.sort();
        let help = if nested.is_empty() {
            format!(
                "add Markdown section files (`01-overview.md`) to {}",
                dir.display()
            )
        } else {
            format!(
                "handbill reads the `.md` files in the profile folder itself, not in subfolders ({}): move them up into {}",
                nested.join(", "),
                dir.display()
            )
        };
        (
            format!(
                "briefing {} would be empty: profile `{}` has no sections",
                briefing.name, profile.name
            ),
            help,
        )
    } else {
        (
            format!(
                "briefing {} would be empty: all {} sections of profile `{}` are for a narrower audience than {}",
                briefing.name,
                profile.sections.len(),
                profile.name,
                briefing.audience
            ),
            format!(
                "mark some sections `audience: {}` (or wider), or give the briefing the audience its sections are for",
                briefing.audience
            ),
        )
    };
    let text = crate::project::read_again(&briefing.file, crate::load::MAX_TEXT_BYTES);
    let at = match text.find("\nsections:") {
        Some(offset) => Location::at_offset(&briefing.file, &text, offset + 1),
        None if text.starts_with("sections:") => Location::at_line(&briefing.file, &text, 1, 1),
        None => Location::file(&briefing.file),
    };
    Error::new(message).at(at).help(help)
}

fn unknown_section(id: &str, profile: &Profile, at: &Location) -> Error {
    let ids = profile.sections.iter().map(|s| s.id.as_str());
    let help = match did_you_mean(id, ids.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "the sections of `{}` are: {}",
            profile.name,
            ids.collect::<Vec<_>>().join(", ")
        ),
    };
    Error::new(format!("profile `{}` has no section `{id}`", profile.name))
        .at(at.clone())
        .help(help)
}

fn unknown_tag(tag: &str, profile: &Profile, at: &Location) -> Error {
    let mut tags: Vec<&str> = profile
        .sections
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect();
    tags.sort();
    tags.dedup();
    let help = match did_you_mean(tag, tags.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("the tags in use are: {}", tags.join(", ")),
    };
    Error::new(format!(
        "no section of profile `{}` has the tag `{tag}`",
        profile.name
    ))
    .at(at.clone())
    .help(help)
}

/// Reads the pictures `keys` (which the selection allows) from disk.
pub fn read_pictures<'a>(
    briefing: &Briefing,
    profile: &Profile,
    selection: &Selection,
    keys: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, Picture>> {
    let mut out = BTreeMap::new();
    // A logo is checked whether or not the template shows it: a wrong path
    // should not wait for a template change to be found.
    let logo = briefing.logo.as_ref().map(|_| LOGO);
    for key in keys.into_iter().chain(logo) {
        if let (Some(asset), false) = (selection.images.get(key), out.contains_key(key)) {
            out.insert(
                key.to_string(),
                read_picture(briefing, profile, key, asset)?,
            );
        }
    }
    Ok(out)
}

fn read_picture(
    briefing: &Briefing,
    profile: &Profile,
    key: &str,
    asset: &ImageAsset,
) -> Result<Picture> {
    // Errors point at the briefing's `logo:`, or at the profile's image.
    let logo = briefing.logo.as_ref().filter(|_| key == LOGO);
    let at = || match logo {
        Some(l) => l.location.clone(),
        None => {
            let text = crate::project::read_again(&profile.file, crate::load::MAX_TEXT_BYTES);
            let offset = text.find(&format!("{key}:")).unwrap_or(0);
            Location::at_offset(&profile.file, &text, offset)
        }
    };
    let key_name = if logo.is_some() {
        "the logo"
    } else {
        "`file:`"
    };
    let path = crate::project::open(&briefing.project, &asset.file).map_err(|r| match r {
        Refused::Outside => Error::new(format!(
            "image `{key}` points outside the project folder: `{}`",
            asset.file
        ))
        .at(at())
        .help("put the image in the project's assets/ folder and give its path from the project folder, e.g. `assets/photo.png`"),
        // A symlink inside the project may still point out of it.
        Refused::LinksOut(_) => Error::new(format!(
            "image `{key}` ({}) links to a file outside the project folder",
            asset.file
        ))
        .at(at())
        .help("copy the picture into the project's assets/ folder instead of linking to it"),
    })?;
    let read_help = || {
        format!(
            "{key_name} is read relative to the project folder {}",
            briefing.project.display()
        )
    };
    crate::picture::read(key, asset, path, &at, &read_help)
}

/// The key under which templates find the briefing's `logo:`; it stands in
/// for any picture of the profile with the same key.
pub const LOGO: &str = "logo";
