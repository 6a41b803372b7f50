//! Benchmark of the state backends (`cargo bench -p autostack-cli --bench backends`): apply
//! of 1,000 `terraform_data` resources (chains of 10, default parallelism, `-no-cost`) from
//! an empty state on the local backend, on pg (PostgreSQL) and on s3 (moto, lock file and
//! DynamoDB), each in a fresh working directory, best of `AUTOSTACK_BENCH_RUNS` (3). Uploads
//! are counted on the wire: state INSERTs crossing a TCP proxy in front of PostgreSQL, S3
//! PUTs through an HTTP proxy in front of moto (lock object, its removal and the state).
//! Servers: `AUTOSTACK_PG_CONN_STR` and `AUTOSTACK_MOTO_URL` (as `tests/run.sh` sets them),
//! else started here.

#[allow(dead_code)]
mod common;
#[allow(dead_code)]
#[path = "../../../providers/aws/tests/support/proxy.rs"]
mod proxy;
#[path = "../../../state/tests/support/mod.rs"]
mod support;

use common::run_prog;
use std::fmt::Write;
use std::path::Path;
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

/// Best apply time (s) of `runs` fresh applies, and the uploads `count` saw in the best.
fn bench(
    runs: usize,
    mut setup: impl FnMut() -> (String, Vec<String>),
    count: &dyn Fn() -> usize,
    n: usize,
) -> (f64, usize) {
    let mut best = (f64::MAX, 0);
    for _ in 0..runs {
        let (backend, init) = setup();
        let dir = prepared(&backend, &init, n);
        let before = count();
        let (t, _) = run_prog(bin(), dir.path(), &["apply", "-auto-approve", "-no-cost"]);
        let uploads = count() - before;
        assert!(Path::new(dir.path()).exists());
        if t.as_secs_f64() < best.0 {
            best = (t.as_secs_f64(), uploads);
        }
    }
    best
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
    let local = bench(runs, || (String::new(), Vec::new()), &|| 0, n);

    let pg = support::pg::fresh_database("bench");
    let host = pg
        .split('@')
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string();
    let pg_proxy = TcpProxy::start(&host, b"INSERT INTO", 0);
    let via = pg.replace(&host, &pg_proxy.addr);
    let mut k = 0;
    let pg_result = bench(
        runs,
        || {
            k += 1;
            let block = format!(
                "  backend \"pg\" {{\n    schema_name = \"bench{k}_{}\"\n  }}",
                std::process::id()
            );
            (block, vec![format!("-backend-config=conn_str={via}")])
        },
        &|| pg_proxy.seen(),
        n,
    );

    let moto = support::moto::moto_url();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s3_proxy = rt.block_on(proxy::Proxy::start(&moto, 0));
    let url = s3_proxy.url.clone();
    let s3_result = bench(
        runs,
        || {
            let bucket = support::moto::unique("bench");
            support::moto::create_bucket(&moto, &bucket);
            let block = format!("  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"bench/terraform.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    use_lockfile = true\n  }}");
            (
                block,
                vec![format!(
                    "-backend-config=endpoints={{ s3 = \"{url}\", sts = \"{url}\" }}"
                )],
            )
        },
        &|| s3_proxy.count("S3 PUT"),
        n,
    );

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
