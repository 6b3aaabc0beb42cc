use crate::model::Briefing;
use crate::template::compile;
use crate::template::tests::tpl;

#[test]
fn a_mapping_or_list_the_template_prints_as_text_is_refused_at_its_key() {
    let compiled = compile(&tpl(
        "<p>{{values.headline}}</p>{{#if values.event}}<p>{{{values.event.when}}}</p>{{/if}}\n{{#each sections}}<p>{{values.tags}}{{@root.values.more}}</p>{{/each}}",
    ))
    .unwrap();
    let project = crate::scratch::Scratch::new("template", "printed-values");
    let briefing = |yaml: &str| briefing_with(&project, yaml);
    let check =
        |yaml: &str| compiled.check_printed_values(&briefing(yaml), &serde_json::Value::Null);
    check("values:\n  headline: Free them\n  event: {when: noon}\n  more: 3\n  tags: [a, b]\n")
        .unwrap();
    // Text in braces or brackets, unquoted, is a mapping or a list.
    let text = "title: t\nvalues:\n  headline: {Free them}\n";
    let e = check(text).unwrap_err();
    assert!(
        e.message
            .starts_with("`values.headline` is a mapping, which would print as `[object]`"),
        "{e}"
    );
    let at = e.location.clone().unwrap();
    assert_eq!((at.line, at.column), (3, 3), "{e}");
    assert!(e.help.unwrap().contains("headline: \"[…]\""));
    let e = check("values:\n  headline: x\n  event:\n    when: [noon]\n").unwrap_err();
    assert!(
        e.message.starts_with("`values.event.when` is a list"),
        "{e}"
    );
    let e = check("values:\n  headline: x\n  more: {a: 1}\n").unwrap_err();
    assert!(
        e.message.starts_with("`values.more` is a mapping"),
        "@root.: {e}"
    );
    // Inside `#each`, `values.tags` is the section's, not the briefing's.
    check("values:\n  headline: x\n  tags: {a: 1}\n").unwrap();
    // Empty: refused where printed whatever it holds, not where an
    // `#if` tests it first (`#if values.event` does not test `when`).
    let e = check("values:\n  headline:\n  more: 1\n").unwrap_err();
    assert!(e.message.starts_with("`values.headline` is empty"), "{e}");
    assert!(e.help.unwrap().contains("its text after the colon"));
    check("values:\n  headline: x\n  event: ~\n").unwrap();
    check("values:\n  headline: x\n  event: {when: ~}\n").unwrap_err();
    let guarded = compile(&tpl(
        "<p>{{values.headline}}</p>{{#if values.event}}<p>{{values.event.when}}</p>{{/if}}{{#unless values.more}}{{else}}<p>{{values.more}}</p>{{/unless}}",
    ))
    .unwrap();
    let check =
        |yaml: &str| guarded.check_printed_values(&briefing(yaml), &serde_json::Value::Null);
    check("values:\n  headline: x\n  event: ~\n  more: ~\n").unwrap();
}

/// The briefing `yaml` starts, written in `project` and read back, for
/// the places its messages name.
fn briefing_with(project: &std::path::Path, yaml: &str) -> Briefing {
    std::fs::create_dir_all(project.join("briefings")).unwrap();
    let file = project.join("briefings/b.yaml");
    std::fs::write(
        &file,
        format!(
            "{yaml}profile: kazakhstan\ntemplate: leaflet\naudience: public\nsections: [overview]\n"
        ),
    )
    .unwrap();
    crate::load::load_briefing(&file).unwrap()
}

#[test]
fn a_value_printed_inside_with_or_each_is_checked_as_one_printed_outside() {
    let project = crate::scratch::Scratch::new("template", "printed-in-blocks");
    let refused = |template: &str, yaml: &str| {
        let compiled = compile(&tpl(template)).unwrap();
        let briefing = briefing_with(&project, yaml);
        compiled
            .check_printed_values(&briefing, &serde_json::Value::Null)
            .err()
            .map(|e| {
                let at = e.location.clone().unwrap();
                (e.message, at.line)
            })
    };
    let event = "values:\n  event:\n    when: {noon: 1}\n";
    // `#with` and the ways of naming what it holds.
    for template in [
        "<p>{{#with values}}{{event.when}}{{/with}}</p>",
        "<p>{{#with values.event}}{{when}}{{/with}}</p>",
        "<p>{{#with values.event}}{{this.when}}{{/with}}</p>",
        "<p>{{#with values.event}}{{./when}}{{/with}}</p>",
        "<p>{{#with values/event}}{{when}}{{/with}}</p>",
        "<p>{{#with values}}{{#with event}}{{{when}}}{{/with}}{{/with}}</p>",
        "<p>{{#with values.event}}{{#with ../values}}{{event.when}}{{/with}}{{/with}}</p>",
        "<p>{{#with values.event as |e|}}{{e.when}}{{/with}}</p>",
        "<p>{{#each sections}}{{@root.values.event.when}}{{/each}}</p>",
        "<p>{{#each sections}}{{../values.event.when}}{{/each}}</p>",
        "<p>{{#with values.event.when}}{{this}}{{/with}}</p>",
    ] {
        let (message, line) = refused(template, event).unwrap_or_else(|| panic!("{template}"));
        assert!(
            message.starts_with("`values.event.when` is a mapping"),
            "{template}: {message}"
        );
        assert_eq!(line, 3, "{template}");
    }
    // The same names where the value is text, or tested first.
    assert_eq!(
        refused(
            "<p>{{#with values.event}}{{when}}{{/with}}</p>",
            "values:\n  event:\n    when: noon\n"
        ),
        None
    );
    assert_eq!(
        refused(
            "<p>{{#with values.event}}{{#if when}}{{when}}{{/if}}{{/with}}</p>",
            "values:\n  event:\n    when:\n"
        ),
        None
    );
    // Inside a helper's block nothing is known of what names refer to.
    assert_eq!(
        refused("<p>{{#upper values}}{{event.when}}{{/upper}}</p>", event),
        None
    );
    // `{{else}}` of `#with` keeps the outer names.
    assert_eq!(
        refused(
            "<p>{{#with values.event}}{{else}}{{when}}{{/with}}</p>",
            event
        ),
        None
    );
    assert!(
        refused(
            "<p>{{#with values.nothing}}{{else}}{{values.event.when}}{{/with}}</p>",
            event
        )
        .is_some()
    );
    // Every item a loop over a list or a mapping prints.
    let people = "values:\n  people:\n    - name: Roza\n    - name: {Vadim: 1}\n";
    // At the list's key: the item has no key of its own.
    let (message, line) =
        refused("<p>{{#each values.people}}{{name}}{{/each}}</p>", people).unwrap();
    assert_eq!(line, 2);
    assert!(
        message.starts_with("`values.people` item 2's `name` is a mapping"),
        "{message}"
    );
    let (message, line) = refused(
        "<p>{{#each values.people as |p|}}{{p}}{{/each}}</p>",
        "values:\n  people: [Roza, [Vadim]]\n",
    )
    .unwrap();
    assert!(
        message.starts_with("`values.people` item 2 is a list"),
        "{message}"
    );
    assert_eq!(line, 2);
    let (message, _) = refused("<p>{{#each values.event}}{{this}}{{/each}}</p>", event).unwrap();
    assert!(
        message.starts_with("`values.event` entry `when` is a mapping"),
        "{message}"
    );
    let (message, _) = refused(
        "<p>{{#each values.people}}{{this}}{{/each}}</p>",
        "values:\n  people: [Roza, ~]\n",
    )
    .unwrap();
    assert!(
        message.starts_with("`values.people` item 2 is empty"),
        "{message}"
    );
    assert_eq!(
        refused(
            "<p>{{#each values.people}}{{@index}}{{name}}{{/each}}</p>",
            "values:\n  people:\n    - name: Roza\n"
        ),
        None
    );

    // Handbill's own data printed as text where it is a list or a mapping:
    // the template's fault, at the template's line.
    let data = serde_json::json!({
        "sections": [{"title": "Overview", "tags": ["a", "b"], "body": "<p>x</p>"}],
        "format": {"name": "leaflet"},
        "briefing": {"title": "T"},
    });
    let own = |template: &str| {
        let compiled = compile(&tpl(template)).unwrap();
        let briefing = briefing_with(&project, "values:\n  x: 1\n");
        compiled
            .check_printed_values(&briefing, &data)
            .err()
            .map(|e| (e.message, e.location.unwrap().line))
    };
    let (message, line) = own("<p>\n<p>X {{sections}} Y</p>").unwrap();
    assert!(message.ends_with("prints `sections` as text, but it is a list, which would print as its items in brackets"), "{message}");
    assert_eq!(line, 2);
    let (message, _) = own("<p>{{#each sections}}{{tags}}{{/each}}</p>").unwrap();
    assert!(
        message.contains("prints `sections` item 1's `tags` as text"),
        "{message}"
    );
    let (message, _) = own("<p>{{#each sections}}{{{this}}}{{/each}}</p>").unwrap();
    assert!(
        message.contains("prints `sections` item 1 as text, but it is a mapping"),
        "{message}"
    );
    assert!(own("<p>{{ format }}</p>").is_some());
    assert_eq!(
        own(
            "<p>{{#each sections}}{{title}}{{{body}}}{{#each tags}}{{this}}{{/each}}{{/each}}{{briefing.title}}</p>"
        ),
        None
    );
}
