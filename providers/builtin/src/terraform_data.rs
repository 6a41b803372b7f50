//! `terraform_data` (Terraform's builtin `terraform.io/builtin/terraform` provider): stores
//! `input` and mirrors it to `output` after apply; `triggers_replace` forces replacement.

use crate::common::{get, null_string, string, with};
use crate::rng::go_uuid;
use async_trait::async_trait;
use autostack_provider_sdk::{
    same, ApplyError, ChangeCtx, PathStep, PlanCtx, PlanResponse, ResourceSchema, ResourceType,
};
use autostack_value::{Diagnostics, Type, Value};

/// The `terraform_data` resource type.
pub struct TerraformData;

fn attr_or_null(v: &Value, name: &str) -> Value {
    get(v, name).cloned().unwrap_or(Value::Null(Type::Dynamic))
}

/// What `output` is planned to be before apply: null stays null, anything else is unknown
/// (of the input's type) until apply copies it.
fn pending_output(input: &Value) -> Value {
    if input.is_null() {
        input.clone()
    } else {
        Value::Unknown(input.ty())
    }
}

/// Plans like Terraform's own provider: create and `triggers_replace` changes give a new ID;
/// an `input` change only recomputes `output`.
fn plan(prior: Option<&Value>, config: &Value) -> PlanResponse {
    if config.is_null() {
        return PlanResponse::new(config.clone());
    }
    let input = attr_or_null(config, "input");
    let triggers = attr_or_null(config, "triggers_replace");
    let fresh = |input: &Value, triggers: &Value| {
        Value::object_from([
            ("id", Value::Unknown(Type::String)),
            ("input", input.clone()),
            ("output", pending_output(input)),
            ("triggers_replace", triggers.clone()),
        ])
    };
    let Some(prior) = prior else {
        return PlanResponse::new(fresh(&input, &triggers));
    };
    if !same(&attr_or_null(prior, "triggers_replace"), &triggers) {
        let rr = vec![vec![PathStep::Attr("triggers_replace".into())]];
        return PlanResponse {
            requires_replace: rr,
            ..PlanResponse::new(fresh(&input, &triggers))
        };
    }
    let output = if same(&attr_or_null(prior, "input"), &input) {
        attr_or_null(prior, "output")
    } else {
        pending_output(&input)
    };
    let id = get(prior, "id")
        .cloned()
        .unwrap_or(Value::Unknown(Type::String));
    let planned = Value::object_from([
        ("id", id),
        ("input", input),
        ("output", output),
        ("triggers_replace", triggers),
    ]);
    PlanResponse::new(planned)
}

#[async_trait]
impl ResourceType<()> for TerraformData {
    fn name(&self) -> &'static str {
        "terraform_data"
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "id": computed(Type::String) => "A random UUID-formatted string set at create time.",
            "input": optional(Type::Dynamic) => "A value to store; copied to output after apply.",
            "output": computed(Type::Dynamic) => "The value of input after the last apply.",
            "triggers_replace": optional(Type::Dynamic) => "A value whose change forces replacement.",
        };
        ResourceSchema { version: 0, block }
    }

    fn plans_alone(&self) -> bool {
        true
    }

    async fn plan(&self, _client: &(), p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        Ok(plan(p.prior(), p.proposed()))
    }

    async fn create(&self, _client: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let id = go_uuid();
        let input = attr_or_null(planned, "input");
        Ok(with(planned, [("id", string(id)), ("output", input)]))
    }

    async fn update(&self, _client: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let id = get(planned, "id")
            .filter(|v| v.is_wholly_known())
            .or_else(|| get(prior, "id"))
            .cloned()
            .unwrap_or_else(null_string);
        let input = attr_or_null(planned, "input");
        Ok(with(planned, [("id", id), ("output", input)]))
    }

    fn state_only(&self) -> bool {
        true
    }

    async fn import(&self, _client: &(), id: &str) -> Result<Value, Diagnostics> {
        let null = Value::Null(Type::Dynamic);
        Ok(Value::object_from([
            ("id", string(id)),
            ("input", null.clone()),
            ("output", null.clone()),
            ("triggers_replace", null),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(input: Value, triggers: Value) -> Value {
        Value::object_from([
            ("input", input),
            ("triggers_replace", triggers),
            ("id", null_string()),
            ("output", Value::null()),
        ])
    }

    #[test]
    fn create_plans_unknown_id_and_output() {
        let p = plan(None, &cfg(string("a"), Value::null()));
        assert!(get(&p.planned, "id").unwrap().is_unknown());
        assert_eq!(
            p.planned.as_entries().unwrap()["output"],
            Value::Unknown(Type::String)
        );
        let p = plan(None, &cfg(Value::null(), Value::null()));
        assert!(p.planned.as_entries().unwrap()["output"].is_null());
    }

    #[test]
    fn input_change_updates_output_only() {
        let prior = Value::object_from([
            ("id", string("x")),
            ("input", string("a")),
            ("output", string("a")),
            ("triggers_replace", Value::null()),
        ]);
        let p = plan(Some(&prior), &cfg(string("b"), Value::null()));
        assert!(p.requires_replace.is_empty());
        assert_eq!(get(&p.planned, "id"), Some(&string("x")));
        assert!(get(&p.planned, "output").unwrap().is_unknown());
        let p = plan(Some(&prior), &cfg(string("a"), string("t")));
        assert_eq!(p.requires_replace.len(), 1);
        assert!(get(&p.planned, "id").unwrap().is_unknown());
    }

    #[test]
    fn unknown_input_keeps_output_unknown() {
        let p = plan(None, &cfg(Value::Unknown(Type::Number), Value::null()));
        assert_eq!(
            p.planned.as_entries().unwrap()["output"],
            Value::Unknown(Type::Number)
        );
    }
}
