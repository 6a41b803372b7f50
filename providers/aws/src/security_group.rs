//! `aws_security_group`: a VPC security group with inline `ingress`/`egress` rules
//! (attributes-as-blocks: rule sets left out of the configuration are whatever exists).

use crate::prelude::*;
use crate::sg_rules::{missing_from, normalize_rules, permission, rule_block, rule_sets, rules};
use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType as Kind, SecurityGroup};

/// The `aws_security_group` resource type.
pub struct AwsSecurityGroup;

const ACT: &str = "creating Security Group";

/// Grants (`add`) or revokes rules on one direction of a group.
async fn change_rules(
    c: &AwsClient,
    id: &str,
    egress: bool,
    add: bool,
    perms: Vec<IpPermission>,
) -> Result<(), AwsError> {
    if perms.is_empty() {
        return Ok(());
    }
    let ec2 = &c.ec2;
    let perms = Some(perms);
    // The four calls take the same group and permissions.
    macro_rules! send_perms {
        ($req:expr) => {
            $req.group_id(id)
                .set_ip_permissions(perms)
                .send()
                .await
                .aws()
                .map(|_| ())
        };
    }
    match (egress, add) {
        (false, true) => send_perms!(ec2.authorize_security_group_ingress()),
        (false, false) => send_perms!(ec2.revoke_security_group_ingress()),
        (true, true) => send_perms!(ec2.authorize_security_group_egress()),
        (true, false) => send_perms!(ec2.revoke_security_group_egress()),
    }
}

/// Brings both rule sets from `prior` (None: a new group) to `planned`.
async fn sync_rules(
    c: &AwsClient,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), AwsError> {
    for (name, egress) in [("ingress", false), ("egress", true)] {
        let Some(want) = rules(planned, name) else {
            continue;
        };
        let empty = Value::list(Type::Dynamic, Vec::new());
        let have = prior.and_then(|p| rules(p, name)).unwrap_or(&empty);
        let revoke = missing_from(have, want)
            .into_iter()
            .map(|r| permission(r, id))
            .collect();
        change_rules(c, id, egress, false, revoke).await?;
        let grant = missing_from(want, have)
            .into_iter()
            .map(|r| permission(r, id))
            .collect();
        change_rules(c, id, egress, true, grant).await?;
    }
    Ok(())
}

/// AWS gives every new VPC group an allow-all egress rule; the provider removes it so the
/// configuration alone decides.
fn default_egress() -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build()
}

#[async_trait]
impl Ec2Kind for AwsSecurityGroup {
    fn state_of(&self, c: &AwsClient, prior: &Value, g: &SecurityGroup) -> Value {
        let id = g.group_id().unwrap_or_default();
        let (ingress, egress) = rule_sets(g);
        Obj::from(prior)
            .str("id", id)
            .str("arn", c.arn("ec2", &format!("security-group/{id}")))
            .str("name", g.group_name().unwrap_or_default())
            .str("description", g.description().unwrap_or_default())
            .str("vpc_id", g.vpc_id().unwrap_or_default())
            .str("owner_id", g.owner_id().unwrap_or_default())
            .set("ingress", ingress)
            .set("egress", egress)
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let block = Block::new()
            .attr("owner_id", s())
            .attr(
                "name",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "name_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "description",
                Attribute::optional(Type::String)
                    .default("Managed by Terraform")
                    .force_new(),
            )
            .attr(
                "vpc_id",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "revoke_rules_on_delete",
                Attribute::optional(Type::Bool).default(false),
            )
            .block("ingress", Nesting::Set, rule_block())
            .tune("ingress", |nb| nb.computed = true)
            .block("egress", Nesting::Set, rule_block())
            .tune("egress", |nb| nb.computed = true);
        ResourceSchema { version: 1, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        let mut pc = p.planned;
        let mut o = Obj::from(&pc.planned);
        for name in ["ingress", "egress"] {
            if let Some(r) = crate::attrs::get(&pc.planned, name) {
                o = o.set(name, normalize_rules(r));
            }
        }
        if prior.is_none() && get_str(config, "name").is_none() {
            // The generated name is known only after apply; name_prefix stays as configured.
            o = o.set("name", Value::Unknown(Type::String));
        }
        pc.planned = o.into_value();
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        let name = match (get_str(planned, "name"), get_str(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => crate::recover::unique_name(p, ctx.token),
            (None, None) => crate::recover::unique_name("terraform-", ctx.token),
        };
        let out = c
            .ec2
            .create_security_group()
            .group_name(&name)
            .description(str_or_empty(planned, "description"))
            .set_vpc_id(get_str(planned, "vpc_id").map(str::to_string))
            .tag_specifications(create_tag_spec(Kind::SecurityGroup, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let id = out.group_id().unwrap_or_default();
        let made = Obj::from(planned)
            .str("id", id)
            .str("name", &name)
            .str("name_prefix", get_str(planned, "name_prefix").unwrap_or(""))
            .into_value();
        settle(ACT, &made, async {
            if get_str(planned, "vpc_id").is_some() || rules(planned, "egress").is_some() {
                match change_rules(c, id, true, false, vec![default_egress()]).await {
                    Err(e) if e.code != "InvalidPermission.NotFound" => return Err(e),
                    _ => {}
                }
            }
            sync_rules(c, id, None, planned).await
        })
        .await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        sync_rules(c, id, Some(prior), planned)
            .await
            .or_apply("updating Security Group rules")?;
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, prior: &Value) -> Updated {
        if get_bool(prior, "revoke_rules_on_delete").unwrap_or(false) {
            let empty = Obj::from(prior)
                .set("ingress", Value::list(Type::Dynamic, Vec::new()))
                .set("egress", Value::list(Type::Dynamic, Vec::new()))
                .into_value();
            sync_rules(c, id, Some(prior), &empty)
                .await
                .or_apply("revoking Security Group rules")?;
        }
        // Network interfaces of terminating instances hold the group for a while.
        c.delete("deleting Security Group", || async {
            c.ec2
                .delete_security_group()
                .group_id(id)
                .send()
                .await
                .aws()
        })
        .await
    }

    async fn import(&self, _: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        let seed = Obj::from(&import_seed(&self.schema(), id)).str("name_prefix", "");
        Ok(seed.into_value())
    }
}
