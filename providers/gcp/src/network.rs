//! `google_compute_network`: a VPC network.

use crate::prelude::*;

/// The `google_compute_network` resource type.
pub struct ComputeNetwork;

static SPEC: Spec = Spec {
    name: "google_compute_network",
    what: "Network",
    scope: Scope::Global,
    collection: "networks",
    labels: false,
    aggregated: false,
    version: 0,
};

#[async_trait]
impl ComputeKind for ComputeNetwork {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn schema(&self) -> Block {
        attributes! {
            "name": required(Type::String).force_new() => "Name of the network.",
            "description": optional(Type::String).force_new() => "An optional description.",
            "auto_create_subnetworks": optional(Type::Bool).force_new().default(true) => "Create a subnetwork in every region (auto mode).",
            "routing_mode": optional_computed(Type::String) => "REGIONAL or GLOBAL dynamic routing.",
            "mtu": optional_computed(Type::Number) => "Maximum transmission unit in bytes.",
            "enable_ula_internal_ipv6": optional(Type::Bool) => "Enable ULA internal IPv6.",
            "internal_ipv6_range": optional_computed(Type::String).force_new() => "The ULA /48 range.",
            "network_firewall_policy_enforcement_order": optional(Type::String).default("AFTER_CLASSIC_FIREWALL") => "When firewall policies are evaluated.",
            "network_profile": optional(Type::String).force_new() => "A full or partial URL of the network profile.",
            "bgp_always_compare_med": optional_computed(Type::Bool) => "Always compare MED values.",
            "bgp_best_path_selection_mode": optional_computed(Type::String) => "LEGACY or STANDARD.",
            "bgp_inter_region_cost": optional_computed(Type::String) => "DEFAULT or ADD_COST_TO_MED.",
            "delete_bgp_always_compare_med": optional(Type::Bool).default(false) => "Unset bgp_always_compare_med.",
            "delete_default_routes_on_create": optional(Type::Bool).default(false) => "Delete the default 0.0.0.0/0 route after creation.",
            "gateway_ipv4": computed(Type::String) => "The gateway address of the network.",
            "network_id": computed(Type::String) => "The unique identifier (a number).",
            "numeric_id": computed(Type::String) => "Deprecated: use network_id.",
        }
        .block("params", Nesting::List, crate::common::params_block())
        .tune("params", |b| { b.max_items = 1; b.force_new = true; })
    }

    fn body(&self, _: &GcpClient, at: &At, p: &Value) -> Result<Json, Diagnostics> {
        let routing = nonempty_str(p, "routing_mode").map(|m| json!({"routingMode": m}));
        Ok(crate::prelude::body_of(vec![
            ("name", json!(at.name)),
            ("description", crate::prelude::opt(p, "description")),
            (
                "autoCreateSubnetworks",
                json!(get_bool(p, "auto_create_subnetworks").unwrap_or(true)),
            ),
            ("routingConfig", routing.unwrap_or(Json::Null)),
            ("mtu", crate::prelude::opt_int(p, "mtu")),
            (
                "enableUlaInternalIpv6",
                get_bool(p, "enable_ula_internal_ipv6")
                    .filter(|b| *b)
                    .map_or(Json::Null, Json::Bool),
            ),
            (
                "internalIpv6Range",
                crate::prelude::opt(p, "internal_ipv6_range"),
            ),
            (
                "networkFirewallPolicyEnforcementOrder",
                crate::prelude::opt(p, "network_firewall_policy_enforcement_order"),
            ),
            ("networkProfile", crate::prelude::opt(p, "network_profile")),
        ]))
    }

    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        body: Json,
        id: &str,
    ) -> Result<Operation, GcpError> {
        let network: model::Network = from_json(body)?;
        c.compute
            .networks
            .insert()
            .set_project(&at.project)
            .set_or_clear_request_id(crate::prelude::request_id(id))
            .set_body(network)
            .send()
            .await
            .gcp()
    }

    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError> {
        list_all!(
            c,
            c.compute
                .networks
                .list()
                .set_project(&at.project)
                .set_filter(filter),
            "networks"
        )
    }

    fn state_of(&self, _: &GcpClient, prior: &Value, n: &Json) -> Obj {
        let routing = &n["routingConfig"];
        let id = number(&n["id"]);
        let id_text = n["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| n["id"].to_string());
        let mut o = Obj::from(prior)
            .echo_str("description", n, "description")
            .bool(
                "auto_create_subnetworks",
                n["autoCreateSubnetworks"].as_bool().unwrap_or(false),
            )
            .set(
                "routing_mode",
                Value::string(non_empty_or(s(routing, "routingMode"), "REGIONAL")),
            )
            .set("mtu", number(&n["mtu"]))
            .set("gateway_ipv4", string(n, "gatewayIPv4"))
            .str("network_id", &id_text)
            .str("numeric_id", &id_text)
            .echo_bool(
                prior,
                "enable_ula_internal_ipv6",
                n,
                "enableUlaInternalIpv6",
            )
            .set("internal_ipv6_range", string(n, "internalIpv6Range"))
            .set(
                "bgp_always_compare_med",
                Value::bool(routing["bgpAlwaysCompareMed"].as_bool().unwrap_or(false)),
            )
            .set(
                "bgp_best_path_selection_mode",
                Value::string(non_empty_or(
                    s(routing, "bgpBestPathSelectionMode"),
                    "LEGACY",
                )),
            )
            .set(
                "bgp_inter_region_cost",
                string(routing, "bgpInterRegionCost"),
            );
        if !s(n, "networkFirewallPolicyEnforcementOrder").is_empty() {
            o = o.set(
                "network_firewall_policy_enforcement_order",
                string(n, "networkFirewallPolicyEnforcementOrder"),
            );
        }
        let _ = id;
        o
    }

    async fn update(
        &self,
        c: &GcpClient,
        at: &At,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), GcpError> {
        let changed = |n| autostack_provider_sdk::attrs::changed(prior, planned, n);
        if !(changed("routing_mode")
            || changed("mtu")
            || changed("network_firewall_policy_enforcement_order"))
        {
            return Ok(());
        }
        let patch = crate::prelude::body_of(vec![
            (
                "routingConfig",
                nonempty_str(planned, "routing_mode")
                    .map_or(Json::Null, |m| json!({"routingMode": m})),
            ),
            ("mtu", crate::prelude::opt_int(planned, "mtu")),
            (
                "networkFirewallPolicyEnforcementOrder",
                crate::prelude::opt(planned, "network_firewall_policy_enforcement_order"),
            ),
        ]);
        let network: model::Network = from_json(patch)?;
        let op = c
            .call(|| async {
                let call = c
                    .compute
                    .networks
                    .patch()
                    .set_project(&at.project)
                    .set_network(&at.name);
                call.set_body(network.clone()).send().await.gcp()
            })
            .await?;
        crate::ops::wait(c, &at.project, op).await
    }

    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError> {
        c.compute
            .networks
            .delete()
            .set_project(&at.project)
            .set_network(&at.name)
            .send()
            .await
            .gcp()
    }
}

fn non_empty_or<'a>(v: &'a str, d: &'a str) -> &'a str {
    if v.is_empty() {
        d
    } else {
        v
    }
}
