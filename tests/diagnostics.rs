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
