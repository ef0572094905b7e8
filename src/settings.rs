//! The global flags, turned into typed settings once. Nothing below this layer sees clap.

use crate::{
    azure::{
        arm::{LroPolicy, RetryPolicy},
        auth::Scope,
        cloud::Cloud,
        context::{Azure, AzureSettings},
        http::HttpOptions,
    },
    cli::GlobalArgs,
    error::{Error, Result},
    plan::{OBSERVE_CONCURRENCY, RunOptions, RunSpec},
    ui::{
        output::{OutputFormat, Ui},
        query::Query,
    },
};
use std::time::Duration;

/// A command's own flags that shape output and runs: `-o`, `--dry-run`, `--yes`,
/// `--detailed-exitcode` (false where the command has none).
#[derive(Debug, Clone, Default)]
pub(crate) struct CommandFlags {
    /// The command's name as typed (`cluster enable-managed-identity`): the plan document's `command`.
    pub(crate) command: &'static str,
    pub(crate) output: Option<OutputFormat>,
    /// `--query`, on commands that print a document.
    pub(crate) query: Option<Query>,
    pub(crate) dry_run: bool,
    pub(crate) yes: bool,
    pub(crate) detailed_exitcode: bool,
    /// `--brief`: the plan's text a line per step.
    pub(crate) brief: bool,
}

/// What every command runs with.
pub(crate) struct Settings {
    /// The command's name as typed, e.g. `secrets seed`.
    pub(crate) command: &'static str,
    pub(crate) azure: AzureSettings,
    pub(crate) ui: Ui,
    /// `-o` as given (some commands differ from the default when it is absent).
    pub(crate) output: Option<OutputFormat>,
    pub(crate) dry_run: bool,
    pub(crate) yes: bool,
    pub(crate) detailed_exitcode: bool,
    pub(crate) brief: bool,
    pub(crate) verbose: u8,
}

/// Shortens the ARM client's first retry backoff (milliseconds). For tests and the local Azure,
/// where waiting 0.8 s for a scripted 503 only slows the suite; documented in docs/testing.md.
pub(crate) const RETRY_BASE_ENV: &str = "KVWIRE_RETRY_BASE_MS";

impl Settings {
    /// Validate configuration (cloud, CA bundle path, durations) before any request.
    pub(crate) fn from_args(g: &GlobalArgs, f: &CommandFlags) -> Result<Settings> {
        let mut retry = RetryPolicy {
            max_attempts: g.retries + 1,
            ..RetryPolicy::default()
        };
        if let Some(ms) = std::env::var(RETRY_BASE_ENV).ok().and_then(|v| v.parse::<u64>().ok()) {
            retry.base_delay = Duration::from_millis(ms.min(60_000));
        }
        let cloud = Cloud::resolve(&g.cloud)?;
        Ok(Settings {
            azure: AzureSettings {
                subscription: g.subscription.clone(),
                auth: g.auth,
                http: HttpOptions {
                    ca_bundle: g.ca_bundle.clone(),
                    resolve: g.resolve.clone(),
                    timeout: Some(Duration::from_secs(g.timeout)),
                    retries: g.retries,
                    keyvault_pace: Some((cloud.keyvault_dns_suffix.clone(), g.keyvault_rate)),
                },
                cloud,
                retry,
                lro: LroPolicy {
                    timeout: Duration::from_secs(g.lro_timeout),
                    ..LroPolicy::default()
                },
                // Commands that need more say so (commands::token_scopes).
                scopes: vec![Scope::Arm],
            },
            command: f.command,
            ui: Ui::detect(f.output, f.query.clone(), g.no_color, g.quiet),
            output: f.output,
            dry_run: f.dry_run,
            yes: f.yes,
            detailed_exitcode: f.detailed_exitcode,
            brief: f.brief,
            verbose: g.verbose,
        })
    }

    pub(crate) async fn connect(&self) -> Result<Azure> {
        Azure::connect(&self.azure).await
    }

    /// The plan runner's options, built once: these settings, and what the command asks (`spec`).
    pub(crate) fn run_options(&self, spec: RunSpec) -> Result<RunOptions> {
        if self.ui.format == OutputFormat::Env {
            return Err(Error::usage(
                "-o env prints values and only fits commands such as kubelet-identity; use text, json, yaml, tsv or table here",
            ));
        }
        let parallel = spec.parallel.max(1);
        Ok(RunOptions {
            reporter: std::sync::Arc::new(crate::report::Console::new(self.ui.clone())),
            command: self.command.to_string(),
            dry_run: self.dry_run || spec.dry_run,
            yes: self.yes,
            detailed_exitcode: self.detailed_exitcode,
            detail: crate::plan::render::Detail {
                unchanged: self.verbose > 0,
                brief: self.brief,
            },
            parallel,
            operations: spec.operations,
            observe_parallel: spec.observe_parallel.unwrap_or(parallel.max(OBSERVE_CONCURRENCY)),
            apply_hint: spec.apply_hint,
            wait_hint: spec
                .wait_hint
                .unwrap_or_else(|| "kvwire wait with the same -g/-n (or -f RUNBOOK)".into()),
            no_wait: spec.no_wait,
            heartbeat: Some(heartbeat()),
            confirm_word: spec.confirm_word,
            destroy: spec.destroy,
            save: spec.save,
            saved: spec.saved,
            replan_hint: spec.replan_hint,
        })
    }

    /// How often to say what is still running when there is no terminal.
    pub(crate) fn heartbeat(&self) -> Duration {
        heartbeat()
    }

    /// Clients whose writes return once Azure accepted them (`--no-wait`), or wait as usual.
    pub(crate) async fn connect_waiting(&self, wait: bool) -> Result<Azure> {
        self.connect_for(wait, self.azure.scopes.clone()).await
    }

    /// [`Settings::connect_waiting`], with `scopes`: the tokens the command needs, known once its
    /// input is read.
    pub(crate) async fn connect_for(&self, wait: bool, scopes: Vec<crate::azure::auth::Scope>) -> Result<Azure> {
        let mut a = self.azure.clone();
        a.lro.no_wait = !wait;
        a.scopes = scopes;
        Azure::connect(&a).await
    }
}

/// Seconds between progress lines without a terminal (default 30); tests shorten it.
pub(crate) const HEARTBEAT_ENV: &str = "KVWIRE_HEARTBEAT_SECS";

fn heartbeat() -> Duration {
    let secs = std::env::var(HEARTBEAT_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(30);
    Duration::from_secs(secs.clamp(1, 3600))
}
