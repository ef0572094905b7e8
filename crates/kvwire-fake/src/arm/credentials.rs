//! Managed Clusters - List Cluster User Credentials / List Cluster Admin Credentials
//! (`POST …/managedClusters/{name}/listClusterUserCredential`, `…/listClusterAdminCredential`):
//! `{"kubeconfigs": [{"name", "value"}]}`, `value` a base64 kubeconfig (official examples
//! ManagedClustersListClusterUserCredentials / ManagedClustersListClusterAdminCredentials, vendored
//! in tests/fixtures/k8s/aks; wire vocabulary managed-cluster-credentials.json).
//!
//! The kubeconfig is AKS's: cluster `{name}` with the API server's address and the CA's
//! `certificate-authority-data`; context `{name}` (`{name}-admin` for the admin credential); user
//! `clusterUser_{rg}_{name}` / `clusterAdmin_{rg}_{name}` with a client certificate, its key and a
//! static `token`. For a cluster with AKS-managed Entra ID integration (`aadProfile.managed`) the
//! user credential carries the kubelogin exec plugin instead (`get-token --environment
//! AzurePublicCloud --server-id 6dae42f8-… --client-id 80faf920-… --tenant-id … --login
//! devicecode`; Azure/kubelogin docs, exec-plugin.md and concepts/aks.md; AKS clusters of
//! Kubernetes 1.24 and later return this exec format). A cluster with `disableLocalAccounts` has
//! no static credential: the admin credential is 400 `BadRequest` "Getting static credential is
//! not allowed because this cluster is set to disable local accounts." (AKS docs,
//! manage-local-accounts-managed-azure-ad).
//!
//! The server is `https://127.0.0.1:{port}`, the cluster's own listener (its FQDN would not resolve
//! here); a private cluster (`apiServerAccessProfile.enablePrivateCluster`) gets
//! `https://{privateFQDN}:443`, which only resolves inside its virtual network.

use super::not_found;
use crate::{
    contract::{Wire, wire},
    kube,
    router::{Ctx, Reply},
    state::Shared,
};
use serde_json::{Value, json};

pub const CREDENTIALS: Wire = wire("managed-cluster-credentials", "credentials");

pub fn list_user(c: &Ctx) -> Reply {
    credentials(c, false)
}

pub fn list_admin(c: &Ctx) -> Reply {
    credentials(c, true)
}

fn credentials(c: &Ctx, admin: bool) -> Reply {
    let id = super::clusters::cluster_id(c);
    let Some(mc) = c.state.lock().unwrap().resource(&id).cloned() else {
        return not_found(&id);
    };
    if admin && mc.pointer("/properties/disableLocalAccounts") == Some(&json!(true)) {
        return Reply::arm_error(
            400,
            "BadRequest",
            "Getting static credential is not allowed because this cluster is set to disable local accounts.",
        );
    }
    let text = kubeconfig(&c.state, &id, admin);
    Reply::json(
        200,
        json!({"kubeconfigs": [{"name": if admin { "clusterAdmin" } else { "clusterUser" }, "value": base64(text.as_bytes())}]}),
    )
}

/// The kubeconfig (YAML) of the cluster's user or admin credential; starts its API server.
pub fn kubeconfig(state: &Shared, cluster_id: &str, admin: bool) -> String {
    let port = kube::serve(state, cluster_id);
    let mut s = state.lock().unwrap();
    let env = s.kube_env.clone().expect("the fake's runtime is up");
    let mc = s.resource(cluster_id).cloned().unwrap_or(Value::Null);
    let (user_token, admin_token) = {
        let k = kube::cluster(&mut s, cluster_id);
        (k.user_token.clone(), k.admin_token.clone())
    };
    let name = mc["name"].as_str().unwrap_or("cluster").to_string();
    let rg = cluster_id.split('/').nth(4).unwrap_or("rg").to_string();
    let p = &mc["properties"];
    let server = match (
        p["apiServerAccessProfile"]["enablePrivateCluster"] == true,
        p["privateFQDN"].as_str(),
    ) {
        (true, Some(fqdn)) => format!("https://{fqdn}:443"),
        _ => format!("https://127.0.0.1:{port}"),
    };
    let entra = p["aadProfile"]["managed"] == true;
    let (context, user) = if admin {
        (format!("{name}-admin"), format!("clusterAdmin_{rg}_{name}"))
    } else {
        (name.clone(), format!("clusterUser_{rg}_{name}"))
    };
    let credential = if !admin && entra {
        format!(
            "    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - {}
      - --client-id
      - {}
      - --tenant-id
      - {}
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: |2

        kubelogin is not installed which is required to connect to AAD enabled cluster.

        To learn more, please go to https://aka.ms/aks/kubelogin
      interactiveMode: IfAvailable
      provideClusterInfo: false
",
            kube::AKS_SERVER_APP,
            kube::AKS_CLIENT_APP,
            p["aadProfile"]["tenantID"].as_str().unwrap_or(crate::TENANT)
        )
    } else {
        format!(
            "    client-certificate-data: {}\n    client-key-data: {}\n    token: {}\n",
            base64(env.client_cert_pem.as_bytes()),
            base64(env.client_key_pem.as_bytes()),
            if admin { admin_token } else { user_token }
        )
    };
    format!(
        "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {}
    server: {server}
  name: {name}
contexts:
- context:
    cluster: {name}
    user: {user}
  name: {context}
current-context: {context}
kind: Config
preferences: {{}}
users:
- name: {user}
  user:
{credential}",
        base64(env.ca_pem.as_bytes())
    )
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_is_rfc4648() {
        assert_eq!(super::base64(b"credentialValue1"), "Y3JlZGVudGlhbFZhbHVlMQ==");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
    }
}
