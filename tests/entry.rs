//! The library's one way in, `handbill::Build`: the command line's batch and
//! a program calling the library make the same bytes, and a batch reads each
//! briefing file once, handing what it read to every stage after.

mod common;

use common::*;
use handbill::batch::{self, Batch, Outcome};
use handbill::{Build, BuildOptions, OutputProfile, Prepared};

const BRIEFING: &str = "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [overview]\nrecipients:\n  - name: Ana Ruiz\n  - name: Bob Okafor\n";

fn batch(out: &std::path::Path, force: bool) -> Batch {
    Batch {
        out: out.to_path_buf(),
        options: BuildOptions::for_profile(OutputProfile::Print, None),
        jobs: 1,
        force,
        dry_run: false,
        process_ends_after: false,
    }
}

/// A project `name` with the two-copy briefing, its output folder and its
/// batch's jobs (one per recipient).
fn two_copies(name: &str) -> (std::path::PathBuf, std::path::PathBuf, Vec<batch::Job>) {
    let dir = project(name);
    let file = dir.join("briefings/b.yaml");
    std::fs::write(&file, BRIEFING).unwrap();
    let jobs = batch::jobs(std::slice::from_ref(&file));
    (file, dir.join("out"), jobs)
}

fn built(outcomes: &[Outcome]) -> usize {
    outcomes
        .iter()
        .map(|o| match o {
            Outcome::Failed(e) => panic!("{e}"),
            o => usize::from(matches!(o, Outcome::Built { .. })),
        })
        .sum()
}

#[test]
fn a_batch_reads_each_briefing_once() {
    let (file, out, jobs) = two_copies("entry-read-once");
    assert_eq!(jobs.len(), 2, "one job per recipient");
    // The job list has read the briefing: the build, its fingerprint and
    // the check of what is up to date never read the file again.
    std::fs::remove_file(&file).unwrap();
    let first = batch::run(&jobs, &batch(&out, false), &|_, _, _| {});
    assert_eq!(built(&first), 2);
    let ana = std::fs::read(out.join("b-ana-ruiz.pdf")).unwrap();
    let bob = std::fs::read(out.join("b-bob-okafor.pdf")).unwrap();
    assert!(
        ana.starts_with(b"%PDF") && ana != bob,
        "two different copies"
    );
    let again = batch::run(&jobs, &batch(&out, false), &|_, _, _| {});
    assert_eq!(built(&again), 0, "both copies up to date");
}

#[test]
fn the_library_builds_the_bytes_the_batch_writes() {
    let (file, out, jobs) = two_copies("entry-same-bytes");
    assert_eq!(
        built(&batch::run(&jobs, &batch(&out, true), &|_, _, _| {})),
        2
    );
    let written = std::fs::read(out.join("b-bob-okafor.pdf")).unwrap();
    // From the file, with the profile's settings.
    let alone = Build::new(&file)
        .recipient(1)
        .profile(OutputProfile::Print)
        .pdf()
        .unwrap();
    assert_eq!(alone.name, "b-bob-okafor");
    assert!(
        alone.pdf == written,
        "a build on its own makes the batch's bytes"
    );
    // From a briefing read once, for several copies, with one memo.
    let prepared = Prepared::read(&file).unwrap();
    let memo = handbill::layout::LayoutMemo::new();
    let options = BuildOptions::for_profile(OutputProfile::Print, None);
    let copies: Vec<Vec<u8>> = [0, 1]
        .into_iter()
        .map(|i| {
            let copy = Build::of(&prepared).recipient(i).options(&options);
            copy.memo(&memo).pdf().unwrap().pdf
        })
        .collect();
    assert!(
        copies[1] == written,
        "the shared reading makes the same bytes"
    );
    assert!(copies[0] == std::fs::read(out.join("b-ana-ruiz.pdf")).unwrap());
    // The screen profile: RGB, no marks; its pages are laid out the same.
    let screen = Build::of(&prepared)
        .recipient(1)
        .profile(OutputProfile::Screen)
        .pdf()
        .unwrap();
    assert!(screen.pdf != written, "another profile, other bytes");
    let laid = Build::of(&prepared).recipient(1).lay_out().unwrap();
    assert_eq!(laid.name, "b-bob-okafor");
    assert_eq!(laid.pages.pages.len(), screen.pages);
}

#[test]
fn a_recipient_the_briefing_does_not_have_is_an_error() {
    let (file, _, _) = two_copies("entry-no-recipient");
    let err = Build::new(&file).recipient(5).lay_out().unwrap_err();
    assert!(err.message.contains("no such recipient"), "{err}");
}

#[test]
fn a_batch_lets_go_of_each_pdf_once_it_is_written() {
    let (_, out, jobs) = two_copies("entry-lets-go");
    // The report sees each copy's bytes as it is written.
    let seen = std::sync::Mutex::new(Vec::new());
    let outcomes = batch::run(&jobs, &batch(&out, true), &|_, job, outcome| {
        if let Outcome::Built { built, .. } = outcome {
            seen.lock()
                .unwrap()
                .push((job.name.clone(), built.pdf.clone()));
        }
    });
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 2);
    for (name, bytes) in &seen {
        assert!(bytes.starts_with(b"%PDF"), "{name}: the report saw the PDF");
        assert_eq!(
            &std::fs::read(out.join(format!("{name}.pdf"))).unwrap(),
            bytes
        );
    }
    // The outcomes kept to the end of a batch hold none of them: a batch
    // of a thousand copies would otherwise hold a thousand PDFs.
    assert_eq!(built(&outcomes), 2);
    for outcome in &outcomes {
        let Outcome::Built { built, .. } = outcome else {
            unreachable!()
        };
        assert!(built.pdf.is_empty() && built.imposed.is_none());
        assert!(built.pages > 0, "what is told of the copy stays");
    }
}
