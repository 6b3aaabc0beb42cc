//! The YAML parser's faults (granit-parser's error kinds), in words.

use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;

use super::{Explained, Words, budget, indent_help};

impl Words<'_> {
    /// A fault in the YAML syntax itself.
    pub(super) fn syntax(&self, kind: &ErrorKind) -> Explained {
        use ErrorKind as K;
        let plain = |m: &str, h: &str| (m.to_string(), Some(h.to_string()), None);
        match kind {
            K::MappingValueNotAllowed | K::FlowMappingValueAdjacentCollection => {
                let (line, column) = self.place.unwrap_or((1, 1));
                let before: String = self.line(line).chars().take(column - 1).collect();
                if let Some(explained) = self.long_key(line) {
                    return explained;
                }
                if before.contains(": ") {
                    let value = before.split_once(": ").map_or("", |(_, v)| v).trim();
                    let key = before.split_once(": ").map_or("", |(k, _)| k).trim();
                    let rest: String = self.line(line).chars().skip(column - 1).collect();
                    plain(
                        "a colon followed by a space inside a value",
                        &format!(
                            "put the value in quotes: `{key}: \"{value}{}\"`",
                            rest.trim_end()
                        ),
                    )
                } else {
                    (
                        "this line is indented more than the one above, so it reads as part of that line's value".into(),
                        Some("indent it as its neighbours; if it belongs under the line above, end that line with a colon and no value".into()),
                        None,
                    )
                }
            }
            K::TabInBlockIndentation
            | K::TabInIndentation
            | K::TabNotAllowed
            | K::TabInPlainScalar
            | K::TabAtBlockScalarStart => (
                "a tab indents this line; YAML indents with spaces only".into(),
                Some("replace the tab with spaces (two for each level)".into()),
                self.tab_at_or_after(),
            ),
            K::ExpectedBlockMappingKey
            | K::ExpectedBlockSequenceEntry
            | K::InvalidIndentation
            | K::InvalidFlowScalarIndent
            | K::InvalidQuotedScalarIndent
            | K::InvalidBlockScalarIndent
            | K::BlockSequenceEntryNotAllowed
            | K::MappingKeyNotAllowed => plain(
                "this line is not indented as the lines around it",
                &indent_help(),
            ),
            K::UnclosedQuotedScalar => {
                let quote = self.char_at_place().unwrap_or('"');
                let help = if quote == '\'' {
                    "end the text with `'`; an apostrophe inside '…' is written twice: 'it''s'"
                } else {
                    "end the text with `\"`; a quote mark inside \"…\" is written \\\""
                };
                plain(&format!("the quote `{quote}` here is never closed"), help)
            }
            K::UnclosedFlowCollection { open } => {
                let close = if *open == '[' { ']' } else { '}' };
                plain(
                    &format!("the `{open}` here is never closed"),
                    &format!("end it with `{close}`"),
                )
            }
            K::MisplacedFlowCollectionEnd => {
                let c = self.char_at_place().unwrap_or(']');
                plain(
                    &format!("this `{c}` closes nothing"),
                    "remove it, or put the whole value in quotes",
                )
            }
            K::MismatchedFlowCollectionEnd { open, close } => plain(
                &format!("a `{open}` is closed by `{close}`"),
                "close `[` with `]` and `{` with `}`",
            ),
            K::UnexpectedEofFlowSequence
            | K::UnexpectedEofFlowMapping
            | K::UnexpectedEofImplicitFlowMapping => plain(
                "the file ends inside a `[…]` or `{…}` value",
                "close the bracket",
            ),
            K::UnexpectedEofBlockSequence | K::UnexpectedEofBlockMapping | K::UnexpectedEof => {
                plain(
                    "the file ends in the middle of a value",
                    "look for an unclosed quote or bracket near the end",
                )
            }
            K::UnknownQuotedScalarEscape
            | K::InvalidQuotedScalarHexEscape
            | K::InvalidLowSurrogateHexEscape
            | K::InvalidLowSurrogate
            | K::MissingLowSurrogate
            | K::UnpairedLowSurrogate
            | K::InvalidUnicodeEscape => plain(
                "a backslash in double-quoted text starts an escape that is not valid",
                "write a backslash as `\\\\`, or put the text in single quotes 'like this'",
            ),
            K::UnexpectedCharacter { character } => plain(
                &format!("a value cannot start with `{character}`"),
                "put the value in quotes",
            ),
            K::PlainScalarStartsWithDashFlowIndicator
            | K::BlockEntryInFlowCollection
            | K::InvalidColonPlacement
            | K::UnexpectedEndOfPlainScalar
            | K::DocumentIndicatorInQuotedScalar => plain(
                "this value mixes text with YAML punctuation (`-`, `:`, `[`, `{`, quotes)",
                "put the whole value in double quotes, e.g. `title: \"Free them: now\"`",
            ),
            K::InvalidTrailingSingleQuotedScalar | K::InvalidTrailingDoubleQuotedScalar => {
                let quote = if matches!(kind, K::InvalidTrailingDoubleQuotedScalar) {
                    '"'
                } else {
                    '\''
                };
                // A quote left open on an earlier line runs on to the next
                // quote mark, and the reader stumbles only there.
                if let Some((line, column)) = self.open_quote_before(quote) {
                    return (
                        format!(
                            "the quote `{quote}` here is not closed on its line, so the text runs on to the next `{quote}`"
                        ),
                        Some(format!("end the text with `{quote}` on this line")),
                        Some((line, column)),
                    );
                }
                plain(
                    "text goes on after the closing quote",
                    "put the whole value in double quotes; inside '…' an apostrophe is written twice: 'it''s'",
                )
            }
            K::InvalidMappingValueWhitespace
            | K::ExpectedWhitespace
            | K::InvalidBlockEntryWhitespace => plain(
                "a space is missing after `:` or `-`",
                "write `key: value` and `- item`, with a space",
            ),
            K::CommentNotSeparated => plain(
                "a `#` right after a value",
                "put a space before `#` to start a comment, or quote the value if `#` is part of it",
            ),
            K::CommentInterceptedScalar => plain(
                "a comment line interrupts a value that runs over several lines",
                "move the comment, or put the value in quotes",
            ),
            K::SimpleKeyExpected | K::InvalidSimpleKey => {
                let (line, _) = self.place.unwrap_or((1, 1));
                if let Some(explained) = self.long_key(line) {
                    return explained;
                }
                let text = self.line(line).trim();
                let glued = text
                    .split_once(':')
                    .filter(|(k, v)| super::is_key(k) && !v.is_empty() && !v.starts_with(' '));
                match glued {
                    Some((k, v)) => plain(
                        "a colon must be followed by a space",
                        &format!("write `{}: {v}`", k.trim()),
                    ),
                    None => plain(
                        "this line is not a `key: value` line",
                        "write the key, a colon and a space, then the value; if the line goes on with the text above, indent it or put that text in quotes",
                    ),
                }
            }
            K::MissingAnchorOrAliasName => plain(
                "`&` and `*` at the start of a value name an anchor, and no name follows",
                "put the value in quotes if `&` or `*` is part of the text",
            ),
            K::ZeroBlockScalarIndent | K::InvalidBlockScalarHeader => plain(
                "after `|` or `>` nothing may follow on the line but a comment",
                "start the text on the next line, indented",
            ),
            K::RecursionLimitExceeded => budget(&BudgetBreach::Depth { depth: 0 }),
            K::BomInsideDocument => plain(
                "a byte-order mark (U+FEFF) in the middle of the file",
                "remove the invisible character, or save the file again as UTF-8",
            ),
            K::MissingDocumentEndBeforeDirective
            | K::DirectiveDisallowed
            | K::InvalidDirectiveTerminator
            | K::MissingYamlVersionSeparator
            | K::MissingDirectiveName
            | K::InvalidDirectiveName
            | K::DuplicateVersionDirective
            | K::UnsupportedYamlMajorVersion
            | K::DuplicateTagDirective
            | K::YamlVersionTooLong
            | K::MissingYamlVersion
            | K::InvalidTagDirectiveTerminator
            | K::ExpectedTagDirectiveBang
            | K::TooManyReservedDirectiveParams { .. }
            | K::DirectiveByteLimitExceeded { .. } => plain(
                "a line starting with `%` is a YAML directive, which handbill does not read",
                "remove the line, or indent it and put it in quotes if it is text",
            ),
            K::ExpectedTagBang
            | K::InvalidGlobalTagCharacter
            | K::InvalidTagTerminator
            | K::MissingTagUri
            | K::UnclosedVerbatimTag
            | K::InvalidTagEscape
            | K::InvalidTagUtf8LeadingByte
            | K::InvalidTagUtf8TrailingByte
            | K::InvalidTagUtf8
            | K::UndeclaredTagHandle => plain(
                "a `!` at the start of a value is a YAML tag, which handbill does not read",
                "put the value in quotes",
            ),
            K::InvalidDocumentEnd => plain(
                "text follows the `...` that ends the YAML",
                "remove the `...` line",
            ),
            _ => self.unreadable(),
        }
    }
}

/// The longest key YAML reads, in characters.
const LONGEST_KEY: usize = 1024;

impl Words<'_> {
    /// A key longer than YAML reads ([`LONGEST_KEY`]): a line of text
    /// pasted with a colon in it, which the parser calls no key or blames
    /// on the line's indentation.
    fn long_key(&self, line: usize) -> Option<Explained> {
        let text = self.line(line).trim();
        let key = (text.split_once(": ").map(|(k, _)| k)).or_else(|| text.strip_suffix(':'))?;
        (key.chars().count() > LONGEST_KEY).then(|| {
            (
                "this key is longer than 1,024 characters, more than YAML reads as a key".into(),
                Some("shorten the key; if the line is text, give it a key: `key: \"…\"`".into()),
                None,
            )
        })
    }
}
