//! A project of one's own: `init`, `new` with its options, finding the
//! project from inside it, the JSON Schemas, completions and the man page.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A fresh folder outside this repository (whose own briefings/ would be
/// found from any folder inside it).
fn outside(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("handbill-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = handbill(dir, args);
    assert!(o.status.success(), "handbill {args:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir`, as paths inside it, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            }
            out.push(e.path().strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out.sort();
    out
}

#[test]
fn init_makes_a_project_that_builds_in_every_profile() {
    let top = outside("init");
    let said = ok(&top, &["init", "demo"]);
    assert!(said.contains("cd demo && handbill build"), "{said}");
    let demo = top.join("demo");
    for file in [
        "README.md",
        "briefings/leaflet.yaml",
        "briefings/pack.yaml",
        "briefings/profiles/country/profile.yaml",
        "briefings/profiles/country/01-about.md",
        "assets/picture-placeholder.png",
        "schemas/briefing.schema.json",
    ] {
        assert!(demo.join(file).is_file(), "no {file}");
    }
    let leaflet = std::fs::read_to_string(demo.join("briefings/leaflet.yaml")).unwrap();
    assert!(
        leaflet.starts_with("# yaml-language-server: $schema=../schemas/briefing.schema.json\n")
    );
    for profile in ["print", "screen", "archive"] {
        let out = format!("out-{profile}");
        let o = handbill(&demo, &["build", "--profile", profile, "--out", &out]);
        assert!(o.status.success(), "{profile}: {}", stderr(&o));
        // A new project builds without a warning to puzzle a newcomer.
        assert!(!stderr(&o).contains("warning"), "{profile}: {}", stderr(&o));
        let leaflet = Pdf::open(&demo.join(&out).join("leaflet.pdf"));
        assert_eq!(leaflet.page_count(), 2, "{profile}");
        assert!(leaflet.text().contains("About the country"), "{profile}");
        let pack = Pdf::open(&demo.join(&out).join("pack.pdf"));
        assert!(pack.page_count() >= 2, "{profile}");
        let text = pack.text();
        assert!(text.contains("About the country"), "{profile}: {text}");
        assert!(
            text.contains("Title of the report"),
            "{profile}: the source is cited"
        );
    }
    // A profile of another name, in an empty folder that exists.
    let empty = top.join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(&empty, &["init", ".", "--profile", "chile"]);
    assert!(
        empty
            .join("briefings/profiles/chile/profile.yaml")
            .is_file()
    );
    ok(&empty, &["build"]);
    assert!(empty.join("out/pack.pdf").is_file());
    let _ = std::fs::remove_dir_all(&top);
}

#[test]
fn init_into_a_folder_that_is_not_empty_fails_and_writes_nothing() {
    let top = outside("init-full");
    let full = top.join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "mine").unwrap();
    let before = tree(&full);
    let o = handbill(&top, &["init", "full"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("full is not empty (it holds notes.txt)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&full), before);
    assert_eq!(
        std::fs::read_to_string(full.join("notes.txt")).unwrap(),
        "mine"
    );
    // A file where the folder should be.
    let o = handbill(&top, &["init", "full/notes.txt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(tree(&full), before);
    let _ = std::fs::remove_dir_all(&top);
}

#[test]
fn the_project_is_found_from_inside_it() {
    let top = outside("inside");
    ok(&top, &["init", "demo"]);
    let demo = top.join("demo");
    // A briefing named from briefings/: the PDF lands in the project's out/.
    let said = ok(&demo.join("briefings"), &["build", "leaflet.yaml"]);
    assert!(said.contains("built out/leaflet.pdf"), "{said}");
    assert!(demo.join("out/leaflet.pdf").is_file());
    assert!(!demo.join("briefings/out").exists());
    assert!(!demo.join("out/pack.pdf").exists());
    // From a profile folder, the whole project.
    let profile = demo.join("briefings/profiles/country");
    ok(&profile, &["build"]);
    assert!(demo.join("out/pack.pdf").is_file());
    assert!(!profile.join("out").exists());
    let checked = ok(&profile, &["check"]);
    assert!(
        checked.contains("ok leaflet.pdf") && checked.contains("ok pack.pdf"),
        "{checked}"
    );
    let listed = ok(&profile, &["list", "profiles"]);
    assert!(listed.contains("country"), "{listed}");
    // Messages name files from the project folder.
    std::fs::write(
        demo.join("briefings/bad.yaml"),
        "profile: country\ntemplate: leaflet\naudience: public\nsections: [abut]\n",
    )
    .unwrap();
    let o = handbill(&profile, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("briefings/bad.yaml:4:"),
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains(top.to_str().unwrap()),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&top);
}

#[test]
fn new_with_each_option_builds() {
    let dir = project("new-options");
    let cases: &[(&str, &[&str])] = &[
        ("a", &["new", "leaflet", "a", "--format", "dl-trifold"]),
        // `rus` is written `ru`, as a build would read it.
        ("b", &["new", "pack", "b", "--lang", "rus"]),
        ("c", &["new", "leaflet", "c", "--profile", "kazakhstan"]),
        ("d", &["new", "pack", "d", "--template", "briefing-pack"]),
    ];
    for (name, args) in cases {
        let said = ok(&dir, args);
        assert!(said.contains(&format!("briefings/{name}.yaml")), "{said}");
        ok(&dir, &["build", &format!("briefings/{name}.yaml")]);
    }
    let text = std::fs::read_to_string(dir.join("briefings/a.yaml")).unwrap();
    assert!(text.contains("format: dl-trifold"), "{text}");
    assert_eq!(
        Pdf::open(&dir.join("out/a.pdf")).page_size_mm(0).0.round(),
        297.0
    );
    let text = std::fs::read_to_string(dir.join("briefings/b.yaml")).unwrap();
    assert!(text.contains("lang: ru\n"), "{text}");
    assert!(dir.join("schemas/briefing.schema.json").is_file());
    // In a project made by init, whose profile is not `kazakhstan`, run
    // from inside briefings/.
    let top = outside("new-in-init");
    ok(&top, &["init", "p", "--profile", "chile"]);
    ok(
        &top.join("p/briefings"),
        &["new", "leaflet", "rally", "--format", "a6"],
    );
    ok(&top.join("p"), &["build", "briefings/rally.yaml"]);
    assert!(top.join("p/out/rally.pdf").is_file());
    let _ = std::fs::remove_dir_all(&top);
}

#[test]
fn new_says_did_you_mean_for_unknown_values() {
    let dir = project("new-unknown");
    for (args, said) in [
        (
            &["new", "leaflet", "x", "--format", "a55"][..],
            "did you mean `a5`?",
        ),
        (
            &["new", "leaflet", "x", "--template", "leaflett"],
            "did you mean `leaflet`?",
        ),
        (
            &["new", "leaflet", "x", "--profile", "kazakstan"],
            "did you mean `kazakhstan`?",
        ),
        (
            &["new", "leaflet", "x", "--lang", "ruu"],
            "did you mean `ru`?",
        ),
    ] {
        let o = handbill(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(said), "{args:?}: {}", stderr(&o));
        assert!(
            !dir.join("briefings/x.yaml").exists(),
            "{args:?} wrote a briefing"
        );
    }
}

/// Validates `files` (YAML) against the schema of `kind` with Python's
/// jsonschema, the reference validator; returns the error of each file that
/// fails, by file.
fn validate(kind: &str, files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let schema = ok(&repo(), &["schema", kind]);
    let dir = scratch(&format!("schema-{kind}"));
    std::fs::write(dir.join("schema.json"), &schema).unwrap();
    let script = r#"
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
for f in sys.argv[2:]:
    errors = sorted(v.iter_errors(yaml.safe_load(open(f, encoding="utf-8"))), key=str)
    print(json.dumps([f, errors[0].message if errors else ""]))
"#;
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir.join("schema.json"))
        .args(files)
        .output()
        .expect("python3 runs (with python3-jsonschema and python3-yaml: .ci/run installs them)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<(PathBuf, String)> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), files.len());
    lines.into_iter().filter(|(_, e)| !e.is_empty()).collect()
}

#[test]
fn every_sample_is_valid_by_its_schema_and_an_unknown_key_is_not() {
    let yaml_in = |dir: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        v.sort();
        v
    };
    let top = outside("schema");
    ok(&top, &["init", "demo"]);
    let mut briefings = yaml_in(&repo().join("briefings"));
    assert!(briefings.len() >= 4);
    briefings.extend(yaml_in(&top.join("demo/briefings")));
    assert_eq!(validate("briefing", &briefings), vec![]);
    let profiles = vec![
        repo().join("briefings/profiles/kazakhstan/profile.yaml"),
        top.join("demo/briefings/profiles/country/profile.yaml"),
    ];
    assert_eq!(validate("profile", &profiles), vec![]);
    assert_eq!(
        validate("format", &yaml_in(&repo().join("formats"))),
        vec![]
    );
    assert_eq!(validate("theme", &yaml_in(&repo().join("themes"))), vec![]);
    // A theme that extends another validates; one handbill refuses (a
    // size of 0, a misspelt key) does not.
    let themes = top.join("themes");
    std::fs::create_dir_all(&themes).unwrap();
    let theme = |name: &str, text: &str| {
        let path = themes.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let brand = theme(
        "brand.yaml",
        "extends: default\ncolors:\n  accent: [100, 40, 0, 0]\nstyles:\n  h1: { size: 16, color: accent }\n  h2:\n",
    );
    assert_eq!(validate("theme", std::slice::from_ref(&brand)), vec![]);
    for text in [
        "styles:\n  h1: { size: 0 }\n",
        "styles:\n  h1: { colour: accent }\n",
        "colors:\n  accent: [0, 95, 85]\n",
        "colors:\n  accent: [0, 120, 85, 0]\n",
        "extends: [a, b]\n",
    ] {
        let bad = theme("bad.yaml", text);
        assert_eq!(validate("theme", &[bad]).len(), 1, "{text}");
    }
    let words = yaml_in(&repo().join("words"));
    assert!(words.len() >= 3, "en, ru and kk: {words:?}");
    assert_eq!(validate("words", &words), vec![]);
    // What handbill refuses, the schema refuses.
    let misspelt = top.join("de.yaml");
    std::fs::write(&misspelt, "Contnets: Inhalt\n").unwrap();
    let errors = validate("words", std::slice::from_ref(&misspelt));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1.contains("Contnets"), "{errors:?}");
    let bad = top.join("bad.yaml");
    std::fs::write(
        &bad,
        "profile: x\ntemplate: leaflet\naudience: public\nsections: all\ntitel: Oops\n",
    )
    .unwrap();
    let errors = validate("briefing", std::slice::from_ref(&bad));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1.contains("titel"), "{errors:?}");
    std::fs::write(
        &bad,
        "profile: x\ntemplate: leaflet\naudience: everyone\nsections: all\n",
    )
    .unwrap();
    assert_eq!(validate("briefing", std::slice::from_ref(&bad)).len(), 1);
    let _ = std::fs::remove_dir_all(&top);
}

#[test]
fn completions_and_the_man_page_name_every_command_and_option() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let text = ok(&repo(), &["completions", shell]);
        for word in [
            "build",
            "check",
            "init",
            "new",
            "schema",
            "completions",
            "man",
        ] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
        for option in ["profile", "format", "shard", "template", "lang", "print"] {
            let written = match shell {
                "fish" => format!("-l {option}"),
                _ => format!("--{option}"),
            };
            assert!(
                text.contains(&written),
                "{shell} completions lack {written}"
            );
        }
    }
    let man = ok(&repo(), &["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH handbill"),
        "{}",
        &man[..200.min(man.len())]
    );
    for word in [
        "build",
        "init",
        "completions",
        "schema",
        "watch",
        "\\-\\-version",
    ] {
        assert!(man.contains(word), "the man page lacks {word}");
    }
}
