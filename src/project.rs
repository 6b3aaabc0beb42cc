//! The project's files: every file a briefing, profile or format names is
//! found here, and only inside the project folder.
//!
//! A path written in a file (`assets/photo.png`, `templates/t.hbs`) may
//! not leave the project, neither by its own parts (`../`, `/etc/passwd`)
//! nor through a symbolic link inside the project that points out of it.
//! [`open`] checks both, so a briefing from someone else can make handbill
//! read nothing but the project's own files.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Location};

mod find;
mod read;
pub use find::{enter, root_above};
pub use read::{Capped, Links, open_plain, read_again, read_capped};

/// Why a path is not one of the project's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The path as written leaves the project (`../x`, `/x`, or nothing).
    Outside,
    /// The path is inside, but it or a folder on the way is a link out.
    LinksOut(PathBuf),
}

impl Refused {
    /// The error for `what` (`the template`), written `written`: `help`
    /// says where such a file goes instead.
    pub fn error(self, what: &str, written: &str, help: &str) -> Error {
        match self {
            Refused::Outside => {
                Error::new(format!("{what} `{written}` is outside the project folder")).help(help)
            }
            Refused::LinksOut(path) => linked_out(&path, what),
        }
    }
}

/// The file `written` (a path from the project folder, as a briefing,
/// profile or format gives it) inside `project`, if neither its path nor a
/// link on the way leaves the project. Whether it exists is the caller's
/// to find out, when it reads it.
pub fn open(project: &Path, written: &str) -> Result<PathBuf, Refused> {
    let path = resolve(project, written).ok_or(Refused::Outside)?;
    inside(project, &path)?;
    Ok(path)
}

/// Checks that `path`, one handbill found in the project itself (a
/// profile's files), is not a link out of it.
pub fn inside(project: &Path, path: &Path) -> Result<(), Refused> {
    match (std::fs::canonicalize(path), std::fs::canonicalize(project)) {
        (Ok(real), Ok(root)) if !real.starts_with(&root) => {
            Err(Refused::LinksOut(path.to_path_buf()))
        }
        // A file that is not there links nowhere: reading it says so.
        _ => Ok(()),
    }
}

/// The error for a file that links out of the project.
pub fn linked_out(path: &Path, what: &str) -> Error {
    Error::new(format!(
        "{what} {} links to a file outside the project folder",
        path.display()
    ))
    .at(Location::file(path))
    .help("copy the file into the project instead of linking to it")
}

/// `written` against the project folder, or none when its parts leave it.
fn resolve(project: &Path, written: &str) -> Option<PathBuf> {
    let rel = Path::new(written);
    if written.is_empty() || rel.is_absolute() {
        return None;
    }
    let mut depth = 0usize;
    for part in rel.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => return None,
        }
    }
    Some(join(project, rel))
}

/// `rel` inside `project`; as it is written when the project is the current
/// folder, so messages say `templates/t.hbs`, not `./templates/t.hbs`.
pub fn join(project: &Path, rel: &Path) -> PathBuf {
    if project == Path::new(".") {
        rel.to_path_buf()
    } else {
        project.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_project() {
        let p = Path::new("/p");
        assert_eq!(
            resolve(p, "assets/a.png"),
            Some(PathBuf::from("/p/assets/a.png"))
        );
        assert_eq!(
            resolve(p, "assets/../b.png"),
            Some(PathBuf::from("/p/assets/../b.png"))
        );
        assert_eq!(resolve(p, "../../etc/passwd"), None);
        assert_eq!(resolve(p, "assets/../../x"), None);
        assert_eq!(resolve(p, "/etc/passwd"), None);
        assert_eq!(resolve(p, ""), None);
        assert_eq!(open(p, "../x"), Err(Refused::Outside));
        assert_eq!(
            join(Path::new("."), Path::new("t.hbs")),
            PathBuf::from("t.hbs")
        );
    }

    #[test]
    fn a_link_out_of_the_project_is_refused() {
        let dir = std::env::temp_dir().join(format!("handbill-project-{}", std::process::id()));
        let project = dir.join("project");
        std::fs::create_dir_all(project.join("assets")).unwrap();
        std::fs::write(dir.join("secret.txt"), "secret").unwrap();
        std::fs::write(project.join("assets/own.txt"), "own").unwrap();
        std::os::unix::fs::symlink(dir.join("secret.txt"), project.join("assets/out.txt")).unwrap();
        std::os::unix::fs::symlink(project.join("assets/own.txt"), project.join("in.txt")).unwrap();
        assert_eq!(
            open(&project, "assets/out.txt"),
            Err(Refused::LinksOut(project.join("assets/out.txt")))
        );
        assert_eq!(open(&project, "in.txt"), Ok(project.join("in.txt")));
        assert_eq!(
            open(&project, "assets/missing.txt"),
            Ok(project.join("assets/missing.txt"))
        );
        let e = Refused::LinksOut(project.join("assets/out.txt")).error("the template", "x", "h");
        assert!(e.message.contains("links to a file outside"), "{e}");
        let e = Refused::Outside.error("the template", "../x", "keep it in");
        assert_eq!(
            e.message,
            "the template `../x` is outside the project folder"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
