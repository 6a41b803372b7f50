//! A lifecycle test any provider crate can run against its resource types: create, read
//! back, no-op plan, in-place update, replacement, import and delete, asserting the
//! contract at every step.

use crate::plan::differs;
use crate::provider::{path_string, read_one, ApplyError, Provider};
use crate::request::{
    ApplyRequest, ImportRequest, Instance, PlanRequest, PlanResponse, ReadDataRequest, ReadRequest,
};
use autostack_value::{Diagnostics, Value};

/// The configurations one lifecycle run walks through.
pub struct Lifecycle<'a> {
    /// Resource type under test.
    pub type_name: &'a str,
    /// Configuration to create with.
    pub create: Value,
    /// A configuration that must update in place (`None` to skip).
    pub update: Option<Value>,
    /// A configuration that must force replacement (`None` to skip).
    pub replace: Option<Value>,
    /// Attribute holding the ID used for import (`None` to skip import).
    pub import_id_attr: Option<&'a str>,
    /// The object exists only in state (random values, timestamps): after delete there is
    /// nothing remote whose absence `read` could report, so that last check is skipped.
    pub state_only: bool,
}

impl<'a> Lifecycle<'a> {
    /// The lifecycle of `type_name` created from `create`: no update or replace step, import
    /// by `id`, a remote object.
    pub fn new(type_name: &'a str, create: Value) -> Lifecycle<'a> {
        Lifecycle {
            type_name,
            create,
            update: None,
            replace: None,
            import_id_attr: Some("id"),
            state_only: false,
        }
    }

    /// With a configuration that must update in place.
    pub fn update(self, config: Value) -> Lifecycle<'a> {
        Lifecycle {
            update: Some(config),
            ..self
        }
    }

    /// With a configuration that must force replacement.
    pub fn replace(self, config: Value) -> Lifecycle<'a> {
        Lifecycle {
            replace: Some(config),
            ..self
        }
    }

    /// Imported by the attribute `attr` (`None`: the type cannot be imported).
    pub fn import_id(self, attr: Option<&'a str>) -> Lifecycle<'a> {
        Lifecycle {
            import_id_attr: attr,
            ..self
        }
    }

    /// For a type whose objects exist only in state.
    pub fn state_only(self) -> Lifecycle<'a> {
        Lifecycle {
            state_only: true,
            ..self
        }
    }
}

/// A step of the lifecycle that did not behave.
#[derive(Debug)]
pub struct LifecycleFailure {
    /// Which step.
    pub step: &'static str,
    /// What happened.
    pub message: String,
}

fn fail(step: &'static str, message: impl Into<String>) -> LifecycleFailure {
    LifecycleFailure {
        step,
        message: message.into(),
    }
}

fn diag_fail(step: &'static str, d: Diagnostics) -> LifecycleFailure {
    fail(step, d.to_string())
}

/// Terraform's "provider produced an inconsistent result" rule ([`crate::inconsistency`]).
fn consistent(
    step: &'static str,
    planned: &Value,
    applied: &Value,
) -> Result<(), LifecycleFailure> {
    match crate::inconsistency(planned, applied) {
        None => Ok(()),
        Some(i) => Err(fail(
            step,
            format!(
                "{}: applied value differs from planned value:\nplanned {:?}\napplied {:?}",
                path_string(&i.path),
                i.planned,
                i.applied
            ),
        )),
    }
}

/// Plans `config` over `prior` (tests' shorthand for [`Provider::plan`]).
pub async fn plan(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    prior: Option<&Value>,
    config: &Value,
) -> Result<PlanResponse, Diagnostics> {
    p.plan(PlanRequest::new(type_name, prior, config)).await
}

/// Applies a change; the new state (tests' shorthand for [`Provider::apply`]).
pub async fn apply(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    prior: Option<&Value>,
    planned: Option<&Value>,
) -> Result<Option<Value>, ApplyError> {
    let req = ApplyRequest::new(type_name, prior, planned);
    p.apply(req).await.map(|r| r.new_state)
}

/// Reads one object's current state (tests' shorthand for [`Provider::read_many`]).
pub async fn read(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    current: &Value,
) -> Result<Option<Value>, Diagnostics> {
    let got = read_one(p, type_name, Instance::new(current.clone())).await?;
    Ok(got.map(|o| o.state))
}

/// Reads many objects' current state (tests' shorthand for [`Provider::read_many`]).
pub async fn read_many(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    current: &[Value],
) -> Vec<Result<Option<Value>, Diagnostics>> {
    let objects = current.iter().cloned().map(Instance::new).collect();
    let read = p.read_many(ReadRequest::new(type_name, objects)).await;
    read.into_iter()
        .map(|r| r.map(|o| o.map(|o| o.state)))
        .collect()
}

/// Imports an object by ID (tests' shorthand for [`Provider::import`]).
pub async fn import(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    id: &str,
) -> Result<Value, Diagnostics> {
    let got = p.import(ImportRequest::new(type_name, id)).await?;
    Ok(got.state)
}

/// Reads a data source (tests' shorthand for [`Provider::read_data`]).
pub async fn read_data(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    config: &Value,
) -> Result<Value, Diagnostics> {
    p.read_data(ReadDataRequest::new(type_name, config)).await
}

/// Plans `config` over `prior` at `step`.
async fn plan_step(
    p: &dyn Provider,
    l: &Lifecycle<'_>,
    step: &'static str,
    prior: Option<&Value>,
    config: &Value,
) -> Result<PlanResponse, LifecycleFailure> {
    plan(p, l.type_name, prior, config)
        .await
        .map_err(|d| diag_fail(step, d))
}

/// Applies a change at `step`; the new state (`None` after a delete).
async fn apply_step(
    p: &dyn Provider,
    l: &Lifecycle<'_>,
    step: &'static str,
    prior: Option<&Value>,
    planned: Option<&Value>,
) -> Result<Option<Value>, LifecycleFailure> {
    apply(p, l.type_name, prior, planned)
        .await
        .map_err(|e| diag_fail(step, e.diags))
}

/// Runs the lifecycle; returns the final state before deletion on success.
pub async fn run_lifecycle(p: &dyn Provider, l: &Lifecycle<'_>) -> Result<(), LifecycleFailure> {
    let plan = plan_step(p, l, "plan create", None, &l.create).await?;
    let mut state = apply_step(p, l, "create", None, Some(&plan.planned))
        .await?
        .ok_or_else(|| fail("create", "apply returned no state"))?;
    if !state.is_wholly_known() {
        return Err(fail(
            "create",
            "state after create still has unknown values",
        ));
    }
    consistent("create", &plan.planned, &state)?;
    let back = read(p, l.type_name, &state)
        .await
        .map_err(|d| diag_fail("read", d))?
        .ok_or_else(|| fail("read", "object not found right after create"))?;
    if differs(&state, &back) {
        return Err(fail(
            "read",
            format!("read-back state differs from created state:\n{state:?}\n{back:?}"),
        ));
    }
    let noop = plan_step(p, l, "plan no-op", Some(&state), &l.create).await?;
    if differs(&state, &noop.planned) || !noop.requires_replace.is_empty() {
        return Err(fail(
            "plan no-op",
            "unchanged configuration planned a change",
        ));
    }
    if let Some(cfg) = &l.update {
        let up = plan_step(p, l, "plan update", Some(&state), cfg).await?;
        if !up.requires_replace.is_empty() {
            let paths: Vec<String> = up.requires_replace.iter().map(|p| path_string(p)).collect();
            return Err(fail(
                "plan update",
                format!("update forced replacement via {}", paths.join(", ")),
            ));
        }
        state = apply_step(p, l, "update", Some(&state), Some(&up.planned))
            .await?
            .ok_or_else(|| fail("update", "no state"))?;
        consistent("update", &up.planned, &state)?;
        let again = plan_step(p, l, "plan after update", Some(&state), cfg).await?;
        if differs(&state, &again.planned) || !again.requires_replace.is_empty() {
            return Err(fail(
                "plan after update",
                format!(
                    "the updated object does not match its configuration:\n{state:?}\n{:?}",
                    again.planned
                ),
            ));
        }
    }
    if let Some(cfg) = &l.replace {
        let rp = plan_step(p, l, "plan replace", Some(&state), cfg).await?;
        if rp.requires_replace.is_empty() {
            return Err(fail("plan replace", "expected a forced replacement"));
        }
        apply_step(p, l, "replace: delete", Some(&state), None).await?;
        let fresh = plan_step(p, l, "replace: plan create", None, cfg).await?;
        state = apply_step(p, l, "replace: create", None, Some(&fresh.planned))
            .await?
            .ok_or_else(|| fail("replace", "no state"))?;
    }
    if let Some(attr) = l.import_id_attr {
        let id = crate::attr_str(&state, attr).to_string();
        let imported = import(p, l.type_name, &id)
            .await
            .map_err(|d| diag_fail("import", d))?;
        if crate::attr_str(&imported, attr) != id {
            return Err(fail(
                "import",
                format!(
                    "imported object has {attr} {:?}, want {id:?}",
                    crate::attr_str(&imported, attr)
                ),
            ));
        }
    }
    apply_step(p, l, "delete", Some(&state), None).await?;
    if l.state_only {
        return Ok(());
    }
    match read(p, l.type_name, &state).await {
        Ok(None) => Ok(()),
        Ok(Some(_)) => Err(fail("delete", "object still exists after delete")),
        Err(d) => Err(diag_fail("read after delete", d)),
    }
}
