//! Test support: the moto server the harness started (or one started here), an AWS provider
//! configured against it, and out-of-band SDK clients for injecting drift.
#![allow(dead_code)]

pub mod compute;
pub mod proxy;

use autostack_provider_aws::sdk::{
    aws_config, aws_credential_types, aws_sdk_ec2, aws_sdk_s3, aws_types,
};
use autostack_provider_sdk::conform::conform_value;
use autostack_provider_sdk::testkit;
use autostack_provider_sdk::Provider;
use autostack_value::{Type, Value};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The moto server's URL: `AUTOSTACK_MOTO_URL` (set by `tests/run.sh`), or a server started
/// from the project's virtualenv for this test process.
pub fn moto_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("AUTOSTACK_MOTO_URL") {
            return u;
        }
        start_moto()
    })
    .clone()
}

fn start_moto() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let server = root.join(".venv/bin/moto_server");
    assert!(
        server.exists(),
        "AUTOSTACK_MOTO_URL is not set and {} does not exist: run the tests with tests/run.sh, which installs and starts moto",
        server.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    // `timeout` bounds the server's life: a test process cannot stop it when it exits. The
    // child is kept (never waited on) for as long as the test process runs.
    static SERVER: OnceLock<std::sync::Mutex<std::process::Child>> = OnceLock::new();
    let child = Command::new("timeout")
        .arg("1800")
        .arg(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let _kept = SERVER.get_or_init(|| std::sync::Mutex::new(child));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    url
}

/// The provider block used by tests: static test keys and every endpoint on `url`.
pub fn provider_block(url: &str, region: &str) -> Value {
    let s = Value::string;
    Value::object_from([
        ("region", s(region)),
        ("access_key", s("testing")),
        ("secret_key", s("testing")),
        ("s3_use_path_style", Value::bool(true)),
        ("skip_metadata_api_check", Value::bool(true)),
        (
            "endpoints",
            Value::tuple(vec![Value::object_from([
                ("ec2", s(url)),
                ("s3", s(url)),
                ("sts", s(url)),
            ])]),
        ),
    ])
}

/// The AWS provider configured from the test block against the shared moto in us-east-1,
/// with `extra` arguments set over it (configuration errors are returned).
pub async fn configure_with(
    extra: Vec<(&str, Value)>,
) -> Result<Box<dyn Provider>, autostack_value::Diagnostics> {
    let mut block = provider_block(&moto_url(), "us-east-1")
        .as_entries()
        .cloned()
        .unwrap_or_default();
    for (k, v) in extra {
        block.insert(k.to_string(), v);
    }
    configured(Value::object(block)).await
}

/// The AWS provider configured from `block`.
async fn configured(block: Value) -> Result<Box<dyn Provider>, autostack_value::Diagnostics> {
    let mut p = autostack_provider_aws::provider_for("hashicorp/aws").expect("aws provider");
    let block = conform_value(&p.schema().provider, &block)?;
    p.configure(autostack_provider_sdk::ConfigureRequest::new(block))
        .await?;
    Ok(p)
}

/// The AWS provider, configured against `url` in `region`.
pub async fn provider_at(url: &str, region: &str) -> Box<dyn Provider> {
    configured(provider_block(url, region))
        .await
        .expect("configure")
}

/// The AWS provider, configured against the shared moto server in us-east-1.
pub async fn provider() -> Box<dyn Provider> {
    provider_at(&moto_url(), "us-east-1").await
}

/// A resource configuration: `pairs` conformed to the type's schema (unset attributes null,
/// nested blocks given as tuples of objects).
pub fn config(p: &dyn Provider, type_name: &str, pairs: Vec<(&str, Value)>) -> Value {
    let schema = &p.schema().resources[type_name];
    conform_value(&schema.block, &Value::object_from(pairs)).expect("config conforms")
}

/// A data source configuration, as [`config`].
pub fn data_config(p: &dyn Provider, type_name: &str, pairs: Vec<(&str, Value)>) -> Value {
    let schema = &p.schema().data_sources[type_name];
    conform_value(&schema.block, &Value::object_from(pairs)).expect("config conforms")
}

/// A `map(string)` value.
pub fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::string(*v)))
            .collect(),
    )
}

/// An out-of-band EC2 client on moto (for drift injection and leak checks).
pub async fn ec2() -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&sdk_config().await)
            .endpoint_url(moto_url())
            .build(),
    )
}

/// An out-of-band S3 client on moto.
pub async fn s3() -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk_config().await)
            .endpoint_url(moto_url())
            .force_path_style(true)
            .build(),
    )
}

async fn sdk_config() -> aws_types::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await
}

/// Runs the SDK's lifecycle test for one resource type and panics with the failing step.
pub async fn lifecycle(p: &dyn Provider, l: autostack_provider_sdk::testkit::Lifecycle<'_>) {
    if let Err(f) = autostack_provider_sdk::testkit::run_lifecycle(p, &l).await {
        panic!(
            "{} lifecycle failed at {}: {}",
            l.type_name, f.step, f.message
        );
    }
}

/// A string value.
pub fn s(v: &str) -> Value {
    Value::string(v)
}

/// A tuple of strings.
pub fn strings(items: &[&str]) -> Value {
    Value::tuple(items.iter().map(|i| s(i)).collect())
}

/// The attribute `name` of an object value (panics when absent).
pub fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.as_entries()
        .and_then(|m| m.get(name))
        .unwrap_or_else(|| panic!("no attribute {name} in {v:?}"))
}

/// The attribute paths that force replacement in a plan.
pub fn replaced_paths(p: &autostack_provider_sdk::PlanResponse) -> Vec<String> {
    p.requires_replace
        .iter()
        .map(|x| autostack_provider_sdk::path_string(x))
        .collect()
}

/// Plans and applies a create (or an in-place update, given the prior state).
pub async fn apply(p: &dyn Provider, ty: &str, prior: Option<&Value>, cfg: &Value) -> Value {
    let plan = testkit::plan(p, ty, prior, cfg).await.expect("plan");
    assert!(
        plan.requires_replace.is_empty(),
        "unexpected replacement of {ty}: {:?}",
        replaced_paths(&plan)
    );
    testkit::apply(p, ty, prior, Some(&plan.planned))
        .await
        .unwrap_or_else(|e| panic!("apply {ty}: {}", e.diags))
        .expect("state")
}

/// Creates an object of type `ty` from the configuration `pairs` (see [`config`], [`apply`]).
pub async fn create(p: &dyn Provider, ty: &str, pairs: Vec<(&str, Value)>) -> Value {
    apply(p, ty, None, &config(p, ty, pairs)).await
}
/// Applies a delete.
pub async fn destroy(p: &dyn Provider, ty: &str, state: &Value) {
    testkit::apply(p, ty, Some(state), None)
        .await
        .unwrap_or_else(|e| panic!("delete {ty}: {}", e.diags));
}
