//! `aws_instance` against moto.

mod support;

use autostack_provider_aws::sdk::{aws_sdk_ec2, aws_smithy_types};
use autostack_provider_sdk::attr_str;
use autostack_provider_sdk::testkit;
use autostack_provider_sdk::testkit::Lifecycle;
use autostack_value::Value;
use base64::Engine as _;
use support::compute::*;
use support::{apply, attr, destroy, ec2, lifecycle, provider, replaced_paths, s, strings, tags};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[tokio::test]
async fn instance_lifecycle() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    lifecycle(
        &*p,
        Lifecycle::new(
            "aws_instance",
            instance_cfg(&*p, &net, vec![("tags", tags(&[("Name", "web")]))]),
        )
        .update(instance_cfg(
            &*p,
            &net,
            vec![
                ("instance_type", s("t3.micro")),
                ("tags", tags(&[("Name", "web2")])),
            ],
        ))
        .replace(instance_cfg(&*p, &net, vec![("ami", s(AMI_B))])),
    )
    .await;
    net.drop(&*p).await;
}

#[tokio::test]
async fn instance_lifecycle_with_user_data_and_root_volume() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let cfg = |itype: &str, size: i64, text: &str| {
        let rbd = Value::tuple(vec![Value::object_from([(
            "volume_size",
            Value::int(size),
        )])]);
        instance_cfg(
            &*p,
            &net,
            vec![
                ("instance_type", s(itype)),
                ("root_block_device", rbd),
                ("user_data", s(text)),
                ("user_data_replace_on_change", Value::bool(true)),
                ("volume_tags", tags(&[("Disk", "root")])),
            ],
        )
    };
    lifecycle(
        &*p,
        Lifecycle::new("aws_instance", cfg("t2.micro", 9, "#!/bin/sh\necho one\n"))
            .update(cfg("t3.micro", 11, "#!/bin/sh\necho one\n"))
            .replace(cfg("t3.micro", 11, "#!/bin/sh\necho two\n"))
            .import_id(None),
    )
    .await;
    net.drop(&*p).await;
}

#[tokio::test]
async fn instance_type_changes_in_place_and_ami_forces_replacement() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let st = apply(&*p, "aws_instance", None, &instance_cfg(&*p, &net, vec![])).await;
    let id = attr_str(&st, "id").to_string();
    assert!(id.starts_with("i-"), "{id}");
    assert_eq!(attr_str(&st, "instance_state"), "running");
    assert_eq!(attr_str(&st, "availability_zone"), "us-east-1a");
    assert_eq!(
        attr_str(&st, "arn"),
        format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}")
    );
    assert!(!attr_str(&st, "private_ip").is_empty());
    assert!(attr_str(&st, "primary_network_interface_id").starts_with("eni-"));

    let bigger = instance_cfg(&*p, &net, vec![("instance_type", s("t3.small"))]);
    let st = apply(&*p, "aws_instance", Some(&st), &bigger).await;
    assert_eq!(
        attr_str(&st, "id"),
        id,
        "an instance type change keeps the instance"
    );
    assert_eq!(attr_str(&st, "instance_type"), "t3.small");
    let live = describe_instance(&id).await;
    assert_eq!(live.instance_type().map(|t| t.as_str()), Some("t3.small"));
    assert_eq!(
        attr_str(&st, "instance_state"),
        "running",
        "started again after the resize"
    );

    let other_ami = instance_cfg(
        &*p,
        &net,
        vec![("instance_type", s("t3.small")), ("ami", s(AMI_B))],
    );
    let plan = testkit::plan(&*p, "aws_instance", Some(&st), &other_ami)
        .await
        .expect("plan");
    assert_eq!(replaced_paths(&plan), vec!["ami".to_string()]);
    assert!(
        attr(&plan.planned, "id").is_unknown(),
        "a replacement gets a new ID"
    );

    destroy(&*p, "aws_instance", &st).await;
    let gone = describe_instance(&id).await;
    assert_eq!(
        gone.state().and_then(|s| s.name()).map(|n| n.as_str()),
        Some("terminated")
    );
    assert!(
        testkit::read(&*p, "aws_instance", &st)
            .await
            .expect("read")
            .is_none(),
        "terminated reads as gone"
    );
    net.drop(&*p).await;
}

#[tokio::test]
async fn instance_user_data_is_stored_as_sha1_and_changes_in_place() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let cfg = |text: &str, replace: bool| {
        instance_cfg(
            &*p,
            &net,
            vec![
                ("user_data", s(text)),
                ("user_data_replace_on_change", Value::bool(replace)),
            ],
        )
    };
    let hello = "#!/bin/sh\necho hello\n";
    let st = apply(&*p, "aws_instance", None, &cfg(hello, false)).await;
    assert_eq!(
        attr_str(&st, "user_data"),
        "9db6f074fca0a903137b91c7c866b21d4e7205a7"
    );
    let noop = testkit::plan(&*p, "aws_instance", Some(&st), &cfg(hello, false))
        .await
        .expect("plan");
    assert!(
        !autostack_provider_sdk::differs(&st, &noop.planned),
        "same text plans no change"
    );

    let bye = "#!/bin/sh\necho bye\n";
    let plan = testkit::plan(&*p, "aws_instance", Some(&st), &cfg(bye, false))
        .await
        .expect("plan");
    assert!(
        plan.requires_replace.is_empty(),
        "user data changes in place"
    );
    assert_eq!(
        attr_str(&plan.planned, "user_data"),
        "6c4475f079fac85cdc6cea0d73ecbf5a2258a979"
    );
    let id = attr_str(&st, "id").to_string();
    let st2 = match testkit::apply(&*p, "aws_instance", Some(&st), Some(&plan.planned)).await {
        Ok(new) => new.expect("state"),
        // moto 5.2.5 decodes the ModifyInstanceAttribute blob and then insists on base64
        // again (getmoto/moto#9510); EC2 takes the SDK-encoded bytes, as the AWS provider
        // sends them. Put the text in place out of band and carry on.
        Err(e) if e.diags.to_string().contains("InvalidUserData.Malformed") => {
            let twice = B64.encode(bye);
            let blob = aws_sdk_ec2::types::SecureBlobAttributeValue::builder()
                .value(aws_smithy_types::Blob::new(twice))
                .build();
            let client = ec2().await;
            client
                .modify_instance_attribute()
                .instance_id(&id)
                .user_data(blob)
                .send()
                .await
                .expect("user data");
            client
                .start_instances()
                .instance_ids(&id)
                .send()
                .await
                .expect("start");
            testkit::read(&*p, "aws_instance", &plan.planned)
                .await
                .expect("read")
                .expect("exists")
        }
        Err(e) => panic!("update user data: {}", e.diags),
    };
    assert_eq!(attr_str(&st2, "id"), id);
    assert_eq!(
        attr_str(&st2, "user_data"),
        "6c4475f079fac85cdc6cea0d73ecbf5a2258a979"
    );
    let out = ec2()
        .await
        .describe_instance_attribute()
        .instance_id(&id)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .expect("user data");
    let b64 = out.user_data().and_then(|v| v.value()).unwrap_or_default();
    let raw = B64.decode(b64).expect("base64");
    assert_eq!(String::from_utf8_lossy(&raw), bye);

    let plan = testkit::plan(&*p, "aws_instance", Some(&st2), &cfg(hello, true))
        .await
        .expect("plan");
    assert_eq!(replaced_paths(&plan), vec!["user_data".to_string()]);
    destroy(&*p, "aws_instance", &st2).await;
    net.drop(&*p).await;
}

#[tokio::test]
async fn instance_root_volume_and_security_groups_change_in_place() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let client = ec2().await;
    let sg = client
        .create_security_group()
        .group_name(unique("sg"))
        .description("compute test")
        .vpc_id(attr_str(&net.vpc, "id"))
        .send()
        .await
        .expect("security group");
    let sg_id = sg.group_id().unwrap_or_default().to_string();
    let rbd = |size: i64, keep: bool| {
        Value::tuple(vec![Value::object_from([
            ("volume_size", Value::int(size)),
            ("volume_type", s("gp2")),
            ("delete_on_termination", Value::bool(!keep)),
        ])])
    };
    let cfg = instance_cfg(&*p, &net, vec![("root_block_device", rbd(10, false))]);
    let st = apply(&*p, "aws_instance", None, &cfg).await;
    let r = root(&st);
    assert_eq!(int(r, "volume_size"), 10);
    assert_eq!(attr_str(r, "device_name"), "/dev/sda1");
    assert_eq!(attr(r, "delete_on_termination").as_bool(), Some(true));
    let vol_id = attr_str(r, "volume_id").to_string();
    assert!(vol_id.starts_with("vol-"));
    // (moto, unlike EC2, attaches no default security group; none is asserted here.)

    let cfg2 = instance_cfg(
        &*p,
        &net,
        vec![
            ("root_block_device", rbd(12, true)),
            ("vpc_security_group_ids", strings(&[&sg_id])),
        ],
    );
    let st2 = apply(&*p, "aws_instance", Some(&st), &cfg2).await;
    assert_eq!(attr_str(&st2, "id"), attr_str(&st, "id"));
    assert_eq!(int(root(&st2), "volume_size"), 12);
    assert_eq!(attr_str(root(&st2), "volume_id"), vol_id);
    assert_eq!(volume(&vol_id).await.size(), Some(12));
    assert_eq!(
        attr(root(&st2), "delete_on_termination").as_bool(),
        Some(false)
    );
    let live = describe_instance(attr_str(&st, "id")).await;
    let groups: Vec<&str> = live
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id())
        .collect();
    assert_eq!(groups, vec![sg_id.as_str()]);

    destroy(&*p, "aws_instance", &st2).await;
    // delete_on_termination = false: the root volume outlives the instance.
    let kept = volume(&vol_id).await;
    assert_eq!(kept.state().map(|s| s.as_str()), Some("available"));
    client
        .delete_volume()
        .volume_id(&vol_id)
        .send()
        .await
        .expect("delete root volume");
    client
        .delete_security_group()
        .group_id(&sg_id)
        .send()
        .await
        .expect("delete sg");
    net.drop(&*p).await;
}

#[tokio::test]
async fn instance_refresh_is_batched_and_terminated_instances_are_gone() {
    let p = provider().await;
    let net = Net::new(&*p).await;
    let mut states = Vec::new();
    for n in 0..3 {
        let cfg = instance_cfg(&*p, &net, vec![("tags", tags(&[("N", &n.to_string())]))]);
        states.push(apply(&*p, "aws_instance", None, &cfg).await);
    }
    let read = testkit::read_many(&*p, "aws_instance", &states).await;
    for (st, r) in states.iter().zip(&read) {
        let r = r.as_ref().expect("read").as_ref().expect("exists");
        assert!(
            !autostack_provider_sdk::differs(st, r),
            "refresh changed nothing"
        );
    }
    let victim = attr_str(&states[1], "id");
    ec2()
        .await
        .terminate_instances()
        .instance_ids(victim)
        .send()
        .await
        .expect("terminate");
    let read = testkit::read_many(&*p, "aws_instance", &states).await;
    let found: Vec<bool> = read
        .iter()
        .map(|r| r.as_ref().expect("read").is_some())
        .collect();
    assert_eq!(found, vec![true, false, true]);
    for st in [&states[0], &states[2]] {
        destroy(&*p, "aws_instance", st).await;
    }
    destroy(&*p, "aws_instance", &states[1]).await; // already terminated: fine
    net.drop(&*p).await;
}
