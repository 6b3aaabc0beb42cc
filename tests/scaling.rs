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

/// Bytes asked for and the most held at once while `briefing` is built.
fn cost(briefing: &Path) -> (usize, usize) {
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
    let pages = built.expect("builds");
    assert!(pages >= 1);
    (
        ASKED.load(Ordering::SeqCst) - asked,
        MOST_HELD.load(Ordering::SeqCst) - held,
    )
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
const BASE_VALUES: usize = 2_000;

#[test]
fn cost_grows_in_proportion_to_the_input() {
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
