//! Two in-memory clouds for migration tests: `hashicorp/aws` and `hashicorp/google` test
//! providers that both serve `portable_thing` (a bucket-like type whose objects live in a
//! shared [`World`]), plus `hashicorp/test` (`test_thing`, a dependent) from `common`.
//! Failures can be injected at each step of a move.

#![allow(dead_code)]

use crate::common::{config_dir, Log, Thing};
use async_trait::async_trait;
use autostack_core::addrs::ProviderSource;
use autostack_core::context::{Context, ProviderResolver};
use autostack_lang::config::load_module_tree;
use autostack_lang::diag::Sources;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::objects::{ObjectInfo, ObjectReader, ObjectStore};
use autostack_provider_sdk::registry::{PlanCtx, ValueRead};
use autostack_provider_sdk::{
    attr_str, attrs::with_attrs, ApplyError, Attribute, Block, ChangeCtx, ClientFactory, NoConfig,
    PlanResponse, Provider, Registry, ResourceSchema, ResourceType,
};
use md5::{Digest, Md5};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The clouds' shared world: the operation log, every bucket's objects, injected failures.
#[derive(Default)]
pub struct World {
    /// Operations in order (`create gcp b`, `put gcp b/k1`, `delete aws b`, ...).
    pub log: Log,
    /// Objects by bucket (`aws/b`) and key.
    pub buckets: Mutex<HashMap<String, BTreeMap<String, Vec<u8>>>>,
    /// Steps that fail: `create gcp`, `delete aws`, ...
    pub fail: Mutex<HashSet<String>>,
    /// Puts left before puts fail (`usize::MAX`: never).
    pub puts_left: AtomicUsize,
}

impl World {
    /// A world where nothing fails.
    pub fn new() -> Arc<World> {
        let w = World::default();
        w.puts_left.store(usize::MAX, Ordering::SeqCst);
        Arc::new(w)
    }

    fn note(&self, s: String) {
        self.log.lock().unwrap().push(s);
    }

    fn fails(&self, step: &str) -> bool {
        self.fail.lock().unwrap().contains(step)
    }

    /// Fails `step` from now on (until [`World::heal`]).
    pub fn break_step(&self, step: &str) {
        self.fail.lock().unwrap().insert(step.to_string());
    }

    /// Nothing fails any more.
    pub fn heal(&self) {
        self.fail.lock().unwrap().clear();
        self.puts_left.store(usize::MAX, Ordering::SeqCst);
    }

    /// The objects of bucket `name` on `cloud` (`None`: no such bucket).
    pub fn bucket(&self, cloud: &str, name: &str) -> Option<BTreeMap<String, Vec<u8>>> {
        self.buckets
            .lock()
            .unwrap()
            .get(&format!("{cloud}/{name}"))
            .cloned()
    }

    /// Puts `n` objects of `size` bytes in bucket `name` on `cloud`.
    pub fn seed(&self, cloud: &str, name: &str, n: usize, size: usize) {
        let mut b = self.buckets.lock().unwrap();
        let bucket = b
            .get_mut(&format!("{cloud}/{name}"))
            .expect("bucket exists");
        for i in 0..n {
            let body: Vec<u8> = (0..size).map(|j| ((i * 31 + j) % 251) as u8).collect();
            bucket.insert(format!("k{i:03}"), body);
        }
    }

    /// The operations so far (and forgets them).
    pub fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// A provider block with a required-at-configure `region`, as clouds have.
struct Regional;

#[async_trait]
impl ClientFactory for Regional {
    type Client = String;
    fn config_schema(&self) -> Block {
        Block::new().attr("region", Attribute::optional(Type::String))
    }
    async fn configure(&self, config: &Value) -> Result<String, Diagnostics> {
        match attr_str(config, "region") {
            "" => Err(
                Diagnostic::error("Missing region", "The provider needs a region.", None).into(),
            ),
            r => Ok(r.to_string()),
        }
    }
}

/// `portable_thing` on one cloud: a bucket named `name`.
struct PortableThing {
    cloud: &'static str,
    world: Arc<World>,
}

fn thing_schema() -> ResourceSchema {
    let computed = || Attribute::computed(Type::String);
    ResourceSchema {
        version: 0,
        block: Block::new()
            .attr("id", computed())
            .attr("name", Attribute::required(Type::String))
            .attr("cloud", computed())
            .attr("concrete_type", computed())
            .attr("region", computed()),
    }
}

fn concrete(cloud: &str) -> &'static str {
    match cloud {
        "aws" => "aws_s3_bucket",
        _ => "google_storage_bucket",
    }
}

#[async_trait]
impl ResourceType<String> for PortableThing {
    fn name(&self) -> &'static str {
        "portable_thing"
    }
    fn schema(&self) -> ResourceSchema {
        thing_schema()
    }
    async fn plan(&self, region: &String, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let mut planned = p.planned;
        let known = [
            ("cloud", Value::string(self.cloud)),
            ("concrete_type", Value::string(concrete(self.cloud))),
            ("region", Value::string(region.as_str())),
        ];
        planned.planned = with_attrs(&planned.planned, known);
        Ok(planned)
    }
    async fn create(&self, _: &String, ctx: ChangeCtx<'_>) -> Applied {
        let planned = ctx.planned;
        let name = attr_str(planned, "name").to_string();
        if self.world.fails(&format!("create {}", self.cloud)) {
            return Err(ApplyError::new(
                "Create failed",
                format!("{} refused", self.cloud),
            ));
        }
        self.world.note(format!("create {} {name}", self.cloud));
        let mut b = self.world.buckets.lock().unwrap();
        b.entry(format!("{}/{name}", self.cloud)).or_default();
        let id = Value::string(format!("{}-{name}", self.cloud));
        Ok(with_attrs(planned, [("id", id)]))
    }
    async fn delete(&self, _: &String, prior: &Value) -> Result<(), ApplyError> {
        let name = attr_str(prior, "name");
        if self.world.fails(&format!("delete {}", self.cloud)) {
            return Err(ApplyError::new(
                "Delete failed",
                format!("{} refused", self.cloud),
            ));
        }
        self.world.note(format!("delete {} {name}", self.cloud));
        let mut b = self.world.buckets.lock().unwrap();
        b.remove(&format!("{}/{name}", self.cloud));
        Ok(())
    }
    async fn read_many(&self, _: &String, current: &[Value]) -> Vec<ValueRead> {
        let b = self.world.buckets.lock().unwrap();
        (current.iter())
            .map(|v| {
                let there = b.contains_key(&format!("{}/{}", self.cloud, attr_str(v, "name")));
                Ok(there.then(|| v.clone()))
            })
            .collect()
    }
    fn object_store(&self, _: &String, state: &Value) -> Option<Arc<dyn ObjectStore>> {
        Some(Arc::new(MemStore {
            bucket: format!("{}/{}", self.cloud, attr_str(state, "name")),
            world: self.world.clone(),
        }))
    }
}

type Applied = Result<Value, ApplyError>;

/// A bucket of the world, as an object store.
struct MemStore {
    bucket: String,
    world: Arc<World>,
}

fn info(key: &str, body: &[u8]) -> ObjectInfo {
    ObjectInfo {
        key: key.to_string(),
        size: body.len() as u64,
        md5: Some(Md5::digest(body).into()),
        content_type: None,
    }
}

#[async_trait]
impl ObjectStore for MemStore {
    fn location(&self) -> String {
        format!("mem://{}", self.bucket)
    }
    async fn list(&self) -> Result<Vec<ObjectInfo>, Diagnostics> {
        let b = self.world.buckets.lock().unwrap();
        let objects = b.get(&self.bucket).cloned().unwrap_or_default();
        Ok(objects.iter().map(|(k, v)| info(k, v)).collect())
    }
    async fn open(&self, key: &str) -> Result<Box<dyn ObjectReader>, Diagnostics> {
        let b = self.world.buckets.lock().unwrap();
        let body = b
            .get(&self.bucket)
            .and_then(|o| o.get(key))
            .cloned()
            .unwrap_or_default();
        Ok(Box::new(autostack_provider_sdk::objects::BytesReader::new(
            body, 7,
        )))
    }
    async fn put(
        &self,
        i: &ObjectInfo,
        mut body: Box<dyn ObjectReader>,
    ) -> Result<ObjectInfo, Diagnostics> {
        let left = self.world.puts_left.load(Ordering::SeqCst);
        if left == 0 {
            return Err(Diagnostic::error("Put failed", "the store is unavailable", None).into());
        }
        self.world
            .puts_left
            .store(left.saturating_sub(1), Ordering::SeqCst);
        let bytes = autostack_provider_sdk::objects::read_all(body.as_mut()).await?;
        self.world.note(format!("put {}/{}", self.bucket, i.key));
        let mut b = self.world.buckets.lock().unwrap();
        let bucket = b.entry(self.bucket.clone()).or_default();
        bucket.insert(i.key.clone(), bytes.clone());
        Ok(info(&i.key, &bytes))
    }
}

/// Resolves aws and google to the two clouds, test to `common`'s provider.
struct Resolver {
    world: Arc<World>,
}

impl ProviderResolver for Resolver {
    fn instantiate(&self, source: &ProviderSource) -> Option<Box<dyn Provider>> {
        let cloud = |cloud| {
            let thing = PortableThing {
                cloud,
                world: self.world.clone(),
            };
            Box::new(Registry::new(Regional).resource(thing)) as Box<dyn Provider>
        };
        match source.short().as_str() {
            "hashicorp/aws" => Some(cloud("aws")),
            "hashicorp/google" => Some(cloud("gcp")),
            "hashicorp/test" => {
                let thing = Thing {
                    log: self.world.log.clone(),
                    fail_on: None,
                };
                Some(Box::new(Registry::new(NoConfig).resource(thing)))
            }
            _ => None,
        }
    }
}

/// A context over `main_tf` (kept in `dir`) with the two clouds of `world`.
pub fn cloud_context(dir: &tempfile::TempDir, main_tf: &str, world: &Arc<World>) -> Context {
    std::fs::write(dir.path().join("main.tf"), main_tf).expect("write main.tf");
    let sources = Sources::new();
    let (mut tree, mut diags) = load_module_tree(dir.path(), &sources);
    diags.extend(autostack_core::addrs::bind_portable(&mut tree));
    assert!(!diags.has_errors(), "{diags}");
    let resolver = Arc::new(Resolver {
        world: world.clone(),
    });
    let mut ctx = Context::new(tree, HashMap::new(), resolver);
    ctx.cwd = dir.path().to_path_buf();
    ctx
}

/// A fresh directory for [`cloud_context`].
pub fn dir() -> tempfile::TempDir {
    config_dir("")
}
