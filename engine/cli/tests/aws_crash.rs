//! `kill -9` at random instants of an AWS apply on moto: once the next command has resolved
//! the interrupted creates, no object of the run exists that the state does not hold, and
//! the apply after it converges. (The local-file counterpart is in `crash.rs`.)
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use autostack_provider_aws::sdk::aws_sdk_ec2::types::Filter;
use common::{bin, found_objects, Run, Work};
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One of each AWS resource type, all tagged (by `default_tags`) with the run's name.
fn stack(run: &str) -> String {
    let key = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/aws-web/deployer.pub"
    ))
    .unwrap();
    format!(
        r#"
provider "aws" {{
  region            = "us-east-1"
  s3_use_path_style = true
  default_tags {{
    tags = {{ Run = "{run}" }}
  }}
}}
resource "aws_vpc" "v" {{
  cidr_block = "10.7.0.0/16"
}}
resource "aws_subnet" "s" {{
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.7.1.0/24"
  availability_zone = "us-east-1a"
}}
resource "aws_internet_gateway" "g" {{
  vpc_id = aws_vpc.v.id
}}
resource "aws_route_table" "r" {{
  vpc_id = aws_vpc.v.id
}}
resource "aws_route_table_association" "a" {{
  subnet_id      = aws_subnet.s.id
  route_table_id = aws_route_table.r.id
}}
resource "aws_security_group" "sg" {{
  name_prefix = "crash-"
  description = "crash test"
  vpc_id      = aws_vpc.v.id
}}
resource "aws_vpc_security_group_ingress_rule" "ssh" {{
  security_group_id = aws_security_group.sg.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "10.0.0.0/8"
}}
resource "aws_key_pair" "k" {{
  key_name_prefix = "crash-"
  public_key      = "{key}"
}}
resource "aws_instance" "i" {{
  ami           = "ami-785db401"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.s.id
  key_name      = aws_key_pair.k.key_name
}}
resource "aws_ebs_volume" "d" {{
  availability_zone = "us-east-1a"
  size              = 1
}}
resource "aws_volume_attachment" "at" {{
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.d.id
  instance_id = aws_instance.i.id
}}
resource "aws_eip" "e" {{
  domain = "vpc"
}}
resource "aws_s3_bucket" "b" {{
  bucket_prefix = "crash-{run}-"
  force_destroy = true
}}
resource "aws_s3_bucket_versioning" "bv" {{
  bucket = aws_s3_bucket.b.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}
"#,
        key = key.trim()
    )
}

const ENV: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

fn run(w: &Work, args: &[&str]) -> Run {
    let url = support::moto_url();
    let mut env = ENV.to_vec();
    env.push(("AWS_ENDPOINT_URL", &url));
    w.run_env(args, &env)
}

/// Every string in the state's attributes (IDs, names, ARNs), to look objects up in.
fn state_strings(w: &Work) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(xs) => xs.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(text) = std::fs::read_to_string(w.path().join("terraform.tfstate")) {
        let st: serde_json::Value = serde_json::from_str(&text).expect("the state always loads");
        for r in st["resources"].as_array().into_iter().flatten() {
            for i in r["instances"].as_array().into_iter().flatten() {
                walk(&i["attributes"], &mut out);
            }
        }
    }
    out
}

/// The objects of run `run` that exist in moto: EC2 objects tagged with it, the route table
/// associations of its tables, and its buckets.
async fn existing(run: &str) -> BTreeSet<String> {
    let ec2 = support::ec2().await;
    let tags = ec2
        .describe_tags()
        .filters(Filter::builder().name("key").values("Run").build())
        .filters(Filter::builder().name("value").values(run).build())
        .send()
        .await
        .expect("describe tags");
    let mut out: BTreeSet<String> = tags
        .tags()
        .iter()
        .filter_map(|t| t.resource_id().map(str::to_string))
        .collect();
    let tables = ec2
        .describe_route_tables()
        .filters(Filter::builder().name("tag:Run").values(run).build())
        .send()
        .await
        .expect("describe route tables");
    for t in tables.route_tables() {
        for a in t.associations() {
            out.extend(a.route_table_association_id().map(str::to_string));
        }
    }
    let buckets = support::s3()
        .await
        .list_buckets()
        .send()
        .await
        .expect("list buckets");
    let prefix = format!("crash-{run}-");
    out.extend(
        buckets
            .buckets()
            .iter()
            .filter_map(|b| b.name())
            .filter(|n| n.starts_with(&prefix))
            .map(str::to_string),
    );
    out
}

fn start_apply(w: &Work) -> std::process::Child {
    let url = support::moto_url();
    Command::new(bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .envs(ENV)
        .env("AWS_ENDPOINT_URL", url)
        .current_dir(w.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// 50 kills: 10 working directories (runs), each killed 5 times at random instants while
/// the apply resumes; after each kill `plan` recovers and every object of the run that
/// exists is in the state; then an apply converges, a plan has no changes, and destroy
/// succeeds.
#[tokio::test(flavor = "multi_thread")]
async fn kill_dash_nine_of_an_aws_apply_leaves_no_orphan() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = nanos | 1;
    let mut below = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n.max(1)
    };
    let probe_run = format!("p{}", nanos % 1_000_000_000);
    let probe = Work::new(&[("main.tf", &stack(&probe_run))]);
    let t = Instant::now();
    run(&probe, &["apply", "-auto-approve", "-no-color"]).expect(0);
    let full = t.elapsed().as_millis() as u64;
    run(&probe, &["destroy", "-auto-approve", "-no-color"]).expect(0);
    let mut found = 0;
    for dir in 0..10 {
        let name = format!("r{}x{dir}", nanos % 1_000_000_000);
        let w = Work::new(&[("main.tf", &stack(&name))]);
        for kill in 0..5 {
            let mut child = start_apply(&w);
            std::thread::sleep(Duration::from_millis(below(full + 1)));
            let _ = child.kill();
            let _ = child.wait();
            let r = run(&w, &["plan", "-no-color", "-refresh=false"]);
            assert!(
                r.code() == 0,
                "{name} kill {kill}: {}{}",
                r.stdout(),
                r.stderr()
            );
            found += found_objects(&r.stdout());
            let held = state_strings(&w);
            let unheld: Vec<String> = existing(&name).await.difference(&held).cloned().collect();
            assert!(
                unheld.is_empty(),
                "{name} kill {kill}: objects the state does not hold: {unheld:?}"
            );
        }
        run(&w, &["apply", "-auto-approve", "-no-color"]).expect(0);
        let r = run(&w, &["plan", "-no-color", "-detailed-exitcode"]);
        assert!(r.code() == 0, "{name}: {}{}", r.stdout(), r.stderr());
        run(&w, &["destroy", "-auto-approve", "-no-color"]).expect(0);
    }
    // The kills did land mid-create: recovery had objects to find.
    eprintln!("objects found by recovery over 50 kills: {found}");
    assert!(found > 0, "no kill interrupted a create");
}
