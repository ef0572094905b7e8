//! An AKS identity binding (`managedClusters/identityBindings`): the identity mapped to the
//! cluster once, instead of one federated credential per service account. Which service accounts
//! may use it is Kubernetes RBAC, emitted with the manifests.

use crate::{
    azure::{
        arm::api,
        binding::{AKS_CREDENTIAL, BindingRef, aks_credential_trusts},
        identity::IdentityRef,
        ids,
    },
    error::{Error, Result},
    plan::{Action, Phase, Planned, Request, Step, diff},
    steps::identity::binding_fits,
    util::Progress,
};
use serde_json::{Value, json};

pub(crate) struct IdentityBinding {
    pub(crate) binding: BindingRef,
    pub(crate) identity: IdentityRef,
    /// What runs as the bound service accounts and what changes for them in Kubernetes (runbook
    /// `workloads`): said in the plan.
    pub(crate) workloads: Vec<String>,
    /// Said with the plan (`workload-identity --binding`: the RBAC the service account still needs).
    pub(crate) notes: Vec<String>,
}

/// A binding's provisioning states while AKS still works on it (the 2026-08-01 definition's
/// `IdentityBindingProvisioningState`): waited for, never written over.
const RUNNING: [&str; 3] = ["Creating", "Updating", "Deleting"];

impl IdentityBinding {
    /// The write that binds the identity: the plan's and apply's one request.
    fn request(&self, if_match: Option<String>) -> Request {
        Request::put(
            self.binding.id(),
            api::CONTAINER_SERVICE,
            BindingRef::body(&self.identity.id()),
        )
        .if_match(if_match)
    }
}

impl IdentityBinding {
    /// Until the binding's operation ends (bounded by `--lro-timeout`); it must end Succeeded.
    async fn wait_for_operation(&self, on: Progress<'_>) -> Result<()> {
        let lro = &self.binding.cluster.az.arm.lro;
        let state = lro
            .wait_until(
                || async {
                    Ok(match self.binding.read().await? {
                        Some((_, v)) if RUNNING.iter().any(|s| v.state().eq_ignore_ascii_case(s)) => {
                            Err(v.state().to_string())
                        }
                        Some((_, v)) => Ok(v.state().to_string()),
                        None => Ok("gone".to_string()),
                    })
                },
                |state| {
                    on(&format!(
                        "waiting for identity binding {} ({})",
                        self.binding.label(),
                        crate::azure::arm::in_words(state)
                    ))
                },
                |state| {
                    Error::runtime(format!(
                        "identity binding {} is still {state}: run again later",
                        self.binding.label()
                    ))
                },
            )
            .await?;
        if state.eq_ignore_ascii_case("Succeeded") {
            Ok(())
        } else {
            Err(Error::runtime(format!(
                "identity binding {}'s operation ended {state}: run again to write it again",
                self.binding.label()
            )))
        }
    }
}

#[async_trait::async_trait]
impl Step for IdentityBinding {
    fn address(&self) -> String {
        format!("identity binding {}", self.binding.label())
    }

    fn phase(&self) -> Phase {
        Phase::WORKLOAD_IDENTITY
    }

    fn operation(&self) -> Option<&'static str> {
        Some("binding the identity")
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), ids::IDENTITY_BINDING, Action::Create)
            .warnings(self.notes.clone());
        let identity = self.identity.id();
        let (read, (_, mc), creds) = futures::try_join!(
            self.binding.read(),
            self.binding.cluster.read(),
            self.identity.credentials()
        )?;
        if mc
            .properties
            .api_server_access_profile
            .as_ref()
            .and_then(|p| p.enable_vnet_integration)
            == Some(true)
        {
            return Ok(planned.blocked(format!(
                "cluster {} uses API server VNet integration, where AKS does not support identity bindings yet (AKS docs, identity bindings concepts): use mode = \"workload-identity\"",
                self.binding.cluster.label()
            )));
        }
        if read.is_none() && !binding_fits(&creds) {
            return Ok(planned.blocked(format!(
                "identity {} holds {} federated credentials, the most Azure allows; the binding needs one more (AKS's {AKS_CREDENTIAL}): remove one, or use another identity",
                self.identity.label(),
                creds.len()
            )));
        }
        match read {
            None => {
                let r = self.request(None);
                let body = r.body.clone().unwrap_or_default();
                let mut why = format!("binds identity {} to the cluster", self.identity.label());
                if !self.workloads.is_empty() {
                    why.push_str(&format!(", for {}", self.workloads.join("; ")));
                }
                Ok(planned
                    .reason(why)
                    .changes(diff::changes(&json!({}), &body))
                    .request(r))
            }
            // The identity is written on create only: a binding of this name for another
            // identity stays that identity's.
            Some((_, view)) if !view.maps(&identity) => Ok(planned.blocked(format!(
                "identity binding {} already binds {}, and a binding's identity cannot change: name another with [identity] binding = \"…\"",
                self.binding.label(),
                view.properties.managed_identity.resource_id.as_deref().unwrap_or("another identity")
            ))),
            Some((_, view)) if view.succeeded() => Ok(Planned {
                action: Action::NoOp,
                ..planned.reason("binds this identity").observed(view.e_tag)
            }),
            // AKS still works on it (an interrupted run, `--no-wait`): wait, never write over it.
            Some((_, view)) if RUNNING.iter().any(|s| view.state().eq_ignore_ascii_case(s)) => Ok(planned
                .waiting(format!(
                    "(waits for the binding's running operation: {})",
                    crate::azure::arm::in_words(view.state())
                ))
                .observed(view.e_tag)),
            // Failed or cut short: the same PUT again, on the binding as it was read.
            Some((_, view)) => {
                let r = self.request(view.e_tag.clone());
                Ok(Planned {
                    action: Action::Update,
                    ..planned
                        .reason(format!(
                            "the binding is {}: written again",
                            if view.state().is_empty() { "in no known state" } else { view.state() }
                        ))
                        .observed(view.e_tag)
                        .request(r)
                })
            }
        }
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        if planned.action == Action::Run {
            return self.wait_for_operation(on).await;
        }
        let Some(r) = &planned.request else {
            return Err(Error::runtime(format!("{}: the plan holds no write", self.address())));
        };
        r.send(&self.binding.cluster.az, on).await
    }

    /// The binding has succeeded for this identity and reports its issuer, and the identity holds
    /// AKS's credential for that issuer (what token exchange through the binding relies on).
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let (read, cred) = futures::try_join!(self.binding.read(), self.identity.credential(AKS_CREDENTIAL))?;
        let failed = |why: String| {
            Err(Error::runtime(format!(
                "verification failed for {}: {why}",
                self.address()
            )))
        };
        let Some((_, view)) = read else {
            return failed("Azure does not show it after the write".into());
        };
        if !view.maps(&self.identity.id()) {
            return failed(format!("it does not bind identity {}", self.identity.label()));
        }
        if !view.succeeded() {
            return failed(format!("its provisioning state is {}", view.state()));
        }
        let Some(issuer) = view.issuer() else {
            return failed("it reports no OIDC issuer".into());
        };
        if !aks_credential_trusts(cred.as_ref(), issuer) {
            return failed(format!(
                "identity {} has no federated credential {AKS_CREDENTIAL} for the binding's issuer {issuer} (AKS makes it with the binding; it must not be removed while bindings use it)",
                self.identity.label()
            ));
        }
        Ok(())
    }

    async fn outputs(&self) -> Result<Vec<(String, Value)>> {
        Ok(match self.binding.read().await? {
            Some((_, view)) => view
                .issuer()
                .map(|i| vec![("identity_binding_issuer".to_string(), json!(i))])
                .unwrap_or_default(),
            None => vec![],
        })
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;
    use crate::{
        azure::ids,
        steps::recorded::{Recorded, example},
    };

    const EXAMPLE: &str = "IdentityBindings_Create_Or_Update.2026-04-01.json";

    /// The example's binding, `identitybinding1` of clustername1, bound to `identity1`.
    fn step(r: &Recorded, identity: &str) -> IdentityBinding {
        IdentityBinding {
            binding: BindingRef {
                cluster: r.cluster_ref(),
                name: "identitybinding1".into(),
            },
            identity: r.identity_ref(identity),
            workloads: vec![],
            notes: vec![],
        }
    }

    /// The cluster, the binding as `doc` says, and `creds` federated credentials on `identity`.
    fn recorded(doc: Option<Value>, identity: &str, creds: usize) -> (Recorded, String) {
        let r = Recorded::new();
        let id = BindingRef {
            cluster: r.cluster_ref(),
            name: "identitybinding1".into(),
        }
        .id();
        let list = ids::federated_credentials(&r.identity_ref(identity).id());
        let existing: Vec<Value> = (0..creds)
            .map(|i| json!({"name": format!("fic-{i}"), "properties": {"issuer": "https://elsewhere/", "subject": format!("system:serviceaccount:x:s{i}"), "audiences": ["api://AzureADTokenExchange"]}}))
            .collect();
        let r = r
            .cluster(crate::steps::recorded::mi_cluster())
            .get(&id, api::CONTAINER_SERVICE, doc)
            .list(&list, api::MANAGED_IDENTITY, None, existing);
        (r, id)
    }

    fn with(doc: Option<Value>) -> (Recorded, String) {
        recorded(doc, "identity1", 0)
    }

    #[tokio::test]
    async fn a_full_identity_blocks_the_binding_before_any_write() {
        let (r, _) = recorded(None, "identity1", 20);
        let full = step(&r, "identity1");
        let p = r.plan(&full).await.unwrap();
        assert!(p.blocks, "{p:?}");
        assert!(
            p.held
                .unwrap_or_default()
                .contains("needs one more (AKS's aks-identity-binding)")
        );
        // 19: room for AKS's.
        let (r, _) = recorded(None, "identity1", 19);
        let nineteen = step(&r, "identity1");
        assert!(!r.plan(&nineteen).await.unwrap().blocks);
    }

    #[tokio::test]
    async fn a_binding_aks_still_works_on_is_waited_for_not_written_over() {
        let mut doc = example(EXAMPLE, "200");
        doc["properties"]["provisioningState"] = json!("Creating");
        let (r, _) = with(Some(doc));
        let step = step(&r, "identity1");
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Run, "{p:?}");
        assert!(p.request.is_none(), "nothing is sent while it runs");
    }

    #[tokio::test]
    async fn an_absent_binding_is_created_with_the_example_request() {
        let (r, id) = with(None);
        let step = step(&r, "identity1");
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        let sent = p.request.expect("the plan carries the PUT");
        assert_eq!((sent.method.as_str(), sent.path.as_str()), ("PUT", id.as_str()));
        assert_eq!(sent.if_match, None);
        // The body is the official example's request parameters, exactly.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/arm/IdentityBindings_Create_Or_Update.2026-04-01.json"
        ))
        .unwrap();
        let example_request: Value = serde_json::from_str::<Value>(&text).unwrap()["parameters"]["parameters"].clone();
        assert_eq!(sent.body, Some(example_request));
    }

    #[tokio::test]
    async fn a_succeeded_binding_of_this_identity_is_unchanged() {
        let (r, _) = with(Some(example(EXAMPLE, "200")));
        let step = step(&r, "identity1");
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp, "{p:?}");
        assert!(p.request.is_none());
        assert_eq!(p.observed.as_deref(), Some("string"), "the entity tag read");
    }

    #[tokio::test]
    async fn a_binding_of_that_name_for_another_identity_blocks() {
        let (r, _) = recorded(Some(example(EXAMPLE, "200")), "identity2", 0);
        let step = step(&r, "identity2");
        let p = r.plan(&step).await.unwrap();
        assert!(p.blocks, "{p:?}");
        assert!(p.held.unwrap_or_default().contains("already binds"));
    }

    #[tokio::test]
    async fn a_failed_binding_is_written_again_on_the_entity_tag_read() {
        let mut doc = example(EXAMPLE, "200");
        doc["properties"]["provisioningState"] = json!("Failed");
        let (r, _) = with(Some(doc));
        let step = step(&r, "identity1");
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(p.request.unwrap().if_match.as_deref(), Some("string"));
    }
}
