//! Personalised copies as an office keeps them: when a recipients list
//! changes, the next build removes the copies of people no longer on it (and
//! says so), and nothing else: not a file a person put in the folder, not a
//! copy changed since, not another shard's or another folder's copies.
//! Recipients files as spreadsheets save them, and names too long for a
//! file name.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const PACK: &str = "briefings/pack.yaml";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A scratch project with the sample pack as `briefings/pack.yaml`, made
/// for `people`.
fn pack_for(name: &str, people: &[&str]) -> PathBuf {
    let dir = project(name);
    set_recipients(&dir, people);
    dir
}

fn set_recipients(dir: &Path, people: &[&str]) {
    let mut text =
        std::fs::read_to_string(repo().join("briefings/legal-delegation-pack.yaml")).unwrap();
    if !people.is_empty() {
        text.push_str("recipients:\n");
        for p in people {
            text.push_str(&format!("  - name: {p}\n"));
        }
    }
    std::fs::write(dir.join(PACK), text).unwrap();
}

fn build(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["build", PACK];
    all.extend_from_slice(args);
    let o = handbill(dir, &all);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// The PDFs in a folder, sorted.
fn pdfs(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_copy_for_someone_taken_off_the_list_is_removed_and_said() {
    let dir = pack_for("stale-removed", &["Ana Ruiz", "Bob Okafor", "Ivan Petrov"]);
    build(&dir, &[]);
    build(&dir, &["--out", "other"]);
    let out = dir.join("out");
    // Files a person put there, named like the copies.
    for own in [
        "pack-bob-okafor-notes.pdf",
        "pack-bob.pdf",
        "bob-okafor.pdf",
    ] {
        std::fs::write(out.join(own), b"%PDF-1.7 the user's own").unwrap();
    }
    let before = std::fs::read(out.join("pack-ana-ruiz.pdf")).unwrap();

    set_recipients(&dir, &["Ana Ruiz", "Ivan Petrov"]);
    let o = build(&dir, &["--verbose"]);
    assert!(
        stdout(&o).contains(
            "removed out/pack-bob-okafor.pdf: briefings/pack.yaml no longer makes this copy"
        ),
        "{}",
        stdout(&o)
    );
    assert!(
        // The briefing file changed, so the two copies are made again, the same.
        stderr(&o).contains("2 built, 0 unchanged, 0 failed, 1 removed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        pdfs(&out),
        [
            "bob-okafor.pdf",
            "pack-ana-ruiz.pdf",
            "pack-bob-okafor-notes.pdf",
            "pack-bob.pdf",
            "pack-ivan-petrov.pdf"
        ]
    );
    assert_eq!(
        std::fs::read(out.join("pack-ana-ruiz.pdf")).unwrap(),
        before
    );
    let manifest = std::fs::read_to_string(out.join(".handbill-manifest")).unwrap();
    assert!(!manifest.contains("bob-okafor"), "{manifest}");
    assert!(
        manifest.contains("pack-ana-ruiz.pdf\tbriefings/pack.yaml\t"),
        "{manifest}"
    );
    assert!(
        !out.join(".handbill-journal").exists(),
        "the journal is folded in"
    );
    // Another output folder is its own: built there again, it loses Bob's copy too.
    assert!(dir.join("other/pack-bob-okafor.pdf").exists());
    let o = build(&dir, &["--out", "other"]);
    assert!(
        stdout(&o).contains("removed other/pack-bob-okafor.pdf"),
        "{}",
        stdout(&o)
    );
    // Said once: the next build has nothing to remove.
    let o = build(&dir, &[]);
    assert!(!stdout(&o).contains("removed"), "{}", stdout(&o));
}

#[test]
fn a_copy_changed_since_it_was_written_is_left_with_a_warning() {
    let dir = pack_for("stale-changed", &["Ana Ruiz", "Bob Okafor"]);
    build(&dir, &[]);
    let bob = dir.join("out/pack-bob-okafor.pdf");
    let mut bytes = std::fs::read(&bob).unwrap();
    bytes.extend_from_slice(b"\n% signed by hand\n");
    std::fs::write(&bob, &bytes).unwrap();
    set_recipients(&dir, &["Ana Ruiz"]);
    let o = build(&dir, &[]);
    assert!(bob.exists(), "a changed file is not handbill's to remove");
    assert!(
        stderr(&o).contains("warning: out/pack-bob-okafor.pdf was made by briefings/pack.yaml, which no longer makes it, but it has changed since"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn recipients_taken_out_altogether_leave_one_unnamed_copy() {
    let dir = pack_for("stale-none", &["Ana Ruiz", "Bob Okafor"]);
    build(&dir, &[]);
    set_recipients(&dir, &[]);
    let o = build(&dir, &[]);
    assert_eq!(pdfs(&dir.join("out")), ["pack.pdf"], "{}", stdout(&o));
    assert_eq!(stdout(&o).matches("removed ").count(), 2, "{}", stdout(&o));
    // And back: the unnamed copy goes when there are names again.
    set_recipients(&dir, &["Ana Ruiz"]);
    let o = build(&dir, &[]);
    assert_eq!(
        pdfs(&dir.join("out")),
        ["pack-ana-ruiz.pdf"],
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_briefing_that_cannot_be_read_removes_nothing() {
    let dir = pack_for("stale-broken", &["Ana Ruiz", "Bob Okafor"]);
    build(&dir, &[]);
    // Bob taken off, and a mistake made in the same edit.
    set_recipients(&dir, &["Ana Ruiz"]);
    let text = std::fs::read_to_string(dir.join(PACK)).unwrap();
    std::fs::write(dir.join(PACK), format!("{text}bogus: 1\n")).unwrap();
    let o = handbill(&dir, &["build", PACK]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stdout(&o).contains("removed"), "{}", stdout(&o));
    assert_eq!(
        pdfs(&dir.join("out")),
        ["pack-ana-ruiz.pdf", "pack-bob-okafor.pdf"]
    );
    // Mended, the build removes Bob's copy.
    std::fs::write(dir.join(PACK), text).unwrap();
    let o = build(&dir, &[]);
    assert!(
        stdout(&o).contains("removed out/pack-bob-okafor.pdf"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_failed_build_still_removes_copies_its_list_no_longer_has() {
    // The list reads; a copy fails later (an unknown section). Who is
    // listed is known, so Bob's old copy goes all the same.
    let dir = pack_for("stale-failed", &["Ana Ruiz", "Bob Okafor"]);
    build(&dir, &[]);
    set_recipients(&dir, &["Ana Ruiz"]);
    let text = std::fs::read_to_string(dir.join(PACK)).unwrap();
    std::fs::write(
        dir.join(PACK),
        text.replace("sections: all", "sections: [no-such-section]"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", PACK]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("removed out/pack-bob-okafor.pdf"),
        "{}",
        stdout(&o)
    );
    // Ana's earlier copy stays as it was: a failed build writes nothing.
    assert_eq!(pdfs(&dir.join("out")), ["pack-ana-ruiz.pdf"]);
}

#[test]
fn shards_never_remove_each_others_copies() {
    let people = ["Ana Ruiz", "Bob Okafor", "Ivan Petrov", "Жанна Абенова"];
    let dir = pack_for("stale-shards", &people);
    for k in ["1/2", "2/2"] {
        build(&dir, &["--shard", k]);
    }
    assert_eq!(pdfs(&dir.join("out")).len(), 4);
    // Each shard built alone, one after the other, removes nothing the
    // other wrote for someone still listed.
    for k in ["2/2", "1/2"] {
        let o = build(&dir, &["--shard", k, "--force"]);
        assert!(!stdout(&o).contains("removed"), "{k}: {}", stdout(&o));
        assert_eq!(pdfs(&dir.join("out")).len(), 4, "{k}");
    }
    // Ivan off the list: the first shard removes his copy, though the
    // second wrote it, and only his.
    set_recipients(&dir, &["Ana Ruiz", "Bob Okafor", "Жанна Абенова"]);
    let o = build(&dir, &["--shard", "1/2"]);
    assert!(
        stdout(&o).contains("removed out/pack-ivan-petrov.pdf"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        pdfs(&dir.join("out")),
        [
            "pack-ana-ruiz.pdf",
            "pack-bob-okafor.pdf",
            "pack-жанна-абенова.pdf"
        ]
    );
}

#[test]
fn the_copies_of_a_briefing_gone_from_the_project_are_named_not_removed() {
    let dir = pack_for("stale-renamed", &["Ana Ruiz", "Bob Okafor"]);
    build(&dir, &[]);
    std::fs::rename(dir.join(PACK), dir.join("briefings/geneva.yaml")).unwrap();
    let o = handbill(&dir, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: briefings/pack.yaml is no longer in the project, but the PDFs it made are still there: out/pack-ana-ruiz.pdf, out/pack-bob-okafor.pdf; delete them if they must not be sent"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        pdfs(&dir.join("out")),
        [
            "geneva-ana-ruiz.pdf",
            "geneva-bob-okafor.pdf",
            "pack-ana-ruiz.pdf",
            "pack-bob-okafor.pdf"
        ]
    );
    // Deleted by hand, they are forgotten.
    std::fs::remove_file(dir.join("out/pack-ana-ruiz.pdf")).unwrap();
    std::fs::remove_file(dir.join("out/pack-bob-okafor.pdf")).unwrap();
    let o = handbill(&dir, &["build"]);
    assert!(
        !stderr(&o).contains("no longer in the project"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_spreadsheet_s_csv_and_a_very_long_name_make_their_copies() {
    let dir = project("csv-copies");
    // Excel's "CSV UTF-8" with semicolons, a quoted name with a line break
    // in its role, and a name far too long for a file name.
    let long = "Жанна ".repeat(30) + "Әлиева";
    let csv = format!(
        "\u{feff}Name;Role\r\n\"Ruiz, Ana\";\"Counsel;\r\nHaldane Society\"\r\n{long};Observer\r\n"
    );
    std::fs::write(dir.join("briefings/people.csv"), csv).unwrap();
    let text =
        std::fs::read_to_string(repo().join("briefings/legal-delegation-pack.yaml")).unwrap();
    std::fs::write(
        dir.join(PACK),
        format!("{text}recipients: briefings/people.csv\n"),
    )
    .unwrap();
    build(&dir, &[]);
    let names = pdfs(&dir.join("out"));
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "pack-ruiz-ana.pdf");
    let shortened = &names[1];
    assert!(shortened.starts_with("pack-жанна-жанна-"), "{shortened}");
    assert!(shortened.len() <= 204, "{} bytes", shortened.len());
    // The cover still has the whole name.
    let pdf = Pdf::open(&dir.join("out").join(shortened));
    assert!(
        pdf.text_of(&[1]).contains("Әлиева"),
        "{}",
        pdf.text_of(&[1])
    );
    let pdf = Pdf::open(&dir.join("out/pack-ruiz-ana.pdf"));
    assert!(
        pdf.text_of(&[1]).contains("Ruiz, Ana"),
        "{}",
        pdf.text_of(&[1])
    );
}
