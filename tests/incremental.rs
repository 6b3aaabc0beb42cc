//! A session that rebuilds (watch, the preview) keeps one layout memo from
//! one rebuild to the next: after an edit it sets again only what changed,
//! gives the very pages a fresh build gives, and holds no more memory after
//! many edits than its bound allows.

mod common;

use std::path::Path;

use common::*;
use handbill::layout::LayoutMemo;
use handbill::{Build, Prepared};

const PACK: &str = "briefings/legal-delegation-pack.yaml";

/// The pack's project with section 03 edited to say `word`.
fn edit(dir: &Path, original: &str, word: &str) -> Prepared {
    let section = dir.join("briefings/profiles/kazakhstan/03-elections.md");
    std::fs::write(&section, original.replacen("the", word, 1)).unwrap();
    Prepared::read(dir.join(PACK)).unwrap()
}

fn project_with_pack(name: &str) -> (std::path::PathBuf, String) {
    let dir = project(name);
    std::fs::copy(repo().join(PACK), dir.join(PACK)).unwrap();
    let original =
        std::fs::read_to_string(dir.join("briefings/profiles/kazakhstan/03-elections.md")).unwrap();
    (dir, original)
}

#[test]
fn many_edits_keep_the_memo_within_what_one_document_holds() {
    let (dir, original) = project_with_pack("incremental-many");
    let memo = LayoutMemo::new();
    let first = edit(&dir, &original, "edit0");
    Build::of(&first).memo(&memo).lay_out().unwrap();
    let one = memo.weight();
    assert!(one > 0, "a document leaves what it set");
    for i in 1..40 {
        let p = edit(&dir, &original, &format!("edit{i}"));
        let kept = Build::of(&p).memo(&memo).lay_out().unwrap();
        if i % 13 == 0 {
            let fresh = Build::of(&p).lay_out().unwrap();
            assert_eq!(
                format!("{:?}", kept.pages),
                format!("{:?}", fresh.pages),
                "edit {i}"
            );
        }
    }
    // Each edit adds the paragraph it changed (with its lines, and those of
    // a paragraph it makes split at another place), not a document: 39
    // edits added 1 MB to a document's 1.5 MB (the lines set counted).
    let grown = memo.weight() - one;
    assert!(grown < one, "39 edits added {grown} bytes to {one}");
}

#[test]
fn a_memo_at_its_bound_starts_again_and_gives_the_same_pdf() {
    let (dir, original) = project_with_pack("incremental-bound");
    let probe = LayoutMemo::new();
    Build::of(&edit(&dir, &original, "edit0"))
        .memo(&probe)
        .lay_out()
        .unwrap();
    let one = probe.weight();
    // Room for one document and a little: every few edits it starts again.
    let bound = one + one / 20;
    let memo = LayoutMemo::with_bound(bound);
    let mut most = 0;
    for i in 0..12 {
        let p = edit(&dir, &original, &format!("word{i}"));
        let kept = Build::of(&p).memo(&memo).pdf().unwrap();
        most = most.max(memo.weight());
        assert!(
            memo.weight() <= bound + one,
            "edit {i}: {} bytes",
            memo.weight()
        );
        if i % 4 == 3 {
            let fresh = Build::of(&p).pdf().unwrap();
            assert!(
                kept.pdf == fresh.pdf,
                "edit {i}: not the bytes of a fresh build"
            );
        }
    }
    assert!(
        most > bound,
        "the memo reached its bound, so it was emptied"
    );
}
