//! Compute Engine object types. What differs between them is a [`ComputeKind`]: its schema,
//! request body, state mapping and its calls (insert, list, delete, in-place updates).
//! [`Compute`] makes a kind a [`ResourceType`]: `project` and `region`/`zone` planned from the
//! provider's defaults as hashicorp/google plans them, creates with the intent token as the
//! request ID, operations waited for, refresh batched into one filtered (or aggregated) list
//! call per project and location for up to 100 objects, labels through `setLabels`, deletes
//! that wait out dependents, recovery by the object's name, and Terraform's import ID formats.

use crate::client::{GcpClient, GcpError};
use crate::ops;
use crate::wire::{
    bad_import_id, parse_import_id, relative, s, string_map as json_map, COMPUTE_API,
};
use async_trait::async_trait;
use autostack_provider_sdk::attrs::{get_str, import_base, nonempty_str, with_attrs, Obj};
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    ActionExt, ApplyError, Attribute, Block, ChangeCtx, PlanCtx, PlanResponse, ResourceSchema,
    ResourceType,
};
use autostack_value::{Diagnostics, Type, Value};
use google_cloud_compute_v1::model::Operation;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};

/// How many names one filtered list call asks for.
pub const BATCH: usize = 100;

pub use crate::compute_plan::{
    keep_same_refs, plan_location, plan_location_pub, unknown_when_changed,
};

/// Where a kind's objects live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `projects/{p}/global/...`.
    Global,
    /// `projects/{p}/regions/{r}/...` (attribute `region`).
    Region,
    /// `projects/{p}/zones/{z}/...` (attribute `zone`).
    Zone,
}

impl Scope {
    /// The location attribute (`region`, `zone`), if any.
    pub fn attr(self) -> Option<&'static str> {
        match self {
            Scope::Global => None,
            Scope::Region => Some("region"),
            Scope::Zone => Some("zone"),
        }
    }
}

/// What a kind is called and where it lives.
#[derive(Debug)]
pub struct Spec {
    /// The Terraform type name (`google_compute_network`).
    pub name: &'static str,
    /// Its name in messages (`Network`, as in "Error creating Network").
    pub what: &'static str,
    /// Where its objects live.
    pub scope: Scope,
    /// The API collection (`networks`).
    pub collection: &'static str,
    /// It has `labels` (written with `setLabels`).
    pub labels: bool,
    /// It is listed with `aggregatedList` (one call for all regions or zones).
    pub aggregated: bool,
    /// The schema version hashicorp/google stores.
    pub version: u64,
}

/// One object's address: project, region or zone (empty for global objects) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct At {
    /// The project.
    pub project: String,
    /// The region or zone; empty for global objects (and for aggregated lists).
    pub location: String,
    /// The object's name.
    pub name: String,
}

impl At {
    /// hashicorp/google's ID of the object (`projects/p/zones/z/instances/n`).
    pub fn id(&self, spec: &Spec) -> String {
        match spec.scope {
            Scope::Global => format!(
                "projects/{}/global/{}/{}",
                self.project, spec.collection, self.name
            ),
            Scope::Region => format!(
                "projects/{}/regions/{}/{}/{}",
                self.project, self.location, spec.collection, self.name
            ),
            Scope::Zone => format!(
                "projects/{}/zones/{}/{}/{}",
                self.project, self.location, spec.collection, self.name
            ),
        }
    }

    /// The object's `selfLink`.
    pub fn link(&self, spec: &Spec) -> String {
        format!("{COMPUTE_API}{}", self.id(spec))
    }

    /// The address of a planned or state value: its own project and location, else the
    /// provider's.
    pub fn of(c: &GcpClient, spec: &Spec, v: &Value) -> At {
        let location = match spec.scope.attr() {
            None => String::new(),
            Some(a) => nonempty_str(v, a)
                .map(str::to_string)
                .unwrap_or_else(|| default_location(c, spec.scope)),
        };
        At {
            project: c.project_of(v).to_string(),
            location,
            name: get_str(v, "name").unwrap_or_default().to_string(),
        }
    }
}

/// The provider's region or zone for objects of `scope`.
pub fn default_location(c: &GcpClient, scope: Scope) -> String {
    match scope {
        Scope::Global => String::new(),
        Scope::Region => c.region.clone(),
        Scope::Zone => c.zone.clone(),
    }
}

/// One Compute Engine object type (see the module documentation).
#[async_trait]
pub trait ComputeKind: Send + Sync {
    /// Its name, scope and collection.
    fn spec(&self) -> &'static Spec;
    /// Its own attributes (the adapter adds `id`, `project`, `self_link`, the location and
    /// the label attributes).
    fn schema(&self) -> Block;
    /// The insert request's body for a planned object at `at`.
    fn body(&self, c: &GcpClient, at: &At, planned: &Value) -> Result<Json, Diagnostics>;
    /// Inserts the object; `request_id` makes retries idempotent.
    async fn insert(
        &self,
        c: &GcpClient,
        at: &At,
        body: Json,
        request_id: &str,
    ) -> Result<Operation, GcpError>;
    /// Lists the objects matching `filter` at `at` (all locations for aggregated kinds),
    /// following every page.
    async fn list(&self, c: &GcpClient, at: &At, filter: &str) -> Result<Vec<Json>, GcpError>;
    /// The state of a listed object, starting from its prior state.
    fn state_of(&self, c: &GcpClient, prior: &Value, item: &Json) -> Obj;
    /// Top-level arguments that name other objects (`network`): a configured value naming the
    /// same object as the prior one in another form (an ID against a link) is no change.
    fn references(&self) -> &'static [&'static str] {
        &[]
    }
    /// The proposed value with references that name the prior ones' objects in the prior
    /// form (hashicorp/google's `CompareSelfLinkOrResourceName` diff suppression); the
    /// default covers [`ComputeKind::references`].
    fn normalize(&self, prior: &Value, proposed: &Value) -> Value {
        keep_same_refs(prior, proposed, self.references())
    }
    /// Adjusts the provider's default plan.
    fn plan(&self, _c: &GcpClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        Ok(p.planned)
    }
    /// In-place changes other than labels.
    async fn update(
        &self,
        _c: &GcpClient,
        _at: &At,
        _prior: &Value,
        _planned: &Value,
    ) -> Result<(), GcpError> {
        Ok(())
    }
    /// Sets the object's labels (kinds with labels).
    async fn set_labels(
        &self,
        _c: &GcpClient,
        _at: &At,
        _labels: HashMap<String, String>,
        _fingerprint: &str,
    ) -> Result<Operation, GcpError> {
        Err(GcpError::local("unsupported", "this type has no labels"))
    }
    /// Deletes the object.
    async fn delete(&self, c: &GcpClient, at: &At) -> Result<Operation, GcpError>;
    /// Adds to listed objects what the list call does not return (an instance's boot disk),
    /// batched over all of them.
    async fn enrich(&self, _c: &GcpClient, _items: &mut [Json]) -> Result<(), GcpError> {
        Ok(())
    }
    /// Runs after the insert operation finished (attachments, settings the insert cannot set).
    async fn after_create(
        &self,
        _c: &GcpClient,
        _at: &At,
        _planned: &Value,
    ) -> Result<(), GcpError> {
        Ok(())
    }
}

/// A [`ComputeKind`] as a resource type.
pub struct Compute<K>(pub K);

/// The filter that lists the objects named `names` (an RE2 alternation on `name`).
pub fn name_filter<S: AsRef<str>>(names: &[S]) -> String {
    let alternatives: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    format!("name eq \"({})\"", alternatives.join("|"))
}

/// The items of a (possibly aggregated) list answer: `items` as an array, or every scope's
/// `items.<scope>.<field>` array.
pub fn list_items(page: &Json, field: &str) -> Vec<Json> {
    match &page["items"] {
        Json::Array(xs) => xs.clone(),
        Json::Object(scopes) => scopes
            .values()
            .flat_map(|s| s[field].as_array().cloned().unwrap_or_default())
            .collect(),
        _ => Vec::new(),
    }
}

impl<K: ComputeKind> Compute<K> {
    fn import_formats(&self) -> Vec<String> {
        let sp = self.0.spec();
        let full = At {
            project: "{project}".into(),
            location: format!("{{{}}}", sp.scope.attr().unwrap_or("")),
            name: "{name}".into(),
        }
        .id(sp);
        let mut out = vec![full];
        match sp.scope.attr() {
            None => out.push("{project}/{name}".into()),
            Some(a) => {
                out.push(format!("{{project}}/{{{a}}}/{{name}}"));
                if sp.scope == Scope::Region || sp.name == "google_compute_disk" {
                    out.push(format!("{{{a}}}/{{name}}"));
                }
            }
        }
        out.push("{name}".into());
        out
    }

    /// The state of one listed object: the adapter's attributes, then the kind's.
    fn state(&self, c: &GcpClient, prior: &Value, item: &Json) -> Value {
        let sp = self.0.spec();
        let link = s(item, "selfLink");
        let rel = relative(link);
        let parts: Vec<&str> = rel.split('/').collect();
        let mut o = self
            .0
            .state_of(c, prior, item)
            .str("id", rel)
            .str("self_link", link)
            .str("name", s(item, "name"))
            .str("project", parts.get(1).copied().unwrap_or_default());
        if let Some(a) = sp.scope.attr() {
            o = o.str(a, parts.get(3).copied().unwrap_or_default());
        }
        if sp.labels {
            o = o.set_all(c.labels.state(prior, json_map(&item["labels"])));
        }
        if get_str(prior, "deletion_policy").is_none_or(str::is_empty) {
            o = o.str("deletion_policy", "DELETE");
        }
        o.finish()
    }

    async fn list_group(
        &self,
        c: &GcpClient,
        at: &At,
        names: &[&str],
    ) -> Result<Vec<Json>, GcpError> {
        let mut out = Vec::new();
        for chunk in names.chunks(BATCH) {
            out.extend(self.0.list(c, at, &name_filter(chunk)).await?);
        }
        Ok(out)
    }
}

#[async_trait]
impl<K: ComputeKind> ResourceType<GcpClient> for Compute<K> {
    fn name(&self) -> &'static str {
        self.0.spec().name
    }

    fn schema(&self) -> ResourceSchema {
        let sp = self.0.spec();
        let mut b = self
            .0
            .schema()
            .attr("id", Attribute::computed(Type::String))
            .attr("self_link", Attribute::computed(Type::String))
            .attr(
                "project",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "deletion_policy",
                Attribute::optional_computed(Type::String).describe(
                    "DELETE (the default), ABANDON or PREVENT: what destroying the resource does.",
                ),
            );
        if let Some(a) = sp.scope.attr() {
            b = b.attr(a, Attribute::optional_computed(Type::String).force_new());
        }
        if sp.labels {
            b = autostack_provider_sdk::labels::GOOGLE_LABELS.attrs(b);
        }
        ResourceSchema {
            version: sp.version,
            block: b,
        }
    }

    async fn plan(&self, c: &GcpClient, mut p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let sp = self.0.spec();
        let prior = p.prior().cloned();
        if let Some(old) = &prior {
            let normalized = self.0.normalize(old, p.proposed());
            if &normalized != p.proposed() {
                p.planned = p.plan_from(Some(old), &normalized);
            }
        }
        p.planned.planned = plan_location(c, sp, &p.planned.planned);
        let mut planned = self.0.plan(c, p)?;
        if let (true, Some(prior)) = (sp.labels, &prior) {
            planned.planned = unknown_when_changed(
                prior,
                planned.planned,
                "effective_labels",
                &["label_fingerprint"],
            );
        }
        Ok(planned)
    }

    async fn create(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let sp = self.0.spec();
        let action = format!("creating {}", sp.what);
        let at = At::of(c, sp, planned);
        let body = self.0.body(c, &at, planned)?;
        let op = c
            .call(|| self.0.insert(c, &at, body.clone(), ctx.token))
            .await
            .or_apply(&action)?;
        ops::wait(c, &at.project, op).await.or_apply(&action)?;
        let made = with_attrs(
            planned,
            [
                ("id", Value::string(at.id(sp))),
                ("project", Value::string(at.project.as_str())),
            ],
        );
        autostack_provider_sdk::errors::settle(
            &action,
            &made,
            self.0.after_create(c, &at, planned),
        )
        .await?;
        Ok(made)
    }

    async fn update(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let sp = self.0.spec();
        let action = format!("updating {}", sp.what);
        let at = At::of(c, sp, prior);
        self.0
            .update(c, &at, prior, planned)
            .await
            .or_apply(&action)?;
        if sp.labels && autostack_provider_sdk::attrs::changed(prior, planned, "effective_labels") {
            self.write_labels(c, &at, planned).await.or_apply(&action)?;
        }
        Ok(planned.clone())
    }

    async fn delete(&self, c: &GcpClient, prior: &Value) -> Result<(), ApplyError> {
        let sp = self.0.spec();
        let at = At::of(c, sp, prior);
        match get_str(prior, "deletion_policy") {
            Some("ABANDON") => return Ok(()),
            Some("PREVENT") => {
                return Err(ApplyError::new(
                    format!("Error deleting {}", sp.what),
                    format!("cannot destroy {} {} without setting deletion_policy=\"DELETE\" and running `terraform apply`", sp.what, at.name),
                ))
            }
            _ => {}
        }
        c.delete(&format!("deleting {}", sp.what), || async {
            let op = c.call(|| self.0.delete(c, &at)).await?;
            ops::wait(c, &at.project, op).await
        })
        .await
    }

    async fn read_many(&self, c: &GcpClient, current: &[Value]) -> Vec<ValueRead> {
        let sp = self.0.spec();
        let ats: Vec<At> = current.iter().map(|v| At::of(c, sp, v)).collect();
        let mut groups: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
        for at in &ats {
            let location = if sp.aggregated {
                String::new()
            } else {
                at.location.clone()
            };
            groups
                .entry((at.project.clone(), location))
                .or_default()
                .push(&at.name);
        }
        let mut items: Vec<Json> = Vec::new();
        let mut failed = None;
        for ((project, location), mut names) in groups {
            names.sort_unstable();
            names.dedup();
            let at = At {
                project,
                location,
                name: String::new(),
            };
            match self.list_group(c, &at, &names).await {
                Ok(more) => items.extend(more),
                Err(e) => failed = Some(e),
            }
        }
        if failed.is_none() {
            failed = self.0.enrich(c, &mut items).await.err();
        }
        if let Some(e) = failed {
            let d = autostack_provider_sdk::CloudError::diags(&e, &format!("reading {}", sp.what));
            return current.iter().map(|_| Err(d.clone())).collect();
        }
        let found: HashMap<String, Json> = items
            .into_iter()
            .map(|i| (relative(s(&i, "selfLink")).to_string(), i))
            .collect();
        current
            .iter()
            .zip(&ats)
            .map(|(v, at)| Ok(found.get(&at.id(sp)).map(|item| self.state(c, v, item))))
            .collect()
    }

    /// Objects are found again by their name, which the configuration gives.
    async fn recover(&self, c: &GcpClient, planned: &Value, _token: &str) -> ValueRead {
        let at = At::of(c, self.0.spec(), planned);
        Ok(Some(with_attrs(
            planned,
            [("id", Value::string(at.id(self.0.spec())))],
        )))
    }

    async fn import(&self, c: &GcpClient, id: &str) -> Result<Value, Diagnostics> {
        let sp = self.0.spec();
        let formats = self.import_formats();
        let refs: Vec<&str> = formats.iter().map(String::as_str).collect();
        let m = parse_import_id(id, &refs).ok_or_else(|| bad_import_id(id, &refs))?;
        let mut seed = vec![
            ("name", Value::string(m["name"].as_str())),
            (
                "project",
                Value::string(m.get("project").unwrap_or(&c.project).as_str()),
            ),
        ];
        if let Some(a) = sp.scope.attr() {
            let default = default_location(c, sp.scope);
            seed.push((a, Value::string(m.get(a).unwrap_or(&default).as_str())));
        }
        let base = with_attrs(&import_base(&self.schema()), seed);
        let at = At::of(c, sp, &base);
        Ok(with_attrs(&base, [("id", Value::string(at.id(sp)))]))
    }
}

impl<K: ComputeKind> Compute<K> {
    /// `setLabels` with the object's current fingerprint.
    async fn write_labels(&self, c: &GcpClient, at: &At, planned: &Value) -> Result<(), GcpError> {
        let labels: HashMap<String, String> = c.labels.to_write(planned).into_iter().collect();
        c.call(|| async {
            let items = self
                .list_group(
                    c,
                    &At {
                        location: self.list_location(at),
                        ..at.clone()
                    },
                    &[&at.name],
                )
                .await?;
            let fp = items
                .first()
                .map(|i| s(i, "labelFingerprint").to_string())
                .unwrap_or_default();
            let op = self.0.set_labels(c, at, labels.clone(), &fp).await?;
            ops::wait(c, &at.project, op).await
        })
        .await
    }

    fn list_location(&self, at: &At) -> String {
        match self.0.spec().aggregated {
            true => String::new(),
            false => at.location.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn name_filters_and_aggregated_items() {
        assert_eq!(name_filter(&["a", "b-1"]), "name eq \"(a|b-1)\"");
        let agg = json!({"items": {"zones/a": {"instances": [{"name": "x"}]}, "zones/b": {"warning": {}}}});
        assert_eq!(list_items(&agg, "instances").len(), 1);
        assert_eq!(
            list_items(&json!({"items": [{"name": "n"}]}), "networks").len(),
            1
        );
        assert!(list_items(&json!({}), "networks").is_empty());
    }

    #[test]
    fn ids_follow_the_providers_formats() {
        let sp = Spec {
            name: "t",
            what: "T",
            scope: Scope::Zone,
            collection: "disks",
            labels: false,
            aggregated: true,
            version: 0,
        };
        let at = At {
            project: "p".into(),
            location: "z".into(),
            name: "d".into(),
        };
        assert_eq!(at.id(&sp), "projects/p/zones/z/disks/d");
        assert_eq!(
            at.link(&sp),
            "https://www.googleapis.com/compute/v1/projects/p/zones/z/disks/d"
        );
    }
}
