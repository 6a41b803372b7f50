//! Builtin types whose objects live only in the state and are made in one step (random
//! values, timestamps, `null_resource`): a [`Making`] gives its name, schema, planning rule and
//! how a create fills in the computed attributes; [`StateOnly`] makes it a resource type.

use crate::common::plan_standard;
use async_trait::async_trait;
use autostack_provider_sdk::Attribute;
use autostack_provider_sdk::{
    ApplyError, ChangeCtx, PlanCtx, PlanResponse, ResourceSchema, ResourceType,
};
use autostack_value::{Diagnostic, Diagnostics, Type, Value};

/// The map argument whose change forces a new object, and its description.
pub struct Replacer {
    /// The argument's name.
    pub arg: &'static str,
    /// Its description in the schema.
    pub description: &'static str,
}

/// `replacer!("keepers", values, "forces a new result")`: the [`Replacer`] `keepers`, which
/// holds arbitrary values whose change forces a new result.
macro_rules! replacer {
    ($arg:literal, $holds:ident, $effect:literal) => {
        $crate::state_only::Replacer {
            arg: $arg,
            description: concat!(
                "Arbitrary ",
                stringify!($holds),
                " whose change ",
                $effect,
                "."
            ),
        }
    };
}
pub(crate) use replacer;

/// What planning a [`Making`] gives.
pub type Planned = Result<PlanResponse, Diagnostics>;

/// One state-only builtin type (see the module documentation).
#[async_trait]
pub trait Making: Send + Sync {
    /// The schema, without the [`Making::REPLACED_BY`] argument.
    fn schema(&self) -> ResourceSchema;
    /// Checks a configuration beyond its schema.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// The map argument whose change forces a new object (hashicorp/random's `keepers`,
    /// null's and time's `triggers`) and its description.
    const REPLACED_BY: Replacer;
    /// Plans by schema, with the [`Making::REPLACED_BY`] rule of hashicorp/random.
    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        let keepers = Some(Self::REPLACED_BY.arg);
        Ok(plan_standard(schema, prior, config, &[], keepers))
    }
    /// The new object: the planned value with its computed attributes filled in.
    async fn make(&self, planned: &Value) -> Result<Value, ApplyError>;
    /// Forgets the object (`time_sleep` waits first).
    async fn forget(&self, _prior: &Value) -> Result<(), ApplyError> {
        Ok(())
    }
    /// The object an import of `id` stands for.
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Resource Import Not Implemented",
            format!("This resource type does not support import (ID {id:?})."),
            None,
        )
        .into())
    }
}

/// A [`Making`] as the resource type named by the first field.
pub struct StateOnly<T>(pub &'static str, pub T);

#[async_trait]
impl<T: Making> ResourceType<()> for StateOnly<T> {
    fn name(&self) -> &'static str {
        self.0
    }

    fn schema(&self) -> ResourceSchema {
        let replacer = &T::REPLACED_BY;
        let mut schema = self.1.schema();
        // Added unless the type declares it itself (time's `triggers` are also force-new).
        if !schema.block.attributes.contains_key(replacer.arg) {
            let map = Attribute::optional(Type::map(Type::String));
            let replaced_by = map.describe(replacer.description);
            schema.block = schema.block.attr(replacer.arg, replaced_by);
        }
        schema
    }

    fn state_only(&self) -> bool {
        true
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        self.1.validate(config)
    }

    fn plans_alone(&self) -> bool {
        true
    }

    async fn plan(&self, _: &(), p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        self.1.plan(p.schema, p.prior(), p.proposed())
    }

    async fn create(&self, _: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        self.1.make(planned).await
    }

    async fn delete(&self, _: &(), prior: &Value) -> Result<(), ApplyError> {
        self.1.forget(prior).await
    }

    async fn import(&self, _: &(), id: &str) -> Result<Value, Diagnostics> {
        self.1.import(id).await
    }
}
