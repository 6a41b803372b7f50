//! `google_compute_instance`: a VM. Labels, metadata, network tags and attached disks change
//! in place (`setLabels`, `setMetadata`, `setTags`, `attachDisk`/`detachDisk`, each with the
//! current fingerprint); `machine_type` too, by stop → `setMachineType` → start, when
//! `allow_stopping_for_update = true` (as hashicorp/google does). Refresh reads every
//! instance of a project in one aggregated list call and their boot disks in one more.

use crate::compute::{keep_same_refs, name_filter, unknown_when_changed};
use crate::instance_wire::{attached_json, body, canonical_scope, metadata_items, state};
use crate::prelude::*;
use crate::wire::{relative, same_ref};
use autostack_provider_sdk::attrs::{changed, with_attr};
use autostack_provider_sdk::PathStep;

/// The `google_compute_instance` resource type.
pub struct ComputeInstance;

static SPEC: Spec = Spec {
    name: "google_compute_instance",
    what: "Instance",
    scope: Scope::Zone,
    collection: "instances",
    labels: true,
    aggregated: true,
    version: 6,
};

/// Arguments whose change this provider applies by replacing the instance (hashicorp/google
/// changes some of them in place with calls the Compute Engine double does not serve).
const REPLACED: [&str; 4] = [
    "network_interface",
    "service_account",
    "scheduling",
    "can_ip_forward",
];

#[async_trait]
impl ComputeKind for ComputeInstance {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn schema(&self) -> Block {
        crate::instance_schema::instance()
    }

    /// Interfaces' `network` and `subnetwork`, the boot disk's `source` and attached disks'
    /// `source` keep the prior form of the same object.
    fn normalize(&self, prior: &Value, proposed: &Value) -> Value {
        let nested = |v: &Value, block: &str, names: &[&str]| -> Option<(String, Value)> {
            let (old, new) = (get_blocks(prior, block), get_blocks(v, block));
            let ty = get(v, block)?.ty();
            let items: Vec<Value> = new
                .iter()
                .enumerate()
                .map(|(i, n)| match (block, old.get(i)) {
                    ("attached_disk", _) => old
                        .iter()
                        .find(|o| {
                            get_str(o, "source")
                                .zip(get_str(n, "source"))
                                .is_some_and(|(a, b)| same_ref(a, b))
                        })
                        .map_or(n.clone(), |o| keep_same_refs(o, n, names)),
                    (_, Some(o)) => keep_same_refs(o, n, names),
                    (_, None) => n.clone(),
                })
                .collect();
            Some((
                block.to_string(),
                Value::list(ty.element_type()?.clone(), items),
            ))
        };
        let mut out = proposed.clone();
        for (block, names) in [
            ("network_interface", &["network", "subnetwork"][..]),
            ("attached_disk", &["source"][..]),
            ("boot_disk", &["source"][..]),
        ] {
            if let Some((k, v)) = nested(&out, block, names) {
                out = with_attr(&out, &k, v);
            }
        }
        out
    }

    fn plan(&self, _: &GcpClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let mut out = p.planned.clone();
        out.planned = canonical_scopes(&out.planned);
        let Some(prior) = p.prior() else {
            return Ok(out);
        };
        let replaced: Vec<&str> = REPLACED
            .iter()
            .copied()
            .filter(|a| {
                changed(prior, &out.planned, a)
                    && !(*a == "network_interface" && same_nics(prior, &out.planned))
            })
            .collect();
        if !replaced.is_empty() && out.requires_replace.is_empty() {
            let mut fresh = p.plan_from(None, p.proposed());
            fresh.planned =
                crate::compute::plan_location_pub(&out.planned, &canonical_scopes(&fresh.planned));
            fresh.requires_replace = replaced
                .iter()
                .map(|a| vec![PathStep::Attr(a.to_string())])
                .collect();
            return Ok(fresh);
        }
        if out.requires_replace.is_empty() {
            let planned =
                unknown_when_changed(prior, out.planned, "metadata", &["metadata_fingerprint"]);
            let planned = unknown_when_changed(
                prior,
                planned,
                "metadata_startup_script",
                &["metadata_fingerprint"],
            );
            out.planned = unknown_when_changed(prior, planned, "tags", &["tags_fingerprint"]);
        }
        Ok(out)
    }

    fn body(&self, _: &GcpClient, at: &At, p: &Value) -> Result<Json, Diagnostics> {
        Ok(body(at, p))
    }

    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        mut body: Json,
        id: &str,
    ) -> Result<Operation, GcpError> {
        if let Some(img) = body["disks"][0]["initializeParams"]["sourceImage"]
            .as_str()
            .map(str::to_string)
        {
            body["disks"][0]["initializeParams"]["sourceImage"] =
                json!(crate::image::resolve_image(c, &img, &at.project).await?);
        }
        let inst: model::Instance = from_json(body)?;
        c.compute
            .instances
            .insert()
            .set_project(&at.project)
            .set_zone(&at.location)
            .set_or_clear_request_id(request_id(id))
            .set_body(inst)
            .send()
            .await
            .gcp()
    }

    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError> {
        list_all!(
            c,
            c.compute
                .instances
                .aggregated_list()
                .set_project(&at.project)
                .set_filter(filter),
            "instances"
        )
    }

    /// Every boot disk in one aggregated disks list per project.
    async fn enrich(&self, c: &GcpClient, items: &mut [Json]) -> Result<(), GcpError> {
        let boot_of = |i: &Json| -> Option<String> {
            let d = i["disks"]
                .as_array()?
                .iter()
                .find(|d| d["boot"].as_bool() == Some(true))?;
            Some(relative(s(d, "source")).to_string())
        };
        let mut by_project: HashMap<String, Vec<String>> = HashMap::new();
        for link in items.iter().filter_map(boot_of) {
            let parts: Vec<&str> = link.split('/').collect();
            if let (Some(p), Some(n)) = (parts.get(1), parts.last()) {
                by_project
                    .entry(p.to_string())
                    .or_default()
                    .push(n.to_string());
            }
        }
        let mut disks: HashMap<String, Json> = HashMap::new();
        for (project, mut names) in by_project {
            names.sort_unstable();
            names.dedup();
            for chunk in names.chunks(crate::compute::BATCH) {
                let found: Result<Vec<Json>, GcpError> = list_all!(
                    c,
                    c.compute
                        .disks
                        .aggregated_list()
                        .set_project(&project)
                        .set_filter(name_filter(chunk)),
                    "disks"
                );
                disks.extend(
                    found?
                        .into_iter()
                        .map(|d| (relative(s(&d, "selfLink")).to_string(), d)),
                );
            }
        }
        for i in items.iter_mut() {
            if let Some(d) = boot_of(i).and_then(|l| disks.get(&l)) {
                i["_bootDisk"] = d.clone();
            }
        }
        Ok(())
    }

    fn state_of(&self, _: &GcpClient, prior: &Value, item: &Json) -> Obj {
        state(prior, item)
    }

    async fn update(
        &self,
        c: &GcpClient,
        at: &At,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), GcpError> {
        if changed(prior, planned, "machine_type") {
            self.set_machine_type(c, at, planned).await?;
        }
        if changed(prior, planned, "metadata") || changed(prior, planned, "metadata_startup_script")
        {
            let items = metadata_items(planned);
            self.fingerprinted(c, at, |fp| {
                let items = items.clone();
                async move {
                    let md: model::Metadata =
                        from_json(json!({"items": items, "fingerprint": fp.metadata}))?;
                    c.compute
                        .instances
                        .set_metadata()
                        .set_project(&at.project)
                        .set_zone(&at.location)
                        .set_instance(&at.name)
                        .set_body(md)
                        .send()
                        .await
                        .gcp()
                }
            })
            .await?;
        }
        if changed(prior, planned, "tags") {
            let items = get_strings(planned, "tags");
            self.fingerprinted(c, at, |fp| {
                let items = items.clone();
                async move {
                    let tags: model::Tags =
                        from_json(json!({"items": items, "fingerprint": fp.tags}))?;
                    c.compute
                        .instances
                        .set_tags()
                        .set_project(&at.project)
                        .set_zone(&at.location)
                        .set_instance(&at.name)
                        .set_body(tags)
                        .send()
                        .await
                        .gcp()
                }
            })
            .await?;
        }
        if changed(prior, planned, "attached_disk") {
            self.reattach(c, at, prior, planned).await?;
        }
        Ok(())
    }

    async fn set_labels(
        &self,
        c: &GcpClient,
        at: &At,
        labels: HashMap<String, String>,
        fp: &str,
    ) -> Result<Operation, GcpError> {
        let body: model::InstancesSetLabelsRequest = labels_body(labels, fp)?;
        c.compute
            .instances
            .set_labels()
            .set_project(&at.project)
            .set_zone(&at.location)
            .set_instance(&at.name)
            .set_body(body)
            .send()
            .await
            .gcp()
    }

    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError> {
        c.compute
            .instances
            .delete()
            .set_project(&at.project)
            .set_zone(&at.location)
            .set_instance(&at.name)
            .send()
            .await
            .gcp()
    }
}

/// The fingerprints an instance's setters must quote.
struct Fingerprints {
    metadata: String,
    tags: String,
}

impl ComputeInstance {
    async fn get(&self, c: &GcpClient, at: &At) -> Result<Json, GcpError> {
        let inst = c
            .call(|| async {
                c.compute
                    .instances
                    .get()
                    .set_project(&at.project)
                    .set_zone(&at.location)
                    .set_instance(&at.name)
                    .send()
                    .await
                    .gcp()
            })
            .await?;
        Ok(to_json(&inst))
    }

    /// Runs `call` with the current fingerprints and waits for its operation; a fingerprint
    /// that changed in between (412) reads them again.
    async fn fingerprinted<F, Fut>(&self, c: &GcpClient, at: &At, call: F) -> Result<(), GcpError>
    where
        F: Fn(Fingerprints) -> Fut,
        Fut: std::future::Future<Output = Result<Operation, GcpError>>,
    {
        let once = || async {
            let i = self.get(c, at).await?;
            let fp = Fingerprints {
                metadata: s(&i["metadata"], "fingerprint").to_string(),
                tags: s(&i["tags"], "fingerprint").to_string(),
            };
            let op = call(fp).await?;
            crate::ops::wait(c, &at.project, op).await
        };
        autostack_provider_sdk::retry::retry_class(
            c.retry,
            once,
            autostack_provider_sdk::ErrorClass::is_settling,
        )
        .await
    }

    async fn run(
        &self,
        c: &GcpClient,
        at: &At,
        op: Result<Operation, GcpError>,
    ) -> Result<(), GcpError> {
        crate::ops::wait(c, &at.project, op?).await
    }

    /// Stop, `setMachineType`, start: only with `allow_stopping_for_update = true`.
    async fn set_machine_type(
        &self,
        c: &GcpClient,
        at: &At,
        planned: &Value,
    ) -> Result<(), GcpError> {
        if get_bool(planned, "allow_stopping_for_update") != Some(true) {
            return Err(GcpError::local("invalid", "Changing the machine_type, min_cpu_platform, service_account, enable_display, shielded_instance_config, scheduling.node_affinities or network_interface.[#d].(network/subnetwork/subnetwork_project) or advanced_machine_features on a started instance requires stopping it. To acknowledge this, please set allow_stopping_for_update = true in your config. You can also stop it by setting desired_status = \"TERMINATED\", but the instance will not be restarted after the update."));
        }
        let (p, z, n) = (&at.project, &at.location, &at.name);
        let i = &c.compute.instances;
        let running = self.get(c, at).await?["status"].as_str() == Some("RUNNING");
        if running {
            self.run(
                c,
                at,
                c.call(|| async {
                    i.stop()
                        .set_project(p)
                        .set_zone(z)
                        .set_instance(n)
                        .send()
                        .await
                        .gcp()
                })
                .await,
            )
            .await?;
        }
        let mt = format!(
            "zones/{z}/machineTypes/{}",
            get_str(planned, "machine_type").unwrap_or_default()
        );
        let body: model::InstancesSetMachineTypeRequest = from_json(json!({"machineType": mt}))?;
        self.run(
            c,
            at,
            c.call(|| async {
                i.set_machine_type()
                    .set_project(p)
                    .set_zone(z)
                    .set_instance(n)
                    .set_body(body.clone())
                    .send()
                    .await
                    .gcp()
            })
            .await,
        )
        .await?;
        if running {
            self.run(
                c,
                at,
                c.call(|| async {
                    i.start()
                        .set_project(p)
                        .set_zone(z)
                        .set_instance(n)
                        .send()
                        .await
                        .gcp()
                })
                .await,
            )
            .await?;
        }
        Ok(())
    }

    /// Detaches the disks the plan drops and attaches the ones it adds.
    async fn reattach(
        &self,
        c: &GcpClient,
        at: &At,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), GcpError> {
        let (old, new) = (
            get_blocks(prior, "attached_disk"),
            get_blocks(planned, "attached_disk"),
        );
        let src = |v: &Value| get_str(v, "source").unwrap_or_default().to_string();
        let i = &c.compute.instances;
        for gone in old
            .iter()
            .filter(|o| !new.iter().any(|n| same_ref(&src(n), &src(o))))
        {
            let device = get_str(gone, "device_name").unwrap_or_default();
            let op = c
                .call(|| async {
                    i.detach_disk()
                        .set_project(&at.project)
                        .set_zone(&at.location)
                        .set_instance(&at.name)
                        .set_device_name(device)
                        .send()
                        .await
                        .gcp()
                })
                .await;
            self.run(c, at, op).await?;
        }
        for added in new
            .iter()
            .filter(|n| !old.iter().any(|o| same_ref(&src(n), &src(o))))
        {
            let disk: model::AttachedDisk = from_json(attached_json(added))?;
            let op = c
                .call(|| async {
                    i.attach_disk()
                        .set_project(&at.project)
                        .set_zone(&at.location)
                        .set_instance(&at.name)
                        .set_body(disk.clone())
                        .send()
                        .await
                        .gcp()
                })
                .await;
            self.run(c, at, op).await?;
        }
        Ok(())
    }
}

/// `service_account.scopes` with aliases expanded (the provider's StateFunc).
fn canonical_scopes(planned: &Value) -> Value {
    let accounts = get_blocks(planned, "service_account");
    let known = |a: &Value| get(a, "scopes").is_some_and(Value::is_wholly_known);
    if accounts.is_empty() || !accounts.iter().all(known) {
        return planned.clone();
    }
    let fixed: Vec<Value> = accounts
        .iter()
        .map(|a| {
            with_attr(
                a,
                "scopes",
                string_set(get_strings(a, "scopes").iter().map(|s| canonical_scope(s))),
            )
        })
        .collect();
    let ty = crate::instance_schema::service_account().value_type();
    with_attr(planned, "service_account", Value::list(ty, fixed))
}

/// True when the network interfaces differ only in what the API fills in (computed values
/// the configuration leaves unset).
fn same_nics(prior: &Value, planned: &Value) -> bool {
    let (a, b) = (
        get_blocks(prior, "network_interface"),
        get_blocks(planned, "network_interface"),
    );
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| !autostack_provider_sdk::differs(x, y))
}
