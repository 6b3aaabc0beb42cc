//! roxmltree's complaints about the layout markup, in handbill's words.

use roxmltree::Error as X;

/// What to do about a fault in the template's own text (not in a value it
/// printed), where that differs from [`words`]' advice.
pub fn own_text_help(e: &X) -> Option<String> {
    Some(match e {
        X::UnknownEntityReference(..) => "the markup knows only `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`: write the character itself in the template, or its number (`&#160;` is a no-break space)".into(),
        X::MalformedEntityReference(_) | X::EntityReferenceLoop(_) => {
            "write `&amp;` for a `&` in the template's text".into()
        }
        X::InvalidAttributeValue(_) => "write `&lt;` for a `<` inside an attribute's value".into(),
        X::InvalidName(_) | X::UnknownToken(_) => {
            "write `&lt;` for a `<` in the template's text that does not start a tag".into()
        }
        _ => return None,
    })
}

/// What is wrong with the markup, and what to do about it in the template.
pub fn words(e: &X) -> (String, String) {
    const ESCAPE: &str = "a value put in with {{{…}}} is not escaped: use {{…}}, or write `&amp;` for & and `&lt;` for <";
    let (what, todo) = match e {
        X::UnexpectedCloseTag(expected, actual, _) => (
            format!("</{actual}> comes where <{expected}> must be closed"),
            format!(
                "close <{expected}> with </{expected}> first: elements close in the order they open"
            ),
        ),
        X::UnexpectedEntityCloseTag(_) => (
            "a closing tag closes nothing".into(),
            "remove it, or add the element it closes".into(),
        ),
        X::UnknownEntityReference(name, _) => (
            format!("`&{name};` is not a character the markup knows"),
            ESCAPE.into(),
        ),
        X::MalformedEntityReference(_) | X::EntityReferenceLoop(_) => {
            ("a `&` stands alone in the text".into(), ESCAPE.into())
        }
        X::InvalidAttributeValue(_) => ("a `<` inside an attribute's value".into(), ESCAPE.into()),
        X::DuplicatedAttribute(name, _) => (
            format!("an element has the attribute `{name}` twice"),
            format!("keep one `{name}=\"…\"`"),
        ),
        X::NoRootNode => (
            "there is no element in it".into(),
            "the template must produce <document>…</document>".into(),
        ),
        X::UnclosedRootNode => (
            "the first element is never closed".into(),
            "end the template with </document>".into(),
        ),
        X::UnexpectedDeclaration(_) => (
            "an `<?xml …?>` line comes after the start".into(),
            "remove it; the markup needs none".into(),
        ),
        X::DtdDetected => (
            "it has a <!DOCTYPE …>, which the layout markup does not allow".into(),
            "remove the <!DOCTYPE …> and any entities it defines".into(),
        ),
        X::NodesLimitReached | X::AttributesLimitReached | X::NamespacesLimitReached => (
            "it has more than two million elements and texts".into(),
            "split the briefing into smaller ones".into(),
        ),
        X::InvalidName(_) | X::UnknownToken(_) => {
            ("a `<` does not start a tag".into(), ESCAPE.into())
        }
        X::NonXmlChar(c, _) => (
            format!("it holds the control character U+{:04X}", u32::from(*c)),
            "remove the character from the text it came from".into(),
        ),
        X::InvalidChar(..) | X::InvalidChar2(..) | X::InvalidString(..) => (
            "a tag is broken (not closed with `>`, or an attribute without quotes?)".into(),
            "write tags as `<p class=\"name\">`; see docs/markup.md".into(),
        ),
        X::InvalidComment(_) => (
            "a comment holds `--`".into(),
            "write comments as {{!-- … --}}, which do not reach the markup".into(),
        ),
        X::InvalidCharacterData(_) => ("the text holds `]]>`".into(), ESCAPE.into()),
        X::UnexpectedEndOfStream => (
            "it ends in the middle of a tag".into(),
            "close the last tag with `>`".into(),
        ),
        X::InvalidXmlPrefixUri(_)
        | X::UnexpectedXmlUri(_)
        | X::UnexpectedXmlnsUri(_)
        | X::InvalidElementNamePrefix(_)
        | X::DuplicatedNamespace(..)
        | X::UnknownNamespace(..)
        | X::InvalidExternalID(_)
        | X::EntityResolver(..) => (
            "it uses XML namespaces or external entities, which the layout markup does not".into(),
            "write plain element names such as <p>; see docs/markup.md".into(),
        ),
    };
    (what, todo)
}

/// What is wrong with a `&#…;` the parser could not read, at `line` and
/// `column` (counted in characters) of `text`; none for a `&` that starts
/// no such reference (then [`words`] says it stands alone).
pub fn reference_words(text: &str, line: usize, column: usize) -> Option<(String, String)> {
    let line_text = text.split('\n').nth(line.checked_sub(1)?)?;
    let (at, _) = line_text.char_indices().nth(column.checked_sub(1)?)?;
    let rest = line_text[at..].strip_prefix("&#")?;
    // As much as is shown of it: up to its `;`, or a few characters.
    let shown: String = rest
        .chars()
        .take_while(|&c| c != ';' && !c.is_whitespace() && c != '<' && c != '&')
        .take(12)
        .collect();
    let end = if rest[shown.len()..].starts_with(';') {
        ";"
    } else {
        ""
    };
    Some((
        format!("`&#{shown}{end}` is not a character reference the markup can read"),
        "write a character's number as `&#x41;` (hexadecimal, after a small x) or `&#65;`, ending with `;`, or write the character itself".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_parser_words_reach_the_user() {
        for (xml, said) in [
            (
                "<document><p>a</flow></document>",
                "</flow> comes where <p> must be closed",
            ),
            ("<document><p>a & b</p></document>", "a `&` stands alone"),
            (
                "<document><p>&nbsp;</p></document>",
                "`&nbsp;` is not a character",
            ),
            (
                "<!DOCTYPE document [<!ENTITY l \"l\">]><document/>",
                "<!DOCTYPE",
            ),
            ("<document><p>", "never closed"),
            (
                "<document><p a=\"1\" a=\"2\"/></document>",
                "the attribute `a` twice",
            ),
        ] {
            let opts = roxmltree::ParsingOptions {
                allow_dtd: false,
                ..Default::default()
            };
            let e = roxmltree::Document::parse_with_options(xml, opts).unwrap_err();
            let (what, todo) = words(&e);
            assert!(what.contains(said), "{xml}: {what}");
            for phrase in ["expected", " at ", "malformed", "detected", "token"] {
                assert!(!what.contains(phrase), "{xml}: {what}");
            }
            assert!(!todo.is_empty());
        }
    }
}
