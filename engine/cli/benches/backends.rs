//! Benchmark of the state backends (`cargo bench -p autostack-cli --bench backends`): apply
//! of 1,000 `terraform_data` resources (chains of 10, default parallelism, `-no-cost`) from
//! an empty state on the local backend, on pg (PostgreSQL) and on s3 (moto, lock file and
//! DynamoDB), each in a fresh working directory, best of `AUTOSTACK_BENCH_RUNS` (3). Uploads
//! are counted on the wire: state INSERTs crossing a TCP proxy in front of PostgreSQL, S3
//! PUTs through an HTTP proxy in front of moto (lock object, its removal and the state).
//! Servers: `AUTOSTACK_PG_CONN_STR` and `AUTOSTACK_MOTO_URL` (as `tests/run.sh` sets them),
//! else started here.

mod common;
#[allow(dead_code)]
#[path = "../../../providers/aws/tests/support/proxy.rs"]
mod proxy;
#[path = "../../../state/tests/support/mod.rs"]
mod support;

use common::run_prog;
use std::fmt::Write;
use support::tcp_proxy::TcpProxy;

fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 120);
    for i in 0..n {
        let input = if i % 10 == 0 {
            format!("\"start-{i}\"")
        } else {
            format!("terraform_data.r{}.output", i - 1)
        };
        let _ = writeln!(
            s,
            "resource \"terraform_data\" \"r{i}\" {{\n  input = {input}\n}}"
        );
    }
    s
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_autostack")
}

/// A fresh directory with `backend` and N resources, initialized.
fn prepared(backend: &str, init: &[String], n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("terraform {{\n{backend}\n}}\n{}", generate(n));
    std::fs::write(dir.path().join("main.tf"), text).expect("write");
    let mut args = vec!["init".to_string(), "-input=false".into()];
    args.extend(init.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_prog(bin(), dir.path(), &args);
    dir
}

/// One fresh apply: its time (s) and the uploads `count` saw during it.
fn once(backend: &str, init: &[String], count: &dyn Fn() -> usize, n: usize) -> (f64, usize) {
    let dir = prepared(backend, init, n);
    let before = count();
    let (t, _) = run_prog(bin(), dir.path(), &["apply", "-auto-approve", "-no-cost"]);
    (t.as_secs_f64(), count() - before)
}

/// Keeps the faster of two (time, uploads) results.
fn faster(a: (f64, usize), b: (f64, usize)) -> (f64, usize) {
    if b.0 < a.0 {
        b
    } else {
        a
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n = 1000;
    let runs = common::runs(3);
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let pg = support::pg::fresh_database("bench");
    let host = pg
        .split('@')
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string();
    let pg_proxy = TcpProxy::start(&host, b"INSERT INTO", 0);
    let via = pg.replace(&host, &pg_proxy.addr);
    let moto = support::moto::moto_url();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s3_proxy = rt.block_on(proxy::Proxy::start(&moto, 0));
    let url = s3_proxy.url.clone();
    let pg_block = |k: usize| {
        format!(
            "  backend \"pg\" {{\n    schema_name = \"bench{k}_{}\"\n  }}",
            std::process::id()
        )
    };
    let s3_block = || {
        let bucket = support::moto::unique("bench");
        support::moto::create_bucket(&moto, &bucket);
        format!("  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"bench/terraform.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    use_lockfile = true\n  }}")
    };
    let s3_init = |endpoint: &str| {
        [format!(
            "-backend-config=endpoints={{ s3 = \"{endpoint}\", sts = \"{endpoint}\" }}"
        )]
    };
    let (mut local, mut pg_result, mut s3_result) = ((f64::MAX, 0), (f64::MAX, 0), (f64::MAX, 0));
    // Timed runs reach the servers directly, alternating the backends so load from other
    // processes hits them alike; one more run of each through the counting proxies counts
    // the uploads.
    for k in 0..runs {
        local = faster(local, once("", &[], &|| 0, n));
        let init = [format!("-backend-config=conn_str={pg}")];
        pg_result = faster(pg_result, once(&pg_block(k), &init, &|| 0, n));
        s3_result = faster(s3_result, once(&s3_block(), &s3_init(&moto), &|| 0, n));
    }
    let init = [format!("-backend-config=conn_str={via}")];
    pg_result.1 = once(&pg_block(runs), &init, &|| pg_proxy.seen(), n).1;
    s3_result.1 = once(&s3_block(), &s3_init(&url), &|| s3_proxy.count("S3 PUT"), n).1;

    println!("apply of {n} terraform_data from an empty state, best of {runs}:");
    println!("| backend | apply | vs local | uploads |");
    println!("|---|---:|---:|---:|");
    println!("| local | {:.3} s | 1.00× | {} (snapshot) |", local.0, 1);
    println!(
        "| pg | {:.3} s | {:.2}× | {} |",
        pg_result.0,
        pg_result.0 / local.0,
        pg_result.1
    );
    println!(
        "| s3 (lock file) | {:.3} s | {:.2}× | {} |",
        s3_result.0,
        s3_result.0 / local.0,
        s3_result.1
    );
}
