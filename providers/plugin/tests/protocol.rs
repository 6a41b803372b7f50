//! The adapter against a real plugin process: the repository's test provider, started with
//! go-plugin's handshake and AutoMTLS, over protocol 6 and (installed as `_x5`) protocol 5.

use autostack_provider_plugin::testkit::{install_testcloud, TESTCLOUD};
use autostack_provider_plugin::PluginProvider;
use autostack_provider_sdk::request::{
    ApplyRequest, ConfigureRequest, ImportRequest, Instance, PlanRequest, ReadDataRequest,
    ReadRequest, ValidateRequest,
};
use autostack_provider_sdk::{Private, Provider};
use autostack_value::{make_set, Type, Value};
use std::collections::BTreeMap;
use std::path::Path;

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::object_from(pairs)
}

/// A configuration of `testcloud_server` conformed to its schema.
fn server_config(p: &PluginProvider, name: &str) -> Value {
    let ty = p.schema().resources["testcloud_server"].block.value_type();
    let Type::Object(attrs) = &ty else {
        panic!("object")
    };
    let disk_ty = attrs["disk"].element_type().unwrap().clone();
    let net_ty = attrs["network"].element_type().unwrap().clone();
    let mut m: BTreeMap<String, Value> = attrs
        .iter()
        .map(|(k, t)| (k.clone(), Value::Null(t.clone())))
        .collect();
    m.insert("name".into(), Value::string(name));
    m.insert("password".into(), Value::string("hunter2"));
    m.insert(
        "disk".into(),
        make_set(
            disk_ty,
            vec![obj(vec![
                ("size", Value::int(10)),
                ("kind", Value::string("ssd")),
            ])],
        ),
    );
    m.insert(
        "network".into(),
        Value::list(net_ty, vec![obj(vec![("name", Value::string("a"))])]),
    );
    Value::object(m.into())
}

fn attr<'a>(v: &'a Value, k: &str) -> &'a Value {
    match v.unmarked() {
        Value::Object(m) => &m[k],
        _ => panic!("not an object: {v:?}"),
    }
}

async fn configured(exe: &Path, root: &Path) -> PluginProvider {
    let mut p = PluginProvider::load(exe, TESTCLOUD).expect("plugin loads");
    let cfg = obj(vec![
        ("root", Value::string(root.display().to_string())),
        ("token", Value::Null(Type::String)),
    ]);
    p.configure(ConfigureRequest::new(cfg))
        .await
        .expect("configures");
    p
}

async fn lifecycle(protocol5: bool) {
    let tmp = tempfile::tempdir().unwrap();
    std::env::set_var("AUTOSTACK_PLUGIN_CACHE_DIR", tmp.path().join("cache"));
    let exe = install_testcloud(&tmp.path().join("mirror"), "0.1.0", protocol5);
    let p = configured(&exe, &tmp.path().join("cloud")).await;
    assert_eq!(
        p.plugin().started().unwrap().process.protocol,
        if protocol5 { 5 } else { 6 }
    );

    // Plan a create: computed attributes unknown, the default filled in.
    let config = server_config(&p, "web");
    let plan = p
        .plan(PlanRequest::new("testcloud_server", None, &config))
        .await
        .unwrap();
    assert!(attr(&plan.planned, "id").is_unknown() && attr(&plan.planned, "ip").is_unknown());
    assert!(attr(&plan.planned, "size").raw_equals(&Value::int(1)));
    assert!(!plan.planned_private.is_empty());

    // Apply it: the object exists in the "cloud" and the private data comes back.
    let req = ApplyRequest::new("testcloud_server", None, Some(&plan.planned))
        .with_config(&config)
        .with_private(&plan.planned_private);
    let created = p.apply(req).await.unwrap();
    let state = created.new_state.clone().unwrap();
    let id = match attr(&state, "id").unmarked() {
        Value::String(s) => s.to_string(),
        v => panic!("{v:?}"),
    };
    assert!(tmp
        .path()
        .join("cloud/testcloud_server")
        .join(format!("{id}.json"))
        .exists());

    // Refresh, then plan a rename: it forces replacement.
    let current = Instance::new(state.clone()).with_private(created.private.clone());
    let read = p
        .read_many(ReadRequest::new("testcloud_server", vec![current.clone()]))
        .await;
    let refreshed = read.into_iter().next().unwrap().unwrap().unwrap();
    assert!(refreshed.state.raw_equals(&state));
    let renamed = server_config(&p, "web2");
    let plan = p
        .plan(
            PlanRequest::new("testcloud_server", Some(&state), &renamed)
                .with_private(&created.private),
        )
        .await
        .unwrap();
    assert_eq!(
        plan.requires_replace,
        vec![vec![autostack_value::PathStep::Attr("name".into())]]
    );

    // Provider validation, a data source, import, and delete.
    let mut big = server_config(&p, "big");
    if let Value::Object(m) = &mut big {
        std::sync::Arc::make_mut(m).insert("size".into(), Value::int(100));
    }
    let d = p.validate(ValidateRequest::new("testcloud_server", &big));
    assert!(d.has_errors(), "{d:?}");
    let lookup = obj(vec![
        ("name", Value::string("web")),
        ("id", Value::Null(Type::String)),
        ("ip", Value::Null(Type::String)),
    ]);
    let found = p
        .read_data(ReadDataRequest::new("testcloud_lookup", &lookup))
        .await
        .unwrap();
    assert!(attr(&found, "id").raw_equals(&Value::string(id.clone())));
    let imported = p
        .import(ImportRequest::new("testcloud_server", &id))
        .await
        .unwrap();
    assert!(imported.state.raw_equals(&state));
    let missing = p
        .import(ImportRequest::new("testcloud_server", "srv-nope"))
        .await
        .unwrap_err();
    assert_eq!(
        missing.iter().next().unwrap().summary,
        "Cannot import non-existent remote object"
    );
    let gone = p
        .apply(
            ApplyRequest::new("testcloud_server", Some(&state), None)
                .with_private(&created.private),
        )
        .await
        .unwrap();
    assert!(gone.new_state.is_none());
    let read = p
        .read_many(ReadRequest::new("testcloud_server", vec![current]))
        .await;
    assert!(read.into_iter().next().unwrap().unwrap().is_none());
    p.plugin().shutdown();
}

#[tokio::test]
async fn a_resource_lives_through_protocol_6() {
    lifecycle(false).await;
}

#[tokio::test]
async fn a_resource_lives_through_protocol_5() {
    lifecycle(true).await;
}

#[tokio::test]
async fn a_crashing_plugin_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = install_testcloud(&tmp.path().join("mirror"), "0.1.0", false);
    let p = configured(&exe, &tmp.path().join("cloud")).await;
    let config = server_config(&p, "crash");
    let plan = p
        .plan(PlanRequest::new("testcloud_server", None, &config))
        .await
        .unwrap();
    let private = Private::default();
    let req =
        ApplyRequest::new("testcloud_server", None, Some(&plan.planned)).with_private(&private);
    let err = p.apply(req).await.unwrap_err();
    let d = err.diags.iter().next().unwrap();
    assert_eq!(d.summary, "Plugin did not respond");
    assert!(
        d.detail
            .contains("failed to respond to the plugin.(*GRPCProvider).ApplyResourceChange call"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("nil pointer dereference"), "{}", d.detail);
    assert!(err.partial.is_none());
}

/// hashicorp/aws from the machine's filesystem mirror, when there is one: its go-plugin
/// server signs with P-521 and speaks protocol 5.
#[test]
fn the_aws_plugin_hands_over_its_schema() {
    let mirror = Path::new("/opt/tf-plugins/registry.terraform.io/hashicorp/aws");
    let Some(exe) = std::fs::read_dir(mirror).ok().and_then(|mut versions| {
        let v = versions
            .next()?
            .ok()?
            .path()
            .join(autostack_provider_plugin::testkit::platform());
        std::fs::read_dir(v)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().contains("terraform-provider-aws"))
    }) else {
        eprintln!(
            "skipped: no hashicorp/aws plugin under {}",
            mirror.display()
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    std::env::set_var("AUTOSTACK_PLUGIN_CACHE_DIR", tmp.path());
    let started = std::time::Instant::now();
    let p = PluginProvider::load(&exe, "registry.terraform.io/hashicorp/aws")
        .expect("aws plugin loads");
    assert!(p.schema().resources.contains_key("aws_nat_gateway"));
    assert_eq!(p.plugin().started().unwrap().process.protocol, 5);
    eprintln!(
        "aws: {} resource types, schema in {:?}",
        p.schema().resources.len(),
        started.elapsed()
    );
    p.plugin().shutdown();
    let started = std::time::Instant::now();
    let cached = PluginProvider::load(&exe, "registry.terraform.io/hashicorp/aws").unwrap();
    assert!(
        cached.plugin().started().is_none(),
        "the second load reads the cache"
    );
    eprintln!("aws: cached schema in {:?}", started.elapsed());
}
