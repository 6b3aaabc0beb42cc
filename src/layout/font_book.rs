//! The font book: the faces a document is set in.
//!
//! Noto Serif and Noto Sans (regular, bold, italic, bold italic; Latin and
//! Cyrillic, including every Kazakh letter) are compiled into the binary, so
//! handbill sets the same text the same way from any folder. A project adds
//! its own: every OpenType or TrueType file in its `fonts/` folder whose
//! family a theme names (`font: DejaVu Serif`, `fallback: [DejaVu Sans]`).
//! Each family's regular, bold, italic and bold italic are found by the
//! fonts' own style data (OS/2 weight and selection flags), never made up:
//! a missing style is set in the nearest face the family has, and the build
//! says so.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use harfrust::{FontRef, ShaperData};
use skrifa::MetadataProvider;
use skrifa::raw::{FileRef, TableProvider};
use skrifa::string::StringId;

use crate::error::{Error, Location, Result, Warning, WarningKind};
use crate::theme::{Family, Style};

/// Index of a face in the [`FontBook`].
pub type FaceId = usize;

/// The largest font file handbill reads (SECURITY.md).
pub const MAX_FONT_BYTES: u64 = 32 << 20;

/// The most faces handbill reads of one font collection (`.ttc`, `.otc`).
/// Real collections hold a few dozen; each face named costs four bytes of
/// the file but some hundreds in memory, so a 32 MiB file of one face
/// named eight million times would take gigabytes (SECURITY.md).
pub const MAX_COLLECTION_FACES: u32 = 256;

/// The folder of a project's own fonts.
pub const FONTS_FOLDER: &str = "fonts";

/// A font file's bytes: compiled in, or read from the project.
#[derive(Clone)]
enum FontData {
    Bundled(&'static [u8]),
    Read(Arc<Vec<u8>>),
}

/// One face: a font file, or one font of a collection.
pub struct Face {
    /// Its PostScript name (the bundled faces: their file name).
    pub name: String,
    /// The file it was read from, for a project's face.
    pub file: Option<PathBuf>,
    data: FontData,
    /// Its index in a font collection (`.ttc`), else 0.
    pub index: u32,
    shaper_data: ShaperData,
    pub units_per_em: f32,
    /// Ascender and descender (positive, below the baseline) as fractions of the size.
    pub ascent: f32,
    pub descent: f32,
}

impl Face {
    /// The font file's bytes.
    pub fn data(&self) -> &[u8] {
        match &self.data {
            FontData::Bundled(d) => d,
            FontData::Read(d) => d,
        }
    }

    /// The font file's bytes, shared (for the PDF writer).
    pub fn shared_data(&self) -> Arc<dyn AsRef<[u8]> + Send + Sync> {
        match &self.data {
            FontData::Bundled(d) => Arc::new(*d),
            FontData::Read(d) => d.clone(),
        }
    }

    pub(super) fn font(&self) -> FontRef<'_> {
        FontRef::from_index(self.data(), self.index).expect("checked when the face was read")
    }

    pub(super) fn shaper_data(&self) -> &ShaperData {
        &self.shaper_data
    }

    fn new(name: String, file: Option<PathBuf>, data: FontData, index: u32) -> Face {
        let font = FontRef::from_index(
            match &data {
                FontData::Bundled(d) => d,
                FontData::Read(d) => d,
            },
            index,
        )
        .expect("checked before");
        let metrics = font.metrics(
            skrifa::instance::Size::unscaled(),
            skrifa::instance::LocationRef::default(),
        );
        let upem = f32::from(metrics.units_per_em.max(16));
        let shaper_data = ShaperData::new(&font);
        Face {
            name,
            file,
            index,
            shaper_data,
            units_per_em: upem,
            ascent: metrics.ascent / upem,
            descent: -metrics.descent / upem,
            data,
        }
    }
}

/// One of a project's families: its faces for regular, bold, italic and
/// bold italic (in that order).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BookFamily {
    name: Arc<str>,
    faces: [FaceId; 4],
}

/// The faces of one document: the bundled ones first, then the project's.
pub struct FontBook {
    /// Which book this is, for what a worker remembers of its shaping: the
    /// same text shapes alike only in the same faces. The bundled book is 0;
    /// a project's takes a hash of its faces' bytes and families.
    pub id: u64,
    pub faces: Vec<Face>,
    families: Vec<BookFamily>,
    /// The project's font files the book was read from.
    pub files: Vec<PathBuf>,
}

impl std::fmt::Debug for FontBook {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "FontBook({:x}, {} faces)", self.id, self.faces.len())
    }
}

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_bytes!(concat!("../../fonts/", $name, ".ttf")) as &'static [u8])),*]
    };
}

const BUNDLED: [(&str, &[u8]); 8] = bundled!(
    "NotoSerif-Regular",
    "NotoSerif-Bold",
    "NotoSerif-Italic",
    "NotoSerif-BoldItalic",
    "NotoSans-Regular",
    "NotoSans-Bold",
    "NotoSans-Italic",
    "NotoSans-BoldItalic",
);

/// The slot of a style: 0 regular, 1 bold, 2 italic, 3 bold italic.
fn slot(bold: bool, italic: bool) -> usize {
    usize::from(bold) + 2 * usize::from(italic)
}

const SLOT_NAMES: [&str; 4] = ["regular", "bold", "italic", "bold italic"];

/// The faces to set a missing slot in, nearest first: never a slanted face
/// for upright text, nor the other way round, where the family has one.
const NEAREST: [[usize; 3]; 4] = [[2, 1, 3], [0, 3, 2], [0, 3, 1], [1, 2, 0]];

impl FontBook {
    fn bundled_faces() -> Vec<Face> {
        BUNDLED
            .iter()
            .map(|(name, data)| Face::new(name.to_string(), None, FontData::Bundled(data), 0))
            .collect()
    }

    /// The bundled fonts, loaded once per process.
    pub fn bundled() -> Arc<FontBook> {
        static BOOK: OnceLock<Arc<FontBook>> = OnceLock::new();
        BOOK.get_or_init(|| {
            Arc::new(FontBook {
                id: 0,
                faces: FontBook::bundled_faces(),
                families: Vec::new(),
                files: Vec::new(),
            })
        })
        .clone()
    }

    /// The book of a project whose theme names `wanted` (each family with
    /// where the theme names it): the bundled faces, and those of the
    /// project's `fonts/` folder the families need. With no family named,
    /// the bundled book, and nothing read. Also gives what the build should
    /// be told (styles a family lacks, and what they are set in instead).
    pub fn for_project(
        project: &Path,
        wanted: &[(Family, Location)],
    ) -> Result<(Arc<FontBook>, Vec<Warning>)> {
        let mut names: Vec<(&Arc<str>, &Location)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (family, at) in wanted {
            if let Family::Named(name) = family
                && seen.insert(name)
            {
                names.push((name, at));
            }
        }
        if names.is_empty() {
            return Ok((FontBook::bundled(), Vec::new()));
        }
        let found = read_folder(project, names[0].1)?;
        let mut faces = FontBook::bundled_faces();
        let mut families = Vec::new();
        let mut files: Vec<PathBuf> = Vec::new();
        let mut warnings = Vec::new();
        for (name, at) in names {
            let members: Vec<&Candidate> = found.iter().filter(|c| c.is(name)).collect();
            if members.is_empty() {
                return Err(unknown_family(name, at, &found));
            }
            let mut slots: [Option<FaceId>; 4] = [None; 4];
            for (s, slot_face) in slots.iter_mut().enumerate() {
                let Some(best) = best_for(&members, s) else {
                    continue;
                };
                best.check_licence()?;
                let id = match faces
                    .iter()
                    .position(|f| f.file.as_deref() == Some(&best.file) && f.index == best.index)
                {
                    Some(id) => id,
                    None => {
                        faces.push(Face::new(
                            best.postscript.clone(),
                            Some(best.file.clone()),
                            FontData::Read(best.data.clone()),
                            best.index,
                        ));
                        if !files.contains(&best.file) {
                            files.push(best.file.clone());
                        }
                        faces.len() - 1
                    }
                };
                *slot_face = Some(id);
            }
            let mut filled = [0; 4];
            let mut lacking = Vec::new();
            for s in 0..4 {
                filled[s] = match slots[s] {
                    Some(id) => id,
                    None => {
                        let near = NEAREST[s]
                            .iter()
                            .find_map(|&n| slots[n].map(|id| (n, id)))
                            .expect("a family found has a face");
                        lacking.push(format!(
                            "{} text is set in its {} face",
                            SLOT_NAMES[s], SLOT_NAMES[near.0]
                        ));
                        near.1
                    }
                };
            }
            if !lacking.is_empty() {
                warnings.push(
                    Warning::new(
                        WarningKind::MissingFontStyle,
                        format!(
                            "{FONTS_FOLDER}/ has no {} face of `{name}`: {}",
                            (0..4)
                                .filter(|&s| slots[s].is_none())
                                .map(|s| SLOT_NAMES[s])
                                .collect::<Vec<_>>()
                                .join(" or "),
                            lacking.join(", "),
                        ),
                    )
                    .at(at.clone())
                    .help(format!("handbill never slants or emboldens a face itself; add the font files for those styles to {FONTS_FOLDER}/")),
                );
            }
            families.push(BookFamily {
                name: name.clone(),
                faces: filled,
            });
        }
        let id = {
            use xxhash_rust::xxh3::Xxh3;
            let mut h = Xxh3::with_seed(0x68616e64);
            for face in &faces[BUNDLED.len()..] {
                h.update(&(face.data().len() as u64).to_le_bytes());
                h.update(face.data());
                h.update(&face.index.to_le_bytes());
            }
            for family in &families {
                h.update(family.name.as_bytes());
                for f in family.faces {
                    h.update(&(f as u64).to_le_bytes());
                }
            }
            // Never the bundled book's 0.
            h.digest() | 1
        };
        let book = FontBook {
            id,
            faces,
            families,
            files,
        };
        Ok((Arc::new(book), warnings))
    }

    /// The face for a style.
    pub fn face_for(&self, style: &Style) -> FaceId {
        self.face_of(&style.font, style.bold, style.italic)
            .unwrap_or(slot(style.bold, style.italic))
    }

    /// The face of `family` for bold and italic, if the book has the family.
    fn face_of(&self, family: &Family, bold: bool, italic: bool) -> Option<FaceId> {
        match family {
            Family::Serif => Some(slot(bold, italic)),
            Family::Sans => Some(4 + slot(bold, italic)),
            Family::Named(name) => self
                .families
                .iter()
                .find(|f| f.name == *name)
                .map(|f| f.faces[slot(bold, italic)]),
        }
    }

    /// The faces to try, in order, for glyphs the style's own face lacks:
    /// the style's `fallback` families, then the bundled Noto faces of the
    /// same weight and slant.
    pub fn fallbacks_for(&self, style: &Style) -> Vec<FaceId> {
        let own = self.face_for(style);
        let s = slot(style.bold, style.italic);
        let bundled: &[Family] = match style.font {
            Family::Serif => &[Family::Sans],
            Family::Sans => &[Family::Serif],
            Family::Named(_) => &[Family::Serif, Family::Sans],
        };
        let mut out: Vec<FaceId> = Vec::new();
        for family in style.fallback.iter().chain(bundled) {
            let face = match family {
                Family::Serif => s,
                Family::Sans => 4 + s,
                named => match self.face_of(named, style.bold, style.italic) {
                    Some(face) => face,
                    None => continue,
                },
            };
            if face != own && !out.contains(&face) {
                out.push(face);
            }
        }
        out
    }
}

/// The faces of the project's fonts folder, for `handbill list fonts`: the
/// family a theme names each by, its style, its PostScript name and file.
pub fn faces_in(project: &Path) -> Result<Vec<(String, String, String, PathBuf)>> {
    let folder = crate::project::join(project, Path::new(FONTS_FOLDER));
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut out: Vec<_> = read_folder(project, &Location::file(&folder))?
        .into_iter()
        .map(|c| {
            let style = SLOT_NAMES[slot(c.weight >= 600.0, c.italic)];
            let family = c.families.into_iter().next().unwrap_or_default();
            (family, style.to_string(), c.postscript, c.file)
        })
        .collect();
    out.sort();
    Ok(out)
}

/// A face found in the project's fonts folder.
struct Candidate {
    file: PathBuf,
    index: u32,
    data: Arc<Vec<u8>>,
    /// Its typographic family (name ID 16) and family (name ID 1).
    families: Vec<String>,
    postscript: String,
    weight: f32,
    italic: bool,
    /// How far its width is from normal.
    stretch: f32,
    fs_type: u16,
}

impl Candidate {
    fn is(&self, family: &str) -> bool {
        self.families
            .iter()
            .any(|f| f.trim().eq_ignore_ascii_case(family.trim()))
    }

    /// A font whose licence forbids what handbill does with it (embed it
    /// as a subset in the PDF) is refused.
    fn check_licence(&self) -> Result<()> {
        let refuse = |what: &str| {
            Err(Error::new(format!(
                "the font {} ({}) may not be {what}: its licence says so (its OS/2 fsType is {:#06x})",
                self.file.display(),
                self.postscript,
                self.fs_type
            ))
            .at(Location::file(&self.file))
            .help("handbill embeds a subset of every font it uses in the PDF; use a font whose licence allows that (e.g. one under the SIL Open Font License)"))
        };
        // Bits 0–3 are one field: 2 alone is "restricted licence"; where
        // more are set the least restrictive counts.
        if self.fs_type & 0x000F == 0x0002 {
            return refuse("embedded in a document");
        }
        if self.fs_type & 0x0100 != 0 {
            return refuse("subset (embedded only whole)");
        }
        if self.fs_type & 0x0200 != 0 {
            return refuse("embedded as outlines (only as bitmaps)");
        }
        Ok(())
    }
}

/// The face of `members` for slot `s`, if the family has one: of the
/// right slant and weight, the nearest to normal width and to 400 (regular)
/// or 700 (bold).
fn best_for<'a>(members: &[&'a Candidate], s: usize) -> Option<&'a Candidate> {
    let (bold, italic) = (s % 2 == 1, s >= 2);
    let target = if bold { 700.0 } else { 400.0 };
    members
        .iter()
        .filter(|c| c.italic == italic && (c.weight >= 600.0) == bold)
        .min_by(|a, b| {
            let key = |c: &Candidate| (c.stretch, (c.weight - target).abs());
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .copied()
}

fn unknown_family(name: &str, at: &Location, found: &[Candidate]) -> Error {
    let mut known: Vec<&str> = found
        .iter()
        .flat_map(|c| c.families.iter().map(String::as_str))
        .collect();
    known.sort_unstable();
    known.dedup();
    let help = if let Some(near) = crate::error::did_you_mean(name, known.iter().copied()) {
        format!(
            "did you mean `{near}`? (the families in {FONTS_FOLDER}/ are: {})",
            known.join(", ")
        )
    } else if known.is_empty() {
        format!(
            "put the font's files (.ttf or .otf) in the project's {FONTS_FOLDER}/ folder, or use `serif` or `sans`"
        )
    } else {
        format!(
            "the families in {FONTS_FOLDER}/ are: {}; write the name as the font gives it, or use `serif` or `sans`",
            known.join(", ")
        )
    };
    Error::new(format!(
        "the theme uses the font `{name}`, which no font in the project's {FONTS_FOLDER}/ folder is"
    ))
    .at(at.clone())
    .help(help)
}

/// Every face of every font file in the project's fonts folder.
fn read_folder(project: &Path, named_at: &Location) -> Result<Vec<Candidate>> {
    let folder = crate::project::join(project, Path::new(FONTS_FOLDER));
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(_) => {
            return Err(Error::new(format!(
                "the theme names a font of its own, but the project has no {FONTS_FOLDER}/ folder"
            ))
            .at(named_at.clone())
            .help(format!(
                "make a folder {FONTS_FOLDER}/ beside briefings/ and put the font's files (.ttf or .otf) in it"
            )));
        }
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            [".ttf", ".otf", ".ttc", ".otc"]
                .iter()
                .any(|ext| lower.ends_with(ext))
        })
        .collect();
    names.sort();
    let mut found = Vec::new();
    for name in names {
        let written = format!("{FONTS_FOLDER}/{name}");
        let path = crate::project::open(project, &written).map_err(|r| {
            r.error(
                "the font",
                &written,
                "keep font files inside the project's fonts/ folder",
            )
        })?;
        let data = read_bounded(&path)?;
        read_faces(&path, Arc::new(data), &mut found)?;
    }
    Ok(found)
}

/// The file's bytes, if it is no larger than [`MAX_FONT_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    use crate::project::{Capped, Links};
    let cannot = |e: std::io::Error| {
        Error::io(path, "read the font", &e)
            .help("put only font files (.ttf, .otf, .ttc, .otc) in fonts/, readable by you")
    };
    match crate::project::read_capped(path, MAX_FONT_BYTES, Links::Follow).map_err(cannot)? {
        Capped::Within(data) => Ok(data),
        Capped::Over(_) => Err(Error::new(format!(
            "the font {} is larger than {} MB, the most handbill reads",
            path.display(),
            MAX_FONT_BYTES >> 20
        ))
        .at(Location::file(path))
        .help("use the font's plain .ttf or .otf file, or take it out of fonts/")),
    }
}

/// The faces of one font file (one, or each of a collection's).
fn read_faces(path: &Path, data: Arc<Vec<u8>>, out: &mut Vec<Candidate>) -> Result<()> {
    let malformed = |what: &str| {
        Error::new(format!(
            "the font {} cannot be used: {what}",
            path.display()
        ))
        .at(Location::file(path))
        .help("replace it with an intact OpenType (.otf) or TrueType (.ttf) file, or take it out of fonts/")
    };
    let count = match FileRef::new(&data) {
        Ok(FileRef::Font(_)) => 1,
        Ok(FileRef::Collection(c)) if c.len() > MAX_COLLECTION_FACES => {
            return Err(malformed(&format!(
                "it is a collection of {} fonts, more than the {MAX_COLLECTION_FACES} handbill reads of one file",
                c.len()
            ))
            .help("put the fonts the theme uses in fonts/ as files of their own (.ttf or .otf)"));
        }
        Ok(FileRef::Collection(c)) => c.len(),
        Err(_) => {
            return Err(malformed(
                "it is not an OpenType or TrueType font, or it is damaged",
            ));
        }
    };
    for index in 0..count {
        let font = FontRef::from_index(&data, index)
            .map_err(|_| malformed(&format!("font {index} in it is damaged")))?;
        let face = read_face(&font).map_err(|lacks| malformed(&lacks))?;
        if !face.outlines {
            return Err(malformed(
                "it has no glyph outlines (glyf or CFF), which a PDF needs",
            ));
        }
        let Face0 {
            families,
            postscript,
            weight,
            italic,
            stretch,
            fs_type,
            ..
        } = face;
        out.push(Candidate {
            file: path.to_path_buf(),
            index,
            data: data.clone(),
            families,
            postscript,
            weight,
            italic,
            stretch,
            fs_type,
        });
    }
    Ok(())
}

/// What the font's own tables say of it.
struct Face0 {
    families: Vec<String>,
    postscript: String,
    weight: f32,
    italic: bool,
    stretch: f32,
    fs_type: u16,
    outlines: bool,
}

/// What the font's own tables say of it, or what it lacks (in words for
/// the message).
fn read_face(font: &FontRef) -> std::result::Result<Face0, String> {
    let lacks =
        |table: &str, what: &str| format!("its `{table}` table ({what}) is missing or damaged");
    let head = font
        .head()
        .map_err(|_| lacks("head", "its size and kind"))?;
    let upem = head.units_per_em();
    if !(16..=16384).contains(&upem) {
        return Err(format!(
            "its units per em are {upem}, where a font has 16 to 16,384"
        ));
    }
    let hhea = font.hhea().map_err(|_| lacks("hhea", "its line metrics"))?;
    let maxp = font
        .maxp()
        .map_err(|_| lacks("maxp", "how many glyphs it has"))?;
    if maxp.num_glyphs() == 0 {
        return Err("it has no glyphs".into());
    }
    // Every glyph is set by its width and embedded with it: without them
    // the letters would stand on top of each other, and the PDF's font be
    // unreadable to a viewer.
    let widths = font.hmtx().map_or(0, |h| h.h_metrics().len());
    if widths == 0 || widths != usize::from(hhea.number_of_h_metrics()) {
        return Err(lacks("hmtx", "the glyphs' widths"));
    }
    let outlines = if font.glyf().is_ok() {
        // Where each TrueType glyph lies in `glyf`.
        font.loca(None)
            .map_err(|_| lacks("loca", "where each glyph is"))?;
        true
    } else {
        font.cff().is_ok() || font.cff2().is_ok()
    };
    font.cmap()
        .map_err(|_| lacks("cmap", "which letter each glyph is"))?;
    // Widths that are there but all nought would set every letter of a
    // line on the last: the common letters it has must take room.
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(
        skrifa::instance::Size::unscaled(),
        skrifa::instance::LocationRef::default(),
    );
    let letters: Vec<f32> = "aeonAEON0аеоАЕО"
        .chars()
        .filter_map(|c| charmap.map(c))
        .filter_map(|g| metrics.advance_width(g))
        .collect();
    if !letters.is_empty() && letters.iter().all(|w| *w <= 0.0) {
        return Err("its letters have no width (every glyph's width in its `hmtx` table is 0), so they would be set on top of each other".into());
    }
    font.name().map_err(|_| lacks("name", "its names"))?;
    let os2 = font
        .os2()
        .map_err(|_| lacks("OS/2", "its weight, style and licence"))?;
    let string = |id: StringId| {
        font.localized_strings(id)
            .english_or_first()
            .map(|s| s.chars().collect::<String>())
    };
    let families: Vec<String> = [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
        .into_iter()
        .filter_map(string)
        .filter(|s| !s.trim().is_empty())
        .collect();
    if families.is_empty() {
        return Err("it gives no family name".into());
    }
    let attributes = font.attributes();
    Ok(Face0 {
        postscript: string(StringId::POSTSCRIPT_NAME).unwrap_or_else(|| families[0].clone()),
        families,
        weight: attributes.weight.value(),
        italic: attributes.style != skrifa::attribute::Style::Normal,
        stretch: (attributes.stretch.ratio() - 1.0).abs(),
        fs_type: os2.fs_type(),
        outlines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{LayoutMemo, font::Hyphenation, layout};
    use crate::markup::{MarkupSource, parse};
    use crate::theme::{DEFAULT_THEME, Theme};
    use std::collections::BTreeMap;

    /// A project folder whose fonts/ holds the DejaVu `fonts` Debian ships.
    fn project_with(name: &str, fonts: &[&str]) -> crate::scratch::Scratch {
        let dir = crate::scratch::Scratch::new("font-book", name);
        std::fs::create_dir_all(dir.join(FONTS_FOLDER)).unwrap();
        for font in fonts {
            let from = Path::new("/usr/share/fonts/truetype/dejavu").join(format!("{font}.ttf"));
            std::fs::copy(&from, dir.join(FONTS_FOLDER).join(format!("{font}.ttf")))
                .unwrap_or_else(|e| panic!("{}: {e} (install fonts-dejavu-extra)", from.display()));
        }
        dir
    }

    #[test]
    fn two_projects_fonts_never_meet_in_one_memo() {
        let wanted = [(
            Family::Named("DejaVu Serif".into()),
            Location::file(Path::new("t.yaml")),
        )];
        let book = |dir: &Path| FontBook::for_project(dir, &wanted).unwrap();
        // DejaVu Serif Condensed's family is DejaVu Serif too: alone, it is
        // the family's regular; beside the normal width, it is passed over.
        let (a, b, both) = (
            project_with("a", &["DejaVuSerif"]),
            project_with("b", &["DejaVuSerifCondensed"]),
            project_with("both", &["DejaVuSerif", "DejaVuSerifCondensed"]),
        );
        let ((book_a, said), (book_b, _), (book_both, _)) = (book(&a), book(&b), book(&both));
        assert_eq!(book_a.faces[8].name, "DejaVuSerif");
        assert_eq!(book_b.faces[8].name, "DejaVuSerifCondensed");
        assert_eq!(book_both.faces.len(), 9, "the condensed face is left out");
        assert_eq!(book_both.faces[8].name, "DejaVuSerif");
        assert_eq!(book_a.id, book_both.id, "the same faces, the same book");
        assert!(book_a.id != book_b.id && book_a.id != 0 && book_b.id != 0);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0]
                .message
                .contains("no bold or italic or bold italic face"),
            "{said:?}"
        );

        let theme = Theme::parse(
            Path::new("t.yaml"),
            &DEFAULT_THEME.replace("body: { font: serif,", "body: { font: DejaVu Serif,"),
        )
        .unwrap();
        let doc = parse(
            &MarkupSource {
                template: Path::new("t.hbs"),
                template_text: "",
                text: r#"<document title="t"><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/><flow name="main"><p>Kazakhstan has an appalling human rights record.</p></flow></document>"#,
            },
            &theme,
        )
        .unwrap();
        let lay = |book: &Arc<FontBook>, memo: &LayoutMemo| {
            let pages = layout(
                &doc,
                &BTreeMap::new(),
                "t",
                &Hyphenation::default(),
                book,
                memo,
            );
            format!("{:?}", pages.unwrap().pages)
        };
        let shared = LayoutMemo::new();
        let (in_a, in_b) = (lay(&book_a, &shared), lay(&book_b, &shared));
        assert_ne!(in_a, in_b, "condensed glyphs are narrower");
        assert_eq!(in_a, lay(&book_a, &LayoutMemo::new()));
        assert_eq!(in_b, lay(&book_b, &LayoutMemo::new()));
        assert_eq!(lay(&book_a, &shared), in_a);
    }

    /// `font` with the table tagged `tag` renamed, so that it is gone.
    fn without(font: &[u8], tag: &[u8; 4]) -> Vec<u8> {
        let mut font = font.to_vec();
        let tables = usize::from(u16::from_be_bytes([font[4], font[5]]));
        let at = (0..tables)
            .map(|i| 12 + 16 * i)
            .find(|&at| &font[at..at + 4] == tag)
            .unwrap();
        font[at..at + 4].copy_from_slice(b"gone");
        font
    }

    #[test]
    fn fonts_lacking_what_setting_and_embedding_need_are_refused_saying_what() {
        let whole = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
            .expect("install fonts-dejavu-core");
        let said = |data: Vec<u8>| {
            let mut found = Vec::new();
            match read_faces(Path::new("fonts/x.ttf"), Arc::new(data), &mut found) {
                Ok(()) => String::from("read"),
                Err(e) => e.message,
            }
        };
        assert_eq!(said(whole.clone()), "read");
        for (tag, says) in [
            (b"hmtx", "`hmtx` table (the glyphs' widths)"),
            (b"loca", "`loca` table"),
            (b"cmap", "`cmap` table"),
            (b"OS/2", "`OS/2` table"),
        ] {
            let message = said(without(&whole, tag));
            assert!(message.contains(says), "{message}");
        }
        // Widths said to be more than the table holds.
        let table = |tag: &[u8; 4]| {
            (0..usize::from(u16::from_be_bytes([whole[4], whole[5]])))
                .map(|i| 12 + 16 * i)
                .find(|&at| &whole[at..at + 4] == tag)
                .map(|at| u32::from_be_bytes(whole[at + 8..at + 12].try_into().unwrap()) as usize)
                .unwrap()
        };
        let hhea = table(b"hhea");
        let mut more = whole.clone();
        more[hhea + 34..hhea + 36].copy_from_slice(&u16::MAX.to_be_bytes());
        assert!(said(more).contains("`hmtx`"));
        // Every width there, and nought: each letter set on the last.
        let (hmtx, metrics) = (
            table(b"hmtx"),
            u16::from_be_bytes([whole[hhea + 34], whole[hhea + 35]]),
        );
        let mut flat = whole.clone();
        for i in 0..usize::from(metrics) {
            flat[hmtx + 4 * i..hmtx + 4 * i + 2].copy_from_slice(&[0, 0]);
        }
        assert!(said(flat).contains("its letters have no width"));
        // A collection naming more faces than any real one is not read.
        let mut many = b"ttcf\0\x01\0\0".to_vec();
        many.extend((MAX_COLLECTION_FACES + 1).to_be_bytes());
        many.resize(12 + 4 * (MAX_COLLECTION_FACES as usize + 1), 0);
        assert!(said(many).contains("a collection of 257 fonts"));
    }

    #[test]
    fn damaged_fonts_are_refused_or_shape_never_a_panic() {
        let whole = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
            .expect("install fonts-dejavu-core");
        let path = Path::new("fonts/x.ttf");
        let mut cases: Vec<Vec<u8>> = [0, 4, 12, 100, 1000, 20_000, 200_000, whole.len() - 1]
            .iter()
            .map(|&n| whole[..n].to_vec())
            .collect();
        // Every byte of the table directory, and a spread of the rest, made 0xFF.
        let stride = whole.len() / 500;
        for at in (0..400).chain((400..whole.len()).step_by(stride)) {
            let mut bent = whole.clone();
            bent[at] = 0xFF;
            cases.push(bent);
        }
        let (mut refused, mut read) = (0, 0);
        for data in cases {
            let mut found = Vec::new();
            match read_faces(path, Arc::new(data.clone()), &mut found) {
                Err(e) => {
                    assert!(
                        e.message.starts_with("the font fonts/x.ttf cannot be used"),
                        "{e}"
                    );
                    refused += 1;
                }
                Ok(()) => {
                    read += 1;
                    let face = Face::new("x".into(), None, FontData::Read(Arc::new(data)), 0);
                    let book = Arc::new(FontBook {
                        id: 1,
                        faces: vec![face],
                        families: Vec::new(),
                        files: Vec::new(),
                    });
                    let shaper = crate::layout::font::Shaper::with_memo(Default::default(), book);
                    shaper.shape(0, "Kazakhstan Қазақстан fi ffl AV");
                }
            }
        }
        assert!(refused > 5 && read > 100, "refused {refused}, read {read}");
    }
}
