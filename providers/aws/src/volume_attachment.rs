//! `aws_volume_attachment`: an EBS volume attached to an instance at a device name.

use crate::ebs_volume::AwsEbsVolume;
use crate::instance::stop_instance;
use crate::prelude::*;
use aws_sdk_ec2::types::{VolumeAttachment, VolumeAttachmentState};
use std::collections::HashMap;

/// The `aws_volume_attachment` resource type.
pub struct AwsVolumeAttachment;

/// CRC-32 (IEEE) of `data`, as Go's `hash/crc32.ChecksumIEEE`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The attachment ID the AWS provider records: `vai-` and the CRC-32 of
/// `"<device>-<instance>-<volume>-"` (its `volumeAttachmentID`).
pub fn attachment_id(device: &str, instance: &str, volume: &str) -> String {
    format!(
        "vai-{}",
        crc32(format!("{device}-{instance}-{volume}-").as_bytes())
    )
}

/// Which attachment an object stands for.
#[derive(Clone)]
struct Key {
    device: String,
    instance: String,
    volume: String,
}

impl Key {
    fn of(v: &Value) -> Key {
        Key {
            device: str_or_empty(v, "device_name").to_string(),
            instance: str_or_empty(v, "instance_id").to_string(),
            volume: str_or_empty(v, "volume_id").to_string(),
        }
    }

    fn id(&self) -> String {
        attachment_id(&self.device, &self.instance, &self.volume)
    }
}

/// Finds the attachments of `keys` (by attachment ID): one `DescribeVolumes` call for all
/// their volumes. Detached (or detaching) attachments count as gone.
async fn describe_attachments(
    c: &AwsClient,
    keys: &HashMap<String, Key>,
    ids: Vec<String>,
) -> Result<Vec<(String, VolumeAttachment)>, AwsError> {
    let wanted: Vec<&Key> = ids.iter().filter_map(|i| keys.get(i)).collect();
    let mut vols: Vec<String> = wanted.iter().map(|k| k.volume.clone()).collect();
    vols.sort_unstable();
    vols.dedup();
    let found = AwsEbsVolume.describe(c, vols).await?;
    let mut out = Vec::new();
    for k in wanted {
        let att = found
            .iter()
            .filter(|(id, _)| *id == k.volume)
            .flat_map(|(_, v)| v.attachments())
            .find(|a| {
                a.instance_id() == Some(k.instance.as_str())
                    && a.device() == Some(k.device.as_str())
                    && matches!(
                        a.state(),
                        Some(VolumeAttachmentState::Attached | VolumeAttachmentState::Attaching)
                    )
            });
        if let Some(a) = att {
            out.push((k.id(), a.clone()));
        }
    }
    Ok(out)
}

fn state_of(prior: &Value, a: &VolumeAttachment) -> Value {
    let key = Key {
        device: a.device().unwrap_or_default().to_string(),
        instance: a.instance_id().unwrap_or_default().to_string(),
        volume: a.volume_id().unwrap_or_default().to_string(),
    };
    Obj::from(prior)
        .str("id", key.id())
        .str("device_name", &key.device)
        .str("instance_id", &key.instance)
        .str("volume_id", &key.volume)
        .finish()
}

/// The state of the attachment `key` stands for, if it exists.
async fn read_key(c: &AwsClient, base: &Value, key: &Key) -> Result<Option<Value>, AwsError> {
    let keys = HashMap::from([(key.id(), key.clone())]);
    Ok(describe_attachments(c, &keys, vec![key.id()])
        .await?
        .pop()
        .map(|(_, a)| state_of(base, &a)))
}

/// Polls the attachment until `done` holds for its state (`None`: detached or absent).
async fn wait_attachment(
    c: &AwsClient,
    key: &Key,
    what: &str,
    done: fn(Option<&VolumeAttachmentState>) -> bool,
) -> Result<(), AwsError> {
    c.wait_until(what, || async {
        let vols = AwsEbsVolume.describe(c, vec![key.volume.clone()]).await?;
        let state = vols
            .iter()
            .flat_map(|(_, v)| v.attachments())
            .find(|a| a.instance_id() == Some(key.instance.as_str()))
            .and_then(|a| a.state())
            .filter(|s| **s != VolumeAttachmentState::Detached);
        Ok(done(state))
    })
    .await
}

#[async_trait]
impl ResourceType<AwsClient> for AwsVolumeAttachment {
    fn name(&self) -> &'static str {
        "aws_volume_attachment"
    }

    fn schema(&self) -> ResourceSchema {
        let req = || Attribute::required(Type::String).force_new();
        let flag = || Attribute::optional(Type::Bool);
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("device_name", req())
                .attr("instance_id", req())
                .attr("volume_id", req())
                .attr("force_detach", flag())
                .attr(
                    "skip_destroy",
                    flag().describe("only remove from state on destroy"),
                )
                .attr("stop_instance_before_detaching", flag()),
        }
    }

    async fn create(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        const ACT: &str = "attaching EBS Volume";
        let key = Key::of(planned);
        // An attachment that already exists (e.g. made by hand) is adopted, as the AWS
        // provider does.
        if let Some(st) = read_key(c, planned, &key).await.or_apply(ACT)? {
            return Ok(st);
        }
        c.ec2
            .attach_volume()
            .device(&key.device)
            .instance_id(&key.instance)
            .volume_id(&key.volume)
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let made = Obj::from(planned).str("id", key.id()).into_value();
        let attached = wait_attachment(c, &key, "EBS volume attached", |s| {
            s == Some(&VolumeAttachmentState::Attached)
        });
        settle(ACT, &made, attached).await?;
        Ok(made)
    }

    /// Only the flags can change in place; they live in state alone.
    async fn update(&self, _: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        Ok(planned.clone())
    }

    async fn delete(&self, c: &AwsClient, prior: &Value) -> Result<(), ApplyError> {
        const ACT: &str = "detaching EBS Volume";
        if get_bool(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let key = Key::of(prior);
        let force = get_bool(prior, "force_detach") == Some(true);
        if get_bool(prior, "stop_instance_before_detaching") == Some(true) {
            stop_instance(c, &key.instance, force).await.or_apply(ACT)?;
        }
        let out = c
            .ec2
            .detach_volume()
            .device(&key.device)
            .instance_id(&key.instance)
            .volume_id(&key.volume)
            .force(force)
            .send()
            .await
            .aws();
        match out {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            // Already detached.
            Err(e) if e.code == "IncorrectState" && e.message.contains("available") => {
                return Ok(())
            }
            Err(e) if e.code == "InvalidAttachment.NotFound" => return Ok(()),
            Err(e) => return Err(e.apply_error(ACT)),
        }
        wait_attachment(c, &key, "EBS volume detached", |s| s.is_none())
            .await
            .or_apply(ACT)
    }

    /// An attachment is identified by its device, instance and volume.
    async fn recover(&self, _: &AwsClient, planned: &Value, _: &str) -> ValueRead {
        Ok(Some(planned.clone()))
    }

    async fn read_many(&self, c: &AwsClient, current: &[Value]) -> Vec<ValueRead> {
        let keys = keys_of(current);
        let current: Vec<Value> = current.iter().map(with_id).collect();
        read_by_id(
            "EBS Volume attachment",
            &current,
            |ids| describe_attachments(c, &keys, ids),
            state_of,
        )
        .await
    }

    /// Imports `DEVICE_NAME:VOLUME_ID:INSTANCE_ID` (the AWS provider's import ID).
    async fn import(&self, _: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        const ACT: &str = "importing EBS Volume attachment";
        let parts: Vec<&str> = id.split(':').collect();
        let [device, volume, instance] = parts[..] else {
            return Err(AwsError::local(
                "InvalidImportID",
                format!("{id:?}: expected DEVICE_NAME:VOLUME_ID:INSTANCE_ID"),
            )
            .diags(ACT));
        };
        let seed = Obj::from(&import_base(&self.schema()))
            .str("device_name", device)
            .str("instance_id", instance)
            .str("volume_id", volume);
        Ok(seed.into_value())
    }
}

fn keys_of(current: &[Value]) -> HashMap<String, Key> {
    current
        .iter()
        .map(|v| {
            let k = Key::of(v);
            (k.id(), k)
        })
        .collect()
}

/// The object with its `id` recomputed from its three keys (batching looks objects up by ID).
fn with_id(v: &Value) -> Value {
    autostack_provider_sdk::with_attr(v, "id", Value::string(Key::of(v).id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_ieee_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn attachment_id_is_vai_and_the_crc_of_the_three_keys() {
        // zlib.crc32(b"/dev/sdh-i-123-vol-456-") == 3707434307
        assert_eq!(
            attachment_id("/dev/sdh", "i-123", "vol-456"),
            "vai-3707434307"
        );
    }
}
