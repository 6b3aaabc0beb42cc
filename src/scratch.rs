//! For the unit tests: a folder of their own under the system's temporary
//! folder, emptied when made and removed when the test is done, so that
//! `cargo test` leaves nothing behind.

use std::path::{Path, PathBuf};

/// A test's scratch folder; removed, with all in it, when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// `handbill-{kind}-{name}-{process}` under the temporary folder, empty,
    /// by its canonical path.
    pub fn new(kind: &str, name: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("handbill-{kind}-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        // As file events and the project's checks name it.
        Scratch(path.canonicalize().unwrap())
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `count` texts of up to 40 of `pieces` each, strung together in an
/// order that is the same every run: for checking a fast scan of text
/// against the plain reading it stands for.
pub fn texts(pieces: &[&str], count: usize) -> Vec<String> {
    // xorshift64: reproducible, no dependencies.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    (0..count)
        .map(|_| {
            (0..next() % 41)
                .map(|_| pieces[next() % pieces.len()])
                .collect()
        })
        .collect()
}

/// Pieces of text that the scans of sections and markup look for, and
/// some they pass over: spaces, markup, references good and bad,
/// controls, Cyrillic, right-to-left and astral letters.
pub const PIECES: &[&str] = &[
    "a",
    "Қаз",
    "€—",
    " ",
    "  ",
    "\n",
    "\t",
    "\r",
    "&",
    "&amp;",
    "&#x5E9;",
    "&#1513;",
    "&#65;",
    "&#x7;",
    "&#xD800;",
    "&#;",
    "&#x",
    ";",
    "<",
    ">",
    "<b>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "\"",
    "'",
    "ש",
    "ب",
    "\u{85}",
    "\u{7}",
    "\u{7f}",
    "\u{9f}",
    "\u{b}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{10800}",
    "\u{1F600}",
];
