//! Flows poured into frames: the engine's state, and the order its parts
//! run in (repeated runs, fixed frames, running heads).

mod atomic;
mod collect;
mod contents;
mod distribute;
mod finish;
mod footnotes;
mod overset;
mod remember;
mod table;

use std::collections::BTreeMap;

use crate::document::{Document, PageRun, SourceRef, Span};
use crate::error::{Result, Warning, WarningKind};
use crate::layout::font::{Gap, Shaper};
use crate::layout::pages::{Artifact, Item, LinkTarget, Mark, Page, Pages, Placed, source_of};
use crate::layout::paragraph::{Paragraph, ParagraphMemo, Pos};
use crate::picture::Picture;
use contents::{PlacedEntry, contains_contents};
use distribute::Supply;
pub(in crate::layout) use remember::PourMemo;
use remember::{FixedFrames, first_pass_remembered};

/// The most pages one document may have.
pub const MAX_PAGES: usize = 2000;

/// Lays out a document. `name` names the briefing in messages.
/// `shaper` and `memo` hold what the worker remembers of documents before.
pub(in crate::layout) fn layout(
    doc: &Document,
    images: &BTreeMap<String, Picture>,
    name: &str,
    shaper: &Shaper,
    memo: FlowMemo,
) -> Result<Pages> {
    crate::layout::ahead::with_paragraphs_set_ahead(doc, shaper, memo.paragraphs, || {
        lay_out_passes(doc, images, name, shaper, memo)
    })
}

/// The passes of [`layout`]: as many as the contents' page numbers need.
fn lay_out_passes(
    doc: &Document,
    images: &BTreeMap<String, Picture>,
    name: &str,
    shaper: &Shaper,
    memo: FlowMemo,
) -> Result<Pages> {
    let remember = remember::remember_pours(doc, images, name, shaper, memo.pours);
    let run = |known: &BTreeMap<String, usize>| {
        let mut engine = Engine::new(doc, images, shaper, memo, known, name);
        engine.remember = remember;
        engine.run()
    };
    let mut known = BTreeMap::new();
    let has_contents = doc.flows.values().flatten().any(contains_contents);
    // Contents need the page of every heading: lay out once to learn them,
    // then set the numbers in place, or, where a wider number would move a
    // title, lay out again with them.
    let mut passes = 2;
    let first = if remember && has_contents {
        first_pass_remembered(doc, memo.pours)
    } else {
        None
    };
    let (mut pages, mut entries) = match first {
        // Made, the first pass's pages would give way to the next pass's.
        Some(found) => {
            known = found;
            passes -= 1;
            run(&known)?
        }
        None => run(&known)?,
    };
    if has_contents {
        for _ in 0..passes {
            let found: BTreeMap<String, usize> = pages
                .anchors
                .iter()
                .map(|(a, (p, _))| (a.clone(), p + 1))
                .collect();
            if found == known {
                break;
            }
            known = found;
            // Where no title breaks otherwise beside its new number, the
            // next pass would make the same pages but for the numbers.
            let renumbered = Engine::new(doc, images, shaper, memo, &known, name)
                .renumber(&mut pages, &mut entries);
            if renumbered {
                break;
            }
            // The pass before is let go first: a long pack never holds
            // two passes' pages at once.
            drop(std::mem::take(&mut pages));
            (pages, entries) = run(&known)?;
        }
    }
    // Once no pass will look up its items by place any more.
    for page in &mut pages.pages {
        page.backgrounds_first();
    }
    // On the pages kept, whichever pass (or remembered pour) met them.
    let warnings = missing_warnings(name, &shaper.missing.borrow(), &pages);
    pages.warnings.extend(warnings);
    let dead = dead_links(name, &pages);
    pages.warnings.extend(dead);
    Ok(pages)
}

/// One warning for each place a link goes (`#id`) that nothing on the
/// pages has: the PDF cannot make the link, and a reader who clicks finds
/// nothing, so the writer is told where the link was written.
fn dead_links(name: &str, pages: &Pages) -> Vec<Warning> {
    let mut told = std::collections::BTreeSet::new();
    let links = pages.pages.iter().flat_map(|page| &page.links);
    links
        .filter_map(|link| match &link.target {
            LinkTarget::Anchor(anchor) if !pages.anchors.contains_key(&**anchor) => {
                told.insert(&**anchor).then_some((anchor, link.mark))
            }
            _ => None,
        })
        .map(|(anchor, mark)| {
            // The paragraph's line, and the link as a section writes it: the
            // build finds it in the file from that line on (see
            // `locate_in_section`).
            let written = source_of(&pages.structure, mark).map(|s| crate::error::Location {
                source_line: Some(format!("#{}", anchor.strip_prefix("sec-").unwrap_or(anchor)).into()),
                ..s.location()
            });
            Warning::new(
                WarningKind::DeadLink,
                format!(
                    "{name}: the link to `#{anchor}` goes nowhere: nothing in the document has the id `{anchor}`, so its text is printed without a link"
                ),
            )
            .help(match anchor.strip_prefix("sec-") {
                Some(id) => format!(
                    "a link to the section `{id}` needs its heading to be written `<h1 id=\"sec-{{{{id}}}}\">` in the template, as the built-in templates do"
                ),
                None => format!("give the heading or paragraph it goes to `id=\"{anchor}\"`, or check the link's spelling"),
            })
            .at_some(written)
        })
        .collect()
}

/// The outline's headings by where they are placed, (page, y) in order:
/// a paragraph's heading is the last placed before it.
fn headings_placed(pages: &Pages) -> Vec<((usize, f32), &str)> {
    let mut placed: Vec<((usize, f32), &str)> = (pages.outline.iter())
        .filter_map(|entry| Some((*pages.anchors.get(&entry.anchor)?, entry.title.as_str())))
        .collect();
    placed.sort_by(|a, b| {
        (a.0.0, a.0.1)
            .partial_cmp(&(b.0.0, b.0.1))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    placed
}

/// The heading above `placed`, on page `page`: the last outline entry
/// placed before it.
fn heading_above<'a>(
    headings: &[((usize, f32), &'a str)],
    (page, placed): (usize, &Placed),
) -> Option<&'a str> {
    let Item::Text(run) = &placed.item else {
        return None;
    };
    let before = headings.partition_point(|&((p, at), _)| p < page || (p == page && at <= run.y));
    before.checked_sub(1).map(|i| headings[i].1)
}

/// One warning for each paragraph with characters no face of the book has,
/// naming them all, and the heading it is under.
fn missing_warnings(
    name: &str,
    gaps: &std::collections::BTreeSet<Gap>,
    pages: &Pages,
) -> Vec<Warning> {
    let mut by_paragraph: Vec<(&str, Vec<char>)> = Vec::new();
    for gap in gaps {
        match by_paragraph.last_mut() {
            Some((p, chars)) if *p == gap.paragraph => chars.push(gap.c),
            _ => by_paragraph.push((&gap.paragraph, vec![gap.c])),
        }
    }
    // Found in one pass over the pages, not one for each paragraph: 8,000
    // paragraphs each with a character of its own missing took seconds.
    let firsts: std::collections::HashSet<char> = by_paragraph.iter().map(|(_, c)| c[0]).collect();
    let showing = runs_showing(pages, &firsts);
    let headings = headings_placed(pages);
    by_paragraph
        .into_iter()
        .map(|(paragraph, chars)| {
            let listed: Vec<String> = chars
                .iter()
                .map(|c| format!("“{c}” (U+{:04X})", *c as u32))
                .collect();
            let (them, box_) = if chars.len() == 1 {
                ("it prints as an empty box", "character")
            } else {
                ("they print as empty boxes", "characters")
            };
            let shown = first_showing(&showing, paragraph, chars[0]);
            let under = (shown.and_then(|at| heading_above(&headings, at)))
                .map(|h| format!(" under “{h}”"))
                .unwrap_or_default();
            // The paragraph's first line, and the character as its text: the
            // build, which knows the project, finds it in the section file
            // from that line on (see `locate_in_section`).
            let place = shown
                .and_then(|(_, placed)| source_of(&pages.structure, placed.mark))
                .map(|s| crate::error::Location {
                    source_line: Some(chars[0].to_string().into()),
                    ..s.location()
                });
            Warning::new(
                WarningKind::MissingGlyph,
                format!(
                    "{name}: the paragraph “{paragraph}”{under} has the {box_} {} that no font has; {them}",
                    listed.join(", "),
                ),
            )
            .help(format!(
                "add a font that has {} to fonts/ and name it under `fallback:` in the theme (docs/fonts.md)",
                if chars.len() == 1 { "it" } else { "them" },
            ))
            .at_some(place)
        })
        .collect()
}

/// The text runs that show each of `chars`, with their pages, in page
/// order.
fn runs_showing<'a>(
    pages: &'a Pages,
    chars: &std::collections::HashSet<char>,
) -> std::collections::HashMap<char, Vec<(usize, &'a Placed)>> {
    let mut showing: std::collections::HashMap<char, Vec<(usize, &Placed)>> = Default::default();
    for (p, page) in pages.pages.iter().enumerate() {
        for placed in &page.items {
            let Item::Text(run) = &placed.item else {
                continue;
            };
            for c in run.text.chars().filter(|c| chars.contains(c)) {
                let runs = showing.entry(c).or_default();
                if !runs
                    .last()
                    .is_some_and(|(_, last)| std::ptr::eq(*last, placed))
                {
                    runs.push((p, placed));
                }
            }
        }
    }
    showing
}

/// The first line on the pages that shows `c` (and the paragraph's first
/// word, where a line has both), with its page: where the paragraph
/// beginning `opening` is set.
fn first_showing<'a>(
    showing: &std::collections::HashMap<char, Vec<(usize, &'a Placed)>>,
    opening: &str,
    c: char,
) -> Option<(usize, &'a Placed)> {
    let first_word = opening.split_whitespace().next().unwrap_or_default();
    let runs = showing.get(&c)?;
    let has_word = |(_, placed): &&(usize, &Placed)| matches!(&placed.item, Item::Text(run) if run.text.contains(first_word));
    runs.iter().find(has_word).or(runs.first()).copied()
}

/// The parts of a worker's memo that pouring flows reads and adds to.
#[derive(Clone, Copy)]
pub(in crate::layout) struct FlowMemo<'a> {
    pub paragraphs: &'a ParagraphMemo,
    pub pours: &'a PourMemo,
}

pub(super) struct Engine<'a> {
    doc: &'a Document,
    images: &'a BTreeMap<String, Picture>,
    shaper: &'a Shaper,
    /// The paragraphs set before, by this worker.
    paragraphs: &'a ParagraphMemo,
    /// The pours of repeated runs made before, by this worker.
    pours: &'a PourMemo,
    known: &'a BTreeMap<String, usize>,
    name: &'a str,
    out: Pages,
    notes: BTreeMap<usize, Vec<Span>>,
    note_count: usize,
    auto_anchor: usize,
    last_heading: String,
    /// The master of each page made so far.
    page_masters: Vec<usize>,
    /// The most pages this document may have.
    max_pages: usize,
    /// The Note element of each footnote, by number.
    note_marks: BTreeMap<usize, Mark>,
    /// The footnotes set last, by number: a note is measured for every
    /// line its mark may end, then set, and perhaps continued overleaf; the
    /// memo may not keep it (past its bound, in a long document).
    notes_set: std::collections::VecDeque<(usize, Paragraph)>,
    /// Footnote text that did not fit under its mark and goes on at the foot
    /// of the next frame: note numbers and where their text resumes.
    carry: std::collections::VecDeque<(usize, Pos)>,
    /// Whether the repeated runs' pour may come from, and go to, `pours`.
    remember: bool,
    /// The section file and line of the block being collected: the
    /// elements made for it carry it.
    block_source: Option<SourceRef>,
    /// The markup line and byte of the block being collected, for the same.
    block_markup: (usize, usize),
    /// The contents entries placed so far, for their numbers to be set
    /// again once the pass has found the pages.
    entries: Vec<PlacedEntry>,
}

impl<'a> Engine<'a> {
    pub(super) fn new(
        doc: &'a Document,
        images: &'a BTreeMap<String, Picture>,
        shaper: &'a Shaper,
        memo: FlowMemo<'a>,
        known: &'a BTreeMap<String, usize>,
        name: &'a str,
    ) -> Engine<'a> {
        Engine {
            doc,
            images,
            shaper,
            paragraphs: memo.paragraphs,
            pours: memo.pours,
            known,
            name,
            out: Pages {
                title: doc.title.clone(),
                lang: doc.lang.clone(),
                author: doc.author.clone(),
                subject: doc.subject.clone(),
                keywords: doc.keywords.clone(),
                ..Pages::default()
            },
            notes: BTreeMap::new(),
            note_count: 0,
            auto_anchor: 0,
            last_heading: String::new(),
            page_masters: Vec::new(),
            max_pages: MAX_PAGES,
            note_marks: BTreeMap::new(),
            notes_set: std::collections::VecDeque::new(),
            carry: std::collections::VecDeque::new(),
            remember: false,
            block_source: None,
            block_markup: (0, 0),
            entries: Vec::new(),
        }
    }

    /// A pass: the pages, and the contents entries on them.
    fn run(mut self) -> Result<(Pages, Vec<PlacedEntry>)> {
        let fixed = match self.remembered_pour() {
            Some(fixed) => fixed,
            None => {
                // What this pour meets, apart from what earlier passes met:
                // a remembered pour must name it again.
                let earlier = self.shaper.missing.take();
                let poured = self.pour_repeated();
                if let Ok(fixed) = &poured {
                    self.remember_pour(fixed);
                }
                self.shaper.missing.borrow_mut().extend(earlier);
                poured?
            }
        };
        for (flow, mut frames) in fixed {
            frames.sort_by_key(|(_, f)| f.order);
            // Flattened as the frames take it, as a repeated run's flow is:
            // text far beyond the frames is never all set at once.
            let mut pending = self.prepare_flow_lazily(&flow);
            let mut supply = Supply::Fixed { frames, next: 0 };
            self.pour(&mut Vec::new(), &mut pending, &mut supply, &flow)?;
            self.unreached_backgrounds(&supply);
        }
        self.running_heads()?;
        Ok((self.out, self.entries))
    }

    /// Makes the pages in document order. A repeated run is poured as soon
    /// as it is reached; fixed frames are filled later, once every page
    /// exists, because a flow may link frames on several pages: they are
    /// returned by flow.
    pub(super) fn pour_repeated(&mut self) -> Result<FixedFrames> {
        let mut fixed: FixedFrames = Vec::new();
        for run in &self.doc.runs {
            match run {
                PageRun::Fixed { master, frames } => {
                    // A template's loop may write `<page>` a million times:
                    // the limit holds for its pages as for a flow's.
                    if self.page_masters.len() >= self.max_pages {
                        return Err(self.too_many_fixed_pages());
                    }
                    let page = self.new_page(*master);
                    for f in frames {
                        match fixed.iter_mut().find(|(flow, _)| *flow == f.flow) {
                            Some((_, list)) => list.push((page, f.clone())),
                            None => fixed.push((f.flow.clone(), vec![(page, f.clone())])),
                        }
                    }
                }
                PageRun::Repeat { master, flow } => {
                    let mut pending = self.prepare_flow_lazily(flow);
                    let mut supply = Supply::Repeat {
                        master: *master,
                        column: 0,
                        page: None,
                    };
                    self.pour(&mut Vec::new(), &mut pending, &mut supply, flow)?;
                }
            }
        }
        Ok(fixed)
    }

    pub(super) fn new_page(&mut self, master: usize) -> usize {
        let m = &self.doc.masters[master];
        let mut page = Page {
            width: m.width,
            height: m.height,
            bleed: m.bleed,
            folds: m.folds.clone(),
            ..Page::default()
        };
        if let Some(bg) = m.background {
            page.items.push(Placed {
                mark: Mark::Artifact(Artifact::Background),
                item: Item::Rect {
                    x: 0.0,
                    y: 0.0,
                    width: m.width,
                    height: m.height,
                    fill: Some(bg),
                    stroke: None,
                },
            });
        }
        self.out.pages.push(page);
        self.page_masters.push(master);
        self.out.pages.len() - 1
    }

    pub(super) fn push(&mut self, page: usize, mark: Mark, item: Item) {
        self.out.pages[page].items.push(Placed { mark, item });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::LayoutMemo;
    use crate::layout::tests::doc_of;
    use overset::COUNTED_LINES;

    #[test]
    fn a_remembered_pour_gives_the_pages_a_fresh_one_does() {
        // Two copies of a pack: the cover, footer and title differ.
        let copy = |name: &str| {
            let body = "<p>Kazakhstan has an appalling human rights record.<footnote>Amnesty.</footnote></p>".repeat(12);
            let markup = format!(
                r#"<document title="For {name}"><master name="m" size="A6" margin="10mm"><footer><p>{name} · <page-number/></p></footer></master><page master="m"><frame name="c" flow="cover" x="10mm" y="10mm" width="80mm" height="40mm"/></page><pages master="m" flow="main"/><flow name="cover"><p>{name}</p></flow><flow name="main"><contents/><page-break/><h1 id="a">One</h1>{body}<h1 id="b">Two</h1>{body}</flow></document>"#
            );
            doc_of(&markup)
        };
        let memo = LayoutMemo::new();
        let hyphenation = crate::layout::font::Hyphenation::default();
        let lay_out_with = |doc: &Document, memo: &LayoutMemo| {
            let pages = crate::layout::layout(
                doc,
                &BTreeMap::new(),
                "t",
                &hyphenation,
                &crate::layout::FontBook::bundled(),
                memo,
            );
            format!("{pages:?}")
        };
        let lay_out = |doc: &Document| lay_out_with(doc, &memo);
        // A cover too long for its frame fails in either pass.
        let long = "Bob Smith, and all the delegation ".repeat(40);
        let (ana, bob, overset) = (copy("Ana Ruiz"), copy("Bob Smith"), copy(&long));
        // A new memo remembers nothing.
        let fresh = [&bob, &overset].map(|doc| lay_out_with(doc, &LayoutMemo::new()));
        assert!(fresh[1].contains("overset"), "{}", fresh[1]);
        lay_out(&ana);
        let passes = memo.pours().passes();
        // The second pass only set the contents' numbers again (see
        // `Engine::renumber`): the first is the one remembered.
        assert_eq!(passes, 1, "the pack's pass is remembered");
        assert_eq!(lay_out(&bob), fresh[0]);
        assert_eq!(lay_out(&overset), fresh[1]);
    }

    /// `markup` laid out by a fresh engine that makes at most `max_pages`
    /// pages: whether it was, or why not.
    fn lay_out_fresh(markup: &str, max_pages: usize) -> crate::error::Result<()> {
        let doc = doc_of(markup);
        let (shaper, known, images) = (Shaper::new(), BTreeMap::new(), BTreeMap::new());
        let (paragraphs, pours) = Default::default();
        let memo = FlowMemo {
            paragraphs: &paragraphs,
            pours: &pours,
        };
        let mut engine = Engine::new(&doc, &images, &shaper, memo, &known, "t");
        engine.max_pages = max_pages;
        engine.run().map(|_| ())
    }

    #[test]
    fn a_runaway_flow_stops_at_the_page_limit() {
        let filler = "<p>Kazakhstan has an appalling human rights record and the state controls the media.</p>".repeat(200);
        let markup = format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f">{filler}</flow></document>"#
        );
        let Err(err) = lay_out_fresh(&markup, 12) else {
            panic!("a runaway flow was laid out")
        };
        assert!(
            err.message.contains("would make more than 12 pages"),
            "{}",
            err.message
        );
        assert_eq!(MAX_PAGES, 2000);
        // A template that writes `<page>` over and over stops there too,
        // and so do fixed pages before a flow's.
        for runs in [
            r#"<page master="m"><frame name="x" flow="f"/></page>"#.repeat(13),
            format!(
                r#"{}<pages master="m" flow="f"/>"#,
                r#"<page master="m"/>"#.repeat(10)
            ),
        ] {
            let markup = format!(
                r#"<document><master name="m" size="A6" margin="10mm"/>{runs}<flow name="f">{filler}</flow></document>"#
            );
            let Err(err) = lay_out_fresh(&markup, 12) else {
                panic!("more pages than the limit were made")
            };
            assert!(
                err.message.contains("more than 12 pages"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn text_far_beyond_a_fixed_frame_is_counted_up_to_a_bound() {
        let overset = |paragraphs: usize| {
            let text = "<p>Free them.</p>".repeat(paragraphs);
            let markup = format!(
                r#"<document><master name="m" size="A6" margin="10mm"/><page master="m"><frame name="x" flow="f" x="10mm" y="10mm" width="80mm" height="30mm"/></page><flow name="f">{text}</flow></document>"#
            );
            match lay_out_fresh(&markup, MAX_PAGES) {
                Err(e) => e.message,
                Ok(()) => panic!("{paragraphs} paragraphs fitted a 30 mm frame"),
            }
        };
        // A few lines over: told exactly.
        let few = overset(12);
        assert!(
            few.contains("overset: ") && !few.contains("more than"),
            "{few}"
        );
        let told: usize = few
            .split("overset: ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {few}"));
        assert!((1..12).contains(&told), "{few}");
        // Thousands of paragraphs over: not all set to be counted.
        let many = overset(20 * COUNTED_LINES);
        assert!(
            many.contains(&format!("overset: more than {COUNTED_LINES} lines"))
                && !many.contains(&format!("{} lines", 20 * COUNTED_LINES)),
            "{many}"
        );
    }

    #[test]
    fn a_link_to_an_id_nothing_has_is_told_once() {
        let markup = r##"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f"><h1 id="sec-one">One</h1><p>See <a href="#sec-one">one</a>, <a href="#sec-two">two</a> and <a href="#sec-two">two again</a>.</p></flow></document>"##;
        let pages = crate::layout::tests::lay(markup);
        let dead: Vec<&Warning> = (pages.warnings.iter())
            .filter(|w| w.kind == WarningKind::DeadLink)
            .collect();
        assert_eq!(dead.len(), 1, "{dead:?}");
        assert!(
            dead[0].message.contains("`#sec-two` goes nowhere"),
            "{dead:?}"
        );
        assert!(
            dead[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("id=\"sec-{{id}}\""),
            "{dead:?}"
        );
    }

    #[test]
    fn every_coloured_frame_is_painted_under_the_text() {
        // `story` ends in its first frame; `band`, empty, lies under it and
        // is filled after it.
        let markup = r##"<document><master name="m" size="A6" margin="10mm"/><page master="m"><frame name="one" flow="story" x="10mm" y="10mm" width="80mm" height="40mm" background="tint"/><frame name="two" flow="story" x="10mm" y="60mm" width="80mm" height="40mm" background="shade"/><frame name="band" flow="band" x="0mm" y="0mm" width="105mm" height="60mm" background="accent"/></page><flow name="story"><p>Free the prisoners.</p></flow><flow name="band"/></document>"##;
        let pages = crate::layout::tests::lay(markup);
        let items = &pages.pages[0].items;
        let fill_at = |y_mm: f32| {
            items.iter().position(|p| {
                matches!(p.item, Item::Rect { y, fill: Some(_), .. } if (y - y_mm * 72.0 / 25.4).abs() < 0.1)
            })
        };
        let text = items
            .iter()
            .position(|p| matches!(&p.item, Item::Text(r) if r.text.contains("Free")));
        let (one, two, band, text) = (fill_at(10.0), fill_at(60.0), fill_at(0.0), text.unwrap());
        assert!(
            two.is_some(),
            "the frame the text never reached is painted too: {items:?}"
        );
        for fill in [one, two, band] {
            assert!(
                fill.is_some_and(|f| f < text),
                "every fill under the text: {items:?}"
            );
        }
        // In the order made: the band, filled last, over the frames' fills.
        assert!(one < band && two < band, "{items:?}");
    }

    #[test]
    fn a_line_whose_notes_cannot_begin_on_its_page_says_so() {
        // 60 notes of one line each cannot be split, nor all start on an A6 page.
        let notes = "<footnote>Amnesty International, 2013.</footnote>".repeat(60);
        let markup = format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f"><p>Claims{notes}</p></flow></document>"#
        );
        let Err(err) = lay_out_fresh(&markup, MAX_PAGES) else {
            panic!("60 notes on one line were laid out")
        };
        // Not "a line … is 4 mm tall and the frame holds 128 mm".
        assert!(
            err.message
                .contains("a line with 60 footnotes does not fit")
                && err.message.contains("the line and its notes need"),
            "{}",
            err.message
        );
        assert!(err.help.unwrap().contains("spread the marks"));
        // A few long notes go on overleaf, split.
        let notes = format!(
            "<footnote>{}</footnote>",
            "Amnesty International, 2013. ".repeat(40)
        )
        .repeat(4);
        let markup = markup.replace(
            &"<footnote>Amnesty International, 2013.</footnote>".repeat(60),
            &notes,
        );
        assert!(lay_out_fresh(&markup, MAX_PAGES).is_ok());
    }

    #[test]
    fn a_qr_code_taller_than_its_frame_is_called_what_it_is() {
        let markup = r#"<document><master name="m" size="A4" margin="10mm"/><page master="m"><frame name="f" flow="f" x="10mm" y="10mm" width="120mm" height="30mm"/></page><flow name="f"><qr data="https://example.org" size="100mm"/></flow></document>"#;
        let Err(err) = lay_out_fresh(markup, MAX_PAGES) else {
            panic!("a QR code taller than its frame was laid out")
        };
        assert!(err.message.contains("a QR code is"), "{}", err.message);
    }

    #[test]
    fn a_header_or_footer_taller_than_its_margin_is_refused() {
        // Refused, not run off the page; one that fits is set.
        let words = "Haldane Society of Socialist Lawyers ".repeat(60);
        for (furniture, fits) in [
            (format!("<header><p>{words}</p></header>"), false),
            (format!("<footer><p>{words}</p></footer>"), false),
            (
                "<header><p>Kazakhstan</p></header><footer><p>Page <page-number/></p></footer>"
                    .to_string(),
                true,
            ),
        ] {
            let markup = format!(
                r#"<document><master name="m" size="A6" margin="15mm">{furniture}</master><pages master="m" flow="f"/><flow name="f"><p>Text</p></flow></document>"#
            );
            match lay_out_fresh(&markup, MAX_PAGES) {
                Ok(()) => assert!(fits, "{furniture}"),
                Err(e) => {
                    assert!(!fits, "{}", e.message);
                    assert!(
                        e.message.contains("of page design `m` is")
                            && e.message.contains("runs off page 1"),
                        "{}",
                        e.message
                    );
                }
            }
        }
    }
}
