//! The one resource type behind every portable type on every cloud: a portable instance is
//! an ordered set of concrete resources of the bound provider (its members), driven through
//! that provider's own [`ResourceType`]s. Create makes them in order and records each as soon
//! as it exists, so a failure part-way returns the members made so far as partial state
//! (tainted; the next apply or destroy deletes them); delete runs in reverse; refresh reads
//! every member through its type's batched `read_many`; update reconciles members (updated
//! in place, replaced, added or removed as the mapping now asks).

use crate::drive::Drive;
use crate::members::{no_listing, Members};
use crate::realize::{Binding, Realize, Role};
use crate::schema::{Kind, FIREWALL_RULES_DIGEST};
use crate::validate::validate;
use async_trait::async_trait;
use autostack_provider_sdk::attrs::{get, get_str, Obj};
use autostack_provider_sdk::objects::ObjectStore;
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    differs, plan_by_schema, ApplyError, ChangeCtx, PlanCtx, PlanResponse, ResourceSchema,
    ResourceType,
};
use autostack_value::{Diagnostics, Type, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A portable type served on one cloud.
pub struct Composite<C: Send + Sync + 'static> {
    realize: Arc<dyn Realize<C>>,
    drive: Drive<C>,
}

impl<C: Send + Sync + 'static> Composite<C> {
    /// The portable type `realize` maps, driving the concrete types `drive` holds.
    pub fn new(realize: Arc<dyn Realize<C>>, drive: Drive<C>) -> Composite<C> {
        Composite { realize, drive }
    }

    fn kind(&self) -> Kind {
        self.realize.kind()
    }

    fn binding(&self) -> &dyn Binding<C> {
        self.drive.binding()
    }

    fn decode(&self, portable: &Value) -> Result<Members, Diagnostics> {
        Members::decode(portable, |t| self.drive.schema(t))
    }

    /// The portable state recording `done`: the listing, the states, the outputs, and the
    /// main member's ID as `id` and `cloud_id`; nothing left unknown.
    fn record(&self, portable: &Value, done: &Members) -> Value {
        let id = done.id(self.realize.main_role()).to_string();
        let id = (!id.is_empty()).then(|| Value::string(id.as_str()));
        let id = id.unwrap_or(Value::Null(Type::String));
        Obj::from(portable)
            .set("concrete", done.listing())
            .set("concrete_state", done.encode())
            .set("cloud_id", id.clone())
            .set("id", id)
            .set_all(self.realize.outputs(portable, done))
            .finish()
    }

    /// Failure part-way: the members made so far are the partial state (none: nothing).
    fn partial(&self, portable: &Value, done: &Members, e: ApplyError) -> ApplyError {
        match done.0.is_empty() {
            true => e,
            false => e.with_partial(self.record(portable, done)),
        }
    }

    /// The planned value with what apply fills in: a generated name, the region.
    fn with_name(&self, planned: &Value, token: &str) -> Value {
        match get_str(planned, "name") {
            Some(_) => planned.clone(),
            None => {
                let short: String = token
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .take(10)
                    .collect();
                let prefix = self.kind().name().trim_start_matches("portable_");
                let name = format!("ps-{prefix}-{}", short.to_ascii_lowercase());
                Obj::from(planned).str("name", name).into_value()
            }
        }
    }

    /// Creates the members `roles` in order on top of `done`.
    async fn make(
        &self,
        c: &C,
        portable: &Value,
        roles: &[Role],
        done: &mut Members,
        token: &str,
    ) -> Result<(), ApplyError> {
        for (role, ty) in roles {
            let config = self.realize.config(c, portable, role, done).await?;
            match self
                .drive
                .create(c, ty, &config, &member_token(token, role))
                .await
            {
                Ok(state) => done.push(role, ty, state),
                Err(mut e) => {
                    if let Some(p) = e.partial.take() {
                        done.push(role, ty, p);
                    }
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Deletes `members` in reverse order; on failure, what is left undeleted.
    async fn unmake(&self, c: &C, members: &mut Members) -> Result<(), ApplyError> {
        while let Some(m) = members.0.last() {
            self.drive.delete(c, &m.type_name, &m.state).await?;
            members.0.pop();
        }
        Ok(())
    }

    /// Brings `old` to what `portable` asks, member by member, into `done`.
    async fn reconcile(
        &self,
        c: &C,
        portable: &Value,
        mut old: Members,
        done: &mut Members,
        token: &str,
    ) -> Result<(), ApplyError> {
        for (role, ty) in self.realize.members(portable) {
            let at = old
                .0
                .iter()
                .position(|m| m.role == role && m.type_name == ty);
            let Some(prior) = at.map(|i| old.0.remove(i)) else {
                self.make(c, portable, &[(role, ty)], done, token).await?;
                continue;
            };
            let config = self.realize.config(c, portable, role, done).await?;
            let state = self.drive.change(c, ty, &prior.state, &config, token).await;
            match state {
                Ok(state) => done.push(role, ty, state),
                Err(e) => {
                    done.0.push(prior);
                    done.0.append(&mut old.0);
                    return Err(e);
                }
            }
        }
        self.unmake(c, &mut old).await.inspect_err(|_| {
            done.0.append(&mut old.0);
        })
    }

    /// The planned value's plan-time attributes: cloud, region and the mapping's own.
    async fn plan_value(
        &self,
        c: &C,
        planned: Value,
        prior: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let region = match get(&planned, "region").filter(|r| !r.is_unknown()) {
            Some(r) => r.clone(),
            None => Value::string(self.binding().region(c)),
        };
        let mut planned = Obj::from(&planned)
            .str("cloud", self.binding().cloud().as_str())
            .set("region", region);
        if self.kind() == Kind::Instance {
            planned = planned.set(FIREWALL_RULES_DIGEST, Value::Null(Type::String));
        }
        let planned = planned.into_value();
        self.realize.plan(c, planned, prior).await
    }

    /// True when the prior records other members than the mapping now asks for (a create or
    /// update cut short, or a member deleted out of band): an update completes it.
    fn incomplete(&self, prior: &Value, planned: &Value) -> bool {
        let Ok(members) = self.decode(prior) else {
            return true;
        };
        let have: Vec<(&str, &str)> = (members.0.iter())
            .map(|m| (m.role.as_str(), m.type_name.as_str()))
            .collect();
        have != self.realize.members(planned)
    }
}

/// The intent token of one member's create: the portable create's, with the role.
fn member_token(token: &str, role: &str) -> String {
    format!("{token}.{role}")
}

#[async_trait]
impl<C: Send + Sync + 'static> ResourceType<C> for Composite<C> {
    fn name(&self) -> &'static str {
        self.kind().name()
    }

    fn schema(&self) -> ResourceSchema {
        self.kind().schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        validate(self.kind(), config)
    }

    fn plans_alone(&self) -> bool {
        true
    }

    async fn plan(&self, c: &C, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let mut resp = plan_by_schema(p.schema, p.prior(), p.proposed());
        resp.planned_private = p.req.prior_private.clone();
        let prior = p.prior().filter(|_| resp.requires_replace.is_empty());
        resp.planned = self.plan_value(c, resp.planned, prior).await?;
        if let Some(prior) = prior {
            if differs(prior, &resp.planned) || self.incomplete(prior, &resp.planned) {
                // The members change: what records them is known only after the update, and
                // so are the outputs the change may move.
                let moved = self.realize.recomputed(prior, &resp.planned);
                resp.planned = Obj::from(&resp.planned)
                    .set("concrete", Value::Unknown(no_listing().ty()))
                    .set("concrete_state", Value::Unknown(Type::String).sensitive())
                    .set_all(moved.into_iter().map(|a| (a, Value::Unknown(Type::String))))
                    .into_value();
            }
        }
        Ok(resp)
    }

    async fn create(&self, c: &C, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let portable = self.with_name(planned, ctx.token);
        let mut done = Members::default();
        let roles = self.realize.members(&portable);
        match self.make(c, &portable, &roles, &mut done, ctx.token).await {
            Ok(()) => Ok(self.record(&portable, &done)),
            Err(e) => Err(self.partial(&portable, &done, e)),
        }
    }

    async fn update(&self, c: &C, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let old = self.decode(prior)?;
        let portable = self.with_name(planned, ctx.token);
        let mut done = Members::default();
        match self
            .reconcile(c, &portable, old, &mut done, ctx.token)
            .await
        {
            Ok(()) => Ok(self.record(&portable, &done)),
            Err(e) => Err(self.partial(&portable, &done, e)),
        }
    }

    async fn delete(&self, c: &C, prior: &Value) -> Result<(), ApplyError> {
        let mut members = self.decode(prior)?;
        self.unmake(c, &mut members)
            .await
            .map_err(|e| self.partial(prior, &members, e))
    }

    async fn read_many(&self, c: &C, current: &[Value]) -> Vec<ValueRead> {
        let decoded: Vec<Result<Members, Diagnostics>> =
            current.iter().map(|v| self.decode(v)).collect();
        // One batch per concrete type across every instance: (instance, member) → result.
        let mut by_type: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
        for (i, m) in decoded.iter().enumerate() {
            for (j, member) in m.iter().flat_map(|m| m.0.iter()).enumerate() {
                by_type
                    .entry(member.type_name.as_str())
                    .or_default()
                    .push((i, j));
            }
        }
        let mut read: BTreeMap<(usize, usize), ValueRead> = BTreeMap::new();
        for (ty, at) in by_type {
            let states: Vec<Value> = (at.iter())
                .map(|&(i, j)| {
                    decoded[i]
                        .as_ref()
                        .map(|m| m.0[j].state.clone())
                        .unwrap_or_else(|_| Value::null())
                })
                .collect();
            for (k, r) in self
                .drive
                .read_many(c, ty, &states)
                .await
                .into_iter()
                .enumerate()
            {
                read.insert(at[k], r);
            }
        }
        let mut out = Vec::with_capacity(current.len());
        for (i, (v, m)) in current.iter().zip(decoded).enumerate() {
            out.push(self.reread(v, m, i, &mut read));
        }
        out
    }

    fn object_store(&self, c: &C, state: &Value) -> Option<Arc<dyn ObjectStore>> {
        let members = self.decode(state).ok()?;
        (members.0.iter()).find_map(|m| self.drive.object_store(c, &m.type_name, &m.state))
    }

    async fn recover(&self, c: &C, planned: &Value, token: &str) -> ValueRead {
        let portable = self.with_name(planned, token);
        let mut done = Members::default();
        for (role, ty) in self.realize.members(&portable) {
            let config = self.realize.config(c, &portable, role, &done).await?;
            let found = self
                .drive
                .recover(c, ty, &config, &member_token(token, role))
                .await?;
            match found {
                Some(state) => done.push(role, ty, state),
                None => break,
            }
        }
        Ok((!done.0.is_empty()).then(|| self.record(&portable, &done)))
    }
}

impl<C: Send + Sync + 'static> Composite<C> {
    /// One instance's refreshed state from its members' reads: gone with its main member,
    /// else recorded again without the members that are gone.
    fn reread(
        &self,
        v: &Value,
        m: Result<Members, Diagnostics>,
        i: usize,
        read: &mut BTreeMap<(usize, usize), ValueRead>,
    ) -> ValueRead {
        let members = m?;
        let mut now = Members::default();
        for (j, member) in members.0.into_iter().enumerate() {
            match read.remove(&(i, j)).unwrap_or(Ok(None))? {
                Some(state) => now.push(&member.role, &member.type_name, state),
                None if member.role == self.realize.main_role() => return Ok(None),
                None => {}
            }
        }
        if now.0.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.record(v, &now)))
    }
}
