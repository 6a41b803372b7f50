//! `assume_role` and `assume_role_with_web_identity` blocks of the provider, read into the
//! role chain of `autostack-aws-auth` (which assumes them: a web identity first, then each
//! `assume_role` in order with the credentials of the step before).

use crate::attrs::{get, get_str, get_strings, string_map};
use autostack_aws_auth::roles::{check_role_text, RoleText};
pub use autostack_aws_auth::roles::{go_duration, RoleChain, RoleStep, WebToken};
use autostack_value::{Diagnostic, Diagnostics, Value};

/// Reads the role steps of a provider block: the web identity first, then `assume_role`
/// blocks in order. Blocks without a role ARN are skipped, as hashicorp/aws does.
pub fn read_steps(config: &Value) -> Result<Vec<RoleStep>, Diagnostics> {
    let blocks = |name: &str| -> Vec<Value> {
        get(config, name)
            .and_then(Value::as_seq)
            .map(<[Value]>::to_vec)
            .unwrap_or_default()
    };
    let mut steps = Vec::new();
    for (i, b) in blocks("assume_role_with_web_identity").iter().enumerate() {
        let mut step = read_step(b, &format!("assume_role_with_web_identity.{i}"))?;
        step.web_identity = get_str(b, "web_identity_token")
            .map(|t| WebToken::Inline(t.to_string()))
            .or_else(|| get_str(b, "web_identity_token_file").map(|f| WebToken::File(f.into())));
        if !step.role_arn.is_empty() {
            steps.push(step);
        }
    }
    for (i, b) in blocks("assume_role").iter().enumerate() {
        let step = read_step(b, &format!("assume_role.{i}"))?;
        if !step.role_arn.is_empty() {
            steps.push(step);
        }
    }
    Ok(steps)
}

/// One block's fields, validated as hashicorp/aws validates them.
fn read_step(b: &Value, at: &str) -> Result<RoleStep, Diagnostics> {
    let s = |n: &str| get_str(b, n).map(str::to_string);
    let text = RoleText {
        external_id: get_str(b, "external_id"),
        session_name: get_str(b, "session_name"),
        source_identity: get_str(b, "source_identity"),
        duration: get_str(b, "duration"),
    };
    let duration = check_role_text(&text, at)
        .map_err(|m| Diagnostics::from(Diagnostic::error(m, String::new(), None)))?;
    Ok(RoleStep {
        role_arn: s("role_arn").unwrap_or_default(),
        session_name: s("session_name"),
        duration,
        external_id: s("external_id"),
        policy: s("policy"),
        policy_arns: get_strings(b, "policy_arns"),
        tags: get(b, "tags").map(string_map).unwrap_or_default(),
        transitive_tag_keys: get_strings(b, "transitive_tag_keys"),
        source_identity: s("source_identity"),
        web_identity: None,
    })
}
