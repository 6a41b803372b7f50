//! Benchmark of the AWS provider through the real binary against moto
//! (`cargo bench -p autostack-cli --bench aws`; needs `.venv/bin/moto_server` from
//! `tests/run.sh` or `AUTOSTACK_MOTO_URL`). Every call goes through a counting proxy.
//!
//! - the 10-resource stack (VPC, 2 subnets, SG, instance, EBS volume + attachment, EIP,
//!   versioned bucket): `plan` and `apply` wall time;
//! - 500 instances: the describe calls of a `plan` with refresh;
//! - 100 independent instances at `-parallelism=10` against 10 × one instance's create time.

#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::proxy::Proxy;

const STACK: &str = r#"
provider "aws" {
  region            = "us-east-1"
  s3_use_path_style = true
}

variable "name" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_subnet" "a" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_security_group" "web" {
  name   = var.name
  vpc_id = aws_vpc.main.id
}

resource "aws_instance" "web" {
  ami                    = "ami-785db401"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a[0].id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_ebs_volume" "data" {
  availability_zone = aws_instance.web.availability_zone
  size              = 10
}

resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.web.id
}

resource "aws_eip" "web" {
  domain   = "vpc"
  instance = aws_instance.web.id
}

resource "aws_s3_bucket" "b" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
"#;

fn instances(n: usize) -> String {
    format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_instance\" \"i\" {{\n  count         = {n}\n  ami           = \"ami-785db401\"\n  instance_type = \"t3.micro\"\n}}\n"
    )
}

/// Runs the release binary in `dir` against `endpoint`; returns the wall time.
fn run(dir: &Path, endpoint: &str, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_autostack"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("spawn autostack");
    assert!(
        out.status.success() || out.status.code() == Some(2),
        "autostack {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

fn dir_with(main_tf: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(d.path().join("main.tf"), main_tf).expect("write");
    d
}

fn describe_calls(p: &Proxy) -> usize {
    p.calls()
        .iter()
        .filter(|(k, _)| k.starts_with("Describe"))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let proxy = Proxy::start(&support::moto_url(), 0).await;
    let url = proxy.url.clone();
    let name = format!(
        "bench-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    );
    let var = format!("-var=name={name}");

    // Moto answers in a few milliseconds but handles requests almost one at a time; real
    // regions take ~100 ms a call and serve many at once. The proxy adds that round trip so
    // the engine's parallelism is what is measured. A first apply warms moto up.
    let one = dir_with(&instances(1));
    run(one.path(), &url, &["apply", "-auto-approve", "-no-color"]);
    run(one.path(), &url, &["destroy", "-auto-approve", "-no-color"]);
    for latency in [0, 100] {
        proxy.set_latency(latency);
        let single = run(one.path(), &url, &["apply", "-auto-approve", "-no-color"]);
        run(one.path(), &url, &["destroy", "-auto-approve", "-no-color"]);
        let d = dir_with(&instances(100));
        proxy.reset();
        let hundred = run(
            d.path(),
            &url,
            &["apply", "-auto-approve", "-no-color", "-parallelism=10"],
        );
        let calls: usize = proxy.calls().values().sum();
        run(d.path(), &url, &["destroy", "-auto-approve", "-no-color"]);
        let bound = single.as_secs_f64() * 10.0 * 1.5;
        println!(
            "{latency} ms per call: 100 instances at -parallelism=10: {:.2} s ({calls} API calls); one instance: {:.2} s; bound 1.5 × 10 × one = {bound:.2} s",
            hundred.as_secs_f64(),
            single.as_secs_f64(),
        );
    }
    proxy.set_latency(0);

    let d = dir_with(STACK);
    let plan = run(d.path(), &url, &["plan", "-no-color", &var]);
    let apply = run(
        d.path(),
        &url,
        &["apply", "-auto-approve", "-no-color", &var],
    );
    let noop = run(d.path(), &url, &["plan", "-no-color", &var]);
    run(
        d.path(),
        &url,
        &["destroy", "-auto-approve", "-no-color", &var],
    );
    println!(
        "10-resource stack: plan {:.2} s, apply {:.2} s, no-op plan with refresh {:.2} s",
        plan.as_secs_f64(),
        apply.as_secs_f64(),
        noop.as_secs_f64()
    );

    let d = dir_with(&instances(500));
    let apply = run(d.path(), &url, &["apply", "-auto-approve", "-no-color"]);
    proxy.reset();
    let refresh = run(d.path(), &url, &["plan", "-no-color"]);
    println!(
        "500 instances: apply {:.2} s; plan with refresh {:.2} s, {} describe calls ({:?})",
        apply.as_secs_f64(),
        refresh.as_secs_f64(),
        describe_calls(&proxy),
        proxy
            .calls()
            .into_iter()
            .filter(|(k, _)| k.starts_with("Describe"))
            .collect::<Vec<_>>()
    );
    run(d.path(), &url, &["destroy", "-auto-approve", "-no-color"]);
}
