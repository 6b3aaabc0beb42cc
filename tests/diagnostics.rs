//! How errors and warnings reach people and programs: drawn as cargo draws
//! them, in colour only on a terminal that wants it, with suggestions for
//! misspelt names; and `check --format json`, version 1
//! (docs/check-json.md).

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

/// A scratch project whose `briefings/b.yaml` is `yaml`.
fn with_briefing(name: &str, yaml: &str) -> std::path::PathBuf {
    let dir = project(name);
    std::fs::write(dir.join("briefings/b.yaml"), yaml).unwrap();
    dir
}

/// handbill with the colour settings of the environment replaced by `env`.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handbill"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("handbill runs")
}

const MISSPELT_SECTION: &str =
    "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overveiw]\n";

#[test]
fn piped_output_and_no_color_have_no_escape_codes() {
    let dir = with_briefing("plain", MISSPELT_SECTION);
    for env in [
        &[][..],
        &[("NO_COLOR", "1")][..],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")][..],
    ] {
        let o = run(&dir, &["build", "briefings/b.yaml"], env);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("error: profile `kazakhstan` has no section `overveiw`"),
            "{err}"
        );
        assert!(err.contains("= help: did you mean `overview`?"), "{err}");
        assert!(!err.contains('\x1b'), "{env:?}: escape codes in {err:?}");
    }
    // `--color never` wins over CLICOLOR_FORCE.
    let o = run(
        &dir,
        &["build", "--color", "never", "briefings/b.yaml"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!stderr(&o).contains('\x1b'), "{}", stderr(&o));
}

#[test]
fn colour_can_be_forced_onto_a_pipe() {
    let dir = with_briefing("colour", MISSPELT_SECTION);
    for (args, env) in [
        (
            &["build", "--color", "always", "briefings/b.yaml"][..],
            &[][..],
        ),
        (
            &["build", "--color=always", "briefings/b.yaml"][..],
            &[("NO_COLOR", "1")][..],
        ),
        (
            &["build", "briefings/b.yaml"][..],
            &[("CLICOLOR_FORCE", "1")][..],
        ),
        (
            &["check", "briefings/b.yaml", "--color", "always"][..],
            &[][..],
        ),
    ] {
        let o = run(&dir, args, env);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        // Bold bright red for `error`, as cargo's, and the words intact.
        assert!(
            err.contains("\x1b[1m\x1b[91merror"),
            "{args:?} {env:?}: {err:?}"
        );
        assert!(err.contains("has no section `overveiw`"), "{err:?}");
        assert!(err.contains("did you mean `overview`?"), "{err:?}");
    }
    // A value `--color` does not know is a usage error.
    let o = run(&dir, &["build", "--color", "sometimes"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_misspelt_format_name_gets_a_suggestion() {
    let dir = with_briefing(
        "format-name",
        "profile: kazakhstan\ntemplate: leaflet-a5\nformat: dl-trifolt\naudience: public\nsections: [overview]\nvalues:\n  headline: x\n",
    );
    let o = run(&dir, &["build", "briefings/b.yaml"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: there is no format `dl-trifolt`\n --> briefings/b.yaml:3:9\n"),
        "{err}"
    );
    assert!(
        err.contains("3 | format: dl-trifolt\n  |         ^\n"),
        "{err}"
    );
    assert!(err.contains("= help: did you mean `dl-trifold`?"), "{err}");
    assert!(!dir.join("out/b.pdf").exists());
}

#[test]
fn a_misspelt_template_variable_gets_a_suggestion() {
    let dir = with_briefing(
        "template-variable",
        "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\n",
    );
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/t.hbs"),
        r#"<document title="x">
  <master name="dl" size="DL" margin="8mm"/>
  <page master="dl">
    <frame name="text" flow="story" x="8mm" y="8mm" width="83mm" height="190mm"/>
  </page>
  <flow name="story">
    {{#each sections}}<h1>{{titel}}</h1>{{/each}}
  </flow>
</document>
"#,
    )
    .unwrap();
    let o = run(&dir, &["build", "briefings/b.yaml"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "error: the template uses `titel`, which has no value\n --> templates/t.hbs:7:27\n"
        ),
        "{err}"
    );
    assert!(err.contains("= help: did you mean `title`?"), "{err}");
}

/// `check --format json` in `dir` with `args`: the exit code and the JSON.
fn check_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = run(dir, &all, &[]);
    let json = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(&o)
        )
    });
    (o.status.code(), json)
}

/// A project with one briefing that builds with a warning located in it
/// (its `allow:` lets a confidential section into a public pack) and a
/// loose line (before a number too long for any line), and one that fails.
fn warned_and_broken(name: &str) -> std::path::PathBuf {
    let dir = with_briefing(
        name,
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: [overview, contacts]\nallow: [section: contacts]\n",
    );
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/10-contacts.md"),
        "---\nid: contacts\ntitle: Contacts in Almaty\naudience: confidential\n---\nNames.\n\nThe case number 12345678901234567890123456789012345678901234567890123456789012345678901234567890 is too long.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/broken.yaml"),
        "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overveiw]\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_json_is_version_1_with_warnings_and_errors_as_objects() {
    let dir = warned_and_broken("json-v1");
    let (code, json) = check_json(&dir, &[]);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["version"], 1);
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"], serde_json::json!([]));
    let entries = json["briefings"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{json}");
    let built = entries.iter().find(|e| e["output"] == "b.pdf").unwrap();
    assert_eq!(built["ok"], true, "{built}");
    let allowed = built["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "allowed")
        .unwrap_or_else(|| panic!("no `allowed` warning: {built}"));
    assert_eq!(allowed["file"], "briefings/b.yaml", "{allowed}");
    assert_eq!(allowed["line"], 5, "{allowed}");
    assert_eq!(allowed["column"], 1, "{allowed}");
    assert!(
        allowed["message"]
            .as_str()
            .unwrap()
            .contains("section `contacts` (confidential audience)"),
        "{allowed}"
    );
    assert!(allowed.get("help").is_some(), "{allowed}");
    // Not on the pages: its place is null.
    assert!(allowed["place"].is_null(), "{allowed}");
    assert!(built["typesetting"]["lines"].as_u64().unwrap() > 0);
    // The loose line: at its section's line, and boxed on its page (the
    // pack is A4, 595 by 842 pt), as the preview marks it.
    let loose = &built["typesetting"]["loose"][0];
    assert_eq!(loose["code"], "loose-line", "{built}");
    assert_eq!(
        loose["file"], "briefings/profiles/kazakhstan/10-contacts.md",
        "{loose}"
    );
    assert_eq!(loose["line"], 8, "{loose}");
    let place = &loose["place"];
    assert_eq!(place["unit"], "pt", "{loose}");
    let pages = built["pages"].as_u64().unwrap();
    let page = place["page"].as_u64().unwrap();
    assert!((1..=pages).contains(&page), "{loose}");
    let [x, y, width, height] = ["x", "y", "width", "height"].map(|k| place[k].as_f64().unwrap());
    assert!(
        width > 400.0 && height > 5.0 && x >= 0.0 && y > 0.0 && y + height < 842.0,
        "{loose}"
    );
    let broken = entries
        .iter()
        .find(|e| e["output"] == "broken.pdf")
        .unwrap();
    let error = &broken["error"];
    assert_eq!(broken["ok"], false);
    assert_eq!(error["code"], "input");
    assert_eq!(error["file"], "briefings/broken.yaml");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(4), Some(12))
    );
    assert_eq!(error["help"], "did you mean `overview`?");
    assert_eq!(error["note"], "while building briefings/broken.yaml");
    // The warning is drawn for people too, at its line.
    let o = run(&dir, &["check", "briefings/b.yaml"], &[]);
    let err = stderr(&o);
    assert!(err.contains("warning: b: section `contacts`"), "{err}");
    assert!(err.contains(" --> briefings/b.yaml:5:1\n"), "{err}");
    assert!(err.contains("5 | allow: [section: contacts]\n"), "{err}");
}

#[test]
fn usage_errors_are_json_when_json_was_asked() {
    let dir = warned_and_broken("json-usage");
    for args in [
        &["--bogus"][..],
        &["briefings/nothere.yaml"][..],
        &["briefings/*-nothing.yaml"][..],
    ] {
        let (code, json) = check_json(&dir, args);
        assert_eq!(code, Some(2), "{args:?}: {json}");
        assert_eq!(json["version"], 1);
        assert_eq!(json["ok"], false);
        assert_eq!(json["briefings"], serde_json::json!([]));
        let error = &json["errors"][0];
        assert_eq!(error["code"], "usage", "{args:?}: {json}");
        assert!(!error["message"].as_str().unwrap().is_empty());
        assert!(error["help"].is_string(), "{json}");
    }
    // Asked for text, a usage error stays text.
    let o = run(&dir, &["check", "--bogus"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty() && stderr(&o).contains("--bogus"));
}

/// Every form `check --format json` takes is valid by the schema `handbill
/// schema check` prints, checked by Python's jsonschema; and the schema
/// refuses what breaks its promises.
#[test]
fn check_json_is_valid_by_its_schema() {
    let dir = warned_and_broken("json-schema");
    let schema = run(&dir, &["schema", "check"], &[]);
    assert!(schema.status.success(), "{}", stderr(&schema));
    std::fs::write(dir.join("schema.json"), &schema.stdout).unwrap();
    let mut documents = vec![
        check_json(&dir, &[]).1,
        check_json(&dir, &["briefings/b.yaml"]).1,
        check_json(&dir, &["--bogus"]).1,
    ];
    let good = documents.len();
    // What a reader must be able to count on.
    let mut wrong_version = documents[0].clone();
    wrong_version["version"] = 2.into();
    let mut unknown_code = documents[0].clone();
    unknown_code["briefings"][0]["error"]["code"] = "oops".into();
    let mut no_line = documents[1].clone();
    let warning = &mut no_line["briefings"][0]["warnings"][0];
    warning.as_object_mut().unwrap().remove("line");
    let mut wrong_unit = documents[1].clone();
    let place = &mut wrong_unit["briefings"][0]["typesetting"]["loose"][0]["place"];
    assert!(place.is_object(), "{}", documents[1]);
    place["unit"] = "mm".into();
    documents.extend([wrong_version, unknown_code, no_line, wrong_unit]);
    for (i, d) in documents.iter().enumerate() {
        std::fs::write(dir.join(format!("{i}.json")), d.to_string()).unwrap();
    }
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
for f in sys.argv[2:]:
    errors = sorted(v.iter_errors(json.load(open(f, encoding="utf-8"))), key=str)
    print(json.dumps(errors[0].message if errors else ""))
"#;
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir.join("schema.json"))
        .args((0..documents.len()).map(|i| dir.join(format!("{i}.json"))))
        .output()
        .expect("python3 runs (with python3-jsonschema: .ci/run installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let verdicts: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), documents.len());
    for (i, verdict) in verdicts.iter().enumerate() {
        if i < good {
            assert_eq!(verdict, "", "{}", documents[i]);
        } else {
            assert_ne!(verdict, "", "the schema let this through: {}", documents[i]);
        }
    }
}
