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
