//! Decoding and canonical re-encoding of quoted string literals (used for block labels).

/// Decodes the literal text between quotes; on a bad escape, returns its byte offset.
pub(super) fn decode_quoted(text: &str) -> Result<String, usize> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let at = text.len() - rest.len();
        match c {
            '\\' => {
                let (decoded, used) = decode_escape(&rest[1..]).ok_or(at)?;
                out.push(decoded);
                rest = &rest[1 + used..];
            }
            '$' | '%' if rest[1..].starts_with(c) && rest[2..].starts_with('{') => {
                out.push(c);
                out.push('{');
                rest = &rest[3..];
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Ok(out)
}

/// Decodes the escape after a backslash: the character and the bytes it used.
fn decode_escape(rest: &str) -> Option<(char, usize)> {
    let simple = match rest.as_bytes().first()? {
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'"' => '"',
        b'\\' => '\\',
        b'u' => return hex_escape(&rest[1..], 4),
        b'U' => return hex_escape(&rest[1..], 8),
        _ => return None,
    };
    Some((simple, 1))
}

fn hex_escape(rest: &str, digits: usize) -> Option<(char, usize)> {
    let hex = rest.get(..digits)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, 1 + digits))
}

/// Escapes `value` for the inside of a quoted string, as `hclwrite` generates literals.
pub(super) fn escape_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.char_indices() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if value[i + 1..].starts_with('{') {
                    out.push(c);
                }
            }
            _ if !is_printable(c) => {
                let code = u32::from(c);
                if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Approximates Go's `unicode.IsPrint`: not a control, format, private-use or
/// non-ASCII-space character. (Unassigned code points are treated as printable.)
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
        | '\u{F0000}'..='\u{FFFFD}'
        | '\u{100000}'..='\u{10FFFD}')
}
