//! Terraform's state v4 document as plain data.
//!
//! Fields are declared in the order Terraform writes them, so a document written by
//! [`crate::codec::encode`] matches Terraform's byte for byte. Everything a provider schema
//! would be needed to interpret (instance attributes, output values and types, check results)
//! is kept as raw JSON: reading a file parses only the structure around them, and writing it
//! back reproduces them exactly. Turning attributes into typed values is the engine's job.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A JSON value kept as the text it was read as (or written by the engine).
pub type RawJson = Box<RawValue>;

/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u64 = 4;

/// A whole state snapshot (`terraform.tfstate`). `R` is how raw JSON is held: owned
/// ([`RawJson`], the default), or borrowed from the input (`&RawValue`) by a reader that only
/// passes the document on (`state pull`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct Document<R = RawJson> {
    /// Format version; always 4 once decoded.
    pub version: u64,
    /// The Terraform version that wrote the file.
    #[serde(default)]
    pub terraform_version: String,
    /// Monotonic version of the snapshot within its lineage.
    #[serde(default)]
    pub serial: u64,
    /// Identity of the state's history (a UUID); empty only before the first write.
    #[serde(default)]
    pub lineage: String,
    /// Root module outputs by name (Terraform writes them sorted).
    #[serde(default)]
    pub outputs: BTreeMap<String, Output<R>>,
    /// Resources, each with its instances.
    #[serde(default)]
    pub resources: Vec<Resource<R>>,
    /// Results of checkable objects, kept as written (`null` when there are none).
    #[serde(default)]
    pub check_results: Option<R>,
}

/// One root module output.
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct Output<R = RawJson> {
    /// The value as JSON.
    pub value: R,
    /// Its type in Terraform's type JSON (`"string"`, `["list","number"]`, ...).
    #[serde(rename = "type")]
    pub ty: R,
    /// Declared `sensitive`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
}

/// One resource (all instances of one `resource` or `data` block in one module instance).
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct Resource<R = RawJson> {
    /// Module instance path (`module.net["a"]`); absent for the root module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// `managed` or `data`.
    pub mode: Mode,
    /// Resource type (`aws_instance`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Resource name.
    pub name: String,
    /// Legacy expansion marker (`list`/`map`) written by Terraform 0.12; kept as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    /// Provider configuration address (`provider["registry.terraform.io/hashicorp/aws"]`).
    pub provider: String,
    /// The instances, by index key.
    #[serde(default)]
    pub instances: Vec<Instance<R>>,
}

/// The addresses of a document's instances and nothing else: what `state list` needs, read
/// without keeping any attribute.
#[derive(Debug, Deserialize)]
pub struct Heads {
    /// Format version.
    pub version: u64,
    /// The resources' identities.
    #[serde(default)]
    pub resources: Vec<ResourceHead>,
}

/// A resource's identity and its instances' keys.
#[derive(Debug, Deserialize)]
pub struct ResourceHead {
    /// Module instance path; absent for the root module.
    #[serde(default)]
    pub module: Option<String>,
    /// `managed` or `data`.
    pub mode: Mode,
    /// Resource type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Resource name.
    pub name: String,
    /// The instances' keys.
    #[serde(default)]
    pub instances: Vec<InstanceHead>,
}

/// An instance's key (and whether it is a deposed object).
#[derive(Debug, Deserialize)]
pub struct InstanceHead {
    /// `count` index or `for_each` key.
    #[serde(default)]
    pub index_key: Option<IndexKey>,
    /// Key of a deposed object.
    #[serde(default)]
    pub deposed: Option<String>,
}

impl From<&Document> for Heads {
    fn from(doc: &Document) -> Heads {
        let resources = doc.resources.iter().map(|r| ResourceHead {
            module: r.module.clone(),
            mode: r.mode,
            ty: r.ty.clone(),
            name: r.name.clone(),
            instances: r
                .instances
                .iter()
                .map(|i| InstanceHead {
                    index_key: i.index_key.clone(),
                    deposed: i.deposed.clone(),
                })
                .collect(),
        });
        Heads {
            version: doc.version,
            resources: resources.collect(),
        }
    }
}

/// A document's outputs and nothing else: what `output` needs.
#[derive(Debug, Deserialize)]
pub struct Outputs {
    /// Format version.
    pub version: u64,
    /// Root module outputs by name.
    #[serde(default)]
    pub outputs: BTreeMap<String, Output>,
}

/// Whether a resource is managed or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A `resource` block.
    Managed,
    /// A `data` block.
    Data,
}

/// One resource instance object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct Instance<R = RawJson> {
    /// `count` index or `for_each` key; absent for a single instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<IndexKey>,
    /// `tainted` when marked for replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Key of a deposed object (create-before-destroy in flight); absent for the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    /// Schema version the attributes conform to.
    #[serde(default)]
    pub schema_version: u64,
    /// The object's attributes, as the provider schema shapes them.
    pub attributes: R,
    /// Paths of sensitive attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_attributes: Option<R>,
    /// Identity schema version (Terraform 1.12 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_schema_version: Option<u64>,
    /// Resource identity (Terraform 1.12 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<R>,
    /// AutoStack's addition, on a deposed object only: its provider when it is not its
    /// resource's (the old cloud's side of a portable resource moving to another cloud; v4
    /// records one provider per resource, which follows the current object). Terraform's
    /// reader ignores the field.
    #[serde(
        default,
        rename = "autostack_provider",
        skip_serializing_if = "Option::is_none"
    )]
    pub object_provider: Option<String>,
    /// Provider-private data (base64), opaque to the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    /// Resources this one depended on when last applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Was created with `create_before_destroy`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub create_before_destroy: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An instance's `count` index or `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndexKey {
    /// `count.index`.
    Int(i64),
    /// `each.key`.
    Str(String),
}

impl Serialize for IndexKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IndexKey::Int(i) => s.serialize_i64(*i),
            IndexKey::Str(k) => s.serialize_str(k),
        }
    }
}

impl<'de> Deserialize<'de> for IndexKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read as raw text: numbers then parse exactly whatever serde_json's number mode is.
        let raw = RawJson::deserialize(d)?;
        let text = raw.get();
        if text.starts_with('"') {
            serde_json::from_str(text)
                .map(IndexKey::Str)
                .map_err(D::Error::custom)
        } else {
            text.parse().map(IndexKey::Int).map_err(|_| {
                D::Error::custom(format!(
                    "index_key must be a string or an integer, not {text}"
                ))
            })
        }
    }
}

/// Where one instance lives: its resource and key (the parts of an instance address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceId {
    /// Module instance path; `None` for the root module.
    pub module: Option<String>,
    /// Managed or data.
    pub mode: Mode,
    /// Resource type.
    pub ty: String,
    /// Resource name.
    pub name: String,
    /// Index key.
    pub key: Option<IndexKey>,
}

/// A resource's place in a document, in Terraform's order: module, data before managed,
/// type, name.
type ResourceKey = (String, bool, String, String);

impl Resource {
    fn order_key(&self) -> ResourceKey {
        let managed = self.mode == Mode::Managed;
        let module = self.module.clone().unwrap_or_default();
        (module, managed, self.ty.clone(), self.name.clone())
    }
}

impl InstanceId {
    fn resource_key(&self) -> ResourceKey {
        let managed = self.mode == Mode::Managed;
        let module = self.module.clone().unwrap_or_default();
        (module, managed, self.ty.clone(), self.name.clone())
    }
}

/// One change to a document's instances (what a journal record says an operation did).
#[derive(Debug)]
pub enum Change {
    /// The object now at `id` (created, updated or read), under provider `provider`.
    Put {
        /// Where.
        id: InstanceId,
        /// The resource's provider string, for a resource the document does not hold yet.
        provider: String,
        /// The new object (its `index_key` is set from `id`).
        instance: Box<Instance>,
    },
    /// The current object at the address is gone (destroyed or forgotten).
    Remove(InstanceId),
    /// The current object at the address becomes deposed object `key` (a replacement is
    /// about to take the address; one change, so no crash can record it twice or lose it).
    Depose(InstanceId, String),
    /// Deposed object `key` at the address is gone.
    RemoveDeposed(InstanceId, String),
}

impl Document {
    /// An empty state: no lineage yet, serial 0, written by `terraform_version`.
    pub fn empty(terraform_version: &str) -> Document {
        Document {
            version: FORMAT_VERSION,
            terraform_version: terraform_version.to_string(),
            serial: 0,
            lineage: String::new(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
        }
    }

    /// Every instance with the resource it belongs to, in document order.
    pub fn instances(&self) -> impl Iterator<Item = (&Resource, &Instance)> {
        self.resources
            .iter()
            .flat_map(|r| r.instances.iter().map(move |i| (r, i)))
    }

    /// Applies changes in order. Resources end up in Terraform's order (as the engine writes
    /// them), resources left without instances are dropped; O(log n) per change.
    pub fn apply_changes(&mut self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let mut by_key: BTreeMap<ResourceKey, Resource> = std::mem::take(&mut self.resources)
            .into_iter()
            .map(|r| (r.order_key(), r))
            .collect();
        for change in changes {
            match change {
                Change::Put {
                    id,
                    provider,
                    instance,
                } => put(&mut by_key, id, provider, *instance),
                Change::Remove(id) => {
                    if let Some(r) = by_key.get_mut(&id.resource_key()) {
                        r.instances
                            .retain(|i| i.deposed.is_some() || i.index_key != id.key);
                    }
                }
                Change::Depose(id, key) => {
                    let Some(r) = by_key.get_mut(&id.resource_key()) else {
                        continue;
                    };
                    let provider = r.provider.clone();
                    let current = (r.instances.iter_mut())
                        .find(|i| i.deposed.is_none() && i.index_key == id.key);
                    if let Some(i) = current {
                        i.deposed = Some(key);
                        i.object_provider = Some(provider);
                    }
                }
                Change::RemoveDeposed(id, key) => {
                    if let Some(r) = by_key.get_mut(&id.resource_key()) {
                        r.instances.retain(|i| {
                            i.index_key != id.key || i.deposed.as_deref() != Some(key.as_str())
                        });
                    }
                }
            }
        }
        self.resources = by_key
            .into_values()
            .filter(|r| !r.instances.is_empty())
            .collect();
    }
}

impl Document {
    /// Adds objects given in address order (each resource's objects adjacent, keys rising)
    /// to a document that has no resources yet: what [`Document::apply_changes`] makes of
    /// the same puts, without a search per object. Resources are then put in Terraform's
    /// order by one sort, which finds them already in it when the addresses agree with it.
    /// Objects out of that order fall back to [`Document::apply_changes`].
    pub fn put_in_order(&mut self, puts: impl IntoIterator<Item = (InstanceId, String, Instance)>) {
        debug_assert!(
            self.resources.is_empty(),
            "for a document without resources"
        );
        let mut rest = Vec::new();
        for (id, provider, mut instance) in puts {
            let same = self.resources.last_mut().filter(|r| {
                r.mode == id.mode && r.ty == id.ty && r.name == id.name && r.module == id.module
            });
            let after = same.as_ref().and_then(|r| r.instances.last());
            let in_order = instance.deposed.is_none()
                && after.is_none_or(|i| key_order(&i.index_key, &id.key) == Ordering::Less);
            if !in_order {
                let instance = Box::new(instance);
                rest.push(Change::Put {
                    id,
                    provider,
                    instance,
                });
                continue;
            }
            instance.index_key = id.key;
            match same {
                Some(r) => {
                    r.provider = provider;
                    r.instances.push(instance);
                }
                None => self.resources.push(Resource {
                    module: id.module,
                    mode: id.mode,
                    ty: id.ty,
                    name: id.name,
                    each: None,
                    provider,
                    instances: vec![instance],
                }),
            }
        }
        self.resources.sort_by(|a, b| order_of(a).cmp(&order_of(b)));
        if (self.resources.windows(2)).any(|w| order_of(&w[0]) == order_of(&w[1])) {
            // A resource's objects were not adjacent: put them all one by one.
            let split = std::mem::take(&mut self.resources).into_iter();
            let mut all: Vec<Change> = split.flat_map(Resource::into_puts).collect();
            all.append(&mut rest);
            rest = all;
        }
        self.apply_changes(rest);
    }
}

/// [`ResourceKey`] borrowed from the resource.
fn order_of(r: &Resource) -> (&str, bool, &str, &str) {
    let module = r.module.as_deref().unwrap_or_default();
    (module, r.mode == Mode::Managed, &r.ty, &r.name)
}

impl Resource {
    /// A put of each of the resource's objects.
    fn into_puts(self) -> impl Iterator<Item = Change> {
        let Resource {
            module,
            mode,
            ty,
            name,
            provider,
            instances,
            ..
        } = self;
        instances.into_iter().map(move |mut instance| {
            let id = InstanceId {
                module: module.clone(),
                mode,
                ty: ty.clone(),
                name: name.clone(),
                key: instance.index_key.take(),
            };
            Change::Put {
                id,
                provider: instance.object_provider.clone().unwrap_or(provider.clone()),
                instance: Box::new(instance),
            }
        })
    }
}

fn put(
    by_key: &mut BTreeMap<ResourceKey, Resource>,
    id: InstanceId,
    provider: String,
    mut instance: Instance,
) {
    let resource = by_key.entry(id.resource_key()).or_insert_with(|| Resource {
        module: id.module.clone(),
        mode: id.mode,
        ty: id.ty.clone(),
        name: id.name.clone(),
        each: None,
        provider: provider.clone(),
        instances: Vec::new(),
    });
    instance.index_key = id.key;
    if instance.deposed.is_none() {
        // The resource's provider is the current object's (a move changes it).
        resource.provider = provider;
    }
    let instances = &mut resource.instances;
    let last = instances.last().map(|i| &i.index_key);
    if last.is_none_or(|k| key_order(k, &instance.index_key) == Ordering::Less) {
        // Past every key held (always, when the engine writes a whole state): append.
        instances.push(instance);
        return;
    }
    let same = |i: &Instance| i.deposed == instance.deposed && i.index_key == instance.index_key;
    match instances.iter().position(same) {
        Some(at) => instances[at] = instance,
        None => {
            let at = instances
                .iter()
                .position(|i| key_order(&i.index_key, &instance.index_key) == Ordering::Greater)
                .unwrap_or(instances.len());
            instances.insert(at, instance);
        }
    }
}

/// Instance order within a resource: no key, then integer keys, then string keys.
fn key_order(a: &Option<IndexKey>, b: &Option<IndexKey>) -> Ordering {
    a.cmp(b)
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
