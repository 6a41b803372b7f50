//! The SDK's lifecycle test (create, read back, no-op, update, replace, import, delete) run
//! against every builtin resource type through `provider_for`, plus end-to-end checks of
//! drift and import that need the whole provider.

use autostack_provider_builtin::provider_for;
use autostack_provider_sdk::testkit;
use autostack_provider_sdk::testkit::{run_lifecycle, Lifecycle};
use autostack_provider_sdk::{attr_str, Provider};
use autostack_value::{Type, Value};

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object_from(pairs.iter().cloned())
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn strings(pairs: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect(),
    )
}

fn empty_map() -> Value {
    strings(&[])
}

fn provider(source: &str) -> Box<dyn Provider> {
    provider_for(source).unwrap_or_else(|| panic!("no builtin provider for {source}"))
}

async fn lifecycle(source: &str, l: Lifecycle<'_>) {
    let p = provider(source);
    if let Err(f) = run_lifecycle(p.as_ref(), &l).await {
        panic!(
            "{} lifecycle failed at {}: {}",
            l.type_name, f.step, f.message
        );
    }
}

/// A state-only random resource: keepers null -> {} updates in place, a real keeper replaces.
async fn random_lifecycle(type_name: &str, base: &[(&str, Value)], import_id_attr: Option<&str>) {
    let with_keepers = |k: Value| {
        let mut v = base.to_vec();
        v.push(("keepers", k));
        obj(&v)
    };
    let l = Lifecycle::new(type_name, obj(base))
        .update(with_keepers(empty_map()))
        .replace(with_keepers(strings(&[("k", "v")])))
        .import_id(import_id_attr)
        .state_only();
    lifecycle("hashicorp/random", l).await;
}

#[tokio::test]
async fn terraform_data() {
    let l = Lifecycle::new("terraform_data", obj(&[("input", s("a"))]))
        .update(obj(&[("input", s("b"))]))
        .replace(obj(&[("input", s("b")), ("triggers_replace", s("x"))]))
        .state_only();
    lifecycle("terraform.io/builtin/terraform", l).await;
}

#[tokio::test]
async fn null_resource() {
    let l = Lifecycle::new("null_resource", obj(&[]))
        .update(obj(&[("triggers", empty_map())]))
        .replace(obj(&[("triggers", strings(&[("a", "1")]))]))
        .import_id(None)
        .state_only();
    lifecycle("registry.terraform.io/hashicorp/null", l).await;
}

#[tokio::test]
async fn random_id() {
    random_lifecycle("random_id", &[("byte_length", Value::int(8))], Some("id")).await;
}

#[tokio::test]
async fn random_string() {
    random_lifecycle(
        "random_string",
        &[("length", Value::int(12)), ("special", Value::bool(false))],
        Some("result"),
    )
    .await;
}

#[tokio::test]
async fn random_password() {
    random_lifecycle(
        "random_password",
        &[("length", Value::int(20)), ("min_special", Value::int(2))],
        Some("result"),
    )
    .await;
}

#[tokio::test]
async fn random_integer() {
    random_lifecycle(
        "random_integer",
        &[("min", Value::int(1)), ("max", Value::int(6))],
        None,
    )
    .await;
}

#[tokio::test]
async fn random_pet() {
    random_lifecycle("random_pet", &[("length", Value::int(3))], None).await;
}

#[tokio::test]
async fn random_uuid() {
    random_lifecycle("random_uuid", &[], Some("id")).await;
}

#[tokio::test]
async fn random_shuffle() {
    let input = Value::list(Type::String, vec![s("a"), s("b"), s("c")]);
    random_lifecycle(
        "random_shuffle",
        &[("input", input), ("result_count", Value::int(2))],
        None,
    )
    .await;
}

fn file_config(dir: &std::path::Path, content_attr: &str, content: &str) -> Value {
    obj(&[
        ("filename", s(&dir.join("out/file.txt").to_string_lossy())),
        (content_attr, s(content)),
    ])
}

#[tokio::test]
async fn local_file() {
    let dir = tempfile::tempdir().unwrap();
    let l = Lifecycle::new("local_file", file_config(dir.path(), "content", "one"))
        .replace(file_config(dir.path(), "content", "two"))
        .import_id(None);
    lifecycle("hashicorp/local", l).await;
    assert!(!dir.path().join("out/file.txt").exists());
}

#[tokio::test]
async fn local_sensitive_file() {
    let dir = tempfile::tempdir().unwrap();
    let l = Lifecycle::new(
        "local_sensitive_file",
        file_config(dir.path(), "content", "secret"),
    )
    .replace(file_config(dir.path(), "content_base64", "c2VjcmV0Mg=="))
    .import_id(None);
    lifecycle("hashicorp/local", l).await;
}

#[tokio::test]
async fn time_static() {
    let l = Lifecycle::new("time_static", obj(&[]))
        .replace(obj(&[("triggers", strings(&[("a", "1")]))]))
        .state_only();
    lifecycle("hashicorp/time", l).await;
}

#[tokio::test]
async fn time_sleep() {
    let l = Lifecycle::new("time_sleep", obj(&[("create_duration", s("5ms"))]))
        .update(obj(&[
            ("create_duration", s("2ms")),
            ("destroy_duration", s("1ms")),
        ]))
        .replace(obj(&[
            ("create_duration", s("2ms")),
            ("triggers", strings(&[("a", "1")])),
        ]))
        .import_id(None)
        .state_only();
    lifecycle("hashicorp/time", l).await;
}

#[tokio::test]
async fn local_file_drift_plans_recreation() {
    let dir = tempfile::tempdir().unwrap();
    let p = provider("hashicorp/local");
    let cfg = file_config(dir.path(), "content", "v1");
    let plan = testkit::plan(&*p, "local_file", None, &cfg).await.unwrap();
    let state = testkit::apply(&*p, "local_file", None, Some(&plan.planned))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        attr_str(&state, "content_sha256"),
        "3bfc269594ef649228e9a74bab00f042efc91d5acc6fbee31a382e80d42388fe"
    );
    std::fs::remove_file(dir.path().join("out/file.txt")).unwrap();
    assert!(testkit::read(&*p, "local_file", &state)
        .await
        .unwrap()
        .is_none());
    let again = testkit::plan(&*p, "local_file", None, &cfg).await.unwrap();
    testkit::apply(&*p, "local_file", None, Some(&again.planned))
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/file.txt")).unwrap(),
        "v1"
    );
}

#[tokio::test]
async fn random_password_is_sensitive_and_hashed() {
    let p = provider("hashicorp/random");
    let cfg = obj(&[("length", Value::int(16))]);
    let plan = testkit::plan(&*p, "random_password", None, &cfg)
        .await
        .unwrap();
    let planned = plan.planned.as_entries().unwrap();
    assert_eq!(planned["special"].as_bool(), Some(true));
    assert!(planned["result"].is_unknown());
    let state = testkit::apply(&*p, "random_password", None, Some(&plan.planned))
        .await
        .unwrap()
        .unwrap();
    let m = state.as_entries().unwrap();
    assert!(m["result"].marks().is_sensitive() && m["bcrypt_hash"].marks().is_sensitive());
    assert_eq!(attr_str(&state, "id"), "none");
    assert_eq!(attr_str(&state, "result").chars().count(), 16);
    assert!(bcrypt::verify(attr_str(&state, "result"), attr_str(&state, "bcrypt_hash")).unwrap());
}

#[tokio::test]
async fn random_integer_import_and_bad_input() {
    let p = provider("hashicorp/random");
    let v = testkit::import(&*p, "random_integer", "3,1,6")
        .await
        .unwrap();
    assert_eq!(attr_str(&v, "id"), "3");
    let noop = testkit::plan(
        &*p,
        "random_integer",
        Some(&v),
        &obj(&[("min", Value::int(1)), ("max", Value::int(6))]),
    )
    .await
    .unwrap();
    assert!(noop.requires_replace.is_empty());
    assert!(testkit::plan(
        &*p,
        "random_integer",
        None,
        &obj(&[("min", Value::int(6)), ("max", Value::int(1))])
    )
    .await
    .is_err());
    assert!(testkit::import(&*p, "random_integer", "3;1;6")
        .await
        .is_err());
}

#[tokio::test]
async fn unknown_type_is_an_error() {
    let p = provider("hashicorp/random");
    assert!(testkit::plan(&*p, "random_nope", None, &obj(&[]))
        .await
        .is_err());
    assert!(testkit::read_data(&*p, "random_nope", &obj(&[]))
        .await
        .is_err());
}
