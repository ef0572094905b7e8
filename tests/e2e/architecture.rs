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
    &["steps", "report"],
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

/// Every `use` tree in `code`, expanded to whole paths (`crate::{a::{b, c}, d}` → `crate::a::b`,
/// `crate::a::c`, `crate::d`), aliases dropped; `self` in a group names the group's path.
fn use_paths(code: &str) -> Vec<String> {
    fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let tree = tree.trim();
        if let Some(open) = tree.find('{') {
            let head = tree[..open].trim().trim_end_matches("::");
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let base = join(prefix, head);
            let (mut depth, mut start) = (0usize, 0usize);
            for (i, ch) in inner.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => {
                        expand(&base, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&base, &inner[start..], out);
        } else {
            let name = tree.split(" as ").next().unwrap_or_default().trim();
            match name {
                "" => {}
                "self" => out.push(prefix.to_string()),
                _ => out.push(join(prefix, name)),
            }
        }
    }
    fn join(a: &str, b: &str) -> String {
        match (a.is_empty(), b.is_empty()) {
            (true, _) => b.to_string(),
            (_, true) => a.to_string(),
            _ => format!("{a}::{b}"),
        }
    }
    let mut out = vec![];
    // `use` items: a line that starts one (after `pub`, `pub(crate)`), to the `;`.
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let t = line.trim_start();
        let t = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        if let Some(tree) = t.strip_prefix("use ") {
            let at = offset + (line.len() - tree.len());
            if let Some(end) = code[at..].find(';') {
                expand("", &code[at..at + end], &mut out);
            }
        }
        offset += line.len();
    }
    // Paths written inline: `crate::a::b::f(…)`, `super::x::Y`.
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(i) = rest.find(start) {
            let before = rest[..i].chars().last();
            let path: String = rest[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            rest = &rest[i + start.len()..];
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                out.push(path.trim_end_matches(':').to_string());
            }
        }
    }
    out
}

/// The file of src/ a path from module `here` (its segments) names: the longest prefix of it that
/// is a file (`a/b.rs` or `a/b/mod.rs`).
fn file_of(src: &Path, here: &[String], path: &str) -> Option<PathBuf> {
    let mut segs: Vec<String> = vec![];
    let parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut parts = parts.as_slice();
    match parts.first() {
        Some(&"crate") => parts = &parts[1..],
        Some(&"super") => {
            segs = here.to_vec();
            while parts.first() == Some(&"super") {
                segs.pop()?;
                parts = &parts[1..];
            }
        }
        _ => return None,
    }
    let mut best = None;
    let mut candidate = segs.clone();
    let check = |c: &[String]| {
        if c.is_empty() {
            return None;
        }
        let base = c.iter().fold(src.to_path_buf(), |p, s| p.join(s));
        let file = base.with_extension("rs");
        let module = base.join("mod.rs");
        if file.is_file() {
            Some(file)
        } else if module.is_file() {
            Some(module)
        } else {
            None
        }
    };
    if let Some(f) = check(&candidate) {
        best = Some(f);
    }
    for p in parts {
        candidate.push(p.to_string());
        match check(&candidate) {
            Some(f) => best = Some(f),
            None => break,
        }
    }
    best
}

/// No two files of src/ import each other, directly or round a circle: a circle of files is one
/// change that has to be made in several places at once.
#[test]
fn files_import_each_other_without_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        // The file's module path: `steps/remove.rs` is steps::remove, `steps/mod.rs` is steps.
        let mut here: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        if here.last().is_some_and(|l| l == "mod") {
            here.pop();
        }
        let whole = std::fs::read_to_string(f).unwrap();
        // Unit tests may reach anywhere.
        let code: String = whole
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for p in use_paths(&code) {
            if let Some(to) = file_of(&src, &here, &p)
                && to != *f
            {
                edges.entry(f.clone()).or_default().insert(to);
            }
        }
    }
    fn visit(
        n: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        stack: &mut Vec<PathBuf>,
        done: &mut BTreeSet<PathBuf>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(pos) = stack.iter().position(|s| s == n) {
            let mut c: Vec<String> = stack[pos..].iter().map(|p| p.display().to_string()).collect();
            c.push(n.display().to_string());
            cycles.push(c.join(" → "));
            return;
        }
        if !done.insert(n.clone()) {
            return;
        }
        stack.push(n.clone());
        for to in edges.get(n).into_iter().flatten() {
            visit(to, edges, stack, done, cycles);
        }
        stack.pop();
    }
    let mut cycles = vec![];
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut vec![], &mut done, &mut cycles);
    }
    let src_prefix = format!("{}/", src.display());
    let cycles: Vec<String> = cycles.into_iter().map(|c| c.replace(&src_prefix, "")).collect();
    assert!(
        cycles.is_empty(),
        "import circles between files:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn use_trees_and_inline_paths_are_expanded_to_files() {
    let paths = use_paths(
        "use crate::{azure::{arm::api, cluster::ClusterRef as C}, steps::{self, acr::*}};\nlet x = super::identity::put(crate::plan::run());",
    );
    for p in [
        "crate::azure::arm::api",
        "crate::azure::cluster::ClusterRef",
        "crate::steps",
        "crate::steps::acr::*",
        "super::identity::put",
        "crate::plan::run",
    ] {
        assert!(paths.contains(&p.to_string()), "{p}: {paths:?}");
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let here = ["steps".to_string(), "remove".to_string()];
    assert_eq!(
        file_of(&src, &here, "super::identity::put"),
        Some(src.join("steps/identity.rs"))
    );
    assert_eq!(
        file_of(&src, &here, "crate::azure::arm::models::Identity::of"),
        Some(src.join("azure/arm/models.rs"))
    );
    assert_eq!(file_of(&src, &here, "crate::steps"), Some(src.join("steps/mod.rs")));
}

/// The runner schedules and the steps change Azure; neither prints. What a run shows goes through
/// a `plan::report::Reporter` (the console one is src/report/).
#[test]
fn plan_and_steps_print_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&root.join("plan"), &mut files);
    rust_files(&root.join("steps"), &mut files);
    let mut offenders = vec![];
    for f in files {
        let whole = std::fs::read_to_string(&f).unwrap();
        let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
        for needle in [
            "print!(",
            "println!(",
            "eprint!(",
            "eprintln!(",
            "out!(",
            "outln!(",
            ".print(",
            ".eprint(",
            "print_document(",
            "stderr()",
            "stdout()",
            "indicatif",
        ] {
            if text.contains(needle) {
                offenders.push(format!("{}: {needle}", f.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    assert!(offenders.is_empty(), "report through the Reporter: {offenders:#?}");
}
