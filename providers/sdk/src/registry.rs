//! A provider built from one file per resource type: [`ResourceType`]s and [`DataSource`]s
//! registered with a client factory.

use crate::plan::plan_by_schema;
use crate::provider::{ApplyError, PlannedChange, Provider};
use crate::schema::{Block, ProviderSchema, ResourceSchema};
use async_trait::async_trait;
use autostack_value::{Diagnostic, Diagnostics, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// One managed resource type of a provider whose API client is `C`.
#[async_trait]
pub trait ResourceType<C: Send + Sync>: Send + Sync {
    /// The Terraform type name (`aws_instance`).
    fn name(&self) -> &'static str;
    /// The schema.
    fn schema(&self) -> ResourceSchema;
    /// True when its objects live only in the state (see [`Provider::state_only`]).
    fn state_only(&self) -> bool {
        false
    }
    /// Checks a configuration beyond its schema (see [`Provider::validate`]); values unknown
    /// until apply are left alone.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// Plans a change; the default is [`plan_by_schema`].
    async fn plan(
        &self,
        _client: &C,
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        Ok(plan_by_schema(schema, prior, config))
    }
    /// Creates the object described by `planned` and returns its state; `token` is the
    /// create's idempotency token (see [`Provider::create`]).
    async fn create(&self, client: &C, planned: &Value, token: &str) -> Result<Value, ApplyError>;
    /// Finds what a create of `planned` with `token` made before a crash (see
    /// [`Provider::recover`]): by client token, deterministic name, or a tag the create wrote.
    /// Every type whose objects live outside the state implements it; the default serves
    /// state-only types, whose interrupted creates left nothing behind (nothing read their
    /// value either: dependents start only after a create is journaled), so the next apply
    /// simply makes them again.
    async fn recover(
        &self,
        _client: &C,
        _planned: &Value,
        _token: &str,
    ) -> Result<Option<Value>, Diagnostics> {
        if self.state_only() {
            return Ok(None);
        }
        Err(Diagnostic::error(
            "Cannot recover an interrupted create",
            format!("Resource type {} cannot look up what an interrupted create made; check it by hand before the next apply.", self.name()),
            None,
        )
        .into())
    }
    /// Updates the object in place.
    async fn update(&self, client: &C, prior: &Value, planned: &Value)
        -> Result<Value, ApplyError>;
    /// Deletes the object.
    async fn delete(&self, client: &C, prior: &Value) -> Result<(), ApplyError>;
    /// Reads the object's current state; `None` when it is gone.
    async fn read(&self, client: &C, current: &Value) -> Result<Option<Value>, Diagnostics>;
    /// Reads many objects (override to batch API calls).
    async fn read_many(
        &self,
        client: &C,
        current: &[Value],
    ) -> Vec<Result<Option<Value>, Diagnostics>> {
        let mut out = Vec::with_capacity(current.len());
        for c in current {
            out.push(self.read(client, c).await);
        }
        out
    }
    /// Builds the state of an existing object from its ID.
    async fn import(&self, _client: &C, id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Resource Import Not Implemented",
            format!(
                "This resource type ({}) does not support import (ID {id:?}).",
                self.name()
            ),
            None,
        )
        .into())
    }
}

/// One data source of a provider whose API client is `C`.
#[async_trait]
pub trait DataSource<C: Send + Sync>: Send + Sync {
    /// The Terraform type name.
    fn name(&self) -> &'static str;
    /// The schema.
    fn schema(&self) -> ResourceSchema;
    /// Reads the data.
    async fn read(&self, client: &C, config: &Value) -> Result<Value, Diagnostics>;
}

/// Builds a provider's API client from its configuration.
#[async_trait]
pub trait ClientFactory: Send + Sync {
    /// The client type.
    type Client: Send + Sync + 'static;
    /// The `provider` block's schema.
    fn config_schema(&self) -> Block;
    /// Makes a client from the configuration (credentials, region, endpoints).
    async fn configure(&self, config: &Value) -> Result<Self::Client, Diagnostics>;
}

/// A provider assembled from a client factory and registered types.
pub struct Registry<F: ClientFactory> {
    factory: F,
    schema: ProviderSchema,
    resources: HashMap<&'static str, Arc<dyn ResourceType<F::Client>>>,
    data: HashMap<&'static str, Arc<dyn DataSource<F::Client>>>,
    client: Option<Arc<F::Client>>,
}

impl<F: ClientFactory> Registry<F> {
    /// An empty registry around a client factory.
    pub fn new(factory: F) -> Self {
        let schema = ProviderSchema {
            provider: factory.config_schema(),
            ..ProviderSchema::default()
        };
        Registry {
            factory,
            schema,
            resources: HashMap::new(),
            data: HashMap::new(),
            client: None,
        }
    }

    /// Registers a resource type.
    pub fn resource(mut self, r: impl ResourceType<F::Client> + 'static) -> Self {
        self.schema
            .resources
            .insert(r.name().to_string(), r.schema());
        self.resources.insert(r.name(), Arc::new(r));
        self
    }

    /// Registers a data source.
    pub fn data_source(mut self, d: impl DataSource<F::Client> + 'static) -> Self {
        self.schema
            .data_sources
            .insert(d.name().to_string(), d.schema());
        self.data.insert(d.name(), Arc::new(d));
        self
    }

    fn parts(&self, type_name: &str) -> Result<Parts<'_, F::Client>, Diagnostics> {
        let r = self
            .resources
            .get(type_name)
            .ok_or_else(|| unsupported("resource type", type_name))?;
        let c = self.client.as_deref().ok_or_else(unconfigured)?;
        Ok((r, c))
    }
}

fn unsupported(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Invalid {kind}"),
        format!("The provider does not support {kind} {name:?}."),
        None,
    )
    .into()
}

fn unconfigured() -> Diagnostics {
    Diagnostic::error(
        "Provider not configured",
        "The provider was used before its configuration was applied.",
        None,
    )
    .into()
}

#[async_trait]
impl<F: ClientFactory> Provider for Registry<F> {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&mut self, config: Value) -> Result<(), Diagnostics> {
        self.client = Some(Arc::new(self.factory.configure(&config).await?));
        Ok(())
    }

    async fn plan(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        proposed: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        let (r, c) = self.parts(type_name)?;
        let schema = &self.schema.resources[type_name];
        r.plan(c, schema, prior, proposed).await
    }

    async fn apply(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        planned: Option<&Value>,
    ) -> Result<Option<Value>, ApplyError> {
        let (r, c) = self.parts(type_name)?;
        match (prior, planned) {
            (None, Some(p)) => r
                .create(c, p, &uuid::Uuid::new_v4().to_string())
                .await
                .map(Some),
            (Some(old), Some(p)) => r.update(c, old, p).await.map(Some),
            (Some(old), None) => r.delete(c, old).await.map(|()| None),
            (None, None) => Ok(None),
        }
    }

    fn state_only(&self, type_name: &str) -> bool {
        self.resources
            .get(type_name)
            .is_some_and(|r| r.state_only())
    }

    fn validate(&self, type_name: &str, config: &Value) -> Diagnostics {
        match self.resources.get(type_name) {
            Some(r) => r.validate(config),
            None => Diagnostics::new(),
        }
    }

    async fn create(
        &self,
        type_name: &str,
        planned: &Value,
        token: &str,
    ) -> Result<Value, ApplyError> {
        let (r, c) = self.parts(type_name)?;
        r.create(c, planned, token).await
    }

    async fn recover(
        &self,
        type_name: &str,
        planned: &Value,
        token: &str,
    ) -> Result<Option<Value>, Diagnostics> {
        let (r, c) = self.parts(type_name)?;
        r.recover(c, planned, token).await
    }

    async fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, Diagnostics> {
        let (r, c) = self.parts(type_name)?;
        r.read(c, current).await
    }

    async fn read_many(
        &self,
        type_name: &str,
        current: &[Value],
    ) -> Vec<Result<Option<Value>, Diagnostics>> {
        match self.parts(type_name) {
            Ok((r, c)) => r.read_many(c, current).await,
            Err(d) => current.iter().map(|_| Err(d.clone())).collect(),
        }
    }

    async fn import(&self, type_name: &str, id: &str) -> Result<Value, Diagnostics> {
        let (r, c) = self.parts(type_name)?;
        r.import(c, id).await
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        let d = self
            .data
            .get(type_name)
            .ok_or_else(|| unsupported("data source", type_name))?;
        let c = self.client.as_deref().ok_or_else(unconfigured)?;
        d.read(c, config).await
    }
}

/// A resource type and the configured client it runs with.
type Parts<'a, C> = (&'a Arc<dyn ResourceType<C>>, &'a C);

/// A client factory for providers that need no configuration (the builtin ones).
pub struct NoConfig;

#[async_trait]
impl ClientFactory for NoConfig {
    type Client = ();
    fn config_schema(&self) -> Block {
        Block::new()
    }
    async fn configure(&self, _config: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;
    use autostack_value::Type;

    /// A type whose objects may live in or out of the state, with no `recover` of its own.
    struct Plain(bool);

    #[async_trait]
    impl ResourceType<()> for Plain {
        fn name(&self) -> &'static str {
            "test_plain"
        }
        fn schema(&self) -> ResourceSchema {
            ResourceSchema {
                version: 0,
                block: Block::new().attr("id", Attribute::computed(Type::String)),
            }
        }
        fn state_only(&self) -> bool {
            self.0
        }
        async fn create(&self, _: &(), planned: &Value, _: &str) -> Result<Value, ApplyError> {
            Ok(planned.clone())
        }
        async fn update(&self, _: &(), _: &Value, planned: &Value) -> Result<Value, ApplyError> {
            Ok(planned.clone())
        }
        async fn delete(&self, _: &(), _: &Value) -> Result<(), ApplyError> {
            Ok(())
        }
        async fn read(&self, _: &(), current: &Value) -> Result<Option<Value>, Diagnostics> {
            Ok(Some(current.clone()))
        }
    }

    #[tokio::test]
    async fn only_state_only_types_may_leave_recover_to_the_default() {
        let v = Value::null();
        let empty = Value::object(Default::default());
        let mut state_only = Registry::new(NoConfig).resource(Plain(true));
        state_only.configure(empty.clone()).await.unwrap();
        assert!(state_only.state_only("test_plain"));
        assert_eq!(
            state_only.recover("test_plain", &v, "t").await.ok(),
            Some(None)
        );
        let mut outside = Registry::new(NoConfig).resource(Plain(false));
        outside.configure(empty).await.unwrap();
        assert!(!outside.state_only("test_plain"));
        let err = outside.recover("test_plain", &v, "t").await.unwrap_err();
        assert!(err.to_string().contains("cannot look up"), "{err}");
    }
}
