//! `kvwire migrate pod-identity`: a team's aad-pod-identity manifests in, a workload-identity
//! runbook and the rewritten manifests out. It reads Azure (the identity, the vault, the cluster,
//! the identity's federated credentials) and changes nothing there: `kvwire up -f` does that.
//!
//! The identity the pods use today is kept: its role assignments and access policies go on
//! working, and the runbook adopts it (`[identity] adopt = true`), never recreates it.

use crate::{
    azure::{arm::api, arm::models, context::Azure, ids, vault::Vault},
    cli::MigratePodIdentityArgs,
    error::{Error, ExitStatus, Result},
    k8s::podidentity::{self, Doc, Migration},
    model::names,
    settings::Settings,
    steps::identity::{Binding, MAX_CREDENTIALS, binding_fits, credentials_after},
    util::fs as write,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) async fn run(args: &MigratePodIdentityArgs, s: &Settings) -> Result<ExitStatus> {
    // Everything local is read and checked before the first request.
    let docs = read_manifests(&args.from)?;
    let inv = podidentity::inventory(&docs);
    if inv.migrations.is_empty() {
        let mut why = format!(
            "--from: no AzureIdentity of a managed identity (spec.type 0) in {}",
            args.from
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        for u in &inv.unmapped {
            why.push_str(&format!("\n  {u}"));
        }
        return Err(Error::usage(why));
    }
    let Some(vault_name) = inv.vault.clone() else {
        return Err(Error::usage(
            "--from: no SecretProviderClass with usePodIdentity: \"true\": nothing says which vault the pods read",
        ));
    };
    let targets = targets(args, &inv.migrations);
    for (runbook, out) in &targets {
        if runbook.exists() && !args.force {
            return Err(Error::usage(format!(
                "--file {}: exists; pass --force to overwrite it",
                runbook.display()
            )));
        }
        write::check_target(runbook).map_err(|e| e.into_error("--file", Error::usage))?;
        write::check_target(out).map_err(|e| e.into_error("--out-dir", Error::usage))?;
    }

    let az = s.connect().await?;
    let (rg, cluster) = find_cluster(&az, args).await?;
    let vault = Vault::find(&az, &vault_name, None).await?;
    let (_, mc) = az.cluster(&rg, &cluster).await?;
    let mut warnings: Vec<String> = inv.unmapped.clone();
    let mut outputs: Vec<Output> = vec![];
    for (m, (runbook, out)) in inv.migrations.iter().zip(&targets) {
        let Some(found) = az.arm.get_opt(&m.resource_id, api::MANAGED_IDENTITY).await? else {
            warnings.push(format!(
                "AzureIdentity {}: identity {} does not exist in Azure: not migrated",
                m.name, m.resource_id
            ));
            continue;
        };
        let view = models::Identity::of(&found);
        let client_id = view.client_id().unwrap_or_default().to_string();
        let tenant = view
            .properties
            .tenant_id
            .clone()
            .unwrap_or_else(|| vault.tenant_id.clone());
        if let Some(said) = m.client_id.as_deref().filter(|c| !c.eq_ignore_ascii_case(&client_id)) {
            warnings.push(format!(
                "AzureIdentity {}: its clientID {said} is not the identity's ({client_id}); the rewritten manifests carry Azure's",
                m.name
            ));
        }
        let id_name = ids::name_of(&m.resource_id).to_string();
        let id_rg = ids::resource_group_of(&m.resource_id).unwrap_or(&rg).to_string();
        // The workloads whose names Kubernetes and kvwire accept; the others are reported.
        let mut accounts: Vec<Account> = vec![];
        for w in &m.workloads {
            if names::k8s_namespace(&w.namespace).is_err() || names::k8s_service_account(&w.service_account).is_err() {
                warnings.push(format!(
                    "{} {}/{}: service account {} is not a name kvwire can federate: not migrated",
                    w.kind, w.namespace, w.name, w.service_account
                ));
                continue;
            }
            let at = match accounts
                .iter()
                .position(|a| a.namespace == w.namespace && a.name == w.service_account)
            {
                Some(at) => at,
                None => {
                    accounts.push(Account {
                        namespace: w.namespace.clone(),
                        name: w.service_account.clone(),
                        new: w.new_service_account,
                        workloads: vec![],
                    });
                    accounts.len() - 1
                }
            };
            // What changes in Kubernetes for it, said in the plan beside the Azure change.
            accounts[at].workloads.push(format!(
                "{} {}/{} (aadpodidbinding: {}): kubectl apply -f {}",
                w.kind,
                w.namespace,
                w.name,
                w.selector,
                out.join(podidentity::file_name(&w.kind, &w.namespace, &w.name))
                    .display()
            ));
        }
        // Past 20 credentials on the identity, one binding instead (plan-time count, as `up` does).
        let existing = crate::azure::identity::credentials_of(&az, &m.resource_id).await?;
        let bindings: Vec<Binding> = accounts
            .iter()
            .map(|a| Binding {
                namespace: a.namespace.clone(),
                service_account: a.name.clone(),
                credential: None,
            })
            .collect();
        let after = credentials_after(&existing, &bindings, mc.oidc_issuer());
        let binding_mode = after > MAX_CREDENTIALS && binding_fits(&existing);
        if after > MAX_CREDENTIALS && !binding_mode {
            warnings.push(format!(
                "identity {id_rg}/{id_name} holds {} federated credentials, the most Azure allows, and none is AKS's {}: neither a credential per service account nor an identity binding fits; remove credentials it no longer needs before `up`",
                existing.len(),
                crate::azure::binding::AKS_CREDENTIAL
            ));
        }
        let runbook_name = crate::runbook::digested_name(&format!("migrate-{}", m.name), &m.resource_id);
        let addon: Vec<&models::PodIdentity> = mc.pod_identities().filter(|p| p.maps(&m.resource_id)).collect();
        let text = render(&Render {
            args,
            migration: m,
            rg: &rg,
            cluster: &cluster,
            vault: &vault,
            identity: (&id_rg, &id_name),
            accounts: &accounts,
            existing: existing.len(),
            binding_mode,
            secrets: &inv.secrets,
            unmapped: &inv.unmapped,
            addon: &addon,
            out,
            name: &runbook_name,
        });
        crate::runbook::parse(&text, runbook)
            .map_err(|e| Error::runtime(format!("kvwire migrate produced an invalid runbook (a bug): {e}")))?;
        let files = podidentity::manifests(m, &client_id, &tenant, binding_mode, &runbook_name);
        for a in &addon {
            warnings.push(format!(
                "the cluster's pod identity add-on maps {} to this identity: remove it after the cut-over, never in the same run ([pod_identity_addon] in {}, commented out until then)",
                a.label(),
                runbook.display()
            ));
        }
        let summary = format!(
            "wrote {} ({} for {} service account(s) on identity {id_rg}/{id_name}) and {} file(s) in {}; next: kvwire plan -f {}",
            runbook.display(),
            if binding_mode {
                "identity-binding"
            } else {
                "workload-identity"
            },
            accounts.len(),
            files.len(),
            out.display(),
            runbook.display()
        );
        outputs.push(Output {
            runbook: runbook.clone(),
            text,
            files: files.into_iter().map(|(name, body)| (out.join(name), body)).collect(),
            summary,
        });
    }
    // Every read done: nothing is written unless all of it can be (no file overwritten without
    // --force, none through a link).
    for o in &outputs {
        for (path, label) in
            std::iter::once((&o.runbook, "--file")).chain(o.files.iter().map(|(p, _)| (p, "--out-dir")))
        {
            if path.exists() && !args.force {
                return Err(Error::usage(format!(
                    "{label}: {} exists; pass --force to overwrite it",
                    path.display()
                )));
            }
            write::check_target(path).map_err(|e| e.into_error(label, Error::usage))?;
        }
    }
    for o in &outputs {
        for (path, body) in &o.files {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::usage(format!("--out-dir {}: cannot create: {e}", dir.display())))?;
            }
            write::write_atomic(path, body.as_bytes(), write::Access::Umask)
                .map_err(|e| e.into_error("--out-dir", Error::usage))?;
        }
        write::write_atomic(&o.runbook, o.text.as_bytes(), write::Access::Umask)
            .map_err(|e| e.into_error("--file", Error::usage))?;
        eprintln!("{}", o.summary);
    }
    for w in &warnings {
        crate::warn!("{w}");
    }
    Ok(ExitStatus::Success)
}

/// What one identity's migration writes, once every read is done.
struct Output {
    runbook: PathBuf,
    text: String,
    files: Vec<(PathBuf, String)>,
    summary: String,
}

/// Every `.yaml`/`.yml` file named, or found directly in a directory named, in a stable order.
fn read_manifests(from: &[PathBuf]) -> Result<Vec<Doc>> {
    let mut files = vec![];
    for p in from {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::usage(format!("--from {}: cannot read: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut docs = vec![];
    for f in files {
        let origin = f.display().to_string();
        for value in crate::k8s::yaml::read_documents(&f)? {
            if !value.is_null() {
                docs.push(Doc {
                    file: origin.clone(),
                    value,
                });
            }
        }
    }
    Ok(docs)
}

/// Where each identity's runbook and manifests go: `--file` and `--out-dir` for one identity;
/// with several, one runbook each (`migrate-<identity>.toml`) and a directory each.
fn targets(args: &MigratePodIdentityArgs, migrations: &[Migration]) -> Vec<(PathBuf, PathBuf)> {
    let dir = args.file.parent().map(Path::to_path_buf).unwrap_or_default();
    let out = args.out_dir.clone().unwrap_or_else(|| dir.join("workload-identity"));
    if migrations.len() == 1 {
        return vec![(args.file.clone(), out)];
    }
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    migrations
        .iter()
        .map(|m| {
            let slug = names::runbook_slug(&m.name, 40);
            (dir.join(format!("{stem}-{slug}.toml")), out.join(slug))
        })
        .collect()
}

/// The cluster: `-g`/`-n`; else the kubeconfig's current context when its API server is an AKS
/// cluster of the subscription; else the subscription's only cluster.
async fn find_cluster(az: &Azure, args: &MigratePodIdentityArgs) -> Result<(String, String)> {
    if let (Some(rg), Some(n)) = (&args.resource_group, &args.name) {
        return Ok((rg.clone(), n.clone()));
    }
    let all = az
        .arm
        .list(
            &ids::managed_clusters_in_subscription(&az.subscription),
            api::CONTAINER_SERVICE,
        )
        .await?;
    let of = |doc: &Value| {
        let id = doc["id"].as_str().unwrap_or("");
        (
            ids::resource_group_of(id).unwrap_or("").to_string(),
            ids::name_of(id).to_string(),
        )
    };
    if let Some(host) = crate::k8s::access::current_server_host() {
        let found = all.iter().find(|d| {
            let p = models::ManagedCluster::of(d).properties;
            [p.fqdn, p.private_fqdn]
                .iter()
                .flatten()
                .any(|f| f.eq_ignore_ascii_case(&host))
        });
        if let Some(d) = found {
            return Ok(of(d));
        }
    }
    match all.as_slice() {
        [one] => Ok(of(one)),
        _ => Err(Error::usage(format!(
            "which cluster? The kubeconfig's current context is not an AKS cluster of subscription {}, which has {} clusters: pass -g RESOURCE_GROUP -n CLUSTER",
            az.subscription,
            all.len()
        ))),
    }
}

/// A service account that moves, and what runs as it.
struct Account {
    namespace: String,
    name: String,
    /// Made for a workload that ran as `default`.
    new: bool,
    /// Each workload and its Kubernetes change, for the plan.
    workloads: Vec<String>,
}

struct Render<'a> {
    args: &'a MigratePodIdentityArgs,
    migration: &'a Migration,
    rg: &'a str,
    cluster: &'a str,
    vault: &'a Vault,
    identity: (&'a str, &'a str),
    accounts: &'a [Account],
    existing: usize,
    binding_mode: bool,
    secrets: &'a [String],
    unmapped: &'a [String],
    addon: &'a [&'a models::PodIdentity],
    out: &'a Path,
    /// The runbook's name (also the owner of its RBAC binding).
    name: &'a str,
}

/// A TOML basic string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn render(r: &Render) -> String {
    let m = r.migration;
    let (id_rg, id_name) = r.identity;
    let sources: Vec<String> = r.args.from.iter().map(|p| p.display().to_string()).collect();
    let mut t = String::new();
    t.push_str(&format!(
        "# kvwire runbook written by `kvwire migrate pod-identity` from {}.\n\
         # It moves AzureIdentity {} off aad-pod-identity onto workload identity, with the SAME identity:\n\
         # its role assignments and access policies keep working. The rewritten manifests are in {}.\n\
         #   kvwire plan -f THIS_FILE     what would change in Azure (reads only)\n\
         #   kvwire up -f THIS_FILE       apply it; running it again changes nothing\n\
         #   kvwire verify -f THIS_FILE   check the new path end to end\n\
         # Then apply the rewritten manifests: pods run on both paths until the aadpodidbinding label\n\
         # goes (docs/migrate-pod-identity.md).\n\n",
        sources.join(", "),
        m.name,
        r.out.display()
    ));
    t.push_str(&format!("name = {}\n\n", q(r.name)));
    t.push_str(&format!(
        "[cluster]\nresource_group = {}\nname = {}\n\
         managed_identity = false        # the migration changes nothing else on the cluster\n\
         upgrade_node_images = false\n\n",
        q(r.rg),
        q(r.cluster)
    ));
    t.push_str(&format!(
        "[vault]                          # from the SecretProviderClasses' keyvaultName\nname = {}\nresource_group = {}\n\n",
        q(&r.vault.name),
        q(&r.vault.resource_group)
    ));
    let mode = if r.binding_mode {
        format!(
            "mode = \"identity-binding\"       # {} credentials exist and {} service accounts move: past the 20 Azure allows, one AKS identity binding\n",
            r.existing,
            r.accounts.len()
        )
    } else {
        "mode = \"workload-identity\"      # one federated credential per service account\n".to_string()
    };
    t.push_str(&format!(
        "[identity]\n{mode}name = {}\nresource_group = {}\n\
         adopt = true                    # the identity the pods use today: reused, never recreated\n\n",
        q(id_name),
        q(id_rg)
    ));
    for a in r.accounts {
        let why = if a.new {
            "   # a new service account: its workload ran as default, and federating default would give every pod of the namespace the identity"
        } else {
            ""
        };
        t.push_str(&format!(
            "[[service_accounts]]{why}\nnamespace = {}\nname = {}\nworkloads = [{}]\n\n",
            q(&a.namespace),
            q(&a.name),
            a.workloads.iter().map(|w| q(w)).collect::<Vec<_>>().join(", ")
        ));
    }
    if !r.secrets.is_empty() {
        t.push_str(&format!(
            "[existing_secrets]               # the SecretProviderClasses' objects: they exist; `up` never writes them, `verify` checks them\nnames = [{}]\n\n",
            r.secrets.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
        ));
    }
    if !r.addon.is_empty() {
        let entries: Vec<String> = r.addon.iter().map(|a| a.label()).collect();
        t.push_str(&format!(
            "# The cluster's pod identity add-on maps {} to this identity. After the cut-over (the pods\n\
             # run on workload identity and `verify` passes), uncomment this table: `up` then removes those\n\
             # entries, and never in the run that sets up the new path.\n\
             # [pod_identity_addon]\n# remove = [{}]\n\n",
            entries.join(", "),
            entries.iter().map(|e| q(e)).collect::<Vec<_>>().join(", ")
        ));
    }
    if !r.unmapped.is_empty() {
        t.push_str("# Not migrated (move these by hand):\n");
        for u in r.unmapped {
            t.push_str(&format!("#   {}\n", u.replace('\n', " ")));
        }
    }
    t
}
