//! `aws_internet_gateway`: an internet gateway, attached to at most one VPC.

use crate::prelude::*;
use autostack_provider_sdk::retry::retry_class;
use autostack_provider_sdk::ErrorClass;
use aws_sdk_ec2::types::{InternetGateway, ResourceType as Kind};

/// The `aws_internet_gateway` resource type.
pub struct AwsInternetGateway;

const ACT: &str = "creating EC2 Internet Gateway";

async fn attach(c: &AwsClient, id: &str, vpc: &str) -> Result<(), AwsError> {
    c.ec2
        .attach_internet_gateway()
        .internet_gateway_id(id)
        .vpc_id(vpc)
        .send()
        .await
        .aws()
        .map(|_| ())
}

/// Detaches, retrying while public addresses in the VPC are still mapped (AWS answers
/// `DependencyViolation` until they are released).
async fn detach(c: &AwsClient, id: &str, vpc: &str) -> Result<(), AwsError> {
    let detached = || async {
        match c
            .ec2
            .detach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc)
            .send()
            .await
            .aws()
        {
            Err(e) if e.is_not_found() || e.code == "Gateway.NotAttached" => Ok(()),
            r => r.map(|_| ()),
        }
    };
    retry_class(c.patience(), detached, ErrorClass::is_settling).await
}

#[async_trait]
impl Ec2Kind for AwsInternetGateway {
    fn state_of(&self, c: &AwsClient, prior: &Value, g: &InternetGateway) -> Value {
        let id = g.internet_gateway_id().unwrap_or_default();
        let vpc = g.attachments().first().and_then(|a| a.vpc_id());
        Obj::from(prior)
            .str("id", id)
            .str("arn", c.arn("ec2", &format!("internet-gateway/{id}")))
            .str("owner_id", g.owner_id().unwrap_or_default())
            .unset_str("vpc_id", vpc)
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let block = Block::new()
            .attr("owner_id", s())
            .attr("vpc_id", Attribute::optional(Type::String));
        ResourceSchema { version: 0, block }
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        let out = c
            .ec2
            .create_internet_gateway()
            .tag_specifications(create_tag_spec(Kind::InternetGateway, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .unwrap_or_default();
        let made = Obj::from(planned).str("id", id).into_value();
        if let Some(vpc) = get_str(planned, "vpc_id") {
            let partial = Obj::from(&made).set("vpc_id", Value::Null(Type::String));
            settle(ACT, &partial.into_value(), attach(c, id, vpc)).await?;
        }
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        let (old, new) = (get_str(prior, "vpc_id"), get_str(planned, "vpc_id"));
        if old != new {
            if let Some(vpc) = old {
                detach(c, id, vpc)
                    .await
                    .or_apply("detaching EC2 Internet Gateway")?;
            }
            if let Some(vpc) = new {
                attach(c, id, vpc)
                    .await
                    .or_apply("attaching EC2 Internet Gateway")?;
            }
        }
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, prior: &Value) -> Updated {
        if let Some(vpc) = get_str(prior, "vpc_id") {
            detach(c, id, vpc)
                .await
                .or_apply("detaching EC2 Internet Gateway")?;
        }
        c.delete("deleting EC2 Internet Gateway", || async {
            let op = c.ec2.delete_internet_gateway().internet_gateway_id(id);
            op.send().await.aws()
        })
        .await
    }
}
