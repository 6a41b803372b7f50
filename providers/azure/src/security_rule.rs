//! `azurerm_network_security_rule`: one rule of a network security group, as its own
//! resource. Changes to one group's rules run one at a time (azurerm locks the group too).

use crate::arm::ArmKind;
use crate::ids::IdShape;
use crate::network::{API, NSG, NSG_RULE};
use crate::prelude::*;
use crate::rules::{rule_attrs, rule_props, rule_state};

/// The `azurerm_network_security_rule` kind.
pub struct SecurityRule;

#[async_trait]
impl ArmKind for SecurityRule {
    fn shape(&self) -> IdShape {
        NSG_RULE
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn tagged(&self) -> bool {
        false
    }

    fn schema(&self) -> ResourceSchema {
        let block = Block::new().attr(
            "network_security_group_name",
            Attribute::required(Type::String)
                .force_new()
                .describe("The name of the Network Security Group the rule is in."),
        );
        let block = rule_attrs(crate::common::named(block, false));
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(vec![
            str_or_empty(planned, "resource_group_name").to_string(),
            str_or_empty(planned, "network_security_group_name").to_string(),
            str_or_empty(planned, "name").to_string(),
        ])
    }

    fn lock_key(&self, planned: &Value) -> Option<String> {
        let rg = str_or_empty(planned, "resource_group_name");
        Some(NSG.build(&["", rg, str_or_empty(planned, "network_security_group_name")]))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        json!({ "properties": rule_props(planned) })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let part = |i: usize| parts.get(i).map_or("", String::as_str);
        let p = item.get("properties").unwrap_or(&Json::Null);
        Obj::from(prior)
            .str("resource_group_name", part(1))
            .str("network_security_group_name", part(2))
            .str("name", part(3))
            .set_all(rule_state(p))
            .into_value()
    }
}
