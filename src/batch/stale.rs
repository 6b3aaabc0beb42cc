//! Copies no briefing makes any more: a person taken off a recipients list
//! must not find their confidential copy still in the output folder, ready
//! to be sent by mistake.
//!
//! Only PDFs the manifest records as written by a briefing are ever
//! touched, and only while they are still the bytes handbill wrote: a file
//! a person put in the folder, or changed, stays. The decision rests on the
//! briefing's list as it is read now, for all its copies, whatever `--shard`
//! the build has: no shard removes a copy another wrote for someone listed.
//! A briefing that cannot be read removes nothing (its list is not known);
//! one that is gone from the project (deleted or renamed) removes nothing
//! either, since its PDFs could not be made again, but each build names them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::manifest::{self, Entry};
use super::{Job, briefing_key, holds};
use crate::error::{Error, Warning, WarningKind};
use crate::load;

/// A PDF in the output folder that its briefing does not make any more.
#[derive(Debug)]
pub enum Stale {
    /// Removed: its briefing no longer makes it (the person is off the
    /// list, or the briefing's recipients changed).
    Removed { path: PathBuf, briefing: String },
    /// Left: its briefing no longer makes it, but it has changed since
    /// handbill wrote it, so it is not handbill's to remove.
    Changed { path: PathBuf, briefing: String },
    /// Left: its briefing is no longer in the project.
    BriefingGone { path: PathBuf, briefing: String },
    /// It should have been removed, but could not be.
    NotRemoved {
        path: PathBuf,
        briefing: String,
        error: Box<Error>,
    },
}

/// The warning for a [`Stale::Changed`] PDF.
pub fn changed_warning(path: &Path, briefing: &str) -> Warning {
    Warning::new(
        WarningKind::StaleOutput,
        format!(
            "{} was made by {briefing}, which no longer makes it, but it has changed since; handbill leaves it",
            path.display()
        ),
    )
    .help("delete it if it must not be sent")
}

/// Removes from `out` the PDFs that the briefings of `jobs` wrote there but
/// no longer make, and says what it did. `jobs` are all the batch's jobs,
/// before any `--shard` slicing.
pub fn remove_unlisted(jobs: &[Job], out: &Path) -> Vec<Stale> {
    let records = manifest::read(out);
    if records.is_empty() {
        return Vec::new();
    }
    // The PDFs each briefing of the batch makes now; `None` for one that
    // could not be read. And the project folders, to tell a briefing that
    // is gone from one that is only not in this batch.
    let mut making: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    let mut everything = BTreeSet::new();
    let mut projects = BTreeSet::new();
    let mut keys: BTreeMap<&Path, String> = BTreeMap::new();
    for job in jobs {
        let key = keys
            .entry(job.file.as_path())
            .or_insert_with(|| {
                if let Ok(p) = load::project_folder(&job.file).canonicalize() {
                    projects.insert(p);
                }
                briefing_key(&job.file)
            })
            .clone();
        let pdf = format!("{}.pdf", job.name);
        everything.insert(pdf.clone());
        let names = making.entry(key).or_insert_with(|| Some(BTreeSet::new()));
        match names {
            Some(set) if job.briefing_read() => {
                set.insert(pdf);
            }
            _ => *names = None,
        }
    }
    let mut stale = Vec::new();
    for (name, entry) in &records {
        match making.get(&entry.briefing) {
            // Still made, by this briefing or (renamed files) another.
            Some(Some(_)) if everything.contains(name) => {}
            Some(Some(_)) => remove(out, name, entry, &mut stale),
            // Its list is not known: keep everything.
            Some(None) => {}
            None => {
                let there = projects.is_empty()
                    || projects.iter().any(|p| p.join(&entry.briefing).exists());
                let path = out.join(name);
                if !there && std::fs::symlink_metadata(&path).is_ok() {
                    stale.push(Stale::BriefingGone {
                        path,
                        briefing: entry.briefing.clone(),
                    });
                }
            }
        }
    }
    stale
}

/// Removes the PDF `name` and its imposed copy, each if it is still what
/// handbill wrote.
fn remove(out: &Path, name: &str, entry: &Entry, stale: &mut Vec<Stale>) {
    let imposed = name
        .strip_suffix(".pdf")
        .map(|stem| format!("{stem}-imposed.pdf"));
    let files = std::iter::once((name.to_string(), Some(&entry.output)))
        .chain(imposed.map(|i| (i, entry.imposed.as_ref())));
    for (file, hash) in files {
        let Some(hash) = hash else { continue };
        let path = out.join(&file);
        let briefing = entry.briefing.clone();
        if std::fs::symlink_metadata(&path).is_err() {
            continue; // already gone
        }
        if !holds(&path, hash) {
            stale.push(Stale::Changed { path, briefing });
            continue;
        }
        stale.push(match std::fs::remove_file(&path) {
            Ok(()) => Stale::Removed { path, briefing },
            Err(e) => Stale::NotRemoved {
                error: Box::new(
                    Error::io(&path, "remove", &e)
                        .help("delete it yourself: its briefing no longer makes this copy"),
                ),
                path,
                briefing,
            },
        });
    }
}
