//! The marks the preview lays over the pages where a problem is: an
//! overset frame outlined in red, the lines of the typesetting report
//! shaded by kind. They are drawn apart from the page's art, in a group of
//! their own that the page's script puts over a page, so the pages stay
//! the PDF's and the marks can change without them (an overset build has
//! no new pages: its frame is outlined on the last good ones).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::svg::{escape, num};
use crate::error::{PagePlace, WarningKind};

/// What a mark shows, which sets its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A frame the text ran out of: outlined in red.
    Overset,
    /// A line wider than its measure: shaded red.
    Overfull,
    /// A line with its spaces stretched: shaded yellow.
    Loose,
    /// A widow, orphan or split table row: shaded orange.
    Break,
}

impl Kind {
    /// The mark for a warning of `kind`, if it is one the pages show.
    pub fn of_warning(kind: WarningKind) -> Option<Kind> {
        match kind {
            WarningKind::OverfullLine => Some(Kind::Overfull),
            WarningKind::LooseLine => Some(Kind::Loose),
            WarningKind::WidowOrOrphan | WarningKind::SplitRow => Some(Kind::Break),
            _ => None,
        }
    }

    /// The mark's class: `overset`, `overfull`, `loose` or `break`.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Overset => "overset",
            Kind::Overfull => "overfull",
            Kind::Loose => "loose",
            Kind::Break => "break",
        }
    }

    fn paint(self) -> &'static str {
        match self {
            Kind::Overset => r##"fill="none" stroke="#e00000" stroke-width="2""##,
            Kind::Overfull => r##"fill="#ff0000" fill-opacity=".25""##,
            Kind::Loose => r##"fill="#ffe000" fill-opacity=".4""##,
            Kind::Break => r##"fill="#ff8000" fill-opacity=".3""##,
        }
    }
}

/// One mark: where, what, and the message it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub place: PagePlace,
    pub kind: Kind,
    /// The message, shown when the pointer rests on the mark.
    pub message: String,
}

/// The marks as one `<g class="overlay">` per page that has any, by page
/// index. Mark `i` has the id `mark-i`, for a message to point to.
pub fn draw(marks: &[Mark]) -> BTreeMap<usize, String> {
    let mut pages: BTreeMap<usize, String> = BTreeMap::new();
    for (i, m) in marks.iter().enumerate() {
        let s = pages
            .entry(m.place.page)
            .or_insert_with(|| r#"<g class="overlay" pointer-events="none">"#.to_string());
        let p = &m.place;
        let _ = write!(
            s,
            r#"<rect id="mark-{i}" class="mark {}" x="{}" y="{}" width="{}" height="{}" {}><title>{}</title></rect>"#,
            m.kind.class(),
            num(p.x),
            num(p.y),
            num(p.width.max(0.0)),
            num(p.height.max(0.0)),
            m.kind.paint(),
            escape(&m.message)
        );
    }
    for s in pages.values_mut() {
        s.push_str("</g>");
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(page: usize, kind: Kind, message: &str) -> Mark {
        Mark {
            place: PagePlace {
                page,
                x: 10.0,
                y: 20.5,
                width: 100.0,
                height: 12.0,
            },
            kind,
            message: message.into(),
        }
    }

    #[test]
    fn each_mark_is_drawn_on_its_page_with_its_colour() {
        let drawn = draw(&[
            mark(1, Kind::Overset, "overset <here>"),
            mark(0, Kind::Loose, "loose"),
            mark(1, Kind::Break, "widow"),
        ]);
        assert_eq!(drawn.keys().copied().collect::<Vec<_>>(), vec![0, 1]);
        let second = &drawn[&1];
        assert!(second.starts_with(r#"<g class="overlay""#) && second.ends_with("</g>"));
        assert!(second.contains(
            r##"<rect id="mark-0" class="mark overset" x="10" y="20.5" width="100" height="12" fill="none" stroke="#e00000""##
        ));
        assert!(second.contains(r#"id="mark-2" class="mark break""#));
        assert!(second.contains("<title>overset &lt;here&gt;</title>"));
        assert!(!second.contains("mark-1"), "the loose line is on page 1");
        assert!(drawn[&0].contains(r##"id="mark-1" class="mark loose" x="10" y="20.5" width="100" height="12" fill="#ffe000""##));
    }

    #[test]
    fn no_marks_no_overlay() {
        assert!(draw(&[]).is_empty());
    }

    #[test]
    fn the_report_rows_have_their_colours() {
        assert_eq!(Kind::of_warning(WarningKind::LooseLine), Some(Kind::Loose));
        assert_eq!(
            Kind::of_warning(WarningKind::OverfullLine),
            Some(Kind::Overfull)
        );
        assert_eq!(
            Kind::of_warning(WarningKind::WidowOrOrphan),
            Some(Kind::Break)
        );
        assert_eq!(Kind::of_warning(WarningKind::MissingGlyph), None);
    }
}
