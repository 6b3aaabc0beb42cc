//! Reading a file handbill was pointed at, whoever made it: only a plain
//! file, and no more of it than a limit. A named pipe would keep a build
//! waiting for a writer for ever and a device such as `/dev/zero` never
//! ends, so both are refused before a byte is read; a file larger than the
//! limit is not read past it, whatever its size said when it was opened.

use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::NotPlainFile;

/// What [`read_capped`] read.
pub enum Capped {
    Within(Vec<u8>),
    /// Larger than the limit: the bytes it has (or more).
    Over(u64),
}

/// Whether [`open_plain`] follows a symbolic link at the end of the path.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Follow,
    /// A link is refused, whatever it points at (a private file's).
    Refuse,
}

/// The file at `path` opened for reading, if it is a plain file, with what
/// the open file says of itself (its size): a folder, a named pipe, a
/// device or a socket is refused with an error that says so. Opened
/// without waiting (a pipe opened plainly waits for a writer), so the
/// refusal comes at once.
pub fn open_plain(path: &Path, links: Links) -> std::io::Result<(File, Metadata)> {
    let mut flags = libc::O_NONBLOCK;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(std::io::ErrorKind::IsADirectory.into());
    }
    if !kind.is_file() {
        return Err(std::io::Error::other(NotPlainFile));
    }
    Ok((file, meta))
}

/// Reads the plain file at `path` if it holds at most `limit` bytes: opened
/// once, its size taken from the open file (a profile of thousands of
/// sections looks each name up once), and no more than the limit read
/// whatever the size said (a file still being written).
pub fn read_capped(path: &Path, limit: u64, links: Links) -> std::io::Result<Capped> {
    let (file, meta) = open_plain(path, links)?;
    let size = meta.len();
    if size > limit {
        return Ok(Capped::Over(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(match bytes.len() as u64 {
        read if read > limit => Capped::Over(read),
        _ => Capped::Within(bytes),
    })
}

/// The text of a file handbill has read already, read again for a message
/// (the line a warning points at): empty if it is no longer a plain file of
/// at most `limit` bytes of UTF-8.
pub fn read_again(path: &Path, limit: u64) -> String {
    match read_capped(path, limit, Links::Follow) {
        Ok(Capped::Within(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_file_is_read_and_no_further_than_the_limit() {
        let dir = crate::scratch::Scratch::new("project", "read");
        let file = dir.join("a.txt");
        std::fs::write(&file, "twelve bytes").unwrap();
        assert!(
            matches!(read_capped(&file, 12, Links::Follow), Ok(Capped::Within(b)) if b == b"twelve bytes")
        );
        assert!(matches!(
            read_capped(&file, 11, Links::Follow),
            Ok(Capped::Over(12))
        ));
        // A named pipe with no writer: refused at once, not waited on.
        let pipe = dir.join("pipe.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read_capped(&pipe, 100, Links::Follow).err().unwrap();
        assert!(err.get_ref().unwrap().is::<NotPlainFile>());
        let message = crate::error::Error::io(&pipe, "read", &err).render(false);
        assert!(message.contains("it is not a plain file"), "{message}");
        assert!(message.contains("put a plain file there"), "{message}");
        // A device that never ends.
        let err = read_capped(Path::new("/dev/zero"), 100, Links::Follow)
            .err()
            .unwrap();
        assert!(err.get_ref().unwrap().is::<NotPlainFile>());
        let err = read_capped(&dir, 100, Links::Follow).err().unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::IsADirectory);
        // A link is followed, or refused where asked.
        let link = dir.join("link.txt");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(matches!(
            read_capped(&link, 100, Links::Follow),
            Ok(Capped::Within(_))
        ));
        assert!(read_capped(&link, 100, Links::Refuse).is_err());
        assert_eq!(read_again(&pipe, 100), "");
        assert_eq!(read_again(&file, 100), "twelve bytes");
    }
}
