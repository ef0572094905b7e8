//! Input checks used as clap value parsers, so bad input fails before any network call (exit 2).
//! Each message names what is allowed.

/// `--subscription`: an ID (a GUID) or a display name (1-64 characters, as the portal allows).
pub fn subscription(s: &str) -> Result<String, String> {
    if let Ok(id) = guid(s) {
        return Ok(id);
    }
    if (1..=64).contains(&s.chars().count()) && !s.chars().any(char::is_control) {
        Ok(s.to_string())
    } else {
        Err("expected a subscription ID (a GUID) or its name (1-64 characters)".to_string())
    }
}

pub fn guid(s: &str) -> Result<String, String> {
    let groups: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip(lens)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(format!("{s:?} is not a GUID"))
    }
}

/// Resource group: 1-90 of letters, digits, `_ - . ( )`, not ending in `.`.
pub fn resource_group(s: &str) -> Result<String, String> {
    let ok = (1..=90).contains(&s.len())
        && s.chars().all(|c| c.is_alphanumeric() || "_-.()".contains(c))
        && !s.ends_with('.');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a resource group name: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'"
        ))
    }
}

/// AKS cluster: 1-63 of letters, digits, `_ -`, starting and ending with a letter or digit.
pub fn cluster_name(s: &str) -> Result<String, String> {
    let ok = (1..=63).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not an AKS cluster name: 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit"
        ))
    }
}

/// Agent pool: 1-12 lowercase letters and digits, starting with a letter.
pub fn nodepool_name(s: &str) -> Result<String, String> {
    let ok = (1..=12).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a node pool name: 1-12 lowercase letters and digits, starting with a letter"
        ))
    }
}

/// Azure names of `min..=max` letters, digits, `-` and `_`, starting with a letter or digit.
fn azure_name(s: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let ok = (min..=max).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a {what}: {min}-{max} letters, digits, '-' or '_', starting with a letter or digit"
        ))
    }
}

/// User-assigned identity: 3-128 characters.
pub fn identity_name(s: &str) -> Result<String, String> {
    azure_name(s, 3, 128, "managed identity name")
}

/// Federated identity credential: 3-120 characters.
pub fn credential_name(s: &str) -> Result<String, String> {
    azure_name(s, 3, 120, "federated credential name")
}

/// Kubernetes namespace (DNS-1123 label): 1-63 lowercase letters, digits, `-`, alphanumeric at both ends.
pub fn k8s_namespace(s: &str) -> Result<String, String> {
    if dns1123_label(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a Kubernetes namespace: 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit"
        ))
    }
}

/// Kubernetes service account (DNS-1123 subdomain): up to 253 characters, dot-separated labels.
pub fn k8s_service_account(s: &str) -> Result<String, String> {
    if s.len() <= 253 && s.split('.').all(dns1123_label) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a Kubernetes service account name: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit"
        ))
    }
}

fn dns1123_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Key Vault secret name, as kvwire allows it: a letter, then up to 126 letters, digits or `-`.
pub fn secret_name(s: &str) -> Result<String, String> {
    let ok = (1..=127).contains(&s.len())
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a Key Vault secret name: a letter, then up to 126 letters, digits or '-' (^[A-Za-z][0-9A-Za-z-]{{0,126}}$)"
        ))
    }
}

/// A user-assigned identity resource ID.
pub fn identity_resource_id(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.trim_matches('/').split('/').collect();
    let ok = parts.len() == 8
        && parts[0].eq_ignore_ascii_case("subscriptions")
        && guid(parts[1]).is_ok()
        && parts[2].eq_ignore_ascii_case("resourceGroups")
        && resource_group(parts[3]).is_ok()
        && parts[4].eq_ignore_ascii_case("providers")
        && parts[5].eq_ignore_ascii_case("Microsoft.ManagedIdentity")
        && parts[6].eq_ignore_ascii_case("userAssignedIdentities")
        && !parts[7].is_empty();
    if ok {
        Ok(format!("/{}", parts.join("/")))
    } else {
        Err(format!(
            "{s:?} is not a user-assigned identity resource ID: expected /subscriptions/GUID/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME"
        ))
    }
}

/// Vault name rules: 3-24 letters, digits and single hyphens, starting with a letter, not ending in a hyphen.
pub fn vault_name(s: &str) -> Result<String, String> {
    let ok = (3..=24).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a Key Vault name: 3-24 letters, digits and single hyphens, starting with a letter (or pass the vault's resource ID)"
        ))
    }
}

/// `--vault` value: a resource ID or a name (validated here, before any request).
pub fn vault_ref(s: &str) -> Result<String, String> {
    if s.starts_with("/subscriptions/") {
        let parts: Vec<&str> = s.trim_matches('/').split('/').collect();
        let ok = parts.len() == 8
            && parts[4].eq_ignore_ascii_case("providers")
            && parts[5].eq_ignore_ascii_case("Microsoft.KeyVault")
            && parts[6].eq_ignore_ascii_case("vaults");
        if ok {
            return Ok(format!("/{}", parts.join("/")));
        }
        return Err(format!(
            "{s:?} is not a Key Vault resource ID: expected /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/NAME"
        ));
    }
    vault_name(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_refs() {
        assert!(vault_ref("kv-demo").is_ok());
        assert!(vault_ref("kv--x").is_err());
        assert!(vault_ref("1kv").is_err());
        assert!(vault_ref("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv").is_ok());
        assert!(vault_ref("/subscriptions/s/resourceGroups/rg").is_err());
    }

    #[test]
    fn names() {
        assert!(resource_group("rg-demo_1(x).y").is_ok());
        assert!(resource_group("rg.").is_err());
        assert!(cluster_name("aks-demo").is_ok());
        assert!(cluster_name("-aks").is_err());
        assert!(nodepool_name("nodepool1").is_ok());
        assert!(nodepool_name("NodePool").is_err());
        assert!(nodepool_name("averyveryverylongname").is_err());
        assert_eq!(
            subscription("AAAAAAAA-0000-0000-0000-000000000000").unwrap(),
            "aaaaaaaa-0000-0000-0000-000000000000"
        );
        assert_eq!(subscription("Contoso Prod").unwrap(), "Contoso Prod");
        assert!(subscription("").is_err() && subscription(&"x".repeat(65)).is_err() && subscription("a\nb").is_err());
        assert!(identity_resource_id("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1").is_ok());
        assert!(identity_resource_id("/subscriptions/x/resourceGroups/rg").is_err());
        assert!(identity_name("id-app_1").is_ok() && identity_name("ab").is_err());
        assert!(k8s_namespace("team-a").is_ok() && k8s_namespace("Team").is_err() && k8s_namespace("a-").is_err());
        assert!(k8s_service_account("app.sa").is_ok() && k8s_service_account("app_sa").is_err());
        assert!(credential_name("kvwire-ns-sa").is_ok() && credential_name("-x-").is_err());
    }
}

/// The CSI driver's `rotationPollInterval`: a positive Go duration (`2m`, `90s`, `1h30m`), which the
/// driver parses with Go's `time.ParseDuration` (units ns, us, µs, ms, s, m, h).
pub fn rotation_poll_interval(s: &str) -> Result<String, String> {
    let err = || format!("{s:?}: expected a duration such as 2m, 90s or 1h30m");
    let mut rest = s;
    let mut total_ms = 0f64;
    if rest.is_empty() {
        return Err(err());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(err)?;
        let number: f64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            _ => return Err(err()),
        };
        total_ms += number * scale;
        rest = &rest[unit_len..];
    }
    if total_ms <= 0.0 {
        return Err(format!("{s:?}: the interval must be longer than zero"));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod duration_tests {
    use super::rotation_poll_interval as d;

    #[test]
    fn go_durations() {
        for ok in ["2m", "90s", "1h30m", "1.5h", "500ms"] {
            assert_eq!(d(ok).as_deref(), Ok(ok));
        }
        for bad in ["", "2", "m", "2 m", "2min", "-2m", "0s", "2m3", "1d"] {
            assert!(d(bad).is_err(), "{bad:?}");
        }
    }
}
