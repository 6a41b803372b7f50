//! Decoding `resource`, `data`, `lifecycle`, `module` and `check` blocks.

use super::decode::{
    check_rule, dup, expect_only, labels, provider_ref, required_attr, short, static_bool,
    static_string, traversal_list,
};
use super::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::syntax::{Block, ExprKind};
use crate::value::Value;

pub(super) fn decode_resource_into(b: Block, m: &mut Module, diags: &mut Diagnostics) {
    let Some(r) = decode_resource(b, diags) else {
        return;
    };
    let addr = r.addr();
    if let Some(prev) = m.resources.get(&addr) {
        let kind = if r.mode == Mode::Data {
            "data"
        } else {
            "resource"
        };
        diags.push(dup(
            &format!("Duplicate {kind} {:?} configuration", r.ty),
            format!("A {} {kind} named {:?} was already declared at {}. Resource names must be unique per type in each module.", r.ty, r.name, short(&prev.range)),
            &r.range,
        ));
        return;
    }
    m.resources.insert(addr, r);
}

/// Decodes a `resource` / `data` block, separating meta-arguments from provider arguments.
pub(super) fn decode_resource(b: Block, diags: &mut Diagnostics) -> Option<Resource> {
    let l: Vec<String> = labels(&b, 2, "type, name", diags)?
        .into_iter()
        .map(str::to_string)
        .collect();
    let mode = if b.ty == "data" {
        Mode::Data
    } else {
        Mode::Managed
    };
    if b.body.attr("count").is_some() && b.body.attr("for_each").is_some() {
        let at = b.body.attr("for_each").map(|a| a.name_range.clone());
        diags.push(Diagnostic::error("Invalid combination of \"count\" and \"for_each\"", "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.", at));
    }
    let lifecycle = b
        .body
        .blocks_of("lifecycle")
        .last()
        .map(|lb| decode_lifecycle(lb, mode, diags))
        .unwrap_or_default();
    let provider = b
        .body
        .attr("provider")
        .and_then(|a| provider_ref(&a.expr, diags));
    let depends_on = b
        .body
        .attr("depends_on")
        .map(|a| traversal_list(&a.expr, "depends_on", diags))
        .unwrap_or_default();
    let range = b.def_range();
    let mut config = b.body;
    let mut count = None;
    let mut for_each = None;
    config.attributes.retain_mut(|a| match a.name.as_str() {
        "count" => {
            count = Some(a.expr.clone());
            false
        }
        "for_each" => {
            for_each = Some(a.expr.clone());
            false
        }
        "provider" | "depends_on" => false,
        _ => true,
    });
    config
        .blocks
        .retain(|nb| !matches!(nb.ty.as_str(), "lifecycle" | "provisioner" | "connection"));
    let [ty, name]: [String; 2] = l.try_into().ok()?;
    Some(Resource {
        mode,
        ty,
        name,
        provider,
        count: count.map(Box::new),
        for_each: for_each.map(Box::new),
        depends_on,
        lifecycle: Box::new(lifecycle),
        config,
        range,
    })
}

fn decode_lifecycle(b: &Block, mode: Mode, diags: &mut Diagnostics) -> Lifecycle {
    let attrs: &[&str] = if mode == Mode::Data {
        &[]
    } else {
        &[
            "create_before_destroy",
            "prevent_destroy",
            "ignore_changes",
            "replace_triggered_by",
        ]
    };
    expect_only(b, attrs, &["precondition", "postcondition"], diags);
    let ignore_changes = match b.body.attr("ignore_changes") {
        None => IgnoreChanges::None,
        Some(a) => match &a.expr.kind {
            ExprKind::Traversal(t) if t.root == "all" && t.steps.is_empty() => IgnoreChanges::All,
            _ => IgnoreChanges::Paths(traversal_list(&a.expr, "ignore_changes", diags)),
        },
    };
    Lifecycle {
        create_before_destroy: b
            .body
            .attr("create_before_destroy")
            .is_some_and(|a| static_bool(&a.expr, diags)),
        prevent_destroy: b
            .body
            .attr("prevent_destroy")
            .is_some_and(|a| static_bool(&a.expr, diags)),
        ignore_changes,
        replace_triggered_by: match b.body.attr("replace_triggered_by").map(|a| &a.expr.kind) {
            Some(ExprKind::Tuple(items)) => items.clone(),
            _ => Vec::new(),
        },
        preconditions: b
            .body
            .blocks_of("precondition")
            .filter_map(|p| check_rule(p, diags))
            .collect(),
        postconditions: b
            .body
            .blocks_of("postcondition")
            .filter_map(|p| check_rule(p, diags))
            .collect(),
    }
}

pub(super) fn decode_module_call(b: &Block, diags: &mut Diagnostics) -> Option<ModuleCall> {
    let l = labels(b, 1, "name", diags)?;
    let src = required_attr(b, "source", diags)?;
    let source = static_string(&src.expr, diags)?;
    let mut inputs = IndexMap::new();
    for a in &b.body.attributes {
        if !matches!(
            a.name.as_str(),
            "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
        ) {
            inputs.insert(a.name.clone(), a.expr.clone());
        }
    }
    for nb in &b.body.blocks {
        diags.push(Diagnostic::error(
            "Unsupported block type",
            format!("Blocks of type {:?} are not expected here.", nb.ty),
            Some(nb.ty_range.clone()),
        ));
    }
    let providers = match b.body.attr("providers").map(|a| &a.expr.kind) {
        Some(ExprKind::Object(items)) => items
            .iter()
            .filter_map(|i| {
                let key = match &i.key.kind {
                    ExprKind::Literal(Value::String(s)) => s.to_string(),
                    ExprKind::Traversal(t) => t.root.clone(),
                    _ => return None,
                };
                provider_ref(&i.value, diags)
                    .map(|(n, a)| (key, a.map_or(n.clone(), |a| format!("{n}.{a}"))))
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(ModuleCall {
        name: l[0].to_string(),
        source,
        source_range: src.expr.range.clone(),
        version: b
            .body
            .attr("version")
            .and_then(|a| static_string(&a.expr, diags)),
        count: b.body.attr("count").map(|a| a.expr.clone()),
        for_each: b.body.attr("for_each").map(|a| a.expr.clone()),
        providers,
        depends_on: b
            .body
            .attr("depends_on")
            .map(|a| traversal_list(&a.expr, "depends_on", diags))
            .unwrap_or_default(),
        inputs,
        range: b.def_range(),
        missing_input_range: b.body.missing_item_range(),
    })
}

pub(super) fn decode_check(b: &Block, diags: &mut Diagnostics) -> Option<Check> {
    let l = labels(b, 1, "name", diags)?;
    expect_only(b, &[], &["data", "assert"], diags);
    let data = b
        .body
        .blocks_of("data")
        .next()
        .and_then(|d| decode_resource(d.clone(), diags));
    let asserts = b
        .body
        .blocks_of("assert")
        .filter_map(|a| check_rule(a, diags))
        .collect();
    Some(Check {
        name: l[0].to_string(),
        data,
        asserts,
        range: b.def_range(),
    })
}
