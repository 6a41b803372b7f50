//! Azure Resource Manager object types. What differs between them is an [`ArmKind`]: its
//! schema, ID shape, API version, request body and state mapping. [`Arm`] makes a kind a
//! [`ResourceType`]: IDs built from configuration (so a create is a PUT at a known ID, and an
//! interrupted one is recovered by reading that ID), the async protocol followed on every
//! change ([`crate::lro`]), refresh batched by listing each collection that holds two or more
//! of the objects ([`crate::batch`]), `tags` and `timeouts` added to every schema, and import
//! by ID checked against the shape.

use crate::batch::read_by_collection;
use crate::client::{ArmError, AzureClient};
use crate::ids::IdShape;
use crate::prelude::*;

/// One ARM object type (see the module documentation).
#[async_trait]
pub trait ArmKind: Send + Sync {
    /// The ID shape (`/subscriptions/{subscriptionId}/resourceGroups/...`).
    fn shape(&self) -> IdShape;
    /// The API version of the type's calls.
    fn api_version(&self) -> &'static str;
    /// True when the object carries `tags` (added to the schema and the body).
    fn tagged(&self) -> bool {
        true
    }
    /// Checks a configuration beyond its schema (values unknown until apply left alone).
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// The kind's own attributes (the adapter adds `id`, `tags` and `timeouts`).
    fn schema(&self) -> ResourceSchema;
    /// The placeholder values of the ID after the subscription, from a planned value.
    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics>;
    /// The PUT body of a planned object; `current` is the object as ARM has it now (on
    /// update), for kinds whose PUT replaces what the configuration does not manage.
    fn body(&self, c: &AzureClient, planned: &Value, current: Option<&Json>) -> Json;
    /// True when [`ArmKind::body`] needs the current object on update.
    fn needs_current(&self) -> bool {
        false
    }
    /// The state of one object as ARM returns it, from its prior state and the ID's
    /// placeholder values (the adapter sets `id` and `tags`).
    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value;
    /// Adjusts the provider's default plan.
    async fn plan(&self, _c: &AzureClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        Ok(p.planned)
    }
    /// Reads what the object's GET or list does not return (keys, power state) into
    /// successful reads.
    async fn complete(&self, _c: &AzureClient, _read: &mut [ValueRead]) {}
    /// The objects the instance holds, for a migration's data copy (blob containers).
    fn object_store(
        &self,
        _c: &AzureClient,
        _state: &Value,
    ) -> Option<std::sync::Arc<dyn autostack_provider_sdk::objects::ObjectStore>> {
        None
    }
    /// The object whose changes must not overlap with this one's (a subnet's network: ARM
    /// rejects concurrent changes of one network's subnets), if any.
    fn lock_key(&self, _planned: &Value) -> Option<String> {
        None
    }
    /// Changes in place; `body` is the PUT body of `planned` (with tags, and built over the
    /// current object when [`ArmKind::needs_current`]). By default that PUT.
    async fn update(
        &self,
        c: &AzureClient,
        id: &str,
        _prior: &Value,
        _planned: &Value,
        body: Json,
    ) -> Result<(), ArmError> {
        c.put(id, self.api_version(), &body).await.map(|_| ())
    }
    /// Settles what the object's own PUT cannot (an account's blob service properties) after
    /// a create or an update of `planned`; by default nothing.
    async fn after_put(
        &self,
        _c: &AzureClient,
        _id: &str,
        _planned: &Value,
    ) -> Result<(), ArmError> {
        Ok(())
    }
    /// Deletes the object (by default a DELETE followed until the object is gone).
    async fn delete(&self, c: &AzureClient, id: &str, _prior: &Value) -> Result<(), ApplyError> {
        c.delete(id, self.api_version())
            .await
            .or_apply(&format!("deleting {id}"))
    }
}

/// An [`ArmKind`] as a resource type: its Terraform type name and its name in messages.
pub struct Arm<K> {
    name: &'static str,
    what: &'static str,
    kind: K,
}

impl<K> Arm<K> {
    /// The kind as resource type `name`, called `what` in messages ("Virtual Network").
    pub fn new(name: &'static str, what: &'static str, kind: K) -> Arm<K> {
        Arm { name, what, kind }
    }
}

impl<K: ArmKind> Arm<K> {
    /// The ID a planned object has (built from its configuration).
    fn id_of(&self, c: &AzureClient, planned: &Value) -> Result<String, Diagnostics> {
        let mut values = vec![c.subscription_id.clone()];
        if !self
            .kind
            .shape()
            .0
            .starts_with("/subscriptions/{subscriptionId}")
        {
            values.clear();
        }
        values.extend(self.kind.id_values(planned)?);
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        Ok(self.kind.shape().build(&refs))
    }

    /// Holds the kind's lock for `planned` (see [`ArmKind::lock_key`]) while the guard lives.
    async fn serialize(
        &self,
        c: &AzureClient,
        planned: &Value,
    ) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        let key = self.kind.lock_key(planned)?;
        Some(c.lock_for(&key).lock_owned().await)
    }

    /// The PUT body with the planned tags.
    fn body_of(&self, c: &AzureClient, planned: &Value, current: Option<&Json>) -> Json {
        let mut body = self.kind.body(c, planned, current);
        if let (true, Some(o)) = (self.kind.tagged(), body.as_object_mut()) {
            o.insert("tags".into(), tags_json(planned));
        }
        body
    }

    /// The state of one object read from ARM (zero values of unset arguments left unset, as
    /// azurerm's legacy SDK reads them back).
    fn state_of(&self, schema: &Block, prior: &Value, id: &str, item: &Json) -> Value {
        let parts = crate::ids::parts_of(self.kind.shape(), id);
        let state = self.kind.state(prior, item, &parts);
        let mut o = Obj::from(&state).str("id", id);
        if self.kind.tagged() {
            o = o.set_all(AZURERM.state(prior, json_tags(item)));
        }
        settle_zero_values(schema, Some(prior), o.finish())
    }
}

/// The planned `tags` as ARM's JSON object.
pub fn tags_json(planned: &Value) -> Json {
    let tags = get(planned, "tags").map(string_map).unwrap_or_default();
    Json::Object(
        tags.into_iter()
            .map(|(k, v)| (k, Json::String(v)))
            .collect(),
    )
}

/// The `tags` of an ARM object.
pub fn json_tags(item: &Json) -> std::collections::BTreeMap<String, String> {
    item.get("tags")
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// azurerm's tags (the configured map; no provider defaults).
static AZURERM: std::sync::LazyLock<Labels> =
    std::sync::LazyLock::new(|| Labels::new(AZURERM_TAGS));

/// The `timeouts` block every azurerm resource accepts (create, read, update, delete as Go
/// durations); accepted and kept in state, waits are bounded by the client's backoff.
pub fn timeouts_block(b: Block) -> Block {
    let t = |d| Attribute::optional(Type::String).describe(d);
    let inner = Block::new()
        .attr(
            "create",
            t("How long a create may take (a Go duration, `30m`)."),
        )
        .attr("read", t("How long a read may take."))
        .attr("update", t("How long an update may take."))
        .attr("delete", t("How long a delete may take."));
    b.block("timeouts", Nesting::Single, inner)
}

#[async_trait]
impl<K: ArmKind> ResourceType<AzureClient> for Arm<K> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> ResourceSchema {
        let mut schema = self.kind.schema();
        let mut block = schema.block.attr(
            "id",
            Attribute::computed(Type::String).describe("The Azure resource ID."),
        );
        if self.kind.tagged() {
            block = AZURERM_TAGS.attrs(block);
        }
        schema.block = timeouts_block(block);
        schema
    }

    /// Plans with `location` normalized first (`West Europe` is `westeurope`), so a location
    /// written either way plans no change.
    async fn plan(&self, c: &AzureClient, mut p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let normalized = normalize_location(p.proposed().clone());
        if differs(&normalized, p.proposed()) {
            p.planned = p.plan_from(p.prior(), &normalized);
        }
        self.kind.plan(c, p).await
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        self.kind.validate(config)
    }

    async fn create(&self, c: &AzureClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let id = self.id_of(c, planned)?;
        let act = format!("creating {} ({id})", self.what);
        let _serial = self.serialize(c, planned).await;
        // azurerm's import-safety check: an object already at the ID is not ours.
        if c.get(&id, self.kind.api_version())
            .await
            .or_apply(&act)?
            .is_some()
        {
            return Err(ApplyError::new(
                format!("A resource with the ID {id:?} already exists - to be managed via Terraform this resource needs to be imported into the State."),
                format!("Please see the resource documentation for {:?} for more information", self.name),
            ));
        }
        let made = with_attr(planned, "id", Value::string(id.as_str()));
        let body = self.body_of(c, planned, None);
        let put = match c.put(&id, self.kind.api_version(), &body).await {
            Ok(_) => self.kind.after_put(c, &id, planned).await,
            Err(e) => Err(e),
        };
        let Err(e) = put else {
            return Ok(made);
        };
        // A PUT that ARM accepted made the object even if its operation then failed: keep it
        // (tainted) so that nothing exists that the state does not hold.
        let err = e.apply_error(&act);
        match c.get(&id, self.kind.api_version()).await {
            Ok(Some(_)) => Err(err.with_partial(Obj::from(&made).finish())),
            _ => Err(err),
        }
    }

    async fn update(&self, c: &AzureClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let id = str_or_empty(prior, "id").to_string();
        let planned = Obj::from(planned).str("id", &id).into_value();
        let _ = ctx;
        let act = format!("updating {} ({id})", self.what);
        let _serial = self.serialize(c, &planned).await;
        let current = match self.kind.needs_current() {
            true => c.get(&id, self.kind.api_version()).await.or_apply(&act)?,
            false => None,
        };
        let body = self.body_of(c, &planned, current.as_ref());
        self.kind
            .update(c, &id, prior, &planned, body)
            .await
            .or_apply(&act)?;
        self.kind.after_put(c, &id, &planned).await.or_apply(&act)?;
        Ok(planned)
    }

    async fn delete(&self, c: &AzureClient, prior: &Value) -> Result<(), ApplyError> {
        let _serial = self.serialize(c, prior).await;
        self.kind.delete(c, str_or_empty(prior, "id"), prior).await
    }

    async fn read_many(&self, c: &AzureClient, current: &[Value]) -> Vec<ValueRead> {
        let schema = self.schema().block;
        let state_of = |p: &Value, id: &str, item: &Json| self.state_of(&schema, p, id, item);
        let mut read =
            read_by_collection(c, self.what, self.kind.api_version(), current, state_of).await;
        self.kind.complete(c, &mut read).await;
        read
    }

    async fn recover(&self, c: &AzureClient, planned: &Value, _token: &str) -> ValueRead {
        // The ID follows from the configuration: read it back; nothing there means the
        // create never reached ARM.
        Ok(Some(with_attr(
            planned,
            "id",
            Value::string(self.id_of(c, planned)?),
        )))
    }

    fn object_store(
        &self,
        c: &AzureClient,
        state: &Value,
    ) -> Option<std::sync::Arc<dyn autostack_provider_sdk::objects::ObjectStore>> {
        self.kind.object_store(c, state)
    }

    async fn import(&self, _c: &AzureClient, id: &str) -> Result<Value, Diagnostics> {
        self.kind.shape().parse(id)?;
        Ok(import_seed(&self.schema(), id))
    }
}

/// A planned object with its known `location` normalized as azurerm stores it.
pub fn normalize_location(planned: Value) -> Value {
    match get_str(&planned, "location") {
        Some(l) if crate::common::normalized_location(l) != l => {
            let n = crate::common::normalized_location(l);
            with_attr(&planned, "location", Value::string(n))
        }
        _ => planned,
    }
}
