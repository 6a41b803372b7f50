//! Several portable firewalls on one Azure instance. AWS security groups add up: an instance
//! in two groups takes traffic either allows. An Azure network interface takes one network
//! security group, and the two places a group can apply (subnet and interface) both have to
//! allow a packet, so stacking groups intersects their rules instead. Application security
//! groups would let one shared group per network carry every firewall's rules, but firewalls
//! are planned and applied independently, so their rules' priorities in that shared group
//! could not be allocated without collisions. So an instance with more than one firewall gets
//! a network security group of its own holding the union: every firewall's rules (read from
//! its group) in the order of the firewalls' IDs, renamed `<firewall>-<rule>` and numbered
//! from priority 100 in that order, which no other object writes to. The instance records a
//! digest of that union (`firewall_rules_sha256`): a plan that changes one of its firewalls'
//! rules (noted on the client by the firewall's own plan), or finds the union out of date,
//! plans the instance to change with it, and the update rewrites its group.

use crate::network::API;
use crate::portable::{attr, obj, s, tags};
use crate::prelude::*;
use crate::rules::rule_state;
use crate::security_group::inline_rule;
use autostack_provider_portable::Members;
use autostack_provider_sdk::attrs::error;
use sha2::{Digest, Sha256};

/// The attribute recording the digest of the union.
pub const DIGEST: &str = "firewall_rules_sha256";

/// The role of the instance's own group in its members.
pub const UNION_ROLE: &str = "firewalls";

/// The first priority of the union; each next rule's is one more.
const FIRST_PRIORITY: i64 = 100;

/// The last priority ARM accepts.
const LAST_PRIORITY: i64 = 4096;

/// The IDs of the instance's firewalls (their groups), deduplicated, in ID order.
pub fn firewall_ids(p: &Value) -> Vec<String> {
    let mut ids = get_strings(p, "firewall_ids");
    ids.sort_by_key(|id| id.to_ascii_lowercase());
    ids.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    ids
}

/// True when the instance unions several firewalls into a group of its own.
pub fn unions(p: &Value) -> bool {
    firewall_ids(p).len() > 1
}

/// The union's rules as `azurerm_network_security_group` `security_rule` values, read from
/// the firewalls' groups.
pub async fn union_rules(c: &AzureClient, p: &Value) -> Result<Vec<Value>, Diagnostics> {
    let mut out = Vec::new();
    for id in firewall_ids(p) {
        let got = (c.get(&id, API).await)
            .map_err(|e| error("Cannot read a firewall", format!("{id}: {e}")))?;
        let Some(nsg) = got else {
            return Err(error(
                "Firewall not found",
                format!("firewall_ids names {id:?}, which is no network security group."),
            ));
        };
        let firewall = js(&nsg, "/name").unwrap_or_default().to_string();
        let mut rules: Vec<&Json> = jarray(&nsg, "/properties/securityRules").iter().collect();
        rules.sort_by_key(|r| r.pointer("/properties/priority").and_then(Json::as_i64));
        for r in rules {
            let priority = FIRST_PRIORITY + out.len() as i64;
            if priority > LAST_PRIORITY {
                return Err(error(
                    "Too many firewall rules",
                    format!("The instance's firewalls have more rules than one Azure network security group holds at priorities {FIRST_PRIORITY} to {LAST_PRIORITY}."),
                ));
            }
            let name = format!("{firewall}-{}", js(r, "/name").unwrap_or_default());
            let props = r.get("properties").unwrap_or(&Json::Null);
            let rule = Obj::from(&Value::object_from([("name", s(&name))]))
                .set_all(rule_state(props))
                .set("priority", Value::int(priority))
                .into_value();
            out.push(rule);
        }
    }
    Ok(out)
}

/// The digest of a union's rules: SHA-256 of their JSON, in priority order, without the
/// attributes they leave unset (null, or the empty values state settles them to).
pub fn digest(rules: &[Value]) -> String {
    let mut docs: Vec<(i64, Json)> = (rules.iter())
        .map(|r| {
            let mut doc = autostack_value::json::to_json(r);
            if let Some(fields) = doc.as_object_mut() {
                fields.retain(|_, v| !(v.is_null() || v == "" || v == &json!([])));
            }
            (get_int(r, "priority").unwrap_or(0), doc)
        })
        .collect();
    docs.sort_by_key(|(p, _)| *p);
    let text = Json::Array(docs.into_iter().map(|(_, d)| d).collect()).to_string();
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The digest of the union the instance's group holds now (null when it has none).
pub fn recorded(done: &Members) -> Value {
    match done.get(UNION_ROLE) {
        Some(m) => {
            let rules: Vec<Value> = match get(&m.state, "security_rule") {
                Some(v) => v.as_seq().map(<[Value]>::to_vec).unwrap_or_default(),
                None => Vec::new(),
            };
            s(&digest(&rules))
        }
        None => Value::Null(Type::String),
    }
}

/// The planned digest: null without a union; unknown when firewalls are still unknown, when
/// this plan changes one of them, or when the union read now differs from the prior's; else
/// the prior's.
pub async fn plan_digest(
    c: &AzureClient,
    planned: &Value,
    prior: Option<&Value>,
) -> Result<Value, Diagnostics> {
    let ids = get(planned, "firewall_ids");
    if !ids.is_some_and(Value::is_wholly_known) {
        return Ok(Value::Unknown(Type::String));
    }
    if !unions(planned) {
        return Ok(Value::Null(Type::String));
    }
    let recorded = prior.and_then(|p| get_str(p, DIGEST));
    let Some(recorded) = recorded else {
        return Ok(Value::Unknown(Type::String));
    };
    if firewall_ids(planned)
        .iter()
        .any(|id| c.firewall_changes(id))
    {
        return Ok(Value::Unknown(Type::String));
    }
    let now = digest(&union_rules(c, planned).await?);
    Ok(match now == recorded {
        true => s(recorded),
        false => Value::Unknown(Type::String),
    })
}

/// The configuration of the instance's own group: the union of its firewalls' rules.
pub async fn union_config(c: &AzureClient, p: &Value, group: Value) -> Result<Value, Diagnostics> {
    let rules = union_rules(c, p).await?;
    let name = format!("{}-firewalls", str_or_empty(p, "name"));
    Ok(obj([
        ("name", s(&name)),
        ("resource_group_name", group),
        ("location", attr(p, "region")),
        ("security_rule", make_set(inline_rule().value_type(), rules)),
        ("tags", tags(p)),
    ]))
}
