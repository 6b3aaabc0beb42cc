//! The bad-input corpus: every folder in `tests/bad/` is one hostile or
//! mistaken input. Its files are copied over a fresh scratch project (the
//! sample profile and assets), then `handbill build briefings/b.yaml` must:
//!
//! - exit with 1 (or 2 when the case's README says `exit 2`: a usage error),
//!   (a case whose README has a line `args: …` runs `handbill …` instead),
//! - write no `out/b.pdf` and leave no temporary file in `out/`,
//! - never panic (no "panicked", no "RUST_BACKTRACE" on stderr),
//! - say it in handbill's words: no phrase of a library's messages
//!   (`LIBRARY_WORDS` in `tests/common`) on stderr,
//! - finish within a minute,
//! - print a message that matches the accepted insta snapshot in
//!   `tests/snapshots/bad_inputs__NNN-name.snap` (the scratch folder's path
//!   is shown as `<project>`, the build time as `<time>`).
//!
//! A few inputs are too big to commit or must be symlinks; `generate` makes
//! them (their README starts with "GENERATED").
//!
//! Cases listed in `tests/bad/KNOWN_BUGS.md` show a bug in handbill: they are
//! skipped, loudly. Once such a case behaves, this test fails until it is
//! taken off the list (and its snapshot accepted), so fixed bugs stay fixed.
//!
//! To accept new or changed messages: `INSTA_UPDATE=always cargo test --test
//! bad_inputs` (or `cargo insta review`), then read every changed `.snap`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;

/// How long one case may take before it counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(60);

fn corpus() -> PathBuf {
    repo().join("tests/bad")
}

/// The cases, sorted: every folder in tests/bad/.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The cases `tests/bad/KNOWN_BUGS.md` lists: lines "- `NNN-name` …".
fn known_bugs() -> Vec<String> {
    std::fs::read_to_string(corpus().join("KNOWN_BUGS.md"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

fn copy_over(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_over(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A valid custom template, for the cases that link to one from outside.
const GOOD_TEMPLATE: &str = r#"<document title="{{briefing.title}}">
  <master name="dl" size="DL" margin="8mm"/>
  <page master="dl">
    <frame name="text" flow="story" x="8mm" y="8mm" width="83mm" height="190mm"/>
  </page>
  <flow name="story">
    <p class="headline">{{values.headline}}</p>
    {{#each sections}}<h1>{{title}}</h1>{{{body_plain}}}{{/each}}
  </flow>
</document>
"#;

/// A project theme, `themes/many.yaml`, of `count` styles: `style(n)`.
fn many_styles(dir: &Path, count: usize, style: impl Fn(usize) -> String) {
    let mut text = String::from("extends: builtin\nstyles:\n");
    for n in 0..count {
        text.push_str(&format!("  {}\n", style(n)));
    }
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(dir.join("themes/many.yaml"), text).unwrap();
}

/// A section `id` of `marks` paragraphs each marking one footnote of
/// 20,000 characters, the longest a note may be.
fn notes_marked(dir: &Path, id: &str, marks: usize) {
    let text = format!(
        "---\nid: {id}\ntitle: Notes {id}\naudience: public\n---\n\n{}[^n]: {}\n",
        "Claim.[^n]\n\n".repeat(marks),
        "word ".repeat(4_000).trim_end()
    );
    let file = format!("briefings/profiles/kazakhstan/99-{id}.md");
    std::fs::write(dir.join(file), text).unwrap();
}

/// A project template, `templates/t.hbs`, and a briefing that gives it
/// `values.list`, the numbers up to `count`, to loop over.
fn template_over_a_list(dir: &Path, template: &str, count: usize) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/t.hbs"), template).unwrap();
    let list: Vec<String> = (0..count).map(|n| n.to_string()).collect();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!(
            "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\nvalues:\n  list: [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
}

/// Makes the inputs of the cases whose README says GENERATED.
fn generate(case: &str, dir: &Path) {
    let outside = PathBuf::from(format!("{}-outside", dir.display()));
    let link = |target: &Path, link: &Path| {
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    };
    let head = "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n";
    match case {
        "018-deep-nesting-block" => {
            let mut text = format!("{head}  deep:\n");
            for level in 0..1000 {
                text.push_str(&"  ".repeat(level + 2));
                text.push_str("a:\n");
            }
            text.push_str(&"  ".repeat(1002));
            text.push_str("x\n");
            std::fs::write(dir.join("briefings/b.yaml"), text).unwrap();
        }
        "019-huge-briefing" => {
            let mut text = String::from(head);
            let line = format!("# {}\n", "padding ".repeat(12));
            while text.len() < 5 * 1024 * 1024 {
                text.push_str(&line);
            }
            std::fs::write(dir.join("briefings/b.yaml"), text).unwrap();
        }
        "599-profile-publisher-too-long" => {
            let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
            let text = std::fs::read_to_string(&profile).unwrap().replace(
                "publisher: The Haldane Society of Socialist Lawyers",
                &format!(
                    "publisher: {}",
                    "The Haldane Society ".repeat(900).trim_end()
                ),
            );
            std::fs::write(&profile, text).unwrap();
            std::fs::write(dir.join("briefings/b.yaml"), head).unwrap();
        }
        "600-section-long-note-marked-4000-times" => {
            notes_marked(dir, "notes", 4_000);
            std::fs::write(dir.join("briefings/b.yaml"), "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [notes]\n").unwrap();
        }
        "601-sections-long-notes-marked-together-too-much" => {
            for id in ["notes-a", "notes-b", "notes-c"] {
                notes_marked(dir, id, 1_500);
            }
            std::fs::write(dir.join("briefings/b.yaml"), "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [notes-a, notes-b, notes-c]\n").unwrap();
        }
        "592-theme-hundred-thousand-styles" => {
            many_styles(dir, 100_000, |n| format!("p.c{n}: {{ size: 10 }}"));
        }
        "594-theme-sixty-thousand-fonts" => {
            many_styles(dir, 60_000, |n| format!("p.c{n}: {{ font: Family {n} }}"));
        }
        "595-section-eighty-thousand-tags" => {
            let tags: Vec<String> = (0..80_000).map(|n| format!("t{n}")).collect();
            std::fs::write(
                dir.join("briefings/profiles/kazakhstan/99-many-tags.md"),
                format!(
                    "---\nid: many-tags\ntitle: Many tags\naudience: public\ntags: [{}]\n---\nText.\n",
                    tags.join(", ")
                ),
            )
            .unwrap();
            std::fs::write(dir.join("briefings/b.yaml"), "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [many-tags]\n").unwrap();
        }
        "596-template-forty-thousand-masters" => {
            let template = r#"<document title="Masters">
  {{#each values.list}}<master name="m{{this}}" size="A4" margin="10mm"/>{{/each}}
  <master name="m0" size="A4" margin="10mm"/>
  <pages master="m0" flow="main"/>
  <flow name="main"><p>Text.</p></flow>
</document>
"#;
            template_over_a_list(dir, template, 40_000);
        }
        "597-template-hundred-thousand-references" => {
            let template = r##"<document title="References">
  <master name="a4" size="A4" margin="15mm"/>
  <pages master="a4" flow="main"/>
  <flow name="main"><p>{{#each values.list}}<a href="#sec-x{{this}}"/> {{/each}}</p></flow>
</document>
"##;
            template_over_a_list(dir, template, 100_000);
        }
        "084-picture-symlink-out" => {
            std::fs::create_dir_all(&outside).unwrap();
            let secret = outside.join("secret.png");
            std::fs::copy(repo().join("assets/london-2013-placeholder.png"), &secret).unwrap();
            link(&secret, &dir.join("assets/link.png"));
        }
        "089-picture-too-big" => {
            // Sparse: 65 MiB long, but no disk space used; handbill checks
            // the length before reading.
            let file = std::fs::File::create(dir.join("assets/big.png")).unwrap();
            file.set_len(65 * 1024 * 1024).unwrap();
        }
        "095-template-symlink-out" => {
            std::fs::create_dir_all(&outside).unwrap();
            std::fs::write(outside.join("t.hbs"), GOOD_TEMPLATE).unwrap();
            link(&outside.join("t.hbs"), &dir.join("templates/t.hbs"));
        }
        "096-section-symlink-out" => {
            std::fs::create_dir_all(&outside).unwrap();
            std::fs::write(
                outside.join("10-outside.md"),
                "---\nid: outside\ntitle: From outside the project\n---\nThis text lives outside the project folder.\n",
            )
            .unwrap();
            link(
                &outside.join("10-outside.md"),
                &dir.join("briefings/profiles/kazakhstan/10-outside.md"),
            );
        }
        "099-profile-folder-symlink-out" => {
            let profile = outside.join("elsewhere");
            copy_over(&repo().join("briefings/profiles/kazakhstan"), &profile);
            link(&profile, &dir.join("briefings/profiles/elsewhere"));
        }
        "295-words-symlink-out" => {
            std::fs::create_dir_all(&outside).unwrap();
            std::fs::write(outside.join("de.yaml"), "Contents: Inhalt\n").unwrap();
            link(&outside.join("de.yaml"), &dir.join("words/de.yaml"));
        }
        "347-theme-symlink-out" => {
            std::fs::create_dir_all(&outside).unwrap();
            std::fs::write(outside.join("brand.yaml"), "extends: default\n").unwrap();
            link(&outside.join("brand.yaml"), &dir.join("themes/brand.yaml"));
        }
        "354-theme-chain-too-long" => {
            std::fs::create_dir_all(dir.join("themes")).unwrap();
            for i in 0..10 {
                let parent = if i == 9 {
                    "builtin".to_string()
                } else {
                    format!("t{}", i + 1)
                };
                std::fs::write(
                    dir.join(format!("themes/t{i}.yaml")),
                    format!("extends: {parent}\n"),
                )
                .unwrap();
            }
        }
        "534-font-without-widths" => {
            // The table's tag renamed in the table directory: it is gone.
            let mut font = std::fs::read(repo().join("fonts/NotoSerif-Regular.ttf")).unwrap();
            let tables = usize::from(u16::from_be_bytes([font[4], font[5]]));
            let entry = (0..tables)
                .map(|i| 12 + 16 * i)
                .find(|&at| &font[at..at + 4] == b"hmtx")
                .unwrap();
            font[entry..entry + 4].copy_from_slice(b"hmtz");
            std::fs::create_dir_all(dir.join("fonts")).unwrap();
            std::fs::write(dir.join("fonts/NotoSerif-Regular.ttf"), font).unwrap();
        }
        "535-font-collection-too-many-faces" => {
            // A collection header naming 100,000 fonts, each at offset 0.
            let count: u32 = 100_000;
            let mut ttc = b"ttcf\0\x01\0\0".to_vec();
            ttc.extend(count.to_be_bytes());
            ttc.resize(12 + 4 * count as usize, 0);
            std::fs::create_dir_all(dir.join("fonts")).unwrap();
            std::fs::write(dir.join("fonts/Many.ttc"), ttc).unwrap();
        }
        "549-template-too-large" => {
            let mut text = format!("{GOOD_TEMPLATE}{{{{!--");
            let mut n = 0;
            while text.len() <= 70 * 1024 {
                text.push_str(&format!(" {{{{t \"w{n}\"}}}}"));
                n += 1;
            }
            text.push_str(" --}}\n");
            std::fs::create_dir_all(dir.join("templates")).unwrap();
            std::fs::write(dir.join("templates/t.hbs"), text).unwrap();
        }
        "552-recipients-named-pipe" => fifo(&dir.join("briefings/delegates.csv")),
        "553-password-file-named-pipe" => fifo(&dir.join(".handbill/pack-password.txt")),
        "554-picture-named-pipe" => fifo(&dir.join("assets/pipe.jpg")),
        "570-theme-named-pipe" => fifo(&dir.join("themes/default.yaml")),
        "571-format-named-pipe" => fifo(&dir.join("formats/card.yaml")),
        "572-briefing-named-pipe" => fifo(&dir.join("briefings/pipe.yaml")),
        other => panic!("{other}: its README says GENERATED but generate() does not know it"),
    }
}

/// A named pipe at `path` with nothing writing to it: reading it would wait
/// for ever.
fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// What one run of a case gave.
struct Run {
    code: Option<i32>,
    stderr: String,
    took: Duration,
    timed_out: bool,
}

fn run_handbill(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CLICOLOR_FORCE")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("handbill runs");
    // Read stderr on a thread so a chatty child cannot block on a full pipe.
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut pipe, &mut buf).ok();
        buf
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CASE_LIMIT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    Run {
        code: status.code(),
        stderr,
        took: started.elapsed(),
        timed_out,
    }
}

/// The message as the snapshot keeps it: no scratch path, no timing.
fn normalise(text: &str, dir: &Path) -> String {
    let mut text = text.to_string();
    let mut paths = vec![dir.display().to_string()];
    if let Ok(real) = dir.canonicalize() {
        paths.push(real.display().to_string());
    }
    for p in paths {
        text = text.replace(&p, "<project>");
    }
    // "0 built, 0 unchanged, 1 failed in 12 ms; …"
    let mut out = String::new();
    for line in text.lines() {
        match line.split_once(" failed in ") {
            Some((before, after)) => {
                let rest = after.split_once(';').map_or("", |(_, r)| r);
                out.push_str(&format!("{before} failed in <time>"));
                if !rest.is_empty() {
                    out.push(';');
                    out.push_str(rest);
                }
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Runs one case; `Err` says what was wrong. With `snapshot`, the message is
/// compared to the accepted one too.
fn run_case(case: &str, snapshot: bool) -> Result<Duration, String> {
    let from = corpus().join(case);
    let readme = std::fs::read_to_string(from.join("README"))
        .map_err(|_| format!("{case}: has no README"))?;
    let expected = if readme.contains("exit 2") { 2 } else { 1 };
    let dir = project(&format!("bad-{case}"));
    // The case's files, without its README.
    for entry in std::fs::read_dir(&from).unwrap().flatten() {
        let target = dir.join(entry.file_name());
        if entry.path().is_dir() {
            copy_over(&entry.path(), &target);
        } else if entry.file_name() != "README" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    if readme.starts_with("GENERATED") {
        generate(case, &dir);
    }
    // A case about another command says so: a README line `args: …`.
    let args: Vec<&str> = readme
        .lines()
        .find_map(|l| l.strip_prefix("args:"))
        .map_or(vec!["build", "briefings/b.yaml"], |a| {
            a.split_whitespace().collect()
        });
    let run = run_handbill(&dir, &args);
    let mut problems = Vec::new();
    if run.timed_out {
        problems.push(format!("did not finish in {CASE_LIMIT:?}"));
    }
    if run.code != Some(expected) {
        problems.push(format!("exit code {:?}, expected {expected}", run.code));
    }
    if dir.join("out/b.pdf").exists() {
        problems.push("out/b.pdf was written".into());
    }
    let leftovers: Vec<String> = std::fs::read_dir(dir.join("out"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("temporary files left in out/: {leftovers:?}"));
    }
    if run.stderr.contains("panicked") || run.stderr.contains("RUST_BACKTRACE") {
        problems.push("handbill panicked".into());
    }
    if run.stderr.trim().is_empty() {
        problems.push("handbill said nothing on stderr".into());
    }
    for words in LIBRARY_WORDS {
        if run.stderr.contains(words) {
            problems.push(format!("a library's words reach the user: {words:?}"));
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "{case}: {}\n--- stderr ---\n{}",
            problems.join("; "),
            run.stderr
        ));
    }
    if snapshot {
        let text = normalise(&run.stderr, &dir);
        let name = case.to_string();
        std::panic::catch_unwind(|| {
            insta::assert_snapshot!(name, text);
        })
        .map_err(|_| format!("{case}: the message differs from its snapshot (see above)"))?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(format!("{}-outside", dir.display()));
    Ok(run.took)
}

#[test]
fn every_bad_input_is_refused_with_a_good_message() {
    let cases = cases();
    let known = known_bugs();
    assert!(
        cases.len() >= 40,
        "the corpus has {} cases, expected at least 40",
        cases.len()
    );
    for k in &known {
        assert!(
            cases.contains(k),
            "KNOWN_BUGS.md lists `{k}`, which is not a folder in tests/bad/"
        );
    }
    let failures = Mutex::new(Vec::new());
    let timings = Mutex::new(Vec::new());
    let queue = Mutex::new(cases.iter());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let Some(case) = queue.lock().unwrap().next() else {
                        break;
                    };
                    let is_known = known.contains(case);
                    match run_case(case, !is_known) {
                        Ok(took) if is_known => failures.lock().unwrap().push(format!(
                            "{case}: listed in tests/bad/KNOWN_BUGS.md but now behaves: \
                             take it off the list and accept its snapshot ({took:?})"
                        )),
                        Ok(took) => timings.lock().unwrap().push((took, case.clone())),
                        Err(why) if is_known => {
                            eprintln!("KNOWN BUG, skipped: {}", why.lines().next().unwrap_or(""))
                        }
                        Err(why) => failures.lock().unwrap().push(why),
                    }
                }
            });
        }
    });
    if !known.is_empty() {
        eprintln!(
            "\n!!! {} bad-input case(s) SKIPPED as known bugs (tests/bad/KNOWN_BUGS.md): {}\n",
            known.len(),
            known.join(", ")
        );
    }
    let mut timings = timings.into_inner().unwrap();
    timings.sort();
    if let Some((took, case)) = timings.last() {
        eprintln!("slowest bad input: {case} in {took:?}");
    }
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
