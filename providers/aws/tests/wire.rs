//! What crosses the wire: refresh batching counted at an HTTP proxy in front of moto, and
//! convergence when a fifth of all calls fail with throttling or internal errors.

mod support;

use autostack_provider_aws::sdk::aws_sdk_ec2;
use autostack_provider_sdk::attr_str;
use autostack_provider_sdk::testkit;
use autostack_value::Value;
use support::proxy::Proxy;
use support::{config, moto_url, provider_at};

fn s(x: &str) -> Value {
    Value::string(x)
}

#[tokio::test]
async fn refresh_of_250_instances_takes_three_describe_calls() {
    let ec2 = support::ec2().await;
    let ami = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .expect("images")
        .images()
        .first()
        .and_then(|i| i.image_id().map(str::to_string))
        .expect("a moto AMI");
    let run = ec2
        .run_instances()
        .image_id(&ami)
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(250)
        .max_count(250)
        .send()
        .await
        .expect("run instances");
    let ids: Vec<String> = run
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 250);
    let proxy = Proxy::start(&moto_url(), 0).await;
    let p = provider_at(&proxy.url, "us-east-1").await;
    let schema = p.schema().resources["aws_instance"].block.empty_value();
    let current: Vec<Value> = ids
        .iter()
        .map(|id| autostack_provider_sdk::with_attr(&schema, "id", s(id)))
        .collect();
    proxy.reset();
    let results = testkit::read_many(&*p, "aws_instance", &current).await;
    assert_eq!(proxy.count("DescribeInstances"), 3, "{:?}", proxy.calls());
    let read: Vec<Value> = results
        .into_iter()
        .map(|r| r.expect("read").expect("exists"))
        .collect();
    for (v, id) in read.iter().zip(&ids) {
        assert_eq!(attr_str(v, "id"), id);
        assert_eq!(attr_str(v, "instance_type"), "t3.micro");
    }
    // One instance terminated out of band reads as gone, still in the same batches.
    ec2.terminate_instances()
        .instance_ids(&ids[7])
        .send()
        .await
        .expect("terminate");
    proxy.reset();
    let results = testkit::read_many(&*p, "aws_instance", &current).await;
    assert!(results[7].as_ref().expect("read").is_none());
    assert!(results[8].as_ref().expect("read").is_some());
    assert!(proxy.count("DescribeInstances") <= 3, "{:?}", proxy.calls());
    ec2.terminate_instances()
        .set_instance_ids(Some(ids))
        .send()
        .await
        .expect("clean up");
}

#[tokio::test]
async fn network_converges_through_throttling_and_server_errors() {
    let proxy = Proxy::start(&moto_url(), 20).await;
    let p = provider_at(&proxy.url, "us-east-1").await;
    let p = p.as_ref();
    let steps = [("aws_vpc", vec![("cidr_block", s("10.60.0.0/16"))])];
    let mut created = Vec::new();
    for (ty, pairs) in steps {
        let cfg = config(p, ty, pairs);
        let plan = testkit::plan(p, ty, None, &cfg).await.expect("plan");
        let st = testkit::apply(p, ty, None, Some(&plan.planned))
            .await
            .unwrap_or_else(|e| panic!("{ty} did not converge: {}", e.diags))
            .expect("state");
        created.push((ty, st));
    }
    let vpc = attr_str(&created[0].1, "id").to_string();
    for i in 0..6 {
        let cfg = config(
            p,
            "aws_subnet",
            vec![
                ("vpc_id", s(&vpc)),
                ("cidr_block", s(&format!("10.60.{i}.0/24"))),
            ],
        );
        let plan = testkit::plan(p, "aws_subnet", None, &cfg)
            .await
            .expect("plan");
        let st = testkit::apply(p, "aws_subnet", None, Some(&plan.planned))
            .await
            .unwrap_or_else(|e| panic!("subnet did not converge: {}", e.diags))
            .expect("state");
        created.push(("aws_subnet", st));
    }
    let cfg = config(
        p,
        "aws_security_group",
        vec![("name", s("faulty")), ("vpc_id", s(&vpc))],
    );
    let plan = testkit::plan(p, "aws_security_group", None, &cfg)
        .await
        .expect("plan");
    let sg = testkit::apply(p, "aws_security_group", None, Some(&plan.planned))
        .await
        .unwrap_or_else(|e| panic!("security group did not converge: {}", e.diags))
        .expect("state");
    created.push(("aws_security_group", sg));
    let reads = testkit::read_many(
        p,
        "aws_subnet",
        &created[1..7]
            .iter()
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>(),
    )
    .await;
    assert!(reads.iter().all(|r| matches!(r, Ok(Some(_)))));
    for (ty, st) in created.iter().rev() {
        testkit::apply(p, ty, Some(st), None)
            .await
            .unwrap_or_else(|e| panic!("delete {ty} did not converge: {}", e.diags));
    }
    assert!(
        proxy.faults() >= 3,
        "too few faults injected: {}",
        proxy.faults()
    );
}
