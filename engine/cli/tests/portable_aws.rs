//! `examples/portable-web` on AWS through the real binary against moto: every portable type
//! applied, shown with its concrete objects by `state show`, refreshed to a no-op plan, and
//! destroyed with nothing left behind. moto serves no Ubuntu AMI, so the stack runs in a
//! moto account whose ID is Canonical's, where the test first publishes a Jammy image under
//! Canonical's naming (a copy of a stock image): the AMI lookup of `ubuntu-22.04` is the one real AWS answers.
#![cfg(feature = "aws")]

#[path = "common/canonical_aws.rs"]
mod canonical;
mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::{aws_sdk_ec2, aws_sdk_s3};
use canonical::{canonical_account_with_jammy, sdk, Creds};
use common::{Run, Work};
use std::path::Path;

struct Stack {
    work: Work,
    name: String,
    creds: Creds,
}

impl Stack {
    async fn new() -> Stack {
        let work = Work::new(&[]);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/portable-web");
        for f in ["main.tf", "variables.tf", "outputs.tf", "deployer.pub"] {
            std::fs::copy(src.join(f), work.path().join(f)).expect("copy");
        }
        work.write(
            "providers.tf",
            "provider \"aws\" {\n  region            = \"us-east-1\"\n  s3_use_path_style = true\n}\n",
        );
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Stack {
            work,
            name: format!("pw{nanos}"),
            creds: canonical_account_with_jammy().await,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let moto = support::moto_url();
        self.work.run_env(
            &all,
            &[
                ("AWS_ENDPOINT_URL", moto.as_str()),
                ("AWS_ACCESS_KEY_ID", self.creds.key.as_str()),
                ("AWS_SECRET_ACCESS_KEY", self.creds.secret.as_str()),
                ("AWS_SESSION_TOKEN", self.creds.token.as_str()),
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("AWS_REGION", "us-east-1"),
            ],
        )
    }

    /// The stack's VPCs, instances and volumes left in moto, and whether its bucket is.
    async fn leftovers(&self) -> (usize, usize, usize, bool) {
        let conf = sdk(Some(&self.creds)).await;
        let ec2 = aws_sdk_ec2::Client::new(&conf);
        let tag = |v: &str| {
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:Name")
                .values(v)
                .build()
        };
        let vpcs = ec2
            .describe_vpcs()
            .filters(tag(&format!("{}-net", self.name)))
            .send()
            .await
            .unwrap();
        let vms = ec2
            .describe_instances()
            .filters(tag(&format!("{}-web", self.name)))
            .send()
            .await
            .unwrap();
        let running = (vms.reservations().iter().flat_map(|r| r.instances()))
            .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) != Some("terminated"))
            .count();
        let vols = ec2
            .describe_volumes()
            .filters(tag(&format!("{}-data", self.name)))
            .send()
            .await
            .unwrap();
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&conf)
                .force_path_style(true)
                .build(),
        );
        let buckets = s3.list_buckets().send().await.unwrap();
        let bucket = format!("{}-assets", self.name);
        let has_bucket = buckets
            .buckets()
            .iter()
            .any(|b| b.name() == Some(bucket.as_str()));
        (vpcs.vpcs().len(), running, vols.volumes().len(), has_bucket)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_portable_type_applies_refreshes_to_no_changes_and_destroys_on_aws() {
    let st = Stack::new().await;
    st.run(&["init"]).expect(0);

    let plan = st.run(&["plan"]).expect(0).stdout();
    assert!(
        plan.contains("Plan: 6 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    assert!(plan.contains("+ instance_type"), "{plan}");

    let out = st.run(&["apply", "-auto-approve"]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 6 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert_eq!(st.leftovers().await, (1, 1, 1, true));

    let outputs = st.run(&["output", "-json"]).expect(0).stdout();
    let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs");
    assert_eq!(outputs["cloud"]["value"], "aws");
    let size = outputs["instance_type"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!size.is_empty() && size.contains('.'), "{outputs}");
    assert!(outputs["bucket_url"]["value"]
        .as_str()
        .unwrap_or_default()
        .contains(&st.name));

    // The state records the bound provider as Terraform does, and each instance's concrete
    // objects, which `state show` lists.
    let state = st.work.state();
    let net = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "portable_network")
        .unwrap();
    assert_eq!(
        net["provider"],
        "provider[\"registry.terraform.io/hashicorp/aws\"]"
    );
    let shown = st
        .run(&["state", "show", "portable_network.main"])
        .expect(0)
        .stdout();
    for want in [
        "aws_vpc",
        "aws_internet_gateway",
        "aws_route_table",
        "vpc-",
        "cloud",
        "= \"aws\"",
    ] {
        assert!(shown.contains(want), "{want} not in {shown}");
    }
    let shown = st
        .run(&["state", "show", "portable_disk.data"])
        .expect(0)
        .stdout();
    assert!(
        shown.contains("aws_ebs_volume") && shown.contains("aws_volume_attachment"),
        "{shown}"
    );
    assert!(
        !shown.contains("\"state\""),
        "concrete_state is not printed: {shown}"
    );

    let again = st.run(&["plan", "-detailed-exitcode"]).expect(0).stdout();
    assert!(again.contains("No changes."), "{again}");

    let gone = st.run(&["destroy", "-auto-approve"]).expect(0).stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 6 destroyed."),
        "{gone}"
    );
    assert_eq!(st.leftovers().await, (0, 0, 0, false));
}

/// A public portable_subnet on a VPC that no portable_network made: the subnet is created,
/// then its second member (the association with the network's public route table) fails.
/// The apply exits 1 with the subnet recorded (tainted) in state, and destroy deletes it.
#[tokio::test(flavor = "multi_thread")]
async fn a_failure_part_way_records_what_exists_and_destroy_cleans_it() {
    let st = Stack::new().await;
    std::fs::remove_file(st.work.path().join("main.tf")).unwrap();
    std::fs::remove_file(st.work.path().join("outputs.tf")).unwrap();
    st.work.write(
        "main.tf",
        "resource \"aws_vpc\" \"bare\" {\n  cidr_block = \"10.50.0.0/16\"\n  tags       = { Name = \"${var.name}-net\" }\n}\n\nresource \"portable_subnet\" \"pub\" {\n  name       = \"${var.name}-pub\"\n  network_id = aws_vpc.bare.id\n  cidr_block = \"10.50.1.0/24\"\n  public     = true\n}\n",
    );
    st.run(&["init"]).expect(0);
    let failed = st.run(&["apply", "-auto-approve"]).expect(1);
    assert!(
        failed.stderr().contains("No public route table"),
        "{}",
        failed.stderr()
    );
    let state = st.work.state();
    let subnet = (state["resources"].as_array().unwrap().iter())
        .find(|r| r["type"] == "portable_subnet")
        .expect("the subnet is recorded");
    let inst = &subnet["instances"][0];
    assert_eq!(inst["status"], "tainted", "{inst}");
    let concrete = inst["attributes"]["concrete"].as_array().expect("concrete");
    assert_eq!(concrete.len(), 1, "{concrete:?}");
    assert_eq!(concrete[0]["type"], "aws_subnet");
    let subnet_id = concrete[0]["id"].as_str().unwrap().to_string();
    assert!(subnet_id.starts_with("subnet-"));

    let ec2 = aws_sdk_ec2::Client::new(&sdk(Some(&st.creds)).await);
    let exists = |id: String| {
        let ec2 = ec2.clone();
        async move {
            let f = aws_sdk_ec2::types::Filter::builder()
                .name("subnet-id")
                .values(id)
                .build();
            !ec2.describe_subnets()
                .filters(f)
                .send()
                .await
                .unwrap()
                .subnets()
                .is_empty()
        }
    };
    assert!(exists(subnet_id.clone()).await);
    let gone = st.run(&["destroy", "-auto-approve"]).expect(0).stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 2 destroyed."),
        "{gone}"
    );
    assert!(
        !exists(subnet_id).await,
        "destroy deleted the subnet the failed apply made"
    );
    assert_eq!(st.leftovers().await.0, 0, "and the VPC");
}
