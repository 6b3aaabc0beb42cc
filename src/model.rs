//! The inputs as plain data: a country profile with its sections, sources and
//! images, and a briefing that picks from it.
//!
//! These types are what the `load` stage produces and every later stage reads.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use crate::error::{Location, Warning};

/// Who may read a section, source, image or whole briefing. Ordered from the
/// widest readership to the narrowest: a briefing may contain only items whose
/// audience is at most its own.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Default,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Public,
    Delegation,
    Confidential,
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Audience::Public => "public",
            Audience::Delegation => "delegation",
            Audience::Confidential => "confidential",
        })
    }
}

/// A country profile: the folder `briefings/profiles/NAME/`.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The folder name, which briefings use to name the profile.
    pub name: String,
    /// `profile.yaml` inside the folder.
    pub file: PathBuf,
    pub title: String,
    pub publisher: String,
    pub date: String,
    pub lang: String,
    /// The bibliography, keyed by the names footnotes cite.
    pub sources: BTreeMap<String, Source>,
    pub images: BTreeMap<String, ImageAsset>,
    /// In the profile's own order (the order of the file names).
    pub sections: Vec<Section>,
    /// What reading it found to tell every briefing on it: a language
    /// written with its three-letter code, read as its two-letter one.
    pub warnings: Vec<Warning>,
}

/// One entry of a profile's bibliography.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub author: String,
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub audience: Audience,
}

/// A picture the profile offers to templates, e.g. a protest photo.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageAsset {
    /// Path relative to the project folder.
    pub file: String,
    pub caption: String,
    #[serde(default)]
    pub credit: Option<String>,
    /// A description for readers who cannot see the picture.
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub audience: Audience,
}

/// The footnotes of a section body as the Markdown parser reads them: the
/// labels it defines itself (`[^n]: text`) and the references to labels it
/// does not define, with the byte offset of each in the body. A `[^x]` in a
/// code span or code block is text, not a footnote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Footnotes {
    /// Labels the body defines, in lower case (labels match regardless of case).
    pub defined: Vec<String>,
    /// References to labels the body does not define: source keys, or mistakes.
    pub cited: Vec<(String, usize)>,
    /// The body ends inside an open code or HTML block, so definitions
    /// added after it could not be read; `cited` then lists every `[^x]`.
    pub unclosed: bool,
}

/// One Markdown file of a profile.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub tags: Vec<String>,
    pub audience: Audience,
    /// The Markdown after the front matter: shared, not copied, by the
    /// selection that picks the section (a long profile holds megabytes).
    pub body: std::sync::Arc<str>,
    pub file: PathBuf,
    /// The line of `file` on which `body` starts, for error locations.
    pub body_line: usize,
    /// The section in other languages, by language code (`overview.ru.md`).
    pub translations: BTreeMap<String, Section>,
    /// What `body` defines and cites, read the first time it is asked for
    /// (`citations::of`) and then kept: selecting, the template's data and
    /// the Markdown stage each need it. Empty (`Default::default()`) for a
    /// section made with a body of its own.
    pub footnotes: std::sync::OnceLock<Footnotes>,
}

/// One briefing file: what to build from which profile.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub file: PathBuf,
    /// The file's text as it was read: what a build's fingerprint hashes
    /// and error positions are found in, so the file is read only once.
    pub text: String,
    /// The file name without `.yaml`; the output is `NAME.pdf`.
    pub name: String,
    /// The project folder: paths in the briefing and profile are relative to it.
    pub project: PathBuf,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub profile: Located<String>,
    pub template: Located<String>,
    /// The sheet to print on (`dl-trifold`); none: the template's own.
    pub format: Option<Located<String>>,
    /// The project theme to set it in (`themes/NAME.yaml`, or `builtin`);
    /// none: the project's `themes/default.yaml`, else the built-in one.
    pub theme: Option<Located<String>>,
    pub audience: Audience,
    pub lang: Option<String>,
    pub date: Option<String>,
    /// A picture in the project for the cover (`assets/society-logo.png`),
    /// shown to templates as the picture `logo`.
    pub logo: Option<Located<String>>,
    /// The logo's description for readers who cannot see it; none: the
    /// profile's publisher.
    pub logo_alt: Option<String>,
    /// The PDF's keywords, as listed; none: the chosen sections' tags.
    pub keywords: Option<Vec<String>>,
    pub sections: SectionChoice,
    /// Free values for the template.
    pub values: serde_json::Value,
    /// What to do when the text does not fit a leaflet's frames.
    pub fit: Fit,
    /// What a table too wide for its frame does.
    pub tables: Tables,
    /// Set large and pale behind every page, e.g. `DRAFT`.
    pub watermark: Option<String>,
    /// What to number: `sections`, `paragraphs`.
    pub numbering: Vec<Numbered>,
    /// Checks the briefing knowingly waives, e.g. `low-resolution`.
    pub allow: Vec<Allowance>,
    /// Words with their allowed hyphens (`Kazakh-stan`), or never to be
    /// hyphenated (`Nazarbayev`).
    pub hyphenation: Vec<String>,
    /// One copy per recipient, each with their name on it; none: one copy.
    pub recipients: Vec<Located<Recipient>>,
    /// `encrypt:`: each copy locked with a password (AES-256); none: not.
    pub encrypt: Option<Located<Encryption>>,
    /// The CSV file the recipients came from, if they came from one.
    pub recipients_file: Option<std::path::PathBuf>,
    /// `translations:`, where the briefing says it; none: `optional`.
    pub translations: Option<Located<Translations>>,
    /// `screen_ppi:`: the resolution pictures are scaled down to in screen
    /// output, checked; none: the format's, else the default.
    pub screen_ppi: Option<f32>,
    /// What reading it found to tell: a `lang:` written with a
    /// three-letter code, read as its two-letter one.
    pub warnings: Vec<Warning>,
}

impl Briefing {
    /// Where the briefing's top-level `key:` is, for a warning about what
    /// it says; the whole file when it does not say it.
    pub fn key_location(&self, key: &str) -> Location {
        Location::at_key(&self.file, &self.text, None, key)
    }

    /// Where the value at `path` (`values.event.when`) is given: its last
    /// key, looked for under `values:`; or the file, if not found.
    pub fn value_location(&self, path: &str) -> Location {
        let last = path.rsplit('.').next().unwrap_or(path);
        let from = self.text.find("values:").unwrap_or(0);
        self.text[from..].find(&format!("{last}:")).map_or_else(
            || Location::file(&self.file),
            |o| Location::at_offset(&self.file, &self.text, from + o),
        )
    }
}

/// What a briefing in another language than its profile's does with a
/// section that has no translation into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Translations {
    /// Print it in the profile's language, with a warning naming it.
    #[default]
    Optional,
    /// Refuse to build.
    Required,
}

/// How a briefing's copies are encrypted (`encrypt: true`, or options).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Encryption {
    /// For a briefing without recipients: a file in the project holding
    /// the password (its first line); none: one is generated.
    #[serde(default)]
    pub password_file: Option<String>,
}

/// A password: shown by `Debug` as hidden, so no message, log or
/// fingerprint made with `{:?}` can carry it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// The password itself, for the encryption and the passwords file.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(hidden)")
    }
}

/// What to do when a leaflet's text does not fit its frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// Refuse to build, and say how much did not fit.
    #[default]
    Exact,
    /// Set the text smaller, in steps, down to three quarters of its size.
    Shrink,
}

/// What a table whose columns' widest words do not fit its frame does
/// (`tables:` in a briefing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tables {
    /// Refuse to build, naming the section and the table.
    #[default]
    Fit,
    /// Set each of its rows as `header: value` lines.
    Stack,
}

/// What a briefing pack may number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Numbered {
    /// Headings: 1, 1.1, 1.2, 2 …
    Sections,
    /// Paragraphs, 1, 2, 3 … through the whole pack, in the margin.
    Paragraphs,
}

/// A check a briefing may waive, on purpose and in writing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Allowance {
    /// Pictures printed at under 150 pixels per inch (they will look soft).
    LowResolution,
    /// `section: ID`: this one section, though its audience is narrower than
    /// the briefing's. Every build that uses it says so.
    Section(String),
}

/// A person a personalised copy is made for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    /// From the `password` column of a recipients file (never from the
    /// briefing itself, whose text the manifest fingerprints).
    #[serde(skip)]
    pub password: Option<Password>,
}

impl Recipient {
    /// The part of a file name that tells copies apart: `Ana María Ruiz` →
    /// `ana-maría-ruiz`. The name is composed first (NFC), so that a name
    /// typed with separate accents (as some keyboards and systems give it)
    /// names the same copy, and an accent left separate stays in its word.
    pub fn slug(&self) -> String {
        use unicode_normalization::UnicodeNormalization;
        use unicode_normalization::char::is_combining_mark;
        let mut slug = String::new();
        for c in self.name.nfc().flat_map(char::to_lowercase) {
            if c.is_alphanumeric()
                || (is_combining_mark(c) && !slug.is_empty() && !slug.ends_with('-'))
            {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.trim_end_matches('-').to_string()
    }

    /// The name of this person's copy of briefing `briefing`, without
    /// `.pdf`: `briefing-slug`. File names may hold 255 bytes (a Cyrillic
    /// letter takes two), and handbill's temporary and imposed files add to
    /// the name: a name longer than [`MAX_COPY_NAME`] bytes keeps the slug's
    /// beginning and ends with a code made from the whole slug, so it stays
    /// the same from build to build and tells copies apart.
    pub fn copy_name(&self, briefing: &str) -> String {
        let slug = self.slug();
        let full = format!("{briefing}-{slug}");
        if full.len() <= MAX_COPY_NAME {
            return full;
        }
        let code = xxhash_rust::xxh3::xxh3_64(slug.as_bytes()) as u32;
        // Room for the slug's beginning, "-" and the eight-digit code.
        let room = MAX_COPY_NAME.saturating_sub(briefing.len() + 1 + 9).max(16);
        let mut end = room.min(slug.len());
        while !slug.is_char_boundary(end) {
            end -= 1;
        }
        let start = slug[..end].trim_end_matches('-');
        format!("{briefing}-{start}-{code:08x}")
    }
}

/// The longest copy name, in bytes, before it is shortened: with `.pdf`,
/// `-imposed` and a temporary file's `.` and `.PID.tmp`, well under the
/// 255 bytes a file name may have.
pub const MAX_COPY_NAME: usize = 200;

/// A value with the place in a file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

/// Which sections a briefing takes.
#[derive(Debug, Clone, PartialEq)]
pub enum SectionChoice {
    /// Every section of the profile, in the profile's order.
    All,
    /// The listed sections, in the listed order.
    List(Vec<Located<SectionPick>>),
}

/// One entry of a briefing's `sections:` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionPick {
    Id(String),
    Tag(String),
}
