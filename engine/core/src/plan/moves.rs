//! `moved` blocks: prior instances take their new addresses before anything is planned. A
//! move to another resource type (or provider) is Terraform 1.8's cross-type move: the
//! target type's provider, unconfigured, translates the recorded object
//! (`MoveResourceState`), which only providers that declare the capability can do.

use super::adopt::expr_addr;
use super::run::Planner;
use crate::addrs::{AbsProviderConfig, InstanceAddr, ResourceAddr};
use crate::graph::provider_addr;
use crate::state::InstanceObject;
use autostack_lang::config::Moved;
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_provider_sdk::{MoveStateRequest, Private, Provider};
use std::sync::Arc;

/// Where a cross-type move sends objects: the target type's provider and how state records
/// its configuration.
struct Target {
    provider: Arc<dyn Provider>,
    state_provider: AbsProviderConfig,
    schema_version: u64,
}

impl Planner<'_> {
    /// Renames prior instances as `moved` blocks say (root module only).
    pub(crate) async fn apply_moves(&mut self) {
        let ctx = self.w.ctx;
        for m in &ctx.tree.module.moved {
            let (Some(from), Some(to)) = (expr_addr(&m.from), expr_addr(&m.to)) else {
                self.w.diags.push(Diagnostic::error("Invalid \"moved\" address", "The \"from\" and \"to\" arguments must be resource or resource instance addresses.", Some(m.range.clone())));
                continue;
            };
            let moves = self.moves_of(&from, &to);
            let Some(first) = moves.first().map(|(old, _)| old.clone()) else {
                continue;
            };
            let target = match self.cross_type_target(&first, &to.resource, m) {
                Ok(t) => t,
                Err(d) => {
                    self.w.diags.extend(d);
                    continue;
                }
            };
            for (old, new) in moves {
                self.move_one(old, new, target.as_ref()).await;
            }
        }
    }

    /// The prior instances `from` names, each with the address it moves to.
    fn moves_of(
        &self,
        from: &InstanceAddr,
        to: &InstanceAddr,
    ) -> Vec<(InstanceAddr, InstanceAddr)> {
        (self.w.prior.instances.keys())
            .filter(|a| a.resource == from.resource && (from.key.is_none() || a.key == from.key))
            .map(|a| {
                let key = match from.key {
                    None => a.key.clone(),
                    Some(_) => to.key.clone(),
                };
                let new = InstanceAddr {
                    resource: to.resource.clone(),
                    key,
                };
                (a.clone(), new)
            })
            .collect()
    }

    /// Moves one instance (nothing when its new address is taken already).
    async fn move_one(&mut self, old: InstanceAddr, new: InstanceAddr, target: Option<&Target>) {
        if self.w.prior.instances.contains_key(&new) {
            return;
        }
        let Some(obj) = self.w.prior.instances.remove(&old) else {
            return;
        };
        let obj = match target {
            None => obj,
            Some(t) => match move_across(t, &old, &new, &obj).await {
                Ok(moved) => moved,
                Err(d) => {
                    self.w.diags.extend(d);
                    self.w.prior.instances.insert(old, obj);
                    return;
                }
            },
        };
        self.w.prior.instances.insert(new.clone(), obj);
        self.moved_from.insert(new, old);
    }

    /// For a move to another type or provider, the target's provider (an error when it
    /// cannot move state across types); `None` for a plain rename.
    fn cross_type_target(
        &self,
        sample: &InstanceAddr,
        to: &ResourceAddr,
        m: &Moved,
    ) -> Result<Option<Target>, Diagnostics> {
        let ctx = self.w.ctx;
        let path = to.module.path();
        let Some(r) = ctx
            .module(&path)
            .and_then(|t| t.module.resources.get(&to.local()))
        else {
            // Not in the configuration: nothing to translate for (the rename stays).
            return Ok(None);
        };
        let config = provider_addr(&ctx.tree, &path, r);
        let state_provider = ctx.state_provider(&config);
        let recorded = (self.w.prior.instances.get(sample))
            .and_then(|o| o.provider.parse::<AbsProviderConfig>().ok());
        let same_provider = recorded.is_none_or(|p| p.source == state_provider.source);
        if same_provider && sample.resource.ty == to.ty {
            return Ok(None);
        }
        let provider = ctx.provider_functions.unconfigured(&state_provider.source);
        let Some(provider) = provider.filter(|p| p.schema().move_resource_state) else {
            let detail = format!("The provider {:?} does not support moved operations across resource types and providers.", state_provider.source.to_string());
            return Err(Diagnostic::error(
                "Unsupported `moved` across resource types",
                detail,
                Some(m.range.clone()),
            )
            .into());
        };
        let schema_version = provider
            .schema()
            .resources
            .get(to.ty.as_str())
            .map_or(0, |s| s.version);
        Ok(Some(Target {
            provider,
            state_provider,
            schema_version,
        }))
    }
}

/// `MoveResourceState` for one object: its state as the target type's.
async fn move_across(
    t: &Target,
    old: &InstanceAddr,
    new: &InstanceAddr,
    obj: &InstanceObject,
) -> Result<InstanceObject, Diagnostics> {
    let source = obj.provider.parse::<AbsProviderConfig>().ok();
    let source_provider = source.map(|p| p.source.to_string()).unwrap_or_default();
    let json = autostack_lang::value::json::to_json(&obj.value).to_string();
    let private = Private::from_state(obj.private.as_deref()).unwrap_or_default();
    let req = MoveStateRequest::new(
        &source_provider,
        &old.resource.ty,
        obj.schema_version,
        &json,
        &private,
        &new.resource.ty,
    );
    // The provider's diagnostics are shown as they are, without a location (as Terraform).
    let moved = t.provider.move_state(req).await?;
    Ok(InstanceObject {
        value: moved.state,
        provider: t.state_provider.to_string().into(),
        schema_version: t.schema_version,
        private: moved.private.to_state(),
        ..obj.clone()
    })
}
