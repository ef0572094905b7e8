//! Every Step kvwire knows: cluster, node pools, identities, access, secrets, files, removal.
//! No printing, no clap: commands and the runbook compose them into plans.

pub(crate) mod access;
pub(crate) mod acr;
pub(crate) mod addons;
pub(crate) mod binding;
pub(crate) mod claims;
pub(crate) mod cluster;
pub(crate) mod files;
pub(crate) mod identity;
pub(crate) mod kube;
pub(crate) mod nodepool;
pub(crate) mod podidentity;
pub(crate) mod remove;
pub(crate) mod secrets;

#[cfg(test)]
pub(crate) mod recorded {
    //! Steps' plans against recorded observations: what Azure answered (the official examples in
    //! tests/fixtures/arm, or documents made from them) put in an observation's slots, and an
    //! `Azure` that does no I/O. docs/testing.md, "Unit tests of steps: recorded observations".

    use crate::{
        azure::{
            arm::api, cluster::ClusterRef, context::Azure, identity::IdentityRef, ids, keyvault, secret::SecretRef,
        },
        error::{ArmError, Result},
        plan::{Planned, Step},
        util::observation::{Answer, Names, Observation, Read},
    };
    use serde_json::{Value, json};
    use std::sync::Arc;

    /// The resource group and cluster of the ManagedClustersGet example.
    pub(crate) const RG: &str = "rg1";
    pub(crate) const CLUSTER: &str = "clustername1";
    /// The OIDC issuer of the FederatedIdentityCredentialCreate example.
    pub(crate) const ISSUER: &str = "https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID";

    /// `responses.<status>.body` of the official example `file` in tests/fixtures/arm.
    pub(crate) fn example(file: &str, status: &str) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/arm")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text).expect("an example is JSON");
        doc["responses"][status]["body"].clone()
    }

    /// The ManagedClustersGet example: a cluster that runs as a service principal.
    pub(crate) fn sp_cluster() -> Value {
        example("ManagedClustersGet.2026-08-01.json", "200")
    }

    /// The same cluster after the switch, with the OIDC issuer and workload identity on: what AKS
    /// shows once `ClusterUpdate` has done its work.
    pub(crate) fn mi_cluster() -> Value {
        let mut mc = sp_cluster();
        mc["identity"] = json!({
            "type": "SystemAssigned",
            "principalId": "9a4b4c83-5a4e-4a54-8a5f-2b7c1f7d7b01",
            "tenantId": "b6c948ef-f6b5-4384-8354-da3a15eca969"
        });
        let p = &mut mc["properties"];
        p["servicePrincipalProfile"] = json!({"clientId": "msi"});
        p["identityProfile"] = json!({"kubeletidentity": {
            "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg1_clustername1_location1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/clustername1-agentpool",
            "clientId": "5e1a8f3b-3c2d-4f0e-9b7a-6d5c4b3a2f10",
            "objectId": "7c6b5a4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"
        }});
        p["oidcIssuerProfile"] = json!({"enabled": true, "issuerURL": ISSUER});
        p["securityProfile"] = json!({"workloadIdentity": {"enabled": true}});
        mc
    }

    /// The vault of the Key Vault data-plane recordings.
    pub(crate) const VAULT: &str = "kv-demo";
    pub(crate) const VAULT_URI: &str = "https://kv-demo.vault.azure.net/";

    /// An ARM error answer, in ARM's envelope.
    pub(crate) fn arm_error(status: u16, code: &str, operation: &str) -> ArmError {
        let body = json!({"error": {"code": code, "message": format!("recorded {code}")}});
        ArmError::from_body(status, body.to_string().as_bytes(), operation.to_string())
    }

    /// What Azure answered, by URL, and the `Azure` the steps under test are given.
    pub(crate) struct Recorded {
        pub(crate) az: Arc<Azure>,
        reads: Vec<(String, Answer<Read>)>,
        lists: Vec<(String, Answer<Vec<Value>>)>,
        /// Key Vault listings: which secrets a vault lists (live or soft-deleted).
        names: Vec<(String, Names)>,
    }

    impl Recorded {
        pub(crate) fn new() -> Recorded {
            Recorded {
                az: Arc::new(Azure::offline()),
                reads: vec![],
                lists: vec![],
                names: vec![],
            }
        }

        /// Secret `name` of [`VAULT`], through a client on the offline credential: a request
        /// nobody recorded fails (the vault's host is never asked for a token).
        pub(crate) fn secret_ref(&self, name: &str) -> SecretRef {
            let uri = url::Url::parse(VAULT_URI).expect("a URL");
            let client = keyvault::secret_client(&self.az.http, self.az.credential.clone(), &self.az.cloud, &uri)
                .expect("a Key Vault client");
            SecretRef {
                client: Arc::new(client),
                vault: VAULT.into(),
                vault_uri: uri,
                name: name.into(),
            }
        }

        /// The vault's listing of its secrets (`deleted`: the soft-deleted ones), each enabled;
        /// `None`: kvwire may not list them.
        pub(crate) fn vault_lists(mut self, deleted: bool, names: Option<&[&str]>) -> Recorded {
            let uri = url::Url::parse(VAULT_URI).expect("a URL");
            let names = names.map(|n| n.iter().map(|n| (n.to_ascii_lowercase(), true)).collect());
            self.names.push((keyvault::names_key(&uri, deleted), names));
            self
        }

        /// A GET of secret `name`: the secret as Key Vault answers (`id`, `value`, `tags`,
        /// `contentType`), or `None` for a 404.
        pub(crate) fn secret(mut self, name: &str, doc: Option<Value>) -> Recorded {
            let key = self.secret_ref(name).live_key();
            self.reads.push((key, Ok(doc)));
            self
        }

        /// A GET of soft-deleted secret `name` (its tags and content type; never a value).
        pub(crate) fn deleted_secret(mut self, name: &str, tags: Value) -> Recorded {
            let key = self.secret_ref(name).deleted_key();
            self.reads.push((key, Ok(Some(json!({"tags": tags})))));
            self
        }

        pub(crate) fn cluster_ref(&self) -> ClusterRef {
            ClusterRef::new(self.az.clone(), RG, CLUSTER)
        }

        pub(crate) fn identity_ref(&self, name: &str) -> IdentityRef {
            IdentityRef {
                cluster: self.cluster_ref(),
                rg: RG.into(),
                name: name.into(),
            }
        }

        /// A GET of `path`: the document, or `None` for a 404.
        pub(crate) fn get(mut self, path: &str, api_version: &str, doc: Option<Value>) -> Recorded {
            let url = self.az.arm.url(path, api_version).to_string();
            self.reads.push((url, Ok(doc)));
            self
        }

        /// A GET of `path` that Azure refused.
        pub(crate) fn get_refused(mut self, path: &str, api_version: &str, status: u16, code: &str) -> Recorded {
            let url = self.az.arm.url(path, api_version).to_string();
            let e = arm_error(status, code, &format!("GET {url}"));
            self.reads.push((url, Err(e)));
            self
        }

        /// A GET from Microsoft Graph (which versions its paths, not its queries).
        pub(crate) fn graph_get(mut self, path: &str, doc: Option<Value>) -> Recorded {
            let url = self
                .az
                .graph()
                .expect("the public cloud has Graph")
                .url(path, "")
                .to_string();
            self.reads.push((url, Ok(doc)));
            self
        }

        /// A whole list of `path` (every page).
        pub(crate) fn list(
            mut self,
            path: &str,
            api_version: &str,
            filter: Option<&str>,
            items: Vec<Value>,
        ) -> Recorded {
            let url = self.az.arm.list_url(path, api_version, filter).to_string();
            self.lists.push((url, Ok(items)));
            self
        }

        /// A list of `path` that Azure refused (a 404 while the parent does not exist, say).
        pub(crate) fn list_refused(mut self, path: &str, api_version: &str, status: u16, code: &str) -> Recorded {
            let url = self.az.arm.list_url(path, api_version, None).to_string();
            let e = arm_error(status, code, &format!("GET {url}"));
            self.lists.push((url, Err(e)));
            self
        }

        /// The cluster as `doc`.
        pub(crate) fn cluster(self, doc: Value) -> Recorded {
            let id = self.cluster_ref().id();
            self.get(&id, api::CONTAINER_SERVICE, Some(doc))
        }

        /// Pool `name` of the cluster as read (`pool`), and `latest`, the newest image it could run.
        pub(crate) fn pool(self, name: &str, pool: Value, latest: &str) -> Recorded {
            let id = ids::agent_pool(&self.cluster_ref().id(), name);
            let profile = json!({"properties": {"latestNodeImageVersion": latest}});
            self.get(&id, api::CONTAINER_SERVICE, Some(pool)).get(
                &format!("{id}/upgradeProfiles/default"),
                api::CONTAINER_SERVICE,
                Some(profile),
            )
        }

        /// `step.plan()` within an observation holding exactly these answers.
        pub(crate) async fn plan(self, step: &dyn Step) -> Result<Planned> {
            let o = Observation::recorded(self.reads, self.lists);
            for (key, names) in self.names {
                assert!(o.names(&key).set(names).is_ok(), "listing {key} recorded twice");
            }
            o.run(step.plan()).await
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The slots are keyed by the URL kvwire reads: the resource ID of the example, and the
        /// api-version kvwire pins.
        #[test]
        fn a_read_is_keyed_by_its_whole_url() {
            let r = Recorded::new();
            let id = r.cluster_ref().id();
            assert_eq!(id, sp_cluster()["id"].as_str().unwrap());
            assert_eq!(
                r.az.arm.url(&id, api::CONTAINER_SERVICE).as_str(),
                format!(
                    "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1?api-version={}",
                    api::CONTAINER_SERVICE
                )
            );
        }

        /// A recorded answer is given without a request.
        #[tokio::test]
        async fn recorded_answers_are_given() {
            let r = Recorded::new().cluster(sp_cluster());
            let cluster = r.cluster_ref();
            let (_, mc) = Observation::recorded(r.reads, r.lists)
                .run(cluster.read())
                .await
                .unwrap();
            assert_eq!(mc.e_tag.as_deref(), Some("beywbwei"));
        }

        /// A read nobody recorded asks for a token: the offline credential makes that a failure of
        /// the test, never a request to Azure.
        #[tokio::test]
        #[should_panic(expected = "did not record")]
        async fn a_read_not_recorded_fails_loudly() {
            let r = Recorded::new().cluster(sp_cluster());
            let other = ClusterRef::new(r.az.clone(), RG, "not-recorded");
            let _ = Observation::recorded(r.reads, r.lists).run(other.read()).await;
        }
    }
}
