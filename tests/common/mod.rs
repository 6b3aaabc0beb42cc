//! Helpers for the end-to-end tests: run handbill, make scratch projects,
//! and read built PDFs back as a user or a print shop would.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use lopdf::{Document, Object};

/// The project folder of this repository.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the handbill binary in `dir` with `args`. An overfull line (text
/// running into the margin) fails every test that meets one, whatever it
/// builds: no sample, no test project, no profile may have one.
pub fn handbill(dir: &Path, args: &[&str]) -> Output {
    let out = handbill_with_overfull_lines(dir, args);
    assert_no_overfull_line(&out);
    out
}

/// Runs handbill as [`handbill`] does, for the few tests that make an
/// overfull line on purpose (a number too long for any line).
pub fn handbill_with_overfull_lines(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handbill"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        // Messages as a pipe gets them, whatever the terminal running the tests.
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("handbill runs")
}

/// Fails on a warning of an overfull line in `out`, handbill's output.
pub fn assert_no_overfull_line(out: &Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    if let Some(line) = err.lines().find(|l| l.contains("an overfull line")) {
        panic!("{line}");
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Builds sample briefings of this repository (`briefings/…`) in the output
/// profile `profile` into a fresh folder named after `name`, and returns the
/// folder; the build must succeed.
pub fn build_samples(name: &str, profile: &str, briefings: &[&str]) -> PathBuf {
    let out = scratch(name);
    let mut args = vec!["build"];
    args.extend_from_slice(briefings);
    args.extend(["--profile", profile, "--out", out.to_str().unwrap()]);
    let o = handbill(&repo(), &args);
    assert!(o.status.success(), "{profile}: {}", stderr(&o));
    out
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::SeqCst);
    let dir = repo()
        .join("target")
        .join("test-scratch")
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch project with the sample profile and assets but no briefings.
pub fn project(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(
        &repo().join("briefings/profiles"),
        &dir.join("briefings/profiles"),
    );
    copy_dir(&repo().join("assets"), &dir.join("assets"));
    dir
}

/// A scratch project whose `overview` section is `body`, and its briefing
/// `briefings/b.yaml`: a pack of that one section, by the built-in pack
/// template or by `custom` (written to `templates/t.hbs`), with `extra`
/// lines of YAML at its end. Returns the briefing's path.
pub fn one_section_pack(name: &str, body: &str, custom: Option<&str>, extra: &str) -> PathBuf {
    let dir = project(name);
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/01-overview.md"),
        format!("---\nid: overview\ntitle: Overview\n---\n{body}\n"),
    )
    .unwrap();
    let template = match custom {
        Some(text) => {
            std::fs::create_dir_all(dir.join("templates")).unwrap();
            std::fs::write(dir.join("templates/t.hbs"), text).unwrap();
            "templates/t.hbs"
        }
        None => "briefing-pack",
    };
    let briefing = dir.join("briefings/b.yaml");
    std::fs::write(
        &briefing,
        format!(
            "profile: kazakhstan\ntemplate: {template}\naudience: delegation\nsections: [overview]\n{extra}"
        ),
    )
    .unwrap();
    briefing
}

/// A scratch project whose photo `london-2013` is `bytes` (saved as
/// `assets/FILE`), placed on an A5 leaflet `briefings/b.yaml`, with `extra`
/// lines of YAML at the briefing's end. Returns the project folder.
pub fn leaflet_with_photo(name: &str, bytes: &[u8], file: &str, extra: &str) -> PathBuf {
    let dir = project(name);
    std::fs::write(dir.join("assets").join(file), bytes).unwrap();
    let profile = dir.join("briefings/profiles/kazakhstan/profile.yaml");
    let text = std::fs::read_to_string(&profile).unwrap().replace(
        "assets/london-2013-placeholder.jpg",
        &format!("assets/{file}"),
    );
    assert!(text.contains(file), "the profile names the photo");
    std::fs::write(&profile, text).unwrap();
    std::fs::write(
        dir.join("briefings/b.yaml"),
        format!("profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n  image: london-2013\n{extra}"),
    )
    .unwrap();
    dir
}

/// Builds `briefings/b.yaml` of `dir` with the output profile `profile`
/// (print, screen, archive) into `out-PROFILE/`; the PDF's path.
pub fn build_with_profile(dir: &Path, profile: &str) -> PathBuf {
    let out = format!("out-{profile}");
    let args = [
        "build",
        "briefings/b.yaml",
        "--profile",
        profile,
        "--out",
        &out,
    ];
    let o = handbill(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    dir.join(out).join("b.pdf")
}

/// The pictures in `pdf` as `pdfimages -list` lists them: each row's
/// fields (type, width, height, colour, …, encoding at 8, x-ppi at 12).
pub fn image_rows(pdf: &Path) -> Vec<Vec<String>> {
    let o = Command::new("pdfimages")
        .arg("-list")
        .arg(pdf)
        .output()
        .expect("pdfimages runs (poppler-utils)");
    assert!(o.status.success(), "pdfimages -list {}", pdf.display());
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// `qpdf --check` finds the PDF at `path` sound, as a print shop's
/// preflight would.
pub fn qpdf_check(path: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "qpdf --check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A built PDF, read back.
pub struct Pdf {
    pub doc: Document,
    pub bytes: Vec<u8>,
}

impl Pdf {
    pub fn open(path: &Path) -> Pdf {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Pdf::from_bytes(bytes)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Pdf {
        let doc = Document::load_mem(&bytes).expect("the PDF parses");
        Pdf { doc, bytes }
    }

    pub fn page_count(&self) -> usize {
        self.doc.get_pages().len()
    }

    /// The CMYK colours text is filled with on the first page: the fill
    /// colour in force at each text-showing operator.
    pub fn text_colours(&self) -> Vec<[f32; 4]> {
        let page = self.doc.get_pages()[&1];
        let ops = lopdf::content::Content::decode(&self.doc.get_page_content(page))
            .unwrap()
            .operations;
        let mut fill = None;
        let mut out: Vec<[f32; 4]> = Vec::new();
        for op in ops {
            match op.operator.as_str() {
                "k" | "sc" | "scn" if op.operands.len() == 4 => {
                    let v: Vec<f32> = op.operands.iter().map(|o| o.as_float().unwrap()).collect();
                    fill = Some([v[0], v[1], v[2], v[3]]);
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if let Some(c) = fill
                        && !out.contains(&c)
                    {
                        out.push(c);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Whether text on the first page is filled with `wanted` (CMYK, 0–1).
    pub fn has_text_colour(&self, wanted: [f32; 4]) -> bool {
        (self.text_colours().iter())
            .any(|c| c.iter().zip(wanted).all(|(a, b)| (a - b).abs() < 0.002))
    }

    fn page_dict(&self, page: usize) -> &lopdf::Dictionary {
        let id = self.doc.get_pages()[&(page as u32 + 1)];
        self.doc.get_dictionary(id).unwrap()
    }

    /// A page box (`MediaBox`, `TrimBox`…) as [x0, y0, x1, y1].
    pub fn page_box(&self, page: usize, name: &[u8]) -> Option<[f32; 4]> {
        let arr = self.page_dict(page).get(name).ok()?.as_array().ok()?;
        let v: Vec<f32> = arr.iter().map(|o| o.as_float().unwrap()).collect();
        Some([v[0], v[1], v[2], v[3]])
    }

    /// The finished size of a page in millimetres: its TrimBox, or its
    /// MediaBox where there is no TrimBox.
    pub fn page_size_mm(&self, page: usize) -> (f32, f32) {
        let b = self
            .page_box(page, b"TrimBox")
            .or_else(|| self.page_box(page, b"MediaBox"))
            .expect("every page has a MediaBox");
        ((b[2] - b[0]) * 25.4 / 72.0, (b[3] - b[1]) * 25.4 / 72.0)
    }

    /// Every font the pages use: (BaseFont, has an embedded font file).
    pub fn fonts(&self) -> Vec<(String, bool, String)> {
        let mut out = Vec::new();
        for (_, id) in self.doc.get_pages() {
            let (own, inherited) = self.doc.get_page_resources(id).unwrap();
            let mut dicts: Vec<&lopdf::Dictionary> = own.into_iter().collect();
            dicts.extend(
                inherited
                    .iter()
                    .filter_map(|r| self.doc.get_dictionary(*r).ok()),
            );
            for res in dicts {
                let Ok(fonts) = res
                    .get(b"Font")
                    .and_then(|f| self.resolve(f).as_dict().cloned())
                else {
                    continue;
                };
                for (_, f) in fonts.iter() {
                    let font = self.resolve(f).as_dict().unwrap();
                    let subtype =
                        String::from_utf8_lossy(font.get(b"Subtype").unwrap().as_name().unwrap())
                            .into_owned();
                    let base =
                        String::from_utf8_lossy(font.get(b"BaseFont").unwrap().as_name().unwrap())
                            .into_owned();
                    let descriptor = match font.get(b"DescendantFonts") {
                        Ok(d) => {
                            let arr = self.resolve(d).as_array().unwrap();
                            let cid = self.resolve(&arr[0]).as_dict().unwrap();
                            self.resolve(cid.get(b"FontDescriptor").unwrap())
                                .as_dict()
                                .unwrap()
                                .clone()
                        }
                        Err(_) => match font.get(b"FontDescriptor") {
                            Ok(d) => self.resolve(d).as_dict().unwrap().clone(),
                            Err(_) => lopdf::Dictionary::new(),
                        },
                    };
                    let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                        .iter()
                        .any(|k| descriptor.has(k));
                    if !out.iter().any(|(b, _, _)| b == &base) {
                        out.push((base, embedded, subtype));
                    }
                }
            }
        }
        out
    }

    fn resolve<'a>(&'a self, o: &'a Object) -> &'a Object {
        match o {
            Object::Reference(id) => self.doc.get_object(*id).unwrap(),
            other => other,
        }
    }

    /// The text of the given pages (1-based), as lopdf extracts it.
    pub fn text_of(&self, pages: &[u32]) -> String {
        self.doc.extract_text(pages).expect("text extracts")
    }

    /// The document's language, as the catalog's `/Lang` gives it.
    pub fn lang(&self) -> Vec<u8> {
        self.doc
            .catalog()
            .unwrap()
            .get(b"Lang")
            .unwrap()
            .as_str()
            .unwrap()
            .to_vec()
    }

    /// The document's Info dictionary.
    pub fn info(&self) -> &lopdf::Dictionary {
        let id = self
            .doc
            .trailer
            .get(b"Info")
            .unwrap()
            .as_reference()
            .unwrap();
        self.doc.get_dictionary(id).unwrap()
    }

    /// The document's XMP metadata, as text.
    pub fn xmp(&self) -> String {
        let catalog = self.doc.catalog().unwrap();
        let stream = self
            .doc
            .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        String::from_utf8(
            stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone()),
        )
        .unwrap()
    }

    pub fn text(&self) -> String {
        let pages: Vec<u32> = self.doc.get_pages().keys().copied().collect();
        self.text_of(&pages)
    }
}

/// The words of a text, lower-cased, letters and digits only. A footnote
/// mark glued to a word ("dissent.1") is dropped from it.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '—' || c == '–' || c == '-' || c == '/')
        .map(|w| {
            let w: String = w
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if w.chars().next().is_some_and(char::is_alphabetic) {
                w.trim_end_matches(|c: char| c.is_ascii_digit()).to_string()
            } else {
                w
            }
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Where `needle` occurs in order inside `hay` (other words may come
/// between, at most `max_gap` at a time), starting the search at `from`. A
/// word hyphenated at a line end comes out of a PDF as two ("major", "ity"):
/// those count as the word. Returns the index after the last matched word.
pub fn find_in_order(
    hay: &[String],
    needle: &[String],
    from: usize,
    max_gap: usize,
) -> Result<usize, String> {
    let mut best: Option<(usize, String)> = None;
    for start in from..hay.len() {
        match match_at(hay, needle, start, max_gap) {
            Ok(end) => return Ok(end),
            Err((matched, why)) => {
                if best.as_ref().is_none_or(|(m, _)| matched > *m) {
                    best = Some((matched, why));
                }
            }
        }
    }
    Err(best.map_or_else(
        || {
            format!(
                "the first word `{}` is missing",
                needle.first().map_or("", |s| s)
            )
        },
        |(_, why)| why,
    ))
}

/// Matches `needle` with its first word at `start` exactly; returns the end,
/// or how many words matched and why it stopped.
fn match_at(
    hay: &[String],
    needle: &[String],
    start: usize,
    max_gap: usize,
) -> Result<usize, (usize, String)> {
    let mut at = start;
    for (n, word) in needle.iter().enumerate() {
        // The first word must begin right at `start`.
        let limit = if n == 0 {
            (start + 1).min(hay.len())
        } else {
            (at + max_gap + 1).min(hay.len())
        };
        let mut found = None;
        for p in at..limit {
            if &hay[p] == word {
                found = Some(p + 1);
                break;
            }
            // The first part of a hyphenated word; the rest follows, perhaps
            // after a page's footer and header.
            if let Some(rest) = word
                .strip_prefix(hay[p].as_str())
                .filter(|r| !r.is_empty() && hay[p].len() >= 2)
            {
                let rest_limit = (p + 1 + max_gap + 1).min(hay.len());
                if let Some(q) = (p + 1..rest_limit).find(|&q| hay[q] == rest) {
                    found = Some(q + 1);
                    break;
                }
            }
        }
        match found {
            Some(next) => at = next,
            None => {
                return Err((
                    n,
                    format!(
                        "after “{}” expected `{word}`, found “{}”",
                        hay[at.saturating_sub(8)..at].join(" "),
                        hay[at.min(hay.len())..(at + 8).min(hay.len())].join(" ")
                    ),
                ));
            }
        }
    }
    Ok(at)
}

/// The plain text of a Markdown section file, without front matter or
/// footnote marks.
pub fn section_text(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut body = text.splitn(3, "---\n").nth(2).unwrap().to_string();
    // Footnote marks: `[^key]` (but not a definition `[^key]:`).
    while let Some(start) = body.find("[^") {
        let end = start + body[start..].find(']').unwrap() + 1;
        if body[end..].starts_with(':') {
            break;
        }
        body.replace_range(start..end, "");
    }
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    let mut plain = String::new();
    // Notes and tables are left out: a table's cells are no sentences.
    let mut in_note = false;
    let options =
        pulldown_cmark::Options::ENABLE_FOOTNOTES | pulldown_cmark::Options::ENABLE_TABLES;
    for event in pulldown_cmark::Parser::new_ext(&body, options) {
        match event {
            pulldown_cmark::Event::Start(
                pulldown_cmark::Tag::FootnoteDefinition(_) | pulldown_cmark::Tag::Table(_),
            ) => in_note = true,
            pulldown_cmark::Event::End(
                pulldown_cmark::TagEnd::FootnoteDefinition | pulldown_cmark::TagEnd::Table,
            ) => in_note = false,
            pulldown_cmark::Event::Text(t) if !in_note => {
                plain.push_str(&t);
            }
            pulldown_cmark::Event::SoftBreak | pulldown_cmark::Event::End(_) if !in_note => {
                plain.push(' ')
            }
            _ => {}
        }
    }
    (title, plain)
}

/// The sample profile's section files, in order (not the translations,
/// such as `01-overview.ru.md`).
pub fn profile_sections() -> Vec<PathBuf> {
    let dir = repo().join("briefings/profiles/kazakhstan");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().unwrap().to_string_lossy().as_bytes()[0].is_ascii_digit()
                && !p.file_stem().unwrap().to_string_lossy().contains('.')
        })
        .collect();
    files.sort();
    files
}

/// Writes `yaml` as the briefing `briefings/NAME.yaml` in `dir`, builds it
/// and opens the PDF; the build must succeed.
pub fn build_briefing(dir: &Path, name: &str, yaml: &str) -> Pdf {
    std::fs::write(dir.join("briefings").join(format!("{name}.yaml")), yaml).unwrap();
    build_pdf(dir, &format!("briefings/{name}.yaml"))
}

/// Builds the briefing file `briefing` (relative to `dir`) into `dir/out`
/// and opens the PDF; the build must succeed.
pub fn build_pdf(dir: &Path, briefing: &str) -> Pdf {
    let out = handbill(dir, &["build", briefing, "--out", "out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let name = Path::new(briefing).file_stem().unwrap().to_string_lossy();
    Pdf::open(&dir.join("out").join(format!("{name}.pdf")))
}

/// Phrases of the libraries handbill reads its inputs with (serde,
/// serde-saphyr and its parser, Handlebars, roxmltree, krilla, qrcode, the
/// image decoders, std's I/O errors), taken from their sources: none may
/// reach the user, who gets handbill's own words instead.
pub const LIBRARY_WORDS: &[&str] = &[
    // serde
    "invalid type:",
    "invalid value:",
    "invalid length",
    "unknown field",
    "unknown variant",
    "missing field",
    "expected one of",
    // serde-saphyr and granit-parser
    "mapping values are not allowed",
    "did not find expected",
    "while parsing a",
    "while scanning a",
    "tabs disallowed",
    "tab cannot be used",
    "unclosed bracket",
    "illegal placement",
    "unexpected end of input",
    "unexpected EOF",
    "expected string scalar",
    "mapping start",
    "sequence start",
    "weak recursion",
    "Option<",
    "non-finite",
    "configured policy",
    "DuplicateKeyPolicy",
    "duplicate mapping key",
    "from_str_multiple",
    "unsupported tag",
    "unknown anchor",
    "budget breached",
    "externally tagged",
    "invalid u64",
    "invalid floating point",
    "null into string",
    // Handlebars
    "RenderError",
    "Error rendering",
    "Helper not found",
    "Failed to access variable",
    "invalid handlebars syntax",
    "Template not found",
    "Partial not found",
    "Helper/Decorator",
    "Invalid param type",
    "expected escape, expression",
    // roxmltree
    "malformed entity reference",
    "DTD detected",
    "unknown token",
    "unexpected end of stream",
    "unknown entity reference",
    // krilla, qrcode, the image decoders, std
    "validation failed with",
    "data too long",
    "limits are exceeded",
    "(os error",
];

/// The first of `LIBRARY_WORDS` in `text`, if any.
pub fn library_words(text: &str) -> Option<&'static str> {
    LIBRARY_WORDS.iter().copied().find(|w| text.contains(w))
}

/// The text of page `page` (1-based) of the PDF at `path`, as
/// `pdftotext -layout` sets it out: rows of a table on lines of their own.
pub fn layout_text(path: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-layout", "-f", &p, "-l", &p])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// docs/typesetting.md's column, built in `dir`: "The Nazarbayev Regime"
/// and "Elections and Democracy" justified in a frame `mm` wide, on a page
/// 10 mm wider and `height_mm` high. Returns the PDF's path.
pub fn build_docs_column(dir: &Path, mm: u32, height_mm: u32) -> PathBuf {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/column.hbs"),
        format!(
            r#"<document title="{{{{briefing.title}}}}" lang="{{{{briefing.lang}}}}">
  <master name="column" width="{w}mm" height="{height_mm}mm" margin="5mm"/>
  <pages master="column" flow="main"/>
  <flow name="main">{{{{#each sections}}}}{{{{{{body_plain}}}}}}{{{{/each}}}}</flow>
</document>
"#,
            w = mm + 10
        ),
    )
    .unwrap();
    build_briefing(
        dir,
        "column",
        "title: Column\nprofile: kazakhstan\ntemplate: templates/column.hbs\naudience: public\n\
         sections: [the-regime, elections]\nhyphenation: [Kazakh-stan, Nazarbayev]\n",
    );
    dir.join("out/column.pdf")
}

/// What `pdftotext FLAG` (`-bbox` or `-bbox-layout`) gives for `path`.
fn pdftotext_boxes(path: &Path, flag: &str) -> String {
    let out = Command::new("pdftotext")
        .arg(flag)
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// The number in the attribute `name="…"` of a line of pdftotext's boxes.
fn attr(line: &str, name: &str) -> f32 {
    let at = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    line[at..].split('"').next().unwrap().parse().unwrap()
}

/// Each word of the PDF at `path` with its page (1-based) and box, as
/// `pdftotext -bbox` finds them: (page, x min, y min, x max, word).
pub fn word_boxes(path: &Path) -> Vec<(usize, f32, f32, f32, String)> {
    let html = pdftotext_boxes(path, "-bbox");
    let mut page = 0;
    let mut words = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page") {
            page += 1;
        } else if line.starts_with("<word") {
            let text = line.split('>').nth(1).unwrap().split('<').next().unwrap();
            let text = text
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
            words.push((
                page,
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                text,
            ));
        }
    }
    words
}

/// A line of a PDF that runs to a right edge, read from pdftotext's word
/// boxes: how far its word spaces stretch.
#[derive(Debug, Clone)]
pub struct SpacedLine {
    /// 1-based.
    pub page: usize,
    pub text: String,
    /// Word spaces on the line.
    pub spaces: usize,
    /// The mean of its spaces, as a share of the natural space of its type
    /// size: 1 as the font sets them.
    pub stretch: f32,
}

/// The lines of the PDF at `path` that end at a right edge (within 6 pt,
/// room for a hanging or dropped hyphen) that three or more lines of their
/// page end at: justified lines, and ragged ones that happen to end there,
/// whose spaces are natural. Each line's word spaces are measured between
/// pdftotext's word boxes (`-bbox-layout`, as `../shared/tools/evenness.py`
/// does) against the bundled Noto fonts' natural space, 0.26 em; the type
/// size is the word boxes' height over 1.362 (Noto's ascent and descent).
pub fn spaced_lines(path: &Path) -> Vec<SpacedLine> {
    let html = pdftotext_boxes(path, "-bbox-layout");
    // A word: (x min, x max, height, text).
    type Words = Vec<(f32, f32, f32, String)>;
    let mut pages: Vec<Vec<Words>> = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page") {
            pages.push(Vec::new());
        } else if line.starts_with("<line") {
            if let Some(page) = pages.last_mut() {
                page.push(Vec::new());
            }
        } else if line.starts_with("<word") {
            let text = line.split('>').nth(1).unwrap().split('<').next().unwrap();
            let word = (
                attr(line, "xMin"),
                attr(line, "xMax"),
                attr(line, "yMax") - attr(line, "yMin"),
                text.replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            );
            if let Some(l) = pages.last_mut().and_then(|p| p.last_mut()) {
                l.push(word);
            }
        }
    }
    let mut found = Vec::new();
    for (n, lines) in pages.iter().enumerate() {
        let end = |l: &Words| l.last().map_or(0.0, |w| w.1);
        let mut edges: std::collections::BTreeMap<i64, usize> = Default::default();
        for l in lines.iter().filter(|l| !l.is_empty()) {
            *edges.entry(end(l).round() as i64).or_default() += 1;
        }
        let edges: Vec<f32> = (edges.into_iter())
            .filter(|&(_, count)| count >= 3)
            .map(|(x, _)| x as f32)
            .collect();
        for l in lines.iter().filter(|l| l.len() > 1) {
            let e = end(l);
            if !edges.iter().any(|&edge| e >= edge - 6.0 && e <= edge + 0.5) {
                continue;
            }
            let mut heights: Vec<f32> = l.iter().map(|w| w.2).collect();
            heights.sort_by(f32::total_cmp);
            let size = heights[heights.len() / 2] / 1.362;
            let gaps: Vec<f32> = l.windows(2).map(|w| w[1].0 - w[0].1).collect();
            found.push(SpacedLine {
                page: n + 1,
                text: l.iter().map(|w| w.3.as_str()).collect::<Vec<_>>().join(" "),
                spaces: gaps.len(),
                stretch: gaps.iter().sum::<f32>() / gaps.len() as f32 / (0.26 * size),
            });
        }
    }
    found
}

/// The structure tree of a tagged PDF, in reading order: each element's
/// depth, its type (`Table`, `TR`, `TH` …) and, for a table header cell,
/// its `/Scope`.
pub fn structure_roles(pdf: &Pdf) -> Vec<(usize, String, Option<String>)> {
    fn walk(
        doc: &Document,
        o: &Object,
        depth: usize,
        out: &mut Vec<(usize, String, Option<String>)>,
    ) {
        let o = match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(o) => o,
                Err(_) => return,
            },
            other => other,
        };
        match o {
            Object::Array(kids) => kids.iter().for_each(|k| walk(doc, k, depth, out)),
            Object::Dictionary(d) => {
                let Ok(role) = d.get(b"S").and_then(Object::as_name) else {
                    return;
                };
                let scope = d.get(b"A").ok().and_then(|a| {
                    let a = match a {
                        Object::Reference(id) => doc.get_object(*id).ok()?,
                        other => other,
                    };
                    let dicts: Vec<&lopdf::Dictionary> = match a {
                        Object::Dictionary(d) => vec![d],
                        Object::Array(v) => v.iter().filter_map(|x| x.as_dict().ok()).collect(),
                        _ => vec![],
                    };
                    dicts.iter().find_map(|d| {
                        d.get(b"Scope")
                            .ok()?
                            .as_name()
                            .ok()
                            .map(|n| String::from_utf8_lossy(n).into_owned())
                    })
                });
                out.push((depth, String::from_utf8_lossy(role).into_owned(), scope));
                if let Ok(k) = d.get(b"K") {
                    walk(doc, k, depth + 1, out);
                }
            }
            _ => {}
        }
    }
    let catalog = pdf.doc.catalog().unwrap();
    let root = catalog.get(b"StructTreeRoot").expect("a structure tree");
    let root = match root {
        Object::Reference(id) => pdf.doc.get_object(*id).unwrap(),
        other => other,
    };
    let mut out = Vec::new();
    walk(
        &pdf.doc,
        root.as_dict().unwrap().get(b"K").unwrap(),
        0,
        &mut out,
    );
    out
}
