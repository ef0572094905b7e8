//! Kubernetes documents: the SecretProviderClass and its lint rules, YAML in and out.

pub(crate) mod access;
pub(crate) mod apply;
pub(crate) mod inspect;
pub(crate) mod manifests;
pub(crate) mod podidentity;
pub mod spc;
pub mod yaml;

/// The label on every object kvwire emits (the Kubernetes recommended `managed-by` label).
pub(crate) fn managed_by_label() -> serde_json::Value {
    serde_json::json!({"app.kubernetes.io/managed-by": "kvwire"})
}

/// The label naming the runbook that applied an object (`kvwire.io/runbook: <stable name>`):
/// `down` deletes only objects that carry it with its own runbook's name.
pub(crate) const RUNBOOK_LABEL: &str = "kvwire.io/runbook";

/// [`RUNBOOK_LABEL`] for runbook `name` (`Loaded::stable_name`): a label value is at most 63
/// characters, alphanumeric at both ends, with `-`, `_`, `.` between (Kubernetes docs, "Labels
/// and Selectors", syntax and character set); a longer name is cut and ends with a digest.
pub(crate) fn runbook_label(name: &str) -> (String, String) {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string();
    let value = if clean.len() <= 63 && clean == name {
        clean
    } else {
        let digest: String = ring::digest::digest(&ring::digest::SHA256, name.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let keep: String = clean.chars().take(54).collect();
        format!(
            "{}-{}",
            keep.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()),
            &digest[..8]
        )
    };
    (RUNBOOK_LABEL.to_string(), value)
}
