//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one
//! security group rule each, with its own ID (`sgr-...`), tags and in-place updates.

use crate::prelude::*;
use crate::sg_rules::canonical_protocol;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Kind, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, UserIdGroupPair,
};

/// A standalone security group rule resource; `egress` picks the direction.
pub struct AwsSecurityGroupRule {
    /// True for `aws_vpc_security_group_egress_rule`.
    pub egress: bool,
}

/// `aws_vpc_security_group_ingress_rule`.
pub const INGRESS: AwsSecurityGroupRule = AwsSecurityGroupRule { egress: false };
/// `aws_vpc_security_group_egress_rule`.
pub const EGRESS: AwsSecurityGroupRule = AwsSecurityGroupRule { egress: true };

/// The ports a rule value asks for: none for "all protocols", as AWS reports them.
fn ports(v: &Value) -> (Option<i32>, Option<i32>) {
    let protocol = canonical_protocol(str_or_empty(v, "ip_protocol"));
    if protocol == "-1" {
        return (None, None);
    }
    let p = |k| get_int(v, k).and_then(|i| i32::try_from(i).ok());
    (p("from_port"), p("to_port"))
}

/// The permission a rule value grants.
fn permission(v: &Value) -> IpPermission {
    let d = get_str(v, "description").map(str::to_string);
    let (from, to) = ports(v);
    let mut p = IpPermission::builder()
        .ip_protocol(canonical_protocol(str_or_empty(v, "ip_protocol")))
        .set_from_port(from)
        .set_to_port(to);
    if let Some(x) = get_str(v, "cidr_ipv4") {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(x)
                .set_description(d.clone())
                .build(),
        );
    }
    if let Some(x) = get_str(v, "cidr_ipv6") {
        p = p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(x)
                .set_description(d.clone())
                .build(),
        );
    }
    if let Some(x) = get_str(v, "prefix_list_id") {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(x)
                .set_description(d.clone())
                .build(),
        );
    }
    if let Some(x) = get_str(v, "referenced_security_group_id") {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(x)
                .set_description(d)
                .build(),
        );
    }
    p.build()
}

impl AwsSecurityGroupRule {
    /// The Terraform type name.
    pub fn name(&self) -> &'static str {
        if self.egress {
            "aws_vpc_security_group_egress_rule"
        } else {
            "aws_vpc_security_group_ingress_rule"
        }
    }

    /// The rule in messages.
    pub fn what(&self) -> &'static str {
        if self.egress {
            "VPC Security Group Egress Rule"
        } else {
            "VPC Security Group Ingress Rule"
        }
    }

    async fn read_id(
        &self,
        c: &AwsClient,
        base: &Value,
        id: &str,
    ) -> Result<Option<Value>, AwsError> {
        Ok(self
            .describe(c, vec![id.to_string()])
            .await?
            .pop()
            .filter(|(_, r)| r.is_egress() == Some(self.egress))
            .map(|(_, r)| self.state_of(c, base, &r)))
    }
}

#[async_trait]
impl Ec2Kind for AwsSecurityGroupRule {
    fn state_of(&self, c: &AwsClient, prior: &Value, r: &SecurityGroupRule) -> Value {
        let id = r.security_group_rule_id().unwrap_or_default();
        let port = |p: Option<i32>| {
            p.filter(|p| *p != -1)
                .map_or(Value::Null(Type::Number), |p| Value::int(i64::from(p)))
        };
        let protocol = canonical_protocol(r.ip_protocol().unwrap_or("-1"));
        let (from, to) = if protocol == "-1" {
            (Value::Null(Type::Number), Value::Null(Type::Number))
        } else {
            (port(r.from_port()), port(r.to_port()))
        };
        let opt = crate::attrs::opt_string;
        Obj::from(prior)
            .str("id", id)
            .str("security_group_rule_id", id)
            .str("arn", c.arn("ec2", &format!("security-group-rule/{id}")))
            .str("security_group_id", r.group_id().unwrap_or_default())
            .str("ip_protocol", protocol)
            .set("from_port", from)
            .set("to_port", to)
            .set("cidr_ipv4", opt(r.cidr_ipv4()))
            .set("cidr_ipv6", opt(r.cidr_ipv6()))
            .set("prefix_list_id", opt(r.prefix_list_id()))
            .set(
                "referenced_security_group_id",
                opt(r.referenced_group_info().and_then(|g| g.group_id())),
            )
            .set(
                "description",
                opt(r.description().filter(|d| !d.is_empty())),
            )
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let o = || Attribute::optional(Type::String);
        let block = Block::new()
            .attr("security_group_rule_id", s())
            .attr(
                "security_group_id",
                Attribute::required(Type::String).force_new(),
            )
            .attr("ip_protocol", Attribute::required(Type::String))
            .attr("from_port", Attribute::optional(Type::Number))
            .attr("to_port", Attribute::optional(Type::Number))
            .attr("cidr_ipv4", o())
            .attr("cidr_ipv6", o())
            .attr("prefix_list_id", o())
            .attr("referenced_security_group_id", o())
            .attr("description", o());
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let mut pc = p.planned;
        if let Some(p) = get_str(&pc.planned, "ip_protocol") {
            pc.planned = Obj::from(&pc.planned)
                .str("ip_protocol", canonical_protocol(p))
                .into_value();
        }
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        let group = str_or_empty(planned, "security_group_id");
        let spec = create_tag_spec(Kind::SecurityGroupRule, planned, ctx.token);
        // The ingress and egress calls take the same arguments.
        macro_rules! authorize {
            ($req:expr) => {
                $req.group_id(group)
                    .ip_permissions(permission(planned))
                    .tag_specifications(spec.clone())
                    .send()
                    .await
                    .aws()
                    .map(|o| o.security_group_rules().to_vec())
            };
        }
        let created = if self.egress {
            authorize!(c.ec2.authorize_security_group_egress())
        } else {
            authorize!(c.ec2.authorize_security_group_ingress())
        };
        let action = format!("creating {}", self.what());
        let rule = created
            .or_apply(&action)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                AwsError::local(
                    "InvalidSecurityGroupRuleId.NotFound",
                    "AWS returned no rule",
                )
                .apply_error(&action)
            })?;
        Ok(self.state_of(c, planned, &rule))
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        let action = format!("updating {}", self.what());
        let (from, to) = ports(planned);
        let o = |k: &str| get_str(planned, k).map(str::to_string);
        let request = SecurityGroupRuleRequest::builder()
            .ip_protocol(canonical_protocol(str_or_empty(planned, "ip_protocol")))
            .set_from_port(from)
            .set_to_port(to)
            .set_cidr_ipv4(o("cidr_ipv4"))
            .set_cidr_ipv6(o("cidr_ipv6"))
            .set_prefix_list_id(o("prefix_list_id"))
            .set_referenced_group_id(o("referenced_security_group_id"))
            .set_description(o("description"))
            .build();
        c.ec2
            .modify_security_group_rules()
            .group_id(str_or_empty(prior, "security_group_id"))
            .security_group_rules(
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(id)
                    .security_group_rule(request)
                    .build(),
            )
            .send()
            .await
            .aws()
            .or_apply(&action)?;
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, prior: &Value) -> Updated {
        let id = id.to_string();
        let group = str_or_empty(prior, "security_group_id");
        // The ingress and egress calls take the same arguments.
        macro_rules! revoke {
            ($req:expr) => {
                $req.group_id(group)
                    .security_group_rule_ids(id)
                    .send()
                    .await
                    .aws()
                    .map(|_| ())
            };
        }
        let r = if self.egress {
            revoke!(c.ec2.revoke_security_group_egress())
        } else {
            revoke!(c.ec2.revoke_security_group_ingress())
        };
        done_if_gone(r).or_apply(&format!("deleting {}", self.what()))
    }

    /// Only a rule of this direction is found (an egress rule is no ingress rule).
    async fn import(&self, c: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        let seed = import_seed(&self.schema(), id);
        let action = format!("importing {}", self.what());
        let found = self.read_id(c, &seed, id).await.or_diags(&action)?;
        Ok(found.unwrap_or_else(|| with_attr(&seed, "id", Value::string(""))))
    }
}
