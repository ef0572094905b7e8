//! `kvwire secrets seed`: write named values into Key Vault, idempotently. Values come from the
//! environment, a .env file, stdin or a hidden prompt; they are never arguments, never printed,
//! and plans show only whether a value changes.

use crate::util::input::{self, Source, read_bounded};
use crate::{
    azure::vault,
    cli::SeedArgs,
    error::{Error, ExitStatus, Result},
    model::secrets::{self, SecretMapping, SecretValue, check_unique, default_mappings, values_for},
    plan::{self, Plan},
    settings::Settings,
    steps::secrets::{SeedPolicy, seed_steps},
    ui::output::Ui,
};
use std::{
    collections::{BTreeMap, HashMap},
    io::IsTerminal,
    sync::Arc,
};

pub async fn run(args: &SeedArgs, s: &Settings) -> Result<ExitStatus> {
    let ui = &s.ui;
    // All input is read and checked before the first request.
    let (mappings, values) = if args.all {
        let source = read_source(args, ui)?.ok_or_else(|| Error::usage("--all needs --from-file or --stdin"))?;
        let maps: Vec<SecretMapping> = source
            .keys()
            .map(|k| SecretMapping::parse(k).map_err(|e| Error::usage(format!("--all: {e}"))))
            .collect::<Result<_>>()?;
        check_unique(&maps)?;
        let values = values_for(&maps, source, "the input")?;
        (maps, values)
    } else {
        let maps = mappings(args)?;
        let values = read_values(args, &maps, ui)?;
        (maps, values)
    };
    let az = s.connect().await?;
    let vault = vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    let policy = SeedPolicy {
        claim: None,
        overwrite: args.overwrite,
        recover: args.recover,
        content_type: args.content_type.clone(),
        expires: args.expires,
    };
    let client = Arc::new(az.secret_client(&vault.uri)?);
    let mut p = Plan::new();
    for step in seed_steps(client, &vault, mappings, &values, &policy) {
        p.add(step, &[]);
    }
    let mut opts = s.run_options(
        "secrets seed",
        args.concurrency as usize,
        "the same command without --dry-run",
    )?;
    opts.observe_parallel = args.concurrency as usize;
    plan::run(p, &opts, ui).await
}

fn mappings(args: &SeedArgs) -> Result<Vec<SecretMapping>> {
    let list: Vec<SecretMapping> = if args.map.is_empty() {
        default_mappings()
    } else {
        args.map.clone()
    };
    check_unique(&list)?;
    Ok(list)
}

fn read_values(args: &SeedArgs, mappings: &[SecretMapping], ui: &Ui) -> Result<HashMap<String, SecretValue>> {
    let source = if args.from_env {
        secrets::from_env(mappings)
    } else {
        match read_source(args, ui)? {
            Some(source) => source,
            None => return prompt(mappings),
        }
    };
    values_for(
        mappings,
        source,
        if args.from_env { "the environment" } else { "the input" },
    )
}

/// KEY=value pairs from --from-file or --stdin; `None` means "ask at the terminal".
fn read_source(args: &SeedArgs, ui: &Ui) -> Result<Option<BTreeMap<String, String>>> {
    Ok(Some(if let Some(path) = &args.from_file {
        let text = read_bounded(
            Source::File(path),
            input::DOTENV,
            &format!("--from-file {}", path.display()),
        )?;
        crate::model::dotenv::parse(&text, &path.display().to_string())?
    } else if args.stdin {
        let text = read_bounded(Source::Stdin, input::DOTENV, "--stdin")?;
        crate::model::dotenv::parse(&text, "stdin")?
    } else if ui.stdin_tty && std::io::stderr().is_terminal() && !args.all {
        return Ok(None);
    } else {
        return Err(Error::usage(
            "no value source: pass --from-env, --from-file FILE or --stdin (a hidden prompt needs a terminal); values are never taken from arguments",
        ));
    }))
}

fn prompt(mappings: &[SecretMapping]) -> Result<HashMap<String, SecretValue>> {
    let mut out = HashMap::new();
    for m in mappings {
        let v = dialoguer::Password::new()
            .with_prompt(format!("{} (secret {})", m.key, m.secret))
            .interact()
            .map_err(|e| Error::usage(format!("prompt for {}: {e}", m.key)))?;
        out.insert(m.key.clone(), SecretValue::new(v));
    }
    Ok(out)
}
