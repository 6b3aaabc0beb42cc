//! Section and paragraph numbers, and the cross-references that name
//! them: a link to `#sec-ID` with no text of its own reads "section 3.2".

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::MarkupSource;
use crate::document::{
    Block, BlockKind, Document, Numbering, PageRun, Span, SpanContent, plain_text,
};
use crate::error::{Error, Location, Result, did_you_mean};

/// Numbers the headings and paragraphs of the flows that make pages, and
/// fills in cross-references: a link to `#sec-ID` with no text of its own
/// becomes "section 3.2" (or "раздел 3.2"), linked to its heading.
pub(super) fn number_and_resolve(
    doc: &mut Document,
    numbering: Numbering,
    lang: &crate::language_tag::Lang,
    source: &MarkupSource,
) -> Result<()> {
    let paged: Vec<String> = doc
        .runs
        .iter()
        .filter_map(|r| match r {
            PageRun::Repeat { flow, .. } => Some(flow.clone()),
            PageRun::Fixed { .. } => None,
        })
        .collect();
    // Looked up in a set: a template may write a page run for each of
    // thousands of flows.
    let is_paged: std::collections::HashSet<&str> = paged.iter().map(String::as_str).collect();
    let word = if *lang == crate::language_tag::Lang::Russian {
        "раздел"
    } else {
        "section"
    };
    let mut numbers: BTreeMap<String, String> = BTreeMap::new();
    // Headings on fixed pages (leaflets) are not numbered, but may be
    // referred to by title.
    for (name, blocks) in &doc.flows {
        if is_paged.contains(name.as_str()) {
            continue;
        }
        for block in blocks {
            if let BlockKind::Heading {
                spans,
                anchor: Some(a),
                ..
            } = &block.kind
            {
                numbers.insert(a.clone(), format!("“{}”", plain_text(spans)));
            }
        }
    }
    let (mut h1, mut h2, mut para) = (0u32, 0u32, 0u32);
    for name in &paged {
        let Some(blocks) = doc.flows.get_mut(name) else {
            continue;
        };
        let mut in_text = false;
        for block in blocks.iter_mut() {
            match &mut block.kind {
                BlockKind::Heading {
                    level,
                    spans,
                    anchor,
                    listed: true,
                } if *level <= 2 && !block.unnumbered => {
                    in_text = true;
                    let number = if *level == 1 {
                        h1 += 1;
                        h2 = 0;
                        h1.to_string()
                    } else {
                        h2 += 1;
                        format!("{h1}.{h2}")
                    };
                    if let Some(a) = anchor {
                        // A reference reads "section 3.2" where sections are
                        // numbered, and the heading's title where not.
                        let title = plain_text(spans);
                        let reference = if numbering.sections {
                            format!("{word}\u{a0}{number}")
                        } else {
                            format!("“{}”", title.trim())
                        };
                        numbers.insert(a.clone(), reference);
                    }
                    if numbering.sections && h1 > 0 {
                        let style = spans
                            .first()
                            .map(|s| s.style.clone())
                            .unwrap_or_else(|| block.style.clone());
                        spans.insert(
                            0,
                            Span {
                                content: SpanContent::Text(format!("{number}\u{2002}")),
                                style,
                                link: None,
                            },
                        );
                    }
                }
                BlockKind::Paragraph(_) if numbering.paragraphs && in_text && !block.classed => {
                    para += 1;
                    block.number = Some(para.to_string());
                }
                _ => {}
            }
        }
    }
    let mut missing = None;
    for blocks in doc.flows.values_mut() {
        for block in blocks.iter_mut() {
            resolve_references(block, &numbers, &mut missing);
        }
    }
    if let Some(target) = missing {
        let known: Vec<&str> = numbers
            .keys()
            .filter_map(|k| k.strip_prefix("sec-"))
            .collect();
        let wanted = target.strip_prefix("#sec-").unwrap_or(&target).to_string();
        let help = match did_you_mean(&wanted, known.iter().copied()) {
            Some(close) => format!("did you mean `#{close}`?"),
            None if known.is_empty() => {
                "this briefing has no sections to point to: pick the section in the briefing's `sections:`, or take the reference out".to_string()
            }
            // A few names help; thousands would bury the message.
            None if known.len() > SECTIONS_NAMED => format!(
                "the sections include: {}, and {} more",
                known[..SECTIONS_NAMED].join(", "),
                known.len() - SECTIONS_NAMED
            ),
            None => format!("the sections are: {}", known.join(", ")),
        };
        return Err(Error::new(format!(
            "a cross-reference points to `{wanted}`, which is not a section of this briefing"
        ))
        .at(Location::file(source.template))
        .help(help));
    }
    Ok(())
}

/// How many sections a message about a missing one names.
const SECTIONS_NAMED: usize = 12;

fn resolve_references(
    block: &mut Block,
    numbers: &BTreeMap<String, String>,
    missing: &mut Option<String>,
) {
    // Two passes, not a look through the paragraph for each reference: a
    // template may write thousands of references into one paragraph. The
    // targets the author gave words to are found before any is filled in,
    // so a second empty reference to a section is filled as the first was.
    let fix = |spans: &mut Vec<Span>, missing: &mut Option<String>| {
        let worded: HashSet<Arc<str>> = spans
            .iter()
            .filter(|s| matches!(&s.content, SpanContent::Text(t) if t != "\u{200b}"))
            .filter_map(|s| s.link.clone())
            .filter(|l| l.starts_with("#sec-"))
            .collect();
        for span in spans.iter_mut() {
            let Some(target) = span.link.as_deref().filter(|l| l.starts_with("#sec-")) else {
                continue;
            };
            if worded.contains(target) {
                continue;
            }
            match numbers.get(&target[1..]) {
                Some(reference) => span.content = SpanContent::Text(reference.clone()),
                // The first the reader meets is the one to tell.
                None => _ = missing.get_or_insert_with(|| target.to_string()),
            }
        }
    };
    match &mut block.kind {
        BlockKind::Paragraph(spans) | BlockKind::Heading { spans, .. } => fix(spans, missing),
        BlockKind::List { items, .. } => items
            .iter_mut()
            .flatten()
            .for_each(|b| resolve_references(b, numbers, missing)),
        BlockKind::Quote(c) | BlockKind::Boxed(c) => c
            .iter_mut()
            .for_each(|b| resolve_references(b, numbers, missing)),
        BlockKind::Table(t) => t
            .head
            .iter_mut()
            .chain(t.body.iter_mut())
            .flat_map(|r| r.cells.iter_mut())
            .for_each(|c| fix(&mut c.spans, missing)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::tests::parse_str;

    fn paragraph(markup: &str) -> Vec<String> {
        let d = parse_str(&format!(
            r#"<document numbering="sections"><master name="m"/><pages master="m" flow="f"/><flow name="f"><h1 id="sec-a">A</h1><h1 id="sec-b">B</h1><p>{markup}</p></flow></document>"#
        ))
        .unwrap();
        let BlockKind::Paragraph(spans) = &d.flows["f"][2].kind else {
            panic!()
        };
        spans
            .iter()
            .filter(|s| s.link.is_some())
            .map(|s| match &s.content {
                SpanContent::Text(t) => t.clone(),
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn every_empty_reference_to_a_section_is_filled() {
        assert_eq!(
            paragraph(r##"<a href="#sec-b"/>, <a href="#sec-a"/> and <a href="#sec-b"/> again"##),
            ["section\u{a0}2", "section\u{a0}1", "section\u{a0}2"]
        );
        // A link the author gave words keeps them.
        assert_eq!(
            paragraph(r##"<a href="#sec-b">the second</a> and <a href="#sec-a"/>"##),
            ["the second", "section\u{a0}1"]
        );
    }

    #[test]
    fn a_missing_section_is_told_as_the_reader_meets_it_with_what_there_is() {
        let refuse = |headings: &str| {
            parse_str(&format!(
                r##"<document numbering="sections"><master name="m"/><pages master="m" flow="f"/><flow name="f">{headings}<p><a href="#sec-first"/> and <a href="#sec-second"/></p></flow></document>"##
            ))
            .unwrap_err()
        };
        let none = refuse("");
        assert!(none.message.contains("`first`"), "{}", none.message);
        let help = none.help.unwrap();
        assert!(help.contains("no sections to point to"), "{help}");
        // Thousands of sections: a dozen named, the rest counted.
        let many: String = (0..5000)
            .map(|n| format!(r#"<h1 id="sec-s{n}">S</h1>"#))
            .collect();
        let help = refuse(&many).help.unwrap();
        assert!(help.contains("and 4988 more") && help.len() < 200, "{help}");
    }
}
