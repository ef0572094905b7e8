//! `kvwire secrets seed`: write named values into Key Vault, idempotently. Values come from the
//! environment, a .env file, stdin or a hidden prompt; they are never arguments, never printed,
//! and plans show only whether a value changes.

use crate::plan::RunSpec;
use crate::util::input::{self, Source, read_bounded};
use crate::{
    azure::vault::Vault,
    cli::SeedArgs,
    error::{Error, ExitStatus, Result},
    model::{
        dotenv::{self, Entry},
        secrets::{self, SecretMapping, SecretValue, check_unique, default_mappings, values_for},
    },
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

pub(crate) async fn run(args: &SeedArgs, s: &Settings) -> Result<ExitStatus> {
    let ui = &s.ui;
    // All input is read and checked before the first request.
    let (mappings, values) = if args.all {
        let (text, origin) = read_text(args)?.ok_or_else(|| Error::usage("--all needs --from-file or --stdin"))?;
        all_of(&dotenv::entries(&text, &origin)?, &origin)?
    } else {
        let maps = mappings(args)?;
        let values = read_values(args, &maps, ui)?;
        (maps, values)
    };
    let az = s.connect().await?;
    let vault = Vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    let policy = SeedPolicy {
        claim: None,
        adopt: false,
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
    let opts = s.run_options(RunSpec {
        parallel: args.concurrency as usize,
        observe_parallel: Some(args.concurrency as usize),
        apply_hint: "the same command without --dry-run".into(),
        ..RunSpec::default()
    })?;
    plan::run(p, &opts).await
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

/// `--all`: one mapping per line, env-style. The names come from the input, where a wrapped
/// value's tail (`ZXI=`, `ZXI==`) reads as a name: every refusal names the line, never the text.
fn all_of(entries: &[Entry], origin: &str) -> Result<(Vec<SecretMapping>, HashMap<String, SecretValue>)> {
    let mut maps: Vec<SecretMapping> = vec![];
    let mut lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut values = HashMap::new();
    for e in entries {
        let at = format!("{origin}:{}", e.line);
        let m = SecretMapping::parse(&e.key).map_err(|_| {
            Error::usage(format!(
                "{at}: the name before '=' does not make a Key Vault secret name (a letter first, then letters, digits and '_', at most 127)"
            ))
        })?;
        if let Some(first) = lines.insert(m.secret.to_ascii_lowercase(), e.line) {
            return Err(Error::usage(format!(
                "{at}: names the same secret as line {first} (secret names are case-insensitive)"
            )));
        }
        if e.value.is_empty() || e.value.chars().all(|c| c == '=') {
            // `=` alone is the padding of a base64 value wrapped onto this line, never a secret.
            return Err(Error::usage(format!(
                "{at}: no value (or only '=': a wrapped value's end?); Key Vault secrets need one — put a wrapped value on one line, quoted"
            )));
        }
        values.insert(m.key.clone(), SecretValue::new(e.value.clone()));
        maps.push(m);
    }
    Ok((maps, values))
}

/// The text of --from-file or --stdin and what to call it in errors; `None` without either.
fn read_text(args: &SeedArgs) -> Result<Option<(String, String)>> {
    if let Some(path) = &args.from_file {
        let text = read_bounded(
            Source::File(path),
            input::DOTENV,
            &format!("--from-file {}", path.display()),
        )?;
        Ok(Some((text, path.display().to_string())))
    } else if args.stdin {
        let text = read_bounded(Source::Stdin, input::DOTENV, "--stdin")?;
        Ok(Some((text, "stdin".into())))
    } else {
        Ok(None)
    }
}

/// KEY=value pairs from --from-file or --stdin; `None` means "ask at the terminal".
fn read_source(args: &SeedArgs, ui: &Ui) -> Result<Option<BTreeMap<String, String>>> {
    Ok(Some(if let Some((text, origin)) = read_text(args)? {
        dotenv::parse(&text, &origin)?
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
