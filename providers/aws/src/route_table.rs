//! `aws_route_table`: a VPC route table with inline `route` blocks (attributes-as-blocks:
//! routes left out of the configuration are whatever exists).

use crate::prelude::*;
use aws_sdk_ec2::types::{ResourceType as Kind, Route, RouteOrigin, RouteTable};

/// The `aws_route_table` resource type.
pub struct AwsRouteTable;

/// The attributes of a `route` block: one destination, one target.
const ROUTE_ATTRS: [&str; 13] = [
    "carrier_gateway_id",
    "cidr_block",
    "core_network_arn",
    "destination_prefix_list_id",
    "egress_only_gateway_id",
    "gateway_id",
    "ipv6_cidr_block",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

fn route_block() -> Block {
    ROUTE_ATTRS.iter().fold(Block::new(), |b, a| {
        b.attr(a, Attribute::optional(Type::String))
    })
}

fn route_type() -> Type {
    route_block().value_type()
}

/// A route as the provider stores it: every attribute present, `""` when unset.
fn route_value(r: &Route) -> Value {
    let pairs: [(&str, Option<&str>); 13] = [
        ("carrier_gateway_id", r.carrier_gateway_id()),
        ("cidr_block", r.destination_cidr_block()),
        ("core_network_arn", r.core_network_arn()),
        ("destination_prefix_list_id", r.destination_prefix_list_id()),
        (
            "egress_only_gateway_id",
            r.egress_only_internet_gateway_id(),
        ),
        ("gateway_id", r.gateway_id()),
        ("ipv6_cidr_block", r.destination_ipv6_cidr_block()),
        ("local_gateway_id", r.local_gateway_id()),
        ("nat_gateway_id", r.nat_gateway_id()),
        ("network_interface_id", r.network_interface_id()),
        ("transit_gateway_id", r.transit_gateway_id()),
        ("vpc_endpoint_id", None),
        ("vpc_peering_connection_id", r.vpc_peering_connection_id()),
    ];
    let mut pairs: Vec<(&str, Value)> = pairs
        .into_iter()
        .map(|(k, v)| (k, Value::string(v.unwrap_or_default())))
        .collect();
    // Gateway endpoints (vpce-...) come back as gateway IDs; the provider files them apart.
    if let Some(g) = r.gateway_id().filter(|g| g.starts_with("vpce-")) {
        pairs[5].1 = Value::string("");
        pairs[11].1 = Value::string(g);
    }
    Value::object_from(pairs)
}

/// The routes the table's `route` set holds: those created by a user (not the local route
/// AWS makes, nor propagated ones).
fn user_routes(t: &RouteTable) -> Vec<Value> {
    t.routes()
        .iter()
        .filter(|r| r.gateway_id() != Some("local"))
        .filter(|r| {
            !matches!(
                r.origin(),
                Some(RouteOrigin::CreateRouteTable) | Some(RouteOrigin::EnableVgwRoutePropagation)
            )
        })
        .map(route_value)
        .collect()
}

/// Configured routes with unset attributes as `""`, as the provider stores them.
fn normalize_routes(v: &Value) -> Value {
    let routes: Vec<Value> = v
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let mut m = r.as_entries().cloned().unwrap_or_default();
            for a in ROUTE_ATTRS {
                let e = m.get_or_insert_with(a.to_string(), || Value::string(""));
                if e.is_null() {
                    *e = Value::string("");
                }
            }
            Value::object(m)
        })
        .collect();
    make_set(route_type(), routes)
}

/// The destination of a route value (what identifies it within the table).
fn destination(r: &Value) -> (String, String, String) {
    let s = |k: &str| str_or_empty(r, k).to_string();
    (
        s("cidr_block"),
        s("ipv6_cidr_block"),
        s("destination_prefix_list_id"),
    )
}

/// Creates (`replace = false`) or replaces a route from its value.
async fn put_route(c: &AwsClient, table: &str, r: &Value, replace: bool) -> Result<(), AwsError> {
    let o = |k: &str| crate::attrs::get_str(r, k).map(str::to_string);
    let gateway = o("gateway_id").or(o("vpc_endpoint_id"));
    // CreateRoute and ReplaceRoute take the same destination and target fields.
    macro_rules! send_route {
        ($req:expr) => {
            $req.route_table_id(table)
                .set_destination_cidr_block(o("cidr_block"))
                .set_destination_ipv6_cidr_block(o("ipv6_cidr_block"))
                .set_destination_prefix_list_id(o("destination_prefix_list_id"))
                .set_gateway_id(gateway)
                .set_nat_gateway_id(o("nat_gateway_id"))
                .set_network_interface_id(o("network_interface_id"))
                .set_transit_gateway_id(o("transit_gateway_id"))
                .set_vpc_peering_connection_id(o("vpc_peering_connection_id"))
                .set_egress_only_internet_gateway_id(o("egress_only_gateway_id"))
                .set_carrier_gateway_id(o("carrier_gateway_id"))
                .set_local_gateway_id(o("local_gateway_id"))
                .set_core_network_arn(o("core_network_arn"))
                .send()
                .await
                .aws()
                .map(|_| ())
        };
    }
    if replace {
        send_route!(c.ec2.replace_route())
    } else {
        send_route!(c.ec2.create_route())
    }
}

async fn delete_route(c: &AwsClient, table: &str, r: &Value) -> Result<(), AwsError> {
    let o = |k: &str| crate::attrs::get_str(r, k).map(str::to_string);
    done_if_gone(
        c.ec2
            .delete_route()
            .route_table_id(table)
            .set_destination_cidr_block(o("cidr_block"))
            .set_destination_ipv6_cidr_block(o("ipv6_cidr_block"))
            .set_destination_prefix_list_id(o("destination_prefix_list_id"))
            .send()
            .await
            .aws(),
    )
}

/// Brings the table's routes from `old` to `new`: removed destinations are deleted, changed
/// targets replaced, new destinations created.
async fn sync_routes(
    c: &AwsClient,
    table: &str,
    old: &[Value],
    new: &[Value],
) -> Result<(), AwsError> {
    let by_dest = |rs: &[Value]| -> std::collections::HashMap<(String, String, String), Value> {
        rs.iter().map(|r| (destination(r), r.clone())).collect()
    };
    let (old_map, new_map) = (by_dest(old), by_dest(new));
    for (d, r) in &old_map {
        if !new_map.contains_key(d) {
            delete_route(c, table, r).await?;
        }
    }
    for (d, r) in &new_map {
        match old_map.get(d) {
            Some(o) if autostack_provider_sdk::same(o, r) => {}
            Some(_) => put_route(c, table, r, true).await?,
            None => put_route(c, table, r, false).await?,
        }
    }
    Ok(())
}

#[async_trait]
impl Ec2Kind for AwsRouteTable {
    fn state_of(&self, c: &AwsClient, prior: &Value, t: &RouteTable) -> Value {
        let id = t.route_table_id().unwrap_or_default();
        let vgws: Vec<&str> = t
            .propagating_vgws()
            .iter()
            .filter_map(|v| v.gateway_id())
            .collect();
        Obj::from(prior)
            .str("id", id)
            .str("arn", c.arn("ec2", &format!("route-table/{id}")))
            .str("owner_id", t.owner_id().unwrap_or_default())
            .str("vpc_id", t.vpc_id().unwrap_or_default())
            .set("route", make_set(route_type(), user_routes(t)))
            .set("propagating_vgws", crate::attrs::string_set(vgws))
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let block = Block::new()
            .attr("owner_id", s())
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr(
                "propagating_vgws",
                Attribute::optional_computed(Type::set(Type::String)),
            )
            .block("route", Nesting::Set, route_block())
            .tune("route", |nb| nb.computed = true);
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let mut pc = p.planned;
        if let Some(routes) =
            crate::attrs::get(&pc.planned, "route").filter(|r| r.is_wholly_known())
        {
            pc.planned = Obj::from(&pc.planned)
                .set("route", normalize_routes(routes))
                .into_value();
        }
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        let out = c
            .ec2
            .create_route_table()
            .vpc_id(str_or_empty(planned, "vpc_id"))
            .tag_specifications(create_tag_spec(Kind::RouteTable, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply("creating EC2 Route Table")?;
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .unwrap_or_default();
        let made = Obj::from(planned).str("id", id).into_value();
        let bare = Obj::from(&made).set("route", make_set(route_type(), Vec::new()));
        let routes = sync_routes(c, id, &[], get_blocks(planned, "route"));
        settle("creating EC2 Route Table", &bare.into_value(), routes).await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        if crate::attrs::get(planned, "route").is_some_and(Value::is_wholly_known) {
            sync_routes(
                c,
                id,
                get_blocks(prior, "route"),
                get_blocks(planned, "route"),
            )
            .await
            .or_apply("updating EC2 Route Table routes")?;
        }
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, _prior: &Value) -> Updated {
        c.delete("deleting EC2 Route Table", || async {
            c.ec2
                .delete_route_table()
                .route_table_id(id)
                .send()
                .await
                .aws()
        })
        .await
    }
}
