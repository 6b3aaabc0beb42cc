//! Runaway input: text nested too deeply, paragraphs of a whole book, and
//! templates that loop over loops. Each is refused with a located message
//! or built in time and memory proportional to its size; none crashes.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A scratch project whose `overview` section is `body`, built as a
/// briefing pack by `template` (a built-in name or a file written from
/// `custom`).
fn briefing(name: &str, body: &str, custom: Option<&str>) -> PathBuf {
    one_section_pack(name, body, custom, "")
}

/// A section body as layout markup.
fn markdown_of(body: &str) -> String {
    let section = handbill::model::Section {
        id: "s".into(),
        title: "S".into(),
        tags: vec![],
        audience: Default::default(),
        body: body.into(),
        file: PathBuf::from("s.md"),
        body_line: 1,
        translations: Default::default(),
        footnotes: Default::default(),
    };
    handbill::markdown::section_markup(&section, &Default::default(), true, &Default::default())
        .expect("renders")
}

/// Builds on a thread with `stack` bytes of stack: a stack overflow aborts
/// the whole test binary, so a pass proves the margin.
fn build_on_stack(briefing: &Path, stack: usize) -> handbill::Result<handbill::Built> {
    let briefing = briefing.to_path_buf();
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            handbill::Build::new(&briefing)
                .options(&handbill::BuildOptions::default())
                .pdf()
        })
        .unwrap()
        .join()
        .expect("the build does not panic")
}

/// The section file's line of the body's first line (after 4 lines of
/// front matter).
const BODY_LINE: usize = 5;

#[test]
fn markdown_nested_too_deeply_is_refused_where_it_happens() {
    let deep = handbill::markdown::MAX_NESTING * 20;
    let cases = [
        ("quotes", format!("Intro.\n\n{} deep", ">".repeat(deep))),
        (
            "quoted-lists",
            format!("Intro.\n\n{}deep", "> - ".repeat(deep)),
        ),
        (
            "stars",
            format!(
                "Intro.\n\n{}x{}",
                "*".repeat(deep * 5),
                "*".repeat(deep * 5)
            ),
        ),
        ("lists", format!("Intro.\n\n{}deep", "- ".repeat(deep))),
    ];
    for (name, body) in cases {
        let b = briefing(&format!("deep-md-{name}"), &body, None);
        let err = build_on_stack(&b, handbill::batch::STACK_SIZE).expect_err(name);
        assert!(
            err.message.contains("nested too deeply"),
            "{name}: {}",
            err.message
        );
        let at = err.location.as_ref().expect("a location");
        assert!(at.file.ends_with("01-overview.md"), "{name}: {at:?}");
        assert_eq!(at.line, BODY_LINE + 2, "{name}: {at:?}");
        assert!(
            err.help.as_deref().unwrap_or("").contains("at most"),
            "{name}"
        );
    }
}

/// A custom template whose markup nests `depth` elements deep in all
/// (document and flow included): quotes, boxes, list items, a paragraph
/// with emphasis and a footnote.
fn deep_template(depth: usize) -> String {
    let inline = 6; // p, strong, footnote, em, em, em
    let lists = (depth - 2 - inline) / 4;
    let quotes = depth - 2 - inline - lists * 2;
    let mut open = String::new();
    let mut close = String::new();
    for i in 0..quotes {
        let tag = if i % 2 == 0 { "quote" } else { "box" };
        open.push_str(&format!("<{tag}>"));
        close.insert_str(0, &format!("</{tag}>"));
    }
    for _ in 0..lists {
        open.push_str("<ul><li>");
        close.insert_str(0, "</li></ul>");
    }
    format!(
        r#"<document title="Deep">
  <master name="a4" size="A4" margin="10mm"/>
  <pages master="a4" flow="main"/>
  <flow name="main">{open}<p>Deep <strong>text<footnote>a <em><em><em>note</em></em></em></footnote></strong></p>{close}</flow>
</document>
"#
    )
}

#[test]
fn markup_at_the_depth_limit_builds_on_a_quarter_of_the_stack() {
    let limit = handbill::markup::MAX_DEPTH;
    let b = briefing("deep-markup-ok", "Text.", Some(&deep_template(limit)));
    let built = build_on_stack(&b, handbill::batch::STACK_SIZE / 4).expect("builds");
    assert_eq!(built.pages, 1);

    let b = briefing("deep-markup-over", "Text.", Some(&deep_template(limit + 1)));
    let err = build_on_stack(&b, handbill::batch::STACK_SIZE / 4).expect_err("too deep");
    assert!(err.message.contains("nested too deeply"), "{}", err.message);
    // At the template's line that wrote the element too deep.
    let at = err.location.as_deref().expect("a place");
    assert!(at.file.ends_with("t.hbs") && at.line == 4, "{at:?}");
}

#[test]
fn markdown_at_the_depth_limit_builds_on_a_quarter_of_the_stack() {
    let n = handbill::markdown::MAX_NESTING;
    // `> - ` opens a quote, a list and an item (a tight list: no
    // paragraph); `*_*_x_*_*` is emphasis in emphasis, one level a mark.
    // Together exactly the limit, and the footnote's own emphasis nests as
    // deep again inside it.
    let quoted = (n - 1) / 3;
    let levels = n - quoted * 3;
    let emphasis = |text: &str| {
        let marks: String = (0..levels)
            .map(|i| if i % 2 == 0 { '*' } else { '_' })
            .collect();
        format!("{marks}{text}{}", marks.chars().rev().collect::<String>())
    };
    let body = format!(
        "{}{}[^n]\n\n[^n]: {}\n",
        "> - ".repeat(quoted),
        emphasis("deep"),
        emphasis("note")
    );
    let markup = markdown_of(&body);
    assert_eq!(markup.matches("<em>").count(), 2 * levels, "{markup}");
    let b = briefing("deep-md-ok", &body, None);
    let built = build_on_stack(&b, handbill::batch::STACK_SIZE / 4);
    assert!(built.is_ok(), "{:?}", built.err());

    let over = format!("{}{}", "> - ".repeat(quoted + 1), emphasis("deep"));
    let b = briefing("deep-md-over", &over, None);
    let err = build_on_stack(&b, handbill::batch::STACK_SIZE / 4).expect_err("too deep");
    assert!(err.message.contains("nested too deeply"), "{}", err.message);
}

/// One briefing nested far too deeply in a batch of three: it is refused,
/// the others are built, and `check --format json` reports all three.
#[test]
fn a_deep_briefing_in_a_batch_stops_only_itself() {
    let dir = project("deep-batch");
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/20-deep.md"),
        format!(
            "---\nid: deep\ntitle: Deep\n---\n{}x\n",
            "> - ".repeat(2000)
        ),
    )
    .unwrap();
    let good = "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n";
    std::fs::write(dir.join("briefings/a.yaml"), good).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        good.replace("[overview]", "[overview, deep]"),
    )
    .unwrap();
    std::fs::write(dir.join("briefings/c.yaml"), good).unwrap();
    for jobs in ["1", "3"] {
        let o = handbill(&dir, &["build", "--jobs", jobs]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("nested too deeply"), "{}", stderr(&o));
        assert!(dir.join("out/a.pdf").exists() && dir.join("out/c.pdf").exists());
        assert!(!dir.join("out/b.pdf").exists());
        std::fs::remove_dir_all(dir.join("out")).unwrap();
    }
    let o = handbill(&dir, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = report["briefings"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries.iter().filter(|e| e["ok"] == true).count(), 2);
    let deep = entries.iter().find(|e| e["ok"] == false).unwrap();
    assert!(
        deep["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deeply")
    );
    assert_eq!(deep["error"]["line"], 5);
}

/// Random nesting of every kind Markdown has, up to twice the limit, and
/// random lengths: refused with the nesting message or built, never a crash,
/// on the stack a build thread has.
#[test]
fn random_nesting_is_built_or_refused_never_a_crash() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let opener = prop_oneof![
        Just("> "),
        Just("- "),
        Just("1. "),
        Just("* "),
        Just("*"),
        Just("_"),
        Just("**"),
        Just("~~"),
        Just("["),
    ];
    let body = (
        prop::collection::vec(opener, 0..2 * handbill::markdown::MAX_NESTING),
        0usize..3,
        1usize..200,
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let count = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&body, |(openers, lines, words)| {
            let open: String = openers.concat();
            let close: String = openers
                .iter()
                .rev()
                .map(|o| match *o {
                    "*" | "_" | "**" | "~~" => *o,
                    "[" => "](#overview)",
                    _ => "",
                })
                .collect();
            let text = vec!["word"; words].join(" ");
            let body = vec![format!("{open}{text}{close}"); lines + 1].join("\n\n");
            let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let b = briefing(&format!("random-nesting-{n}"), &body, None);
            match build_on_stack(&b, handbill::batch::STACK_SIZE) {
                Ok(built) => prop_assert!(built.pages >= 1),
                Err(e) => prop_assert!(
                    e.message.contains("nested too deeply"),
                    "{}: {}",
                    body.chars().take(200).collect::<String>(),
                    e.message
                ),
            }
            Ok(())
        })
        .unwrap();
}

/// Random templates: loops and conditions nested up to twice the limit,
/// over lists of random length, with bodies of random size. Each is built
/// or refused with one of handbill's own messages; none crashes or runs
/// away.
#[test]
fn random_templates_are_built_or_refused_never_a_crash() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let limit = handbill::template::MAX_NESTING;
    let block = prop_oneof![Just("each"), Just("if"), Just("with")];
    let case = (
        prop::collection::vec(block, 1..2 * limit),
        0usize..3000,
        0usize..2000,
        0usize..2 * limit,
    );
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let count = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&case, |(blocks, values, body, calls)| {
            let mut open = String::new();
            let mut close = String::new();
            for b in &blocks {
                open.push_str(&match *b {
                    "each" => "{{#each @root.values.list}}".to_string(),
                    "if" => "{{#if @root.values.list}}".to_string(),
                    _ => "{{#with @root.values}}".to_string(),
                });
                close.insert_str(0, &format!("{{{{/{b}}}}}"));
            }
            let calc = format!("{{{{t {}\"Page\"{}}}}}", "(t ".repeat(calls), ")".repeat(calls));
            let template = format!(
                "<document title=\"R\">\n<master name=\"a4\" size=\"A4\"/>\n<pages master=\"a4\" flow=\"main\"/>\n<flow name=\"main\">{open}<p>{} {calc}</p>{close}</flow>\n</document>\n",
                "x".repeat(body)
            );
            let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let dir = project(&format!("random-template-{n}"));
            std::fs::create_dir_all(dir.join("templates")).unwrap();
            std::fs::write(dir.join("templates/t.hbs"), &template).unwrap();
            let list: Vec<usize> = (0..values).collect();
            let b = dir.join("briefings/b.yaml");
            std::fs::write(
                &b,
                format!(
                    "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\nvalues:\n  list: {list:?}\n"
                ),
            )
            .unwrap();
            match build_on_stack(&b, handbill::batch::STACK_SIZE) {
                Ok(built) => prop_assert!(built.pages >= 1),
                Err(e) => prop_assert!(
                    ["nests", "makes too much", "pages", "does not fit", "too big"]
                        .iter()
                        .any(|m| e.message.contains(m)),
                    "{blocks:?} over {values} values: {}",
                    e.message
                ),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_tag_picked_thousands_of_times_brings_each_section_in_once() {
    let dir = project("picked-again");
    let picks = "  - tag: background\n  - the-regime\n".repeat(5_000);
    let briefing = dir.join("briefings/b.yaml");
    std::fs::write(
        &briefing,
        format!(
            "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections:\n{picks}"
        ),
    )
    .unwrap();
    let briefing = handbill::load::load_briefing(&briefing).expect("reads");
    let profile = handbill::load::load_profile_for(&briefing).expect("reads");
    let selection = handbill::select::select(&briefing, &profile).expect("selects");
    let ids: Vec<&str> = selection.sections.iter().map(|s| s.id.as_str()).collect();
    let background: Vec<&str> = (profile.sections.iter())
        .filter(|s| s.tags.iter().any(|t| t == "background"))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids, background, "in the profile's order, each once");
    assert!(ids.contains(&"the-regime"));
}

/// Runs `handbill args` in `dir` to its end, or fails the test after a
/// minute (a build waiting on a pipe would wait for ever); with the
/// highest resident memory the system reported for it while it ran.
fn run_watched(dir: &Path, args: &[&str]) -> (std::process::Output, u64) {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let started = Instant::now();
    let mut peak_kb = 0;
    while child.try_wait().unwrap().is_none() {
        // The high-water mark only rises: any reading after the fault shows it.
        let hwm = std::fs::read_to_string(&status).ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak_kb = peak_kb.max(hwm.unwrap_or(0));
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("handbill {args:?} still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (child.wait_with_output().unwrap(), peak_kb)
}

#[test]
fn files_beside_the_sections_that_never_end_or_lead_away_are_not_read() {
    let dir = project("odd-files");
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [overview]\n",
    )
    .unwrap();
    let profile = dir.join("briefings/profiles/kazakhstan");
    let link =
        |target: &Path, name: &str| std::os::unix::fs::symlink(target, profile.join(name)).unwrap();
    // Links round in a circle: walked, they would never end.
    link(Path::new("."), "a");
    link(Path::new("."), "b");
    // A pipe nothing writes to, and a device that never ends, one named as
    // a section.
    let made = std::process::Command::new("mkfifo")
        .arg(profile.join("notes.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    link(Path::new("/dev/zero"), "20-zero.md");
    // A recording kept beside the sections: 1.5 GB long (sparse: no disk
    // used), never read whole.
    std::fs::create_dir_all(profile.join("originals")).unwrap();
    let video = std::fs::File::create(profile.join("originals/interview.mp4")).unwrap();
    video.set_len(1536 << 20).unwrap();
    let (built, peak_kb) = run_watched(&dir, &["build", "briefings/b.yaml", "-o", "out"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(peak_kb < 400 * 1024, "peak {peak_kb} KB");
    // The same files again: the build is up to date.
    let (again, _) = run_watched(&dir, &["build", "briefings/b.yaml", "-o", "out"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let said = stderr(&again);
    assert!(said.contains("1 unchanged"), "{said}");
}
