//! The record, in the output folder, of what handbill wrote there: for each
//! PDF, the briefing that wrote it, the fingerprint of the inputs it was
//! built from and of the PDF itself.
//!
//! `OUT/.handbill-manifest` is the record as the last batch left it.
//! `OUT/.handbill-journal` takes one line as each PDF lands, appended, so a
//! batch of a thousand copies writes a thousand short lines rather than the
//! whole record a thousand times, and a batch killed part-way knows what it
//! finished. At the end of a batch the journal is folded into the manifest
//! and removed. Every line carries a check, so a line cut short by a kill,
//! or damaged, is passed over.
//!
//! Appending holds a shared lock on the journal until the PDF is in place;
//! folding holds an exclusive one. So two builds into one folder never
//! lose each other's lines, and a record is never dropped for want of its
//! file while that file is being written. The files are opened without
//! following symbolic links: one planted in the output folder is refused.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

use crate::error::Result;
use crate::write_atomically;

/// The manifest in the output folder.
pub const MANIFEST: &str = ".handbill-manifest";
/// The journal beside it.
pub const JOURNAL: &str = ".handbill-journal";

/// What handbill recorded of one PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The briefing that wrote it: its path from its project folder, with
    /// `/` between folders, e.g. `briefings/geneva-pack.yaml`.
    pub briefing: String,
    /// The fingerprint of its inputs.
    pub inputs: String,
    /// The fingerprint of the PDF.
    pub output: String,
    /// The fingerprint of its imposed copy (`NAME-imposed.pdf`), if it has one.
    pub imposed: Option<String>,
    /// The PDF is out of date: the last build of it failed, and left it as
    /// the build before wrote it. Written as a sixth field, `failed`.
    pub failed: bool,
}

/// The entries, by the PDF's file name (`NAME.pdf`).
pub type Records = BTreeMap<String, Entry>;

/// The record as it is now: the manifest, then the journal's lines.
pub fn read(out: &Path) -> Records {
    let mut records = Records::new();
    let journal = open(&out.join(JOURNAL), false);
    // A shared lock: no other build folds the journal while it is read.
    let _locked = journal.as_ref().map(File::lock_shared);
    if let Some(text) = open(&out.join(MANIFEST), false).and_then(read_all) {
        apply(&mut records, &text);
    }
    if let Some(text) = journal.and_then(read_all) {
        apply(&mut records, &text);
    }
    records
}

/// Records in the journal that the PDF `name` is about to be written. The
/// file returned holds a shared lock until it is dropped: keep it until
/// the PDF is in place. `None` if the journal cannot be written (the end of
/// the batch records the PDF all the same).
pub fn record(out: &Path, name: &str, entry: &Entry) -> Option<File> {
    let path = out.join(JOURNAL);
    for _ in 0..3 {
        let mut journal = open(&path, true)?;
        journal.lock_shared().ok()?;
        // Another build may have folded and removed the journal while this
        // one waited for the lock: then append to the new one.
        if !same_file(&journal, &path) {
            continue;
        }
        // After a line cut short (a full disk, a power cut), start afresh
        // on a line of its own, so that only the cut line is lost.
        let text = match ends_mid_line(&journal) {
            true => format!("\n{}", line(name, entry)),
            false => line(name, entry),
        };
        // One write of one whole line: appends of other threads and builds
        // never interleave with it.
        journal.write_all(text.as_bytes()).ok()?;
        return Some(journal);
    }
    None
}

/// Whether the file's last byte is not a line end.
fn ends_mid_line(file: &File) -> bool {
    let len = file.metadata().map_or(0, |m| m.len());
    if len == 0 {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let mut last = [0u8];
        file.read_at(&mut last, len - 1).is_ok() && last[0] != b'\n'
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Whether `file` is still the file at `path`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Folds the journal (and `own`, what this batch wrote, in case its journal
/// lines were lost) into the manifest, drops the entries whose PDF is no
/// longer there, and removes the journal. Nothing is written if the output
/// folder does not exist.
pub fn compact(out: &Path, own: &Records) -> Result<()> {
    if !out.is_dir() {
        return Ok(());
    }
    let journal = open(&out.join(JOURNAL), false);
    let _locked = journal.as_ref().map(File::lock);
    let manifest = open(&out.join(MANIFEST), false)
        .and_then(read_all)
        .unwrap_or_default();
    let mut records = Records::new();
    apply(&mut records, &manifest);
    let before = records.clone();
    if let Some(text) = journal.as_ref().and_then(|j| read_all(j.try_clone().ok()?)) {
        apply(&mut records, &text);
    }
    records.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    records.retain(|name, _| {
        std::fs::symlink_metadata(out.join(name)).is_ok_and(|m| m.file_type().is_file())
    });
    // An old manifest (another format) is replaced; no manifest is made
    // when there is nothing to record.
    if records != before || (!manifest.is_empty() && !manifest.starts_with(HEADER)) {
        let mut text = String::from(HEADER);
        for (name, entry) in &records {
            text.push_str(&line(name, entry));
        }
        write_atomically(&out.join(MANIFEST), text.as_bytes())?;
    }
    if journal.is_some() {
        // Another build waiting to append sees the journal gone and starts
        // a new one (see `record`): its lines are not lost.
        let _ = std::fs::remove_file(out.join(JOURNAL));
    }
    Ok(())
}

const HEADER: &str =
    "# handbill manifest 2: what each PDF here was built from. Delete it to rebuild all.\n";

/// Opens a file of the output folder, for reading, or (`append`) for
/// appending and made if missing; never through a symbolic link.
fn open(path: &Path, append: bool) -> Option<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    if append {
        options.append(true).create(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path).ok()?;
    // A folder or a device under the name is not ours either.
    file.metadata().ok()?.is_file().then_some(file)
}

fn read_all(mut file: File) -> Option<String> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// One entry as a line: tab-separated fields, then a check of them.
fn line(name: &str, entry: &Entry) -> String {
    let body = [
        name,
        &entry.briefing,
        &entry.inputs,
        &entry.output,
        entry.imposed.as_deref().unwrap_or("-"),
    ]
    .map(escape)
    .join("\t");
    let body = match entry.failed {
        true => format!("{body}\tfailed"),
        false => body,
    };
    format!("{body}\t{:016x}\n", check(&body))
}

/// Applies the whole lines of `text` in order; a line without its line
/// end (cut short), with a wrong check, or naming no plain PDF file in the
/// folder is passed over.
fn apply(records: &mut Records, text: &str) {
    let whole = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => return,
    };
    for l in whole.split('\n') {
        if let Some((name, entry)) = parse(l) {
            records.insert(name, entry);
        }
    }
}

fn parse(line: &str) -> Option<(String, Entry)> {
    let (body, sum) = line.rsplit_once('\t')?;
    if u64::from_str_radix(sum, 16).ok()? != check(body) || sum.len() != 16 {
        return None;
    }
    let mut fields: Vec<String> = body.split('\t').map(unescape).collect();
    let failed = fields.len() == 6 && fields.pop().is_some_and(|f| f == "failed");
    let [name, briefing, inputs, output, imposed] = <[String; 5]>::try_from(fields).ok()?;
    if !plain_pdf_name(&name) {
        return None;
    }
    Some((
        name,
        Entry {
            briefing,
            inputs,
            output,
            imposed: (imposed != "-").then_some(imposed),
            failed,
        },
    ))
}

/// A PDF's own name in the folder: no folder in it, not hidden.
pub fn plain_pdf_name(name: &str) -> bool {
    name.ends_with(".pdf")
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0', '\n', '\r', '\t'])
}

fn check(body: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(body.as_bytes())
}

/// Tabs, line ends and backslashes in a field (a briefing's name may have
/// them) written as `\t`, `\n`, `\r`, `\\`.
fn escape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> crate::scratch::Scratch {
        crate::scratch::Scratch::new("manifest", name)
    }

    fn entry(briefing: &str, output: &str) -> Entry {
        Entry {
            briefing: briefing.into(),
            inputs: "i".repeat(32),
            output: output.into(),
            imposed: None,
            failed: false,
        }
    }

    #[test]
    fn lines_round_trip_and_damaged_lines_are_passed_over() {
        let odd = Entry {
            briefing: "briefings/a\tb\\c\n.yaml".into(),
            imposed: Some("f".repeat(32)),
            ..entry("", "0123")
        };
        let text = line("a-b.pdf", &odd);
        let mut records = Records::new();
        apply(&mut records, &text);
        assert_eq!(records.get("a-b.pdf"), Some(&odd));
        // The mark of a failed build round-trips; a line without it is not failed.
        let failed = Entry {
            failed: true,
            ..odd.clone()
        };
        apply(&mut records, &line("c.pdf", &failed));
        assert_eq!(records.get("c.pdf"), Some(&failed));
        assert!(!records["a-b.pdf"].failed);
        assert!(line("c.pdf", &failed).contains("\tfailed\t"));
        // Cut short: no line end.
        let mut records = Records::new();
        apply(&mut records, &text[..text.len() - 1]);
        assert!(records.is_empty());
        // A changed byte fails the check; a name with a folder is refused.
        let mut damaged = text.clone().into_bytes();
        damaged[3] = b'X';
        apply(&mut records, std::str::from_utf8(&damaged).unwrap());
        apply(&mut records, &line("../x.pdf", &odd));
        apply(&mut records, &line(".handbill-manifest", &odd));
        assert!(records.is_empty(), "{records:?}");
    }

    #[test]
    fn a_torn_last_line_loses_only_itself() {
        let out = temp("torn");
        std::fs::write(out.join("a.pdf"), "x").unwrap();
        drop(record(&out, "a.pdf", &entry("briefings/a.yaml", "1")));
        drop(record(&out, "b.pdf", &entry("briefings/b.yaml", "2")));
        // As a kill in the middle of a write would leave it.
        let mut journal = OpenOptions::new()
            .append(true)
            .open(out.join(JOURNAL))
            .unwrap();
        let torn = line("c.pdf", &entry("briefings/c.yaml", "3"));
        journal.write_all(&torn.as_bytes()[..20]).unwrap();
        let records = read(&out);
        assert_eq!(records.keys().collect::<Vec<_>>(), ["a.pdf", "b.pdf"]);
        // The next build's line is not lost to the cut one before it.
        std::fs::write(out.join("d.pdf"), "x").unwrap();
        drop(record(&out, "d.pdf", &entry("briefings/d.yaml", "4")));
        let records = read(&out);
        assert_eq!(
            records.keys().collect::<Vec<_>>(),
            ["a.pdf", "b.pdf", "d.pdf"]
        );
        // Folding keeps the entries whose PDF is there and removes the journal.
        compact(&out, &Records::new()).unwrap();
        assert!(!out.join(JOURNAL).exists());
        assert_eq!(read(&out).keys().collect::<Vec<_>>(), ["a.pdf", "d.pdf"]);
    }

    #[cfg(unix)]
    #[test]
    fn planted_symlinks_are_not_followed() {
        let out = temp("symlink");
        let elsewhere = out.join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let target = elsewhere.join("victim");
        std::fs::write(&target, "precious\n").unwrap();
        std::os::unix::fs::symlink(&target, out.join(JOURNAL)).unwrap();
        std::os::unix::fs::symlink(&target, out.join(MANIFEST)).unwrap();
        std::fs::write(out.join("a.pdf"), "x").unwrap();
        assert!(record(&out, "a.pdf", &entry("b.yaml", "1")).is_none());
        let mut own = Records::new();
        own.insert("a.pdf".into(), entry("b.yaml", "1"));
        compact(&out, &own).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
        // The manifest is a file of its own now, renamed over the link.
        let meta = std::fs::symlink_metadata(out.join(MANIFEST)).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(read(&out).len(), 1);
    }

    #[test]
    fn a_thousand_records_cost_little() {
        let out = temp("thousand");
        for i in 0..1000 {
            std::fs::write(out.join(format!("pack-person-{i}.pdf")), "x").unwrap();
        }
        let started = std::time::Instant::now();
        let mut own = Records::new();
        for i in 0..1000 {
            let name = format!("pack-person-{i}.pdf");
            let e = entry("briefings/pack.yaml", &format!("{i:032x}"));
            drop(record(&out, &name, &e));
            own.insert(name, e);
        }
        let appended = started.elapsed();
        compact(&out, &Records::new()).unwrap();
        let records = read(&out);
        assert_eq!(records, own);
        let took = started.elapsed();
        eprintln!("1000 journal lines: {appended:?}; with folding and reading back: {took:?}");
        // Well under a millisecond a line: far below a PDF's build.
        assert!(
            took < std::time::Duration::from_secs(2),
            "{appended:?}, {took:?}"
        );
    }
}
