//! `examples/aws-web` end to end through the real binary against moto: apply, no-op plan,
//! in-place changes, a replacement, out-of-band drift, import, and a destroy that leaves
//! nothing behind (checked with the AWS SDK, out of band).
#![cfg(feature = "aws")]

#[path = "common/browser.rs"]
mod browser;
mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::aws_sdk_ec2;
use aws_sdk_ec2::types::Filter;
use common::{Run, Work};
use std::path::Path;

/// The example copied into a fresh directory, with a unique name prefix.
struct Stack {
    work: Work,
    name: String,
    moto: String,
}

impl Stack {
    fn new(name: &str) -> Stack {
        let work = Work::new(&[]);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aws-web");
        for entry in std::fs::read_dir(&src).expect("example dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, work.path().join(path.file_name().expect("name")))
                    .expect("copy");
            }
        }
        // Unique per run: moto may be shared with earlier runs, and bucket names are global.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Stack {
            work,
            name: format!("{name}{nanos}"),
            moto: support::moto_url(),
        }
    }

    /// Runs autostack with moto's endpoint and test credentials in the environment.
    fn run(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.push(format!("-var=name={}", self.name));
            all.push("-var=s3_use_path_style=true".into());
            all.extend(vars.iter().map(|v| format!("-var={v}")));
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        self.work.run_env(
            &all,
            &[
                ("AWS_ENDPOINT_URL", &self.moto),
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("AWS_REGION", "us-east-1"),
            ],
        )
    }

    fn outputs(&self) -> serde_json::Value {
        let out = self.run(&["output", "-json"], &[]).expect(0).stdout();
        serde_json::from_str(&out).expect("output -json")
    }
}

/// Each apply left its run-rate in the state's history: two applies, the second with larger
/// instances, so a higher rate; a forecast budget below the forecast exits 3.
fn run_rates_are_recorded_and_forecast_budgets_checked(st: &Stack) {
    let history = st
        .work
        .run(&["cost", "history", "-format=json"])
        .expect(0)
        .stdout();
    let doc: serde_json::Value = serde_json::from_str(&history).expect("history json");
    let rates: Vec<f64> = doc["history"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["monthly"].as_f64().expect("monthly"))
        .collect();
    assert_eq!(rates.len(), 2, "{doc}");
    assert!(rates[0] > 10.0 && rates[1] > rates[0], "{rates:?}");
    assert_eq!(doc["month"]["current"].as_f64(), Some(rates[1]));
    let forecast = doc["month"]["forecast"].as_f64().expect("forecast");
    assert!(
        forecast >= doc["month"]["month_to_date"].as_f64().unwrap(),
        "{doc}"
    );
    let table = st.work.run(&["cost", "history"]).expect(0).stdout();
    assert!(table.contains("Run-rate over 2 applies: "), "{table}");
    let budget = format!(
        "budget \"month\" {{\n  amount   = {}\n  forecast = true\n}}\n",
        forecast / 2.0
    );
    st.work.write("autostack.hcl", &budget);
    let over = st.work.run(&["cost", "history"]).expect(3);
    assert!(
        over.stderr().contains("the forecast for"),
        "{}",
        over.stderr()
    );
    std::fs::remove_file(st.work.path().join("autostack.hcl")).expect("remove autostack.hcl");
}

/// The number in attribute `name` of the first tag with `marker` in a page.
fn number_attr(page: &str, marker: &str, name: &str) -> f64 {
    let tag = &page[page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in the page"))..];
    let tag = &tag[..tag.find('>').expect("tag end")];
    let key = format!("{name}=\"");
    let at = tag.find(&key).unwrap_or_else(|| panic!("{name} on {tag}")) + key.len();
    tag[at..at + tag[at..].find('"').expect("quote")]
        .parse()
        .expect("a number")
}

#[test]
fn aws_web_report_shows_the_totals_cost_json_gives_and_loads_in_chromium() {
    let st = Stack::new("report");
    st.run(&["init"], &[]).expect(0);
    st.run(&["plan", "-out=tfplan"], &[]).expect(0);
    let page = st.work.run(&["show", "-html", "tfplan"]).expect(0).stdout();
    let cost = st
        .work
        .run(&["cost", "-plan=tfplan", "-format=json"])
        .expect(0)
        .stdout();
    let cost: serde_json::Value = serde_json::from_str(&cost).expect("cost json");
    let total = &cost["total"];
    assert!(total["after"].as_f64().unwrap() > 10.0, "{total}");
    for field in ["before", "after", "delta"] {
        let shown = number_attr(&page, "<section id=\"cost\"", &format!("data-{field}"));
        let priced = total[field].as_f64().unwrap();
        assert!(
            (shown - priced).abs() < 0.005,
            "{field}: {shown} vs {priced}"
        );
    }
    assert_eq!(
        number_attr(&page, "<section id=\"cost\"", "data-unpriced"),
        total["unpriced"].as_f64().unwrap()
    );
    for cloud in ["aws", "azure", "gcp"] {
        let marker = format!("data-cloud=\"{cloud}\"");
        let shown = number_attr(&page, &marker, "data-after");
        let priced = cost["totals"][cloud]["after"].as_f64().unwrap();
        assert!(
            (shown - priced).abs() < 0.005,
            "{cloud}: {shown} vs {priced}"
        );
    }
    let file = st.work.path().join("report.html");
    std::fs::write(&file, &page).expect("write the page");
    let (dom, _) = browser::dump_dom(&file);
    assert_eq!(
        browser::root_attr(&dom, "data-errors").as_deref(),
        Some("0")
    );
    assert_eq!(browser::root_attr(&dom, "data-ready").as_deref(), Some("1"));
    assert!(
        dom.contains("aws_instance.web[0] will be created"),
        "the diff"
    );
}

fn id_filter(name: &str, ids: Vec<String>) -> Filter {
    Filter::builder().name(name).set_values(Some(ids)).build()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_web_apply_change_drift_import_destroy() {
    let st = Stack::new("e2eweb");
    st.run(&["init"], &[]).expect(0);
    let r = st.run(&["apply", "-auto-approve"], &[]).expect(0);
    let out = r.stdout();
    assert!(
        out.contains("Apply complete! Resources: 21 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    let o = st.outputs();
    let vpc_id = o["vpc_id"]["value"].as_str().expect("vpc id").to_string();
    let instances = strings(&o["instance_ids"]["value"]);
    let subnets = strings(&o["subnet_ids"]["value"]);
    assert_eq!(instances.len(), 2);
    assert!(o["public_ip"]["value"]
        .as_str()
        .is_some_and(|ip| !ip.is_empty()));

    // Re-planning the state just written changes nothing.
    let r = st.run(&["plan", "-detailed-exitcode"], &[]).expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());

    // instance_type and tags change in place; the instances keep their IDs.
    let r = st
        .run(
            &["apply", "-auto-approve"],
            &["instance_type=t3.small", "role_tag=frontend"],
        )
        .expect(0);
    let out = r.stdout();
    assert!(
        out.contains("# aws_instance.web[0] will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("Apply complete! Resources: 0 added, 2 changed, 0 destroyed."),
        "{out}"
    );
    run_rates_are_recorded_and_forecast_budgets_checked(&st);
    let ec2 = support::ec2().await;
    let desc = ec2
        .describe_instances()
        .filters(id_filter("instance-id", instances.clone()))
        .send()
        .await
        .expect("describe instances");
    let found: Vec<_> = desc
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .collect();
    assert_eq!(found.len(), 2);
    for i in &found {
        assert_eq!(i.instance_type().map(|t| t.as_str()), Some("t3.small"));
        assert!(i
            .tags()
            .iter()
            .any(|t| t.key() == Some("Role") && t.value() == Some("frontend")));
        assert!(i
            .tags()
            .iter()
            .any(|t| t.key() == Some("Project") && t.value() == Some("aws-web")));
    }
    let changed = ["instance_type=t3.small", "role_tag=frontend"];

    // A new CIDR for the second subnet replaces it (and what must move with it).
    let mut vars = changed.to_vec();
    vars.push("subnet_cidrs=[\"10.20.1.0/24\",\"10.20.3.0/24\"]");
    let r = st.run(&["apply", "-auto-approve"], &vars).expect(0);
    let out = r.stdout();
    assert!(
        out.contains("# aws_subnet.public[1] must be replaced"),
        "{out}"
    );
    assert!(out.contains("cidr_block                                     = \"10.20.2.0/24\" -> \"10.20.3.0/24\" # forces replacement")
        || out.contains("\"10.20.2.0/24\" -> \"10.20.3.0/24\" # forces replacement"), "{out}");
    let o = st.outputs();
    let new_subnets = strings(&o["subnet_ids"]["value"]);
    assert_eq!(new_subnets[0], subnets[0]);
    assert_ne!(new_subnets[1], subnets[1]);
    let r = st.run(&["plan", "-detailed-exitcode"], &vars).expect(0);
    assert!(r.stdout().contains("No changes."), "{}", r.stdout());

    // Drift: a tag changed and a rule deleted out of band.
    ec2.create_tags()
        .resources(&vpc_id)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("Name")
                .value("hand-edited")
                .build(),
        )
        .send()
        .await
        .expect("tag vpc");
    let state = st.work.state();
    let rule_id = resource_attr(&state, "aws_vpc_security_group_ingress_rule", "ssh", "id");
    let sg_id = resource_attr(&state, "aws_security_group", "admin", "id");
    ec2.revoke_security_group_ingress()
        .group_id(&sg_id)
        .security_group_rule_ids(&rule_id)
        .send()
        .await
        .expect("revoke rule");
    let r = st.run(&["plan", "-refresh-only"], &vars).expect(0);
    let out = r.stdout();
    assert!(
        out.contains("Objects have changed outside of AutoStack"),
        "{out}"
    );
    assert!(out.contains("# aws_vpc.main has changed"), "{out}");
    assert!(
        out.contains("# aws_vpc_security_group_ingress_rule.ssh has been deleted"),
        "{out}"
    );
    let r = st.run(&["plan", "-detailed-exitcode"], &vars).expect(2);
    let out = r.stdout();
    assert!(
        out.contains("# aws_vpc.main will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("# aws_vpc_security_group_ingress_rule.ssh will be created"),
        "{out}"
    );
    st.run(&["apply", "-auto-approve"], &vars).expect(0);
    st.run(&["plan", "-detailed-exitcode"], &vars).expect(0);

    // Import: forget two objects, import them back, and nothing changes.
    let instance0 = strings(&st.outputs()["instance_ids"]["value"])[0].clone();
    st.run(
        &[
            "state",
            "rm",
            "aws_instance.web[0]",
            "aws_key_pair.deployer",
        ],
        &[],
    )
    .expect(0);
    st.run(&["import", "aws_instance.web[0]", &instance0], &vars)
        .expect(0);
    let key = format!("{}-deployer", st.name);
    st.run(&["import", "aws_key_pair.deployer", &key], &vars)
        .expect(0);
    let r = st.run(&["plan", "-detailed-exitcode"], &vars);
    assert_eq!(
        r.code(),
        0,
        "plan after import:\n{}\n{}",
        r.stdout(),
        r.stderr()
    );

    // Destroy leaves nothing behind.
    let state = st.work.state();
    let r = st.run(&["destroy", "-auto-approve"], &vars).expect(0);
    assert!(
        r.stdout()
            .contains("Destroy complete! Resources: 21 destroyed."),
        "{}",
        r.stdout()
    );
    assert_gone(&state, &st.name).await;
}

fn resource_attr(state: &serde_json::Value, ty: &str, name: &str, attr: &str) -> String {
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == ty && r["name"] == name)
        .and_then(|r| r["instances"][0]["attributes"][attr].as_str())
        .unwrap_or_else(|| panic!("{ty}.{name}.{attr} in state"))
        .to_string()
}

/// IDs of every instance of every managed resource of type `ty` in a state.
fn ids(state: &serde_json::Value, ty: &str) -> Vec<String> {
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| r["type"] == ty && r["mode"] == "managed")
        .flat_map(|r| r["instances"].as_array().expect("instances").iter())
        .filter_map(|i| i["attributes"]["id"].as_str().map(str::to_string))
        .collect()
}

/// Describes every type the example creates and asserts none of the state's objects exist.
async fn assert_gone(state: &serde_json::Value, name: &str) {
    let ec2 = support::ec2().await;
    let vpcs = ec2
        .describe_vpcs()
        .filters(id_filter("vpc-id", ids(state, "aws_vpc")))
        .send()
        .await
        .expect("vpcs");
    assert!(vpcs.vpcs().is_empty(), "VPC left: {:?}", vpcs.vpcs());
    let subnets = ec2
        .describe_subnets()
        .filters(id_filter("subnet-id", ids(state, "aws_subnet")))
        .send()
        .await
        .expect("subnets");
    assert!(subnets.subnets().is_empty(), "subnet left");
    let igws = ec2
        .describe_internet_gateways()
        .filters(id_filter(
            "internet-gateway-id",
            ids(state, "aws_internet_gateway"),
        ))
        .send()
        .await
        .expect("igws");
    assert!(igws.internet_gateways().is_empty(), "internet gateway left");
    let rts = ec2
        .describe_route_tables()
        .filters(id_filter("route-table-id", ids(state, "aws_route_table")))
        .send()
        .await
        .expect("route tables");
    assert!(rts.route_tables().is_empty(), "route table left");
    let sgs = ec2
        .describe_security_groups()
        .filters(id_filter("group-id", ids(state, "aws_security_group")))
        .send()
        .await
        .expect("security groups");
    assert!(sgs.security_groups().is_empty(), "security group left");
    let inst = ec2
        .describe_instances()
        .filters(id_filter("instance-id", ids(state, "aws_instance")))
        .send()
        .await
        .expect("instances");
    for i in inst.reservations().iter().flat_map(|r| r.instances()) {
        let s = i
            .state()
            .and_then(|s| s.name())
            .map(|n| n.as_str().to_string());
        assert_eq!(
            s.as_deref(),
            Some("terminated"),
            "instance {:?} not terminated",
            i.instance_id()
        );
    }
    let vols = ec2
        .describe_volumes()
        .filters(id_filter("volume-id", ids(state, "aws_ebs_volume")))
        .send()
        .await
        .expect("volumes");
    assert!(vols.volumes().is_empty(), "volume left");
    let eips = ec2
        .describe_addresses()
        .filters(id_filter("allocation-id", ids(state, "aws_eip")))
        .send()
        .await
        .expect("addresses");
    assert!(eips.addresses().is_empty(), "EIP left");
    let keys = ec2.describe_key_pairs().send().await.expect("key pairs");
    assert!(
        !keys
            .key_pairs()
            .iter()
            .any(|k| k.key_name() == Some(&format!("{name}-deployer"))),
        "key pair left"
    );
    let s3 = support::s3().await;
    let buckets = s3.list_buckets().send().await.expect("buckets");
    assert!(
        !buckets
            .buckets()
            .iter()
            .any(|b| b.name() == Some(&format!("{name}-assets"))),
        "bucket left"
    );
}
