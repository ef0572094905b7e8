//! How results reach the user: format choice, colour, TTY detection, YAML rendering.

use super::stdout::{out, outln};
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
    /// `export KEY='value'` lines, safe in `eval` (commands that print values, such as kubelet-identity).
    Env,
}

/// Terminal facts and user choices, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Ui {
    pub format: OutputFormat,
    pub color: bool,
    /// Colour for text written to stderr (a plan shown there while stdout is piped).
    pub stderr_color: bool,
    /// Progress bars and prompts go to stderr, only when it is a terminal.
    pub interactive_stderr: bool,
    pub stdin_tty: bool,
    pub quiet: bool,
}

impl Ui {
    pub fn detect(format: Option<OutputFormat>, no_color: bool, quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ui {
            // Text for people at a terminal; JSON when piped, so scripts get a stable document.
            format: format.unwrap_or(if stdout_tty {
                OutputFormat::Text
            } else {
                OutputFormat::Json
            }),
            color: stdout_tty && !no_color && !no_color_env,
            stderr_color: stderr_tty && !no_color && !no_color_env,
            interactive_stderr: stderr_tty && !quiet,
            stdin_tty: std::io::stdin().is_terminal(),
            quiet,
        }
    }

    /// The same, painting for stderr.
    pub fn for_stderr(&self) -> Ui {
        Ui {
            color: self.stderr_color,
            ..self.clone()
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
            OutputFormat::Yaml => out!("{}", to_yaml(&doc)),
            _ => outln!("{}", serde_json::to_string_pretty(&doc).expect("JSON values serialise")),
        }
    }
}

/// `export KEY='value'` for POSIX shells: the value single-quoted, each `'` written `'\''`, so
/// `eval` assigns it verbatim whatever it holds.
pub fn shell_export(key: &str, value: &str) -> String {
    format!("export {key}='{}'", value.replace('\'', r"'\''"))
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

pub use crate::util::yaml::to_yaml;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shell_export_quotes_for_eval() {
        assert_eq!(shell_export("K", "plain"), "export K='plain'");
        assert_eq!(shell_export("K", ""), "export K=''");
        assert_eq!(
            shell_export("K", "it's $HOME `x` \\ \"q\""),
            r#"export K='it'\''s $HOME `x` \ "q"'"#
        );
    }

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
