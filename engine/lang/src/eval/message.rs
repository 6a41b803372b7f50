//! The message of a failed custom condition (`validation`, `precondition`, `postcondition`,
//! `check` assertion): its `error_message` evaluated, unless that reveals a sensitive value.

use super::Evaluator;
use crate::config::CheckRule;
use crate::{Diagnostic, Severity};

/// What a failed condition's diagnostic says.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionMessage {
    /// The text for the diagnostic's detail.
    pub text: String,
    /// Why the message is not shown (its expression refers to sensitive values), at the
    /// `error_message` expression; `None` when the message is shown.
    pub withheld: Option<Diagnostic>,
}

/// Evaluates `rule`'s error message with `ev`. A message derived from a sensitive value is
/// withheld, as Terraform withholds it: the text then says so and `withheld` explains why
/// (a diagnostic of `severity`: an error for variable validations, a warning elsewhere).
pub fn condition_message(
    ev: &mut Evaluator<'_>,
    rule: &CheckRule,
    severity: Severity,
) -> ConditionMessage {
    let value = match ev.eval(&rule.error_message) {
        Ok(v) => v,
        Err(_) => {
            return ConditionMessage {
                text: "The error message could not be evaluated.".into(),
                withheld: None,
            }
        }
    };
    if value.is_sensitive_deep() {
        let mut d = Diagnostic::error(
            "Error message refers to sensitive values",
            "The error expression used to explain this condition refers to sensitive values, so AutoStack will not display the resulting message.\n\nYou can correct this by removing references to sensitive values, or by carefully using the nonsensitive() function if the expression will not reveal the sensitive data.",
            Some(rule.error_message.range.clone()),
        );
        d.severity = severity;
        return ConditionMessage {
            text: "The error message included a sensitive value, so it will not be displayed."
                .into(),
            withheld: Some(d),
        };
    }
    ConditionMessage {
        text: value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| "The error message could not be evaluated.".into()),
        withheld: None,
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Sources;
    use crate::functions::Functions;
    use crate::value::Value;
    use std::collections::HashMap;

    /// Runs the validations of `text`'s variables with `pw` as `var.pw`.
    fn validate(text: &str, pw: Value) -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        let (m, d) = crate::config::load_module(dir.path(), &Sources::new());
        assert!(d.is_empty(), "{d:?}");
        let values = HashMap::from([("pw".to_string(), pw)]);
        let d = crate::vars::run_validations(&m, &values, &Functions::standard());
        d.into_iter().map(|x| (x.summary, x.detail)).collect()
    }

    const RULE: &str = "variable \"pw\" {\n  type = string\n  sensitive = SENS\n  validation {\n    condition     = length(var.pw) > 100\n    error_message = \"bad password ${var.pw}\"\n  }\n}\n";

    #[test]
    fn a_message_revealing_a_sensitive_value_is_withheld() {
        let pw = Value::string("hunter2-secret").sensitive();
        let d = validate(&RULE.replace("SENS", "true"), pw);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d
            .iter()
            .all(|(s, t)| !s.contains("hunter2") && !t.contains("hunter2")));
        assert!(d[0]
            .1
            .starts_with("The error message included a sensitive value"));
        assert_eq!(d[1].0, "Error message refers to sensitive values");
    }

    #[test]
    fn a_plain_message_is_shown() {
        let d = validate(&RULE.replace("SENS", "false"), Value::string("short"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].1.starts_with("bad password short\n"), "{d:?}");
    }
}
