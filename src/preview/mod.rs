//! `handbill preview`: the briefings' pages in the browser, redrawn as
//! soon as a file they were built from changes.
//!
//! A local web server (on 127.0.0.1 only, see [`http`]) shows a start page
//! that lists each briefing and each recipient's copy with its status, and
//! for each copy its pages as SVG ([`svg`]), drawn from the same laid-out
//! pages the PDF is written from. A builder thread waits for file events
//! ([`crate::watch::Changes`]: exactly the files each briefing read), lays
//! out again what they concern, and the server pushes the pages that
//! changed to every open page over Server-Sent Events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex};

use crate::batch::{self, Inputs, Job};
use crate::console::{errln, outln};
use crate::error::{Error, Result};
use crate::layout::LayoutMemo;
use crate::watch::{self, Changes, Watched};
use crate::{Build, LaidOut, OutputProfile, Prepared};

pub mod editor;
mod http;
pub mod overlay;
pub mod source;
pub mod svg;

pub use editor::Editor;

// How `preview` runs: its command line (`handbill preview --help`).
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Briefing files, folders of them, or quoted patterns (default: briefings/).
    pub paths: Vec<PathBuf>,
    /// The port to listen on (on 127.0.0.1 only); default: any free one.
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Print the address, without opening the browser.
    #[arg(long)]
    pub no_open: bool,
    /// The command that opens a source file at a line when a paragraph is
    /// clicked, with {file} and {line}; it is run without a shell.
    #[arg(long, value_name = "CMD")]
    pub editor: Option<Editor>,
}

/// Which drawing of a copy: for the screen or for print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proof {
    Screen,
    Print,
}

impl Proof {
    fn profile(self) -> OutputProfile {
        match self {
            Proof::Screen => OutputProfile::Screen,
            Proof::Print => OutputProfile::Print,
        }
    }
}

/// One copy the preview shows: a briefing, or one recipient's copy.
#[derive(Debug, Clone)]
pub struct Copy {
    pub file: PathBuf,
    pub recipient: Option<usize>,
    /// The PDF's name without `.pdf`: how the page's address names it.
    pub name: String,
    /// The briefing's name (its file name without `.yaml`).
    pub briefing: String,
}

/// A copy laid out, or why it could not be.
pub type Laid = std::result::Result<Arc<Shown>, Arc<Error>>;

/// A copy laid out, and where its paragraphs came from.
pub struct Shown {
    pub laid: LaidOut,
    pub sources: svg::Sources,
}

impl std::ops::Deref for Shown {
    type Target = LaidOut;
    fn deref(&self) -> &LaidOut {
        &self.laid
    }
}

/// What the preview knows: the copies, and each one laid out.
#[derive(Default)]
pub struct State {
    pub copies: Vec<Copy>,
    /// Why the briefings could not be listed, if they could not.
    pub list_error: Option<String>,
    /// The copies laid out, by name and proof; the screen's always, the
    /// print's once asked for.
    pub laid: BTreeMap<(String, Proof), Laid>,
    /// Counts the changes, so an open page knows it has the latest.
    pub version: u64,
    /// The version at which each copy was last laid out, by name.
    pub changed: BTreeMap<String, u64>,
    /// How many pages show each copy now: those are laid out first.
    pub shown: BTreeMap<String, usize>,
    /// The version of each copy last sent to a page that shows it.
    pub sent: BTreeMap<String, u64>,
}

impl State {
    pub fn copy(&self, name: &str) -> Option<&Copy> {
        self.copies.iter().find(|c| c.name == name)
    }
}

/// The state shared by the server and the builder, and a signal for each
/// rebuild.
pub struct Shared {
    pub state: Mutex<State>,
    pub rebuilt: Condvar,
    /// Signalled when a page has been sent a copy laid out again.
    pub sent: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `handbill preview` until it is stopped. `list` gives the jobs for
/// the briefings named on the command line, as `build` would.
pub fn run(
    settings: &Settings,
    list: &'static (dyn Fn(&[PathBuf]) -> Result<Vec<Job>> + Sync),
) -> Result<ExitCode> {
    let project = std::env::current_dir()
        .map_err(|e| Error::io(Path::new("."), "read the current folder", &e))?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        rebuilt: Condvar::new(),
        sent: Condvar::new(),
    });
    let mut changes = Changes::new(watch::DEBOUNCE)?;
    let paths = settings.paths.clone();
    let watching = shared.clone();
    // The builder's memo stays on its thread: everything is laid out there,
    // the first time too.
    std::thread::Builder::new()
        .name("preview-builder".into())
        .spawn(move || {
            let mut builder = Builder::new(paths, list);
            builder.rebuild(&watching, None, &mut changes);
            watching.rebuilt.notify_all();
            while let Some(rebuild) = changes.wait() {
                builder.rebuild(&watching, Some(&rebuild.briefings), &mut changes);
                watching.rebuilt.notify_all();
            }
        })
        .map_err(|e| Error::new(format!("cannot start the preview's builder: {e}")))?;
    {
        // Served once the briefings are listed and the first is laid out
        // (or the list could not be made, or lists none).
        let mut state = shared.lock();
        while state.version == 0
            || (state.laid.is_empty() && !state.copies.is_empty() && state.list_error.is_none())
        {
            state = shared
                .rebuilt
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
    let server = http::Server::bind(settings.port)?;
    let url = format!("http://127.0.0.1:{}/", server.port());
    outln!("preview of the briefings at {url}");
    outln!("press Ctrl-C to stop");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if !settings.no_open {
        open_browser(&url);
    }
    server.serve(&http::Context {
        shared,
        project,
        editor: settings.editor.clone(),
    });
    Ok(ExitCode::SUCCESS)
}

/// Lays out the copies, keeping what it remembers from one rebuild to the
/// next.
struct Builder {
    paths: Vec<PathBuf>,
    list: &'static (dyn Fn(&[PathBuf]) -> Result<Vec<Job>> + Sync),
    memo: LayoutMemo,
    /// What each briefing read, by its file.
    inputs: BTreeMap<PathBuf, Inputs>,
    pictures: ScreenPictures,
}

impl Builder {
    fn new(
        paths: Vec<PathBuf>,
        list: &'static (dyn Fn(&[PathBuf]) -> Result<Vec<Job>> + Sync),
    ) -> Builder {
        Builder {
            paths,
            list,
            memo: LayoutMemo::new(),
            inputs: BTreeMap::new(),
            pictures: ScreenPictures::new(),
        }
    }

    /// Lists the briefings again and lays out the copies of `only` (the
    /// real paths of briefing files; none: all), for the screen and for
    /// print where print was asked for; then watches what they read.
    fn rebuild(
        &mut self,
        shared: &Shared,
        only: Option<&std::collections::BTreeSet<PathBuf>>,
        changes: &mut Changes,
    ) {
        let listed = (self.list)(&self.paths);
        let jobs = match listed {
            Ok(jobs) => jobs,
            Err(e) => {
                let mut state = shared.lock();
                state.list_error = Some(e.to_string());
                state.version += 1;
                return;
            }
        };
        // The start page lists every copy at once, each "not laid out yet"
        // until it is: listed only once all were laid out, the first page
        // served said "No briefings found." while the others were.
        {
            let copies: Vec<Copy> = jobs.iter().map(copy_of).collect();
            let mut state = shared.lock();
            let names: std::collections::BTreeSet<&str> =
                copies.iter().map(|c| c.name.as_str()).collect();
            state
                .laid
                .retain(|(name, _), _| names.contains(name.as_str()));
            state.copies = copies;
            state.list_error = None;
            state.version += 1;
        }
        shared.rebuilt.notify_all();
        let concerned =
            |file: &Path| only.is_none_or(|o| file.canonicalize().is_ok_and(|f| o.contains(&f)));
        let (asked, open) = {
            let state = shared.lock();
            let asked: Vec<(String, Proof)> = state
                .laid
                .keys()
                .filter(|(_, p)| *p == Proof::Print)
                .cloned()
                .collect();
            (asked, state.shown.clone())
        };
        // The copies open in a browser first, each published as soon as it
        // is laid out.
        let mut todo: Vec<&Job> = jobs.iter().filter(|j| concerned(&j.file)).collect();
        todo.sort_by_key(|j| open.get(&j.name).is_none_or(|n| *n == 0));
        let mut prepared: BTreeMap<PathBuf, std::result::Result<Prepared, Arc<Error>>> =
            BTreeMap::new();
        // The copies on screen, and the version each was laid out at.
        let mut on_screen: Vec<(String, u64)> = Vec::new();
        for (i, job) in todo.iter().enumerate() {
            let open_now = open.get(&job.name).is_some_and(|n| *n > 0);
            if !open_now && !on_screen.is_empty() {
                until_sent(shared, &std::mem::take(&mut on_screen));
            }
            // A new edit goes before the copies nobody is looking at: they
            // are laid out with it, once its pages are on screen. Each
            // rebuild lays out one copy at least, so that saves in quick
            // succession with no page open still move the copies on.
            if i > 0 && !open_now && changes.arrived() {
                let later = todo[i..].iter().filter_map(|j| j.file.canonicalize().ok());
                changes.put_off(later);
                break;
            }
            let ready = prepared
                .entry(job.file.clone())
                .or_insert_with(|| match &job.briefing {
                    Ok(b) => {
                        self.inputs.insert(job.file.clone(), batch::inputs(b));
                        Prepared::new((**b).clone()).map_err(Arc::new)
                    }
                    Err(e) => {
                        self.inputs.insert(
                            job.file.clone(),
                            Inputs {
                                files: vec![job.file.clone()],
                                folders: Vec::new(),
                            },
                        );
                        Err(Arc::new(e.clone()))
                    }
                });
            let mut proofs = vec![Proof::Screen];
            if asked.contains(&(job.name.clone(), Proof::Print)) {
                proofs.push(Proof::Print);
            }
            let mut laid = Vec::new();
            for proof in proofs {
                let result = match ready {
                    Ok(p) => Build::of(p)
                        .recipient(job.recipient)
                        .profile(proof.profile())
                        .memo(&self.memo)
                        .lay_out()
                        .and_then(|laid| for_proof(laid, proof, &mut self.pictures))
                        .map(|laid| shown(laid, p))
                        .map_err(Arc::new),
                    Err(e) => Err(e.clone()),
                };
                laid.push(((job.name.clone(), proof), result));
            }
            let mut state = shared.lock();
            state.laid.extend(laid);
            state.version += 1;
            let version = state.version;
            state.changed.insert(job.name.clone(), version);
            drop(state);
            shared.rebuilt.notify_all();
            if open_now {
                on_screen.push((job.name.clone(), version));
            }
        }
        let files: std::collections::BTreeSet<&PathBuf> = jobs.iter().map(|j| &j.file).collect();
        self.inputs.retain(|f, _| files.contains(f));
        shared.lock().version += 1;
        let folders = watch::briefing_folders(&self.paths);
        for w in changes.set(Watched::new(&self.inputs, &folders, Path::new(""))) {
            errln!("warning: {w}");
        }
    }
}

/// Waits, for a little while at most, until the pages showing `copies`
/// have been sent the versions given: the copies on screen are drawn and
/// sent before the others are laid out, which would take the processor
/// from them.
fn until_sent(shared: &Shared, copies: &[(String, u64)]) {
    const AT_MOST: std::time::Duration = std::time::Duration::from_millis(250);
    let start = std::time::Instant::now();
    let mut state = shared.lock();
    loop {
        let waiting = copies.iter().any(|(name, version)| {
            state.shown.get(name).is_some_and(|n| *n > 0)
                && state.sent.get(name).is_none_or(|s| s < version)
        });
        let left = AT_MOST.saturating_sub(start.elapsed());
        if !waiting || left.is_zero() {
            return;
        }
        state = shared
            .sent
            .wait_timeout(state, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

fn copy_of(job: &Job) -> Copy {
    Copy {
        file: job.file.clone(),
        recipient: job.recipient,
        name: job.name.clone(),
        briefing: job
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Lays out one copy for `proof` on the server's thread, when a page asks
/// for a proof not laid out yet.
fn lay_out_now(copy: &Copy, proof: Proof) -> Laid {
    let prepared = Prepared::read(&copy.file).map_err(Arc::new)?;
    Build::of(&prepared)
        .recipient(copy.recipient)
        .profile(proof.profile())
        .lay_out()
        .and_then(|laid| for_proof(laid, proof, &mut ScreenPictures::new()))
        .map(|laid| shown(laid, &prepared))
        .map_err(Arc::new)
}

/// A copy laid out, with the sources of its paragraphs found.
fn shown(laid: LaidOut, prepared: &Prepared) -> Arc<Shown> {
    let sources = source::find(
        &laid.pages,
        &prepared.selection.sections,
        &prepared.briefing.project,
    );
    Arc::new(Shown { laid, sources })
}

/// The pictures as the PDF of `proof` holds them: for the screen, brought
/// down to the resolution the screen needs, as the screen PDF does.
/// What the screen's pictures were brought down from, with what they
/// became: by the original's bytes (hashed), the size and resolution. A
/// rebuild after an edit to the text finds them here.
pub type ScreenPictures = BTreeMap<(u64, u32, u32, u32), crate::picture::Picture>;

fn for_proof(mut laid: LaidOut, proof: Proof, kept: &mut ScreenPictures) -> Result<LaidOut> {
    if proof == Proof::Print {
        return Ok(laid);
    }
    let mut largest: BTreeMap<String, (f32, f32)> = BTreeMap::new();
    for page in &laid.pages.pages {
        for placed in &page.items {
            if let crate::layout::Item::Image {
                key, width, height, ..
            } = &placed.item
            {
                let e = largest.entry(key.clone()).or_default();
                *e = (e.0.max(*width), e.1.max(*height));
            }
        }
    }
    let ppi = laid
        .screen_ppi
        .unwrap_or(crate::picture::DEFAULT_SCREEN_PPI);
    for (key, pic) in &mut laid.pictures {
        let Some(size) = largest.get(key) else {
            continue;
        };
        let id = (
            xxhash_rust::xxh3::xxh3_64(&pic.data),
            size.0.to_bits(),
            size.1.to_bits(),
            ppi.to_bits(),
        );
        if let Some(small) = kept.get(&id) {
            *pic = small.clone();
        } else if let Some(small) = crate::pdf::resample::for_screen(key, pic, *size, ppi)? {
            // Old versions of edited pictures go, in one sweep.
            if kept.len() >= 64 {
                kept.clear();
            }
            kept.insert(id, small.clone());
            *pic = small;
        }
    }
    Ok(laid)
}

/// Opens `url` in the user's browser: `$BROWSER` if set, else `xdg-open`
/// (`open` on macOS). If neither works, the address printed is enough.
fn open_browser(url: &str) {
    let program = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".into()
            } else {
                "xdg-open".into()
            }
        });
    let started = std::process::Command::new(&program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match started {
        // Waited for on a thread of its own, so it leaves no zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => errln!("note: could not start `{program}`: open {url} in your browser"),
    }
}
