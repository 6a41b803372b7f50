//! `aws_ebs_volume`, `aws_volume_attachment`, `aws_eip` and `aws_key_pair` against moto.

mod support;

use autostack_provider_aws::sdk::aws_sdk_ec2;
use autostack_provider_sdk::testkit;
use autostack_provider_sdk::testkit::Lifecycle;
use autostack_provider_sdk::{attr_str, Provider};
use autostack_value::Value;
use support::compute::*;
use support::{apply, attr, config, destroy, ec2, lifecycle, provider, replaced_paths, s, tags};

const KEY_1: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAQaF1HCgMA5JJjN7ayh2dubgLd/yZHh3/qrOEOyUwwT k1";
const KEY_2: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcrqmw61p02iqdXFZEmpPpLpnJjpVJLPF85WcO70Ekm k2";

fn volume_cfg(p: &dyn Provider, pairs: Vec<(&str, Value)>) -> Value {
    let mut all = vec![
        ("availability_zone", s("us-east-1a")),
        ("size", Value::int(1)),
    ];
    for (k, v) in pairs {
        all.retain(|(name, _)| *name != k);
        all.push((k, v));
    }
    config(p, "aws_ebs_volume", all)
}

#[tokio::test]
async fn ebs_volume_lifecycle() {
    let p = provider().await;
    lifecycle(
        &*p,
        Lifecycle::new(
            "aws_ebs_volume",
            volume_cfg(&*p, vec![("tags", tags(&[("Name", "data")]))]),
        )
        .update(volume_cfg(
            &*p,
            vec![
                ("size", Value::int(2)),
                ("type", s("gp3")),
                ("tags", tags(&[("Name", "data2")])),
            ],
        ))
        .replace(volume_cfg(
            &*p,
            vec![("availability_zone", s("us-east-1b"))],
        )),
    )
    .await;
}

#[tokio::test]
async fn ebs_volume_defaults_resize_in_place_and_final_snapshot() {
    let p = provider().await;
    let st = apply(&*p, "aws_ebs_volume", None, &volume_cfg(&*p, vec![])).await;
    let id = attr_str(&st, "id").to_string();
    assert_eq!(attr_str(&st, "type"), "gp2", "AWS's default type");
    assert_eq!(attr(&st, "encrypted").as_bool(), Some(false));
    assert_eq!(
        attr_str(&st, "arn"),
        format!("arn:aws:ec2:us-east-1:123456789012:volume/{id}")
    );
    assert!(!attr_str(&st, "create_time").is_empty());

    let cfg = volume_cfg(
        &*p,
        vec![
            ("size", Value::int(5)),
            ("final_snapshot", Value::bool(true)),
        ],
    );
    let st = apply(&*p, "aws_ebs_volume", Some(&st), &cfg).await;
    assert_eq!(attr_str(&st, "id"), id);
    assert_eq!(int(&st, "size"), 5);
    assert_eq!(volume(&id).await.size(), Some(5));

    let enc = volume_cfg(
        &*p,
        vec![("size", Value::int(5)), ("encrypted", Value::bool(true))],
    );
    let plan = testkit::plan(&*p, "aws_ebs_volume", Some(&st), &enc)
        .await
        .expect("plan");
    assert_eq!(replaced_paths(&plan), vec!["encrypted".to_string()]);

    destroy(&*p, "aws_ebs_volume", &st).await;
    let snaps = ec2()
        .await
        .describe_snapshots()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("volume-id")
                .values(&id)
                .build(),
        )
        .send()
        .await
        .expect("snapshots");
    assert_eq!(
        snaps.snapshots().len(),
        1,
        "final_snapshot made one snapshot"
    );
}

/// An instance and a volume in its availability zone, for attachment tests.
async fn instance_and_volume(p: &dyn Provider, net: &Net) -> (Value, Value) {
    let inst = apply(p, "aws_instance", None, &instance_cfg(p, net, vec![])).await;
    let vol = apply(p, "aws_ebs_volume", None, &volume_cfg(p, vec![])).await;
    (inst, vol)
}

fn attachment_cfg(p: &dyn Provider, device: &str, inst: &Value, vol: &Value) -> Value {
    config(
        p,
        "aws_volume_attachment",
        vec![
            ("device_name", s(device)),
            ("instance_id", s(attr_str(inst, "id"))),
            ("volume_id", s(attr_str(vol, "id"))),
        ],
    )
}

#[tokio::test]
async fn volume_attachment_lifecycle() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let (inst, vol) = instance_and_volume(&*p, &net).await;
    let with_flag = {
        let c = attachment_cfg(&*p, "/dev/sdh", &inst, &vol);
        autostack_provider_sdk::with_attr(&c, "force_detach", Value::bool(true))
    };
    lifecycle(
        &*p,
        Lifecycle::new(
            "aws_volume_attachment",
            attachment_cfg(&*p, "/dev/sdh", &inst, &vol),
        )
        .update(with_flag)
        .replace(attachment_cfg(&*p, "/dev/sdi", &inst, &vol))
        .import_id(None),
    )
    .await;
    destroy(&*p, "aws_ebs_volume", &vol).await;
    destroy(&*p, "aws_instance", &inst).await;
    net.drop(&*p).await;
}

#[tokio::test]
async fn volume_attachment_id_import_and_destroy_order() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let (inst, vol) = instance_and_volume(&*p, &net).await;
    let (iid, vid) = (attr_str(&inst, "id"), attr_str(&vol, "id"));
    let att = apply(
        &*p,
        "aws_volume_attachment",
        None,
        &attachment_cfg(&*p, "/dev/sdh", &inst, &vol),
    )
    .await;
    let want = autostack_provider_aws::volume_attachment::attachment_id("/dev/sdh", iid, vid);
    assert_eq!(attr_str(&att, "id"), want);
    assert!(want.starts_with("vai-") && want[4..].chars().all(|c| c.is_ascii_digit()));
    assert_eq!(
        volume(vid).await.state().map(|s| s.as_str()),
        Some("in-use")
    );

    let imported = testkit::import(
        &*p,
        "aws_volume_attachment",
        &format!("/dev/sdh:{vid}:{iid}"),
    )
    .await
    .expect("import");
    assert_eq!(attr_str(&imported, "id"), want);
    assert_eq!(attr_str(&imported, "instance_id"), iid);

    // The volume cannot go while attached: the attachment must be destroyed first.
    let early = testkit::apply(&*p, "aws_ebs_volume", Some(&vol), None).await;
    assert!(early.is_err(), "deleting an attached volume fails");
    destroy(&*p, "aws_volume_attachment", &att).await;
    assert_eq!(
        volume(vid).await.state().map(|s| s.as_str()),
        Some("available")
    );
    destroy(&*p, "aws_ebs_volume", &vol).await;

    // skip_destroy leaves the volume attached.
    let vol2 = apply(&*p, "aws_ebs_volume", None, &volume_cfg(&*p, vec![])).await;
    let cfg = autostack_provider_sdk::with_attr(
        &attachment_cfg(&*p, "/dev/sdj", &inst, &vol2),
        "skip_destroy",
        Value::bool(true),
    );
    let att2 = apply(&*p, "aws_volume_attachment", None, &cfg).await;
    destroy(&*p, "aws_volume_attachment", &att2).await;
    assert_eq!(
        volume(attr_str(&vol2, "id"))
            .await
            .state()
            .map(|s| s.as_str()),
        Some("in-use")
    );
    destroy(&*p, "aws_instance", &inst).await;
    destroy(&*p, "aws_ebs_volume", &vol2).await;
    net.drop(&*p).await;
}

#[tokio::test]
async fn eip_lifecycle() {
    let p = provider().await;
    let cfg = |pairs: Vec<(&str, Value)>| {
        let mut all = vec![("domain", s("vpc"))];
        all.extend(pairs);
        config(&*p, "aws_eip", all)
    };
    let ip = format!("198.51.100.{}", fastrand::u8(1..250));
    lifecycle(
        &*p,
        Lifecycle::new("aws_eip", cfg(vec![("tags", tags(&[("Name", "ip")]))]))
            .update(cfg(vec![("tags", tags(&[("Name", "ip2")]))]))
            .replace(cfg(vec![("address", s(&ip))])),
    )
    .await;
}

#[tokio::test]
async fn eip_lifecycle_with_association() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let a = apply(&*p, "aws_instance", None, &instance_cfg(&*p, &net, vec![])).await;
    let b = apply(&*p, "aws_instance", None, &instance_cfg(&*p, &net, vec![])).await;
    let cfg = |inst: &Value, addr: Option<&str>| {
        let mut pairs = vec![("domain", s("vpc")), ("instance", s(attr_str(inst, "id")))];
        pairs.extend(addr.map(|ip| ("address", s(ip))));
        config(&*p, "aws_eip", pairs)
    };
    let ip = format!("203.0.113.{}", fastrand::u8(1..250));
    lifecycle(
        &*p,
        Lifecycle::new("aws_eip", cfg(&a, None))
            .update(cfg(&b, None))
            .replace(cfg(&b, Some(&ip)))
            .import_id(None),
    )
    .await;
    for inst in [&a, &b] {
        destroy(&*p, "aws_instance", inst).await;
    }
    net.drop(&*p).await;
}

#[tokio::test]
async fn eip_association_moves_and_disassociates_in_place() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let a = apply(&*p, "aws_instance", None, &instance_cfg(&*p, &net, vec![])).await;
    let b = apply(&*p, "aws_instance", None, &instance_cfg(&*p, &net, vec![])).await;
    let cfg = |inst: &str| {
        config(
            &*p,
            "aws_eip",
            vec![("domain", s("vpc")), ("instance", s(inst))],
        )
    };

    let eip = apply(&*p, "aws_eip", None, &cfg(attr_str(&a, "id"))).await;
    let id = attr_str(&eip, "id").to_string();
    assert!(id.starts_with("eipalloc-"), "{id}");
    assert_eq!(attr_str(&eip, "allocation_id"), id);
    assert_eq!(attr_str(&eip, "instance"), attr_str(&a, "id"));
    assert!(!attr_str(&eip, "association_id").is_empty());
    let ip = attr_str(&eip, "public_ip").to_string();
    assert_eq!(
        attr_str(&eip, "public_dns"),
        format!("ec2-{}.compute-1.amazonaws.com", ip.replace('.', "-"))
    );

    let moved = apply(&*p, "aws_eip", Some(&eip), &cfg(attr_str(&b, "id"))).await;
    assert_eq!(
        attr_str(&moved, "id"),
        id,
        "moving the association keeps the address"
    );
    assert_eq!(attr_str(&moved, "instance"), attr_str(&b, "id"));
    let live = ec2()
        .await
        .describe_addresses()
        .allocation_ids(&id)
        .send()
        .await
        .expect("describe");
    assert_eq!(live.addresses()[0].instance_id(), Some(attr_str(&b, "id")));

    let free = apply(&*p, "aws_eip", Some(&moved), &cfg("")).await;
    assert_eq!(attr_str(&free, "association_id"), "");
    assert_eq!(attr_str(&free, "instance"), "");
    let noop = testkit::plan(&*p, "aws_eip", Some(&free), &cfg(""))
        .await
        .expect("plan");
    assert!(!autostack_provider_sdk::differs(&free, &noop.planned));

    // Destroying an associated address disassociates it, then releases it.
    let again = apply(&*p, "aws_eip", Some(&free), &cfg(attr_str(&a, "id"))).await;
    destroy(&*p, "aws_eip", &again).await;
    assert!(testkit::read(&*p, "aws_eip", &again)
        .await
        .expect("read")
        .is_none());
    for inst in [&a, &b] {
        destroy(&*p, "aws_instance", inst).await;
    }
    net.drop(&*p).await;
}

#[tokio::test]
async fn key_pair_lifecycle() {
    let p = provider().await;
    let name = unique("kp");
    let cfg = |key: &str, t: Value| {
        config(
            &*p,
            "aws_key_pair",
            vec![("key_name", s(&name)), ("public_key", s(key)), ("tags", t)],
        )
    };
    lifecycle(
        &*p,
        Lifecycle::new(
            "aws_key_pair",
            cfg(&format!("{KEY_1}\n"), tags(&[("Owner", "ops")])),
        )
        .update(cfg(&format!("{KEY_1}\n"), tags(&[("Owner", "dev")])))
        .replace(cfg(KEY_2, tags(&[("Owner", "dev")]))),
    )
    .await;
}

#[tokio::test]
async fn key_pair_name_prefix_and_computed_attributes() {
    let p = provider().await;
    let cfg = config(
        &*p,
        "aws_key_pair",
        vec![("key_name_prefix", s("as-kp-")), ("public_key", s(KEY_2))],
    );
    let st = apply(&*p, "aws_key_pair", None, &cfg).await;
    let name = attr_str(&st, "key_name").to_string();
    assert!(
        name.starts_with("as-kp-") && name.len() == "as-kp-".len() + 26,
        "{name}"
    );
    assert_eq!(attr_str(&st, "id"), name);
    assert_eq!(attr_str(&st, "key_name_prefix"), "as-kp-");
    assert_eq!(attr_str(&st, "key_type"), "ed25519");
    assert!(attr_str(&st, "key_pair_id").starts_with("key-"));
    assert!(!attr_str(&st, "fingerprint").is_empty());
    assert_eq!(
        attr_str(&st, "arn"),
        format!("arn:aws:ec2:us-east-1:123456789012:key-pair/{name}")
    );
    let noop = testkit::plan(&*p, "aws_key_pair", Some(&st), &cfg)
        .await
        .expect("plan");
    assert!(
        noop.requires_replace.is_empty() && !autostack_provider_sdk::differs(&st, &noop.planned)
    );

    let imported = testkit::import(&*p, "aws_key_pair", &name)
        .await
        .expect("import");
    assert_eq!(attr_str(&imported, "public_key"), KEY_2);
    assert_eq!(
        attr_str(&imported, "fingerprint"),
        attr_str(&st, "fingerprint")
    );
    destroy(&*p, "aws_key_pair", &st).await;
    assert!(testkit::read(&*p, "aws_key_pair", &st)
        .await
        .expect("read")
        .is_none());
}
