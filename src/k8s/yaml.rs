//! YAML in (multi-document) as JSON values, so manifests and lint share one data model.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// Every document of a YAML stream. Errors name the origin, line and column.
pub fn parse_documents(text: &str, origin: &str) -> Result<Vec<Value>> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| {
        Error::usage(format!(
            "{origin}:{}:{}: invalid YAML: {}",
            e.marker().line(),
            e.marker().col() + 1,
            e.info()
        ))
    })?;
    Ok(docs.iter().map(to_json).collect())
}

pub fn to_json(y: &Yaml) -> Value {
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
    }
}
