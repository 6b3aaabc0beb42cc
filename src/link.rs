//! Link targets: what a link or QR code in a document may point at.
//!
//! A PDF viewer follows a link when it is clicked, and a phone opens what a
//! QR code holds. So only targets on an allow-list reach a document: web
//! pages (`http:`, `https:`), e-mail (`mailto:`), telephone (`tel:`) and
//! places in the document itself (`#section-id`). Everything else
//! (`javascript:`, `file:`, `launch:`, `data:`, a path to a file on the
//! reader's computer) is refused, however it is spelt.

/// The schemes a link may use, in lower case as they must be written.
pub const SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// What a link may point at, for messages.
pub const ALLOWED: &str =
    "an `https://` or `http://` address, `mailto:`, `tel:`, or `#id` for a place in the document";

/// The longest address a link may have, in bytes: more than the address of
/// any page a reader types or scans, and each line a link is set on writes
/// it into the PDF again.
pub const MAX_LEN: usize = 2048;

/// Checks a link target; the error says what is wrong, in words.
pub fn check(target: &str) -> Result<(), String> {
    let shown: String = target
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if target.is_empty() {
        return Err("the link has no target".into());
    }
    if target.len() > MAX_LEN {
        return Err(format!(
            "the link target `{shown}…` is {} characters long, and a link may be at most {MAX_LEN}: link to a shorter address of the same page",
            target.chars().count()
        ));
    }
    // Spaces and control characters hide a scheme from a reader (and from
    // a careless check): ` JaVaScript:`, `java\tscript:`.
    if let Some(c) = target
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || is_invisible(*c))
    {
        return Err(format!(
            "the link target `{shown}` holds {}",
            match c {
                ' ' => "a space".to_string(),
                c if c.is_whitespace() => format!("a blank character (U+{:04X})", c as u32),
                c => format!("an invisible or control character (U+{:04X})", c as u32),
            }
        ));
    }
    if target.contains('\\') {
        return Err(format!("the link target `{shown}` holds a backslash"));
    }
    if let Some(id) = target.strip_prefix('#') {
        return if !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        {
            Ok(())
        } else {
            Err(format!("`{shown}` is not a place in the document"))
        };
    }
    let Some((scheme, rest)) = target.split_once(':').filter(|(s, _)| {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    }) else {
        return Err(format!(
            "the link target `{shown}` is not a web address: a path to a file would open on the reader's computer"
        ));
    };
    if !SCHEMES.contains(&scheme) {
        let lower = scheme.to_ascii_lowercase();
        return Err(if SCHEMES.contains(&lower.as_str()) {
            format!("the link target `{shown}` writes its scheme `{scheme}:` in capitals")
        } else {
            format!("the link target `{shown}` uses `{scheme}:`, which a document may not link to")
        });
    }
    let host = rest
        .strip_prefix("//")
        .and_then(|r| r.split(['/', '?', '#']).next());
    if host.is_some_and(|h| h.contains('@')) {
        // `https://bank.example@evil.example` goes to evil.example.
        return Err(format!(
            "the link target `{shown}` has a user name before its host, which hides where it goes"
        ));
    }
    let ok = match scheme {
        "http" | "https" => host.is_some_and(|h| !h.is_empty()),
        _ => !rest.is_empty() && !rest.starts_with('/'),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the link target `{shown}` has no address after `{scheme}:`"
        ))
    }
}

/// Characters that show nothing but change what a text says.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mail_phone_and_places_in_the_document_are_allowed() {
        for ok in [
            "https://www.hrw.org/reports/2012/09/10/striking-oil?x=1#top",
            "http://www.hrw.org",
            "https://пример.рф/страница",
            "mailto:office@haldane.org",
            "mailto:office@haldane.org?subject=Kazakhstan",
            "tel:+44-20-7405-5292",
            "#sec-elections",
            "#elections",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn every_other_target_is_refused_however_it_is_spelt() {
        for (bad, says) in [
            ("javascript:alert(1)", "`javascript:`"),
            ("JavaScript:alert(1)", "`JavaScript:`"),
            (" JaVaScript:alert(1)", "a space"),
            ("java\tscript:alert(1)", "blank character"),
            ("java\u{0}script:alert(1)", "control character"),
            ("\u{200b}javascript:alert(1)", "invisible"),
            ("\u{feff}https://x.org", "invisible"),
            ("javascript\u{ad}:alert(1)", "invisible"),
            ("file:///etc/passwd", "`file:`"),
            ("FILE:///etc/passwd", "`FILE:`"),
            ("launch:calc.exe", "`launch:`"),
            ("data:text/html,<script>", "`data:`"),
            ("vbscript:x", "`vbscript:`"),
            ("smb://host/share", "`smb:`"),
            ("HTTPS://x.org", "in capitals"),
            ("report.pdf", "not a web address"),
            ("../../etc/passwd", "not a web address"),
            ("/etc/passwd", "not a web address"),
            ("//evil.example/x", "not a web address"),
            ("C:\\Windows\\calc.exe", "backslash"),
            ("https:\\\\evil.example", "backslash"),
            ("https:evil.example", "no address"),
            ("https://", "no address"),
            ("https://bank.example@evil.example", "user name"),
            ("mailto:", "no address"),
            ("tel:", "no address"),
            ("#", "not a place"),
            ("#a b", "a space"),
            ("#x\"y", "not a place"),
            ("", "no target"),
            ("https://x.org/\n", "blank character"),
            (
                &*format!("https://x.org/{}", "a".repeat(MAX_LEN)),
                "at most 2048",
            ),
        ] {
            let err = check(bad).expect_err(bad);
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }

    /// However a forbidden scheme is dressed up (case, blanks, controls,
    /// invisible characters, entities left as text), it is refused; and
    /// whatever passes starts with an allowed scheme or `#`.
    #[test]
    fn no_spelling_of_a_forbidden_scheme_passes() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let noise = proptest::sample::select(vec![
            "", " ", "\t", "\n", "\r", "\u{0}", "\u{1}", "\u{7f}", "\u{85}", "\u{a0}", "\u{ad}",
            "\u{200b}", "\u{200d}", "\u{202e}", "\u{2028}", "\u{3000}", "\u{feff}", "%", "&#", "/",
            "\\", "@", ":", "#",
        ]);
        let scheme = proptest::sample::select(vec![
            "javascript:",
            "file:",
            "launch:",
            "data:",
            "vbscript:",
            "smb:",
            "ftp:",
        ]);
        let strategy = (
            scheme,
            proptest::collection::vec((0..12usize, noise, any::<bool>()), 0..4),
        );
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: 2048,
                failure_persistence: None,
                ..Config::default()
            },
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        runner
            .run(&strategy, |(scheme, edits)| {
                let mut target: Vec<char> = format!("{scheme}alert(1)").chars().collect();
                for (at, noise, upper) in edits {
                    let at = at.min(target.len());
                    if upper && at < target.len() {
                        target[at] = target[at].to_ascii_uppercase();
                    }
                    for (i, c) in noise.chars().enumerate() {
                        target.insert(at + i, c);
                    }
                }
                let target: String = target.into_iter().collect();
                if check(&target).is_ok() {
                    let allowed = target.starts_with('#')
                        || SCHEMES.iter().any(|s| target.starts_with(&format!("{s}:")));
                    prop_assert!(allowed, "{:?} passed", target);
                }
                Ok(())
            })
            .unwrap();
    }
}
