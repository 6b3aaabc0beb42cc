//! What the copies of one briefing make alike, kept for the next copy.
//!
//! A template that prints no recipient (the sample leaflet) makes the same
//! layout markup for every copy, and the copies of a briefing read the same
//! pictures. The last markup parsed, with its document, and the last
//! pictures read are kept in the briefing's [`Prepared`](crate::Prepared),
//! which is one reading of the project's files; a copy takes them only
//! when it would make them the same: the same markup text, the same
//! pictures asked for. What copies differ in (a personalised cover) is
//! parsed again.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::document::Document;
use crate::error::Result;
use crate::picture::Picture;

/// Pictures by their keys in the profile.
type Pictures = BTreeMap<String, Picture>;

/// The longest markup whose document is kept for the next copy, in bytes:
/// some eighty times the sample pack's 13 KB, a pack of some 300 pages. A
/// longer document would be held through the rest of its build, its PDF
/// included, for a parse that costs little beside laying it out: a
/// 1,202-page pack's document (4.4 MB of markup) held 49 MB.
pub(crate) const KEPT_MARKUP_AT_MOST: usize = 1 << 20;

/// See the module.
#[derive(Default)]
pub(crate) struct CopiesAlike {
    /// The last markup text parsed, and its document.
    parsed: Mutex<Option<(String, Arc<Document>)>>,
    /// The last pictures read, and the keys they were read for.
    pictures: Mutex<Option<(Vec<String>, Pictures)>>,
}

impl CopiesAlike {
    /// The document of `text`: the last copy's, if its markup was the same,
    /// else `parse`'s (kept for the next copy).
    pub(crate) fn document(
        &self,
        text: &str,
        parse: impl FnOnce() -> Result<Document>,
    ) -> Result<Arc<Document>> {
        if let Some((last, document)) = &*lock(&self.parsed)
            && last == text
        {
            return Ok(document.clone());
        }
        let document = Arc::new(parse()?);
        *lock(&self.parsed) =
            (text.len() <= KEPT_MARKUP_AT_MOST).then(|| (text.to_string(), document.clone()));
        Ok(document)
    }

    /// The pictures of `keys`: the last copy's, if it asked for the same,
    /// else `read`'s (kept for the next copy). A picture's bytes are
    /// shared, not copied.
    pub(crate) fn pictures(
        &self,
        keys: &[String],
        read: impl FnOnce() -> Result<Pictures>,
    ) -> Result<Pictures> {
        if let Some((last, pictures)) = &*lock(&self.pictures)
            && last == keys
        {
            return Ok(pictures.clone());
        }
        let pictures = read()?;
        *lock(&self.pictures) = Some((keys.to_vec(), pictures.clone()));
        Ok(pictures)
    }
}

/// A copy that panicked while holding a lock left nothing half made: what
/// is kept is set whole or not at all.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::cell::Cell;

    fn doc(markup: &str) -> Document {
        crate::markup::parse(
            &crate::markup::MarkupSource {
                template: std::path::Path::new("t.hbs"),
                template_text: "",
                text: markup,
            },
            &crate::theme::Theme::builtin(),
        )
        .unwrap()
    }

    #[test]
    fn a_copy_takes_the_last_document_only_for_the_same_markup() {
        let alike = CopiesAlike::default();
        let parsed = Cell::new(0);
        let parse = |text: &str| {
            alike.document(text, || {
                parsed.set(parsed.get() + 1);
                Ok(doc(text))
            })
        };
        let markup = |who: &str| {
            format!(
                r#"<document title="For {who}"><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/><flow name="main"><p>{who}</p></flow></document>"#
            )
        };
        let (ana, bob) = (markup("Ana"), markup("Bob"));
        let first = parse(&ana).unwrap();
        let again = parse(&ana).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "the same markup, the same document"
        );
        assert_eq!(parsed.get(), 1);
        let other = parse(&bob).unwrap();
        assert_eq!(parsed.get(), 2, "other markup is parsed");
        assert_eq!(other.title, "For Bob");
        // Markup that fails is refused each time and leaves what was kept.
        for _ in 0..2 {
            assert!(
                alike
                    .document("<bad", || Err(Error::new("bad markup")))
                    .is_err()
            );
        }
        assert!(Arc::ptr_eq(&parse(&bob).unwrap(), &other));
        assert_eq!(parsed.get(), 2);
    }

    #[test]
    fn a_long_document_is_not_kept_for_the_next_copy() {
        let alike = CopiesAlike::default();
        let parsed = Cell::new(0);
        let body = "<p>Kazakhstan has an appalling human rights record.</p>"
            .repeat(KEPT_MARKUP_AT_MOST / 50);
        let long = format!(
            r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="main"/><flow name="main">{body}</flow></document>"#
        );
        assert!(long.len() > KEPT_MARKUP_AT_MOST);
        for _ in 0..2 {
            let document = alike.document(&long, || {
                parsed.set(parsed.get() + 1);
                // Its document, small: what is kept is decided by the text.
                Ok(doc(
                    r#"<document><master name="m" size="A6" margin="10mm"/><pages master="m" flow="f"/><flow name="f"><p>x</p></flow></document>"#,
                ))
            });
            // Held by this copy alone: it goes when the copy is done.
            assert_eq!(Arc::strong_count(&document.unwrap()), 1);
        }
        assert_eq!(parsed.get(), 2, "parsed again for each copy");
    }

    #[test]
    fn a_copy_takes_the_last_pictures_only_for_the_same_keys() {
        let alike = CopiesAlike::default();
        let read = Cell::new(0);
        let pictures = |keys: &[String]| {
            alike
                .pictures(keys, || {
                    read.set(read.get() + 1);
                    Ok(BTreeMap::new())
                })
                .unwrap()
        };
        let photo = vec!["photo".to_string()];
        pictures(&photo);
        pictures(&photo);
        assert_eq!(read.get(), 1);
        pictures(&["logo".to_string()]);
        assert_eq!(read.get(), 2);
        assert!(
            alike
                .pictures(&photo, || Err(Error::new("damaged")))
                .is_err()
        );
        pictures(&photo);
        assert_eq!(read.get(), 3);
    }
}
