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
//! [`build`] runs it for one briefing; the `cli` module is the command line.

pub mod batch;
pub mod cli;
pub mod error;
pub mod format;
pub mod layout;
pub mod load;
pub mod markdown;
pub mod markup;
pub mod model;
pub mod pdf;
pub mod qr;
pub mod select;
pub mod template;
pub mod theme;
pub mod watch;

use std::io::Write;
use std::path::Path;

pub use error::{Error, Result};

/// What building one briefing gives.
#[derive(Debug, Clone)]
pub struct Built {
    /// The briefing's name: its file name without `.yaml`.
    pub name: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<String>,
    /// How long the build took.
    pub took: std::time::Duration,
    /// How the text was set.
    pub report: layout::Report,
    /// The imposed copy, when the build asked for one.
    pub imposed: Option<Vec<u8>>,
}

/// Options that apply to every briefing of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub pdf: pdf::PdfOptions,
    /// Also write an imposed copy for the press: `X-imposed.pdf`.
    pub impose: Option<pdf::impose::Imposition>,
}

/// How far `fit: shrink` may set a leaflet's text smaller, in percent.
pub const MIN_SHRINK_PERCENT: u32 = 75;

/// A briefing laid out: the pages and the pictures they show.
#[derive(Debug, Clone)]
pub struct LaidOut {
    pub name: String,
    pub pages: layout::Pages,
    pub pictures: std::collections::BTreeMap<String, select::Picture>,
    /// The document's own date (the briefing's, or else the profile's), in
    /// seconds since 1970, when it is written as YYYY-MM-DD.
    pub date: Option<i64>,
}

/// Runs every stage up to layout for one briefing file.
pub fn lay_out(briefing_file: &Path) -> Result<LaidOut> {
    lay_out_copy(briefing_file, None)
}

/// Runs every stage up to layout for one copy of a briefing: the recipient's
/// (by their place in `recipients:`), or the unpersonalised one.
pub fn lay_out_copy(briefing_file: &Path, recipient: Option<usize>) -> Result<LaidOut> {
    lay_out_for(briefing_file, recipient, true)
}

/// Everything the copies of one briefing share: read, checked and compiled
/// once, however many recipients the briefing has.
pub struct Prepared {
    pub briefing: model::Briefing,
    pub profile: model::Profile,
    pub selection: select::Selection,
    pub template: template::Template,
    compiled: template::Compiled,
    /// The template's data with no recipient: the sections already turned
    /// into markup.
    data: serde_json::Value,
}

/// Reads a briefing and all it draws on, up to the template's data.
pub fn prepare(briefing_file: &Path) -> Result<Prepared> {
    let briefing = load::load_briefing(briefing_file)?;
    // Compiling the template does not need the profile: both at once, on
    // two cores. Errors are still reported in the order of the pipeline.
    let (read, compiling) = std::thread::scope(|s| {
        let compiling = s.spawn(|| {
            template::find(&briefing).map(|t| {
                let compiled = template::compile(&t);
                (t, compiled)
            })
        });
        let read = load::load_profile_for(&briefing).and_then(|profile| {
            let selection = select::select(&briefing, &profile)?;
            Ok((profile, selection))
        });
        // The markup stage will need the theme: read it while waiting.
        theme::Theme::shared();
        let compiling = compiling
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, compiling)
    });
    let (profile, selection) = read?;
    let (template, compiled) = compiling?;
    let format = format::for_briefing(&briefing)?;
    let data = template::data(&briefing, &profile, &selection, &format)?;
    let compiled = compiled?;
    Ok(Prepared {
        briefing,
        profile,
        selection,
        template,
        compiled,
        data,
    })
}

/// [`lay_out_copy`], saying whether the copy is for print (where pictures
/// too coarse to print are refused; on screen they only warn).
pub fn lay_out_for(briefing_file: &Path, recipient: Option<usize>, print: bool) -> Result<LaidOut> {
    lay_out_prepared(&prepare(briefing_file)?, recipient, print)
}

/// Lays out one copy of a prepared briefing.
pub fn lay_out_prepared(
    prepared: &Prepared,
    recipient: Option<usize>,
    print: bool,
) -> Result<LaidOut> {
    let Prepared {
        briefing,
        profile,
        selection,
        template,
        compiled,
        data,
    } = prepared;
    let recipient = match recipient {
        None => None,
        Some(i) => Some(
            &briefing
                .recipients
                .get(i)
                .ok_or_else(|| Error::new("no such recipient"))?
                .value,
        ),
    };
    let markup_text = match recipient {
        None => compiled.render(data.clone())?,
        Some(r) => compiled.render(template::for_recipient(data, r))?,
    };
    let theme = theme::Theme::shared();
    let document = markup::parse(
        &markup::MarkupSource {
            template: &template.path,
            text: &markup_text,
        },
        theme,
    )?;
    let used = check_pictures(&document, profile, selection, &template.path)?;
    let pictures = select::read_pictures(
        briefing,
        profile,
        selection,
        used.iter().map(String::as_str),
    )?;
    let hyphenation =
        layout::font::Hyphenation::new(briefing.hyphenation.iter().map(String::as_str));
    let mut pages = layout::layout(&document, &pictures, &briefing.name, &hyphenation);
    if briefing.fit == model::Fit::Shrink {
        // In steps of 2 %, down to 75 %: the first size at which all fits.
        let mut percent = 100;
        while let Err(e) = &pages {
            if e.code != Some("overset") || percent <= MIN_SHRINK_PERCENT {
                break;
            }
            percent -= 2;
            let smaller = document.with_fixed_text_scaled(percent as f32 / 100.0);
            pages = layout::layout(&smaller, &pictures, &briefing.name, &hyphenation);
        }
        if let (Ok(p), true) = (&mut pages, percent < 100) {
            p.warnings.push(format!(
                "{}: the text was set at {percent}% of its size to fit (`fit: shrink`)",
                briefing.name
            ));
        }
    }
    let pages = pages.map_err(|e| match (e.code, briefing.fit) {
        (Some("overset"), model::Fit::Shrink) => Error {
            message: format!(
                "{}, even with the text at {MIN_SHRINK_PERCENT}% of its size",
                e.message
            ),
            help: Some("drop a section from the briefing or shorten one".into()),
            ..e
        },
        _ => e,
    })?;
    let mut pages = pages;
    pages.warnings.extend(selection.allowed.iter().cloned());
    check_resolution(&mut pages, briefing, &pictures, print)?;
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
    })
}

/// Print needs pictures of enough pixels for their printed size: under
/// 300 ppi is a warning, under 150 an error unless the briefing allows it.
pub const GOOD_PPI: f32 = 300.0;
pub const LEAST_PPI: f32 = 150.0;

fn check_resolution(
    pages: &mut layout::Pages,
    briefing: &model::Briefing,
    pictures: &std::collections::BTreeMap<String, select::Picture>,
    print: bool,
) -> Result<()> {
    let allowed = briefing.allow.contains(&model::Allowance::LowResolution) || !print;
    for (key, page, ppi) in pages.resolutions.clone() {
        let file = pictures
            .get(&key)
            .map(|p| p.asset.file.clone())
            .unwrap_or_default();
        if ppi < LEAST_PPI && !allowed {
            let error = Error::new(format!(
                "picture `{key}` ({file}) prints at {ppi:.0} ppi on page {}; print needs {GOOD_PPI:.0}, and under {LEAST_PPI:.0} it looks blurred",
                page + 1
            ))
            .help("use a larger original, print the picture smaller, or add `allow: [low-resolution]` to the briefing if that is acceptable");
            // The logo is the briefing's own: point at its `logo:` line.
            return Err(match (&briefing.logo, key.as_str()) {
                (Some(logo), "logo") => error.at(logo.location.clone()),
                _ => error,
            });
        }
        if ppi < GOOD_PPI {
            pages.warnings.push(format!(
                "{}: picture `{key}` ({file}) prints at {ppi:.0} ppi on page {}; {GOOD_PPI:.0} is best for print{}",
                briefing.name,
                page + 1,
                if allowed { " (allowed by the briefing)" } else { "" }
            ));
        }
    }
    Ok(())
}

/// The pictures the layout places; each must be one the briefing may show.
fn check_pictures(
    document: &markup::Document,
    profile: &model::Profile,
    selection: &select::Selection,
    template: &Path,
) -> Result<Vec<String>> {
    fn walk<'a>(blocks: &'a [markup::Block], out: &mut Vec<&'a str>) {
        for b in blocks {
            match &b.kind {
                markup::BlockKind::Figure { image, .. } => out.push(image),
                markup::BlockKind::Quote(c) | markup::BlockKind::Boxed(c) => walk(c, out),
                markup::BlockKind::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
    }
    let mut keys = Vec::new();
    for blocks in document.flows.values() {
        walk(blocks, &mut keys);
    }
    for key in &keys {
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
                Error::new(format!(
                    "the layout places picture `{key}`, which profile `{}` does not have",
                    profile.name
                ))
                .help(help)
            }
        };
        return Err(err.at(error::Location::file(template)));
    }
    Ok(keys.into_iter().map(str::to_string).collect())
}

/// Runs every stage for one briefing file, writing nothing.
pub fn build(briefing_file: &Path, options: &BuildOptions) -> Result<Built> {
    build_copy(briefing_file, None, options)
}

/// Builds one copy of a briefing (see [`lay_out_copy`]), writing nothing.
pub fn build_copy(
    briefing_file: &Path,
    recipient: Option<usize>,
    options: &BuildOptions,
) -> Result<Built> {
    let started = std::time::Instant::now();
    let prepared = prepare(briefing_file)?;
    build_prepared(&prepared, recipient, options, started)
}

/// Builds one copy of a prepared briefing, writing nothing. `started` is
/// when the build began, for the time it reports.
pub fn build_prepared(
    prepared: &Prepared,
    recipient: Option<usize>,
    options: &BuildOptions,
    started: std::time::Instant,
) -> Result<Built> {
    let laid = lay_out_prepared(
        prepared,
        recipient,
        options.pdf.color == pdf::ColorMode::Cmyk,
    )?;
    // The PDF's date: SOURCE_DATE_EPOCH, else the document's own date, never
    // the clock, so the same input gives the same bytes.
    let mut pdf_options = options.pdf.clone();
    pdf_options.date = pdf_options.date.or(laid.date);
    let pdf = pdf::write(&laid.pages, &laid.pictures, &pdf_options)?;
    let mut warnings = laid.pages.warnings.clone();
    // A batch may mix leaflets and packs: impose those that fit the sheet.
    let imposed = match options.impose {
        Some(scheme) => {
            match pdf::impose::write_imposed(&laid.pages, &laid.pictures, &pdf_options, scheme) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.code == Some("no-imposition") => {
                    warnings.push(format!("{}: not imposed: {}", laid.name, e.message));
                    None
                }
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    Ok(Built {
        name: laid.name,
        pages: laid.pages.pages.len(),
        warnings,
        report: laid.pages.report,
        imposed,
        pdf,
        took: started.elapsed(),
    })
}

/// Seconds since 1970 at midnight UTC of a `YYYY-MM-DD` date.
pub fn epoch_of_date(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.get(..2)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=9999).contains(&y) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// Writes `bytes` to `path` so that the path holds either the old file or
/// the whole new one, never a part: write a temporary file beside it, then
/// rename it over. A killed or failed build leaves the old PDF.
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
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, "write", &e)
    })
}
