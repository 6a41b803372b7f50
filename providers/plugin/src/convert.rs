//! Between the engine's values and the protocol's messages: `DynamicValue`s (msgpack out;
//! msgpack or JSON in) and attribute paths.

use crate::msgpack;
use crate::proto::tfplugin6::{self as v6, attribute_path::step::Selector};
use autostack_value::json::from_json;
use autostack_value::{Diagnostic, Diagnostics, PathStep, Type, Value};

/// A value as a `DynamicValue` of type `ty`.
pub fn dynamic(v: &Value, ty: &Type) -> v6::DynamicValue {
    v6::DynamicValue {
        msgpack: msgpack::encode(v, ty),
        json: Vec::new(),
    }
}

/// A null of type `ty` as a `DynamicValue`.
pub fn null(ty: &Type) -> v6::DynamicValue {
    dynamic(&Value::Null(ty.clone()), ty)
}

/// A `DynamicValue` from the plugin as a value of type `ty` (an absent one is null).
pub fn value(d: Option<&v6::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let bad = |e: String| -> Diagnostics {
        Diagnostic::error(
            "Provider returned invalid result object",
            format!("The plugin returned a {what} that does not conform to the schema: {e}. This is a bug in the provider, which should be reported in the provider's own issue tracker."),
            None,
        )
        .into()
    };
    match d {
        None => Ok(Value::Null(ty.clone())),
        Some(d) if !d.msgpack.is_empty() => msgpack::decode(&d.msgpack, ty).map_err(|e| bad(e.0)),
        Some(d) if !d.json.is_empty() => {
            let j: serde_json::Value =
                serde_json::from_slice(&d.json).map_err(|e| bad(e.to_string()))?;
            from_json(&j, ty).map_err(|e| bad(e.0))
        }
        Some(_) => Ok(Value::Null(ty.clone())),
    }
}

/// The protocol's attribute path as engine path steps (element keys that are numbers are
/// list or set indexes).
pub fn path_steps(p: &v6::AttributePath) -> Vec<PathStep> {
    p.steps
        .iter()
        .filter_map(|s| match s.selector.as_ref()? {
            Selector::AttributeName(n) => Some(PathStep::Attr(n.clone())),
            Selector::ElementKeyString(k) => Some(PathStep::Key(k.clone())),
            Selector::ElementKeyInt(i) => Some(PathStep::Index(usize::try_from(*i).unwrap_or(0))),
        })
        .collect()
}

/// Engine path steps as the protocol's attribute path.
pub fn attribute_path(steps: &[PathStep]) -> v6::AttributePath {
    v6::AttributePath {
        steps: steps
            .iter()
            .map(|s| v6::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(n) => Selector::AttributeName(n.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i as i64),
                }),
            })
            .collect(),
    }
}
