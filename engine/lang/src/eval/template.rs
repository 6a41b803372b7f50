//! Template evaluation: interpolation and `%{if}` / `%{for}` directives.

use super::{EvalResult, Evaluator};
use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::syntax::{Expr, TemplatePart};
use crate::value::{convert, Marks, Type, Value};

/// Accumulates template output; `unknown` once any part is unknown.
#[derive(Default)]
struct Out {
    buf: String,
    marks: Marks,
    unknown: bool,
}

impl Evaluator<'_> {
    pub(super) fn template(&mut self, parts: &[TemplatePart], _range: &Range) -> EvalResult {
        // `"${x}"` alone yields x itself, unconverted (HCL's template-wrap rule).
        if let [TemplatePart::Interp(e)] = parts {
            return self.eval(e);
        }
        let mut out = Out::default();
        self.parts(parts, &mut out)?;
        let v = if out.unknown {
            Value::Unknown(Type::String)
        } else {
            Value::string(out.buf)
        };
        Ok(v.mark(out.marks))
    }

    fn parts(&mut self, parts: &[TemplatePart], out: &mut Out) -> Result<(), Diagnostics> {
        for p in parts {
            match p {
                TemplatePart::Literal(s) => out.buf.push_str(s),
                TemplatePart::Interp(e) => self.interp(e, out)?,
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let c = self.eval(cond)?;
                    let (c, m) = c.unmark_deep();
                    out.marks = out.marks.union(m);
                    if c.is_null() {
                        return Err(directive_err(
                            "Invalid template if directive",
                            "The condition value is null. Conditions must either be true or false.",
                            cond,
                        ));
                    }
                    let c = convert(&c, &Type::Bool).map_err(|e| {
                        directive_err(
                            "Invalid template if directive",
                            &format!("The condition value is invalid: {e}."),
                            cond,
                        )
                    })?;
                    match c.as_bool() {
                        Some(true) => self.parts(then, out)?,
                        Some(false) => self.parts(otherwise, out)?,
                        None => out.unknown = true,
                    }
                }
                TemplatePart::For {
                    key,
                    value,
                    coll,
                    body,
                } => self.template_for(key.as_deref(), value, coll, body, out)?,
            }
        }
        Ok(())
    }

    fn interp(&mut self, e: &Expr, out: &mut Out) -> Result<(), Diagnostics> {
        let v = self.eval(e)?;
        let (v, m) = v.unmark_deep();
        out.marks = out.marks.union(m);
        if v.is_null() {
            return Err(Diagnostic::error(
                "Invalid template interpolation value",
                "The expression result is null. Cannot include a null value in a string template.",
                Some(e.range.clone()),
            )
            .into());
        }
        if v.is_unknown() {
            out.unknown = true;
            return Ok(());
        }
        let s = convert(&v, &Type::String).map_err(|err| {
            Diagnostics::from(Diagnostic::error(
                "Invalid template interpolation value",
                format!("Cannot include the given value in a string template: {err}."),
                Some(e.range.clone()),
            ))
        })?;
        out.buf.push_str(s.as_str().unwrap_or_default());
        Ok(())
    }

    fn template_for(
        &mut self,
        key: Option<&str>,
        value: &str,
        coll: &Expr,
        body: &[TemplatePart],
        out: &mut Out,
    ) -> Result<(), Diagnostics> {
        let c = self.eval(coll)?;
        let (c, m) = c.unmark();
        out.marks = out.marks.union(m);
        let pairs: Vec<(Value, Value)> = match &c {
            Value::Unknown(_) => {
                out.unknown = true;
                return Ok(());
            }
            Value::Null(_) => {
                return Err(directive_err(
                    "Invalid template for directive",
                    "The collection value is null.",
                    coll,
                ))
            }
            other => match super::iteration_pairs(other) {
                Some(p) => p,
                None => {
                    let msg = format!(
                        "A value of type {} cannot be used as the collection in a 'for' directive.",
                        other.ty().friendly_name()
                    );
                    return Err(directive_err("Invalid template for directive", &msg, coll));
                }
            },
        };
        for (k, v) in pairs {
            let mut binds = Vec::with_capacity(2);
            if let Some(kn) = key {
                binds.push((kn.to_string(), k));
            }
            binds.push((value.to_string(), v));
            self.with_frame(binds, |ev| ev.parts(body, out))?;
        }
        Ok(())
    }
}

fn directive_err(summary: &str, detail: &str, e: &Expr) -> Diagnostics {
    Diagnostic::error(summary, detail, Some(e.range.clone())).into()
}
