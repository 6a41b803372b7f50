//! `aws_internet_gateway`: an internet gateway, attached to at most one VPC.

use crate::attrs::{get_str, import_base, str_or_empty, Obj};
use crate::batch::{imported, read_back, read_by_id, single};
use crate::client::{done_if_gone, ActionExt, AwsClient, AwsError, AwsResultExt};
use crate::ec2util::{describe_filtered, keyed, retry_dependency};
use crate::tags::{create_tag_spec, plan_tagged, tag_attrs, tag_map, tag_state, update_ec2_tags};
use async_trait::async_trait;
use autostack_provider_sdk::{
    ApplyError, Attribute, Block, PlannedChange, ResourceSchema, ResourceType,
};
use autostack_value::{Diagnostics, Type, Value};
use aws_sdk_ec2::types::{InternetGateway, ResourceType as Kind};

/// The `aws_internet_gateway` resource type.
pub struct AwsInternetGateway;

/// Describes internet gateways by ID (filtering, so a missing ID is simply absent).
pub async fn describe_igws(
    c: &AwsClient,
    ids: Vec<String>,
) -> Result<Vec<(String, InternetGateway)>, AwsError> {
    let items = describe_filtered!(c, describe_internet_gateways, "internet-gateway-id", ids)?;
    Ok(keyed(items, InternetGateway::internet_gateway_id))
}

fn state_of(c: &AwsClient, prior: &Value, g: &InternetGateway) -> Value {
    let id = g.internet_gateway_id().unwrap_or_default();
    let vpc = g.attachments().first().and_then(|a| a.vpc_id());
    Obj::from(prior)
        .str("id", id)
        .str("arn", c.arn("ec2", &format!("internet-gateway/{id}")))
        .str("owner_id", g.owner_id().unwrap_or_default())
        .unset_str("vpc_id", vpc)
        .set_all(tag_state(c, prior, tag_map(g.tags())))
        .finish()
}

async fn read_id(c: &AwsClient, base: &Value, id: &str) -> Result<Option<Value>, AwsError> {
    Ok(describe_igws(c, vec![id.to_string()])
        .await?
        .pop()
        .map(|(_, g)| state_of(c, base, &g)))
}

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
    retry_dependency(c, || async {
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
    })
    .await
}

#[async_trait]
impl ResourceType<AwsClient> for AwsInternetGateway {
    fn name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let block = Block::new()
            .attr("id", s())
            .attr("arn", s())
            .attr("owner_id", s())
            .attr("vpc_id", Attribute::optional(Type::String));
        ResourceSchema {
            version: 0,
            block: tag_attrs(block),
        }
    }

    async fn plan(
        &self,
        c: &AwsClient,
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        Ok(plan_tagged(c, schema, prior, config))
    }

    async fn create(
        &self,
        c: &AwsClient,
        planned: &Value,
        token: &str,
    ) -> Result<Value, ApplyError> {
        let out = c
            .ec2
            .create_internet_gateway()
            .tag_specifications(create_tag_spec(Kind::InternetGateway, planned, token))
            .send()
            .await
            .aws()
            .or_apply("creating EC2 Internet Gateway")?;
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .unwrap_or_default()
            .to_string();
        let partial = Obj::from(planned)
            .str("id", &id)
            .set("vpc_id", Value::Null(Type::String))
            .finish();
        let fail = |e: AwsError| {
            e.apply_error("creating EC2 Internet Gateway")
                .with_partial(partial.clone())
        };
        if let Some(vpc) = get_str(planned, "vpc_id") {
            attach(c, &id, vpc).await.map_err(fail)?;
        }
        read_back(
            read_id(c, planned, &id).await,
            || {
                AwsError::local(
                    "InvalidInternetGatewayID.NotFound",
                    "the new internet gateway vanished",
                )
            },
            fail,
        )
    }

    async fn update(
        &self,
        c: &AwsClient,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        let id = str_or_empty(prior, "id");
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
        update_ec2_tags(c, id, prior, planned)
            .await
            .or_apply("updating EC2 Internet Gateway tags")?;
        read_id(c, planned, id)
            .await
            .or_apply("reading EC2 Internet Gateway")?
            .ok_or_else(|| {
                AwsError::local("InvalidInternetGatewayID.NotFound", id)
                    .apply_error("updating EC2 Internet Gateway")
            })
    }

    async fn delete(&self, c: &AwsClient, prior: &Value) -> Result<(), ApplyError> {
        let id = str_or_empty(prior, "id");
        if let Some(vpc) = get_str(prior, "vpc_id") {
            detach(c, id, vpc)
                .await
                .or_apply("detaching EC2 Internet Gateway")?;
        }
        retry_dependency(c, || async {
            done_if_gone(
                c.ec2
                    .delete_internet_gateway()
                    .internet_gateway_id(id)
                    .send()
                    .await
                    .aws(),
            )
        })
        .await
        .or_apply("deleting EC2 Internet Gateway")
    }

    async fn recover(
        &self,
        c: &AwsClient,
        planned: &Value,
        token: &str,
    ) -> Result<Option<Value>, Diagnostics> {
        crate::recover::by_intent_tag(self, c, planned, token).await
    }

    async fn read(&self, c: &AwsClient, current: &Value) -> Result<Option<Value>, Diagnostics> {
        single(self.read_many(c, std::slice::from_ref(current)).await)
    }

    async fn read_many(
        &self,
        c: &AwsClient,
        current: &[Value],
    ) -> Vec<Result<Option<Value>, Diagnostics>> {
        read_by_id(
            "EC2 Internet Gateway",
            current,
            |ids| describe_igws(c, ids),
            |p, g| state_of(c, p, g),
        )
        .await
    }

    async fn import(&self, c: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        imported(
            "importing EC2 Internet Gateway",
            read_id(c, &import_base(&self.schema()), id).await,
            || {
                AwsError::local(
                    "InvalidInternetGatewayID.NotFound",
                    format!("internet gateway {id} not found"),
                )
            },
        )
    }
}
