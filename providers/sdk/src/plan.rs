//! Schema-driven planning, shared by resource types that need nothing special: configured
//! values win, unconfigured computed attributes keep their prior value (or become unknown on
//! create), and a changed force-new attribute requires replacement.

use crate::labels::Labels;
use crate::legacy::plan_legacy;
use crate::provider::{AttrPath, PathStep};
use crate::request::{PlanRequest, PlanResponse};
use crate::schema::{Block, Nesting, ResourceSchema};
use autostack_value::make_set;
use autostack_value::{Type, Value};

/// Plans an instance from its prior state (`None` on create) and configuration.
pub fn plan_by_schema(
    schema: &ResourceSchema,
    prior: Option<&Value>,
    config: &Value,
) -> PlanResponse {
    let mut requires_replace = Vec::new();
    let planned = plan_block(
        &schema.block,
        prior,
        config,
        &mut Vec::new(),
        &mut requires_replace,
    );
    if prior.is_some() && !requires_replace.is_empty() {
        // A replacement is a new object: everything the provider computes is unknown again.
        let fresh = plan_block(
            &schema.block,
            None,
            config,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        return PlanResponse {
            requires_replace,
            ..PlanResponse::new(fresh)
        };
    }
    PlanResponse {
        requires_replace,
        ..PlanResponse::new(planned)
    }
}

/// How a provider plans by default, before a resource type adjusts the result.
#[derive(Debug, Clone, Copy, Default)]
pub struct Planning<'a> {
    /// Plan as the legacy plugin SDK does ([`plan_legacy`]).
    pub legacy: bool,
    /// Merge tags or labels with the provider's defaults.
    pub labels: Option<&'a Labels>,
}

impl Planning<'_> {
    /// Plans a request: by schema (legacy or not) from the proposed value, tags merged, and
    /// the prior private data kept.
    pub fn plan(&self, schema: &ResourceSchema, req: &PlanRequest<'_>) -> PlanResponse {
        let mut p = match self.legacy {
            true => plan_legacy(schema, req.prior, req.proposed),
            false => plan_by_schema(schema, req.prior, req.proposed),
        };
        if let Some(l) = self.labels {
            p.planned = l.plan(req.prior, req.proposed, p.planned);
        }
        p.planned_private = req.prior_private.clone();
        p
    }
}

fn get<'a>(v: Option<&'a Value>, name: &str) -> Option<&'a Value> {
    v.and_then(|v| crate::attrs::attr(v, name))
}

fn plan_block(
    block: &Block,
    prior: Option<&Value>,
    config: &Value,
    path: &mut AttrPath,
    rr: &mut Vec<AttrPath>,
) -> Value {
    let mut out = autostack_value::ValueMap::new();
    for (name, a) in &block.attributes {
        let cfg = config
            .as_entries()
            .and_then(|m| m.get(name))
            .cloned()
            .unwrap_or(Value::Null(a.ty.clone()));
        let cfg = match (&a.default, cfg.is_null()) {
            (Some(d), true) => d.clone(),
            _ => cfg,
        };
        let old = get(prior, name);
        let v = if !cfg.is_null() || !a.computed {
            cfg
        } else {
            // As Terraform proposes: an unconfigured computed attribute keeps its prior value,
            // null included; only a new object leaves it to the provider (unknown).
            match old {
                Some(o) => o.clone(),
                None if prior.is_some() => Value::Null(a.ty.clone()),
                None => Value::Unknown(a.ty.clone()),
            }
        };
        if a.force_new && prior.is_some() {
            let before = old.cloned().unwrap_or(Value::Null(a.ty.clone()));
            if !same(&before, &v) {
                path.push(PathStep::Attr(name.clone()));
                rr.push(path.clone());
                path.pop();
            }
        }
        let v = if a.sensitive { v.sensitive() } else { v };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &block.blocks {
        let cfg = config.as_entries().and_then(|m| m.get(name)).cloned();
        let old = get(prior, name);
        let unset = cfg
            .as_ref()
            .is_none_or(|c| c.is_null() || c.as_seq().is_some_and(<[Value]>::is_empty));
        if nb.computed && unset {
            // Attributes-as-blocks: nothing configured means "whatever exists".
            let ty = wrap(nb.nesting, nb.block.value_type());
            out.insert(
                name.clone(),
                old.cloned().unwrap_or(if prior.is_some() {
                    Value::Null(ty)
                } else {
                    Value::Unknown(ty)
                }),
            );
            continue;
        }
        path.push(PathStep::Attr(name.clone()));
        let v = plan_nested(nb.nesting, &nb.block, old, cfg.as_ref(), path, rr);
        if nb.force_new
            && prior.is_some()
            && !same(&old.cloned().unwrap_or(Value::Null(v.ty())), &v)
        {
            rr.push(path.clone());
        }
        path.pop();
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

fn plan_nested(
    nesting: Nesting,
    block: &Block,
    prior: Option<&Value>,
    cfg: Option<&Value>,
    path: &mut AttrPath,
    rr: &mut Vec<AttrPath>,
) -> Value {
    let ty = block.value_type();
    let items: Vec<Value> = match cfg.map(Value::unmarked) {
        Some(Value::Unknown(_)) => return Value::Unknown(wrap(nesting, ty)),
        Some(v) if v.is_null() => Vec::new(),
        Some(v) => v
            .as_seq()
            .map(<[Value]>::to_vec)
            .unwrap_or_else(|| vec![v.clone()]),
        None => Vec::new(),
    };
    let prior_items: Vec<Value> = prior
        .and_then(|p| {
            p.as_seq()
                .map(<[Value]>::to_vec)
                .or_else(|| Some(vec![p.clone()]))
        })
        .unwrap_or_default();
    let planned: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            // Sets have no stable index; match prior elements only for lists and singles.
            let p = if nesting == Nesting::Set {
                None
            } else {
                prior_items.get(i)
            };
            path.push(PathStep::Index(i));
            let v = plan_block(block, p, item, path, rr);
            path.pop();
            v
        })
        .collect();
    match nesting {
        Nesting::Single => planned.into_iter().next().unwrap_or(Value::Null(ty)),
        Nesting::List => Value::list(ty, planned),
        Nesting::Set => make_set(ty, planned),
    }
}

fn wrap(nesting: Nesting, t: Type) -> Type {
    match nesting {
        Nesting::Single => t,
        Nesting::List => Type::list(t),
        Nesting::Set => Type::set(t),
    }
}

/// Equality for change detection: unknown is never equal to anything, marks are ignored.
pub fn same(a: &Value, b: &Value) -> bool {
    if !a.is_wholly_known() || !b.is_wholly_known() {
        return false;
    }
    matches!(a.equals(b).as_bool(), Some(true)) || (a.is_null() && b.is_null())
}

/// True when `planned` differs from `prior` anywhere (the instance needs an update).
pub fn differs(prior: &Value, planned: &Value) -> bool {
    // An object read back unchanged is often the prior's own allocation.
    if prior.shares_contents(planned) {
        return !prior.is_wholly_known();
    }
    let (a, _) = prior.clone().unmark_deep();
    let (b, _) = planned.clone().unmark_deep();
    !same(&a, &b)
}
