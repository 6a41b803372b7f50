//! `azurerm_network_security_group`: a network security group with inline `security_rule`
//! blocks (optional and computed: rules made by `azurerm_network_security_rule` show there
//! too; `security_rule = []` removes them all).

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::ids::IdShape;
use crate::network::{API, NSG};
use crate::prelude::*;
use crate::rules::{rule_attrs, rule_props, rule_state};

/// The `azurerm_network_security_group` kind.
pub struct SecurityGroup;

/// The block type of one inline `security_rule`.
pub fn inline_rule() -> Block {
    rule_attrs(Block::new().attr(
        "name",
        Attribute::required(Type::String).describe("The name of the rule."),
    ))
}

#[async_trait]
impl ArmKind for SecurityGroup {
    fn shape(&self) -> IdShape {
        NSG
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let block = named(Block::new(), true)
            .block("security_rule", Nesting::Set, inline_rule())
            .tune("security_rule", |nb| nb.computed = true);
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let rules: Vec<Json> = get_blocks(planned, "security_rule")
            .iter()
            .map(|r| json!({ "name": str_or_empty(r, "name"), "properties": rule_props(r) }))
            .collect();
        json!({
            "location": str_or_empty(planned, "location"),
            "properties": { "securityRules": rules },
        })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let rules = jarray(item, "/properties/securityRules")
            .iter()
            .map(|r| {
                let p = r.get("properties").unwrap_or(&Json::Null);
                Obj::from(&Value::object_from([("name", jstr(r, "/name"))]))
                    .set_all(rule_state(p))
                    .into_value()
            })
            .collect();
        named_state(Obj::from(prior), item, parts)
            .set("security_rule", make_set(inline_rule().value_type(), rules))
            .into_value()
    }
}
