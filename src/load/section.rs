//! A section file: YAML front matter between `---` lines, then Markdown.
//!
//! The front matter fails closed: whatever might make the audience marking
//! read otherwise than it was meant is an error at its line, never a public
//! section.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{parse_yaml, read_text};
use crate::error::{Error, Location, Result};
use crate::model::{Audience, Section};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    audience: Option<Spanned<Audience>>,
}

/// Reads one section: YAML front matter between `---` lines, then Markdown.
pub fn load_section(path: &Path) -> Result<Section> {
    let text = read_text(path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let missing = || {
        Error::new("the section has no front matter")
            .at(Location::at_line(path, text, 1, 1))
            .help("begin the file with `---`, then `id:` and `title:` lines, then `---`")
    };
    let first_end = text.find('\n').ok_or_else(missing)?;
    if text[..first_end].trim_end() != "---" {
        return Err(missing());
    }
    let mut offset = first_end + 1;
    let mut end = None;
    for line in text[offset..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (fm_end, body_start) = end.ok_or_else(|| {
        Error::new("the front matter is not closed")
            .at(Location::at_line(path, text, 1, 1))
            .help("end the front matter with a line holding only `---`")
    })?;
    let front = &text[first_end + 1..fm_end];
    let meta: FrontMatter = parse_yaml(path, front, 2)?;
    let audience = check_audience_lines(path, text, front, meta.audience.as_ref())?;
    let id_ok = !meta.id.is_empty()
        && meta
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        let offset = text.find("id:").unwrap_or(0);
        return Err(
            Error::new(format!("the section id `{}` is not valid", meta.id))
                .at(Location::at_offset(path, text, offset))
                .help("use lower-case letters, digits and hyphens, e.g. `id: oil-workers-strike`"),
        );
    }
    check_body_start(path, text, body_start)?;
    let body_line = text[..body_start].matches('\n').count() + 1;
    Ok(Section {
        id: meta.id,
        title: meta.title,
        tags: meta.tags,
        audience,
        body: text[body_start..].into(),
        file: path.to_path_buf(),
        body_line,
        translations: BTreeMap::new(),
        footnotes: Default::default(),
    })
}

/// Whether a line of a section file speaks of an audience: `audience:`,
/// however indented, quoted, listed (`- `), commented out (`# `) or
/// capitalised, or in a comment after other text. Such a line must be the
/// one the front matter was read from.
fn mentions_audience(line: &str) -> bool {
    if starts_with_audience(line) {
        return true;
    }
    // Only the first `#` of a run of what is passed over: a later one in
    // the run reaches the same word, and trying each made a line of
    // 100,000 `#` take 14 s.
    let mut tried = false;
    for (i, c) in line.char_indices() {
        if !passed_over(c) {
            tried = false;
        } else if c == '#' && !tried {
            tried = true;
            if starts_with_audience(&line[i..]) {
                return true;
            }
        }
    }
    false
}

/// What may stand before `audience:` on its line: space, comment marks,
/// list dashes, quotes and the like.
fn passed_over(c: char) -> bool {
    c.is_whitespace() || matches!(c, '#' | '-' | '"' | '\'' | '{' | ',' | '\u{feff}')
}

fn starts_with_audience(line: &str) -> bool {
    let rest = line.trim_start_matches(passed_over);
    let Some(word) = rest.get(..8) else {
        return false;
    };
    word.eq_ignore_ascii_case("audience")
        && rest[8..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .starts_with(':')
}

/// A section's audience, failing closed: every line of the front matter that
/// speaks of an audience must be the one the YAML reader took it from, so a
/// marking that was commented out, indented under another key, left empty or
/// written twice is an error, never a public section.
fn check_audience_lines(
    path: &Path,
    text: &str,
    front: &str,
    read: Option<&Spanned<Audience>>,
) -> Result<Audience> {
    // The front matter starts on line 2 of the file.
    let read_line = read.map(|a| a.referenced.line() as usize + 1);
    // Lines as YAML counts them: a lone carriage return breaks one too.
    let front = front.replace("\r\n", "\n");
    for (i, line) in front.split(['\n', '\r']).enumerate() {
        let line_no = i + 2;
        if mentions_audience(line) && Some(line_no) != read_line {
            let column = line.len() - line.trim_start().len() + 1;
            return Err(Error::new(
                "this line looks like an `audience:` marking, but it is not read as the section's audience",
            )
            .at(Location::at_line(path, text, line_no, column))
            .help(
                "write the marking on a line of its own at the start of the line, `audience: public`, `audience: delegation` or `audience: confidential`, once; a section with no `audience:` line is public",
            ));
        }
    }
    Ok(read.map_or(Audience::Public, |a| a.value))
}

/// The body must not begin with what looks like more front matter: a
/// second `---` block, or `key: value` lines closed by `---` (the front
/// matter ended early at a stray `---`). Either way the lines would be
/// printed as text and whatever marking they hold ignored.
fn check_body_start(path: &Path, text: &str, body_start: usize) -> Result<()> {
    let first_line = text[..body_start].matches('\n').count() + 1;
    let lines: Vec<&str> = text[body_start..].lines().collect();
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Ok(());
    };
    let yaml_like = |l: &str| {
        let key = l.split(':').next().unwrap_or("");
        l.contains(':')
            && !key.is_empty()
            && key
                .trim()
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let located = |i: usize, message: &str| {
        Error::new(message.to_string())
            .at(Location::at_line(path, text, first_line + i, 1))
            .help("a section has one front matter block: `---`, the `id:`, `title:`, `tags:` and `audience:` lines, `---`; for a rule in the text write `***`")
    };
    if lines[first].trim_end() == "---" {
        return Err(located(
            first,
            "a second `---` block follows the front matter; only the first is read",
        ));
    }
    let keys = lines[first..]
        .iter()
        .take_while(|l| !l.trim().is_empty() && l.trim_end() != "---")
        .count();
    let closed = lines
        .get(first + keys)
        .is_some_and(|l| l.trim_end() == "---");
    if keys > 0 && closed && lines[first..first + keys].iter().all(|l| yaml_like(l)) {
        return Err(located(
            first,
            "these `key: value` lines after the front matter look like more of it: a `---` ends the front matter before them",
        ));
    }
    // A marking in the text is not read: say so rather than print it.
    let marking = |l: &&str| {
        let l = l.trim_start();
        l.get(..8)
            .is_some_and(|w| w.eq_ignore_ascii_case("audience"))
            && mentions_audience(l)
    };
    if let Some(i) = lines.iter().position(marking) {
        return Err(located(
            i,
            "an `audience:` line in the text of the section: it is printed, not read as the section's audience",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn temp(name: &str) -> crate::scratch::Scratch {
        crate::scratch::Scratch::new("section", name)
    }

    #[test]
    fn front_matter_errors_point_into_the_markdown_file() {
        let d = temp("front");
        let p = write(
            &d,
            "01-a.md",
            "---\nid: a\ntitle: A\nauthor: me\n---\nText\n",
        );
        let err = load_section(&p).unwrap_err();
        assert_eq!(err.location.unwrap().line, 4, "{}", err.message);
        let p = write(&d, "02-b.md", "---\nid: b\ntitle: B\n---\n\nText\n");
        let s = load_section(&p).unwrap();
        assert_eq!(s.body_line, 5);
        assert_eq!(&*s.body, "\nText\n");
    }

    /// A run of `#` is passed over once: each of its `#` was tried in turn,
    /// to the run's end (a line of 100,000 took 14 s, of 200,000 over a
    /// minute).
    #[test]
    fn a_long_run_of_comment_marks_is_read_once() {
        let run = "#".repeat(200_000);
        assert!(mentions_audience(&format!(
            "title: A {run} audience: confidential"
        )));
        assert!(mentions_audience(&format!("{run}-# audience: public")));
        assert!(!mentions_audience(&format!("title: A {run} audiences")));
        assert!(!mentions_audience(&run));
    }

    #[test]
    fn every_misread_audience_marking_fails_closed() {
        let d = temp("audience");
        // (front matter and body, the line the error must point at)
        let cases: &[(&str, usize)] = &[
            // commented out, alone or after another key
            (
                "---\nid: a\ntitle: A\n# audience: confidential\n---\nText\n",
                4,
            ),
            (
                "---\nid: a\ntitle: A  # audience: confidential\n---\nText\n",
                3,
            ),
            // indented under tags, read as part of a list or not at all
            (
                "---\nid: a\ntitle: A\ntags:\n  - x\n  audience: confidential\n---\nText\n",
                6,
            ),
            // empty
            ("---\nid: a\ntitle: A\naudience:\n---\nText\n", 4),
            // on the next line
            (
                "---\nid: a\ntitle: A\naudience:\n  confidential\n---\nText\n",
                4,
            ),
            // a stray `---` ends the front matter early
            (
                "---\nid: a\ntitle: A\n---\naudience: confidential\n---\nText\n",
                5,
            ),
            // a second block
            (
                "---\nid: a\ntitle: A\n---\n---\naudience: confidential\n---\nText\n",
                5,
            ),
            // a marking in the text
            (
                "---\nid: a\ntitle: A\n---\nText\n\nAudience: confidential\n",
                7,
            ),
            // written twice
            (
                "---\nid: a\ntitle: A\naudience: confidential\naudience: public\n---\nText\n",
                0,
            ),
            // misspelt, capitalised, or in another script
            (
                "---\nid: a\ntitle: A\naudiance: confidential\n---\nText\n",
                4,
            ),
            (
                "---\nid: a\ntitle: A\nAudience: confidential\n---\nText\n",
                4,
            ),
            (
                "---\nid: a\ntitle: A\n\u{430}udience: confidential\n---\nText\n",
                4,
            ),
            (
                "---\nid: a\ntitle: A\naudience: Confidential\n---\nText\n",
                4,
            ),
            // a YAML document end, then the marking in a second document
            (
                "---\nid: a\ntitle: A\n...\naudience: confidential\n---\nText\n",
                0,
            ),
            // line breaks YAML may not read as breaks
            (
                "---\nid: a\ntitle: A\u{2028}audience: confidential\n---\nText\n",
                0,
            ),
            (
                "---\nid: a\ntitle: A\u{85}audience: confidential\n---\nText\n",
                0,
            ),
            (
                "---\nid: a\ntitle: A\r# audience: confidential\n---\nText\n",
                0,
            ),
            (
                "---\nid: a\ntitle: A\u{b}audience: confidential\n---\nText\n",
                0,
            ),
            (
                "---\nid: a\ntitle: A\u{c}audience: confidential\n---\nText\n",
                0,
            ),
            (
                "---\nid: a\ntitle: 'A\n  audience: confidential'\n---\nText\n",
                0,
            ),
            (
                "---\nid: a\ntitle: |\n  A\n  audience: confidential\n---\nText\n",
                0,
            ),
            // two BOMs, or one before the closing `---`
            (
                "\u{feff}\u{feff}---\nid: a\ntitle: A\naudience: confidential\n---\nText\n",
                1,
            ),
        ];
        for (i, (text, line)) in cases.iter().enumerate() {
            let p = write(&d, &format!("{i:02}-a.md"), text);
            match load_section(&p) {
                Ok(s) => panic!("case {i} read as {} audience: {text:?}", s.audience),
                Err(e) => {
                    let at = e
                        .location
                        .as_deref()
                        .cloned()
                        .unwrap_or_else(|| Location::file(&p));
                    assert!(at.file == p, "case {i}: {e}");
                    if *line > 0 {
                        assert_eq!(at.line, *line, "case {i}: {e}");
                    } else {
                        assert!(at.line > 0, "case {i}: {e}");
                    }
                }
            }
        }
    }

    #[test]
    fn markings_that_are_read_are_kept() {
        let d = temp("audience-ok");
        for (i, text) in [
            "---\nid: a\ntitle: A\naudience: confidential\n---\nText\n",
            "\u{feff}---\r\nid: a\r\ntitle: A\r\naudience: confidential\r\n---\r\nText\r\n",
            "---\nid: a\ntitle: A\naudience: \"confidential\"  # for the lawyers\n---\nText\n",
            "---\n{id: a, title: A, audience: confidential}\n---\nText\n",
            "---\nid: a\rtitle: A\raudience: confidential\n---\nText\n",
        ]
        .iter()
        .enumerate()
        {
            let p = write(&d, &format!("{i:02}-a.md"), text);
            let s = load_section(&p).unwrap_or_else(|e| panic!("case {i}: {e}"));
            assert_eq!(s.audience, Audience::Confidential, "case {i}");
        }
        let p = write(
            &d,
            "10-b.md",
            "---\nid: b\ntitle: The audience\n---\nOur audience: all.\n",
        );
        assert_eq!(load_section(&p).unwrap().audience, Audience::Public);
    }

    /// Text an attacker (or a slip of the hand) might put around a marking.
    const NOISE: &[&str] = &[
        "",
        "#",
        "# ",
        "  ",
        "\t",
        "-",
        "- ",
        "---",
        "...",
        "\u{feff}",
        "\u{200b}",
        "\u{a0}",
        "\r",
        "\u{2028}",
        "\u{85}",
        "'",
        "\"",
        "{",
        "}",
        "[",
        "]",
        ":",
        " # ",
        "? ",
        "&a ",
        "*a",
        "!!str ",
        "|",
        ">",
        "Audience",
        "AUDIENCE",
        "\u{430}udience",
        "audience:",
        "audience: public",
        "public",
        "x: y",
        "tags:",
        "  - x",
    ];

    /// Whatever is done to the lines around (and inside) `audience:
    /// confidential`, the section is confidential or the file is refused:
    /// never public.
    #[test]
    fn no_mangled_front_matter_reads_a_confidential_section_as_public() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let d = temp("mangled");
        let lines = ["id: a", "title: A", "tags: [x]", "audience: confidential"];
        let edit = (
            0..lines.len() + 1,
            0..4usize,
            proptest::sample::select(NOISE),
        );
        let strategy = proptest::collection::vec(edit, 1..5);
        // The same cases every run, so the count below is stable.
        let rng = proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        );
        let config = Config {
            cases: 512,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, rng);
        let n = std::sync::atomic::AtomicUsize::new(0);
        let read = std::sync::atomic::AtomicUsize::new(0);
        runner
            .run(&strategy, |edits| {
                let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                for (at, how, noise) in edits {
                    match (how, at.min(lines.len().saturating_sub(1))) {
                        (0, _) => lines.insert(at.min(lines.len()), noise.to_string()),
                        (1, i) => lines[i] = format!("{noise}{}", lines[i]),
                        (2, i) => lines[i].push_str(noise),
                        (_, i) => {
                            let mid = lines[i].len() / 2;
                            if lines[i].is_char_boundary(mid) {
                                lines[i].insert_str(mid, noise);
                            }
                        }
                    }
                }
                let text = format!("---\n{}\n---\nText.\n", lines.join("\n"));
                let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let p = write(&d, &format!("{i:04}-a.md"), &text);
                if let Ok(s) = load_section(&p) {
                    read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    prop_assert_eq!(s.audience, Audience::Confidential, "{:?}", text);
                }
                Ok(())
            })
            .unwrap();
        // Harmless noise (a trailing comment, a blank line) still reads: the
        // property is not met by refusing everything.
        let read = read.into_inner();
        assert!(read >= 16, "only {read} of 512 mangled files were read");
    }
}
