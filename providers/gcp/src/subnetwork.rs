//! `google_compute_subnetwork`: a regional subnetwork. A new `ip_cidr_range` that contains
//! the old one is applied in place with `expandIpCidrRange`; any other change of it replaces
//! the subnetwork (hashicorp/google's `IsShrinkageIpCidr` customize-diff).

use crate::prelude::*;
use autostack_provider_sdk::PathStep;
use ipnet::IpNet;

/// The `google_compute_subnetwork` resource type.
pub struct ComputeSubnetwork;

static SPEC: Spec = Spec {
    name: "google_compute_subnetwork",
    what: "Subnetwork",
    scope: Scope::Region,
    collection: "subnetworks",
    labels: false,
    aggregated: true,
    version: 0,
};

fn secondary_block() -> Block {
    attributes! {
        "range_name": required(Type::String) => "The name of the secondary range.",
        "ip_cidr_range": optional_computed(Type::String) => "The secondary range.",
        "reserved_internal_range": optional(Type::String) => "A reserved internal range to use.",
    }
}

fn log_block() -> Block {
    attributes! {
        "aggregation_interval": optional(Type::String).default("INTERVAL_5_SEC") => "Flow log aggregation interval.",
        "filter_expr": optional(Type::String).default("true") => "Which logs to export.",
        "flow_sampling": optional(Type::Number).default(Value::Number(autostack_value::Number::from_f64(0.5))) => "Sampling rate.",
        "metadata": optional(Type::String).default("INCLUDE_ALL_METADATA") => "Which metadata fields are added.",
        "metadata_fields": optional(Type::set(Type::String)) => "Metadata fields with CUSTOM_METADATA.",
    }
}

/// True when `new` contains `old` and is larger: an in-place expansion.
pub fn expands(old: &str, new: &str) -> bool {
    match (old.parse::<IpNet>(), new.parse::<IpNet>()) {
        (Ok(o), Ok(n)) => n.contains(&o) && n.prefix_len() < o.prefix_len(),
        _ => false,
    }
}

#[async_trait]
impl ComputeKind for ComputeSubnetwork {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn references(&self) -> &'static [&'static str] {
        &["network"]
    }

    fn schema(&self) -> Block {
        attributes! {
            "name": required(Type::String).force_new() => "Name of the subnetwork.",
            "network": required(Type::String).force_new() => "The network this subnetwork belongs to.",
            "ip_cidr_range": optional_computed(Type::String) => "The primary IPv4 range.",
            "description": optional(Type::String).force_new() => "An optional description.",
            "private_ip_google_access": optional_computed(Type::Bool) => "Reach Google APIs without external IPs.",
            "private_ipv6_google_access": optional_computed(Type::String) => "IPv6 access to Google services.",
            "purpose": optional_computed(Type::String).force_new() => "PRIVATE, REGIONAL_MANAGED_PROXY, ...",
            "role": optional(Type::String) => "ACTIVE or BACKUP for proxy-only subnets.",
            "stack_type": optional_computed(Type::String) => "IPV4_ONLY, IPV4_IPV6 or IPV6_ONLY.",
            "ipv6_access_type": optional(Type::String) => "EXTERNAL or INTERNAL.",
            "external_ipv6_prefix": optional_computed(Type::String).force_new() => "External IPv6 range.",
            "internal_ipv6_prefix": optional_computed(Type::String).force_new() => "Internal IPv6 range.",
            "ip_collection": optional(Type::String) => "A public delegated prefix to allocate from.",
            "reserved_internal_range": optional(Type::String).force_new() => "A reserved internal range.",
            "resolve_subnet_mask": optional(Type::String).force_new() => "How the subnet mask is resolved.",
            "allow_subnet_cidr_routes_overlap": optional_computed(Type::Bool) => "Allow routes that overlap the subnet.",
            "send_secondary_ip_range_if_empty": optional(Type::Bool) => "Send an empty secondary range list on update.",
            "creation_timestamp": computed(Type::String) => "Creation time (RFC 3339).",
            "gateway_address": computed(Type::String) => "The gateway address.",
            "ipv6_cidr_range": computed(Type::String) => "The IPv6 range.",
            "ipv6_gce_endpoint": computed(Type::String) => "VM_AND_FR or VM_ONLY.",
            "state": computed(Type::String) => "READY or DRAINING.",
            "subnetwork_id": computed(Type::Number) => "The unique identifier.",
            "fingerprint": computed(Type::String) => "Deprecated: the fingerprint used for updates.",
        }
        .block("secondary_ip_range", Nesting::List, secondary_block())
        .tune("secondary_ip_range", |b| b.computed = true)
        .block("log_config", Nesting::List, log_block())
        .tune("log_config", |b| b.max_items = 1)
        .block("params", Nesting::List, crate::common::params_block())
        .tune("params", |b| { b.max_items = 1; b.force_new = true; })
    }

    fn plan(&self, _: &GcpClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (Some(prior), Some(new)) = (p.prior(), get_str(&p.planned.planned, "ip_cidr_range"))
        else {
            return Ok(p.planned);
        };
        let mut planned = p.planned.clone();
        if autostack_provider_sdk::differs(prior, &planned.planned) {
            planned.planned = autostack_provider_sdk::attrs::with_attr(
                &planned.planned,
                "fingerprint",
                Value::Unknown(Type::String),
            );
        }
        let old = get_str(prior, "ip_cidr_range").unwrap_or_default();
        if old == new
            || old.is_empty()
            || expands(old, new)
            || !p.planned.requires_replace.is_empty()
        {
            return Ok(planned);
        }
        let mut fresh = p.plan_from(None, p.proposed());
        fresh.planned = crate::compute::plan_location_pub(&p.planned.planned, &fresh.planned);
        fresh.requires_replace = vec![vec![PathStep::Attr("ip_cidr_range".into())]];
        Ok(fresh)
    }

    fn body(&self, _: &GcpClient, at: &At, p: &Value) -> Result<Json, Diagnostics> {
        Ok(body_of(vec![
            ("name", json!(at.name)),
            ("network", opt(p, "network")),
            ("ipCidrRange", opt(p, "ip_cidr_range")),
            ("description", opt(p, "description")),
            (
                "privateIpGoogleAccess",
                get_bool(p, "private_ip_google_access").map_or(Json::Null, Json::Bool),
            ),
            (
                "privateIpv6GoogleAccess",
                opt(p, "private_ipv6_google_access"),
            ),
            ("purpose", opt(p, "purpose")),
            ("role", opt(p, "role")),
            ("stackType", opt(p, "stack_type")),
            ("ipv6AccessType", opt(p, "ipv6_access_type")),
            ("secondaryIpRanges", secondary_json(p)),
            ("logConfig", log_json(p)),
        ]))
    }

    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        body: Json,
        id: &str,
    ) -> Result<Operation, GcpError> {
        let sub: model::Subnetwork = from_json(body)?;
        c.compute
            .subnetworks
            .insert()
            .set_project(&at.project)
            .set_region(&at.location)
            .set_or_clear_request_id(request_id(id))
            .set_body(sub)
            .send()
            .await
            .gcp()
    }

    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError> {
        list_all!(
            c,
            c.compute
                .subnetworks
                .aggregated_list()
                .set_project(&at.project)
                .set_filter(filter),
            "subnetworks"
        )
    }

    fn state_of(&self, _: &GcpClient, prior: &Value, n: &Json) -> Obj {
        let secondary: Vec<Value> = n["secondaryIpRanges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|r| {
                Value::object_from([
                    ("range_name", string(r, "rangeName")),
                    ("ip_cidr_range", string(r, "ipCidrRange")),
                    ("reserved_internal_range", Value::Null(Type::String)),
                ])
            })
            .collect();
        let logs: Vec<Value> = match n["logConfig"]["enable"].as_bool() {
            Some(true) => vec![log_value(&n["logConfig"])],
            _ => Vec::new(),
        };
        Obj::from(prior)
            .set("network", reference(prior, "network", s(n, "network")))
            .str("ip_cidr_range", s(n, "ipCidrRange"))
            .echo_str("description", n, "description")
            .bool(
                "private_ip_google_access",
                n["privateIpGoogleAccess"].as_bool().unwrap_or(false),
            )
            .str(
                "private_ipv6_google_access",
                s(n, "privateIpv6GoogleAccess"),
            )
            .str(
                "purpose",
                if s(n, "purpose").is_empty() {
                    "PRIVATE"
                } else {
                    s(n, "purpose")
                },
            )
            .echo_str("role", n, "role")
            .str(
                "stack_type",
                if s(n, "stackType").is_empty() {
                    "IPV4_ONLY"
                } else {
                    s(n, "stackType")
                },
            )
            .echo_str("ipv6_access_type", n, "ipv6AccessType")
            .set("external_ipv6_prefix", string(n, "externalIpv6Prefix"))
            .set("internal_ipv6_prefix", string(n, "internalIpv6Prefix"))
            .bool(
                "allow_subnet_cidr_routes_overlap",
                n["allowSubnetCidrRoutesOverlap"].as_bool().unwrap_or(false),
            )
            .set("creation_timestamp", string(n, "creationTimestamp"))
            .set("gateway_address", string(n, "gatewayAddress"))
            .set("ipv6_cidr_range", string(n, "ipv6CidrRange"))
            .set("ipv6_gce_endpoint", string(n, "ipv6GceEndpoint"))
            .set("state", string(n, "state"))
            .set("subnetwork_id", number(&n["id"]))
            .set("fingerprint", string(n, "fingerprint"))
            .set(
                "secondary_ip_range",
                block_list(&secondary_block(), secondary),
            )
            .set("log_config", block_list(&log_block(), logs))
    }

    async fn update(
        &self,
        c: &GcpClient,
        at: &At,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), GcpError> {
        let changed = |n| autostack_provider_sdk::attrs::changed(prior, planned, n);
        if changed("ip_cidr_range") {
            let body: model::SubnetworksExpandIpCidrRangeRequest =
                from_json(json!({"ipCidrRange": get_str(planned, "ip_cidr_range")}))?;
            let op = c
                .call(|| async {
                    c.compute
                        .subnetworks
                        .expand_ip_cidr_range()
                        .set_project(&at.project)
                        .set_region(&at.location)
                        .set_subnetwork(&at.name)
                        .set_body(body.clone())
                        .send()
                        .await
                        .gcp()
                })
                .await?;
            crate::ops::wait(c, &at.project, op).await?;
        }
        if [
            "private_ip_google_access",
            "secondary_ip_range",
            "log_config",
            "private_ipv6_google_access",
            "stack_type",
        ]
        .iter()
        .any(|n| changed(n))
        {
            self.patch(c, at, planned).await?;
        }
        Ok(())
    }

    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError> {
        c.compute
            .subnetworks
            .delete()
            .set_project(&at.project)
            .set_region(&at.location)
            .set_subnetwork(&at.name)
            .send()
            .await
            .gcp()
    }
}

impl ComputeSubnetwork {
    /// PATCH with the current fingerprint (read first; a 412 reads again).
    async fn patch(&self, c: &GcpClient, at: &At, planned: &Value) -> Result<(), GcpError> {
        c.call(|| async {
            let current = self
                .list(
                    c,
                    &At {
                        location: String::new(),
                        ..at.clone()
                    },
                    &crate::compute::name_filter(&[&at.name]),
                )
                .await?;
            let fp = current
                .iter()
                .find(|i| s(i, "region").ends_with(&at.location))
                .map(|i| s(i, "fingerprint").to_string());
            let mut body = body_of(vec![
                (
                    "privateIpGoogleAccess",
                    json!(get_bool(planned, "private_ip_google_access").unwrap_or(false)),
                ),
                (
                    "privateIpv6GoogleAccess",
                    opt(planned, "private_ipv6_google_access"),
                ),
                ("stackType", opt(planned, "stack_type")),
                ("logConfig", log_json(planned)),
                ("fingerprint", json!(fp.unwrap_or_default())),
            ]);
            body["secondaryIpRanges"] = secondary_json(planned);
            let sub: model::Subnetwork = from_json(body)?;
            let op = c
                .compute
                .subnetworks
                .patch()
                .set_project(&at.project)
                .set_region(&at.location)
                .set_subnetwork(&at.name)
                .set_body(sub)
                .send()
                .await
                .gcp()?;
            crate::ops::wait(c, &at.project, op).await
        })
        .await
    }
}

fn secondary_json(p: &Value) -> Json {
    Json::Array(
        get_blocks(p, "secondary_ip_range")
            .iter()
            .map(|b| {
                body_of(vec![
                    ("rangeName", opt(b, "range_name")),
                    ("ipCidrRange", opt(b, "ip_cidr_range")),
                ])
            })
            .collect(),
    )
}

fn log_json(p: &Value) -> Json {
    match get_blocks(p, "log_config").first() {
        None => Json::Null,
        Some(b) => body_of(vec![
            ("enable", json!(true)),
            ("aggregationInterval", opt(b, "aggregation_interval")),
            (
                "flowSampling",
                get(b, "flow_sampling")
                    .and_then(Value::as_number)
                    .map_or(Json::Null, |n| Json::from(n.to_f64())),
            ),
            ("metadata", opt(b, "metadata")),
            ("filterExpr", opt(b, "filter_expr")),
        ]),
    }
}

fn log_value(l: &Json) -> Value {
    Value::object_from([
        ("aggregation_interval", string(l, "aggregationInterval")),
        ("filter_expr", string(l, "filterExpr")),
        (
            "flow_sampling",
            l["flowSampling"]
                .as_f64()
                .map_or(Value::Null(Type::Number), |f| {
                    Value::Number(autostack_value::Number::from_f64(f))
                }),
        ),
        ("metadata", string(l, "metadata")),
        ("metadata_fields", string_set(strings(&l["metadataFields"]))),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_containing_larger_range_expands() {
        assert!(super::expands("10.0.0.0/24", "10.0.0.0/20"));
        assert!(!super::expands("10.0.0.0/24", "10.1.0.0/20"));
        assert!(!super::expands("10.0.0.0/20", "10.0.0.0/24"));
        assert!(!super::expands("10.0.0.0/24", "10.0.0.0/24"));
    }
}
