//! Evaluating a whole block body (a resource's or provider's arguments) into an object value,
//! expanding `dynamic` blocks.
//!
//! Nested blocks of one type become a tuple of objects under the block type's name; the core
//! engine then shapes them by the provider schema (list, set or single nested block).

use super::{EvalResult, Evaluator};
use crate::diag::{Diagnostic, Diagnostics};
use crate::syntax::{Block, Body};
use crate::value::{Type, Value};
use std::collections::BTreeMap;

impl Evaluator<'_> {
    /// Evaluates every attribute and nested block of `body`; errors of all of them are collected.
    pub fn eval_body(&mut self, body: &Body) -> EvalResult {
        let mut diags = Diagnostics::new();
        let mut out = crate::value::ValueMap::new();
        for a in &body.attributes {
            if let Some(v) = diags.take(self.eval(&a.expr)) {
                out.insert(a.name.clone(), v);
            }
        }
        let mut blocks: BTreeMap<String, Option<Vec<Value>>> = BTreeMap::new();
        for b in &body.blocks {
            if b.ty == "dynamic" {
                let Some((ty, expanded)) = diags.take(self.dynamic_block(b)) else {
                    continue;
                };
                let slot = blocks.entry(ty).or_insert_with(|| Some(Vec::new()));
                match (slot.as_mut(), expanded) {
                    (Some(list), Some(items)) => list.extend(items),
                    _ => *slot = None,
                }
            } else if let Some(v) = diags.take(self.eval_body(&b.body)) {
                if let Some(list) = blocks
                    .entry(b.ty.clone())
                    .or_insert_with(|| Some(Vec::new()))
                {
                    list.push(v);
                }
            }
        }
        for (ty, items) in blocks {
            out.insert(
                ty,
                items.map_or(Value::Unknown(Type::Dynamic), Value::tuple),
            );
        }
        diags.into_result(Value::object(out))
    }

    /// Expands `dynamic "TYPE" { for_each = ..., iterator = ..., content { ... } }`; `None`
    /// items when `for_each` is unknown.
    fn dynamic_block(&mut self, b: &Block) -> Result<(String, Option<Vec<Value>>), Diagnostics> {
        let Some((ty, _)) = b.labels.first() else {
            return Err(Diagnostic::error(
                "Missing name for dynamic",
                "A dynamic block must have one label: the type of block to generate.",
                Some(b.def_range()),
            )
            .into());
        };
        let for_each = b.body.attr("for_each").ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Missing required argument",
                "The argument \"for_each\" is required, but no definition was found.",
                Some(b.body.missing_item_range()),
            ))
        })?;
        let iterator = match b.body.attr("iterator") {
            Some(a) => match &a.expr.kind {
                crate::syntax::ExprKind::Traversal(t) if t.steps.is_empty() => t.root.clone(),
                _ => {
                    return Err(Diagnostic::error(
                        "Invalid dynamic iterator name",
                        "Dynamic iterator must be a single variable name.",
                        Some(a.expr.range.clone()),
                    )
                    .into())
                }
            },
            None => ty.clone(),
        };
        let content = b.body.blocks_of("content").next().ok_or_else(|| Diagnostics::from(Diagnostic::error("Missing content block", "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.", Some(b.def_range()))))?;
        let coll = self.eval(&for_each.expr)?;
        let (coll, marks) = coll.unmark();
        let pairs: Vec<(Value, Value)> = match &coll {
            Value::Unknown(_) => return Ok((ty.clone(), None)),
            Value::Null(_) => {
                return Err(Diagnostic::error(
                    "Invalid dynamic for_each value",
                    "Cannot use a null value in for_each.",
                    Some(for_each.expr.range.clone()),
                )
                .into())
            }
            other => match super::iteration_pairs(other) {
                Some(p) => p,
                None => {
                    return Err(Diagnostic::error(
                        "Invalid dynamic for_each value",
                        format!(
                        "Cannot use a {} value in for_each. An iterable collection is required.",
                        other.ty().friendly_name()
                    ),
                        Some(for_each.expr.range.clone()),
                    )
                    .into());
                }
            },
        };
        let mut items = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let it = Value::object_from([("key", k.mark(marks)), ("value", v.mark(marks))]);
            items.push(self.with_frame(vec![(iterator.clone(), it)], |ev| {
                ev.eval_body(&content.body)
            })?);
        }
        Ok((ty.clone(), Some(items)))
    }
}
