//! `aws_instance`: an EC2 instance.
//!
//! `instance_type` and `user_data` (kept as its SHA-1, see [`user_data_hash`]) change in
//! place by stopping the instance, modifying it and starting it again (unless
//! `user_data_replace_on_change`); `root_block_device` size, type, IOPS and throughput
//! change in place through `ModifyVolume`.

use crate::ebs_volume::AwsEbsVolume;
use crate::prelude::*;
use aws_sdk_ec2::types::Tag;
use aws_sdk_ec2::types::{
    AttributeValue, Instance, InstanceNetworkInterfaceSpecification, InstanceStateName as St,
    InstanceType, Placement, ResourceType as Kind, TagSpecification, Volume,
};
pub use power::{start_instance, stop_instance};
use power::{stop_modify_start, wait_state};
use root_volume::{plan_root, root_block, root_mappings, root_state, root_volume_id};
use root_volume::{unknown_unless_set, update_root, ROOT};
use std::collections::HashMap;
use user_data::{configured_user_data, launch_user_data};
pub use user_data::{sha1_hex, user_data_hash};

mod power;
mod root_volume;
mod user_data;

/// The `aws_instance` resource type.
pub struct AwsInstance;

/// An instance as refresh sees it: the instance and its root EBS volume.
pub struct LiveInstance {
    /// The instance.
    pub instance: Instance,
    /// Its root volume, when it has an EBS root.
    pub root: Option<Volume>,
}

impl crate::ec2type::Tagged for LiveInstance {
    fn ec2_tags(&self) -> &[Tag] {
        self.instance.tags()
    }
}

/// Describes instances by ID (filtering, so a missing ID is simply absent), in every state.
pub async fn describe_raw(c: &AwsClient, ids: Vec<String>) -> Result<Vec<Instance>, AwsError> {
    let res = describe_filtered!(c, describe_instances, "instance-id", ids)?;
    Ok(res
        .into_iter()
        .flat_map(|r| r.instances.unwrap_or_default())
        .collect())
}

fn state_name(i: &Instance) -> Option<&St> {
    i.state().and_then(|s| s.name())
}

/// Finishes a plan: `user_data` becomes its hash; a stop/start (new type or user data) may
/// give the instance a new public address; a root volume resize or retype changes its
/// baseline IOPS and throughput.
fn finish_plan(pc: PlanResponse, prior: Option<&Value>, config: &Value) -> PlanResponse {
    let mut planned = pc.planned;
    if let Some(text) = configured_user_data(config) {
        let hash = if text.is_empty() {
            String::new()
        } else {
            user_data_hash(text)
        };
        planned = with_attr(&planned, "user_data", Value::string(hash));
    }
    let Some(prior) = prior.filter(|_| pc.requires_replace.is_empty()) else {
        return PlanResponse { planned, ..pc };
    };
    let restart = ["instance_type", "user_data", "user_data_base64"]
        .iter()
        .any(|a| changed(prior, &planned, a));
    if restart {
        planned = unknown_unless_set(planned, &Value::null(), &["public_ip", "public_dns"]);
    }
    PlanResponse {
        planned: plan_root(prior, planned, config),
        ..pc
    }
}

/// The state after an import: the batched view plus `user_data`.
async fn read_full(c: &AwsClient, base: &Value, id: &str) -> Result<Option<Value>, AwsError> {
    let Some((_, live)) = AwsInstance.describe(c, vec![id.to_string()]).await?.pop() else {
        return Ok(None);
    };
    let st = AwsInstance.state_of(c, base, &live);
    let out = c
        .ec2
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .aws()?;
    let b64 = out
        .user_data()
        .and_then(AttributeValue::value)
        .unwrap_or_default();
    let st = if get_str(base, "user_data_base64").is_some() {
        with_attr(&st, "user_data_base64", Value::string(b64))
    } else {
        let hash = if b64.is_empty() {
            String::new()
        } else {
            user_data_hash(b64)
        };
        // No user data: an unset `user_data` stays unset (null, or Terraform's "").
        Obj::from(&st)
            .unset_str("user_data", Some(&hash))
            .into_value()
    };
    Ok(Some(st))
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// Launches the planned instance; `token` is the idempotency token (`ClientToken`, so a
/// retried call cannot launch twice) and the intent tag `recover` finds it by.
async fn run_instance(
    c: &AwsClient,
    planned: &Value,
    ctx: &ChangeCtx<'_>,
) -> Result<String, AwsError> {
    let token = ctx.token;
    let ami = get_str(planned, "ami").ok_or_else(|| {
        AwsError::local(
            "MissingParameter",
            "ami must be set (launch templates are not supported)",
        )
    })?;
    let subnet = get_str(planned, "subnet_id").map(str::to_string);
    let sgs = non_empty(get_strings(planned, "vpc_security_group_ids"));
    let private_ip = get_str(planned, "private_ip").map(str::to_string);
    let volume_tags = get(planned, "volume_tags")
        .cloned()
        .unwrap_or(Value::null());
    let volume_tags = Value::object_from([("tags_all", volume_tags)]);
    let specs: Vec<TagSpecification> =
        std::iter::once(create_tag_spec(Kind::Instance, planned, token))
            .chain(tag_spec(Kind::Volume, &volume_tags))
            .collect();
    let req = c
        .ec2
        .run_instances()
        .client_token(token)
        .image_id(ami)
        .min_count(1)
        .max_count(1)
        .set_instance_type(get_str(planned, "instance_type").map(InstanceType::from))
        .set_key_name(get_str(planned, "key_name").map(str::to_string))
        .set_user_data(launch_user_data(planned, ctx.config))
        .set_block_device_mappings(root_mappings(c, ami, planned).await?)
        .set_security_groups(non_empty(get_strings(planned, "security_groups")))
        .set_placement(
            get_str(planned, "availability_zone")
                .map(|z| Placement::builder().availability_zone(z).build()),
        )
        .set_tag_specifications(non_empty(specs));
    // A public IP choice needs an explicit primary interface (as the AWS provider builds it).
    let req = match (subnet, get_bool(planned, "associate_public_ip_address")) {
        (Some(sn), Some(public)) => req.network_interfaces(
            InstanceNetworkInterfaceSpecification::builder()
                .device_index(0)
                .subnet_id(sn)
                .associate_public_ip_address(public)
                .set_groups(sgs)
                .set_private_ip_address(private_ip)
                .build(),
        ),
        (subnet, _) => req
            .set_subnet_id(subnet)
            .set_security_group_ids(sgs)
            .set_private_ip_address(private_ip),
    };
    let out = req.send().await.aws()?;
    Ok(out
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .unwrap_or_default()
        .to_string())
}

#[async_trait]
impl Ec2Describe for AwsInstance {
    type Item = LiveInstance;

    async fn describe(&self, c: &AwsClient, ids: Vec<String>) -> Described<LiveInstance> {
        let live: Vec<Instance> = describe_raw(c, ids)
            .await?
            .into_iter()
            .filter(|i| !matches!(state_name(i), Some(St::Terminated)))
            .collect();
        let vol_ids: Vec<String> = live
            .iter()
            .filter_map(|i| root_volume_id(i).map(str::to_string))
            .collect();
        let mut vols: HashMap<String, Volume> = if vol_ids.is_empty() {
            HashMap::new()
        } else {
            AwsEbsVolume
                .describe(c, vol_ids)
                .await?
                .into_iter()
                .collect()
        };
        Ok(live
            .into_iter()
            .map(|i| {
                let root = root_volume_id(&i).and_then(|v| vols.remove(v));
                let id = i.instance_id().unwrap_or_default().to_string();
                (id, LiveInstance { instance: i, root })
            })
            .collect())
    }
}

#[async_trait]
impl Ec2Kind for AwsInstance {
    fn state_of(&self, c: &AwsClient, prior: &Value, live: &LiveInstance) -> Value {
        let i = &live.instance;
        let id = i.instance_id().unwrap_or_default();
        let primary = i
            .network_interfaces()
            .iter()
            .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0));
        let public = match primary {
            Some(n) => n.association().is_some(),
            None => i.public_ip_address().is_some(),
        };
        // In a VPC, groups are reported by ID, unless configured by name (as hashicorp/aws).
        let by_id = i.subnet_id().is_some_and(|s| !s.is_empty())
            && get_strings(prior, "security_groups").is_empty();
        let groups = i.security_groups().iter();
        let groups =
            string_set(groups.filter_map(|g| if by_id { g.group_id() } else { g.group_name() }));
        let none = string_set([""; 0]);
        let (ids, names) = if by_id {
            (groups, none)
        } else {
            (none, groups)
        };
        let mut o = Obj::from(prior)
            .str("id", id)
            .str("arn", c.arn("ec2", &format!("instance/{id}")))
            .str("ami", i.image_id().unwrap_or_default())
            .str(
                "instance_type",
                i.instance_type().map_or("", InstanceType::as_str),
            )
            .str("subnet_id", i.subnet_id().unwrap_or_default())
            .str("key_name", i.key_name().unwrap_or_default())
            .str(
                "availability_zone",
                i.placement()
                    .and_then(|p| p.availability_zone())
                    .unwrap_or_default(),
            )
            .str("private_ip", i.private_ip_address().unwrap_or_default())
            .str("private_dns", i.private_dns_name().unwrap_or_default())
            .str("public_ip", i.public_ip_address().unwrap_or_default())
            .str("public_dns", i.public_dns_name().unwrap_or_default())
            .str("instance_state", state_name(i).map_or("", St::as_str))
            .str(
                "primary_network_interface_id",
                primary
                    .and_then(|n| n.network_interface_id())
                    .unwrap_or_default(),
            )
            .bool("associate_public_ip_address", public)
            .set("vpc_security_group_ids", ids)
            .set("security_groups", names)
            .set(ROOT, root_state(i, live.root.as_ref()));
        if get(prior, "volume_tags").is_some() {
            let vt = live
                .root
                .as_ref()
                .map(|v| tag_map(v.tags()))
                .unwrap_or_default();
            o = o.set("volume_tags", map_value(&vt));
        }
        // Not refreshed here; left unset, they stay null, as hashicorp/aws records them (not "").
        for attr in ["user_data", "user_data_base64"] {
            if get(prior, attr).is_none_or(|v| !v.is_wholly_known()) {
                o = o.set(attr, Value::Null(Type::String));
            }
        }
        o.finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let oc = Attribute::optional_computed;
        let set = || Type::set(Type::String);
        let block = Block::new()
            .attr("ami", oc(Type::String).force_new())
            .attr("instance_type", oc(Type::String))
            .attr("subnet_id", oc(Type::String).force_new())
            .attr("availability_zone", oc(Type::String).force_new())
            .attr("vpc_security_group_ids", oc(set()))
            .attr("security_groups", oc(set()).force_new())
            .attr("key_name", oc(Type::String).force_new())
            .attr("private_ip", oc(Type::String).force_new())
            .attr("associate_public_ip_address", oc(Type::Bool).force_new())
            .attr(
                "user_data",
                oc(Type::String).describe("SHA-1 of the user data in state"),
            )
            .attr("user_data_base64", oc(Type::String))
            .attr(
                "user_data_replace_on_change",
                Attribute::optional(Type::Bool).default(false),
            )
            .attr("volume_tags", Attribute::optional(Type::map(Type::String)))
            .attr("private_dns", s())
            .attr("public_ip", s())
            .attr("public_dns", s())
            .attr("instance_state", s())
            .attr("primary_network_interface_id", s())
            .block(ROOT, Nesting::List, root_block())
            .tune(ROOT, |nb| {
                nb.max_items = 1;
                nb.computed = true;
            });
        ResourceSchema { version: 1, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        let pc = finish_plan(p.planned.clone(), prior, config);
        let Some(old) = prior else { return Ok(pc) };
        if !pc.requires_replace.is_empty()
            || get_bool(config, "user_data_replace_on_change") != Some(true)
        {
            return Ok(pc);
        }
        let Some(attr) = ["user_data", "user_data_base64"]
            .into_iter()
            .find(|a| changed(old, &pc.planned, a))
        else {
            return Ok(pc);
        };
        let mut fresh = finish_plan(p.plan_from(None, config), None, config);
        fresh.requires_replace = vec![vec![PathStep::Attr(attr.to_string())]];
        Ok(fresh)
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        const ACT: &str = "creating EC2 Instance";
        let id = run_instance(c, planned, ctx).await.or_apply(ACT)?;
        let made = Obj::from(planned).str("id", &id).into_value();
        settle(ACT, &made, wait_state(c, &id, St::Running)).await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        const ACT: &str = "updating EC2 Instance";
        let (id, prior, planned) = (ch.id, ch.prior, ch.planned);
        if changed(prior, planned, "volume_tags") {
            update_volume_tags(c, id, prior, planned)
                .await
                .or_apply(ACT)?;
        }
        let sgs = get_strings(planned, "vpc_security_group_ids");
        if changed(prior, planned, "vpc_security_group_ids") && !sgs.is_empty() {
            c.ec2
                .modify_instance_attribute()
                .instance_id(id)
                .set_groups(Some(sgs))
                .send()
                .await
                .aws()
                .or_apply(ACT)?;
        }
        stop_modify_start(c, id, [prior, planned, ch.config])
            .await
            .or_apply(ACT)?;
        update_root(c, id, prior, planned).await.or_apply(ACT)
    }

    async fn delete(&self, c: &AwsClient, id: &str, _prior: &Value) -> Updated {
        const ACT: &str = "terminating EC2 Instance";
        match c
            .ec2
            .terminate_instances()
            .instance_ids(id)
            .send()
            .await
            .aws()
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.apply_error(ACT)),
        }
        c.wait_until("EC2 instance terminated", || async {
            let v = describe_raw(c, vec![id.to_string()]).await?;
            Ok(v.first()
                .is_none_or(|i| state_name(i) == Some(&St::Terminated)))
        })
        .await
        .or_apply(ACT)
    }

    /// The read-back after an import cannot see `user_data` (one call per instance), so
    /// the import reads it here.
    async fn import(&self, c: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        let seed = import_seed(&self.schema(), id);
        let full = read_full(c, &seed, id).await;
        Ok(full.or_diags("importing EC2 Instance")?.unwrap_or(seed))
    }
}

/// Brings `volume_tags` to every volume attached to the instance.
async fn update_volume_tags(
    c: &AwsClient,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let as_tags = |v: &Value| {
        let m = get(v, "volume_tags").map(string_map).unwrap_or_default();
        Value::object_from([("tags_all", map_value(&m))])
    };
    let (old, new) = (as_tags(prior), as_tags(planned));
    let insts = describe_raw(c, vec![id.to_string()]).await?;
    let vols = insts
        .iter()
        .flat_map(|i| i.block_device_mappings())
        .filter_map(|m| m.ebs().and_then(|e| e.volume_id()));
    for vol in vols {
        update_ec2_tags(c, vol, &old, &new).await?;
    }
    Ok(())
}
