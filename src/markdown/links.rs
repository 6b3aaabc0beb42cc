//! Where a section's links may go: out of the document only as `link`
//! allows, and within it only to a section this briefing prints. A link to
//! any other `#id` would reach the PDF as plain text, its link lost
//! without a word (a misspelt id, a section left out of the briefing).

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, LinkType, Parser, Tag};

use crate::citations::{body_location, parser_options};
use crate::error::{Error, Result, did_you_mean};
use crate::model::{Audience, Section};

/// The sections a section's `#id` links may go to: those the briefing
/// prints; the profile's others, to tell a section left out from a typo.
#[derive(Debug, Default)]
pub struct Places<'a> {
    printed: HashSet<&'a str>,
    /// In the briefing's order, for the list a message gives.
    printed_in_order: Vec<&'a str>,
    others: HashMap<&'a str, Audience>,
    audience: Audience,
}

impl<'a> Places<'a> {
    /// The places of a briefing for `audience` that prints `printed`, of
    /// a profile with `all` its sections.
    pub fn new(
        printed: impl IntoIterator<Item = &'a Section>,
        all: impl IntoIterator<Item = &'a Section>,
        audience: Audience,
    ) -> Places<'a> {
        let printed_in_order: Vec<&str> = printed.into_iter().map(|s| s.id.as_str()).collect();
        let set: HashSet<&str> = printed_in_order.iter().copied().collect();
        let others = (all.into_iter())
            .filter(|s| !set.contains(s.id.as_str()))
            .map(|s| (s.id.as_str(), s.audience))
            .collect();
        Places {
            printed: set,
            printed_in_order,
            others,
            audience,
        }
    }

    /// Why a link to the section `id` cannot be made, as an error to place.
    fn refuse(&self, id: &str) -> Option<Error> {
        if self.printed.contains(id) {
            return None;
        }
        let keep_text = "or take the link out and keep its words (`[words](#id)` becomes `words`)";
        Some(match self.others.get(id) {
            Some(audience) if *audience > self.audience => Error::new(format!(
                "the link to `#{id}` goes to the section `{id}`, which is not in this briefing"
            ))
            .help(format!(
                "the section `{id}` is for the {audience} audience and this briefing is {}: take the link out and keep its words (`[words](#id)` becomes `words`)",
                self.audience
            )),
            Some(_) => Error::new(format!(
                "the link to `#{id}` goes to the section `{id}`, which is not in this briefing"
            ))
            .help(format!(
                "add `{id}` to the briefing's `sections:`, {keep_text}"
            )),
            None => {
                let close = did_you_mean(id, self.printed_in_order.iter().copied());
                let help = match close {
                    Some(close) => format!("did you mean `#{close}`?"),
                    None => {
                        let mut ids: Vec<String> = (self.printed_in_order.iter().take(12))
                            .map(|i| format!("`#{i}`"))
                            .collect();
                        if self.printed_in_order.len() > 12 {
                            ids.push("…".into());
                        }
                        format!(
                            "link to a section of this briefing ({}), {keep_text}",
                            ids.join(", ")
                        )
                    }
                };
                Error::new(format!(
                    "the link to `#{id}` goes nowhere: no section of this briefing or its profile has the id `{id}`"
                ))
                .help(help)
            }
        })
    }
}

/// Where a link written in Markdown goes: `[](#elections)` refers to
/// another section by its id (templates give section headings the anchor
/// `sec-ID`); `<office@example.org>` is an e-mail address.
pub(super) fn link_href(link_type: LinkType, dest_url: &str) -> String {
    match dest_url.strip_prefix('#') {
        Some(id) if !id.starts_with("sec-") => format!("#sec-{id}"),
        _ if link_type == LinkType::Email => format!("mailto:{dest_url}"),
        _ => dest_url.to_string(),
    }
}

/// Every link of the section, inline, by reference or an autolink, goes
/// where a document may link (see `link`), and one to `#id` to a section
/// of this briefing; the error points at the link.
pub(super) fn check_links(section: &Section, places: &Places) -> Result<()> {
    let parser = Parser::new_ext(&section.body, parser_options()).into_offset_iter();
    for (event, range) in parser {
        if let Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) = event
        {
            let href = link_href(link_type, &dest_url);
            if let Err(why) = crate::link::check(&href) {
                return Err(Error::new(why)
                    .at(body_location(section, range.start))
                    .help(format!("a link may go to {}", crate::link::ALLOWED)));
            }
            if let Some(id) = href.strip_prefix("#sec-")
                && let Some(refused) = places.refuse(id)
            {
                return Err(refused.at(body_location(section, range.start)));
            }
        }
    }
    Ok(())
}
