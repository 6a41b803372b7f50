//! The SDK lifecycle (create, read, no-op, update, replace, import, delete) for every
//! builtin resource type.

use autostack_lang::{Type, Value};
use autostack_provider_builtin::provider_for;
use autostack_provider_sdk::testkit::{run_lifecycle, Lifecycle};
use autostack_provider_sdk::Provider;

async fn configured(source: &str) -> Box<dyn Provider> {
    let mut p = provider_for(source).expect("builtin provider");
    p.configure(Value::object_from(Vec::<(&str, Value)>::new()))
        .await
        .expect("configure");
    p
}

/// A full config object for `ty`: nulls everywhere, then `set`.
fn cfg(p: &dyn Provider, ty: &str, set: &[(&str, Value)]) -> Value {
    let mut m = p.schema().resources[ty]
        .block
        .empty_value()
        .as_entries()
        .cloned()
        .unwrap();
    for (k, v) in set {
        m.insert(k.to_string(), v.clone());
    }
    Value::object(m)
}

fn keepers(k: &str) -> Value {
    Value::map(
        Type::String,
        [("k".to_string(), Value::string(k))].into_iter().collect(),
    )
}

async fn check(
    source: &str,
    ty: &str,
    create: &[(&str, Value)],
    update: Option<&[(&str, Value)]>,
    replace: Option<&[(&str, Value)]>,
    import: Option<&str>,
) {
    let p = configured(source).await;
    let l = Lifecycle {
        type_name: ty,
        create: cfg(p.as_ref(), ty, create),
        update: update.map(|u| cfg(p.as_ref(), ty, u)),
        replace: replace.map(|r| cfg(p.as_ref(), ty, r)),
        import_id_attr: import,
        remote: source == "hashicorp/local",
    };
    if let Err(f) = run_lifecycle(p.as_ref(), &l).await {
        panic!("{ty}: step {}: {}", f.step, f.message);
    }
}

#[tokio::test]
async fn terraform_data() {
    check(
        "terraform.io/builtin/terraform",
        "terraform_data",
        &[("input", Value::string("a"))],
        Some(&[("input", Value::string("b"))]),
        Some(&[
            ("input", Value::string("b")),
            ("triggers_replace", Value::string("x")),
        ]),
        None,
    )
    .await;
}

#[tokio::test]
async fn null_resource() {
    check(
        "hashicorp/null",
        "null_resource",
        &[],
        None,
        Some(&[("triggers", keepers("1"))]),
        None,
    )
    .await;
}

#[tokio::test]
async fn random_types() {
    let len = |n| ("length", Value::int(n));
    check(
        "hashicorp/random",
        "random_id",
        &[("byte_length", Value::int(8))],
        None,
        Some(&[("byte_length", Value::int(8)), ("keepers", keepers("2"))]),
        Some("id"),
    )
    .await;
    check(
        "hashicorp/random",
        "random_string",
        &[len(12)],
        None,
        Some(&[len(13)]),
        Some("id"),
    )
    .await;
    check(
        "hashicorp/random",
        "random_password",
        &[len(12)],
        None,
        Some(&[len(20)]),
        None,
    )
    .await;
    check(
        "hashicorp/random",
        "random_integer",
        &[("min", Value::int(1)), ("max", Value::int(9))],
        None,
        Some(&[("min", Value::int(1)), ("max", Value::int(10))]),
        None,
    )
    .await;
    check(
        "hashicorp/random",
        "random_pet",
        &[],
        None,
        Some(&[len(3)]),
        None,
    )
    .await;
    check(
        "hashicorp/random",
        "random_uuid",
        &[],
        None,
        Some(&[("keepers", keepers("x"))]),
        Some("id"),
    )
    .await;
    let list =
        |xs: &[&str]| Value::list(Type::String, xs.iter().map(|x| Value::string(*x)).collect());
    check(
        "hashicorp/random",
        "random_shuffle",
        &[("input", list(&["a", "b", "c"]))],
        None,
        Some(&[("input", list(&["a", "b"]))]),
        None,
    )
    .await;
}

#[tokio::test]
async fn time_types() {
    check(
        "hashicorp/time",
        "time_static",
        &[],
        None,
        Some(&[("triggers", keepers("t"))]),
        Some("id"),
    )
    .await;
    check(
        "hashicorp/time",
        "time_sleep",
        &[("create_duration", Value::string("5ms"))],
        Some(&[("create_duration", Value::string("1ms"))]),
        Some(&[("triggers", keepers("t"))]),
        None,
    )
    .await;
}

#[tokio::test]
async fn local_files_and_drift() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir
        .path()
        .join("sub/out.txt")
        .to_string_lossy()
        .into_owned();
    let g = dir.path().join("other.txt").to_string_lossy().into_owned();
    check(
        "hashicorp/local",
        "local_file",
        &[
            ("filename", Value::string(f.as_str())),
            ("content", Value::string("hi")),
        ],
        None,
        Some(&[
            ("filename", Value::string(g.as_str())),
            ("content", Value::string("hi")),
        ]),
        None,
    )
    .await;
    check(
        "hashicorp/local",
        "local_sensitive_file",
        &[
            ("filename", Value::string(f.as_str())),
            ("content", Value::string("secret")),
        ],
        None,
        Some(&[
            ("filename", Value::string(f.as_str())),
            ("content", Value::string("other")),
        ]),
        None,
    )
    .await;
    // Out-of-band change or deletion reads as gone.
    let p = configured("hashicorp/local").await;
    let c = cfg(
        p.as_ref(),
        "local_file",
        &[
            ("filename", Value::string(f.as_str())),
            ("content", Value::string("v1")),
        ],
    );
    let planned = p.plan("local_file", None, &c).await.unwrap().planned;
    let state = p
        .apply("local_file", None, Some(&planned))
        .await
        .unwrap()
        .unwrap();
    assert!(p.read("local_file", &state).await.unwrap().is_some());
    std::fs::write(&f, "tampered").unwrap();
    assert!(p.read("local_file", &state).await.unwrap().is_none());
    std::fs::remove_file(&f).unwrap();
    assert!(p.read("local_file", &state).await.unwrap().is_none());
}

#[test]
fn sources_resolve_with_and_without_hostname() {
    for s in [
        "hashicorp/random",
        "registry.terraform.io/hashicorp/random",
        "hashicorp/null",
        "hashicorp/local",
        "hashicorp/time",
        "terraform.io/builtin/terraform",
    ] {
        assert!(provider_for(s).is_some(), "{s}");
    }
    assert!(provider_for("hashicorp/aws").is_none());
}
