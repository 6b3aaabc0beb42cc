//! Any text as layout markup (what a template produces), parsed with the
//! built-in theme. Never a panic or a hang; a parse error is a fine answer.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let theme = handbill::theme::Theme::builtin();
    let source = handbill::markup::MarkupSource {
        template: Path::new("fuzz.hbs"),
        template_text: "",
        text,
    };
    let _ = handbill::markup::parse(&source, &theme);
});
