//! `aws_vpc`: a virtual private cloud.

use crate::prelude::*;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, ResourceType as Kind, Tenancy, Vpc, VpcAttributeName, VpcState,
};

/// The `aws_vpc` resource type.
pub struct AwsVpc;

const ACT: &str = "creating EC2 VPC";

/// A boolean VPC attribute (DNS support, DNS hostnames, NAU metrics).
pub async fn vpc_attribute(
    c: &AwsClient,
    id: &str,
    name: VpcAttributeName,
) -> Result<bool, AwsError> {
    let out = c
        .ec2
        .describe_vpc_attribute()
        .vpc_id(id)
        .attribute(name.clone())
        .send()
        .await
        .aws()?;
    let v = match name {
        VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
        VpcAttributeName::EnableNetworkAddressUsageMetrics => {
            out.enable_network_address_usage_metrics()
        }
        _ => out.enable_dns_support(),
    };
    Ok(v.and_then(AttributeBooleanValue::value).unwrap_or(false))
}

async fn set_vpc_attribute(
    c: &AwsClient,
    id: &str,
    name: VpcAttributeName,
    on: bool,
) -> Result<(), AwsError> {
    let b = AttributeBooleanValue::builder().value(on).build();
    let req = c.ec2.modify_vpc_attribute().vpc_id(id);
    let req = match name {
        VpcAttributeName::EnableDnsHostnames => req.enable_dns_hostnames(b),
        VpcAttributeName::EnableNetworkAddressUsageMetrics => {
            req.enable_network_address_usage_metrics(b)
        }
        _ => req.enable_dns_support(b),
    };
    req.send().await.aws().map(|_| ())
}

/// The VPC's DNS flags as state attributes.
async fn dns_flags(c: &AwsClient, id: &str) -> Result<[(&'static str, Value); 2], AwsError> {
    Ok([
        (
            "enable_dns_support",
            Value::bool(vpc_attribute(c, id, VpcAttributeName::EnableDnsSupport).await?),
        ),
        (
            "enable_dns_hostnames",
            Value::bool(vpc_attribute(c, id, VpcAttributeName::EnableDnsHostnames).await?),
        ),
    ])
}

/// The main route table, default security group and default network ACL AWS made with the
/// VPC; they never change, so they are read once at create and import.
async fn defaults_of(c: &AwsClient, id: &str) -> Result<[(&'static str, Value); 4], AwsError> {
    let rts = c
        .ec2
        .describe_route_tables()
        .filters(filter("vpc-id", vec![id.to_string()]))
        .filters(filter("association.main", vec!["true".into()]))
        .send()
        .await
        .aws()?;
    let rt = rts
        .route_tables()
        .first()
        .and_then(|r| r.route_table_id())
        .unwrap_or_default();
    let sgs = c
        .ec2
        .describe_security_groups()
        .filters(filter("vpc-id", vec![id.to_string()]))
        .filters(filter("group-name", vec!["default".into()]))
        .send()
        .await
        .aws()?;
    let sg = sgs
        .security_groups()
        .first()
        .and_then(|g| g.group_id())
        .unwrap_or_default();
    let acls = c
        .ec2
        .describe_network_acls()
        .filters(filter("vpc-id", vec![id.to_string()]))
        .filters(filter("default", vec!["true".into()]))
        .send()
        .await
        .aws()?;
    let acl = acls
        .network_acls()
        .first()
        .and_then(|a| a.network_acl_id())
        .unwrap_or_default();
    Ok([
        ("main_route_table_id", Value::string(rt)),
        ("default_route_table_id", Value::string(rt)),
        ("default_security_group_id", Value::string(sg)),
        ("default_network_acl_id", Value::string(acl)),
    ])
}

#[async_trait]
impl Ec2Kind for AwsVpc {
    fn state_of(&self, c: &AwsClient, prior: &Value, v: &Vpc) -> Value {
        let id = v.vpc_id().unwrap_or_default();
        let ipv6 = v.ipv6_cidr_block_association_set().first();
        Obj::from(prior)
            .str("id", id)
            .str("arn", c.arn("ec2", &format!("vpc/{id}")))
            .str("cidr_block", v.cidr_block().unwrap_or_default())
            .str(
                "instance_tenancy",
                v.instance_tenancy().map_or("default", |t| t.as_str()),
            )
            .str("dhcp_options_id", v.dhcp_options_id().unwrap_or_default())
            .str("owner_id", v.owner_id().unwrap_or_default())
            .bool("assign_generated_ipv6_cidr_block", ipv6.is_some())
            .str(
                "ipv6_association_id",
                ipv6.and_then(|a| a.association_id()).unwrap_or_default(),
            )
            .str(
                "ipv6_cidr_block",
                ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default(),
            )
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let block = Block::new()
            .attr(
                "cidr_block",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "instance_tenancy",
                Attribute::optional(Type::String)
                    .default("default")
                    .force_new(),
            )
            .attr(
                "enable_dns_support",
                Attribute::optional(Type::Bool).default(true),
            )
            .attr(
                "enable_dns_hostnames",
                Attribute::optional_computed(Type::Bool),
            )
            .attr(
                "assign_generated_ipv6_cidr_block",
                Attribute::optional(Type::Bool).default(false),
            )
            .attr(
                "ipv4_ipam_pool_id",
                Attribute::optional(Type::String).force_new(),
            )
            .attr(
                "ipv4_netmask_length",
                Attribute::optional(Type::Number).force_new(),
            )
            .attr("main_route_table_id", s())
            .attr("default_route_table_id", s())
            .attr("default_security_group_id", s())
            .attr("default_network_acl_id", s())
            .attr("dhcp_options_id", s())
            .attr("owner_id", s())
            .attr("ipv6_association_id", s())
            .attr(
                "ipv6_cidr_block",
                Attribute::optional_computed(Type::String),
            );
        ResourceSchema { version: 1, block }
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        let tenancy = get_str(planned, "instance_tenancy").map(Tenancy::from);
        let out = c
            .ec2
            .create_vpc()
            .set_cidr_block(get_str(planned, "cidr_block").map(str::to_string))
            .set_instance_tenancy(tenancy)
            .set_amazon_provided_ipv6_cidr_block(get_bool(
                planned,
                "assign_generated_ipv6_cidr_block",
            ))
            .tag_specifications(create_tag_spec(Kind::Vpc, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let id = out.vpc().and_then(|v| v.vpc_id()).unwrap_or_default();
        let made = Obj::from(planned).str("id", id).into_value();
        let defaults = settle(ACT, &made, async {
            c.wait_until("VPC available", || async {
                let v = AwsVpc.describe(c, vec![id.to_string()]).await?;
                Ok(v.first()
                    .is_some_and(|(_, v)| v.state() == Some(&VpcState::Available)))
            })
            .await?;
            apply_dns(c, id, None, planned).await?;
            defaults_of(c, id).await
        })
        .await?;
        Ok(Obj::from(&made).set_all(defaults).into_value())
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        apply_dns(c, id, Some(prior), planned)
            .await
            .or_apply("updating EC2 VPC")?;
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, _prior: &Value) -> Updated {
        // Subnets, gateways and interfaces of terminating instances may still be going away.
        c.delete("deleting EC2 VPC", || async {
            c.ec2.delete_vpc().vpc_id(id).send().await.aws()
        })
        .await
    }

    async fn complete(&self, c: &AwsClient, out: &mut [ValueRead]) {
        // The DNS flags have no batch API: two calls per VPC (as hashicorp/aws makes on every
        // read), so a flag changed out of band shows as drift. VPCs are few.
        for r in out {
            let id = match r {
                Ok(Some(v)) => str_or_empty(v, "id").to_string(),
                _ => continue,
            };
            match dns_flags(c, &id).await {
                Ok(flags) => {
                    if let Ok(Some(v)) = r {
                        *v = Obj::from(v).set_all(flags).finish();
                    }
                }
                Err(e) if e.is_not_found() => *r = Ok(None),
                Err(e) => *r = Err(e.diags("reading EC2 VPC")),
            }
        }
    }

    async fn import(&self, c: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        let defaults = defaults_of(c, id).await.or_diags("importing EC2 VPC")?;
        let seed = import_seed(&self.schema(), id);
        Ok(Obj::from(&seed).set_all(defaults).into_value())
    }
}

/// Sets the DNS flags that differ from AWS's defaults (create) or from the prior state.
async fn apply_dns(
    c: &AwsClient,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), AwsError> {
    let flags = [
        (
            "enable_dns_support",
            VpcAttributeName::EnableDnsSupport,
            true,
        ),
        (
            "enable_dns_hostnames",
            VpcAttributeName::EnableDnsHostnames,
            false,
        ),
    ];
    for (attr, name, aws_default) in flags {
        let Some(want) = get_bool(planned, attr) else {
            continue;
        };
        let have = prior.and_then(|p| get_bool(p, attr)).unwrap_or(aws_default);
        if want != have {
            set_vpc_attribute(c, id, name, want).await?;
        }
    }
    Ok(())
}
