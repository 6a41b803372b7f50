//! Checking a configuration body against a schema and shaping its evaluated value to the
//! schema's object type, with located diagnostics.

use crate::schema::{Block, Nesting};
use autostack_lang::diag::did_you_mean;
use autostack_lang::syntax::Body;
use autostack_lang::value::{convert, make_set};
use autostack_lang::{Diagnostic, Diagnostics, Range, Type, Value};
use std::collections::BTreeMap;

/// Static checks of a body against a block schema: unknown or unconfigurable arguments,
/// missing required arguments, unknown block types, block counts.
pub fn check_body(block: &Block, body: &Body, what: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for a in &body.attributes {
        match block.attributes.get(&a.name) {
            None => {
                let hint = did_you_mean(&a.name, block.attributes.keys().map(String::as_str));
                let detail = if block.blocks.contains_key(&a.name) {
                    format!("An argument named {:?} is not expected here. Did you mean to define a block of type {:?}?", a.name, a.name)
                } else {
                    format!("An argument named {:?} is not expected here.{hint}", a.name)
                };
                diags.push(Diagnostic::error("Unsupported argument", detail, Some(a.name_range.clone())));
            }
            Some(s) if !s.required && !s.optional => diags.push(Diagnostic::error(
                "Value for unconfigurable attribute",
                format!("Can't configure a value for {:?}: its value will be decided automatically based on the result of applying this configuration.", a.name),
                Some(a.name_range.clone()),
            )),
            Some(_) => {}
        }
    }
    for (name, s) in &block.attributes {
        if s.required && body.attr(name).is_none() {
            diags.push(Diagnostic::error(
                "Missing required argument",
                format!("The argument {name:?} is required, but no definition was found."),
                Some(body_start(body)),
            ));
        }
    }
    for b in &body.blocks {
        let ty = if b.ty == "dynamic" {
            b.labels.first().map(|(l, _)| l.as_str()).unwrap_or("")
        } else {
            b.ty.as_str()
        };
        match block.blocks.get(ty) {
            None => {
                let hint = did_you_mean(ty, block.blocks.keys().map(String::as_str));
                diags.push(Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type {ty:?} are not expected here.{hint}"),
                    Some(b.ty_range.clone()),
                ));
            }
            Some(nb) if b.ty != "dynamic" => diags.extend(check_body(&nb.block, &b.body, what)),
            Some(_) => {}
        }
    }
    for (name, nb) in &block.blocks {
        let n = body.blocks.iter().filter(|b| &b.ty == name).count();
        let dynamic = body
            .blocks
            .iter()
            .any(|b| b.ty == "dynamic" && b.labels.first().is_some_and(|(l, _)| l == name));
        if !dynamic && n < nb.min_items {
            diags.push(Diagnostic::error(
                "Insufficient blocks",
                format!("At least {} {name:?} blocks are required.", nb.min_items),
                Some(body_start(body)),
            ));
        }
        if !dynamic && nb.max_items > 0 && n > nb.max_items {
            diags.push(Diagnostic::error(
                "Too many blocks",
                format!(
                    "No more than {} {name:?} blocks are allowed in {what}.",
                    nb.max_items
                ),
                Some(body_start(body)),
            ));
        }
    }
    diags
}

fn body_start(body: &Body) -> Range {
    Range {
        end: body.range.start,
        ..body.range.clone()
    }
}

/// Converts an evaluated body (attributes plus tuples of nested-block objects, as
/// `Evaluator::eval_body` produces) into the schema's object type.
pub fn conform(block: &Block, body: Option<&Body>, value: &Value) -> Result<Value, Diagnostics> {
    let mut diags = Diagnostics::new();
    let entries = value.as_entries().cloned().unwrap_or_default();
    let mut out = BTreeMap::new();
    for (name, a) in &block.attributes {
        let v = entries
            .get(name)
            .cloned()
            .unwrap_or(Value::Null(a.ty.clone()));
        match convert(&v, &a.ty) {
            Ok(c) => {
                out.insert(name.clone(), if a.sensitive { c.sensitive() } else { c });
            }
            Err(e) => {
                let at = body
                    .and_then(|b| b.attr(name))
                    .map(|x| x.expr.range.clone());
                diags.push(Diagnostic::error(
                    "Incorrect attribute value type",
                    format!("Inappropriate value for attribute {name:?}: {e}."),
                    at,
                ));
            }
        }
    }
    for (name, nb) in &block.blocks {
        let ty = nb.block.value_type();
        let given = entries.get(name).cloned();
        let nested_body = body
            .and_then(|b| b.blocks.iter().find(|x| &x.ty == name))
            .map(|x| &x.body);
        let v = match given.as_ref().map(Value::unmarked) {
            Some(Value::Unknown(_)) => Value::Unknown(match nb.nesting {
                Nesting::Single => ty,
                Nesting::List => Type::list(ty),
                Nesting::Set => Type::set(ty),
            }),
            other => {
                let items: Vec<Value> = other
                    .and_then(Value::as_seq)
                    .map(<[Value]>::to_vec)
                    .unwrap_or_default();
                let mut conformed = Vec::with_capacity(items.len());
                for item in &items {
                    if let Some(c) = diags.take(conform(&nb.block, nested_body, item)) {
                        conformed.push(c);
                    }
                }
                match nb.nesting {
                    Nesting::Single => conformed.into_iter().next().unwrap_or(Value::Null(ty)),
                    Nesting::List => Value::list(ty, conformed),
                    Nesting::Set => make_set(ty, conformed),
                }
            }
        };
        out.insert(name.clone(), v);
    }
    diags.into_result(Value::object(out))
}
