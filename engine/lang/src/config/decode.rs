//! Decoding file bodies into the typed module model, with Terraform's diagnostics.

use super::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::syntax::{Attribute, Block, ExprKind, TemplatePart};
use crate::value::Value;

/// Collects the declarations of one file into `m`, reporting duplicates against what is there.
pub(super) fn decode_file(body: Body, m: &mut Module, diags: &mut Diagnostics) {
    for a in &body.attributes {
        diags.push(Diagnostic::error(
            "Unsupported argument",
            format!("An argument named {:?} is not expected here.", a.name),
            Some(a.name_range.clone()),
        ));
    }
    // Reserved once: grown by doubling, the map of ~700-byte records is copied again at every
    // step and briefly held twice (at 1,000,000 resources, gigabytes of page faults).
    let resources = body
        .blocks
        .iter()
        .filter(|b| b.ty == "resource" || b.ty == "data")
        .count();
    m.resources.reserve(resources);
    for b in body.blocks {
        // Resource bodies are moved, not cloned: they are most of a configuration.
        if b.ty == "resource" || b.ty == "data" {
            super::decode_blocks::decode_resource_into(b, m, diags);
            continue;
        }
        let b = &b;
        match b.ty.as_str() {
            "terraform" => decode_terraform(b, m, diags),
            "provider" => {
                if let Some(p) = decode_provider(b, diags) {
                    if let Some(prev) = m.providers.iter().find(|x| x.addr() == p.addr()) {
                        diags.push(dup("Duplicate provider configuration", format!("A default (non-aliased) provider configuration for {:?} was already given at {}. If multiple configurations are required, set the \"alias\" argument for alternative configurations.", p.name, short(&prev.range)), &p.range));
                    } else {
                        m.providers.push(p);
                    }
                }
            }
            "variable" => insert(
                &mut m.variables,
                decode_variable(b, diags),
                diags,
                "Duplicate variable declaration",
                |v| (&v.name, &v.range),
                |n, at| {
                    format!("A variable named {n:?} was already declared at {at}. Variable names must be unique within a module.")
                },
            ),
            "locals" => decode_locals(b, m, diags),
            "output" => insert(
                &mut m.outputs,
                decode_output(b, diags),
                diags,
                "Duplicate output definition",
                |o| (&o.name, &o.range),
                |n, at| {
                    format!("An output named {n:?} was already defined at {at}. Output names must be unique within a module.")
                },
            ),
            "module" => insert(
                &mut m.module_calls,
                super::decode_blocks::decode_module_call(b, diags),
                diags,
                "Duplicate module call",
                |c| (&c.name, &c.range),
                |n, at| {
                    format!("A module call named {n:?} was already defined at {at}. Module calls must have unique names within a module.")
                },
            ),
            "moved" => {
                if let (Some(from), Some(to)) = (
                    required_attr(b, "from", diags),
                    required_attr(b, "to", diags),
                ) {
                    m.moved.push(Moved {
                        from: from.expr.clone(),
                        to: to.expr.clone(),
                        range: b.def_range(),
                    });
                }
            }
            "import" => {
                if let (Some(to), Some(id)) =
                    (required_attr(b, "to", diags), required_attr(b, "id", diags))
                {
                    let provider = b
                        .body
                        .attr("provider")
                        .and_then(|a| provider_ref(&a.expr, diags));
                    m.imports.push(Import {
                        to: to.expr.clone(),
                        id: id.expr.clone(),
                        provider,
                        range: b.range.clone(),
                    });
                }
            }
            "check" => {
                if let Some(c) = super::decode_blocks::decode_check(b, diags) {
                    m.checks.push(c);
                }
            }
            "removed" => {}
            other => diags.push(Diagnostic::error(
                "Unsupported block type",
                format!(
                    "Blocks of type {other:?} are not expected here.{}",
                    crate::diag::did_you_mean(other, TOP_LEVEL.iter().copied())
                ),
                Some(b.ty_range.clone()),
            )),
        }
    }
}

const TOP_LEVEL: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "resource",
    "data",
    "module",
    "moved",
    "import",
    "check",
    "removed",
];

fn insert<T>(
    map: &mut IndexMap<String, T>,
    item: Option<T>,
    diags: &mut Diagnostics,
    summary: &str,
    key: impl Fn(&T) -> (&String, &Range),
    detail: impl Fn(&str, String) -> String,
) {
    let Some(item) = item else { return };
    let (name, range) = key(&item);
    if let Some(prev) = map.get(name) {
        let (_, prev_range) = key(prev);
        diags.push(dup(summary, detail(name, short(prev_range)), range));
        return;
    }
    let name = name.clone();
    map.insert(name, item);
}

pub(super) fn dup(summary: &str, detail: String, at: &Range) -> Diagnostic {
    Diagnostic::error(summary, detail, Some(at.clone()))
}

/// `main.tf:3,1-20`, Terraform's short range form.
pub fn short(r: &Range) -> String {
    if r.start.line == r.end.line {
        format!(
            "{}:{},{}-{}",
            r.filename, r.start.line, r.start.column, r.end.column
        )
    } else {
        format!(
            "{}:{},{}-{},{}",
            r.filename, r.start.line, r.start.column, r.end.line, r.end.column
        )
    }
}

pub(super) fn labels<'a>(
    b: &'a Block,
    n: usize,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<&'a str>> {
    if b.labels.len() == n {
        return Some(b.labels.iter().map(|(l, _)| l.as_str()).collect());
    }
    let (summary, detail) = if b.labels.len() < n {
        (
            format!("Missing name for {}", b.ty),
            format!("All {} blocks must have {n} labels ({what}).", b.ty),
        )
    } else {
        (
            format!("Extraneous label for {}", b.ty),
            format!("Only {n} labels ({what}) are expected for {} blocks.", b.ty),
        )
    };
    let at = b
        .labels
        .get(n)
        .map_or_else(|| b.def_range(), |(_, r)| r.clone());
    diags.push(Diagnostic::error(summary, detail, Some(at)));
    None
}

/// Checks a block's body against the arguments and nested blocks it may contain.
pub(super) fn expect_only(b: &Block, attrs: &[&str], blocks: &[&str], diags: &mut Diagnostics) {
    for a in &b.body.attributes {
        if !attrs.contains(&a.name.as_str()) {
            let hint = crate::diag::did_you_mean(&a.name, attrs.iter().copied());
            diags.push(Diagnostic::error(
                "Unsupported argument",
                format!("An argument named {:?} is not expected here.{hint}", a.name),
                Some(a.name_range.clone()),
            ));
        }
    }
    for nb in &b.body.blocks {
        if !blocks.contains(&nb.ty.as_str()) {
            diags.push(Diagnostic::error(
                "Unsupported block type",
                format!("Blocks of type {:?} are not expected here.", nb.ty),
                Some(nb.ty_range.clone()),
            ));
        }
    }
}

pub(super) fn required_attr<'a>(
    b: &'a Block,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<&'a Attribute> {
    let a = b.body.attr(name);
    if a.is_none() {
        diags.push(Diagnostic::error(
            "Missing required argument",
            format!("The argument {name:?} is required, but no definition was found."),
            Some(b.body.missing_item_range()),
        ));
    }
    a
}

/// A literal string (a quoted string without interpolation).
pub(crate) fn static_string(e: &Expr, diags: &mut Diagnostics) -> Option<String> {
    match &e.kind {
        ExprKind::Literal(Value::String(s)) => Some(s.to_string()),
        ExprKind::Template(parts)
            if parts.iter().all(|p| matches!(p, TemplatePart::Literal(_))) =>
        {
            Some(
                parts
                    .iter()
                    .map(|p| {
                        if let TemplatePart::Literal(s) = p {
                            s.as_str()
                        } else {
                            ""
                        }
                    })
                    .collect(),
            )
        }
        _ => {
            diags.push(Diagnostic::error("Invalid expression", "A static string value is required here; variables and function calls are not allowed.", Some(e.range.clone())));
            None
        }
    }
}

pub(super) fn static_bool(e: &Expr, diags: &mut Diagnostics) -> bool {
    match &e.kind {
        ExprKind::Literal(Value::Bool(b)) => *b,
        _ => {
            diags.push(Diagnostic::error("Unsuitable value type", "Unsuitable value: a bool is required here (true or false); variables are not allowed.", Some(e.range.clone())));
            false
        }
    }
}

/// `[a.b, c]` → the traversals (for `depends_on`, `ignore_changes`).
pub(crate) fn traversal_list(e: &Expr, what: &str, diags: &mut Diagnostics) -> Vec<Traversal> {
    let ExprKind::Tuple(items) = &e.kind else {
        diags.push(Diagnostic::error(
            "Invalid expression",
            format!("A static list expression is required for {what}."),
            Some(e.range.clone()),
        ));
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| match &i.kind {
            ExprKind::Traversal(t) => Some(t.clone()),
            _ => {
                diags.push(Diagnostic::error("Invalid expression", format!("A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here ({what})."), Some(i.range.clone())));
                None
            }
        })
        .collect()
}

/// `provider = aws.east` → (`aws`, Some(`east`)).
pub(super) fn provider_ref(e: &Expr, diags: &mut Diagnostics) -> Option<(String, Option<String>)> {
    if let ExprKind::Traversal(t) = &e.kind {
        match t.steps.as_slice() {
            [] => return Some((t.root.clone(), None)),
            [crate::syntax::Step::Attr(a, _)] => return Some((t.root.clone(), Some(a.clone()))),
            _ => {}
        }
    }
    diags.push(Diagnostic::error("Invalid provider reference", "Provider argument requires a provider name followed by an optional alias, like \"aws.foo\".", Some(e.range.clone())));
    None
}

fn decode_terraform(b: &Block, m: &mut Module, diags: &mut Diagnostics) {
    expect_only(
        b,
        &["required_version", "experiments", "language"],
        &[
            "required_providers",
            "backend",
            "cloud",
            "provider_meta",
            "encryption",
        ],
        diags,
    );
    if let Some(a) = b.body.attr("required_version") {
        m.terraform.required_version = static_string(&a.expr, diags);
    }
    for rp in b.body.blocks_of("required_providers") {
        for a in &rp.body.attributes {
            let (source, version) = match &a.expr.kind {
                ExprKind::Object(items) => {
                    let get = |k: &str| {
                        items.iter().find(|i| matches!(&i.key.kind, ExprKind::Literal(Value::String(s)) if &**s == k)).map(|i| &i.value)
                    };
                    (
                        get("source").and_then(|e| static_string(e, diags)),
                        get("version").and_then(|e| static_string(e, diags)),
                    )
                }
                _ => (None, static_string(&a.expr, diags)),
            };
            let source = source.unwrap_or_else(|| format!("hashicorp/{}", a.name));
            m.terraform.required_providers.insert(
                a.name.clone(),
                RequiredProvider {
                    name: a.name.clone(),
                    source,
                    version,
                    range: a.range.clone(),
                },
            );
        }
    }
    for eb in b.body.blocks_of("encryption") {
        if m.terraform.encryption.is_some() {
            diags.push(Diagnostic::error(
                "Duplicate encryption configuration",
                "A module may have only one encryption configuration.",
                Some(eb.def_range()),
            ));
            continue;
        }
        let e = super::encryption::decode_encryption(&eb.body, eb.def_range(), diags);
        m.terraform.encryption = Some(e);
    }
    for bb in b.body.blocks_of("backend") {
        if let Some(l) = labels(bb, 1, "backend type", diags) {
            if m.terraform.backend.is_some() {
                diags.push(Diagnostic::error(
                    "Duplicate backend configuration",
                    "A module may have only one backend configuration.",
                    Some(bb.def_range()),
                ));
            }
            m.terraform.backend = Some(Backend {
                ty: l[0].to_string(),
                config: bb.body.clone(),
                range: bb.def_range(),
            });
        }
    }
}

fn decode_provider(b: &Block, diags: &mut Diagnostics) -> Option<ProviderConfig> {
    let l = labels(b, 1, "name", diags)?;
    let alias = b
        .body
        .attr("alias")
        .and_then(|a| static_string(&a.expr, diags));
    let mut config = b.body.clone();
    config
        .attributes
        .retain(|a| a.name != "alias" && a.name != "version");
    Some(ProviderConfig {
        name: l[0].to_string(),
        alias,
        config,
        range: b.def_range(),
    })
}

fn decode_variable(b: &Block, diags: &mut Diagnostics) -> Option<Variable> {
    let l = labels(b, 1, "name", diags)?;
    expect_only(
        b,
        &[
            "type",
            "default",
            "description",
            "sensitive",
            "nullable",
            "ephemeral",
        ],
        &["validation"],
        diags,
    );
    let ty = match b.body.attr("type") {
        Some(a) => typeexpr::parse_constraint(&a.expr)
            .map_err(|d| diags.extend(d))
            .ok()?,
        None => Constraint::Any,
    };
    let mut default = None;
    if let Some(a) = b.body.attr("default") {
        default = super::load::eval_static(&a.expr, diags).and_then(|v| match typeexpr::convert_to(&v, &ty) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.push(Diagnostic::error("Invalid default value for variable", format!("This default value is not compatible with the variable's type constraint: {e}."), Some(a.expr.range.clone())));
                None
            }
        });
    }
    let validations = b
        .body
        .blocks_of("validation")
        .filter_map(|v| check_rule(v, diags))
        .collect();
    Some(Variable {
        name: l[0].to_string(),
        ty,
        type_declared: b.body.attr("type").is_some(),
        default,
        description: b
            .body
            .attr("description")
            .and_then(|a| static_string(&a.expr, diags)),
        sensitive: b
            .body
            .attr("sensitive")
            .is_some_and(|a| static_bool(&a.expr, diags)),
        nullable: b
            .body
            .attr("nullable")
            .is_none_or(|a| static_bool(&a.expr, diags)),
        validations,
        range: b.def_range(),
    })
}

pub(super) fn check_rule(b: &Block, diags: &mut Diagnostics) -> Option<CheckRule> {
    expect_only(b, &["condition", "error_message"], &[], diags);
    let condition = required_attr(b, "condition", diags)?.expr.clone();
    let error_message = required_attr(b, "error_message", diags)?.expr.clone();
    Some(CheckRule {
        condition,
        error_message,
        range: b.def_range(),
    })
}

fn decode_locals(b: &Block, m: &mut Module, diags: &mut Diagnostics) {
    for nb in &b.body.blocks {
        diags.push(Diagnostic::error(
            "Unsupported block type",
            format!("Blocks of type {:?} are not expected here.", nb.ty),
            Some(nb.ty_range.clone()),
        ));
    }
    for a in &b.body.attributes {
        if let Some(prev) = m.locals.get(&a.name) {
            diags.push(dup("Duplicate local value definition", format!("A local value named {:?} was already defined at {}. Local value names must be unique within a module.", a.name, short(&prev.range)), &a.name_range));
            continue;
        }
        m.locals.insert(
            a.name.clone(),
            Local {
                name: a.name.clone(),
                expr: a.expr.clone(),
                range: a.range.clone(),
            },
        );
    }
}

fn decode_output(b: &Block, diags: &mut Diagnostics) -> Option<Output> {
    let l = labels(b, 1, "name", diags)?;
    expect_only(
        b,
        &[
            "value",
            "description",
            "sensitive",
            "depends_on",
            "ephemeral",
        ],
        &["precondition"],
        diags,
    );
    let expr = required_attr(b, "value", diags)?.expr.clone();
    Some(Output {
        name: l[0].to_string(),
        expr,
        description: b
            .body
            .attr("description")
            .and_then(|a| static_string(&a.expr, diags)),
        sensitive: b
            .body
            .attr("sensitive")
            .is_some_and(|a| static_bool(&a.expr, diags)),
        depends_on: b
            .body
            .attr("depends_on")
            .map(|a| traversal_list(&a.expr, "depends_on", diags))
            .unwrap_or_default(),
        preconditions: b
            .body
            .blocks_of("precondition")
            .filter_map(|p| check_rule(p, diags))
            .collect(),
        range: b.def_range(),
    })
}
