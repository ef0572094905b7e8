//! Quoting what someone typed back to them in an error: enough to recognise it, never all of it
//! (a 50 MB value must not come back as a 50 MB message); and text fit for a terminal.

use std::borrow::Cow;

/// Characters a terminal would act on rather than show: C0 controls but newline and tab, DEL, C1
/// controls (ESC [ … moves the cursor or clears a line, OSC retitles the window, `\r` and backspace
/// overwrite what came before), and the bidi embeddings, overrides and isolates, which reorder
/// what is shown.
pub(crate) fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` safe to print: each character a terminal would act on written as an escape (`\u{1b}`), so
/// text from Azure, a file or an argument cannot hide or rewrite lines. The one escaping function
/// for the terminal: output goes through it at the boundary (`Ui::print`, the log, `main`'s errors).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(acts_on_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if acts_on_terminal(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Characters of an input an error quotes at most.
pub(crate) const QUOTE_MAX: usize = 64;

/// `s` in double quotes, escaped; cut after [`QUOTE_MAX`] characters, saying how many more there were.
pub(crate) fn quoted(s: impl AsRef<str>) -> String {
    let s = s.as_ref();
    let len = s.chars().count();
    if len <= QUOTE_MAX {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(QUOTE_MAX).collect();
    format!("{head:?}… ({} more characters)", len - QUOTE_MAX)
}

/// `msg` with every double-quoted run longer than [`QUOTE_MAX`] cut the same way: for messages
/// built by others (a parser quoting the value it rejected).
pub fn shorten_quotes(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(4096));
    let mut rest = msg;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let body = &rest[open + 1..];
        // The closing quote: the first one not escaped.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &body[..end];
        let len = inner.chars().count();
        if len > QUOTE_MAX {
            let head: String = inner.chars().take(QUOTE_MAX).collect();
            out.push_str(&format!("\"{head}\"… ({} more characters)", len - QUOTE_MAX));
        } else {
            out.push('"');
            out.push_str(inner);
            out.push('"');
        }
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("plain ✔ text\n\tindented"), "plain ✔ text\n\tindented");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        for (raw, shown) in [
            ("a\x1b[2Kb", "a\\u{1b}[2Kb"),
            ("\x1b]0;title\x07", "\\u{1b}]0;title\\u{7}"),
            ("over\rwrite", "over\\u{d}write"),
            ("back\x08space", "back\\u{8}space"),
            ("del\x7f", "del\\u{7f}"),
            ("csi\u{9b}2J", "csi\\u{9b}2J"),
            ("nul\0", "nul\\u{0}"),
            ("bidi\u{202e}txt", "bidi\\u{202e}txt"),
            ("iso\u{2066}x\u{2069}", "iso\\u{2066}x\\u{2069}"),
        ] {
            assert_eq!(printable(raw), shown, "{raw:?}");
        }
    }

    #[test]
    fn long_input_is_cut() {
        assert_eq!(quoted("a\nb"), "\"a\\nb\"");
        let q = quoted("x".repeat(1_000_000));
        assert!(q.len() < 120 && q.ends_with("(999936 more characters)"), "{q}");
        let m = format!("invalid type: string \"{}\", expected a boolean", "y".repeat(10_000));
        let short = shorten_quotes(&m);
        assert!(
            short.len() < 160 && short.ends_with("(9936 more characters), expected a boolean"),
            "{short}"
        );
        assert_eq!(shorten_quotes("a \"b\\\"c\" d"), "a \"b\\\"c\" d");
    }
}
