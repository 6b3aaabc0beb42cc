//! `handbill watch` on a scratch project: it rebuilds when a file a
//! briefing read changes (saved as editors save, by renaming a new file
//! over the old), picks up new briefings, passes over editors' swap files,
//! and leaves the old PDF, marked out of date, when a build fails.
//!
//! Every wait is bounded: the test polls for what it expects for up to
//! `WAIT`, and the watch is killed when the test ends, pass or fail.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Generous: a debug build of the pack takes about half a second on a
/// loaded machine.
const WAIT: Duration = Duration::from_secs(20);

const PACK: &str = "legal-delegation-pack";
const LEAFLET: &str = "london-protest-leaflet";

/// A running `handbill watch`, killed when dropped.
struct Watch {
    child: Child,
    dir: PathBuf,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watch {
    /// Starts `handbill watch ARGS` in `dir`, and waits until the first
    /// build is done and it is watching.
    fn start(dir: &Path, args: &[&str]) -> Watch {
        let child = Command::new(env!("CARGO_BIN_EXE_handbill"))
            .arg("watch")
            .args(args)
            .current_dir(dir)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(Stdio::from(File::create(dir.join("watch.out")).unwrap()))
            .stderr(Stdio::from(File::create(dir.join("watch.err")).unwrap()))
            .spawn()
            .expect("handbill starts");
        let watch = Watch {
            child,
            dir: dir.to_path_buf(),
        };
        watch.until("it watches", |w| w.out().contains("watching"));
        watch
    }

    fn out(&self) -> String {
        std::fs::read_to_string(self.dir.join("watch.out")).unwrap_or_default()
    }

    fn err(&self) -> String {
        std::fs::read_to_string(self.dir.join("watch.err")).unwrap_or_default()
    }

    /// Polls `done` until it holds, for up to `WAIT`; fails the test with
    /// what the watch printed if it never does.
    fn until(&self, what: &str, done: impl Fn(&Watch) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < WAIT,
                "{what}: not within {WAIT:?}\nstdout:\n{}\nstderr:\n{}",
                self.out(),
                self.err()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn pdf(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join("out").join(format!("{name}.pdf"))).unwrap_or_default()
    }
}

/// A scratch project with the sample pack and leaflet.
fn sample_project(name: &str) -> PathBuf {
    let dir = project(name);
    for b in [PACK, LEAFLET] {
        std::fs::copy(
            repo().join(format!("briefings/{b}.yaml")),
            dir.join(format!("briefings/{b}.yaml")),
        )
        .unwrap();
    }
    dir
}

/// Saves `bytes` to `path` as editors do: a new file beside it, renamed
/// over it.
fn save(path: &Path, bytes: &[u8]) {
    let temp = path.with_file_name(format!(
        ".{}.saving.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&temp, bytes).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

fn text_of(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("handbill-watch-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let text = Pdf::open(&path).text();
    let _ = std::fs::remove_file(&path);
    text
}

#[test]
fn a_saved_section_is_rebuilt_into_the_pdf() {
    let dir = sample_project("watch-section");
    let watch = Watch::start(&dir, &["--no-clear"]);
    let before = watch.pdf(PACK);
    assert!(!before.is_empty(), "the first build wrote the pack");
    assert!(!text_of(&before).contains("zqxj"));
    let section = dir.join("briefings/profiles/kazakhstan/03-elections.md");
    let mut text = std::fs::read_to_string(&section).unwrap();
    text.push_str("\nA new paragraph with the marker zqxj in it.\n");
    save(&section, text.as_bytes());
    watch.until("the pack is rebuilt with the new words", |w| {
        let now = w.pdf(PACK);
        now != before && !now.is_empty() && text_of(&now).contains("zqxj")
    });
    let out = watch.out();
    assert!(
        out.contains("changed: briefings/profiles/kazakhstan/03-elections.md"),
        "{out}"
    );
    // Each rebuild says when, and how long it took.
    let line = out
        .lines()
        .find(|l| l.contains(&format!("built out/{PACK}.pdf")) && l.contains(" in "))
        .unwrap_or_else(|| panic!("no line for the rebuilt pack:\n{out}"));
    assert!(
        line.starts_with('[') && line.as_bytes().get(9) == Some(&b']'),
        "{line}"
    );
    assert!(line.ends_with(" ms") || line.ends_with(" s"), "{line}");
}

#[test]
fn a_picture_outside_assets_is_watched() {
    let dir = sample_project("watch-picture");
    // The leaflet's photo, moved out of assets/ into a folder of its own.
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let photo = std::fs::read(dir.join("assets/london-2013-placeholder.jpg")).unwrap();
    std::fs::write(dir.join("photos/london.jpg"), &photo).unwrap();
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let yaml = std::fs::read_to_string(&profile).unwrap().replace(
        "file: assets/london-2013-placeholder.jpg",
        "file: photos/london.jpg",
    );
    assert!(yaml.contains("photos/london.jpg"));
    std::fs::write(&profile, yaml).unwrap();
    let watch = Watch::start(&dir, &["--no-clear"]);
    let before = watch.pdf(LEAFLET);
    assert!(!before.is_empty());
    // Another photo (600 by 400 pixels, not 1800 by 1200) saved over it.
    let changed = std::fs::read(repo().join("tests/data/gps-and-serial.jpg")).unwrap();
    save(&dir.join("photos/london.jpg"), &changed);
    watch.until("the leaflet is rebuilt with the new photo", |w| {
        let now = w.pdf(LEAFLET);
        // The new photo's pixels are a ninth of the old one's; the PDF
        // lands before its line is printed.
        !now.is_empty()
            && now.len() < before.len() / 2
            && w.out().matches(" failed in ").count() == 2
    });
    let out = watch.out();
    assert!(out.contains("changed: photos/london.jpg"), "{out}");
    assert_eq!(
        out.matches(&format!("built out/{LEAFLET}.pdf")).count(),
        2,
        "{out}"
    );
}

#[test]
fn a_saved_theme_and_a_new_default_theme_are_rebuilt_into_the_pdf() {
    let dir = sample_project("watch-theme");
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(dir.join("themes/brand.yaml"), "extends: default\n").unwrap();
    let leaflet = dir.join(format!("briefings/{LEAFLET}.yaml"));
    let mut yaml = std::fs::read_to_string(&leaflet).unwrap();
    yaml.push_str("theme: brand\n");
    std::fs::write(&leaflet, yaml).unwrap();
    let watch = Watch::start(&dir, &["--no-clear"]);
    let before = watch.pdf(LEAFLET);
    assert!(!before.is_empty());
    let pack = watch.pdf(PACK);
    // The brand's accent made blue: the leaflet, which names the theme,
    // is rebuilt; the pack, set in the built-in theme, is not.
    save(
        &dir.join("themes/brand.yaml"),
        b"extends: default\ncolors:\n  accent: [100, 40, 0, 0]\n",
    );
    watch.until("the leaflet is rebuilt in the new colour", |w| {
        w.pdf(LEAFLET) != before && w.out().matches(" failed in ").count() == 2
    });
    let out = watch.out();
    assert!(out.contains("changed: themes/brand.yaml"), "{out}");
    assert_eq!(
        out.matches(&format!("built out/{PACK}.pdf")).count(),
        1,
        "the pack does not read themes/brand.yaml: {out}"
    );
    // A new themes/default.yaml takes the built-in theme's place for the
    // pack; the leaflet's brand theme extends it, so it is rebuilt too
    // (its own accent stays).
    save(
        &dir.join("themes/default.yaml"),
        b"extends: builtin\ncolors:\n  accent: [0, 0, 100, 0]\n",
    );
    watch.until("both are rebuilt, the pack in the new default theme", |w| {
        w.pdf(PACK) != pack && w.out().matches(" failed in ").count() == 3
    });
    let out = watch.out();
    assert!(out.contains("changed: themes/default.yaml"), "{out}");
    assert_eq!(
        out.matches(&format!("built out/{LEAFLET}.pdf")).count(),
        3,
        "{out}"
    );
}

#[test]
fn a_new_briefing_is_built_and_swap_files_are_passed_over() {
    let dir = sample_project("watch-new");
    let watch = Watch::start(&dir, &["--no-clear"]);
    let pack = watch.pdf(PACK);
    let builds_before = watch
        .out()
        .matches(&format!("built out/{PACK}.pdf"))
        .count();
    assert_eq!(builds_before, 1, "{}", watch.out());
    // Editors' files beside the pack's inputs: none of them is an input.
    let sections = dir.join("briefings/profiles/kazakhstan");
    std::fs::write(sections.join(".03-elections.md.swp"), "swap").unwrap();
    std::fs::write(sections.join("4913"), "").unwrap();
    std::fs::write(sections.join("03-elections.md~"), "backup").unwrap();
    std::fs::write(sections.join(".#03-elections.md"), "lock").unwrap();
    std::fs::write(dir.join(format!("briefings/.{PACK}.yaml.swp")), "swap").unwrap();
    // Then a new briefing, saved as an editor would.
    let leaflet = std::fs::read(dir.join(format!("briefings/{LEAFLET}.yaml"))).unwrap();
    save(&dir.join("briefings/march-rally.yaml"), &leaflet);
    watch.until("the new briefing is built", |w| {
        !w.pdf("march-rally").is_empty() && w.out().contains("built out/march-rally.pdf")
    });
    let out = watch.out();
    // Events arrive in order: had the swap files counted, the pack would
    // have been rebuilt by now.
    assert_eq!(
        out.matches(&format!("built out/{PACK}.pdf")).count(),
        1,
        "{out}"
    );
    assert_eq!(watch.pdf(PACK), pack);
    assert!(!out.contains(".swp") && !out.contains("4913"), "{out}");
    assert!(out.contains("changed: briefings/march-rally.yaml"), "{out}");
}

#[test]
fn a_failed_build_leaves_the_old_pdf_marked_out_of_date() {
    let dir = sample_project("watch-failed");
    let watch = Watch::start(
        &dir,
        &["--no-clear", "briefings/london-protest-leaflet.yaml"],
    );
    let before = watch.pdf(LEAFLET);
    assert!(!before.is_empty());
    let briefing = dir.join(format!("briefings/{LEAFLET}.yaml"));
    let good = std::fs::read_to_string(&briefing).unwrap();
    save(
        &briefing,
        good.replace("template: leaflet", "template: leaflett")
            .as_bytes(),
    );
    watch.until("the failure is said", |w| w.err().contains("out of date"));
    let err = watch.err();
    assert!(err.contains("there is no template `leaflett`"), "{err}");
    assert!(
        err.contains(&format!("out/{LEAFLET}.pdf is out of date")),
        "{err}"
    );
    assert_eq!(watch.pdf(LEAFLET), before, "the old PDF is left as it was");
    // The manifest is written at the end of the rebuild, after the message.
    watch.until("the manifest marks the PDF", |w| {
        let manifest =
            std::fs::read_to_string(w.dir.join("out/.handbill-manifest")).unwrap_or_default();
        manifest
            .lines()
            .any(|l| l.starts_with(&format!("{LEAFLET}.pdf\t")) && l.contains("\tfailed\t"))
    });
    // Fixed, it is built again, and no longer marked.
    save(&briefing, good.as_bytes());
    watch.until("the fixed briefing is rebuilt", |w| {
        w.out().matches(&format!("built out/{LEAFLET}.pdf")).count() == 2
    });
    watch.until("the mark is gone", |w| {
        let manifest =
            std::fs::read_to_string(w.dir.join("out/.handbill-manifest")).unwrap_or_default();
        manifest
            .lines()
            .any(|l| l.starts_with(&format!("{LEAFLET}.pdf\t")) && !l.contains("\tfailed\t"))
    });
}

#[test]
fn a_watch_of_one_briefing_passes_over_other_new_briefings() {
    let dir = sample_project("watch-one");
    let watch = Watch::start(
        &dir,
        &["--no-clear", "briefings/london-protest-leaflet.yaml"],
    );
    assert!(
        watch.pdf(PACK).is_empty(),
        "only the named briefing is built"
    );
    let leaflet = std::fs::read(dir.join(format!("briefings/{LEAFLET}.yaml"))).unwrap();
    save(&dir.join("briefings/other.yaml"), &leaflet);
    // Then a save of the named briefing, which is rebuilt.
    let before = watch.pdf(LEAFLET);
    let briefing = dir.join(format!("briefings/{LEAFLET}.yaml"));
    let text = String::from_utf8(leaflet).unwrap();
    save(
        &briefing,
        text.replace(
            "Stop the repression in Kazakhstan",
            "Stop the repression now",
        )
        .as_bytes(),
    );
    // The PDF lands before its line is printed: wait for both.
    watch.until("the named briefing is rebuilt", |w| {
        let now = w.pdf(LEAFLET);
        !now.is_empty() && now != before && w.out().matches(" failed in ").count() == 2
    });
    let out = watch.out();
    assert!(watch.pdf("other").is_empty(), "{out}");
    assert!(!out.contains("built out/other.pdf"), "{out}");
    // Whether the two saves came as one change or two, no rebuild of
    // nothing was announced.
    assert!(!out.contains("0 built, 0 unchanged, 0 failed"), "{out}");
    assert_eq!(
        out.matches(&format!("built out/{LEAFLET}.pdf")).count(),
        2,
        "{out}"
    );
}

/// A watch keeps what it laid out from one rebuild to the next; what it
/// writes after each edit must still be, byte for byte, what a fresh
/// `handbill build` of the same files writes: one-word edits, a paragraph
/// that moves every page after it and its removal, an edit in the first
/// section and in the last.
#[test]
fn edits_under_watch_give_the_bytes_of_a_fresh_build() {
    let dir = sample_project("watch-fresh");
    let twin = sample_project("watch-fresh-twin");
    let watch = Watch::start(&dir, &["--no-clear"]);
    let sections = dir.join("briefings/profiles/kazakhstan");
    let read = |name: &str| std::fs::read_to_string(sections.join(name)).unwrap();
    let (elections, overview, demands) = (
        read("03-elections.md"),
        read("01-overview.md"),
        read("09-demands.md"),
    );
    let long = "A paragraph long enough to move the pages after it. ".repeat(40);
    let edits: Vec<(&str, String)> = vec![
        ("03-elections.md", elections.replacen("the", "thee", 1)),
        ("03-elections.md", elections.replacen("the", "those", 1)),
        ("03-elections.md", format!("{elections}\n{long}\n")),
        ("03-elections.md", elections.clone()),
        ("01-overview.md", overview.replacen("the", "this", 1)),
        ("09-demands.md", format!("{demands}\nOne more demand.\n")),
    ];
    for (n, (file, text)) in edits.iter().enumerate() {
        assert_ne!(&read(file), text, "edit {n} changes the file");
        let built = |w: &Watch| w.out().matches(&format!("built out/{PACK}.pdf")).count();
        let before = built(&watch);
        save(&sections.join(file), text.as_bytes());
        watch.until(&format!("edit {n} is rebuilt"), |w| {
            built(w) > before && w.out().matches(" failed in ").count() > n + 1
        });
        std::fs::write(twin.join("briefings/profiles/kazakhstan").join(file), text).unwrap();
        for b in [PACK, LEAFLET] {
            let out = handbill(&twin, &["build", &format!("briefings/{b}.yaml")]);
            assert!(out.status.success(), "{}", stderr(&out));
            let fresh = std::fs::read(twin.join(format!("out/{b}.pdf"))).unwrap();
            assert!(
                watch.pdf(b) == fresh,
                "edit {n} ({file}): the watched {b}.pdf differs from a fresh build"
            );
        }
    }
    // The long paragraph made the pack longer while it was there.
    let pages = |w: &Watch| {
        w.out()
            .lines()
            .filter_map(|l| {
                l.strip_prefix("[")
                    .and_then(|l| l.split_once(&format!("built out/{PACK}.pdf (")))
                    .and_then(|(_, rest)| rest.split(' ').next()?.parse::<usize>().ok())
            })
            .collect::<Vec<_>>()
    };
    let pages = pages(&watch);
    assert!(pages.iter().max() > pages.iter().min(), "{pages:?}");
}

/// Whether text on the first page of `pdf` is filled with `wanted` (CMYK).
fn has_colour(pdf: &[u8], wanted: [f32; 4]) -> bool {
    Pdf::from_bytes(pdf.to_vec()).has_text_colour(wanted)
}

#[test]
fn a_themes_folder_made_after_the_watch_started_is_rebuilt_into_the_pdf() {
    // The project has no themes/ folder when the watch starts.
    let dir = sample_project("watch-new-themes");
    let _ = std::fs::remove_dir_all(dir.join("themes"));
    let watch = Watch::start(&dir, &["--no-clear"]);
    let before = watch.pdf(LEAFLET);
    assert!(!before.is_empty());
    let blue = [1.0, 0.4, 0.0, 0.0];
    assert!(!has_colour(&before, blue));
    // The folder made, and the theme written into it at once, as a
    // volunteer's file manager or `cp -r` does.
    std::fs::create_dir(dir.join("themes")).unwrap();
    std::fs::write(
        dir.join("themes/default.yaml"),
        "extends: builtin\ncolors:\n  accent: [100, 40, 0, 0]\n",
    )
    .unwrap();
    watch.until("the leaflet is rebuilt in the new brand colour", |w| {
        let now = w.pdf(LEAFLET);
        now != before && !now.is_empty() && has_colour(&now, blue)
    });
    // And a later save in the new folder is told of too.
    let rebuilt = watch.pdf(LEAFLET);
    save(
        &dir.join("themes/default.yaml"),
        b"extends: builtin\ncolors:\n  accent: [0, 0, 100, 0]\n",
    );
    watch.until("the leaflet is rebuilt in yellow", |w| {
        let now = w.pdf(LEAFLET);
        now != rebuilt && !now.is_empty() && has_colour(&now, [0.0, 0.0, 1.0, 0.0])
    });
    let out = watch.out();
    assert!(out.contains("changed: themes"), "{out}");
}

#[test]
fn a_fonts_folder_made_after_the_watch_started_is_rebuilt_into_the_pdf() {
    // The theme names a family of the project's fonts/, which is not made
    // yet: the first build fails.
    let dir = sample_project("watch-new-fonts");
    let _ = std::fs::remove_dir_all(dir.join("fonts"));
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(
        dir.join("themes/default.yaml"),
        "extends: builtin\nstyles:\n  .headline: { font: DejaVu Serif }\n",
    )
    .unwrap();
    let watch = Watch::start(
        &dir,
        &["--no-clear", "briefings/london-protest-leaflet.yaml"],
    );
    assert!(watch.pdf(LEAFLET).is_empty(), "{}", watch.err());
    assert!(watch.err().contains("DejaVu Serif"), "{}", watch.err());
    let font = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf");
    assert!(font.exists(), "install fonts-dejavu-core (.ci/run does)");
    std::fs::create_dir(dir.join("fonts")).unwrap();
    std::fs::copy(font, dir.join("fonts/DejaVuSerif.ttf")).unwrap();
    watch.until("the leaflet is built in the new font", |w| {
        !w.pdf(LEAFLET).is_empty()
    });
    let path = dir.join(format!("out/{LEAFLET}.pdf"));
    let fonts = Pdf::open(&path).fonts();
    assert!(
        fonts
            .iter()
            .any(|(name, _, _)| name.contains("DejaVuSerif")),
        "{fonts:?}"
    );
}
