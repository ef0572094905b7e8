//! Input checks used as clap value parsers, so bad input fails before any network call (exit 2).
//! Each message names what is allowed.

/// `--subscription`: an ID (a GUID) or a display name (1-64 characters, as the portal allows).
pub(crate) fn subscription(s: &str) -> Result<String, String> {
    if let Ok(id) = guid(s) {
        return Ok(id);
    }
    if (1..=64).contains(&s.chars().count()) && !s.chars().any(char::is_control) {
        Ok(s.to_string())
    } else {
        Err("expected a subscription ID (a GUID) or its name (1-64 characters)".to_string())
    }
}

pub(crate) fn guid(s: &str) -> Result<String, String> {
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
        Err(format!("{s_q} is not a GUID", s_q = crate::util::text::quoted(s)))
    }
}

/// Resource group: 1-90 of letters, digits, `_ - . ( )`, not ending in `.`.
pub(crate) fn resource_group(s: &str) -> Result<String, String> {
    let ok = (1..=90).contains(&s.len())
        && s.chars().all(|c| c.is_alphanumeric() || "_-.()".contains(c))
        && !s.ends_with('.');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a resource group name: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// AKS cluster: 1-63 of letters, digits, `_ -`, starting and ending with a letter or digit.
pub(crate) fn cluster_name(s: &str) -> Result<String, String> {
    let ok = (1..=63).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not an AKS cluster name: 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// Agent pool: 1-12 lowercase letters and digits, starting with a letter.
pub(crate) fn nodepool_name(s: &str) -> Result<String, String> {
    let ok = (1..=12).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a node pool name: 1-12 lowercase letters and digits, starting with a letter",
            s_q = crate::util::text::quoted(s)
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
            "{s_q} is not a {what}: {min}-{max} letters, digits, '-' or '_', starting with a letter or digit",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// User-assigned identity: 3-128 characters.
pub(crate) fn identity_name(s: &str) -> Result<String, String> {
    azure_name(s, 3, 128, "managed identity name")
}

/// AKS identity binding: `^[a-z][a-z0-9]{0,63}$` (the API definition's `identityBindingName`, as
/// the Bicep reference for managedClusters/identityBindings gives it).
pub(crate) fn identity_binding_name(s: &str) -> Result<String, String> {
    if (1..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{} is not an identity binding name: 1-64 lower-case letters and digits, starting with a letter",
            crate::util::text::quoted(s)
        ))
    }
}

/// The binding kvwire names for an identity when the runbook names none: its name's lower-case
/// letters and digits, from the first letter, at most 64 (`id-Shop-1` → `idshop1`).
pub(crate) fn default_binding_name(identity: &str) -> String {
    let kept: String = identity
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .skip_while(|c| !c.is_ascii_lowercase())
        .take(64)
        .collect();
    if kept.is_empty() { "kvwire".into() } else { kept }
}

/// The longest federated identity credential name Entra accepts (workload identity federation
/// considerations, error table: "Alphanumeric, dash, underscore, no more than 3-120 symbols. First
/// symbol is alphanumeric.").
pub(crate) const CREDENTIAL_NAME_MAX: usize = 120;

/// Federated identity credential: 3-120 characters.
pub(crate) fn credential_name(s: &str) -> Result<String, String> {
    azure_name(s, 3, CREDENTIAL_NAME_MAX, "federated credential name")
}

/// Kubernetes namespace (DNS-1123 label): 1-63 lowercase letters, digits, `-`, alphanumeric at both ends.
pub(crate) fn k8s_namespace(s: &str) -> Result<String, String> {
    if dns1123_label(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a Kubernetes namespace: 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// Kubernetes service account (DNS-1123 subdomain): up to 253 characters, dot-separated labels.
pub(crate) fn k8s_service_account(s: &str) -> Result<String, String> {
    if s.len() <= 253 && s.split('.').all(dns1123_label) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a Kubernetes service account name: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit",
            s_q = crate::util::text::quoted(s)
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
pub(crate) fn secret_name(s: &str) -> Result<String, String> {
    let ok = (1..=127).contains(&s.len())
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a Key Vault secret name: a letter, then up to 126 letters, digits or '-' (^[A-Za-z][0-9A-Za-z-]{{0,126}}$)",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// Any Key Vault object's name, as the vault allows it (Key Vault docs, "About keys, secrets, and
/// certificates": 1-127 characters, 0-9, a-z, A-Z and `-`): what `lint` accepts from a manifest
/// before it becomes part of a URL.
pub(crate) fn keyvault_object_name(s: &str) -> Result<String, String> {
    if (1..=127).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{} is not a Key Vault object name (1-127 letters, digits and '-')",
            crate::util::text::quoted(s)
        ))
    }
}

/// A user-assigned identity resource ID.
pub(crate) fn identity_resource_id(s: &str) -> Result<String, String> {
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
            "{s_q} is not a user-assigned identity resource ID: expected /subscriptions/GUID/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// Why `s` cannot name a Key Vault, or `None`. Azure's rule for Microsoft.KeyVault/vaults
/// ("Naming rules and restrictions for Azure resources", learn.microsoft.com,
/// azure-resource-manager/management/resource-name-rules): 3-24 alphanumerics and hyphens, start
/// with a letter, end with a letter or digit, no consecutive hyphens. The REST API's `vaultName`
/// pattern (`^[a-zA-Z0-9-]{3,24}$`, azure-rest-api-specs keyvault.json) checks only the first.
pub(crate) fn vault_name_problem(s: &str) -> Option<String> {
    let len = s.chars().count();
    if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric() && *c != '-') {
        Some(format!(
            "{} is not allowed (letters, digits and hyphens only)",
            crate::util::text::quoted(c.to_string())
        ))
    } else if !(3..=24).contains(&len) {
        Some(format!("{len} characters, not 3-24"))
    } else if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with a letter".into())
    } else if s.ends_with('-') {
        Some("it must end with a letter or digit".into())
    } else if s.contains("--") {
        Some("two hyphens in a row are not allowed".into())
    } else {
        None
    }
}

/// Vault name rules ([`vault_name_problem`]).
pub(crate) fn vault_name(s: &str) -> Result<String, String> {
    if vault_name_problem(s).is_none() {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a Key Vault name: 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit (or pass the vault's resource ID)",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// `--vault` value: a resource ID or a name (validated here, before any request).
pub(crate) fn vault_ref(s: &str) -> Result<String, String> {
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
            "{s_q} is not a Key Vault resource ID: expected /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/NAME",
            s_q = crate::util::text::quoted(s)
        ));
    }
    vault_name(s)
}

/// A runbook's name, which kvwire records on what the runbook uses (`down` keeps what another
/// runbook still claims): 1-63 lower-case letters, digits and hyphens, starting with a letter or
/// digit — it goes into tags and descriptions, so no separators.
pub(crate) fn runbook_name(s: &str) -> Result<String, String> {
    let ok = (1..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a runbook name: 1-63 lower-case letters, digits and hyphens",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

/// `raw` in runbook-name letters: lower-cased, other characters as hyphens, at most `max`
/// characters, no hyphen at either end (`Shop_Prod` → `shop-prod`).
pub(crate) fn runbook_slug(raw: &str, max: usize) -> String {
    let slug: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(max)
        .collect();
    slug.trim_matches('-').to_string()
}

/// `--acr` value: a container registry's name (5-50 letters and digits, Azure's naming rules
/// for Microsoft.ContainerRegistry/registries) or its resource ID.
pub(crate) fn registry_ref(s: &str) -> Result<String, String> {
    if s.starts_with("/subscriptions/") {
        let parts: Vec<&str> = s.trim_matches('/').split('/').collect();
        let ok = parts.len() == 8
            && parts[2].eq_ignore_ascii_case("resourceGroups")
            && parts[4].eq_ignore_ascii_case("providers")
            && parts[5].eq_ignore_ascii_case("Microsoft.ContainerRegistry")
            && parts[6].eq_ignore_ascii_case("registries");
        if ok {
            return Ok(format!("/{}", parts.join("/")));
        }
        return Err(format!(
            "{s_q} is not a container registry resource ID: expected /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/registries/NAME",
            s_q = crate::util::text::quoted(s)
        ));
    }
    if (5..=50).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s_q} is not a container registry name: 5-50 letters and digits (or pass the registry's resource ID)",
            s_q = crate::util::text::quoted(s)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_refs() {
        assert!(registry_ref("myacr01").is_ok());
        assert!(registry_ref("my-acr").is_err());
        assert!(registry_ref("acr").is_err());
        assert!(
            registry_ref("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr01")
                .is_ok()
        );
        assert!(registry_ref("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/acr01").is_err());
    }

    #[test]
    fn vault_refs() {
        assert!(vault_ref("kv-demo").is_ok());
        assert!(vault_ref("kv--x").is_err());
        assert!(vault_ref("1kv").is_err());
        assert!(vault_ref("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv").is_ok());
        assert!(vault_ref("/subscriptions/s/resourceGroups/rg").is_err());
    }

    /// Each of Azure's rules for a vault's name, at its edges.
    #[test]
    fn vault_names_follow_every_azure_rule() {
        for ok in ["kv1", "KV-demo-2", "a23456789012345678901234", "k-v-1"] {
            assert_eq!(vault_name_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("kv", "2 characters, not 3-24"),
            ("a234567890123456789012345", "25 characters"),
            ("kv_demo", "\"_\" is not allowed"),
            ("kv.demo", "\".\" is not allowed"),
            ("1kv", "start with a letter"),
            ("-kv", "start with a letter"),
            ("kv-", "end with a letter or digit"),
            ("kv--demo", "two hyphens in a row"),
            ("kvé", "is not allowed"),
        ] {
            let got = vault_name_problem(bad).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got:?}");
            assert!(vault_name(bad).is_err(), "{bad}");
        }
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

/// A container image reference, by the grammar of distribution/reference (`reference.go`), which
/// containerd and Docker use: `[DOMAIN[:PORT]/]PATH[:TAG][@DIGEST]`, path components of lower-case
/// letters and digits joined by `.`, `_`, `__` or dashes, a tag of up to 128 word characters, dots
/// and dashes, a digest `ALGORITHM:HEX`. Whatever else a manifest would carry is refused here.
pub(crate) fn container_image(s: &str) -> Result<String, String> {
    let err = || {
        format!(
            "{} is not a container image reference ([REGISTRY/]NAME[:TAG][@DIGEST], e.g. ghcr.io/example/app:1.4)",
            crate::util::text::quoted(s)
        )
    };
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let (algo, hex) = d.split_once(':').ok_or_else(err)?;
        let algo_ok = algo.split(['+', '.', '_', '-']).all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && p.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if !algo_ok || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(err());
        }
    }
    // A tag follows the last ':' after the last '/' (a ':' before it is the registry's port).
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = (1..=128).contains(&t.len())
            && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return Err(err());
        }
    }
    if name.is_empty() || name.len() > 255 {
        return Err(err());
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    // A first part with a '.', a ':' or "localhost" is the registry.
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let (host, port) = match parts[0].split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (parts[0], None),
        };
        let host_ok = host.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
        if !host_ok || !port_ok {
            return Err(err());
        }
        parts.remove(0);
    }
    let component_ok = |c: &str| {
        let b = c.as_bytes();
        !b.is_empty()
            && b.first().is_some_and(|x| x.is_ascii_lowercase() || x.is_ascii_digit())
            && b.last().is_some_and(|x| x.is_ascii_lowercase() || x.is_ascii_digit())
            && b.iter().all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || b"._-".contains(x))
            // Separators: one '.', one or two '_', or any number of '-'.
            && !c.contains("..")
            && !c.contains("___")
            && !c.contains("._")
            && !c.contains("_.")
            && !c.contains(".-")
            && !c.contains("-.")
            && !c.contains("_-")
            && !c.contains("-_")
    };
    if parts.is_empty() || !parts.iter().all(|c| component_ok(c)) {
        return Err(err());
    }
    Ok(s.to_string())
}

/// The CSI driver's `rotationPollInterval`: a positive Go duration (`2m`, `90s`, `1h30m`), which the
/// driver parses with Go's `time.ParseDuration` (units ns, us, µs, ms, s, m, h).
pub(crate) fn rotation_poll_interval(s: &str) -> Result<String, String> {
    let err = || {
        format!(
            "{s_q}: expected a duration such as 2m, 90s or 1h30m",
            s_q = crate::util::text::quoted(s)
        )
    };
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
        return Err(format!(
            "{s_q}: the interval must be longer than zero",
            s_q = crate::util::text::quoted(s)
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod image_tests {
    use super::container_image as img;

    #[test]
    fn references() {
        for ok in [
            "nginx",
            "ghcr.io/example/checkout:1.4",
            "localhost:5000/app",
            "myregistry.azurecr.io/team/app_x__y-z:v1.2-rc_1",
            "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "docker.io/library/redis:7@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(img(ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "",
            "Nginx",
            "app:",
            "app:-x",
            "a b",
            "app\nhostPID: true",
            "app\u{2028}x",
            "app:1.4\r",
            "ghcr.io//app",
            "app@sha256:xyz",
            "-app",
            "app.",
            "app:tag with space",
            "ghcr.io:port/app",
        ] {
            assert!(img(bad).is_err(), "{bad:?}");
        }
    }
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
