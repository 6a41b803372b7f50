//! A lifecycle test any provider crate can run against its resource types: create, read
//! back, no-op plan, in-place update, replacement, import and delete, asserting the
//! contract at every step.

use crate::plan::differs;
use crate::provider::{path_string, Provider};
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

/// Runs the lifecycle; returns the final state before deletion on success.
pub async fn run_lifecycle(p: &dyn Provider, l: &Lifecycle<'_>) -> Result<(), LifecycleFailure> {
    let plan = p
        .plan(l.type_name, None, &l.create)
        .await
        .map_err(|d| diag_fail("plan create", d))?;
    let mut state = p
        .apply(l.type_name, None, Some(&plan.planned))
        .await
        .map_err(|e| diag_fail("create", e.diags))?
        .ok_or_else(|| fail("create", "apply returned no state"))?;
    if !state.is_wholly_known() {
        return Err(fail(
            "create",
            "state after create still has unknown values",
        ));
    }
    consistent("create", &plan.planned, &state)?;
    let read = p
        .read(l.type_name, &state)
        .await
        .map_err(|d| diag_fail("read", d))?
        .ok_or_else(|| fail("read", "object not found right after create"))?;
    if differs(&state, &read) {
        return Err(fail(
            "read",
            format!("read-back state differs from created state:\n{state:?}\n{read:?}"),
        ));
    }
    let noop = p
        .plan(l.type_name, Some(&state), &l.create)
        .await
        .map_err(|d| diag_fail("plan no-op", d))?;
    if differs(&state, &noop.planned) || !noop.requires_replace.is_empty() {
        return Err(fail(
            "plan no-op",
            "unchanged configuration planned a change",
        ));
    }
    if let Some(cfg) = &l.update {
        let up = p
            .plan(l.type_name, Some(&state), cfg)
            .await
            .map_err(|d| diag_fail("plan update", d))?;
        if !up.requires_replace.is_empty() {
            let paths: Vec<String> = up.requires_replace.iter().map(|p| path_string(p)).collect();
            return Err(fail(
                "plan update",
                format!("update forced replacement via {}", paths.join(", ")),
            ));
        }
        state = p
            .apply(l.type_name, Some(&state), Some(&up.planned))
            .await
            .map_err(|e| diag_fail("update", e.diags))?
            .ok_or_else(|| fail("update", "no state"))?;
        consistent("update", &up.planned, &state)?;
        let again = p
            .plan(l.type_name, Some(&state), cfg)
            .await
            .map_err(|d| diag_fail("plan after update", d))?;
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
        let rp = p
            .plan(l.type_name, Some(&state), cfg)
            .await
            .map_err(|d| diag_fail("plan replace", d))?;
        if rp.requires_replace.is_empty() {
            return Err(fail("plan replace", "expected a forced replacement"));
        }
        p.apply(l.type_name, Some(&state), None)
            .await
            .map_err(|e| diag_fail("replace: delete", e.diags))?;
        let fresh = p
            .plan(l.type_name, None, cfg)
            .await
            .map_err(|d| diag_fail("replace: plan create", d))?;
        state = p
            .apply(l.type_name, None, Some(&fresh.planned))
            .await
            .map_err(|e| diag_fail("replace: create", e.diags))?
            .ok_or_else(|| fail("replace", "no state"))?;
    }
    if let Some(attr) = l.import_id_attr {
        let id = crate::attr_str(&state, attr).to_string();
        let imported = p
            .import(l.type_name, &id)
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
    p.apply(l.type_name, Some(&state), None)
        .await
        .map_err(|e| diag_fail("delete", e.diags))?;
    if l.state_only {
        return Ok(());
    }
    match p.read(l.type_name, &state).await {
        Ok(None) => Ok(()),
        Ok(Some(_)) => Err(fail("delete", "object still exists after delete")),
        Err(d) => Err(diag_fail("read after delete", d)),
    }
}
