//! `kvwire wait`: until no operation runs on a cluster or its node pools, with a progress line
//! now and then; then what each ended as.

use crate::azure::cluster::ClusterRef;
use crate::{
    cli::WaitArgs,
    error::{Error, ExitStatus, Result},
    runbook,
    settings::Settings,
};
use std::{sync::Arc, sync::Mutex, time::Instant};

/// Progress on stderr while waiting for a cluster: a line when what it waits for changes, and at
/// least every heartbeat interval.
pub(crate) fn progress_lines<'a>(cluster: &'a ClusterRef, s: &Settings) -> impl Fn(&str) + 'a {
    let started = Instant::now();
    let every = s.heartbeat();
    let last: Mutex<Option<(String, Instant)>> = Mutex::new(None);
    let quiet = s.ui.quiet;
    let ui = s.ui.clone();
    move |status: &str| {
        let mut last = last.lock().unwrap();
        let due = last.as_ref().is_none_or(|(s, at)| s != status || at.elapsed() >= every);
        if due && !quiet {
            ui.eprint(&format!(
                "cluster {}: {status}, {}s\n",
                cluster.label(),
                started.elapsed().as_secs()
            ));
            *last = Some((status.to_string(), Instant::now()));
        }
    }
}

pub(crate) async fn run(args: &WaitArgs, s: &Settings) -> Result<ExitStatus> {
    let (rg, name) = match (&args.file, &args.resource_group, &args.name) {
        (Some(f), _, _) => {
            let rb = runbook::load(f)?;
            (rb.book.cluster.resource_group.0.clone(), rb.book.cluster.name.0.clone())
        }
        (None, Some(rg), Some(n)) => (rg.clone(), n.clone()),
        _ => return Err(Error::usage("kvwire wait needs -f RUNBOOK, or -g RG -n CLUSTER")),
    };
    let cluster = ClusterRef::new(Arc::new(s.connect().await?), &rg, &name);
    let started = Instant::now();
    let lines = progress_lines(&cluster, s);
    let (_, mc) = cluster.settled(&|status: &str| lines(status)).await?;
    let cluster_state = mc.properties.provisioning_state.as_deref().unwrap_or("Succeeded");
    let mut failed: Vec<String> = vec![];
    if cluster_state.eq_ignore_ascii_case("Failed") {
        failed.push(format!("cluster {rg}/{name}"));
    }
    for p in &mc.properties.agent_pool_profiles {
        if p.provisioning_state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Failed"))
        {
            failed.push(format!("pool {}", p.name.as_deref().unwrap_or("?")));
        }
    }
    if !s.ui.quiet {
        s.ui.eprint(&format!(
            "cluster {rg}/{name}: nothing running (the last operation {}, after {}s)\n",
            crate::azure::arm::in_words(cluster_state),
            started.elapsed().as_secs()
        ));
    }
    if failed.is_empty() {
        Ok(ExitStatus::Success)
    } else {
        Err(Error::runtime(format!(
            "the last operation failed on: {} (run the command again to retry)",
            failed.join(", ")
        )))
    }
}
