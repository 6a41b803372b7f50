//! What apply checks about each finished operation, and how it words the errors: the applied
//! object against its plan (Terraform's "Provider produced inconsistent result after
//! apply"), the resource's postconditions, and the errors every operation may report.

use crate::addrs::ProviderConfig;
use crate::context::Context;
use crate::plan::ResourceChange;
use autostack_lang::{Diagnostic, Diagnostics, Value};

/// Terraform's error when an applied object breaks its plan, naming the first attribute.
pub(super) fn inconsistent_result(
    c: &ResourceChange,
    provider: &str,
    planned: &Value,
    applied: &Value,
) -> Option<Diagnostics> {
    let broken = autostack_provider_sdk::inconsistency(planned, applied)?;
    let detail = format!(
        "When applying changes to {}, provider {provider:?} produced an unexpected new value: {}.\n\nThis is a bug in the provider, which should be reported in the provider's own issue tracker.",
        c.addr,
        describe(&broken),
    );
    let summary = "Provider produced inconsistent result after apply";
    Some(Diagnostic::error(summary, detail, None).into())
}

/// Terraform's error when the plan made at apply time, with the values learned so far,
/// breaks the saved plan's promises (a known planned value that changed).
pub(super) fn inconsistent_final_plan(
    c: &ResourceChange,
    provider: &str,
    final_plan: &Value,
) -> Option<Diagnostics> {
    let promised = c.after.as_ref()?;
    let broken = autostack_provider_sdk::inconsistency(promised, final_plan)?;
    let detail = format!(
        "When expanding the plan for {} to include new values learned so far during apply, provider {provider:?} produced an invalid new value for {}.\n\nThis is a bug in the provider, which should be reported in the provider's own issue tracker.",
        c.addr,
        describe(&broken),
    );
    let summary = "Provider produced inconsistent final plan";
    Some(Diagnostic::error(summary, detail, None).into())
}

/// `.attr: was X, but now Y`, with sensitive values redacted.
fn describe(i: &autostack_provider_sdk::Inconsistency) -> String {
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
    format!(
        "{path}: was {}, but now {}",
        show(&i.planned),
        show(&i.applied)
    )
}

/// The error of a create or update after which the provider returned no object.
pub(super) fn no_object(c: &ResourceChange) -> Diagnostics {
    let detail = format!(
        "The provider produced no new state for {} after a successful apply.",
        c.addr
    );
    Diagnostic::error("Provider returned no object", detail, None).into()
}

/// The error of an operation whose provider configuration is missing.
pub(super) fn not_configured(addr: &ProviderConfig) -> Diagnostics {
    Diagnostic::error("Provider configuration not present", format!("The provider configuration {addr:?} is not available, so its resources cannot be applied."), None).into()
}

/// Diagnostics that name the instance they are about.
pub(super) fn with_addr(ctx: &Context, d: Diagnostics, c: &ResourceChange) -> Diagnostics {
    d.into_iter()
        .map(|x| ctx.about_instance(x, &c.addr))
        .fold(Diagnostics::new(), |mut acc, x| {
            acc.push(x);
            acc
        })
}
