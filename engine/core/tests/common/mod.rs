//! A small in-memory provider for engine tests (`test_thing`, `test_failing`), a resolver,
//! and helpers to plan and apply configurations written inline.

#![allow(dead_code)]

use async_trait::async_trait;
use autostack_core::addrs::ProviderSource;
use autostack_core::apply::{apply, ApplyOptions, ApplyOutcome, NoSink};
use autostack_core::context::{Context, ProviderResolver};
use autostack_core::plan::{plan, Plan, PlanOptions};
use autostack_core::state::State;
use autostack_lang::config::load_module_tree;
use autostack_lang::diag::Sources;
use autostack_lang::{Diagnostics, Type, Value};
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    ApplyError, ApplyRequest, ApplyResponse, Attribute, Block, ChangeCtx, ConfigureRequest,
    ImportRequest, Instance, NoConfig, PlanRequest, PlanResponse, Private, Provider,
    ProviderSchema, ReadDataRequest, ReadRequest, ReadResult, RecoverRequest, Registry,
    ResourceSchema, ResourceType,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Records the order of operations across providers.
pub type Log = Arc<Mutex<Vec<String>>>;

/// `test_thing`: `name` (force-new), `value` (in place), computed `id`.
pub struct Thing {
    pub log: Log,
    pub fail_on: Option<String>,
}

fn thing_schema() -> ResourceSchema {
    ResourceSchema {
        version: 0,
        block: Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("value", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(Type::map(Type::String))),
    }
}

fn get(v: &Value, k: &str) -> String {
    autostack_provider_sdk::attr_str(v, k).to_string()
}

#[async_trait]
impl ResourceType<()> for Thing {
    fn name(&self) -> &'static str {
        "test_thing"
    }
    fn schema(&self) -> ResourceSchema {
        thing_schema()
    }
    async fn create(&self, _: &(), ctx: ChangeCtx<'_>) -> Applied {
        let planned = ctx.planned;
        tokio::task::yield_now().await;
        let name = get(planned, "name");
        if self.fail_on.as_deref() == Some(name.as_str()) {
            return Err(ApplyError::new(
                "Creation failed",
                format!("test_thing {name} refused to be created"),
            ));
        }
        self.log.lock().unwrap().push(format!("create {name}"));
        let created =
            autostack_provider_sdk::with_attr(planned, "id", Value::string(format!("id-{name}")));
        if get(planned, "value") == "slow" {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        }
        // A buggy provider: it stores something other than the configured value.
        Ok(match get(planned, "value").as_str() {
            "misbehave" => {
                autostack_provider_sdk::with_attr(&created, "value", Value::string("other"))
            }
            _ => created,
        })
    }
    async fn recover(&self, _: &(), _: &Value, _: &str) -> Result<Option<Value>, Diagnostics> {
        Ok(None)
    }
    async fn update(&self, _: &(), ctx: ChangeCtx<'_>) -> Applied {
        let planned = ctx.planned;
        self.log
            .lock()
            .unwrap()
            .push(format!("update {}", get(planned, "name")));
        Ok(planned.clone())
    }
    async fn delete(&self, _: &(), prior: &Value) -> Result<(), ApplyError> {
        self.log
            .lock()
            .unwrap()
            .push(format!("delete {}", get(prior, "name")));
        Ok(())
    }
    async fn read_many(&self, _: &(), current: &[Value]) -> Vec<ValueRead> {
        current.iter().map(|v| Ok(Some(v.clone()))).collect()
    }
    async fn import(&self, _: &(), id: &str) -> Result<Value, Diagnostics> {
        let name = id.trim_start_matches("id-");
        Ok(Value::object_from([
            ("id", Value::string(id)),
            ("name", Value::string(name)),
            ("value", Value::Null(Type::String)),
            ("tags", Value::Null(Type::map(Type::String))),
        ]))
    }
}

/// `test_memo`: `test_thing`'s schema, but its objects live only in the state (as
/// `terraform_data`'s do).
pub struct Memo;

#[async_trait]
impl ResourceType<()> for Memo {
    fn name(&self) -> &'static str {
        "test_memo"
    }
    fn schema(&self) -> ResourceSchema {
        thing_schema()
    }
    fn state_only(&self) -> bool {
        true
    }
    async fn create(&self, _: &(), ctx: ChangeCtx<'_>) -> Applied {
        let planned = ctx.planned;
        let id = Value::string(format!("memo-{}", get(planned, "name")));
        Ok(autostack_provider_sdk::with_attr(planned, "id", id))
    }
}

type Applied = Result<Value, ApplyError>;

/// The test provider, keeping a generation counter as its private data ("gen-N"): each plan
/// counts up from the prior object's, so tests can see that the engine hands the stored
/// private data to the provider and records what the provider returns.
pub struct Generations(Registry<NoConfig>);

/// The generation a plan gives an object whose prior private data is `prior`.
pub fn next_generation(prior: &Private) -> Private {
    let text = String::from_utf8_lossy(prior.as_bytes());
    let n: u64 = text
        .strip_prefix("gen-")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Private::new(format!("gen-{}", n + 1).into_bytes())
}

#[async_trait]
impl Provider for Generations {
    fn schema(&self) -> &ProviderSchema {
        self.0.schema()
    }
    async fn configure(&mut self, req: ConfigureRequest) -> Result<(), Diagnostics> {
        self.0.configure(req).await
    }
    async fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, Diagnostics> {
        let mut planned = self.0.plan(req).await?;
        planned.planned_private = next_generation(req.prior_private);
        Ok(planned)
    }
    async fn apply(&self, req: ApplyRequest<'_>) -> Result<ApplyResponse, ApplyError> {
        self.0.apply(req).await
    }
    fn state_only(&self, type_name: &str) -> bool {
        self.0.state_only(type_name)
    }
    async fn recover(&self, req: RecoverRequest<'_>) -> Result<Option<Instance>, Diagnostics> {
        self.0.recover(req).await
    }
    async fn read_many(&self, req: ReadRequest<'_>) -> Vec<ReadResult> {
        self.0.read_many(req).await
    }
    async fn import(&self, req: ImportRequest<'_>) -> Result<Instance, Diagnostics> {
        self.0.import(req).await
    }
    async fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, Diagnostics> {
        self.0.read_data(req).await
    }
}

/// Resolves `hashicorp/test` to a fresh test provider sharing `log`.
pub struct Resolver {
    pub log: Log,
    pub fail_on: Option<String>,
}

impl ProviderResolver for Resolver {
    fn instantiate(&self, source: &ProviderSource) -> Option<Box<dyn Provider>> {
        (source.short() == "hashicorp/test").then(|| {
            let thing = Thing {
                log: self.log.clone(),
                fail_on: self.fail_on.clone(),
            };
            let types = Registry::new(NoConfig).resource(thing).resource(Memo);
            Box::new(Generations(types)) as Box<dyn Provider>
        })
    }
}

/// A temporary directory with `main.tf`.
pub fn config_dir(main_tf: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("main.tf"), main_tf).expect("write main.tf");
    d
}

/// Loads a context over `dir`.
pub fn context(dir: &std::path::Path, log: &Log, fail_on: Option<&str>) -> Context {
    let sources = Sources::new();
    let (mut tree, mut diags) = load_module_tree(dir, &sources);
    diags.extend(autostack_core::addrs::bind_portable(&mut tree));
    assert!(!diags.has_errors(), "{diags}");
    let resolver = Arc::new(Resolver {
        log: log.clone(),
        fail_on: fail_on.map(str::to_string),
    });
    let mut ctx = Context::new(tree, HashMap::new(), resolver);
    ctx.cwd = dir.to_path_buf();
    ctx
}

/// Plans `tf` against `state`.
pub async fn plan_of(
    tf: &str,
    state: &State,
    opts: &PlanOptions,
) -> (Result<Plan, Diagnostics>, Log) {
    let dir = config_dir(tf);
    let log: Log = Default::default();
    let ctx = context(dir.path(), &log, None);
    (plan(&ctx, state, opts).await, log)
}

/// Plans and applies `tf` against `state`; returns the outcome and the operation log.
pub async fn apply_tf(tf: &str, state: &State, fail_on: Option<&str>) -> (ApplyOutcome, Log) {
    let dir = config_dir(tf);
    let log: Log = Default::default();
    let ctx = context(dir.path(), &log, fail_on);
    let p = plan(&ctx, state, &PlanOptions::default())
        .await
        .unwrap_or_else(|d| panic!("plan failed: {d}"));
    let out = apply(&ctx, &p, ApplyOptions::default(), &NoSink)
        .await
        .expect("apply");
    (out, log)
}
