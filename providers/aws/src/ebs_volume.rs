//! `aws_ebs_volume`: an EBS block storage volume.

use crate::prelude::*;
use aws_sdk_ec2::types::{
    ResourceType as Kind, SnapshotState, Volume, VolumeModificationState, VolumeState, VolumeType,
};

/// The `aws_ebs_volume` resource type.
pub struct AwsEbsVolume;

/// Waits until the volume is `available` (or `in-use`, for a volume AWS attached itself).
async fn wait_available(c: &AwsClient, id: &str) -> Result<(), AwsError> {
    c.wait_until("EBS volume available", || async {
        let v = AwsEbsVolume.describe(c, vec![id.to_string()]).await?;
        match v.first().and_then(|(_, v)| v.state()) {
            Some(VolumeState::Available | VolumeState::InUse) => Ok(true),
            Some(VolumeState::Error) => Err(AwsError::local(
                "VolumeError",
                format!("EBS volume {id} entered the error state"),
            )),
            _ => Ok(false),
        }
    })
    .await
}

/// Applies a new size, type, IOPS or throughput (`size` and `kind` name the size and type
/// attributes of `old` and `new`) to volume `vol` with `ModifyVolume`, and waits for it.
pub async fn modify_changed(
    c: &AwsClient,
    vol: &str,
    old: &Value,
    new: &Value,
    [size, kind]: [&str; 2],
) -> Result<(), AwsError> {
    let pick = |name: &str| {
        get_i32(new, name)
            .filter(|i| *i > 0)
            .filter(|_| changed(old, new, name))
    };
    let (size, iops, throughput) = (pick(size), pick("iops"), pick("throughput"));
    let vtype = get_str(new, kind)
        .filter(|_| changed(old, new, kind))
        .map(VolumeType::from);
    if size.is_none() && iops.is_none() && throughput.is_none() && vtype.is_none() {
        return Ok(());
    }
    c.ec2
        .modify_volume()
        .volume_id(vol)
        .set_size(size)
        .set_volume_type(vtype)
        .set_iops(iops)
        .set_throughput(throughput)
        .send()
        .await
        .aws()?;
    wait_modified(c, vol).await
}

/// Waits until a `ModifyVolume` on `id` is optimizing or complete (the new size and type are
/// then in effect).
async fn wait_modified(c: &AwsClient, id: &str) -> Result<(), AwsError> {
    c.wait_until("EBS volume modification", || async {
        let out = c
            .ec2
            .describe_volumes_modifications()
            .filters(filter("volume-id", vec![id.to_string()]))
            .send()
            .await
            .aws()?;
        let Some(m) = out.volumes_modifications().last() else {
            return Ok(true);
        };
        match m.modification_state() {
            Some(VolumeModificationState::Failed) => Err(AwsError::local(
                "VolumeModificationFailed",
                m.status_message()
                    .unwrap_or("modification failed")
                    .to_string(),
            )),
            Some(VolumeModificationState::Modifying) => Ok(false),
            _ => Ok(true),
        }
    })
    .await
}

#[async_trait]
impl Ec2Describe for AwsEbsVolume {
    type Item = Volume;

    async fn describe(&self, c: &AwsClient, ids: Vec<String>) -> Described<Volume> {
        let vols = describe_filtered!(c, describe_volumes, "volume-id", ids)?;
        let live = vols
            .into_iter()
            .filter(|v| v.state() != Some(&VolumeState::Deleted));
        Ok(keyed(live, Volume::volume_id))
    }
}

#[async_trait]
impl Ec2Kind for AwsEbsVolume {
    fn state_of(&self, c: &AwsClient, prior: &Value, v: &Volume) -> Value {
        let id = v.volume_id().unwrap_or_default();
        let multi = v.multi_attach_enabled().unwrap_or(false);
        let outpost = v.outpost_arn().unwrap_or_default();
        let o = echo_optional(
            Obj::from(prior),
            prior,
            "multi_attach_enabled",
            Value::bool(multi),
            !multi,
        );
        echo_optional(
            o,
            prior,
            "outpost_arn",
            Value::string(outpost),
            outpost.is_empty(),
        )
        .str("id", id)
        .str("arn", c.arn("ec2", &format!("volume/{id}")))
        .str(
            "availability_zone",
            v.availability_zone().unwrap_or_default(),
        )
        .int("size", v.size().unwrap_or(0))
        .str("type", v.volume_type().map_or("", VolumeType::as_str))
        .int("iops", v.iops().unwrap_or(0))
        .int("throughput", v.throughput().unwrap_or(0))
        .bool("encrypted", v.encrypted().unwrap_or(false))
        .str("kms_key_id", v.kms_key_id().unwrap_or_default())
        .str("snapshot_id", v.snapshot_id().unwrap_or_default())
        .str(
            "create_time",
            v.create_time().map(rfc3339).unwrap_or_default(),
        )
        .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let oc = Attribute::optional_computed;
        let block = Block::new()
            .attr("create_time", s())
            .attr(
                "availability_zone",
                Attribute::required(Type::String).force_new(),
            )
            .attr("size", oc(Type::Number))
            .attr(
                "type",
                oc(Type::String).describe("gp2 when unset (AWS's default)"),
            )
            .attr("iops", oc(Type::Number))
            .attr("throughput", oc(Type::Number))
            .attr("encrypted", oc(Type::Bool).force_new())
            .attr("kms_key_id", oc(Type::String).force_new())
            .attr("snapshot_id", oc(Type::String).force_new())
            .attr(
                "multi_attach_enabled",
                Attribute::optional(Type::Bool).force_new(),
            )
            .attr("outpost_arn", Attribute::optional(Type::String).force_new())
            .attr(
                "final_snapshot",
                Attribute::optional(Type::Bool)
                    .default(false)
                    .describe("snapshot the volume before deleting it"),
            );
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        let mut pc = p.planned;
        // A new size or type changes the baseline IOPS and throughput AWS reports.
        if let Some(p) = prior.filter(|_| pc.requires_replace.is_empty()) {
            if changed(p, &pc.planned, "size") || changed(p, &pc.planned, "type") {
                for name in ["iops", "throughput"] {
                    if get(config, name).is_none() {
                        pc.planned = with_attr(&pc.planned, name, Value::Unknown(Type::Number));
                    }
                }
            }
        }
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        const ACT: &str = "creating EBS Volume";
        let out = c
            .ec2
            .create_volume()
            .availability_zone(str_or_empty(planned, "availability_zone"))
            .set_size(get_i32(planned, "size"))
            .set_volume_type(get_str(planned, "type").map(VolumeType::from))
            .set_iops(get_i32(planned, "iops").filter(|i| *i > 0))
            .set_throughput(get_i32(planned, "throughput").filter(|i| *i > 0))
            .set_encrypted(get_bool(planned, "encrypted"))
            .set_kms_key_id(get_str(planned, "kms_key_id").map(str::to_string))
            .set_snapshot_id(get_str(planned, "snapshot_id").map(str::to_string))
            .set_multi_attach_enabled(get_bool(planned, "multi_attach_enabled"))
            .set_outpost_arn(get_str(planned, "outpost_arn").map(str::to_string))
            .tag_specifications(create_tag_spec(Kind::Volume, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let id = out.volume_id().unwrap_or_default();
        let made = Obj::from(planned).str("id", id).into_value();
        settle(ACT, &made, wait_available(c, id)).await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (prior, planned) = (ch.prior, ch.planned);
        const ACT: &str = "updating EBS Volume";
        let id = str_or_empty(prior, "id");
        modify_changed(c, id, prior, planned, ["size", "type"])
            .await
            .or_apply(ACT)?;
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, prior: &Value) -> Updated {
        const ACT: &str = "deleting EBS Volume";
        if get_bool(prior, "final_snapshot") == Some(true) {
            final_snapshot(c, id, prior).await.or_apply(ACT)?;
        }
        match c.ec2.delete_volume().volume_id(id).send().await.aws() {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.apply_error(ACT)),
        }
        c.wait_until("EBS volume deleted", || async {
            Ok(AwsEbsVolume
                .describe(c, vec![id.to_string()])
                .await?
                .is_empty())
        })
        .await
        .or_apply(ACT)
    }
}

/// Snapshots the volume (with its tags) and waits for the snapshot to complete.
async fn final_snapshot(c: &AwsClient, id: &str, prior: &Value) -> Result<(), AwsError> {
    let spec = tag_spec(Kind::Snapshot, prior);
    let snap = c
        .ec2
        .create_snapshot()
        .volume_id(id)
        .set_tag_specifications(spec.map(|s| vec![s]))
        .send()
        .await
        .aws()?;
    let snap_id = snap.snapshot_id().unwrap_or_default().to_string();
    c.wait_until("EBS snapshot completed", || async {
        let out = c
            .ec2
            .describe_snapshots()
            .filters(filter("snapshot-id", vec![snap_id.clone()]))
            .send()
            .await
            .aws()?;
        match out.snapshots().first().and_then(|s| s.state()) {
            Some(SnapshotState::Completed) => Ok(true),
            Some(SnapshotState::Error) => Err(AwsError::local(
                "SnapshotError",
                format!("final snapshot {snap_id} of {id} failed"),
            )),
            _ => Ok(false),
        }
    })
    .await
}
