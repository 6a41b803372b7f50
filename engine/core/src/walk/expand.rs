//! Evaluating `count` and `for_each` into an [`Expansion`], with Terraform's errors.

use super::Walker;
use crate::addrs::ResourceAddr;
use crate::values::{Expansion, ResourceValues, WalkScope};
use autostack_lang::config::Resource;
use autostack_lang::eval::Evaluator;
use autostack_lang::syntax::Expr;
use autostack_lang::value::convert;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use std::collections::BTreeMap;

fn count_err(e: &Expr, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error("Invalid count argument", detail, Some(e.range.clone())).into()
}

fn each_err(e: &Expr, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error("Invalid for_each argument", detail, Some(e.range.clone())).into()
}

/// Evaluates the expansion of a resource or module call.
pub(crate) fn expansion(
    ev: &mut Evaluator<'_>,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
) -> Result<Expansion, Diagnostics> {
    if let Some(e) = count {
        return eval_count(ev, e);
    }
    if let Some(e) = for_each {
        return eval_for_each(ev, e);
    }
    Ok(Expansion::Single)
}

fn eval_count(ev: &mut Evaluator<'_>, e: &Expr) -> Result<Expansion, Diagnostics> {
    let v = ev.eval(e)?;
    if v.marks().is_sensitive() {
        return Err(count_err(e, "The given \"count\" value is derived from a sensitive value, so it cannot be used to decide how many instances to create."));
    }
    let v = v.unmark_deep().0;
    if v.is_unknown() {
        return Err(count_err(e, "The \"count\" value depends on resource attributes that cannot be determined until apply, so AutoStack cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on."));
    }
    if v.is_null() {
        return Err(count_err(
            e,
            "The given \"count\" argument value is null. An integer is required.",
        ));
    }
    let n = convert(&v, &Type::Number).map_err(|err| {
        count_err(
            e,
            format!("The given \"count\" argument value is unsuitable: {err}."),
        )
    })?;
    let n = n.as_number().cloned().unwrap_or_else(|| 0.into());
    if !n.is_integer() {
        return Err(count_err(
            e,
            "The given \"count\" argument value is unsuitable: value must be a whole number.",
        ));
    }
    match n.to_i64() {
        Some(i) if i >= 0 => Ok(Expansion::Count(i)),
        _ => Err(count_err(e, "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.")),
    }
}

fn eval_for_each(ev: &mut Evaluator<'_>, e: &Expr) -> Result<Expansion, Diagnostics> {
    let v = ev.eval(e)?;
    if v.is_sensitive_deep() {
        return Err(each_err(e, "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If you do, the sensitive value could be exposed as a resource instance key."));
    }
    if v.is_null() {
        return Err(each_err(e, "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed."));
    }
    let unknown = || {
        each_err(e, "The \"for_each\" map includes keys or set values that cannot be determined until apply, so AutoStack cannot determine the full set of keys that will identify the instances of this resource. When working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.")
    };
    if v.is_unknown() {
        return Err(unknown());
    }
    match v.unmarked() {
        Value::Map(_, m) | Value::Object(m) => Ok(Expansion::ForEach(m.clone())),
        Value::Set(t, items) => {
            if *t != Type::String && *t != Type::Dynamic {
                return Err(each_err(e, format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports sets of strings, but you have provided a set containing type {}.", t.friendly_name())));
            }
            let mut out = BTreeMap::new();
            for i in items.iter() {
                match i.unmarked() {
                    Value::Unknown(_) => return Err(unknown()),
                    Value::Null(_) => return Err(each_err(e, "The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.")),
                    Value::String(s) => {
                        out.insert(s.to_string(), i.clone());
                    }
                    _ => return Err(each_err(e, "The given \"for_each\" argument value is unsuitable: \"for_each\" supports sets of strings.")),
                }
            }
            Ok(Expansion::ForEach(std::sync::Arc::new(out.into())))
        }
        other => Err(each_err(e, format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.", other.ty().friendly_name()))),
    }
}

impl Walker<'_> {
    /// How a resource expands in one module instance. Evaluated once per walk: the first
    /// call binds the resource in its module instance to an expansion with no instance values
    /// yet, which later calls (apply asks for every instance it applies) read back.
    pub(crate) fn expand_resource(
        &mut self,
        raddr: &ResourceAddr,
        r: &Resource,
    ) -> Result<Expansion, Diagnostics> {
        let local = raddr.local();
        let bound = self.values.resources.get(&raddr.module);
        if let Some(rv) = bound.and_then(|m| m.get(&local)) {
            return Ok(rv.expansion.clone());
        }
        let exp = {
            let scope = WalkScope::module(&self.values, &raddr.module);
            let mut ev = self.evaluator(&scope);
            expansion(&mut ev, r.count.as_deref(), r.for_each.as_deref())?
        };
        self.values
            .resources
            .entry(raddr.module.clone())
            .or_default()
            .insert(local, ResourceValues::new(exp.clone()));
        Ok(exp)
    }

    /// Binds a resource's value in its module instance to the objects the walk's state
    /// holds for it: apply does this once its instances are applied, plan for resources it
    /// leaves alone (`-target`, destroy and refresh-only plans).
    pub(crate) fn bind_from_state(&mut self, raddr: &ResourceAddr, exp: Expansion) {
        let mut rv = ResourceValues::new(exp);
        for (a, o) in self.prior.instances_of(raddr) {
            rv.set(a.key.clone(), o.value.clone());
        }
        self.values
            .resources
            .entry(raddr.module.clone())
            .or_default()
            .insert(raddr.local(), rv);
    }
}
