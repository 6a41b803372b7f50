//! A light lexical scan that finds unclosed brackets, strings, heredocs and template
//! interpolations, to point syntax errors at the opening token (as Terraform does) when the
//! parser can only say "unexpected end". It also guards hcl-edit, which backtracks
//! exponentially on unclosed brackets, even inside a heredoc's interpolations (found by the
//! fuzz targets): input this scan rejects never reaches it.
//!
//! The scan is a stack of open constructs. Code (the top is a bracket or an interpolation, or
//! nothing) counts brackets and skips comments; a quoted string and a heredoc body are
//! template text, where only `${` / `%{` (not `$${` / `%%{`) open code again; a heredoc ends
//! at a line holding only its marker.

/// An unbalanced construct: summary, detail and the byte offset of its opening token.
pub struct Unbalanced {
    /// Terraform's summary for the construct.
    pub summary: &'static str,
    /// Terraform's detail text.
    pub detail: &'static str,
    /// Byte offset of the opening token.
    pub offset: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Brace,
    Bracket,
    Paren,
    /// `${` / `%{` inside a string or heredoc.
    Interp,
    /// A quoted string.
    Quote,
    /// A heredoc's body; its marker is `text[start..end]`.
    Heredoc {
        start: usize,
        end: usize,
    },
}

/// Scans `text`; `None` when every bracket, string, heredoc and template directive is closed.
pub fn find_unbalanced(text: &str) -> Option<Unbalanced> {
    let b = text.as_bytes();
    let mut stack: Vec<(Open, usize)> = Vec::new();
    // Open `%{ if }` / `%{ for }` directives: (is `for`, offset, depth of their template).
    let mut directives: Vec<(bool, usize, usize)> = Vec::new();
    // Stack depths of the open brackets that are operands of an operator, and the first
    // bracket nested past the bound (reported when nothing is left open: an unclosed
    // construct is the likelier mistake and Terraform's message).
    let mut operands: Vec<usize> = Vec::new();
    let mut too_deep = None;
    let mut i = 0;
    while i < b.len() {
        let in_template = matches!(stack.last(), Some((Open::Quote | Open::Heredoc { .. }, _)));
        let step = match stack.last() {
            Some(&(Open::Quote, at)) => quoted(b, i, at),
            Some(&(Open::Heredoc { start, end }, _)) => heredoc(b, i, &b[start..end]),
            _ => code(text, i),
        };
        match step {
            Step::Next(next) => i = next,
            Step::Push(open, at, next) => {
                if in_template && b[at] == b'%' {
                    track_directive(text, at, stack.len(), &mut directives);
                }
                if matches!(open, Open::Brace | Open::Bracket | Open::Paren)
                    && after_operator(b, at)
                {
                    operands.push(stack.len());
                    if operands.len() > MAX_OPERAND_NESTING {
                        too_deep = too_deep.or(Some(at));
                    }
                }
                stack.push((open, at));
                i = next;
            }
            Step::Pop(next) => {
                if let Some(&(is_for, at, depth)) = directives.last() {
                    // A template closing with a directive open in it (hcl-edit reads on past
                    // the template's end, backtracking exponentially: a fuzz find).
                    if in_template && depth == stack.len() {
                        return Some(unclosed_directive(is_for, at));
                    }
                }
                stack.pop();
                if operands.last() == Some(&stack.len()) {
                    operands.pop();
                }
                i = next;
            }
            Step::Fail(u) => return Some(u),
        }
    }
    if let Some(&(is_for, at, _)) = directives.last() {
        return Some(unclosed_directive(is_for, at));
    }
    let Some(&(kind, offset)) = stack.last() else {
        return too_deep.map(too_complex);
    };
    Some(match kind {
        Open::Brace => Unbalanced { summary: "Unclosed configuration block", detail: "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.", offset },
        Open::Bracket => Unbalanced { summary: "Missing close bracket", detail: "There is no closing bracket for this list or index before the end of the file.", offset },
        Open::Paren => Unbalanced { summary: "Unbalanced parentheses", detail: "Expected a closing parenthesis to terminate the expression.", offset },
        Open::Heredoc { .. } => unterminated_heredoc(offset),
        Open::Interp | Open::Quote => unterminated(offset),
    })
}

/// How many bracketed operands of operators may nest (`a > { b = c * (d + [...]) }` nests
/// three). hcl-edit parses such an operand twice when it fails (once in the operator chain,
/// again after rewinding to it), so its work doubles per level on invalid input (a fuzz
/// find: 19 levels took minutes); configurations nest a handful.
const MAX_OPERAND_NESTING: usize = 12;

/// True when the bracket at `at` opens an operand of an operator: `> {`, `* f(`, `- a.b[`
/// (a for expression's `=>` and an attribute's `=` are not operators).
fn after_operator(b: &[u8], at: usize) -> bool {
    let skip_space = |mut j: usize| {
        while j > 0 && b[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        j
    };
    let mut j = skip_space(at);
    let name_end = j;
    while j > 0 && (b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_' || b[j - 1] == b'.') {
        j -= 1;
    }
    if j != name_end {
        j = skip_space(j);
    }
    let before = |k: usize| j.checked_sub(k).map(|k| b[k]);
    match before(1) {
        Some(b'>') => before(2) != Some(b'='),
        Some(b'=') => matches!(before(2), Some(b'=' | b'!' | b'<' | b'>')),
        Some(b'<' | b'*' | b'+' | b'-' | b'/' | b'%' | b'&' | b'|' | b'!' | b'?' | b':') => true,
        _ => false,
    }
}

fn too_complex(offset: usize) -> Unbalanced {
    Unbalanced {
        summary: "Expression too complex",
        detail: "Operators take bracketed operands nested more than 12 levels deep here, which AutoStack does not parse.",
        offset,
    }
}

/// What one step of the scan does: move on, open or close a construct, or fail.
enum Step {
    Next(usize),
    Push(Open, usize, usize),
    Pop(usize),
    Fail(Unbalanced),
}

/// Opens or closes a directive at `at` (`%{`) in the template at stack depth `depth`. The
/// keywords are matched as hcl-edit matches them, as prefixes (`%{iffy}` opens an `if`).
fn track_directive(text: &str, at: usize, depth: usize, open: &mut Vec<(bool, usize, usize)>) {
    let word = text[at + 2..].trim_start_matches('~').trim_start();
    if word.starts_with("endif") || word.starts_with("endfor") {
        if open.last().is_some_and(|d| d.2 == depth) {
            open.pop();
        }
    } else if word.starts_with("if") {
        open.push((false, at, depth));
    } else if word.starts_with("for") {
        open.push((true, at, depth));
    }
}

fn unclosed_directive(is_for: bool, offset: usize) -> Unbalanced {
    Unbalanced {
        summary: "Unexpected end of template",
        detail: match is_for {
            true => "The for directive is missing its corresponding endfor directive.",
            false => "The if directive is missing its corresponding endif directive.",
        },
        offset,
    }
}

/// An interpolation opening at `i` in template text (`${` or `%{`, not escaped as `$${`).
fn opens_interp(b: &[u8], i: usize) -> bool {
    let c = b[i];
    (c == b'$' || c == b'%') && b.get(i + 1) == Some(&b'{') && b.get(i.wrapping_sub(1)) != Some(&c)
}

/// One step inside a quoted string opened at `at`.
fn quoted(b: &[u8], i: usize, at: usize) -> Step {
    match b[i] {
        b'\\' => Step::Next(i + 2),
        b'"' => Step::Pop(i + 1),
        b'\n' => Step::Fail(unterminated(at)),
        _ if opens_interp(b, i) => Step::Push(Open::Interp, i, i + 2),
        _ => Step::Next(i + 1),
    }
}

/// One step inside a heredoc body ending at a line that is `marker` alone.
fn heredoc(b: &[u8], i: usize, marker: &[u8]) -> Step {
    if i == 0 || b[i - 1] == b'\n' {
        let end = skip_line(b, i);
        if std::str::from_utf8(&b[i..end]).is_ok_and(|l| l.trim().as_bytes() == marker) {
            return Step::Pop(end);
        }
        // hcl-edit also ends the heredoc at a line that starts with the marker and goes on
        // with something that is not part of a name, and reads the rest of it as code (a fuzz
        // find: backtracking there took minutes); the scan follows it.
        let indent = b[i..end]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        let after = i + indent + marker.len();
        let continues_name =
            |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80;
        if b[i + indent..end].starts_with(marker) && (after == end || !continues_name(b[after])) {
            return Step::Pop(after);
        }
    }
    match opens_interp(b, i) {
        true => Step::Push(Open::Interp, i, i + 2),
        false => Step::Next(i + 1),
    }
}

/// One step in code.
fn code(text: &str, i: usize) -> Step {
    let b = text.as_bytes();
    match b[i] {
        b'#' => Step::Next(skip_line(b, i)),
        b'/' if b.get(i + 1) == Some(&b'/') => Step::Next(skip_line(b, i)),
        b'/' if b.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
            Some(p) => Step::Next(i + 2 + p + 2),
            None => Step::Fail(unterminated_comment(b, i)),
        },
        b'<' if b.get(i + 1) == Some(&b'<') => heredoc_start(text, i),
        b'"' => Step::Push(Open::Quote, i, i + 1),
        b'{' => Step::Push(Open::Brace, i, i + 1),
        b'[' => Step::Push(Open::Bracket, i, i + 1),
        b'(' => Step::Push(Open::Paren, i, i + 1),
        b'}' | b']' | b')' => Step::Pop(i + 1),
        _ => Step::Next(i + 1),
    }
}

/// `<<EOT` or `<<-EOT` at `i`: the body starts on the next line. `<<` without a marker is
/// left to the parser.
fn heredoc_start(text: &str, i: usize) -> Step {
    let b = text.as_bytes();
    let start = if b.get(i + 2) == Some(&b'-') {
        i + 3
    } else {
        i + 2
    };
    let marker_len: usize = text[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .map(char::len_utf8)
        .sum();
    let end = start + marker_len;
    if end == start {
        return Step::Next(i + 2);
    }
    match skip_line(b, end) {
        nl if nl < b.len() => Step::Push(Open::Heredoc { start, end }, i, nl + 1),
        _ => Step::Fail(unterminated_heredoc(i)),
    }
}

/// A `/*` at `i` that never closes: to Terraform an invalid token, reported as where it
/// stands (after something on its line, an expression; alone, a body item).
fn unterminated_comment(b: &[u8], i: usize) -> Unbalanced {
    let line_start = b[..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    match b[line_start..i].iter().all(u8::is_ascii_whitespace) {
        true => Unbalanced {
            summary: "Argument or block definition required",
            detail: "An argument or block definition is required here.",
            offset: i,
        },
        false => Unbalanced {
            summary: "Invalid expression",
            detail: "Expected the start of an expression, but found an invalid expression token.",
            offset: i,
        },
    }
}

fn unterminated(offset: usize) -> Unbalanced {
    Unbalanced {
        summary: "Unterminated template string",
        detail: "No closing marker was found for the string.",
        offset,
    }
}

fn unterminated_heredoc(offset: usize) -> Unbalanced {
    Unbalanced {
        summary: "Unterminated template string",
        detail: "No closing marker was found for the heredoc before the end of the file.",
        offset,
    }
}

fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

#[cfg(test)]
mod tests {
    use super::find_unbalanced;

    fn summary(text: &str) -> Option<(&'static str, usize)> {
        find_unbalanced(text).map(|u| (u.summary, u.offset))
    }

    #[test]
    fn balanced_text_passes() {
        for ok in [
            "a = { b = [1, (2)] }\n",
            "a = \"x ${b} $${c} %{ if d }e%{ endif }\"\n",
            "a = <<EOT\n{ [ ( \"\nEOT\n",
            "a = <<-EOT\n  ${ {b = 1} }\n  EOT\nc = {}\n",
            "a = <<EOT\n$${ not an interpolation\nEOT\n",
            "a = \"%{ if b }c%{ else }d%{ endif }\"\n",
            "a = <<EOT\n%{~ for x in y ~}\n${x}\n%{ endfor }\nEOT\n",
            "# {\n// (\n/* [ */\n",
            "a = b << c\n",
            "a = x > (y * [z + {k = !(w)}])\n",
            "a = {for k, v in m : k => {for x in v : x => {y = [1]}}}\n",
        ] {
            assert_eq!(summary(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn unclosed_constructs_are_found_where_they_open() {
        let cases = [
            ("a = {\n", ("Unclosed configuration block", 4)),
            ("a = \"abc\n", ("Unterminated template string", 4)),
            ("a = <<EOT\nbody\n", ("Unterminated template string", 4)),
            ("a = <<EOT", ("Unterminated template string", 4)),
            // An unclosed brace inside a heredoc's interpolation (hcl-edit took minutes).
            (
                "a = <<-_\n${e * {\n_\n",
                ("Unclosed configuration block", 15),
            ),
            ("a = \"${b\"\n", ("Unterminated template string", 8)),
            // An unclosed block comment is an invalid token to Terraform.
            (
                "a = 1\n/* open\nb = 2\n",
                ("Argument or block definition required", 6),
            ),
            ("a = 1 /* open\n", ("Invalid expression", 6)),
            // A directive left open when its template ends (hcl-edit read on past the quote).
            ("a = \"x %{if true}y\"\n", ("Unexpected end of template", 7)),
            (
                "a = <<EOT\n%{ for x in y }\nEOT\n",
                ("Unexpected end of template", 10),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(summary(text), Some(want), "{text:?}");
        }
        // Operands in brackets nested past the bound (hcl-edit's work doubles per level).
        let deep = "a = 1 > {b = 2 > ".repeat(13);
        let last = deep.rfind('{').unwrap();
        assert_eq!(
            summary(&deep).map(|u| u.0),
            Some("Unclosed configuration block")
        );
        // Closed, the bound is what is reported; one level less passes.
        let closed = format!("{deep}1{}\n", "}".repeat(13));
        assert_eq!(summary(&closed), Some(("Expression too complex", last)));
        let fine = format!("{}1{}\n", "a = 1 > {b = 2 > ".repeat(12), "}".repeat(12));
        assert_eq!(summary(&fine), None);
    }
}
