//! `aws_s3_bucket`, `aws_s3_bucket_versioning` and the `aws_ami`, `aws_availability_zones`,
//! `aws_vpc` and `aws_caller_identity` data sources against moto.

mod support;

use autostack_lang::{Diagnostics, Value};
use autostack_provider_sdk::testkit::Lifecycle;
use autostack_provider_sdk::{attr_str, Provider};
use support::{config, data_config, lifecycle, provider, s3, tags};

/// A bucket name no other test (or earlier run against the same moto) uses.
fn unique(prefix: &str) -> String {
    format!("as-{prefix}-{:016x}", fastrand::u64(..))
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn strings(items: &[&str]) -> Value {
    Value::tuple(items.iter().map(|i| s(i)).collect())
}

fn filter(name: &str, values: &[&str]) -> Value {
    Value::object_from([("name", s(name)), ("values", strings(values))])
}

fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.as_entries()
        .and_then(|m| m.get(name))
        .unwrap_or_else(|| panic!("no attribute {name} in {v:?}"))
}

fn summary(d: &Diagnostics) -> String {
    d.iter()
        .map(|d| d.summary.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plans and applies a create (or an update, given the prior state).
async fn apply(p: &dyn Provider, ty: &str, prior: Option<&Value>, cfg: &Value) -> Value {
    let plan = p.plan(ty, prior, cfg).await.expect("plan");
    assert!(plan.requires_replace.is_empty(), "unexpected replacement");
    p.apply(ty, prior, Some(&plan.planned))
        .await
        .unwrap_or_else(|e| panic!("apply {ty}: {}", e.diags))
        .expect("state")
}

async fn bucket_exists(name: &str) -> bool {
    s3().await.head_bucket().bucket(name).send().await.is_ok()
}

async fn bucket_tags(name: &str) -> Vec<(String, String)> {
    let out = s3().await.get_bucket_tagging().bucket(name).send().await;
    let mut t: Vec<(String, String)> = out
        .map(|o| {
            o.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        })
        .unwrap_or_default();
    t.sort();
    t
}

/// The bucket's versioning status as S3 reports it ("" when never set). moto 5.2 names the
/// answer's root element after the operation, which the SDK rejects: read the raw body then.
async fn versioning_status(name: &str) -> String {
    use aws_smithy_runtime_api::client::result::SdkError;
    match s3().await.get_bucket_versioning().bucket(name).send().await {
        Ok(out) => out.status().map_or("", |s| s.as_str()).to_string(),
        Err(SdkError::ServiceError(se)) if se.raw().status().is_success() => {
            let body = String::from_utf8_lossy(se.raw().body().bytes().unwrap_or_default());
            body.split_once("<Status>")
                .and_then(|(_, rest)| rest.split_once("</Status>"))
                .map_or(String::new(), |(status, _)| status.to_string())
        }
        Err(e) => panic!("get versioning: {e:?}"),
    }
}

#[tokio::test]
async fn s3_bucket_lifecycle() {
    let p = provider().await;
    let (a, b) = (unique("life"), unique("life2"));
    let cfg =
        |name: &str, t: Value| config(&*p, "aws_s3_bucket", vec![("bucket", s(name)), ("tags", t)]);
    lifecycle(
        &*p,
        Lifecycle {
            type_name: "aws_s3_bucket",
            create: cfg(&a, tags(&[("Env", "test")])),
            update: Some(cfg(&a, tags(&[("Env", "prod"), ("Team", "core")]))),
            replace: Some(cfg(&b, tags(&[("Env", "prod")]))),
            import_id_attr: Some("id"),
            state_only: false,
        },
    )
    .await;
    assert!(!bucket_exists(&a).await && !bucket_exists(&b).await);
}

#[tokio::test]
async fn s3_bucket_computed_attributes_and_tags_in_place() {
    let p = provider().await;
    let name = unique("tags");
    let cfg = |t: Value| {
        config(
            &*p,
            "aws_s3_bucket",
            vec![("bucket", s(&name)), ("tags", t)],
        )
    };
    let st = apply(
        &*p,
        "aws_s3_bucket",
        None,
        &cfg(tags(&[("A", "1"), ("B", "2")])),
    )
    .await;
    assert_eq!(attr_str(&st, "id"), name);
    assert_eq!(attr_str(&st, "arn"), format!("arn:aws:s3:::{name}"));
    assert_eq!(
        attr_str(&st, "bucket_domain_name"),
        format!("{name}.s3.amazonaws.com")
    );
    assert_eq!(
        attr_str(&st, "bucket_regional_domain_name"),
        format!("{name}.s3.us-east-1.amazonaws.com")
    );
    assert_eq!(attr_str(&st, "hosted_zone_id"), "Z3AQBSTGFYJSTF");
    assert_eq!(attr_str(&st, "region"), "us-east-1");
    assert_eq!(attr_str(&st, "bucket_prefix"), "");
    assert_eq!(attr(&st, "force_destroy"), &Value::bool(false));
    assert_eq!(attr(&st, "object_lock_enabled"), &Value::bool(false));
    let versioning = attr(&st, "versioning").as_seq().expect("versioning list");
    assert_eq!(attr(&versioning[0], "enabled"), &Value::bool(false));
    assert_eq!(
        bucket_tags(&name).await,
        vec![("A".into(), "1".into()), ("B".into(), "2".into())]
    );

    // Changing tags updates in place; removing all of them deletes the tag set.
    let st = apply(
        &*p,
        "aws_s3_bucket",
        Some(&st),
        &cfg(tags(&[("A", "9"), ("C", "3")])),
    )
    .await;
    assert_eq!(
        bucket_tags(&name).await,
        vec![("A".into(), "9".into()), ("C".into(), "3".into())]
    );
    assert_eq!(attr(&st, "tags_all"), &tags(&[("A", "9"), ("C", "3")]));
    let st = apply(
        &*p,
        "aws_s3_bucket",
        Some(&st),
        &cfg(Value::Null(autostack_lang::Type::map(
            autostack_lang::Type::String,
        ))),
    )
    .await;
    assert!(bucket_tags(&name).await.is_empty());
    assert!(attr(&st, "tags").is_null());

    // A generated name keeps bucket_prefix.
    let gen = config(
        &*p,
        "aws_s3_bucket",
        vec![("bucket_prefix", s("as-prefix-"))],
    );
    let g = apply(&*p, "aws_s3_bucket", None, &gen).await;
    let gname = attr_str(&g, "bucket").to_string();
    assert!(
        gname.starts_with("as-prefix-") && gname.len() == "as-prefix-".len() + 26,
        "{gname}"
    );
    assert_eq!(attr_str(&g, "bucket_prefix"), "as-prefix-");
    let noop = p.plan("aws_s3_bucket", Some(&g), &gen).await.expect("plan");
    assert!(noop.requires_replace.is_empty());
    for x in [&st, &g] {
        p.apply("aws_s3_bucket", Some(x), None)
            .await
            .expect("delete");
    }
    assert!(!bucket_exists(&name).await && !bucket_exists(&gname).await);
}

#[tokio::test]
async fn s3_bucket_force_destroy() {
    let p = provider().await;
    let name = unique("force");
    let versioned = Value::tuple(vec![Value::object_from([("enabled", Value::bool(true))])]);
    let cfg = |force: bool| {
        config(
            &*p,
            "aws_s3_bucket",
            vec![
                ("bucket", s(&name)),
                ("force_destroy", Value::bool(force)),
                ("versioning", versioned.clone()),
            ],
        )
    };
    let st = apply(&*p, "aws_s3_bucket", None, &cfg(false)).await;
    assert_eq!(versioning_status(&name).await, "Enabled");
    // Out-of-band objects: two versions of one key, a delete marker, and a plain object.
    let client = s3().await;
    for body in ["one", "two"] {
        client
            .put_object()
            .bucket(&name)
            .key("a.txt")
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .expect("put");
    }
    client
        .delete_object()
        .bucket(&name)
        .key("a.txt")
        .send()
        .await
        .expect("delete marker");
    client
        .put_object()
        .bucket(&name)
        .key("dir/b.txt")
        .body(b"b".to_vec().into())
        .send()
        .await
        .expect("put");

    let err = p
        .apply("aws_s3_bucket", Some(&st), None)
        .await
        .expect_err("non-empty delete must fail");
    assert!(
        summary(&err.diags).contains("BucketNotEmpty"),
        "{}",
        err.diags
    );
    assert!(err.partial.is_none());
    assert!(bucket_exists(&name).await);
    assert!(
        p.read("aws_s3_bucket", &st).await.expect("read").is_some(),
        "state is kept"
    );

    // force_destroy changes in place, then the delete empties the bucket.
    let st = apply(&*p, "aws_s3_bucket", Some(&st), &cfg(true)).await;
    assert_eq!(attr(&st, "force_destroy"), &Value::bool(true));
    p.apply("aws_s3_bucket", Some(&st), None)
        .await
        .expect("forced delete");
    assert!(!bucket_exists(&name).await);
    assert!(p.read("aws_s3_bucket", &st).await.expect("read").is_none());
}

#[tokio::test]
async fn s3_bucket_versioning_lifecycle() {
    let p = provider().await;
    let name = unique("ver");
    let bucket = apply(
        &*p,
        "aws_s3_bucket",
        None,
        &config(&*p, "aws_s3_bucket", vec![("bucket", s(&name))]),
    )
    .await;
    let cfg = |status: &str| {
        config(
            &*p,
            "aws_s3_bucket_versioning",
            vec![
                ("bucket", s(&name)),
                (
                    "versioning_configuration",
                    Value::tuple(vec![Value::object_from([("status", s(status))])]),
                ),
            ],
        )
    };
    // Deleting the resource suspends versioning; the bucket (and so what `read` sees) stays,
    // so the lifecycle's "gone after delete" check does not apply.
    lifecycle(
        &*p,
        Lifecycle {
            type_name: "aws_s3_bucket_versioning",
            create: cfg("Enabled"),
            update: Some(cfg("Suspended")),
            replace: None,
            import_id_attr: Some("id"),
            state_only: true,
        },
    )
    .await;
    assert_eq!(versioning_status(&name).await, "Suspended");

    // Enabled -> Suspended in place, checked on S3 at each step.
    let st = apply(&*p, "aws_s3_bucket_versioning", None, &cfg("Enabled")).await;
    assert_eq!(attr_str(&st, "id"), name);
    assert_eq!(versioning_status(&name).await, "Enabled");
    let st = apply(
        &*p,
        "aws_s3_bucket_versioning",
        Some(&st),
        &cfg("Suspended"),
    )
    .await;
    assert_eq!(versioning_status(&name).await, "Suspended");
    let block = &attr(&st, "versioning_configuration")
        .as_seq()
        .expect("list")[0];
    assert_eq!(attr_str(block, "status"), "Suspended");
    // Back to "Disabled" is refused at plan time, as the provider does.
    let err = p
        .plan("aws_s3_bucket_versioning", Some(&st), &cfg("Disabled"))
        .await
        .expect_err("disabled");
    assert!(
        summary(&err).contains("Invalid versioning_configuration.status"),
        "{err}"
    );
    // The bucket's own versioning block follows without planning a change.
    let b = p
        .read("aws_s3_bucket", &bucket)
        .await
        .expect("read")
        .expect("bucket");
    let noop = p
        .plan(
            "aws_s3_bucket",
            Some(&b),
            &config(&*p, "aws_s3_bucket", vec![("bucket", s(&name))]),
        )
        .await
        .expect("plan");
    assert!(!autostack_provider_sdk::differs(&b, &noop.planned));
    p.apply("aws_s3_bucket_versioning", Some(&st), None)
        .await
        .expect("delete");
    p.apply("aws_s3_bucket", Some(&b), None)
        .await
        .expect("delete bucket");
    // Versioning of a missing bucket reads as gone.
    assert!(p
        .read("aws_s3_bucket_versioning", &st)
        .await
        .expect("read")
        .is_none());
}

#[tokio::test]
async fn data_ami() {
    let p = provider().await;
    let name = "Windows_Server-2016-English-Nano-Base-2017.10.13";
    let cfg = data_config(
        &*p,
        "aws_ami",
        vec![
            ("owners", strings(&["amazon"])),
            ("filter", Value::tuple(vec![filter("name", &[name])])),
        ],
    );
    let ami = p.read_data("aws_ami", &cfg).await.expect("read ami");
    assert!(attr_str(&ami, "id").starts_with("ami-"));
    assert_eq!(attr_str(&ami, "id"), attr_str(&ami, "image_id"));
    assert_eq!(attr_str(&ami, "name"), name);
    assert_eq!(attr_str(&ami, "architecture"), "x86_64");
    assert_eq!(attr_str(&ami, "root_device_name"), "/dev/sda1");
    assert_eq!(attr_str(&ami, "root_device_type"), "ebs");
    assert_eq!(attr_str(&ami, "virtualization_type"), "hvm");
    assert_eq!(attr_str(&ami, "state"), "available");
    assert_eq!(
        attr_str(&ami, "arn"),
        format!("arn:aws:ec2:us-east-1::image/{}", attr_str(&ami, "id"))
    );
    assert!(attr_str(&ami, "root_snapshot_id").starts_with("snap-"));
    let bdm = attr(&ami, "block_device_mappings").as_seq().expect("set");
    assert_eq!(attr_str(&bdm[0], "device_name"), "/dev/sda1");
    assert!(ami.is_wholly_known());

    // name_regex (Go syntax) and most_recent.
    let many = |most_recent: bool| {
        data_config(
            &*p,
            "aws_ami",
            vec![
                ("owners", strings(&["amazon"])),
                (
                    "name_regex",
                    s("^Windows_Server-2016-English-Full-SQL_2016_SP1_.*"),
                ),
                ("most_recent", Value::bool(most_recent)),
            ],
        )
    };
    let err = p
        .read_data("aws_ami", &many(false))
        .await
        .expect_err("several");
    assert_eq!(
        summary(&err),
        "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true."
    );
    let one = p
        .read_data("aws_ami", &many(true))
        .await
        .expect("most recent");
    assert!(attr_str(&one, "name").starts_with("Windows_Server-2016-English-Full-SQL_2016_SP1_"));

    let none = data_config(
        &*p,
        "aws_ami",
        vec![
            ("owners", strings(&["amazon"])),
            (
                "filter",
                Value::tuple(vec![filter("name", &["no-such-image-*"])]),
            ),
        ],
    );
    let err = p.read_data("aws_ami", &none).await.expect_err("no match");
    assert_eq!(
        summary(&err),
        "Your query returned no results. Please change your search criteria and try again."
    );
}

#[tokio::test]
async fn data_availability_zones() {
    let p = provider().await;
    let all = p
        .read_data(
            "aws_availability_zones",
            &data_config(&*p, "aws_availability_zones", vec![]),
        )
        .await
        .expect("azs");
    assert_eq!(attr_str(&all, "id"), "us-east-1");
    let names: Vec<&str> = attr(&all, "names")
        .as_seq()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        names.len() >= 3 && names.contains(&"us-east-1a"),
        "{names:?}"
    );
    assert!(
        names.windows(2).all(|w| w[0] < w[1]),
        "sorted by name: {names:?}"
    );
    let ids = attr(&all, "zone_ids").as_seq().expect("ids");
    assert_eq!(ids.len(), names.len());

    let cfg = data_config(
        &*p,
        "aws_availability_zones",
        vec![
            ("state", s("available")),
            ("exclude_names", strings(&["us-east-1a"])),
            (
                "filter",
                Value::tuple(vec![filter("zone-type", &["availability-zone"])]),
            ),
        ],
    );
    let some = p
        .read_data("aws_availability_zones", &cfg)
        .await
        .expect("azs");
    let left: Vec<&str> = attr(&some, "names")
        .as_seq()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(left.len(), names.len() - 1);
    assert!(!left.contains(&"us-east-1a"));
}

#[tokio::test]
async fn data_vpc() {
    let p = provider().await;
    let dflt = data_config(&*p, "aws_vpc", vec![("default", Value::bool(true))]);
    let v = p.read_data("aws_vpc", &dflt).await.expect("default vpc");
    let id = attr_str(&v, "id").to_string();
    assert!(id.starts_with("vpc-"));
    assert_eq!(attr_str(&v, "cidr_block"), "172.31.0.0/16");
    assert_eq!(attr(&v, "default"), &Value::bool(true));
    assert_eq!(attr(&v, "enable_dns_support"), &Value::bool(true));
    assert_eq!(attr_str(&v, "instance_tenancy"), "default");
    assert_eq!(
        attr_str(&v, "arn"),
        format!(
            "arn:aws:ec2:us-east-1:{}:vpc/{id}",
            attr_str(&v, "owner_id")
        )
    );
    assert!(v.is_wholly_known());
    let by_id = p
        .read_data(
            "aws_vpc",
            &data_config(&*p, "aws_vpc", vec![("id", s(&id))]),
        )
        .await
        .expect("by id");
    assert_eq!(attr_str(&by_id, "cidr_block"), "172.31.0.0/16");

    // No match, and more than one match, with the provider's messages.
    let tag = unique("vpc");
    let by_tag = data_config(&*p, "aws_vpc", vec![("tags", tags(&[("Name", &tag)]))]);
    let err = p.read_data("aws_vpc", &by_tag).await.expect_err("no match");
    assert_eq!(summary(&err), "no matching EC2 VPC found");
    let ec2 = support::ec2().await;
    let mut made = Vec::new();
    for cidr in ["10.91.0.0/16", "10.92.0.0/16"] {
        let out = ec2
            .create_vpc()
            .cidr_block(cidr)
            .send()
            .await
            .expect("create vpc");
        let vid = out.vpc().and_then(|v| v.vpc_id()).expect("id").to_string();
        let t = aws_sdk_ec2::types::Tag::builder()
            .key("Name")
            .value(&tag)
            .build();
        ec2.create_tags()
            .resources(&vid)
            .tags(t)
            .send()
            .await
            .expect("tag");
        made.push(vid);
    }
    let err = p
        .read_data("aws_vpc", &by_tag)
        .await
        .expect_err("two matches");
    assert_eq!(
        summary(&err),
        "multiple EC2 VPCs matched; use additional constraints to reduce matches to a single EC2 VPC"
    );
    let one = data_config(
        &*p,
        "aws_vpc",
        vec![
            ("tags", tags(&[("Name", &tag)])),
            ("cidr_block", s("10.92.0.0/16")),
        ],
    );
    let got = p.read_data("aws_vpc", &one).await.expect("one");
    assert_eq!(attr_str(&got, "id"), made[1]);
    assert_eq!(attr(&got, "tags"), &tags(&[("Name", &tag)]));
    for vid in made {
        ec2.delete_vpc()
            .vpc_id(vid)
            .send()
            .await
            .expect("delete vpc");
    }
}

#[tokio::test]
async fn data_caller_identity() {
    let p = provider().await;
    let me = p
        .read_data(
            "aws_caller_identity",
            &data_config(&*p, "aws_caller_identity", vec![]),
        )
        .await
        .expect("caller identity");
    assert_eq!(attr_str(&me, "account_id"), "123456789012");
    assert_eq!(attr_str(&me, "id"), "123456789012");
    assert!(attr_str(&me, "arn").starts_with("arn:aws:"));
    assert!(!attr_str(&me, "user_id").is_empty());
}
