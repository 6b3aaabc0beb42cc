//! The passwords of encrypted copies (`encrypt:` in a briefing): which
//! password locks which copy, the generated ones and the file that keeps
//! them, and the project's secret the keys are derived from.
//!
//! A copy's password is, in this order: its recipient's `password` from the
//! recipients file; the briefing's `password_file:` (no recipients); the one
//! generated for it before, read back from `OUT/<briefing>-passwords.csv`;
//! or six new words from the EFF long word list. Generated passwords are
//! written to that file, readable by its owner only, and nowhere else.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result, Warning, WarningKind};
use crate::model::{Briefing, Password};

/// The word list generated passwords are drawn from (7776 words; CC BY 3.0
/// US, assets/words/LICENSE.md).
const WORDS: &str = include_str!("../assets/words/eff_large_wordlist.txt");

/// How many words a generated password has: 6 × log2(7772) ≈ 77.5 bits.
pub const WORDS_PER_PASSWORD: usize = 6;

/// The project's secret, relative to the project folder.
pub const SECRET_FILE: &str = ".handbill/secret";

/// The passwords of one briefing's copies, by the copy's file name without
/// `.pdf`.
#[derive(Debug, Clone, Default)]
pub struct Locks {
    pub passwords: BTreeMap<String, Password>,
    /// The project's secret (see [`project_secret`]).
    pub secret: Vec<u8>,
    /// The passwords file, when this build wrote new passwords into it.
    pub written: Option<PathBuf>,
}

/// Why `encrypt:` cannot be used with a profile, if it cannot.
pub fn check_profile(briefing: &Briefing, print: bool, archive: bool) -> Result<()> {
    let Some(encrypt) = &briefing.encrypt else {
        return Ok(());
    };
    let (profile, standard) = match (print, archive) {
        (true, _) => ("print", "PDF/X-4"),
        (_, true) => ("archive", "PDF/A"),
        _ => return Ok(()),
    };
    Err(Error::new(format!(
        "`encrypt:` cannot be built with the {profile} profile: {standard} forbids encryption"
    ))
    .at(encrypt.location.clone())
    .help("build the copies for e-mail with `--profile screen`; for the press, build the print copy from a briefing without `encrypt:`"))
}

/// The copies of a briefing: their file names without `.pdf`.
pub fn copies(briefing: &Briefing) -> Vec<String> {
    if briefing.recipients.is_empty() {
        return vec![briefing.name.clone()];
    }
    briefing
        .recipients
        .iter()
        .map(|r| format!("{}-{}", briefing.name, r.value.slug()))
        .collect()
}

/// The passwords of every copy of an encrypted briefing (all of them, not
/// only those a `--shard` builds, so the passwords file keeps them all);
/// new ones generated and kept in the passwords file in `out`, unless
/// `sharded`: builds of other slices, perhaps at the same time, would
/// generate others, and a copy could be locked with a password the file
/// no longer holds.
pub fn lock(briefing: &Briefing, out: &Path, sharded: bool) -> Result<Locks> {
    let Some(encrypt) = &briefing.encrypt else {
        return Ok(Locks::default());
    };
    let names = copies(briefing);
    let secret = project_secret(&briefing.project)?;
    let file = passwords_file(out, &briefing.name);
    let kept = read_passwords(&file)?;
    let mut passwords = BTreeMap::new();
    let mut generated = Vec::new();
    let mut new = false;
    for (i, copy) in names.iter().enumerate() {
        let recipient = briefing.recipients.get(i).map(|r| &r.value);
        let given = match (recipient, &encrypt.value.password_file) {
            (Some(r), _) => r.password.clone(),
            (None, Some(path)) => Some(read_password_file(briefing, path, &encrypt.location)?),
            (None, None) => None,
        };
        if let Some(p) = &given
            && let Err(why) = crate::pdf::encrypt::Keys::derive(p.reveal(), &secret, copy)
        {
            let at = match briefing.recipients.get(i) {
                Some(r) => r.location.clone(),
                None => encrypt.location.clone(),
            };
            return Err(Error::new(why)
                .at(at)
                .help("use letters, digits, spaces and punctuation in passwords"));
        }
        let password = match given {
            Some(p) => p,
            None => {
                let password = match kept.get(copy) {
                    Some(p) => p.clone(),
                    None if sharded => {
                        return Err(Error::new(format!(
                            "{copy}.pdf needs a new password, which a build of one slice (`--shard`) does not generate"
                        ))
                        .at(encrypt.location.clone())
                        .help(format!(
                            "build the briefing once without `--shard` to generate its passwords into {}, or give them in the recipients file",
                            file.display()
                        )));
                    }
                    None => {
                        new = true;
                        generate()?
                    }
                };
                let name = recipient.map_or("", |r| r.name.as_str());
                generated.push((copy.clone(), name.to_string(), password.clone()));
                password
            }
        };
        passwords.insert(copy.clone(), password);
    }
    // Rewritten when a password was added or a copy left the list.
    let written = if new || kept.len() != generated.len() {
        if generated.is_empty() {
            remove_passwords_file(&file)?;
            None
        } else {
            write_passwords(&file, &generated)?;
            Some(file).filter(|_| new)
        }
    } else {
        None
    };
    Ok(Locks {
        passwords,
        secret,
        written,
    })
}

/// `OUT/<briefing>-passwords.csv`.
pub fn passwords_file(out: &Path, briefing: &str) -> PathBuf {
    out.join(format!("{briefing}-passwords.csv"))
}

/// What a build says when it wrote new passwords.
pub fn notice(file: &Path) -> Warning {
    Warning::new(
        WarningKind::NewPasswords,
        format!("new passwords are in {}", file.display()),
    )
    .at(Location::file(file))
    .help("give each reader theirs by another channel than the PDF (by phone or in person), keep the file safe, and do not send it on; rebuilds reuse it")
}

/// Six words from the list, each drawn uniformly by the system's random
/// source, joined by hyphens. The list's four words that hold a hyphen
/// themselves (`drop-down`, `felt-tip`, `t-shirt`, `yo-yo`) are left out,
/// so that a password reads back as its six words (7,772 words: 77.5 bits
/// still).
pub fn generate() -> Result<Password> {
    let words: Vec<&str> = (WORDS.lines())
        .filter_map(|l| l.split('\t').nth(1))
        .filter(|w| !w.contains('-'))
        .collect();
    let count = words.len() as u32;
    // Uniform: numbers from the incomplete last round of the list are
    // drawn again.
    let limit = u32::MAX - u32::MAX % count;
    let mut chosen = Vec::with_capacity(WORDS_PER_PASSWORD);
    while chosen.len() < WORDS_PER_PASSWORD {
        let n = getrandom::u32().map_err(|e| {
            Error::new(format!(
                "the system gave no random numbers to generate a password: {e}"
            ))
            .help("give the passwords yourself: a `password` column in the recipients file, or `password_file:`")
        })?;
        if n < limit {
            chosen.push(words[(n % count) as usize]);
        }
    }
    Ok(Password::new(chosen.join("-")))
}

/// The project's secret, from which each copy's keys are derived with its
/// password: made (32 random bytes) on first use, readable by its owner
/// only, never written into any output.
pub fn project_secret(project: &Path) -> Result<Vec<u8>> {
    let path = project.join(SECRET_FILE);
    match read_private(&path) {
        Ok(text) => return parse_secret(&text).ok_or_else(|| {
            Error::new("the project's secret is damaged")
                .at(Location::file(&path))
                .help("restore it from a backup; or delete it, and every encrypted copy gets new bytes (with the same passwords) on its next build")
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&path, "read", &e)),
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| {
        Error::new(format!(
            "the system gave no random numbers for the project's secret: {e}"
        ))
    })?;
    let text: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let dir = project.join(".handbill");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|e| Error::io(&dir, "create the folder", &e))?;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path);
    match created {
        Ok(mut f) => {
            f.write_all(format!("{text}\n").as_bytes())
                .map_err(|e| Error::io(&path, "write", &e))?;
            Ok(secret.to_vec())
        }
        // Another build made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = read_private(&path).map_err(|e| Error::io(&path, "read", &e))?;
            parse_secret(&text).ok_or_else(|| {
                Error::new("the project's secret is damaged").at(Location::file(&path))
            })
        }
        Err(e) => Err(Error::io(&path, "create", &e)),
    }
}

fn parse_secret(text: &str) -> Option<Vec<u8>> {
    let hex = text.trim();
    if hex.len() != 64 {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// Reads a file that is not a symbolic link (which could point anywhere).
fn read_private(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    let (file, _) = crate::project::open_plain(path, crate::project::Links::Refuse)?;
    file.take(64 * 1024).read_to_string(&mut text)?;
    Ok(text)
}

/// The password in `password_file:`: its first line, without the line end
/// and the spaces around it.
fn read_password_file(briefing: &Briefing, file: &str, at: &Location) -> Result<Password> {
    let path = crate::project::open(&briefing.project, file).map_err(|r| {
        r.error(
            "the password file",
            file,
            "keep it inside the project, e.g. `password_file: .handbill/pack-password.txt`",
        )
        .at(at.clone())
    })?;
    let text = read_private(&path).map_err(|e| {
        Error::io(&path, "read", &e)
            .at(at.clone())
            .help("write the password on the first line of that file, or leave out `password_file:` to have handbill generate one")
    })?;
    // Spaces around it are dropped, as around a recipients file's cell: an
    // editor's stray space at the end would lock the copy with a password
    // no one types.
    let password = text.lines().next().unwrap_or("").trim();
    if password.is_empty() {
        return Err(Error::new("the password file's first line is empty")
            .at(Location::file(&path))
            .help("write the password on the first line"));
    }
    Ok(Password::new(password))
}

/// The generated passwords kept in `file`, by copy; none if there is no
/// file.
fn read_passwords(file: &Path) -> Result<BTreeMap<String, Password>> {
    let text = match read_private(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(Error::new("the passwords file is a link, which handbill does not follow")
                .at(Location::file(file))
                .help("it must be a plain file (not a link): move the link away, and new passwords are generated"));
        }
        Err(e) => {
            return Err(Error::io(file, "read", &e)
                .help("it must be a plain file (not a link): move it away, and new passwords are generated"));
        }
    };
    let mut kept = BTreeMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let fields = csv_fields(line);
        match fields.as_slice() {
            [file, _, password] if file.ends_with(".pdf") && !password.is_empty() => {
                let copy = file.trim_end_matches(".pdf").to_string();
                kept.insert(copy, Password::new(password.clone()));
            }
            _ if line.trim().is_empty() => {}
            _ => {
                return Err(Error::new("this line of the passwords file is damaged")
                    .at(Location::at_line(file, &text, i + 1, 1))
                    .help("each line is `file,name,password`, as handbill wrote it; mend the line, or delete it to generate a new password for that copy"));
            }
        }
    }
    Ok(kept)
}

/// Writes `entries` (copy, name, password) to `file`, mode 0600, through a
/// new temporary file renamed over it: a link in its place is replaced,
/// never followed.
fn write_passwords(file: &Path, entries: &[(String, String, Password)]) -> Result<()> {
    let mut text = String::from("file,name,password\n");
    for (copy, name, password) in entries {
        text.push_str(&format!(
            "{}.pdf,{},{}\n",
            csv_field(copy),
            csv_field(&not_a_formula(name)),
            csv_field(password.reveal())
        ));
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", &e))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        std::fs::rename(&tmp, file)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(file, "write", &e)
    })
}

fn remove_passwords_file(file: &Path) -> Result<()> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(file, "remove", &e)),
        _ => Ok(()),
    }
}

/// A recipient's name as the passwords file shows it: one that starts as a
/// spreadsheet formula does (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) behind a `'`, so that the spreadsheet the file is opened in
/// shows it and does not run it (`=HYPERLINK(…)` beside everyone's
/// passwords). Only the name: the file and password columns are read back.
fn not_a_formula(name: &str) -> std::borrow::Cow<'_, str> {
    match name.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{name}").into(),
        false => name.into(),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The fields of one line as [`csv_field`] writes them.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("one field at least").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            _ => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_is_the_whole_eff_list() {
        let words: Vec<&str> = WORDS.lines().filter_map(|l| l.split('\t').nth(1)).collect();
        assert_eq!(words.len(), 7776);
        assert_eq!((words[0], words[7775]), ("abacus", "zoom"));
        let mut unique = words.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 7776, "every word once");
    }

    #[test]
    fn generated_passwords_are_six_listed_words_and_differ() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        let words: Vec<&str> = a.reveal().split('-').collect();
        assert_eq!(words.len(), WORDS_PER_PASSWORD);
        // Never a listed word with a hyphen of its own, which would make
        // the words of a password ambiguous: 12,000 words drawn would hold
        // one of the four 99.8 % of the time.
        for _ in 0..2_000 {
            let password = generate().unwrap();
            let words: Vec<&str> = password.reveal().split('-').collect();
            assert_eq!(words.len(), WORDS_PER_PASSWORD, "{}", password.reveal());
        }
        for w in words {
            assert!(WORDS.contains(&format!("\t{w}\n")), "{w} is on the list");
        }
        assert_eq!(format!("{a:?}"), "Password(hidden)");
    }

    #[test]
    fn passwords_files_read_back_what_was_written() {
        let dir = std::env::temp_dir().join(format!("handbill-pw-{}", std::process::id()));
        let file = dir.join("b-passwords.csv");
        let entries = vec![
            (
                "b-ana".to_string(),
                "Ana, Ruiz".to_string(),
                Password::new("a-b-c"),
            ),
            (
                "b-jo".to_string(),
                "Jo \"J\"".to_string(),
                Password::new("d,e"),
            ),
            // A name a spreadsheet would run: shown, not run; a password
            // that looks like one is kept as it is.
            (
                "b-hyperlink-http-evil-x".to_string(),
                "=HYPERLINK(\"http://evil\",\"x\")".to_string(),
                Password::new("=1+1"),
            ),
        ];
        write_passwords(&file, &entries).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","),
            "{text}"
        );
        let kept = read_passwords(&file).unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept["b-ana"].reveal(), "a-b-c");
        assert_eq!(kept["b-jo"].reveal(), "d,e");
        assert_eq!(kept["b-hyperlink-http-evil-x"].reveal(), "=1+1");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
