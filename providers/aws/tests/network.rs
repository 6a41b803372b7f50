//! Network resource types against moto: the SDK's lifecycle test for each, batched refresh
//! (counted on the wire), drift, and the provider block (default tags, endpoints, regions).

mod support;

use autostack_provider_sdk::testkit;
use autostack_provider_sdk::testkit::Lifecycle;
use autostack_provider_sdk::{attr_str, Provider};
use autostack_value::Value;
use support::{apply, config, create, destroy, lifecycle, provider, s, tags};

/// Creates a VPC through the provider and returns its state.
async fn vpc(p: &dyn Provider, cidr: &str) -> Value {
    let cfg = config(p, "aws_vpc", vec![("cidr_block", s(cidr))]);
    apply(p, "aws_vpc", None, &cfg).await
}

#[tokio::test]
async fn vpc_lifecycle() {
    let p = provider().await;
    let create = config(
        p.as_ref(),
        "aws_vpc",
        vec![
            ("cidr_block", s("10.1.0.0/16")),
            ("tags", tags(&[("Name", "a")])),
        ],
    );
    let update = config(
        p.as_ref(),
        "aws_vpc",
        vec![
            ("cidr_block", s("10.1.0.0/16")),
            ("enable_dns_hostnames", Value::bool(true)),
            ("tags", tags(&[("Name", "b")])),
        ],
    );
    let replace = config(
        p.as_ref(),
        "aws_vpc",
        vec![("cidr_block", s("10.2.0.0/16"))],
    );
    lifecycle(
        p.as_ref(),
        Lifecycle::new("aws_vpc", create)
            .update(update)
            .replace(replace),
    )
    .await;
}

#[tokio::test]
async fn subnet_lifecycle_and_cidr_change_replaces() {
    let p = provider().await;
    let v = vpc(p.as_ref(), "10.3.0.0/16").await;
    let vpc_id = s(attr_str(&v, "id"));
    let cfg = |cidr: &str, public: bool, name: &str| {
        config(
            p.as_ref(),
            "aws_subnet",
            vec![
                ("vpc_id", vpc_id.clone()),
                ("cidr_block", s(cidr)),
                ("availability_zone", s("us-east-1a")),
                ("map_public_ip_on_launch", Value::bool(public)),
                ("tags", tags(&[("Name", name)])),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("aws_subnet", cfg("10.3.1.0/24", false, "a"))
            .update(cfg("10.3.1.0/24", true, "b"))
            .replace(cfg("10.3.2.0/24", true, "b")),
    )
    .await;
    destroy(p.as_ref(), "aws_vpc", &v).await;
}

#[tokio::test]
async fn gateway_route_table_and_association_lifecycles() {
    let p = provider().await;
    let p = p.as_ref();
    let v = vpc(p, "10.4.0.0/16").await;
    let vpc_id = s(attr_str(&v, "id"));
    lifecycle(
        p,
        Lifecycle::new(
            "aws_internet_gateway",
            config(p, "aws_internet_gateway", vec![("vpc_id", vpc_id.clone())]),
        )
        .update(config(
            p,
            "aws_internet_gateway",
            vec![
                ("vpc_id", vpc_id.clone()),
                ("tags", tags(&[("Name", "gw")])),
            ],
        )),
    )
    .await;
    let igw = create(p, "aws_internet_gateway", vec![("vpc_id", vpc_id.clone())]).await;
    let route = |cidr: &str| {
        Value::tuple(vec![Value::object_from([
            ("cidr_block", s(cidr)),
            ("gateway_id", s(attr_str(&igw, "id"))),
        ])])
    };
    let rt = |cidr: &str| {
        config(
            p,
            "aws_route_table",
            vec![("vpc_id", vpc_id.clone()), ("route", route(cidr))],
        )
    };
    lifecycle(
        p,
        Lifecycle::new("aws_route_table", rt("0.0.0.0/0")).update(rt("192.0.2.0/24")),
    )
    .await;
    let sub = create(
        p,
        "aws_subnet",
        vec![("vpc_id", vpc_id.clone()), ("cidr_block", s("10.4.1.0/24"))],
    )
    .await;
    let t1 = apply(p, "aws_route_table", None, &rt("0.0.0.0/0")).await;
    let t2 = apply(p, "aws_route_table", None, &rt("0.0.0.0/0")).await;
    let assoc = |t: &Value| {
        config(
            p,
            "aws_route_table_association",
            vec![
                ("subnet_id", s(attr_str(&sub, "id"))),
                ("route_table_id", s(attr_str(t, "id"))),
            ],
        )
    };
    lifecycle(
        p,
        Lifecycle::new("aws_route_table_association", assoc(&t1))
            .update(assoc(&t2))
            .import_id(None),
    )
    .await;
    // Import takes Terraform's `subnet-id/route-table-id` form.
    let a = apply(p, "aws_route_table_association", None, &assoc(&t1)).await;
    let id = format!("{}/{}", attr_str(&sub, "id"), attr_str(&t1, "id"));
    let imported = testkit::import(p, "aws_route_table_association", &id)
        .await
        .expect("import");
    assert_eq!(attr_str(&imported, "id"), attr_str(&a, "id"));
    let bad = testkit::import(p, "aws_route_table_association", "no-slash")
        .await
        .unwrap_err();
    assert!(
        bad.to_string().contains("Unexpected format for import ID"),
        "{bad}"
    );
    let missing_one = config(
        p,
        "aws_route_table_association",
        vec![("route_table_id", s("rtb-1"))],
    );
    assert!(
        testkit::plan(p, "aws_route_table_association", None, &missing_one)
            .await
            .is_err()
    );
    destroy(p, "aws_route_table_association", &a).await;
    for (ty, st) in [
        ("aws_route_table", &t1),
        ("aws_route_table", &t2),
        ("aws_subnet", &sub),
        ("aws_internet_gateway", &igw),
        ("aws_vpc", &v),
    ] {
        destroy(p, ty, st).await;
    }
}

fn rule(from: i64, to: i64, protocol: &str, cidr: &str) -> Value {
    Value::object_from([
        ("from_port", Value::int(from)),
        ("to_port", Value::int(to)),
        ("protocol", s(protocol)),
        ("cidr_blocks", Value::tuple(vec![s(cidr)])),
    ])
}

#[tokio::test]
async fn security_group_lifecycle_with_inline_rules() {
    let p = provider().await;
    let p = p.as_ref();
    let v = vpc(p, "10.5.0.0/16").await;
    let vpc_id = s(attr_str(&v, "id"));
    let sg = |name: &str, ingress: Vec<Value>, desc: &str| {
        config(
            p,
            "aws_security_group",
            vec![
                ("name", s(name)),
                ("description", s(desc)),
                ("vpc_id", vpc_id.clone()),
                ("ingress", Value::tuple(ingress)),
                ("egress", Value::tuple(vec![rule(0, 0, "-1", "0.0.0.0/0")])),
            ],
        )
    };
    lifecycle(
        p,
        Lifecycle::new(
            "aws_security_group",
            sg("web", vec![rule(80, 80, "tcp", "0.0.0.0/0")], "web"),
        )
        .update(sg(
            "web",
            vec![
                rule(80, 80, "tcp", "0.0.0.0/0"),
                rule(443, 443, "6", "10.0.0.0/8"),
            ],
            "web",
        ))
        .replace(sg("web", vec![], "changed description")),
    )
    .await;
    // A generated name, the default description, and no configured egress: AWS's default
    // allow-all egress rule is removed.
    let generated = create(p, "aws_security_group", vec![("vpc_id", vpc_id.clone())]).await;
    assert!(attr_str(&generated, "name").starts_with("terraform-"));
    assert_eq!(attr_str(&generated, "description"), "Managed by Terraform");
    let noop = testkit::plan(
        p,
        "aws_security_group",
        Some(&generated),
        &config(p, "aws_security_group", vec![("vpc_id", vpc_id.clone())]),
    )
    .await
    .expect("plan");
    assert!(
        !autostack_provider_sdk::differs(&generated, &noop.planned),
        "no-op plan after create with generated name"
    );
    destroy(p, "aws_security_group", &generated).await;
    destroy(p, "aws_vpc", &v).await;
}

#[tokio::test]
async fn standalone_security_group_rules() {
    let p = provider().await;
    let p = p.as_ref();
    let v = vpc(p, "10.6.0.0/16").await;
    let g = create(
        p,
        "aws_security_group",
        vec![("name", s("rules")), ("vpc_id", s(attr_str(&v, "id")))],
    )
    .await;
    let gid = s(attr_str(&g, "id"));
    for ty in [
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ] {
        let r = |port: i64, desc: &str| {
            config(
                p,
                ty,
                vec![
                    ("security_group_id", gid.clone()),
                    ("ip_protocol", s("tcp")),
                    ("from_port", Value::int(port)),
                    ("to_port", Value::int(port)),
                    ("cidr_ipv4", s("10.0.0.0/8")),
                    ("description", s(desc)),
                ],
            )
        };
        lifecycle(
            p,
            Lifecycle::new(ty, r(22, "ssh")).update(r(2222, "ssh on another port")),
        )
        .await;
    }
    destroy(p, "aws_security_group", &g).await;
    destroy(p, "aws_vpc", &v).await;
}

/// The provider block with STS unreachable and the given skip flags.
async fn configure_without_sts(
    skip: bool,
) -> Result<Box<dyn Provider>, autostack_value::Diagnostics> {
    let url = support::moto_url();
    support::configure_with(vec![
        (
            "endpoints",
            Value::tuple(vec![Value::object_from([
                ("ec2", s(&url)),
                ("s3", s(&url)),
                ("sts", s("http://127.0.0.1:9")),
            ])]),
        ),
        ("skip_credentials_validation", Value::bool(skip)),
        ("skip_requesting_account_id", Value::bool(skip)),
        ("max_retries", Value::int(0)),
    ])
    .await
}

#[tokio::test]
async fn skip_flags_configure_without_sts() {
    // Without the skip flags, an unreachable STS is a configuration error...
    let err = configure_without_sts(false)
        .await
        .err()
        .expect("STS is required");
    assert!(
        err.to_string().contains("validating provider credentials"),
        "{err}"
    );
    // ...with them, nothing calls STS and ARNs carry no account ID, as in hashicorp/aws.
    let p = configure_without_sts(true).await.expect("configure");
    let v = create(
        p.as_ref(),
        "aws_vpc",
        vec![("cidr_block", s("10.120.0.0/16"))],
    )
    .await;
    assert!(
        attr_str(&v, "arn").starts_with("arn:aws:ec2:us-east-1::vpc/"),
        "{}",
        attr_str(&v, "arn")
    );
    destroy(p.as_ref(), "aws_vpc", &v).await;
}

#[tokio::test]
async fn vpc_refresh_sees_dns_flags_changed_out_of_band() {
    let p = provider().await;
    let v = vpc(p.as_ref(), "10.130.0.0/16").await;
    assert_eq!(
        support::attr(&v, "enable_dns_hostnames").as_bool(),
        Some(false)
    );
    support::ec2()
        .await
        .modify_vpc_attribute()
        .vpc_id(attr_str(&v, "id"))
        .enable_dns_hostnames(
            autostack_provider_aws::sdk::aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build(),
        )
        .send()
        .await
        .expect("modify");
    let read = testkit::read(&*p, "aws_vpc", &v)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        support::attr(&read, "enable_dns_hostnames").as_bool(),
        Some(true)
    );
    destroy(p.as_ref(), "aws_vpc", &read).await;
}
