//! The module graph of src/, read from the source: every `crate::…` path (in `use` trees and
//! inline) is an edge from the top-level module it appears in to the top-level module it names.
//! The graph must have no cycles, and every edge must point down the layers drawn in
//! docs/architecture.md. A new edge that breaks either fails here, naming the files.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// Layers, bottom first. A module may use modules of its own layer or below (never a cycle).
const LAYERS: &[&[&str]] = &[
    &["util", "error"],
    &["ui", "model"],
    &["azure", "k8s"],
    &["plan"],
    &["steps"],
    &["runbook"],
    &["cli"],
    &["settings"],
    &["commands"],
];

/// `#[macro_export]` macros live at the crate root but are defined in ui::log.
const MACROS: &[&str] = &["info", "warn", "debug", "trace", "log_at"];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Top-level modules named by `crate::` paths in `text`, with `use crate::{a, b::c}` groups expanded.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // Top-level names of the group: split at depth-0 commas.
            let (mut depth, mut start) = (0usize, 0usize);
            for (j, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.insert(first_ident(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(first_ident(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(first_ident(after));
        }
        rest = after;
    }
    out.remove("");
    out.into_iter()
        .map(|m| {
            if MACROS.contains(&m.as_str()) {
                "ui".to_string()
            } else {
                m
            }
        })
        .collect()
}

fn first_ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn modules_form_layers_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    // module -> module -> files that make the edge
    let mut edges: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "main" || top == "lib" {
            continue;
        }
        for to in referenced(&std::fs::read_to_string(f).unwrap()) {
            if to != top {
                edges
                    .entry(top.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .push(rel.display().to_string());
            }
        }
    }
    let mut problems = vec![];
    for (from, tos) in &edges {
        for (to, why) in tos {
            match (layer(from), layer(to)) {
                (Some(a), Some(b)) if b > a => {
                    problems.push(format!("{from} → {to} points up the layers ({})", why.join(", ")))
                }
                (None, _) => problems.push(format!("module {from} is not in a layer of tests/e2e/architecture.rs")),
                (_, None) => problems.push(format!("module {to} (used by {from}) is not in a layer")),
                _ => {}
            }
        }
    }
    // Cycles, within a layer or across: depth-first search for a back edge.
    fn visit<'a>(
        n: &'a str,
        edges: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(pos) = stack.iter().position(|s| *s == n) {
            let mut c: Vec<&str> = stack[pos..].to_vec();
            c.push(n);
            cycles.push(c.join(" → "));
            return;
        }
        if !done.insert(n) {
            return;
        }
        stack.push(n);
        for to in edges.get(n).map(|m| m.keys()).into_iter().flatten() {
            visit(to, edges, stack, done, cycles);
        }
        stack.pop();
    }
    let mut cycles = vec![];
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut vec![], &mut done, &mut cycles);
    }
    problems.extend(cycles.into_iter().map(|c| format!("cycle: {c}")));
    assert!(problems.is_empty(), "module graph:\n{}", problems.join("\n"));
}

#[test]
fn the_parser_sees_groups_and_inline_paths() {
    let r = referenced(
        "use crate::{azure::{arm::api, context::Azure}, error::Result, info};\nlet x = crate::plan::run();\n// crate::commented::out",
    );
    assert_eq!(
        r,
        ["azure", "error", "plan", "ui"].iter().map(|s| s.to_string()).collect()
    );
}

/// One function writes files (`util/fs.rs`: never through a link, whole or not at all): no other
/// file in src/ creates or writes one.
#[test]
fn only_util_fs_writes_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&root, &mut files);
    let mut offenders = vec![];
    for f in files {
        if f.ends_with("util/fs.rs") {
            continue;
        }
        let whole = std::fs::read_to_string(&f).unwrap();
        // Unit tests may make their own fixture files; kvwire's code may not.
        let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
        for needle in ["fs::write", "File::create", "OpenOptions", "fs::rename", "fs::copy"] {
            if text.contains(needle) {
                offenders.push(format!("{}: {needle}", f.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "write files through util::fs::write_atomic: {offenders:#?}"
    );
}
