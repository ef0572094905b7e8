//! Every file or stream kvwire reads is read through [`read_bounded`], with the bound of its kind
//! below (docs/security.md, "Bounded input"). Without one, `-f /dev/zero` or a hostile file given
//! to `lint` reads until memory runs out.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// The most bytes read as one kind of input.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bytes: usize,
    /// What it is read as, for the message: "a runbook".
    pub(crate) what: &'static str,
}

const MIB: usize = 1024 * 1024;

/// A runbook (`-f`): hand-written TOML, a few KiB in practice.
pub const RUNBOOK: Limit = Limit {
    bytes: MIB,
    what: "a runbook",
};
/// KEY=value pairs: `secrets seed --from-file` / `--stdin`, a runbook's `[secrets] file`.
pub(crate) const DOTENV: Limit = Limit {
    bytes: MIB,
    what: "KEY=value input",
};
/// YAML: `lint` (files and stdin), the manifests `verify` reads back. Kubernetes objects are
/// limited to about 1.5 MB by etcd.
pub(crate) const YAML: Limit = Limit {
    bytes: 4 * MIB,
    what: "YAML",
};
/// A saved plan (`up --plan`): JSON that carries every planned field of every step.
pub(crate) const SAVED_PLAN: Limit = Limit {
    bytes: 16 * MIB,
    what: "a saved plan",
};
/// A cloud file (`--cloud FILE`): a dozen endpoints in TOML.
pub(crate) const CLOUD_FILE: Limit = Limit {
    bytes: MIB,
    what: "a cloud file",
};
/// A CA bundle (`--ca-bundle`): Mozilla's whole bundle is about 220 KB.
pub(crate) const CA_BUNDLE: Limit = Limit {
    bytes: 4 * MIB,
    what: "a CA bundle",
};
/// The Azure CLI's `azureProfile.json`: one short entry per subscription.
pub(crate) const AZURE_PROFILE: Limit = Limit {
    bytes: 16 * MIB,
    what: "an Azure CLI profile",
};

/// Where input comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    File(&'a Path),
    Stdin,
}

/// Text from `from`, refused (usage error) past `limit` or when not UTF-8. `origin` starts every
/// message ("--from-file x.env", "stdin").
pub(crate) fn read_bounded(from: Source<'_>, limit: Limit, origin: &str) -> Result<String> {
    String::from_utf8(read_bounded_bytes(from, limit, origin)?)
        .map_err(|_| Error::usage(format!("{origin}: not UTF-8 text: not read")))
}

/// The same as bytes (a CA bundle, a runbook's digest).
pub(crate) fn read_bounded_bytes(from: Source<'_>, limit: Limit, origin: &str) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| Error::usage(format!("{origin}: cannot read: {e}"));
    let mut buf = Vec::new();
    // One byte past the bound tells "exactly at the limit" from "over it" without reading on.
    let take = limit.bytes as u64 + 1;
    match from {
        Source::File(path) => std::fs::File::open(path)
            .map_err(cannot)?
            .take(take)
            .read_to_end(&mut buf),
        Source::Stdin => std::io::stdin().lock().take(take).read_to_end(&mut buf),
    }
    .map_err(cannot)?;
    if buf.len() > limit.bytes {
        return Err(Error::usage(format!(
            "{origin}: larger than {} MiB, the most kvwire reads as {}: not read",
            limit.bytes / MIB,
            limit.what
        )));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_past_it() {
        let dir = std::env::temp_dir().join(format!("kvwire-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("at-limit");
        std::fs::write(&path, "a".repeat(MIB)).unwrap();
        assert_eq!(read_bounded(Source::File(&path), RUNBOOK, "f").unwrap().len(), MIB);
        std::fs::write(&path, "a".repeat(MIB + 1)).unwrap();
        let e = read_bounded(Source::File(&path), RUNBOOK, "f").unwrap_err().to_string();
        assert_eq!(e, "f: larger than 1 MiB, the most kvwire reads as a runbook: not read");
        std::fs::write(&path, b"\xff").unwrap();
        let e = read_bounded(Source::File(&path), RUNBOOK, "f").unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
