//! `google_compute_attached_disk`: a disk attached to an instance (outside the instance's own
//! `attached_disk` blocks). Its ID is `projects/{project}/zones/{zone}/instances/{instance}/
//! {disk}`; refresh reads every instance involved in one aggregated list call per project.

use crate::compute::{name_filter, plan_location, At, Scope, Spec};
use crate::prelude::*;
use crate::wire::{bad_import_id, last_segment, parse_import_id, relative, same_ref};
use autostack_provider_sdk::attrs::{import_base, with_attrs};
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    ActionExt, ApplyError, Attribute, ChangeCtx, CloudError, ResourceSchema, ResourceType,
};
use std::collections::BTreeMap;

/// The `google_compute_attached_disk` resource type.
pub struct ComputeAttachedDisk;

static SPEC: Spec = Spec {
    name: "google_compute_attached_disk",
    what: "AttachedDisk",
    scope: Scope::Zone,
    collection: "instances",
    labels: false,
    aggregated: true,
    version: 0,
};

const IMPORT: [&str; 2] = [
    "projects/{project}/zones/{zone}/instances/{instance}/{disk}",
    "{project}/{zone}/{instance}/{disk}",
];

/// Where an attachment lives: the instance's address (its zone from a link, else the
/// attachment's own) and the disk's name.
fn parts(c: &GcpClient, v: &Value) -> (At, String) {
    let instance = get_str(v, "instance").unwrap_or_default();
    let rel = relative(instance);
    let seg: Vec<&str> = rel.split('/').collect();
    let mut at = At::of(c, &SPEC, v);
    if seg.len() == 6 && seg[0] == "projects" && seg[2] == "zones" {
        at.project = seg[1].to_string();
        at.location = seg[3].to_string();
    }
    at.name = last_segment(instance).to_string();
    (
        at,
        last_segment(get_str(v, "disk").unwrap_or_default()).to_string(),
    )
}

fn id_of(at: &At, disk: &str) -> String {
    format!(
        "projects/{}/zones/{}/instances/{}/{disk}",
        at.project, at.location, at.name
    )
}

fn disk_link(at: &At, disk: &str) -> String {
    format!("projects/{}/zones/{}/disks/{disk}", at.project, at.location)
}

#[async_trait]
impl ResourceType<GcpClient> for ComputeAttachedDisk {
    fn name(&self) -> &'static str {
        SPEC.name
    }

    fn schema(&self) -> ResourceSchema {
        let block = attributes! {
            "disk": required(Type::String).force_new() => "The disk (name, ID or link).",
            "instance": required(Type::String).force_new() => "The instance (name, ID or link).",
            "project": optional_computed(Type::String).force_new() => "The project.",
            "zone": optional_computed(Type::String).force_new() => "The zone.",
            "device_name": optional_computed(Type::String).force_new() => "The device name.",
            "mode": optional(Type::String).force_new().default("READ_WRITE") => "READ_WRITE or READ_ONLY.",
            "interface": optional(Type::String).force_new() => "SCSI or NVME.",
        }
        .attr("id", Attribute::computed(Type::String));
        ResourceSchema { version: 0, block }
    }

    async fn plan(&self, c: &GcpClient, mut p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        p.planned.planned = plan_location(c, &SPEC, &p.planned.planned);
        Ok(p.planned)
    }

    async fn create(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let (at, disk) = parts(c, planned);
        let action = "attaching disk";
        let body: model::AttachedDisk = from_json(body_of(vec![
            ("source", json!(disk_link(&at, &disk))),
            ("deviceName", opt(planned, "device_name")),
            ("mode", opt(planned, "mode")),
            ("interface", opt(planned, "interface")),
        ]))
        .or_apply(action)?;
        let i = &c.compute.instances;
        let op = c
            .call(|| async {
                i.attach_disk()
                    .set_project(&at.project)
                    .set_zone(&at.location)
                    .set_instance(&at.name)
                    .set_body(body.clone())
                    .send()
                    .await
                    .gcp()
            })
            .await
            .or_apply(action)?;
        crate::ops::wait(c, &at.project, op)
            .await
            .or_apply(action)?;
        Ok(with_attrs(
            planned,
            [
                ("id", Value::string(id_of(&at, &disk))),
                ("project", Value::string(at.project.as_str())),
                ("zone", Value::string(at.location.as_str())),
            ],
        ))
    }

    async fn delete(&self, c: &GcpClient, prior: &Value) -> Result<(), ApplyError> {
        let (at, disk) = parts(c, prior);
        let device = nonempty_str(prior, "device_name")
            .unwrap_or(&disk)
            .to_string();
        let i = &c.compute.instances;
        c.delete("detaching disk", || async {
            let op = c
                .call(|| async {
                    i.detach_disk()
                        .set_project(&at.project)
                        .set_zone(&at.location)
                        .set_instance(&at.name)
                        .set_device_name(&device)
                        .send()
                        .await
                        .gcp()
                })
                .await?;
            crate::ops::wait(c, &at.project, op).await
        })
        .await
    }

    async fn read_many(&self, c: &GcpClient, current: &[Value]) -> Vec<ValueRead> {
        let all: Vec<(At, String)> = current.iter().map(|v| parts(c, v)).collect();
        let mut by_project: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (at, _) in &all {
            by_project.entry(&at.project).or_default().push(&at.name);
        }
        let mut instances: HashMap<String, Json> = HashMap::new();
        for (project, mut names) in by_project {
            names.sort_unstable();
            names.dedup();
            for chunk in names.chunks(crate::compute::BATCH) {
                let found: Result<Vec<Json>, GcpError> = list_all!(
                    c,
                    c.compute
                        .instances
                        .aggregated_list()
                        .set_project(project)
                        .set_filter(name_filter(chunk)),
                    "instances"
                );
                match found {
                    Ok(xs) => instances.extend(
                        xs.into_iter()
                            .map(|i| (relative(s(&i, "selfLink")).to_string(), i)),
                    ),
                    Err(e) => {
                        return current
                            .iter()
                            .map(|_| Err(e.diags("reading AttachedDisk")))
                            .collect()
                    }
                }
            }
        }
        current
            .iter()
            .zip(&all)
            .map(|(v, (at, disk))| {
                let inst = instances.get(&at.id(&SPEC));
                let att = inst.and_then(|i| {
                    i["disks"]
                        .as_array()?
                        .iter()
                        .find(|d| same_ref(s(d, "source"), &disk_link(at, disk)))
                        .cloned()
                });
                Ok(att.map(|d| {
                    Obj::from(v)
                        .str("id", id_of(at, disk))
                        .str("project", at.project.as_str())
                        .str("zone", at.location.as_str())
                        .str("device_name", s(&d, "deviceName"))
                        .str("mode", s(&d, "mode"))
                        .finish()
                }))
            })
            .collect()
    }

    async fn recover(&self, c: &GcpClient, planned: &Value, _token: &str) -> ValueRead {
        let (at, disk) = parts(c, planned);
        Ok(Some(with_attrs(
            planned,
            [("id", Value::string(id_of(&at, &disk)))],
        )))
    }

    async fn import(&self, _c: &GcpClient, id: &str) -> Result<Value, Diagnostics> {
        let m = parse_import_id(id, &IMPORT).ok_or_else(|| bad_import_id(id, &IMPORT))?;
        let at = At {
            project: m["project"].clone(),
            location: m["zone"].clone(),
            name: m["instance"].clone(),
        };
        let seed = [
            ("project", Value::string(at.project.as_str())),
            ("zone", Value::string(at.location.as_str())),
            ("instance", Value::string(at.id(&SPEC))),
            ("disk", Value::string(disk_link(&at, &m["disk"]))),
            ("id", Value::string(id_of(&at, &m["disk"]))),
        ];
        Ok(with_attrs(&import_base(&self.schema()), seed))
    }
}
