//! Work and memory that grow in proportion to the input: a section four
//! times as long, or a template loop over four times as many values, may
//! cost about four times as much, never sixteen.
//!
//! Measured by counting, not by the clock: this test binary's allocator
//! counts every byte handbill asks for (the work done, near enough, since
//! setting lines and pages allocates as it goes) and the most it held at
//! once (its memory). The counts are the same on every run; the ratios
//! allowed are generous, and what grew with the square before (a pasted
//! book set page by page) gave ratios of ten and more.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;

struct Counting;

static ASKED: AtomicUsize = AtomicUsize::new(0);
static HELD: AtomicUsize = AtomicUsize::new(0);
static MOST_HELD: AtomicUsize = AtomicUsize::new(0);

fn hold(more: usize) {
    ASKED.fetch_add(more, Ordering::Relaxed);
    let now = HELD.fetch_add(more, Ordering::Relaxed) + more;
    MOST_HELD.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        hold(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            hold(new_size - layout.size());
        } else {
            HELD.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The counts are the whole process's: one test counts at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Bytes asked for and the most held at once while `briefing` is built.
fn cost(briefing: &Path) -> (usize, usize) {
    let (cost, built) = counted(briefing);
    assert!(built.expect("builds") >= 1);
    cost
}

/// What [`cost`] counts, and the pages built or why not.
fn counted(briefing: &Path) -> ((usize, usize), handbill::Result<usize>) {
    let asked = ASKED.load(Ordering::SeqCst);
    MOST_HELD.store(HELD.load(Ordering::SeqCst), Ordering::SeqCst);
    let held = HELD.load(Ordering::SeqCst);
    // On a thread of its own, so what it keeps per thread goes with it.
    let briefing = briefing.to_path_buf();
    let built = std::thread::spawn(move || {
        handbill::Build::new(&briefing)
            .options(&handbill::BuildOptions::default())
            .pdf()
            .map(|b| b.pages)
    })
    .join()
    .expect("no panic");
    let cost = (
        ASKED.load(Ordering::SeqCst) - asked,
        MOST_HELD.load(Ordering::SeqCst) - held,
    );
    (cost, built)
}

/// A briefing pack of one section, `body`, by `template` (built in, or a
/// custom one written from its text), with `values.list` of `values` numbers.
fn pack(name: &str, body: &str, custom: Option<&str>, values: usize) -> std::path::PathBuf {
    let list = serde_json::to_string(&(0..values).collect::<Vec<_>>()).unwrap();
    one_section_pack(name, body, custom, &format!("values:\n  list: {list}\n"))
}

/// Pasted text: short lines of words, single line breaks, so one paragraph.
fn pasted(words: usize) -> String {
    let vocabulary = [
        "the",
        "state",
        "controls",
        "independent",
        "media",
        "and",
        "trade",
        "unions",
        "crushing",
        "dissent",
        "in",
        "poverty",
        "those",
        "who",
        "speak",
        "out",
    ];
    let mut text = String::new();
    for i in 0..words {
        text.push_str(vocabulary[(i * 7 + i / 13) % vocabulary.len()]);
        text.push(if i % 10 == 9 { '\n' } else { ' ' });
    }
    text
}

fn assert_linear(what: &str, small: (usize, usize), large: (usize, usize)) {
    let work = large.0 as f64 / small.0 as f64;
    let memory = large.1 as f64 / small.1 as f64;
    eprintln!("{what}: 4× the input, {work:.1}× the work, {memory:.1}× the memory");
    assert!(work < 6.0, "{what}: 4× the input took {work:.1}× the work");
    assert!(
        memory < 6.0,
        "{what}: 4× the input held {memory:.1}× the memory"
    );
}

const BASE_WORDS: usize = 6_000;
/// 900 values make 23 pages and four times as many 90: both builds under
/// the 100 pages from which krilla compresses each page as it is drawn
/// (`pdf::COMPRESSED_AS_DRAWN`), whose compressor's buffers, asked for
/// page by page, would count as more work for the larger one alone.
const BASE_VALUES: usize = 900;

#[test]
fn cost_grows_in_proportion_to_the_input() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Fonts, theme and patterns loaded once, before anything is counted.
    cost(&pack("scale-warm", "Text.", None, 0));
    // One paragraph of 6,000 words (eight pages), then four times as long.
    let small = cost(&pack("scale-text-1", &pasted(BASE_WORDS), None, 0));
    let large = cost(&pack("scale-text-4", &pasted(4 * BASE_WORDS), None, 0));
    assert_linear("one long paragraph", small, large);

    // A template loop writing a paragraph per value.
    let template = r#"<document title="Loop">
  <master name="a4" size="A4" margin="15mm"/>
  <pages master="a4" flow="main"/>
  <flow name="main">{{#each values.list}}<p>Value {{this}}.</p>{{/each}}</flow>
</document>
"#;
    let small = cost(&pack("scale-loop-1", "Text.", Some(template), BASE_VALUES));
    let large = cost(&pack(
        "scale-loop-4",
        "Text.",
        Some(template),
        4 * BASE_VALUES,
    ));
    assert_linear("a template loop", small, large);
}

/// A template line of its own markup writing many blocks: each block's
/// place in the template is kept for messages, the line's text once, not
/// once per block (which held 470 MB for a line of 7,500 paragraphs).
#[test]
fn a_template_line_of_many_blocks_costs_in_proportion() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    cost(&pack("scale-warm", "Text.", None, 0));
    // Spaces of no height: the blocks take no room, so the pages are few.
    let template = |blocks: usize| {
        format!(
            r#"<document title="Line">
  <master name="a4" size="A4" margin="15mm"/>
  <pages master="a4" flow="main"/>
  <flow name="main">
    <p>Text.</p>{}
  </flow>
</document>
"#,
            r#"<space height="0mm"/>"#.repeat(blocks)
        )
    };
    let small = cost(&pack("scale-line-1", "Text.", Some(&template(750)), 0));
    let large = cost(&pack("scale-line-4", "Text.", Some(&template(3000)), 0));
    assert_linear("a template line of many blocks", small, large);
}

/// Lists a briefing writes on one line, as YAML's `[…]` allows: each
/// entry's place held a copy of the line (16,000 section ids held 3.6 GB,
/// 5,000 recipients 390 MB, 8,000 sections let through by `allow:`
/// 1.1 GB). The last two briefings are refused after the lists are read.
#[test]
fn lists_on_one_line_of_a_briefing_cost_in_proportion() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    cost(&pack("scale-warm", "Text.", None, 0));
    // A section picked thousands of times.
    let picks = |name: &str, n: usize| {
        let briefing = one_section_pack(name, "Text.", None, "");
        let list = vec!["overview"; n].join(", ");
        std::fs::write(
            &briefing,
            format!("profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [{list}]\n"),
        )
        .unwrap();
        briefing
    };
    let small = cost(&picks("scale-picks-1", 2_000));
    let large = cost(&picks("scale-picks-4", 8_000));
    assert_linear("a list of section ids on one line", small, large);
    // Recipients, the first named again at the end.
    let recipients = |name: &str, n: usize| {
        let list: Vec<String> = (0..n)
            .chain([0])
            .map(|i| format!("{{name: R{i}}}"))
            .collect();
        one_section_pack(
            name,
            "Text.",
            None,
            &format!("recipients: [{}]\n", list.join(", ")),
        )
    };
    let refused = |briefing: std::path::PathBuf| {
        let (cost, built) = counted(&briefing);
        assert!(built.is_err(), "{briefing:?} is refused");
        cost
    };
    let small = refused(recipients("scale-recipients-1", 1_000));
    let large = refused(recipients("scale-recipients-4", 4_000));
    assert_linear("recipients on one line", small, large);
    // Confidential sections let into a public briefing by `allow:`, which
    // then wants a Russian translation of each.
    let allowed = |name: &str, n: usize| {
        let briefing = one_section_pack(name, "Text.", None, "");
        let dir = briefing.parent().unwrap().join("profiles/kazakhstan");
        for i in 0..n {
            let text = format!("---\nid: s{i}\ntitle: S\naudience: confidential\n---\nText.\n");
            std::fs::write(dir.join(format!("9{i:05}-s{i}.md")), text).unwrap();
        }
        let list: Vec<String> = (0..n).map(|i| format!("{{section: s{i}}}")).collect();
        std::fs::write(
            &briefing,
            format!(
                "profile: kazakhstan\ntemplate: briefing-pack\naudience: public\nsections: all\nlang: ru\ntranslations: required\nallow: [{}]\n",
                list.join(", ")
            ),
        )
        .unwrap();
        briefing
    };
    let small = refused(allowed("scale-allowed-1", 250));
    let large = refused(allowed("scale-allowed-4", 1_000));
    assert_linear("sections allowed on one line", small, large);
}

/// A link over many words to a long address: each word held a copy of
/// the address, and so did the paragraph's memo key, its shaped text and
/// each link box on the pages (a 29 KB section of 1,000 words linking to a
/// 25 KB address held 472 MB). The layout now holds it once for them all;
/// the PDF still writes it into each link box, as it must.
#[test]
fn a_long_link_is_laid_out_holding_its_address_once() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    cost(&pack("scale-warm", "Text.", None, 0));
    const WORDS: usize = 1_000;
    // As long as a link may be (`link::MAX_LEN`).
    const ADDRESS: usize = 2_000;
    let held = |name: &str, address: usize| {
        let body = format!(
            "[{}](https://example.org/{})\n",
            "*a* ".repeat(WORDS),
            "a".repeat(address)
        );
        let briefing = pack(name, &body, None, 0);
        std::thread::spawn(move || {
            let before = HELD.load(Ordering::SeqCst);
            MOST_HELD.store(before, Ordering::SeqCst);
            let laid = handbill::Build::new(&briefing).lay_out().expect("lays out");
            let most = MOST_HELD.load(Ordering::SeqCst) - before;
            drop(laid);
            most
        })
        .join()
        .unwrap()
    };
    let short = held("scale-link-short", 1);
    let long = held("scale-link-long", ADDRESS);
    let copies = long.saturating_sub(short) / ADDRESS;
    eprintln!("laying out a link of {WORDS} words held its address {copies} times");
    assert!(
        copies < 10,
        "laying out a link of {WORDS} words held its address {copies} times: does each word copy it again?"
    );
}

/// A pack over the sample profile's sections repeated `times` times (each
/// later copy with ids of its own), as benches/compare.sh makes its long
/// packs.
fn repeated_pack(times: usize) -> std::path::PathBuf {
    let dir = project(&format!("scale-repeat-{times}"));
    let sample = dir.join("briefings/profiles/kazakhstan");
    let repeat = dir.join("briefings/profiles/repeat");
    std::fs::create_dir_all(&repeat).unwrap();
    std::fs::copy(sample.join("profile.yaml"), repeat.join("profile.yaml")).unwrap();
    let mut sections: Vec<_> = std::fs::read_dir(&sample)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    sections.sort();
    for copy in 1..=times {
        for section in &sections {
            let text = std::fs::read_to_string(section).unwrap();
            let mut renamed = String::new();
            let mut done = false;
            for line in text.lines() {
                match line.strip_prefix("id: ") {
                    // The first copy keeps its ids: the cross-references
                    // in the sections go to it.
                    Some(id) if !done && copy > 1 => {
                        renamed.push_str(&format!("id: {id}-r{copy}\n"));
                        done = true;
                    }
                    _ => renamed.push_str(&format!("{line}\n")),
                }
            }
            let name = section.file_name().unwrap().to_string_lossy();
            std::fs::write(repeat.join(format!("{copy:04}-{name}")), renamed).unwrap();
        }
    }
    let pack =
        std::fs::read_to_string(repo().join("briefings/legal-delegation-pack.yaml")).unwrap();
    assert!(pack.contains("\nprofile: kazakhstan\n"));
    let briefing = dir.join("briefings/repeat.yaml");
    std::fs::write(
        &briefing,
        pack.replace("\nprofile: kazakhstan\n", "\nprofile: repeat\n"),
    )
    .unwrap();
    briefing
}

/// The most the PDF stage may hold for each page of a long pack: between
/// the 175 KB it holds now and the 215 KB it holds keeping every page (220
/// and 260 KB before glyphs were handed on in whole thousandths of an em,
/// which shortened the text arrays krilla holds; 237 and 289 KB before the
/// PDF/X step left unread the dictionaries it copies as they are; 357 KB
/// kept before the pages shared their lines' glyphs).
const PDF_STAGE_BYTES_A_PAGE: usize = 195_000;

#[test]
fn a_long_pack_holds_little_per_page() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    cost(&pack("scale-warm-pack", "Text.", None, 0));
    let pages = |times| {
        handbill::Build::new(repeated_pack(times))
            .lay_out()
            .expect("lays out")
            .pages
            .pages
            .len()
    };
    let (short, long) = (2, 10);
    let (short_pages, long_pages) = (pages(short), pages(long));
    assert!(
        long_pages > short_pages + 10,
        "{short_pages} → {long_pages} pages"
    );
    // The PDF stage's peak, the laid-out pages it is handed counted in:
    // written with `keep` they are held to the end, as every build did
    // before; by `write_owned`, each page goes once drawn.
    let pdf_stage_of = |times, keep: bool, compressed_from: Option<usize>| {
        let briefing = repeated_pack(times);
        std::thread::spawn(move || {
            let before = HELD.load(Ordering::SeqCst);
            let laid = handbill::Build::new(&briefing).lay_out().expect("lays out");
            MOST_HELD.store(HELD.load(Ordering::SeqCst), Ordering::SeqCst);
            let mut options = handbill::BuildOptions::default().pdf;
            options.compressed_as_drawn_from = compressed_from;
            let pdf = if keep {
                handbill::pdf::write(&laid.pages, &laid.pictures, &options)
            } else {
                handbill::pdf::write_owned(laid.pages, &laid.pictures, &options)
            };
            assert!(pdf.expect("writes").starts_with(b"%PDF-"));
            MOST_HELD.load(Ordering::SeqCst) - before
        })
        .join()
        .unwrap()
    };
    let pdf_stage = |times, keep: bool| pdf_stage_of(times, keep, None);
    let per_page =
        |keep| (pdf_stage(long, keep) - pdf_stage(short, keep)) / (long_pages - short_pages);
    let (kept, dropped) = (per_page(true), per_page(false));
    eprintln!("the PDF stage holds {kept} bytes a page keeping the pages, {dropped} dropping them");
    // Measured (8 and 31 pages): 214,887 bytes a page when every page is
    // kept to the end (the old build), 174,570 when each goes once drawn.
    assert!(
        dropped < PDF_STAGE_BYTES_A_PAGE,
        "the PDF stage held {dropped} bytes a page: are the laid-out pages kept to the end again?"
    );
    assert!(
        kept > PDF_STAGE_BYTES_A_PAGE,
        "the bound no longer tells the two apart: {kept}"
    );
    // A long document's contents compressed as each page is drawn (these
    // short packs made to take that path): krilla then holds a quarter of
    // the plain contents, and the file it finishes is smaller too.
    let compressed = (pdf_stage_of(long, false, Some(1)) - pdf_stage_of(short, false, Some(1)))
        / (long_pages - short_pages);
    eprintln!("compressed as drawn: {compressed} bytes a page");
    assert!(
        compressed < COMPRESSED_PDF_STAGE_BYTES_A_PAGE,
        "the PDF stage held {compressed} bytes a page compressing as it draws: are the page contents held plain again?"
    );
    let (_, short_held) = cost(&repeated_pack(short));
    let (_, long_held) = cost(&repeated_pack(long));
    let per_page = (long_held.saturating_sub(short_held)) / (long_pages - short_pages);
    eprintln!(
        "{short_pages} pages held {short_held} bytes, {long_pages} pages {long_held}: {per_page} bytes a page"
    );
    // The layout alone, and the pages it leaves, with a memo of 1 MB: a
    // long pack's memo is past its bound (16 MB counted) long before its
    // end, and these short packs stand for that part of it.
    let laid = |times| {
        let briefing = repeated_pack(times);
        std::thread::spawn(move || {
            let before = HELD.load(Ordering::SeqCst);
            MOST_HELD.store(before, Ordering::SeqCst);
            let memo = handbill::layout::LayoutMemo::with_bound(1 << 20);
            let laid = handbill::Build::new(&briefing)
                .memo(&memo)
                .lay_out()
                .expect("lays out");
            drop(memo);
            let left = HELD.load(Ordering::SeqCst) - before;
            let most = MOST_HELD.load(Ordering::SeqCst) - before;
            drop(laid);
            (most, left)
        })
        .join()
        .unwrap()
    };
    let (short_most, short_left) = laid(short);
    let (long_most, long_left) = laid(long);
    let (most, left) = (
        (long_most - short_most) / (long_pages - short_pages),
        (long_left - short_left) / (long_pages - short_pages),
    );
    eprintln!(
        "the layout holds at most {most} bytes a page, and leaves pages of {left} bytes a page"
    );
    // Measured (8 and 31 pages): 862,849 bytes a page when every pass's
    // paragraphs, set lines and pages were held to the end; 240,336 when
    // each page held a copy of its lines' glyphs; 190,644 when the memo did
    // not count the lines its paragraphs set; 149,301 now.
    assert!(
        most < LAYOUT_BYTES_A_PAGE,
        "the layout held {most} bytes a page: are a pass's pages, or every paragraph set, held to the end again?"
    );
    assert!(left < most, "{left} bytes a page left, {most} at most");
    // The pages share their glyphs with the lines they were set in: 69,100
    // bytes a page left (62,708 while the memo kept lines past its bound,
    // 75,205 with 32-byte glyphs), against 129,734 when each placed line
    // was a copy.
    assert!(
        left < PAGES_BYTES_A_PAGE,
        "the pages left {left} bytes a page: does each placed line copy its glyphs again?"
    );
}

/// The most the PDF stage may hold for each page of a long document, whose
/// page contents krilla compresses as it draws them
/// (`pdf::COMPRESSED_AS_DRAWN`): above the 64 KB it holds, below the 237 KB
/// it holds with them plain.
const COMPRESSED_PDF_STAGE_BYTES_A_PAGE: usize = 120_000;

/// The most the laid-out pages of a long pack may hold for each page: above
/// the 69 KB they hold, below the 130 KB they held copying their glyphs.
const PAGES_BYTES_A_PAGE: usize = 100_000;

/// The most the layout may hold for each page of a long pack, the pages it
/// returns counted in: above the 149 KB it holds; below the 191 KB it held
/// when the memo kept the lines its paragraphs set past its bound, the 343
/// KB it held if each paragraph poured is kept to the end of the pour, and
/// the 369 KB if a pass's pages are kept while the next is laid out; far
/// below the 862 KB it held with both and every paragraph kept in the memo.
const LAYOUT_BYTES_A_PAGE: usize = 175_000;

/// A print PDF of at least `pdf::COMPRESSED_AS_DRAWN` pages has its page
/// contents compressed by krilla as each page is drawn, not by the PDF/X
/// step at the end: the file must be just as valid and as readable.
#[test]
fn a_long_print_pdf_is_compressed_as_drawn_and_stays_pdf_x() {
    let template = r#"<document title="Long">
  <master name="a6" size="A6" margin="10mm"><footer><p>Page <page-number/> of <page-count/></p></footer></master>
  <pages master="a6" flow="main"/>
  <flow name="main">{{#each values.list}}<p>Value {{this}}.</p><page-break/>{{/each}}<p>The end.</p></flow>
</document>
"#;
    let pages = handbill::pdf::COMPRESSED_AS_DRAWN + 5;
    let briefing = pack("long-print", "Text.", Some(template), pages - 1);
    let dir = briefing.parent().unwrap().parent().unwrap();
    let out = handbill(dir, &["build", "briefings/b.yaml", "--out", "out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.join("out/b.pdf");
    let pdf = Pdf::open(&path);
    assert_eq!(pdf.page_count(), pages);
    for (number, id) in pdf.doc.get_pages() {
        for content in pdf.doc.get_page_contents(id) {
            let stream = pdf.doc.get_object(content).unwrap().as_stream().unwrap();
            let filter = stream.dict.get(b"Filter").and_then(|f| f.as_name());
            assert_eq!(filter.ok(), Some(&b"FlateDecode"[..]), "page {number}");
            // zlib's header names the level: krilla's 6 (0x9C) as drawn,
            // where the PDF/X step's level 1 writes 0x01.
            assert_eq!(stream.content[..2], [0x78, 0x9C], "page {number}");
        }
    }
    let catalog = pdf.doc.catalog().unwrap();
    assert!(catalog.has(b"OutputIntents"), "still PDF/X");
    qpdf_check(&path);
    let last = layout_text(&path, pages);
    assert!(last.contains("The end."), "{last}");
    assert!(last.contains(&format!("Page {pages} of {pages}")), "{last}");
}

/// What a batch of leaflets held: the most at once while it was built, and
/// what was still held once it had ended (what the process keeps for the
/// documents after it).
struct Held {
    most: usize,
    after: isize,
}

/// A batch of `count` copies of the sample leaflet, each its own briefing
/// file whose headline has a letter of its own (from `first_letter` on), so
/// that each PDF has a font subset of its own; built on one thread.
fn batch_of_leaflets(count: usize, first_letter: u32) -> Held {
    let dir = project(&format!("scale-batch-{count}-{first_letter:x}"));
    let leaflet = std::fs::read_to_string(repo().join("briefings/london-protest-leaflet.yaml"))
        .expect("the sample leaflet");
    let files: Vec<std::path::PathBuf> = (0..count)
        .map(|i| {
            let file = dir.join(format!("briefings/leaflet-{i}.yaml"));
            let letter = char::from_u32(first_letter + i as u32).expect("a letter");
            let own = leaflet.replacen("headline: \"", &format!("headline: \"{letter} "), 1);
            assert_ne!(own, leaflet, "each leaflet has a headline of its own");
            std::fs::write(&file, own).unwrap();
            file
        })
        .collect();
    let jobs = handbill::batch::jobs(&files);
    let batch = handbill::batch::Batch {
        out: dir.join("out"),
        options: handbill::BuildOptions::default(),
        jobs: 1,
        force: true,
        dry_run: false,
        process_ends_after: false,
    };
    let held = HELD.load(Ordering::SeqCst);
    MOST_HELD.store(held, Ordering::SeqCst);
    let outcomes = handbill::batch::run(&jobs, &batch, &|_, _, _| {});
    let most = MOST_HELD.load(Ordering::SeqCst) - held;
    assert_eq!(outcomes.len(), count);
    for outcome in &outcomes {
        assert!(
            matches!(outcome, handbill::batch::Outcome::Built { .. }),
            "{outcome:?}"
        );
    }
    drop(outcomes);
    let after = HELD.load(Ordering::SeqCst) as isize - held as isize;
    Held { most, after }
}

/// A batch holds the briefings it is building, not every briefing's
/// document and pictures until it ends: 400 leaflets in one build held
/// 235 MB before, 32 MB after.
#[test]
fn a_batch_of_many_briefings_holds_each_only_while_it_is_built() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let few = batch_of_leaflets(2, 0x100).most;
    let many = batch_of_leaflets(12, 0x102).most;
    eprintln!("2 leaflets: {few} bytes held at most; 12: {many}");
    assert!(
        (many as f64) < few as f64 * 1.5,
        "12 leaflets held {many} bytes at most, 2 held {few}"
    );
}

/// What krilla remembers from one document for the next (font subsets,
/// compressed streams) is let go once the last few documents have not used
/// it: once a batch of 12 leaflets has filled what is kept, 36 more, each
/// with a letter of its own, leave no more held than before them.
#[test]
fn the_font_subsets_kept_for_the_next_document_are_bounded() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // More than the documents anything is kept for: after these, what is
    // kept is these leaflets' (what tests before left is let go).
    batch_of_leaflets(12, 0x110);
    let more = batch_of_leaflets(36, 0x130).after;
    eprintln!("36 more leaflets left {more} bytes more held");
    // Kept for every document, each leaflet's own subsets are some 18 KB:
    // the 36 left 665 KB more held; let go, 76 bytes.
    assert!(
        more < 166_000,
        "36 leaflets with letters of their own left {more} bytes more held"
    );
}

/// krilla remembers each page's compressed contents too (its memo, for
/// the next document): a long document ages that memo as it draws, so what
/// it leaves held is the last few stretches of pages, not every page.
#[test]
fn a_long_document_leaves_krilla_remembering_its_last_pages_only() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let briefing = repeated_pack(30);
    // What is still held once the PDF is written and dropped, with the
    // memo aged every `every` pages (8 agings keep an entry).
    let left_after = |every: usize| {
        let briefing = briefing.clone();
        std::thread::spawn(move || {
            let before = HELD.load(Ordering::SeqCst);
            let laid = handbill::Build::new(&briefing).lay_out().expect("lays out");
            let pages = laid.pages.pages.len();
            let mut options = handbill::BuildOptions::default().pdf;
            // Compressed as drawn: the path of a long document, whose
            // pages' compressed contents krilla remembers.
            options.compressed_as_drawn_from = Some(1);
            options.pages_aging_the_memo = Some(every);
            let pdf = handbill::pdf::write_owned(laid.pages, &laid.pictures, &options);
            assert!(pdf.expect("writes").starts_with(b"%PDF-"));
            drop(laid.pictures);
            (
                pages,
                HELD.load(Ordering::SeqCst) as isize - before as isize,
            )
        })
        .join()
        .unwrap()
    };
    // Each from an empty memo (the same document would find its pages in
    // it), after one build for what the first build of a process sets up.
    left_after(usize::MAX);
    comemo::evict(0);
    let (pages, all) = left_after(usize::MAX);
    comemo::evict(0);
    let (_, aged) = left_after(1);
    eprintln!("{pages} pages: {all} bytes left remembered never aged, {aged} aged every page");
    // Measured: 88 pages, 558 KB left never aged, 138 KB aged every page
    // (some 5 KB a page; what is left aged is eight pages and the fonts,
    // their subsets and compressed programs, some 80 KB whatever the
    // length).
    assert!(pages > 72, "{pages} pages");
    assert!(
        aged * 3 < all,
        "aged every page, {aged} bytes were left remembered; never aged, {all}"
    );
}

/// The briefing's last copy lets go of the template's data once its markup
/// is made, instead of holding it (and a copy of it) while it is laid out.
#[test]
fn the_last_copy_lets_go_of_the_template_data_before_its_layout() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let briefing = repeated_pack(10);
    let most_held = |last: bool| {
        let briefing = briefing.clone();
        std::thread::spawn(move || {
            let prepared = handbill::Prepared::read(&briefing).expect("reads");
            let before = HELD.load(Ordering::SeqCst);
            MOST_HELD.store(before, Ordering::SeqCst);
            let mut build = handbill::Build::of(&prepared);
            if last {
                build = build.last_copy();
            }
            let laid = build.lay_out().expect("lays out");
            assert!(laid.pages.pages.len() > 24);
            let most = MOST_HELD.load(Ordering::SeqCst) - before;
            if last {
                // Nothing is left to make another copy's markup from.
                let again = handbill::Build::of(&prepared).lay_out();
                let Err(e) = again else {
                    panic!("a copy was built after the last")
                };
                assert!(e.message.contains("let go"), "{}", e.message);
            }
            most
        })
        .join()
        .unwrap()
    };
    most_held(false);
    let (kept, let_go) = (most_held(false), most_held(true));
    eprintln!("laying out held at most {kept} bytes keeping the data, {let_go} letting it go");
    // Measured (31 pages): 8.61 MB held at most keeping the data, 8.41 MB
    // letting it go (the data and the copy of it rendered, some 100 KB each).
    assert!(
        let_go + kept / 100 < kept,
        "the last copy held {let_go} bytes at most, a copy before it {kept}"
    );
}
