//! A scratch project for the fuzz targets: the sample profile and assets,
//! copied once per fuzzing process into the system's temporary folder.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The scratch project (made on first use).
pub fn project() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = std::env::temp_dir().join(format!("handbill-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(
            &repo.join("briefings/profiles"),
            &dir.join("briefings/profiles"),
        );
        copy_dir(&repo.join("assets"), &dir.join("assets"));
        dir
    })
}
