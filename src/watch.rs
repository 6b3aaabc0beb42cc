//! `handbill watch`: rebuilds a briefing's PDFs as soon as a file it was
//! built from changes.
//!
//! The system tells handbill of changes (inotify on Linux, FSEvents on
//! macOS, ReadDirectoryChangesW on Windows, through `notify`); nothing is
//! polled, so an idle watch costs nothing however big the project. What is
//! watched is exactly what each briefing read in its last build (see
//! [`batch::Inputs`]): the folders those files are in, each on its own
//! (editors save by writing a new file and renaming it over the old one, so
//! a watch on the file itself would be lost), with the events filtered by
//! file name; and the briefings' folders, for new briefings.
//!
//! [`Changes`] turns events into "these briefings need a rebuild"; [`run`]
//! is the command.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use crate::BuildOptions;
use crate::batch::{self, Batch, Inputs, Outcome};
use crate::console::{err, errln, out, outln};
use crate::error::{Error, Result, Warning, WarningKind};

/// How long a file must be quiet before it is read. An editor's save (a
/// temporary file written, renamed over the old one, its backup made) takes
/// a millisecond or two; 30 ms covers a slow disk and keeps a rebuild well
/// within a tenth of a second of the save (see the README's measurements).
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// A file written without pause (a big copy) is read after this, quiet
/// or not.
const MOST: Duration = Duration::from_millis(500);

/// How `watch` runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Briefing files, folders of them, or patterns (none: `briefings/`).
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub options: BuildOptions,
    /// Rebuild even when a briefing's inputs are the same as they were.
    pub force: bool,
    /// Print only errors and out-of-date PDFs.
    pub quiet: bool,
    /// Print the typesetting report of each PDF built.
    pub report: bool,
    /// Clear the terminal before each rebuild.
    pub clear: bool,
    /// Errors and warnings in colour.
    pub colour: bool,
}

/// What the watch looks at: which files (and folders) make which briefings
/// need a rebuild, every path made absolute and free of links.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Watched {
    /// A file, and the briefings that read it.
    files: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// A folder every file of which counts, and the briefings that read it.
    folders: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// Folders a new briefing may appear in.
    briefing_folders: BTreeSet<PathBuf>,
    /// The output folder, whose changes are handbill's own.
    out: Option<PathBuf>,
}

impl Watched {
    /// What to watch for the briefings' `inputs` (by briefing file), new
    /// briefings in `briefing_folders`, nothing in `out`.
    pub fn new(
        inputs: &BTreeMap<PathBuf, Inputs>,
        briefing_folders: &[PathBuf],
        out: &Path,
    ) -> Watched {
        let mut w = Watched {
            briefing_folders: briefing_folders.iter().filter_map(|f| real(f)).collect(),
            out: real(out),
            ..Watched::default()
        };
        for (briefing, read) in inputs {
            let Some(briefing) = real(briefing) else {
                continue;
            };
            for file in &read.files {
                if let Some(file) = real(file) {
                    w.files.entry(file).or_default().insert(briefing.clone());
                }
            }
            for folder in &read.folders {
                if let Some(folder) = real(folder) {
                    w.folders
                        .entry(folder)
                        .or_default()
                        .insert(briefing.clone());
                }
            }
        }
        w
    }

    /// The folders to watch, each on its own: those of the files, the
    /// whole folders, the briefings' folders; for one not made yet, the
    /// nearest folder above it that exists, to learn when it is made.
    pub fn folders(&self) -> BTreeSet<PathBuf> {
        self.files
            .keys()
            .filter_map(|f| f.parent())
            .chain(self.folders.keys().map(PathBuf::as_path))
            .chain(self.briefing_folders.iter().map(PathBuf::as_path))
            .filter_map(existing)
            .map(Path::to_path_buf)
            .collect()
    }

    /// The briefings a change to `path` makes out of date: those that read
    /// it, or the briefing itself if it is a briefing file (a new one too).
    pub fn affected(&self, path: &Path) -> BTreeSet<PathBuf> {
        let mut out = BTreeSet::new();
        if batch::editor_junk(path) || self.out.as_ref().is_some_and(|o| path.starts_with(o)) {
            return out;
        }
        // A folder made (or moved in) that holds, or will hold, files a
        // briefing reads: a new `themes/` or `fonts/`, with what is in it.
        if path.is_dir() {
            for (file, b) in &self.files {
                if file.starts_with(path) {
                    out.extend(b.iter().cloned());
                }
            }
            for (folder, b) in &self.folders {
                if folder.starts_with(path) {
                    out.extend(b.iter().cloned());
                }
            }
        }
        if let Some(b) = self.files.get(path) {
            out.extend(b.iter().cloned());
        }
        if let Some(folder) = path.parent() {
            if let Some(b) = self.folders.get(folder) {
                out.extend(b.iter().cloned());
            }
            if self.briefing_folders.contains(folder)
                && path.extension().is_some_and(|x| x == "yaml" || x == "yml")
            {
                out.insert(path.to_path_buf());
            }
        }
        out
    }
}

/// A path made absolute and free of links; one that does not exist yet
/// (a `themes/default.yaml` in a `themes/` not made yet) by its nearest
/// existing folder's real path and the names below it. `None` if no
/// folder above it exists.
fn real(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        Path::new(".").join(path)
    };
    let mut below = Vec::new();
    let mut at = path.as_path();
    loop {
        below.push(at.file_name()?);
        at = at.parent()?;
        if let Ok(p) = at.canonicalize() {
            return Some(below.iter().rev().fold(p, |p, name| p.join(name)));
        }
    }
}

/// `folder` if it exists, or the nearest folder above it that does: where
/// a watch learns that it has been made.
fn existing(folder: &Path) -> Option<&Path> {
    folder.ancestors().find(|f| f.is_dir())
}

/// Briefings that need a rebuild, and the files whose change says so, each
/// by its real path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rebuild {
    pub briefings: BTreeSet<PathBuf>,
    pub changed: BTreeSet<PathBuf>,
}

/// The system's change events, debounced, turned into "these briefings
/// need a rebuild".
pub struct Changes {
    watcher: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    debounce: Duration,
    watched: Watched,
    watching: BTreeSet<PathBuf>,
    /// What [`Changes::arrived`] took before the next [`Changes::wait`],
    /// with when its first and last events came.
    early: Rebuild,
    early_at: Option<(Instant, Instant)>,
}

impl Changes {
    /// Starts listening, with files quiet for `debounce` before they count.
    pub fn new(debounce: Duration) -> Result<Changes> {
        let (send, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(send).map_err(|e| {
            Error::new(format!("handbill cannot watch for changes: {e}"))
                .help("use `handbill build` after each change instead")
        })?;
        Ok(Changes {
            watcher,
            events,
            debounce,
            watched: Watched::default(),
            watching: BTreeSet::new(),
            early: Rebuild::default(),
            early_at: None,
        })
    }

    /// Watches what `watched` names, and only that. A folder that cannot be
    /// watched is said in the warnings returned.
    pub fn set(&mut self, watched: Watched) -> Vec<Warning> {
        let wanted = watched.folders();
        let mut warnings = Vec::new();
        for gone in self.watching.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        for new in wanted.difference(&self.watching) {
            if let Err(e) = self.watcher.watch(new, RecursiveMode::NonRecursive) {
                warnings.push(
                    Warning::new(
                        WarningKind::NotWatched,
                        format!("{} is not watched: {e}", new.display()),
                    )
                    .help("a change there needs `handbill build`"),
                );
            }
        }
        self.watching = wanted;
        self.watched = watched;
        warnings
    }

    /// Waits for a change that makes some briefings out of date, then
    /// until the files have been quiet for the debounce delay (at most
    /// `MOST` in all), so that a save in several steps is read once, whole.
    /// `None` when the system stopped sending events. Between changes the
    /// thread sleeps: an idle watch costs nothing.
    pub fn wait(&mut self) -> Option<Rebuild> {
        // What came while the last rebuild ran counts from when it came.
        let mut rebuild = std::mem::take(&mut self.early);
        let (mut start, mut last) = self.early_at.take().unzip();
        while rebuild.briefings.is_empty() {
            let event = self.events.recv().ok()?;
            self.take(event, &mut rebuild);
            start = Some(Instant::now());
            last = start;
        }
        let start = start.unwrap_or_else(Instant::now);
        let mut last = last.unwrap_or(start);
        while start.elapsed() < MOST {
            let quiet = self.debounce.saturating_sub(last.elapsed());
            if quiet.is_zero() {
                break;
            }
            match self.events.recv_timeout(quiet) {
                // A file read or written that no briefing was built from
                // (the PDFs, a viewer reading them) does not keep it waiting.
                Ok(event) => {
                    if self.take(event, &mut rebuild) {
                        last = Instant::now();
                    }
                }
                Err(_) => break,
            }
        }
        Some(rebuild)
    }

    /// Takes, without waiting, the events that came since the last
    /// [`Changes::wait`], keeping what they make out of date for the next
    /// one, and says whether any briefing is out of date again. A rebuild
    /// asks between briefings, so that an edit is not kept waiting behind
    /// briefings nobody is looking at ([`Changes::put_off`]).
    pub fn arrived(&mut self) -> bool {
        while let Ok(event) = self.events.try_recv() {
            let mut early = std::mem::take(&mut self.early);
            let hit = self.take(event, &mut early);
            self.early = early;
            if hit {
                let now = Instant::now();
                self.early_at = Some(self.early_at.map_or((now, now), |(first, _)| (first, now)));
            }
        }
        !self.early.briefings.is_empty()
    }

    /// Gives `briefings` (real paths), which a rebuild put off, to the
    /// next [`Changes::wait`] with what it waits for.
    pub fn put_off(&mut self, briefings: impl IntoIterator<Item = PathBuf>) {
        self.early.briefings.extend(briefings);
    }

    /// Adds what `event` makes out of date to `rebuild`; whether it made
    /// any briefing out of date.
    fn take(&mut self, event: notify::Result<notify::Event>, rebuild: &mut Rebuild) -> bool {
        let Ok(event) = event else { return false };
        // Reading a file (a build does) changes nothing; closing one written does.
        if let EventKind::Access(kind) = event.kind
            && !matches!(kind, AccessKind::Close(_))
        {
            return false;
        }
        let mut any = false;
        for path in &event.paths {
            let hit = self.watched.affected(path);
            if !hit.is_empty() {
                any = true;
                rebuild.changed.insert(path.clone());
                rebuild.briefings.extend(hit);
                if path.is_dir() {
                    self.follow();
                }
            }
        }
        any
    }

    /// Watches the folders made since the last [`Changes::set`] at once, so
    /// that a file saved in a new `themes/` before the rebuild is told of
    /// too. Folders made inside a new one, before it was watched, are
    /// found by looking again until nothing more is new.
    fn follow(&mut self) {
        loop {
            let wanted = self.watched.folders();
            let new: Vec<PathBuf> = wanted.difference(&self.watching).cloned().collect();
            if new.is_empty() {
                return;
            }
            for folder in new {
                // One that cannot be watched is said by the next `set`.
                if self
                    .watcher
                    .watch(&folder, RecursiveMode::NonRecursive)
                    .is_ok()
                {
                    self.watching.insert(folder);
                } else {
                    return;
                }
            }
        }
    }
}

/// Runs `handbill watch` until it is stopped. `list` gives the jobs for
/// the briefings named on the command line, as `build` would.
pub fn run(
    settings: &Settings,
    list: &dyn Fn(&[PathBuf]) -> Result<Vec<batch::Job>>,
) -> Result<ExitCode> {
    let mut changes = Changes::new(DEBOUNCE)?;
    // The build threads stay from one rebuild to the next, each with what it
    // remembers of the layout: after an edit only what changed is set again.
    let workers = batch::Workers::new(std::thread::available_parallelism().map_or(1, |n| n.get()));
    let folders = briefing_folders(&settings.paths);
    // What each briefing read in its last build that read it, by its real path.
    let mut known: BTreeMap<PathBuf, Inputs> = BTreeMap::new();
    let mut pending: Option<Rebuild> = None;
    let clear = settings.clear && std::io::stdout().is_terminal();
    loop {
        let started = Instant::now();
        let listed = list(&settings.paths);
        let jobs: Vec<batch::Job> = listed
            .iter()
            .flatten()
            .filter(|j| {
                pending
                    .as_ref()
                    .is_none_or(|r| real(&j.file).is_some_and(|f| r.briefings.contains(&f)))
            })
            .cloned()
            .collect();
        // A new file in the briefings' folder that is not one of the
        // briefings named (or one deleted) builds nothing: say nothing.
        let nothing = pending.is_some() && jobs.is_empty() && listed.is_ok();
        if clear && !nothing {
            out!("\x1b[2J\x1b[H");
        }
        if let Some(rebuild) = &pending
            && !settings.quiet
            && !nothing
        {
            let names: Vec<String> = rebuild.changed.iter().map(|p| shown(p)).collect();
            outln!("[{}] changed: {}", clock(), names.join(", "));
        }
        match listed {
            Ok(_) if nothing => {}
            Ok(all) => {
                for s in batch::remove_unlisted(&all, &settings.out) {
                    say_stale(&s, settings.colour);
                }
                let (outcomes, inputs) = build(settings, &workers, &jobs);
                // Briefings that could not be read keep what they read
                // before, and their own file.
                for job in &jobs {
                    let Some(file) = real(&job.file) else {
                        continue;
                    };
                    let entry = known.entry(file.clone()).or_default();
                    match inputs.get(&job.file) {
                        Some(read) => *entry = read.clone(),
                        None if !entry.files.contains(&file) => entry.files.push(file),
                        None => {}
                    }
                }
                let listed: BTreeSet<PathBuf> = all.iter().filter_map(|j| real(&j.file)).collect();
                known.retain(|f, _| listed.contains(f));
                summary(settings, &outcomes, started);
            }
            Err(e) => err!("{}", e.render(settings.colour)),
        }
        for w in changes.set(Watched::new(&known, &folders, &settings.out)) {
            err!("{}", w.render(settings.colour));
        }
        if pending.is_none() && !settings.quiet {
            outln!("[{}] watching; press Ctrl-C to stop", clock());
        }
        let _ = std::io::stdout().flush();
        pending = Some(changes.wait().ok_or_else(|| {
            Error::new("the system stopped reporting changes to the files")
                .help("start `handbill watch` again")
        })?);
    }
}

/// Builds `jobs` on `workers`, saying what happened to each as it finishes.
fn build(
    settings: &Settings,
    workers: &batch::Workers,
    jobs: &[batch::Job],
) -> (Vec<Outcome>, BTreeMap<PathBuf, Inputs>) {
    let batch = Batch {
        out: settings.out.clone(),
        options: settings.options.clone(),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        force: settings.force,
        dry_run: false,
        process_ends_after: false,
    };
    let settings = settings.clone();
    // A rebuild's warnings are told afresh: the writer may have fixed one.
    let told = crate::console::Told::default();
    let report: batch::Report =
        Arc::new(move |_, job, outcome| tell(&settings, &told, job, outcome));
    workers.run(jobs, &batch, report)
}

/// Says what happened to `job`.
fn tell(settings: &Settings, told: &crate::console::Told, job: &batch::Job, outcome: &Outcome) {
    match outcome {
        Outcome::Built { built, path } => {
            if !settings.quiet {
                for w in &built.warnings {
                    if let Some(text) = told.first_time(w, settings.colour) {
                        err!("{text}");
                    }
                }
                outln!(
                    "[{}] built {} ({} page{}) in {}",
                    clock(),
                    crate::error::printable(&path.to_string_lossy()),
                    built.pages,
                    if built.pages == 1 { "" } else { "s" },
                    batch::seconds(built.took)
                );
            }
            if settings.report {
                outln!(
                    "typesetting of {}.pdf: {}",
                    job.name,
                    built.report.summary()
                );
                for (what, list) in [
                    ("overfull", &built.report.overfull),
                    ("loose", &built.report.loose),
                    ("widow or orphan", &built.report.widows_and_orphans),
                    ("split table row", &built.report.split_rows),
                ] {
                    for item in list {
                        outln!("  {what}: {}", item.short());
                    }
                }
            }
        }
        Outcome::Unchanged { path } => {
            if !settings.quiet {
                outln!("[{}] unchanged {}", clock(), path.display());
            }
        }
        Outcome::Failed(e) => {
            err!("{}", e.render(settings.colour));
            let name = format!("{}.pdf", job.name);
            let pdf = settings.out.join(&name);
            if batch::out_of_date(&settings.out, &name) {
                errln!(
                    "[{}] {} is out of date: its last build failed, so it is still the one built before; fix the error above and save again",
                    clock(),
                    pdf.display()
                );
            }
        }
    }
}

fn summary(settings: &Settings, outcomes: &[Outcome], started: Instant) {
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count();
    if settings.quiet && failed == 0 {
        return;
    }
    let built = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Built { .. }))
        .count();
    outln!(
        "[{}] {built} built, {} unchanged, {failed} failed in {}",
        clock(),
        outcomes.len() - built - failed,
        batch::seconds(started.elapsed())
    );
}

fn say_stale(s: &batch::Stale, colour: bool) {
    match s {
        batch::Stale::Removed { path, briefing } => outln!(
            "[{}] removed {}: {briefing} no longer makes this copy",
            clock(),
            path.display()
        ),
        batch::Stale::NotRemoved { error, .. } => err!("{}", error.render(colour)),
        batch::Stale::Changed { path, briefing } => {
            err!("{}", batch::changed_warning(path, briefing).render(colour))
        }
        batch::Stale::BriefingGone { .. } => {}
    }
}

/// The folders the briefings named on the command line are in, where new
/// ones may appear.
pub fn briefing_folders(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        return vec![PathBuf::from("briefings")];
    }
    paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }
        })
        .collect()
}

/// A changed file as the user knows it: from the current folder if it is
/// under it.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().and_then(|d| d.canonicalize());
    here.ok()
        .and_then(|h| path.strip_prefix(h).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// The time of day, UTC, as `HH:MM:SS`.
fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> crate::scratch::Scratch {
        let d = crate::scratch::Scratch::new("watch", name);
        std::fs::create_dir_all(d.join("briefings/profiles/kz/sections")).unwrap();
        std::fs::create_dir_all(d.join("pictures")).unwrap();
        std::fs::create_dir_all(d.join("out")).unwrap();
        d
    }

    #[test]
    fn changes_are_told_to_the_briefings_that_read_them() {
        let d = temp("affected");
        let a = d.join("briefings/a.yaml");
        let b = d.join("briefings/b.yaml");
        let section = d.join("briefings/profiles/kz/sections/intro.md");
        let picture = d.join("pictures/map.png");
        for f in [&a, &b, &section, &picture] {
            std::fs::write(f, "x").unwrap();
        }
        let mut inputs = BTreeMap::new();
        inputs.insert(
            a.clone(),
            Inputs {
                files: vec![a.clone(), section.clone(), picture.clone()],
                folders: vec![d.join("briefings/profiles/kz/sections")],
            },
        );
        inputs.insert(
            b.clone(),
            Inputs {
                files: vec![b.clone()],
                folders: vec![],
            },
        );
        let w = Watched::new(&inputs, &[d.join("briefings")], &d.join("out"));
        let just = |p: &Path| BTreeSet::from([p.to_path_buf()]);
        assert_eq!(w.affected(&picture), just(&a));
        assert_eq!(w.affected(&b), just(&b));
        // A new section file in the profile, a new briefing.
        assert_eq!(
            w.affected(&d.join("briefings/profiles/kz/sections/new.md")),
            just(&a)
        );
        let c = d.join("briefings/c.yaml");
        assert_eq!(w.affected(&c), just(&c));
        // Editors' files, the output, other pictures: nothing.
        for p in [
            "briefings/profiles/kz/sections/.intro.md.swp",
            "briefings/profiles/kz/sections/4913",
            "briefings/profiles/kz/sections/intro.md~",
            "briefings/profiles/kz/sections/.#intro.md",
            "briefings/.a.yaml.swp",
            "pictures/other.png",
            "out/a.pdf",
        ] {
            assert!(w.affected(&d.join(p)).is_empty(), "{p}");
        }
        // The folders of the files, each on its own; not the project.
        let folders = w.folders();
        assert!(folders.contains(&d.join("pictures")));
        assert!(folders.contains(&d.join("briefings")));
        assert!(!folders.contains(&*d));
    }

    #[test]
    fn a_change_taken_early_is_given_by_the_next_wait_with_what_was_put_off() {
        let d = temp("early");
        let a = d.join("briefings/a.yaml");
        let b = d.join("briefings/b.yaml");
        let section = d.join("briefings/profiles/kz/sections/intro.md");
        for f in [&a, &b, &section] {
            std::fs::write(f, "x").unwrap();
        }
        let real = |p: &Path| p.canonicalize().unwrap();
        let mut inputs = BTreeMap::new();
        inputs.insert(
            real(&a),
            Inputs {
                files: vec![real(&a), real(&section)],
                folders: vec![],
            },
        );
        let mut changes = Changes::new(Duration::from_millis(30)).unwrap();
        changes.set(Watched::new(&inputs, &[], &d.join("out")));
        assert!(!changes.arrived(), "nothing changed yet");
        std::fs::write(&section, "y").unwrap();
        // The system tells of the write soon, not at once.
        let start = Instant::now();
        while !changes.arrived() {
            assert!(start.elapsed() < Duration::from_secs(10), "no event came");
            std::thread::sleep(Duration::from_millis(5));
        }
        changes.put_off([real(&b)]);
        let rebuild = changes.wait().unwrap();
        assert_eq!(rebuild.briefings, BTreeSet::from([real(&a), real(&b)]));
        assert!(rebuild.changed.contains(&real(&section)), "{rebuild:?}");
        assert!(!changes.arrived(), "given once");
    }

    /// A save, then files no briefing was built from read and written
    /// without pause (the PDFs a viewer reloads, a log): the rebuild does
    /// not wait for them to stop, as it waited for the save to be whole.
    #[test]
    fn only_what_makes_a_briefing_out_of_date_holds_the_rebuild_back() {
        use notify::event::{AccessMode, CreateKind, ModifyKind};
        let d = temp("quiet");
        let a = d.join("briefings/a.yaml");
        let section = d.join("briefings/profiles/kz/sections/intro.md");
        for f in [&a, &section] {
            std::fs::write(f, "x").unwrap();
        }
        let mut inputs = BTreeMap::new();
        inputs.insert(
            a.clone(),
            Inputs {
                files: vec![a.clone(), section.clone()],
                folders: vec![],
            },
        );
        let mut changes = Changes::new(DEBOUNCE).unwrap();
        changes.set(Watched::new(&inputs, &[], &d.join("out")));
        // The events as the system would send them, into the same channel.
        let (send, events) = mpsc::channel();
        changes.events = events;
        let event = |kind, path: &Path| Ok(notify::Event::new(kind).add_path(path.to_path_buf()));
        send.send(event(EventKind::Create(CreateKind::File), &section))
            .unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let noise = {
            let (stop, pdf, log) = (
                stop.clone(),
                d.join("out/a.pdf"),
                d.join("briefings/log.txt"),
            );
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
                    let _ = send.send(event(read, &pdf));
                    let _ = send.send(event(EventKind::Modify(ModifyKind::Any), &log));
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        };
        let start = Instant::now();
        let rebuild = changes.wait().unwrap();
        let waited = start.elapsed();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        noise.join().unwrap();
        assert_eq!(rebuild.briefings, BTreeSet::from([a.clone()]));
        assert_eq!(rebuild.changed, BTreeSet::from([section.clone()]));
        // Held back by the noise, it would be read only after `MOST`.
        assert!(waited < MOST, "the rebuild waited {waited:?}");
    }

    #[test]
    fn the_clock_reads_hours_minutes_seconds() {
        let c = clock();
        assert_eq!(c.len(), 8, "{c}");
        assert_eq!(c.matches(':').count(), 2, "{c}");
    }
}
