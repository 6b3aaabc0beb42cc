//! Stage 6, layout: the document tree becomes pages of positioned glyph
//! runs, images, rules and links.
//!
//! Flows are poured into frames in order: the columns of pages made from a
//! master until the flow is empty (briefing packs), or the fixed frames of
//! single pages (leaflets). Content left over after a flow's last fixed frame
//! is **overset**: `flow/overset.rs` is where that check lives and what it
//! tells the user.
//!
//! By concept (docs/architecture.md has the whole map):
//! - `pages`: what the layout gives, pages of positioned items;
//! - `font`, `paragraph`, `linebreak`: shaping and setting a paragraph;
//! - `flow`: pouring flows into frames, in files by concept: `collect`
//!   (blocks flattened), `distribute` (frames and what fits), `footnotes`,
//!   `atomic` (blocks never split, keeps), `contents`, `finish` (running
//!   heads), `overset` (what did not fit), `remember` (the remembered pour).

mod ahead;
pub mod breaks;
mod flow;
pub mod font;
pub mod font_book;
mod key;
pub mod linebreak;
mod memo;
pub mod pages;
pub mod paragraph;
pub mod table;
mod words;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::document::Document;
use crate::error::Result;
use crate::picture::Picture;
use flow::FlowMemo;
pub use flow::MAX_PAGES;
pub use font_book::FontBook;
pub use memo::LayoutMemo;
pub use pages::*;

/// Lays out a document. `name` names the briefing in messages; `memo` is
/// what the worker laying it out remembers of the documents before (and
/// keeps of this one for those after), under its bound.
pub fn layout(
    doc: &Document,
    images: &BTreeMap<String, Picture>,
    name: &str,
    hyphenation: &font::Hyphenation,
    fonts: &Arc<FontBook>,
    memo: &LayoutMemo,
) -> Result<Pages> {
    memo.start_document();
    let mut shaper = font::Shaper::with_memo(memo.shapes(), fonts.clone());
    shaper.hyphenation = hyphenation.clone();
    let flow_memo = FlowMemo {
        paragraphs: memo.paragraphs(),
        pours: memo.pours(),
    };
    let mut pages = flow::layout(doc, images, name, &shaper, flow_memo)?;
    pages.fonts = Some(fonts.clone());
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::{MarkupSource, parse};
    use crate::theme::Theme;
    use std::collections::BTreeMap;
    use std::path::Path;

    pub(super) fn doc_of(markup: &str) -> Document {
        parse(
            &MarkupSource {
                template: Path::new("t.hbs"),
                template_text: "",
                text: markup,
            },
            &Theme::builtin(),
        )
        .unwrap()
    }

    pub(super) fn lay(markup: &str) -> Pages {
        lay_or_fail(markup).unwrap()
    }

    /// `markup` laid out by a fresh memo with the bundled fonts.
    fn lay_or_fail(markup: &str) -> crate::error::Result<Pages> {
        layout(
            &doc_of(markup),
            &BTreeMap::new(),
            "t",
            &font::Hyphenation::default(),
            &FontBook::bundled(),
            &LayoutMemo::new(),
        )
    }

    /// The page each piece of text is on.
    fn page_of(pages: &Pages, needle: &str) -> usize {
        pages
            .pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|i| matches!(&i.item, Item::Text(r) if r.text.contains(needle)))
            })
            .unwrap_or_else(|| panic!("`{needle}` is on no page"))
    }

    /// The mark of the first run showing `needle`.
    fn mark_of(pages: &Pages, needle: &str) -> Mark {
        pages
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .find(|i| matches!(&i.item, Item::Text(r) if r.text.contains(needle)))
            .unwrap_or_else(|| panic!("`{needle}` is on no page"))
            .mark
    }

    fn role_of(pages: &Pages, mark: Mark) -> (&Role, Option<usize>) {
        let Mark::Element(e) = mark else {
            panic!("an artifact: {mark:?}")
        };
        let element = &pages.structure[e];
        (&element.role, element.parent)
    }

    #[test]
    fn a_character_no_font_has_is_reported_in_a_document_with_contents() {
        // The contents make the document be laid out again; the warning
        // must survive onto the pages kept.
        let doc = doc_of(
            r#"<document title="t"><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/><flow name="main"><contents/><h1 id="a">One</h1><p>Free them 中</p></flow></document>"#,
        );
        let memo = LayoutMemo::new();
        for i in 0..2 {
            // The second time, from a remembered pour.
            let hyphenation = font::Hyphenation::default();
            let pages = layout(
                &doc,
                &BTreeMap::new(),
                "t",
                &hyphenation,
                &FontBook::bundled(),
                &memo,
            )
            .unwrap();
            let warnings: Vec<_> = pages
                .warnings
                .iter()
                .filter(|w| w.message.contains("U+4E2D"))
                .collect();
            assert_eq!(warnings.len(), 1, "pass {i}: {:?}", pages.warnings);
            assert_eq!(warnings[0].kind, crate::error::WarningKind::MissingGlyph);
        }
    }

    #[test]
    fn list_items_are_labels_and_bodies_in_a_list() {
        let pages = lay(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
            <flow name="f"><h2>Demands</h2><ol><li>free Roza Tuletaeva</li><li>free Vadim Kuramshin</li></ol></flow></document>"#,
        );
        let heading = mark_of(&pages, "Demands");
        assert!(matches!(
            role_of(&pages, heading).0,
            Role::Heading { level: 2, title } if title == "Demands"
        ));
        let (role, body) = role_of(&pages, mark_of(&pages, "free Roza"));
        assert_eq!(*role, Role::Paragraph);
        let body = body.unwrap();
        assert_eq!(pages.structure[body].role, Role::ListBody);
        let item = pages.structure[body].parent.unwrap();
        assert_eq!(pages.structure[item].role, Role::ListItem);
        let list = pages.structure[item].parent.unwrap();
        assert_eq!(pages.structure[list].role, Role::List { ordered: true });
        // The number is the item's label.
        let (role, parent) = role_of(&pages, mark_of(&pages, "1."));
        assert_eq!((role, parent), (&Role::Label, Some(item)));
    }

    #[test]
    fn a_paragraph_across_pages_is_one_element_and_running_heads_are_artifacts() {
        let long =
            "Kazakhstan has an appalling human rights record and the state controls the media. "
                .repeat(60);
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"><header><p>Running head</p></header></master><pages master="m" flow="f"/>
            <flow name="f"><p>{long}</p></flow></document>"#
        ));
        assert!(pages.pages.len() > 1);
        let marks: Vec<Mark> = pages
            .pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .find(|i| matches!(&i.item, Item::Text(r) if r.text.contains("Kazakhstan")))
                    .unwrap()
                    .mark
            })
            .collect();
        assert!(marks.iter().all(|m| *m == marks[0]), "{marks:?}");
        assert_eq!(role_of(&pages, marks[0]).0, &Role::Paragraph);
        assert_eq!(
            mark_of(&pages, "Running head"),
            Mark::Artifact(Artifact::Header)
        );
        // Measuring and running heads leave no elements behind: a flow and
        // its paragraph.
        assert_eq!(pages.structure.len(), 2, "{:?}", pages.structure);
    }

    #[test]
    fn a_short_list_is_not_split_across_pages() {
        // Wherever the page break falls, the list moves whole.
        for n in 8..18 {
            let filler = "<p>Kazakhstan has an appalling human rights record and the state controls the media.</p>".repeat(n);
            let pages = lay(&format!(
                r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
                <flow name="f">{filler}<ul><li>first demand</li><li>second demand</li><li>third demand</li></ul></flow></document>"#
            ));
            let first = page_of(&pages, "first demand");
            assert_eq!(
                page_of(&pages, "second demand"),
                first,
                "with {n} paragraphs before it"
            );
            assert_eq!(
                page_of(&pages, "third demand"),
                first,
                "with {n} paragraphs before it"
            );
        }
    }

    #[test]
    fn a_heading_is_never_left_at_the_foot_of_a_page() {
        for n in 10..16 {
            let filler = "<p>Kazakhstan has an appalling human rights record and the state controls the media.</p>".repeat(n);
            let pages = lay(&format!(
                r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
                <flow name="f">{filler}<h1>The heading</h1><p>Its first paragraph, which is long enough to take two lines at least on this page.</p></flow></document>"#
            ));
            assert_eq!(
                page_of(&pages, "The heading"),
                page_of(&pages, "Its first"),
                "with {n} paragraphs before it"
            );
        }
    }

    /// A heading longer than a page (pasted text under a `#`) goes on
    /// over several frames: one entry in the outline, not one a frame,
    /// each of which carried the whole title into the PDF.
    #[test]
    fn a_heading_over_several_pages_is_one_outline_entry() {
        let title = "Kazakhstan's appalling human rights record ".repeat(60);
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/>
            <flow name="f"><h1 id="long">{title}</h1><p>Its paragraph.</p><h2 id="next">Next</h2></flow></document>"#
        ));
        assert!(pages.pages.len() > 2, "{} pages", pages.pages.len());
        let anchors: Vec<&str> = pages.outline.iter().map(|e| e.anchor.as_str()).collect();
        assert_eq!(anchors, ["long", "next"]);
        assert_eq!(pages.anchors["long"].0, 0, "the heading starts on page 1");
    }

    /// The words of each page, in the order they are placed, with their
    /// baselines and sizes.
    fn words_by_page(pages: &Pages) -> Vec<Vec<(String, f32, f32)>> {
        pages
            .pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|i| match &i.item {
                        Item::Text(r) => Some(r),
                        _ => None,
                    })
                    .flat_map(|r| {
                        r.text
                            .split_whitespace()
                            .map(|w| (w.to_string(), r.y, r.size))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_long_footnote_goes_on_at_the_foot_of_the_next_page() {
        // A note of about 60 lines on A6 pages, whose foot holds far fewer;
        // a second, short note a little later; then more text.
        let note: Vec<String> = (1..=600).map(|i| format!("nw{i:03}")).collect();
        let body = |from: usize, n: usize| -> String {
            (from..from + n).map(|i| format!("bw{i:04} ")).collect()
        };
        let mut flow = format!(
            "<p>{}</p><p>{}bwmark<footnote>{}</footnote> {}</p>",
            body(0, 40),
            body(100, 20),
            note.join(" "),
            body(200, 20)
        );
        for k in 0..20 {
            flow += &format!("<p>{}</p>", body(1000 + k * 40, 40));
            if k == 3 {
                flow += "<p>bwsecond<footnote>xa1 xa2 xa3</footnote> and more.</p>";
            }
        }
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f">{flow}</flow></document>"#
        ));
        let words = words_by_page(&pages);
        let page_with = |w: &str| {
            words
                .iter()
                .position(|p| p.iter().any(|(x, _, _)| x.starts_with(w)))
                .unwrap_or_else(|| panic!("`{w}` is on no page"))
        };
        let mark_page = page_with("bwmark");
        assert_eq!(
            page_with("nw001"),
            mark_page,
            "the note starts under its mark"
        );
        assert!(
            words[mark_page + 1]
                .iter()
                .any(|(w, _, _)| w.starts_with("nw")),
            "the note goes on on the next page"
        );
        // Every word of the notes once, in order: the long note's rest before
        // the later note.
        let in_notes: Vec<&str> = words
            .iter()
            .flatten()
            .map(|(w, _, _)| w.as_str())
            .filter(|w| w.starts_with("nw") || w.starts_with("xa"))
            .collect();
        let mut wanted: Vec<&str> = note.iter().map(String::as_str).collect();
        wanted.extend(["xa1", "xa2", "xa3"]);
        assert_eq!(in_notes, wanted);
        // Every word of the text once, too.
        let text = words
            .iter()
            .flatten()
            .filter(|(w, _, _)| w.starts_with("bw"))
            .count();
        assert_eq!(text, 40 + 20 + 1 + 20 + 20 * 40 + 1);
        // On every page the notes sit below the text.
        for (p, page) in words.iter().enumerate() {
            let text_foot = page
                .iter()
                .filter(|(w, _, _)| w.starts_with("bw"))
                .map(|(_, y, _)| *y)
                .fold(f32::MIN, f32::max);
            let notes_head = page
                .iter()
                .filter(|(w, _, _)| w.starts_with("nw") || w.starts_with("xa"))
                .map(|(_, y, size)| y - size)
                .fold(f32::MAX, f32::min);
            assert!(
                text_foot < notes_head,
                "page {}: text down to {text_foot}, notes from {notes_head}",
                p + 1
            );
        }
    }

    #[test]
    fn a_long_note_at_the_end_of_a_flow_makes_the_pages_it_needs() {
        let note: Vec<String> = (1..=900).map(|i| format!("nw{i:03}")).collect();
        let pages = lay(&format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f"><p>Only text<footnote>{}</footnote></p></flow></document>"#,
            note.join(" ")
        ));
        let words = words_by_page(&pages);
        let in_notes: Vec<&str> = words
            .iter()
            .flatten()
            .map(|(w, _, _)| w.as_str())
            .filter(|w| w.starts_with("nw"))
            .collect();
        assert_eq!(
            in_notes,
            note.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert!(pages.pages.len() >= 3, "{} pages", pages.pages.len());
    }

    #[test]
    fn overset_of_the_templates_own_text_names_the_template_not_a_section_after_it() {
        let markup = |own: &str| {
            format!(
                r#"<document><master name="m" size="A5" margin="11mm"/><page master="m"><frame name="f" flow="s" height="6mm"/></page>
<flow name="s">
<p>First words fill the frame.</p>
{own}
<p src="briefings/profiles/k/01-a.md:7">A section's paragraph, written after it.</p>
</flow></document>"#
            )
        };
        let overset = |own: &str| lay_or_fail(&markup(own)).unwrap_err();
        // The template's own paragraph is left over first: its markup line.
        let err = overset("<p>Come to the embassy on Saturday.</p>");
        let at = err.location.as_deref().unwrap();
        assert_eq!((at.file.to_str(), at.line), (Some("t.hbs"), 0), "{err}");
        assert!(
            err.message
                .ends_with("(line 4 of the markup that template t.hbs produced)"),
            "{err}"
        );
        // A section's paragraph left over first: its file and line.
        let err = overset("");
        let at = err.location.as_deref().unwrap();
        assert_eq!(
            (at.file.to_str(), at.line),
            (Some("briefings/profiles/k/01-a.md"), 7),
            "{err}"
        );
        assert!(!err.message.contains("of the markup"), "{err}");
    }
}
