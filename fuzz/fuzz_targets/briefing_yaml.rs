//! Any bytes as a briefing file, through every stage up to layout.
//! handbill must answer Ok or Err: never panic, hang or exhaust memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let briefing = common::project().join("briefings/b.yaml");
    std::fs::write(&briefing, data).unwrap();
    let _ = handbill::Build::new(briefing.clone()).lay_out();
});
