//! Driving one concrete resource type of the bound provider the way the provider's registry
//! does for a resource of its own: plan by the provider's planning mode and the type's plan
//! hook, create or update, then read the object back through the type's `read_many`.

use crate::realize::Binding;
use autostack_provider_sdk::conform::conform_value;
use autostack_provider_sdk::objects::ObjectStore;
use autostack_provider_sdk::registry::{after_change, recover_made, ValueRead};
use autostack_provider_sdk::{
    differs, ApplyError, ChangeCtx, PlanCtx, PlanRequest, PlanResponse, Private, ResourceSchema,
};
use autostack_value::{Diagnostic, Diagnostics, Type, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A concrete type and its schema.
pub type Concrete<C> = autostack_provider_sdk::registry::Typed<C>;

/// The concrete types of one provider, and the binding to plan them with.
pub struct Drive<C: Send + Sync + 'static> {
    binding: Arc<dyn Binding<C>>,
    types: HashMap<String, Concrete<C>>,
}

impl<C: Send + Sync + 'static> Clone for Drive<C> {
    fn clone(&self) -> Self {
        Drive {
            binding: self.binding.clone(),
            types: self.types.clone(),
        }
    }
}

static NO_PRIVATE: Private = Private::empty();

impl<C: Send + Sync + 'static> Drive<C> {
    /// Drives `types` (by name) planned as `binding` says.
    pub fn new(binding: Arc<dyn Binding<C>>, types: HashMap<String, Concrete<C>>) -> Drive<C> {
        Drive { binding, types }
    }

    /// The binding.
    pub fn binding(&self) -> &dyn Binding<C> {
        self.binding.as_ref()
    }

    /// The schema of concrete type `ty`.
    pub fn schema(&self, ty: &str) -> Option<ResourceSchema> {
        self.types.get(ty).map(|(_, s)| s.clone())
    }

    fn get(&self, ty: &str) -> Result<&Concrete<C>, Diagnostics> {
        self.types.get(ty).ok_or_else(|| {
            Diagnostic::error(
                "Concrete type not available",
                format!(
                    "The provider has no resource type {ty}, which a portable resource is made of."
                ),
                None,
            )
            .into()
        })
    }

    /// The provider's plan of `config` over `prior` (`None`: a create).
    async fn plan(
        &self,
        c: &C,
        ty: &str,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, Diagnostics> {
        let (r, schema) = self.get(ty)?;
        let req = PlanRequest::new(ty, prior, config);
        let planning = self.binding.planning(c);
        let planned = match r.plans_alone() {
            true => PlanResponse::new(Value::Null(Type::Dynamic)),
            false => planning.plan(schema, &req),
        };
        let ctx = PlanCtx {
            req: &req,
            schema,
            planned,
            planning,
        };
        r.plan(c, ctx).await
    }

    fn conform(&self, ty: &str, config: &Value) -> Result<Value, Diagnostics> {
        conform_value(&self.get(ty)?.1.block, config)
    }

    /// Creates a `ty` object from `config` and returns its state.
    pub async fn create(
        &self,
        c: &C,
        ty: &str,
        config: &Value,
        token: &str,
    ) -> Result<Value, ApplyError> {
        let config = self.conform(ty, config)?;
        let planned = self.plan(c, ty, None, &config).await?.planned;
        let (r, _) = self.get(ty)?;
        let ctx = ChangeCtx {
            prior: &Value::Null(Type::Dynamic),
            planned: &planned,
            config: &config,
            private: &NO_PRIVATE,
            token,
        };
        let made = r.create(c, ctx).await?;
        after_change(r.as_ref(), c, made, true).await
    }

    /// Brings the `ty` object `prior` to `config`: nothing when the plan changes nothing, an
    /// update in place, or a replacement (delete, then create) when the plan requires one.
    pub async fn change(
        &self,
        c: &C,
        ty: &str,
        prior: &Value,
        config: &Value,
        token: &str,
    ) -> Result<Value, ApplyError> {
        let config = self.conform(ty, config)?;
        let plan = self.plan(c, ty, Some(prior), &config).await?;
        if !plan.requires_replace.is_empty() {
            self.delete(c, ty, prior).await?;
            return self.create(c, ty, &config, token).await;
        }
        if !differs(prior, &plan.planned) {
            return Ok(prior.clone());
        }
        let (r, _) = self.get(ty)?;
        let ctx = ChangeCtx {
            prior,
            planned: &plan.planned,
            config: &config,
            private: &NO_PRIVATE,
            token,
        };
        let made = r.update(c, ctx).await?;
        after_change(r.as_ref(), c, made, false).await
    }

    /// Deletes the `ty` object `state`.
    pub async fn delete(&self, c: &C, ty: &str, state: &Value) -> Result<(), ApplyError> {
        self.get(ty)?.0.delete(c, state).await
    }

    /// Reads `ty` objects in one batch.
    pub async fn read_many(&self, c: &C, ty: &str, states: &[Value]) -> Vec<ValueRead> {
        match self.get(ty) {
            Ok((r, _)) => r.read_many(c, states).await,
            Err(d) => states.iter().map(|_| Err(d.clone())).collect(),
        }
    }

    /// The object store of the `ty` object `state`, if its type has one.
    pub fn object_store(&self, c: &C, ty: &str, state: &Value) -> Option<Arc<dyn ObjectStore>> {
        self.types.get(ty)?.0.object_store(c, state)
    }

    /// What a create of `config` with `token` made before a crash, read back; `None`: nothing.
    pub async fn recover(&self, c: &C, ty: &str, config: &Value, token: &str) -> ValueRead {
        let config = self.conform(ty, config)?;
        let planned = self.plan(c, ty, None, &config).await?.planned;
        let (r, _) = self.get(ty)?;
        let by_token = || self.binding.find_by_token(c, token);
        recover_made(r.as_ref(), c, &planned, token, by_token).await
    }
}
