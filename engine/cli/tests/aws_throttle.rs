//! Concurrency per provider and adaptive rate limiting through the binary against moto: an
//! apply of 100 instances under `provider "aws" { concurrency = 5 }` and `-parallelism=10`,
//! first through a proxy that only counts, then through one that throttles (EC2's HTTP 400
//! `RequestLimitExceeded`) every call over half the rate the first apply ran at, so a client
//! that did not slow down would see half its calls throttled.
#![cfg(feature = "aws")]

mod common;
#[path = "../../../providers/aws/tests/support/mod.rs"]
mod support;

use common::{Run, Work};
use std::time::Instant;
use support::proxy::Proxy;

const CONCURRENCY: usize = 5;
const INSTANCES: usize = 100;

fn run(w: &Work, endpoint: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.push("-no-color");
    let mut env = vec![
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ];
    // The measurement of the SDK's retry modes sets this; the test runs the default.
    if let Ok(mode) = std::env::var("AUTOSTACK_TEST_AWS_RETRY_MODE") {
        env.push(("AWS_RETRY_MODE", mode));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    w.run_env(&all, &env)
}

fn total(p: &Proxy) -> usize {
    p.calls().values().sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_apply_converges_within_twice_the_calls_and_the_concurrency() {
    let main_tf = format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_instance\" \"i\" {{\n  count         = {INSTANCES}\n  ami           = \"ami-785db401\"\n  instance_type = \"t3.micro\"\n}}\n"
    );
    let settings = format!("provider \"aws\" {{\n  concurrency = {CONCURRENCY}\n}}\n");
    let w = Work::new(&[("main.tf", &main_tf), ("autostack.hcl", &settings)]);
    let apply = ["apply", "-auto-approve", "-parallelism=10"];

    // The minimum: the same apply with no faults. A round trip of 20 ms makes calls overlap.
    let clean = Proxy::start(&support::moto_url(), 0).await;
    clean.set_latency(20);
    let start = Instant::now();
    run(&w, &clean.url, &apply).expect(0);
    let elapsed = start.elapsed().as_secs_f64();
    let minimum = total(&clean);
    assert_eq!(clean.max_in_flight("RunInstances"), CONCURRENCY);
    run(&w, &clean.url, &["destroy", "-auto-approve"]).expect(0);

    let rate = minimum as f64 / elapsed / 2.0;
    let throttling = Proxy::start(&support::moto_url(), 0).await;
    throttling.set_latency(20);
    throttling.throttle(rate, 2.0);
    let start = Instant::now();
    run(&w, &throttling.url, &apply).expect(0);
    let calls = total(&throttling);
    eprintln!(
        "minimum {minimum} calls in {elapsed:.1} s; throttled at {rate:.1}/s: {calls} calls ({} throttled) in {:.1} s; RunInstances in flight at most {}",
        throttling.throttled(),
        start.elapsed().as_secs_f64(),
        throttling.max_in_flight("RunInstances")
    );
    assert!(throttling.throttled() > 0, "the proxy throttled nothing");
    assert!(calls <= 2 * minimum, "{calls} calls > 2 × {minimum}");
    assert!(throttling.max_in_flight("RunInstances") <= CONCURRENCY);
    assert_eq!(common::addresses(&w.state()).len(), INSTANCES);
    // Converged: nothing left to do.
    run(&w, &clean.url, &["plan", "-detailed-exitcode"]).expect(0);
    run(&w, &clean.url, &["destroy", "-auto-approve"]).expect(0);
}
