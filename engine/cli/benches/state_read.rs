//! Benchmark of reading a large state without any provider
//! (`cargo bench -p autostack-cli --bench state_read`): a state of N `terraform_data`
//! resources (chains of 10, as `lifecycle` applies them) and a few outputs, written in the
//! engine's layout, then `state list`, `state pull`, `output` and `output -json` timed with
//! the real binary. Each must finish within 0.5 s at 100,000 resources: none decodes an
//! attribute or starts a provider. Best of `AUTOSTACK_BENCH_RUNS` runs (5);
//! `AUTOSTACK_BENCH_SIZES=10000,100000` picks sizes.
//!
//! Then the codec alone on a state of over 100 MB: reading the file and decoding the whole
//! document, encoding it and streaming it to a file, each in MB/s beside serde_json's own
//! speed on the same bytes (skimming them with `IgnoredAny`, parsing them into a `Value`,
//! writing the document compact), the
//! bound the issue sets (≥ 200 MB/s each way).

mod common;

use autostack_state::codec;
use autostack_state::model::{Document, Instance, Mode, Output, RawJson, Resource};
use serde_json::value::RawValue;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// The budget each command must meet at 100,000 resources.
const BUDGET_SECS: f64 = 0.5;

fn raw(text: String) -> RawJson {
    RawValue::from_string(text).expect("valid JSON")
}

/// One `terraform_data` object as the engine writes it.
fn object(i: usize) -> Instance {
    let input = format!("start-{}", i - i % 10);
    Instance {
        index_key: None,
        status: None,
        deposed: None,
        schema_version: 0,
        attributes: raw(format!(
            r#"{{"id":"{:08x}-0000-4000-8000-{i:012}","input":{{"value":"{input}","type":"string"}},"output":{{"value":"{input}","type":"string"}},"triggers_replace":null}}"#,
            i * 2_654_435_761 % 0xffff_ffff
        )),
        sensitive_attributes: Some(raw("[]".into())),
        identity_schema_version: None,
        object_provider: None,
        identity: None,
        private: None,
        dependencies: if i.is_multiple_of(10) {
            Vec::new()
        } else {
            vec![format!("terraform_data.r{}", i - 1)]
        },
        create_before_destroy: false,
    }
}

/// The state file of `n` resources and 10 outputs.
fn state(n: usize) -> Vec<u8> {
    let mut doc = Document::empty("1.11.4");
    doc.serial = 1;
    doc.lineage = "9d1c3f5e-6a0b-4c1d-8e2f-3a4b5c6d7e8f".into();
    doc.resources = (0..n)
        .map(|i| Resource {
            module: None,
            mode: Mode::Managed,
            ty: "terraform_data".into(),
            name: format!("r{i}"),
            each: None,
            provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
            instances: vec![object(i)],
        })
        .collect();
    doc.resources.sort_by(|a, b| a.name.cmp(&b.name));
    for k in 0..10 {
        doc.outputs.insert(
            format!("out{k}"),
            Output {
                value: raw(format!("\"start-{}\"", k * 10)),
                ty: raw("\"string\"".into()),
                sensitive: k == 9,
            },
        );
    }
    codec::encode(&doc).expect("encode")
}

/// Best (seconds, peak RSS MB) of `AUTOSTACK_BENCH_RUNS` (5) runs.
fn best(dir: &Path, args: &[&str]) -> (f64, f64) {
    common::best_of(common::runs(5), || {
        common::run_prog(env!("CARGO_BIN_EXE_autostack"), dir, args)
    })
}

fn read_state(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bytes = state(n);
    std::fs::write(d.join("terraform.tfstate"), &bytes).expect("write");
    std::fs::write(d.join("main.tf"), "").expect("write");
    println!(
        "{n:>7} resources ({:.1} MB state):",
        bytes.len() as f64 / 1e6
    );
    for args in [
        &["state", "list"][..],
        &["state", "pull"],
        &["output"],
        &["output", "-json"],
    ] {
        let (t, rss) = best(d, args);
        let verdict = if n >= 100_000 && t >= BUDGET_SECS {
            format!("  OVER the {BUDGET_SECS} s budget")
        } else {
            String::new()
        };
        println!(
            "  {:<14} {t:.3} s  peak {rss:.0} MB{verdict}",
            args.join(" ")
        );
    }
}

/// Resources in the codec's state: 145,000 of these objects make 102 MB.
const CODEC_RESOURCES: usize = 145_000;

/// The best throughput of `AUTOSTACK_BENCH_RUNS` (5) runs of `f` over `bytes` bytes, in MB/s.
fn mb_per_s(bytes: usize, mut f: impl FnMut()) -> f64 {
    let best = (0..common::runs(5))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    bytes as f64 / 1e6 / best
}

/// Reads and writes a state of over 100 MB through the codec, against serde_json's own speed.
fn codec_throughput() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("terraform.tfstate");
    let bytes = state(CODEC_RESOURCES);
    std::fs::write(&path, &bytes).expect("write");
    let n = bytes.len();
    println!(
        "codec, {CODEC_RESOURCES} resources ({:.1} MB state):",
        n as f64 / 1e6
    );
    let skim = mb_per_s(n, || {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).expect("json");
    });
    let read = mb_per_s(n, || {
        let doc = codec::decode(&std::fs::read(&path).expect("read")).expect("decode");
        assert_eq!(doc.resources.len(), CODEC_RESOURCES);
    });
    let tree = mb_per_s(n, || {
        serde_json::from_slice::<serde_json::Value>(&bytes).expect("json");
    });
    println!(
        "  read + decode  {read:>6.0} MB/s  (serde_json: skimming the bytes {skim:.0} MB/s, \
         parsing them into a Value {tree:.0} MB/s)"
    );
    let doc = codec::decode(&bytes).expect("decode");
    let out = dir.path().join("written.tfstate");
    let compact = mb_per_s(n, || {
        serde_json::to_writer(std::io::sink(), &doc).expect("json");
    });
    let write = mb_per_s(n, || {
        let mut w = BufWriter::new(std::fs::File::create(&out).expect("create"));
        codec::encode_to(&doc, &mut w).expect("encode");
        w.flush().expect("flush");
    });
    assert_eq!(
        std::fs::read(&out).expect("read back"),
        bytes,
        "written back byte for byte"
    );
    println!(
        "  encode + write {write:>6.0} MB/s  (serde_json writing it compact: {compact:.0} MB/s)"
    );
    for (what, speed) in [("read", read), ("write", write)] {
        if speed < 200.0 {
            println!("  {what} is UNDER the 200 MB/s bound");
        }
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::var("AUTOSTACK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    for n in sizes {
        read_state(n);
    }
    codec_throughput();
}
