//! Stage 1, load: reads a briefing file and the profile it names.
//!
//! YAML is read strictly (unknown keys are errors) with serde-saphyr, which
//! reports line and column; every error here points into the file at fault.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::error::{Error, Location, Result, Warning, did_you_mean};

mod hyphenation;
mod section;
mod yaml_error;
use crate::model::{
    Audience, Briefing, ImageAsset, Located, Profile, Recipient, Section, SectionChoice,
    SectionPick, Source,
};
pub use section::load_section;

use crate::project::{Capped, Links};

mod recipients;
pub(crate) mod schema;

/// The largest briefing, profile, section or template file handbill reads.
pub const MAX_TEXT_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a whole file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String> {
    let read = crate::project::read_capped(path, MAX_TEXT_BYTES, Links::Follow);
    let bytes = match read.map_err(|e| Error::io(path, "read", &e))? {
        Capped::Within(bytes) => bytes,
        Capped::Over(size) => {
            return Err(
                Error::too_large(path, "the file", size, "text files", MAX_TEXT_BYTES)
                    .help("split the text into several sections"),
            );
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        Error::new("the file is not UTF-8 text")
            .at(Location::at_offset(path, &text, offset))
            .help("save the file with UTF-8 encoding")
    })
}

/// Parses YAML into `T`, turning serde-saphyr's errors into ours.
/// `first_line` is the line of `file` on which `text` starts.
pub fn parse_yaml<T: DeserializeOwned>(file: &Path, text: &str, first_line: usize) -> Result<T> {
    // Tags such as `!include /etc/passwd` are refused, not silently read as text.
    let mut options = serde_saphyr::Options::default();
    options.reject_unsupported_tags = true;
    serde_saphyr::from_str_with_options::<T>(text, options)
        .map_err(|err| yaml_error::yaml_error(file, text, first_line, &err))
}

fn located(file: &Path, text: &str, loc: &serde_saphyr::Location) -> Location {
    Location::at_line(file, text, loc.line() as usize, loc.column() as usize)
}

/// `lang:`, which must be a language tag: it goes into the PDF's metadata.
/// A three-letter code with a two-letter one is read as that, with a
/// warning pushed to `warnings` (see `language_tag::canonical`).
fn language(
    file: &Path,
    text: &str,
    lang: Spanned<String>,
    warnings: &mut Vec<Warning>,
) -> Result<String> {
    let at = located(file, text, &lang.referenced);
    if let Some(message) = crate::language_tag::refusal(&lang.value) {
        return Err(Error::new(message).at(at).help(crate::language_tag::HELP));
    }
    let Some(tag) = crate::language_tag::canonical(&lang.value) else {
        return Ok(lang.value);
    };
    let written = format!("lang: {}", lang.value);
    warnings.push(crate::language_tag::renamed(&written, &tag, &format!("lang: {tag}")).at(at));
    Ok(tag)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefingFile {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    subtitle: Option<String>,
    #[schemars(with = "String")]
    profile: Spanned<String>,
    #[schemars(with = "String")]
    template: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    format: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    theme: Option<Spanned<String>>,
    audience: Audience,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    lang: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    date: Option<Spanned<String>>,
    #[serde(default)]
    keywords: Option<Vec<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    logo: Option<Spanned<String>>,
    #[serde(default)]
    logo_alt: Option<String>,
    #[schemars(schema_with = "crate::load::schema::sections")]
    sections: Spanned<SectionsField>,
    #[serde(default)]
    values: Option<serde_json::Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::load::schema::recipients")]
    recipients: Option<Spanned<RecipientsField>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    hyphenation: Vec<Spanned<String>>,
    #[serde(default)]
    fit: crate::model::Fit,
    #[serde(default)]
    tables: crate::model::Tables,
    #[serde(default)]
    allow: Vec<crate::model::Allowance>,
    #[serde(default)]
    numbering: Vec<crate::model::Numbered>,
    #[serde(default)]
    watermark: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::load::schema::encrypt")]
    encrypt: Option<Spanned<EncryptField>>,
    #[serde(default)]
    #[schemars(with = "Option<crate::model::Translations>")]
    translations: Option<Spanned<crate::model::Translations>>,
    #[schemars(with = "Option<f64>")]
    screen_ppi: Option<Spanned<f64>>,
}

/// `encrypt:` is `true`/`false`, or the options of [`Encryption`].
struct EncryptField(Option<crate::model::Encryption>);

impl<'de> Deserialize<'de> for EncryptField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EncryptField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, `false` or options such as `password_file: FILE`")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
                Ok(EncryptField(v.then(Default::default)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Err(E::custom(format!(
                    "`encrypt:` is `{v}`; write `true`, `false` or options such as `password_file: FILE`"
                )))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let options = Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(EncryptField(Some(options)))
            }
        }
        d.deserialize_any(V)
    }
}

/// `recipients:` is a list of `{name, role}`, or the path of a CSV file with
/// `name` and `role` columns.
enum RecipientsField {
    List(Vec<Spanned<Recipient>>),
    File(String),
}

impl<'de> Deserialize<'de> for RecipientsField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RecipientsField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of recipients (`- name: …`) or the path of a CSV file")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(RecipientsField::File(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(r) = seq.next_element()? {
                    list.push(r);
                }
                Ok(RecipientsField::List(list))
            }
        }
        d.deserialize_any(V)
    }
}

/// `sections:` is either the word `all` or a list of picks.
enum SectionsField {
    All,
    List(Vec<Spanned<PickField>>),
}

impl<'de> Deserialize<'de> for SectionsField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SectionsField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the word `all` or a list of section ids and `tag:` entries")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                if v == "all" {
                    Ok(SectionsField::All)
                } else {
                    Err(E::custom(format!(
                        "`sections:` is `{v}`, expected the word `all` or a list of section ids"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut picks = Vec::new();
                while let Some(p) = seq.next_element()? {
                    picks.push(p);
                }
                Ok(SectionsField::List(picks))
            }
        }
        d.deserialize_any(V)
    }
}

/// A section id, or `{tag: NAME}`.
struct PickField(SectionPick);

impl<'de> Deserialize<'de> for PickField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PickField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a section id or `tag: NAME`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(PickField(SectionPick::Id(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut tag = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "tag" {
                        return Err(de::Error::custom(format!(
                            "`{key}:` is not a key of a section pick, which is a section id or `tag: NAME`"
                        )));
                    }
                    tag = Some(map.next_value::<String>()?);
                }
                tag.map(|t| PickField(SectionPick::Tag(t)))
                    .ok_or_else(|| de::Error::custom("a section pick mapping needs `tag: NAME`"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The project folder of a briefing: the parent of the `briefings` folder it
/// is in, or else the briefing's own folder.
pub fn project_folder(briefing: &Path) -> PathBuf {
    let dir = briefing.parent().unwrap_or(Path::new(".")).to_path_buf();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    if dir.file_name().is_some_and(|n| n == "briefings")
        && let Some(parent) = dir.parent()
    {
        return if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_path_buf()
        };
    }
    dir
}

/// Loads one briefing file.
pub fn load_briefing(path: &Path) -> Result<Briefing> {
    let text = read_text(path)?;
    let raw: BriefingFile = parse_yaml(path, &text, 1)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "briefing".into());
    let sections = match raw.sections.value {
        SectionsField::All => SectionChoice::All,
        SectionsField::List(list) => {
            if list.is_empty() {
                return Err(Error::new("`sections:` is an empty list")
                    .at(located(path, &text, &raw.sections.referenced))
                    .help("list the section ids to include, or write `sections: all`"));
            }
            // Thousands of picks, on one line or one a line, are located
            // in one pass over the file.
            let mut lines = crate::error::Lines::of(path, &text);
            SectionChoice::List(
                list.into_iter()
                    .map(|p| Located {
                        value: p.value.0,
                        location: lines
                            .at(p.referenced.line() as usize, p.referenced.column() as usize),
                    })
                    .collect(),
            )
        }
    };
    let values = match raw.values {
        None | Some(serde_json::Value::Null) => serde_json::Value::Object(Default::default()),
        Some(v @ serde_json::Value::Object(_)) => v,
        Some(_) => {
            let offset = text.find("values:").unwrap_or(0);
            return Err(Error::new("`values:` must be a mapping of names to values")
                .at(Location::at_offset(path, &text, offset)));
        }
    };
    let project = project_folder(path);
    let recipients_file = match raw.recipients.as_ref().map(|f| &f.value) {
        Some(RecipientsField::File(file)) => crate::project::open(&project, file).ok(),
        _ => None,
    };
    let recipients = match raw.recipients {
        None => Vec::new(),
        Some(field) => recipients::read(field, path, &text, &project, &name)?,
    };
    let encrypt = raw.encrypt.and_then(|field| {
        let location = located(path, &text, &field.referenced);
        field.value.0.map(|value| Located { value, location })
    });
    check_passwords(&recipients, encrypt.as_ref())?;
    let mut warnings = Vec::new();
    let lang = (raw.lang)
        .map(|l| language(path, &text, l, &mut warnings))
        .transpose()?;
    Ok(Briefing {
        file: path.to_path_buf(),
        name,
        project: project_folder(path),
        title: raw.title,
        subtitle: raw.subtitle,
        profile: Located {
            location: located(path, &text, &raw.profile.referenced),
            value: raw.profile.value,
        },
        template: Located {
            location: located(path, &text, &raw.template.referenced),
            value: raw.template.value,
        },
        format: raw.format.map(|f| Located {
            location: located(path, &text, &f.referenced),
            value: f.value,
        }),
        theme: raw.theme.map(|t| Located {
            location: located(path, &text, &t.referenced),
            value: t.value,
        }),
        audience: raw.audience,
        lang,
        date: match raw.date {
            Some(d) => Some(checked_date(path, &text, &d)?),
            None => None,
        },
        keywords: raw.keywords,
        logo: raw.logo.map(|l| Located {
            location: located(path, &text, &l.referenced),
            value: l.value,
        }),
        logo_alt: raw.logo_alt,
        sections,
        values,
        recipients,
        recipients_file,
        hyphenation: hyphenation::read(path, &text, raw.hyphenation)?,
        fit: raw.fit,
        tables: raw.tables,
        allow: raw.allow,
        numbering: raw.numbering,
        watermark: raw.watermark,
        encrypt,
        translations: raw.translations.map(|t| Located {
            location: located(path, &text, &t.referenced),
            value: t.value,
        }),
        screen_ppi: raw
            .screen_ppi
            .map(|v| crate::picture::screen_ppi(v.value, located(path, &text, &v.referenced)))
            .transpose()?,
        text,
        warnings,
    })
}

/// Passwords in a recipients file only with `encrypt:`, and a password
/// file only for a briefing without recipients: either mistake would
/// leave a reader believing the copies are locked in a way they are not.
fn check_passwords(
    recipients: &[Located<Recipient>],
    encrypt: Option<&Located<crate::model::Encryption>>,
) -> Result<()> {
    let with_password = recipients.iter().find(|r| r.value.password.is_some());
    match (encrypt, with_password) {
        (None, Some(r)) => Err(Error::new(
            "the recipients file gives passwords, but the briefing does not say `encrypt:`",
        )
        .at(r.location.clone())
        .help("add `encrypt: true` to the briefing to lock each copy with its password, or remove the `password` column")),
        (Some(e), _) if e.value.password_file.is_some() && !recipients.is_empty() => Err(Error::new(
            "`password_file:` gives one password, but the briefing has recipients",
        )
        .at(e.location.clone())
        .help("give each recipient a password in a `password` column of the recipients file, or leave them out to have handbill generate them")),
        _ => Ok(()),
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileFile {
    title: String,
    publisher: String,
    #[schemars(with = "String")]
    date: Spanned<String>,
    #[schemars(with = "String")]
    lang: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Source>")]
    sources: BTreeMap<String, Spanned<Source>>,
    #[serde(default)]
    images: BTreeMap<String, ImageAsset>,
}

/// The folder that holds the profiles for a briefing.
pub fn profiles_folder(briefing: &Briefing) -> PathBuf {
    briefing
        .file
        .parent()
        .unwrap_or(Path::new("."))
        .join("profiles")
}

/// Loads the profile a briefing names.
pub fn load_profile_for(briefing: &Briefing) -> Result<Profile> {
    let name = &briefing.profile.value;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with('.');
    if !plain {
        return Err(
            Error::new(format!("`profile: {name}` is not a profile name"))
                .at(briefing.profile.location.clone())
                .help("name a folder under briefings/profiles/, e.g. `profile: kazakhstan`"),
        );
    }
    let folder = profiles_folder(briefing);
    let dir = folder.join(name);
    // Anything at the name is read, and reading says what is wrong with
    // it (a folder, a named pipe): only nothing there is no profile.
    if std::fs::symlink_metadata(dir.join("profile.yaml")).is_err() {
        let known = list_profiles(&folder);
        let help = match did_you_mean(name, known.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None if known.is_empty() => format!("there are no profiles in {}", folder.display()),
            None => format!("the profiles are: {}", known.join(", ")),
        };
        return Err(Error::new(format!(
            "there is no profile `{name}` (no {})",
            dir.join("profile.yaml").display()
        ))
        .at(briefing.profile.location.clone())
        .help(help));
    }
    // Neither the profile folder nor any file in it may link out.
    if crate::project::inside(&briefing.project, &dir).is_err() {
        return Err(crate::project::linked_out(&dir, "the profile folder")
            .at(briefing.profile.location.clone()));
    }
    let profile = load_profile(&dir)?;
    let files = profile
        .sections
        .iter()
        .flat_map(|s| std::iter::once(&s.file).chain(s.translations.values().map(|t| &t.file)))
        .chain(std::iter::once(&profile.file));
    for file in files {
        // A file of the folder, itself no link, is as inside as the folder:
        // one look at it, not a walk of every folder above (a long pack's
        // profile has thousands).
        let plain_file = file.parent() == Some(dir.as_path())
            && std::fs::symlink_metadata(file).is_ok_and(|m| !m.file_type().is_symlink());
        if !plain_file && crate::project::inside(&briefing.project, file).is_err() {
            return Err(crate::project::linked_out(file, "the profile file"));
        }
    }
    Ok(profile)
}

/// The names of the profile folders in `folder`, sorted.
pub fn list_profiles(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("profile.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Loads a profile folder: `profile.yaml` and every `*.md` section, in the
/// order of their file names.
/// The pictures a profile offers, from its `profile.yaml` alone (without
/// reading its sections): what a build's fingerprint needs.
pub fn profile_images(dir: &Path) -> Result<BTreeMap<String, ImageAsset>> {
    let file = dir.join("profile.yaml");
    let text = read_text(&file)?;
    let raw: ProfileFile = parse_yaml(&file, &text, 1)?;
    Ok(raw.images)
}

pub fn load_profile(dir: &Path) -> Result<Profile> {
    let file = dir.join("profile.yaml");
    let text = read_text(&file)?;
    let raw: ProfileFile = parse_yaml(&file, &text, 1)?;
    let mut warnings = Vec::new();
    let lang = language(&file, &text, raw.lang, &mut warnings)?;
    let date = checked_date(&file, &text, &raw.date)?;
    check_sources(&file, &text, &raw.sources)?;
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, "read the folder", &e))?
        .flatten()
        .filter(|e| {
            let md = Path::new(&e.file_name())
                .extension()
                .is_some_and(|x| x == "md");
            // The folder's listing says what an entry is; only a link is
            // looked at again, to see what it links to.
            md && match e.file_type() {
                Ok(t) if t.is_symlink() => e.path().is_file(),
                Ok(t) => t.is_file(),
                Err(_) => false,
            }
        })
        .map(|e| e.path())
        .filter(|p| !is_note(p))
        // Hidden files are not sections: an editor's lock file `.#x.md`.
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        })
        .collect();
    // In file-name order: every path is the folder's and a name, so the
    // bytes compare as the names do, and much faster than a path's parts
    // (a long pack's profile has thousands of files).
    all.sort_unstable_by(|a, b| {
        (a.as_os_str().as_encoded_bytes()).cmp(b.as_os_str().as_encoded_bytes())
    });
    let (translations, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        all.into_iter().partition(|p| is_translation(p));
    let mut sections: Vec<Section> = Vec::new();
    // Sections by id and by file, so that a profile of thousands of
    // sections is checked in linear time.
    let mut by_id: std::collections::HashMap<String, usize> = Default::default();
    // Read and parsed on every core (a long pack's profile has thousands),
    // then checked in order: the first fault in file order is the one told.
    let loaded: Vec<Result<Section>> = paths.par_iter().map(|p| load_section(p)).collect();
    for (path, section) in paths.into_iter().zip(loaded) {
        let section = section?;
        if let Some(first) = by_id.get(&section.id).map(|&i| &sections[i]) {
            return Err(Error::new(format!(
                "two sections have the id `{}`: this one and {}",
                section.id,
                first.file.display()
            ))
            .at(Location::at_line(&path, &read_text(&path)?, 2, 1))
            .help("give each section its own id"));
        }
        by_id.insert(section.id.clone(), sections.len());
        sections.push(section);
    }
    let by_file: std::collections::HashMap<PathBuf, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.file.clone(), i))
        .collect();
    // `01-overview.ru.md` is the Russian of `01-overview.md`. Read on every
    // core too, then matched in file order.
    let loaded: Vec<Result<Section>> = (translations.par_iter()).map(|p| load_section(p)).collect();
    for (path, translated) in translations.into_iter().zip(loaded) {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (base, lang) = stem.rsplit_once('.').unwrap_or((&stem, ""));
        let original = dir.join(format!("{base}.md"));
        let translated = translated?;
        let Some(section) = by_file.get(&original).map(|&i| &mut sections[i]) else {
            return Err(Error::new(format!("{} is a translation of {}, which does not exist", path.display(), original.display()))
                .at(Location::file(&path))
                .help("name a translation after its section's file, e.g. 01-overview.ru.md beside 01-overview.md"));
        };
        if translated.id != section.id {
            let text = read_text(&path)?;
            let offset = text.find("id:").unwrap_or(0);
            return Err(Error::new(format!(
                "the translation's id is `{}`, its section's is `{}`",
                translated.id, section.id
            ))
            .at(Location::at_offset(&path, &text, offset))
            .help("a translation keeps its section's id; only the title and text change"));
        }
        // A translation without a marking has its section's; a narrower
        // one must not be printed under the section's wider marking.
        if translated.audience > section.audience {
            let text = read_text(&path)?;
            return Err(Error::new(format!(
                "the translation is for the {} audience, its section for the {} audience",
                translated.audience, section.audience
            ))
            .at(text.find("audience").map_or_else(
                || Location::at_line(&path, &text, 1, 1),
                |o| Location::at_offset(&path, &text, o),
            ))
            .help(format!(
                "a translation has its section's audience: write `audience: {}` in {} too",
                translated.audience,
                original.display()
            )));
        }
        // `01-overview.rus.md` is the `ru` translation, as `lang: rus` is
        // `ru` (see `language_tag::canonical`).
        let code = match crate::language_tag::canonical(lang) {
            None => lang.to_string(),
            Some(code) => {
                warnings.push(renamed_translation(&path, lang, &code, base));
                code
            }
        };
        if let Some(other) = section.translations.get(&code) {
            return Err(Error::new(format!(
                "{} and {} are both the `{code}` translation of {}",
                other.file.display(),
                path.display(),
                original.display()
            ))
            .at(Location::file(&path))
            .help(format!(
                "keep one of them, named {base}.{code}.md, and remove the other: a language that has a two-letter code is read by it, whichever of its codes a file is named with"
            )));
        }
        section.translations.insert(code, translated);
    }
    Ok(Profile {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file,
        title: raw.title,
        publisher: raw.publisher,
        date,
        lang,
        sources: raw.sources.into_iter().map(|(k, v)| (k, v.value)).collect(),
        images: raw.images,
        sections,
        warnings,
    })
}

/// The warning for a translation named with its language's three-letter
/// code (`01-overview.rus.md`), read as the two-letter `code`'s.
fn renamed_translation(path: &Path, written: &str, code: &str, base: &str) -> Warning {
    crate::language_tag::renamed_file(
        "translation",
        path,
        written,
        code,
        &format!("the `{code}` translation"),
        &format!("{base}.{code}.md"),
    )
}

/// `README.md`, `CORRECTIONS.md`: a file named in capitals, starting with a
/// letter, is a note for the people keeping the profile, not a section.
fn is_note(path: &Path) -> bool {
    path.file_stem()
        .map(|s| s.to_string_lossy())
        .is_some_and(|s| {
            s.starts_with(|c: char| c.is_ascii_uppercase()) && !s.chars().any(char::is_lowercase)
        })
}

/// `overview.ru.md` is a translation of `overview.md`, not a section of its
/// own: a language code before `.md`, as a briefing's `lang:` gives it
/// (`ru`, `crh`), so that every language a briefing may be in can have
/// translations, under the name its messages suggest.
fn is_translation(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| Path::new(s).extension())
        .map(|lang| lang.to_string_lossy())
        .is_some_and(|lang| crate::language_tag::is_language_code(&lang))
}

/// A date field, checked to be a real calendar date in a form handbill
/// reads (see `calendar`); the error points at the value.
fn checked_date(file: &Path, text: &str, date: &Spanned<String>) -> Result<String> {
    match crate::calendar::parse(&date.value) {
        Ok(_) => Ok(date.value.clone()),
        Err(why) => Err(Error::new(format!("the date {why}"))
            .at(located(file, text, &date.referenced))
            .help(format!(
                "write a real date as {}",
                crate::calendar::DATE_FORMS
            ))),
    }
}

/// Every source's `date:` is a real date and its `url:` a link a document
/// may hold (see `link`); the error points at the field's line, found from
/// where the source's entry starts.
fn check_sources(
    file: &Path,
    text: &str,
    sources: &BTreeMap<String, Spanned<Source>>,
) -> Result<()> {
    let at = |source: &Spanned<Source>, field: &str| {
        let line = source.referenced.line() as usize;
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let offset = text[start..].find(field).map_or(start, |d| start + d);
        Location::at_offset(file, text, offset)
    };
    for (key, source) in sources {
        if let Some(Err(why)) = source.value.date.as_deref().map(crate::calendar::parse) {
            return Err(Error::new(format!("source `{key}`: the date {why}"))
                .at(at(source, "date:"))
                .help(format!(
                    "write a real date as {}",
                    crate::calendar::DATE_FORMS
                )));
        }
        if let Some(Err(why)) = source.value.url.as_deref().map(crate::link::check) {
            return Err(Error::new(format!("source `{key}`: {why}"))
                .at(at(source, "url:"))
                .help(format!(
                    "a source's `url:` is printed as a link: it may be {}",
                    crate::link::ALLOWED
                )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn temp(name: &str) -> crate::scratch::Scratch {
        crate::scratch::Scratch::new("load", name)
    }

    #[test]
    fn a_briefing_with_picks_by_id_and_tag() {
        let d = temp("picks");
        let p = write(
            &d,
            "briefings/b.yaml",
            "profile: kz\ntemplate: leaflet-a5\naudience: public\nsections:\n  - overview\n  - tag: leaflet\n",
        );
        let b = load_briefing(&p).unwrap();
        assert_eq!(b.project, d.to_path_buf());
        let SectionChoice::List(picks) = &b.sections else {
            panic!("expected a list")
        };
        assert_eq!(picks[0].value, SectionPick::Id("overview".into()));
        assert_eq!(picks[1].value, SectionPick::Tag("leaflet".into()));
        assert_eq!((picks[1].location.line, picks[1].location.column), (6, 5));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion() {
        let d = temp("unknown");
        let p = write(
            &d,
            "b.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\ntitel: T\n",
        );
        let err = load_briefing(&p).unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!(loc.line, 5, "{err}");
        assert!(err.message.contains("titel"), "{err}");
        assert_eq!(err.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn recipients_from_a_list_or_a_csv_file() {
        let d = temp("recipients");
        let p = write(
            &d,
            "briefings/b.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\nrecipients:\n  - name: Ana Ruiz\n    role: Counsel\n  - name: Жанна Әлиева\n",
        );
        let b = load_briefing(&p).unwrap();
        assert_eq!(b.recipients.len(), 2);
        assert_eq!(b.recipients[0].value.role.as_deref(), Some("Counsel"));
        assert_eq!(b.recipients[1].value.slug(), "жанна-әлиева");
        assert_eq!(b.recipients[1].location.line, 8);
        write(
            &d,
            "delegates.csv",
            "name,role\n\"Smith, Jo\",Observer\nAna Ruiz,\n",
        );
        let p = write(
            &d,
            "briefings/c.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\nrecipients: delegates.csv\n",
        );
        let b = load_briefing(&p).unwrap();
        assert_eq!(
            b.recipients[0].value,
            Recipient {
                password: None,
                name: "Smith, Jo".into(),
                role: Some("Observer".into())
            }
        );
        assert_eq!(b.recipients[1].value.role, None);
        assert_eq!(b.recipients[1].value.slug(), "ana-ruiz");
    }

    #[test]
    fn duplicate_and_empty_recipients_are_errors() {
        let d = temp("bad-recipients");
        let p = write(
            &d,
            "b.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\nrecipients:\n  - name: Ana Ruiz\n  - name: ana  ruiz\n",
        );
        let err = load_briefing(&p).unwrap_err();
        assert_eq!(err.location.as_ref().unwrap().line, 7, "{err}");
        assert!(err.message.contains("listed twice"), "{err}");
        let p = write(
            &d,
            "c.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\nrecipients:\n  - name: \"  \"\n",
        );
        let err = load_briefing(&p).unwrap_err();
        assert_eq!(
            (err.location.as_ref().unwrap().line, err.message.as_str()),
            (6, "a recipient has no name")
        );
        write(&d, "people.csv", "name,role\nAna,\n,Observer\n");
        let p = write(
            &d,
            "e.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\nrecipients: people.csv\n",
        );
        let err = load_briefing(&p).unwrap_err();
        let loc = err.location.clone().unwrap();
        assert!(loc.file.ends_with("people.csv") && loc.line == 3, "{err}");
        // The same name with its accents typed apart (as macOS pastes it)
        // is the same person, not a second copy `jose-marti-nez`.
        write(
            &d,
            "accents.csv",
            "name\nJosé Martínez\nJose\u{301} Marti\u{301}nez\n",
        );
        let p = write(
            &d,
            "f.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: all\nrecipients: accents.csv\n",
        );
        let err = load_briefing(&p).unwrap_err();
        assert!(err.message.contains("listed twice"), "{err}");
        assert_eq!(err.location.as_ref().unwrap().line, 3, "{err}");
        let apart = Recipient {
            password: None,
            name: "Ǹ\u{301}ana Jose\u{301}".into(),
            role: None,
        };
        assert_eq!(apart.slug(), "ǹ\u{301}ana-josé");
    }

    #[test]
    fn sections_must_be_all_or_a_list() {
        let d = temp("sections");
        let p = write(
            &d,
            "b.yaml",
            "profile: kz\ntemplate: x\naudience: public\nsections: some\n",
        );
        let err = load_briefing(&p).unwrap_err();
        assert!(err.message.contains("`all`"), "{err}");
        assert_eq!(err.location.unwrap().line, 4);
    }

    #[test]
    fn notes_and_translations_are_not_sections() {
        for (name, note, translation) in [
            ("README.md", true, false),
            ("CORRECTIONS.md", true, false),
            ("09-DEMANDS.md", false, false),
            ("01-overview.md", false, false),
            ("01-overview.ru.md", false, true),
            ("01-overview.rus.md", false, true),
            ("01-overview.crh.md", false, true),
            ("01-overview.RU.md", false, false),
            ("01-overview.draft.md", false, false),
            ("1.10.md", false, false),
        ] {
            let p = Path::new(name);
            assert_eq!(
                (is_note(p), is_translation(p)),
                (note, translation),
                "{name}"
            );
        }
    }

    #[test]
    fn a_source_date_or_url_error_points_at_its_line() {
        let d = temp("source-fields");
        let head = "title: T\npublisher: P\ndate: \"2013-03-01\"\nlang: en\nsources:\n";
        for (sources, line, says) in [
            (
                "  \"a\":\n    author: A\n    title: T\n    date: 2023-02-30\n",
                9,
                "28 days",
            ),
            (
                "  a: {author: A, title: T}\n  b:\n    author: B\n    title: T\n    url: \"file:///etc/passwd\"\n",
                10,
                "`file:`",
            ),
            (
                "  a:\n    author: A\n    title: T\n    date: \"31/02/2026\"\n",
                9,
                "not a date",
            ),
        ] {
            write(&d, "profile.yaml", &format!("{head}{sources}"));
            let err = load_profile(&d).unwrap_err();
            assert_eq!(err.location.as_ref().map(|l| l.line), Some(line), "{err}");
            assert!(err.message.contains(says), "{err}");
        }
    }
}
