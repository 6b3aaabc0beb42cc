//! Finding the project from anywhere inside it, as cargo finds Cargo.toml:
//! the project folder is the nearest folder, going up, that holds
//! `briefings/`. The command line moves into it, so the default
//! `briefings/` and `out/`, and every path in a message, are the project's.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// The nearest folder at or above `start` that holds a `briefings/` folder.
pub fn root_above(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("briefings").is_dir())
        .map(Path::to_path_buf)
}

/// `path` without `.` and with each `..` taking off the folder before it,
/// without asking the file system (the path may be a pattern).
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Moves into the project folder that `paths` (or, when there are none, the
/// current folder) are in, and returns the paths as seen from there. Where
/// no folder above holds `briefings/`, nothing changes, and the command
/// says what is missing as before.
pub fn enter(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let here = std::env::current_dir()
        .map_err(|e| Error::io(Path::new("."), "read the current folder", &e))?;
    let absolute: Vec<PathBuf> = paths.iter().map(|p| tidy(&here.join(p))).collect();
    // Each path's project: from a folder itself, from a file's (or a
    // pattern's) folder.
    let roots: Vec<Option<PathBuf>> = absolute
        .iter()
        .map(|p| {
            let from = if p.is_dir() {
                p.as_path()
            } else {
                p.parent().unwrap_or(p)
            };
            root_above(from)
        })
        .collect();
    let root = match roots.first() {
        None => root_above(&here),
        Some(first) => {
            if let Some(i) = roots.iter().position(|r| r != first) {
                return Err(Error::new(format!(
                    "{} and {} are in different projects",
                    paths[0].display(),
                    paths[i].display()
                ))
                .help("build the briefings of one project at a time"));
            }
            first.clone()
        }
    };
    let Some(root) = root else {
        return Ok(paths.to_vec());
    };
    // Already in the project folder: the paths stay as they were typed.
    if root == here {
        return Ok(paths.to_vec());
    }
    std::env::set_current_dir(&root)
        .map_err(|e| Error::io(&root, "move into the project folder", &e))?;
    Ok(absolute
        .into_iter()
        .map(|p| match p.strip_prefix(&root) {
            Ok(inside) if inside.as_os_str().is_empty() => PathBuf::from("."),
            Ok(inside) => inside.to_path_buf(),
            Err(_) => p,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_paths_lose_dots_but_not_names() {
        assert_eq!(
            tidy(Path::new("/p/briefings/../x/./y")),
            Path::new("/p/x/y")
        );
        assert_eq!(tidy(Path::new("/p/*.yaml")), Path::new("/p/*.yaml"));
    }

    #[test]
    fn the_project_is_the_nearest_folder_with_briefings() {
        let dir =
            std::env::temp_dir().join(format!("handbill-project-find-{}", std::process::id()));
        let deep = dir.join("briefings/profiles/x");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(root_above(&deep), Some(dir.clone()));
        assert_eq!(root_above(&dir.join("briefings")), Some(dir.clone()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
