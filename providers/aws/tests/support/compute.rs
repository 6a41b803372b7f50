//! Shared helpers of the compute tests (`aws_instance`, EBS volumes, EIPs, key pairs): a
//! network to launch into, configurations, and plan-and-apply shortcuts.

use super::{apply, attr, config, destroy, ec2, s};
use autostack_provider_aws::sdk::aws_sdk_ec2;
use autostack_provider_sdk::{attr_str, Provider};
use autostack_value::Value;

/// Two of moto's default AMIs whose root device is /dev/sda1 (where moto puts root volumes).
pub const AMI_A: &str = "ami-785db401";
/// The second of them (for AMI changes).
pub const AMI_B: &str = "ami-1e749f67";

/// A random number, from std alone (the CLI's tests include this module, without `fastrand`).
pub fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// A unique name with `prefix`.
pub fn unique(prefix: &str) -> String {
    format!("as-{prefix}-{:012x}", random() >> 16)
}

/// The number attribute `name` as an integer (panics otherwise).
pub fn int(v: &Value, name: &str) -> i64 {
    attr(v, name)
        .as_number()
        .and_then(|n| n.to_i64())
        .unwrap_or_else(|| panic!("{name} is not a number in {v:?}"))
}

/// The `root_block_device` block of an instance state.
pub fn root(v: &Value) -> &Value {
    attr(v, "root_block_device")
        .as_seq()
        .and_then(<[Value]>::first)
        .expect("a root_block_device")
}

/// A VPC and a subnet in us-east-1a, both made through the provider.
pub struct Net {
    /// The VPC.
    pub vpc: Value,
    /// The subnet (10.x.1.0/24 in us-east-1a).
    pub subnet: Value,
}

impl Net {
    /// Makes the VPC and the subnet.
    pub async fn new(p: &dyn Provider) -> Net {
        let cidr = format!("10.{}.0.0/16", random() as u8);
        let vpc = config(p, "aws_vpc", vec![("cidr_block", s(&cidr))]);
        let vpc = apply(p, "aws_vpc", None, &vpc).await;
        let sub_cidr = cidr.replace(".0.0/16", ".1.0/24");
        let subnet = config(
            p,
            "aws_subnet",
            vec![
                ("vpc_id", s(attr_str(&vpc, "id"))),
                ("cidr_block", s(&sub_cidr)),
                ("availability_zone", s("us-east-1a")),
            ],
        );
        let subnet = apply(p, "aws_subnet", None, &subnet).await;
        Net { vpc, subnet }
    }

    /// The subnet's ID.
    pub fn subnet_id(&self) -> &str {
        attr_str(&self.subnet, "id")
    }

    /// Destroys the subnet and the VPC.
    pub async fn drop(self, p: &dyn Provider) {
        destroy(p, "aws_subnet", &self.subnet).await;
        destroy(p, "aws_vpc", &self.vpc).await;
    }
}

/// An `aws_instance` configuration in the subnet (AMI_A, t2.micro), `extra` overriding.
pub fn instance_cfg(p: &dyn Provider, net: &Net, extra: Vec<(&str, Value)>) -> Value {
    let mut pairs = vec![
        ("ami", s(AMI_A)),
        ("instance_type", s("t2.micro")),
        ("subnet_id", s(net.subnet_id())),
    ];
    for (k, v) in extra {
        pairs.retain(|(name, _)| *name != k);
        pairs.push((k, v));
    }
    config(p, "aws_instance", pairs)
}

/// The instance as EC2 reports it, out of band.
pub async fn describe_instance(id: &str) -> aws_sdk_ec2::types::Instance {
    let out = ec2()
        .await
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .expect("describe");
    out.reservations()[0].instances()[0].clone()
}

/// The volume as EC2 reports it, out of band.
pub async fn volume(id: &str) -> aws_sdk_ec2::types::Volume {
    let out = ec2()
        .await
        .describe_volumes()
        .volume_ids(id)
        .send()
        .await
        .expect("describe volume");
    out.volumes()[0].clone()
}
