//! `aws_instance.root_block_device`: the instance's root EBS volume, read at refresh,
//! mapped at launch and resized or retyped in place through `ModifyVolume`.

use crate::attrs::{changed, get, get_blocks, get_bool, get_i32, get_str, str_or_empty};
use crate::client::{AwsClient, AwsError, AwsResultExt};
use crate::ebs_volume::modify_changed;
use crate::ec2util::filter;
use autostack_provider_sdk::{with_attr, Attribute, Block};
use autostack_value::{Type, Value};
use aws_sdk_ec2::types::{
    BlockDeviceMapping, EbsBlockDevice, EbsInstanceBlockDeviceSpecification, Instance,
    InstanceBlockDeviceMapping, InstanceBlockDeviceMappingSpecification, Volume, VolumeType,
};

/// The root block device argument of `aws_instance`.
pub const ROOT: &str = "root_block_device";

/// The instance's block device mapping for its root device.
pub fn root_mapping(i: &Instance) -> Option<&InstanceBlockDeviceMapping> {
    let root = i.root_device_name()?;
    i.block_device_mappings()
        .iter()
        .find(|m| m.device_name() == Some(root))
}

/// The ID of the instance's root EBS volume.
pub fn root_volume_id(i: &Instance) -> Option<&str> {
    root_mapping(i)
        .and_then(|m| m.ebs())
        .and_then(|e| e.volume_id())
}

/// The `root_block_device` block of `aws_instance` (at most one).
pub fn root_block() -> Block {
    let oc = Attribute::optional_computed;
    Block::new()
        .attr(
            "delete_on_termination",
            Attribute::optional(Type::Bool).default(true),
        )
        .attr("device_name", Attribute::computed(Type::String))
        .attr("encrypted", oc(Type::Bool).force_new())
        .attr("iops", oc(Type::Number))
        .attr("kms_key_id", oc(Type::String).force_new())
        .attr("throughput", oc(Type::Number))
        .attr("volume_id", Attribute::computed(Type::String))
        .attr("volume_size", oc(Type::Number))
        .attr("volume_type", oc(Type::String))
}

/// The `root_block_device` state of an instance and its root volume.
pub fn root_state(i: &Instance, vol: Option<&Volume>) -> Value {
    let ty = root_block().value_type();
    let Some(m) = root_mapping(i) else {
        return Value::list(ty, Vec::new());
    };
    let ebs = m.ebs();
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    let item = Value::object_from([
        (
            "delete_on_termination",
            Value::bool(ebs.and_then(|e| e.delete_on_termination()).unwrap_or(false)),
        ),
        ("device_name", s(m.device_name())),
        (
            "encrypted",
            Value::bool(vol.and_then(Volume::encrypted).unwrap_or(false)),
        ),
        (
            "iops",
            Value::int(vol.and_then(Volume::iops).unwrap_or(0).into()),
        ),
        ("kms_key_id", s(vol.and_then(Volume::kms_key_id))),
        (
            "throughput",
            Value::int(vol.and_then(Volume::throughput).unwrap_or(0).into()),
        ),
        ("volume_id", s(ebs.and_then(|e| e.volume_id()))),
        (
            "volume_size",
            Value::int(vol.and_then(Volume::size).unwrap_or(0).into()),
        ),
        (
            "volume_type",
            s(vol.and_then(|v| v.volume_type()).map(VolumeType::as_str)),
        ),
    ]);
    Value::list(ty, vec![item])
}

/// The root device mapping for `RunInstances` when `root_block_device` is configured (the
/// device name comes from the AMI).
pub async fn root_mappings(
    c: &AwsClient,
    ami: &str,
    planned: &Value,
) -> Result<Option<Vec<BlockDeviceMapping>>, AwsError> {
    let Some(rb) = get_blocks(planned, ROOT).first() else {
        return Ok(None);
    };
    let images = c
        .ec2
        .describe_images()
        .filters(filter("image-id", vec![ami.to_string()]))
        .send()
        .await
        .aws()?;
    let dev = images
        .images()
        .first()
        .and_then(|i| i.root_device_name())
        .ok_or_else(|| AwsError::local("InvalidAMIID.NotFound", format!("AMI {ami} not found")))?;
    let pos = |name: &str| get_i32(rb, name).filter(|i| *i > 0);
    let ebs = EbsBlockDevice::builder()
        .set_delete_on_termination(get_bool(rb, "delete_on_termination"))
        .set_encrypted(get_bool(rb, "encrypted"))
        .set_iops(pos("iops"))
        .set_throughput(pos("throughput"))
        .set_volume_size(pos("volume_size"))
        .set_kms_key_id(get_str(rb, "kms_key_id").map(str::to_string))
        .set_volume_type(get_str(rb, "volume_type").map(VolumeType::from))
        .build();
    let m = BlockDeviceMapping::builder()
        .device_name(dev)
        .ebs(ebs)
        .build();
    Ok(Some(vec![m]))
}

/// Resizes or retypes the root volume, and sets its delete-on-termination flag.
pub async fn update_root(
    c: &AwsClient,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let (Some(old), Some(new)) = (
        get_blocks(prior, ROOT).first(),
        get_blocks(planned, ROOT).first(),
    ) else {
        return Ok(());
    };
    let vol = str_or_empty(old, "volume_id");
    modify_changed(c, vol, old, new, ["volume_size", "volume_type"]).await?;
    if let Some(flag) = get_bool(new, "delete_on_termination")
        .filter(|_| changed(old, new, "delete_on_termination"))
    {
        let ebs = EbsInstanceBlockDeviceSpecification::builder()
            .delete_on_termination(flag)
            .volume_id(vol)
            .build();
        let m = InstanceBlockDeviceMappingSpecification::builder()
            .device_name(str_or_empty(old, "device_name"))
            .ebs(ebs)
            .build();
        c.ec2
            .modify_instance_attribute()
            .instance_id(id)
            .block_device_mappings(m)
            .send()
            .await
            .aws()?;
    }
    Ok(())
}

/// Sets each attribute in `names` to unknown unless the configuration sets it: apply will
/// change it as a side effect.
pub fn unknown_unless_set(planned: Value, config: &Value, names: &[&str]) -> Value {
    names.iter().fold(planned, |v, name| {
        if get(config, name).is_some() {
            return v;
        }
        let ty = get(&v, name).map_or(Type::String, Value::ty);
        with_attr(&v, name, Value::Unknown(ty))
    })
}

/// Plans `root_block_device` of an updated instance: a resize or retype changes the
/// volume's baseline IOPS and throughput unless they are configured.
pub fn plan_root(prior: &Value, planned: Value, config: &Value) -> Value {
    let (Some(old), Some(new)) = (
        get_blocks(prior, ROOT).first(),
        get_blocks(&planned, ROOT).first(),
    ) else {
        return planned;
    };
    if !changed(old, new, "volume_size") && !changed(old, new, "volume_type") {
        return planned;
    }
    let cfg = get_blocks(config, ROOT)
        .first()
        .cloned()
        .unwrap_or(Value::null());
    let root = unknown_unless_set(new.clone(), &cfg, &["iops", "throughput"]);
    let elem = match get(&planned, ROOT).map(Value::ty) {
        Some(Type::List(e)) => *e,
        _ => root_block().value_type(),
    };
    with_attr(&planned, ROOT, Value::list(elem, vec![root]))
}
