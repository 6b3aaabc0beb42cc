//! What a reader gets when copying text out of the samples, with the two
//! text extractors most people meet: poppler's `pdftotext` (its default
//! output) and pdf.js, the reader in Firefox and many web apps (through
//! tests/pdfjs/text.mjs under Node). A word hyphenated at a line's end
//! comes out whole, a hyphen of the text stays, ligatures give their
//! letters, and every sentence of the profile the packs print is found word
//! for word (docs/decisions.md, "Copied text").

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The samples in every profile: print (the four briefings), screen and
/// archive (the packs), built once for all tests here.
fn samples() -> &'static Vec<PathBuf> {
    static OUT: OnceLock<Vec<PathBuf>> = OnceLock::new();
    OUT.get_or_init(|| {
        let print = build_samples("extraction-print", "print", &[]);
        let packs = [
            "briefings/legal-delegation-pack.yaml",
            "briefings/legal-delegation-pack-ru.yaml",
        ];
        let screen = build_samples("extraction-screen", "screen", &packs);
        let archive = build_samples("extraction-archive", "archive", &packs);
        let mut pdfs = Vec::new();
        for dir in [print, screen, archive] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
                .collect();
            found.sort();
            pdfs.extend(found);
        }
        assert_eq!(pdfs.len(), 8, "{pdfs:?}");
        pdfs
    })
}

fn pack(russian: bool, profile: &str) -> PathBuf {
    let name = if russian {
        "legal-delegation-pack-ru.pdf"
    } else {
        "legal-delegation-pack.pdf"
    };
    samples()
        .iter()
        .find(|p| {
            p.ends_with(name)
                && p.parent()
                    .unwrap()
                    .to_string_lossy()
                    .contains(&format!("extraction-{profile}-"))
        })
        .unwrap()
        .clone()
}

/// One item of pdf.js's text content.
struct Item {
    page: usize,
    text: String,
    eol: bool,
    size: f64,
    y: f64,
    artifact: bool,
}

/// pdf.js's text content of `pdf`. The pinned pdfjs-dist is installed
/// from its lock file on first use (`npm ci`, once for all the tests);
/// fails (never skips) when Node or npm is missing.
fn pdfjs(pdf: &Path) -> Vec<Item> {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    let dir = repo().join("tests/pdfjs");
    INSTALLED.call_once(|| {
        if !dir.join("node_modules/pdfjs-dist").is_dir() {
            let ok = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "`npm ci` in tests/pdfjs failed: Node.js and npm are needed for pdf.js"
            );
        }
    });
    assert!(
        dir.join("node_modules/pdfjs-dist").is_dir(),
        "pdfjs-dist is not installed: run `npm ci` in tests/pdfjs (as .ci/run does)"
    );
    let out = Command::new("node")
        .arg(dir.join("text.mjs"))
        .arg(pdf)
        .arg("--json")
        .output()
        .expect("Node.js runs (`node` on the PATH; .ci/run needs it for pdf.js)");
    assert!(
        out.status.success(),
        "pdf.js could not read {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    items
        .iter()
        .map(|i| Item {
            page: i["page"].as_u64().unwrap() as usize,
            text: i["str"].as_str().unwrap().to_string(),
            eol: i["eol"].as_bool().unwrap(),
            size: i["size"].as_f64().unwrap(),
            y: i["y"].as_f64().unwrap(),
            artifact: i["artifact"].as_bool().unwrap(),
        })
        .collect()
}

/// pdftotext's default output for one page (1-based), of the band of the
/// page between `top` and `bottom` (points from the page's top) if given.
fn pdftotext(pdf: &Path, page: usize, band: Option<(f64, f64)>) -> String {
    let page = page.to_string();
    let mut args = vec!["-f".to_string(), page.clone(), "-l".to_string(), page];
    if let Some((top, bottom)) = band {
        let (y, h) = (top.floor() as i64, (bottom - top).ceil() as i64);
        args.extend(["-x", "0", "-W", "100000"].map(String::from));
        args.extend([
            "-y".to_string(),
            y.to_string(),
            "-H".to_string(),
            h.to_string(),
        ]);
    }
    let out = Command::new("pdftotext")
        .args(&args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Text read as one reads lines: a line that ends in a letter and a hyphen,
/// before a line that begins with a letter, holds a word broken at the
/// line's end (the rule pdf.js's own search and poppler apply); other lines
/// are joined with a space.
fn joined(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).and_then(|l| l.chars().next());
        let broken = line.strip_suffix('-').filter(|l| {
            l.chars().next_back().is_some_and(char::is_alphabetic)
                && next.is_some_and(char::is_alphabetic)
        });
        match broken {
            Some(head) => out.push_str(head),
            None => {
                out.push_str(line);
                out.push(' ');
            }
        }
    }
    out
}

/// Whitespace collapsed, typographic quotes and dashes as typed.
fn normal(text: &str) -> String {
    text.replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
        .split_whitespace()
        .map(|w| if w == "-" { "–" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `text` holds `sentence` word for word. A web address may break
/// after a slash or dot, where no reader can tell a line's end from a
/// space: it is looked for with the spaces taken out, and the words around
/// it as they are (the link itself carries the whole address).
fn holds(text: &str, sentence: &str) -> bool {
    let Some(address) = sentence
        .split(' ')
        .find(|w| w.contains("://") || w.starts_with("www."))
    else {
        return text.contains(sentence);
    };
    let squeezed: String = text.split_whitespace().collect();
    sentence
        .split(address)
        .map(str::trim)
        .all(|part| text.contains(part))
        && squeezed.contains(address.trim_end_matches('.'))
}

/// The text of `items` as lines, with `keep` deciding which items count.
fn lines_of(items: &[&Item], keep: impl Fn(&Item) -> bool) -> String {
    let mut out = String::new();
    for item in items.iter().filter(|i| keep(i)) {
        out.push_str(&item.text);
        if item.eol || item.text == "\u{c}" {
            out.push('\n');
        }
    }
    out
}

/// The words broken at a line's end by an added hyphen, as pdf.js shows
/// them: (the part before, the part after).
fn broken_words(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let Some(head) = pair[0].strip_suffix('-') else {
            continue;
        };
        let before: String = head
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after: String = pair[1].chars().take_while(|c| c.is_alphabetic()).collect();
        if !before.is_empty() && !after.is_empty() {
            out.push((before, after));
        }
    }
    out
}

/// The body text of `pdf` as each reader gives it, artifacts, footnotes and
/// footnote marks left out: (pdf.js, pdftotext).
fn body_texts(pdf: &Path) -> (String, String) {
    let items = pdfjs(pdf);
    let pages = items.iter().map(|i| i.page).max().unwrap_or(0);
    let (mut pdfjs_text, mut poppler_text) = (String::new(), String::new());
    for page in 1..=pages {
        let on_page: Vec<&Item> = items.iter().filter(|i| i.page == page).collect();
        // Notes and their marks are smaller than the text (7.5 and 6.5 pt
        // beside 10 pt); running heads and footers are artifacts.
        let is_note = |i: &Item| i.size > 0.0 && i.size < 8.0 && !i.text.trim().is_empty();
        pdfjs_text.push_str(&lines_of(&on_page, |i| !i.artifact && !is_note(i)));
        // pdftotext reads the band of the page the text is in: below the
        // running head, above the notes and the footer.
        let text: Vec<&&Item> = on_page
            .iter()
            .filter(|i| !i.artifact && i.size >= 8.0 && !i.text.trim().is_empty())
            .collect();
        let Some(top) = text.iter().map(|i| i.y - i.size).reduce(f64::min) else {
            continue;
        };
        let bottom = text.iter().map(|i| i.y + i.size * 0.3).fold(top, f64::max);
        // Note marks glued to a word go: "dissent.1" is "dissent.".
        let marks: Vec<&str> = on_page
            .iter()
            .filter(|i| i.size > 0.0 && i.size < 7.0 && !i.text.trim().is_empty())
            .map(|i| i.text.trim())
            .collect();
        for line in pdftotext(pdf, page, Some((top, bottom))).lines() {
            poppler_text.push_str(&without_marks(line, &marks));
            poppler_text.push('\n');
        }
    }
    (normal(&joined(&pdfjs_text)), normal(&joined(&poppler_text)))
}

/// `line` without the note marks `marks` where they follow a word or its
/// punctuation ("dissent.1 The" → "dissent. The").
fn without_marks(line: &str, marks: &[&str]) -> String {
    line.split(' ')
        .map(|word| {
            for mark in marks {
                if let Some(stem) = word.strip_suffix(mark)
                    && stem
                        .chars()
                        .next_back()
                        .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
                {
                    return stem.to_string();
                }
                // A mark before a comma or stop: "killed5,".
                for stop in [",", ".", ";", ":"] {
                    if let Some(stem) = word.strip_suffix(stop).and_then(|w| w.strip_suffix(mark))
                        && stem.chars().next_back().is_some_and(char::is_alphabetic)
                    {
                        return format!("{stem}{stop}");
                    }
                }
            }
            word.to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sentences of a section's text: each ends in a stop (and perhaps a
/// closing quote or bracket) before a capital or a figure.
fn sentences(text: &str) -> Vec<String> {
    let text = normal(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for k in 0..chars.len() {
        if !matches!(chars[k].1, '.' | '?' | '!') {
            continue;
        }
        let mut end = k;
        while chars
            .get(end + 1)
            .is_some_and(|&(_, c)| matches!(c, '\'' | '"' | ')'))
        {
            end += 1;
        }
        let next = chars.get(end + 1).map(|&(_, c)| c);
        let after = chars.get(end + 2).map(|&(_, c)| c);
        if next == Some(' ') && after.is_some_and(|a| a.is_uppercase() || a.is_ascii_digit()) {
            let stop = chars[end].0 + chars[end].1.len_utf8();
            out.push(text[start..stop].trim().to_string());
            start = stop;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// The section files a pack prints: the Russian pack takes a translation
/// where there is one.
fn pack_sections(russian: bool) -> Vec<PathBuf> {
    profile_sections()
        .into_iter()
        .map(|p| {
            let ru = p.with_extension("ru.md");
            if russian && ru.exists() { ru } else { p }
        })
        .collect()
}

#[test]
fn a_word_hyphenated_at_a_line_end_copies_whole_in_pdftotext_and_pdfjs() {
    let mut seen = 0;
    for pdf in samples() {
        let items = pdfjs(pdf);
        let all: Vec<&Item> = items.iter().collect();
        let text = lines_of(&all, |_| true);
        let poppler: String = (1..=items.iter().map(|i| i.page).max().unwrap())
            .map(|p| pdftotext(pdf, p, None))
            .collect();
        for (before, after) in broken_words(&text) {
            seen += 1;
            let word = format!("{before}{after}");
            // pdftotext joins the word itself: no line of its ends in the
            // first part and a hyphen.
            assert!(
                poppler.contains(&word),
                "{}: pdftotext does not give `{word}` whole:\n{poppler}",
                pdf.display()
            );
            assert!(
                !poppler.contains(&format!("{before}-\n")),
                "{}: pdftotext keeps `{before}-` at a line's end",
                pdf.display()
            );
            // pdf.js shows the hyphen as U+002D (checked by finding it
            // above), the mark its own search reads as a broken word.
            assert!(
                normal(&joined(&text)).contains(&word),
                "{}: pdf.js's lines do not give `{word}`",
                pdf.display()
            );
        }
        // No other mark stands for the added hyphen: no soft hyphen, no
        // stray character where the hyphen is.
        assert!(
            !text.contains('\u{ad}') && !poppler.contains('\u{ad}'),
            "{}: a soft hyphen in the text",
            pdf.display()
        );
    }
    assert!(seen >= 20, "the samples hyphenate: {seen} words");
}

#[test]
fn hyphens_and_dashes_of_the_text_stay_and_never_end_a_line() {
    // Each word of the profile with a hyphen of its own comes out with it in
    // both readers, and no line ends with one of them.
    for russian in [false, true] {
        let pdf = pack(russian, "print");
        let (pdfjs_text, poppler_text) = body_texts(&pdf);
        let mut compounds = Vec::new();
        for file in pack_sections(russian) {
            let (_, body) = section_text(&file);
            for w in body.split_whitespace() {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if w.contains('-') && w.chars().all(|c| c.is_alphanumeric() || c == '-') {
                    compounds.push(w.to_string());
                }
            }
        }
        assert!(
            compounds.iter().any(|c| c == "poll-monitoring") || russian,
            "{compounds:?}"
        );
        assert!(compounds.len() >= 5, "{compounds:?}");
        for word in &compounds {
            assert!(
                pdfjs_text.contains(word.as_str()),
                "pdf.js: `{word}` not whole"
            );
            assert!(
                poppler_text.contains(word.as_str()),
                "pdftotext: `{word}` not whole"
            );
        }
    }
}

#[test]
fn every_sentence_of_the_packs_is_found_word_for_word_in_both_readers() {
    for russian in [false, true] {
        for profile in ["print", "archive"] {
            let pdf = pack(russian, profile);
            let (pdfjs_text, poppler_text) = body_texts(&pdf);
            let mut count = 0;
            for file in pack_sections(russian) {
                let (title, body) = section_text(&file);
                assert!(
                    pdfjs_text.contains(&normal(&title)),
                    "pdf.js: title “{title}”"
                );
                for sentence in sentences(&body) {
                    count += 1;
                    assert!(
                        holds(&pdfjs_text, &sentence),
                        "{}: pdf.js does not give “{sentence}” word for word:\n{pdfjs_text}",
                        pdf.display()
                    );
                    assert!(
                        holds(&poppler_text, &sentence),
                        "{}: pdftotext does not give “{sentence}” word for word:\n{poppler_text}",
                        pdf.display()
                    );
                }
            }
            assert!(count >= 30, "{count} sentences");
            if russian {
                assert!(
                    pdfjs_text.contains("Казахстан"),
                    "the Russian pack's Russian text"
                );
            }
        }
    }
}

#[test]
fn paragraph_numbers_running_heads_and_footers_are_artifacts() {
    let items = pdfjs(&pack(false, "print"));
    let artifacts = lines_of(
        &items.iter().filter(|i| i.artifact).collect::<Vec<_>>(),
        |_| true,
    );
    let body = lines_of(
        &items.iter().filter(|i| !i.artifact).collect::<Vec<_>>(),
        |_| true,
    );
    assert!(artifacts.contains("Page 3 of 5"), "{artifacts}");
    assert!(artifacts.contains("Kazakhstan briefing"), "{artifacts}");
    assert!(!body.contains("Page 3 of 5"), "{body}");
    // The paragraphs are numbered 1, 2, 3 … in the margin: numbers that are
    // artifacts, each alone, at the text's size.
    let numbers: Vec<&Item> = items
        .iter()
        .filter(|i| i.artifact && i.size == 10.0 && i.text.trim().parse::<u32>().is_ok())
        .collect();
    assert!(numbers.len() >= 10, "{} paragraph numbers", numbers.len());
    let body = normal(&joined(&body));
    assert!(
        body.contains("Originally scheduled for 2012"),
        "the paragraph starts with its text, not its number: {body}"
    );
    assert!(!body.contains("4 Originally"), "{body}");
}

#[test]
fn ligatures_copy_as_their_letters() {
    // The serif face sets "fi", "ff" and "fl" as ligatures; both readers
    // give the letters.
    for pdf in samples() {
        let items = pdfjs(pdf);
        let text: String = items.iter().map(|i| i.text.as_str()).collect();
        let poppler = pdftotext(pdf, 1, None) + &pdftotext(pdf, 2, None);
        for t in [&text, &poppler] {
            assert!(
                !t.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)),
                "{}: a ligature character in the text",
                pdf.display()
            );
        }
    }
    let (pdfjs_text, poppler_text) = body_texts(&pack(false, "print"));
    for word in ["official", "effectively", "conflict", "signif"] {
        if pdfjs_text.contains(word) {
            assert!(poppler_text.contains(word), "{word}");
        }
    }
    assert!(pdfjs_text.contains("effectively") && poppler_text.contains("effectively"));
}

/// The longest run of lines in a row that end in a hyphen, in pdf.js's lines.
fn longest_hyphen_ladder(text: &str) -> usize {
    let (mut run, mut longest) = (0, 0);
    for line in text.lines() {
        run = if line.trim_end().ends_with('-') {
            run + 1
        } else {
            0
        };
        longest = longest.max(run);
    }
    longest
}

#[test]
fn the_docs_narrow_column_never_ends_three_lines_in_a_row_with_a_hyphen() {
    // docs/typesetting.md's column of "The Nazarbayev Regime" and "Elections
    // and Democracy", which at 70 mm once ended four lines in a row with a
    // hyphen ("re-", "poll-mon-", "can-", "me-"); set at 50 to 80 mm.
    let dir = project("hyphen-ladder");
    let (mut hyphenated, mut most) = (0, 0);
    for mm in (50..=80).step_by(2) {
        let pdf = build_docs_column(&dir, mm, 250);
        let items = pdfjs(&pdf);
        let text = lines_of(&items.iter().collect::<Vec<_>>(), |i| !i.artifact);
        hyphenated += text.lines().filter(|l| l.trim_end().ends_with('-')).count();
        let ladder = longest_hyphen_ladder(&text);
        most = most.max(ladder);
        assert!(
            ladder <= 2,
            "{mm} mm: {ladder} lines in a row end in a hyphen:\n{text}"
        );
    }
    assert!(
        hyphenated >= 30,
        "the columns are hyphenated: {hyphenated} lines"
    );
    eprintln!("at most {most} hyphens in a row");
}
