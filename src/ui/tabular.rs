//! `-o tsv` and `-o table`, written the way the Azure CLI writes them (knack/output.py:
//! `_TsvOutput` and `_TableOutput`, the latter through tabulate's "simple" format), so a script
//! or a habit carried over from az gets the same text. Checked against output az's own code
//! produced for the same documents (tests/fixtures/az-output, scripts/az-output-fixtures.py).

use super::query::Queried;
use serde_json::{Map, Value};

/// `-o tsv`: one line per item of a list (a lone value is a list of one); an object's values
/// joined by tabs, a nested list written as its length and a nested object as nothing, so rows
/// keep their column count. `hashes`: the query's multi-select hashes, `None` without `--query`.
pub(crate) fn tsv(value: &Value, hashes: Option<&[Vec<String>]>) -> String {
    let mut out = String::new();
    for row in as_rows(value) {
        match row {
            Value::Object(map) => {
                // A plain dict's keys are sorted; a multi-select hash (an OrderedDict) keeps
                // the query's order.
                let keep = hashes.is_some_and(|h| Queried::is_hash(h, map));
                let cells: Vec<String> = entries(map, !keep).into_iter().map(|(_, v)| tsv_cell(v)).collect();
                out.push_str(&cells.join("\t"));
            }
            Value::Array(items) => {
                let cells: Vec<String> = items.iter().map(tsv_cell).collect();
                out.push_str(&cells.join("\t"));
            }
            // Only a bool standing as a row is lower-cased (`_dump_row`); inside a row it is
            // Python's `True`.
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            other => out.push_str(&tsv_cell(other)),
        }
        out.push('\n');
    }
    out
}

fn tsv_cell(v: &Value) -> String {
    match v {
        Value::Array(items) => items.len().to_string(),
        Value::Object(_) => String::new(),
        other => python_str(other),
    }
}

/// `-o table`: a column per scalar field (`id`, `type` and `etag` left out, nested values and
/// nulls skipped), headed by its name with the first letter capitalised. Without `--query` the
/// fields are sorted; with it they keep the result's order. A lone value is a `Result` column,
/// a list's items `Column1`, `Column2`, ….
pub(crate) fn table(value: &Value, query_active: bool) -> String {
    const SKIP_KEYS: [&str; 3] = ["id", "type", "etag"];
    let rows: Vec<Vec<(String, &Value)>> = as_rows(value)
        .into_iter()
        .map(|item| match item {
            Value::Object(map) => entries(map, !query_active)
                .into_iter()
                .filter(|(k, v)| !(SKIP_KEYS.contains(&k.as_str()) || v.is_null() || v.is_array() || v.is_object()))
                .map(|(k, v)| (capitalise(k), v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("Column{}", i + 1), v))
                .collect(),
            other => vec![("Result".to_string(), other)],
        })
        .collect();
    // tabulate(headers="keys"): every key in the order it first appears; a row without it
    // shows nothing there.
    let mut headers: Vec<String> = vec![];
    for (k, _) in rows.iter().flatten() {
        if !headers.contains(k) {
            headers.push(k.clone());
        }
    }
    if headers.is_empty() {
        return "\n".to_string();
    }
    let grid: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            headers
                .iter()
                .map(|h| {
                    // tabulate writes a null cell as its `missingval`, nothing.
                    row.iter()
                        .find(|(k, v)| k == h && !v.is_null())
                        .map_or(String::new(), |(_, v)| python_str(v))
                })
                .collect()
        })
        .collect();
    // tabulate's columns are at least two wider than their header (MIN_PADDING), cells are
    // left-aligned (az disables number parsing), columns are two spaces apart, lines rstripped.
    let width = |s: &str| s.chars().count();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| grid.iter().map(|r| width(&r[i])).max().unwrap_or(0).max(width(h) + 2))
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(width(c)))))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(headers.clone());
    out.push('\n');
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    for row in grid {
        out.push('\n');
        out.push_str(&line(row));
    }
    out.push('\n');
    out
}

/// knack formats a list item by item, anything else as a list of one.
fn as_rows(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn entries(map: &Map<String, Value>, sorted: bool) -> Vec<(&String, &Value)> {
    let mut e: Vec<(&String, &Value)> = map.iter().collect();
    if sorted {
        e.sort_by(|a, b| a.0.cmp(b.0));
    }
    e
}

fn capitalise(k: &str) -> String {
    let mut c = k.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Python's `str()` of the value json.loads would give: what az writes for a cell.
fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => python_repr(other),
    }
}

/// Python's `repr()`: how a list or dict inside a table cell reads in az.
fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => repr_str(s),
        Value::Array(items) => format!("[{}]", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", repr_str(k), python_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A string's `repr()`: single quotes unless it holds one and no double quote.
fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::query::Query;

    /// Every case az's own formatter wrote (scripts/az-output-fixtures.py), byte for byte.
    #[test]
    fn matches_what_az_prints_for_the_same_documents() {
        let fixtures: Value = serde_json::from_str(include_str!("../../tests/fixtures/az-output/cases.json")).unwrap();
        let cases = fixtures["cases"].as_array().unwrap();
        assert!(cases.len() >= 15);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let doc = &case["document"];
            let (value, hashes) = match case["query"].as_str() {
                None => (Some(doc.clone()), None),
                Some(q) => match Query::parse(q).unwrap().apply(doc).unwrap() {
                    Some(got) => (Some(got.value), Some(got.hashes)),
                    None => (None, Some(vec![])),
                },
            };
            let active = hashes.is_some();
            let (tsv_got, table_got) = match &value {
                Some(v) => (tsv(v, hashes.as_deref()), table(v, active)),
                None => (String::new(), String::new()),
            };
            assert_eq!(tsv_got, case["tsv"]["stdout"].as_str().unwrap(), "tsv of {name}");
            assert_eq!(table_got, case["table"]["stdout"].as_str().unwrap(), "table of {name}");
        }
    }

    #[test]
    fn repr_quotes_like_python() {
        assert_eq!(repr_str("it's"), r#""it's""#);
        assert_eq!(repr_str(r#"a "b" it's"#), r#"'a "b" it\'s'"#);
        assert_eq!(repr_str("tab\there\\"), r"'tab\there\\'");
    }
}
