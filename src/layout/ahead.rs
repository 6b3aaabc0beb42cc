//! Paragraphs set ahead on the idle core. While a document is laid out,
//! the build's thread shapes, breaks and sets every paragraph as the pour
//! reaches it, and the second core has nothing to do. A helper, on the
//! thread pool's free thread, sets paragraphs ahead of the pour the way
//! the pour would (`Paragraph::preset`), their lines at the width of the
//! frame being filled, and shapes a table's cells (their widths are the
//! table's to find): in a long document just ahead of the pour, in a
//! shorter one its second half from the start, while the pour sets the
//! first, and then the first half's rest just ahead of the pour. While it
//! waits for the pour, it sets the footnotes they cite.
//! The pour, meeting a paragraph or a note its memo has not kept, takes
//! the helper's under the same key. Equal keys set
//! equal paragraphs, so the pages are the same whichever thread set them;
//! what the helper guesses wrong (a frame of another width, a note
//! numbered otherwise, a paragraph the pour reached first) is only work
//! thrown away.

use crate::document::{Block, BlockKind, Document, Span, SpanContent, Table};
use crate::layout::font::Shaper;
use crate::layout::key::ParagraphKey;
use crate::layout::paragraph::{LONG, Paragraph, ParagraphMemo, Preset, Presets};
use crate::theme::Style;

/// How many paragraphs the helper sets ahead of the pour at most: the
/// paragraphs set and not yet taken stay a few pages' worth.
const AHEAD: usize = 48;

/// How far ahead of the pour the helper starts again when the pour has
/// caught up with it.
const LEAD: usize = 2;

/// How many paragraphs past the one that cites a footnote the pour may
/// have reached before it sets the note: notes are set as the lines that
/// cite them are placed, after the paragraphs that follow (a list's
/// items, say) are read.
const NOTES_LAG: usize = 8;

/// A paragraph of the document as the pour will set it, or a table whose
/// notes it will set, in the order the pour meets them.
struct Job<'a> {
    text: Text<'a>,
    /// The notes numbered before it: the pour numbers them as it meets
    /// them, in the order of the document.
    notes_before: usize,
}

enum Text<'a> {
    /// A paragraph or heading, and how far in from the frame's edge.
    Paragraph {
        spans: &'a [Span],
        style: &'a Style,
        indent: f32,
    },
    /// A table: its cells are shaped ahead, and set into lines where it
    /// is placed, in widths of their own.
    Table(&'a Table),
}

impl<'a> Job<'a> {
    /// The paragraph's spans: none for a table.
    fn spans(&self) -> &'a [Span] {
        match self.text {
            Text::Paragraph { spans, .. } => spans,
            Text::Table(_) => &[],
        }
    }

    /// Its texts: a paragraph's, or a table's cells' in the order the
    /// pour sets them, with their styles.
    fn styled(&self) -> Box<dyn Iterator<Item = (&'a [Span], &'a Style)> + 'a> {
        match self.text {
            Text::Paragraph { spans, style, .. } => Box::new(std::iter::once((spans, style))),
            Text::Table(table) => Box::new(
                (table.head.iter().chain(&table.body))
                    .flat_map(|row| &row.cells)
                    .map(|cell| (&cell.spans[..], &*cell.style)),
            ),
        }
    }

    fn texts(&self) -> impl Iterator<Item = &'a [Span]> {
        self.styled().map(|(spans, _)| spans)
    }

    /// The texts of the notes it cites, in order.
    fn notes(&self) -> impl Iterator<Item = &'a [Span]> {
        self.texts().flat_map(cited)
    }
}

/// The texts of the notes `spans` cite, in order.
fn cited(spans: &[Span]) -> impl Iterator<Item = &[Span]> {
    spans.iter().filter_map(|span| match &span.content {
        SpanContent::Footnote { note, .. } => Some(&note[..]),
        _ => None,
    })
}

/// The document's paragraphs, headings and tables in order, as the pour's
/// `flatten` meets them (lists and quotes opened, their indents added),
/// with the notes of everything before them counted.
fn jobs(doc: &Document) -> Vec<Job<'_>> {
    fn walk<'a>(blocks: &'a [Block], indent: f32, notes: &mut usize, out: &mut Vec<Job<'a>>) {
        for block in blocks {
            let style = &*block.style;
            let notes_before = *notes;
            match &block.kind {
                BlockKind::Paragraph(spans) | BlockKind::Heading { spans, .. } => {
                    let indent = indent + style.indent;
                    let text = Text::Paragraph {
                        spans,
                        style,
                        indent,
                    };
                    out.push(Job { text, notes_before });
                    *notes += cited(spans).count();
                }
                BlockKind::List { items, .. } => {
                    for item in items {
                        walk(item, indent + style.indent, notes, out);
                    }
                }
                BlockKind::Quote(children) => walk(children, indent + style.indent, notes, out),
                // Set where they are placed, in boxes of their own widths:
                // only their notes are counted.
                BlockKind::Boxed(children) => walk(children, f32::NAN, notes, &mut Vec::new()),
                BlockKind::Figure { caption, .. } => *notes += cited(caption).count(),
                BlockKind::Table(table) => {
                    let job = Job {
                        text: Text::Table(table),
                        notes_before,
                    };
                    *notes += job.notes().count();
                    out.push(job);
                }
                _ => {}
            }
        }
    }
    let (mut out, mut notes) = (Vec::new(), 0);
    for blocks in doc.flows.values() {
        walk(blocks, 0.0, &mut notes, &mut out);
    }
    out
}

/// The job in which the document's text reaches its half: where the
/// helper starts on a short document.
fn halfway(jobs: &[Job]) -> usize {
    let text = |job: &Job| -> usize {
        (job.texts().flatten())
            .map(|span| match &span.content {
                SpanContent::Text(text) => text.len(),
                _ => 0,
            })
            .sum()
    };
    let half = jobs.iter().map(text).sum::<usize>() / 2;
    let mut before = 0;
    jobs.iter()
        .position(|job| {
            before += text(job);
            before > half
        })
        .unwrap_or(0)
}

/// Runs `pour` with a helper setting `doc`'s paragraphs ahead on the
/// thread pool's free thread, unless the document is short; `memo` (the
/// pour's) hands them over while `pour` runs.
pub(super) fn with_paragraphs_set_ahead<T>(
    doc: &Document,
    shaper: &Shaper,
    memo: &ParagraphMemo,
    pour: impl FnOnce() -> T,
) -> T {
    memo.set_ahead.set(0);
    let jobs = jobs(doc);
    let paragraphs = (jobs.iter())
        .filter(|job| matches!(job.text, Text::Paragraph { .. }))
        .count();
    let plan = if paragraphs < memo.set_ahead_from {
        return pour();
    } else if paragraphs < LONG {
        // The pour sets the first half, the helper the second, which it
        // holds until the pour comes to it: under LONG paragraphs.
        Plan {
            start: halfway(&jobs),
            ahead: usize::MAX,
        }
    } else {
        Plan {
            start: 0,
            ahead: AHEAD,
        }
    };
    let presets = std::sync::Arc::new(Presets::new(jobs.iter().map(Job::spans)));
    let (book, hyphenation) = (shaper.book.clone(), shaper.hyphenation.clone());
    rayon::in_place_scope(|scope| {
        let (jobs, helped) = (&jobs, &*presets);
        scope.spawn(move |_| {
            let mut shaper = Shaper::with_memo(Default::default(), book);
            shaper.hyphenation = hyphenation;
            set_ahead(jobs, helped, &shaper, plan);
        });
        // The helper stops as the pour ends, even by a panic (a batch
        // goes on with its other briefings): the scope waits for it.
        let _pouring = Pouring::start(memo, presets.clone());
        pour()
    })
}

/// The pour with a helper: when it ends, the helper stops and the memo
/// takes nothing more from it.
struct Pouring<'m> {
    memo: &'m ParagraphMemo,
    presets: std::sync::Arc<Presets>,
}

impl<'m> Pouring<'m> {
    fn start(memo: &'m ParagraphMemo, presets: std::sync::Arc<Presets>) -> Pouring<'m> {
        *memo.ahead.borrow_mut() = Some(presets.clone());
        Pouring { memo, presets }
    }
}

impl Drop for Pouring<'_> {
    fn drop(&mut self) {
        self.presets.stop();
        *self.memo.ahead.borrow_mut() = None;
        self.memo.set_ahead.set(self.presets.taken());
    }
}

/// Where the helper starts and how far ahead of the pour it may go.
struct Plan {
    /// The first job it sets (unless the pour is past it).
    start: usize,
    /// How many paragraphs past the pour it sets at most.
    ahead: usize,
}

/// The helper: sets the paragraphs ahead of the pour as `plan` says, and
/// then the notes they cite, until the pour ends.
fn set_ahead(jobs: &[Job], presets: &Presets, shaper: &Shaper, plan: Plan) {
    // Only the words' hyphenation points are kept here: each paragraph
    // is handed over whole.
    let memo = ParagraphMemo::default();
    let mut next = plan.start;
    // Where the paragraphs the helper sets end: the document's end, then,
    // for a document set from its second half, that half's start, as
    // the helper goes back to follow the pour through the first.
    let mut end = jobs.len();
    let mut gone_back = plan.start == 0;
    // What was set, oldest first, to let go of once the pour is past it:
    // paragraphs, and the notes they cite (later, as the pour sets them).
    let mut put = std::collections::VecDeque::new();
    let mut notes_put = std::collections::VecDeque::new();
    // The next job whose notes to set, when the paragraphs are set as
    // far ahead as they go.
    let mut notes_next = 0;
    while !presets.stopped() {
        // Lines are set at the width of the frames the pour fills, which
        // its first paragraph tells. A long document's helper waits for
        // it and the pour; a second half is started at once, its first
        // paragraphs shaped without lines (most of their cost).
        let (reached, width) = (presets.reached(), presets.width());
        let reached = match reached {
            Some(reached) if width.is_some() || plan.start > 0 => reached,
            None if plan.start > 0 => 0,
            _ => {
                std::thread::sleep(std::time::Duration::from_micros(50));
                continue;
            }
        };
        for put in [&mut put, &mut notes_put] {
            while let Some(&(job, hash)) = put.front()
                && job < reached
            {
                presets.drop_untaken(job, hash);
                put.pop_front();
            }
        }
        // Caught up with, or a pass started again: on from a little ahead
        // of the pour (it will most likely reach the paragraph after the
        // one it is at before the helper could be done with it).
        if next <= reached || next > (reached + LEAD).saturating_add(plan.ahead) {
            next = reached + LEAD;
        }
        if next >= end && !gone_back {
            // The second half set: back to just ahead of the pour.
            (gone_back, end, next) = (true, plan.start, reached + LEAD);
        } else if next >= end && end < jobs.len() {
            // Met the second half: every paragraph is set.
            (end, next) = (jobs.len(), jobs.len());
        }
        let Some(job) = jobs
            .get(next)
            .filter(|_| next < end && next <= reached.saturating_add(plan.ahead))
        else {
            // As far ahead as it goes: the notes of the paragraphs set,
            // which the pour sets as it places the lines that cite them.
            // The pour reads a block ahead of the lines it places.
            notes_next = notes_next.max(reached.saturating_sub(1));
            match (width, jobs.get(notes_next).filter(|_| notes_next < next)) {
                (Some(width), Some(job)) => {
                    let until = notes_next + NOTES_LAG;
                    for (hash, key, preset) in notes_set_ahead(job, shaper, &memo, width, presets) {
                        presets.put(until, hash, key, preset);
                        notes_put.push_back((until, hash));
                    }
                    notes_next += 1;
                }
                _ => std::thread::sleep(std::time::Duration::from_micros(50)),
            }
            continue;
        };
        next += 1;
        for (hash, key, preset) in set_job(job, shaper, &memo, width, presets) {
            presets.put(next - 1, hash, key, preset);
            put.push_back((next - 1, hash));
        }
    }
}

/// `job` set the way the pour will set it, where the pour's memo does not
/// keep it: a paragraph with its lines at the frame's width (`width`,
/// once known), a table's cells shaped only, their widths being the
/// table's to find.
fn set_job<'a>(
    job: &'a Job,
    shaper: &'a Shaper,
    memo: &'a ParagraphMemo,
    width: Option<f32>,
    presets: &'a Presets,
) -> impl Iterator<Item = (u64, ParagraphKey<'static>, Preset)> + 'a {
    let measure = match job.text {
        Text::Paragraph { indent, .. } => width.map(|width| width - indent),
        Text::Table(_) => None,
    };
    // The pour numbers a cell's notes on from those of the cells before.
    let mut notes_before = job.notes_before;
    job.styled().filter_map(move |(spans, style)| {
        let next_note = notes_before;
        notes_before += cited(spans).count();
        Paragraph::preset(spans, style, shaper, memo, next_note, measure, |hash| {
            !presets.is_kept(hash)
        })
    })
}

/// The footnotes `job` cites, numbered on from those before it, set in
/// the frame's width (`width`) where the pour's memo does not keep them.
fn notes_set_ahead<'a>(
    job: &'a Job,
    shaper: &'a Shaper,
    memo: &'a ParagraphMemo,
    width: f32,
    presets: &'a Presets,
) -> impl Iterator<Item = (u64, ParagraphKey<'static>, Preset)> + 'a {
    (job.notes_before + 1..)
        .zip(job.notes())
        .filter_map(move |(n, note)| {
            Paragraph::preset_note(n, note, shaper, memo, width, |hash| !presets.is_kept(hash))
        })
}

#[cfg(test)]
mod tests {
    use crate::document::Document;
    use crate::layout::LayoutMemo;
    use crate::layout::tests::doc_of;
    use std::collections::BTreeMap;

    /// A pack's worth of what the pour sets: headings, justified text with
    /// notes, lists, a quote, a table and a box with notes of their own
    /// (numbered in between), on pages with running heads and contents.
    fn long_document(sections: usize) -> Document {
        let mut body = String::new();
        for i in 0..sections {
            body.push_str(&format!(
                r#"<h1 id="s{i}">Section {i}</h1>
<p>Kazakhstan has an appalling human rights record in section {i}.<footnote>Amnesty International, report {i}.</footnote> Journalists, lawyers and activists remain under pressure, and the courts seldom hear them.</p>
<p>The authorities detained {i} peaceful protesters, who were later released without charge; their lawyers were not told where they were held.</p>
<ul><li>free assembly, {i}</li><li>a fair trial<footnote>Article 14, ICCPR.</footnote></li></ul>
<quote><p>We will not be silenced, said witness {i}.</p></quote>
"#
            ));
            if i % 10 == 3 {
                body.push_str(r#"<table><thead><tr><th>Court</th><th>Case</th></tr></thead><tr><td>Taraz<footnote>Court records.</footnote></td><td>Reinvestigation</td></tr></table><box><p>Urgent action: write to the prosecutor.<footnote>Template letter.</footnote></p></box>"#);
            }
        }
        doc_of(&format!(
            r#"<document title="t"><master name="m" size="A6" margin="10mm"><footer><p>Page <page-number/> of <page-count/></p></footer></master><pages master="m" flow="main"/><flow name="main"><contents/><page-break/>{body}</flow></document>"#
        ))
    }

    fn lay(doc: &Document, memo: &LayoutMemo) -> String {
        let pages = crate::layout::layout(
            doc,
            &BTreeMap::new(),
            "t",
            &crate::layout::font::Hyphenation::default(),
            &crate::layout::FontBook::bundled(),
            memo,
        );
        format!("{:?}", pages.unwrap())
    }

    /// A document of one A5 flow holding `body`.
    fn one_flow(body: &str) -> Document {
        doc_of(&format!(
            r#"<document title="t"><master name="m" size="A5" margin="10mm"/><pages master="m" flow="main"/><flow name="main">{body}</flow></document>"#
        ))
    }

    /// How much the helper sets depends on when the second core is free:
    /// lays `doc` out with `memo`s, each time asserting the pages the pour
    /// gives alone, until more than `enough` were set ahead (20 tries at
    /// most). Returns the most that were.
    fn most_set_ahead(doc: &Document, memo: fn() -> LayoutMemo, enough: usize) -> usize {
        let pages = lay(doc, &LayoutMemo::new().setting_ahead_from(usize::MAX));
        let mut most = 0;
        for _ in 0..20 {
            let memo = memo();
            assert_eq!(lay(doc, &memo), pages);
            most = most.max(memo.paragraphs_set_ahead());
            if most > enough {
                break;
            }
        }
        most
    }

    #[test]
    fn paragraphs_set_ahead_give_the_pages_the_pour_gives_alone() {
        let doc = long_document(60);
        let alone = LayoutMemo::new().setting_ahead_from(usize::MAX);
        lay(&doc, &alone);
        assert_eq!(alone.paragraphs_set_ahead(), 0);
        let most = most_set_ahead(&doc, || LayoutMemo::new().setting_ahead_from(0), 10);
        assert!(most > 10, "only {most} paragraphs were set ahead");
        // So is it with a worker's own memo; a short document is laid
        // out by the pour alone.
        assert!(most_set_ahead(&doc, LayoutMemo::new, 10) > 10);
        let memo = LayoutMemo::new();
        lay(&long_document(3), &memo);
        assert_eq!(memo.paragraphs_set_ahead(), 0);
    }

    #[test]
    fn the_second_half_of_a_shorter_document_set_ahead_gives_the_same_pages() {
        // 180 paragraphs and headings: fewer than LONG, more than SHORT.
        let most = most_set_ahead(&long_document(30), LayoutMemo::new, 10);
        assert!(most > 10, "only {most} paragraphs were set ahead");
    }

    #[test]
    fn a_table_s_cells_are_shaped_ahead_and_give_the_same_pages() {
        // 30 paragraphs (more than SHORT), then a table with more text than
        // all of them: the helper starts at the table.
        let mut body = String::new();
        for i in 0..30 {
            body.push_str(&format!("<p>Paragraph {i}.</p>"));
        }
        body.push_str("<table><thead><tr><th>Date</th><th>Event</th></tr></thead>");
        for i in 0..60 {
            body.push_str(&format!(
                "<tr><td>{i} May</td><td>Protesters detained at the court, case {i}.</td></tr>"
            ));
        }
        body.push_str("</table>");
        // More than the paragraphs could be (the cells cite no notes):
        // cells were taken.
        let most = most_set_ahead(&one_flow(&body), LayoutMemo::new, 40);
        assert!(most > 40, "only {most} paragraphs and cells were set ahead");
    }

    #[test]
    fn the_helper_goes_back_to_the_first_half_once_the_second_is_set() {
        // 60 paragraphs alike, the first 30 each followed by a box the pour
        // sets itself (no job of the helper's, no text it counts): the
        // second half is set long before the pour reaches it.
        let boxed =
            "The courts seldom hear them, and their lawyers are not told where they are held. "
                .repeat(6);
        let mut body = String::new();
        for i in 0..60 {
            body.push_str(&format!(
                "<p>Paragraph {i} of the briefing, the same length as the others.</p>"
            ));
            if i < 30 {
                body.push_str(&format!("<box><p>{boxed}</p><p>{i}: {boxed}</p></box>"));
            }
        }
        // More than the second half's 30: some of the first half's.
        let most = most_set_ahead(&one_flow(&body), LayoutMemo::new, 32);
        assert!(most > 32, "only {most} paragraphs were set ahead");
    }

    #[test]
    fn a_pour_that_panics_stops_its_helper() {
        let doc = long_document(60);
        let layout_memo = LayoutMemo::new().setting_ahead_from(0);
        let memo = layout_memo.paragraphs();
        let shaper = crate::layout::font::Shaper::new();
        // Left running, the helper would keep the scope (and the build)
        // waiting for ever; this thread runs it if no other does.
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::with_paragraphs_set_ahead(&doc, &shaper, memo, || {
                assert!(memo.ahead.borrow().is_some(), "the pour has a helper");
                panic!("the pour failed")
            })
        }));
        assert!(caught.is_err());
        assert!(memo.ahead.borrow().is_none(), "the memo has let it go");
    }
}
