//! Provider diagnostics scrubbed of the sensitive values the provider was given. A provider
//! sees values unmarked (the plugin protocol carries no marks) and may quote them in an
//! error ("bad mode for file: <value>"); the engine knows which were sensitive, so every
//! diagnostic a provider returns about an object passes through [`scrub`] with that object's
//! values before anyone prints it.

use autostack_lang::{Diagnostic, Diagnostics, Value};

/// Sensitive strings shorter than this are left alone: replacing every `"1"` or `"on"` in a
/// message would garble it and hide nothing.
const MIN_LEN: usize = 4;

/// What a scrubbed occurrence is replaced by.
pub const REDACTED: &str = "(sensitive value)";

/// The texts of the sensitive leaves of `values` (strings, and numbers as printed), longest
/// first so that a secret containing another is replaced whole.
pub fn sensitive_texts(values: &[&Value]) -> Vec<String> {
    let mut out = Vec::new();
    for v in values {
        collect(v, false, &mut out);
    }
    out.retain(|s| s.chars().count() >= MIN_LEN);
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

fn collect(v: &Value, inherited: bool, out: &mut Vec<String>) {
    let secret = inherited || v.marks().is_sensitive();
    match v.unmarked() {
        Value::String(s) if secret => out.push(s.to_string()),
        Value::Number(n) if secret => out.push(n.to_string()),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            xs.iter().for_each(|x| collect(x, secret, out))
        }
        Value::Map(_, m) | Value::Object(m) => m.values().for_each(|x| collect(x, secret, out)),
        _ => {}
    }
}

/// `diags` with every sensitive text of `values` replaced by [`REDACTED`].
pub fn scrub(diags: Diagnostics, values: &[&Value]) -> Diagnostics {
    let texts = sensitive_texts(values);
    if texts.is_empty() {
        return diags;
    }
    let mut out = Diagnostics::new();
    for d in diags {
        out.push(scrub_one(d, &texts));
    }
    out
}

fn scrub_one(mut d: Diagnostic, texts: &[String]) -> Diagnostic {
    let clean = |s: &mut String| {
        for t in texts {
            if s.contains(t.as_str()) {
                *s = s.replace(t.as_str(), REDACTED);
            }
        }
    };
    clean(&mut d.summary);
    clean(&mut d.detail);
    for (_, v) in d.expression_values.iter_mut() {
        clean(v);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_texts_are_replaced_wherever_a_provider_quotes_them() {
        let config = Value::object_from([
            ("file_permission", Value::string("s3cr3t-0999").sensitive()),
            ("filename", Value::string("plain.txt")),
            ("short", Value::string("on").sensitive()),
            (
                "nested",
                Value::tuple(vec![Value::object_from([(
                    "k",
                    Value::string("inner-secret"),
                )])])
                .sensitive(),
            ),
        ]);
        let mut d = Diagnostic::error(
            "Invalid file_permission s3cr3t-0999",
            "bad mode for file: s3cr3t-0999 (in plain.txt, inner-secret, on)",
            None,
        );
        d.expression_values
            .push(("x".into(), "\"s3cr3t-0999\"".into()));
        let out: Vec<Diagnostic> = scrub(d.into(), &[&config]).into_iter().collect();
        assert_eq!(out[0].summary, "Invalid file_permission (sensitive value)");
        assert_eq!(
            out[0].detail,
            "bad mode for file: (sensitive value) (in plain.txt, (sensitive value), on)"
        );
        assert_eq!(out[0].expression_values[0].1, "\"(sensitive value)\"");
    }

    #[test]
    fn values_without_sensitive_parts_leave_diagnostics_as_they_are() {
        let v = Value::object_from([("a", Value::string("visible-text"))]);
        let d = Diagnostic::error("s", "visible-text", None);
        let out: Vec<Diagnostic> = scrub(d.into(), &[&v]).into_iter().collect();
        assert_eq!(out[0].detail, "visible-text");
    }
}
