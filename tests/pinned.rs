//! The sample PDFs, pinned byte for byte.
//!
//! `tests/pinned.sha256` holds the SHA-256 of every PDF the samples make:
//! each briefing in the print, screen and archive profiles, the imposed
//! press sheets, and personalised copies of the pack. A change to the code
//! that changes any byte of them fails here, so work that should change
//! nothing (a refactoring, a speed-up) proves that it changed nothing.
//!
//! When a change to the pages is meant, rebuild the pins with
//! `HANDBILL_PIN=update cargo test --test pinned`, look at the pages, and
//! commit the new `tests/pinned.sha256` in a commit that says what changed
//! on the page and why.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use common::*;
use sha2::{Digest, Sha256};

const PINS: &str = "tests/pinned.sha256";

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        write!(hex, "{b:02x}").unwrap();
    }
    hex
}

/// Every PDF in `dir`, by file name, with its hash, under `prefix/`.
fn hash_folder(dir: &Path, prefix: &str, into: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".pdf") {
            let bytes = std::fs::read(entry.path()).unwrap();
            into.insert(format!("{prefix}/{name}"), sha256_hex(&bytes));
        }
    }
}

fn build(dir: &Path, args: &[&str]) {
    let o = handbill(dir, args);
    assert!(o.status.success(), "handbill {args:?}: {}", stderr(&o));
}

/// Builds every pinned PDF and hashes it.
fn current() -> BTreeMap<String, String> {
    let mut hashes = BTreeMap::new();
    let repo = repo();

    // Every sample briefing in each output profile; print with its press
    // sheets.
    for profile in ["print", "screen", "archive"] {
        let out = scratch(&format!("pinned-{profile}"));
        let mut args = vec!["build", "--profile", profile];
        if profile == "print" {
            args.extend(["--impose", "2up"]);
        }
        args.extend(["--out", out.to_str().unwrap()]);
        build(&repo, &args);
        hash_folder(&out, profile, &mut hashes);
    }

    // Personalised copies of the pack, one name in Cyrillic.
    let dir = project("pinned-copies");
    let pack = std::fs::read_to_string(repo.join("briefings/legal-delegation-pack.yaml")).unwrap();
    std::fs::write(
        dir.join("briefings/legal-delegation-pack.yaml"),
        format!(
            "{pack}recipients:\n  - name: Ana Ruiz\n    role: Counsel\n  - name: Жанна Абенова\n"
        ),
    )
    .unwrap();
    build(
        &dir,
        &[
            "build",
            "briefings/legal-delegation-pack.yaml",
            "--out",
            "out",
        ],
    );
    hash_folder(&dir.join("out"), "copies", &mut hashes);

    hashes
}

fn read_pins() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join(PINS)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, name)| (name.to_string(), hash.to_string()))
        .collect()
}

fn write_pins(hashes: &BTreeMap<String, String>) {
    let mut text = String::from(
        "# SHA-256 of every sample PDF (tests/pinned.rs). Update only in a commit\n\
         # that says what changed on the page and why:\n\
         # HANDBILL_PIN=update cargo test --test pinned\n",
    );
    for (name, hash) in hashes {
        writeln!(text, "{hash}  {name}").unwrap();
    }
    std::fs::write(repo().join(PINS), text).unwrap();
}

#[test]
fn the_sample_pdfs_are_the_pinned_bytes() {
    let now = current();
    assert!(
        now.len() >= 14,
        "every sample in three profiles, the press sheets and the copies: {:?}",
        now.keys()
    );
    if std::env::var("HANDBILL_PIN").as_deref() == Ok("update") {
        write_pins(&now);
        return;
    }
    let pinned = read_pins();
    let mut differences = Vec::new();
    for (name, hash) in &now {
        match pinned.get(name) {
            None => differences.push(format!("{name}: new, not pinned")),
            Some(p) if p != hash => differences.push(format!("{name}: bytes changed")),
            Some(_) => {}
        }
    }
    for name in pinned.keys() {
        if !now.contains_key(name) {
            differences.push(format!("{name}: pinned but no longer made"));
        }
    }
    assert!(
        differences.is_empty(),
        "the sample PDFs differ from {PINS}:\n  {}\n\
         If the change to the pages is meant, look at them, then run \
         `HANDBILL_PIN=update cargo test --test pinned` and say in the commit what changed and why.",
        differences.join("\n  ")
    );
}
