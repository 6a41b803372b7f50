//! The provider block against moto: hashicorp/aws's whole schema is accepted, and the
//! arguments that matter are honoured: `assume_role` (through STS), `allowed_account_ids` /
//! `forbidden_account_ids`, `ignore_tags`, `retry_mode`, `shared_config_files`.

mod support;

use autostack_provider_sdk::testkit;
use autostack_provider_sdk::{attr_str, Provider};
use autostack_value::{Diagnostics, Value};
use support::{apply, config, configure_with, create, destroy, s, strings, tags};

fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::tuple(vec![Value::object_from(pairs)])
}

fn first_summary(d: &Diagnostics) -> String {
    d.iter()
        .next()
        .map(|d| d.summary.clone())
        .unwrap_or_default()
}

async fn caller(p: &dyn Provider) -> Value {
    let cfg = support::data_config(p, "aws_caller_identity", vec![]);
    testkit::read_data(p, "aws_caller_identity", &cfg)
        .await
        .expect("caller identity")
}

#[tokio::test]
async fn every_argument_of_hashicorp_aws_is_accepted() {
    let url = support::moto_url();
    let p = configure_with(vec![
        (
            "endpoints",
            block(vec![
                ("ec2", s(&url)),
                ("s3api", s(&url)),
                ("sts", s(&url)),
                ("iam", s("http://127.0.0.1:9")),
                ("lambda", s("http://127.0.0.1:9")),
            ]),
        ),
        ("retry_mode", s("adaptive")),
        ("sts_region", s("us-east-1")),
        ("use_fips_endpoint", Value::bool(false)),
        ("use_dualstack_endpoint", Value::bool(false)),
        ("insecure", Value::bool(true)),
        ("http_proxy", s("http://proxy.invalid:3128")),
        ("no_proxy", s("localhost")),
        ("custom_ca_bundle", s("/nonexistent/ca.pem")),
        ("skip_region_validation", Value::bool(true)),
        ("s3_us_east_1_regional_endpoint", s("regional")),
        ("token_bucket_rate_limiter_capacity", Value::int(10000)),
        ("ec2_metadata_service_endpoint_mode", s("IPv4")),
        ("allowed_account_ids", strings(&["123456789012"])),
        (
            "ignore_tags",
            block(vec![
                ("keys", strings(&["a"])),
                ("key_prefixes", strings(&["b"])),
            ]),
        ),
    ])
    .await
    .expect("configure");
    // S3 through the `s3api` alias and EC2 still reach moto.
    let v = create(
        p.as_ref(),
        "aws_vpc",
        vec![("cidr_block", s("10.140.0.0/16"))],
    )
    .await;
    destroy(p.as_ref(), "aws_vpc", &v).await;
}

#[tokio::test]
async fn assume_role_calls_sts_and_chains_roles() {
    let role = |arn: &str, session: &str| {
        Value::object_from([
            ("role_arn", s(arn)),
            ("session_name", s(session)),
            ("duration", s("1h")),
            ("external_id", s("ext-1")),
            ("tags", tags(&[("team", "infra")])),
            ("transitive_tag_keys", strings(&["team"])),
            ("source_identity", s("builder")),
        ])
    };
    let p = configure_with(vec![(
        "assume_role",
        Value::tuple(vec![role("arn:aws:iam::111111111111:role/deployer", "ci")]),
    )])
    .await
    .expect("configure");
    // moto answers GetCallerIdentity for the assumed role's keys with the role's account.
    let who = caller(p.as_ref()).await;
    assert_eq!(attr_str(&who, "account_id"), "111111111111");
    assert_eq!(
        attr_str(&who, "arn"),
        "arn:aws:sts::111111111111:assumed-role/deployer/ci"
    );
    // Two blocks: the second role is assumed with the first one's credentials.
    let p = configure_with(vec![(
        "assume_role",
        Value::tuple(vec![
            role("arn:aws:iam::111111111111:role/deployer", "ci"),
            role("arn:aws:iam::222222222222:role/auditor", "audit"),
        ]),
    )])
    .await
    .expect("configure");
    let who = caller(p.as_ref()).await;
    assert_eq!(
        attr_str(&who, "arn"),
        "arn:aws:sts::222222222222:assumed-role/auditor/audit"
    );
    // A bad duration is rejected as hashicorp/aws rejects it.
    let err = configure_with(vec![(
        "assume_role",
        block(vec![
            ("role_arn", s("arn:aws:iam::111111111111:role/deployer")),
            ("duration", s("5m")),
        ]),
    )])
    .await
    .err()
    .expect("duration out of range");
    assert_eq!(
        first_summary(&err),
        "duration \"assume_role.0.duration\" must be between 15 minutes (15m) and 12 hours (12h), inclusive"
    );
}

#[tokio::test]
async fn assume_role_failures_name_the_role() {
    // STS unreachable: the role cannot be assumed, and configuration says which.
    let url = support::moto_url();
    let err = configure_with(vec![
        (
            "endpoints",
            block(vec![
                ("ec2", s(&url)),
                ("s3", s(&url)),
                ("sts", s("http://127.0.0.1:9")),
            ]),
        ),
        ("max_retries", Value::int(0)),
        (
            "assume_role",
            block(vec![("role_arn", s("arn:aws:iam::111111111111:role/x"))]),
        ),
    ])
    .await
    .err()
    .expect("unreachable STS");
    assert_eq!(first_summary(&err), "Cannot assume IAM Role");
    assert!(
        err.to_string().contains("arn:aws:iam::111111111111:role/x"),
        "{err}"
    );
}

#[tokio::test]
async fn account_id_allow_and_deny_lists_are_checked() {
    // moto's account is 123456789012.
    let not_allowed = "AWS account ID not allowed: 123456789012";
    let e = configure_with(vec![("allowed_account_ids", strings(&["111111111111"]))])
        .await
        .err()
        .expect("not in the allowed list");
    assert_eq!(first_summary(&e), not_allowed);
    let e = configure_with(vec![("forbidden_account_ids", strings(&["123456789012"]))])
        .await
        .err()
        .expect("in the forbidden list");
    assert_eq!(first_summary(&e), not_allowed);
    configure_with(vec![("allowed_account_ids", strings(&["123456789012"]))])
        .await
        .expect("allowed");
    configure_with(vec![("forbidden_account_ids", strings(&["111111111111"]))])
        .await
        .expect("not forbidden");
    let e = configure_with(vec![
        ("allowed_account_ids", strings(&["1"])),
        ("forbidden_account_ids", strings(&["2"])),
    ])
    .await
    .err()
    .expect("conflict");
    assert_eq!(e.iter().count(), 2);
    assert_eq!(first_summary(&e), "Conflicting configuration arguments");
    assert!(
        e.to_string()
            .contains("\"allowed_account_ids\": conflicts with forbidden_account_ids"),
        "{e}"
    );
    // The assumed role's account is the one checked.
    configure_with(vec![
        ("allowed_account_ids", strings(&["111111111111"])),
        (
            "assume_role",
            block(vec![(
                "role_arn",
                s("arn:aws:iam::111111111111:role/deployer"),
            )]),
        ),
    ])
    .await
    .expect("assumed account allowed");
}

#[tokio::test]
async fn retry_mode_is_validated() {
    let e = configure_with(vec![("retry_mode", s("bogus"))])
        .await
        .err()
        .expect("bogus mode");
    assert_eq!(first_summary(&e), "unknown RetryMode, bogus");
    configure_with(vec![
        ("retry_mode", s("standard")),
        ("max_retries", Value::int(3)),
    ])
    .await
    .expect("standard");
}

#[tokio::test]
async fn shared_config_files_are_read() {
    // The environment's region outranks the shared config files (as in hashicorp/aws).
    if std::env::var_os("AWS_REGION").is_some() || std::env::var_os("AWS_DEFAULT_REGION").is_some()
    {
        eprintln!("skipped: AWS_REGION is set");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config");
    std::fs::write(&file, "[profile other]\nregion = eu-west-3\n").expect("write");
    let url = support::moto_url();
    let mut block = support::provider_block(&url, "x")
        .as_entries()
        .cloned()
        .unwrap_or_default();
    block.remove("region");
    block.insert("profile".into(), s("other"));
    block.insert(
        "shared_config_files".into(),
        strings(&[file.to_str().expect("utf-8 path")]),
    );
    let mut p = autostack_provider_aws::provider_for("hashicorp/aws").expect("aws provider");
    let conformed =
        autostack_provider_sdk::conform::conform_value(&p.schema().provider, &Value::object(block))
            .expect("conform");
    p.configure(autostack_provider_sdk::ConfigureRequest::new(conformed))
        .await
        .expect("configure");
    let azs = support::data_config(p.as_ref(), "aws_availability_zones", vec![]);
    let azs = testkit::read_data(&*p, "aws_availability_zones", &azs)
        .await
        .expect("zones");
    let names = format!("{:?}", support::attr(&azs, "names"));
    assert!(names.contains("eu-west-3a"), "{names}");
}

/// A VPC with `tags`, then tags added out of band: with `ignore_tags` they stay out of
/// state and the plan is empty; without it they are planned away.
#[tokio::test]
async fn ignore_tags_hide_tags_set_by_others() {
    let ignore = block(vec![
        ("keys", strings(&["owner"])),
        ("key_prefixes", strings(&["kubernetes.io/"])),
    ]);
    let p = configure_with(vec![("ignore_tags", ignore)])
        .await
        .expect("configure");
    // A configured tag that is ignored is not sent either (hashicorp/aws leaves it out of
    // tags_all).
    let cfg = config(
        p.as_ref(),
        "aws_vpc",
        vec![
            ("cidr_block", s("10.150.0.0/16")),
            ("tags", tags(&[("Name", "ign"), ("owner", "me")])),
        ],
    );
    let planned = testkit::plan(&*p, "aws_vpc", None, &cfg)
        .await
        .expect("plan")
        .planned;
    assert_eq!(
        support::attr(&planned, "tags_all"),
        &tags(&[("Name", "ign")])
    );
    let cfg = config(
        p.as_ref(),
        "aws_vpc",
        vec![
            ("cidr_block", s("10.150.0.0/16")),
            ("tags", tags(&[("Name", "ign")])),
        ],
    );
    let v = apply(p.as_ref(), "aws_vpc", None, &cfg).await;
    let ec2 = support::ec2().await;
    let tag = |k: &str, v: &str| {
        autostack_provider_aws::sdk::aws_sdk_ec2::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
    };
    ec2.create_tags()
        .resources(attr_str(&v, "id"))
        .tags(tag("owner", "ops"))
        .tags(tag("kubernetes.io/cluster/x", "shared"))
        .send()
        .await
        .expect("tag out of band");
    let read = testkit::read(&*p, "aws_vpc", &v)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(support::attr(&read, "tags"), &tags(&[("Name", "ign")]));
    assert_eq!(support::attr(&read, "tags_all"), &tags(&[("Name", "ign")]));
    let plan = testkit::plan(&*p, "aws_vpc", Some(&read), &cfg)
        .await
        .expect("plan");
    assert_eq!(plan.planned, read, "no change planned");
    // Without ignore_tags the same object plans the foreign tags away.
    let plain = support::provider().await;
    let read2 = testkit::read(&*plain, "aws_vpc", &v)
        .await
        .expect("read")
        .expect("exists");
    let all = format!("{:?}", support::attr(&read2, "tags_all"));
    assert!(all.contains("kubernetes.io/cluster/x"), "{all}");
    let plan2 = testkit::plan(&*plain, "aws_vpc", Some(&read2), &cfg)
        .await
        .expect("plan");
    assert_ne!(plan2.planned, read2, "the foreign tags are planned away");
    // An update through the ignoring provider leaves the foreign tags in place.
    let cfg3 = config(
        p.as_ref(),
        "aws_vpc",
        vec![
            ("cidr_block", s("10.150.0.0/16")),
            ("tags", tags(&[("Name", "ign2")])),
        ],
    );
    let v3 = apply(p.as_ref(), "aws_vpc", Some(&read), &cfg3).await;
    let raw = testkit::read(&*plain, "aws_vpc", &v3)
        .await
        .expect("read")
        .expect("exists");
    let all = format!("{:?}", support::attr(&raw, "tags_all"));
    assert!(all.contains("owner") && all.contains("ign2"), "{all}");
    destroy(p.as_ref(), "aws_vpc", &v3).await;
}

#[tokio::test]
async fn assume_role_with_web_identity_reads_the_token_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = dir.path().join("token");
    std::fs::write(&token, "eyJ.token.sig\n").expect("write");
    let p = configure_with(vec![(
        "assume_role_with_web_identity",
        block(vec![
            ("role_arn", s("arn:aws:iam::333333333333:role/web")),
            ("session_name", s("wi")),
            (
                "web_identity_token_file",
                s(token.to_str().expect("utf-8 path")),
            ),
        ]),
    )])
    .await
    .expect("configure");
    let who = caller(p.as_ref()).await;
    assert_eq!(
        attr_str(&who, "arn"),
        "arn:aws:sts::333333333333:assumed-role/web/wi"
    );
}
