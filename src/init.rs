//! `handbill init`: a complete small project in a new or empty folder, one
//! that builds as it is. The files are compiled in from `init/`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::schema::{self, Kind};

/// The word in the templates that becomes the profile's name.
const PROFILE: &str = "PROFILE_NAME";

/// The project's files: path (with `PROFILE_NAME` for the profile's
/// folder), contents (with `PROFILE_NAME` for its name).
const FILES: &[(&str, &[u8])] = &[
    ("README.md", include_bytes!("../init/README.md")),
    (".gitignore", include_bytes!("../init/gitignore")),
    (
        "briefings/leaflet.yaml",
        include_bytes!("../init/briefings/leaflet.yaml"),
    ),
    (
        "briefings/pack.yaml",
        include_bytes!("../init/briefings/pack.yaml"),
    ),
    (
        "briefings/profiles/PROFILE_NAME/profile.yaml",
        include_bytes!("../init/briefings/profiles/profile.yaml"),
    ),
    (
        "briefings/profiles/PROFILE_NAME/01-about.md",
        include_bytes!("../init/briefings/profiles/01-about.md"),
    ),
    (
        "assets/picture-placeholder.png",
        include_bytes!("../init/assets/picture-placeholder.png"),
    ),
];

/// Whether `name` may name a profile folder: letters, digits, hyphens.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Every file of a new project whose profile is `profile`: path inside the
/// project, contents.
pub fn files(profile: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = FILES
        .iter()
        .map(|(path, bytes)| {
            let bytes = match std::str::from_utf8(bytes) {
                Ok(text) if !path.ends_with(".png") => text.replace(PROFILE, profile).into_bytes(),
                _ => bytes.to_vec(),
            };
            (PathBuf::from(path.replace(PROFILE, profile)), bytes)
        })
        .collect();
    for kind in [Kind::Briefing, Kind::Profile] {
        files.push((
            Path::new("schemas").join(kind.file_name()),
            schema::text(kind).into_bytes(),
        ));
    }
    files
}

/// Writes a new project into `dir`, which must be empty or not exist yet.
/// Nothing is overwritten; on failure, what was written is taken away
/// again. Returns the files written.
pub fn init(dir: &Path, profile: &str) -> Result<Vec<PathBuf>> {
    if !is_plain_name(profile) {
        return Err(Error::new(format!("`{profile}` is not a profile name"))
            .help("use letters, digits and hyphens, e.g. `--profile kazakhstan`"));
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(
                Error::new(format!("{} is a file, not a folder", dir.display()))
                    .help("name a new folder for the project, e.g. `handbill init my-campaign`"),
            );
        }
        let mut inside: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, "read the folder", &e))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !inside.is_empty() {
            inside.sort();
            let shown = inside
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if inside.len() > 3 { ", …" } else { "" };
            let named = if dir == Path::new(".") {
                "this folder".to_string()
            } else {
                dir.display().to_string()
            };
            return Err(Error::new(format!(
                "{named} is not empty (it holds {shown}{more}); handbill init writes nothing there"
            ))
            .help("init never overwrites: name a new or empty folder, e.g. `handbill init my-campaign`"));
        }
    }
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut written: Vec<PathBuf> = Vec::new();
    let result = write_all(dir, profile, &mut made_dirs, &mut written);
    if result.is_err() {
        for file in written.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        for folder in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
        return result.map(|_| Vec::new());
    }
    Ok(written)
}

fn write_all(
    dir: &Path,
    profile: &str,
    made_dirs: &mut Vec<PathBuf>,
    written: &mut Vec<PathBuf>,
) -> Result<()> {
    for (path, bytes) in files(profile) {
        let path = dir.join(path);
        // The folders this file needs, outermost first, noting the new ones.
        let mut missing: Vec<&Path> = path
            .ancestors()
            .skip(1)
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .collect();
        missing.reverse();
        for folder in missing {
            std::fs::create_dir(folder).map_err(|e| Error::io(folder, "create the folder", &e))?;
            made_dirs.push(folder.to_path_buf());
        }
        // create_new: a file that appeared meanwhile is never overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, "create the file", &e))?;
        written.push(path.clone());
        std::io::Write::write_all(&mut file, &bytes)
            .map_err(|e| Error::io(&path, "write the file", &e))?;
    }
    Ok(())
}

/// What `handbill new` is asked for.
#[derive(Debug, Clone, Default)]
pub struct NewBriefing {
    /// A pack (A4, every section) rather than a leaflet.
    pub pack: bool,
    pub name: String,
    pub format: Option<String>,
    pub template: Option<String>,
    pub profile: Option<String>,
    pub lang: Option<String>,
}

/// "did you mean …?" or the list of what there is.
fn suggest(word: &str, known: &[String], what: &str) -> String {
    match crate::error::did_you_mean(word, known.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None if known.is_empty() => format!("there are no {what}"),
        None => format!("the {what} are: {}", known.join(", ")),
    }
}

/// Writes `briefings/NAME.yaml` in the current (project) folder: a briefing
/// that builds as it is. Every choice is checked before anything is
/// written. Returns the briefing's path and any other file written.
pub fn new_briefing(ask: &NewBriefing) -> Result<Vec<PathBuf>> {
    let name = &ask.name;
    if !is_plain_name(name) {
        return Err(Error::new(format!("`{name}` is not a briefing name"))
            .help("use letters, digits and hyphens, e.g. `march-rally`"));
    }
    let path = PathBuf::from("briefings").join(format!("{name}.yaml"));
    if path.exists() {
        return Err(Error::new(format!("{} already exists", path.display()))
            .help("choose another name, or edit that briefing"));
    }
    let folder = Path::new("briefings/profiles");
    let profiles = crate::load::list_profiles(folder);
    let profile = match &ask.profile {
        Some(p) if profiles.contains(p) => p.clone(),
        Some(p) => {
            return Err(
                Error::new(format!("there is no profile `{p}` in briefings/profiles/"))
                    .help(suggest(p, &profiles, "profiles")),
            );
        }
        None => match profiles.first() {
            Some(p) => p.clone(),
            None => {
                return Err(Error::new("there is no profile in briefings/profiles/ to build from")
                    .help("run handbill inside a project, or start one with `handbill init DIR` (see docs/project.md)"));
            }
        },
    };
    let loaded = crate::load::load_profile(&folder.join(&profile))?;
    if let Some(format) = &ask.format {
        crate::format::find(Path::new("."), format, None)?;
    }
    let template = match &ask.template {
        None if ask.pack => "briefing-pack".to_string(),
        None => "leaflet".to_string(),
        Some(t) => {
            let builtin = crate::template::BUILTIN.iter().any(|(n, _)| n == t);
            let own_file = t.ends_with(".hbs") && Path::new(t).is_file();
            if !builtin && !own_file {
                let mut known: Vec<String> = crate::template::BUILTIN
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect();
                known.extend(
                    std::fs::read_dir("templates")
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|e| format!("templates/{}", e.file_name().to_string_lossy()))
                        .filter(|n| n.ends_with(".hbs")),
                );
                return Err(
                    Error::new(format!("there is no template `{t}`")).help(suggest(
                        t,
                        &known,
                        "templates",
                    )),
                );
            }
            t.clone()
        }
    };
    // `--lang rus` is written `lang: ru`, as a build would read it.
    let lang = (ask.lang.as_deref())
        .map(|l| crate::language_tag::canonical(l).unwrap_or_else(|| l.to_string()));
    if let Some(lang) = &lang {
        let mut known: Vec<String> =
            vec!["en".into(), "ru".into(), "kk".into(), loaded.lang.clone()];
        known.extend(
            loaded
                .sections
                .iter()
                .flat_map(|s| s.translations.keys().cloned()),
        );
        known.sort();
        known.dedup();
        let code = lang.split(['-', '_']).next().unwrap_or("");
        if !known.iter().any(|k| k == code || k == lang) {
            return Err(Error::new(format!(
                "handbill does not know the language `{lang}`, and profile `{profile}` has no sections in it"
            ))
            .help(suggest(lang, &known, "languages")));
        }
    }
    let public: Vec<&str> = loaded
        .sections
        .iter()
        .filter(|s| s.audience == crate::model::Audience::Public)
        .map(|s| s.id.as_str())
        .collect();
    if public.is_empty() && !ask.pack {
        return Err(Error::new(format!(
            "profile `{profile}` has no public section for a leaflet"
        ))
        .help("mark a section `audience: public`, or start a pack: `handbill new pack NAME`"));
    }
    let title = serde_json::Value::String(loaded.title.clone()).to_string();
    let lang = lang.map(|l| format!("lang: {l}\n")).unwrap_or_default();
    let text = if ask.pack {
        let format = ask
            .format
            .as_ref()
            .map(|f| format!("format: {f}\n"))
            .unwrap_or_default();
        format!(
            "# yaml-language-server: $schema=../schemas/briefing.schema.json\n\
             # An A4 briefing pack. Build it with: handbill build {path}\n\
             title: {title}\n\
             profile: {profile}\n\
             template: {template}\n\
             {format}{lang}\
             audience: delegation\n\
             sections: all\n\
             values:\n  delegation: \"Name of the delegation\"\n  date: \"Month year\"\n  classification: \"CONFIDENTIAL — FOR THE DELEGATION ONLY\"\n  short_title: {title}\n",
            path = path.display(),
        )
    } else {
        format!(
            "# yaml-language-server: $schema=../schemas/briefing.schema.json\n\
             # A protest leaflet. Build it with: handbill build {path}\n\
             title: {title}\n\
             profile: {profile}\n\
             template: {template}\n\
             # The sheet: a5, a6, a5-folded, dl-trifold, a4 or a3 (`handbill list formats`).\n\
             format: {format}\n\
             {lang}\
             audience: public\n\
             sections:\n{sections}\
             values:\n  headline: \"Write the headline here\"\n  standfirst: \"One sentence that says why people should care.\"\n  event:\n    when: \"Day, date, time\"\n    where: \"Place\"\n    address: \"Street, town, postcode\"\n  organisers: \"Called by … Contact: …\"\n",
            path = path.display(),
            format = ask.format.as_deref().unwrap_or("a5"),
            sections = public
                .iter()
                .take(2)
                .map(|id| format!("  - {id}\n"))
                .collect::<String>(),
        )
    };
    crate::write_atomically(&path, text.as_bytes())?;
    let mut written = vec![path];
    // The schema the first line names, for editors, unless there is one.
    let schema = Path::new("schemas").join(Kind::Briefing.file_name());
    if !schema.exists() {
        crate::write_atomically(&schema, schema::text(Kind::Briefing).as_bytes())?;
        written.push(schema);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_names_the_profile_and_none_keeps_the_placeholder() {
        let files = files("chile");
        assert!(
            files
                .iter()
                .any(|(p, _)| p == Path::new("briefings/profiles/chile/profile.yaml"))
        );
        for (path, bytes) in &files {
            assert!(
                !path.to_string_lossy().contains(PROFILE),
                "{}",
                path.display()
            );
            if let Ok(text) = std::str::from_utf8(bytes) {
                assert!(
                    !text.contains(PROFILE),
                    "{} keeps {PROFILE}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn profile_names_are_plain() {
        assert!(is_plain_name("kazakhstan"));
        assert!(!is_plain_name("../x"));
        assert!(!is_plain_name("-x"));
        assert!(!is_plain_name(""));
    }
}
