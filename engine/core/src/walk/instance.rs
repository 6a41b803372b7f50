//! One resource instance, the same for plan and apply: its scope, its configuration
//! (preconditions, body conformed to the schema, the provider's own checks), the object its
//! provider plans for it (with `ignore_changes` honoured), and its postconditions.
//!
//! Apply evaluates the configuration again with the values learned so far and asks the
//! provider for the final plan through the very same functions, so an instance cannot be
//! planned one way and applied another.

use super::ignore::{config_with_ignored, ignore_changes};
use super::Walker;
use crate::addrs::{InstanceAddr, ResourceAddr};
use crate::conform::conform;
use crate::values::{Expansion, WalkScope};
use autostack_lang::config::{Mode, Resource};
use autostack_lang::{Diagnostics, Severity, Value};
use autostack_provider_sdk::{
    PlanRequest, PlanResponse, Private, Provider, ResourceSchema, ValidateRequest,
};

impl<'a> Walker<'a> {
    /// The resource block of `raddr` in the configuration, if it is still there.
    pub(crate) fn resource_block(&self, raddr: &ResourceAddr) -> Option<&'a Resource> {
        let ctx: &'a crate::context::Context = self.ctx;
        ctx.module(&raddr.module.path())
            .and_then(|m| m.module.resources.get(&raddr.local()))
    }

    /// The scope of one instance: `count.index` / `each.key` / `each.value` from its key and
    /// its resource's expansion, and `self` where given (postconditions).
    pub(crate) fn instance_scope<'s>(
        &'s self,
        addr: &'s InstanceAddr,
        exp: &Expansion,
        self_value: Option<Value>,
    ) -> WalkScope<'s> {
        WalkScope {
            key: addr.key.clone(),
            each_value: addr.key.as_ref().and_then(|k| exp.each_value(k)),
            self_value,
            ..WalkScope::module(&self.values, &addr.resource.module)
        }
    }

    /// Evaluates an instance's configuration with the values known now: its preconditions,
    /// then its body conformed to the schema, then the provider's checks of the result
    /// (Terraform's `ValidateResourceConfig`, for managed resources). Returns the
    /// configuration and the provider's warnings; errors point at the resource block.
    pub(crate) fn instance_config(
        &self,
        addr: &InstanceAddr,
        r: &Resource,
        exp: &Expansion,
        schema: &ResourceSchema,
        provider: &dyn Provider,
    ) -> Result<(Value, Diagnostics), Diagnostics> {
        let scope = self.instance_scope(addr, exp, None);
        let mut ev = self.evaluator(&scope);
        let pre = crate::conditions::check_rules(
            &mut ev,
            &r.lifecycle.preconditions,
            "Resource precondition failed",
            Severity::Error,
        );
        if pre.has_errors() {
            return Err(pre);
        }
        let config = ev.eval_body(&r.config)?;
        let config = conform(&schema.block, Some(&r.config), &config)?;
        let mut found = Diagnostics::new();
        // `validate` is the managed type's: a data source may share its name.
        if r.mode == Mode::Managed {
            let said = provider.validate(ValidateRequest::new(&r.ty, &config));
            // A diagnostic without a path is the whole body's: Terraform puts it at the `{`.
            for d in crate::redact::scrub(said, &[&config]) {
                found.push(self.ctx.about_instance(d, addr));
            }
        }
        match found.has_errors() {
            true => Err(found),
            false => Ok((config, found)),
        }
    }

    /// The resource's postconditions checked against an instance's new object (`self`).
    pub(crate) fn postconditions(
        &self,
        addr: &InstanceAddr,
        r: &Resource,
        exp: &Expansion,
        value: &Value,
    ) -> Diagnostics {
        if r.lifecycle.postconditions.is_empty() {
            return Diagnostics::new();
        }
        let scope = self.instance_scope(addr, exp, Some(value.clone()));
        let mut ev = self.evaluator(&scope);
        crate::conditions::check_rules(
            &mut ev,
            &r.lifecycle.postconditions,
            "Resource postcondition failed",
            Severity::Error,
        )
    }
}

/// The object the provider plans for one managed instance from its prior object (`None`
/// for a create) and configuration. As Terraform does, ignored paths take the prior's values
/// in the configuration the provider plans from, and again in the planned object (for
/// providers that plan like the legacy SDK and echo computed values).
pub(crate) async fn plan_instance(
    provider: &dyn Provider,
    r: &Resource,
    schema: &ResourceSchema,
    (prior, prior_private): (Option<&Value>, &Private),
    config: &Value,
) -> Result<PlanResponse, Diagnostics> {
    let ic = &r.lifecycle.ignore_changes;
    let proposed = config_with_ignored(ic, prior, config.clone(), &schema.block);
    let req = PlanRequest::new(&r.ty, prior, &proposed).with_config(config);
    let mut planned = (provider.plan(req.with_private(prior_private)).await)
        .map_err(|d| crate::redact::scrub(d, &[config, &proposed, prior.unwrap_or(config)]))?;
    if let Some(prior) = prior {
        planned.planned = ignore_changes(ic, prior, planned.planned);
    }
    Ok(planned)
}
