//! `.tf.json` files: Terraform's JSON syntax lowered into the same [`Body`] model.
//!
//! Block nesting follows Terraform's JSON rules (labels as nested object keys, a block type
//! whose value is an array of objects repeats the block). Strings are templates, except in
//! the meta-arguments that Terraform reads as expressions (`depends_on`, `provider`, ...).

use super::ast::{Expr, ExprKind, ObjectItem};
use super::body::{Attribute, Block, Body};
use super::lower::Lowerer;
use super::template::lower_template;
use crate::diag::{Diagnostic, Diagnostics, Range, SourceFile};
use crate::value::{Number, Value};
use serde_json::Value as Json;

/// Number of labels of each block type Terraform knows in JSON syntax.
fn block_labels(ty: &str, parent: Option<&str>) -> Option<usize> {
    Some(match (parent, ty) {
        (None, "resource" | "data") => 2,
        (None, "provider" | "variable" | "output" | "module" | "check") => 1,
        (None, "terraform" | "locals" | "moved" | "import" | "removed") => 0,
        (Some("terraform"), "required_providers") => 0,
        (Some("terraform"), "backend" | "cloud") => usize::from(ty == "backend"),
        (Some(_), "lifecycle" | "connection" | "validation" | "precondition" | "postcondition") => {
            0
        }
        (Some("check"), "assert") => 0,
        // OpenTofu's `terraform { encryption {} }`.
        (Some("terraform"), "encryption") => 0,
        (Some("encryption"), "key_provider" | "method") => 2,
        (Some("encryption"), "state" | "plan" | "remote_state_data_sources") => 0,
        (Some("remote_state_data_sources"), "default") => 0,
        (Some("remote_state_data_sources"), "remote_state_data_source") => 1,
        (
            Some("state" | "plan" | "fallback" | "default" | "remote_state_data_source"),
            "fallback",
        ) => 0,
        (Some(_), "provisioner") => 1,
        _ => return None,
    })
}

/// Parses a JSON configuration file.
pub(crate) fn parse_json_file(file: &SourceFile) -> Result<Body, Diagnostics> {
    parse_json_body(file, None)
}

/// Parses a JSON document as the body of a `parent` block (`None`: a whole file).
pub(crate) fn parse_json_body(
    file: &SourceFile,
    parent: Option<&str>,
) -> Result<Body, Diagnostics> {
    let json: Json = serde_json::from_str(&file.text).map_err(|e| {
        let r = file.range(0..0);
        let pos = crate::diag::Pos {
            line: e.line() as u32,
            column: e.column().max(1) as u32,
            byte: 0,
        };
        Diagnostics::from(Diagnostic::error(
            "Invalid JSON",
            format!("{e}"),
            Some(Range {
                start: pos,
                end: pos,
                ..r
            }),
        ))
    })?;
    let mut l = Lowerer::new(file);
    let whole = file.range(0..file.text.len());
    let Json::Object(root) = json else {
        return Err(Diagnostic::error(
            "Invalid JSON configuration",
            "The root of a JSON configuration must be an object.",
            Some(whole),
        )
        .into());
    };
    let body = obj_body(&mut l, &root, parent, &whole);
    l.diags.into_result(body)
}

fn obj_body(
    l: &mut Lowerer<'_>,
    obj: &serde_json::Map<String, Json>,
    parent: Option<&str>,
    r: &Range,
) -> Body {
    let mut body = Body {
        range: r.clone(),
        ..Body::default()
    };
    for (k, v) in obj {
        if k == "//" {
            continue; // JSON comments
        }
        match block_labels(k, parent) {
            Some(n) => blocks(l, k, v, n, Vec::new(), r, &mut body.blocks),
            None => body.attributes.push(Attribute {
                name: k.clone(),
                name_range: r.clone(),
                expr: json_expr(l, v, r, is_expr_attr(k)),
                range: r.clone(),
            }),
        }
    }
    body
}

fn blocks(
    l: &mut Lowerer<'_>,
    ty: &str,
    v: &Json,
    labels_left: usize,
    labels: Vec<(String, Range)>,
    r: &Range,
    out: &mut Vec<Block>,
) {
    match v {
        Json::Array(items) => items
            .iter()
            .for_each(|i| blocks(l, ty, i, labels_left, labels.clone(), r, out)),
        Json::Object(obj) if labels_left > 0 => {
            for (label, inner) in obj {
                let mut labels = labels.clone();
                labels.push((label.clone(), r.clone()));
                blocks(l, ty, inner, labels_left - 1, labels, r, out);
            }
        }
        Json::Object(obj) => out.push(Block {
            ty: ty.to_string(),
            ty_range: r.clone(),
            labels,
            body: obj_body(l, obj, Some(ty), r),
            range: r.clone(),
        }),
        _ => l.diags.push(Diagnostic::error(
            "Incorrect JSON value type",
            format!("A JSON object is required here, to define a {ty} block."),
            Some(r.clone()),
        )),
    }
}

fn is_expr_attr(name: &str) -> bool {
    matches!(
        name,
        "depends_on"
            | "provider"
            | "count"
            | "for_each"
            | "type"
            | "ignore_changes"
            | "replace_triggered_by"
            | "from"
            | "to"
            | "to_import"
    )
}

fn json_expr(l: &mut Lowerer<'_>, v: &Json, r: &Range, as_expr: bool) -> Expr {
    let kind = match v {
        Json::Null => ExprKind::Literal(Value::null()),
        Json::Bool(b) => ExprKind::Literal(Value::Bool(*b)),
        Json::Number(n) => {
            ExprKind::Literal(Number::parse(&n.to_string()).map_or(Value::null(), Value::Number))
        }
        Json::String(s) => return string_expr(l, s, r, as_expr),
        Json::Array(items) => {
            ExprKind::Tuple(items.iter().map(|i| json_expr(l, i, r, as_expr)).collect())
        }
        Json::Object(obj) => ExprKind::Object(
            obj.iter()
                .filter(|(k, _)| k.as_str() != "//")
                .map(|(k, v)| ObjectItem {
                    key: Expr {
                        kind: ExprKind::Literal(Value::string(k.as_str())),
                        range: r.clone(),
                    },
                    bare_key: true,
                    value: json_expr(l, v, r, as_expr),
                })
                .collect(),
        ),
    };
    Expr {
        kind,
        range: r.clone(),
    }
}

fn string_expr(l: &mut Lowerer<'_>, s: &str, r: &Range, as_expr: bool) -> Expr {
    let inner = SourceFile::new(r.filename.clone(), s.to_string());
    let parsed = if as_expr {
        hcl_edit::parser::parse_expr(s).map(|e| Lowerer::new(&inner).expr(&e))
    } else {
        hcl_edit::parser::parse_template(s).map(|t| {
            let mut il = Lowerer::new(&inner);
            Expr {
                kind: lower_template(&mut il, &t),
                range: r.clone(),
            }
        })
    };
    match parsed {
        Ok(e) => relocate(e, r),
        Err(e) => {
            l.diags.push(Diagnostic::error(
                "Invalid expression in JSON string",
                e.message().to_string(),
                Some(r.clone()),
            ));
            Expr {
                kind: ExprKind::Literal(Value::string(s)),
                range: r.clone(),
            }
        }
    }
}

/// Ranges inside a JSON string point into the string, not the file: point them at the value.
fn relocate(mut e: Expr, r: &Range) -> Expr {
    e.range = r.clone();
    e
}
