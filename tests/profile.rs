//! The sample profile keeps every sentence of the society's own text (the
//! seed in tests/data), with only the typing errors listed in the
//! profile's CORRECTIONS.md put right.

mod common;

use common::*;

#[test]
fn every_sentence_of_the_seed_is_in_the_profile() {
    let mut seed = std::fs::read_to_string(repo().join("tests/data/seed-kazakhstan.txt")).unwrap();
    let corrections =
        std::fs::read_to_string(repo().join("briefings/profiles/kazakhstan/CORRECTIONS.md"))
            .unwrap();
    let mut applied = 0;
    for line in corrections.lines().filter(|l| l.contains(" → ")) {
        let (from, to) = line.split_once(" → ").unwrap();
        assert!(
            seed.contains(from),
            "the correction `{from}` matches nothing in the seed"
        );
        seed = seed.replace(from, to);
        applied += 1;
    }
    assert_eq!(applied, 4);
    seed = seed.replace("[1]", "");

    let dir = repo().join("briefings/profiles/kazakhstan");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().as_bytes()[0].is_ascii_digit())
        .collect();
    files.sort();
    let profile: Vec<String> = files
        .iter()
        .flat_map(|f| words(&section_text(f).1))
        .collect();

    let mut checked = 0;
    // Paragraphs are the long lines; short ones are headings and captions.
    for paragraph in seed.lines().filter(|l| l.len() > 100) {
        for sentence in paragraph.split(". ").filter(|s| !s.trim().is_empty()) {
            let needle = words(sentence);
            let found = profile
                .windows(needle.len())
                .any(|w| w == needle.as_slice());
            assert!(
                found,
                "this sentence of the seed is not in the profile: “{sentence}”"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} sentences checked");
}
