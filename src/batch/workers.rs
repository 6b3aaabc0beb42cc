//! Build threads that outlive one batch, for a session that rebuilds
//! (`handbill watch`): each keeps its [`LayoutMemo`] from one rebuild to
//! the next, so that after an edit the words and paragraphs of every
//! section but the one changed are found set, not shaped and broken again.
//! A memo belongs to its thread (what it holds is not shared between
//! threads), so the threads stay and the batches come to them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use super::{Batch, Inputs, Job, Outcome, Run, STACK_SIZE};
use crate::layout::LayoutMemo;

/// What is told as each job finishes (see [`super::run`]).
pub type Report = Arc<dyn Fn(usize, &Job, &Outcome) + Send + Sync>;

/// A batch handed to one worker.
struct Task {
    run: Arc<Run>,
    report: Report,
}

/// Tells the caller a worker is done with its batch when dropped.
struct Done<'a>(&'a mpsc::Sender<()>);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// Build threads, each with its memo, waiting for batches.
pub struct Workers {
    tasks: Vec<mpsc::Sender<Task>>,
    finished: mpsc::Receiver<()>,
}

impl Workers {
    /// Starts `count` threads (at least one is tried; those that cannot
    /// start are left out, and with none the batches run on the caller's
    /// thread, as [`super::run`] would).
    pub fn new(count: usize) -> Workers {
        let (told, finished) = mpsc::channel();
        let mut tasks = Vec::new();
        for n in 0..count.max(1) {
            let (send, receive) = mpsc::channel::<Task>();
            let told = told.clone();
            let started = std::thread::Builder::new()
                .name(format!("build-{n}"))
                .stack_size(STACK_SIZE)
                .spawn(move || {
                    let memo = LayoutMemo::new();
                    for task in receive {
                        // Told when done, even if the report panicked.
                        let _done = Done(&told);
                        task.run.work(&memo, &*task.report);
                    }
                });
            if started.is_ok() {
                tasks.push(send);
            }
        }
        Workers { tasks, finished }
    }

    /// Runs `jobs` on the workers (at most `batch.jobs` of them) and waits
    /// for them all: [`super::run_with_inputs`], with the workers' memos.
    pub fn run(
        &self,
        jobs: &[Job],
        batch: &Batch,
        report: Report,
    ) -> (Vec<Outcome>, BTreeMap<PathBuf, Inputs>) {
        let run = Arc::new(Run::new(jobs, batch, self.tasks.len()));
        let wanted = batch.jobs.clamp(1, jobs.len().max(1));
        let mut busy = 0;
        for worker in self.tasks.iter().take(wanted) {
            let task = Task {
                run: run.clone(),
                report: report.clone(),
            };
            if worker.send(task).is_ok() {
                busy += 1;
            }
        }
        if busy == 0 {
            // No worker to take them: here, starting from nothing.
            run.work(&LayoutMemo::new(), &*report);
        }
        for _ in 0..busy {
            if self.finished.recv().is_err() {
                break;
            }
        }
        run.finish()
    }
}
