//! Output text: each block serialized by hcl-rs under its comment lines, the file made
//! canonical by our `fmt` (the `autostack fmt` implementation) and checked to parse.

use super::model::{Target, Untranslated};
use autostack_cost::Cloud;
use autostack_lang::diag::SourceFile;
use autostack_lang::fmt::format_source;
use autostack_lang::syntax::parse_file;

/// Blocks written together under comment lines.
#[derive(Clone, Debug)]
pub struct Section {
    /// Comment lines (without `#`).
    pub comments: Vec<String>,
    /// The blocks.
    pub blocks: Vec<hcl::Block>,
    /// Where its source is (`main.tf:12:1`), for the list of what was not translated.
    pub at: String,
}

/// Renders every file; the first one opens with the list of what was not translated.
pub fn render(
    files: Vec<(String, Vec<Section>)>,
    from: Cloud,
    to: Target,
    lost: &[Untranslated],
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, (name, sections)) in files.into_iter().enumerate() {
        let mut text = String::new();
        if i == 0 && !lost.is_empty() {
            text.push_str(&format!(
                "# NOT TRANSLATED ({from} → {}): {} item(s); see each line, then fix by hand.\n",
                to.name(),
                lost.len()
            ));
            for l in lost {
                let at = if l.at.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", l.at)
                };
                text.push_str(&format!("#   - {at}{}: {}\n", l.subject, l.why));
            }
            text.push('\n');
        }
        for s in &sections {
            if s.blocks.is_empty() && s.comments.is_empty() {
                continue;
            }
            for c in &s.comments {
                for line in c.lines() {
                    text.push_str(&format!("# {line}\n"));
                }
            }
            for b in &s.blocks {
                let body = hcl::Body::builder().add_block(b.clone()).build();
                text.push_str(&hcl::to_string(&body).map_err(|e| format!("{name}: {e}"))?);
            }
            text.push('\n');
        }
        let text = text.trim_end().to_string() + "\n";
        let formatted = format_source(&text)
            .map_err(|e| format!("{name}: the generated text does not format: {e}"))?;
        parse_file(&SourceFile::new(name.clone(), formatted.clone()))
            .map_err(|_| format!("{name}: the generated text does not parse"))?;
        out.push((name, formatted));
    }
    Ok(out)
}
