//! Benchmark of the state backends (`cargo bench -p autostack-cli --bench backends`): apply
//! of 1,000 `terraform_data` resources (chains of 10, default parallelism, `-no-cost`) from
//! an empty state on the local backend, on pg (PostgreSQL), s3 (moto, lock file), gcs
//! (fake-gcs-server) and azurerm (Azurite), each in a fresh working directory, best of
//! `AUTOSTACK_BENCH_RUNS` (3). Uploads are counted on the wire in one more run per backend:
//! state INSERTs crossing a TCP proxy in front of PostgreSQL; PUTs (S3: lock object and
//! state; Azure: blob writes and lease calls) or multipart POSTs (GCS) through an HTTP proxy.
//! Servers: `AUTOSTACK_PG_CONN_STR`, `AUTOSTACK_MOTO_URL`, `AUTOSTACK_FAKE_GCS_URL` and
//! `AUTOSTACK_AZURITE_URL` (as `tests/run.sh` sets them), else started here.

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

/// One backend under test: its name, a fresh `backend` block per run, and `init` arguments
/// reaching the server directly or through the counting proxy.
struct Backend {
    name: &'static str,
    block: Box<dyn Fn(usize) -> String>,
    init: Box<dyn Fn(bool) -> Vec<String>>,
    uploads: Box<dyn Fn() -> usize>,
}

/// A new bucket on fake-gcs-server (its JSON API's bucket insert).
fn gcs_bucket(base: &str) -> String {
    let name = support::unique("bench");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/storage/v1/b?project=bench"))
            .header("content-type", "application/json")
            .body(format!("{{\"name\":\"{name}\"}}"))
            .send()
            .await
            .expect("create bucket")
            .status()
    });
    assert!(status.is_success(), "create bucket: {status}");
    name
}

/// A new container on Azurite (shared key of its development account).
fn azurite_container(url: &str) -> String {
    use azure_storage::{CloudLocation, StorageCredentials};
    let name = support::unique("bench");
    let client = azure_storage_blobs::prelude::ClientBuilder::new(
        "devstoreaccount1",
        StorageCredentials::access_key("devstoreaccount1", AZURITE_KEY),
    )
    .cloud_location(CloudLocation::Custom {
        account: "devstoreaccount1".into(),
        uri: url.into(),
    })
    .container_client(&name);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async { client.create().await })
        .expect("create container");
    name
}

/// Azurite's well-known development account key.
const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// An HTTP proxy in front of `upstream` (`http://host:port`), counting calls.
fn http_proxy(rt: &tokio::runtime::Runtime, upstream: &str) -> std::sync::Arc<proxy::Proxy> {
    std::sync::Arc::new(rt.block_on(proxy::Proxy::start(upstream, 0)))
}

/// The backends measured besides local: pg, s3 (lock file), gcs and azurerm.
fn backends(rt: &tokio::runtime::Runtime) -> Vec<Backend> {
    let pg = support::pg::fresh_database("bench");
    let host = pg
        .split('@')
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string();
    let pg_proxy = std::sync::Arc::new(TcpProxy::start(&host, b"INSERT INTO", 0));
    let pg_via = pg.replace(&host, &pg_proxy.addr);
    let moto = support::moto::moto_url();
    let s3_proxy = http_proxy(rt, &moto);
    let s3_via = s3_proxy.url.clone();
    let gcs = support::fake_gcs_url();
    let gcs_proxy = http_proxy(rt, &gcs);
    let gcs_via = gcs_proxy.url.clone();
    let azurite = support::azurite_url();
    let (azurite_host, account) = azurite
        .trim_start_matches("http://")
        .split_once('/')
        .map(|(h, a)| (h.to_string(), a.to_string()))
        .expect("azurite url has the account path");
    let az_proxy = http_proxy(rt, &format!("http://{azurite_host}"));
    let az_via = format!("{}/{account}", az_proxy.url);
    let (moto2, gcs2, az2) = (moto.clone(), gcs.clone(), azurite.clone());
    let (s3c, gcsc, azc) = (s3_proxy.clone(), gcs_proxy.clone(), az_proxy.clone());
    vec![
        Backend {
            name: "pg",
            block: Box::new(|k| {
                format!(
                    "  backend \"pg\" {{\n    schema_name = \"bench{k}_{}\"\n  }}",
                    std::process::id()
                )
            }),
            init: Box::new(move |counted| {
                let conn = if counted { &pg_via } else { &pg };
                vec![format!("-backend-config=conn_str={conn}")]
            }),
            uploads: Box::new(move || pg_proxy.seen()),
        },
        Backend {
            name: "s3 (`use_lockfile`)",
            block: Box::new(move |_| {
                let bucket = support::moto::unique("bench");
                support::moto::create_bucket(&moto2, &bucket);
                format!("  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"bench/terraform.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    use_lockfile = true\n  }}")
            }),
            init: Box::new(move |counted| {
                let e = if counted { &s3_via } else { &moto };
                vec![format!(
                    "-backend-config=endpoints={{ s3 = \"{e}\", sts = \"{e}\" }}"
                )]
            }),
            uploads: Box::new(move || s3c.count("S3 PUT")),
        },
        Backend {
            name: "gcs",
            block: Box::new(move |_| {
                let b = gcs_bucket(&gcs2);
                format!("  backend \"gcs\" {{\n    bucket = \"{b}\"\n    prefix = \"bench\"\n  }}")
            }),
            init: Box::new(move |counted| {
                let e = if counted { &gcs_via } else { &gcs };
                vec![format!(
                    "-backend-config=storage_custom_endpoint={e}/storage/v1/"
                )]
            }),
            // Uploads are multipart POSTs.
            uploads: Box::new(move || gcsc.count("S3 POST")),
        },
        Backend {
            name: "azurerm",
            block: Box::new(move |_| {
                let c = azurite_container(&az2);
                format!("  backend \"azurerm\" {{\n    storage_account_name = \"devstoreaccount1\"\n    container_name = \"{c}\"\n    key = \"bench.tfstate\"\n  }}")
            }),
            init: Box::new(move |counted| {
                let e = if counted { &az_via } else { &azurite };
                vec![
                    format!("-backend-config=endpoint={e}"),
                    format!("-backend-config=access_key={AZURITE_KEY}"),
                ]
            }),
            // Blob writes and lease calls are PUTs.
            uploads: Box::new(move || azc.count("S3 PUT")),
        },
    ]
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
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let remote = backends(&rt);
    let mut local = (f64::MAX, 0);
    let mut results = vec![(f64::MAX, 0); remote.len()];
    // Timed runs reach the servers directly, alternating the backends so load from other
    // processes hits them alike; one more run of each through the counting proxies counts
    // the uploads.
    for k in 0..runs {
        local = faster(local, once("", &[], &|| 0, n));
        for (b, r) in remote.iter().zip(results.iter_mut()) {
            *r = faster(*r, once(&(b.block)(k), &(b.init)(false), &|| 0, n));
        }
    }
    for (b, r) in remote.iter().zip(results.iter_mut()) {
        r.1 = once(&(b.block)(runs), &(b.init)(true), &*b.uploads, n).1;
    }
    println!("apply of {n} terraform_data from an empty state, best of {runs}:");
    println!("| backend | apply | vs local | uploads |");
    println!("|---|---:|---:|---:|");
    println!("| local | {:.3} s | 1.00× | 1 (snapshot) |", local.0);
    for (b, r) in remote.iter().zip(&results) {
        println!(
            "| {} | {:.3} s | {:.2}× | {} |",
            b.name,
            r.0,
            r.0 / local.0,
            r.1
        );
    }
}
