//! How results reach the user: format choice, colour, TTY detection, YAML rendering.

use super::query::Query;
use super::stdout::{out, outln};
use super::tabular;
use crate::util::text::{acts_on_terminal, printable};
use std::io::IsTerminal;

/// SGR reset: ends every colour [`Ui::paint`] starts.
const RESET: &str = "\x1b[0m";

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    /// For people: aligned, coloured on a terminal.
    Text,
    /// One stable JSON document on stdout (see docs/plan-format.md).
    Json,
    /// The JSON document as YAML.
    Yaml,
    /// `export KEY='value'` lines, safe in `eval` (commands that print values, such as kubelet-identity).
    Env,
    /// Tab-separated values, as `az -o tsv` writes them (ui/tabular.rs).
    Tsv,
    /// Columns, as `az -o table` writes them (ui/tabular.rs).
    Table,
}

impl OutputFormat {
    /// Whether this format writes the command's document (rather than text or `export` lines).
    pub(crate) fn is_document(self) -> bool {
        matches!(
            self,
            OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Tsv | OutputFormat::Table
        )
    }
}

/// Terminal facts and user choices, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Ui {
    pub(crate) format: OutputFormat,
    /// `--query`: run on the document before it is written.
    pub(crate) query: Option<Query>,
    pub(crate) color: bool,
    /// Colour for text written to stderr (a plan shown there while stdout is piped).
    pub(crate) stderr_color: bool,
    /// Progress bars and prompts go to stderr, only when it is a terminal.
    pub(crate) interactive_stderr: bool,
    pub(crate) stdin_tty: bool,
    pub(crate) quiet: bool,
    /// stdout holds a document for a machine and no terminal shows progress (CI): stderr gets the
    /// human log instead — the plan's counts, a line per step, the verdict.
    pub(crate) log_to_stderr: bool,
}

/// Colour on a stream that is a terminal, or any stream with `CLICOLOR_FORCE` set to other than
/// `0` (bixense.com/clicolors: a wrapper that shows the output at a terminal, such as the demo),
/// unless `--no-color` or `NO_COLOR` (no-color.org: any non-empty value) says otherwise.
fn colour(tty: bool, no_color_flag: bool) -> bool {
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    (tty || forced) && !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether stderr gets colour (`main` paints `error:` with it, before any `Ui` exists).
pub fn stderr_colour(no_color_flag: bool) -> bool {
    colour(std::io::stderr().is_terminal(), no_color_flag)
}

impl Ui {
    pub(crate) fn detect(format: Option<OutputFormat>, query: Option<Query>, no_color: bool, quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        Ui {
            // Text for people at a terminal; JSON when piped, so scripts get a stable document.
            // A query's result is JSON, as az prints it by default.
            format: format.unwrap_or(if stdout_tty && query.is_none() {
                OutputFormat::Text
            } else {
                OutputFormat::Json
            }),
            query,
            color: colour(stdout_tty, no_color),
            stderr_color: colour(stderr_tty, no_color),
            interactive_stderr: stderr_tty && !quiet,
            stdin_tty: std::io::stdin().is_terminal(),
            quiet,
            log_to_stderr: !stdout_tty && !stderr_tty && !quiet && format.is_none_or(|f| f != OutputFormat::Text),
        }
    }

    /// The same, painting for stderr.
    pub(crate) fn for_stderr(&self) -> Ui {
        Ui {
            color: self.stderr_color,
            ..self.clone()
        }
    }

    pub(crate) fn paint(&self, text: &str, style: Style) -> String {
        if !self.color {
            return text.to_string();
        }
        format!("{}{text}{RESET}", style.sgr())
    }

    /// `text` as it may reach this Ui's stream: every control character escaped
    /// ([`printable`]), except kvwire's own colour codes when colour is on. Those are the only
    /// escape sequences kvwire writes; a value that carries one shows at most one of these
    /// colours, none of which hides text.
    pub(crate) fn printable(&self, text: &str) -> String {
        if !self.color {
            return printable(text).into_owned();
        }
        let own = |at: &str| {
            Style::ALL
                .iter()
                .map(|s| s.sgr())
                .chain([RESET])
                .find(|code| at.starts_with(code))
                .map(str::len)
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((at, len)) = rest
            .match_indices('\x1b')
            .find_map(|(i, _)| own(&rest[i..]).map(|n| (i, n)))
        {
            out.push_str(&printable(&rest[..at]));
            out.push_str(&rest[at..at + len]);
            rest = &rest[at + len..];
        }
        out.push_str(&printable(rest));
        out
    }

    /// Write `text` to stdout, [`Self::printable`]: whatever it quotes from Azure or a file.
    pub(crate) fn print(&self, text: &str) {
        out!("{}", self.printable(text));
    }

    /// Write `text` to stderr the same way (painted with [`Self::for_stderr`]).
    pub(crate) fn eprint(&self, text: &str) {
        eprint!("{}", self.for_stderr().printable(text));
    }

    /// Print a machine document (json, yaml, tsv, table) to stdout, after `--query`.
    pub(crate) fn print_document<T: serde::Serialize>(&self, doc: &T) {
        let doc = serde_json::to_value(doc).expect("documents serialise");
        let (doc, hashes) = match &self.query {
            None => (doc, None),
            Some(q) => match q.apply(&doc) {
                Ok(Some(found)) => (found.value, Some(found.hashes)),
                // JMESPath's null: az prints nothing at all.
                Ok(None) => return,
                Err(e) => return super::stdout::unwritten(format!("--query: {e}")),
            },
        };
        match self.format {
            OutputFormat::Yaml => out!("{}", to_yaml(&doc)),
            OutputFormat::Tsv => self.print(&tabular::tsv(&doc, hashes.as_deref())),
            OutputFormat::Table => self.print(&tabular::table(&doc, hashes.is_some())),
            _ => {
                // serde_json escapes C0 controls but writes DEL, C1 and bidi controls raw; JSON
                // may spell any character \uXXXX, so those are written that way too (same document).
                let json = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
                let json: String = json
                    .chars()
                    .map(|c| {
                        if acts_on_terminal(c) {
                            format!("\\u{:04x}", c as u32)
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                outln!("{json}");
            }
        }
    }
}

/// `export KEY='value'` for POSIX shells: the value single-quoted, each `'` written `'\''`, so
/// `eval` assigns it verbatim whatever it holds.
pub(crate) fn shell_export(key: &str, value: &str) -> String {
    format!("export {key}='{}'", value.replace('\'', r"'\''"))
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Style {
    Add,
    Change,
    Remove,
    Run,
    Dim,
    Bold,
}

impl Style {
    const ALL: [Style; 6] = [
        Style::Add,
        Style::Change,
        Style::Remove,
        Style::Run,
        Style::Dim,
        Style::Bold,
    ];

    /// The SGR sequence that starts this style.
    fn sgr(self) -> &'static str {
        match self {
            Style::Add => "\x1b[32m",
            Style::Change => "\x1b[33m",
            Style::Remove => "\x1b[31m",
            Style::Run => "\x1b[36m",
            Style::Dim => "\x1b[2m",
            Style::Bold => "\x1b[1m",
        }
    }
}

pub(crate) use crate::util::yaml::to_yaml;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ui(color: bool) -> Ui {
        Ui {
            format: OutputFormat::Text,
            query: None,
            color,
            stderr_color: color,
            interactive_stderr: false,
            stdin_tty: false,
            quiet: false,
            log_to_stderr: false,
        }
    }

    #[test]
    fn printable_keeps_only_kvwires_own_colours() {
        let hostile = "name\x1b[2K\r\x1b[8mhidden\x1b]0;t\x07";
        for color in [false, true] {
            let ui = ui(color);
            let line = format!("{} {}\n", ui.paint("+", Style::Add), ui.paint(hostile, Style::Bold));
            let shown = ui.printable(&line);
            let raw: Vec<&str> = shown
                .match_indices('\x1b')
                .filter_map(|(i, _)| shown[i..].split_inclusive('m').next())
                .collect();
            let expected: &[&str] = if color {
                &["\x1b[32m", "\x1b[0m", "\x1b[1m", "\x1b[0m"]
            } else {
                &[]
            };
            assert_eq!(raw, expected, "{shown:?}");
            assert!(
                shown.contains("name\\u{1b}[2K\\u{d}\\u{1b}[8mhidden\\u{1b}]0;t\\u{7}"),
                "{shown:?}"
            );
            assert!(shown.ends_with('\n'));
        }
    }

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
