//! `handbill check`: every briefing through every stage, writing nothing;
//! for people, or for programs (`--format json`, docs/check-json.md).

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Format, build_options, default_jobs, job_list, print_report};
use crate::OutputProfile;
use crate::batch::{self, Batch, Outcome};
use crate::error::{Location, Result, Warning};

/// Where a message points, as `check --format json` gives it.
fn location_json(location: Option<&Location>) -> serde_json::Value {
    let known = location.filter(|l| l.line > 0);
    serde_json::json!({
        "file": location.map(|l| l.file.clone()),
        "line": known.map(|l| l.line),
        "column": known.map(|l| l.column),
    })
}

/// Warnings as `check --format json` gives them (docs/check-json.md).
fn warnings_json(warnings: &[Warning]) -> serde_json::Value {
    warnings
        .iter()
        .map(|w| {
            let mut entry = location_json(w.location.as_ref());
            entry["code"] = w.kind.code().into();
            entry["message"] = w.message.clone().into();
            entry["help"] = w.help.clone().into();
            entry
        })
        .collect()
}

pub(super) fn run(
    paths: &[PathBuf],
    format: Format,
    report: bool,
    colour: bool,
) -> Result<ExitCode> {
    let files = job_list(paths)?;
    let batch = Batch {
        out: PathBuf::from("."),
        options: build_options(OutputProfile::Print)?,
        jobs: default_jobs(),
        force: true,
        dry_run: true,
    };
    let outcomes = batch::run(&files, &batch, &|_, _, _| {});
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count();
    match format {
        Format::Json => {
            let entries: Vec<serde_json::Value> = files
                .iter()
                .zip(&outcomes)
                .map(|(job, outcome)| (&job.file, &job.name, outcome))
                .map(|(file, name, outcome)| match outcome {
                    Outcome::Failed(e) => serde_json::json!({
                        "briefing": file,
                        "output": format!("{name}.pdf"),
                        "ok": false,
                        "error": {
                            "message": e.message,
                            "file": e.location.as_ref().map(|l| l.file.clone()),
                            "line": e.location.as_ref().filter(|l| l.line > 0).map(|l| l.line),
                            "column": e.location.as_ref().filter(|l| l.line > 0).map(|l| l.column),
                            "help": e.help,
                            "code": e.kind.code(),
                        },
                    }),
                    Outcome::Built { built, .. } => serde_json::json!({
                        "briefing": file, "output": format!("{name}.pdf"), "ok": true, "pages": built.pages,
                        "warnings": warnings_json(&built.warnings),
                        "typesetting": {
                            "lines": built.report.lines,
                            "hyphenated": built.report.hyphenated,
                            "overfull": warnings_json(&built.report.overfull),
                            "loose": warnings_json(&built.report.loose),
                            "widows_and_orphans": warnings_json(&built.report.widows_and_orphans),
                        },
                    }),
                    Outcome::Unchanged { .. } => serde_json::json!({ "briefing": file, "output": format!("{name}.pdf"), "ok": true }),
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&entries).unwrap_or_default()
            );
        }
        Format::Text => {
            for (job, outcome) in files.iter().zip(&outcomes) {
                match outcome {
                    Outcome::Failed(e) => eprint!("{}", e.render(colour)),
                    Outcome::Built { built, .. } => {
                        println!("ok {}.pdf ({} pages)", job.name, built.pages);
                        if report {
                            print_report(&job.name, &built.report);
                        }
                        for w in &built.warnings {
                            eprint!("{}", w.render(colour));
                        }
                    }
                    Outcome::Unchanged { .. } => println!("ok {}.pdf", job.name),
                }
            }
            eprintln!("{} checked, {failed} with errors", files.len());
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
