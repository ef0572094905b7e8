//! YAML out: block style, key order kept, and every scalar either a plain token no YAML parser
//! can misread or a double-quoted string with every risky character escaped.
//!
//! Why not yaml-rust2's emitter: it writes U+2028, U+2029 and U+0085 raw and leaves timestamps,
//! `0o17`, `1_000` or `60:30` plain; YAML 1.1 parsers (PyYAML, go-yaml v2 in kubectl) read the
//! first three as line breaks and the rest as dates and numbers. Manifests kvwire writes are read by
//! both YAML 1.1 and 1.2 tools, so a value must mean the same string to both.

use serde_json::Value;

/// Block-style YAML for a JSON value.
pub(crate) fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    for (k, v) in m {
        out.push_str(&" ".repeat(indent));
        out.push_str(&string(k));
        out.push(':');
        write_value(out, v, indent);
    }
}

fn write_seq(out: &mut String, a: &[Value], indent: usize) {
    for v in a {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // First key on the dash line, the rest aligned under it.
                let mut inner = String::new();
                write_map(&mut inner, m, indent + 2);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            other => write_value(out, other, indent),
        }
    }
}

fn write_value(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, indent + 2);
        }
        Value::String(s) if literal_block_ok(s) => {
            // `|` keeps the text as it is; `-` drops the final newline it lacks.
            out.push_str(" |");
            if !s.ends_with('\n') {
                out.push('-');
            }
            out.push('\n');
            for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(indent + 2));
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// Words YAML 1.1 or 1.2 read as something other than a string.
const RESERVED: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];

/// A plain (unquoted) scalar only when it is a token every YAML parser reads back as this string:
/// starts with a letter, holds only letters, digits and `-_./`, and is no reserved word.
fn plain_ok(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

/// A literal block for multi-line text of plain printable lines: no tabs, no carriage returns,
/// no YAML 1.1 line breaks, no leading space or blank first line, no trailing blank lines.
fn literal_block_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.ends_with("\n\n")
        && s.chars().all(|c| c == '\n' || (' '..='~').contains(&c))
        && s.split('\n').all(|l| !l.ends_with(' '))
}

/// `s` as YAML: plain when safe, else double-quoted with everything outside printable ASCII and
/// the safe ranges escaped (`\uXXXX` / `\UXXXXXXXX` mean the same in YAML 1.1 and 1.2).
pub(crate) fn string(s: &str) -> String {
    if plain_ok(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            // Printable in both specs and no line break in either.
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' if !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push(c)
            }
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            // Beyond the BMP everything is printable in both specs.
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn risky_scalars_are_quoted() {
        for s in [
            "yes",
            "On",
            "2014-12-31",
            "1_000",
            "0o17",
            "60:30",
            ".inf",
            "-x",
            "a: b",
            "a #b",
            "",
            " x",
        ] {
            assert!(string(s).starts_with('"'), "{s}");
        }
        assert_eq!(string("a\u{2028}hostPID: true"), "\"a\\u2028hostPID: true\"");
        assert_eq!(string("ghcr.io/x/y"), "\"ghcr.io/x/y\"".replace('"', ""));
        assert_eq!(to_yaml(&json!({"k": "line1\nline2\n"})), "k: |\n  line1\n  line2\n");
        assert_eq!(to_yaml(&json!({"k": "a\r\nb"})), "k: \"a\\u000d\\nb\"\n");
    }
}
