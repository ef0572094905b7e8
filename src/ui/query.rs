//! `--query`: a JMESPath expression over the command's document, as the Azure CLI runs it
//! (knack/query.py: compiled when the flag is parsed, run on the result before it is formatted).

use jmespath::ast::Ast;
use serde_json::{Map, Value};

/// A `--query` expression, checked when the flag is parsed (an invalid one is a usage error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    /// clap's value parser: compile once to refuse a bad expression with JMESPath's own words.
    pub fn parse(text: &str) -> Result<Query, String> {
        jmespath::compile(text).map_err(|e| format!("not a JMESPath expression (jmespath.org): {e}"))?;
        Ok(Query(text.to_string()))
    }

    /// The query's result; `None` for JMESPath's null, which az prints as nothing at all
    /// (knack/cli.py prints a result only when it `is not None`).
    pub(crate) fn apply(&self, doc: &Value) -> Result<Option<Queried>, String> {
        let expr = jmespath::compile(&self.0).map_err(|e| e.to_string())?;
        let found = expr.search(doc).map_err(|e| e.to_string())?;
        let mut value = serde_json::to_value(&*found).map_err(|e| e.to_string())?;
        if value.is_null() {
            return Ok(None);
        }
        // The crate hands objects back in key order. az keeps an object taken from the document
        // in the document's order, and builds a multi-select hash in the order the query names
        // its keys (jmespath.Options(OrderedDict)): the column order of `-o table`, and for
        // hashes, of `-o tsv` too. Both orders are put back here.
        let mut orders = vec![];
        document_orders(doc, &mut orders);
        let mut hashes = vec![];
        multi_hashes(expr.as_ast(), &mut hashes);
        reorder(&mut value, &orders);
        reorder(&mut value, &hashes);
        Ok(Some(Queried { value, hashes }))
    }
}

/// A query's result, with what az's formatters would know of how its objects were made.
#[derive(Debug)]
pub(crate) struct Queried {
    pub(crate) value: Value,
    /// The key lists of the query's multi-select hashes: az's `OrderedDict`s, which `-o tsv`
    /// writes in this order where it sorts every other object's keys.
    pub(crate) hashes: Vec<Vec<String>>,
}

impl Queried {
    /// Whether `map` is one of the query's multi-select hashes.
    pub(crate) fn is_hash(hashes: &[Vec<String>], map: &Map<String, Value>) -> bool {
        hashes.iter().any(|keys| same_keys(keys, map))
    }
}

fn same_keys(keys: &[String], map: &Map<String, Value>) -> bool {
    keys.len() == map.len() && keys.iter().all(|k| map.contains_key(k))
}

/// The key order of every object in the document (kvwire's documents keep insertion order).
fn document_orders(doc: &Value, out: &mut Vec<Vec<String>>) {
    match doc {
        Value::Array(items) => items.iter().for_each(|v| document_orders(v, out)),
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            if !out.contains(&keys) {
                out.push(keys);
            }
            map.values().for_each(|v| document_orders(v, out));
        }
        _ => {}
    }
}

/// The key lists of every `{key: expr, …}` in the query.
fn multi_hashes(ast: &Ast, out: &mut Vec<Vec<String>>) {
    match ast {
        Ast::MultiHash { elements, .. } => {
            out.push(elements.iter().map(|kv| kv.key.clone()).collect());
            for kv in elements {
                multi_hashes(&kv.value, out);
            }
        }
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => {
            multi_hashes(lhs, out);
            multi_hashes(rhs, out);
        }
        Ast::Condition { predicate, then, .. } => {
            multi_hashes(predicate, out);
            multi_hashes(then, out);
        }
        Ast::Expref { ast: node, .. }
        | Ast::Flatten { node, .. }
        | Ast::Not { node, .. }
        | Ast::ObjectValues { node, .. } => multi_hashes(node, out),
        Ast::Function { args, .. } | Ast::MultiList { elements: args, .. } => {
            args.iter().for_each(|a| multi_hashes(a, out));
        }
        Ast::Identity { .. } | Ast::Field { .. } | Ast::Index { .. } | Ast::Literal { .. } | Ast::Slice { .. } => {}
    }
}

/// Put each object whose keys are exactly one of `orders` in that order.
fn reorder(value: &mut Value, orders: &[Vec<String>]) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| reorder(v, orders)),
        Value::Object(map) => {
            map.values_mut().for_each(|v| reorder(v, orders));
            if let Some(keys) = orders.iter().find(|keys| same_keys(keys, map)) {
                let mut ordered = Map::with_capacity(map.len());
                for k in keys {
                    if let Some(v) = map.remove(k) {
                        ordered.insert(k.clone(), v);
                    }
                }
                *map = ordered;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_expressions_are_refused_at_parse() {
        assert!(Query::parse("clientId").is_ok());
        let e = Query::parse("[?").unwrap_err();
        assert!(e.starts_with("not a JMESPath expression"), "{e}");
    }

    #[test]
    fn hashes_keep_the_querys_key_order() {
        let doc = json!({"a": [{"x": 1, "y": 2}], "b": 3});
        let q = Query::parse("a[].{y: y, x: x, n: `null`}").unwrap();
        let got = q.apply(&doc).unwrap().unwrap().value;
        let keys: Vec<&String> = got[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["y", "x", "n"]);
        let doc = json!({"b": 1, "a": {"z": 1, "y": 2}});
        let whole = Query::parse("@").unwrap().apply(&doc).unwrap().unwrap().value;
        assert_eq!(serde_json::to_string(&whole).unwrap(), r#"{"b":1,"a":{"z":1,"y":2}}"#);
        assert!(Query::parse("missing").unwrap().apply(&doc).unwrap().is_none());
    }
}
