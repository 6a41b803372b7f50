//! Custom conditions: `precondition` / `postcondition` blocks of resources and outputs, and
//! `check` assertions.

use autostack_lang::config::CheckRule;
use autostack_lang::eval::Evaluator;
use autostack_lang::value::convert;
use autostack_lang::{Diagnostic, Diagnostics, Severity, Type};

/// Evaluates rules with `ev`; each false condition becomes a diagnostic with `summary` and the
/// rule's error message (an error, or a warning for `check` blocks). Unknown conditions are
/// skipped: they are checked again when their values are known.
pub fn check_rules(
    ev: &mut Evaluator<'_>,
    rules: &[CheckRule],
    summary: &str,
    severity: Severity,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for rule in rules {
        let cond = match ev.eval(&rule.condition) {
            Ok(v) => v,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        let (cond, _) = cond.unmark_deep();
        if cond.is_unknown() {
            continue;
        }
        let ok = match convert(&cond, &Type::Bool) {
            Ok(b) if !b.is_null() => b.as_bool() == Some(true),
            _ => {
                diags.push(Diagnostic::error(
                    "Invalid condition result",
                    "The condition expression must return either true or false.",
                    Some(rule.condition.range.clone()),
                ));
                continue;
            }
        };
        if ok {
            continue;
        }
        let message = ev
            .eval(&rule.error_message)
            .ok()
            .and_then(|m| m.as_str().map(str::to_string))
            .unwrap_or_else(|| "The error message could not be evaluated.".into());
        let mut d = Diagnostic::error(summary, message, Some(rule.condition.range.clone()));
        d.severity = severity;
        diags.push(d);
    }
    diags
}
