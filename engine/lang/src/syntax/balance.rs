//! A light lexical scan that finds unclosed brackets and strings, to point syntax errors at
//! the opening token (as Terraform does) when the parser can only say "unexpected end".

/// An unbalanced construct: summary, detail and the byte offset of its opening token.
pub(crate) struct Unbalanced {
    pub summary: &'static str,
    pub detail: &'static str,
    pub offset: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Brace,
    Bracket,
    Paren,
    /// `${` / `%{` inside a string.
    Interp,
    /// A quoted string.
    Quote,
}

/// Scans `text`; `None` when every bracket and string is closed.
pub(crate) fn find_unbalanced(text: &str) -> Option<Unbalanced> {
    let b = text.as_bytes();
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let in_string = matches!(stack.last(), Some((Open::Quote, _)));
        let c = b[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%'
                    if b.get(i + 1) == Some(&b'{') && b.get(i.wrapping_sub(1)) != Some(&c) =>
                {
                    stack.push((Open::Interp, i));
                    i += 1;
                }
                b'\n' => return Some(unterminated(stack.last().map_or(i, |s| s.1))),
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'#' => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2)
            }
            b'<' if b.get(i + 1) == Some(&b'<') => match skip_heredoc(text, i) {
                Some(end) => i = end,
                None => return Some(Unbalanced {
                    summary: "Unterminated template string",
                    detail:
                        "No closing marker was found for the heredoc before the end of the file.",
                    offset: i,
                }),
            },
            b'"' => stack.push((Open::Quote, i)),
            b'{' => stack.push((Open::Brace, i)),
            b'[' => stack.push((Open::Bracket, i)),
            b'(' => stack.push((Open::Paren, i)),
            b'}' | b']' | b')' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    let (kind, offset) = *stack.last()?;
    Some(match kind {
        Open::Brace => Unbalanced { summary: "Unclosed configuration block", detail: "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.", offset },
        Open::Bracket => Unbalanced { summary: "Missing close bracket", detail: "There is no closing bracket for this list or index before the end of the file.", offset },
        Open::Paren => Unbalanced { summary: "Unbalanced parentheses", detail: "Expected a closing parenthesis to terminate the expression.", offset },
        Open::Interp | Open::Quote => unterminated(offset),
    })
}

fn unterminated(offset: usize) -> Unbalanced {
    Unbalanced {
        summary: "Unterminated template string",
        detail: "No closing marker was found for the string.",
        offset,
    }
}

fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

/// Skips `<<EOT ... EOT` (or `<<-EOT`), returning the offset of the terminator line's end;
/// `None` when the terminator never comes.
fn skip_heredoc(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        return Some(i + 1);
    }
    let body_start = text[i..].find('\n').map_or(text.len(), |p| i + p + 1);
    let mut pos = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        pos += line.len();
        if line.trim() == ident {
            return Some(pos.saturating_sub(1));
        }
    }
    None
}
