//! man/ is generated from the clap definitions: `kvwire.1` and one page per command
//! (`kvwire-up.1`, `kvwire-cluster-enable-managed-identity.1`, …), each with EXAMPLES (the
//! command's `--help` examples) and EXIT STATUS. This test fails when a page is stale, missing or
//! left over, or when a page names one that is not shipped.
//! Regenerate with: `KVWIRE_REGENERATE=1 cargo test --test e2e man::`.

use clap::CommandFactory;
use std::{collections::BTreeMap, path::PathBuf};

/// roff text: backslashes and hyphens escaped, no line taken for a request.
fn escape(line: &str) -> String {
    let e = line.replace('\\', "\\e").replace('-', "\\-");
    if e.starts_with('.') || e.starts_with('\'') {
        format!("\\&{e}")
    } else {
        e
    }
}

/// The lines of the "Examples:" section of a command's help.
fn examples(cmd: &clap::Command) -> Vec<String> {
    let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) else {
        return vec![];
    };
    after
        .to_string()
        .lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

fn page(cmd: &clap::Command, parent: Option<&str>) -> Vec<u8> {
    let man = clap_mangen::Man::new(cmd.clone()).source(format!("kvwire {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out).unwrap();
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out).unwrap();
    }
    let mut roff = String::new();
    let examples = examples(cmd);
    assert!(!examples.is_empty(), "{} has no examples in its --help", cmd.get_name());
    roff.push_str(".SH EXAMPLES\n.nf\n");
    for l in &examples {
        roff.push_str(&format!("{}\n", escape(l)));
    }
    roff.push_str(".fi\n.SH \"EXIT STATUS\"\n");
    for status in kvwire::error::ExitStatus::ALL {
        roff.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            status.code(),
            escape(status.meaning())
        ));
    }
    roff.push_str(".SH \"SEE ALSO\"\n");
    let mut see = vec![];
    if let Some(p) = parent {
        see.push(format!("\\fB{}\\fR(1)", escape(p)));
    }
    if parent.is_some_and(|p| p != "kvwire") {
        see.push("\\fBkvwire\\fR(1)".to_string());
    }
    roff.push_str(&see.join(", "));
    if !see.is_empty() {
        roff.push_str(", ");
    }
    roff.push_str("the docs/ folder of kvwire's source\n");
    out.extend_from_slice(roff.as_bytes());
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out).unwrap();
    }
    // Each rendered piece starts with the same two-line preamble: keep the first.
    let text = String::from_utf8(out).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let preamble = lines[..2].to_vec();
    let mut i = 2;
    while i + 1 < lines.len() {
        if lines[i..i + 2] == preamble[..] {
            lines.drain(i..i + 2);
        } else {
            i += 1;
        }
    }
    (lines.join("\n") + "\n").into_bytes()
}

/// Every page: file name → contents.
fn pages() -> BTreeMap<String, Vec<u8>> {
    fn walk(cmd: &clap::Command, parent: Option<&str>, out: &mut BTreeMap<String, Vec<u8>>) {
        let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
        out.insert(format!("{name}.1"), page(cmd, parent));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, Some(&name), out);
        }
    }
    // In a man page every option is described, also those `-h` leaves to `--help`. Its VERSION is
    // the crate's: the commit `--version` adds would change the page with every commit.
    let mut cmd = kvwire::cli::Cli::command()
        .long_version(None::<&str>)
        .disable_help_subcommand(true)
        .mut_args(|a| a.hide_short_help(false));
    cmd.build();
    let mut out = BTreeMap::new();
    walk(&cmd, None, &mut out);
    out
}

#[test]
fn man_pages_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = pages();
    if std::env::var_os("KVWIRE_REGENERATE").is_some() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "1") {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let shipped: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".1"))
        .collect();
    let expected: Vec<&String> = pages.keys().collect();
    let mut sorted = shipped.clone();
    sorted.sort();
    assert_eq!(
        sorted.iter().collect::<Vec<_>>(),
        expected,
        "man/ is stale: run `KVWIRE_REGENERATE=1 cargo test --test e2e man::`"
    );
    for (name, text) in &pages {
        assert!(
            std::fs::read(dir.join(name)).unwrap_or_default() == *text,
            "man/{name} is stale: run `KVWIRE_REGENERATE=1 cargo test --test e2e man::`"
        );
    }
}

#[test]
fn pages_name_only_pages_that_are_shipped_and_say_how_kvwire_exits() {
    let pages = pages();
    let top = String::from_utf8(pages["kvwire.1"].clone()).unwrap();
    assert!(
        top.contains(".SH \"EXIT STATUS\"") && top.contains("\\fB130\\fR"),
        "{top}"
    );
    assert!(top.contains(".SH EXAMPLES"), "{top}");
    assert!(
        top.contains("kvwire\\-up(1)"),
        "the top page lists the command pages:\n{top}"
    );
    for (name, text) in &pages {
        let text = String::from_utf8(text.clone()).unwrap();
        assert!(text.contains(".SH \"EXIT STATUS\""), "{name}");
        // Every reference such as kvwire\-up(1) or \fBkvwire\fR(1) is a page in man/.
        let plain = text.replace("\\fB", "").replace("\\fR", "").replace("\\-", "-");
        for (i, _) in plain.match_indices("(1)") {
            let start = plain[..i]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(0, |p| p + 1);
            let referenced = format!("{}.1", &plain[start..i]);
            assert!(
                pages.contains_key(&referenced),
                "{name} names {referenced}, which is not shipped"
            );
        }
    }
    assert!(
        !pages.contains_key("kvwire-help.1") && !top.contains("kvwire\\-help(1)"),
        "no page for clap's help subcommand"
    );
}
