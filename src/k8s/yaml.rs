//! YAML in (multi-document) as JSON values, so manifests and lint share one data model.
//!
//! `lint` reads files from pull requests, so reading is bounded: the input's size
//! (`util::input::YAML`), the nesting depth and the number of nodes. Anchors and aliases are
//! refused as the parser meets them: Kubernetes manifests never need them, and one alias stands
//! for a whole copy of its anchor — a 670 KB file of one 100,000-character anchored scalar aliased
//! 190,000 times is 19 GB once expanded (few nodes, many bytes). Events come from yaml-rust2's
//! parser; the documents are built here.

use crate::error::{Error, Result};
use crate::util::input::YAML;
use serde_json::{Map, Value};
use yaml_rust2::{
    Yaml,
    parser::{Event, Parser, Tag},
    scanner::{Marker, TScalarStyle},
};

/// The deepest nesting of sequences and mappings.
pub(crate) const MAX_DEPTH: usize = 64;
/// The most nodes in all documents.
pub(crate) const MAX_NODES: usize = 200_000;

/// Every document of a YAML stream. Errors name the origin, line and column.
pub fn parse_documents(text: &str, origin: &str) -> Result<Vec<Value>> {
    if text.len() > YAML.bytes {
        return Err(Error::usage(format!(
            "{origin}: {} bytes is more than the {} read as {}",
            text.len(),
            YAML.bytes,
            YAML.what
        )));
    }
    let at = |mark: Marker, why: String| Error::usage(format!("{origin}:{}:{}: {why}", mark.line(), mark.col() + 1));
    let mut loader = Loader::default();
    let mut parser = Parser::new_from_str(text);
    // Event by event, so the first refused one stops the read.
    loop {
        let (ev, mark) = parser
            .next_token()
            .map_err(|e| at(*e.marker(), format!("invalid YAML: {}", e.info())))?;
        if ev == Event::StreamEnd {
            return Ok(loader.docs);
        }
        loader.event(ev).map_err(|why| at(mark, why))?;
    }
}

/// A sequence or mapping being read.
struct Frame {
    node: Value,
    /// Mappings: the key read, waiting for its value.
    key: Option<String>,
}

#[derive(Default)]
struct Loader {
    docs: Vec<Value>,
    root: Option<Value>,
    stack: Vec<Frame>,
    nodes: usize,
}

const NO_ALIASES: &str = "YAML anchors and aliases (&name, *name) are not read: Kubernetes manifests do not need them, and each alias can stand for megabytes (an alias bomb)";

impl Loader {
    fn event(&mut self, ev: Event) -> Result<(), String> {
        match ev {
            Event::DocumentEnd => self.docs.push(self.root.take().unwrap_or(Value::Null)),
            // yaml-rust2 numbers anchors from 1; 0 is "no anchor".
            Event::Alias(_)
            | Event::SequenceStart(1.., _)
            | Event::MappingStart(1.., _)
            | Event::Scalar(_, _, 1.., _) => return Err(NO_ALIASES.into()),
            Event::SequenceStart(..) => self.open(Value::Array(vec![]))?,
            Event::MappingStart(..) => self.open(Value::Object(Map::new()))?,
            Event::SequenceEnd | Event::MappingEnd => {
                let f = self.stack.pop().ok_or("unbalanced YAML events")?;
                self.insert(f.node)?;
            }
            Event::Scalar(v, style, _, tag) => {
                self.count()?;
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

    fn open(&mut self, node: Value) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep: not read"));
        }
        self.count()?;
        self.stack.push(Frame { node, key: None });
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
