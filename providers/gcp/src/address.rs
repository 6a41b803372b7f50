//! `google_compute_address`: a regional static IP address (external or internal).

use crate::prelude::*;

/// The `google_compute_address` resource type.
pub struct ComputeAddress;

static SPEC: Spec = Spec {
    name: "google_compute_address",
    what: "Address",
    scope: Scope::Region,
    collection: "addresses",
    labels: true,
    aggregated: true,
    version: 0,
};

#[async_trait]
impl ComputeKind for ComputeAddress {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn references(&self) -> &'static [&'static str] {
        &["network", "subnetwork"]
    }

    fn schema(&self) -> Block {
        attributes! {
            "name": required(Type::String).force_new() => "Name of the address.",
            "address": optional_computed(Type::String).force_new() => "The static IP address.",
            "address_type": optional(Type::String).force_new().default("EXTERNAL") => "EXTERNAL or INTERNAL.",
            "description": optional(Type::String).force_new() => "An optional description.",
            "ip_collection": optional(Type::String).force_new() => "A public delegated prefix.",
            "ip_version": optional(Type::String).force_new() => "IPV4 or IPV6.",
            "ipv6_endpoint_type": optional(Type::String).force_new() => "VM or NETLB.",
            "network": optional(Type::String).force_new() => "The network (VPC_PEERING, IPSEC_INTERCONNECT).",
            "network_tier": optional_computed(Type::String).force_new() => "PREMIUM or STANDARD.",
            "prefix_length": optional_computed(Type::Number).force_new() => "The prefix length of a range.",
            "purpose": optional_computed(Type::String).force_new() => "GCE_ENDPOINT, SHARED_LOADBALANCER_VIP, ...",
            "subnetwork": optional_computed(Type::String).force_new() => "The subnetwork of an internal address.",
            "address_id": computed(Type::String) => "The unique identifier.",
            "creation_timestamp": computed(Type::String) => "Creation time (RFC 3339).",
            "label_fingerprint": computed(Type::String) => "The labels' fingerprint.",
            "users": computed(Type::list(Type::String)) => "The resources using the address.",
        }
    }

    fn body(&self, _: &GcpClient, at: &At, p: &Value) -> Result<Json, Diagnostics> {
        Ok(body_of(vec![
            ("name", json!(at.name)),
            ("address", opt(p, "address")),
            ("addressType", opt(p, "address_type")),
            ("description", opt(p, "description")),
            ("ipVersion", opt(p, "ip_version")),
            ("network", opt(p, "network")),
            ("networkTier", opt(p, "network_tier")),
            ("prefixLength", opt_int(p, "prefix_length")),
            ("purpose", opt(p, "purpose")),
            ("subnetwork", opt(p, "subnetwork")),
            (
                "labels",
                json!(crate::prelude::get(p, "effective_labels")
                    .map(autostack_provider_sdk::attrs::string_map)
                    .unwrap_or_default()),
            ),
        ]))
    }

    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        body: Json,
        id: &str,
    ) -> Result<Operation, GcpError> {
        let a: model::Address = from_json(body)?;
        c.compute
            .addresses
            .insert()
            .set_project(&at.project)
            .set_region(&at.location)
            .set_or_clear_request_id(request_id(id))
            .set_body(a)
            .send()
            .await
            .gcp()
    }

    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError> {
        list_all!(
            c,
            c.compute
                .addresses
                .aggregated_list()
                .set_project(&at.project)
                .set_filter(filter),
            "addresses"
        )
    }

    fn state_of(&self, _: &GcpClient, prior: &Value, a: &Json) -> Obj {
        let id = a["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| a["id"].to_string());
        Obj::from(prior)
            .str("address", s(a, "address"))
            .str(
                "address_type",
                if s(a, "addressType").is_empty() {
                    "EXTERNAL"
                } else {
                    s(a, "addressType")
                },
            )
            .echo_str("description", a, "description")
            .str("network_tier", s(a, "networkTier"))
            .set("prefix_length", number(&a["prefixLength"]))
            .str("purpose", s(a, "purpose"))
            .set(
                "subnetwork",
                reference(prior, "subnetwork", s(a, "subnetwork")),
            )
            .set(
                "network",
                match s(a, "network") {
                    "" => get(prior, "network")
                        .cloned()
                        .unwrap_or(Value::Null(Type::String)),
                    n => reference(prior, "network", n),
                },
            )
            .str("address_id", id)
            .set("creation_timestamp", string(a, "creationTimestamp"))
            .set("label_fingerprint", string(a, "labelFingerprint"))
            .set("users", string_list(strings(&a["users"])))
    }

    async fn set_labels(
        &self,
        c: &GcpClient,
        at: &At,
        labels: HashMap<String, String>,
        fp: &str,
    ) -> Result<Operation, GcpError> {
        let body: model::RegionSetLabelsRequest = labels_body(labels, fp)?;
        c.compute
            .addresses
            .set_labels()
            .set_project(&at.project)
            .set_region(&at.location)
            .set_resource(&at.name)
            .set_body(body)
            .send()
            .await
            .gcp()
    }

    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError> {
        c.compute
            .addresses
            .delete()
            .set_project(&at.project)
            .set_region(&at.location)
            .set_address(&at.name)
            .send()
            .await
            .gcp()
    }
}
