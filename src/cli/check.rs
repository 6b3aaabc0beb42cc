//! `handbill check`: every briefing through every stage, writing nothing;
//! for people, or for programs (`--format json`, docs/check-json.md).

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Format, build_options, default_jobs, job_list, print_report};
use crate::OutputProfile;
use crate::batch::{self, Batch, Outcome};
use crate::check_json::{CheckJson, Checked, Diagnostic, Typesetting};
use crate::console::{err, errln, out, outln};
use crate::error::{Error, Result};

/// Runs the check. With `--format json`, an error that stops the whole
/// command (a path that does not exist) is printed as JSON too, and the
/// exit code says it was the command (2).
pub(super) fn run(
    paths: Result<Vec<PathBuf>>,
    format: Format,
    report: bool,
    colour: bool,
) -> Result<ExitCode> {
    match (check(paths, format, report, colour), format) {
        (Err(e), Format::Json) => {
            out!(
                "{}",
                CheckJson::refused(vec![Diagnostic::of_error(&e)]).text()
            );
            Ok(ExitCode::from(2))
        }
        (result, _) => result,
    }
}

fn check(
    paths: Result<Vec<PathBuf>>,
    format: Format,
    report: bool,
    colour: bool,
) -> Result<ExitCode> {
    let files = job_list(&paths?, false)?;
    let batch = Batch {
        out: PathBuf::from("."),
        options: build_options(OutputProfile::Print)?,
        jobs: default_jobs(),
        force: true,
        dry_run: true,
        process_ends_after: true,
    };
    let outcomes = batch::run(&files, &batch, &|_, _, _| {});
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count();
    match format {
        Format::Json => {
            let briefings = files
                .iter()
                .zip(&outcomes)
                .map(|(job, outcome)| {
                    let mut entry = Checked {
                        briefing: job.file.display().to_string(),
                        output: format!("{}.pdf", job.name),
                        ok: true,
                        pages: None,
                        error: None,
                        warnings: Vec::new(),
                        typesetting: None,
                    };
                    match outcome {
                        Outcome::Failed(e) => {
                            entry.ok = false;
                            entry.error = Some(Diagnostic::of_error(e));
                        }
                        Outcome::Built { built, .. } => {
                            entry.pages = Some(built.pages);
                            entry.warnings = Diagnostic::of_warnings(&built.warnings);
                            entry.typesetting = Some(Typesetting::of(&built.report));
                        }
                        Outcome::Unchanged { .. } => {}
                    }
                    entry
                })
                .collect();
            let json = CheckJson {
                version: crate::check_json::VERSION,
                ok: failed == 0,
                briefings,
                errors: Vec::new(),
            };
            out!("{}", json.text());
        }
        Format::Text => {
            let told = crate::console::Told::default();
            for (job, outcome) in files.iter().zip(&outcomes) {
                match outcome {
                    Outcome::Failed(e) => err!("{}", e.render(colour)),
                    Outcome::Built { built, .. } => {
                        outln!("ok {}.pdf ({} pages)", job.name, built.pages);
                        if report {
                            print_report(&job.name, &built.report);
                        }
                        for text in built
                            .warnings
                            .iter()
                            .filter_map(|w| told.first_time(w, colour))
                        {
                            err!("{text}");
                        }
                    }
                    Outcome::Unchanged { .. } => outln!("ok {}.pdf", job.name),
                }
            }
            errln!("{} checked, {failed} with errors", files.len());
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether the command line asks for `check --format json`, read before
/// (or without) clap, so that a usage error can be given as JSON too.
pub(super) fn wants_json(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    args.contains(&"check")
        && (args.contains(&"--format=json") || args.windows(2).any(|w| w == ["--format", "json"]))
}

/// A usage error from the command-line parser, as `check --format json`
/// gives it: its first line as the message, its tip as the help.
pub(super) fn usage_json(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines
        .next()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l).to_string())
        .unwrap_or_default();
    let help = lines
        .find_map(|l| l.strip_prefix("tip: "))
        .unwrap_or("run `handbill help check` for the options of check")
        .to_string();
    let error = Error::new(message)
        .help(help)
        .kind(crate::error::ErrorKind::Usage);
    CheckJson::refused(vec![Diagnostic::of_error(&error)]).text()
}
