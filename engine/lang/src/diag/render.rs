//! Rendering diagnostics: Terraform's boxed human format and its JSON object format.

use super::{Diagnostic, Range, Severity, SourceFile, Sources};
use serde_json::{json, Value as Json};

/// Options for human rendering.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use ANSI colors (red/yellow bars, bold summary, underlined subject).
    pub color: bool,
}

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const UNDERLINE: &str = "\x1b[4m";
const RESET: &str = "\x1b[0m";

/// Renders one diagnostic the way Terraform's CLI prints it.
///
/// With color it is boxed (`╷ │ ╵`) as on a terminal; without color it is Terraform's plain
/// layout: a blank line, the summary, the excerpt, and the detail wrapped at 78 columns.
pub fn render_human(d: &Diagnostic, sources: &Sources, opts: RenderOptions) -> String {
    let (bar_color, label) = match d.severity {
        Severity::Error => (RED, "Error"),
        Severity::Warning => (YELLOW, "Warning"),
    };
    let mut body = Vec::new();
    body.push(if opts.color {
        format!(
            "{bar_color}{BOLD}{label}: {RESET}{BOLD}{}{RESET}",
            d.summary
        )
    } else {
        format!("{label}: {}", d.summary)
    });
    body.push(String::new());
    if let Some(addr) = &d.address {
        body.push(format!("  with {addr},"));
        if d.subject.is_none() {
            body.push(String::new());
        }
    }
    if let Some(subject) = &d.subject {
        match sources.get(&subject.filename) {
            Some(file) => body.extend(excerpt(&file, subject, d.context.as_ref(), opts.color)),
            None => body.push(format!(
                "  on {} line {}:",
                subject.filename, subject.start.line
            )),
        }
        if !d.expression_values.is_empty() {
            body.push("    ├────────────────".to_string());
            for (name, statement) in &d.expression_values {
                let name = if opts.color {
                    format!("{BOLD}{name}{RESET}")
                } else {
                    name.clone()
                };
                body.push(format!("    │ {name} {statement}"));
            }
        }
        body.push(String::new());
    }
    if !d.detail.is_empty() {
        body.extend(wrap(&d.detail, if opts.color { 76 } else { 77 }));
    } else if body.last().is_some_and(String::is_empty) {
        body.pop();
    }
    if !opts.color {
        let mut out = String::from("\n");
        for line in body {
            out.push_str(&line);
            out.push('\n');
        }
        return out;
    }
    let bar = |s: &str| format!("{bar_color}{s}{RESET}");
    let mut out = format!("{}\n", bar("╷"));
    for line in body {
        out.push_str(&format!("{} {line}\n", bar("│")));
    }
    out.push_str(&format!("{}\n", bar("╵")));
    out
}

/// Word-wraps each paragraph line of `text` to at most `width` columns; indented lines are kept.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        if para.starts_with(' ') || para.chars().count() <= width {
            out.push(para.to_string());
            continue;
        }
        let mut line = String::new();
        for word in para.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out
}

/// The `on FILE line N, in CONTEXT:` header and the numbered source lines.
fn excerpt(
    file: &SourceFile,
    subject: &Range,
    context: Option<&Range>,
    color: bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    let ctx = context_of(file, subject);
    lines.push(match &ctx {
        Some(c) => format!(
            "  on {} line {}, in {c}:",
            subject.filename, subject.start.line
        ),
        None => format!("  on {} line {}:", subject.filename, subject.start.line),
    });
    let shown = context.unwrap_or(subject);
    let first = shown.start.line.min(subject.start.line);
    let last = shown.end.line.max(subject.start.line).min(first + 20);
    for n in first..=last {
        let Some(text) = file.line_text(n) else { break };
        if n == last && n > first && shown.end.column == 1 && n > subject.start.line {
            break;
        }
        let text = if color {
            underline(text, n, subject)
        } else {
            text.to_string()
        };
        lines.push(format!("{n:>4}: {text}"));
    }
    lines
}

fn underline(text: &str, line: u32, subject: &Range) -> String {
    if line < subject.start.line || line > subject.end.line {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let from = if line == subject.start.line {
        subject.start.column as usize - 1
    } else {
        0
    };
    let to = if line == subject.end.line {
        (subject.end.column as usize - 1).min(chars.len())
    } else {
        chars.len()
    };
    if from >= to {
        return text.to_string();
    }
    let s: String = chars[..from].iter().collect();
    let m: String = chars[from..to].iter().collect();
    let e: String = chars[to..].iter().collect();
    format!("{s}{UNDERLINE}{m}{RESET}{e}")
}

/// The `in ...` context of a subject: Terraform asks for the block around the byte *before*
/// the subject, so a subject that is a block's own header has none.
fn context_of(file: &SourceFile, subject: &Range) -> Option<String> {
    subject
        .start
        .byte
        .checked_sub(1)
        .and_then(|byte| block_context(file, byte))
}

/// The header of the top-level block containing `byte`, as HCL's `ContextString` gives it.
fn block_context(file: &SourceFile, byte: usize) -> Option<String> {
    if let Some(blocks) = file.blocks() {
        let i = blocks.partition_point(|b| b.span.start <= byte);
        return i
            .checked_sub(1)
            .map(|i| &blocks[i])
            .filter(|b| byte < b.span.end)
            .map(|b| b.header.clone());
    }
    // Without parsed blocks: the nearest header line at or above the line holding `byte`.
    let mut byte = byte.min(file.text.len());
    while !file.text.is_char_boundary(byte) {
        byte -= 1;
    }
    let line_end = file.text[byte..]
        .find('\n')
        .map_or(file.text.len(), |n| byte + n);
    let text = &file.text[..line_end];
    let mut candidate = None;
    for line in text.lines().rev() {
        if line.starts_with('}') {
            return None;
        }
        if line.starts_with(|c: char| c.is_alphabetic()) && line.trim_end().ends_with('{') {
            candidate = Some(line.trim_end().trim_end_matches('{').trim_end().to_string());
            break;
        }
    }
    let header = candidate?;
    let mut words = split_header(&header);
    if words.is_empty() {
        return None;
    }
    let ty = words.remove(0);
    let mut out = ty;
    for w in words {
        out.push_str(&format!(" \"{}\"", w.trim_matches('"')));
    }
    Some(out)
}

fn split_header(header: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    for c in header.chars() {
        match c {
            '"' => {
                in_quote = !in_quote;
                cur.push(c);
            }
            c if c.is_whitespace() && !in_quote => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Renders one diagnostic as Terraform's JSON diagnostic object (`-json` output).
pub fn render_json(d: &Diagnostic, sources: &Sources) -> Json {
    let mut obj = json!({
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "summary": d.summary,
        "detail": d.detail,
    });
    if let Some(addr) = &d.address {
        obj["address"] = json!(addr);
    }
    if let Some(r) = &d.subject {
        obj["range"] = json!({ "filename": r.filename, "start": r.start, "end": r.end });
        if let Some(file) = sources.get(&r.filename) {
            let code = file.line_text(r.start.line).unwrap_or_default();
            let line_start = r.start.byte - (r.start.column as usize - 1).min(r.start.byte);
            let code_len = code.len();
            let values: Vec<Json> = d
                .expression_values
                .iter()
                .map(|(t, s)| json!({ "traversal": t, "statement": s }))
                .collect();
            obj["snippet"] = json!({
                "context": context_of(&file, r),
                "code": code,
                "start_line": r.start.line,
                "highlight_start_offset": r.start.byte.saturating_sub(line_start).min(code_len),
                "highlight_end_offset": r.end.byte.saturating_sub(line_start).min(code_len),
                "values": values,
            });
        }
    }
    obj
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_detail_like_terraform() {
        let w = wrap("An input variable with the name \"nope\" has not been declared. This variable can be declared with a variable \"nope\" {} block.", 77);
        assert_eq!(
            w[0],
            "An input variable with the name \"nope\" has not been declared. This variable"
        );
        assert_eq!(w[1], "can be declared with a variable \"nope\" {} block.");
    }

    #[test]
    fn human_box_matches_terraform_layout() {
        let sources = Sources::new();
        let f = sources.add(
            "main.tf",
            "resource \"null_resource\" \"x\" {\n  foo = 1\n}\n",
        );
        let d = Diagnostic::error(
            "Unsupported argument",
            "An argument named \"foo\" is not expected here.",
            Some(f.range(33..36)),
        );
        let out = render_human(&d, &sources, RenderOptions::default());
        assert_eq!(
            out,
            "\nError: Unsupported argument\n\n  on main.tf line 2, in resource \"null_resource\" \"x\":\n   2:   foo = 1\n\nAn argument named \"foo\" is not expected here.\n"
        );
        let boxed = render_human(&d, &sources, RenderOptions { color: true });
        assert!(boxed.contains("╷") && boxed.contains("╵"));
        let j = render_json(&d, &sources);
        assert_eq!(j["snippet"]["context"], "resource \"null_resource\" \"x\"");
        assert_eq!(j["snippet"]["highlight_start_offset"], 2);
        assert_eq!(j["range"]["start"]["line"], 2);
    }

    /// Terraform 1.15 on the same file: a duplicate resource (subject: the header) has no
    /// context; a `moved` block's missing argument (subject: its `{`) is `in moved`.
    #[test]
    fn the_context_is_the_block_around_the_byte_before_the_subject() {
        let sources = Sources::new();
        let text = "resource \"terraform_data\" \"a\" {}\n\nmoved {\n  from = a.b\n}\n";
        let f = sources.add("main.tf", text);
        let header = Diagnostic::error("Duplicate", "", Some(f.range(0..30)));
        let out = render_human(&header, &sources, RenderOptions::default());
        assert!(
            out.contains("  on main.tf line 1:\n   1: resource"),
            "{out}"
        );
        assert_eq!(
            render_json(&header, &sources)["snippet"]["context"],
            Json::Null
        );
        let brace = text.find("{\n").unwrap();
        let missing = Diagnostic::error("Missing", "", Some(f.range(brace..brace)));
        let out = render_human(&missing, &sources, RenderOptions::default());
        assert!(
            out.contains("  on main.tf line 3, in moved:\n   3: moved {"),
            "{out}"
        );
        // The byte before may be inside a character.
        let g = sources.add("u.tf", "locals {\n  é = 1\n}\n");
        let after = Diagnostic::error("Invalid", "", Some(g.range(13..14)));
        assert_eq!(
            render_json(&after, &sources)["snippet"]["context"],
            "locals"
        );
    }

    /// Terraform 1.15's layout for a provider's diagnostic about a resource instance.
    #[test]
    fn an_instance_diagnostic_names_its_address() {
        let sources = Sources::new();
        let text = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n";
        let f = sources.add("main.tf", text);
        let mut d = Diagnostic::error(
            "Conflicting configuration arguments",
            "\"bucket\": conflicts with bucket_prefix",
            Some(f.range(33..39)),
        );
        d.address = Some("aws_s3_bucket.b".into());
        let out = render_human(&d, &sources, RenderOptions::default());
        let want = "\nError: Conflicting configuration arguments\n\n  with aws_s3_bucket.b,\n  on main.tf line 2, in resource \"aws_s3_bucket\" \"b\":\n   2:   bucket = \"x\"\n\n\"bucket\": conflicts with bucket_prefix\n";
        assert_eq!(out, want);
        assert_eq!(render_json(&d, &sources)["address"], "aws_s3_bucket.b");
        d.subject = None;
        let out = render_human(&d, &sources, RenderOptions::default());
        assert!(
            out.contains("\n\n  with aws_s3_bucket.b,\n\n\"bucket\""),
            "{out}"
        );
    }
}
