//! Lines for people, fitted to the terminal they reach: a plan broken between words instead of
//! where the terminal cuts, a progress line shortened in its middle so it keeps its last word
//! (`done`) and its redraws stay on one row. Where a stream is not a terminal (a pipe, a CI log)
//! nothing is measured and lines stay as they are, unless `COLUMNS` names a width.

use dialoguer::console::{Term, measure_text_width, truncate_str};

/// The columns kvwire writes on the terminal stdout is, `None` when it is not one.
pub(crate) fn stdout() -> Option<usize> {
    columns(&Term::stdout())
}

/// The columns kvwire writes on the terminal stderr is, `None` when it is not one.
pub(crate) fn stderr() -> Option<usize> {
    columns(&Term::stderr())
}

/// All but the last column: a line that fills it leaves the cursor pending a wrap, which some
/// terminals take at once (an empty row under each such line). A stream that is not a terminal
/// takes the width `COLUMNS` names, as clap's help (kvwire's own `--help`), Python and GNU `ls`
/// do: for text shown at a terminal later, through a wrapper such as kvwire-demo. Shells keep
/// `COLUMNS` unexported, so a pipe or CI log is left alone unless someone asked.
fn columns(term: &Term) -> Option<usize> {
    let cols = match term.size_checked() {
        Some((_, cols)) => usize::from(cols),
        None => named_columns(std::env::var("COLUMNS").ok().as_deref())?,
    };
    Some(cols.saturating_sub(1).max(1))
}

/// A width from `COLUMNS`: a whole number of columns, else none.
fn named_columns(value: Option<&str>) -> Option<usize> {
    value?.trim().parse::<usize>().ok().filter(|c| *c > 0)
}

/// The columns `text` takes on a terminal (colour codes take none).
pub(crate) fn of(text: &str) -> usize {
    measure_text_width(text)
}

/// Each line of `text` broken between words to fit `width`, continued under its own indentation
/// plus two. Text with no width (not a terminal) is left as it is.
pub(crate) fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    text.split('\n')
        .map(|line| {
            let indent = line.len() - line.trim_start_matches(' ').len();
            wrap_line(line, width, indent + 2)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words of `text` between single spaces, a command in backticks (`` `kvwire up -f r.toml` ``)
/// one word: a hint is copied from the terminal, and a break inside it would run half a command.
/// A backtick with no closing one later is a character like any other.
fn words(text: &str) -> Vec<std::borrow::Cow<'_, str>> {
    let mut out: Vec<std::borrow::Cow<'_, str>> = vec![];
    let mut open: Option<String> = None;
    let mut rest = text;
    for word in text.split(' ') {
        rest = rest.get(word.len() + 1..).unwrap_or("");
        match open.as_mut() {
            Some(span) => {
                span.push(' ');
                span.push_str(word);
                if word.matches('`').count() % 2 == 1 {
                    out.push(open.take().expect("open").into());
                }
            }
            None if word.matches('`').count() % 2 == 1 && rest.contains('`') => open = Some(word.to_string()),
            None => out.push(word.into()),
        }
    }
    out.extend(open.map(Into::into));
    out
}

/// One line broken between words so that no part is wider than `width`; each continuation starts
/// with `hang` spaces. A word wider than the room is never cut: IDs and URLs are copied from the
/// terminal, and a break inside one would corrupt the copy; a command in backticks counts as one
/// word for the same reason.
pub(crate) fn wrap_line(line: &str, width: usize, hang: usize) -> String {
    if of(line) <= width {
        return line.to_string();
    }
    let hang = " ".repeat(hang.min(width / 2));
    let indent = &line[..line.len() - line.trim_start_matches(' ').len()];
    let mut out = String::new();
    let mut current = indent.to_string();
    // The line's own content starts after its indentation or a continuation's hang.
    let mut empty = true;
    for word in words(&line[indent.len()..]) {
        let word = word.as_ref();
        if empty {
            if word.is_empty() {
                continue;
            }
            current.push_str(word);
            empty = false;
        } else if of(&current) + 1 + of(word) <= width {
            current.push(' ');
            current.push_str(word);
        } else if word.is_empty() {
            // Padding between columns that does not fit: the break replaces it.
            continue;
        } else {
            out.push_str(current.trim_end());
            out.push('\n');
            current = format!("{hang}{word}");
        }
    }
    out.push_str(&current);
    out
}

/// `text` no wider than `width`, shortened in its middle with `…`: both ends of a name say more
/// than its middle (`cluster rg/aks (… add-on)`). For text with no colour codes.
pub(crate) fn middle(text: &str, width: usize) -> String {
    if of(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let head = truncate_str(text, room - room / 2, "").into_owned();
    let mut tail = Vec::new();
    let mut taken = 0;
    for c in text.chars().rev() {
        let w = of(c.encode_utf8(&mut [0; 4]));
        if taken + w > room / 2 {
            break;
        }
        taken += w;
        tail.push(c);
    }
    format!("{head}…{}", tail.into_iter().rev().collect::<String>())
}

/// `text` no wider than `width`, cut at its end with `…`.
pub(crate) fn end(text: &str, width: usize) -> String {
    truncate_str(text, width, "…").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_is_a_whole_number_of_columns_or_nothing() {
        assert_eq!(named_columns(Some("100")), Some(100));
        assert_eq!(named_columns(Some(" 80\n")), Some(80));
        for v in [None, Some(""), Some("0"), Some("-80"), Some("wide"), Some("80.5")] {
            assert_eq!(named_columns(v), None, "{v:?}");
        }
    }

    #[test]
    fn a_command_in_backticks_is_never_broken() {
        let line = "  tip: run `kvwire nodepool upgrade-image -g rg --cluster aks --all` after it";
        assert_eq!(
            wrap_line(line, 40, 4),
            "  tip: run\n    `kvwire nodepool upgrade-image -g rg --cluster aks --all`\n    after it"
        );
        // Two spans, and text between them.
        assert_eq!(words("a `b c` d `e f`; g"), ["a", "`b c`", "d", "`e f`;", "g"]);
        // A lone backtick (Azure's text may hold one) glues nothing.
        assert_eq!(words("it's `odd and long"), ["it's", "`odd", "and", "long"]);
        // Backticks inside one word stay one word.
        assert_eq!(words("x `y` z"), ["x", "`y`", "z"]);
    }

    #[test]
    fn lines_break_between_words_under_their_indentation() {
        let line = "      # the control plane uses a service principal; workload identity needs it";
        let wrapped = wrap_line(line, 40, 8);
        assert_eq!(
            wrapped,
            "      # the control plane uses a service\n        principal; workload identity\n        needs it"
        );
        assert!(wrapped.lines().all(|l| of(l) <= 40), "{wrapped}");
        assert_eq!(wrap_line("short", 40, 2), "short");
        assert_eq!(wrap("a b\n  c", None), "a b\n  c", "no terminal, no change");
    }

    #[test]
    fn a_word_wider_than_the_line_is_never_cut() {
        let id = "/subscriptions/0000/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv";
        let wrapped = wrap_line(&format!("  scope = \"{id}\""), 30, 4);
        assert_eq!(wrapped, format!("  scope =\n    \"{id}\""));
    }

    #[test]
    fn padding_that_does_not_fit_becomes_the_break() {
        assert_eq!(
            wrap_line("  + create    identity rg1/id-shop", 14, 14),
            "  + create\n       identity\n       rg1/id-shop"
        );
    }

    #[test]
    fn names_are_shortened_in_the_middle_and_text_at_its_end() {
        let name = "cluster rg1/aks1 (managed identity, workload identity, CSI driver add-on)";
        let short = middle(name, 30);
        assert_eq!(of(&short), 30, "{short}");
        assert!(
            short.starts_with("cluster rg1/aks") && short.ends_with("add-on)"),
            "{short}"
        );
        assert_eq!(middle("abc", 3), "abc");
        assert_eq!(end("waiting for the cluster", 10), "waiting f…");
    }
}
