//! `google_compute_firewall`: a VPC firewall rule.

use crate::prelude::*;

/// The `google_compute_firewall` resource type.
pub struct ComputeFirewall;

static SPEC: Spec = Spec {
    name: "google_compute_firewall",
    what: "Firewall",
    scope: Scope::Global,
    collection: "firewalls",
    labels: false,
    aggregated: false,
    version: 1,
};

fn rule_block() -> Block {
    attributes! {
        "protocol": required(Type::String) => "tcp, udp, icmp, esp, ah, sctp, ipip, all, or a protocol number.",
        "ports": optional(Type::list(Type::String)) => "Ports or port ranges (\"80\", \"8000-8080\").",
    }
}

fn log_block() -> Block {
    attributes! {
        "metadata": required(Type::String) => "EXCLUDE_ALL_METADATA or INCLUDE_ALL_METADATA.",
    }
}

fn rules_json(p: &Value, name: &str) -> Json {
    Json::Array(
        get_blocks(p, name)
            .iter()
            .map(|r| {
                body_of(vec![
                    ("IPProtocol", opt(r, "protocol")),
                    ("ports", str_array(r, "ports")),
                ])
            })
            .collect(),
    )
}

fn rules_value(j: &Json) -> Value {
    let items = j
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            Value::object_from([
                ("protocol", string(r, "IPProtocol")),
                ("ports", string_list(strings(&r["ports"]))),
            ])
        })
        .collect();
    block_set(&rule_block(), items)
}

#[async_trait]
impl ComputeKind for ComputeFirewall {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn references(&self) -> &'static [&'static str] {
        &["network"]
    }

    fn schema(&self) -> Block {
        let set = || Type::set(Type::String);
        attributes! {
            "name": required(Type::String).force_new() => "Name of the rule.",
            "network": required(Type::String) => "The network the rule applies to.",
            "description": optional(Type::String) => "An optional description.",
            "destination_ranges": optional_computed(set()) => "Destination ranges (EGRESS).",
            "direction": optional_computed(Type::String).force_new() => "INGRESS or EGRESS.",
            "disabled": optional(Type::Bool) => "The rule is not enforced.",
            "priority": optional(Type::Number).default(1000) => "0 (highest) to 65535.",
            "source_ranges": optional(set()) => "Source ranges (INGRESS).",
            "source_service_accounts": optional(set()) => "Source service accounts.",
            "source_tags": optional(set()) => "Source network tags.",
            "target_service_accounts": optional(set()) => "Target service accounts.",
            "target_tags": optional(set()) => "Target network tags.",
            "enable_logging": optional_computed(Type::Bool) => "Deprecated: use log_config.",
            "creation_timestamp": computed(Type::String) => "Creation time (RFC 3339).",
        }
        .block("allow", Nesting::Set, rule_block())
        .block("deny", Nesting::Set, rule_block())
        .block("log_config", Nesting::List, log_block())
        .tune("log_config", |b| b.max_items = 1)
        .block("params", Nesting::List, crate::common::params_block())
        .tune("params", |b| {
            b.max_items = 1;
            b.force_new = true;
        })
    }

    fn body(&self, _: &GcpClient, at: &At, p: &Value) -> Result<Json, Diagnostics> {
        let mut body = body_of(vec![
            ("name", json!(at.name)),
            ("network", opt(p, "network")),
            ("description", opt(p, "description")),
            ("direction", opt(p, "direction")),
            ("priority", opt_int(p, "priority")),
            ("sourceRanges", str_array(p, "source_ranges")),
            ("destinationRanges", str_array(p, "destination_ranges")),
            ("sourceTags", str_array(p, "source_tags")),
            ("targetTags", str_array(p, "target_tags")),
            (
                "sourceServiceAccounts",
                str_array(p, "source_service_accounts"),
            ),
            (
                "targetServiceAccounts",
                str_array(p, "target_service_accounts"),
            ),
            ("allowed", rules_json(p, "allow")),
            ("denied", rules_json(p, "deny")),
        ]);
        body["disabled"] = json!(get_bool(p, "disabled").unwrap_or(false));
        if let Some(l) = get_blocks(p, "log_config").first() {
            body["logConfig"] = json!({"enable": true, "metadata": get_str(l, "metadata")});
        }
        Ok(body)
    }

    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        body: Json,
        id: &str,
    ) -> Result<Operation, GcpError> {
        let fw: model::Firewall = from_json(body)?;
        c.compute
            .firewalls
            .insert()
            .set_project(&at.project)
            .set_or_clear_request_id(request_id(id))
            .set_body(fw)
            .send()
            .await
            .gcp()
    }

    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError> {
        list_all!(
            c,
            c.compute
                .firewalls
                .list()
                .set_project(&at.project)
                .set_filter(filter),
            "firewalls"
        )
    }

    fn state_of(&self, _: &GcpClient, prior: &Value, f: &Json) -> Obj {
        let logs: Vec<Value> = match f["logConfig"]["enable"].as_bool() {
            Some(true) => vec![Value::object_from([(
                "metadata",
                string(&f["logConfig"], "metadata"),
            )])],
            _ => Vec::new(),
        };
        let set = |k: &str| string_set(strings(&f[k]));
        Obj::from(prior)
            .set("network", reference(prior, "network", s(f, "network")))
            .echo_str("description", f, "description")
            .set("destination_ranges", set("destinationRanges"))
            .str("direction", s(f, "direction"))
            .echo_bool(prior, "disabled", f, "disabled")
            .set("priority", number(&f["priority"]))
            .echo_set(prior, "source_ranges", f, "sourceRanges")
            .echo_set(prior, "source_service_accounts", f, "sourceServiceAccounts")
            .echo_set(prior, "source_tags", f, "sourceTags")
            .echo_set(prior, "target_service_accounts", f, "targetServiceAccounts")
            .echo_set(prior, "target_tags", f, "targetTags")
            .set("allow", rules_value(&f["allowed"]))
            .set("deny", rules_value(&f["denied"]))
            .set("log_config", block_list(&log_block(), logs.clone()))
            .bool("enable_logging", !logs.is_empty())
            .set("creation_timestamp", string(f, "creationTimestamp"))
    }

    async fn update(
        &self,
        c: &GcpClient,
        at: &At,
        _prior: &Value,
        planned: &Value,
    ) -> Result<(), GcpError> {
        let mut body = self
            .body(c, at, planned)
            .map_err(|d| GcpError::local("invalid", d.to_string()))?;
        for k in [
            "sourceRanges",
            "destinationRanges",
            "sourceTags",
            "targetTags",
            "allowed",
            "denied",
        ] {
            body.as_object_mut()
                .map(|m| m.entry(k).or_insert(json!([])));
        }
        let fw: model::Firewall = from_json(body)?;
        let op = c
            .call(|| async {
                c.compute
                    .firewalls
                    .patch()
                    .set_project(&at.project)
                    .set_firewall(&at.name)
                    .set_body(fw.clone())
                    .send()
                    .await
                    .gcp()
            })
            .await?;
        crate::ops::wait(c, &at.project, op).await
    }

    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError> {
        c.compute
            .firewalls
            .delete()
            .set_project(&at.project)
            .set_firewall(&at.name)
            .send()
            .await
            .gcp()
    }
}
