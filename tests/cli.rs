//! The commands as a campaign office uses them: check, list, new, batch
//! builds with shards and jobs, incremental rebuilds.

mod common;

use common::*;

fn out_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A scratch project with the two sample briefings.
fn samples(name: &str) -> std::path::PathBuf {
    let dir = project(name);
    for b in ["london-protest-leaflet.yaml", "legal-delegation-pack.yaml"] {
        std::fs::copy(
            repo().join("briefings").join(b),
            dir.join("briefings").join(b),
        )
        .unwrap();
    }
    dir
}

#[test]
fn check_writes_nothing_and_reports_as_json() {
    let dir = samples("check");
    std::fs::write(
        dir.join("briefings/broken.yaml"),
        "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [nope]\n",
    )
    .unwrap();
    let o = handbill(&dir, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!dir.join("out").exists(), "check wrote an output folder");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = report["briefings"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let broken = entries
        .iter()
        .find(|e| e["briefing"].as_str().unwrap().ends_with("broken.yaml"))
        .unwrap();
    assert_eq!(broken["ok"], false);
    assert_eq!(broken["error"]["line"], 4);
    assert_eq!(broken["error"]["column"], 12);
    assert!(
        broken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no section `nope`")
    );
    let good = entries.iter().filter(|e| e["ok"] == true).count();
    assert_eq!(good, 2);
}

#[test]
fn list_shows_profiles_sections_templates_formats_and_fonts() {
    let dir = samples("list");
    let o = handbill(&dir, &["list"]);
    assert!(o.status.success());
    let text = out_of(&o);
    for needle in [
        "kazakhstan",
        "vadim-kuramshin",
        "leaflet-a5",
        "briefing-pack",
        "dl-trifold",
        "NotoSerif-Regular",
        "tags: leaflet",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    let o = handbill(&dir, &["list", "fonts"]);
    assert!(!out_of(&o).contains("kazakhstan"));
}

#[test]
fn new_scaffolds_briefings_that_build_as_they_are() {
    let dir = project("new");
    for (kind, name) in [("leaflet", "rally"), ("pack", "geneva")] {
        let o = handbill(&dir, &["new", kind, name]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = handbill(&dir, &["build", &format!("briefings/{name}.yaml")]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert!(dir.join(format!("out/{name}.pdf")).exists());
    }
    // It never overwrites.
    let o = handbill(&dir, &["new", "leaflet", "rally"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
}

#[test]
fn unchanged_briefings_are_skipped_and_changed_ones_rebuilt() {
    let dir = samples("incremental");
    let o = handbill(&dir, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 built, 0 unchanged"),
        "{}",
        stderr(&o)
    );
    let o = handbill(&dir, &["build"]);
    assert!(
        stderr(&o).contains("0 built, 2 unchanged"),
        "{}",
        stderr(&o)
    );
    // A change to one section rebuilds both briefings that use the profile.
    let section = dir.join("briefings/profiles/kazakhstan/09-demands.md");
    let text = std::fs::read_to_string(&section).unwrap();
    std::fs::write(
        &section,
        text.replace("to strike and demonstrate", "to strike, and to demonstrate"),
    )
    .unwrap();
    let o = handbill(&dir, &["build"]);
    assert!(
        stderr(&o).contains("2 built, 0 unchanged"),
        "{}",
        stderr(&o)
    );
    // A change to one briefing rebuilds only it.
    let b = dir.join("briefings/london-protest-leaflet.yaml");
    let text = std::fs::read_to_string(&b).unwrap();
    std::fs::write(&b, text.replace("12 noon", "1 pm")).unwrap();
    let o = handbill(&dir, &["build"]);
    assert!(
        stderr(&o).contains("1 built, 1 unchanged"),
        "{}",
        stderr(&o)
    );
    // A PDF changed or deleted by hand is rebuilt; --force rebuilds all.
    std::fs::write(dir.join("out/legal-delegation-pack.pdf"), b"not a pdf").unwrap();
    let o = handbill(&dir, &["build"]);
    assert!(
        stderr(&o).contains("1 built, 1 unchanged"),
        "{}",
        stderr(&o)
    );
    let o = handbill(&dir, &["build", "--force"]);
    assert!(
        stderr(&o).contains("2 built, 0 unchanged"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn shards_split_a_batch_without_overlap() {
    let dir = samples("shard");
    let one = handbill(&dir, &["build", "--shard", "1/2", "--out", "a"]);
    let two = handbill(&dir, &["build", "--shard", "2/2", "--out", "b"]);
    assert!(one.status.success() && two.status.success());
    let names = |d: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir.join(d))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".pdf"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("a"), vec!["legal-delegation-pack.pdf"]);
    assert_eq!(names("b"), vec!["london-protest-leaflet.pdf"]);
    let bad = handbill(&dir, &["build", "--shard", "3/2"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn output_is_the_same_whatever_the_number_of_jobs() {
    let dir = samples("jobs");
    let a = handbill(&dir, &["build", "--jobs", "1", "--out", "one"]);
    let b = handbill(&dir, &["build", "--jobs", "4", "--out", "four"]);
    assert!(a.status.success() && b.status.success());
    for name in ["london-protest-leaflet.pdf", "legal-delegation-pack.pdf"] {
        assert!(
            std::fs::read(dir.join("one").join(name)).unwrap()
                == std::fs::read(dir.join("four").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn personalised_copies_are_the_same_built_together_or_alone() {
    // Copies laid out one after another on a thread start from what the
    // one before poured; each must still be what it is built alone.
    let dir = samples("copies-jobs");
    let pack = std::fs::read_to_string(dir.join("briefings/legal-delegation-pack.yaml")).unwrap();
    std::fs::write(
        dir.join("briefings/legal-delegation-pack.yaml"),
        format!("{pack}recipients:\n  - name: Ana Ruiz\n  - name: Bob Okafor\n  - name: Ivan Petrov\n  - name: Жанна Абенова\n"),
    )
    .unwrap();
    let brief = "briefings/legal-delegation-pack.yaml";
    let one = handbill(&dir, &["build", brief, "--jobs", "1", "--out", "one"]);
    let four = handbill(&dir, &["build", brief, "--jobs", "4", "--out", "four"]);
    assert!(one.status.success(), "{}", stderr(&one));
    assert!(four.status.success(), "{}", stderr(&four));
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let o = handbill(&dir, &["build", brief, "--shard", &shard, "--out", "alone"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.join("alone"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in &names {
        let alone = std::fs::read(dir.join("alone").join(name)).unwrap();
        assert!(
            std::fs::read(dir.join("one").join(name)).unwrap() == alone,
            "{name}: --jobs 1"
        );
        assert!(
            std::fs::read(dir.join("four").join(name)).unwrap() == alone,
            "{name}: --jobs 4"
        );
    }
}

#[test]
fn one_failure_does_not_stop_the_others() {
    let dir = samples("partial");
    std::fs::write(
        dir.join("briefings/broken.yaml"),
        "profile: nowhere\ntemplate: leaflet-a5\naudience: public\nsections: all\n",
    )
    .unwrap();
    let o = handbill(&dir, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(dir.join("out/london-protest-leaflet.pdf").exists());
    assert!(dir.join("out/legal-delegation-pack.pdf").exists());
    assert!(!dir.join("out/broken.pdf").exists());
    assert!(
        stderr(&o).contains("2 built, 0 unchanged, 1 failed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn patterns_pick_briefings() {
    let dir = samples("glob");
    let o = handbill(&dir, &["build", "briefings/*-pack.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("out/legal-delegation-pack.pdf").exists());
    assert!(!dir.join("out/london-protest-leaflet.pdf").exists());
}

#[test]
fn one_copy_per_recipient_differing_only_in_the_name() {
    let dir = samples("recipients");
    let pack = std::fs::read_to_string(dir.join("briefings/legal-delegation-pack.yaml")).unwrap();
    let with = format!(
        "{pack}recipients:\n  - name: Ana Ruiz\n    role: Counsel\n  - name: Bob Okafor\n  - name: Ivan Petrov\n"
    );
    std::fs::write(dir.join("briefings/legal-delegation-pack.yaml"), with).unwrap();
    let o = handbill(&dir, &["build", "briefings/legal-delegation-pack.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = ["ana-ruiz", "bob-okafor", "ivan-petrov"];
    let texts: Vec<Vec<String>> = names
        .iter()
        .map(|n| {
            let pdf = Pdf::open(&dir.join(format!("out/legal-delegation-pack-{n}.pdf")));
            (1..=pdf.page_count() as u32)
                .map(|p| pdf.text_of(&[p]))
                .collect()
        })
        .collect();
    assert!(!dir.join("out/legal-delegation-pack.pdf").exists());
    let people = ["Ana Ruiz", "Bob Okafor", "Ivan Petrov"];
    for (i, pages) in texts.iter().enumerate() {
        assert!(
            pages[0].contains(people[i]) && pages[0].to_lowercase().contains("prepared for"),
            "cover of {}: {}",
            people[i],
            pages[0]
        );
        assert_eq!(pages.len(), texts[0].len(), "same number of pages");
        for (p, text) in pages.iter().enumerate() {
            // With the names taken out, every page reads the same in every copy.
            let neutral = |t: &str| {
                people
                    .iter()
                    .fold(t.replace(", Counsel", ""), |t, n| t.replace(n, "NAME"))
            };
            assert_eq!(
                neutral(text),
                neutral(&texts[0][p]),
                "page {} of {}",
                p + 1,
                people[i]
            );
            if p > 0 {
                assert!(
                    text.contains(&format!("Prepared for {}", people[i])),
                    "footer of page {} for {}",
                    p + 1,
                    people[i]
                );
            }
        }
    }
}

#[test]
fn a_watermark_goes_behind_every_page() {
    let dir = samples("watermark");
    let pack = std::fs::read_to_string(dir.join("briefings/legal-delegation-pack.yaml")).unwrap();
    std::fs::write(
        dir.join("briefings/legal-delegation-pack.yaml"),
        format!("{pack}watermark: DRAFT\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/legal-delegation-pack.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = Pdf::open(&dir.join("out/legal-delegation-pack.pdf"));
    for (n, id) in pdf.doc.get_pages() {
        assert!(
            first_text_is_turned(&pdf, id),
            "page {n}: no 45° turn before the first text"
        );
        assert!(pdf.text_of(&[n]).contains("DRAFT"), "page {n}");
    }
}

/// Whether the first text drawn on the page is turned 45°, as a watermark is.
fn first_text_is_turned(pdf: &Pdf, page: lopdf::ObjectId) -> bool {
    let ops = lopdf::content::Content::decode(&pdf.doc.get_page_content(page))
        .unwrap()
        .operations;
    let first_text = ops
        .iter()
        .position(|op| op.operator == "Tj" || op.operator == "TJ")
        .expect("text on every page");
    ops[..first_text].iter().any(|op| {
        op.operator == "cm" && op.operands.len() == 6 && {
            let b = op.operands[1].as_float().unwrap_or(0.0);
            (b.abs() - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.01
        }
    })
}

#[test]
fn a_watermark_in_letters_no_font_has_is_told_at_its_line() {
    let dir = samples("watermark-han");
    let briefing = dir.join("briefings/legal-delegation-pack.yaml");
    let pack = std::fs::read_to_string(&briefing).unwrap();
    std::fs::write(&briefing, format!("{pack}watermark: \"DRAFT 草稿\"\n")).unwrap();
    let line = pack.lines().count() + 1;
    let o = handbill(&dir, &["build", "briefings/legal-delegation-pack.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("the watermark has “草” (U+8349), “稿” (U+7A3F), which its font"),
        "{err}"
    );
    assert!(
        err.contains(&format!("briefings/legal-delegation-pack.yaml:{line}:1")),
        "{err}"
    );
}

#[test]
fn a_watermark_of_one_letter_with_thousands_of_marks_is_drawn() {
    // 25,000 combining marks of three bytes each on one letter: one cluster
    // longer than a glyph's text may be, so it is cut, and never inside a
    // character (that would stop the PDF being written).
    let dir = samples("watermark-marks");
    let pack = std::fs::read_to_string(dir.join("briefings/legal-delegation-pack.yaml")).unwrap();
    let marks = "\u{20D1}".repeat(25_000);
    std::fs::write(
        dir.join("briefings/legal-delegation-pack.yaml"),
        format!("{pack}watermark: \"X{marks}\"\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/legal-delegation-pack.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = Pdf::open(&dir.join("out/legal-delegation-pack.pdf"));
    assert_eq!(pdf.doc.get_pages().len(), 5, "the pack's five pages");
    for (n, id) in pdf.doc.get_pages() {
        assert!(first_text_is_turned(&pdf, id), "page {n}: no watermark");
    }
}

#[test]
fn impose_2up_sets_two_copies_per_sheet_side_for_the_press() {
    let dir = samples("impose");
    let o = handbill(
        &dir,
        &[
            "build",
            "briefings/london-protest-leaflet.yaml",
            "--impose",
            "2up",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = Pdf::open(&dir.join("out/london-protest-leaflet-imposed.pdf"));
    assert!(
        dir.join("out/london-protest-leaflet.pdf").exists(),
        "the leaflet itself is written too"
    );
    assert_eq!(pdf.page_count(), 2, "front and back");
    let (w, h) = pdf.page_size_mm(0);
    assert!(
        (w - 320.0).abs() < 0.1 && (h - 225.0).abs() < 0.1,
        "SRA4 landscape, not {w}×{h}"
    );
    for page in 1..=2u32 {
        let text = pdf.text_of(&[page]);
        let needle = if page == 1 { "Overview" } else { "Our Demands" };
        assert_eq!(
            text.matches(needle).count(),
            2,
            "page {page}: two copies of “{needle}”"
        );
    }
    // Four A5 copies take the larger SRA3 sheet; a pack in the same batch
    // (no bleed: for an office printer) is built but not imposed, and the
    // build says so; the tri-fold goes two to an SRA3 sheet.
    let o = handbill(&dir, &["build", "--impose", "4up", "--out", "four"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let four = Pdf::open(&dir.join("four/london-protest-leaflet-imposed.pdf"));
    let (w, h) = four.page_size_mm(0);
    assert!(
        (w - 320.0).abs() < 0.1 && (h - 450.0).abs() < 0.1,
        "SRA3 portrait, not {w}×{h}"
    );
    assert_eq!(four.text_of(&[1]).matches("Overview").count(), 4);
    assert!(
        stderr(&o).contains("legal-delegation-pack: not imposed: its pages have no bleed"),
        "{}",
        stderr(&o)
    );
    assert!(dir.join("four/legal-delegation-pack.pdf").exists());
    assert!(!dir.join("four/legal-delegation-pack-imposed.pdf").exists());
    std::fs::copy(
        repo().join("briefings/london-protest-dl.yaml"),
        dir.join("briefings/london-protest-dl.yaml"),
    )
    .unwrap();
    let o = handbill(
        &dir,
        &[
            "build",
            "briefings/london-protest-dl.yaml",
            "--impose",
            "2up",
            "--out",
            "dl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let dl = Pdf::open(&dir.join("dl/london-protest-dl-imposed.pdf"));
    let (w, h) = dl.page_size_mm(0);
    assert!(
        (w - 320.0).abs() < 0.1 && (h - 450.0).abs() < 0.1,
        "SRA3 portrait, not {w}×{h}"
    );
    assert_eq!(dl.page_count(), 2, "outside and inside");
    assert_eq!(dl.text_of(&[1]).matches("Stop the").count(), 2);
    // An imposed copy deleted by hand is made again.
    std::fs::remove_file(dir.join("out/london-protest-leaflet-imposed.pdf")).unwrap();
    let o = handbill(
        &dir,
        &[
            "build",
            "briefings/london-protest-leaflet.yaml",
            "--impose",
            "2up",
        ],
    );
    assert!(o.status.success());
    assert!(dir.join("out/london-protest-leaflet-imposed.pdf").exists());
    // A briefing whose PDF would take the imposed sheet's name: the press
    // would be sent either; refused before anything is built.
    std::fs::copy(
        repo().join("briefings/london-protest-leaflet.yaml"),
        dir.join("briefings/london-protest-leaflet-imposed.yaml"),
    )
    .unwrap();
    let before = std::fs::read(dir.join("out/london-protest-leaflet-imposed.pdf")).unwrap();
    let o = handbill(&dir, &["build", "--impose", "2up", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "london-protest-leaflet.yaml would both write london-protest-leaflet-imposed.pdf"
        ),
        "{}",
        stderr(&o)
    );
    let after = std::fs::read(dir.join("out/london-protest-leaflet-imposed.pdf")).unwrap();
    assert!(before == after, "the imposed sheet is left as it was");
    // Without imposing, both build.
    let o = handbill(&dir, &["build", "--out", "plain"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_last_good_pdf() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let dir = project("watch");
    let b = dir.join("briefings/b.yaml");
    let good = "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: First\n";
    std::fs::write(&b, good).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(["watch"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pdf = dir.join("out/b.pdf");
    let wait_for = |what: &str, ok: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "watch did not {what} in 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for("build at start", &|| pdf.exists());
    let first = std::fs::read(&pdf).unwrap();
    // A broken save: the error is shown, the last good PDF stays.
    std::fs::write(&b, format!("{good}bogus: 1\n")).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        first,
        "a failed rebuild replaced the PDF"
    );
    // A good save: rebuilt.
    std::fs::write(&b, good.replace("First", "Second")).unwrap();
    wait_for("rebuild after a save", &|| {
        std::fs::read(&pdf).is_ok_and(|now| now != first)
    });
    child.kill().unwrap();
    let _ = child.wait();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains("`bogus:` is not a key of the briefing"),
        "the error was not shown:\n{err}"
    );
}

/// Runs handbill in `dir` with its standard output `stdout`, and gives its
/// exit code and standard error.
fn handbill_into(
    dir: &std::path::Path,
    args: &[&str],
    stdout: std::process::Stdio,
) -> (Option<i32>, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_goes_away_or_a_full_disk_is_not_a_crash() {
    let dir = samples("stdout-gone");
    for args in [
        &["build", "--force"][..],
        &["list"],
        &["check"],
        &["theme", "--print"],
        &["man"],
        &["completions", "bash"],
    ] {
        // `| head -1` gone before anything is printed: a pipe nobody reads.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let (code, said) = handbill_into(&dir, args, writer.into());
        assert!(!said.contains("panicked"), "{args:?}: {said}");
        assert_eq!(code, Some(0), "{args:?}: {said}");
        // A full disk: the output is incomplete, which is said, exit 1.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, said) = handbill_into(&dir, args, full.into());
        assert!(!said.contains("panicked"), "{args:?}: {said}");
        assert_eq!(code, Some(1), "{args:?}: {said}");
        assert!(
            said.contains("cannot write to the standard output: the disk is full"),
            "{said}"
        );
    }
    // The build went on, whatever became of its messages.
    assert!(dir.join("out/london-protest-leaflet.pdf").exists());
    assert!(dir.join("out/legal-delegation-pack.pdf").exists());
}

#[test]
fn a_number_of_jobs_that_is_none_is_refused_in_plain_words() {
    let dir = project("jobs-words");
    for given in ["-1", "abc", "99999999999999999999", "5000"] {
        let o = handbill(&dir, &["build", "--jobs", given]);
        assert_eq!(o.status.code(), Some(2), "{given}: {}", stderr(&o));
        let said = stderr(&o);
        assert!(
            said.contains("builds") && said.contains("leave out --jobs"),
            "{given}: {said}"
        );
        for library in [
            "number too large",
            "invalid digit",
            "tip:",
            "unexpected argument",
        ] {
            assert!(!said.contains(library), "{given}: {said}");
        }
    }
}
