//! YAML in (multi-document) as JSON values, so manifests and lint share one data model, and where
//! each node starts, so lint can say FILE:LINE:COL.
//!
//! `lint` reads files from pull requests, so reading is bounded: the input's size
//! (`util::input::YAML`), the nesting depth and the number of nodes. Anchors and aliases are
//! refused as the parser meets them: Kubernetes manifests never need them, and one alias stands
//! for a whole copy of its anchor — a 670 KB file of one 100,000-character anchored scalar aliased
//! 190,000 times is 19 GB once expanded (few nodes, many bytes). Events come from yaml-rust2's
//! parser with their markers; the documents, and the index of where their nodes start, are built
//! here from the same events.

use crate::error::{Error, Result};
use crate::util::input::YAML;
use serde_json::{Map, Value};
use std::collections::HashMap;
use yaml_rust2::{
    Yaml,
    parser::{Event, Parser, Tag},
    scanner::{Marker, TScalarStyle},
};

/// The deepest nesting of sequences and mappings.
pub(crate) const MAX_DEPTH: usize = 64;
/// The most nodes in all documents.
pub(crate) const MAX_NODES: usize = 200_000;

/// A place in a text: line and column, both counted from 1 (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Pos {
    pub(crate) const START: Pos = Pos { line: 1, column: 1 };

    /// yaml-rust2's markers count lines from 1 and columns from 0.
    fn of(mark: Marker) -> Pos {
        Pos {
            line: mark.line(),
            column: mark.col() + 1,
        }
    }
}

/// One document and where its nodes start.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) value: Value,
    pub(crate) positions: Positions,
}

/// Why a text was not read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub(crate) at: Pos,
    pub(crate) why: String,
}

/// Every document of YAML file `path`, read within kvwire's bound for YAML input. Errors name
/// the file, line and column.
pub(crate) fn read_documents(path: &std::path::Path) -> Result<Vec<Value>> {
    let origin = path.display().to_string();
    let text = crate::util::input::read_bounded(
        crate::util::input::Source::File(path),
        crate::util::input::YAML,
        &origin,
    )?;
    parse_documents(&text, &origin)
}

/// Every document of a YAML stream. Errors name the origin, line and column.
pub fn parse_documents(text: &str, origin: &str) -> Result<Vec<Value>> {
    Ok(parse_located(text, origin)?.into_iter().map(|d| d.value).collect())
}

/// Every document of a YAML stream with where its nodes start. Errors name the origin, line and column.
pub(crate) fn parse_located(text: &str, origin: &str) -> Result<Vec<Located>> {
    if text.len() > YAML.bytes {
        return Err(Error::usage(format!(
            "{origin}: {} bytes is more than the {} read as {}",
            text.len(),
            YAML.bytes,
            YAML.what
        )));
    }
    read(text).map_err(|e| Error::usage(format!("{origin}:{}:{}: {}", e.at.line, e.at.column, e.why)))
}

/// [`parse_located`] for YAML held in a value (the SecretProviderClass's `objects`): the error
/// says where in that text, for the caller to place in the file.
pub(crate) fn read(text: &str) -> std::result::Result<Vec<Located>, YamlError> {
    if text.len() > YAML.bytes {
        return Err(YamlError {
            at: Pos::START,
            why: format!(
                "{} bytes is more than the {} read as {}",
                text.len(),
                YAML.bytes,
                YAML.what
            ),
        });
    }
    let mut loader = Loader {
        text,
        ..Loader::default()
    };
    let mut parser = Parser::new_from_str(text);
    // Event by event, so the first refused one stops the read.
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| YamlError {
            at: Pos::of(*e.marker()),
            why: format!("invalid YAML: {}", e.info()),
        })?;
        if ev == Event::StreamEnd {
            return Ok(loader.docs);
        }
        loader
            .event(ev, mark)
            .map_err(|why| YamlError { at: Pos::of(mark), why })?;
    }
}

/// Where each node of one document starts, by JSON pointer (RFC 6901, as `Value::pointer` reads
/// them): the parser's marker of the node's first event, and of its key in a mapping.
#[derive(Debug, Clone, Default)]
pub(crate) struct Positions {
    nodes: HashMap<String, Node>,
}

#[derive(Debug, Clone)]
struct Node {
    value: Pos,
    key: Option<Pos>,
    /// Set for a literal block scalar (`|`) whose lines are the file's lines, as read.
    block: Option<Block>,
}

/// The text of a literal block scalar: its line n is the file's line `first + n - 1`, after
/// `indent` spaces. Only there does a place in the text map to one in the file (a quoted or
/// folded string's escapes and joined lines do not).
#[derive(Debug, Clone, Copy)]
struct Block {
    first: usize,
    indent: usize,
}

impl Positions {
    /// Where the node at `pointer` starts. For a node that is not there, where the key of its
    /// nearest ancestor is (the mapping that lacks it); 1:1 for an empty document.
    pub(crate) fn of(&self, pointer: &str) -> Pos {
        if let Some(n) = self.nodes.get(pointer) {
            return n.value;
        }
        let mut p = pointer;
        while let Some(cut) = p.rfind('/') {
            p = &p[..cut];
            if let Some(n) = self.nodes.get(p) {
                return n.key.unwrap_or(n.value);
            }
        }
        Pos::START
    }

    /// Where the key of the node at `pointer` starts (the node itself for a list entry).
    pub(crate) fn key_of(&self, pointer: &str) -> Pos {
        match self.nodes.get(pointer) {
            Some(n) => n.key.unwrap_or(n.value),
            None => self.of(pointer),
        }
    }

    /// A place through strings that hold YAML: `levels[0]` is a pointer into `doc`, each further
    /// one a pointer into the YAML text held by the string before it; `at`, a place in the last
    /// text (a syntax error), and `key`, the last node's key rather than its value. Where a text
    /// cannot be mapped line for line (not a literal block, or not YAML), the string holding it.
    pub(crate) fn resolve(&self, doc: &Value, levels: &[String], key: bool, at: Option<Pos>) -> Pos {
        let Some((first, rest)) = levels.split_first() else {
            return at.unwrap_or(Pos::START);
        };
        if rest.is_empty() && at.is_none() {
            return if key { self.key_of(first) } else { self.of(first) };
        }
        let block = self.nodes.get(first.as_str()).and_then(|n| n.block);
        let text = doc.pointer(first).and_then(Value::as_str);
        let (Some(block), Some(text)) = (block, text) else {
            return self.of(first);
        };
        let inner = if rest.is_empty() {
            at
        } else {
            read(text)
                .ok()
                .and_then(|docs| docs.into_iter().next())
                .map(|d| d.positions.resolve(&d.value, rest, key, at))
        };
        match inner {
            Some(p) => Pos {
                line: block.first + p.line - 1,
                column: block.indent + p.column,
            },
            None => self.of(first),
        }
    }
}

/// A JSON pointer's escaping of one key (RFC 6901 section 3).
pub(crate) fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A sequence or mapping being read.
struct Frame {
    node: Value,
    /// Mappings: the key read, waiting for its value, and where it starts.
    key: Option<String>,
    key_at: Option<Pos>,
    pointer: String,
}

#[derive(Default)]
struct Loader<'t> {
    text: &'t str,
    /// The text's lines, split once the first literal block needs them.
    lines: Option<Vec<&'t str>>,
    docs: Vec<Located>,
    root: Option<Value>,
    positions: Positions,
    stack: Vec<Frame>,
    nodes: usize,
}

const NO_ALIASES: &str = "YAML anchors and aliases (&name, *name) are not read: Kubernetes manifests do not need them, and each alias can stand for megabytes (an alias bomb)";

impl Loader<'_> {
    fn event(&mut self, ev: Event, mark: Marker) -> Result<(), String> {
        match ev {
            Event::DocumentEnd => self.docs.push(Located {
                value: self.root.take().unwrap_or(Value::Null),
                positions: std::mem::take(&mut self.positions),
            }),
            // yaml-rust2 numbers anchors from 1; 0 is "no anchor".
            Event::Alias(_)
            | Event::SequenceStart(1.., _)
            | Event::MappingStart(1.., _)
            | Event::Scalar(_, _, 1.., _) => return Err(NO_ALIASES.into()),
            Event::SequenceStart(..) => self.open(Value::Array(vec![]), mark)?,
            Event::MappingStart(..) => self.open(Value::Object(Map::new()), mark)?,
            Event::SequenceEnd | Event::MappingEnd => {
                let f = self.stack.pop().ok_or("unbalanced YAML events")?;
                self.insert(f.node)?;
            }
            Event::Scalar(v, style, _, tag) => {
                self.count()?;
                if let Some(pointer) = self.place(mark)
                    && style == TScalarStyle::Literal
                {
                    self.block(&pointer, mark, &v);
                }
                self.insert(scalar(v, style, tag.as_ref()))?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => {}
        }
        Ok(())
    }

    fn count(&mut self) -> Result<(), String> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(format!("more than {MAX_NODES} nodes: not read"));
        }
        Ok(())
    }

    /// The pointer of the node that starts at `mark`, with its place recorded; `None` for a
    /// mapping's key, whose place is kept for the value that follows.
    fn place(&mut self, mark: Marker) -> Option<String> {
        let at = Pos::of(mark);
        let (pointer, key) = match self.stack.last_mut() {
            None => (String::new(), None),
            Some(f) => match (&f.node, &f.key) {
                (Value::Array(a), _) => (format!("{}/{}", f.pointer, a.len()), None),
                (node, None) => {
                    f.key_at = Some(at);
                    // yaml-rust2 marks a block mapping after its first key; it starts at that key.
                    if node.as_object().is_some_and(Map::is_empty)
                        && let Some(n) = self.positions.nodes.get_mut(&f.pointer)
                    {
                        n.value = n.value.min(at);
                    }
                    return None;
                }
                (_, Some(k)) => (format!("{}/{}", f.pointer, pointer_segment(k)), f.key_at.take()),
            },
        };
        self.positions.nodes.insert(
            pointer.clone(),
            Node {
                value: at,
                key,
                block: None,
            },
        );
        Some(pointer)
    }

    /// Records a literal block's lines when each is the file's line, after the same indent.
    fn block(&mut self, pointer: &str, mark: Marker, v: &str) {
        let text = self.text;
        let lines = self.lines.get_or_insert_with(|| text.lines().collect());
        // yaml-rust2 marks a block scalar where its first line that is not blank starts.
        let blank = v.lines().take_while(|l| l.is_empty()).count();
        let Some(first) = mark.line().checked_sub(blank).filter(|f| *f > 0) else {
            return;
        };
        let source = |i: usize| lines.get(first - 1 + i).copied();
        let Some(indent) = v.lines().enumerate().find(|(_, l)| !l.is_empty()).and_then(|(i, l)| {
            let s = source(i)?;
            s.ends_with(l).then(|| s.len() - l.len())
        }) else {
            return;
        };
        let same = v.lines().enumerate().all(|(i, l)| {
            source(i).is_some_and(|s| {
                if l.is_empty() {
                    s.trim().is_empty()
                } else {
                    s.len() == indent + l.len() && s.ends_with(l) && s[..indent].bytes().all(|b| b == b' ')
                }
            })
        });
        if same && let Some(n) = self.positions.nodes.get_mut(pointer) {
            // Columns count characters; the indent is spaces, one byte each.
            n.block = Some(Block { first, indent });
        }
    }

    fn open(&mut self, node: Value, mark: Marker) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep: not read"));
        }
        self.count()?;
        // A collection used as a mapping key (never in a manifest) gets a pointer no lookup makes.
        let pointer = self.place(mark).unwrap_or_else(|| "\0key".into());
        self.stack.push(Frame {
            node,
            key: None,
            key_at: None,
            pointer,
        });
        Ok(())
    }

    fn insert(&mut self, node: Value) -> Result<(), String> {
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut parent.node {
            Value::Array(a) => a.push(node),
            Value::Object(m) => match parent.key.take() {
                None => {
                    parent.key = Some(match node {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                }
                Some(key) => {
                    if m.contains_key(&key) {
                        return Err(format!(
                            "{}: duplicated key in mapping",
                            crate::util::text::quoted(&key)
                        ));
                    }
                    m.insert(key, node);
                }
            },
            _ => unreachable!("only sequences and mappings are opened"),
        }
        Ok(())
    }
}

/// A scalar as yaml-rust2's own loader resolves it (core schema; quoted scalars are strings).
fn scalar(v: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(v);
    }
    match tag {
        Some(t) if t.handle == "tag:yaml.org,2002:" && t.suffix == "str" => Value::String(v),
        Some(t) if t.handle != "tag:yaml.org,2002:" => Value::String(v),
        _ => to_json(&Yaml::from_str(&v)),
    }
}

pub(crate) fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::String(r.clone())),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    other => match to_json(other) {
                        Value::String(s) => s,
                        v => v.to_string(),
                    },
                };
                m.insert(key, to_json(v));
            }
            Value::Object(m)
        }
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The emitter's property test lives here, beside the reader it round-trips through
    // (util must not depend on k8s).
    /// Deterministic pseudo-random strings (xorshift64*), heavy on what breaks YAML.
    fn strings(n: usize) -> Vec<String> {
        const TRICKY: &[char] = &[
            '\n', '\r', '\t', '\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{2029}',
            '\u{feff}', '\u{fffe}', '\u{d7ff}', '😀', 'é', ' ', ':', '#', '-', '?', '[', ']', '{', '}', ',', '&', '*',
            '!', '|', '>', '\'', '"', '%', '@', '`', '~', '=', '<', '\\', '.', '+', '_', '0', '1', '9', 'e', 'x', 'o',
            'b', 'y', 'n', 'Y', 'N', 't', 'f', 'O',
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        (0..n)
            .map(|_| {
                let len = (next() % 12) as usize;
                (0..len)
                    .map(|_| match next() % 3 {
                        0 => TRICKY[(next() % TRICKY.len() as u64) as usize],
                        1 => (b' ' + (next() % 95) as u8) as char,
                        _ => char::from_u32((next() % 0x2_0000) as u32).unwrap_or('?'),
                    })
                    .collect()
            })
            .collect()
    }

    /// What a YAML 1.1 reader (PyYAML, go-yaml v2) makes of a plain scalar that starts with a
    /// letter: PyYAML's resolver.py indexes its implicit resolvers by first character, and for
    /// letters only `bool` (y Y n N t T f F o O) and `null` (n N) apply, with these exact words.
    fn yaml11_reads_as_string(plain: &str) -> bool {
        const BOOL: &[&str] = &[
            "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
            "off", "Off", "OFF", "y", "Y", "n", "N",
        ];
        const NULL: &[&str] = &["null", "Null", "NULL"];
        plain.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && !BOOL.contains(&plain)
            && !NULL.contains(&plain)
    }

    #[test]
    fn every_string_round_trips_and_means_a_string_to_yaml_1_1_too() {
        let mut plain = 0;
        for s in strings(20_000) {
            let doc = if s == "v" || s == "l" {
                json!({"v": s, "l": [s]})
            } else {
                json!({"v": s, "l": [s], &s: "key"})
            };
            let text = crate::util::yaml::to_yaml(&doc);
            let back = parse_documents(&text, "emitted")
                .unwrap_or_else(|e| panic!("{s:?} gave YAML that does not parse: {e}\n{text}"));
            assert_eq!(back, vec![doc.clone()], "{s:?} did not round-trip:\n{text}");
            let emitted = crate::util::yaml::string(&s);
            if !emitted.starts_with('"') {
                plain += 1;
                assert!(
                    yaml11_reads_as_string(&emitted),
                    "{s:?} is plain but YAML 1.1 reads it otherwise"
                );
            }
        }
        assert!(plain > 100, "the generator also makes plain tokens ({plain})");
    }

    #[test]
    fn multi_document_and_errors() {
        let docs = parse_documents("a: 1\nb: [x, true]\n---\nc: \"2\"\n", "t.yaml").unwrap();
        assert_eq!(
            docs,
            vec![
                serde_json::json!({"a": 1, "b": ["x", true]}),
                serde_json::json!({"c": "2"})
            ]
        );
        let e = parse_documents("a: [1\n", "t.yaml").unwrap_err().to_string();
        assert!(e.starts_with("t.yaml:"), "{e}");
        let e = parse_documents("a: 1\na: 2\n", "t.yaml").unwrap_err().to_string();
        assert!(e.contains("duplicated key"), "{e}");
    }

    #[test]
    fn positions_of_keys_values_and_missing_nodes() {
        let text = "a: 1\nb:\n  c: [x, \"y\"]\n  d:\n    - e: f\n---\ng: h\n";
        let docs = parse_located(text, "t.yaml").unwrap();
        let p = &docs[0].positions;
        let at = |line, column| Pos { line, column };
        assert_eq!(p.of("/a"), at(1, 4));
        assert_eq!(p.key_of("/a"), at(1, 1));
        // A block mapping starts at its first key; a flow list at its bracket.
        assert_eq!(p.of("/b"), at(3, 3));
        assert_eq!(p.of("/b/c"), at(3, 6));
        assert_eq!(p.of("/b/c/1"), at(3, 10));
        assert_eq!(p.of("/b/d/0/e"), at(5, 10));
        // Missing: where the mapping that lacks it is keyed.
        assert_eq!(p.of("/b/zz"), at(2, 1));
        assert_eq!(p.of("/b/d/0/zz"), at(5, 7));
        assert_eq!(docs[1].positions.of("/g"), at(7, 4));
        assert_eq!(docs[1].positions.of(""), at(7, 1));
        // Keys with `/` and `~`, escaped as RFC 6901 says.
        let docs = parse_located("x/y~z: 1\n", "t.yaml").unwrap();
        assert_eq!(
            docs[0].positions.of(&format!("/{}", pointer_segment("x/y~z"))),
            at(1, 8)
        );
    }

    #[test]
    fn positions_go_into_yaml_held_by_literal_blocks_only() {
        let text = "\
spec:
  objects: |
    array:
      - |
        objectName: db

        objectType: Secret
  quoted: \"array:\\n  - x\\n\"
";
        let doc = parse_located(text, "t.yaml").unwrap().remove(0);
        let levels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let at = |line, column| Pos { line, column };
        let resolve = |l: &[&str], key, inner| doc.positions.resolve(&doc.value, &levels(l), key, inner);
        assert_eq!(
            resolve(&["/spec/objects", "/array/0", "/objectType"], false, None),
            at(7, 21)
        );
        assert_eq!(
            resolve(&["/spec/objects", "/array/0", "/objectType"], true, None),
            at(7, 9)
        );
        assert_eq!(resolve(&["/spec/objects", "/array/0"], false, None), at(5, 9));
        // A place in the text (a syntax error there).
        assert_eq!(resolve(&["/spec/objects", "/array/0"], false, Some(at(3, 1))), at(7, 9));
        assert_eq!(resolve(&["/spec/objects"], false, Some(at(1, 1))), at(3, 5));
        // A quoted string's text does not map line for line: the string itself.
        assert_eq!(resolve(&["/spec/quoted", "/array/0"], false, None), at(8, 11));
        // Nothing there: the string holding it.
        assert_eq!(resolve(&["/spec/objects", "/array/7"], false, None), at(3, 5));
    }

    #[test]
    fn anchors_and_aliases_are_refused_where_they_are() {
        for (text, line) in [
            ("base: &b {x: 1}\n", 1),
            ("a: 1\nlist: [&s y]\n", 2),
            ("a: &s [y]\n", 1),
            ("x: 1\n---\ny: &a 1\nz: *a\n", 3),
        ] {
            let e = parse_documents(text, "t.yaml").unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("t.yaml:{line}:")) && e.contains("aliases"),
                "{text:?}: {e}"
            );
        }
    }

    #[test]
    fn bombs_and_deep_nesting_are_refused() {
        // The classic "billion laughs": nine levels of ten aliases each.
        let mut bomb =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        assert!(bomb.len() < 1000);
        let e = parse_documents(&bomb, "bomb.yaml").unwrap_err().to_string();
        assert!(e.starts_with("bomb.yaml:1:") && e.contains("alias bomb"), "{e}");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = parse_documents(&deep, "deep.yaml").unwrap_err().to_string();
        assert!(e.contains("nested more than 64 levels"), "{e}");
        let many = format!("[{}]", "1,".repeat(MAX_NODES));
        let e = parse_documents(&many, "many.yaml").unwrap_err().to_string();
        assert!(e.contains("more than 200000 nodes"), "{e}");
        let e = parse_documents(&"#".repeat(YAML.bytes + 1), "big.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than the"), "{e}");
    }
}
