//! Encrypted copies (`encrypt:`), checked as a delegate and an office would:
//! with qpdf and poppler's tools, which know nothing of handbill.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const ANA: &str = "correct horse battery";
/// Cyrillic, 23 bytes as UTF-8: poppler's command-line tools read at most
/// 32 bytes of a password (viewers and qpdf take all 127 revision 6 allows).
const ZHANNA: &str = "пароль Жанны";

/// A pack briefing (all of the profile's sections, two recipients).
fn pack(extra: &str, recipients: &str) -> String {
    format!(
        "title: Briefing for the delegation\nprofile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: all\nlogo: assets/london-2013-placeholder.jpg\nvalues:\n  delegation: Haldane Society\n  classification: CONFIDENTIAL\nrecipients: {recipients}\n{extra}"
    )
}

/// A project with `locked.yaml` (encrypted, the passwords from the
/// recipients file) and `plain.yaml` (the same copies, unencrypted).
fn locked_project(name: &str) -> PathBuf {
    let dir = project(name);
    std::fs::write(
        dir.join("briefings/delegates.csv"),
        format!("name,role,password\nAna Ruiz,Counsel,{ANA}\nЖанна Әлиева,Observer,{ZHANNA}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/names.csv"),
        "name,role\nAna Ruiz,Counsel\nЖанна Әлиева,Observer\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/locked.yaml"),
        pack("encrypt: true\n", "briefings/delegates.csv"),
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/plain.yaml"),
        pack("", "briefings/names.csv"),
    )
    .unwrap();
    dir
}

fn build_screen(dir: &Path, extra: &[&str]) -> (String, String) {
    let mut args = vec!["build", "--profile", "screen", "--out", "out"];
    args.extend_from_slice(extra);
    let out = handbill(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

fn run(tool: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// pdftotext of `pdf`, opened with `password` if one is given.
fn text(pdf: &Path, password: Option<&str>) -> (bool, String) {
    let mut args = Vec::new();
    if let Some(p) = password {
        args.extend(["-upw", p]);
    }
    args.extend([s(pdf), "-"]);
    run("pdftotext", &args)
}

#[test]
fn qpdf_reports_aes_256_revision_6_with_print_and_accessibility_only() {
    let dir = locked_project("enc-qpdf");
    build_screen(&dir, &["briefings/locked.yaml"]);
    let ana = dir.join("out/locked-ana-ruiz.pdf");
    let (ok, report) = run(
        "qpdf",
        &["--show-encryption", &format!("--password={ANA}"), s(&ana)],
    );
    assert!(ok, "{report}");
    for line in [
        "R = 6",
        "Supplied password is user password",
        "extract for accessibility: allowed",
        "extract for any purpose: not allowed",
        "print low resolution: allowed",
        "print high resolution: allowed",
        "modify document assembly: not allowed",
        "modify forms: not allowed",
        "modify annotations: not allowed",
        "modify other: not allowed",
        "stream encryption method: AESv3",
        "string encryption method: AESv3",
        "file encryption method: AESv3",
    ] {
        assert!(
            report.lines().any(|l| l.trim() == line),
            "{line}:\n{report}"
        );
    }
    let (ok, check) = run("qpdf", &["--check", &format!("--password={ANA}"), s(&ana)]);
    assert!(
        ok && check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    // PDF 1.7 with Adobe's extension level 8, as qpdf itself writes R6.
    let bytes = std::fs::read(&ana).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.7"));
    let (_, trailer) = run(
        "qpdf",
        &[
            &format!("--password={ANA}"),
            "--show-object=trailer",
            s(&ana),
        ],
    );
    let root = trailer
        .split("/Root ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("a /Root in {trailer}"));
    let (_, catalog) = run(
        "qpdf",
        &[
            &format!("--password={ANA}"),
            &format!("--show-object={root}"),
            s(&ana),
        ],
    );
    assert!(
        catalog.contains("/ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >>"),
        "{catalog}"
    );
}

#[test]
fn decrypted_copies_have_the_pages_of_the_unencrypted_build() {
    let dir = locked_project("enc-same-pages");
    build_screen(&dir, &[]);
    for (copy, password) in [("ana-ruiz", ANA), ("жанна-әлиева", ZHANNA)] {
        let locked = dir.join(format!("out/locked-{copy}.pdf"));
        let plain = dir.join(format!("out/plain-{copy}.pdf"));
        let decrypted = dir.join(format!("out/decrypted-{copy}.pdf"));
        // The Cyrillic password as UTF-8, as qpdf takes it.
        let (ok, why) = run(
            "qpdf",
            &[
                "--decrypt",
                &format!("--password={password}"),
                s(&locked),
                s(&decrypted),
            ],
        );
        assert!(ok, "{copy}: {why}");
        let (ok, plain_text) = text(&plain, None);
        assert!(ok && plain_text.contains("Kazakhstan"), "{plain_text}");
        assert_eq!(text(&decrypted, None), (true, plain_text.clone()), "{copy}");
        assert_eq!(text(&locked, Some(password)), (true, plain_text), "{copy}");
        // The same pictures, and the same pixels on every page.
        let images = |pdf: &Path| {
            let (ok, list) = run("pdfimages", &["-list", s(pdf)]);
            assert!(ok, "{list}");
            list.lines()
                .map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    // Without the object number and generation.
                    [&f[..f.len().min(10)], &f[f.len().min(12)..]]
                        .concat()
                        .join(" ")
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(images(&decrypted), images(&plain));
        assert!(images(&plain).len() > 2, "the pack has pictures");
        let pixels = |pdf: &Path, stem: &str| {
            let prefix = dir.join(format!("out/{stem}"));
            let (ok, why) = run("pdftoppm", &["-r", "20", s(pdf), s(&prefix)]);
            assert!(ok, "{why}");
            let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.join("out"))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&format!("{stem}-"))
                })
                .collect();
            pages.sort();
            pages
                .iter()
                .map(|p| std::fs::read(p).unwrap())
                .collect::<Vec<_>>()
        };
        let (a, b) = (pixels(&decrypted, "d"), pixels(&plain, "p"));
        assert!(a.len() >= 3, "{} pages", a.len());
        assert!(a == b, "{copy}: the pages look the same");
        for p in std::fs::read_dir(dir.join("out")).unwrap().flatten() {
            if p.path().extension().is_some_and(|e| e == "ppm") {
                std::fs::remove_file(p.path()).unwrap();
            }
        }
    }
}

#[test]
fn each_password_opens_its_own_copy_only() {
    let dir = locked_project("enc-own-copy");
    build_screen(&dir, &["briefings/locked.yaml"]);
    let ana = dir.join("out/locked-ana-ruiz.pdf");
    let zhanna = dir.join("out/locked-жанна-әлиева.pdf");
    let (ok, why) = text(&ana, None);
    assert!(!ok && why.contains("Incorrect password"), "{why}");
    assert!(text(&ana, Some(ANA)).0);
    assert!(text(&zhanna, Some(ZHANNA)).0);
    assert!(
        !text(&ana, Some(ZHANNA)).0,
        "Zhanna's password opens Ana's copy"
    );
    assert!(
        !text(&zhanna, Some(ANA)).0,
        "Ana's password opens Zhanna's copy"
    );
    assert!(!text(&ana, Some("correct horse")).0, "a wrong password");
    let (ok, _) = run(
        "qpdf",
        &[
            "--decrypt",
            "--password=wrong",
            s(&ana),
            s(&dir.join("x.pdf")),
        ],
    );
    assert!(!ok, "qpdf opens the copy with a wrong password");
    // Nothing of the pages or of the metadata is readable in the file.
    let bytes = std::fs::read(&ana).unwrap();
    for plain in ["Kazakhstan", "Ana Ruiz", "Haldane", "CONFIDENTIAL"] {
        assert!(
            !bytes.windows(plain.len()).any(|w| w == plain.as_bytes()),
            "{plain} is readable in the encrypted file"
        );
    }
}

#[test]
fn given_passwords_give_the_same_bytes() {
    let dir = locked_project("enc-same-bytes");
    build_screen(&dir, &["briefings/locked.yaml"]);
    let first = std::fs::read(dir.join("out/locked-ana-ruiz.pdf")).unwrap();
    build_screen(&dir, &["briefings/locked.yaml", "--force"]);
    assert_eq!(
        first,
        std::fs::read(dir.join("out/locked-ana-ruiz.pdf")).unwrap()
    );
    // In another project, with its own secret, the same password locks
    // differently.
    let other = locked_project("enc-same-bytes-other");
    build_screen(&other, &["briefings/locked.yaml"]);
    assert_ne!(
        first,
        std::fs::read(other.join("out/locked-ana-ruiz.pdf")).unwrap()
    );
    // The secret: made on first use, for its owner only.
    let secret = dir.join(".handbill/secret");
    assert_eq!(mode(&secret), 0o600);
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            files(&e.path(), out);
        } else {
            out.push((e.path(), std::fs::read(e.path()).unwrap()));
        }
    }
}

#[test]
fn generated_passwords_are_kept_in_the_passwords_file_and_nowhere_else() {
    let dir = project("enc-generated");
    std::fs::write(
        dir.join("briefings/names.csv"),
        "name,role\nAna Ruiz,Counsel\nЖанна Әлиева,Observer\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/pack.yaml"),
        pack("encrypt: true\n", "briefings/names.csv"),
    )
    .unwrap();
    let (stdout, err) = build_screen(&dir, &[]);
    let file = dir.join("out/pack-passwords.csv");
    assert!(
        err.contains("new passwords are in out/pack-passwords.csv"),
        "{err}"
    );
    assert!(err.contains("another channel"), "{err}");
    assert_eq!(mode(&file), 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(text.lines().next(), Some("file,name,password"));
    assert_eq!(rows.len(), 2);
    for row in &rows {
        let [copy, _, password] = row[..] else {
            panic!("{row:?}")
        };
        assert_eq!(password.split('-').count(), 6, "six words: {password}");
        let pdf = dir.join("out").join(copy);
        assert!(
            text_of_copy(&pdf, password),
            "{copy} opens with its password"
        );
        // Nowhere but in the passwords file: not in the terminal, the
        // manifest, the PDFs or the project's secret.
        assert!(!stdout.contains(password) && !err.contains(password));
        let mut all = Vec::new();
        files(&dir, &mut all);
        for (path, bytes) in &all {
            let found = bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes());
            assert_eq!(found, *path == file, "{password} in {}", path.display());
        }
    }
    assert_ne!(rows[0][2], rows[1][2]);
    // A rebuild keeps the passwords, and the copies still open with them.
    let (stdout, err) = build_screen(&dir, &["--force", "--show-passwords"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert!(!err.contains("new passwords"), "{err}");
    for row in &rows {
        assert!(text_of_copy(&dir.join("out").join(row[0]), row[2]));
        assert!(
            stdout.contains(&format!("{}: {}", row[0], row[2])),
            "{stdout}"
        );
    }
    // A recipient taken off the list takes their password with them; one
    // added gets a new one, and the others keep theirs.
    std::fs::write(
        dir.join("briefings/names.csv"),
        "name,role\nAna Ruiz,Counsel\nJo Bloggs,Observer\n",
    )
    .unwrap();
    build_screen(&dir, &[]);
    let now = std::fs::read_to_string(&file).unwrap();
    assert!(now.contains(&rows[0].join(",")), "{now}");
    assert!(!now.contains(rows[1][2]) && now.contains("pack-jo-bloggs.pdf,Jo Bloggs,"));
    assert_eq!(mode(&file), 0o600);
}

/// Whether `password` opens `pdf` and shows its pages' text: with
/// pdftotext up to 32 bytes, with qpdf (decrypting it) beyond.
fn text_of_copy(pdf: &Path, password: &str) -> bool {
    if password.len() > 32 {
        let plain = pdf.with_extension("decrypted.pdf");
        let (ok, _) = run(
            "qpdf",
            &[
                "--decrypt",
                &format!("--password={password}"),
                s(pdf),
                s(&plain),
            ],
        );
        let opened = ok && text(&plain, None).1.contains("Kazakhstan");
        let _ = std::fs::remove_file(plain);
        return opened;
    }
    let (ok, text) = text(pdf, Some(password));
    ok && text.contains("Kazakhstan")
}

#[test]
fn a_changed_password_rebuilds_its_copy_and_the_manifest_keeps_none() {
    let dir = locked_project("enc-changed");
    build_screen(&dir, &["briefings/locked.yaml"]);
    let (stdout, _) = build_screen(&dir, &["briefings/locked.yaml", "-v"]);
    assert_eq!(stdout.matches("unchanged").count(), 2, "{stdout}");
    std::fs::write(
        dir.join("briefings/delegates.csv"),
        format!(
            "name,role,password\nAna Ruiz,Counsel,staple battery\nЖанна Әлиева,Observer,{ZHANNA}\n"
        ),
    )
    .unwrap();
    let (stdout, _) = build_screen(&dir, &["briefings/locked.yaml", "-v"]);
    assert!(stdout.contains("built out/locked-ana-ruiz.pdf"), "{stdout}");
    assert!(
        stdout.contains("unchanged out/locked-жанна-әлиева.pdf"),
        "{stdout}"
    );
    assert!(text_of_copy(
        &dir.join("out/locked-ana-ruiz.pdf"),
        "staple battery"
    ));
    let manifest = std::fs::read_to_string(dir.join("out/.handbill-manifest")).unwrap();
    for p in [ANA, ZHANNA, "staple battery"] {
        assert!(!manifest.contains(p), "{manifest}");
    }
}

#[test]
fn a_briefing_without_recipients_takes_its_password_from_a_file() {
    let dir = project("enc-password-file");
    std::fs::create_dir_all(dir.join(".handbill")).unwrap();
    // A stray space and a Windows line end, as an editor may leave them.
    std::fs::write(dir.join(".handbill/pack-password.txt"), "Жанна's pack \r\n").unwrap();
    std::fs::write(
        dir.join("briefings/one.yaml"),
        "title: Briefing\nprofile: kazakhstan\ntemplate: briefing-pack\naudience: delegation\nsections: [overview]\nencrypt:\n  password_file: .handbill/pack-password.txt\n",
    )
    .unwrap();
    let (_, err) = build_screen(&dir, &[]);
    assert!(!err.contains("new passwords"), "{err}");
    let pdf = dir.join("out/one.pdf");
    assert!(text_of_copy(&pdf, "Жанна's pack"));
    assert!(!text(&pdf, None).0);
    assert!(!dir.join("out/one-passwords.csv").exists());
}

#[test]
fn print_and_archive_builds_refuse_encrypt() {
    let dir = locked_project("enc-profiles");
    for profile in ["print", "archive"] {
        let out = handbill(
            &dir,
            &[
                "build",
                "briefings/locked.yaml",
                "--profile",
                profile,
                "--out",
                "out",
            ],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("briefings/locked.yaml:11:10"), "{err}");
        assert!(err.contains("--profile screen"), "{err}");
        assert!(!dir.join("out/locked-ana-ruiz.pdf").exists());
    }
}

#[test]
fn a_link_planted_as_the_passwords_file_is_not_followed() {
    let dir = project("enc-link");
    std::fs::write(
        dir.join("briefings/names.csv"),
        "name,role\nAna Ruiz,Counsel\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/pack.yaml"),
        pack("encrypt: true\n", "briefings/names.csv"),
    )
    .unwrap();
    let elsewhere = dir.join("elsewhere.txt");
    std::fs::write(&elsewhere, "not a passwords file\n").unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("out/pack-passwords.csv")).unwrap();
    let out = handbill(&dir, &["build", "--profile", "screen", "--out", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("pack-passwords.csv"), "{err}");
    assert!(err.contains("not a link"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        "not a passwords file\n"
    );
    assert!(!dir.join("out/pack-ana-ruiz.pdf").exists());
}

#[test]
fn a_sharded_build_uses_generated_passwords_but_makes_none() {
    let dir = project("enc-shard");
    std::fs::write(
        dir.join("briefings/names.csv"),
        "name,role\nAna Ruiz,Counsel\nJo Bloggs,Observer\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("briefings/pack.yaml"),
        pack("encrypt: true\n", "briefings/names.csv"),
    )
    .unwrap();
    let shard = |k: &str| {
        handbill(
            &dir,
            &["build", "--profile", "screen", "--out", "out", "--shard", k],
        )
    };
    let out = shard("1/2");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("without `--shard`"), "{err}");
    assert!(!dir.join("out/pack-passwords.csv").exists());
    build_screen(&dir, &[]);
    let passwords = std::fs::read_to_string(dir.join("out/pack-passwords.csv")).unwrap();
    for k in ["1/2", "2/2"] {
        let out = handbill(
            &dir,
            &[
                "build",
                "--profile",
                "screen",
                "--out",
                "out",
                "--shard",
                k,
                "--force",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("out/pack-passwords.csv")).unwrap(),
        passwords
    );
}
