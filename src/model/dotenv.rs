//! `.env` parsing for `secrets seed --from-file/--stdin`: `KEY=value` lines, `export KEY=value`,
//! `#` comments, blank lines, "double quotes" (with \n \" \\ escapes) and 'single quotes' (literal).
//! Errors name the line, never the value.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

pub(crate) fn parse(text: &str, origin: &str) -> Result<BTreeMap<String, String>> {
    Ok(entries(text, origin)?.into_iter().map(|e| (e.key, e.value)).collect())
}

/// One `KEY=value` line, with its number: where the names themselves come from the input
/// (`seed --all`), a complaint names the line, never the name (it may be part of a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) line: usize,
    pub(crate) key: String,
    pub(crate) value: String,
}

/// The lines in order (a key given twice appears twice).
pub(crate) fn entries(text: &str, origin: &str) -> Result<Vec<Entry>> {
    let mut out = vec![];
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(Error::usage(format!("{origin}:{}: expected KEY=value", i + 1)));
        };
        let key = key.trim();
        if !valid_key(key) {
            // Not quoted back: a mistyped line (`DB_PASSWORD: hunter2=x`) or the wrapped tail of
            // a long value holds secret text before its `=`.
            return Err(Error::usage(format!(
                "{origin}:{}: the text before '=' is not a variable name (letters, digits and '_', not starting with a digit)",
                i + 1
            )));
        }
        let value = unquote(value.trim()).map_err(|why| Error::usage(format!("{origin}:{} ({key}): {why}", i + 1)))?;
        out.push(Entry {
            line: i + 1,
            key: key.to_string(),
            value,
        });
    }
    Ok(out)
}

pub(crate) fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn unquote(v: &str) -> Result<String, &'static str> {
    if let Some(inner) = v.strip_prefix('\'') {
        return inner
            .strip_suffix('\'')
            .map(str::to_owned)
            .ok_or("unterminated single quote");
    }
    if let Some(inner) = v.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or("unterminated double quote")?;
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => return Err("dangling backslash"),
            }
        }
        return Ok(out);
    }
    // Unquoted: an inline comment starts at " #".
    Ok(v.split(" #").next().unwrap_or("").trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_key_never_the_value() {
        for (text, line) in [
            ("DB_PASSWORD: hunter2=x\n", 1),
            ("A=1\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+/=\n", 2),
            ("DB_PASSWORD=\"hunter2\n", 1),
            ("DB_PASSWORD hunter2\n", 1),
        ] {
            let e = parse(text, ".env").unwrap_err().to_string();
            assert!(e.starts_with(&format!(".env:{line}")), "{e}");
            for secret in ["hunter2", "QUJDREVG"] {
                assert!(!e.contains(secret), "{e}");
            }
        }
        let e = parse("DB_PASSWORD='x\n", ".env").unwrap_err().to_string();
        assert_eq!(e, ".env:1 (DB_PASSWORD): unterminated single quote");
    }

    #[test]
    fn parses_common_forms() {
        let env = parse(
            "# db\nexport DB_HOST=db.internal # primary\nDB_NAME='app db'\nDB_PASSWORD=\"p@ss\\\"w0rd\\n\"\n\nEMPTY=\n",
            ".env",
        )
        .unwrap();
        assert_eq!(env["DB_HOST"], "db.internal");
        assert_eq!(env["DB_NAME"], "app db");
        assert_eq!(env["DB_PASSWORD"], "p@ss\"w0rd\n");
        assert_eq!(env["EMPTY"], "");
    }

    #[test]
    fn errors_name_the_line_not_the_value() {
        let e = parse("A=1\nB=\"s3cret", ".env").unwrap_err().to_string();
        assert!(e.contains(".env:2") && !e.contains("s3cret"), "{e}");
        assert!(parse("1A=x", ".env").is_err());
        assert!(parse("novalue", ".env").is_err());
    }
}
