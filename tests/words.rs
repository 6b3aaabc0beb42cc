//! Fixed words as data: a Kazakh pack set in Kazakh throughout, a project's
//! own language and words, the warnings for words and sections printed in
//! English, and `translations: required`. The PDFs are read back.

mod common;

use std::path::Path;

use common::*;

/// Kazakh translations of three sections of the sample profile.
const KAZAKH: &[(&str, &str)] = &[
    (
        "01-overview.kk.md",
        "---\nid: overview\ntitle: Шолу\n---\nҚазақстанда адам құқықтарының жағдайы өте ауыр. «Шекарасыз тілшілер» ұйымының хабарлауынша, мемлекет тәуелсіз бұқаралық ақпарат құралдарын, үкіметтік емес ұйымдарды, азаматтық қоғамды және, ең бастысы, тәуелсіз кәсіподақтарды бақылауда ұстап, кез келген наразылықты басып отыр.[^rsf]\n",
    ),
    (
        "02-the-regime.kk.md",
        "---\nid: the-regime\ntitle: Назарбаев режимі\n---\nҚазақстан — полициялық мемлекет. Оны Нұрсұлтан Назарбаев басқарады: ол жақын туыстарымен бірге елдің кен және мұнай байлығын талан-таражға салды.\n",
    ),
    (
        "09-demands.kk.md",
        "---\nid: demands\ntitle: Біздің талаптарымыз\n---\nБіз Қазақстандағы сөз бостандығы, бұқаралық ақпарат құралдарының бостандығы, жиналыс бостандығы үшін, үкіметтен тәуелсіз кәсіподақтар мен саяси партиялар құру, мемлекеттің араласуынсыз жұмыс орнында және қоғамда ұйымдасу, ереуілге шығу және шеру өткізу құқығы үшін күресті қолдаймыз.\n",
    ),
];

fn profile_dir(dir: &Path) -> std::path::PathBuf {
    dir.join("briefings/profiles/kazakhstan")
}

/// Builds `briefings/NAME.yaml` in `dir` and gives stderr; it must build.
fn build(dir: &Path, name: &str, yaml: &str) -> String {
    std::fs::create_dir_all(dir.join("briefings")).unwrap();
    std::fs::write(dir.join(format!("briefings/{name}.yaml")), yaml).unwrap();
    let o = handbill(
        dir,
        &["build", &format!("briefings/{name}.yaml"), "--out", "out"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// The one PDF in `dir/out` whose name starts with `name`.
fn built(dir: &Path, name: &str) -> Pdf {
    let file = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "pdf")
                && p.file_name().unwrap().to_string_lossy().starts_with(name)
        })
        .unwrap_or_else(|| panic!("no {name}*.pdf"));
    Pdf::open(&file)
}

#[test]
fn a_kazakh_pack_is_set_in_kazakh_throughout() {
    let dir = project("kazakh-pack");
    for (file, text) in KAZAKH {
        std::fs::write(profile_dir(&dir).join(file), text).unwrap();
    }
    let said = build(
        &dir,
        "kk-pack",
        "title: \"Қазақстан: заңгерлер делегациясына арналған материалдар\"\n\
         profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nlang: kk\n\
         sections: all\nnumbering: [sections, paragraphs]\n\
         values:\n  delegation: \"Заңгерлер делегациясы\"\n\
         recipients:\n  - name: Айгүл Сейітова\n    role: адвокат\n",
    );
    let pdf = built(&dir, "kk-pack");
    let text = pdf.text();
    // The fixed words, the translated sections' titles, in Kazakh.
    for word in [
        "Мазмұны",
        "Дереккөздер",
        "Шолу",
        "Назарбаев режимі",
        "Біздің талаптарымыз",
        // The cover's labels, set in capitals.
        "ДЕЛЕГАЦИЯ",
        "КҮНІ",
        "ЕЛ ТУРАЛЫ ШОЛУ",
        "АЛУШЫ",
    ] {
        assert!(text.contains(word), "`{word}` is not in the Kazakh pack");
    }
    for english in [
        "Contents",
        "Page ",
        "Sources",
        "Prepared for",
        "Country profile",
    ] {
        assert!(!text.contains(english), "`{english}` is in the Kazakh pack");
    }
    // "Алушы Айгүл Сейітова · Бет 2 / N" at the foot of page 2.
    let pages = pdf.page_count();
    let foot = words(&pdf.text_of(&[2]));
    find_in_order(
        &foot,
        &words(&format!("Алушы Айгүл Сейітова Бет 2 / {pages}")),
        0,
        0,
    )
    .unwrap_or_else(|e| panic!("{e:?}: {foot:?}"));
    let lang = pdf.lang();
    assert_eq!(lang, b"kk");
    // The sections without a Kazakh translation are named; the fixed words
    // are all there, so none is said to fall back.
    let warning = said
        .lines()
        .find(|l| l.contains("no `kk` translation"))
        .unwrap_or_else(|| panic!("no warning about translations:\n{said}"));
    for id in [
        "elections",
        "the-west",
        "oil-workers-strike",
        "roza-tuletaeva",
        "vadim-kuramshin",
        "campaign",
    ] {
        assert!(warning.contains(&format!("`{id}`")), "{id}: {warning}");
    }
    for id in ["overview", "the-regime", "demands"] {
        assert!(!warning.contains(&format!("`{id}`")), "{id}: {warning}");
    }
    assert!(!said.contains("printed in English"), "{said}");
    // hypher has no Kazakh patterns: a Kazakh pack is set without hyphens.
    let o = handbill(
        &dir,
        &["check", "--format", "json", "briefings/kk-pack.yaml"],
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["briefings"][0]["typesetting"]["hyphenated"], 0,
        "{report}"
    );
}

#[test]
fn a_project_adds_german_and_a_missing_word_falls_back_with_a_warning() {
    let dir = project("german");
    std::fs::create_dir_all(dir.join("words")).unwrap();
    // No `Sources` and no `Prepared for`.
    std::fs::write(
        dir.join("words/de.yaml"),
        "Contents: Inhalt\nPage: Seite\nof: von\nDelegation: Delegation\nDate: Datum\nCountry profile: Länderprofil\nProtest: Protest\n",
    )
    .unwrap();
    let said = build(
        &dir,
        "de-pack",
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nlang: de\nsections: [overview, elections]\n",
    );
    let pdf = built(&dir, "de-pack");
    let text = pdf.text();
    for word in ["Inhalt", "DATUM", "LÄNDERPROFIL"] {
        assert!(text.contains(word), "`{word}` is not in the German pack");
    }
    let pages = pdf.page_count();
    find_in_order(&words(&text), &words(&format!("Seite 2 von {pages}")), 0, 0).unwrap();
    // The word the file lacks is printed in English, and the build says so.
    assert!(text.contains("Sources"), "{text}");
    let warning = said
        .lines()
        .find(|l| l.contains("printed in English"))
        .unwrap_or_else(|| panic!("no warning about the words:\n{said}"));
    assert!(
        warning.contains("`Sources`")
            && warning.contains("`Prepared for`")
            && warning.contains("words/de.yaml")
            && !warning.contains("`Contents`"),
        "{warning}"
    );
    // Neither section has a German translation: both are named.
    assert!(
        said.contains("2 of 2 sections have no `de` translation") && said.contains("`elections`"),
        "{said}"
    );
}

#[test]
fn a_language_without_words_says_which_fall_back_to_english() {
    let dir = project("french");
    let said = build(
        &dir,
        "fr-leaflet",
        "profile: kazakhstan\ntemplate: leaflet\naudience: public\nlang: fr\nsections: [overview]\nvalues:\n  headline: Libérez-les\n  event:\n    when: samedi\n    where: Londres\n",
    );
    assert!(
        said.contains("handbill has no fixed words in `fr`, so `Protest` is printed in English")
            && said.contains("words/fr.yaml"),
        "{said}"
    );
}

#[test]
fn a_project_changes_one_russian_word_and_keeps_the_others() {
    let dir = project("russian-word");
    std::fs::create_dir_all(dir.join("words")).unwrap();
    std::fs::write(dir.join("words/ru.yaml"), "Sources: Литература\n").unwrap();
    let said = build(
        &dir,
        "ru-pack",
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nlang: ru\nsections: [overview, elections]\n",
    );
    let text = built(&dir, "ru-pack").text();
    assert!(
        text.contains("Литература") && !text.contains("Источники"),
        "{text}"
    );
    assert!(text.contains("Содержание"), "{text}");
    assert!(!said.contains("printed in English"), "{said}");
    assert!(
        said.contains("1 of 2 sections has no `ru` translation") && said.contains("`elections`"),
        "{said}"
    );
}

#[test]
fn the_russian_sample_pack_names_its_sections_without_a_translation() {
    let o = handbill(&repo(), &["check", "--format", "json", "briefings/"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = report["briefings"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["briefing"]
            .as_str()
            .is_some_and(|b| b.ends_with("legal-delegation-pack-ru.yaml"))),
        "{report}"
    );
    for entry in entries {
        let warnings = entry["warnings"].to_string();
        let briefing = entry["briefing"].as_str().unwrap();
        if briefing.ends_with("legal-delegation-pack-ru.yaml") {
            for id in [
                "elections",
                "the-west",
                "oil-workers-strike",
                "roza-tuletaeva",
                "vadim-kuramshin",
                "campaign",
            ] {
                assert!(warnings.contains(&format!("`{id}`")), "{id}: {warnings}");
            }
            for id in ["overview", "the-regime", "demands"] {
                assert!(!warnings.contains(&format!("`{id}`")), "{id}: {warnings}");
            }
        } else {
            // The English briefings are in their profile's language.
            assert!(!warnings.contains("translation"), "{briefing}: {warnings}");
        }
        assert!(
            !warnings.contains("printed in English"),
            "{briefing}: {warnings}"
        );
    }
}

#[test]
fn translations_required_builds_a_translated_pack_and_refuses_an_untranslated_one() {
    let dir = project("required");
    let head = "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nlang: ru\ntranslations: required\n";
    let said = build(
        &dir,
        "all-translated",
        &format!("{head}sections: [overview, the-regime, demands]\n"),
    );
    assert!(!said.contains("translation"), "{said}");
    std::fs::write(
        dir.join("briefings/partly.yaml"),
        format!("{head}sections: [overview, campaign]\n"),
    )
    .unwrap();
    let o = handbill(&dir, &["build", "briefings/partly.yaml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(
        said.contains(" --> briefings/partly.yaml:5:15\n")
            && said.contains("`campaign`")
            && said.contains("08-campaign.ru.md"),
        "{said}"
    );
    assert!(!dir.join("out/partly.pdf").exists());
}

/// The file `out/b.pdf` of `dir`, built from `briefings/b.yaml` as `yaml`
/// into `out`; with what handbill said.
fn build_b(dir: &Path, out: &str, yaml: &str) -> (Vec<u8>, String) {
    std::fs::write(dir.join("briefings/b.yaml"), yaml).unwrap();
    let o = handbill(dir, &["build", "briefings/b.yaml", "--out", out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.join(out).join("b.pdf")).unwrap();
    (pdf, stderr(&o))
}

#[test]
fn a_three_letter_code_is_read_as_the_two_letter_one_with_a_warning() {
    let dir = project("three-letter-lang");
    let head = "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\n";
    let sections = "sections: [overview, elections]\n";
    let (rus, said) = build_b(&dir, "rus", &format!("{head}lang: rus\n{sections}"));
    let pdf = Pdf::from_bytes(rus.clone());
    let text = pdf.text();
    // The `ru` translation's title and text, the Russian fixed words.
    assert!(text.contains("Обзор"), "{text}");
    assert!(
        text.contains("Содержание") && !text.contains("Contents"),
        "{text}"
    );
    assert_eq!(pdf.lang(), b"ru");
    assert!(pdf.xmp().contains(">ru<"), "{}", pdf.xmp());
    assert!(
        said.contains(
            "warning: `lang: rus` is written `ru` in a language tag; handbill reads it as `ru`\n --> briefings/b.yaml:4:7\n"
        ) && said.contains("help: write `lang: ru`"),
        "{said}"
    );
    assert!(
        said.contains("no `ru` translation") && said.contains("`elections`"),
        "{said}"
    );
    // Everything else as `lang: ru` has it (hyphenation too): the same PDF.
    let (ru, said_ru) = build_b(&dir, "ru", &format!("{head}lang: ru\n{sections}"));
    assert!(rus == ru, "`lang: rus` and `lang: ru` made different PDFs");
    assert!(!said_ru.contains("is written"), "{said_ru}");
    // In capitals, with a region, or by the bibliographic code, alike.
    for (written, read) in [("RUS-RU", "ru-RU"), ("ger", "de"), ("fre", "fr")] {
        let (pdf, said) = build_b(&dir, written, &format!("{head}lang: {written}\n{sections}"));
        assert_eq!(Pdf::from_bytes(pdf).lang(), read.as_bytes(), "{written}");
        assert!(
            said.contains(&format!(
                "`lang: {written}` is written `{read}` in a language tag"
            )),
            "{said}"
        );
    }
    // A language with no two-letter code keeps its three letters.
    let (crh, said) = build_b(&dir, "crh", &format!("{head}lang: crh\n{sections}"));
    assert_eq!(Pdf::from_bytes(crh).lang(), b"crh");
    assert!(!said.contains("is written"), "{said}");
    assert!(said.contains("no `crh` translation"), "{said}");
}

#[test]
fn files_named_with_a_three_letter_code_are_read_as_the_two_letter_ones() {
    let dir = project("three-letter-files");
    let profile = profile_dir(&dir);
    std::fs::rename(
        profile.join("01-overview.ru.md"),
        profile.join("01-overview.rus.md"),
    )
    .unwrap();
    let yaml = std::fs::read_to_string(profile.join("profile.yaml")).unwrap();
    assert!(yaml.contains("\nlang: en\n"));
    std::fs::write(
        profile.join("profile.yaml"),
        yaml.replace("\nlang: en\n", "\nlang: eng\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("words")).unwrap();
    std::fs::write(dir.join("words/rus.yaml"), "Sources: Литература\n").unwrap();
    let (pdf, said) = build_b(
        &dir,
        "out",
        "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nlang: ru\nsections: [overview]\n",
    );
    let text = Pdf::from_bytes(pdf).text();
    assert!(
        text.contains("Обзор") && text.contains("Литература"),
        "{text}"
    );
    assert!(text.contains("Содержание"), "{text}");
    assert!(!said.contains("no `ru` translation"), "{said}");
    for warning in [
        "the translation briefings/profiles/kazakhstan/01-overview.rus.md is named with `rus`, which is written `ru` in a language tag",
        "help: rename it 01-overview.ru.md",
        "the word file words/rus.yaml is named with `rus`, which is written `ru` in a language tag",
        "help: rename it words/ru.yaml",
        "`lang: eng` is written `en` in a language tag; handbill reads it as `en`\n --> briefings/profiles/kazakhstan/profile.yaml:",
    ] {
        assert!(said.contains(warning), "{warning}:\n{said}");
    }
}

#[test]
fn a_warning_about_the_profile_is_told_once_for_all_the_briefings_on_it() {
    let dir = project("profile-warning-once");
    let profile = profile_dir(&dir).join("profile.yaml");
    let yaml = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, yaml.replace("\nlang: en\n", "\nlang: eng\n")).unwrap();
    for name in ["p", "q", "r"] {
        std::fs::write(
            dir.join(format!("briefings/{name}.yaml")),
            "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nlang: de\nsections: [overview]\n",
        )
        .unwrap();
    }
    let warning = "`lang: eng` is written `en` in a language tag";
    for args in [&["build", "--out", "out"][..], &["check"][..]] {
        let o = handbill(&dir, args);
        assert!(o.status.success(), "{}", stderr(&o));
        let said = stderr(&o);
        // Three briefings read the profile: its warning once, and all
        // three built or checked.
        assert_eq!(said.matches(warning).count(), 1, "{args:?}: {said}");
        let done = if args[0] == "build" {
            "built out/"
        } else {
            "ok "
        };
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(out.matches(done).count(), 3, "{args:?}: {out}");
        // A warning of each briefing's own is still told for each: their
        // section has no German translation.
        assert_eq!(said.matches("no `de` translation").count(), 3, "{said}");
    }
}

#[test]
fn a_templates_own_three_letter_language_is_read_as_the_two_letter_one() {
    let dir = project("three-letter-template");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/t.hbs"),
        "<document title=\"T\" lang=\"rus\">\n  <master name=\"a5\" size=\"A5\" margin=\"12mm\"/>\n  <pages master=\"a5\" flow=\"story\"/>\n  <flow name=\"story\"><p>Права человека</p></flow>\n</document>\n",
    )
    .unwrap();
    let (pdf, said) = build_b(
        &dir,
        "out",
        "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\n",
    );
    assert_eq!(Pdf::from_bytes(pdf).lang(), b"ru");
    assert!(
        said.contains(
            "`lang=\"rus\"` is written `ru` in a language tag; handbill reads it as `ru`\n --> templates/t.hbs:1:21\n"
        ),
        "{said}"
    );
    // Printed from the briefing's values, below a comment that names it:
    // the warning is at the attribute the template wrote.
    std::fs::write(
        dir.join("templates/t.hbs"),
        "{{!-- was lang=\"rus\" --}}\n<document title=\"T\"\n    lang=\"{{values.lang}}\">\n  <master name=\"a5\" size=\"A5\" margin=\"12mm\"/>\n  <pages master=\"a5\" flow=\"story\"/>\n  <flow name=\"story\"><p>Права человека</p></flow>\n</document>\n",
    )
    .unwrap();
    let (pdf, said) = build_b(
        &dir,
        "out",
        "profile: kazakhstan\ntemplate: templates/t.hbs\naudience: public\nsections: [overview]\nvalues:\n  lang: rus\n",
    );
    assert_eq!(Pdf::from_bytes(pdf).lang(), b"ru");
    assert!(
        said.contains(
            "`lang=\"rus\"` is written `ru` in a language tag; handbill reads it as `ru`\n --> templates/t.hbs:3:5\n"
        ),
        "{said}"
    );
}
