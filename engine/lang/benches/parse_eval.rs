//! Benchmark: parse and evaluate a generated module of N resources with locals, for_each and
//! function calls (`cargo bench -p autostack-lang --bench parse_eval`). Prints wall time and
//! peak RSS; the numbers go in the README.

use autostack_lang::config::{load_module_tree, validate::validate_tree};
use autostack_lang::diag::Sources;
use autostack_lang::functions::Functions;
use std::fmt::Write;
use std::time::Instant;

/// The allocator the `autostack` binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 256);
    s.push_str("variable \"prefix\" {\n  type    = string\n  default = \"bench\"\n}\n\nlocals {\n  regions = [\"us-east-1\", \"eu-west-1\"]\n  tags    = { team = \"platform\", env = \"prod\" }\n}\n\n");
    for i in 0..n {
        let _ = write!(
            s,
            "locals {{\n  name_{i} = format(\"%s-%05d\", var.prefix, {i})\n}}\n\nresource \"terraform_data\" \"r{i}\" {{\n  for_each = toset(local.regions)\n  input = {{\n    name   = upper(local.name_{i})\n    region = each.key\n    tags   = merge(local.tags, {{ index = \"{i}\" }})\n    cidr   = cidrsubnet(\"10.0.0.0/8\", 16, {i})\n    sum    = sum([for x in range(3) : x * {i}])\n  }}\n}}\n\n"
        );
    }
    s
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let functions = Functions::standard();
    for n in [1_000usize, 10_000] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.tf"), generate(n)).expect("write");
        let start = Instant::now();
        let sources = Sources::new();
        let (tree, diags) = load_module_tree(dir.path(), &sources);
        let parsed = start.elapsed();
        let diags2 = validate_tree(&tree, &functions);
        let total = start.elapsed();
        assert!(
            !diags.has_errors() && !diags2.has_errors(),
            "{diags}\n{diags2}"
        );
        println!("parse+evaluate {n:>6} resources: parse {:>7.1} ms, total {:>7.1} ms, peak RSS {:.0} MB", parsed.as_secs_f64() * 1e3, total.as_secs_f64() * 1e3, peak_rss_mb());
    }
}
