//! `examples/portable-web` on AWS through the real binary against moto: every portable type
//! applied, shown with its concrete objects by `state show`, refreshed to a no-op plan, and
//! destroyed with nothing left behind. moto serves no Ubuntu AMI, so the stack runs in a
//! moto account whose ID is Canonical's, where the test first publishes a Jammy image under
//! Canonical's naming (a copy of a stock image): the AMI lookup of `ubuntu-22.04` is the one real AWS answers.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

#[path = "portable_support/aws.rs"]
mod portable_support;

use autostack_provider_aws::sdk::{aws_sdk_ec2, aws_sdk_s3};
use common::{Run, Work};
use portable_support::{canonical_account_with_jammy, leftovers, sdk, Creds};

struct Stack {
    work: Work,
    name: String,
    creds: Creds,
}

impl Stack {
    async fn new() -> Stack {
        let work = Work::portable_web("provider \"aws\" {\n  region            = \"us-east-1\"\n  s3_use_path_style = true\n}\n");
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
        self.run_with(args, &[])
    }

    /// Runs autostack with `-var` settings `vars` besides the name.
    fn run_with(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
            all.extend(vars.iter().map(|v| format!("-var={v}")));
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

    async fn leftovers(&self) -> (usize, usize, usize, bool) {
        leftovers(&self.creds, &self.name).await
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

/// Changes made in place through the composite: the instance's tags and size (vCPU and
/// memory up: the catalog's rule picks a larger type, the instance keeps its ID), the
/// bucket's versioning switched off, a firewall port added. The plan prices the portable
/// resources, and the `-json` UI names the bound provider.
#[tokio::test(flavor = "multi_thread")]
async fn tags_size_versioning_and_ingress_change_in_place_on_aws() {
    let st = Stack::new().await;
    st.run(&["init"]).expect(0);
    let plan = st.run(&["plan"]).expect(0).stdout();
    let priced = (plan.lines())
        .find(|l| l.contains("portable_instance.web") && l.contains('$'))
        .unwrap_or_else(|| panic!("no monthly cost for the portable instance:\n{plan}"));
    assert!(!priced.contains("no pricing rule"), "{priced}");
    let json = st.run(&["plan", "-json"]).expect(0).stdout();
    let change = (json.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|m| {
            m["type"] == "planned_change"
                && m["change"]["resource"]["addr"] == "portable_instance.web"
        })
        .unwrap_or_else(|| panic!("no planned_change for the instance:\n{json}"));
    assert_eq!(
        change["change"]["resource"]["implied_provider"], "aws",
        "{change}"
    );

    st.run(&["apply", "-auto-approve"]).expect(0);
    let state = st.work.state();
    let attrs = |state: &serde_json::Value, ty: &str| {
        (state["resources"].as_array().unwrap().iter())
            .find(|r| r["type"] == ty)
            .map(|r| r["instances"][0]["attributes"].clone())
            .unwrap()
    };
    let before = attrs(&state, "portable_instance");
    let small = before["instance_type"].as_str().unwrap().to_string();

    let main = std::fs::read_to_string(st.work.path().join("main.tf")).unwrap();
    let edited = main
        .replace("role = \"web\" }", "role = \"frontend\" }")
        .replace("versioning    = true", "versioning    = false")
        .replace(
            "ports       = [22, 80, 443]",
            "ports       = [22, 80, 443, 8080]",
        );
    assert_ne!(main, edited);
    st.work.write("main.tf", &edited);
    let vars = ["vcpu=4", "memory=16"];
    let plan = st.run_with(&["plan"], &vars).expect(0).stdout();
    assert!(
        plan.contains("Plan: 0 to add, 3 to change, 0 to destroy."),
        "{plan}"
    );
    let out = st
        .run_with(&["apply", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("Apply complete! Resources: 0 added, 3 changed, 0 destroyed."),
        "{out}"
    );
    let state = st.work.state();
    let after = attrs(&state, "portable_instance");
    assert_eq!(
        after["cloud_id"], before["cloud_id"],
        "the instance kept its ID"
    );
    let large = after["instance_type"].as_str().unwrap().to_string();
    assert_ne!(large, small, "a larger type for 4 vCPU / 16 GiB");
    assert_eq!(after["tags"]["role"], "frontend");

    let conf = sdk(Some(&st.creds)).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let vm = ec2
        .describe_instances()
        .instance_ids(after["cloud_id"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let vm = &vm.reservations()[0].instances()[0];
    assert_eq!(vm.instance_type().map(|t| t.as_str()), Some(large.as_str()));
    let role = (vm.tags().iter()).find(|t| t.key() == Some("role"));
    assert_eq!(role.and_then(|t| t.value()), Some("frontend"));
    let firewall = attrs(&state, "portable_firewall");
    let sg = ec2
        .describe_security_groups()
        .group_ids(firewall["cloud_id"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let ports: Vec<i32> = (sg.security_groups()[0].ip_permissions().iter())
        .filter_map(|p| p.from_port())
        .collect();
    assert!(ports.contains(&8080), "{ports:?}");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&conf)
            .force_path_style(true)
            .build(),
    );
    // moto 5.2.5 answers with a root element the SDK's parser refuses: read the raw answer.
    let versioning = match s3
        .get_bucket_versioning()
        .bucket(format!("{}-assets", st.name))
        .send()
        .await
    {
        Ok(v) => format!("{:?}", v.status()),
        Err(e) => (e.raw_response().and_then(|r| r.body().bytes()))
            .map(|b| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default(),
    };
    assert!(
        versioning.contains("Suspended"),
        "versioning switched off: {versioning}"
    );
    let again = st
        .run_with(&["plan", "-detailed-exitcode"], &vars)
        .expect(0)
        .stdout();
    assert!(again.contains("No changes."), "{again}");

    st.run_with(&["destroy", "-auto-approve"], &vars).expect(0);
    assert_eq!(st.leftovers().await, (0, 0, 0, false));
}
