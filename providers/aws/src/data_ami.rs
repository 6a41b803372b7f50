//! `data "aws_ami"`: the one AMI matching owners, filters and a name pattern (the most
//! recent one when `most_recent` is set).

use crate::prelude::*;
use aws_sdk_ec2::types::Image;
use std::collections::BTreeMap;

/// The `aws_ami` data source.
pub struct DataAwsAmi;

/// Keeps the images whose names `pattern` matches anywhere. The provider compiles it with
/// Go's regexp (RE2 syntax), which the `regex` crate implements without backreferences or
/// look-around, as RE2.
fn regex_filter(pattern: &str, images: Vec<Image>) -> Result<Vec<Image>, Diagnostics> {
    let re = regex::Regex::new(pattern).map_err(|e| {
        error(
            "Invalid name_regex",
            format!("name_regex {pattern:?} is not a valid regular expression: {e}"),
        )
    })?;
    // An image without a name has nothing to match against.
    Ok(images
        .into_iter()
        .filter(|i| i.name().is_some_and(|n| !n.is_empty() && re.is_match(n)))
        .collect())
}

/// Seconds since the epoch of an RFC 3339 creation date (0 when unparsable).
fn created_secs(image: &Image) -> i64 {
    image
        .creation_date()
        .and_then(|d| {
            aws_smithy_types::DateTime::from_str(d, aws_smithy_types::date_time::Format::DateTime)
                .ok()
        })
        .map_or(0, |t| t.secs())
}

fn bdm_type() -> Type {
    Type::Object(BTreeMap::from([
        ("device_name".to_string(), Type::String),
        ("ebs".to_string(), Type::map(Type::String)),
        ("no_device".to_string(), Type::String),
        ("virtual_name".to_string(), Type::String),
    ]))
}

fn product_code_type() -> Type {
    Type::Object(BTreeMap::from([
        ("product_code_id".to_string(), Type::String),
        ("product_code_type".to_string(), Type::String),
    ]))
}

/// `block_device_mappings` as the provider flattens them (EBS settings as strings).
fn block_device_mappings(image: &Image) -> Value {
    let items = image
        .block_device_mappings()
        .iter()
        .map(|m| {
            let ebs = m.ebs().map_or(BTreeMap::new(), |e| {
                let int = |i: Option<i32>| i.unwrap_or(0).to_string();
                BTreeMap::from([
                    (
                        "delete_on_termination".to_string(),
                        e.delete_on_termination().unwrap_or(false).to_string(),
                    ),
                    (
                        "encrypted".to_string(),
                        e.encrypted().unwrap_or(false).to_string(),
                    ),
                    ("iops".to_string(), int(e.iops())),
                    (
                        "snapshot_id".to_string(),
                        e.snapshot_id().unwrap_or_default().to_string(),
                    ),
                    ("throughput".to_string(), int(e.throughput())),
                    ("volume_size".to_string(), int(e.volume_size())),
                    (
                        "volume_type".to_string(),
                        e.volume_type().map_or("", |t| t.as_str()).to_string(),
                    ),
                ])
            });
            Value::object_from([
                (
                    "device_name",
                    Value::string(m.device_name().unwrap_or_default()),
                ),
                ("ebs", map_value(&ebs)),
                (
                    "no_device",
                    Value::string(m.no_device().unwrap_or_default()),
                ),
                (
                    "virtual_name",
                    Value::string(m.virtual_name().unwrap_or_default()),
                ),
            ])
        })
        .collect();
    make_set(bdm_type(), items)
}

fn product_codes(image: &Image) -> Value {
    let items = image
        .product_codes()
        .iter()
        .map(|p| {
            Value::object_from([
                (
                    "product_code_id",
                    Value::string(p.product_code_id().unwrap_or_default()),
                ),
                (
                    "product_code_type",
                    Value::string(p.product_code_type().map_or("", |t| t.as_str())),
                ),
            ])
        })
        .collect();
    make_set(product_code_type(), items)
}

/// The snapshot behind the root device, when it is an EBS snapshot.
fn root_snapshot_id(image: &Image) -> &str {
    let Some(root) = image.root_device_name() else {
        return "";
    };
    image
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name() == Some(root))
        .and_then(|m| m.ebs())
        .and_then(|e| e.snapshot_id())
        .unwrap_or_default()
}

fn state_of(c: &AwsClient, config: &Value, image: &Image) -> Value {
    let id = image.image_id().unwrap_or_default();
    let s = |v: Option<&str>| Value::string(v.unwrap_or_default());
    let reason = BTreeMap::from([
        (
            "code".to_string(),
            image
                .state_reason()
                .and_then(|r| r.code())
                .unwrap_or("UNSET")
                .to_string(),
        ),
        (
            "message".to_string(),
            image
                .state_reason()
                .and_then(|r| r.message())
                .unwrap_or("UNSET")
                .to_string(),
        ),
    ]);
    Obj::from(config)
        .str("id", id)
        .str("image_id", id)
        .str(
            "arn",
            format!("arn:{}:ec2:{}::image/{id}", c.partition, c.region),
        )
        .set("architecture", s(image.architecture().map(|a| a.as_str())))
        .set("block_device_mappings", block_device_mappings(image))
        .set("boot_mode", s(image.boot_mode().map(|b| b.as_str())))
        .set("creation_date", s(image.creation_date()))
        .set("deprecation_time", s(image.deprecation_time()))
        .set("description", s(image.description()))
        .bool("ena_support", image.ena_support().unwrap_or(false))
        .set("hypervisor", s(image.hypervisor().map(|h| h.as_str())))
        .set("image_location", s(image.image_location()))
        .set("image_owner_alias", s(image.image_owner_alias()))
        .set("image_type", s(image.image_type().map(|t| t.as_str())))
        .set("imds_support", s(image.imds_support().map(|t| t.as_str())))
        .bool(
            "include_deprecated",
            get_bool(config, "include_deprecated").unwrap_or(false),
        )
        .set("kernel_id", s(image.kernel_id()))
        .bool(
            "most_recent",
            get_bool(config, "most_recent").unwrap_or(false),
        )
        .set("name", s(image.name()))
        .set("owner_id", s(image.owner_id()))
        .set("platform", s(image.platform().map(|p| p.as_str())))
        .set("platform_details", s(image.platform_details()))
        .set("product_codes", product_codes(image))
        .bool("public", image.public().unwrap_or(false))
        .set("ramdisk_id", s(image.ramdisk_id()))
        .set("root_device_name", s(image.root_device_name()))
        .set(
            "root_device_type",
            s(image.root_device_type().map(|t| t.as_str())),
        )
        .str("root_snapshot_id", root_snapshot_id(image))
        .set("sriov_net_support", s(image.sriov_net_support()))
        .set("state", s(image.state().map(|t| t.as_str())))
        .set("state_reason", map_value(&reason))
        .set("tags", map_value(&tag_map(image.tags())))
        .set("tpm_support", s(image.tpm_support().map(|t| t.as_str())))
        .set("usage_operation", s(image.usage_operation()))
        .set(
            "virtualization_type",
            s(image.virtualization_type().map(|t| t.as_str())),
        )
        .finish()
}

#[async_trait]
impl DataSource<AwsClient> for DataAwsAmi {
    fn name(&self) -> &'static str {
        "aws_ami"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let mut block = Block::new()
            .attr(
                "executable_users",
                Attribute::optional(Type::list(Type::String)),
            )
            .attr(
                "include_deprecated",
                Attribute::optional(Type::Bool).default(false),
            )
            .attr(
                "most_recent",
                Attribute::optional(Type::Bool).default(false),
            )
            .attr("name_regex", Attribute::optional(Type::String))
            .attr("owners", Attribute::optional(Type::list(Type::String)))
            .attr(
                "block_device_mappings",
                Attribute::computed(Type::set(bdm_type())),
            )
            .attr(
                "product_codes",
                Attribute::computed(Type::set(product_code_type())),
            )
            .attr("state_reason", Attribute::computed(Type::map(Type::String)))
            .attr(
                "tags",
                Attribute::optional_computed(Type::map(Type::String)),
            )
            .attr("ena_support", Attribute::computed(Type::Bool))
            .attr("public", Attribute::computed(Type::Bool));
        for name in [
            "id",
            "arn",
            "architecture",
            "boot_mode",
            "creation_date",
            "deprecation_time",
            "description",
            "hypervisor",
            "image_id",
            "image_location",
            "image_owner_alias",
            "image_type",
            "imds_support",
            "kernel_id",
            "name",
            "owner_id",
            "platform",
            "platform_details",
            "ramdisk_id",
            "root_device_name",
            "root_device_type",
            "root_snapshot_id",
            "sriov_net_support",
            "state",
            "tpm_support",
            "usage_operation",
            "virtualization_type",
        ] {
            block = block.attr(name, s());
        }
        ResourceSchema {
            version: 0,
            block: with_filters(block),
        }
    }

    async fn read(&self, c: &AwsClient, config: &Value) -> Result<Value, Diagnostics> {
        let filters = custom_filters(config);
        let owners = get_strings(config, "owners");
        let users = get_strings(config, "executable_users");
        let images: Vec<Image> = c
            .ec2
            .describe_images()
            .include_deprecated(get_bool(config, "include_deprecated").unwrap_or(false))
            .set_owners((!owners.is_empty()).then_some(owners))
            .set_executable_users((!users.is_empty()).then_some(users))
            .set_filters((!filters.is_empty()).then_some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .aws()
            .or_diags("reading EC2 AMIs")?;
        let mut images = match get_str(config, "name_regex") {
            Some(p) => regex_filter(p, images)?,
            None => images,
        };
        if images.is_empty() {
            return Err(error(
                "Your query returned no results. Please change your search criteria and try again.",
                "",
            ));
        }
        if images.len() > 1 {
            if !get_bool(config, "most_recent").unwrap_or(false) {
                return Err(error(
                    "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
                    "",
                ));
            }
            images.sort_by_key(|i| std::cmp::Reverse(created_secs(i)));
        }
        Ok(state_of(c, config, &images[0]))
    }
}
