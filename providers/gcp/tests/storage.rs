//! Buckets and objects against fake-gcs-server: the lifecycle kit, `force_destroy` (checked
//! on our side: fake-gcs-server deletes non-empty buckets, Cloud Storage does not), and
//! object data written with google-cloud-storage and read back with it. fake-gcs-server
//! 1.54 keeps no bucket labels, so these providers add none (no attribution label); the
//! label request body is pinned by a unit test. Nor does its bucket PATCH change
//! `storageClass`, so the in-place update here is versioning.

mod support;

use autostack_provider_sdk::testkit::{apply, plan, read, run_lifecycle, Lifecycle};
use autostack_value::Value;
use support::*;

/// The provider for `project` without the attribution label (see the module doc).
async fn storage_provider(project: &str) -> Box<dyn autostack_provider_sdk::Provider> {
    configured(provider_block(
        gce(),
        &fake_gcs_url(),
        project,
        vec![("add_terraform_attribution_label", Value::bool(false))],
    ))
    .await
}

fn bucket(
    p: &dyn autostack_provider_sdk::Provider,
    name: &str,
    class: &str,
    versioned: bool,
    force: bool,
) -> Value {
    config(
        p,
        "google_storage_bucket",
        vec![
            ("name", Value::string(name)),
            ("location", Value::string("us-central1")),
            ("force_destroy", Value::bool(force)),
            ("storage_class", Value::string(class)),
            (
                "versioning",
                block(vec![("enabled", Value::bool(versioned))]),
            ),
        ],
    )
}

#[tokio::test]
async fn bucket_lifecycle() {
    let p = storage_provider("bucket-life").await;
    let name = unique("bkt");
    let l = Lifecycle {
        type_name: "google_storage_bucket",
        create: bucket(&*p, &name, "STANDARD", false, false),
        update: Some(bucket(&*p, &name, "STANDARD", true, false)),
        replace: Some(autostack_provider_sdk::attrs::with_attr(
            &bucket(&*p, &name, "STANDARD", true, false),
            "location",
            Value::string("EU"),
        )),
        import_id_attr: Some("name"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
}

async fn create(p: &dyn autostack_provider_sdk::Provider, ty: &str, cfg: &Value) -> Value {
    let planned = plan(p, ty, None, cfg).await.expect("plan").planned;
    apply(p, ty, None, Some(&planned))
        .await
        .expect("apply")
        .expect("state")
}

fn object(
    p: &dyn autostack_provider_sdk::Provider,
    bucket: &str,
    name: &str,
    content: &str,
) -> Value {
    config(
        p,
        "google_storage_bucket_object",
        vec![
            ("bucket", Value::string(bucket)),
            ("name", Value::string(name)),
            ("content", Value::string(content)),
            ("content_type", Value::string("text/plain")),
        ],
    )
}

#[tokio::test]
async fn objects_upload_update_and_a_non_empty_bucket_needs_force_destroy() {
    let p = storage_provider("objects").await;
    let name = unique("obj");
    let b = create(
        &*p,
        "google_storage_bucket",
        &bucket(&*p, &name, "STANDARD", false, false),
    )
    .await;
    let l = Lifecycle {
        type_name: "google_storage_bucket_object",
        create: object(&*p, &name, "index.html", "<h1>one</h1>"),
        update: Some(object(&*p, &name, "index.html", "<h1>two</h1>")),
        replace: Some(object(&*p, &name, "index.html", "<h1>two</h1>").clone()),
        import_id_attr: None,
        state_only: false,
    };
    // The same configuration again is no replacement: only the lifecycle's create/update part.
    let l = Lifecycle { replace: None, ..l };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));

    let o = create(
        &*p,
        "google_storage_bucket_object",
        &object(&*p, &name, "a/b.txt", "data"),
    )
    .await;
    assert_eq!(attr(&o, "md5hash"), "jXd/OF09/siBXSD3SWAm3A==");
    assert_eq!(attr(&o, "id"), format!("{name}-a/b.txt"));
    // The data as google-cloud-storage reads it.
    let storage = google_cloud_storage::client::Storage::builder()
        .with_endpoint(fake_gcs_url())
        .with_credentials(google_cloud_auth::credentials::anonymous::Builder::new().build())
        .build()
        .await
        .expect("storage client");
    let mut resp = storage
        .read_object(format!("projects/_/buckets/{name}"), "a/b.txt")
        .send()
        .await
        .expect("read");
    let mut got = Vec::new();
    while let Some(chunk) = resp.next().await.transpose().expect("chunk") {
        got.extend_from_slice(&chunk);
    }
    assert_eq!(got, b"data");

    // Without force_destroy the bucket is kept, with its object.
    let err = apply(&*p, "google_storage_bucket", Some(&b), None)
        .await
        .unwrap_err();
    assert!(
        err.diags
            .to_string()
            .contains("without `force_destroy` set to true"),
        "{}",
        err.diags
    );
    assert!(read(&*p, "google_storage_bucket", &b)
        .await
        .expect("read")
        .is_some());
    // With it, objects go first, then the bucket.
    let forced = autostack_provider_sdk::attrs::with_attr(&b, "force_destroy", Value::bool(true));
    apply(&*p, "google_storage_bucket", Some(&forced), None)
        .await
        .expect("force destroy");
    assert!(read(&*p, "google_storage_bucket", &b)
        .await
        .expect("read")
        .is_none());
    assert!(read(&*p, "google_storage_bucket_object", &o)
        .await
        .expect("read")
        .is_none());
}

#[tokio::test]
async fn changed_object_data_is_drift_planned_as_an_upload() {
    let p = storage_provider("objects-drift").await;
    let name = unique("drift");
    create(
        &*p,
        "google_storage_bucket",
        &bucket(&*p, &name, "STANDARD", false, true),
    )
    .await;
    let cfg = object(&*p, &name, "page.html", "mine");
    let o = create(&*p, "google_storage_bucket_object", &cfg).await;
    // Someone overwrites the object out of band.
    let other = object(&*p, &name, "page.html", "theirs");
    let planned = plan(&*p, "google_storage_bucket_object", None, &other)
        .await
        .expect("plan")
        .planned;
    apply(&*p, "google_storage_bucket_object", None, Some(&planned))
        .await
        .expect("overwrite");
    let now = read(&*p, "google_storage_bucket_object", &o)
        .await
        .expect("read")
        .expect("exists");
    assert_ne!(attr(&now, "md5hash"), attr(&o, "md5hash"));
    let again = plan(&*p, "google_storage_bucket_object", Some(&now), &cfg)
        .await
        .expect("plan");
    assert!(again.requires_replace.is_empty());
    assert!(
        autostack_provider_sdk::attrs::get(&again.planned, "md5hash")
            .is_some_and(Value::is_unknown)
    );
}
