//! `aws_route_table_association`: binds a subnet (or gateway) to a route table.

use crate::prelude::*;
use aws_sdk_ec2::types::RouteTableAssociation;

/// The `aws_route_table_association` resource type.
pub struct AwsRouteTableAssociation;

/// Describes associations by ID: one DescribeRouteTables call filtering on the association
/// IDs, which returns the tables holding them.
async fn describe_associations(
    c: &AwsClient,
    ids: Vec<String>,
) -> Result<Vec<(String, RouteTableAssociation)>, AwsError> {
    let filter = "association.route-table-association-id";
    let tables = describe_filtered!(c, describe_route_tables, filter, ids.clone())?;
    Ok(tables
        .iter()
        .flat_map(|t| t.associations())
        .filter_map(|a| {
            let id = a.route_table_association_id()?;
            ids.iter()
                .any(|w| w == id)
                .then(|| (id.to_string(), a.clone()))
        })
        .collect())
}

fn state_of(prior: &Value, a: &RouteTableAssociation) -> Value {
    Obj::from(prior)
        .str("id", a.route_table_association_id().unwrap_or_default())
        .str("route_table_id", a.route_table_id().unwrap_or_default())
        .unset_str("subnet_id", a.subnet_id())
        .unset_str("gateway_id", a.gateway_id())
        .finish()
}

#[async_trait]
impl ResourceType<AwsClient> for AwsRouteTableAssociation {
    fn name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> ResourceSchema {
        let block = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("route_table_id", Attribute::required(Type::String))
            .attr("subnet_id", Attribute::optional(Type::String).force_new())
            .attr("gateway_id", Attribute::optional(Type::String).force_new());
        ResourceSchema { version: 0, block }
    }

    async fn plan(&self, _: &AwsClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        let set = |k: &str| crate::attrs::get(config, k).is_some();
        if !config.is_null() && set("subnet_id") == set("gateway_id") {
            return Err(crate::attrs::error(
                "Invalid combination of arguments",
                "\"gateway_id\": one of `gateway_id,subnet_id` must be specified",
            ));
        }
        let mut pc = p.planned;
        let table = |v: &Value| get_str(v, "route_table_id").map(str::to_string);
        if prior.is_some_and(|p| table(p) != table(&pc.planned)) {
            // Replacing the association gives it a new ID.
            pc.planned = Obj::from(&pc.planned)
                .set("id", Value::Unknown(Type::String))
                .into_value();
        }
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let out = c
            .ec2
            .associate_route_table()
            .route_table_id(str_or_empty(planned, "route_table_id"))
            .set_subnet_id(get_str(planned, "subnet_id").map(str::to_string))
            .set_gateway_id(get_str(planned, "gateway_id").map(str::to_string))
            .send()
            .await
            .aws()
            .or_apply("creating Route Table Association")?;
        Ok(Obj::from(planned)
            .opt_str("id", out.association_id())
            .into_value())
    }

    async fn update(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        // A new route table for the same subnet: AWS swaps it and gives a new association ID.
        let out = c
            .ec2
            .replace_route_table_association()
            .association_id(str_or_empty(prior, "id"))
            .route_table_id(str_or_empty(planned, "route_table_id"))
            .send()
            .await
            .aws()
            .or_apply("updating Route Table Association")?;
        Ok(Obj::from(planned)
            .opt_str("id", out.new_association_id())
            .into_value())
    }

    async fn delete(&self, c: &AwsClient, prior: &Value) -> Result<(), ApplyError> {
        done_if_gone(
            c.ec2
                .disassociate_route_table()
                .association_id(str_or_empty(prior, "id"))
                .send()
                .await
                .aws(),
        )
        .or_apply("deleting Route Table Association")
    }

    /// A subnet (or gateway) has at most one route table association: the one to the
    /// planned table is the create's.
    async fn recover(&self, c: &AwsClient, planned: &Value, _: &str) -> ValueRead {
        let table = str_or_empty(planned, "route_table_id");
        let (filter, target) = match get_str(planned, "subnet_id") {
            Some(s) => ("association.subnet-id", s),
            None => (
                "association.gateway-id",
                str_or_empty(planned, "gateway_id"),
            ),
        };
        let tables = describe_filtered!(c, describe_route_tables, filter, vec![target.to_string()])
            .or_diags("recovering Route Table Association")?;
        Ok(tables
            .iter()
            .flat_map(|t| t.associations())
            .find(|a| {
                a.route_table_id() == Some(table)
                    && (a.subnet_id() == Some(target) || a.gateway_id() == Some(target))
            })
            .map(|a| {
                Obj::from(planned)
                    .opt_str("id", a.route_table_association_id())
                    .into_value()
            }))
    }

    async fn read_many(&self, c: &AwsClient, current: &[Value]) -> Vec<ValueRead> {
        read_by_id(
            "Route Table Association",
            current,
            |ids| describe_associations(c, ids),
            state_of,
        )
        .await
    }

    async fn import(&self, c: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        // Terraform's import ID is `subnet-id/route-table-id` (or `igw-id/route-table-id`).
        let Some((target, table)) = id.split_once('/') else {
            return Err(crate::attrs::error(
                "Unexpected format for import ID",
                format!("Unexpected format for import ID ({id}), use: 'subnet-id/route-table-id' or 'gateway-id/route-table-id'"),
            ));
        };
        let (_, t) = crate::route_table::AwsRouteTable
            .describe(c, vec![table.to_string()])
            .await
            .or_diags("importing Route Table Association")?
            .pop()
            .ok_or_else(|| {
                AwsError::local("InvalidRouteTableID.NotFound", table)
                    .diags("importing Route Table Association")
            })?;
        let id = t
            .associations()
            .iter()
            .find(|a| a.subnet_id() == Some(target) || a.gateway_id() == Some(target))
            .and_then(|a| a.route_table_association_id())
            .unwrap_or_default();
        Ok(import_seed(&self.schema(), id))
    }
}
