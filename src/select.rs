//! Stage 2, select: the sections a briefing asks for, in its order, checked
//! against its audience, and the images it may use, read and checked.
//!
//! The audience check lives here so that nothing after this stage ever sees
//! a section the briefing's readers must not see.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Location, Result, did_you_mean};
use crate::model::{Briefing, ImageAsset, Profile, Section, SectionChoice, SectionPick};

/// What a briefing will contain.
#[derive(Debug, Clone)]
pub struct Selection {
    pub sections: Vec<Section>,
    /// The profile's images the briefing's audience may see, by key.
    pub images: BTreeMap<String, Picture>,
}

/// An image read from disk, ready for layout.
#[derive(Debug, Clone)]
pub struct Picture {
    pub asset: ImageAsset,
    pub path: PathBuf,
    pub data: std::sync::Arc<Vec<u8>>,
    pub format: PictureFormat,
    pub width_px: u32,
    pub height_px: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Png,
    Jpeg,
}

/// Picks and checks the sections and images for `briefing`.
pub fn select(briefing: &Briefing, profile: &Profile) -> Result<Selection> {
    let mut chosen: Vec<&Section> = Vec::new();
    match &briefing.sections {
        SectionChoice::All => chosen.extend(
            profile
                .sections
                .iter()
                .filter(|s| s.audience <= briefing.audience),
        ),
        SectionChoice::List(picks) => {
            for pick in picks {
                let found: Vec<&Section> = match &pick.value {
                    SectionPick::Id(id) => match profile.sections.iter().find(|s| &s.id == id) {
                        Some(s) => vec![s],
                        None => return Err(unknown_section(id, profile, &pick.location)),
                    },
                    SectionPick::Tag(tag) => {
                        let tagged: Vec<&Section> = profile
                            .sections
                            .iter()
                            .filter(|s| s.tags.iter().any(|t| t == tag))
                            .collect();
                        if tagged.is_empty() {
                            return Err(unknown_tag(tag, profile, &pick.location));
                        }
                        tagged
                    }
                };
                for section in found {
                    if section.audience > briefing.audience {
                        return Err(Error::new(format!(
                            "section `{}` is for the {} audience and this briefing is {}",
                            section.id, section.audience, briefing.audience
                        ))
                        .at(pick.location.clone())
                        .help(format!(
                            "remove `{}` from `sections:`; it must not reach a {} document",
                            section.id, briefing.audience
                        )));
                    }
                    if !chosen.iter().any(|c| c.id == section.id) {
                        chosen.push(section);
                    }
                }
            }
        }
    }
    let mut images = BTreeMap::new();
    for (key, asset) in &profile.images {
        if asset.audience > briefing.audience {
            continue;
        }
        images.insert(key.clone(), read_picture(briefing, profile, key, asset)?);
    }
    Ok(Selection {
        sections: chosen.into_iter().cloned().collect(),
        images,
    })
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

/// Resolves a path written in a profile or briefing against the project
/// folder, refusing anything that would leave it.
pub fn resolve_in_project(project: &Path, written: &str) -> Option<PathBuf> {
    let rel = Path::new(written);
    if written.is_empty() || rel.is_absolute() {
        return None;
    }
    let mut depth = 0usize;
    for part in rel.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => return None,
        }
    }
    Some(project.join(rel))
}

fn read_picture(
    briefing: &Briefing,
    profile: &Profile,
    key: &str,
    asset: &ImageAsset,
) -> Result<Picture> {
    let at = || {
        let text = std::fs::read_to_string(&profile.file).unwrap_or_default();
        let offset = text.find(&format!("{key}:")).unwrap_or(0);
        Location::at_offset(&profile.file, &text, offset)
    };
    let path = resolve_in_project(&briefing.project, &asset.file).ok_or_else(|| {
        Error::new(format!(
            "image `{key}` points outside the project folder: `{}`",
            asset.file
        ))
        .at(at())
        .help("put the image in the project's assets/ folder and give its path from the project folder, e.g. `assets/photo.png`")
    })?;
    let data = std::fs::read(&path).map_err(|e| {
        Error::io(&path, "read image", &e).at(at()).help(format!(
            "`file:` is read relative to the project folder {}",
            briefing.project.display()
        ))
    })?;
    let (format, width_px, height_px) = picture_header(&data).ok_or_else(|| {
        Error::new(format!(
            "image `{key}` ({}) is not a PNG or JPEG file that can be read",
            path.display()
        ))
        .at(at())
        .help("save the picture as PNG or JPEG")
    })?;
    Ok(Picture {
        asset: asset.clone(),
        path,
        data: std::sync::Arc::new(data),
        format,
        width_px,
        height_px,
    })
}

/// The format and pixel size of a PNG or JPEG, from its header.
pub fn picture_header(data: &[u8]) -> Option<(PictureFormat, u32, u32)> {
    let format = match imagesize::image_type(data).ok()? {
        imagesize::ImageType::Png => PictureFormat::Png,
        imagesize::ImageType::Jpeg => PictureFormat::Jpeg,
        _ => return None,
    };
    let size = imagesize::blob_size(data).ok()?;
    let (w, h) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    (w > 0 && h > 0).then_some((format, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_project() {
        let p = Path::new("/p");
        assert_eq!(
            resolve_in_project(p, "assets/a.png"),
            Some(PathBuf::from("/p/assets/a.png"))
        );
        assert_eq!(
            resolve_in_project(p, "assets/../b.png"),
            Some(PathBuf::from("/p/assets/../b.png"))
        );
        assert_eq!(resolve_in_project(p, "../../etc/passwd"), None);
        assert_eq!(resolve_in_project(p, "assets/../../x"), None);
        assert_eq!(resolve_in_project(p, "/etc/passwd"), None);
        assert_eq!(resolve_in_project(p, ""), None);
    }
}
