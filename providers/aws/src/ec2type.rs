//! EC2 object types. What differs between them is an [`Ec2Kind`]: its schema, describe call,
//! state mapping and create, update and delete calls. [`Ec2`] makes a kind a
//! [`ResourceType`]: refresh batched through the kind's describe call ([`read_by_id`]), tags
//! brought to the plan after the kind's own in-place changes, recovery by the intent tag the
//! create wrote, and import by ID; the registry reads every change back.

use crate::prelude::*;
use aws_sdk_ec2::types::{
    Address, InternetGateway, KeyPairInfo, RouteTable, SecurityGroup, SecurityGroupRule, Subnet,
    Tag, Volume, Vpc,
};

/// An object as an EC2 describe call returns it, with its tags.
pub trait Tagged: Send + Sync {
    /// The object's tags as EC2 describes them.
    fn ec2_tags(&self) -> &[Tag];
}

/// Every SDK type with a `tags()` accessor is [`Tagged`] through it.
macro_rules! tagged {
    ($($t:ty),*) => {$(
        impl Tagged for $t {
            fn ec2_tags(&self) -> &[Tag] {
                self.tags()
            }
        }
    )*};
}
tagged!(
    Address,
    InternetGateway,
    KeyPairInfo,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Volume,
    Vpc
);

/// How one EC2 object type is described by ID.
#[async_trait]
pub trait Ec2Describe: Send + Sync {
    /// What the describe call returns for one object.
    type Item: Tagged;
    /// Describes objects by ID; a missing ID is simply absent from the answer.
    async fn describe(&self, c: &AwsClient, ids: Vec<String>) -> Described<Self::Item>;
}

/// The [`Ec2Describe`] of kinds whose paginated describe call takes an ID filter: each line
/// names the kind, the described type, the call, the filter and the ID accessor.
macro_rules! ec2_describe {
    ($($kind:path: $item:ident = $op:ident($filter:literal, $id:ident);)*) => {$(
        #[async_trait]
        impl Ec2Describe for $kind {
            type Item = $item;
            async fn describe(&self, c: &AwsClient, ids: Vec<String>) -> Described<$item> {
                let items = describe_filtered!(c, $op, $filter, ids)?;
                Ok(keyed(items, $item::$id))
            }
        }
    )*};
}
ec2_describe! {
    crate::vpc::AwsVpc: Vpc = describe_vpcs("vpc-id", vpc_id);
    crate::subnet::AwsSubnet: Subnet = describe_subnets("subnet-id", subnet_id);
    crate::internet_gateway::AwsInternetGateway: InternetGateway = describe_internet_gateways("internet-gateway-id", internet_gateway_id);
    crate::route_table::AwsRouteTable: RouteTable = describe_route_tables("route-table-id", route_table_id);
    crate::security_group::AwsSecurityGroup: SecurityGroup = describe_security_groups("group-id", group_id);
    crate::sg_rule::AwsSecurityGroupRule: SecurityGroupRule = describe_security_group_rules("security-group-rule-id", security_group_rule_id);
}

/// One EC2 object type (see the module documentation).
#[async_trait]
pub trait Ec2Kind: Ec2Describe {
    /// The attribute holding the ID tags are written to (key pairs: `key_pair_id`).
    fn tag_id(&self) -> &'static str {
        "id"
    }

    /// The schema of the kind's own attributes (every kind also has `id`, `arn`, `tags` and
    /// `tags_all`, which [`Ec2`] adds).
    fn schema(&self) -> ResourceSchema;
    /// The state of one described object, starting from its prior state (tags are added by
    /// [`Ec2`]).
    fn state_of(&self, c: &AwsClient, prior: &Value, item: &Self::Item) -> Value;
    /// Adjusts the provider's default plan.
    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        Ok(p.planned)
    }
    /// Creates the object; returns the value to read back (see [`ResourceType::create`]).
    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied;
    /// In-place changes other than tags.
    async fn update(&self, _: &AwsClient, _: Change<'_>) -> Updated {
        Ok(())
    }
    /// Deletes the object with ID `id`.
    async fn delete(&self, c: &AwsClient, id: &str, prior: &Value) -> Updated;
    /// True when a create writes the intent tag; otherwise [`Ec2Kind::recovered`] finds
    /// what it made.
    fn tagged_on_create(&self) -> bool {
        true
    }
    /// The value to read back what an interrupted create of `planned` with `token` made,
    /// for kinds whose create derives a name from the token instead of tagging.
    fn recovered(&self, _planned: &Value, _token: &str) -> Option<Value> {
        None
    }
    /// Adds to batched reads what the describe call does not return.
    async fn complete(&self, _: &AwsClient, _: &mut [ValueRead]) {}
    /// The value to read an imported object back from.
    async fn import(&self, _: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        Ok(import_seed(&self.schema(), id))
    }
}

/// What a describe call returns: objects paired with their IDs.
pub type Described<T> = Result<Vec<(String, T)>, AwsError>;
/// An in-place update of one object.
#[derive(Clone, Copy)]
pub struct Change<'a> {
    /// The object's ID.
    pub id: &'a str,
    /// Its prior state.
    pub prior: &'a Value,
    /// Its planned state.
    pub planned: &'a Value,
    /// Its configuration.
    pub config: &'a Value,
}

/// The outcome of a create.
pub type Applied = Result<Value, ApplyError>;
/// The outcome of an update or delete step.
pub type Updated = Result<(), ApplyError>;

/// An [`Ec2Kind`] as a resource type: its Terraform type name (`aws_vpc`), its name in
/// messages ("EC2 VPC" in "reading EC2 VPC"), and the kind.
pub struct Ec2<K> {
    name: &'static str,
    what: &'static str,
    kind: K,
}

impl<K> Ec2<K> {
    /// The kind as resource type `name`, called `what` in messages.
    pub fn new(name: &'static str, what: &'static str, kind: K) -> Ec2<K> {
        Ec2 { name, what, kind }
    }
}

#[async_trait]
impl<K: Ec2Kind> ResourceType<AwsClient> for Ec2<K> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> ResourceSchema {
        let mut schema = self.kind.schema();
        let computed = || Attribute::computed(Type::String);
        let block = schema.block.attr("id", computed()).attr("arn", computed());
        schema.block = tag_attrs(block);
        schema
    }

    async fn plan(&self, _: &AwsClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        self.kind.plan(p)
    }

    async fn create(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Applied {
        self.kind.create(c, ctx.planned, &ctx).await
    }

    async fn update(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Applied {
        let (prior, planned) = (ctx.prior, ctx.planned);
        let id = str_or_empty(prior, "id");
        let change = Change {
            id,
            prior,
            planned,
            config: ctx.config,
        };
        self.kind.update(c, change).await?;
        update_ec2_tags(c, str_or_empty(prior, self.kind.tag_id()), prior, planned)
            .await
            .or_apply(&format!("updating {} tags", self.what))?;
        Ok(planned.clone())
    }

    async fn delete(&self, c: &AwsClient, prior: &Value) -> Updated {
        self.kind.delete(c, str_or_empty(prior, "id"), prior).await
    }

    fn recovers_by_token(&self) -> bool {
        self.kind.tagged_on_create()
    }

    async fn recover(&self, _: &AwsClient, planned: &Value, token: &str) -> ValueRead {
        Ok(self.kind.recovered(planned, token))
    }

    async fn read_many(&self, c: &AwsClient, current: &[Value]) -> Vec<ValueRead> {
        let describe = |ids| self.kind.describe(c, ids);
        let state_of = |p: &Value, item: &K::Item| {
            let tags = tag_state(c, p, tag_map(item.ec2_tags()));
            let state = self.kind.state_of(c, p, item);
            Obj::from(&state).set_all(tags).finish()
        };
        let mut read = read_by_id(self.what, current, describe, state_of).await;
        self.kind.complete(c, &mut read).await;
        read
    }

    async fn import(&self, c: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        self.kind.import(c, id).await
    }
}
