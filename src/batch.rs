//! Batch builds: many briefings at once, in parallel, skipping those whose
//! inputs have not changed since the last build, writing each PDF atomically.
//!
//! The jobs are the briefing files in a stable (sorted) order, so `--shard
//! K/N` gives every machine of a spread-out batch a fixed, disjoint slice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use xxhash_rust::xxh3::Xxh3;

use crate::error::{Error, ErrorKind, Result};
use crate::layout::LayoutMemo;
use crate::model::{Briefing, Password};
use crate::passwords::{self, Locks};
use crate::pdf::subsets;
use crate::{Build, BuildOptions, Built, LaidOut, Prepared, load, template, write_atomically};

mod manifest;
mod stale;
mod workers;

use manifest::{Entry, Records};
pub use manifest::{JOURNAL, MANIFEST};
pub use stale::{Stale, changed_warning, remove_unlisted};
pub use workers::{Report, Workers};

/// One slice of a batch: the K-th of N (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad =
            || format!("`{s}` is not a shard: write K/N, e.g. 2/4 for the second of four slices");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// Keeps the jobs of one shard: job i belongs to shard (i mod N) + 1, so
/// slices stay balanced and stable as long as the job list is.
pub fn shard<T>(jobs: Vec<T>, shard: Option<Shard>) -> Vec<T> {
    match shard {
        None => jobs,
        Some(s) => jobs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % s.count == s.index - 1)
            .map(|(_, j)| j)
            .collect(),
    }
}

/// One PDF to build: a briefing, or one recipient's copy of it.
#[derive(Debug, Clone)]
pub struct Job {
    pub file: PathBuf,
    /// The recipient's place in the briefing's `recipients:`.
    pub recipient: Option<usize>,
    /// The PDF's name without `.pdf`: `briefing` or `briefing-recipient`.
    pub name: String,
    /// The briefing, read once for all its jobs and then handed on as it
    /// is; or why it could not be read (then it is one job, which fails
    /// with the reason).
    pub briefing: Result<Arc<Briefing>>,
}

impl Job {
    /// Whether the briefing could be read: only then are its jobs the PDFs
    /// it makes now.
    pub fn briefing_read(&self) -> bool {
        self.briefing.is_ok()
    }
}

/// The jobs for `files`, in order: one per briefing, or one per recipient.
/// A briefing that cannot be read is one job, which then fails with the
/// reason.
pub fn jobs(files: &[PathBuf]) -> Vec<Job> {
    let mut out = Vec::new();
    for file in files {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match load::load_briefing(file).map(Arc::new) {
            Ok(b) if !b.recipients.is_empty() => {
                for (i, r) in b.recipients.iter().enumerate() {
                    out.push(Job {
                        file: file.clone(),
                        recipient: Some(i),
                        name: r.value.copy_name(&stem),
                        briefing: Ok(b.clone()),
                    });
                }
            }
            read => out.push(Job {
                file: file.clone(),
                recipient: None,
                name: stem,
                briefing: read,
            }),
        }
    }
    out
}

/// The files a briefing's PDFs are built from, as its last build read
/// them: what a watch has to look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Each file read: the briefing, its profile's files, its pictures and
    /// logo, its format and template (or where the project's own would be),
    /// its recipients file, its theme's files (or where they would be).
    pub files: Vec<PathBuf>,
    /// Folders every file of which counts, a new one too: the profile's,
    /// the project's `words/` and `fonts/` (or where they would be).
    pub folders: Vec<PathBuf>,
}

/// What happened to one briefing.
#[derive(Debug)]
pub enum Outcome {
    /// Built, and written to `path` unless the batch was a dry run. The
    /// report (see [`run`]) sees the PDF's bytes; in the outcomes a batch
    /// returns, a written PDF's bytes are gone (`built.pdf` and
    /// `built.imposed` are empty): they are in the file, and a batch of a
    /// thousand copies would otherwise hold them all until its end.
    Built {
        built: Box<Built>,
        path: PathBuf,
    },
    Unchanged {
        path: PathBuf,
    },
    Failed(Box<Error>),
}

/// A batch's settings.
#[derive(Debug, Clone)]
pub struct Batch {
    pub out: PathBuf,
    pub options: BuildOptions,
    pub jobs: usize,
    /// Rebuild even when nothing changed.
    pub force: bool,
    /// Build and check, but write nothing.
    pub dry_run: bool,
    /// The process ends as the batch does (a command's one run, not
    /// watch's): what the build threads hold at the end, their layout
    /// memos and the last briefing's reading, is left for the operating
    /// system to take back at once, not let go of piece by piece (some
    /// 35 ms of a 1,000-page pack's build; docs/decisions.md).
    pub process_ends_after: bool,
}

/// The stack of each build thread. Every recursive walk (the markup tree,
/// the layout, the PDF's structure tree) is bounded by
/// [`crate::markup::MAX_DEPTH`]; a document at that depth needs less than a
/// quarter of this (`tests/runaway.rs` builds one on a quarter), so a deep
/// input is refused with a message, never a crash that ends the batch.
pub const STACK_SIZE: usize = 16 << 20;

/// Runs `files` through the pipeline on `batch.jobs` threads. `report` is
/// called as each finishes (from worker threads, one at a time). The
/// outcomes come back in the order of `files`.
pub fn run(
    jobs: &[Job],
    batch: &Batch,
    report: &(dyn Fn(usize, &Job, &Outcome) + Sync),
) -> Vec<Outcome> {
    run_with_inputs(jobs, batch, report).0
}

/// [`run`], and the files each briefing was built from, by briefing file
/// (none for a briefing that could not be read, or in a dry run).
pub fn run_with_inputs(
    jobs: &[Job],
    batch: &Batch,
    report: &(dyn Fn(usize, &Job, &Outcome) + Sync),
) -> (Vec<Outcome>, BTreeMap<PathBuf, Inputs>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = Run::new(jobs, batch, cores);
    let builders = batch.jobs.clamp(1, jobs.len().max(1));
    // One pool: `builders` of its threads take the jobs, each until none
    // are left, and the others (one briefing on two cores) are free for
    // what a build hands on, a briefing's sections to read and each drawn
    // page to compress. A page's compression waits for a free thread
    // instead of taking a core from the build that drew it. What a thread
    // remembers of the copies it lays out goes with it.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(builders.max(cores))
        .stack_size(STACK_SIZE)
        .thread_name(|n| format!("build-{n}"))
        .build();
    // With none started, `finish` tells each job the build did not run.
    if let Ok(pool) = pool {
        pool.broadcast(|thread| {
            if thread.index() < builders {
                let memo = LayoutMemo::new();
                run.work(&memo, report);
                if batch.process_ends_after {
                    std::mem::forget(memo);
                }
            }
        });
    }
    run.finish()
}

/// One batch: its jobs and what its workers share, taken by whichever
/// worker is free ([`Run::work`]); the outcomes once all are done
/// ([`Run::finish`]).
pub(crate) struct Run {
    jobs: Vec<Job>,
    batch: Batch,
    records: Records,
    /// What this batch wrote, for the manifest at the end.
    written: Mutex<Records>,
    /// The copies of one briefing share its reading and checking: one entry
    /// per briefing file, filled by whichever thread needs it first.
    shared: BTreeMap<PathBuf, Shared>,
    next: AtomicUsize,
    results: Mutex<Vec<Option<Outcome>>>,
    done: AtomicUsize,
    report_lock: Mutex<()>,
    /// A command's one job, with a core to spare: its font subsets are
    /// made ahead on the other ([`crate::pdf::subsets`]). Not in watch,
    /// whose rebuilds find most of them from the build before.
    subsets_ahead: bool,
}

impl Run {
    /// A run of `jobs` on a computer of `cores` cores.
    pub(crate) fn new(jobs: &[Job], batch: &Batch, cores: usize) -> Run {
        if !batch.dry_run {
            remove_stale_temporaries(&batch.out);
        }
        let mut shared: BTreeMap<PathBuf, Shared> = BTreeMap::new();
        for job in jobs {
            let one = shared.entry(job.file.clone()).or_insert_with(|| Shared {
                key: briefing_key(&job.file),
                briefing: job.briefing.clone(),
                inputs: OnceLock::new(),
                prepared: Mutex::new(None),
                jobs_left: AtomicUsize::new(0),
                locks: None,
                told: AtomicBool::new(false),
            });
            *one.jobs_left.get_mut() += 1;
        }
        // The passwords of encrypted briefings, settled before any copy is
        // built: generating one writes the passwords file. A check encrypts
        // nothing.
        if !batch.dry_run {
            for (file, one) in shared.iter_mut() {
                if let Ok(briefing) = &one.briefing
                    && briefing.encrypt.is_some()
                {
                    // Fewer jobs than copies: a slice of a `--shard` build.
                    let sharded = jobs.iter().filter(|j| j.file == *file).count()
                        < passwords::copies(briefing).len();
                    let print = batch.options.for_print();
                    one.locks = Some(
                        passwords::check_profile(briefing, print, batch.options.pdf.archival)
                            .and_then(|()| passwords::lock(briefing, &batch.out, sharded)),
                    );
                }
            }
        }
        Run {
            jobs: jobs.to_vec(),
            batch: batch.clone(),
            records: manifest::read(&batch.out),
            written: Mutex::new(Records::new()),
            shared,
            next: AtomicUsize::new(0),
            results: Mutex::new(jobs.iter().map(|_| None).collect()),
            done: AtomicUsize::new(0),
            report_lock: Mutex::new(()),
            subsets_ahead: jobs.len() == 1 && batch.process_ends_after && cores > 1,
        }
    }

    /// Builds jobs not yet taken until there are none, with the worker's
    /// `memo`. `report` is called as each finishes, one at a time.
    pub(crate) fn work(&self, memo: &LayoutMemo, report: &(dyn Fn(usize, &Job, &Outcome) + Sync)) {
        loop {
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            let Some(job) = self.jobs.get(i) else { break };
            let shared = &self.shared[job.file.as_path()];
            // A bug in handbill must not take the rest of the batch down.
            let mut outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_one(job, &self.batch, &self.records, &self.written, shared, memo, self.subsets_ahead)))
                .unwrap_or_else(|_| {
                    // Nothing of a copy cut short is kept.
                    memo.clear();
                    Outcome::Failed(Box::new(
                        Error::new(format!("handbill stopped on an internal error while building {}", job.file.display()))
                            .help("this is a bug in handbill, not in your files: please report it with the briefing and profile that caused it")
                            .kind(ErrorKind::Internal),
                    ))
                });
            if shared.jobs_left.fetch_sub(1, Ordering::SeqCst) == 1 {
                let prepared = (shared.prepared.lock())
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                // Each briefing's is let go of but the batch's last.
                let last = self.next.load(Ordering::SeqCst) >= self.jobs.len();
                if self.batch.process_ends_after && last {
                    std::mem::forget(prepared);
                } else {
                    drop(prepared);
                }
            }
            let n = self.done.fetch_add(1, Ordering::SeqCst) + 1;
            {
                let _one_at_a_time = self.report_lock.lock().unwrap_or_else(|e| e.into_inner());
                report(n, job, &outcome);
            }
            if let Outcome::Built { built, .. } = &mut outcome
                && !self.batch.dry_run
            {
                built.pdf = Vec::new();
                built.imposed = None;
            }
            self.results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
        }
    }

    /// The outcomes in the order of the jobs, and the files each briefing
    /// was built from; the manifest brought up to date.
    pub(crate) fn finish(&self) -> (Vec<Outcome>, BTreeMap<PathBuf, Inputs>) {
        if !self.batch.dry_run {
            let written =
                std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
            // A manifest that cannot be written only costs a rebuild next time.
            let _ = manifest::compact(&self.batch.out, &written);
        }
        let inputs = self
            .shared
            .iter()
            .filter_map(|(file, s)| Some((file.clone(), s.inputs.get()?.as_ref().ok()?.2.clone())))
            .collect();
        let results = std::mem::take(&mut *self.results.lock().unwrap_or_else(|e| e.into_inner()));
        let outcomes = results
            .into_iter()
            .map(|o| {
                o.unwrap_or_else(|| Outcome::Failed(Box::new(Error::new("the build did not run"))))
            })
            .collect();
        (outcomes, inputs)
    }
}

/// A fingerprint of a briefing's inputs, its recipients as text, and the
/// files it read.
type Fingerprint = (String, Vec<String>, Inputs);

/// What the jobs of one briefing file share, each part made once.
struct Shared {
    /// The briefing as the manifest names it (see [`briefing_key`]).
    key: String,
    /// The briefing as the job list read it.
    briefing: Result<Arc<Briefing>>,
    /// The fingerprint of the briefing's inputs, with its recipients and
    /// the files it read.
    inputs: OnceLock<Result<Fingerprint>>,
    /// Read by the first copy to need it (the others wait), and let go
    /// when the briefing's last copy is done: a batch of many briefings
    /// holds only those being built, not each one's document and pictures
    /// to the end.
    prepared: Mutex<Option<Result<Arc<Prepared>>>>,
    /// The briefing's jobs not yet done.
    jobs_left: AtomicUsize,
    /// The copies' passwords, for a briefing that says `encrypt:`.
    locks: Option<Result<Locks>>,
    /// Whether a copy has told of new passwords in the passwords file.
    told: AtomicBool,
}

fn run_one(
    job: &Job,
    batch: &Batch,
    records: &Records,
    written: &Mutex<Records>,
    shared: &Shared,
    memo: &LayoutMemo,
    ahead: bool,
) -> Outcome {
    let started = Instant::now();
    let file = &job.file;
    let (password, secret): (Option<&Password>, &[u8]) = match &shared.locks {
        None => (None, &[]),
        Some(Err(e)) => {
            return Outcome::Failed(Box::new(
                e.clone().context(format!("building {}", file.display())),
            ));
        }
        Some(Ok(locks)) => (locks.passwords.get(&job.name), &locks.secret),
    };
    let target = batch.out.join(format!("{}.pdf", job.name));
    let key = format!("{}.pdf", job.name);
    let fingerprint_inputs = || {
        shared
            .inputs
            .get_or_init(|| {
                let briefing = shared.briefing.as_ref().map_err(Clone::clone)?;
                briefing_fingerprint(briefing, &batch.options)
            })
            .clone()
    };
    let prepare_shared = || {
        let mut prepared = shared.prepared.lock().unwrap_or_else(|e| e.into_inner());
        prepared
            .get_or_insert_with(|| {
                let briefing = shared.briefing.as_ref().map_err(Clone::clone)?;
                Prepared::new(Briefing::clone(briefing)).map(Arc::new)
            })
            .clone()
    };
    let copy_of = |inputs: Result<Fingerprint>| {
        inputs.map(|(base, recipients, _)| {
            copy_fingerprint(&base, job.recipient.and_then(|i| recipients.get(i)))
        })
    };
    // `laid_out` runs between the layout and the PDF (see below); the
    // subsets it has another thread make, the PDF's end waits for.
    type LaidOutHook<'h> = &'h mut dyn FnMut(&LaidOut) -> Option<Arc<subsets::Ahead>>;
    let build_from = |prepared: Result<Arc<Prepared>>, laid_out: LaidOutHook| {
        prepared.and_then(|p| {
            let mut build = Build::of(&p)
                .recipient(job.recipient)
                .options(&batch.options)
                .memo(memo);
            // Every other copy of the briefing is done: nothing will make
            // markup from its data again.
            if shared.jobs_left.load(Ordering::SeqCst) == 1 {
                build = build.last_copy();
            }
            if let Some(password) = password {
                build = build.encrypt(password, secret);
            }
            let laid = build.lay_out()?;
            build.options.pdf.subsets_ahead = laid_out(&laid);
            let mut built = build.pdf_of(laid)?;
            // The copy's time counts its share of the reading too.
            built.took = started.elapsed();
            Ok(built)
        })
    };
    // When the PDF will be built whatever its fingerprint (`--force`, a
    // check, or nothing recorded), the fingerprint is needed only to record
    // the build: it is worked out on a second core while this one writes
    // the PDF (the reading before has the template compiling on the second
    // core, the layout a helper setting paragraphs ahead).
    let build_for_sure = batch.force || batch.dry_run || !records.contains_key(&key);
    let (fingerprint, result) = if build_for_sure {
        let prepared = prepare_shared();
        let fingerprinting = shared.inputs.get().is_none() && !batch.dry_run;
        let mut fingerprinted = None;
        let result = rayon::in_place_scope(|s| {
            let (slot, inputs) = (&mut fingerprinted, &fingerprint_inputs);
            // One job, in this order: the end of the PDF looks for the
            // subsets, only the manifest's record needs the fingerprint.
            // (A second job, left queued while the other core made the
            // subsets, would be taken up by this thread as it waits on
            // krilla, which works on queued jobs while it waits.)
            let mut other_core = Some(move |subsets: Option<Arc<subsets::Ahead>>| {
                s.spawn(move |_| {
                    if let Some(subsets) = subsets {
                        subsets.make();
                    }
                    if fingerprinting {
                        *slot = Some(inputs());
                    }
                });
            });
            build_from(prepared.clone(), &mut |laid| {
                let subsets = (ahead.then(|| subsets::Ahead::of(&laid.pages)))
                    .flatten()
                    .map(Arc::new);
                if (subsets.is_some() || fingerprinting)
                    && let Some(start) = other_core.take()
                {
                    start(subsets.clone());
                }
                subsets
            })
        });
        let inputs = match fingerprinted {
            Some(inputs) => inputs,
            None if batch.dry_run => Ok(Default::default()),
            None => fingerprint_inputs(),
        };
        (copy_of(inputs), result)
    } else {
        let fingerprint = copy_of(fingerprint_inputs());
        if let Ok(fingerprint) = &fingerprint {
            // The inputs are the same and the PDF (and its imposed copy, if
            // the same options made one) is still the one written. The
            // manifest keeps nothing of a password: a changed one shows as
            // one the PDF refuses.
            let imposed = batch.out.join(format!("{}-imposed.pdf", job.name));
            if let Some(entry) = records.get(&key)
                && entry.inputs == *fingerprint
                && !entry.failed
                && holds(&target, &entry.output)
                && password.is_none_or(|p| {
                    std::fs::read(&target).is_ok_and(|b| crate::pdf::encrypt::opens(&b, p.reveal()))
                })
                && entry.imposed.as_ref().is_none_or(|h| holds(&imposed, h))
            {
                return Outcome::Unchanged { path: target };
            }
        }
        match fingerprint {
            Ok(_) => (fingerprint, build_from(prepare_shared(), &mut |_| None)),
            Err(e) => (Err(e.clone()), Err(e)),
        }
    };
    // A build that fails says why; one whose inputs could not be read for
    // the fingerprint (which the build read too) is not written.
    let result = result.and_then(|mut built| {
        let fingerprint = fingerprint?;
        if password.is_some()
            && let Some(Ok(Locks {
                written: Some(passwords_file),
                ..
            })) = &shared.locks
            && !shared.told.swap(true, Ordering::SeqCst)
        {
            built.warnings.push(passwords::notice(passwords_file));
        }
        if !batch.dry_run {
            let entry = Entry {
                briefing: shared.key.clone(),
                inputs: fingerprint,
                output: hex(hash_bytes(&built.pdf)),
                imposed: built.imposed.as_ref().map(|b| hex(hash_bytes(b))),
                failed: false,
            };
            // Journaled before it lands, so that no PDF is ever in the
            // folder unrecorded: a kill in between costs a rebuild, as the
            // file does not match. (If the folder cannot be made, writing
            // the PDF says so.)
            let _ = std::fs::create_dir_all(&batch.out);
            let journaled = manifest::record(&batch.out, &key, &entry);
            if let Some(imposed) = &built.imposed {
                write_atomically(
                    &batch.out.join(format!("{}-imposed.pdf", job.name)),
                    imposed,
                )?;
            }
            write_atomically(&target, &built.pdf)?;
            drop(journaled);
            written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key.clone(), entry);
        }
        Ok(built)
    });
    match result {
        Ok(built) => Outcome::Built {
            built: Box::new(built),
            path: target,
        },
        Err(e) => {
            if !batch.dry_run {
                mark_failed(&batch.out, &key, &target, records, written);
            }
            Outcome::Failed(Box::new(e.context(format!("building {}", file.display()))))
        }
    }
}

/// Marks in the manifest that the PDF at `target`, still as handbill
/// wrote it, is out of date: its build just failed and left it as it was.
fn mark_failed(out: &Path, key: &str, target: &Path, records: &Records, written: &Mutex<Records>) {
    let Some(entry) = records.get(key) else {
        return;
    };
    if entry.failed || !holds(target, &entry.output) {
        return;
    }
    let entry = Entry {
        failed: true,
        ..entry.clone()
    };
    drop(manifest::record(out, key, &entry));
    written
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.to_string(), entry);
}

/// The files `briefing`'s PDFs are built from (what a watch looks at),
/// without building anything.
pub fn inputs(briefing: &Briefing) -> Inputs {
    briefing_fingerprint(briefing, &BuildOptions::default()).map_or_else(
        |_| Inputs {
            files: vec![briefing.file.clone()],
            folders: Vec::new(),
        },
        |(_, _, read)| read,
    )
}

/// Whether the manifest in `out` marks the PDF `name` (`NAME.pdf`) out of
/// date because its last build failed.
pub fn out_of_date(out: &Path, name: &str) -> bool {
    manifest::read(out).get(name).is_some_and(|e| e.failed)
}

/// Whether a file is an editor's swap, backup or lock file, or a temporary
/// file being written (vim's `.x.swp` and `4913`, emacs's `x~`, `.#x` and
/// `#x#`, handbill's own `.x.pdf.PID.tmp`): never an input.
pub fn editor_junk(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    name == "4913"
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".part"]
            .iter()
            .any(|x| name.ends_with(x))
}

/// One copy's fingerprint: the briefing's, and the recipient it is for.
fn copy_fingerprint(base: &str, recipient: Option<&String>) -> String {
    match recipient {
        None => base.to_string(),
        Some(r) => {
            let mut h = Xxh3::with_seed(SEED);
            h.update(base.as_bytes());
            h.update(r.as_bytes());
            format!("{:032x}", h.digest128())
        }
    }
}

/// A fingerprint of everything a briefing's PDFs depend on: the briefing,
/// every file of its profile, its pictures and logo, its format and
/// template, the theme, handbill itself and the build options; and its
/// recipients as text, for [`copy_fingerprint`]; and the files it read.
fn briefing_fingerprint(briefing: &Briefing, options: &BuildOptions) -> Result<Fingerprint> {
    fn feed(h: &mut Xxh3, label: &str, bytes: &[u8]) {
        h.update(label.as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let mut h = Xxh3::with_seed(SEED);
    feed(&mut h, "version", env!("CARGO_PKG_VERSION").as_bytes());
    // A rebuilt handbill of the same version may set text differently: its
    // size and date tell it apart (the manifest is this machine's own).
    feed(&mut h, "program", program_stamp().as_bytes());
    feed(&mut h, "options", format!("{:?}", options).as_bytes());
    feed(&mut h, "theme", crate::theme::DEFAULT_THEME.as_bytes());
    feed(&mut h, "briefing", briefing.text.as_bytes());
    let mut read = Inputs {
        files: vec![briefing.file.clone()],
        folders: Vec::new(),
    };
    let dir = load::profiles_folder(briefing).join(&briefing.profile.value);
    let mut files = Vec::new();
    collect_files(&briefing.project, &dir, &mut files, &mut read.folders);
    files.sort();
    // A password file in the profile's folder stays out: the manifest
    // keeps nothing a password could be guessed from.
    if let Some(e) = &briefing.encrypt
        && let Some(p) = e.value.password_file.as_ref()
        && let Some(path) = crate::project::open(&briefing.project, p).ok()
    {
        files.retain(|f| *f != path);
    }
    for f in &files {
        feed_file(&mut h, &briefing.project, f);
    }
    read.files.extend(files);
    // Pictures named by the profile, wherever in the project they are.
    if let Ok(images) = load::profile_images(&dir) {
        for asset in images.values() {
            if let Ok(p) = crate::project::open(&briefing.project, &asset.file) {
                feed_file(&mut h, &briefing.project, &p);
                read.files.push(p);
            }
        }
    }
    if let Some(logo) = &briefing.logo
        && let Some(p) = crate::project::open(&briefing.project, &logo.value).ok()
    {
        h.update(b"logo");
        feed_file(&mut h, &briefing.project, &p);
        read.files.push(p);
    }
    match crate::format::for_briefing(briefing) {
        Ok(f) => feed(&mut h, "format", format!("{f:?}").as_bytes()),
        Err(_) => feed(
            &mut h,
            "format",
            format!("{:?}", briefing.format).as_bytes(),
        ),
    }
    // The project's format file, or where one would take the built-in's place.
    let format = briefing.format.as_ref().map_or_else(
        || crate::format::default_for_template(&briefing.template.value),
        |f| f.value.as_str(),
    );
    read.files.push(crate::project::join(
        &briefing.project,
        &Path::new("formats").join(format!("{format}.yaml")),
    ));
    match template::find(briefing) {
        Ok(t) => {
            feed(&mut h, "template", t.text.as_bytes());
            if t.path.is_file() {
                read.files.push(t.path);
            }
        }
        Err(_) => {
            feed(&mut h, "template", briefing.template.value.as_bytes());
            // A template not made yet: the briefing builds once it is.
            if briefing.template.value.ends_with(".hbs") {
                read.files.push(crate::project::join(
                    &briefing.project,
                    Path::new(&briefing.template.value),
                ));
            }
        }
    }
    read.files.extend(briefing.recipients_file.clone());
    // The project's fixed words, in whichever language (the briefing may
    // take its language from the profile); a new word file counts too.
    let words_folder = crate::project::join(&briefing.project, Path::new("words"));
    let mut words = Vec::new();
    collect_files(
        &briefing.project,
        &words_folder,
        &mut words,
        &mut read.folders,
    );
    words.sort();
    for f in &words {
        feed_file(&mut h, &briefing.project, f);
    }
    // The project's theme files the briefing's theme is read from, and a
    // `themes/default.yaml` that would take the built-in's place.
    for f in crate::theme::file::files_for(briefing) {
        feed_file(&mut h, &briefing.project, &f);
        read.files.push(f);
    }
    // The project's fonts: any may be the family a theme names.
    let fonts_folder = crate::project::join(
        &briefing.project,
        Path::new(crate::layout::font_book::FONTS_FOLDER),
    );
    let mut fonts = Vec::new();
    collect_files(
        &briefing.project,
        &fonts_folder,
        &mut fonts,
        &mut read.folders,
    );
    fonts.sort();
    for f in &fonts {
        feed_file(&mut h, &briefing.project, f);
    }
    read.files.extend(fonts);
    // Names and roles, not passwords (a `Password` shows as hidden).
    let recipients = briefing
        .recipients
        .iter()
        .map(|r| format!("{:?}", r.value))
        .collect();
    Ok((format!("{:032x}", h.digest128()), recipients, read))
}

/// The running program's size and modification time, or nothing if the
/// system will not say.
fn program_stamp() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {modified}", m.len())
        })
        .unwrap_or_default()
}

/// Removes what a killed build left: temporary files `.NAME.pdf.PID.tmp`
/// or `.NAME.pdf.N-PID.tmp` (see `write_atomically`) whose process is gone.
fn remove_stale_temporaries(out: &Path) {
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
            continue;
        };
        let Some((_, pid)) = rest.rsplit_once('.') else {
            continue;
        };
        let pid = pid.rsplit('-').next().unwrap_or(pid);
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists();
        if !alive && Path::new("/proc/self").exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The files under `dir`, a folder of `project`'s, and (in `folders`)
/// `dir` and the folders under it; none if `dir` links out of the project.
fn collect_files(project: &Path, dir: &Path, out: &mut Vec<PathBuf>, folders: &mut Vec<PathBuf>) {
    // One not made yet too: a watch learns when it is.
    folders.push(dir.to_path_buf());
    if crate::project::inside(project, dir).is_ok() {
        walk(dir, out, folders);
    }
}

/// The files under `dir`, and the folders in `folders`: folders themselves,
/// not links to them, which may lead out of the project or round in a
/// circle (`a -> .`).
fn walk(dir: &Path, out: &mut Vec<PathBuf>, folders: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            folders.push(p.clone());
            walk(&p, out, folders);
        } else if !editor_junk(&p) {
            out.push(p);
        }
    }
}

/// Feeds `path`, a file a build may read, to a fingerprint: its name and
/// what it holds. Only a plain file inside the project is read, and only
/// up to the most any build reads of a file (a picture's limit): of a
/// larger one, which the build refuses or leaves alone (a video kept beside
/// the sections), its size and time suffice; of a pipe, a device, a link
/// out of the project or a missing file, that it is one. Read in pieces:
/// a fingerprint holds no whole file.
fn feed_file(h: &mut Xxh3, project: &Path, path: &Path) {
    use std::io::Read;
    h.update(path.as_os_str().as_encoded_bytes());
    // Found in a folder of the project's, walked without following links:
    // only a link itself may lead out.
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let plain = (!link || crate::project::inside(project, path).is_ok())
        .then(|| crate::project::open_plain(path, crate::project::Links::Follow).ok())
        .flatten();
    let Some((file, meta)) = plain else {
        h.update(b"\0none");
        return;
    };
    if meta.len() > crate::picture::MAX_PICTURE_BYTES {
        h.update(b"\0large");
        h.update(&meta.len().to_le_bytes());
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        h.update(&modified.unwrap_or_default().as_nanos().to_le_bytes());
        return;
    }
    h.update(b"\0bytes");
    // No larger than the file: a profile's sections are a few KB each,
    // and a buffer zeroed for every one of thousands is time.
    let mut piece = vec![0u8; (meta.len() as usize).saturating_add(1).min(64 * 1024)];
    let mut file = file.take(crate::picture::MAX_PICTURE_BYTES);
    let mut length = 0u64;
    while let Ok(n @ 1..) = file.read(&mut piece) {
        h.update(&piece[..n]);
        length += n as u64;
    }
    h.update(&length.to_le_bytes());
}

/// The seed of every fingerprint: "handbill".
const SEED: u64 = 0x6861_6e64_6269_6c6c;

/// A PDF's fingerprint, as the manifest records it.
fn hash_bytes(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128_with_seed(bytes, SEED)
}

/// Whether the file at `path` is a plain file with the fingerprint `hash`.
fn holds(path: &Path, hash: &str) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
        && std::fs::read(path).is_ok_and(|b| hex(hash_bytes(&b)) == hash)
}

/// A briefing as the manifest names it: its path from its project folder,
/// `briefings/geneva-pack.yaml`, the same however the command named it, and
/// without the folders above the project (the manifest is not the place
/// for a user's name).
fn briefing_key(file: &Path) -> String {
    let name = file.file_name().map(Path::new).unwrap_or(file);
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty());
    let project = load::project_folder(file).canonicalize();
    let folder = folder.map_or_else(|| Path::new(".").canonicalize(), Path::canonicalize);
    let relative = match (project, folder) {
        (Ok(project), Ok(folder)) => folder
            .strip_prefix(&project)
            .map(|f| f.join(name))
            .unwrap_or_else(|_| name.to_path_buf()),
        _ => file.to_path_buf(),
    };
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn hex(h: u128) -> String {
    format!("{h:032x}")
}

/// A short human duration.
pub fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// When a batch started, for the summary.
pub fn now() -> Instant {
    Instant::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_split_stably() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let jobs: Vec<usize> = (0..10).collect();
        let mut all: Vec<usize> = (1..=3)
            .flat_map(|k| shard(jobs.clone(), Some(Shard { index: k, count: 3 })))
            .collect();
        all.sort();
        assert_eq!(all, jobs, "the shards cover every job exactly once");
        assert_eq!(
            shard(jobs.clone(), Some(Shard { index: 1, count: 3 })),
            vec![0, 3, 6, 9]
        );
    }
}
