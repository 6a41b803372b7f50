//! What apply checks about each finished operation, and how it words the errors: the applied
//! object against its plan (Terraform's "Provider produced inconsistent result after
//! apply"), the resource's postconditions, and the errors every operation may report.

use crate::addrs::ProviderConfig;
use crate::plan::walk::Walker;
use crate::plan::ResourceChange;
use crate::values::WalkScope;
use autostack_lang::{Diagnostic, Diagnostics, Value};

/// Terraform's error when an applied object breaks its plan, naming the first attribute.
pub(super) fn inconsistent_result(
    c: &ResourceChange,
    provider: &str,
    planned: &Value,
    applied: &Value,
) -> Option<Diagnostics> {
    let i = autostack_provider_sdk::inconsistency(planned, applied)?;
    let path = match autostack_provider_sdk::path_string(&i.path) {
        p if p.is_empty() => "Root object".to_string(),
        p if p.starts_with('[') => p,
        p => format!(".{p}"),
    };
    let redact = i.planned.is_sensitive_deep() || i.applied.is_sensitive_deep();
    let show = |v: &Value| match redact {
        true => "(sensitive value)".to_string(),
        false => autostack_lang::value::format_value(v, 0),
    };
    let detail = format!(
        "When applying changes to {}, provider {:?} produced an unexpected new value: {path}: was {}, but now {}.\n\nThis is a bug in the provider, which should be reported in the provider's own issue tracker.",
        c.addr,
        provider,
        show(&i.planned),
        show(&i.applied),
    );
    Some(
        Diagnostic::error(
            "Provider produced inconsistent result after apply",
            detail,
            None,
        )
        .into(),
    )
}

/// The error of an operation whose provider configuration is missing.
pub(super) fn not_configured(addr: &ProviderConfig) -> Diagnostics {
    Diagnostic::error("Provider configuration not present", format!("The provider configuration {addr:?} is not available, so its resources cannot be applied."), None).into()
}

/// Diagnostics that name the instance they are about.
pub(super) fn with_addr(d: Diagnostics, c: &ResourceChange) -> Diagnostics {
    d.into_iter()
        .map(|mut x| {
            x.detail = if x.detail.is_empty() {
                format!("with {}", c.addr)
            } else {
                format!("{}\n\nwith {}", x.detail, c.addr)
            };
            x
        })
        .fold(Diagnostics::new(), |mut acc, x| {
            acc.push(x);
            acc
        })
}

/// Evaluates a resource's postconditions against its new object (`self`).
pub(super) fn postconditions(
    w: &Walker<'_>,
    c: &ResourceChange,
    value: &Value,
) -> autostack_lang::Diagnostics {
    let path = c.addr.resource.module.path();
    let Some(r) = w
        .ctx
        .module(&path)
        .and_then(|m| m.module.resources.get(&c.addr.resource.local()))
    else {
        return autostack_lang::Diagnostics::new();
    };
    if r.lifecycle.postconditions.is_empty() {
        return autostack_lang::Diagnostics::new();
    }
    let scope = WalkScope {
        key: c.addr.key.clone(),
        self_value: Some(value.clone()),
        ..WalkScope::module(&w.values, &c.addr.resource.module)
    };
    let mut ev = w.evaluator(&scope);
    crate::conditions::check_rules(
        &mut ev,
        &r.lifecycle.postconditions,
        "Resource postcondition failed",
        autostack_lang::Severity::Error,
    )
}
