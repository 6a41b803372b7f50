//! Parsing `autostack.hcl` with hcl-edit; every error names file:line:column.

use super::{Budget, Policy, PolicySet};
use crate::error::CostError;
use crate::util::line_col;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Structure};
use hcl_edit::Span;
use std::collections::BTreeMap;

pub(super) struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    pub(super) fn err(&self, span: Option<std::ops::Range<usize>>, message: String) -> CostError {
        let (line, column) = line_col(self.text, span.map_or(0, |s| s.start));
        CostError::Policy {
            file: self.file.to_string(),
            line,
            column,
            message,
        }
    }
}

/// Deepest bracket nesting accepted (deeper input is an error, not a risk to the stack).
const MAX_NESTING: usize = 256;

/// Rejects absurdly nested input, and unclosed brackets, strings and heredocs, before the
/// parser sees them: hcl-edit backtracks exponentially on those (found by the `policy` fuzz
/// target: 183 bytes of unclosed `${{` took 20 s, an unterminated heredoc over ten minutes).
/// The scan is the language front end's, so both files fail the same way.
fn check_nesting(cx: &Ctx) -> Result<(), CostError> {
    if let Some(u) = autostack_lang::syntax::balance::find_unbalanced(cx.text) {
        let at = u.offset;
        return Err(cx.err(Some(at..at + 1), format!("invalid HCL: {}", u.summary)));
    }
    let mut depth = 0usize;
    for (i, c) in cx.text.bytes().enumerate() {
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(cx.err(
                        Some(i..i + 1),
                        format!("nesting deeper than {MAX_NESTING} levels"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses the whole file.
pub(super) fn parse(file: &str, text: &str) -> Result<PolicySet, CostError> {
    let cx = Ctx { file, text };
    check_nesting(&cx)?;
    let body = hcl_edit::parser::parse_body(text).map_err(|e| CostError::Policy {
        file: file.to_string(),
        line: e.location().line(),
        column: e.location().column(),
        message: format!("invalid HCL: {}", e.message()),
    })?;
    let mut set = PolicySet::default();
    let mut seen = std::collections::HashSet::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                return Err(cx.err(
                    a.span(),
                    format!(
                        "unexpected argument {:?}: only budget, policy, provider and history blocks may appear here",
                        a.key.as_str()
                    ),
                ))
            }
            Structure::Block(b) => {
                let kind = b.ident.as_str();
                let name = match kind {
                    "budget" => {
                        set.budgets.push(budget(&cx, b)?);
                        set.budgets.last().map(|x| x.name.clone())
                    }
                    "policy" => {
                        set.policies.push(policy(&cx, b)?);
                        set.policies.last().map(|x| x.name.clone())
                    }
                    // How a provider configuration is served and driven (not what it
                    // may cost): see `providers`.
                    "provider" => {
                        set.providers.push(super::providers::provider(&cx, b)?);
                        set.providers.last().map(|p| p.address())
                    }
                    "history" if set.history_keep.is_none() => {
                        set.history_keep = Some(history_keep(&cx, b)?);
                        continue;
                    }
                    "history" => return Err(cx.err(b.span(), "duplicate history block".into())),
                    other => {
                        return Err(cx.err(
                            b.ident.span(),
                            format!(
                                "unknown block type {other:?}: expected budget, policy, provider or history"
                            ),
                        ))
                    }
                };
                if !seen.insert((kind.to_string(), name.clone())) {
                    return Err(cx.err(
                        b.span(),
                        format!("duplicate {kind} {:?}", name.unwrap_or_default()),
                    ));
                }
            }
        }
    }
    Ok(set)
}

pub(super) fn label(cx: &Ctx, b: &Block) -> Result<String, CostError> {
    match b.labels.as_slice() {
        [BlockLabel::String(s)] => Ok(s.value().to_string()),
        [BlockLabel::Ident(i)] => Ok(i.value().as_str().to_string()),
        _ => Err(cx.err(
            b.ident.span(),
            format!(
                "a {} block needs exactly one name label, e.g. {} \"name\" {{ … }}",
                b.ident.as_str(),
                b.ident.as_str()
            ),
        )),
    }
}

/// Each attribute of a block as (name, expression), rejecting nested blocks and duplicates.
pub(super) fn attributes<'b>(
    cx: &Ctx,
    b: &'b Block,
) -> Result<Vec<(&'b str, &'b Expression)>, CostError> {
    let mut out: Vec<(&str, &Expression)> = Vec::new();
    for s in b.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                if out.iter().any(|(k, _)| *k == key) {
                    return Err(cx.err(a.span(), format!("duplicate argument {key:?}")));
                }
                out.push((key, &a.value));
            }
            Structure::Block(n) => {
                return Err(cx.err(
                    n.span(),
                    format!(
                        "unexpected block {:?} inside {}",
                        n.ident.as_str(),
                        b.ident.as_str()
                    ),
                ))
            }
        }
    }
    Ok(out)
}

fn budget(cx: &Ctx, b: &Block) -> Result<Budget, CostError> {
    let name = label(cx, b)?;
    let mut monthly = None;
    let mut tags = BTreeMap::new();
    let mut forecast = false;
    for (key, e) in attributes(cx, b)? {
        match key {
            // `amount` reads better beside `forecast`; both name the monthly limit.
            "monthly_usd" | "amount" => monthly = Some(non_negative(cx, key, e)?),
            "tags" => tags = string_map(cx, key, e)?,
            "forecast" => forecast = boolean(cx, key, e)?,
            other => {
                return Err(cx.err(
                    e.span(),
                    format!(
                    "unknown argument {other:?} in budget {name:?}: expected monthly_usd (or amount), tags or forecast"
                ),
                ))
            }
        }
    }
    let monthly_usd =
        monthly.ok_or_else(|| cx.err(b.span(), format!("budget {name:?} needs monthly_usd")))?;
    if forecast && !tags.is_empty() {
        let msg = format!("budget {name:?}: a forecast budget covers the whole configuration (the cost history keeps no tags); drop tags or forecast");
        return Err(cx.err(b.span(), msg));
    }
    Ok(Budget {
        name,
        monthly_usd,
        tags,
        forecast,
    })
}

fn policy(cx: &Ctx, b: &Block) -> Result<Policy, CostError> {
    let name = label(cx, b)?;
    let mut p = Policy {
        name: name.clone(),
        ..Policy::default()
    };
    for (key, e) in attributes(cx, b)? {
        match key {
            "deny_gpu" => p.deny_gpu = boolean(cx, key, e)?,
            "max_vcpu" => p.max_vcpu = Some(non_negative(cx, key, e)?),
            "allowed_regions" => p.allowed_regions = Some(string_list(cx, key, e)?),
            "required_tags" => p.required_tags = string_list(cx, key, e)?,
            "allowed_instance_families" => p.allowed_instance_families = Some(string_list(cx, key, e)?),
            other => {
                return Err(cx.err(e.span(), format!(
                    "unknown argument {other:?} in policy {name:?}: expected deny_gpu, max_vcpu, allowed_regions, required_tags or allowed_instance_families"
                )))
            }
        }
    }
    Ok(p)
}

/// `history { keep = N }`: how many state versions to keep (at least 1).
fn history_keep(cx: &Ctx, b: &Block) -> Result<usize, CostError> {
    if !b.labels.is_empty() {
        return Err(cx.err(b.ident.span(), "a history block takes no label".into()));
    }
    let mut keep = None;
    for (key, e) in attributes(cx, b)? {
        match key {
            "keep" => match non_negative(cx, key, e)? {
                n if n >= 1.0 && n.fract() == 0.0 => keep = Some(n as usize),
                _ => {
                    return Err(cx.err(e.span(), "keep must be a whole number of at least 1".into()))
                }
            },
            other => {
                let msg = format!("unknown argument {other:?} in history: expected keep");
                return Err(cx.err(e.span(), msg));
            }
        }
    }
    keep.ok_or_else(|| cx.err(b.span(), "history needs keep = N".into()))
}

fn non_negative(cx: &Ctx, key: &str, e: &Expression) -> Result<f64, CostError> {
    match e {
        Expression::Number(n) => match n.value().as_f64() {
            Some(x) if x >= 0.0 => Ok(x),
            _ => Err(cx.err(e.span(), format!("{key} must be a non-negative number"))),
        },
        _ => Err(cx.err(e.span(), format!("{key} must be a number literal"))),
    }
}

fn boolean(cx: &Ctx, key: &str, e: &Expression) -> Result<bool, CostError> {
    match e {
        Expression::Bool(b) => Ok(*b.value()),
        _ => Err(cx.err(e.span(), format!("{key} must be true or false"))),
    }
}

fn string(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}

fn string_list(cx: &Ctx, key: &str, e: &Expression) -> Result<Vec<String>, CostError> {
    let Expression::Array(arr) = e else {
        return Err(cx.err(
            e.span(),
            format!("{key} must be a list of strings, e.g. [\"a\", \"b\"]"),
        ));
    };
    arr.iter()
        .map(|item| {
            string(item).ok_or_else(|| {
                cx.err(
                    item.span(),
                    format!("{key} must contain only string literals"),
                )
            })
        })
        .collect()
}

fn string_map(cx: &Ctx, key: &str, e: &Expression) -> Result<BTreeMap<String, String>, CostError> {
    let Expression::Object(obj) = e else {
        return Err(cx.err(
            e.span(),
            format!("{key} must be a map of strings, e.g. {{ team = \"data\" }}"),
        ));
    };
    let mut out = BTreeMap::new();
    for (k, v) in obj.iter() {
        let name = match k {
            ObjectKey::Ident(i) => i.value().as_str().to_string(),
            ObjectKey::Expression(x) => string(x)
                .ok_or_else(|| cx.err(x.span(), format!("{key} keys must be names or strings")))?,
        };
        let value = string(v.expr()).ok_or_else(|| {
            cx.err(
                v.expr().span(),
                format!("{key}.{name} must be a string literal"),
            )
        })?;
        out.insert(name, value);
    }
    Ok(out)
}
