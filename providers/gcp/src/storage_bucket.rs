//! `google_storage_bucket`: a Cloud Storage bucket, through the JSON API (`storage/v1/b`).
//! Deleting a bucket that still holds objects is refused unless `force_destroy = true`, which
//! deletes every object first (checked here: fake-gcs-server deletes non-empty buckets,
//! real Cloud Storage does not).

use crate::prelude::*;
use crate::storage::{bucket_url, common_prefix, list_objects, list_pages, object_url};
use autostack_provider_sdk::attrs::{changed, import_base, with_attrs};
use autostack_provider_sdk::labels::GOOGLE_LABELS;
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    ActionExt, ApplyError, ChangeCtx, CloudError, ResourceSchema, ResourceType,
};
use std::collections::BTreeMap;

/// The `google_storage_bucket` resource type.
pub struct StorageBucket;

/// Blocks hashicorp/google accepts that this provider does not apply yet: configuring one is
/// an error rather than silently ignored.
const UNSUPPORTED: [&str; 10] = [
    "lifecycle_rule",
    "website",
    "cors",
    "logging",
    "retention_policy",
    "autoclass",
    "encryption",
    "custom_placement_config",
    "hierarchical_namespace",
    "ip_filter",
];

fn versioning() -> Block {
    attributes! { "enabled": required(Type::Bool) => "Keep every version of every object." }
}

fn soft_delete() -> Block {
    attributes! {
        "retention_duration_seconds": optional(Type::Number).default(604800) => "How long deleted objects are kept.",
        "effective_time": computed(Type::String) => "When the policy took effect.",
    }
}

fn schema_block() -> Block {
    let b = attributes! {
        "name": required(Type::String).force_new() => "The bucket's name (global).",
        "location": required(Type::String).force_new() => "Location (US, EU, a region); stored upper-case.",
        "project": optional_computed(Type::String).force_new() => "The project.",
        "force_destroy": optional(Type::Bool).default(false) => "Delete every object when the bucket is destroyed.",
        "storage_class": optional(Type::String).default("STANDARD") => "STANDARD, NEARLINE, COLDLINE, ARCHIVE, ...",
        "requester_pays": optional(Type::Bool) => "Requesters pay for access.",
        "default_event_based_hold": optional(Type::Bool) => "New objects get an event-based hold.",
        "enable_object_retention": optional(Type::Bool).force_new() => "Per-object retention.",
        "uniform_bucket_level_access": optional_computed(Type::Bool) => "Uniform bucket-level access (no object ACLs).",
        "public_access_prevention": optional_computed(Type::String) => "inherited or enforced.",
        "rpo": optional_computed(Type::String) => "DEFAULT or ASYNC_TURBO (dual-region).",
        "project_number": computed(Type::Number) => "The project's number.",
        "self_link": computed(Type::String) => "The bucket's URI.",
        "url": computed(Type::String) => "gs://NAME.",
        "time_created": computed(Type::String) => "Creation time.",
        "updated": computed(Type::String) => "Last metadata update.",
        "id": computed(Type::String) => "The bucket's name.",
        "deletion_policy": optional_computed(Type::String) => "DELETE (the default), ABANDON or PREVENT.",
    }
    .block("versioning", Nesting::List, versioning())
    .tune("versioning", |n| { n.max_items = 1; n.computed = true; })
    .block("soft_delete_policy", Nesting::List, soft_delete())
    .tune("soft_delete_policy", |n| { n.max_items = 1; n.computed = true; });
    let b = GOOGLE_LABELS.attrs(b);
    UNSUPPORTED.iter().fold(b, |b, name| {
        b.block(
            name,
            Nesting::List,
            crate::storage_schema::unsupported_block(name),
        )
    })
}

fn body(c: &GcpClient, p: &Value) -> Json {
    body_with(&c.labels, p)
}

fn body_with(labels: &autostack_provider_sdk::labels::Labels, p: &Value) -> Json {
    let mut b = body_of(vec![
        ("name", opt(p, "name")),
        (
            "location",
            json!(get_str(p, "location")
                .unwrap_or_default()
                .to_ascii_uppercase()),
        ),
        ("storageClass", opt(p, "storage_class")),
        ("rpo", opt(p, "rpo")),
        ("labels", json!(labels.to_write(p))),
    ]);
    if let Some(v) = get_blocks(p, "versioning").first() {
        b["versioning"] = json!({"enabled": get_bool(v, "enabled").unwrap_or(false)});
    }
    let mut iam = serde_json::Map::new();
    if let Some(u) = get_bool(p, "uniform_bucket_level_access") {
        iam.insert("uniformBucketLevelAccess".into(), json!({"enabled": u}));
    }
    if let Some(pap) = nonempty_str(p, "public_access_prevention") {
        iam.insert("publicAccessPrevention".into(), json!(pap));
    }
    if !iam.is_empty() {
        b["iamConfiguration"] = Json::Object(iam);
    }
    if let Some(r) = get_bool(p, "requester_pays") {
        b["billing"] = json!({"requesterPays": r});
    }
    if let Some(h) = get_bool(p, "default_event_based_hold") {
        b["defaultEventBasedHold"] = json!(h);
    }
    b
}

/// The `versioning` and `soft_delete_policy` blocks of a bucket.
fn block_states(o: Obj, prior: &Value, b: &Json) -> Obj {
    let versions: Vec<Value> = match (
        b["versioning"]["enabled"].as_bool(),
        get_blocks(prior, "versioning").is_empty(),
    ) {
        (Some(e), _) => vec![Value::object_from([("enabled", Value::bool(e))])],
        (None, false) => vec![Value::object_from([("enabled", Value::bool(false))])],
        (None, true) => Vec::new(),
    };
    let soft: Vec<Value> = b
        .get("softDeletePolicy")
        .map(|sd| {
            Value::object_from([
                (
                    "retention_duration_seconds",
                    number(&sd["retentionDurationSeconds"]),
                ),
                ("effective_time", string(sd, "effectiveTime")),
            ])
        })
        .into_iter()
        .collect();
    o.set(
        "versioning",
        Value::list(versioning().value_type(), versions),
    )
    .set(
        "soft_delete_policy",
        Value::list(soft_delete().value_type(), soft),
    )
}

fn state(c: &GcpClient, prior: &Value, b: &Json) -> Value {
    let name = s(b, "name");
    let iam = &b["iamConfiguration"];
    let prevention = match s(iam, "publicAccessPrevention") {
        "" => "inherited",
        p => p,
    };
    let mut o = Obj::from(prior)
        .str("id", name)
        .str("name", name)
        .str("location", s(b, "location").to_ascii_uppercase())
        .str("project", c.project_of(prior))
        .str("storage_class", s(b, "storageClass"))
        .bool(
            "uniform_bucket_level_access",
            iam["uniformBucketLevelAccess"]["enabled"]
                .as_bool()
                .unwrap_or(false),
        )
        .str("public_access_prevention", prevention)
        .str("rpo", s(b, "rpo"))
        .set("project_number", number(&b["projectNumber"]))
        .str(
            "self_link",
            format!("https://www.googleapis.com/storage/v1/b/{name}"),
        )
        .str("url", format!("gs://{name}"))
        .set("time_created", string(b, "timeCreated"))
        .set("updated", string(b, "updated"))
        .echo_bool(prior, "requester_pays", &b["billing"], "requesterPays")
        .echo_bool(
            prior,
            "default_event_based_hold",
            b,
            "defaultEventBasedHold",
        )
        .set_all(c.labels.state(prior, crate::wire::string_map(&b["labels"])));
    if get_str(prior, "deletion_policy").is_none_or(str::is_empty) {
        o = o.str("deletion_policy", "DELETE");
    }
    block_states(o, prior, b).finish()
}

#[async_trait]
impl ResourceType<GcpClient> for StorageBucket {
    fn name(&self) -> &'static str {
        "google_storage_bucket"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 4,
            block: schema_block(),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        crate::storage_schema::reject_unsupported(config, self.name(), &UNSUPPORTED)
    }

    /// `location` is stored upper-case (the provider's StateFunc), so it is planned from the
    /// upper-cased configuration; `project` and `deletion_policy` default as for every type.
    async fn plan(&self, c: &GcpClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let proposed = p.proposed();
        let upper = get_str(proposed, "location")
            .map(|l| ("location", Value::string(l.to_ascii_uppercase())));
        let mut planned = match upper {
            Some(u) => p.plan_from(p.prior(), &with_attrs(proposed, [u])),
            None => p.planned,
        };
        let pl = &planned.planned;
        let mut fill = Vec::new();
        if get(pl, "project").is_none_or(Value::is_unknown) && !c.project.is_empty() {
            fill.push(("project", Value::string(c.project.as_str())));
        }
        if get(pl, "deletion_policy").is_none_or(Value::is_unknown) {
            fill.push(("deletion_policy", Value::string("DELETE")));
        }
        planned.planned = with_attrs(pl, fill);
        Ok(planned)
    }

    async fn create(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let project = c.project_of(planned).to_string();
        let url = format!(
            "{}b?project={}",
            c.json.storage,
            crate::jsonapi::escape(&project)
        );
        c.json
            .post(&url, &body(c, planned))
            .await
            .or_apply("creating Storage Bucket")?;
        let name = get_str(planned, "name").unwrap_or_default();
        Ok(with_attrs(
            planned,
            [
                ("id", Value::string(name)),
                ("project", Value::string(project.as_str())),
            ],
        ))
    }

    async fn update(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let name = get_str(prior, "name").unwrap_or_default();
        let mut patch = body(c, planned);
        if changed(prior, planned, "effective_labels") {
            // A PATCH merges labels: keys to drop are sent as null.
            let mut labels: BTreeMap<String, Json> = c
                .labels
                .to_write(planned)
                .into_iter()
                .map(|(k, v)| (k, json!(v)))
                .collect();
            for k in get(prior, "effective_labels")
                .map(autostack_provider_sdk::attrs::string_map)
                .unwrap_or_default()
                .keys()
            {
                labels.entry(k.clone()).or_insert(Json::Null);
            }
            patch["labels"] = json!(labels);
        }
        if let Some(m) = patch.as_object_mut() {
            m.remove("name");
            m.remove("location");
        }
        c.json
            .patch(&bucket_url(c, name), &patch)
            .await
            .or_apply("updating Storage Bucket")?;
        Ok(planned.clone())
    }

    async fn delete(&self, c: &GcpClient, prior: &Value) -> Result<(), ApplyError> {
        let name = get_str(prior, "name").unwrap_or_default();
        match get_str(prior, "deletion_policy") {
            Some("ABANDON") => return Ok(()),
            Some("PREVENT") => return Err(ApplyError::new("Error deleting Storage Bucket", format!("cannot destroy bucket {name} without setting deletion_policy=\"DELETE\" and running `terraform apply`"))),
            _ => {}
        }
        let objects = match list_objects(c, name, "").await {
            Err(e) if e.is_not_found() => return Ok(()),
            other => other.or_apply("listing the bucket's objects")?,
        };
        if !objects.is_empty() && get_bool(prior, "force_destroy") != Some(true) {
            return Err(ApplyError::new(
                format!("Error trying to delete bucket {name} containing objects without `force_destroy` set to true"),
                format!("The bucket holds {} objects. Set force_destroy = true and apply before destroying it to delete them with it.", objects.len()),
            ));
        }
        for o in &objects {
            let url = object_url(c, name, s(o, "name"));
            autostack_provider_sdk::errors::done_if_gone(c.json.delete(&url).await)
                .or_apply("deleting an object of the bucket")?;
        }
        let url = bucket_url(c, name);
        c.delete("deleting Storage Bucket", || c.json.delete(&url))
            .await
    }

    /// One bucket list per project, narrowed by the names' common prefix.
    async fn read_many(&self, c: &GcpClient, current: &[Value]) -> Vec<ValueRead> {
        let mut by_project: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for v in current {
            by_project
                .entry(c.project_of(v).to_string())
                .or_default()
                .push(get_str(v, "name").unwrap_or_default());
        }
        let mut found: HashMap<String, Json> = HashMap::new();
        for (project, names) in by_project {
            let url = format!(
                "{}b?project={}&maxResults=1000&prefix={}",
                c.json.storage,
                crate::jsonapi::escape(&project),
                crate::jsonapi::escape(&common_prefix(&names))
            );
            match list_pages(&c.json, &url).await {
                Ok(items) => {
                    found.extend(items.into_iter().map(|b| (s(&b, "name").to_string(), b)))
                }
                Err(e) => {
                    return current
                        .iter()
                        .map(|_| Err(e.diags("reading Storage Bucket")))
                        .collect()
                }
            }
        }
        current
            .iter()
            .map(|v| {
                Ok(found
                    .get(get_str(v, "name").unwrap_or_default())
                    .map(|b| state(c, v, b)))
            })
            .collect()
    }

    async fn recover(&self, _c: &GcpClient, planned: &Value, _token: &str) -> ValueRead {
        Ok(Some(planned.clone()))
    }

    /// `{project}/{bucket}` or `{bucket}`.
    /// The bucket's objects, for a migration's data copy.
    fn object_store(
        &self,
        c: &GcpClient,
        state: &Value,
    ) -> Option<std::sync::Arc<dyn autostack_provider_sdk::objects::ObjectStore>> {
        let name = get_str(state, "name").filter(|n| !n.is_empty())?;
        let store = crate::gcsobjects::GcsObjects::new(c.storage.clone(), c.json.clone(), name);
        Some(std::sync::Arc::new(store))
    }

    async fn import(&self, c: &GcpClient, id: &str) -> Result<Value, Diagnostics> {
        let (project, name) = match id.split_once('/') {
            Some((p, n)) => (p.to_string(), n.to_string()),
            None => (c.project.clone(), id.to_string()),
        };
        let seed = [
            ("name", Value::string(name.as_str())),
            ("id", Value::string(name.as_str())),
            ("project", Value::string(project.as_str())),
        ];
        Ok(with_attrs(&import_base(&self.schema()), seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_provider_sdk::labels::Labels;

    #[test]
    fn the_insert_body_carries_labels_versioning_and_access_settings() {
        let p = Value::object_from([
            ("name", Value::string("b")),
            ("location", Value::string("eu")),
            ("storage_class", Value::string("STANDARD")),
            (
                "effective_labels",
                autostack_provider_sdk::attrs::map_value(
                    &[("env".to_string(), "dev".to_string())].into(),
                ),
            ),
            (
                "versioning",
                Value::tuple(vec![Value::object_from([("enabled", Value::bool(true))])]),
            ),
            ("uniform_bucket_level_access", Value::bool(true)),
        ]);
        let b = body_with(&Labels::new(GOOGLE_LABELS), &p);
        assert_eq!(
            b,
            json!({"name": "b", "location": "EU", "storageClass": "STANDARD", "labels": {"env": "dev"},
            "versioning": {"enabled": true}, "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": true}}})
        );
    }
}
