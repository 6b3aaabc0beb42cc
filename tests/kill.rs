//! A build killed part-way leaves, for each PDF, either the previous one or
//! none — never a truncated file — and the next build cleans up after it.
//!
//! handbill writes each PDF to `.NAME.pdf.PID.tmp` beside it, flushes it and
//! renames it into place (`write_atomically` in src/lib.rs).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const COPIES: usize = 30;

/// A scratch project with `COPIES` copies of the briefing-pack briefing.
fn batch_project(name: &str) -> std::path::PathBuf {
    let dir = project(name);
    let pack = std::fs::read(repo().join("briefings/legal-delegation-pack.yaml")).unwrap();
    for i in 0..COPIES {
        std::fs::write(dir.join(format!("briefings/pack-{i:02}.yaml")), &pack).unwrap();
    }
    dir
}

/// The temporary files in `out`, as (name, the PID in the name).
fn temporary_files(out: &Path) -> Vec<(String, Option<u32>)> {
    std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .map(|n| {
            let pid = n
                .trim_end_matches(".tmp")
                .rsplit('.')
                .next()
                .and_then(|p| p.parse().ok());
            (n, pid)
        })
        .collect()
}

/// Every PDF in `out` is whole: it ends with `%%EOF`, lopdf reads it, and
/// every page's content stream decodes.
fn assert_every_pdf_whole(out: &Path, when: &str) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(out).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "pdf") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).into_owned();
        assert!(
            tail.trim_end().ends_with("%%EOF"),
            "{when}: {} is truncated ({} bytes, ends {tail:?})",
            path.display(),
            bytes.len()
        );
        let doc = lopdf::Document::load_mem(&bytes)
            .unwrap_or_else(|e| panic!("{when}: {} does not parse: {e}", path.display()));
        let pages = doc.get_pages();
        assert!(!pages.is_empty(), "{when}: {} has no pages", path.display());
        for (number, id) in pages {
            doc.get_and_decode_page_content(id)
                .unwrap_or_else(|e| panic!("{when}: {} page {number}: {e}", path.display()));
        }
        n += 1;
    }
    n
}

#[test]
fn a_killed_build_leaves_whole_pdfs_or_none() {
    let dir = batch_project("kill");
    let out = dir.join("out");

    // The previous build: every PDF present and whole.
    let first = handbill(&dir, &["build", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        assert_every_pdf_whole(&out, "after the first build"),
        COPIES
    );

    let mut killed_pids = Vec::new();
    let mut finished_before_the_kill = 0;
    for delay_ms in [5u64, 15, 30, 60, 100, 150, 220, 300] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_handbill"))
            .args(["build", "--force", "--jobs", "1", "--quiet"])
            .current_dir(&dir)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_some() {
            finished_before_the_kill += 1;
        } else {
            child.kill().unwrap(); // SIGKILL: no chance to clean up
            killed_pids.push(child.id());
        }
        child.wait().unwrap();
        let when = format!("after a kill at {delay_ms} ms ({:?})", started.elapsed());
        // Each PDF is the previous one or the new one, whole; none vanished.
        assert_eq!(assert_every_pdf_whole(&out, &when), COPIES, "{when}");
    }
    assert!(
        finished_before_the_kill == 0,
        "the batch finished before some kills: make it bigger"
    );

    // The next ordinary build succeeds and leaves nothing of its own behind.
    let next = Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(["build", "--quiet"])
        .current_dir(&dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(next.status.success(), "{}", stderr(&next));
    assert_eq!(assert_every_pdf_whole(&out, "after the next build"), COPIES);
    let leftovers = temporary_files(&out);
    let of_killed: Vec<&String> = leftovers
        .iter()
        .filter(|(_, pid)| pid.is_some_and(|p| killed_pids.contains(&p)))
        .map(|(n, _)| n)
        .collect();
    let others: Vec<&String> = leftovers
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !of_killed.contains(n))
        .collect();
    assert!(
        others.is_empty(),
        "temporary files left by a build that was not killed: {others:?}"
    );
    // KNOWN BUG: a killed build's temporary files are never removed; the
    // next build should clean them. Asserted (as expected-to-fail) in
    // `stale_temporary_files_are_cleaned_by_the_next_build`; reported here.
    if !of_killed.is_empty() {
        eprintln!(
            "KNOWN BUG: the killed builds left {} temporary file(s) that the next build did not remove: {of_killed:?}",
            of_killed.len()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a build killed while writing leaves behind — `.NAME.pdf.PID.tmp`
/// beside the PDF, and the manifest's own — must be removed by the next
/// build.
///
/// (A batch removes the `.NAME.pdf.PID.tmp` files of processes that are
/// gone before it starts; see `remove_stale_temporaries` in src/batch.rs.)
#[test]
fn stale_temporary_files_are_cleaned_by_the_next_build() {
    let dir = project("kill-stale");
    std::fs::copy(
        repo().join("briefings/legal-delegation-pack.yaml"),
        dir.join("briefings/pack.yaml"),
    )
    .unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // As a build with PID 4194304 (above Linux's pid_max, so never a live
    // process) would leave them when killed half-way through writing.
    std::fs::write(out.join(".pack.pdf.4194304.tmp"), b"%PDF-1.7\n% half a PDF").unwrap();
    std::fs::write(out.join(".handbill-manifest.4194304.tmp"), b"# half").unwrap();
    let o = handbill(&dir, &["build", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("pack.pdf").exists());
    let left = temporary_files(&out);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        left.is_empty(),
        "temporary files were not cleaned by the next build: {left:?}"
    );
}

/// A batch killed part-way resumes: the PDFs it finished (written and
/// recorded in the journal, `out/.handbill-journal`) are unchanged on the
/// next build, which makes only the rest.
#[test]
fn a_killed_batch_resumes_where_it_stopped() {
    let dir = project("kill-resume");
    let mut pack =
        std::fs::read_to_string(repo().join("briefings/legal-delegation-pack.yaml")).unwrap();
    pack.push_str("recipients:\n");
    for i in 0..COPIES {
        pack.push_str(&format!("  - name: Delegate {i:02}\n"));
    }
    std::fs::write(dir.join("briefings/pack.yaml"), pack).unwrap();
    let out = dir.join("out");
    let journal = out.join(".handbill-journal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(["build", "--jobs", "1", "--quiet"])
        .current_dir(&dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the journal has three whole lines.
    let started = Instant::now();
    loop {
        let lines =
            std::fs::read(&journal).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        if lines >= 3 || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the batch finished before the kill: make it bigger"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !out.join(".handbill-manifest").exists(),
        "killed before the end"
    );
    // The PDFs there after the kill that the journal records.
    let recorded = std::fs::read_to_string(&journal).unwrap();
    let finished: Vec<String> = recorded
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|name| out.join(name).exists())
        .map(str::to_string)
        .collect();
    assert!(finished.len() >= 2, "{recorded}");

    let next = handbill(&dir, &["build", "--verbose", "--jobs", "1"]);
    assert!(next.status.success(), "{}", stderr(&next));
    let said = String::from_utf8_lossy(&next.stdout).into_owned();
    for name in &finished {
        assert!(
            said.contains(&format!("unchanged out/{name}")),
            "{name} was finished before the kill but built again:\n{said}"
        );
    }
    let built = said.lines().filter(|l| l.starts_with("built ")).count();
    assert_eq!(built + finished.len(), COPIES, "{said}");
    assert!(
        stderr(&next).contains(&format!(
            "{built} built, {} unchanged, 0 failed",
            finished.len()
        )),
        "{}",
        stderr(&next)
    );
    assert_eq!(
        assert_every_pdf_whole(&out, "after the resumed build"),
        COPIES
    );
    // The journal is folded into the manifest, which lists every copy.
    assert!(!journal.exists());
    let manifest = std::fs::read_to_string(out.join(".handbill-manifest")).unwrap();
    assert_eq!(
        manifest.lines().filter(|l| !l.starts_with('#')).count(),
        COPIES
    );
    let _ = std::fs::remove_dir_all(&dir);
}
