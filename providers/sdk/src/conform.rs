//! Shaping an evaluated configuration to a schema's object type: each attribute converted to
//! its type (sensitive ones marked), nested blocks to lists, sets or single objects.
//! Conversion errors are located by the caller's `locate`, which knows the source.

use crate::schema::{Block, Nesting};
use autostack_value::diag::Range;
use autostack_value::{convert, make_set, Diagnostic, Diagnostics, Type, Value};
use std::collections::BTreeMap;

/// Where the attribute at a path of nested block names and an attribute name was written.
pub type Locate<'a> = dyn Fn(&[String]) -> Option<Range> + 'a;

/// Converts an evaluated body (attributes plus tuples of nested-block objects, as
/// `Evaluator::eval_body` produces) into the schema's object type.
pub fn conform(block: &Block, value: &Value, locate: &Locate<'_>) -> Result<Value, Diagnostics> {
    conform_at(block, value, &mut Vec::new(), locate)
}

/// [`conform`] with no source to point at (values built in code, tests).
pub fn conform_value(block: &Block, value: &Value) -> Result<Value, Diagnostics> {
    conform(block, value, &|_| None)
}

fn conform_at(
    block: &Block,
    value: &Value,
    path: &mut Vec<String>,
    locate: &Locate<'_>,
) -> Result<Value, Diagnostics> {
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
                path.push(name.clone());
                let at = locate(path);
                path.pop();
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
                path.push(name.clone());
                for item in &items {
                    if let Some(c) = diags.take(conform_at(&nb.block, item, path, locate)) {
                        conformed.push(c);
                    }
                }
                path.pop();
                match nb.nesting {
                    Nesting::Single => conformed.into_iter().next().unwrap_or(Value::Null(ty)),
                    Nesting::List => Value::list(ty, conformed),
                    Nesting::Set => make_set(ty, conformed),
                }
            }
        };
        out.insert(name.clone(), v);
    }
    diags.into_result(Value::object(out.into()))
}
