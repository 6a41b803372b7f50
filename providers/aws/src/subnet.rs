//! `aws_subnet`: a subnet of a VPC in one availability zone.

use crate::prelude::*;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType as Kind, Subnet, SubnetState};

/// The `aws_subnet` resource type.
pub struct AwsSubnet;

const ACT: &str = "creating EC2 Subnet";

/// Applies the subnet flags that differ from what AWS has.
async fn apply_flags(
    c: &AwsClient,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), AwsError> {
    let want = get_bool(planned, "map_public_ip_on_launch").unwrap_or(false);
    let have = prior
        .and_then(|p| get_bool(p, "map_public_ip_on_launch"))
        .unwrap_or(false);
    if want != have {
        c.ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(want).build())
            .send()
            .await
            .aws()?;
    }
    let want = get_bool(planned, "enable_dns64").unwrap_or(false);
    let have = prior
        .and_then(|p| get_bool(p, "enable_dns64"))
        .unwrap_or(false);
    if want != have {
        c.ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .enable_dns64(AttributeBooleanValue::builder().value(want).build())
            .send()
            .await
            .aws()?;
    }
    Ok(())
}

#[async_trait]
impl Ec2Kind for AwsSubnet {
    fn state_of(&self, c: &AwsClient, prior: &Value, s: &Subnet) -> Value {
        let id = s.subnet_id().unwrap_or_default();
        let ipv6 = s.ipv6_cidr_block_association_set().first();
        Obj::from(prior)
            .str("id", id)
            .str(
                "arn",
                s.subnet_arn()
                    .map_or_else(|| c.arn("ec2", &format!("subnet/{id}")), str::to_string),
            )
            .str("vpc_id", s.vpc_id().unwrap_or_default())
            .str("cidr_block", s.cidr_block().unwrap_or_default())
            .str(
                "availability_zone",
                s.availability_zone().unwrap_or_default(),
            )
            .str(
                "availability_zone_id",
                s.availability_zone_id().unwrap_or_default(),
            )
            .str("owner_id", s.owner_id().unwrap_or_default())
            .bool(
                "map_public_ip_on_launch",
                s.map_public_ip_on_launch().unwrap_or(false),
            )
            .bool(
                "assign_ipv6_address_on_creation",
                s.assign_ipv6_address_on_creation().unwrap_or(false),
            )
            .bool("enable_dns64", s.enable_dns64().unwrap_or(false))
            .bool("ipv6_native", s.ipv6_native().unwrap_or(false))
            .str(
                "ipv6_cidr_block",
                ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default(),
            )
            .str(
                "ipv6_cidr_block_association_id",
                ipv6.and_then(|a| a.association_id()).unwrap_or_default(),
            )
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let flag = || Attribute::optional(Type::Bool).default(false);
        let block = Block::new()
            .attr("owner_id", s())
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("cidr_block", Attribute::optional(Type::String).force_new())
            .attr(
                "availability_zone",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "availability_zone_id",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("map_public_ip_on_launch", flag())
            .attr("assign_ipv6_address_on_creation", flag())
            .attr("enable_dns64", flag())
            .attr("ipv6_native", flag().force_new())
            .attr(
                "ipv6_cidr_block",
                Attribute::optional_computed(Type::String),
            )
            .attr("ipv6_cidr_block_association_id", s());
        ResourceSchema { version: 1, block }
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        let out = c
            .ec2
            .create_subnet()
            .vpc_id(str_or_empty(planned, "vpc_id"))
            .set_cidr_block(get_str(planned, "cidr_block").map(str::to_string))
            .set_availability_zone(get_str(planned, "availability_zone").map(str::to_string))
            .set_availability_zone_id(get_str(planned, "availability_zone_id").map(str::to_string))
            .set_ipv6_native(get_bool(planned, "ipv6_native").filter(|b| *b))
            .tag_specifications(create_tag_spec(Kind::Subnet, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let id = out.subnet().and_then(|s| s.subnet_id()).unwrap_or_default();
        let made = Obj::from(planned).str("id", id).into_value();
        settle(ACT, &made, async {
            c.wait_until("subnet available", || async {
                let s = AwsSubnet.describe(c, vec![id.to_string()]).await?;
                Ok(s.first()
                    .is_some_and(|(_, s)| s.state() == Some(&SubnetState::Available)))
            })
            .await?;
            apply_flags(c, id, None, planned).await
        })
        .await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        apply_flags(c, id, Some(prior), planned)
            .await
            .or_apply("updating EC2 Subnet")?;
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, _prior: &Value) -> Updated {
        // Instances being terminated keep their network interfaces for a while.
        c.delete("deleting EC2 Subnet", || async {
            c.ec2.delete_subnet().subnet_id(id).send().await.aws()
        })
        .await
    }
}
