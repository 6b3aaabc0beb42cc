//! The code keeps the shape docs/architecture.md gives it: every module of
//! src/ is in the stage table there, and takes nothing from a module of a
//! later stage; no file holds more than about 800 lines of code outside its
//! tests; no hidden per-thread state.
//!
//! What a module takes is read from its `crate::` and `super::` paths
//! (outside comments and its test module). A new module is added to the
//! table in docs/architecture.md, in the row of its stage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lines of code (not blank, not only a comment) a file may hold outside
/// its test module.
const MAX_LINES: usize = 800;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md")
}

/// The stage table's modules, in stage order.
fn stages() -> Vec<String> {
    let mut out = Vec::new();
    let mut last = 0;
    for line in architecture().lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | 3 | `select` | … |
        let (Some(number), Some(module)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Ok(number) = number.parse::<usize>() else {
            continue;
        };
        let Some(module) = module.strip_prefix('`').and_then(|m| m.strip_suffix('`')) else {
            continue;
        };
        assert!(
            number > last,
            "docs/architecture.md: stage {number} (`{module}`) comes after stage {last}: number the rows in order"
        );
        last = number;
        out.push(module.to_string());
    }
    assert!(
        out.len() > 10,
        "docs/architecture.md has no stage table: {out:?}"
    );
    out
}

/// The rows of a list in docs/architecture.md under `heading`: the text
/// between the backticks that start each `- ` item.
fn listed(heading: &str) -> BTreeSet<String> {
    let text = architecture();
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("docs/architecture.md has no “{heading}”"));
    text[start + heading.len()..]
        .lines()
        .skip_while(|l| !l.starts_with("- "))
        .take_while(|l| l.starts_with("- ") || l.starts_with("  "))
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file with its module path (`layout::flow::distribute`;
/// `lib` for the crate's root, `main` for the program).
fn modules() -> Vec<(String, PathBuf)> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            (parts.join("::"), path)
        })
        .collect()
}

/// A file's code: without its test module, and without comments. A
/// `tests.rs` file is a test module of its own (`#[cfg(test)] mod tests;`
/// in the file beside it): it has no code.
fn code(path: &Path) -> Vec<String> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].starts_with("mod tests"))
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .map(str::to_string)
        .collect()
}

/// The stage a module path belongs to: the longest entry of the table it
/// starts with.
fn stage_of<'a>(module: &str, stages: &'a [String]) -> Option<(usize, &'a str)> {
    stages
        .iter()
        .enumerate()
        .filter(|(_, s)| module == s.as_str() || module.starts_with(&format!("{s}::")))
        .max_by_key(|(_, s)| s.len())
        .map(|(i, s)| (i, s.as_str()))
}

/// The module paths a file's code names: `crate::a::b` and `super::c`.
fn taken(module: &str, code: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let is_mod_file = |m: &str| m.is_empty() || m == "lib";
    for line in code {
        // `use crate::{a::X, b};`: each part.
        if let Some(group) = line
            .strip_prefix("use crate::{")
            .or_else(|| line.strip_prefix("pub use crate::{"))
        {
            for part in group.trim_end_matches("};").split(',') {
                let first = part.trim().split("::").next().unwrap_or("");
                out.insert(path_in_crate(&[first]));
            }
            continue;
        }
        for (at, _) in line.match_indices("crate::") {
            let before = &line[..at];
            if before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
                || before.ends_with("(in ")
            {
                continue; // `$crate::`, or a visibility: `pub(in crate::layout)`
            }
            let segments: Vec<&str> = line[at + 7..]
                .split("::")
                .map(|s| {
                    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")
                })
                .take_while(|s| !s.is_empty())
                .collect();
            out.insert(path_in_crate(&segments));
        }
        for (at, _) in line.match_indices("super::") {
            if line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            // The parent of this module; `super::x` names x inside it.
            let mut parts: Vec<&str> = if is_mod_file(module) {
                Vec::new()
            } else {
                module.split("::").collect()
            };
            parts.pop();
            let rest = line[at + 7..]
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if !rest.is_empty() && rest.starts_with(char::is_lowercase) {
                parts.push(rest);
            }
            out.insert(if parts.is_empty() {
                "lib".to_string()
            } else {
                parts.join("::")
            });
        }
    }
    out
}

/// `crate::` followed by `segments`, as a module path: the modules named,
/// without the item at the end (`Pages` of `layout::Pages`).
fn path_in_crate(segments: &[&str]) -> String {
    let modules: Vec<&str> = segments
        .iter()
        .copied()
        .take_while(|s| s.starts_with(char::is_lowercase))
        .collect();
    // A lower-case last segment is a function or module: as a module path
    // it only narrows the stage, never widens it.
    if modules.is_empty() {
        "lib".to_string()
    } else {
        modules.join("::")
    }
}

#[test]
fn every_module_is_in_the_stage_table_and_takes_only_from_earlier_stages() {
    let stages = stages();
    let known: BTreeSet<String> = listed("Imports still against the order");
    let mut found = BTreeSet::new();
    let mut wrong = Vec::new();
    let mut unplaced = Vec::new();
    for (module, path) in modules() {
        let Some((rank, stage)) = stage_of(&module, &stages) else {
            unplaced.push(module);
            continue;
        };
        for name in taken(&module, &code(&path)) {
            let Some((their_rank, theirs)) = stage_of(&name, &stages) else {
                continue; // a function of the crate's root, say
            };
            if their_rank > rank {
                let edge = format!("{stage} -> {theirs}");
                if known.contains(&edge) {
                    found.insert(edge);
                } else {
                    wrong.push(format!(
                        "{} takes `{name}` from stage `{theirs}`, after its own (`{stage}`)",
                        path.strip_prefix(root()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules missing from the stage table in docs/architecture.md (add a row for each, in the order of the stages): {unplaced:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the stage order of docs/architecture.md (move what both share to a module of an earlier stage):\n{}",
        wrong.join("\n")
    );
    let gone: Vec<&String> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "docs/architecture.md lists imports against the order that are no longer made: take them off the list: {gone:?}"
    );
}

#[test]
fn no_source_file_holds_more_than_about_800_lines_of_code() {
    let known = listed("Files still over the limit");
    let mut over = BTreeMap::new();
    for (_, path) in modules() {
        // A file that is itself a test module (`#[cfg(test)] mod tests;`)
        // is all tests.
        if path.file_stem().is_some_and(|s| s == "tests") {
            continue;
        }
        let lines = code(&path).len();
        let rel = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if lines > MAX_LINES {
            over.insert(rel, lines);
        }
    }
    let new: Vec<_> = over.iter().filter(|(f, _)| !known.contains(*f)).collect();
    assert!(
        new.is_empty(),
        "files of more than {MAX_LINES} lines of code outside their tests (split them by concept): {new:?}"
    );
    let gone: Vec<&String> = known.iter().filter(|f| !over.contains_key(*f)).collect();
    assert!(
        gone.is_empty(),
        "docs/architecture.md lists files over the limit that no longer are: take them off the list: {gone:?}"
    );
}

#[test]
fn the_layout_keeps_no_state_of_its_own_between_documents() {
    // What a worker remembers is in its LayoutMemo, handed in.
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let per_thread: Vec<_> = files
        .iter()
        .filter(|f| code(f).iter().any(|l| l.contains("thread_local!")))
        .collect();
    assert!(per_thread.is_empty(), "thread_local! in {per_thread:?}");
}

#[test]
fn the_checks_find_what_they_look_for() {
    // The readers above, on made-up lines: a check that finds nothing
    // must be because there is nothing.
    let lines: Vec<String> = [
        "use crate::layout::pages::{Item, Mark};",
        "use super::Engine;",
        "let mm = crate::markup::MM;",
        "use crate::{BuildOptions, load};",
    ]
    .map(String::from)
    .to_vec();
    let taken = taken("layout::flow::distribute", &lines);
    let want: BTreeSet<String> = ["layout::pages", "layout::flow", "markup", "lib", "load"]
        .map(String::from)
        .into();
    assert_eq!(taken, want);
    let stages = stages();
    let rank = |m: &str| stage_of(m, &stages).map(|(r, _)| r);
    assert!(rank("layout::pages") < rank("layout::flow::distribute"));
    assert_eq!(
        stage_of("layout::flow::distribute", &stages).map(|(_, s)| s),
        Some("layout::flow")
    );
    assert!(rank("markup") < rank("layout") && rank("layout") < rank("pdf::impose"));
    let test_module =
        "fn a() {}\n// crate::pdf::x\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    let dir = std::env::temp_dir().join(format!("handbill-architecture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a.rs");
    std::fs::write(&file, test_module).unwrap();
    assert_eq!(code(&file), vec!["fn a() {}".to_string()]);
    std::fs::remove_dir_all(&dir).unwrap();
}
