//! Splitting a file at top-level block boundaries, so it can be parsed a piece at a time and
//! the parser's (large) syntax tree for one piece is freed before the next is built.

/// Target size of a chunk in bytes; a chunk ends at the first block end after this many.
const CHUNK_BYTES: usize = 32 * 1024;

/// Byte ranges covering `text`, each ending just after a line that is a lone `}` closing a
/// top-level block. A wrong guess only costs time: the caller reparses the whole file when a
/// chunk fails to parse, and a split inside any construct leaves that chunk unterminated.
pub(crate) fn chunks(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.len() < 2 * CHUNK_BYTES {
        out.push(0..b.len());
        return out;
    }
    let mut start = 0;
    // Open brackets and interpolations (`{`, `[`, `(`, `${`); `true` marks a quoted string.
    let mut stack: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let in_string = stack.last() == Some(&true);
        let special = if in_string { &IN_STRING } else { &OUTSIDE };
        while i < b.len() && !special[b[i] as usize] {
            i += 1;
        }
        let Some(&c) = b.get(i) else { break };
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%'
                    if b.get(i + 1) == Some(&b'{') && b.get(i.wrapping_sub(1)) != Some(&c) =>
                {
                    stack.push(false);
                    i += 1;
                }
                b'\n' => return whole(b),
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'#' => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(p) => i += p + 3,
                None => return whole(b),
            },
            // Heredocs (and anything odd) are rare enough to parse in one piece.
            b'<' if b.get(i + 1) == Some(&b'<') => return whole(b),
            b'"' => stack.push(true),
            b'{' | b'[' | b'(' => stack.push(false),
            b'}' | b']' | b')' => {
                if stack.pop().is_none() {
                    return whole(b);
                }
                let lone = c == b'}'
                    && stack.is_empty()
                    && (i == 0 || b[i - 1] == b'\n')
                    && b.get(i + 1).is_none_or(|&n| n == b'\n');
                if lone && i + 1 - start >= CHUNK_BYTES && b.len() - (i + 2) >= CHUNK_BYTES {
                    let end = (i + 2).min(b.len());
                    out.push(start..end);
                    start = end;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push(start..b.len());
    out
}

/// Bytes the scan must look at inside a quoted string.
const IN_STRING: [bool; 256] = table(b"\\\"$%\n");
/// Bytes the scan must look at elsewhere.
const OUTSIDE: [bool; 256] = table(b"#/<\"{[()]}");

const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// The whole text as one chunk.
fn whole(b: &[u8]) -> Vec<std::ops::Range<usize>> {
    std::iter::once(0..b.len()).collect()
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_only_after_top_level_blocks() {
        let block = "resource \"a\" \"b\" {\n  x = \"}\\n\"\n  y = { z = \"${f({})}\" }\n}\n";
        let text = block.repeat(4 * CHUNK_BYTES / block.len());
        let parts = chunks(&text);
        assert!(parts.len() > 1);
        assert_eq!(parts.first().map(|r| r.start), Some(0));
        assert_eq!(parts.last().map(|r| r.end), Some(text.len()));
        for w in parts.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(text[w[1].start..].starts_with("resource"));
        }
    }

    /// Parsing in pieces gives exactly the tree (ranges included) that parsing whole gives.
    #[test]
    fn pieces_lower_like_the_whole_file() {
        use crate::diag::SourceFile;
        let mut text = String::from("# head\n");
        for i in 0..600 {
            text.push_str(&format!(
                "resource \"a\" \"r{i}\" {{\n  for_each = toset([\"x\", \"y\"])\n  n = {i}.5e1 /* }} */\n  s = \"caf\u{e9} ${{each.key}}-%{{ if true }}y%{{ endif }}\"\n  t = [for k, v in var.m : v.id[0] if k != \"}}\"]\n  u = a.b[*].c\n  nested {{\n    x = f(1, 2...)\n  }}\n}}\n\n"
            ));
        }
        let file = SourceFile::new("big.tf", text.clone());
        assert!(chunks(&text).len() > 2);
        let pieces = crate::syntax::parse_file(&file).expect("parses");
        let whole_file = SourceFile::new("big.tf", text.clone());
        let tree = hcl_edit::parser::parse_body(&text).expect("parses");
        let whole =
            super::super::Lowerer::new(&whole_file).body(&tree, whole_file.range(0..text.len()));
        assert_eq!(format!("{pieces:?}"), format!("{whole:?}"));
        let broken = format!("{text}resource \"a\" \"b\" {{\n  x = (1\n}}\n");
        let err = crate::syntax::parse_file(&SourceFile::new("big.tf", broken.clone()));
        let whole_err = super::super::syntax_error(
            &SourceFile::new("big.tf", broken.clone()),
            &hcl_edit::parser::parse_body(&broken).expect_err("fails"),
        );
        assert_eq!(format!("{:?}", err.err()), format!("{:?}", Some(whole_err)));
    }

    #[test]
    fn heredocs_and_small_files_stay_whole() {
        assert_eq!(chunks("a = 1\n"), vec![0..6]);
        let text = format!("{}x = <<EOT\n}}\nEOT\n", "b {\n}\n".repeat(CHUNK_BYTES));
        assert_eq!(chunks(&text), vec![0..text.len()]);
    }
}
