//! `recover` of every AWS resource type against moto: after a create with a token, the
//! object is found again from the planned value and the token alone (as after a crash), and
//! for types found by the token (intent tag, token-derived name) another token finds nothing.

mod support;

use autostack_provider_sdk::testkit;
use autostack_provider_sdk::{attr_str, ApplyRequest, Provider, RecoverRequest};
use autostack_value::Value;
use support::compute::{instance_cfg, unique, Net};
use support::{config, destroy, provider, s};

/// How `recover` must behave for a type.
#[derive(PartialEq)]
enum Found {
    /// By the create's token: another token finds nothing.
    ByToken,
    /// By what the object joins (or its given name): any token finds it.
    ByIdentity,
}

/// Plans and creates `ty` with a fresh token, checks `recover`, returns the created state.
async fn create_and_recover(p: &dyn Provider, ty: &str, cfg: &Value, how: Found) -> Value {
    let planned = testkit::plan(p, ty, None, cfg).await.expect("plan").planned;
    let token = format!(
        "{:08x}-1111-4222-8333-{:012x}",
        support::compute::random() as u32,
        support::compute::random() >> 16
    );
    let create = ApplyRequest::new(ty, None, Some(&planned)).with_token(&token);
    let made = p
        .apply(create)
        .await
        .unwrap_or_else(|e| panic!("create {ty}: {}", e.diags))
        .new_state
        .expect("created state");
    let found = p
        .recover(RecoverRequest::new(ty, &planned, &token))
        .await
        .unwrap_or_else(|d| panic!("recover {ty}: {d}"))
        .unwrap_or_else(|| panic!("recover {ty} found nothing"));
    assert_eq!(attr_str(&found.state, "id"), attr_str(&made, "id"), "{ty}");
    let other_token = "00000000-0000-4000-8000-000000000000";
    let other = p
        .recover(RecoverRequest::new(ty, &planned, other_token))
        .await
        .unwrap_or_else(|d| panic!("recover {ty}: {d}"));
    assert_eq!(
        other.is_none(),
        how == Found::ByToken,
        "{ty} with another token"
    );
    made
}

#[tokio::test]
async fn every_type_is_found_again_after_its_create() {
    let p = provider().await;
    let p = p.as_ref();
    let net = Net::new(p).await;
    let vpc_id = attr_str(&net.vpc, "id").to_string();
    let vpc = create_and_recover(
        p,
        "aws_vpc",
        &config(p, "aws_vpc", vec![("cidr_block", s("10.250.0.0/16"))]),
        Found::ByToken,
    )
    .await;
    let subnet_cfg = config(
        p,
        "aws_subnet",
        vec![
            ("vpc_id", s(attr_str(&vpc, "id"))),
            ("cidr_block", s("10.250.1.0/24")),
            ("availability_zone", s("us-east-1a")),
        ],
    );
    let subnet = create_and_recover(p, "aws_subnet", &subnet_cfg, Found::ByToken).await;
    let igw = create_and_recover(
        p,
        "aws_internet_gateway",
        &config(p, "aws_internet_gateway", vec![("vpc_id", s(&vpc_id))]),
        Found::ByToken,
    )
    .await;
    let rt = create_and_recover(
        p,
        "aws_route_table",
        &config(p, "aws_route_table", vec![("vpc_id", s(&vpc_id))]),
        Found::ByToken,
    )
    .await;
    let assoc_cfg = config(
        p,
        "aws_route_table_association",
        vec![
            ("subnet_id", s(net.subnet_id())),
            ("route_table_id", s(attr_str(&rt, "id"))),
        ],
    );
    let assoc = create_and_recover(
        p,
        "aws_route_table_association",
        &assoc_cfg,
        Found::ByIdentity,
    )
    .await;
    let sg_cfg = config(
        p,
        "aws_security_group",
        vec![
            ("name_prefix", s("rec-")),
            ("description", s("recover")),
            ("vpc_id", s(&vpc_id)),
        ],
    );
    let sg = create_and_recover(p, "aws_security_group", &sg_cfg, Found::ByToken).await;
    let rule_cfg = config(
        p,
        "aws_vpc_security_group_ingress_rule",
        vec![
            ("security_group_id", s(attr_str(&sg, "id"))),
            ("ip_protocol", s("tcp")),
            ("from_port", Value::int(22)),
            ("to_port", Value::int(22)),
            ("cidr_ipv4", s("10.0.0.0/8")),
        ],
    );
    let rule = create_and_recover(
        p,
        "aws_vpc_security_group_ingress_rule",
        &rule_cfg,
        Found::ByToken,
    )
    .await;
    let key = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/aws-web/deployer.pub"
    ))
    .unwrap();
    let kp_cfg = config(
        p,
        "aws_key_pair",
        vec![
            ("key_name_prefix", s("rec-")),
            ("public_key", s(key.trim())),
        ],
    );
    let kp = create_and_recover(p, "aws_key_pair", &kp_cfg, Found::ByToken).await;
    let inst = create_and_recover(
        p,
        "aws_instance",
        &instance_cfg(p, &net, vec![]),
        Found::ByToken,
    )
    .await;
    let vol_cfg = config(
        p,
        "aws_ebs_volume",
        vec![
            ("availability_zone", s("us-east-1a")),
            ("size", Value::int(1)),
        ],
    );
    let vol = create_and_recover(p, "aws_ebs_volume", &vol_cfg, Found::ByToken).await;
    let att_cfg = config(
        p,
        "aws_volume_attachment",
        vec![
            ("device_name", s("/dev/sdf")),
            ("volume_id", s(attr_str(&vol, "id"))),
            ("instance_id", s(attr_str(&inst, "id"))),
        ],
    );
    let att = create_and_recover(p, "aws_volume_attachment", &att_cfg, Found::ByIdentity).await;
    let eip = create_and_recover(
        p,
        "aws_eip",
        &config(p, "aws_eip", vec![("domain", s("vpc"))]),
        Found::ByToken,
    )
    .await;
    let prefix = format!("{}-", unique("rec"));
    let bucket_cfg = config(
        p,
        "aws_s3_bucket",
        vec![
            ("bucket_prefix", s(&prefix)),
            ("force_destroy", Value::bool(true)),
        ],
    );
    let bucket = create_and_recover(p, "aws_s3_bucket", &bucket_cfg, Found::ByToken).await;
    let ver_cfg = config(
        p,
        "aws_s3_bucket_versioning",
        vec![
            ("bucket", s(attr_str(&bucket, "id"))),
            (
                "versioning_configuration",
                Value::list(
                    autostack_value::Type::Dynamic,
                    vec![Value::object_from([("status", s("Enabled"))])],
                ),
            ),
        ],
    );
    let ver = create_and_recover(p, "aws_s3_bucket_versioning", &ver_cfg, Found::ByIdentity).await;
    for (ty, st) in [
        ("aws_s3_bucket_versioning", &ver),
        ("aws_s3_bucket", &bucket),
        ("aws_eip", &eip),
        ("aws_volume_attachment", &att),
        ("aws_ebs_volume", &vol),
        ("aws_instance", &inst),
        ("aws_key_pair", &kp),
        ("aws_vpc_security_group_ingress_rule", &rule),
        ("aws_security_group", &sg),
        ("aws_route_table_association", &assoc),
        ("aws_route_table", &rt),
        ("aws_internet_gateway", &igw),
        ("aws_subnet", &subnet),
        ("aws_vpc", &vpc),
    ] {
        destroy(p, ty, st).await;
    }
    net.drop(p).await;
}
