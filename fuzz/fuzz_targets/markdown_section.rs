//! Any bytes as the Markdown body of a section in a briefing pack, through
//! the whole pipeline to PDF bytes. Never a panic; an Ok PDF starts `%PDF-`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const BRIEFING: &str =
    "profile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview]\n";

fuzz_target!(|data: &[u8]| {
    let dir = common::project();
    let briefing = dir.join("briefings/b.yaml");
    if !briefing.exists() {
        std::fs::write(&briefing, BRIEFING).unwrap();
    }
    let mut section = b"---\nid: overview\ntitle: Overview\ntags: [leaflet]\n---\n".to_vec();
    section.extend_from_slice(data);
    std::fs::write(
        dir.join("briefings/profiles/kazakhstan/01-overview.md"),
        section,
    )
    .unwrap();
    if let Ok(built) = handbill::Build::new(briefing.clone())
        .options(&handbill::BuildOptions::default())
        .pdf() {
        assert!(built.pdf.starts_with(b"%PDF-"));
    }
});
