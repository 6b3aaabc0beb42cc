//! The command line: build, check, list, new, watch, init, schema, theme,
//! completions, man.
//!
//! Exit codes: 0 when everything built (or checked) cleanly, 1 when some
//! briefing failed, 2 when the command itself was wrong (a bad option, a
//! path that does not exist).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::BuildOptions;
pub use crate::OutputProfile;
use crate::batch::{self, Batch, Outcome, Shard};
use crate::console::{err, errln, out, outln};
use crate::error::{Error, ErrorKind, Result, Warning, WarningKind, printable};

mod check;
mod list;

#[derive(Debug, Parser)]
#[command(
    name = "handbill",
    version,
    about = "Builds print-ready PDF leaflets and briefing packs from YAML briefings over a country profile.",
    after_help = "Run `handbill help build` (or check, list, new, watch, init…) for the options of each command; `handbill init DIR` starts a project."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour errors and warnings: `auto` on a terminal (not when
    /// NO_COLOR is set; CLICOLOR_FORCE colours even a pipe), `always`, `never`.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = Colour::Auto)]
    pub color: Colour,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

impl Colour {
    /// Whether messages to the standard error are coloured: `auto` colours
    /// a terminal only, and never with NO_COLOR set (no-color.org);
    /// CLICOLOR_FORCE colours even a pipe (bixense.com/clicolors).
    pub fn for_stderr(self) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        match self {
            Colour::Always => true,
            Colour::Never => false,
            Colour::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
            Colour::Auto => set("CLICOLOR_FORCE") || std::io::stderr().is_terminal(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build briefings into PDFs: each briefing X.yaml becomes OUT/X.pdf.
    #[command(after_help = "Examples:
  handbill build                          every briefing in briefings/ into out/
  handbill build briefings/london-protest-leaflet.yaml --out print/
  handbill build 'briefings/*-pack.yaml' --force
  handbill build --profile screen         RGB colours, for reading on screen
  handbill build --shard 2/4              the second of four slices of a big batch")]
    Build {
        #[command(flatten)]
        common: Common,
        /// Rebuild even the PDFs whose inputs have not changed.
        #[arg(long)]
        force: bool,
        /// Also write X-imposed.pdf for the press: `2up` (A5 on SRA4, a DL
        /// tri-fold on SRA3) or `4up` (A6 on SRA4, A5 on SRA3), copies step
        /// and repeat, with cut marks.
        #[arg(long, value_name = "2up|4up")]
        impose: Option<crate::pdf::impose::Imposition>,
        /// Build only the K-th of N slices of the briefings (e.g. 2/4).
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,
        /// How many briefings to build at once (default: every core).
        #[arg(long, short, value_name = "N", value_parser = jobs_given, allow_negative_numbers = true)]
        jobs: Option<usize>,
        /// Print only errors.
        #[arg(long, short)]
        quiet: bool,
        /// Also print the PDFs that were up to date and the time each took.
        #[arg(long, short)]
        verbose: bool,
        /// Print the typesetting report: overfull and loose lines, widows
        /// and orphans, hyphenation.
        #[arg(long)]
        report: bool,
        /// Also print the password of each encrypted copy built (they are
        /// in OUT/BRIEFING-passwords.csv either way).
        #[arg(long)]
        show_passwords: bool,
    },
    /// Check briefings as a build would, writing nothing.
    #[command(after_help = "Examples:
  handbill check
  handbill check briefings/legal-delegation-pack.yaml --format json")]
    Check {
        /// Briefing files, folders of them, or quoted patterns (default: briefings/).
        paths: Vec<PathBuf>,
        /// `text` for people, `json` for other programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print the typesetting report of each briefing.
        #[arg(long)]
        report: bool,
    },
    /// List the profiles and their sections, the templates, the formats and the fonts.
    #[command(after_help = "Examples:
  handbill list
  handbill list sections")]
    List {
        /// What to list (default: everything).
        #[arg(value_enum)]
        what: Option<ListWhat>,
    },
    /// Start a new briefing that builds as it is: briefings/NAME.yaml.
    #[command(after_help = "Examples:
  handbill new leaflet march-rally
  handbill new pack geneva-delegation")]
    New {
        /// `leaflet` (A5, two pages) or `pack` (A4 briefing pack).
        #[arg(value_enum)]
        kind: NewKind,
        /// The briefing's name: letters, digits and hyphens.
        name: String,
        /// The sheet, e.g. `a5`, `dl-trifold` (`handbill list formats`).
        #[arg(long, value_name = "NAME")]
        format: Option<String>,
        /// A built-in template or a .hbs file of the project.
        #[arg(long, value_name = "NAME|FILE")]
        template: Option<String>,
        /// The profile to draw on (default: the first in briefings/profiles/).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// The briefing's language, e.g. `ru` (default: the profile's).
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
    },
    /// Start a new project that builds as it is, in DIR (new or empty).
    #[command(after_help = "Examples:
  handbill init my-campaign && cd my-campaign && handbill build
  handbill init . --profile chile")]
    Init {
        /// The folder to make the project in; it must be new or empty.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The name of the profile folder to start.
        #[arg(long, value_name = "NAME", default_value = "country")]
        profile: String,
    },
    /// Print the JSON Schema of a kind of file, for editors (docs/editors.md).
    #[command(after_help = "Examples:
  handbill schema briefing > schemas/briefing.schema.json")]
    Schema {
        #[arg(value_enum)]
        kind: crate::schema::Kind,
    },
    /// List the project's themes, or print one to start a theme from
    /// (docs/theme.md).
    #[command(after_help = "Examples:
  handbill theme
  handbill theme --print > themes/default.yaml
  handbill theme --print brand")]
    Theme {
        /// Print a theme's YAML: the built-in one, or NAME with every theme
        /// it extends merged in.
        #[arg(long)]
        print: bool,
        /// A theme of the project (`brand` for themes/brand.yaml), or `builtin`.
        #[arg(requires = "print")]
        name: Option<String>,
    },
    /// Print the shell completions of handbill.
    #[command(after_help = "Examples:
  handbill completions bash > ~/.local/share/bash-completion/completions/handbill
  handbill completions fish > ~/.config/fish/completions/handbill.fish")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print handbill's man page (roff).
    #[command(after_help = "Examples:
  handbill man > handbill.1 && man ./handbill.1")]
    Man,
    /// Rebuild a briefing's PDFs as soon as a file it was built from
    /// changes (its profile, pictures, template, format, recipients) or a
    /// new briefing appears.
    #[command(after_help = "Examples:
  handbill watch
  handbill watch briefings/london-protest-leaflet.yaml --out proofs/
  handbill watch --profile screen --no-clear")]
    Watch {
        #[command(flatten)]
        common: Common,
        /// Rebuild even the PDFs whose inputs have not changed.
        #[arg(long)]
        force: bool,
        /// Print only errors and the PDFs left out of date.
        #[arg(long, short)]
        quiet: bool,
        /// Print the typesetting report of each PDF built.
        #[arg(long)]
        report: bool,
        /// Keep what was printed before each rebuild, instead of clearing
        /// the terminal.
        #[arg(long)]
        no_clear: bool,
    },
    /// Show the briefings' pages in the browser, redrawn as soon as a
    /// file they were built from changes.
    #[command(after_help = "Examples:
  handbill preview
  handbill preview briefings/london-protest-leaflet.yaml --port 8080 --no-open
  handbill preview --editor \"code -g {file}:{line}\"")]
    #[command(
        about = "Show the briefings' pages in the browser, redrawn as soon as a file they were built from changes",
        after_help = "Examples:
  handbill preview
  handbill preview briefings/london-protest-leaflet.yaml --port 8080 --no-open
  handbill preview --editor \"code -g {file}:{line}\""
    )]
    Preview(crate::preview::Settings),
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Briefing files, folders of them, or quoted patterns (default: briefings/).
    pub paths: Vec<PathBuf>,
    /// The folder to write the PDFs to.
    #[arg(long, short, default_value = "out")]
    pub out: PathBuf,
    /// `print`: CMYK, bleed and marks, PDF/X-4, for the print shop;
    /// `screen`: RGB at the finished size; `archive`: PDF/A-2u for keeping.
    #[arg(long, value_enum, default_value_t = OutputProfile::Print)]
    pub profile: OutputProfile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    Profiles,
    Sections,
    Templates,
    Formats,
    Fonts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Leaflet,
    Pack,
}

/// Runs the command line; returns the process's exit code.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && check::wants_json(&args) => {
            out!("{}", check::usage_json(&e));
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let colour = cli.color.for_stderr();
    let result = match cli.command {
        Command::Build {
            common,
            force,
            shard,
            jobs,
            quiet,
            verbose,
            report,
            impose,
            show_passwords,
        } => {
            let verbosity = if quiet {
                Verbosity::Quiet
            } else if verbose {
                Verbosity::Verbose
            } else {
                Verbosity::Normal
            };
            let printing = Printing {
                verbosity,
                report,
                show_passwords,
                colour,
            };
            crate::project::enter(&common.paths).and_then(|paths| {
                let common = Common { paths, ..common };
                run_build(&common, force, shard, jobs, printing, impose)
            })
        }
        Command::Check {
            paths,
            format,
            report,
        } => check::run(crate::project::enter(&paths), format, report, colour),
        Command::List { what } => crate::project::enter(&[]).and_then(|_| list::run(what)),
        Command::New {
            kind,
            name,
            format,
            template,
            profile,
            lang,
        } => crate::project::enter(&[]).and_then(|_| {
            run_new(&crate::init::NewBriefing {
                pack: kind == NewKind::Pack,
                name,
                format,
                template,
                profile,
                lang,
            })
        }),
        Command::Watch {
            common,
            force,
            quiet,
            report,
            no_clear,
        } => crate::project::enter(&common.paths).and_then(|paths| {
            crate::watch::run(
                &crate::watch::Settings {
                    options: build_options(common.profile)?,
                    paths,
                    out: common.out,
                    force,
                    quiet,
                    report,
                    clear: !no_clear,
                    colour,
                },
                &unimposed_jobs,
            )
        }),
        Command::Preview(settings) => crate::project::enter(&settings.paths).and_then(|paths| {
            crate::preview::run(
                &crate::preview::Settings { paths, ..settings },
                &unimposed_jobs,
            )
        }),
        Command::Init { dir, profile } => run_init(&dir, &profile),
        Command::Schema { kind } => {
            out!("{}", crate::schema::text(kind));
            Ok(ExitCode::SUCCESS)
        }
        Command::Theme { print, name } => crate::project::enter(&[]).and_then(|_| {
            let project = Path::new(".");
            match print {
                true => out!("{}", crate::theme::print::text(project, name.as_deref())?),
                false => out!("{}", crate::theme::print::listing(project)),
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Completions { shell } => {
            // Made whole, then printed: clap's writer panics on a closed pipe.
            let mut text = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "handbill",
                &mut text,
            );
            out!("{}", String::from_utf8_lossy(&text));
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            out!("{}", man_page());
            Ok(ExitCode::SUCCESS)
        }
    };
    crate::console::finish(match result {
        Ok(code) => code,
        Err(e) => {
            err!("{}", e.render(colour));
            ExitCode::from(2)
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

fn build_options(profile: OutputProfile) -> Result<BuildOptions> {
    Ok(BuildOptions::for_profile(profile, source_date_epoch()?))
}

/// `SOURCE_DATE_EPOCH`, when set and not empty: a value that is not whole
/// seconds since 1970 is an error, never ignored.
fn source_date_epoch() -> Result<Option<i64>> {
    let help = "set it to whole seconds since 1970, e.g. `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`, or unset it";
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::new("SOURCE_DATE_EPOCH is not text").help(help))
        }
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => crate::calendar::parse_epoch(&v)
            .map(Some)
            .map_err(|why| Error::new(why).help(help)),
    }
}

/// `--jobs N` as written, read in handbill's words rather than the
/// parser's (`number too large to fit in target type`).
fn jobs_given(text: &str) -> std::result::Result<usize, String> {
    let digits = !text.trim().is_empty() && text.trim().bytes().all(|b| b.is_ascii_digit());
    match text.trim().parse::<u64>() {
        Ok(n) if n <= 4096 => Ok(n as usize),
        _ if digits => Err(format!(
            "`{text}` builds at once is more than this computer can run: give a number of builds such as 2, or leave out --jobs to use every core"
        )),
        _ => Err(format!(
            "`{text}` is not a number of builds: give a whole number of 1 or more, such as `--jobs 2`, or leave out --jobs to use every core"
        )),
    }
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What a build prints besides errors.
#[derive(Debug, Clone, Copy)]
struct Printing {
    verbosity: Verbosity,
    /// The typesetting report.
    report: bool,
    /// The passwords of encrypted copies.
    show_passwords: bool,
    /// Errors and warnings in colour.
    colour: bool,
}

fn run_build(
    common: &Common,
    force: bool,
    shard: Option<Shard>,
    jobs: Option<usize>,
    printing: Printing,
    impose: Option<crate::pdf::impose::Imposition>,
) -> Result<ExitCode> {
    let Printing {
        verbosity,
        report,
        show_passwords,
        colour,
    } = printing;
    let all = job_list(&common.paths, impose.is_some())?;
    // Before the build, and on the whole list, whatever the shard: see
    // src/batch/stale.rs.
    let stale = batch::remove_unlisted(&all, &common.out);
    let (removed, not_removed) = print_stale(&stale, verbosity, colour);
    let files = batch::shard(all, shard);
    let batch = Batch {
        out: common.out.clone(),
        options: BuildOptions {
            impose,
            ..build_options(common.profile)?
        },
        jobs: jobs.unwrap_or_else(default_jobs).max(1),
        force,
        dry_run: false,
        process_ends_after: true,
    };
    let total = files.len();
    let started = batch::now();
    let tty = std::io::stderr().is_terminal() && verbosity != Verbosity::Quiet;
    let told = crate::console::Told::default();
    let outcomes = batch::run(&files, &batch, &|n, file, outcome| {
        let mut err = std::io::stderr().lock();
        if tty {
            let _ = write!(err, "\r\x1b[2K");
        }
        match outcome {
            Outcome::Built { built, path } => {
                if report {
                    print_report(&file.name, &built.report);
                }
                if verbosity != Verbosity::Quiet {
                    for text in built
                        .warnings
                        .iter()
                        .filter_map(|w| told.first_time(w, colour))
                    {
                        let _ = write!(err, "{text}");
                    }
                }
                if verbosity != Verbosity::Quiet {
                    let took = match verbosity {
                        Verbosity::Verbose => format!(" in {}", batch::seconds(built.took)),
                        _ => String::new(),
                    };
                    outln!(
                        "built {} ({} page{}, {} KB){took}",
                        printable(&path.to_string_lossy()),
                        built.pages,
                        if built.pages == 1 { "" } else { "s" },
                        built.pdf.len().div_ceil(1024)
                    );
                }
                if show_passwords && let Some(password) = &built.password {
                    outln!(
                        "password of {}: {}",
                        printable(&path.to_string_lossy()),
                        password.reveal()
                    );
                }
            }
            Outcome::Unchanged { path } => {
                if verbosity == Verbosity::Verbose {
                    outln!("unchanged {}", path.display());
                }
            }
            Outcome::Failed(e) => {
                let _ = write!(err, "{}", e.render(colour));
            }
        }
        if tty && n < total {
            let _ = write!(err, "[{n}/{total}] {}", file.name);
        }
        let _ = err.flush();
    });
    let built = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Built { .. }))
        .count();
    let unchanged = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Unchanged { .. }))
        .count();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count()
        + not_removed;
    if verbosity != Verbosity::Quiet || failed > 0 {
        errln!(
            "{built} built, {unchanged} unchanged, {failed} failed{} in {}{}",
            if removed > 0 {
                format!(", {removed} removed")
            } else {
                String::new()
            },
            batch::seconds(started.elapsed()),
            if failed > 0 {
                "; nothing was written for the failed ones"
            } else {
                ""
            }
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Says which PDFs were removed because their briefing no longer makes
/// them, and which were left; returns how many were removed, and how many
/// could not be.
fn print_stale(stale: &[batch::Stale], verbosity: Verbosity, colour: bool) -> (usize, usize) {
    use batch::Stale;
    let talk = verbosity != Verbosity::Quiet;
    let (mut removed, mut not_removed) = (0, 0);
    // The PDFs of briefings that are gone, by briefing, in one warning each.
    let mut orphans: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for s in stale {
        match s {
            Stale::Removed { path, briefing } => {
                removed += 1;
                if talk {
                    outln!(
                        "removed {}: {briefing} no longer makes this copy",
                        path.display()
                    );
                }
            }
            Stale::Changed { path, briefing } if talk => {
                err!("{}", batch::changed_warning(path, briefing).render(colour))
            }
            Stale::Changed { .. } => {}
            Stale::BriefingGone { path, briefing } => orphans
                .entry(briefing)
                .or_default()
                .push(path.display().to_string()),
            Stale::NotRemoved { error, .. } => {
                not_removed += 1;
                err!("{}", error.render(colour));
            }
        }
    }
    for (briefing, paths) in orphans.iter().filter(|_| talk) {
        let message = format!(
            "{briefing} is no longer in the project, but {} it made {} still there: {}; delete {} if {} must not be sent",
            if paths.len() == 1 {
                "the PDF"
            } else {
                "the PDFs"
            },
            if paths.len() == 1 { "is" } else { "are" },
            paths.join(", "),
            if paths.len() == 1 { "it" } else { "them" },
            if paths.len() == 1 { "it" } else { "they" },
        );
        err!(
            "{}",
            Warning::new(WarningKind::StaleOutput, message).render(colour)
        );
    }
    (removed, not_removed)
}

/// The typesetting report of one PDF, for people.
fn print_report(name: &str, report: &crate::layout::Report) {
    outln!("typesetting of {name}.pdf: {}", report.summary());
    for (what, list) in [
        ("overfull", &report.overfull),
        ("loose", &report.loose),
        ("widow or orphan", &report.widows_and_orphans),
        ("split table row", &report.split_rows),
    ] {
        for item in list {
            outln!("  {what}: {}", item.short());
        }
    }
}

fn run_new(ask: &crate::init::NewBriefing) -> Result<ExitCode> {
    let written = crate::init::new_briefing(ask)?;
    for path in &written[1..] {
        outln!("wrote {} (for editors: docs/editors.md)", path.display());
    }
    outln!(
        "wrote {}; build it with: handbill build {}",
        written[0].display(),
        written[0].display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_init(dir: &Path, profile: &str) -> Result<ExitCode> {
    let written = crate::init::init(dir, profile)?;
    outln!(
        "wrote a new project of {} files in {}",
        written.len(),
        dir.display()
    );
    let go = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    outln!("build it with: {go}handbill build; then see its README.md for what to edit");
    Ok(ExitCode::SUCCESS)
}

/// The man page: handbill's, then one per command (handbill-build …) with
/// its options, in one roff stream that `man ./handbill.1` reads whole.
fn man_page() -> String {
    // Written to memory, which cannot fail.
    let mut out = Vec::new();
    let cli = <Cli as clap::CommandFactory>::command();
    let _ = clap_mangen::Man::new(cli.clone()).render(&mut out);
    for sub in cli.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("handbill-{}", sub.get_name());
        let page = sub.clone().bin_name(format!("handbill {}", sub.get_name()));
        let _ = clap_mangen::Man::new(page)
            .title(name)
            .source(format!("handbill {}", env!("CARGO_PKG_VERSION")))
            .render(&mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The PDFs to build for `paths`: one per briefing, or per recipient;
/// `imposed`, whether each also writes `NAME-imposed.pdf` (`--impose`).
fn job_list(paths: &[PathBuf], imposed: bool) -> Result<Vec<batch::Job>> {
    let jobs = batch::jobs(&briefing_files(paths)?);
    // Two jobs may not write the same file: a.yaml and a.yml, a briefing
    // `a-b` beside briefing `a` with a recipient `b`, or a briefing
    // `a-imposed` beside the imposed sheet of `a`.
    let mut writers: std::collections::HashMap<String, &batch::Job> = Default::default();
    for job in &jobs {
        let written = std::iter::once(format!("{}.pdf", job.name))
            .chain(imposed.then(|| format!("{}-imposed.pdf", job.name)));
        for file in written {
            if let Some(other) = writers.insert(file.clone(), job) {
                return Err(Error::new(format!(
                    "{} and {} would both write {file}",
                    other.file.display(),
                    job.file.display(),
                ))
                .help("rename one of them"));
            }
        }
    }
    Ok(jobs)
}

/// [`job_list`] for a command that imposes nothing (watch, the preview).
fn unimposed_jobs(paths: &[PathBuf]) -> Result<Vec<batch::Job>> {
    job_list(paths, false)
}

/// The briefing files named by `paths`: files as given, folders searched
/// for `*.yaml` (not into `profiles/`), `*` patterns matched within a
/// folder; sorted; `briefings/` by default.
pub fn briefing_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let defaults = [PathBuf::from("briefings")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let text = path.to_string_lossy();
        if text.contains('*') {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let pattern = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, "read the folder", &e))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.file_name()
                            .is_some_and(|n| wildcard(&pattern, &n.to_string_lossy()))
                })
                .collect();
            if found.is_empty() {
                return Err(Error::new(format!("no file matches {text}"))
                    .help("a pattern matches the file names of one folder: `*` any run of letters, `?` one; quote it so the shell leaves it to handbill")
                    .kind(ErrorKind::Usage));
            }
            found.sort();
            files.extend(found);
        } else if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::io(path, "read the folder", &e))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::new(format!(
                    "there are no briefings (*.yaml) in {}",
                    path.display()
                ))
                .help("name briefing files or a folder that holds them")
                .kind(ErrorKind::Usage));
            }
            files.extend(found);
        } else if std::fs::symlink_metadata(path).is_ok() {
            // A file, or something else named as one (a named pipe):
            // reading it says which.
            files.push(path.clone());
        } else {
            return Err(Error::new(format!("{} does not exist", path.display()))
                .help("run handbill inside a project (a folder holding briefings/; start one with `handbill init`), or name briefing files")
                .kind(ErrorKind::Usage));
        }
    }
    files.dedup();
    Ok(files)
}

/// `*` matches any run of characters, `?` one character.
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*-pack.yaml", "legal-delegation-pack.yaml"));
        assert!(!wildcard("*-pack.yaml", "london-protest-leaflet.yaml"));
        assert!(wildcard("l?ndon*", "london-protest-leaflet.yaml"));
        assert!(wildcard("*", "x"));
    }
}
