//! handbill turns YAML briefings that select sections of a country profile
//! into print-ready PDF leaflets and legal briefing packs.
//!
//! The pipeline, one module per stage, each handing plain data to the next:
//!
//! ```text
//! briefing.yaml ─load─▶ Briefing + Profile ─select─▶ Selection
//!   ─markdown─▶ section markup ─template─▶ layout markup ─markup─▶ Document
//!   ─layout─▶ Pages ─pdf─▶ bytes ─▶ written atomically
//! ```
//!
//! [`Build`] runs it for one briefing; the `cli` module is the command line.

pub mod batch;
pub mod calendar;
pub mod char_ref;
pub mod check_json;
pub mod citations;
pub mod cli;
pub mod colour;
pub mod console;
mod copies;
pub mod document;
pub mod error;
pub mod format;
pub mod init;
pub mod language_tag;
pub mod layout;
pub mod length;
pub mod link;
pub mod load;
pub mod markdown;
pub mod markup;
pub mod model;
pub mod passwords;
pub mod pdf;
pub mod picture;
pub mod preview;
pub mod project;
pub mod qr;
pub mod schema;
#[cfg(test)]
mod scratch;
pub mod script;
mod section_places;
pub mod select;
pub mod template;
pub mod theme;
pub mod watch;
pub mod words;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use error::{Error, ErrorKind, Result, Warning, WarningKind};

/// What building one briefing gives.
#[derive(Debug, Clone)]
pub struct Built {
    /// The briefing's name: its file name without `.yaml`.
    pub name: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Warning>,
    /// How long the build took.
    pub took: std::time::Duration,
    /// How the text was set.
    pub report: layout::Report,
    /// The imposed copy, when the build asked for one.
    pub imposed: Option<Vec<u8>>,
    /// The password the PDF is locked with (`encrypt:`), once it is.
    pub password: Option<model::Password>,
}

/// What a PDF is for (`--profile`): each sets the PDF's colours, marks
/// and standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputProfile {
    /// CMYK, bleed and marks, PDF/X-4: for the print shop.
    #[default]
    Print,
    /// RGB at the finished size: for reading on screen.
    Screen,
    /// PDF/A-2u in RGB: for the society's archive.
    Archive,
}

impl OutputProfile {
    /// The PDF writer's settings for this profile, with the PDF's date
    /// (`SOURCE_DATE_EPOCH`) if there is one. This is the one place that
    /// says what each profile means: a setting that only one profile has
    /// (how far the screen's pictures are brought down, say) is set here.
    pub fn pdf_options(self, date: Option<i64>) -> pdf::PdfOptions {
        pdf::PdfOptions {
            color: match self {
                OutputProfile::Print => pdf::ColorMode::Cmyk,
                OutputProfile::Screen | OutputProfile::Archive => pdf::ColorMode::Rgb,
            },
            marks: self == OutputProfile::Print,
            archival: self == OutputProfile::Archive,
            date,
            // The rest a briefing or a build sets: the screen's resolution,
            // the tuning of long documents, the subsets made ahead.
            ..pdf::PdfOptions::default()
        }
    }
}

/// How a build makes its PDFs: the same for every briefing and copy of a
/// run. The default is CMYK without marks or date; [`BuildOptions::for_profile`]
/// gives what the command line's `--profile` gives.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The PDF writer's settings, as the output profile sets them
    /// ([`OutputProfile::pdf_options`]).
    pub pdf: pdf::PdfOptions,
    /// Also write an imposed copy for the press: `X-imposed.pdf`.
    pub impose: Option<pdf::impose::Imposition>,
}

impl BuildOptions {
    /// The options of an output profile, with the PDF's date if any.
    pub fn for_profile(profile: OutputProfile, date: Option<i64>) -> BuildOptions {
        BuildOptions {
            pdf: profile.pdf_options(date),
            impose: None,
        }
    }

    /// Whether the PDF is for print (CMYK): there a picture too coarse to
    /// print is refused; on screen it only warns.
    pub fn for_print(&self) -> bool {
        self.pdf.color == pdf::ColorMode::Cmyk
    }
}

/// How far `fit: shrink` may set a leaflet's text smaller, in percent.
pub const MIN_SHRINK_PERCENT: u32 = 75;

/// A briefing laid out: the pages and the pictures they show.
#[derive(Debug, Clone)]
pub struct LaidOut {
    pub name: String,
    pub pages: layout::Pages,
    pub pictures: std::collections::BTreeMap<String, picture::Picture>,
    /// The document's own date (the briefing's, or else the profile's), in
    /// seconds since 1970, when it is written as YYYY-MM-DD.
    pub date: Option<i64>,
    /// `screen_ppi:` of the briefing, else of its format.
    pub screen_ppi: Option<f32>,
}

/// One copy of one briefing through the pipeline, set up step by step and
/// then run with [`Build::lay_out`] (up to the pages) or [`Build::pdf`]
/// (the whole pipeline, writing nothing):
///
/// ```no_run
/// use handbill::{Build, OutputProfile};
///
/// let built = Build::new("briefings/legal-delegation-pack.yaml")
///     .recipient(2)
///     .profile(OutputProfile::Screen)
///     .pdf()?;
/// std::fs::write("pack.pdf", &built.pdf).unwrap();
/// # Ok::<(), handbill::Error>(())
/// ```
///
/// The copies of one briefing share its reading: read it once
/// ([`Prepared::read`], or [`Prepared::new`] from a briefing already
/// loaded) and build each copy with [`Build::of`]. A worker that builds
/// many documents (a batch's thread, watch, the preview) keeps one
/// [`layout::LayoutMemo`] and hands it to each ([`Build::memo`]).
#[derive(Clone)]
pub struct Build<'a> {
    briefing: Source<'a>,
    recipient: Option<usize>,
    options: BuildOptions,
    memo: Option<&'a layout::LayoutMemo>,
    /// The password to lock the PDF with, and the project's secret.
    lock: Option<(&'a model::Password, &'a [u8])>,
    /// Whether no other copy will be built from the briefing read.
    last_copy: bool,
}

/// Where a build takes its briefing from.
#[derive(Clone)]
enum Source<'a> {
    File(PathBuf),
    Read(&'a Prepared),
}

impl Build<'static> {
    /// A build of the briefing in `briefing_file`, which it reads when run.
    pub fn new(briefing_file: impl Into<PathBuf>) -> Build<'static> {
        Build::from_source(Source::File(briefing_file.into()))
    }
}

impl<'a> Build<'a> {
    /// A build of a briefing already read.
    pub fn of(prepared: &'a Prepared) -> Build<'a> {
        Build::from_source(Source::Read(prepared))
    }

    fn from_source(briefing: Source<'a>) -> Build<'a> {
        Build {
            briefing,
            recipient: None,
            options: BuildOptions::default(),
            memo: None,
            lock: None,
            last_copy: false,
        }
    }

    /// No other copy will be built from this briefing read ([`Build::of`]):
    /// what only copies need, the template's data, is let go once this
    /// copy's markup is made. A copy of the same [`Prepared`] built after
    /// it fails with an internal error. (A build from a file reads the
    /// briefing for itself, and always lets go.)
    pub fn last_copy(mut self) -> Self {
        self.last_copy = true;
        self
    }

    /// The copy to build: a recipient's, by their place in `recipients:`
    /// (`2`, or `Some(2)`), or the unpersonalised one (`None`, the default).
    pub fn recipient(mut self, recipient: impl Into<Option<usize>>) -> Self {
        self.recipient = recipient.into();
        self
    }

    /// All the options at once, in place of those set before.
    pub fn options(mut self, options: &BuildOptions) -> Self {
        self.options = options.clone();
        self
    }

    /// The output profile's PDF settings (keeping the date set before).
    pub fn profile(mut self, profile: OutputProfile) -> Self {
        self.options.pdf = profile.pdf_options(self.options.pdf.date);
        self
    }

    /// Also make an imposed copy for the press ([`Built::imposed`]).
    pub fn impose(mut self, imposition: pdf::impose::Imposition) -> Self {
        self.options.impose = Some(imposition);
        self
    }

    /// What the worker remembers of the documents it laid out before: a
    /// batch's thread keeps one for all the copies it builds; a session
    /// that rebuilds (watch, the preview) may keep one from one rebuild to
    /// the next. Without it, the build starts from an empty memo.
    pub fn memo(mut self, memo: &'a layout::LayoutMemo) -> Self {
        self.memo = Some(memo);
        self
    }

    /// Locks the PDF with `password` (`encrypt:`, see [`pdf::encrypt`]);
    /// `secret` is the project's ([`passwords::project_secret`]). An
    /// imposed copy is for the press, which gets no encrypted file: it is
    /// dropped, with a warning.
    pub fn encrypt(mut self, password: &'a model::Password, secret: &'a [u8]) -> Self {
        self.lock = Some((password, secret));
        self
    }

    /// Runs every stage up to layout. A copy for print refuses pictures too
    /// coarse to print; one for the screen only warns.
    pub fn lay_out(&self) -> Result<LaidOut> {
        let fresh;
        let memo = match self.memo {
            Some(memo) => memo,
            None => {
                fresh = layout::LayoutMemo::new();
                &fresh
            }
        };
        let print = self.options.for_print();
        match &self.briefing {
            Source::Read(prepared) => {
                lay_out_prepared(prepared, self.recipient, print, memo, self.last_copy)
            }
            Source::File(file) => {
                lay_out_prepared(&Prepared::read(file)?, self.recipient, print, memo, true)
            }
        }
    }

    /// Runs every stage, writing nothing: the PDF's bytes and, if asked,
    /// its imposed copy, locked if asked.
    pub fn pdf(&self) -> Result<Built> {
        let started = std::time::Instant::now();
        let mut built = self.pdf_of(self.lay_out()?)?;
        built.took = started.elapsed();
        Ok(built)
    }

    /// The stages after layout, for `laid` (this build's [`Build::lay_out`]):
    /// the PDF's bytes and, if asked, its imposed copy, locked if asked;
    /// `took` is left to the caller.
    pub fn pdf_of(&self, mut laid: LaidOut) -> Result<Built> {
        let options = &self.options;
        // The PDF's date: SOURCE_DATE_EPOCH, else the document's own date, never
        // the clock, so the same input gives the same bytes.
        let mut pdf_options = options.pdf.clone();
        pdf_options.date = pdf_options.date.or(laid.date);
        pdf_options.screen_ppi = pdf_options.screen_ppi.or(laid.screen_ppi);
        let mut warnings = laid.pages.warnings.clone();
        // A batch may mix leaflets and packs: impose those that fit the sheet.
        let imposed = match options.impose {
            Some(scheme) => {
                match pdf::impose::write_imposed(&laid.pages, &laid.pictures, &pdf_options, scheme)
                {
                    Ok(bytes) => Some(bytes),
                    Err(e) if e.kind == ErrorKind::NoImposition => {
                        let why = format!("{}: not imposed: {}", laid.name, e.message);
                        warnings.push(Warning {
                            help: e.help,
                            ..Warning::new(WarningKind::NotImposed, why)
                        });
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
            None => None,
        };
        let pages = laid.pages.pages.len();
        let report = std::mem::take(&mut laid.pages.report);
        // The last use of the pages: each is dropped once drawn.
        let pdf = pdf::write_owned(laid.pages, &laid.pictures, &pdf_options)?;
        let mut built = Built {
            name: laid.name,
            pages,
            warnings,
            report,
            imposed,
            pdf,
            took: std::time::Duration::ZERO,
            password: None,
        };
        if let Some((password, secret)) = self.lock {
            encrypt(&mut built, password, secret)?;
        }
        Ok(built)
    }
}

/// Everything the copies of one briefing share: read, checked and compiled
/// once, however many recipients the briefing has.
pub struct Prepared {
    pub briefing: model::Briefing,
    pub profile: model::Profile,
    pub selection: select::Selection,
    pub template: template::Template,
    /// The theme it is set in (`theme:`, the project's, or the built-in).
    pub theme: theme::Theme,
    compiled: template::Compiled,
    /// The template's data with no recipient: the sections already turned
    /// into markup. Let go once the briefing's last copy has made its
    /// markup ([`Build::last_copy`]): a long pack does not hold it, as well
    /// as its document, while it is laid out.
    data: std::sync::RwLock<Option<serde_json::Value>>,
    /// What every copy says: a `lang:` read by another code, sections
    /// without a translation, fixed words printed in English.
    warnings: Vec<Warning>,
    /// The faces the theme's families are set in.
    pub fonts: std::sync::Arc<layout::FontBook>,
    /// The last copy's document and pictures, for the next copy.
    alike: copies::CopiesAlike,
}

impl Prepared {
    /// Reads a briefing file and all it draws on, up to the template's data.
    pub fn read(briefing_file: impl AsRef<Path>) -> Result<Prepared> {
        Prepared::new(load::load_briefing(briefing_file.as_ref())?)
    }

    /// Reads all a loaded briefing draws on, up to the template's data.
    pub fn new(mut briefing: model::Briefing) -> Result<Prepared> {
        // Compiling the template does not need the profile: both at once, on
        // two cores. Errors are still reported in the order of the pipeline.
        // On the build's pool, the template is compiled by a free thread
        // (no thread is started for it); elsewhere, on rayon's own.
        let compile = || {
            template::find(&briefing).map(|t| {
                let compiled = template::compile(&t);
                (t, compiled)
            })
        };
        let mut compiling = None;
        let (read, theme) = rayon::in_place_scope(|s| {
            s.spawn(|_| compiling = Some(compile()));
            let read = load::load_profile_for(&briefing).and_then(|profile| {
                let selection = select::select(&briefing, &profile)?;
                Ok((profile, selection))
            });
            // The markup stage will need the theme: read it while waiting.
            let theme = theme::for_briefing(&briefing);
            (read, theme)
        });
        let (profile, selection) = read?;
        // Compiled when the scope ended (which raises a panic of its work
        // again); the fallback is never taken.
        let (template, compiled) = compiling.unwrap_or_else(compile)?;
        let format = format::for_briefing(&briefing)?;
        let theme = theme?;
        briefing.screen_ppi = briefing.screen_ppi.or(format.screen_ppi);
        let lang = briefing.lang.as_deref().unwrap_or(&profile.lang);
        let words = words::Words::for_language(&briefing.project, lang)?;
        let data = template::data(
            &briefing,
            &profile,
            &selection,
            &format,
            &words,
            &template.text,
        )?;
        let compiled = compiled?;
        compiled.check_printed_values(&briefing, &data)?;
        // What reading the briefing and profile found (a `lang: rus`),
        // then what the selection and the words do.
        let mut warnings: Vec<Warning> = (briefing.warnings.iter())
            .chain(&profile.warnings)
            .cloned()
            .collect();
        warnings.extend(select::untranslated_warning(
            &briefing, &profile, &selection,
        ));
        warnings.extend(words.renamed_warnings());
        let fixed = words.warning(&briefing.name, &words::used_in(&template.text));
        warnings.extend(fixed.map(|w| match briefing.lang {
            Some(_) => w.at(briefing.key_location("lang")),
            None => w,
        }));
        // Read on every core: a long pack's profile has thousands of sections.
        let unsupported: Vec<Vec<Warning>> = {
            use rayon::prelude::*;
            (selection.sections.par_iter())
                .map(markdown::unsupported)
                .collect()
        };
        warnings.extend(unsupported.into_iter().flatten());
        let (fonts, font_warnings) =
            layout::FontBook::for_project(&briefing.project, &theme.fonts)?;
        warnings.extend(font_warnings);
        script::refuse_right_to_left(&selection)?;
        Ok(Prepared {
            briefing,
            profile,
            selection,
            template,
            theme,
            compiled,
            data: std::sync::RwLock::new(Some(data)),
            warnings,
            fonts,
            alike: Default::default(),
        })
    }
}

/// Lays out one copy of a prepared briefing (see [`Build::lay_out`]).
fn lay_out_prepared(
    prepared: &Prepared,
    recipient: Option<usize>,
    print: bool,
    memo: &layout::LayoutMemo,
    last_copy: bool,
) -> Result<LaidOut> {
    let Prepared {
        briefing,
        profile,
        selection,
        template,
        theme,
        compiled,
        data,
        warnings,
        fonts,
        alike,
    } = prepared;
    let located_recipient = match recipient {
        None => None,
        Some(i) => Some(
            briefing
                .recipients
                .get(i)
                .ok_or_else(|| Error::new("no such recipient"))?,
        ),
    };
    let recipient = located_recipient.map(|r| &r.value);
    // The last copy takes the data; any other renders a clone of it.
    let data_let_go = || {
        Error::new("the briefing's data was let go before its last copy was built")
            .kind(ErrorKind::Internal)
            .help("this is a bug in handbill, not in your files: please report it")
    };
    let values = match last_copy {
        true => (data.write().unwrap_or_else(|e| e.into_inner())).take(),
        false => (data.read().unwrap_or_else(|e| e.into_inner())).clone(),
    }
    .ok_or_else(data_let_go)?;
    let values = match recipient {
        None => values,
        Some(r) => template::for_recipient(values, r),
    };
    let markup_text = compiled.render(values)?;
    // Sections were checked when read; this is the briefing's own text
    // and the template's.
    if let Some((at, script)) = script::first_right_to_left(&markup_text) {
        // The letter as it is written: itself, or a reference to it.
        let (place, here) = written_in(&markup_text[at], prepared, located_recipient);
        let help = match place {
            Place::Briefing => "give the words in a Latin transliteration",
            Place::Template(_) => "give the template's words in a Latin transliteration",
            Place::Recipient(_) => {
                "give the recipient's name and details in a Latin transliteration"
            }
            Place::Profile => {
                "give the profile's details (its title, sources, captions) in a Latin transliteration"
            }
            Place::Unknown => {
                "give the words of the briefing's values and the profile's details in a Latin transliteration"
            }
        };
        return Err(script::refusal(&place.name(), script).at(here).help(help));
    }
    // The markup reads references too: one that names nothing printable
    // is refused where it is written, as in a section.
    if let Some((_, what)) = char_ref::first_unprintable_in_markup(&markup_text) {
        let (place, here) = written_in(&what.written, prepared, located_recipient);
        return Err(
            Error::new(format!("in {}, {}", place.name(), what.message()))
                .at(here)
                .help(what.help()),
        );
    }
    let document = alike.document(&markup_text, || {
        markup::parse(
            &markup::MarkupSource {
                template: &template.path,
                template_text: &template.text,
                text: &markup_text,
            },
            theme,
        )
        .map_err(|e| section_places::with_section_line(e, &briefing.project, &template.path))
        .map_err(|e| link_from_values(e, briefing, &template.path))
    })?;
    // Parsed (or the last copy's): a long pack's markup need not be held
    // while it is laid out.
    drop(markup_text);
    // Metadata a PDF cannot hold (a language that is not a tag, text too
    // long) is refused before the layout, where it was written.
    if let Some(e) = pdf::metadata::language_fault(&document.lang) {
        // Only a template's own `lang="…"` can be wrong here: `lang:` in a
        // briefing or profile is checked as it is read.
        let at = (template.text.find("<document"))
            .and_then(|d| Some(d + template.text[d..].find(" lang=")? + 1))
            .map_or_else(
                || error::Location::file(&template.path),
                |i| error::Location::at_offset(&template.path, &template.text, i),
            );
        return Err(e.at(at));
    }
    if let Some((field, e)) = pdf::metadata::too_long(&document) {
        let place = section_places::metadata_place(
            field,
            briefing,
            profile,
            &selection.sections,
            &template.path,
        );
        return Err(e.at(place));
    }
    let used = check_pictures(&document, profile, selection, &template.path)
        .map_err(|e| section_places::with_section_line(e, &briefing.project, &template.path))?;
    let pictures = alike.pictures(&used, || {
        select::read_pictures(
            briefing,
            profile,
            selection,
            used.iter().map(String::as_str),
        )
    })?;
    let hyphenation =
        layout::font::Hyphenation::new(briefing.hyphenation.iter().map(String::as_str));
    let mut pages = layout::layout(
        &document,
        &pictures,
        &briefing.name,
        &hyphenation,
        fonts,
        memo,
    );
    if briefing.fit == model::Fit::Shrink {
        // In steps of 2 %, down to 75 %: the first size at which all fits.
        let mut percent = 100;
        while let Err(e) = &pages {
            if e.kind != ErrorKind::Overset || percent <= MIN_SHRINK_PERCENT {
                break;
            }
            percent -= 2;
            let smaller = document.with_fixed_text_scaled(percent as f32 / 100.0);
            pages = layout::layout(
                &smaller,
                &pictures,
                &briefing.name,
                &hyphenation,
                fonts,
                memo,
            );
        }
        if let (Ok(p), true) = (&mut pages, percent < 100) {
            p.warnings.push(
                Warning::new(
                    WarningKind::Shrunk,
                    format!(
                        "{}: the text was set at {percent}% of its size to fit (`fit: shrink`)",
                        briefing.name
                    ),
                )
                .at(briefing.key_location("fit")),
            );
        }
    }
    let pages = pages.map_err(|e| match (e.kind, briefing.fit) {
        (ErrorKind::Overset, model::Fit::Shrink) => Error {
            message: format!(
                "{}, even with the text at {MIN_SHRINK_PERCENT}% of its size",
                e.message
            ),
            help: Some("drop a section from the briefing or shorten one".into()),
            ..e
        },
        _ => e,
    });
    let mut pages = pages
        .map_err(|e| section_places::with_section_line(e, &briefing.project, &template.path))?;
    let watermark = format!("{}: the watermark has ", briefing.name);
    let mut files = section_places::SectionFiles::default();
    for w in &mut pages.warnings {
        section_places::locate_in_section(w, &briefing.project, &mut files);
        // The watermark's letters no font has: at the briefing's `watermark:`.
        if w.kind == WarningKind::MissingGlyph
            && w.location.is_none()
            && briefing.watermark.is_some()
            && w.message.starts_with(&watermark)
        {
            w.location = Some(briefing.key_location("watermark"));
        }
    }
    pages.warnings.extend(selection.allowed.iter().cloned());
    pages.warnings.extend(warnings.iter().cloned());
    if let Some((written, at)) = &document.lang_written {
        (pages.warnings).push(template.lang_renamed(written, &document.lang, at.clone()));
    }
    check_resolution(&mut pages, (briefing, profile), &pictures, print)?;
    Ok(LaidOut {
        name: match recipient {
            Some(r) => r.copy_name(&briefing.name),
            None => briefing.name.clone(),
        },
        pages,
        pictures,
        date: briefing
            .date
            .as_deref()
            .and_then(epoch_of_date)
            .or_else(|| epoch_of_date(&profile.date)),
        screen_ppi: briefing.screen_ppi,
    })
}

/// Where text of one copy's markup that no section wrote came from.
enum Place<'a> {
    Briefing,
    Template(&'a Path),
    Recipient(&'a str),
    Profile,
    /// Written as an escape in the briefing, or from the profile.
    Unknown,
}

impl Place<'_> {
    fn name(&self) -> String {
        match self {
            Place::Briefing => "the briefing".into(),
            Place::Template(path) => format!("the template {}", path.display()),
            Place::Recipient(name) => format!("the recipient “{name}”"),
            Place::Profile => "the profile".into(),
            Place::Unknown => "the briefing's text".into(),
        }
    }
}

/// The first place `written` (as it is in the markup) is written in: the
/// briefing, the template, the recipient's line, the profile.
fn written_in<'a>(
    written: &str,
    prepared: &'a Prepared,
    recipient: Option<&'a model::Located<model::Recipient>>,
) -> (Place<'a>, error::Location) {
    let Prepared {
        briefing,
        profile,
        template,
        ..
    } = prepared;
    let at = error::Location::at_offset;
    if let Some(i) = briefing.text.find(written) {
        return (Place::Briefing, at(&briefing.file, &briefing.text, i));
    }
    if let Some(i) = template.text.find(written) {
        return (
            Place::Template(&template.path),
            at(&template.path, &template.text, i),
        );
    }
    if let Some(r) = recipient.filter(|r| format!("{:?}", r.value).contains(written)) {
        return (Place::Recipient(&r.value.name), r.location.clone());
    }
    let text = project::read_again(&profile.file, load::MAX_TEXT_BYTES);
    match text.find(written) {
        Some(i) => (Place::Profile, at(&profile.file, &text, i)),
        None => (Place::Unknown, error::Location::file(&briefing.file)),
    }
}

/// A link or QR target the layout refused often comes from the briefing's
/// `values:` (a leaflet's `qr:`): then the error points at that value.
fn link_from_values(error: Error, briefing: &model::Briefing, template: &Path) -> Error {
    fn strings<'a>(value: &'a serde_json::Value, path: String, out: &mut Vec<(String, &'a str)>) {
        match value {
            serde_json::Value::String(s) => out.push((path, s)),
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    strings(v, format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    strings(v, format!("{path}.{k}"), out);
                }
            }
            _ => {}
        }
    }
    if error.kind != ErrorKind::LinkTarget {
        return error;
    }
    let mut values = Vec::new();
    strings(&briefing.values, "values".into(), &mut values);
    let culprit = values
        .into_iter()
        .find_map(|(path, value)| match link::check(value) {
            Err(why) if error.message.contains(&why) => Some((path, why)),
            _ => None,
        });
    let Some((path, why)) = culprit else {
        return error;
    };
    Error::new(format!("`{path}`: {why}"))
        .at(briefing.value_location(&path))
        .help(format!(
            "template {} makes this value a link or QR code, which may go to {}",
            template.display(),
            link::ALLOWED
        ))
        .kind(ErrorKind::LinkTarget)
}

/// Print needs pictures of enough pixels for their printed size: under
/// 300 ppi is a warning, under 150 an error unless the briefing allows it.
pub const GOOD_PPI: f32 = 300.0;
pub const LEAST_PPI: f32 = 150.0;

fn check_resolution(
    pages: &mut layout::Pages,
    (briefing, profile): (&model::Briefing, &model::Profile),
    pictures: &std::collections::BTreeMap<String, picture::Picture>,
    print: bool,
) -> Result<()> {
    let allowed = briefing.allow.contains(&model::Allowance::LowResolution) || !print;
    // A picture on many pages at one resolution (a logo in every page's
    // head) is one warning naming its pages, its entry found once.
    let mut groups: Vec<((String, f32), Vec<usize>)> = Vec::new();
    let mut group_of = std::collections::HashMap::new();
    let file_of = |key: &str| {
        (pictures.get(key))
            .map(|p| p.asset.file.clone())
            .unwrap_or_default()
    };
    for (key, page, ppi) in &pages.resolutions {
        // Down: 299.6 ppi is not yet 300.
        let ppi = ppi.floor();
        if ppi < LEAST_PPI && !allowed {
            let file = file_of(key);
            let error = Error::new(format!(
                "picture `{key}` ({file}) prints at {ppi:.0} ppi on page {}; print needs {GOOD_PPI:.0}, and under {LEAST_PPI:.0} it looks blurred",
                page + 1
            ))
            .help("use a larger original, print the picture smaller, or add `allow: [low-resolution]` to the briefing if that is acceptable");
            // The logo is the briefing's own: point at its `logo:` line.
            return Err(match (&briefing.logo, key.as_str()) {
                (Some(logo), "logo") => error.at(logo.location.clone()),
                _ => error.at(section_places::picture_entry(profile, key)),
            });
        }
        if ppi < GOOD_PPI {
            let at = *group_of
                .entry((key.clone(), ppi.to_bits()))
                .or_insert_with(|| {
                    groups.push(((key.clone(), ppi), Vec::new()));
                    groups.len() - 1
                });
            groups[at].1.push(page + 1);
        }
    }
    for ((key, ppi), on) in groups {
        let file = file_of(&key);
        let warning = Warning::new(
            WarningKind::LowResolution,
            format!(
                "{}: picture `{key}` ({file}) prints at {ppi:.0} ppi on {}; {GOOD_PPI:.0} is best for print{}",
                briefing.name,
                pages_named(&on),
                match (print, allowed) {
                    (false, _) => " (this is a screen PDF)",
                    (true, true) => " (allowed by the briefing)",
                    (true, false) => "",
                }
            ),
        );
        pages.warnings.push(match (&briefing.logo, key.as_str()) {
            (Some(logo), "logo") => warning.at(logo.location.clone()),
            _ => warning.at(section_places::picture_entry(profile, &key)),
        });
    }
    Ok(())
}

/// Pages by their numbers, for a message: "page 3", "pages 1, 4 and 9",
/// "50 pages, 1 to 50".
fn pages_named(numbers: &[usize]) -> String {
    match numbers {
        [] => String::new(),
        [one] => format!("page {one}"),
        [some @ .., last] if numbers.len() <= 5 => {
            let some: Vec<String> = some.iter().map(usize::to_string).collect();
            format!("pages {} and {last}", some.join(", "))
        }
        [first, .., last] => format!("{} pages, {first} to {last}", numbers.len()),
    }
}

/// The pictures the layout places; each must be one the briefing may show.
fn check_pictures(
    document: &document::Document,
    profile: &model::Profile,
    selection: &select::Selection,
    template: &Path,
) -> Result<Vec<String>> {
    // Each picture with the section line that places it, if a section does.
    type Placed<'a> = (&'a str, Option<&'a document::SourceRef>);
    fn walk<'a>(blocks: &'a [document::Block], out: &mut Vec<Placed<'a>>) {
        for b in blocks {
            match &b.kind {
                document::BlockKind::Figure { image, .. } => out.push((image, b.source.as_ref())),
                document::BlockKind::Quote(c) | document::BlockKind::Boxed(c) => walk(c, out),
                document::BlockKind::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
    }
    let mut keys = Vec::new();
    for blocks in document.flows.values() {
        walk(blocks, &mut keys);
    }
    for (key, written) in &keys {
        if selection.images.contains_key(*key) {
            continue;
        }
        let err = match profile.images.get(*key) {
            Some(asset) => Error::new(format!(
                "picture `{key}` is for the {} audience; it may not appear in this briefing",
                asset.audience
            ))
            .help("choose a picture whose audience includes this briefing's readers"),
            None => {
                let keys: Vec<&str> = profile.images.keys().map(String::as_str).collect();
                let help = match error::did_you_mean(key, keys.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the profile's pictures are: {}", keys.join(", ")),
                };
                let placer = match written {
                    Some(_) => "the section shows",
                    None => "the layout places",
                };
                Error::new(format!(
                    "{placer} picture `{key}`, which profile `{}` does not have",
                    profile.name
                ))
                .help(help)
            }
        };
        // A section's `![caption](key)` is pointed at where it is written.
        let at = written.map_or_else(|| error::Location::file(template), |s| s.location());
        return Err(err.at(at));
    }
    Ok(keys.into_iter().map(|(key, _)| key.to_string()).collect())
}

/// Locks a built copy with its password (see [`Build::encrypt`]).
fn encrypt(built: &mut Built, password: &model::Password, secret: &[u8]) -> Result<()> {
    let keys = pdf::encrypt::Keys::derive(password.reveal(), secret, &built.name)
        .map_err(|e| Error::new(format!("{}: {e}", built.name)))?;
    built.pdf = pdf::encrypt::encrypt(&built.pdf, &keys)
        .map_err(|e| Error::new(format!("the PDF could not be encrypted: {e}")))?;
    if built.imposed.take().is_some() {
        built.warnings.push(Warning::new(
            WarningKind::NotImposed,
            format!(
                "{}: not imposed: an encrypted copy is for reading on screen, not for the press",
                built.name
            ),
        ));
    }
    built.password = Some(password.clone());
    Ok(())
}

/// Seconds since 1970 at midnight UTC of a `YYYY-MM-DD` date; none for a
/// date in another form or not a real day (which loading refuses).
pub fn epoch_of_date(date: &str) -> Option<i64> {
    calendar::parse(date)
        .ok()
        .filter(|d| d.iso)
        .and_then(|d| d.epoch())
}

/// Writes `bytes` to `path` so that the path holds either the old file or
/// the whole new one, never a part: write a temporary file beside it, then
/// rename it over. A killed or failed build leaves the old PDF.
///
/// The temporary file is always a new file (`O_EXCL`): a name that exists,
/// even as a symlink someone planted, is never opened, and the next name is
/// tried. The rename replaces a link at `path` itself, never its target.
///
/// There is no fsync: it cost about 25 ms a file here, more than building
/// a leaflet. After a power cut (not a crash) the newest PDF may be lost;
/// ext4 and most file systems flush a file renamed over another, and the
/// next build remakes it. See docs/decisions.md.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", &e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut file) = create_temporary(dir, &name)?;
    let result = file.write_all(bytes).and_then(|()| {
        drop(file);
        std::fs::rename(&tmp, path)
    });
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, "write", &e)
    })
}

/// How many names [`create_temporary`] tries before it gives up.
pub const TEMPORARY_ATTEMPTS: u32 = 64;

/// A new, empty temporary file in `dir` for the file `name`:
/// `.NAME.PID.tmp`, else `.NAME.N-PID.tmp` for N = 1, 2 … The process id
/// stays last, so a later build can tell whose it was.
pub fn temporary_name(dir: &Path, name: &str, attempt: u32) -> std::path::PathBuf {
    let pid = std::process::id();
    match attempt {
        0 => dir.join(format!(".{name}.{pid}.tmp")),
        n => dir.join(format!(".{name}.{n}-{pid}.tmp")),
    }
}

fn create_temporary(dir: &Path, name: &str) -> Result<(std::path::PathBuf, std::fs::File)> {
    let mut last = None;
    for attempt in 0..TEMPORARY_ATTEMPTS {
        let tmp = temporary_name(dir, name, attempt);
        // create_new: O_CREAT | O_EXCL, which never follows a symlink.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(tmp),
            Err(e) => return Err(Error::io(&tmp, "create the temporary file", &e)),
        }
    }
    let last = last.unwrap_or_else(|| dir.to_path_buf());
    Err(Error::new(format!(
        "could not write {name}: the {TEMPORARY_ATTEMPTS} temporary names handbill tries in {} are all taken (the last was {})",
        dir.display(),
        last.display()
    ))
    .help("remove the files named `.NAME.….tmp` from the output folder, and check who put them there"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> crate::scratch::Scratch {
        crate::scratch::Scratch::new("lib", name)
    }

    #[test]
    fn pages_are_named_in_few_words_however_many() {
        assert_eq!(pages_named(&[3]), "page 3");
        assert_eq!(pages_named(&[1, 4, 9]), "pages 1, 4 and 9");
        let all: Vec<usize> = (1..=2000).collect();
        assert_eq!(pages_named(&all), "2000 pages, 1 to 2000");
    }

    #[test]
    fn planted_links_at_the_temporary_names_are_never_followed() {
        let d = folder("links");
        let out = d.join("out");
        std::fs::create_dir_all(&out).unwrap();
        let victim = d.join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        // A link at every name but the last, to a file that exists and
        // (dangling) to one that does not.
        for attempt in 0..TEMPORARY_ATTEMPTS - 1 {
            let target = if attempt % 2 == 0 {
                victim.clone()
            } else {
                d.join(format!("created-{attempt}"))
            };
            std::os::unix::fs::symlink(&target, temporary_name(&out, "b.pdf", attempt)).unwrap();
        }
        write_atomically(&out.join("b.pdf"), b"%PDF new").unwrap();
        assert_eq!(std::fs::read(out.join("b.pdf")).unwrap(), b"%PDF new");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        for attempt in 0..TEMPORARY_ATTEMPTS - 1 {
            let tmp = temporary_name(&out, "b.pdf", attempt);
            assert!(tmp.symlink_metadata().unwrap().is_symlink(), "{tmp:?}");
            assert!(!d.join(format!("created-{attempt}")).exists());
        }
        assert!(!temporary_name(&out, "b.pdf", TEMPORARY_ATTEMPTS - 1).exists());
    }

    #[test]
    fn every_temporary_name_taken_is_an_error_and_writes_nothing() {
        let d = folder("taken");
        let victim = d.join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        for attempt in 0..TEMPORARY_ATTEMPTS {
            std::os::unix::fs::symlink(&victim, temporary_name(&d, "m.txt", attempt)).unwrap();
        }
        let err = write_atomically(&d.join("m.txt"), b"new").unwrap_err();
        assert!(err.message.contains("temporary names"), "{err}");
        assert!(!d.join("m.txt").exists());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    }

    #[test]
    fn a_link_at_the_output_is_replaced_not_followed() {
        let d = folder("output-link");
        let victim = d.join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let out = d.join("b.pdf");
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write_atomically(&out, b"%PDF new").unwrap();
        assert!(!out.symlink_metadata().unwrap().is_symlink());
        assert_eq!(std::fs::read(&out).unwrap(), b"%PDF new");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    }
}
