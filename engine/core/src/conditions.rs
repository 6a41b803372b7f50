//! Custom conditions: `precondition` / `postcondition` blocks of resources and outputs, and
//! `check` assertions.

use autostack_lang::config::CheckRule;
use autostack_lang::eval::{condition_message, Evaluator};
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
        // A message that would reveal a sensitive value is withheld (with a warning saying
        // why), as Terraform does.
        let message = condition_message(ev, rule, Severity::Warning);
        if let Some(w) = message.withheld {
            diags.push(w);
        }
        let mut d = Diagnostic::error(summary, message.text, Some(rule.condition.range.clone()));
        d.severity = severity;
        diags.push(d);
    }
    diags
}
