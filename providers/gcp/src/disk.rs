//! `google_compute_disk`: a zonal persistent disk. `size` grows in place (`resize`); a
//! smaller size replaces the disk, as hashicorp/google's `IsDiskShrinkage` does.

use crate::prelude::*;
use autostack_provider_sdk::PathStep;

/// The `google_compute_disk` resource type.
pub struct ComputeDisk;

static SPEC: Spec = Spec {
    name: "google_compute_disk",
    what: "Disk",
    scope: Scope::Zone,
    collection: "disks",
    labels: true,
    aggregated: true,
    version: 0,
};

fn key_block() -> Block {
    attributes! {
        "kms_key_self_link": optional(Type::String).force_new() => "A Cloud KMS key.",
        "kms_key_service_account": optional(Type::String).force_new() => "The service account that uses the key.",
        "raw_key": optional(Type::String).force_new().sensitive() => "A customer-supplied key (base64).",
        "rsa_encrypted_key": optional(Type::String).force_new().sensitive() => "An RSA-wrapped customer key.",
        "sha256": computed(Type::String) => "The key's SHA-256.",
    }
}

#[async_trait]
impl ComputeKind for ComputeDisk {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn schema(&self) -> Block {
        let mut b = attributes! {
            "name": required(Type::String).force_new() => "Name of the disk.",
            "size": optional_computed(Type::Number) => "Size in GB (grows in place).",
            "type": optional(Type::String).force_new().default("pd-standard") => "The disk type (pd-standard, pd-balanced, pd-ssd, ...).",
            "image": optional(Type::String).force_new() => "The image to create the disk from.",
            "snapshot": optional(Type::String).force_new() => "The snapshot to create the disk from.",
            "source_disk": optional(Type::String).force_new() => "The disk to clone.",
            "source_instant_snapshot": optional(Type::String).force_new() => "The instant snapshot to restore.",
            "source_storage_object": optional(Type::String).force_new() => "A Cloud Storage object to import.",
            "storage_pool": optional(Type::String).force_new() => "The storage pool.",
            "description": optional(Type::String).force_new() => "An optional description.",
            "physical_block_size_bytes": optional_computed(Type::Number).force_new() => "4096 or 16384.",
            "provisioned_iops": optional_computed(Type::Number) => "Provisioned IOPS.",
            "provisioned_throughput": optional_computed(Type::Number) => "Provisioned throughput (MB/s).",
            "access_mode": optional_computed(Type::String) => "READ_WRITE_SINGLE, READ_WRITE_MANY or READ_ONLY_MANY.",
            "architecture": optional(Type::String).force_new() => "X86_64 or ARM64.",
            "enable_confidential_compute": optional_computed(Type::Bool).force_new() => "Confidential compute.",
            "licenses": optional_computed(Type::list(Type::String)).force_new() => "Licenses of the disk.",
            "create_snapshot_before_destroy": optional(Type::Bool).default(false) => "Snapshot the disk before deleting it.",
            "create_snapshot_before_destroy_prefix": optional(Type::String) => "Prefix of that snapshot's name.",
            "disk_id": computed(Type::String) => "The unique identifier.",
            "creation_timestamp": computed(Type::String) => "Creation time (RFC 3339).",
            "label_fingerprint": computed(Type::String) => "The labels' fingerprint.",
            "last_attach_timestamp": computed(Type::String) => "Last attach time.",
            "last_detach_timestamp": computed(Type::String) => "Last detach time.",
            "source_disk_id": computed(Type::String) => "ID of the source disk.",
            "source_image_id": computed(Type::String) => "ID of the source image.",
            "source_instant_snapshot_id": computed(Type::String) => "ID of the source instant snapshot.",
            "source_snapshot_id": computed(Type::String) => "ID of the source snapshot.",
            "users": computed(Type::list(Type::String)) => "Instances the disk is attached to.",
        };
        for k in [
            "disk_encryption_key",
            "source_image_encryption_key",
            "source_snapshot_encryption_key",
        ] {
            b = b.block(k, Nesting::List, key_block()).tune(k, |n| {
                n.max_items = 1;
                n.force_new = true;
            });
        }
        b.block(
            "guest_os_features",
            Nesting::Set,
            attributes! { "type": required(Type::String).force_new() => "A guest OS feature." },
        )
        .tune("guest_os_features", |n| {
            n.computed = true;
            n.force_new = true;
        })
        .block(
            "async_primary_disk",
            Nesting::List,
            attributes! { "disk": required(Type::String).force_new() => "The primary disk." },
        )
        .tune("async_primary_disk", |n| {
            n.max_items = 1;
            n.force_new = true;
        })
        .block("params", Nesting::List, crate::common::params_block())
        .tune("params", |n| {
            n.max_items = 1;
            n.force_new = true;
        })
    }

    fn plan(&self, _: &GcpClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let Some(prior) = p.prior() else {
            return Ok(p.planned);
        };
        let (old, new) = (get_int(prior, "size"), get_int(&p.planned.planned, "size"));
        match (old, new) {
            (Some(o), Some(n)) if n < o && p.planned.requires_replace.is_empty() => {
                let mut fresh = p.plan_from(None, p.proposed());
                fresh.planned =
                    crate::compute::plan_location_pub(&p.planned.planned, &fresh.planned);
                fresh.requires_replace = vec![vec![PathStep::Attr("size".into())]];
                Ok(fresh)
            }
            _ => Ok(p.planned),
        }
    }

    fn body(&self, _: &GcpClient, at: &At, p: &Value) -> Result<Json, Diagnostics> {
        let disk_type = nonempty_str(p, "type").map(|t| match t.contains('/') {
            true => t.to_string(),
            false => format!(
                "projects/{}/zones/{}/diskTypes/{t}",
                at.project, at.location
            ),
        });
        Ok(body_of(vec![
            ("name", json!(at.name)),
            (
                "sizeGb",
                get_int(p, "size").map_or(Json::Null, |n| json!(n.to_string())),
            ),
            ("type", disk_type.map_or(Json::Null, Json::String)),
            ("sourceImage", opt(p, "image")),
            ("sourceSnapshot", opt(p, "snapshot")),
            ("description", opt(p, "description")),
            (
                "physicalBlockSizeBytes",
                get_int(p, "physical_block_size_bytes")
                    .map_or(Json::Null, |n| json!(n.to_string())),
            ),
            (
                "provisionedIops",
                get_int(p, "provisioned_iops").map_or(Json::Null, |n| json!(n.to_string())),
            ),
            ("architecture", opt(p, "architecture")),
            (
                "labels",
                json!(get(p, "effective_labels")
                    .map(autostack_provider_sdk::attrs::string_map)
                    .unwrap_or_default()),
            ),
        ]))
    }

    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        mut body: Json,
        id: &str,
    ) -> Result<Operation, GcpError> {
        if let Some(i) = body["sourceImage"].as_str().map(str::to_string) {
            body["sourceImage"] = json!(crate::image::resolve_image(c, &i, &at.project).await?);
        }
        let d: model::Disk = from_json(body)?;
        c.compute
            .disks
            .insert()
            .set_project(&at.project)
            .set_zone(&at.location)
            .set_or_clear_request_id(request_id(id))
            .set_body(d)
            .send()
            .await
            .gcp()
    }

    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError> {
        list_all!(
            c,
            c.compute
                .disks
                .aggregated_list()
                .set_project(&at.project)
                .set_filter(filter),
            "disks"
        )
    }

    fn state_of(&self, _: &GcpClient, prior: &Value, d: &Json) -> Obj {
        let id = |k: &str| d[k].as_str().map(str::to_string).unwrap_or_default();
        let mut o = Obj::from(prior)
            .set("size", number(&d["sizeGb"]))
            .str("type", crate::wire::last_segment(s(d, "type")))
            .echo_str("description", d, "description")
            .set(
                "physical_block_size_bytes",
                number(&d["physicalBlockSizeBytes"]),
            )
            .set("provisioned_iops", number(&d["provisionedIops"]))
            .set(
                "provisioned_throughput",
                number(&d["provisionedThroughput"]),
            )
            .str("access_mode", s(d, "accessMode"))
            .bool(
                "enable_confidential_compute",
                d["enableConfidentialCompute"].as_bool().unwrap_or(false),
            )
            .set("licenses", string_list(strings(&d["licenses"])))
            .str("disk_id", id("id"))
            .set("creation_timestamp", string(d, "creationTimestamp"))
            .set("label_fingerprint", string(d, "labelFingerprint"))
            .set("last_attach_timestamp", string(d, "lastAttachTimestamp"))
            .set("last_detach_timestamp", string(d, "lastDetachTimestamp"))
            .str("source_disk_id", id("sourceDiskId"))
            .str("source_image_id", id("sourceImageId"))
            .str("source_instant_snapshot_id", id("sourceInstantSnapshotId"))
            .str("source_snapshot_id", id("sourceSnapshotId"))
            .set("users", string_list(strings(&d["users"])));
        if get_str(prior, "image").is_none() && !s(d, "sourceImage").is_empty() {
            o = o.str("image", s(d, "sourceImage"));
        }
        o
    }

    async fn update(
        &self,
        c: &GcpClient,
        at: &At,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), GcpError> {
        if !autostack_provider_sdk::attrs::changed(prior, planned, "size") {
            return Ok(());
        }
        let body: model::DisksResizeRequest =
            from_json(json!({"sizeGb": get_int(planned, "size").unwrap_or(0).to_string()}))?;
        let op = c
            .call(|| async {
                c.compute
                    .disks
                    .resize()
                    .set_project(&at.project)
                    .set_zone(&at.location)
                    .set_disk(&at.name)
                    .set_body(body.clone())
                    .send()
                    .await
                    .gcp()
            })
            .await?;
        crate::ops::wait(c, &at.project, op).await
    }

    async fn set_labels(
        &self,
        c: &GcpClient,
        at: &At,
        labels: HashMap<String, String>,
        fp: &str,
    ) -> Result<Operation, GcpError> {
        let body: model::ZoneSetLabelsRequest = labels_body(labels, fp)?;
        c.compute
            .disks
            .set_labels()
            .set_project(&at.project)
            .set_zone(&at.location)
            .set_resource(&at.name)
            .set_body(body)
            .send()
            .await
            .gcp()
    }

    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError> {
        c.compute
            .disks
            .delete()
            .set_project(&at.project)
            .set_zone(&at.location)
            .set_disk(&at.name)
            .send()
            .await
            .gcp()
    }
}
