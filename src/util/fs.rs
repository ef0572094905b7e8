//! The one way kvwire writes a file (saved plans, manifests, `init`'s runbook): whole or not at
//! all, and never through a symbolic link.
//!
//! A symbolic link at the target name is refused, naming it: a link planted in a manifests
//! directory (`k8s/secretproviderclass.yaml -> ../../.bashrc`) must not make kvwire write
//! elsewhere, and silently replacing a link someone made on purpose would surprise them. The bytes
//! go to a new file in the same directory under an unpredictable name (created exclusively, so a
//! planted file or link at that name is never opened), are synced, then renamed over the target.
//! Should a link appear at the target between the check and the rename, the rename replaces the
//! link itself: it never writes through it.

use std::{
    fmt::Write as _,
    io::Write as _,
    path::{Path, PathBuf},
};

/// Who may read the file: a plan names resources and principals (owner only); manifests and
/// runbooks are ordinary files (the umask decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Owner,
    Umask,
}

#[derive(Debug)]
pub(crate) enum WriteError {
    /// The target is a symbolic link.
    Link(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Link(p) => write!(
                f,
                "{} is a symbolic link: kvwire does not write through links; remove it or name a regular file",
                p.display()
            ),
            WriteError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl WriteError {
    /// As kvwire's error, after `label` (the flag or step): a link is bad input (exit 2); an I/O
    /// failure is what `io` makes of it.
    pub(crate) fn into_error(self, label: &str, io: fn(String) -> crate::error::Error) -> crate::error::Error {
        match self {
            WriteError::Link(_) => crate::error::Error::usage(format!("{label}: {self}")),
            WriteError::Io(..) => io(format!("{label}: {self}")),
        }
    }
}

/// Refuse a symbolic link at `path`: checked before any work, so a command stops before it
/// changes anything, and again by [`write_atomic`]. Anything else (no file, no directory yet) is
/// for the write itself to report.
pub(crate) fn check_target(path: &Path) -> Result<(), WriteError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(WriteError::Link(path.to_path_buf())),
        _ => Ok(()),
    }
}

/// Write `bytes` to `path` whole or not at all; see the module's comment.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], access: Access) -> Result<(), WriteError> {
    check_target(path)?;
    let io = |e| WriteError::Io(path.to_path_buf(), e);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name")))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), random_hex()?));
    let mut o = std::fs::OpenOptions::new();
    // create_new is O_CREAT|O_EXCL: fails on anything already there, a link included.
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(
        &mut o,
        match access {
            Access::Owner => 0o600,
            Access::Umask => 0o666,
        },
    );
    let mut f = o.open(&tmp).map_err(io)?;
    let written = f
        .write_all(bytes)
        .and_then(|_| f.sync_all())
        .and_then(|_| std::fs::rename(&tmp, path));
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    // The rename is durable once the directory is synced; not every platform can open one.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// 128 random bits, hex: a temporary name nobody can plant a file or link at in advance.
fn random_hex() -> Result<String, WriteError> {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| WriteError::Io(PathBuf::new(), std::io::Error::other("no random numbers")))?;
    Ok(b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_differ() {
        assert_ne!(random_hex().unwrap(), random_hex().unwrap());
    }
}
