//! `data "aws_vpc"`: the one VPC matching an ID, attributes, tags and filters.

use crate::prelude::*;
use crate::vpc::vpc_attribute;
use aws_sdk_ec2::types::{Vpc, VpcAttributeName};
use std::collections::BTreeMap;

/// The `aws_vpc` data source.
pub struct DataAwsVpc;

/// The provider's name for the object in "no matching ..." errors.
const WHAT: &str = "EC2 VPC";

fn association_type() -> Type {
    Type::Object(BTreeMap::from([
        ("association_id".to_string(), Type::String),
        ("cidr_block".to_string(), Type::String),
        ("state".to_string(), Type::String),
    ]))
}

/// The VPC's main route table ("" when it has none, as the provider logs and moves on).
async fn main_route_table(c: &AwsClient, id: &str) -> String {
    let out = c
        .ec2
        .describe_route_tables()
        .filters(filter("vpc-id", vec![id.to_string()]))
        .filters(filter("association.main", vec!["true".into()]))
        .send()
        .await;
    out.ok()
        .and_then(|o| {
            o.route_tables()
                .first()
                .and_then(|r| r.route_table_id())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Finds the VPCs the configuration selects (a missing ID is no match, not an error).
async fn find(c: &AwsClient, config: &Value) -> Result<Vec<Vpc>, AwsError> {
    let mut filters = Vec::new();
    let attrs = [
        ("cidr", get_str(config, "cidr_block")),
        ("dhcp-options-id", get_str(config, "dhcp_options_id")),
        (
            "isDefault",
            get_bool(config, "default").filter(|d| *d).map(|_| "true"),
        ),
        ("state", get_str(config, "state")),
    ];
    for (name, v) in attrs {
        if let Some(v) = v {
            filters.push(filter(name, vec![v.to_string()]));
        }
    }
    if let Some(tags) = get(config, "tags").filter(|t| t.is_wholly_known()) {
        for (k, v) in string_map(tags) {
            filters.push(filter(&format!("tag:{k}"), vec![v]));
        }
    }
    filters.extend(custom_filters(config));
    let result = c
        .ec2
        .describe_vpcs()
        .set_vpc_ids(get_str(config, "id").map(|i| vec![i.to_string()]))
        .set_filters((!filters.is_empty()).then_some(filters))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .aws();
    match result {
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        other => other,
    }
}

#[async_trait]
impl DataSource<AwsClient> for DataAwsVpc {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let oc = || Attribute::optional_computed(Type::String);
        let b = || Attribute::computed(Type::Bool);
        let block = Block::new()
            .attr("id", oc())
            .attr("cidr_block", oc())
            .attr("dhcp_options_id", oc())
            .attr("state", oc())
            .attr("default", Attribute::optional_computed(Type::Bool))
            .attr(
                "tags",
                Attribute::optional_computed(Type::map(Type::String)),
            )
            .attr("arn", s())
            .attr("instance_tenancy", s())
            .attr("ipv6_association_id", s())
            .attr("ipv6_cidr_block", s())
            .attr("main_route_table_id", s())
            .attr("owner_id", s())
            .attr("enable_dns_hostnames", b())
            .attr("enable_dns_support", b())
            .attr("enable_network_address_usage_metrics", b())
            .attr(
                "cidr_block_associations",
                Attribute::computed(Type::list(association_type())),
            );
        ResourceSchema {
            version: 0,
            block: with_filters(block),
        }
    }

    async fn read(&self, c: &AwsClient, config: &Value) -> Result<Value, Diagnostics> {
        let mut vpcs = find(c, config).await.or_diags(&format!("reading {WHAT}"))?;
        let vpc = match vpcs.len() {
            0 => return Err(error(format!("no matching {WHAT} found"), "")),
            1 => vpcs.remove(0),
            _ => {
                return Err(error(
                    format!("multiple {WHAT}s matched; use additional constraints to reduce matches to a single {WHAT}"),
                    "",
                ))
            }
        };
        let id = vpc.vpc_id().unwrap_or_default();
        let owner = vpc.owner_id().unwrap_or_default();
        let mut flags = Vec::new();
        for (attr, name) in [
            ("enable_dns_hostnames", VpcAttributeName::EnableDnsHostnames),
            ("enable_dns_support", VpcAttributeName::EnableDnsSupport),
            (
                "enable_network_address_usage_metrics",
                VpcAttributeName::EnableNetworkAddressUsageMetrics,
            ),
        ] {
            let v = vpc_attribute(c, id, name.clone()).await.or_diags(&format!(
                "reading {WHAT} ({id}) Attribute ({})",
                name.as_str()
            ))?;
            flags.push((attr, Value::bool(v)));
        }
        let associations = vpc
            .cidr_block_association_set()
            .iter()
            .map(|a| {
                let state = a
                    .cidr_block_state()
                    .and_then(|s| s.state())
                    .map_or("", |s| s.as_str());
                Value::object_from([
                    (
                        "association_id",
                        Value::string(a.association_id().unwrap_or_default()),
                    ),
                    (
                        "cidr_block",
                        Value::string(a.cidr_block().unwrap_or_default()),
                    ),
                    ("state", Value::string(state)),
                ])
            })
            .collect();
        let ipv6 = vpc.ipv6_cidr_block_association_set().first();
        let mut obj = Obj::from(config)
            .str("id", id)
            .str(
                "arn",
                format!("arn:{}:ec2:{}:{owner}:vpc/{id}", c.partition, c.region),
            )
            .str("cidr_block", vpc.cidr_block().unwrap_or_default())
            .bool("default", vpc.is_default().unwrap_or(false))
            .str("dhcp_options_id", vpc.dhcp_options_id().unwrap_or_default())
            .str(
                "instance_tenancy",
                vpc.instance_tenancy().map_or("", |t| t.as_str()),
            )
            .str("owner_id", owner)
            .str("state", vpc.state().map_or("", |s| s.as_str()))
            .str("main_route_table_id", main_route_table(c, id).await)
            .str(
                "ipv6_association_id",
                ipv6.and_then(|a| a.association_id()).unwrap_or_default(),
            )
            .str(
                "ipv6_cidr_block",
                ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default(),
            )
            .set(
                "cidr_block_associations",
                Value::list(association_type(), associations),
            )
            .set("tags", map_value(&tag_map(vpc.tags())));
        for (attr, v) in flags {
            obj = obj.set(attr, v);
        }
        Ok(obj.finish())
    }
}
