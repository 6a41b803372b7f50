//! `for` expressions.

use super::{EvalResult, Evaluator};
use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::syntax::ForExpr;
use crate::value::{convert, Marks, Type, Value};
use std::collections::BTreeMap;

impl Evaluator<'_> {
    pub(super) fn for_expr(&mut self, f: &ForExpr, range: &Range) -> EvalResult {
        let coll = self.eval(&f.coll)?;
        let (coll, marks) = coll.unmark();
        let pairs: Vec<(Value, Value)> = match &coll {
            Value::Null(_) => {
                return Err(Diagnostic::error(
                    "Iteration over null value",
                    "A null value cannot be used as the collection in a 'for' expression.",
                    Some(f.coll.range.clone()),
                )
                .into())
            }
            Value::Unknown(_) => return Ok(Value::unknown().mark(marks)),
            other => match super::iteration_pairs(other) {
                Some(p) => p,
                None => {
                    return Err(Diagnostic::error(
                        "Iteration over non-iterable value",
                        format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    other.ty().friendly_name()
                ),
                        Some(f.coll.range.clone()),
                    )
                    .into())
                }
            },
        };
        let mut out = ForOutput {
            marks,
            ..ForOutput::default()
        };
        for (k, v) in pairs {
            let mut binds = Vec::with_capacity(2);
            if let Some(kv) = &f.key_var {
                binds.push((kv.clone(), k));
            }
            binds.push((f.value_var.clone(), v));
            let step = self.with_frame(binds, |ev| ev.for_item(f, &mut out));
            step?;
            if out.unknown {
                return Ok(Value::unknown().mark(out.marks));
            }
        }
        out.finish(f, range)
    }

    fn for_item(&mut self, f: &ForExpr, out: &mut ForOutput) -> Result<(), Diagnostics> {
        if let Some(c) = &f.cond {
            let cv = self.eval(c)?;
            let (cv, m) = cv.unmark();
            out.marks = out.marks.union(m);
            if cv.is_null() {
                return Err(Diagnostic::error(
                    "Condition is null",
                    "The value of the 'if' clause must not be null.",
                    Some(c.range.clone()),
                )
                .into());
            }
            let cv = convert(&cv, &Type::Bool).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Invalid 'for' condition",
                    format!("The 'if' clause value is invalid: {e}."),
                    Some(c.range.clone()),
                ))
            })?;
            match cv.as_bool() {
                Some(true) => {}
                Some(false) => return Ok(()),
                None => {
                    out.unknown = true;
                    return Ok(());
                }
            }
        }
        let Some(kexpr) = &f.key else {
            out.items.push(self.eval(&f.value)?);
            return Ok(());
        };
        let kv = self.eval(kexpr)?;
        let (kv, m) = kv.unmark();
        out.marks = out.marks.union(m);
        if kv.is_null() {
            return Err(Diagnostic::error(
                "Invalid object key",
                "Key expression in 'for' expression must not produce a null value.",
                Some(kexpr.range.clone()),
            )
            .into());
        }
        if kv.is_unknown() {
            out.unknown = true;
            return Ok(());
        }
        let kv = convert(&kv, &Type::String).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Invalid object key",
                format!("The key expression produced an invalid result: {e}."),
                Some(kexpr.range.clone()),
            ))
        })?;
        let key = kv.as_str().unwrap_or_default().to_string();
        let v = self.eval(&f.value)?;
        if f.group {
            out.groups.entry(key).or_default().push(v);
        } else {
            match out.entries.entry(key) {
                std::collections::btree_map::Entry::Occupied(o) => {
                    return Err(Diagnostic::error(
                        "Duplicate object key",
                        format!("Two different items produced the key {:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.", o.key()),
                        Some(kexpr.range.clone()),
                    )
                    .into());
                }
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(v);
                }
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct ForOutput {
    items: Vec<Value>,
    entries: BTreeMap<String, Value>,
    groups: BTreeMap<String, Vec<Value>>,
    marks: Marks,
    unknown: bool,
}

impl ForOutput {
    fn finish(self, f: &ForExpr, _range: &Range) -> EvalResult {
        let v = if f.key.is_none() {
            Value::tuple(self.items)
        } else if f.group {
            Value::object(
                self.groups
                    .into_iter()
                    .map(|(k, vs)| (k, Value::tuple(vs)))
                    .collect(),
            )
        } else {
            Value::object(self.entries.into())
        };
        Ok(v.mark(self.marks))
    }
}
