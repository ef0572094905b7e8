//! How results reach the user: format choice, colour, TTY detection, YAML rendering.

use serde_json::Value;
use std::io::IsTerminal;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// For people: aligned, coloured on a terminal.
    Text,
    /// One stable JSON document on stdout (see docs/plan-format.md).
    Json,
    /// The JSON document as YAML.
    Yaml,
    /// Shell-style KEY=value lines (commands that print values, such as kubelet-identity).
    Env,
}

/// Terminal facts and user choices, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Ui {
    pub format: OutputFormat,
    pub color: bool,
    /// Progress bars and prompts go to stderr, only when it is a terminal.
    pub interactive_stderr: bool,
    pub stdin_tty: bool,
    pub quiet: bool,
}

impl Ui {
    pub fn detect(format: Option<OutputFormat>, no_color: bool, quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ui {
            // Text for people at a terminal; JSON when piped, so scripts get a stable document.
            format: format.unwrap_or(if stdout_tty {
                OutputFormat::Text
            } else {
                OutputFormat::Json
            }),
            color: stdout_tty && !no_color && !no_color_env,
            interactive_stderr: std::io::stderr().is_terminal() && !quiet,
            stdin_tty: std::io::stdin().is_terminal(),
            quiet,
        }
    }

    pub fn paint(&self, text: &str, style: Style) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match style {
            Style::Add => "32",
            Style::Change => "33",
            Style::Remove => "31",
            Style::Run => "36",
            Style::Dim => "2",
            Style::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// Print a machine document (json/yaml) to stdout.
    pub fn print_document<T: serde::Serialize>(&self, doc: &T) {
        let doc = serde_json::to_value(doc).expect("documents serialise");
        match self.format {
            OutputFormat::Yaml => print!("{}", to_yaml(&doc)),
            _ => println!("{}", serde_json::to_string_pretty(&doc).expect("JSON values serialise")),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Style {
    Add,
    Change,
    Remove,
    Run,
    Dim,
    Bold,
}

/// Block-style YAML for a JSON value; key order is preserved, strings are quoted when plain
/// style could be misread (numbers, booleans, `key: value` lookalikes).
pub fn to_yaml(v: &Value) -> String {
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
        out.push_str(&yaml_str(k));
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
        Value::String(s) if s.contains('\n') => {
            out.push_str(" |");
            if s.starts_with(' ') {
                out.push('2');
            }
            if !s.ends_with('\n') {
                out.push('-');
            }
            out.push('\n');
            for line in s.trim_end_matches('\n').split('\n') {
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
        Value::String(s) => yaml_str(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

fn yaml_str(s: &str) -> String {
    const RESERVED: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ""];
    let plain_chars = s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./@:()+ ".contains(c));
    let starts_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/' || c == '_');
    let looks_numeric = s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o");
    if plain_chars
        && starts_ok
        && !looks_numeric
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
        && !s.ends_with(' ')
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains(" #")
    {
        s.to_string()
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        serde_json::to_string(s).expect("strings serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_quotes_what_would_be_misread() {
        let y = to_yaml(
            &json!({"a":"true","b":"1.10","c":"plain-text","d":"x: y","e":[{"k":"v","n":1},"s"],"f":{},"g":"line1\nline2\n"}),
        );
        assert_eq!(
            y,
            "a: \"true\"\nb: \"1.10\"\nc: plain-text\nd: \"x: y\"\ne:\n  - k: v\n    \"n\": 1\n  - s\nf: {}\ng: |\n  line1\n  line2\n"
        );
    }
}
